//! Reference tables for editing features: instruction flags, `--mount` types
//! and their keys, parser directives, stop signals and a few package-manager
//! flags. Written for dockside from the Dockerfile reference; completion,
//! hover and signature help read them.

pub use dockside_rules::model::flags::{flag, flags};

/// A key of `--mount=…`.
pub struct MountKey {
    pub name: &'static str,
    /// Other spellings BuildKit accepts.
    pub aliases: &'static [&'static str],
    /// The mount types that take it.
    pub types: &'static [&'static str],
    pub values: &'static [&'static str],
    pub summary: &'static str,
}

/// `type=` values of `--mount`.
pub const MOUNT_TYPES: &[(&str, &str)] = &[
    ("bind", "Binds files or directories read-only (by default) from the build context, a stage or an image."),
    ("cache", "A persistent directory for compilers and package managers, kept between builds."),
    ("tmpfs", "An empty in-memory file system."),
    (
        "secret",
        "A secret passed with `docker build --secret`, as a file (default `/run/secrets/<id>`) or an environment variable; never stored in the image.",
    ),
    ("ssh", "Access to the SSH agent or keys passed with `docker build --ssh`, through a socket."),
];

const ALL_TYPES: &[&str] = &["bind", "cache", "tmpfs", "secret", "ssh"];

pub const MOUNT_KEYS: &[MountKey] = &[
    MountKey {
        name: "type",
        aliases: &[],
        types: ALL_TYPES,
        values: &["bind", "cache", "tmpfs", "secret", "ssh"],
        summary: "The kind of mount: `bind` (the default), `cache`, `tmpfs`, `secret` or `ssh`.",
    },
    MountKey {
        name: "target",
        aliases: &["dst", "destination"],
        types: ALL_TYPES,
        values: &[],
        summary: "Where the mount appears inside the container.",
    },
    MountKey {
        name: "source",
        aliases: &["src"],
        types: &["bind", "cache"],
        values: &[],
        summary: "The path to mount, inside `from` (default: its root).",
    },
    MountKey {
        name: "from",
        aliases: &[],
        types: &["bind", "cache"],
        values: &[],
        summary: "The stage, image or build context `source` is read from (default: the build context; for a \
                  cache, an empty directory).",
    },
    MountKey {
        name: "rw",
        aliases: &["readwrite"],
        types: &["bind"],
        values: &[],
        summary: "Allows writes; they are thrown away after the command.",
    },
    MountKey {
        name: "id",
        aliases: &[],
        types: &["cache", "secret", "ssh"],
        values: &[],
        summary: "Cache: the cache's identity (default: the target). Secret and ssh: the ID given to \
                  `docker build --secret`/`--ssh` (default: the target's file name, or `default`).",
    },
    MountKey {
        name: "ro",
        aliases: &["readonly"],
        types: &["cache"],
        values: &[],
        summary: "Mounts the cache read-only.",
    },
    MountKey {
        name: "sharing",
        aliases: &[],
        types: &["cache"],
        values: &["shared", "private", "locked"],
        summary: "How concurrent builds use the cache: `shared` (the default) at the same time, `private` \
                  each with its own copy, `locked` one after the other.",
    },
    MountKey {
        name: "mode",
        aliases: &[],
        types: &["cache", "secret", "ssh"],
        values: &["0755", "0600", "0400"],
        summary: "The permissions of the mounted directory, file or socket (octal).",
    },
    MountKey {
        name: "uid",
        aliases: &[],
        types: &["cache", "secret", "ssh"],
        values: &["0"],
        summary: "The user ID owning the mount.",
    },
    MountKey {
        name: "gid",
        aliases: &[],
        types: &["cache", "secret", "ssh"],
        values: &["0"],
        summary: "The group ID owning the mount.",
    },
    MountKey {
        name: "size",
        aliases: &[],
        types: &["tmpfs"],
        values: &[],
        summary: "The upper limit of the tmpfs size.",
    },
    MountKey {
        name: "env",
        aliases: &[],
        types: &["secret"],
        values: &[],
        summary: "Exposes the secret as this environment variable (instead of, or besides, a file).",
    },
    MountKey {
        name: "required",
        aliases: &[],
        types: &["secret", "ssh"],
        values: &["true", "false"],
        summary: "Fails the build when the secret or SSH agent is not provided (default `false`).",
    },
];

pub fn mount_key(name: &str) -> Option<&'static MountKey> {
    MOUNT_KEYS
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(name) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
}

/// Common `target=` directories of cache mounts: (path, what caches there).
pub const CACHE_TARGETS: &[(&str, &str)] = &[
    ("/var/cache/apt", "apt's downloaded packages (with `/var/lib/apt` and `sharing=locked`)"),
    ("/var/lib/apt", "apt's package lists"),
    ("/var/cache/apk", "apk's downloaded packages"),
    ("/root/.cache/pip", "pip's wheel and HTTP cache (root)"),
    ("/root/.cache/uv", "uv's cache (root)"),
    ("/root/.npm", "npm's cache (root)"),
    ("/usr/local/share/.cache/yarn", "yarn's cache (root)"),
    ("/go/pkg/mod", "Go modules (official golang images)"),
    ("/root/.cache/go-build", "Go's build cache (root)"),
    ("/usr/local/cargo/registry", "Cargo's registry (official rust images)"),
    ("/root/.m2", "Maven's repository (root)"),
    ("/root/.gradle", "Gradle's caches (root)"),
];

/// Parser directives, with what they do.
pub const DIRECTIVES: &[(&str, &str)] = &[
    (
        "syntax",
        "The Dockerfile frontend image that parses this file (`docker/dockerfile:1` for the latest stable \
         syntax).",
    ),
    ("escape", "The escape and line-continuation character: `\\` (the default) or `` ` `` (handy on Windows)."),
    (
        "check",
        "Configures BuildKit's build checks: `skip=<check>,<check>` (or `skip=all`) turns checks off, \
         `error=true` makes any finding fail the build.",
    ),
];

/// Frontend images offered after `# syntax=`.
pub const SYNTAX_IMAGES: &[&str] =
    &["docker/dockerfile:1", "docker/dockerfile:1-labs", "docker/dockerfile-upstream:master"];

/// Signals offered for STOPSIGNAL.
pub const SIGNALS: &[&str] = &[
    "SIGTERM",
    "SIGINT",
    "SIGQUIT",
    "SIGKILL",
    "SIGHUP",
    "SIGUSR1",
    "SIGUSR2",
    "SIGWINCH",
    "SIGSTOP",
    "SIGCONT",
    "SIGABRT",
    "SIGALRM",
    "SIGPWR",
    "SIGRTMIN+3",
];

/// Common flags of package installs, offered inside RUN: (command,
/// subcommand, flag, what it does).
pub const PACKAGE_FLAGS: &[(&str, &str, &str, &str)] = &[
    ("apt-get", "install", "-y", "Answer yes to prompts (needed without a terminal)."),
    ("apt-get", "install", "--no-install-recommends", "Install only the dependencies, not the recommended packages."),
    ("apt-get", "install", "-q", "Quieter output."),
    ("apt-get", "install", "--allow-downgrades", "Allow pinned versions older than the installed ones."),
    ("apt", "install", "-y", "Answer yes to prompts (needed without a terminal)."),
    ("apt", "install", "--no-install-recommends", "Install only the dependencies, not the recommended packages."),
    ("apk", "add", "--no-cache", "Use a fresh index and keep no cache in the image."),
    ("apk", "add", "--virtual", "Group the packages under a name, to remove them together later."),
    ("apk", "add", "--update", "Update the package index first."),
    ("apk", "add", "--no-progress", "No progress bar."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_tables_are_consistent() {
        for (ty, _) in MOUNT_TYPES {
            assert!(MOUNT_KEYS.iter().any(|k| k.types.contains(ty) && k.name == "target"), "{ty}");
        }
        assert_eq!(mount_key("dst").map(|k| k.name), Some("target"));
    }
}
