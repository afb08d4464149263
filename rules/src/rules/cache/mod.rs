use crate::rule::Rule;

mod broad_copy_before_install;
mod missing_cache_mount;
pub(crate) mod package_index_update_alone;
pub(crate) mod support;
mod volatile_value_before_expensive_step;

pub(super) static RULES: &[&Rule] = &[
    &package_index_update_alone::RULE,
    &broad_copy_before_install::RULE,
    &volatile_value_before_expensive_step::RULE,
    &missing_cache_mount::RULE,
];
