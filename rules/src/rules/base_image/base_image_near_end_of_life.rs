//! ## What it does
//! Checks for a base image whose version reaches its end of life within
//! the next 90 days (see `base-image-end-of-life` for the versions past
//! it).
//!
//! ## Why is this bad?
//! After the end of life the image gets no more security fixes. Moving to
//! a supported version is easier before that date, while the upgrade can
//! still be planned and tested rather than rushed after a vulnerability.
//!
//! ## Example
//! ```toml
//! lint-date = 2026-10-01
//! ```
//! ```dockerfile
//! FROM eclipse-temurin:8-jre
//! ```
//!
//! ## Use instead
//! ```toml
//! lint-date = 2026-10-01
//! ```
//! ```dockerfile
//! FROM eclipse-temurin:21-jre
//! ```
//!
//! ## Notes
//! Uses the same offline table and lookups as `base-image-end-of-life`.
//! Whether a version counts as near depends on the lint date: today, or
//! `lint-date` in `dockside.toml` (as in the example).

use crate::base_images::EolState;
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// The base image's version reaches its end of life within 90 days
    name: "base-image-near-end-of-life", category: BaseImage, severity: Info,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    support::report_eol(from, ctx, EolState::Near, |image, status, days| {
        format!(
            "`{image}` is on {} {}, which reaches its end of life on {} (in {days} days)",
            status.product, status.version, status.eol
        )
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::assert_rule_with;

    #[test]
    fn reports_versions_near_their_end_of_life() {
        assert_rule_with(
            "lint-date = 2025-09-01",
            &super::RULE,
            &["FROM python:3.12\n"],
            &["FROM ⟦python:3.9-alpine⟧\n"],
            &[],
        );
        // Past, not near.
        assert_rule_with("lint-date = 2025-11-01", &super::RULE, &["FROM python:3.9\n"], &[], &[]);
        // Not near yet.
        assert_rule_with("lint-date = 2025-06-01", &super::RULE, &["FROM python:3.9\n"], &[], &[]);
    }
}
