//! End-to-end tests of `dockside lsp` navigation: definition, references,
//! document highlights and rename of stage names and ARG/ENV variables.

mod support;

use serde_json::{Value, json};
use support::*;

const TEXT: &str = "\
ARG VERSION=3.19
FROM alpine:${VERSION} AS build
ARG VERSION
ENV APP=/app
RUN echo \"$VERSION\" > $APP/v \\
  && APP=/tmp && echo $APP
FROM build AS test
RUN --mount=type=cache,from=build,target=/c ls ${APP:-/x}
FROM scratch
COPY --from=build /app /app
COPY --from=1 /t /t
";

/// The byte offset of the `n`th `needle`, plus `delta`.
fn at(needle: &str, n: usize, delta: usize) -> usize {
    TEXT.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle} #{n}")).0 + delta
}

fn position_params(client: &Client, uri: &str, offset: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": client.pos(TEXT, offset) })
}

/// `(start offset, end offset)` of each location or range.
fn spans(client: &Client, ranges: impl IntoIterator<Item = Value>) -> Vec<(usize, usize)> {
    ranges.into_iter().map(|r| (client.offset(TEXT, &r["start"]), client.offset(TEXT, &r["end"]))).collect()
}

fn span(start: usize, len: usize) -> (usize, usize) {
    (start, start + len)
}

fn navigation_client() -> (Client, &'static str) {
    let mut client = Client::with_capabilities(json!({
        "general": { "positionEncodings": ["utf-16"] },
        "workspace": { "workspaceEdit": { "documentChanges": true } },
        "textDocument": { "diagnostic": {} }
    }));
    let uri = "untitled:nav";
    client.open(uri, TEXT);
    (client, uri)
}

#[test]
fn definitions_follow_buildkit_scoping() {
    let (mut client, uri) = navigation_client();
    let definition = |client: &mut Client, offset: usize| -> Option<(usize, usize)> {
        let result = client.request_ok("textDocument/definition", position_params(client, uri, offset));
        if result.is_null() {
            return None;
        }
        assert_eq!(result["uri"], uri);
        Some(spans(client, [result["range"].clone()])[0])
    };
    let global = span(at("VERSION", 0, 0), 7);
    let redeclared = span(at("VERSION", 2, 0), 7);
    let env = span(at("APP", 0, 0), 3);
    let stage = span(at("build", 0, 0), 5);
    // The global ARG in FROM; inside the stage, the `ARG VERSION` that
    // re-declares it, which itself leads to the global one.
    assert_eq!(definition(&mut client, at("VERSION", 1, 3)), Some(global));
    assert_eq!(definition(&mut client, at("VERSION", 3, 0)), Some(redeclared));
    assert_eq!(definition(&mut client, at("VERSION", 2, 7)), Some(global));
    // `$APP` in RUN is the ENV, until the script assigns APP itself.
    assert_eq!(definition(&mut client, at("$APP", 0, 1)), Some(env));
    assert_eq!(definition(&mut client, at("$APP", 1, 2)), None);
    // ENV is inherited through `FROM build`.
    assert_eq!(definition(&mut client, at("${APP", 0, 3)), Some(env));
    // Stage names: FROM, RUN --mount, COPY --from, and a stage number.
    for offset in [at("build", 1, 2), at("build", 2, 0), at("build", 3, 5)] {
        assert_eq!(definition(&mut client, offset), Some(stage), "at {offset}");
    }
    assert_eq!(definition(&mut client, at("--from=1", 0, 7)), Some(span(at("test", 0, 0), 4)));
    // Nothing to go to: a keyword, an image.
    assert_eq!(definition(&mut client, at("RUN", 0, 1)), None);
    assert_eq!(definition(&mut client, at("alpine", 0, 1)), None);
}

#[test]
fn references_and_highlights_list_every_occurrence() {
    let (mut client, uri) = navigation_client();
    let references = |client: &mut Client, offset: usize, include: bool| {
        let mut params = position_params(client, uri, offset);
        params["context"] = json!({ "includeDeclaration": include });
        let result = client.request_ok("textDocument/references", params);
        let locations = result.as_array().unwrap().clone();
        assert!(locations.iter().all(|l| l["uri"] == uri), "{result}");
        spans(client, locations.into_iter().map(|l| l["range"].clone()))
    };
    let version: Vec<(usize, usize)> = (0..4).map(|n| span(at("VERSION", n, 0), 7)).collect();
    assert_eq!(references(&mut client, at("VERSION", 3, 2), true), version);
    assert_eq!(references(&mut client, at("VERSION", 3, 2), false), [version[1], version[3]]);
    let stage: Vec<(usize, usize)> = (0..4).map(|n| span(at("build", n, 0), 5)).collect();
    assert_eq!(references(&mut client, at("build", 0, 0), true), stage);
    let app = vec![span(at("APP", 0, 0), 3), span(at("$APP", 0, 1), 3), span(at("${APP", 0, 2), 3)];
    assert_eq!(references(&mut client, at("APP", 0, 1), true), app);

    let result = client.request_ok("textDocument/documentHighlight", position_params(&client, uri, at("$APP", 0, 2)));
    let highlights = result.as_array().unwrap();
    let ranges = spans(&client, highlights.iter().map(|h| h["range"].clone()));
    assert_eq!(ranges, app);
    let kinds: Vec<i64> = highlights.iter().map(|h| h["kind"].as_i64().unwrap()).collect();
    assert_eq!(kinds, [3, 2, 2], "the declaration is a write, uses are reads");
    let none = client.request_ok("textDocument/documentHighlight", position_params(&client, uri, at("echo", 0, 1)));
    assert!(none.is_null(), "{none}");
}

#[test]
fn rename_edits_every_occurrence_and_refuses_bad_names() {
    let (mut client, uri) = navigation_client();
    let prepare = |client: &mut Client, offset: usize| {
        client.request("textDocument/prepareRename", position_params(client, uri, offset))
    };
    let rename = |client: &mut Client, offset: usize, new_name: &str| {
        let mut params = position_params(client, uri, offset);
        params["newName"] = json!(new_name);
        client.request("textDocument/rename", params)
    };

    let prepared = prepare(&mut client, at("build", 3, 1));
    assert_eq!(prepared["result"]["placeholder"], "build", "{prepared}");
    assert_eq!(spans(&client, [prepared["result"]["range"].clone()]), [span(at("build", 3, 0), 5)]);
    assert!(prepare(&mut client, at("FROM", 0, 1))["result"].is_null());
    // A stage used by number is renamed at its name.
    let by_number = prepare(&mut client, at("--from=1", 0, 7));
    assert_eq!(by_number["error"]["code"], -32602, "{by_number}");

    // A stage: versioned edits for every name, not the stage number.
    let response = rename(&mut client, at("build", 2, 1), "builder");
    let change = &response["result"]["documentChanges"][0];
    assert_eq!(change["textDocument"], json!({ "uri": uri, "version": 1 }), "{response}");
    let renamed = client.apply(TEXT, change["edits"].as_array().unwrap());
    assert_eq!(renamed, TEXT.replace("build", "builder"));

    // A variable: the global ARG, its re-declaration and every use.
    let response = rename(&mut client, at("VERSION", 1, 1), "ALPINE_VERSION");
    let edits = response["result"]["documentChanges"][0]["edits"].as_array().unwrap().clone();
    assert_eq!(client.apply(TEXT, &edits), TEXT.replace("VERSION", "ALPINE_VERSION"));
    // The ENV: not the script's own APP after it assigns it.
    let response = rename(&mut client, at("${APP", 0, 2), "ROOT");
    let edits = response["result"]["documentChanges"][0]["edits"].as_array().unwrap().clone();
    let want = TEXT
        .replacen("ENV APP=", "ENV ROOT=", 1)
        .replacen("> $APP/v", "> $ROOT/v", 1)
        .replacen("${APP:-", "${ROOT:-", 1);
    assert_eq!(client.apply(TEXT, &edits), want);

    for (offset, bad, why) in [
        (at("build", 0, 0), "Builder", "not a valid stage name"),
        (at("build", 0, 0), "1st", "not a valid stage name"),
        (at("build", 0, 0), "test", "already exists"),
        (at("build", 0, 0), "scratch", "used as an image name"),
        (at("APP", 0, 0), "2APP", "not a valid variable name"),
        (at("APP", 0, 0), "VERSION", "already declared"),
    ] {
        let response = rename(&mut client, offset, bad);
        assert_eq!(response["error"]["code"], -32602, "{bad}: {response}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{bad}: {message}");
    }
    let nothing = rename(&mut client, at("scratch", 0, 1), "x");
    assert!(nothing.get("error").is_some() || nothing["result"].is_null(), "{nothing}");
}

#[test]
fn rename_without_document_changes_uses_changes_and_follows_edits() {
    let mut client = Client::with_capabilities(json!({ "general": { "positionEncodings": ["utf-8"] } }));
    let uri = "untitled:plain";
    let text = "FROM alpine AS é\nFROM debian AS stage\nCOPY --from=stage /a /b\n";
    client.open(uri, text);
    client.change(
        uri,
        2,
        json!([{ "range": client.range(text, 0, text.find('\n').unwrap()), "text": "FROM alpine AS build" }]),
    );
    let text = &text.replacen("AS é", "AS build", 1);
    let stage = text.rfind("stage").unwrap();
    let params = json!({ "textDocument": { "uri": uri }, "position": client.pos(text, stage + 2), "newName": "final" });
    let result = client.request_ok("textDocument/rename", params);
    let edits = result["changes"][uri].as_array().unwrap();
    assert_eq!(client.apply(text, edits), text.replace("stage", "final"));
}
