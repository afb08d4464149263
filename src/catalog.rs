//! The `rules` and `explain` commands: what the linter knows about its rules.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use dockside_rules::{RuleMeta, all_rules, find_rules};
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
        RulesFormat::Table => {
            // On a terminal the summaries are cut to its width; a pipe gets them whole.
            let width = io::stdout()
                .is_terminal()
                .then(terminal_size::terminal_size)
                .flatten()
                .map(|(terminal_size::Width(w), _)| usize::from(w));
            table(&infos, width)
        }
        RulesFormat::Json => {
            let mut json = serde_json::to_string_pretty(&infos).unwrap_or_default();
            json.push('\n');
            json
        }
    };
    print(&text)
}

/// The rules as aligned columns; with `width`, each line's last column
/// (the summary) is cut to fit, ending in `…`.
fn table(infos: &[RuleInfo], width: Option<usize>) -> String {
    let header = ["NAME", "ALIASES", "CATEGORY", "SEVERITY", "FIXABLE", "SUMMARY"];
    let rows: Vec<[String; 6]> = infos
        .iter()
        .map(|r| {
            [
                r.name.to_string(),
                r.aliases.join(","),
                r.category.to_string(),
                r.severity.to_string(),
                (if r.fixable { "yes" } else { "no" }).to_string(),
                r.summary.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:<width$}  ");
        }
        let line = line.trim_end();
        match width {
            Some(width) if line.chars().count() > width && width > 1 => {
                out.extend(line.chars().take(width - 1));
                out.push('…');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub fn explain(args: &ExplainArgs) -> ExitCode {
    let rules = find_rules(&args.rule);
    if rules.is_empty() {
        if let Some(text) = shellcheck_code(&args.rule) {
            return print(&text);
        }
        eprintln!("error: unknown rule `{}` (run `dockside rules` for the list)", args.rule);
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
    let _ = writeln!(text, "fixable:  {}", if meta.fix.is_fixable() { "yes" } else { "no" });
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
