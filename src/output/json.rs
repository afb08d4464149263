//! The stable JSON report; the contract is documented in docs/json-format.md.
//! Bump `VERSION` on any incompatible change.

use dockside_rules::{ColumnUnit, Diagnostic, TextRange};
use serde::Serialize;

use super::{FileReport, Totals};

const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files: Vec<File<'a>>,
    /// What could not be checked or written (`path: why`); absent when
    /// nothing failed, so a clean run's report is unchanged.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    failures: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    aliases: &'static [&'static str],
    category: &'static str,
    severity: &'static str,
    message: &'a str,
    range: Range,
    fix: Option<JsonFix<'a>>,
    url: String,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: Range,
    new_text: &'a str,
}

#[derive(Serialize)]
struct Range {
    start: Location,
    end: Location,
}

#[derive(Serialize)]
struct Location {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    diagnostics: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    styles: usize,
    fixable: usize,
    #[serde(skip_serializing_if = "is_zero")]
    failures: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub fn render(reports: &[FileReport], failures: &[String]) -> String {
    let totals = Totals::of(reports);
    let report = Report {
        version: VERSION,
        files: reports
            .iter()
            .map(|r| File { path: &r.path, diagnostics: r.diagnostics.iter().map(|d| diagnostic(r, d)).collect() })
            .collect(),
        failures,
        summary: Summary {
            files: totals.files,
            diagnostics: totals.diagnostics,
            errors: totals.errors,
            warnings: totals.warnings,
            infos: totals.infos,
            styles: totals.styles,
            fixable: totals.fixable,
            failures: failures.len(),
        },
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic<'a>(report: &FileReport, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        rule: d.rule.name,
        aliases: d.rule.aliases,
        category: d.rule.category.as_str(),
        severity: d.severity.as_str(),
        message: &d.message,
        range: range(report, d.range),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit { range: range(report, e.range), new_text: &e.new_text })
                .collect(),
        }),
        url: d.rule.url(),
    }
}

fn range(report: &FileReport, range: TextRange) -> Range {
    let (start, end) = report.span(range, ColumnUnit::Char);
    Range {
        start: Location { line: start.line, column: start.column },
        end: Location { line: end.line, column: end.column },
    }
}
