//! `dockside lsp` on a hostile input stream: bodies that are not JSON,
//! strings with lone UTF-16 surrogates, `Content-Length` headers that do not
//! match their bodies, and `$/` requests. Each gets the answer the JSON-RPC
//! specification asks for, and the server goes on serving.

mod support;

use std::io::Write;

use serde_json::{Value, json};
use support::*;

/// Write raw bytes to the server's standard input.
fn send_raw(client: &mut Client, bytes: &[u8]) {
    client.stdin.write_all(bytes).unwrap();
    client.stdin.flush().unwrap();
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// A hover on a small document still gets its answer.
fn still_serving(client: &mut Client, uri: &str) {
    client.open(uri, "FROM alpine:3.19\n");
    let hover = client.hover(uri, json!({ "line": 0, "character": 1 }));
    assert!(hover_text(&hover).contains("FROM"), "{hover}\nstderr: {}", client.stderr());
}

fn is_error(m: &Value, id: &Value, code: i64) -> bool {
    m.get("method").is_none() && &m["id"] == id && m["error"]["code"] == code
}

#[test]
fn a_body_that_is_not_json_gets_a_parse_error_and_the_server_goes_on() {
    let mut client = Client::pull();
    for (i, garbage) in
        ["{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/hover\",\"params\":{", "not json", "\u{0}\u{1}"]
            .iter()
            .enumerate()
    {
        send_raw(&mut client, &frame(garbage));
        client.wait_for("a parse error with id null", |m| is_error(m, &Value::Null, -32700));
        still_serving(&mut client, &format!("untitled:after-garbage-{i}"));
    }
    // Valid JSON that is no JSON-RPC message: invalid request, with its id.
    send_raw(&mut client, &frame(r#"{"jsonrpc":"2.0","id":77,"method":12}"#));
    client.wait_for("an invalid-request error", |m| is_error(m, &json!(77), -32600));
    still_serving(&mut client, "untitled:after-invalid");
    // Bytes that are not UTF-8 inside a string are read as U+FFFD.
    let mut open = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:latin1","languageId":"dockerfile","version":1,"text":"FROM alpine:3.19\nLABEL a="#.to_vec();
    open.extend_from_slice(b"\xe9\xff\\n\"}}}");
    let mut framed = format!("Content-Length: {}\r\n\r\n", open.len()).into_bytes();
    framed.extend_from_slice(&open);
    send_raw(&mut client, &framed);
    let hover = client.hover("untitled:latin1", json!({ "line": 0, "character": 1 }));
    assert!(hover_text(&hover).contains("FROM"), "{hover}");
    let (status, _) = client.shutdown();
    assert!(status.success());
}

#[test]
fn a_lone_surrogate_is_read_as_a_replacement_character() {
    let mut client = Client::pull();
    let uri = "untitled:surrogate";
    // Written by hand: serde_json cannot produce a lone surrogate escape.
    let open = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"dockerfile","version":1,"text":"FROM alpine:3.19\nLABEL x=\"\ud800\"\nRUN echo \ud83d\ude00 \udc00\n"}}}}}}"#
    );
    send_raw(&mut client, &frame(&open));
    // The text the server holds has U+FFFD where the lone surrogates were:
    // a hover on the LABEL key, and symbols, answer from it.
    let hover = client.hover(uri, json!({ "line": 1, "character": 1 }));
    assert!(hover_text(&hover).contains("LABEL"), "{hover}");
    let text = "FROM alpine:3.19\nLABEL x=\"\u{fffd}\"\nRUN echo 😀 \u{fffd}\n";
    let diagnostics = client.pull_diagnostics(uri);
    assert_eq!(rule_diagnostics(&diagnostics), engine_diagnostics(text, client.unit), "{diagnostics:?}");
    // Also in a request's parameters.
    let hover_frame = r#"{"jsonrpc":"2.0","id":"s","method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:\udfff"},"position":{"line":0,"character":0}}}"#;
    send_raw(&mut client, &frame(hover_frame));
    let answer = client.wait_for("the hover with a lone surrogate in its URI", |m| m["id"] == "s");
    // Read, and answered: `untitled:\u{fffd}` is no URI, so the parameters are invalid.
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    still_serving(&mut client, "untitled:after-surrogate");
}

#[test]
fn a_content_length_shorter_than_the_body_costs_only_that_message() {
    let mut client = Client::pull();
    let uri = "untitled:short";
    client.open(uri, "FROM alpine:3.19\n");
    for (i, short_by) in [5usize, 1, 40].into_iter().enumerate() {
        let id = 1000 + i as i64;
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": { "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } } })
        .to_string();
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() - short_by).into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        // The next message follows at once: the tail spills into its header.
        bytes.extend_from_slice(&frame(
            &json!({ "jsonrpc": "2.0", "id": id + 100, "method": "textDocument/hover",
                "params": { "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } } })
            .to_string(),
        ));
        send_raw(&mut client, &bytes);
        client.wait_for("a parse error with id null", |m| is_error(m, &Value::Null, -32700));
        let next = client.wait_for("the answer to the next message", |m| m["id"] == json!(id + 100));
        assert!(hover_text(&next["result"]).contains("FROM"), "{next}");
    }
    // Longer than the body: the next frame's header is found inside it.
    let body = json!({ "jsonrpc": "2.0", "id": 2000, "method": "textDocument/hover",
        "params": { "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } } })
    .to_string();
    let follow = json!({ "jsonrpc": "2.0", "id": 2001, "method": "textDocument/hover",
        "params": { "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } } })
    .to_string();
    let mut bytes = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 30).into_bytes();
    bytes.extend_from_slice(&frame(&follow));
    send_raw(&mut client, &bytes);
    client.wait_for("a parse error with id null", |m| is_error(m, &Value::Null, -32700));
    let next = client.wait_for("the answer to the next message", |m| m["id"] == json!(2001));
    assert!(hover_text(&next["result"]).contains("FROM"), "{next}");
    // Garbage between frames and a header block without a length.
    send_raw(&mut client, b"\r\nxyz\r\nX-Other: 1\r\n\r\n");
    send_raw(&mut client, b"Content-Length: lots\r\n\r\n");
    client.wait_for("a parse error with id null", |m| is_error(m, &Value::Null, -32700));
    still_serving(&mut client, "untitled:after-lengths");
    let (status, _) = client.shutdown();
    assert!(status.success());
}

#[test]
fn dollar_requests_get_method_not_found_and_dollar_notifications_are_ignored() {
    let mut client = Client::pull();
    for (id, method) in [(json!(5), "$/lspprobeUnknown"), (json!("x"), "$/cancelRequest"), (json!(6), "$/setTrace")] {
        client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": {} }));
        let answer = client.wait_for("the answer to a $/ request", |m| m["id"] == id && m.get("method").is_none());
        assert_eq!(answer["error"]["code"], -32601, "{method}: {answer}");
    }
    // Notifications: no answer at all, and the server goes on.
    client.notify("$/lspprobeUnknown", json!({ "x": 1 }));
    client.notify("$/cancelRequest", json!({ "id": 12345 }));
    client.notify("$/setTrace", json!({ "value": "off" }));
    still_serving(&mut client, "untitled:after-dollar");
    let unexpected: Vec<Value> = client
        .collect_for(std::time::Duration::from_millis(200))
        .into_iter()
        .filter(|m| m.get("id").is_some() && m.get("method").is_none())
        .collect();
    assert!(unexpected.is_empty(), "answers to notifications: {unexpected:?}");
    let (status, _) = client.shutdown();
    assert!(status.success());
}
