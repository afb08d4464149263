//! ## What it does
//! Checks for a base image whose version is past its end of life: the
//! image's own product (`python:3.8`, `node:16`, `golang:1.20`,
//! `postgres:12`) or the distribution its tag names
//! (`python:3.12-slim-buster` is built on Debian 10, `alpine3.16`).
//!
//! ## Why is this bad?
//! Once a version reaches its end of life, its project stops publishing
//! security fixes, and the official image stops being rebuilt: every
//! vulnerability found afterwards stays in every image built on it. The
//! layers are cached and the tag still pulls, so nothing in the build
//! says so.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.8-slim
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.13-slim
//! ```
//!
//! ## Notes
//! The dates come from an offline table built from each project's
//! published schedule (Python, Node.js, Go, Ruby, PHP, Eclipse Temurin and
//! OpenJDK feature releases, Debian, Ubuntu, Alpine, CentOS, Rocky Linux, Fedora, nginx,
//! PostgreSQL, MySQL, MongoDB, Redis); `dockside --version` shows when it was last
//! updated. Only official Docker Hub images (or mirrors of `library/…`)
//! are looked up, tags are resolved through ARG defaults, and moving tags
//! without a version (`python:3`, `latest`) are not reported. The lint
//! date is today, or `lint-date` in `dockside.toml`; a version within 90 days of its end is reported by
//! `base-image-near-end-of-life`.

use crate::base_images::EolState;
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// The base image's version is past its end of life
    name: "base-image-end-of-life", category: BaseImage, severity: Warning,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    support::report_eol(from, ctx, EolState::Past, |image, status, _| {
        format!(
            "`{image}` is on {} {}, which reached its end of life on {}: it no longer gets security fixes",
            status.product, status.version, status.eol
        )
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::assert_rule_with;

    #[test]
    fn reports_versions_past_their_end_of_life_on_the_lint_date() {
        assert_rule_with(
            "lint-date = 2025-01-01",
            &super::RULE,
            &["ARG V\nFROM node:${V}-alpine\n", "FROM node:22\n", "FROM python:3\n", "FROM myorg/python:3.8\n"],
            &[
                "FROM ⟦python:3.8-slim-bullseye⟧\n",
                "ARG V=16\nFROM ⟦node:${V}-alpine⟧ AS web\n",
                // Reported once, at the image.
                "FROM ⟦centos:7⟧ AS a\nFROM a\n",
                "FROM golang:1.23-bullseye\nFROM ⟦debian:buster-slim⟧\n",
                "FROM ⟦ruby:3.3-slim-buster⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn not_before_the_end_of_life() {
        assert_rule_with("lint-date = 2024-10-01", &super::RULE, &["FROM python:3.8\n"], &[], &[]);
        assert_rule_with("lint-date = 2024-01-01", &super::RULE, &["FROM centos:7 AS a\nFROM a\n"], &[], &[]);
    }
}
