use crate::engine::Rule;

mod base_image_not_pinned_by_digest;
mod end_of_life_base_image;
mod full_size_base_image;
mod near_end_of_life_base_image;
mod support;

pub(super) static RULES: &[&Rule] = &[
    &end_of_life_base_image::RULE,
    &near_end_of_life_base_image::RULE,
    &full_size_base_image::RULE,
    &base_image_not_pinned_by_digest::RULE,
];
