//! Syntax tree → `Document`: reading the instructions, directives and
//! comments, resolving stages, choosing each instruction's shell and parsing
//! RUN scripts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tree_sitter::Node;

use crate::diagnostic::TextRange;
use crate::syntax::{LineIndex, SyntaxError, SyntaxTree};

use super::validate::drop_too_deep_script;
use super::{
    Base, Body, BuildCache, Comment, Dialect, Directive, Document, Flag, Heredoc, ImageRef, ImageSpec, Instruction,
    InstructionKind, JsonForm, MAX_NESTING, MountOption, PARALLEL_SCRIPTS, Pair, Part, PragmaScope, Scope, ScriptCache,
    Segment, ShellForm, ShellScript, Stage, Suppressions, WindowsScript, Word, image, suppress, word,
};

impl Document {
    pub fn parse(text: &str) -> Document {
        Document::build(SyntaxTree::parse(text))
    }

    /// Build the model from a (possibly incrementally re-parsed) tree.
    pub fn build(syntax: SyntaxTree) -> Document {
        Document::build_reusing(syntax, &mut BuildCache::default())
    }

    /// Build the model, reusing the instructions and RUN scripts `cache`
    /// kept from the previous build (those whose text did not change).
    pub fn build_reusing(syntax: SyntaxTree, cache: &mut BuildCache) -> Document {
        let line_index = LineIndex::new(syntax.text());
        let build_stamp = cache.start_build(syntax.text());
        let mut doc = Document {
            line_index,
            directives: Vec::new(),
            escape: '\\',
            instructions: Vec::new(),
            stages: Vec::new(),
            comments: Vec::new(),
            suppressions: Suppressions::default(),
            syntax_errors: syntax.syntax_errors(),
            syntax,
            shells: Vec::new(),
            shell_of: Vec::new(),
            scopes: std::sync::OnceLock::new(),
            build_stamp,
            facts: Mutex::default(),
        };
        doc.read_top_level(cache);
        doc.build_stages();
        doc.parse_scripts(&mut cache.scripts);
        cache.finish_build(doc.build_stamp);
        doc.check_arguments();
        doc
    }

    pub(super) fn read_top_level(&mut self, cache: &mut BuildCache) {
        let text = self.syntax.text().to_string();
        // Trees are reference-counted: the clone is cheap and frees `self`.
        let tree = self.syntax.tree().clone();
        let root = tree.root_node();
        let mut cursor = root.walk();
        let mut pending_comments: Vec<Comment> = Vec::new();
        let mut last_line_end: Option<usize> = None;
        // Instructions are large: a Vec grown by doubling would hold up to
        // twice their size. The last build's count (a keystroke rarely adds
        // many), or the count of nodes.
        let expected = cache.last_instruction_count().unwrap_or_else(|| root.named_child_count());
        let mut instructions = Vec::with_capacity(expected + expected / 16);
        let mut pragmas = Vec::new();
        for node in root.children(&mut cursor) {
            match node.kind() {
                "parser_directive" => self.read_directive(node, &text),
                "comment" => {
                    let comment = Comment {
                        range: TextRange::new(node.start_byte(), node.end_byte()),
                        text: text[node.byte_range()].trim_end().to_string(),
                    };
                    // A blank line between comment and instruction breaks the link.
                    if let Some(end) = last_line_end
                        && text[end..node.start_byte()].matches('\n').count() > 1
                    {
                        pending_comments.clear();
                    }
                    last_line_end = Some(node.end_byte());
                    pending_comments.push(comment.clone());
                    self.comments.push(comment);
                }
                kind if kind.ends_with("_instruction") => {
                    let adjacent = match (pending_comments.last(), last_line_end) {
                        (Some(_), Some(end)) => text[end..node.start_byte()].matches('\n').count() <= 1,
                        _ => false,
                    };
                    let index = instructions.len();
                    let mut ins =
                        cache.instruction(node, &text, self.escape, || self.read_instruction(node, &text, index, 0));
                    self.syntax_errors.extend(word::too_deep_expansions(node).into_iter().map(|range| SyntaxError {
                        range,
                        message: format!("expansion nested deeper than {MAX_NESTING} levels; not analysed"),
                    }));
                    ins.set_index(index);
                    for c in pending_comments.drain(..) {
                        if let Some(mut p) = suppress::parse_pragma(&c.text, c.range.start) {
                            // Detached by a blank line: it covers nothing
                            // (kept, without an instruction, so that
                            // `unused-suppression` can say so).
                            if p.scope != PragmaScope::Global && adjacent {
                                p.instruction = Some(ins.range);
                            }
                            pragmas.push(p);
                        }
                    }
                    last_line_end = Some(node.end_byte());
                    instructions.push(ins);
                }
                _ => {
                    if node.is_error() {
                        last_line_end = Some(node.end_byte());
                    }
                }
            }
        }
        // Global pragmas may sit anywhere, also after the last instruction.
        for c in pending_comments {
            if let Some(p) = suppress::parse_pragma(&c.text, c.range.start)
                && p.scope == PragmaScope::Global
            {
                pragmas.push(p);
            }
        }
        cache.instructions_read();
        self.instructions = instructions;
        self.suppressions.pragmas = pragmas;
    }

    fn read_directive(&mut self, node: Node<'_>, text: &str) {
        let name =
            node.child_by_field_name("name").map(|n| text[n.byte_range()].to_ascii_lowercase()).unwrap_or_default();
        let (value, value_range) = match node.child_by_field_name("value") {
            Some(v) => {
                let raw = &text[v.byte_range()];
                let trimmed = raw.trim();
                let start = v.start_byte() + (raw.len() - raw.trim_start().len());
                (trimmed.to_string(), TextRange::new(start, start + trimmed.len()))
            }
            None => (String::new(), TextRange::empty(node.end_byte())),
        };
        let range = TextRange::new(node.start_byte(), value_range.end.max(node.start_byte()));
        match name.as_str() {
            "escape" if value == "`" => {
                self.escape = '`';
            }
            "check" => {
                for part in value.split(';') {
                    let (k, v) = part.split_once('=').unwrap_or((part, ""));
                    match k.trim().to_ascii_lowercase().as_str() {
                        "skip" => self
                            .suppressions
                            .check_skip
                            .extend(v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty())),
                        "error" => self.suppressions.checks_are_errors = v.trim().eq_ignore_ascii_case("true"),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.directives.push(Directive { range, name, value, value_range });
    }

    /// `depth`: 0 for a top-level instruction, 1 for ONBUILD's instruction
    /// or HEALTHCHECK's CMD, 2 for a HEALTHCHECK's CMD under ONBUILD.
    fn read_instruction(&self, node: Node<'_>, text: &str, index: usize, depth: usize) -> Instruction {
        let escape = self.escape;
        let kind = InstructionKind::from_node_kind(node.kind()).unwrap_or(InstructionKind::Unknown);
        let first = node.child(0);
        let keyword_range =
            first.map_or(TextRange::empty(node.start_byte()), |k| TextRange::new(k.start_byte(), k.end_byte()));
        let mut ins = Instruction {
            kind,
            index,
            range: TextRange::new(node.start_byte(), trim_end_of(text, node.start_byte(), node.end_byte())),
            keyword_range,
            keyword: text[keyword_range.as_range()].to_string(),
            flags: Vec::new(),
            args: Vec::new(),
            pairs: Vec::new(),
            json: None,
            shell: None,
            heredocs: Vec::new(),
            empty_continuation_lines: Vec::new(),
            stage: None,
            body: Body::for_kind(kind),
        };
        let mut markers: Vec<Node<'_>> = Vec::new();
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            if i == 0 {
                continue;
            }
            match child.kind() {
                "flag" => ins.flags.push(read_flag(child, text, escape)),
                "path" | "word" | "expose_port" => ins.args.push(word::word_from_node(child, text, escape)),
                "heredoc_marker" => markers.push(child),
                "json_array" => {
                    let json = read_json(child, text);
                    ins.args = json
                        .items
                        .iter()
                        .map(|(s, r)| Word {
                            range: *r,
                            raw: text[r.as_range()].to_string(),
                            parts: vec![Part::Literal(s.clone())],
                        })
                        .collect();
                    ins.json = Some(json);
                }
                "shell_command" => {
                    let mut c = child.walk();
                    markers.extend(child.children(&mut c).filter(|n| n.kind() == "heredoc_marker"));
                    ins.shell = Some(read_shell_form(child, text));
                }
                "heredoc_block" => {
                    let marker = markers.get(ins.heredocs.len()).copied();
                    ins.heredocs.push(read_heredoc(marker, child, text));
                }
                "env_pair" | "label_pair" | "arg_pair" => ins.pairs.push(read_pair(child, text, escape)),
                "instruction_name" => {}
                // The grammar gives these only to their own kind, whose body
                // has the field.
                node_kind => match (&mut ins.body, node_kind) {
                    (Body::From(from), "image_spec") => from.image = Some(read_image_spec(child, text, escape)),
                    (Body::From(from), "stage_name") => from.alias = Some(word::word_from_node(child, text, escape)),
                    (Body::From(from), "AS") => from.as_keyword_range = Some(range_of(child)),
                    (Body::Text(body), "text") => *body = Some(Box::new(word::word_from_node(child, text, escape))),
                    (Body::Healthcheck(healthcheck), "NONE") => healthcheck.none = true,
                    (Body::Healthcheck(healthcheck), "cmd_instruction") => {
                        healthcheck.cmd = Some(Box::new(self.read_instruction(child, text, index, depth + 1)))
                    }
                    // `ONBUILD ONBUILD …` is an error of its own (DL3043); below
                    // two levels nothing is read, however deep it goes.
                    (Body::Onbuild(inner), k) if k.ends_with("_instruction") && depth < 2 => {
                        *inner = Some(Box::new(self.read_instruction(child, text, index, depth + 1)))
                    }
                    _ => {}
                },
            }
        }
        // Heredoc markers without a body block (unterminated at EOF are
        // reported by the tree); COPY/ADD markers count as sources.
        if ins.heredocs.is_empty() {
            for m in &markers {
                let (delimiter, strip_tabs, quoted) = parse_marker(&text[m.byte_range()]);
                ins.heredocs.push(Heredoc {
                    marker_range: TextRange::new(m.start_byte(), m.end_byte()),
                    delimiter,
                    strip_tabs,
                    quoted,
                    body: String::new(),
                    body_range: TextRange::empty(m.end_byte()),
                    end_range: None,
                });
            }
        }
        if kind == InstructionKind::Unknown {
            ins.keyword = text[keyword_range.as_range()].to_string();
        }
        // Only an instruction with a blank line can have an empty continuation line.
        if has_blank_line(&text[node.byte_range()]) {
            word::for_each_trivia(node, text, &mut |t| {
                ins.empty_continuation_lines.extend(blank_lines_after_first(t, text))
            });
        }
        ins
    }

    pub(super) fn build_stages(&mut self) {
        let mut stages: Vec<Stage> = Vec::new();
        for i in 0..self.instructions.len() {
            if self.instructions[i].kind == InstructionKind::From {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let ins = &self.instructions[i];
                let name = ins.alias().map(|a| a.value().to_ascii_lowercase());
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    name_range: ins.alias().map(|a| a.range),
                    from: i,
                    end: self.instructions.len(),
                    base: Base::Missing,
                    platform: ins.flag("platform").and_then(|f| f.value.clone()),
                });
            }
            self.instructions[i].stage = stages.len().checked_sub(1);
            let stage = self.instructions[i].stage;
            if let Some(inner) = self.instructions[i].onbuild_mut() {
                inner.stage = stage;
            }
        }
        // Resolve bases now that all names are known (a stage can only build
        // on an earlier one).
        let globals = Scope::compute_global(self);
        // The first stage of each name so far.
        let mut earlier: HashMap<String, usize> = HashMap::new();
        for (s, stage) in stages.iter_mut().enumerate() {
            let ins = &self.instructions[stage.from];
            let base = match ins.image() {
                None => Base::Missing,
                Some(spec) => {
                    let expanded = spec.word.expand(&|name| globals.value(name));
                    let lower = expanded.text.to_ascii_lowercase();
                    match earlier.get(&lower) {
                        Some(&parent) => Base::Stage(parent),
                        None if lower == "scratch" => Base::Scratch,
                        None => Base::Image {
                            reference: ImageRef::parse(&expanded.text),
                            // An invalid reference fails the build
                            // (`syntax-error`, `invalid-default-arg-in-from`):
                            // nothing more can be said about its image.
                            resolved: expanded.complete && image::is_valid_reference(&expanded.text),
                            text: expanded.text,
                        },
                    }
                }
            };
            stage.base = base;
            if let Some(name) = &stage.name {
                earlier.entry(name.clone()).or_insert(s);
            }
        }
        self.stages = stages;
    }

    /// Parse every RUN script with bash, unless a non-POSIX shell is in
    /// effect: set by SHELL, or by a shell pragma (`# hadolint shell=pwsh`)
    /// for the rest of its stage. As in hadolint, a shell pragma above every
    /// instruction sets the shell of each stage, and a stage built FROM
    /// another stage starts with that stage's shell.
    pub(super) fn parse_scripts(&mut self, cache: &mut ScriptCache) {
        let shell_pragmas: Vec<(usize, Vec<String>)> = self
            .comments
            .iter()
            .filter_map(|c| suppress::parse_shell_pragma(&c.text).map(|name| (c.range.start, pragma_shell(name))))
            .collect();
        let mut pragmas = shell_pragmas.iter().peekable();
        let posix_default = || vec!["/bin/sh".to_string(), "-c".to_string()];
        let mut default_shell = None;
        while let Some((_, shell)) =
            pragmas.next_if(|(at, _)| self.instructions.first().is_none_or(|first| *at < first.range.start))
        {
            default_shell = Some(shell.clone());
        }
        let stage_default = default_shell.clone().unwrap_or_else(posix_default);
        let mut shell_by_stage: Vec<Vec<String>> = vec![stage_default.clone(); self.stages.len()];
        let mut shell = stage_default;
        let mut current_stage = None;
        for i in 0..self.instructions.len() {
            let stage = self.instructions[i].stage;
            // Shell pragmas between the previous instruction and this one.
            while let Some((_, pragma)) = pragmas.next_if(|(at, _)| *at < self.instructions[i].range.start) {
                shell = pragma.clone();
                if let Some(s) = current_stage {
                    shell_by_stage[s] = shell.clone();
                }
            }
            if stage != current_stage {
                current_stage = stage;
                // A stage built FROM another stage inherits its shell; Windows
                // images run RUN through cmd (unless a pragma said otherwise).
                shell = match (stage.map(|s| &self.stages[s].base), &default_shell) {
                    (Some(Base::Stage(parent)), _) => shell_by_stage[*parent].clone(),
                    (_, Some(default)) => default.clone(),
                    (Some(Base::Image { .. }), None)
                        if stage.is_some_and(|s| self.stages[s].has_windows_image(self)) =>
                    {
                        vec!["cmd".to_string(), "/S".to_string(), "/C".to_string()]
                    }
                    _ => posix_default(),
                };
            }
            if let (InstructionKind::Shell, Some(json)) = (self.instructions[i].kind, &self.instructions[i].json) {
                shell = json.items.iter().map(|(s, _)| s.clone()).collect();
            }
            if let Some(s) = stage {
                shell_by_stage[s] = shell.clone();
            }
            if self.shells.last() != Some(&shell) {
                self.shells.push(shell.clone());
            }
            self.shell_of.push(u32::try_from(self.shells.len() - 1).unwrap_or(u32::MAX));
            if let Some(dialect) = shell
                .first()
                .filter(|program| !is_posix_shell(program))
                .and_then(|program| Dialect::of_program(program))
            {
                let ins = &mut self.instructions[i];
                set_windows_script(ins, dialect, &shell);
                if let Some(inner) = ins.onbuild_mut() {
                    set_windows_script(inner, dialect, &shell);
                }
            }
        }
        self.parse_posix_scripts(cache);
    }

    /// Parse the scripts of the RUNs (and ONBUILD RUNs) run by a POSIX
    /// shell. A document built once parses them on all cores: each script is
    /// parsed on its own, and a 10 MB file holds 200,000 of them.
    fn parse_posix_scripts(&mut self, cache: &mut ScriptCache) {
        // One copy of each shell, shared by the scripts it runs.
        let shells: Vec<Arc<[String]>> = self.shells.iter().map(|s| Arc::from(s.as_slice())).collect();
        let posix: Vec<bool> = shells.iter().map(|s| s.first().is_some_and(|p| is_posix_shell(p))).collect();
        let posix_shell = |shell_of: &u32| Some(&shells[*shell_of as usize]).filter(|_| posix[*shell_of as usize]);
        let build = |ins: &mut Instruction,
                     shell: &Arc<[String]>,
                     parse: &mut dyn FnMut(String, Vec<Segment>) -> ShellScript| {
            set_script(ins, shell, parse);
            if let Some(inner) = ins.onbuild_mut() {
                set_script(inner, shell, parse);
            }
        };
        let runs =
            self.instructions.iter().filter(|ins| ins.kind == InstructionKind::Run || ins.onbuild().is_some()).count();
        if cache.keeps_scripts() || runs < PARALLEL_SCRIPTS {
            for (ins, shell_of) in self.instructions.iter_mut().zip(&self.shell_of) {
                if let Some(shell) = posix_shell(shell_of) {
                    build(ins, shell, &mut |text, segments| cache.parse(text, segments));
                }
            }
        } else {
            use rayon::prelude::*;
            self.instructions.par_iter_mut().zip(self.shell_of.par_iter()).for_each(|(ins, shell_of)| {
                if let Some(shell) = posix_shell(shell_of) {
                    build(ins, shell, &mut ShellScript::parse);
                }
            });
        }
        for ins in &mut self.instructions {
            drop_too_deep_script(ins, &mut self.syntax_errors);
            if let Some(inner) = ins.onbuild_mut() {
                drop_too_deep_script(inner, &mut self.syntax_errors);
            }
        }
    }
}

/// The SHELL a shell pragma stands for: a POSIX shell runs with `-c`.
fn pragma_shell(name: String) -> Vec<String> {
    if is_posix_shell(&name) { vec![name, "-c".to_string()] } else { vec![name] }
}

fn is_posix_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program).to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox")
}

/// True when a whole line of `s` after its first (one that ends in a line
/// break) is empty or blank.
fn has_blank_line(s: &str) -> bool {
    let mut lines: Vec<&str> = s.split('\n').skip(1).collect();
    lines.pop();
    lines.iter().any(|line| line.trim_matches([' ', '\t', '\r']).is_empty())
}

/// The blank lines a continuation (or a comment inside one) absorbed: every
/// complete line after the token's first line that holds only blanks.
fn blank_lines_after_first(node: Node<'_>, text: &str) -> Vec<TextRange> {
    let token = &text[node.byte_range()];
    let mut out = Vec::new();
    let Some(first_newline) = token.find('\n') else { return out };
    let mut start = first_newline + 1;
    while let Some(len) = token[start..].find('\n') {
        let line = &token[start..start + len];
        if line.trim_matches([' ', '\t', '\r']).is_empty() {
            out.push(TextRange::new(node.start_byte() + start, node.start_byte() + start + len + 1));
        }
        start += len + 1;
    }
    out
}

/// The end of a node without trailing blanks or line breaks.
fn trim_end_of(text: &str, start: usize, mut end: usize) -> usize {
    while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    end
}

fn range_of(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn read_flag(node: Node<'_>, text: &str, escape: char) -> Flag {
    let name_node = node.child_by_field_name("name");
    let value_node = node.child_by_field_name("value");
    let mut mount = Vec::new();
    let value = match value_node {
        Some(v) if v.kind() == "mount_options" => {
            let mut c = v.walk();
            for opt in v.children(&mut c).filter(|n| n.kind() == "mount_option") {
                let key = opt.child_by_field_name("key");
                mount.push(MountOption {
                    key: key.map(|k| text[k.byte_range()].to_string()).unwrap_or_default(),
                    key_range: key.map_or(range_of(opt), range_of),
                    value: opt.child_by_field_name("value").map(|n| word::word_from_node(n, text, escape)),
                });
            }
            Some(word::word_from_node(v, text, escape))
        }
        Some(v) => Some(word::word_from_node(v, text, escape)),
        None => None,
    };
    Flag {
        range: range_of(node),
        name: name_node.map(|n| text[n.byte_range()].to_string()).unwrap_or_default(),
        name_range: name_node.map_or(range_of(node), range_of),
        value,
        mount,
    }
}

fn read_json(node: Node<'_>, text: &str) -> JsonForm {
    let mut items = Vec::new();
    let mut c = node.walk();
    for s in node.children(&mut c).filter(|n| n.kind() == "json_string") {
        // Without the continuations a string may span.
        let raw = word::logical_text(s, text);
        let inner = raw.strip_prefix('"').unwrap_or(&raw);
        let inner = inner.strip_suffix('"').unwrap_or(inner);
        items.push((word::decode_json_string(inner), range_of(s)));
    }
    JsonForm { range: range_of(node), items }
}

fn read_shell_form(node: Node<'_>, text: &str) -> ShellForm {
    let range = range_of(node);
    let mut segments = Vec::new();
    let mut out = String::new();
    let mut pos = range.start;
    let push = |from: usize, to: usize, out: &mut String, segments: &mut Vec<Segment>| {
        if to > from {
            segments.push(Segment { logical: out.len(), source: from, len: to - from });
            out.push_str(&text[from..to]);
        }
    };
    word::for_each_trivia(node, text, &mut |t| {
        push(pos, t.start_byte().max(pos), &mut out, &mut segments);
        pos = pos.max(t.end_byte());
    });
    push(pos, range.end, &mut out, &mut segments);
    // Trailing blanks before the end of the line are not part of the command.
    let trimmed = out.trim_end().len();
    if trimmed < out.len() {
        out.truncate(trimmed);
        while let Some(last) = segments.last_mut() {
            if last.logical >= trimmed {
                segments.pop();
            } else {
                last.len = last.len.min(trimmed - last.logical);
                break;
            }
        }
    }
    ShellForm { range, text: out, segments }
}

fn parse_marker(marker: &str) -> (String, bool, bool) {
    let rest = marker.trim_start_matches('<');
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let quoted = rest.starts_with('"') || rest.starts_with('\'');
    (rest.trim_matches(['"', '\'']).to_string(), strip_tabs, quoted)
}

fn read_heredoc(marker: Option<Node<'_>>, block: Node<'_>, text: &str) -> Heredoc {
    let (delimiter, strip_tabs, quoted) =
        marker.map_or((String::new(), false, false), |m| parse_marker(&text[m.byte_range()]));
    let mut c = block.walk();
    let children: Vec<Node<'_>> = block.children(&mut c).collect();
    let body_node = children.iter().find(|n| n.kind() == "heredoc_body");
    let end_node = children.iter().find(|n| n.kind() == "heredoc_end" && !n.is_missing());
    let body_range = match body_node {
        Some(b) => {
            // The body token starts at the newline ending the marker line.
            let raw = &text[b.byte_range()];
            let skip = if raw.starts_with("\r\n") { 2 } else { usize::from(raw.starts_with('\n')) };
            TextRange::new(b.start_byte() + skip, b.end_byte())
        }
        None => TextRange::empty(block.start_byte()),
    };
    let body = text[body_range.as_range()].to_string();
    Heredoc {
        marker_range: marker.map_or(TextRange::empty(block.start_byte()), range_of),
        delimiter,
        strip_tabs,
        quoted,
        body,
        body_range,
        end_range: end_node.map(|n| range_of(*n)),
    }
}

fn read_pair(node: Node<'_>, text: &str, escape: char) -> Pair {
    let key_node = node.child_by_field_name("name").or_else(|| node.child_by_field_name("key"));
    let value_node = node.child_by_field_name("value").or_else(|| node.child_by_field_name("default"));
    let legacy = value_node.is_some_and(|v| v.kind() == "legacy_value")
        || (node.kind() == "env_pair" && !text[node.byte_range()].contains('='));
    let value = match value_node {
        // A legacy value is the rest of the line, spaces included.
        Some(v) => Some(word::word_from_node(v, text, escape)),
        // `ARG NAME=` and `ENV NAME=`: an empty value, not a missing one.
        None if key_node.is_some_and(|k| text[k.end_byte()..node.end_byte()].starts_with('=')) => {
            Some(Word { range: TextRange::empty(node.end_byte()), raw: String::new(), parts: Vec::new() })
        }
        None => None,
    };
    let key = key_node.map_or_else(
        || Word { range: range_of(node), raw: String::new(), parts: Vec::new() },
        |k| word::word_from_node(k, text, escape),
    );
    Pair { range: range_of(node), key, value, legacy }
}

fn read_image_spec(node: Node<'_>, text: &str, escape: char) -> ImageSpec {
    ImageSpec {
        word: word::word_from_node(node, text, escape),
        registry_range: node.child_by_field_name("registry").map(range_of),
        name_range: node.child_by_field_name("name").map_or(range_of(node), range_of),
        tag_range: node.child_by_field_name("tag").map(range_of),
        digest_range: node.child_by_field_name("digest").map(range_of),
    }
}

/// Attach a RUN's commands under PowerShell or cmd.
fn set_windows_script(ins: &mut Instruction, dialect: Dialect, shell: &[String]) {
    let windows_script = build_windows_script(ins, dialect, shell).map(Box::new);
    if let Some(run) = ins.run_parts_mut() {
        run.windows_script = windows_script;
    }
}

/// Attach a RUN's script under the POSIX shell `shell`.
fn set_script(
    ins: &mut Instruction,
    shell: &Arc<[String]>,
    parse: &mut dyn FnMut(String, Vec<Segment>) -> ShellScript,
) {
    let script = build_script(ins, parse).map(|script| Box::new(script.with_shell(Arc::clone(shell))));
    if let Some(run) = ins.run_parts_mut() {
        run.script = script;
    }
}

/// The commands of a shell-form RUN (or RUN inside ONBUILD) without
/// heredocs, under PowerShell or cmd.
fn build_windows_script(ins: &Instruction, dialect: Dialect, shell: &[String]) -> Option<WindowsScript> {
    if ins.kind != InstructionKind::Run || !ins.heredocs.is_empty() {
        return None;
    }
    let form = ins.shell.as_ref()?;
    Some(WindowsScript::parse(dialect, shell.to_vec(), form.text.clone(), form.segments.clone()))
}

/// The script bash should see for a RUN (or RUN inside ONBUILD).
fn build_script(ins: &Instruction, parse: &mut dyn FnMut(String, Vec<Segment>) -> ShellScript) -> Option<ShellScript> {
    if ins.kind != InstructionKind::Run {
        return None;
    }
    if let Some(json) = &ins.json {
        // `["sh", "-c", "…"]`: the third string is a script; map it to the
        // JSON string's content (exact when it has no escape sequences).
        let items = &json.items;
        if items.len() >= 3 && is_posix_shell(&items[0].0) && items[1].0 == "-c" {
            let (script, range) = &items[2];
            let seg =
                Segment { logical: 0, source: range.start + 1, len: script.len().min(range.len().saturating_sub(2)) };
            return Some(parse(script.clone(), vec![seg]));
        }
        return None;
    }
    let shell = ins.shell.as_ref();
    let only_heredoc = shell.is_some_and(|s| {
        let t = s.text.trim();
        ins.heredocs.len() == 1 && t.starts_with("<<") && !t.contains(char::is_whitespace)
    });
    if only_heredoc {
        let h = &ins.heredocs[0];
        if h.body.starts_with("#!")
            && !h
                .body
                .lines()
                .next()
                .is_some_and(|l| l.split_whitespace().any(|w| is_posix_shell(w.trim_start_matches("#!"))))
        {
            return None;
        }
        let seg = Segment { logical: 0, source: h.body_range.start, len: h.body_range.len() };
        return Some(parse(h.body.clone(), vec![seg]));
    }
    let shell = shell?;
    let mut text = shell.text.clone();
    let mut segments = shell.segments.clone();
    for h in &ins.heredocs {
        text.push('\n');
        if !h.body_range.is_empty() {
            segments.push(Segment { logical: text.len(), source: h.body_range.start, len: h.body_range.len() });
        }
        text.push_str(&h.body);
        if !h.body.ends_with('\n') && !h.body.is_empty() {
            text.push('\n');
        }
        text.push_str(&h.delimiter);
    }
    Some(parse(text, segments))
}
