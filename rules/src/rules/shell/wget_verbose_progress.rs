//! ## What it does
//! Checks for `wget` without an option that controls its progress output:
//! `--progress=…`, `-q` (`--quiet`), `-nv` (`--no-verbose`), or a log file
//! with `-o` (`--output-file`) or `-a` (`--append-output`).
//!
//! ## Why is this bad?
//! When its output is not a terminal, as in a build, wget falls back to the
//! "dot" progress display: one dot per kilobyte, a line for every 50 KB. A
//! download of a few hundred megabytes writes thousands of lines into the
//! build log, hides the lines that matter and can hit the log size limit of
//! CI systems and of BuildKit itself.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN wget https://example.com/release.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN wget --progress=dot:giga https://example.com/release.tar.gz
//! ```
//!
//! ## Notes
//! BusyBox wget, the `wget` of Alpine and BusyBox images, has no
//! `--progress` option (following the advice breaks the build) and no dot
//! display that writes a line per 50 KB: on those bases
//! (by the image name or tag, the official `docker` image included, through
//! the stages a stage builds on) nothing is reported unless the stage
//! installs the `wget` package (GNU wget) first. A stage on an image
//! dockside cannot place that runs `apk` (in this RUN or an earlier one of
//! it or of a stage it builds on) and installs no `wget` is Alpine-based
//! too. Downloads of signature, checksum and key files (`.asc`, `.sig`,
//! `.gpg`, `.pub`, `.key`, `.sha256`, `.md5`, `SHA256SUMS`, `KEYS`...) are
//! a few kilobytes, about one progress line, and are not reported.
//!
//! ## Fix safety
//! The fix adds `--progress=dot:giga` (one dot per megabyte) after `wget`.
//! GNU wget accepts it (and so does wget2, Fedora's `wget`, which ignores
//! it); BusyBox wget, the `wget` of Alpine and BusyBox images, rejects it
//! and the build fails. So the fix is safe only where GNU wget is known:
//! the stage (or one it builds on) installs `wget` with a package manager
//! before this command (`apk add wget` on Alpine, `apt-get install wget`),
//! or it builds on a distribution whose `wget` is GNU wget (Debian,
//! Ubuntu, the Red Hat family, openSUSE, Arch; by the image name or tag, or
//! the documented base of an official image such as `python:3.12`). On
//! any image dockside cannot place (`FROM $BASE` is anything) the fix is
//! unsafe: `-nv` would suit both wgets there.

use crate::diagnostic::{Edit, Fix};
use crate::model::{Base, Document, Instruction, ShellCommand};

use crate::base_images::Distro;
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support::stage_distro;

use super::support;

declare_rule! {
    /// `wget` without progress control floods the build log
    name: "wget-verbose-progress", aliases: ["DL3047"], category: Shell, severity: Info,
    fix: Always, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// wget's short options that take a value (the rest of the cluster).
const SHORT_WITH_VALUE: &str = "OeitTwQPUBlADIXR";

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for (i, cmd) in script.commands.iter().enumerate() {
        if cmd.base_name() != "wget" || controls_progress(cmd) || small_download(cmd) {
            continue;
        }
        let distro = run.stage.and_then(|s| stage_distro(ctx.doc, s));
        let installed = installs_wget(ctx, run, &script.commands[..i]);
        let busybox = distro == Some(Distro::Alpine)
            || run.stage.is_some_and(|s| on_busybox(ctx.doc, s))
            || distro.is_none() && runs_apk(ctx, run, &script.commands);
        if !installed && busybox {
            // BusyBox wget: no `--progress`, and no dot display.
            continue;
        }
        let gnu = distro.is_some_and(|d| d != Distro::Alpine) || installed;
        let edits = vec![Edit::insert(cmd.name_range.end, " --progress=dot:giga")];
        let fix = if !gnu {
            Fix::unsafe_("Add `--progress=dot:giga` (GNU wget only)", edits)
        } else {
            Fix::safe("Add `--progress=dot:giga`", edits)
        };
        ctx.report(cmd.name_range, "`wget` without `--progress` or `-nv` writes a progress line per 50 KB")
            .with_fix(fix);
    }
}

/// True when an option sets, silences or redirects the progress output.
fn controls_progress(cmd: &ShellCommand) -> bool {
    cmd.args.iter().any(|a| {
        let t = a.text.as_str();
        if let Some(long) = t.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            return matches!(
                name,
                "progress" | "quiet" | "no-verbose" | "output-file" | "append-output" | "background" | "show-progress"
            );
        }
        let Some(cluster) = t.strip_prefix('-') else { return false };
        // `-nv` is wget's only two-letter switch that matters here; `-n`
        // takes the next letter as its argument (`-nc`, `-nd`, `-nH`...).
        let mut chars = cluster.chars();
        while let Some(c) = chars.next() {
            match c {
                'q' | 'o' | 'a' | 'b' => return true,
                'n' if chars.next() == Some('v') => return true,
                c if SHORT_WITH_VALUE.contains(c) => return false,
                _ => {}
            }
        }
        false
    })
}

/// True when the stage's chain starts at a `busybox` image, or at the
/// official `docker` image (Alpine-based, but for its Windows tags).
fn on_busybox(doc: &Document, stage: usize) -> bool {
    match doc.stage_root(stage).map(|s| &s.base) {
        Some(Base::Image { reference, resolved: true, .. }) if reference.is_docker_hub() => {
            match reference.path.strip_prefix("library/").unwrap_or(&reference.path) {
                "busybox" => true,
                "docker" => !reference.tag.as_deref().is_some_and(|t| t.contains("windows")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// True when this RUN (`commands`) or an earlier RUN of the stage or of a
/// stage it builds on runs `apk`: only Alpine-based images have it.
fn runs_apk(ctx: &Context<'_>, run: &Instruction, commands: &[ShellCommand]) -> bool {
    commands.iter().any(runs_apk_itself) || ran_before(ctx, run, |firsts| &firsts.apk)
}

fn runs_apk_itself(c: &ShellCommand) -> bool {
    c.base_name() == "apk"
}

/// With any package manager, `wget` is GNU wget (or wget2), not BusyBox's.
fn installs_wget_package(c: &ShellCommand) -> bool {
    matches!(c.base_name(), "apk" | "apt-get" | "apt" | "aptitude" | "yum" | "dnf" | "microdnf" | "zypper" | "pacman")
        && c.positional().any(|a| a.text == "wget")
}

/// Per stage, the first RUN that runs `apk` and the first that installs
/// wget: asked for every `wget`, so looked up once per document rather than
/// by walking the RUNs before each.
#[derive(Default)]
struct FirstRuns {
    apk: std::collections::HashMap<usize, usize>,
    wget: std::collections::HashMap<usize, usize>,
}

impl crate::model::DocumentFact for FirstRuns {
    fn compute(doc: &Document) -> FirstRuns {
        let mut firsts = FirstRuns::default();
        for run in doc.instructions.iter().filter(|i| i.kind == crate::model::InstructionKind::Run) {
            let (Some(stage), Some(script)) = (run.stage, run.script()) else { continue };
            if script.commands.iter().any(runs_apk_itself) {
                firsts.apk.entry(stage).or_insert(run.index);
            }
            if script.commands.iter().any(installs_wget_package) {
                firsts.wget.entry(stage).or_insert(run.index);
            }
        }
        firsts
    }
}

/// True when a RUN before `run` in its stage or a stage it builds on is
/// among `which` of [`FirstRuns`].
fn ran_before(
    ctx: &Context<'_>,
    run: &Instruction,
    which: impl Fn(&FirstRuns) -> &std::collections::HashMap<usize, usize>,
) -> bool {
    let Some(stage) = run.stage else { return false };
    let firsts = ctx.doc.fact::<FirstRuns>();
    let first = which(&firsts);
    ctx.doc.stage_chain(stage).iter().any(|s| first.get(&s.index).is_some_and(|&i| i < run.index))
}

/// Signature, checksum and key files: a few kilobytes, one progress line.
const SMALL_SUFFIXES: &[&str] = &[
    ".asc",
    ".sig",
    ".sign",
    ".gpg",
    ".pub",
    ".key",
    ".sha1",
    ".sha256",
    ".sha512",
    ".sha256sum",
    ".sha512sum",
    ".md5",
];
const SMALL_NAMES: &[&str] = &["sha256sums", "sha512sums", "sha1sums", "md5sums", "shasums256.txt", "keys"];

/// True when the download is a signature, checksum or key file: the file
/// `-O` names, or else every URL.
fn small_download(cmd: &ShellCommand) -> bool {
    let small = |path: &str| {
        let name = path.split(['?', '#']).next().unwrap_or(path).trim_end_matches(['"', '\'']);
        let name = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
        SMALL_SUFFIXES.iter().any(|s| name.ends_with(s)) || SMALL_NAMES.contains(&name.as_str())
    };
    let args = &cmd.args;
    let output = args.iter().enumerate().find_map(|(i, a)| match a.text.as_str() {
        "-O" | "--output-document" => args.get(i + 1).map(|v| v.text.as_str()),
        t => t.strip_prefix("--output-document=").or_else(|| t.strip_prefix("-O").filter(|v| !v.is_empty())),
    });
    if let Some(file) = output.filter(|f| *f != "-") {
        return small(file);
    }
    let mut urls = args.iter().filter(|a| a.text.contains("://")).peekable();
    urls.peek().is_some() && urls.all(|u| small(&u.text))
}

/// True when the stage installs the `wget` package before `cmd` (earlier in
/// the stage or a stage it builds on, or earlier in this RUN).
fn installs_wget(ctx: &Context<'_>, run: &Instruction, before: &[ShellCommand]) -> bool {
    before.iter().any(installs_wget_package) || ran_before(ctx, run, |firsts| &firsts.wget)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN wget --progress=dot:giga https://x/a.tgz\n",
                "FROM debian\nRUN wget -q https://x/a.tgz\n",
                "FROM debian\nRUN wget -qO- https://x/a.tgz | tar -xz\n",
                "FROM debian\nRUN wget -nv https://x/a.tgz\n",
                "FROM debian\nRUN wget --no-verbose -O a.tgz https://x/a.tgz\n",
                "FROM debian\nRUN wget --quiet https://x/a.tgz\n",
                "FROM debian\nRUN wget -o /tmp/log https://x/a.tgz\n",
                "FROM debian\nRUN wget --append-output=/tmp/log https://x/a.tgz\n",
                "FROM debian\nRUN wget -a log https://x/a.tgz\n",
                "FROM debian\nRUN curl -fsSLO https://x/a.tgz\n",
                "FROM debian\nRUN echo wget https://x\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nRUN powershell -Command Sleep 2 ; wget -Uri https://x -OutFile x.exe\n",
                // BusyBox wget: no `--progress`, no dot display.
                "FROM alpine:3.20\nRUN wget https://x/a.tgz\n",
                "FROM node:22-alpine AS base\nFROM base\nRUN wget https://x/a.tgz\n",
                "FROM busybox:1.36\nRUN wget https://x/a.tgz\n",
                "FROM alpine\nRUN apk add curl\nRUN wget https://x/a.tgz\n",
                // The official `docker` image is Alpine-based.
                "FROM docker:29-cli\nRUN wget -O /tmp/docker.tgz https://x/docker.tgz\n",
                // An image that runs `apk` is Alpine-based.
                "FROM example/tools AS a\nRUN apk add --no-cache curl\nFROM a\nRUN wget https://x/a.tgz\n",
                "FROM example/tools\nRUN apk --print-arch > /arch && wget https://x/a.tgz\n",
                // Signature, checksum and key files: one progress line.
                "FROM debian\nRUN wget -O /tmp/a.asc https://x/a.asc && wget https://x/SHA256SUMS https://x/a.tgz.sha256\n",
                "FROM debian\nRUN wget -O gosu.asc \"https://x/gosu-$ARCH.asc\" && wget https://x/KEYS\n",
            ],
            &[
                "FROM debian\nRUN ⟦wget⟧ https://x/a.tgz\n",
                "FROM debian\nRUN ⟦wget⟧ -O /tmp/a -nc https://x/a.tgz\n",
                "FROM debian\nRUN ⟦wget⟧ -Oq https://x/a.tgz\n",
                "FROM debian\nRUN set -e; \\\n    ⟦wget⟧ \\\n      https://x/a.tgz\n",
                "FROM debian\nRUN <<EOF\nset -e\n⟦wget⟧ https://x/a.tgz\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦wget⟧ https://x/a.tgz\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦wget⟧ https://x/a.tgz\"]\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"bash\", \"-c\"]\nRUN ⟦wget⟧ https://x/a.tgz\n",
                // GNU wget installed on Alpine.
                "FROM alpine:3.20\nRUN apk add --no-cache wget && ⟦wget⟧ https://x/a.tgz\n",
                "FROM alpine:3.20 AS a\nRUN apk add wget\nFROM a\nRUN ⟦wget⟧ https://x/a.tgz\n",
                "FROM docker:27-windowsservercore-ltsc2022\nSHELL [\"bash\", \"-c\"]\nRUN ⟦wget⟧ https://x/a.tgz\n",
                "FROM example/tools\nRUN apk add wget && ⟦wget⟧ https://x/a.tgz\n",
                // Not a signature: the saved file, or one URL of several.
                "FROM debian\nRUN ⟦wget⟧ -O /tmp/app.tgz https://x/app.tgz?sig=1.asc\n",
                "FROM debian\nRUN ⟦wget⟧ https://x/a.tgz https://x/a.tgz.asc\n",
            ],
            &[
                (
                    "FROM debian\nRUN wget -O /a https://x/a.tgz\n",
                    "FROM debian\nRUN wget --progress=dot:giga -O /a https://x/a.tgz\n",
                ),
                (
                    "FROM debian\nRUN cd /tmp && \\\n  wget \\\n  https://x/a.tgz\n",
                    "FROM debian\nRUN cd /tmp && \\\n  wget --progress=dot:giga \\\n  https://x/a.tgz\n",
                ),
                // Unsafe on an unknown image: the test runs unsafe fixes too.
                (
                    "FROM example/tools:27\nRUN wget https://x/a.tgz\n",
                    "FROM example/tools:27\nRUN wget --progress=dot:giga https://x/a.tgz\n",
                ),
            ],
        );
    }

    #[test]
    fn fix_is_unsafe_with_busybox_wget() {
        use crate::diagnostic::Applicability;
        let lint = |src: &str| {
            let doc = crate::model::Document::parse(src);
            let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
            d[0].fix.as_ref().unwrap().applicability
        };
        assert_eq!(lint("FROM debian:12\nRUN wget https://x\n"), Applicability::Safe);
        assert_eq!(lint("FROM python:3.12\nRUN wget https://x\n"), Applicability::Safe);
        assert_eq!(lint("FROM fedora:40\nRUN wget https://x\n"), Applicability::Safe);
        // An image dockside cannot place, or anything at all.
        assert_eq!(lint("FROM example/tools:27\nRUN wget https://x\n"), Applicability::Unsafe);
        assert_eq!(lint("FROM scratch\nRUN wget https://x\n"), Applicability::Unsafe);
        assert_eq!(lint("FROM docker:27\nRUN apk add wget\nRUN wget https://x\n"), Applicability::Safe);
        assert_eq!(lint("FROM example/tools\nRUN apt-get install -y wget && wget https://x\n"), Applicability::Safe);
        assert_eq!(lint("FROM $BASE\nRUN wget https://x\n"), Applicability::Unsafe);
        assert_eq!(lint("FROM alpine\nRUN apk add --no-cache wget && wget https://x\n"), Applicability::Safe);
        assert_eq!(lint("FROM alpine AS a\nRUN apk add wget\nFROM a\nRUN wget https://x\n"), Applicability::Safe);
    }

    /// Safe only where GNU wget is known.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                (
                    "FROM ubuntu:24.04\nRUN wget https://x/a\n",
                    "FROM ubuntu:24.04\nRUN wget --progress=dot:giga https://x/a\n",
                ),
                (
                    "FROM alpine:3.20\nRUN apk add --no-cache wget && wget https://x/a\n",
                    "FROM alpine:3.20\nRUN apk add --no-cache wget && wget --progress=dot:giga https://x/a\n",
                ),
                kept("FROM example/tools:27\nRUN wget https://x/a\n"),
                kept("ARG BASE\nFROM $BASE\nRUN wget https://x/a\n"),
                // The install comes after the wget.
                kept("FROM example/tools:27\nRUN wget https://x/a && yum install -y wget\n"),
            ],
        );
    }
}
