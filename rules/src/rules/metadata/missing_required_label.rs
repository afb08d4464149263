//! ## What it does
//! Checks that the image carries every label of the configured label schema
//! (`[required-labels]` in `dockside.toml`, `label-schema` in
//! `.hadolint.yaml`). Without a schema the rule does nothing.
//!
//! ## Why is this bad?
//! A label schema is a team's contract about what every image says about
//! itself: version, source, revision, owner. Registries, scanners and
//! deployment tooling read those labels; an image without them cannot be
//! traced back to its source or owner, and policy checks downstream reject
//! or silently mis-sort it.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.version" = "semver"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.title="app"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="1.2.3"
//! ```
//!
//! ## Notes
//! Only the image the build produces is checked: the final stage, together
//! with the stages it builds on (`FROM <stage>` inherits their labels).
//! hadolint checks every stage, so it also reports build stages whose
//! labels never reach an image. Labels of the base image are not known and
//! do not count.

use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

use super::support::labels;

declare_rule! {
    /// A label required by the label schema is missing from the image
    name: "missing-required-label", aliases: ["DL3049"], category: Metadata, severity: Info,
    reads: Kinds([Label, Arg, Env]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    if ctx.settings.required_labels().is_empty() {
        return;
    }
    let Some(stage) = ctx.doc.final_stage() else { return };
    let mut present = Vec::new();
    for s in ctx.doc.stage_chain(stage.index) {
        for ins in s.instructions(ctx.doc).iter().filter(|i| i.kind == InstructionKind::Label) {
            for label in labels(ins, ctx.doc) {
                if label.merged {
                    // Some keys of this LABEL are hidden in a merged value.
                    return;
                }
                present.extend(label.key);
            }
        }
    }
    let from = &ctx.doc.instructions[stage.from];
    let at = from.keyword_range;
    let missing: Vec<String> =
        ctx.settings.required_labels().keys().filter(|k| !present.contains(k)).cloned().collect();
    for key in missing {
        ctx.report(at, format!("the image lacks the label `{key}` required by the label schema"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nversion = \"semver\"\nowner = \"email\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL version=1.0.0 owner=a@b.c\n",
                "FROM alpine\nLABEL version=1.0.0\nLABEL owner=a@b.c\n",
                // Inherited from the stage the final stage builds on.
                "FROM alpine AS base\nLABEL version=1.0.0 owner=a@b.c\nFROM base\nRUN x\n",
                // Only the final stage matters.
                "FROM golang AS build\nRUN make\nFROM alpine\nLABEL version=1.0.0 owner=a@b.c\n",
                "FROM alpine\nARG V\nLABEL version=$V owner=\"\"\n",
                // A continuation line at column 0 (the model merges the pairs).
                "FROM alpine\nLABEL version=1.0.0 \\\nowner=a@b.c\n",
            ],
            &[
                "FROM alpine\n⟦FROM⟧ debian\nLABEL version=1.0.0\n",
                "FROM alpine AS base\nLABEL version=1.0.0 owner=a@b.c\n⟦FROM⟧ alpine\n",
                "⟦FROM⟧ alpine\nONBUILD LABEL version=1.0.0 owner=a@b.c\n",
            ],
            &[],
        );
        // Without a schema the rule is inert.
        assert_rule_with("", &super::RULE, &["FROM alpine\n"], &[], &[]);
    }

    #[test]
    fn one_diagnostic_per_missing_label() {
        let m = crate::rules::metadata::support::testing::messages(SCHEMA, &super::RULE, "FROM alpine\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].contains("`owner`"), "{m:?}");
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
