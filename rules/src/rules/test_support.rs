//! The shared rule tester: pass, fail and fix cases (with unsafe fixes, and
//! with safe fixes only), run through the engine with only the rule under
//! test enabled.
//!
//! Besides the inline checks, every call snapshots with `insta` what the
//! rule reports on each fail and fix case: every diagnostic's range,
//! severity, message, related locations and fix, and the fixed text. The
//! snapshots live in `rules/src/rules/snapshots/`, one per harness call,
//! named after the rule and the test function (`<rule>__<test fn>.snap`),
//! so a changed message or an extra finding shows up in review.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

use crate::diagnostic::{Diagnostic, TextRange};
use crate::engine::{Rule, check_with_rules, fix_with_rules};
use crate::model::Document;
use crate::settings::Settings;
use crate::{ColumnUnit, LineIndex};

/// The diagnostics of `rule` alone on `source` under `settings`.
pub(crate) fn lint_with(rule: &'static Rule, settings: &Settings, source: &str) -> Vec<Diagnostic> {
    check_with_rules(&Document::parse(source), settings, &[rule])
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
///
/// The fail and fix cases are then compared with the rule's snapshot.
pub(crate) fn assert_rule(rule: &'static Rule, pass: &[&str], fail: &[&str], fixes: &[(&str, &str)]) {
    let mut problems = Vec::new();
    if rule.meta.fix.is_fixable() && fixes.is_empty() {
        problems.push(format!("rule {} declares a fix but has no fix cases", rule.meta.name));
    }
    assert_cases(rule, &Settings::default(), Setup::Default, pass, fail, fixes, problems);
}

/// What a harness call's settings were made from; its snapshot shows it
/// above the cases.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Setup<'a> {
    /// The defaults.
    Default,
    /// A `dockside.toml`.
    Config(&'a str),
    /// A build context: its `.dockerignore` (`None`: there is none) and the
    /// watched entries it holds.
    Context { dockerignore: Option<&'a str>, present: &'a [&'a str] },
    /// Settings made some other way, as described.
    Other(&'a str),
}

impl Setup<'_> {
    /// The snapshot's header.
    fn header(&self) -> String {
        let mut text = String::new();
        match self {
            Setup::Default => {}
            Setup::Config("") => text.push_str("config: (empty)\n"),
            Setup::Config(config) => {
                text.push_str("config:\n");
                write_source(&mut text, config);
            }
            Setup::Context { dockerignore, present } => {
                let _ = writeln!(text, "build context {TEST_CONTEXT_DIR}:");
                match dockerignore {
                    None => text.push_str("  .dockerignore: none\n"),
                    Some(ignore) => {
                        text.push_str("  .dockerignore:\n");
                        write_source(&mut text, ignore);
                    }
                }
                if present.is_empty() {
                    text.push_str("  holds none of the watched entries\n");
                } else {
                    let _ = writeln!(text, "  holds: {}", present.join(", "));
                }
            }
            Setup::Other(description) => {
                let _ = writeln!(text, "settings: {description}");
            }
        }
        text
    }
}

/// The directory of [`assert_rule_in_context`]'s build context.
const TEST_CONTEXT_DIR: &str = "/src/app";

/// `assert_rule` in a build context: `dockerignore` is its `.dockerignore`
/// (`None`: there is none) and `present` the watched entries
/// ([`crate::config::WATCHED_ENTRIES`]) it holds.
pub(crate) fn assert_rule_in_context(
    dockerignore: Option<&str>,
    present: &[&str],
    rule: &'static Rule,
    pass: &[&str],
    fail: &[&str],
    fixes: &[(&str, &str)],
) {
    use crate::settings::{BuildContext, Dockerignore};
    let context = BuildContext {
        dir: std::path::PathBuf::from(TEST_CONTEXT_DIR),
        dockerignore: dockerignore.map(|text| Dockerignore::parse(text, None)),
        present: present.iter().map(|entry| entry.to_string()).collect(),
        ..BuildContext::default()
    };
    let settings = Settings::default().with_build_context(context);
    assert_cases(rule, &settings, Setup::Context { dockerignore, present }, pass, fail, fixes, Vec::new());
}

/// `assert_rule` under `settings` (made from `setup`, which the snapshot
/// shows), with `problems` already found by the caller.
pub(crate) fn assert_cases(
    rule: &'static Rule,
    settings: &Settings,
    setup: Setup<'_>,
    pass: &[&str],
    fail: &[&str],
    fixes: &[(&str, &str)],
    mut problems: Vec<String>,
) {
    let mut snapshot = CaseSnapshot::new(rule, setup);
    for case in pass {
        let found = lint_with(rule, settings, case);
        if !found.is_empty() {
            problems.push(format!("expected no diagnostic in:\n{case}\ngot:\n{}", render(case, &found)));
        }
    }
    for (index, case) in fail.iter().enumerate() {
        let (source, expected) = strip_markers(case);
        let found = lint_with(rule, settings, &source);
        match (found.first(), expected) {
            (None, _) => problems.push(format!("expected a diagnostic in:\n{source}")),
            (Some(d), Some(range)) if d.range.as_range() != range => problems.push(format!(
                "expected range {range:?} `{}` in:\n{source}\ngot:\n{}",
                &source[range.clone()],
                render(&source, &found)
            )),
            _ => {}
        }
        snapshot.case(&format!("fail {}", index + 1), &source, &found);
    }
    for (index, (before, after)) in fixes.iter().enumerate() {
        let fixed = check_fix(rule, settings, before, after, true, &mut problems);
        snapshot.case(&format!("fix {} (unsafe fixes allowed)", index + 1), before, &lint_with(rule, settings, before));
        snapshot.fixed(before, &fixed);
    }
    match setup {
        Setup::Default => assert!(problems.is_empty(), "rule {}:\n{}", rule.meta.name, problems.join("\n---\n")),
        setup => assert!(problems.is_empty(), "rule {} with {setup:?}:\n{}", rule.meta.name, problems.join("\n---\n")),
    }
    snapshot.assert();
}

/// Fix cases with only safe fixes applied (what `--fix` and fix-on-save
/// do): `(before, after)`. A case where `after` is `before` is a hazard
/// that must keep the fix from being safe: the rule must still report
/// there, so the case cannot pass by the rule going silent. The cases are
/// then compared with the rule's snapshot.
pub(crate) fn assert_safe_fixes(rule: &'static Rule, cases: &[(&str, &str)]) {
    let settings = Settings::default();
    let mut problems = Vec::new();
    let mut snapshot = CaseSnapshot::new(rule, Setup::Default);
    for (index, (before, after)) in cases.iter().enumerate() {
        let fixed = check_fix(rule, &settings, before, after, false, &mut problems);
        let found = lint_with(rule, &settings, before);
        if before == after && found.is_empty() {
            problems.push(format!("expected a finding without a safe fix in:\n{before}\nbut the rule reports nothing"));
        }
        snapshot.case(&format!("fix {} (safe fixes only)", index + 1), before, &found);
        snapshot.fixed(before, &fixed);
    }
    assert!(problems.is_empty(), "rule {} (safe fixes only):\n{}", rule.meta.name, problems.join("\n---\n"));
    snapshot.assert();
}

/// Run the fix loop on `before` and compare with `after`; the result must
/// parse no worse than the input and reach a fixed point. Returns the
/// fixed text.
fn check_fix(
    rule: &'static Rule,
    settings: &Settings,
    before: &str,
    after: &str,
    unsafe_fixes: bool,
    problems: &mut Vec<String>,
) -> String {
    let result = fix_with_rules(before, settings, unsafe_fixes, &[rule]);
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
    result.text
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

/// The text of one harness call's snapshot: each case's source, then every
/// diagnostic with its 1-based `line:column` range (columns in characters,
/// as the terminal output counts them), and for fix cases the fixed text.
struct CaseSnapshot {
    rule: &'static Rule,
    text: String,
    cases: usize,
}

impl CaseSnapshot {
    fn new(rule: &'static Rule, setup: Setup<'_>) -> CaseSnapshot {
        CaseSnapshot { rule, text: setup.header(), cases: 0 }
    }

    fn case(&mut self, title: &str, source: &str, found: &[Diagnostic]) {
        self.cases += 1;
        let out = &mut self.text;
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{title}:");
        write_source(out, source);
        if found.is_empty() {
            out.push_str("  no diagnostic\n");
        }
        let index = LineIndex::new(source);
        for d in found {
            let _ = writeln!(out, "  {}[{}] {}", d.severity, d.rule.name, span(source, &index, d.range));
            for line in d.message.lines() {
                let _ = writeln!(out, "    | {line}");
            }
            for related in &d.related {
                let _ = writeln!(out, "    related {}: {}", span(source, &index, related.range), related.message);
            }
            if let Some(fix) = &d.fix {
                let _ = writeln!(out, "    fix ({}): {}", fix.applicability.as_str(), fix.title);
                for edit in &fix.edits {
                    let _ = writeln!(out, "      {} -> {:?}", span(source, &index, edit.range), edit.new_text);
                }
            }
        }
    }

    fn fixed(&mut self, before: &str, fixed: &str) {
        if fixed == before {
            self.text.push_str("  fixed: unchanged\n");
        } else {
            self.text.push_str("  fixed:\n");
            write_source(&mut self.text, fixed);
        }
    }

    /// Compare with the stored snapshot (or write it, as `INSTA_UPDATE`
    /// says); a call with only pass cases has nothing to show.
    fn assert(self) {
        if self.cases == 0 {
            return;
        }
        let name = snapshot_name(self.rule.meta.name);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(format!("rule {}", self.rule.meta.name));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, self.text));
    }
}

/// `1:6-1:32 "covered text"`: 1-based lines and columns.
fn span(source: &str, index: &LineIndex, range: TextRange) -> String {
    let at = |offset: usize| {
        let p = index.position(source, offset, ColumnUnit::Char);
        format!("{}:{}", p.line + 1, p.column + 1)
    };
    format!("{}-{} {}", at(range.start), at(range.end), quote_shortened(&source[range.as_range()]))
}

/// The text quoted with escapes; a long one keeps its two ends.
fn quote_shortened(text: &str) -> String {
    const KEEP: usize = 30;
    let count = text.chars().count();
    if count <= 2 * KEEP + 5 {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(KEEP).collect();
    let tail: String = text.chars().skip(count - KEEP).collect();
    format!("{head:?}…{tail:?}")
}

/// The text with line numbers; a line with control characters (a tab, a
/// carriage return) or trailing blanks is quoted, so none of it is lost to
/// an editor or to the eye.
fn write_source(out: &mut String, text: &str) {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let ends_with_newline = lines.last() == Some(&"");
    if ends_with_newline {
        lines.pop();
    }
    for (number, line) in lines.iter().enumerate() {
        let quoted = line.chars().any(char::is_control) || line.ends_with([' ', '\t']);
        if quoted {
            let _ = writeln!(out, "  {:>3} | {line:?}", number + 1);
        } else {
            let _ = writeln!(out, "  {:>3} | {line}", number + 1);
        }
    }
    if !ends_with_newline {
        out.push_str("      (no newline at end)\n");
    }
}

/// `<rule>__<test fn>`, from the test thread's name (the harness names each
/// test's thread after its path). A second call in the same test gets `-2`,
/// and so on; two tests of one rule with the same function name in
/// different modules would share a file, so that fails.
fn snapshot_name(rule: &str) -> String {
    thread_local! {
        static CALLS: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new());
    }
    static OWNERS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("main");
    let function = test.rsplit("::").next().unwrap_or(test);
    let base = format!("{rule}__{function}");
    let calls = CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        let count = calls.entry(base.clone()).or_insert(0);
        *count += 1;
        *count
    });
    let name = if calls == 1 { base } else { format!("{base}-{calls}") };
    let mut owners = OWNERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match owners.iter().find(|(owned, _)| *owned == name) {
        Some((_, owner)) if owner != test => {
            panic!("snapshot {name} belongs to test {owner}; rename test {test}")
        }
        Some(_) => {}
        None => owners.push((name.clone(), test.to_string())),
    }
    name
}

/// A renamed rule would leave its old snapshots behind unread: every
/// snapshot must be named after a registered rule.
#[test]
fn every_snapshot_names_a_registered_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/snapshots");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.expect("a readable snapshot directory").file_name().to_string_lossy().into_owned();
        let rule = name.split("__").next().unwrap_or_default();
        if !crate::registry::all_rules().iter().any(|r| r.meta.name == rule) {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "snapshots of no registered rule in {}: {orphans:?}", dir.display());
}

/// A rule's declared fix safety is what its test cases' fixes carry: the
/// README, the rule pages and `dockside explain` say whether `--fix` applies
/// a rule's fixes or only `--unsafe-fixes` does.
#[test]
fn declared_fix_safety_matches_the_snapshots() {
    use crate::rule_meta::FixSafety;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/snapshots");
    let mut seen: std::collections::BTreeMap<String, (bool, bool)> = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a readable snapshot directory").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let rule = name.split("__").next().unwrap_or_default().to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let kinds = seen.entry(rule).or_default();
        kinds.0 |= text.contains("fix (safe)");
        kinds.1 |= text.contains("fix (unsafe)");
    }
    let mut wrong = Vec::new();
    for rule in crate::registry::all_rules() {
        let meta = &rule.meta;
        let found = match seen.get(meta.name).copied().unwrap_or_default() {
            (false, false) => None,
            (true, false) => Some(FixSafety::Safe),
            (false, true) => Some(FixSafety::Unsafe),
            (true, true) => Some(FixSafety::Either),
        };
        match found {
            Some(found) if found != meta.fix_safety || !meta.fix.is_fixable() => wrong.push(format!(
                "{}: declared {:?} ({:?}), its cases' fixes are {found:?}",
                meta.name, meta.fix, meta.fix_safety
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "fix safety declared wrong:\n{}", wrong.join("\n"));
}
