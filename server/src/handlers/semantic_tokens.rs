//! `textDocument/semanticTokens/full` and `/range`: Dockerfile tokens from
//! the model (keywords, flags, keys, variables, stage names, images,
//! strings, comments, directives, rule names in ignore pragmas) and bash
//! tokens of RUN scripts from the bash tree each `ShellScript` holds, mapped
//! back to the Dockerfile through its segment table (so a token never
//! swallows a line continuation).
//!
//! Tokens are collected as byte ranges, outer ones first; nested tokens win
//! over the token around them (an expansion inside an image reference), and
//! every token is split at line ends.

use std::cmp::Reverse;

use dockside_rules::model::{Base, Instruction, InstructionKind, ShellScript, Word, for_each_node};
use dockside_rules::syntax::Position;
use dockside_rules::{ColumnUnit, Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

/// The legend's token types; a token's type is its index here.
pub const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::CLASS,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::MACRO,
    SemanticTokenType::TYPE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NUMBER,
];

pub const MODIFIERS: &[SemanticTokenModifier] = &[SemanticTokenModifier::DECLARATION];

const KEYWORD: u32 = 0;
const FLAG: u32 = 1;
const PROPERTY: u32 = 2;
const VARIABLE: u32 = 3;
const STAGE: u32 = 4;
const STRING: u32 = 5;
const COMMENT: u32 = 6;
const DIRECTIVE: u32 = 7;
const IMAGE: u32 = 8;
const COMMAND: u32 = 9;
const OPERATOR: u32 = 10;
const NUMBER: u32 = 11;

const DECLARATION: u32 = 1;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: MODIFIERS.to_vec() }
}

pub async fn full(backend: &Backend, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("semantic tokens", move || {
        let data = encode(&snap.doc, &tokens(&snap.doc, None), unit);
        Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
    })
    .await
}

pub async fn range(backend: &Backend, params: SemanticTokensRangeParams) -> Result<Option<SemanticTokensRangeResult>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("semantic tokens", move || {
        let doc = &snap.doc;
        let within = convert::text_range(doc, params.range, unit);
        let data = encode(doc, &tokens(doc, Some(within)), unit);
        Some(SemanticTokensRangeResult::Tokens(SemanticTokens { result_id: None, data }))
    })
    .await
}

/// A token as a byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub ty: u32,
    pub mods: u32,
}

/// The document's tokens (those overlapping `within`, when given), in
/// order, not overlapping, each on one line.
pub fn tokens(doc: &Document, within: Option<TextRange>) -> Vec<Token> {
    let mut raw = Collector { out: Vec::new() };
    for d in &doc.directives {
        raw.push(d.range, DIRECTIVE);
        raw.push(d.value_range, STRING);
    }
    for c in &doc.comments {
        raw.push(c.range, COMMENT);
    }
    // Rule names in ignore pragmas stand out of their comment.
    for p in &doc.suppressions.pragmas {
        for (_, range) in &p.rules {
            raw.push(*range, DIRECTIVE);
        }
    }
    for ins in &doc.instructions {
        if within.is_some_and(|w| ins.range.end < w.start || w.end < ins.range.start) {
            continue;
        }
        instruction(doc, ins, &mut raw);
    }
    let mut out = split_lines(doc.text(), flatten(raw.out));
    if let Some(w) = within {
        out.retain(|t| t.start < w.end && w.start < t.end);
    }
    out
}

struct Collector {
    out: Vec<Token>,
}

impl Collector {
    fn push(&mut self, range: TextRange, ty: u32) {
        self.push_with(range, ty, 0);
    }

    fn push_with(&mut self, range: TextRange, ty: u32, mods: u32) {
        if range.start < range.end {
            self.out.push(Token { start: range.start, end: range.end, ty, mods });
        }
    }

    fn word(&mut self, word: &Word, ty: Option<u32>) {
        if let Some(ty) = ty {
            self.push(word.range, ty);
        } else if word.is_quoted() {
            self.push(word.range, STRING);
        }
        for e in word.expansions() {
            self.push(e.range, VARIABLE);
        }
    }
}

fn instruction(doc: &Document, ins: &Instruction, raw: &mut Collector) {
    raw.push(ins.keyword_range, KEYWORD);
    for flag in &ins.flags {
        raw.push(TextRange::new(flag.range.start, flag.name_range.end), FLAG);
        for option in &flag.mount {
            raw.push(option.key_range, PROPERTY);
            if let Some(v) = &option.value {
                let stage = option.key.eq_ignore_ascii_case("from") && doc.stage_named(&v.value()).is_some();
                raw.word(v, stage.then_some(STAGE));
            }
        }
        if flag.mount.is_empty()
            && let Some(v) = &flag.value
        {
            let stage = flag.name.eq_ignore_ascii_case("from") && doc.stage_named(&v.value()).is_some();
            raw.word(v, stage.then_some(STAGE));
        }
    }
    for pair in &ins.pairs {
        match ins.kind {
            InstructionKind::Label => raw.push(pair.key.range, PROPERTY),
            _ => raw.push_with(pair.key.range, VARIABLE, DECLARATION),
        }
        if let Some(v) = &pair.value {
            raw.word(v, None);
        }
    }
    if let Some(json) = &ins.json {
        for (_, r) in &json.items {
            raw.push(*r, STRING);
        }
    } else {
        for w in &ins.args {
            raw.word(w, None);
        }
    }
    if let Some(image) = ins.image() {
        let is_stage = matches!(doc.stage_of(ins).map(|s| &s.base), Some(Base::Stage(_)));
        raw.word(&image.word, Some(if is_stage { STAGE } else { IMAGE }));
        if let Some(alias) = ins.alias() {
            // `AS` sits between the image and the name.
            let between = &doc.text()[image.word.range.end..alias.range.start];
            if let Some(i) = between.to_ascii_lowercase().find("as") {
                let at = image.word.range.end + i;
                raw.push(TextRange::new(at, at + 2), KEYWORD);
            }
            raw.push_with(alias.range, STAGE, DECLARATION);
        }
    }
    if let Some(t) = ins.text() {
        raw.push(t.range, STRING);
    }
    for h in &ins.heredocs {
        raw.push(h.marker_range, OPERATOR);
        if let Some(end) = h.end_range {
            raw.push(end, OPERATOR);
        }
    }
    if let Some(script) = ins.script() {
        bash(script, raw);
    }
    for inner in [ins.onbuild(), ins.healthcheck_cmd()].into_iter().flatten() {
        instruction(doc, inner, raw);
    }
}

const BASH_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "in", "esac", "for", "while", "until", "do", "done", "function",
    "select", "export", "local", "declare", "readonly", "typeset", "unset",
];

const BASH_OPERATORS: &[&str] =
    &["&&", "||", "|", "|&", ";", ";;", "&", ">", ">>", "<", "&>", "&>>", ">&", "<&", ">|", "<<<", "!", "<<", "<<-"];

fn bash(script: &ShellScript, raw: &mut Collector) {
    let mut push = |(start, end): (usize, usize), ty: u32| {
        for piece in source_pieces(script, start, end) {
            raw.push(piece, ty);
        }
    };
    let mut cursor = script.tree.walk();
    for_each_node(script.tree.root_node(), |node| {
        let kind = node.kind();
        let ty = if node.is_named() {
            match kind {
                "command_name" => Some(COMMAND),
                "string" | "raw_string" | "ansi_c_string" | "translated_string" => Some(STRING),
                "simple_expansion" | "expansion" | "variable_name" => Some(VARIABLE),
                "comment" => Some(COMMENT),
                "number" | "file_descriptor" => Some(NUMBER),
                "test_operator" => Some(OPERATOR),
                // Options are words of a command that start with `-`: found
                // from the command, as a node's parent is a walk from the root.
                "command" => {
                    for arg in node.children(&mut cursor) {
                        if arg.kind() == "word" && script.text.as_bytes().get(arg.start_byte()) == Some(&b'-') {
                            push((arg.start_byte(), arg.end_byte()), FLAG);
                        }
                    }
                    None
                }
                _ => None,
            }
        } else if BASH_KEYWORDS.contains(&kind) {
            Some(KEYWORD)
        } else if BASH_OPERATORS.contains(&kind) {
            Some(OPERATOR)
        } else {
            None
        };
        if let Some(ty) = ty {
            push((node.start_byte(), node.end_byte()), ty);
        }
    });
}

/// The Dockerfile ranges a logical script range comes from (one per segment
/// it touches: continuations and dropped comment lines fall in between).
fn source_pieces(script: &ShellScript, start: usize, end: usize) -> impl Iterator<Item = TextRange> + '_ {
    let first = script.segments.partition_point(|s| s.logical + s.len <= start);
    script.segments[first..].iter().take_while(move |s| s.logical < end).filter_map(move |s| {
        let from = start.max(s.logical);
        let to = end.min(s.logical + s.len);
        (from < to).then(|| TextRange::new(s.source + (from - s.logical), s.source + (to - s.logical)))
    })
}

/// Remove overlaps: a token nested in another wins over it (the outer one is
/// cut around it); among equal ranges the one pushed last wins.
fn flatten(mut raw: Vec<Token>) -> Vec<Token> {
    raw.sort_by_key(|t| (t.start, Reverse(t.end)));
    let mut out = Vec::with_capacity(raw.len());
    // Open tokens and how far each has been emitted.
    let mut stack: Vec<(Token, usize)> = Vec::new();
    let emit = |out: &mut Vec<Token>, t: Token, from: usize, to: usize| {
        if from < to {
            out.push(Token { start: from, end: to, ..t });
        }
    };
    let close_until = |stack: &mut Vec<(Token, usize)>, out: &mut Vec<Token>, at: usize| {
        while let Some(&(top, pos)) = stack.last() {
            if top.end > at {
                break;
            }
            emit(out, top, pos, top.end);
            stack.pop();
            if let Some(parent) = stack.last_mut() {
                parent.1 = parent.1.max(top.end);
            }
        }
    };
    for mut t in raw {
        close_until(&mut stack, &mut out, t.start);
        if let Some((parent, pos)) = stack.last_mut() {
            t.end = t.end.min(parent.end);
            t.start = t.start.max(*pos);
            if t.start >= t.end {
                continue;
            }
            emit(&mut out, *parent, *pos, t.start);
            *pos = t.start;
        }
        stack.push((t, t.start));
    }
    close_until(&mut stack, &mut out, usize::MAX);
    out.sort_by_key(|t| t.start);
    // Pieces of one kind that touch are one token (`$` + `HOME`).
    let mut merged: Vec<Token> = Vec::with_capacity(out.len());
    for t in out {
        match merged.last_mut() {
            Some(last) if last.end == t.start && last.ty == t.ty && last.mods == t.mods => last.end = t.end,
            _ => merged.push(t),
        }
    }
    merged
}

/// One token per line; blank pieces dropped.
fn split_lines(text: &str, tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let mut start = t.start;
        let slice = &text[t.start.min(text.len())..t.end.min(text.len())];
        let mut push = |from: usize, to: usize| {
            let piece = &text[from..to];
            let trimmed_end = from + piece.trim_end_matches(['\r', ' ', '\t']).len();
            if !text[from..trimmed_end].trim().is_empty() {
                out.push(Token { start: from, end: trimmed_end, ..t });
            }
        };
        // Every line terminator (`\n`, `\r\n`, a lone `\r`) ends a piece.
        for (i, _) in slice.match_indices(['\n', '\r']) {
            push(start, t.start + i);
            start = t.start + i + 1;
        }
        push(start, t.end.min(text.len()));
    }
    out
}

/// The LSP's relative encoding, columns in `unit`. Tokens come in order, so
/// one cursor walks the text once instead of a line lookup per token.
pub fn encode(doc: &Document, tokens: &[Token], unit: ColumnUnit) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut at = TextCursor::new(doc.text(), unit);
    let (mut line, mut col) = (0u32, 0u32);
    for t in tokens {
        let (start, end) = match at.advance_to(t.start) {
            Some(start) => (start, at.advance_to(t.end).unwrap_or(start)),
            // Out of order (never, by construction): look it up.
            None => {
                (doc.line_index.position(doc.text(), t.start, unit), doc.line_index.position(doc.text(), t.end, unit))
            }
        };
        if end.line != start.line || end.column <= start.column {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.column - col } else { start.column };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.column - start.column,
            token_type: t.ty,
            token_modifiers_bitset: t.mods,
        });
        line = start.line;
        col = start.column;
    }
    out
}

/// A position moving forward through a text, counting lines and columns.
struct TextCursor<'a> {
    text: &'a str,
    unit: ColumnUnit,
    offset: usize,
    position: Position,
}

impl<'a> TextCursor<'a> {
    fn new(text: &'a str, unit: ColumnUnit) -> Self {
        TextCursor { text, unit, offset: 0, position: Position { line: 0, column: 0 } }
    }

    /// Move to `offset` (clamped to the text and to a character start);
    /// `None` when that is behind the cursor.
    fn advance_to(&mut self, offset: usize) -> Option<Position> {
        let mut to = offset.min(self.text.len());
        while !self.text.is_char_boundary(to) {
            to -= 1;
        }
        let passed = self.text.get(self.offset..to)?;
        // Line breaks, as `LineIndex` counts them: each `\n`, and each `\r`
        // not followed by one.
        let bytes = self.text.as_bytes();
        let mut breaks = 0u32;
        let mut last_end = None;
        for (i, b) in passed.bytes().enumerate() {
            let at = self.offset + i;
            if b == b'\n' || (b == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
                breaks += 1;
                last_end = Some(i + 1);
            }
        }
        match last_end {
            Some(last_end) => {
                self.position.line += breaks;
                self.position.column = width(&passed[last_end..], self.unit);
            }
            None => self.position.column += width(passed, self.unit),
        }
        self.offset = to;
        Some(self.position)
    }
}

/// How many columns `text` spans in `unit`.
fn width(text: &str, unit: ColumnUnit) -> u32 {
    let n = match unit {
        ColumnUnit::Utf8 => text.len(),
        _ if text.is_ascii() => text.len(),
        ColumnUnit::Utf16 => text.encode_utf16().count(),
        ColumnUnit::Char => text.chars().count(),
    };
    n as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> Vec<(String, &'static str)> {
        let doc = Document::parse(text);
        tokens(&doc, None)
            .into_iter()
            .map(|t| (text[t.start..t.end].to_string(), TYPES[t.ty as usize].as_str()))
            .collect()
    }

    #[test]
    fn nested_tokens_cut_the_outer_one() {
        let t = named("ARG V=1\nFROM python:${V}-slim AS build\n# hadolint ignore=DL3008\nRUN x\n");
        assert!(t.contains(&("# hadolint ignore=".into(), "comment")), "{t:?}");
        assert!(t.contains(&("DL3008".into(), "macro")), "{t:?}");
        assert!(t.contains(&("python:".into(), "type")), "{t:?}");
        assert!(t.contains(&("${V}".into(), "variable")), "{t:?}");
        assert!(t.contains(&("-slim".into(), "type")), "{t:?}");
        assert!(t.contains(&("AS".into(), "keyword")), "{t:?}");
        assert!(t.contains(&("build".into(), "class")), "{t:?}");
    }

    #[test]
    fn bash_tokens_follow_continuations_and_heredocs() {
        let text =
            "FROM a\nRUN apt-get update \\\n    && echo \"$HOME\" | tee x\nRUN <<EOF\nif true; then ls -la; fi\nEOF\n";
        let t = named(text);
        assert!(t.contains(&("apt-get".into(), "function")), "{t:?}");
        assert!(t.contains(&("&&".into(), "operator")), "{t:?}");
        assert!(t.contains(&("$HOME".into(), "variable")), "{t:?}");
        assert!(t.contains(&("if".into(), "keyword")), "{t:?}");
        assert!(t.contains(&("-la".into(), "parameter")), "{t:?}");
        assert!(t.iter().all(|(s, _)| !s.contains('\n')));
    }

    #[test]
    fn encoding_counts_columns_in_every_unit() {
        let text = "FROM a AS é中😀\n# é中😀 \u{1F600}x\nLABEL k=\"é😀\" 中=v\r\nRUN echo é && ls -l 😀 \\\n  -a\n";
        let doc = Document::parse(text);
        let found = tokens(&doc, None);
        assert!(found.len() > 8, "{found:?}");
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            // The same tokens, each looked up on its own.
            let mut expected = Vec::new();
            let (mut line, mut col) = (0, 0);
            for t in &found {
                let start = doc.line_index.position(text, t.start, unit);
                let end = doc.line_index.position(text, t.end, unit);
                let delta_line = start.line - line;
                let delta_start = if delta_line == 0 { start.column - col } else { start.column };
                expected.push((delta_line, delta_start, end.column - start.column, t.ty));
                (line, col) = (start.line, start.column);
            }
            let got: Vec<_> = encode(&doc, &found, unit)
                .into_iter()
                .map(|s| (s.delta_line, s.delta_start, s.length, s.token_type))
                .collect();
            assert_eq!(got, expected, "{unit:?}");
        }
    }
}
