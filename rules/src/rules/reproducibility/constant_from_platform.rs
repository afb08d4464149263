//! ## What it does
//! Checks for `FROM --platform=<constant>`, such as
//! `FROM --platform=linux/amd64 alpine`.
//!
//! ## Why is this bad?
//! A constant platform ignores the platform the build was asked for: with
//! `docker buildx build --platform linux/arm64`, the stage still pulls and
//! runs the amd64 image (under emulation, or not at all), and a multi-platform
//! build produces the same architecture several times. Use the build's own
//! platform arguments instead, or pass `--platform` to the build command.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=linux/amd64 golang:1.23 AS build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM --platform=$BUILDPLATFORM golang:1.23 AS build
//! ```
//!
//! ## Notes
//! As in BuildKit's `FromPlatformFlagConstDisallowed` check, any variable
//! makes the value not constant (`$BUILDPLATFORM`, `$TARGETPLATFORM`, an
//! `ARG`), and a stage whose name contains the platform's OS or architecture
//! (`FROM --platform=linux/arm64 … AS build-arm64`) is exempt: it is one
//! stage per platform on purpose. hadolint has no such exemption. So is a
//! Dockerfile written for one architecture: when the platform's
//! architecture, or a common alias of it, appears as a word elsewhere in
//! the file (`ENV PKG=tool-linux-arm32.tar.gz`, an `aarch64.rpm` URL, an
//! `arm64v8/` image), the constant is the file's purpose. The aliases:
//! `arm32`, `arm32v7`, `armv7`, `armv7l` and `armhf` for `arm/v7`; `arm64`,
//! `arm64v8` and `aarch64` for `arm64`; `amd64`, `x86_64` and `x64` for
//! `amd64`; `386`, `i386` and `i686` for `386`; `s390x`; `ppc64le`.

use crate::model::{Document, DocumentFact, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `FROM --platform` with a constant value
    name: "constant-from-platform", aliases: ["DL3029", "FromPlatformFlagConstDisallowed"],
    category: Reproducibility, severity: Warning,
    kinds: [From], check_instruction: check,
}

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let Some(value) = from.flag("platform").and_then(|f| f.value.as_ref()) else { return };
    if value.has_expansion() {
        return;
    }
    let written = value.value();
    let platform = written.to_ascii_lowercase();
    let mut parts = platform.split('/');
    let (Some(os), arch) = (parts.next().filter(|s| !s.is_empty()), parts.next()) else { return };
    let arch = match arch {
        Some("x86_64" | "x86-64") => Some("amd64"),
        Some("aarch64") => Some("arm64"),
        other => other,
    };
    if let Some(aliases) = arch.and_then(arch_aliases)
        && ctx.doc.fact::<ArchWords>().0.iter().any(|w| aliases.contains(&w.as_str()))
    {
        return; // a Dockerfile for this one architecture
    }
    let stage = ctx.doc.stage_of(from).and_then(|s| s.name.as_deref()).unwrap_or("");
    if !stage.is_empty() && (stage.contains(os) || arch.is_some_and(|a| !a.is_empty() && stage.contains(a))) {
        return;
    }
    ctx.report(
        value.range,
        format!("`--platform={written}` is a constant: the stage ignores the platform the build asks for"),
    );
}

/// The words that name architecture `arch` (of `linux/<arch>[/variant]`).
fn arch_aliases(arch: &str) -> Option<&'static [&'static str]> {
    Some(match arch {
        "arm" => &["arm32", "arm32v7", "armv7", "armv7l", "armhf", "arm32v6", "armv6", "armv6l", "armel"],
        "arm64" => &["arm64", "arm64v8", "aarch64"],
        "amd64" => &["amd64", "x86_64", "x64"],
        "386" => &["386", "i386", "i686"],
        "s390x" => &["s390x"],
        "ppc64le" => &["ppc64le"],
        _ => return None,
    })
}

/// The architecture words of the file outside `FROM --platform` values,
/// lower-cased: words between characters other than letters and digits,
/// also with `_` kept (`x86_64`) and with `.` kept (so that the `386` of a
/// version such as `1.386` is no word).
struct ArchWords(Vec<String>);

impl DocumentFact for ArchWords {
    fn compute(doc: &Document) -> ArchWords {
        let mut text = doc.text().to_ascii_lowercase().into_bytes();
        for ins in doc.instructions.iter().filter(|i| i.kind == InstructionKind::From) {
            if let Some(value) = ins.flag("platform").and_then(|f| f.value.as_ref()) {
                text[value.range.start..value.range.end].fill(b' ');
            }
        }
        let text = String::from_utf8_lossy(&text);
        let is_arch = |w: &str| {
            ["arm", "aarch64", "amd64", "x86_64", "x64", "386", "i386", "i686", "s390x", "ppc64le"]
                .iter()
                .any(|a| w.starts_with(a))
        };
        let mut words: Vec<String> = Vec::new();
        let mut add = |keep: fn(char) -> bool, only: Option<&str>| {
            for w in text.split(|c: char| !keep(c)) {
                if is_arch(w) && only.is_none_or(|o| o == w) && !words.iter().any(|x| x == w) {
                    words.push(w.to_string());
                }
            }
        };
        add(|c| c.is_ascii_alphanumeric(), None);
        add(|c| c.is_ascii_alphanumeric() || c == '_', Some("x86_64"));
        add(|c| c.is_ascii_alphanumeric() || c == '.', Some("386"));
        words.retain(|w| {
            w != "386" || text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).any(|t| t == "386")
        });
        ArchWords(words)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine:3.21\n",
                "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n",
                "FROM --platform=${TARGETPLATFORM} alpine\n",
                "ARG PLATFORM=linux/amd64\nFROM --platform=$PLATFORM alpine\n",
                "FROM --platform=linux/arm64 alpine AS build-arm64\n",
                "FROM --platform=linux/amd64 alpine AS linux-base\n",
                "FROM --platform=linux/x86_64 alpine AS amd64-tools\n",
                // A Dockerfile for one architecture.
                "FROM --platform=linux/arm/v7 ubuntu:22.04 AS installer\nENV PKG=tool-linux-arm32.tar.gz\nRUN echo \"$PKG\"\n",
                "FROM --platform=linux/arm64 debian AS final-image\nADD https://example.com/app-1.0.aarch64.rpm /tmp/\n",
                "FROM --platform=linux/amd64 debian\nRUN curl -o /tmp/x.tgz https://example.com/x-linux-x86_64.tgz\n",
                "FROM --platform=linux/amd64 debian\nARG ARCH=x64\n",
                "FROM --platform=linux/386 i386/debian\n",
            ],
            &[
                "FROM --platform=⟦linux/amd64⟧ golang:1.23 AS build\n",
                "FROM --platform=⟦linux/arm/v7⟧ ubuntu:jammy\n",
                "FROM --platform=⟦\"linux/amd64\"⟧ alpine AS final-image\n",
                // Another architecture's words, the platform flags themselves,
                // a version that contains `386`, a longer word.
                "FROM --platform=⟦linux/amd64⟧ debian\nENV PKG=tool-linux-arm64.tar.gz\n",
                "FROM --platform=⟦linux/amd64⟧ debian AS a\nFROM --platform=⟦linux/amd64⟧ debian\n",
                "FROM --platform=⟦linux/386⟧ debian\nENV V=1.386\n",
                "FROM --platform=⟦linux/amd64⟧ debian\nENV X=amd64x\n",
            ],
            &[],
        );
    }
}
