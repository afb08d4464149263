//! ## What it does
//! Checks for `apt-get install` without `--no-install-recommends`.
//!
//! ## Why is this bad?
//! By default apt also installs every package the requested ones merely
//! *recommend*: documentation, optional tools, whole X11 or Perl stacks.
//! They make the image larger and widen its attack surface, and a container
//! rarely needs them. `--no-install-recommends` installs only the real
//! dependencies.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
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
//! The fix adds `--no-install-recommends` after `install`. It is unsafe:
//! the image no longer gets the recommended packages, and a later step of
//! the build (in this stage or one built on it) or the software at run time
//! may rely on one of them (`curl` recommends `ca-certificates`, without
//! which every HTTPS download fails). Add the ones you need by name.
//!
//! ## Notes
//! `-o APT::Install-Recommends=false` (or `=0`) on the command line is
//! accepted, and so is an earlier RUN of the stage (or of the stage it
//! builds on) that writes `APT::Install-Recommends "false";` to apt's
//! configuration; hadolint still reports every install after that.
//!
//! VS Code dev container definitions are skipped (a base image from
//! `mcr.microsoft.com/devcontainers/` or `…/vscode/devcontainers/`, a
//! `${templateOption:…}` template, or a `.devcontainer` build context):
//! they are development environments, where the recommended packages
//! (`git` recommends `openssh-client`, `less`, `patch`) are wanted and
//! image size matters little.

use crate::diagnostic::{Edit, Fix};
use crate::model::{Base, Document, Instruction};
use crate::rule::{Context, declare_rule};
use crate::rules::dev_container::is_dev_container;

use super::support;

declare_rule! {
    /// `apt-get install` without `--no-install-recommends` installs optional packages
    name: "apt-get-installs-recommends", aliases: ["DL3015"], category: Size, severity: Info,
    fix: Always, fix_safety: Unsafe,
    kinds: [Run], in_onbuild: true, reads: Kinds([Arg, Shell]), check_instruction: check,
}

/// apt-get options that take a separate value.
const VALUE_FLAGS: &[&str] = crate::rules::package_cli::APT_VALUE_OPTIONS;

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    if script.commands_named(&["apt-get"]).next().is_none()
        || is_dev_container(ctx.doc, ctx.settings, ctx.doc.stage_of(run))
    {
        return;
    }
    let mut configured = None;
    for cmd in script.commands_named(&["apt-get"]) {
        let Some(install) = support::subcommand_in(cmd, VALUE_FLAGS, &["install"]) else { continue };
        if cmd.has_flag(None, &["no-install-recommends"]) || cmd.args.iter().any(|a| disables_recommends(&a.text)) {
            continue;
        }
        if *configured.get_or_insert_with(|| configured_earlier(ctx.doc, run)) {
            return;
        }
        ctx.report(cmd.range, "`apt-get install` without `--no-install-recommends` also installs recommended packages")
            .with_fix(Fix::unsafe_(
                "Add `--no-install-recommends`",
                vec![Edit::insert(install.range.end, " --no-install-recommends")],
            ));
    }
}

/// `APT::Install-Recommends=false` (also as `-oAPT::…`, any case, `0`/`no`/`off`).
fn disables_recommends(arg: &str) -> bool {
    let arg = arg.strip_prefix("-o").unwrap_or(arg).to_ascii_lowercase();
    arg.strip_prefix("apt::install-recommends=").is_some_and(|v| matches!(v, "false" | "0" | "no" | "off"))
}

/// True when an earlier RUN of the stage, or of a stage it builds on, turns
/// recommends off in apt's configuration (`APT::Install-Recommends "0";`).
fn configured_earlier(doc: &Document, run: &Instruction) -> bool {
    let mut stage = run.stage;
    let mut upto = run.index;
    while let Some(s) = stage.and_then(|s| doc.stages.get(s)) {
        let writes_config = doc.instructions[s.from..upto.min(s.end)]
            .iter()
            .filter_map(|i| i.script())
            .any(|script| config_disables_recommends(&script.text));
        if writes_config {
            return true;
        }
        (stage, upto) = match s.base {
            Base::Stage(parent) => (Some(parent), doc.stages[parent].end),
            _ => (None, 0),
        };
    }
    false
}

fn config_disables_recommends(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.match_indices("install-recommends").any(|(at, key)| {
        let value = lower[at + key.len()..].split([';', '\n']).next().unwrap_or("");
        let value = value.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
        matches!(value, "0" | "false" | "no" | "off")
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n",
                "FROM debian\nRUN apt-get --no-install-recommends install -y curl\n",
                "FROM debian\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n",
                "FROM debian\nRUN apt-get -o apt::install-recommends=0 install -y curl\n",
                "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
                "FROM debian\nRUN apt install -y curl\n",
                "FROM debian\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/norec\nRUN apt-get install -y curl\n",
                "FROM debian AS base\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/norec\nFROM base\nRUN apt-get install -y curl\n",
                "FROM mcr.microsoft.com/devcontainers/go:1.22\nRUN apt-get update && apt-get -y install git procps\n",
            ],
            &[
                "FROM debian\nRUN apt-get update && ⟦apt-get install -y curl⟧\n",
                "FROM debian\nRUN ⟦apt-get -o Acquire::Retries=3 install -y curl⟧\n",
                "FROM debian\nRUN ⟦apt-get install -y \\\n    curl⟧\n",
                "FROM debian\nRUN <<EOF\n⟦apt-get install -y curl⟧\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦apt-get install -y curl⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦apt-get install -y curl⟧\"]\n",
                "FROM debian\nRUN apt-get install -y curl\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/norec\n",
                "FROM debian\nRUN echo 'APT::Install-Recommends \"1\";' > /etc/apt/apt.conf.d/rec\nRUN ⟦apt-get install -y curl⟧\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n",
                ),
                (
                    "FROM debian\nRUN apt-get install -y a && apt-get -q install b\n",
                    "FROM debian\nRUN apt-get install --no-install-recommends -y a && apt-get -q install --no-install-recommends b\n",
                ),
            ],
        );
    }

    /// Unsafe: later steps may need a recommended package (`curl` recommends `ca-certificates`).
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSLO https://x/a\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSLO https://x/a\n",
            )],
        );
    }
}
