//! ## What it does
//! Checks for `apt-get install` without `-y` (or `--yes`, `--assume-yes`,
//! `-qq`, `-q -q`).
//!
//! ## Why is this bad?
//! A build has no terminal to answer apt's "Do you want to continue?"
//! prompt. apt-get reads end-of-file as "no" and aborts, so the build fails
//! as soon as an install needs confirmation.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y curl
//! ```
//!
//! ## Fix safety
//! The fix adds `-y` after `install`. It is safe: the build could not answer
//! the prompt anyway.
//!
//! ## Notes
//! A simulation (`-s`, `--simulate`, `--just-print`, `--dry-run`,
//! `--recon`, `--no-act`, also in a cluster such as `-sq`) only prints what
//! would happen and never asks, so it is not reported.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// `apt-get install` without `-y` stops at the confirmation prompt
    name: "apt-get-missing-yes", aliases: ["DL3014"], category: Shell, severity: Warning,
    fix: Always,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for cmd in script.commands_named(&["apt-get"]) {
        let Some(install) = crate::rules::package_cli::apt_subcommand(cmd) else { continue };
        if install.text != "install" {
            continue;
        }
        // Quiet level 2 implies `-y`: each `-q` or `--quiet` adds one
        // (`-qq`, `-q -q`, `--quiet --quiet`), `-q=N` / `--quiet=N` sets it.
        let quiet_level: usize = cmd.args.iter().fold(0, |level, a| {
            let text = a.text.as_str();
            if let Some(n) = text.strip_prefix("--quiet=").or_else(|| text.strip_prefix("-q=")) {
                n.parse().unwrap_or(level)
            } else if text == "--quiet" {
                level + 1
            } else if let Some(cluster) = text.strip_prefix('-').filter(|c| !c.starts_with('-')) {
                let short = cluster.chars().all(|x| x.is_ascii_alphanumeric());
                level + if short { cluster.matches('q').count() } else { 0 }
            } else {
                level
            }
        });
        // A simulation prints what would happen and never asks.
        let simulates = cmd.has_flag(Some('s'), &["simulate", "just-print", "dry-run", "recon", "no-act"]);
        let assumes_yes = simulates || cmd.has_flag(Some('y'), &["yes", "assume-yes"]) || quiet_level >= 2;
        if !assumes_yes {
            ctx.report(cmd.range, "`apt-get install` without `-y` aborts at the confirmation prompt")
                .with_fix(Fix::safe("Add `-y`", vec![Edit::insert(install.range.end, " -y")]));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt-get -y -q install curl && apt-get -o Acquire::Retries=3 -y install git\n",
                // `-o` takes the next word: `install` there is not the subcommand.
                "FROM debian\nRUN apt-get -o install update\n",
                "FROM debian\nRUN apt-get -qq install curl\n",
                "FROM debian\nRUN apt-get install --yes curl && apt-get --assume-yes install git\n",
                "FROM debian\nRUN apt-get update\n",
                "FROM debian\nRUN apt-get install -qy curl\n",
                "FROM debian\nRUN apt-get -q -q install curl\n",
                "FROM debian\nRUN apt-get install --quiet --quiet curl\n",
                "FROM debian\nRUN apt-get install -q --quiet=1 -q curl\n",
                "FROM debian\nRUN apt-get install -q=2 curl\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get install curl\n",
                // A simulation never asks.
                "FROM debian\nRUN if apt-get install -s foo >/dev/null 2>&1; then apt-get install -y foo; fi\n",
                "FROM debian\nRUN apt-get -sq install foo && apt-get install --dry-run foo && apt-get --just-print install foo\n",
                "FROM debian\nRUN apt-get install --simulate foo; apt-get install --recon foo; apt-get install --no-act foo\n",
            ],
            &[
                "FROM debian\nRUN apt-get update && ⟦apt-get install curl⟧\n",
                // Options before the subcommand.
                "FROM debian\nRUN ⟦apt-get -o Acquire::Retries=3 install curl⟧\n",
                "FROM debian\nRUN ⟦apt-get -q -t bookworm-backports install curl⟧\n",
                "FROM debian\nRUN set -e; \\\n    ⟦sudo apt-get install \\\n      curl⟧\n",
                "FROM debian\nRUN <<EOF\napt-get update\n⟦apt-get install curl⟧\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦apt-get install curl⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦apt-get install curl⟧\"]\n",
                "FROM debian\nRUN sh -c '⟦apt-get install curl⟧'\n",
                "FROM debian\nRUN sudo bash -ec \"apt-get update && ⟦apt-get install curl⟧\"\n",
            ],
            &[
                ("FROM debian\nRUN apt-get install curl\n", "FROM debian\nRUN apt-get install -y curl\n"),
                (
                    "FROM debian\nRUN apt-get update && \\\n  apt-get install \\\n    curl\n",
                    "FROM debian\nRUN apt-get update && \\\n  apt-get install -y \\\n    curl\n",
                ),
                // Inside a `-c` string the inserted `-y` needs no quoting.
                (
                    "FROM debian\nRUN sh -c 'apt-get install curl'\n",
                    "FROM debian\nRUN sh -c 'apt-get install -y curl'\n",
                ),
                (
                    "FROM debian\nRUN bash -c \"apt-get install \\\n  curl\"\n",
                    "FROM debian\nRUN bash -c \"apt-get install -y \\\n  curl\"\n",
                ),
            ],
        );
    }

    /// Safe: apt-get asks only when it would do more than asked, and a build cannot answer.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM debian\nRUN apt-get install curl\n", "FROM debian\nRUN apt-get install -y curl\n"),
                ("FROM debian\nRUN yes | apt-get install curl\n", "FROM debian\nRUN yes | apt-get install -y curl\n"),
            ],
        );
    }
}
