//! Words: arguments made of literal text, quoted strings and `$VAR`
//! expansions, read once from the tree so rules never re-split text.

use tree_sitter::Node;

use super::MAX_NESTING;
use crate::diagnostic::TextRange;

/// One argument of an instruction (a path, a key, a value, a flag value...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The source range, continuations included.
    pub range: TextRange,
    /// The source text without line continuations (quotes and escapes kept).
    pub raw: String,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted or quoted literal text, escapes already processed.
    Literal(String),
    Expansion(Expansion),
    /// Text from a single- or double-quoted string.
    Quoted {
        double: bool,
        parts: Vec<Part>,
    },
}

/// `$NAME`, `${NAME}` or `${NAME<op><argument>}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    pub range: TextRange,
    pub name: String,
    pub name_range: TextRange,
    /// `:-`, `-`, `:+`, `+`, `:?`, `?`, `#`, `%`, `/` ...
    pub operator: Option<String>,
    pub argument: Option<Vec<Part>>,
    /// Nested inside more than [`MAX_NESTING`] expansions: its argument is
    /// kept as written and not read, so its value is unknown (the model
    /// reports it as a syntax error).
    pub too_deep: bool,
}

/// The result of expanding a word's variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// False when a variable had no known value (its raw text was kept).
    pub complete: bool,
}

impl Word {
    /// The literal value: quotes removed, escapes processed, expansions kept
    /// as written (`$VAR`).
    pub fn value(&self) -> String {
        let mut out = String::new();
        render(&self.parts, &mut out, &mut |e, out| out.push_str(&e.source_text()));
        out
    }

    /// Expand variables with `lookup` (`None` = unknown variable).
    pub fn expand(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
        let text = expand_parts(&self.parts, lookup);
        let mut complete = true;
        check_complete(&self.parts, lookup, &mut complete);
        Expanded { text, complete }
    }

    pub fn has_expansion(&self) -> bool {
        fn any(parts: &[Part]) -> bool {
            parts.iter().any(|p| match p {
                Part::Expansion(_) => true,
                Part::Quoted { parts, .. } => any(parts),
                Part::Literal(_) => false,
            })
        }
        any(&self.parts)
    }

    /// Every expansion in the word, nested ones included.
    pub fn expansions(&self) -> Vec<&Expansion> {
        fn walk<'a>(parts: &'a [Part], out: &mut Vec<&'a Expansion>) {
            for p in parts {
                match p {
                    Part::Expansion(e) => {
                        out.push(e);
                        if let Some(arg) = &e.argument {
                            walk(arg, out);
                        }
                    }
                    Part::Quoted { parts, .. } => walk(parts, out),
                    Part::Literal(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }

    /// True when the word is written entirely in quotes.
    pub fn is_quoted(&self) -> bool {
        matches!(self.parts.as_slice(), [Part::Quoted { .. }])
    }
}

impl Expansion {
    fn source_text(&self) -> String {
        let mut s = String::from("${");
        s.push_str(&self.name);
        if let Some(op) = &self.operator {
            s.push_str(op);
            if let Some(arg) = &self.argument {
                render(arg, &mut s, &mut |e, out| out.push_str(&e.source_text()));
            }
        }
        s.push('}');
        if self.operator.is_none() && self.argument.is_none() {
            return format!("${}", self.name);
        }
        s
    }
}

fn render(parts: &[Part], out: &mut String, on_expansion: &mut dyn FnMut(&Expansion, &mut String)) {
    for p in parts {
        match p {
            Part::Literal(s) => out.push_str(s),
            Part::Expansion(e) => on_expansion(e, out),
            Part::Quoted { parts, .. } => render(parts, out, on_expansion),
        }
    }
}

fn expand_parts(parts: &[Part], lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    render(parts, &mut out, &mut |e, out| expand_one(e, lookup, out));
    out
}

fn expand_one(e: &Expansion, lookup: &dyn Fn(&str) -> Option<String>, out: &mut String) {
    if e.too_deep {
        out.push_str(&e.source_text());
        return;
    }
    let value = lookup(&e.name);
    let arg = || e.argument.as_deref().map(|a| expand_parts(a, lookup)).unwrap_or_default();
    match e.operator.as_deref() {
        None => match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&e.source_text()),
        },
        Some(":-") => match value {
            Some(v) if !v.is_empty() => out.push_str(&v),
            _ => out.push_str(&arg()),
        },
        Some("-") => match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&arg()),
        },
        Some(":+") => {
            if value.is_some_and(|v| !v.is_empty()) {
                out.push_str(&arg());
            }
        }
        Some("+") => {
            if value.is_some() {
                out.push_str(&arg());
            }
        }
        Some(_) => match value {
            // Pattern operators: keep the value unmodified if known; good
            // enough for the linter, which only needs to know the shape.
            Some(v) => out.push_str(&v),
            None => out.push_str(&e.source_text()),
        },
    }
}

fn check_complete(parts: &[Part], lookup: &dyn Fn(&str) -> Option<String>, complete: &mut bool) {
    for p in parts {
        match p {
            Part::Literal(_) => {}
            Part::Quoted { parts, .. } => check_complete(parts, lookup, complete),
            Part::Expansion(e) if e.too_deep => *complete = false,
            Part::Expansion(e) => {
                let known = lookup(&e.name).is_some();
                match e.operator.as_deref() {
                    Some(":-") | Some("-") | Some(":+") | Some("+") => {
                        if let Some(arg) = &e.argument
                            && (!known || matches!(e.operator.as_deref(), Some(":+") | Some("+")))
                        {
                            check_complete(arg, lookup, complete);
                        }
                        // `${X:+y}` with X unknown: the result is unknown too.
                        if !known && matches!(e.operator.as_deref(), Some(":+") | Some("+")) {
                            *complete = false;
                        }
                    }
                    _ => {
                        if !known {
                            *complete = false;
                        }
                    }
                }
            }
        }
    }
}

/// Kinds that never carry text of their own inside a word.
fn is_trivia(kind: &str) -> bool {
    matches!(kind, "line_continuation" | "comment")
}

/// Build a [`Word`] from a word-like node (`path`, `value`, `key`, ...).
pub(crate) fn word_from_node(node: Node<'_>, text: &str, escape: char) -> Word {
    let range = TextRange::new(node.start_byte(), node.end_byte());
    // A quoted string aliased to another kind (a quoted `key`) is still quoted.
    let first = node.child(0).map(|c| c.kind());
    let parts = match first {
        Some("\"") if node.kind() != "double_quoted_string" => {
            vec![Part::Quoted { double: true, parts: dq_parts(node, text, escape, 0) }]
        }
        Some("'") if node.kind() != "single_quoted_string" => {
            // Without the continuations a quoted string may span.
            let logical = logical_text(node, text);
            let inner = logical.as_str();
            let inner = inner.strip_prefix('\'').unwrap_or(inner);
            let inner = inner.strip_suffix('\'').unwrap_or(inner);
            vec![Part::Quoted { double: false, parts: vec![Part::Literal(inner.to_string())] }]
        }
        _ => parts_of(node, text, escape, range, 0),
    };
    Word { range, raw: logical_text(node, text), parts }
}

/// The node's text without continuations and the comment lines inside them.
pub(crate) fn logical_text(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    let mut pos = node.start_byte();
    for_each_trivia(node, text, &mut |t| {
        out.push_str(&text[pos..t.start_byte().max(pos)]);
        pos = pos.max(t.end_byte());
    });
    out.push_str(&text[pos.min(node.end_byte())..node.end_byte()]);
    out
}

/// Call `f` on every continuation and comment inside `node`, in order.
pub(crate) fn for_each_trivia(node: Node<'_>, text: &str, f: &mut dyn FnMut(Node<'_>)) {
    // Both end a line: a node on one line has none, and most words are on
    // one line (walking every word's subtree was a fifth of the model build).
    if text.get(node.start_byte()..node.end_byte()).is_some_and(|t| !t.contains(['\n', '\r'])) {
        return;
    }
    walk_trivia(node, f);
}

/// A loop, not recursion: an instruction's tree can be nested as deep as
/// its text is long (`ONBUILD ONBUILD …`, `${a:-${b:-…}}`).
fn walk_trivia(node: Node<'_>, f: &mut dyn FnMut(Node<'_>)) {
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let child = cursor.node();
        if is_trivia(child.kind()) {
            f(child);
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            // The cursor never leaves `node`: at it, the walk is over.
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Every expansion in `node` nested inside more than [`MAX_NESTING`]
/// others (the outermost of each such run), which the model does not read.
pub(crate) fn too_deep_expansions(node: Node<'_>) -> Vec<TextRange> {
    let mut found = Vec::new();
    // Each nesting level takes at least `${a:-` and `}`.
    if node.byte_range().len() <= 6 * MAX_NESTING {
        return found;
    }
    let mut stack = vec![(node, 0)];
    let mut cursor = node.walk();
    while let Some((node, depth)) = stack.pop() {
        let depth = depth + usize::from(node.kind() == "expansion");
        if depth > MAX_NESTING {
            found.push(TextRange::new(node.start_byte(), node.end_byte()));
            continue;
        }
        stack.extend(node.children(&mut cursor).map(|child| (child, depth)));
    }
    found.sort_by_key(|r| r.start);
    found
}

/// `depth`: how many expansions enclose `node`.
fn parts_of(node: Node<'_>, text: &str, escape: char, range: TextRange, depth: usize) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut pos = range.start;
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    if children.is_empty() {
        push_literal(&mut parts, &unescape(&text[range.as_range()], escape));
        return parts;
    }
    for child in children {
        if child.start_byte() > pos {
            push_literal(&mut parts, &unescape(&text[pos..child.start_byte()], escape));
        }
        match child.kind() {
            "expansion" => parts.push(Part::Expansion(expansion_from_node(child, text, escape, depth + 1))),
            "double_quoted_string" => {
                parts.push(Part::Quoted { double: true, parts: dq_parts(child, text, escape, depth) })
            }
            "single_quoted_string" => {
                // Without the continuations a quoted string may span.
                let logical = logical_text(child, text);
                let inner = logical.as_str();
                let inner = inner.strip_prefix('\'').unwrap_or(inner);
                let inner = inner.strip_suffix('\'').unwrap_or(inner);
                parts.push(Part::Quoted { double: false, parts: vec![Part::Literal(inner.to_string())] });
            }
            kind if is_trivia(kind) => {}
            // A container inside the word (`image_name`, `mount_value`...).
            _ if child.named_child_count() > 0 => {
                for part in parts_of(child, text, escape, TextRange::new(child.start_byte(), child.end_byte()), depth) {
                    match part {
                        Part::Literal(s) => push_literal(&mut parts, &s),
                        other => parts.push(other),
                    }
                }
            }
            _ => push_literal(&mut parts, &unescape(&text[child.start_byte()..child.end_byte()], escape)),
        }
        pos = child.end_byte();
    }
    if pos < range.end {
        push_literal(&mut parts, &unescape(&text[pos..range.end], escape));
    }
    parts
}

fn dq_parts(node: Node<'_>, text: &str, escape: char, depth: usize) -> Vec<Part> {
    let mut parts = Vec::new();
    let start = node.start_byte() + 1;
    let end = if node.end_byte() > start && text.as_bytes()[node.end_byte() - 1] == b'"' {
        node.end_byte() - 1
    } else {
        node.end_byte()
    };
    let mut pos = start;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.start_byte() < start || child.end_byte() > end {
            continue;
        }
        match child.kind() {
            "expansion" => {
                if child.start_byte() > pos {
                    push_literal(&mut parts, &unescape_dq(&text[pos..child.start_byte()], escape));
                }
                parts.push(Part::Expansion(expansion_from_node(child, text, escape, depth + 1)));
                pos = child.end_byte();
            }
            kind if is_trivia(kind) => {
                if child.start_byte() > pos {
                    push_literal(&mut parts, &unescape_dq(&text[pos..child.start_byte()], escape));
                }
                pos = child.end_byte();
            }
            _ => {}
        }
    }
    if end > pos {
        push_literal(&mut parts, &unescape_dq(&text[pos..end], escape));
    }
    parts
}

/// `depth`: how deeply the expansion is nested (1 for an outermost one).
fn expansion_from_node(node: Node<'_>, text: &str, escape: char, depth: usize) -> Expansion {
    let name_node = node.child_by_field_name("name");
    let name = name_node.map(|n| text[n.byte_range()].to_string()).unwrap_or_default();
    let name_range =
        name_node.map_or(TextRange::empty(node.start_byte()), |n| TextRange::new(n.start_byte(), n.end_byte()));
    let operator = node.child_by_field_name("operator").map(|n| text[n.byte_range()].to_string());
    let too_deep = depth > MAX_NESTING;
    let argument = node.child_by_field_name("argument").map(|n| {
        if too_deep {
            vec![Part::Literal(text[n.byte_range()].to_string())]
        } else {
            parts_of(n, text, escape, TextRange::new(n.start_byte(), n.end_byte()), depth)
        }
    });
    Expansion {
        range: TextRange::new(node.start_byte(), node.end_byte()),
        name,
        name_range,
        operator,
        argument,
        too_deep,
    }
}

fn push_literal(parts: &mut Vec<Part>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Part::Literal(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(Part::Literal(s.to_string()));
    }
}

/// Unquoted text: the escape character makes the next character literal.
pub(crate) fn unescape(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            match chars.next() {
                Some(n) => out.push(n),
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Inside double quotes only `"`, `$`, the escape character itself (and a
/// newline) can be escaped.
fn unescape_dq(s: &str, escape: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == escape {
            match chars.peek() {
                Some(&n) if n == '"' || n == '$' || n == escape => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decode the text between the quotes of a JSON string: by serde_json
/// (surrogate pairs make one character) when it is valid JSON, else
/// leniently, as far as it goes (an unknown escape keeps its character, a
/// bad `\u` becomes U+FFFD).
pub(crate) fn decode_json_string(s: &str) -> String {
    if let Ok(decoded) = serde_json::from_str::<String>(&format!("\"{s}\"")) {
        return decoded;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{fffd}'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode_json_string;
    use crate::Document;

    #[test]
    fn json_strings_decode_as_json_does() {
        // A surrogate pair is one character, not two replacement characters.
        assert_eq!(decode_json_string(r#"\ud83d\ude00 \u00e9\n\"\\"#), "😀 é\n\"\\");
        // Not valid JSON: decoded as far as it goes.
        assert_eq!(decode_json_string(r"a\qb \ud800"), "aqb \u{fffd}");
    }

    #[test]
    fn exec_form_strings_may_span_continuations() {
        let doc = Document::parse("FROM alpine:3.22\nCMD [\"echo\", \"a \\\n  b\", \"c\"]\n");
        let cmd = &doc.instructions[1];
        let items: Vec<&str> = cmd.json.as_ref().expect("exec form").items.iter().map(|(s, _)| s.as_str()).collect();
        // BuildKit drops the escape and the newline and keeps the next line's indentation.
        assert_eq!(items, ["echo", "a   b", "c"]);
    }
}
