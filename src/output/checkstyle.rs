//! Checkstyle XML, read by Jenkins' warnings plugin and many CI dashboards.

use std::fmt::Write as _;

use dockside_rules::{ColumnUnit, Severity};

use super::{FileReport, xml_escape};

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for report in reports {
        let _ = writeln!(out, "  <file name=\"{}\">", xml_escape(&report.path));
        for d in &report.diagnostics {
            let start = report.position(d.range.start, ColumnUnit::Char);
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"dockside.{}\"/>",
                start.line,
                start.column,
                severity(d.severity),
                xml_escape(&d.message),
                d.rule.name,
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Checkstyle knows error, warning and info.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}
