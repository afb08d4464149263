//! ## What it does
//! Checks for a `USER` that names the user (`USER app`) instead of giving
//! its numeric id (`USER 10001`), where that user is the one the stage's
//! image runs as.
//!
//! ## Why is this bad?
//! The image configuration stores the `USER` text as written. A name is
//! only resolved through `/etc/passwd` inside the container, so the
//! runtime and the orchestrator cannot tell who the process will be:
//! Kubernetes' `runAsNonRoot` refuses to start an image whose user is not
//! numeric ("cannot verify user is non-root"), and host-side tools that map
//! file ownership or enforce uid ranges see no uid at all.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN useradd --uid 10001 app
//! USER app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN useradd --uid 10001 app
//! USER 10001:10001
//! ```
//!
//! ## Notes
//! dockside reports less than hadolint, which flags every non-numeric
//! `USER`:
//! - only the last `USER` of each stage counts, since an earlier one
//!   (`USER builder` followed by `USER 10001`) never reaches the image
//!   configuration;
//! - `USER root` is not reported: it is uid 0 everywhere, and running as
//!   root is `last-user-root`'s business;
//! - a user given by a variable (`USER ${APP_UID}`) is accepted, as its
//!   value is chosen at build time;
//! - Windows images are skipped: Windows users such as
//!   `ContainerAdministrator` have no numeric id;
//! - VS Code dev container definitions are skipped (a base image from
//!   `mcr.microsoft.com/devcontainers/` or `…/vscode/devcontainers/`, a
//!   `${templateOption:…}` template, or a `.devcontainer` build context):
//!   the developer's user comes from `devcontainer.json` (`remoteUser`),
//!   and the image is a development environment no orchestrator runs.

use crate::model::{Dialect, Instruction, InstructionKind, Stage};
use crate::rule::{Context, declare_rule};
use crate::rules::dev_container::is_dev_container;

declare_rule! {
    /// `USER` by name: runtimes cannot verify the uid (`runAsNonRoot`)
    name: "non-numeric-user", aliases: ["DL3066"], category: Security, severity: Info,
    kinds: [User], reads: Kinds([Shell, Arg]), check_instruction: check,
}

fn check(user: &Instruction, ctx: &mut Context<'_>) {
    let Some(word) = user.args.first() else { return };
    if word.has_expansion() {
        return;
    }
    let stage = ctx.doc.stage_of(user);
    let run = &ctx.doc.instructions[ctx.doc.stage_run_of(user)];
    let last = run.iter().rev().find(|i| i.kind == InstructionKind::User);
    if last.is_some_and(|l| l.index != user.index) {
        return;
    }
    let value = word.value();
    let name = value.split(':').next().unwrap_or("");
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) || name == "root" {
        return;
    }
    if is_windows_user(name) || stage.is_some_and(|s| is_windows(ctx, s)) {
        return;
    }
    if is_dev_container(ctx.doc, ctx.settings, stage) {
        return;
    }
    ctx.report(word.range, format!("`USER {name}` is a name; use the numeric uid so runtimes can verify it"));
}

fn is_windows_user(name: &str) -> bool {
    ["ContainerAdministrator", "ContainerUser", "NT AUTHORITY\\SYSTEM"].iter().any(|u| u.eq_ignore_ascii_case(name))
}

/// A Windows base image (`…/windows/servercore`, `…-nanoserver…`) or a
/// Windows shell in the stage or the stages it builds on.
fn is_windows(ctx: &Context<'_>, stage: &Stage) -> bool {
    ctx.doc.on_windows_image(stage.index)
        || ctx.doc.stage_chain(stage.index).iter().any(|s| {
            s.instructions(ctx.doc).iter().any(|i| {
                i.kind == InstructionKind::Shell
                    && i.json
                        .as_ref()
                        .and_then(|j| j.items.first())
                        .is_some_and(|(shell, _)| Dialect::of_program(shell).is_some())
            })
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nUSER 10001\n",
                "FROM debian\nUSER 10001:10001\n",
                "FROM debian\nUSER root\n",
                "FROM debian\nUSER root:root\n",
                "FROM debian\nARG UID=1000\nUSER ${UID}\n",
                "FROM debian\nUSER $APP_USER\n",
                "FROM debian\nUSER builder\nRUN make\nUSER 10001\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n",
                "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS base\nFROM base\nUSER app\n",
                "FROM mcr.microsoft.com/dotnet/sdk:8.0\nUSER ContainerUser\n",
                "FROM python\nSHELL [\"powershell\", \"-Command\"]\nUSER app\n",
                "FROM mcr.microsoft.com/vscode/devcontainers/python:3.12\nUSER vscode\n",
            ],
            &[
                "FROM debian\nUSER ⟦app⟧\n",
                "FROM debian\nUSER ⟦app:app⟧\n",
                "FROM debian\nUSER 1000\nRUN x\nUSER ⟦www-data⟧\n",
                "FROM debian AS build\nUSER ⟦builder⟧\nFROM debian\nUSER 1000\n",
                "FROM debian\nUSER ⟦nonroot:1000⟧\n",
            ],
            &[],
        );
    }
}
