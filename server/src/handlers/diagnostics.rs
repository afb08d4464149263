//! Pull diagnostics: `textDocument/diagnostic`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lint;
use crate::server::Backend;

pub async fn pull(backend: &Backend, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let Some(snap) = backend.state.snapshot(&uri).await else {
        // Not open: nothing to report (we never read files from disk).
        return Ok(full(None, Vec::new()));
    };
    let Some(linted) = lint::linted_for_pull(&backend.state, &backend.linter, &backend.client, &snap).await else {
        return Ok(full(None, Vec::new()));
    };
    let unit = backend.state.features().unit;
    let items = crate::convert::diagnostics(&snap, &linted, unit);
    let result_id = lint::result_id(&items);
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        let unchanged = RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        };
        return Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(unchanged)));
    }
    Ok(full(Some(result_id), items))
}

fn full(result_id: Option<String>, items: Vec<Diagnostic>) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
    }))
}
