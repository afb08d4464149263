//! Helpers shared by the correctness rules (not a rule).

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Base, Document, Instruction, InstructionKind, Scope, Word};
use crate::rule::Context;

/// The lines of `range`, from the start of its first line to the end of its
/// last line break: deleting it removes the instruction without leaving a
/// blank line behind.
pub(super) fn whole_lines(text: &str, range: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let mut start = range.start;
    while start > 0 && matches!(bytes[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let mut end = range.end;
    while end < bytes.len() && matches!(bytes[end], b' ' | b'\t' | b'\r') {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'\n' {
        end += 1;
    } else if start > 0 && bytes[start - 1] == b'\n' {
        // The last line of a file without a final newline: take the
        // preceding line break instead.
        start -= 1;
        if start > 0 && bytes[start - 1] == b'\r' {
            start -= 1;
        }
    }
    TextRange::new(start, end)
}

/// Report every `kind` instruction of a stage but the last: only the last one
/// takes effect. Each diagnostic carries a safe fix deleting its instruction.
pub(super) fn report_overridden(ctx: &mut Context<'_>, kind: InstructionKind) {
    let doc = ctx.doc;
    let kw = kind.keyword();
    for (_, instructions) in doc.stage_runs() {
        // One BuildKit rejects is `syntax-error`'s: it replaces nothing.
        let valid = |i: &&Instruction| !doc.syntax_errors.iter().any(|e| i.range.overlaps(e.range));
        let found: Vec<&Instruction> = instructions.iter().filter(|i| i.kind == kind).filter(valid).collect();
        let Some((last, overridden)) = found.split_last() else { continue };
        for ins in overridden {
            let delete = whole_lines(doc.text(), ins.range);
            ctx.report(
                ins.keyword_range,
                format!("this {kw} has no effect: a later {kw} in the same stage replaces it"),
            )
            .with_related(last.keyword_range, format!("the {kw} that takes effect"))
            .with_fix(Fix::safe(format!("Delete the overridden {kw}"), vec![Edit::delete(delete)]));
        }
    }
}

/// A path that does not depend on the working directory: `/x`, or on Windows
/// `C:\x`, `C:/x`, `\x`.
pub(super) fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || path.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// The path as the build sees it, unless it starts with a variable whose value
/// is unknown here (then nothing can be said about it).
pub(super) fn known_path(word: &Word, ins: &Instruction, doc: &Document) -> Option<String> {
    let text = if word.has_expansion() {
        let scope = Scope::at(doc, ins.index);
        scope.expand(word).text
    } else {
        word.value()
    };
    // Unknown variables keep their `$NAME`; the exec form's strings are not
    // split into expansions by the model, but COPY and ADD expand them too.
    (!text.starts_with('$')).then_some(text)
}

/// True when a WORKDIR comes before instruction `index` among the
/// instructions before the first FROM (the implicit stage of a fragment).
pub(super) fn prelude_has_workdir(doc: &Document, index: usize) -> bool {
    doc.instructions[..index.min(doc.instructions.len())]
        .iter()
        .take_while(|i| i.kind != InstructionKind::From)
        .any(|i| i.kind == InstructionKind::Workdir)
}

/// Stage `index` and the stages it builds on, nearest first.
pub(super) fn stage_and_ancestors(doc: &Document, index: usize) -> impl Iterator<Item = usize> + '_ {
    let mut next = Some(index);
    std::iter::from_fn(move || {
        let current = next?;
        next = match doc.stages[current].base {
            Base::Stage(parent) if parent < current => Some(parent),
            _ => None,
        };
        Some(current)
    })
}

/// True for `$NAME` and `${NAME}` as written: expansions Docker always
/// evaluates. Forms with an operator (`${NAME:-x}`) and text Docker does
/// not accept (template placeholders such as `${option:name}`) are not.
pub(super) fn is_plain_expansion(e: &crate::model::Expansion, text: &str) -> bool {
    let Some(src) = text.get(e.range.as_range()) else { return false };
    e.operator.is_none() && (src.strip_prefix('$') == Some(e.name.as_str()) || src == format!("${{{}}}", e.name))
}

pub(super) use crate::spelling::did_you_mean;

/// Where an end-of-line "comment" starts in a non-shell instruction's
/// arguments: the first unquoted `#` after whitespace (`COPY ./app # the
/// app`). Docker has no such comments, so these words are arguments. `None`
/// for the exec form, for RUN, CMD, ENTRYPOINT and HEALTHCHECK (whose shell
/// form gives `#` to the shell) and for MAINTAINER's free text.
pub(super) fn trailing_comment_start(ins: &Instruction) -> Option<usize> {
    if ins.is_exec_form()
        || matches!(
            ins.kind,
            InstructionKind::Run
                | InstructionKind::Cmd
                | InstructionKind::Entrypoint
                | InstructionKind::Healthcheck
                | InstructionKind::Shell
                | InstructionKind::Onbuild
                | InstructionKind::Maintainer
                | InstructionKind::Unknown
        )
    {
        return None;
    }
    // Each word with whether it follows a blank (a `key=value` value does not).
    let pair_words =
        ins.pairs.iter().flat_map(|p| std::iter::once((&p.key, true)).chain(p.value.as_ref().map(|v| (v, p.legacy))));
    let mut words: Vec<(&Word, bool)> = ins.args.iter().map(|w| (w, true)).chain(pair_words).collect();
    words.sort_by_key(|(w, _)| w.range.start);
    words.into_iter().find_map(|(w, after_blank)| {
        if after_blank && w.raw.starts_with('#') {
            return Some(w.range.start);
        }
        // A word that holds blanks (a legacy `ENV KEY value # note` value).
        hash_after_blank(&w.raw).and_then(|at| source_offset(w, at))
    })
}

/// The byte offset in `raw` of the first `#` that follows a blank outside
/// quotes.
fn hash_after_blank(raw: &str) -> Option<usize> {
    let mut quote = None;
    let mut prev_blank = false;
    for (i, c) in raw.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_blank => return Some(i),
            _ => {}
        }
        prev_blank = quote.is_none() && c.is_whitespace();
    }
    None
}

/// The source offset of byte `at` of a word's raw text, when the word spans
/// no line continuation (raw and source then agree byte for byte).
fn source_offset(word: &Word, at: usize) -> Option<usize> {
    (word.range.end - word.range.start == word.raw.len()).then_some(word.range.start + at)
}
