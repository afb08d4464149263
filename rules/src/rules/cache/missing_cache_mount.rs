//! ## What it does
//! Checks, in Dockerfiles that already use BuildKit (a `# syntax=`
//! directive, or a `RUN --mount` somewhere), for a RUN that installs a
//! project's dependencies with a language package manager (npm, yarn, pnpm,
//! bun, pip, poetry, uv, pipenv, go, cargo, bundler, composer, maven,
//! gradle) without a cache mount.
//!
//! ## Why is this bad?
//! When the layer has to be rebuilt (a lock file changed), the package
//! manager downloads every dependency again, because its download cache
//! lived in the previous layer, which is thrown away. A
//! `--mount=type=cache` keeps that cache on the build host between builds
//! and out of the image, so a rebuild fetches only what changed.
//!
//! ## Example
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN --mount=type=cache,target=/root/.npm npm ci
//! ```
//!
//! ## Fix safety
//! No fix: where the cache lives depends on the user the build runs as and
//! on the tool's configuration, and the message only suggests the usual
//! directory.
//!
//! ## Notes
//! Files without any sign of BuildKit are left alone: the classic builder
//! rejects `--mount`. System package managers (`apt-get`, `apk`, `dnf`) are
//! not reported: the official Debian and Ubuntu images delete downloaded
//! packages after each install, so a cache mount only helps once that
//! configuration is changed too. A RUN that already has any cache mount is
//! not reported.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Document, DocumentFact, Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

use super::support::{self, Ecosystem};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-cache-mount",
        aliases: &[],
        category: Category::Cache,
        severity: Severity::Info,
        fix: FixAvailability::None,
        summary: "A dependency install without a cache mount downloads everything again on each rebuild",
        source: include_str!("missing_cache_mount.rs"),
        path: "rules/src/rules/cache/missing_cache_mount.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: false,
    check_instruction: Some(check),
    check_document: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    if run.has_cache_mount() || !ctx.doc.fact::<UsesBuildkit>().0 {
        return;
    }
    let Some(script) = &run.script else { return };
    let Some((cmd, ecosystem)) = script.commands.iter().find_map(|c| support::dependency_install(c).map(|e| (c, e)))
    else {
        return;
    };
    ctx.report(
        cmd.range,
        format!(
            "`{}` downloads every dependency again when this layer is rebuilt; `--mount=type=cache,target={}` keeps the download cache between builds",
            ecosystem.name(),
            cache_dir(ecosystem)
        ),
    );
}

/// A `# syntax=` directive, or a `RUN --mount` anywhere in the file (looked
/// up once per document, not once per RUN).
struct UsesBuildkit(bool);

impl DocumentFact for UsesBuildkit {
    fn compute(doc: &Document) -> UsesBuildkit {
        UsesBuildkit(
            doc.directives.iter().any(|d| d.name.eq_ignore_ascii_case("syntax"))
                || doc.instructions.iter().any(|i| i.kind == InstructionKind::Run && i.flag("mount").is_some()),
        )
    }
}

/// Where the tool keeps its download cache when the build runs as root in
/// the official images.
fn cache_dir(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Npm => "/root/.npm",
        Ecosystem::Yarn => "/usr/local/share/.cache/yarn",
        Ecosystem::Pnpm => "/root/.local/share/pnpm/store",
        Ecosystem::Bun => "/root/.bun/install/cache",
        Ecosystem::Pip => "/root/.cache/pip",
        Ecosystem::Poetry => "/root/.cache/pypoetry",
        Ecosystem::Uv => "/root/.cache/uv",
        Ecosystem::Pipenv => "/root/.cache/pipenv",
        Ecosystem::Go => "/root/.cache/go-build",
        Ecosystem::Cargo => "/usr/local/cargo/registry",
        Ecosystem::Bundler => "/usr/local/bundle/cache",
        Ecosystem::Composer => "/tmp/cache",
        Ecosystem::Maven => "/root/.m2",
        Ecosystem::Gradle => "/root/.gradle",
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
                // No sign of BuildKit: the classic builder has no cache mounts.
                "FROM node:22\nRUN npm ci\n",
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
                "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n",
                // Not a dependency install, or a system package manager.
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN npm run build\n",
                "# syntax=docker/dockerfile:1\nFROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN pip install flask==3.0.0\n",
                "# syntax=docker/dockerfile:1\nFROM golang:1.22\nRUN go install example.com/tool@v1.2.3\n",
            ],
            &[
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN ⟦npm ci⟧\n",
                "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN ⟦pip install -r requirements.txt⟧\n",
                "FROM golang:1.22\nRUN --mount=type=bind,source=.,target=/src ⟦go mod download⟧\n",
                "FROM golang:1.22 AS build\nRUN --mount=type=secret,id=netrc true\nRUN ⟦go build -o /app .⟧\n",
                "# syntax=docker/dockerfile:1.7\nFROM rust:1.80\nRUN cargo --version && ⟦cargo build --release⟧\n",
                "# syntax=docker/dockerfile:1\nFROM maven:3\nRUN <<EOF\nset -e\n⟦mvn -B package⟧\nEOF\n",
            ],
            &[],
        );
    }
}
