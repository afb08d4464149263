use crate::engine::Rule;

mod latest_base_image;
mod untagged_base_image;

pub(super) static RULES: &[&Rule] = &[&untagged_base_image::RULE, &latest_base_image::RULE];
