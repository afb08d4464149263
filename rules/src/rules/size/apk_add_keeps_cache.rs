//! ## What it does
//! Checks for `apk add` without `--no-cache`.
//!
//! ## Why is this bad?
//! Without `--no-cache`, apk keeps the package index it fetched (with
//! `--update`/`-U` or an earlier `apk update`) in `/var/cache/apk`, and the
//! RUN's layer keeps it in the image for good. `--no-cache` fetches a fresh
//! index into a temporary location and leaves nothing behind, which also
//! makes a separate `apk update` and the `rm -rf /var/cache/apk/*` after it
//! unnecessary.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --update curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! ```
//!
//! ## Fix safety
//! The fix adds `--no-cache` after `add`: the same packages are installed,
//! from an index fetched for this command. It is safe unless the command
//! also refreshes the index (`--update`/`-U`) that something later reads:
//! with `--no-cache` it no longer stores that index, and a later `apk add`
//! without `--no-cache` or `--update` (also `--no-network`), `apk search`
//! or `apk upgrade` in the same RUN, a later RUN of the stage or of a stage
//! built `FROM` it, or an ONBUILD trigger fails with "unable to select
//! packages" unless an `apk update` runs first. Then the fix is unsafe, and
//! so it is when a script or `make` dockside cannot see into may read the
//! index, when a `COPY --from` takes the cache out of the stage, and when
//! the RUN is an ONBUILD trigger (what follows it is in another
//! Dockerfile). Fixing the later `apk add` too (this rule reports it) makes
//! this fix safe.
//!
//! ## Notes
//! A `--mount=type=cache` (or `type=tmpfs`) on `/var/cache/apk` or
//! `/etc/apk/cache`, and an `rm` of `/var/cache/apk` after the last
//! `apk add` in the same RUN, also keep the cache out of the image and are
//! accepted; hadolint does not accept the `rm`. `apk add --no-network`
//! installs from what is already there and fetches no index, so it is not
//! reported either.
//! Only stages whose files can reach an image are checked: the final
//! stage, stages a later `FROM` builds on, stages a later `COPY --from`
//! copies the cache (or a parent) out of, and ONBUILD triggers.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Document, Instruction, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};

use super::support;

declare_rule! {
    /// `apk add` without `--no-cache` leaves the package index in the layer
    name: "apk-add-keeps-cache", aliases: ["DL3019"], category: Size, severity: Info, fix: Always, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// apk options that take a separate value.
const VALUE_FLAGS: &[&str] =
    &["-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file", "--timeout"];

const CACHE_DIRS: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) || !support::reaches_an_image(ctx.doc, run, CACHE_DIRS) {
        return;
    }
    for (i, cmd) in script.commands.iter().enumerate() {
        if cmd.base_name() != "apk" {
            continue;
        }
        let Some(add) = support::subcommand_in(cmd, VALUE_FLAGS, &["add"]) else { continue };
        if cmd.has_flag(None, &["no-cache", "no-network"]) || support::removes_later(script, i, &["/var/cache/apk"]) {
            continue;
        }
        let applicability = applicability(ctx.doc, run, i, cmd);
        ctx.report(cmd.range, "`apk add` without `--no-cache` keeps the package index in the layer")
            .with_fix(Fix::new("Add `--no-cache`", applicability, vec![Edit::insert(add.range.end, " --no-cache")]));
    }
}

/// Whether adding `--no-cache` to `cmd`, command `i` of `run`, is safe: only
/// a command that refreshes the index stores one that others may read.
fn applicability(doc: &Document, run: &Instruction, i: usize, cmd: &ShellCommand) -> Applicability {
    if !fetches_index(cmd) {
        return Applicability::Safe;
    }
    let dependence = Dependence {
        dirs: CACHE_DIRS,
        programs: &["apk"],
        reads: &reads_index,
        resets: &resets_index,
        memo: "apk-index",
    };
    match fix_safety::later_dependence(doc, run, Some(i), &dependence) {
        Some(_) => Applicability::Unsafe,
        None => Applicability::Safe,
    }
}

/// `apk update`, or a command with `--update`/`-U` (`--update-cache`).
fn fetches_index(c: &ShellCommand) -> bool {
    c.base_name() == "apk"
        && (support::subcommand_in(c, VALUE_FLAGS, &["update"]).is_some()
            || c.has_flag(Some('U'), &["update", "update-cache"]))
}

/// An apk command that reads the stored index: anything but `update`,
/// `del` and housekeeping, unless it fetches an index of its own.
fn reads_index(c: &ShellCommand) -> bool {
    // `--no-cache` fetches an index of its own, unless `--no-network` forbids it.
    let own_index = c.has_flag(None, &["no-cache"]) && !c.has_flag(None, &["no-network"]);
    c.base_name() == "apk"
        && !fetches_index(c)
        && !own_index
        && support::subcommand(c, VALUE_FLAGS)
            .is_some_and(|(_, sub)| !matches!(sub.text.as_str(), "del" | "cache" | "stats" | "verify" | "audit"))
}

fn resets_index(c: &ShellCommand) -> bool {
    fetches_index(c) || fix_safety::removes(c, &["/var/cache/apk"])
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nRUN apk add --no-cache curl\n",
                "FROM alpine\nRUN apk --no-cache add curl\n",
                "FROM alpine\nRUN apk del curl\n",
                "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
                "FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache,sharing=locked apk add curl\n",
                "FROM alpine\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n",
                "FROM alpine\nRUN apk-tools add curl\n",
                "FROM alpine\nRUN echo so:libc.so | xargs -rt apk add --no-network --virtual .rundeps\n",
                // A build stage whose cache never reaches an image.
                "FROM alpine AS build\nRUN apk add gcc && gcc -o /out/app app.c\nFROM alpine\nCOPY --from=build /out/app /app\n",
            ],
            &[
                "FROM alpine\nRUN ⟦apk add curl⟧\n",
                "FROM alpine\nRUN ⟦apk -X https://mirror/x add --update curl⟧\n",
                "FROM alpine\nRUN rm -rf /var/cache/apk/* && ⟦apk add curl⟧\n",
                "FROM alpine\nRUN --mount=type=cache,target=/root/.cache ⟦apk add curl⟧\n",
                "FROM alpine\nRUN apk update \\\n && ⟦apk add \\\n   curl⟧\n",
                "FROM alpine\nRUN <<EOF\n⟦apk add curl⟧\nEOF\n",
                "FROM alpine\nONBUILD RUN ⟦apk add curl⟧\n",
                "FROM alpine\nRUN [\"/bin/sh\", \"-c\", \"⟦apk add curl⟧\"]\n",
                "FROM alpine AS build\nRUN ⟦apk add gcc⟧\nFROM alpine\nCOPY --from=build / /\n",
            ],
            &[
                ("FROM alpine\nRUN apk add curl\n", "FROM alpine\nRUN apk add --no-cache curl\n"),
                (
                    "FROM alpine\nRUN apk add --virtual .deps gcc && apk add \\\n    curl\n",
                    "FROM alpine\nRUN apk add --no-cache --virtual .deps gcc && apk add --no-cache \\\n    curl\n",
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
                ("FROM alpine\nRUN apk add curl\n", "FROM alpine\nRUN apk add --no-cache curl\n"),
                // Without `--update` it stores no index: later readers keep theirs.
                (
                    "FROM alpine\nRUN apk update && apk add curl\nRUN apk add --no-network jq\n",
                    "FROM alpine\nRUN apk update && apk add --no-cache curl\nRUN apk add --no-network jq\n",
                ),
                // The later `apk add` is fixed first, then this one.
                (
                    "FROM alpine\nRUN apk add -U curl\nRUN apk add jq\n",
                    "FROM alpine\nRUN apk add --no-cache -U curl\nRUN apk add --no-cache jq\n",
                ),
                (
                    "FROM alpine\nRUN apk add --update curl\nRUN apk update && apk add --no-network jq && rm -rf /var/cache/apk/*\n",
                    "FROM alpine\nRUN apk add --no-cache --update curl\nRUN apk update && apk add --no-network jq && rm -rf /var/cache/apk/*\n",
                ),
                kept(
                    "FROM alpine\nRUN apk add --update curl\nRUN apk add --no-network jq && rm -rf /var/cache/apk/*\n",
                ),
                kept("FROM alpine\nRUN apk add -U curl\nRUN apk search -v jq\n"),
                kept("FROM alpine\nRUN apk add -U curl\nRUN ./install.sh\n"),
                kept("FROM alpine AS a\nRUN apk add --update curl\nFROM a\nONBUILD RUN apk upgrade\n"),
                kept("FROM alpine\nONBUILD RUN apk add --update curl\n"),
                kept(
                    "FROM alpine AS a\nRUN apk add -U curl\nFROM a\nFROM alpine\nCOPY --from=a /var/cache/apk /var/cache/apk\n",
                ),
            ],
        );
    }
}
