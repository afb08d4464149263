//! `textDocument/inlayHint`: the value a variable has where it is used in a
//! FROM line or a flag (`python:${PY}` shows `= 3.12`), from the engine's
//! scopes. Variables without a known value get no hint.

use std::borrow::Cow;

use dockside_rules::model::{Expansion, Instruction, InstructionKind, Part, Scope, Word};
use dockside_rules::{Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn inlay_hint(backend: &Backend, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("inlay hints", move || {
        let doc = &snap.doc;
        let within = convert::text_range(doc, params.range, unit);
        let hints = hints(doc, within)
            .into_iter()
            .map(|(at, label)| InlayHint {
                position: convert::position(doc, at, unit),
                label: InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: Some(false),
                data: None,
            })
            .collect();
        Some(hints)
    })
    .await
}

/// `(offset, label)` for every resolved expansion in FROM lines and flags.
pub fn hints(doc: &Document, within: TextRange) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for top in &doc.instructions {
        if top.range.end < within.start || top.range.start > within.end {
            continue;
        }
        for ins in [Some(top), top.onbuild()].into_iter().flatten() {
            let mut words: Vec<&Word> = Vec::new();
            for flag in &ins.flags {
                words.extend(flag.value.iter().filter(|_| flag.mount.is_empty()));
                words.extend(flag.mount.iter().filter_map(|m| m.value.as_ref()));
            }
            if ins.kind == InstructionKind::From {
                words.extend(ins.image().map(|i| &i.word));
            }
            if words.iter().all(|w| !w.has_expansion()) {
                continue;
            }
            let scope = scope_for(doc, ins);
            for w in words {
                let all = w.expansions();
                // Only outermost expansions (not those in a default value).
                let outer =
                    all.iter().filter(|e| !all.iter().any(|o| o.range != e.range && o.range.contains(e.range.start)));
                for e in outer {
                    if let Some(value) = resolve(&scope, e) {
                        out.push((e.range.end, format!("= {value}")));
                    }
                }
            }
        }
    }
    out
}

fn scope_for<'d>(doc: &'d Document, ins: &Instruction) -> Cow<'d, Scope> {
    if ins.kind == InstructionKind::From || ins.stage.is_none() {
        Cow::Borrowed(Scope::global(doc))
    } else {
        Scope::at(doc, ins.index)
    }
}

/// The expansion's value (operators applied), when fully known.
fn resolve(scope: &Scope, e: &Expansion) -> Option<String> {
    let word = Word { range: e.range, raw: String::new(), parts: vec![Part::Expansion(e.clone())] };
    let expanded = scope.expand(&word);
    expanded.complete.then_some(expanded.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_variables_in_from_and_flags() {
        let text = "ARG PY=3.12\nARG UNKNOWN\nFROM python:${PY}-${UNKNOWN} AS b\nARG ID=pip\n\
                    RUN --mount=type=cache,id=${ID},target=/c echo $ID\nFROM ${MISSING:-alpine}\n";
        let doc = Document::parse(text);
        let h = hints(&doc, TextRange::new(0, text.len()));
        let end = |needle: &str| text.find(needle).unwrap() + needle.len();
        assert_eq!(
            h,
            [
                (end("${PY}"), "= 3.12".to_string()),
                (end("${ID}"), "= pip".to_string()),
                (end("${MISSING:-alpine}"), "= alpine".to_string())
            ]
        );
    }
}
