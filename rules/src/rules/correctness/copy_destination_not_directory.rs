//! ## What it does
//! Checks `COPY` and `ADD` with more than one source whose destination does
//! not end with `/`.
//!
//! ## Why is this bad?
//! With several sources the destination must be a directory, and the
//! Dockerfile reference requires it to end with a slash to say so. The
//! classic builder stops the build with "When using COPY with more than one
//! source file, the destination must be a directory and end with a /".
//! BuildKit copies the sources to the destination one after the other: into
//! it when it already is a directory, but when it does not exist yet the
//! first source becomes a file of that name and each next one overwrites it
//! (moby/buildkit#1853), so only the last source arrives.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! COPY package.json package-lock.json /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! COPY package.json package-lock.json /app/
//! ```
//!
//! ## Fix safety
//! The fix appends `/` to the destination (inside the quotes of the JSON
//! form). It is safe when the destination already exists as a directory:
//! `.` (the working directory), `/`, or the directory of a `WORKDIR` of the
//! stage or the stages it builds on (`WORKDIR` creates it). BuildKit then
//! copies into it with or without the slash, and the classic builder, which
//! refused the instruction, builds it. Otherwise the fix is unsafe: under
//! BuildKit it turns the file that held the last source into a directory
//! that holds them all, what the author meant but not what the build made.
//!
//! ## Notes
//! hadolint checks `COPY` only; `ADD` fails the same way and is reported
//! too. A destination given by a variable whose value is unknown here is not
//! reported (it may end with `/`). `.` is reported, as by hadolint, and
//! fixed to `./`. A single wildcard source (`COPY *.json /app`) is not
//! reported, although it fails the same way when it matches several files.
//! An instruction with a would-be end-of-line comment (`COPY ./app # the
//! app`) is left to `trailing-comment`: its "sources" are the comment's words.

use super::support::{known_path, stage_and_ancestors, trailing_comment_start};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Document, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY` with several sources needs a destination ending in `/`
    name: "copy-destination-not-directory", aliases: ["DL3021"], category: Correctness,
    severity: Error, fix: Always, fix_safety: Either,
    kinds: [Copy, Add], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    if trailing_comment_start(copy).is_some() {
        return; // `trailing-comment`: the last word is no destination
    }
    let Some((dest, sources)) = copy.args.split_last() else { return };
    if sources.len() + copy.heredocs.len() < 2 {
        return;
    }
    let Some(path) = known_path(dest, copy, ctx.doc) else { return };
    if path.ends_with('/') || path.ends_with('\\') {
        return;
    }
    // In the JSON form the slash goes inside the closing quote.
    let at = if copy.is_exec_form() || dest.is_quoted() { dest.range.end - 1 } else { dest.range.end };
    let applicability =
        if is_existing_directory(ctx.doc, copy, &path) { Applicability::Safe } else { Applicability::Unsafe };
    let kw = copy.kind.keyword();
    ctx.report(dest.range, format!("{kw} has several sources, so its destination `{path}` must end with `/`"))
        .with_fix(Fix::new("Append `/` to the destination", applicability, vec![Edit::insert(at, "/")]));
}

/// True when `path` is a directory before `copy` runs: the working
/// directory, the root, or the directory a literal `WORKDIR` of the stage
/// (or of a stage it builds on) created.
fn is_existing_directory(doc: &Document, copy: &Instruction, path: &str) -> bool {
    if matches!(path, "." | "/") {
        return true;
    }
    let Some(stage) = copy.stage else { return false };
    stage_and_ancestors(doc, stage).any(|s| {
        doc.stages[s].instructions(doc).iter().any(|i| {
            i.kind == InstructionKind::Workdir
                && i.index < copy.index
                && i.args.first().is_some_and(|w| !w.has_expansion() && w.value().trim_end_matches('/') == path)
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nCOPY a b /app/\n",
                "FROM alpine\nCOPY a /app\n",
                "FROM alpine\nCOPY [\"a\", \"b\", \"/app/\"]\n",
                "FROM alpine\nCOPY --from=build /a /b ./\n",
                "FROM alpine\nCOPY a b $DEST\n",
                "FROM alpine\nCOPY [\"a\", \"b\", \"${DEST}\"]\n",
                "FROM alpine\nARG DEST=/app/\nCOPY a b ${DEST}\n",
                "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nCOPY a b C:\\app\\\n",
                "FROM alpine\nCOPY <<EOF /app/run.sh\necho hi\nEOF\n",
                "FROM alpine\nONBUILD COPY a b /app\n",
                "FROM alpine\nWORKDIR /app\nCOPY ./app # copy the app\n",
            ],
            &[
                "FROM alpine\nCOPY a b ⟦/app⟧\n",
                "FROM alpine\nADD a.tar b.tar ⟦/app⟧\n",
                "FROM alpine\nCOPY [\"a\", \"b\", ⟦\"/app\"⟧]\n",
                "FROM alpine\nCOPY a b ⟦.⟧\n",
                "FROM alpine\nCOPY --chown=app a \\\n  b \\\n  ⟦/app⟧\n",
                "FROM alpine\nARG DEST=/app\nCOPY a b ⟦$DEST⟧\n",
                "FROM alpine\nCOPY <<EOF <<EOT ⟦/app⟧\na\nEOF\nb\nEOT\n",
            ],
            &[
                ("FROM alpine\nCOPY a b /app\n", "FROM alpine\nCOPY a b /app/\n"),
                ("FROM alpine\nCOPY [\"a\", \"b\", \"/app\"]\n", "FROM alpine\nCOPY [\"a\", \"b\", \"/app/\"]\n"),
                ("FROM alpine\nCOPY a b \"/my app\"\n", "FROM alpine\nCOPY a b \"/my app/\"\n"),
                ("FROM alpine\nCOPY a \\\n  b .\n", "FROM alpine\nCOPY a \\\n  b ./\n"),
            ],
        );
    }

    /// Safe only where the destination already is a directory.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM alpine\nCOPY a b .\n", "FROM alpine\nCOPY a b ./\n"),
                ("FROM alpine\nWORKDIR /app/\nCOPY a b /app\n", "FROM alpine\nWORKDIR /app/\nCOPY a b /app/\n"),
                (
                    "FROM alpine AS base\nWORKDIR /app\nFROM base\nARG DEST=/app\nCOPY a b $DEST\n",
                    "FROM alpine AS base\nWORKDIR /app\nFROM base\nARG DEST=/app\nCOPY a b $DEST/\n",
                ),
                // BuildKit makes /app a file holding `b`; the fix, a directory with both.
                ("FROM alpine\nCOPY a b /app\n", "FROM alpine\nCOPY a b /app\n"),
                ("FROM alpine\nRUN mkdir /app\nCOPY a b /app\n", "FROM alpine\nRUN mkdir /app\nCOPY a b /app\n"),
            ],
        );
    }
}
