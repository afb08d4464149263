//! Rule documentation: every rule's doc comment has the required sections,
//! its Example triggers it and its Use instead does not; the generated pages
//! (`docs/rules/*.md`) and the README rules table match the registry.
//! `UPDATE_DOCS=1 cargo test -p dockside-rules --test docs` rewrites them.

use std::path::{Path, PathBuf};

use dockside_rules::config::{BuildContext, Dockerignore};
use dockside_rules::{Document, FixAvailability, FixSafety, RuleMeta, Settings, all_rules, check_with_rules};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

#[test]
fn every_rule_is_documented_and_its_examples_hold() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let meta = &rule.meta;
        let mut required = vec!["What it does", "Why is this bad?", "Example", "Use instead"];
        if meta.fix.is_fixable() {
            required.push("Fix safety");
        }
        for section in required {
            if meta.docs_section(section).is_none_or(|s| s.is_empty()) {
                problems.push(format!("{}: missing `## {section}`", meta.name));
            }
        }
        for (heading, should_fire) in [("Example", true), ("Use instead", false)] {
            let blocks = meta.docs_code_blocks(heading, "dockerfile");
            if blocks.is_empty() {
                problems.push(format!("{}: `## {heading}` has no dockerfile block", meta.name));
            }
            let settings = match example_settings(meta, heading) {
                Ok(settings) => settings,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            for block in blocks {
                let found = check_with_rules(&Document::parse(&block), &settings, &[rule]);
                let fired = found.iter().any(|d| d.rule.name == meta.name);
                if fired != should_fire {
                    problems.push(format!(
                        "{}: `## {heading}` {} the rule:\n{block}",
                        meta.name,
                        if should_fire { "does not trigger" } else { "triggers" }
                    ));
                }
            }
        }
        if !meta.path.ends_with(".rs") || !repo_root().join(meta.path).is_file() {
            problems.push(format!("{}: path `{}` is not the rule's file", meta.name, meta.path));
        }
    }
    // Names and hadolint codes are unique; a BuildKit check name may cover
    // several rules (MultipleInstructionsDisallowed).
    let mut names: Vec<String> = all_rules()
        .iter()
        .flat_map(|r| {
            std::iter::once(r.meta.name)
                .chain(r.meta.aliases.iter().copied().filter(|a| a.starts_with("DL") || a.starts_with("SC")))
        })
        .map(str::to_ascii_lowercase)
        .collect();
    names.sort();
    for pair in names.windows(2) {
        if pair[0] == pair[1] {
            problems.push(format!("name or code `{}` is used twice", pair[0]));
        }
    }
    for rule in all_rules() {
        for alias in rule.meta.aliases {
            if all_rules().iter().any(|r| r.meta.name.eq_ignore_ascii_case(alias)) {
                problems.push(format!("alias `{alias}` of {} is another rule's name", rule.meta.name));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The settings a section's examples run with: its ```toml block is the
/// config they need (trusted registries, a label schema...), and rules about
/// the build context get one: a directory with the section's
/// ```dockerignore block as its ignore file and the entries its ```context
/// block lists (one a line) present.
fn example_settings(meta: &dockside_rules::RuleMeta, heading: &str) -> Result<Settings, String> {
    let settings = match meta.docs_code_blocks(heading, "toml").first() {
        Some(config) => dockside_rules::config::parse_toml(config, Path::new("dockside.toml"))
            .map_err(|e| format!("{}: `## {heading}` config does not load: {e}", meta.name))?,
        None => Settings::default(),
    };
    Ok(if meta.docs_section("How the context is found").is_some() {
        let dockerignore = meta.docs_code_blocks(heading, "dockerignore").first().map(|t| Dockerignore::parse(t, None));
        let present = meta
            .docs_code_blocks(heading, "context")
            .first()
            .map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        settings.with_build_context(BuildContext { dockerignore, present, ..BuildContext::default() })
    } else {
        settings
    })
}

/// Rules that say something about the `FROM` line, the stage graph or the
/// finished image: without a `FROM` there is nothing for them to read.
const NEED_A_FROM: &[&str] = &[
    // The FROM line and its image.
    "base-image-end-of-life",
    "base-image-near-end-of-life",
    "base-image-not-pinned-by-digest",
    "constant-from-platform",
    "from-as-casing",
    "full-size-base-image",
    "invalid-default-arg-in-from",
    "latest-base-image",
    "redundant-target-platform",
    "reserved-stage-name",
    "undefined-arg-in-from",
    "untagged-base-image",
    "untrusted-registry",
    // Named stages.
    "copy-from-current-stage",
    // What the base image is (its package manager, its environment: a
    // fragment's variables may all come from the missing base).
    "package-manager-mismatch",
    "undefined-var",
    // The finished image: whether it starts a program, as which user.
    "missing-healthcheck",
    "missing-required-label",
    "missing-user",
    "package-cache-left-behind",
    // Global ARGs before the first FROM are another thing than ARGs in a stage.
    "volatile-value-before-expensive-step",
];

/// A fragment (instructions with their `FROM` not written yet) is linted as
/// an implicit stage: each rule's Example with its one `FROM` line removed
/// still triggers it, unless the rule reads the `FROM` itself.
#[test]
fn examples_without_their_from_still_trigger() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let meta = &rule.meta;
        let Some(block) = meta.docs_code_blocks("Example", "dockerfile").into_iter().next() else { continue };
        let is_from = |line: &&str| line.trim_start().get(..5).is_some_and(|w| w.eq_ignore_ascii_case("FROM "));
        if block.lines().filter(is_from).count() != 1 {
            continue;
        }
        let Ok(settings) = example_settings(meta, "Example") else { continue };
        let fragment: String = block.lines().filter(|l| !is_from(l)).map(|l| format!("{l}\n")).collect();
        let fired =
            check_with_rules(&Document::parse(&fragment), &settings, &[rule]).iter().any(|d| d.rule.name == meta.name);
        let needs_from = NEED_A_FROM.contains(&meta.name);
        if fired == needs_from {
            problems.push(format!(
                "{}: the Example without its FROM {} the rule{}:\n{fragment}",
                meta.name,
                if fired { "triggers" } else { "does not trigger" },
                if fired { " (remove it from NEED_A_FROM)" } else { "" }
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_rule_file_is_registered() {
    let dir = repo_root().join("rules/src/rules");
    let registered: Vec<&str> = all_rules().iter().map(|r| r.meta.path).collect();
    let mut missing = Vec::new();
    for category in std::fs::read_dir(&dir).unwrap() {
        let category = category.unwrap().path();
        // `snapshots/` holds the rule tests' insta snapshots, not rules.
        if !category.is_dir() || category.ends_with("snapshots") {
            continue;
        }
        for file in std::fs::read_dir(&category).unwrap() {
            let file = file.unwrap().path();
            // `support.rs` holds helpers shared by a category's rules.
            if file.file_name().is_some_and(|n| n != "mod.rs" && n != "support.rs") {
                let rel = file.strip_prefix(repo_root()).unwrap().to_string_lossy().replace('\\', "/");
                if !registered.contains(&rel.as_str()) {
                    missing.push(rel);
                }
            }
        }
    }
    assert!(missing.is_empty(), "rule files not in the registry: {missing:?}");
}

/// A rule's file is its name in snake case (`unused-stage` is
/// `unused_stage.rs`), so the one can be found from the other.
#[test]
fn every_rule_file_is_named_after_its_rule() {
    let misnamed: Vec<String> = all_rules()
        .iter()
        .map(|r| &r.meta)
        .filter(|meta| {
            let file = std::path::Path::new(meta.path).file_stem().and_then(|s| s.to_str());
            file != Some(meta.name.replace('-', "_").as_str())
        })
        .map(|meta| format!("`{}` is declared in {}", meta.name, meta.path))
        .collect();
    assert!(misnamed.is_empty(), "rule files not named after their rule:\n{}", misnamed.join("\n"));
}

/// "yes", "sometimes", and which of `--fix` / `--unsafe-fixes` applies them.
fn fix_label(meta: &RuleMeta) -> String {
    let when = match meta.fix {
        FixAvailability::None => return "no".to_string(),
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::Always => "yes",
    };
    match meta.fix_safety {
        FixSafety::Safe => when.to_string(),
        FixSafety::Unsafe => format!("{when}, unsafe"),
        FixSafety::Either => format!("{when}, safe or unsafe"),
    }
}

fn rule_page(rule: &dockside_rules::Rule) -> String {
    let m = &rule.meta;
    let aliases = if m.aliases.is_empty() {
        "none".to_string()
    } else {
        m.aliases.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
    };
    format!(
        "<!-- Generated from {path}; edit the rule's doc comment, then run `UPDATE_DOCS=1 cargo test -p dockside-rules --test docs`. -->\n\
         # {name}\n\n{summary}.\n\n\
         | | |\n|---|---|\n\
         | Aliases | {aliases} |\n\
         | Category | {category} |\n\
         | Default severity | {severity} |\n\
         | Fixable | {fix} |\n\
         | Enabled by default | {enabled} |\n\
         | Source | [{path}](../../{path}) |\n\n{docs}",
        path = m.path,
        name = m.name,
        summary = m.summary.trim_end_matches('.'),
        category = m.category,
        severity = m.severity,
        fix = fix_label(m),
        enabled = if m.enabled_by_default { "yes" } else { "no" },
        docs = m.docs(),
    )
}

fn rules_table() -> String {
    let mut out = String::from("| Rule | Aliases | Category | Severity | Fix | Summary |\n|---|---|---|---|---|---|\n");
    for rule in all_rules() {
        let m = &rule.meta;
        out.push_str(&format!(
            "| [`{name}`](docs/rules/{name}.md) | {aliases} | {category} | {severity} | {fix} | {summary} |\n",
            name = m.name,
            aliases = m.aliases.join(", "),
            category = m.category,
            severity = m.severity,
            fix = fix_label(m),
            summary = m.summary.replace('|', "\\|"),
        ));
    }
    out
}

fn check_or_update(path: &Path, expected: &str, stale: &mut Vec<String>) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, expected).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
}

#[test]
fn generated_docs_are_up_to_date() {
    let root = repo_root();
    let mut stale = Vec::new();
    let pages = root.join("docs/rules");
    for rule in all_rules() {
        check_or_update(&pages.join(format!("{}.md", rule.meta.name)), &rule_page(rule), &mut stale);
    }
    // Pages of rules that no longer exist.
    if let Ok(entries) = std::fs::read_dir(&pages) {
        for e in entries {
            let path = e.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !all_rules().iter().any(|r| r.meta.name == name) {
                if std::env::var_os("UPDATE_DOCS").is_some() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    stale.push(format!("{} (no such rule)", path.display()));
                }
            }
        }
    }
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README.md has a rules:start marker") + start.len();
    let b = readme.find(end).expect("README.md has a rules:end marker");
    let expected = format!("{}{}{}", &readme[..a], rules_table(), &readme[b..]);
    check_or_update(&readme_path, &expected, &mut stale);
    assert!(
        stale.is_empty(),
        "stale generated docs (run `UPDATE_DOCS=1 cargo test -p dockside-rules --test docs`):\n{}",
        stale.join("\n")
    );
}

/// `docs/fix-safety.md`, the audit of every fix, has one section per
/// fixable rule (`` ## `name` ``) and none for other rules; each gives a
/// verdict that agrees with the rule's own `## Fix safety`; and each fixable
/// rule tests which of its fixes are safe (`assert_safe_fixes`).
#[test]
fn fix_safety_audit_covers_every_fixable_rule() {
    let path = repo_root().join("docs/fix-safety.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // (rule name, the section's text)
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## `").and_then(|l| l.strip_suffix('`')) {
            sections.push((name.to_string(), String::new()));
        } else if line.starts_with("## ") || line.starts_with("# ") {
            sections.push((String::new(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut problems = Vec::new();
    for rule in all_rules() {
        let meta = &rule.meta;
        let documented: Vec<&(String, String)> = sections.iter().filter(|(n, _)| n == meta.name).collect();
        if !meta.fix.is_fixable() {
            if !documented.is_empty() {
                problems.push(format!("{}: has a section but no fix", meta.name));
            }
            continue;
        }
        let [(_, body)] = documented.as_slice() else {
            problems.push(format!("{}: needs exactly one `## `{}`` section", meta.name, meta.name));
            continue;
        };
        let verdict = body.lines().find_map(|l| l.strip_prefix("**Verdict:** ")).map(str::trim);
        let rule_doc = meta.docs_section("Fix safety").unwrap_or_default();
        let says = |word: &str| rule_doc.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == word);
        let agrees = match verdict {
            Some("safe") => says("safe") && !says("unsafe"),
            Some("unsafe") => says("unsafe"),
            Some("conditionally safe") => says("safe") && says("unsafe"),
            _ => {
                problems.push(format!("{}: no `**Verdict:** safe|conditionally safe|unsafe` line", meta.name));
                true
            }
        };
        if !agrees {
            problems.push(format!("{}: verdict {verdict:?} disagrees with the rule's `## Fix safety`", meta.name));
        }
        let source = std::fs::read_to_string(repo_root().join(meta.path)).expect("the rule's file");
        if !source.contains("assert_safe_fixes(") {
            problems.push(format!("{}: no `assert_safe_fixes` cases", meta.name));
        }
    }
    for (name, _) in sections.iter().filter(|(n, _)| !n.is_empty()) {
        if !all_rules().iter().any(|r| r.meta.name == name) {
            problems.push(format!("docs/fix-safety.md: `{name}` is not a rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
