//! ## What it does
//! Checks that labels the label schema types as `semver` hold a semantic
//! version (`1.4.2`, `2.0.0-rc.1+build.5`). Without such a schema entry the
//! rule does nothing.
//!
//! ## Why is this bad?
//! Version labels such as `org.opencontainers.image.version` are compared
//! by tools that decide which image is newer or whether an update is a
//! breaking one. `latest`, `v1.2` or a date cannot be ordered by semantic
//! versioning rules, so those tools either fail or order images wrongly.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.version" = "semver"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="1.4"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="1.4.0"
//! ```
//!
//! ## Notes
//! The check follows SemVer 2.0.0 exactly: three numbers without leading
//! zeros, then optional `-pre.release` and `+build` parts; a leading `v` is
//! not part of a semantic version. Values are resolved through ARG and ENV;
//! a value that depends on a variable without a known value is not checked
//! (hadolint reports the text `$VERSION`). Empty values are left to
//! `empty-required-label`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// A `semver` label of the label schema is not a semantic version
    name: "label-not-semver", aliases: ["DL3056"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Semver], is_semver, "a semantic version (MAJOR.MINOR.PATCH)");
}

/// SemVer 2.0.0: `MAJOR.MINOR.PATCH[-pre][+build]`.
fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|p| {
            p.split('.').all(|id| ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nversion = \"semver\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL version=1.4.2\n",
                "FROM alpine\nLABEL version=0.0.0\n",
                "FROM alpine\nLABEL version=\"2.0.0-rc.1+build.5\"\n",
                "FROM alpine\nLABEL version=1.0.0-alpha-1.0a+001\n",
                "FROM alpine\nARG VERSION\nLABEL version=$VERSION\n",
                "FROM alpine\nARG VERSION=1.2.3\nLABEL version=$VERSION\n",
            ],
            &[
                "FROM alpine\nLABEL version=⟦1.4⟧\n",
                "FROM alpine\nLABEL version=⟦v1.4.2⟧\n",
                "FROM alpine\nLABEL version=⟦latest⟧\n",
                "FROM alpine\nLABEL version=⟦01.4.2⟧\n",
                "FROM alpine\nLABEL version=⟦1.4.2-01⟧\n",
                "FROM alpine\nLABEL version=⟦1.4.2-⟧\n",
                "FROM alpine\nLABEL version=⟦1.4.2+a..b⟧\n",
                "FROM alpine\nARG VERSION=1.2\nLABEL version=⟦$VERSION⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
