//! JUnit XML: a test suite per file and a failing test case per diagnostic,
//! so CI systems that only understand test reports can still show findings.

use std::fmt::Write as _;

use dockside_rules::ColumnUnit;

use super::{FileReport, xml_escape};

pub fn render(reports: &[FileReport]) -> String {
    let failures: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let tests: usize = reports.iter().map(|r| r.diagnostics.len().max(1)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"dockside\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">");
    for report in reports {
        let path = xml_escape(&report.path);
        let count = report.diagnostics.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{count}\" errors=\"0\">",
            count.max(1),
        );
        if report.diagnostics.is_empty() {
            // A clean file is one passing test rather than an empty suite.
            let _ = writeln!(out, "    <testcase name=\"dockside\" classname=\"{path}\"/>");
        }
        for d in &report.diagnostics {
            let start = report.position(d.range.start, ColumnUnit::Char);
            let _ = writeln!(
                out,
                "    <testcase name=\"{}:{}:{}\" classname=\"{path}\">",
                d.rule.name, start.line, start.column,
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {}[{}] {}</failure>",
                xml_escape(&d.message),
                d.severity.as_str(),
                path,
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule.name,
                xml_escape(&d.message),
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
