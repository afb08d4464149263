//! The fix loop: lint, apply the non-overlapping fixes the rules offer,
//! lint again, until no fix is left.
//!
//! Every pass re-lints the text it is about to change, so a fix's offsets
//! always come from a rule that saw exactly that text; on top of that each
//! edit is checked before it is applied, and the loop guards itself:
//!
//! * an edit outside the text, inside a UTF-8 sequence or between the `\r`
//!   and `\n` of a line break is a rule bug: the fix is dropped and reported;
//! * fixes touching an instruction with a syntax error (in the Dockerfile or
//!   in its shell script) are never offered (the engine drops them, see
//!   [`drop_fixes_in_broken_text`]): what the rule read there may not be
//!   what the builder reads;
//! * a fix that would add a syntax error is dropped and not tried again;
//! * a rule that offers a fix for a finding it already fixed, a pass that
//!   brings back an earlier text, or a loop still busy after [`MAX_PASSES`]
//!   stops the loop: the input is returned unchanged and the rules are
//!   named as [`FixProblem::NotConverging`], so nothing half-fixed is written.
//!
//! A CRLF file is fixed as LF text (fixes insert `\n`) and converted back, so
//! its line endings survive.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, TextRange};
use crate::model::Document;
use crate::settings::Settings;

use super::{Rule, check_with_rules};

/// Fixes that enable other fixes settle in two or three passes; a loop still
/// changing the text after this many is cut off and reported.
const MAX_PASSES: usize = 8;

#[derive(Debug)]
pub struct FixResult {
    /// The text after all applied fixes (the input when the loop failed).
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// Passes that changed the text.
    pub passes: usize,
    /// Bytes of new text the applied fixes inserted: the most the text can
    /// have grown by.
    pub inserted: usize,
    /// What is left, linted on the final text.
    pub diagnostics: Vec<Diagnostic>,
    /// False when the loop stopped before reaching a fixed point; then
    /// `problems` names the rules and `text` is the input, unchanged.
    pub converged: bool,
    /// Fixes that were dropped or stopped the loop: rule bugs, never user
    /// errors. Offsets are in the input text.
    pub problems: Vec<FixProblem>,
}

/// Something wrong with a rule's fix, found by the loop's own checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixProblem {
    pub rule: &'static str,
    /// Where, as a byte offset into the input text.
    pub offset: usize,
    pub kind: FixProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixProblemKind {
    /// The fix had an edit the loop refuses (the reason says which); the fix
    /// was dropped and the others applied.
    InvalidEdit(&'static str),
    /// The rule kept fixing: the same finding twice, a cycle, or no end in
    /// sight. No fix was applied.
    NotConverging(&'static str),
}

impl std::fmt::Display for FixProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            FixProblemKind::InvalidEdit(why) => write!(f, "the fix of `{}` was skipped: {why}", self.rule),
            FixProblemKind::NotConverging(why) => {
                write!(f, "the fixes of `{}` do not converge ({why}); no fix was applied", self.rule)
            }
        }
    }
}

/// Apply every fix allowed by `unsafe_fixes` until the text stops changing.
pub fn fix(source: &str, settings: &Settings, unsafe_fixes: bool) -> FixResult {
    let rules: Vec<&'static Rule> =
        crate::registry::all_rules().iter().copied().filter(|r| settings.is_enabled(&r.meta)).collect();
    fix_with_rules(source, settings, unsafe_fixes, &rules)
}

/// The fix loop over exactly `rules`, keeping a CRLF file's line endings.
pub(crate) fn fix_with_rules(
    source: &str,
    settings: &Settings,
    unsafe_fixes: bool,
    rules: &[&'static Rule],
) -> FixResult {
    if !is_crlf(source) {
        return fix_loop(source, settings, unsafe_fixes, rules);
    }
    let lf = source.replace("\r\n", "\n");
    let mut result = fix_loop(&lf, settings, unsafe_fixes, rules);
    let crlf_offset = |offset: usize| offset + lf[..offset].matches('\n').count();
    for problem in &mut result.problems {
        problem.offset = crlf_offset(problem.offset);
    }
    // The remaining findings point into the text that is returned.
    if result.applied == 0 {
        result.text = source.to_string();
    } else {
        // Each inserted line break gains its `\r` back.
        let new_lines = result.text.matches('\n').count().saturating_sub(lf.matches('\n').count());
        result.inserted += new_lines;
        result.text = result.text.replace('\n', "\r\n");
    }
    result.diagnostics = check_with_rules(&Document::parse(&result.text), settings, rules);
    result
}

/// True when every line ends in CRLF. Mixed files are fixed as they are,
/// since converting them either way would rewrite untouched lines.
pub fn is_crlf(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut newlines = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').peekable();
    newlines.peek().is_some() && newlines.all(|(i, _)| i > 0 && bytes[i - 1] == b'\r')
}

/// What the loop knows about a fix it applied: which rule, and where its
/// finding now is (moved along with every later edit). A finding whose text
/// the fix deleted has an empty range and matches only an empty range there.
struct Fixed {
    rule: &'static str,
    range: TextRange,
}

fn fix_loop(source: &str, settings: &Settings, unsafe_fixes: bool, rules: &[&'static Rule]) -> FixResult {
    let allowed = |fix: &Fix| fix.applicability == Applicability::Safe || unsafe_fixes;
    let mut text = source.to_string();
    let mut applied = 0;
    let mut passes = 0;
    let mut inserted = 0;
    let mut doc = Document::parse(&text);
    let mut diagnostics = check_with_rules(&doc, settings, rules);
    let mut problems = Vec::new();
    // Per pass, the edits it applied: to map offsets back to the input.
    let mut history: Vec<Vec<Edit>> = Vec::new();
    let mut seen_texts = HashSet::from([hash(&text)]);
    let mut fixed: Vec<Fixed> = Vec::new();
    // Fixes that broke the syntax once are not tried again.
    let mut rejected: HashSet<(&'static str, String)> = HashSet::new();
    let not_converging = |rule: &'static str, offset: usize, why: &'static str, history: &[Vec<Edit>]| FixProblem {
        rule,
        offset: map_back(offset, history),
        kind: FixProblemKind::NotConverging(why),
    };
    let fail = |problems: Vec<FixProblem>| FixResult {
        text: source.to_string(),
        applied: 0,
        passes: 0,
        inserted: 0,
        diagnostics: check_with_rules(&Document::parse(source), settings, rules),
        converged: false,
        problems,
    };
    loop {
        let mut candidates: Vec<(&Diagnostic, &Fix)> = Vec::new();
        for d in &diagnostics {
            let Some(f) = d.fix.as_ref().filter(|f| allowed(f)) else { continue };
            if let Err(why) = check_edits(&text, f) {
                let offset = map_back(f.range().start, &history);
                if !problems.iter().any(|p: &FixProblem| p.rule == d.rule.name && p.offset == offset) {
                    problems.push(FixProblem { rule: d.rule.name, offset, kind: FixProblemKind::InvalidEdit(why) });
                }
                continue;
            }
            if rejected.contains(&(d.rule.name, fix_key(&text, f))) {
                continue;
            }
            candidates.push((d, f));
        }
        if candidates.is_empty() {
            return FixResult { text, applied, passes, inserted, diagnostics, converged: true, problems };
        }
        if let Some((d, _)) = candidates.iter().find(|(d, _)| {
            fixed.iter().any(|f| f.rule == d.rule.name && (f.range.overlaps(d.range) || f.range == d.range))
        }) {
            problems.push(not_converging(d.rule.name, d.range.start, "it fixes the same finding again", &history));
            return fail(problems);
        }
        if passes == MAX_PASSES {
            let (d, _) = candidates[0];
            problems.push(not_converging(d.rule.name, d.range.start, "still fixing after many passes", &history));
            return fail(problems);
        }

        let chosen = non_overlapping(candidates);
        let errors_before = doc.syntax_errors.len();
        let mut next = apply(&text, chosen.iter().map(|(_, f)| *f));
        let mut next_doc = Document::parse(&next);
        let mut chosen = chosen;
        if next_doc.syntax_errors.len() > errors_before {
            // Keep only the fixes that leave the syntax intact on their own.
            let (mut good, bad): (Vec<_>, Vec<_>) = chosen
                .into_iter()
                .partition(|(_, f)| Document::parse(&apply(&text, [*f])).syntax_errors.len() <= errors_before);
            rejected.extend(bad.iter().map(|(d, f)| (d.rule.name, fix_key(&text, f))));
            if good.is_empty() {
                continue;
            }
            next = apply(&text, good.iter().map(|(_, f)| *f));
            next_doc = Document::parse(&next);
            if next_doc.syntax_errors.len() > errors_before {
                // Each is fine alone but not together: one per pass.
                good.truncate(1);
                next = apply(&text, good.iter().map(|(_, f)| *f));
                next_doc = Document::parse(&next);
            }
            chosen = good;
        }
        if next == text {
            return FixResult { text, applied, passes, inserted, diagnostics, converged: true, problems };
        }

        let mut edits: Vec<Edit> = chosen.iter().flat_map(|(_, f)| f.edits.iter().cloned()).collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        for f in &mut fixed {
            f.range = map_range(f.range, &edits);
        }
        fixed.extend(chosen.iter().map(|(d, _)| Fixed { rule: d.rule.name, range: map_range(d.range, &edits) }));
        if !seen_texts.insert(hash(&next)) {
            let (d, _) = chosen[0];
            problems.push(not_converging(d.rule.name, d.range.start, "a pass brought back an earlier text", &history));
            return fail(problems);
        }
        applied += chosen.len();
        passes += 1;
        inserted += edits.iter().map(|e| e.new_text.len()).sum::<usize>();
        history.push(edits);
        text = next;
        doc = next_doc;
        diagnostics = check_with_rules(&doc, settings, rules);
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Closed-interval intersection: an insertion at either end of a range
/// touches it.
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Drop the fixes that touch an instruction with a syntax error: what a
/// rule read there may not be what the builder reads, so neither `--fix`
/// nor an editor's quick fix should rewrite it.
pub(super) fn drop_fixes_in_broken_text(doc: &Document, diagnostics: &mut [Diagnostic]) {
    if doc.syntax_errors.is_empty() && !doc.instructions.iter().any(has_broken_script) {
        return;
    }
    let broken = broken_instructions(doc);
    for d in diagnostics {
        if d.fix.as_ref().is_some_and(|f| f.edits.iter().any(|e| broken.iter().any(|b| touches(e.range, *b)))) {
            d.fix = None;
        }
    }
}

fn has_broken_script(i: &crate::model::Instruction) -> bool {
    i.script().is_some_and(|s| s.has_errors) || i.onbuild().and_then(|o| o.script()).is_some_and(|s| s.has_errors)
}

/// The ranges of instructions whose text has a syntax error, Dockerfile or
/// shell: fixes there are not applied.
fn broken_instructions(doc: &Document) -> Vec<TextRange> {
    let instructions = &doc.instructions;
    let text = doc.text();
    let mut broken: Vec<bool> = instructions.iter().map(has_broken_script).collect();
    let mut stray = Vec::new();
    // Errors are in order and stay on their line: one pass, each error
    // charged to the instruction whose lines hold it.
    for e in &doc.syntax_errors {
        let after = instructions.partition_point(|i| i.range.start <= e.range.start);
        let holder = after.checked_sub(1).filter(|&i| {
            let end = instructions[i].range.end;
            let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
            e.range.start <= line_end
        });
        match holder {
            Some(i) => broken[i] = true,
            // A stray line (an unknown instruction, text before the first one).
            None => stray.push(e.range),
        }
        for (j, ins) in instructions.iter().enumerate().skip(after) {
            if ins.range.start >= e.range.end {
                break;
            }
            broken[j] = true;
        }
    }
    instructions.iter().zip(broken).filter(|(_, b)| *b).map(|(i, _)| i.range).chain(stray).collect()
}

/// Why an edit cannot be applied to `text`, if it cannot.
fn check_edits(text: &str, fix: &Fix) -> Result<(), &'static str> {
    let bytes = text.as_bytes();
    let splits_crlf = |at: usize| at > 0 && at < bytes.len() && bytes[at - 1] == b'\r' && bytes[at] == b'\n';
    let mut last_end = 0;
    for (i, e) in fix.edits.iter().enumerate() {
        let TextRange { start, end } = e.range;
        if start > end || end > text.len() {
            return Err("an edit lies outside the text");
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err("an edit splits a UTF-8 character");
        }
        if splits_crlf(start) || splits_crlf(end) {
            return Err("an edit splits a CRLF line break");
        }
        if (e.new_text.starts_with('\n') && start > 0 && bytes[start - 1] == b'\r')
            || (e.new_text.ends_with('\r') && bytes.get(end) == Some(&b'\n'))
        {
            return Err("an edit would split a CRLF line break");
        }
        if i > 0 && start < last_end {
            return Err("two edits of one fix overlap");
        }
        last_end = end;
    }
    Ok(())
}

/// Identifies a fix by what it does, so a rejected one is recognised on a
/// later pass (offsets stay valid because a rejected pass changes nothing).
fn fix_key(text: &str, fix: &Fix) -> String {
    let mut key = String::new();
    for e in &fix.edits {
        key.push_str(&format!("{}:{}:{}|{}", e.range.start, e.range.end, &text[e.range.as_range()], e.new_text));
    }
    key
}

/// Greedy by position: a fix is taken when none of its edits touches an edit
/// already taken.
fn non_overlapping<'d>(mut fixes: Vec<(&'d Diagnostic, &'d Fix)>) -> Vec<(&'d Diagnostic, &'d Fix)> {
    fixes.sort_by_key(|(_, f)| (f.range().start, f.range().end));
    let mut taken = Vec::new();
    let mut ranges: Vec<TextRange> = Vec::new();
    for (d, f) in fixes {
        let clashes = f.edits.iter().any(|e| ranges.iter().any(|r| touches(e.range, *r)));
        if !clashes {
            ranges.extend(f.edits.iter().map(|e| e.range));
            taken.push((d, f));
        }
    }
    taken
}

/// Apply the edits of `fixes` (which must not overlap) to `text`.
pub fn apply<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> String {
    let mut edits: Vec<&Edit> = fixes.into_iter().flat_map(|f| f.edits.iter()).collect();
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

/// Where `range` is after `edits` (sorted, non-overlapping) were applied.
/// Text inserted at the range's start goes before it, text inserted at its
/// end goes after it; an end inside a replaced stretch moves to the end of
/// the replacement.
fn map_range(range: TextRange, edits: &[Edit]) -> TextRange {
    let start = map_offset(range.start, edits, true);
    let end = map_offset(range.end, edits, false).max(start);
    TextRange::new(start, end)
}

fn map_offset(offset: usize, edits: &[Edit], is_start: bool) -> usize {
    let mut delta: isize = 0;
    for e in edits {
        let before = if e.range.is_empty() {
            e.range.start < offset || (e.range.start == offset && is_start)
        } else {
            e.range.end <= offset
        };
        if before {
            delta += e.new_text.len() as isize - e.range.len() as isize;
        } else if e.range.start < offset {
            // Inside the replaced stretch.
            let new_start = (e.range.start as isize + delta) as usize;
            return if is_start { new_start } else { new_start + e.new_text.len() };
        } else {
            break;
        }
    }
    (offset as isize + delta) as usize
}

/// An offset in the text after every pass of `history`, as an offset in the
/// input: a position inside inserted text maps to where it was inserted.
fn map_back(mut offset: usize, history: &[Vec<Edit>]) -> usize {
    for edits in history.iter().rev() {
        let mut delta: isize = 0;
        let mut mapped = None;
        for e in edits {
            let new_start = (e.range.start as isize + delta) as usize;
            let new_end = new_start + e.new_text.len();
            if offset < new_start {
                break;
            }
            if offset < new_end || (offset == new_end && e.new_text.is_empty() && offset == new_start) {
                mapped = Some(e.range.start);
                break;
            }
            delta += e.new_text.len() as isize - e.range.len() as isize;
        }
        offset = mapped.unwrap_or((offset as isize - delta) as usize);
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Context, INTERNAL_ERROR};
    use crate::model::{Instruction, InstructionKind};
    use crate::rule_meta::{FixAvailability, RuleMeta};

    const META: RuleMeta = RuleMeta { fix: FixAvailability::Always, ..INTERNAL_ERROR };

    fn rule(name: &'static str, check: fn(&Instruction, &mut Context<'_>)) -> &'static Rule {
        Box::leak(Box::new(Rule {
            meta: RuleMeta { name, ..META },
            kinds: &[InstructionKind::Run],
            check_instruction: Some(check),
            ..Rule::DEFAULTS
        }))
    }

    fn run_fixes(text: &str, rules: &[&'static Rule]) -> FixResult {
        fix_with_rules(text, &Settings::default(), true, rules)
    }

    /// A rule that finds its own fix wrong again (appends forever) is
    /// stopped on the second pass and nothing is written.
    #[test]
    fn a_rule_fixing_its_own_finding_again_stops_the_loop() {
        let grows = rule("grows", |run, ctx| {
            ctx.report(run.range, "grow").with_fix(Fix::safe("grow", vec![Edit::insert(run.range.end, " x")]));
        });
        let text = "FROM a\nRUN echo\n";
        let result = run_fixes(text, &[grows]);
        assert_eq!(result.text, text);
        assert!(!result.converged);
        assert_eq!(result.applied, 0);
        assert_eq!(result.problems.len(), 1, "{:?}", result.problems);
        assert_eq!(result.problems[0].rule, "grows");
        assert_eq!(result.problems[0].offset, 7, "the RUN in the input");
        assert!(matches!(result.problems[0].kind, FixProblemKind::NotConverging(_)));
    }

    /// Two rules undoing each other bring back an earlier text.
    #[test]
    fn a_cycle_between_rules_stops_the_loop() {
        let lower = rule("lower", |run, ctx| {
            if run.keyword == "RUN" {
                ctx.report(run.keyword_range, "lower")
                    .with_fix(Fix::safe("lower", vec![Edit::replace(run.keyword_range, "run")]));
            }
        });
        let upper = rule("upper", |run, ctx| {
            if run.keyword == "run" {
                ctx.report(run.keyword_range, "upper")
                    .with_fix(Fix::safe("upper", vec![Edit::replace(run.keyword_range, "RUN")]));
            }
        });
        let result = run_fixes("FROM a\nRUN echo\n", &[lower, upper]);
        assert_eq!(result.text, "FROM a\nRUN echo\n");
        assert!(!result.converged);
        assert!(
            result.problems.iter().any(|p| matches!(p.kind, FixProblemKind::NotConverging(_))),
            "{:?}",
            result.problems
        );
    }

    /// An edit between `\r` and `\n` is refused and reported; the other
    /// fixes still apply.
    #[test]
    fn a_fix_splitting_a_line_break_is_dropped_and_reported() {
        let splits = rule("splits", |run, ctx| {
            // Mixed line endings, so the file is fixed as it is: the RUN's
            // line ends in `\r\n` and `end + 1` is between the two.
            ctx.report(run.range, "split").with_fix(Fix::safe("split", vec![Edit::insert(run.range.end + 1, "x")]));
        });
        let upper = rule("upper", |run, ctx| {
            if run.keyword == "run" {
                ctx.report(run.keyword_range, "upper")
                    .with_fix(Fix::safe("upper", vec![Edit::replace(run.keyword_range, "RUN")]));
            }
        });
        let result = run_fixes("FROM a\nrun echo\r\n", &[splits, upper]);
        assert_eq!(result.text, "FROM a\nRUN echo\r\n");
        assert_eq!(result.problems.len(), 1, "{:?}", result.problems);
        assert_eq!(result.problems[0].rule, "splits");
        assert_eq!(result.problems[0].kind, FixProblemKind::InvalidEdit("an edit splits a CRLF line break"));
    }

    fn edit(start: usize, end: usize, new_text: &str) -> Edit {
        Edit::replace(TextRange::new(start, end), new_text)
    }

    #[test]
    fn offsets_map_forward_and_back_through_edits() {
        // "abcdef" -> "aXYcdZf": b replaced by XY, e by Z.
        let edits = vec![edit(1, 2, "XY"), edit(4, 5, "Z")];
        assert_eq!(map_range(TextRange::new(3, 4), &edits), TextRange::new(4, 5));
        assert_eq!(map_range(TextRange::new(1, 2), &edits), TextRange::new(1, 3));
        assert_eq!(map_range(TextRange::new(0, 6), &edits), TextRange::new(0, 7));
        let history = vec![edits];
        assert_eq!(map_back(4, &history), 3);
        assert_eq!(map_back(2, &history), 1);
        assert_eq!(map_back(6, &history), 5);
    }

    #[test]
    fn crlf_detection() {
        assert!(is_crlf("FROM a\r\nRUN b\r\n"));
        assert!(!is_crlf("FROM a\nRUN b\r\n"));
        assert!(!is_crlf("FROM a"));
        assert!(!is_crlf("\n"));
    }

    #[test]
    fn edits_that_split_characters_or_line_breaks_are_refused() {
        let fix = |e: Edit| Fix::safe("t", vec![e]);
        assert!(check_edits("a\r\nb", &fix(Edit::insert(2, "x"))).is_err());
        assert!(check_edits("a\r\nb", &fix(Edit::insert(1, "x"))).is_ok());
        assert!(check_edits("aé", &fix(Edit::insert(2, "x"))).is_err());
        assert!(check_edits("ab", &fix(Edit::insert(3, "x"))).is_err());
        assert!(check_edits("a\rb", &fix(Edit::insert(2, "\nx"))).is_err());
        assert!(check_edits("abc", &Fix::safe("t", vec![edit(0, 2, "x"), edit(1, 3, "y")])).is_err());
    }
}
