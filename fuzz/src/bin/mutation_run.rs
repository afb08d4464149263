//! The long mutation campaign over the CLI (docs/reliability.md): mutate
//! corpus files with the harness's mutator, then run the real binary on each
//! — `check`, `check --fix`, and `check --fix` again — with a time limit,
//! and count crashes, timeouts, non-converging and non-idempotent fixes.
//!
//! ```text
//! cargo run --release -p dockside-fuzz --bin mutation-run -- \
//!     --dockside target/release/dockside --count 20000 [--shellcheck] \
//!     [--seed N] [--timeout-secs 10] [--jobs 2] [--keep DIR]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use arbitrary::Unstructured;
use dockside_fuzz::mutate::{Bytes, mutate, tokens};
use dockside_fuzz::shared_corpus;

struct Options {
    dockside: PathBuf,
    count: usize,
    seed: u64,
    timeout: Duration,
    jobs: usize,
    shellcheck: bool,
    keep: Option<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        dockside: PathBuf::from("target/release/dockside"),
        count: 20_000,
        seed: 1,
        timeout: Duration::from_secs(10),
        jobs: 2,
        shellcheck: false,
        keep: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--dockside" => o.dockside = PathBuf::from(value()?),
            "--count" => o.count = value()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--seed" => o.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--timeout-secs" => {
                o.timeout = Duration::from_secs(value()?.parse().map_err(|e| format!("--timeout-secs: {e}"))?)
            }
            "--jobs" => o.jobs = value()?.parse().map_err(|e| format!("--jobs: {e}"))?,
            "--keep" => o.keep = Some(PathBuf::from(value()?)),
            "--shellcheck" => o.shellcheck = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(o)
}

/// How one run of the binary ended.
enum Ended {
    Exited { status: ExitStatus, stderr: String },
    TimedOut,
}

fn run(dockside: &Path, dir: &Path, args: &[&str], timeout: Duration) -> Ended {
    let stderr_path = dir.join(format!("stderr-{}", args.len()));
    let stderr = std::fs::File::create(&stderr_path).expect("a scratch file");
    let mut child = Command::new(dockside)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the dockside binary starts");
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("waiting works") {
            let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            return Ended::Exited { status, stderr };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ended::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[derive(Default)]
struct Counts {
    inputs: AtomicUsize,
    runs: AtomicUsize,
    crashes: AtomicUsize,
    timeouts: AtomicUsize,
    not_converging: AtomicUsize,
    not_idempotent: AtomicUsize,
    refused: AtomicUsize,
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mutation-run: {e}");
            std::process::exit(2);
        }
    };
    let Some(files) = shared_corpus("mutation-run") else { std::process::exit(2) };
    let mut o = o;
    o.dockside = std::fs::canonicalize(&o.dockside).unwrap_or_else(|e| {
        eprintln!("mutation-run: {}: {e}", o.dockside.display());
        std::process::exit(2)
    });
    let o = o;
    // A campaign "with ShellCheck" that silently ran without it would count nothing.
    let shellcheck_runs = Command::new("shellcheck").arg("--version").output().is_ok_and(|out| out.status.success());
    if o.shellcheck && !shellcheck_runs {
        eprintln!("mutation-run: --shellcheck needs a `shellcheck` on PATH");
        std::process::exit(2);
    }
    let tokens = tokens();
    // Inputs are generated up front, in order, so a seed names a campaign.
    let mut bytes = Bytes::new(o.seed);
    let inputs: Vec<(String, String)> = (0..o.count)
        .map(|i| {
            loop {
                let (name, original) = &files[bytes.next_u64() as usize % files.len()];
                let data = bytes.take(96);
                if let Ok(text) = mutate(original, &mut Unstructured::new(&data), &tokens) {
                    break (format!("{i:05}-{name}"), text);
                }
            }
        })
        .collect();
    let counts = Counts::default();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..o.jobs.max(1) {
            scope.spawn(|| {
                let dir = tempfile::tempdir().expect("a scratch directory");
                let config = if o.shellcheck { "" } else { "shellcheck = false\n" };
                std::fs::write(dir.path().join("dockside.toml"), config).expect("a scratch config");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, text)) = inputs.get(i) else { break };
                    if let Some(problem) = campaign_step(&o, dir.path(), text, &counts) {
                        failures.lock().unwrap().push((name.clone(), text.clone(), problem));
                    }
                    let done = counts.inputs.fetch_add(1, Ordering::Relaxed) + 1;
                    if done % 1000 == 0 {
                        eprintln!("{done}/{} inputs, {:.0?}", o.count, started.elapsed());
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if let Some(keep) = &o.keep {
        std::fs::create_dir_all(keep).expect("the --keep directory");
        for (name, text, problem) in &failures {
            std::fs::write(keep.join(name), text).expect("a kept input");
            std::fs::write(keep.join(format!("{name}.problem")), problem).expect("a kept problem");
        }
    }
    for (name, _, problem) in failures.iter().take(20) {
        eprintln!("{name}: {problem}");
    }
    let get = |c: &AtomicUsize| c.load(Ordering::Relaxed);
    println!(
        "mutation-run seed={} shellcheck={} timeout={:?}: {} inputs, {} runs in {:.0?}; crashes {}, timeouts {}, \
         non-converging fixes {}, non-idempotent fixes {}; refused inputs (not text) {}",
        o.seed,
        if o.shellcheck { "on" } else { "off" },
        o.timeout,
        get(&counts.inputs),
        get(&counts.runs),
        started.elapsed(),
        get(&counts.crashes),
        get(&counts.timeouts),
        get(&counts.not_converging),
        get(&counts.not_idempotent),
        get(&counts.refused),
    );
    std::process::exit(i32::from(!failures.is_empty()));
}

/// `check`, `check --fix` and a second `check --fix` on one input; the
/// problem found, if any.
fn campaign_step(o: &Options, dir: &Path, text: &str, counts: &Counts) -> Option<String> {
    let file = dir.join("Dockerfile");
    std::fs::write(&file, text).expect("a scratch Dockerfile");
    let mut problem = None;
    let mut previous = String::new();
    for (step, args) in
        [&["check", "Dockerfile"][..], &["check", "--fix", "Dockerfile"], &["check", "--fix", "Dockerfile"]]
            .into_iter()
            .enumerate()
    {
        counts.runs.fetch_add(1, Ordering::Relaxed);
        match run(&o.dockside, dir, args, o.timeout) {
            Ended::TimedOut => {
                counts.timeouts.fetch_add(1, Ordering::Relaxed);
                problem = Some(format!("`dockside {}` ran over {:?}", args.join(" "), o.timeout));
                break;
            }
            Ended::Exited { status, stderr } => {
                if stderr.contains("do not converge") {
                    counts.not_converging.fetch_add(1, Ordering::Relaxed);
                    problem = Some(format!("`dockside {}`: {stderr}", args.join(" ")));
                    break;
                }
                let refused = status.code() == Some(2)
                    && !stderr.contains("internal error")
                    && (stderr.contains("binary file") || stderr.contains("not valid UTF-8"));
                if refused {
                    counts.refused.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                if !matches!(status.code(), Some(0 | 1)) {
                    counts.crashes.fetch_add(1, Ordering::Relaxed);
                    problem = Some(format!("`dockside {}` ended with {status}: {stderr}", args.join(" ")));
                    break;
                }
            }
        }
        let now = std::fs::read_to_string(&file).unwrap_or_default();
        if step == 2 && now != previous {
            counts.not_idempotent.fetch_add(1, Ordering::Relaxed);
            problem = Some(format!("a second `--fix` changed the file again:\n{previous}\n---\n{now}"));
        }
        previous = now;
    }
    problem
}
