//! The `rules` and `explain` commands: what the linter knows about its rules.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use dockside_rules::{RuleMeta, all_rules, find_rule};
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
        RulesFormat::Table => table(&infos),
        RulesFormat::Json => {
            let mut json = serde_json::to_string_pretty(&infos).unwrap_or_default();
            json.push('\n');
            json
        }
    };
    print(&text)
}

fn table(infos: &[RuleInfo]) -> String {
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
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn explain(args: &ExplainArgs) -> ExitCode {
    let Some(rule) = find_rule(&args.rule) else {
        eprintln!("error: unknown rule `{}` (run `dockside rules` for the list)", args.rule);
        return ExitCode::from(EXIT_ERROR);
    };
    let meta = &rule.meta;
    let mut text = String::new();
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
    print(&text)
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
