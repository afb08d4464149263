//! Incremental lint: the per-instruction findings of a document's stages,
//! kept from one lint to the next and re-run only where an edit can change
//! them (the language server lints on every keystroke, and a keystroke
//! changes one instruction).
//!
//! # The unit: a group of related stages
//!
//! A per-instruction check gets the instruction and the whole `Document`,
//! so what it *may* read is what the model lets it reach from there. The
//! stages are grouped into *units*: the connected components of the graph
//! whose edges are `FROM <stage>` and every stage reference by `--from`
//! (`COPY --from`, `RUN --mount=…,from=`, also inside `ONBUILD`); a `--from`
//! whose value has an unknown variable joins its stage to every stage.
//! From an instruction of stage S, the model's stage-relative answers stay
//! inside S's unit: its scope (the stages S builds on, and the global
//! ARGs), its shell, WORKDIR and USER before it, its root image,
//! `Document::later` (the rest of S, the stages built on it, their ONBUILD
//! triggers, the `--from`s that read them), the stages it copies from.
//!
//! Each unit's findings are stored under a key that holds the text of each
//! of its stages (from the end of the instruction before the stage's `FROM`
//! to the same point of the next stage, so comments directly above a
//! `FROM` belong to it) with the stage's number. The key is valid together
//! with a *document key*, compared on every lint, holding what any stage
//! may read about the others: the text before the first stage (global
//! ARGs, directives, escape character), each stage's name and `--platform`
//! (with the stage count: which one is last; the rest of a `FROM`, its
//! image, is in its unit's key, and the stage graph is recomputed on every
//! lint: a `FROM <stage>` or `--from` that joins units changes their keys;
//! `unit_rules_do_not_see_text_added_to_another_unit` changes the last
//! stage's image and checks that no finding in another unit changes), the
//! names every `ARG`/`ENV` of the file declares (rules tell a variable
//! declared out of scope from an unknown one), the rules to run (pragmas
//! that skip a rule file-wide change them), the `Settings` (as `Debug`
//! shows them, which is every field: rule options print as their derived
//! `Debug`, the build context with its `.dockerignore` patterns; skipped
//! when it is the same `Arc`) and the lint date. When the
//! document key changes, everything is re-run.
//!
//! Rules whose instruction checks read beyond their unit (a fact of the
//! whole file: the last stage's content, any ARG's value) declare it in
//! their `declare_rule!` ([`Reads`]), as document-wide checks
//! (`check_document`) must: see the next section. Suppression,
//! unused-suppression, severities and the final order are applied after
//! the cache, as a full lint applies them (a pragma edited elsewhere
//! changes what is reported, not what rules found). The equivalence test
//! (`engine/incremental_equivalence.rs`) compares this with a from-scratch
//! lint after thousands of random edits.
//!
//! # Rules that read instructions of some kinds
//!
//! A rule declared `reads: Kinds([Run, Shell, …])` ([`Reads::Kinds`])
//! promises that its checks (its instruction check on every instruction
//! after the first `FROM`, and its document check) read the document key
//! and, of the rest, only the instructions of those kinds, of the kinds its
//! instruction check is called on and `FROM`: each one's text with the
//! comments and blank lines between it and the instruction before it, its
//! stage and its order among them (an ONBUILD's inner instruction counts
//! under its own kind). Its findings are kept, by rule, and reused while
//! the document key holds and those instructions are the same: the i-th of
//! them in the last lint has the same kind, stage and text as the i-th now
//! (an edit changes one stretch of instructions; the kinds in that stretch,
//! before and after, decide which rules re-run). Each offset moves with the
//! instruction whose text holds it (its range, or the comments above it
//! after the end of the instruction before), or stays in the text before
//! the first stage; a rule with a finding elsewhere (the blank line after
//! an instruction, the end of the file) is re-run on the next lint. Rules
//! declared `reads: Document` are re-run on every lint, as are the
//! instructions before the first `FROM` (for every rule).
//!
//! What a declaration leaves out is found by
//! `kinds_rules_do_not_see_instructions_of_other_kinds`: instructions of
//! every other kind are added to corpus files and each rule's findings must
//! be its earlier ones, moved.
//!
//! # Moving cached findings
//!
//! A unit's stages keep their text but may move, each by its own amount
//! (an edit between two of them moves the later one only). Every offset of
//! a cached finding (its range, its fix's edits, its related ranges) is
//! moved with the stage span that contains it, or kept when it lies in the
//! text before the first stage (unchanged, at offset 0); a finding with an
//! offset elsewhere makes its unit uncacheable (re-run every time).
//! Messages hold no offsets or line numbers; stage numbers are in the key.
//!
//! # Order
//!
//! A full lint sorts findings by (start, end, rule name), stably, after
//! collecting them in instruction order. Here they are collected as the
//! text before the first stage (all rules), then the `reads: Kinds` rules
//! (each one's instruction findings in order, then its document check's),
//! then each stage in order (the cached rules), then every instruction (the
//! rules re-run every time), then the other document-wide checks: for any
//! one rule that is instruction order, so the sort gives the same list. (Only two crashing rules at the
//! same range would come in another order: each is an `internal-error`.)

use std::collections::HashMap;
use std::sync::Arc;

use super::{
    INSTRUCTIONS_WORTH_A_THREAD, Plan, by_kind, enabled_rules, run_document_checks, run_document_checks_only,
    run_instructions, run_stage_checks,
};
use crate::base_images::Date;
use crate::diagnostic::{Diagnostic, TextRange};
use crate::model::{Base, Document, Instruction, InstructionKind, Scope};
use crate::rule::{Reads, Rule};
use crate::settings::Settings;

/// The findings of the last lint of one document, by unit, for the next.
#[derive(Default)]
pub struct IncrementalCheck {
    last: Option<Kept>,
    /// Of the last check: units taken from the cache, stages re-run.
    kept_units: usize,
    stages_run: usize,
    /// Of the last check: `reads: Kinds` rules taken from the cache.
    kept_rules: usize,
}

struct Kept {
    settings: Arc<Settings>,
    /// `settings` as `Debug` shows them: equal settings in another `Arc`
    /// (a front-end may make a new one per lint) show the same.
    settings_shown: String,
    date: Date,
    document_key: String,
    units: HashMap<String, Unit>,
    /// The text and instructions the `reads: Kinds` rules' findings were
    /// found in, and those findings, by rule.
    text: String,
    entries: Vec<Entry>,
    by_rule: HashMap<usize, Vec<Diagnostic>>,
}

/// One instruction as the rules declared `reads: Kinds(…)` see it: every
/// top-level instruction and every ONBUILD's inner one (after its ONBUILD),
/// in document order.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub(super) kind: InstructionKind,
    /// Inside an ONBUILD.
    inner: bool,
    stage: Option<usize>,
    /// The end of the instruction before it (a top-level one; the start of
    /// an inner one): the text from here to its end is what is compared,
    /// so the comments and blank lines above it count.
    lead: usize,
    range: TextRange,
}

/// One unit's findings, at the offsets of the lint that found them.
struct Unit {
    /// Each stage's span.
    spans: Vec<TextRange>,
    /// Each stage's findings of the cached rules, in instruction order.
    found: Vec<Vec<Diagnostic>>,
}

impl IncrementalCheck {
    /// What `check_document_on_two_threads(doc, settings)` returns, with
    /// the findings of units whose key is unchanged taken from the last
    /// call instead of re-run.
    pub fn check(&mut self, doc: &Document, settings: &Arc<Settings>) -> Vec<Diagnostic> {
        let selected = enabled_rules(settings);
        let plan = Plan::new(doc, settings, &selected);
        let cached_rules: Vec<&'static Rule> = plan.rules.iter().copied().filter(|r| r.reads == Reads::Unit).collect();
        let kinds_rules: Vec<(&'static Rule, u32)> =
            plan.rules.iter().filter_map(|&r| Some((r, Reads::kinds_read(r)?))).collect();
        let every_time: Vec<&'static Rule> =
            plan.rules.iter().copied().filter(|r| r.reads == Reads::Document).collect();
        // Document checks of `Unit` rules (a `Unit` rule should have none;
        // if it has, it runs every time). A `Unit` rule's checks of stage
        // groups run with its unit's other checks; a `Document` rule's, all
        // of them, every time.
        let unit_document_checks: Vec<&'static Rule> =
            cached_rules.iter().copied().filter(|r| r.check_document.is_some()).collect();
        let date = settings.lint_date();
        let document_key = document_key(doc, &plan.rules);
        let last = self.last.take();
        let settings_shown = match &last {
            Some(kept) if Arc::ptr_eq(&kept.settings, settings) => kept.settings_shown.clone(),
            _ => format!("{settings:?}"),
        };
        let (mut kept, last_kinds) = match last {
            Some(kept)
                if kept.settings_shown == settings_shown && kept.date == date && kept.document_key == document_key =>
            {
                (kept.units, Some((kept.text, kept.entries, kept.by_rule)))
            }
            _ => (HashMap::new(), None),
        };

        let spans = stage_spans(doc);
        let prelude_end = spans.first().map_or(doc.text().len(), |s| s.start);
        let mut found: Vec<Option<Vec<Diagnostic>>> = vec![None; doc.stages.len()];
        let units = units(doc);
        let mut keys = Vec::with_capacity(units.len());
        for members in &units {
            let key = unit_key(doc, &spans, members);
            if let Some(unit) = kept.remove(&key)
                && let Some(moved) = unit.moved(&members.iter().map(|&s| spans[s]).collect::<Vec<_>>(), prelude_end)
            {
                for (&s, list) in members.iter().zip(moved) {
                    found[s] = Some(list);
                }
            }
            keys.push(key);
        }
        drop(kept);

        // The `reads: Kinds` rules whose instructions of those kinds are
        // unchanged: their findings, moved.
        let entries = entries(doc);
        let mut by_rule: Vec<Option<Vec<Diagnostic>>> = vec![None; kinds_rules.len()];
        if let Some((old_text, old_entries, mut old_found)) = last_kinds {
            let old = Instructions { text: &old_text, entries: &old_entries };
            let new = Instructions { text: doc.text(), entries: &entries };
            // The kinds of the entries an edit changed, added or removed.
            let changed = changed_kinds(&old, &new);
            let mut pairings: Vec<(u32, Option<Pairing>)> = Vec::new();
            for (found, &(rule, kinds)) in by_rule.iter_mut().zip(&kinds_rules) {
                let Some(list) = old_found.remove(&rule_id(rule)) else { continue };
                if changed & kinds != 0 {
                    continue;
                }
                let at = match pairings.iter().position(|(k, _)| *k == kinds) {
                    Some(at) => at,
                    None => {
                        let pairing = Pairing { old: old.of_kinds(kinds), new: new.of_kinds(kinds) };
                        debug_assert!(Pairing::of(&old, &new, kinds).is_some());
                        pairings.push((kinds, Some(pairing)));
                        pairings.len() - 1
                    }
                };
                if let Some(pairing) = &pairings[at].1 {
                    *found = pairing.moved(&old, &new, list, prelude_end);
                }
            }
        }

        // Re-run what is not cached: the stages of changed units (on two
        // threads when they are many), the instructions before the first
        // stage, the rules re-run every time and the document-wide checks.
        let cached_by_kind = by_kind(cached_rules.iter().copied());
        let every_time_by_kind = by_kind(every_time.iter().copied());
        let all_by_kind = by_kind(plan.rules.iter().copied());
        let dirty: Vec<usize> = (0..doc.stages.len()).filter(|&s| found[s].is_none()).collect();
        let run_stages = |stages: &[usize]| -> Vec<(usize, Vec<Diagnostic>)> {
            let of = |s: usize| doc.stages[s].instructions(doc);
            stages.iter().map(|&s| (s, run_instructions(doc, settings, &cached_by_kind, of(s)))).collect()
        };
        let kept_rules = by_rule.iter().filter(|f| f.is_some()).count();
        let rest = || {
            let mut prelude = run_instructions(doc, settings, &all_by_kind, doc.prelude());
            if doc.prelude_is_a_stage() {
                prelude.extend(run_stage_checks(doc, settings, &cached_rules, &[]));
            }
            let stages = &doc.instructions[doc.prelude().len()..];
            let every_time_found = run_instructions(doc, settings, &every_time_by_kind, stages);
            let mut by_rule = by_rule;
            for (found, &(rule, _)) in by_rule.iter_mut().zip(&kinds_rules).filter(|(f, _)| f.is_none()) {
                let mut list = run_instructions(doc, settings, &by_kind(std::iter::once(rule)), stages);
                list.extend(run_document_checks(doc, settings, &[rule]));
                *found = Some(list);
            }
            let mut document = run_document_checks(doc, settings, &every_time);
            document.extend(run_document_checks_only(doc, settings, &unit_document_checks));
            (prelude, every_time_found, by_rule, document)
        };
        let dirty_instructions: usize = dirty.iter().map(|&s| doc.stages[s].end - doc.stages[s].from).sum();
        let (ran, (prelude, every_time, by_rule_now, document)) = if dirty_instructions >= INSTRUCTIONS_WORTH_A_THREAD {
            // Halve the dirty stages by instruction count.
            let mut count = 0;
            let half = dirty
                .iter()
                .position(|&s| {
                    count += doc.stages[s].end - doc.stages[s].from;
                    count * 2 >= dirty_instructions
                })
                .map_or(dirty.len(), |i| i + 1);
            let (first, second) = dirty.split_at(half);
            std::thread::scope(|scope| {
                let worker = scope.spawn(|| run_stages(first));
                let mut ran = run_stages(second);
                let rest = rest();
                let mut ran_first = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                ran_first.append(&mut ran);
                (ran_first, rest)
            })
        } else {
            (run_stages(&dirty), rest())
        };
        self.kept_units = units.len() - units.iter().filter(|m| m.iter().any(|s| found[*s].is_none())).count();
        self.stages_run = ran.len();
        for (s, list) in ran {
            found[s] = Some(list);
        }
        // The checks of whole units, for the units re-run (their stages
        // are all in `dirty`); kept with the unit's first stage.
        for members in units.iter().filter(|m| dirty.binary_search(&m[0]).is_ok()) {
            let unit_found = run_stage_checks(doc, settings, &cached_rules, members);
            found[members[0]].get_or_insert_with(Vec::new).extend(unit_found);
        }
        let found: Vec<Vec<Diagnostic>> = found.into_iter().map(Option::unwrap_or_default).collect();

        // Keep each unit for the next lint, unless a finding has an offset
        // the move cannot follow.
        let mut units_kept = HashMap::with_capacity(units.len());
        for (members, key) in units.iter().zip(keys) {
            let unit = Unit {
                spans: members.iter().map(|&s| spans[s]).collect(),
                found: members.iter().map(|&s| found[s].clone()).collect(),
            };
            if unit.movable(prelude_end) {
                units_kept.insert(key, unit);
            }
        }
        // Keep each `reads: Kinds` rule's findings, unless one has an
        // offset outside the instructions it reads.
        self.kept_rules = kept_rules;
        let here = Instructions { text: doc.text(), entries: &entries };
        let mut by_rule_kept = HashMap::with_capacity(kinds_rules.len());
        let mut diagnostics = prelude;
        for (list, &(rule, kinds)) in by_rule_now.into_iter().zip(&kinds_rules) {
            let list = list.unwrap_or_default();
            if Pairing::identity(&here, kinds).movable(&here, &list, prelude_end) {
                by_rule_kept.insert(rule_id(rule), list.clone());
            }
            diagnostics.extend(list);
        }
        self.last = Some(Kept {
            settings: Arc::clone(settings),
            settings_shown,
            date,
            document_key,
            units: units_kept,
            text: doc.text().to_string(),
            entries,
            by_rule: by_rule_kept,
        });

        diagnostics.extend(found.into_iter().flatten());
        diagnostics.extend(every_time);
        diagnostics.extend(document);
        plan.finish(doc, settings, diagnostics)
    }

    /// Forget everything kept (the next check runs every rule).
    pub fn clear(&mut self) {
        self.last = None;
    }

    /// How many units the last check took from the cache.
    pub fn kept_units(&self) -> usize {
        self.kept_units
    }

    /// How many stages the last check ran the cached rules on.
    pub fn stages_run(&self) -> usize {
        self.stages_run
    }

    /// How many `reads: Kinds` rules the last check took from the cache.
    pub fn kept_rules(&self) -> usize {
        self.kept_rules
    }
}

/// A rule's key in the cache: its address (rules are statics).
fn rule_id(rule: &'static Rule) -> usize {
    std::ptr::from_ref(rule) as usize
}

/// Every instruction and ONBUILD inner instruction of `doc`, in order.
pub(super) fn entries(doc: &Document) -> Vec<Entry> {
    let mut entries = Vec::with_capacity(doc.instructions.len() + 8);
    let mut previous_end = 0;
    for ins in &doc.instructions {
        entries.push(Entry { kind: ins.kind, inner: false, stage: ins.stage, lead: previous_end, range: ins.range });
        if let Some(inner) = ins.onbuild() {
            let lead = inner.range.start;
            entries.push(Entry { kind: inner.kind, inner: true, stage: ins.stage, lead, range: inner.range });
        }
        previous_end = ins.range.end;
    }
    entries
}

/// The kinds (a bit set) of the entries between the longest run of equal
/// entries at the start of `old` and `new` and the longest at their end:
/// what an edit changed. Outside them each entry has its equal (see
/// [`Pairing::of`]) in the same order, so the entries of the other kinds
/// pair up one for one.
fn changed_kinds(old: &Instructions<'_>, new: &Instructions<'_>) -> u32 {
    let same = |a: usize, b: usize| same_entry(old, a, new, b);
    let (n, m) = (old.entries.len(), new.entries.len());
    let prefix = (0..n.min(m)).take_while(|&i| same(i, i)).count();
    let suffix = (0..n.min(m) - prefix).take_while(|&k| same(n - 1 - k, m - 1 - k)).count();
    let kinds = |entries: &[Entry]| entries.iter().fold(0u32, |bits, e| bits | 1 << e.kind as u32);
    kinds(&old.entries[prefix..n - suffix]) | kinds(&new.entries[prefix..m - suffix])
}

/// Entry `a` of the last lint and entry `b` of this one are the same: kind,
/// stage, text (with the comments and blank lines above it).
fn same_entry(old: &Instructions<'_>, a: usize, new: &Instructions<'_>, b: usize) -> bool {
    let (x, y) = (&old.entries[a], &new.entries[b]);
    x.kind == y.kind
        && x.inner == y.inner
        && x.stage == y.stage
        && x.range.start - x.lead == y.range.start - y.lead
        && old.region(a) == new.region(b)
}

/// A text and its entries.
pub(super) struct Instructions<'a> {
    pub(super) text: &'a str,
    pub(super) entries: &'a [Entry],
}

impl Instructions<'_> {
    /// The entries of the kinds in `kinds` (a bit set), by position.
    fn of_kinds(&self, kinds: u32) -> Vec<usize> {
        (0..self.entries.len()).filter(|&i| kinds & 1 << self.entries[i].kind as u32 != 0).collect()
    }

    fn region(&self, i: usize) -> &str {
        let e = &self.entries[i];
        &self.text[e.lead..e.range.end]
    }
}

/// The entries of some kinds in the last lint and in this one, the i-th of
/// one for the i-th of the other: the same kind, stage and text (with the
/// comments and blank lines above it).
pub(super) struct Pairing {
    old: Vec<usize>,
    new: Vec<usize>,
}

impl Pairing {
    /// `None` when an entry of these kinds changed, came or went.
    pub(super) fn of(old: &Instructions<'_>, new: &Instructions<'_>, kinds: u32) -> Option<Pairing> {
        let (o, n) = (old.of_kinds(kinds), new.of_kinds(kinds));
        let same = |(&a, &b): (&usize, &usize)| same_entry(old, a, new, b);
        (o.len() == n.len() && o.iter().zip(&n).all(same)).then_some(Pairing { old: o, new: n })
    }

    /// Each entry of these kinds with itself.
    fn identity(here: &Instructions<'_>, kinds: u32) -> Pairing {
        let all = here.of_kinds(kinds);
        Pairing { old: all.clone(), new: all }
    }

    /// Where `offset` of the old text is in the new one: kept in the text
    /// before the first stage (the same text, in the document key), else
    /// moved with the paired entry whose text holds it (its range, or the
    /// comments and blank lines above it after the end of the instruction
    /// before). `None` for any other offset.
    fn move_offset(
        &self,
        old: &Instructions<'_>,
        new: &Instructions<'_>,
        offset: usize,
        prelude_end: usize,
    ) -> Option<usize> {
        if offset <= prelude_end {
            return Some(offset);
        }
        // Entries are in order of `lead`; an inner instruction lies inside
        // its ONBUILD, the only nesting.
        let after = self.old.partition_point(|&i| old.entries[i].lead < offset);
        let holds = |k: usize| {
            let e = &old.entries[self.old[k]];
            (e.lead < offset && offset <= e.range.end) || offset == e.range.start
        };
        let k = [after, after.wrapping_sub(1), after.wrapping_sub(2)]
            .into_iter()
            .find(|&k| k < self.old.len() && holds(k))?;
        Some(offset - old.entries[self.old[k]].lead + new.entries[self.new[k]].lead)
    }

    /// `found` moved to the new text, or `None` when an offset cannot follow.
    pub(super) fn moved(
        &self,
        old: &Instructions<'_>,
        new: &Instructions<'_>,
        mut found: Vec<Diagnostic>,
        prelude_end: usize,
    ) -> Option<Vec<Diagnostic>> {
        let mut ok = true;
        for d in &mut found {
            visit_offsets(d, &mut |o| match self.move_offset(old, new, *o, prelude_end) {
                Some(moved) => *o = moved,
                None => ok = false,
            });
        }
        ok.then_some(found)
    }

    /// True when every offset of `found` can follow its entry.
    fn movable(&self, here: &Instructions<'_>, found: &[Diagnostic], prelude_end: usize) -> bool {
        found.iter().all(|d| {
            let fix = d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.range));
            let related = d.related.iter().map(|r| r.range);
            std::iter::once(d.range).chain(fix).chain(related).all(|r| {
                self.move_offset(here, here, r.start, prelude_end).is_some()
                    && self.move_offset(here, here, r.end, prelude_end).is_some()
            })
        })
    }
}

impl Unit {
    /// Where `offset` goes when the unit's spans move to `to`: with the
    /// span that holds it (the first, at a boundary two spans share: they
    /// move together), or nowhere if it is in the text before the first
    /// stage. `None` for any other offset.
    fn move_offset(&self, offset: usize, to: &[TextRange], prelude_end: usize) -> Option<usize> {
        if offset <= prelude_end {
            return Some(offset);
        }
        let i = self.spans.iter().position(|s| s.start <= offset && offset <= s.end)?;
        Some(offset - self.spans[i].start + to[i].start)
    }

    fn movable(&self, prelude_end: usize) -> bool {
        let follows = |o: usize| self.move_offset(o, &self.spans, prelude_end).is_some();
        self.found.iter().flatten().all(|d| {
            let fix = d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.range));
            let related = d.related.iter().map(|r| r.range);
            std::iter::once(d.range).chain(fix).chain(related).all(|r| follows(r.start) && follows(r.end))
        })
    }

    /// The findings moved to spans `to`, or `None` when an offset cannot
    /// follow (then the unit is re-run).
    fn moved(self, to: &[TextRange], prelude_end: usize) -> Option<Vec<Vec<Diagnostic>>> {
        let mut ok = true;
        let mut found = self.found;
        let spans = self.spans;
        let this = Unit { spans, found: Vec::new() };
        for d in found.iter_mut().flatten() {
            visit_offsets(d, &mut |o| match this.move_offset(*o, to, prelude_end) {
                Some(moved) => *o = moved,
                None => ok = false,
            });
        }
        ok.then_some(found)
    }
}

/// Every offset a finding holds: its range, its fix's edits, its related ranges.
fn visit_offsets(d: &mut Diagnostic, f: &mut impl FnMut(&mut usize)) {
    let Diagnostic { rule: _, severity: _, message: _, range, fix, related } = d;
    let mut range_of = |r: &mut TextRange| {
        f(&mut r.start);
        f(&mut r.end);
    };
    range_of(range);
    if let Some(fix) = fix {
        for edit in &mut fix.edits {
            range_of(&mut edit.range);
        }
    }
    for r in related {
        range_of(&mut r.range);
    }
}

/// Each stage's span: from the end of the instruction before its `FROM`
/// (comments and blank lines above a `FROM` are the stage's) to the start
/// of the next stage's span, the last one to the end of the text.
pub(super) fn stage_spans(doc: &Document) -> Vec<TextRange> {
    let starts: Vec<usize> = doc
        .stages
        .iter()
        .map(|s| s.from.checked_sub(1).map_or(0, |before| doc.instructions[before].range.end))
        .collect();
    let len = doc.text().len();
    (0..starts.len()).map(|i| TextRange::new(starts[i], starts.get(i + 1).copied().unwrap_or(len))).collect()
}

/// What every stage may read about the rest of the document (see the
/// module documentation).
pub(super) fn document_key(doc: &Document, rules: &[&'static Rule]) -> String {
    let text = doc.text();
    let prelude_end = stage_spans(doc).first().map_or(text.len(), |s| s.start);
    let mut key = String::with_capacity(prelude_end + 64 * doc.stages.len());
    key.push(doc.escape);
    for directive in &doc.directives {
        key.push_str(&text[directive.range.as_range()]);
        key.push('\u{0}');
    }
    key.push('\u{1}');
    key.push_str(&text[..prelude_end]);
    key.push('\u{1}');
    // Of each stage, what another unit may read: its name and platform (and
    // by their number, which stage is last). The rest of its `FROM` (the
    // image) is in its unit's key.
    for stage in &doc.stages {
        key.push_str(stage.name.as_deref().unwrap_or("\u{2}"));
        key.push('\u{0}');
        key.push_str(stage.platform.as_ref().map_or("\u{2}", |p| &text[p.range.as_range()]));
        key.push('\u{0}');
    }
    key.push('\u{1}');
    let mut names: Vec<String> = doc
        .instructions
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.onbuild()))
        .filter(|i| matches!(i.kind, InstructionKind::Arg | InstructionKind::Env))
        .flat_map(|i| i.pairs.iter().map(|p| p.key.value()))
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        key.push_str(&name);
        key.push('\u{0}');
    }
    key.push('\u{1}');
    for rule in rules {
        key.push_str(rule.meta.name);
        key.push('\u{0}');
    }
    key
}

/// The unit's key: each stage's number and the text of its span.
fn unit_key(doc: &Document, spans: &[TextRange], members: &[usize]) -> String {
    let text = doc.text();
    let mut key = String::with_capacity(members.iter().map(|&s| spans[s].end - spans[s].start + 8).sum());
    for &s in members {
        key.push_str(&s.to_string());
        key.push('\u{0}');
        key.push_str(&text[spans[s].as_range()]);
        key.push('\u{1}');
    }
    key
}

/// The stages grouped into units (connected by `FROM <stage>` and
/// `--from`), each in stage order, the units in the order of their first
/// stage.
pub(super) fn units(doc: &Document) -> Vec<Vec<usize>> {
    let n = doc.stages.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut s: usize) -> usize {
        while parent[s] != s {
            parent[s] = parent[parent[s]];
            s = parent[s];
        }
        s
    }
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut joins_all = false;
    for stage in &doc.stages {
        if let Base::Stage(p) = stage.base
            && p < n
        {
            join(&mut parent, stage.index, p);
        }
        for ins in stage.instructions(doc) {
            for inner in std::iter::once(ins).chain(ins.onbuild()) {
                for word in stage_references(inner) {
                    // Most names are plain: no scope to build for them.
                    let named = if word.has_expansion() {
                        let expanded = Scope::at(doc, ins.index).expand(word);
                        expanded.complete.then_some(expanded.text)
                    } else {
                        Some(word.value())
                    };
                    match named {
                        None => joins_all = true,
                        Some(name) => {
                            if let Some(other) = doc.stage_named(&name) {
                                join(&mut parent, stage.index, other.index);
                            }
                        }
                    }
                }
            }
        }
    }
    if joins_all {
        return if n == 0 { Vec::new() } else { vec![(0..n).collect()] };
    }
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut unit_of_root: HashMap<usize, usize> = HashMap::new();
    for s in 0..n {
        let r = root(&mut parent, s);
        let i = *unit_of_root.entry(r).or_insert_with(|| {
            units.push(Vec::new());
            units.len() - 1
        });
        units[i].push(s);
    }
    units
}

/// The words of `ins` that name a stage: `--from=` and `--mount=…,from=`.
fn stage_references(ins: &Instruction) -> impl Iterator<Item = &crate::model::Word> {
    ins.flags.iter().flat_map(|f| {
        let flag = f.name.eq_ignore_ascii_case("from").then_some(f.value.as_ref()).flatten();
        let mounts = f.mount.iter().filter(|o| o.key.eq_ignore_ascii_case("from")).filter_map(|o| o.value.as_ref());
        flag.into_iter().chain(mounts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_from_and_copy_from() {
        let doc = Document::parse(
            "ARG X=b\nFROM alpine AS a\nRUN a\nFROM alpine AS b\nFROM a AS c\nFROM debian AS d\nARG X\n\
             COPY --from=${X} /x /y\nFROM scratch\nRUN --mount=from=d,target=/m x\n",
        );
        assert_eq!(units(&doc), vec![vec![0, 2], vec![1, 3, 4]]);
        // A global ARG is not in a stage's scope unless declared there again.
        let doc = Document::parse("ARG X=a\nFROM alpine AS a\nFROM alpine AS b\nCOPY --from=$X /x /y\nFROM scratch\n");
        assert_eq!(units(&doc), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn spans_cover_the_text_and_comments_above_from_belong_to_the_stage() {
        let text = "ARG A\n# about a\nFROM alpine AS a\nRUN x\n\n# about b\nFROM alpine AS b\nRUN y\n";
        let doc = Document::parse(text);
        let spans = stage_spans(&doc);
        assert_eq!(&text[..spans[0].start], "ARG A");
        assert_eq!(&text[spans[0].as_range()], "\n# about a\nFROM alpine AS a\nRUN x");
        assert_eq!(&text[spans[1].as_range()], "\n\n# about b\nFROM alpine AS b\nRUN y\n");
    }
}
