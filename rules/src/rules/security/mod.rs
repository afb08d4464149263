use crate::engine::Rule;

mod last_user_root;

pub(super) static RULES: &[&Rule] = &[&last_user_root::RULE];
