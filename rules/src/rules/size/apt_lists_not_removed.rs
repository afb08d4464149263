//! ## What it does
//! Checks for `apt-get update` (or `apt update`, `aptitude update`) in a RUN
//! that does not remove `/var/lib/apt/lists` afterwards.
//!
//! ## Why is this bad?
//! `apt-get update` downloads the package index of every configured source
//! into `/var/lib/apt/lists`, often tens of megabytes. Each RUN is committed
//! as a layer, so whatever is still there when the RUN ends stays in the
//! image for good: deleting it in a later RUN only hides it. The index is
//! also stale by the next build, so keeping it has no use.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl \
//!     && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Fix safety
//! The fix appends ` && rm -rf /var/lib/apt/lists/*` after the RUN's last
//! command. It is safe: the lists are only read by apt itself, and a later
//! `apt-get install` without a new `apt-get update` would install from an
//! outdated index anyway. There is no fix for exec-form or heredoc RUNs.
//!
//! ## Notes
//! Only stages whose files can reach an image are checked: the final stage,
//! stages a later `FROM` builds on, stages a later `COPY --from` copies
//! `/var/lib/apt/lists` (or a parent) out of, and ONBUILD triggers. A
//! `--mount=type=cache` or `type=tmpfs` on `/var/lib/apt/lists` or a parent
//! keeps the lists out of the layer and is accepted, and so is
//! `apt-get dist-clean` (apt 2.7+), which deletes them. The `rm` must come
//! after the last update and name `/var/lib/apt/lists` or a parent; hadolint
//! accepts any `rm -rf`, even of another directory, and rejects
//! `rm -r /var/lib/apt/lists`.

use crate::diagnostic::{Category, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind, ShellCommand};
use crate::registry::{FixAvailability, RuleMeta};

use super::support;

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "apt-lists-not-removed",
        aliases: &["DL3009"],
        category: Category::Size,
        severity: Severity::Info,
        fix: FixAvailability::Sometimes,
        summary: "`apt-get update` leaves the package lists in the layer",
        source: include_str!("apt_lists_not_removed.rs"),
        path: "rules/src/rules/size/apt_lists_not_removed.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

const LISTS: &str = "/var/lib/apt/lists";

/// apt options that take a separate value.
const VALUE_FLAGS: &[&str] = &["-o", "--option", "-c", "--config-file"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = &run.script else { return };
    let apt = |c: &ShellCommand, sub: &[&str]| {
        matches!(c.base_name(), "apt-get" | "apt" | "aptitude") && support::subcommand_in(c, VALUE_FLAGS, sub).is_some()
    };
    let Some(last_update) = script.commands.iter().rposition(|c| apt(c, &["update"])) else { return };
    if support::removes_later(script, last_update, &[LISTS])
        || script.commands[last_update + 1..].iter().any(|c| apt(c, &["dist-clean"]))
        || support::has_cache_mount_over(run, &[LISTS])
        || !support::reaches_an_image(ctx.doc, run, &[LISTS])
    {
        return;
    }
    let update = &script.commands[last_update];
    let diagnostic = ctx.report(
        update.range,
        format!("`{} update` leaves the package lists in this layer; remove them in the same RUN", update.base_name()),
    );
    if let Some(edit) = support::append_command(run, "rm -rf /var/lib/apt/lists/*") {
        diagnostic.with_fix(Fix::safe("Append `&& rm -rf /var/lib/apt/lists/*`", vec![edit]));
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
                "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists\n",
                "FROM debian\nRUN apt-get install -y ./local.deb\n",
                "FROM debian\nRUN apt-get update; apt-get install -y curl; apt-get dist-clean\n",
                "FROM debian\nRUN apt-get update && bash -c \"apt-get install -y curl && rm -rf /var/lib/apt/lists/*\"\n",
                "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt \\\n  apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists/ apt-get update\n",
                // A build stage whose files do not reach the image.
                "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian\nCOPY --from=build /out /out\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get update\n",
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
            ],
            &[
                "FROM debian\nRUN ⟦apt-get update⟧ && apt-get install -y curl\n",
                "FROM debian\nRUN ⟦apt update⟧ && apt install -y curl && rm -rf /tmp/*\n",
                "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && ⟦aptitude update⟧\n",
                "FROM debian\nRUN set -e; \\\n    ⟦apt-get -q update⟧; \\\n    apt-get install -y curl\n",
                "FROM debian\nRUN <<EOF\n⟦apt-get update⟧\napt-get install -y curl\nEOF\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦apt-get update⟧ && apt-get install -y curl\"]\n",
                "FROM debian\nONBUILD RUN ⟦apt-get update⟧\n",
                "FROM debian AS base\nRUN ⟦apt-get update⟧\nFROM base\nRUN echo\n",
                "FROM debian AS base\nRUN ⟦apt-get update⟧\nFROM alpine\nCOPY --from=base / /\n",
                "FROM debian AS build\nRUN ⟦apt-get update⟧\nFROM debian\nCOPY --from=build /var/lib/apt /var/lib/apt\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                ),
                (
                    "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n      curl\nCMD [\"x\"]\n",
                    "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n      curl && rm -rf /var/lib/apt/lists/*\nCMD [\"x\"]\n",
                ),
                (
                    "FROM debian\nRUN apt-get update; apt-get install -y curl;\n",
                    "FROM debian\nRUN apt-get update; apt-get install -y curl && rm -rf /var/lib/apt/lists/*;\n",
                ),
                (
                    "FROM debian\nRUN apt-get update && apt-get install -y curl # tools\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # tools\n",
                ),
                (
                    "FROM debian\nONBUILD RUN apt-get update\n",
                    "FROM debian\nONBUILD RUN apt-get update && rm -rf /var/lib/apt/lists/*\n",
                ),
                // No fix for heredocs.
                ("FROM debian\nRUN <<EOF\napt-get update\nEOF\n", "FROM debian\nRUN <<EOF\napt-get update\nEOF\n"),
            ],
        );
    }
}
