//! The document store: the text and syntax tree of every open document, the
//! `Document` model built from it, and the last lint result.
//!
//! Edits are applied synchronously, in arrival order, to the text and the
//! tree (`SyntaxTree::edit`, an incremental re-parse). The model is rebuilt
//! lazily (`Document::build`), off the notification path, the first time
//! someone needs it for the current version.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use dockside_rules::engine::IncrementalCheck;
use dockside_rules::model::BuildCache;
use dockside_rules::{ColumnUnit, Diagnostic, Document, Edit, LineIndex, Settings, SyntaxTree, TextRange};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::convert;
use crate::transport::Outgoing;

/// What the client told us in `initialize` that changes our answers.
#[derive(Clone, Copy, Debug)]
pub struct ClientFeatures {
    /// Columns are counted in this unit (negotiated position encoding).
    pub unit: ColumnUnit,
    /// The client asks for diagnostics (`textDocument/diagnostic`), so we do
    /// not push them.
    pub pull_diagnostics: bool,
    pub hierarchical_symbols: bool,
    /// `WorkspaceEdit.documentChanges` (versioned edits).
    pub document_changes: bool,
    /// Completion items may be snippets.
    pub snippets: bool,
    /// `workspace/configuration` requests are answered.
    pub configuration: bool,
    /// `workspace/didChangeWatchedFiles` can be registered dynamically.
    pub watch_files: bool,
    /// `workspace/diagnostic/refresh` is understood.
    pub diagnostic_refresh: bool,
    /// `codeAction/resolve` can fill in a code action's `edit`.
    pub resolve_action_edits: bool,
}

impl Default for ClientFeatures {
    fn default() -> Self {
        ClientFeatures {
            unit: ColumnUnit::Utf16,
            pull_diagnostics: false,
            hierarchical_symbols: true,
            document_changes: false,
            snippets: false,
            configuration: false,
            watch_files: false,
            diagnostic_refresh: false,
            resolve_action_edits: false,
        }
    }
}

/// One open document.
pub struct Doc {
    pub version: i32,
    /// The file, for config discovery (`None` for untitled or non-file URIs).
    pub path: Option<PathBuf>,
    /// The latest text and tree, when edited since the model was built.
    syntax: Option<SyntaxTree>,
    /// The model; current when `syntax` is `None`.
    built: Option<Arc<Document>>,
    /// Instructions and RUN scripts read by the last model build, reused by the next.
    cache: Arc<Mutex<BuildCache>>,
    /// The rules' findings of the last lint, by group of stages, reused by
    /// the next where the edit cannot change them.
    rules: Arc<Mutex<IncrementalCheck>>,
    /// The last lint result and the version it is for.
    pub linted: Option<(i32, Arc<Linted>)>,
    /// The last version whose diagnostics were pushed, and whether that
    /// result was complete (ShellCheck's findings included).
    pub published: Option<(i32, bool)>,
}

impl Doc {
    pub fn new(version: i32, path: Option<PathBuf>, text: String) -> Doc {
        Doc {
            version,
            path,
            syntax: Some(SyntaxTree::parse(text)),
            built: None,
            cache: Arc::new(Mutex::new(BuildCache::new())),
            rules: Arc::default(),
            linted: None,
            published: None,
        }
    }

    /// Apply the changes of one `didChange`, in order, to the text and the tree.
    pub fn apply_changes(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, unit: ColumnUnit) {
        let mut tree = self.take_syntax();
        for change in changes {
            match change.range {
                None => tree = SyntaxTree::parse(change.text),
                Some(range) => {
                    let text = tree.text();
                    let index = LineIndex::new(text);
                    let start = convert::offset(&index, text, range.start, unit);
                    let end = convert::offset(&index, text, range.end, unit).max(start);
                    tree.edit(TextRange::new(start, end), &change.text);
                }
            }
        }
        // A syntax error's "expected …" comes from the parse state before
        // it, and a node an incremental parse reused can carry another state
        // than a fresh parse gives it (found by tests/lsp_edit_stream.rs): a
        // tree with errors is parsed afresh, so the messages are the
        // command line's.
        if tree.root().has_error() {
            tree = SyntaxTree::parse(tree.text());
        }
        self.syntax = Some(tree);
        self.built = None;
        self.version = version;
    }

    /// The model of the current text, built now on this thread with the
    /// document's build cache, as [`State::snapshot`] builds it on a
    /// blocking thread (for the fuzz crate's edit streams).
    pub fn build_now(&mut self) -> Arc<Document> {
        if let (None, Some(built)) = (&self.syntax, &self.built) {
            return Arc::clone(built);
        }
        let tree = self.take_syntax();
        let built = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let built = Arc::new(Document::build_reusing(tree, &mut cache));
            drop_later(cache.take_leftover());
            built
        };
        self.built = Some(Arc::clone(&built));
        built
    }

    /// The current tree, copied out of the model (the text and a reference
    /// to the tree's nodes: cheap). The old model goes back to the build
    /// cache, whose next build takes over its unchanged instructions
    /// (freeing a big document took longer than re-parsing it); when a
    /// build holds the cache right now, it is dropped on a blocking thread.
    fn take_syntax(&mut self) -> SyntaxTree {
        if let Some(tree) = self.syntax.take() {
            return tree;
        }
        match self.built.take() {
            Some(doc) => {
                let tree = doc.syntax().clone();
                match self.cache.try_lock() {
                    Ok(mut cache) => cache.reclaim(doc),
                    Err(_) => drop_later(doc),
                }
                tree
            }
            None => SyntaxTree::parse(""),
        }
    }
}

/// Drop `value` off the caller's path: on a blocking thread of the
/// runtime, or here when there is none.
pub fn drop_later<T: Send + 'static>(value: T) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn_blocking(move || drop(value))),
        Err(_) => drop(value),
    }
}

/// What one lint of one version produced.
pub struct Linted {
    /// Rule and ShellCheck diagnostics, in position order.
    pub diagnostics: Vec<Diagnostic>,
    pub settings: Arc<Settings>,
    /// The config file could not be used (the defaults were).
    pub config_error: Option<String>,
    /// The linter's settings generation this result was made with.
    pub generation: u64,
    /// ShellCheck's findings are in (or it is off): false for the rules'
    /// findings pushed while ShellCheck waits for the user to pause, which
    /// code actions answer from but pulled diagnostics do not.
    pub complete: bool,
    /// The edit of `source.fixAll.dockside` (every safe fix, through the
    /// engine's fix loop), computed once per result when first asked for.
    pub fix_all: OnceLock<Option<Edit>>,
}

impl Linted {
    pub fn new(diagnostics: Vec<Diagnostic>, settings: Arc<Settings>, generation: u64, complete: bool) -> Linted {
        Linted { diagnostics, settings, config_error: None, generation, complete, fix_all: OnceLock::new() }
    }
}

/// A document at one version, for reading.
#[derive(Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub path: Option<PathBuf>,
    pub doc: Arc<Document>,
    /// The document's incremental rule results (shared by its versions).
    pub rules: Arc<Mutex<IncrementalCheck>>,
}

/// Everything the handlers share.
pub struct State {
    docs: Mutex<HashMap<Uri, Doc>>,
    /// One turn at a time per document for pushing diagnostics: whoever
    /// holds it checks that its version is current and sends, so no older
    /// result can follow a newer one.
    publish_turns: Mutex<HashMap<Uri, Arc<tokio::sync::Mutex<()>>>>,
    features: Mutex<ClientFeatures>,
    shut_down: AtomicBool,
    /// Where pushed diagnostics are written.
    pub outgoing: Outgoing,
}

impl State {
    pub fn new(outgoing: Outgoing) -> State {
        State {
            outgoing,
            docs: Mutex::new(HashMap::new()),
            publish_turns: Mutex::new(HashMap::new()),
            features: Mutex::new(ClientFeatures::default()),
            shut_down: AtomicBool::new(false),
        }
    }

    /// The document store. A panic while it was held does not make it unusable.
    pub fn docs(&self) -> MutexGuard<'_, HashMap<Uri, Doc>> {
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lock to hold while checking and pushing `uri`'s diagnostics.
    pub fn publish_turn(&self, uri: &Uri) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.publish_turns.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(turns.entry(uri.clone()).or_default())
    }

    /// Forget `uri`'s publish lock once nobody else holds a handle to it.
    pub fn forget_publish_turn(&self, uri: &Uri) {
        let mut turns = self.publish_turns.lock().unwrap_or_else(|e| e.into_inner());
        if turns.get(uri).is_some_and(|turn| Arc::strong_count(turn) == 1) {
            turns.remove(uri);
        }
    }

    pub fn features(&self) -> ClientFeatures {
        *self.features.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_features(&self, features: ClientFeatures) {
        *self.features.lock().unwrap_or_else(|e| e.into_inner()) = features;
    }

    pub fn set_shut_down(&self) {
        self.shut_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    /// The model of `uri` at its current version, built now if needed (in a
    /// blocking task). `None` when the document is not open.
    pub async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let (version, path, tree, cache, rules) = {
            let docs = self.docs();
            let doc = docs.get(uri)?;
            let rules = Arc::clone(&doc.rules);
            match (&doc.syntax, &doc.built) {
                (None, Some(built)) => {
                    return Some(Snapshot {
                        uri: uri.clone(),
                        version: doc.version,
                        path: doc.path.clone(),
                        doc: Arc::clone(built),
                        rules,
                    });
                }
                (Some(tree), _) => (doc.version, doc.path.clone(), tree.clone(), Arc::clone(&doc.cache), rules),
                (None, None) => (doc.version, doc.path.clone(), SyntaxTree::parse(""), Arc::clone(&doc.cache), rules),
            }
        };
        let (built, leftover) = crate::server::blocking("build the document model", move || {
            let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
            let built = Document::build_reusing(tree, &mut cache);
            (built, cache.take_leftover())
        })
        .await
        .ok()?;
        // The old model's rest is freed beside the lint, not before it.
        drop_later(leftover);
        let built = Arc::new(built);
        let mut docs = self.docs();
        if let Some(doc) = docs.get_mut(uri)
            && doc.version == version
            && doc.syntax.is_some()
        {
            // The model holds the same tree: keep one copy.
            doc.syntax = None;
            doc.built = Some(Arc::clone(&built));
        }
        Some(Snapshot { uri: uri.clone(), version, path, doc: built, rules })
    }
}
