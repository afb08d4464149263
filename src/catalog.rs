//! The `rules` and `explain` commands: what the linter knows about its rules.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use dockside_rules::{FixSafety, RuleMeta, all_rules, find_rules};
use serde::Serialize;

use crate::EXIT_ERROR;
use crate::args::{ExplainArgs, RulesArgs, RulesFormat};

#[derive(Serialize)]
struct RuleInfo {
    name: &'static str,
    aliases: &'static [&'static str],
    category: &'static str,
    severity: &'static str,
    fixable: bool,
    enabled_by_default: bool,
    summary: &'static str,
    url: String,
}

impl RuleInfo {
    fn of(meta: &RuleMeta) -> RuleInfo {
        RuleInfo {
            name: meta.name,
            aliases: meta.aliases,
            category: meta.category.as_str(),
            severity: meta.severity.as_str(),
            fixable: meta.fix.is_fixable(),
            enabled_by_default: meta.enabled_by_default,
            summary: meta.summary,
            url: meta.url(),
        }
    }
}

pub fn rules(args: &RulesArgs) -> ExitCode {
    let infos: Vec<RuleInfo> = all_rules().iter().map(|r| RuleInfo::of(&r.meta)).collect();
    let text = match args.format {
        RulesFormat::Table => table(&infos, output_width(std::env::var("COLUMNS").ok().as_deref())),
        RulesFormat::Json => {
            let mut json = serde_json::to_string_pretty(&infos).unwrap_or_default();
            json.push('\n');
            json
        }
    };
    print(&text)
}

/// The width to fit the table to: `COLUMNS` when set (the user's word),
/// else the terminal's when stdout is one. A pipe gets no limit, so each
/// rule stays on one line for `grep` and `awk`.
fn output_width(columns: Option<&str>) -> Option<usize> {
    if let Some(columns) = columns.and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0) {
        return Some(columns);
    }
    io::stdout()
        .is_terminal()
        .then(terminal_size::terminal_size)
        .flatten()
        .map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// The summary column is wrapped rather than cut when it would get at
/// least this many columns; narrower, each rule takes two lines.
const MIN_SUMMARY_WIDTH: usize = 30;

/// The rules as aligned columns, fitted to `width`: one line per rule when
/// it fits (or without a width); else the summary wrapped in its column;
/// on a narrow terminal, the aliases and summary wrapped on indented lines
/// under each rule.
fn table(infos: &[RuleInfo], width: Option<usize>) -> String {
    let cells = |r: &RuleInfo| {
        [
            r.name.to_string(),
            r.aliases.join(","),
            r.category.to_string(),
            r.severity.to_string(),
            (if r.fixable { "yes" } else { "no" }).to_string(),
            r.summary.to_string(),
        ]
    };
    let header = ["NAME", "ALIASES", "CATEGORY", "SEVERITY", "FIXABLE", "SUMMARY"].map(str::to_string);
    let rows: Vec<[String; 6]> = std::iter::once(header).chain(infos.iter().map(cells)).collect();
    let mut widths = [0; 6];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let summary_column: usize = widths[..5].iter().map(|w| w + 2).sum();
    let mut out = String::new();
    match width {
        Some(width) if summary_column + widths[5] > width && summary_column + MIN_SUMMARY_WIDTH > width => {
            // Narrow: NAME CATEGORY SEVERITY FIXABLE, then the aliases and
            // the summary, indented and wrapped.
            let columns = [0, 2, 3, 4];
            for (i, row) in rows.iter().enumerate() {
                let mut line = String::new();
                for &c in &columns {
                    let _ = write!(line, "{:<w$}  ", row[c], w = widths[c]);
                }
                out.push_str(line.trim_end());
                out.push('\n');
                if i == 0 {
                    continue;
                }
                let detail = if row[1].is_empty() {
                    row[5].clone()
                } else {
                    format!("[{}] {}", row[1].replace(',', ", "), row[5])
                };
                for piece in wrap(&detail, width.saturating_sub(4).max(MIN_SUMMARY_WIDTH)) {
                    let _ = writeln!(out, "    {piece}");
                }
            }
        }
        _ => {
            let summary_width = width.map_or(usize::MAX, |w| w.saturating_sub(summary_column).max(1));
            for row in &rows {
                let mut line = String::new();
                for (cell, width) in row[..5].iter().zip(widths) {
                    let _ = write!(line, "{cell:<width$}  ");
                }
                for (i, piece) in wrap(&row[5], summary_width).iter().enumerate() {
                    if i > 0 {
                        line = " ".repeat(summary_column);
                    }
                    line.push_str(piece);
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces (a word
/// longer than a line is split).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line = lines.last_mut().expect("never empty");
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word);
                break;
            }
            if used == 0 {
                // A word longer than the line: as much as fits, the rest below.
                let rest = word.split_off(width);
                line.extend(word);
                word = rest;
            }
            lines.push(String::new());
        }
    }
    lines
}

pub fn explain(args: &ExplainArgs) -> ExitCode {
    let rules = find_rules(&args.rule);
    if rules.is_empty() {
        if let Some(text) = shellcheck_code(&args.rule) {
            return print(&text);
        }
        let hint = dockside_rules::registry::did_you_mean_hint(&args.rule, false);
        eprintln!("error: unknown rule `{}`{hint} (run `dockside rules` for the list)", args.rule);
        return ExitCode::from(EXIT_ERROR);
    }
    // A hadolint code some rules share (MultipleInstructionsDisallowed is
    // three rules here): all of them.
    let mut text = String::new();
    if rules.len() > 1 {
        let names: Vec<&str> = rules.iter().map(|r| r.meta.name).collect();
        let _ = writeln!(text, "`{}` names {} rules: {}\n", args.rule, rules.len(), names.join(", "));
    }
    for (i, rule) in rules.iter().enumerate() {
        if i > 0 {
            text.push_str("\n---\n\n");
        }
        describe(&rule.meta, &mut text);
    }
    print(&text)
}

/// ShellCheck's codes (`SC2086`): dockside reports them from ShellCheck,
/// whose wiki documents each.
fn shellcheck_code(name: &str) -> Option<String> {
    let digits = name.strip_prefix("SC").or_else(|| name.strip_prefix("sc"))?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "SC{digits}\nA ShellCheck check: dockside runs ShellCheck on RUN scripts (when it is installed and \
         `shellcheck` is not turned off) and reports its findings under their ShellCheck codes.\n\
         docs:     https://www.shellcheck.net/wiki/SC{digits}\n"
    ))
}

fn describe(meta: &RuleMeta, text: &mut String) {
    let _ = writeln!(text, "{}", meta.name);
    let aliases = if meta.aliases.is_empty() { "none".to_string() } else { meta.aliases.join(", ") };
    let _ = writeln!(text, "aliases:  {aliases}");
    let _ = writeln!(text, "category: {} ({})", meta.category.as_str(), meta.category.description());
    let _ = writeln!(text, "severity: {}", meta.severity.as_str());
    let fixable = match (meta.fix.is_fixable(), meta.fix_safety) {
        (false, _) => "no",
        (true, FixSafety::Safe) => "yes (safe: --fix applies it)",
        (true, FixSafety::Unsafe) => "yes (unsafe: only --unsafe-fixes applies it)",
        (true, FixSafety::Either) => "yes (safe where the build cannot change, else only with --unsafe-fixes)",
    };
    let _ = writeln!(text, "fixable:  {fixable}");
    let _ = writeln!(text, "enabled:  {}", if meta.enabled_by_default { "by default" } else { "only when selected" });
    let _ = writeln!(text, "docs:     {}", meta.url());
    text.push('\n');
    text.push_str(&meta.docs());
}

fn print(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write output: {err}");
            ExitCode::from(EXIT_ERROR)
        }
        _ => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infos() -> Vec<RuleInfo> {
        all_rules().iter().map(|r| RuleInfo::of(&r.meta)).collect()
    }

    fn widest(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    /// Every word of `summary` is still there, in order.
    fn keeps_words(text: &str, summary: &str) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        summary.split_whitespace().all(|w| words.contains(&w))
    }

    #[test]
    fn the_table_fits_the_width_and_keeps_every_summary() {
        let infos = infos();
        let unlimited = table(&infos, None);
        assert_eq!(unlimited.lines().count(), infos.len() + 1, "one line per rule without a width");
        for width in [80, 100, 150, 200] {
            let text = table(&infos, Some(width));
            assert!(widest(&text) <= width, "{width}:\n{text}");
            assert!(infos.iter().all(|r| keeps_words(&text, r.summary) && text.contains(r.name)), "{width}:\n{text}");
        }
        assert_eq!(table(&infos, Some(1000)), unlimited, "a wide terminal gets the plain table");
        // Wrapped summaries stay in their column.
        let text = table(&infos, Some(150));
        let column = text.lines().next().unwrap().find("SUMMARY").unwrap();
        assert!(text.lines().filter(|l| l.starts_with(' ')).all(|l| l.len() - l.trim_start().len() == column));
    }

    #[test]
    fn columns_overrides_the_terminal() {
        assert_eq!(output_width(Some("72")), Some(72));
        assert_eq!(output_width(Some(" 100 ")), Some(100));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
