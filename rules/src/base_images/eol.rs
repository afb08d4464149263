//! An offline table of end-of-life dates for common official images, and
//! the lookup that tells whether an image's tag is past (or near) its end
//! of life on a given date.
//!
//! Each product's dates come from the project's own published schedule (the
//! source is named above each list). A version released after
//! [`TABLE_DATE`] is simply unknown: the lookup reports nothing for it.

use super::date::Date;
use super::family::{DEBIAN_CODENAMES, UBUNTU_CODENAMES, is_official, tag_words};
use crate::model::ImageRef;

/// When the table was last brought up to date (`dockside --version` shows it).
pub const TABLE_DATE: &str = "2025-08-31";

/// How many days before its end of life a version counts as near it.
pub const NEAR_DAYS: i64 = 90;

/// One product's releases: a version prefix and its end-of-life date.
struct Product {
    /// What messages call it.
    name: &'static str,
    /// The official images that ship it.
    images: &'static [&'static str],
    /// `(version, end of life)`; a version matches a tag version it is a
    /// component-wise prefix of (`3.8` matches `3.8.10`, not `3.80`).
    releases: &'static [(&'static str, &'static str)],
    /// Release code names and the version each stands for.
    codenames: &'static [(&'static str, &'static str)],
}

const PRODUCTS: &[Product] = &[
    // https://devguide.python.org/versions/ (and the release PEPs).
    Product {
        name: "Python",
        images: &["python", "pypy"],
        releases: &[
            ("2", "2020-01-01"),
            ("3.4", "2019-03-18"),
            ("3.5", "2020-09-30"),
            ("3.6", "2021-12-23"),
            ("3.7", "2023-06-27"),
            ("3.8", "2024-10-07"),
            ("3.9", "2025-10-31"),
            ("3.10", "2026-10-31"),
            ("3.11", "2027-10-31"),
            ("3.12", "2028-10-31"),
            ("3.13", "2029-10-31"),
        ],
        codenames: &[],
    },
    // https://github.com/nodejs/Release (odd versions end two months after
    // the next even one ships).
    Product {
        name: "Node.js",
        images: &["node"],
        releases: &[
            ("4", "2018-04-30"),
            ("6", "2019-04-30"),
            ("8", "2019-12-31"),
            ("10", "2021-04-30"),
            ("11", "2019-06-01"),
            ("12", "2022-04-30"),
            ("13", "2020-06-01"),
            ("14", "2023-04-30"),
            ("15", "2021-06-01"),
            ("16", "2023-09-11"),
            ("17", "2022-06-01"),
            ("18", "2025-04-30"),
            ("19", "2023-06-01"),
            ("20", "2026-04-30"),
            ("21", "2024-06-01"),
            ("22", "2027-04-30"),
            ("23", "2025-06-01"),
            ("24", "2028-04-30"),
        ],
        codenames: &[],
    },
    // https://go.dev/doc/devel/release: a release is supported until two
    // newer major releases exist, so each date is the release of 1.N+2.
    Product {
        name: "Go",
        images: &["golang"],
        releases: &[
            ("1.9", "2018-08-24"),
            ("1.10", "2019-02-25"),
            ("1.11", "2019-09-03"),
            ("1.12", "2020-02-25"),
            ("1.13", "2020-08-11"),
            ("1.14", "2021-02-16"),
            ("1.15", "2021-08-16"),
            ("1.16", "2022-03-15"),
            ("1.17", "2022-08-02"),
            ("1.18", "2023-02-01"),
            ("1.19", "2023-08-08"),
            ("1.20", "2024-02-06"),
            ("1.21", "2024-08-13"),
            ("1.22", "2025-02-11"),
            ("1.23", "2025-08-12"),
        ],
        codenames: &[],
    },
    // https://www.ruby-lang.org/en/downloads/branches/
    Product {
        name: "Ruby",
        images: &["ruby"],
        releases: &[
            ("2", "2023-03-31"),
            ("2.3", "2019-03-31"),
            ("2.4", "2020-03-31"),
            ("2.5", "2021-04-05"),
            ("2.6", "2022-04-12"),
            ("2.7", "2023-03-31"),
            ("3.0", "2024-04-23"),
            ("3.1", "2025-03-26"),
            ("3.2", "2026-03-31"),
            ("3.3", "2027-03-31"),
            ("3.4", "2028-03-31"),
        ],
        codenames: &[],
    },
    // https://www.php.net/supported-versions.php and
    // https://www.php.net/eol.php
    Product {
        name: "PHP",
        images: &["php"],
        releases: &[
            ("5", "2018-12-31"),
            ("7", "2022-11-28"),
            ("7.0", "2019-01-10"),
            ("7.1", "2019-12-01"),
            ("7.2", "2020-11-30"),
            ("7.3", "2021-12-06"),
            ("7.4", "2022-11-28"),
            ("8.0", "2023-11-26"),
            ("8.1", "2025-12-31"),
            ("8.2", "2026-12-31"),
            ("8.3", "2027-12-31"),
            ("8.4", "2028-12-31"),
        ],
        codenames: &[],
    },
    // https://adoptium.net/support/ (LTS versions); a feature release
    // ends when the next one is generally available (https://openjdk.org/projects/jdk/).
    Product {
        name: "Eclipse Temurin",
        images: &["eclipse-temurin"],
        releases: &[
            ("8", "2026-11-30"),
            ("11", "2027-10-31"),
            ("16", "2021-09-14"),
            ("17", "2027-10-31"),
            ("18", "2022-09-20"),
            ("19", "2023-03-21"),
            ("20", "2023-09-19"),
            ("21", "2029-12-31"),
            ("22", "2024-09-17"),
            ("23", "2025-03-18"),
            ("24", "2025-09-16"),
        ],
        codenames: &[],
    },
    // Non-LTS OpenJDK feature releases end when the next one is generally
    // available (https://openjdk.org/projects/jdk/); the LTS versions of
    // the deprecated `openjdk` image are left out.
    Product {
        name: "OpenJDK",
        images: &["openjdk"],
        releases: &[
            ("12", "2019-09-17"),
            ("13", "2020-03-17"),
            ("14", "2020-09-15"),
            ("15", "2021-03-16"),
            ("16", "2021-09-14"),
            ("18", "2022-09-20"),
            ("19", "2023-03-21"),
            ("20", "2023-09-19"),
            ("22", "2024-09-17"),
            ("23", "2025-03-18"),
            ("24", "2025-09-16"),
        ],
        codenames: &[],
    },
    // https://www.debian.org/releases/ and https://wiki.debian.org/LTS
    // (the end of LTS, when the official images stop being rebuilt).
    Product {
        name: "Debian",
        images: &["debian"],
        releases: &[
            ("7", "2018-05-31"),
            ("8", "2020-06-30"),
            ("9", "2022-06-30"),
            ("10", "2024-06-30"),
            ("11", "2026-08-31"),
            ("12", "2028-06-30"),
            ("13", "2030-06-30"),
        ],
        codenames: &[
            ("wheezy", "7"),
            ("jessie", "8"),
            ("stretch", "9"),
            ("buster", "10"),
            ("bullseye", "11"),
            ("bookworm", "12"),
            ("trixie", "13"),
        ],
    },
    // https://ubuntu.com/about/release-cycle (end of standard support).
    Product {
        name: "Ubuntu",
        images: &["ubuntu"],
        releases: &[
            ("14.04", "2019-04-30"),
            ("16.04", "2021-04-30"),
            ("16.10", "2017-07-20"),
            ("17.04", "2018-01-13"),
            ("17.10", "2018-07-19"),
            ("18.04", "2023-05-31"),
            ("18.10", "2019-07-18"),
            ("19.04", "2020-01-23"),
            ("19.10", "2020-07-17"),
            ("20.04", "2025-05-31"),
            ("20.10", "2021-07-22"),
            ("21.04", "2022-01-20"),
            ("21.10", "2022-07-14"),
            ("22.04", "2027-04-30"),
            ("22.10", "2023-07-20"),
            ("23.04", "2024-01-25"),
            ("23.10", "2024-07-11"),
            ("24.04", "2029-04-30"),
            ("24.10", "2025-07-10"),
        ],
        codenames: &[
            ("trusty", "14.04"),
            ("xenial", "16.04"),
            ("bionic", "18.04"),
            ("cosmic", "18.10"),
            ("disco", "19.04"),
            ("eoan", "19.10"),
            ("focal", "20.04"),
            ("groovy", "20.10"),
            ("hirsute", "21.04"),
            ("impish", "21.10"),
            ("jammy", "22.04"),
            ("kinetic", "22.10"),
            ("lunar", "23.04"),
            ("mantic", "23.10"),
            ("noble", "24.04"),
            ("oracular", "24.10"),
        ],
    },
    // https://alpinelinux.org/releases/ (each branch is supported for two years).
    Product {
        name: "Alpine",
        images: &["alpine"],
        releases: &[
            ("3.5", "2018-11-01"),
            ("3.6", "2019-05-01"),
            ("3.7", "2019-11-01"),
            ("3.8", "2020-05-01"),
            ("3.9", "2020-11-01"),
            ("3.10", "2021-05-01"),
            ("3.11", "2021-11-01"),
            ("3.12", "2022-05-01"),
            ("3.13", "2022-11-01"),
            ("3.14", "2023-05-01"),
            ("3.15", "2023-11-01"),
            ("3.16", "2024-05-23"),
            ("3.17", "2024-11-22"),
            ("3.18", "2025-05-09"),
            ("3.19", "2025-11-01"),
            ("3.20", "2026-04-01"),
            ("3.21", "2026-11-01"),
            ("3.22", "2027-05-01"),
        ],
        codenames: &[],
    },
    // https://www.centos.org/centos-linux-eol/ and
    // https://www.centos.org/centos-stream/
    Product {
        name: "CentOS",
        images: &["centos"],
        releases: &[
            ("6", "2020-11-30"),
            ("7", "2024-06-30"),
            ("8", "2021-12-31"),
            ("stream8", "2024-05-31"),
            ("stream9", "2027-05-31"),
        ],
        codenames: &[
            ("centos6", "6"),
            ("centos7", "7"),
            ("centos8", "8"),
            ("stream8", "stream8"),
            ("stream9", "stream9"),
        ],
    },
    // https://wiki.rockylinux.org/rocky/version/ (each major follows RHEL's
    // ten-year life).
    Product {
        name: "Rocky Linux",
        images: &["rockylinux", "rockylinux/rockylinux"],
        releases: &[("8", "2029-05-31"), ("9", "2032-05-31")],
        codenames: &[],
    },
    // https://docs.fedoraproject.org/en-US/releases/eol/
    Product {
        name: "Fedora",
        images: &["fedora"],
        releases: &[
            ("30", "2020-05-26"),
            ("31", "2020-11-24"),
            ("32", "2021-05-25"),
            ("33", "2021-11-30"),
            ("34", "2022-06-07"),
            ("35", "2022-12-13"),
            ("36", "2023-05-16"),
            ("37", "2023-12-05"),
            ("38", "2024-05-21"),
            ("39", "2024-11-26"),
            ("40", "2025-05-13"),
        ],
        codenames: &[],
    },
    // https://nginx.org/en/download.html: a stable branch (even minor) is
    // replaced when the next one ships (see https://nginx.org/en/CHANGES).
    Product {
        name: "nginx",
        images: &["nginx"],
        releases: &[
            ("1.16", "2020-04-21"),
            ("1.18", "2021-05-25"),
            ("1.20", "2022-05-24"),
            ("1.22", "2023-04-11"),
            ("1.24", "2024-04-23"),
        ],
        codenames: &[],
    },
    // https://www.postgresql.org/support/versioning/
    Product {
        name: "PostgreSQL",
        images: &["postgres"],
        releases: &[
            ("9.4", "2020-02-13"),
            ("9.5", "2021-02-11"),
            ("9.6", "2021-11-11"),
            ("10", "2022-11-10"),
            ("11", "2023-11-09"),
            ("12", "2024-11-21"),
            ("13", "2025-11-13"),
            ("14", "2026-11-12"),
            ("15", "2027-11-11"),
            ("16", "2028-11-09"),
            ("17", "2029-11-08"),
        ],
        codenames: &[],
    },
    // https://www.oracle.com/us/support/library/lifetime-support-technology-069183.pdf
    // (MySQL Premier Support end).
    Product {
        name: "MySQL",
        images: &["mysql"],
        releases: &[("5.5", "2018-12-31"), ("5.6", "2021-02-28"), ("5.7", "2023-10-31"), ("8.0", "2026-04-30")],
        codenames: &[],
    },
    // https://github.com/redis/redis/security (supported versions), with the
    // dates endoflife.date records from it. 6.2, 7.2 and 7.4 are still
    // maintained there without an announced end, so they are not listed.
    Product {
        name: "Redis",
        images: &["redis"],
        releases: &[("5.0", "2022-04-27"), ("6.0", "2022-05-31"), ("7.0", "2024-07-29"), ("8.0", "2026-02-11")],
        codenames: &[],
    },
    // https://www.mongodb.com/legal/support-policy/lifecycles
    Product {
        name: "MongoDB",
        images: &["mongo"],
        releases: &[
            ("3.6", "2021-04-30"),
            ("4.0", "2022-04-30"),
            ("4.2", "2023-04-30"),
            ("4.4", "2024-02-29"),
            ("5.0", "2024-10-31"),
            ("6.0", "2025-07-31"),
        ],
        codenames: &[],
    },
];

/// Where a version stands on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EolState {
    /// Past its end of life.
    Past,
    /// Within [`NEAR_DAYS`] of it.
    Near,
    Supported,
}

/// The end-of-life status of one product version an image carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EolStatus {
    /// `Python`, `Debian`.
    pub product: &'static str,
    /// The version as the table names it (`3.8`, `11`).
    pub version: &'static str,
    pub eol: Date,
    pub state: EolState,
}

/// The end-of-life status of `image:tag` on `date`: the image's own product
/// (`python:3.8` is Python 3.8) or the distribution its tag names
/// (`python:3.12-slim-buster` is on Debian 10), the worse of the two.
/// `None` when the table does not know the image or version.
pub fn eol_status(image: &str, tag: &str, date: Date) -> Option<EolStatus> {
    let reference = ImageRef::parse(&format!("{image}:{tag}"));
    eol_statuses(&reference, date).into_iter().next()
}

/// Every product version `reference` carries that the table knows, the
/// most urgent first.
pub fn eol_statuses(reference: &ImageRef, date: Date) -> Vec<EolStatus> {
    let Some(tag) = reference.tag.as_deref() else { return Vec::new() };
    let tag = tag.to_ascii_lowercase();
    let words: Vec<&str> = tag_words(&tag).collect();
    let mut out = Vec::new();
    for product in PRODUCTS {
        let own = product.images.iter().any(|name| is_official(reference, name));
        if !own {
            continue;
        }
        if let Some(version) = leading_version(&words).or_else(|| codename_version(product, &words)) {
            out.extend(lookup(product, version, date));
        }
    }
    // The distribution named by the tag of another image (`-buster`,
    // `-alpine3.12`, `-jammy`).
    let own_is_distro = ["debian", "ubuntu", "alpine"].iter().any(|n| is_official(reference, n));
    if !own_is_distro && is_any_official(reference) {
        for word in &words {
            let found = if let Some(v) = word.strip_prefix("alpine").filter(|v| !v.is_empty()) {
                product_named("Alpine").and_then(|p| lookup(p, v, date))
            } else if DEBIAN_CODENAMES.contains(word) {
                product_named("Debian").and_then(|p| codename_version(p, &[word]).and_then(|v| lookup(p, v, date)))
            } else if UBUNTU_CODENAMES.contains(word) {
                product_named("Ubuntu").and_then(|p| codename_version(p, &[word]).and_then(|v| lookup(p, v, date)))
            } else {
                None
            };
            out.extend(found);
        }
    }
    out.sort_by_key(|s| (s.state != EolState::Past, s.state != EolState::Near, s.eol));
    out.dedup();
    out
}

/// True for an official Docker Hub image (`python`, `library/python`):
/// their tags name the distribution they are built on.
fn is_any_official(reference: &ImageRef) -> bool {
    reference.is_docker_hub() && (!reference.path.contains('/') || reference.path.starts_with("library/"))
}

fn product_named(name: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.name == name)
}

/// The version at the start of a tag (`3.8` in `3.8.10-slim`, `8` in
/// `8u372-b07-jdk`), when the tag starts with a digit.
fn leading_version<'a>(words: &[&'a str]) -> Option<&'a str> {
    let first = words.first()?;
    let end = first.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(first.len());
    let version = first[..end].trim_end_matches('.');
    (!version.is_empty()).then_some(version)
}

/// The version a code-name word of the tag stands for (`bullseye` → `11`).
fn codename_version(product: &Product, words: &[&str]) -> Option<&'static str> {
    words.iter().find_map(|w| product.codenames.iter().find(|(name, _)| name == w).map(|(_, v)| *v))
}

/// The table entry for `version`: the longest release that is a
/// component-wise prefix of it.
fn lookup(product: &'static Product, version: &str, date: Date) -> Option<EolStatus> {
    let parts: Vec<&str> = version.split('.').collect();
    let (release, eol) = product
        .releases
        .iter()
        .filter(|(r, _)| {
            let r: Vec<&str> = r.split('.').collect();
            r.len() <= parts.len() && r.iter().zip(&parts).all(|(a, b)| a == b)
        })
        .max_by_key(|(r, _)| r.split('.').count())?;
    let eol = Date::parse(eol)?;
    let days_left = date.days_until(eol);
    let state = if days_left <= 0 {
        EolState::Past
    } else if days_left <= NEAR_DAYS {
        EolState::Near
    } else {
        EolState::Supported
    };
    Some(EolStatus { product: product.name, version: release, eol, state })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> Date {
        Date::parse(date).unwrap()
    }

    fn status(image: &str, tag: &str, date: &str) -> Option<(String, EolState)> {
        eol_status(image, tag, at(date)).map(|s| (format!("{} {}", s.product, s.version), s.state))
    }

    #[test]
    fn every_entry_parses() {
        for product in PRODUCTS {
            for (version, eol) in product.releases {
                assert!(Date::parse(eol).is_some(), "{} {version}: {eol}", product.name);
            }
            for (_, version) in product.codenames {
                assert!(product.releases.iter().any(|(v, _)| v == version), "{} {version}", product.name);
            }
        }
        assert!(Date::parse(TABLE_DATE).is_some());
    }

    #[test]
    fn reads_versions_from_tags() {
        let past = EolState::Past;
        assert_eq!(status("python", "3.8-slim-bullseye", "2025-01-01"), Some(("Python 3.8".into(), past)));
        assert_eq!(status("python", "3.8.10", "2024-10-06"), Some(("Python 3.8".into(), EolState::Near)));
        assert_eq!(status("python", "3.8", "2024-01-01"), Some(("Python 3.8".into(), EolState::Supported)));
        assert_eq!(status("python", "3.80", "2025-01-01"), None);
        assert_eq!(status("python", "3", "2030-01-01"), None);
        assert_eq!(status("python", "latest", "2030-01-01"), None);
        assert_eq!(status("python", "2.7.18-alpine", "2025-01-01"), Some(("Python 2".into(), past)));
        assert_eq!(status("node", "18-alpine", "2025-05-01"), Some(("Node.js 18".into(), past)));
        assert_eq!(status("golang", "1.19", "2025-01-01"), Some(("Go 1.19".into(), past)));
        assert_eq!(status("debian", "bullseye", "2026-09-01"), Some(("Debian 11".into(), past)));
        assert_eq!(status("debian", "11.7-slim", "2026-09-01"), Some(("Debian 11".into(), past)));
        assert_eq!(status("ubuntu", "focal-20230126", "2025-06-01"), Some(("Ubuntu 20.04".into(), past)));
        assert_eq!(status("centos", "7", "2025-01-01"), Some(("CentOS 7".into(), past)));
        assert_eq!(status("centos", "centos7", "2025-01-01"), Some(("CentOS 7".into(), past)));
        assert_eq!(status("centos", "stream8", "2025-01-01"), Some(("CentOS stream8".into(), past)));
        assert_eq!(status("rockylinux", "8.9", "2029-06-01"), Some(("Rocky Linux 8".into(), past)));
        assert_eq!(
            status("rockylinux/rockylinux", "9-minimal", "2026-01-01"),
            Some(("Rocky Linux 9".into(), EolState::Supported))
        );
        assert_eq!(status("quay.io/centos/centos", "stream8", "2025-01-01"), None);
        assert_eq!(status("eclipse-temurin", "8u372-b07-jdk", "2027-01-01"), Some(("Eclipse Temurin 8".into(), past)));
        assert_eq!(status("postgres", "9.6.24", "2022-01-01"), Some(("PostgreSQL 9.6".into(), past)));
        assert_eq!(status("postgres", "9", "2030-01-01"), None);
        assert_eq!(status("redis", "6.0.20-alpine", "2023-01-01"), Some(("Redis 6.0".into(), past)));
        assert_eq!(status("redis", "7.0", "2024-06-01"), Some(("Redis 7.0".into(), EolState::Near)));
        assert_eq!(status("redis", "6.2.14", "2030-01-01"), None);
        assert_eq!(status("redis", "7", "2030-01-01"), None);
        // The distribution in another image's tag.
        assert_eq!(status("python", "3.12-slim-buster", "2025-01-01"), Some(("Debian 10".into(), past)));
        assert_eq!(status("golang", "1.22-alpine3.12", "2024-01-01"), Some(("Alpine 3.12".into(), past)));
        // Not an official image.
        assert_eq!(status("myorg/python", "3.8", "2025-01-01"), None);
        assert_eq!(status("docker.io/library/python", "3.8", "2025-01-01"), Some(("Python 3.8".into(), past)));
    }
}
