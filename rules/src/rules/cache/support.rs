//! Helpers shared by the cache, size and base-image rules: what a RUN's
//! commands do with package managers (the distribution's and the
//! languages'), the stage chain, and broad copies of the build context.

use std::sync::Arc;

use crate::base_images::{Distro, PackageManager, distro_of};
use crate::model::{Base, Document, DocumentFact, Instruction, InstructionKind, Scope, ShellArg, ShellCommand, Stage};

/// The distribution a stage builds on, through the stages it builds on,
/// when its image reference says so.
pub(crate) fn stage_distro(doc: &Document, stage: usize) -> Option<Distro> {
    match &doc.stage_root(stage)?.base {
        Base::Image { reference, resolved: true, .. } => distro_of(reference),
        _ => None,
    }
}

/// The first argument that is neither a flag nor the value of one of
/// `value_flags`, with its index (the shared reader).
pub(crate) fn subcommand<'a>(args: &'a [ShellArg], value_flags: &[&str]) -> Option<(usize, &'a ShellArg)> {
    crate::rules::package_cli::subcommand(args, value_flags)
}

/// What a distribution package-manager command does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OsStep {
    /// Refreshes the package index only (`apt-get update`, `apk update`,
    /// `dnf makecache`, `zypper refresh`).
    IndexUpdate,
    /// Installs or upgrades packages.
    Install,
    Other,
}

/// The package manager a command runs and what it does.
pub(crate) fn os_step(cmd: &ShellCommand) -> Option<(PackageManager, OsStep)> {
    let pm = PackageManager::of_command(cmd.base_name())?;
    let Some((_, sub)) = subcommand(&cmd.args, crate::rules::package_cli::value_options(pm)) else {
        // `pacman -Syu …` works by flags.
        return Some((pm, if pm == PackageManager::Pacman { OsStep::Install } else { OsStep::Other }));
    };
    let sub = sub.text.as_str();
    let step = match pm {
        PackageManager::Apt => match sub {
            "update" => OsStep::IndexUpdate,
            "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep" | "reinstall" | "satisfy"
            | "source" | "download" | "safe-upgrade" => OsStep::Install,
            _ => OsStep::Other,
        },
        PackageManager::Apk => match sub {
            "update" => OsStep::IndexUpdate,
            "add" | "upgrade" | "fix" | "fetch" => OsStep::Install,
            _ => OsStep::Other,
        },
        PackageManager::Rpm => match sub {
            "makecache" => OsStep::IndexUpdate,
            "install" | "update" | "upgrade" | "groupinstall" | "groupupdate" | "reinstall" | "localinstall"
            | "distro-sync" | "builddep" | "group" | "module" | "download" | "swap" => OsStep::Install,
            _ => OsStep::Other,
        },
        PackageManager::Zypper => match sub {
            "refresh" | "ref" => OsStep::IndexUpdate,
            "install" | "in" | "update" | "up" | "dist-upgrade" | "dup" | "patch" | "source-install" | "si" => {
                OsStep::Install
            }
            _ => OsStep::Other,
        },
        PackageManager::Pacman => OsStep::Install,
    };
    Some((pm, step))
}

/// A language ecosystem whose dependencies a RUN installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ecosystem {
    Npm,
    Yarn,
    Pnpm,
    Bun,
    Pip,
    Poetry,
    Uv,
    Pipenv,
    Go,
    Cargo,
    Bundler,
    Composer,
    Maven,
    Gradle,
}

impl Ecosystem {
    /// The files that say which dependencies to install, as COPY sources
    /// (a wildcard where a file may be missing).
    pub(crate) fn manifests(self) -> &'static [&'static str] {
        match self {
            Ecosystem::Npm => &["package*.json"],
            Ecosystem::Yarn => &["package.json", "yarn.lock"],
            Ecosystem::Pnpm => &["package.json", "pnpm-lock.yaml"],
            Ecosystem::Bun => &["package.json", "bun.lock*"],
            Ecosystem::Pip => &["requirements*.txt"],
            Ecosystem::Poetry => &["pyproject.toml", "poetry.lock"],
            Ecosystem::Uv => &["pyproject.toml", "uv.lock"],
            Ecosystem::Pipenv => &["Pipfile", "Pipfile.lock"],
            Ecosystem::Go => &["go.mod", "go.sum"],
            Ecosystem::Cargo => &["Cargo.toml", "Cargo.lock"],
            Ecosystem::Bundler => &["Gemfile", "Gemfile.lock"],
            Ecosystem::Composer => &["composer.json", "composer.lock"],
            Ecosystem::Maven => &["pom.xml"],
            Ecosystem::Gradle => &["build.gradle", "settings.gradle"],
        }
    }

    /// True when a COPY source names one of this ecosystem's manifests
    /// (or a pattern that covers one: `package*.json`, `requirements/`).
    pub(crate) fn is_manifest(self, source: &str) -> bool {
        let file = source.trim_end_matches('/').rsplit('/').next().unwrap_or(source);
        let stems: &[&str] = match self {
            Ecosystem::Npm | Ecosystem::Yarn | Ecosystem::Pnpm | Ecosystem::Bun => {
                &["package", "yarn", "pnpm", "bun.lock", "npm-shrinkwrap", ".npmrc", ".yarnrc"]
            }
            Ecosystem::Pip => &["requirements", "constraints"],
            Ecosystem::Poetry | Ecosystem::Uv => &["pyproject", "poetry.lock", "uv.lock"],
            Ecosystem::Pipenv => &["Pipfile"],
            Ecosystem::Go => &["go.mod", "go.sum", "go.work"],
            Ecosystem::Cargo => &["Cargo.toml", "Cargo.lock"],
            Ecosystem::Bundler => &["Gemfile", "gems.rb", ".gemspec"],
            Ecosystem::Composer => &["composer"],
            Ecosystem::Maven => &["pom.xml"],
            Ecosystem::Gradle => &["build.gradle", "settings.gradle", "gradle"],
        };
        stems.iter().any(|s| file.starts_with(s) || (s.starts_with('.') && file.ends_with(s)))
            || (self == Ecosystem::Pip && file.ends_with(".txt") && source.contains("requirements"))
    }

    /// What the docs and messages call the install.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Yarn => "yarn",
            Ecosystem::Pnpm => "pnpm",
            Ecosystem::Bun => "bun",
            Ecosystem::Pip => "pip",
            Ecosystem::Poetry => "poetry",
            Ecosystem::Uv => "uv",
            Ecosystem::Pipenv => "pipenv",
            Ecosystem::Go => "go",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Bundler => "bundler",
            Ecosystem::Composer => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
        }
    }
}

/// `pip`, `pip3`, `pip3.12` for `base` = `pip`.
pub(crate) fn versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The words after the program (`python -m pip install x` → `install x`).
fn program_args(cmd: &ShellCommand) -> Option<(&str, &[ShellArg])> {
    let name = cmd.base_name();
    if versioned(name, "python") {
        let m = cmd.args.iter().position(|a| a.text == "-m")?;
        let module = cmd.args.get(m + 1)?;
        let module = if versioned(&module.text, "pip") { "pip" } else { module.text.as_str() };
        return Some((module, &cmd.args[m + 2..]));
    }
    if versioned(name, "pip") {
        return Some(("pip", &cmd.args));
    }
    Some((name, &cmd.args))
}

/// The ecosystem whose dependencies `cmd` downloads or installs, with the
/// subcommand word: `npm ci`, `yarn install` (or bare `yarn`), `pnpm
/// install`, `bun install`, `pip install -r …`, `poetry install`, `uv
/// sync`, `uv pip install -r …`, `pipenv install`/`sync`, `go mod
/// download`, `go build`, `cargo build`/`fetch`, `bundle install`,
/// `composer install`, `mvn` goals, `gradle` tasks.
pub(crate) fn dependency_install(cmd: &ShellCommand) -> Option<Ecosystem> {
    let (program, args) = program_args(cmd)?;
    let first = subcommand(args, &["--prefix", "--cwd", "-C", "--dir", "--filter", "-f", "--file"]);
    let sub = first.map_or("", |(_, a)| a.text.as_str());
    let rest = first.map_or(&args[..0], |(i, _)| &args[i + 1..]);
    let has = |flag: &str| args.iter().any(|a| a.text == flag || a.text.starts_with(&format!("{flag}=")));
    match program {
        "npm"
            if matches!(sub, "ci" | "install" | "i" | "clean-install")
                && rest.iter().all(|a| a.text.starts_with('-')) =>
        {
            Some(Ecosystem::Npm)
        }
        "yarn" if (sub.is_empty() || sub == "install") => Some(Ecosystem::Yarn),
        "pnpm" if matches!(sub, "install" | "i") && rest.iter().all(|a| a.text.starts_with('-')) => {
            Some(Ecosystem::Pnpm)
        }
        "bun" if matches!(sub, "install" | "i") && rest.iter().all(|a| a.text.starts_with('-')) => Some(Ecosystem::Bun),
        "pip" if sub == "install" && (has("-r") || has("--requirement")) => Some(Ecosystem::Pip),
        "poetry" if sub == "install" || sub == "sync" => Some(Ecosystem::Poetry),
        "uv" if sub == "sync" => Some(Ecosystem::Uv),
        "uv" if sub == "pip"
            && rest.first().is_some_and(|a| a.text == "install")
            && (has("-r") || has("--requirement")) =>
        {
            Some(Ecosystem::Pip)
        }
        "pipenv" if matches!(sub, "install" | "sync") => Some(Ecosystem::Pipenv),
        "go" if sub == "mod" && rest.first().is_some_and(|a| a.text == "download") => Some(Ecosystem::Go),
        "go" if matches!(sub, "build" | "install") && !rest.iter().any(|a| a.text.contains('@')) => Some(Ecosystem::Go),
        // `go get` of the project's own dependencies, not of a tool.
        "go" if sub == "get"
            && rest.iter().filter(|a| !a.text.starts_with('-')).all(|a| matches!(a.text.as_str(), "." | "./...")) =>
        {
            Some(Ecosystem::Go)
        }
        "cargo" if matches!(sub, "build" | "fetch") => Some(Ecosystem::Cargo),
        "bundle" | "bundler" if sub == "install" || sub.is_empty() => Some(Ecosystem::Bundler),
        "composer" if sub == "install" => Some(Ecosystem::Composer),
        "mvn" | "mvnw" if !sub.is_empty() => Some(Ecosystem::Maven),
        "gradle" | "gradlew" if !sub.is_empty() => Some(Ecosystem::Gradle),
        _ => None,
    }
}

/// True for a COPY or ADD of the whole build context (`COPY . .`,
/// `ADD ./ /app`): not from another stage or a URL.
pub(crate) fn is_broad_copy(ins: &Instruction) -> bool {
    if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) || ins.flag("from").is_some() {
        return false;
    }
    let sources = &ins.args[..ins.args.len().saturating_sub(1)];
    sources.iter().any(|s| matches!(s.value().as_str(), "." | "./"))
}

/// The sources of a COPY/ADD (every argument but the destination).
pub(crate) fn copy_sources(ins: &Instruction) -> Vec<String> {
    if !ins.heredocs.is_empty() {
        return Vec::new();
    }
    ins.args[..ins.args.len().saturating_sub(1)].iter().map(|w| w.value()).collect()
}

/// The Go release a RUN's toolchain is known to be, as `(major, minor)`:
/// an official `golang` image's tag (a tag without a version, `alpine`, is
/// the current release: `(1, u32::MAX)`), a `go1.X….tar.gz` release
/// downloaded earlier in the stage (or a stage it builds on), or the
/// `golang` package of an old distribution release (Ubuntu 14.04 and
/// 16.04, Debian 8 and 9). `None` when unknown.
pub(crate) fn go_version(doc: &Document, run: &Instruction) -> Option<(u32, u32)> {
    let stage = run.stage?;
    let chain = doc.stage_chain(stage);
    // The newest download wins: it is usually put first on PATH.
    let mut downloaded = None;
    for s in chain.iter().rev() {
        for ins in &doc.instructions[s.from..s.end.min(run.index)] {
            let text = doc.text().get(ins.range.as_range()).unwrap_or("");
            for (at, _) in text.match_indices("go1.") {
                let rest = &text[at + 4..];
                let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
                let version = rest[..end].trim_end_matches('.');
                let tail = &rest[version.len()..];
                if tail.starts_with(".linux-") || tail.starts_with(".src.tar") || tail.starts_with(".darwin-") {
                    let minor = version.split('.').next().and_then(|m| m.parse().ok());
                    downloaded = minor.map(|m| (1, m)).or(downloaded);
                }
            }
        }
    }
    if downloaded.is_some() {
        return downloaded;
    }
    let Some(Base::Image { reference, resolved: true, .. }) = chain.last().map(|s| &s.base) else { return None };
    let tag = reference.tag.as_deref().unwrap_or("latest");
    if crate::base_images::family::is_official(reference, "golang") {
        let version = tag.split(['-', '_']).next().unwrap_or("");
        let mut parts = version.split('.').map(|p| p.parse::<u32>());
        return match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) => Some((major, minor)),
            (Some(Ok(major)), None) => Some((major, u32::MAX)),
            _ if !version.starts_with(|c: char| c.is_ascii_digit()) => Some((1, u32::MAX)),
            _ => None,
        };
    }
    // Go from the distribution's own package (on the official image or a
    // copy of it under another name: `brimstone/ubuntu:14.04`).
    let distro_go = [
        ("ubuntu", &["14.04", "trusty"][..], (1, 2)),
        ("ubuntu", &["16.04", "xenial"][..], (1, 6)),
        ("debian", &["8", "jessie"][..], (1, 3)),
        ("debian", &["9", "stretch"][..], (1, 7)),
    ];
    let (_, _, version) = distro_go.iter().find(|(name, tags, _)| {
        reference.short_name().eq_ignore_ascii_case(name)
            && tags.iter().any(|t| tag == *t || tag.strip_prefix(t).is_some_and(|r| r.starts_with(['-', '.'])))
    })?;
    let installs_golang = chain.iter().any(|s| {
        doc.instructions[s.from..s.end.min(run.index + 1)].iter().flat_map(|i| i.commands()).any(|c| {
            matches!(os_step(c), Some((_, OsStep::Install)))
                && c.args.iter().any(|a| matches!(a.text.as_str(), "golang" | "golang-go"))
        })
    });
    installs_golang.then_some(*version)
}

/// True when a Go command (command `at` of `run`) may build a module, so
/// that it downloads modules: `GO111MODULE=on`, a `go mod …` command, or a
/// source tree that may hold a `go.mod` (a COPY/ADD of `go.mod`, of a glob
/// matching it, of the build context or a folder, of a URL; a bind mount;
/// `git clone`, `tar`, `unzip`) in the RUN or before it in the stage (or a
/// stage it builds on). False for `GO111MODULE=off` and Go before 1.11.
/// With `strict`, only an explicit sign counts (`GO111MODULE=on`, `go mod`,
/// Go 1.16 or later, which needs a `go.mod` to run `go get` at all).
pub(crate) fn go_module_evidence(doc: &Document, run: &Instruction, at: usize, strict: bool) -> bool {
    let scope = Scope::at(doc, run.index);
    let cmd = run.commands().get(at);
    let mode = cmd
        .and_then(|c| c.env.iter().find_map(|e| e.strip_prefix("GO111MODULE=")).map(str::to_string))
        .or_else(|| scope.value("GO111MODULE"));
    match mode.as_deref().map(|m| m.trim_matches(['"', '\''])) {
        Some("off") => return false,
        Some("on") => return true,
        _ => {}
    }
    let version = go_version(doc, run);
    if version.is_some_and(|v| v < (1, 11)) {
        return false;
    }
    if strict && version.is_some_and(|v| v >= (1, 16)) {
        return true;
    }
    let fetches_source = |c: &ShellCommand| {
        let sub = c.args.first().map(|a| a.text.as_str());
        match c.base_name() {
            "go" => sub == Some("mod"),
            "git" => !strict && c.args.iter().any(|a| a.text == "clone"),
            "tar" | "unzip" => !strict,
            _ => false,
        }
    };
    if run.commands()[..at.min(run.commands().len())].iter().any(fetches_source) {
        return true;
    }
    if !strict
        && run
            .flags
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case("mount"))
            .any(|f| f.mount_value("type").is_none_or(|t| t.eq_ignore_ascii_case("bind")))
    {
        return true;
    }
    let Some(stage) = run.stage else { return false };
    doc.stage_chain(stage).iter().any(|s| {
        doc.instructions[s.from..s.end.min(run.index)].iter().any(|ins| match ins.kind {
            InstructionKind::Run => ins.commands().iter().any(fetches_source),
            InstructionKind::Copy | InstructionKind::Add if !strict => {
                copy_sources(ins).iter().any(|src| may_hold_go_mod(src))
            }
            _ => false,
        })
    })
}

/// A COPY/ADD source that is or may contain a `go.mod`.
fn may_hold_go_mod(source: &str) -> bool {
    if source.contains("://")
        || source.starts_with("git@")
        || matches!(source, "." | "./" | "/")
        || source.ends_with('/')
    {
        return true;
    }
    let file = source.rsplit('/').next().unwrap_or(source);
    ["go.mod", "go.work"].iter().any(|m| glob_matches(file, m)) || !file.contains(['.', '*', '?', '['])
}

/// True when the shell glob `pattern` matches the file name `name`, as the
/// shell expands it: `*` any run of characters, `?` any one, `[…]` one of
/// a set (`[a-z0-9]`, negated by a leading `!` or `^`), `\` quoting the
/// next character; a `[` without its `]` is itself. One path component:
/// `/` has no special meaning here. (`.dockerignore` patterns have Go's
/// semantics and their own matcher, `config::build_context`.)
pub(crate) fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    // Where to resume after the last `*`: the pattern after it, and the
    // name position it has swallowed up to. Only the last `*` needs
    // retrying: earlier ones can never need to swallow more.
    let mut retry: Option<(usize, usize)> = None;
    while n < name.len() {
        if pattern.get(p) == Some(&'*') {
            p += 1;
            retry = Some((p, n));
            continue;
        }
        if let Some((true, len)) = pattern.get(p).map(|_| match_one(&pattern[p..], name[n])) {
            p += len;
            n += 1;
            continue;
        }
        let Some((after_star, swallowed)) = retry else { return false };
        p = after_star;
        n = swallowed + 1;
        retry = Some((after_star, n));
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Whether the glob element `pattern` starts with (not `*`) matches `c`,
/// and how many characters of the pattern it spans.
fn match_one(pattern: &[char], c: char) -> (bool, usize) {
    match pattern[0] {
        '?' => (true, 1),
        '\\' if pattern.len() > 1 => (pattern[1] == c, 2),
        '[' => bracket(pattern, c).unwrap_or((c == '[', 1)),
        literal => (literal == c, 1),
    }
}

/// A `[…]` set at the start of `pattern`: whether it holds `c`, and its
/// length; None when it has no closing `]`.
fn bracket(pattern: &[char], c: char) -> Option<(bool, usize)> {
    let negated = matches!(pattern.get(1), Some('!' | '^'));
    let mut i = if negated { 2 } else { 1 };
    let first = i;
    let mut found = false;
    loop {
        let start = *pattern.get(i)?;
        // A `]` right after the `[` (or `[!`) is a member, not the end.
        if start == ']' && i > first {
            return Some((found != negated, i + 1));
        }
        match (pattern.get(i + 1), pattern.get(i + 2)) {
            (Some('-'), Some(&end)) if end != ']' => {
                found |= (start..=end).contains(&c);
                i += 3;
            }
            _ => {
                found |= start == c;
                i += 1;
            }
        }
    }
}

/// A command of a RUN that a prefetch earlier in the stage (or a stage it
/// builds on) already downloaded the dependencies of: `mvn
/// dependency:go-offline`/`resolve`/`resolve-plugins`, `gradle
/// dependencies`, `go mod download`, `cargo fetch`, `pip download`.
pub(crate) fn prefetch(cmd: &ShellCommand) -> Option<Ecosystem> {
    let (program, args) = program_args(cmd)?;
    let words = || args.iter().map(|a| a.text.as_str());
    match program {
        "mvn" | "mvnw" => words()
            .any(|w| {
                let goal = w.rsplit(':').next().unwrap_or(w);
                w.contains(':') && matches!(goal, "go-offline" | "resolve" | "resolve-plugins")
            })
            .then_some(Ecosystem::Maven),
        "gradle" | "gradlew" => words().any(|w| w == "dependencies").then_some(Ecosystem::Gradle),
        "go" => (subcommand(args, &[]).is_some_and(|(_, a)| a.text == "mod") && words().any(|w| w == "download"))
            .then_some(Ecosystem::Go),
        "cargo" => subcommand(args, &[]).is_some_and(|(_, a)| a.text == "fetch").then_some(Ecosystem::Cargo),
        "pip" => subcommand(args, &[]).is_some_and(|(_, a)| a.text == "download").then_some(Ecosystem::Pip),
        _ => None,
    }
}

/// True when `cmd` of `run` runs as another user: wrapped in `sudo -u USER`
/// (or inside a shell that is), or it is `su USER -c …`/`runuser -u USER …`.
pub(crate) fn runs_as_other_user(doc: &Document, run: &Instruction, cmd: &ShellCommand) -> bool {
    let text = doc.text();
    let switches = |c: &ShellCommand| {
        matches!(c.base_name(), "su" | "runuser")
            || c.wrappers.iter().any(|w| {
                w.text.rsplit('/').next() == Some("sudo")
                    && text.get(w.range.end..c.name_range.start).is_some_and(|between| {
                        between.split_whitespace().any(|a| a == "-u" || a.starts_with("--user") || a.starts_with("-u"))
                    })
            })
    };
    run.commands().iter().any(|c| c.range.start <= cmd.range.start && cmd.range.end <= c.range.end && switches(c))
}

/// True when the image of stage `stage` starts a program of its own: a CMD
/// or ENTRYPOINT in the stage or the stages it builds on whose program is
/// not a shell. Development and build environments usually start none;
/// those that do start a build tool (`make`, `go`, `cargo`, `mvn`, `esy` …:
/// the image compiles when it runs), or, without a CMD, an ENTRYPOINT given
/// as a relative path into a mounted source tree (`hack/dind`,
/// `man/generate.sh`: a wrapper that runs what it is given).
pub(crate) fn starts_program(doc: &Document, stage: usize) -> bool {
    doc.fact::<StartsProgram>().0.get(stage).copied().unwrap_or(false)
}

/// [`starts_program`] for every stage, in one pass.
struct StartsProgram(Vec<bool>);

impl DocumentFact for StartsProgram {
    fn compute(doc: &Document) -> StartsProgram {
        let mut starts: Vec<bool> = Vec::with_capacity(doc.stages.len());
        let mut has_cmd: Vec<bool> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            let parent = match stage.base {
                Base::Stage(parent) if parent < stage.index => Some(parent),
                _ => None,
            };
            let instructions = stage.instructions(doc);
            let cmd = parent.is_some_and(|p| has_cmd[p]) || instructions.iter().any(|i| i.kind == InstructionKind::Cmd);
            let own = instructions.iter().any(|i| is_program_start(i, cmd));
            starts.push(parent.is_some_and(|p| starts[p]) || own);
            has_cmd.push(cmd);
        }
        StartsProgram(starts)
    }
}

/// Programs whose job is building: an image that starts one is a build
/// environment.
const BUILD_TOOLS: &[&str] = &[
    "make", "gmake", "cmake", "ninja", "meson", "bazel", "bazelisk", "go", "cargo", "mvn", "mvnw", "gradle", "gradlew",
    "esy", "gcc", "g++", "cc", "c++", "clang", "clang++",
];

/// A CMD or ENTRYPOINT that starts something other than a shell, a build
/// tool, or (with no CMD in the image) a wrapper script at a relative path.
fn is_program_start(i: &Instruction, has_cmd: bool) -> bool {
    if !matches!(i.kind, InstructionKind::Cmd | InstructionKind::Entrypoint) {
        return false;
    }
    let program = match (&i.json, &i.shell) {
        (Some(json), _) => json.items.first().map(|(s, _)| s.clone()),
        (None, Some(shell)) => shell.text.split_whitespace().next().map(str::to_string),
        _ => None,
    };
    program.is_some_and(|p| {
        let name = p.rsplit('/').next().unwrap_or(&p);
        // `hack/dind`: a script of the source tree, not an installed program
        // (`./app` and `bin/app`-style paths from `/`, `.`, or a drive are kept).
        let wrapper = i.kind == InstructionKind::Entrypoint
            && !has_cmd
            && p.contains('/')
            && !p.starts_with(['/', '.', '\\', '$'])
            && !p.contains(':');
        !matches!(name, "bash" | "sh" | "zsh" | "ash" | "fish") && !BUILD_TOOLS.contains(&name) && !wrapper
    })
}

/// The working directory before instruction `index` of stage `stage`
/// (WORKDIRs of the stage and the stages it builds on, variables expanded),
/// or `None` when a WORKDIR has an unknown value. `/` without a WORKDIR.
pub(crate) fn workdir_at(doc: &Document, stage: Option<usize>, index: usize) -> Option<String> {
    // Before the first FROM (a fragment): the prelude's own WORKDIRs.
    let Some(stage) = stage else {
        return if index < doc.prelude().len() {
            doc.fact::<Workdirs>().before[index].as_deref().map(str::to_string)
        } else {
            None
        };
    };
    let in_stage = doc.stages.get(stage).is_some_and(|s| (s.from..s.end).contains(&index));
    if in_stage {
        return doc.fact::<Workdirs>().before[index].as_deref().map(str::to_string);
    }
    let mut current = String::from("/");
    for s in doc.stage_chain(stage).into_iter().rev() {
        for ins in s.instructions(doc).iter().filter(|i| i.kind == InstructionKind::Workdir && i.index < index) {
            let word = ins.args.first()?;
            let expanded = Scope::at(doc, ins.index).expand(word);
            if !expanded.complete {
                return None;
            }
            current = join_path(&current, &expanded.text);
        }
    }
    Some(current)
}

/// The WORKDIR in effect before each instruction (`None` when a WORKDIR
/// had a value unknown at lint time), in one pass over the stages.
struct Workdirs {
    /// Shared: most instructions of a stage have the same one.
    before: Vec<Option<Arc<str>>>,
}

impl DocumentFact for Workdirs {
    fn compute(doc: &Document) -> Workdirs {
        let mut before = vec![None; doc.instructions.len()];
        let mut stage_end: Vec<Option<Arc<str>>> = Vec::with_capacity(doc.stages.len());
        for (stage, instructions) in doc.stage_runs() {
            let mut current = match stage {
                Some(&Stage { base: Base::Stage(parent), index, .. }) if parent < index => stage_end[parent].clone(),
                _ => Some(Arc::from("/")),
            };
            for ins in instructions {
                before[ins.index].clone_from(&current);
                if ins.kind == InstructionKind::Workdir {
                    current = current.and_then(|dir| {
                        let expanded = Scope::at(doc, ins.index).expand(ins.args.first()?);
                        expanded.complete.then(|| Arc::from(join_path(&dir, &expanded.text)))
                    });
                }
            }
            if stage.is_some() {
                stage_end.push(current);
            }
        }
        Workdirs { before }
    }
}

/// `path` resolved against `dir`, without `.` components and trailing `/`.
pub(crate) fn join_path(dir: &str, path: &str) -> String {
    let full = if path.starts_with('/') { path.to_string() } else { format!("{dir}/{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in full.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// True when `path` is `parent` or lies inside it (both normalised).
pub(crate) fn is_within(path: &str, parent: &str) -> bool {
    path == parent || parent == "/" || path.strip_prefix(parent).is_some_and(|rest| rest.starts_with('/'))
}

/// A shell word with `$VAR`/`${VAR}` replaced by the values `scope` knows;
/// `None` when it has another expansion or an unknown variable.
pub(crate) fn expand_shell_word(text: &str, scope: &Scope) -> Option<String> {
    if !text.contains('$') {
        return (!text.contains(['`', '*', '?', '['])).then(|| text.to_string());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            let end = braced.find('}')?;
            (&braced[..end], end + 2)
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        out.push_str(&scope.value(name)?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// Where a COPY/ADD puts its files, resolved against the WORKDIR.
pub(crate) fn copy_destination(doc: &Document, copy: &Instruction) -> Option<String> {
    let dest = copy.args.last()?;
    let expanded = Scope::at(doc, copy.index).expand(dest);
    if !expanded.complete || copy.args.len() < 2 {
        return None;
    }
    let dir = workdir_at(doc, copy.stage, copy.index)?;
    Some(join_path(&dir, &expanded.text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs_match_as_the_shell_expands_them() {
        use super::glob_matches;
        for (pattern, name) in [
            ("*.whl", "a-1.0.whl"),
            ("go.*", "go.mod"),
            ("*", ""),
            ("a*b*c", "abxbc"),
            ("file?.txt", "file1.txt"),
            ("[Gg]o.mod", "Go.mod"),
            ("[a-c]x", "bx"),
            ("[!a-c]x", "dx"),
            ("[^a]x", "bx"),
            ("[]]", "]"),
            ("\\*", "*"),
            ("[x", "[x"),
            ("é*", "été"),
        ] {
            assert!(glob_matches(pattern, name), "{pattern} should match {name}");
        }
        for (pattern, name) in [
            ("*.whl", "a.tar"),
            ("file?.txt", "file.txt"),
            ("[Gg]o.mod", "xo.mod"),
            ("[!a-c]x", "bx"),
            ("\\*", "a"),
            ("a*b", "abc"),
        ] {
            assert!(!glob_matches(pattern, name), "{pattern} should not match {name}");
        }
    }

    use super::*;
    use crate::model::Document;

    fn first_command(text: &str) -> ShellCommand {
        let doc = Document::parse(&format!("FROM x\nRUN {text}\n"));
        doc.instructions[1].script().expect("a script").commands[0].clone()
    }

    #[test]
    fn reads_package_manager_steps() {
        let step = |t: &str| os_step(&first_command(t)).map(|(_, s)| s);
        assert_eq!(step("apt-get -o Acquire::Retries=3 update"), Some(OsStep::IndexUpdate));
        assert_eq!(step("apt-get install -y curl"), Some(OsStep::Install));
        assert_eq!(step("apk update"), Some(OsStep::IndexUpdate));
        assert_eq!(step("dnf -y makecache"), Some(OsStep::IndexUpdate));
        assert_eq!(step("zypper --non-interactive ref"), Some(OsStep::IndexUpdate));
        assert_eq!(step("yum clean all"), Some(OsStep::Other));
        assert_eq!(step("curl x"), None);
    }

    #[test]
    fn reads_dependency_installs() {
        let eco = |t: &str| dependency_install(&first_command(t));
        assert_eq!(eco("npm ci --omit=dev"), Some(Ecosystem::Npm));
        assert_eq!(eco("npm install -g typescript"), None);
        assert_eq!(eco("npm run build"), None);
        assert_eq!(eco("yarn --frozen-lockfile"), Some(Ecosystem::Yarn));
        assert_eq!(eco("yarn build"), None);
        assert_eq!(eco("python3 -m pip install --no-cache-dir -r requirements.txt"), Some(Ecosystem::Pip));
        assert_eq!(eco("pip install flask"), None);
        assert_eq!(eco("go mod download"), Some(Ecosystem::Go));
        assert_eq!(eco("go install golang.org/x/tools/gopls@latest"), None);
        assert_eq!(eco("go get -d -v ./..."), Some(Ecosystem::Go));
        assert_eq!(eco("go get -u github.com/golang/dep/cmd/dep"), None);
        assert_eq!(eco("bundle install --jobs 4"), Some(Ecosystem::Bundler));
        assert_eq!(eco("./mvnw -B package"), Some(Ecosystem::Maven));
        assert!(Ecosystem::Npm.is_manifest("package*.json"));
        assert!(Ecosystem::Pip.is_manifest("requirements/prod.txt"));
        assert!(Ecosystem::Go.is_manifest("./go.mod"));
        assert!(!Ecosystem::Go.is_manifest("main.go"));
    }

    #[test]
    fn resolves_paths() {
        assert_eq!(join_path("/app", "./src/"), "/app/src");
        assert_eq!(join_path("/app", "/opt/../srv"), "/srv");
        assert_eq!(join_path("/", "."), "/");
        assert!(is_within("/app/src", "/app"));
        assert!(!is_within("/application", "/app"));
        let doc =
            Document::parse("FROM x AS a\nENV D=/srv\nWORKDIR $D\nFROM a\nWORKDIR app\nCOPY . ./\nCOPY x ${D}/y\n");
        assert_eq!(workdir_at(&doc, Some(1), 5).as_deref(), Some("/srv/app"));
        assert_eq!(copy_destination(&doc, &doc.instructions[5]).as_deref(), Some("/srv/app"));
        assert_eq!(copy_destination(&doc, &doc.instructions[6]).as_deref(), Some("/srv/y"));
        let scope = Scope::at(&doc, 5);
        assert_eq!(expand_shell_word("${D}/x", &scope).as_deref(), Some("/srv/x"));
        assert_eq!(expand_shell_word("$NOPE/x", &scope), None);
        assert_eq!(expand_shell_word("/app/*", &scope), None);
    }
}
