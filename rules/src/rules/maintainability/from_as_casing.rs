//! ## What it does
//! Checks for a `FROM … AS name` whose `AS` is not written in the same case
//! as its `FROM` (`FROM image as name`, `from image AS name`).
//!
//! ## Why is this bad?
//! Keywords may be written in either case, but mixing the two within one
//! line reads as a mistake and makes the stage declaration harder to spot.
//! BuildKit warns about it. A `FROM` in mixed case (`From`) is left to
//! `consistent-instruction-casing`.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 as build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! ```
//!
//! ## Fix safety
//! The fix rewrites `AS` in the case of `FROM`. It is safe: keywords are
//! case-insensitive.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `AS` is not written in the case of its `FROM`
    name: "from-as-casing", aliases: ["FromAsCasing"], category: Maintainability, severity: Style,
    fix: Always,
    kinds: [From], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(range) = ins.from_parts().and_then(|f| f.as_keyword_range) else { return };
    if ins.alias().is_none() {
        return;
    }
    let written = &ctx.doc.text()[range.as_range()];
    let (expected, case) = if ins.keyword == ins.keyword.to_ascii_uppercase() {
        ("AS", "upper")
    } else if ins.keyword == ins.keyword.to_ascii_lowercase() {
        ("as", "lower")
    } else {
        return;
    };
    if written != expected {
        ctx.report(range, format!("`{written}` should be written in {case} case like `{}`", ins.keyword))
            .with_fix(Fix::safe(format!("Write `{expected}`"), vec![Edit::replace(range, expected)]));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &["FROM alpine AS a\n", "from alpine as a\n", "From alpine as a\n", "FROM alpine\n"],
            &["FROM alpine ⟦as⟧ a\n", "from alpine ⟦AS⟧ a\n", "FROM alpine ⟦As⟧ a\n"],
            &[("FROM alpine as a\nfrom a As b\n", "FROM alpine AS a\nfrom a as b\n")],
        );
    }

    /// Safe: keywords are case-insensitive.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(&super::RULE, &[("FROM alpine as a\n", "FROM alpine AS a\n")]);
    }
}
