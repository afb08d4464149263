//! The dockside engine: Dockerfile text in, diagnostics and fixes out.
//!
//! Data flows one way: [`syntax`] (tree-sitter) -> [`model::Document`] ->
//! rules (through [`engine`]) -> [`Diagnostic`]s and [`Fix`]es. Nothing here
//! knows about terminals or the Language Server Protocol; front-ends call
//! [`check`] and [`fix`] and render the results themselves.

pub mod base_images;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod format;
pub mod model;
pub mod pipeline;
#[cfg(test)]
mod random_edits;
pub mod registry;
pub mod rule;
pub mod rule_meta;
mod rules;
pub mod settings;
pub mod shellcheck;
mod spelling;
pub mod syntax;
#[doc(hidden)]
pub mod test_env;

pub use config::ConfigError;
pub use diagnostic::{Applicability, Category, Diagnostic, Edit, Fix, Related, Severity, TextRange};
pub use engine::{
    CheckResult, FixProblem, FixProblemKind, FixResult, Rule, check, check_document, check_document_on_two_threads,
    check_with_rules, fix,
};
pub use model::Document;
pub use registry::{FixAvailability, FixSafety, RuleMeta, all_rules, find_rule, find_rules};
pub use settings::Settings;
pub use syntax::{ColumnUnit, LineIndex, Position, SyntaxTree};
