//! The module layers of `dockside-rules`, and a check that they hold.
//!
//! Every top-level module of `rules/src` sits in one layer of [`LAYERS`]; a
//! module's shipped code may name (`crate::…`, `$crate::…`, or `super::…`
//! up to the crate root) only modules of lower layers, so the module graph
//! stays a DAG with the registry of rules above the rules and the config
//! loader above the registry.
//!
//! Test code is not held to the order: `#[cfg(test)]` items and files
//! declared with `#[cfg(test)] mod name;` are compiled into the test binary
//! only, and a test may well drive the engine or load a config to check a
//! lower layer. The test helpers (`test_env`, `random_edits`) sit on top, so
//! shipped code cannot lean on them; `rules/test_support.rs` is a
//! `#[cfg(test)]` file of `rules`.
//!
//! Paths through the crate root's re-exports (`crate::Document`) count as
//! the module `lib.rs` re-exports them from. The reading is textual (comments
//! and test items are cut by their lines, as rustfmt lays them out); what it
//! cannot place fails with the file and line, never passes quietly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, bottom up: each with its modules and why it sits there.
/// Modules in one layer may not import each other either.
const LAYERS: &[(&[&str], &str)] = &[
    (
        &["rule_meta", "spelling"],
        "names and kinds of rules (RuleMeta, Category, Severity): the shared vocabulary; \"did you mean\" for misspelt names",
    ),
    (&["diagnostic"], "findings and fixes as byte ranges, labelled with a RuleMeta"),
    (&["syntax"], "the tree-sitter parse and line index; errors are diagnostics"),
    (&["model"], "the Document, built once per parse from the syntax tree"),
    (&["base_images", "format"], "facts about images and the formatter: they read the model only"),
    (&["settings"], "the resolved settings rules read (no loading, no rule lookup)"),
    (&["rule"], "the Rule type, Context and declare_rule!: on the model and the settings"),
    (&["rules"], "the rule files, one per rule, each on `rule`"),
    (&["registry"], "lists every rule"),
    (&["engine"], "runs the registered rules: dispatch, suppression, fixes"),
    (&["shellcheck"], "the external ShellCheck pass beside the engine"),
    (&["config"], "loads settings from files and resolves rule names through the registry"),
    (&["pipeline"], "the one lint pipeline front-ends call: config, engine and ShellCheck"),
    (&["test_env", "random_edits"], "test helpers: for the tests of every layer, never for shipped code"),
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The layer index of each top-level module.
fn layer_of() -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for (i, (modules, _)) in LAYERS.iter().enumerate() {
        for module in *modules {
            assert!(out.insert(*module, i).is_none(), "`{module}` is listed in two layers");
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("read src dir").map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src`: `model/shell/extract.rs` is
/// `[model, shell, extract]`, `config/mod.rs` is `[config]`, `lib.rs` `[]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().expect("a file name");
    if file != "mod.rs" && file != "lib.rs" {
        parts.push(file.trim_end_matches(".rs").to_string());
    }
    parts
}

fn is_test_cfg(line: &str) -> bool {
    let line = line.trim();
    line == "#[cfg(test)]" || line.starts_with("#[cfg(all(test,")
}

/// What [`shipped_lines`] makes of a file.
struct Shipped {
    /// Each line with comments and test items blanked out (kept as empty
    /// lines, so line numbers stay).
    lines: Vec<String>,
    /// The child modules declared test-only (`#[cfg(test)] mod name;`).
    test_children: Vec<String>,
    /// The 1-based lines of `#[cfg(test)]` attributes whose item has no
    /// closing line at its own indentation.
    unclosed: Vec<usize>,
}

fn shipped_lines(text: &str) -> Shipped {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut test_children = Vec::new();
    let mut unclosed = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_test_cfg(lines[i]) {
            out.push(strip_comment(lines[i]).to_string());
            i += 1;
            continue;
        }
        // The item under the attribute: further attributes, then its first line.
        let mut item = i + 1;
        while item < lines.len() && lines[item].trim_start().starts_with("#[") {
            item += 1;
        }
        let first = lines.get(item).copied().unwrap_or("");
        let indent = &first[..first.len() - first.trim_start().len()];
        let words: Vec<&str> = first.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "mod")
            && let Some(name) = words.get(at + 1).and_then(|n| n.strip_suffix(';'))
        {
            test_children.push(name.to_string());
        }
        let mut end = item;
        if !first.trim_end().ends_with(';') {
            // A block item ends at the first line that closes it at its own indentation.
            let close = (item + 1..lines.len()).find(|&j| {
                let line = lines[j].trim_end();
                line.strip_prefix(indent).is_some_and(|rest| rest == "}" || rest == "};")
            });
            end = close.unwrap_or_else(|| {
                unclosed.push(i + 1);
                lines.len().saturating_sub(1)
            });
        }
        for _ in i..=end.min(lines.len() - 1) {
            out.push(String::new());
        }
        i = end + 1;
    }
    Shipped { lines: out, test_children, unclosed }
}

/// `line` up to a `//` comment that is not inside a string literal.
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The first segment after the crate root of every path in `line` that
/// starts at the crate root: `crate::x::…`, `$crate::x::…`, each name of a
/// `crate::{x, y::z}` group, and `super::…` chains that climb past the
/// top of `module` (the file's module path).
fn root_names(line: &str, module: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + "crate::".len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `foo_crate::`, not the crate root
        }
        if let Some(group) = after.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            names.extend(group.split(',').map(|part| ident(part.trim())).filter(|n| !n.is_empty()));
        } else {
            names.push(ident(after));
        }
    }
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            rest = &rest[at + "super::".len()..];
            continue; // counted with the chain it belongs to
        }
        let mut chain = &rest[at..];
        let mut ups = 0;
        while let Some(next) = chain.strip_prefix("super::") {
            ups += 1;
            chain = next;
        }
        rest = chain;
        if ups >= module.len() {
            let name = ident(chain);
            if !name.is_empty() && name != "*" {
                names.push(name);
            }
        }
    }
    names
}

/// What each name `lib.rs` re-exports stands for: the module it comes from.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let text: String = lib.lines().map(strip_comment).collect::<Vec<_>>().join("\n");
    for statement in text.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else { continue };
        let Some((module, items)) = path.split_once("::") else { continue };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let item = item.trim();
            let exported = item.rsplit(" as ").next().unwrap_or(item).rsplit("::").next().unwrap_or(item).trim();
            if !exported.is_empty() {
                out.insert(exported.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

/// Every import of `src` that breaks the layers, as a message naming the
/// file, the line and what it imports.
fn violations(src: &Path) -> Vec<String> {
    let layers = layer_of();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read lib.rs");
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    // Test-only files: declared `#[cfg(test)] mod name;`, and everything below them.
    let mut test_only: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    let mut shipped = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(src).expect("below src").to_path_buf();
        let module = module_path(&relative);
        let text = std::fs::read_to_string(file).expect("read source");
        let Shipped { lines, test_children, unclosed } = shipped_lines(&text);
        for line in unclosed {
            problems.push(format!(
                "{}:{line}: cannot tell where this `#[cfg(test)]` item ends (no closing line at its indentation)",
                relative.display()
            ));
        }
        test_only.extend(test_children.into_iter().map(|child| module.iter().cloned().chain([child]).collect()));
        shipped.push((relative, module, lines));
    }
    for (relative, module, lines) in shipped {
        if module.is_empty() || test_only.iter().any(|t| module.starts_with(t)) {
            continue; // lib.rs (the re-exports), or compiled for tests only
        }
        let top = module[0].as_str();
        let Some(&own) = layers.get(top) else {
            problems.push(format!(
                "{}: the module `{top}` is in no layer: add it to LAYERS in rules/tests/layers.rs",
                relative.display()
            ));
            continue;
        };
        for (n, line) in lines.iter().enumerate() {
            for name in root_names(line, &module) {
                let target = match layers.get(name.as_str()) {
                    Some(_) => name.clone(),
                    None => match reexports.get(&name) {
                        Some(module) => module.clone(),
                        None => {
                            problems.push(format!(
                                "{}:{}: `crate::{name}` is neither a layered module nor a re-export of lib.rs",
                                relative.display(),
                                n + 1
                            ));
                            continue;
                        }
                    },
                };
                if target == top {
                    continue;
                }
                let Some(&theirs) = layers.get(target.as_str()) else {
                    problems.push(format!(
                        "{}:{}: `{target}` (through `crate::{name}`) is in no layer",
                        relative.display(),
                        n + 1
                    ));
                    continue;
                };
                if theirs >= own {
                    problems.push(format!(
                        "{}:{}: `{top}` (layer {own}: {}) imports `{target}` (layer {theirs}: {}), which is not below it: `{}`",
                        relative.display(),
                        n + 1,
                        LAYERS[own].1,
                        LAYERS[theirs].1,
                        line.trim()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn no_module_imports_a_module_above_it() {
    let problems = violations(&src_dir());
    assert!(
        problems.is_empty(),
        "{} import(s) break the layers of rules/src (bottom up: {}):\n{}",
        problems.len(),
        LAYERS.iter().map(|(m, _)| m.join("+")).collect::<Vec<_>>().join(" < "),
        problems.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_layer() {
    let layers = layer_of();
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).expect("read lib.rs");
    let declared: Vec<String> = lib
        .lines()
        .filter_map(|l| l.trim().trim_start_matches("pub ").strip_prefix("mod "))
        .map(|name| name.trim_end_matches(';').to_string())
        .collect();
    assert!(declared.len() > 10, "lib.rs declares {declared:?}");
    let missing: Vec<&String> = declared.iter().filter(|m| !layers.contains_key(m.as_str())).collect();
    assert!(missing.is_empty(), "modules in no layer of rules/tests/layers.rs: {missing:?}");
    let stale: Vec<&&str> = layers.keys().filter(|m| !declared.iter().any(|d| d == *m)).collect();
    assert!(stale.is_empty(), "layers name modules lib.rs does not declare: {stale:?}");
}

/// The reader sees what it must: a made-up tree with one import of each
/// kind that breaks the layers, test code that may, and a test item whose
/// end it cannot find.
#[test]
fn an_upward_import_is_reported_with_its_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("lib.rs", "pub mod model;\npub mod registry;\npub use registry::{all_rules, find_rule as lookup};\n");
    write(
        "model/mod.rs",
        "mod inner;\n#[cfg(test)]\nmod tests;\nuse crate::diagnostic::TextRange; // fine: below\n\
         // use crate::engine::Rule; (a comment)\n\
         #[cfg(test)]\nmod cases {\n    use crate::engine::check;\n}\n",
    );
    write("model/inner.rs", "use super::super::config::Settings;\nfn g() { crate::lookup(\"x\"); }\n");
    write("model/tests.rs", "use crate::pipeline::lint;\n");
    write("syntax/mod.rs", "use crate::{diagnostic::TextRange, model::Document};\n");
    write("format/mod.rs", "#[cfg(test)]\nmod tests {\n    use crate::engine::check;\n");
    let found = violations(src);
    let want = [
        "format/mod.rs:1: cannot tell where this `#[cfg(test)]` item ends",
        "model/inner.rs:1: `model` (layer 3",
        "model/inner.rs:2: `model` (layer 3",
        "syntax/mod.rs:1: `syntax` (layer 2",
    ];
    assert_eq!(found.len(), want.len(), "{found:#?}");
    for (found, want) in found.iter().zip(want) {
        assert!(found.starts_with(want), "{found}\nshould start with {want}");
    }
    assert!(found[1].contains("imports `config`"), "{}", found[1]);
    assert!(found[2].contains("imports `registry`"), "{}", found[2]);
    assert!(found[3].contains("imports `model`") && found[3].ends_with("model::Document};`"), "{}", found[3]);
}
