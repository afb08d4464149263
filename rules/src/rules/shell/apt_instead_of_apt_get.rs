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
//! The fix renames the command only where both tools do the same thing:
//! `apt-get` for `install`, `update`, `remove`, `purge`, `autoremove`,
//! `clean`, `autoclean`, `build-dep`, `source`, `download` and
//! `dist-upgrade` (and `full-upgrade`, which becomes `dist-upgrade`), and
//! `apt-cache` for `search`, `show`, `showsrc`, `policy`, `depends` and
//! `rdepends`. These are safe: the packages and the resulting image are the
//! same. `apt upgrade` is not renamed, because it may install new packages
//! where `apt-get upgrade` holds the upgrade back; `apt list` and
//! `apt edit-sources` have no `apt-get` equivalent.

use crate::diagnostic::{Category, Edit, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

use super::support::{self, subcommand};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "apt-instead-of-apt-get",
        aliases: &["DL3027"],
        category: Category::Shell,
        severity: Severity::Warning,
        fix: FixAvailability::Sometimes,
        summary: "`apt` is for terminals; scripts should use `apt-get` or `apt-cache`",
        source: include_str!("apt_instead_of_apt_get.rs"),
        path: "rules/src/rules/shell/apt_instead_of_apt_get.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

/// apt's options that take a separate value.
const VALUE_FLAGS: &[&str] = &["-o", "--option", "-c", "--config-file", "-t", "--target-release", "-a"];

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
        let fix = if APT_GET.contains(&name) {
            Some(Fix::safe("Use `apt-get`", vec![Edit::insert(cmd.name_range.end, "-get")]))
        } else if name == "full-upgrade" {
            let sub = sub.expect("matched a subcommand");
            Some(Fix::safe(
                "Use `apt-get dist-upgrade`",
                vec![Edit::insert(cmd.name_range.end, "-get"), Edit::replace(sub.range, "dist-upgrade")],
            ))
        } else if APT_CACHE.contains(&name) {
            Some(Fix::safe("Use `apt-cache`", vec![Edit::insert(cmd.name_range.end, "-cache")]))
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

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

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
}
