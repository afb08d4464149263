//! ## What it does
//! Checks that instruction keywords are written in one case throughout the
//! file: a keyword in mixed case (`Run`), or one that differs from the case
//! most keywords of the file use.
//!
//! ## Why is this bad?
//! Keywords are case-insensitive, so nothing breaks, but a file that mixes
//! `RUN` and `run` is harder to scan and suggests pasted-together parts.
//! Like BuildKit, the rule takes the case most keywords already use
//! (upper case on a tie) and reports the others.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! run apk add --no-cache curl
//! COPY app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! COPY app /app
//! ```
//!
//! ## Fix safety
//! The fix rewrites the keyword in the majority case. It is safe: keywords
//! are case-insensitive.
//!
//! ## Notes
//! BuildKit does not count `ARG`s before the first `FROM`; this rule counts
//! and checks them like any other instruction. Instructions wrapped in
//! `ONBUILD` are checked as well.

use crate::diagnostic::{Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// An instruction keyword differs from the case the file uses
    name: "consistent-instruction-casing", aliases: ["ConsistentInstructionCasing"],
    category: Maintainability, severity: Style, fix: Always,
    reads: Document, check_document: check,
}

fn keywords(ins: &Instruction) -> impl Iterator<Item = &Instruction> {
    std::iter::once(ins).chain(ins.onbuild()).filter(|i| i.kind != InstructionKind::Unknown)
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let (mut lower, mut upper) = (0usize, 0usize);
    // Runs on every keystroke over every instruction: no allocation
    // unless a keyword is reported.
    let is_lower = |k: &str| !k.bytes().any(|b| b.is_ascii_uppercase());
    let is_upper = |k: &str| !k.bytes().any(|b| b.is_ascii_lowercase());
    for ins in doc.instructions.iter().flat_map(keywords) {
        if is_lower(&ins.keyword) {
            lower += 1;
        } else if is_upper(&ins.keyword) {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for ins in doc.instructions.iter().flat_map(keywords) {
        if if majority_lower { is_lower(&ins.keyword) } else { is_upper(&ins.keyword) } {
            continue;
        }
        let expected = if majority_lower { ins.keyword.to_ascii_lowercase() } else { ins.keyword.to_ascii_uppercase() };
        let case = if majority_lower { "lower" } else { "upper" };
        ctx.report(
            ins.keyword_range,
            format!("`{}` should be written in {case} case like the other instructions", ins.keyword),
        )
        .with_fix(Fix::safe(format!("Write `{expected}`"), vec![Edit::replace(ins.keyword_range, expected)]));
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
                "FROM alpine\nRUN x\n",
                "from alpine\nrun x\n",
                "FROM alpine\nONBUILD RUN x\n",
                "# a comment\nFROM alpine\n",
            ],
            &[
                "FROM alpine\n⟦run⟧ x\nCOPY a b\n",
                "from alpine\n⟦RUN⟧ x\ncopy a b\n",
                "FROM alpine\n⟦Run⟧ x\n",
                "FROM alpine\nONBUILD ⟦run⟧ x\n",
                // A tie goes to upper case.
                "FROM alpine\n⟦run⟧ x\n",
            ],
            &[
                ("from alpine\nRUN x\nworkdir /a\n", "from alpine\nrun x\nworkdir /a\n"),
                ("FROM alpine\nEntryPoint [\"x\"]\n", "FROM alpine\nENTRYPOINT [\"x\"]\n"),
            ],
        );
    }

    #[test]
    fn buildkit_check_directives_apply() {
        let lint = |src: &str| {
            crate::engine::check_with_rules(&crate::model::Document::parse(src), &Default::default(), &[&super::RULE])
        };
        assert!(lint("# check=skip=ConsistentInstructionCasing\nFROM alpine\nrun x\nCOPY a b\n").is_empty());
        let found = lint("# check=error=true\nFROM alpine\nrun x\nCOPY a b\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Error);
    }

    /// Safe: keywords are case-insensitive.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM alpine\nrun x\nONBUILD run y\nCOPY a b\nCOPY c d\n",
                "FROM alpine\nRUN x\nONBUILD RUN y\nCOPY a b\nCOPY c d\n",
            )],
        );
    }
}
