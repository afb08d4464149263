//! Conversions between engine types (byte ranges, diagnostics, edits) and
//! LSP types (line/column positions in the negotiated encoding).

use std::collections::HashMap;

use dockside_rules::{ColumnUnit, Diagnostic, Document, Edit, LineIndex, RuleMeta, Severity, TextRange};
use tower_lsp_server::ls_types as lsp;

use crate::state::{Linted, Snapshot};

/// The `source` of every diagnostic we publish.
pub const SOURCE: &str = "dockside";

/// The encodings we can speak, in our order of preference.
pub fn encoding_kind(unit: ColumnUnit) -> lsp::PositionEncodingKind {
    match unit {
        ColumnUnit::Utf8 => lsp::PositionEncodingKind::UTF8,
        _ => lsp::PositionEncodingKind::UTF16,
    }
}

/// `utf-8` when the client offers it, else the protocol's default `utf-16`.
pub fn negotiate_unit(offered: Option<&[lsp::PositionEncodingKind]>) -> ColumnUnit {
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

/// The byte offset of an LSP position, clamped to the line and the text
/// (a line past the end is the end of the text) and to a character boundary.
pub fn offset(index: &LineIndex, text: &str, position: lsp::Position, unit: ColumnUnit) -> usize {
    let at = dockside_rules::Position { line: position.line, column: position.character };
    let mut offset = index.offset(text, at, unit).unwrap_or(text.len()).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The byte offset of a position in a document.
pub fn doc_offset(doc: &Document, position: lsp::Position, unit: ColumnUnit) -> usize {
    offset(&doc.line_index, doc.text(), position, unit)
}

pub fn position(doc: &Document, offset: usize, unit: ColumnUnit) -> lsp::Position {
    let p = doc.line_index.position(doc.text(), offset, unit);
    lsp::Position::new(p.line, p.column)
}

pub fn range(doc: &Document, range: TextRange, unit: ColumnUnit) -> lsp::Range {
    lsp::Range::new(position(doc, range.start, unit), position(doc, range.end, unit))
}

/// The byte range of an LSP range (start and end ordered).
pub fn text_range(doc: &Document, range: lsp::Range, unit: ColumnUnit) -> TextRange {
    let start = doc_offset(doc, range.start, unit);
    let end = doc_offset(doc, range.end, unit);
    TextRange::new(start.min(end), start.max(end))
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Style => lsp::DiagnosticSeverity::HINT,
    }
}

/// Rules whose findings are about deprecated syntax (rendered struck through).
const DEPRECATED_RULES: &[&str] = &["maintainer-deprecated", "legacy-key-value-format"];

/// Rules whose findings are about code that has no effect (rendered faded).
const UNNECESSARY_RULES: &[&str] = &["unused-stage"];

pub fn diagnostic(doc: &Document, uri: &lsp::Uri, d: &Diagnostic, unit: ColumnUnit) -> lsp::Diagnostic {
    with_link(doc, uri, d, unit, link(d.rule))
}

/// The link to a rule's page.
fn link(rule: &RuleMeta) -> Option<lsp::CodeDescription> {
    rule.url().parse().ok().map(|href| lsp::CodeDescription { href })
}

fn with_link(
    doc: &Document,
    uri: &lsp::Uri,
    d: &Diagnostic,
    unit: ColumnUnit,
    code_description: Option<lsp::CodeDescription>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), range(doc, r.range, unit)),
            message: r.message.clone(),
        })
        .collect();
    let tags = if DEPRECATED_RULES.contains(&d.rule.name) {
        Some(vec![lsp::DiagnosticTag::DEPRECATED])
    } else {
        UNNECESSARY_RULES.contains(&d.rule.name).then(|| vec![lsp::DiagnosticTag::UNNECESSARY])
    };
    lsp::Diagnostic {
        range: range(doc, d.range, unit),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.name.to_string())),
        code_description,
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

/// Every diagnostic of a lint result, plus one for an unusable config file.
pub fn diagnostics(snap: &Snapshot, linted: &Linted, unit: ColumnUnit) -> Vec<lsp::Diagnostic> {
    // Each rule's link is parsed once (a long file has hundreds of findings of a few dozen rules).
    let mut links: HashMap<&'static str, Option<lsp::CodeDescription>> = HashMap::new();
    let mut out: Vec<lsp::Diagnostic> = linted
        .diagnostics
        .iter()
        .map(|d| {
            let link = links.entry(d.rule.name).or_insert_with(|| link(d.rule)).clone();
            with_link(&snap.doc, &snap.uri, d, unit, link)
        })
        .collect();
    if let Some(err) = &linted.config_error {
        out.insert(
            0,
            lsp::Diagnostic {
                range: lsp::Range::default(),
                severity: Some(lsp::DiagnosticSeverity::ERROR),
                code: Some(lsp::NumberOrString::String("config-error".to_string())),
                source: Some(SOURCE.to_string()),
                message: format!("the config file cannot be used, so the defaults are: {err}"),
                ..lsp::Diagnostic::default()
            },
        );
    }
    out
}

pub fn text_edit(doc: &Document, edit: &Edit, unit: ColumnUnit) -> lsp::TextEdit {
    lsp::TextEdit { range: range(doc, edit.range, unit), new_text: edit.new_text.clone() }
}

/// A workspace edit of one document: versioned when the client supports it.
pub fn workspace_edit(snap: &Snapshot, edits: Vec<lsp::TextEdit>, versioned: bool) -> lsp::WorkspaceEdit {
    if versioned {
        let edit = lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                uri: snap.uri.clone(),
                version: Some(snap.version),
            },
            edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
        };
        lsp::WorkspaceEdit { document_changes: Some(lsp::DocumentChanges::Edits(vec![edit])), ..Default::default() }
    } else {
        lsp::WorkspaceEdit { changes: Some(HashMap::from([(snap.uri.clone(), edits)])), ..Default::default() }
    }
}

/// The smallest single edit that turns `old` into `new`: the common prefix
/// and suffix are kept (on character boundaries). Neither end of the range
/// falls between the `\r` and the `\n` of a pair in `old` or `new`: no LSP
/// position names that point, so the edit would land elsewhere.
pub fn minimal_edit(old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix)
        || !new.is_char_boundary(prefix)
        || splits_pair(old, prefix)
        || splits_pair(new, prefix)
    {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix)
        || !new.is_char_boundary(new.len() - suffix)
        || splits_pair(old, old.len() - suffix)
        || splits_pair(new, new.len() - suffix)
    {
        suffix -= 1;
    }
    Some(Edit::replace(TextRange::new(prefix, old.len() - suffix), &new[prefix..new.len() - suffix]))
}

/// Is `offset` between the `\r` and the `\n` of a pair?
fn splits_pair(text: &str, offset: usize) -> bool {
    let bytes = text.as_bytes();
    offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edits_keep_common_ends() {
        let e = minimal_edit("RUN apt-get install x\n", "RUN apt-get install -y x\n").unwrap();
        assert_eq!((e.range, e.new_text.as_str()), (TextRange::new(20, 20), "-y "));
        let e = minimal_edit("a é b", "a è b").unwrap();
        assert_eq!((e.range, e.new_text.as_str()), (TextRange::new(2, 4), "è"));
        assert!(minimal_edit("same", "same").is_none());
        let e = minimal_edit("aaa", "aa").unwrap();
        assert_eq!((e.range, e.new_text.as_str()), (TextRange::new(2, 3), ""));
    }

    #[test]
    fn minimal_edits_never_split_a_crlf_pair() {
        let cases = [
            ("A\r\nB", "A\rB"),
            ("A\rB", "A\r\nB"),
            ("A\r\n", "AB\n"),
            ("AB\n", "A\r\n"),
            ("x\r\ny\r\n", "x\r\n"),
            ("RUN a \\\r\n  b\r\n", "RUN a b\r\n"),
            ("\r\n\r\n", "\r\n"),
            ("a\r\n", "a\r\r\n"),
        ];
        for (old, new) in cases {
            let e = minimal_edit(old, new).unwrap();
            assert!(!splits_pair(old, e.range.start) && !splits_pair(old, e.range.end), "{old:?} -> {new:?}: {e:?}");
            let mut applied = old.to_string();
            applied.replace_range(e.range.as_range(), &e.new_text);
            assert_eq!(applied, new, "{old:?} -> {new:?}: {e:?}");
        }
    }

    #[test]
    fn offsets_are_clamped() {
        let text = "FROM a\n# é😀\n";
        let index = LineIndex::new(text);
        assert_eq!(offset(&index, text, lsp::Position::new(9, 0), ColumnUnit::Utf16), text.len());
        assert_eq!(offset(&index, text, lsp::Position::new(0, 99), ColumnUnit::Utf16), 6);
        // Inside the emoji's surrogate pair: the start of the emoji.
        let emoji = text.find('😀').unwrap();
        assert_eq!(offset(&index, text, lsp::Position::new(1, 4), ColumnUnit::Utf16), emoji);
        // Inside é's UTF-8 bytes: its start.
        assert_eq!(offset(&index, text, lsp::Position::new(1, 3), ColumnUnit::Utf8), text.find('é').unwrap());
    }
}
