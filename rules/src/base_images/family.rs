//! Which Linux distribution an image is built on, read from its name and
//! tag, and which package manager each distribution ships.
//!
//! Only what the reference itself says counts: a distribution image
//! (`alpine`, `debian`, `rockylinux` …), a distribution word in the tag
//! (`-alpine`, `-slim`, `bookworm`, `jammy`, `ubi9` …), or the documented
//! default variant of an official image (`python:3.12` is Debian-based).
//! Anything else is unknown, and rules stay silent about it.

use crate::model::ImageRef;

/// A distribution family: the images of one family share a package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Distro {
    Debian,
    Ubuntu,
    Alpine,
    /// Red Hat and its rebuilds: RHEL/UBI, CentOS, Rocky, Alma, Oracle
    /// Linux, Fedora, Amazon Linux.
    RedHat,
    Suse,
    Arch,
}

impl Distro {
    pub fn name(self) -> &'static str {
        match self {
            Distro::Debian => "Debian",
            Distro::Ubuntu => "Ubuntu",
            Distro::Alpine => "Alpine",
            Distro::RedHat => "a Red Hat-family distribution",
            Distro::Suse => "openSUSE/SLE",
            Distro::Arch => "Arch Linux",
        }
    }

    /// The package manager the distribution ships.
    pub fn package_manager(self) -> PackageManager {
        match self {
            Distro::Debian | Distro::Ubuntu => PackageManager::Apt,
            Distro::Alpine => PackageManager::Apk,
            Distro::RedHat => PackageManager::Rpm,
            Distro::Suse => PackageManager::Zypper,
            Distro::Arch => PackageManager::Pacman,
        }
    }
}

/// A distribution's package manager, by the commands that run it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PackageManager {
    /// `apt-get`, `apt`, `aptitude`.
    Apt,
    Apk,
    /// `yum`, `dnf`, `microdnf`.
    Rpm,
    Zypper,
    Pacman,
}

impl PackageManager {
    /// The package manager a command runs (`apt-get` → Apt).
    pub fn of_command(name: &str) -> Option<PackageManager> {
        Some(match name {
            "apt-get" | "apt" | "aptitude" => PackageManager::Apt,
            "apk" => PackageManager::Apk,
            "yum" | "dnf" | "microdnf" => PackageManager::Rpm,
            "zypper" => PackageManager::Zypper,
            "pacman" => PackageManager::Pacman,
            _ => return None,
        })
    }

    /// The commands that run it, the usual one first.
    pub fn commands(self) -> &'static [&'static str] {
        match self {
            PackageManager::Apt => &["apt-get", "apt", "aptitude"],
            PackageManager::Apk => &["apk"],
            PackageManager::Rpm => &["dnf", "yum", "microdnf"],
            PackageManager::Zypper => &["zypper"],
            PackageManager::Pacman => &["pacman"],
        }
    }
}

/// Distribution images, by the last component of their path.
const DISTRO_IMAGES: &[(&str, Distro)] = &[
    ("alpine", Distro::Alpine),
    ("debian", Distro::Debian),
    ("ubuntu", Distro::Ubuntu),
    ("centos", Distro::RedHat),
    ("rockylinux", Distro::RedHat),
    ("almalinux", Distro::RedHat),
    ("fedora", Distro::RedHat),
    ("oraclelinux", Distro::RedHat),
    ("amazonlinux", Distro::RedHat),
    ("ubi", Distro::RedHat),
    ("ubi-minimal", Distro::RedHat),
    ("ubi8", Distro::RedHat),
    ("ubi9", Distro::RedHat),
    ("ubi8-minimal", Distro::RedHat),
    ("ubi9-minimal", Distro::RedHat),
    ("leap", Distro::Suse),
    ("tumbleweed", Distro::Suse),
    ("archlinux", Distro::Arch),
];

/// Debian release code names.
pub(crate) const DEBIAN_CODENAMES: &[&str] = &["jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "sid"];
/// Ubuntu release code names.
pub(crate) const UBUNTU_CODENAMES: &[&str] = &[
    "trusty", "xenial", "bionic", "cosmic", "disco", "eoan", "focal", "groovy", "hirsute", "impish", "jammy",
    "kinetic", "lunar", "mantic", "noble", "oracular", "plucky",
];

/// Official images whose tags without a distribution word are Debian-based
/// (their documented default variant), and whose `-slim` tags are too.
const DEBIAN_DEFAULT: &[&str] = &[
    "python",
    "node",
    "ruby",
    "golang",
    "php",
    "perl",
    "rust",
    "buildpack-deps",
    "gcc",
    "nginx",
    "httpd",
    "postgres",
    "redis",
    "wordpress",
    "r-base",
    "haskell",
    "elixir",
    "erlang",
];

/// Official images whose default variant is Ubuntu-based.
const UBUNTU_DEFAULT: &[&str] = &["eclipse-temurin"];

/// True for an official Docker Hub image `name` (`python`,
/// `library/python`, or a mirror's `…/library/python`).
pub(crate) fn is_official(reference: &ImageRef, name: &str) -> bool {
    let path = reference.path.to_ascii_lowercase();
    let official_path = path == name || path.strip_suffix(name).is_some_and(|p| p.ends_with("library/"));
    official_path && (reference.is_docker_hub() || path.contains("library/"))
}

/// The words of a tag (`3.12-slim-bookworm` → `3.12`, `slim`, `bookworm`).
pub(crate) fn tag_words(tag: &str) -> impl Iterator<Item = &str> {
    tag.split(['-', '_']).filter(|w| !w.is_empty())
}

/// The distribution an image is built on, when its reference says so.
pub fn distro_of(reference: &ImageRef) -> Option<Distro> {
    let tag = reference.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let words: Vec<&str> = tag_words(&tag).collect();
    if words.iter().any(|w| w.contains("windows") || w.contains("nanoserver") || w.starts_with("ltsc")) {
        return None;
    }
    let name = reference.short_name().to_ascii_lowercase();
    if let Some((_, distro)) = DISTRO_IMAGES.iter().find(|(n, _)| *n == name) {
        // `opensuse/leap`, `archlinux`, `alpine`: the name alone says it,
        // except for generic names that need their owner.
        let path = reference.path.to_ascii_lowercase();
        let generic = matches!(name.as_str(), "leap" | "tumbleweed");
        if !generic || path.contains("opensuse") || path.contains("suse") {
            return Some(*distro);
        }
    }
    // A distribution word in the tag.
    for word in &words {
        if word.starts_with("alpine") {
            return Some(Distro::Alpine);
        }
        if DEBIAN_CODENAMES.contains(word) {
            return Some(Distro::Debian);
        }
        if UBUNTU_CODENAMES.contains(word) {
            return Some(Distro::Ubuntu);
        }
        if word.starts_with("ubi") && word[3..].chars().all(|c| c.is_ascii_digit() || c == '.') && word.len() > 3 {
            return Some(Distro::RedHat);
        }
    }
    if let Some(default) = default_variant(reference, &words) {
        return Some(default);
    }
    None
}

/// True for an official Debian or Ubuntu image, or an official image whose
/// variant is built on one (`python:3.12`, `node:22-bookworm`): their apt
/// is configured (`/etc/apt/apt.conf.d/docker-clean`) to delete downloaded
/// packages after every install, whether `apt` or `apt-get` installs them.
pub fn cleans_downloaded_packages(reference: &ImageRef) -> bool {
    let official =
        ["debian", "ubuntu"].iter().chain(DEBIAN_DEFAULT).chain(UBUNTU_DEFAULT).any(|n| is_official(reference, n));
    official && matches!(distro_of(reference), Some(Distro::Debian | Distro::Ubuntu))
}

/// Official images that set no `ENTRYPOINT` (nor an ONBUILD trigger that
/// would): a command in their `CMD` runs as it is written.
const WITHOUT_ENTRYPOINT: &[&str] = &[
    "alpine",
    "busybox",
    "debian",
    "ubuntu",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "python",
    "golang",
    "rust",
    "ruby",
    "perl",
    "gcc",
    "buildpack-deps",
    "openjdk",
];

/// True for an official image known to set no `ENTRYPOINT`.
pub fn has_no_entrypoint(reference: &ImageRef) -> bool {
    WITHOUT_ENTRYPOINT.iter().any(|n| is_official(reference, n))
}

/// The distribution of an official image's default (or `-slim`) variant,
/// when the tag has only a version and variant words the image documents.
fn default_variant(reference: &ImageRef, words: &[&str]) -> Option<Distro> {
    let distro = if DEBIAN_DEFAULT.iter().any(|n| is_official(reference, n)) {
        Distro::Debian
    } else if UBUNTU_DEFAULT.iter().any(|n| is_official(reference, n)) {
        Distro::Ubuntu
    } else {
        return None;
    };
    // Versions, `latest`, `slim` and the official images' flavour words.
    let known = |w: &&str| {
        w.chars().next().is_some_and(|c| c.is_ascii_digit())
            || matches!(
                *w,
                "latest"
                    | "slim"
                    | "lts"
                    | "current"
                    | "stable"
                    | "mainline"
                    | "perl"
                    | "otel"
                    | "cli"
                    | "fpm"
                    | "apache"
                    | "zts"
                    | "jdk"
                    | "jre"
                    | "threaded"
                    | "php8.1"
                    | "php8.2"
                    | "php8.3"
                    | "php8.4"
            )
    };
    words.iter().all(known).then_some(distro)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(text: &str) -> Option<Distro> {
        distro_of(&ImageRef::parse(text))
    }

    #[test]
    fn reads_distributions_from_references() {
        assert_eq!(distro("alpine:3.20"), Some(Distro::Alpine));
        assert_eq!(distro("docker.io/library/debian:bookworm-slim"), Some(Distro::Debian));
        assert_eq!(distro("ubuntu"), Some(Distro::Ubuntu));
        assert_eq!(distro("quay.io/centos/centos:stream9"), Some(Distro::RedHat));
        assert_eq!(distro("registry.access.redhat.com/ubi9/ubi-minimal:9.4"), Some(Distro::RedHat));
        assert_eq!(distro("opensuse/leap:15.6"), Some(Distro::Suse));
        assert_eq!(distro("python:3.12-alpine3.20"), Some(Distro::Alpine));
        assert_eq!(distro("node:20-bookworm-slim"), Some(Distro::Debian));
        assert_eq!(distro("python:3.12-slim"), Some(Distro::Debian));
        assert_eq!(distro("python:3.12"), Some(Distro::Debian));
        assert_eq!(distro("php:8.3-fpm"), Some(Distro::Debian));
        assert_eq!(distro("eclipse-temurin:21-jre"), Some(Distro::Ubuntu));
        assert_eq!(distro("eclipse-temurin:21-jre-alpine"), Some(Distro::Alpine));
        assert_eq!(distro("maven:3-eclipse-temurin-17-focal"), Some(Distro::Ubuntu));
        assert_eq!(distro("public.ecr.aws/docker/library/node:20"), Some(Distro::Debian));
        // Unknown: someone else's image, an unknown flavour, Windows.
        assert_eq!(distro("myorg/python:3.12"), None);
        assert_eq!(distro("openjdk:17"), None);
        assert_eq!(distro("mysql:8.0"), None);
        assert_eq!(distro("python:3.12-windowsservercore-ltsc2022"), None);
        assert_eq!(distro("node:20-something"), None);
        assert_eq!(distro("leap:15"), None);
    }

    #[test]
    fn official_debian_and_ubuntu_images_delete_downloaded_packages() {
        let cleans = |text: &str| cleans_downloaded_packages(&ImageRef::parse(text));
        assert!(cleans("debian:12") && cleans("ubuntu:24.04") && cleans("python:3.12-slim") && cleans("node:22"));
        assert!(cleans("eclipse-temurin:21-jre") && cleans("docker.io/library/debian:bookworm"));
        assert!(!cleans("python:3.12-alpine") && !cleans("myorg/debian:12") && !cleans("kalilinux/kali-rolling"));
        assert!(!cleans("maven:3-eclipse-temurin-17-focal") && !cleans("alpine"));
    }

    #[test]
    fn images_without_an_entrypoint() {
        let none = |text: &str| has_no_entrypoint(&ImageRef::parse(text));
        assert!(none("debian:12") && none("python:3.12-slim") && none("docker.io/library/golang:1.22"));
        assert!(!none("node:22") && !none("nginx") && !none("myorg/python:3.12") && !none("postgres:16"));
    }

    #[test]
    fn maps_commands_to_package_managers() {
        assert_eq!(PackageManager::of_command("apt-get"), Some(PackageManager::Apt));
        assert_eq!(PackageManager::of_command("microdnf"), Some(PackageManager::Rpm));
        assert_eq!(PackageManager::of_command("pip"), None);
        assert_eq!(Distro::Ubuntu.package_manager(), PackageManager::Apt);
        assert_eq!(PackageManager::Apk.commands(), ["apk"]);
    }
}
