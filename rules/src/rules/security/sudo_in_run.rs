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
//! ## Fix safety
//! When `sudo` has no options and no `USER` before it selects a non-root
//! user, the fix removes `sudo`. It is unsafe: the command then runs with
//! the unmodified environment rather than sudo's reset one, and a base
//! image may have set a non-root user, in which case the command loses its
//! privileges.

use crate::diagnostic::{Category, Edit, Fix, Severity, TextRange};
use crate::engine::{Context, Rule};
use crate::model::{Base, Document, DocumentFact, Instruction, InstructionKind, Scope, ShellCommand};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "sudo-in-run",
        aliases: &["DL3004"],
        category: Category::Security,
        severity: Severity::Error,
        fix: FixAvailability::Sometimes,
        summary: "`sudo` in `RUN`: build steps already run as the `USER` in effect",
        source: include_str!("sudo_in_run.rs"),
        path: "rules/src/rules/security/sudo_in_run.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

const MESSAGE: &str = "do not use `sudo` in RUN; switch users with `USER`, or drop privileges with `gosu` at run time";

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = &run.script else {
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
        return Some(Sudo { range: cmd.name_range, fixable_until: None });
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
    Some(Sudo { range: TextRange::new(start, start + word.len()), fixable_until })
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
            ],
            &[
                ("FROM debian\nRUN sudo apt-get update\n", "FROM debian\nRUN apt-get update\n"),
                (
                    "FROM debian\nUSER root\nRUN make && \\\n  sudo \\\n    make install\n",
                    "FROM debian\nUSER root\nRUN make && \\\n  make install\n",
                ),
                ("FROM debian\nRUN <<EOF\nsudo make\nEOF\n", "FROM debian\nRUN <<EOF\nmake\nEOF\n"),
                // Options, a non-root user or ONBUILD: reported, not fixed.
                ("FROM debian\nRUN sudo -u app make\n", "FROM debian\nRUN sudo -u app make\n"),
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
