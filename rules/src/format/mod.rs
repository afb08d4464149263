//! The formatter: layout only, never what the build sees.
//!
//! Every piece the build reads (keywords aside, which are upper-cased) is
//! copied as written: flags, words, pairs, JSON strings, quoted text, shell
//! tokens, heredoc bodies, parser directives. Only the blanks between
//! pieces, line continuations, the indentation of continuation lines and
//! blank lines between instructions change. Instructions with syntax errors,
//! unknown instructions and regions between `# dockside format off` and
//! `# dockside format on` are kept byte for byte, and so is a shell script
//! that bash cannot read.
//!
//! The entry points return edits (byte ranges of the Document's text and
//! their new text), so an editor gets small edits; [`format`] applies them.

pub mod config;
mod instruction;
mod out;
mod shell;

use tree_sitter::Node;

use crate::diagnostic::{Edit, TextRange};
use crate::model::{Document, InstructionKind};

pub use config::{EditorDefaults, FormatConfig, options_for};

const BOM: &str = "\u{FEFF}";

/// How continuation lines are indented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indent {
    Spaces(u8),
    Tab,
}

/// Where `&&`, `||` and `|` go when a chain breaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OperatorPosition {
    /// At the start of the continuation line (`    && make`).
    #[default]
    Start,
    /// At the end of the line before (`make && \`).
    End,
}

/// The formatter's options; `dockside.toml` `[format]` and `.editorconfig`
/// set them (see `docs/formatter.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// One level of indent of continuation lines.
    pub indent: Indent,
    /// How wide a tab is when measuring lines.
    pub tab_width: usize,
    /// Shell chains longer than this break, one command per line.
    pub line_width: usize,
    pub operator_position: OperatorPosition,
    /// Blank lines kept in a row between instructions and comments.
    pub max_blank_lines: usize,
    /// A blank line before every `FROM` but the first (and before the
    /// comment lines right above it).
    pub blank_line_before_from: bool,
    /// End the file with one line break (`false`: with none).
    pub final_newline: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            indent: Indent::Spaces(4),
            tab_width: 4,
            line_width: 100,
            operator_position: OperatorPosition::Start,
            max_blank_lines: 1,
            blank_line_before_from: true,
            final_newline: true,
        }
    }
}

/// Format a whole file (a byte order mark is kept).
pub fn format(text: &str, options: &FormatOptions) -> String {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let doc = Document::parse(body);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(bom);
    out.push_str(&apply(body, &format_document(&doc, options)));
    out
}

/// The edits that format the whole document, in order, not overlapping.
pub fn format_document(doc: &Document, options: &FormatOptions) -> Vec<Edit> {
    Formatter::new(doc, options).edits(None)
}

/// The edits that format the instructions and comments `range` touches
/// (each whole), and the blank lines between them.
pub fn format_range(doc: &Document, options: &FormatOptions, range: TextRange) -> Vec<Edit> {
    Formatter::new(doc, options).edits(Some(range))
}

/// After a line break typed at `offset` that follows the escape character:
/// the edit that indents the new line as a continuation line (`None` when
/// the line before does not end with a continuation, or it is already
/// indented).
pub fn continuation_indent(doc: &Document, options: &FormatOptions, offset: usize) -> Option<Edit> {
    let text = doc.text();
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let previous = text[..line_start.checked_sub(1)?].trim_end_matches('\r');
    let previous_line = &previous[previous.rfind('\n').map_or(0, |i| i + 1)..];
    let trimmed = previous_line.trim_end_matches([' ', '\t']);
    if !trimmed.ends_with(doc.escape) || trimmed.trim_start().starts_with('#') {
        return None;
    }
    // Not inside a heredoc body, where a trailing escape is just text.
    let at = previous.len() - (previous_line.len() - trimmed.len()) - 1;
    let in_heredoc = doc
        .instructions
        .iter()
        .flat_map(|i| i.heredocs.iter().chain(i.onbuild().into_iter().flat_map(|o| o.heredocs.iter())))
        .any(|h| h.body_range.start <= at && at <= h.end_range.map_or(h.body_range.end, |r| r.end));
    if in_heredoc {
        return None;
    }
    let blanks = text[line_start..].len() - text[line_start..].trim_start_matches([' ', '\t']).len();
    let indent = match options.indent {
        Indent::Spaces(n) => " ".repeat(usize::from(n)),
        Indent::Tab => "\t".to_string(),
    };
    let range = TextRange::new(line_start, line_start + blanks);
    (text[range.as_range()] != indent).then(|| Edit::replace(range, indent))
}

/// Apply sorted, non-overlapping edits.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for edit in edits {
        out.push_str(&text[pos..edit.range.start]);
        out.push_str(&edit.new_text);
        pos = edit.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// One top-level piece of the file, on whole lines.
#[derive(Debug)]
struct Unit<'t> {
    /// From the start of its first line to the end of its last (line break
    /// excluded).
    range: TextRange,
    kind: UnitKind<'t>,
}

#[derive(Debug)]
enum UnitKind<'t> {
    Directive,
    Comment,
    Instruction(Node<'t>),
    /// Kept byte for byte.
    Verbatim,
}

struct Formatter<'a> {
    doc: &'a Document,
    text: &'a str,
    options: &'a FormatOptions,
    newline: &'static str,
    context: instruction::Context<'a>,
}

impl<'a> Formatter<'a> {
    fn new(doc: &'a Document, options: &'a FormatOptions) -> Formatter<'a> {
        let text = doc.text();
        let newline = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let shell_changed =
            doc.instructions.iter().any(|i| {
                i.kind == InstructionKind::Shell || i.onbuild().is_some_and(|o| o.kind == InstructionKind::Shell)
            }) || doc.comments.iter().any(|c| c.text.contains("shell="));
        // A Windows base image runs CMD/ENTRYPOINT through cmd, not a POSIX shell.
        let windows_base = doc.stages.iter().any(|s| s.has_windows_image(doc));
        let posix_commands = doc.escape == '\\'
            && !shell_changed
            && !windows_base
            && doc.instructions.iter().all(|i| i.windows_script().is_none());
        Formatter { doc, text, options, newline, context: instruction::Context { source: text, posix_commands } }
    }

    fn edits(&self, only: Option<TextRange>) -> Vec<Edit> {
        let tree = self.doc.syntax().tree().clone();
        let units = self.units(tree.root_node());
        let mut edits = Vec::new();
        let start = if self.text.starts_with(BOM) { BOM.len() } else { 0 };
        let selected = |unit: &Unit<'_>| only.is_none_or(|r| unit.range.start <= r.end && r.start <= unit.range.end);
        let mut first_from_seen = false;
        let mut previous_end = start;
        for (i, unit) in units.iter().enumerate() {
            // What goes before the unit: nothing at the start of the file,
            // else a line break and the blank lines kept.
            let gap = TextRange::new(previous_end, unit.range.start);
            let separator = if i == 0 {
                let keep_one = self.looks_like_directive(unit) && self.text[gap.as_range()].contains('\n');
                if keep_one { self.newline.to_string() } else { String::new() }
            } else {
                let blank_lines = self.text[gap.as_range()].matches('\n').count().saturating_sub(1);
                let mut keep = blank_lines.min(self.options.max_blank_lines);
                let previous_is_directive = units[..i].iter().all(|u| matches!(u.kind, UnitKind::Directive));
                if previous_is_directive && blank_lines > 0 && self.looks_like_directive(unit) {
                    // A blank line is what makes this a comment, not a directive.
                    keep = keep.max(1);
                }
                if self.options.blank_line_before_from && first_from_seen && self.starts_stage(&units, i) {
                    keep = keep.max(1);
                }
                self.newline.repeat(1 + keep)
            };
            if (i == 0 || selected(&units[i - 1])) && selected(unit) {
                self.push_edit(&mut edits, gap, separator);
            }
            if selected(unit) {
                let formatted = self.unit_text(unit);
                self.push_edit(&mut edits, unit.range, formatted);
            }
            if let UnitKind::Instruction(node) = unit.kind
                && node.kind() == "from_instruction"
            {
                first_from_seen = true;
            }
            previous_end = unit.range.end;
        }
        let tail = TextRange::new(previous_end, self.text.len());
        if only.is_none() || units.last().is_none_or(selected) {
            let end = if self.options.final_newline && !units.is_empty() { self.newline } else { "" };
            self.push_edit(&mut edits, tail, end.to_string());
        }
        edits
    }

    fn push_edit(&self, edits: &mut Vec<Edit>, range: TextRange, new_text: String) {
        if self.text[range.as_range()] != new_text {
            edits.push(Edit::replace(range, new_text));
        }
    }

    fn unit_text(&self, unit: &Unit<'_>) -> String {
        let source = &self.text[unit.range.as_range()];
        match unit.kind {
            UnitKind::Directive | UnitKind::Verbatim => source.to_string(),
            UnitKind::Comment => source.trim_matches([' ', '\t', '\r']).to_string(),
            UnitKind::Instruction(node) => self.instruction_text(node).unwrap_or_else(|| source.to_string()),
        }
    }

    fn instruction_text(&self, node: Node<'_>) -> Option<String> {
        let index = self.doc.instructions.partition_point(|i| i.range.start < node.start_byte());
        let ins = self.doc.instructions.get(index).filter(|i| i.range.start == node.start_byte())?;
        let mut out = out::Out::new(self.options, self.newline, self.doc.escape);
        instruction::format(&self.context, node, ins, &mut out)?;
        Some(out.buf)
    }

    /// True for a comment line that a parser would read as a directive if
    /// nothing came before it.
    fn looks_like_directive(&self, unit: &Unit<'_>) -> bool {
        if !matches!(unit.kind, UnitKind::Comment | UnitKind::Verbatim | UnitKind::Directive) {
            return false;
        }
        let line = self.text[unit.range.as_range()].trim_start();
        let Some(rest) = line.strip_prefix('#') else { return false };
        let rest = rest.trim_start();
        let name_len =
            rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-').len();
        name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    }

    /// Unit `i` is a FROM, or the first of the comment lines right above one.
    fn starts_stage(&self, units: &[Unit<'_>], i: usize) -> bool {
        let attached = |a: &Unit<'_>, b: &Unit<'_>| self.text[a.range.end..b.range.start].matches('\n').count() == 1;
        let mut j = i;
        while matches!(units[j].kind, UnitKind::Comment) {
            if j + 1 >= units.len() || !attached(&units[j], &units[j + 1]) {
                return false;
            }
            j += 1;
        }
        let is_from = matches!(units[j].kind, UnitKind::Instruction(n) if n.kind() == "from_instruction");
        let first_of_group =
            i == 0 || !matches!(units[i - 1].kind, UnitKind::Comment) || !attached(&units[i - 1], &units[i]);
        is_from && first_of_group
    }

    /// The file's top-level pieces, each on whole lines; pieces that share a
    /// line (an instruction and a syntax error after it) are merged and kept
    /// as written.
    fn units<'t>(&self, root: Node<'t>) -> Vec<Unit<'t>> {
        let mut units: Vec<Unit<'t>> = Vec::new();
        let mut cursor = root.walk();
        for node in root.children(&mut cursor) {
            let range = self.line_span(node.start_byte(), node.end_byte());
            let kind = match node.kind() {
                "parser_directive" => UnitKind::Directive,
                "comment" => UnitKind::Comment,
                "unknown_instruction" => UnitKind::Verbatim,
                kind if kind.ends_with("_instruction") && !node.has_error() => UnitKind::Instruction(node),
                _ => UnitKind::Verbatim,
            };
            match units.last_mut() {
                Some(last) if range.start < last.range.end || range.start == last.range.start => {
                    last.range = last.range.cover(range);
                    last.kind = UnitKind::Verbatim;
                }
                _ => units.push(Unit { range, kind }),
            }
        }
        // Instructions with errors found by the model (arguments BuildKit
        // rejects) stay as written.
        for unit in &mut units {
            if matches!(unit.kind, UnitKind::Instruction(_))
                && self
                    .doc
                    .syntax_errors
                    .iter()
                    .any(|e| e.range.start <= unit.range.end && unit.range.start <= e.range.end)
            {
                unit.kind = UnitKind::Verbatim;
            }
        }
        self.apply_pragmas(units)
    }

    /// `# dockside format off` … `# dockside format on` (or the end of the
    /// file): one verbatim unit.
    fn apply_pragmas<'t>(&self, units: Vec<Unit<'t>>) -> Vec<Unit<'t>> {
        let mut out: Vec<Unit<'t>> = Vec::with_capacity(units.len());
        let mut off: Option<Unit<'t>> = None;
        for unit in units {
            let pragma = match unit.kind {
                UnitKind::Comment => format_pragma(&self.text[unit.range.as_range()]),
                _ => None,
            };
            match (&mut off, pragma) {
                (None, Some(false)) => off = Some(Unit { range: unit.range, kind: UnitKind::Verbatim }),
                (None, _) => out.push(unit),
                (Some(region), Some(true)) => {
                    region.range = region.range.cover(unit.range);
                    out.push(off.take().expect("in a region"));
                }
                (Some(region), _) => region.range = region.range.cover(unit.range),
            }
        }
        out.extend(off);
        out
    }

    /// From the start of the line holding `start` to the end of the line
    /// holding the last byte before `end` (its line break excluded).
    fn line_span(&self, start: usize, end: usize) -> TextRange {
        let bytes = self.text.as_bytes();
        let bom = if self.text.starts_with(BOM) { BOM.len() } else { 0 };
        let line_start = self.text[..start].rfind('\n').map_or(bom, |i| i + 1).max(bom);
        let mut end = end.max(start);
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let mut line_end = self.text[end..].find('\n').map_or(self.text.len(), |i| end + i);
        if line_end > end && bytes[line_end - 1] == b'\r' {
            line_end -= 1;
        }
        TextRange::new(line_start, line_end.max(end))
    }
}

/// `Some(false)` for `# dockside format off`, `Some(true)` for `… on`.
fn format_pragma(line: &str) -> Option<bool> {
    let rest = line.trim().strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("dockside")?.trim_start();
    let rest = rest.strip_prefix("format")?.trim_start().trim_start_matches(':').trim();
    match rest.to_ascii_lowercase().as_str() {
        "off" => Some(false),
        "on" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
