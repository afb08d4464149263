//! `textDocument/foldingRange`: stages, multi-line instructions, heredoc
//! bodies and blocks of comment lines.

use dockside_rules::{ColumnUnit, Document};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::server::{Backend, blocking};

pub async fn folding_range(backend: &Backend, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    blocking("folding ranges", move || Some(folding_ranges(&snap.doc))).await
}

pub fn folding_ranges(doc: &Document) -> Vec<FoldingRange> {
    let line = |offset: usize| doc.line_index.position(doc.text(), offset, ColumnUnit::Utf8).line;
    let mut out: Vec<FoldingRange> = Vec::new();
    let mut add = |start: u32, end: u32, kind: Option<FoldingRangeKind>| {
        let duplicate = out.iter().any(|f| f.start_line == start && f.end_line == end);
        if end > start && !duplicate {
            out.push(FoldingRange { start_line: start, end_line: end, kind, ..FoldingRange::default() });
        }
    };
    for stage in &doc.stages {
        let body = stage.instructions(doc);
        if let (Some(first), Some(last)) = (body.first(), body.last()) {
            add(line(first.range.start), line(last.range.end), Some(FoldingRangeKind::Region));
        }
    }
    for ins in &doc.instructions {
        add(line(ins.range.start), line(ins.range.end), None);
        let heredocs = ins.heredocs.iter().chain(ins.onbuild().into_iter().flat_map(|i| i.heredocs.iter()));
        for h in heredocs {
            // From the line before the body (the marker, or the previous
            // heredoc's terminator) to the terminator.
            let end = h.end_range.map_or(h.body_range.end, |r| r.start);
            add(line(h.body_range.start).saturating_sub(1), line(end), None);
        }
    }
    // Consecutive comment lines.
    let mut block: Option<(u32, u32)> = None;
    for comment in &doc.comments {
        let l = line(comment.range.start);
        block = match block {
            Some((start, end)) if l == end + 1 => Some((start, l)),
            Some((start, end)) => {
                add(start, end, Some(FoldingRangeKind::Comment));
                Some((l, l))
            }
            None => Some((l, l)),
        };
    }
    if let Some((start, end)) = block {
        add(start, end, Some(FoldingRangeKind::Comment));
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out
}
