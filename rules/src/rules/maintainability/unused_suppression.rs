//! ## What it does
//! Checks for ignore pragmas that suppress nothing: a `# dockside ignore=…`
//! or `# hadolint ignore=…` comment (also `stage` and `global`), or a
//! `# check=skip=…` directive, naming a rule that reports nothing where the
//! pragma applies. With the option `require-reason`, it also reports
//! pragmas that do not say why (`# dockside ignore=rule -- reason`).
//!
//! ## Why is this bad?
//! A suppression outlives the finding it was written for: the instruction
//! was fixed, the rule learned to tell the case apart, or the comment moved
//! away from its instruction (a blank line in between detaches it). It then
//! silences the rule in advance for whatever the next edit brings, and
//! readers assume a problem that is no longer there.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! # hadolint ignore=DL3008
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
//! ```
//!
//! ## Options
//! ```toml
//! [rules.unused-suppression]
//! require-reason = true   # report ignore pragmas without `-- reason`
//! ```
//!
//! ## How it decides
//! It runs after every other rule and after suppression (in the engine):
//! a name is unused when the rule it names is enabled, ran, and none of its
//! findings fell under the pragma. Names it cannot judge are left alone:
//! ShellCheck codes (`SC2086`; ShellCheck runs after the rules, and not at
//! all without it), names of no dockside rule (another tool's codes), rules
//! the configuration turns off (another configuration may turn them on),
//! `# check=skip=all`, and everything under `disable-ignore-pragma` except
//! `# check=skip=`. A `# check=skip=` name is read by BuildKit, whose
//! check may fire where dockside's rule does not: it is only reported when
//! BuildKit's check could not fire either. That is known for the checks
//! whose dockside rule reports at least what BuildKit does (casing, format
//! and stage-name checks, `JSONArgsRecommended`…) and for
//! `SecretsUsedInArgOrEnv` (no `ARG` or `ENV` name with one of BuildKit's
//! words: `key`, `auth`, `password`, `token`…); other BuildKit checks
//! (`UndefinedVar`, `CopyIgnoredFile`, `FromPlatformFlagConstDisallowed`)
//! are left alone. A `# hadolint` pragma may still be needed by hadolint
//! itself, which reports some cases dockside does not (a pipe in a
//! PowerShell `RUN` for DL4006): ignore this rule (or that pragma) where
//! both tools run. That is why it reports at `info`, below the default
//! failure threshold.
//!
//! ## Fix safety
//! The fix deletes the pragma's line when none of its names is used, or
//! removes the unused names from its list (from `# check=skip=` only when
//! the directive holds nothing else). It is safe: comments and the `check`
//! directive's skip list do not change what the build does.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Edit, Fix, Related, TextRange};
use crate::model::{Document, InstructionKind, Pragma, Suppressor};
use crate::rule::{Rule, declare_rule, rule_options};
use crate::settings::Settings;

// Checked by the engine itself (it needs every other rule's findings
// before suppression): no checks of its own.
declare_rule! {
    /// An ignore pragma or `# check=skip=` name that suppresses nothing
    name: "unused-suppression", category: Maintainability, severity: Info, fix: Always,
    options: Options,
}

/// `[rules.unused-suppression]`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Options {
    /// Also report pragmas that do not say why.
    require_reason: bool,
}

/// The rules `name` stands for, when this lint can judge it: every one of
/// them enabled by `settings` (and none of them this rule). `registered` is
/// every rule: the engine hands the registry's list down, as the registry
/// sits above the rules.
fn judged(name: &str, settings: &Settings, registered: &[&'static Rule]) -> Option<Vec<&'static Rule>> {
    if crate::rule_meta::is_shellcheck_code(name) || name.eq_ignore_ascii_case("all") {
        return None;
    }
    let rules: Vec<&'static Rule> = registered.iter().copied().filter(|r| r.meta.answers_to(name)).collect();
    let judgeable =
        !rules.is_empty() && rules.iter().all(|r| settings.is_enabled(&r.meta) && !std::ptr::eq(&r.meta, &RULE.meta));
    judgeable.then_some(rules)
}

/// The `# check=skip=` names, with their ranges, and whether the directive
/// holds nothing but its skip list.
fn check_skip_names(doc: &Document) -> Vec<(String, TextRange, TextRange, bool)> {
    let mut out = Vec::new();
    for d in doc.directives.iter().filter(|d| d.name == "check") {
        let only_skip = d.value.split(';').filter(|p| !p.trim().is_empty()).count() == 1;
        let mut offset = d.value_range.start;
        for part in d.value.split(';') {
            if let Some((key, list)) = part.split_once('=')
                && key.trim().eq_ignore_ascii_case("skip")
            {
                let mut at = offset + key.len() + 1;
                for name in list.split(',') {
                    let lead = name.len() - name.trim_start().len();
                    let trimmed = name.trim();
                    if !trimmed.is_empty() {
                        let range = TextRange::new(at + lead, at + lead + trimmed.len());
                        out.push((trimmed.to_string(), range, d.range, only_skip));
                    }
                    at += name.len() + 1;
                }
            }
            offset += part.len() + 1;
        }
    }
    out
}

/// The rules the engine must run (if they are not already) to judge the
/// pragmas: every enabled rule a pragma or `# check=skip=` names.
pub(crate) fn rules_to_judge(doc: &Document, settings: &Settings, registered: &[&'static Rule]) -> Vec<&'static Rule> {
    let mut out: Vec<&'static Rule> = Vec::new();
    let pragma_names = doc.suppressions.pragmas.iter().flat_map(|p| p.rules.iter().map(|(n, _)| n.as_str()));
    let names: Vec<&str> = if settings.ignore_pragmas() { pragma_names.collect() } else { Vec::new() };
    let skip_names: Vec<String> = check_skip_names(doc).into_iter().map(|(n, ..)| n).collect();
    for name in names.into_iter().chain(skip_names.iter().map(String::as_str)) {
        for rule in judged(name, settings, registered).unwrap_or_default() {
            if !out.iter().any(|r| std::ptr::eq(*r, rule)) {
                out.push(rule);
            }
        }
    }
    out
}

/// The whole line of `range` (from its start to after its newline) when
/// nothing but blanks stands before it on the line; else `range`.
fn line_of(text: &str, range: TextRange) -> TextRange {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..range.start].trim().is_empty() {
        return range;
    }
    let end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i + 1);
    TextRange::new(line_start, end)
}

/// The findings: every judged name no finding used, and (with
/// `require-reason`) every pragma without a reason. `used` holds what
/// suppressed the other rules' findings.
pub(crate) fn findings(
    doc: &Document,
    settings: &Settings,
    used: &HashSet<Suppressor>,
    registered: &[&'static Rule],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let text = doc.text();
    let require_reason = rule_options::<Options>(settings, &RULE).require_reason;
    if settings.ignore_pragmas() {
        for (i, pragma) in doc.suppressions.pragmas.iter().enumerate() {
            // A pragma that names this rule keeps its other names as they are.
            if pragma.rules.iter().any(|(n, _)| RULE.meta.answers_to(n)) {
                continue;
            }
            let unused: Vec<usize> = (0..pragma.rules.len())
                .filter(|&j| {
                    judged(&pragma.rules[j].0, settings, registered).is_some()
                        && !used.contains(&Suppressor::Pragma { pragma: i, name: j })
                })
                .collect();
            if !unused.is_empty() {
                out.push(unused_in_pragma(text, pragma, &unused));
            }
            if require_reason && !has_reason(text, pragma) {
                out.push(diagnostic(
                    pragma.range,
                    "this ignore pragma gives no reason; say why after `--` (`# dockside ignore=rule -- reason`)"
                        .to_string(),
                ));
            }
        }
    }
    let skips = check_skip_names(doc);
    let unused: Vec<&(String, TextRange, TextRange, bool)> = skips
        .iter()
        .filter(|(name, ..)| {
            judged(name, settings, registered).is_some_and(|rules| {
                rules.iter().any(|r| r.meta.aliases.iter().any(|a| crate::rule_meta::is_buildkit_check_name(a)))
            }) && !used.contains(&Suppressor::CheckSkip(name.to_ascii_lowercase()))
                && !buildkit_may_need(name, doc)
        })
        .collect();
    for (name, range, directive, only_skip) in &unused {
        let in_directive: Vec<&(String, TextRange, TextRange, bool)> =
            skips.iter().filter(|s| s.2 == *directive).collect();
        let kept: Vec<&str> =
            in_directive.iter().filter(|s| !unused.iter().any(|u| u.1 == s.1)).map(|s| s.0.as_str()).collect();
        let mut d = diagnostic(*range, format!("`# check=skip={name}` suppresses nothing"));
        // One fix per directive, on its first unused name: the directive's
        // line, or its skip list without the unused names.
        let first_unused = unused.iter().find(|u| u.2 == *directive).is_some_and(|u| u.1 == *range);
        if first_unused && kept.is_empty() && *only_skip {
            d.fix = Some(Fix::safe("Remove the `check` directive", vec![Edit::delete(line_of(text, *directive))]));
        } else if first_unused
            && !kept.is_empty()
            && let (Some(first), Some(last)) = (in_directive.first(), in_directive.last())
        {
            let list = first.1.cover(last.1);
            let edit = Edit::replace(list, kept.join(","));
            d.fix = Some(Fix::safe("Remove the unused names from the skip list", vec![edit]));
        }
        out.push(d);
    }
    out
}

/// BuildKit checks whose dockside rule reports wherever BuildKit's check
/// fires: when the rule reports nothing, BuildKit does not either.
const SAME_AS_BUILDKIT: &[&str] = &[
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
];

/// True when BuildKit's own check `name` may fire in `doc` although
/// dockside's rule does not, or when dockside cannot tell: the skip may be
/// needed by `docker build`. (A dockside rule name is not a BuildKit check.)
fn buildkit_may_need(name: &str, doc: &Document) -> bool {
    if !crate::rule_meta::is_buildkit_check_name(name) {
        return false;
    }
    if name.eq_ignore_ascii_case("SecretsUsedInArgOrEnv") {
        return doc
            .instructions
            .iter()
            .map(|i| i.onbuild().unwrap_or(i))
            .filter(|i| matches!(i.kind, InstructionKind::Arg | InstructionKind::Env))
            .flat_map(|i| &i.pairs)
            .any(|p| crate::rules::security::buildkit_reports_secret(&p.key.raw));
    }
    !SAME_AS_BUILDKIT.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn diagnostic(range: TextRange, message: String) -> Diagnostic {
    Diagnostic { rule: &RULE.meta, severity: RULE.meta.severity, message, range, fix: None, related: Vec::new() }
}

/// One finding for the unused names of `pragma`, with a fix removing them
/// (the whole line when none is used).
fn unused_in_pragma(text: &str, pragma: &Pragma, unused: &[usize]) -> Diagnostic {
    let names: Vec<String> = unused.iter().map(|&j| format!("`{}`", pragma.rules[j].0)).collect();
    if unused.len() == pragma.rules.len() {
        let message = match names.as_slice() {
            [one] => format!("this ignore pragma suppresses nothing: {one} reports nothing here"),
            _ => format!("this ignore pragma suppresses nothing: {} report nothing here", names.join(", ")),
        };
        let mut d = diagnostic(pragma.range, message);
        d.fix = Some(Fix::safe("Remove the ignore pragma", vec![Edit::delete(line_of(text, pragma.range))]));
        return d;
    }
    let first = pragma.rules[unused[0]].1;
    let last = pragma.rules[unused[unused.len() - 1]].1;
    let message = match names.as_slice() {
        [one] => format!("{one} in this ignore pragma suppresses nothing"),
        _ => format!("{} in this ignore pragma suppress nothing", names.join(", ")),
    };
    let mut d = diagnostic(first.cover(last), message);
    d.related = unused
        .iter()
        .map(|&j| Related {
            range: pragma.rules[j].1,
            message: format!("`{}` reports nothing here", pragma.rules[j].0),
        })
        .collect();
    // Keep the used names, in order, in place of the list.
    let list = TextRange::new(pragma.rules[0].1.start, pragma.rules[pragma.rules.len() - 1].1.end);
    let kept: Vec<&str> =
        (0..pragma.rules.len()).filter(|j| !unused.contains(j)).map(|j| pragma.rules[j].0.as_str()).collect();
    d.fix = Some(Fix::safe(format!("Remove {}", names.join(", ")), vec![Edit::replace(list, kept.join(", "))]));
    d
}

/// True when text follows the pragma's list after `--`.
fn has_reason(text: &str, pragma: &Pragma) -> bool {
    let Some((_, last)) = pragma.rules.last() else { return false };
    let rest = text.get(last.end..pragma.range.end).unwrap_or("").trim_start();
    rest.strip_prefix("--").is_some_and(|reason| !reason.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::diagnostic::Diagnostic;
    use crate::engine::{Rule, check_with_rules};
    use crate::model::Document;
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};
    use crate::settings::Settings;

    fn lint(text: &str, settings: &Settings, rules: &[&'static Rule]) -> Vec<Diagnostic> {
        let doc = Document::parse(text);
        check_with_rules(&doc, settings, rules).into_iter().filter(|d| d.rule.name == RULE.meta.name).collect()
    }

    const PINNED: &str = "RUN apt-get install -y --no-install-recommends curl=1\n";
    const UNPINNED: &str = "RUN apt-get install -y --no-install-recommends curl\n";

    #[test]
    fn cases() {
        assert_rule(
            &RULE,
            &[
                // Used: the pragma suppresses the finding below it.
                &format!("FROM debian\n# hadolint ignore=DL3008\n{UNPINNED}"),
                &format!("FROM debian\n# dockside stage ignore=apt-get-unpinned-package\n{PINNED}{UNPINNED}"),
                &format!("# hadolint global ignore=DL3008\nFROM debian\n{UNPINNED}"),
                "# check=skip=JSONArgsRecommended\nFROM debian\nCMD serve\n",
                // Not judged: ShellCheck codes, unknown names, rules off by default.
                &format!("FROM debian\n# hadolint ignore=SC2086,DL9999,whatever\n{PINNED}"),
                &format!("FROM debian\n# dockside ignore=missing-healthcheck\n{PINNED}"),
                "# check=skip=all\nFROM debian\n",
                // BuildKit's check fires on `KEY` words that dockside's rule leaves alone.
                "# check=skip=SecretsUsedInArgOrEnv\nFROM alpine:3.21\nENV GPG_KEY=0123ABCD\n",
                "# check=skip=SecretsUsedInArgOrEnv\nFROM alpine\nONBUILD ARG AUTH\n",
                // dockside cannot tell what BuildKit's check sees (the base image's variables).
                "# check=skip=UndefinedVar\nFROM alpine\nRUN echo $HOME\n",
                "FROM debian\nRUN true\n",
            ],
            &[
                &format!("FROM debian\n⟦# hadolint ignore=DL3008⟧\n{PINNED}"),
                // A blank line detaches the pragma from the instruction.
                &format!("FROM debian\n⟦# hadolint ignore=DL3008⟧\n\n{UNPINNED}"),
                &format!("FROM debian\n# hadolint ignore=DL3008, ⟦DL3009⟧\n{UNPINNED}"),
                &format!("⟦# dockside global ignore=apt-get-unpinned-package⟧\nFROM debian\n{PINNED}"),
                "# check=skip=⟦JSONArgsRecommended⟧\nFROM debian\nCMD [\"serve\"]\n",
                "# check=skip=⟦SecretsUsedInArgOrEnv⟧\nFROM alpine\nENV PUBLIC_KEY=x KEYS=y USERNAME=z\n",
                &format!("FROM debian\n⟦# dockside ignore=apt-get-unpinned-package -- pinned below⟧\n{PINNED}"),
            ],
            &[(
                &format!("FROM debian\n# hadolint ignore=DL3008,DL3015 -- legacy\n{PINNED}"),
                &format!("FROM debian\n{PINNED}"),
            )],
        );
    }

    /// Every fix is safe: comments and the skip list change no build.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &RULE,
            &[
                (&format!("FROM debian\n# hadolint ignore=DL3008\n{PINNED}"), &format!("FROM debian\n{PINNED}")),
                (
                    &format!("FROM debian\n# hadolint ignore=DL3008, DL3009 -- why\n{UNPINNED}"),
                    &format!("FROM debian\n# hadolint ignore=DL3008 -- why\n{UNPINNED}"),
                ),
                (
                    &format!("FROM debian\n  # dockside ignore=DL3015,apt-get-unpinned-package\n{UNPINNED}"),
                    &format!("FROM debian\n  # dockside ignore=apt-get-unpinned-package\n{UNPINNED}"),
                ),
                ("# check=skip=JSONArgsRecommended\nFROM debian\nCMD [\"x\"]\n", "FROM debian\nCMD [\"x\"]\n"),
                (
                    "# check=skip=JSONArgsRecommended,StageNameCasing\nFROM debian AS Build\nCMD [\"x\"]\n",
                    "# check=skip=StageNameCasing\nFROM debian AS Build\nCMD [\"x\"]\n",
                ),
                // Two unused names next to each other, after a used one.
                (
                    "# check=skip=StageNameCasing, JSONArgsRecommended,MaintainerDeprecated\nFROM debian AS Build\nCMD [\"x\"]\n",
                    "# check=skip=StageNameCasing\nFROM debian AS Build\nCMD [\"x\"]\n",
                ),
                // Reported, but the directive holds more than its skip list.
                (
                    "# check=skip=JSONArgsRecommended;error=true\nFROM debian\nCMD [\"x\"]\n",
                    "# check=skip=JSONArgsRecommended;error=true\nFROM debian\nCMD [\"x\"]\n",
                ),
            ],
        );
    }

    /// With only this rule selected, the named rules still run to judge
    /// the pragmas, and their own findings are not reported.
    #[test]
    fn judges_with_rules_that_are_not_reported() {
        let found = crate::engine::check_with_rules(
            &Document::parse(&format!("FROM debian\n# hadolint ignore=DL3008\n{PINNED}{UNPINNED}")),
            &Settings::default(),
            &[&RULE],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule.name, "unused-suppression");
        assert_eq!(found[0].message, "this ignore pragma suppresses nothing: `DL3008` reports nothing here");
    }

    #[test]
    fn under_disable_ignore_pragma_only_check_skip_is_judged() {
        let settings =
            crate::config::parse_toml("disable-ignore-pragma = true\n", std::path::Path::new("dockside.toml")).unwrap();
        assert!(lint(&format!("FROM debian\n# hadolint ignore=DL3008\n{PINNED}"), &settings, &[&RULE]).is_empty());
        assert_eq!(lint("# check=skip=JSONArgsRecommended\nFROM debian\n", &settings, &[&RULE]).len(), 1);
    }

    #[test]
    fn can_require_a_reason() {
        let settings = crate::config::parse_toml(
            "[rules.unused-suppression]\nrequire-reason = true\n",
            std::path::Path::new("dockside.toml"),
        )
        .unwrap();
        let found = lint(&format!("FROM debian\n# hadolint ignore=DL3008\n{UNPINNED}"), &settings, &[&RULE]);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("no reason"), "{}", found[0].message);
        assert!(found[0].fix.is_none());
        let with_reason = format!("FROM debian\n# hadolint ignore=DL3008 -- pinned by the base image\n{UNPINNED}");
        assert!(lint(&with_reason, &settings, &[&RULE]).is_empty());
        // Off by default.
        assert!(
            lint(&format!("FROM debian\n# hadolint ignore=DL3008\n{UNPINNED}"), &Settings::default(), &[&RULE])
                .is_empty()
        );
    }

    /// A pragma that names this rule is left alone.
    #[test]
    fn is_itself_suppressible() {
        let text = format!("FROM debian\n# dockside ignore=DL3008,unused-suppression\n{PINNED}");
        assert!(lint(&text, &Settings::default(), &[&RULE]).is_empty());
    }
}
