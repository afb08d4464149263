use crate::engine::Rule;

mod copy_from_unknown_stage;
mod shell_form_command;
mod syntax_error;

pub(super) static RULES: &[&Rule] = &[&syntax_error::RULE, &copy_from_unknown_stage::RULE, &shell_form_command::RULE];
