//! End-to-end tests of the `dockside` binary: exit codes, file discovery,
//! every output format, fixing and the rule catalogue.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

const UNTAGGED: &str = "FROM ubuntu\n";
const CLEAN: &str = "FROM alpine:3.19\n";
/// One warning with a safe fix (apt-get-missing-yes) and nothing else.
const APT: &str = "FROM debian:12\nRUN apt-get install --no-install-recommends curl=8.5.0\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

fn dockside(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        // `dockside rules` fits its table to `COLUMNS`; the tests read it whole.
        .env_remove("COLUMNS")
        // End-of-life findings depend on the date; the fixtures are linted on a fixed one.
        .env("DOCKSIDE_LINT_DATE", "2024-06-01")
        // The machine's user config (~/.config/dockside) must not change the results.
        .env("XDG_CONFIG_HOME", dir.join(".no-user-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or_default()).expect("stdin accepts input");
    drop(pipe);
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    dockside(dir, args, None)
}

fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        write(dir.path(), path, content);
    }
    dir
}

/// The paths listed in a JSON report, sorted.
fn json_paths(report: &Value) -> Vec<String> {
    let mut paths: Vec<String> =
        report["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    paths.sort();
    paths
}

fn rules_of(report: &Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

// ---- exit codes and selection ----

#[test]
fn exit_codes_follow_the_fail_level() {
    let dir = project(&[("Dockerfile", UNTAGGED), ("clean/Dockerfile", CLEAN)]);
    let d = dir.path();

    let clean = run(d, &["check", "clean/Dockerfile"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(clean.stdout.contains("All checks passed"), "{}", clean.stdout);

    // untagged-base-image is a warning and the default fail level is warning.
    assert_eq!(run(d, &["check", "Dockerfile"]).code, 1);
    assert_eq!(run(d, &["check", "--fail-level", "warning", "Dockerfile"]).code, 1);
    assert_eq!(run(d, &["check", "--fail-level", "style", "Dockerfile"]).code, 1);
    assert_eq!(run(d, &["check", "--fail-level", "error", "Dockerfile"]).code, 0);
    assert_eq!(run(d, &["check", "--fail-level", "none", "Dockerfile"]).code, 0);
    // Findings below the fail level are still reported.
    let below = run(d, &["check", "--fail-level", "error", "Dockerfile"]);
    assert!(below.stdout.contains("warning[untagged-base-image]"), "{}", below.stdout);

    assert_eq!(run(d, &["check", "--fail-level", "loud", "Dockerfile"]).code, 2, "bad flag values are usage errors");
}

#[test]
fn config_sets_the_fail_level_and_the_command_line_wins() {
    let dir = project(&[("Dockerfile", UNTAGGED), ("dockside.toml", "fail-level = \"error\"\n")]);
    let d = dir.path();
    assert_eq!(run(d, &["check", "Dockerfile"]).code, 0);
    assert_eq!(run(d, &["check", "--fail-level", "warning", "Dockerfile"]).code, 1);
}

#[test]
fn each_file_uses_its_nearest_config() {
    let dir = project(&[
        ("strict/Dockerfile", UNTAGGED),
        ("relaxed/Dockerfile", UNTAGGED),
        ("relaxed/dockside.toml", "ignore = [\"DL3006\"]\n"),
    ]);
    let out = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.code, 1);
    let report = out.json();
    for file in report["files"].as_array().unwrap() {
        let count = file["diagnostics"].as_array().unwrap().len();
        match file["path"].as_str().unwrap() {
            "strict/Dockerfile" => assert_eq!(count, 1),
            "relaxed/Dockerfile" => assert_eq!(count, 0),
            other => panic!("unexpected file {other}"),
        }
    }
}

#[test]
fn explicit_config_replaces_discovery() {
    let dir = project(&[
        ("Dockerfile", UNTAGGED),
        ("dockside.toml", "fail-level = \"error\"\n"),
        ("ci/strict.toml", "fail-level = \"style\"\n"),
    ]);
    let d = dir.path();
    assert_eq!(run(d, &["check", "Dockerfile"]).code, 0);
    assert_eq!(run(d, &["check", "--config", "ci/strict.toml", "Dockerfile"]).code, 1);
}

#[test]
fn config_errors_name_the_position_and_exit_2() {
    let dir = project(&[("Dockerfile", UNTAGGED), ("dockside.toml", "fail-level = \"loud\"\n")]);
    let out = run(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("dockside.toml:1:"), "{}", out.stderr);
    assert!(out.stderr.contains("loud"), "{}", out.stderr);

    let missing = run(dir.path(), &["check", "--config", "nope.toml", "Dockerfile"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
}

#[test]
fn select_extend_select_and_ignore() {
    let dir = project(&[("Dockerfile", "FROM ubuntu\nRUN apt-get install --no-install-recommends curl=8.5.0\n")]);
    let d = dir.path();
    let rules = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("Dockerfile");
        let mut rules = rules_of(&run(d, &all).json());
        rules.sort();
        rules
    };
    assert_eq!(rules(&[]), ["apt-get-missing-yes", "untagged-base-image"]);
    assert_eq!(rules(&["--ignore", "DL3006"]), ["apt-get-missing-yes"]);
    assert!(rules(&["--ignore", "DL3006,apt-get-missing-yes"]).is_empty(), "comma-separated");
    assert!(rules(&["--ignore", "DL3006", "--ignore", "DL3014"]).is_empty(), "repeatable");
    assert_eq!(rules(&["--select", "reproducibility"]), ["untagged-base-image"], "categories");
    assert_eq!(
        rules(&["--select", "DL3006", "--extend-select", "shell"]),
        ["apt-get-missing-yes", "untagged-base-image"]
    );

    let unknown = run(d, &["check", "--ignore", "no-such-rule", "Dockerfile"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no-such-rule"), "{}", unknown.stderr);
}

// ---- inputs ----

#[test]
fn directory_walk_finds_dockerfile_names_and_honours_gitignore() {
    let dir = project(&[
        ("Dockerfile", UNTAGGED),
        ("Dockerfile.dev", UNTAGGED),
        ("api.Dockerfile", UNTAGGED),
        ("web.dockerfile", UNTAGGED),
        ("Containerfile", UNTAGGED),
        ("Containerfile.prod", UNTAGGED),
        ("nested/deeper/Dockerfile", UNTAGGED),
        (".devcontainer/Dockerfile", UNTAGGED),
        ("Dockerfile.dockerignore", "*.log\n"),
        ("README.md", UNTAGGED),
        ("dockerfiles.txt", UNTAGGED),
        ("build/Dockerfile", UNTAGGED),
        ("vendor/Dockerfile", UNTAGGED),
        (".gitignore", "build/\n"),
        (".ignore", "vendor/\n"),
    ]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), ".git/Dockerfile", UNTAGGED);

    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        json_paths(&out.json()),
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Containerfile.prod",
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "nested/deeper/Dockerfile",
            "web.dockerfile",
        ]
    );

    // A file named explicitly is linted even when ignored or oddly named.
    let explicit = run(dir.path(), &["check", "--format", "json", "build/Dockerfile", "README.md"]);
    assert_eq!(json_paths(&explicit.json()), ["README.md", "build/Dockerfile"]);
}

#[test]
fn a_file_named_twice_is_linted_once() {
    let dir = project(&[("Dockerfile", UNTAGGED)]);
    let out = run(dir.path(), &["check", "--format", "json", "Dockerfile", "./Dockerfile", "."]);
    assert_eq!(json_paths(&out.json()), ["Dockerfile"]);
}

#[test]
fn gitignore_needs_a_repository_but_ignore_files_do_not() {
    let dir = project(&[("a/Dockerfile", UNTAGGED), ("b/Dockerfile", UNTAGGED), (".gitignore", "a/\n")]);
    let out = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(json_paths(&out.json()), ["a/Dockerfile", "b/Dockerfile"], "no .git: .gitignore does not apply");
    fs::create_dir(dir.path().join(".git")).unwrap();
    let out = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(json_paths(&out.json()), ["b/Dockerfile"]);
}

#[test]
fn stdin_with_a_file_name() {
    let dir = project(&[("svc/dockside.toml", "ignore = [\"latest-base-image\"]\n")]);
    let d = dir.path();
    let out = dockside(d, &["check", "-", "--stdin-filename", "app/Dockerfile"], Some(UNTAGGED.as_bytes()));
    assert_eq!(out.code, 1);
    assert!(out.stdout.starts_with("app/Dockerfile:1:6: warning[untagged-base-image]"), "{}", out.stdout);

    let unnamed = dockside(d, &["check", "-"], Some(UNTAGGED.as_bytes()));
    assert!(unnamed.stdout.starts_with("<stdin>:1:6:"), "{}", unnamed.stdout);

    // The config is found from the given name, and the name alone implies `-`.
    let latest = "FROM ubuntu:latest\n".as_bytes();
    assert_eq!(dockside(d, &["check", "--stdin-filename", "svc/Dockerfile"], Some(latest)).code, 0);
    assert_eq!(dockside(d, &["check", "--stdin-filename", "other/Dockerfile"], Some(latest)).code, 1);
}

#[test]
fn bad_inputs_exit_2_and_the_rest_is_still_linted() {
    let dir = project(&[("good/Dockerfile", UNTAGGED), ("empty/README.md", "nothing here\n")]);
    let d = dir.path();
    write(d, "latin1/Dockerfile", b"FROM ubuntu\n# caf\xe9\n");
    write(d, "binary/Dockerfile", b"FROM ubuntu\n\0\0\x01\x02");

    let out = run(d, &["check", "missing/Dockerfile", "latin1/Dockerfile", "binary/Dockerfile", "empty", "good"]);
    assert_eq!(out.code, 2);
    for (path, what) in [
        ("missing/Dockerfile", "No such file"),
        ("latin1/Dockerfile", "UTF-8"),
        ("binary/Dockerfile", "binary"),
        ("empty", "no Dockerfiles"),
    ] {
        let line = out.stderr.lines().find(|l| l.starts_with(&format!("{path}: error: ")));
        let line = line.unwrap_or_else(|| panic!("no error for {path}:\n{}", out.stderr));
        assert!(line.contains(what), "{line}");
    }
    assert!(out.stdout.contains("good/Dockerfile:1:6: warning[untagged-base-image]"), "{}", out.stdout);
}

// ---- output formats ----

#[test]
fn concise_counts_columns_in_characters() {
    let dir = project(&[(
        "Dockerfile",
        "FROM debian:12\nRUN echo 😀 && apt-get install --no-install-recommends curl=8.5.0\n",
    )]);
    let out = run(dir.path(), &["check", "--format", "concise", "Dockerfile"]);
    assert_eq!(out.code, 1);
    let first = out.stdout.lines().next().unwrap();
    // `RUN echo 😀 && ` is 14 characters (17 bytes): apt-get starts at column 15.
    assert_eq!(
        first,
        "Dockerfile:2:15: warning[apt-get-missing-yes] `apt-get install` without `-y` aborts at the confirmation prompt"
    );
    assert!(out.stdout.contains("Found 1 diagnostic"), "{}", out.stdout);
}

#[test]
fn quiet_statistics_and_default_format() {
    let dir = project(&[("a/Dockerfile", UNTAGGED), ("b/Dockerfile", UNTAGGED), ("c/Dockerfile", APT)]);
    let d = dir.path();
    // Not a terminal: concise by default.
    let default = run(d, &["check", "."]);
    assert!(default.stdout.starts_with("a/Dockerfile:1:6: warning[untagged-base-image]"), "{}", default.stdout);

    let quiet = run(d, &["check", "--quiet", "."]);
    assert_eq!(quiet.stdout.lines().count(), 3, "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("Found"));

    let stats = run(d, &["check", "--statistics", "--quiet", "."]);
    assert_eq!(stats.code, 1);
    let lines: Vec<Vec<&str>> = stats.stdout.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(lines.len(), 2, "{}", stats.stdout);
    assert_eq!(lines[0][..2], ["2", "untagged-base-image"]);
    assert_eq!(lines[1][..2], ["1", "apt-get-missing-yes"]);
    // Fixable says what these findings' fixes are, not what the rule can do.
    assert!(!stats.stdout.lines().next().unwrap().contains("fixable"), "{}", stats.stdout);
    assert!(stats.stdout.lines().nth(1).unwrap().ends_with("[1 fixable]"), "{}", stats.stdout);
    let consecutive = project(&[("Dockerfile", "FROM alpine:3.19\nRUN a\nRUN b\n")]);
    let stats = run(consecutive.path(), &["check", "--statistics", "--quiet", "--select", "DL3059", "."]);
    assert!(stats.stdout.trim_end().ends_with("[1 fixable with --unsafe-fixes]"), "{}", stats.stdout);
}

/// A path that cannot be checked is never summed up as "All checks passed":
/// every format with a summary says what failed.
#[test]
fn the_summary_says_what_could_not_be_checked() {
    let dir = project(&[("ok/Dockerfile", CLEAN), ("empty/.keep", ""), ("bad/Dockerfile", APT)]);
    let d = dir.path();
    let out = run(d, &["check", "missing", "empty", "ok"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("missing: error:") && out.stderr.contains("empty: error: no Dockerfiles found"));
    assert_eq!(
        out.stdout.trim(),
        "No findings in 1 file checked; 2 errors, the first: missing: No such file or directory."
    );
    let out = run(d, &["check", "missing", "bad"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.trim_end().ends_with(" Also 1 error: missing: No such file or directory."), "{}", out.stdout);
    assert!(!out.stdout.contains("All checks passed"));

    // Nothing checked at all: a missing path, an empty directory, a binary file, a bad config.
    write(d, "binary/Dockerfile", b"FROM \xff\xfe alpine\n");
    write(d, "bad.toml", "select = 3\n");
    for (args, failure) in [
        (&["missing"][..], "missing: No such file or directory"),
        (&["empty"][..], "empty: no Dockerfiles found"),
        (&["binary/Dockerfile"][..], "binary/Dockerfile: not valid UTF-8"),
        (&["--config", "bad.toml", "ok"][..], "bad.toml:1:10: invalid type for `select`"),
    ] {
        let with = |extra: &[&str]| {
            let mut all = vec!["check"];
            all.extend_from_slice(extra);
            all.extend_from_slice(args);
            run(d, &all)
        };
        for format in ["concise", "pretty"] {
            let out = with(&["--format", format]);
            assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
            let last = out.stdout.trim_end().lines().last().unwrap_or_default();
            assert!(last.starts_with(&format!("1 error: {failure}")), "{args:?} {format}: {}", out.stdout);
            assert!(last.ends_with("; no file was checked."), "{args:?} {format}: {}", out.stdout);
        }
        let out = with(&["--statistics"]);
        assert!(out.stdout.contains(&format!("1 error: {failure}")), "{args:?} --statistics: {}", out.stdout);
        assert!(!out.stdout.contains("All checks passed"), "{}", out.stdout);

        // The machine formats stay one valid document and carry the failure.
        let json = with(&["--format", "json"]).json();
        assert!(json["failures"][0].as_str().unwrap().starts_with(failure), "{args:?}: {json}");
        assert_eq!(json["summary"]["failures"], 1, "{json}");
        let sarif = with(&["--format", "sarif"]).json();
        let invocation = &sarif["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false, "{sarif}");
        let notification = &invocation["toolExecutionNotifications"][0];
        assert_eq!(notification["level"], "error");
        assert!(notification["message"]["text"].as_str().unwrap().starts_with(failure), "{sarif}");
    }
    // A clean run's reports do not change.
    let json = run(d, &["check", "--format", "json", "ok"]).json();
    assert!(json.get("failures").is_none() && json["summary"].get("failures").is_none(), "{json}");
    let sarif = run(d, &["check", "--format", "sarif", "ok"]).json();
    assert!(sarif["runs"][0].get("invocations").is_none(), "{sarif}");
}

#[test]
fn verbose_names_the_config_on_stderr() {
    let dir = project(&[("Dockerfile", CLEAN), ("dockside.toml", "")]);
    let out = run(dir.path(), &["check", "--verbose", "Dockerfile"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("Dockerfile: using config"), "{}", out.stderr);
    assert!(out.stderr.contains("dockside.toml"), "{}", out.stderr);
    assert!(!out.stdout.contains("using config"));
}

#[test]
fn pretty_shows_the_source_and_the_fix() {
    let dir = project(&[("Dockerfile", APT)]);
    let out = run(dir.path(), &["check", "--format", "pretty", "--no-color", "Dockerfile"]);
    assert_eq!(out.code, 1);
    let text = &out.stdout;
    assert!(text.contains("warning[apt-get-missing-yes]"), "{text}");
    assert!(text.contains("Dockerfile:2:5"), "{text}");
    assert!(text.contains("RUN apt-get install --no-install-recommends curl=8.5.0"), "{text}");
    assert!(text.contains(&"^".repeat("apt-get install --no-install-recommends curl=8.5.0".len())), "{text}");
    assert!(text.contains("help: Add `-y`"), "{text}");
    assert!(!text.contains('\x1b'), "--no-color output has escape codes: {text}");

    // Info findings are headed `info`, as in the other formats and the summary.
    let dir = project(&[("Dockerfile", "FROM alpine:3.19\nRUN a\nRUN b\n")]);
    let text = run(dir.path(), &["check", "--format", "pretty", "--select", "DL3059", "Dockerfile"]).stdout;
    assert!(text.contains("info[consecutive-run-instructions]"), "{text}");
    assert!(!text.contains("note["), "{text}");
}

#[test]
fn json_follows_the_contract() {
    let dir = project(&[
        ("Dockerfile", "FROM ubuntu\nRUN echo é && apt-get install --no-install-recommends curl=8.5.0\n"),
        ("ok/Dockerfile", CLEAN),
    ]);
    let out = run(dir.path(), &["check", "--format", "json", "Dockerfile", "ok/Dockerfile"]);
    assert_eq!(out.code, 1);
    let report = out.json();
    assert_eq!(report["version"], 1);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "Dockerfile");
    assert_eq!(files[1]["path"], "ok/Dockerfile");
    assert_eq!(files[1]["diagnostics"].as_array().unwrap().len(), 0);

    let diagnostics = files[0]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2);
    let untagged = &diagnostics[0];
    assert_eq!(untagged["rule"], "untagged-base-image");
    assert_eq!(untagged["aliases"], serde_json::json!(["DL3006"]));
    assert_eq!(untagged["category"], "reproducibility");
    assert_eq!(untagged["severity"], "warning");
    assert!(untagged["message"].as_str().unwrap().contains("ubuntu"));
    assert_eq!(
        untagged["range"],
        serde_json::json!({"start": {"line": 1, "column": 6}, "end": {"line": 1, "column": 12}})
    );
    assert!(untagged["fix"].is_null());
    assert!(untagged["url"].as_str().unwrap().ends_with("untagged-base-image.md"));

    let apt = &diagnostics[1];
    assert_eq!(apt["rule"], "apt-get-missing-yes");
    // `RUN echo é && ` is 14 characters but 15 bytes.
    assert_eq!(apt["range"]["start"], serde_json::json!({"line": 2, "column": 15}));
    let fix = &apt["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["title"], "Add `-y`");
    let edit = &fix["edits"][0];
    assert_eq!(edit["new_text"], " -y");
    assert_eq!(
        edit["range"],
        serde_json::json!({"start": {"line": 2, "column": 30}, "end": {"line": 2, "column": 30}})
    );

    assert_eq!(
        report["summary"],
        serde_json::json!({
            "files": 2, "diagnostics": 2, "errors": 0, "warnings": 2, "infos": 0, "styles": 0, "fixable": 1
        })
    );
}

#[test]
fn syntax_errors_are_diagnostics() {
    let dir = project(&[("Dockerfile", "FROM alpine:3.19\nFRUM x\n")]);
    let out = run(dir.path(), &["check", "--format", "json", "--fail-level", "error", "Dockerfile"]);
    assert_eq!(out.code, 1);
    let report = out.json();
    let d = &report["files"][0]["diagnostics"][0];
    assert_eq!(d["rule"], "syntax-error");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["start"]["line"], 2);
}

#[test]
fn sarif_has_rules_regions_in_utf16_and_fixes() {
    let dir = project(&[(
        "Dockerfile",
        "FROM debian:12\nRUN echo 😀 && apt-get install --no-install-recommends curl=8.5.0\n",
    )]);
    let out = run(dir.path(), &["check", "--format", "sarif", "Dockerfile"]);
    assert_eq!(out.code, 1);
    let sarif = out.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "utf16CodeUnits");
    assert_eq!(run0["tool"]["driver"]["name"], "dockside");

    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let untagged = rules.iter().find(|r| r["id"] == "untagged-base-image").expect("rule metadata");
    assert_eq!(untagged["properties"]["aliases"], serde_json::json!(["DL3006"]));
    assert_eq!(untagged["properties"]["category"], "reproducibility");
    assert_eq!(untagged["defaultConfiguration"]["level"], "warning");
    assert!(untagged["helpUri"].as_str().unwrap().starts_with("https://"));
    assert!(!untagged["shortDescription"]["text"].as_str().unwrap().is_empty());

    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "apt-get-missing-yes");
    assert_eq!(result["level"], "warning");
    assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], "apt-get-missing-yes");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
    // The emoji is one character but two UTF-16 code units.
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 2, "startColumn": 16, "endLine": 2, "endColumn": 66})
    );
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], " -y");
    assert_eq!(replacement["deletedRegion"]["startColumn"], 31);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 31);
}

#[test]
fn github_annotations_escape_properties() {
    let dir = project(&[("a,b:c.Dockerfile", UNTAGGED), ("x/Dockerfile", "FROM alpine:3.19\nMAINTAINER me\n")]);
    let out = run(dir.path(), &["check", "--format", "github", "a,b:c.Dockerfile", "x/Dockerfile"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with("::warning file=a%2Cb%3Ac.Dockerfile,line=1,col=6,endLine=1,endColumn=12,title="),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("untagged-base-image"), "{}", lines[0]);
    assert!(lines[0].contains("::`ubuntu` has no tag"), "{}", lines[0]);
    // maintainer-deprecated is an error.
    assert!(lines[1].starts_with("::error file=x/Dockerfile,line=2,col=1,"), "{}", lines[1]);
}

#[test]
fn github_maps_low_severities_to_notices() {
    let dir = project(&[("Dockerfile", UNTAGGED), ("dockside.toml", "[severity]\nuntagged-base-image = \"style\"\n")]);
    let out = run(dir.path(), &["check", "--format", "github", "Dockerfile"]);
    assert_eq!(out.code, 0, "style is below the default fail level");
    assert!(out.stdout.starts_with("::notice file=Dockerfile,"), "{}", out.stdout);
}

#[test]
fn gitlab_code_quality_report() {
    let dir = project(&[("Dockerfile", "FROM ubuntu\nMAINTAINER me\n")]);
    let out = run(dir.path(), &["check", "--format", "gitlab", "Dockerfile"]);
    assert_eq!(out.code, 1);
    let issues = out.json();
    let issues = issues.as_array().expect("a JSON array");
    assert_eq!(issues.len(), 2);
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} missing in {issue}");
        }
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert!(fingerprint.len() == 16 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()), "{fingerprint}");
        assert_eq!(issue["location"]["path"], "Dockerfile");
    }
    assert_eq!(issues[0]["check_name"], "untagged-base-image");
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 1);
    assert_eq!(issues[1]["severity"], "critical");
    assert_eq!(issues[1]["location"]["lines"]["begin"], 2);
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);

    // Stable across runs and across line shifts elsewhere in the file.
    write(dir.path(), "Dockerfile", "# a comment\nFROM ubuntu\nMAINTAINER me\n");
    let shifted = run(dir.path(), &["check", "--format", "gitlab", "Dockerfile"]).json();
    assert_eq!(shifted[0]["fingerprint"], issues[0]["fingerprint"]);
    assert_eq!(shifted[0]["location"]["lines"]["begin"], 2);
}

#[test]
fn checkstyle_xml() {
    let dir = project(&[("Dockerfile", UNTAGGED), ("ok/Dockerfile", CLEAN)]);
    let out = run(dir.path(), &["check", "--format", "checkstyle", "Dockerfile", "ok/Dockerfile"]);
    assert_eq!(out.code, 1);
    let xml = &out.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle"), "{xml}");
    assert!(xml.trim_end().ends_with("</checkstyle>"), "{xml}");
    assert!(xml.contains("<file name=\"Dockerfile\">"), "{xml}");
    assert!(xml.contains("<file name=\"ok/Dockerfile\">"), "{xml}");
    assert_eq!(xml.matches("<file ").count(), xml.matches("</file>").count());
    assert!(
        xml.contains("<error line=\"1\" column=\"6\" severity=\"warning\" message=\"`ubuntu` has no tag; pin a version, e.g. `ubuntu:&lt;version&gt;`\" source=\"dockside.untagged-base-image\"/>"),
        "{xml}"
    );
    assert!(!xml.contains("<version>"), "unescaped markup: {xml}");
}

#[test]
fn junit_xml() {
    let dir = project(&[
        ("Dockerfile", "FROM ubuntu\nRUN apt-get install --no-install-recommends curl=8.5.0\n"),
        ("ok/Dockerfile", CLEAN),
    ]);
    let out = run(dir.path(), &["check", "--format", "junit", "Dockerfile", "ok/Dockerfile"]);
    assert_eq!(out.code, 1);
    let xml = &out.stdout;
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<testsuites name=\"dockside\" tests=\"3\" failures=\"2\""), "{xml}");
    assert!(xml.contains("<testsuite name=\"Dockerfile\" tests=\"2\" failures=\"2\""), "{xml}");
    assert!(xml.contains("<testsuite name=\"ok/Dockerfile\" tests=\"1\" failures=\"0\""), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 2);
    assert_eq!(xml.matches("<testsuite ").count(), xml.matches("</testsuite>").count());
    assert!(xml.contains("<testcase name=\"untagged-base-image:1:6\" classname=\"Dockerfile\">"), "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

#[test]
fn gnu_error_format() {
    let dir = project(&[("Dockerfile", APT)]);
    let out = run(dir.path(), &["check", "--format", "gnu", "Dockerfile"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "Dockerfile:2.5-2.55: warning: `apt-get install` without `-y` aborts at the confirmation prompt [apt-get-missing-yes]\n"
    );
}

#[test]
fn machine_formats_keep_stdout_parseable_when_fixing() {
    let dir = project(&[("Dockerfile", "FROM ubuntu\nRUN apt-get install --no-install-recommends curl=8.5.0\n")]);
    let out = run(dir.path(), &["check", "--fix", "--format", "json", "Dockerfile"]);
    assert_eq!(out.code, 1, "untagged-base-image has no fix and remains");
    assert_eq!(rules_of(&out.json()), ["untagged-base-image"]);
    assert!(out.stderr.contains("Fixed 1 issue"), "{}", out.stderr);
}

// ---- fixing ----

#[cfg(unix)]
#[test]
fn fix_keeps_crlf_bom_and_permissions_and_leaves_no_temp_files() {
    use std::os::unix::fs::PermissionsExt;

    let dir = project(&[]);
    let path = dir.path().join("Dockerfile");
    fs::write(
        &path,
        "\u{feff}FROM debian:12\r\nMAINTAINER me\r\nRUN apt-get install --no-install-recommends curl=8.5.0\r\n",
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).unwrap();

    let out = run(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(out.code, 0, "everything was fixed: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Fixed 2 issues"), "{}", out.stdout);

    let fixed = fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        "\u{feff}FROM debian:12\r\nLABEL org.opencontainers.image.authors=\"me\"\r\nRUN apt-get install -y --no-install-recommends curl=8.5.0\r\n"
    );
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o750);
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["Dockerfile"], "temporary files were left behind");

    // Fixed files are clean; a second run changes nothing.
    let again = run(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("Fixed 0 issues"), "{}", again.stdout);
    assert_eq!(fs::read_to_string(&path).unwrap(), fixed);
}

#[test]
fn fix_reports_what_remains_with_positions_in_the_new_text() {
    let dir = project(&[(
        "Dockerfile",
        "MAINTAINER me\nFROM ubuntu\nRUN apt-get install --no-install-recommends curl=8.5.0\n",
    )]);
    let out = run(dir.path(), &["check", "--fix", "--format", "concise", "Dockerfile"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("Dockerfile:2:6: warning[untagged-base-image]"), "{}", out.stdout);
    assert!(!out.stdout.contains("apt-get-missing-yes"), "{}", out.stdout);
    assert!(out.stdout.contains("Fixed 2 issues"), "{}", out.stdout);
    let fixed = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(fixed.ends_with("FROM ubuntu\nRUN apt-get install -y --no-install-recommends curl=8.5.0\n"), "{fixed}");
    assert!(!fixed.contains('\r'));
}

/// Issue #9's examples: a fix at a wrong offset inside broken text, a fix
/// that wraps its own result forever, and line breaks of every kind.
#[test]
fn fixes_never_touch_broken_text_never_loop_and_keep_line_breaks() {
    // An unterminated quote: the destination's fix would land inside it.
    let copy = "FROM a:1\nCOPY a c '\"/workspace\n";
    let dir = project(&[("Dockerfile", copy)]);
    let out = run(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert!(out.stdout.contains("Fixed 0 issues"), "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("fixable"), "no fix is offered in broken text: {}", out.stdout);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), copy);

    // A JSON array read as shell form (a stray escape at the end of the
    // file): reported, not wrapped in another array pass after pass.
    let cmd = "CMD [\"a\"]\\";
    write(dir.path(), "Dockerfile", cmd);
    let out = run(dir.path(), &["check", "--fix", "--unsafe-fixes", "Dockerfile"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("shell-form-command"), "{}", out.stdout);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), cmd);

    // Blank continuation lines are removed whole, whatever ends them; a lone
    // `\r` stays where it is.
    for (before, after) in [
        ("RUN\\\n\n\\\re", "RUN\\\n\\\re"),
        ("RUN\\\r\n\r\n\\\re", "RUN\\\r\n\\\re"),
        ("RUN\\\n\r\n\\\r\re", "RUN\\\n\\\r\re"),
        ("RUN\\\r\n\n\\\r\re", "RUN\\\r\n\\\r\re"),
    ] {
        write(dir.path(), "Dockerfile", before);
        let out = run(dir.path(), &["check", "--fix", "Dockerfile"]);
        assert!(out.stdout.contains("Fixed 1 issue"), "{before:?}: {}{}", out.stdout, out.stderr);
        assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), after, "{before:?}");
    }
}

/// A crash while linting one file is reported with its path as an internal
/// error (exit 2); the other files are still linted and reported.
#[test]
fn a_crash_costs_only_its_own_file() {
    let dir = project(&[("a/Dockerfile", "FROM ubuntu\n# crash here\n"), ("b/Dockerfile", UNTAGGED)]);
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(["check", "--format", "concise", "."])
        .current_dir(dir.path())
        .env("DOCKSIDE_TEST_CRASH_ON", "# crash here")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("a/Dockerfile: error: internal error: dockside crashed while linting this file"),
        "{stderr}"
    );
    assert!(stderr.contains("please report"), "{stderr}");
    assert!(stdout.contains("b/Dockerfile:1:6: warning[untagged-base-image]"), "{stdout}");
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = project(&[("Dockerfile", APT)]);
    let out = run(dir.path(), &["check", "--diff", "Dockerfile"]);
    assert_eq!(out.code, 1, "the file still has the finding");
    assert!(out.stdout.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\n-RUN apt-get install --no-install-recommends curl=8.5.0\n+RUN apt-get install -y --no-install-recommends curl=8.5.0\n"), "{}", out.stdout);
    assert!(out.stderr.contains("Would fix 1 issue"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), APT);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn unsafe_fixes_implies_fix() {
    let dir = project(&[("Dockerfile", APT)]);
    let out = run(dir.path(), &["check", "--unsafe-fixes", "Dockerfile"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap().contains("install -y --no-install-recommends curl")
    );
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let dir = project(&[]);
    let input = "FROM debian:12\r\nRUN apt-get install --no-install-recommends curl=8.5.0\r\n";
    let out = dockside(dir.path(), &["check", "--fix", "-"], Some(input.as_bytes()));
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "FROM debian:12\r\nRUN apt-get install -y --no-install-recommends curl=8.5.0\r\n");
    assert!(out.stderr.contains("Fixed 1 issue"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn fix_writes_through_symlinks() {
    let dir = project(&[("real/Dockerfile", APT)]);
    std::os::unix::fs::symlink("real/Dockerfile", dir.path().join("Dockerfile")).unwrap();
    let out = run(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(fs::symlink_metadata(dir.path().join("Dockerfile")).unwrap().file_type().is_symlink());
    assert!(
        fs::read_to_string(dir.path().join("real/Dockerfile"))
            .unwrap()
            .contains("install -y --no-install-recommends curl")
    );
}

// ---- rule catalogue ----

/// `dockside rules` fits `COLUMNS` (or the terminal) by wrapping the
/// summaries, and keeps one line per rule in a pipe.
#[test]
fn rules_fits_the_width_it_is_given() {
    let rules_at = |columns: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dockside"));
        command.arg("rules").env_remove("COLUMNS");
        if let Some(columns) = columns {
            command.env("COLUMNS", columns);
        }
        let out = command.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let count = dockside_rules::all_rules().len();
    let piped = rules_at(None);
    assert_eq!(piped.lines().count(), count + 1, "one line per rule in a pipe");
    for columns in ["80", "120"] {
        let text = rules_at(Some(columns));
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= columns.parse().unwrap(), "COLUMNS={columns}: {widest} wide\n{text}");
        assert!(text.contains("untagged-base-image") && text.contains("DL3006"), "{text}");
    }
}

#[test]
fn rules_lists_every_rule() {
    let dir = project(&[]);
    let out = run(dir.path(), &["rules"]);
    assert_eq!(out.code, 0);
    let line = out.stdout.lines().find(|l| l.starts_with("untagged-base-image ")).expect("rule listed");
    for cell in ["DL3006", "reproducibility", "warning", "no"] {
        assert!(line.split_whitespace().any(|w| w == cell), "{cell} missing in {line}");
    }
    let apt = out.stdout.lines().find(|l| l.starts_with("apt-get-missing-yes ")).expect("rule listed");
    assert!(apt.split_whitespace().any(|w| w == "yes"), "{apt}");

    let json = run(dir.path(), &["rules", "--format", "json"]).json();
    let rules = json.as_array().unwrap();
    let untagged = rules.iter().find(|r| r["name"] == "untagged-base-image").unwrap();
    assert_eq!(untagged["aliases"], serde_json::json!(["DL3006"]));
    assert_eq!(untagged["fixable"], false);
    assert!(rules.iter().any(|r| r["name"] == "syntax-error"));
}

#[test]
fn explain_prints_the_docs() {
    let dir = project(&[]);
    let out = run(dir.path(), &["explain", "DL3006"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("untagged-base-image\n"), "{}", out.stdout);
    assert!(out.stdout.contains("DL3006"));
    assert!(out.stdout.contains("reproducibility"));
    assert!(out.stdout.contains("## What it does"), "{}", out.stdout);
    assert_eq!(run(dir.path(), &["explain", "untagged-base-image"]).stdout, out.stdout);

    // A code several rules answer to: every one of them.
    let shared = run(dir.path(), &["explain", "MultipleInstructionsDisallowed"]);
    assert_eq!(shared.code, 0);
    for name in ["multiple-cmd", "multiple-entrypoint", "multiple-healthcheck"] {
        assert!(shared.stdout.contains(&format!("\n{name}\naliases:")), "{name}: {}", shared.stdout);
    }
    // ShellCheck's codes point at ShellCheck's wiki.
    let sc = run(dir.path(), &["explain", "SC2086"]);
    assert_eq!(sc.code, 0, "{}", sc.stderr);
    assert!(sc.stdout.contains("https://www.shellcheck.net/wiki/SC2086"), "{}", sc.stdout);

    let unknown = run(dir.path(), &["explain", "nope"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("nope"), "{}", unknown.stderr);
    assert!(unknown.stdout.is_empty());
    let misspelt = run(dir.path(), &["explain", "untaged-base-image"]);
    assert_eq!(misspelt.code, 2);
    assert!(misspelt.stderr.contains("(did you mean `untagged-base-image`?)"), "{}", misspelt.stderr);
}

#[test]
fn version() {
    let out = run(Path::new("."), &["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.trim(),
        format!(
            "dockside {} (end-of-life table of {})",
            env!("CARGO_PKG_VERSION"),
            dockside_rules::base_images::TABLE_DATE
        )
    );
}

// ---------------------------------------------------------------- ShellCheck

const SHELLCHECKED: &str = "FROM debian:12\nRUN echo $foo && \\\n    cd /x\n";

#[test]
fn shellcheck_findings_are_reported_at_dockerfile_positions() {
    if !dockside_rules::test_env::shellcheck("shellcheck_findings_are_reported_at_dockerfile_positions") {
        return;
    }
    let dir = project(&[("Dockerfile", SHELLCHECKED)]);
    let out = run(dir.path(), &["check", "--format", "concise", "--fail-level", "none", "Dockerfile"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Dockerfile:2:10: info[SC2086]"), "{}", out.stdout);
    assert!(out.stdout.contains("Dockerfile:3:5: warning[SC2164]"), "{}", out.stdout);
    // Ignored by name on the command line, and by hadolint's pragma.
    let out = run(dir.path(), &["check", "--format", "concise", "--ignore", "SC2086", "Dockerfile"]);
    assert!(!out.stdout.contains("SC2086"), "{}", out.stdout);
    assert!(out.stdout.contains("SC2164"), "{}", out.stdout);
    let json = run(dir.path(), &["check", "--format", "json", "Dockerfile"]).json();
    let url = json["files"][0]["diagnostics"][0]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("https://www.shellcheck.net/wiki/SC"), "{url}");
}

#[test]
fn shellcheck_can_be_turned_off_and_its_absence_is_noted() {
    if !dockside_rules::test_env::shellcheck("shellcheck_can_be_turned_off_and_its_absence_is_noted") {
        return;
    }
    let dir = project(&[("Dockerfile", SHELLCHECKED), ("dockside.toml", "shellcheck = false\n")]);
    let out = run(dir.path(), &["check", "--format", "concise", "Dockerfile"]);
    assert!(!out.stdout.contains("[SC"), "{}", out.stdout);

    let dir = project(&[("Dockerfile", SHELLCHECKED)]);
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(["check", "--verbose", "--format", "concise", "Dockerfile"])
        .current_dir(dir.path())
        .env("PATH", empty.path())
        .env("DOCKSIDE_LINT_DATE", "2024-06-01")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("shellcheck not found").count(), 1, "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("[SC"));
}

// ---- the build context ----

#[test]
fn the_build_context_is_the_dockerfiles_directory() {
    let dockerfile = "FROM alpine:3.19\nCOPY notes.md /srv/\nCOPY . /app\n";
    let selected = "copy-ignored-file,copy-all-without-dockerignore";
    // No .dockerignore, and a `.env` in the context: `COPY .` is reported, nothing is excluded.
    let bare = project(&[("Dockerfile", dockerfile), (".env", "TOKEN=1\n")]);
    let out = run(bare.path(), &["check", "--select", selected, "--format", "json", "Dockerfile"]);
    assert_eq!(rules_of(&out.json()), ["copy-all-without-dockerignore"], "{}", out.stdout);
    // The context's .dockerignore excludes the COPY source and the entries it holds.
    let dir = project(&[
        ("app/Dockerfile", dockerfile),
        ("app/.dockerignore", "*.md\n.git\n"),
        ("app/.git/HEAD", "ref: refs/heads/main\n"),
    ]);
    let out = run(dir.path(), &["check", "--select", selected, "--format", "json", "app/Dockerfile"]);
    assert_eq!(rules_of(&out.json()), ["copy-ignored-file"], "{}", out.stdout);
    // `<name>.dockerignore` next to the Dockerfile wins over the context's:
    // `notes.md` is copied again, and `.git` is no longer excluded.
    write(dir.path(), "app/Dockerfile.dockerignore", "other\n");
    let out = run(dir.path(), &["check", "--select", selected, "--format", "json", "app/Dockerfile"]);
    assert_eq!(rules_of(&out.json()), ["copy-all-without-dockerignore"], "{}", out.stdout);
    // `build-context` in the config names another context directory.
    let configured = project(&[
        ("dockside.toml", "build-context = \".\"\n"),
        (".dockerignore", "*.md\n"),
        ("docker/Dockerfile", dockerfile),
    ]);
    let out = run(configured.path(), &["check", "--select", selected, "--format", "json", "docker/Dockerfile"]);
    assert_eq!(rules_of(&out.json()), ["copy-ignored-file"], "{}", out.stdout);
    // Standard input has no context: the context rules stay silent.
    let out =
        dockside(bare.path(), &["check", "--select", selected, "--format", "json", "-"], Some(dockerfile.as_bytes()));
    assert!(rules_of(&out.json()).is_empty(), "{}", out.stdout);
}

// ---- hostile input ----

/// Nesting 100,000 levels deep (the binary's main thread has the usual
/// 8 MiB stack; rayon's workers 2 MiB): each file gets its findings, the
/// deep one a syntax error where the model stops reading.
#[test]
fn deeply_nested_input_is_reported_and_other_files_still_linted() {
    let depth = 100_000;
    let deep = format!("FROM {}alpine{}\n", "${a:-".repeat(depth), "}".repeat(depth));
    let deep_script = format!("FROM alpine:3.19\nRUN echo {}x{}\n", "\"$(echo ".repeat(depth), ")\"".repeat(depth));
    let dir = project(&[
        ("a/Dockerfile", UNTAGGED),
        ("b/Dockerfile", &deep),
        ("c/Dockerfile", &deep_script),
        ("none.toml", "shellcheck = false\n"),
    ]);
    let out = run(dir.path(), &["check", "--config", "none.toml", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("a/Dockerfile:1:6: warning[untagged-base-image]"), "{}", out.stdout);
    assert!(
        out.stdout.contains("b/Dockerfile:1:506: error[syntax-error] expansion nested deeper than 100 levels"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("c/Dockerfile:2:267: error[syntax-error] shell script nested too deeply (its syntax tree is over 100 levels deep)"),
        "{}",
        out.stdout
    );
}
