//! ## What it does
//! Checks for build toolchains (`build-essential`, `build-base`, `gcc`,
//! `g++`, `make`, `cmake`, `clang`, `*-dev` and `*-devel` headers …)
//! installed into the final image: in the final stage of a multi-stage
//! build (or a stage it builds on), or in a single-stage build that
//! compiles code.
//!
//! ## Why is this bad?
//! Compilers, headers and build tools are only needed to produce the
//! binaries; at run time they add hundreds of megabytes and a large
//! attack surface. A build stage can install them, compile, and hand only
//! the results to a small final stage with `COPY --from`, so the final
//! image never contains them.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS build
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /out/app .
//! FROM debian:12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends build-essential
//! COPY --from=build /out/app /usr/local/bin/app
//! CMD ["app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /out/app .
//! FROM debian:12-slim
//! COPY --from=build /out/app /usr/local/bin/app
//! CMD ["app"]
//! ```
//!
//! ## Notes
//! Not reported when the RUN (or a later RUN of the stage) removes packages
//! again (`apk del`, `apt-get purge`/`remove`/`autoremove`, `dnf remove`):
//! the official images build from source that way. In a single-stage
//! build only compilers (`gcc`, `g++`, `clang`, `build-essential`,
//! `build-base`) count, and only when a RUN compiles: it calls `go build`,
//! `cargo build`, a C compiler, `make`, `cmake`, `mvn`, `gradle` or
//! `javac`. ONBUILD triggers
//! are not checked, and neither are build and development environments:
//! a final image on a toolchain image (`golang`, `buildpack-deps`, a
//! `-devel` tag) or one without a CMD or ENTRYPOINT that starts something
//! other than a shell or a build tool (`make`, `go`, `cargo`, `mvn`, `esy`
//! …: the image compiles when it runs). Without a CMD, an ENTRYPOINT given
//! as a relative path (`hack/dind`, `man/generate.sh`) is a wrapper script
//! from a source tree mounted at run time, not a program of the image.

use crate::base_images::PackageManager;
use crate::model::{Base, Document, DocumentFact, Instruction, ShellArg, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support::{self as pkg, OsStep};

declare_rule! {
    /// A build toolchain installed in the final image; compile in a build stage
    name: "toolchain-in-final-stage", category: Size, severity: Info,
    kinds: [Run], reads: Document, check_instruction: check,
}

/// Packages that are compilers or build tools.
const TOOLCHAIN: &[&str] = &[
    "build-essential",
    "build-base",
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "autoconf",
    "automake",
    "libtool",
    "golang",
    "rustc",
    "cargo",
];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(script) = run.script() else { return };
    let Some(stage) = run.stage else { return };
    let single = doc.stages.len() == 1;
    let image = doc.fact::<FinalImage>();
    if !image.in_final[stage] || single && !image.compiles || image.build_environment {
        return;
    }
    for (i, cmd) in script.commands.iter().enumerate() {
        if !matches!(pkg::os_step(cmd), Some((_, OsStep::Install))) {
            continue;
        }
        let Some(package) = toolchain_package(cmd, single) else { continue };
        if removes_packages(&script.commands[i + 1..]) || image.removed_after(doc, run) {
            return;
        }
        let name = package.text.split(['=', '>', '<', ':']).next().unwrap_or(&package.text);
        let where_ = if single { "a single-stage build" } else { "the final stage" };
        ctx.report(
            package.range,
            format!(
                "`{name}` is a build toolchain installed in {where_}; compile in a build stage and copy the results"
            ),
        );
        return;
    }
}

/// Compiler packages: what a single-stage build must install to be reported.
const COMPILERS: &[&str] = &["build-essential", "build-base", "gcc", "g++", "gcc-c++", "clang"];

/// The first package operand of an install that is a toolchain or headers
/// (only a compiler when `compilers_only`).
fn toolchain_package(cmd: &ShellCommand, compilers_only: bool) -> Option<&ShellArg> {
    let (_, sub) = pkg::subcommand(&cmd.args, &["-o", "-t", "--virtual", "-X", "--repository", "--setopt"])?;
    let after = cmd.args.iter().position(|a| a.range == sub.range)? + 1;
    let mut skip = false;
    cmd.args[after..].iter().find(|a| {
        if std::mem::take(&mut skip) {
            return false;
        }
        if a.text.starts_with('-') {
            skip = matches!(a.text.as_str(), "--virtual" | "-t" | "-o" | "-X" | "--repository");
            return false;
        }
        let name = a.text.split(['=', '>', '<']).next().unwrap_or(&a.text);
        let name = name.split(':').next().unwrap_or(name);
        if compilers_only {
            return COMPILERS.contains(&name);
        }
        TOOLCHAIN.contains(&name)
            || name.ends_with("-dev")
            || name.ends_with("-devel")
            || name.starts_with("gcc-")
            || name.starts_with("g++-")
    })
}

/// True when one of `commands` removes packages.
fn removes_packages(commands: &[ShellCommand]) -> bool {
    commands.iter().any(|c| {
        let Some(pm) = PackageManager::of_command(c.base_name()) else { return false };
        let Some((_, sub)) = pkg::subcommand(&c.args, &["-o"]) else { return false };
        match pm {
            PackageManager::Apk => sub.text == "del",
            PackageManager::Apt => matches!(sub.text.as_str(), "purge" | "remove" | "autoremove"),
            PackageManager::Rpm => matches!(sub.text.as_str(), "remove" | "erase" | "autoremove" | "history"),
            PackageManager::Zypper => matches!(sub.text.as_str(), "remove" | "rm"),
            PackageManager::Pacman => false,
        }
    })
}

/// What the check asks of the whole document, worked out once.
struct FinalImage {
    /// Per stage: the final stage or one it builds on.
    in_final: Vec<bool>,
    compiles: bool,
    build_environment: bool,
    /// Per instruction: it or a later one of its stage is a RUN that
    /// removes packages.
    removes_from: Vec<bool>,
}

impl DocumentFact for FinalImage {
    fn compute(doc: &Document) -> FinalImage {
        let mut in_final = vec![false; doc.stages.len()];
        let last = doc.stages.len().checked_sub(1);
        for s in last.map(|last| doc.stage_chain(last)).unwrap_or_default() {
            in_final[s.index] = true;
        }
        let mut removes_from = vec![false; doc.instructions.len() + 1];
        for stage in doc.stages.iter().rev() {
            for i in (stage.from..stage.end).rev() {
                let removes = doc.instructions[i].script().is_some_and(|s| removes_packages(&s.commands));
                removes_from[i] = removes || i + 1 < stage.end && removes_from[i + 1];
            }
        }
        FinalImage {
            in_final,
            compiles: compiles(doc),
            build_environment: last.is_some_and(|last| is_build_environment(doc, last)),
            removes_from,
        }
    }
}

impl FinalImage {
    /// True when a later RUN of the same stage removes packages.
    fn removed_after(&self, doc: &Document, run: &Instruction) -> bool {
        doc.stage_of(run).is_some_and(|stage| run.index + 1 < stage.end && self.removes_from[run.index + 1])
    }
}

/// Images whose purpose is building: their final stage keeps toolchains on purpose.
const TOOLCHAIN_IMAGES: &[&str] =
    &["buildpack-deps", "golang", "rust", "gcc", "maven", "gradle", "sdk", "devcontainers", "base", "universal"];

/// True when the final image is a build or development environment rather
/// than an application: it builds on a toolchain image (`golang`,
/// `buildpack-deps`, a `-devel` tag), or it starts no program of its own
/// (no CMD or ENTRYPOINT other than a shell).
fn is_build_environment(doc: &Document, last: usize) -> bool {
    let chain = doc.stage_chain(last);
    let toolchain_base = chain.last().is_some_and(|root| match &root.base {
        Base::Image { reference, .. } => {
            let name = reference.short_name().to_ascii_lowercase();
            let tag = reference.tag.as_deref().unwrap_or("").to_ascii_lowercase();
            TOOLCHAIN_IMAGES.contains(&name.as_str()) || tag.contains("devel") || name.contains("devcontainer")
        }
        _ => false,
    });
    toolchain_base || !pkg::starts_program(doc, last)
}

/// True when some RUN compiles code.
fn compiles(doc: &Document) -> bool {
    doc.instructions.iter().filter_map(|i| i.script()).flat_map(|s| &s.commands).any(|c| {
        let sub = c.args.first().map_or("", |a| a.text.as_str());
        match c.base_name() {
            "go" | "cargo" => matches!(sub, "build" | "install"),
            "gcc" | "g++" | "cc" | "c++" | "clang" | "make" | "cmake" | "mvn" | "gradle" | "javac" => true,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                // A build stage.
                "FROM debian AS build\nRUN apt-get install -y gcc && make\nFROM debian\nCOPY --from=build /a /a\n",
                // Removed again.
                "FROM golang AS b\nFROM alpine\nRUN apk add --virtual .deps gcc musl-dev && make && apk del .deps\n",
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc\n",
                "FROM golang AS b\nFROM alpine\nRUN apk add --virtual .deps gcc\nRUN make\nRUN apk del .deps\n",
                // Single stage without compiling.
                "FROM python:3.12\nRUN apt-get install -y gcc libpq-dev && pip install psycopg2\n",
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y curl libpq5\n",
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y devscripts\n",
                "FROM debian\nRUN apt-get install -y make python3-pip\nRUN make docs\nCMD [\"mkdocs\", \"serve\"]\n",
                // Build environments.
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y gcc\nCMD [\"bash\"]\n",
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y gcc\n",
                "FROM golang AS b\nFROM buildpack-deps:bookworm-scm\nRUN apt-get install -y gcc\nCMD [\"go\"]\n",
                "FROM nvidia/cuda:12.2-devel-ubuntu22.04\nRUN apt-get install -y cmake && cmake .\nCMD [\"app\"]\n",
                "FROM ubuntu:14.04\nRUN apt-get update && apt-get install -y build-essential ruby && gem install fpm\nWORKDIR /go/src/project\nCOPY . .\nRUN make\nENTRYPOINT [\"hack/dind\"]\n",
                "FROM ubuntu:xenial\nRUN apt-get update && apt-get install -y --no-install-recommends gcc golang\nRUN go build -o /usr/bin/tool example.com/tool\nWORKDIR /go/src/example.com/project\nENTRYPOINT [\"man/generate.sh\"]\n",
                "FROM node:22 AS b\nFROM node:22\nRUN apt-get install -y gcc make m4 && npm install -g esy\nENTRYPOINT [\"esy\"]\n",
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y gcc\nCMD [\"make\", \"test\"]\n",
            ],
            &[
                "FROM golang AS b\nFROM debian\nRUN apt-get install -y --no-install-recommends ⟦build-essential⟧ curl\nCMD [\"app\"]\n",
                "FROM golang AS b\nFROM alpine\nRUN apk add --no-cache --virtual .x curl ⟦musl-dev⟧\nCMD [\"app\"]\n",
                "FROM golang AS b\nFROM rockylinux:9\nRUN dnf install -y ⟦gcc-c++⟧\nCMD [\"app\"]\n",
                "FROM golang AS b\nFROM debian AS base\nRUN apt-get install -y ⟦libssl-dev=3.0⟧\nFROM base\nCMD [\"app\"]\n",
                "FROM debian\nRUN apt-get install -y ⟦gcc⟧ && gcc -o /x x.c\nCMD [\"app\"]\n",
                "FROM debian\nRUN apt-get install -y make ⟦g++⟧\nRUN make install\nCMD [\"app\"]\n",
                // A relative ENTRYPOINT with a CMD, or from `.`, is the image's program.
                "FROM debian\nRUN apt-get install -y ⟦gcc⟧ && gcc -o bin/app app.c\nENTRYPOINT [\"bin/app\"]\nCMD [\"--serve\"]\n",
                "FROM debian\nRUN apt-get install -y ⟦gcc⟧ && gcc -o app app.c\nENTRYPOINT [\"./app\"]\n",
            ],
            &[],
        );
    }
}
