//! ## What it does
//! Checks for a base image referenced by tag alone, without a digest
//! (`image:tag@sha256:…`). Off by default; turn it on with
//! `extend-select = ["base-image-not-pinned-by-digest"]`.
//!
//! ## Why is this bad?
//! A tag is a movable pointer: the publisher (or anyone who controls the
//! registry account) can point it at a different image at any time, so the
//! same Dockerfile builds on different bytes from one day to the next. A
//! digest names the content itself; the build is reproducible and a
//! replaced image cannot slip in. The price is updating the digest
//! deliberately (Dependabot and Renovate do it), which is why this rule is
//! opt-in.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
//! ```
//!
//! ## Notes
//! Stages, `scratch` and references whose variables have no known value
//! are not reported.

use crate::model::{Base, Instruction};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// The base image is referenced by tag, not by digest (opt-in)
    name: "base-image-not-pinned-by-digest", category: BaseImage, severity: Info,
    enabled_by_default: false,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let Some(stage) = ctx.doc.stage_of(from) else { return };
    let Base::Image { reference, text, resolved: true } = &stage.base else { return };
    if reference.digest.is_some() || reference.is_scratch() {
        return;
    }
    let Some(spec) = from.image() else { return };
    ctx.report(spec.word.range, format!("`{text}` is not pinned by digest; add `@sha256:…` to build on fixed content"));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian:12@sha256:abc\n",
                "FROM debian@sha256:abc\n",
                "FROM scratch\n",
                "FROM debian@sha256:abc AS a\nFROM a\n",
                "FROM $UNKNOWN\n",
                "ARG D=sha256:abc\nFROM debian:12@${D}\n",
            ],
            &["FROM ⟦debian:12⟧\n", "ARG V=12\nFROM ⟦debian:${V}⟧\n", "FROM ⟦ghcr.io/org/app⟧ AS x\n"],
            &[],
        );
    }
}
