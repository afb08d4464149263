//! The registry: one line per rule. Each rule lives in its own file under
//! its category's folder, and its doc comment is its documentation.

use crate::engine::Rule;

mod correctness;
mod maintainability;
mod reproducibility;
mod security;
mod shell;
#[cfg(test)]
pub(crate) mod test_support;

/// Every rule, in documentation order.
pub(crate) static ALL: &[&Rule] = &[
    &correctness::syntax_error::RULE,
    &correctness::copy_from_unknown_stage::RULE,
    &correctness::shell_form_command::RULE,
    &security::last_user_root::RULE,
    &reproducibility::untagged_base_image::RULE,
    &reproducibility::latest_base_image::RULE,
    &shell::apt_get_missing_yes::RULE,
    &maintainability::maintainer_deprecated::RULE,
];
