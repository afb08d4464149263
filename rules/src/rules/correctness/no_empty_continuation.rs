//! ## What it does
//! Checks for blank lines inside an instruction continued with `\`.
//!
//! ## Why is this bad?
//! Docker skips blank lines inside a continued instruction, so
//!
//! ```text
//! RUN apt-get update && \
//!
//!     apt-get install -y curl
//! ```
//!
//! still runs as one command. But the blank line makes the instruction look
//! finished, and a reader (or an edit) easily takes the next line for a new
//! instruction. The behaviour is deprecated: BuildKit warns, and a future
//! release will reject such files.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && \
//!
//!     apt-get install -y curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && \
//!     apt-get install -y curl
//! ```
//!
//! ## Fix safety
//! The fix deletes the blank lines. It is safe: Docker ignores them.
//!
//! ## Notes
//! Comment lines inside a continuation are not blank and are not reported.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A blank line inside a continued instruction
    name: "no-empty-continuation", aliases: ["NoEmptyContinuation"], category: Correctness,
    severity: Warning, fix: Always,
    kinds: ALL, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(first) = ins.empty_continuation_lines.first() else { return };
    let count = ins.empty_continuation_lines.len();
    let what = if count == 1 { "a blank line".to_string() } else { format!("{count} blank lines") };
    let edits = ins.empty_continuation_lines.iter().map(|r| Edit::delete(*r)).collect();
    ctx.report(*first, format!("{what} inside a continued `{}`; Docker will reject this in the future", ins.keyword))
        .with_fix(Fix::safe("Delete the blank lines", edits));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nRUN a \\\n  && b\n\nRUN c\n",
                "FROM alpine\nRUN a \\\n# comment\n  && b\n",
                "FROM alpine\n\n\nRUN a\n",
                "FROM alpine\nRUN a\n# c\n\nRUN b\n",
                "FROM alpine\nRUN a \\\n  b\n\n# c\n\nRUN b\n",
                "FROM alpine\nRUN <<EOF\na\n\nb\nEOF\n",
            ],
            &[
                "FROM alpine\nRUN a \\\n⟦\n⟧  && b\n",
                "FROM alpine\nRUN a \\\n# comment\n⟦   \n⟧  && b\n",
                "FROM alpine\nONBUILD RUN a \\\n⟦\n⟧  && b\n",
            ],
            &[(
                "FROM alpine\nRUN a \\\n\n\n  && b \\\n# c\n\n  && d\n",
                "FROM alpine\nRUN a \\\n  && b \\\n# c\n  && d\n",
            )],
        );
    }

    /// Safe: Docker drops the blank lines itself.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(&super::RULE, &[("FROM alpine\nRUN a \\\n\n  && b\n", "FROM alpine\nRUN a \\\n  && b\n")]);
    }
}
