use crate::engine::Rule;

pub(super) static RULES: &[&Rule] = &[];
