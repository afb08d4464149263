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
//! command (not to exec-form or heredoc RUNs). Removing the lists changes
//! nothing for the packages this RUN installed, but every later apt command
//! that reads them (`apt-get install`, `upgrade`, `source`, `build-dep`,
//! `download`, `apt-cache`, `apt-file`, `gdebi`, `rosdep install`...) fails
//! with "Unable to locate package" unless an `apt-get update` runs first.
//! So the fix is:
//! - not offered when a later RUN of the stage or of a stage built `FROM`
//!   it (or an ONBUILD trigger of those stages) reads the lists before
//!   updating them, or a later `COPY --from` copies them out (the finding
//!   points at that step): merge the update into the RUN that installs
//!   instead (`package-index-update-alone` offers that);
//! - unsafe when something later may read them: a script, `make` or an
//!   installer helper dockside cannot see into, an exec-form RUN of apt, a
//!   `CMD`/`ENTRYPOINT` that runs apt, a `COPY --from` of a parent
//!   directory; when the RUN is itself an ONBUILD trigger (what follows it
//!   is in another Dockerfile); when the update ran through `sudo`,
//!   `chroot` or in a `-c` string (the appended `rm` would run without it);
//!   or when a `--mount` covers the lists;
//! - safe otherwise. Removals (`remove`, `purge`, `autoremove`) and
//!   `apt-get clean` do not read the lists.
//!
//! An image built `FROM` this one in another Dockerfile cannot be seen: one
//! that installs without `apt-get update` fails too, as it would with any
//! image that follows this rule.
//!
//! ## Notes
//! A RUN that only refreshes the index for a later RUN to install from is
//! left to `package-index-update-alone` (while it is enabled), which
//! reports the same `apt-get update`: merging it into the installing RUN,
//! and removing the lists there, is the fix.
//! Only stages whose files can reach an image are checked: the final stage,
//! stages a later `FROM` builds on, stages a later `COPY --from` copies
//! `/var/lib/apt/lists` (or a parent) out of, and ONBUILD triggers. A
//! `--mount=type=cache` or `type=tmpfs` on `/var/lib/apt/lists` or a parent
//! keeps the lists out of the layer and is accepted, and so is
//! `apt-get dist-clean` (apt 2.7+), which deletes them. The `rm` must come
//! after the last update and name `/var/lib/apt/lists` or a parent; hadolint
//! accepts any `rm -rf`, even of another directory, and rejects
//! `rm -r /var/lib/apt/lists`.

use crate::base_images::PackageManager;
use crate::diagnostic::{Applicability, Fix, TextRange};
use crate::model::{Document, Instruction, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};

use super::support;

declare_rule! {
    /// `apt-get update` leaves the package lists in the layer
    name: "apt-lists-not-removed", aliases: ["DL3009"], category: Size, severity: Info,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const LISTS: &str = "/var/lib/apt/lists";

/// apt options that take a separate value.
const VALUE_FLAGS: &[&str] = crate::rules::package_cli::APT_VALUE_OPTIONS;

/// apt subcommands that do not read the package lists.
const WITHOUT_LISTS: &[&str] =
    &["update", "clean", "autoclean", "distclean", "dist-clean", "remove", "purge", "autoremove", "autopurge"];

fn is_apt(c: &ShellCommand) -> bool {
    matches!(c.base_name(), "apt-get" | "apt" | "aptitude")
}

fn apt(c: &ShellCommand, sub: &[&str]) -> bool {
    is_apt(c) && support::subcommand_in(c, VALUE_FLAGS, sub).is_some()
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    let Some(last_update) = script.commands.iter().rposition(|c| apt(c, &["update"])) else { return };
    if support::removes_later(script, last_update, &[LISTS])
        || script.commands[last_update + 1..].iter().any(|c| apt(c, &["dist-clean"]))
        || support::has_cache_mount_over(run, &[LISTS])
        || !support::reaches_an_image(ctx.doc, run, &[LISTS])
        || left_to_index_update_alone(ctx, run)
    {
        return;
    }
    let update = &script.commands[last_update];
    let decision = fix_decision(ctx.doc, run, script, update);
    let diagnostic = ctx.report(
        update.range,
        format!("`{} update` leaves the package lists in this layer; remove them in the same RUN", update.base_name()),
    );
    match decision {
        Ok(applicability) => {
            if let Some(edit) = support::append_command(run, "rm -rf /var/lib/apt/lists/*") {
                diagnostic.with_fix(Fix::new("Append `&& rm -rf /var/lib/apt/lists/*`", applicability, vec![edit]));
            }
        }
        Err(reader) => {
            diagnostic.with_related(reader, "reads these lists, so they cannot be removed: update in this RUN instead");
        }
    }
}

/// True when `package-index-update-alone` is enabled and reports this RUN
/// (an `apt-get update` alone, read by a later RUN's install): one finding
/// on that spot, whose advice (update in the installing RUN) is the fix.
fn left_to_index_update_alone(ctx: &Context<'_>, run: &Instruction) -> bool {
    use crate::rules::cache::package_index_update_alone as alone;
    ctx.settings.is_enabled(&alone::RULE.meta)
        && alone::stale_refresh(ctx.doc, run).is_some_and(|(_, pm, _)| pm == PackageManager::Apt)
}

/// How safe removing the lists at the end of `run` is (see Fix safety), or
/// the later step that certainly needs them.
fn fix_decision(
    doc: &Document,
    run: &Instruction,
    script: &ShellScript,
    update: &ShellCommand,
) -> Result<Applicability, TextRange> {
    let dependence = Dependence {
        dirs: &[LISTS],
        programs: &["apt-get", "apt", "aptitude", "apt-cache"],
        reads: &reads_lists,
        resets: &resets_lists,
        memo: "apt-lists",
    };
    match fix_safety::later_dependence(doc, run, None, &dependence) {
        Some(hazard) if hazard.certain => Err(hazard.range),
        Some(_) => Ok(Applicability::Unsafe),
        None if fix_safety::appended_command_hazard(script, update, None).is_some()
            || fix_safety::mounts_over(run, &[LISTS]) =>
        {
            Ok(Applicability::Unsafe)
        }
        None => Ok(Applicability::Safe),
    }
}

/// A command that needs the package lists.
fn reads_lists(c: &ShellCommand) -> bool {
    let sub = support::subcommand(c, VALUE_FLAGS).map(|(_, a)| a.text.as_str());
    match c.base_name() {
        "apt-get" | "apt" | "aptitude" => sub.is_some_and(|s| !WITHOUT_LISTS.contains(&s)),
        "apt-cache" | "gdebi" | "unattended-upgrade" | "unattended-upgrades" => true,
        "apt-file" => sub != Some("update"),
        "rosdep" => sub == Some("install"),
        "mk-build-deps" => c.has_flag(Some('i'), &["install"]),
        _ => false,
    }
}

/// A command after which the lists no longer are the ones this RUN left:
/// an update (also by `add-apt-repository` and bitnami's
/// `install_packages`, which update first) or their removal.
fn resets_lists(c: &ShellCommand) -> bool {
    apt(c, &["update", "dist-clean", "distclean"])
        || fix_safety::removes(c, &[LISTS])
        || c.base_name() == "install_packages"
        || (c.base_name() == "add-apt-repository" && !c.has_flag(Some('n'), &["no-update"]))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

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
                // No fix at all when a later step needs the lists (#14).
                (
                    "FROM ubuntu:24.04\nRUN apt-get update\nRUN apt-get install -y curl\n",
                    "FROM ubuntu:24.04\nRUN apt-get update\nRUN apt-get install -y curl\n",
                ),
                (
                    "FROM debian AS build\nRUN apt-get update\nFROM debian\nCOPY --from=build /var/lib/apt/lists /var/lib/apt/lists\n",
                    "FROM debian AS build\nRUN apt-get update\nFROM debian\nCOPY --from=build /var/lib/apt/lists /var/lib/apt/lists\n",
                ),
                // Unsafe, so applied here: a script that may read them.
                (
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN ./install-deps.sh\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN ./install-deps.sh\n",
                ),
            ],
        );
    }

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let safe = |before: &str| {
            (before.to_string(), before.replacen(" curl\n", " curl && rm -rf /var/lib/apt/lists/*\n", 1))
        };
        let cases = [
            safe("FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n"),
            // Removals and `apt-get clean` do not read the lists; an update renews them.
            safe("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get purge -y vim && apt-get clean\n"),
            (
                "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y jq\n".to_string(),
                "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*\n".to_string(),
            ),
            safe("FROM debian AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN add-apt-repository ppa:x/y && apt-get install -y z\n"),
            // A sibling stage does not see the files; Python is not a script dockside counts.
            safe("FROM debian AS a\nRUN apt-get update && apt-get install -y curl\nFROM debian AS b\nRUN apt-get install -y jq\nFROM a\nRUN python3 setup.py\n"),
        ];
        let kept = |before: &'static str| (before.to_string(), before.to_string());
        let hazards = [
            // The issue: a later RUN of the stage installs without an update.
            kept("FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y jq\nRUN apt-get install -y curl\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-cache policy curl\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get source hello\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN sh -c 'apt install -y jq'\n"),
            kept(
                "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN [\"apt-get\", \"install\", \"-y\", \"jq\"]\n",
            ),
            // A stage built on it, directly or through another.
            kept(
                "FROM debian AS base\nRUN apt-get update && apt-get install -y curl\nFROM base AS mid\nRUN echo\nFROM mid\nRUN apt-get install -y jq\n",
            ),
            // ONBUILD: a trigger that installs, and a RUN that is itself a trigger.
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nONBUILD RUN apt-get install -y jq\n"),
            kept("FROM debian\nONBUILD RUN apt-get update && apt-get install -y curl\n"),
            // Copied out, the lists or a parent.
            kept(
                "FROM debian AS build\nRUN apt-get update\nFROM debian\nCOPY --from=build /var/lib/apt /var/lib/apt\n",
            ),
            kept(
                "FROM debian AS build\nRUN apt-get update\nFROM build\nFROM debian\nRUN --mount=from=build,source=/var/lib/apt/lists,target=/l ls /l\n",
            ),
            // Commands dockside cannot see into, and the container's command.
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN ./install-deps.sh\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN make deps\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSL https://x/setup | bash\n"),
            kept("FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD apt-get install -y jq && jq\n"),
            // The appended `rm` would not run with the update's privileges.
            kept("FROM debian\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y curl\n"),
            kept("FROM debian\nRUN bash -c 'apt-get update && apt-get install -y curl'\n"),
            // A mount over the lists.
            kept(
                "FROM debian\nRUN --mount=type=bind,source=lists,target=/var/lib/apt/lists,rw apt-get update && apt-get install -y curl\n",
            ),
        ];
        let cases: Vec<(String, String)> = cases.into_iter().chain(hazards).collect();
        let cases: Vec<(&str, &str)> = cases.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_safe_fixes(&super::RULE, &cases);
    }

    /// Without a fix, the finding shows the step that needs the lists.
    #[test]
    fn points_at_the_step_that_needs_the_lists() {
        let source = "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y jq\nRUN apt-get install -y curl\n";
        let doc = crate::model::Document::parse(source);
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert_eq!(found[0].related.len(), 1);
        assert_eq!(&source[found[0].related[0].range.as_range()], "apt-get install -y curl");
    }

    /// A lone update a later RUN installs from is `package-index-update-alone`'s
    /// finding: one finding on that spot, unless that rule is off.
    #[test]
    fn a_lone_update_is_left_to_package_index_update_alone() {
        let source = "FROM ubuntu:22.04\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n";
        let doc = crate::model::Document::parse(source);
        let lint = |settings: &crate::settings::Settings| {
            crate::engine::check_with_rules(&doc, settings, &[&super::RULE]).len()
        };
        assert_eq!(lint(&Default::default()), 0);
        let without = crate::config::parse_toml(
            "ignore = [\"package-index-update-alone\"]\n",
            std::path::Path::new("dockside.toml"),
        )
        .unwrap();
        assert_eq!(lint(&without), 1);
        // A later reader that is no install, or an update that also installs: reported here.
        for source in [
            "FROM ubuntu:22.04\nRUN apt-get update\nRUN apt-cache policy curl\n",
            "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y jq\nRUN apt-get install -y curl\n",
        ] {
            let doc = crate::model::Document::parse(source);
            assert_eq!(
                crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]).len(),
                1,
                "{source}"
            );
        }
    }
}
