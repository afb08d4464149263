//! ## What it does
//! Checks for language package managers and build tools that leave their
//! download or build cache in the layer: `npm install`/`npm ci` (npm's
//! cache in `~/.npm`), `go build`/`go install`/`go mod download` (the
//! module cache and `~/.cache/go-build`), `cargo build`/`cargo install`
//! (the crate registry in `$CARGO_HOME/registry`), `composer install`
//! (`~/.cache/composer`) and `gem install`/`bundle install` (the downloaded
//! `.gem` files in `$GEM_HOME/cache`, `/usr/local/bundle/cache` in the
//! official Ruby images).
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
//! For npm, Go and composer the fix appends the tool's own cleanup
//! (`npm cache clean --force`, `go clean -cache -modcache`, `composer
//! clear-cache`) to a shell-form RUN. It is safe: only caches are deleted.
//!
//! ## Notes
//! Only stages whose files reach an image are checked: a build stage whose
//! results are copied out with `COPY --from` does not ship its caches.
//! Development and build environments (no CMD or ENTRYPOINT that starts
//! something other than a shell) are not checked either. A
//! cleanup later in the RUN (the tool's command, or an `rm` of the cache
//! directory), a `--mount=type=cache` or `type=tmpfs` over it, or a cache
//! location moved by `npm_config_cache`, `GOCACHE`/`GOMODCACHE`,
//! `CARGO_HOME` or `COMPOSER_CACHE_DIR` (in ENV, ARG or the script) is
//! accepted. pnpm is not checked: its store is hard-linked into
//! `node_modules`, so the layer holds each file once. yarn has its own rule
//! (`yarn-cache-not-cleaned`) and pip too (`pip-install-keeps-cache`).

use crate::diagnostic::{Category, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind, Scope, ShellCommand, ShellScript};
use crate::registry::{FixAvailability, RuleMeta};

use super::support;

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "package-cache-left-behind",
        aliases: &[],
        category: Category::Size,
        severity: Severity::Info,
        fix: FixAvailability::Sometimes,
        summary: "npm, Go, cargo or composer leave their download cache in the layer",
        source: include_str!("package_cache_left_behind.rs"),
        path: "rules/src/rules/size/package_cache_left_behind.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

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
}

const NPM: Tool = Tool {
    name: "npm",
    cache_words: &[".npm"],
    cache_dirs: &["/root/.npm", "/home/node/.npm"],
    env: &["npm_config_cache", "NPM_CONFIG_CACHE"],
    cleanup: Some("npm cache clean --force"),
};
const GO: Tool = Tool {
    name: "go",
    cache_words: &["go-build", "/go/pkg/mod", "pkg/mod", "/root/.cache"],
    cache_dirs: &["/root/.cache/go-build", "/go/pkg/mod"],
    env: &["GOCACHE", "GOMODCACHE"],
    cleanup: Some("go clean -cache -modcache"),
};
const CARGO: Tool = Tool {
    name: "cargo",
    cache_words: &["cargo/registry", "cargo/git", ".cargo"],
    cache_dirs: &["/usr/local/cargo/registry", "/root/.cargo/registry"],
    env: &["CARGO_HOME"],
    cleanup: None,
};
const COMPOSER: Tool = Tool {
    name: "composer",
    cache_words: &["composer"],
    cache_dirs: &["/root/.cache/composer", "/root/.composer/cache", "/tmp/cache"],
    env: &["COMPOSER_CACHE_DIR", "COMPOSER_HOME"],
    cleanup: Some("composer clear-cache"),
};

const GEM: Tool = Tool {
    name: "gem",
    cache_words: &["bundle/cache", "gems/cache", ".gem", "gem/cache"],
    cache_dirs: &["/usr/local/bundle/cache", "/root/.gem", "/root/.local/share/gem"],
    env: &[],
    cleanup: None,
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
    let Some(script) = &run.script else { return };
    // Development and build environments keep their caches on purpose.
    let Some(last) = ctx.doc.stages.len().checked_sub(1) else { return };
    if !crate::rules::cache::support::starts_program(ctx.doc, last) {
        return;
    }
    for (i, cmd) in script.commands.iter().enumerate() {
        let Some(tool) = tool_of(cmd) else { continue };
        let rest = &script.commands[i + 1..];
        if rest.iter().any(|c| cleans(tool, c)) || cmd.env.iter().any(|e| tool.env.iter().any(|v| e.starts_with(v))) {
            continue;
        }
        let scope = Scope::at(ctx.doc, run.index);
        if cache_elsewhere(tool, run, script, &scope) || !support::reaches_an_image(ctx.doc, run, tool.cache_dirs) {
            continue;
        }
        // Only the last uncleaned use of each tool is reported.
        if rest.iter().any(|c| tool_of(c).is_some_and(|t| t.name == tool.name)) {
            continue;
        }
        let shown = ctx.doc.text().get(cmd.range.as_range()).unwrap_or(tool.name);
        let shown = shown.lines().next().unwrap_or("").trim_end_matches('\\').trim_end();
        let diagnostic = ctx.report(
            cmd.range,
            format!(
                "`{shown}` leaves {}'s download cache in the layer; clean it in the same RUN or mount a cache",
                tool.name
            ),
        );
        if let Some(cleanup) = tool.cleanup
            && let Some(edit) = support::append_command(run, cleanup)
        {
            diagnostic.with_fix(Fix::safe(format!("Append `&& {cleanup}`"), vec![edit]));
        }
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
                "FROM node\nRUN npm ci && npm cache clean --force\nCMD [\"x\"]\n",
                "FROM node\nRUN npm ci && rm -rf /root/.npm\nCMD [\"x\"]\n",
                "FROM node\nRUN --mount=type=cache,target=/root/.npm npm ci\nCMD [\"x\"]\n",
                "FROM node\nENV npm_config_cache=/tmp/npm\nRUN npm ci\nCMD [\"x\"]\n",
                "FROM node\nRUN npm run build\nCMD [\"x\"]\n",
                // A development environment.
                "FROM node\nRUN npm install -g typescript\nCMD [\"bash\"]\n",
                "FROM node\nRUN pnpm install\nCMD [\"x\"]\n",
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
            ],
            &[
                "FROM node\nRUN ⟦npm ci --omit=dev⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN npm install -g npm && ⟦npm install⟧ && npm run build\nCMD [\"x\"]\n",
                "FROM golang\nRUN ⟦go install ./cmd/app⟧\nCMD [\"x\"]\n",
                "FROM golang AS base\nRUN ⟦go mod download⟧\nFROM base\nCMD [\"x\"]\n",
                "FROM rust\nRUN ⟦cargo install ripgrep⟧\nCMD [\"x\"]\n",
                "FROM php\nRUN ⟦composer install --no-dev⟧\nCMD [\"x\"]\n",
                "FROM node\nRUN --mount=type=cache,target=/root/.cache/pip ⟦npm ci⟧\nCMD [\"x\"]\n",
                "FROM ruby:3.3\nRUN ⟦gem install rails -v 7.1.0⟧\nCMD [\"x\"]\n",
                "FROM ruby:3.3\nRUN ⟦bundle install --jobs 4⟧\nCMD [\"x\"]\n",
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
            ],
        );
    }
}
