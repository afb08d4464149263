//! ## What it does
//! Checks for `FROM --platform=$TARGETPLATFORM`.
//!
//! ## Why is this bad?
//! A stage is already built for the target platform when `FROM` has no
//! `--platform`: the flag repeats the default. It also suggests the stage
//! was meant to run on the build platform (`$BUILDPLATFORM`, the usual
//! cross-compilation setup), which it does not.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=$TARGETPLATFORM alpine:3.20
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! ```
//!
//! ## Fix safety
//! The fix deletes the flag and the blank after it. Without `--platform`
//! BuildKit pulls the image for the target platform, the value
//! `$TARGETPLATFORM` has; the stage's platform arguments do not change. It
//! is safe, unless the file declares `ARG TARGETPLATFORM` before the first
//! `FROM` (without a default): then `--build-arg TARGETPLATFORM=…` sets the
//! flag to something else than the target, and the fix is unsafe.

use crate::diagnostic::{Applicability, Edit, Fix, TextRange};
use crate::model::{Instruction, InstructionKind, Part, Scope};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `FROM --platform=$TARGETPLATFORM` repeats the default
    name: "redundant-target-platform", aliases: ["DL3065", "RedundantTargetPlatform"],
    category: Correctness, severity: Warning, fix: Always, fix_safety: Either,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let Some(flag) = from.flag("platform") else { return };
    let Some(value) = &flag.value else { return };
    let parts = match value.parts.as_slice() {
        [Part::Quoted { double: true, parts }] => parts.as_slice(),
        parts => parts,
    };
    let [Part::Expansion(e)] = parts else { return };
    if e.name != "TARGETPLATFORM" || e.operator.is_some() {
        return;
    }
    // A global `ARG TARGETPLATFORM=…` default makes the flag mean something.
    if Scope::global(ctx.doc).value("TARGETPLATFORM").is_some() {
        return;
    }
    // The flag and the blanks after it.
    let rest = &ctx.doc.text()[flag.range.end..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let delete = TextRange::new(flag.range.start, flag.range.end + blanks);
    let first_from = ctx.doc.stages.first().map_or(ctx.doc.instructions.len(), |s| s.from);
    let declared = ctx.doc.instructions[..first_from]
        .iter()
        .any(|i| i.kind == InstructionKind::Arg && i.pairs.iter().any(|p| p.key.value() == "TARGETPLATFORM"));
    let applicability = if declared { Applicability::Unsafe } else { Applicability::Safe };
    ctx.report(flag.range, "`--platform=$TARGETPLATFORM` is the default and can be left out").with_fix(Fix::new(
        "Remove `--platform=$TARGETPLATFORM`",
        applicability,
        vec![Edit::delete(delete)],
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\n",
                "FROM --platform=$BUILDPLATFORM golang AS build\n",
                "FROM --platform=linux/amd64 alpine\n",
                "FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine\n",
                "FROM --platform=$TARGETOS/$TARGETARCH alpine\n",
                "ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n",
            ],
            &[
                "FROM ⟦--platform=$TARGETPLATFORM⟧ alpine\n",
                "ARG TARGETPLATFORM\nFROM ⟦--platform=$TARGETPLATFORM⟧ alpine\n",
                "FROM ⟦--platform=${TARGETPLATFORM}⟧ alpine AS base\n",
                "FROM ⟦--platform=\"$TARGETPLATFORM\"⟧ alpine\n",
                "from ⟦--PLATFORM=$TARGETPLATFORM⟧ alpine\n",
            ],
            &[
                ("FROM --platform=$TARGETPLATFORM alpine\n", "FROM alpine\n"),
                ("FROM --platform=${TARGETPLATFORM}  alpine AS a\n", "FROM alpine AS a\n"),
                ("FROM --platform=$TARGETPLATFORM \\\n  alpine\n", "FROM \\\n  alpine\n"),
            ],
        );
    }

    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM --platform=$TARGETPLATFORM alpine\n", "FROM alpine\n"),
                // A declared ARG can be set on the command line.
                (
                    "ARG TARGETPLATFORM\nFROM --platform=$TARGETPLATFORM alpine\n",
                    "ARG TARGETPLATFORM\nFROM --platform=$TARGETPLATFORM alpine\n",
                ),
            ],
        );
    }
}
