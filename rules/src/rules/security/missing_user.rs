//! ## What it does
//! Checks for a final stage that never sets a `USER` (neither it nor the
//! stages of the file it is built `FROM`), so the container runs as the
//! base image's user: root, unless that image says otherwise.
//!
//! ## Why is this bad?
//! A process running as root in a container is root on the files of
//! every volume it mounts, can install software and change the image's
//! programs, and is one kernel or runtime bug away from root on the host.
//! Most applications need none of that: create an unprivileged user and
//! switch to it at the end of the Dockerfile.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! COPY app /usr/local/bin/app
//! CMD ["app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN useradd --system --no-create-home app
//! COPY app /usr/local/bin/app
//! USER app
//! CMD ["app"]
//! ```
//!
//! ## Notes
//! The rule is informational: offline, dockside cannot see the `USER` of
//! the base image, and some good images start as root on purpose (base and
//! toolchain images, services whose entrypoint prepares volumes and then
//! drops privileges; `ignore = ["missing-user"]` in the config, or a `# dockside global
//! ignore=missing-user` pragma says so for such an image). It only looks
//! at images that say what they run (a `CMD` or `ENTRYPOINT` in the final
//! stage or the stages it is built on), and it stays quiet when the base is known to run as a
//! non-root user (a tag with `nonroot`, such as distroless's `:nonroot`,
//! and Chainguard images from `cgr.dev`), when the base image is a
//! variable without a default, for Windows images, and when the image
//! drops privileges at run time itself: it installs, copies or calls
//! `gosu`, `su-exec`, `setpriv`, `s6-setuidgid`, `chpst` or `runuser`
//! (the pattern of official images whose entrypoint starts as root to
//! prepare volumes, then switches user), when its last `CMD` or
//! `ENTRYPOINT` starts a server that runs its workers as another user by
//! its own configuration (`php-fpm…` without `-R`, `apache2-foreground`,
//! `httpd-foreground`, `httpd` or `apache2ctl` with `-DFOREGROUND`,
//! `nginx`: the master process needs root for the port and the logs, the
//! workers run as `www-data` or `nginx`), and when its `CMD` (exec form) is a
//! shell or a REPL (`bash`, `jshell`, `python3`, `node`…), the mark of a
//! toolchain image. VS Code dev container definitions (a base image from
//! `mcr.microsoft.com/devcontainers/` or `…/vscode/devcontainers/`, a
//! `${templateOption:…}` template, or a `.devcontainer` build context) are
//! skipped: the developer's user comes from `devcontainer.json`
//! (`remoteUser`), and the image is a development environment. A final
//! `USER root` is `last-user-root`'s finding.

use crate::model::{Base, ImageRef, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};
use crate::rules::dev_container::is_dev_container;

use super::support::final_chain;

declare_rule! {
    /// The final stage never sets `USER`: the container may run as root
    name: "missing-user", category: Security, severity: Info,
    reads: Document, check_document: check,
}

/// Programs that switch to another user: an image that uses them drops
/// root at run time.
const PRIVILEGE_DROPPERS: &[&str] = &["gosu", "su-exec", "setpriv", "s6-setuidgid", "chpst", "runuser"];

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    if is_dev_container(doc, ctx.settings, doc.final_stage()) {
        return;
    }
    let chain = final_chain(doc);
    let Some(root) = chain.last() else { return };
    match &root.base {
        Base::Image { reference, resolved: true, .. } if !runs_as_non_root(reference) && !reference.is_windows() => {}
        Base::Scratch => {}
        _ => return,
    }
    let instructions = || chain.iter().flat_map(|s| s.instructions(doc));
    if instructions().any(|i| i.kind == InstructionKind::User) || instructions().any(drops_privileges) {
        return;
    }
    // Without `CMD` or `ENTRYPOINT` the image is a base for others, which
    // set the user along with what runs.
    if !instructions().any(|i| matches!(i.kind, InstructionKind::Cmd | InstructionKind::Entrypoint)) {
        return;
    }
    // A toolchain image whose command is a shell or a REPL (`jshell`,
    // `python3`, `node`) is a workbench, not a service.
    let last = |kind| chain.iter().find_map(|s| s.instructions(doc).iter().rev().find(|i| i.kind == kind));
    let last_cmd = last(InstructionKind::Cmd);
    if last_cmd.and_then(command_program).is_some_and(|p| INTERACTIVE.contains(&p.as_str())) {
        return;
    }
    // (The official images run `docker-entrypoint.sh` with the server as its `CMD`.)
    if [last_cmd, last(InstructionKind::Entrypoint)].into_iter().flatten().any(starts_self_dropping_server) {
        return;
    }
    let Some(from) = chain.first().and_then(|s| doc.instructions.get(s.from)) else { return };
    let range = from.image().map_or(from.keyword_range, |i| i.word.range);
    ctx.report(
        range,
        "no `USER` in the final stage: the container runs as the base image's user, usually root; add `USER <non-root user>` at the end",
    );
}

/// Shells and REPLs: the command of a toolchain image.
const INTERACTIVE: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "ash",
    "fish",
    "pwsh",
    "powershell",
    "cmd",
    "jshell",
    "python",
    "python2",
    "python3",
    "node",
    "irb",
    "php",
    "ghci",
    "iex",
    "erl",
    "julia",
    "R",
    "lua",
    "scala",
    "groovysh",
    "swift",
    "clojure",
];

/// The program an exec-form CMD runs (`python3` for `["python3", "-i"]`).
fn command_program(cmd: &Instruction) -> Option<String> {
    let first = cmd.json.as_ref()?.items.first().map(|(s, _)| s.clone())?;
    let base = first.rsplit(['/', '\\']).next().unwrap_or(&first);
    Some(base.strip_suffix(".exe").unwrap_or(base).to_string())
}

/// True when the instruction starts a server whose master process runs
/// its workers as an unprivileged user by its own configuration (php-fpm's
/// pool `user`, Apache's `User`, nginx's `user`), as `gosu` would.
fn starts_self_dropping_server(ins: &Instruction) -> bool {
    let words: Vec<String> = match (&ins.json, &ins.shell) {
        (Some(json), _) => json.items.iter().map(|(s, _)| s.clone()).collect(),
        (None, Some(shell)) => shell.text.split_whitespace().map(str::to_string).collect(),
        _ => return false,
    };
    let mut words = words.iter().map(String::as_str);
    let first = words.by_ref().find(|w| *w != "exec").unwrap_or("");
    let program = first.rsplit('/').next().unwrap_or(first);
    let rest: Vec<&str> = words.collect();
    let foreground = rest.contains(&"-DFOREGROUND") || rest.windows(2).any(|p| p[0] == "-D" && p[1] == "FOREGROUND");
    match program {
        // `-R` (`--allow-to-run-as-root`) keeps the workers as root.
        p if p.starts_with("php-fpm") => !rest.iter().any(|w| matches!(*w, "-R" | "--allow-to-run-as-root")),
        "apache2-foreground" | "httpd-foreground" | "nginx" => true,
        "httpd" | "apache2ctl" | "apachectl" => foreground,
        _ => false,
    }
}

/// Base images known to set a non-root user.
fn runs_as_non_root(image: &ImageRef) -> bool {
    image.tag.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("nonroot"))
        || image.registry.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("cgr.dev"))
}

/// True when the instruction installs, copies or runs a privilege dropper.
fn drops_privileges(ins: &Instruction) -> bool {
    let mentions = |s: &str| {
        let lower = s.to_ascii_lowercase();
        PRIVILEGE_DROPPERS.iter().any(|p| lower.contains(p))
    };
    let in_words = ins.args.iter().any(|w| mentions(&w.raw))
        || ins.flags.iter().any(|f| f.value.as_ref().is_some_and(|v| mentions(&v.raw)));
    let in_json = ins.json.as_ref().is_some_and(|j| j.items.iter().any(|(s, _)| mentions(s)));
    let in_script = ins
        .script()
        .is_some_and(|s| s.commands.iter().any(|c| mentions(&c.name) || c.args.iter().any(|a| mentions(&a.text))));
    in_words || in_json || in_script
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nUSER app\n",
                "FROM debian AS base\nRUN useradd app\nUSER app\nFROM base\nCMD [\"app\"]\n",
                "FROM debian\nUSER root\n",
                "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /\n",
                "FROM cgr.dev/chainguard/python:latest\nCOPY app /\n",
                "FROM $BASE\nCOPY app /\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app /\n",
                "FROM debian\nRUN apt-get update && apt-get install -y gosu\nENTRYPOINT [\"docker-entrypoint.sh\"]\n",
                "FROM alpine\nRUN apk add --no-cache su-exec\n",
                "FROM debian\nCOPY --from=tianon/gosu /gosu /usr/local/bin/\n",
                "FROM debian AS build\nRUN make\nFROM debian\nUSER 1000\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM eclipse-temurin:21\nCMD [\"jshell\"]\n",
                "FROM debian\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"python3\"]\n",
                // Servers that run their workers as another user.
                "FROM php:8.3-fpm\nRUN docker-php-ext-install mysqli\nCMD [\"php-fpm\"]\n",
                "FROM wordpress:php8.3-fpm\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"php-fpm8.3\"]\n",
                "FROM php:8.3-apache\nCMD [\"apache2-foreground\"]\n",
                "FROM httpd:2.4\nCMD httpd-foreground\n",
                "FROM centos:7\nCMD [\"/usr/sbin/httpd\", \"-D\", \"FOREGROUND\"]\n",
                "FROM ubuntu:24.04\nCMD apache2ctl -DFOREGROUND\n",
                "FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                // Dev containers: the user comes from devcontainer.json.
                "FROM mcr.microsoft.com/devcontainers/base:bookworm\nCMD [\"sleep\", \"infinity\"]\n",
            ],
            &[
                "FROM ⟦debian:12⟧\nCOPY app /usr/local/bin/app\nCMD [\"app\"]\n",
                "FROM debian AS build\nUSER app\nFROM ⟦debian⟧\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
                "FROM ⟦scratch⟧\nCOPY app /\nENTRYPOINT [\"/app\"]\n",
                "FROM debian AS base\nCMD [\"app\"]\nFROM ⟦base⟧\nCOPY app /\n",
                "FROM ⟦debian⟧\nONBUILD USER app\nCMD [\"app\"]\n",
                "FROM ⟦php:8.3-fpm⟧\nCMD [\"php-fpm\", \"-R\"]\n",
                "FROM ⟦centos:7⟧\nCMD [\"httpd\"]\n",
                "FROM ⟦debian:12⟧\nCMD [\"nginx-exporter\"]\n",
            ],
            &[],
        );
    }
}
