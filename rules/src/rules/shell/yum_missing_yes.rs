//! ## What it does
//! Checks for `yum install` (and `groupinstall`, `localinstall`,
//! `group install`) without `-y` (or `--assumeyes`).
//!
//! ## Why is this bad?
//! yum asks "Is this ok [y/d/N]" before it installs anything. A build has no
//! terminal to answer, so yum reads end-of-file, takes it as "no" and exits
//! with "Exiting on user command": the build fails at that step.
//!
//! ## Example
//! ```dockerfile
//! FROM centos:7
//! RUN yum install httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd
//! ```
//!
//! ## Fix safety
//! The fix adds `-y` after the subcommand. It is safe: the build could not
//! answer the prompt anyway.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// `yum install` without `-y` stops at the confirmation prompt
    name: "yum-missing-yes", aliases: ["DL3030"], category: Shell, severity: Warning, fix: Always,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    let subcommands = &["install", "groupinstall", "localinstall"];
    for (cmd, sub) in support::rpm_prompts(script, &["yum"], subcommands, &["group", "groups"]) {
        ctx.report(cmd.range, format!("`yum {}` without `-y` aborts at the confirmation prompt", sub.text))
            .with_fix(support::add_yes(sub));
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
                "FROM centos\nRUN yum install -y httpd\n",
                "FROM centos\nRUN yum -y install httpd && yum clean all\n",
                "FROM centos\nRUN yum --assumeyes groupinstall 'Development Tools'\n",
                "FROM centos\nRUN yum makecache\n",
                "FROM centos\nRUN yum search install\n",
                "FROM centos\nRUN yum --setopt=assumeyes=1 install httpd\n",
                "FROM centos\nRUN yum install -qy httpd\n",
            ],
            &[
                "FROM centos\nRUN ⟦yum install httpd⟧\n",
                "FROM centos\nRUN yum makecache && \\\n    ⟦yum localinstall \\\n      /tmp/x.rpm⟧\n",
                "FROM centos\nRUN ⟦yum group install 'Development Tools'⟧\n",
                "FROM centos\nRUN ⟦yum --enablerepo epel install jq⟧\n",
                "FROM centos\nRUN <<EOF\nset -e\n⟦yum install httpd⟧\nEOF\n",
                "FROM centos\nONBUILD RUN ⟦yum install httpd⟧\n",
                "FROM centos\nRUN [\"sh\", \"-c\", \"⟦yum install httpd⟧\"]\n",
            ],
            &[
                ("FROM centos\nRUN yum install httpd\n", "FROM centos\nRUN yum install -y httpd\n"),
                (
                    "FROM centos\nRUN yum group install \\\n  'Development Tools'\n",
                    "FROM centos\nRUN yum group install -y \\\n  'Development Tools'\n",
                ),
                (
                    "FROM centos\nRUN yum install a && yum groupinstall b\n",
                    "FROM centos\nRUN yum install -y a && yum groupinstall -y b\n",
                ),
            ],
        );
    }

    /// Safe: a build cannot answer the prompt.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM centos\nRUN yum install httpd\n", "FROM centos\nRUN yum install -y httpd\n")],
        );
    }
}
