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
