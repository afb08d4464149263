//! ## What it does
//! Checks for packages in `apt-get install` without a version
//! (`curl` instead of `curl=7.88.1-10+deb12u5`).
//!
//! ## Why is this bad?
//! Without a version, apt installs whatever the package index offers on the
//! day of the build. A rebuild months later gets newer packages with
//! different behaviour or new bugs, and two images built from the same
//! Dockerfile no longer match, which makes a regression hard to trace.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
//! ```
//!
//! ## Notes
//! A release (`curl/bookworm-backports`) and a `.deb` file count as pinned, as
//! in hadolint. Each install command is reported once, naming every unpinned
//! package, with a related location per package (hadolint reports the RUN
//! once). Values of `-t`, `-o`, `-c` and `-a` are not packages.
//! A variable is checked through the literal value the same `RUN` gave it
//! earlier (`PKGS='gcc make' && … $PKGS`; `export` and multi-line quoted
//! values too) or else its `ARG`/`ENV` value, and reported at its use
//! (`$PKGS`) with the packages it names; one with no known value (a command
//! substitution, a loop variable, an `ARG` without default) is not reported,
//! while hadolint reports it. Commands behind `sudo` or with a path
//! (`/usr/bin/apt-get`) are checked too.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `apt-get install` of a package without a version
    name: "apt-get-unpinned-package", aliases: ["DL3008"], category: Reproducibility,
    severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const APT_GET: Cli = Cli {
    short: &['t', 'o', 'c', 'a'],
    long: &["target-release", "default-release", "option", "config-file", "host-architecture"],
    single_word: false,
    long_prefixes: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    for cmd in script.commands_named(&["apt-get"]) {
        let line = APT_GET.read(&cmd.args);
        let Some(packages) = line.after(&[&["install"]]) else { continue };
        let found = support::unpinned(ctx, run, packages.iter().copied(), pinned);
        support::report(ctx, found, "=<version>");
    }
}

/// `pkg=version`, `pkg/release`, a `.deb` file; `pkg-` removes a package.
fn pinned(package: &str) -> bool {
    package.contains(['=', '/']) || package.ends_with(".deb") || package.ends_with('-')
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN apt-get install -y curl=7.88.1-10\n",
                "FROM debian\nRUN apt-get install -y -t bookworm-backports curl=8.0 git/bookworm-backports\n",
                "FROM debian\nRUN apt-get install -y ./pkg.deb /tmp/other.deb\n",
                "FROM debian\nRUN apt-get update && apt-get -o Dpkg::Options::=--force-confold upgrade -y\n",
                "FROM debian\nRUN apt-get -y --target-release bookworm install curl=1\n",
                "FROM debian\nRUN apt-get install -y \"$(cat packages.txt)\"\n",
                "FROM debian\nRUN PKGS='curl=1 git=2' && apt-get install -y $PKGS\n",
                "FROM debian\nRUN PKGS=$(cat list) && apt-get install -y $PKGS\n",
                "FROM debian\nENV PKGS=git\nRUN PKGS=\"$(cat list)\" && apt-get install -y $PKGS\n",
                "FROM debian\nRUN apt-get install -y $PKGS; PKGS='curl'\n",
                "FROM debian\nRUN (PKGS=curl) && apt-get install -y $PKGS\n",
                "FROM debian\nRUN true || PKGS=curl; apt-get install -y $PKGS\n",
                "FROM debian\nRUN PKGS=curl apt-get install -y $PKGS\n",
                "FROM debian\nRUN for p in curl git; do apt-get install -y $p; done\n",
                "FROM debian\nRUN PKGS=curl && read PKGS < f && apt-get install -y $PKGS\n",
                "FROM debian\nRUN PKGS=curl && apt-get install -y '$PKGS'\n",
                "FROM debian\nARG CURL_VERSION\nRUN apt-get install -y curl=$CURL_VERSION\n",
                "FROM debian\nARG PKGS=\"curl=1 git=2\"\nRUN apt-get install -y $PKGS\n",
                "FROM debian\nRUN apt-cache policy curl && apt install curl\n",
                "FROM debian\nRUN apt-get install -y\n",
                "FROM debian\nRUN sh -c 'apt-get install -y curl=1'\n",
                // Expanded before it runs: not parsed.
                "FROM debian\nRUN sh -c \"apt-get install -y curl $EXTRA\"\n",
            ],
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y ⟦curl⟧\n",
                "FROM debian\nRUN apt-get install -y curl=1 ⟦git⟧\n",
                "FROM debian\nRUN apt-get install -t bookworm-backports ⟦curl⟧\n",
                "FROM debian\nRUN apt-get -qq -o Acquire::Retries=3 install ⟦curl⟧\n",
                "FROM debian\nRUN apt-get update \\\n  && apt-get install -y \\\n    ⟦ca-certificates⟧ \\\n    curl=1\n",
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y ⟦curl⟧\nEOF\n",
                "FROM debian\nONBUILD RUN apt-get install -y ⟦curl⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"apt-get install -y ⟦curl⟧\"]\n",
                "FROM debian\nRUN sudo /usr/bin/apt-get install -y ⟦curl⟧\n",
                "FROM debian\nRUN sh -c 'apt-get update && apt-get install -y ⟦curl⟧'\n",
                "FROM debian\nRUN /bin/bash -xc \\\n  \"apt-get install -y \\\n    ⟦git⟧\"\n",
                "FROM debian\nENV PKGS=\"curl=1 git\"\nRUN apt-get install -y ⟦$PKGS⟧\n",
                "FROM debian\nRUN PKGS='curl git' && apt-get install -y ⟦$PKGS⟧\n",
                "FROM debian\nRUN buildDeps=\"gcc make\" ; apt-get install -y ⟦\"$buildDeps\"⟧\n",
                "FROM debian\nRUN export DEPS='gcc' && apt-get update && apt-get install -y ⟦${DEPS}⟧\n",
                "FROM debian\nRUN set -ex; buildDeps=' \\\n    gcc \\\n    make ' \\\n && apt-get install -y ⟦$buildDeps⟧\n",
                "FROM debian\nENV PKGS=\"curl=1\"\nRUN PKGS='git' && apt-get install -y ⟦$PKGS⟧\n",
                "FROM debian\nARG V=1\nRUN PKGS=\"curl=$V\" && DEPS='git' && apt-get install -y ⟦$DEPS⟧ $PKGS\n",
                // One finding per command, over all of its unpinned packages.
                "FROM debian\nRUN apt-get install -y ⟦curl \\\n  git=1 \\\n  wget⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn one_diagnostic_per_install_command() {
        let doc = crate::model::Document::parse(
            "FROM debian\nARG P=\"gcc make=4\"\nRUN apt-get install -y curl git wget=1 \"$P\" && apt-get install -y jq\n",
        );
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "3 packages are installed without a version: `curl`, `git`, `$P`; pin each as `<package>=<version>`",
                "`jq` is installed without a version; pin it as `jq=<version>`",
            ]
        );
        // From the first unpinned operand to the last, one related location each.
        let t = doc.text();
        assert_eq!(&t[found[0].range.as_range()], "curl git wget=1 \"$P\"");
        let related: Vec<(&str, &str)> =
            found[0].related.iter().map(|r| (&t[r.range.as_range()], r.message.as_str())).collect();
        assert_eq!(
            related,
            [
                ("curl", "`curl` has no version"),
                ("git", "`git` has no version"),
                ("\"$P\"", "`$P` installs `gcc` without a version"),
            ]
        );
        assert!(found[1].related.is_empty());
    }

    #[test]
    fn names_the_packages_of_a_script_variable() {
        let doc = crate::model::Document::parse(
            "FROM debian\nRUN buildDeps='gcc make=4.3' && apt-get install -y $buildDeps && apt-get purge $buildDeps\n",
        );
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "`$buildDeps` installs `gcc` without a version; pin it as `<package>=<version>`");
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn names_the_packages_of_a_variable() {
        let doc = crate::model::Document::parse(
            "FROM debian\nENV PKGS=\"curl=1 git wget\"\nRUN apt-get install -y ${PKGS}\n",
        );
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(
            found[0].message,
            "`${PKGS}` installs `git`, `wget` without a version; pin each as `<package>=<version>`"
        );
    }
}
