//! Reference tables for editing features: instruction flags, `--mount` types
//! and their keys, parser directives, stop signals and a few package-manager
//! flags. Written for dockside from the Dockerfile reference; completion,
//! hover and signature help read them.

use dockside_rules::model::InstructionKind;

/// One `--flag` of an instruction.
pub struct FlagDoc {
    pub name: &'static str,
    /// What follows `=` (`<stage|image>`), empty for a switch (`--link`).
    pub value: &'static str,
    /// Values to offer after `=`.
    pub values: &'static [&'static str],
    pub summary: &'static str,
}

const PLATFORM: FlagDoc = FlagDoc {
    name: "platform",
    value: "<os>/<arch>[/<variant>]",
    values: &["linux/amd64", "linux/arm64", "linux/arm/v7", "$BUILDPLATFORM", "$TARGETPLATFORM"],
    summary: "The platform of the image to pull (`linux/amd64`, `linux/arm64`...), for images published for \
              several platforms. Without it the target platform of the build is used; `$BUILDPLATFORM` \
              picks the builder's own platform, the usual choice for cross-compiling stages.",
};

const RUN_FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "mount",
        value: "type=<bind|cache|tmpfs|secret|ssh>[,<key>=<value>...]",
        values: &[],
        summary: "Mounts something into the container for this `RUN` only; nothing of it ends up in the layer. \
                  `type=cache` keeps a directory between builds (package caches), `type=secret` and `type=ssh` \
                  expose credentials, `type=bind` reads files from the context or another stage, `type=tmpfs` \
                  gives a scratch directory in memory.",
    },
    FlagDoc {
        name: "network",
        value: "<default|none|host>",
        values: &["default", "none", "host"],
        summary: "The network of the command: `none` has no network access at all, `host` uses the builder's \
                  network (needs the `network.host` entitlement), `default` is the normal sandboxed network.",
    },
    FlagDoc {
        name: "security",
        value: "<sandbox|insecure>",
        values: &["sandbox", "insecure"],
        summary: "`insecure` runs the command without the sandbox, like a privileged container (needs the \
                  `security.insecure` entitlement); `sandbox` is the default.",
    },
    FlagDoc {
        name: "device",
        value: "<name>[,required]",
        values: &[],
        summary: "Exposes a CDI device (for example a GPU) to the command. Experimental (Dockerfile labs \
                  syntax).",
    },
];

const CHOWN: FlagDoc = FlagDoc {
    name: "chown",
    value: "<user>[:<group>]",
    values: &[],
    summary: "The owner of the copied files, by name or numeric ID; names are looked up in the image's \
              `/etc/passwd` and `/etc/group`. Without it files belong to root (UID and GID 0).",
};

const CHMOD: FlagDoc = FlagDoc {
    name: "chmod",
    value: "<perms>",
    values: &["755", "644", "0755", "0644", "u=rwx,go=rx"],
    summary: "The permissions of the copied files, in octal (`755`) or, with recent BuildKit, symbolic \
              notation (`u=rwx,go=rx`). Saves a `RUN chmod` that would duplicate the files in another layer.",
};

const LINK: FlagDoc = FlagDoc {
    name: "link",
    value: "",
    values: &[],
    summary: "Copies into an independent layer that does not depend on the layers before it, so the layer \
              stays cached when earlier instructions change and can be rebased without being rebuilt.",
};

const EXCLUDE: FlagDoc = FlagDoc {
    name: "exclude",
    value: "<pattern>",
    values: &[],
    summary: "Leaves out sources matching the pattern (same syntax as `.dockerignore`); repeat it for \
              several patterns.",
};

const COPY_FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "from",
        value: "<stage|image|context>",
        values: &[],
        summary: "Copies from an earlier build stage (by name or index), an image, or a named build context \
                  instead of the build context.",
    },
    CHOWN,
    CHMOD,
    LINK,
    FlagDoc {
        name: "parents",
        value: "",
        values: &[],
        summary: "Keeps the parent directories of the sources below the destination (`COPY --parents \
                  ./a/b/file /dst/` creates `/dst/a/b/file`); `/./` in a source marks where the kept part \
                  starts.",
    },
    EXCLUDE,
];

const ADD_FLAGS: &[FlagDoc] = &[
    CHOWN,
    CHMOD,
    LINK,
    FlagDoc {
        name: "checksum",
        value: "<algorithm>:<hash>",
        values: &["sha256:"],
        summary: "The expected checksum of a remote source (`sha256:…`); the build fails when the downloaded \
                  content differs.",
    },
    FlagDoc {
        name: "keep-git-dir",
        value: "",
        values: &[],
        summary: "For a git repository source: keep the `.git` directory in the copy.",
    },
    EXCLUDE,
    FlagDoc {
        name: "unpack",
        value: "<true|false>",
        values: &["true", "false"],
        summary: "Whether a tar archive source is extracted (the default for local archives) or copied as it \
                  is.",
    },
];

const HEALTHCHECK_FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "interval",
        value: "<duration>",
        values: &["30s", "1m", "5m"],
        summary: "Time between two checks, counted from the end of the previous one (default `30s`).",
    },
    FlagDoc {
        name: "timeout",
        value: "<duration>",
        values: &["5s", "10s", "30s"],
        summary: "A check that runs longer than this counts as failed (default `30s`).",
    },
    FlagDoc {
        name: "start-period",
        value: "<duration>",
        values: &["10s", "30s", "1m"],
        summary: "Start-up time: failures during it do not count towards the retries, and the first success \
                  ends it (default `0s`).",
    },
    FlagDoc {
        name: "start-interval",
        value: "<duration>",
        values: &["1s", "5s"],
        summary: "Time between checks during the start period (default `5s`; needs Docker Engine 25 or later).",
    },
    FlagDoc {
        name: "retries",
        value: "<n>",
        values: &["3", "5"],
        summary: "Consecutive failures after which the container is reported unhealthy (default `3`).",
    },
];

/// The flags of an instruction, in the order they are offered.
pub fn flags(kind: InstructionKind) -> &'static [FlagDoc] {
    match kind {
        InstructionKind::From => std::slice::from_ref(&PLATFORM),
        InstructionKind::Run => RUN_FLAGS,
        InstructionKind::Copy => COPY_FLAGS,
        InstructionKind::Add => ADD_FLAGS,
        InstructionKind::Healthcheck => HEALTHCHECK_FLAGS,
        _ => &[],
    }
}

pub fn flag(kind: InstructionKind, name: &str) -> Option<&'static FlagDoc> {
    flags(kind).iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

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
    fn tables_cover_the_engines_flags() {
        // Every flag BuildKit accepts is documented here.
        for (kind, names) in [
            (InstructionKind::From, &["platform"][..]),
            (InstructionKind::Run, &["mount", "network", "security", "device"]),
            (InstructionKind::Copy, &["from", "chown", "chmod", "link", "parents", "exclude"]),
            (InstructionKind::Add, &["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"]),
            (InstructionKind::Healthcheck, &["interval", "timeout", "start-period", "start-interval", "retries"]),
        ] {
            for name in names {
                assert!(flag(kind, name).is_some(), "{kind:?} --{name}");
            }
        }
        for (ty, _) in MOUNT_TYPES {
            assert!(MOUNT_KEYS.iter().any(|k| k.types.contains(ty) && k.name == "target"), "{ty}");
        }
        assert_eq!(mount_key("dst").map(|k| k.name), Some("target"));
    }
}
