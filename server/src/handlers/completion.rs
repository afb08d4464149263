//! `textDocument/completion`: instruction keywords, flags and their values,
//! `--mount` types and keys, parser directives, stage names, ARG/ENV names
//! visible at the cursor, rule names in ignore pragmas and `# check=skip=`,
//! STOPSIGNAL signals and a few package-manager flags inside RUN.
//!
//! What to offer is decided from the model (the instruction, its stage and
//! scope, its flags, the RUN script's commands); only the word being typed
//! is read from the text, to know what it replaces.

use std::borrow::Cow;

use dockside_rules::engine::is_buildkit_check_name;
use dockside_rules::model::{Instruction, InstructionKind, PREDEFINED_ARGS, Scope};
use dockside_rules::{Document, TextRange, all_rules};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::reference;
use crate::server::{Backend, blocking};
use crate::{convert, hover};

/// Characters after which clients should ask again.
pub const TRIGGERS: &[&str] = &["-", "$", "{", "=", ",", " ", "#"];

pub async fn completion(backend: &Backend, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let at = params.text_document_position;
    let Some(snap) = backend.state.snapshot(&at.text_document.uri).await else { return Ok(None) };
    let features = backend.state.features();
    let unit = features.unit;
    blocking("completion", move || {
        let doc = &snap.doc;
        let offset = convert::doc_offset(doc, at.position, unit);
        let items = complete(doc, offset, features.snippets);
        let items: Vec<CompletionItem> = items
            .into_iter()
            .enumerate()
            .map(|(i, c)| CompletionItem {
                label: c.label,
                kind: Some(c.kind),
                detail: c.detail,
                documentation: c
                    .docs
                    .map(|value| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })),
                sort_text: Some(format!("{i:04}")),
                filter_text: c.filter,
                insert_text_format: Some(if c.snippet {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: convert::range(doc, c.replace, unit),
                    new_text: c.insert,
                })),
                tags: c.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
                ..CompletionItem::default()
            })
            .collect();
        (!items.is_empty()).then_some(CompletionResponse::List(CompletionList { is_incomplete: false, items }))
    })
    .await
}

/// One completion, in engine terms.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub label: String,
    pub kind: CompletionItemKind,
    pub detail: Option<String>,
    pub docs: Option<String>,
    /// The text replacing `replace` (a snippet when `snippet`).
    pub insert: String,
    pub snippet: bool,
    pub replace: TextRange,
    pub filter: Option<String>,
    pub deprecated: bool,
}

impl Candidate {
    fn new(label: impl Into<String>, kind: CompletionItemKind, replace: TextRange) -> Candidate {
        let label = label.into();
        Candidate {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            docs: None,
            snippet: false,
            replace,
            filter: None,
            deprecated: false,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Candidate {
        self.detail = Some(detail.into());
        self
    }

    fn docs(mut self, docs: impl Into<String>) -> Candidate {
        self.docs = Some(docs.into());
        self
    }

    fn insert(mut self, insert: impl Into<String>) -> Candidate {
        self.insert = insert.into();
        self
    }
}

/// Everything to offer at `offset`, best first.
pub fn complete(doc: &Document, offset: usize, snippets: bool) -> Vec<Candidate> {
    let text = doc.text();
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    // Arguments after the cursor: complete the keyword alone, no snippet.
    let snippets = snippets && text[offset..line_end].trim().is_empty();
    let top = instruction_on_line(doc, offset);
    let in_body = top.is_some_and(|i| offset > i.keyword_range.end);

    if !in_body && before.trim_start().starts_with('#') {
        return comment(doc, line_start, offset);
    }
    let Some(top) = top else {
        return keyword_position(before, offset, false, snippets);
    };
    if top.keyword_range.start <= offset && offset <= top.keyword_range.end {
        return keyword_position(before, offset, false, snippets);
    }
    // ONBUILD's instruction and HEALTHCHECK's CMD.
    let mut ins = top;
    if top.kind == InstructionKind::Onbuild {
        match top.onbuild() {
            Some(inner) if offset > inner.keyword_range.end => ins = inner,
            _ => return keyword_position(before, offset, true, snippets),
        }
    }
    instruction_body(doc, ins, line_start, offset)
}

/// The instruction the cursor is in, counting the blanks typed after its
/// end on the same line (and after a trailing line continuation).
pub fn instruction_on_line(doc: &Document, offset: usize) -> Option<&Instruction> {
    let text = doc.text();
    let i = doc.instructions.partition_point(|ins| ins.range.start <= offset);
    let ins = doc.instructions.get(i.checked_sub(1)?)?;
    if offset <= ins.range.end {
        return Some(ins);
    }
    let between = &text[ins.range.end..offset];
    let continued = text[..ins.range.end].ends_with(doc.escape) && between.trim().is_empty();
    (!between.contains('\n') || continued).then_some(ins)
}

/// The word being typed: from the last blank (or `stop` character) before
/// the cursor.
fn typed_start(before: &str, offset: usize, stop: &[char]) -> usize {
    let start = before.rfind(|c: char| c.is_whitespace() || stop.contains(&c)).map_or(0, |i| i + 1);
    offset - (before.len() - start)
}

fn keyword_position(before: &str, offset: usize, in_onbuild: bool, snippets: bool) -> Vec<Candidate> {
    let start = typed_start(before, offset, &[]);
    let typed = &before[before.len() - (offset - start)..];
    if !typed.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    // At line start only (or right after ONBUILD).
    if !in_onbuild && !before[..before.len() - typed.len()].trim().is_empty() {
        return Vec::new();
    }
    let replace = TextRange::new(start, offset);
    let mut out = Vec::new();
    for kind in InstructionKind::ALL {
        let kw = kind.keyword();
        if kw.is_empty()
            || (in_onbuild
                && matches!(kind, InstructionKind::Onbuild | InstructionKind::From | InstructionKind::Maintainer))
        {
            continue;
        }
        let mut c = Candidate::new(kw, CompletionItemKind::KEYWORD, replace);
        if let Some(entry) = hover::keywords::lookup(kind) {
            c = c.detail(entry.syntax[0]).docs(entry.summary);
        }
        if snippets {
            c.insert = keyword_snippet(kind).to_string();
            c.snippet = true;
        }
        c.deprecated = kind == InstructionKind::Maintainer;
        out.push(c);
    }
    // The deprecated keyword last.
    out.sort_by_key(|c| c.deprecated);
    out
}

fn keyword_snippet(kind: InstructionKind) -> &'static str {
    use InstructionKind as K;
    match kind {
        K::From => "FROM ${1:image}:${2:tag}",
        K::Run => "RUN ${1:command}",
        K::Cmd => "CMD [\"${1:executable}\"]",
        K::Label => "LABEL ${1:key}=\"${2:value}\"",
        K::Maintainer => "MAINTAINER ${1:name}",
        K::Expose => "EXPOSE ${1:port}",
        K::Env => "ENV ${1:NAME}=${2:value}",
        K::Add => "ADD ${1:source} ${2:destination}",
        K::Copy => "COPY ${1:source} ${2:destination}",
        K::Entrypoint => "ENTRYPOINT [\"${1:executable}\"]",
        K::Volume => "VOLUME [\"${1:/data}\"]",
        K::User => "USER ${1:user}",
        K::Workdir => "WORKDIR ${1:/path}",
        K::Arg => "ARG ${1:NAME}",
        K::Onbuild => "ONBUILD ${1:INSTRUCTION}",
        K::Stopsignal => "STOPSIGNAL ${1:SIGTERM}",
        K::Healthcheck => "HEALTHCHECK --interval=${1:30s} CMD ${2:command}",
        K::Shell => "SHELL [\"${1:/bin/bash}\", \"-c\"]",
        K::Unknown => "",
    }
}

// ------------------------------------------------------------ comments

fn comment(doc: &Document, line_start: usize, offset: usize) -> Vec<Candidate> {
    let text = doc.text();
    let before = &text[line_start..offset];
    let body = before.trim_start().trim_start_matches('#');
    // Parser directives: only while every line above is one.
    let lines_above = text[..line_start].lines().count();
    let directives_above = doc.directives.iter().filter(|d| d.range.start < line_start).count();
    let in_directives =
        lines_above == directives_above && doc.instructions.first().is_none_or(|i| i.range.start >= offset);
    if in_directives && let Some(found) = directive(body, offset) {
        return found;
    }
    pragma(body, offset)
}

fn directive(body: &str, offset: usize) -> Option<Vec<Candidate>> {
    let trimmed = body.trim_start();
    let Some(eq) = trimmed.find('=') else {
        // The directive's name.
        if !trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let replace = TextRange::new(offset - trimmed.len(), offset);
        return Some(
            reference::DIRECTIVES
                .iter()
                .map(|(name, docs)| {
                    Candidate::new(*name, CompletionItemKind::KEYWORD, replace)
                        .insert(format!("{name}="))
                        .detail("parser directive")
                        .docs(*docs)
                })
                .collect(),
        );
    };
    let name = trimmed[..eq].trim().to_ascii_lowercase();
    let value = &trimmed[eq + 1..];
    let value_start = offset - value.len();
    let values = |list: &[&str], from: usize, kind: CompletionItemKind| -> Vec<Candidate> {
        list.iter().map(|v| Candidate::new(*v, kind, TextRange::new(from, offset))).collect()
    };
    Some(match name.as_str() {
        "syntax" => values(
            reference::SYNTAX_IMAGES,
            value_start + (value.len() - value.trim_start().len()),
            CompletionItemKind::MODULE,
        ),
        "escape" => {
            values(&["\\", "`"], value_start + (value.len() - value.trim_start().len()), CompletionItemKind::VALUE)
        }
        "check" => {
            // `skip=A,B;error=true`: the part after the last `;`.
            let part = value.rsplit(';').next().unwrap_or(value);
            let part_start = offset - part.len();
            let lead = part.len() - part.trim_start().len();
            match part.split_once('=') {
                None => values(&["skip=", "error=true"], part_start + lead, CompletionItemKind::PROPERTY),
                Some((key, list)) if key.trim().eq_ignore_ascii_case("skip") => {
                    let last = list.rsplit(',').next().unwrap_or(list);
                    let replace = TextRange::new(offset - last.trim_start().len(), offset);
                    let mut out =
                        vec![Candidate::new("all", CompletionItemKind::VALUE, replace).docs("Skip every check.")];
                    out.extend(check_names(replace));
                    out
                }
                Some((key, list)) if key.trim().eq_ignore_ascii_case("error") => {
                    values(&["true", "false"], offset - list.trim_start().len(), CompletionItemKind::VALUE)
                }
                Some(_) => Vec::new(),
            }
        }
        _ => return None,
    })
}

/// BuildKit check names (the aliases BuildKit itself knows), with the rule.
fn check_names(replace: TextRange) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for rule in all_rules() {
        for alias in rule.meta.aliases.iter().filter(|a| is_buildkit_check_name(a)) {
            if out.iter().any(|c| c.label == *alias) {
                continue;
            }
            out.push(
                Candidate::new(*alias, CompletionItemKind::REFERENCE, replace)
                    .detail(format!("BuildKit check · dockside `{}`", rule.meta.name))
                    .docs(rule.meta.summary),
            );
        }
    }
    out
}

/// `# dockside [global] ignore=…` and `# hadolint [global] ignore=…`.
fn pragma(body: &str, offset: usize) -> Vec<Candidate> {
    let trimmed = body.trim_start();
    let Some((tool, rest)) = trimmed.split_once(char::is_whitespace) else { return Vec::new() };
    if !tool.eq_ignore_ascii_case("dockside") && !tool.eq_ignore_ascii_case("hadolint") {
        return Vec::new();
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("global").map_or(rest, str::trim_start);
    let Some(list) = rest.strip_prefix("ignore").map(str::trim_start).and_then(|r| r.strip_prefix('=')) else {
        // `# dockside ig` -> `ignore=`
        if rest.chars().all(|c| c.is_ascii_alphabetic()) {
            let replace = TextRange::new(offset - rest.len(), offset);
            return ["ignore=", "global ignore="]
                .iter()
                .map(|s| Candidate::new(*s, CompletionItemKind::KEYWORD, replace))
                .collect();
        }
        return Vec::new();
    };
    let last = list.rsplit(',').next().unwrap_or(list).trim_start();
    if last.contains(char::is_whitespace) {
        return Vec::new();
    }
    let replace = TextRange::new(offset - last.len(), offset);
    let hadolint = tool.eq_ignore_ascii_case("hadolint");
    let mut out = Vec::new();
    for rule in all_rules() {
        let meta = &rule.meta;
        let names: Vec<&str> = if hadolint {
            // hadolint users write codes; the dockside name works too.
            meta.aliases.iter().copied().filter(|a| a.starts_with("DL")).chain([meta.name]).collect()
        } else {
            std::iter::once(meta.name).chain(meta.aliases.iter().copied()).collect()
        };
        for name in names {
            let detail = if name == meta.name { meta.aliases.join(", ") } else { meta.name.to_string() };
            out.push(Candidate::new(name, CompletionItemKind::REFERENCE, replace).detail(detail).docs(format!(
                "{}\n\n[Documentation]({})",
                meta.summary,
                meta.url()
            )));
        }
    }
    out
}

// ------------------------------------------------------------ instructions

fn instruction_body(doc: &Document, ins: &Instruction, line_start: usize, offset: usize) -> Vec<Candidate> {
    let text = doc.text();
    let before = &text[line_start..offset];
    let token_start = typed_start(before, offset, &[]);
    let token = &text[token_start..offset];

    if let Some(found) = variable(doc, ins, token, offset) {
        return found;
    }
    if let Some(rest) = token.strip_prefix("--")
        && !reference::flags(ins.kind).is_empty()
        && before_arguments(ins, token_start)
    {
        return flag(doc, ins, rest, token_start + 2, offset);
    }
    match ins.kind {
        InstructionKind::From => from_arguments(doc, ins, token, token_start, offset),
        InstructionKind::Stopsignal if !token.starts_with('-') => reference::SIGNALS
            .iter()
            .map(|s| Candidate::new(*s, CompletionItemKind::CONSTANT, TextRange::new(token_start, offset)))
            .collect(),
        InstructionKind::Healthcheck
            if ins.healthcheck().is_some_and(|h| h.cmd.is_none() && !h.none) && !token.starts_with('-') =>
        {
            ["CMD", "NONE"]
                .iter()
                .map(|s| Candidate::new(*s, CompletionItemKind::KEYWORD, TextRange::new(token_start, offset)))
                .collect()
        }
        InstructionKind::Run if token.starts_with('-') => package_flags(ins, token_start, offset),
        _ => Vec::new(),
    }
}

/// Flags come before the first argument.
fn before_arguments(ins: &Instruction, at: usize) -> bool {
    let first_arg = ins
        .args
        .iter()
        .map(|w| w.range.start)
        .chain(ins.image().map(|i| i.word.range.start))
        .chain(ins.shell.as_ref().map(|s| s.range.start))
        .chain(ins.json.as_ref().map(|j| j.range.start))
        .chain(ins.healthcheck_cmd().map(|c| c.range.start))
        .filter(|start| *start < at)
        .min();
    first_arg.is_none()
}

/// `$NA` / `${NA`: ARG and ENV names visible at the instruction.
fn variable(doc: &Document, ins: &Instruction, token: &str, offset: usize) -> Option<Vec<Candidate>> {
    let dollar = token.rfind('$')?;
    let after = &token[dollar + 1..];
    let (braced, name) = match after.strip_prefix('{') {
        Some(n) => (true, n),
        None => (false, after),
    };
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let replace = TextRange::new(offset - name.len(), offset);
    let close = braced && !doc.text()[offset..].starts_with('}');
    let from_line = ins.kind == InstructionKind::From || ins.stage.is_none();
    let scope = if from_line { Cow::Borrowed(Scope::global(doc)) } else { Scope::at(doc, ins.index) };
    let mut names: Vec<(String, Option<String>, &str)> =
        scope.names().map(|n| (n.to_string(), scope.value(n), "ARG/ENV")).collect();
    if ins.stage.is_none() {
        // Before the first FROM: only the global ARGs declared above.
        let above: Vec<String> = doc.instructions[..ins.index.min(doc.instructions.len())]
            .iter()
            .filter(|i| i.kind == InstructionKind::Arg)
            .flat_map(|i| i.pairs.iter().map(|p| p.key.value()))
            .collect();
        names.retain(|(n, _, _)| above.contains(n));
    }
    if from_line {
        // Platform args are predefined for FROM lines; inside a stage they
        // need an `ARG` first.
        for n in PREDEFINED_ARGS
            .iter()
            .filter(|n| (n.starts_with("TARGET") || n.starts_with("BUILD")) && !n.starts_with("BUILDKIT"))
        {
            if !names.iter().any(|(m, _, _)| m == n) {
                names.push((n.to_string(), None, "predefined by BuildKit"));
            }
        }
    }
    Some(
        names
            .into_iter()
            .map(|(n, value, origin)| {
                let detail = match value {
                    Some(v) => format!("= {v}"),
                    None => origin.to_string(),
                };
                let insert = if close { format!("{n}}}") } else { n.clone() };
                Candidate::new(n, CompletionItemKind::VARIABLE, replace).detail(detail).insert(insert)
            })
            .collect(),
    )
}

fn flag(doc: &Document, ins: &Instruction, rest: &str, name_start: usize, offset: usize) -> Vec<Candidate> {
    let Some((name, value)) = rest.split_once('=') else {
        if !rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Vec::new();
        }
        let replace = TextRange::new(name_start - 2, offset);
        return reference::flags(ins.kind)
            .iter()
            .filter(|f| {
                matches!(f.name, "mount" | "exclude")
                    || !ins.flags.iter().any(|g| g.name.eq_ignore_ascii_case(f.name) && !g.range.contains(name_start))
            })
            .map(|f| {
                let label = format!("--{}", f.name);
                let insert = if f.value.is_empty() { label.clone() } else { format!("{label}=") };
                let detail = if f.value.is_empty() { label.clone() } else { format!("{label}={}", f.value) };
                Candidate::new(label, CompletionItemKind::FIELD, replace).insert(insert).detail(detail).docs(f.summary)
            })
            .collect();
    };
    let value_start = name_start + name.len() + 1;
    if name.eq_ignore_ascii_case("mount") && ins.kind == InstructionKind::Run {
        return mount(doc, ins, value, offset);
    }
    if name.eq_ignore_ascii_case("from") && ins.kind == InstructionKind::Copy {
        return stage_names(doc, ins, TextRange::new(value_start, offset));
    }
    let Some(doc_flag) = reference::flag(ins.kind, name) else { return Vec::new() };
    doc_flag
        .values
        .iter()
        .map(|v| Candidate::new(*v, CompletionItemKind::VALUE, TextRange::new(value_start, offset)))
        .collect()
}

fn mount(doc: &Document, ins: &Instruction, value: &str, offset: usize) -> Vec<Candidate> {
    let options: Vec<&str> = value.split(',').collect();
    let (last, earlier) = options.split_last().unwrap_or((&"", &[]));
    let last_start = offset - last.len();
    let mount_type = earlier
        .iter()
        .filter_map(|o| o.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("type"))
        .map_or("bind".to_string(), |(_, v)| v.to_ascii_lowercase());
    if let Some((key, typed)) = last.split_once('=') {
        let replace = TextRange::new(offset - typed.len(), offset);
        if key.eq_ignore_ascii_case("type") {
            return reference::MOUNT_TYPES
                .iter()
                .map(|(t, docs)| Candidate::new(*t, CompletionItemKind::ENUM_MEMBER, replace).docs(*docs))
                .collect();
        }
        if key.eq_ignore_ascii_case("from") {
            return stage_names(doc, ins, replace);
        }
        if mount_type == "cache" && reference::mount_key(key).is_some_and(|k| k.name == "target") {
            return reference::CACHE_TARGETS
                .iter()
                .map(|(path, what)| Candidate::new(*path, CompletionItemKind::FOLDER, replace).detail(*what))
                .collect();
        }
        return reference::mount_key(key)
            .map(|k| k.values.iter().map(|v| Candidate::new(*v, CompletionItemKind::VALUE, replace)).collect())
            .unwrap_or_default();
    }
    let used: Vec<&str> = earlier.iter().map(|o| o.split('=').next().unwrap_or(o)).collect();
    let replace = TextRange::new(last_start, offset);
    reference::MOUNT_KEYS
        .iter()
        .filter(|k| k.types.contains(&mount_type.as_str()))
        .filter(|k| {
            !used.iter().any(|u| u.eq_ignore_ascii_case(k.name) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(u)))
        })
        .filter(|k| k.name != "type" || earlier.is_empty())
        .map(|k| {
            let switch = matches!(k.name, "rw" | "ro");
            let insert = if switch { k.name.to_string() } else { format!("{}=", k.name) };
            Candidate::new(k.name, CompletionItemKind::PROPERTY, replace)
                .insert(insert)
                .detail(format!("--mount type={mount_type}"))
                .docs(k.summary)
        })
        .collect()
}

/// Stages that `ins` may refer to: the ones before its own stage.
fn stage_names(doc: &Document, ins: &Instruction, replace: TextRange) -> Vec<Candidate> {
    let own = ins.stage.unwrap_or(0).min(doc.stages.len());
    doc.stages[..own]
        .iter()
        .filter_map(|s| {
            let name = s.name.as_ref()?;
            let from = &doc.instructions[s.from];
            let line = doc.text()[from.range.as_range()].lines().next().unwrap_or("").trim().to_string();
            Some(
                Candidate::new(name.clone(), CompletionItemKind::MODULE, replace)
                    .detail(format!("stage {}", s.index))
                    .docs(format!("```dockerfile\n{line}\n```")),
            )
        })
        .collect()
}

fn from_arguments(doc: &Document, ins: &Instruction, token: &str, token_start: usize, offset: usize) -> Vec<Candidate> {
    if token.starts_with('-') {
        return Vec::new();
    }
    let replace = TextRange::new(token_start, offset);
    let image = ins.image().map(|i| i.word.range);
    match image {
        // The image position: earlier stages and `scratch`.
        None => {}
        Some(r) if r.start >= token_start => {}
        Some(r) if r.end < token_start => {
            if ins.from_parts().is_some_and(|f| f.alias.is_none() && f.as_keyword_range.is_none()) {
                return vec![
                    Candidate::new("AS", CompletionItemKind::KEYWORD, replace).insert("AS ").docs("Names the stage."),
                ];
            }
            return Vec::new();
        }
        Some(_) => {}
    }
    let mut out = stage_names(doc, ins, replace);
    out.push(Candidate::new("scratch", CompletionItemKind::MODULE, replace).docs("An empty image."));
    out
}

/// `apt-get install -…` and `apk add -…`.
fn package_flags(ins: &Instruction, token_start: usize, offset: usize) -> Vec<Candidate> {
    let Some(script) = ins.script() else { return Vec::new() };
    // The innermost command: those of a `-c` string or a substitution
    // follow the command they sit in.
    let Some(cmd) = script.commands.iter().rev().find(|c| c.range.start <= token_start && token_start <= c.range.end)
    else {
        return Vec::new();
    };
    let replace = TextRange::new(token_start, offset);
    reference::PACKAGE_FLAGS
        .iter()
        .filter(|(name, sub, flag, _)| {
            cmd.base_name() == *name
                && cmd.args.iter().any(|a| a.text == *sub && a.range.end <= token_start)
                && !cmd.args.iter().any(|a| a.text == *flag)
        })
        .map(|(name, sub, flag, docs)| {
            Candidate::new(*flag, CompletionItemKind::FIELD, replace).detail(format!("{name} {sub}")).docs(*docs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Complete where `|` is in `text` (the bar removed).
    fn at(text: &str) -> (String, Vec<Candidate>) {
        let offset = text.find('|').unwrap();
        let clean = text.replacen('|', "", 1);
        let doc = Document::parse(&clean);
        (clean.clone(), complete(&doc, offset, true))
    }

    fn labels(text: &str) -> Vec<String> {
        at(text).1.into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn package_flags_inside_a_command_string() {
        for text in ["FROM a\nRUN apt-get install -|\n", "FROM a\nRUN sh -c 'apt-get install -|'\n"] {
            assert!(labels(text).contains(&"--no-install-recommends".to_string()), "{text}");
        }
    }

    #[test]
    fn keywords_at_line_start_and_after_onbuild() {
        let l = labels("FROM a\nRU|\n");
        assert!(l.contains(&"RUN".to_string()) && l.contains(&"COPY".to_string()), "{l:?}");
        let (_, c) = at("FROM a\nRU|\n");
        let run = c.iter().find(|c| c.label == "RUN").unwrap();
        assert_eq!(run.replace, TextRange::new(7, 9));
        // With arguments after the cursor: the keyword alone.
        let (_, c) = at("FROM a\nRU| make\n");
        let run = c.iter().find(|c| c.label == "RUN").unwrap();
        assert_eq!((run.insert.as_str(), run.snippet), ("RUN", false));
        let l = labels("FROM a\nONBUILD |\n");
        assert!(l.contains(&"RUN".to_string()) && !l.contains(&"FROM".to_string()), "{l:?}");
        assert!(labels("FROM a\nRUN echo |\n").is_empty());
    }

    #[test]
    fn flags_and_mount_keys() {
        let l = labels("FROM a\nCOPY --|\n");
        assert!(l.contains(&"--from".to_string()) && l.contains(&"--parents".to_string()), "{l:?}");
        assert!(!l.contains(&"--checksum".to_string()));
        let l = labels("FROM a\nRUN --mount=type=|\n");
        assert_eq!(l, ["bind", "cache", "tmpfs", "secret", "ssh"]);
        let l = labels("FROM a\nRUN --mount=type=cache,|\n");
        assert!(l.contains(&"sharing".to_string()) && !l.contains(&"type".to_string()), "{l:?}");
        let l = labels("FROM a\nRUN --mount=type=cache,target=|\n");
        assert!(l.contains(&"/root/.cache/pip".to_string()), "{l:?}");
        let l = labels("FROM a\nRUN --mount=type=secret,|\n");
        assert!(l.contains(&"env".to_string()) && !l.contains(&"sharing".to_string()), "{l:?}");
    }

    #[test]
    fn stages_and_scoped_variables() {
        let l = labels("ARG V=1\nFROM a AS build\nARG IN_BUILD=2\nFROM b AS test\nCOPY --from=|\n");
        assert_eq!(l, ["build"]);
        let l = labels("ARG V=1\nFROM a AS build\nARG IN_BUILD=2\nFROM b\nRUN echo $|\n");
        assert!(!l.contains(&"IN_BUILD".to_string()) && !l.contains(&"V".to_string()), "{l:?}");
        let l = labels("ARG V=1\nFROM a AS build\nARG IN_BUILD=2\nRUN echo ${|\n");
        assert_eq!(l, ["IN_BUILD"]);
        let l = labels("ARG A=1\nARG B=$|\nARG C=3\nFROM a\n");
        assert!(l.contains(&"A".to_string()) && !l.contains(&"C".to_string()), "{l:?}");
        let l = labels("ARG V=1\nFROM a:${|\n");
        assert!(l.contains(&"V".to_string()) && l.contains(&"TARGETARCH".to_string()), "{l:?}");
    }

    #[test]
    fn directives_and_pragmas() {
        let l = labels("# sy|\nFROM a\n");
        assert!(l.contains(&"syntax".to_string()), "{l:?}");
        let l = labels("# check=skip=|\nFROM a\n");
        assert!(l.contains(&"all".to_string()) && l.contains(&"JSONArgsRecommended".to_string()), "{l:?}");
        let l = labels("FROM a\n# hadolint ignore=DL30|\nRUN x\n");
        assert!(l.contains(&"DL3008".to_string()), "{l:?}");
        let l = labels("FROM a\n# dockside ignore=|\nRUN x\n");
        assert!(l.contains(&"apt-get-unpinned-package".to_string()) || l.len() > 20, "{l:?}");
    }
}
