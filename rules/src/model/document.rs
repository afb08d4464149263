//! The `Document` and the questions rules ask it once it is built.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostic::TextRange;
use crate::syntax::{LineIndex, SyntaxError, SyntaxTree};

use super::stage::{StageChains, StageNames};
use super::{Base, Instruction, InstructionKind, Scope, Scopes, Stage, Suppressions, Word};

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
    pub(super) syntax: SyntaxTree,
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
    pub(super) shells: Vec<Vec<String>>,
    pub(super) shell_of: Vec<u32>,
    /// Every instruction's ARG/ENV scope, on first use (after the build).
    pub(super) scopes: std::sync::OnceLock<Scopes>,
    /// Tells this model from every other one (a [`BuildCache`](super::BuildCache)
    /// takes back only the last model it built).
    pub(super) build_stamp: u64,
    /// [`DocumentFact`]s computed so far, by type.
    pub(super) facts: Mutex<Facts>,
}

/// The facts computed so far, by type (a `TypeId` is a hash already: no
/// SipHash over it for every lookup).
pub(super) type Facts = HashMap<TypeId, Arc<dyn Any + Send + Sync>, foldhash::fast::FixedState>;

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
    /// The fact `F` about this document, computed on first use.
    pub fn fact<F: DocumentFact>(&self) -> Arc<F> {
        let stored = |facts: &Facts| {
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
        self.fact::<StageChains>().windows.get(stage).copied().unwrap_or(false)
    }

    /// True when the final stage is `stage` or builds on it.
    pub fn in_final_chain(&self, stage: usize) -> bool {
        self.fact::<StageChains>().in_final.get(stage).copied().unwrap_or(false)
    }

    /// Stage by `AS` name (case-insensitive) or by number.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        // Stage names are mostly written in lower case already.
        let lower: std::borrow::Cow<'_, str> =
            if name.bytes().any(|b| b.is_ascii_uppercase()) { name.to_ascii_lowercase().into() } else { name.into() };
        let first_named = self.fact::<StageNames>().0.get(lower.as_ref()).copied();
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

    /// True when the instructions before the first `FROM` are more than
    /// global ARGs: a fragment, linted as an implicit stage.
    pub fn prelude_is_a_stage(&self) -> bool {
        self.prelude().iter().any(|i| i.kind != InstructionKind::Arg)
    }

    /// The instructions grouped as a build runs them: the prelude as an
    /// implicit stage (`None`) when it holds more than ARGs, then every
    /// stage. Rules that look for something twice in a stage, or for one
    /// instruction undoing another, walk these.
    pub fn stage_runs(&self) -> impl Iterator<Item = (Option<&Stage>, &[Instruction])> {
        let prelude = self.prelude();
        self.prelude_is_a_stage()
            .then_some((None, prelude))
            .into_iter()
            .chain(self.stages.iter().map(|s| (Some(s), s.instructions(self))))
    }
}
