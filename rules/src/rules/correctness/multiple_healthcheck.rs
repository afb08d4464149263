//! ## What it does
//! Checks for a stage with more than one `HEALTHCHECK`.
//!
//! ## Why is this bad?
//! An image has a single health check: each `HEALTHCHECK` (also
//! `HEALTHCHECK NONE`) replaces the previous one, so only the last one of a
//! stage is used. The earlier ones look like extra checks but never run,
//! and editing them changes nothing.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! HEALTHCHECK CMD curl -f http://localhost/ || exit 1
//! HEALTHCHECK CMD curl -f http://localhost/status || exit 1
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! HEALTHCHECK CMD curl -f http://localhost/status || exit 1
//! ```
//!
//! ## Fix safety
//! The fix deletes each overridden `HEALTHCHECK` line. It is safe: the image
//! configuration only ever holds the last `HEALTHCHECK` of the stage.
//!
//! ## Notes
//! hadolint reports the second and later `HEALTHCHECK`s; dockside reports
//! the ones that have no effect (all but the last), with the one that wins
//! as related information. The count is the same.

use super::support::report_overridden;
use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Only the last `HEALTHCHECK` of a stage takes effect
    name: "multiple-healthcheck", aliases: ["DL3012", "MultipleInstructionsDisallowed"],
    category: Correctness, severity: Error, fix: Always,
    reads: Document, check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    report_overridden(ctx, InstructionKind::Healthcheck);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nHEALTHCHECK CMD true\n",
                "FROM alpine AS a\nHEALTHCHECK CMD true\nFROM alpine\nHEALTHCHECK NONE\n",
                "FROM alpine\nONBUILD HEALTHCHECK CMD a\nHEALTHCHECK CMD b\n",
                // BuildKit rejects the first one (`syntax-error`): nothing to replace.
                "FROM alpine\nHEALTHCHECK curl -f http://localhost/\nHEALTHCHECK CMD b\n",
                // Instructions before the first FROM are a stage of their own.
                "HEALTHCHECK CMD a\nFROM alpine\nHEALTHCHECK CMD b\n",
            ],
            &[
                "FROM alpine\n⟦HEALTHCHECK⟧ NONE\nHEALTHCHECK CMD true\n",
                "FROM alpine\n⟦HEALTHCHECK⟧ --interval=5s CMD a\nRUN x\nHEALTHCHECK CMD [\"b\"]\n",
                // A fragment without its FROM yet.
                "⟦HEALTHCHECK⟧ NONE\nHEALTHCHECK CMD true\n",
            ],
            &[
                (
                    "FROM alpine\nHEALTHCHECK --interval=5s \\\n  CMD a\nHEALTHCHECK CMD b\n",
                    "FROM alpine\nHEALTHCHECK CMD b\n",
                ),
                ("FROM alpine\nHEALTHCHECK CMD a\nHEALTHCHECK NONE", "FROM alpine\nHEALTHCHECK NONE"),
            ],
        );
    }

    /// Safe: only the last HEALTHCHECK of a stage reaches the image.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM alpine\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\n", "FROM alpine\nHEALTHCHECK NONE\n")],
        );
    }
}
