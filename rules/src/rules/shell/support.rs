//! Helpers shared by the shell rules: subcommands and flags of package
//! managers, and the few facts about a script that need its bash tree
//! (subshells, background jobs, pipes).

use tree_sitter::Node;

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Base, Document, Instruction, InstructionKind, ShellArg, ShellCommand, ShellScript, for_each_node};

/// The script of a RUN, unless the stage runs it with Windows' `cmd`: a
/// stage on a Windows image without a `SHELL` of its own (or of a stage
/// it builds on). The model parses such scripts as POSIX shell.
pub(super) fn script<'a>(doc: &Document, run: &'a Instruction) -> Option<&'a ShellScript> {
    let script = run.script()?;
    // `["sh", "-c", "…"]` names its shell itself.
    if run.json.is_some() {
        return Some(script);
    }
    let Some(stage) = run.stage else { return Some(script) };
    if !doc.on_windows_image(stage) {
        return Some(script);
    }
    let shell_set = doc
        .stage_chain(stage)
        .iter()
        .any(|s| s.instructions(doc).iter().any(|i| i.kind == InstructionKind::Shell && i.index < run.index));
    shell_set.then_some(script)
}

/// The subcommand of `cmd`: its first argument that is neither a flag nor
/// the value of one of `value_flags` given as a separate word
/// (`apt -o Acquire::Retries=3 install` → `install`).
pub(super) fn subcommand<'a>(cmd: &'a ShellCommand, value_flags: &[&str]) -> Option<&'a ShellArg> {
    crate::rules::package_cli::subcommand(&cmd.args, value_flags).map(|(_, a)| a)
}

/// The argument after `arg` in `cmd`, if it is not a flag.
pub(super) fn next_word<'a>(cmd: &'a ShellCommand, arg: &ShellArg) -> Option<&'a ShellArg> {
    let i = cmd.args.iter().position(|a| a.range == arg.range)?;
    cmd.args.get(i + 1).filter(|a| !a.text.starts_with('-'))
}

/// The `zypper` commands of `script` whose subcommand (past zypper's
/// global options and their values) is one of `names`, with it.
pub(super) fn zypper_commands<'a>(
    script: &'a ShellScript,
    names: &'a [&'a str],
) -> impl Iterator<Item = (&'a ShellCommand, &'a ShellArg)> + 'a {
    script.commands_named(&["zypper"]).filter_map(move |cmd| {
        let sub = subcommand(cmd, crate::rules::package_cli::ZYPPER_VALUE_OPTIONS)?;
        names.contains(&sub.text.as_str()).then_some((cmd, sub))
    })
}

/// The yum/dnf commands (run as one of `programs`) of `script` that stop
/// at the confirmation prompt, with the word that makes them prompt: the
/// subcommand when it is one of `subcommands` (`install`), or the second
/// word after one of `groups` (`group install`, `module install`); and no
/// `-y` ([`assumes_yes_rpm`]).
pub(super) fn rpm_prompts<'a>(
    script: &'a ShellScript,
    programs: &'a [&'a str],
    subcommands: &'a [&'a str],
    groups: &'a [&'a str],
) -> impl Iterator<Item = (&'a ShellCommand, &'a ShellArg)> + 'a {
    script.commands_named(programs).filter_map(move |cmd| {
        let sub = subcommand(cmd, crate::rules::package_cli::RPM_VALUE_OPTIONS)?;
        let word = if subcommands.contains(&sub.text.as_str()) {
            sub
        } else if groups.contains(&sub.text.as_str()) {
            next_word(cmd, sub).filter(|w| w.text == "install")?
        } else {
            return None;
        };
        (!assumes_yes_rpm(cmd)).then_some((cmd, word))
    })
}

/// The fix of a yum/dnf command that would prompt: `-y` after `word`.
pub(super) fn add_yes(word: &ShellArg) -> Fix {
    Fix::safe("Add `-y`", vec![Edit::insert(word.range.end, " -y")])
}

/// True when a yum/dnf command answers its prompt itself: `-y`,
/// `--assumeyes` or `--setopt=assumeyes=1`.
fn assumes_yes_rpm(cmd: &ShellCommand) -> bool {
    cmd.has_flag(Some('y'), &["assumeyes"])
        || cmd.args.iter().any(|a| {
            a.text
                .strip_prefix("--setopt=assumeyes=")
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
        })
}

/// The `command` node of `cmd` in the script's bash tree.
pub(super) fn node_of<'t>(script: &'t ShellScript, cmd: &ShellCommand) -> Option<Node<'t>> {
    script.node_of(cmd)
}

/// True when `cmd` only looks a program up (`command -v ps`): the model
/// strips the `command` prefix, the tree still has it.
pub(super) fn is_lookup(script: &ShellScript, cmd: &ShellCommand) -> bool {
    if cmd.in_command_string {
        // No node to read `-v` from: take any `command` prefix as a lookup,
        // which at worst misses a finding.
        return cmd.wrappers.last().is_some_and(|w| w.text == "command");
    }
    let Some(node) = node_of(script, cmd) else { return false };
    let Some(name) = node.child_by_field_name("name") else { return false };
    if &script.text[name.byte_range()] != "command" {
        return false;
    }
    let mut cursor = node.walk();
    let first_arg = node.children(&mut cursor).find(|c| c.start_byte() > name.start_byte() && c.is_named());
    first_arg.is_some_and(|a| matches!(&script.text[a.byte_range()], "-v" | "-V"))
}

/// True when `cmd` runs in a subshell or a command substitution of its own
/// (`(cd x && make)`, `$(cd x && pwd)`) or in a `-c` string's shell, so its
/// effects end there.
pub(super) fn in_subshell(script: &ShellScript, cmd: &ShellCommand) -> bool {
    if cmd.in_command_string {
        return true;
    }
    let mut node = node_of(script, cmd);
    while let Some(n) = node {
        if matches!(n.kind(), "subshell" | "command_substitution" | "process_substitution") {
            return true;
        }
        node = n.parent();
    }
    false
}

/// True when the script sends a job to the background (`daemon &`).
pub(super) fn has_background_job(script: &ShellScript) -> bool {
    if !script.has_node_kind("&") {
        return false;
    }
    let mut found = false;
    walk(script.tree.root_node(), &mut |n| found |= n.kind() == "&");
    found
}

/// A pipe operator (`|` or `|&`) with the commands on either side.
pub(super) struct Pipe {
    /// The operator, in Dockerfile coordinates.
    pub range: TextRange,
    /// The first command of every stage of the pipeline but the last: the
    /// ones whose failure the pipe hides.
    pub upstream: Vec<String>,
    /// Every command those stages run themselves (not in `$(…)`).
    pub upstream_all: Vec<String>,
    /// The first command of the last stage of the pipeline.
    pub last: Option<String>,
    /// Where the pipeline starts in the script (logical offset).
    pub start: usize,
}

/// The first pipe of every pipeline in the script, in order.
pub(super) fn pipes(script: &ShellScript) -> Vec<Pipe> {
    // The base names of the commands below `node`, outside substitutions.
    let names = |node: Node<'_>| {
        let mut out = Vec::new();
        collect_names(script, node, &mut out);
        out
    };
    let mut out = Vec::new();
    if !script.has_node_kind("pipeline") {
        return out;
    }
    walk(script.tree.root_node(), &mut |n| {
        if n.kind() != "pipeline" {
            return;
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        let Some(op) = children.iter().copied().find(|c| matches!(c.kind(), "|" | "|&")) else { return };
        let stages: Vec<Node<'_>> = children.into_iter().filter(|c| c.is_named() && c.kind() != "comment").collect();
        let Some((last, rest)) = stages.split_last() else { return };
        let rest_names: Vec<Vec<String>> = rest.iter().map(|s| names(*s)).collect();
        out.push(Pipe {
            range: script.source_range(op.start_byte(), op.end_byte()),
            upstream: rest_names.iter().map(|v| v.first().cloned().unwrap_or_default()).collect(),
            upstream_all: rest_names.into_iter().flatten().collect(),
            last: names(*last).into_iter().next(),
            start: n.start_byte(),
        });
    });
    out
}

fn collect_names(script: &ShellScript, node: Node<'_>, out: &mut Vec<String>) {
    // Substitutions run their own commands: skip their subtrees.
    let mut skip_until = 0;
    for_each_node(node, |n| {
        if n.start_byte() < skip_until {
            return;
        }
        if matches!(n.kind(), "command_substitution" | "process_substitution") {
            skip_until = n.end_byte();
            return;
        }
        if n.kind() == "command" {
            let range = script.source_range(n.start_byte(), n.end_byte());
            if let Some(cmd) = script.commands.iter().find(|c| c.range == range) {
                out.push(cmd.base_name().to_string());
            }
        }
    });
}

/// The logical offset of `cmd` in its script (also for the commands of a
/// `-c` string, which have no node).
pub(super) fn logical_start(cmd: &ShellCommand) -> usize {
    cmd.logical.start
}

/// Visit `node` and everything below it, parents first.
fn walk<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    for_each_node(node, f);
}

/// True when the RUN is a heredoc script with its own interpreter line
/// (`RUN <<EOF` + `#!/bin/bash`): it runs as a file, not through SHELL.
pub(super) fn is_shebang_heredoc(run: &Instruction) -> bool {
    let Some(shell) = &run.shell else { return false };
    let t = shell.text.trim();
    run.heredocs.len() == 1
        && t.starts_with("<<")
        && !t.contains(char::is_whitespace)
        && run.heredocs[0].body.starts_with("#!")
}

/// Where to insert a new instruction so that it runs right before `ins`:
/// above the comment lines directly on top of it (so a `# hadolint ignore`
/// or `# dockside:` pragma keeps applying to `ins`). Returns the offset and
/// the indentation to put after the inserted line.
pub(super) fn insertion_point_before(doc: &Document, ins: &Instruction) -> (usize, String) {
    let text = doc.text();
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut at = ins.range.start;
    loop {
        let start = line_start(at);
        if !text[start..at].trim().is_empty() {
            break;
        }
        let above = doc.comments.iter().rev().find(|c| c.range.start < start);
        match above {
            Some(c)
                if text[c.range.end.min(start)..start].matches('\n').count() <= 1
                    && text[c.range.end.min(start)..start].trim().is_empty() =>
            {
                at = c.range.start;
            }
            _ => break,
        }
    }
    let start = line_start(at);
    let indent = &text[start..at];
    if indent.trim().is_empty() { (at, indent.to_string()) } else { (ins.range.start, String::new()) }
}

/// What the image a stage finally builds on looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BaseFamily {
    /// Alpine or BusyBox: `/bin/sh` is BusyBox ash and so is `wget`.
    BusyBox,
    /// Some other known image.
    Other,
    /// A variable without a known value, or no image at all.
    Unknown,
}

pub(super) fn base_family(doc: &Document, stage: usize) -> BaseFamily {
    match doc.stage_root(stage).map(|s| &s.base) {
        Some(Base::Image { reference, resolved: true, .. }) => {
            let name = reference.short_name().to_ascii_lowercase();
            let tag = reference.tag.as_deref().unwrap_or("").to_ascii_lowercase();
            if name == "alpine" || name == "busybox" || tag.contains("alpine") || tag.contains("busybox") {
                BaseFamily::BusyBox
            } else {
                BaseFamily::Other
            }
        }
        Some(Base::Scratch) => BaseFamily::Other,
        _ => BaseFamily::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn script(text: &str) -> ShellScript {
        let doc = Document::parse(text);
        doc.instructions.iter().find_map(|i| i.script().cloned()).expect("a RUN script")
    }

    #[test]
    fn subcommand_skips_flag_values() {
        let s = script("FROM x\nRUN apt -o Dpkg::Options::=--force-confnew -y install curl\n");
        assert_eq!(subcommand(&s.commands[0], &["-o"]).map(|a| a.text.as_str()), Some("install"));
        assert_eq!(subcommand(&s.commands[0], &[]).map(|a| a.text.as_str()), Some("Dpkg::Options::=--force-confnew"));
    }

    #[test]
    fn finds_subshells_lookups_and_background_jobs() {
        let s = script("FROM x\nRUN (cd /a && make) && cd /b && command -v ps && x=$(cd c; pwd)\n");
        let cds: Vec<bool> = s.commands_named(&["cd"]).map(|c| in_subshell(&s, c)).collect();
        assert_eq!(cds, [true, false, true]);
        let ps = s.commands_named(&["ps"]).next().unwrap();
        assert!(is_lookup(&s, ps));
        assert!(!has_background_job(&s));
        assert!(has_background_job(&script("FROM x\nRUN daemon & sleep 1 && kill $!\n")));
    }

    #[test]
    fn finds_pipes() {
        let s = script("FROM x\nRUN curl -sL u | tar -xz && echo a | b | c\n");
        let p = pipes(&s);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].upstream, ["curl"]);
        assert_eq!(p[0].last.as_deref(), Some("tar"));
        assert_eq!(p[1].upstream, ["echo", "b"]);
        let p = pipes(&script("FROM x\nRUN { echo a; curl u; } | sh && echo \"$(curl u)\" | sh\n"));
        assert_eq!(p[0].upstream_all, ["echo", "curl"]);
        assert_eq!(p[1].upstream_all, ["echo"]);
    }
}
