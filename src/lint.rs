//! Linting one input: read it, find its settings, check or fix it, and write
//! fixes back safely.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dockside_rules::{ConfigError, Diagnostic, Document, Settings, Severity, check, check_document, config, fix};

use crate::args::FixMode;
use crate::discover::{Input, display_path, io_message};
use crate::files::{decode, unified_diff, write_atomically};
use crate::output::FileReport;
use crate::shellcheck::ShellChecks;

const BOM: &str = "\u{FEFF}";

/// The `--select`/`--extend-select`/`--ignore`/`--fail-level` arguments,
/// applied on top of every config file.
#[derive(Debug, Default)]
pub struct Overrides {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `Some(level)` when `--fail-level` was given (`Some(None)` for `none`).
    pub fail_level: Option<Option<Severity>>,
}

impl Overrides {
    pub fn apply(&self, settings: &mut Settings) -> Result<(), ConfigError> {
        settings.apply_overrides(&self.select, &self.extend_select, &self.ignore)?;
        if let Some(level) = self.fail_level {
            settings.set_fail_level(level);
        }
        Ok(())
    }
}

/// Settings per config file. Many files share one config, so each file is
/// loaded (and its errors reported) once.
pub struct Configs {
    overrides: Overrides,
    /// `--config`: used for every input, no discovery.
    explicit: Option<(PathBuf, Arc<Settings>)>,
    defaults: Arc<Settings>,
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>>,
}

impl Configs {
    /// Fails when the overrides name unknown rules or `--config` cannot be loaded.
    pub fn new(overrides: Overrides, explicit: Option<&Path>) -> Result<Configs, ConfigError> {
        let mut defaults = Settings::default();
        overrides.apply(&mut defaults)?;
        let explicit = match explicit {
            Some(path) => {
                let mut settings = config::load(path)?;
                overrides.apply(&mut settings)?;
                Some((path.to_path_buf(), Arc::new(settings)))
            }
            None => None,
        };
        Ok(Configs { overrides, explicit, defaults: Arc::new(defaults), loaded: Mutex::new(HashMap::new()) })
    }

    /// The settings for `file` and the config file they came from.
    pub fn for_file(&self, file: &Path) -> Result<(Arc<Settings>, Option<PathBuf>), ConfigError> {
        if let Some((path, settings)) = &self.explicit {
            return Ok((Arc::clone(settings), Some(path.clone())));
        }
        let Some(config_path) = config::discover(file)? else {
            return Ok((Arc::clone(&self.defaults), None));
        };
        // A poisoned lock only means another thread panicked; the map is still usable.
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let entry = loaded.entry(config_path.clone()).or_insert_with(|| {
            let mut settings = config::load(&config_path)?;
            self.overrides.apply(&mut settings)?;
            Ok(Arc::new(settings))
        });
        entry.clone().map(|settings| (settings, Some(config_path)))
    }
}

/// What the CLI asked for, shared by every input.
pub struct LintOptions<'a> {
    pub configs: &'a Configs,
    pub shellchecks: &'a ShellChecks,
    pub fix: Option<FixMode>,
    pub stdin_filename: Option<&'a Path>,
}

/// A successfully linted input.
pub struct Linted {
    pub report: FileReport,
    pub outcome: Outcome,
}

/// Everything about a linted input besides its diagnostics.
#[derive(Default)]
pub struct Outcome {
    /// Exit with 1 when a diagnostic is at least this severe.
    pub fail_level: Option<Severity>,
    /// Fixes applied (or, with `--diff`, that would be applied).
    pub fixed: usize,
    /// With `--diff`: the unified diff, when the fixes change something.
    pub diff: Option<String>,
    /// With `--fix` on standard input: the fixed text, for stdout.
    pub fixed_stdin: Option<String>,
    /// Problems that did not stop the linting (a refused write); exit 2.
    pub errors: Vec<String>,
    /// `--verbose` lines.
    pub notes: Vec<String>,
}

/// Why an input produced no report.
pub enum Problem {
    /// `path: error: message`.
    Input {
        path: String,
        message: String,
    },
    Config(ConfigError),
}

impl Problem {
    fn input(path: &str, message: impl Into<String>) -> Problem {
        Problem::Input { path: path.to_string(), message: message.into() }
    }
}

/// An input that was read, decoded and configured: ready to lint.
pub struct Loaded {
    input: Input,
    path: String,
    bom: &'static str,
    /// The text without its BOM: positions are computed on it.
    pub text: String,
    pub settings: Arc<Settings>,
    outcome: Outcome,
}

pub fn load(input: &Input, options: &LintOptions<'_>) -> Result<Loaded, Problem> {
    let (path, bytes, config_anchor) = read_input(input, options.stdin_filename)?;
    let text = decode(bytes).map_err(|message| Problem::input(&path, message))?;
    let (settings, config_path) = options.configs.for_file(&config_anchor).map_err(Problem::Config)?;
    // Rules about the build context read the file's `.dockerignore`;
    // standard input has no context.
    let settings = match input {
        Input::File(file) => Arc::new(settings.for_dockerfile(file)),
        Input::Stdin => settings,
    };
    let outcome = Outcome {
        fail_level: settings.fail_level(),
        notes: vec![match &config_path {
            Some(config) => format!("{path}: using config {}", config.display()),
            None => format!("{path}: no config file found, using defaults"),
        }],
        ..Outcome::default()
    };
    // The BOM is put back on write.
    let (bom, text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest.to_string()),
        None => ("", text),
    };
    Ok(Loaded { input: input.clone(), path, bom, text, settings, outcome })
}

/// Lint (or fix) a loaded input.
pub fn finish(loaded: Loaded, options: &LintOptions<'_>) -> Linted {
    let Loaded { input, path, bom, text, settings, mut outcome } = loaded;
    let lint = Lint { settings: &settings, shellchecks: options.shellchecks };
    let report = match options.fix {
        None => lint.report(path, Document::parse(&text)),
        Some(mode) => fix_input(&input, mode, path, bom, text, &lint, &mut outcome),
    };
    Linted { report, outcome }
}

/// What linting one file needs besides its text.
struct Lint<'a> {
    settings: &'a Settings,
    shellchecks: &'a ShellChecks,
}

impl Lint<'_> {
    /// The rules' diagnostics plus ShellCheck's, in position order.
    fn report(&self, path: String, doc: Document) -> FileReport {
        let mut diagnostics = check_document(&doc, self.settings);
        diagnostics.extend(self.shellchecks.diagnostics(&doc, self.settings));
        diagnostics
            .sort_by(|a, b| (a.range.start, a.range.end, a.rule.name).cmp(&(b.range.start, b.range.end, b.rule.name)));
        FileReport::new(path, doc.text().to_string(), diagnostics)
    }

    fn checked(&self, path: String, text: &str) -> FileReport {
        self.report(path, Document::parse(text))
    }
}

/// The path to show, the raw content, and the path to find the config from.
fn read_input(input: &Input, stdin_filename: Option<&Path>) -> Result<(String, Vec<u8>, PathBuf), Problem> {
    match input {
        Input::File(file) => {
            let shown = display_path(file);
            let bytes = fs::read(file).map_err(|e| Problem::input(&shown, io_message(&e)))?;
            Ok((shown, bytes, file.clone()))
        }
        Input::Stdin => {
            let shown = stdin_filename.map_or_else(|| "<stdin>".to_string(), display_path);
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes).map_err(|e| Problem::input(&shown, io_message(&e)))?;
            // Without a name, stdin is configured like a file in the current directory.
            let anchor = stdin_filename.map_or_else(|| PathBuf::from("-"), Path::to_path_buf);
            Ok((shown, bytes, anchor))
        }
    }
}

/// `--fix`/`--unsafe-fixes`/`--diff` on one decoded input.
fn fix_input(
    input: &Input,
    mode: FixMode,
    path: String,
    bom: &str,
    text: String,
    lint: &Lint<'_>,
    outcome: &mut Outcome,
) -> FileReport {
    let fixed = apply_fixes(&text, lint.settings, mode.unsafe_fixes());
    if !fixed.converged {
        outcome.notes.push(format!("{path}: fixes did not settle; some may remain"));
    }
    // The engine already drops fixes that break the syntax; this is the last line of defence.
    if fixed.applied > 0 && syntax_error_count(&fixed.text) > syntax_error_count(&text) {
        outcome.errors.push(format!("{path}: error: fixes would introduce a syntax error; file left unchanged"));
        return lint.checked(path, &text);
    }
    let changed = fixed.text != text;
    match mode {
        FixMode::Diff { .. } => {
            outcome.fixed = fixed.applied;
            if changed {
                outcome.diff = Some(unified_diff(&path, &format!("{bom}{text}"), &format!("{bom}{}", fixed.text)));
            }
            // Nothing is written, so the file's current findings still stand.
            lint.checked(path, &text)
        }
        FixMode::Write { .. } => {
            let output = format!("{bom}{}", fixed.text);
            match input {
                Input::Stdin => outcome.fixed_stdin = Some(output),
                Input::File(file) if changed => {
                    if let Err(e) = write_atomically(file, output.as_bytes()) {
                        outcome.errors.push(format!("{path}: error: could not write fixes: {}", io_message(&e)));
                        return lint.checked(path, &text);
                    }
                }
                Input::File(_) => {}
            }
            outcome.fixed = fixed.applied;
            let mut report = FileReport::new(path, fixed.text, fixed.diagnostics);
            let doc = Document::parse(&report.source);
            report.diagnostics.extend(lint.shellchecks.diagnostics(&doc, lint.settings));
            report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.rule.name));
            report
        }
    }
}

struct Fixed {
    text: String,
    applied: usize,
    /// The remaining diagnostics, with ranges into `text`.
    diagnostics: Vec<Diagnostic>,
    converged: bool,
}

/// Run the fix loop, keeping the file's line endings: a CRLF file is fixed
/// as LF (so inserted `\n`s match) and converted back.
fn apply_fixes(text: &str, settings: &Settings, unsafe_fixes: bool) -> Fixed {
    if !is_crlf(text) {
        let result = fix(text, settings, unsafe_fixes);
        return Fixed {
            text: result.text,
            applied: result.applied,
            diagnostics: result.diagnostics,
            converged: result.converged,
        };
    }
    let result = fix(&text.replace("\r\n", "\n"), settings, unsafe_fixes);
    if result.applied == 0 {
        // Nothing changed: keep the original bytes and diagnostics as they are.
        let diagnostics = check(text, settings).diagnostics;
        return Fixed { text: text.to_string(), applied: 0, diagnostics, converged: result.converged };
    }
    let fixed = result.text.replace('\n', "\r\n");
    // The remaining diagnostics point into the LF text; lint again for CRLF ranges.
    let diagnostics = check(&fixed, settings).diagnostics;
    Fixed { text: fixed, applied: result.applied, diagnostics, converged: result.converged }
}

/// True when every line ends in CRLF. Mixed files are fixed as they are,
/// since converting them either way would rewrite untouched lines.
fn is_crlf(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut newlines = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').peekable();
    newlines.peek().is_some() && newlines.all(|(i, _)| i > 0 && bytes[i - 1] == b'\r')
}

fn syntax_error_count(text: &str) -> usize {
    Document::parse(text).syntax_errors.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_detection() {
        assert!(is_crlf("FROM a\r\nRUN b\r\n"));
        assert!(!is_crlf("FROM a\nRUN b\r\n"));
        assert!(!is_crlf("FROM a"));
        assert!(!is_crlf("\n"));
    }
}
