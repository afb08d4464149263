//! What each instruction does, for hovers on its keyword: a short
//! description and its syntax, written for dockside from the Dockerfile
//! reference.

use dockside_rules::model::InstructionKind;

pub struct KeywordDoc {
    pub kind: InstructionKind,
    /// One or more syntax lines.
    pub syntax: &'static [&'static str],
    pub summary: &'static str,
}

/// The Dockerfile reference, one anchor per instruction.
pub const REFERENCE_URL: &str = "https://docs.docker.com/reference/dockerfile/";

pub const KEYWORDS: &[KeywordDoc] = &[
    KeywordDoc {
        kind: InstructionKind::From,
        syntax: &["FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]"],
        summary: "Starts a build stage on top of a base image, `scratch` (an empty image) or an earlier \
                  stage. The instructions up to the next `FROM` belong to this stage; `AS <name>` names it \
                  for `COPY --from`, `RUN --mount=from=` and `docker build --target`.",
    },
    KeywordDoc {
        kind: InstructionKind::Run,
        syntax: &[
            "RUN [--mount=<type>,<options>] [--network=default|none|host] [--security=sandbox|insecure] <command>",
            "RUN [\"<executable>\", \"<arg>\", ...]",
            "RUN <<EOF ... EOF",
        ],
        summary: "Executes a command at build time and records the result as a new layer. The shell form \
                  runs through the `SHELL` in effect (`/bin/sh -c` unless changed); the exec form starts the \
                  program directly, without a shell to expand variables.",
    },
    KeywordDoc {
        kind: InstructionKind::Cmd,
        syntax: &["CMD [\"<executable>\", \"<arg>\", ...]", "CMD [\"<arg>\", ...]", "CMD <command>"],
        summary: "The default command of containers started from the image, or the default arguments of \
                  the `ENTRYPOINT`. Arguments given to `docker run` replace it, and only the last `CMD` of \
                  the final stage takes effect.",
    },
    KeywordDoc {
        kind: InstructionKind::Label,
        syntax: &["LABEL <key>=<value> [<key>=<value> ...]"],
        summary: "Attaches key-value metadata to the image. Labels of the base image are inherited, and a \
                  later value for the same key replaces an earlier one.",
    },
    KeywordDoc {
        kind: InstructionKind::Maintainer,
        syntax: &["MAINTAINER <name>"],
        summary: "Deprecated: fills the image's author field, which current tools ignore. Use \
                  `LABEL org.opencontainers.image.authors=\"<name>\"` instead.",
    },
    KeywordDoc {
        kind: InstructionKind::Expose,
        syntax: &["EXPOSE <port>[/<protocol>] [<port>[/<protocol>] ...]"],
        summary: "Records which ports the container listens on (TCP unless `/udp` is given). It is \
                  documentation for the runtime: nothing is published until `docker run -p` or `-P`.",
    },
    KeywordDoc {
        kind: InstructionKind::Env,
        syntax: &["ENV <key>=<value> [<key>=<value> ...]"],
        summary: "Sets environment variables for the rest of the stage and for containers run from the \
                  image. Stages built `FROM` this one inherit them. Values stay in the image, so keep \
                  secrets out of them.",
    },
    KeywordDoc {
        kind: InstructionKind::Add,
        syntax: &[
            "ADD [--chown=<user>:<group>] [--chmod=<perms>] [--checksum=<hash>] [--keep-git-dir] [--link] [--exclude=<pattern>] <src>... <dest>",
            "ADD [\"<src>\", ... \"<dest>\"]",
        ],
        summary: "Copies files into the image like `COPY`, and can also fetch URLs and git repositories \
                  and unpack local tar archives. For plain local files `COPY` says what happens more \
                  plainly.",
    },
    KeywordDoc {
        kind: InstructionKind::Copy,
        syntax: &[
            "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<pattern>] <src>... <dest>",
            "COPY [\"<src>\", ... \"<dest>\"]",
        ],
        summary: "Copies files and directories from the build context, or with `--from` from another \
                  stage or image, into the image. Several sources need a destination ending in `/`.",
    },
    KeywordDoc {
        kind: InstructionKind::Entrypoint,
        syntax: &["ENTRYPOINT [\"<executable>\", \"<arg>\", ...]", "ENTRYPOINT <command>"],
        summary: "The program containers run; `CMD` and `docker run` arguments are appended to it. In \
                  shell form it runs under `/bin/sh -c`, ignores `CMD` and does not receive stop signals.",
    },
    KeywordDoc {
        kind: InstructionKind::Volume,
        syntax: &["VOLUME [\"<path>\", ...]", "VOLUME <path> [<path> ...]"],
        summary: "Declares mount points for data kept outside the container's writable layer. Build steps \
                  after it that change the path have no lasting effect.",
    },
    KeywordDoc {
        kind: InstructionKind::User,
        syntax: &["USER <user>[:<group>]", "USER <uid>[:<gid>]"],
        summary: "Sets the user (and group) that runs the following `RUN` instructions of the stage and \
                  the container's process.",
    },
    KeywordDoc {
        kind: InstructionKind::Workdir,
        syntax: &["WORKDIR <path>"],
        summary: "Sets the working directory of the following `RUN`, `CMD`, `ENTRYPOINT`, `COPY` and `ADD` \
                  instructions, creating it when missing. A relative path continues from the previous \
                  `WORKDIR`.",
    },
    KeywordDoc {
        kind: InstructionKind::Arg,
        syntax: &["ARG <name>[=<default>] [<name>[=<default>] ...]"],
        summary: "Declares a build argument, set with `docker build --build-arg`. Declared before the first \
                  `FROM` it is global: usable in `FROM` lines, and inside a stage only after the stage \
                  declares it again. Unlike `ENV`, it is not part of the running container's environment.",
    },
    KeywordDoc {
        kind: InstructionKind::Onbuild,
        syntax: &["ONBUILD <INSTRUCTION> <arguments>"],
        summary: "Stores an instruction that runs later, at the start of any build that uses this image as \
                  its base.",
    },
    KeywordDoc {
        kind: InstructionKind::Stopsignal,
        syntax: &["STOPSIGNAL <signal>"],
        summary: "The signal sent to the container's main process to stop it: a name such as `SIGINT` or a \
                  number. The default is `SIGTERM`.",
    },
    KeywordDoc {
        kind: InstructionKind::Healthcheck,
        syntax: &[
            "HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>",
            "HEALTHCHECK NONE",
        ],
        summary: "How the runtime checks that the container still works: the command runs periodically \
                  and exit status 0 means healthy. `NONE` switches off a check inherited from the base \
                  image.",
    },
    KeywordDoc {
        kind: InstructionKind::Shell,
        syntax: &["SHELL [\"<executable>\", \"<arg>\", ...]"],
        summary: "Replaces the shell that runs the shell form of `RUN`, `CMD` and `ENTRYPOINT`, for example \
                  with `[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or PowerShell.",
    },
];

pub fn lookup(kind: InstructionKind) -> Option<&'static KeywordDoc> {
    KEYWORDS.iter().find(|k| k.kind == kind)
}

/// The hover text for an instruction keyword.
pub fn markdown(kind: InstructionKind) -> Option<String> {
    let entry = lookup(kind)?;
    let keyword = kind.keyword();
    let syntax = entry.syntax.join("\n");
    Some(format!(
        "**{keyword}**\n\n```dockerfile\n{syntax}\n```\n\n{}\n\n[Dockerfile reference]({REFERENCE_URL}#{})",
        entry.summary,
        keyword.to_ascii_lowercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_has_an_entry() {
        for kind in InstructionKind::ALL {
            if kind != InstructionKind::Unknown {
                let entry = lookup(kind).unwrap_or_else(|| panic!("{kind:?} has no hover entry"));
                assert!(entry.syntax.iter().all(|s| s.starts_with(kind.keyword())), "{kind:?}");
            }
        }
    }

    #[test]
    fn syntax_lines_name_only_the_flags_of_the_model_table() {
        // Signature help reads these lines; the flags themselves are the
        // model's table (dockside_rules::model::flags), which the syntax
        // lines may abridge (RUN's experimental `--device`) but not outgrow.
        for entry in KEYWORDS {
            for line in entry.syntax {
                for (i, _) in line.match_indices("[--") {
                    let name: String = line[i + 3..].chars().take_while(|c| *c != '=' && *c != ']').collect();
                    let flag = dockside_rules::model::flags::flag(entry.kind, &name);
                    assert!(flag.is_some(), "{:?} syntax names --{name}, which the flag table lacks", entry.kind);
                    assert_eq!(flag.is_some_and(|f| f.switch), line[i + 3 + name.len()..].starts_with(']'), "--{name}");
                }
            }
        }
    }
}
