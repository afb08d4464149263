//! `textDocument/prepareRename` and `textDocument/rename` for stage names
//! and ARG/ENV variables. The engine ([`Symbols::rename`]) decides what a
//! rename changes and which new names are valid; a refusal is an
//! invalid-params error carrying its reason.

use dockside_rules::model::Symbols;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn prepare_rename(
    backend: &Backend,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("prepare rename", move || {
        let doc = &snap.doc;
        let symbols = Symbols::build(doc);
        let offset = convert::doc_offset(doc, params.position, unit);
        match symbols.renameable_at(offset) {
            Ok(at) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(doc, at.range, unit),
                placeholder: doc.text()[at.range.as_range()].to_string(),
            })),
            // Nothing to rename here: the client says so itself.
            Err(_) if symbols.at(offset).is_none() => Ok(None),
            Err(err) => Err(Error::invalid_params(err.to_string())),
        }
    })
    .await?
}

pub async fn rename(backend: &Backend, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let at = params.text_document_position;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let features = backend.state.features();
    let unit = features.unit;
    let new_name = params.new_name;
    blocking("rename", move || {
        let doc = &snap.doc;
        let symbols = Symbols::build(doc);
        let offset = convert::doc_offset(doc, at.position, unit);
        let edits = symbols.rename(doc, offset, &new_name).map_err(|e| Error::invalid_params(e.to_string()))?;
        let edits = edits.iter().map(|e| convert::text_edit(doc, e, unit)).collect();
        Ok(Some(convert::workspace_edit(&snap, edits, features.document_changes)))
    })
    .await?
}
