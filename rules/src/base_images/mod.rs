//! Facts about base images that rules (and the language server's hovers)
//! share: the distribution an image is built on with its package manager
//! ([`family`]), and an offline, dated table of end-of-life versions
//! ([`eol`]).

pub mod date;
pub mod eol;
pub mod family;

pub use date::Date;
pub use eol::{EolState, EolStatus, NEAR_DAYS, TABLE_DATE, eol_status, eol_statuses};
pub use family::{Distro, PackageManager, cleans_downloaded_packages, distro_of, has_no_entrypoint};
