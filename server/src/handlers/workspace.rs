//! The workspace side: editor settings (`initializationOptions`,
//! `workspace/configuration`, `workspace/didChangeConfiguration`), config
//! file watching (`workspace/didChangeWatchedFiles`, registered dynamically)
//! and `workspace/diagnostic`. A change of settings or of a config file
//! re-lints every open document.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::lint;
use crate::server::Backend;
use crate::settings::EditorSettings;

/// The files whose change re-lints open documents.
const WATCHED: &[&str] =
    &["**/dockside.toml", "**/.dockside.toml", "**/.hadolint.yaml", "**/.hadolint.yml", "**/.dockerignore"];

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
        let watchers = WATCHED
            .iter()
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "dockside-config-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = backend.client.clone();
        // The answer is not needed to go on.
        tokio::spawn(async move {
            if let Err(err) = client.register_capability(vec![registration]).await {
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
            relint_all(backend).await;
        }
    }
}

/// `workspace/didChangeWatchedFiles`: a config file or `.dockerignore`
/// changed; read the config files again and re-lint.
pub async fn did_change_watched_files(backend: &Backend, _params: DidChangeWatchedFilesParams) {
    backend.linter.reload_configs();
    relint_all(backend).await;
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
        relint_all(backend).await;
    }
}

async fn report_problems(backend: &Backend, editor: &EditorSettings) {
    for problem in &editor.problems {
        backend.client.log_message(MessageType::WARNING, format!("dockside settings: {problem}")).await;
    }
}

/// Lint every open document again: pushed again to push clients; pull
/// clients are asked to pull again.
async fn relint_all(backend: &Backend) {
    let uris: Vec<Uri> = {
        let mut docs = backend.state.docs();
        docs.iter_mut()
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
        let Some(linted) = lint::linted(&backend.state, &backend.linter, &backend.client, &snap).await else {
            continue;
        };
        let result_id = lint::result_id(&linted, snap.version);
        let version = Some(i64::from(snap.version));
        let known = params.previous_result_ids.iter().any(|p| p.uri == uri && p.value == result_id);
        items.push(if known {
            WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
                uri,
                version,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
            })
        } else {
            let diagnostics = convert::diagnostics(&snap, &linted, unit);
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
