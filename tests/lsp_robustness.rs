//! `dockside lsp` under bad input and heavy load: every request gets a
//! correct answer and the server goes on serving (checked with a follow-up
//! hover). `tests/lsp.rs` covers hover, code actions, symbols and folding on
//! unknown documents and garbage; this file covers navigation, rename,
//! workspace requests, cancellation and very large documents.

mod support;

use std::fs;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

const NAVIGATION: [&str; 4] = [
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/prepareRename",
];

fn at(uri: &str, position: Value) -> Value {
    json!({
        "textDocument": { "uri": uri },
        "position": position,
        "context": { "includeDeclaration": true },
        "newName": "X2"
    })
}

/// The server still answers: a hover on a keyword of a small document.
fn still_serving(client: &mut Client) {
    let uri = "untitled:alive";
    client.open(uri, "FROM alpine:3.19\n");
    let hover = client.hover(uri, json!({ "line": 0, "character": 1 }));
    assert!(hover_text(&hover).contains("FROM"), "{hover}");
}

/// A pull client whose documents under the returned directory are linted
/// without ShellCheck.
fn quiet_client() -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\n").unwrap();
    (Client::pull(), dir)
}

#[test]
fn navigation_on_unknown_documents_bad_positions_and_bad_params() {
    let mut client = Client::pull();
    let origin = json!({ "line": 0, "character": 0 });
    for method in NAVIGATION.iter().chain(&["textDocument/rename"]) {
        let result = client.request_ok(method, at("untitled:never-opened", origin.clone()));
        assert!(result.is_null(), "{method}: {result}");
    }
    let uri = "untitled:bounds";
    let text = "ARG V=1\nFROM alpine:$V AS a\nCOPY --from=a / /\n";
    client.open(uri, text);
    for position in [
        json!({ "line": 999, "character": 0 }),
        json!({ "line": 2, "character": 999 }),
        json!({ "line": 3, "character": 5 }),
        json!({ "line": 4_000_000_000u32, "character": 4_000_000_000u32 }),
    ] {
        for method in NAVIGATION {
            let response = client.request(method, at(uri, position.clone()));
            assert!(response.get("error").is_none(), "{method} at {position}: {response}");
            assert!(response["result"].is_null(), "{method} at {position}: {response}");
        }
        // Rename says why it cannot.
        let response = client.request("textDocument/rename", at(uri, position.clone()));
        assert_eq!(response["error"]["code"], -32602, "{position}: {response}");
        assert!(response["error"]["message"].as_str().unwrap().contains("no stage name or variable"));
    }
    // Malformed parameters are invalid-params errors, not crashes.
    for method in NAVIGATION.iter().chain(&["textDocument/rename", "workspace/diagnostic"]) {
        for params in [json!({ "textDocument": 5 }), json!([1, 2]), json!({ "position": "x" })] {
            let response = client.request(method, params.clone());
            assert_eq!(response["error"]["code"], -32602, "{method} {params}: {response}");
        }
    }
    let no_name = client.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": origin }));
    assert_eq!(no_name["error"]["code"], -32602, "{no_name}");
    let unknown = client.request("textDocument/noSuchThing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    still_serving(&mut client);
}

#[test]
fn junk_text_gets_answers_everywhere() {
    let mut client = Client::pull();
    let mut seed: u32 = 99;
    let mut next = move || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        seed >> 8
    };
    // Printable ASCII, Dockerfile punctuation, and characters of every
    // UTF-8 length (no lone surrogates: JSON cannot carry them).
    let alphabet: Vec<char> = " \n\\$${}:-=\"'`#[]<>ARGENVFROMRUNCOPY--from--mount,AS\té€😀\u{200b}\u{feff}𝄞ÿ"
        .chars()
        .chain((0x21u8..0x7f).map(char::from))
        .collect();
    let junk: String = (0..50_000).map(|_| alphabet[next() as usize % alphabet.len()]).collect();
    let uri = "untitled:junk";
    client.open(uri, &junk);
    client.pull_diagnostics(uri);
    let lines = junk.matches('\n').count() as u32 + 1;
    for _ in 0..60 {
        let position = json!({ "line": next() % lines, "character": next() % 200 });
        for method in NAVIGATION.iter().chain(&["textDocument/rename", "textDocument/hover"]) {
            let response = client.request(method, at(uri, position.clone()));
            let code = response["error"]["code"].as_i64();
            // A refused rename is fine; anything else must succeed.
            assert!(code.is_none() || code == Some(-32602), "{method} at {position}: {response}");
        }
    }
    assert!(!client.stderr().contains("panicked"), "{}", client.stderr());
    still_serving(&mut client);
}

#[test]
fn a_run_of_20000_continuation_lines_navigates_and_renames() {
    let (mut client, dir) = quiet_client();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = format!("FROM alpine:3.19\nARG N=1\nRUN echo $N{}\n", " \\\n  && echo \"${N}\"".repeat(20_000));
    client.open(&uri, &text);
    let declaration = client.pos(&text, text.find("N=1").unwrap());
    let started = Instant::now();
    let references = client.request_ok("textDocument/references", at(&uri, declaration.clone()));
    assert_eq!(references.as_array().unwrap().len(), 20_002);
    let last = &references.as_array().unwrap()[20_001]["range"];
    assert_eq!(client.offset(&text, &last["start"]), text.rfind("N}").unwrap());
    let rename = client.request_ok("textDocument/rename", at(&uri, declaration));
    let edits = rename["changes"][uri.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 20_002);
    // Applied here with one line index (the client's `apply` makes one per edit).
    let index = dockside_rules::LineIndex::new(&text);
    let offset = |p: &Value| {
        let p = dockside_rules::Position {
            line: p["line"].as_u64().unwrap() as u32,
            column: p["character"].as_u64().unwrap() as u32,
        };
        index.offset(&text, p, client.unit).unwrap()
    };
    let mut renamed = text.clone();
    for e in edits.iter().rev() {
        renamed.replace_range(offset(&e["range"]["start"])..offset(&e["range"]["end"]), e["newText"].as_str().unwrap());
    }
    assert_eq!(renamed, text.replace("$N", "$X2").replace("${N}", "${X2}").replace("N=1", "X2=1"));
    eprintln!("references + rename on 20,000 continuation lines: {:?}", started.elapsed());
    still_serving(&mut client);
}

#[test]
fn a_10_mb_document_is_served() {
    let (mut client, dir) = quiet_client();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let line = "a line of data with $A and some words 0123456789\n";
    let text = format!(
        "ARG A=0\nFROM alpine:3.19 AS s\nARG A\nCOPY <<EOF /data\n{}EOF\nRUN echo \"$A\"\nCOPY --from=s /a /b\n",
        line.repeat(10 * 1024 * 1024 / line.len())
    );
    assert!(text.len() >= 10 * 1024 * 1024);
    let started = Instant::now();
    client.open(&uri, &text);
    // Other documents are served while this one is linted.
    let id = client.next_id;
    client.next_id += 1;
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic", "params": { "textDocument": { "uri": uri } } }));
    still_serving(&mut client);
    let report = client.wait_for("the diagnostics of 10 MB", |m| m["id"] == json!(id));
    let diagnostics = report["result"]["items"].as_array().unwrap().clone();
    assert_eq!(codes(&diagnostics), ["copy-from-current-stage"], "{diagnostics:?}");
    let linted = started.elapsed();
    // `$A` in the RUN leads to the stage's `ARG A`, which leads to the global.
    let use_offset = text.rfind("$A").unwrap() + 1;
    let stage_arg = text.find("ARG A\n").unwrap() + 4;
    let definition = client.request_ok("textDocument/definition", at(&uri, client.pos(&text, use_offset)));
    assert_eq!(client.offset(&text, &definition["range"]["start"]), stage_arg);
    let definition = client.request_ok("textDocument/definition", at(&uri, client.pos(&text, stage_arg)));
    assert_eq!(client.offset(&text, &definition["range"]["start"]), 4);
    let hover = client.hover(&uri, client.pos(&text, text.rfind("RUN").unwrap()));
    assert!(hover_text(&hover).contains("RUN"), "{hover}");
    let symbols = client.request_ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ARG", "s", "ARG", "COPY", "RUN", "COPY"], "flat: the client is not hierarchical");
    eprintln!("10 MB: diagnostics {linted:?}, then definition, hover, symbols {:?}", started.elapsed() - linted);
    still_serving(&mut client);
}

/// `$/cancelRequest` for a request still running answers it with -32800.
#[test]
fn a_cancelled_request_is_answered_with_request_cancelled() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A ShellCheck that takes long makes the pull slow (killed at the 5 s
    // budget); it leaves its PID behind.
    let fake = dir.path().join("slow-shellcheck");
    let pid_file = dir.path().join("pid");
    fs::write(&fake, format!("#!/bin/sh\necho $$ > '{}'\nexec sleep 15\n", pid_file.display())).unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    // The editor chooses the program (a project's config may not).
    let mut client = Client::pull_with_options(json!({ "dockside": { "shellcheck": { "path": fake } } }));
    client.open(&uri, "FROM alpine:3.19\nRUN echo $1\n");
    let id = client.next_id;
    client.next_id += 1;
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic", "params": { "textDocument": { "uri": uri } } }));
    std::thread::sleep(Duration::from_millis(300));
    client.notify("$/cancelRequest", json!({ "id": id }));
    let response = client.wait_for("the cancelled response", |m| m["id"] == json!(id));
    assert_eq!(response["error"]["code"], -32800, "{response}");
    // The answer did not wait for the lint: the slow ShellCheck it started
    // is still running (or has not even started), not stopped at its budget.
    if let Ok(pid) = fs::read_to_string(&pid_file) {
        let alive = std::process::Command::new("kill").args(["-0", pid.trim()]).status().unwrap().success();
        assert!(alive, "the answer came after ShellCheck {} was stopped at its budget", pid.trim());
    }
    still_serving(&mut client);
}

#[test]
fn requests_after_shutdown_are_invalid() {
    let mut client = Client::pull();
    let uri = "untitled:late";
    client.open(uri, "FROM alpine AS a\nCOPY --from=a / /\n");
    let response = client.request("shutdown", Value::Null);
    assert!(response.get("error").is_none(), "{response}");
    for method in NAVIGATION.iter().chain(&["textDocument/rename", "workspace/diagnostic", "textDocument/hover"]) {
        let params = if *method == "workspace/diagnostic" {
            json!({ "previousResultIds": [] })
        } else {
            at(uri, json!({ "line": 1, "character": 13 }))
        };
        let refused = client.request(method, params);
        assert_eq!(refused["error"]["code"], -32600, "{method}: {refused}");
    }
    let (status, stderr) = client.exit();
    assert!(status.success(), "{status:?}\n{stderr}");
}
