//! The GNU error format: `path:line.col-line.col: severity: message [rule]`.
//! Editors (Emacs compilation mode, Vim errorformat) parse this directly.

use std::fmt::Write as _;

use dockside_rules::{ColumnUnit, Severity};

use super::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let (start, end) = report.span(d.range, ColumnUnit::Char);
            let _ = writeln!(
                out,
                "{}:{}.{}-{}.{}: {}: {} [{}]",
                report.path,
                start.line,
                start.column,
                end.line,
                end.column,
                level(d.severity),
                d.message.replace(['\r', '\n'], " "),
                d.rule.name,
            );
        }
    }
    out
}

/// Words editors recognise; `style` is not one, so it becomes a note.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
        Severity::Style => "note",
    }
}
