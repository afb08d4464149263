//! End-to-end tests of `dockside format`: in place, `--check`, `--diff`,
//! standard input, configuration from `dockside.toml` and `.editorconfig`,
//! errors.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn dockside(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin).expect("stdin accepts input");
    drop(pipe);
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

const MESSY: &str = "from alpine:3\nrun  apk add curl&&\\\n  rm -rf /var/cache/apk/*\n";
const TIDY: &str = "FROM alpine:3\nRUN apk add curl \\\n    && rm -rf /var/cache/apk/*\n";

#[test]
fn formats_in_place_and_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", MESSY);
    write(dir.path(), "sub/app.dockerfile", TIDY);
    write(dir.path(), "notes.txt", MESSY);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path().join("Dockerfile"), fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = dockside(dir.path(), &["format"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(dir.path(), "Dockerfile"), TIDY);
    assert_eq!(read(dir.path(), "sub/app.dockerfile"), TIDY);
    assert_eq!(read(dir.path(), "notes.txt"), MESSY, "not a Dockerfile name");
    assert!(run.stderr.contains("1 file reformatted, 1 file already formatted"), "{}", run.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("Dockerfile")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left behind.
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".dockside-")), "{names:?}");
}

#[test]
fn check_lists_files_that_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", MESSY);
    write(dir.path(), "b/Dockerfile", TIDY);
    let run = dockside(dir.path(), &["format", "--check"], b"");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "would reformat: a/Dockerfile\n");
    assert_eq!(read(dir.path(), "a/Dockerfile"), MESSY);
    let run = dockside(dir.path(), &["format", "--check", "b"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", MESSY);
    let run = dockside(dir.path(), &["format", "--diff", "Dockerfile"], b"");
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n-run  apk add curl&&\\\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n+RUN apk add curl \\\n"), "{}", run.stdout);
    assert_eq!(read(dir.path(), "Dockerfile"), MESSY);
}

#[test]
fn standard_input_to_standard_output_with_the_config_of_its_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "svc/dockside.toml", "[format]\nindent = 2\noperator-position = \"end\"\n");
    let run = dockside(dir.path(), &["format", "-"], MESSY.as_bytes());
    assert_eq!((run.code, run.stdout.as_str()), (0, TIDY));
    let run = dockside(dir.path(), &["format", "--stdin-filename", "svc/Dockerfile"], MESSY.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "FROM alpine:3\nRUN apk add curl && \\\n  rm -rf /var/cache/apk/*\n");
}

#[test]
fn editorconfig_nearer_than_dockside_toml_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dockside.toml", "[format]\nindent = 2\n");
    write(dir.path(), "svc/.editorconfig", "[Dockerfile]\nindent_style = tab\n");
    write(dir.path(), "svc/Dockerfile", MESSY);
    write(dir.path(), "web/Dockerfile", MESSY);
    let run = dockside(dir.path(), &["format"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(dir.path(), "svc/Dockerfile"), TIDY.replace("    &&", "\t&&"));
    assert_eq!(read(dir.path(), "web/Dockerfile"), TIDY.replace("    &&", "  &&"));
}

#[test]
fn broken_files_are_formatted_around_the_broken_instruction() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "from a\nrun  echo 1\nEXPOSE 80 \"\nrun  echo 2\n");
    let run = dockside(dir.path(), &["format"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(dir.path(), "Dockerfile"), "FROM a\nRUN echo 1\nEXPOSE 80 \"\nRUN echo 2\n");
    assert!(run.stderr.contains("Dockerfile:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("warning: kept as written"), "{}", run.stderr);
}

#[test]
fn io_errors_name_the_path_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", MESSY);
    fs::write(dir.path().join("bin.dockerfile"), b"FROM a\0").unwrap();
    let run = dockside(dir.path(), &["format", "missing/Dockerfile", "bin.dockerfile", "Dockerfile"], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing/Dockerfile: error: No such file or directory"), "{}", run.stderr);
    assert!(run.stderr.contains("bin.dockerfile: error: binary file (contains NUL bytes), not formatted"));
    // The good file is still formatted.
    assert_eq!(read(dir.path(), "Dockerfile"), TIDY);
}

#[test]
fn config_errors_exit_2_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dockside.toml", "[format]\nindent = \"wide\"\n");
    write(dir.path(), "Dockerfile", MESSY);
    let run = dockside(dir.path(), &["format"], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("dockside.toml:2:10: invalid value `wide` for `format.indent`"), "{}", run.stderr);
    assert_eq!(read(dir.path(), "Dockerfile"), MESSY);
}
