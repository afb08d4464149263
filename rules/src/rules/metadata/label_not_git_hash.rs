//! ## What it does
//! Checks that labels the label schema types as `hash` (or `githash`) hold
//! a git commit hash: 7 to 40 hexadecimal digits, or 64 for repositories
//! using SHA-256. Without such a schema entry the rule does nothing.
//!
//! ## Why is this bad?
//! Revision labels such as `org.opencontainers.image.revision` are how an
//! image is traced back to the exact source it was built from. A branch
//! name, a tag or a version number moves or is ambiguous, so the label no
//! longer identifies a commit.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.revision" = "hash"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.revision="main"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.revision="4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"
//! ```
//!
//! ## Notes
//! hadolint accepts exactly 7 or 40 lower-case digits; dockside accepts any
//! abbreviation git produces (7 to 40 digits, either case) and full SHA-256
//! hashes. Values are resolved through ARG and ENV; a value that depends on
//! a variable without a known value (the usual `ARG GIT_SHA`) is not
//! checked. Empty values are left to `empty-required-label`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// A `hash` label of the label schema is not a git commit hash
    name: "label-not-git-hash", aliases: ["DL3055"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Hash, LabelType::GitHash], is_git_hash, "a git commit hash");
}

fn is_git_hash(value: &str) -> bool {
    ((7..=40).contains(&value.len()) || value.len() == 64) && value.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nrevision = \"hash\"\ncommit = \"githash\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL revision=4f2a9c1\n",
                "FROM alpine\nLABEL revision=4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 commit=4F2A9C1E8B\n",
                "FROM alpine\nLABEL commit=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n",
                "FROM alpine\nARG GIT_SHA\nLABEL revision=${GIT_SHA}\n",
                "FROM alpine\nLABEL version=main\n",
            ],
            &[
                "FROM alpine\nLABEL revision=⟦main⟧\n",
                "FROM alpine\nLABEL commit=⟦4f2a9c⟧\n",
                "FROM alpine\nLABEL revision=⟦v1.2.3⟧\n",
                "FROM alpine\nLABEL revision=⟦4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39a⟧\n",
                "FROM alpine\nARG GIT_SHA=HEAD\nLABEL revision=⟦${GIT_SHA}⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
