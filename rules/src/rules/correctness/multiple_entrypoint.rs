//! ## What it does
//! Checks for a stage with more than one `ENTRYPOINT`.
//!
//! ## Why is this bad?
//! Each `ENTRYPOINT` replaces the previous one in the image configuration,
//! so only the last one of a stage runs. Two entrypoints usually mean the
//! author expected both to run (a setup script, then the server): the first
//! one is silently skipped when the container starts.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! ENTRYPOINT ["/docker-entrypoint.sh"]
//! ENTRYPOINT ["/usr/sbin/nginx"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! ENTRYPOINT ["/docker-entrypoint.sh"]
//! CMD ["/usr/sbin/nginx"]
//! ```
//!
//! ## Fix safety
//! The fix deletes each overridden `ENTRYPOINT` line. It is safe: the image
//! configuration only ever holds the last `ENTRYPOINT` of the stage, and the
//! last one still resets an inherited `CMD` as before.
//!
//! ## Notes
//! hadolint reports the second and later `ENTRYPOINT`s; dockside reports the
//! ones that have no effect (all but the last), with the one that wins as
//! related information. The count is the same.

use super::support::report_overridden;
use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Only the last `ENTRYPOINT` of a stage takes effect
    name: "multiple-entrypoint", aliases: ["DL4004", "MultipleInstructionsDisallowed"],
    category: Correctness, severity: Error, fix: Always,
    reads: Document, check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    report_overridden(ctx, InstructionKind::Entrypoint);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nENTRYPOINT [\"/init\"]\nCMD [\"run\"]\n",
                "FROM alpine AS base\nENTRYPOINT [\"/a\"]\nFROM base\nENTRYPOINT [\"/b\"]\n",
                "FROM alpine\nONBUILD ENTRYPOINT [\"/a\"]\nENTRYPOINT [\"/b\"]\n",
            ],
            &[
                "FROM alpine\n⟦ENTRYPOINT⟧ [\"/a\"]\nENTRYPOINT [\"/b\"]\n",
                "FROM alpine\n⟦ENTRYPOINT⟧ /a\nENTRYPOINT\t/b\nENTRYPOINT [\"/c\"]\n",
            ],
            &[
                ("FROM alpine\nENTRYPOINT [\"/a\"]\nENTRYPOINT [\"/b\"]\n", "FROM alpine\nENTRYPOINT [\"/b\"]\n"),
                (
                    "FROM alpine\nENTRYPOINT a\n# keep me\nENTRYPOINT b\nENTRYPOINT c\n",
                    "FROM alpine\n# keep me\nENTRYPOINT c\n",
                ),
            ],
        );
    }

    /// Safe: only the last ENTRYPOINT of a stage reaches the image, and it resets an inherited CMD as the first did.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM alpine\nENTRYPOINT [\"/a\"]\nCMD [\"x\"]\nENTRYPOINT [\"/b\"]\n",
                "FROM alpine\nCMD [\"x\"]\nENTRYPOINT [\"/b\"]\n",
            )],
        );
    }
}
