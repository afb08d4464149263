//! The language server's incremental lint and the code actions that answer
//! from the last lint result, end to end.

mod support;

use serde_json::{Value, json};
use support::*;

/// Edits in one stage, then in another, then ones that change what every
/// stage reads (a new `FROM`, a global `ARG`, an escape directive): each
/// publication is what a fresh lint of the same text finds.
#[test]
fn pushed_diagnostics_after_edits_equal_a_fresh_lint() {
    let mut client = Client::push();
    let uri = "untitled:incremental";
    let mut text = "ARG V=1\nFROM debian:12 AS build\nRUN apt-get install curl\nWORKDIR app\n\n\
                    FROM alpine:3.19 AS other\nRUN apk add git\nUSER root\n\n\
                    FROM build AS final\nCOPY --from=other /x /y\nRUN cd /tmp && make\n"
        .to_string();
    client.open(uri, &text);
    client.published(uri, 1);
    let edits: [(&str, usize, &str); 7] = [
        ("apk add git", 0, "apk add curl && "),
        ("apt-get install", 8, "-y "),
        ("USER root", 5, "nobody"),
        ("FROM build", 0, "FROM alpine AS extra\nRUN sudo ls\n"),
        ("ARG V=1", 7, "\nARG W=2"),
        ("", 0, "# escape=`\n"),
        ("COPY --from=other", 12, "ex"),
    ];
    for (version, (needle, delta, insert)) in (2..).zip(edits) {
        let at = text.find(needle).expect("the needle is in the text") + delta;
        let range = client.range(&text, at, at);
        client.change(uri, version, json!([{ "range": range, "text": insert }]));
        text.insert_str(at, insert);
        let published = client.published(uri, version);
        let unit = dockside_rules::ColumnUnit::Utf16;
        assert_eq!(rule_diagnostics(&published), engine_diagnostics(&text, unit), "after edit {version}: {text}");
    }
}

/// A client that resolves code actions' edits gets the fix-all action
/// without its edit, which `codeAction/resolve` fills in for the version
/// it was offered for (and not for an older one).
#[test]
fn code_action_resolve_fills_in_the_fix_all_edit() {
    let capabilities = json!({
        "workspace": { "workspaceEdit": { "documentChanges": true } },
        "textDocument": { "codeAction": { "resolveSupport": { "properties": ["edit"] }, "dataSupport": true } }
    });
    let mut client = Client::with_capabilities(capabilities);
    let uri = "untitled:resolve";
    let text = "FROM alpine:3.19\nRUN apt-get install curl\n";
    client.open(uri, text);
    client.published(uri, 1);
    let actions = client.code_actions(uri, client.range(text, 0, 0), Some(json!(["source.fixAll.dockside"])));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let offered = &actions[0];
    assert!(offered.get("edit").is_none_or(Value::is_null), "{offered}");
    assert!(offered.get("data").is_some(), "{offered}");

    let resolved = client.request_ok("codeAction/resolve", offered.clone());
    let fixed = client.apply_action(text, uri, &resolved);
    assert_eq!(fixed, dockside_rules::fix(text, &settings(), false).text);
    assert_ne!(fixed, text);
    assert!(resolved.get("data").is_none_or(Value::is_null), "{resolved}");

    // Offered for version 1: once the document moved on, no edit.
    client.change(uri, 2, json!([{ "text": "FROM alpine:3.19\n" }]));
    let stale = client.request_ok("codeAction/resolve", offered.clone());
    assert!(stale.get("edit").is_none_or(Value::is_null), "{stale}");
}
