//! Go to definition, find references and document highlights for stage
//! names and ARG/ENV variables. Which occurrence belongs to which
//! declaration comes from the engine ([`Symbols`]); this module only turns
//! it into locations.

use dockside_rules::model::{OccurrenceKind, Symbols};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn definition(backend: &Backend, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("definition", move || {
        let doc = &snap.doc;
        let symbols = Symbols::build(doc);
        let occurrence = symbols.at(convert::doc_offset(doc, at.position, unit))?;
        let location = Location::new(snap.uri.clone(), convert::range(doc, occurrence.definition, unit));
        Some(GotoDefinitionResponse::Scalar(location))
    })
    .await
}

pub async fn references(backend: &Backend, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let include_declaration = params.context.include_declaration;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("references", move || {
        let doc = &snap.doc;
        let symbols = Symbols::build(doc);
        let occurrence = symbols.at(convert::doc_offset(doc, at.position, unit))?;
        let locations = symbols
            .occurrences_of(occurrence.symbol)
            .filter(|o| include_declaration || o.kind != OccurrenceKind::Declaration)
            .map(|o| Location::new(snap.uri.clone(), convert::range(doc, o.range, unit)))
            .collect();
        Some(locations)
    })
    .await
}

pub async fn highlight(backend: &Backend, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
    let at = params.text_document_position_params;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("document highlight", move || {
        let doc = &snap.doc;
        let symbols = Symbols::build(doc);
        let occurrence = symbols.at(convert::doc_offset(doc, at.position, unit))?;
        let highlights = symbols
            .occurrences_of(occurrence.symbol)
            .map(|o| DocumentHighlight {
                range: convert::range(doc, o.range, unit),
                kind: Some(match o.kind {
                    OccurrenceKind::Declaration => DocumentHighlightKind::WRITE,
                    _ => DocumentHighlightKind::READ,
                }),
            })
            .collect();
        Some(highlights)
    })
    .await
}
