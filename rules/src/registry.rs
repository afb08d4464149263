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
