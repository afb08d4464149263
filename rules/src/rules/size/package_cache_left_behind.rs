//! ## What it does
//! Checks for language package managers and build tools that leave their
//! download or build cache in the layer: `npm install`/`npm ci` (npm's
//! cache in `~/.npm`), `go build`/`go install`/`go mod download` (the
//! module cache and `~/.cache/go-build`), `cargo build`/`cargo install`
//! (the crate registry in `$CARGO_HOME/registry`), `composer install`
//! (`~/.cache/composer`) and `gem install`/`bundle install` (the downloaded
//! `.gem` files in `$GEM_HOME/cache`, `/usr/local/bundle/cache` in the
//! official Ruby images). For pnpm, whose store is hard-linked into
//! `node_modules`, it checks the cases where the store holds packages that
//! `node_modules` no longer links: `pnpm prune` (or a production install)
//! after a full install in the same RUN, and `pnpm fetch` of every
//! dependency followed by a production-only install in the stage.
//!
//! ## Why is this bad?
//! These tools keep every package they download (and Go every compiled
//! package) so the next run can skip the work. In an image build there is
//! no next run in that layer: the cache is committed with it and often
//! weighs as much as what was installed. Cleaning it in the same RUN, or
//! mounting a BuildKit cache over it, keeps it out of the image (and the
//! cache mount still speeds up the next build).
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package*.json ./
//! RUN npm ci --omit=dev
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package*.json ./
//! RUN npm ci --omit=dev && npm cache clean --force
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix safety
//! For npm, Go, composer and pnpm the fix appends the tool's own cleanup
//! (`npm cache clean --force`, `go clean -cache -modcache`, `composer
//! clear-cache`, `pnpm store prune`) to a shell-form RUN. Only caches (for
//! pnpm, store entries nothing links any more) are deleted, so the fix is
//! safe when nothing later can read them. It is unsafe when:
//! - a later RUN of the stage or of a stage built `FROM` it (or an ONBUILD
//!   trigger) runs the same tool (`npx` for npm) before cleaning itself:
//!   `RUN go mod download` exists so that the later `go build` finds the
//!   modules; without them it downloads again, which fails without the
//!   network or the credentials (a secret mount) this RUN had. So may a
//!   script or `make` dockside cannot see into, a `CMD` that runs the tool,
//!   and a `COPY --from` of the cache;
//! - the RUN is an ONBUILD trigger (what follows it is in another
//!   Dockerfile);
//! - the tool ran through `sudo`, in a `-c` string or a subshell (an `nvm`
//!   login shell, say), or by a path or another name (`./composer.phar`):
//!   the appended command may not find the tool or its cache;
//! - a `--mount` covers the cache;
//! - for Go, the toolchain is not known to be Go 1.11 or later (an official
//!   `golang` image): older ones lack `-modcache` and the appended command
//!   fails.
//!
//! ## Notes
//! Only stages whose files reach an image are checked: a build stage whose
//! results are copied out with `COPY --from` does not ship its caches.
//! Development and build environments (no CMD or ENTRYPOINT that starts
//! something other than a shell or a build tool such as `make` or `go`, or
//! only a wrapper script at a relative path such as `hack/dind`) are not
//! checked either. A
//! cleanup later in the RUN (the tool's command, or an `rm` of the cache
//! directory), a `--mount=type=cache` or `type=tmpfs` over it, or a cache
//! location moved by `npm_config_cache`, `GOCACHE`/`GOMODCACHE`,
//! `CARGO_HOME` or `COMPOSER_CACHE_DIR` (in ENV, ARG or the script) is
//! accepted. Go's build cache exists since Go 1.10: with an older
//! toolchain (an official `golang:1.9` image, a `go1.9….tar.gz` download,
//! the `golang` package of Ubuntu 14.04 or 16.04, Debian 8 or 9), `go
//! build` and `go install` leave nothing, and `go get` leaves only what it
//! fetched into GOPATH, which an `rm` of `$GOPATH` removes. Where nothing
//! is downloaded (a build without a module, as in GOPATH mode) the message
//! names the build cache. A plain `pnpm install` is not reported: its store is
//! hard-linked into `node_modules`, so the layer holds each file once; only
//! packages the store keeps after `node_modules` dropped them cost space
//! (`pnpm store prune`, a cache mount over the store or a store moved by
//! `npm_config_store_dir` is accepted). yarn has its own rule
//! (`yarn-cache-not-cleaned`) and pip too (`pip-install-keeps-cache`).

use crate::base_images::family::is_official;
use crate::diagnostic::{Applicability, Fix};
use crate::model::{Base, Document, Instruction, Scope, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::Dependence;

use super::support;
use crate::rules::cache::support as cache_support;

declare_rule! {
    /// npm, Go, cargo, composer, gem or pnpm leave their download cache in the layer
    name: "package-cache-left-behind", category: Size, severity: Info, fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, reads: Document, check_instruction: check,
}

/// One tool: how to recognise its installs, its cache, and its cleanup.
struct Tool {
    name: &'static str,
    /// Words that, in a cache path, name this tool's cache.
    cache_words: &'static [&'static str],
    /// Where the cache lives by default (for "does it reach an image").
    cache_dirs: &'static [&'static str],
    /// Variables that move the cache elsewhere.
    env: &'static [&'static str],
    cleanup: Option<&'static str>,
    /// The programs that read the cache.
    programs: &'static [&'static str],
}

const NPM: Tool = Tool {
    name: "npm",
    cache_words: &[".npm"],
    cache_dirs: &["/root/.npm", "/home/node/.npm"],
    env: &["npm_config_cache", "NPM_CONFIG_CACHE"],
    cleanup: Some("npm cache clean --force"),
    programs: &["npm", "npx"],
};
const GO: Tool = Tool {
    name: "go",
    cache_words: &["go-build", "/go/pkg/mod", "pkg/mod", "/root/.cache"],
    cache_dirs: &["/root/.cache/go-build", "/go/pkg/mod"],
    env: &["GOCACHE", "GOMODCACHE"],
    cleanup: Some("go clean -cache -modcache"),
    programs: &["go"],
};
const CARGO: Tool = Tool {
    name: "cargo",
    cache_words: &["cargo/registry", "cargo/git", ".cargo"],
    cache_dirs: &["/usr/local/cargo/registry", "/root/.cargo/registry"],
    env: &["CARGO_HOME"],
    cleanup: None,
    programs: &["cargo"],
};
const COMPOSER: Tool = Tool {
    name: "composer",
    cache_words: &["composer"],
    cache_dirs: &["/root/.cache/composer", "/root/.composer/cache", "/tmp/cache"],
    env: &["COMPOSER_CACHE_DIR", "COMPOSER_HOME"],
    cleanup: Some("composer clear-cache"),
    programs: &["composer", "composer.phar"],
};

const GEM: Tool = Tool {
    name: "gem",
    cache_words: &["bundle/cache", "gems/cache", ".gem", "gem/cache"],
    cache_dirs: &["/usr/local/bundle/cache", "/root/.gem", "/root/.local/share/gem"],
    env: &[],
    cleanup: None,
    programs: &["gem", "bundle", "bundler"],
};

const PNPM: Tool = Tool {
    name: "pnpm",
    cache_words: &["pnpm/store", "pnpm-store"],
    cache_dirs: &["/root/.local/share/pnpm/store", "/root/.pnpm-store", "/pnpm/store"],
    env: &["npm_config_store_dir", "NPM_CONFIG_STORE_DIR"],
    cleanup: Some("pnpm store prune"),
    programs: &["pnpm", "pnpx"],
};

/// The tool whose cache `cmd` fills.
fn tool_of(cmd: &ShellCommand) -> Option<&'static Tool> {
    let sub = support::first_positional(&cmd.args, &["--prefix", "-C", "--cache", "--working-dir", "-d"])
        .map(|(_, a)| a.text.as_str());
    match (cmd.base_name(), sub) {
        ("npm", Some("install" | "i" | "ci" | "add" | "clean-install" | "update")) => Some(&NPM),
        ("go", Some("build" | "install" | "get" | "test")) => Some(&GO),
        ("go", Some("mod")) if cmd.args.iter().any(|a| a.text == "download") => Some(&GO),
        ("cargo", Some("build" | "install" | "fetch")) => Some(&CARGO),
        ("composer" | "composer.phar", Some("install" | "require" | "update")) => Some(&COMPOSER),
        ("gem", Some("install")) | ("bundle" | "bundler", Some("install")) => Some(&GEM),
        // A bare `bundle` installs; `bundle --version` does not.
        ("bundle" | "bundler", None) if cmd.args.is_empty() => Some(&GEM),
        _ => None,
    }
}

/// True when `cmd` cleans `tool`'s cache.
fn cleans(tool: &Tool, cmd: &ShellCommand) -> bool {
    let words: Vec<&str> = cmd.args.iter().map(|a| a.text.as_str()).collect();
    let covers = |path: &str| tool.cache_words.iter().any(|w| path.contains(w)) || path.contains("cache dir");
    match (cmd.base_name(), tool.name) {
        ("npm", "npm") => words.first() == Some(&"cache") && words.get(1).is_some_and(|w| *w == "clean"),
        ("go", "go") => words.first() == Some(&"clean") && words.iter().any(|w| w.contains("cache")),
        ("composer" | "composer.phar", "composer") => {
            words.iter().any(|w| matches!(*w, "clear-cache" | "clearcache" | "cc"))
        }
        ("rm", _) => cmd.positional().any(|a| covers(&a.text)),
        _ => false,
    }
}

/// True when `cmd` removes GOPATH (`rm -rf $GOPATH`, `/go`, `~/go`), where
/// GOPATH-mode `go get` puts what it downloads.
fn removes_gopath(cmd: &ShellCommand, scope: &Scope) -> bool {
    let gopath = scope.value("GOPATH");
    let gopath = gopath.as_deref().and_then(|g| g.split(':').next()).map(|g| g.trim_end_matches('/'));
    cmd.base_name() == "rm"
        && cmd.positional().any(|a| {
            let path = a.text.trim_end_matches('/');
            matches!(path, "$GOPATH" | "${GOPATH}" | "/go" | "~/go" | "/root/go" | "$HOME/go")
                || gopath.is_some_and(|g| !g.is_empty() && support::is_within(g, path))
        })
}

/// True when the cache is moved or kept out of the layer for the whole RUN.
fn cache_elsewhere(tool: &Tool, run: &Instruction, script: &ShellScript, scope: &Scope) -> bool {
    tool.env.iter().any(|v| scope.is_defined(v) || script.text.contains(v))
        || support::has_cache_mount(run, |t| {
            tool.cache_words.iter().any(|w| t.contains(w.trim_end_matches('/')))
                || t.ends_with("/.cache")
                || t == "/root"
        })
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    // Development and build environments keep their caches on purpose.
    let Some(last) = ctx.doc.stages.len().checked_sub(1) else { return };
    if !crate::rules::cache::support::starts_program(ctx.doc, last) {
        return;
    }
    check_pnpm(run, script, ctx);
    let mut go_version = None;
    for (i, cmd) in script.commands.iter().enumerate() {
        let Some(tool) = tool_of(cmd) else { continue };
        let rest = &script.commands[i + 1..];
        if rest.iter().any(|c| cleans(tool, c)) || cmd.env.iter().any(|e| tool.env.iter().any(|v| e.starts_with(v))) {
            continue;
        }
        let scope = Scope::at(ctx.doc, run.index);
        // What Go leaves: the build cache (Go 1.10 and later) of every
        // command, and downloads only where a module is built or `go get`
        // fetches (into GOPATH, which an `rm` of GOPATH removes).
        let mut what = "download cache";
        if tool.name == "go" {
            let version = *go_version.get_or_insert_with(|| cache_support::go_version(ctx.doc, run));
            let build_cache = version.is_none_or(|v| v >= (1, 10));
            let sub = support::first_positional(&cmd.args, &[]).map_or("", |(_, a)| a.text.as_str());
            let downloads = match sub {
                "get" => !rest.iter().any(|c| removes_gopath(c, &scope)),
                "mod" => true,
                _ => cache_support::go_module_evidence(ctx.doc, run, i, false),
            };
            if !downloads && !build_cache {
                continue;
            }
            if !downloads {
                what = "build cache";
            }
        }
        if cache_elsewhere(tool, run, script, &scope) || !support::reaches_an_image(ctx.doc, run, tool.cache_dirs) {
            continue;
        }
        // Only the last uncleaned use of each tool is reported.
        if rest.iter().any(|c| tool_of(c).is_some_and(|t| t.name == tool.name)) {
            continue;
        }
        let applicability = cleanup_applicability(ctx.doc, run, script, cmd, tool);
        let shown = ctx.doc.text().get(cmd.range.as_range()).unwrap_or(tool.name);
        let shown = shown.lines().next().unwrap_or("").trim_end_matches('\\').trim_end();
        let diagnostic = ctx.report(
            cmd.range,
            format!("`{shown}` leaves {}'s {what} in the layer; clean it in the same RUN or mount a cache", tool.name),
        );
        if let Some(cleanup) = tool.cleanup
            && let Some(edit) = support::append_command(run, cleanup)
        {
            diagnostic.with_fix(Fix::new(format!("Append `&& {cleanup}`"), applicability, vec![edit]));
        }
    }
}

/// What a pnpm command does to the store and to `node_modules`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PnpmStep {
    /// Fills the store and links all of it (`pnpm install`, `pnpm add`).
    FullInstall,
    /// Fills the store with every dependency, links nothing (`pnpm fetch`).
    FetchAll,
    /// Links only production dependencies (`pnpm install --prod`).
    ProductionInstall,
    /// Unlinks packages from `node_modules` (`pnpm prune`).
    Prune,
    /// Deletes unlinked store entries (`pnpm store prune`).
    StorePrune,
}

fn pnpm_step(cmd: &ShellCommand, scope: &Scope) -> Option<PnpmStep> {
    if cmd.base_name() != "pnpm" {
        return None;
    }
    let sub = support::first_positional(&cmd.args, &["-C", "--dir", "--filter", "-F", "--store-dir"])?;
    let has = |flags: &[&str]| {
        cmd.args.iter().any(|a| flags.iter().any(|f| a.text == *f || a.text.starts_with(&format!("{f}="))))
    };
    let production = has(&["--prod", "-P", "--production"])
        || cmd.env.iter().any(|e| e == "NODE_ENV=production")
        || scope.value("NODE_ENV").as_deref() == Some("production");
    match sub.1.text.as_str() {
        "install" | "i" | "add" | "update" | "up" => {
            Some(if production { PnpmStep::ProductionInstall } else { PnpmStep::FullInstall })
        }
        "fetch" if !has(&["--prod", "-P", "--production"]) => Some(PnpmStep::FetchAll),
        "prune" => Some(PnpmStep::Prune),
        "store" if cmd.args.get(sub.0 + 1).is_some_and(|a| a.text == "prune") => Some(PnpmStep::StorePrune),
        _ => None,
    }
}

/// pnpm's store holds what `node_modules` no longer links when a full
/// install or fetch is followed by a prune or a production-only install:
/// in the same RUN (reported at the later command), or a `pnpm fetch`
/// whose stage later installs for production only (reported at the fetch).
fn check_pnpm(run: &Instruction, script: &ShellScript, ctx: &mut Context<'_>) {
    if !script.commands.iter().any(|c| c.base_name() == "pnpm") {
        return;
    }
    let scope = Scope::at(ctx.doc, run.index);
    if cache_elsewhere(&PNPM, run, script, &scope) || !support::reaches_an_image(ctx.doc, run, PNPM.cache_dirs) {
        return;
    }
    let steps: Vec<Option<PnpmStep>> = script.commands.iter().map(|c| pnpm_step(c, &scope)).collect();
    let cleaned_after = |i: usize| {
        steps[i + 1..].contains(&Some(PnpmStep::StorePrune))
            || script.commands[i + 1..].iter().any(|c| cleans(&PNPM, c))
    };
    let mut filled = None;
    let mut reported = None;
    for (i, step) in steps.iter().enumerate() {
        match step {
            Some(PnpmStep::FullInstall | PnpmStep::FetchAll) => filled = Some(i),
            Some(PnpmStep::Prune | PnpmStep::ProductionInstall) if filled.is_some() && !cleaned_after(i) => {
                reported = Some((i, true));
            }
            _ => {}
        }
    }
    // `pnpm fetch` here, a production-only install in a later RUN of the stage.
    if reported.is_none()
        && let Some(fetch) = steps.iter().rposition(|s| *s == Some(PnpmStep::FetchAll))
        && !cleaned_after(fetch)
        && !steps[fetch + 1..].iter().any(|s| s.is_some())
    {
        let stage_end = ctx.doc.stage_of(run).map_or(ctx.doc.instructions.len(), |s| s.end);
        let later_production = ctx.doc.instructions[run.index + 1..stage_end].iter().any(|ins| {
            let Some(later) = ins.script() else { return false };
            let scope = Scope::at(ctx.doc, ins.index);
            later.commands.iter().any(|c| pnpm_step(c, &scope) == Some(PnpmStep::ProductionInstall))
        });
        if later_production {
            reported = Some((fetch, false));
        }
    }
    let Some((i, same_run)) = reported else { return };
    let cmd = &script.commands[i];
    let shown = ctx.doc.text().get(cmd.range.as_range()).unwrap_or("pnpm");
    let shown = shown.lines().next().unwrap_or("").trim_end_matches('\\').trim_end();
    if same_run {
        let applicability = cleanup_applicability(ctx.doc, run, script, cmd, &PNPM);
        let diagnostic = ctx.report(
            cmd.range,
            format!(
                "pnpm's store keeps the packages `{shown}` drops from `node_modules`; run `pnpm store prune` after it or mount a cache over the store"
            ),
        );
        if let Some(edit) = support::append_command(run, "pnpm store prune") {
            diagnostic.with_fix(Fix::new("Append `&& pnpm store prune`", applicability, vec![edit]));
        }
    } else {
        // No fix: pruning the store right after a fetch would empty it
        // before the offline install that needs it.
        ctx.report(
            cmd.range,
            format!(
                "`{shown}` stores dev dependencies too, but the stage installs only production ones; use `pnpm fetch --prod` or mount a cache over the store"
            ),
        );
    }
}

/// Whether appending `tool`'s cleanup after `cmd` is safe (see Fix safety).
fn cleanup_applicability(
    doc: &Document,
    run: &Instruction,
    script: &ShellScript,
    cmd: &ShellCommand,
    tool: &Tool,
) -> Applicability {
    let Some(cleanup) = tool.cleanup else { return Applicability::Unsafe };
    if tool.name == "go" && !run.stage.is_some_and(|s| modern_go_image(doc, s)) {
        return Applicability::Unsafe;
    }
    let program = cleanup.split(' ').next().unwrap_or(cleanup);
    // The tool, run again for anything but its own cleanup or version.
    let reads = |c: &ShellCommand| {
        tool.programs.contains(&c.base_name())
            && !cleans(tool, c)
            && support::first_positional(&c.args, &[])
                .is_some_and(|(_, sub)| !matches!(sub.text.as_str(), "version" | "env"))
    };
    let dependence = Dependence {
        dirs: tool.cache_dirs,
        programs: tool.programs,
        reads: &reads,
        resets: &|c| cleans(tool, c),
        memo: tool.name,
    };
    support::cleanup_applicability(doc, run, script, cmd, program, &dependence)
}

/// True when the stage builds on an official `golang` image of Go 1.11 or
/// later (`go clean -modcache` exists since 1.11): a tag without a version
/// (`latest`, `alpine`) is the current release.
fn modern_go_image(doc: &Document, stage: usize) -> bool {
    let Some(Base::Image { reference, resolved: true, .. }) = doc.stage_chain(stage).last().map(|s| &s.base) else {
        return false;
    };
    if !is_official(reference, "golang") {
        return false;
    }
    let tag = reference.tag.as_deref().unwrap_or("latest");
    let version = tag.split(['-', '_']).next().unwrap_or("");
    let mut parts = version.split('.').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (1, 11),
        (Some(Ok(major)), None) => major >= 1,
        (Some(Err(_)), _) => !version.starts_with(|c: char| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM node\nRUN npm ci && npm cache clean --force\nCMD [\"x\"]\n",
                "FROM node\nRUN npm ci && rm -rf /root/.npm\nCMD [\"x\"]\n",
                "FROM node\nRUN --mount=type=cache,target=/root/.npm npm ci\nCMD [\"x\"]\n",
                "FROM node\nENV npm_config_cache=/tmp/npm\nRUN npm ci\nCMD [\"x\"]\n",
                "FROM node\nRUN npm run build\nCMD [\"x\"]\n",
                // A development environment.
                "FROM node\nRUN npm install -g typescript\nCMD [\"bash\"]\n",
                "FROM node\nRUN pnpm install\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm install --prod\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm install && pnpm build && pnpm prune --prod && pnpm store prune\nCMD [\"x\"]\n",
                "FROM node\nRUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install && pnpm prune --prod\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm fetch --prod\nRUN pnpm install --offline --prod\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm fetch\nRUN pnpm install --offline && pnpm build\nCMD [\"x\"]\n",
                "FROM node AS build\nRUN pnpm install && pnpm prune --prod\nFROM node\nCOPY --from=build /app /app\nCMD [\"x\"]\n",
                "FROM golang AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
                "FROM golang\nRUN go build -o /app . && go clean -cache -modcache\nCMD [\"x\"]\n",
                "FROM golang\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build .\nCMD [\"x\"]\n",
                "FROM rust\nRUN cargo install ripgrep && rm -rf /usr/local/cargo/registry\nCMD [\"x\"]\n",
                "FROM composer\nRUN composer install && composer clear-cache\nCMD [\"x\"]\n",
                "FROM composer\nENV COMPOSER_CACHE_DIR=/dev/null\nRUN composer install\nCMD [\"x\"]\n",
                "FROM ruby\nRUN bundle install && rm -rf /usr/local/bundle/cache\nCMD [\"x\"]\n",
                "FROM ruby\nRUN --mount=type=cache,target=/usr/local/bundle/cache gem install rails\nCMD [\"x\"]\n",
                "FROM ruby\nRUN bundle exec rake assets:precompile\nCMD [\"x\"]\n",
                "FROM ruby\nRUN bundle --version\nCMD [\"x\"]\n",
                // GOPATH removed after `go get`, and no build cache before Go 1.10.
                "FROM example/ubuntu:14.04\nENV GOPATH /go\nRUN apt-get update && apt-get install -y golang git && go get -v example.com/tool && mv $GOPATH/bin/tool /usr/local/bin/ && rm -rf $GOPATH\nENTRYPOINT [\"/usr/local/bin/tool\"]\n",
                "FROM golang:1.6-alpine\nADD . /go/src/app\nRUN go install app\nCMD [\"/go/bin/app\"]\n",
                "FROM ubuntu:12.10\nRUN curl -sL https://go.dev/dl/go1.1.2.linux-amd64.tar.gz | tar -C /usr/local -xz\nRUN cd /manager && go build -o /usr/bin/manager\nCMD [\"manager\"]\n",
                // Build environments: a wrapper script of the source tree, a build tool.
                "FROM golang:1.22\nCOPY . /go/src/project\nRUN go build ./...\nENTRYPOINT [\"hack/dind\"]\n",
                "FROM golang:1.22\nCOPY . .\nRUN go build ./...\nCMD [\"go\", \"run\", \"main.go\"]\n",
            ],
            &[
                "FROM node\nRUN ⟦npm ci --omit=dev⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN npm install -g npm && ⟦npm install⟧ && npm run build\nCMD [\"x\"]\n",
                "FROM golang\nRUN ⟦go install ./cmd/app⟧\nCMD [\"x\"]\n",
                "FROM golang AS base\nRUN ⟦go mod download⟧\nFROM base\nCMD [\"x\"]\n",
                // GOPATH removed, but Go 1.10 and later keep a build cache.
                "FROM golang:1.12\nRUN ⟦go get example.com/tool⟧ && rm -rf $GOPATH/src\nCMD [\"x\"]\n",
                "FROM golang:1.22\nRUN ⟦go get example.com/tool⟧ && rm -rf /go\nCMD [\"x\"]\n",
                "FROM golang:1.10\nRUN ⟦go build -o /app /src/main.go⟧\nCMD [\"x\"]\n",
                "FROM golang\nRUN ⟦go install ./cmd/app⟧\nENTRYPOINT [\"./app\"]\n",
                "FROM rust\nRUN ⟦cargo install ripgrep⟧\nCMD [\"x\"]\n",
                "FROM php\nRUN ⟦composer install --no-dev⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN --mount=type=cache,target=/root/.cache/pip ⟦npm ci⟧\nCMD [\"x\"]\n",
                "FROM ruby:3.3\nRUN ⟦gem install rails -v 7.1.0⟧\nCMD [\"x\"]\n",
                "FROM ruby:3.3\nRUN ⟦bundle install --jobs 4⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm install && pnpm build && ⟦pnpm prune --prod⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN pnpm install -r && ⟦NODE_ENV=production pnpm install --offline⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN ⟦pnpm fetch⟧\nCOPY . .\nRUN pnpm install --offline --prod\nCMD [\"x\"]\n",
            ],
            &[
                (
                    "FROM node\nRUN npm ci\nCMD [\"x\"]\n",
                    "FROM node\nRUN npm ci && npm cache clean --force\nCMD [\"x\"]\n",
                ),
                (
                    "FROM golang\nRUN go build -o /app \\\n    ./cmd/app\nCMD [\"/app\"]\n",
                    "FROM golang\nRUN go build -o /app \\\n    ./cmd/app && go clean -cache -modcache\nCMD [\"/app\"]\n",
                ),
                ("FROM rust\nRUN cargo build\nCMD [\"x\"]\n", "FROM rust\nRUN cargo build\nCMD [\"x\"]\n"),
                (
                    "FROM node\nRUN pnpm i && pnpm prune --prod\nCMD [\"x\"]\n",
                    "FROM node\nRUN pnpm i && pnpm prune --prod && pnpm store prune\nCMD [\"x\"]\n",
                ),
            ],
        );
    }

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                (
                    "FROM node\nRUN npm ci\nCMD [\"x\"]\n",
                    "FROM node\nRUN npm ci && npm cache clean --force\nCMD [\"x\"]\n",
                ),
                (
                    "FROM node\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nCMD [\"x\"]\n",
                    "FROM node\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci && npm cache clean --force\nCMD [\"x\"]\n",
                ),
                // `go mod download` fills the cache the later build reads: only the build is cleaned.
                (
                    "FROM golang:1.22\nRUN go mod download\nCOPY . .\nRUN go build -o /app\nCMD [\"/app\"]\n",
                    "FROM golang:1.22\nRUN go mod download\nCOPY . .\nRUN go build -o /app && go clean -cache -modcache\nCMD [\"/app\"]\n",
                ),
                (
                    "FROM node\nRUN pnpm i && pnpm prune --prod\nCMD [\"x\"]\n",
                    "FROM node\nRUN pnpm i && pnpm prune --prod && pnpm store prune\nCMD [\"x\"]\n",
                ),
                kept("FROM node\nRUN npm ci\nRUN npm run build\nCMD [\"x\"]\n"),
                kept("FROM node AS deps\nRUN npm ci\nFROM deps\nRUN npx prisma generate\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN npm ci\nRUN ./build.sh\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN npm ci\nCMD npx serve\n"),
                kept("FROM node\nONBUILD RUN npm ci\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN pnpm i && pnpm prune --prod\nRUN pnpm build\nCMD [\"x\"]\n"),
                // Where the cleanup would not run as the tool did.
                kept("FROM node\nRUN bash -lc 'npm ci'\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN sudo npm ci\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN /usr/local/bin/npm ci\nCMD [\"x\"]\n"),
                kept("FROM php\nRUN ./composer.phar install\nCMD [\"x\"]\n"),
                kept("FROM node\nRUN --mount=type=bind,target=/root/.npm npm ci\nCMD [\"x\"]\n"),
                // Go before 1.11 has no `-modcache`; another image's Go is unknown.
                kept("FROM golang:1.10\nRUN go build -o /app .\nCMD [\"/app\"]\n"),
                kept("FROM ubuntu:18.04\nRUN go build -o /app .\nCMD [\"/app\"]\n"),
            ],
        );
    }

    #[test]
    fn go_messages_name_what_is_left() {
        let message = |text: &str| {
            let doc = crate::model::Document::parse(text);
            let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
            found[0].message.clone()
        };
        assert_eq!(
            message("FROM golang:1.22\nCOPY main.go .\nRUN go build -o /app main.go\nCMD [\"/app\"]\n"),
            "`go build -o /app main.go` leaves go's build cache in the layer; clean it in the same RUN or mount a cache"
        );
        assert_eq!(
            message("FROM golang:1.22\nRUN go get example.com/tool && rm -rf /go\nCMD [\"x\"]\n"),
            "`go get example.com/tool` leaves go's build cache in the layer; clean it in the same RUN or mount a cache"
        );
        assert_eq!(
            message("FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"),
            "`go build -o /app .` leaves go's download cache in the layer; clean it in the same RUN or mount a cache"
        );
    }

    #[test]
    fn go_versions() {
        let modern = |from: &str| {
            let doc = crate::model::Document::parse(&format!("FROM {from}\n"));
            super::modern_go_image(&doc, 0)
        };
        assert!(modern("golang") && modern("golang:1.11") && modern("golang:1.22-alpine") && modern("golang:alpine"));
        assert!(modern("docker.io/library/golang:1") && modern("golang:bookworm"));
        assert!(
            !modern("golang:1.10") && !modern("golang:1.9-alpine") && !modern("mygolang:1.22") && !modern("ubuntu")
        );
    }
}
