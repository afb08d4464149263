//! ## What it does
//! Checks for `COPY --from=<number>`, which names a stage by its position.
//!
//! ## Why is this bad?
//! A stage's number is its position among the `FROM` lines. Adding,
//! removing or reordering a stage silently makes `--from=1` point at
//! another stage, and the build copies the wrong files or fails on a
//! missing path. A stage name (`FROM … AS build`, `COPY --from=build`) stays
//! attached to its stage and says what is being copied.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22
//! RUN go build -o /app .
//! FROM alpine:3.20
//! COPY --from=0 /app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /app .
//! FROM alpine:3.20
//! COPY --from=build /app /app
//! ```
//!
//! ## Fix safety
//! When the stage already has a name, the fix replaces the number with it.
//! It is safe: both refer to the same stage. Stages without a name get no
//! fix; name them first.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY --from` names a stage by its number
    name: "copy-from-stage-index", category: Maintainability, severity: Info, fix: Sometimes,
    kinds: [Copy], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(value) = ins.flag("from").and_then(|f| f.value.as_ref()) else { return };
    let text = value.value();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let Ok(index) = text.parse::<usize>() else { return };
    // Only earlier stages can be copied from; anything else is another rule's business.
    let Some(stage) = ctx.doc.stages.get(index).filter(|s| Some(s.index) < ins.stage) else { return };
    let doc = ctx.doc;
    let alias = doc.instructions[stage.from].alias();
    let d = ctx.report(value.range, format!("`--from={text}` names stage {index} by its position; use its name"));
    if let Some(alias) = alias.filter(|a| !a.has_expansion()) {
        let name = alias.value();
        d.with_fix(Fix::safe(format!("Use `--from={name}`"), vec![Edit::replace(value.range, name)]));
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
                "FROM golang AS build\nFROM alpine\nCOPY --from=build /a /a\n",
                "FROM alpine\nCOPY --from=nginx:1 /a /a\n",
                "FROM alpine\nCOPY --from=0 /a /a\n",
                "FROM alpine\nCOPY a b\n",
            ],
            &["FROM golang\nFROM alpine\nCOPY --from=⟦0⟧ /a /a\n"],
            &[(
                "FROM golang AS build\nFROM alpine\nCOPY --from=0 /a /a\n",
                "FROM golang AS build\nFROM alpine\nCOPY --from=build /a /a\n",
            )],
        );
    }

    /// Safe: the name and the number denote the same stage.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM golang AS Build\nFROM alpine\nCOPY --from=0 /a /a\n",
                "FROM golang AS Build\nFROM alpine\nCOPY --from=Build /a /a\n",
            )],
        );
    }
}
