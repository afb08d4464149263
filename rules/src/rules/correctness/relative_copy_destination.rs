//! ## What it does
//! Checks for `COPY` or `ADD` to a relative destination in a stage where no
//! `WORKDIR` was set (in the stage or in the stages it builds on).
//!
//! ## Why is this bad?
//! A relative destination is resolved against the working directory of the
//! base image, which the Dockerfile does not show and which differs from
//! image to image (`/`, `/app`, `/usr/src/app`...). The files end up
//! wherever the base image points, and move when it changes.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12
//! COPY requirements.txt .
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12
//! WORKDIR /app
//! COPY requirements.txt .
//! ```
//!
//! ## Notes
//! hadolint checks `COPY` only; `ADD` has the same problem and is reported
//! too. A stage built `FROM scratch` starts in `/`, so relative destinations
//! there are well defined and not reported. A destination starting with a
//! variable is checked when its value is known. An instruction with a
//! would-be end-of-line comment (`COPY ./app # the app`) is left to
//! `trailing-comment`: its last word is no destination the author meant.

use super::support::{is_absolute, known_path, prelude_has_workdir, stage_and_ancestors, trailing_comment_start};
use crate::model::{Base, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY` to a relative destination without a `WORKDIR`
    name: "relative-copy-destination", aliases: ["DL3045"], category: Correctness,
    severity: Warning,
    kinds: [Copy, Add], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    if trailing_comment_start(copy).is_some() {
        return; // `trailing-comment`: the last word is no destination
    }
    let Some(dest) = copy.args.last() else { return };
    if copy.args.len() + copy.heredocs.len() < 2 {
        return;
    }
    let doc = ctx.doc;
    let Some(path) = known_path(dest, copy, doc) else { return };
    if is_absolute(&path) {
        return;
    }
    let Some(stage) = copy.stage else {
        // Before the first FROM (a fragment): the instructions above it
        // are its stage.
        if !prelude_has_workdir(doc, copy.index) {
            report(ctx, copy, dest.range, &path);
        }
        return;
    };
    let mut root = stage;
    for s in stage_and_ancestors(doc, stage) {
        let has_workdir = doc.stages[s]
            .instructions(doc)
            .iter()
            .any(|i| i.kind == InstructionKind::Workdir && (s != stage || i.index < copy.index));
        if has_workdir {
            return;
        }
        root = s;
    }
    if doc.stages[root].base == Base::Scratch {
        return;
    }
    report(ctx, copy, dest.range, &path);
}

fn report(ctx: &mut Context<'_>, copy: &Instruction, range: crate::diagnostic::TextRange, path: &str) {
    let kw = copy.kind.keyword();
    ctx.report(range, format!("{kw} to `{path}` depends on the base image's working directory; set `WORKDIR` first"));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "WORKDIR /app\nCOPY . app/\n",
                "FROM alpine\nCOPY a /app/\n",
                "FROM alpine\nWORKDIR /app\nCOPY . .\n",
                "FROM alpine AS base\nWORKDIR /app\nFROM base\nCOPY . .\n",
                "FROM alpine AS base\nWORKDIR /app\nFROM base AS mid\nFROM mid\nCOPY . .\n",
                "FROM alpine\nCOPY a $DEST\n",
                "FROM alpine\nCOPY [\"a\", \"$JAVA_HOME\"]\n",
                "FROM alpine\nCOPY [\"a\", \"/app/\"]\n",
                "FROM mcr.microsoft.com/windows/nanoserver\nCOPY a C:/app/\n",
                "FROM scratch\nCOPY app .\n",
                "FROM alpine\nCOPY ./app # copy the app\n",
                "FROM alpine\nCOPY <<EOF /etc/motd\nhi\nEOF\n",
                "FROM alpine\nONBUILD COPY . .\n",
            ],
            &[
                // Before the first FROM (a fragment): linted as a stage.
                "COPY . ⟦app/⟧\n",
                "FROM alpine\nCOPY . ⟦.⟧\n",
                "FROM alpine\nCOPY a ⟦app/⟧\nWORKDIR /app\n",
                "FROM alpine\nADD https://example.com/a.tgz ⟦a.tgz⟧\n",
                "FROM alpine\nCOPY [\"a\", ⟦\"app/\"⟧]\n",
                "FROM alpine AS base\nWORKDIR /app\nFROM alpine\nCOPY . ⟦.⟧\n",
                "FROM alpine\nARG DEST=app\nCOPY a ⟦$DEST⟧\n",
                "FROM alpine\nCOPY <<EOF ⟦motd⟧\nhi\nEOF\n",
                "FROM alpine\nCOPY --chown=1000 a \\\n  ⟦./⟧\n",
            ],
            &[],
        );
    }
}
