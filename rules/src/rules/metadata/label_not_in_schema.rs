//! ## What it does
//! With `strict-labels = true`, checks for labels that the label schema
//! (`[required-labels]`) does not list. Without strict labels the rule does
//! nothing.
//!
//! ## Why is this bad?
//! A strict schema says the listed labels are the only ones an image may
//! carry. Extra labels are usually typos of schema keys
//! (`org.opencontainers.image.licence`) or ad-hoc keys that no tool reads,
//! and they leak into every image built from this one.
//!
//! ## Example
//! ```toml
//! strict-labels = true
//! [required-labels]
//! "org.opencontainers.image.licenses" = "spdx"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licence="MIT"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licenses="MIT"
//! ```
//!
//! ## Notes
//! Each extra label is reported at its key. Keys that contain a variable
//! are not checked.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::labels;

declare_rule! {
    /// Label outside the label schema while `strict-labels` is on
    name: "label-not-in-schema", aliases: ["DL3050"], category: Metadata, severity: Info,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    if !ctx.settings.strict_labels() {
        return;
    }
    for label in labels(ins, ctx.doc) {
        let Some(key) = &label.key else { continue };
        if !ctx.settings.required_labels().contains_key(key) {
            ctx.report(label.key_range, format!("label `{key}` is not in the label schema (strict labels)"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const STRICT: &str = "strict-labels = true\n[required-labels]\nversion = \"semver\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            STRICT,
            &super::RULE,
            &["FROM alpine\nLABEL version=1.0.0\n", "FROM alpine\nLABEL ${X}=1\n"],
            &["FROM alpine\nLABEL version=1.0.0 ⟦vendor⟧=acme\n", "FROM alpine\nLABEL \\\n  ⟦\"Version\"⟧=1.0.0\n"],
            &[],
        );
        assert_rule_with(
            "[required-labels]\nversion = \"semver\"\n",
            &super::RULE,
            &["FROM alpine\nLABEL vendor=acme\n"],
            &[],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
