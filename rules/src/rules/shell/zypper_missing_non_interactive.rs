//! ## What it does
//! Checks for `zypper install`, `remove`, `source-install` and `patch` (and
//! their short forms `in`, `rm`, `si`) without `-n` (`--non-interactive`)
//! or `-y` (`--no-confirm`).
//!
//! ## Why is this bad?
//! zypper asks "Continue? [y/n/v/...? shows all options] (y)" before it
//! changes anything. A build has no terminal to answer; depending on the
//! version zypper either aborts at the prompt or waits for input that never
//! comes, and the build fails or hangs at that step.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper install curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper -n install curl
//! ```
//!
//! ## Fix safety
//! The fix adds the global option `-n` right after `zypper`, which answers
//! every prompt with its default. It is safe: the build could not answer
//! the prompt anyway.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// `zypper install` without `-n` stops at the confirmation prompt
    name: "zypper-missing-non-interactive", aliases: ["DL3034"], category: Shell, severity: Warning,
    fix: Always,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const PROMPTING: &[&str] = &["install", "in", "remove", "rm", "source-install", "si", "patch"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for (cmd, sub) in support::zypper_commands(script, PROMPTING) {
        let non_interactive = cmd.has_flag(Some('n'), &["non-interactive"]) || cmd.has_flag(Some('y'), &["no-confirm"]);
        if !non_interactive {
            ctx.report(cmd.range, format!("`zypper {}` without `-n` stops at the confirmation prompt", sub.text))
                .with_fix(Fix::safe("Add `-n` (non-interactive)", vec![Edit::insert(cmd.name_range.end, " -n")]));
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
                "FROM opensuse/leap\nRUN zypper -n install curl\n",
                "FROM opensuse/leap\nRUN zypper --non-interactive in curl\n",
                "FROM opensuse/leap\nRUN zypper install -y curl && zypper rm --no-confirm vim\n",
                "FROM opensuse/leap\nRUN zypper -nq patch\n",
                "FROM opensuse/leap\nRUN zypper refresh\n",
                "FROM opensuse/leap\nRUN zypper search install\n",
                "FROM opensuse/leap\nRUN zypper clean -a\n",
            ],
            &[
                "FROM opensuse/leap\nRUN ⟦zypper install curl⟧\n",
                "FROM opensuse/leap\nRUN zypper refresh && \\\n    ⟦zypper --root /target \\\n      in curl⟧\n",
                "FROM opensuse/leap\nRUN ⟦zypper rm vim⟧\n",
                "FROM opensuse/leap\nRUN ⟦zypper si kernel⟧\n",
                "FROM opensuse/leap\nRUN <<EOF\nset -e\n⟦zypper patch⟧\nEOF\n",
                "FROM opensuse/leap\nONBUILD RUN ⟦zypper install curl⟧\n",
                "FROM opensuse/leap\nRUN [\"sh\", \"-c\", \"⟦zypper install curl⟧\"]\n",
            ],
            &[
                ("FROM opensuse/leap\nRUN zypper install curl\n", "FROM opensuse/leap\nRUN zypper -n install curl\n"),
                (
                    "FROM opensuse/leap\nRUN zypper ref && sudo zypper \\\n  in curl\n",
                    "FROM opensuse/leap\nRUN zypper ref && sudo zypper -n \\\n  in curl\n",
                ),
            ],
        );
    }

    /// Safe: a build cannot answer the prompt.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM opensuse/leap\nRUN zypper install curl\n", "FROM opensuse/leap\nRUN zypper -n install curl\n")],
        );
    }
}
