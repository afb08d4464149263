//! ## What it does
//! Checks for `apt` in `RUN` instructions.
//!
//! ## Why is this bad?
//! `apt` is the interactive front-end for people at a terminal. Its command
//! line and output are not promised to stay stable between releases, and it
//! warns as much ("apt does not have a stable CLI interface") when its output
//! is not a terminal. `apt-get` and `apt-cache` are the tools meant for
//! scripts: the same operations with a stable interface.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt update && apt install -y curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y curl
//! ```
//!
//! ## Fix safety
//! The fix renames the command only where `apt-get` (or `apt-cache`) does
//! the same thing: `apt-get` for `install`, `update`, `remove`, `purge`,
//! `autoremove`, `clean`, `autoclean`, `build-dep`, `source`, `download`
//! and `dist-upgrade` (and `full-upgrade`, which becomes `dist-upgrade`),
//! and `apt-cache` for `search`, `show`, `showsrc`, `policy`, `depends`
//! and `rdepends`. `apt upgrade` is not renamed, because it may install new
//! packages where `apt-get upgrade` holds the upgrade back; `apt list` and
//! `apt edit-sources` have no `apt-get` equivalent. Two differences remain,
//! and make the fix unsafe where they can matter:
//! - `apt` deletes the packages it downloaded once they are installed,
//!   `apt-get` keeps them in `/var/cache/apt/archives`. For `install`,
//!   `dist-upgrade` and `build-dep` the image would grow, unless the image
//!   deletes them anyway (the official Debian and Ubuntu images, and the
//!   official images built on them, have `docker-clean` for that, unless a
//!   RUN before removed it), the same RUN cleans the archives later
//!   (`apt-get clean`, an `rm` of them) or a `--mount` covers them.
//! - `apt search` and `apt show` print differently from `apt-cache`
//!   (`apt show` only the candidate version): safe only when the output
//!   goes to the build log, not into a pipe, a redirection or a `$(…)`.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;

use crate::base_images::cleans_downloaded_packages;
use crate::diagnostic::Applicability;
use crate::model::{Base, Document, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety;

use super::support::{self, subcommand};

declare_rule! {
    /// `apt` is for terminals; scripts should use `apt-get` or `apt-cache`
    name: "apt-instead-of-apt-get", aliases: ["DL3027"], category: Shell, severity: Warning,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// apt's options that take a separate value.
const VALUE_FLAGS: &[&str] = crate::rules::package_cli::APT_VALUE_OPTIONS;

/// Subcommands `apt-get` runs the same way.
const APT_GET: &[&str] = &[
    "install",
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "build-dep",
    "source",
    "download",
    "dist-upgrade",
];

/// Subcommands `apt-cache` runs the same way.
const APT_CACHE: &[&str] = &["search", "show", "showsrc", "policy", "depends", "rdepends"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for cmd in script.commands_named(&["apt"]) {
        let sub = subcommand(cmd, VALUE_FLAGS);
        let name = sub.map_or("", |s| s.text.as_str());
        let applicability = || applicability(ctx.doc, run, script, cmd, name);
        let fix = if APT_GET.contains(&name) {
            Some(Fix::new("Use `apt-get`", applicability(), vec![Edit::insert(cmd.name_range.end, "-get")]))
        } else if name == "full-upgrade" {
            let sub = sub.expect("matched a subcommand");
            Some(Fix::new(
                "Use `apt-get dist-upgrade`",
                applicability(),
                vec![Edit::insert(cmd.name_range.end, "-get"), Edit::replace(sub.range, "dist-upgrade")],
            ))
        } else if APT_CACHE.contains(&name) {
            Some(Fix::new("Use `apt-cache`", applicability(), vec![Edit::insert(cmd.name_range.end, "-cache")]))
        } else {
            None
        };
        let tool = if APT_CACHE.contains(&name) { "apt-cache" } else { "apt-get" };
        let message = match sub {
            Some(s) => format!("`apt {}` has no stable interface for scripts; use `{tool}`", s.text),
            None => format!("`apt` has no stable interface for scripts; use `{tool}`"),
        };
        let diagnostic = ctx.report(cmd.name_range, message);
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

/// Subcommands that download packages into apt's archive cache, which
/// `apt` empties after installing and `apt-get` keeps.
const DOWNLOADS_PACKAGES: &[&str] = &["install", "dist-upgrade", "full-upgrade", "build-dep"];

/// `apt-cache` subcommands whose output `apt` formats differently.
const OTHER_OUTPUT: &[&str] = &["search", "show"];

const ARCHIVES: &str = "/var/cache/apt/archives";

/// Whether renaming `cmd` (`apt <sub>`) is safe (see Fix safety).
fn applicability(
    doc: &Document,
    run: &Instruction,
    script: &ShellScript,
    cmd: &ShellCommand,
    sub: &str,
) -> Applicability {
    let safe = if DOWNLOADS_PACKAGES.contains(&sub) {
        packages_deleted_anyway(doc, run, script, cmd)
    } else if OTHER_OUTPUT.contains(&sub) {
        !output_is_used(script, cmd)
    } else {
        true
    };
    if safe { Applicability::Safe } else { Applicability::Unsafe }
}

/// True when the packages `cmd` downloads do not stay in the layer whether
/// `apt` or `apt-get` downloads them: the image deletes them after every
/// install, the RUN cleans them later, or a mount covers the archives.
fn packages_deleted_anyway(doc: &Document, run: &Instruction, script: &ShellScript, cmd: &ShellCommand) -> bool {
    let later = script.commands.iter().skip_while(|c| !std::ptr::eq(*c, cmd)).skip(1);
    let cleaned = later.clone().any(|c| {
        (matches!(c.base_name(), "apt-get" | "apt") && c.positional().next().is_some_and(|a| a.text == "clean"))
            || fix_safety::removes(c, &[ARCHIVES])
    });
    cleaned || fix_safety::mounts_over(run, &[ARCHIVES]) || image_deletes_packages(doc, run)
}

/// The stage builds on an official Debian or Ubuntu image (or one built on
/// them) and no RUN before this one touched its `docker-clean`.
fn image_deletes_packages(doc: &Document, run: &Instruction) -> bool {
    let Some(stage) = run.stage else { return false };
    let official = match doc.stage_chain(stage).last().map(|s| &s.base) {
        Some(Base::Image { reference, resolved: true, .. }) => cleans_downloaded_packages(reference),
        _ => false,
    };
    let touched = |text: &str| text.contains("docker-clean") || text.contains("Keep-Downloaded-Packages");
    let earlier = doc.fact::<FirstDockerCleanRuns>();
    official
        && !doc.stage_chain(stage).iter().any(|s| earlier.0.get(&s.index).is_some_and(|&i| i < run.index))
        && !script_text(run).is_some_and(touched)
}

/// Per stage, the first RUN whose text mentions `docker-clean`: asked for
/// every `apt` command, so found once per document.
struct FirstDockerCleanRuns(std::collections::HashMap<usize, usize>);

impl crate::model::DocumentFact for FirstDockerCleanRuns {
    fn compute(doc: &Document) -> FirstDockerCleanRuns {
        let mut firsts = std::collections::HashMap::new();
        for run in doc.instructions.iter().filter(|i| i.kind == crate::model::InstructionKind::Run) {
            if let Some(stage) = run.stage
                && doc.text()[run.range.as_range()].contains("docker-clean")
            {
                firsts.entry(stage).or_insert(run.index);
            }
        }
        FirstDockerCleanRuns(firsts)
    }
}

fn script_text(run: &Instruction) -> Option<&str> {
    run.script().map(|s| s.text.as_str())
}

/// True when something reads the command's output: a pipe, a redirection,
/// a command substitution (or a `-c` string, where dockside cannot tell).
fn output_is_used(script: &ShellScript, cmd: &ShellCommand) -> bool {
    if cmd.in_pipeline || cmd.in_command_string {
        return true;
    }
    std::iter::successors(script.node_of(cmd), |n| n.parent())
        .any(|n| matches!(n.kind(), "redirected_statement" | "command_substitution" | "process_substitution"))
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
                "FROM debian\nRUN apt-cache policy curl\n",
                "FROM debian\nRUN echo apt install curl\n",
                "FROM debian\nRUN [\"apt\", \"install\", \"-y\", \"curl\"]\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN apt install curl\n",
            ],
            &[
                "FROM debian\nRUN ⟦apt⟧ update\n",
                "FROM debian\nRUN apt-get update && \\\n    ⟦apt⟧ install -y \\\n      curl\n",
                "FROM debian\nRUN <<EOF\nset -e\n⟦apt⟧ install -y curl\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦apt⟧ install -y curl\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦apt⟧ install -y curl\"]\n",
                "FROM debian\nRUN sudo ⟦apt⟧ upgrade -y\n",
                "FROM debian\nRUN ⟦apt⟧ list --installed\n",
                "FROM debian\nRUN ⟦/usr/bin/apt⟧ -o Acquire::Retries=3 install -y curl\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt update && apt install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                ),
                (
                    "FROM debian\nRUN apt -o Acquire::Retries=3 \\\n  install -y curl\n",
                    "FROM debian\nRUN apt-get -o Acquire::Retries=3 \\\n  install -y curl\n",
                ),
                ("FROM debian\nRUN apt full-upgrade -y\n", "FROM debian\nRUN apt-get dist-upgrade -y\n"),
                ("FROM debian\nRUN apt show curl\n", "FROM debian\nRUN apt-cache show curl\n"),
                ("FROM debian\nRUN apt upgrade -y\n", "FROM debian\nRUN apt upgrade -y\n"),
                (
                    "FROM debian\nRUN <<EOF\napt install -y curl\nEOF\n",
                    "FROM debian\nRUN <<EOF\napt-get install -y curl\nEOF\n",
                ),
            ],
        );
    }

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                (
                    "FROM debian:12\nRUN apt update && apt install -y curl\n",
                    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                ),
                (
                    "FROM python:3.12\nRUN apt update && apt full-upgrade -y\n",
                    "FROM python:3.12\nRUN apt-get update && apt-get dist-upgrade -y\n",
                ),
                // Nothing to download: safe on any image.
                (
                    "FROM example/base\nRUN apt update && apt purge -y vim && apt show curl\n",
                    "FROM example/base\nRUN apt-get update && apt-get purge -y vim && apt-cache show curl\n",
                ),
                // Cleaned in the same RUN, or kept out of the layer by a mount.
                (
                    "FROM example/base\nRUN apt install -y curl && apt clean\n",
                    "FROM example/base\nRUN apt-get install -y curl && apt-get clean\n",
                ),
                (
                    "FROM example/base\nRUN --mount=type=cache,target=/var/cache/apt apt install -y curl\n",
                    "FROM example/base\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl\n",
                ),
                // `apt-get` would keep the downloaded packages in the layer.
                kept("FROM example/base\nRUN apt install -y curl\n"),
                kept("FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN apt install -y curl\n"),
                kept("ARG BASE\nFROM $BASE\nRUN apt build-dep -y hello\n"),
                // The output is read: `apt` prints it differently.
                kept("FROM debian\nRUN apt search python3 | grep -c dev\n"),
                kept("FROM debian\nRUN apt show curl > /tmp/curl.txt\n"),
                kept("FROM debian\nRUN v=$(apt show curl) && echo $v\n"),
            ],
        );
    }
}
