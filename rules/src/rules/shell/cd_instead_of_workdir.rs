//! ## What it does
//! Checks for `cd` in `RUN` instructions.
//!
//! ## Why is this bad?
//! A `cd` lasts until the end of its `RUN`: the next instruction starts in
//! the working directory again. Dockerfiles that `cd` into the same
//! directory in several `RUN`s repeat themselves, and a forgotten `cd`
//! makes a later command run somewhere else without any error. `WORKDIR`
//! sets the directory once for every following instruction (`RUN`, `CMD`,
//! `COPY` with a relative destination...) and creates it when needed.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! COPY . /app
//! RUN cd /app && npm ci
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! COPY . /app
//! WORKDIR /app
//! RUN npm ci
//! ```
//!
//! ## Fix safety
//! When a `RUN` starts with `cd <absolute path> && …` and changes directory
//! nowhere else, the fix moves the directory into a `WORKDIR` instruction
//! before the `RUN` (after an earlier `RUN` with the same `cd`, it waits
//! for that one's fix). It is unsafe: unlike the `cd`, `WORKDIR` also
//! applies to every later instruction of the stage and of the stages built
//! on it (relative `COPY` destinations, `RUN`, `CMD`), and it creates a
//! missing directory where `cd` would have failed. No fix is offered for
//! temporary directories (`/tmp`) or a directory the same `RUN` removes,
//! where a lasting `WORKDIR` makes no sense.
//!
//! When the `WORKDIR` in effect already is that directory (by the `WORKDIR`s
//! of the stage and the stages it builds on, without variables), the fix
//! only removes the `cd`, which changes nothing later instructions see. It
//! is safe, unless the script reads the directory's name (`pwd`, `$PWD`,
//! `$OLDPWD`): through a symbolic link `cd` and `WORKDIR` can name the same
//! directory differently, and `cd` sets `OLDPWD`. Then it is unsafe.
//!
//! ## Notes
//! hadolint reports every `cd`. dockside does not report a `cd` inside a
//! subshell or command substitution (`(cd sub && make)`,
//! `$(cd dir && pwd)`): its effect ends there by design, and `WORKDIR`
//! cannot express it. It reports the first `cd` of each `RUN` only.
//!
//! Nor does it report a `cd` into a directory that lives only during the
//! `RUN` or that the `RUN` itself makes, where a `WORKDIR` before it would
//! not do: a temporary directory (`/tmp`, `/var/tmp`, `/dev/shm`), one the
//! same `RUN` removes afterwards (`rm -rf /usr/src/python`, or a parent),
//! one named by a variable the script assigns (`cd "$SRC"`), or one an
//! earlier command of the `RUN` created by fetching into it (`git clone …
//! dir`, `tar -x … -C dir`, `unzip … -d dir`, `go get` into
//! `$GOPATH/src`, `docker-php-source extract`). After such a `cd`, a
//! relative `cd` or a `cd` back (`cd /`, `cd ..`) is not reported either.
//! `RUN`s under PowerShell or cmd (a Windows `SHELL`, or a Windows image
//! without one) are checked too, as in hadolint, without a fix: their
//! commands are split on `;`, `&&`, `||`, `|` and (cmd) `&`, and a `cd`
//! inside a block or parentheses (`if (…) { cd x }`, `(cd x & y)`) is not
//! seen; cmd's `cd` without a directory only prints it.

use std::collections::HashSet;

use crate::diagnostic::{Applicability, Edit, Fix, TextRange};
use crate::model::{
    Dialect, Document, DocumentFact, Instruction, InstructionKind, LocalValue, ShellArg, ShellCommand, ShellScript,
};
use crate::rule::{Context, declare_rule};

use super::support::{self, in_subshell, insertion_point_before, node_of};

declare_rule! {
    /// `cd` in `RUN` lasts for one instruction; use `WORKDIR`
    name: "cd-instead-of-workdir", aliases: ["DL3003"], category: Shell, severity: Warning,
    fix: Sometimes, fix_safety: Either,
    kinds: [Run], check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else {
        check_windows(run, ctx);
        return;
    };
    let mut after_exempt = false;
    let Some(cd) = script.commands_named(&["cd"]).find(|c| {
        if in_subshell(script, c) || c.has_arg("-") {
            return false;
        }
        let dir = c.positional().next();
        // Back out of (or further into) a directory that needs no WORKDIR.
        if after_exempt && dir.is_none_or(|d| !d.text.starts_with('/') || d.text.trim_end_matches('/').is_empty()) {
            return false;
        }
        if dir.is_some_and(|d| needs_no_workdir(script, c, d)) {
            after_exempt = true;
            return false;
        }
        true
    }) else {
        return;
    };
    let message = message(cd.positional().next().map(|a| a.text.as_str()));
    let fix = fix(run, ctx.doc);
    let diagnostic = ctx.report(cd.range, message);
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// True when `cd`'s directory `dir` lives only during the `RUN` or is made
/// by it: temporary, removed afterwards, named by a variable the script
/// sets, or fetched into by an earlier command (see the Notes).
fn needs_no_workdir(script: &ShellScript, cd: &ShellCommand, dir: &ShellArg) -> bool {
    if dir.local != LocalValue::None {
        return true; // a variable of the script: no WORKDIR can name it
    }
    let target = dir.text.trim_end_matches('/');
    if target.is_empty() || target == "." || target == ".." {
        return false;
    }
    let temporary =
        ["/tmp", "/var/tmp", "/dev/shm"].iter().any(|t| target == *t || target.starts_with(&format!("{t}/")));
    if temporary {
        return true;
    }
    // `dir` is `path` or below it. A relative `path` (`git clone … repo`)
    // also matches an absolute target through it (`cd /repo/sub`): where
    // the script stood is not tracked.
    let within = |path: &str| {
        let path = path.trim_end_matches("/*").trim_end_matches('/');
        let path = path.strip_prefix("./").unwrap_or(path);
        let below = |t: &str| t == path || t.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'));
        !path.is_empty()
            && (below(target)
                || (!path.starts_with('/')
                    && target.starts_with('/')
                    && target.match_indices(&format!("/{path}")).any(|(i, _)| below(&target[i + 1..]))))
    };
    let main_line = |c: &&ShellCommand| !c.in_command_string;
    let before = |c: &&ShellCommand| c.logical.start < cd.logical.start;
    let after = |c: &&ShellCommand| c.logical.start > cd.logical.start;
    let removed = script.commands.iter().filter(main_line).filter(after).any(|c| match c.base_name() {
        "rm" => c.positional().any(|a| within(&a.text)),
        "docker-php-source" => c.has_arg("delete") && within("/usr/src/php"),
        _ => false,
    });
    if removed {
        return true;
    }
    script.commands.iter().filter(main_line).filter(before).any(|c| {
        let args: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
        match c.base_name() {
            "git" => cloned_into(&args).is_some_and(|d| within(&d)),
            "tar" => option_value(&args, "-C", "--directory").is_some_and(within),
            "unzip" => option_value(&args, "-d", "-d").is_some_and(within),
            "go" => {
                let fetched = args.first() == Some(&"get");
                fetched
                    && target.split_once("/src/").is_some_and(|(_, path)| {
                        args.iter().skip(1).filter(|a| !a.starts_with('-')).any(|pkg| {
                            let pkg = pkg.split('@').next().unwrap_or(pkg).trim_end_matches("/...");
                            pkg == path || pkg.starts_with(&format!("{path}/")) || path.starts_with(&format!("{pkg}/"))
                        })
                    })
            }
            "docker-php-source" => c.has_arg("extract") && within("/usr/src/php"),
            _ => false,
        }
    })
}

/// The directory `git clone <url> [<dir>]` creates (its arguments).
fn cloned_into(args: &[&str]) -> Option<String> {
    const WITH_VALUE: &[&str] = &[
        "-b",
        "--branch",
        "--depth",
        "-o",
        "--origin",
        "-c",
        "--config",
        "--reference",
        "-j",
        "--jobs",
        "--filter",
        "--separate-git-dir",
        "-u",
        "--upload-pack",
        "--template",
        "--shallow-since",
        "--shallow-exclude",
    ];
    let clone = args.iter().position(|a| *a == "clone")?;
    let mut words = Vec::new();
    let mut skip = false;
    for a in &args[clone + 1..] {
        if skip {
            skip = false;
        } else if WITH_VALUE.contains(a) {
            skip = true;
        } else if !a.starts_with('-') {
            words.push(*a);
        }
    }
    match words.as_slice() {
        [_, dir, ..] => Some((*dir).to_string()),
        [url] => {
            let name = url.trim_end_matches('/').rsplit(['/', ':']).next()?;
            Some(name.strip_suffix(".git").unwrap_or(name).to_string())
        }
        [] => None,
    }
}

/// The value of option `short` (`-C dir`, `-Cdir`) or `long`
/// (`--directory dir`, `--directory=dir`).
fn option_value<'a>(args: &[&'a str], short: &str, long: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, a)| {
        if *a == short || *a == long {
            args.get(i + 1).copied()
        } else if let Some(v) = a.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
            Some(v)
        } else {
            a.strip_prefix(short).filter(|v| !short.starts_with("--") && !v.is_empty() && v.starts_with('/'))
        }
    })
}

/// A `RUN` under PowerShell or cmd (or parsed as POSIX on a Windows image
/// without `SHELL`): the first `cd` with a directory, without a fix. cmd's
/// `cd` without a directory only prints the current one; `/d` is a switch.
fn check_windows(run: &Instruction, ctx: &mut Context<'_>) {
    let cmd_shell = run.windows_script().is_none_or(|w| w.dialect == Dialect::Cmd);
    let Some((cd, dir)) =
        run.commands().iter().filter(|c| c.name == "cd").find_map(|c| Some((c, dir_of(c, cmd_shell)?)))
    else {
        return;
    };
    ctx.report(cd.range, message(Some(dir)));
}

fn dir_of(cd: &ShellCommand, cmd_shell: bool) -> Option<&str> {
    cd.args.iter().map(|a| a.text.as_str()).find(|a| !(cmd_shell && a.eq_ignore_ascii_case("/d")) && *a != "-")
}

fn message(dir: Option<&str>) -> String {
    let absolute = |d: &str| {
        d.starts_with('/')
            || d.starts_with('\\')
            || (d.len() > 2 && d.as_bytes()[0].is_ascii_alphabetic() && d[1..].starts_with([':']))
    };
    match dir {
        Some(dir) if absolute(dir) && !dir.contains(char::is_whitespace) => {
            format!("`cd {dir}` lasts only for this `RUN`; use `WORKDIR {dir}` to change directory")
        }
        _ => "`cd` lasts only for this `RUN`; use `WORKDIR` with an absolute path to change directory".to_string(),
    }
}

fn fix(run: &Instruction, doc: &Document) -> Option<Fix> {
    let (dir, delete) = leading_cd(run, doc)?;
    if workdir_at(run, doc).as_deref() == Some(dir.as_str()) {
        let script = support::script(doc, run)?;
        let reads_directory = script.text.contains("PWD") || script.commands_named(&["pwd"]).next().is_some();
        let applicability = if reads_directory { Applicability::Unsafe } else { Applicability::Safe };
        return Some(Fix::new(
            format!("Remove the `cd`: the working directory is already `{dir}`"),
            applicability,
            vec![Edit::delete(delete)],
        ));
    }
    // An earlier RUN with the same `cd` gets the WORKDIR; this one follows.
    doc.stage_of(run)?;
    if doc.fact::<RepeatedCds>().0.get(run.index).copied().unwrap_or(false) {
        return None;
    }
    let (at, indent) = insertion_point_before(doc, run);
    Some(Fix::unsafe_(
        format!("Move the directory into `WORKDIR {dir}`"),
        vec![Edit::insert(at, format!("WORKDIR {dir}\n{indent}")), Edit::delete(delete)],
    ))
}

/// Per instruction: a RUN whose leading `cd` an earlier RUN of its stage
/// (since the last WORKDIR) already starts with. One pass over the
/// document; asking each RUN to look back was quadratic.
struct RepeatedCds(Vec<bool>);

impl DocumentFact for RepeatedCds {
    fn compute(doc: &Document) -> RepeatedCds {
        let mut repeated = vec![false; doc.instructions.len()];
        for stage in &doc.stages {
            let mut seen: HashSet<String> = HashSet::new();
            for ins in stage.instructions(doc) {
                match ins.kind {
                    InstructionKind::Workdir => seen.clear(),
                    InstructionKind::Run => {
                        if let Some((dir, _)) = leading_cd(ins, doc) {
                            repeated[ins.index] = !seen.insert(dir);
                        }
                    }
                    _ => {}
                }
            }
        }
        RepeatedCds(repeated)
    }
}

/// For `RUN cd /abs && rest`, where the `cd` is the only change of
/// directory and `/abs` is neither temporary nor removed by the script: the
/// directory and the range to delete (`cd /abs && `).
fn leading_cd(run: &Instruction, doc: &Document) -> Option<(String, TextRange)> {
    if !run.heredocs.is_empty() || run.json.is_some() || run.shell.is_none() {
        return None;
    }
    let script = support::script(doc, run)?;
    let mut cds = script.commands_named(&["cd"]).filter(|c| !in_subshell(script, c));
    let cd = cds.next()?;
    if cds.next().is_some() {
        return None;
    }
    let [dir] = cd.args.as_slice() else { return None };
    let text = dir.text.trim_end_matches('/');
    let plain = dir.text.starts_with('/')
        && dir.text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c))
        && doc.text()[dir.range.as_range()] == dir.text;
    let temporary = ["/tmp", "/var/tmp", "/dev/shm"].iter().any(|t| text == *t || text.starts_with(&format!("{t}/")));
    let removed = script
        .commands_named(&["rm"])
        .any(|rm| rm.positional().any(|a| a.text.trim_end_matches('/') == text || text.starts_with(a.text.as_str())));
    if !plain || temporary || removed || text.is_empty() {
        return None;
    }
    // The cd must be the script's first command, joined to the next by `&&`.
    let node = node_of(script, cd)?;
    if !script.text[..node.start_byte()].trim().is_empty() {
        return None;
    }
    let list = node.parent().filter(|p| p.kind() == "list")?;
    if list.child(0)? != node || list.child(1)?.kind() != "&&" {
        return None;
    }
    let rest = list.child(2)?;
    Some((text.to_string(), TextRange::new(cd.range.start, script.source_offset(rest.start_byte()))))
}

/// The working directory set by the `WORKDIR`s before `run`, when known.
fn workdir_at(run: &Instruction, doc: &Document) -> Option<String> {
    let stage = run.stage?;
    let mut current: Option<String> = None;
    for s in doc.stage_chain(stage).into_iter().rev() {
        for ins in s.instructions(doc).iter().filter(|i| i.kind == InstructionKind::Workdir && i.index < run.index) {
            let raw = ins.args.first().map(|w| w.raw.clone()).unwrap_or_default();
            current = if raw.contains(['$', '"', '\'', '\\']) {
                None
            } else if raw.starts_with('/') {
                Some(raw)
            } else {
                current.map(|c| format!("{}/{raw}", c.trim_end_matches('/')))
            }
            .map(|p| p.trim_end_matches('/').to_string());
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nWORKDIR /app\nRUN make\n",
                "FROM debian\nRUN (cd /src && make) && make install\n",
                // The `-c` string's shell ends with its `cd`, as a subshell does.
                "FROM debian\nRUN sh -c 'cd /src && make' && make install\n",
                "FROM debian\nRUN DIR=$(cd /opt/x && pwd) && echo $DIR\n",
                "FROM debian\nRUN echo cd /app\n",
                "FROM debian\nONBUILD RUN cd /app && make\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN cd && echo cd C:\\x\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\"]\nRUN if ($x) { cd C:\\y }\n",
                // Directories that live only during the RUN, or that it makes.
                "FROM debian\nRUN cd /tmp/build && make\n",
                "FROM debian:12\nRUN set -eux; mkdir -p /usr/src/app; tar -xf /tmp/app.tar -C /usr/src/app; cd /usr/src/app; make; cd /; rm -rf /usr/src/app\n",
                "FROM debian\nRUN cd /usr/src/python && make && cd / && rm -rf /usr/src/python\n",
                "FROM debian\nRUN cd /usr/src/x/build && make && rm -rf /usr/src/x\n",
                "FROM php\nRUN docker-php-source extract; cd /usr/src/php; make; docker-php-source delete\n",
                "FROM alpine:3.20\nRUN V=1.2; P=\"/usr/local/src/openssl-$V\"; mkdir -p \"$P\"; cd \"$P\"; ./config\n",
                "FROM golang:1.13-alpine\nRUN go get example.com/tool || true && cd /go/src/example.com/tool && git checkout v1 && go build .\n",
                "FROM golang:1.13\nRUN go get -d example.com/tool/... && cd $GOPATH/src/example.com/tool && make\n",
                "FROM debian\nRUN git clone --depth 1 https://example.com/repo.git && cd repo && make\n",
                "FROM debian\nRUN git clone -b v1 https://example.com/repo.git /opt/src && cd /opt/src/cmd && make\n",
                "FROM debian\nRUN unzip app.zip -d /opt/app && cd /opt/app && ./install.sh\n",
                "FROM debian\nRUN tar --directory=/opt -xzf app.tgz && cd /opt/app-1.0 && make\n",
                "FROM debian\nRUN cd /tmp && tar xf a.tgz && cd a-1.0 && make && cd .. && rm -rf a-1.0\n",
                "FROM debian\nRUN git clone https://example.com/pkg-oss/ && cd pkg-oss && make && cd /pkg-oss/debian && make\n",
            ],
            &[
                "FROM debian\nRUN ⟦cd /app⟧ && make\n",
                "FROM debian\nRUN curl -O https://x/a.tgz && \\\n    tar xf a.tgz && \\\n    ⟦cd a⟧ && make\n",
                "FROM debian\nRUN <<EOF\nset -e\n⟦cd /app⟧\nmake\nEOF\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦cd /app⟧ && make\"]\n",
                "FROM debian\nRUN (cd /a && make) && ⟦cd /b⟧ && make\n",
                // A directory that stays, not made by the RUN; rm before the cd.
                "FROM debian\nRUN mkdir -p /usr/src && ⟦cd /usr/src⟧ && make\n",
                "FROM debian\nRUN rm -rf /app/cache && ⟦cd /app⟧ && make\n",
                "FROM debian\nRUN ⟦cd /build⟧ && make && rm -rf /build-cache\n",
                "FROM debian\nRUN git clone https://example.com/repo.git && ⟦cd /opt⟧ && make\n",
                "FROM debian\nRUN cd /tmp && make && ⟦cd /app⟧ && make\n",
                "FROM golang:1.13\nRUN go get example.com/tool && ⟦cd /go/src/example.com/other⟧ && make\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN ⟦cd /app⟧\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\"]\nRUN ⟦cd libuv⟧ ; git pull ; \\\n    .\\vcbuild.bat test\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN ⟦cd /d C:\\src⟧ & nmake\n",
            ],
            &[
                ("FROM debian\nRUN cd /app && make\n", "FROM debian\nWORKDIR /app\nRUN make\n"),
                (
                    "FROM debian\nRUN --mount=type=cache,target=/root/.cache cd /app && \\\n    make && \\\n    make install\n",
                    "FROM debian\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache make && \\\n    make install\n",
                ),
                (
                    "FROM debian\n# build it\n  RUN cd /src && make || true\n",
                    "FROM debian\nWORKDIR /src\n# build it\n  RUN make || true\n",
                ),
                (
                    "FROM debian\n# hadolint ignore=DL3008\nRUN cd /src && make\n",
                    "FROM debian\nWORKDIR /src\n# hadolint ignore=DL3008\nRUN make\n",
                ),
                ("FROM debian\nWORKDIR /app/\nRUN cd /app && make\n", "FROM debian\nWORKDIR /app/\nRUN make\n"),
                (
                    "FROM debian\nWORKDIR /srv\nWORKDIR app\nRUN cd /srv/app/ && make\n",
                    "FROM debian\nWORKDIR /srv\nWORKDIR app\nRUN make\n",
                ),
                (
                    "FROM debian\nRUN cd /app && make\nRUN cd /app && make install\n",
                    "FROM debian\nWORKDIR /app\nRUN make\nRUN make install\n",
                ),
                // No fix: not the first command, a relative path, another
                // `cd`, a temporary or removed directory.
                ("FROM debian\nRUN cd /opt && make && cd -\n", "FROM debian\nRUN cd /opt && make && cd -\n"),
                ("FROM debian\nRUN cd /tmp && make\n", "FROM debian\nRUN cd /tmp && make\n"),
                (
                    "FROM debian\nRUN cd /build && make install && rm -rf /build\n",
                    "FROM debian\nRUN cd /build && make install && rm -rf /build\n",
                ),
                ("FROM debian\nRUN make && cd /a && make\n", "FROM debian\nRUN make && cd /a && make\n"),
                ("FROM debian\nRUN cd src && make\n", "FROM debian\nRUN cd src && make\n"),
                ("FROM debian\nRUN cd /app\n", "FROM debian\nRUN cd /app\n"),
            ],
        );
    }

    /// Only removing a `cd` to the `WORKDIR` in effect is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM debian\nWORKDIR /app\nRUN cd /app && make\n", "FROM debian\nWORKDIR /app\nRUN make\n"),
                (
                    "FROM debian AS base\nWORKDIR /srv\nFROM base\nRUN cd /srv && make\n",
                    "FROM debian AS base\nWORKDIR /srv\nFROM base\nRUN make\n",
                ),
                // WORKDIR lasts for every later instruction.
                kept("FROM debian\nRUN cd /app && make\nCOPY a.txt .\n"),
                // Through a symbolic link the names may differ.
                kept("FROM debian\nWORKDIR /app\nRUN cd /app && echo \"$PWD\" > /where\n"),
                kept("FROM debian\nWORKDIR /app\nRUN cd /app && pwd > /where\n"),
            ],
        );
    }
}
