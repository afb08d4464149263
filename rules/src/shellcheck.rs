//! ShellCheck findings on RUN scripts, reported as rules `SC<code>`.
//!
//! This is the one part of the engine that runs an external program, so the
//! front-ends call it explicitly after [`crate::check_document`]; the rules
//! themselves stay pure. Scripts reach ShellCheck without temporary files:
//! on Linux many per process, as in-memory files; elsewhere (and to retry a
//! batch that ran out of time) one per process on standard input. Every
//! process has a time budget ([`ShellcheckSettings::timeout`]) past which it
//! is killed; results are cached by script text, and [`ShellCheck::prime`]
//! spreads many scripts over the CPUs. Every front-end uses this one
//! implementation of the budget.
//!
//! [`ShellcheckSettings::timeout`]: crate::settings::ShellcheckSettings

mod process;

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use serde::Deserialize;

pub use process::kill_all;

use crate::diagnostic::{Category, Diagnostic, Severity, TextRange};
use crate::model::{Document, Instruction, PREDEFINED_ARGS, Scope, ShellScript};
/// `SC` (any case) followed by digits: a ShellCheck code.
pub use crate::rule_meta::is_shellcheck_code as is_code;
use crate::rule_meta::{FixAvailability, RuleMeta};
use crate::settings::Settings;

/// Codes hadolint never reports, and neither do we: SC2187 (ash is not
/// supported) and SC1090/SC1091 (they need `# shellcheck source=` directives,
/// which a Dockerfile cannot carry).
pub const EXCLUDED_BY_DEFAULT: [u32; 3] = [2187, 1090, 1091];

/// Scripts per process when batching: a process start costs about as much
/// as checking a few short scripts, and a batch that runs out of time is
/// retried one script per process, so batches stay small enough to finish
/// well within the default budget (none of the corpus needs even 1 s).
const MAX_SCRIPTS_PER_PROCESS: usize = 50;

/// ShellCheck's analysis grows faster than linearly with long command
/// chains (1,000 `&&`: 3.5 s and 430 MB; 5,000: minutes and gigabytes), so
/// scripts with more statements are left out (and counted, see
/// [`ShellCheck::skipped`]). Shorter scripts can still be slow (thousands of
/// nested `(`): the time budget covers those.
pub const MAX_SCRIPT_STATEMENTS: usize = 1000;

/// Statement separators: a cheap upper bound on the number of commands.
fn statement_count(text: &str) -> usize {
    text.matches("&&").count() + text.matches("||").count() + text.matches([';', '\n', '|', '&']).count() / 2 + 1
}

/// Why ShellCheck could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellCheckError {
    /// No `shellcheck` on PATH (or at the configured path).
    NotFound(String),
    /// It ran but failed, or printed something that is not its JSON output.
    Failed(String),
}

impl fmt::Display for ShellCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShellCheckError::NotFound(what) => {
                write!(f, "shellcheck not found ({what}); RUN scripts are not checked by it")
            }
            ShellCheckError::Failed(why) => write!(f, "shellcheck failed: {why}"),
        }
    }
}

/// What ShellCheck said about one document.
#[derive(Debug, Default)]
pub struct Checked {
    /// Its findings, filtered and ranked by the settings, in position order.
    pub diagnostics: Vec<Diagnostic>,
    /// The instructions whose script ShellCheck gave up on: it ran past the
    /// time budget and was killed, so their findings are missing.
    pub gave_up: Vec<TextRange>,
}

/// A script's cached result.
#[derive(Clone)]
enum Cached {
    Findings(Arc<Vec<Finding>>),
    /// Killed at the time budget.
    GaveUp,
}

/// A ShellCheck runner with a cache shared by every file of a run.
pub struct ShellCheck {
    program: PathBuf,
    /// How long one process may run before it is killed.
    budget: Duration,
    cache: Mutex<HashMap<String, Cached>>,
    /// Scripts over [`MAX_SCRIPT_STATEMENTS`] that were not checked.
    skipped: AtomicUsize,
}

/// One finding, in the coordinates of the text given to ShellCheck.
#[derive(Clone, Debug, Deserialize)]
struct Finding {
    line: usize,
    column: usize,
    #[serde(rename = "endLine")]
    end_line: usize,
    #[serde(rename = "endColumn")]
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

#[derive(Deserialize)]
struct Output {
    comments: Vec<FileFinding>,
}

#[derive(Deserialize)]
struct FileFinding {
    file: String,
    #[serde(flatten)]
    finding: Finding,
}

/// A script as handed to ShellCheck: a shebang (for the dialect) and an
/// `export` of the variables in scope (so they do not count as unassigned)
/// are put in front of it.
struct Prepared<'a> {
    text: String,
    /// Lines added before the script.
    prefix_lines: usize,
    script: &'a ShellScript,
    /// The RUN (or ONBUILD RUN) the script belongs to.
    instruction: TextRange,
}

impl ShellCheck {
    /// Find the binary: the configured path, else `shellcheck` on PATH. The
    /// time budget is [`crate::settings::DEFAULT_SHELLCHECK_TIMEOUT`] until
    /// [`ShellCheck::with_budget`] changes it.
    pub fn locate(configured: Option<&Path>) -> Result<ShellCheck, ShellCheckError> {
        let program = match configured {
            // A bare name (`shellcheck-path = "shellcheck-0.10"`) is looked up on PATH.
            Some(path) if path.components().count() == 1 && !path.is_absolute() => find_on_path(path.as_os_str())
                .ok_or_else(|| ShellCheckError::NotFound(format!("no {} on PATH", path.display())))?,
            Some(path) if path.is_file() => path.to_path_buf(),
            Some(path) => return Err(ShellCheckError::NotFound(format!("no file at {}", path.display()))),
            None => {
                find_on_path(OsStr::new("shellcheck")).ok_or_else(|| ShellCheckError::NotFound("not on PATH".into()))?
            }
        };
        Ok(ShellCheck {
            program,
            budget: crate::settings::DEFAULT_SHELLCHECK_TIMEOUT,
            cache: Mutex::new(HashMap::new()),
            skipped: Default::default(),
        })
    }

    /// This runner with another time budget per process.
    pub fn with_budget(mut self, budget: Duration) -> ShellCheck {
        self.budget = budget;
        self
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// How many scripts were too long to check (over [`MAX_SCRIPT_STATEMENTS`]).
    pub fn skipped(&self) -> usize {
        self.skipped.load(Ordering::Relaxed)
    }

    fn too_long(&self, text: &str) -> bool {
        let long = statement_count(text) > MAX_SCRIPT_STATEMENTS;
        if long {
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
        long
    }

    /// The texts ShellCheck is run on for `doc` (the keys of the cache), so
    /// a front-end can prime the cache without keeping documents around.
    pub fn script_texts(doc: &Document) -> Vec<String> {
        prepared_scripts(doc).into_iter().map(|p| p.text).collect()
    }

    /// Check every script of `docs` that is not cached yet.
    pub fn prime(&self, docs: &[&Document]) -> Result<(), ShellCheckError> {
        self.prime_texts(docs.iter().flat_map(|doc| Self::script_texts(doc)))
    }

    /// Check every text not cached yet, in batches, with one worker per CPU.
    /// Stops at the first failure (a broken binary would fail the same way
    /// on every batch).
    pub fn prime_texts(&self, texts: impl IntoIterator<Item = String>) -> Result<(), ShellCheckError> {
        let texts: Vec<String> = {
            let cache = self.lock();
            let unique: BTreeSet<String> =
                texts.into_iter().filter(|t| !cache.contains_key(t) && !self.too_long(t)).collect();
            unique.into_iter().collect()
        };
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
        let per_batch = texts.len().div_ceil(workers).clamp(1, MAX_SCRIPTS_PER_PROCESS);
        let batches: Vec<&[String]> = texts.chunks(per_batch).collect();
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let results: Vec<Result<(), ShellCheckError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers.min(batches.len()))
                .map(|_| {
                    scope.spawn(|| {
                        while !failed.load(Ordering::Relaxed)
                            && let Some(batch) = batches.get(next.fetch_add(1, Ordering::Relaxed))
                        {
                            if let Err(err) = self.run_scripts(batch) {
                                failed.store(true, Ordering::Relaxed);
                                return Err(err);
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(ShellCheckError::Failed("a worker panicked".into()))))
                .collect()
        });
        results.into_iter().collect()
    }

    /// The ShellCheck diagnostics of `doc`, filtered and ranked by `settings`
    /// and the file's suppressions, and the scripts it gave up on. Runs
    /// ShellCheck for scripts not cached yet.
    pub fn check(&self, doc: &Document, settings: &Settings) -> Result<Checked, ShellCheckError> {
        if !settings.shellcheck().enabled {
            return Ok(Checked::default());
        }
        let prepared = prepared_scripts(doc);
        let missing: Vec<String> = {
            let cache = self.lock();
            prepared
                .iter()
                .filter(|p| !cache.contains_key(&p.text) && !self.too_long(&p.text))
                .map(|p| p.text.clone())
                .collect()
        };
        for batch in missing.chunks(MAX_SCRIPTS_PER_PROCESS) {
            self.run_scripts(batch)?;
        }
        let cache = self.lock();
        let mut out = Checked::default();
        for p in &prepared {
            let findings = match cache.get(&p.text) {
                Some(Cached::Findings(findings)) => findings,
                Some(Cached::GaveUp) => {
                    out.gave_up.push(p.instruction);
                    continue;
                }
                None => continue,
            };
            for f in findings.iter() {
                let name = format!("SC{}", f.code);
                if EXCLUDED_BY_DEFAULT.contains(&f.code)
                    || settings.ignored_extra().iter().any(|i| i.eq_ignore_ascii_case(&name))
                {
                    continue;
                }
                let Some(range) = map_range(p, f) else { continue };
                let rule = rule_meta(f.code);
                let severity = settings.extra_severities().get(&name).copied().unwrap_or_else(|| level(&f.level));
                let d =
                    Diagnostic { rule, severity, message: f.message.clone(), range, fix: None, related: Vec::new() };
                if !doc.suppressions.suppresses(doc, &d, settings.ignore_pragmas()) {
                    out.diagnostics.push(d);
                }
            }
        }
        crate::diagnostic::sort_by_position(&mut out.diagnostics);
        out.gave_up.sort_by_key(|r| r.start);
        out.gave_up.dedup();
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // A panic elsewhere leaves the cache consistent (entries are inserted whole).
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Check `texts` and cache the result of each: in one process when it
    /// can; when that process runs out of time, one process per script, so
    /// only the slow script is given up on.
    fn run_scripts(&self, texts: &[String]) -> Result<(), ShellCheckError> {
        if texts.len() > 1 && self.run_batch(texts)? {
            return Ok(());
        }
        for text in texts {
            let output = self.run_shellcheck(&[OsStr::new("-")], text.as_bytes(), &[])?;
            let result = match output {
                Some(findings) => Cached::Findings(Arc::new(findings.into_iter().map(|f| f.finding).collect())),
                None => Cached::GaveUp,
            };
            self.lock().insert(text.clone(), result);
        }
        Ok(())
    }

    /// Check several scripts in one process, as in-memory files; false when
    /// that is not possible here or the process ran out of time.
    #[cfg(target_os = "linux")]
    fn run_batch(&self, texts: &[String]) -> Result<bool, ShellCheckError> {
        let files: std::io::Result<Vec<process::MemoryFile>> =
            texts.iter().map(|text| process::MemoryFile::new(text.as_bytes())).collect();
        // No in-memory files (an old kernel, a sandbox): one process per script.
        let Ok(files) = files else { return Ok(false) };
        let paths: Vec<String> = files.iter().map(process::MemoryFile::path).collect();
        let args: Vec<&OsStr> = paths.iter().map(OsStr::new).collect();
        let Some(findings) = self.run_shellcheck(&args, b"", &files)? else { return Ok(false) };
        let mut by_file: Vec<Vec<Finding>> = vec![Vec::new(); texts.len()];
        for f in findings {
            if let Some(i) = paths.iter().position(|p| *p == f.file) {
                by_file[i].push(f.finding);
            }
        }
        let mut cache = self.lock();
        for (text, findings) in texts.iter().zip(by_file) {
            cache.insert(text.clone(), Cached::Findings(Arc::new(findings)));
        }
        Ok(true)
    }

    #[cfg(not(target_os = "linux"))]
    fn run_batch(&self, _texts: &[String]) -> Result<bool, ShellCheckError> {
        Ok(false)
    }

    /// Run ShellCheck on `files` (`-` reads `input`); `None` when it ran out
    /// of time and was killed.
    fn run_shellcheck(
        &self,
        files: &[&OsStr],
        input: &[u8],
        inherited: &[process::MemoryFile],
    ) -> Result<Option<Vec<FileFinding>>, ShellCheckError> {
        let excluded: Vec<String> = EXCLUDED_BY_DEFAULT.iter().map(|c| format!("SC{c}")).collect();
        let excluded = excluded.join(",");
        let mut args: Vec<&OsStr> = ["--format=json1", "--norc", "--exclude", &excluded].map(OsStr::new).to_vec();
        args.extend_from_slice(files);
        let ran = process::run(&self.program, &args, input, inherited, self.budget)
            .map_err(|e| ShellCheckError::Failed(format!("cannot run {}: {e}", self.program.display())))?;
        let (status, stdout, stderr) = match ran {
            process::Ran::TimedOut => return Ok(None),
            process::Ran::Finished { status, stdout, stderr } => (status, stdout, stderr),
        };
        // 0: no findings, 1: findings; anything else is an error.
        if !matches!(status.code(), Some(0 | 1)) {
            let stderr = String::from_utf8_lossy(&stderr);
            return Err(ShellCheckError::Failed(format!("{} ({status})", stderr.trim())));
        }
        let parsed: Output =
            serde_json::from_slice(&stdout).map_err(|e| ShellCheckError::Failed(format!("unexpected output: {e}")))?;
        Ok(Some(parsed.comments))
    }
}

/// The scripts ShellCheck should see: shell-form RUNs and heredoc scripts
/// (exec form is not a shell script, as in hadolint), also inside ONBUILD.
fn prepared_scripts(doc: &Document) -> Vec<Prepared<'_>> {
    let mut out = Vec::new();
    for ins in &doc.instructions {
        for ins in std::iter::once(ins).chain(ins.onbuild()) {
            if let Some(p) = prepare(doc, ins) {
                out.push(p);
            }
        }
    }
    out
}

fn prepare<'a>(doc: &Document, ins: &'a Instruction) -> Option<Prepared<'a>> {
    let script = ins.script().filter(|_| ins.json.is_none())?;
    let dialect = match script.shell_name().trim_end_matches(".exe") {
        "bash" => "bash",
        "dash" => "dash",
        "ksh" | "mksh" => "ksh",
        "sh" | "ash" | "busybox" => "sh",
        _ => return None, // zsh and others: ShellCheck does not support them
    };
    if script.text.starts_with("#!") {
        // The script names its own interpreter; ShellCheck reads the shebang.
        return Some(Prepared { text: format!("{}\n", script.text), prefix_lines: 0, script, instruction: ins.range });
    }
    let scope = Scope::at(doc, ins.index);
    // Declared ARG/ENV names (and the proxy variables every build gets) are
    // set, as hadolint does, so ShellCheck neither calls them unassigned nor
    // asks to quote them. Platform args such as TARGETARCH are only visible
    // after an `ARG TARGETARCH`, so they come from the scope like any other.
    let mut names: BTreeSet<&str> = scope.names().collect();
    names.extend(PREDEFINED_ARGS.iter().copied().filter(|n| n.to_ascii_lowercase().contains("proxy")));
    let exports = names.into_iter().map(|n| format!("{n}=1")).collect::<Vec<_>>().join(" ");
    Some(Prepared {
        text: format!("#!/bin/{dialect}\nexport {exports}\n{}\n", script.text),
        prefix_lines: 2,
        script,
        instruction: ins.range,
    })
}

/// Map a ShellCheck position (1-based line, 1-based character column) back to
/// the Dockerfile; `None` for positions in the added prefix.
fn map_range(p: &Prepared<'_>, f: &Finding) -> Option<crate::diagnostic::TextRange> {
    let start = script_offset(p, f.line, f.column)?;
    let end = script_offset(p, f.end_line, f.end_column).unwrap_or(start).max(start);
    Some(p.script.source_range(start, end))
}

fn script_offset(p: &Prepared<'_>, line: usize, column: usize) -> Option<usize> {
    let line = line.checked_sub(1 + p.prefix_lines)?;
    let text = &p.script.text;
    let line_start = if line == 0 { 0 } else { text.match_indices('\n').nth(line - 1).map(|(i, _)| i + 1)? };
    let line_text = &text[line_start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let byte = line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    Some(line_start + byte)
}

fn level(level: &str) -> Severity {
    match level {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        _ => Severity::Style,
    }
}

/// One metadata record per ShellCheck code, made on first use and kept for
/// the life of the process (there are a few hundred codes at most).
fn rule_meta(code: u32) -> &'static RuleMeta {
    static METAS: LazyLock<Mutex<HashMap<u32, &'static RuleMeta>>> = LazyLock::new(Default::default);
    let mut metas = METAS.lock().unwrap_or_else(|e| e.into_inner());
    metas.entry(code).or_insert_with(|| {
        let name: &'static str = Box::leak(format!("SC{code}").into_boxed_str());
        Box::leak(Box::new(RuleMeta {
            name,
            aliases: &[],
            category: Category::Shell,
            severity: Severity::Warning,
            fix: FixAvailability::None,
            fix_safety: crate::rule_meta::FixSafety::Safe,
            summary: "A ShellCheck finding in a RUN script",
            docs: "",
            path: "",
            enabled_by_default: true,
        }))
    })
}

fn find_on_path(program: &OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shellcheck_codes_are_told_from_any_other_name() {
        for code in ["SC2086", "sc1000", "Sc9"] {
            assert!(is_code(code), "{code}");
        }
        // Found by the 20,000-mutation run (seed 5): a pragma name with a
        // four-byte character in its first two bytes crashed the lint.
        for name in ["SC", "S", "", "DL3059", "SC20a", "D\u{10bd44}L3059", "\u{e9}1", "S\u{e9}1", "SC\u{e9}"] {
            assert!(!is_code(name), "{name:?}");
        }
    }

    use super::*;

    /// The real ShellCheck, or `None` when `test` is skipped (never under
    /// `CI=true`: `.ci/run` installs it).
    fn shellcheck(test: &str) -> Option<ShellCheck> {
        if !crate::test_env::shellcheck(test) {
            return None;
        }
        Some(ShellCheck::locate(None).expect("shellcheck runs from PATH"))
    }

    #[test]
    fn findings_map_back_through_continuations_and_heredocs() {
        let source = "FROM debian:12\nARG VERSION=1\nRUN echo $VERSION && \\\n    cp $src\t/dst\nRUN <<EOF\nset -e\nrm -rf $dir/\nEOF\n";
        let doc = Document::parse(source);
        let Some(sc) = shellcheck("findings_map_back_through_continuations_and_heredocs") else { return };
        let found = sc.check(&doc, &Settings::default()).unwrap().diagnostics;
        let text = |d: &Diagnostic| &source[d.range.as_range()];
        // $VERSION is declared by ARG: exported, so not "referenced but not assigned".
        assert!(!found.iter().any(|d| d.rule.name == "SC2154" && text(d) == "$VERSION"), "{found:?}");
        let src = found.iter().find(|d| d.rule.name == "SC2154").expect("SC2154 for $src");
        assert_eq!(text(src), "$src");
        let quote = found.iter().find(|d| d.rule.name == "SC2086" && text(d) == "$dir").expect("SC2086 in the heredoc");
        assert_eq!(doc.line_index.position(source, quote.range.start, crate::ColumnUnit::Char).line, 6);
    }

    #[test]
    fn suppressions_settings_and_shells_are_honoured() {
        let Some(sc) = shellcheck("suppressions_settings_and_shells_are_honoured") else { return };
        let source = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $A\nRUN echo $B\n";
        let found = sc.check(&Document::parse(source), &Settings::default()).unwrap().diagnostics;
        assert_eq!(found.iter().filter(|d| d.rule.name == "SC2086").count(), 1, "{found:?}");
        // PowerShell scripts are not shell scripts.
        let pwsh = "FROM mcr.microsoft.com/powershell\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $B\n";
        assert!(sc.check(&Document::parse(pwsh), &Settings::default()).unwrap().diagnostics.is_empty());
        // bash features are fine under a bash SHELL, and flagged under sh.
        let bash = "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -f /x ]] && echo ok\n";
        assert!(sc.check(&Document::parse(bash), &Settings::default()).unwrap().diagnostics.is_empty());
        let sh = "FROM debian:12\nRUN [[ -f /x ]] && echo ok\n";
        assert!(!sc.check(&Document::parse(sh), &Settings::default()).unwrap().diagnostics.is_empty());
        let off = crate::config::parse_toml("shellcheck = false\n", Path::new("dockside.toml")).unwrap();
        assert!(sc.check(&Document::parse(source), &off).unwrap().diagnostics.is_empty());
    }

    #[test]
    fn prime_fills_the_cache_for_many_files_at_once() {
        let Some(sc) = shellcheck("prime_fills_the_cache_for_many_files_at_once") else { return };
        let docs: Vec<Document> =
            (0..30).map(|i| Document::parse(&format!("FROM debian:12\nRUN echo ${}x\n", "v".repeat(i + 1)))).collect();
        let refs: Vec<&Document> = docs.iter().collect();
        sc.prime(&refs).unwrap();
        assert_eq!(sc.lock().len(), 30);
        for doc in &docs {
            assert!(sc.check(doc, &Settings::default()).unwrap().diagnostics.iter().any(|d| d.rule.name == "SC2086"));
        }
    }

    #[test]
    fn very_long_scripts_are_skipped_and_counted() {
        let Some(sc) = shellcheck("very_long_scripts_are_skipped_and_counted") else { return };
        let mut source = String::from("FROM debian:12\nRUN echo $a");
        for _ in 0..MAX_SCRIPT_STATEMENTS {
            source.push_str(" \\\n && true");
        }
        let found = sc.check(&Document::parse(&source), &Settings::default()).unwrap();
        assert!(found.diagnostics.is_empty() && found.gave_up.is_empty());
        assert_eq!(sc.skipped(), 1);
    }

    #[test]
    fn a_script_past_the_time_budget_is_given_up_on_once_and_the_rest_is_checked() {
        // Thousands of nested `(` keep ShellCheck busy for minutes.
        let source = format!("FROM debian:12\nRUN echo $a\nRUN {}\nRUN echo $b\n", "(".repeat(4000));
        let doc = Document::parse(&source);
        let Some(sc) = shellcheck("a_script_past_the_time_budget_is_given_up_on_once_and_the_rest_is_checked") else {
            return;
        };
        let sc = sc.with_budget(Duration::from_millis(1500));
        let found = sc.check(&doc, &Settings::default()).unwrap();
        let lines: Vec<u32> = found
            .gave_up
            .iter()
            .map(|r| doc.line_index.position(&source, r.start, crate::ColumnUnit::Char).line)
            .collect();
        assert_eq!(lines, [2], "the RUN on line 3 (0-based 2): {found:?}");
        let quoted: Vec<&str> =
            found.diagnostics.iter().filter(|d| d.rule.name == "SC2086").map(|d| &source[d.range.as_range()]).collect();
        assert_eq!(quoted, ["$a", "$b"]);
        // Cached: the next check does not run it again (no second budget spent).
        let again = sc.check(&doc, &Settings::default()).unwrap();
        assert_eq!(again.gave_up, found.gave_up);
        assert_eq!(sc.lock().values().filter(|c| matches!(c, Cached::GaveUp)).count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_stuck_shellcheck_is_killed_and_leaves_nothing_behind() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let fake = dir.path().join("shellcheck");
        // Reads its script from standard input like ShellCheck, then hangs.
        std::fs::write(
            &fake,
            format!("#!/bin/sh\ncat > /dev/null\necho $$ > {}\nexec sleep 1000\n", pid_file.display()),
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let sc = ShellCheck::locate(Some(&fake)).unwrap().with_budget(Duration::from_millis(500));
        let source = "FROM debian:12\nRUN echo hi\n";
        let found = sc.check(&Document::parse(source), &Settings::default()).unwrap();
        assert_eq!(found.gave_up.len(), 1, "{found:?}");
        let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
        assert!(process::tests::gone(pid), "the fake shellcheck {pid} still runs");
    }

    #[test]
    fn a_bare_program_name_is_looked_up_on_path_not_in_the_current_directory() {
        if crate::test_env::shellcheck("a_bare_program_name_is_looked_up_on_path_not_in_the_current_directory") {
            assert!(ShellCheck::locate(Some(Path::new("shellcheck"))).is_ok());
        }
        let err = ShellCheck::locate(Some(Path::new("no-such-shellcheck-here"))).err().unwrap();
        assert_eq!(err, ShellCheckError::NotFound("no no-such-shellcheck-here on PATH".into()));
    }

    #[test]
    fn a_missing_binary_is_reported() {
        let err = ShellCheck::locate(Some(Path::new("/nonexistent/shellcheck"))).err().unwrap();
        assert!(matches!(err, ShellCheckError::NotFound(_)));
    }
}
