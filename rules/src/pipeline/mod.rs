//! One lint pipeline for every front-end: a document's settings (config
//! discovery, loading and caching, the build context), the rules,
//! ShellCheck (one runner per binary, batched across documents), and the
//! merge of their findings in position order. Front-ends choose when each
//! step runs and how its results are shown: the CLI lints many files in
//! parallel after one ShellCheck batch, the language server publishes the
//! rules' findings first and ShellCheck's once the user pauses.

mod configs;
mod shellchecks;

pub use configs::{Configs, Freshness, Overrides, Resolved};
pub use shellchecks::{ShellCheckPass, ShellChecks};

use crate::config::{DOCKSIDE_CONFIG_NAMES, HADOLINT_CONFIG_NAMES, Settings, WATCHED_ENTRIES};
use crate::diagnostic::{Diagnostic, sort_by_position};
use crate::engine::check_document;
use crate::model::Document;

/// The names of the files whose change can change a document's settings
/// (an editor watches them and reports changes to
/// [`Configs::invalidate`]): config files, ignore files
/// (`.dockerignore`, `<Dockerfile>.dockerignore`), and the build context
/// entries rules ask about.
pub fn watched_file_names() -> Vec<String> {
    let configs = DOCKSIDE_CONFIG_NAMES.iter().chain(&HADOLINT_CONFIG_NAMES);
    let ignore_files = [".dockerignore", "*.dockerignore"];
    configs.chain(&ignore_files).chain(&WATCHED_ENTRIES).map(|name| name.to_string()).collect()
}

/// A document's findings: the rules' and ShellCheck's, in position order,
/// and what ShellCheck left out.
#[derive(Debug, Default)]
pub struct Linted {
    pub diagnostics: Vec<Diagnostic>,
    /// ShellCheck's pass, its diagnostics moved into `diagnostics`.
    pub shellcheck: ShellCheckPass,
}

/// Lint `doc` with `settings`: the rules, then ShellCheck when it is on.
pub fn lint_document(doc: &Document, settings: &Settings, shellchecks: &ShellChecks) -> Linted {
    with_shellcheck(doc, settings, shellchecks, check_document(doc, settings))
}

/// The rules' findings on `doc` (from [`check_document`] or the fix loop)
/// completed with ShellCheck's.
pub fn with_shellcheck(
    doc: &Document,
    settings: &Settings,
    shellchecks: &ShellChecks,
    rules: Vec<Diagnostic>,
) -> Linted {
    let mut shellcheck = shellchecks.check(doc, settings);
    let diagnostics = merge(rules, std::mem::take(&mut shellcheck.diagnostics));
    Linted { diagnostics, shellcheck }
}

/// The rules' findings and ShellCheck's, in position order.
pub fn merge(mut rules: Vec<Diagnostic>, shellcheck: Vec<Diagnostic>) -> Vec<Diagnostic> {
    rules.extend(shellcheck);
    sort_by_position(&mut rules);
    rules
}
