//! The ShellCheck runners of a session: one per configured binary and time
//! budget, each with its cache of results by script text.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::diagnostic::{Diagnostic, TextRange};
use crate::model::Document;
use crate::settings::Settings;
use crate::shellcheck::{MAX_SCRIPT_STATEMENTS, ShellCheck, ShellCheckError};

/// A located runner, or why there is none.
type Runner = Result<Arc<ShellCheck>, ShellCheckError>;

/// What ShellCheck said about one document.
#[derive(Debug, Default)]
pub struct ShellCheckPass {
    /// Filtered and ranked by the settings and the file's suppressions.
    pub diagnostics: Vec<Diagnostic>,
    /// The RUN instructions whose script ShellCheck gave up on (killed at
    /// the time budget): their findings are missing.
    pub gave_up: Vec<TextRange>,
    /// The time budget each process had.
    pub budget: Duration,
    /// Why ShellCheck did not run (missing, failing); `None` when it ran or
    /// is off.
    pub problem: Option<String>,
}

#[derive(Default)]
pub struct ShellChecks {
    /// Keyed by the configured `shellcheck-path` (`None`: search PATH) and
    /// time budget.
    runners: Mutex<HashMap<(Option<PathBuf>, Duration), Runner>>,
    /// Each problem met so far, once.
    problems: Mutex<Vec<String>>,
}

/// A poisoned lock only means another thread panicked; the maps stay usable
/// (entries are inserted whole).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ShellChecks {
    /// The runner for these settings; `Ok(None)` when ShellCheck is off.
    fn runner(&self, settings: &Settings) -> Result<Option<Arc<ShellCheck>>, ShellCheckError> {
        let config = settings.shellcheck();
        if !config.enabled {
            return Ok(None);
        }
        let mut runners = lock(&self.runners);
        let runner = runners.entry((config.path.clone(), config.timeout)).or_insert_with(|| {
            ShellCheck::locate(config.path.as_deref()).map(|runner| Arc::new(runner.with_budget(config.timeout)))
        });
        runner.clone().map(Some)
    }

    /// True when these settings want ShellCheck and it can run.
    pub fn wanted(&self, settings: &Settings) -> bool {
        match self.runner(settings) {
            Ok(runner) => runner.is_some(),
            Err(err) => {
                self.note(err.to_string());
                false
            }
        }
    }

    /// Check the scripts of many documents in a few large ShellCheck runs
    /// (a process start costs as much as checking a few scripts): `files`
    /// pairs each document's settings with its script texts
    /// ([`ShellCheck::script_texts`]), so no document has to be kept.
    pub fn prime(&self, files: Vec<(&Settings, Vec<String>)>) {
        let mut groups: HashMap<*const ShellCheck, (Arc<ShellCheck>, Vec<String>)> = HashMap::new();
        for (settings, texts) in files {
            match self.runner(settings) {
                Ok(Some(runner)) => {
                    groups.entry(Arc::as_ptr(&runner)).or_insert_with(|| (runner, Vec::new())).1.extend(texts)
                }
                Ok(None) => {}
                Err(err) => self.note(err.to_string()),
            }
        }
        for (runner, texts) in groups.into_values() {
            if let Err(err) = runner.prime_texts(texts) {
                self.note(err.to_string());
            }
        }
    }

    /// What ShellCheck says about `doc` (blocking: runs the processes for
    /// scripts not checked yet). Nothing when it is off; when it is missing
    /// or failing, the pass says why.
    pub fn check(&self, doc: &Document, settings: &Settings) -> ShellCheckPass {
        let runner = match self.runner(settings) {
            Ok(Some(runner)) => runner,
            Ok(None) => return ShellCheckPass::default(),
            Err(err) => return self.failed(err),
        };
        match runner.check(doc, settings) {
            Ok(checked) => ShellCheckPass {
                diagnostics: checked.diagnostics,
                gave_up: checked.gave_up,
                budget: runner.budget(),
                problem: None,
            },
            Err(err) => self.failed(err),
        }
    }

    fn failed(&self, err: ShellCheckError) -> ShellCheckPass {
        let problem = err.to_string();
        self.note(problem.clone());
        ShellCheckPass { problem: Some(problem), ..ShellCheckPass::default() }
    }

    fn note(&self, problem: String) {
        let mut problems = lock(&self.problems);
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }

    /// Every problem met so far, once each, and how many scripts were too
    /// long to check.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = lock(&self.problems).clone();
        let skipped: usize = lock(&self.runners).values().filter_map(|r| r.as_ref().ok()).map(|r| r.skipped()).sum();
        if skipped > 0 {
            notes.push(format!(
                "{skipped} RUN script(s) of more than {MAX_SCRIPT_STATEMENTS} commands were not checked by shellcheck"
            ));
        }
        notes
    }
}
