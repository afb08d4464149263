//! The registry of every rule: the top of the crate's layers (it imports
//! the rule files, which import [`crate::rule`]).

use crate::rule::Rule;
pub use crate::rule_meta::{DOCS_BASE_URL, FixAvailability, FixSafety, RuleMeta};

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

/// The rule (or, with `categories`, category) name closest to a misspelt
/// `written`, when one is close enough to be what was meant. Hadolint codes
/// are not suggested: a mistyped code is one digit from many others.
fn closest_name(written: &str, categories: bool) -> Option<&'static str> {
    let rules = all_rules().iter().map(|r| r.meta.name);
    let categories = crate::rule_meta::Category::ALL.into_iter().map(|c| c.as_str()).filter(move |_| categories);
    crate::spelling::did_you_mean(written.trim(), rules.chain(categories))
}

/// " (did you mean `x`?)" after a misspelt rule or category name, or nothing.
pub fn did_you_mean_hint(written: &str, categories: bool) -> String {
    closest_name(written, categories).map(|name| format!(" (did you mean `{name}`?)")).unwrap_or_default()
}
