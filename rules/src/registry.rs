//! Rule metadata and the registry of every rule.

use crate::diagnostic::{Category, Severity};
use crate::engine::Rule;

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Some findings have a fix.
    Sometimes,
    /// Every finding has a fix.
    Always,
}

impl FixAvailability {
    pub fn is_fixable(self) -> bool {
        !matches!(self, FixAvailability::None)
    }
}

/// Everything about a rule that is not its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case, names the problem (`untagged-base-image`).
    pub name: &'static str,
    /// Other names that select or suppress this rule: hadolint `DLxxxx` codes
    /// and BuildKit check names.
    pub aliases: &'static [&'static str],
    pub category: Category,
    /// The default severity.
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line, shown in `dockside rules`.
    pub summary: &'static str,
    /// The text of the rule's source file; its `//!` comment is the documentation.
    pub source: &'static str,
    /// The rule's file, relative to the repository root.
    pub path: &'static str,
    pub enabled_by_default: bool,
}

/// Where every rule's documentation page lives.
pub const DOCS_BASE_URL: &str = "https://github.com/dockside/dockside/blob/main/docs/rules/";

impl RuleMeta {
    /// The rule's documentation: the module doc comment of its file, as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let line = line.trim_start();
            if let Some(rest) = line.strip_prefix("//!") {
                out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                out.push('\n');
            } else if !out.is_empty() || !line.is_empty() {
                break;
            }
        }
        out
    }

    /// The Markdown section under `## <heading>`, without the heading.
    pub fn docs_section(&self, heading: &str) -> Option<String> {
        let docs = self.docs();
        let mut lines = docs.lines();
        lines.find(|l| l.trim_start_matches('#').trim() == heading && l.starts_with("## "))?;
        let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
        Some(body.join("\n").trim().to_string())
    }

    /// The fenced code blocks of a docs section whose language is `lang`
    /// (`dockerfile`, or `toml` for the config an example needs).
    pub fn docs_code_blocks(&self, heading: &str, lang: &str) -> Vec<String> {
        let Some(section) = self.docs_section(heading) else { return Vec::new() };
        let mut blocks = Vec::new();
        let mut current: Option<(String, String)> = None;
        for line in section.lines() {
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                match current.take() {
                    Some((block_lang, block)) => {
                        if block_lang == lang {
                            blocks.push(block);
                        }
                    }
                    None => current = Some((info.trim().to_string(), String::new())),
                }
            } else if let Some((_, block)) = current.as_mut() {
                block.push_str(line);
                block.push('\n');
            }
        }
        blocks
    }

    pub fn url(&self) -> String {
        if self.path.is_empty() && self.name.starts_with("SC") {
            // ShellCheck findings link to ShellCheck's own pages.
            return format!("https://www.shellcheck.net/wiki/{}", self.name);
        }
        format!("{DOCS_BASE_URL}{}.md", self.name)
    }

    /// Does `name` (a rule name or alias, any case for aliases) denote this rule?
    pub fn answers_to(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// Every rule, in the order of `rules/mod.rs`.
pub fn all_rules() -> &'static [&'static Rule] {
    &crate::rules::ALL
}

/// Every rule answering to `name`: one for a rule name or hadolint code; a
/// BuildKit check name can stand for several rules
/// (`MultipleInstructionsDisallowed` covers CMD, ENTRYPOINT and HEALTHCHECK).
pub fn find_rules(name: &str) -> Vec<&'static Rule> {
    all_rules().iter().copied().filter(|r| r.meta.answers_to(name)).collect()
}

/// Look a rule up by name or alias (the first, for a shared alias).
pub fn find_rule(name: &str) -> Option<&'static Rule> {
    all_rules().iter().copied().find(|r| r.meta.answers_to(name))
}
