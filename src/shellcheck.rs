//! The ShellCheck pass of a run: one runner per configured binary, primed
//! with every file's scripts before the files are linted in parallel.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dockside_rules::shellcheck::{Checked, ShellCheck, ShellCheckError};
use dockside_rules::{Document, Settings};

/// A runner, or why there is none.
type Runner = Result<Arc<ShellCheck>, ShellCheckError>;

#[derive(Default)]
pub struct ShellChecks {
    /// Keyed by the configured `shellcheck-path` (`None`: search PATH) and
    /// time budget.
    runners: Mutex<HashMap<(Option<PathBuf>, Duration), Runner>>,
    /// Problems, each said once (`--verbose`).
    notes: Mutex<Vec<String>>,
}

impl ShellChecks {
    /// The runner for these settings, or `None` when ShellCheck is off or missing.
    fn runner(&self, settings: &Settings) -> Option<Arc<ShellCheck>> {
        let config = settings.shellcheck();
        if !config.enabled {
            return None;
        }
        let mut runners = self.runners.lock().unwrap_or_else(|e| e.into_inner());
        let runner = runners.entry((config.path.clone(), config.timeout)).or_insert_with(|| {
            ShellCheck::locate(config.path.as_deref()).map(|runner| Arc::new(runner.with_budget(config.timeout)))
        });
        match runner {
            Ok(runner) => Some(Arc::clone(runner)),
            Err(err) => {
                self.note(err.to_string());
                None
            }
        }
    }

    /// True when any of these settings wants ShellCheck and it can run.
    pub fn wanted(&self, settings: &Settings) -> bool {
        self.runner(settings).is_some()
    }

    /// Check the scripts of all files in a few large ShellCheck runs:
    /// `files` pairs each file's settings with its script texts.
    pub fn prime(&self, files: Vec<(&Settings, Vec<String>)>) {
        let mut groups: HashMap<*const ShellCheck, (Arc<ShellCheck>, Vec<String>)> = HashMap::new();
        for (settings, texts) in files {
            if let Some(runner) = self.runner(settings) {
                groups.entry(Arc::as_ptr(&runner)).or_insert_with(|| (runner, Vec::new())).1.extend(texts);
            }
        }
        for (runner, texts) in groups.into_values() {
            if let Err(err) = runner.prime_texts(texts) {
                self.note(err.to_string());
            }
        }
    }

    /// What ShellCheck says about one file (nothing when it is off, missing
    /// or failing; the reason is noted once).
    pub fn check(&self, doc: &Document, settings: &Settings) -> Checked {
        let Some(runner) = self.runner(settings) else { return Checked::default() };
        runner.check(doc, settings).unwrap_or_else(|err| {
            self.note(err.to_string());
            Checked::default()
        })
    }

    fn note(&self, message: String) {
        let mut notes = self.notes.lock().unwrap_or_else(|e| e.into_inner());
        if !notes.contains(&message) {
            notes.push(message);
        }
    }

    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.notes.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let runners = self.runners.lock().unwrap_or_else(|e| e.into_inner());
        let skipped: usize = runners.values().filter_map(|r| r.as_ref().ok()).map(|r| r.skipped()).sum();
        if skipped > 0 {
            notes.push(format!(
                "{skipped} RUN script(s) of more than {} commands were not checked by shellcheck",
                dockside_rules::shellcheck::MAX_SCRIPT_STATEMENTS
            ));
        }
        notes
    }
}
