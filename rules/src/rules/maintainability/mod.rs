use crate::rule::Rule;

mod add_instead_of_copy;
mod consistent_instruction_casing;
mod copy_from_stage_index;
mod expose_proto_casing;
mod from_as_casing;
mod inline_ignore_pragma;
mod invalid_definition_description;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod stage_name_casing;
mod unused_stage;
pub(crate) mod unused_suppression;

pub(super) static RULES: &[&Rule] = &[
    &inline_ignore_pragma::RULE,
    &add_instead_of_copy::RULE,
    &maintainer_deprecated::RULE,
    &stage_name_casing::RULE,
    &from_as_casing::RULE,
    &consistent_instruction_casing::RULE,
    &legacy_key_value_format::RULE,
    &expose_proto_casing::RULE,
    &invalid_definition_description::RULE,
    &copy_from_stage_index::RULE,
    &unused_stage::RULE,
    &unused_suppression::RULE,
];
