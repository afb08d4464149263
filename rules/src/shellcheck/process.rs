//! Running one ShellCheck process under a time budget, and killing every
//! running one when dockside stops.
//!
//! Scripts reach the child without temporary files: on standard input, or
//! (Linux) as in-memory files it inherits (`memfd_create`, named
//! `/dev/fd/N`). Each child runs in a process group of its own (so a wrapper
//! script and whatever it started die together) and, on Linux, is killed by
//! the kernel when dockside dies, even by SIGKILL (`PR_SET_PDEATHSIG`).
//! Running children are registered so [`kill_all`] can end them on a signal
//! or at shutdown.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

/// What one run came to.
#[derive(Debug)]
pub(super) enum Ran {
    Finished {
        status: ExitStatus,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The budget ran out and the process was killed.
    TimedOut,
}

/// The running children by process id, and whether new ones are refused.
struct Registry {
    running: HashSet<u32>,
    stopped: bool,
}

static REGISTRY: LazyLock<Mutex<Registry>> =
    LazyLock::new(|| Mutex::new(Registry { running: HashSet::new(), stopped: false }));

fn registry() -> MutexGuard<'static, Registry> {
    // The set stays consistent whatever panicked while holding it.
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kill every running ShellCheck process and refuse to start new ones: for
/// a signal handler or a server shutting down. Returns how many were killed.
pub fn kill_all() -> usize {
    let mut registry = registry();
    registry.stopped = true;
    // A child leaves the set before it is reaped, under this lock, so every
    // id here is still ours (at worst a zombie): no unrelated process that
    // reused an id can be hit.
    for &pid in &registry.running {
        kill_group(pid);
    }
    registry.running.len()
}

/// Removes a child from the registry when its run ends, however it ends.
struct Registered(u32);

impl Drop for Registered {
    fn drop(&mut self) {
        registry().running.remove(&self.0);
    }
}

/// Run `program args` with `input` on standard input and the in-memory files
/// `inherited` open (see [`MemoryFile`]); kill it when it has not finished
/// within `budget`.
pub(super) fn run(
    program: &Path,
    args: &[&OsStr],
    input: &[u8],
    inherited: &[MemoryFile],
    budget: Duration,
) -> io::Result<Ran> {
    let mut command = Command::new(program);
    command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    isolate(&mut command, inherited);
    let (mut child, registered) = {
        // Spawned under the lock, so `kill_all` either sees this child or
        // has already stopped new ones.
        let mut registry = registry();
        if registry.stopped {
            return Err(io::Error::other("dockside is stopping"));
        }
        let child = command.spawn()?;
        registry.running.insert(child.id());
        let registered = Registered(child.id());
        (child, registered)
    };
    let result = wait_with_budget(&mut child, input, budget);
    // Leave the registry before reaping (see `kill_all`).
    drop(registered);
    let status = child.wait();
    let (stdout, stderr, timed_out) = result?;
    if timed_out {
        return Ok(Ran::TimedOut);
    }
    Ok(Ran::Finished { status: status?, stdout, stderr })
}

/// Feed `input`, collect both outputs, and kill the child when its standard
/// output has not closed within `budget`. Threads do the I/O so a child that
/// stops reading or writing cannot block us past the budget.
fn wait_with_budget(child: &mut Child, input: &[u8], budget: Duration) -> io::Result<(Vec<u8>, Vec<u8>, bool)> {
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(io::Error::other("the child's pipes are missing"));
    };
    let (closed, stdout_closed) = mpsc::channel();
    std::thread::scope(|scope| {
        // A write error means the child exited early; its status tells why.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let out = scope.spawn(move || {
            let mut buf = Vec::new();
            let read = stdout.read_to_end(&mut buf);
            let _ = closed.send(());
            read.map(|_| buf)
        });
        let err = scope.spawn(move || {
            let mut buf = Vec::new();
            stderr.read_to_end(&mut buf).map(|_| buf)
        });
        let timed_out = matches!(stdout_closed.recv_timeout(budget), Err(RecvTimeoutError::Timeout));
        if timed_out {
            // Killing the group closes the pipes, which ends the readers.
            kill_group(child.id());
            let _ = child.kill();
        }
        let stdout = out.join().map_err(|_| io::Error::other("reading the output panicked"))??;
        let stderr = err.join().map_err(|_| io::Error::other("reading the errors panicked"))??;
        Ok((stdout, stderr, timed_out))
    })
}

/// A file that lives in memory only (Linux `memfd_create`): it vanishes with
/// its last descriptor, so nothing is left on disk whatever happens to us.
/// A child given it (see [`run`]) reads it as [`MemoryFile::path`].
#[cfg(target_os = "linux")]
pub(super) struct MemoryFile(std::os::fd::OwnedFd);

#[cfg(target_os = "linux")]
impl MemoryFile {
    pub(super) fn new(contents: &[u8]) -> io::Result<MemoryFile> {
        use std::os::fd::FromRawFd;
        // Close-on-exec: only the child it is meant for keeps it open (see `isolate`).
        // SAFETY: the name is a valid C string; the returned descriptor is new and ours.
        let fd = unsafe { libc::memfd_create(c"dockside-script".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and nothing else owns it.
        let file = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        std::fs::File::from(file.try_clone()?).write_all(contents)?;
        Ok(MemoryFile(file))
    }

    /// The name the child opens it by: its descriptor number is the same there.
    pub(super) fn path(&self) -> String {
        use std::os::fd::AsRawFd;
        format!("/dev/fd/{}", self.0.as_raw_fd())
    }
}

/// Elsewhere scripts go on standard input, one per process.
#[cfg(not(target_os = "linux"))]
pub(super) enum MemoryFile {}

/// A process group of its own, and on Linux death with dockside and the
/// in-memory files `inherited` left open across exec.
#[cfg(unix)]
fn isolate(command: &mut Command, inherited: &[MemoryFile]) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    #[cfg(not(target_os = "linux"))]
    let _ = inherited;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let parent = std::process::id();
        let keep: Vec<i32> = inherited.iter().map(|file| file.0.as_raw_fd()).collect();
        // SAFETY: the closure runs in the forked child before exec and calls
        // only async-signal-safe functions (fcntl, prctl, getppid); it
        // allocates nothing.
        unsafe {
            command.pre_exec(move || {
                for &fd in &keep {
                    if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                // The signal comes when the thread that spawned the child
                // ends; that thread waits for the child, so it outlives it
                // unless dockside itself dies.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // dockside died before the prctl: nobody would kill us.
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
}

#[cfg(not(unix))]
fn isolate(_command: &mut Command, _inherited: &[MemoryFile]) {}

/// SIGKILL the process group led by `pid`.
#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: kill has no memory-safety preconditions; a negative pid
        // names the group `process_group(0)` created for the child.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {
    // No process groups (and no release is built here): a child past its
    // budget is ended by its own thread with `Child::kill`.
}

#[cfg(all(test, target_os = "linux"))]
pub(super) mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn input_goes_in_and_output_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let cat = script(dir.path(), "cat.sh", "cat; echo oops >&2; exit 3\n");
        let big = "x".repeat(1 << 20); // past any pipe buffer
        match run(&cat, &[], big.as_bytes(), &[], Duration::from_secs(60)).unwrap() {
            Ran::Finished { status, stdout, stderr } => {
                assert_eq!(status.code(), Some(3));
                assert_eq!(stdout.len(), big.len());
                assert_eq!(stderr, b"oops\n");
            }
            Ran::TimedOut => panic!("cat timed out"),
        }
    }

    #[test]
    fn a_process_past_its_budget_is_killed_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // A wrapper that does not exec: its child holds the pipes open too.
        let slow = script(dir.path(), "slow.sh", &format!("sleep 1000 & echo $! > {}\nwait\n", pids.display()));
        let ran = run(&slow, &[], b"", &[], Duration::from_millis(500)).unwrap();
        assert!(matches!(ran, Ran::TimedOut), "{ran:?}");
        let sleeper: i32 = std::fs::read_to_string(&pids).unwrap().trim().parse().unwrap();
        assert!(gone(sleeper), "the wrapper's child {sleeper} is still running");
    }

    #[test]
    fn memory_files_reach_the_child_and_only_it() {
        let dir = tempfile::tempdir().unwrap();
        let cat = script(dir.path(), "cat.sh", "exec cat \"$@\"\n");
        let files = [MemoryFile::new(b"one\n").unwrap(), MemoryFile::new(b"two\n").unwrap()];
        let paths: Vec<String> = files.iter().map(MemoryFile::path).collect();
        let args: Vec<&OsStr> = paths.iter().map(OsStr::new).collect();
        let Ran::Finished { status, stdout, .. } = run(&cat, &args, b"", &files[..1], Duration::from_secs(60)).unwrap()
        else {
            panic!("timed out")
        };
        let stdout = String::from_utf8(stdout).unwrap();
        assert!(!status.success(), "the second file was not given to the child: {stdout}");
        assert!(stdout.starts_with("one\n"), "{stdout}");
        assert!(!stdout.contains("two"), "{stdout}");
    }

    /// True once `pid` no longer runs (exited, or a zombie nobody reaped).
    pub(crate) fn gone(pid: i32) -> bool {
        // The kill is sent before `run` returns; the kernel may take a moment
        // to tear the process down. Bounded wait, not a timing assertion.
        for _ in 0..200 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat) if stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')) => {
                    return true;
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        false
    }
}
