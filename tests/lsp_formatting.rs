//! End-to-end tests of formatting in `dockside lsp`: document, range and
//! on-type formatting, small edits, options from config files and from the
//! editor.

mod support;

use dockside_rules::format::{FormatOptions, format};
use serde_json::{Value, json};
use support::*;

const URI: &str = "untitled:format-Dockerfile";
const MESSY: &str =
    "from alpine:3 as build\nrun  apk add curl&&\\\n  rm -rf /var/cache/apk/*\n\n\n\nCOPY  a b\nfrom scratch\n";

fn client() -> Client {
    Client::with_capabilities(json!({
        "general": { "positionEncodings": ["utf-16"] },
        "textDocument": { "diagnostic": { "dynamicRegistration": false } }
    }))
}

fn options(tab_size: u32, insert_spaces: bool) -> Value {
    json!({ "tabSize": tab_size, "insertSpaces": insert_spaces })
}

fn edits(result: Value) -> Vec<Value> {
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn initialize_announces_formatting() {
    let mut client = Client::start();
    let result = client.request_ok("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    let caps = &result["capabilities"];
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentRangeFormattingProvider"], true);
    assert_eq!(caps["documentOnTypeFormattingProvider"]["firstTriggerCharacter"], "\n");
}

#[test]
fn document_formatting_gives_small_edits_that_format_the_file() {
    let mut client = client();
    let text = format!("# é 😀\n{MESSY}");
    client.open(URI, &text);
    let result = client
        .request_ok("textDocument/formatting", json!({ "textDocument": { "uri": URI }, "options": options(4, true) }));
    let edits = edits(result);
    assert_eq!(client.apply(&text, &edits), format(&text, &FormatOptions::default()));
    // Minimal edits: none rewrites the document, untouched lines are not in any edit.
    assert!(edits.len() >= 4, "{edits:?}");
    let longest = edits.iter().map(|e| e["newText"].as_str().unwrap().len()).max().unwrap();
    assert!(longest < 40, "{edits:?}");
    assert!(edits.iter().all(|e| e["range"]["start"]["line"] != 0), "the comment line is not touched");

    // A formatted document gets no edits.
    let formatted = client.apply(&text, &edits);
    client.change(URI, 2, json!([{ "text": formatted }]));
    let result = client
        .request_ok("textDocument/formatting", json!({ "textDocument": { "uri": URI }, "options": options(4, true) }));
    assert_eq!(edits_len(&result), 0, "{result}");
}

fn edits_len(result: &Value) -> usize {
    result.as_array().map_or(0, Vec::len)
}

#[test]
fn range_formatting_touches_the_instructions_in_the_range() {
    let mut client = client();
    client.open(URI, MESSY);
    let start = MESSY.find("COPY").unwrap();
    let params = json!({
        "textDocument": { "uri": URI },
        "range": client.range(MESSY, start + 1, start + 3),
        "options": options(4, true),
    });
    let edits = edits(client.request_ok("textDocument/rangeFormatting", params));
    assert_eq!(client.apply(MESSY, &edits), MESSY.replace("COPY  a b", "COPY a b"));
}

#[test]
fn a_line_break_after_a_continuation_is_indented() {
    let mut client = client();
    let text = "FROM a\nRUN apk add curl \\\n\n";
    client.open(URI, text);
    let params = json!({
        "textDocument": { "uri": URI },
        "position": client.pos(text, text.len() - 1),
        "ch": "\n",
        "options": options(2, true),
    });
    let edits = edits(client.request_ok("textDocument/onTypeFormatting", params));
    assert_eq!(client.apply(text, &edits), "FROM a\nRUN apk add curl \\\n  \n");
}

#[test]
fn the_editor_indent_applies_unless_a_config_file_sets_one() {
    let mut client = client();
    client.open(URI, MESSY);
    let request = |client: &mut Client, uri: &str, opts: Value| {
        edits(client.request_ok("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": opts })))
    };
    let tabs = request(&mut client, URI, options(4, false));
    assert!(client.apply(MESSY, &tabs).contains("\\\n\t&& rm"), "{tabs:?}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dockside.toml"), "[format]\nindent = 3\n").unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, MESSY).unwrap();
    let uri = file_uri(&path);
    client.open(&uri, MESSY);
    let configured = request(&mut client, &uri, options(4, false));
    assert!(client.apply(MESSY, &configured).contains("\\\n   && rm"), "{configured:?}");
}
