//! The rule engine: dispatch rules over a [`Document`], apply suppressions
//! and severities, and run the fix loop.

mod fix;
mod incremental;
#[cfg(test)]
mod incremental_equivalence;

use crate::diagnostic::{Diagnostic, Severity, TextRange};
use crate::model::{Document, Instruction, InstructionKind};
use crate::registry::all_rules;
pub use crate::rule::{Context, Rule};
pub use crate::rule_meta::is_buildkit_check_name;
use crate::rule_meta::{FixAvailability, RuleMeta};
use crate::rules::unused_suppression;
use crate::settings::Settings;

#[cfg(test)]
pub(crate) use fix::fix_with_rules;
pub use fix::{FixProblem, FixProblemKind, FixResult, fix, is_crlf};
pub use incremental::IncrementalCheck;

/// The diagnostics of one check, sorted by position.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckResult {
    /// The most severe diagnostic's severity.
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).min()
    }
}

/// Parse `source` and lint it.
pub fn check(source: &str, settings: &Settings) -> CheckResult {
    let doc = Document::parse(source);
    CheckResult { diagnostics: check_document(&doc, settings) }
}

/// Lint an already-built document (the language server keeps one per file).
pub fn check_document(doc: &Document, settings: &Settings) -> Vec<Diagnostic> {
    check_with(doc, settings, &enabled_rules(settings), Threads::One)
}

/// [`check_document`] on two threads for a long document (the language
/// server lints one document at a time, so a second core is idle): each
/// takes half of the instructions. The result is the same, in the same order.
pub fn check_document_on_two_threads(doc: &Document, settings: &Settings) -> Vec<Diagnostic> {
    check_with(doc, settings, &enabled_rules(settings), Threads::Two { from: INSTRUCTIONS_WORTH_A_THREAD })
}

fn enabled_rules(settings: &Settings) -> Vec<&'static Rule> {
    all_rules().iter().copied().filter(|rule| settings.is_enabled(&rule.meta)).collect()
}

/// Lint with exactly `rules` (the rule tests run one rule at a time).
pub fn check_with_rules(doc: &Document, settings: &Settings, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    check_with(doc, settings, rules, Threads::One)
}

#[derive(Clone, Copy)]
enum Threads {
    One,
    /// Two for documents of at least `from` instructions.
    Two {
        from: usize,
    },
}

/// Below this many instructions a second thread costs more than it saves.
const INSTRUCTIONS_WORTH_A_THREAD: usize = 64;

fn check_with(doc: &Document, settings: &Settings, rules: &[&'static Rule], threads: Threads) -> Vec<Diagnostic> {
    let plan = Plan::new(doc, settings, rules);
    let by_kind = by_kind(plan.rules.iter().copied());

    let all = &doc.instructions[..];
    let split = matches!(threads, Threads::Two { from } if all.len() >= from.max(2));
    let (first, second) = all.split_at(if split { all.len() / 2 } else { all.len() });
    // Findings come in instruction order, then the document-wide checks',
    // whichever thread found them.
    let run_second = || {
        let mut found = run_instructions(doc, settings, &by_kind, second);
        found.extend(run_document_checks(doc, settings, &plan.rules));
        found
    };
    let diagnostics = if split {
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| run_instructions(doc, settings, &by_kind, first));
            let mut rest = run_second();
            let mut found = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            found.append(&mut rest);
            found
        })
    } else {
        let mut found = run_instructions(doc, settings, &by_kind, first);
        found.extend(run_second());
        found
    };
    plan.finish(doc, settings, diagnostics)
}

/// Which rules one lint runs, and whether it audits the suppressions.
struct Plan<'r> {
    /// The rules to run: the selected ones a pragma does not skip file-wide
    /// or, while `unused-suppression` audits, also those and the enabled
    /// rules a pragma names.
    rules: Vec<&'static Rule>,
    /// The selection: what is reported.
    selected: &'r [&'static Rule],
    audit: bool,
}

impl<'r> Plan<'r> {
    fn new(doc: &Document, settings: &Settings, selected: &'r [&'static Rule]) -> Plan<'r> {
        let pragmas = settings.ignore_pragmas();
        // `unused-suppression` needs every finding before suppression: the
        // rules a pragma skips file-wide run too, and so do the enabled rules
        // a pragma names that were not selected (their findings are dropped).
        let audit = selected.iter().any(|r| std::ptr::eq(*r, &unused_suppression::RULE))
            && !doc.suppressions.skips_file(&unused_suppression::RULE.meta, pragmas);
        let mut rules: Vec<&'static Rule> = selected
            .iter()
            .copied()
            .filter(|rule| audit || !doc.suppressions.skips_file(&rule.meta, pragmas))
            .collect();
        if audit {
            for rule in unused_suppression::rules_to_judge(doc, settings, all_rules()) {
                if !rules.iter().any(|r| std::ptr::eq(*r, rule)) {
                    rules.push(rule);
                }
            }
        }
        Plan { rules, selected, audit }
    }

    /// Suppression, severities and the final order, on every finding of
    /// the plan's rules (per-instruction ones in instruction order, then
    /// the document-wide ones).
    fn finish(&self, doc: &Document, settings: &Settings, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let pragmas = settings.ignore_pragmas();
        let reported = |meta: &RuleMeta| self.selected.iter().any(|r| std::ptr::eq(&r.meta, meta));
        if self.audit {
            let mut used = std::collections::HashSet::new();
            diagnostics.retain(|d| {
                if std::ptr::eq(d.rule, &INTERNAL_ERROR) {
                    return true;
                }
                let by = doc.suppressions.suppressors(doc, d, pragmas);
                let keep = by.is_empty() && reported(d.rule);
                used.extend(by);
                keep
            });
            let unused = unused_suppression::findings(doc, settings, &used, all_rules());
            diagnostics.extend(unused.into_iter().filter(|d| !doc.suppressions.suppresses(doc, d, pragmas)));
        } else {
            diagnostics
                .retain(|d| std::ptr::eq(d.rule, &INTERNAL_ERROR) || !doc.suppressions.suppresses(doc, d, pragmas));
        }
        fix::drop_fixes_in_broken_text(doc, &mut diagnostics);
        for d in diagnostics.iter_mut().filter(|d| !std::ptr::eq(d.rule, &INTERNAL_ERROR)) {
            d.severity = settings.severity_of(d.rule);
            if doc.suppressions.checks_are_errors && d.rule.aliases.iter().any(|a| is_buildkit_check_name(a)) {
                d.severity = Severity::Error;
            }
        }
        crate::diagnostic::sort_by_position(&mut diagnostics);
        diagnostics
    }
}

/// Kind-indexed dispatch: for each instruction kind, the rules whose
/// instruction check it calls, in `rules` order.
fn by_kind(rules: impl Iterator<Item = &'static Rule>) -> Vec<Vec<&'static Rule>> {
    let mut by_kind: Vec<Vec<&'static Rule>> = vec![Vec::new(); InstructionKind::COUNT];
    for rule in rules {
        if rule.check_instruction.is_some() {
            for kind in rule.kinds {
                by_kind[*kind as usize].push(rule);
            }
        }
    }
    by_kind
}

/// The per-instruction checks on `instructions` (and their ONBUILD inner
/// instructions), in order.
fn run_instructions(
    doc: &Document,
    settings: &Settings,
    by_kind: &[Vec<&'static Rule>],
    instructions: &[Instruction],
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for instruction in instructions {
        for rule in &by_kind[instruction.kind as usize] {
            let check = rule.check_instruction.expect("only rules with an instruction check are indexed");
            run(doc, settings, rule, &mut diagnostics, instruction.range, |ctx| check(instruction, ctx));
        }
        if let Some(inner) = instruction.onbuild() {
            for rule in by_kind[inner.kind as usize].iter().filter(|r| r.in_onbuild) {
                let check = rule.check_instruction.expect("only rules with an instruction check are indexed");
                run(doc, settings, rule, &mut diagnostics, inner.range, |ctx| check(inner, ctx));
            }
        }
    }
    diagnostics
}

/// The document checks of `rules`, then their checks of every group of
/// related stages.
fn run_document_checks(doc: &Document, settings: &Settings, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    let mut diagnostics = run_document_checks_only(doc, settings, rules);
    if rules.iter().any(|r| r.check_stages.is_some()) {
        if doc.prelude_is_a_stage() {
            diagnostics.extend(run_stage_checks(doc, settings, rules, &[]));
        }
        for unit in incremental::units(doc) {
            diagnostics.extend(run_stage_checks(doc, settings, rules, &unit));
        }
    }
    diagnostics
}

/// The document checks of `rules`, without their checks of stage groups
/// (the incremental lint runs those per group it re-runs).
fn run_document_checks_only(doc: &Document, settings: &Settings, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for rule in rules {
        if let Some(check) = rule.check_document {
            run(doc, settings, rule, &mut diagnostics, TextRange::empty(0), check);
        }
    }
    diagnostics
}

/// The checks over one group of related stages (`unit`, in stage order;
/// none: the instructions before the first `FROM`).
fn run_stage_checks(doc: &Document, settings: &Settings, rules: &[&'static Rule], unit: &[usize]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let first = unit.first().and_then(|&s| doc.instructions.get(doc.stages[s].from));
    let at = first.map_or(TextRange::empty(0), |i| i.range);
    for rule in rules {
        if let Some(check) = rule.check_stages {
            run(doc, settings, rule, &mut diagnostics, at, |ctx| check(unit, ctx));
        }
    }
    diagnostics
}

/// Run one rule's check. A panic in it becomes one [`INTERNAL_ERROR`]
/// finding at `range` (what the rule was looking at) instead of taking
/// down the whole lint: the other rules and files still get checked.
fn run(
    doc: &Document,
    settings: &Settings,
    rule: &'static Rule,
    out: &mut Vec<Diagnostic>,
    range: TextRange,
    check: impl FnOnce(&mut Context<'_>),
) {
    let mut ctx = Context::new(doc, settings, rule);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut ctx))) {
        Ok(()) => out.append(&mut ctx.diagnostics),
        Err(payload) => out.push(internal_error(rule.meta.name, range, payload.as_ref())),
    }
}

/// The finding that stands for a crash inside a rule. It is not a rule of
/// the registry: it cannot be selected, ignored or suppressed, and the CLI
/// exits with 2 when it appears.
pub static INTERNAL_ERROR: RuleMeta = RuleMeta {
    name: "internal-error",
    aliases: &[],
    category: crate::diagnostic::Category::Correctness,
    severity: Severity::Error,
    fix: FixAvailability::None,
    fix_safety: crate::rule_meta::FixSafety::Safe,
    summary: "A rule crashed on this input (a dockside bug)",
    docs: "A rule crashed on this input. This is a bug in dockside: please report it with the file.\n",
    path: "rules/src/engine/mod.rs",
    enabled_by_default: true,
};

/// The text of a panic's payload (`panic!` gives a `&str` or a `String`);
/// the front ends report their own crashes with it too.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn internal_error(rule: &str, range: TextRange, payload: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic_message(payload);
    Diagnostic {
        rule: &INTERNAL_ERROR,
        severity: Severity::Error,
        message: format!("internal error: rule `{rule}` crashed here ({what}); please report this with the file"),
        range,
        fix: None,
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PANICKY: Rule = Rule {
        meta: RuleMeta { name: "panicky", ..INTERNAL_ERROR },
        kinds: &[InstructionKind::Run],
        check_instruction: Some(|_, _| panic!("boom")),
        ..Rule::DEFAULTS
    };

    /// A crashing rule costs only its own findings: the others still run
    /// and the crash is one finding on the instruction it was checking.
    #[test]
    fn a_panicking_rule_becomes_one_internal_error() {
        let text = "FROM alpine\nRUN apt-get install curl\n";
        let doc = Document::parse(text);
        let others: Vec<&'static Rule> = enabled_rules(&Settings::default());
        let mut rules = vec![&PANICKY];
        rules.extend(others);
        let found = check_with_rules(&doc, &Settings::default(), &rules);
        let crash: Vec<_> = found.iter().filter(|d| d.rule.name == "internal-error").collect();
        assert_eq!(crash.len(), 1, "{found:#?}");
        assert!(crash[0].message.contains("`panicky`") && crash[0].message.contains("boom"), "{}", crash[0].message);
        assert_eq!(&text[crash[0].range.as_range()], "RUN apt-get install curl");
        assert!(found.iter().any(|d| d.rule.name == "apt-get-missing-yes"), "{found:#?}");
    }

    /// Split in two whatever its length, every corpus file gives the same
    /// findings, in the same order, as on one thread.
    #[test]
    fn two_threads_find_what_one_finds_on_the_corpus() {
        let Some(corpus) = crate::test_env::shared_corpus("two_threads_find_what_one_finds_on_the_corpus") else {
            return;
        };
        let dir = corpus.join("files");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the shared corpus at {}: {e}", dir.display()));
        let settings = Settings::default();
        let rules = enabled_rules(&settings);
        let mut split = 0;
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let doc = Document::parse(&text);
            let one = check_with(&doc, &settings, &rules, Threads::One);
            let two = check_with(&doc, &settings, &rules, Threads::Two { from: 2 });
            assert_eq!(format!("{one:?}"), format!("{two:?}"), "{}", path.display());
            split += usize::from(doc.instructions.len() >= 2 && !one.is_empty());
        }
        assert!(split > 1000, "{split} corpus files split with findings");
    }
}
