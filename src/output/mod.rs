//! Rendering lint results in every supported format.
//!
//! Each format is a function from the per-file reports to the text written to
//! stdout, so formats stay independent of how files were found and linted.

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod gnu;
mod json;
mod junit;
mod pretty;
mod sarif;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use dockside_rules::{Applicability, ColumnUnit, Diagnostic, LineIndex, Position, Severity, TextRange};

use crate::args::OutputFormat;

/// One linted file and what was found in it.
pub struct FileReport {
    /// The path as shown to the user.
    pub path: String,
    /// The text the diagnostics' ranges point into (without a BOM).
    pub source: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(path: String, source: String, diagnostics: Vec<Diagnostic>) -> FileReport {
        let line_index = LineIndex::new(&source);
        FileReport { path, source, line_index, diagnostics }
    }

    /// The 1-based line and column of `offset`, with columns counted in `unit`.
    pub fn position(&self, offset: usize, unit: ColumnUnit) -> Position {
        let p = self.line_index.position(&self.source, offset, unit);
        Position { line: p.line + 1, column: p.column + 1 }
    }

    /// 1-based start and (exclusive) end positions of `range`.
    pub fn span(&self, range: TextRange, unit: ColumnUnit) -> (Position, Position) {
        (self.position(range.start, unit), self.position(range.end, unit))
    }

    /// The text of the (0-based) line containing `offset`.
    pub fn line_text(&self, offset: usize) -> &str {
        let line = self.line_index.position(&self.source, offset, ColumnUnit::Utf8).line;
        self.line_index.line_range(&self.source, line).map_or("", |r| &self.source[r])
    }
}

pub struct RenderOptions<'a> {
    pub color: bool,
    /// What could not be checked or written, one line each (`path: why`):
    /// the formats with a summary or an invocation record carry it.
    pub failures: &'a [String],
}

/// Render `reports` in `format`.
pub fn render(format: OutputFormat, reports: &[FileReport], options: &RenderOptions) -> String {
    match format {
        OutputFormat::Pretty => pretty::render(reports, options.color),
        OutputFormat::Concise => concise::render(reports),
        OutputFormat::Json => json::render(reports, options.failures),
        OutputFormat::Sarif => sarif::render(reports, options.failures),
        OutputFormat::Github => github::render(reports),
        OutputFormat::Gitlab => gitlab::render(reports),
        OutputFormat::Checkstyle => checkstyle::render(reports),
        OutputFormat::Junit => junit::render(reports),
        OutputFormat::Gnu => gnu::render(reports),
    }
}

/// Counts over every report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub diagnostics: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub styles: usize,
    /// Diagnostics with a fix of any applicability.
    pub fixable: usize,
    /// Diagnostics with a safe fix (what `--fix` applies).
    pub safe_fixable: usize,
}

impl Totals {
    pub fn of(reports: &[FileReport]) -> Totals {
        let mut t = Totals { files: reports.len(), ..Totals::default() };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            t.diagnostics += 1;
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
                Severity::Style => t.styles += 1,
            }
            if let Some(fix) = &d.fix {
                t.fixable += 1;
                if fix.applicability == Applicability::Safe {
                    t.safe_fixable += 1;
                }
            }
        }
        t
    }

    /// The summary line after `failures` (paths, files or configs that could
    /// not be checked, fixes that could not be written; each also printed on
    /// stderr): it says what failed, never "All checks passed".
    pub fn summary_with_failures(&self, failures: &[String]) -> String {
        let Some(first) = failures.first() else {
            return self.summary();
        };
        let what = match failures.len() {
            1 => format!("1 error: {first}"),
            n => format!("{n} errors, the first: {first}"),
        };
        if self.files == 0 {
            format!("{what}; no file was checked.")
        } else if self.diagnostics == 0 {
            format!("No findings in {} {} checked; {what}.", self.files, plural(self.files, "file", "files"))
        } else {
            format!("{} Also {what}.", self.summary())
        }
    }

    /// The summary line of the human formats.
    pub fn summary(&self) -> String {
        if self.diagnostics == 0 {
            return format!("All checks passed ({} {} checked).", self.files, plural(self.files, "file", "files"));
        }
        let mut parts = Vec::new();
        for (n, one, many) in [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.infos, "info", "infos"),
            (self.styles, "style", "styles"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {}", plural(n, one, many)));
            }
        }
        let mut line = format!(
            "Found {} {} ({}) in {} {}.",
            self.diagnostics,
            plural(self.diagnostics, "diagnostic", "diagnostics"),
            parts.join(", "),
            self.files,
            plural(self.files, "file", "files"),
        );
        if self.safe_fixable > 0 {
            let _ = write!(line, " {} fixable with `--fix`.", self.safe_fixable);
        }
        let unsafe_only = self.fixable - self.safe_fixable;
        if unsafe_only > 0 {
            let _ = write!(line, " {unsafe_only} more fixable with `--unsafe-fixes`.");
        }
        line
    }
}

/// The `--statistics` table: one line per rule, most frequent first.
pub fn statistics(reports: &[FileReport]) -> String {
    // Per rule: findings, the first of them, and how many carry a safe or
    // only an unsafe fix (what `--fix` / `--unsafe-fixes` would do here,
    // not what the rule can do elsewhere).
    let mut counts: BTreeMap<&'static str, (usize, &Diagnostic, usize, usize)> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts.entry(d.rule.name).or_insert((0, d, 0, 0));
        entry.0 += 1;
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => entry.2 += 1,
            Some(_) => entry.3 += 1,
            None => {}
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    // Stable tie-break on the name keeps the output deterministic.
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let name_width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let alias_width = rows.iter().map(|(_, (_, d, _, _))| d.rule.aliases.join(",").len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, (count, d, safe, unsafe_only)) in rows {
        let fixable = match (safe, unsafe_only) {
            (0, 0) => String::new(),
            (0, n) => format!("[{n} fixable with --unsafe-fixes]"),
            (n, 0) => format!("[{n} fixable]"),
            (n, m) => format!("[{n} fixable, {m} more with --unsafe-fixes]"),
        };
        let line = format!(
            "{count:>5}  {name:<name_width$}  {:<alias_width$}  {:<7}  {fixable}",
            d.rule.aliases.join(","),
            d.severity.as_str(),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Escape text for XML content and attribute values. Characters XML 1.0
/// cannot carry at all are replaced, so the document always stays well-formed.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references so attribute values keep their line breaks.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(fixes: &[Option<Applicability>]) -> FileReport {
        let rule = &dockside_rules::all_rules().iter().find(|r| r.meta.name == "apt-get-missing-yes").unwrap().meta;
        let diagnostics = fixes
            .iter()
            .map(|applicability| Diagnostic {
                rule,
                severity: Severity::Warning,
                message: "m".into(),
                range: TextRange::new(0, 4),
                fix: applicability.map(|a| dockside_rules::Fix::new("f", a, Vec::new())),
                related: Vec::new(),
            })
            .collect();
        FileReport::new("Dockerfile".into(), "FROM alpine\n".into(), diagnostics)
    }

    /// `[fixable]` counts the fixes the reported findings carry, by applicability.
    #[test]
    fn statistics_mark_the_fixes_of_the_reported_findings() {
        let row = |fixes: &[Option<Applicability>]| statistics(&[report(fixes)]).trim_end().to_string();
        assert!(row(&[None, None]).ends_with("warning"), "{}", row(&[None, None]));
        assert!(row(&[None, Some(Applicability::Safe)]).ends_with("  [1 fixable]"));
        assert!(row(&[Some(Applicability::Unsafe)]).ends_with("  [1 fixable with --unsafe-fixes]"));
        let mixed = row(&[Some(Applicability::Safe), Some(Applicability::Safe), Some(Applicability::Unsafe), None]);
        assert!(mixed.starts_with("    4  apt-get-missing-yes"), "{mixed}");
        assert!(mixed.ends_with("  [2 fixable, 1 more with --unsafe-fixes]"), "{mixed}");
    }

    #[test]
    fn xml_escaping_keeps_documents_well_formed() {
        assert_eq!(xml_escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}");
    }
}
