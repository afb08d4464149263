//! `dockside lsp` when its own code fails or is slow: a panic while linting
//! one document is reported and the server keeps serving; a slow ShellCheck
//! never makes an older version's diagnostics arrive after a newer one's.
#![cfg(unix)]

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use support::*;

/// The marker the server is told to crash on (`DOCKSIDE_TEST_CRASH_ON`).
const MARKER: &str = "# crash here";

fn crashing_client(capabilities: Value) -> Client {
    let mut client = Client::start_with_env(&[
        ("XDG_CONFIG_HOME", "/nonexistent/dockside-tests"),
        ("DOCKSIDE_TEST_CRASH_ON", MARKER),
    ]);
    client.request_ok("initialize", json!({ "processId": null, "capabilities": capabilities }));
    client.notify("initialized", json!({}));
    client
}

fn is_internal_error_message(m: &Value, uri: &str) -> bool {
    m["method"] == "window/showMessage"
        && m["params"]["type"] == 1
        && m["params"]["message"]
            .as_str()
            .is_some_and(|s| s.contains("internal error, please report") && s.contains(uri))
}

#[test]
fn a_panic_while_linting_one_document_is_reported_and_the_server_goes_on() {
    let mut client = crashing_client(json!({}));
    let bad = "untitled:crashes";
    let good = "untitled:fine";
    client.open(bad, &format!("FROM alpine:3.19\n{MARKER}\n"));
    client.open(good, "FROM alpine:3.19\nMAINTAINER me\n");
    client.wait_for("the internal-error message naming the document", |m| is_internal_error_message(m, bad));
    let published = client.published(bad, 1);
    assert_eq!(codes(&published), ["internal-error"], "{published:?}");
    assert_eq!(published[0]["severity"], 1, "an error: {published:?}");
    assert!(published[0]["message"].as_str().unwrap().contains("please report"), "{published:?}");
    // The other document is linted as usual, and requests on both are answered.
    let fine = client.published(good, 1);
    assert!(codes(&fine).contains(&"maintainer-deprecated".to_string()), "{fine:?}");
    let hover = client.hover(bad, json!({ "line": 0, "character": 1 }));
    assert!(hover_text(&hover).contains("FROM"), "{hover}");
    let actions = client.code_actions(
        bad,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } }),
        None,
    );
    assert!(actions.iter().all(|a| a["kind"] != "source.fixAll.dockside"), "{actions:?}");
    // Without the marker, the document is linted again.
    client.change(bad, 2, json!([{ "text": "FROM alpine:3.19\nMAINTAINER me\n" }]));
    let fixed = client.published(bad, 2);
    assert!(codes(&fixed).contains(&"maintainer-deprecated".to_string()), "{fixed:?}");
    let (status, _) = client.shutdown();
    assert!(status.success());
}

#[test]
fn a_panic_while_linting_for_a_pull_is_an_error_diagnostic() {
    let mut client = crashing_client(json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } }));
    let bad = "untitled:pulled-crash";
    client.open(bad, &format!("FROM alpine:3.19\n{MARKER}\n"));
    let items = client.pull_diagnostics(bad);
    assert_eq!(codes(&items), ["internal-error"], "{items:?}");
    client.wait_for("the internal-error message naming the document", |m| is_internal_error_message(m, bad));
    let other = "untitled:pulled-fine";
    client.open(other, "FROM alpine:3.19\nMAINTAINER me\n");
    assert!(codes(&client.pull_diagnostics(other)).contains(&"maintainer-deprecated".to_string()));
    let (status, _) = client.shutdown();
    assert!(status.success());
}

fn script(path: &Path, body: &str) -> PathBuf {
    fs::write(path, format!("#!/bin/sh\n{body}")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// A stand-in for ShellCheck (the real one need not be installed): it
/// sleeps, then reports one SC2086 at the start of each script it is given
/// (line 3: the engine puts a shebang and an `export` line first).
fn slow_shellcheck(dir: &Path) -> PathBuf {
    script(
        &dir.join("slow-shellcheck.sh"),
        r#"sleep 0.4
shift 4
printf '{"comments":['
sep=''
for f in "$@"; do
  printf '%s{"file":"%s","line":3,"column":1,"endLine":3,"endColumn":2,"level":"info","code":2086,"message":"stub"}' "$sep" "$f"
  sep=','
done
printf ']}'
exit 1
"#,
    )
}

/// Edits arrive while a slow ShellCheck (a stub that sleeps) works on older
/// versions: the publications for the document come in version order, and the last is for the latest version, with
/// ShellCheck's findings.
#[test]
fn a_slow_shellcheck_never_publishes_after_a_newer_version() {
    let dir = tempfile::tempdir().unwrap();
    let stub = slow_shellcheck(dir.path());
    let mut client = Client::start();
    let options = json!({ "dockside": { "shellcheck": { "path": stub } } });
    client.request_ok("initialize", json!({ "processId": null, "capabilities": {}, "initializationOptions": options }));
    client.notify("initialized", json!({}));
    let uri = "untitled:slow-shellcheck";
    let mut text = String::from("FROM debian:12\nRUN echo $HOME_DIR\n");
    client.open(uri, &text);
    let mut version: i64 = 1;
    // Pauses around the ShellCheck delay (150 ms), so some edits land while
    // a ShellCheck run is under way, some just before one starts, and some
    // in bursts.
    for pause in [200u64, 120, 0, 0, 170, 450, 160, 10, 300, 155, 0, 250] {
        std::thread::sleep(Duration::from_millis(pause));
        version += 1;
        text.push_str(&format!("RUN echo $V{version}\n"));
        client.change(uri, version, json!([{ "text": text }]));
    }
    let last = client.wait_for("ShellCheck's publication of the last version", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"] == json!(version)
            && codes(m["params"]["diagnostics"].as_array().unwrap()).iter().any(|c| c.starts_with("SC"))
    });
    // Anything still on its way (ShellCheck runs of older versions) arrives
    // meanwhile. Arrival order: what came before `last` (kept in the
    // backlog while waiting), `last`, then the rest.
    let before = client.backlog.len();
    let mut seen = client.collect_for(Duration::from_millis(1500));
    seen.insert(before, last);
    let in_order: Vec<i64> = seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(in_order.windows(2).all(|w| w[0] <= w[1]), "publications out of order: {in_order:?}");
    assert_eq!(in_order.last(), Some(&version), "{in_order:?}");
}

/// A pulling client that understands `workspace/diagnostic/refresh` is
/// answered with the rules' findings without waiting for ShellCheck (a stub
/// that sleeps), then asked to pull again, and then gets ShellCheck's too;
/// a pulling client without refresh gets one complete report.
#[test]
fn a_pulling_client_is_not_kept_waiting_for_shellcheck() {
    let dir = tempfile::tempdir().unwrap();
    let stub = slow_shellcheck(dir.path());
    let options = json!({ "dockside": { "shellcheck": { "path": stub } } });
    let text = "FROM debian:12\nRUN apt-get install curl && echo $HOME_DIR\n";
    for refresh in [true, false] {
        let mut client = Client::start();
        let mut capabilities = json!({ "textDocument": { "diagnostic": {} } });
        if refresh {
            capabilities["workspace"] = json!({ "diagnostics": { "refreshSupport": true } });
        }
        client.request_ok(
            "initialize",
            json!({ "processId": null, "capabilities": capabilities, "initializationOptions": options }),
        );
        client.notify("initialized", json!({}));
        let uri = "untitled:pulled";
        client.open(uri, text);
        let pull = |client: &mut Client, previous: Option<&Value>| {
            let mut params = json!({ "textDocument": { "uri": uri } });
            if let Some(previous) = previous {
                params["previousResultId"] = previous.clone();
            }
            client.request_ok("textDocument/diagnostic", params)
        };
        let first = pull(&mut client, None);
        let first_codes = codes(first["items"].as_array().unwrap());
        assert!(first_codes.contains(&"apt-get-missing-yes".to_string()), "{first}");
        if !refresh {
            assert!(first_codes.contains(&"SC2086".to_string()), "without refresh, one complete report: {first}");
            continue;
        }
        assert!(!first_codes.iter().any(|c| c.starts_with("SC")), "the first report waited for ShellCheck: {first}");
        client.serve_until(|_| None, |r| has_request(r, "workspace/diagnostic/refresh"));
        let second = pull(&mut client, Some(&first["resultId"]));
        assert_eq!(second["kind"], "full", "{second}");
        let second_codes = codes(second["items"].as_array().unwrap());
        assert!(second_codes.contains(&"SC2086".to_string()), "{second}");
        assert!(second_codes.contains(&"apt-get-missing-yes".to_string()), "{second}");
        // Complete now: the same id again is unchanged.
        let third = pull(&mut client, Some(&second["resultId"]));
        assert_eq!(third["kind"], "unchanged", "{third}");
    }
}

/// The hostile shapes of `rules/tests/hostile.rs` (nesting 100,000 levels
/// deep) and long `&&` lists through every feature of the server, on its
/// own thread stacks: every request is answered and the server goes on.
#[test]
fn deep_nesting_and_long_lists_through_every_feature() {
    const DEPTH: usize = 100_000;
    let nested = |before: &str, open: &str, middle: &str, close: &str, after: &str| {
        format!("{before}{}{middle}{}{after}", open.repeat(DEPTH), close.repeat(DEPTH))
    };
    let shapes = [
        nested("FROM ", "${a:-", "alpine", "}", "\nRUN echo ok\n"),
        nested("FROM a\nENV A=\"", "${a:-\"", "x", "\"}", "\"\n"),
        format!("FROM {}\nRUN echo ok\n", "${a:-".repeat(DEPTH)),
        nested("FROM a\nRUN echo ", "$(", "x", ")", "\n"),
        nested("FROM a\nRUN echo ", "$((", "1", "))", "\n"),
        nested("FROM a\nRUN ", "(", "true", ")", "\n"),
        nested("FROM a\nRUN ", "if true; then ", "x; ", "fi; ", "\n"),
        nested("FROM a\nRUN [\"sh\", \"-c\", \"", "$(", "x", ")", "\"]\n"),
        nested("FROM a\nRUN <<EOF\n", "(", "true", ")", "\nEOF\n"),
        format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(DEPTH)),
        format!("FROM a\nRUN echo {}\n", "\"$(".repeat(DEPTH)),
        format!("FROM a\nCOPY {} /\n", "${a:-\"".repeat(DEPTH)),
        // Lists are not nesting (no limit applies): the formatter, the
        // selection ranges and the semantic tokens walk them.
        format!("FROM a\nRUN true{}\n", " && echo x".repeat(100_000)),
        format!("FROM a\nRUN true \\\n{}  && true\n", "  && echo x \\\n".repeat(100_000)),
    ];
    let mut client = Client::pull();
    // Each shape is 100,000 levels deep: on a loaded machine (CI on 2
    // cores) an answer has taken longer than the usual 30 s guard.
    client.timeout = Duration::from_secs(180);
    for (i, text) in shapes.iter().enumerate() {
        let uri = format!("untitled:hostile-{i}");
        client.open(&uri, text);
        let doc = json!({ "uri": uri });
        let lines = text.lines().count() as u32;
        let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": lines, "character": 0 } });
        let deep = json!({ "line": 1, "character": 5000 });
        let requests = [
            ("textDocument/diagnostic", json!({ "textDocument": doc })),
            ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
            ("textDocument/documentSymbol", json!({ "textDocument": doc })),
            ("textDocument/foldingRange", json!({ "textDocument": doc })),
            (
                "textDocument/selectionRange",
                json!({ "textDocument": doc, "positions": [deep, { "line": 1, "character": 40_000 }] }),
            ),
            (
                "textDocument/formatting",
                json!({ "textDocument": doc, "options": { "tabSize": 4, "insertSpaces": true } }),
            ),
            ("textDocument/hover", json!({ "textDocument": doc, "position": deep })),
            ("textDocument/completion", json!({ "textDocument": doc, "position": deep })),
            ("textDocument/inlayHint", json!({ "textDocument": doc, "range": whole })),
            (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } }),
            ),
            ("textDocument/documentLink", json!({ "textDocument": doc })),
            ("textDocument/documentHighlight", json!({ "textDocument": doc, "position": deep })),
            ("textDocument/signatureHelp", json!({ "textDocument": doc, "position": deep })),
        ];
        for (method, params) in requests {
            let response = client.request(method, params);
            assert!(response.get("error").is_none(), "shape {i}, {method}: {response}");
        }
        // An edit inside, re-parsed incrementally.
        let at = json!({ "line": 1, "character": 3 });
        client.change(&uri, 2, json!([{ "range": { "start": at, "end": at }, "text": " " }]));
        client.pull_diagnostics(&uri);
        client.notify("textDocument/didClose", json!({ "textDocument": doc }));
    }
    let (status, _) = client.shutdown();
    assert!(status.success());
}
