pub(crate) mod last_user_root;
