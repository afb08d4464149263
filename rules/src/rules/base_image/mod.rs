use crate::engine::Rule;

mod end_of_life_base_image;
mod near_end_of_life_base_image;
mod support;

pub(super) static RULES: &[&Rule] = &[&end_of_life_base_image::RULE, &near_end_of_life_base_image::RULE];
