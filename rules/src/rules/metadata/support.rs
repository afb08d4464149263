//! Helpers shared by the label rules: the labels of a `LABEL` instruction
//! with their values resolved through ARG/ENV, the format check behind the
//! schema rules, and (for tests) a rule tester that takes a config.

use crate::diagnostic::TextRange;
use crate::model::{Document, Instruction, Scope};
use crate::rule::Context;
use crate::settings::LabelType;

/// One `key=value` of a `LABEL`.
pub(crate) struct Label {
    /// The key with quotes removed; `None` when it contains a variable.
    pub key: Option<String>,
    pub key_range: TextRange,
    /// The value as the build sees it; `None` when it depends on a variable
    /// with no known value.
    pub value: Option<String>,
    /// The value's range (empty, at the end of the pair, when it has none).
    pub value_range: TextRange,
    /// The whole `key=value`.
    pub range: TextRange,
    /// The model merged this pair with the next ones (see [`swallows_pairs`]):
    /// the value is unknown and later keys of the instruction are missing.
    pub merged: bool,
}

/// The labels of one `LABEL` instruction, in order.
pub(crate) fn labels(ins: &Instruction, doc: &Document) -> Vec<Label> {
    let scope = Scope::at(doc, ins.index);
    let escape = doc.escape;
    ins.pairs
        .iter()
        // A key the grammar could not read (`LABEL ${X}=1`) is a syntax error.
        .filter(|pair| !pair.key.raw.is_empty())
        .map(|pair| {
            let key = (!pair.key.has_expansion()).then(|| unquote(&pair.key.value()));
            let (value, value_range) = match &pair.value {
                // The model leaves a legacy value (`LABEL key some text`)
                // without parts when it has no variables: use its text.
                Some(word) if pair.legacy && word.parts.is_empty() => (Some(word.raw.trim().to_string()), word.range),
                Some(word) if !pair.legacy && swallows_pairs(&word.raw, escape) => (None, word.range),
                Some(word) => {
                    let expanded = scope.expand(word);
                    let text = if pair.legacy { expanded.text.trim().to_string() } else { expanded.text };
                    (expanded.complete.then_some(text), word.range)
                }
                None => (Some(String::new()), TextRange::empty(pair.range.end)),
            };
            let merged = !pair.legacy && pair.value.as_ref().is_some_and(|w| swallows_pairs(&w.raw, escape));
            Label { key, key_range: pair.key.range, value, value_range, range: pair.range, merged }
        })
        .collect()
}

/// True when a `key=value` value holds unquoted, unescaped blanks. That
/// cannot be one value: the grammar currently joins `a=1 \` and a
/// continuation line starting at column 0 (`b=2`) into the value `1 b=2`.
pub(crate) fn swallows_pairs(raw: &str, escape: char) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (_, c) if c == escape && quote != Some('\'') => {
                chars.next();
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => return true,
            _ => {}
        }
    }
    false
}

/// Label keys may be quoted (`LABEL "com.example.vendor"=ACME`); the model
/// keeps the quotes of a key, the build does not.
fn unquote(key: &str) -> String {
    for q in ['"', '\''] {
        if key.len() >= 2 && key.starts_with(q) && key.ends_with(q) {
            return key[1..key.len() - 1].to_string();
        }
    }
    key.to_string()
}

/// The schema type of `key`, when the config declares one.
pub(crate) fn schema_type(ctx: &Context<'_>, key: &str) -> Option<LabelType> {
    ctx.settings.required_labels().get(key).copied()
}

/// Report every label of `ins` whose schema type is one of `types` and
/// whose (known, non-empty) value `is_valid` rejects. Empty values are the
/// business of `empty-required-label`.
pub(crate) fn check_label_format(
    ins: &Instruction,
    ctx: &mut Context<'_>,
    types: &[LabelType],
    is_valid: fn(&str) -> bool,
    expected: &str,
) {
    if !ctx.settings.required_labels().values().any(|t| types.contains(t)) {
        return;
    }
    for label in labels(ins, ctx.doc) {
        let (Some(key), Some(value)) = (&label.key, &label.value) else { continue };
        if !schema_type(ctx, key).is_some_and(|t| types.contains(&t)) || value.is_empty() || is_valid(value) {
            continue;
        }
        ctx.report(label.value_range, format!("label `{key}` should be {expected}, not `{value}`"));
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A variant of the shared rule tester for rules that need a config.

    use std::path::Path;

    use crate::config::{Settings, parse_toml};
    use crate::engine::Rule;
    use crate::rules::test_support::{Setup, assert_cases, lint_with};

    pub(crate) fn settings(config: &str) -> Settings {
        parse_toml(config, Path::new("dockside.toml")).unwrap_or_else(|e| panic!("bad test config: {e}"))
    }

    /// Like `test_support::assert_rule`, with `config` (a `dockside.toml`)
    /// as the settings; fix cases are `(before, after)`. The snapshot
    /// shows the config above the cases.
    pub(crate) fn assert_rule_with(
        config: &str,
        rule: &'static Rule,
        pass: &[&str],
        fail: &[&str],
        fixes: &[(&str, &str)],
    ) {
        assert_cases(rule, &settings(config), Setup::Config(config), pass, fail, fixes, Vec::new());
    }

    /// The messages `rule` reports on `source` under `config`.
    pub(crate) fn messages(config: &str, rule: &'static Rule, source: &str) -> Vec<String> {
        lint_with(rule, &settings(config), source).into_iter().map(|d| d.message).collect()
    }

    /// For config-driven rules: the docs' `## Example` holds a ```toml block
    /// (the config) and ```dockerfile blocks; under that config every
    /// dockerfile block of Example triggers the rule and none of
    /// `## Use instead` does.
    pub(crate) fn assert_docs_hold_with_their_config(rule: &'static Rule) {
        let docs = rule.meta.docs();
        let blocks = |heading: &str| -> Vec<(String, String)> {
            let mut out = Vec::new();
            let mut in_section = false;
            let mut current: Option<(String, String)> = None;
            for line in docs.lines() {
                if let Some(h) = line.strip_prefix("## ") {
                    in_section = h.trim() == heading;
                    continue;
                }
                if !in_section {
                    continue;
                }
                if let Some(lang) = line.trim_start().strip_prefix("```") {
                    match current.take() {
                        Some(block) => out.push(block),
                        None => current = Some((lang.trim().to_string(), String::new())),
                    }
                } else if let Some((_, body)) = current.as_mut() {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            out
        };
        let example = blocks("Example");
        let config = example
            .iter()
            .find(|(lang, _)| lang == "toml")
            .map(|(_, body)| body.clone())
            .unwrap_or_else(|| panic!("{}: `## Example` has no toml block", rule.meta.name));
        let settings = settings(&config);
        for (heading, should_fire) in [("Example", true), ("Use instead", false)] {
            let dockerfiles: Vec<String> =
                blocks(heading).into_iter().filter(|(l, _)| l == "dockerfile").map(|(_, b)| b).collect();
            assert!(!dockerfiles.is_empty(), "{}: `## {heading}` has no dockerfile block", rule.meta.name);
            for block in dockerfiles {
                let fired = !lint_with(rule, &settings, &block).is_empty();
                assert_eq!(fired, should_fire, "{}: `## {heading}` block under its config:\n{block}", rule.meta.name);
            }
        }
    }
}
