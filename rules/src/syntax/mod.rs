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
            // An explicit stack: a tree can nest as deep as the text is long.
            // Each entry carries its parent and previous sibling, which
            // tree-sitter would otherwise find by a search from the root.
            let mut stack = vec![Located { node: self.root(), parent: None, before: None }];
            let mut cursor = self.root().walk();
            while let Some(at) = stack.pop() {
                if let Some(error) = error_of(&at, &self.text) {
                    errors.push(error);
                    continue;
                }
                let first = stack.len();
                let mut before = None;
                for child in at.node.children(&mut cursor) {
                    if child.has_error() || child.is_missing() {
                        stack.push(Located { node: child, parent: Some(at.node), before });
                    }
                    before = Some(child);
                }
                // Children were pushed in order; pop them in order too.
                stack[first..].reverse();
            }
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
    let before = &text.as_bytes()[..offset];
    // A byte count (vectorised), not a `char` search: this runs three
    // times per keystroke over the text before it.
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point { row, column }
}

/// A piece of text the grammar could not make sense of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// A node with its parent and previous sibling.
struct Located<'t> {
    node: Node<'t>,
    parent: Option<Node<'t>>,
    before: Option<Node<'t>>,
}

/// The error `at` is, if it is an ERROR or MISSING node.
fn error_of(at: &Located<'_>, text: &str) -> Option<SyntaxError> {
    let node = at.node;
    if node.is_missing() {
        let what = node.kind();
        let what =
            if what.chars().all(|c| c.is_ascii_punctuation()) { format!("`{what}`") } else { what.replace('_', " ") };
        let at = node.start_byte();
        return Some(SyntaxError { range: TextRange::empty(at), message: format!("expected {what}") });
    }
    if node.is_error() {
        let range = TextRange::new(node.start_byte(), node.end_byte());
        let snippet: String = text[range.as_range()].chars().take(30).collect();
        let snippet = snippet.lines().next().unwrap_or("").trim();
        let context = at.parent.map(|p| describe_context(p.kind())).unwrap_or_default();
        let mut message = if snippet.is_empty() {
            format!("unexpected input{context}")
        } else {
            format!("unexpected `{snippet}`{context}")
        };
        if let Some(expected) = at.before.and_then(expected_after) {
            message.push_str(&format!("; expected {expected}"));
        }
        return Some(SyntaxError { range, message });
    }
    None
}

/// What the grammar would have accepted where the error starts, from the
/// parse state after the node before it ("`=`, a value or end of line").
fn expected_after(before: Node<'_>) -> Option<String> {
    let language = before.language();
    let mut lookahead = language.lookahead_iterator(before.next_parse_state())?;
    let mut names: Vec<String> = lookahead.iter_names().filter_map(describe_symbol).collect();
    names.sort();
    names.dedup();
    // "end of line" reads best last.
    if let Some(i) = names.iter().position(|n| n == "end of line") {
        let eol = names.remove(i);
        names.push(eol);
    }
    match names.len() {
        0 => None,
        1 => Some(names.remove(0)),
        n if n > 6 => None,
        _ => {
            let last = names.pop()?;
            Some(format!("{} or {last}", names.join(", ")))
        }
    }
}

fn describe_symbol(name: &str) -> Option<String> {
    match name {
        "_instruction_end" | "_newline" => Some("end of line".to_string()),
        "_flag_start" => Some("`--`".to_string()),
        "_assign" => Some("`=`".to_string()),
        "end" | "ERROR" | "line_continuation" | "comment" => None,
        n if n.starts_with("_kw_") => Some(format!("`{}`", n["_kw_".len()..].to_ascii_uppercase())),
        n if n.starts_with('_') => None,
        n if !n.starts_with(|c: char| c.is_ascii_alphabetic()) => Some(format!("`{n}`")),
        n if n.chars().all(|c| c.is_ascii_uppercase()) => Some(format!("`{n}`")),
        n => Some(n.replace('_', " ")),
    }
}

fn describe_context(kind: &str) -> String {
    match kind.strip_suffix("_instruction") {
        Some(instr) => format!(" in {} instruction", instr.to_ascii_uppercase()),
        None if kind == "source_file" => String::new(),
        None => format!(" in {}", kind.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# syntax=docker/dockerfile:1\nARG BASE=debian:12\nFROM ${BASE} AS build\n\
RUN --mount=type=cache,target=/var/cache/apt apt-get update && \\\n    # comment\n    apt-get install -y curl\n\
COPY <<EOF /etc/app.conf\nkey=value\nEOF\nENV A=1 B=\"two words\"\nFROM build\nCMD [\"sh\", \"-c\", \"echo é 中 😀\"]\n";

    /// Every node's kind and byte range, in document order.
    fn shape(tree: &Tree) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        loop {
            let n = cursor.node();
            out.push((n.kind().to_string(), n.start_byte(), n.end_byte()));
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            loop {
                if !cursor.goto_parent() {
                    return out;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    #[test]
    fn incremental_reparse_equals_a_fresh_parse_after_random_edits() {
        let inserts = ["R", "\n", " ", "\\\n", "RUN x\n", "#", "\"", "$", "<<EOF\n", "é", "FROM a\n", ""];
        let mut edits = crate::random_edits::RandomEdits::new(0x5eed);
        let mut tree = SyntaxTree::parse(SAMPLE);
        for step in 0..400 {
            let (range, insert) = edits.edit(tree.text(), 6, &inserts);
            tree.edit(range, insert);
            let fresh = SyntaxTree::parse(tree.text());
            assert_eq!(shape(tree.tree()), shape(fresh.tree()), "step {step}: text {:?}", tree.text());
            if step % 50 == 49 {
                tree = SyntaxTree::parse(SAMPLE);
            }
        }
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        for (text, expected) in [
            ("FROM alpine\nENV A=\"unterminated\n", "expected `\"`"),
            ("FROM alpine\nCOPY [\"a\" \"b\"]\n", "in json array"),
            ("FROM alpine\nEXPOSE 80 \"\n", "expected `\"`"),
        ] {
            let errors = SyntaxTree::parse(text).syntax_errors();
            assert!(errors.iter().any(|e| e.message.contains(expected)), "{text:?}: {errors:?}");
        }
    }

    #[test]
    fn syntax_errors_stay_on_their_line() {
        let tree = SyntaxTree::parse("FROM alpine\nENV A=\"unterminated\nRUN echo ok\n");
        let errors = tree.syntax_errors();
        assert!(!errors.is_empty());
        let second_run = tree.text().rfind("RUN").unwrap();
        assert!(errors.iter().all(|e| e.range.end <= second_run), "{errors:?}");
    }
}
