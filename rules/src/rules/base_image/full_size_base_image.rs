//! ## What it does
//! Checks for a final image built on the full-size variant of an official
//! language image (`python:3.12`, `node:22-bookworm`, `ruby:3.3`,
//! `perl:5.40`) when a slim variant of the same version exists.
//!
//! ## Why is this bad?
//! The default variants of these images build on `buildpack-deps`: a whole
//! Debian with compilers, headers, version-control tools and hundreds of
//! libraries, close to a gigabyte before the application. They exist for
//! building; an application usually runs on the `-slim` variant (Debian
//! with only what the runtime needs), a fraction of the size, with fewer
//! packages to patch.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12
//! COPY app.py /app/
//! CMD ["python", "/app/app.py"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY app.py /app/
//! CMD ["python", "/app/app.py"]
//! ```
//!
//! ## Notes
//! Only the final stage (and the stages it builds on) is checked: a build
//! stage on the full image is the intended use, and so is a development
//! environment: an image without a CMD or ENTRYPOINT (in its stages) that
//! starts something other than a shell is not reported, nor is a final stage
//! named as one (a `dev`, `devel`, `development`, `devenv` or `devcontainer`
//! word in its name: `dev-envs`, `app_dev`). Nor is a base image for other
//! builds (an `ONBUILD RUN` in the final stage or the stages it builds on):
//! its triggers build in the child image, which needs the tools of the full
//! variant. Nor is a `FROM` with a syntax error. Untagged references are
//! left to `untagged-base-image`. The slim variant lacks compilers, so a
//! final stage that builds native extensions needs them moved to a build
//! stage first (see `toolchain-in-final-stage`).

use crate::base_images::family::{self, DEBIAN_CODENAMES};
use crate::model::{Base, Document, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support::starts_program;

declare_rule! {
    /// The final image builds on a full-size language image where a slim variant exists
    name: "full-size-base-image", category: BaseImage, severity: Info,
    kinds: [From], reads: Document, check_instruction: check,
}

/// Official images whose default variant is the full `buildpack-deps` one
/// and which publish `-slim` variants.
const FULL_BY_DEFAULT: &[&str] = &["python", "node", "ruby", "perl"];

fn check(from: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let (Some(stage), Some(last)) = (from.stage, doc.stages.len().checked_sub(1)) else { return };
    if !doc.in_final_chain(stage) || !starts_program(doc, last) {
        return;
    }
    if is_development_stage(doc.stages[last].name.as_deref()) || builds_onbuild(doc, last) {
        return;
    }
    let Base::Image { reference, text, resolved: true } = &doc.stages[stage].base else { return };
    let Some(name) = FULL_BY_DEFAULT.iter().find(|n| family::is_official(reference, n)) else { return };
    let Some(tag) = reference.tag.as_deref().map(str::to_ascii_lowercase) else { return };
    let words: Vec<&str> = family::tag_words(&tag).collect();
    let full = !words.is_empty()
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_digit())
                || matches!(*w, "latest" | "lts" | "current" | "threaded")
                || DEBIAN_CODENAMES.contains(w)
        });
    if !full {
        return;
    }
    let Some(spec) = from.image() else { return };
    // A FROM that BuildKit rejects (`FROM python:3. #comment`) builds nothing
    // to slim down, and its tag may be no tag at all.
    let text_of = |start: usize, end: usize| doc.text().get(start..end).unwrap_or("\n");
    let rejected = doc.syntax_errors.iter().any(|e| {
        e.range.end > from.range.start
            && (e.range.start < from.range.end || !text_of(from.range.end, e.range.start).contains('\n'))
    });
    if rejected {
        return;
    }
    // node puts `-slim` last (`20-bookworm-slim`); the others put the
    // code name last (`3.12-slim-bookworm`).
    let codename = words.iter().find(|w| DEBIAN_CODENAMES.contains(w));
    let first = words.first().filter(|w| **w != "latest" && !DEBIAN_CODENAMES.contains(w));
    let slim_tag = if *name == "node" {
        if tag == "latest" { "slim".to_string() } else { format!("{tag}-slim") }
    } else {
        let mut t = first.map_or("slim".to_string(), |v| format!("{v}-slim"));
        if let Some(c) = codename {
            t = format!("{t}-{c}");
        }
        t
    };
    let slim = format!("{name}:{slim_tag}");
    ctx.report(
        spec.word.range,
        format!("`{text}` is the full-size variant with compilers and build tools; the final image can use `{slim}`"),
    );
}

/// A stage named as a development environment (`development`, `dev-envs`).
fn is_development_stage(name: Option<&str>) -> bool {
    name.is_some_and(|n| {
        n.split(['-', '_', '.'])
            .any(|w| matches!(w, "dev" | "devel" | "development" | "devenv" | "devenvs" | "devcontainer"))
    })
}

/// True when the stage or one it builds on has an `ONBUILD RUN`: a base
/// image whose triggers build in the child image.
fn builds_onbuild(doc: &Document, stage: usize) -> bool {
    doc.stage_chain(stage)
        .iter()
        .any(|s| s.instructions(doc).iter().any(|i| i.onbuild().is_some_and(|t| t.kind == InstructionKind::Run)))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM python:3.12-slim\n",
                "FROM python:3.12-slim-bookworm\n",
                "FROM node:22-alpine\n",
                "FROM python\n",
                "FROM myorg/python:3.12\n",
                "FROM golang:1.23\n",
                "FROM python:3.12-windowsservercore\n",
                "FROM python:3.12 AS build\nRUN pip wheel -r r.txt\nFROM python:3.12-slim\n",
                // Development environments.
                "FROM python:3.12\nRUN pip install black\n",
                "FROM node:22\nCMD [\"bash\"]\n",
                "FROM node:22 AS development\nCMD [\"npm\", \"start\"]\nFROM development AS dev-envs\nRUN apt-get update\nCMD [\"npm\", \"start\"]\n",
                "FROM python:3.12 AS app_devcontainer\nCMD [\"app\"]\n",
                // A base image whose triggers build the child image.
                "FROM node:22\nONBUILD COPY . /src\nONBUILD RUN cd /src && npm install\nCMD [\"node\", \"/src/main.js\"]\n",
                "FROM node:22 AS base\nONBUILD RUN npm install\nFROM base\nCMD [\"node\", \"main.js\"]\n",
                // Rejected by BuildKit (Docker has no end-of-line comments).
                "FROM python:3. #Install Django\nCMD [\"app\"]\n",
            ],
            &[
                "FROM ⟦python:3.12⟧\nCMD [\"app\"]\n",
                "FROM ⟦node:22-bookworm⟧\nCMD [\"app\"]\n",
                "FROM ⟦ruby:latest⟧\nCMD [\"app\"]\n",
                "ARG V=3.12\nFROM ⟦python:${V}⟧\nCMD [\"app\"]\n",
                "FROM ⟦node:lts⟧ AS base\nFROM base\nCMD [\"app\"]\n",
                "FROM golang AS build\nFROM ⟦docker.io/library/perl:5.40⟧\nCMD [\"app\"]\n",
                // `dev` only as a whole word; ONBUILD without a RUN.
                "FROM ⟦node:22⟧ AS devops-api\nCMD [\"app\"]\n",
                "FROM ⟦node:22⟧ AS development\nFROM development AS prod\nCMD [\"app\"]\n",
                "FROM ⟦node:22⟧\nONBUILD COPY . /src\nCMD [\"app\"]\n",
            ],
            &[],
        );
        let doc = crate::model::Document::parse("FROM python:3-bullseye\nCMD [\"python\"]\n");
        let found = crate::engine::check_with_rules(&doc, &crate::settings::Settings::default(), &[&super::RULE]);
        assert!(found[0].message.ends_with("can use `python:3-slim-bullseye`"), "{}", found[0].message);
        for (image, slim) in [("node:lts-bookworm", "node:lts-bookworm-slim"), ("ruby:latest", "ruby:slim")] {
            let doc = crate::model::Document::parse(&format!("FROM {image}\nCMD [\"x\"]\n"));
            let found = crate::engine::check_with_rules(&doc, &crate::settings::Settings::default(), &[&super::RULE]);
            assert!(found[0].message.ends_with(&format!("can use `{slim}`")), "{}", found[0].message);
        }
    }
}
