//! ## What it does
//! Checks for packages in `yum install` without a version (`httpd` instead
//! of `httpd-2.4.6`), and for modules in `yum module install` without a
//! stream (`nodejs` instead of `nodejs:18`).
//!
//! ## Why is this bad?
//! yum installs the newest package its repositories offer on the day of the
//! build. Distributions publish updates within a release, so a rebuild can
//! silently get a different version, and two images built from the same
//! Dockerfile no longer match.
//!
//! ## Example
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd && yum clean all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd-2.4.6 && yum clean all
//! ```
//!
//! ## Notes
//! The version is the last `-` part of the argument when it starts with a
//! digit (`httpd-2.4.6`, `openssl-1:1.0.2k-26.el7`). hadolint accepts any `-`,
//! so it takes `python3-devel` or `java-11-openjdk` for pinned: these are
//! reported here. `.rpm` files and URLs, paths, capabilities (`perl(JSON)`)
//! and groups (`@development`) are not reported, nor are values of options
//! such as `--enablerepo` or `--setopt`. A variable declared by `ARG`/`ENV` is
//! checked through its value: hadolint accepts any declared variable, so `ENV
//! PKG=httpd` + `yum install $PKG` passes there but is reported here. A
//! variable set to a literal earlier in the same `RUN` (`PKGS='httpd' && …
//! $PKGS`) is checked through that value and reported at its use; one without
//! a known value (an `ARG` without default, a command substitution) is
//! accepted. Each install command is reported once, with a related location per unpinned package (hadolint reports the RUN
//! once).

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `yum install` of a package without a version
    name: "yum-unpinned-package", aliases: ["DL3033"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    super::support::check_rpm_installs(run, ctx, &["yum"]);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM centos\nRUN yum install -y tomcat-9.2 openssl-1:1.1.1k bash-4.2.46-35.el7_9 && yum clean all\n",
                "FROM centos\nRUN yum install -y https://example.com/epel-release-latest-7.noarch.rpm /tmp/x.rpm\n",
                "FROM centos\nRUN yum install -y @development 'perl(JSON)' /usr/bin/python3\n",
                "FROM centos\nRUN yum --enablerepo epel --setopt tsflags=nodocs install -y jq-1.6\n",
                "FROM centos\nRUN yum module install -y nodejs:18 && yum module enable php\n",
                "FROM centos\nRUN yum update -y && yum remove -y httpd\n",
                "FROM centos\nARG PKG\nRUN yum install -y $PKG\n",
                "FROM centos\nRUN PKG=$(cat pkgs) && yum install -y \"$PKG\"\n",
                "FROM centos\nENV JQ=jq-1.6\nRUN yum install -y ${JQ}\n",
            ],
            &[
                "FROM centos\nRUN yum install -y ⟦httpd⟧ && yum clean all\n",
                "FROM centos\nRUN yum install -y ⟦python3-devel java-11-openjdk⟧\n",
                "FROM centos\nRUN yum -y --enablerepo epel install ⟦jq⟧\n",
                "FROM centos\nRUN yum module install -y ⟦nodejs⟧\n",
                "FROM centos\nRUN yum install -y \\\n    jq-1.6 \\\n    ⟦httpd⟧\n",
                "FROM centos\nRUN <<EOF\nyum install -y ⟦httpd⟧\nEOF\n",
                "FROM centos\nONBUILD RUN yum install -y ⟦httpd⟧\n",
                "FROM centos\nRUN [\"sh\", \"-c\", \"yum install -y ⟦httpd⟧\"]\n",
                "FROM centos\nENV PKG=httpd\nRUN yum install -y ⟦$PKG⟧\n",
                "FROM centos\nRUN PKG=httpd && yum install -y ⟦\"$PKG\"⟧\n",
            ],
            &[],
        );
    }
}
