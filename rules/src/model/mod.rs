//! The Document model: everything rules need to know about a Dockerfile,
//! built once per parse from the syntax tree. It never fails; missing parts
//! are `None` and syntax problems are listed in [`Document::syntax_errors`].

pub mod flags;
mod image;
mod later;
mod reuse;
mod scope;
mod shell;
mod suppress;
mod symbols;
mod windows;
mod word;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tree_sitter::Node;

use crate::diagnostic::TextRange;
use crate::syntax::{LineIndex, SyntaxError, SyntaxTree};

pub use image::{ImageRef, is_valid_reference};
pub use later::{CopyOut, Later};
pub use reuse::BuildCache;
pub use scope::{PREDEFINED_ARGS, Scope, Scopes};
pub use shell::{LocalValue, ScriptCache, Segment, ShellArg, ShellCommand, ShellScript, for_each_node};
pub use suppress::{Pragma, PragmaScope, Suppressions, Suppressor};
pub use symbols::{
    Occurrence, OccurrenceKind, RenameError, Symbol, SymbolKind, Symbols, is_stage_name, is_variable_name,
};
pub use windows::{Dialect, WindowsScript};
pub use word::{Expanded, Expansion, Part, Word};

/// How deeply the model reads nested constructs: expansions inside
/// expansions (levels of `${…}`), and a RUN script's bash syntax tree
/// (levels of the tree, not counting `&&`/`||`/`;` lists and pipelines,
/// which nest one level per command). Deeper input is valid but never
/// written by hand; it is reported as a syntax error and left unread, so no
/// walk of the model or of a tree it keeps goes deeper (each level would
/// take stack, and walks up a tree cost the depth squared). The corpus's
/// deepest script is 20 levels deep.
pub const MAX_NESTING: usize = 100;

/// A document built once with at least this many RUN scripts parses them
/// in parallel (below it, handing them to threads costs more than it saves).
const PARALLEL_SCRIPTS: usize = 256;

/// Instruction keywords, plus `Unknown` for anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstructionKind {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    Unknown,
}

impl InstructionKind {
    pub const COUNT: usize = 19;
    pub const ALL: [InstructionKind; 19] = [
        Self::From,
        Self::Run,
        Self::Cmd,
        Self::Label,
        Self::Maintainer,
        Self::Expose,
        Self::Env,
        Self::Add,
        Self::Copy,
        Self::Entrypoint,
        Self::Volume,
        Self::User,
        Self::Workdir,
        Self::Arg,
        Self::Onbuild,
        Self::Stopsignal,
        Self::Healthcheck,
        Self::Shell,
        Self::Unknown,
    ];

    /// The keyword in upper case (`FROM`); `Unknown` has none.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::From => "FROM",
            Self::Run => "RUN",
            Self::Cmd => "CMD",
            Self::Label => "LABEL",
            Self::Maintainer => "MAINTAINER",
            Self::Expose => "EXPOSE",
            Self::Env => "ENV",
            Self::Add => "ADD",
            Self::Copy => "COPY",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Volume => "VOLUME",
            Self::User => "USER",
            Self::Workdir => "WORKDIR",
            Self::Arg => "ARG",
            Self::Onbuild => "ONBUILD",
            Self::Stopsignal => "STOPSIGNAL",
            Self::Healthcheck => "HEALTHCHECK",
            Self::Shell => "SHELL",
            Self::Unknown => "",
        }
    }

    fn from_node_kind(kind: &str) -> Option<InstructionKind> {
        let name = kind.strip_suffix("_instruction")?;
        Self::ALL
            .into_iter()
            .find(|k| k.keyword().eq_ignore_ascii_case(name))
            .or((name == "unknown").then_some(Self::Unknown))
    }
}

/// `--name[=value]` on FROM, RUN, COPY, ADD, HEALTHCHECK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub range: TextRange,
    pub name: String,
    pub name_range: TextRange,
    pub value: Option<Word>,
    /// For `--mount=…`: the `key[=value]` options.
    pub mount: Vec<MountOption>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountOption {
    pub key: String,
    pub key_range: TextRange,
    pub value: Option<Word>,
}

impl Flag {
    /// A mount option's value (`type`, `target`...).
    pub fn mount_value(&self, key: &str) -> Option<String> {
        self.mount.iter().find(|o| o.key.eq_ignore_ascii_case(key)).and_then(|o| o.value.as_ref()).map(Word::value)
    }
}

/// `key=value` in ENV, LABEL and ARG (ARG's value is its default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub range: TextRange,
    pub key: Word,
    pub value: Option<Word>,
    /// Written as `key value` (ENV/LABEL legacy form) instead of `key=value`.
    pub legacy: bool,
}

/// The exec form of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD and VOLUME.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonForm {
    pub range: TextRange,
    /// Decoded strings, each with the range of its JSON string (quotes included).
    pub items: Vec<(String, TextRange)>,
}

/// Shell-form text of RUN, CMD, ENTRYPOINT (and HEALTHCHECK CMD).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellForm {
    pub range: TextRange,
    /// What Docker passes to the shell: continuations and the comment lines
    /// inside them removed.
    pub text: String,
    pub segments: Vec<Segment>,
}

/// A heredoc attached to RUN, COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// `<<EOF`, `<<-"EOF"` ...
    pub marker_range: TextRange,
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// A quoted delimiter turns off variable expansion in the body.
    pub quoted: bool,
    /// The body lines as written (tabs kept), without the terminator line.
    pub body: String,
    pub body_range: TextRange,
    /// The terminator line, if present.
    pub end_range: Option<TextRange>,
}

/// One instruction, with everything parsed that any instruction may carry.
#[derive(Clone, Debug)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// Index in [`Document::instructions`] (for ONBUILD's inner instruction:
    /// the index of the ONBUILD).
    pub index: usize,
    /// From the keyword to the end of the last argument or heredoc.
    pub range: TextRange,
    pub keyword_range: TextRange,
    /// The keyword as written (`from`, `Run`).
    pub keyword: String,
    pub flags: Vec<Flag>,
    /// Arguments in order: paths (COPY/ADD/VOLUME/WORKDIR), ports, user,
    /// signal, heredoc markers excluded. For the exec form, the decoded strings.
    pub args: Vec<Word>,
    pub pairs: Vec<Pair>,
    pub json: Option<JsonForm>,
    pub shell: Option<ShellForm>,
    /// The RUN script (shell form, heredoc script, or `sh -c` exec form),
    /// parsed with tree-sitter-bash. `None` when the SHELL in effect is not a
    /// POSIX shell.
    pub script: Option<Box<ShellScript>>,
    /// The RUN's commands when the SHELL in effect is PowerShell or cmd
    /// (shell form only), read by [`Instruction::commands`].
    pub windows_script: Option<Box<WindowsScript>>,
    pub heredocs: Vec<Heredoc>,
    /// FROM: the image reference as written.
    pub image: Option<Box<ImageSpec>>,
    /// FROM … AS name.
    pub alias: Option<Box<Word>>,
    /// ONBUILD's instruction; HEALTHCHECK's CMD.
    pub onbuild: Option<Box<Instruction>>,
    pub healthcheck_cmd: Option<Box<Instruction>>,
    pub healthcheck_none: bool,
    /// FROM has the `AS` keyword (with or without a name after it).
    pub has_as_keyword: bool,
    /// FROM: the `AS` keyword as written (its range; the text is in the source).
    pub as_keyword_range: Option<TextRange>,
    /// Blank lines inside the instruction's line continuations, each from
    /// the line's start to just after its newline (BuildKit warns about them).
    pub empty_continuation_lines: Vec<TextRange>,
    /// Free text (MAINTAINER, unknown instructions).
    pub text: Option<Box<Word>>,
    /// The stage this instruction belongs to (`None` before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    /// True when a `--mount=type=cache` is among the flags.
    pub fn has_cache_mount(&self) -> bool {
        self.flags.iter().any(|f| {
            f.name.eq_ignore_ascii_case("mount")
                && f.mount_value("type").is_some_and(|t| t.eq_ignore_ascii_case("cache"))
        })
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The simple commands of a RUN, under a POSIX shell or (split more
    /// simply) under PowerShell or cmd. For rules whose commands mean the
    /// same in every shell (`pip install`, `npm install`, `cd`); anything
    /// POSIX-specific reads [`Instruction::script`].
    pub fn commands(&self) -> &[ShellCommand] {
        match (&self.script, &self.windows_script) {
            (Some(script), _) => &script.commands,
            (None, Some(windows)) => &windows.commands,
            (None, None) => &[],
        }
    }

    /// True when written in exec (JSON) form.
    pub fn is_exec_form(&self) -> bool {
        self.json.is_some()
    }
}

/// The image of a FROM as written, with the grammar's split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSpec {
    pub word: Word,
    pub registry_range: Option<TextRange>,
    pub name_range: TextRange,
    pub tag_range: Option<TextRange>,
    pub digest_range: Option<TextRange>,
}

/// What a stage builds on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM <earlier stage>`.
    Stage(usize),
    /// An image; `resolved` is false when a variable had no known value
    /// or the reference is not a valid one.
    Image {
        reference: ImageRef,
        text: String,
        resolved: bool,
    },
    Scratch,
    /// No image given.
    Missing,
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit compares them.
    pub name: Option<String>,
    pub name_range: Option<TextRange>,
    /// The FROM instruction's index.
    pub from: usize,
    /// Instruction indices `from..end`.
    pub end: usize,
    pub base: Base,
    pub platform: Option<Word>,
}

impl Stage {
    pub fn instructions<'a>(&self, doc: &'a Document) -> &'a [Instruction] {
        &doc.instructions[self.from..self.end]
    }

    /// True when this stage's own base is a Windows image, whose default
    /// shell is `cmd`: its reference names one ([`ImageRef::is_windows`]),
    /// or its `FROM` word as written does, which is all there is to go on
    /// when variables leave it unresolved (`${WINDOWS_BASE_IMAGE}`,
    /// `mcr.microsoft.com/${NanoServerRepo}:${tag}`). A stage built on
    /// another stage is not; ask [`Document::on_windows_image`] for its chain.
    pub fn has_windows_image(&self, doc: &Document) -> bool {
        let Base::Image { reference, .. } = &self.base else { return false };
        reference.is_windows()
            || doc
                .instructions
                .get(self.from)
                .and_then(|i| i.image.as_ref())
                .is_some_and(|spec| image::names_windows(&spec.word.raw))
    }
}

/// Where each stage's chain starts and whether it reaches the final stage:
/// rules ask for every instruction, and a chain can be as long as the file.
struct StageChains {
    root: Vec<usize>,
    in_final: Vec<bool>,
}

impl DocumentFact for StageChains {
    fn compute(doc: &Document) -> StageChains {
        let mut root: Vec<usize> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            root.push(match stage.base {
                Base::Stage(parent) if parent < stage.index => root[parent],
                _ => stage.index,
            });
        }
        let mut in_final = vec![false; doc.stages.len()];
        for s in doc.stages.len().checked_sub(1).map(|last| doc.stage_chain(last)).unwrap_or_default() {
            in_final[s.index] = true;
        }
        StageChains { root, in_final }
    }
}

/// The first stage of each name: looked up for every `--from` and
/// `FROM <stage>`, which a search through the stages made quadratic.
struct StageNames(HashMap<String, usize>);

impl DocumentFact for StageNames {
    fn compute(doc: &Document) -> StageNames {
        let mut names = HashMap::new();
        for stage in &doc.stages {
            if let Some(name) = &stage.name {
                names.entry(name.clone()).or_insert(stage.index);
            }
        }
        StageNames(names)
    }
}

/// A parser directive (`# syntax=…`, `# escape=…`, `# check=…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub range: TextRange,
    pub name: String,
    pub value: String,
    pub value_range: TextRange,
}

/// A comment line between instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

/// The semantic model of one Dockerfile.
pub struct Document {
    syntax: SyntaxTree,
    pub line_index: LineIndex,
    pub directives: Vec<Directive>,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub comments: Vec<Comment>,
    pub suppressions: Suppressions,
    pub syntax_errors: Vec<SyntaxError>,
    /// The shells instructions run under (`SHELL`, shell pragmas, the
    /// stage's base), each once: `shell_of` indexes it per instruction.
    shells: Vec<Vec<String>>,
    shell_of: Vec<u32>,
    /// Every instruction's ARG/ENV scope, on first use (after the build).
    scopes: std::sync::OnceLock<Scopes>,
    /// [`DocumentFact`]s computed so far, by type.
    facts: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

/// A fact about the whole document that checks of single instructions
/// need (the WORKDIR before each instruction, what each stage's files reach),
/// computed once per document on first use ([`Document::fact`]): a check
/// that worked it out again for each instruction was quadratic in the
/// length of the file.
pub trait DocumentFact: Send + Sync + 'static {
    fn compute(doc: &Document) -> Self;
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document").field("instructions", &self.instructions.len()).finish()
    }
}

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
            facts: Mutex::default(),
        };
        doc.read_top_level(cache);
        doc.build_stages();
        doc.parse_scripts(&mut cache.scripts);
        cache.finish_build();
        doc.check_arguments();
        doc
    }

    /// The fact `F` about this document, computed on first use.
    pub fn fact<F: DocumentFact>(&self) -> Arc<F> {
        let stored = |facts: &HashMap<TypeId, Arc<dyn Any + Send + Sync>>| {
            facts.get(&TypeId::of::<F>()).map(|f| Arc::clone(f).downcast::<F>().expect("stored under its own type"))
        };
        // A poisoned lock only means another thread panicked; the map is still usable.
        if let Some(fact) = stored(&self.facts.lock().unwrap_or_else(|e| e.into_inner())) {
            return fact;
        }
        // Computed outside the lock: a fact may ask for another one.
        let fact = Arc::new(F::compute(self));
        let mut facts = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(first) = stored(&facts) {
            return first;
        }
        facts.insert(TypeId::of::<F>(), fact.clone());
        fact
    }

    /// The scopes of all instructions ([`Scope::at`] reads them).
    pub fn scopes(&self) -> &Scopes {
        self.scopes.get_or_init(|| Scopes::compute(self))
    }

    pub fn text(&self) -> &str {
        self.syntax.text()
    }

    pub fn syntax(&self) -> &SyntaxTree {
        &self.syntax
    }

    /// The innermost top-level instruction containing `offset`.
    pub fn instruction_at(&self, offset: usize) -> Option<&Instruction> {
        let i = self.instructions.partition_point(|ins| ins.range.start <= offset);
        let ins = self.instructions.get(i.checked_sub(1)?)?;
        (offset <= ins.range.end).then_some(ins)
    }

    /// Each argument of `ins` with its value once the variables in scope
    /// are expanded; arguments whose variables have no known value are left
    /// out.
    pub fn expanded_args<'a>(&self, ins: &'a Instruction) -> Vec<(&'a Word, String)> {
        let mut scope = None;
        ins.args
            .iter()
            .filter_map(|word| {
                if !word.has_expansion() {
                    return Some((word, word.value()));
                }
                let expanded = scope.get_or_insert_with(|| Scope::at(self, ins.index)).expand(word);
                expanded.complete.then_some((word, expanded.text))
            })
            .collect()
    }

    /// Stage `stage` and the stages it builds on (`FROM <earlier stage>`),
    /// nearest first.
    pub fn stage_chain(&self, stage: usize) -> Vec<&Stage> {
        let mut chain = Vec::new();
        let mut current = self.stages.get(stage);
        while let Some(s) = current {
            chain.push(s);
            current = match s.base {
                // Only earlier stages: a stage cannot build on itself or a later one.
                Base::Stage(parent) if parent < s.index => self.stages.get(parent),
                _ => None,
            };
        }
        chain
    }

    /// The first stage of `stage`'s chain (the last of
    /// [`Document::stage_chain`]), without walking the chain.
    pub fn stage_root(&self, stage: usize) -> Option<&Stage> {
        self.fact::<StageChains>().root.get(stage).and_then(|root| self.stages.get(*root))
    }

    /// True when the chain of stages `stage` builds on starts on a Windows
    /// image ([`Stage::has_windows_image`]).
    pub fn on_windows_image(&self, stage: usize) -> bool {
        self.stage_root(stage).is_some_and(|root| root.has_windows_image(self))
    }

    /// True when the final stage is `stage` or builds on it.
    pub fn in_final_chain(&self, stage: usize) -> bool {
        self.fact::<StageChains>().in_final.get(stage).copied().unwrap_or(false)
    }

    /// Stage by `AS` name (case-insensitive) or by number.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        let first_named = self.fact::<StageNames>().0.get(&lower).copied();
        first_named.or_else(|| name.parse::<usize>().ok()).and_then(|i| self.stages.get(i))
    }

    pub fn stage_of(&self, instruction: &Instruction) -> Option<&Stage> {
        instruction.stage.and_then(|s| self.stages.get(s))
    }

    /// The shell instruction `index` runs its shell form under, as
    /// `SHELL` would write it (`["/bin/sh", "-c"]` by default, `cmd /S /C`
    /// on Windows images, the `SHELL` of the stage or of the stage it
    /// builds on).
    pub fn shell_at(&self, index: usize) -> &[String] {
        const DEFAULT: &[String] = &[];
        self.shell_of.get(index).and_then(|&i| self.shells.get(i as usize)).map_or(DEFAULT, Vec::as_slice)
    }

    /// The last stage (what `docker build` produces without `--target`).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The instructions before the first `FROM`. In a complete Dockerfile
    /// these are global ARGs; in a fragment (a file being written, a
    /// snippet) they are the instructions of a stage whose `FROM` is not
    /// there yet, and rules that group instructions by stage lint them as
    /// one (`instruction-before-from` reports the missing `FROM` once).
    pub fn prelude(&self) -> &[Instruction] {
        let end = self.stages.first().map_or(self.instructions.len(), |s| s.from);
        &self.instructions[..end]
    }

    /// The instruction indices of the stage `instruction` belongs to, or of
    /// the prelude before the first `FROM` (see [`Document::prelude`]).
    pub fn stage_run_of(&self, instruction: &Instruction) -> std::ops::Range<usize> {
        match self.stage_of(instruction) {
            Some(stage) => stage.from..stage.end,
            None => 0..self.prelude().len(),
        }
    }

    /// The instructions grouped as a build runs them: the prelude as an
    /// implicit stage (`None`) when it holds more than ARGs, then every
    /// stage. Rules that look for something twice in a stage, or for one
    /// instruction undoing another, walk these.
    pub fn stage_runs(&self) -> impl Iterator<Item = (Option<&Stage>, &[Instruction])> {
        let prelude = self.prelude();
        let implicit = prelude.iter().any(|i| i.kind != InstructionKind::Arg);
        implicit
            .then_some((None, prelude))
            .into_iter()
            .chain(self.stages.iter().map(|s| (Some(s), s.instructions(self))))
    }

    // ------------------------------------------------------------ building

    fn read_top_level(&mut self, cache: &mut BuildCache) {
        let text = self.syntax.text().to_string();
        // Trees are reference-counted: the clone is cheap and frees `self`.
        let tree = self.syntax.tree().clone();
        let root = tree.root_node();
        let mut cursor = root.walk();
        let mut pending_comments: Vec<Comment> = Vec::new();
        let mut last_line_end: Option<usize> = None;
        // Instructions are large: a Vec grown by doubling would hold up to
        // twice their size.
        let mut instructions = Vec::with_capacity(root.named_child_count());
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
                    ins.index = index;
                    for inner in [&mut ins.onbuild, &mut ins.healthcheck_cmd].into_iter().flatten() {
                        inner.index = index;
                    }
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
            script: None,
            windows_script: None,
            heredocs: Vec::new(),
            image: None,
            alias: None,
            onbuild: None,
            healthcheck_cmd: None,
            healthcheck_none: false,
            has_as_keyword: false,
            as_keyword_range: None,
            empty_continuation_lines: Vec::new(),
            text: None,
            stage: None,
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
                "image_spec" => ins.image = Some(Box::new(read_image_spec(child, text, escape))),
                "stage_name" => ins.alias = Some(Box::new(word::word_from_node(child, text, escape))),
                "text" => ins.text = Some(Box::new(word::word_from_node(child, text, escape))),
                "instruction_name" => {}
                "NONE" => ins.healthcheck_none = true,
                "AS" => {
                    ins.has_as_keyword = true;
                    ins.as_keyword_range = Some(range_of(child));
                }
                "cmd_instruction" if kind == InstructionKind::Healthcheck => {
                    ins.healthcheck_cmd = Some(Box::new(self.read_instruction(child, text, index, depth + 1)))
                }
                // `ONBUILD ONBUILD …` is an error of its own (DL3043); below
                // two levels nothing is read, however deep it goes.
                k if k.ends_with("_instruction") && depth < 2 => {
                    ins.onbuild = Some(Box::new(self.read_instruction(child, text, index, depth + 1)))
                }
                _ => {}
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

    fn build_stages(&mut self) {
        let mut stages: Vec<Stage> = Vec::new();
        for i in 0..self.instructions.len() {
            if self.instructions[i].kind == InstructionKind::From {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let ins = &self.instructions[i];
                let name = ins.alias.as_ref().map(|a| a.value().to_ascii_lowercase());
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    name_range: ins.alias.as_ref().map(|a| a.range),
                    from: i,
                    end: self.instructions.len(),
                    base: Base::Missing,
                    platform: ins.flag("platform").and_then(|f| f.value.clone()),
                });
            }
            self.instructions[i].stage = stages.len().checked_sub(1);
            let stage = self.instructions[i].stage;
            if let Some(inner) = self.instructions[i].onbuild.as_deref_mut() {
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
            let base = match &ins.image {
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
    fn parse_scripts(&mut self, cache: &mut ScriptCache) {
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
                ins.windows_script = build_windows_script(ins, dialect, &shell).map(Box::new);
                if let Some(inner) = ins.onbuild.as_deref_mut() {
                    inner.windows_script = build_windows_script(inner, dialect, &shell).map(Box::new);
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
        let posix_shell =
            |shell_of: &u32| Some(&shells[*shell_of as usize]).filter(|s| s.first().is_some_and(|p| is_posix_shell(p)));
        let build = |ins: &mut Instruction,
                     shell: &Arc<[String]>,
                     parse: &mut dyn FnMut(String, Vec<Segment>) -> ShellScript| {
            ins.script = build_script(ins, parse).map(|script| Box::new(script.with_shell(Arc::clone(shell))));
            if let Some(inner) = ins.onbuild.as_deref_mut() {
                inner.script = build_script(inner, parse).map(|script| Box::new(script.with_shell(Arc::clone(shell))));
            }
        };
        let runs =
            self.instructions.iter().filter(|ins| ins.kind == InstructionKind::Run || ins.onbuild.is_some()).count();
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
            if let Some(inner) = ins.onbuild.as_deref_mut() {
                drop_too_deep_script(inner, &mut self.syntax_errors);
            }
        }
    }

    /// Instructions whose arguments BuildKit rejects: reported as syntax errors.
    fn check_arguments(&mut self) {
        let mut errors = Vec::new();
        // The parser's errors, by start: an instruction with one is judged
        // by it alone (its words may be read differently once it is fixed).
        let mut parse_errors: Vec<TextRange> = self.syntax_errors.iter().map(|e| e.range).collect();
        parse_errors.sort_by_key(|r| (r.start, r.end));
        let has_parse_error = |range: TextRange| {
            let i = parse_errors.partition_point(|e| e.start < range.start);
            parse_errors.get(i).is_some_and(|e| e.start <= range.end)
                || i.checked_sub(1).is_some_and(|j| parse_errors[j].end > range.start)
        };
        for ins in &self.instructions {
            check_instruction_arguments(ins, &mut errors);
            // Through the end of its last line: an error after its words
            // sits beside the instruction, not in it.
            let text = self.syntax.text();
            let line_end =
                text.get(ins.range.end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| ins.range.end + i);
            if !has_parse_error(TextRange::new(ins.range.start, line_end))
                && let Some(error) = self.invalid_literal_image(ins)
            {
                errors.push(error);
            }
            // ONBUILD ONBUILD/FROM/MAINTAINER is a rule of its own (DL3043).
            if let Some(inner) = ins.onbuild.as_deref() {
                check_instruction_arguments(inner, &mut errors);
            }
        }
        // Errors inside an unknown instruction are already explained by it.
        let unknown: Vec<TextRange> =
            self.instructions.iter().filter(|i| i.kind == InstructionKind::Unknown).map(|i| i.range).collect();
        // In document order and disjoint: the one that could hold an error
        // is the last starting at or before it.
        self.syntax_errors.retain(|e| {
            let i = unknown.partition_point(|u| u.start <= e.range.start);
            i.checked_sub(1).is_none_or(|i| e.range.end > unknown[i].end)
        });
        self.syntax_errors.extend(errors);
        self.syntax_errors.sort_by_key(|e| (e.range.start, e.range.end));
    }
}

impl Document {
    /// A `FROM` image written without variables that is not a valid
    /// reference (`name:sha256:…`, an upper-case repository): BuildKit
    /// fails with "invalid reference format". (Through ARG defaults it is
    /// `invalid-default-arg-in-from`'s.)
    fn invalid_literal_image(&self, ins: &Instruction) -> Option<SyntaxError> {
        let image = ins.image.as_ref().filter(|_| ins.kind == InstructionKind::From)?;
        if image.word.has_expansion() || image.word.raw.contains(['$', '"', '\'']) {
            return None;
        }
        let text = image.word.value();
        let lower = text.to_ascii_lowercase();
        if text.is_empty()
            || lower == "scratch"
            || self.stages.iter().any(|s| s.name.as_deref() == Some(lower.as_str()))
            || is_valid_reference(&text)
        {
            return None;
        }
        let why = if text.chars().any(|c| c.is_ascii_uppercase()) && is_valid_reference(&lower) {
            "; repository names must be lower-case"
        } else if text.split('/').next_back().is_some_and(|last| last.matches(':').count() > 1) {
            "; a digest goes after `@` (`name@sha256:…`), not `:`"
        } else {
            ""
        };
        let shown: String = if text.chars().count() > 80 {
            text.chars().take(80).chain(std::iter::once('…')).collect()
        } else {
            text.clone()
        };
        Some(SyntaxError { range: image.word.range, message: format!("`{shown}` is not a valid image reference{why}") })
    }
}

fn check_instruction_arguments(ins: &Instruction, errors: &mut Vec<SyntaxError>) {
    use InstructionKind as K;
    let kw = ins.kind.keyword();
    for flag in &ins.flags {
        let Some(known) = flags::flag(ins.kind, &flag.name) else {
            errors.push(SyntaxError { range: flag.range, message: format!("unknown flag `--{}` for {kw}", flag.name) });
            continue;
        };
        if flag.value.is_none() && !known.switch {
            // `--from build` is read as a flag without value and a source.
            let name = &flag.name;
            errors.push(SyntaxError {
                range: flag.range,
                message: format!("`--{name}` needs a value written with `=`: `--{name}=<value>`"),
            });
        }
    }
    let at = ins.keyword_range;
    let mut error = |message: String| errors.push(SyntaxError { range: at, message });
    match ins.kind {
        K::Unknown => error(format!("unknown instruction `{}`", ins.keyword)),
        K::From if ins.image.is_none() => error("FROM requires an image".to_string()),
        K::From if ins.alias.is_none() && ins.has_as_keyword => {
            errors.push(SyntaxError { range: ins.range, message: "FROM … AS requires a stage name".to_string() })
        }
        K::Copy | K::Add if ins.json.is_none() && ins.args.len() + ins.heredocs.len() < 2 => {
            error(format!("{kw} requires at least one source and a destination"))
        }
        K::Env | K::Label | K::Arg if ins.pairs.is_empty() => error(format!("{kw} requires at least one argument")),
        K::Env if ins.pairs.iter().any(|p| p.legacy && p.value.is_none()) => {
            error("ENV requires a value: use `ENV name=value`".to_string())
        }
        K::Expose | K::User | K::Workdir | K::Stopsignal | K::Volume if ins.args.is_empty() && ins.json.is_none() => {
            error(format!("{kw} requires at least one argument"))
        }
        K::Run if ins.shell.is_none() && ins.json.is_none() && ins.heredocs.is_empty() => {
            error("RUN requires a command".to_string())
        }
        K::Maintainer if ins.text.is_none() => error("MAINTAINER requires a name".to_string()),
        K::Onbuild if ins.onbuild.is_none() => error("ONBUILD requires an instruction".to_string()),
        K::Shell if ins.json.is_none() => {
            error("SHELL requires the JSON form, e.g. `SHELL [\"/bin/sh\", \"-c\"]`".to_string())
        }
        K::Healthcheck if ins.healthcheck_cmd.is_none() && !ins.healthcheck_none => {
            error("HEALTHCHECK requires NONE or CMD".to_string())
        }
        _ => {}
    }
}

/// A script too deep to read is not kept, so no rule walks it; it is
/// reported instead.
fn drop_too_deep_script(ins: &mut Instruction, errors: &mut Vec<SyntaxError>) {
    if let Some(at) = ins.script.as_ref().and_then(|s| s.too_deep.map(|at| s.source_offset(at))) {
        ins.script = None;
        errors.push(SyntaxError {
            range: TextRange::empty(at),
            message: format!(
                "shell script nested too deeply (its syntax tree is over {MAX_NESTING} levels deep); not analysed"
            ),
        });
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

#[cfg(test)]
mod tests {
    use super::Document;

    #[test]
    fn windows_images_are_known_by_reference_or_by_the_word_as_written() {
        let doc = Document::parse(
            "ARG WINDOWS_BASE_IMAGE\n\
             FROM ${WINDOWS_BASE_IMAGE}\nRUN dir\n\
             FROM mcr.microsoft.com/dotnet/framework/sdk:4.8 AS build\n\
             FROM build\nUSER app\n\
             FROM myorg/app:ltsc2019\n\
             FROM debian:12\nRUN ls\n",
        );
        let windows: Vec<bool> = (0..doc.stages.len()).map(|s| doc.on_windows_image(s)).collect();
        assert_eq!(windows, [true, true, true, false, false]);
        // The stage's default shell follows the same answer.
        assert_eq!(doc.shell_at(2), ["cmd", "/S", "/C"]);
        assert_eq!(doc.shell_at(5), ["cmd", "/S", "/C"]);
        assert_eq!(doc.shell_at(8), ["/bin/sh", "-c"]);
    }
}
