use crate::engine::Rule;

mod copy_all_without_dockerignore;
mod last_user_root;
mod non_numeric_user;
mod secret_in_arg_or_env;
mod sudo_in_run;
mod untrusted_registry;

pub(super) static RULES: &[&Rule] = &[
    &last_user_root::RULE,
    &sudo_in_run::RULE,
    &untrusted_registry::RULE,
    &secret_in_arg_or_env::RULE,
    &non_numeric_user::RULE,
    &copy_all_without_dockerignore::RULE,
];
