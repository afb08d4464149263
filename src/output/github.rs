//! GitHub Actions workflow commands, which annotate the pull request diff:
//! `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.

use std::fmt::Write as _;

use dockside_rules::{ColumnUnit, Severity};

use super::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let (start, end) = report.span(d.range, ColumnUnit::Char);
            let title = match d.rule.aliases.first() {
                Some(alias) => format!("dockside {} ({alias})", d.rule.name),
                None => format!("dockside {}", d.rule.name),
            };
            let _ = writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                level(d.severity),
                escape_property(&report.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&title),
                escape_data(&d.message),
            );
        }
    }
    out
}

/// GitHub has no style or info annotations; both become notices.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

/// The message part: `%`, CR and LF must be escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Property values additionally escape the separators `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_github_rules() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
