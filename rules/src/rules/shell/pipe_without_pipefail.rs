//! ## What it does
//! Checks for `RUN` instructions with a pipe (`a | b`) when the shell in
//! effect does not have the `pipefail` option set by a
//! `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` instruction earlier in the
//! stage (or in the stage it builds on).
//!
//! ## Why is this bad?
//! A pipeline's exit status is the exit status of its last command. In
//! `RUN curl -fsSL https://example.com/install.sh | sh`, a failed download
//! gives `sh` an empty script, `sh` succeeds, and so does the build: the
//! image is silently missing what the step was meant to install. With
//! `pipefail`, the pipeline fails when any of its commands fails, and so
//! does the build.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! SHELL ["/bin/bash", "-o", "pipefail", "-c"]
//! RUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt
//! ```
//!
//! ## Fix safety
//! The fix inserts a `SHELL` instruction with `-o pipefail` before the
//! first `RUN` with a pipe: `/bin/bash` (or `/bin/ash` on Alpine and
//! BusyBox images), or the program of the `SHELL` already in effect when
//! it supports `pipefail`. It is unsafe: the image must contain that shell
//! (Debian's `/bin/sh`, dash, has no `pipefail`), every later `RUN` of the
//! stage changes shell, and pipelines that used to pass may now fail the
//! build, which is the point but needs a look.
//!
//! ## Notes
//! Unlike hadolint, dockside:
//! - keeps the `SHELL` of the stage a stage is built `FROM`, as Docker
//!   does (hadolint forgets it at every `FROM`);
//! - accepts `set -o pipefail` (or `set -euo pipefail`) before the pipe in
//!   the same `RUN`;
//! - accepts `-o pipefail` with any shell program in `SHELL` (a shell that
//!   does not know the option fails the build at once, so it cannot go
//!   unnoticed);
//! - does not report pipes fed only by `echo`, `printf` or `yes`: they
//!   cannot fail, and with `pipefail` `yes | cmd` even fails the build
//!   when `cmd` stops reading;
//! - does not report exec-form `RUN` (`["sh", "-c", "a | b"]`), which a
//!   `SHELL` does not affect, and checks a heredoc with its own `#!` line
//!   for `set -o pipefail` only;
//! - skips `RUN`s of stages on Windows images without a `SHELL`: they run
//!   under `cmd`, where `|` is not a POSIX pipe;
//! - does not report a pipe into a checksum check that reads it
//!   (`grep app.tgz SHA256SUMS | sha256sum -c -`): with nothing to check it
//!   fails anyway, so a failure upstream already fails the build;
//! - does not report a pipe in the word list of a `for` loop
//!   (`for f in $(a | b)`): the shell ignores that status even with
//!   `pipefail` and `set -e`. (A substitution in an assignment, `x=$(a | b)`,
//!   is reported: `set -e` does check it.)

use crate::diagnostic::{Edit, Fix};
use crate::model::{Base, InstructionKind, ShellScript, for_each_node};
use crate::rule::{Context, declare_rule};

use super::support::{self, BaseFamily, Pipe, base_family, insertion_point_before, is_shebang_heredoc, pipes};

declare_rule! {
    /// A pipe in `RUN` without `pipefail` hides failures of all but its last command
    name: "pipe-without-pipefail", aliases: ["DL4006"], category: Shell, severity: Warning,
    fix: Sometimes, fix_safety: Unsafe,
    reads: Kinds([Run, Shell]), check_document: check,
}

/// The SHELL in effect: its JSON items (`None`: Docker's default
/// `["/bin/sh", "-c"]`), whether it sets `pipefail`, and the edit that will
/// set it once a `RUN` needs it (shared by every `RUN` it covers, also in
/// stages built on this one).
#[derive(Clone, Debug, Default)]
struct ShellState {
    items: Option<Vec<String>>,
    pipefail: bool,
    fix: Option<(String, Edit)>,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let mut end_states: Vec<ShellState> = Vec::with_capacity(doc.stages.len());
    for (stage, instructions) in doc.stage_runs() {
        let mut state = match stage.map(|s| &s.base) {
            Some(Base::Stage(parent)) => end_states.get(*parent).cloned().unwrap_or_default(),
            _ => ShellState::default(),
        };
        for ins in instructions {
            match ins.kind {
                InstructionKind::Shell => {
                    if let Some(json) = &ins.json {
                        let items: Vec<String> = json.items.iter().map(|(s, _)| s.clone()).collect();
                        state = ShellState { pipefail: sets_pipefail(&items), items: Some(items), fix: None };
                    }
                }
                InstructionKind::Run => {
                    if ins.json.is_some() {
                        continue;
                    }
                    let Some(script) = support::script(doc, ins) else { continue };
                    let own_interpreter = is_shebang_heredoc(ins);
                    if state.pipefail && !own_interpreter {
                        continue;
                    }
                    let Some(pipe) = unguarded_pipe(script) else { continue };
                    let message = message(&pipe);
                    if own_interpreter {
                        ctx.report(pipe.range, format!("{message}; add `set -o pipefail` to the script"));
                        continue;
                    }
                    let (title, edit) = state
                        .fix
                        .get_or_insert_with(|| {
                            let family = stage.map_or(BaseFamily::Unknown, |s| base_family(doc, s.index));
                            let shell = fixed_shell(&state.items, family);
                            let (offset, indent) = insertion_point_before(doc, ins);
                            (
                                format!("Insert `SHELL {shell}` before the first `RUN` with a pipe"),
                                Edit::insert(offset, format!("SHELL {shell}\n{indent}")),
                            )
                        })
                        .clone();
                    ctx.report(pipe.range, format!("{message}; set `pipefail` with `SHELL`"))
                        .with_fix(Fix::unsafe_(title, vec![edit]));
                }
                _ => {}
            }
        }
        // The prelude is no stage: nothing builds on it.
        if stage.is_some() {
            end_states.push(state);
        }
    }
}

/// The first pipe that can hide a failure and comes before any
/// `set -o pipefail` of the script.
fn unguarded_pipe(script: &ShellScript) -> Option<Pipe> {
    let guard = script
        .commands
        .iter()
        // A `set` in a `-c` string sets its own shell's options only.
        .filter(|c| !c.in_command_string)
        .filter(|c| c.base_name() == "set" && set_args_enable_pipefail(c.args.iter().map(|a| a.text.as_str())))
        .map(super::support::logical_start)
        .min();
    let found: Vec<Pipe> = pipes(script)
        .into_iter()
        .filter(|p| {
            let harmless = p.upstream_all.iter().all(|name| matches!(name.as_str(), "echo" | "printf" | "yes"));
            !harmless && guard.is_none_or(|g| p.start < g)
        })
        .collect();
    if found.is_empty() {
        return None;
    }
    // The pipeline nodes by their start, to look at what surrounds each pipe.
    let mut nodes: Vec<tree_sitter::Node<'_>> = Vec::new();
    for_each_node(script.tree.root_node(), |n| {
        if n.kind() == "pipeline" {
            nodes.push(n);
        }
    });
    found.into_iter().find(|p| {
        let node = nodes.iter().find(|n| n.start_byte() == p.start && first_operator_at(script, **n, p));
        !node.is_some_and(|n| pipefail_changes_nothing(script, *n))
    })
}

/// True when `node`'s first `|` is the pipe `pipe` reports.
fn first_operator_at(script: &ShellScript, node: tree_sitter::Node<'_>, pipe: &Pipe) -> bool {
    let mut cursor = node.walk();
    let op = node.children(&mut cursor).find(|c| matches!(c.kind(), "|" | "|&"));
    op.is_some_and(|op| script.source_range(op.start_byte(), op.end_byte()) == pipe.range)
}

/// True for a pipeline whose hidden failures `pipefail` would not surface:
/// one that ends in a checksum check of what it reads (empty input fails
/// it), or one in a `for` loop's word list (whose status no option checks).
fn pipefail_changes_nothing(script: &ShellScript, pipeline: tree_sitter::Node<'_>) -> bool {
    checks_checksums(script, pipeline) || in_for_word_list(pipeline)
}

/// `… | sha256sum -c` (or `--check`, with no file but `-`).
fn checks_checksums(script: &ShellScript, pipeline: tree_sitter::Node<'_>) -> bool {
    let mut cursor = pipeline.walk();
    let Some(last) = pipeline.named_children(&mut cursor).filter(|c| c.kind() != "comment").last() else {
        return false;
    };
    let Some(cmd) = script.commands.iter().find(|c| !c.in_command_string && c.logical.start == last.start_byte())
    else {
        return false;
    };
    let name = cmd.base_name();
    if !name.ends_with("sum")
        || !matches!(name, "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" | "md5sum" | "b2sum")
    {
        return false;
    }
    let args: Vec<&str> = cmd.args.iter().map(|a| a.text.as_str()).collect();
    let check = args.iter().any(|a| {
        *a == "--check" || (a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].contains('c'))
    });
    // Files other than `-` would be read instead of the pipe.
    check && args.iter().all(|a| a.starts_with('-'))
}

/// Inside a `$(…)` among the words of a `for` loop (`for f in $(a | b)`).
/// Only a few levels up are looked at: a word list is near its pipeline, and
/// a long `&&` chain above would make the walk as long as the script.
fn in_for_word_list(pipeline: tree_sitter::Node<'_>) -> bool {
    let mut substitution = None;
    let mut node = pipeline;
    for _ in 0..16 {
        let Some(parent) = node.parent() else { return false };
        match parent.kind() {
            "command_substitution" if substitution.is_none() => substitution = Some(parent),
            "for_statement" => {
                let Some(sub) = substitution else { return false };
                return parent.child_by_field_name("body").is_some_and(|body| sub.end_byte() <= body.start_byte());
            }
            _ => {}
        }
        node = parent;
    }
    false
}

fn message(pipe: &Pipe) -> String {
    let hidden: Vec<String> =
        pipe.upstream.iter().filter(|n| !n.is_empty()).map(|n| format!("`{n}`")).collect::<Vec<_>>();
    match (hidden.is_empty(), &pipe.last) {
        (false, Some(last)) => {
            format!("a failure of {} is hidden by this pipe: only `{last}`'s exit status counts", hidden.join(", "))
        }
        _ => "a failure before this pipe is hidden: only the last command's exit status counts".to_string(),
    }
}

/// True when shell options (`-o pipefail`, `-eo pipefail`) turn `pipefail` on.
fn sets_pipefail(items: &[String]) -> bool {
    set_args_enable_pipefail(items.iter().skip(1).map(String::as_str))
}

fn set_args_enable_pipefail<'a>(args: impl Iterator<Item = &'a str>) -> bool {
    let mut enabled = false;
    let mut previous = "";
    for arg in args {
        if arg == "-opipefail" || (arg == "pipefail" && previous.starts_with('-') && previous.ends_with('o')) {
            enabled = true;
        }
        if arg == "pipefail" && previous.starts_with('+') && previous.ends_with('o') {
            enabled = false;
        }
        if arg == "-c" {
            break;
        }
        previous = arg;
    }
    enabled
}

/// The SHELL the fix inserts, as JSON.
fn fixed_shell(current: &Option<Vec<String>>, family: BaseFamily) -> String {
    let default = if family == BaseFamily::BusyBox { "/bin/ash" } else { "/bin/bash" };
    let items: Vec<String> = match current {
        Some(items) if supports_pipefail(items) && items.last().is_some_and(|l| l == "-c") => {
            let mut items = items.clone();
            items.splice(items.len() - 1..items.len() - 1, ["-o".to_string(), "pipefail".to_string()]);
            items
        }
        _ => [default, "-o", "pipefail", "-c"].map(String::from).to_vec(),
    };
    let quoted: Vec<String> = items.iter().map(|s| json_string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn supports_pipefail(items: &[String]) -> bool {
    let program = items.first().map_or("", |p| p.rsplit('/').next().unwrap_or(p));
    matches!(program, "bash" | "zsh" | "ash" | "ksh" | "mksh")
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL u | tar -xz\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-euxo\", \"pipefail\", \"-c\"]\nRUN curl -fsSL u | tar -xz\n",
                "FROM debian AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n",
                "FROM debian\nRUN set -euo pipefail; curl -fsSL u | tar -xz\n",
                "FROM debian\nRUN set -o pipefail && \\\n    curl -fsSL u | tar -xz\n",
                "FROM debian\nRUN echo \"$SHA  file\" | sha256sum -c -\n",
                "FROM debian\nRUN yes | apt-get install foo\n",
                "FROM debian\nRUN echo \"$(curl -fsSL u)\" | sh\n",
                "FROM debian\nRUN { echo a; echo b; } | tee /etc/x.conf\n",
                "FROM debian\nRUN printf 'a\\nb\\n' | debconf-set-selections\n",
                "FROM debian\nRUN a || b && c\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"a | b\"]\n",
                "FROM mcr.microsoft.com/windows\nSHELL [\"powershell\", \"-Command\"]\nRUN a | b\n",
                "FROM debian\nRUN cat <<EOF > /x\na | b\nEOF\n",
                "FROM debian\nONBUILD RUN a | b\n",
                // A checksum check fails on empty input; a `for` list's status is ignored.
                "FROM alpine:3.20\nRUN set -e; wget -q u/x.tar.xz u/SUMS; grep \" x.tar.xz$\" SUMS | sha256sum -c -\n",
                "FROM debian\nRUN curl -fsSL u/SHA512SUMS | grep app.tgz | sha512sum --check --strict\n",
                "FROM alpine:3.20\nRUN set -ex; for f in $(git status --porcelain | awk '{print $2}'); do cp \"$f\" /out/; done\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command Get-Item x | Out-Null\n",
            ],
            &[
                "FROM debian\nRUN curl -fsSL u ⟦|⟧ tar -xz\n",
                // A `-c` string's `set` changes only its own shell.
                "FROM debian\nRUN bash -c 'set -o pipefail' && curl -fsSL u ⟦|⟧ tar -xz\n",
                "FROM debian\nRUN set -e; \\\n    curl -fsSL u \\\n    ⟦|⟧ tar -xz\n",
                "FROM debian\nRUN <<EOF\nset -e\ncurl -fsSL u ⟦|⟧ sh\nEOF\n",
                "FROM debian\nRUN <<EOF\n#!/bin/bash\ncurl -fsSL u ⟦|⟧ sh\nEOF\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM debian\nRUN a ⟦|⟧ b\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a ⟦|⟧ b\n",
                "FROM debian\nRUN curl u ⟦|⟧ sh; set -o pipefail\n",
                "FROM debian\nRUN x $(a ⟦|⟧ b)\n",
                "FROM debian\nRUN x=$(a ⟦|⟧ b) && echo $x\n",
                "FROM debian\nRUN for f in 1 2; do x=$(a ⟦|⟧ b); done\n",
                "FROM debian\nRUN for f in $(ls); do a ⟦|⟧ b; done\n",
                "FROM debian\nRUN curl -fsSL u ⟦|⟧ sha256sum > /sum\n",
                "FROM debian\nRUN curl -fsSL u ⟦|⟧ sha256sum -c SUMS\n",
                "FROM debian\nRUN echo x | grep -q x && cat f ⟦|⟧ wc -l\n",
                "FROM debian\nRUN { echo a; curl -fsSL u; } ⟦|⟧ sh\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt-get update\nRUN curl -fsSL u | tar -xz\nRUN a | b\n",
                    "FROM debian\nRUN apt-get update\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL u | tar -xz\nRUN a | b\n",
                ),
                (
                    "FROM alpine:3.20\n# fetch\nRUN wget -qO- u | tar -xz\n",
                    "FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\n# fetch\nRUN wget -qO- u | tar -xz\n",
                ),
                (
                    "FROM debian\nSHELL [\"/bin/bash\", \"-e\", \"-c\"]\nRUN a | b\n",
                    "FROM debian\nSHELL [\"/bin/bash\", \"-e\", \"-c\"]\nSHELL [\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
                ),
                (
                    "FROM debian AS a\nRUN a | b\nFROM a\nRUN c | d\n",
                    "FROM debian AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\nFROM a\nRUN c | d\n",
                ),
                (
                    "FROM debian\nRUN <<EOF\n#!/bin/bash\na | b\nEOF\n",
                    "FROM debian\nRUN <<EOF\n#!/bin/bash\na | b\nEOF\n",
                ),
            ],
        );
    }

    /// Unsafe: pipelines that passed may now fail the build, and the shell must exist.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM debian\nRUN curl -fsSL u | tar -xz\n", "FROM debian\nRUN curl -fsSL u | tar -xz\n")],
        );
    }
}
