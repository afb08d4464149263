//! ## What it does
//! Checks for two stages with the same name (`FROM … AS name`), compared
//! without regard to case.
//!
//! ## Why is this bad?
//! Stage names are how `COPY --from`, `FROM <stage>` and `--target` pick a
//! stage. BuildKit refuses a Dockerfile whose names are not unique, and
//! older builders silently used the last stage of that name, so a
//! `COPY --from` could take files from another stage than the one its
//! author had in mind.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22 AS build
//! RUN npm ci && npm run build
//! FROM golang:1.22 AS build
//! RUN go build ./...
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22 AS web
//! RUN npm ci && npm run build
//! FROM golang:1.22 AS server
//! RUN go build ./...
//! ```
//!
//! ## Notes
//! BuildKit lower-cases stage names, so `AS Build` and `AS build` clash;
//! hadolint compares them as written and misses that.

use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Two stages have the same name
    name: "duplicate-stage-name", aliases: ["DL3024", "DuplicateStageName"], category: Correctness,
    severity: Error,
    reads: Kinds([]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let stages = &ctx.doc.stages;
    for (i, stage) in stages.iter().enumerate() {
        let (Some(name), Some(range)) = (stage.name.as_deref(), stage.name_range) else { continue };
        let Some(first) = stages[..i].iter().find(|s| s.name.as_deref() == Some(name)) else { continue };
        let d = ctx.report(range, format!("stage name `{name}` is already used by stage {}", first.index));
        if let Some(first_range) = first.name_range {
            d.with_related(first_range, "first defined here");
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
                "FROM alpine AS a\nFROM alpine AS b\n",
                "FROM alpine AS a\nFROM a\nFROM a\n",
                "FROM alpine\nFROM alpine\n",
            ],
            &[
                "FROM alpine AS build\nFROM alpine AS ⟦build⟧\n",
                "FROM alpine AS build\nFROM alpine AS ⟦BUILD⟧\n",
                "FROM alpine AS a\nFROM a AS b\nfrom a as ⟦a⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn points_at_the_first_definition() {
        let src = "FROM alpine AS x\nFROM alpine AS x\nFROM alpine AS x\n";
        let doc = crate::model::Document::parse(src);
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.related[0].range.start == 15), "{d:?}");
    }
}
