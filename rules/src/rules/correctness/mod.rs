pub(crate) mod copy_from_unknown_stage;
pub(crate) mod shell_form_command;
pub(crate) mod syntax_error;
