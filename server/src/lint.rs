//! Linting open documents over the engine's pipeline (`rules::pipeline`:
//! settings per document, the rules, ShellCheck, the merge), with the
//! editor's settings on top, and the worker that pushes diagnostics after a
//! short quiet period, for the latest version only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dockside_rules::engine::IncrementalCheck;
use dockside_rules::pipeline::{self, Configs, Freshness, ShellChecks};
use dockside_rules::{ColumnUnit, Diagnostic, Document, Settings};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::PublishDiagnostics;
use tower_lsp_server::ls_types::{self as lsp, MessageType, PublishDiagnosticsParams, Uri};

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

/// A document's settings and what to tell the user about its config.
pub struct ConfigFor {
    pub settings: Arc<Settings>,
    /// Why the config could not be used (the defaults are, instead).
    pub error: Option<String>,
    /// What the config asked for and did not get (a program to run).
    pub warnings: Vec<String>,
}

/// The settings for a document at `path` (the engine's config layers and
/// caching); the defaults, and why, when its config cannot be used; the
/// defaults without a path. With the build context when `context` is set.
pub fn config_for(configs: &Configs, path: Option<&Path>, context: bool) -> ConfigFor {
    let Some(path) = path else {
        return ConfigFor { settings: configs.defaults(None), error: None, warnings: Vec::new() };
    };
    let dockerfile = context.then_some(path);
    match configs.resolve(path, dockerfile) {
        Ok(resolved) => ConfigFor {
            settings: resolved.settings,
            error: None,
            warnings: resolved.warnings.iter().map(ToString::to_string).collect(),
        },
        Err(err) => {
            ConfigFor { settings: configs.defaults(dockerfile), error: Some(err.to_string()), warnings: Vec::new() }
        }
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
            // Until file watching is registered (if ever), config files are
            // checked on every lint.
            configs: Configs::for_editor(Freshness::Polled),
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
    /// Config warnings and errors, to log (each once).
    config_notes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    /// The lint crashed: `diagnostics` is one error saying so, and
    /// ShellCheck is not run.
    crashed: bool,
}

impl Linter {
    /// The document's settings and the rules' diagnostics (blocking: config I/O).
    fn rules(&self, doc: &Document, path: Option<&Path>, incremental: &Mutex<IncrementalCheck>) -> RulesPass {
        let ConfigFor { settings, error: config_error, warnings } = config_for(&self.configs, path, true);
        let editor = self.editor();
        let settings = if editor.is_empty() { settings } else { Arc::new(editor.apply(&settings)) };
        crash_if_asked(doc.text());
        let diagnostics = {
            let mut incremental = incremental.lock().unwrap_or_else(|e| e.into_inner());
            incremental.check(doc, &settings)
        };
        let config_notes = config_error.iter().cloned().chain(warnings).collect();
        RulesPass { generation: 0, settings, config_error, config_notes, diagnostics, crashed: false }
    }

    /// What stands for the rules' findings when linting crashed: one error
    /// at the top of the document.
    fn crashed(&self, generation: u64, why: &str) -> RulesPass {
        let diagnostic = Diagnostic {
            rule: &dockside_rules::engine::INTERNAL_ERROR,
            severity: dockside_rules::Severity::Error,
            message: format!("internal error: dockside crashed while linting this document ({why}); please report it"),
            range: dockside_rules::TextRange::empty(0),
            fix: None,
            related: Vec::new(),
        };
        RulesPass {
            generation,
            settings: self.configs.defaults(None),
            config_error: None,
            config_notes: Vec::new(),
            diagnostics: vec![diagnostic],
            crashed: true,
        }
    }

    /// ShellCheck's diagnostics (blocking: runs the `shellcheck` processes,
    /// each within the settings' time budget), and notes about what is
    /// missing: ShellCheck itself, or the scripts it gave up on.
    fn shellcheck(&self, doc: &Document, settings: &Settings, uri: &Uri) -> (Vec<Diagnostic>, Vec<String>) {
        let pass = self.shellchecks.check(doc, settings);
        let gave_up = pass.gave_up.iter().map(|range| {
            let line = doc.line_index.position(doc.text(), range.start, ColumnUnit::Char).line + 1;
            format!(
                "ShellCheck gave up on the RUN script at {}:{line} after {} s and was stopped; its findings are \
                 missing (`shellcheck-timeout` sets the budget)",
                uri.as_str(),
                pass.budget.as_secs_f64(),
            )
        });
        let notes = pass.problem.iter().cloned().chain(gave_up).collect();
        (pass.diagnostics, notes)
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

    /// Whether the client watches config files and `.dockerignore` for us:
    /// then what was read is kept until it says something changed, else
    /// config files are checked on every lint.
    pub fn watching_files(&self, watching: bool) {
        self.configs.set_freshness(if watching { Freshness::Watched } else { Freshness::Polled });
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// These watched files changed on disk: forget what was read in their
    /// folders (and below).
    pub fn files_changed(&self, changed: &[PathBuf]) {
        for path in changed {
            self.configs.invalidate(path);
        }
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

/// The test hook of the crash guard (the CLI has the same): linting a text
/// that contains the value of `DOCKSIDE_TEST_CRASH_ON` panics. No input
/// makes dockside panic on purpose, so the end-to-end test names a marker.
fn crash_if_asked(text: &str) {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let marker = MARKER.get_or_init(|| std::env::var("DOCKSIDE_TEST_CRASH_ON").ok().filter(|m| !m.is_empty()));
    if let Some(marker) = marker
        && text.contains(marker.as_str())
    {
        panic!("crash requested by DOCKSIDE_TEST_CRASH_ON");
    }
}

/// The rules' pass over a snapshot (on a blocking thread: config I/O). A
/// crash is reported to the user and becomes one error diagnostic.
async fn rules_pass(linter: &Arc<Linter>, client: &Client, snap: &Snapshot) -> RulesPass {
    let generation = linter.generation();
    let (doc, path, lint, rules) =
        (Arc::clone(&snap.doc), snap.path.clone(), Arc::clone(linter), Arc::clone(&snap.rules));
    match crate::server::blocking("lint", move || lint.rules(&doc, path.as_deref(), &rules)).await {
        Ok(pass) => RulesPass { generation, ..pass },
        Err(err) => {
            crate::server::report_internal_error(client, "linting", Some(&snap.uri), &err.message).await;
            linter.crashed(generation, &err.message)
        }
    }
}

/// ShellCheck's findings for a snapshot, and the notes that explain what is
/// missing (ShellCheck absent or failing, scripts it gave up on). Each
/// process has the settings' time budget (`shellcheck-timeout`), enforced
/// by the engine, which kills it and caches the script as given up on.
async fn shellcheck_pass(
    linter: &Arc<Linter>,
    snap: &Snapshot,
    settings: &Arc<Settings>,
) -> (Vec<Diagnostic>, Vec<String>) {
    let Ok(permit) = Arc::clone(&linter.shellcheck_slot).acquire_owned().await else { return (Vec::new(), Vec::new()) };
    let (doc, lint, settings, uri) =
        (Arc::clone(&snap.doc), Arc::clone(linter), Arc::clone(settings), snap.uri.clone());
    let run = crate::server::blocking("shellcheck", move || {
        let _slot = permit;
        lint.shellcheck(&doc, &settings, &uri)
    });
    run.await.unwrap_or_default()
}

/// Put ShellCheck's findings (if any) with the rules' and sort them;
/// `complete` when ShellCheck's pass is in (or off).
fn combine(pass: &RulesPass, shellcheck: Vec<Diagnostic>, complete: bool) -> Linted {
    let diagnostics = pipeline::merge(pass.diagnostics.clone(), shellcheck);
    let mut linted = Linted::new(diagnostics, Arc::clone(&pass.settings), pass.generation, complete);
    linted.config_error = pass.config_error.clone();
    linted
}

/// Log the notes not said before.
async fn note(linter: &Linter, client: &Client, notes: Vec<String>) {
    for note in linter.first_time(notes) {
        client.log_message(MessageType::WARNING, format!("dockside: {note}")).await;
    }
}

/// Lint a snapshot like the CLI does: its config, the rules, then ShellCheck.
async fn lint(linter: &Arc<Linter>, client: &Client, snap: &Snapshot) -> Option<Linted> {
    let pass = rules_pass(linter, client, snap).await;
    let mut notes: Vec<String> = pass.config_notes.clone();
    let mut found = Vec::new();
    if pass.settings.shellcheck().enabled && !pass.crashed {
        let (diagnostics, why) = shellcheck_pass(linter, snap, &pass.settings).await;
        found = diagnostics;
        notes.extend(why);
    }
    note(linter, client, notes).await;
    Some(combine(&pass, found, true))
}

/// The lint result for a snapshot: the cached one when it is for this
/// version, else a new lint (stored when the document has not moved on).
pub async fn linted(state: &State, linter: &Arc<Linter>, client: &Client, snap: &Snapshot) -> Option<Arc<Linted>> {
    if let Some(linted) = current(state, linter, snap).filter(|l| l.complete) {
        return Some(linted);
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

/// The lint result a pulled report gives. For a client that understands
/// `workspace/diagnostic/refresh`, the rules' findings at once (the stored
/// result of this version, complete or not) and ShellCheck's once the user
/// pauses, followed by a refresh, as pushed diagnostics come in two
/// publications; for any other client, the complete result ([`linted`]),
/// which waits for ShellCheck.
pub async fn linted_for_pull(
    state: &Arc<State>,
    linter: &Arc<Linter>,
    client: &Client,
    snap: &Snapshot,
) -> Option<Arc<Linted>> {
    if !state.features().diagnostic_refresh {
        return linted(state, linter, client, snap).await;
    }
    if let Some(linted) = current(state, linter, snap) {
        return Some(linted);
    }
    Some(rules_first(state, linter, client, snap, Completion::Refresh).await)
}

/// The rules' findings on a snapshot, stored for the handlers: complete
/// when ShellCheck is off (or the lint crashed); else ShellCheck's pass
/// completes the stored result later and `completion` tells the client.
async fn rules_first(
    state: &Arc<State>,
    linter: &Arc<Linter>,
    client: &Client,
    snap: &Snapshot,
    completion: Completion,
) -> Arc<Linted> {
    let pass = rules_pass(linter, client, snap).await;
    note(linter, client, pass.config_notes.clone()).await;
    let shellcheck = pass.settings.shellcheck().enabled && !pass.crashed;
    // Incomplete, it is kept for code actions until ShellCheck's pass completes it.
    let linted = Arc::new(combine(&pass, Vec::new(), !shellcheck));
    store(state, snap, &linted);
    if shellcheck {
        complete_later(state, linter, client, snap.clone(), pass, completion);
    }
    linted
}

/// The lint result for a snapshot's code actions: the last one of this
/// version and settings, even while ShellCheck's findings are still to
/// come (they are pushed when the user pauses), else [`linted`].
pub async fn linted_for_actions(
    state: &State,
    linter: &Arc<Linter>,
    client: &Client,
    snap: &Snapshot,
) -> Option<Arc<Linted>> {
    match current(state, linter, snap) {
        Some(linted) => Some(linted),
        None => linted(state, linter, client, snap).await,
    }
}

/// The stored result of the snapshot's version and the current settings.
fn current(state: &State, linter: &Linter, snap: &Snapshot) -> Option<Arc<Linted>> {
    let docs = state.docs();
    let (version, linted) = docs.get(&snap.uri)?.linted.as_ref()?;
    (*version == snap.version && linted.generation == linter.generation()).then(|| Arc::clone(linted))
}

/// The result id of a pulled report: a hash of what it reports, so a
/// client that asks with the id of a report with the same diagnostics (an
/// edit that moved none of them, the same findings under new settings) is
/// told "unchanged" instead of being sent them all again.
pub fn result_id(items: &[lsp::Diagnostic]) -> String {
    use std::hash::Hasher;
    /// Feeds what serde writes into a hasher, without the text.
    struct Hashing(std::hash::DefaultHasher);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(std::hash::DefaultHasher::new());
    // Diagnostics always serialize; were one not to, the id would only be less specific.
    let _ = serde_json::to_writer(&mut hashing, items);
    format!("{:016x}", hashing.0.finish())
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
    if let Some(linted) = current(state, linter, &snap).filter(|l| l.complete) {
        send(state, &snap, &linted, true).await;
        return;
    }
    let linted = rules_first(state, linter, client, &snap, Completion::Push).await;
    send(state, &snap, &linted, linted.complete).await;
}

/// How the client learns that ShellCheck's pass completed a result.
#[derive(Clone, Copy)]
enum Completion {
    /// Push the completed result (when it adds something).
    Push,
    /// Ask the pulling client to pull again (`workspace/diagnostic/refresh`).
    Refresh,
}

/// ShellCheck's pass over a snapshot whose rules' findings are out, once
/// the user pauses; the completed result is stored and announced. The pass
/// holds the model only weakly until then: while they type, each
/// keystroke's model is freed once the next replaces it, and no ShellCheck
/// process competes with the next lint.
fn complete_later(
    state: &Arc<State>,
    linter: &Arc<Linter>,
    client: &Client,
    snap: Snapshot,
    pass: RulesPass,
    completion: Completion,
) {
    let (state, linter, client) = (Arc::clone(state), Arc::clone(linter), client.clone());
    let (uri, version, path, doc) = (snap.uri.clone(), snap.version, snap.path.clone(), Arc::downgrade(&snap.doc));
    let rules = Arc::clone(&snap.rules);
    drop(snap);
    tokio::spawn(async move {
        tokio::time::sleep(SHELLCHECK_DELAY).await;
        let Some(doc) = doc.upgrade() else { return };
        let snap = Snapshot { uri, version, path, doc, rules };
        if !is_current(&state, &snap) {
            return;
        }
        let (found, why) = shellcheck_pass(&linter, &snap, &pass.settings).await;
        note(&linter, &client, why).await;
        let nothing_new = found.is_empty();
        let linted = Arc::new(combine(&pass, found, true));
        store(&state, &snap, &linted);
        match completion {
            // What was pushed is already complete: do not send it again.
            Completion::Push if nothing_new => mark_complete(&state, &snap),
            Completion::Push => send(&state, &snap, &linted, true).await,
            // The pulled report was already complete.
            Completion::Refresh if nothing_new => {}
            Completion::Refresh => {
                let _ = client.workspace_diagnostic_refresh().await;
            }
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

/// Keep a result for the handlers, if the document has not moved on (and
/// an incomplete one only in place of no complete one of its version and
/// generation).
fn store(state: &State, snap: &Snapshot, linted: &Arc<Linted>) {
    let mut docs = state.docs();
    if let Some(doc) = docs.get_mut(&snap.uri)
        && doc.version == snap.version
    {
        let complete_kept = doc
            .linted
            .as_ref()
            .is_some_and(|(v, l)| *v == snap.version && l.complete && l.generation == linted.generation);
        if linted.complete || !complete_kept {
            doc.linted = Some((snap.version, Arc::clone(linted)));
        }
    }
}

/// Push `linted` for the snapshot's version unless the document changed
/// meanwhile (a newer version is on its way) or this result was pushed
/// already. The check and the send happen in the document's publish turn,
/// so a send that passed its check goes out before any later one.
async fn send(state: &State, snap: &Snapshot, linted: &Linted, complete: bool) {
    let unit = state.features().unit;
    let params = PublishDiagnosticsParams {
        uri: snap.uri.clone(),
        diagnostics: convert::diagnostics(snap, linted, unit),
        version: Some(snap.version),
    };
    let turn = state.publish_turn(&snap.uri);
    let _turn = turn.lock().await;
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
    state.outgoing.notify::<PublishDiagnostics>(&params);
}
