//! ## What it does
//! Checks for a `FROM` image pinned to the `latest` tag.
//!
//! ## Why is this bad?
//! `latest` is not a version: it moves to each new release, so the image you
//! build today differs from the one you built last week, and rebuilding an
//! old commit no longer reproduces what shipped.
//!
//! ## Example
//! ```dockerfile
//! FROM node:latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22.11-bookworm
//! ```
//!
//! ## Notes
//! A digest pins the image even with `latest` (`node:latest@sha256:…`), so
//! that is not reported.

use crate::model::{Base, Instruction};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Base image pinned to the moving `latest` tag
    name: "latest-base-image", aliases: ["DL3007"], category: Reproducibility, severity: Warning,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let (Some(stage), Some(spec)) = (ctx.doc.stage_of(from), from.image()) else { return };
    let Base::Image { reference, .. } = &stage.base else { return };
    if reference.tag.as_deref() == Some("latest") && reference.digest.is_none() {
        let range = spec.tag_range.unwrap_or(spec.word.range);
        ctx.report(range, format!("`{}:latest` moves with every release; pin a version", reference.path));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &["FROM node:22\n", "FROM node:latest@sha256:abc\n", "FROM node\n", "FROM latest:1\n"],
            &["FROM node:⟦latest⟧\n", "ARG T=latest\nFROM node:⟦${T}⟧ AS app\n"],
            &[],
        );
    }
}
