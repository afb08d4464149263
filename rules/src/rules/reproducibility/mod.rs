pub(crate) mod latest_base_image;
pub(crate) mod untagged_base_image;
