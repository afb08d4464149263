//! ## What it does
//! Checks for `dnf` or `microdnf` installs and upgrades in a RUN that does
//! not run `dnf clean all` (or `microdnf clean all`) afterwards.
//!
//! ## Why is this bad?
//! dnf keeps the repository metadata and the downloaded packages in
//! `/var/cache/dnf` (`/var/cache/yum` on older releases, `/var/cache/libdnf5`
//! with dnf5). The RUN's layer is committed with them, so the image carries
//! caches it will never use; cleaning in a later RUN cannot shrink it.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y httpd && dnf clean all
//! ```
//!
//! ## Fix safety
//! The fix appends ` && dnf clean all` (` && microdnf clean all` for
//! microdnf) after the RUN's last command (not to exec-form or heredoc
//! RUNs). It removes the repository metadata and downloaded packages, which
//! nothing in this RUN needs any more. It is safe when nothing later can
//! read them; it is unsafe when:
//! - a later RUN of the stage or of a stage built `FROM` it (or an ONBUILD
//!   trigger) runs dnf, microdnf or yum before cleaning itself: it fetches
//!   the metadata again, which fails with `--cacheonly` or without the
//!   network or credentials this RUN had, and on a build that reuses this
//!   RUN's cached layer can pick newer packages; so may a script or
//!   `make` dockside cannot see into, and a `COPY --from` of the cache;
//! - the RUN is an ONBUILD trigger (what follows it is in another
//!   Dockerfile);
//! - the install ran through `sudo`, in a `-c` string or a subshell, or by
//!   a path (`/usr/bin/dnf`): the appended command would not run the same
//!   way (without root, `clean all` fails);
//! - a `--mount` covers the cache.
//!
//! ## Notes
//! `install`, `upgrade`, `upgrade-minimal`, `reinstall` (and their aliases
//! `in`, `update`, `up`, `update-minimal`, `up-min`, `rei`), `groupinstall`, `localinstall` and `module`/`group install`
//! count. A `clean all` of dnf or yum after dnf, of microdnf after microdnf
//! (its cache is its own), an `rm` of the cache
//! directory and a `--mount=type=cache` (or `type=tmpfs`) on it are
//! accepted. The cleanup must come after the last install.
//! Only stages whose files can reach an image are checked: the final
//! stage, stages a later `FROM` builds on, stages a later `COPY --from`
//! copies the cache (or a parent) out of, and ONBUILD triggers.

use crate::diagnostic::Fix;
use crate::model::{Instruction, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};

use super::support;

declare_rule! {
    /// `dnf install` without `dnf clean all` leaves the cache in the layer
    name: "dnf-cache-not-cleaned", aliases: ["DL3040"], category: Size, severity: Warning,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const CACHE_DIRS: &[&str] = &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];
/// The front ends of dnf's cache (yum is dnf on Enterprise Linux 8 and later).
const FRONT_ENDS: &[&str] = &["dnf", "dnf5", "microdnf", "yum"];
const INSTALLS: &[&str] = &[
    "install",
    "in",
    "upgrade",
    "update",
    "up",
    "upgrade-minimal",
    "update-minimal",
    "up-min",
    "reinstall",
    "rei",
    "groupinstall",
    "localinstall",
];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) || !support::reaches_an_image(ctx.doc, run, CACHE_DIRS) {
        return;
    }
    // microdnf keeps its cache apart from dnf's (and yum's, which is dnf on
    // EL 8 and later): each front end's `clean all` empties its own.
    let is_microdnf = |c: &ShellCommand| c.base_name() == "microdnf";
    let uncleaned = |micro: bool| {
        support::last_uncleaned(
            script,
            |c| installs(c) && is_microdnf(c) == micro,
            |c| cleans_all(c) && is_microdnf(c) == micro,
            CACHE_DIRS,
        )
    };
    let Some(install) = [uncleaned(true), uncleaned(false)].into_iter().flatten().max_by_key(|c| c.range.start) else {
        return;
    };
    let tool = install.base_name();
    let clean = format!("{tool} clean all");
    let fix = support::append_command(run, &clean).map(|edit| {
        let dependence = Dependence {
            dirs: CACHE_DIRS,
            programs: FRONT_ENDS,
            reads: &|c| support::rpm_reads_cache(c, FRONT_ENDS),
            resets: &|c| cleans_all(c) || fix_safety::removes(c, CACHE_DIRS),
            memo: "dnf-cache",
        };
        let applicability = support::cleanup_applicability(ctx.doc, run, script, install, tool, &dependence);
        Fix::new(format!("Append `&& {clean}`"), applicability, vec![edit])
    });
    let diagnostic = ctx.report(
        install.range,
        format!("`{tool}` installs without a later `{tool} clean all`, which keeps the cache in the layer"),
    );
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

fn is_dnf(c: &ShellCommand) -> bool {
    matches!(c.base_name(), "dnf" | "dnf5" | "microdnf")
}

fn installs(c: &ShellCommand) -> bool {
    if !is_dnf(c) {
        return false;
    }
    match support::rpm_subcommand(c) {
        Some((_, sub)) if INSTALLS.contains(&sub.text.as_str()) => true,
        Some((i, sub)) if matches!(sub.text.as_str(), "module" | "group" | "groups") => c.args[i + 1..]
            .iter()
            .find(|a| !a.text.starts_with('-'))
            .is_some_and(|a| matches!(a.text.as_str(), "install" | "upgrade" | "update")),
        _ => false,
    }
}

/// `dnf clean all`, `microdnf clean all` or `yum clean all`.
fn cleans_all(c: &ShellCommand) -> bool {
    support::rpm_cleans_all(c, FRONT_ENDS)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM fedora\nRUN dnf install -y httpd && dnf clean all\n",
                "FROM fedora\nRUN microdnf install -y httpd && microdnf clean all\n",
                "FROM fedora\nRUN dnf -y upgrade && dnf -y install httpd && rm -rf /var/cache/dnf\n",
                "FROM fedora\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd\n",
                "FROM fedora\nRUN --mount=type=cache,target=/var/cache/libdnf5 --mount=type=cache,target=/var/cache/dnf dnf5 install -y httpd\n",
                "FROM fedora\nRUN dnf module enable -y nodejs:20\n",
                "FROM fedora\nRUN dnf makecache\n",
                // A build stage whose cache never reaches an image.
                "FROM fedora AS build\nRUN dnf install -y gcc && gcc -o /out/app app.c\nFROM fedora\nCOPY --from=build /out/app /usr/local/bin/app\n",
            ],
            &[
                "FROM fedora\nRUN ⟦dnf install -y httpd⟧\n",
                "FROM fedora\nRUN dnf clean all && ⟦dnf upgrade -y⟧\n",
                "FROM fedora:41\nRUN ⟦dnf -y upgrade-minimal⟧\n",
                "FROM fedora:41\nRUN ⟦dnf -y up-min⟧\n",
                "FROM fedora:41\nRUN ⟦dnf install -y mariadb-10.4⟧ && microdnf clean all\n",
                "FROM fedora\nRUN ⟦microdnf --setopt install_weak_deps=0 install -y httpd⟧ && microdnf clean packages\n",
                "FROM fedora\nRUN ⟦dnf module install -y nodejs:20⟧\n",
                "FROM fedora\nRUN <<EOF\n⟦dnf install -y httpd⟧\nEOF\n",
                "FROM fedora\nONBUILD RUN ⟦dnf install -y httpd⟧\n",
                "FROM fedora\nRUN [\"sh\", \"-c\", \"⟦dnf install -y httpd⟧\"]\n",
                "FROM fedora AS build\nRUN ⟦dnf install -y gcc⟧\nFROM fedora\nCOPY --from=build /var/cache /var/cache\n",
            ],
            &[
                ("FROM fedora\nRUN dnf install -y httpd\n", "FROM fedora\nRUN dnf install -y httpd && dnf clean all\n"),
                (
                    "FROM ubi9\nRUN microdnf install -y \\\n    httpd\n",
                    "FROM ubi9\nRUN microdnf install -y \\\n    httpd && microdnf clean all\n",
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
                ("FROM fedora\nRUN dnf install -y httpd\n", "FROM fedora\nRUN dnf install -y httpd && dnf clean all\n"),
                (
                    "FROM fedora AS a\nRUN dnf install -y httpd\nFROM a\nRUN dnf clean all && dnf install -y jq && dnf clean all\n",
                    "FROM fedora AS a\nRUN dnf install -y httpd && dnf clean all\nFROM a\nRUN dnf clean all && dnf install -y jq && dnf clean all\n",
                ),
                // A later dnf (or yum) reads the metadata; a script may.
                kept("FROM fedora\nRUN dnf install -y httpd\nRUN dnf -C install -y jq && dnf clean all\n"),
                kept("FROM fedora AS a\nRUN dnf install -y httpd\nFROM a\nRUN yum -y install jq && yum clean all\n"),
                kept("FROM fedora\nRUN dnf install -y httpd\nRUN ./setup.sh\n"),
                kept("FROM fedora\nRUN dnf install -y httpd\nONBUILD RUN dnf install -y jq\n"),
                kept("FROM fedora\nONBUILD RUN dnf install -y httpd\n"),
                kept(
                    "FROM fedora AS a\nRUN dnf install -y httpd\nFROM a\nFROM fedora\nCOPY --from=a /var/cache/dnf /var/cache/dnf\n",
                ),
                // The cleanup would not run as the install did.
                kept("FROM fedora\nUSER app\nRUN sudo dnf install -y httpd\n"),
                kept("FROM fedora\nRUN /usr/bin/dnf install -y httpd\n"),
                kept("FROM fedora\nRUN (dnf install -y httpd)\n"),
                kept("FROM fedora\nRUN --mount=type=bind,target=/var/cache/dnf/x dnf install -y httpd\n"),
            ],
        );
    }
}
