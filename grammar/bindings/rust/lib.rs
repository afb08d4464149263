//! The dockside Dockerfile grammar for [tree-sitter](https://tree-sitter.github.io/).
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&dockside_grammar::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("FROM alpine:3.20\n", None).unwrap();
//! assert_eq!(tree.root_node().child(0).unwrap().kind(), "from_instruction");
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_dockerfile() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_dockerfile) };

/// The content of `node-types.json`.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Syntax highlighting query for editors (Neovim, Helix, Zed).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// SHA-256 of the `grammar.js` that `src/parser.c` was generated from.
pub const GENERATED_FROM: &str = include_str!("../../src/GENERATED_FROM");

/// The `grammar.js` source, so a test can tell whether `parser.c` is stale.
pub const GRAMMAR_JS: &str = include_str!("../../grammar.js");
