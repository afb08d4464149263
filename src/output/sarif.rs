//! SARIF 2.1.0, as consumed by GitHub code scanning and other SARIF viewers.
//! Columns are UTF-16 code units (declared with `columnKind`), lines and
//! columns 1-based, end columns exclusive.

use dockside_rules::{ColumnUnit, Diagnostic, RuleMeta, Severity, TextRange, all_rules};
use serde_json::{Value, json};

use super::FileReport;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(reports: &[FileReport], failures: &[String]) -> String {
    let rules: Vec<Value> = all_rules().iter().map(|r| rule(&r.meta)).collect();
    let results: Vec<Value> =
        reports.iter().flat_map(|report| report.diagnostics.iter().map(move |d| result(report, d))).collect();
    let mut sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "dockside",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/dockside/dockside",
                    "rules": rules,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    if !failures.is_empty() {
        // SARIF's place for "the run did not do all it should": an
        // unsuccessful invocation with one error notification per failure.
        let notifications: Vec<Value> =
            failures.iter().map(|text| json!({ "level": "error", "message": { "text": text } })).collect();
        sarif["runs"][0]["invocations"] =
            json!([{ "executionSuccessful": false, "toolExecutionNotifications": notifications }]);
    }
    let mut out = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    out.push('\n');
    out
}

fn rule(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.name,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "helpUri": meta.url(),
        "defaultConfiguration": { "level": level(meta.severity), "enabled": meta.enabled_by_default },
        "properties": {
            "category": meta.category.as_str(),
            "aliases": meta.aliases,
            "tags": [meta.category.as_str()],
        },
    })
}

fn result(report: &FileReport, d: &Diagnostic) -> Value {
    let uri = file_uri(&report.path);
    let location = |range: TextRange| {
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(report, range),
            }
        })
    };
    let mut result = json!({
        "ruleId": d.rule.name,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [location(d.range)],
    });
    if let Some(index) = all_rules().iter().position(|r| std::ptr::eq(&r.meta, d.rule)) {
        result["ruleIndex"] = json!(index);
    }
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                let mut loc = location(related.range);
                loc["id"] = json!(id);
                loc["message"] = json!({ "text": related.message });
                loc
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| json!({ "deletedRegion": region(report, e.range), "insertedContent": { "text": e.new_text } }))
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.title },
            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
        }]);
    }
    result
}

fn region(report: &FileReport, range: TextRange) -> Value {
    let (start, end) = report.span(range, ColumnUnit::Utf16);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// SARIF has no style level; info and style are both notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// A URI reference for a path: relative paths stay relative (so viewers
/// resolve them against the checkout), absolute ones become `file://` URIs.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(file_uri("a b/Dockerfile"), "a%20b/Dockerfile");
        assert_eq!(file_uri("/tmp/é"), "file:///tmp/%C3%A9");
    }
}
