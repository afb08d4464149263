//! The shared rule tester: pass, fail and fix cases (with unsafe fixes, and
//! with safe fixes only), run through the engine with only the rule under
//! test enabled.

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::engine::{Rule, check_with_rules, fix_with_rules};
use crate::model::Document;

fn lint(rule: &'static Rule, source: &str) -> Vec<Diagnostic> {
    check_with_rules(&Document::parse(source), &Settings::default(), &[rule])
        .into_iter()
        .filter(|d| d.rule.name == rule.meta.name)
        .collect()
}

fn render(source: &str, diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("  {:?} `{}`: {}\n", d.range, &source[d.range.as_range()], d.message)).collect()
}

/// Check every case and report all mismatches at once.
///
/// * `pass`: no diagnostic from the rule.
/// * `fail`: at least one diagnostic; a `⟦…⟧` pair in the case marks the
///   exact range expected for the first one (the markers are removed).
/// * `fixes`: `(before, after)` with unsafe fixes allowed; the result must
///   parse no worse than the input and reach a fixed point.
pub(crate) fn assert_rule(rule: &'static Rule, pass: &[&str], fail: &[&str], fixes: &[(&str, &str)]) {
    let mut problems = Vec::new();
    for case in pass {
        let found = lint(rule, case);
        if !found.is_empty() {
            problems.push(format!("expected no diagnostic in:\n{case}\ngot:\n{}", render(case, &found)));
        }
    }
    for case in fail {
        let (source, expected) = strip_markers(case);
        let found = lint(rule, &source);
        match (found.first(), expected) {
            (None, _) => problems.push(format!("expected a diagnostic in:\n{source}")),
            (Some(d), Some(range)) if d.range.as_range() != range => problems.push(format!(
                "expected range {range:?} `{}` in:\n{source}\ngot:\n{}",
                &source[range.clone()],
                render(&source, &found)
            )),
            _ => {}
        }
    }
    for (before, after) in fixes {
        check_fix(rule, before, after, true, &mut problems);
    }
    if rule.meta.fix.is_fixable() && fixes.is_empty() {
        problems.push(format!("rule {} declares a fix but has no fix cases", rule.meta.name));
    }
    assert!(problems.is_empty(), "rule {}:\n{}", rule.meta.name, problems.join("\n---\n"));
}

/// Fix cases with only safe fixes applied (what `--fix` and fix-on-save
/// do): `(before, after)`. A case where `after` is `before` is a hazard
/// that must keep the fix from being safe: the rule must still report
/// there, so the case cannot pass by the rule going silent.
pub(crate) fn assert_safe_fixes(rule: &'static Rule, cases: &[(&str, &str)]) {
    let mut problems = Vec::new();
    for (before, after) in cases {
        check_fix(rule, before, after, false, &mut problems);
        if before == after && lint(rule, before).is_empty() {
            problems.push(format!("expected a finding without a safe fix in:\n{before}\nbut the rule reports nothing"));
        }
    }
    assert!(problems.is_empty(), "rule {} (safe fixes only):\n{}", rule.meta.name, problems.join("\n---\n"));
}

/// Run the fix loop on `before` and compare with `after`; the result must
/// parse no worse than the input and reach a fixed point.
fn check_fix(rule: &'static Rule, before: &str, after: &str, unsafe_fixes: bool, problems: &mut Vec<String>) {
    let result = fix_with_rules(before, &Settings::default(), unsafe_fixes, &[rule]);
    if result.text != after {
        problems.push(format!("fix of:\n{before}\nexpected:\n{after}\ngot:\n{}", result.text));
    }
    if !result.converged {
        problems.push(format!("fixes did not converge for:\n{before}"));
    }
    let errors_before = Document::parse(before).syntax_errors.len();
    if Document::parse(&result.text).syntax_errors.len() > errors_before {
        problems.push(format!("fix broke the syntax of:\n{before}"));
    }
}

fn strip_markers(case: &str) -> (String, Option<std::ops::Range<usize>>) {
    match (case.find('⟦'), case.find('⟧')) {
        (Some(a), Some(b)) if a < b => {
            let source = case.replacen('⟦', "", 1).replacen('⟧', "", 1);
            (source, Some(a..b - '⟦'.len_utf8()))
        }
        _ => (case.to_string(), None),
    }
}
