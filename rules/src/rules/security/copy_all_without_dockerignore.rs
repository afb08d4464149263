//! ## What it does
//! Checks for `COPY .` (or `ADD .`) of the whole build context when the
//! context has no `.dockerignore`, or one that does not exclude `.git`,
//! `node_modules` or `.env` although the context holds them.
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
//! With no `.dockerignore` next to the Dockerfile:
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! ```
//!
//! ## Use instead
//! Add a `.dockerignore`:
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
//! With an ignore file, only entries that exist in the context are
//! required (`node_modules` also when a `package.json` is there). Without
//! an ignore file in the context but with one in a parent directory (up to
//! the repository root), the real context is probably that directory
//! (`docker build -f sub/Dockerfile .`) and nothing is reported; set
//! `build-context` to check it. Only the first `COPY .` of a file is
//! reported. Without a context (standard input) nothing is reported.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::InstructionKind;
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "copy-all-without-dockerignore",
        aliases: &[],
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`COPY .` without a `.dockerignore` that excludes `.git`, `node_modules` and `.env`",
        source: include_str!("copy_all_without_dockerignore.rs"),
        path: "rules/src/rules/security/copy_all_without_dockerignore.rs",
        enabled_by_default: true,
    },
    kinds: &[],
    in_onbuild: false,
    check_instruction: None,
    check_document: Some(check),
};

/// Entries that should never reach the image, and when each one matters.
const SHOULD_IGNORE: [(&str, &[&str]); 3] =
    [(".git", &[".git"]), ("node_modules", &["node_modules", "package.json"]), (".env", &[".env"])];

fn check(ctx: &mut Context<'_>) {
    let Some(context) = ctx.settings.build_context() else { return };
    let doc = ctx.doc;
    let whole_context = doc.instructions.iter().find_map(|ins| {
        if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) || ins.flag("from").is_some() {
            return None;
        }
        let (_, sources) = ins.args.split_last()?;
        sources.iter().find(|w| !w.has_expansion() && crate::config::build_context_path(&w.value()) == ".")
    });
    let Some(word) = whole_context else { return };
    let copied = format!("`{}`", doc.text().get(word.range.as_range()).unwrap_or("."));
    if context.dockerignore.is_none() {
        // `docker build -f sub/Dockerfile .` from a directory that has one.
        if context.ignore_file_above {
            return;
        }
        ctx.report(
            word.range,
            format!(
                "{copied} copies the whole build context, which has no .dockerignore: everything in it, such as `.git`, `node_modules` or `.env` files, ends up in the image"
            ),
        );
        return;
    }
    let missing: Vec<&str> = SHOULD_IGNORE
        .iter()
        .filter(|(name, signs)| signs.iter().any(|s| context.has_entry(s)) && !context.is_ignored(name))
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
        ctx.report(
            word.range,
            format!("{copied} copies the whole build context, and .dockerignore does not exclude {list}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{BuildContext, Dockerignore, Settings};
    use crate::engine::check_with_rules;
    use crate::model::Document;

    fn lint(dockerignore: Option<&str>, present: &[&str], source: &str) -> Vec<String> {
        let context = BuildContext {
            dockerignore: dockerignore.map(|t| Dockerignore::parse(t, None)),
            present: present.iter().map(|s| s.to_string()).collect(),
            ..BuildContext::default()
        };
        let settings = Settings::default().with_build_context(context);
        check_with_rules(&Document::parse(source), &settings, &[&super::RULE])
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn without_an_ignore_file() {
        let found = lint(None, &[], "FROM alpine\nCOPY . /app\nCOPY ./ /b\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("no .dockerignore"), "{found:?}");
        assert_eq!(lint(None, &[], "FROM alpine\nCOPY ./ /app\n").len(), 1);
        assert!(lint(None, &[], "FROM alpine\nCOPY src /app\n").is_empty());
        assert!(lint(None, &[], "FROM alpine AS a\nFROM alpine\nCOPY --from=a . /app\n").is_empty());
    }

    #[test]
    fn with_an_ignore_file() {
        let all = &[".git", "node_modules", ".env", "package.json"];
        let found = lint(Some("node_modules\n"), all, "FROM alpine\nCOPY . /app\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("`.git`, `.env`"), "{found:?}");
        assert!(lint(Some(".git\nnode_modules\n.env\n"), all, "FROM alpine\nCOPY . /app\n").is_empty());
        assert!(lint(Some("*\n!src\n"), all, "FROM alpine\nCOPY . /app\n").is_empty());
        assert!(lint(Some("**/.git\n**/node_modules\n.env*\n"), all, "FROM alpine\nCOPY . /app\n").is_empty());
        // Only what the context holds is required.
        assert!(lint(Some("build/\n"), &[], "FROM alpine\nCOPY . /app\n").is_empty());
        let found = lint(Some("build/\n"), &["package.json"], "FROM alpine\nCOPY . /app\n");
        assert!(found[0].contains("`node_modules`"), "{found:?}");
    }

    #[test]
    fn silent_when_a_parent_directory_has_an_ignore_file() {
        let context = BuildContext { ignore_file_above: true, ..BuildContext::default() };
        let settings = Settings::default().with_build_context(context);
        let doc = Document::parse("FROM alpine\nCOPY . /app\n");
        assert!(check_with_rules(&doc, &settings, &[&super::RULE]).is_empty());
    }

    #[test]
    fn silent_without_a_context() {
        let doc = Document::parse("FROM alpine\nCOPY . /app\n");
        assert!(check_with_rules(&doc, &Settings::default(), &[&super::RULE]).is_empty());
    }
}
