//! `textDocument/signatureHelp`: the syntax line of the instruction under
//! the cursor (from the hover keyword table), its parameters, and the one
//! being written.

use dockside_rules::model::{Instruction, InstructionKind};
use dockside_rules::{Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::server::{Backend, blocking};
use crate::{convert, hover};

pub const TRIGGERS: &[&str] = &[" ", "="];

pub async fn signature_help(backend: &Backend, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
    let at = params.text_document_position_params;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("signature help", move || {
        let doc = &snap.doc;
        let offset = convert::doc_offset(doc, at.position, unit);
        let sig = signature(doc, offset)?;
        let parameters = sig
            .params
            .iter()
            .map(|(start, end)| ParameterInformation {
                label: ParameterLabel::LabelOffsets([*start as u32, *end as u32]),
                documentation: None,
            })
            .collect();
        Some(SignatureHelp {
            signatures: vec![SignatureInformation {
                label: sig.label,
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: sig.summary.to_string(),
                })),
                parameters: Some(parameters),
                active_parameter: sig.active.map(|a| a as u32),
            }],
            active_signature: Some(0),
            active_parameter: sig.active.map(|a| a as u32),
        })
    })
    .await
}

pub struct Signature {
    pub label: String,
    /// Byte (= UTF-16, the labels are ASCII) offsets of each parameter.
    pub params: Vec<(usize, usize)>,
    pub active: Option<usize>,
    pub summary: &'static str,
}

pub fn signature(doc: &Document, offset: usize) -> Option<Signature> {
    let top = super::completion::instruction_on_line(doc, offset)?;
    let mut ins = top;
    for inner in [top.onbuild(), top.healthcheck_cmd()].into_iter().flatten() {
        if offset >= inner.keyword_range.start {
            ins = inner;
        }
    }
    let entry = hover::keywords::lookup(ins.kind)?;
    let label = if ins.json.is_some() {
        entry.syntax.iter().find(|s| s.contains("[\"")).unwrap_or(&entry.syntax[0])
    } else {
        &entry.syntax[0]
    }
    .to_string();
    let params = split_params(&label);
    let active = active_param(&label, &params, ins, offset);
    Some(Signature { label, params, active, summary: entry.summary })
}

/// Parameters: the blank-separated parts after the keyword, a bracketed
/// part counting as one.
fn split_params(label: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start: Option<usize> = None;
    let first_blank = label.find(' ').unwrap_or(label.len());
    for (i, c) in label.char_indices().skip_while(|(i, _)| *i < first_blank) {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        if c == ' ' && depth == 0 {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if start.is_none() && c != ' ' {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, label.len()));
    }
    out
}

fn active_param(label: &str, params: &[(usize, usize)], ins: &Instruction, offset: usize) -> Option<usize> {
    let text = |p: &(usize, usize)| &label[p.0..p.1];
    // On a flag: that flag's parameter.
    if let Some(flag) = ins.flags.iter().find(|f| f.range.start <= offset && offset <= f.range.end) {
        // The exact flag, else the first one it is the start of (`--ch`).
        let name = flag.name.to_ascii_lowercase();
        let exact = [format!("[--{name}="), format!("[--{name}]")];
        return params
            .iter()
            .position(|p| exact.iter().any(|e| text(p).starts_with(e.as_str())))
            .or_else(|| params.iter().position(|p| text(p).starts_with(&format!("[--{name}"))));
    }
    let positional: Vec<usize> = (0..params.len()).filter(|i| !text(&params[*i]).starts_with("[--")).collect();
    if positional.is_empty() {
        return None;
    }
    // The argument slots as written.
    let mut slots: Vec<TextRange> = Vec::new();
    if ins.json.is_none() {
        slots.extend(ins.args.iter().map(|w| w.range));
    }
    slots.extend(ins.pairs.iter().map(|p| p.range));
    slots.extend(ins.image().map(|i| i.word.range));
    slots.extend(ins.alias().map(|a| a.range));
    if let Some(s) = &ins.shell {
        slots.push(s.range);
    }
    if let Some(j) = &ins.json {
        slots.push(j.range);
    }
    if ins.kind == InstructionKind::Healthcheck {
        slots.extend(ins.healthcheck_cmd().map(|c| c.range));
    }
    slots.sort_by_key(|r| r.start);
    let n = slots.len();
    let k = slots.iter().filter(|r| r.end < offset).count();
    // A repeated parameter (`<src>...`) followed by a last one (`<dest>`).
    let repeat =
        positional.iter().position(|i| text(&params[*i]).ends_with("...") || text(&params[*i]).ends_with("...]"));
    let slot = match repeat {
        Some(r) if k >= r => {
            let has_last = r + 1 < positional.len();
            let in_last = (k + 1 == n && n >= r + 2) || (k >= n && n > r);
            if has_last && in_last { r + 1 } else { r }
        }
        _ => k.min(positional.len() - 1),
    };
    positional.get(slot).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(text: &str) -> String {
        let offset = text.find('|').unwrap();
        let clean = text.replacen('|', "", 1);
        let doc = Document::parse(&clean);
        let sig = signature(&doc, offset).unwrap();
        let (s, e) = sig.params[sig.active.unwrap()];
        sig.label[s..e].to_string()
    }

    #[test]
    fn the_active_parameter_follows_the_cursor() {
        assert_eq!(active("FROM a\nCOPY --chown=a:b| x y\n"), "[--chown=<user>:<group>]");
        assert_eq!(active("FROM a\nCOPY x| y\n"), "<src>...");
        assert_eq!(active("FROM a\nADD --link| x y\n"), "[--link]");
        assert_eq!(active("FROM a\nCOPY --ch| x y\n"), "[--chown=<user>:<group>]");
        assert_eq!(active("FROM a\nCOPY x y|\n"), "<dest>");
        assert_eq!(active("FROM a\nCOPY x |\n"), "<dest>");
        assert_eq!(active("FROM a AS |\n"), "[AS <name>]");
        assert_eq!(active("FROM a|\n"), "<image>[:<tag>|@<digest>]");
        assert_eq!(active("FROM a\nRUN --network=none| make\n"), "[--network=default|none|host]");
    }
}
