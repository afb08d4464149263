//! The LSP test client shared by the `lsp*` end-to-end test files: the real
//! binary, JSON-RPC over stdio with Content-Length framing. Every read has a
//! deadline, so a server that stops answering fails the test instead of
//! hanging it.

// Each test file uses a subset of these helpers.
#![allow(dead_code)]

pub mod edits;
mod frame;

use std::collections::VecDeque;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use dockside_rules::{ColumnUnit, LineIndex, Settings};
use serde_json::{Value, json};

/// Generous: debug builds on a shared 2-core machine, ShellCheck processes.
pub const TIMEOUT: Duration = Duration::from_secs(30);

// ------------------------------------------------------------------ client

pub struct Client {
    pub child: Child,
    pub stdin: ChildStdin,
    pub messages: Receiver<Value>,
    /// Messages read while waiting for something else.
    pub backlog: VecDeque<Value>,
    pub stderr: Arc<Mutex<String>>,
    pub next_id: i64,
    /// The column unit the server agreed to.
    pub unit: ColumnUnit,
    /// How long a wait may last before the test fails: a guard against a
    /// hung server, not a time limit on the answer.
    pub timeout: Duration,
}

impl Client {
    pub fn start() -> Client {
        // The machine's user config (~/.config/dockside) must not change the results.
        Client::start_with_env(&[("XDG_CONFIG_HOME", "/nonexistent/dockside-tests")])
    }

    /// Start the server with these environment variables set.
    pub fn start_with_env(env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockside"))
            .arg("lsp")
            // End-of-life findings depend on the date; the fixtures are linted on a fixed one.
            .env("DOCKSIDE_LINT_DATE", LINT_DATE)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut err_pipe = child.stderr.take().expect("stderr is piped");
        let (tx, messages) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    return;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Client {
            child,
            stdin,
            messages,
            backlog: VecDeque::new(),
            stderr,
            next_id: 1,
            unit: ColumnUnit::Utf16,
            timeout: TIMEOUT,
        }
    }

    /// Start and initialize with these client capabilities.
    pub fn with_capabilities(capabilities: Value) -> Client {
        Client::with_options(capabilities, Value::Null)
    }

    /// Initialized with `capabilities` and the editor's settings as
    /// `initializationOptions` (`null`: none).
    pub fn with_options(capabilities: Value, options: Value) -> Client {
        let mut client = Client::start();
        let params = json!({
            "processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options
        });
        let result = client.request_ok("initialize", params);
        client.unit = match result["capabilities"]["positionEncoding"].as_str() {
            Some("utf-8") => ColumnUnit::Utf8,
            _ => ColumnUnit::Utf16,
        };
        client.notify("initialized", json!({}));
        client
    }

    /// A client that wants pushed diagnostics.
    pub fn push() -> Client {
        Client::with_capabilities(json!({}))
    }

    /// A client that pulls diagnostics (so none are pushed).
    pub fn pull() -> Client {
        Client::pull_with_options(Value::Null)
    }

    /// A client that pulls diagnostics, with the editor's settings.
    pub fn pull_with_options(options: Value) -> Client {
        Client::with_options(json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } }), options)
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads its input");
        self.stdin.flush().unwrap();
    }

    /// Send notifications in one write, so they reach the server together
    /// (a burst faster than any lint).
    pub fn notify_all(&mut self, notifications: &[(&str, Value)]) {
        let mut framed = String::new();
        for (method, params) in notifications {
            let body = json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string();
            framed.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        }
        self.stdin.write_all(framed.as_bytes()).expect("the server reads its input");
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request and return the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the response to {method}"), |m| m["id"] == json!(id) && m.get("method").is_none())
    }

    pub fn request_ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message, answering requests from the server on the way.
    pub fn next(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.messages.recv_timeout(left) {
                Ok(m) if m.get("id").is_some() && m.get("method").is_some() => {
                    self.send(&json!({ "jsonrpc": "2.0", "id": m["id"], "result": null }));
                }
                Ok(m) => return Some(m),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// The first message (backlog first) matching `pred`; others are kept.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + self.timeout;
        while let Some(m) = self.next(deadline) {
            if pred(&m) {
                return m;
            }
            self.backlog.push_back(m);
        }
        panic!("timed out waiting for {what}; seen: {:?}\nstderr: {}", self.backlog, self.stderr());
    }

    /// Every message that arrives within `window`.
    pub fn collect_for(&mut self, window: Duration) -> Vec<Value> {
        let deadline = Instant::now() + window;
        let mut out: Vec<Value> = self.backlog.drain(..).collect();
        while let Some(m) = self.next(deadline) {
            out.push(m);
        }
        out
    }

    /// The next `publishDiagnostics` for `uri` at `version`.
    pub fn published(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let item = json!({ "uri": uri, "languageId": "dockerfile", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        let params = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes });
        self.notify("textDocument/didChange", params);
    }

    pub fn pull_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let report = self.request_ok("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
        assert_eq!(report["kind"], "full", "{report}");
        report["items"].as_array().unwrap().clone()
    }

    pub fn hover(&mut self, uri: &str, position: Value) -> Value {
        self.request_ok("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": position }))
    }

    pub fn code_actions(&mut self, uri: &str, range: Value, only: Option<Value>) -> Vec<Value> {
        let mut context = json!({ "diagnostics": [] });
        if let Some(only) = only {
            context["only"] = only;
        }
        let params = json!({ "textDocument": { "uri": uri }, "range": range, "context": context });
        self.request_ok("textDocument/codeAction", params).as_array().cloned().unwrap_or_default()
    }

    /// The LSP position of byte `offset` of `text`, in the negotiated unit.
    pub fn pos(&self, text: &str, offset: usize) -> Value {
        let p = LineIndex::new(text).position(text, offset, self.unit);
        json!({ "line": p.line, "character": p.column })
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Value {
        json!({ "start": self.pos(text, start), "end": self.pos(text, end) })
    }

    pub fn offset(&self, text: &str, position: &Value) -> usize {
        let p = dockside_rules::Position {
            line: position["line"].as_u64().unwrap() as u32,
            column: position["character"].as_u64().unwrap() as u32,
        };
        LineIndex::new(text).offset(text, p, self.unit).unwrap_or(text.len())
    }

    /// Apply LSP text edits to `text` (as the editor would).
    pub fn apply(&self, text: &str, edits: &[Value]) -> String {
        let mut spans: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                let start = self.offset(text, &e["range"]["start"]);
                let end = self.offset(text, &e["range"]["end"]);
                (start, end, e["newText"].as_str().unwrap().to_string())
            })
            .collect();
        spans.sort_by_key(|s| std::cmp::Reverse((s.0, s.1)));
        let mut out = text.to_string();
        for (start, end, new_text) in spans {
            out.replace_range(start..end, &new_text);
        }
        out
    }

    /// Apply a code action's workspace edit for `uri` to `text`.
    pub fn apply_action(&self, text: &str, uri: &str, action: &Value) -> String {
        let edit = &action["edit"];
        let edits: Vec<Value> = if let Some(changes) = edit.get("changes") {
            changes[uri].as_array().unwrap().clone()
        } else {
            let doc_edit = &edit["documentChanges"][0];
            assert_eq!(doc_edit["textDocument"]["uri"], uri);
            doc_edit["edits"].as_array().unwrap().clone()
        };
        self.apply(text, &edits)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `shutdown` (with `params: null`) and `exit`; the exit status.
    pub fn shutdown(mut self) -> (ExitStatus, String) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "shutdown", "params": null }));
        let response = self.wait_for("the shutdown response", |m| m["id"] == json!(id));
        assert!(response.get("error").is_none() && response["result"].is_null(), "{response}");
        self.exit()
    }

    pub fn exit(mut self) -> (ExitStatus, String) {
        self.notify("exit", json!(null));
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the stderr reader drain.
                thread::sleep(Duration::from_millis(50));
                return (status, self.stderr());
            }
            assert!(Instant::now() < deadline, "the server did not exit; stderr: {}", self.stderr());
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub use frame::read_message;

// ------------------------------------------------------------------ helpers

pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
}

pub fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("no {code} in {:?}", codes(diagnostics)))
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The date the server lints on in these tests (end-of-life findings
/// depend on it).
pub const LINT_DATE: &str = "2024-06-01";

/// Default settings on [`LINT_DATE`]: what the server under test uses.
pub fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.set_lint_date(dockside_rules::base_images::Date::parse(LINT_DATE));
    settings
}

/// `(code, range)` of what the engine itself reports for `text` with default
/// settings, in `unit` (ShellCheck findings are not included).
pub fn engine_diagnostics(text: &str, unit: ColumnUnit) -> Vec<(String, Value)> {
    let index = LineIndex::new(text);
    let pos = |o: usize| {
        let p = index.position(text, o, unit);
        json!({ "line": p.line, "character": p.column })
    };
    dockside_rules::check(text, &settings())
        .diagnostics
        .iter()
        .map(|d| (d.rule.name.to_string(), json!({ "start": pos(d.range.start), "end": pos(d.range.end) })))
        .collect()
}

pub fn rule_diagnostics(diagnostics: &[Value]) -> Vec<(String, Value)> {
    diagnostics
        .iter()
        .filter(|d| !d["code"].as_str().unwrap().starts_with("SC"))
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["range"].clone()))
        .collect()
}

/// The edit that replaces `len` bytes `delta` bytes into the first `needle`.
pub fn at_and_after(text: &str, needle: &str, delta: usize, len: usize, new_text: &str) -> (usize, usize, String) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {text:?}")) + delta;
    (at, at + len, new_text.to_string())
}

pub fn hover_text(hover: &Value) -> String {
    hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("no Markdown hover: {hover}")).to_string()
}

impl Client {
    /// Read messages until `until` matches a request from the server,
    /// answering each server request with `answer` (`null` when it gives
    /// `None`); other messages are kept. Returns the server requests seen.
    pub fn serve_until(
        &mut self,
        answer: impl Fn(&Value) -> Option<Value>,
        until: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + self.timeout;
        let mut requests = Vec::new();
        while !until(&requests) {
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| panic!("timed out serving requests; seen {requests:?}\nstderr: {}", self.stderr()));
            match self.messages.recv_timeout(left) {
                Ok(m) if m.get("id").is_some() && m.get("method").is_some() => {
                    let result = answer(&m).unwrap_or(Value::Null);
                    self.send(&json!({ "jsonrpc": "2.0", "id": m["id"], "result": result }));
                    requests.push(m);
                }
                Ok(m) => self.backlog.push_back(m),
                Err(_) => panic!("timed out serving requests; seen {requests:?}\nstderr: {}", self.stderr()),
            }
        }
        requests
    }
}

/// True when one of `requests` is for `method`.
pub fn has_request(requests: &[Value], method: &str) -> bool {
    requests.iter().any(|r| r["method"] == method)
}
