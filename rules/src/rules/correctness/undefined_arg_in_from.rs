//! ## What it does
//! Checks for variables in a `FROM` line (its image or `--platform`) that no
//! `ARG` before the first `FROM` declares and BuildKit does not predefine.
//!
//! ## Why is this bad?
//! `FROM` can only use global build arguments: `ARG`s declared before the
//! first `FROM`, plus the predefined platform arguments such as
//! `BUILDPLATFORM` and `TARGETARCH`. Anything else expands to an empty
//! string, so `FROM node:${NODE_VERSION}` without `ARG NODE_VERSION` at the
//! top pulls `node:` (an error), and an `ARG` declared inside an earlier
//! stage does not help. A misspelled name is the usual cause.
//!
//! ## Example
//! ```dockerfile
//! FROM node:${NODE_VERSION}-alpine
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG NODE_VERSION=22
//! FROM node:${NODE_VERSION}-alpine
//! ```
//!
//! ## Notes
//! Like BuildKit, a variable with a default (`${VERSION:-22}`) is not
//! reported: the default is used when it is not set.

use crate::model::{Instruction, PREDEFINED_ARGS, Scope, Word};
use crate::rule::{Context, declare_rule};

use super::support::{did_you_mean, is_plain_expansion};

declare_rule! {
    /// `FROM` uses a variable no global `ARG` declares
    name: "undefined-arg-in-from", aliases: ["UndefinedArgInFrom"], category: Correctness,
    severity: Warning,
    kinds: [From], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let globals = Scope::global(ctx.doc);
    let words: Vec<&Word> =
        ins.image().into_iter().map(|i| &i.word).chain(ins.flag("platform").and_then(|f| f.value.as_ref())).collect();
    for word in words {
        for e in word.expansions() {
            if !is_plain_expansion(e, ctx.doc.text()) || globals.is_defined(&e.name) {
                continue;
            }
            let candidates = globals.names().chain(PREDEFINED_ARGS.iter().copied());
            let hint = match did_you_mean(&e.name, candidates) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => String::new(),
            };
            ctx.report(
                e.range,
                format!("`{}` is not declared by an `ARG` before the first `FROM`, so it is empty here{hint}", e.name),
            );
        }
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
                "ARG V=3\nFROM alpine:$V\n",
                "ARG V\nFROM alpine:${V}\n",
                "FROM --platform=$BUILDPLATFORM alpine\n",
                "FROM alpine:${V:-3}\n",
                "FROM alpine\n",
                "FROM example.com/x:${templateOption:variant}\n",
            ],
            &[
                "FROM alpine:⟦$V⟧\n",
                "FROM alpine\nARG V=3\nFROM alpine:⟦${V}⟧\n",
                "FROM --platform=⟦$BUILDPLATFROM⟧ alpine\n",
            ],
            &[],
        );
    }

    #[test]
    fn suggests_a_declared_name() {
        let doc = crate::model::Document::parse("ARG VERSION=1\nFROM alpine:$VERSOIN\n");
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert!(d[0].message.contains("did you mean `VERSION`"), "{}", d[0].message);
    }
}
