//! ## What it does
//! Checks for an instruction other than `ARG` before the first `FROM`.
//!
//! ## Why is this bad?
//! A Dockerfile builds nothing until `FROM` names a base image; only `ARG`
//! (to parameterize the `FROM` lines), comments and parser directives may
//! come first. Docker stops with "no build stage in current context" at
//! the first other instruction, often an instruction moved up by mistake or
//! a `FROM` line that was deleted.
//!
//! ## Example
//! ```dockerfile
//! LABEL org.opencontainers.image.authors="team@example.com"
//! FROM alpine:3.20
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG ALPINE_VERSION=3.20
//! FROM alpine:${ALPINE_VERSION}
//! LABEL org.opencontainers.image.authors="team@example.com"
//! ```
//!
//! ## Notes
//! Unknown instructions are left to `syntax-error`.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::InstructionKind;
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "instruction-before-from",
        aliases: &["DL3061"],
        category: Category::Correctness,
        severity: Severity::Error,
        fix: FixAvailability::None,
        summary: "An instruction other than `ARG` before the first `FROM`",
        source: include_str!("instruction_before_from.rs"),
        path: "rules/src/rules/correctness/instruction_before_from.rs",
        enabled_by_default: true,
    },
    kinds: &[],
    in_onbuild: false,
    check_instruction: None,
    check_document: Some(check),
};

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    for ins in doc.instructions.iter().take_while(|i| i.kind != InstructionKind::From) {
        if matches!(ins.kind, InstructionKind::Arg | InstructionKind::Unknown) {
            continue;
        }
        let kw = ins.kind.keyword();
        ctx.report(ins.keyword_range, format!("{kw} before the first FROM: only ARG may come before FROM"));
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
                "FROM alpine\nRUN x\n",
                "# syntax=docker/dockerfile:1\n# a comment\nARG V=1\nFROM alpine:$V\nLABEL a=b\n",
                "ARG A\nARG B\nFROM alpine\n",
                "COPYY a b\nFROM alpine\n",
            ],
            &[
                "⟦LABEL⟧ a=b\nFROM alpine\n",
                "ARG V=1\n⟦ENV⟧ A=1\nFROM alpine\n",
                "# comment\n⟦run⟧ echo hi\n",
                "⟦MAINTAINER⟧ me\nFROM alpine\n",
            ],
            &[],
        );
    }
}
