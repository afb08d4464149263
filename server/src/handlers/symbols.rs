//! `textDocument/documentSymbol`: stages as parents, their instructions as
//! children; instructions before the first `FROM` at the top level.

use dockside_rules::model::{Instruction, InstructionKind as K};
use dockside_rules::{ColumnUnit, Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn document_symbol(
    backend: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let features = backend.state.features();
    blocking("document symbols", move || {
        let nested = symbols(&snap.doc, features.unit);
        Some(if features.hierarchical_symbols {
            DocumentSymbolResponse::Nested(nested)
        } else {
            let mut flat = Vec::new();
            flatten(&snap.uri, nested, None, &mut flat);
            DocumentSymbolResponse::Flat(flat)
        })
    })
    .await
}

pub fn symbols(doc: &Document, unit: ColumnUnit) -> Vec<DocumentSymbol> {
    let mut out: Vec<DocumentSymbol> =
        doc.instructions.iter().take_while(|i| i.stage.is_none()).map(|i| instruction(doc, i, unit)).collect();
    for stage in &doc.stages {
        let body = stage.instructions(doc);
        let Some((from, rest)) = body.split_first() else { continue };
        let end = rest.last().map_or(from.range.end, |i| i.range.end);
        let image = from.image().map(|i| i.word.raw.clone());
        let name = match (from.alias(), &image) {
            (Some(alias), _) if !alias.raw.trim().is_empty() => alias.raw.trim().to_string(),
            (_, Some(image)) if !image.trim().is_empty() => image.trim().to_string(),
            _ => format!("stage {}", stage.index),
        };
        let selection = from.alias().map(|a| a.range).unwrap_or(from.keyword_range);
        let children = rest.iter().map(|i| instruction(doc, i, unit)).collect();
        out.push(symbol(
            doc,
            unit,
            name,
            Some(first_line(doc, from)),
            SymbolKind::MODULE,
            TextRange::new(from.range.start, end),
            selection,
            Some(children),
        ));
    }
    out
}

fn instruction(doc: &Document, ins: &Instruction, unit: ColumnUnit) -> DocumentSymbol {
    let name = match ins.kind {
        K::Unknown if !ins.keyword.is_empty() => ins.keyword.clone(),
        K::Unknown => "?".to_string(),
        kind => kind.keyword().to_string(),
    };
    let kind = match ins.kind {
        K::Arg | K::Env => SymbolKind::VARIABLE,
        K::Label | K::Maintainer => SymbolKind::PROPERTY,
        K::Copy | K::Add | K::Workdir | K::Volume => SymbolKind::FILE,
        K::Expose | K::Stopsignal | K::User => SymbolKind::CONSTANT,
        _ => SymbolKind::FUNCTION,
    };
    let rest = first_line(doc, ins);
    let detail = rest.get(ins.keyword.len()..).map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    symbol(doc, unit, name, detail, kind, ins.range, ins.keyword_range, None)
}

#[allow(clippy::too_many_arguments)]
fn symbol(
    doc: &Document,
    unit: ColumnUnit,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: TextRange,
    selection: TextRange,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    // The selection must lie inside the range.
    let selection = if range.start <= selection.start && selection.end <= range.end { selection } else { range };
    #[allow(deprecated)]
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: convert::range(doc, range, unit),
        selection_range: convert::range(doc, selection, unit),
        children,
    }
}

/// The instruction's first line, without a trailing continuation, shortened.
fn first_line(doc: &Document, ins: &Instruction) -> String {
    let line = doc.text()[ins.range.as_range()].lines().next().unwrap_or("").trim_end();
    let line = line.strip_suffix(doc.escape).unwrap_or(line).trim_end();
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(80).collect::<String>())
    } else {
        line.to_string()
    }
}

fn flatten(uri: &Uri, symbols: Vec<DocumentSymbol>, container: Option<&str>, out: &mut Vec<SymbolInformation>) {
    for s in symbols {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: s.kind,
            tags: None,
            deprecated: None,
            location: Location::new(uri.clone(), s.range),
            container_name: container.map(str::to_string),
        });
        if let Some(children) = s.children {
            flatten(uri, children, Some(&s.name), out);
        }
    }
}
