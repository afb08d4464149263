//! Text synchronisation: `didOpen`, `didChange`, `didClose`.
//!
//! Each handler mutates the document store before its first `.await`, so the
//! store sees the notifications in the order they arrived even though
//! tower-lsp-server runs handlers concurrently.

use tower_lsp_server::ls_types::notification::PublishDiagnostics;
use tower_lsp_server::ls_types::*;

use crate::server::{Backend, guarded};
use crate::state::Doc;

pub async fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let path = file_path(&item.uri);
    let opened = guarded("didOpen", || {
        let doc = Doc::new(item.version, path, item.text);
        backend.state.docs().insert(item.uri.clone(), doc);
    });
    if opened.is_some() {
        schedule(backend, item.uri);
    }
}

pub async fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let unit = backend.state.features().unit;
    let applied = {
        let mut docs = backend.state.docs();
        match docs.get_mut(&uri) {
            None => None,
            Some(doc) => {
                let version = params.text_document.version;
                let changes = params.content_changes;
                match guarded("didChange", || doc.apply_changes(version, changes, unit)) {
                    Some(()) => Some(true),
                    None => {
                        // The text is in an unknown state: forget it rather than lint garbage.
                        docs.remove(&uri);
                        Some(false)
                    }
                }
            }
        }
    };
    match applied {
        Some(true) => schedule(backend, uri),
        Some(false) => {
            let message = format!("dockside: lost track of {} after an internal error; reopen it", uri.as_str());
            backend.client.log_message(MessageType::ERROR, message).await;
        }
        None => {
            let message = format!("dockside: change to a document that is not open: {}", uri.as_str());
            backend.client.log_message(MessageType::WARNING, message).await;
        }
    }
}

pub async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let was_open = backend.state.docs().remove(&uri).is_some();
    if was_open && !backend.state.features().pull_diagnostics {
        // After any publication already under way (none starts now: the
        // document is gone).
        let turn = backend.state.publish_turn(&uri);
        let cleared = async {
            let _turn = turn.lock().await;
            let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics: Vec::new(), version: None };
            backend.state.outgoing.notify::<PublishDiagnostics>(&params);
        };
        cleared.await;
        drop(turn);
        backend.state.forget_publish_turn(&uri);
    }
}

/// Queue the document for the push worker (clients that pull ask themselves).
fn schedule(backend: &Backend, uri: Uri) {
    if !backend.state.features().pull_diagnostics {
        // Fails only when the worker is gone, i.e. the server is stopping.
        let _ = backend.changed.send(uri);
    }
}

/// The file behind a `file:` URI, for config discovery.
pub(crate) fn file_path(uri: &Uri) -> Option<std::path::PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if !is_file {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}
