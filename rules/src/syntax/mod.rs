//! The syntax adapter: text -> tree-sitter tree, incremental re-parse, and
//! positions. Never fails: broken input gives a tree with ERROR/MISSING nodes.

mod line_index;

use std::cell::RefCell;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

pub use line_index::{ColumnUnit, LineIndex, Position};

use crate::diagnostic::TextRange;

thread_local! {
    static DOCKERFILE_PARSER: RefCell<Parser> = RefCell::new(new_parser(&dockside_grammar::LANGUAGE.into()));
}

fn new_parser(language: &tree_sitter::Language) -> Parser {
    let mut parser = Parser::new();
    parser.set_language(language).expect("grammar ABI matches the tree-sitter runtime");
    parser
}

/// A Dockerfile's text with its syntax tree.
#[derive(Clone)]
pub struct SyntaxTree {
    text: String,
    tree: Tree,
}

impl std::fmt::Debug for SyntaxTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyntaxTree").field("sexp", &self.tree.root_node().to_sexp()).finish()
    }
}

impl SyntaxTree {
    pub fn parse(text: impl Into<String>) -> SyntaxTree {
        let text = text.into();
        let tree = parse_with(&text, None);
        SyntaxTree { text, tree }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    /// Replace `range` with `new_text`, then re-parse incrementally, reusing
    /// the unchanged parts of the old tree.
    pub fn edit(&mut self, range: TextRange, new_text: &str) {
        let start_position = point_at(&self.text, range.start);
        let old_end_position = point_at(&self.text, range.end);
        self.text.replace_range(range.as_range(), new_text);
        let new_end_byte = range.start + new_text.len();
        let new_end_position = point_at(&self.text, new_end_byte);
        self.tree.edit(&InputEdit {
            start_byte: range.start,
            old_end_byte: range.end,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position,
        });
        self.tree = parse_with(&self.text, Some(&self.tree));
    }

    /// Every ERROR and MISSING node, outermost first.
    pub fn syntax_errors(&self) -> Vec<SyntaxError> {
        let mut errors = Vec::new();
        if self.root().has_error() {
            collect_errors(self.root(), &self.text, &mut errors);
        }
        errors
    }
}

fn parse_with(text: &str, old: Option<&Tree>) -> Tree {
    DOCKERFILE_PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.parse(text, old).expect("no cancellation flag or timeout is set, so parsing completes")
    })
}

fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    Point { row, column }
}

/// A piece of text the grammar could not make sense of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

fn collect_errors(node: Node<'_>, text: &str, out: &mut Vec<SyntaxError>) {
    if node.is_missing() {
        let what = node.kind();
        let what = if what.chars().all(|c| c.is_ascii_punctuation()) { format!("`{what}`") } else { what.replace('_', " ") };
        let at = node.start_byte();
        out.push(SyntaxError { range: TextRange::empty(at), message: format!("expected {what}") });
        return;
    }
    if node.is_error() {
        let range = TextRange::new(node.start_byte(), node.end_byte());
        let snippet: String = text[range.as_range()].chars().take(30).collect();
        let snippet = snippet.lines().next().unwrap_or("").trim();
        let context = node.parent().map(|p| describe_context(p.kind())).unwrap_or_default();
        let message = if snippet.is_empty() {
            format!("unexpected input{context}")
        } else {
            format!("unexpected `{snippet}`{context}")
        };
        out.push(SyntaxError { range, message });
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() || child.is_missing() {
            collect_errors(child, text, out);
        }
    }
}

fn describe_context(kind: &str) -> String {
    match kind.strip_suffix("_instruction") {
        Some(instr) => format!(" in {} instruction", instr.to_ascii_uppercase()),
        None if kind == "source_file" => String::new(),
        None => format!(" in {}", kind.replace('_', " ")),
    }
}
