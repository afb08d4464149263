//! End-to-end tests of `dockside lsp`: the real binary driven by the client
//! in `support/`.

mod support;

use std::fs;
use std::time::{Duration, Instant};

use std::path::Path;

use dockside_rules::ColumnUnit;
use serde_json::{Value, json};
use support::*;

// ------------------------------------------------------------------ tests

#[test]
fn initialize_negotiates_the_position_encoding() {
    let offered = json!({ "general": { "positionEncodings": ["utf-32", "utf-8", "utf-16"] } });
    let mut client = Client::start();
    let result = client.request_ok("initialize", json!({ "processId": null, "capabilities": offered }));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync: {caps}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["diagnosticProvider"]["identifier"], "dockside");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["foldingRangeProvider"], true);
    let kinds = caps["codeActionProvider"]["codeActionKinds"].as_array().unwrap();
    assert!(kinds.contains(&json!("quickfix")) && kinds.contains(&json!("source.fixAll.dockside")), "{kinds:?}");
    assert_eq!(result["serverInfo"]["name"], "dockside");

    let mut plain = Client::start();
    let result = plain.request_ok("initialize", json!({ "processId": null, "capabilities": {} }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    let only16 = json!({ "general": { "positionEncodings": ["utf-16"] } });
    let mut other = Client::start();
    let result = other.request_ok("initialize", json!({ "processId": null, "capabilities": only16 }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

/// 50 single-character edits sent back to back, with non-ASCII text and
/// deletions: the server ends with exactly the client's text, and publishes
/// for the last version only.
#[test]
fn a_burst_of_edits_yields_the_final_text_and_one_result() {
    for encodings in [json!(["utf-16"]), json!(["utf-8", "utf-16"])] {
        let mut client = Client::with_capabilities(json!({ "general": { "positionEncodings": encodings } }));
        let uri = "untitled:burst-Dockerfile";
        let mut text = String::from("FROM alpine:3.19\n");
        client.open(uri, &text);
        client.published(uri, 1);
        // ShellCheck's findings follow in a second publication of version 1.
        client.collect_for(Duration::from_millis(300));
        client.backlog.clear();

        // Type this at the end, one character per edit; then change the tag
        // (delete "19", type "20") and delete the emoji of the label.
        type Step = Box<dyn Fn(&str) -> (usize, usize, String)>;
        let typed = "# é中😀\nRUN apt-get install curl\nLABEL x=\"ü😀\"\n# end\n";
        let mut steps: Vec<Step> = Vec::new();
        for c in typed.chars() {
            steps.push(Box::new(move |t: &str| (t.len(), t.len(), c.to_string())));
        }
        steps.push(Box::new(|t: &str| at_and_after(t, "3.19", 2, 1, "")));
        steps.push(Box::new(|t: &str| at_and_after(t, "3.9", 2, 1, "")));
        steps.push(Box::new(|t: &str| at_and_after(t, "3.\n", 2, 0, "2")));
        steps.push(Box::new(|t: &str| at_and_after(t, "3.2\n", 3, 0, "0")));
        steps.push(Box::new(|t: &str| at_and_after(t, "ü😀", 'ü'.len_utf8(), '😀'.len_utf8(), "")));
        let mut version = 1;
        let mut changes = Vec::new();
        for step in &steps {
            let (start, end, new_text) = step(&text);
            let range = client.range(&text, start, end);
            text.replace_range(start..end, &new_text);
            version += 1;
            let document = json!({ "uri": uri, "version": version });
            changes.push(json!({ "textDocument": document, "contentChanges": [{ "range": range, "text": new_text }] }));
        }
        client.notify_all(&changes.into_iter().map(|c| ("textDocument/didChange", c)).collect::<Vec<_>>());
        assert!(version > 50, "{version}");
        assert_eq!(text, "FROM alpine:3.20\n# é中😀\nRUN apt-get install curl\nLABEL x=\"ü\"\n# end\n");

        let diagnostics = client.published(uri, version);
        assert_eq!(rule_diagnostics(&diagnostics), engine_diagnostics(&text, client.unit));
        assert!(codes(&diagnostics).contains(&"apt-get-missing-yes".to_string()));

        // Coalesced: no result for an older version after (or instead of) the last one.
        let later = client.collect_for(Duration::from_millis(300));
        let stale: Vec<&Value> = later
            .iter()
            .chain(client.backlog.iter())
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .filter(|m| m["params"]["version"].as_i64().unwrap_or(0) < version)
            .collect();
        let early: Vec<_> = stale.iter().map(|m| m["params"]["version"].as_i64()).collect();
        // A version is linted only when the server saw no newer change for a
        // moment; on a loaded machine that can happen a few times in a burst,
        // but never for most of its keystrokes.
        assert!(stale.len() * 4 < version as usize, "the burst was not coalesced: early results for {early:?}");

        // The server's text is the client's: the fix-all edit applies cleanly.
        let actions = client.code_actions(uri, client.range(&text, 0, 0), Some(json!(["source.fixAll"])));
        assert_eq!(actions.len(), 1, "{actions:?}");
        let fixed = client.apply_action(&text, uri, &actions[0]);
        assert_eq!(fixed, dockside_rules::fix(&text, &support::settings(), false).text);
    }
}

/// Positions of diagnostics, edits and hovers after é, 中 and an emoji, in
/// both encodings.
#[test]
fn non_ascii_text_maps_to_the_right_columns_in_both_encodings() {
    let text = "# é 中 😀 comment\nARG VERSION=1.2\nFROM alpine:3.19\nARG VERSION\n\
                LABEL note=\"é中😀\" version=\"${VERSION}\"\nRUN echo \"é中😀\" && apt-get install curl\n";
    for (offered, unit) in [(json!(["utf-8"]), ColumnUnit::Utf8), (json!([]), ColumnUnit::Utf16)] {
        let mut client = Client::with_capabilities(json!({ "general": { "positionEncodings": offered } }));
        assert_eq!(client.unit, unit);
        let uri = "untitled:non-ascii";
        client.open(uri, text);
        let diagnostics = client.published(uri, 1);
        let missing_yes = find(&diagnostics, "apt-get-missing-yes");
        let apt = text.find("apt-get").unwrap();
        assert_eq!(missing_yes["range"]["start"], client.pos(text, apt), "{unit:?}");
        let expected_column = match unit {
            ColumnUnit::Utf8 => "RUN echo \"é中😀\" && ".len(),
            _ => "RUN echo \"é中😀\" && ".encode_utf16().count(),
        };
        assert_eq!(missing_yes["range"]["start"]["character"], expected_column);
        assert_eq!(rule_diagnostics(&diagnostics), engine_diagnostics(text, unit));

        // The variable after the emoji.
        let var = text.find("${VERSION}").unwrap();
        let hover = client.hover(uri, client.pos(text, var + 3));
        assert!(hover_text(&hover).contains("`1.2`"), "{hover}");
        assert_eq!(hover["range"], client.range(text, var, var + "${VERSION}".len()));

        // An edit after the emoji: `-y ` before `curl`.
        let curl = text.find("curl").unwrap();
        client.change(uri, 2, json!([{ "range": client.range(text, curl, curl), "text": "-y " }]));
        let after = client.published(uri, 2);
        assert!(!codes(&after).contains(&"apt-get-missing-yes".to_string()), "{:?}", codes(&after));
        let mut edited = text.to_string();
        edited.insert_str(curl, "-y ");
        assert_eq!(rule_diagnostics(&after), engine_diagnostics(&edited, unit));
    }
}

#[test]
fn pushed_diagnostics_carry_codes_links_severities_tags_and_related_information() {
    if !dockside_rules::test_env::shellcheck(
        "pushed_diagnostics_carry_codes_links_severities_tags_and_related_information",
    ) {
        return;
    }
    let mut client = Client::push();
    let uri = "untitled:push";
    let text = "FROM alpine:3.19 AS base\nFROM alpine:3.19 AS base\nMAINTAINER me\nLABEL Foo=1\n\
                RUN apt-get install curl && echo $1\n";
    client.open(uri, text);
    let diagnostics = client.published(uri, 1);

    let maintainer = find(&diagnostics, "maintainer-deprecated");
    assert_eq!(maintainer["source"], "dockside");
    assert_eq!(maintainer["severity"], 1);
    assert_eq!(maintainer["tags"], json!([2]), "DEPRECATED");
    let href = maintainer["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("/docs/rules/maintainer-deprecated.md"), "{href}");
    assert_eq!(find(&diagnostics, "apt-get-missing-yes")["severity"], 2);
    assert_eq!(find(&diagnostics, "apt-get-installs-recommends")["severity"], 3);
    assert_eq!(find(&diagnostics, "invalid-label-key")["severity"], 4);
    assert!(find(&diagnostics, "apt-get-missing-yes").get("tags").is_none());

    let duplicate = find(&diagnostics, "duplicate-stage-name");
    let related = duplicate["relatedInformation"].as_array().expect("related information");
    assert_eq!(related[0]["location"]["uri"], uri);
    let first = text.find("base").unwrap();
    assert_eq!(related[0]["location"]["range"], client.range(text, first, first + 4));

    // The rules' findings come first; ShellCheck's follow in a second
    // publication of the same version, merged with them as in the CLI.
    assert!(!codes(&diagnostics).iter().any(|c| c.starts_with("SC")), "{:?}", codes(&diagnostics));
    let diagnostics = client.published(uri, 1);
    assert!(codes(&diagnostics).contains(&"maintainer-deprecated".to_string()));
    let sc = find(&diagnostics, "SC2086");
    assert_eq!(sc["source"], "dockside");
    let dollar = text.find("$1").unwrap();
    assert_eq!(sc["range"]["start"], client.pos(text, dollar));
    assert!(sc["codeDescription"]["href"].as_str().unwrap().contains("shellcheck.net/wiki/SC2086"));

    // Closing clears them.
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    let cleared = client.wait_for("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"] == json!([])
    });
    assert_eq!(cleared["params"]["uri"], uri);

    // When ShellCheck finds nothing, the first publication was complete and
    // is not sent again.
    let quiet = "untitled:quiet";
    client.open(quiet, "FROM alpine:3.19\nMAINTAINER me\nRUN echo \"$HOME\"\n");
    assert!(codes(&client.published(quiet, 1)).contains(&"maintainer-deprecated".to_string()));
    let again: Vec<Value> = client
        .collect_for(Duration::from_millis(1500))
        .into_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == quiet)
        .collect();
    assert!(again.is_empty(), "published twice: {again:?}");
    let (status, stderr) = client.shutdown();
    assert!(status.success(), "{stderr}");
}

#[test]
fn pulled_diagnostics_are_reported_and_none_are_pushed() {
    let mut client = Client::pull();
    let uri = "untitled:pull";
    let text = "FROM alpine:3.19\nMAINTAINER me\n";
    client.open(uri, text);
    let report = client.request_ok("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    assert_eq!(codes(items), ["maintainer-deprecated"]);
    let result_id = report["resultId"].as_str().unwrap().to_string();

    let again = client.request_ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri }, "previousResultId": result_id }),
    );
    assert_eq!(again["kind"], "unchanged", "{again}");

    // An edit that changes no diagnostic (a comment at the end): the report
    // is still unchanged, though the document's version moved on.
    let end = text.len();
    client.change(uri, 2, json!([{ "range": client.range(text, end, end), "text": "# a note\n" }]));
    let commented = client.request_ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri }, "previousResultId": result_id }),
    );
    assert_eq!(commented["kind"], "unchanged", "{commented}");

    let text = format!("{text}# a note\n");
    let end = text.len();
    client.change(uri, 3, json!([{ "range": client.range(&text, end, end), "text": "RUN apt-get install -y curl\n" }]));
    let items = client.pull_diagnostics(uri);
    assert!(codes(&items).contains(&"apt-get-unpinned-package".to_string()), "{:?}", codes(&items));

    let pushed: Vec<Value> = client
        .collect_for(Duration::from_millis(300))
        .into_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert!(pushed.is_empty(), "a pull client got pushed diagnostics: {pushed:?}");
}

#[test]
fn no_ignore_actions_when_pragmas_are_disabled() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".hadolint.yaml"), "disable-ignore-pragma: true\n").unwrap();
    let text = "FROM alpine:3.19\n# hadolint ignore=DL3014\nRUN apt-get install curl\n";
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::pull();
    client.open(&uri, text);
    // The pragma is not honoured...
    assert!(codes(&client.pull_diagnostics(&uri)).contains(&"apt-get-missing-yes".to_string()));
    // ...so no action offers to add one; the fixes are still there.
    let apt = text.find("apt-get").unwrap();
    let actions = client.code_actions(&uri, client.range(text, apt, apt), Some(json!(["quickfix"])));
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.iter().all(|t| !t.starts_with("Ignore")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("-y")), "{titles:?}");
}

#[test]
fn config_is_discovered_per_document_like_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FROM alpine:3.19\nRUN apt-get install curl\n";
    let configured = dir.path().join("configured");
    let hadolint = dir.path().join("hadolint");
    let plain = dir.path().join("plain");
    let broken = dir.path().join("broken");
    for d in [&configured, &hadolint, &plain, &broken] {
        fs::create_dir_all(d.join("sub")).unwrap();
    }
    fs::write(configured.join("dockside.toml"), "ignore = [\"apt-get-missing-yes\"]\n").unwrap();
    fs::write(hadolint.join(".hadolint.yaml"), "ignored:\n  - DL3008\n").unwrap();
    fs::write(broken.join("dockside.toml"), "ignore = [\"no-such-rule\"]\n").unwrap();

    let mut client = Client::pull();
    let mut diagnostics_of = |root: &Path| {
        let file = root.join("sub").join("Dockerfile");
        let uri = file_uri(&file);
        client.open(&uri, text);
        client.pull_diagnostics(&uri)
    };
    let plain_codes = codes(&diagnostics_of(&plain));
    assert!(
        plain_codes.contains(&"apt-get-missing-yes".to_string())
            && plain_codes.contains(&"apt-get-unpinned-package".to_string())
    );
    let configured_codes = codes(&diagnostics_of(&configured));
    assert!(!configured_codes.contains(&"apt-get-missing-yes".to_string()), "{configured_codes:?}");
    assert!(configured_codes.contains(&"apt-get-unpinned-package".to_string()));
    let hadolint_codes = codes(&diagnostics_of(&hadolint));
    assert!(!hadolint_codes.contains(&"apt-get-unpinned-package".to_string()), "{hadolint_codes:?}");
    assert!(hadolint_codes.contains(&"apt-get-missing-yes".to_string()));
    let broken_diagnostics = diagnostics_of(&broken);
    let error = find(&broken_diagnostics, "config-error");
    assert!(error["message"].as_str().unwrap().contains("no-such-rule"), "{error}");
    assert!(codes(&broken_diagnostics).contains(&"apt-get-missing-yes".to_string()), "the defaults apply");
}

#[test]
fn the_build_context_is_read_and_unused_stages_are_tagged_unnecessary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".dockerignore"), "*.md\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.19\nRUN true\nFROM alpine:3.19\nCOPY notes.md /srv/\n";
    let mut client = Client::pull();
    client.open(&uri, text);
    let items = client.pull_diagnostics(&uri);
    let start = text.find("notes.md").unwrap();
    assert_eq!(find(&items, "copy-ignored-file")["range"], client.range(text, start, start + 8));
    assert_eq!(find(&items, "unused-stage")["tags"], json!([1]), "UNNECESSARY");
    // A document without a file has no build context.
    client.open("untitled:context", text);
    let untitled = codes(&client.pull_diagnostics("untitled:context"));
    assert!(!untitled.contains(&"copy-ignored-file".to_string()), "{untitled:?}");
}

#[test]
fn code_actions_fix_ignore_and_fix_all() {
    let mut client =
        Client::with_capabilities(json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } }));
    let uri = "untitled:actions";
    let text = "# syntax=docker/dockerfile:1\nFROM alpine:3.19 AS build\n  RUN apt-get install curl\n";
    client.open(uri, text);
    client.published(uri, 1);
    let apt = text.find("apt-get").unwrap();
    let actions = client.code_actions(uri, client.range(text, apt, apt), None);
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    let by_title = |prefix: &str| {
        actions
            .iter()
            .find(|a| a["title"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no action `{prefix}…` in {titles:?}"))
    };

    // The safe fix of apt-get-missing-yes: preferred, versioned edit.
    let safe = actions
        .iter()
        .find(|a| {
            a["kind"] == "quickfix"
                && a["diagnostics"][0]["code"] == "apt-get-missing-yes"
                && a.get("isPreferred") == Some(&json!(true))
        })
        .unwrap_or_else(|| panic!("no preferred fix in {titles:?}"));
    assert_eq!(safe["edit"]["documentChanges"][0]["textDocument"]["version"], 1);
    let fixed = client.apply_action(text, uri, safe);
    assert!(fixed.contains("apt-get install -y curl") || fixed.contains("apt-get -y install curl"), "{fixed}");

    // The unsafe fix of apt-get-installs-recommends: marked, not preferred.
    let unsafe_fix = actions
        .iter()
        .find(|a| {
            a["diagnostics"][0]["code"] == "apt-get-installs-recommends"
                && !a["title"].as_str().unwrap().starts_with("Ignore")
        })
        .unwrap_or_else(|| panic!("no unsafe fix in {titles:?}"));
    assert!(unsafe_fix["title"].as_str().unwrap().ends_with("(unsafe)"), "{unsafe_fix}");
    assert_eq!(unsafe_fix["isPreferred"], false);

    // Ignore for this instruction: a pragma above it, indented like it.
    let ignore = by_title("Ignore apt-get-missing-yes for this instruction");
    let ignored = client.apply_action(text, uri, ignore);
    assert_eq!(
        ignored,
        "# syntax=docker/dockerfile:1\nFROM alpine:3.19 AS build\n  # dockside ignore=apt-get-missing-yes\n  RUN apt-get install curl\n"
    );
    // ...and it works: the server no longer reports it.
    client.change(uri, 2, json!([{ "text": ignored }]));
    let after = client.published(uri, 2);
    assert!(!codes(&after).contains(&"apt-get-missing-yes".to_string()), "{:?}", codes(&after));
    // A second rule joins the same pragma.
    let apt = ignored.find("apt-get install").unwrap();
    let actions = client.code_actions(uri, client.range(&ignored, apt, apt), Some(json!(["quickfix"])));
    let second = actions
        .iter()
        .find(|a| {
            a["title"] == "Ignore apt-get-unpinned-package for this instruction"
                || a["title"] == "Ignore apt-get-installs-recommends for this instruction"
        })
        .expect("an ignore action");
    let both = client.apply_action(&ignored, uri, second);
    assert!(both.contains("  # dockside ignore=apt-get-missing-yes,apt-get-"), "{both}");
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"), "only quick fixes were asked for");

    // Ignore in this file: after the parser directives.
    let file_wide = by_title("Ignore apt-get-missing-yes in this file");
    let global = client.apply_action(text, uri, file_wide);
    assert_eq!(
        global,
        "# syntax=docker/dockerfile:1\n# dockside global ignore=apt-get-missing-yes\nFROM alpine:3.19 AS build\n  RUN apt-get install curl\n"
    );

    // Fix all: the engine's safe fixes, as one edit.
    client.change(uri, 3, json!([{ "text": text }]));
    client.published(uri, 3);
    let fix_all = client.code_actions(uri, client.range(text, 0, 0), Some(json!(["source.fixAll.dockside"])));
    assert_eq!(fix_all.len(), 1, "{fix_all:?}");
    assert_eq!(fix_all[0]["kind"], "source.fixAll.dockside");
    let all = client.apply_action(text, uri, &fix_all[0]);
    assert_eq!(all, dockside_rules::fix(text, &support::settings(), false).text);
    assert_ne!(all, text);
    // Asking for `source` includes it; a clean file has none.
    assert_eq!(client.code_actions(uri, client.range(text, 0, 0), Some(json!(["source"]))).len(), 1);
    let clean = "FROM alpine:3.19\n";
    client.change(uri, 4, json!([{ "text": clean }]));
    assert!(client.code_actions(uri, client.range(clean, 0, 0), Some(json!(["source.fixAll"]))).is_empty());
}

#[test]
fn hover_explains_keywords_pragmas_diagnostics_and_variables() {
    let mut client = Client::pull();
    let uri = "untitled:hover";
    let text = "ARG BASE=alpine\nARG TAG=3.19\nFROM ${BASE}:${TAG} AS build\nENV APP_HOME=/srv/app\n\
                # hadolint ignore=DL3008\nRUN apt-get install -y curl && cd $APP_HOME\n\
                # dockside ignore=apt-get-installs-recommends\nRUN apt-get install -y --no-install-recommends wget=1 \\\n    && echo \"${HOME}\"\n\
                MAINTAINER me\n";
    client.open(uri, text);
    let at = |needle: &str, delta: usize| text.find(needle).unwrap_or_else(|| panic!("{needle}")) + delta;

    let run = hover_text(&client.hover(uri, client.pos(text, at("RUN", 1))));
    assert!(run.contains("**RUN**") && run.contains("```dockerfile\nRUN [--mount="), "{run}");
    let from = client.hover(uri, client.pos(text, at("FROM", 0)));
    assert_eq!(from["range"], client.range(text, at("FROM", 0), at("FROM", 4)));

    let pragma = hover_text(&client.hover(uri, client.pos(text, at("DL3008", 2))));
    assert!(pragma.contains("apt-get-unpinned-package") && pragma.contains("## What it does"), "{pragma}");
    let dockside_pragma = hover_text(&client.hover(uri, client.pos(text, at("=apt-get-installs-recommends", 3))));
    assert!(dockside_pragma.contains("**apt-get-installs-recommends** (DL3015)"), "{dockside_pragma}");

    // A diagnostic's range: the message, one line naming the rule, its
    // summary with a link and the fix; not the rule's whole page.
    let maintainer = hover_text(&client.hover(uri, client.pos(text, at("MAINTAINER", 2))));
    assert!(maintainer.contains("**MAINTAINER**"), "{maintainer}");
    assert!(
        maintainer.contains("`maintainer-deprecated` (DL4000, MaintainerDeprecated) · maintainability · error"),
        "{maintainer}"
    );
    assert!(
        maintainer.contains("[Rule documentation](https://") && maintainer.contains("\n\nFix (safe): "),
        "{maintainer}"
    );
    assert!(!maintainer.contains("## What it does"), "{maintainer}");
    let curl = hover_text(&client.hover(uri, client.pos(text, at("cd $APP_HOME", 0))));
    assert!(curl.contains("cd-instead-of-workdir"), "{curl}");

    // Variables: global ARGs in FROM, ENV in the stage, undeclared ones.
    let base = hover_text(&client.hover(uri, client.pos(text, at("${BASE}", 2))));
    assert!(base.contains("`alpine`") && base.contains("Declared on line 1: `ARG BASE=alpine`"), "{base}");
    let home = hover_text(&client.hover(uri, client.pos(text, at("$APP_HOME", 1))));
    assert!(home.contains("`/srv/app`") && home.contains("line 4"), "{home}");
    // A shell variable no ARG or ENV declares is the shell's business.
    let shell_var = client.hover(uri, client.pos(text, at("${HOME}", 3)));
    assert!(shell_var.is_null() || !hover_text(&shell_var).contains("`HOME`"), "{shell_var}");

    // Nothing to say: null, not an error.
    assert!(client.hover(uri, client.pos(text, at("alpine\n", 2))).is_null());
}

#[test]
fn document_symbols_and_folding_ranges() {
    let mut client = Client::with_capabilities(json!({
        "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } }
    }));
    let uri = "untitled:outline";
    let text = "# Build the app.\n# Two stages.\nARG GO=1.22\nFROM golang:${GO} AS build\nRUN go build \\\n    -o /app \\\n    ./...\n\
                COPY <<EOF /etc/app.conf\nkey=value\nother=1\nEOF\n\nFROM alpine:3.19\nCOPY --from=build /app /app\nCMD [\"/app\"]\n";
    client.open(uri, text);
    let line_of = |needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() as u64;

    let symbols = client.request_ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let symbols = symbols.as_array().unwrap();
    let names: Vec<&str> = symbols.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ARG", "build", "alpine:3.19"]);
    let build = &symbols[1];
    assert_eq!(build["detail"], "FROM golang:${GO} AS build");
    assert_eq!(build["range"]["start"]["line"], line_of("FROM golang"));
    assert_eq!(build["range"]["end"]["line"], line_of("EOF\n\n"));
    let children: Vec<&str> =
        build["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["RUN", "COPY"]);
    assert_eq!(build["children"][0]["detail"], "go build");
    let second: Vec<&str> =
        symbols[2]["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(second, ["COPY", "CMD"]);

    let folds = client.request_ok("textDocument/foldingRange", json!({ "textDocument": { "uri": uri } }));
    let folds: Vec<(u64, u64, String)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expect = [
        (0, 1, "comment"),                                      // the comment block
        (line_of("FROM golang"), line_of("EOF\n\n"), "region"), // the first stage
        (line_of("RUN go"), line_of("./..."), ""),              // a multi-line instruction
        (line_of("COPY <<EOF"), line_of("EOF\n\n"), ""),        // the heredoc
        (line_of("FROM alpine"), line_of("CMD"), "region"),     // the second stage
    ];
    for (start, end, kind) in expect {
        assert!(folds.contains(&(start, end, kind.to_string())), "missing {start}-{end} {kind}: {folds:?}");
    }
    assert_eq!(folds.len(), expect.len(), "{folds:?}");

    // Without hierarchical support: flat symbols with their container.
    let mut flat = Client::push();
    flat.open(uri, text);
    let symbols = flat.request_ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let run = symbols.as_array().unwrap().iter().find(|s| s["name"] == "RUN").unwrap();
    assert_eq!(run["containerName"], "build");
    assert_eq!(run["location"]["uri"], uri);
}

#[test]
fn unknown_documents_bad_positions_and_unknown_methods_get_answers() {
    let mut client = Client::pull();
    let missing = "untitled:never-opened";
    let origin = json!({ "line": 0, "character": 0 });
    assert!(client.hover(missing, origin.clone()).is_null());
    assert!(client.code_actions(missing, json!({ "start": origin, "end": origin }), None).is_empty());
    for method in ["textDocument/documentSymbol", "textDocument/foldingRange"] {
        assert!(client.request_ok(method, json!({ "textDocument": { "uri": missing } })).is_null(), "{method}");
    }
    assert!(client.pull_diagnostics(missing).is_empty());
    // Changes to and closes of unknown documents are ignored.
    client.change(missing, 2, json!([{ "text": "FROM x\n" }]));
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": missing } }));

    let uri = "untitled:bounds";
    let text = "FROM alpine:3.19\nRUN echo hi\n";
    client.open(uri, text);
    for position in [
        json!({ "line": 999, "character": 0 }),
        json!({ "line": 1, "character": 999 }),
        json!({ "line": 2, "character": 5 }),
    ] {
        let response =
            client.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": position }));
        assert!(response.get("error").is_none(), "{response}");
        let range = json!({ "start": position, "end": { "line": 5000, "character": 5000 } });
        client.code_actions(uri, range, None);
    }
    // An edit with a range past the end appends.
    client.change(uri, 2, json!([{ "range": { "start": { "line": 50, "character": 0 }, "end": { "line": 60, "character": 3 } }, "text": "MAINTAINER me\n" }]));
    assert!(codes(&client.pull_diagnostics(uri)).contains(&"maintainer-deprecated".to_string()));

    let unknown = client.request("dockside/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let invalid = client.request("textDocument/hover", json!({ "textDocument": 5 }));
    assert_eq!(invalid["error"]["code"], -32602, "{invalid}");
    client.notify("dockside/noSuchNotification", json!({}));
    client.notify("$/cancelRequest", json!({ "id": 12345 }));

    // A document of garbage still gets diagnostics, and the server goes on.
    let mut seed: u32 = 7;
    let garbage: String = (0..20_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from_u32((seed >> 16) % 0x2FF).filter(|c| *c != '\r').unwrap_or('?')
        })
        .collect();
    client.open("untitled:garbage", &garbage);
    client.pull_diagnostics("untitled:garbage");
    // A RUN of 20,000 continuation lines (ShellCheck off: it needs minutes
    // and gigabytes for such a script, which is its own problem).
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\n").unwrap();
    let long_uri = file_uri(&dir.path().join("Dockerfile"));
    let long_run = format!("FROM alpine:3.19\nRUN echo start{}\n", " \\\n  && echo more".repeat(20_000));
    client.open(&long_uri, &long_run);
    assert!(codes(&client.pull_diagnostics(&long_uri)).is_empty());
    let symbols = client.request_ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": long_uri } }));
    assert!(symbols.as_array().unwrap().iter().any(|s| s["name"] == "RUN"), "{symbols}");

    // shutdown with `params: null`, then requests are refused, then exit 0.
    let id = client.next_id;
    client.next_id += 1;
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "shutdown", "params": null }));
    let response = client.wait_for("the shutdown response", |m| m["id"] == json!(id));
    assert!(response.get("error").is_none(), "{response}");
    let refused = client.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": origin }));
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    let (status, stderr) = client.exit();
    assert!(status.success(), "exit after shutdown is clean: {status:?}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let client = Client::push();
    let (status, _) = client.exit();
    assert_eq!(status.code(), Some(1));
}

/// A ShellCheck that never finishes in time costs its findings, not the
/// diagnostics: it is killed at the time budget (`shellcheck-timeout`), the
/// rules' answer comes, and the editor is told why ShellCheck's part is
/// missing.
#[cfg(target_os = "linux")]
#[test]
fn a_slow_shellcheck_does_not_hold_up_diagnostics() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("slow-shellcheck");
    let pid_file = dir.path().join("pid");
    fs::write(&fake, format!("#!/bin/sh\necho $$ > '{}'\nexec sleep 20\n", pid_file.display())).unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck-timeout = 1\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::pull_with_options(json!({ "dockside": { "shellcheck": { "path": fake } } }));
    client.open(&uri, "FROM alpine:3.19\nRUN apt-get install curl && echo $1\n");
    let items = client.pull_diagnostics(&uri);
    assert!(codes(&items).contains(&"apt-get-missing-yes".to_string()), "{:?}", codes(&items));
    assert!(!codes(&items).iter().any(|c| c.starts_with("SC")), "{:?}", codes(&items));
    let note = client.wait_for("a note about ShellCheck", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"].as_str().unwrap_or("").contains("ShellCheck gave up on the RUN script at")
    });
    assert_eq!(note["params"]["type"], 2, "a warning");
    // The slow process was stopped, not left running.
    let pid = fs::read_to_string(&pid_file).unwrap().trim().to_string();
    let running = |pid: &str| {
        fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'))
    };
    let deadline = Instant::now() + TIMEOUT;
    while running(&pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!running(&pid), "the slow shellcheck {pid} still runs");
}
