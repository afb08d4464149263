//! `textDocument/selectionRange`: from the word under the cursor outwards:
//! expansion → word → flag/pair/argument → (for RUN scripts: bash nodes,
//! word → command → pipeline/list) → instruction (continuation lines
//! included) → stage → document.

use dockside_rules::model::{Instruction, ShellScript};
use dockside_rules::{Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn selection_range(backend: &Backend, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("selection ranges", move || {
        let doc = &snap.doc;
        let out = params
            .positions
            .iter()
            .map(|p| {
                let offset = convert::doc_offset(doc, *p, unit);
                let mut chain = at_most(ranges(doc, offset), MAX_LEVELS).into_iter().rev();
                let outer = chain.next().unwrap_or(TextRange::empty(offset));
                let mut sel = SelectionRange { range: convert::range(doc, outer, unit), parent: None };
                for r in chain {
                    sel = SelectionRange { range: convert::range(doc, r, unit), parent: Some(Box::new(sel)) };
                }
                sel
            })
            .collect();
        Some(out)
    })
    .await
}

/// The most levels one answer has. Each is a JSON object inside the next,
/// and JSON readers limit nesting (serde_json's default: 128); a `&&` list
/// of 40,000 commands gave 40,000 levels, which took more than the main
/// thread's 8 MiB stack to serialise, and no one steps through that many.
const MAX_LEVELS: usize = 64;

/// The outermost levels kept when a chain is cut (instruction, stage,
/// document and the script's outer nodes).
const OUTER_LEVELS: usize = 16;

/// `chain` (innermost first) with at most `max` levels: the innermost and
/// the [`OUTER_LEVELS`] outermost are kept, the middle dropped (each level
/// still contains the one before).
fn at_most(mut chain: Vec<TextRange>, max: usize) -> Vec<TextRange> {
    if chain.len() > max {
        let outer = chain.split_off(chain.len() - OUTER_LEVELS);
        chain.truncate(max - OUTER_LEVELS);
        chain.extend(outer);
    }
    chain
}

/// The ranges around `offset`, innermost first, each containing the last.
pub fn ranges(doc: &Document, offset: usize) -> Vec<TextRange> {
    let mut candidates: Vec<TextRange> = Vec::new();
    if let Some(top) = doc.instruction_at(offset) {
        for ins in [top.onbuild(), top.healthcheck_cmd(), Some(top)].into_iter().flatten() {
            parts(ins, offset, &mut candidates);
            if let Some(script) = ins.script() {
                bash(script, offset, &mut candidates);
            }
            candidates.push(ins.range);
        }
        if let Some(stage) = doc.stage_of(top) {
            let body = stage.instructions(doc);
            if let (Some(first), Some(last)) = (body.first(), body.last()) {
                candidates.push(TextRange::new(first.range.start, last.range.end));
            }
        }
    }
    candidates.push(TextRange::new(0, doc.text().len()));
    let mut inside: Vec<TextRange> = candidates.into_iter().filter(|r| r.start <= offset && offset <= r.end).collect();
    inside.sort_by_key(|r| (r.len(), r.start));
    let mut chain: Vec<TextRange> = Vec::new();
    for r in inside {
        match chain.last() {
            Some(last) if *last == r => {}
            Some(last) if !(r.start <= last.start && last.end <= r.end) => {}
            _ => chain.push(r),
        }
    }
    chain
}

/// Words, expansions, flags, pairs, heredocs and forms of one instruction.
fn parts(ins: &Instruction, offset: usize, out: &mut Vec<TextRange>) {
    let mut words = Vec::new();
    words.extend(ins.args.iter());
    for flag in &ins.flags {
        out.push(flag.range);
        words.extend(flag.value.iter());
        for option in &flag.mount {
            let end = option.value.as_ref().map_or(option.key_range.end, |v| v.range.end);
            out.push(TextRange::new(option.key_range.start, end));
            words.extend(option.value.iter());
        }
    }
    for pair in &ins.pairs {
        out.push(pair.range);
        words.push(&pair.key);
        words.extend(pair.value.iter());
    }
    words.extend(ins.image().map(|i| &i.word));
    words.extend(ins.alias());
    words.extend(ins.text());
    for w in words {
        if w.range.start <= offset && offset <= w.range.end {
            out.push(w.range);
            out.extend(w.expansions().iter().map(|e| e.range));
        }
    }
    if let Some(image) = ins.image() {
        out.extend(
            [image.registry_range, Some(image.name_range), image.tag_range, image.digest_range].into_iter().flatten(),
        );
    }
    for h in &ins.heredocs {
        out.push(h.body_range);
        out.push(TextRange::new(
            h.marker_range.start.min(h.body_range.start),
            h.end_range.map_or(h.body_range.end, |r| r.end),
        ));
    }
    out.extend(ins.json.as_ref().map(|j| j.range));
    out.extend(ins.json.iter().flat_map(|j| j.items.iter().map(|(_, r)| *r)));
    out.extend(ins.shell.as_ref().map(|s| s.range));
}

/// The bash nodes around `offset`, mapped back to the Dockerfile.
fn bash(script: &ShellScript, offset: usize, out: &mut Vec<TextRange>) {
    let Some(segment) = script.segments.iter().find(|s| s.source <= offset && offset <= s.source + s.len) else {
        return;
    };
    let logical = segment.logical + (offset - segment.source);
    let Some(mut node) = script.tree.root_node().descendant_for_byte_range(logical, logical) else { return };
    // `parent()` walks down from the root, and `a && b && …` nests one
    // level per command: the innermost levels only (the script itself is
    // one of the instruction's parts).
    for _ in 0..MAX_LEVELS {
        if node.end_byte() > node.start_byte() {
            out.push(script.source_range(node.start_byte(), node.end_byte()));
        }
        match node.parent() {
            Some(p) => node = p,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_command_list_instruction_stage_document() {
        let text = "FROM a AS b\nRUN apt-get update && \\\n    apt-get install -y curl\nENV X=1\nFROM c\n";
        let doc = Document::parse(text);
        let at = text.find("curl").unwrap() + 1;
        let chain: Vec<&str> = ranges(&doc, at).iter().map(|r| &text[r.as_range()]).collect();
        assert_eq!(chain[0], "curl");
        assert!(chain.contains(&"apt-get install -y curl"), "{chain:?}");
        assert!(chain.contains(&"apt-get update && \\\n    apt-get install -y curl"), "{chain:?}");
        assert!(chain.contains(&"RUN apt-get update && \\\n    apt-get install -y curl"), "{chain:?}");
        assert!(
            chain.contains(&"FROM a AS b\nRUN apt-get update && \\\n    apt-get install -y curl\nENV X=1"),
            "{chain:?}"
        );
        assert_eq!(*chain.last().unwrap(), text);
    }

    #[test]
    fn a_long_list_is_cut_in_the_middle() {
        let text = format!("FROM a\nRUN true{}\n", " && echo x".repeat(1000));
        let doc = Document::parse(&text);
        // `a && b && c` nests to the left: the first command is the deepest.
        let at = text.find("true").unwrap();
        let all = ranges(&doc, at);
        assert!(all.len() > MAX_LEVELS, "{}", all.len());
        let cut = at_most(all.clone(), MAX_LEVELS);
        assert_eq!(cut.len(), MAX_LEVELS);
        assert_eq!(cut[..MAX_LEVELS - OUTER_LEVELS], all[..MAX_LEVELS - OUTER_LEVELS]);
        assert_eq!(cut[MAX_LEVELS - OUTER_LEVELS..], all[all.len() - OUTER_LEVELS..]);
        assert!(cut.windows(2).all(|w| w[1].start <= w[0].start && w[0].end <= w[1].end));
    }
}
