//! ## What it does
//! Checks for `FROM --platform=<constant>`, such as
//! `FROM --platform=linux/amd64 alpine`.
//!
//! ## Why is this bad?
//! A constant platform ignores the platform the build was asked for: with
//! `docker buildx build --platform linux/arm64`, the stage still pulls and
//! runs the amd64 image (under emulation, or not at all), and a multi-platform
//! build produces the same architecture several times. Use the build's own
//! platform arguments instead, or pass `--platform` to the build command.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=linux/amd64 golang:1.23 AS build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM --platform=$BUILDPLATFORM golang:1.23 AS build
//! ```
//!
//! ## Notes
//! As in BuildKit's `FromPlatformFlagConstDisallowed` check, any variable
//! makes the value not constant (`$BUILDPLATFORM`, `$TARGETPLATFORM`, an
//! `ARG`), and a stage whose name contains the platform's OS or architecture
//! (`FROM --platform=linux/arm64 … AS build-arm64`) is exempt: it is one
//! stage per platform on purpose. hadolint has no such exemption.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "constant-from-platform",
        aliases: &["DL3029", "FromPlatformFlagConstDisallowed"],
        category: Category::Reproducibility,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`FROM --platform` with a constant value",
        source: include_str!("constant_from_platform.rs"),
        path: "rules/src/rules/reproducibility/constant_from_platform.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::From],
    in_onbuild: false,
    check_instruction: Some(check),
    check_document: None,
};

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let Some(value) = from.flag("platform").and_then(|f| f.value.as_ref()) else { return };
    if value.has_expansion() {
        return;
    }
    let written = value.value();
    let platform = written.to_ascii_lowercase();
    let mut parts = platform.split('/');
    let (Some(os), arch) = (parts.next().filter(|s| !s.is_empty()), parts.next()) else { return };
    let arch = match arch {
        Some("x86_64" | "x86-64") => Some("amd64"),
        Some("aarch64") => Some("arm64"),
        other => other,
    };
    let stage = ctx.doc.stage_of(from).and_then(|s| s.name.as_deref()).unwrap_or("");
    if !stage.is_empty() && (stage.contains(os) || arch.is_some_and(|a| !a.is_empty() && stage.contains(a))) {
        return;
    }
    ctx.report(
        value.range,
        format!("`--platform={written}` is a constant: the stage ignores the platform the build asks for"),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine:3.21\n",
                "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n",
                "FROM --platform=${TARGETPLATFORM} alpine\n",
                "ARG PLATFORM=linux/amd64\nFROM --platform=$PLATFORM alpine\n",
                "FROM --platform=linux/arm64 alpine AS build-arm64\n",
                "FROM --platform=linux/amd64 alpine AS linux-base\n",
                "FROM --platform=linux/x86_64 alpine AS amd64-tools\n",
            ],
            &[
                "FROM --platform=⟦linux/amd64⟧ golang:1.23 AS build\n",
                "FROM --platform=⟦linux/arm/v7⟧ ubuntu:jammy\n",
                "FROM --platform=⟦\"linux/amd64\"⟧ alpine AS final-image\n",
            ],
            &[],
        );
    }
}
