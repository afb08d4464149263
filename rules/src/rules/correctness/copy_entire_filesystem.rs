//! ## What it does
//! Checks for `COPY --from=<stage> / /` where the stage and the current
//! stage are built on different base images.
//!
//! ## Why is this bad?
//! Copying the root of a stage copies its whole operating system: libraries,
//! package databases, `/etc`. Laid over a different base image, it
//! overwrites that image's files with ones from another distribution or
//! release, giving an image whose package manager and libraries no longer
//! agree, and which is as large as both.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu:24.04 AS build
//! RUN apt-get update && apt-get install -y --no-install-recommends build-essential
//! FROM alpine:3.20
//! COPY --from=build / /
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04 AS build
//! RUN apt-get update && apt-get install -y --no-install-recommends build-essential
//! FROM alpine:3.20
//! COPY --from=build /usr/local/bin/app /usr/local/bin/app
//! ```
//!
//! ## Notes
//! hadolint reports every `COPY --from=… / /`. Most of them are deliberate
//! idioms, which dockside does not report: copying a stage built `FROM
//! scratch` (a stage that only collects files, such as the `xx` helpers),
//! copying into a stage built `FROM scratch`, and flattening a stage onto
//! the same base image it was built on. An image given to `--from`
//! (`--from=tonistiigi/xx`), or a stage that only names one
//! (`FROM tonistiigi/xx AS xx`), is not reported either: nothing tells
//! what it contains.

use crate::model::{Base, Document, Instruction, InstructionKind, Scope};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY --from=<stage> / /` lays one operating system over another
    name: "copy-entire-filesystem", aliases: ["DL3067"], category: Correctness, severity: Warning,
    kinds: [Copy], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    let Some(from) = copy.flag("from").and_then(|f| f.value.as_ref()) else { return };
    let Some((dest, sources)) = copy.args.split_last() else { return };
    let Some(root) = sources.iter().find(|s| s.value() == "/") else { return };
    if dest.value() != "/" {
        return;
    }
    let doc = ctx.doc;
    let Some(current) = copy.stage else { return };
    let scope = Scope::at(doc, copy.index);
    let name = scope.expand(from);
    if !name.complete {
        return;
    }
    let Some(source) = doc.stage_named(&name.text).filter(|s| s.index < current) else { return };
    if only_renames(doc, source.index) {
        return; // `FROM image AS name` alone: an image whose content is unknown
    }
    let (Some(source_base), Some(current_base)) = (root_image(doc, source.index), root_image(doc, current)) else {
        return;
    };
    if source_base == current_base {
        return;
    }
    ctx.report(
        root.range,
        format!(
            "copies the whole filesystem of stage `{}` (built on `{source_base}`) over this stage's `{current_base}`",
            name.text
        ),
    );
}

/// True when the stage and the stages it builds on add nothing to their
/// base image (each is a bare `FROM`, perhaps with `ARG`s).
fn only_renames(doc: &Document, mut stage: usize) -> bool {
    loop {
        let st = &doc.stages[stage];
        if st.instructions(doc)[1..].iter().any(|i| i.kind != InstructionKind::Arg) {
            return false;
        }
        match st.base {
            Base::Stage(parent) if parent < stage => stage = parent,
            _ => return true,
        }
    }
}

/// The image at the bottom of a stage's chain of stages, when fully known
/// (`None` for scratch and for unresolved variables).
fn root_image(doc: &Document, mut stage: usize) -> Option<&str> {
    loop {
        match &doc.stages[stage].base {
            Base::Stage(parent) if *parent < stage => stage = *parent,
            Base::Image { text, resolved: true, .. } => return Some(text),
            _ => return None,
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
                "FROM ubuntu AS build\nFROM alpine\nCOPY --from=build /app /app\n",
                "FROM scratch AS files\nCOPY a /a\nFROM alpine\nCOPY --from=files / /\n",
                "FROM alpine AS build\nRUN make\nFROM scratch\nCOPY --from=build / /\n",
                "FROM alpine:3.20 AS build\nRUN make\nFROM alpine:3.20\nCOPY --from=build / /\n",
                "ARG BASE\nFROM ${BASE} AS build\nFROM ${BASE}\nCOPY --from=build / /\n",
                "FROM golang\nCOPY --from=tonistiigi/xx / /\n",
                "FROM tonistiigi/xx AS xx\nFROM golang\nCOPY --from=xx / /\n",
                "FROM ubuntu AS build\nFROM alpine\nCOPY --from=build / /opt/rootfs/\n",
                "FROM ubuntu AS build\nFROM alpine\nONBUILD COPY --from=build / /\n",
            ],
            &[
                "FROM ubuntu AS build\nRUN make\nFROM alpine\nCOPY --from=build ⟦/⟧ /\n",
                "FROM ubuntu AS base\nRUN make\nFROM base AS build\nFROM alpine AS final\nCOPY --link --from=build ⟦\"/\"⟧ \"/\"\n",
                "FROM ubuntu\nRUN make\nFROM alpine\nCOPY --from=0 ⟦/⟧ /\n",
                "FROM ubuntu AS build\nRUN make\nFROM alpine\nCOPY --from=build [⟦\"/\"⟧, \"/\"]\n",
            ],
            &[],
        );
    }
}
