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
//! The fix adds `--no-cache` after `add`. It is safe: the same packages are
//! installed from an index fetched for this command, and only the cache is
//! left out.
//!
//! ## Notes
//! A `--mount=type=cache` (or `type=tmpfs`) on `/var/cache/apk` or
//! `/etc/apk/cache`, and an `rm` of `/var/cache/apk` after the last
//! `apk add` in the same RUN, also keep the cache out of the image and are
//! accepted; hadolint does not accept the `rm`. `apk add --no-network`
//! installs from what is already there and fetches no index, so it is not
//! reported either.

use crate::diagnostic::{Category, Edit, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

use super::support;

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "apk-add-keeps-cache",
        aliases: &["DL3019"],
        category: Category::Size,
        severity: Severity::Info,
        fix: FixAvailability::Always,
        summary: "`apk add` without `--no-cache` leaves the package index in the layer",
        source: include_str!("apk_add_keeps_cache.rs"),
        path: "rules/src/rules/size/apk_add_keeps_cache.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

/// apk options that take a separate value.
const VALUE_FLAGS: &[&str] =
    &["-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file", "--timeout"];

const CACHE_DIRS: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = &run.script else { return };
    if support::has_cache_mount_over(run, CACHE_DIRS) {
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
        ctx.report(cmd.range, "`apk add` without `--no-cache` keeps the package index in the layer")
            .with_fix(Fix::safe("Add `--no-cache`", vec![Edit::insert(add.range.end, " --no-cache")]));
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
                "FROM alpine\nRUN apk add --no-cache curl\n",
                "FROM alpine\nRUN apk --no-cache add curl\n",
                "FROM alpine\nRUN apk del curl\n",
                "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
                "FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache,sharing=locked apk add curl\n",
                "FROM alpine\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n",
                "FROM alpine\nRUN apk-tools add curl\n",
                "FROM alpine\nRUN echo so:libc.so | xargs -rt apk add --no-network --virtual .rundeps\n",
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
}
