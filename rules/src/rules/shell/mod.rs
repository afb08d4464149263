use crate::engine::Rule;

mod apt_get_missing_yes;

pub(super) static RULES: &[&Rule] = &[&apt_get_missing_yes::RULE];
