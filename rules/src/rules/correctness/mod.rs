use crate::rule::Rule;

mod copy_destination_not_directory;
mod copy_entire_filesystem;
mod copy_from_current_stage;
mod copy_from_unknown_stage;
mod copy_ignored_file;
mod duplicate_stage_name;
mod env_same_instruction_reference;
mod expose_invalid_format;
mod expose_port_out_of_range;
mod instruction_before_from;
mod invalid_default_arg_in_from;
mod invalid_onbuild_trigger;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod no_empty_continuation;
mod package_manager_mismatch;
mod redundant_target_platform;
mod relative_copy_destination;
mod relative_workdir;
mod reserved_stage_name;
mod shell_form_command;
mod support;
mod syntax_error;
mod trailing_comment;
mod undefined_arg_in_from;
mod undefined_var;

pub(super) static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &package_manager_mismatch::RULE,
    &relative_workdir::RULE,
    &expose_port_out_of_range::RULE,
    &multiple_healthcheck::RULE,
    &copy_destination_not_directory::RULE,
    &copy_from_unknown_stage::RULE,
    &copy_from_current_stage::RULE,
    &duplicate_stage_name::RULE,
    &shell_form_command::RULE,
    &invalid_onbuild_trigger::RULE,
    &env_same_instruction_reference::RULE,
    &relative_copy_destination::RULE,
    &instruction_before_from::RULE,
    &reserved_stage_name::RULE,
    &redundant_target_platform::RULE,
    &copy_entire_filesystem::RULE,
    &multiple_cmd::RULE,
    &multiple_entrypoint::RULE,
    &no_empty_continuation::RULE,
    &undefined_arg_in_from::RULE,
    &invalid_default_arg_in_from::RULE,
    &undefined_var::RULE,
    &expose_invalid_format::RULE,
    &copy_ignored_file::RULE,
    &trailing_comment::RULE,
];
