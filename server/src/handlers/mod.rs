//! One module per LSP method area. Each handler takes a snapshot of the
//! document, does its engine work on a blocking thread and converts the
//! answer with [`crate::convert`].

pub mod code_action;
pub mod completion;
pub mod diagnostics;
pub mod document_links;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod lifecycle;
pub mod navigation;
pub mod rename;
pub mod selection_range;
pub mod semantic_tokens;
pub mod signature_help;
pub mod symbols;
pub mod sync;
pub mod workspace;
