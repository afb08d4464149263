use crate::rule::Rule;

mod base_image_end_of_life;
mod base_image_near_end_of_life;
mod base_image_not_pinned_by_digest;
mod full_size_base_image;
mod support;

pub(super) static RULES: &[&Rule] = &[
    &base_image_end_of_life::RULE,
    &base_image_near_end_of_life::RULE,
    &full_size_base_image::RULE,
    &base_image_not_pinned_by_digest::RULE,
];
