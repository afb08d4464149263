//! ## What it does
//! Checks for `yarn install` in a RUN that does not run `yarn cache clean`
//! afterwards.
//!
//! ## Why is this bad?
//! yarn keeps a copy of every package it downloads in its global cache
//! (`/usr/local/share/.cache/yarn` or `~/.cache/yarn`), next to the same
//! files unpacked in `node_modules`. The RUN's layer is committed with the
//! cache, so the image carries every dependency twice; cleaning in a later
//! RUN cannot shrink it.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! RUN yarn install --frozen-lockfile
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! RUN yarn install --frozen-lockfile && yarn cache clean
//! ```
//!
//! ## Fix safety
//! The fix appends ` && yarn cache clean` after the RUN's last command (not
//! to exec-form or heredoc RUNs). It is unsafe. With Yarn 1, `node_modules`
//! is complete without the cache; but the `yarn` that runs may be Yarn 2 or
//! later (a `packageManager` field with Corepack, or a `.yarnrc.yml` whose
//! `yarnPath` the copied project brings along), and with Plug'n'Play the
//! cache *is* where the installed packages live: cleaning it breaks the
//! application at run time. Neither shows in the Dockerfile. Later `yarn`
//! commands that read the cache (`--offline`) would fail as well.
//!
//! ## Notes
//! Only stages whose files can reach an image are checked: the final stage,
//! stages a later `FROM` builds on, stages a later `COPY --from` copies the
//! cache (or a parent) out of, and ONBUILD triggers. An `rm` of the yarn
//! cache and a `--mount=type=cache` (or `type=tmpfs`) on it are accepted.
//! As in hadolint, only an explicit `yarn install` counts, not a bare
//! `yarn`. An install whose working directory (WORKDIR, `cd`, `--cwd`)
//! lies under a bind or tmpfs mount of the same RUN is not reported: its
//! `node_modules` goes away with the mount, so filling the cache is what
//! the RUN is for.

use crate::diagnostic::Fix;
use crate::model::{Instruction, Scope, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support as paths;

use super::support;

declare_rule! {
    /// `yarn install` without `yarn cache clean` leaves the cache in the layer
    name: "yarn-cache-not-cleaned", aliases: ["DL3060"], category: Size, severity: Info,
    fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// yarn options that take a separate value.
const VALUE_FLAGS: &[&str] =
    &["--cwd", "--cache-folder", "--modules-folder", "--mutex", "--network-timeout", "--registry", "--global-folder"];

/// Where yarn 1 keeps its cache (as root, and as the `node` user).
const CACHE_DIRS: &[&str] = &["/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/home/node/.cache/yarn"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    let yarn = |sub: &'static str| move |c: &ShellCommand| is_yarn(c, sub);
    let Some(install) = support::last_uncleaned(script, yarn("install"), cleans, CACHE_DIRS) else { return };
    if support::has_cache_mount(run, |t| t.contains("yarn") || t.ends_with("/.cache"))
        || !support::reaches_an_image(ctx.doc, run, CACHE_DIRS)
        || installs_into_mount(ctx, run, script, install)
    {
        return;
    }
    let diagnostic =
        ctx.report(install.range, "`yarn install` without a later `yarn cache clean` keeps the cache in the layer");
    if let Some(edit) = support::append_command(run, "yarn cache clean") {
        diagnostic.with_fix(Fix::unsafe_("Append `&& yarn cache clean`", vec![edit]));
    }
}

/// True when `install` runs in a directory under a bind or tmpfs mount of
/// the RUN (`RUN --mount=type=bind,target=/src,rw cd /src && yarn install`):
/// the installed tree is thrown away with the mount, and the cache is all
/// the RUN keeps, on purpose.
fn installs_into_mount(ctx: &Context<'_>, run: &Instruction, script: &ShellScript, install: &ShellCommand) -> bool {
    let targets: Vec<String> = run
        .flags
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("mount"))
        .filter(|f| {
            let kind = f.mount_value("type").unwrap_or_default().to_ascii_lowercase();
            matches!(kind.as_str(), "" | "bind" | "tmpfs")
        })
        .filter_map(|f| ["target", "dst", "destination"].iter().find_map(|k| f.mount_value(k)))
        .collect();
    if targets.is_empty() {
        return false;
    }
    let Some(mut cwd) = paths::workdir_at(ctx.doc, run.stage, run.index) else { return false };
    let scope = Scope::at(ctx.doc, run.index);
    let enter = |cwd: &mut String, dir: &str| {
        paths::expand_shell_word(dir, &scope).map(|dir| *cwd = paths::join_path(cwd, &dir)).is_some()
    };
    for cmd in script.commands.iter().take_while(|c| !std::ptr::eq(*c, install)) {
        if cmd.base_name() == "cd" {
            let Some(dir) = cmd.positional().next() else { return false };
            if !enter(&mut cwd, &dir.text) {
                return false;
            }
        }
    }
    let cwd_flag = install.args.iter().position(|a| a.text == "--cwd").and_then(|i| install.args.get(i + 1));
    if let Some(dir) = cwd_flag
        && !enter(&mut cwd, &dir.text)
    {
        return false;
    }
    targets.iter().any(|t| paths::is_within(&cwd, support::trim_path(t)))
}

fn is_yarn(c: &ShellCommand, sub: &str) -> bool {
    c.base_name() == "yarn" && support::subcommand_in(c, VALUE_FLAGS, &[sub]).is_some()
}

/// `yarn cache clean`, or an `rm` of `$(yarn cache dir)` or a yarn cache folder.
fn cleans(c: &ShellCommand) -> bool {
    match c.base_name() {
        "yarn" => support::subcommand(c, VALUE_FLAGS).is_some_and(|(i, sub)| {
            sub.text == "cache"
                && c.args[i + 1..].iter().find(|a| !a.text.starts_with('-')).is_some_and(|a| a.text == "clean")
        }),
        "rm" => c.positional().any(|a| {
            let t = a.text.as_str();
            t.contains("yarn cache dir")
                || t.contains(".cache/yarn")
                || t.contains("yarn-cache")
                || t.contains(".yarn/cache")
        }),
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
                "FROM node\nRUN yarn install && yarn cache clean\n",
                "FROM node\nRUN yarn --cwd app install --frozen-lockfile && yarn cache clean --force\n",
                "FROM node\nRUN yarn install && rm -rf \"$(yarn cache dir)\"\n",
                "FROM node\nRUN yarn install && rm -rf /usr/local/share/.cache/yarn\n",
                "FROM node\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
                "FROM node\nRUN yarn build\n",
                "FROM node\nRUN yarn\n",
                // A build stage whose files do not reach the image.
                "FROM node AS build\nRUN yarn install && yarn build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
                // Warming the cache: the installed tree goes away with the mount.
                "FROM node AS src\nFROM node\nUSER node\nRUN --mount=type=bind,from=src,target=/tmp/src,rw cd /tmp/src && yarn install\n",
                "FROM node\nWORKDIR /tmp/src\nRUN --mount=type=tmpfs,target=/tmp/src (yarn install)\n",
                "FROM node\nRUN --mount=target=/src,rw yarn --cwd /src/app install\n",
            ],
            &[
                "FROM node\nRUN ⟦yarn install⟧\n",
                "FROM node\nRUN yarn cache clean && ⟦yarn install --production⟧\n",
                "FROM node\nRUN ⟦yarn --cwd /app install⟧ && yarn build\n",
                "FROM node AS deps\nRUN ⟦yarn install⟧\nFROM deps\nCMD [\"node\"]\n",
                "FROM node AS deps\nRUN ⟦yarn install⟧\nFROM node\nCOPY --from=deps / /\n",
                "FROM node\nRUN <<EOF\n⟦yarn install⟧\nEOF\n",
                "FROM node AS build\nONBUILD RUN ⟦yarn install⟧\nFROM nginx\n",
                "FROM node\nRUN [\"sh\", \"-c\", \"⟦yarn install⟧\"]\n",
                // The install writes outside the mount.
                "FROM node\nWORKDIR /app\nRUN --mount=type=bind,target=/tmp/src cp -r /tmp/src/. . && ⟦yarn install⟧\n",
                "FROM node\nRUN --mount=type=bind,target=/tmp/src cd /tmp/src && cd /app && ⟦yarn install⟧\n",
                "FROM node\nRUN --mount=type=cache,target=/app/node_modules cd /app && ⟦yarn install⟧\n",
            ],
            &[
                ("FROM node\nRUN yarn install\n", "FROM node\nRUN yarn install && yarn cache clean\n"),
                (
                    "FROM node\nRUN yarn install \\\n      --frozen-lockfile \\\n && yarn build\n",
                    "FROM node\nRUN yarn install \\\n      --frozen-lockfile \\\n && yarn build && yarn cache clean\n",
                ),
            ],
        );
    }

    /// Never safe: the Yarn that runs may keep the installed packages in
    /// its cache (Plug'n'Play).
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM node\nRUN yarn install\n", "FROM node\nRUN yarn install\n"),
                (
                    "FROM node\nCOPY . .\nRUN yarn install --immutable\nCMD [\"node\", \".\"]\n",
                    "FROM node\nCOPY . .\nRUN yarn install --immutable\nCMD [\"node\", \".\"]\n",
                ),
            ],
        );
    }
}
