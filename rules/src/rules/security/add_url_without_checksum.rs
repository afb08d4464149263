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
//! reported: pin them with a commit in the reference instead. The rule has
//! no fix: only the author can know the right checksum.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-url-without-checksum",
        aliases: &[],
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`ADD <url>` without `--checksum` puts an unverified download in the image",
        source: include_str!("add_url_without_checksum.rs"),
        path: "rules/src/rules/security/add_url_without_checksum.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Add],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

fn check(add: &Instruction, ctx: &mut Context<'_>) {
    if add.flag("checksum").is_some() || add.args.len() < 2 {
        return;
    }
    for source in &add.args[..add.args.len() - 1] {
        let url = source.value();
        if is_http_url(&url) && !is_git_url(&url) {
            ctx.report(
                source.range,
                "`ADD` downloads this URL without verifying it; add `--checksum=sha256:<digest>` so the build fails when the file changes",
            );
        }
    }
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
            ],
            &[
                "FROM debian\nADD ⟦https://example.com/tool.tar.gz⟧ /tmp/\n",
                "FROM debian\nADD --chmod=0644 ⟦http://x/key.asc⟧ /etc/apt/trusted.gpg.d/\n",
                "FROM debian\nADD --unpack=true ⟦\"https://github.com/${R}/releases/download/v1/s6.tar.xz\"⟧ /\n",
                "FROM debian\nADD [⟦\"https://x/a.tgz\"⟧, \"/tmp/\"]\n",
                "FROM debian\nONBUILD ADD ⟦https://x/a.tgz⟧ /tmp/\n",
            ],
            &[],
        );
    }
}
