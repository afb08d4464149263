//! ## What it does
//! Checks for a `WORKDIR` with a relative path when no earlier `WORKDIR` of
//! the stage (or of the stages it builds on) set the directory it is
//! relative to.
//!
//! ## Why is this bad?
//! A relative `WORKDIR` is resolved against the working directory the base
//! image happens to set, which you do not see in the Dockerfile and which
//! may change with the next base image release. The files your `RUN`,
//! `COPY` and `CMD` instructions touch then silently move to another place.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12
//! WORKDIR app
//! COPY . .
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12
//! WORKDIR /app
//! COPY . .
//! ```
//!
//! ## Notes
//! hadolint reports every relative `WORKDIR`, also `WORKDIR src` after
//! `WORKDIR /app` in the same stage, whose result is fully determined by the
//! Dockerfile. dockside, like BuildKit's `WorkdirRelativePath` check, only
//! reports the first `WORKDIR` of a stage and its parent stages. Paths
//! starting with a variable are checked when its value is known; Windows
//! paths (`C:\app`, `C:/app`, `\app`) are absolute.

use super::support::{is_absolute, known_path, prelude_has_workdir, stage_and_ancestors};
use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A relative `WORKDIR` depends on the base image's working directory
    name: "relative-workdir", aliases: ["DL3000", "WorkdirRelativePath"], category: Correctness,
    severity: Error,
    kinds: [Workdir], check_instruction: check,
}

fn check(workdir: &Instruction, ctx: &mut Context<'_>) {
    let Some(word) = workdir.args.first() else { return };
    let Some(path) = known_path(word, workdir, ctx.doc) else { return };
    if is_absolute(&path) {
        return;
    }
    // A relative WORKDIR after another one is relative to a directory the
    // Dockerfile chose. Before the first FROM (a fragment), the
    // instructions above it are its stage.
    let doc = ctx.doc;
    let earlier = match workdir.stage {
        Some(stage) => stage_and_ancestors(doc, stage).any(|s| {
            doc.stages[s]
                .instructions(doc)
                .iter()
                .any(|i| i.kind == InstructionKind::Workdir && i.index < workdir.index)
        }),
        None => prelude_has_workdir(doc, workdir.index),
    };
    if !earlier {
        ctx.report(
            word.range,
            format!("`{path}` is relative to the base image's working directory; use an absolute path"),
        );
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
                "WORKDIR /app\nWORKDIR sub\n",
                "FROM alpine\nWORKDIR /app\n",
                "FROM alpine\nWORKDIR \"/app\"\n",
                "FROM alpine\nWORKDIR /app\nWORKDIR src\n",
                "FROM alpine AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n",
                "FROM alpine\nWORKDIR $HOME/app\n",
                "FROM alpine\nWORKDIR ${APP_DIR}\n",
                "FROM alpine\nARG DIR=/srv\nWORKDIR $DIR/app\n",
                "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nWORKDIR C:\\app\n",
                "FROM mcr.microsoft.com/windows/nanoserver\nWORKDIR C:/app\n",
                "FROM alpine\nONBUILD WORKDIR app\n",
            ],
            &[
                "FROM alpine\nWORKDIR ⟦app⟧\n",
                // Before the first FROM (a fragment): linted as a stage.
                "WORKDIR ⟦app⟧\n",
                "FROM alpine\nWORKDIR ⟦\"app dir\"⟧\n",
                "FROM alpine\nWORKDIR ⟦./app⟧\n",
                "FROM alpine\nARG DIR=app\nWORKDIR ⟦$DIR⟧\n",
                "FROM alpine AS base\nWORKDIR /app\nFROM alpine\nWORKDIR ⟦src⟧\n",
                "FROM alpine\nRUN make\nWORKDIR \\\n  ⟦app⟧\n",
            ],
            &[],
        );
    }
}
