//! ## What it does
//! Checks `LABEL` keys against Docker's naming guidelines: lower-case
//! letters, digits and the separators `.`, `-`, `_`, `/`; starting with a
//! letter and ending with a letter or digit; no `..` or `--`; and not in
//! the namespaces Docker reserves (`com.docker.`, `io.docker.`,
//! `org.dockerproject.`).
//!
//! ## Why is this bad?
//! Label keys are matched as exact strings by the tools that read them
//! (registries, scanners, `docker inspect --filter label=`). Keys outside
//! the convention (`Maintainer`, `build_date`) are easy to get subtly wrong
//! and are not found by tools that expect reverse-DNS keys such as
//! `org.opencontainers.image.version`. The reserved namespaces belong to
//! Docker itself.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL Version="1.2.3"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="1.2.3"
//! ```
//!
//! ## Notes
//! Docker's guidelines allow only `.` and `-` as separators; like hadolint,
//! dockside also accepts `_` and `/`, which are common and harmless. Keys
//! that contain a variable are not checked. Each invalid key of a `LABEL`
//! is reported on its own (hadolint reports the instruction once).

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::labels;

declare_rule! {
    /// Label key does not follow Docker's naming guidelines
    name: "invalid-label-key", aliases: ["DL3048"], category: Metadata, severity: Style,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    for label in labels(ins, ctx.doc) {
        let Some(key) = &label.key else { continue };
        if let Some(problem) = problem(key) {
            ctx.report(label.key_range, format!("invalid label key `{key}`: {problem}"));
        }
    }
}

/// What is wrong with `key`, if anything.
fn problem(key: &str) -> Option<&'static str> {
    const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];
    if key.is_empty() {
        return Some("it is empty");
    }
    if key.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("use lower case");
    }
    if key.chars().any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))) {
        return Some("use only lower-case letters, digits, `.`, `-`, `_` and `/`");
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("it must end with a letter or digit");
    }
    if key.contains("..") || key.contains("--") {
        return Some("`..` and `--` are not allowed");
    }
    if RESERVED.iter().any(|ns| key.starts_with(ns)) {
        return Some("this namespace is reserved for Docker");
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nLABEL org.opencontainers.image.version=1 version=2 a1=x\n",
                "FROM alpine\nLABEL base_image=ubuntu about.license_file=x a/b=1\n",
                "FROM alpine\nLABEL \"com.example.vendor\"=\"ACME\"\n",
                "FROM alpine\nLABEL ${PREFIX}.x=1\n",
                "FROM alpine\nLABEL maintainer jane@example.com\n",
            ],
            &[
                "FROM alpine\nLABEL ⟦Version⟧=\"1\"\n",
                "FROM alpine\nLABEL a=1 ⟦build:date⟧=2\n",
                "FROM alpine\nLABEL ⟦\"tls_implementation_connectionRole\"⟧=\"client\"\n",
                "FROM alpine\nLABEL ⟦com.docker.x⟧=1\n",
                "FROM alpine\nLABEL ⟦a..b⟧=1\n",
                "FROM alpine\nLABEL ⟦a-⟧=1\n",
                "FROM alpine\nLABEL ⟦1a⟧=1\n",
                "FROM alpine\nLABEL ⟦MAINTAINER⟧ jane@example.com\n",
                "FROM alpine\nLABEL a=1 \\\n  ⟦B⟧=2\n",
            ],
            &[],
        );
    }
}
