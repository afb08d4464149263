//! ## What it does
//! Checks for stage names (`FROM … AS name`) that are not all lower case.
//!
//! ## Why is this bad?
//! BuildKit lower-cases stage names before it compares them, so `AS Builder`
//! is really a stage called `builder`. Writing the name in mixed case hides
//! that: `COPY --from=BUILDER` and `--target builder` both find it, and two
//! stages that differ only in case clash. Lower-case names read the way the
//! builder sees them.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 AS Builder
//! RUN go build -o /app .
//! FROM alpine:3.20
//! COPY --from=Builder /app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS builder
//! RUN go build -o /app .
//! FROM alpine:3.20
//! COPY --from=builder /app /app
//! ```
//!
//! ## Fix safety
//! The fix lower-cases the name where the stage is defined and where `FROM`,
//! `COPY --from` and `RUN --mount=from=` name it. It is safe: BuildKit
//! compares stage names without regard to case, so every reference keeps
//! pointing at the same stage.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Document, InstructionKind, Word};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A stage name is not lower case
    name: "stage-name-casing", aliases: ["StageNameCasing"], category: Maintainability,
    severity: Style, fix: Always,
    reads: Kinds([Copy, Run]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    for stage in &doc.stages {
        let Some(alias) = doc.instructions[stage.from].alias() else { continue };
        let written = alias.value();
        let lower = written.to_lowercase();
        if written == lower || alias.has_expansion() {
            continue;
        }
        let mut edits = vec![Edit::replace(alias.range, lower.clone())];
        edits.extend(references(doc, stage.from, &lower).into_iter().map(|r| Edit::replace(r, lower.clone())));
        ctx.report(alias.range, format!("stage name `{written}` should be lower case"))
            .with_fix(Fix::safe(format!("Rename the stage to `{lower}`"), edits));
    }
}

/// Literal references to the stage `name` (lower case) after its FROM that
/// are not written in lower case.
fn references(doc: &Document, from: usize, name: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut consider = |word: &Word, range: TextRange| {
        if !word.has_expansion() && word.value().to_lowercase() == name && word.value() != name {
            out.push(range);
        }
    };
    for ins in &doc.instructions[from + 1..] {
        for ins in std::iter::once(ins).chain(ins.onbuild()) {
            match ins.kind {
                InstructionKind::From => {
                    if let Some(image) = ins.image() {
                        consider(&image.word, image.word.range);
                    }
                }
                InstructionKind::Copy => {
                    if let Some(value) = ins.flag("from").and_then(|f| f.value.as_ref()) {
                        consider(value, value.range);
                    }
                }
                InstructionKind::Run => {
                    for flag in ins.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
                        for opt in flag.mount.iter().filter(|o| o.key.eq_ignore_ascii_case("from")) {
                            if let Some(value) = &opt.value {
                                consider(value, value.range);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
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
                "FROM alpine AS build\n",
                "FROM alpine\n",
                "from alpine as build-2.x\n",
                "ARG N=x\nFROM alpine AS ${N}\n",
            ],
            &["FROM alpine AS ⟦Build⟧\n", "FROM alpine AS ⟦BUILD⟧\nFROM BUILD\n"],
            &[
                (
                    "FROM golang AS Builder\nRUN x\nFROM Builder AS Test\nFROM alpine\nCOPY --from=BUILDER /a /a\nRUN --mount=type=cache,from=Builder,target=/c true\n",
                    "FROM golang AS builder\nRUN x\nFROM builder AS test\nFROM alpine\nCOPY --from=builder /a /a\nRUN --mount=type=cache,from=builder,target=/c true\n",
                ),
                (
                    "FROM alpine AS Base\nFROM debian AS other\nCOPY --from=other /a /a\n",
                    "FROM alpine AS base\nFROM debian AS other\nCOPY --from=other /a /a\n",
                ),
            ],
        );
    }

    /// Safe: BuildKit compares stage names without regard to case.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM golang AS Builder\nFROM alpine\nCOPY --from=BUILDER /a /a\n",
                "FROM golang AS builder\nFROM alpine\nCOPY --from=builder /a /a\n",
            )],
        );
    }
}
