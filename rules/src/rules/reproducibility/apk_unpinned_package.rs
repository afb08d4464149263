//! ## What it does
//! Checks for packages in `apk add` without a version constraint (`curl`
//! instead of `curl=8.11.1-r0` or `curl~8.11`).
//!
//! ## Why is this bad?
//! apk installs the newest package the configured repositories offer on the
//! day of the build. Alpine updates packages within a release branch, so a
//! rebuild can silently pick up a different version, and two images built
//! from the same Dockerfile stop being the same.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.21
//! RUN apk add --no-cache curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.21
//! RUN apk add --no-cache curl~8.11
//! ```
//!
//! ## Notes
//! Any constraint counts (`=`, `~`, `>`, `<`), as in hadolint, and `.apk`
//! files are accepted. The values of `-t`/`--virtual` and `-X`/`--repository`
//! (and `--root`, `--arch`, `--cache-dir`...) are not packages. Each install command is reported once, with a related location
//! per unpinned package (hadolint reports the RUN once), and a variable is
//! checked through the literal value the same `RUN` gave it earlier
//! (`PKGS='gcc make' && … $PKGS`; `export` and multi-line quoted values too)
//! or else its `ARG`/`ENV` value, and reported at its use (`$PKGS`) with the
//! packages it names; one with no known value (a command substitution, a loop
//! variable, an `ARG` without default) is not reported, where hadolint reports
//! it. A `--virtual`/`-t` group that the same RUN deletes again with
//! `apk del` and whose packages are all download or verification tools
//! (`gnupg`, `gpg`, `dirmngr`, `curl`, `wget`, `ca-certificates`,
//! `openssl`...) is not reported: those versions never reach the image and
//! only fetch or check what is built (a group with a compiler or `-dev`
//! packages still is).

use crate::model::{Instruction, ShellScript};
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `apk add` of a package without a version constraint
    name: "apk-unpinned-package", aliases: ["DL3018"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const APK: Cli = Cli {
    short: &['t', 'X', 'p'],
    long: &[
        "virtual",
        "repository",
        "root",
        "arch",
        "cache-dir",
        "cache-max-age",
        "keys-dir",
        "repositories-file",
        "progress-fd",
        "timeout",
        "wait",
    ],
    single_word: false,
    long_prefixes: None,
};

/// Packages that only download or verify: a group of nothing else that
/// the RUN deletes again leaves no version in the image.
const FETCH_TOOLS: &[&str] = &[
    "gnupg",
    "gnupg2",
    "gpg",
    "gpgv",
    "gpg-agent",
    "dirmngr",
    "gnupg-dirmngr",
    "gnupg-keyboxd",
    "curl",
    "wget",
    "ca-certificates",
    "openssl",
];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    for (i, cmd) in script.commands.iter().enumerate() {
        if cmd.base_name() != "apk" {
            continue;
        }
        let line = APK.read(&cmd.args);
        let Some(packages) = line.after(&[&["add"]]) else { continue };
        let found = support::unpinned(ctx, run, packages.iter().copied(), pinned);
        let fetch_tools = |packages: &[String]| packages.iter().all(|p| FETCH_TOOLS.contains(&p.as_str()));
        if !found.is_empty()
            && found.iter().all(|u| fetch_tools(&u.packages))
            && line.option(&["t", "virtual"]).and_then(|o| o.value).is_some_and(|group| deleted_later(script, i, group))
        {
            continue;
        }
        support::report(ctx, found, "=<version>");
    }
}

/// True when a command after command `i` runs `apk del … group`.
fn deleted_later(script: &ShellScript, i: usize, group: &str) -> bool {
    script.commands[i + 1..].iter().filter(|c| c.base_name() == "apk").any(|c| {
        let line = APK.read(&c.args);
        line.after(&[&["del"]]).is_some_and(|names| names.iter().any(|n| n.text == group))
    })
}

fn pinned(package: &str) -> bool {
    package.contains(['=', '~', '<', '>']) || package.ends_with(".apk")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nRUN apk add --no-cache curl=8.11.1-r0 git~2.47 'bash>5' 'musl<2'\n",
                "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r4\n",
                "FROM alpine\nRUN apk add -t .deps -X https://dl-cdn.alpinelinux.org/alpine/edge/testing x=1\n",
                "FROM alpine\nRUN apk add --allow-untrusted /tmp/pkg-1.0.apk\n",
                "FROM alpine\nRUN apk update && apk upgrade && apk del curl\n",
                "FROM alpine\nARG CURL_VERSION=8.11.1-r0\nRUN apk add curl=${CURL_VERSION}\n",
                "FROM alpine\nRUN apk add --no-cache $DEPS\n",
                // Fetch and verify tools in a group the RUN deletes again.
                "FROM alpine\nRUN apk add --no-cache --virtual .fetch-deps gnupg \\\n && wget -O /tmp/a.tgz https://x/a.tgz \\\n && gpg --batch --verify /tmp/a.tgz.asc /tmp/a.tgz \\\n && apk del --no-network .fetch-deps\n",
                "FROM alpine\nRUN fetchDeps='ca-certificates openssl curl' && apk add -t .fetch $fetchDeps && curl -o /x https://x && apk del .fetch\n",
            ],
            &[
                "FROM alpine\nRUN apk add --no-cache ⟦curl⟧\n",
                "FROM alpine\nRUN buildDeps='gcc musl-dev' \\\n && apk add --no-cache --virtual .build-deps ⟦$buildDeps⟧\n",
                "FROM alpine\nRUN export DEPS=\"curl=8.11.1-r0 git\"; apk add ⟦${DEPS}⟧\n",
                "FROM alpine\nRUN buildDeps=' \\\n\t\tbuild-base \\\n\t' \\\n\tset -x \\\n\t&& apk --no-cache add ⟦$buildDeps⟧\n",
                "FROM alpine\nRUN apk --no-cache add --virtual .build-deps ⟦gcc⟧\n",
                "FROM alpine\nRUN apk add -U -t .deps ⟦musl-dev⟧\n",
                "FROM alpine\nRUN apk add --no-cache \\\n    curl=8.11.1-r0 \\\n    ⟦git⟧\n",
                "FROM alpine\nRUN <<EOF\napk add ⟦curl⟧\nEOF\n",
                "FROM alpine\nONBUILD RUN apk add ⟦curl⟧\n",
                "FROM alpine\nRUN [\"sh\", \"-c\", \"apk add ⟦curl⟧\"]\n",
                "FROM alpine\nARG PKGS=\"curl git\"\nRUN apk add ⟦${PKGS}⟧\n",
                // A group with a build tool, a group kept, a tool outside the group.
                "FROM alpine\nRUN apk add --virtual .build-deps ⟦gnupg gcc⟧ && make && apk del .build-deps\n",
                "FROM alpine\nRUN apk add --virtual .fetch-deps ⟦gnupg⟧ && gpg --verify a.asc a\n",
                "FROM alpine\nRUN apk del .fetch-deps && apk add --virtual .fetch-deps ⟦gnupg⟧\n",
                "FROM alpine\nRUN apk add ⟦curl⟧ && apk add -t .fetch gnupg && apk del .fetch\n",
            ],
            &[],
        );
    }
}
