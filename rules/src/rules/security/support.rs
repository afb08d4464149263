//! Helpers shared by the security rules: variables that RUN commands set,
//! removing a flag as a fix, local package files, and the stages whose
//! layers end up in the final image.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Base, Document, Instruction, Pair, ShellArg, ShellCommand, ShellScript, Stage, for_each_node};

/// A `NAME=value` that a RUN script sets.
pub(super) struct Assignment {
    pub name: String,
    pub value: String,
    /// Where to report: the command (prefix assignment) or the argument.
    pub range: TextRange,
}

/// The prefix assignments of a command (`GIT_SSL_NO_VERIFY=1 git clone …`).
pub(super) fn assignments(cmd: &ShellCommand) -> Vec<Assignment> {
    let mut out = Vec::new();
    for env in &cmd.env {
        if let Some((name, value)) = env.split_once('=') {
            out.push(Assignment { name: name.to_string(), value: unquote(value), range: cmd.range });
        }
    }
    out
}

/// The assignments of `export`, `declare`, `readonly`… (bash parses them as
/// declarations, not commands) and bare `NAME=value` statements.
pub(super) fn declarations(script: &ShellScript) -> Vec<Assignment> {
    let mut out = Vec::new();
    if !script.has_node_kind("variable_assignment") {
        return out;
    }
    for_each_node(script.tree.root_node(), |n| {
        if n.kind() != "variable_assignment" || n.parent().is_some_and(|p| p.kind() == "command") {
            return;
        }
        let (Some(name), value) = (n.child_by_field_name("name"), n.child_by_field_name("value")) else { return };
        out.push(Assignment {
            name: script.text[name.byte_range()].to_string(),
            value: value.map_or_else(String::new, |v| unquote(&script.text[v.byte_range()])),
            range: script.source_range(n.start_byte(), n.end_byte()),
        });
    });
    out
}

/// Remove plain shell quotes around a value (`"0"` → `0`).
fn unquote(value: &str) -> String {
    value.chars().filter(|c| !matches!(c, '"' | '\'')).collect()
}

/// An unsafe fix that deletes a standalone argument and the blank before
/// it, when the argument's source text is exactly what the script saw (not
/// inside an escaped `sh -c` string).
pub(super) fn delete_arg_fix(doc: &Document, run: &Instruction, arg: &ShellArg, title: String) -> Option<Fix> {
    if run.json.is_some() {
        return None;
    }
    let text = doc.text();
    if text.get(arg.range.as_range())? != arg.text {
        return None;
    }
    let before = &text[..arg.range.start];
    let blank = before.len() - before.trim_end_matches([' ', '\t']).len();
    if blank == 0 {
        return None;
    }
    Some(Fix::unsafe_(title, vec![Edit::delete(TextRange::new(arg.range.start - blank, arg.range.end))]))
}

/// An unsafe fix that rewrites an argument, under the same conditions as
/// [`delete_arg_fix`].
pub(super) fn replace_arg_fix(
    doc: &Document,
    run: &Instruction,
    arg: &ShellArg,
    new_text: &str,
    title: String,
) -> Option<Fix> {
    if run.json.is_some() || doc.text().get(arg.range.as_range())? != arg.text {
        return None;
    }
    Some(Fix::unsafe_(title, vec![Edit::replace(arg.range, new_text)]))
}

/// The value of an `ENV`/`ARG`/`LABEL` pair as written, quotes removed
/// (the model keeps a legacy `ENV KEY value` without variables as raw text).
pub(super) fn pair_value(pair: &Pair) -> String {
    match &pair.value {
        Some(v) if pair.legacy && v.parts.is_empty() => v.raw.clone(),
        Some(v) => v.value(),
        None => String::new(),
    }
}

/// True when a package argument names a local file (`./x.rpm`,
/// `/tmp/packages/nginx.apk`) rather than a package from a repository.
pub(super) fn is_local_package(arg: &str) -> bool {
    !arg.contains("://")
        && (arg.contains('/') || [".apk", ".rpm", ".deb"].iter().any(|ext| arg.to_ascii_lowercase().ends_with(ext)))
}

/// The final stage and the stages it builds on, nearest first: the stages
/// whose layers the image ships.
pub(super) fn final_chain(doc: &Document) -> Vec<&Stage> {
    let mut chain = Vec::new();
    let mut current = doc.final_stage();
    while let Some(s) = current {
        chain.push(s);
        current = match s.base {
            Base::Stage(parent) if parent < s.index => doc.stages.get(parent),
            _ => None,
        };
    }
    chain
}

/// A redacted form of a secret for messages: its first few characters.
pub(super) fn redact(secret: &str) -> String {
    let keep = (secret.chars().count() / 4).clamp(1, 4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_to_a_short_prefix() {
        assert_eq!(redact("ghp_0123456789abcdef"), "ghp_…");
        assert_eq!(redact("abc"), "a…");
        assert_eq!(redact("hunter22"), "hu…");
    }

    #[test]
    fn local_packages() {
        assert!(is_local_package("./x.rpm"));
        assert!(is_local_package("/tmp/packages/a.apk"));
        assert!(is_local_package("foo.deb"));
        assert!(!is_local_package("nginx"));
        assert!(!is_local_package("https://example.com/x.rpm"));
    }
}
