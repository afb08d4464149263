//! ## What it does
//! Checks for `sudo` in `RUN` commands.
//!
//! ## Why is this bad?
//! Build steps already run as the user set by the last `USER` (root unless
//! changed), so `sudo` adds nothing but surprises: it must be installed and
//! configured in the image, it resets the environment (`PATH`, `HOME` and
//! every `ENV`-set variable not kept by `sudoers`), and it needs a
//! password-less sudoers entry, which leaves an easy privilege escalation
//! in the final image. Switch users with `USER`, and at run time drop
//! privileges with a tool like `gosu` or `su-exec`, which do not stay
//! around as the parent process.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN sudo apt-get update
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! USER root
//! RUN apt-get update
//! USER app
//! ```
//!
//! ## Notes
//! Not reported:
//! - `sudo -u <user>` (also `--user`, `-g`/`--group`) while the stage runs
//!   as root (no `USER` before it in the stage or the stages it builds on,
//!   or `USER root`): root running a step as another user (so the files it
//!   creates belong to that user) drops privileges rather than gaining
//!   them, and needs no sudoers entry. `USER <user>` … `USER root` says
//!   the same without `sudo`, at the cost of more instructions;
//! - `sudo` run only when the user is not root: in the `then` branch of an
//!   `if` (or after `&&`) whose condition tests `$(id -u)`, `$EUID`, `$UID`
//!   or `$(whoami)` against `0`/`root` (`-ne 0`, `!= root`), or after `||`
//!   of a test that the user is root. Such a step works whatever user the
//!   base image sets, which `USER root` … `USER <original>` cannot do
//!   without knowing that user;
//! - VS Code dev container definitions (a base image from
//!   `mcr.microsoft.com/devcontainers/` or `…/vscode/devcontainers/`, a
//!   `${templateOption:…}` template, or a `.devcontainer` build context):
//!   they are development environments whose user gets password-less
//!   `sudo` by design, and their user comes from `devcontainer.json`.
//!
//! ## Fix safety
//! When `sudo` has no options and no `USER` before it selects a non-root
//! user, the fix removes `sudo`. It is unsafe: the command then runs with
//! the unmodified environment rather than sudo's reset one, and a base
//! image may have set a non-root user, in which case the command loses its
//! privileges.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Base, Document, DocumentFact, Instruction, InstructionKind, Scope, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::dev_container::is_dev_container;

declare_rule! {
    /// `sudo` in `RUN`: build steps already run as the `USER` in effect
    name: "sudo-in-run", aliases: ["DL3004"], category: Security, severity: Error, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], in_onbuild: true, reads: Kinds([User, Arg, Env, Shell]), check_instruction: check,
}

const MESSAGE: &str = "do not use `sudo` in RUN; switch users with `USER`, or drop privileges with `gosu` at run time";

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    if is_dev_container(ctx.doc, ctx.settings, ctx.doc.stage_of(run)) {
        return;
    }
    let Some(script) = run.script() else {
        // Exec form without a shell: `RUN ["sudo", …]`.
        if let Some((first, range)) = run.json.as_ref().and_then(|j| j.items.first())
            && base_name(first) == "sudo"
        {
            ctx.report(*range, MESSAGE);
        }
        return;
    };
    let in_onbuild = ctx.doc.instructions.get(run.index).is_some_and(|i| i.kind == InstructionKind::Onbuild);
    let root = !in_onbuild && runs_as_root(run, ctx);
    for cmd in &script.commands {
        let Some(sudo) = sudo_word(ctx, cmd) else { continue };
        // Root running a step as another user drops privileges.
        if root && targets_other_user(&sudo.options) {
            continue;
        }
        if only_when_not_root(script, cmd) {
            continue;
        }
        let diagnostic = ctx.report(sudo.range, MESSAGE);
        if root && let Some(end) = sudo.fixable_until {
            diagnostic
                .with_fix(Fix::unsafe_("Remove `sudo`", vec![Edit::delete(TextRange::new(sudo.range.start, end))]));
        }
    }
}

struct Sudo {
    range: TextRange,
    /// Where the wrapped command starts, when `sudo` has no options.
    fixable_until: Option<usize>,
    /// The words between `sudo` and the command it runs.
    options: Vec<String>,
}

fn base_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The `sudo` that runs `cmd`, if any. The model strips `sudo` (and `env`,
/// `xargs`…) from the command name, so the wrappers are the words between
/// the start of the command and its name.
fn sudo_word(ctx: &Context<'_>, cmd: &ShellCommand) -> Option<Sudo> {
    if base_name(&cmd.name) == "sudo" {
        // `sudo -v`, `sudo -i`: nothing left to run after the options.
        return Some(Sudo { range: cmd.name_range, fixable_until: None, options: Vec::new() });
    }
    let prefix_start = cmd.range.start;
    // (`get`: ranges mapped from an escaped `sh -c` string are approximate.)
    let prefix = ctx.doc.text().get(prefix_start..cmd.name_range.start).filter(|p| !p.is_empty())?;
    let mut words = Vec::new();
    let mut offset = 0;
    for line in prefix.split_inclusive('\n') {
        // Comment lines inside a continuation are not part of the command.
        if !line.trim_start().starts_with('#') {
            let mut pos = 0;
            for word in line.split_whitespace() {
                let at = line[pos..].find(word).map_or(pos, |i| pos + i);
                pos = at + word.len();
                if word != "\\" {
                    words.push((word, prefix_start + offset + at));
                }
            }
        }
        offset += line.len();
    }
    let i = words.iter().position(|(w, _)| !w.contains('=') && base_name(w.trim_matches(['"', '\''])) == "sudo")?;
    let (word, start) = words[i];
    // Without options, the next word is the command itself.
    let fixable_until = (i + 1 == words.len()).then_some(cmd.name_range.start);
    let options = words[i + 1..].iter().map(|(w, _)| w.trim_matches(['"', '\'']).to_string()).collect();
    Some(Sudo { range: TextRange::new(start, start + word.len()), fixable_until, options })
}

/// True when sudo's options select a user or group (`-u app`, `-uapp`,
/// `--user=app`, `-g staff`) other than root.
fn targets_other_user(options: &[String]) -> bool {
    let mut targets = Vec::new();
    let mut words = options.iter();
    while let Some(word) = words.next() {
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v.to_string())));
            if matches!(name, "user" | "group") {
                targets.push(value.or_else(|| words.next().cloned()).unwrap_or_default());
            }
        } else if let Some(cluster) = word.strip_prefix('-') {
            // A cluster of short options: `-u` or `-g` takes the rest, or the next word.
            if let Some(at) = cluster.find(['u', 'g']) {
                let rest = &cluster[at + 1..];
                targets.push(if rest.is_empty() {
                    words.next().cloned().unwrap_or_default()
                } else {
                    rest.to_string()
                });
            }
        }
    }
    !targets.is_empty() && targets.iter().all(|t| !t.is_empty() && !matches!(t.as_str(), "root" | "0" | "#0"))
}

/// True when `cmd` runs only if the user is not root: in the `then` branch
/// of an `if` (or after `&&`) whose condition says so, or after `||` of a
/// test that the user is root.
fn only_when_not_root(script: &ShellScript, cmd: &ShellCommand) -> bool {
    let Some(mut node) = script.node_of(cmd) else { return false };
    let text = |n: tree_sitter::Node<'_>| script.text.get(n.byte_range()).unwrap_or("");
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "if_statement" | "elif_clause" => {
                let mut cursor = parent.walk();
                let conditions: Vec<tree_sitter::Node<'_>> =
                    parent.children_by_field_name("condition", &mut cursor).collect();
                let in_then = conditions.last().is_some_and(|c| node.start_byte() >= c.end_byte());
                if in_then && node.kind() != "else_clause" && node.kind() != "elif_clause" {
                    let condition: String = conditions.iter().map(|c| text(*c)).collect::<Vec<_>>().join(" ");
                    if tests_user(&condition, false) {
                        return true;
                    }
                }
            }
            "list" => {
                let left = parent.child(0);
                let operator = parent.child(1).map(text);
                if let Some(left) = left.filter(|l| l.end_byte() <= node.start_byte()) {
                    let negated = operator == Some("||");
                    if matches!(operator, Some("&&" | "||")) && tests_user(text(left), negated) {
                        return true;
                    }
                }
            }
            _ => {}
        }
        node = parent;
    }
    false
}

/// True when `condition` tests that the current user is not root (or, with
/// `is_root`, that it is root): `$(id -u)`, `$EUID`, `$UID` or `$(whoami)`
/// compared with `0`/`root`.
fn tests_user(condition: &str, is_root: bool) -> bool {
    let normal: String = condition
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, '"' | '\'' | '{' | '}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let names_user = ["$(id -u)", "`id -u`", "$euid", "$uid", "$(whoami)", "`whoami`", "$(id -un)"]
        .iter()
        .any(|s| normal.contains(s));
    let operators: &[&str] = if is_root { &["-eq", "=", "=="] } else { &["-ne", "!=", "-gt"] };
    let words: Vec<&str> = normal.split_whitespace().collect();
    let compares = words.windows(2).any(|w| operators.contains(&w[0]) && matches!(w[1], "0" | "root"));
    // (`! [ … ]` turns the test around.)
    names_user && compares && !normal.replace("!=", "").contains('!')
}

/// True unless a `USER` before `run` (in its stage or the stages it builds
/// on) selects a user other than root.
fn runs_as_root(run: &Instruction, ctx: &Context<'_>) -> bool {
    let Some(user) = ctx.doc.fact::<LastUser>().before.get(run.index).copied().flatten() else { return true };
    let user = &ctx.doc.instructions[user];
    let Some(word) = user.args.first() else { return false };
    let scope = Scope::at(ctx.doc, user.index);
    let expanded = scope.expand(word);
    let name = expanded.text.split(':').next().unwrap_or("");
    expanded.complete && (name == "root" || name == "0")
}

/// The last `USER` before each instruction, in its stage or the stages it
/// builds on, found in one pass (searching back from every RUN was
/// quadratic in the length of a stage).
struct LastUser {
    before: Vec<Option<usize>>,
}

impl DocumentFact for LastUser {
    fn compute(doc: &Document) -> LastUser {
        let mut before = vec![None; doc.instructions.len()];
        let mut at_end: Vec<Option<usize>> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            let mut last = match stage.base {
                Base::Stage(parent) if parent < stage.index => at_end[parent],
                _ => None,
            };
            for ins in stage.instructions(doc) {
                before[ins.index] = last;
                if ins.kind == InstructionKind::User {
                    last = Some(ins.index);
                }
            }
            at_end.push(last);
        }
        LastUser { before }
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
                "FROM debian\nRUN apt-get install -y sudo\n",
                "FROM debian\nRUN echo sudo && gosu app true\n",
                "FROM debian\nRUN [\"apt-get\", \"install\", \"sudo\"]\n",
                "FROM debian\nRUN FOO=sudo make\n",
                "FROM debian\nRUN SUDO=/usr/bin/sudo make\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN sudo x\n",
                // Root running a step as another user.
                "FROM debian\nRUN mkdir /srv/app && chown app /srv/app \\\n && sudo -u app git clone https://x/r.git /srv/app/r\n",
                "FROM debian\nUSER root\nRUN sudo --user=app make && sudo -H -u app make && sudo -g staff id\n",
                // Only when the user is not root.
                "ARG BASE=debian:12\nFROM ${BASE}\nRUN if [ \"$(id -u)\" -ne 0 ]; then sudo apt-get update; else apt-get update; fi\n",
                "FROM x\nRUN [ \"$EUID\" != 0 ] && sudo make install\n",
                "FROM x\nRUN [ \"$(whoami)\" = root ] || sudo make install\n",
                // Dev containers.
                "FROM mcr.microsoft.com/devcontainers/base:bookworm\nRUN sudo apt-get update\n",
            ],
            &[
                "FROM debian\nRUN ⟦sudo⟧ apt-get update\n",
                "FROM debian\nRUN apt-get update && ⟦sudo⟧ -E make install\n",
                "FROM debian\nRUN ⟦/usr/bin/sudo⟧ make\n",
                "FROM debian\nRUN ⟦sudo⟧ -v\n",
                "FROM debian\nRUN set -e; \\\n    ⟦sudo⟧ \\\n      make install\n",
                "FROM debian\nRUN <<EOF\nmake\n⟦sudo⟧ make install\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦sudo⟧ make\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦sudo⟧ make\"]\n",
                "FROM debian\nRUN [⟦\"sudo\"⟧, \"make\"]\n",
                "FROM debian\nRUN find . | xargs ⟦sudo⟧ rm\n",
                "FROM debian\nRUN env X=1 ⟦sudo⟧ make\n",
                "FROM debian\nUSER app\nRUN ⟦sudo⟧ -u other make\n",
                "FROM debian\nRUN ⟦sudo⟧ -u root make\n",
                "FROM x\nRUN if [ \"$(id -u)\" -ne 0 ]; then echo; else ⟦sudo⟧ make; fi\n",
                "FROM x\nRUN if [ \"$(id -u)\" -eq 0 ]; then ⟦sudo⟧ make; fi\n",
                "FROM x\nRUN [ \"$EUID\" != 0 ] || ⟦sudo⟧ make install\n",
                "FROM x\nRUN if ! [ \"$(id -u)\" -ne 0 ]; then ⟦sudo⟧ make; fi\n",
            ],
            &[
                ("FROM debian\nRUN sudo apt-get update\n", "FROM debian\nRUN apt-get update\n"),
                (
                    "FROM debian\nUSER root\nRUN make && \\\n  sudo \\\n    make install\n",
                    "FROM debian\nUSER root\nRUN make && \\\n  make install\n",
                ),
                ("FROM debian\nRUN <<EOF\nsudo make\nEOF\n", "FROM debian\nRUN <<EOF\nmake\nEOF\n"),
                // Options, a non-root user or ONBUILD: reported, not fixed.
                ("FROM debian\nRUN sudo -E make\n", "FROM debian\nRUN sudo -E make\n"),
                ("FROM debian\nUSER app\nRUN sudo make\n", "FROM debian\nUSER app\nRUN sudo make\n"),
                (
                    "FROM debian AS base\nUSER app\nFROM base\nRUN sudo make\n",
                    "FROM debian AS base\nUSER app\nFROM base\nRUN sudo make\n",
                ),
                ("FROM debian\nONBUILD RUN sudo make\n", "FROM debian\nONBUILD RUN sudo make\n"),
            ],
        );
    }

    /// Unsafe: sudo resets the environment, and the base image may set a non-root user.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM debian\nRUN sudo apt-get update\n", "FROM debian\nRUN sudo apt-get update\n")],
        );
    }
}
