//! End-to-end tests of the editing features of `dockside lsp`: completion,
//! semantic tokens, signature help, selection ranges, inlay hints, document
//! links and hovers, with the real binary driven by the client in `support/`.

mod support;

use serde_json::{Value, json};
use support::*;

const URI: &str = "untitled:editing-Dockerfile";

/// A pull client (no pushed diagnostics to wait for) with snippets and
/// UTF-8 positions, or UTF-16 when `utf16`.
fn client(utf16: bool) -> Client {
    let encodings = if utf16 { json!(["utf-16"]) } else { json!(["utf-8", "utf-16"]) };
    Client::with_capabilities(json!({
        "general": { "positionEncodings": encodings },
        "textDocument": {
            "diagnostic": { "dynamicRegistration": false },
            "completion": { "completionItem": { "snippetSupport": true } }
        }
    }))
}

/// Byte offset of the `nth` occurrence of `needle`, plus `delta`.
fn at(text: &str, needle: &str, nth: usize, delta: usize) -> usize {
    text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} in {text:?}")).0 + delta
}

fn complete(client: &mut Client, text: &str, offset: usize) -> Vec<Value> {
    let params = json!({ "textDocument": { "uri": URI }, "position": client.pos(text, offset) });
    let result = client.request_ok("textDocument/completion", params);
    match &result {
        Value::Null => Vec::new(),
        Value::Array(items) => items.clone(),
        _ => result["items"].as_array().unwrap().clone(),
    }
}

fn labels(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items.iter().find(|i| i["label"] == label).unwrap_or_else(|| panic!("no {label} in {:?}", labels(items)))
}

/// The text after accepting `item` (its text edit applied).
fn accept(client: &Client, text: &str, item: &Value) -> String {
    client.apply(text, &[item["textEdit"].clone()])
}

// ------------------------------------------------------------------ completion

#[test]
fn completion_offers_keywords_flags_mounts_stages_and_scoped_variables() {
    for utf16 in [false, true] {
        let mut client = client(utf16);
        let text = "# syntax=docker/dockerfile:1\n# check=skip=\n\
                    ARG PY=3.12\n\
                    FROM python:${PY} AS build\n\
                    ARG IN_BUILD=1\n\
                    ENV HOME_DIR=/srv\n\
                    # dockside ignore=\n\
                    RUN --mount=type=cache, echo é😀 ${I} $H\n\
                    FROM build AS test\n\
                    COPY --from= --c a b\n\
                    RUN --mount=from=b,type=bind echo $\n\
                    FROM \n\
                    ONBUILD \n\
                    STOPSIGNAL SIGT\n\
                    ru\n";
        client.open(URI, text);

        // A keyword at the start of a line: the typed `ru` is replaced by a snippet.
        let items = complete(&mut client, text, at(text, "ru\n", 0, 2));
        let run = item(&items, "RUN");
        assert_eq!(run["insertTextFormat"], 2, "{run}");
        assert_eq!(accept(&client, text, run), text.replacen("\nru\n", "\nRUN ${1:command}\n", 1));
        // After ONBUILD: keywords, not FROM.
        let items = complete(&mut client, text, at(text, "ONBUILD ", 0, 8));
        assert!(labels(&items).contains(&"COPY".into()) && !labels(&items).contains(&"FROM".into()));

        // `--mount=type=cache,` offers the cache keys.
        let offset = at(text, "cache,", 0, 6);
        let items = complete(&mut client, text, offset);
        let l = labels(&items);
        assert!(l.contains(&"sharing".into()) && l.contains(&"target".into()) && !l.contains(&"env".into()), "{l:?}");
        let edited = accept(&client, text, item(&items, "target"));
        assert!(edited.contains("--mount=type=cache,target= echo"), "{edited}");

        // `${I` inside a stage (after non-ASCII text, so columns are in the
        // negotiated unit): the stage's ARG and ENV; the `}` is already there.
        let items = complete(&mut client, text, at(text, "${I}", 0, 3));
        assert_eq!(labels(&items), ["HOME_DIR", "IN_BUILD"]);
        let edited = accept(&client, text, item(&items, "IN_BUILD"));
        assert!(edited.contains("echo é😀 ${IN_BUILD} $H"), "{edited}");
        // `$H`: ENV of this stage; the global PY is not visible inside it.
        let items = complete(&mut client, text, at(text, "$H\n", 0, 2));
        assert!(!labels(&items).contains(&"PY".into()));
        assert_eq!(item(&items, "HOME_DIR")["detail"], "= /srv");
        // In the next stage (FROM build): ENV is inherited, ARG is not.
        let items = complete(&mut client, text, at(text, "echo $\n", 0, 6));
        assert_eq!(labels(&items), ["HOME_DIR"]);
        // FROM lines see the global ARGs.
        let items = complete(&mut client, text, at(text, "${PY}", 0, 4));
        assert!(labels(&items).contains(&"PY".into()), "{:?}", labels(&items));

        // Stage names: after `--from=`, after `FROM ` and in `--mount=from=`.
        let items = complete(&mut client, text, at(text, "--from=", 0, 7));
        assert_eq!(labels(&items), ["build"]);
        // Stage `test` may use `build`, not itself.
        let items = complete(&mut client, text, at(text, "from=b", 0, 6));
        assert_eq!(labels(&items), ["build"]);
        let items = complete(&mut client, text, at(text, "FROM \n", 0, 5));
        assert_eq!(labels(&items), ["build", "test", "scratch"]);

        // COPY flags, replacing the typed `--c`.
        let items = complete(&mut client, text, at(text, "--c ", 0, 3));
        let l = labels(&items);
        assert!(l.contains(&"--chown".into()) && l.contains(&"--chmod".into()) && l.contains(&"--link".into()));
        assert!(!l.contains(&"--from".into()), "--from is already given: {l:?}");
        let edited = accept(&client, text, item(&items, "--chmod"));
        assert!(edited.contains("COPY --from= --chmod= a b"), "{edited}");

        // Signals.
        let items = complete(&mut client, text, at(text, "SIGT\n", 0, 4));
        let edited = accept(&client, text, item(&items, "SIGTERM"));
        assert!(edited.contains("STOPSIGNAL SIGTERM\n"), "{edited}");

        // Directives and rule names.
        let items = complete(&mut client, text, at(text, "skip=", 0, 5));
        assert!(labels(&items).contains(&"JSONArgsRecommended".into()), "{:?}", labels(&items));
        let items = complete(&mut client, text, at(text, "ignore=", 0, 7));
        let l = labels(&items);
        assert!(l.contains(&"DL3008".into()) && l.contains(&"untagged-base-image".into()), "{l:?}");
        let edited = accept(&client, text, item(&items, "DL3008"));
        assert!(edited.contains("# dockside ignore=DL3008\n"), "{edited}");
        let (status, _) = client.shutdown();
        assert!(status.success());
    }
}

#[test]
fn completion_in_run_offers_package_flags_and_flag_values() {
    let mut client = client(false);
    let text = "FROM debian:12\nRUN apt-get update && apt-get install -\nRUN --network=\nFROM --pl\n";
    client.open(URI, text);
    let items = complete(&mut client, text, at(text, "install -", 0, 9));
    let l = labels(&items);
    assert!(l.contains(&"--no-install-recommends".into()) && l.contains(&"-y".into()), "{l:?}");
    let items = complete(&mut client, text, at(text, "--network=", 0, 10));
    assert_eq!(labels(&items), ["default", "none", "host"]);
    let items = complete(&mut client, text, at(text, "--pl", 0, 4));
    assert_eq!(labels(&items), ["--platform"]);
    assert_eq!(accept(&client, text, &items[0]), text.replace("--pl\n", "--platform=\n"));
}
