//! The Document model: everything rules need to know about a Dockerfile,
//! built once per parse from the syntax tree. It never fails; missing parts
//! are `None` and syntax problems are listed in [`Document::syntax_errors`].

mod build;
mod document;
pub mod flags;
mod image;
mod instruction;
mod later;
mod reuse;
mod scope;
mod shell;
mod stage;
mod suppress;
mod symbols;
mod validate;
mod windows;
mod word;

pub use document::{Comment, Directive, Document, DocumentFact};
pub use image::{ImageRef, is_valid_reference};
pub use instruction::{
    Body, Flag, FromParts, HealthcheckParts, Heredoc, ImageSpec, Instruction, InstructionKind, JsonForm, MountOption,
    Pair, RunParts, ShellForm,
};
pub use later::{CopyOut, Later};
pub use reuse::BuildCache;
pub use scope::{PREDEFINED_ARGS, Scope, Scopes};
pub use shell::{LocalValue, ScriptCache, Segment, ShellArg, ShellCommand, ShellScript, for_each_node};
pub use stage::{Base, Stage};
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
