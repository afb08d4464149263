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
            let emitted = if color {
                term::emit_to_write_style(&mut Ansi::new(&mut out), &config, &files, &rendered)
            } else {
                term::emit_to_write_style(&mut NoColor::new(&mut out), &config, &files, &rendered)
            };
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

/// codespan has no style level; style and info findings are both notes.
fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info | Severity::Style => Level::Note,
    }
}
