//! GitLab Code Quality report: a JSON array of issues.

use std::collections::HashSet;

use dockside_rules::{Category, ColumnUnit, Severity};
use serde::Serialize;

use super::FileReport;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub fn render(reports: &[FileReport]) -> String {
    let mut issues = Vec::new();
    let mut seen = HashSet::new();
    for report in reports {
        for d in &report.diagnostics {
            let (start, end) = report.span(d.range, ColumnUnit::Char);
            // The line's content rather than its number, so the fingerprint
            // survives edits elsewhere in the file.
            let line = report.line_text(d.range.start).trim();
            let mut fingerprint = fnv1a(&[&report.path, d.rule.name, &d.message, line]);
            // Identical findings on identical lines still need distinct fingerprints.
            let mut occurrence = 1u32;
            while !seen.insert(fingerprint) {
                occurrence += 1;
                fingerprint = fnv1a(&[&report.path, d.rule.name, &d.message, line, &occurrence.to_string()]);
            }
            issues.push(Issue {
                description: format!("{} [{}]", d.message, d.rule.name),
                check_name: d.rule.name,
                fingerprint: format!("{fingerprint:016x}"),
                severity: severity(d.severity),
                categories: [category(d.rule.category)],
                location: Location { path: &report.path, lines: Lines { begin: start.line, end: end.line } },
            });
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Style => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// Code Climate's category names, which GitLab shows.
fn category(category: Category) -> &'static str {
    match category {
        Category::Security => "Security",
        Category::Correctness | Category::Shell | Category::Reproducibility => "Bug Risk",
        Category::Cache | Category::Size => "Performance",
        Category::BaseImage => "Compatibility",
        Category::Maintainability | Category::Metadata => "Style",
    }
}

/// 64-bit FNV-1a over the fields, each followed by a separator byte so that
/// ("ab", "c") and ("a", "bc") differ. Stable across runs and platforms.
fn fnv1a(fields: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        for byte in field.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_field_separated() {
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(fnv1a(&["x", "y"]), fnv1a(&["x", "y"]));
    }
}
