//! ## What it does
//! Checks for a RUN that directly follows another RUN with the same flags,
//! when both are short (at most two commands each).
//!
//! ## Why is this bad?
//! Every RUN commits a layer. Files one RUN creates and the next deletes
//! stay in the first layer, and each layer adds metadata, a cache entry and
//! a download. Short steps that belong together are better written as one
//! RUN joined with `&&`.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN mkdir -p /app
//! RUN chown nobody /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN mkdir -p /app && \
//!     chown nobody /app
//! ```
//!
//! ## Fix safety
//! The fix joins the second RUN onto the first with ` && \` and a line
//! break, keeping the comments between them. It is unsafe: the commands now
//! share one shell, so `cd`, variables and `set` options of the first carry
//! over to the second, `&&` binds differently than separate RUNs when the
//! second uses `;` or `||`, and the build cache is split differently. There
//! is no fix for exec-form or heredoc RUNs.
//!
//! ## Notes
//! As in hadolint, only RUNs of a single command are merged: longer ones
//! were split on purpose. (hadolint's code allows two, but it counts every
//! command twice.) RUNs whose flags (`--mount`, `--network`,
//! `--security`) differ cannot be merged, and comment lines between two
//! RUNs do not separate them. RUNs under a non-POSIX `SHELL` are not
//! checked.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Document, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// Consecutive short `RUN` instructions could be one layer
    name: "consecutive-run-instructions", aliases: ["DL3059"], category: Size, severity: Info,
    fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], check_instruction: check,
}

/// RUNs with more commands than this were split on purpose.
const MAX_COMMANDS: usize = 1;

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(previous) = run.index.checked_sub(1).map(|i| &doc.instructions[i]) else { return };
    if previous.kind != InstructionKind::Run || previous.stage != run.stage || flags(doc, previous) != flags(doc, run) {
        return;
    }
    let (Some(a), Some(b)) = (command_count(previous), command_count(run)) else { return };
    if a > MAX_COMMANDS || b > MAX_COMMANDS {
        return;
    }
    let diagnostic =
        ctx.report(run.keyword_range, "this RUN directly follows another short RUN; merge them into one layer");
    diagnostic.with_related(previous.keyword_range, "previous RUN");
    if let Some(edits) = merge(doc, previous, run) {
        diagnostic.with_fix(Fix::unsafe_("Merge into the previous RUN with `&&`", edits));
    }
}

/// The flags as written, in a canonical order.
fn flags<'a>(doc: &'a Document, run: &Instruction) -> Vec<&'a str> {
    let mut flags: Vec<&str> = run.flags.iter().map(|f| &doc.text()[f.range.as_range()]).collect();
    flags.sort_unstable();
    flags
}

/// The number of commands; `None` for a RUN under a non-POSIX shell. As in
/// hadolint, `export`/`local`/`unset` count and commands whose name is an
/// expansion (`"$TOOL" x`) do not.
fn command_count(run: &Instruction) -> Option<usize> {
    let Some(script) = run.script() else { return run.is_exec_form().then_some(1) };
    // hadolint does not look into `sh -c` strings: `sh -c '…'` is one command.
    let named = script.commands.iter().filter(|c| !c.in_command_string && !c.name.contains(['$', '`'])).count();
    let mut declarations = 0;
    if !script.has_node_kind("declaration_command") && !script.has_node_kind("unset_command") {
        return Some(named);
    }
    let mut cursor = script.tree.walk();
    'walk: loop {
        let kind = cursor.node().kind();
        declarations += usize::from(matches!(kind, "declaration_command" | "unset_command"));
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        while cursor.goto_parent() {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
        }
        break;
    }
    Some(named + declarations)
}

/// Replace everything from the end of the first RUN's last statement to the
/// start of the second RUN's command with ` && \`, the comment lines in
/// between, and an indentation.
fn merge(doc: &Document, first: &Instruction, second: &Instruction) -> Option<Vec<Edit>> {
    let (end, tail) = support::last_statement(first)?;
    if !tail.trim().is_empty() {
        return None;
    }
    support::last_statement(second)?;
    let start = second.shell.as_ref()?.range.start;
    let mut text = format!(" && {}\n", doc.escape);
    for comment in doc.comments.iter().filter(|c| end <= c.range.start && c.range.end <= start) {
        text.push_str(comment.text.trim());
        text.push('\n');
    }
    text.push_str("    ");
    Some(vec![Edit::replace(TextRange::new(end, start), text)])
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN a\n",
                "FROM debian\nRUN a && b\nRUN c\n",
                "FROM debian\nRUN a\nRUN set -e; b\n",
                "FROM debian\nRUN a\nRUN export X=1 && b\n",
                "FROM debian\nRUN a\nRUN b | c\n",
                "FROM debian\nRUN a\nWORKDIR /x\nRUN b\n",
                "FROM debian\nRUN a\nFROM debian\nRUN b\n",
                "FROM debian\nRUN --mount=type=cache,target=/root/.cache a\nRUN b\n",
                "FROM debian\nONBUILD RUN a\nONBUILD RUN b\n",
                "FROM mcr.microsoft.com/windows\nSHELL [\"pwsh\", \"-c\"]\nRUN a\nRUN b\n",
            ],
            &[
                "FROM debian\nRUN a\n⟦RUN⟧ b\n",
                "FROM debian\nRUN [ -f x ] && a\n# why\n\n⟦run⟧ yes | \"$SDK/bin/tool\" install\n",
                "FROM debian\nRUN --network=none --mount=type=secret,id=x a\n⟦RUN⟧ --mount=type=secret,id=x --network=none b\n",
                "FROM debian\nRUN [\"a\"]\n⟦RUN⟧ [\"b\"]\n",
                "FROM debian\nRUN <<EOF\na\nEOF\n⟦RUN⟧ b\n",
                "FROM debian\nRUN a\n⟦RUN⟧ b\nRUN c\n",
                // As in hadolint, a `-c` string's commands do not count.
                "FROM debian\nRUN a\n⟦RUN⟧ sh -c 'b && c'\n",
            ],
            &[
                ("FROM debian\nRUN a\nRUN b\n", "FROM debian\nRUN a && \\\n    b\n"),
                (
                    "FROM debian\nRUN a \\\n  --x\n# step two\n\nRUN --network=none c \\\n    d\n",
                    "FROM debian\nRUN a \\\n  --x\n# step two\n\nRUN --network=none c \\\n    d\n",
                ),
                (
                    "FROM debian\nRUN a \\\n  --x\n# step two\n\nRUN c \\\n    d\n",
                    "FROM debian\nRUN a \\\n  --x && \\\n# step two\n    c \\\n    d\n",
                ),
                ("FROM debian\nRUN a\nRUN b\nRUN c\n", "FROM debian\nRUN a && \\\n    b && \\\n    c\n"),
                ("# escape=`\nFROM debian\nRUN a  \nRUN b\n", "# escape=`\nFROM debian\nRUN a && `\n    b\n"),
                ("FROM debian\nRUN a;\nRUN b\n", "FROM debian\nRUN a;\nRUN b\n"),
                ("FROM debian\nRUN a # note\nRUN b\n", "FROM debian\nRUN a # note\nRUN b\n"),
            ],
        );
    }

    /// Unsafe: the commands then share one shell.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM debian\nRUN cd /src\nRUN make\n", "FROM debian\nRUN cd /src\nRUN make\n")],
        );
    }
}
