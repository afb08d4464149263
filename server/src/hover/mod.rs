//! What a hover shows: the instruction under the cursor, a rule named in an
//! ignore pragma, a variable's value and declaration, and the docs of the
//! rules whose diagnostics cover the position; flags, stages, images and
//! check names (`syntax`). Pure functions of the model.

pub mod keywords;
mod syntax;

use std::borrow::Cow;

use dockside_rules::model::{Base, Instruction, InstructionKind, PREDEFINED_ARGS, Scope, ShellScript, Word};
use dockside_rules::{Diagnostic, Document, RuleMeta, TextRange, find_rule};

/// The Markdown to show at `offset`, and the range it is about.
pub fn hover(doc: &Document, offset: usize, diagnostics: &[Diagnostic]) -> Option<(TextRange, String)> {
    let primary = pragma_rule(doc, offset)
        .or_else(|| keyword(doc, offset))
        .or_else(|| variable(doc, offset))
        .or_else(|| syntax::hover(doc, offset));
    let mut sections = Vec::new();
    let mut range = None;
    if let Some((r, text)) = primary {
        range = Some(r);
        sections.push(text);
    }
    let mut shown: Vec<&str> = Vec::new();
    for d in diagnostics.iter().filter(|d| covers(d.range, offset)) {
        if shown.contains(&d.rule.name) {
            continue;
        }
        shown.push(d.rule.name);
        range.get_or_insert(d.range);
        sections.push(diagnostic_docs(d));
    }
    let range = range?;
    Some((range, sections.join("\n\n---\n\n")))
}

fn covers(range: TextRange, offset: usize) -> bool {
    range.contains(offset) || (range.is_empty() && range.start == offset)
}

/// Includes the end: the cursor right after a short token still hovers it.
fn touches(range: TextRange, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// A diagnostic, compactly: its message, one line naming the rule (name,
/// aliases, category, severity), the rule's one-line summary, the fix if
/// there is one, and a link to the rule's full page. The page itself, with
/// its sections and examples, is for a pragma's rule name, where the rule is
/// the subject.
pub fn diagnostic_docs(d: &Diagnostic) -> String {
    let rule = d.rule;
    let mut head = format!("`{}`", rule.name);
    if !rule.aliases.is_empty() {
        head.push_str(&format!(" ({})", rule.aliases.join(", ")));
    }
    head.push_str(&format!(" · {} · {}", rule.category, d.severity));
    let mut out = format!("{}\n\n{head}\n\n{}", d.message, rule.summary.trim_end_matches('.'));
    out.push_str(&format!(
        ". [{}]({})",
        if rule.path.is_empty() { "ShellCheck wiki" } else { "Rule documentation" },
        rule.url()
    ));
    if let Some(fix) = &d.fix {
        out.push_str(&format!("\n\nFix ({}): {}", fix.applicability.as_str(), fix.title));
    }
    out
}

/// A rule's documentation as Markdown, with its names and a link.
pub fn rule_docs(rule: &RuleMeta) -> String {
    let mut head = format!("**{}**", rule.name);
    if !rule.aliases.is_empty() {
        head.push_str(&format!(" ({})", rule.aliases.join(", ")));
    }
    head.push_str(&format!(" · {} · {}", rule.category, rule.severity));
    let docs = rule.docs();
    let body = if docs.trim().is_empty() { rule.summary.to_string() } else { docs.trim().to_string() };
    format!("{head}\n\n{body}\n\n[Documentation]({})", rule.url())
}

/// A rule name inside `# dockside ignore=…` / `# hadolint ignore=…`.
fn pragma_rule(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    let (name, range) =
        doc.suppressions.pragmas.iter().flat_map(|p| p.rules.iter()).find(|(_, range)| touches(*range, offset))?;
    let text = match find_rule(name) {
        Some(rule) => rule_docs(&rule.meta),
        None if dockside_rules::shellcheck::is_code(name) => {
            let code = name.to_ascii_uppercase();
            format!("**{code}**: a ShellCheck check\n\n[ShellCheck wiki](https://www.shellcheck.net/wiki/{code})")
        }
        None => format!("`{name}` is not a dockside rule, alias or ShellCheck code"),
    };
    Some((*range, text))
}

/// An instruction keyword (also ONBUILD's inner one and HEALTHCHECK's CMD).
fn keyword(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    let ins = doc.instruction_at(offset)?;
    let candidates = [Some(ins), ins.onbuild(), ins.healthcheck_cmd()];
    let hit = candidates.into_iter().flatten().find(|i| i.keyword_range.contains(offset))?;
    Some((hit.keyword_range, keywords::markdown(hit.kind)?))
}

/// `$NAME` / `${NAME…}` in an instruction's arguments or its RUN script.
fn variable(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    let top = doc.instruction_at(offset)?;
    let nested = [Some(top), top.onbuild(), top.healthcheck_cmd()];
    for ins in nested.into_iter().flatten() {
        let found = words(ins)
            .into_iter()
            .flat_map(|w| w.expansions())
            .filter(|e| e.range.contains(offset))
            .min_by_key(|e| e.range.len());
        if let Some(e) = found {
            return Some((e.range, describe_variable(doc, ins, &e.name, false)?));
        }
        if let Some((name, range)) = ins.script().and_then(|s| script_variable(s, offset)) {
            return Some((range, describe_variable(doc, ins, &name, true)?));
        }
    }
    None
}

/// Every word of an instruction that may hold an expansion.
fn words(ins: &Instruction) -> Vec<&Word> {
    let mut out: Vec<&Word> = ins.args.iter().collect();
    for flag in &ins.flags {
        out.extend(flag.value.as_ref());
        out.extend(flag.mount.iter().filter_map(|m| m.value.as_ref()));
    }
    for pair in &ins.pairs {
        out.push(&pair.key);
        out.extend(pair.value.as_ref());
    }
    out.extend(ins.image().map(|i| &i.word));
    out.extend(ins.alias());
    out.extend(ins.text());
    out
}

/// A variable expansion of the RUN script at a Dockerfile offset.
fn script_variable(script: &ShellScript, offset: usize) -> Option<(String, TextRange)> {
    let segment = script.segments.iter().find(|s| s.source <= offset && offset < s.source + s.len)?;
    let logical = segment.logical + (offset - segment.source);
    let mut node = script.tree.root_node().descendant_for_byte_range(logical, logical)?;
    // An expansion is a few levels above the word under the cursor; no
    // further (`parent()` walks down from the root, and `a && b && …`
    // nests one level per command).
    let mut steps = 0;
    while !matches!(node.kind(), "simple_expansion" | "expansion") {
        steps += 1;
        if steps > 4 {
            return None;
        }
        node = node.parent()?;
    }
    let mut cursor = node.walk();
    let name = node.named_children(&mut cursor).find(|c| c.kind() == "variable_name")?;
    let name = script.text.get(name.byte_range())?.to_string();
    Some((name, script.source_range(node.start_byte(), node.end_byte())))
}

/// The value of `name` where `ins` runs, and where it is declared. Script
/// variables that are no ARG or ENV are the shell's business: `None`.
fn describe_variable(doc: &Document, ins: &Instruction, name: &str, in_script: bool) -> Option<String> {
    let from_line = ins.kind == InstructionKind::From || ins.stage.is_none();
    let scope = if from_line { Cow::Borrowed(Scope::global(doc)) } else { Scope::at(doc, ins.index) };
    let declared_by = declaration(doc, ins, name, from_line);
    let mut text = match scope.value(name) {
        Some(value) => format!("**`{name}`** = `{}`", shorten(&value, 200)),
        None if scope.is_defined(name) && PREDEFINED_ARGS.contains(&name) && declared_by.is_none() => {
            format!("**`{name}`**: predefined by BuildKit; its value depends on the build")
        }
        None if scope.is_defined(name) => {
            format!("**`{name}`**: declared without a value known here (set it with `--build-arg`)")
        }
        None if in_script => return None,
        None if from_line => format!("**`{name}`**: not a global `ARG` (declared before the first `FROM`): empty"),
        None => format!("**`{name}`**: no `ARG` or `ENV` declares it here: empty"),
    };
    if let Some(decl) = declared_by {
        let line = doc.line_index.position(doc.text(), decl.range.start, dockside_rules::ColumnUnit::Char).line + 1;
        let first_line = doc.text()[decl.range.as_range()].lines().next().unwrap_or("").trim();
        text.push_str(&format!("\n\nDeclared on line {line}: `{}`", shorten(first_line, 120)));
    }
    Some(text)
}

/// The ARG or ENV that gives `name` its value for `ins`: earlier in the
/// stage, then ENV of the stages it builds on, then the global ARGs.
fn declaration<'a>(doc: &'a Document, ins: &Instruction, name: &str, from_line: bool) -> Option<&'a Instruction> {
    let declares = |i: &&Instruction, kinds: &[InstructionKind]| {
        kinds.contains(&i.kind) && i.pairs.iter().any(|p| p.key.value() == name)
    };
    let global = || {
        doc.instructions[..ins.index.min(doc.instructions.len())]
            .iter()
            .take_while(|i| i.kind != InstructionKind::From)
            .filter(|i| declares(i, &[InstructionKind::Arg]))
            .last()
    };
    if from_line {
        return global();
    }
    let mut stage = doc.stages.get(ins.stage?)?;
    let within = doc.instructions.get(stage.from + 1..ins.index.max(stage.from + 1))?;
    if let Some(found) = within.iter().rev().find(|i| declares(i, &[InstructionKind::Arg, InstructionKind::Env])) {
        return Some(found);
    }
    while let Base::Stage(parent) = stage.base {
        stage = doc.stages.get(parent)?;
        let body = stage.instructions(doc);
        if let Some(found) = body.iter().rev().find(|i| declares(i, &[InstructionKind::Env])) {
            return Some(found);
        }
    }
    None
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(text: &str, needle: &str, nth: usize) -> Option<String> {
        let doc = Document::parse(text);
        let offset = text.match_indices(needle).nth(nth).unwrap().0 + 1;
        hover(&doc, offset, &[]).map(|(_, t)| t)
    }

    #[test]
    fn variables_resolve_with_buildkit_scoping() {
        let text = "ARG BASE=debian\nARG TAG=12\nFROM ${BASE}:$TAG AS build\nARG TAG\nENV APP=/srv/app\n\
                    RUN echo $APP ${TAG} $HOME '$APP'\nFROM build\nWORKDIR $APP\n";
        let base = hover_at(text, "${BASE}", 0).unwrap();
        assert!(base.contains("`debian`") && base.contains("line 1"), "{base}");
        let tag_in_run = hover_at(text, "${TAG}", 0).unwrap();
        assert!(tag_in_run.contains("`12`") && tag_in_run.contains("line 4"), "{tag_in_run}");
        let app = hover_at(text, "$APP", 0).unwrap();
        assert!(app.contains("`/srv/app`") && app.contains("line 5"), "{app}");
        // A shell variable nobody declared is the shell's business.
        assert!(hover_at(text, "$HOME", 0).is_none());
        // Inherited from the parent stage.
        let inherited = hover_at(text, "$APP", 2).unwrap();
        assert!(inherited.contains("`/srv/app`"), "{inherited}");
    }

    #[test]
    fn a_diagnostic_hover_is_compact() {
        let text = "FROM debian:12\nRUN apt-get install curl\n";
        let doc = Document::parse(text);
        let diagnostics = dockside_rules::check_document(&doc, &dockside_rules::Settings::default());
        let offset = text.find("install").unwrap();
        let (_, hover) = hover(&doc, offset, &diagnostics).unwrap();
        let d = diagnostics.iter().find(|d| d.rule.name == "apt-get-missing-yes").expect("the rule fires");
        // The message, then one line naming the rule, then the summary and a link.
        let section = hover.split("\n\n---\n\n").find(|s| s.starts_with(&d.message)).expect("its section");
        let lines: Vec<&str> = section.split("\n\n").collect();
        assert_eq!(lines[0], d.message, "{section}");
        assert_eq!(lines[1], "`apt-get-missing-yes` (DL3014) · shell · warning", "{section}");
        assert!(lines[2].starts_with(d.rule.summary.trim_end_matches('.')), "{section}");
        assert!(
            lines[2].ends_with("(https://github.com/dockside/dockside/blob/main/docs/rules/apt-get-missing-yes.md)"),
            "{section}"
        );
        assert_eq!(lines[3], "Fix (safe): Add `-y`", "{section}");
        assert_eq!(lines.len(), 4, "{section}");
        // Not the rule's page: no headings, no examples.
        assert!(!hover.contains("## ") && !hover.contains("```"), "{hover}");
        // The pragma hover still gives the whole page.
        let pragma = "FROM debian:12\n# hadolint ignore=DL3014\nRUN apt-get install curl\n";
        assert!(hover_at(pragma, "DL3014", 0).unwrap().contains("## What it does"));
    }

    #[test]
    fn keywords_and_pragmas() {
        let text = "FROM alpine:3.20\n# hadolint ignore=DL3018\nRUN apk add curl\nONBUILD RUN make\n";
        assert!(hover_at(text, "FROM", 0).unwrap().contains("build stage"));
        assert!(hover_at(text, "DL3018", 0).unwrap().contains("apk-unpinned-package"));
        // ONBUILD's inner keyword.
        assert!(hover_at(text, "RUN make", 0).unwrap().contains("**RUN**"));
    }
}
