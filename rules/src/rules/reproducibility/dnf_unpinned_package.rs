//! ## What it does
//! Checks for packages in `dnf install` and `microdnf install` without a
//! version (`nginx` instead of `nginx-1.20.1`), and for modules in
//! `dnf module install` without a stream (`nodejs` instead of `nodejs:20`).
//!
//! ## Why is this bad?
//! dnf installs the newest package its repositories offer on the day of the
//! build. Fedora, RHEL and their rebuilds ship updates within a release, so
//! a rebuild can silently get a different version, and two images built from
//! the same Dockerfile no longer match.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:41
//! RUN dnf install -y nginx && dnf clean all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:41
//! RUN dnf install -y nginx-1.26.2 && dnf clean all
//! ```
//!
//! ## Notes
//! The version is the last `-` part of the argument when it starts with a
//! digit (`nginx-1.26.2`, `openssl-1:3.2.2-9.fc41`). hadolint accepts any `-`,
//! so it takes `python3-devel` or `java-17-openjdk` for pinned: these are
//! reported here. `.rpm` files and URLs, paths, capabilities
//! (`'dnf-command(config-manager)'`) and groups (`@development-tools`) are not
//! reported, nor are values of options such as `--enablerepo` or `--setopt`.
//! Each install command is reported once, with a related location per unpinned package (hadolint reports the RUN once), and a
//! variable is checked through the literal value the same `RUN` gave it
//! earlier (`PKGS='gcc make' && … $PKGS`; `export` and multi-line quoted
//! values too) or else its `ARG`/`ENV` value, and reported at its use
//! (`$PKGS`) with the packages it names; one with no known value (a command
//! substitution, a loop variable, an `ARG` without default) is not reported.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `dnf install` of a package without a version
    name: "dnf-unpinned-package", aliases: ["DL3041"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    super::support::check_rpm_installs(run, ctx, &["dnf", "dnf5", "microdnf"]);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM fedora\nRUN dnf install -y tomcat-9.0.1 openssl-1:1.1.1k && dnf clean all\n",
                "FROM fedora\nRUN microdnf install -y tomcat-9.0.1 && microdnf clean all\n",
                "FROM fedora\nRUN dnf install -y 'dnf-command(config-manager)' @development-tools /tmp/x.rpm\n",
                "FROM fedora\nRUN dnf --setopt=install_weak_deps=False --enablerepo crb install -y jq-1.7\n",
                "FROM fedora\nRUN dnf module install -y nodejs:20/common && microdnf module install -y php:8.2\n",
                "FROM fedora\nRUN dnf upgrade -y && dnf remove -y nginx && notdnf install nginx\n",
                "FROM fedora\nRUN dnf install -y $(cat pkgs.txt)\n",
                // ARG and ENV values reach the stages built on their stage.
                "FROM fedora AS base\nARG V=1.2\nFROM base\nRUN dnf install -y pkg-${V}\n",
                "FROM fedora AS base\nENV V=1.2\nFROM base AS mid\nFROM mid\nRUN dnf install -y pkg-${V}\n",
            ],
            &[
                "FROM fedora\nRUN dnf install -y ⟦nginx⟧ && dnf clean all\n",
                "FROM fedora\nRUN microdnf install -y ⟦nginx⟧\n",
                "FROM fedora\nRUN dnf install -y ⟦python3-devel⟧\n",
                "FROM fedora\nRUN dnf module install -y ⟦nodejs⟧\n",
                "FROM fedora\nRUN dnf -y --enablerepo crb install ⟦jq⟧\n",
                "FROM fedora\nRUN dnf install -y \\\n    jq-1.7 \\\n    ⟦nginx⟧\n",
                "FROM fedora\nRUN <<EOF\ndnf install -y ⟦nginx⟧\nEOF\n",
                "FROM fedora\nONBUILD RUN dnf install -y ⟦nginx⟧\n",
                "FROM fedora\nRUN [\"sh\", \"-c\", \"microdnf install -y ⟦nginx⟧\"]\n",
                // An ENV of an unrelated stage is not in scope: `pkg-`.
                "FROM fedora AS a\nENV V=1.2\nFROM fedora AS b\nRUN dnf install -y ⟦pkg-${V}⟧\n",
            ],
            &[],
        );
    }
}
