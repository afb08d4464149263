//! Our framing layer between stdio and tower-lsp-server's transport.
//!
//! tower-lsp-server ends its input stream at the first message it cannot
//! decode (a body that is not JSON, a string with a lone UTF-16 surrogate,
//! a `Content-Length` that does not match the body), and answers a request
//! for an unknown `$/` method with nothing. So standard input is read here:
//! each frame is checked and repaired before it reaches the service through
//! an in-memory pipe, and what cannot be repaired is answered here, with
//! the JSON-RPC error the specification asks for:
//!
//! - a body that is not JSON: `-32700` (parse error) with `id: null`; the
//!   bytes after it up to the next `Content-Length` header are skipped, so a
//!   `Content-Length` shorter than its body costs only that message;
//! - a lone surrogate escape (`"\ud800"`) or invalid UTF-8: decoded lossily
//!   to U+FFFD, and the message is served;
//! - JSON that is not a JSON-RPC message: `-32600` (invalid request);
//! - a request (with an id) for a `$/` method: `-32601` (method not found);
//!   `$/` notifications go on to the service, which ignores those it does
//!   not know.
//!
//! The service's output, these answers and the messages the server encodes
//! itself ([`Outgoing`]: pushed diagnostics) are merged frame by frame on
//! standard output ([`write_output`]).

use std::borrow::Cow;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::notification::Notification;

/// Notifications the server encodes itself and writes between the
/// service's frames. `Client::send_notification` encodes its parameters
/// twice (to a `serde_json::Value`, then to text) and drops the `Value`:
/// for the diagnostics of a long file that was a fifth of an edit's CPU
/// time; here they go to text once, straight from their types.
#[derive(Clone)]
pub struct Outgoing(UnboundedSender<Vec<u8>>);

impl Outgoing {
    pub fn new(frames: UnboundedSender<Vec<u8>>) -> Outgoing {
        Outgoing(frames)
    }

    /// Queue notification `N`; frames leave in the order they are queued.
    /// False when the output is gone (the session is ending).
    pub fn notify<N: Notification>(&self, params: &N::Params) -> bool {
        match notification_frame::<N>(params) {
            Ok(frame) => self.0.send(frame).is_ok(),
            Err(err) => {
                eprintln!("dockside lsp: cannot encode {}: {err}", N::METHOD);
                false
            }
        }
    }
}

/// Notification `N` as a framed JSON-RPC message.
pub fn notification_frame<N: Notification>(params: &N::Params) -> serde_json::Result<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Message<'a, P> {
        jsonrpc: &'static str,
        method: &'static str,
        params: &'a P,
    }
    let body = serde_json::to_vec(&Message { jsonrpc: "2.0", method: N::METHOD, params })?;
    Ok(framed(&body))
}

/// A header block longer than this without its blank line is garbage.
const MAX_HEADER: usize = 8 * 1024;

/// What to do with one message body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Forward this body (repaired when it had to be) to the service.
    Forward(Vec<u8>),
    /// Answer with this response body instead.
    Answer(Vec<u8>),
    /// Nothing to do (an empty body).
    Drop,
}

/// Check and repair one message body.
pub fn judge(body: &[u8]) -> Verdict {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Verdict::Drop;
    }
    let text = String::from_utf8_lossy(body);
    let text = match replace_lone_surrogates(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(repaired) => Cow::Owned(repaired),
    };
    if serde_json::from_str::<Response>(&text).is_ok() {
        return Verdict::Forward(text.into_owned().into_bytes());
    }
    match serde_json::from_str::<Request>(&text) {
        Ok(request) => {
            if request.method().starts_with("$/")
                && let Some(id) = request.id()
            {
                let error = json!({ "code": -32601, "message": "Method not found", "data": request.method() });
                return Verdict::Answer(error_response(json!(id), error));
            }
            Verdict::Forward(text.into_owned().into_bytes())
        }
        Err(_) => match serde_json::from_str::<Value>(&text) {
            Err(_) => Verdict::Answer(error_response(Value::Null, json!({ "code": -32700, "message": "Parse error" }))),
            Ok(value) => {
                let id = value.get("id").filter(|id| id.is_string() || id.is_number()).cloned().unwrap_or(Value::Null);
                Verdict::Answer(error_response(id, json!({ "code": -32600, "message": "Invalid request" })))
            }
        },
    }
}

fn error_response(id: Value, error: Value) -> Vec<u8> {
    json!({ "jsonrpc": "2.0", "id": id, "error": error }).to_string().into_bytes()
}

/// `text` with every `\u` escape of a lone UTF-16 surrogate (one not part
/// of a high-low pair) inside a JSON string replaced by `\ufffd`. Borrowed
/// when there is none.
pub fn replace_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let hex_at = |i: usize| -> Option<u16> {
        let digits = bytes.get(i..i + 4)?;
        u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    // The start of each `\uXXXX` escape to replace.
    let mut lone = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if bytes.get(i + 1) == Some(&b'u')
                    && let Some(unit) = hex_at(i + 2)
                {
                    if (0xD800..0xDC00).contains(&unit) {
                        let low = (bytes.get(i + 6..i + 8) == Some(b"\\u")).then(|| hex_at(i + 8)).flatten();
                        if low.is_some_and(|low| (0xDC00..0xE000).contains(&low)) {
                            i += 12;
                            continue;
                        }
                        lone.push(i);
                    } else if (0xDC00..0xE000).contains(&unit) {
                        lone.push(i);
                    }
                    i += 6;
                    continue;
                }
                // Any other escape: skip the escaped character.
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if lone.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in lone {
        out.push_str(&text[from..at]);
        out.push_str("\\ufffd");
        from = at + 6;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// Where the next `Content-Length` header name starts (any case).
fn find_header(buf: &[u8], from: usize) -> Option<usize> {
    const NAME: &[u8] = b"content-length";
    buf.get(from..)?.windows(NAME.len()).position(|w| w.eq_ignore_ascii_case(NAME)).map(|i| from + i)
}

/// One step of the frame reader over `buf`.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// More input is needed.
    Incomplete,
    /// `consumed` bytes are done with; `body` is a message body, if any.
    Read { consumed: usize, body: Option<std::ops::Range<usize>> },
    /// `consumed` bytes were a header block that cannot be used: answer a
    /// parse error.
    BadHeader { consumed: usize },
}

/// Find the next frame in `buf`: skip to a `Content-Length` header, read
/// the header block, then the body.
pub fn next_frame(buf: &[u8]) -> Frame {
    let Some(start) = find_header(buf, 0) else {
        // Keep a tail that could be the start of a header name.
        let keep = buf.len().min(b"content-length".len() - 1);
        return Frame::Read { consumed: buf.len() - keep, body: None };
    };
    if start > 0 {
        return Frame::Read { consumed: start, body: None };
    }
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        if buf.len() > MAX_HEADER {
            return Frame::BadHeader { consumed: "content-length".len() };
        }
        return Frame::Incomplete;
    };
    let headers = &buf[..end];
    let mut length = None;
    for line in headers.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line);
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    // A header block with a second header name in it is two broken frames.
    let next = find_header(headers, 1);
    match (length, next) {
        (_, Some(next)) => Frame::BadHeader { consumed: next },
        (None, None) => Frame::BadHeader { consumed: end + 4 },
        (Some(length), None) => {
            let body_start = end + 4;
            if buf.len() < body_start + length {
                return Frame::Incomplete;
            }
            Frame::Read { consumed: body_start + length, body: Some(body_start..body_start + length) }
        }
    }
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Read frames from `input`, forward the good (or repaired) ones to the
/// service through `to_service`, and send our own answers to `answers`.
/// Returns at the end of the input (or when the service is gone).
pub async fn read_input(
    mut input: impl AsyncRead + Unpin,
    mut to_service: impl AsyncWrite + Unpin,
    answers: UnboundedSender<Vec<u8>>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        loop {
            match next_frame(&buf) {
                Frame::Incomplete => break,
                Frame::Read { mut consumed, body } => {
                    if let Some(body) = body {
                        match judge(&buf[body.clone()]) {
                            Verdict::Forward(body) => {
                                if to_service.write_all(&framed(&body)).await.is_err() {
                                    return;
                                }
                            }
                            Verdict::Answer(response) => {
                                eprintln!("dockside lsp: answered a malformed message with an error");
                                let _ = answers.send(framed(&response));
                                // A `Content-Length` longer than its body swallowed the
                                // next frame: go back to that frame's header (no JSON
                                // text holds one: raw line breaks only go between
                                // tokens, and a header name is no token).
                                if let Some(next) = find_header(&buf[body.clone()], 0) {
                                    consumed = body.start + next;
                                }
                            }
                            Verdict::Drop => {}
                        }
                    } else if consumed > 0 && !buf[..consumed].iter().all(u8::is_ascii_whitespace) {
                        eprintln!("dockside lsp: skipped {consumed} bytes that were not a message");
                    }
                    if consumed == 0 {
                        break;
                    }
                    buf.drain(..consumed);
                }
                Frame::BadHeader { consumed } => {
                    eprintln!("dockside lsp: a header block without a usable Content-Length");
                    let error = json!({ "code": -32700, "message": "Parse error: no usable Content-Length header" });
                    let _ = answers.send(framed(&error_response(Value::Null, error)));
                    buf.drain(..consumed);
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Copy the service's frames from `from_service` to `output`, with our own
/// frames from `answers` (error answers, [`Outgoing`] notifications) put
/// between whole frames. Returns when the service
/// closes its side (after writing everything).
pub async fn write_output(
    mut from_service: impl AsyncRead + Unpin,
    mut answers: UnboundedReceiver<Vec<u8>>,
    mut output: impl AsyncWrite + Unpin,
) {
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut answers_open = true;
    loop {
        tokio::select! {
            read = from_service.read(&mut chunk) => {
                let n = match read {
                    Ok(0) | Err(_) => {
                        let _ = output.write_all(&pending).await;
                        let _ = output.flush().await;
                        return;
                    }
                    Ok(n) => n,
                };
                pending.extend_from_slice(&chunk[..n]);
                // Write the whole frames; keep a partial one for later.
                let whole = whole_frames(&pending);
                if whole > 0 {
                    if output.write_all(&pending[..whole]).await.is_err() || output.flush().await.is_err() {
                        return;
                    }
                    pending.drain(..whole);
                }
            }
            answer = answers.recv(), if answers_open && pending.is_empty() => {
                match answer {
                    Some(frame) => {
                        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
                            return;
                        }
                    }
                    None => answers_open = false,
                }
            }
        }
    }
}

/// How many bytes at the start of `buf` are whole frames of the service's
/// own output (`Content-Length: N\r\n\r\n` and N bytes).
fn whole_frames(buf: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let rest = &buf[at..];
        let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") else { return at };
        let length = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|h| h.lines().find_map(|l| l.strip_prefix("Content-Length:")))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let Some(length) = length else { return at };
        if rest.len() < end + 4 + length {
            return at;
        }
        at += end + 4 + length;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(replace_lone_surrogates(r#"{"a":"\ud800"}"#), r#"{"a":"\ufffd"}"#);
        assert_eq!(replace_lone_surrogates(r#"{"a":"x\uDC00y\ud83d"}"#), r#"{"a":"x\ufffdy\ufffd"}"#);
        // A pair, an escaped backslash before `ud800`, and text outside strings stay.
        for kept in [r#"{"a":"\ud83d\ude00"}"#, r#"{"a":"\\ud800"}"#, r#"{"a":"\u0041"}"#] {
            assert!(matches!(replace_lone_surrogates(kept), Cow::Borrowed(_)), "{kept}");
        }
        let repaired = replace_lone_surrogates(r#"{"a":"\ud800\ud83d\ude00"}"#);
        assert_eq!(repaired, r#"{"a":"\ufffd\ud83d\ude00"}"#);
        let value: Value = serde_json::from_str(&repaired).unwrap();
        assert_eq!(value["a"], "\u{fffd}😀");
    }

    #[test]
    fn bodies_are_forwarded_repaired_or_answered() {
        let forward = |body: &str| match judge(body.as_bytes()) {
            Verdict::Forward(b) => String::from_utf8(b).unwrap(),
            other => panic!("{body}: {other:?}"),
        };
        let answer = |body: &str| match judge(body.as_bytes()) {
            Verdict::Answer(b) => serde_json::from_slice::<Value>(&b).unwrap(),
            other => panic!("{body}: {other:?}"),
        };
        let hover = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#;
        assert_eq!(forward(hover), hover);
        assert!(forward(r#"{"jsonrpc":"2.0","method":"x","params":{"t":"\ud800"}}"#).contains(r"\ufffd"));
        let cancel = r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#;
        assert_eq!(forward(cancel), cancel);
        let parse = answer(r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"#);
        assert_eq!((parse["id"].clone(), parse["error"]["code"].clone()), (Value::Null, json!(-32700)));
        let dollar = answer(r#"{"jsonrpc":"2.0","id":"d","method":"$/lspprobe","params":{}}"#);
        assert_eq!((dollar["id"].clone(), dollar["error"]["code"].clone()), (json!("d"), json!(-32601)));
        let invalid = answer(r#"{"jsonrpc":"2.0","id":3,"method":7}"#);
        assert_eq!((invalid["id"].clone(), invalid["error"]["code"].clone()), (json!(3), json!(-32600)));
        assert_eq!(judge(b""), Verdict::Drop);
    }

    #[test]
    fn frames_resynchronise_on_the_next_header() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"m"}"#;
        let good = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        assert_eq!(
            next_frame(good.as_bytes()),
            Frame::Read { consumed: good.len(), body: Some(good.len() - body.len()..good.len()) }
        );
        assert_eq!(next_frame(&good.as_bytes()[..good.len() - 1]), Frame::Incomplete);
        // Garbage before a header is skipped up to it.
        let noisy = format!("xx}}}}{good}");
        assert_eq!(next_frame(noisy.as_bytes()), Frame::Read { consumed: 4, body: None });
        // Headers in any case; Content-Type ignored.
        let cased = format!("content-length: {}\r\nContent-Type: x\r\n\r\n{body}", body.len());
        assert!(matches!(next_frame(cased.as_bytes()), Frame::Read { body: Some(_), .. }));
        // A header without a number, then a good frame.
        let broken = format!("Content-Length: many\r\n\r\n{good}");
        assert_eq!(next_frame(broken.as_bytes()), Frame::BadHeader { consumed: 24 });
    }
}
