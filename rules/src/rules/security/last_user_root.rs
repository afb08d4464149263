//! ## What it does
//! Checks whether the final stage switches to `root` in its last `USER`
//! instruction.
//!
//! ## Why is this bad?
//! The container's process then runs as root. A compromise of the
//! application becomes root in the container, one kernel bug away from the
//! host. Switching to root for installation is fine; switch back to an
//! unprivileged user before the image is done.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! USER app
//! RUN make
//! USER root
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! USER root
//! RUN make
//! USER app
//! ```
//!
//! ## Notes
//! Only the final stage matters: build stages do not ship. `root`, `0` and
//! `root:<group>` / `0:<group>` count as root, also through ARG defaults.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{InstructionKind, Scope};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "last-user-root",
        aliases: &["DL3002"],
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "The image's last `USER` is root",
        source: include_str!("last_user_root.rs"),
        path: "rules/src/rules/security/last_user_root.rs",
        enabled_by_default: true,
    },
    kinds: &[],
    in_onbuild: false,
    check_instruction: None,
    check_document: Some(check),
};

fn check(ctx: &mut Context<'_>) {
    let Some(stage) = ctx.doc.final_stage() else { return };
    let Some(user) = stage.instructions(ctx.doc).iter().rev().find(|i| i.kind == InstructionKind::User) else {
        return;
    };
    let Some(word) = user.args.first() else { return };
    let scope = Scope::at(ctx.doc, user.index);
    let expanded = scope.expand(word);
    if !expanded.complete {
        return;
    }
    let name = expanded.text.split(':').next().unwrap_or("");
    if name == "root" || name == "0" {
        ctx.report(word.range, "the image runs as root; switch to an unprivileged user at the end");
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
                "FROM debian\nUSER root\nRUN x\nUSER app\n",
                "FROM debian AS build\nUSER root\nFROM debian\nUSER 1000\n",
                "FROM debian\nRUN x\n",
                "FROM debian\nUSER $UNKNOWN\n",
            ],
            &[
                "FROM debian\nUSER app\nUSER ⟦root⟧\n",
                "FROM debian\nUSER ⟦0:0⟧\n",
                "FROM debian\nARG U=root\nUSER ⟦${U}⟧\n",
            ],
            &[],
        );
    }
}
