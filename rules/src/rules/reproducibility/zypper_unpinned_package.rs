//! ## What it does
//! Checks for packages in `zypper install` (or `zypper in`) without a
//! version (`curl` instead of `curl=8.6.0`).
//!
//! ## Why is this bad?
//! zypper installs the newest package its repositories offer on the day of
//! the build. openSUSE and SLES publish updates within a release, so a
//! rebuild can silently get a different version, and two images built from
//! the same Dockerfile no longer match.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl && zypper clean --all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
//! ```
//!
//! ## Notes
//! An operator (`=`, `>=`, `<`...) pins the package, as in hadolint, and so
//! does zypper's `name-version` form (`curl-8.6.0`), which hadolint reports.
//! `.rpm` files, paths and capabilities are not reported, nor are patterns,
//! patches and products (`-t pattern devel_basis`). Values of options such as
//! `--repo`, `--from` and `--root` are not packages. Each install command is reported once, with a related location
//! per unpinned package (hadolint reports the RUN once), and a variable is checked
//! through the literal value the same `RUN` gave it earlier (`PKGS='gcc make'
//! && … $PKGS`; `export` and multi-line quoted values too) or else its
//! `ARG`/`ENV` value, and reported at its use (`$PKGS`) with the packages it
//! names; one with no known value (a command substitution, a loop variable, an
//! `ARG` without default) is not reported.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `zypper install` of a package without a version
    name: "zypper-unpinned-package", aliases: ["DL3037"], category: Reproducibility,
    severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const ZYPPER: Cli = Cli {
    short: &['t', 'r', 'p', 'R', 'c', 'D'],
    long: &[
        "type",
        "repo",
        "from",
        "plus-repo",
        "plus-content",
        "root",
        "installroot",
        "config",
        "reposd-dir",
        "cache-dir",
        "raw-cache-dir",
        "solv-cache-dir",
        "pkg-cache-dir",
        "releasever",
        "download",
        "userdata",
    ],
    single_word: false,
    long_prefixes: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    for cmd in script.commands_named(&["zypper"]) {
        let line = ZYPPER.read(&cmd.args);
        let Some(packages) = line.after(&[&["install"], &["in"]]) else { continue };
        if line.option(&["t", "type"]).and_then(|o| o.value).is_some_and(|t| t != "package") {
            continue;
        }
        let found = support::unpinned(ctx, run, packages.iter().copied(), pinned);
        support::report(ctx, found, "=<version>");
    }
}

fn pinned(package: &str) -> bool {
    package.contains(['=', '<', '>', '/', '(']) || package.ends_with(".rpm") || support::rpm_has_version(package)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM opensuse/leap\nRUN zypper install -y curl=8.6.0 'git>=2.43' 'vim<10' wget-1.21\n",
                "FROM opensuse/leap\nRUN zypper in -y /tmp/pkg.rpm https://example.com/x.rpm\n",
                "FROM opensuse/leap\nRUN zypper -n in -t pattern devel_basis\n",
                "FROM opensuse/leap\nRUN zypper --root /mnt -n install --from repo-oss curl=8.6.0\n",
                "FROM opensuse/leap\nRUN zypper refresh && zypper remove -y curl && zypper clean\n",
                "FROM opensuse/leap\nRUN zypper in -y $PKGS\n",
            ],
            &[
                "FROM opensuse/leap\nRUN zypper install -y ⟦curl⟧\n",
                "FROM opensuse/leap\nRUN zypper --non-interactive in --no-recommends ⟦curl⟧\n",
                "FROM opensuse/leap\nRUN zypper -n in -t package ⟦curl⟧\n",
                "FROM opensuse/leap\nRUN zypper -n in -r repo-oss ⟦curl⟧\n",
                "FROM opensuse/leap\nRUN zypper in -y \\\n    curl=8.6.0 \\\n    ⟦git⟧\n",
                "FROM opensuse/leap\nRUN <<EOF\nzypper in -y ⟦curl⟧\nEOF\n",
                "FROM opensuse/leap\nONBUILD RUN zypper in -y ⟦curl⟧\n",
                "FROM opensuse/leap\nRUN [\"sh\", \"-c\", \"zypper in -y ⟦curl⟧\"]\n",
            ],
            &[],
        );
    }
}
