//! Random incremental edit streams over real Dockerfiles (the shared
//! corpus): after every edit the server's diagnostics equal those of a
//! server that opened the same text fresh, and at the end of each file's
//! stream they equal what `dockside check` reports for that text. Zero
//! drift is the only passing result.
//!
//! The default run is modest; `DOCKSIDE_EDIT_FILES` (files, spread over
//! the corpus) and `DOCKSIDE_EDITS_PER_FILE` make it longer
//! (docs/reliability.md has the long run's counts). Run it with
//! `--release`.

mod support;

use std::fs;
use std::path::PathBuf;

use serde_json::{Value, json};
use support::edits::*;
use support::*;

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// A random edit of the kinds an editor sends: typing, deleting a span,
/// pasting a line from elsewhere in the file, breaking or joining lines.
fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let start = addressable_offset(rng, text);
    match rng.below(6) {
        0 => {
            let typed = ["a", " ", "-", "$", "{", "}", "\"", "\\", "=", "é", "😀", "&&", "#", ":"];
            (start, start, typed[rng.below(typed.len())].to_string())
        }
        1 => {
            let end = addressable(text, start + 1 + rng.below(40));
            (start, end.max(start), String::new())
        }
        2 => {
            // Paste a whole line from somewhere in the file.
            let from = addressable_offset(rng, text);
            let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
            let at = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (at, at, text[line_start..line_end].to_string())
        }
        3 => (start, start, ["\n", "\r\n", " \\\n", "\n\n"][rng.below(4)].to_string()),
        4 => {
            // Join this line with the next.
            match text[start..].find('\n') {
                Some(i) => {
                    let nl = start + i;
                    let from = if nl > 0 && text.as_bytes()[nl - 1] == b'\r' { nl - 1 } else { nl };
                    (from, nl + 1, " ".to_string())
                }
                None => (start, start, String::new()),
            }
        }
        _ => {
            let end = addressable(text, start + rng.below(8));
            let words = ["RUN ", "FROM alpine:3.19\n", "ENV X=1 ", "COPY . /app\n", "apt-get install -y curl ", "${X}"];
            (start, end.max(start), words[rng.below(words.len())].to_string())
        }
    }
}

/// `(rule, range)` of each diagnostic, sorted.
fn located(diagnostics: &[Value]) -> Vec<String> {
    let mut out: Vec<String> =
        diagnostics.iter().map(|d| format!("{} {} {}", d["code"], d["range"], d["message"])).collect();
    out.sort();
    out
}

/// What `dockside check --format json` reports for `path`, as LSP ranges
/// (its columns are characters, 1-based; converted with this file's line
/// model).
fn check_cli(dir: &std::path::Path, path: &std::path::Path, text: &str) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(["check", "--format", "json"])
        .arg(path)
        .current_dir(dir)
        .env("DOCKSIDE_LINT_DATE", LINT_DATE)
        .env("XDG_CONFIG_HOME", "/nonexistent/dockside-tests")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = line_starts(text);
    let to_offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize - 1;
        let column = p["column"].as_u64().unwrap() as usize - 1;
        let start = lines[line];
        text[start..].char_indices().nth(column).map_or(text.len(), |(i, _)| start + i)
    };
    let mut found: Vec<String> = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let range = lsp_range(text, to_offset(&d["range"]["start"]), to_offset(&d["range"]["end"]));
            format!("{} {} {}", d["rule"], range, d["message"])
        })
        .collect();
    found.sort();
    found
}

/// Where each line starts (`\n`, `\r\n` and a lone `\r` end a line).
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

#[test]
fn random_edit_streams_over_the_corpus_match_a_fresh_server_and_check() {
    let test = "random_edit_streams_over_the_corpus_match_a_fresh_server_and_check";
    let Some(corpus) = dockside_rules::test_env::shared_corpus(test) else { return };
    let corpus = corpus.join("files");
    let mut files: Vec<PathBuf> = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let wanted = env_count("DOCKSIDE_EDIT_FILES", 12).min(files.len());
    let per_file = env_count("DOCKSIDE_EDITS_PER_FILE", 20);
    let step = files.len() / wanted.max(1);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\n").unwrap();
    let mut edited = Client::pull();
    let mut fresh = Client::pull();
    let (mut edits, mut requests, mut files_done) = (0usize, 0usize, 0usize);
    let mut rng = Rng(0xD0C5_1DE5_7EE1_0001);
    for source in files.iter().step_by(step.max(1)).take(wanted) {
        let Ok(mut text) = fs::read_to_string(source) else { continue };
        let path = dir.path().join(format!("{}.Dockerfile", files_done));
        let uri = file_uri(&path);
        edited.open(&uri, &text);
        for version in 2..per_file as i64 + 2 {
            let (start, end, new_text) = random_edit(&mut rng, &text);
            let range = lsp_range(&text, start, end);
            text.replace_range(start..end, &new_text);
            edited.change(&uri, version, json!([{ "range": range, "text": new_text }]));
            edits += 1;
            let got = edited.pull_diagnostics(&uri);
            fresh.open(&uri, &text);
            let want = fresh.pull_diagnostics(&uri);
            fresh.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
            requests += 2;
            assert_eq!(
                located(&got),
                located(&want),
                "{}: edit {version} ({start}..{end} -> {new_text:?}) drifted; text {text:?}",
                source.display()
            );
        }
        // The end of the stream: also the command line's view of the text.
        fs::write(&path, &text).unwrap();
        let got = edited.pull_diagnostics(&uri);
        requests += 1;
        assert_eq!(located(&got), check_cli(dir.path(), &path, &text), "{}: text {text:?}", source.display());
        edited.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
        files_done += 1;
    }
    eprintln!("{files_done} files, {edits} edits, {requests} diagnostic requests: no drift");
    assert!(files_done > 0);
}
