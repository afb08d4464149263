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
//! not reported, nor an install after an earlier RUN of the stage (or a
//! stage it builds on) prefetched the same ecosystem's dependencies (`mvn
//! dependency:go-offline`, `gradle dependencies`, `go mod download`, `cargo
//! fetch`, `pip download`): that layer stays cached while the manifests do
//! not change (the prefetch itself is reported). Go commands count only
//! where a module may be built (a copied `go.mod`, the build context or a
//! folder, a clone, a `go mod` command, `GO111MODULE=on`; not Go before
//! 1.11); Go downloads modules to `/go/pkg/mod` (`GOMODCACHE`) and keeps
//! its build cache in `/root/.cache/go-build`. An install run as another
//! user (`sudo -u`, `su USER -c`, `runuser -u`) is not reported: its cache
//! is in that user's home, which the rule cannot know.

use crate::model::{Document, DocumentFact, Instruction, InstructionKind, Scope};
use crate::rule::{Context, declare_rule};

use super::support::{self, Ecosystem};

declare_rule! {
    /// A dependency install without a cache mount downloads everything again on each rebuild
    name: "missing-cache-mount", category: Cache, severity: Info,
    kinds: [Run], reads: Document, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    if run.has_cache_mount() || !doc.fact::<UsesBuildkit>().0 {
        return;
    }
    let Some(script) = run.script() else { return };
    let Some((cmd, ecosystem)) = script.commands.iter().enumerate().find_map(|(i, c)| {
        let ecosystem = support::dependency_install(c)?;
        let counts = (ecosystem != Ecosystem::Go || support::go_module_evidence(doc, run, i, false))
            && !support::runs_as_other_user(doc, run, c)
            && !prefetched_before(doc, run, ecosystem);
        counts.then_some((c, ecosystem))
    }) else {
        return;
    };
    let message = if ecosystem == Ecosystem::Go {
        let scope = Scope::at(doc, run.index);
        let modules = scope.value("GOMODCACHE").or_else(|| {
            let gopath = scope.value("GOPATH")?;
            Some(format!("{}/pkg/mod", gopath.split(':').next().unwrap_or("").trim_end_matches('/')))
        });
        format!(
            "`go` downloads every module again when this layer is rebuilt; `--mount=type=cache,target={}` keeps the module cache between builds (and one on `/root/.cache/go-build` the build cache)",
            modules.as_deref().unwrap_or("/go/pkg/mod")
        )
    } else {
        format!(
            "`{}` downloads every dependency again when this layer is rebuilt; `--mount=type=cache,target={}` keeps the download cache between builds",
            ecosystem.name(),
            cache_dir(ecosystem)
        )
    };
    ctx.report(cmd.range, message);
}

/// True when an earlier RUN of the stage (or a stage it builds on) already
/// downloaded the ecosystem's dependencies (`mvn dependency:go-offline`,
/// `go mod download` …): that layer stays cached while the manifests are
/// unchanged, and the install finds the dependencies there.
fn prefetched_before(doc: &Document, run: &Instruction, ecosystem: Ecosystem) -> bool {
    let Some(stage) = run.stage else { return false };
    doc.stage_chain(stage).iter().any(|s| {
        doc.instructions[s.from..s.end.min(run.index)]
            .iter()
            .filter(|i| i.kind == InstructionKind::Run)
            .flat_map(|i| i.commands())
            .any(|c| support::prefetch(c) == Some(ecosystem))
    })
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
        Ecosystem::Go => "/go/pkg/mod",
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
                // After a prefetch of the same ecosystem in an earlier RUN.
                "# syntax=docker/dockerfile:1\nFROM maven:3.9 AS build\nWORKDIR /src\nCOPY pom.xml .\nRUN --mount=type=cache,target=/root/.m2 mvn dependency:go-offline\nCOPY src src\nRUN mvn package\n",
                "# syntax=docker/dockerfile:1\nFROM rust:1.80 AS base\nCOPY Cargo.toml .\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo fetch\nFROM base\nRUN cargo build --release\n",
                // Go without a module: only main.go, GOPATH mode, Go before 1.11.
                "# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nWORKDIR /src\nCOPY main.go main.go\nRUN CGO_ENABLED=0 go build -o /app main.go\n",
                "# syntax=docker/dockerfile:1\nFROM golang:1.22\nCOPY . .\nRUN GO111MODULE=off go build -o /app .\n",
                "# syntax=docker/dockerfile:1\nFROM golang:1.10\nCOPY . /go/src/app\nRUN go build -o /app app\n",
                // Run as another user: the cache is in that user's home.
                "# syntax=docker/dockerfile:1\nFROM ruby:3.3\nCOPY Gemfile Gemfile.lock ./\nRUN sudo -u app bundle install\n",
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN sudo -u node sh -c 'npm ci'\n",
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN su node -c 'npm ci' && runuser -u node -- npm ci\n",
            ],
            &[
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN ⟦npm ci⟧\n",
                "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN ⟦pip install -r requirements.txt⟧\n",
                "FROM golang:1.22\nRUN --mount=type=bind,source=.,target=/src ⟦go mod download⟧\n",
                "FROM golang:1.22 AS build\nRUN --mount=type=secret,id=netrc true\nCOPY . .\nRUN ⟦go build -o /app .⟧\n",
                "# syntax=docker/dockerfile:1\nFROM golang:1.22\nCOPY go.* ./\nRUN ⟦go build ./...⟧\n",
                "# syntax=docker/dockerfile:1\nFROM golang:1.22\nRUN git clone https://example.com/x.git && cd x && ⟦go build .⟧\n",
                // The prefetch itself, a root `sudo`, another ecosystem's prefetch.
                "# syntax=docker/dockerfile:1\nFROM maven:3.9\nCOPY pom.xml .\nRUN ⟦mvn dependency:go-offline⟧\nCOPY src src\nRUN mvn package\n",
                "# syntax=docker/dockerfile:1\nFROM node:22\nRUN ⟦sudo npm ci⟧\n",
                "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=cache,target=/root/.m2 mvn dependency:go-offline\nRUN ⟦pip install -r requirements.txt⟧\n",
                "# syntax=docker/dockerfile:1.7\nFROM rust:1.80\nRUN cargo --version && ⟦cargo build --release⟧\n",
                "# syntax=docker/dockerfile:1\nFROM maven:3\nRUN <<EOF\nset -e\n⟦mvn -B package⟧\nEOF\n",
            ],
            &[],
        );
    }

    #[test]
    fn go_names_the_module_cache() {
        let doc = crate::model::Document::parse(
            "# syntax=docker/dockerfile:1\nFROM golang:1.22\nENV GOPATH=/gopath\nCOPY go.mod go.sum ./\nRUN go mod download\n",
        );
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(
            found[0].message,
            "`go` downloads every module again when this layer is rebuilt; `--mount=type=cache,target=/gopath/pkg/mod` keeps the module cache between builds (and one on `/root/.cache/go-build` the build cache)"
        );
    }
}
