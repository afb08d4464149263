//! ## What it does
//! Reports every inline ignore comment (`# hadolint ignore=…` or
//! `# dockside ignore=…` above an instruction). Off by default: enable it
//! where suppressions should go through the config file instead.
//!
//! ## Why is this bad?
//! An inline ignore silences a rule for one instruction, out of sight of
//! whoever reviews the project's lint policy. Over time such comments pile
//! up, outlive the reason they were added, and hide new findings on the
//! same line. Keeping every exception in the config makes them visible and
//! reviewable in one place.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! # hadolint ignore=DL3008
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
//! ```
//!
//! ## Notes
//! File-wide `# … global ignore=…` comments, stage-wide `# … stage
//! ignore=…` comments and BuildKit's `# check=skip=…` directive are not
//! reported, as in hadolint, which flags only the per-instruction form
//! (also under `disable-ignore-pragma`). An ignore comment separated from the next
//! instruction by a blank line applies to nothing and is not reported
//! either.

use crate::model::PragmaScope;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Inline ignore comment; keep exceptions in the config
    name: "inline-ignore-pragma", aliases: ["DL1001"], category: Maintainability, severity: Info,
    enabled_by_default: false,
    reads: Document, check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    for pragma in
        ctx.doc.suppressions.pragmas.iter().filter(|p| p.scope == PragmaScope::Instruction && p.instruction.is_some())
    {
        let names: Vec<String> = pragma.rules.iter().map(|(name, _)| format!("`{name}`")).collect();
        ctx.report(
            pragma.range,
            format!("inline ignore of {}; fix the finding or move the exception to the config", names.join(", ")),
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
                "FROM debian\nRUN x\n",
                "# hadolint global ignore=DL3008\nFROM debian\n",
                "# check=skip=JSONArgsRecommended\nFROM debian\n",
                "FROM debian\n# just a comment about hadolint\nRUN x\n",
                "FROM debian\n# hadolint ignore=DL3008\n\nRUN x\n",
                "# hadolint stage ignore=DL3008\nFROM debian\nRUN x\n",
            ],
            &[
                "FROM debian\n⟦# hadolint ignore=DL3008⟧\nRUN x\n",
                "FROM debian\n⟦# dockside ignore=apt-get-unpinned-package,DL3015⟧\nRUN x\n",
                "FROM debian\n⟦#hadolint ignore=DL3059 because of caching⟧\nRUN x\n",
            ],
            &[],
        );
    }
}
