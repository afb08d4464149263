//! Source excerpts with the offending range underlined, via codespan-reporting.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Ansi, NoColor};
use codespan_reporting::term::{self, Config};
use dockside_rules::{Applicability, ColumnUnit, Diagnostic, Severity};

use super::FileReport;

pub fn render(reports: &[FileReport], color: bool) -> String {
    let config = Config::default();
    let mut files = SimpleFiles::new();
    let mut out = Vec::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue;
        }
        let file = files.add(report.path.as_str(), report.source.as_str());
        for d in &report.diagnostics {
            let rendered = to_report(file, d);
            let mut one = Vec::new();
            let emitted = if color {
                term::emit_to_write_style(&mut Ansi::new(&mut one), &config, &files, &rendered)
            } else {
                term::emit_to_write_style(&mut NoColor::new(&mut one), &config, &files, &rendered)
            };
            out.extend_from_slice(&name_the_severity(one, d));
            if emitted.is_err() {
                // A range codespan cannot show (it should not happen) still
                // deserves a line rather than silence.
                let start = report.position(d.range.start, ColumnUnit::Char);
                let line = format!(
                    "{}[{}]: {}\n  --> {}:{}:{}\n\n",
                    d.severity.as_str(),
                    d.rule.name,
                    d.message,
                    report.path,
                    start.line,
                    start.column
                );
                out.extend_from_slice(line.as_bytes());
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_report(file: usize, d: &Diagnostic) -> Report<usize> {
    let mut labels = vec![Label::primary(file, d.range.as_range())];
    labels.extend(d.related.iter().map(|r| Label::secondary(file, r.range.as_range()).with_message(&r.message)));
    let mut notes = Vec::new();
    if let Some(fix) = &d.fix {
        let note = match fix.applicability {
            Applicability::Safe => format!("help: {}", fix.title),
            Applicability::Unsafe => format!("help: {} (unsafe fix, apply with --unsafe-fixes)", fix.title),
        };
        notes.push(note);
    }
    Report::new(level(d.severity)).with_code(d.rule.name).with_message(&d.message).with_labels(labels).with_notes(notes)
}

/// codespan heads info and style findings `note[…]`; the other formats and
/// the summary call them `info` and `style`, so the header says so too.
fn name_the_severity(rendered: Vec<u8>, d: &Diagnostic) -> Vec<u8> {
    if !matches!(d.severity, Severity::Info | Severity::Style) {
        return rendered;
    }
    let text = String::from_utf8_lossy(&rendered);
    let header = format!("note[{}]", d.rule.name);
    text.replacen(&header, &format!("{}[{}]", d.severity.as_str(), d.rule.name), 1).into_bytes()
}

/// codespan has no style or info level: both render as notes, renamed by
/// [`name_the_severity`].
fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info | Severity::Style => Level::Note,
    }
}
