//! ShellCheck findings on RUN scripts, reported as rules `SC<code>`.
//!
//! This is the one part of the engine that runs an external program, so the
//! front-ends call it explicitly after [`crate::check_document`]; the rules
//! themselves stay pure. One `shellcheck` process checks many scripts (it
//! takes several files), results are cached by script text, and
//! [`ShellCheck::prime`] spreads large batches over the CPUs.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock, Mutex};

use serde::Deserialize;

use crate::config::Settings;
use crate::diagnostic::{Category, Diagnostic, Severity};
use crate::model::{Document, Instruction, PREDEFINED_ARGS, Scope, ShellScript};
use crate::registry::{FixAvailability, RuleMeta};

/// Codes hadolint never reports, and neither do we: SC2187 (ash is not
/// supported) and SC1090/SC1091 (they need `# shellcheck source=` directives,
/// which a Dockerfile cannot carry).
pub const EXCLUDED_BY_DEFAULT: [u32; 3] = [2187, 1090, 1091];

/// More files than this per process would approach the argument-length limit.
const MAX_FILES_PER_PROCESS: usize = 400;

/// ShellCheck's analysis grows faster than linearly with long command
/// chains (1,000 `&&`: 3.5 s and 430 MB; 5,000: minutes and gigabytes), so
/// scripts with more statements are left out (and counted, see
/// [`ShellCheck::skipped`]).
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

/// A ShellCheck runner with a cache shared by every file of a run.
pub struct ShellCheck {
    program: PathBuf,
    cache: Mutex<HashMap<String, Arc<Vec<Finding>>>>,
    /// Scripts over [`MAX_SCRIPT_STATEMENTS`] that were not checked.
    skipped: std::sync::atomic::AtomicUsize,
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
}

impl ShellCheck {
    /// Find the binary: the configured path, else `shellcheck` on PATH.
    pub fn locate(configured: Option<&Path>) -> Result<ShellCheck, ShellCheckError> {
        let program = match configured {
            Some(path) if path.is_file() => path.to_path_buf(),
            Some(path) => return Err(ShellCheckError::NotFound(format!("no file at {}", path.display()))),
            None => find_on_path("shellcheck").ok_or_else(|| ShellCheckError::NotFound("not on PATH".into()))?,
        };
        Ok(ShellCheck { program, cache: Mutex::new(HashMap::new()), skipped: Default::default() })
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// How many scripts were too long to check (over [`MAX_SCRIPT_STATEMENTS`]).
    pub fn skipped(&self) -> usize {
        self.skipped.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn too_long(&self, text: &str) -> bool {
        let long = statement_count(text) > MAX_SCRIPT_STATEMENTS;
        if long {
            self.skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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

    /// Check every text not cached yet, in batches of many scripts per
    /// process, with one worker per CPU.
    pub fn prime_texts(&self, texts: impl IntoIterator<Item = String>) -> Result<(), ShellCheckError> {
        let texts: Vec<String> = {
            let cache = self.lock();
            let unique: BTreeSet<String> =
                texts.into_iter().filter(|t| !cache.contains_key(t) && !self.too_long(t)).collect();
            unique.into_iter().collect()
        };
        if texts.is_empty() {
            return Ok(());
        }
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
        let per_batch = texts.len().div_ceil(workers).clamp(1, MAX_FILES_PER_PROCESS);
        let batches: Vec<&[String]> = texts.chunks(per_batch).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Result<(), ShellCheckError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers.min(batches.len()))
                .map(|_| {
                    scope.spawn(|| {
                        while let Some(batch) = batches.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                            self.run_batch(batch)?;
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
    /// and the file's suppressions. Runs ShellCheck for scripts not cached yet.
    pub fn diagnostics(&self, doc: &Document, settings: &Settings) -> Result<Vec<Diagnostic>, ShellCheckError> {
        if !settings.shellcheck().enabled {
            return Ok(Vec::new());
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
        for batch in missing.chunks(MAX_FILES_PER_PROCESS) {
            self.run_batch(batch)?;
        }
        let cache = self.lock();
        let mut out = Vec::new();
        for p in &prepared {
            let Some(findings) = cache.get(&p.text) else { continue };
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
                    out.push(d);
                }
            }
        }
        out.sort_by_key(|d| (d.range.start, d.range.end, d.rule.name));
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Vec<Finding>>>> {
        // A panic elsewhere leaves the cache consistent (entries are inserted whole).
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Run one ShellCheck process on `texts` and cache the findings of each.
    fn run_batch(&self, texts: &[String]) -> Result<(), ShellCheckError> {
        let dir = tempfile::tempdir().map_err(|e| ShellCheckError::Failed(format!("temporary directory: {e}")))?;
        let mut files = Vec::with_capacity(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let path = dir.path().join(format!("{i}.sh"));
            let mut file = std::fs::File::create(&path).map_err(|e| ShellCheckError::Failed(e.to_string()))?;
            file.write_all(text.as_bytes()).map_err(|e| ShellCheckError::Failed(e.to_string()))?;
            files.push(path);
        }
        let excluded: Vec<String> = EXCLUDED_BY_DEFAULT.iter().map(|c| format!("SC{c}")).collect();
        let output = Command::new(&self.program)
            .args(["--format=json1", "--norc", "--exclude", &excluded.join(",")])
            .args(&files)
            .output()
            .map_err(|e| ShellCheckError::Failed(format!("cannot run {}: {e}", self.program.display())))?;
        // 0: no findings, 1: findings; anything else is an error.
        if !matches!(output.status.code(), Some(0 | 1)) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(ShellCheckError::Failed(format!("{} ({})", stderr.trim(), output.status)));
        }
        let parsed: Output = serde_json::from_slice(&output.stdout)
            .map_err(|e| ShellCheckError::Failed(format!("unexpected output: {e}")))?;
        let mut by_file: Vec<Vec<Finding>> = vec![Vec::new(); texts.len()];
        for c in parsed.comments {
            let index = Path::new(&c.file)
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|i| *i < texts.len());
            if let Some(i) = index {
                by_file[i].push(c.finding);
            }
        }
        let mut cache = self.lock();
        for (text, findings) in texts.iter().zip(by_file) {
            cache.insert(text.clone(), Arc::new(findings));
        }
        Ok(())
    }
}

/// The scripts ShellCheck should see: shell-form RUNs and heredoc scripts
/// (exec form is not a shell script, as in hadolint), also inside ONBUILD.
fn prepared_scripts(doc: &Document) -> Vec<Prepared<'_>> {
    let mut out = Vec::new();
    for ins in &doc.instructions {
        for ins in std::iter::once(ins).chain(ins.onbuild.as_deref()) {
            if let Some(p) = prepare(doc, ins) {
                out.push(p);
            }
        }
    }
    out
}

fn prepare<'a>(doc: &Document, ins: &'a Instruction) -> Option<Prepared<'a>> {
    let script = ins.script.as_ref().filter(|_| ins.json.is_none())?;
    let dialect = match script.shell_name().trim_end_matches(".exe") {
        "bash" => "bash",
        "dash" => "dash",
        "ksh" | "mksh" => "ksh",
        "sh" | "ash" | "busybox" => "sh",
        _ => return None, // zsh and others: ShellCheck does not support them
    };
    if script.text.starts_with("#!") {
        // The script names its own interpreter; ShellCheck reads the shebang.
        return Some(Prepared { text: format!("{}\n", script.text), prefix_lines: 0, script });
    }
    let scope = Scope::at(doc, ins.index);
    // Declared ARG/ENV names (and the proxy variables every build gets) are
    // set, as hadolint does, so ShellCheck neither calls them unassigned nor
    // asks to quote them. Platform args such as TARGETARCH are only visible
    // after an `ARG TARGETARCH`, so they come from the scope like any other.
    let mut names: BTreeSet<&str> = scope.names().collect();
    names.extend(PREDEFINED_ARGS.iter().copied().filter(|n| n.to_ascii_lowercase().contains("proxy")));
    let exports = names.into_iter().map(|n| format!("{n}=1")).collect::<Vec<_>>().join(" ");
    Some(Prepared { text: format!("#!/bin/{dialect}\nexport {exports}\n{}\n", script.text), prefix_lines: 2, script })
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
            summary: "A ShellCheck finding in a RUN script",
            source: "",
            path: "",
            enabled_by_default: true,
        }))
    })
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shellcheck() -> ShellCheck {
        // CI installs shellcheck (.ci/run); a missing binary must fail, not skip.
        ShellCheck::locate(None).expect("shellcheck must be installed to run these tests")
    }

    #[test]
    fn findings_map_back_through_continuations_and_heredocs() {
        let source = "FROM debian:12\nARG VERSION=1\nRUN echo $VERSION && \\\n    cp $src\t/dst\nRUN <<EOF\nset -e\nrm -rf $dir/\nEOF\n";
        let doc = Document::parse(source);
        let found = shellcheck().diagnostics(&doc, &Settings::default()).unwrap();
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
        let sc = shellcheck();
        let source = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $A\nRUN echo $B\n";
        let found = sc.diagnostics(&Document::parse(source), &Settings::default()).unwrap();
        assert_eq!(found.iter().filter(|d| d.rule.name == "SC2086").count(), 1, "{found:?}");
        // PowerShell scripts are not shell scripts.
        let pwsh = "FROM mcr.microsoft.com/powershell\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $B\n";
        assert!(sc.diagnostics(&Document::parse(pwsh), &Settings::default()).unwrap().is_empty());
        // bash features are fine under a bash SHELL, and flagged under sh.
        let bash = "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -f /x ]] && echo ok\n";
        assert!(sc.diagnostics(&Document::parse(bash), &Settings::default()).unwrap().is_empty());
        let sh = "FROM debian:12\nRUN [[ -f /x ]] && echo ok\n";
        assert!(!sc.diagnostics(&Document::parse(sh), &Settings::default()).unwrap().is_empty());
        let off = crate::config::parse_toml("shellcheck = false\n", Path::new("dockside.toml")).unwrap();
        assert!(sc.diagnostics(&Document::parse(source), &off).unwrap().is_empty());
    }

    #[test]
    fn prime_fills_the_cache_for_many_files_at_once() {
        let sc = shellcheck();
        let docs: Vec<Document> =
            (0..30).map(|i| Document::parse(&format!("FROM debian:12\nRUN echo ${}x\n", "v".repeat(i + 1)))).collect();
        let refs: Vec<&Document> = docs.iter().collect();
        sc.prime(&refs).unwrap();
        assert_eq!(sc.lock().len(), 30);
        for doc in &docs {
            assert!(sc.diagnostics(doc, &Settings::default()).unwrap().iter().any(|d| d.rule.name == "SC2086"));
        }
    }

    #[test]
    fn very_long_scripts_are_skipped_and_counted() {
        let sc = shellcheck();
        let mut source = String::from("FROM debian:12\nRUN echo $a");
        for _ in 0..MAX_SCRIPT_STATEMENTS {
            source.push_str(" \\\n && true");
        }
        let found = sc.diagnostics(&Document::parse(&source), &Settings::default()).unwrap();
        assert!(found.is_empty());
        assert_eq!(sc.skipped(), 1);
    }

    #[test]
    fn a_missing_binary_is_reported() {
        let err = ShellCheck::locate(Some(Path::new("/nonexistent/shellcheck"))).err().unwrap();
        assert!(matches!(err, ShellCheckError::NotFound(_)));
    }
}
