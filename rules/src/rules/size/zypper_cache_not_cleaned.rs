//! ## What it does
//! Checks for `zypper install` in a RUN that does not run `zypper clean`
//! afterwards.
//!
//! ## Why is this bad?
//! zypper keeps the repository metadata and the downloaded packages in
//! `/var/cache/zypp`. The RUN's layer is committed with them, so the image
//! carries caches it will never use, and cleaning in a later RUN cannot
//! shrink it.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl && zypper clean --all
//! ```
//!
//! ## Fix safety
//! The fix appends ` && zypper clean` after the RUN's last command (not to
//! exec-form or heredoc RUNs). It removes the downloaded packages, which
//! nothing in this RUN needs any more. It is safe when nothing later can
//! read them; it is unsafe when:
//! - a later RUN of the stage or of a stage built `FROM` it (or an ONBUILD
//!   trigger) runs zypper before cleaning itself (it would download again,
//!   which fails without the network or credentials this RUN had); so may
//!   a script or `make` dockside cannot see into, and a `COPY --from` of the
//!   cache;
//! - the RUN is an ONBUILD trigger (what follows it is in another
//!   Dockerfile);
//! - the install ran through `sudo`, in a `-c` string or a subshell, or by
//!   a path: the appended command would not run the same way;
//! - a `--mount` covers the cache.
//!
//! ## Notes
//! `zypper clean` and its alias `zypper cc` are accepted, as are an `rm` of
//! `/var/cache/zypp` and a `--mount=type=cache` (or `type=tmpfs`) on it (or
//! a parent). The cleanup must come after the last install.
//! Only stages whose files can reach an image are checked: the final
//! stage, stages a later `FROM` builds on, stages a later `COPY --from`
//! copies the cache (or a parent) out of, and ONBUILD triggers.

use crate::diagnostic::Fix;
use crate::model::{Instruction, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};

use super::support;

declare_rule! {
    /// `zypper install` without `zypper clean` leaves the cache in the layer
    name: "zypper-cache-not-cleaned", aliases: ["DL3036"], category: Size, severity: Warning,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// zypper's global options that take a separate value.
const VALUE_FLAGS: &[&str] = crate::rules::package_cli::ZYPPER_VALUE_OPTIONS;

const CACHE_DIRS: &[&str] = &["/var/cache/zypp"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) || !support::reaches_an_image(ctx.doc, run, CACHE_DIRS) {
        return;
    }
    let zypper = |names: &'static [&'static str]| {
        move |c: &ShellCommand| c.base_name() == "zypper" && support::subcommand_in(c, VALUE_FLAGS, names).is_some()
    };
    let Some(install) =
        support::last_uncleaned(script, zypper(&["install", "in"]), zypper(&["clean", "cc"]), CACHE_DIRS)
    else {
        return;
    };
    let fix = support::append_command(run, "zypper clean").map(|edit| {
        let reads = |c: &ShellCommand| {
            c.base_name() == "zypper"
                && support::subcommand(c, VALUE_FLAGS)
                    .is_some_and(|(_, sub)| !matches!(sub.text.as_str(), "clean" | "cc"))
        };
        let cleans = zypper(&["clean", "cc"]);
        let dependence = Dependence {
            dirs: CACHE_DIRS,
            programs: &["zypper"],
            reads: &reads,
            resets: &|c| cleans(c) || fix_safety::removes(c, CACHE_DIRS),
            memo: "zypper-cache",
        };
        let applicability = support::cleanup_applicability(ctx.doc, run, script, install, "zypper", &dependence);
        Fix::new("Append `&& zypper clean`", applicability, vec![edit])
    });
    let diagnostic =
        ctx.report(install.range, "`zypper install` without a later `zypper clean` keeps the cache in the layer");
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
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
                "FROM opensuse/leap\nRUN zypper install -y curl && zypper clean\n",
                "FROM opensuse/leap\nRUN zypper -n in curl && zypper cc -a\n",
                "FROM opensuse/leap\nRUN zypper --non-interactive install curl; rm -rf /var/cache/zypp/*\n",
                "FROM opensuse/leap\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl\n",
                "FROM opensuse/leap\nRUN zypper refresh\n",
                // A build stage whose cache never reaches an image.
                "FROM opensuse/leap AS build\nRUN zypper -n in gcc && make\nFROM opensuse/leap\nCOPY --from=build /out /out\n",
            ],
            &[
                "FROM opensuse/leap\nRUN ⟦zypper install -y curl⟧\n",
                "FROM opensuse/leap AS build\nRUN ⟦zypper -n in gcc⟧\nFROM scratch\nCOPY --from=build / /\n",
                "FROM opensuse/leap\nRUN zypper clean && ⟦zypper -n in curl⟧\n",
                "FROM opensuse/leap\nRUN ⟦zypper --root /mnt install -y curl⟧\n",
                "FROM opensuse/leap\nRUN <<EOF\n⟦zypper -n install curl⟧\nEOF\n",
                "FROM opensuse/leap\nONBUILD RUN ⟦zypper -n install curl⟧\n",
                "FROM opensuse/leap\nRUN [\"sh\", \"-c\", \"⟦zypper -n install curl⟧\"]\n",
            ],
            &[
                (
                    "FROM opensuse/leap\nRUN zypper -n install curl\n",
                    "FROM opensuse/leap\nRUN zypper -n install curl && zypper clean\n",
                ),
                (
                    "FROM opensuse/leap\nRUN zypper -n install \\\n      curl \\\n      git\n",
                    "FROM opensuse/leap\nRUN zypper -n install \\\n      curl \\\n      git && zypper clean\n",
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
                (
                    "FROM opensuse/leap\nRUN zypper -n install curl\nRUN useradd app\n",
                    "FROM opensuse/leap\nRUN zypper -n install curl && zypper clean\nRUN useradd app\n",
                ),
                kept(
                    "FROM opensuse/leap\nRUN zypper -n install curl\nRUN zypper -n install --no-refresh git && zypper clean\n",
                ),
                kept("FROM opensuse/leap\nRUN zypper -n install curl\nRUN ./install.sh\n"),
                kept("FROM opensuse/leap\nONBUILD RUN zypper -n install curl\n"),
                kept("FROM opensuse/leap\nRUN sudo zypper -n install curl\n"),
            ],
        );
    }
}
