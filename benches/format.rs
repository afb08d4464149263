//! Formatter benchmark: dockside next to dockerfmt on the same files, in
//! one run, and the language server's `textDocument/formatting` latency.
//!
//! ```text
//! npm install --prefix target/peers @reteps/dockerfmt@0.5.4
//! cargo bench --bench format
//! ```
//!
//! Phases:
//!
//! - the corpus files dockerfmt formats without failing are found first (it
//!   panics on some and stops: each file is tried once on its own); every
//!   timed phase formats exactly that set;
//! - dockside in process: `Document::parse` + `format_document` + apply, on
//!   one thread and on every core (rayon, as the CLI does);
//! - the CLI: `dockside format --check FILES…` as one process;
//! - dockerfmt 0.5.4 (the Go binary from npm `@reteps/dockerfmt`):
//!   `dockerfmt FILES…` as one process, output discarded;
//! - LSP: `dockside lsp` gets a 1,100-line file and 200 `textDocument/
//!   formatting` requests one after the other (request written to answer
//!   read); p50/p90/p99.
//!
//! Each phase keeps its best of `DOCKSIDE_BENCH_RUNS` (default 5) runs; the
//! phases are interleaved round by round so load from other processes
//! touches them alike. Environment: `DOCKSIDE_CORPUS`, `DOCKERFMT` (the
//! binary), `DOCKSIDE_BIN`, `DOCKSIDE_BENCH_LSP_FILE`.

#[path = "../tests/support/frame.rs"]
mod frame;

use std::env;
use std::fs;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dockside_rules::Document;
use dockside_rules::format::{FormatOptions, apply, format_document};
use rayon::prelude::*;
use serde_json::{Value, json};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = env::var_os("DOCKSIDE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/corpus/files"));
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "Dockerfile"))
        .collect();
    files.sort();
    files
}

fn dockerfmt() -> Option<PathBuf> {
    env::var_os("DOCKERFMT").map(PathBuf::from).or_else(|| {
        let local = workspace_root().join("target/peers/node_modules/@reteps/dockerfmt-linux-x64/bin/dockerfmt");
        local.is_file().then_some(local)
    })
}

fn dockside_bin() -> PathBuf {
    env::var_os("DOCKSIDE_BIN").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target/release/dockside"))
}

fn format_one(text: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    let doc = Document::parse(body);
    format!("{bom}{}", apply(body, &format_document(&doc, &FormatOptions::default())))
}

fn time_process(program: &Path, args: &[PathBuf]) -> (Duration, bool) {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    (start.elapsed(), status.code().is_some_and(|c| c <= 1))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = env::var("DOCKSIDE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let all = corpus_files();
    let dockerfmt = dockerfmt();
    // dockerfmt stops at the first file it panics on: leave those out of every phase.
    let files: Vec<PathBuf> = match &dockerfmt {
        Some(bin) => all
            .par_iter()
            .filter(|f| {
                Command::new(bin).arg(f).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
            })
            .cloned()
            .collect(),
        None => {
            eprintln!(
                "dockerfmt not found (set DOCKERFMT or npm install --prefix target/peers @reteps/dockerfmt@0.5.4)"
            );
            all.clone()
        }
    };
    let texts: Vec<String> =
        files.iter().map(|f| String::from_utf8_lossy(&fs::read(f).unwrap()).into_owned()).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "corpus: {} files, {} formatted by dockerfmt without failing ({} bytes); {} runs, best kept",
        all.len(),
        files.len(),
        bytes,
        runs
    );

    let bin = dockside_bin();
    let mut check_args = vec![PathBuf::from("format"), PathBuf::from("--check"), PathBuf::from("--quiet")];
    check_args.extend(files.iter().cloned());
    let mut best = [Duration::MAX; 4];
    for _ in 0..runs {
        let start = Instant::now();
        let changed = texts.iter().filter(|t| format_one(t) != **t).count();
        best[0] = best[0].min(start.elapsed());
        std::hint::black_box(changed);

        let start = Instant::now();
        let changed = texts.par_iter().filter(|t| format_one(t) != **t).count();
        best[1] = best[1].min(start.elapsed());
        std::hint::black_box(changed);

        let (elapsed, ok) = time_process(&bin, &check_args);
        assert!(ok, "dockside format --check failed");
        best[2] = best[2].min(elapsed);

        if let Some(peer) = &dockerfmt {
            let (elapsed, ok) = time_process(peer, &files);
            assert!(ok, "dockerfmt failed on files it formatted one by one");
            best[3] = best[3].min(elapsed);
        }
    }
    let peer = best[3];
    let row = |name: &str, d: Duration| {
        let ratio = if peer == Duration::MAX {
            String::from("-")
        } else {
            format!("{:.1}×", peer.as_secs_f64() / d.as_secs_f64())
        };
        println!("{name:<44} {:>9.0} ms   dockerfmt ÷ this: {ratio}", ms(d));
    };
    row("dockside in process, 1 thread", best[0]);
    row(&format!("dockside in process, {} threads", rayon::current_num_threads()), best[1]);
    row("dockside format --check (CLI process)", best[2]);
    if peer != Duration::MAX {
        row("dockerfmt 0.5.4 (one process)", peer);
    }

    lsp_formatting(&bin);
}

/// 200 `textDocument/formatting` requests on a 1,100-line file.
fn lsp_formatting(bin: &Path) {
    let text = match env::var_os("DOCKSIDE_BENCH_LSP_FILE") {
        Some(path) => fs::read_to_string(path).expect("read DOCKSIDE_BENCH_LSP_FILE"),
        None => {
            let generator = workspace_root().join("../shared/tools/gen_long_dockerfile.py");
            let out = Command::new("python3").arg(&generator).args(["--min-lines", "1100"]).output().expect("python3");
            String::from_utf8(out.stdout).expect("UTF-8")
        }
    };
    let mut child = Command::new(bin)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dockside lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let mut answer = |id: i64| loop {
        let message = frame::read_message(&mut stdout).expect("the server answers");
        if message["id"] == id && message.get("method").is_none() {
            return message;
        }
    };
    let uri = "untitled:bench-Dockerfile";
    let capabilities = json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "processId": null, "rootUri": null, "capabilities": capabilities } }),
    );
    answer(1);
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri, "languageId": "dockerfile", "version": 1, "text": text } } }),
    );
    let params = json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 4, "insertSpaces": true } });
    let mut times = Vec::new();
    let mut edits = 0;
    for i in 0..220 {
        let id = 10 + i;
        let start = Instant::now();
        send(json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/formatting", "params": params }));
        let reply = answer(id);
        // The first 20 warm up (the first one builds the model).
        if i >= 20 {
            times.push(start.elapsed());
        }
        edits = reply["result"].as_array().map_or(0, Vec::len);
    }
    send(json!({ "jsonrpc": "2.0", "id": 9999, "method": "shutdown", "params": null }));
    answer(9999);
    send(json!({ "jsonrpc": "2.0", "method": "exit", "params": null }));
    let _ = child.wait();
    times.sort();
    let pct = |p: f64| ms(times[((p / 100.0 * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1]);
    println!(
        "LSP textDocument/formatting, {} lines, {edits} edits: p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms (n={})",
        text.lines().count(),
        pct(50.0),
        pct(90.0),
        pct(99.0),
        ms(*times.last().unwrap()),
        times.len()
    );
}
