//! ## What it does
//! Checks that the image the Dockerfile builds has a `HEALTHCHECK`, either
//! in the final stage or in a stage it builds on. Off by default.
//!
//! ## Why is this bad?
//! Without a health check, Docker and Swarm only know whether the main
//! process is running, not whether it still serves. A hung server stays
//! "up": it is not restarted, and a rolling update happily replaces healthy
//! containers with broken ones. `HEALTHCHECK NONE` states on purpose that
//! the image has none.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! COPY site/ /usr/share/nginx/html/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! COPY site/ /usr/share/nginx/html/
//! HEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]
//! ```
//!
//! ## Notes
//! Off by default: many images are not services (build tools, CLIs, CI
//! runners), Kubernetes ignores `HEALTHCHECK` in favour of its own probes,
//! and a base image may already declare one, which a Dockerfile linter
//! cannot see. Only the final stage is checked; hadolint reports every
//! stage without a `HEALTHCHECK`, build stages included, although their
//! health checks never reach an image.
//!
//! The rule is in the `metadata` category because a health check, like a
//! label, is part of the image configuration that the Dockerfile declares
//! for the tools running the image; it changes nothing in the build.

use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// The image has no `HEALTHCHECK`
    name: "missing-healthcheck", aliases: ["DL3057"], category: Metadata, severity: Info,
    enabled_by_default: false,
    reads: Kinds([Healthcheck]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let Some(stage) = ctx.doc.final_stage() else { return };
    let has_healthcheck = ctx
        .doc
        .stage_chain(stage.index)
        .iter()
        .any(|s| s.instructions(ctx.doc).iter().any(|i| i.kind == InstructionKind::Healthcheck));
    if !has_healthcheck {
        let from = &ctx.doc.instructions[stage.from];
        ctx.report(
            from.keyword_range,
            "the image has no HEALTHCHECK; add one, or `HEALTHCHECK NONE` if that is intended",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM nginx\nHEALTHCHECK CMD curl -f http://localhost/\n",
                "FROM nginx\nHEALTHCHECK NONE\n",
                "FROM nginx AS base\nHEALTHCHECK CMD true\nFROM base\nRUN x\n",
                "FROM golang AS build\nRUN make\nFROM nginx\nHEALTHCHECK CMD true\n",
                "ARG X=1\n",
            ],
            &[
                "⟦FROM⟧ nginx\nRUN x\n",
                "FROM nginx AS build\nHEALTHCHECK CMD true\n⟦FROM⟧ nginx\n",
                "⟦FROM⟧ nginx\nONBUILD HEALTHCHECK CMD true\n",
            ],
            &[],
        );
    }
}
