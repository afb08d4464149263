//! ## What it does
//! Checks for a `#` after whitespace among the arguments of an instruction
//! that is not run by a shell (`COPY ./app /app # copy the app`), written as
//! if it started an end-of-line comment.
//!
//! ## Why is this bad?
//! A Dockerfile has no end-of-line comments: `#` starts a comment only at
//! the start of a line. Elsewhere it is an ordinary character, so the
//! "comment" becomes arguments. `COPY ./app # copy the app` copies `./app`,
//! `#`, `copy` and `the` into a directory named `app`; `EXPOSE 80 # http`
//! fails on the port `#`; `ENV MODE prod # default` sets `MODE` to
//! `prod # default`.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.21
//! WORKDIR /app
//! COPY ./app /app # copy the app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.21
//! WORKDIR /app
//! # copy the app
//! COPY ./app /app
//! ```
//!
//! ## Notes
//! Not reported in the shell form of `RUN`, `CMD`, `ENTRYPOINT` and
//! `HEALTHCHECK CMD` (there the shell reads `#` as a comment), inside quotes
//! or heredocs, or in the exec form's JSON strings. `copy-destination-not-directory`
//! and `relative-copy-destination` leave an instruction reported here to
//! this rule: its last word is no destination the author meant.

use super::support::trailing_comment_start;
use crate::diagnostic::TextRange;
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `#` after an instruction's arguments is no comment
    name: "trailing-comment", category: Correctness, severity: Warning,
    kinds: [Copy, Add, Workdir, Env, Arg, Label, Expose, User, Volume, Stopsignal],
    in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(start) = trailing_comment_start(ins) else { return };
    let end = ins
        .args
        .iter()
        .map(|w| w.range.end)
        .chain(ins.pairs.iter().map(|p| p.range.end))
        .max()
        .unwrap_or(start)
        .max(start + 1);
    let text = ctx.doc.text().get(start..end).unwrap_or("#");
    // Continuation lines joined, as Docker reads them.
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "\\").collect();
    let mut shown = words.join(" ");
    if shown.chars().count() > 40 {
        shown = shown.chars().take(37).collect::<String>() + "...";
    }
    ctx.report(
        TextRange::new(start, end),
        format!("`#` starts a comment only at the start of a line; here `{shown}` are arguments"),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\n# a comment\nCOPY ./app /app\n",
                "FROM alpine\nRUN make # build it\n",
                "FROM alpine\nCMD serve # the server\n",
                "FROM alpine\nENTRYPOINT serve # the server\n",
                "FROM alpine\nHEALTHCHECK CMD check # probe\n",
                "FROM alpine\nCOPY [\"a\", \"# b\", \"/app/\"]\n",
                "FROM alpine\nLABEL color=#fff note=\"see # below\"\n",
                "FROM alpine\nARG COLOR=#fff\n",
                "FROM alpine\nCOPY a#b /app/\n",
                "FROM alpine\nCOPY <<EOF /app/x\n# not a comment either\nEOF\n",
                "FROM alpine\nENV NOTE \"a # b\"\n",
                "FROM alpine\nCOPY a \\\n# a comment line inside a continuation\n  /app/\n",
                // A syntax error already names these words.
                "FROM alpine\nENV A=1 # the default\n",
            ],
            &[
                "FROM alpine\nWORKDIR /app\nCOPY ./app ⟦# copy the app⟧\n",
                "FROM alpine\nCOPY ./app /app ⟦# copy the app⟧\n",
                "FROM alpine\nEXPOSE 80 ⟦#http⟧\n",
                "FROM alpine\nENV MODE prod ⟦# default⟧\n",
                "FROM alpine\nUSER app ⟦# not root⟧\n",
                "FROM alpine\nONBUILD COPY . /src ⟦# the sources⟧\n",
                "FROM alpine\nADD a \\\n  /b ⟦# x \\\n  y⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn message_quotes_the_arguments() {
        let doc = crate::model::Document::parse("FROM alpine\nWORKDIR /app\nCOPY ./app # copy the app\n");
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`#` starts a comment only at the start of a line; here `# copy the app` are arguments"
        );
    }
}
