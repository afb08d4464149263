//! Linting one input: read it, find its settings, check or fix it, and write
//! fixes back safely.

use std::cell::RefCell;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockside_rules::engine::panic_message;
use dockside_rules::pipeline::{self, Resolved, ShellChecks};
pub use dockside_rules::pipeline::{Configs, Overrides};
use dockside_rules::{ColumnUnit, ConfigError, Document, Settings, Severity, fix};

use crate::args::FixMode;
use crate::discover::{Input, display_path, io_message};
use crate::files::{decode, unified_diff, write_atomically};
use crate::output::FileReport;

const BOM: &str = "\u{FEFF}";

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
    // Rules about the build context read the file's `.dockerignore`;
    // standard input has the context of the path it is named as, if any.
    let dockerfile = match (input, options.stdin_filename) {
        (Input::File(file), _) => Some(file.as_path()),
        (Input::Stdin, named) => named,
    };
    let Resolved { settings, config: config_path, .. } =
        options.configs.resolve(&config_anchor, dockerfile).map_err(Problem::Config)?;
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
        let linted = pipeline::lint_document(&doc, self.settings, self.shellchecks);
        self.gave_up(&path, &doc, &linted);
        FileReport::new(path, doc.text().to_string(), linted.diagnostics)
    }

    /// The scripts ShellCheck gave up on become warnings.
    fn gave_up(&self, path: &str, doc: &Document, linted: &pipeline::Linted) {
        let budget = linted.shellcheck.budget.as_secs_f64();
        for range in &linted.shellcheck.gave_up {
            let at = doc.line_index.position(doc.text(), range.start, ColumnUnit::Char);
            self.warnings.borrow_mut().push(format!(
                "{path}:{}:{}: warning: ShellCheck gave up on this RUN script after {budget} s and was stopped; \
                 its findings are missing (raise `shellcheck-timeout` or `--shellcheck-timeout` to wait longer)",
                at.line + 1,
                at.column + 1,
            ));
        }
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
            let doc = Document::parse(&fixed.text);
            let linted = pipeline::with_shellcheck(&doc, lint.settings, lint.shellchecks, fixed.diagnostics);
            lint.gave_up(&path, &doc, &linted);
            FileReport::new(path, fixed.text, linted.diagnostics)
        }
    }
}

fn syntax_error_count(text: &str) -> usize {
    Document::parse(text).syntax_errors.len()
}
