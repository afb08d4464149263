//! End-to-end tests of `dockside lsp` settings and workspace features:
//! editor settings over config files, config file watching and
//! `workspace/diagnostic`.

mod support;

use std::fs;

use serde_json::{Value, json};
use support::*;

const TEXT: &str = "FROM alpine:latest\nMAINTAINER me\nRUN apt-get install curl\n";

fn severity_of(diagnostics: &[Value], code: &str) -> i64 {
    find(diagnostics, code)["severity"].as_i64().unwrap()
}

fn item_codes(report: &Value) -> Vec<String> {
    codes(report["items"].as_array().unwrap())
}

#[test]
fn editor_settings_layer_on_top_of_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\nignore = [\"maintainer-deprecated\"]\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    let options = json!({ "dockside": {
        "ignore": ["latest-base-image", "no-such-rule"],
        "severity": { "apt-get-missing-yes": "error" }
    }});
    client.request_ok("initialize", json!({ "processId": null, "capabilities": {}, "initializationOptions": options }));
    client.notify("initialized", json!({}));
    let note = client.wait_for("a note about the unknown rule", |m| {
        m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap_or("").contains("no-such-rule")
    });
    assert_eq!(note["params"]["type"], 2, "{note}");

    client.open(&uri, TEXT);
    let first = client.published(&uri, 1);
    let got = codes(&first);
    assert!(got.contains(&"apt-get-missing-yes".to_string()), "{got:?}");
    assert!(!got.contains(&"maintainer-deprecated".to_string()), "the file's ignore applies: {got:?}");
    assert!(!got.contains(&"latest-base-image".to_string()), "the editor's ignore applies: {got:?}");
    assert_eq!(severity_of(&first, "apt-get-missing-yes"), 1);

    // New settings (pushed in the notification): linted again, same version.
    let settings = json!({ "dockside": { "select": ["maintainer-deprecated", "latest-base-image"] } });
    client.notify("workspace/didChangeConfiguration", json!({ "settings": settings }));
    let second = client.published(&uri, 1);
    assert_eq!(codes(&second), ["latest-base-image", "maintainer-deprecated"]);
}

#[test]
fn workspace_configuration_watched_files_and_workspace_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    for (folder, config) in
        [("a", "shellcheck = false\nignore = [\"maintainer-deprecated\"]\n"), ("b", "shellcheck = false\n")]
    {
        fs::create_dir(dir.path().join(folder)).unwrap();
        fs::write(dir.path().join(folder).join("dockside.toml"), config).unwrap();
    }
    let a = file_uri(&dir.path().join("a/Dockerfile"));
    let b = file_uri(&dir.path().join("b/Dockerfile"));
    let mut client = Client::with_capabilities(json!({
        "workspace": {
            "configuration": true,
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "diagnostics": { "refreshSupport": true }
        },
        "textDocument": { "diagnostic": {} }
    }));
    let settings = std::sync::Mutex::new(json!({ "ignore": ["latest-base-image"] }));
    let answer = |m: &Value| match m["method"].as_str() {
        Some("workspace/configuration") => {
            assert_eq!(m["params"]["items"][0]["section"], "dockside", "{m}");
            Some(json!([settings.lock().unwrap().clone()]))
        }
        _ => None,
    };
    let requests = client.serve_until(answer, |r| {
        has_request(r, "client/registerCapability") && has_request(r, "workspace/configuration")
    });
    let registration = requests.iter().find(|r| r["method"] == "client/registerCapability").unwrap();
    let registration = &registration["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    for name in ["dockside.toml", ".hadolint.yaml", ".dockerignore"] {
        assert!(globs.iter().any(|g| g.ends_with(name)), "{globs:?}");
    }

    client.open(&a, TEXT);
    client.open(&b, TEXT);
    let workspace = |client: &mut Client, previous: Value| {
        let report = client.request_ok("workspace/diagnostic", json!({ "previousResultIds": previous }));
        let mut items = report["items"].as_array().unwrap().clone();
        items.sort_by_key(|i| i["uri"].as_str().unwrap().to_string());
        assert_eq!(items.len(), 2, "{report}");
        items
    };
    let items = workspace(&mut client, json!([]));
    assert_eq!((items[0]["uri"].as_str(), items[1]["uri"].as_str()), (Some(a.as_str()), Some(b.as_str())));
    assert!(items.iter().all(|i| i["kind"] == "full" && i["version"] == 1), "{items:?}");
    // Nearest config per document; the editor's ignore for both.
    let (in_a, in_b) = (item_codes(&items[0]), item_codes(&items[1]));
    assert!(in_a.contains(&"apt-get-missing-yes".to_string()), "{in_a:?}");
    assert!(!in_a.contains(&"maintainer-deprecated".to_string()), "{in_a:?}");
    assert!(in_b.contains(&"maintainer-deprecated".to_string()), "{in_b:?}");
    assert!(in_b.contains(&"apt-get-missing-yes".to_string()), "{in_b:?}");
    assert!(!in_a.contains(&"latest-base-image".to_string()) && !in_b.contains(&"latest-base-image".to_string()));
    let previous: Vec<Value> = items.iter().map(|i| json!({ "uri": i["uri"], "value": i["resultId"] })).collect();
    let unchanged = workspace(&mut client, json!(previous));
    assert!(unchanged.iter().all(|i| i["kind"] == "unchanged"), "{unchanged:?}");
    assert_eq!(unchanged[0]["resultId"], items[0]["resultId"]);

    // b's config changes on disk: the client is asked to pull again, and b
    // is linted with it.
    fs::write(dir.path().join("b/dockside.toml"), "shellcheck = false\nignore = [\"apt-get-missing-yes\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&dir.path().join("b/dockside.toml")), "type": 2 }] }),
    );
    client.serve_until(|_| None, |r| has_request(r, "workspace/diagnostic/refresh"));
    let items = workspace(&mut client, json!(previous));
    assert_eq!(items[1]["kind"], "full", "{items:?}");
    let in_b = item_codes(&items[1]);
    assert!(in_b.contains(&"maintainer-deprecated".to_string()), "{in_b:?}");
    assert!(!in_b.contains(&"apt-get-missing-yes".to_string()), "{in_b:?}");

    // New editor settings: fetched with workspace/configuration.
    *settings.lock().unwrap() = json!({ "select": ["latest-base-image"], "severity": { "latest-base-image": "info" } });
    client.notify("workspace/didChangeConfiguration", json!({ "settings": null }));
    client.serve_until(answer, |r| has_request(r, "workspace/diagnostic/refresh"));
    let items = client.pull_diagnostics(&a);
    assert_eq!(codes(&items), ["latest-base-image"]);
    assert_eq!(severity_of(&items, "latest-base-image"), 3);
}

/// A client that watches files for the server (dynamic registration).
fn watching_client() -> Client {
    let mut client =
        Client::with_capabilities(json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }));
    client.serve_until(|_| None, |r| has_request(r, "client/registerCapability"));
    client
}

fn append_comment(client: &mut Client, uri: &str, text: &str, version: i64) {
    let end = client.pos(text, text.len());
    client.change(uri, version, json!([{ "range": { "start": end, "end": end }, "text": "# edited\n" }]));
}

#[test]
fn watched_configs_and_dockerignore_are_cached_until_a_change_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (here, elsewhere) = (dir.path().join("here"), dir.path().join("elsewhere"));
    for folder in [&here, &elsewhere] {
        fs::create_dir(folder).unwrap();
        fs::write(folder.join("dockside.toml"), "shellcheck = false\nignore = [\"maintainer-deprecated\"]\n").unwrap();
    }
    let text = "FROM alpine:latest\nMAINTAINER me\nCOPY notes.md /srv/\n";
    let (uri, other) = (file_uri(&here.join("Dockerfile")), file_uri(&elsewhere.join("Dockerfile")));
    let mut client = watching_client();
    client.open(&uri, text);
    client.open(&other, text);
    for uri in [&uri, &other] {
        let got = codes(&client.published(uri, 1));
        assert!(!got.contains(&"maintainer-deprecated".to_string()), "{got:?}");
        assert!(!got.contains(&"copy-ignored-file".to_string()), "{got:?}");
    }

    // Changed on disk, not reported: the next lint uses what was read.
    fs::write(here.join("dockside.toml"), "shellcheck = false\n").unwrap();
    fs::write(here.join(".dockerignore"), "*.md\n").unwrap();
    append_comment(&mut client, &uri, text, 2);
    let cached = codes(&client.published(&uri, 2));
    assert!(!cached.contains(&"maintainer-deprecated".to_string()), "the cached config applies: {cached:?}");
    assert!(!cached.contains(&"copy-ignored-file".to_string()), "the cached context applies: {cached:?}");

    // Reported: the documents in that folder are linted again, with both.
    let changes: Vec<Value> = ["dockside.toml", ".dockerignore"]
        .iter()
        .map(|name| json!({ "uri": file_uri(&here.join(name)), "type": 2 }))
        .collect();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
    let fresh = codes(&client.published(&uri, 2));
    assert!(fresh.contains(&"maintainer-deprecated".to_string()), "{fresh:?}");
    assert!(fresh.contains(&"copy-ignored-file".to_string()), "{fresh:?}");
    // The document in another folder is not: nothing is published for it.
    let later = client.collect_for(std::time::Duration::from_millis(500));
    let republished = later.iter().any(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"].as_str() == Some(other.as_str())
    });
    assert!(!republished, "{later:?}");

    // A config created above both folders concerns both.
    fs::remove_file(elsewhere.join("dockside.toml")).unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\nignore = [\"copy-ignored-file\"]\n").unwrap();
    let changes = json!([
        { "uri": file_uri(&elsewhere.join("dockside.toml")), "type": 3 },
        { "uri": file_uri(&dir.path().join("dockside.toml")), "type": 1 }
    ]);
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
    let in_other = codes(&client.published(&other, 1));
    assert!(in_other.contains(&"maintainer-deprecated".to_string()), "the parent's config: {in_other:?}");
}

#[test]
fn without_file_watching_config_files_are_checked_on_every_lint() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\nignore = [\"maintainer-deprecated\"]\n").unwrap();
    let text = "FROM alpine:latest\nMAINTAINER me\nCOPY notes.md /srv/\n";
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::push();
    client.open(&uri, text);
    let first = codes(&client.published(&uri, 1));
    assert!(!first.contains(&"maintainer-deprecated".to_string()), "{first:?}");
    assert!(!first.contains(&"copy-ignored-file".to_string()), "{first:?}");

    fs::write(dir.path().join("dockside.toml"), "shellcheck = false\n").unwrap();
    fs::write(dir.path().join(".dockerignore"), "*.md\n").unwrap();
    append_comment(&mut client, &uri, text, 2);
    let second = codes(&client.published(&uri, 2));
    assert!(second.contains(&"maintainer-deprecated".to_string()), "{second:?}");
    assert!(second.contains(&"copy-ignored-file".to_string()), "{second:?}");
}
