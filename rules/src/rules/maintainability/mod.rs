use crate::engine::Rule;

mod add_instead_of_copy;
mod inline_ignore_pragma;
mod maintainer_deprecated;

pub(super) static RULES: &[&Rule] =
    &[&inline_ignore_pragma::RULE, &add_instead_of_copy::RULE, &maintainer_deprecated::RULE];
