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
//! The fix appends ` && yum clean all` after the RUN's last command (not to
//! exec-form or heredoc RUNs). It removes the repository metadata and
//! downloaded packages, which nothing in this RUN needs any more. It is
//! safe when nothing later can read them; it is unsafe when:
//! - a later RUN of the stage or of a stage built `FROM` it (or an ONBUILD
//!   trigger) runs yum or dnf before cleaning itself: it fetches the
//!   metadata again, which fails with `-C` or without the network or
//!   credentials this RUN had, and on a build that reuses this RUN's cached
//!   layer can pick newer packages; so may a script or `make` dockside
//!   cannot see into, and a `COPY --from` of the cache;
//! - the RUN is an ONBUILD trigger (what follows it is in another
//!   Dockerfile);
//! - the install ran through `sudo`, in a `-c` string or a subshell, or by
//!   a path: the appended command would not run the same way (without
//!   root, `yum clean all` fails);
//! - a `--mount` covers the cache.
//!
//! ## Notes
//! `groupinstall` and `localinstall` count as installs too. `dnf clean all`
//! (yum is dnf on newer distributions), an `rm` of `/var/cache/yum` or
//! `/var/cache/dnf`, and a `--mount=type=cache` (or `type=tmpfs`) on one of
//! them are accepted. The cleanup must come after the last install; hadolint
//! accepts it anywhere in the RUN, and accepts no `rm` or cache mount.
//! Only stages whose files can reach an image are checked: the final
//! stage, stages a later `FROM` builds on, stages a later `COPY --from`
//! copies the cache (or a parent) out of, and ONBUILD triggers.

use crate::diagnostic::Fix;
use crate::model::{Instruction, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};

use super::support;

declare_rule! {
    /// `yum install` without `yum clean all` leaves the cache in the layer
    name: "yum-cache-not-cleaned", aliases: ["DL3032"], category: Size, severity: Warning,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const CACHE_DIRS: &[&str] = &["/var/cache/yum", "/var/cache/dnf"];
/// The front ends that read yum's cache.
const READERS: &[&str] = &["yum", "dnf", "microdnf"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) || !support::reaches_an_image(ctx.doc, run, CACHE_DIRS) {
        return;
    }
    let is_install = |c: &ShellCommand| {
        c.base_name() == "yum"
            && support::rpm_subcommand(c)
                .is_some_and(|(_, sub)| matches!(sub.text.as_str(), "install" | "groupinstall" | "localinstall"))
    };
    let Some(install) = support::last_uncleaned(script, is_install, cleans_all, CACHE_DIRS) else { return };
    let fix = support::append_command(run, "yum clean all").map(|edit| {
        let dependence = Dependence {
            dirs: CACHE_DIRS,
            programs: READERS,
            reads: &|c| support::rpm_reads_cache(c, READERS),
            resets: &|c| cleans_all(c) || fix_safety::removes(c, CACHE_DIRS),
            memo: "yum-cache",
        };
        let applicability = support::cleanup_applicability(ctx.doc, run, script, install, "yum", &dependence);
        Fix::new("Append `&& yum clean all`", applicability, vec![edit])
    });
    let diagnostic =
        ctx.report(install.range, "`yum install` without a later `yum clean all` keeps the cache in the layer");
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// `yum clean all` or `dnf clean all`.
fn cleans_all(c: &ShellCommand) -> bool {
    support::rpm_cleans_all(c, &["yum", "dnf"])
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

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
                // A build stage whose cache never reaches an image.
                "FROM centos AS build\nRUN yum install -y gcc && make\nFROM centos\nCOPY --from=build /out /out\n",
            ],
            &[
                "FROM centos\nRUN ⟦yum install -y httpd⟧\n",
                "FROM centos AS base\nRUN ⟦yum install -y httpd⟧\nFROM base\n",
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

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM centos\nRUN yum install -y httpd\n", "FROM centos\nRUN yum install -y httpd && yum clean all\n"),
                (
                    "FROM centos\nRUN yum install -y httpd\nRUN rm -rf /var/cache/yum && yum -y install jq && yum clean all\n",
                    "FROM centos\nRUN yum install -y httpd && yum clean all\nRUN rm -rf /var/cache/yum && yum -y install jq && yum clean all\n",
                ),
                kept("FROM centos\nRUN yum install -y httpd\nRUN yum -C -y install jq && yum clean all\n"),
                kept("FROM centos AS a\nRUN yum install -y httpd\nFROM a\nRUN make install\n"),
                kept("FROM centos\nONBUILD RUN yum install -y httpd\n"),
                kept("FROM centos\nUSER app\nRUN sudo yum install -y httpd\n"),
                kept("FROM centos\nRUN bash -c 'yum install -y httpd'\n"),
            ],
        );
    }
}
