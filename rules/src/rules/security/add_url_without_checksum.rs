//! ## What it does
//! Checks for `ADD` instructions that download an `http://` or `https://`
//! URL without a `--checksum=sha256:…` flag.
//!
//! ## Why is this bad?
//! `ADD <url>` puts whatever the server returns into the image, and the
//! result can change from one build to the next: a re-released file, a
//! compromised server or a man-in-the-middle on a plain `http://` URL all
//! go unnoticed. With `--checksum`, BuildKit verifies the download and
//! fails the build when it differs.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! ADD https://example.com/tool-1.2.tar.gz /tmp/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM debian:12
//! ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
//!     https://example.com/tool-1.2.tar.gz /tmp/
//! ```
//!
//! ## Notes
//! Git sources (`https://github.com/o/r.git#v1`, `git@…`) are not
//! reported: pin them with a commit in the reference instead. Neither is a
//! download that a later `RUN` of the stage verifies: one that runs a
//! checksum or signature tool (`sha256sum`, `gpg`, `cosign`, `minisign`…)
//! and names the downloaded file. The rule has no fix: only the author can
//! know the right checksum. BuildKit accepts `--checksum` only for an
//! `ADD` with a single source, so for an `ADD` of several URLs the advice
//! is one `ADD --checksum=… <url> <dest>` per URL. Such an `ADD` is
//! reported once, spanning its unverified URLs, with each of them as a
//! related location.

use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ADD <url>` without `--checksum` puts an unverified download in the image
    name: "add-url-without-checksum", category: Security, severity: Warning,
    kinds: [Add], in_onbuild: true, check_instruction: check,
}

/// Programs that check a file against a checksum or signature.
const VERIFIERS: &[&str] = &[
    "sha1sum",
    "sha224sum",
    "sha256sum",
    "sha384sum",
    "sha512sum",
    "shasum",
    "b2sum",
    "md5sum",
    "gpg",
    "gpgv",
    "cosign",
    "minisign",
    "signify",
    "openssl",
];

fn check(add: &Instruction, ctx: &mut Context<'_>) {
    let Some((dest, sources)) = add.args.split_last() else { return };
    if add.flag("checksum").is_some() || sources.is_empty() {
        return;
    }
    let dest = dest.value();
    let unverified: Vec<_> = sources
        .iter()
        .filter(|source| {
            let url = source.value();
            is_http_url(&url) && !is_git_url(&url) && !verified_later(ctx, add, &url, &dest)
        })
        .collect();
    // One finding per ADD, as for unpinned packages: an ADD of twenty URLs
    // is one thing to fix, with a related location per URL.
    match unverified.as_slice() {
        [] => {}
        [one] if sources.len() == 1 => {
            ctx.report(
                one.range,
                "`ADD` downloads this URL without verifying it; add `--checksum=sha256:<digest>` so the build fails when the file changes",
            );
        }
        [first, ..] => {
            let last = unverified.last().map_or(first.range, |u| u.range);
            // BuildKit: "checksum can't be specified for multiple sources".
            let (what, them) = match unverified.len() {
                1 => ("this URL".to_string(), "it"),
                n => (format!("{n} URLs"), "them"),
            };
            let d = ctx.report(
                first.range.cover(last),
                format!(
                    "`ADD` downloads {what} without verifying {them}; `--checksum` takes a single source, so give each URL its own `ADD --checksum=sha256:<digest> <url> <dest>` so the build fails when a file changes"
                ),
            );
            for url in &unverified {
                d.with_related(url.range, "downloaded without a checksum");
            }
        }
    }
}

/// True when a later `RUN` of the stage runs a checksum or signature tool
/// and names the downloaded file (`sha256sum -c`, `gpg --verify`,
/// `cosign verify-blob`).
fn verified_later(ctx: &Context<'_>, add: &Instruction, url: &str, dest: &str) -> bool {
    let name = if dest.ends_with('/') || dest == "." {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        path.rsplit('/').next().unwrap_or(path)
    } else {
        dest.rsplit('/').next().unwrap_or(dest)
    };
    let Some(stage) = ctx.doc.stage_of(add) else { return false };
    // (An `ONBUILD ADD` runs in another build.)
    if name.is_empty() || ctx.doc.instructions.get(add.index).is_some_and(|i| i.kind != add.kind) {
        return false;
    }
    stage.instructions(ctx.doc).iter().filter(|i| i.index > add.index && i.kind == InstructionKind::Run).any(|run| {
        run.script().is_some_and(|s| {
            s.commands.iter().any(|c| VERIFIERS.contains(&c.base_name()))
                && s.commands.iter().any(|c| c.args.iter().any(|a| a.text.contains(name)))
        })
    })
}

fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// BuildKit treats a URL whose path ends in `.git` (before any `#ref`) as
/// a Git repository.
fn is_git_url(s: &str) -> bool {
    let path = s.split('#').next().unwrap_or(s);
    let path = path.split('?').next().unwrap_or(path);
    path.trim_end_matches('/').ends_with(".git")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x/a.tgz /tmp/\n",
                "FROM debian\nADD app.tar.gz /opt/\n",
                "FROM debian\nADD https://github.com/o/r.git#v1.0 /src\n",
                "FROM debian\nADD \"https://github.com/jemalloc/jemalloc.git#${V}\" /usr/src/jemalloc\n",
                "FROM debian\nADD git@github.com:o/r.git /src\n",
                "FROM debian\nADD https://github.com/o/r.git?ref=v1&keep-git-dir=1 .\n",
                "FROM debian\nWORKDIR /tmp\nADD https://x/py.tar.xz /tmp/python.tar.xz\nADD https://x/py.tar.xz.sigstore /tmp/python.tar.xz.sigstore\nRUN cosign verify-blob --bundle python.tar.xz.sigstore python.tar.xz\n",
                "FROM debian\nADD https://x/tool-1.2.tgz /tmp/\nRUN echo \"$SHA  /tmp/tool-1.2.tgz\" | sha256sum -c -\n",
            ],
            &[
                "FROM debian\nADD ⟦https://example.com/tool.tar.gz⟧ /tmp/\n",
                "FROM debian\nADD --chmod=0644 ⟦http://x/key.asc⟧ /etc/apt/trusted.gpg.d/\n",
                "FROM debian\nADD --unpack=true ⟦\"https://github.com/${R}/releases/download/v1/s6.tar.xz\"⟧ /\n",
                "FROM debian\nADD [⟦\"https://x/a.tgz\"⟧, \"/tmp/\"]\n",
                "FROM debian\nONBUILD ADD ⟦https://x/a.tgz⟧ /tmp/\n",
                "FROM debian\nADD ⟦https://x/a.tgz⟧ /tmp/\nRUN sha256sum /tmp/other.tgz\n",
                "FROM debian\nADD ⟦https://x/a.tgz⟧ /tmp/\nRUN tar -xzf /tmp/a.tgz\n",
            ],
            &[],
        );
    }
}

#[cfg(test)]
mod message_tests {
    use crate::engine::check_with_rules;
    use crate::model::Document;
    use crate::settings::Settings;

    /// Several sources: one `ADD --checksum` per URL, which BuildKit accepts.
    #[test]
    fn advice_for_several_sources() {
        let messages = |text: &str| -> Vec<String> {
            check_with_rules(&Document::parse(text), &Settings::default(), &[&super::RULE])
                .into_iter()
                .map(|d| d.message)
                .collect()
        };
        let several = messages(
            "FROM debian:12\nADD https://example.com/a.png \\\n    https://example.com/b.png \\\n    /docs/img/\n",
        );
        assert_eq!(several.len(), 1, "one finding per ADD: {several:?}");
        assert!(several[0].starts_with("`ADD` downloads 2 URLs"), "{several:?}");
        assert!(several[0].contains("its own `ADD --checksum=sha256:<digest> <url> <dest>`"), "{several:?}");
        let one = messages("FROM debian:12\nADD https://example.com/a.png /docs/img/\n");
        assert!(one[0].contains("add `--checksum=sha256:<digest>`"), "{one:?}");
    }
}
