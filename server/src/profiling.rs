//! Where an edit's time goes, phase by phase, in one process: the steps the
//! server takes between a `didChange` and its `publishDiagnostics`, run one
//! after the other on the same edits, for `benches/lsp.rs`. Not an API.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dockside_rules::engine::IncrementalCheck;
use dockside_rules::{ColumnUnit, Document, Settings, check_document_on_two_threads};
use tower_lsp_server::ls_types::notification::PublishDiagnostics;
use tower_lsp_server::ls_types::{Position, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent, Uri};

use crate::state::{Doc, Linted, Snapshot};

/// The time of each phase for each edit.
#[derive(Default)]
pub struct Phases {
    /// Applying the change to the text and the tree (the incremental
    /// re-parse). Without an async runtime the previous model is freed
    /// here too, inline; the server frees it on a blocking thread.
    pub reparse: Vec<Duration>,
    /// Re-building the model with the document's build cache.
    pub model: Vec<Duration>,
    /// All rules from scratch on two threads, suppression and severities included.
    pub rules_full: Vec<Duration>,
    /// The rules through the incremental check the server uses.
    pub rules_incremental: Vec<Duration>,
    /// Stages the incremental check re-ran, per edit.
    pub stages_run: Vec<usize>,
    /// Engine diagnostics to LSP diagnostics.
    pub convert: Vec<Duration>,
    /// The publication to JSON text, as the server frames it (`transport::Outgoing`).
    pub json: Vec<Duration>,
    /// Diagnostics in the last publication.
    pub count: usize,
}

/// Apply each `(line, column, insert)` edit (UTF-16 columns; insert an `x`
/// or delete the character) to `text` as the server does and time each
/// phase after it.
pub fn edit_phases(text: &str, edits: &[(u32, u32, bool)]) -> Phases {
    let settings = Arc::new(Settings::default());
    let uri: Uri = "file:///bench/Dockerfile".parse().expect("a valid URI");
    let mut doc = Doc::new(1, None, text.to_string());
    let mut incremental = IncrementalCheck::default();
    incremental.check(&doc.build_now(), &settings);
    let mut phases = Phases::default();
    for (version, &(line, column, insert)) in (2..).zip(edits) {
        let at = Position::new(line, column);
        let change = if insert {
            TextDocumentContentChangeEvent { range: Some(Range::new(at, at)), range_length: None, text: "x".into() }
        } else {
            let end = Position::new(line, column + 1);
            TextDocumentContentChangeEvent { range: Some(Range::new(at, end)), range_length: None, text: String::new() }
        };
        let started = Instant::now();
        doc.apply_changes(version, vec![change], ColumnUnit::Utf16);
        phases.reparse.push(started.elapsed());
        let started = Instant::now();
        let model = doc.build_now();
        phases.model.push(started.elapsed());
        // The incremental check first, on the new model, as the server runs
        // it: document facts are computed on first use, so a check after
        // another one on the same model would find them done.
        let started = Instant::now();
        let diagnostics = incremental.check(&model, &settings);
        phases.rules_incremental.push(started.elapsed());
        phases.stages_run.push(incremental.stages_run());
        // The full check on a model of its own (built outside the timing).
        let fresh = Document::build(model.syntax().clone());
        let started = Instant::now();
        let full = check_document_on_two_threads(&fresh, &settings);
        phases.rules_full.push(started.elapsed());
        drop((full, fresh));
        let snap = Snapshot { uri: uri.clone(), version, path: None, doc: Arc::clone(&model), rules: Arc::default() };
        let linted = Linted::new(diagnostics, Arc::clone(&settings), 0, true);
        let started = Instant::now();
        let converted = crate::convert::diagnostics(&snap, &linted, ColumnUnit::Utf16);
        phases.convert.push(started.elapsed());
        phases.count = converted.len();
        let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics: converted, version: Some(version) };
        let started = Instant::now();
        let frame = crate::transport::notification_frame::<PublishDiagnostics>(&params).expect("serializable");
        phases.json.push(started.elapsed());
        drop(frame);
    }
    phases
}
