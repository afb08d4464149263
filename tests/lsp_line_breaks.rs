//! Line terminators over LSP: `\n`, `\r\n` and a lone `\r` each end a line
//! (the protocol's definition), for positions received (`didChange`) and
//! sent (diagnostics, semantic tokens, symbols, folding ranges, edits).
//!
//! Positions here come from a line model written in this file, not from
//! the engine's `LineIndex`, so a shared mistake cannot hide.

mod support;

use std::fs;

use serde_json::{Value, json};
use support::edits::*;
use support::*;

const PIECES: &[&str] = &[
    "\r",
    "\n",
    "\r\n",
    "\r\r",
    "\n\r",
    "x",
    "é",
    "😀",
    " ",
    "\\",
    "RUN echo a\r",
    "FROM alpine:3.19 AS b\r\n",
    "# note\r",
    "ENV A=1\n",
    "\"",
    "$A",
    "COPY --from=b / /\r",
    "RUN apt-get install curl\n",
];

fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let start = addressable_offset(rng, text);
    let end = match rng.below(4) {
        0 => start,
        1 => addressable_offset(rng, text).max(start),
        _ => {
            // A short deletion, often of a terminator next to the start.
            let mut end = (start + 1 + rng.below(3)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            if end > 0 && end < text.len() && text.as_bytes()[end - 1] == b'\r' && text.as_bytes()[end] == b'\n' {
                end += if rng.below(2) == 0 { 1 } else { 0 };
                if text.as_bytes()[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            end.max(start)
        }
    };
    let new_text: String = (0..rng.below(3)).map(|_| PIECES[rng.below(PIECES.len())]).collect();
    (start, end, new_text)
}

/// What a server says about the document at `uri`: diagnostics, semantic
/// tokens, symbols, folding ranges and formatting edits.
fn observe(client: &mut Client, uri: &str) -> Vec<Value> {
    let doc = json!({ "textDocument": { "uri": uri } });
    let mut seen = vec![json!(client.pull_diagnostics(uri))];
    for method in ["textDocument/semanticTokens/full", "textDocument/documentSymbol", "textDocument/foldingRange"] {
        seen.push(client.request_ok(method, doc.clone()));
    }
    let options = json!({ "tabSize": 4, "insertSpaces": true });
    seen.push(
        client.request_ok("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": options })),
    );
    seen
}

fn quiet_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\n").unwrap();
    dir
}

/// Random incremental edits to a document with lone CRs, CRLF pairs and
/// non-ASCII text, inserting and deleting `\r`, `\n` and `\r\n` (also next
/// to existing pairs, forming and breaking them): after every edit the
/// edited server answers exactly like a server that opened the same text,
/// and its diagnostics sit where the engine's findings are in this file's
/// line model.
#[test]
fn random_edits_with_lone_carriage_returns_match_a_fresh_server() {
    let dir = quiet_dir();
    let path = dir.path().join("Dockerfile");
    let uri = file_uri(&path);
    // What the server lints with: the lint date, the file's build context.
    let engine_settings = settings().for_dockerfile(&path);
    let edits: usize = std::env::var("DOCKSIDE_CR_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(150);
    let mut edited = Client::pull();
    let mut fresh = Client::pull();
    let mut text = String::from(
        "FROM alpine:3.19 AS base\rRUN apt-get install curl\r\nLABEL a=é\r# comment 😀\rRUN echo x \\\r\n  && ls\n\
         FROM base\rCOPY --from=base / /\r\r\nENV A=1\rRUN echo $A\r",
    );
    edited.open(&uri, &text);
    let mut rng = Rng(0x5EED_CAFE_F00D_D00D);
    for step in 0..edits {
        let version = step as i64 + 2;
        let (start, end, new_text) = random_edit(&mut rng, &text);
        let change = json!([{ "range": lsp_range(&text, start, end), "text": new_text }]);
        text.replace_range(start..end, &new_text);
        edited.change(&uri, version, change);

        let got = observe(&mut edited, &uri);
        fresh.open(&uri, &text);
        let want = observe(&mut fresh, &uri);
        fresh.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
        assert_eq!(got, want, "step {step}: after replacing {start}..{end} with {new_text:?}, text {text:?}");

        // The diagnostics are the engine's findings, placed by this file's line model.
        let diagnostics = got[0].as_array().unwrap();
        let mut placed: Vec<(String, Value)> = dockside_rules::check(&text, &engine_settings)
            .diagnostics
            .iter()
            .map(|d| (d.rule.name.to_string(), lsp_range(&text, d.range.start, d.range.end)))
            .collect();
        let mut published = rule_diagnostics(diagnostics);
        let key = |v: &(String, Value)| format!("{}{}", v.0, v.1);
        placed.sort_by_key(key);
        published.sort_by_key(key);
        assert_eq!(published, placed, "step {step}: text {text:?}");
    }
}

/// Ranges sent for a file with lone CRs: a diagnostic on the line after a
/// lone `\r` is on that line, and a semantic token never spans one.
#[test]
fn ranges_sent_count_lone_carriage_returns_as_line_breaks() {
    let dir = quiet_dir();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::pull();
    let text = "FROM alpine:3.19\r# a comment\rMAINTAINER me\r";
    client.open(&uri, text);
    let diagnostics = client.pull_diagnostics(&uri);
    let maintainer = find(&diagnostics, "maintainer-deprecated");
    assert_eq!(maintainer["range"]["start"], json!({ "line": 2, "character": 0 }), "{maintainer}");
    let tokens = client.request_ok("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut lines = Vec::new();
    for t in data.chunks(5) {
        line += t[0];
        col = if t[0] == 0 { col + t[1] } else { t[1] };
        lines.push((line, col, t[2]));
    }
    // The comment is one token on line 1, from column 0, as long as its text.
    assert!(lines.contains(&(1, 0, "# a comment".len() as u64)), "{lines:?}");
    assert!(lines.iter().all(|&(l, _, _)| l <= 2), "{lines:?}");
}

/// Is byte `offset` of `text` between the `\r` and the `\n` of a pair?
fn inside_pair(text: &str, offset: usize) -> bool {
    offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n')
}

/// `source.fixAll.dockside` on CRLF (and mixed, and lone-CR) files: the
/// edit neither starts nor ends inside a CRLF pair, and applying it gives
/// what `dockside check --fix` writes for the same file.
#[test]
fn fix_all_on_crlf_files_matches_check_fix() {
    let texts = [
        "FROM debian:12\r\nMAINTAINER me\r\nRUN apt-get install --no-install-recommends curl=8.5.0\r\n",
        "FROM debian:12\r\nMAINTAINER me\r\n",
        "FROM debian:12\r\nRUN apt-get install --no-install-recommends curl=8.5.0\r\nMAINTAINER me",
        "FROM debian:12\nMAINTAINER me\r\nRUN apt-get install --no-install-recommends curl=8.5.0\n\r\n",
        "FROM debian:12\r\n\r\nMAINTAINER me\r\n\r\nRUN apt-get update && apt-get install \\\r\n  --no-install-recommends curl=8.5.0\r\n",
        "FROM debian:12\rMAINTAINER me\r\nRUN apt-get install --no-install-recommends curl=8.5.0\r",
    ];
    let dir = quiet_dir();
    let mut client = Client::pull();
    for (i, text) in texts.iter().enumerate() {
        let path = dir.path().join(format!("Dockerfile.{i}"));
        fs::write(&path, text).unwrap();
        let uri = file_uri(&path);
        client.open(&uri, text);
        let range = lsp_range(text, 0, 0);
        let actions = client.code_actions(&uri, range, Some(json!(["source.fixAll.dockside"])));
        assert_eq!(actions.len(), 1, "{text:?}: {actions:?}");
        let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
        for edit in edits {
            for end in ["start", "end"] {
                let offset = client.offset(text, &edit["range"][end]);
                assert!(!inside_pair(text, offset), "{text:?}: {edit}");
                // The position names the same offset in this file's line model.
                assert_eq!(lsp_position(text, offset), edit["range"][end], "{text:?}: {edit}");
            }
        }
        let applied = client.apply_action(text, &uri, &actions[0]);

        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockside"))
            .args(["check", "--fix", "--format", "json"])
            .arg(&path)
            .current_dir(dir.path())
            .env("DOCKSIDE_LINT_DATE", LINT_DATE)
            .env("XDG_CONFIG_HOME", "/nonexistent/dockside-tests")
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
        let fixed = fs::read_to_string(&path).unwrap();
        assert_ne!(&fixed, text, "check --fix fixed something");
        assert_eq!(applied, fixed, "{text:?}");
    }
}
