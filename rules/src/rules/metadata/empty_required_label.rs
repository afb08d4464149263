//! ## What it does
//! Checks for labels of the label schema (`[required-labels]`) that are set
//! to an empty value. Without a schema the rule does nothing.
//!
//! ## Why is this bad?
//! An empty label satisfies a presence check while telling nothing. It
//! usually comes from a build argument that the build did not pass
//! (`LABEL org.opencontainers.image.revision=$GIT_SHA` with an empty
//! default), so the image claims to carry the information and does not.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.revision" = "hash"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.revision=""
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! ARG GIT_SHA
//! LABEL org.opencontainers.image.revision=$GIT_SHA
//! ```
//!
//! ## Notes
//! Values are resolved through ARG and ENV: an `ARG` whose default is `""`
//! gives an empty label, while an `ARG` without a default is passed at
//! build time and is not reported.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{labels, schema_type};

declare_rule! {
    /// A label of the label schema is empty
    name: "empty-required-label", aliases: ["DL3051"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    if ctx.settings.required_labels().is_empty() {
        return;
    }
    for label in labels(ins, ctx.doc) {
        let (Some(key), Some(value)) = (&label.key, &label.value) else { continue };
        if value.trim().is_empty() && schema_type(ctx, key).is_some() {
            ctx.report(label.range, format!("label `{key}` of the label schema is empty"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nversion = \"text\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL version=1\n",
                "FROM alpine\nLABEL other=\"\"\n",
                "FROM alpine\nARG V\nLABEL version=$V\n",
                "FROM alpine\nARG V=2\nLABEL version=\"$V\"\n",
            ],
            &[
                "FROM alpine\nLABEL a=1 ⟦version=\"\"⟧\n",
                "FROM alpine\nLABEL ⟦version=⟧\n",
                "FROM alpine\nARG V=\"\"\nLABEL ⟦version=$V⟧\n",
                "FROM alpine\nLABEL ⟦version=\" \"⟧\n",
            ],
            &[],
        );
        assert_rule_with("", &super::RULE, &["FROM alpine\nLABEL version=\"\"\n"], &[], &[]);
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
