use crate::rule::Rule;

mod apk_add_keeps_cache;
mod apt_get_installs_recommends;
mod apt_lists_not_removed;
mod archive_copied_then_extracted;
mod chown_after_copy;
mod consecutive_run_instructions;
mod dnf_cache_not_cleaned;
mod package_cache_left_behind;
mod pip_install_keeps_cache;
mod removed_in_later_layer;
pub(super) mod support;
mod toolchain_in_final_stage;
mod useradd_high_uid_lastlog;
mod yarn_cache_not_cleaned;
mod yum_cache_not_cleaned;
mod zypper_cache_not_cleaned;

pub(super) static RULES: &[&Rule] = &[
    &apt_lists_not_removed::RULE,
    &archive_copied_then_extracted::RULE,
    &apt_get_installs_recommends::RULE,
    &apk_add_keeps_cache::RULE,
    &yum_cache_not_cleaned::RULE,
    &zypper_cache_not_cleaned::RULE,
    &dnf_cache_not_cleaned::RULE,
    &pip_install_keeps_cache::RULE,
    &useradd_high_uid_lastlog::RULE,
    &consecutive_run_instructions::RULE,
    &yarn_cache_not_cleaned::RULE,
    &chown_after_copy::RULE,
    &removed_in_later_layer::RULE,
    &toolchain_in_final_stage::RULE,
    &package_cache_left_behind::RULE,
];
