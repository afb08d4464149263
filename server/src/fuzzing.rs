//! The server's text synchronisation without a client, for the fuzz crate
//! (`fuzz/`, target `lsp_edits`). Not an API.

use std::sync::Arc;

use dockside_rules::{ColumnUnit, Document};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::state::Doc;

/// An LSP range as `((line, character), (line, character))`.
pub type LspRange = ((u32, u32), (u32, u32));

/// Open a document holding `text`, then apply each change as one
/// `didChange` would (`None`: the whole text is replaced), with columns in
/// UTF-8 bytes (`utf8`) or UTF-16 code units; after each change, the model
/// the server answers from.
pub fn edit_stream(text: &str, changes: &[(Option<LspRange>, String)], utf8: bool) -> Vec<Arc<Document>> {
    let unit = if utf8 { ColumnUnit::Utf8 } else { ColumnUnit::Utf16 };
    let mut doc = Doc::new(1, None, text.to_string());
    let mut models = Vec::with_capacity(changes.len());
    for (version, (range, new_text)) in (2..).zip(changes) {
        let range = range.map(|((l1, c1), (l2, c2))| Range::new(Position::new(l1, c1), Position::new(l2, c2)));
        let change = TextDocumentContentChangeEvent { range, range_length: None, text: new_text.clone() };
        doc.apply_changes(version, vec![change], unit);
        models.push(doc.build_now());
    }
    models
}
