use crate::rule::Rule;

mod add_url_without_checksum;
mod copy_all_without_dockerignore;
mod curl_pipe_to_shell;
mod expose_ssh_port;
mod hardcoded_secret;
mod last_user_root;
mod missing_user;
mod non_numeric_user;
mod secret_file_copied;
mod secret_in_arg_or_env;
mod signature_check_disabled;
mod sudo_in_run;
mod support;
mod tls_verification_disabled;
mod untrusted_registry;
mod world_writable_chmod;

pub(crate) use secret_in_arg_or_env::buildkit_reports as buildkit_reports_secret;

pub(super) static RULES: &[&Rule] = &[
    &last_user_root::RULE,
    &sudo_in_run::RULE,
    &untrusted_registry::RULE,
    &secret_in_arg_or_env::RULE,
    &non_numeric_user::RULE,
    &copy_all_without_dockerignore::RULE,
    &curl_pipe_to_shell::RULE,
    &hardcoded_secret::RULE,
    &tls_verification_disabled::RULE,
    &signature_check_disabled::RULE,
    &add_url_without_checksum::RULE,
    &secret_file_copied::RULE,
    &world_writable_chmod::RULE,
    &expose_ssh_port::RULE,
    &missing_user::RULE,
];
