//! ## What it does
//! Checks for a stage with more than one `CMD`.
//!
//! ## Why is this bad?
//! `CMD` sets one field of the image configuration; each `CMD` replaces the
//! previous one, so only the last one of a stage takes effect. The earlier
//! ones are dead code: whoever edits them sees no change, and a reader may
//! believe the container runs several commands.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12
//! CMD ["python", "migrate.py"]
//! CMD ["python", "app.py"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12
//! CMD ["python", "app.py"]
//! ```
//!
//! ## Fix safety
//! The fix deletes each overridden `CMD` line. It is safe: the image
//! configuration only ever holds the last `CMD` of the stage, and that is
//! also what the stages built on it inherit. (An `ENTRYPOINT` after the
//! first `CMD` does not reset the `CMD`s of its own stage.)
//!
//! ## Notes
//! hadolint reports the second and later `CMD`s; dockside reports the ones
//! that have no effect (all but the last), with the one that wins as related
//! information. The count is the same.

use super::support::report_overridden;
use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Only the last `CMD` of a stage takes effect
    name: "multiple-cmd", aliases: ["DL4003", "MultipleInstructionsDisallowed"],
    category: Correctness, severity: Warning, fix: Always,
    reads: Document, check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    report_overridden(ctx, InstructionKind::Cmd);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nCMD [\"sh\"]\n",
                "FROM alpine AS build\nCMD [\"make\"]\nFROM alpine\nCMD [\"sh\"]\n",
                "FROM alpine\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\n",
                "FROM alpine\nHEALTHCHECK CMD true\nCMD [\"b\"]\n",
            ],
            &["FROM alpine\n⟦CMD⟧ [\"a\"]\nCMD [\"b\"]\n", "FROM alpine\n⟦cmd⟧ a\nRUN x\nCMD b\nCMD c\n"],
            &[
                ("FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n", "FROM alpine\nCMD [\"b\"]\n"),
                ("FROM alpine\nCMD a\nRUN x\n  CMD b \\\n    c  \nCMD d\n", "FROM alpine\nRUN x\nCMD d\n"),
                ("FROM alpine\r\nCMD a\r\nCMD b\r\n", "FROM alpine\r\nCMD b\r\n"),
                ("FROM alpine\nCMD a\nCMD b\nCMD c\nCMD d\n", "FROM alpine\nCMD d\n"),
                ("FROM alpine\nCMD a\nCMD b\nFROM alpine\nCMD c\nCMD d", "FROM alpine\nCMD b\nFROM alpine\nCMD d"),
            ],
        );
    }

    /// Safe: only the last CMD of a stage reaches the image, also with an ENTRYPOINT and for the stages built on it.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM alpine AS base\nCMD [\"a\"]\nENTRYPOINT [\"/init\"]\nCMD [\"b\"]\nFROM base\n",
                "FROM alpine AS base\nENTRYPOINT [\"/init\"]\nCMD [\"b\"]\nFROM base\n",
            )],
        );
    }
}
