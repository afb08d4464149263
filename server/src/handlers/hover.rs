//! `textDocument/hover`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::server::{Backend, blocking};
use crate::{convert, hover as content, lint};

pub async fn hover(backend: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let linted = lint::linted(&backend.state, &backend.linter, &backend.client, &snap).await;
    let unit = backend.state.features().unit;
    blocking("hover", move || {
        let doc = &snap.doc;
        let offset = convert::doc_offset(doc, at.position, unit);
        let diagnostics = linted.as_ref().map_or(&[][..], |l| &l.diagnostics[..]);
        let (range, markdown) = content::hover(doc, offset, diagnostics)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
            range: Some(convert::range(doc, range, unit)),
        })
    })
    .await
}
