#![cfg(unix)]

//! End-to-end tests of what `dockside check` trusts, runs and reads
//! (docs/security.md): who may choose the ShellCheck binary, the time
//! budget, what happens to ShellCheck processes when dockside stops, and
//! which files a scan or an explicit path reads.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `dockside args…` in `dir`, with no user config unless `env` sets one.
fn dockside(dir: &Path, args: &[&str], env: &[(&str, &Path)], stdin: &[u8]) -> Run {
    let mut child = command(dir, args, env).spawn().expect("the binary runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin).unwrap();
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn command(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dockside"));
    command
        .args(args)
        .current_dir(dir)
        .env("DOCKSIDE_LINT_DATE", "2024-06-01")
        .env("XDG_CONFIG_HOME", dir.join(".no-user-config"))
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// An executable shell script at `path`.
fn script(path: &Path, body: &str) -> PathBuf {
    write(path, &format!("#!/bin/sh\n{body}"));
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// A "shellcheck" that leaves `marker` behind, then runs the real one
/// (`None`: there is none, and `test` is skipped).
fn marking_shellcheck(test: &str, path: &Path, marker: &Path) -> Option<PathBuf> {
    if !dockside_rules::test_env::shellcheck(test) {
        return None;
    }
    let real = String::from_utf8(Command::new("sh").args(["-c", "command -v shellcheck"]).output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    Some(script(path, &format!("touch '{}'\nexec '{real}' \"$@\"\n", marker.display())))
}

const QUOTE_ME: &str = "FROM debian:12\nRUN echo $HOME_DIR\n";

#[test]
fn a_project_config_cannot_choose_the_program_but_the_user_can() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let marker = d.join("evil-ran");
    let test = "a_project_config_cannot_choose_the_program_but_the_user_can";
    let Some(_) = marking_shellcheck(test, &d.join("repo/evil.sh"), &marker) else { return };
    write(&d.join("repo/dockside.toml"), "ignore = [\"DL3006\"]\nshellcheck-path = \"./evil.sh\"\n");
    write(&d.join("repo/Dockerfile"), QUOTE_ME);

    let out = dockside(d, &["check", "repo"], &[], b"");
    assert!(!marker.exists(), "the repository's program ran:\n{}", out.stderr);
    let config = Path::new("repo/dockside.toml");
    let warning = out.stderr.lines().find(|l| l.contains("warning: `shellcheck-path`")).unwrap_or_else(|| {
        panic!("no warning:\n{}", out.stderr);
    });
    let absolute = d.canonicalize().unwrap().join(config);
    assert!(
        warning.starts_with(&format!("{}:2:1: warning: `shellcheck-path` (`", absolute.display()))
            || warning.starts_with(&format!("{}:2:1: warning: `shellcheck-path` (`", d.join(config).display())),
        "{warning}"
    );
    assert_eq!(out.stderr.matches("warning: `shellcheck-path`").count(), 1, "said once:\n{}", out.stderr);
    // The rest of the config applies, and ShellCheck still runs (from PATH).
    assert!(out.stdout.contains("[SC2086]"), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "a warning, not an error (SC2086 is below the fail level)");

    // The user's own choices are honoured: the command line…
    let evil = d.join("repo/evil.sh");
    let out = dockside(d, &["check", "repo", "--shellcheck-path", evil.to_str().unwrap()], &[], b"");
    assert!(marker.exists(), "--shellcheck-path was not used:\n{}", out.stderr);
    assert!(out.stdout.contains("[SC2086]"), "{}", out.stdout);
    fs::remove_file(&marker).unwrap();

    // …a config named with --config…
    dockside(d, &["check", "repo", "--config", "repo/dockside.toml"], &[], b"");
    assert!(marker.exists(), "--config is the user's choice and may name the program");
    fs::remove_file(&marker).unwrap();

    // …and the user config (XDG_CONFIG_HOME/dockside/dockside.toml), under a project config too.
    let xdg = d.join("xdg");
    write(&xdg.join("dockside/dockside.toml"), &format!("shellcheck-path = \"{}\"\n", evil.display()));
    let out = dockside(d, &["check", "repo"], &[("XDG_CONFIG_HOME", &xdg)], b"");
    assert!(marker.exists(), "the user config's shellcheck-path was not used:\n{}", out.stderr);
    assert!(out.stdout.contains("[SC2086]") && !out.stdout.contains("DL3006"), "{}", out.stdout);
}

#[test]
fn shellcheck_gets_a_time_budget_and_linting_goes_on() {
    if !dockside_rules::test_env::shellcheck("shellcheck_gets_a_time_budget_and_linting_goes_on") {
        return;
    }
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    // Thousands of `(` keep ShellCheck busy for minutes.
    let slow = format!("FROM debian:12\nRUN echo $A\nRUN {}\n", "(".repeat(4000));
    write(&d.join("slow/Dockerfile"), &slow);
    write(&d.join("fine/Dockerfile"), QUOTE_ME);
    let out = dockside(d, &["check", "slow", "fine", "--shellcheck-timeout", "1", "--format", "concise"], &[], b"");
    let gave_up: Vec<&str> = out.stderr.lines().filter(|l| l.contains("ShellCheck gave up")).collect();
    assert_eq!(gave_up.len(), 1, "reported once:\n{}", out.stderr);
    assert!(gave_up[0].starts_with("slow/Dockerfile:3:1: warning: ShellCheck gave up on this RUN script after 1 s"));
    // The other scripts of both files were checked.
    assert!(out.stdout.contains("slow/Dockerfile:2:10: info[SC2086]"), "{}", out.stdout);
    assert!(out.stdout.contains("fine/Dockerfile:2:10: info[SC2086]"), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "a warning, not an error (SC2086 is below the fail level):\n{}", out.stderr);

    let config = d.join("slow/dockside.toml");
    write(&config, "shellcheck-timeout = 0\n");
    let out = dockside(d, &["check", "slow"], &[], b"");
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("dockside.toml:1:22: invalid value `0` for `shellcheck-timeout`"), "{}", out.stderr);
    let out = dockside(d, &["check", "fine", "--shellcheck-timeout", "soon"], &[], b"");
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("`soon` is not a number of seconds"), "{}", out.stderr);
}

#[test]
fn shellcheck_reads_no_temporary_files() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let tmp = d.join("tmp");
    fs::create_dir(&tmp).unwrap();
    for i in 0..5 {
        write(&d.join(format!("app{i}/Dockerfile")), &format!("FROM debian:12\nRUN echo $V{i}\nRUN cd /x{i}\n"));
    }
    // While ShellCheck runs, nothing of ours is in the temporary directory,
    // and the scripts it is given are not files on disk.
    let log = d.join("log");
    let Some(wrapper) = marking_shellcheck("shellcheck_reads_no_temporary_files", &d.join("sc.sh"), &d.join("ran"))
    else {
        return;
    };
    let body = fs::read_to_string(&wrapper).unwrap().replace(
        "touch",
        &format!("ls -A \"$TMPDIR\" >> '{}'; echo \"$@\" >> '{}'; touch", log.display(), log.display()),
    );
    fs::write(&wrapper, body).unwrap();
    let out = dockside(d, &["check", ".", "--shellcheck-path", wrapper.to_str().unwrap()], &[("TMPDIR", &tmp)], b"");
    assert_eq!(out.stdout.matches("[SC2086]").count(), 5, "{}", out.stdout);
    let log = fs::read_to_string(&log).unwrap();
    for line in log.lines() {
        let args: Vec<&str> = line.split(' ').collect();
        assert!(args.starts_with(&["--format=json1"]), "only the argument lines are left: {log}");
        assert!(args.iter().skip(4).all(|a| *a == "-" || a.starts_with("/dev/fd/")), "{log}");
    }
    assert!(fs::read_dir(&tmp).unwrap().next().is_none());
}

/// A "shellcheck" that records its PID in `pid_file` and hangs.
fn hanging_shellcheck(dir: &Path, pid_file: &Path) -> PathBuf {
    script(&dir.join("hang.sh"), &format!("echo $$ > '{}'\nexec sleep 1000\n", pid_file.display()))
}

/// Wait (bounded) until `path` has content.
fn wait_for_file(path: &Path, child: &mut Child) -> i32 {
    for _ in 0..600 {
        if let Ok(text) = fs::read_to_string(path)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(child.try_wait().unwrap().is_none(), "dockside exited before starting shellcheck");
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("shellcheck was never started");
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

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

#[cfg(target_os = "linux")]
#[test]
fn shellcheck_dies_with_dockside_even_on_sigkill() {
    for signal in ["TERM", "INT", "KILL"] {
        let dir = TempDir::new().unwrap();
        let d = dir.path();
        let pid_file = d.join("pid");
        let hang = hanging_shellcheck(d, &pid_file);
        let tmp = d.join("tmp");
        fs::create_dir(&tmp).unwrap();
        write(&d.join("Dockerfile"), "FROM debian:12\nRUN echo $A\nRUN echo $B\n");
        let args = ["check", "Dockerfile", "--shellcheck-path", hang.to_str().unwrap()];
        let mut child = command(d, &args, &[("TMPDIR", &tmp)]).spawn().unwrap();
        let shellcheck = wait_for_file(&pid_file, &mut child);
        kill(child.id(), signal);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), None, "SIG{signal}: dockside died of the signal: {status:?}");
        assert!(gone(shellcheck), "SIG{signal}: shellcheck {shellcheck} outlived dockside");
        let left: Vec<_> = fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(left.is_empty(), "SIG{signal}: left behind {left:?}");
    }
}

// ---- files and folders ----

#[test]
fn a_scan_follows_symlinks_to_dockerfiles_but_not_into_linked_directories() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    write(&d.join("outside.Dockerfile"), "FROM ubuntu\n");
    write(&d.join("secret.txt"), "FROM ubuntu\n");
    fs::create_dir_all(d.join("repo/svc")).unwrap();
    std::os::unix::fs::symlink("../../outside.Dockerfile", d.join("repo/svc/Dockerfile")).unwrap();
    // Named like a Dockerfile, pointing at something that is not: not read.
    std::os::unix::fs::symlink("../secret.txt", d.join("repo/Dockerfile.leak")).unwrap();
    // A directory link back up: not entered, so no loop.
    std::os::unix::fs::symlink("..", d.join("repo/svc/loop")).unwrap();
    let out = dockside(d, &["check", "repo", "--format", "concise"], &[], b"");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout.lines().filter(|l| l.contains("[")).count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("repo/svc/Dockerfile:1:6: warning[untagged-base-image]"), "{}", out.stdout);
}

#[test]
fn a_fifo_is_refused_and_the_rest_is_linted() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    write(&d.join("Dockerfile"), "FROM ubuntu\n");
    let fifo = d.join("pipe.Dockerfile");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // Nobody writes to the pipe: reading it would block forever.
    let out = dockside(d, &["check", "pipe.Dockerfile", "Dockerfile", "-"], &[], b"FROM debian\n");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("pipe.Dockerfile: error: a named pipe (FIFO), not linted (use `-` to read standard input)"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("Dockerfile:1:6: warning[untagged-base-image]"), "{}", out.stdout);
    assert!(out.stdout.contains("<stdin>:1:6: warning[untagged-base-image]"), "standard input is still read");
}

#[test]
fn standard_input_named_with_stdin_filename_has_the_build_context_of_that_path() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let text = "FROM alpine:3.19\nCOPY . /app\n";
    write(&d.join("app/Dockerfile"), text);
    write(&d.join("app/.env"), "SECRET=1\n");
    let on_disk = dockside(d, &["check", "app/Dockerfile", "--format", "concise"], &[], b"");
    assert!(on_disk.stdout.contains("[copy-all-without-dockerignore]"), "{}", on_disk.stdout);
    let named =
        dockside(d, &["check", "--stdin-filename", "app/Dockerfile", "--format", "concise"], &[], text.as_bytes());
    assert_eq!(named.stdout, on_disk.stdout);
    // With an ignore file beside the named path, neither reports it.
    write(&d.join("app/.dockerignore"), ".env\n.git\n");
    let named =
        dockside(d, &["check", "--stdin-filename", "app/Dockerfile", "--format", "concise"], &[], text.as_bytes());
    assert!(!named.stdout.contains("copy-all-without-dockerignore"), "{}", named.stdout);
}
