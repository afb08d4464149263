//! ## What it does
//! Checks for a copy of the whole build context (`COPY . .`, `ADD . /app`)
//! that comes before a dependency install of the same stage (`npm ci`,
//! `pip install -r requirements.txt`, `go mod download`, `bundle install`,
//! `composer install`, `cargo build`, `mvn`, `gradle` …) when the
//! dependency manifests were not copied on their own first.
//!
//! ## Why is this bad?
//! The builder reuses a layer only while everything before it is unchanged,
//! and a `COPY` changes whenever any copied file does. After `COPY . .`,
//! editing a single source file invalidates the install below it, and every
//! build downloads and installs all dependencies again. Copying only the
//! manifest and lock files first, installing, and copying the rest
//! afterwards keeps the install cached until the dependencies change.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package*.json ./
//! RUN npm ci
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix safety
//! When the install is the whole RUN right after the copy, and its
//! manifests are known (`package*.json`; `package.json` with `yarn.lock*`,
//! `pnpm-lock.yaml*` or `bun.lock*`; the `-r` files of pip; `Pipfile*`;
//! `go.mod go.sum*` for `go mod download`; `Gemfile*`), the fix copies the
//! manifests first and moves the RUN above the broad copy. It is unsafe:
//! an install that reads other files (a postinstall script, a local path
//! dependency) fails once it runs before the sources are there.
//!
//! ## Notes
//! `pip install` counts only with `-r`; `go build` and `cargo build` count
//! as installs because they download modules and crates the first time.
//! Not reported when an earlier COPY in the stage (or a stage it builds on)
//! already copied a manifest of the same ecosystem, when the install RUN
//! uses a `--mount=type=cache` (the download cache survives), for
//! vendored or offline builds (`-mod=vendor`, `--offline`), for Go code
//! copied into `GOPATH` (`/go/src/…`, built in GOPATH mode), or inside
//! ONBUILD. A bare `go get` (or `go get ./...`) counts only with a sign of
//! module mode (`GO111MODULE=on`, a `go mod` command, Go 1.16 or later):
//! in GOPATH mode it reads the imports of the sources, and there is no
//! manifest to copy first.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Document, Instruction, InstructionKind, ShellCommand};
use crate::rule::{Context, declare_rule};

use super::support::{self, Ecosystem};

declare_rule! {
    /// `COPY . .` before a dependency install reruns the install on every source change
    name: "broad-copy-before-install", category: Cache, severity: Warning, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Copy, Add], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let stage = doc.stage_run_of(copy);
    if !support::is_broad_copy(copy) {
        return;
    }
    let earlier = &doc.instructions[stage.start..copy.index];
    if earlier.iter().any(support::is_broad_copy) {
        return;
    }
    let later = &doc.instructions[copy.index + 1..stage.end];
    // A bare `go get` reads the imports of the sources; it has a manifest
    // to copy first only in module mode. Without a sign of that, the stage
    // builds in GOPATH mode, and its other Go commands download nothing.
    let mut gopath_mode = false;
    let Some((run, cmd, eco)) = later.iter().filter(|i| i.kind == InstructionKind::Run).find_map(|run| {
        let script = run.script()?;
        script.commands.iter().enumerate().find_map(|(i, c)| {
            let eco = support::dependency_install(c)?;
            if eco == Ecosystem::Go {
                gopath_mode = gopath_mode
                    || c.args.first().is_some_and(|a| a.text == "get")
                        && !support::go_module_evidence(doc, run, i, true);
                if gopath_mode {
                    return None;
                }
            }
            Some((run, c, eco))
        })
    }) else {
        return;
    };
    if offline(cmd, eco) || run.has_cache_mount() || manifest_copied_before(doc, copy, eco) || gopath(copy, eco) {
        return;
    }
    let shown = doc.text().get(copy.range.as_range()).unwrap_or("COPY . .").lines().next().unwrap_or("");
    let installs = doc.text().get(cmd.range.as_range()).unwrap_or(eco.name());
    let message = format!(
        "`{shown}` comes before `{}`: any change to the build context reruns the install; copy {} first",
        first_line(installs),
        eco.manifests().join(" ")
    );
    let diagnostic =
        ctx.report(copy.range, message).with_related(cmd.range, "the install whose cache the broad copy invalidates");
    if let Some(fix) = reorder_fix(doc, copy, run, cmd, eco) {
        diagnostic.with_fix(fix);
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim_end_matches('\\').trim_end();
    if line.len() < text.trim_end().len() { format!("{line} …") } else { line.to_string() }
}

/// A Go project copied into `GOPATH` (`/go/src/…`) builds in GOPATH mode,
/// from vendored or pre-fetched packages, not from a module download.
fn gopath(copy: &Instruction, eco: Ecosystem) -> bool {
    eco == Ecosystem::Go
        && copy.args.last().is_some_and(|d| {
            let dest = d.value();
            dest.starts_with("/go/src") || dest.starts_with("$GOPATH") || dest.starts_with("${GOPATH}")
        })
}

/// Vendored or offline builds download nothing.
fn offline(cmd: &ShellCommand, eco: Ecosystem) -> bool {
    cmd.args.iter().any(|a| {
        matches!(a.text.as_str(), "-mod=vendor" | "--offline" | "--no-index")
            || (eco == Ecosystem::Maven && a.text == "-o")
    })
}

/// A COPY/ADD before `copy` in its stage (or a stage it builds on) that
/// copies one of the ecosystem's manifests.
fn manifest_copied_before(doc: &Document, copy: &Instruction, eco: Ecosystem) -> bool {
    let copies_manifest = |range: std::ops::Range<usize>| {
        doc.instructions[range]
            .iter()
            .filter(|i| matches!(i.kind, InstructionKind::Copy | InstructionKind::Add))
            .any(|i| support::copy_sources(i).iter().any(|src| eco.is_manifest(src)))
    };
    match copy.stage {
        Some(stage) => doc.stage_chain(stage).iter().any(|s| copies_manifest(s.from..s.end.min(copy.index))),
        None => copies_manifest(0..copy.index),
    }
}

/// COPY sources for the manifests a fix can copy first, or `None` when
/// the install cannot run before the sources are there.
fn fix_manifests(cmd: &ShellCommand, eco: Ecosystem) -> Option<Vec<String>> {
    let fixed = |list: &[&str]| Some(list.iter().map(|s| s.to_string()).collect());
    match eco {
        Ecosystem::Npm => fixed(&["package*.json"]),
        Ecosystem::Yarn => fixed(&["package.json", "yarn.lock*"]),
        Ecosystem::Pnpm => fixed(&["package.json", "pnpm-lock.yaml*"]),
        Ecosystem::Bun => fixed(&["package.json", "bun.lock*"]),
        Ecosystem::Pipenv => fixed(&["Pipfile*"]),
        Ecosystem::Bundler => fixed(&["Gemfile*"]),
        Ecosystem::Go if cmd.args.first().is_some_and(|a| a.text == "mod") => fixed(&["go.mod", "go.sum*"]),
        Ecosystem::Pip => {
            let mut files = Vec::new();
            for (i, arg) in cmd.args.iter().enumerate() {
                let file = match arg.text.as_str() {
                    "-r" | "--requirement" => cmd.args.get(i + 1).map(|a| a.text.clone()),
                    t => t.strip_prefix("--requirement=").or_else(|| t.strip_prefix("-r")).map(str::to_string),
                };
                if let Some(file) = file.filter(|f| !f.is_empty()) {
                    files.push(file);
                }
            }
            let plain = |f: &String| !f.starts_with('/') && !f.contains("..") && !f.contains('$');
            (!files.is_empty() && files.iter().all(plain)).then_some(files)
        }
        _ => None,
    }
}

/// Copy the manifests first and move the install above the broad copy,
/// when the install is the whole RUN right after it.
fn reorder_fix(
    doc: &Document,
    copy: &Instruction,
    run: &Instruction,
    cmd: &ShellCommand,
    eco: Ecosystem,
) -> Option<Fix> {
    let script = run.script()?;
    if run.index != copy.index + 1
        || script.commands.len() != 1
        || !run.heredocs.is_empty()
        || !copy.heredocs.is_empty()
    {
        return None;
    }
    let manifests = fix_manifests(cmd, eco)?;
    let text = doc.text();
    if !text.get(copy.range.end..run.range.start)?.trim().is_empty() {
        return None;
    }
    let dest = copy.args.last()?;
    let mut dest_text = text.get(dest.range.as_range())?.to_string();
    if dest.has_expansion() && dest_text.starts_with('"') {
        return None;
    }
    if !dest_text.ends_with('/') {
        dest_text.push('/');
    }
    let keyword = if copy.kind == InstructionKind::Copy { copy.keyword.clone() } else { "COPY".to_string() };
    let flags: String = copy
        .flags
        .iter()
        .filter(|f| matches!(f.name.to_ascii_lowercase().as_str(), "chown" | "chmod"))
        .filter_map(|f| text.get(f.range.as_range()))
        .map(|f| format!("{f} "))
        .collect();
    let copy_text = text.get(copy.range.as_range())?;
    let run_text = text.get(run.range.as_range())?;
    let replacement = format!("{keyword} {flags}{} {dest_text}\n{run_text}\n{copy_text}", manifests.join(" "));
    Some(Fix::unsafe_(
        format!("Copy {} and install before the broad copy", manifests.join(" ")),
        vec![Edit::replace(TextRange::new(copy.range.start, run.range.end), replacement)],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
                "FROM node\nCOPY package.json yarn.lock ./\nRUN yarn\nCOPY . .\nRUN yarn install --offline\n",
                "FROM python\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
                "FROM python\nCOPY . .\nRUN pip install .\n",
                "FROM golang AS base\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM base\nCOPY . .\nRUN go build -o /app\n",
                "FROM golang\nCOPY . .\nRUN go build -mod=vendor -o /app\n",
                "FROM golang\nCOPY . .\nRUN --mount=type=cache,target=/root/go/pkg/mod go build -o /app\n",
                "FROM node\nCOPY . .\nRUN npm run build\n",
                "FROM node\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY src ./src\nRUN npm ci\n",
                "FROM node\nRUN npm ci\nCOPY . .\n",
                "FROM node\nONBUILD COPY . .\nONBUILD RUN npm ci\n",
                "FROM node\nCOPY . .\nFROM node\nRUN npm ci\n",
                "FROM golang\nCOPY . .\nRUN go install golang.org/x/tools/cmd/goimports@latest\n",
                "FROM golang:1.7\nADD . /go/src/github.com/x/y\nRUN go build -o /y github.com/x/y\n",
                // A bare `go get` in GOPATH mode reads the sources' imports.
                "FROM golang:1.10\nWORKDIR /app\nCOPY . .\nRUN go get -v\nRUN go build main.go\n",
                "FROM gcr.io/cloud-builders/go\nWORKDIR /app\nCOPY . .\nRUN go get -v ./...\n",
            ],
            &[
                "FROM node\nWORKDIR /app\n⟦COPY . .⟧\nRUN npm ci\n",
                "FROM python:3.12\n⟦ADD . /app⟧\nRUN pip install --no-cache-dir -r /app/requirements.txt\n",
                "FROM golang\n⟦COPY ./ ./⟧\nRUN go mod download && go build -o /bin/app\n",
                "FROM golang\n⟦COPY . .⟧\nRUN CGO_ENABLED=0 go build -o /bin/app ./cmd/app\n",
                "FROM ruby\n⟦COPY . /src⟧\nWORKDIR /src\nRUN bundle install\n",
                "FROM composer\n⟦COPY --chown=app . .⟧\nRUN composer install --no-dev\n",
                "FROM rust\n⟦COPY . .⟧\nRUN cargo build --release\n",
                "FROM golang\n⟦COPY . .⟧\nRUN go get . && go build -o /app\n",
                "FROM gcr.io/cloud-builders/go\nENV GO111MODULE=on\n⟦COPY . .⟧\nRUN go get -v\n",
                "FROM gcr.io/cloud-builders/go\n⟦COPY . .⟧\nRUN go mod tidy && go get -v\n",
                "FROM maven\n⟦COPY . .⟧\nRUN mvn -B package\n",
                "FROM python\n⟦COPY . .⟧\nRUN poetry install --no-root\n",
                "FROM python\n⟦COPY . .⟧\nRUN uv sync --locked\n",
                "FROM node\nCOPY tsconfig.json .\n⟦COPY . .⟧\nRUN yarn install --frozen-lockfile\n",
            ],
            &[
                (
                    "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n",
                    "FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"x.js\"]\n",
                ),
                (
                    "FROM python\nCOPY --chown=app:app . /app\nRUN pip install -r requirements.txt -r dev.txt\n",
                    "FROM python\nCOPY --chown=app:app requirements.txt dev.txt /app/\nRUN pip install -r requirements.txt -r dev.txt\nCOPY --chown=app:app . /app\n",
                ),
                (
                    "FROM golang\nadd . .\nRUN go mod download\n",
                    "FROM golang\nCOPY go.mod go.sum* ./\nRUN go mod download\nadd . .\n",
                ),
                // No fix: the RUN builds too, or something sits in between.
                (
                    "FROM node\nCOPY . .\nRUN npm ci && npm run build\n",
                    "FROM node\nCOPY . .\nRUN npm ci && npm run build\n",
                ),
                ("FROM node\nCOPY . .\nENV X=1\nRUN npm ci\n", "FROM node\nCOPY . .\nENV X=1\nRUN npm ci\n"),
            ],
        );
    }

    /// Unsafe: an install that reads other files fails once it runs before the sources are there.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n",
                "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n",
            )],
        );
    }
}
