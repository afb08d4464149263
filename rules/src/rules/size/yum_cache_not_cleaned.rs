//! ## What it does
//! Checks for `yum install` in a RUN that does not run `yum clean all`
//! afterwards.
//!
//! ## Why is this bad?
//! yum keeps the repository metadata it downloaded, and often the packages
//! themselves, in `/var/cache/yum`. The RUN's layer is committed with
//! everything still there, so the image carries tens or hundreds of
//! megabytes nobody will use; cleaning in a later RUN cannot shrink it.
//!
//! ## Example
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd && yum clean all
//! ```
//!
//! ## Fix safety
//! The fix appends ` && yum clean all` after the RUN's last command. It is
//! safe: only caches are removed, and yum downloads fresh metadata the next
//! time it needs it. There is no fix for exec-form or heredoc RUNs.
//!
//! ## Notes
//! `groupinstall` and `localinstall` count as installs too. `dnf clean all`
//! (yum is dnf on newer distributions), an `rm` of `/var/cache/yum` or
//! `/var/cache/dnf`, and a `--mount=type=cache` (or `type=tmpfs`) on one of
//! them are accepted. The cleanup must come after the last install; hadolint
//! accepts it anywhere in the RUN, and accepts no `rm` or cache mount.

use crate::diagnostic::{Category, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind, ShellCommand};
use crate::registry::{FixAvailability, RuleMeta};

use super::support;

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "yum-cache-not-cleaned",
        aliases: &["DL3032"],
        category: Category::Size,
        severity: Severity::Warning,
        fix: FixAvailability::Sometimes,
        summary: "`yum install` without `yum clean all` leaves the cache in the layer",
        source: include_str!("yum_cache_not_cleaned.rs"),
        path: "rules/src/rules/size/yum_cache_not_cleaned.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

/// yum and dnf options that take a separate value.
pub(super) const VALUE_FLAGS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--installroot",
    "--releasever",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-x",
    "--exclude",
    "--setopt",
    "--downloaddir",
    "--destdir",
    "--forcearch",
];

const CACHE_DIRS: &[&str] = &["/var/cache/yum", "/var/cache/dnf"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = &run.script else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) {
        return;
    }
    let is_install = |c: &ShellCommand| {
        c.base_name() == "yum"
            && support::subcommand_in(c, VALUE_FLAGS, &["install", "groupinstall", "localinstall"]).is_some()
    };
    let Some(install) = support::last_uncleaned(script, is_install, cleans_all, CACHE_DIRS) else { return };
    let diagnostic =
        ctx.report(install.range, "`yum install` without a later `yum clean all` keeps the cache in the layer");
    if let Some(edit) = support::append_command(run, "yum clean all") {
        diagnostic.with_fix(Fix::safe("Append `&& yum clean all`", vec![edit]));
    }
}

/// `yum clean all` or `dnf clean all`.
fn cleans_all(c: &ShellCommand) -> bool {
    matches!(c.base_name(), "yum" | "dnf")
        && support::subcommand(c, VALUE_FLAGS)
            .is_some_and(|(i, sub)| sub.text == "clean" && c.args[i + 1..].iter().any(|a| a.text == "all"))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM centos\nRUN yum install -y httpd && yum clean all\n",
                "FROM centos\nRUN yum -y install httpd \\\n && yum -y clean all \\\n && rm -rf /var/cache/yum\n",
                "FROM centos\nRUN yum install -y httpd && rm -rf /var/cache/yum/*\n",
                "FROM centos\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd\n",
                "FROM centos\nRUN yum makecache\n",
                "FROM centos\nRUN yum-config-manager --enable x\n",
            ],
            &[
                "FROM centos\nRUN ⟦yum install -y httpd⟧\n",
                "FROM centos\nRUN yum clean all && ⟦yum install -y httpd⟧\n",
                "FROM centos\nRUN ⟦yum --enablerepo epel install -y jq⟧ && yum clean metadata\n",
                "FROM centos\nRUN ⟦yum localinstall -y ./x.rpm⟧\n",
                "FROM centos\nRUN <<EOF\n⟦yum install -y httpd⟧\nEOF\n",
                "FROM centos\nONBUILD RUN ⟦yum install -y httpd⟧\n",
                "FROM centos\nRUN [\"sh\", \"-c\", \"⟦yum install -y httpd⟧\"]\n",
            ],
            &[
                ("FROM centos\nRUN yum install -y httpd\n", "FROM centos\nRUN yum install -y httpd && yum clean all\n"),
                (
                    "FROM centos\nRUN set -ex; \\\n    yum install -y httpd; \\\n    echo done\n",
                    "FROM centos\nRUN set -ex; \\\n    yum install -y httpd; \\\n    echo done && yum clean all\n",
                ),
            ],
        );
    }
}
