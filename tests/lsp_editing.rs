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
        // In the next stage (FROM build): ENV and ARG are both inherited.
        let items = complete(&mut client, text, at(text, "echo $\n", 0, 6));
        assert_eq!(labels(&items), ["HOME_DIR", "IN_BUILD"]);
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

    // No keywords on a continuation line or inside a heredoc body; the
    // escape directive offers its two characters.
    let text = "# escape=\nFROM alpine\nRUN apk add \\\n    cu\nRUN <<EOF\nap\nEOF\n";
    client.change(URI, 2, json!([{ "text": text }]));
    assert!(complete(&mut client, text, at(text, "cu\n", 0, 2)).is_empty());
    assert!(complete(&mut client, text, at(text, "ap\n", 0, 2)).is_empty());
    assert_eq!(labels(&complete(&mut client, text, at(text, "escape=", 0, 7))), ["\\", "`"]);
    let items = complete(&mut client, text, at(text, "apk add ", 0, 8));
    assert!(items.is_empty(), "{items:?}");
}

// ------------------------------------------------------------------ semantic tokens

/// Decode the relative encoding into `(text, type, modifiers)` triples.
fn decode(client: &Client, text: &str, data: &Value, legend: &[String]) -> Vec<(String, String, u64)> {
    let data: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(data.len() % 5, 0);
    let (mut line, mut col) = (0u64, 0u64);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        line += t[0];
        col = if t[0] == 0 { col + t[1] } else { t[1] };
        let start = client.offset(text, &json!({ "line": line, "character": col }));
        let end = client.offset(text, &json!({ "line": line, "character": col + t[2] }));
        out.push((text[start..end].to_string(), legend[t[3] as usize].clone(), t[4]));
    }
    out
}

#[test]
fn semantic_tokens_cover_dockerfile_and_bash_with_a_range_subset() {
    for utf16 in [false, true] {
        let mut client = client(utf16);
        let init_legend = {
            // The legend as announced (a second initialize is not allowed, so
            // start one more client just to read it).
            let mut probe = Client::start();
            let result = probe.request_ok("initialize", json!({ "processId": null, "capabilities": {} }));
            let provider = &result["capabilities"]["semanticTokensProvider"];
            assert_eq!(provider["range"], true, "{provider}");
            assert_eq!(provider["full"], true, "{provider}");
            provider["legend"]["tokenTypes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let text = "# syntax=docker/dockerfile:1\n\
                    ARG PY=3.12\n\
                    FROM python:${PY}-slim AS build\n\
                    # a comment é😀\n\
                    RUN --mount=type=cache,target=/root/.cache \\\n    \
                    pip install \"flask\" && rm -rf /tmp/x\n\
                    RUN <<EOF\n\
                    set -eu\n\
                    echo \"é😀 $HOME\" | tee /log\n\
                    EOF\n\
                    COPY --from=build /a /b\n";
        client.open(URI, text);
        let full = client.request_ok("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": URI } }));
        let tokens = decode(&client, text, &full["data"], &init_legend);
        let has = |s: &str, ty: &str| tokens.iter().any(|(t, k, _)| t == s && k == ty);
        for (s, ty) in [
            ("# syntax=", "macro"),
            ("docker/dockerfile:1", "string"),
            ("ARG", "keyword"),
            ("PY", "variable"),
            ("python:", "type"),
            ("${PY}", "variable"),
            ("-slim", "type"),
            ("AS", "keyword"),
            ("# a comment é😀", "comment"),
            ("--mount", "parameter"),
            ("type", "property"),
            ("target", "property"),
            // Bash on the continuation line.
            ("pip", "function"),
            ("\"flask\"", "string"),
            ("&&", "operator"),
            ("rm", "function"),
            ("-rf", "parameter"),
            ("<<EOF", "operator"),
            // Bash inside the heredoc body.
            ("set", "function"),
            ("echo", "function"),
            ("$HOME", "variable"),
            ("|", "operator"),
            ("--from", "parameter"),
        ] {
            assert!(has(s, ty), "no {ty} token {s:?} in {tokens:?}");
        }
        // `AS build` declares the stage; `--from=build` uses it.
        let stages: Vec<&(String, String, u64)> =
            tokens.iter().filter(|(t, k, _)| t == "build" && k == "class").collect();
        assert_eq!(stages.len(), 2, "{tokens:?}");
        assert_eq!(stages[0].2, 1, "the declaration modifier");
        assert_eq!(stages[1].2, 0);
        // The `\` of the continuation is in no token; no token spans lines.
        assert!(tokens.iter().all(|(t, _, _)| !t.contains('\n') && !t.ends_with('\\')), "{tokens:?}");

        // A range: lines 6-8 (the heredoc), a subset of the full answer.
        let range = json!({ "start": { "line": 6, "character": 0 }, "end": { "line": 9, "character": 0 } });
        let part = client
            .request_ok("textDocument/semanticTokens/range", json!({ "textDocument": { "uri": URI }, "range": range }));
        let part = decode(&client, text, &part["data"], &init_legend);
        assert!(!part.is_empty() && part.len() < tokens.len(), "{part:?}");
        assert!(part.iter().all(|t| tokens.contains(t)), "{part:?}");
        assert!(part.iter().any(|(t, k, _)| t == "$HOME" && k == "variable"), "{part:?}");
        assert!(!part.iter().any(|(t, _, _)| t == "ARG" || t == "COPY"), "{part:?}");
    }
}

// ------------------------------------------------------------------ hover

#[test]
fn hovers_explain_flags_mounts_stages_images_and_check_names() {
    let mut client = client(true);
    let text = "# check=skip=JSONArgsRecommended\n\
                ARG PY=3.12\n\
                FROM python:${PY}-slim AS build\n\
                RUN --mount=type=secret,id=npm,env=TOKEN true\n\
                FROM build\n\
                COPY --link --chmod=644 --from=build /a /b\n\
                HEALTHCHECK --start-interval=2s CMD true\n";
    client.open(URI, text);
    let hover = |client: &mut Client, needle: &str, delta: usize| {
        let pos = client.pos(text, at(text, needle, 0, delta));
        hover_text(&client.hover(URI, pos))
    };
    assert!(hover(&mut client, "--mount", 3).contains("`--mount=type="), "mount flag");
    assert!(hover(&mut client, "secret,", 2).contains("`docker build --secret`"));
    assert!(hover(&mut client, "env=", 1).contains("environment variable"));
    assert!(hover(&mut client, "--link", 3).contains("independent layer"));
    assert!(hover(&mut client, "--chmod", 3).contains("permissions"));
    assert!(hover(&mut client, "--start-interval", 3).contains("start period"));
    let stage = hover(&mut client, "--from=build", 9);
    assert!(stage.contains("stage `build`") && stage.contains("FROM python:${PY}-slim AS build"), "{stage}");
    assert!(hover(&mut client, "FROM build", 7).contains("line 3"));
    let image = hover(&mut client, "python:", 2);
    assert!(
        image.contains("`docker.io`") && image.contains("`library/python`") && image.contains("`3.12-slim`"),
        "{image}"
    );
    // End of life from the offline table, on the test client's lint date (2024-06-01).
    assert!(image.contains("| end of life | Python 3.12: ends 2028-"), "{image}");
    let check = hover(&mut client, "JSONArgs", 3);
    assert!(check.contains("shell-form-command") && check.contains("[Documentation]("), "{check}");

    let old = "FROM python:3.7-slim-buster\n";
    client.open("untitled:old", old);
    let pos = client.pos(old, at(old, "python", 0, 2));
    let image = hover_text(&client.hover("untitled:old", pos));
    assert!(image.contains("Python 3.7: **ended 2023-06-27**"), "{image}");
    assert!(image.contains("Debian 10: **ends 2024-06-30**, soon"), "{image}");
}

// ------------------------------------------------------------------ selection ranges

#[test]
fn selection_ranges_grow_from_a_bash_word_to_the_document() {
    let mut client = client(true);
    let text = "FROM debian:12 AS base\n\
                RUN apt-get update && \\\n    apt-get install -y curl | tee log\n\
                ENV A=1\n\
                FROM base\n";
    client.open(URI, text);
    let position = client.pos(text, at(text, "curl", 0, 2));
    let result = client
        .request_ok("textDocument/selectionRange", json!({ "textDocument": { "uri": URI }, "positions": [position] }));
    let mut chain = Vec::new();
    let mut node = &result[0];
    while !node.is_null() {
        let start = client.offset(text, &node["range"]["start"]);
        let end = client.offset(text, &node["range"]["end"]);
        chain.push(&text[start..end]);
        node = &node["parent"];
    }
    assert_eq!(chain[0], "curl");
    let expect = [
        "apt-get install -y curl",
        "apt-get install -y curl | tee log",
        "apt-get update && \\\n    apt-get install -y curl | tee log",
        "RUN apt-get update && \\\n    apt-get install -y curl | tee log",
        "FROM debian:12 AS base\nRUN apt-get update && \\\n    apt-get install -y curl | tee log\nENV A=1",
        text,
    ];
    let positions: Vec<usize> = expect
        .iter()
        .map(|e| chain.iter().position(|c| c == e).unwrap_or_else(|| panic!("{e:?} not in {chain:?}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{chain:?}");
}

// ------------------------------------------------------------------ signature help

#[test]
fn signature_help_marks_the_parameter_under_the_cursor() {
    let mut client = client(false);
    let text = "FROM alpine:3.20\nCOPY --chown=app:app src/ /srv/\nRUN --network=none make\n";
    client.open(URI, text);
    let help = |client: &mut Client, offset: usize| {
        let params = json!({ "textDocument": { "uri": URI }, "position": client.pos(text, offset) });
        let h = client.request_ok("textDocument/signatureHelp", params);
        let sig = &h["signatures"][0];
        let label = sig["label"].as_str().unwrap().to_string();
        let active = h["activeParameter"].as_u64().unwrap() as usize;
        let offsets = &sig["parameters"][active]["label"];
        let (s, e) = (offsets[0].as_u64().unwrap() as usize, offsets[1].as_u64().unwrap() as usize);
        (label.clone(), label[s..e].to_string())
    };
    let (label, param) = help(&mut client, at(text, "--chown", 0, 4));
    assert!(label.starts_with("COPY [--from=<stage|image>] [--chown=<user>:<group>]"), "{label}");
    assert_eq!(param, "[--chown=<user>:<group>]");
    assert_eq!(help(&mut client, at(text, "src/", 0, 2)).1, "<src>...");
    assert_eq!(help(&mut client, at(text, "/srv/", 0, 2)).1, "<dest>");
    assert_eq!(help(&mut client, at(text, "none", 0, 2)).1, "[--network=default|none|host]");
    assert_eq!(help(&mut client, at(text, "make", 0, 2)).1, "<command>");
}

// ------------------------------------------------------------------ inlay hints and links

#[test]
fn inlay_hints_show_resolved_values_and_links_open_registries() {
    let mut client = client(true);
    let text = "# syntax=docker/dockerfile:1\n\
                ARG PY=3.12\nARG UNSET\n\
                FROM python:${PY}-slim AS build\n\
                FROM ghcr.io/acme/tool:${UNSET} AS tool\n\
                FROM quay.io/prometheus/busybox:latest\n\
                ARG CACHE=pip-é\n\
                RUN --mount=type=cache,id=${CACHE},target=/c true\n\
                COPY --from=build /a /b\n\
                COPY --from=nginx:1.27 /etc/nginx /n\n";
    client.open(URI, text);
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let hints = client.request_ok("textDocument/inlayHint", json!({ "textDocument": { "uri": URI }, "range": whole }));
    let hints: Vec<(usize, String)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (client.offset(text, &h["position"]), h["label"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        hints,
        [(at(text, "${PY}", 0, 5), "= 3.12".to_string()), (at(text, "${CACHE}", 0, 8), "= pip-é".to_string())]
    );

    let links = client.request_ok("textDocument/documentLink", json!({ "textDocument": { "uri": URI } }));
    let links: Vec<(&str, &str)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let start = client.offset(text, &l["range"]["start"]);
            let end = client.offset(text, &l["range"]["end"]);
            (&text[start..end], l["target"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        links,
        [
            ("docker/dockerfile:1", "https://hub.docker.com/r/docker/dockerfile"),
            ("python:${PY}-slim", "https://hub.docker.com/_/python"),
            ("quay.io/prometheus/busybox:latest", "https://quay.io/repository/prometheus/busybox"),
            ("nginx:1.27", "https://hub.docker.com/_/nginx"),
        ]
    );
}

#[test]
fn initialize_announces_the_editing_features() {
    let mut client = Client::start();
    let result = client.request_ok("initialize", json!({ "processId": null, "capabilities": {} }));
    let caps = &result["capabilities"];
    let triggers = caps["completionProvider"]["triggerCharacters"].as_array().unwrap();
    assert!(triggers.contains(&json!("$")) && triggers.contains(&json!("-")), "{caps}");
    assert_eq!(caps["selectionRangeProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert!(caps["signatureHelpProvider"]["triggerCharacters"].is_array(), "{caps}");
    assert!(caps["documentLinkProvider"].is_object(), "{caps}");
    assert!(caps["semanticTokensProvider"]["legend"]["tokenTypes"].is_array(), "{caps}");
}

/// Broken and unusual input: every request at every position answers
/// without an error, and the server keeps serving.
#[test]
fn every_feature_answers_everywhere_on_broken_input() {
    let mut client = client(true);
    let texts = [
        "# escape=`\r\nFROM  --platform= é😀:${ AS\r\nRUN --mount=type=,from=,=x `\r\n  echo \"$ ${\r\nCOPY --from= --chmod\r\n",
        "ONBUILD\nHEALTHCHECK --interval= CMD\nRUN <<EOF\nif then\nSTOPSIGNAL\nFROM a AS\nARG =\nENV ${X:-\n# check=skip=,;error\n",
    ];
    for (version, text) in texts.iter().enumerate() {
        if version == 0 {
            client.open(URI, text);
        } else {
            client.change(URI, version as i64 + 1, json!([{ "text": text }]));
        }
        let doc = json!({ "uri": URI });
        let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
        for (method, params) in [
            ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
            ("textDocument/semanticTokens/range", json!({ "textDocument": doc, "range": whole })),
            ("textDocument/inlayHint", json!({ "textDocument": doc, "range": whole })),
            ("textDocument/documentLink", json!({ "textDocument": doc })),
        ] {
            client.request_ok(method, params);
        }
        let mut positions = Vec::new();
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            positions.push(client.pos(text, offset));
        }
        for position in &positions {
            let at = json!({ "textDocument": doc, "position": position });
            client.request_ok("textDocument/completion", at.clone());
            client.request_ok("textDocument/hover", at.clone());
            client.request_ok("textDocument/signatureHelp", at);
        }
        let ranges =
            client.request_ok("textDocument/selectionRange", json!({ "textDocument": doc, "positions": positions }));
        assert_eq!(ranges.as_array().unwrap().len(), positions.len());
    }
    assert!(!client.stderr().contains("panicked"), "{}", client.stderr());
    let (status, _) = client.shutdown();
    assert!(status.success());
}
