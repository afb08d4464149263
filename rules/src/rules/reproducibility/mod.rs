use crate::rule::Rule;

mod apk_unpinned_package;
mod apt_get_unpinned_package;
mod constant_from_platform;
mod dnf_unpinned_package;
mod gem_unpinned_package;
mod go_unpinned_package;
mod latest_base_image;
mod npm_unpinned_package;
mod pip_unpinned_package;
mod support;
mod untagged_base_image;
mod yum_unpinned_package;
mod zypper_unpinned_package;

pub(super) static RULES: &[&Rule] = &[
    &untagged_base_image::RULE,
    &latest_base_image::RULE,
    &apt_get_unpinned_package::RULE,
    &pip_unpinned_package::RULE,
    &npm_unpinned_package::RULE,
    &apk_unpinned_package::RULE,
    &gem_unpinned_package::RULE,
    &constant_from_platform::RULE,
    &yum_unpinned_package::RULE,
    &zypper_unpinned_package::RULE,
    &dnf_unpinned_package::RULE,
    &go_unpinned_package::RULE,
];
