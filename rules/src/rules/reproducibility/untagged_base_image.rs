//! ## What it does
//! Checks for a `FROM` image without a tag or digest.
//!
//! ## Why is this bad?
//! Without a tag, Docker uses `latest`, which moves whenever the publisher
//! pushes a new image. The same Dockerfile then builds different images on
//! different days, and a major version bump can break the build.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! ```
//!
//! ## Notes
//! Variables are resolved through `ARG` defaults before the check, so
//! `ARG BASE=ubuntu` + `FROM $BASE` is reported and `FROM $BASE` with
//! `ARG BASE=ubuntu:24.04` is not. `scratch` and earlier stages are exempt.

use crate::model::{Base, Instruction};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Base image without a tag or digest
    name: "untagged-base-image", aliases: ["DL3006"], category: Reproducibility, severity: Warning,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let (Some(stage), Some(spec)) = (ctx.doc.stage_of(from), from.image()) else { return };
    let Base::Image { reference, text, resolved: true } = &stage.base else { return };
    if reference.tag.is_none() && reference.digest.is_none() {
        ctx.report(spec.word.range, format!("`{text}` has no tag; pin a version, e.g. `{text}:<version>`"));
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
                "FROM ubuntu:24.04\n",
                "FROM ubuntu@sha256:0123\n",
                "FROM scratch\n",
                "FROM golang:1.22 AS build\nFROM build\n",
                "FROM $UNKNOWN\n",
                "ARG TAG=24.04\nFROM ubuntu:${TAG}\n",
                "ARG BASE=ubuntu:24.04\nFROM ${BASE}\n",
                "FROM localhost:5000/app:1\n",
                // Not a valid reference: `syntax-error` reports it, nothing more to say.
                "FROM BASEIMAGE\n",
            ],
            &[
                "FROM ⟦ubuntu⟧\n",
                "FROM --platform=linux/amd64 ⟦localhost:5000/app⟧ AS x\n",
                "ARG BASE=ubuntu\nFROM ⟦$BASE⟧\n",
                "FROM golang:1.22 AS build\nFROM ⟦debian⟧\n",
            ],
            &[],
        );
    }
}
