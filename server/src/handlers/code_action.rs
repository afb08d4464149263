//! Code actions: the engine's fix for each diagnostic, "ignore this rule"
//! pragmas, and `source.fixAll.dockside` (every safe fix, through the
//! engine's fix loop). They answer from the last lint result of the
//! document's version (no lint in the request when one is current); the
//! fix-all edit, a lint or more of its own, is computed once per result,
//! and only in `codeAction/resolve` when the client resolves edits.

use std::collections::BTreeSet;

use dockside_rules::model::{Pragma, PragmaScope};
use dockside_rules::{Applicability, Document, Edit, fix};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::lint;
use crate::server::{Backend, blocking};
use crate::state::{ClientFeatures, Linted, Snapshot};

/// Our fix-all kind, usable in `editor.codeActionsOnSave`.
pub const FIX_ALL_KIND: CodeActionKind = CodeActionKind::new("source.fixAll.dockside");

/// Findings of this rule cannot be ignored by a pragma in any useful sense.
const NOT_IGNORABLE: &[&str] = &["syntax-error"];

pub async fn code_action(backend: &Backend, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let Some(linted) = lint::linted_for_actions(&backend.state, &backend.linter, &backend.client, &snap).await else {
        return Ok(None);
    };
    let features = backend.state.features();
    let range = params.range;
    let only = params.context.only;
    // Without the fix-all edit to compute, answering is quick: no thread hop.
    let quick =
        features.resolve_action_edits || linted.fix_all.get().is_some() || !wanted(only.as_deref(), &FIX_ALL_KIND);
    let actions = if quick {
        actions(&snap, &linted, range, only.as_deref(), features)
    } else {
        blocking("code actions", move || actions(&snap, &linted, range, only.as_deref(), features)).await?
    };
    Ok(Some(actions))
}

/// What `codeAction/resolve` is asked to complete: the fix-all action of
/// one version of a document (its `data`).
struct FixAllData {
    uri: Uri,
    version: i32,
}

impl FixAllData {
    fn to_value(&self) -> serde_json::Value {
        serde_json::json!({ "fixAll": { "uri": self.uri.as_str(), "version": self.version } })
    }

    fn from_value(value: &serde_json::Value) -> Option<FixAllData> {
        let data = value.get("fixAll")?;
        let uri = data.get("uri")?.as_str()?.parse().ok()?;
        let version = i32::try_from(data.get("version")?.as_i64()?).ok()?;
        Some(FixAllData { uri, version })
    }
}

/// `codeAction/resolve`: the fix-all action gets its edit, if the document
/// is still at the version it was offered for (else it stays without one).
pub async fn resolve(backend: &Backend, mut action: CodeAction) -> Result<CodeAction> {
    let Some(data) = action.data.as_ref().and_then(FixAllData::from_value) else {
        return Ok(action);
    };
    let Some(snap) = backend.state.snapshot(&data.uri).await.filter(|s| s.version == data.version) else {
        return Ok(action);
    };
    let Some(linted) = lint::linted_for_actions(&backend.state, &backend.linter, &backend.client, &snap).await else {
        return Ok(action);
    };
    let features = backend.state.features();
    let edit = blocking("fix all", move || {
        fix_all_edit(&snap.doc, &linted).map(|e| {
            let edits = vec![convert::text_edit(&snap.doc, &e, features.unit)];
            convert::workspace_edit(&snap, edits, features.document_changes)
        })
    })
    .await?;
    action.edit = edit;
    action.data = None;
    Ok(action)
}

/// The one edit that applies every safe fix (the fix loop's result), kept
/// with the lint result it was computed for.
fn fix_all_edit(doc: &Document, linted: &Linted) -> Option<Edit> {
    let edit = linted.fix_all.get_or_init(|| {
        let fixed = fix(doc.text(), &linted.settings, false);
        convert::minimal_edit(doc.text(), &fixed.text)
    });
    edit.clone()
}

fn actions(
    snap: &Snapshot,
    linted: &Linted,
    range: Range,
    only: Option<&[CodeActionKind]>,
    features: ClientFeatures,
) -> CodeActionResponse {
    let doc = &snap.doc;
    let unit = features.unit;
    let edit = |edits: Vec<Edit>| {
        let edits = edits.iter().map(|e| convert::text_edit(doc, e, unit)).collect();
        convert::workspace_edit(snap, edits, features.document_changes)
    };
    let requested = convert::text_range(doc, range, unit);
    let mut out: CodeActionResponse = Vec::new();

    if wanted(only, &CodeActionKind::QUICKFIX) {
        let mut ignores = Vec::new();
        let mut ignored_rules = BTreeSet::new();
        for d in linted.diagnostics.iter().filter(|d| d.range.start <= requested.end && requested.start <= d.range.end)
        {
            let diagnostic = convert::diagnostic(doc, &snap.uri, d, unit);
            if let Some(fix) = &d.fix {
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe { fix.title.clone() } else { format!("{} (unsafe)", fix.title) };
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(fix.edits.clone())),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
            let rule = d.rule.name;
            // With `disable-ignore-pragma` a pragma would change nothing.
            if !linted.settings.ignore_pragmas() || NOT_IGNORABLE.contains(&rule) || !ignored_rules.insert(rule) {
                continue;
            }
            if let Some(e) = ignore_for_instruction(doc, rule, d.range.start) {
                ignores.push(CodeAction {
                    title: format!("Ignore {rule} for this instruction"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(vec![e])),
                    is_preferred: Some(false),
                    ..CodeAction::default()
                });
            }
            ignores.push(CodeAction {
                title: format!("Ignore {rule} in this file"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(edit(vec![ignore_in_file(doc, rule)])),
                is_preferred: Some(false),
                ..CodeAction::default()
            });
        }
        out.extend(ignores.into_iter().map(CodeActionOrCommand::CodeAction));
    }

    let has_safe_fix =
        linted.diagnostics.iter().any(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe));
    if has_safe_fix && wanted(only, &FIX_ALL_KIND) {
        let action = |edit, data| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title: "Apply all safe dockside fixes".to_string(),
                kind: Some(FIX_ALL_KIND),
                edit,
                data,
                ..CodeAction::default()
            })
        };
        match linted.fix_all.get() {
            // Already known: nothing to resolve.
            Some(known) => out.extend(known.clone().map(|e| action(Some(edit(vec![e])), None))),
            None if features.resolve_action_edits => {
                let data = FixAllData { uri: snap.uri.clone(), version: snap.version };
                out.push(action(None, Some(data.to_value())));
            }
            None => out.extend(fix_all_edit(doc, linted).map(|e| action(Some(edit(vec![e])), None))),
        }
    }
    out
}

/// Is `kind` asked for? `only` entries are prefixes (`source` asks for
/// `source.fixAll.dockside`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    let Some(only) = only else { return true };
    only.iter().any(|k| {
        let k = k.as_str();
        kind.as_str() == k || kind.as_str().strip_prefix(k).is_some_and(|rest| rest.starts_with('.'))
    })
}

/// `# dockside ignore=<rule>` above the instruction at `at`, indented like
/// it; added to an existing dockside pragma of that instruction instead.
fn ignore_for_instruction(doc: &Document, rule: &str, at: usize) -> Option<Edit> {
    let ins = doc.instruction_at(at)?;
    let existing = doc
        .suppressions
        .pragmas
        .iter()
        .find(|p| p.scope == PragmaScope::Instruction && p.instruction == Some(ins.range));
    if let Some(edit) = existing.and_then(|p| extend_pragma(doc, p, rule)) {
        return Some(edit);
    }
    let text = doc.text();
    let line_start = text[..ins.range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..ins.range.start];
    let indent = if indent.chars().all(|c| c == ' ' || c == '\t') { indent } else { "" };
    Some(Edit::insert(line_start, format!("{indent}# dockside ignore={rule}{}", line_ending(text))))
}

/// `# dockside global ignore=<rule>` at the top, after the parser
/// directives; added to an existing global dockside pragma instead.
fn ignore_in_file(doc: &Document, rule: &str) -> Edit {
    let existing = doc.suppressions.pragmas.iter().find(|p| p.scope == PragmaScope::Global);
    if let Some(edit) = existing.and_then(|p| extend_pragma(doc, p, rule)) {
        return edit;
    }
    let text = doc.text();
    let eol = line_ending(text);
    let after_directives = doc.directives.iter().map(|d| d.range.end).max();
    match after_directives {
        None => Edit::insert(0, format!("# dockside global ignore={rule}{eol}")),
        Some(end) => match text[end..].find('\n') {
            Some(i) => Edit::insert(end + i + 1, format!("# dockside global ignore={rule}{eol}")),
            None => Edit::insert(text.len(), format!("{eol}# dockside global ignore={rule}{eol}")),
        },
    }
}

/// `,<rule>` after the last rule of a `# dockside …ignore=` pragma (not a
/// hadolint one: hadolint would not know our rule names).
fn extend_pragma(doc: &Document, pragma: &Pragma, rule: &str) -> Option<Edit> {
    let comment = &doc.text()[pragma.range.as_range()];
    let tool = comment.trim_start_matches('#').trim_start();
    if !tool.get(..8).is_some_and(|t| t.eq_ignore_ascii_case("dockside")) {
        return None;
    }
    let (_, last) = pragma.rules.last()?;
    Some(Edit::insert(last.end, format!(",{rule}")))
}

fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}
