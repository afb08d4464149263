//! The `LanguageServer` implementation: every method delegates to its
//! handler module in [`crate::handlers`].

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use dockside_rules::engine::panic_message;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::handlers;
use crate::lint::{self, Linter};
use crate::state::State;
use crate::transport::Outgoing;

pub struct Backend {
    pub client: Client,
    pub state: Arc<State>,
    pub linter: Arc<Linter>,
    /// Documents to lint and push diagnostics for (the push worker).
    pub changed: UnboundedSender<Uri>,
}

impl Backend {
    /// Must run inside the tokio runtime: it starts the push worker.
    pub fn new(client: Client, outgoing: Outgoing) -> Backend {
        let state = Arc::new(State::new(outgoing));
        let linter = Arc::new(Linter::default());
        let (changed, receiver) = unbounded_channel();
        tokio::spawn(lint::push_worker(Arc::clone(&state), Arc::clone(&linter), client.clone(), receiver));
        Backend { client, state, linter, changed }
    }

    pub fn state(&self) -> Arc<State> {
        Arc::clone(&self.state)
    }
}

/// Run engine work on a blocking thread. A panic is logged (stderr) and
/// becomes an internal error (its message says what panicked); the server
/// keeps serving.
pub async fn blocking<T: Send + 'static>(what: &'static str, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Ok(value),
        Err(err) => {
            let why = match err.try_into_panic() {
                Ok(payload) => panic_message(payload.as_ref()),
                Err(err) => err.to_string(),
            };
            eprintln!("dockside lsp: {what} failed: {why}");
            Err(Error { message: format!("{what} panicked: {why}").into(), ..Error::internal_error() })
        }
    }
}

/// Tell the user (a message window and the log) that `what` failed on
/// `uri` because of a bug.
pub async fn report_internal_error(client: &Client, what: &str, uri: Option<&Uri>, why: &str) {
    let on = uri.map_or(String::new(), |uri| format!(" on {}", uri.as_str()));
    let message = format!("dockside: internal error, please report: {what}{on} failed: {why}");
    client.log_message(MessageType::ERROR, &message).await;
    client.show_message(MessageType::ERROR, message).await;
}

/// A future whose panic is caught: `Err(message)` instead of unwinding into
/// the transport (which would end the session).
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::result::Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

impl Backend {
    /// Run a request handler: a panic, or an internal error from engine work
    /// it ran, is reported to the user naming the document, and answered
    /// with an internal-error response.
    async fn request<T>(&self, method: &str, uri: Option<&Uri>, handler: impl Future<Output = Result<T>>) -> Result<T> {
        let outcome = CatchUnwind(Box::pin(handler)).await;
        let err = match outcome {
            Ok(Err(err)) if err.code == ErrorCode::InternalError => err,
            Ok(answer) => return answer,
            Err(why) => {
                eprintln!("dockside lsp: {method} panicked: {why}");
                Error { message: format!("{method} panicked: {why}").into(), ..Error::internal_error() }
            }
        };
        report_internal_error(&self.client, method, uri, &err.message).await;
        Err(err)
    }

    /// Run a notification handler: a panic is reported to the user.
    async fn notification(&self, method: &str, uri: Option<&Uri>, handler: impl Future<Output = ()>) {
        if let Err(why) = CatchUnwind(Box::pin(handler)).await {
            eprintln!("dockside lsp: {method} panicked: {why}");
            report_internal_error(&self.client, method, uri, &why).await;
        }
    }
}

/// Run `work` here, catching a panic (logged on stderr) as `None`.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(_) => {
            eprintln!("dockside lsp: {what} panicked");
            None
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.request("initialize", None, async { Ok(handlers::lifecycle::initialize(self, params)) }).await
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.set_shut_down();
        // No ShellCheck process outlives the session (nor starts after it).
        dockside_rules::shellcheck::kill_all();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        self.notification("textDocument/didOpen", Some(&uri), handlers::sync::did_open(self, params)).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        self.notification("textDocument/didChange", Some(&uri), handlers::sync::did_change(self, params)).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        self.notification("textDocument/didClose", Some(&uri), handlers::sync::did_close(self, params)).await;
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/diagnostic", Some(&uri), handlers::diagnostics::pull(self, params)).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/codeAction", Some(&uri), handlers::code_action::code_action(self, params)).await
    }

    async fn code_action_resolve(&self, params: CodeAction) -> Result<CodeAction> {
        self.request("codeAction/resolve", None, handlers::code_action::resolve(self, params)).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.request("textDocument/hover", Some(&uri), handlers::hover::hover(self, params)).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/documentSymbol", Some(&uri), handlers::symbols::document_symbol(self, params)).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/foldingRange", Some(&uri), handlers::folding::folding_range(self, params)).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/formatting", Some(&uri), handlers::formatting::formatting(self, params)).await
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/rangeFormatting", Some(&uri), handlers::formatting::range_formatting(self, params))
            .await
    }

    async fn on_type_formatting(&self, params: DocumentOnTypeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request(
            "textDocument/onTypeFormatting",
            Some(&uri),
            handlers::formatting::on_type_formatting(self, params),
        )
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/completion", Some(&uri), handlers::completion::completion(self, params)).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/semanticTokens/full", Some(&uri), handlers::semantic_tokens::full(self, params))
            .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/semanticTokens/range", Some(&uri), handlers::semantic_tokens::range(self, params))
            .await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let uri = params.text_document.uri.clone();
        self.request(
            "textDocument/selectionRange",
            Some(&uri),
            handlers::selection_range::selection_range(self, params),
        )
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.request("textDocument/signatureHelp", Some(&uri), handlers::signature_help::signature_help(self, params))
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/inlayHint", Some(&uri), handlers::inlay_hints::inlay_hint(self, params)).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/documentLink", Some(&uri), handlers::document_links::document_link(self, params))
            .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.request("textDocument/definition", Some(&uri), handlers::navigation::definition(self, params)).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/references", Some(&uri), handlers::navigation::references(self, params)).await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.request("textDocument/documentHighlight", Some(&uri), handlers::navigation::highlight(self, params)).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/prepareRename", Some(&uri), handlers::rename::prepare_rename(self, params)).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/rename", Some(&uri), handlers::rename::rename(self, params)).await
    }

    async fn initialized(&self, _params: InitializedParams) {
        self.notification("initialized", None, handlers::workspace::initialized(self)).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.notification(
            "workspace/didChangeConfiguration",
            None,
            handlers::workspace::did_change_configuration(self, params),
        )
        .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.notification(
            "workspace/didChangeWatchedFiles",
            None,
            handlers::workspace::did_change_watched_files(self, params),
        )
        .await;
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        self.request("workspace/diagnostic", None, handlers::workspace::workspace_diagnostic(self, params)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll_once<F: Future>(future: F) -> Poll<std::result::Result<F::Output, String>> {
        let mut caught = CatchUnwind(Box::pin(future));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        Pin::new(&mut caught).poll(&mut cx)
    }

    #[test]
    fn a_panicking_handler_future_becomes_its_message() {
        assert_eq!(poll_once(async { 7 }), Poll::Ready(Ok(7)));
        let panics = async {
            if std::hint::black_box(true) {
                panic!("handler bug");
            }
        };
        assert_eq!(poll_once(panics), Poll::Ready(Err("handler bug".to_string())));
    }
}
