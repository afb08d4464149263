//! ## What it does
//! Checks for `COPY .` (or `ADD .`) of the whole build context, in a
//! stage whose files reach the image, when the context holds `.git`,
//! `node_modules` (or a `package.json`) or `.env` and has no
//! `.dockerignore`, or one that does not exclude them.
//!
//! ## Why is this bad?
//! `COPY . /app` copies everything the build context holds. Without a
//! `.dockerignore` that includes the repository history in `.git`, local
//! `node_modules` built for another platform, and `.env` files full of
//! credentials, all baked into a layer anyone with the image can read. It
//! also makes the context upload slow and busts the layer cache on every
//! commit.
//!
//! ## Example
//! With no `.dockerignore` next to the Dockerfile, in a context that holds:
//! ```context
//! .git
//! ```
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! ```
//!
//! ## Use instead
//! In the same context:
//! ```context
//! .git
//! ```
//! add a `.dockerignore`:
//! ```dockerignore
//! .git
//! node_modules
//! .env
//! ```
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! ```
//!
//! ## How the context is found
//! The build context is the Dockerfile's directory, or the directory
//! `build-context` names in `dockside.toml`; its `.dockerignore`,
//! or `<Dockerfile name>.dockerignore` next to the Dockerfile, is read.
//! Only entries that exist in the context count (`node_modules` also when
//! a `package.json` is there): without an ignore file, a context that holds
//! none of them is not reported, and the message names what it holds. Without
//! an ignore file in the context but with one in a parent directory (up to
//! the repository root), the real context is probably that directory
//! (`docker build -f sub/Dockerfile .`) and nothing is reported; set
//! `build-context` to check it. Without a context (standard input) nothing
//! is reported.
//!
//! Only stages whose files ship are checked: the final stage and the
//! stages it is built `FROM`, and a build stage when one of those copies
//! from it (`COPY --from`) a path that holds the `COPY .` destination (or
//! `/`). A builder that copies the context to compile it, while the final
//! stage takes only the binary, leaks nothing. Only the first such
//! `COPY .` of a file is reported.

use crate::model::{Document, Instruction, InstructionKind, Word};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support::{join_path, workdir_at};

use super::support::final_chain;

declare_rule! {
    /// `COPY .` without a `.dockerignore` that excludes `.git`, `node_modules` and `.env`
    name: "copy-all-without-dockerignore", category: Security, severity: Warning,
    reads: Document, check_document: check,
}

/// Entries that should never reach the image, and when each one matters.
const SHOULD_IGNORE: [(&str, &[&str]); 3] =
    [(".git", &[".git"]), ("node_modules", &["node_modules", "package.json"]), (".env", &[".env"])];

fn check(ctx: &mut Context<'_>) {
    let Some(context) = ctx.settings.build_context() else { return };
    let doc = ctx.doc;
    // The shipped stages' `COPY --from`s, gathered once.
    let from_copies: Vec<&Instruction> =
        final_chain(doc).iter().flat_map(|s| s.instructions(doc)).filter(|i| i.flag("from").is_some()).collect();
    let Some(word) = doc.instructions.iter().filter(|ins| ships(doc, ins, &from_copies)).find_map(whole_context) else {
        return;
    };
    let copied = format!("`{}`", doc.text().get(word.range.as_range()).unwrap_or("."));
    if context.dockerignore.is_none() {
        // `docker build -f sub/Dockerfile .` from a directory that has one.
        if context.ignore_file_above {
            return;
        }
        // Only what the context really holds: a directory without any of
        // these entries leaks nothing this rule knows about.
        let found: Vec<&str> = SHOULD_IGNORE
            .iter()
            .filter(|(_, signs)| signs.iter().any(|s| context.has_entry(s)))
            .map(|(name, _)| *name)
            .collect();
        if !found.is_empty() {
            ctx.report(
                word.range,
                format!(
                    "{copied} copies the whole build context (`{}`), which holds {} and has no .dockerignore: it ends up in the image",
                    context.dir.display(),
                    list(&found)
                ),
            );
        }
        return;
    }
    let missing: Vec<&str> = SHOULD_IGNORE
        .iter()
        .filter(|(name, signs)| signs.iter().any(|s| context.has_entry(s)) && !context.is_ignored(name))
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        ctx.report(
            word.range,
            format!("{copied} copies the whole build context, and .dockerignore does not exclude {}", list(&missing)),
        );
    }
}

fn list(names: &[&str]) -> String {
    names.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
}

/// The `.` source of a `COPY .`/`ADD .` of the whole context.
fn whole_context(ins: &Instruction) -> Option<&Word> {
    if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) || ins.flag("from").is_some() {
        return None;
    }
    let (_, sources) = ins.args.split_last()?;
    sources.iter().find(|w| !w.has_expansion() && crate::settings::build_context_path(&w.value()) == ".")
}

/// True when what `ins` writes can reach the image: it is in the final
/// stage or a stage that stage is built on (or in a fragment without
/// FROM), or a shipped stage copies from its stage (`COPY --from`) a path
/// that holds `ins`'s destination (or whose destination is unknown).
fn ships(doc: &Document, ins: &Instruction, from_copies: &[&Instruction]) -> bool {
    let Some(stage) = ins.stage else { return doc.stages.is_empty() };
    if doc.in_final_chain(stage) {
        return true;
    }
    if whole_context(ins).is_none() {
        return false;
    }
    let dest = ins
        .args
        .last()
        .filter(|d| !d.has_expansion())
        .and_then(|d| workdir_at(doc, Some(stage), ins.index).map(|dir| join_path(&dir, &d.value())));
    from_copies.iter().any(|copy| {
        let from = copy.flag("from").and_then(|f| f.value.as_ref()).map(|v| v.value());
        let Some(source_stage) = from.as_deref().and_then(|name| doc.stage_named(name)) else { return false };
        if !doc.stage_chain(source_stage.index).iter().any(|s| s.index == stage) {
            return false;
        }
        let Some((_, sources)) = copy.args.split_last() else { return false };
        sources.iter().any(|src| match &dest {
            _ if src.has_expansion() => true,
            Some(dest) => {
                let src = join_path("/", &src.value());
                src == "/" || *dest == src || dest.starts_with(&format!("{src}/"))
            }
            None => true,
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{Setup, assert_cases, assert_rule, assert_rule_in_context};
    use crate::settings::{BuildContext, Settings};

    #[test]
    fn without_an_ignore_file() {
        assert_rule_in_context(
            None,
            &[".git"],
            &super::RULE,
            &["FROM alpine\nCOPY src /app\n", "FROM alpine AS a\nFROM alpine\nCOPY --from=a . /app\n"],
            &["FROM alpine\nCOPY ⟦.⟧ /app\nCOPY ./ /b\n"],
            &[],
        );
        assert_rule_in_context(
            None,
            &["package.json", ".env"],
            &super::RULE,
            &[],
            &["FROM alpine\nCOPY ⟦./⟧ /app\n"],
            &[],
        );
        // A context that holds none of the watched entries.
        assert_rule_in_context(
            None,
            &[],
            &super::RULE,
            &["FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n"],
            &[],
            &[],
        );
    }

    #[test]
    fn only_stages_that_ship() {
        let build = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n";
        // The final stage takes only a built artifact ...
        let artifact = format!("{build}FROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out/app /app\n");
        // ... or the whole source tree, or everything, or is the build stage.
        let tree = format!("{build}FROM alpine\nCOPY --from=build /src /src\n");
        let everything = format!("{build}FROM alpine\nCOPY --from=build / /\n");
        let built_on = format!("{build}FROM build\nCMD [\"/out/app\"]\n");
        // The first `COPY .` that ships is the one reported.
        let own_copy = format!("{build}FROM alpine\nCOPY ⟦./⟧ /app\n");
        assert_rule_in_context(
            None,
            &[".git", ".env"],
            &super::RULE,
            &[&artifact],
            &[&tree, &everything, &built_on, &own_copy],
            &[],
        );
    }

    #[test]
    fn with_an_ignore_file() {
        let all = &[".git", "node_modules", ".env", "package.json"];
        let copy = "FROM alpine\nCOPY . /app\n";
        assert_rule_in_context(Some("node_modules\n"), all, &super::RULE, &[], &[copy], &[]);
        for ignore in [".git\nnode_modules\n.env\n", "*\n!src\n", "**/.git\n**/node_modules\n.env*\n"] {
            assert_rule_in_context(Some(ignore), all, &super::RULE, &[copy], &[], &[]);
        }
        // Only what the context holds is required.
        assert_rule_in_context(Some("build/\n"), &[], &super::RULE, &[copy], &[], &[]);
        assert_rule_in_context(Some("build/\n"), &["package.json"], &super::RULE, &[], &[copy], &[]);
    }

    #[test]
    fn silent_when_a_parent_directory_has_an_ignore_file() {
        let context = BuildContext { ignore_file_above: true, ..BuildContext::default() };
        let settings = Settings::default().with_build_context(context);
        let setup = Setup::Other("a build context with a .dockerignore in a parent directory");
        assert_cases(&super::RULE, &settings, setup, &["FROM alpine\nCOPY . /app\n"], &[], &[], Vec::new());
    }

    #[test]
    fn silent_without_a_context() {
        assert_rule(&super::RULE, &["FROM alpine\nCOPY . /app\n"], &[], &[]);
    }
}
