pub(crate) mod maintainer_deprecated;
