//! ## What it does
//! Checks for build stages that neither the final stage nor any other stage
//! uses: no `FROM <stage>`, `COPY --from=<stage>` or
//! `RUN --mount=from=<stage>` refers to them.
//!
//! ## Why is this bad?
//! `docker build` builds the last stage and only the stages it depends on;
//! BuildKit skips the others entirely. An unused stage is dead code: it is
//! read, reviewed and kept up to date, but never runs, often a leftover of
//! a refactoring or a `COPY --from` that points at the wrong stage.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! RUN npm ci && npm run build
//! FROM golang:1.22 AS build
//! RUN go build -o /app .
//! FROM alpine:3.20
//! COPY --from=build /app /app
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
//! ## Options
//! A named stage is often built on its own with `docker build --target
//! <name>` (a `test`, `lint` or `dev` stage), and is then not dead. So by
//! default only stages without a name are reported: `--target` cannot
//! select those. To report named stages as well:
//!
//! ```toml
//! [rules.unused-stage]
//! named-stages = true
//! ```
//!
//! ## Notes
//! When a stage reference holds a variable (`COPY --from=${STAGE}`), any
//! stage could be meant and nothing is reported.

use crate::model::{Base, Document, InstructionKind, Word};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A stage that no other stage uses and that is not the final stage
    name: "unused-stage", category: Maintainability, severity: Info,
    options: Options, reads: Kinds([Copy, Add, Run]), check_document: check,
}

/// `[rules.unused-stage]`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Options {
    /// Also report named stages (they may be built with `--target`).
    named_stages: bool,
}

/// Which stages another stage refers to; `None` when a reference cannot be
/// resolved (a variable), so that any stage might be used.
fn used_stages(doc: &Document) -> Option<Vec<bool>> {
    let mut used = vec![false; doc.stages.len()];
    for stage in &doc.stages {
        if let Base::Stage(parent) = stage.base {
            used[parent] = true;
        }
    }
    let refer = |word: &Word, used: &mut Vec<bool>| -> Option<()> {
        if word.has_expansion() {
            return None;
        }
        if let Some(s) = doc.stage_named(&word.value()) {
            used[s.index] = true;
        }
        Some(())
    };
    for ins in &doc.instructions {
        for ins in std::iter::once(ins).chain(ins.onbuild()) {
            match ins.kind {
                InstructionKind::Copy | InstructionKind::Add => {
                    if let Some(value) = ins.flag("from").and_then(|f| f.value.as_ref()) {
                        refer(value, &mut used)?;
                    }
                }
                InstructionKind::Run => {
                    for flag in ins.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
                        for opt in flag.mount.iter().filter(|o| o.key.eq_ignore_ascii_case("from")) {
                            if let Some(value) = &opt.value {
                                refer(value, &mut used)?;
                            }
                        }
                    }
                }
                // `FROM ${VAR}` may name a stage.
                InstructionKind::From if ins.image().is_some_and(|i| i.word.has_expansion()) => {
                    let resolved =
                        doc.stage_of(ins).is_some_and(|s| !matches!(s.base, Base::Image { resolved: false, .. }));
                    if !resolved {
                        return None;
                    }
                }
                _ => {}
            }
        }
    }
    Some(used)
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(used) = used_stages(doc) else { return };
    let named = ctx.options::<Options>().named_stages;
    let last = doc.stages.len().saturating_sub(1);
    for stage in doc.stages.iter().filter(|s| s.index != last && !used[s.index] && (named || s.name.is_none())) {
        let ins = &doc.instructions[stage.from];
        let message = match &stage.name {
            Some(name) => format!(
                "stage `{name}` is not used by the final stage or any other stage (unless it is built with `--target {name}`)"
            ),
            None => format!("stage {} is not used by the final stage or any other stage", stage.index),
        };
        let range = stage.name_range.unwrap_or(ins.keyword_range);
        ctx.report(range, message);
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
                "FROM alpine\n",
                "FROM alpine AS a\nFROM debian\n",
                "FROM alpine AS a\nFROM a\n",
                "FROM alpine AS a\nFROM debian\nCOPY --from=a /x /x\n",
                "FROM alpine\nFROM debian\nCOPY --from=0 /x /x\n",
                "FROM alpine AS a\nFROM debian\nRUN --mount=from=a,target=/a true\n",
                "FROM alpine AS a\nFROM debian\nONBUILD COPY --from=A /x /x\n",
                "ARG S=a\nFROM alpine AS a\nFROM debian\nCOPY --from=$S /x /x\n",
                "FROM alpine AS a\nFROM debian AS b\nCOPY --from=a /x /x\nFROM b\n",
            ],
            &["⟦FROM⟧ alpine\nFROM debian\n", "FROM alpine AS a\n⟦FROM⟧ alpine\nFROM a\n"],
            &[],
        );
    }

    #[test]
    fn named_stages_only_on_request() {
        let src = "FROM alpine AS a\nFROM alpine AS b\nFROM a\n";
        let doc = crate::model::Document::parse(src);
        assert!(crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]).is_empty());
        let config = "[rules.unused-stage]\nnamed-stages = true\n";
        let settings = crate::config::parse_toml(config, std::path::Path::new("dockside.toml")).expect("config");
        let found = crate::engine::check_with_rules(&doc, &settings, &[&super::RULE]);
        assert_eq!(found.len(), 1);
        assert_eq!(&src[found[0].range.as_range()], "b");
    }
}
