use crate::engine::Rule;

mod maintainer_deprecated;

pub(super) static RULES: &[&Rule] = &[&maintainer_deprecated::RULE];
