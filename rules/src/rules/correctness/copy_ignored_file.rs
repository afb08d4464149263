//! ## What it does
//! Checks for `COPY` and `ADD` sources that the build context's
//! `.dockerignore` excludes.
//!
//! ## Why is this bad?
//! Files matched by `.dockerignore` are never sent to the builder, so a
//! `COPY` of one fails with "not found", or, for a pattern that matches
//! only some files, silently copies less than expected. Either the
//! `.dockerignore` is too broad or the `COPY` is stale. BuildKit warns
//! about it.
//!
//! ## Example
//! With this `.dockerignore`:
//! ```dockerignore
//! *.md
//! ```
//! ```dockerfile
//! FROM nginx:1.27
//! COPY README.md /usr/share/nginx/html/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! COPY index.html /usr/share/nginx/html/
//! ```
//! or re-include the file in `.dockerignore` with `!README.md`.
//!
//! ## How the context is found
//! The build context is the Dockerfile's directory, or the directory
//! `build-context` names in `dockside.toml` (relative to that file). Like
//! BuildKit, `<Dockerfile name>.dockerignore` next to the Dockerfile
//! (`app.Dockerfile.dockerignore`) wins over the context's `.dockerignore`.
//! Sources are matched as written, with variables expanded where their
//! values are known; sources from `--from`, URLs and the whole context (`.`)
//! are not checked. A source is not reported when a `!` exception in the
//! ignore file may re-include files below it (`dir` with `!dir/keep`, or an
//! exception with wildcards): copying the directory then still copies them.
//! BuildKit skips the whole check when the file has any exception. Without
//! a context (standard input) nothing is reported.

use crate::model::{Instruction, Scope, Word};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `COPY`/`ADD` of a file `.dockerignore` excludes
    name: "copy-ignored-file", aliases: ["CopyIgnoredFile"], category: Correctness,
    severity: Warning,
    kinds: [Copy, Add], check_instruction: check,
}

/// The local sources of a COPY/ADD: every path argument but the last.
pub(crate) fn local_sources(ins: &Instruction) -> &[Word] {
    if ins.flag("from").is_some() {
        return &[];
    }
    ins.args.split_last().map_or(&[], |(_, sources)| sources)
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(context) = ctx.settings.build_context() else { return };
    let Some(dockerignore) = &context.dockerignore else { return };
    let mut scope = None;
    for word in local_sources(ins) {
        let text = if word.has_expansion() {
            let scope = scope.get_or_insert_with(|| Scope::at(ctx.doc, ins.index));
            let e = scope.expand(word);
            if !e.complete {
                continue;
            }
            e.text
        } else {
            word.value()
        };
        if text.contains("://") || text.starts_with("git@") {
            continue;
        }
        let path = crate::settings::build_context_path(&text);
        if path == "." || path.starts_with("..") {
            continue;
        }
        // An excluded directory may still hold re-included files (`!dir/keep`).
        if dockerignore.matches(&path) && !dockerignore.may_reinclude_below(&path) {
            ctx.report(word.range, format!("`{text}` is excluded by .dockerignore, so the build cannot copy it"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_rule_in_context};

    #[test]
    fn reports_ignored_sources() {
        assert_rule_in_context(
            Some("*.md\n!KEEP.md\nsecrets/\n"),
            &[],
            &super::RULE,
            &[
                "FROM alpine\nCOPY KEEP.md docs/a.md /x/\n",
                "FROM alpine AS a\nFROM alpine\nCOPY --from=a README.md /x\n",
                "FROM alpine\nCOPY . /x\n",
                "FROM alpine\nADD https://example.com/a.md /x\n",
                "FROM alpine\nCOPY $UNKNOWN /x\n",
                "FROM alpine\nCOPY <<EOF /x.md\nhi\nEOF\n",
            ],
            &[
                "FROM alpine\nCOPY ⟦README.md⟧ app /x/\n",
                "FROM alpine\nADD ⟦./secrets/key.pem⟧ /k\n",
                "FROM alpine\nARG F=NOTES.md\nCOPY ⟦$F⟧ /x\n",
            ],
            &[],
        );
        // A directory with a re-included file inside still copies that file.
        assert_rule_in_context(
            Some("docs\n!docs/keep.md\n"),
            &[],
            &super::RULE,
            &["FROM alpine\nCOPY docs /docs\n"],
            &["FROM alpine\nCOPY ⟦docs/other.md⟧ /docs/\n"],
            &[],
        );
    }

    #[test]
    fn silent_without_a_context_or_ignore_file() {
        assert_rule_in_context(None, &[], &super::RULE, &["FROM alpine\nCOPY README.md /x\n"], &[], &[]);
        assert_rule(&super::RULE, &["FROM alpine\nCOPY README.md /x\n"], &[], &[]);
    }

    #[test]
    fn example_fires() {
        // The docs' example needs a context; the docs test cannot give one.
        assert_rule_in_context(
            Some("*.md\n"),
            &[],
            &super::RULE,
            &[],
            &["FROM nginx:1.27\nCOPY ⟦README.md⟧ /usr/share/nginx/html/\n"],
            &[],
        );
    }
}
