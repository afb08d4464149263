use crate::rule::Rule;

mod apt_get_missing_yes;
mod apt_instead_of_apt_get;
mod cd_instead_of_workdir;
mod curl_and_wget;
mod dnf_missing_yes;
mod ln_replaces_bin_sh;
mod pipe_without_pipefail;
mod pointless_command_in_run;
mod support;
mod wget_verbose_progress;
mod yum_missing_yes;
mod zypper_dist_upgrade;
mod zypper_missing_non_interactive;

pub(super) static RULES: &[&Rule] = &[
    &apt_get_missing_yes::RULE,
    &pointless_command_in_run::RULE,
    &cd_instead_of_workdir::RULE,
    &apt_instead_of_apt_get::RULE,
    &yum_missing_yes::RULE,
    &zypper_missing_non_interactive::RULE,
    &zypper_dist_upgrade::RULE,
    &dnf_missing_yes::RULE,
    &wget_verbose_progress::RULE,
    &curl_and_wget::RULE,
    &ln_replaces_bin_sh::RULE,
    &pipe_without_pipefail::RULE,
];
