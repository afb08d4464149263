//! The fix loop: apply non-overlapping fixes, re-lint, repeat until nothing
//! changes. A fix that would leave a syntax error behind is dropped.

use crate::config::Settings;
use crate::diagnostic::{Applicability, Diagnostic, Fix, TextRange};
use crate::model::Document;

use super::{Rule, check_with_rules};

/// Enough rounds for fixes that enable other fixes; a loop that does not
/// settle by then is stopped (and reported by the convergence test).
const MAX_ROUNDS: usize = 10;

#[derive(Debug)]
pub struct FixResult {
    /// The text after all applied fixes.
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// What is left, linted on the final text.
    pub diagnostics: Vec<Diagnostic>,
    /// False when the loop was cut off before reaching a fixed point.
    pub converged: bool,
}

/// Apply every fix allowed by `unsafe_fixes` until the text stops changing.
pub fn fix(source: &str, settings: &Settings, unsafe_fixes: bool) -> FixResult {
    let rules: Vec<&'static Rule> =
        crate::registry::all_rules().iter().copied().filter(|r| settings.is_enabled(&r.meta)).collect();
    fix_with_rules(source, settings, unsafe_fixes, &rules)
}

/// The fix loop over exactly `rules`.
pub(crate) fn fix_with_rules(
    source: &str,
    settings: &Settings,
    unsafe_fixes: bool,
    rules: &[&'static Rule],
) -> FixResult {
    let check_document = |doc: &Document, settings: &Settings| check_with_rules(doc, settings, rules);
    let allowed = |fix: &Fix| fix.applicability == Applicability::Safe || unsafe_fixes;
    let mut text = source.to_string();
    let mut applied = 0;
    let mut doc = Document::parse(&text);
    let mut diagnostics = check_document(&doc, settings);
    // Fixes that broke the syntax once are not tried again.
    let mut rejected: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<&Fix> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref().filter(|f| allowed(f)).map(|f| (d, f)))
            .filter(|(d, f)| !rejected.contains(&(d.rule.name.to_string(), fix_key(&text, f))))
            .map(|(_, f)| f)
            .collect();
        let chosen = non_overlapping(candidates);
        if chosen.is_empty() {
            return FixResult { text, applied, diagnostics, converged: true };
        }
        let errors_before = doc.syntax_errors.len();
        let mut next = apply(&text, &chosen);
        let mut next_doc = Document::parse(&next);
        let mut count = chosen.len();
        if next_doc.syntax_errors.len() > errors_before {
            // Keep only the fixes that leave the syntax intact on their own.
            let good: Vec<&Fix> = chosen
                .iter()
                .copied()
                .filter(|f| Document::parse(&apply(&text, &[f])).syntax_errors.len() <= errors_before)
                .collect();
            for d in &diagnostics {
                if let Some(f) = &d.fix
                    && chosen.iter().any(|c| std::ptr::eq(*c, f))
                    && !good.iter().any(|g| std::ptr::eq(*g, f))
                {
                    rejected.push((d.rule.name.to_string(), fix_key(&text, f)));
                }
            }
            next = apply(&text, &good);
            next_doc = Document::parse(&next);
            count = good.len();
            if next_doc.syntax_errors.len() > errors_before {
                continue;
            }
        }
        if next == text {
            return FixResult { text, applied, diagnostics, converged: true };
        }
        applied += count;
        text = next;
        doc = next_doc;
        diagnostics = check_document(&doc, settings);
    }
    let converged = !diagnostics.iter().any(|d| d.fix.as_ref().is_some_and(allowed));
    FixResult { text, applied, diagnostics, converged }
}

/// Identifies a fix by what it does, so a rejected one is recognised on the
/// next round (offsets stay valid because a rejected round changes nothing).
fn fix_key(text: &str, fix: &Fix) -> String {
    let mut key = String::new();
    for e in &fix.edits {
        key.push_str(&format!("{}:{}:{}|{}", e.range.start, e.range.end, &text[e.range.as_range()], e.new_text));
    }
    key
}

/// Greedy by position: a fix is taken when none of its edits touches an edit
/// already taken.
fn non_overlapping(mut fixes: Vec<&Fix>) -> Vec<&Fix> {
    fixes.sort_by_key(|f| (f.range().start, f.range().end));
    let mut taken: Vec<&Fix> = Vec::new();
    let mut ranges: Vec<TextRange> = Vec::new();
    for f in fixes {
        let clashes = f.edits.iter().any(|e| {
            ranges.iter().any(|r| {
                e.range.overlaps(*r) || e.range.start == r.start || e.range.end == r.start || e.range.start == r.end
            })
        });
        if !clashes {
            ranges.extend(f.edits.iter().map(|e| e.range));
            taken.push(f);
        }
    }
    taken
}

/// Apply the edits of `fixes` (which must not overlap) to `text`.
pub fn apply(text: &str, fixes: &[&Fix]) -> String {
    let mut edits: Vec<_> = fixes.iter().flat_map(|f| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in edits {
        if e.range.start < last {
            continue;
        }
        out.push_str(&text[last..e.range.start]);
        out.push_str(&e.new_text);
        last = e.range.end;
    }
    out.push_str(&text[last..]);
    out
}
