//! The layout of a shell-form script, from its tree-sitter-bash tree.
//!
//! The script is re-emitted token by token: every token is copied from the
//! Dockerfile as written (quotes, `$( )`, `$(( ))`, `${ }`, here-strings and
//! words are single tokens, continuations inside them included), and only
//! the blanks between two tokens change. Between the tokens of a command a
//! run of blanks stays one blank and no blank is added or removed; around
//! the operators of a list or pipeline (`&&`, `||`, `|`, `;`, `&`) the
//! spacing is made consistent, and the script breaks into continuation
//! lines there, one command per line. Every line break is a continuation,
//! so the script the shell sees differs only in blanks between tokens.

use tree_sitter::Node;

use super::OperatorPosition;
use super::out::{Gap, Out, width};
use crate::model::ShellScript;

/// Nodes copied as they are: nothing inside them changes.
const ATOMIC: &[&str] = &[
    "word",
    "string",
    "raw_string",
    "ansi_c_string",
    "translated_string",
    "concatenation",
    "simple_expansion",
    "expansion",
    "command_substitution",
    "process_substitution",
    "arithmetic_expansion",
    "herestring_redirect",
    "heredoc_redirect",
    "comment",
    "regex",
    "extglob_pattern",
    "number",
];

/// What goes before a token.
#[derive(Clone, Copy, Debug)]
enum Sep {
    /// The first token: nothing.
    First,
    /// Inside a command: no blank stays no blank, blanks become one blank,
    /// a continuation stays a line break (indented `depth`).
    Inline(usize),
    /// One blank (structural positions, where a blank is always allowed).
    Space(usize),
    /// No blank (before `;`), unless the source had one that cannot go.
    Attach(usize),
    /// A line break, then `depth` levels of indent.
    Break(usize),
}

impl Sep {
    fn depth(self) -> usize {
        match self {
            Sep::First => 1,
            Sep::Inline(d) | Sep::Space(d) | Sep::Attach(d) | Sep::Break(d) => d,
        }
    }
}

/// The script of one instruction and where its bytes come from.
pub(super) struct Script<'a> {
    /// What the shell sees (continuations removed), its tree and segments.
    pub script: &'a ShellScript,
    pub text: &'a str,
    pub root: Node<'a>,
    /// The Dockerfile.
    pub source: &'a str,
}

impl<'a> Script<'a> {
    pub fn new(script: &'a ShellScript, source: &'a str) -> Script<'a> {
        Script { script, text: &script.text, root: script.tree.root_node(), source }
    }

    fn source_start(&self, logical: usize) -> usize {
        self.script.source_offset(logical)
    }

    /// The Dockerfile offset just after the byte before `logical`.
    fn source_end(&self, logical: usize) -> usize {
        if logical == 0 { self.source_start(0) } else { self.script.source_offset(logical - 1) + 1 }
    }

    fn source_of(&self, node: Node<'_>) -> &str {
        &self.source[self.source_start(node.start_byte())..self.source_end(node.end_byte())]
    }
}

/// Lay out `script` into `out`, which is at the script's first column.
/// `broken`: the instruction spans lines (then its chains break too).
/// `None` when the script is not what the layout expects; nothing useful
/// is then in `out`.
pub(super) fn layout(script: &Script<'_>, out: &mut Out<'_>, multiline: bool) -> Option<()> {
    if script.root.has_error() {
        return None;
    }
    let mut writer = Writer {
        script,
        out,
        prev_end: None,
        failed: false,
        measuring: false,
        carried: Vec::new(),
        drop_comments_at: None,
    };
    let broken = multiline || {
        let width = writer.flat_width(script.root);
        width.is_none_or(|w| writer.out.col + w > writer.out.options.line_width)
    };
    writer.body_of(script.root, 1, broken, Sep::First);
    let end = script.text.trim_end().len();
    (!writer.failed && writer.prev_end.unwrap_or(0) == end).then_some(())
}

struct Writer<'w, 'a, 'o> {
    script: &'w Script<'a>,
    out: &'w mut Out<'o>,
    /// The logical end of the last token written.
    prev_end: Option<usize>,
    failed: bool,
    /// Laying out flat to measure a width: gaps are not read.
    measuring: bool,
    /// Comment lines moved up to the next line break (from the gap after an
    /// operator that starts a line, so they sit above the operator).
    carried: Vec<String>,
    /// The token whose gap's comments were carried.
    drop_comments_at: Option<usize>,
}

impl Writer<'_, '_, '_> {
    /// The width of a node laid out on one line; `None` when it cannot be
    /// (a token spans lines).
    fn flat_width(&mut self, node: Node<'_>) -> Option<usize> {
        let mut out = Out::new(self.out.options, self.out.newline, self.out.escape);
        let mut measure = Writer {
            script: self.script,
            out: &mut out,
            prev_end: None,
            failed: false,
            measuring: true,
            carried: Vec::new(),
            drop_comments_at: None,
        };
        if node.kind() == "program" {
            measure.body_of(node, 0, false, Sep::First);
        } else {
            measure.statement(node, 0, false, Sep::First);
        }
        (!measure.failed && !out.buf.contains('\n')).then(|| width(&out.buf, out.options.tab_width))
    }

    /// True when the node crosses a line in the Dockerfile.
    fn spans_lines(&self, node: Node<'_>) -> bool {
        self.script.source_of(node).contains('\n')
    }

    fn token(&mut self, node: Node<'_>, sep: Sep) {
        if self.failed {
            return;
        }
        let start = node.start_byte();
        let text = self.script.source_of(node);
        let Some(prev_end) = self.prev_end else {
            self.out.text(text);
            self.prev_end = Some(node.end_byte());
            return;
        };
        if start < prev_end {
            self.failed = true;
            return;
        }
        let logical_gap = &self.script.text[prev_end..start];
        if !logical_gap.chars().all(|c| c == ' ' || c == '\t') {
            self.failed = true;
            return;
        }
        let mut gap = if self.measuring {
            Gap::default()
        } else {
            match self.gap(prev_end, start) {
                Some(gap) => gap,
                None => {
                    self.failed = true;
                    return;
                }
            }
        };
        if self.drop_comments_at == Some(start) {
            gap.comments.clear();
            self.drop_comments_at = None;
        }
        if matches!(sep, Sep::Break(_)) && !self.carried.is_empty() {
            let mut carried = std::mem::take(&mut self.carried);
            carried.append(&mut gap.comments);
            gap.comments = carried;
        }
        // A line starting with `#` inside a continuation is a comment
        // line that the build drops: never break before such a token.
        let may_break = !text.starts_with('#');
        let empty = logical_gap.is_empty();
        if !gap.comments.is_empty() {
            if empty && !matches!(sep, Sep::Space(_) | Sep::Break(_)) || !may_break {
                // Nowhere to put the comments without adding a blank: keep
                // the gap as written.
                let from = self.script.source_end(prev_end);
                let raw = &self.script.source[from..self.script.source_start(start)];
                self.out.text(raw);
            } else {
                self.out.line_break(sep.depth(), &gap.comments);
            }
        } else {
            match sep {
                Sep::First => {}
                Sep::Inline(depth) => {
                    if empty {
                        // A continuation without blanks around it joins
                        // two pieces of one word: dropping it is the same.
                    } else if gap.line_break && may_break {
                        self.out.line_break(depth, &[]);
                    } else {
                        self.out.space();
                    }
                }
                Sep::Space(_) => self.out.space(),
                Sep::Attach(_) => {
                    let prev = self.script.text[..prev_end].chars().next_back();
                    if !empty && prev == Some('\\') {
                        self.out.space();
                    }
                }
                Sep::Break(depth) => {
                    if may_break {
                        self.out.line_break(depth, &[]);
                    } else {
                        self.out.space();
                    }
                }
            }
        }
        self.out.text(text);
        self.prev_end = Some(node.end_byte());
    }

    /// The source between two logical offsets, read as a gap.
    fn gap(&self, from: usize, to: usize) -> Option<Gap> {
        let from = self.script.source_end(from);
        let to = self.script.source_start(to);
        self.script.source.get(from..to).and_then(|g| Gap::read(g, self.out.escape))
    }

    /// Every token of a node, in order: the first after `sep`, the others
    /// as inside a command.
    fn inline(&mut self, node: Node<'_>, sep: Sep, depth: usize) {
        let mut first = Some(sep);
        self.leaves(node, &mut first, depth);
    }

    fn leaves(&mut self, node: Node<'_>, first: &mut Option<Sep>, depth: usize) {
        if node.child_count() == 0 || ATOMIC.contains(&node.kind()) {
            let sep = first.take().unwrap_or(Sep::Inline(depth + 1));
            self.token(node, sep);
            return;
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            self.leaves(child, first, depth);
        }
    }

    /// A statement at `depth`; `broken`: its enclosing block is laid out
    /// one command per line.
    fn statement(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        match node.kind() {
            "list" | "pipeline" => self.chain(node, depth, broken, sep),
            "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "compound_statement"
            | "subshell" => {
                let broken = broken && !self.measuring && self.block_breaks(node);
                self.clause(node, depth, broken, sep);
            }
            "case_statement" => {
                let broken = broken && !self.measuring && self.block_breaks(node);
                self.case(node, depth, broken, sep);
            }
            "redirected_statement" => {
                let mut cursor = node.walk();
                let mut sep = Some(sep);
                for child in node.children(&mut cursor) {
                    match sep.take() {
                        Some(first) => self.statement(child, depth, broken, first),
                        None => self.inline(child, Sep::Inline(depth + 1), depth),
                    }
                }
            }
            "negated_command" => {
                let mut cursor = node.walk();
                let mut sep = Some(sep);
                for child in node.children(&mut cursor) {
                    match sep.take() {
                        Some(first) => self.token(child, first),
                        None => self.statement(child, depth, broken, Sep::Space(depth)),
                    }
                }
            }
            "function_definition" => {
                let mut cursor = node.walk();
                let mut sep = sep;
                for child in node.children(&mut cursor) {
                    if child.kind() == "compound_statement" || child.kind() == "subshell" {
                        self.statement(child, depth, broken, sep);
                    } else {
                        self.inline(child, sep, depth);
                    }
                    sep = Sep::Inline(depth + 1);
                }
            }
            _ => self.inline(node, sep, depth),
        }
    }

    /// A block breaks when it already spans lines or does not fit.
    fn block_breaks(&mut self, node: Node<'_>) -> bool {
        if self.spans_lines(node) {
            return true;
        }
        let col = self.out.col + 1;
        self.flat_width(node).is_none_or(|w| col + w > self.out.options.line_width)
    }

    /// `a && b || c | d`: one command per line when broken.
    fn chain(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        let mut items = Vec::new();
        flatten_chain(node, &mut items);
        let mut first = Some(sep);
        for (k, &item) in items.iter().enumerate() {
            if item.is_named() {
                let sep = match first.take() {
                    Some(sep) => sep,
                    None if broken && self.operators_at_end() => Sep::Break(depth),
                    None => Sep::Space(depth),
                };
                self.statement(item, depth, broken, sep);
            } else {
                let starts_line = broken && !self.operators_at_end();
                if starts_line
                    && !self.measuring
                    && let Some(next) = items.get(k + 1)
                    && let Some(gap) = self.gap(item.end_byte(), next.start_byte())
                    && !gap.comments.is_empty()
                {
                    // `&& \ # note \ cmd`: the note goes above the operator.
                    self.carried = gap.comments;
                    self.drop_comments_at = Some(next.start_byte());
                }
                let sep = if starts_line { Sep::Break(depth) } else { Sep::Space(depth) };
                self.token(item, sep);
            }
        }
    }

    fn operators_at_end(&self) -> bool {
        self.out.options.operator_position == OperatorPosition::End
    }

    /// The statements of a program, separated by `;` and `&`.
    fn body_of(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        let mut cursor = node.walk();
        let mut next = sep;
        for child in node.children(&mut cursor) {
            next = self.body_child(child, depth, broken, next);
        }
    }

    /// One child of a statement list; returns the separator for the next.
    fn body_child(&mut self, child: Node<'_>, depth: usize, broken: bool, sep: Sep) -> Sep {
        let after_terminator = if broken { Sep::Break(depth) } else { Sep::Space(depth) };
        match child.kind() {
            ";" | ";;" => {
                self.token(child, Sep::Attach(depth));
                after_terminator
            }
            "&" => {
                self.token(child, Sep::Space(depth));
                after_terminator
            }
            // A shell comment runs to the end of the script's line: it
            // never starts a continuation line.
            "comment" => {
                self.token(child, Sep::Space(depth));
                Sep::Space(depth)
            }
            _ if child.is_named() => {
                self.statement(child, depth, broken, sep);
                Sep::Space(depth)
            }
            _ => {
                self.token(child, sep);
                Sep::Space(depth)
            }
        }
    }

    /// if/elif/else, while/until, for, `{ }`, `( )` and `do … done`: the
    /// header on one line, the body one level deeper, one statement per
    /// line when broken.
    fn clause(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        let mut cursor = node.walk();
        let mut next = sep;
        let mut in_body = false;
        let open_sep = |broken: bool| if broken { Sep::Break(depth + 1) } else { Sep::Inline(depth + 1) };
        let close_sep = if broken { Sep::Break(depth) } else { Sep::Inline(depth + 1) };
        for child in node.children(&mut cursor) {
            match child.kind() {
                "then" | "do" | "else" | "{" | "(" if !child.is_named() => {
                    self.token(child, next);
                    in_body = true;
                    next = open_sep(broken);
                }
                "fi" | "done" | "}" | ")" if !child.is_named() => {
                    self.token(child, close_sep);
                    in_body = false;
                    next = Sep::Space(depth);
                }
                "do_group" | "compound_statement" | "elif_clause" | "else_clause" => {
                    let sep = match child.kind() {
                        "elif_clause" | "else_clause" => close_sep,
                        _ => next,
                    };
                    self.clause(child, depth, broken, sep);
                    next = Sep::Space(depth);
                }
                _ if in_body => next = self.body_child(child, depth + 1, broken, next),
                // The header (a condition, a loop's words) stays on one line.
                _ => next = self.body_child(child, depth, false, next),
            }
        }
    }
}

impl Writer<'_, '_, '_> {
    /// `case x in a) …;; esac`: when broken, each pattern on a line one level
    /// deeper, its commands one more, `;;` on a line of its own.
    fn case(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        let mut cursor = node.walk();
        let mut next = sep;
        for child in node.children(&mut cursor) {
            match child.kind() {
                "case_item" => {
                    let sep = if broken { Sep::Break(depth + 1) } else { Sep::Space(depth) };
                    self.case_item(child, depth + 1, broken, sep);
                    next = Sep::Space(depth);
                }
                "esac" if !child.is_named() => {
                    self.token(child, if broken { Sep::Break(depth) } else { Sep::Space(depth) });
                }
                _ => next = self.body_child(child, depth, false, next),
            }
        }
    }

    fn case_item(&mut self, node: Node<'_>, depth: usize, broken: bool, sep: Sep) {
        let mut cursor = node.walk();
        let mut next = sep;
        let mut in_body = false;
        let body_sep = if broken { Sep::Break(depth + 1) } else { Sep::Space(depth) };
        for child in node.children(&mut cursor) {
            match child.kind() {
                ")" if !in_body && !child.is_named() => {
                    self.token(child, Sep::Inline(depth + 1));
                    in_body = true;
                    next = body_sep;
                }
                ";;" | ";&" | ";;&" if in_body && !child.is_named() => {
                    self.token(child, if broken { Sep::Break(depth + 1) } else { Sep::Attach(depth) });
                }
                _ if !in_body => {
                    self.inline(child, next, depth);
                    next = Sep::Inline(depth + 1);
                }
                _ => next = self.body_child(child, depth + 1, broken, next),
            }
        }
    }
}

/// The commands and operators of nested lists and pipelines, in order.
/// Lists nest to the left (`a && b && c` is `(a && b) && c`), as deep as
/// the chain is long, so they are walked with a stack, not recursion.
fn flatten_chain<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    let mut pending: Vec<Node<'t>> = node.children(&mut cursor).collect();
    pending.reverse();
    while let Some(next) = pending.pop() {
        if matches!(next.kind(), "list" | "pipeline") {
            let mut cursor = next.walk();
            let first = pending.len();
            pending.extend(next.children(&mut cursor));
            pending[first..].reverse();
        } else {
            out.push(next);
        }
    }
}
