//! `textDocument/formatting`, `rangeFormatting` and `onTypeFormatting`:
//! the engine's formatter (`dockside_rules::format`) as small text edits.
//! Options come from the document's `dockside.toml` `[format]` and
//! `.editorconfig`; the editor's `tabSize`/`insertSpaces` apply where
//! neither sets the indent.

use std::path::Path;

use dockside_rules::format::{self, EditorDefaults, FormatOptions, Indent};
use dockside_rules::{ColumnUnit, Document, Edit, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};
use dockside_rules::pipeline::Configs;

pub async fn formatting(backend: &Backend, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let options = options(&backend.linter.configs, snap.path.as_deref(), &params.options);
    let unit = backend.state.features().unit;
    blocking("formatting", move || Some(text_edits(&snap.doc, format::format_document(&snap.doc, &options), unit)))
        .await
}

pub async fn range_formatting(
    backend: &Backend,
    params: DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let options = options(&backend.linter.configs, snap.path.as_deref(), &params.options);
    let unit = backend.state.features().unit;
    blocking("range formatting", move || {
        let range = convert::text_range(&snap.doc, params.range, unit);
        Some(text_edits(&snap.doc, format::format_range(&snap.doc, &options, range), unit))
    })
    .await
}

pub async fn on_type_formatting(
    backend: &Backend,
    params: DocumentOnTypeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let at = params.text_document_position;
    if params.ch != "\n" {
        return Ok(None);
    }
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let options = options(&backend.linter.configs, snap.path.as_deref(), &params.options);
    let unit = backend.state.features().unit;
    blocking("on-type formatting", move || {
        let offset = convert::doc_offset(&snap.doc, at.position, unit);
        let edit = format::continuation_indent(&snap.doc, &options, offset)?;
        Some(vec![convert::text_edit(&snap.doc, &edit, unit)])
    })
    .await
}

/// The formatter's options for a document: its config files, then the editor's indent.
fn options(configs: &Configs, path: Option<&Path>, editor: &FormattingOptions) -> FormatOptions {
    let settings = crate::lint::config_for(configs, path, false).settings;
    let indent = if editor.insert_spaces {
        Indent::Spaces(u8::try_from(editor.tab_size.clamp(1, 16)).unwrap_or(4))
    } else {
        Indent::Tab
    };
    format::options_for(path, settings.format_config(), EditorDefaults { indent: Some(indent) })
}

/// Engine edits as LSP edits, each cut to the part that changes.
pub fn text_edits(doc: &Document, edits: Vec<Edit>, unit: ColumnUnit) -> Vec<TextEdit> {
    let text = doc.text();
    edits
        .into_iter()
        .filter_map(|edit| {
            let old = &text[edit.range.as_range()];
            let small = convert::minimal_edit(old, &edit.new_text)?;
            let range = TextRange::new(edit.range.start + small.range.start, edit.range.start + small.range.end);
            Some(convert::text_edit(doc, &Edit::replace(range, small.new_text), unit))
        })
        .collect()
}
