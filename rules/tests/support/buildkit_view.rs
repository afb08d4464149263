//! What the build sees of a Dockerfile, read the way BuildKit reads it and
//! written without any of the formatter's code: lines split, parser
//! directives read, continuation lines joined (the escape character
//! honoured, comment and blank lines inside an instruction dropped, the
//! leading blanks of a continuation line kept), heredoc bodies read after
//! the joined line, and each logical instruction split into its keyword,
//! flags and arguments. Two files whose views are equal build the same.
//!
//! Arguments are compared as BuildKit uses them: a JSON array as the decoded
//! strings; ENV/LABEL in the legacy `key value` form, MAINTAINER and unknown
//! instructions as their raw text; a shell-form RUN/CMD/ENTRYPOINT as the
//! shape of its tree-sitter-bash tree (every node kind, every leaf's text),
//! so blanks between shell tokens do not count but everything else does;
//! every other instruction as its words (split on blanks outside quotes).

use tree_sitter::{Node, Parser};

#[derive(Debug, PartialEq, Eq)]
pub struct View {
    pub directives: Vec<(String, String)>,
    pub instructions: Vec<Logical>,
    /// Comment lines between instructions, trimmed.
    pub comments: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Logical {
    pub keyword: String,
    pub flags: Vec<String>,
    pub args: Args,
    pub heredocs: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Args {
    Json(Vec<String>),
    Words(Vec<String>),
    Raw(String),
    /// Pre-order (kind, text of leaves) of the bash tree.
    Shell(Vec<(String, String)>),
    /// ONBUILD's and HEALTHCHECK's instruction.
    Inner(Box<Logical>),
    /// ENV/LABEL `key value`: the key and the value as written.
    Legacy(String, String),
}

const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

pub fn view(text: &str) -> View {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut escape = '\\';
    let mut directives = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((name, value)) = directive(lines[i]) else { break };
        if !DIRECTIVES.contains(&name.as_str()) {
            break;
        }
        if name == "escape" && (value == "`" || value == "\\") {
            escape = value.chars().next().unwrap();
        }
        directives.push((name, value));
        i += 1;
    }
    let mut instructions = Vec::new();
    let mut comments = Vec::new();
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') {
            comments.push(trimmed.to_string());
            continue;
        }
        let mut logical = String::new();
        let mut current = line;
        loop {
            match strip_continuation(current, escape) {
                Some(head) => {
                    logical.push_str(head);
                    // Comment and blank lines inside an instruction are dropped.
                    while i < lines.len() && (lines[i].trim().is_empty() || lines[i].trim_start().starts_with('#')) {
                        i += 1;
                    }
                    if i >= lines.len() {
                        break;
                    }
                    current = lines[i];
                    i += 1;
                }
                None => {
                    logical.push_str(current);
                    break;
                }
            }
        }
        let logical = logical.trim();
        let mut ins = instruction(logical, escape);
        for marker in heredoc_markers(&ins, logical) {
            let mut body = Vec::new();
            while i < lines.len() {
                let line = lines[i];
                i += 1;
                let candidate = if marker.1 { line.trim_start_matches('\t') } else { line };
                if candidate == marker.0 {
                    break;
                }
                body.push(line);
            }
            ins.heredocs.push(body.join("\n"));
        }
        instructions.push(ins);
    }
    View { directives, instructions, comments }
}

/// `# name = value` → (lower-case name, value).
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-').unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let value = rest[name_len..].trim_start().strip_prefix('=')?;
    Some((rest[..name_len].to_ascii_lowercase(), value.trim().to_string()))
}

/// The line without its continuation (escape and trailing blanks), if it has one.
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    line.trim_end_matches([' ', '\t']).strip_suffix(escape)
}

fn instruction(logical: &str, escape: char) -> Logical {
    let (keyword, rest) = split_first_word(logical);
    let keyword = keyword.to_ascii_uppercase();
    let mut rest = rest.trim();
    let mut flags = Vec::new();
    if matches!(keyword.as_str(), "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK") {
        while rest.starts_with("--") {
            let words = words(rest, escape);
            let first = words.first().cloned().unwrap_or_default();
            rest = rest[first.len().min(rest.len())..].trim_start();
            flags.push(first);
        }
    }
    let args = match keyword.as_str() {
        _ if json_array(rest).is_some() => Args::Json(json_array(rest).unwrap()),
        "ONBUILD" => Args::Inner(Box::new(instruction(rest, escape))),
        "HEALTHCHECK" if split_first_word(rest).0.eq_ignore_ascii_case("CMD") => {
            Args::Inner(Box::new(instruction(rest, escape)))
        }
        "RUN" | "CMD" | "ENTRYPOINT" => match bash_shape(rest) {
            Some(shape) => Args::Shell(shape),
            _ => Args::Raw(rest.to_string()),
        },
        "ENV" | "LABEL" if !words(rest, escape).first().is_some_and(|w| w.contains('=')) => {
            let (key, value) = split_first_word(rest);
            Args::Legacy(key.to_string(), value.trim_start().to_string())
        }
        "MAINTAINER" => Args::Raw(rest.to_string()),
        "FROM" => Args::Words(
            words(rest, escape)
                .into_iter()
                .map(|w| if w.eq_ignore_ascii_case("as") { "AS".into() } else { w })
                .collect(),
        ),
        "ARG" | "ENV" | "LABEL" | "COPY" | "ADD" | "EXPOSE" | "VOLUME" | "USER" | "WORKDIR" | "STOPSIGNAL"
        | "SHELL" | "HEALTHCHECK" => Args::Words(words(rest, escape)),
        _ => Args::Raw(rest.to_string()),
    };
    Logical { keyword, flags, args, heredocs: Vec::new() }
}

fn split_first_word(s: &str) -> (&str, &str) {
    match s.find([' ', '\t']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// Words split on blanks outside quotes, as written.
fn words(s: &str, escape: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (_, c) if c == escape && quote != Some('\'') => {
                word.push(c);
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            (None, ' ' | '\t') => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A JSON array of strings, as BuildKit's exec form.
fn json_array(s: &str) -> Option<Vec<String>> {
    if !s.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(s).ok()
}

/// The heredoc markers of a RUN/COPY/ADD (or ONBUILD's), in order:
/// (delimiter, strip leading tabs).
fn heredoc_markers(ins: &Logical, text: &str) -> Vec<(String, bool)> {
    let keyword = match &ins.args {
        Args::Inner(inner) if ins.keyword == "ONBUILD" => inner.keyword.as_str(),
        _ => ins.keyword.as_str(),
    };
    if !matches!(keyword, "RUN" | "COPY" | "ADD") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find("<<") {
        let mut j = i + found + 2;
        i = j;
        if bytes.get(j) == Some(&b'<') {
            i = j + 1;
            continue;
        }
        let strip = bytes.get(j) == Some(&b'-');
        if strip {
            j += 1;
        }
        let quote = bytes.get(j).copied().filter(|b| *b == b'"' || *b == b'\'');
        if quote.is_some() {
            j += 1;
        }
        let start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-' || bytes[j] == b'.')
        {
            j += 1;
        }
        if j > start && (quote.is_none() || bytes.get(j).copied() == quote) {
            out.push((text[start..j].to_string(), strip));
        }
        i = j.max(i);
    }
    out
}

/// The bash tree's shape, or `None` when bash cannot read the script.
fn bash_shape(script: &str) -> Option<Vec<(String, String)>> {
    // tree-sitter-bash's scanner passes characters to C's `isdigit`, which
    // reads outside its table for code points far above U+00FF: those are
    // compared as a run of `~` of the same length (the same on both sides).
    let safe: String =
        script.chars().map(|c| if u32::from(c) > 0xFF { "~".repeat(c.len_utf8()) } else { c.to_string() }).collect();
    let script = safe.as_str();
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
    let tree = parser.parse(script, None)?;
    if tree.root_node().has_error() {
        return None;
    }
    let mut out = Vec::new();
    fn walk(node: Node<'_>, script: &str, out: &mut Vec<(String, String)>) {
        let leaf = node.child_count() == 0;
        out.push((node.kind().to_string(), if leaf { script[node.byte_range()].to_string() } else { String::new() }));
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            walk(child, script, out);
        }
    }
    walk(tree.root_node(), script, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_buildkit() {
        let a = view("FROM a\nENV A=\"x \\\n  # gone\n\n  y\"\nRUN echo  hi &&\\\n echo b\n");
        let b = view("FROM a\nENV A=\"x   y\"\nRUN echo hi && echo b\n");
        assert_eq!(a, b);
        assert_ne!(view("FROM a\nENV A=\"x \\\n y\"\n"), view("FROM a\nENV A=\"x y\"\n"));
        assert_ne!(view("FROM a\nRUN echo 'a  b'\n"), view("FROM a\nRUN echo 'a b'\n"));
        assert_ne!(view("FROM a\nENV K v  w\n"), view("FROM a\nENV K v w\n"));
        assert_eq!(view("FROM a\nCMD [\"a\",\"b\"]\n"), view("FROM a\nCMD [ \"a\", \\\n \"b\" ]\n"));
        assert_ne!(view("FROM a\nRUN <<EOF\n  x\nEOF\n"), view("FROM a\nRUN <<EOF\nx\nEOF\n"));
        assert_eq!(view("# escape=`\nFROM a\nRUN a `\n  b\n"), view("# escape=`\nFROM a\nRUN a b\n"));
    }
}
