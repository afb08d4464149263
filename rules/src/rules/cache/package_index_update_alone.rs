//! ## What it does
//! Checks for a RUN that refreshes the package index (`apt-get update`,
//! `apk update`, `dnf makecache`, `zypper refresh`) without installing
//! anything in the same RUN.
//!
//! ## Why is this bad?
//! The builder caches each RUN by its text, so the layer with the fresh
//! index is reused as long as that line does not change, for weeks or
//! months. An install in a later RUN then works from that old index: it
//! gets outdated packages, or fails outright when the mirror has dropped
//! the versions the index names. Refreshing and installing in one RUN
//! makes every change to the package list fetch a current index.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update
//! RUN apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Fix safety
//! When the refresh is the whole RUN and the next instruction is a RUN
//! that installs with the same package manager, the fix moves the refresh
//! into that RUN (`RUN apt-get update && apt-get install …`). It is unsafe:
//! it changes which layers are cached and rebuilt.
//!
//! ## Notes
//! Only reported when a later RUN of the stage (or of a stage built on it)
//! installs with the same package manager before refreshing the index
//! again: a refresh nothing installs from is wasted, but not stale. A RUN
//! that also runs something that may install for it (a script, `sh`,
//! `make`, a command whose name contains `install` such as
//! `install_packages` or `docker-php-ext-install`) is not reported, nor one
//! with a `--mount=type=cache` (the index then lives in the cache, not the
//! layer).

use crate::base_images::PackageManager;
use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Base, Document, Instruction, InstructionKind, ShellCommand};
use crate::rule::{Context, declare_rule};

use super::support::{self, OsStep};

declare_rule! {
    /// A package-index refresh without an install in the same RUN goes stale in the cache
    name: "package-index-update-alone", category: Cache, severity: Warning, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some((update, _, stale)) = stale_refresh(ctx.doc, run) else { return };
    let name = update.base_name();
    let sub = support::subcommand(&update.args, &[]).map_or("update", |(_, a)| a.text.as_str());
    let fix = merge_fix(ctx.doc, run, update);
    let diagnostic = ctx
        .report(
            update.range,
            format!(
                "`{name} {sub}` without an install in the same RUN: later installs use the index cached with this layer"
            ),
        )
        .with_related(stale, "installs from the cached index");
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// What this rule reports on `run`, if anything: the refresh it runs
/// alone, its package manager and the later install that relies on the
/// index it cached (`apt-lists-not-removed` leaves such a RUN to this rule).
pub(crate) fn stale_refresh<'a>(
    doc: &Document,
    run: &'a Instruction,
) -> Option<(&'a ShellCommand, PackageManager, TextRange)> {
    let script = run.script()?;
    let (update, pm) = script.commands.iter().find_map(|c| match support::os_step(c) {
        Some((pm, OsStep::IndexUpdate)) => Some((c, pm)),
        _ => None,
    })?;
    let installs = script.commands.iter().any(|c| support::os_step(c).is_some_and(|(_, s)| s == OsStep::Install));
    if installs || script.commands.iter().any(may_install) || run.has_cache_mount() {
        return None;
    }
    later_stale_install(doc, run, pm).map(|stale| (update, pm, stale))
}

/// The first later install with package manager `pm` that relies on the
/// index `run` fetched: in a later RUN of the stage (or of a stage built
/// `FROM` it), before that RUN refreshes the index itself.
fn later_stale_install(doc: &Document, run: &Instruction, pm: PackageManager) -> Option<TextRange> {
    // Before the first FROM (a fragment) the prelude is the only stage.
    let mut stages = Vec::new();
    if let Some(stage) = run.stage {
        stages.push(stage);
        for s in &doc.stages[stage + 1..] {
            if let Base::Stage(parent) = s.base
                && stages.contains(&parent)
            {
                stages.push(s.index);
            }
        }
    }
    let later = doc.instructions[run.index + 1..].iter().filter(|i| {
        i.kind == InstructionKind::Run
            && match (run.stage, i.stage) {
                (None, None) => true,
                (_, Some(s)) => stages.contains(&s),
                (Some(_), None) => false,
            }
    });
    for later_run in later {
        let Some(script) = later_run.script() else { continue };
        for cmd in &script.commands {
            match support::os_step(cmd) {
                Some((p, OsStep::IndexUpdate)) if p == pm => return None,
                Some((p, OsStep::Install)) if p == pm => return Some(cmd.range),
                _ => {}
            }
        }
    }
    None
}

/// A command that may install packages itself: a script, a shell, `make`,
/// an installer helper.
fn may_install(cmd: &ShellCommand) -> bool {
    let name = cmd.base_name();
    name.contains("install")
        || (name != "apt-get" && name.contains("apt-get"))
        || name.ends_with(".sh")
        || cmd.name.starts_with("./")
        || matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh" | "source" | "." | "eval" | "make" | "xargs")
}

/// Move the refresh into the next RUN when it is the whole RUN and the next
/// RUN installs with the same package manager.
fn merge_fix(doc: &Document, run: &Instruction, update: &ShellCommand) -> Option<Fix> {
    let script = run.script()?;
    let top = doc.instructions.get(run.index)?;
    if top.kind != InstructionKind::Run
        || script.commands.len() != 1
        || !run.heredocs.is_empty()
        || !run.flags.is_empty()
    {
        return None;
    }
    let next = doc.instructions.get(run.index + 1)?;
    let next_form = next.shell.as_ref()?;
    let (pm, _) = support::os_step(update)?;
    let first = next.script()?.commands.first()?;
    let installs_same = support::os_step(first).is_some_and(|(p, s)| p == pm && s == OsStep::Install);
    let between = doc.text().get(run.range.end..next.range.start)?;
    if next.kind != InstructionKind::Run
        || next.stage != run.stage
        || !next.flags.is_empty()
        || !next.heredocs.is_empty()
        || !installs_same
        || !between.trim().is_empty()
    {
        return None;
    }
    let update_text = doc.text().get(update.range.as_range())?;
    Some(Fix::unsafe_(
        format!("Run `{update_text}` in the RUN that installs"),
        vec![Edit::replace(
            TextRange::new(run.range.start, next_form.range.start),
            format!("{} {update_text} && ", next.keyword),
        )],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update; apt-get -y upgrade\n",
                "FROM alpine\nRUN apk update && apk add curl\n",
                "FROM fedora\nRUN dnf makecache && dnf install -y git\n",
                "FROM debian\nRUN apt-get update && ./install-deps.sh\n",
                "FROM bitnami/minideb\nRUN apt-get update && install_packages curl\n",
                "FROM php\nRUN apt-get update && docker-php-ext-install pdo\n",
                "FROM debian\nRUN apt-get update && bash -c 'apt-get install -y curl'\n",
                "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n",
                "FROM debian\nRUN apt-get install -y ./local.deb\n",
                "FROM debian\nRUN apt-get update && xargs -a packages.txt apt-get install -y\n",
                // Nothing installs from the refreshed index later.
                "FROM debian\nRUN apt-get update && apt-get purge -y vim\n",
                "FROM debian\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update\nRUN apk add curl\n",
                "FROM debian AS a\nRUN apt-get update\nFROM debian\nRUN apt-get install -y curl\n",
            ],
            &[
                "FROM debian\nRUN ⟦apt-get update⟧\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN ⟦apt-get update⟧ && echo done\nRUN apt-get -y upgrade\n",
                "FROM alpine\nRUN ⟦apk update⟧\nRUN apk add curl\n",
                "FROM centos\nRUN ⟦yum makecache⟧ && yum clean all\nRUN yum install -y git\n",
                "FROM opensuse/leap\nRUN ⟦zypper --non-interactive refresh⟧\nRUN zypper -n in curl\n",
                "FROM debian AS base\nRUN ⟦apt-get update⟧\nFROM base\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN <<EOF\n⟦apt-get update⟧\nEOF\nRUN apt install -y curl\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                ),
                (
                    "FROM alpine\nrun apk update\nrun apk add \\\n  curl\n",
                    "FROM alpine\nrun apk update && apk add \\\n  curl\n",
                ),
                // No fix: a comment in between, another package manager, flags.
                (
                    "FROM debian\nRUN apt-get update\n# tools\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update\n# tools\nRUN apt-get install -y curl\n",
                ),
                (
                    "FROM debian\nRUN apt-get update\nRUN pip install flask\n",
                    "FROM debian\nRUN apt-get update\nRUN pip install flask\n",
                ),
            ],
        );
    }

    /// Unsafe: the merge changes which layers are cached and rebuilt.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
            )],
        );
    }
}
