//! Grammar tests: the corpus files under `test/corpus` (tree-sitter's format:
//! a header, the input, a `---` line, the expected tree), the freshness of
//! the generated parser, and the highlights query.

use std::path::Path;

use sha2::{Digest, Sha256};
use tree_sitter::{Node, Parser, Query};

fn parser() -> Parser {
    let mut parser = Parser::new();
    parser.set_language(&dockside_grammar::LANGUAGE.into()).unwrap();
    parser
}

struct Case {
    file: String,
    name: String,
    input: String,
    expected: String,
}

/// Split a corpus file into cases. Inputs keep their exact bytes (CRLF too).
fn read_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut cases = Vec::new();
    let mut rest = text.as_str();
    let rule = "=".repeat(80);
    let dashes = "-".repeat(80);
    while let Some(start) = rest.find(&rule) {
        let after_header_rule = &rest[start + rule.len()..];
        let name_end = after_header_rule.find(&rule).unwrap();
        let name = after_header_rule[..name_end].trim().to_string();
        let body = &after_header_rule[name_end + rule.len()..];
        // The header rule's line break, then one blank line.
        let body = body.strip_prefix("\n\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
        // The input ends with the blank line before the dashes (not part of it).
        let sep = body.find(&format!("\n{dashes}")).unwrap();
        let mut input = body[..sep + 1].to_string();
        if input.ends_with("\n\n") {
            input.pop();
        } else if input.ends_with("\n\r\n") {
            // unreachable for our files, kept for clarity
        }
        let after = &body[sep + 1 + dashes.len()..];
        let next = after.find(&rule).unwrap_or(after.len());
        cases.push(Case {
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            name,
            input,
            expected: after[..next].trim().to_string(),
        });
        rest = &after[next..];
    }
    cases
}

/// The S-expression of a tree with field names, like `tree-sitter test`.
fn sexp(node: Node<'_>, field: Option<&str>, out: &mut String) {
    if !node.is_named() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    if let Some(f) = field {
        out.push_str(f);
        out.push_str(": ");
    }
    if node.is_missing() {
        out.push_str(&format!("(MISSING {})", node.kind()));
        return;
    }
    out.push('(');
    out.push_str(node.kind());
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            sexp(cursor.node(), cursor.field_name(), out);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out.push(')');
}

/// Indent an S-expression two spaces per level, one node per line.
fn pretty(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = sexp.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                if !out.is_empty() && !out.ends_with(": ") {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                depth += 1;
                out.push('(');
            }
            ')' => {
                depth -= 1;
                out.push(')');
            }
            ' ' if chars.peek().is_some_and(|n| *n != '(') => {
                // A field name follows: start it on its own line.
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                let mut field = String::new();
                while let Some(&n) = chars.peek() {
                    chars.next();
                    field.push(n);
                    if field.ends_with(": ") {
                        break;
                    }
                }
                out.push_str(&field);
            }
            ' ' => {}
            c => out.push(c),
        }
    }
    out
}

/// `UPDATE_CORPUS=1 cargo test -p dockside-grammar`: rewrite the expected trees.
fn write_corpus(dir: &Path, cases: &[(String, String, String, String)]) {
    let rule = "=".repeat(80);
    let dashes = "-".repeat(80);
    let mut files: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
    for (file, name, input, tree) in cases {
        let out = files.entry(file).or_default();
        out.push_str(&format!("{rule}\n{name}\n{rule}\n\n{input}\n{dashes}\n\n{tree}\n\n"));
    }
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" )", ")")
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test/corpus");
    let mut parser = parser();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut updated: Vec<(String, String, String, String)> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        for case in read_cases(&file) {
            count += 1;
            let tree = parser.parse(&case.input, None).unwrap();
            let mut actual = String::new();
            sexp(tree.root_node(), None, &mut actual);
            if std::env::var_os("UPDATE_CORPUS").is_some() {
                updated.push((case.file.clone(), case.name.clone(), case.input.clone(), pretty(&actual)));
                continue;
            }
            if normalize(&actual) != normalize(&case.expected) {
                failures
                    .push(format!("{} / {}\nexpected: {}\nactual:   {}", case.file, case.name, case.expected, actual));
            }
        }
    }
    if !updated.is_empty() {
        write_corpus(&dir, &updated);
    }
    assert!(count >= 14, "corpus cases were not found ({count})");
    assert!(failures.is_empty(), "{} corpus case(s) differ:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn parser_is_generated_from_the_current_grammar() {
    let hash = format!("{:x}", Sha256::digest(dockside_grammar::GRAMMAR_JS.as_bytes()));
    assert_eq!(
        hash,
        dockside_grammar::GENERATED_FROM.trim(),
        "grammar.js changed since src/parser.c was generated: run grammar/regenerate.sh (see grammar/README.md)"
    );
}

#[test]
fn highlights_query_compiles() {
    let language = dockside_grammar::LANGUAGE.into();
    let query = Query::new(&language, dockside_grammar::HIGHLIGHTS_QUERY).expect("highlights.scm is valid");
    assert!(query.capture_names().contains(&"keyword"));
    assert!(query.capture_names().contains(&"comment"));
}

#[test]
fn node_types_lists_every_instruction() {
    for kind in ["from_instruction", "run_instruction", "heredoc_block", "image_registry", "parser_directive"] {
        assert!(dockside_grammar::NODE_TYPES.contains(&format!("\"{kind}\"")), "{kind} missing from node-types.json");
    }
}

#[test]
fn directive_is_recognised() {
    let tree = parser().parse("# syntax=docker/dockerfile:1\nFROM alpine\n", None).unwrap();
    assert_eq!(tree.root_node().child(0).unwrap().kind(), "parser_directive", "{}", tree.root_node().to_sexp());
}
