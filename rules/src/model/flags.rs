//! The flags BuildKit accepts per instruction, with what they take and
//! do: the model rejects any other flag (and a non-switch without `=value`),
//! and the language server's completion, hover and signature help describe
//! them from the same table.

use super::InstructionKind;

/// One `--flag` of an instruction.
pub struct FlagDoc {
    pub name: &'static str,
    /// What follows `=` (`<stage|image>`), empty for a switch (`--link`).
    pub value: &'static str,
    /// Values to offer after `=`.
    pub values: &'static [&'static str],
    pub summary: &'static str,
    /// BuildKit reads it alone as `=true` (`--link`); every other flag
    /// needs its `=value`.
    pub switch: bool,
}

const PLATFORM: FlagDoc = FlagDoc {
    name: "platform",
    value: "<os>/<arch>[/<variant>]",
    values: &["linux/amd64", "linux/arm64", "linux/arm/v7", "$BUILDPLATFORM", "$TARGETPLATFORM"],
    summary: "The platform of the image to pull (`linux/amd64`, `linux/arm64`...), for images published for \
              several platforms. Without it the target platform of the build is used; `$BUILDPLATFORM` \
              picks the builder's own platform, the usual choice for cross-compiling stages.",
    switch: false,
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
        switch: false,
    },
    FlagDoc {
        name: "network",
        value: "<default|none|host>",
        values: &["default", "none", "host"],
        summary: "The network of the command: `none` has no network access at all, `host` uses the builder's \
                  network (needs the `network.host` entitlement), `default` is the normal sandboxed network.",
        switch: false,
    },
    FlagDoc {
        name: "security",
        value: "<sandbox|insecure>",
        values: &["sandbox", "insecure"],
        summary: "`insecure` runs the command without the sandbox, like a privileged container (needs the \
                  `security.insecure` entitlement); `sandbox` is the default.",
        switch: false,
    },
    FlagDoc {
        name: "device",
        value: "<name>[,required]",
        values: &[],
        summary: "Exposes a CDI device (for example a GPU) to the command. Experimental (Dockerfile labs \
                  syntax).",
        switch: false,
    },
];

const CHOWN: FlagDoc = FlagDoc {
    name: "chown",
    value: "<user>[:<group>]",
    values: &[],
    summary: "The owner of the copied files, by name or numeric ID; names are looked up in the image's \
              `/etc/passwd` and `/etc/group`. Without it files belong to root (UID and GID 0).",
    switch: false,
};

const CHMOD: FlagDoc = FlagDoc {
    name: "chmod",
    value: "<perms>",
    values: &["755", "644", "0755", "0644", "u=rwx,go=rx"],
    summary: "The permissions of the copied files, in octal (`755`) or, with recent BuildKit, symbolic \
              notation (`u=rwx,go=rx`). Saves a `RUN chmod` that would duplicate the files in another layer.",
    switch: false,
};

const LINK: FlagDoc = FlagDoc {
    name: "link",
    value: "",
    values: &[],
    summary: "Copies into an independent layer that does not depend on the layers before it, so the layer \
              stays cached when earlier instructions change and can be rebased without being rebuilt.",
    switch: true,
};

const EXCLUDE: FlagDoc = FlagDoc {
    name: "exclude",
    value: "<pattern>",
    values: &[],
    summary: "Leaves out sources matching the pattern (same syntax as `.dockerignore`); repeat it for \
              several patterns.",
    switch: false,
};

const COPY_FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "from",
        value: "<stage|image|context>",
        values: &[],
        summary: "Copies from an earlier build stage (by name or index), an image, or a named build context \
                  instead of the build context.",
        switch: false,
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
        switch: true,
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
        switch: false,
    },
    FlagDoc {
        name: "keep-git-dir",
        value: "",
        values: &[],
        summary: "For a git repository source: keep the `.git` directory in the copy.",
        switch: true,
    },
    EXCLUDE,
    FlagDoc {
        name: "unpack",
        value: "<true|false>",
        values: &["true", "false"],
        summary: "Whether a tar archive source is extracted (the default for local archives) or copied as it \
                  is.",
        switch: true,
    },
];

const HEALTHCHECK_FLAGS: &[FlagDoc] = &[
    FlagDoc {
        name: "interval",
        value: "<duration>",
        values: &["30s", "1m", "5m"],
        summary: "Time between two checks, counted from the end of the previous one (default `30s`).",
        switch: false,
    },
    FlagDoc {
        name: "timeout",
        value: "<duration>",
        values: &["5s", "10s", "30s"],
        summary: "A check that runs longer than this counts as failed (default `30s`).",
        switch: false,
    },
    FlagDoc {
        name: "start-period",
        value: "<duration>",
        values: &["10s", "30s", "1m"],
        summary: "Start-up time: failures during it do not count towards the retries, and the first success \
                  ends it (default `0s`).",
        switch: false,
    },
    FlagDoc {
        name: "start-interval",
        value: "<duration>",
        values: &["1s", "5s"],
        summary: "Time between checks during the start period (default `5s`; needs Docker Engine 25 or later).",
        switch: false,
    },
    FlagDoc {
        name: "retries",
        value: "<n>",
        values: &["3", "5"],
        summary: "Consecutive failures after which the container is reported unhealthy (default `3`).",
        switch: false,
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

#[cfg(test)]
mod tests {
    use crate::model::Document;

    fn errors(text: &str) -> Vec<String> {
        Document::parse(text).syntax_errors.iter().map(|e| e.message.clone()).collect()
    }

    #[test]
    fn the_model_accepts_exactly_the_tables_flags() {
        assert!(errors("FROM --platform=linux/amd64 debian\nRUN --network=none true\n").is_empty());
        assert!(errors("FROM debian\nCOPY --link --parents --exclude=*.md a /b/\n").is_empty());
        assert!(errors("FROM debian\nADD --keep-git-dir --unpack https://x/a.tar /b/\n").is_empty());
        assert_eq!(errors("FROM debian\nRUN --link true\n"), ["unknown flag `--link` for RUN"]);
        assert!(errors("FROM debian\nCOPY --Chown=1 a /b/\n").is_empty());
        assert_eq!(
            errors("FROM debian\nCOPY --from build /a /b\n"),
            ["`--from` needs a value written with `=`: `--from=<value>`"]
        );
    }

    #[test]
    fn switches_are_the_flags_described_without_a_required_value() {
        let switches: Vec<&str> = [
            super::InstructionKind::From,
            super::InstructionKind::Run,
            super::InstructionKind::Copy,
            super::InstructionKind::Add,
            super::InstructionKind::Healthcheck,
        ]
        .into_iter()
        .flat_map(|kind| super::flags(kind).iter().filter(|f| f.switch).map(|f| f.name))
        .collect();
        assert_eq!(switches, ["link", "parents", "link", "keep-git-dir", "unpack"]);
    }
}
