//! Extracts each rule's documentation (the `//!` comment at the top of its
//! file under `src/rules/`) into `$OUT_DIR/rule_docs/<rule-name>.md`, which
//! `declare_rule!` embeds: the binary carries the docs, not the rule sources
//! and their tests.

use std::path::Path;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=src/rules");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rule_docs");
    fs::create_dir_all(&out).expect("create OUT_DIR/rule_docs");
    visit(Path::new("src/rules"), &out);
}

fn visit(dir: &Path, out: &Path) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            visit(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(name) = declared_name(&text) {
                fs::write(out.join(format!("{name}.md")), docs(&text)).expect("write a rule's docs");
            }
        }
    }
}

/// The `name: "…"` of the file's `declare_rule!`, if it declares a rule.
fn declared_name(text: &str) -> Option<&str> {
    let declaration = &text[text.find("\ndeclare_rule! {")?..];
    let name = declaration.split_once("name: \"")?.1;
    Some(&name[..name.find('"')?])
}

/// The leading `//!` lines, without the marker and one space.
fn docs(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("//!") {
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        } else if !out.is_empty() || !line.is_empty() {
            break;
        }
    }
    out
}
