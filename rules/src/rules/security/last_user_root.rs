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
//! A final stage without `USER` runs as the last `USER` of the stage it is
//! built on (`FROM base`), and so on up the chain: a `USER root` there is
//! reported too, at that instruction. A fragment without any `FROM` is
//! taken for the final stage.
//!
//! VS Code dev container definitions are skipped (a base image from
//! `mcr.microsoft.com/devcontainers/` or `…/vscode/devcontainers/`, a
//! `${templateOption:…}` template, or a `.devcontainer` build context): the
//! user the developer works as comes from `devcontainer.json`
//! (`remoteUser`), not from the image's last `USER`, and the image is a
//! development environment that is never deployed.

use crate::model::{Base, InstructionKind, Scope};
use crate::rule::{Context, declare_rule};
use crate::rules::dev_container::is_dev_container;

declare_rule! {
    /// The image's last `USER` is root
    name: "last-user-root", aliases: ["DL3002"], category: Security, severity: Warning,
    reads: Kinds([User, Arg, Env]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    if is_dev_container(doc, ctx.settings, doc.final_stage()) {
        return;
    }
    let Some(last) = doc.final_stage() else {
        // No FROM at all (a fragment): its instructions are the image.
        if let Some(user) = doc.instructions.iter().rev().find(|i| i.kind == InstructionKind::User)
            && let Some(word) = user.args.first()
            && is_root(&Scope::at(doc, user.index).expand(word))
        {
            ctx.report(word.range, "the image runs as root; switch to an unprivileged user at the end");
        }
        return;
    };
    // The last USER of the final stage, or of the stages it builds on (a
    // loop: the chain can be as long as the file; indices only go down).
    let mut stage = last;
    let user = loop {
        if let Some(user) = stage.instructions(doc).iter().rev().find(|i| i.kind == InstructionKind::User) {
            break user;
        }
        match stage.base {
            Base::Stage(parent) if parent < stage.index => stage = &doc.stages[parent],
            _ => return,
        }
    };
    let Some(word) = user.args.first() else { return };
    if is_root(&Scope::at(ctx.doc, user.index).expand(word)) {
        if stage.index == last.index {
            ctx.report(word.range, "the image runs as root; switch to an unprivileged user at the end");
        } else {
            let parent = stage.name.as_deref().map_or_else(|| format!("stage {}", stage.index), |n| format!("`{n}`"));
            ctx.report(
                word.range,
                format!(
                    "the final stage inherits this `USER` from {parent} and runs as root; \
                     switch to an unprivileged user at its end"
                ),
            );
        }
    }
}

/// `root`, `0`, `root:<group>`, `0:<group>`, when the value is known.
fn is_root(expanded: &crate::model::Expanded) -> bool {
    let name = expanded.text.split(':').next().unwrap_or("");
    expanded.complete && (name == "root" || name == "0")
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
                "FROM debian AS base\nUSER root\nFROM base\nUSER app\n",
                // A sibling's USER is not inherited.
                "FROM debian AS base\nUSER root\nFROM debian\nRUN x\n",
                "USER root\nRUN x\nUSER app\n",
                // Dev containers: the user comes from devcontainer.json.
                "FROM mcr.microsoft.com/devcontainers/javascript-node:20\nUSER root\nRUN apt-get update\n",
                "ARG VARIANT=\"${templateOption:imageVariant}\"\nFROM node:${VARIANT}\nUSER root\n",
            ],
            &[
                "FROM debian\nUSER app\nUSER ⟦root⟧\n",
                "FROM debian\nUSER ⟦0:0⟧\n",
                "FROM debian\nARG U=root\nUSER ⟦${U}⟧\n",
                // Inherited from the stage the final one is built on.
                "FROM debian AS base\nUSER ⟦root⟧\nFROM base AS final\nRUN x\n",
                // A fragment without FROM: its instructions are the image.
                "RUN x\nUSER ⟦root⟧\n",
                "FROM mcr.microsoft.com/dotnet/sdk:8.0\nUSER ⟦root⟧\n",
                "FROM debian AS base\nUSER app\nUSER ⟦0⟧\nFROM base AS mid\nRUN y\nFROM mid\nCMD [\"x\"]\n",
            ],
            &[],
        );
    }
}
