//! The layout of one instruction: its pieces (keyword, flags, words, pairs,
//! a JSON array, a shell-form script) are copied as written, and only what
//! lies between them changes: one blank, or a continuation line.

use std::borrow::Cow;

use tree_sitter::Node;

use super::out::{Gap, Out, width};
use super::shell::{self, Script};
use crate::model::{Instruction, InstructionKind, ShellScript};

/// What formatting an instruction needs from the file.
pub(super) struct Context<'a> {
    pub source: &'a str,
    /// CMD and ENTRYPOINT in shell form run under a POSIX shell (no SHELL
    /// instruction or shell pragma anywhere, `\` as the escape character).
    pub posix_commands: bool,
}

enum Item<'t, 'd> {
    /// An instruction keyword, `AS` or `NONE`, written in upper case.
    Keyword(Node<'t>),
    /// Copied as written (a flag, a word, a pair, a heredoc marker).
    Word(Node<'t>),
    /// An ENV/LABEL/ARG pair.
    Pair(Node<'t>),
    Json(Node<'t>),
    Shell(Node<'t>, Option<Cow<'d, ShellScript>>),
}

impl Item<'_, '_> {
    fn node(&self) -> Node<'_> {
        match self {
            Item::Keyword(n) | Item::Word(n) | Item::Pair(n) | Item::Json(n) | Item::Shell(n, _) => *n,
        }
    }
}

/// Format the instruction `node` (modelled by `ins`) into `out`. `None`
/// when its pieces are not what the layout expects: the caller keeps it as
/// written.
pub(super) fn format(cx: &Context<'_>, node: Node<'_>, ins: &Instruction, out: &mut Out<'_>) -> Option<()> {
    let mut items = Vec::new();
    let mut heredocs_start = None;
    collect(cx, node, ins, &mut items, &mut heredocs_start)?;
    let head_end = heredocs_start.unwrap_or_else(|| items.last().map_or(node.end_byte(), |i| i.node().end_byte()));
    let multiline = cx.source[node.start_byte()..head_end].contains('\n');

    let mut gaps = Vec::with_capacity(items.len());
    for pair in items.windows(2) {
        let (a, b) = (pair[0].node(), pair[1].node());
        // Pieces that touch are one word to the build: never split them.
        if a.end_byte() >= b.start_byte() {
            return None;
        }
        gaps.push(Gap::read(&cx.source[a.end_byte()..b.start_byte()], out.escape)?);
    }

    let pairs = items.iter().filter(|i| matches!(i, Item::Pair(_))).count();
    let one_pair_per_line = pairs >= 2
        && matches!(ins.kind, InstructionKind::Env | InstructionKind::Label | InstructionKind::Arg)
        && (multiline || flat_width(cx, &items, out) > out.options.line_width);

    let mut seen_pair = false;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            let gap = &gaps[i - 1];
            let text = &cx.source[item.node().byte_range()];
            let starts_comment = text.starts_with('#');
            let wants_break = !gap.comments.is_empty()
                || gap.line_break
                || (one_pair_per_line && matches!(item, Item::Pair(_)) && seen_pair);
            if starts_comment && !gap.comments.is_empty() {
                return None;
            }
            if wants_break && !starts_comment {
                out.line_break(1, &gap.comments);
            } else {
                out.space();
            }
        }
        match item {
            Item::Keyword(n) => out.text(&cx.source[n.byte_range()].to_ascii_uppercase()),
            Item::Word(n) => out.text(&cx.source[n.byte_range()]),
            Item::Pair(n) => {
                seen_pair = true;
                out.text(&cx.source[n.byte_range()]);
            }
            Item::Json(n) => json(cx, *n, out)?,
            Item::Shell(n, script) => {
                let mut scratch = Out { buf: String::new(), ..*out };
                let laid_out =
                    script.as_deref().and_then(|s| shell::layout(&Script::new(s, cx.source), &mut scratch, multiline));
                match laid_out {
                    Some(()) => {
                        out.buf.push_str(&scratch.buf);
                        out.col = scratch.col;
                    }
                    // Scripts bash cannot read stay exactly as written.
                    None => out.text(cx.source[n.byte_range()].trim_end()),
                }
            }
        }
    }
    if let Some(start) = heredocs_start {
        out.text(cx.source[start..node.end_byte()].trim_end_matches(['\r', '\n']));
    }
    Some(())
}

/// The pieces of an instruction in order; the inner instruction of ONBUILD
/// and HEALTHCHECK's CMD are read in line.
fn collect<'t, 'd>(
    cx: &Context<'_>,
    node: Node<'t>,
    ins: &'d Instruction,
    items: &mut Vec<Item<'t, 'd>>,
    heredocs_start: &mut Option<usize>,
) -> Option<()> {
    let mut cursor = node.walk();
    for (i, child) in node.children(&mut cursor).enumerate() {
        if heredocs_start.is_some() && child.kind() != "heredoc_block" {
            // Nothing of the instruction comes after its heredocs.
            return None;
        }
        match child.kind() {
            _ if i == 0 => items.push(Item::Keyword(child)),
            "line_continuation" | "comment" => {}
            "AS" | "NONE" => items.push(Item::Keyword(child)),
            "flag" | "image_spec" | "stage_name" | "path" | "word" | "expose_port" | "text" | "heredoc_marker" => {
                items.push(Item::Word(child))
            }
            "env_pair" | "label_pair" | "arg_pair" => items.push(Item::Pair(child)),
            "json_array" => items.push(Item::Json(child)),
            "shell_command" => items.push(Item::Shell(child, script_of(cx, ins))),
            "heredoc_block" => {
                heredocs_start.get_or_insert(child.start_byte());
            }
            "cmd_instruction" => collect(cx, child, ins.healthcheck_cmd()?, items, heredocs_start)?,
            kind if kind.ends_with("_instruction") => collect(cx, child, ins.onbuild()?, items, heredocs_start)?,
            _ => return None,
        }
    }
    Some(())
}

/// The bash script of a shell-form instruction, when its layout may change.
fn script_of<'d>(cx: &Context<'_>, ins: &'d Instruction) -> Option<Cow<'d, ShellScript>> {
    let form = ins.shell.as_ref()?;
    if !ins.heredocs.is_empty() {
        return None;
    }
    match ins.kind {
        InstructionKind::Run => {
            let script = ins.script()?;
            (script.text == form.text).then_some(Cow::Borrowed(script))
        }
        InstructionKind::Cmd | InstructionKind::Entrypoint if cx.posix_commands => {
            Some(Cow::Owned(ShellScript::parse(form.text.clone(), form.segments.clone())))
        }
        _ => None,
    }
}

/// `["a", "b"]`: one blank after each comma, a continuation after a comma
/// where the source had one between the two strings.
fn json(cx: &Context<'_>, node: Node<'_>, out: &mut Out<'_>) -> Option<()> {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> =
        node.children(&mut cursor).filter(|c| !matches!(c.kind(), "line_continuation" | "comment")).collect();
    let (Some(open), Some(close)) = (children.first(), children.last()) else { return None };
    if open.kind() != "[" || close.kind() != "]" {
        return None;
    }
    let mut prev_end = open.end_byte();
    let mut pending = Gap::default();
    let mut first = true;
    out.text("[");
    for child in &children[1..] {
        let gap = Gap::read(&cx.source[prev_end..child.start_byte()], out.escape)?;
        prev_end = child.end_byte();
        match child.kind() {
            "json_string" => {
                pending.line_break |= gap.line_break;
                pending.comments.extend(gap.comments);
                if !first {
                    if pending.line_break || !pending.comments.is_empty() {
                        out.line_break(1, &pending.comments);
                    } else {
                        out.space();
                    }
                } else if !pending.comments.is_empty() {
                    return None;
                }
                first = false;
                pending = Gap::default();
                out.text(&cx.source[child.byte_range()]);
            }
            "," => {
                pending = gap;
                out.text(",");
            }
            "]" => {
                if !gap.comments.is_empty() {
                    return None;
                }
                out.text("]");
            }
            _ => return None,
        }
    }
    Some(())
}

/// The instruction on one line: keyword, pieces and single blanks.
fn flat_width(cx: &Context<'_>, items: &[Item<'_, '_>], out: &Out<'_>) -> usize {
    let pieces: usize = items
        .iter()
        .map(|i| {
            let text = &cx.source[i.node().byte_range()];
            if text.contains('\n') { usize::MAX / 2 } else { width(text, out.options.tab_width) }
        })
        .fold(0, usize::saturating_add);
    pieces.saturating_add(items.len().saturating_sub(1))
}
