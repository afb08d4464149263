pub(crate) mod apt_get_missing_yes;
