//! ## What it does
//! Checks for `COPY --from=<stage>` naming the stage the `COPY` is in.
//!
//! ## Why is this bad?
//! A stage cannot read its own files through `--from`: the stage does not
//! exist yet while it is being built. BuildKit stops with a circular
//! dependency error. The intent is usually a plain `COPY` from the build
//! context, or `--from` an earlier stage with a similar name.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 AS build
//! COPY --from=build /go/bin/app /usr/local/bin/app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /go/bin/app .
//! FROM debian:12
//! COPY --from=build /go/bin/app /usr/local/bin/app
//! ```
//!
//! ## Notes
//! Stage names are compared without regard to case, as BuildKit does, and a
//! stage number (`--from=1` in the second stage) or a variable whose value
//! is known counts too; hadolint only compares the name as written.

use crate::model::{Instruction, Scope};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY --from` names the stage it is in
    name: "copy-from-current-stage", aliases: ["DL3023"], category: Correctness, severity: Error,
    kinds: [Copy], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    let Some(value) = copy.flag("from").and_then(|f| f.value.as_ref()) else { return };
    let Some(stage) = ctx.doc.stage_of(copy) else { return };
    let scope = Scope::at(ctx.doc, copy.index);
    let expanded = scope.expand(value);
    if !expanded.complete {
        return;
    }
    let from = expanded.text.to_ascii_lowercase();
    let by_name = stage.name.as_deref() == Some(from.as_str());
    let by_index = from.parse::<usize>().is_ok_and(|i| i == stage.index);
    if by_name || by_index {
        let d = ctx.report(
            value.range,
            format!("`{}` is the stage this COPY is in; it cannot copy from itself", expanded.text),
        );
        if let Some(name_range) = stage.name_range {
            d.with_related(name_range, "the current stage");
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
                "FROM golang AS build\nFROM alpine\nCOPY --from=build /a /a\n",
                "FROM golang AS build\nCOPY /a /a\n",
                "FROM golang\nFROM alpine\nCOPY --from=0 /a /a\n",
                "FROM alpine AS app\nCOPY --from=$SRC /a /a\n",
                "FROM alpine AS app\nCOPY --from=nginx:1.27 /a /a\n",
                "FROM alpine AS app\nONBUILD COPY --from=app /a /a\n",
            ],
            &[
                "FROM golang AS build\nCOPY --from=⟦build⟧ /a /a\n",
                "FROM golang AS Build\nCOPY --from=⟦BUILD⟧ /a /a\n",
                "FROM golang\nFROM alpine\nCOPY --from=⟦1⟧ /a /a\n",
                "FROM alpine AS app\nARG SRC=app\nCOPY --from=⟦${SRC}⟧ /a /a\n",
                "FROM alpine AS a\nFROM alpine AS b\nCOPY --link \\\n  --from=⟦b⟧ /x /x\n",
            ],
            &[],
        );
    }
}
