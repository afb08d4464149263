//! ## What it does
//! Checks for `dnf install` and `microdnf install` (and `groupinstall`,
//! `localinstall`, `group install`, `module install`) without `-y` (or
//! `--assumeyes`).
//!
//! ## Why is this bad?
//! dnf asks "Is this ok [y/N]" before it changes anything. A build has no
//! terminal to answer, so dnf reads end-of-file, takes it as "no" and
//! stops with "Operation aborted": the build fails at that step. Newer
//! microdnf releases ask the same question.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y httpd
//! ```
//!
//! ## Fix safety
//! The fix adds `-y` after the subcommand. It is safe: the build could not
//! answer the prompt anyway.

use crate::diagnostic::{Category, Edit, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

use super::support::{self, assumes_yes_rpm, prompting_subcommand};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "dnf-missing-yes",
        aliases: &["DL3038"],
        category: Category::Shell,
        severity: Severity::Warning,
        fix: FixAvailability::Always,
        summary: "`dnf install` without `-y` stops at the confirmation prompt",
        source: include_str!("dnf_missing_yes.rs"),
        path: "rules/src/rules/shell/dnf_missing_yes.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

/// dnf's and microdnf's options that take a separate value.
const VALUE_FLAGS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "-R",
    "--randomwait",
    "-x",
    "--exclude",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "--installroot",
    "--releasever",
    "--setopt",
    "--disableplugin",
    "--enableplugin",
    "--forcearch",
];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for cmd in script.commands_named(&["dnf", "microdnf", "dnf5"]) {
        let Some(sub) = prompting_subcommand(
            cmd,
            VALUE_FLAGS,
            &["install", "groupinstall", "localinstall"],
            &["group", "groups", "module"],
        ) else {
            continue;
        };
        if !assumes_yes_rpm(cmd) {
            ctx.report(
                cmd.range,
                format!("`{} {}` without `-y` aborts at the confirmation prompt", cmd.base_name(), sub.text),
            )
            .with_fix(Fix::safe("Add `-y`", vec![Edit::insert(sub.range.end, " -y")]));
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
                "FROM fedora\nRUN dnf install -y httpd\n",
                "FROM fedora\nRUN dnf -y install httpd && dnf clean all\n",
                "FROM fedora\nRUN microdnf --assumeyes install httpd\n",
                "FROM fedora\nRUN dnf makecache\n",
                "FROM fedora\nRUN dnf search install\n",
                "FROM fedora\nRUN dnf module enable nodejs:20\n",
                "FROM fedora\nRUN dnf --setopt=assumeyes=True install httpd\n",
            ],
            &[
                "FROM fedora\nRUN ⟦dnf install httpd⟧\n",
                "FROM fedora\nRUN ⟦microdnf install httpd⟧ && microdnf clean all\n",
                "FROM fedora\nRUN dnf makecache && \\\n    ⟦dnf localinstall \\\n      /tmp/x.rpm⟧\n",
                "FROM fedora\nRUN ⟦dnf module install nodejs:20⟧\n",
                "FROM fedora\nRUN ⟦dnf --setopt install_weak_deps=False install jq⟧\n",
                "FROM fedora\nRUN <<EOF\nset -e\n⟦dnf groupinstall 'Development Tools'⟧\nEOF\n",
                "FROM fedora\nONBUILD RUN ⟦dnf install httpd⟧\n",
                "FROM fedora\nRUN [\"sh\", \"-c\", \"⟦dnf install httpd⟧\"]\n",
            ],
            &[
                ("FROM fedora\nRUN dnf install httpd\n", "FROM fedora\nRUN dnf install -y httpd\n"),
                (
                    "FROM fedora\nRUN microdnf install \\\n  httpd\n",
                    "FROM fedora\nRUN microdnf install -y \\\n  httpd\n",
                ),
                ("FROM fedora\nRUN dnf group install x\n", "FROM fedora\nRUN dnf group install -y x\n"),
            ],
        );
    }

    /// Safe: a build cannot answer the prompt.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM fedora\nRUN dnf install httpd\n", "FROM fedora\nRUN dnf install -y httpd\n")],
        );
    }
}
