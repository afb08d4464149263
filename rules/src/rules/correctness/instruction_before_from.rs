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
//! Unknown instructions are left to `syntax-error`. Several instructions
//! before the first `FROM` are one finding, at the first of them, with a
//! related location for each; the other rules lint them as usual.

use crate::model::InstructionKind;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// An instruction other than `ARG` before the first `FROM`
    name: "instruction-before-from", aliases: ["DL3061"], category: Correctness, severity: Error,
    reads: Kinds([]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let before: Vec<_> = doc
        .instructions
        .iter()
        .take_while(|i| i.kind != InstructionKind::From)
        .filter(|i| !matches!(i.kind, InstructionKind::Arg | InstructionKind::Unknown))
        .collect();
    // Once, at the first: the others are the same mistake (a missing or
    // moved FROM), each a related location.
    let Some(first) = before.first() else { return };
    let message = match before.as_slice() {
        [one] => format!("{} before the first FROM: only ARG may come before FROM", one.kind.keyword()),
        many => format!("{} instructions before the first FROM: only ARG may come before FROM", many.len()),
    };
    let diagnostic = ctx.report(first.keyword_range, message);
    if before.len() > 1 {
        for ins in &before {
            diagnostic.with_related(ins.keyword_range, format!("{} before the first FROM", ins.kind.keyword()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    /// A fragment (no FROM yet) is linted as a stage by the other rules,
    /// and this rule reports it once.
    #[test]
    fn the_other_rules_lint_a_fragment() {
        let text = "WORKDIR app\nRUN apt-get update && apt-get install -y curl\nUSER root\nCMD node server.js\n";
        let doc = crate::model::Document::parse(text);
        let found = crate::engine::check_document(&doc, &Default::default());
        let rules: Vec<&str> = found.iter().map(|d| d.rule.name).collect();
        for expected in [
            "relative-workdir",
            "apt-get-unpinned-package",
            "apt-get-installs-recommends",
            "apt-lists-not-removed",
            "last-user-root",
            "shell-form-command",
        ] {
            assert!(rules.contains(&expected), "{expected} missing from {rules:?}");
        }
        assert_eq!(rules.iter().filter(|r| **r == "instruction-before-from").count(), 1, "{rules:?}");
    }

    #[test]
    fn once_with_a_related_location_per_instruction() {
        let text = "RUN apt-get update\nARG V=1\nUSER root\nFROM alpine\nRUN x\n";
        let doc = crate::model::Document::parse(text);
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "2 instructions before the first FROM: only ARG may come before FROM");
        let related: Vec<&str> = found[0].related.iter().map(|r| &text[r.range.as_range()]).collect();
        assert_eq!(related, ["RUN", "USER"]);
    }

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
                // Reported once for all of them.
                "⟦RUN⟧ apt-get update\nRUN cd /app\nUSER root\nCOPY . /app\n",
            ],
            &[],
        );
    }
}
