//! Linting open documents: settings per document (the CLI's config
//! discovery), the rules plus ShellCheck, and the worker that pushes
//! diagnostics after a short quiet period, for the latest version only.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use dockside_rules::shellcheck::ShellCheck;
use dockside_rules::{Diagnostic, Document, Settings, check_document_on_two_threads, config};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, timeout_at};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, Uri};

use crate::convert;
use crate::settings::EditorSettings;
use crate::state::{Linted, Snapshot, State};

/// When changes arrive faster than we lint (a burst), how long they must
/// stop before the next lint: the burst gives one result, for its last
/// version. A change after an idle spell is linted at once.
pub const QUIET_PERIOD: Duration = Duration::from_millis(50);

/// How long a document must stay unchanged before ShellCheck's pass of the
/// pushed diagnostics starts (its process would take a core from the lint
/// of the next keystroke).
pub const SHELLCHECK_DELAY: Duration = Duration::from_millis(150);

/// How long a lint waits for ShellCheck (which is slow on some scripts:
/// minutes for a RUN of thousands of `&&`-joined lines).
pub const SHELLCHECK_BUDGET: Duration = Duration::from_secs(10);

/// A loaded config file: its modification time when read, and its settings
/// or why they could not be read.
type LoadedConfig = (Option<SystemTime>, Result<Arc<Settings>, String>);

/// A located ShellCheck binary, or why there is none.
type Runner = Result<Arc<ShellCheck>, String>;

/// Settings per config file, reloaded when the file changes on disk.
#[derive(Default)]
pub struct Configs {
    loaded: Mutex<HashMap<PathBuf, LoadedConfig>>,
    defaults: Arc<Settings>,
}

impl Configs {
    /// The settings for a document at `path` (defaults without a path or a
    /// config), and the reason the config could not be used, if any.
    pub fn for_path(&self, path: Option<&Path>) -> (Arc<Settings>, Option<String>) {
        let Some(path) = path else { return (Arc::clone(&self.defaults), None) };
        let config_path = match config::discover(path) {
            Ok(Some(found)) => found,
            Ok(None) => return (Arc::clone(&self.defaults), None),
            Err(err) => return (Arc::clone(&self.defaults), Some(err.to_string())),
        };
        let modified = std::fs::metadata(&config_path).and_then(|m| m.modified()).ok();
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let entry = loaded.entry(config_path.clone()).or_insert_with(|| (None, Err(String::new())));
        if entry.0.is_none() || entry.0 != modified {
            *entry = (modified, config::load(&config_path).map(Arc::new).map_err(|e| e.to_string()));
        }
        match &entry.1 {
            Ok(settings) => (Arc::clone(settings), None),
            Err(err) => (Arc::clone(&self.defaults), Some(err.clone())),
        }
    }

    /// Forget every loaded file: the next lint reads them again.
    pub fn clear(&self) {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// ShellCheck runners by configured binary (`None`: from PATH).
#[derive(Default)]
pub struct ShellChecks {
    runners: Mutex<HashMap<Option<PathBuf>, Runner>>,
}

impl ShellChecks {
    fn runner(&self, settings: &Settings) -> Result<Option<Arc<ShellCheck>>, String> {
        let config = settings.shellcheck();
        if !config.enabled {
            return Ok(None);
        }
        let mut runners = self.runners.lock().unwrap_or_else(|e| e.into_inner());
        let runner = runners
            .entry(config.path.clone())
            .or_insert_with(|| ShellCheck::locate(config.path.as_deref()).map(Arc::new).map_err(|e| e.to_string()));
        runner.clone().map(Some)
    }
}

/// Shared by every lint of the session.
pub struct Linter {
    pub configs: Configs,
    shellchecks: ShellChecks,
    /// One ShellCheck run at a time: a slow one is not joined by another
    /// for every keystroke.
    shellcheck_slot: Arc<Semaphore>,
    /// Problems already logged (ShellCheck missing...), each said once.
    noted: Mutex<BTreeSet<String>>,
    /// The editor's settings, on top of each config file.
    editor: Mutex<Arc<EditorSettings>>,
    /// Bumped when settings or config files change: lint results of an
    /// older generation are stale even for the same document version.
    generation: AtomicU64,
}

impl Default for Linter {
    fn default() -> Self {
        Linter {
            configs: Configs::default(),
            shellchecks: ShellChecks::default(),
            shellcheck_slot: Arc::new(Semaphore::new(1)),
            noted: Mutex::new(BTreeSet::new()),
            editor: Mutex::new(Arc::new(EditorSettings::default())),
            generation: AtomicU64::new(0),
        }
    }
}

/// What the rules found, before ShellCheck.
struct RulesPass {
    /// The linter's settings generation the pass started with.
    generation: u64,
    settings: Arc<Settings>,
    config_error: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Linter {
    /// The document's settings and the rules' diagnostics (blocking: config I/O).
    fn rules(&self, doc: &Document, path: Option<&Path>) -> RulesPass {
        let (settings, config_error) = self.configs.for_path(path);
        // The build context (`.dockerignore`) is read on each lint, so edits to it show up.
        let settings = match path {
            Some(path) => Arc::new(settings.for_dockerfile(path)),
            None => settings,
        };
        let editor = self.editor();
        let settings = if editor.is_empty() { settings } else { Arc::new(editor.apply(&settings)) };
        let diagnostics = check_document_on_two_threads(doc, &settings);
        RulesPass { generation: 0, settings, config_error, diagnostics }
    }

    /// ShellCheck's diagnostics (blocking: runs the `shellcheck` process).
    fn shellcheck(&self, doc: &Document, settings: &Settings) -> Result<Vec<Diagnostic>, String> {
        match self.shellchecks.runner(settings)? {
            Some(runner) => runner.diagnostics(doc, settings).map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        }
    }

    pub fn editor(&self) -> Arc<EditorSettings> {
        Arc::clone(&self.editor.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Use these editor settings from now on; false when nothing changed.
    pub fn set_editor(&self, settings: EditorSettings) -> bool {
        let mut editor = self.editor.lock().unwrap_or_else(|e| e.into_inner());
        if **editor == settings {
            return false;
        }
        *editor = Arc::new(settings);
        drop(editor);
        self.generation.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// Config files changed on disk: read them again.
    pub fn reload_configs(&self) {
        self.configs.clear();
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Keep the notes not said before.
    fn first_time(&self, mut notes: Vec<String>) -> Vec<String> {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        notes.retain(|n| noted.insert(n.clone()));
        notes
    }
}

/// The rules' pass over a snapshot (on a blocking thread: config I/O).
async fn rules_pass(linter: &Arc<Linter>, snap: &Snapshot) -> Option<RulesPass> {
    let generation = linter.generation();
    let (doc, path, lint) = (Arc::clone(&snap.doc), snap.path.clone(), Arc::clone(linter));
    let pass = crate::server::blocking("lint", move || lint.rules(&doc, path.as_deref())).await.ok()?;
    Some(RulesPass { generation, ..pass })
}

/// ShellCheck's findings for a snapshot, or the note that explains their
/// absence. ShellCheck gets [`SHELLCHECK_BUDGET`]; when it takes longer its
/// findings are left out (the run goes on and fills the engine's cache for
/// the next lint).
async fn shellcheck_pass(
    linter: &Arc<Linter>,
    snap: &Snapshot,
    settings: &Arc<Settings>,
) -> Result<Vec<Diagnostic>, Option<String>> {
    let deadline = Instant::now() + SHELLCHECK_BUDGET;
    let too_slow = || {
        format!(
            "ShellCheck took longer than {} s on {}; its findings are left out until it finishes",
            SHELLCHECK_BUDGET.as_secs(),
            snap.uri.as_str()
        )
    };
    let permit = match timeout_at(deadline, Arc::clone(&linter.shellcheck_slot).acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_closed)) => return Err(None),
        Err(_elapsed) => return Err(Some(too_slow())),
    };
    let (doc, lint, settings) = (Arc::clone(&snap.doc), Arc::clone(linter), Arc::clone(settings));
    let run = crate::server::blocking("shellcheck", move || {
        let _slot = permit;
        lint.shellcheck(&doc, &settings)
    });
    match timeout_at(deadline, run).await {
        Ok(Ok(Ok(found))) => Ok(found),
        Ok(Ok(Err(err))) => Err(Some(err)),
        Ok(Err(_panicked)) => Err(None),
        Err(_elapsed) => Err(Some(too_slow())),
    }
}

/// Put ShellCheck's findings (if any) with the rules' and sort them.
fn combine(pass: &RulesPass, shellcheck: Vec<Diagnostic>) -> Linted {
    let mut diagnostics = pass.diagnostics.clone();
    diagnostics.extend(shellcheck);
    diagnostics
        .sort_by(|a, b| (a.range.start, a.range.end, a.rule.name).cmp(&(b.range.start, b.range.end, b.rule.name)));
    Linted {
        diagnostics,
        settings: Arc::clone(&pass.settings),
        config_error: pass.config_error.clone(),
        generation: pass.generation,
    }
}

/// Log the notes not said before.
async fn note(linter: &Linter, client: &Client, notes: Vec<String>) {
    for note in linter.first_time(notes) {
        client.log_message(MessageType::WARNING, format!("dockside: {note}")).await;
    }
}

/// Lint a snapshot like the CLI does: its config, the rules, then ShellCheck.
async fn lint(linter: &Arc<Linter>, client: &Client, snap: &Snapshot) -> Option<Linted> {
    let pass = rules_pass(linter, snap).await?;
    let mut notes: Vec<String> = pass.config_error.iter().cloned().collect();
    let mut found = Vec::new();
    if pass.settings.shellcheck().enabled {
        match shellcheck_pass(linter, snap, &pass.settings).await {
            Ok(diagnostics) => found = diagnostics,
            Err(why) => notes.extend(why),
        }
    }
    note(linter, client, notes).await;
    Some(combine(&pass, found))
}

/// The lint result for a snapshot: the cached one when it is for this
/// version, else a new lint (stored when the document has not moved on).
pub async fn linted(state: &State, linter: &Arc<Linter>, client: &Client, snap: &Snapshot) -> Option<Arc<Linted>> {
    {
        let docs = state.docs();
        let doc = docs.get(&snap.uri)?;
        if let Some((version, linted)) = &doc.linted
            && *version == snap.version
            && linted.generation == linter.generation()
        {
            return Some(Arc::clone(linted));
        }
    }
    let linted = Arc::new(lint(linter, client, snap).await?);
    let mut docs = state.docs();
    if let Some(doc) = docs.get_mut(&snap.uri)
        && doc.version == snap.version
    {
        doc.linted = Some((snap.version, Arc::clone(&linted)));
    }
    Some(linted)
}

/// The result id of a pulled report: changes with the document and with
/// the settings.
pub fn result_id(linted: &Linted, version: i32) -> String {
    format!("{}:{version}", linted.generation)
}

/// The push worker: lints the latest version of each changed document as
/// soon as it is idle. Changes that arrive while it is busy are coalesced:
/// it then waits for a quiet period, so a burst of keystrokes gives one
/// result, for the last version.
pub async fn push_worker(state: Arc<State>, linter: Arc<Linter>, client: Client, mut changed: UnboundedReceiver<Uri>) {
    let mut pending: BTreeSet<Uri> = BTreeSet::new();
    let mut typing_fast = false;
    loop {
        if pending.is_empty() {
            match changed.recv().await {
                Some(uri) => {
                    pending.insert(uri);
                }
                None => return,
            }
        }
        while let Ok(uri) = changed.try_recv() {
            pending.insert(uri);
        }
        if typing_fast {
            loop {
                match tokio::time::timeout(QUIET_PERIOD, changed.recv()).await {
                    Ok(Some(uri)) => {
                        pending.insert(uri);
                    }
                    Ok(None) => return,
                    Err(_elapsed) => break,
                }
            }
        }
        for uri in std::mem::take(&mut pending) {
            publish(&state, &linter, &client, &uri).await;
        }
        // Changes that came while we linted: the user is typing faster than
        // we lint, so let the next burst settle first.
        while let Ok(uri) = changed.try_recv() {
            pending.insert(uri);
        }
        typing_fast = !pending.is_empty();
    }
}

/// Lint `uri` and push its diagnostics, if it is still open and unchanged:
/// the rules' findings at once, and ShellCheck's (slower, a process) in a
/// second publication of the same version, from a task of its own so the
/// next edit is not held up, after [`SHELLCHECK_DELAY`] without a change.
async fn publish(state: &Arc<State>, linter: &Arc<Linter>, client: &Client, uri: &Uri) {
    let Some(snap) = state.snapshot(uri).await else { return };
    let cached = {
        let docs = state.docs();
        let current = |(v, l): &&(i32, Arc<Linted>)| *v == snap.version && l.generation == linter.generation();
        docs.get(uri).and_then(|d| d.linted.as_ref()).filter(current).map(|(_, l)| Arc::clone(l))
    };
    if let Some(linted) = cached {
        send(state, client, &snap, &linted, true).await;
        return;
    }
    let Some(pass) = rules_pass(linter, &snap).await else { return };
    note(linter, client, pass.config_error.iter().cloned().collect()).await;
    let shellcheck = pass.settings.shellcheck().enabled;
    if !shellcheck {
        let linted = Arc::new(combine(&pass, Vec::new()));
        store(state, &snap, &linted);
        send(state, client, &snap, &linted, true).await;
        return;
    }
    send(state, client, &snap, &combine(&pass, Vec::new()), false).await;
    // The pass waits for the user to pause, holding the model only weakly:
    // while they type, each keystroke's model is freed once the next
    // replaces it, and no ShellCheck process competes with the next lint.
    let (state, linter, client) = (Arc::clone(state), Arc::clone(linter), client.clone());
    let (uri, version, path, doc) = (snap.uri.clone(), snap.version, snap.path.clone(), Arc::downgrade(&snap.doc));
    drop(snap);
    tokio::spawn(async move {
        tokio::time::sleep(SHELLCHECK_DELAY).await;
        let Some(doc) = doc.upgrade() else { return };
        let snap = Snapshot { uri, version, path, doc };
        if !is_current(&state, &snap) {
            return;
        }
        let found = match shellcheck_pass(&linter, &snap, &pass.settings).await {
            Ok(found) => found,
            Err(why) => {
                note(&linter, &client, why.into_iter().collect()).await;
                Vec::new()
            }
        };
        let nothing_new = found.is_empty();
        let linted = Arc::new(combine(&pass, found));
        store(&state, &snap, &linted);
        if nothing_new {
            // What was pushed is already complete: do not send it again.
            mark_complete(&state, &snap);
        } else {
            send(&state, &client, &snap, &linted, true).await;
        }
    });
}

/// Record that the rules-only publication of this version was complete
/// (ShellCheck found nothing), when it is the one pushed last.
fn mark_complete(state: &State, snap: &Snapshot) {
    let mut docs = state.docs();
    if let Some(doc) = docs.get_mut(&snap.uri)
        && doc.published == Some((snap.version, false))
    {
        doc.published = Some((snap.version, true));
    }
}

fn is_current(state: &State, snap: &Snapshot) -> bool {
    state.docs().get(&snap.uri).is_some_and(|d| d.version == snap.version)
}

/// Keep a complete result for the handlers, if the document has not moved on.
fn store(state: &State, snap: &Snapshot, linted: &Arc<Linted>) {
    let mut docs = state.docs();
    if let Some(doc) = docs.get_mut(&snap.uri)
        && doc.version == snap.version
    {
        doc.linted = Some((snap.version, Arc::clone(linted)));
    }
}

/// Push `linted` for the snapshot's version unless the document changed
/// meanwhile (a newer version is on its way) or this result was pushed
/// already.
async fn send(state: &State, client: &Client, snap: &Snapshot, linted: &Linted, complete: bool) {
    let unit = state.features().unit;
    let diagnostics = convert::diagnostics(snap, linted, unit);
    {
        let mut docs = state.docs();
        let Some(doc) = docs.get_mut(&snap.uri) else { return };
        if doc.version != snap.version
            || doc.published.is_some_and(|(v, done)| v == snap.version && (done || !complete))
        {
            return;
        }
        doc.published = Some((snap.version, complete));
    }
    client.publish_diagnostics(snap.uri.clone(), diagnostics, Some(snap.version)).await;
}
