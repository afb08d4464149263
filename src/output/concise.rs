//! `path:line:col: severity[rule] message`, one line per diagnostic.

use std::fmt::Write as _;

use dockside_rules::ColumnUnit;

use super::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let start = report.position(d.range.start, ColumnUnit::Char);
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                report.path,
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule.name,
                one_line(&d.message),
            );
        }
    }
    out
}

/// Keep each diagnostic on one line so tools can split the output by lines.
fn one_line(message: &str) -> String {
    message.replace(['\r', '\n'], " ")
}
