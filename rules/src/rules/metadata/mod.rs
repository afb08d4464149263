use crate::rule::Rule;

mod empty_required_label;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_in_schema;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod missing_healthcheck;
mod missing_required_label;
pub(super) mod support;

pub(super) static RULES: &[&Rule] = &[
    &invalid_label_key::RULE,
    &missing_required_label::RULE,
    &label_not_in_schema::RULE,
    &empty_required_label::RULE,
    &label_not_url::RULE,
    &label_not_rfc3339::RULE,
    &label_not_spdx::RULE,
    &label_not_git_hash::RULE,
    &label_not_semver::RULE,
    &missing_healthcheck::RULE,
    &label_not_email::RULE,
];
