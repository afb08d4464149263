//! ## What it does
//! Checks that a comment directly above a named stage (`FROM … AS name`) or
//! an `ARG` starts with the stage or argument name, as in
//! `# build compiles the server`. Off by default, like BuildKit's
//! experimental check of the same name.
//!
//! ## Why is this bad?
//! Tools that document a Dockerfile's build arguments and targets (such as
//! `docker buildx build --call=outline`) take the comment right above a
//! definition as its description only when it begins with the defined
//! name. A comment there that does not is either meant as a description
//! and will not be shown, or is an unrelated note that reads like one;
//! a blank line between them makes the latter clear.
//!
//! ## Example
//! ```dockerfile
//! # Version of Go to build with
//! ARG GO_VERSION=1.22
//! FROM golang:${GO_VERSION}
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! # GO_VERSION is the version of Go to build with
//! ARG GO_VERSION=1.22
//! FROM golang:${GO_VERSION}
//! ```
//!
//! ## Fix safety
//! The fix inserts a blank line between the comment and the definition, so
//! the comment no longer reads as its description. It is safe: comments do
//! not change the build. To keep the comment as a description, rewrite it to
//! start with the name instead.
//!
//! ## Notes
//! Suppression comments (`# dockside ignore=…`, `# hadolint ignore=…`) are
//! not descriptions and are skipped; BuildKit would report them.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Comment, Document, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A comment above a stage or `ARG` does not start with its name
    name: "invalid-definition-description", aliases: ["InvalidDefinitionDescription"],
    category: Maintainability, severity: Style, fix: Always, enabled_by_default: false,
    kinds: [From, Arg], check_instruction: check,
}

/// The comment on the line right above `ins`, if any.
fn comment_above<'a>(doc: &'a Document, ins: &Instruction) -> Option<&'a Comment> {
    let i = doc.comments.partition_point(|c| c.range.start < ins.range.start);
    let comment = doc.comments.get(i.checked_sub(1)?)?;
    let between = doc.text().get(comment.range.end..ins.range.start)?;
    // A comment after a stray line continuation also holds the blank lines
    // that follow it.
    let comment_text = &doc.text()[comment.range.as_range()];
    let trailing = &comment_text[comment_text.trim_end().len()..];
    let newlines = between.matches('\n').count() + trailing.matches('\n').count();
    (between.trim().is_empty() && newlines == 1).then_some(comment)
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let names: Vec<String> = match ins.kind {
        InstructionKind::From => ins.alias().into_iter().map(|a| a.value()).collect(),
        _ => ins.pairs.iter().map(|p| p.key.value()).collect(),
    };
    let Some(first) = names.first() else { return };
    let Some(comment) = comment_above(ctx.doc, ins) else { return };
    let body = comment.text.trim_start_matches('#').trim();
    let lower = body.to_ascii_lowercase();
    if body.is_empty() || ["dockside ", "hadolint ", "check="].iter().any(|p| lower.starts_with(p)) {
        return;
    }
    let word = body.split(' ').next().unwrap_or("");
    if names.iter().any(|n| n == word) {
        return;
    }
    let what = if ins.kind == InstructionKind::From { "stage" } else { "ARG" };
    let range = TextRange::new(comment.range.start, comment.range.start + comment.text.len());
    let newline = if ctx.doc.text()[range.end..].starts_with("\r\n") { "\r\n" } else { "\n" };
    ctx.report(
        range,
        format!("a comment describing the {what} `{first}` should start with `{first}`; separate other comments with a blank line"),
    )
    .with_fix(Fix::safe("Separate the comment with a blank line", vec![Edit::insert(range.end, newline)]));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "# V the version\nARG V=1\nFROM alpine\n",
                "# a note\n\nARG V=1\nFROM alpine\n",
                "FROM alpine\n# build stage\nFROM alpine AS build\n",
                "# a note\nFROM alpine\n",
                "FROM alpine\n# dockside ignore=x\nARG A\n",
                "FROM alpine\n# B and A\nARG A B\n",
                // After a stray `\`, the comment holds the blank line that separates it.
                "ARG A=1\n\\\n# ===\n\nFROM alpine:3.20 AS deps\n",
            ],
            &["⟦# The version⟧\nARG V=1\nFROM alpine\n", "FROM alpine\n⟦# compiles things⟧\nFROM alpine AS build\n"],
            &[
                ("# The version\nARG V=1\nFROM alpine\n", "# The version\n\nARG V=1\nFROM alpine\n"),
                ("# The version\r\nARG V=1\r\nFROM alpine\r\n", "# The version\r\n\r\nARG V=1\r\nFROM alpine\r\n"),
                // Found by the fuzzer: the blank line the fix adds was not seen, so it added another.
                ("ARG A=1\n\\\n# ===\nFROM alpine:3.20 AS deps\n", "ARG A=1\n\\\n# ===\n\nFROM alpine:3.20 AS deps\n"),
            ],
        );
    }

    /// Safe: comments do not change the build.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("# The version\nARG V=1\nFROM alpine\n", "# The version\n\nARG V=1\nFROM alpine\n")],
        );
    }
}
