//! Linting one input: read it, find its settings, check or fix it, and write
//! fixes back safely.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use dockside_rules::config::{ConfigWarning, Trust};
use dockside_rules::engine::panic_message;
use dockside_rules::{ColumnUnit, ConfigError, Diagnostic, Document, Settings, Severity, check_document, config, fix};

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
    /// `--shellcheck-path`.
    pub shellcheck_path: Option<PathBuf>,
    /// `--shellcheck-timeout`.
    pub shellcheck_timeout: Option<Duration>,
}

impl Overrides {
    pub fn apply(&self, settings: &mut Settings) -> Result<(), ConfigError> {
        settings.apply_overrides(&self.select, &self.extend_select, &self.ignore)?;
        if let Some(level) = self.fail_level {
            settings.set_fail_level(level);
        }
        if let Some(path) = &self.shellcheck_path {
            settings.set_shellcheck(None, Some(Some(path.clone())));
        }
        if let Some(timeout) = self.shellcheck_timeout {
            settings.set_shellcheck_timeout(timeout);
        }
        Ok(())
    }
}

/// Settings per config file. Many files share one config, so each file is
/// loaded (and its errors and warnings reported) once.
///
/// Layers, lowest first: the user config's program choice (its
/// `shellcheck-path`), the file's config (a project's own may not name a
/// program), the command line.
pub struct Configs {
    overrides: Overrides,
    /// `--config`: used for every input, no discovery. Trusted: the user named it.
    explicit: Option<(PathBuf, Arc<Settings>)>,
    /// For files without a project config: the user config, else the defaults.
    fallback: (Option<PathBuf>, Arc<Settings>),
    /// The user config, whose program choices every project config inherits.
    user: Option<Settings>,
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>>,
    /// What project configs asked for and did not get, not printed yet.
    warnings: Mutex<Vec<ConfigWarning>>,
}

impl Configs {
    /// Fails when the overrides name unknown rules, or `--config` or the
    /// user config cannot be loaded.
    pub fn new(overrides: Overrides, explicit: Option<&Path>) -> Result<Configs, ConfigError> {
        let user = config::load_user_config()?;
        let mut defaults = user.clone().unwrap_or_default();
        overrides.apply(&mut defaults)?;
        let user_path = user.as_ref().and_then(|_| config::user_config_path());
        let explicit = match explicit {
            Some(path) => {
                let mut settings = config::load(path, Trust::User)?.settings;
                if let Some(user) = &user {
                    settings.inherit_programs(user);
                }
                overrides.apply(&mut settings)?;
                Some((path.to_path_buf(), Arc::new(settings)))
            }
            None => None,
        };
        Ok(Configs {
            overrides,
            explicit,
            fallback: (user_path, Arc::new(defaults)),
            user,
            loaded: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
        })
    }

    /// The settings for `file` and the config file they came from.
    pub fn for_file(&self, file: &Path) -> Result<(Arc<Settings>, Option<PathBuf>), ConfigError> {
        if let Some((path, settings)) = &self.explicit {
            return Ok((Arc::clone(settings), Some(path.clone())));
        }
        let Some(config_path) = config::discover(file)? else {
            return Ok((Arc::clone(&self.fallback.1), self.fallback.0.clone()));
        };
        // A poisoned lock only means another thread panicked; the map is still usable.
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let entry = loaded.entry(config_path.clone()).or_insert_with(|| {
            let config::Loaded { mut settings, warnings } = config::load(&config_path, Trust::Project)?;
            self.warnings.lock().unwrap_or_else(|e| e.into_inner()).extend(warnings);
            if let Some(user) = &self.user {
                settings.inherit_programs(user);
            }
            self.overrides.apply(&mut settings)?;
            Ok(Arc::new(settings))
        });
        entry.clone().map(|settings| (settings, Some(config_path)))
    }

    /// The warnings about config files loaded since the last call.
    pub fn take_warnings(&self) -> Vec<ConfigWarning> {
        let mut warnings = std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()));
        warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        warnings
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
    /// Gaps in the results (ShellCheck gave up on a script), always shown.
    pub warnings: Vec<String>,
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
    // standard input has the context of the path it is named as, if any.
    let settings = match (input, options.stdin_filename) {
        (Input::File(file), _) => Arc::new(settings.for_dockerfile(file)),
        (Input::Stdin, Some(named)) => Arc::new(settings.for_dockerfile(named)),
        (Input::Stdin, None) => settings,
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

/// Lint (or fix) a loaded input. A crash inside dockside costs only this
/// input: it is reported as an internal error with its path.
pub fn finish(loaded: Loaded, options: &LintOptions<'_>) -> Result<Linted, Problem> {
    let path = loaded.path.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| finish_unguarded(loaded, options))).map_err(|payload| {
        Problem::input(
            &path,
            format!(
                "internal error: dockside crashed while linting this file ({}); nothing was written; please report this with the file",
                panic_message(payload.as_ref())
            ),
        )
    })
}

fn finish_unguarded(loaded: Loaded, options: &LintOptions<'_>) -> Linted {
    // For the end-to-end test of the crash guard above: no input makes
    // dockside panic on purpose, so the test names a marker text instead.
    if let Some(marker) = std::env::var_os("DOCKSIDE_TEST_CRASH_ON").and_then(|m| m.into_string().ok())
        && !marker.is_empty()
        && loaded.text.contains(&marker)
    {
        panic!("crash requested by DOCKSIDE_TEST_CRASH_ON");
    }
    let Loaded { input, path, bom, text, settings, mut outcome } = loaded;
    let lint = Lint { settings: &settings, shellchecks: options.shellchecks, warnings: RefCell::default() };
    let report = match options.fix {
        None => lint.report(path, Document::parse(&text)),
        Some(mode) => fix_input(&input, mode, path, bom, text, &lint, &mut outcome),
    };
    outcome.warnings.extend(lint.warnings.into_inner());
    Linted { report, outcome }
}

/// What linting one file needs besides its text.
struct Lint<'a> {
    settings: &'a Settings,
    shellchecks: &'a ShellChecks,
    /// `path:line:col: warning: …` lines for the scripts ShellCheck gave up on.
    warnings: RefCell<Vec<String>>,
}

impl Lint<'_> {
    /// The rules' diagnostics plus ShellCheck's, in position order.
    fn report(&self, path: String, doc: Document) -> FileReport {
        let mut diagnostics = check_document(&doc, self.settings);
        diagnostics.extend(self.shellcheck(&path, &doc));
        diagnostics
            .sort_by(|a, b| (a.range.start, a.range.end, a.rule.name).cmp(&(b.range.start, b.range.end, b.rule.name)));
        FileReport::new(path, doc.text().to_string(), diagnostics)
    }

    /// ShellCheck's diagnostics; the scripts it gave up on become warnings.
    fn shellcheck(&self, path: &str, doc: &Document) -> Vec<Diagnostic> {
        let checked = self.shellchecks.check(doc, self.settings);
        let budget = self.settings.shellcheck().timeout.as_secs_f64();
        for range in checked.gave_up {
            let at = doc.line_index.position(doc.text(), range.start, ColumnUnit::Char);
            self.warnings.borrow_mut().push(format!(
                "{path}:{}:{}: warning: ShellCheck gave up on this RUN script after {budget} s and was stopped; \
                 its findings are missing (raise `shellcheck-timeout` or `--shellcheck-timeout` to wait longer)",
                at.line + 1,
                at.column + 1,
            ));
        }
        checked.diagnostics
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
    let fixed = fix(&text, lint.settings, mode.unsafe_fixes());
    if !fixed.problems.is_empty() {
        let index = dockside_rules::LineIndex::new(&text);
        for problem in &fixed.problems {
            let at = index.position(&text, problem.offset, ColumnUnit::Char);
            outcome.errors.push(format!(
                "{path}:{}:{}: internal error: {problem} (please report this with the file)",
                at.line + 1,
                at.column + 1
            ));
        }
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
            report.diagnostics.extend(lint.shellcheck(&report.path, &doc));
            report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.rule.name));
            report
        }
    }
}

fn syntax_error_count(text: &str) -> usize {
    Document::parse(text).syntax_errors.len()
}
