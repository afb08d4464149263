//! End-to-end tests of what `dockside lsp` runs (docs/security.md): a
//! repository's config cannot make it run a program, ShellCheck has a time
//! budget, and no ShellCheck process outlives the session.
#![cfg(unix)]

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

const TEXT: &str = "FROM debian:12\nRUN echo $HOME_DIR\n";

fn script(path: &Path, body: &str) -> PathBuf {
    fs::write(path, format!("#!/bin/sh\n{body}")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

fn initialize(client: &mut Client, options: Value) {
    client.request_ok("initialize", json!({ "processId": null, "capabilities": {}, "initializationOptions": options }));
    client.notify("initialized", json!({}));
}

fn is_log(m: &Value, needle: &str) -> bool {
    m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap_or("").contains(needle)
}

#[test]
fn opening_a_file_does_not_run_the_program_its_repository_config_names() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("evil-ran");
    script(&dir.path().join("evil.sh"), &format!("touch '{}'\n", marker.display()));
    fs::write(dir.path().join("dockside.toml"), "shellcheck-path = \"./evil.sh\"\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));

    let mut client = Client::start();
    initialize(&mut client, json!(null));
    client.open(&uri, TEXT);
    let warning = client.wait_for("a warning about shellcheck-path", |m| is_log(m, "`shellcheck-path`"));
    assert_eq!(warning["params"]["type"], 2, "a warning: {warning}");
    let message = warning["params"]["message"].as_str().unwrap();
    let config = dir.path().join("dockside.toml");
    assert!(message.contains(&format!("{}:1:1: warning: `shellcheck-path` (`", config.display())), "{message}");
    // The rules' findings, then ShellCheck's (from PATH) in a second publication.
    let first = client.published(&uri, 1);
    assert!(!codes(&first).contains(&"SC2086".to_string()));
    if dockside_rules::test_env::shellcheck(
        "the ShellCheck half of opening_a_file_does_not_run_the_program_its_repository_config_names",
    ) {
        let second = client.published(&uri, 1);
        assert!(codes(&second).contains(&"SC2086".to_string()), "{second:?}");
    }
    assert!(!marker.exists(), "the repository's program ran");
    client.shutdown();
    assert!(!marker.exists(), "the repository's program ran");
}

#[test]
fn the_editor_setting_may_choose_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let Some(real) = which_shellcheck("the_editor_setting_may_choose_the_program") else { return };
    let chosen = script(&dir.path().join("mine.sh"), &format!("touch '{}'\nexec '{real}' \"$@\"\n", marker.display()));
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    initialize(&mut client, json!({ "dockside": { "shellcheck": { "path": chosen } } }));
    client.open(&uri, TEXT);
    client.published(&uri, 1);
    let second = client.published(&uri, 1);
    assert!(codes(&second).contains(&"SC2086".to_string()), "{second:?}");
    assert!(marker.exists(), "the editor's shellcheck.path was not used");
}

#[test]
fn the_user_config_may_choose_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let Some(real) = which_shellcheck("the_user_config_may_choose_the_program") else { return };
    let chosen = script(&dir.path().join("mine.sh"), &format!("touch '{}'\nexec '{real}' \"$@\"\n", marker.display()));
    let xdg = dir.path().join("xdg");
    fs::create_dir_all(xdg.join("dockside")).unwrap();
    fs::write(xdg.join("dockside/dockside.toml"), format!("shellcheck-path = \"{}\"\n", chosen.display())).unwrap();
    // A project config too: it inherits the user's program.
    fs::create_dir(dir.path().join("repo")).unwrap();
    fs::write(dir.path().join("repo/dockside.toml"), "ignore = [\"DL3008\"]\n").unwrap();
    let uri = file_uri(&dir.path().join("repo/Dockerfile"));
    let mut client = Client::start_with_env(&[("XDG_CONFIG_HOME", xdg.to_str().unwrap())]);
    initialize(&mut client, json!(null));
    client.open(&uri, TEXT);
    client.published(&uri, 1);
    let second = client.published(&uri, 1);
    assert!(codes(&second).contains(&"SC2086".to_string()), "{second:?}");
    assert!(marker.exists(), "the user config's shellcheck-path was not used");
}

/// The real ShellCheck (`None`: there is none, and `test` is skipped).
fn which_shellcheck(test: &str) -> Option<String> {
    if !dockside_rules::test_env::shellcheck(test) {
        return None;
    }
    let out = std::process::Command::new("sh").args(["-c", "command -v shellcheck"]).output().unwrap();
    Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
}

/// A "shellcheck" that records its PID in `pid_file` and hangs.
fn hanging_shellcheck(dir: &Path, pid_file: &Path) -> PathBuf {
    script(&dir.join("hang.sh"), &format!("echo $$ > '{}'\nexec sleep 1000\n", pid_file.display()))
}

fn read_pid(pid_file: &Path) -> i32 {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(pid) = fs::read_to_string(pid_file).unwrap_or_default().trim().parse() {
            return pid;
        }
        assert!(Instant::now() < deadline, "shellcheck was never started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True once `pid` no longer runs (gone, or a zombie nobody reaped yet).
fn gone(pid: i32) -> bool {
    for _ in 0..200 {
        match fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat) if stat.rsplit(')').next().is_some_and(|s| s.trim_start().starts_with('Z')) => return true,
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

#[cfg(target_os = "linux")]
#[test]
fn a_running_shellcheck_is_killed_at_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let hang = hanging_shellcheck(dir.path(), &pid_file);
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    initialize(&mut client, json!({ "dockside": { "shellcheck": { "path": hang } } }));
    client.open(&uri, TEXT);
    let shellcheck = read_pid(&pid_file);
    let (status, _) = client.shutdown();
    assert!(status.success());
    assert!(gone(shellcheck), "shellcheck {shellcheck} outlived the server");
}

#[test]
fn a_shellcheck_past_its_budget_is_stopped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let hang = hanging_shellcheck(dir.path(), &pid_file);
    fs::write(dir.path().join("dockside.toml"), "shellcheck-timeout = 0.5\n").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start();
    initialize(&mut client, json!({ "dockside": { "shellcheck": { "path": hang } } }));
    client.open(&uri, TEXT);
    let note = client.wait_for("the give-up note", |m| is_log(m, "ShellCheck gave up"));
    let message = note["params"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("RUN script at {uri}:2 after 0.5 s")), "{message}");
    assert!(gone(read_pid(&pid_file)), "the stuck shellcheck still runs");
    // Edits go on being linted, and the script is not run again (cached as given up).
    fs::remove_file(&pid_file).unwrap();
    client.change(&uri, 2, json!([{ "text": "FROM debian:12\nMAINTAINER me\nRUN echo $HOME_DIR\n" }]));
    let published = client.published(&uri, 2);
    assert!(codes(&published).contains(&"maintainer-deprecated".to_string()), "{published:?}");
    // A pulled report is complete: ShellCheck's pass of version 2 is done.
    let pulled = client.pull_diagnostics(&uri);
    assert!(codes(&pulled).contains(&"maintainer-deprecated".to_string()), "{pulled:?}");
    assert!(!pid_file.exists(), "the script given up on was run again");
}
