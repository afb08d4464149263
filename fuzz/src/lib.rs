//! Fuzz targets for dockside, shared by two drivers:
//!
//! * `cargo fuzz run <target> --features libfuzzer` (nightly Rust, libFuzzer,
//!   coverage-guided; binaries in `fuzz_targets/`), seeded from the shared
//!   corpus with the token dictionary `dockerfile.dict`;
//! * the stable harness in `tests/stable.rs`, run by `cargo test`: the
//!   corpus files, mutated by [`mutate`] for a fixed number of rounds.
//!
//! Each target returns `Err(what went wrong)` when a property fails; a panic
//! is a failure too. The targets check properties, not just "no crash".

pub mod mutate;

/// What the build sees of a Dockerfile, read without the formatter's code:
/// the checker the formatter's corpus tests use.
#[path = "../../rules/tests/support/buildkit_view.rs"]
#[allow(dead_code)]
mod buildkit_view;

use dockside_rules::engine::INTERNAL_ERROR;
use dockside_rules::{Document, Settings, SyntaxTree, TextRange, check_document, fix};

/// Every rule on: the fuzzers should reach all of them.
pub fn all_rules() -> Settings {
    let mut settings = Settings::default();
    let everything: Vec<String> = dockside_rules::Category::ALL.iter().map(|c| c.as_str().to_string()).collect();
    settings.apply_overrides(&everything, &[], &[]).expect("categories are valid selectors");
    settings
}

/// Parse and build the model: ranges are inside the text, on character
/// boundaries and in order.
pub fn parse(text: &str) -> Result<(), String> {
    let doc = Document::parse(text);
    let mut last_end = 0;
    for ins in &doc.instructions {
        valid_range(text, ins.range, "instruction")?;
        if ins.range.start < last_end {
            return Err(format!("instruction at {:?} overlaps the one before", ins.range));
        }
        last_end = ins.range.end;
    }
    for error in &doc.syntax_errors {
        valid_range(text, error.range, "syntax error")?;
    }
    Ok(())
}

/// Lint with every rule: no rule crashes (a crash is an `internal-error`
/// finding), every range and fix edit is inside the text on character
/// boundaries.
pub fn lint(text: &str, settings: &Settings) -> Result<usize, String> {
    let doc = Document::parse(text);
    let diagnostics = check_document(&doc, settings);
    for d in &diagnostics {
        if std::ptr::eq(d.rule, &INTERNAL_ERROR) {
            return Err(d.message.clone());
        }
        valid_range(text, d.range, d.rule.name)?;
        for edit in d.fix.iter().flat_map(|f| &f.edits) {
            valid_range(text, edit.range, d.rule.name)?;
        }
    }
    Ok(diagnostics.len())
}

/// What one run of the fix loop did.
#[derive(Debug, Default, Clone, Copy)]
pub struct FixStats {
    pub applied: usize,
    pub passes: usize,
}

/// The most passes the fix loop may take on any input: fixes that enable
/// other fixes settle in two or three.
pub const MAX_FIX_PASSES: usize = 3;

/// The fix loop, safe fixes only or with unsafe ones: it converges in at most
/// [`MAX_FIX_PASSES`] passes, adds no syntax error, grows the text by no
/// more than the fixes' own text, and a second run changes nothing.
pub fn fix_loop(text: &str, settings: &Settings, unsafe_fixes: bool) -> Result<FixStats, String> {
    let mode = if unsafe_fixes { "--unsafe-fixes" } else { "--fix" };
    let result = fix(text, settings, unsafe_fixes);
    if !result.converged || !result.problems.is_empty() {
        let problems: Vec<String> = result.problems.iter().map(|p| format!("{p} at byte {}", p.offset)).collect();
        return Err(format!("{mode}: did not converge: {problems:?}"));
    }
    if result.passes > MAX_FIX_PASSES {
        return Err(format!("{mode}: {} passes", result.passes));
    }
    let errors_before = Document::parse(text).syntax_errors.len();
    let errors_after = Document::parse(&result.text).syntax_errors.len();
    if errors_after > errors_before {
        return Err(format!("{mode}: syntax errors {errors_before} -> {errors_after}:\n{}", result.text));
    }
    if result.text.len() > text.len() + result.inserted {
        return Err(format!(
            "{mode}: grew by {} bytes, more than the {} the fixes inserted",
            result.text.len() - text.len(),
            result.inserted
        ));
    }
    let again = fix(&result.text, settings, unsafe_fixes);
    if again.text != result.text || again.applied != 0 {
        return Err(format!("{mode}: a second run changed the text again:\n{}\n---\n{}", result.text, again.text));
    }
    Ok(FixStats { applied: result.applied, passes: result.passes })
}

/// Format in the default style and in one with every option changed:
/// formatting again changes nothing, no syntax error is added, and what the
/// build sees is unchanged.
pub fn format(text: &str) -> Result<(), String> {
    use dockside_rules::format::{FormatOptions, Indent, OperatorPosition, format};
    let other = FormatOptions {
        indent: Indent::Tab,
        tab_width: 8,
        line_width: 40,
        operator_position: OperatorPosition::End,
        max_blank_lines: 0,
        blank_line_before_from: false,
        final_newline: false,
    };
    // Lines that hold the start of a syntax error: tree-sitter's recovery
    // may report one broken line as one error or as two depending on what
    // follows it (a final line break, the next instruction), so errors are
    // counted by line, and a valid file must keep its BuildKit view exactly.
    let errors = |t: &str| {
        let doc = Document::parse(t);
        let mut lines: Vec<u32> = doc
            .syntax_errors
            .iter()
            .map(|e| doc.line_index.position(doc.text(), e.range.start, dockside_rules::ColumnUnit::Utf8).line)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        lines.len()
    };
    for options in [FormatOptions::default(), other] {
        let once = format(text, &options);
        let twice = format(&once, &options);
        if twice != once {
            return Err(format!("formatting is not idempotent ({options:?}):\n{once}\n---\n{twice}"));
        }
        if errors(&once) > errors(text) {
            return Err(format!("formatting added a syntax error ({options:?}):\n{once}"));
        }
        if errors(text) == 0 && buildkit_view::view(text) != buildkit_view::view(&once) {
            return Err(format!("formatting changed what the build sees ({options:?}):\n{once}"));
        }
    }
    Ok(())
}

/// Edits applied one by one to a tree re-parsed incrementally give the tree
/// and model a fresh parse gives.
pub fn incremental_edits(text: &str, edits: &[(TextRange, String)]) -> Result<(), String> {
    let mut tree = SyntaxTree::parse(text);
    let mut cache = dockside_rules::model::BuildCache::new();
    let first = Document::build_reusing(tree.clone(), &mut cache);
    cache.reclaim(std::sync::Arc::new(first));
    for (step, (range, insert)) in edits.iter().enumerate() {
        let range = clamp(tree.text(), *range);
        tree.edit(range, insert);
        let fresh = SyntaxTree::parse(tree.text());
        if tree.root().to_sexp() != fresh.root().to_sexp() {
            return Err(format!("step {step}: incremental tree differs from a fresh parse of {:?}", tree.text()));
        }
        let reused = Document::build_reusing(tree.clone(), &mut cache);
        let rebuilt = Document::parse(tree.text());
        if format!("{:?}", reused.instructions) != format!("{:?}", rebuilt.instructions) {
            return Err(format!("step {step}: reused model differs from a fresh one for {:?}", tree.text()));
        }
        cache.reclaim(std::sync::Arc::new(reused));
    }
    Ok(())
}

/// Every property a text must keep, as problems found (none: all held):
/// parse, lint, the fix loop with safe and with unsafe fixes, format.
pub fn every_property(text: &str, settings: &Settings) -> Vec<String> {
    [
        parse(text),
        lint(text, settings).map(drop),
        fix_loop(text, settings, false).map(drop),
        fix_loop(text, settings, true).map(drop),
        format(text),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

/// The language server's edits: `changes` applied one `didChange` at a
/// time by the server's own code (`dockside_server::fuzzing`) give, after
/// each, the text the protocol defines (see [`lsp_apply`], written here
/// from the specification, not from the server) and the model, syntax
/// errors included, of a fresh parse of that text.
pub fn lsp_edits(text: &str, changes: &[(Option<LspRange>, String)], utf8: bool) -> Result<(), String> {
    let models = dockside_server::fuzzing::edit_stream(text, changes, utf8);
    let mut expected = text.to_string();
    for (step, ((range, new_text), model)) in changes.iter().zip(&models).enumerate() {
        expected = match range {
            None => new_text.clone(),
            Some(range) => lsp_apply(&expected, *range, new_text, utf8),
        };
        if model.text() != expected {
            return Err(format!(
                "step {step} ({range:?} <- {new_text:?}, utf8 {utf8}): the server holds {:?}, the protocol says {expected:?}",
                model.text()
            ));
        }
        let fresh = Document::parse(&expected);
        if format!("{:?}", model.instructions) != format!("{:?}", fresh.instructions) {
            return Err(format!("step {step}: the server's model differs from a fresh one for {expected:?}"));
        }
        if format!("{:?}", model.syntax_errors) != format!("{:?}", fresh.syntax_errors) {
            return Err(format!(
                "step {step}: syntax errors {:?}, fresh {:?}, for {expected:?}",
                model.syntax_errors, fresh.syntax_errors
            ));
        }
    }
    Ok(())
}

pub use dockside_server::fuzzing::LspRange;

/// `text` with the LSP range replaced by `new_text`, as the protocol
/// defines positions: lines end at `\n`, `\r\n` or `\r`; a character counts
/// UTF-16 code units (UTF-8 bytes when `utf8`); a character past the end of
/// its line is the line's end, a line past the last is the end of the text,
/// a character inside a character is its start; an end before the start is
/// the start.
pub fn lsp_apply(text: &str, ((l1, c1), (l2, c2)): LspRange, new_text: &str, utf8: bool) -> String {
    let start = lsp_offset(text, l1, c1, utf8);
    let end = lsp_offset(text, l2, c2, utf8).max(start);
    format!("{}{new_text}{}", &text[..start], &text[end..])
}

fn lsp_offset(text: &str, line: u32, character: u32, utf8: bool) -> usize {
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 0..line {
        let Some(at) = bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r') else { return text.len() };
        let at = start + at;
        start = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
    }
    let end = bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        let width = if utf8 { c.len_utf8() } else { c.len_utf16() };
        if units + width > character as usize {
            return start + i;
        }
        units += width;
    }
    end
}

/// `range` shrunk to fit `text` and moved onto character boundaries.
pub fn clamp(text: &str, range: TextRange) -> TextRange {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    TextRange::new(start, end)
}

fn valid_range(text: &str, range: TextRange, what: &str) -> Result<(), String> {
    if range.start > range.end || range.end > text.len() {
        return Err(format!("{what}: range {range:?} outside a text of {} bytes", text.len()));
    }
    if !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
        return Err(format!("{what}: range {range:?} splits a character"));
    }
    Ok(())
}

/// The shared corpus (`../shared/corpus/files` beside the repository), as
/// `(file name, text)` sorted by name. Without it the caller's test is
/// skipped with a line saying so, except under `CI=true`, where it fails.
pub fn shared_corpus(test: &str) -> Option<Vec<(String, String)>> {
    dockside_rules::test_env::shared_corpus_files(test)
}

#[cfg(test)]
mod tests {
    use super::lsp_apply;

    #[test]
    fn lsp_positions_follow_the_protocol() {
        // Lines end at \n, \r\n and a lone \r.
        let text = "ab\r\ncd\ref\ngh";
        assert_eq!(lsp_apply(text, ((1, 0), (1, 0)), "X", false), "ab\r\nXcd\ref\ngh");
        assert_eq!(lsp_apply(text, ((2, 1), (2, 1)), "X", false), "ab\r\ncd\reXf\ngh");
        // Past the end of a line: its end, before the terminator.
        assert_eq!(lsp_apply(text, ((0, 9), (0, 9)), "X", false), "abX\r\ncd\ref\ngh");
        // Past the last line: the end of the text; a reversed range is empty.
        assert_eq!(lsp_apply(text, ((9, 0), (9, 0)), "X", false), "ab\r\ncd\ref\nghX");
        assert_eq!(lsp_apply(text, ((1, 1), (0, 0)), "X", false), "ab\r\ncXd\ref\ngh");
        // UTF-16 units and UTF-8 bytes; inside a character is its start.
        let wide = "a\u{1F600}b";
        assert_eq!(lsp_apply(wide, ((0, 3), (0, 3)), "X", false), "a\u{1F600}Xb");
        assert_eq!(lsp_apply(wide, ((0, 2), (0, 2)), "X", false), "aX\u{1F600}b");
        assert_eq!(lsp_apply(wide, ((0, 5), (0, 5)), "X", true), "a\u{1F600}Xb");
        assert_eq!(lsp_apply(wide, ((0, 1), (0, 3)), "", true), "a\u{1F600}b");
    }
}
