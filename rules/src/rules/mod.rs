//! The registry. Each rule lives in its own file under its category's
//! folder, and its doc comment is its documentation. Each category's
//! `mod.rs` lists its rules (one line per rule) in `RULES`.

use std::sync::LazyLock;

use crate::rule::Rule;

mod base_image;
pub(crate) mod cache;
mod correctness;
pub(crate) mod dev_container;
pub(crate) mod fix_safety;
mod maintainability;
mod metadata;
pub(crate) mod package_cli;
pub(crate) mod pip_cli;
mod reproducibility;
pub(crate) mod security;
mod shell;
mod size;
#[cfg(test)]
pub(crate) mod test_support;

pub(crate) use maintainability::unused_suppression;

/// Every rule, category by category.
pub(crate) static ALL: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    [
        correctness::RULES,
        security::RULES,
        cache::RULES,
        size::RULES,
        base_image::RULES,
        reproducibility::RULES,
        shell::RULES,
        maintainability::RULES,
        metadata::RULES,
    ]
    .concat()
});
