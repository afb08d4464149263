//! The workspace side: editor settings (`initializationOptions`,
//! `workspace/configuration`, `workspace/didChangeConfiguration`), config
//! file watching (`workspace/didChangeWatchedFiles`, registered dynamically)
//! and `workspace/diagnostic`. A change of settings or of a config file
//! re-lints every open document.

use std::path::PathBuf;
use std::sync::Arc;

use dockside_rules::config;
use dockside_rules::pipeline::{self, Configs};
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::handlers::sync::file_path;
use crate::lint;
use crate::server::Backend;
use crate::settings::EditorSettings;
use crate::state::Doc;

/// The settings section we read.
const SECTION: &str = "dockside";

/// `initialize`: settings from `initializationOptions` (no re-lint: nothing
/// is open yet).
pub fn initialization_options(backend: &Backend, options: Option<&Value>) {
    if let Some(options) = options {
        backend.linter.set_editor(EditorSettings::from_json(options));
    }
}

/// `initialized`: say what was wrong with the initial settings, register the
/// file watchers and ask for the settings.
pub async fn initialized(backend: &Backend) {
    report_problems(backend, &backend.linter.editor()).await;
    let features = backend.state.features();
    if features.watch_files {
        let watchers = pipeline::watched_file_names()
            .into_iter()
            .map(|name| FileSystemWatcher { glob_pattern: GlobPattern::String(format!("**/{name}")), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "dockside-config-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        // From now on what was read is kept until the client reports a
        // change (set before asking, so no lint reads the old way after).
        backend.linter.watching_files(true);
        let (client, linter) = (backend.client.clone(), Arc::clone(&backend.linter));
        // The answer is not needed to go on.
        tokio::spawn(async move {
            if let Err(err) = client.register_capability(vec![registration]).await {
                // Back to checking config files on every lint.
                linter.watching_files(false);
                let message = format!("dockside: cannot watch config files: {err}");
                client.log_message(MessageType::WARNING, message).await;
            }
        });
    }
    if features.configuration {
        fetch_settings(backend).await;
    }
}

/// `workspace/didChangeConfiguration`: read the settings (asking for them
/// when the client answers `workspace/configuration`) and re-lint.
pub async fn did_change_configuration(backend: &Backend, params: DidChangeConfigurationParams) {
    if backend.state.features().configuration {
        fetch_settings(backend).await;
    } else if !params.settings.is_null() {
        let editor = EditorSettings::from_json(&params.settings);
        report_problems(backend, &editor).await;
        if backend.linter.set_editor(editor) {
            relint(backend, |_| true).await;
        }
    }
}

/// `workspace/didChangeWatchedFiles`: a config file, ignore file or build
/// context entry changed; forget what was read in its folder and re-lint
/// the open documents it may concern.
pub async fn did_change_watched_files(backend: &Backend, params: DidChangeWatchedFilesParams) {
    let changed: Vec<PathBuf> = params.changes.iter().filter_map(|change| file_path(&change.uri)).collect();
    backend.linter.files_changed(&changed);
    let user_config = config::user_config_path();
    if changed.iter().any(|path| Some(path) == user_config.as_ref()) {
        // Every document inherits the user config's program choice.
        relint(backend, |_| true).await;
        return;
    }
    relint(backend, |doc| {
        let Some(path) = &doc.path else { return false };
        let settings = doc.linted.as_ref().map(|(_, linted)| Arc::clone(&linted.settings)).unwrap_or_default();
        changed.iter().any(|changed| Configs::affects(changed, path, &settings))
    })
    .await;
}

async fn fetch_settings(backend: &Backend) {
    let item = ConfigurationItem { scope_uri: None, section: Some(SECTION.to_string()) };
    let answer = backend.client.configuration(vec![item]).await;
    let value = match answer {
        Ok(values) => values.into_iter().next().unwrap_or(Value::Null),
        Err(err) => {
            let message = format!("dockside: cannot read the settings: {err}");
            backend.client.log_message(MessageType::WARNING, message).await;
            return;
        }
    };
    // No `dockside` section: keep what `initializationOptions` said.
    if value.is_null() {
        return;
    }
    let editor = EditorSettings::from_json(&value);
    report_problems(backend, &editor).await;
    if backend.linter.set_editor(editor) {
        relint(backend, |_| true).await;
    }
}

async fn report_problems(backend: &Backend, editor: &EditorSettings) {
    for problem in &editor.problems {
        backend.client.log_message(MessageType::WARNING, format!("dockside settings: {problem}")).await;
    }
}

/// Lint the open documents `concerned` picks again: pushed again to push
/// clients; pull clients are asked to pull again.
async fn relint(backend: &Backend, concerned: impl Fn(&Doc) -> bool) {
    let uris: Vec<Uri> = {
        let mut docs = backend.state.docs();
        docs.iter_mut()
            .filter(|(_, doc)| concerned(doc))
            .map(|(uri, doc)| {
                doc.linted = None;
                doc.published = None;
                uri.clone()
            })
            .collect()
    };
    let features = backend.state.features();
    if !features.pull_diagnostics {
        for uri in uris {
            // Fails only when the worker is gone, i.e. the server is stopping.
            let _ = backend.changed.send(uri);
        }
    } else if features.diagnostic_refresh {
        let client = backend.client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
    }
}

/// `workspace/diagnostic`: a report for every open document (we never read
/// files that are not open); unchanged ones by result id.
pub async fn workspace_diagnostic(
    backend: &Backend,
    params: WorkspaceDiagnosticParams,
) -> Result<WorkspaceDiagnosticReportResult> {
    let uris: Vec<Uri> = backend.state.docs().keys().cloned().collect();
    let unit = backend.state.features().unit;
    let mut items = Vec::new();
    for uri in uris {
        let Some(snap) = backend.state.snapshot(&uri).await else { continue };
        let Some(linted) = lint::linted_for_pull(&backend.state, &backend.linter, &backend.client, &snap).await else {
            continue;
        };
        let diagnostics = convert::diagnostics(&snap, &linted, unit);
        let result_id = lint::result_id(&diagnostics);
        let version = Some(i64::from(snap.version));
        let known = params.previous_result_ids.iter().any(|p| p.uri == uri && p.value == result_id);
        items.push(if known {
            WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
                uri,
                version,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
            })
        } else {
            WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                uri,
                version,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(result_id),
                    items: diagnostics,
                },
            })
        });
    }
    Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
}
