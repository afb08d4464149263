//! ## What it does
//! Checks for a stage named `scratch` or `context`.
//!
//! ## Why is this bad?
//! Both names already mean something: `scratch` is the empty base image
//! and `context` is BuildKit's name for the main build context. A stage
//! with such a name shadows them or is shadowed by them, so `FROM scratch`
//! or `COPY --from=context` no longer clearly say what they refer to.
//! BuildKit warns about it.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 AS context
//! RUN go build -o /app .
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /app .
//! ```

use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A stage named `scratch` or `context`
    name: "reserved-stage-name", aliases: ["DL3063", "ReservedStageName"], category: Correctness,
    severity: Warning,
    reads: Kinds([]), check_document: check,
}

const RESERVED: &[&str] = &["scratch", "context"];

fn check(ctx: &mut Context<'_>) {
    for stage in &ctx.doc.stages {
        let (Some(name), Some(range)) = (stage.name.as_deref(), stage.name_range) else { continue };
        if RESERVED.contains(&name) {
            ctx.report(range, format!("`{name}` is a reserved name and cannot name a stage"));
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
            &["FROM alpine AS build\n", "FROM scratch\n", "FROM alpine AS scratchpad\nFROM alpine AS build-context\n"],
            &[
                "FROM alpine AS ⟦scratch⟧\n",
                "FROM alpine AS ⟦Context⟧\n",
                "FROM alpine AS build\nFROM build as ⟦SCRATCH⟧\n",
            ],
            &[],
        );
    }
}
