//! ## What it does
//! Checks for packages in `go install`, `go get` and `go run` without a
//! version (`golang.org/x/tools/gopls` or `…/gopls@latest` instead of
//! `…/gopls@v0.16.2`).
//!
//! ## Why is this bad?
//! Without a version, `go get` fetches the newest release, and so do
//! `go install` and `go run` in GOPATH mode; `@latest` asks for it
//! explicitly. The tool or dependency then changes whenever its authors
//! release, so the same Dockerfile builds something different each time.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23
//! RUN go install golang.org/x/tools/gopls@v0.16.2
//! ```
//!
//! ## Notes
//! `@latest`, `@upgrade` and `@patch` are not versions; a branch (`@main`) is
//! accepted, as in hadolint. Local packages are not reported: paths (`.`,
//! `./cmd/app`, `/go/src/app`), `.go` files (`go run build.go`, which hadolint
//! reports) and import paths without a dot in their first element
//! (`myapp/cmd/server`, `std`, `all`, `tool`): only paths with a domain can be
//! downloaded. `go get pkg@none` removes a dependency and is not reported.
//! Neither is a GOPATH-era `go get` whose source tree is then checked out
//! at a ref: `git checkout <ref>` or `git reset --hard <ref>` in
//! `$GOPATH/src/<pkg>` (or a folder above it, below `$GOPATH/src/<host>`),
//! after a `cd` in the same RUN or under the WORKDIR of a later RUN of the
//! stage (or before the command, which then builds that tree, unless `go
//! get -u` updates it); nor the project's own import path, when the build context was
//! copied to `$GOPATH/src/<path>` earlier in the stage (`go get
//! <path>/...`); nor `go install`/`go run` of a package in a folder that
//! holds a `go.mod` (copied there, or bind-mounted by the RUN), which
//! builds the version the module requires. For `go run`, only the package is checked, not the program's arguments. The
//! `xx-go` cross-compilation wrapper is checked too. Each install command is reported once, with a related location
//! per unpinned package, and a variable is checked through the literal value the same
//! `RUN` gave it earlier (`PKGS='gcc make' && … $PKGS`; `export` and
//! multi-line quoted values too) or else its `ARG`/`ENV` value, and reported
//! at its use (`$PKGS`) with the packages it names; one with no known value (a
//! command substitution, a loop variable, an `ARG` without default) is not
//! reported. `RUN`s under PowerShell or cmd (a Windows `SHELL`, or a Windows
//! image without one) are checked too, as in hadolint: their commands are
//! split on `;`, `&&`, `||`, `|` and (cmd) `&`, and a command inside a block
//! (`if (…) { … }`) is not seen.

use crate::model::{Document, Instruction, InstructionKind, LocalValue, Scope, ShellArg, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support::{
    copy_destination, expand_shell_word, is_broad_copy, is_within, join_path, workdir_at,
};

use super::support::{self, Cli};

declare_rule! {
    /// `go install`/`go get`/`go run` of a package without a version
    name: "go-unpinned-package", aliases: ["DL3062"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// Build flags that take a value (`-o out`, `-ldflags '-s -w'`).
const GO: Cli = Cli {
    short: &[],
    long: &[
        "C",
        "asmflags",
        "buildmode",
        "buildvcs",
        "compiler",
        "covermode",
        "coverpkg",
        "exec",
        "gccgoflags",
        "gcflags",
        "installsuffix",
        "ldflags",
        "mod",
        "modfile",
        "o",
        "overlay",
        "p",
        "pgo",
        "pkgdir",
        "tags",
        "toolexec",
    ],
    single_word: true,
    long_prefixes: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let mut gopath: Option<Gopath> = None;
    for (i, cmd) in run.commands().iter().enumerate() {
        if !matches!(cmd.base_name(), "go" | "xx-go") {
            continue;
        }
        let line = GO.read(&cmd.args);
        let in_module = || line.after(&[&["install"], &["run"]]).is_some() && has_go_mod(ctx.doc, run);
        let packages = if let Some(packages) = line.after(&[&["install"], &["get"]]) {
            packages
        } else if let Some(packages) = line.after(&[&["run"]]) {
            // The package, then the program's own arguments.
            &packages[..packages.len().min(1)]
        } else {
            continue;
        };
        // Inside a module, `go install`/`go run` of a package without a
        // version build the version its `go.mod` requires.
        if in_module() {
            continue;
        }
        let gopath = gopath.get_or_insert_with(|| Gopath::of(ctx.doc, run));
        // A tree checked out before the command serves it too, unless
        // `go get -u` updates it.
        let before = !line.has(&["u"]);
        let checked_out = checkouts(ctx.doc, run, i, before);
        let known = |p: &str| pinned(p) || gopath.is_project(p) || gopath.checked_out(p, &checked_out);
        let found = support::unpinned(ctx, run, packages.iter().copied(), known);
        support::report(ctx, found, "@<version>");
    }
}

/// True when the RUN's working directory holds a `go.mod`: bind-mounted
/// there by the RUN, or copied there earlier in the stage (or a stage it
/// builds on).
fn has_go_mod(doc: &Document, run: &Instruction) -> bool {
    let Some(dir) = workdir_at(doc, run.stage, run.index) else { return false };
    let here = |target: &str| target == join_path(&dir, "go.mod") || target == dir;
    let mounted = run.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")).any(|f| {
        let source = f.mount_value("source").or_else(|| f.mount_value("src")).unwrap_or_default();
        let target = ["target", "dst", "destination"].iter().find_map(|k| f.mount_value(k)).unwrap_or_default();
        source.trim_start_matches("./") == "go.mod" && here(&join_path(&dir, &target))
    });
    let copied = || {
        let Some(stage) = run.stage else { return false };
        doc.stage_chain(stage).iter().any(|s| {
            doc.instructions[s.from..s.end.min(run.index)]
                .iter()
                .filter(|i| matches!(i.kind, InstructionKind::Copy | InstructionKind::Add) && i.flag("from").is_none())
                .any(|i| {
                    let sources = &i.args[..i.args.len().saturating_sub(1)];
                    sources.iter().any(|w| w.value().rsplit('/').next() == Some("go.mod"))
                        && copy_destination(doc, i).is_some_and(|d| here(&d))
                })
        })
    };
    mounted || copied()
}

/// The GOPATH entries a `go get` fetches into (`$GOPATH` from ARG/ENV,
/// else `/go` as in the official images and `~/go` as Go's default) and
/// the project's own import paths: where an earlier COPY/ADD of the stage
/// put the build context under `$GOPATH/src`.
struct Gopath {
    roots: Vec<String>,
    projects: Vec<String>,
}

impl Gopath {
    fn of(doc: &Document, run: &Instruction) -> Gopath {
        let scope = Scope::at(doc, run.index);
        let roots = match scope.value("GOPATH") {
            // `go get` fetches into the first entry of a list.
            Some(v) => v.split(':').next().map(|r| vec![join_path("/", r)]).unwrap_or_default(),
            None => vec!["/go".to_string(), "/root/go".to_string()],
        };
        let stage = doc.stage_run_of(run);
        let projects = doc.instructions[stage.start..run.index.min(stage.end)]
            .iter()
            .filter(|i| is_broad_copy(i))
            .filter_map(|copy| copy_destination(doc, copy))
            .filter_map(|dest| roots.iter().find_map(|r| import_path(&dest, r)))
            .collect();
        Gopath { roots, projects }
    }

    /// `<P>`, `<P>/...` or a package below `<P>`, for a project path `<P>`.
    fn is_project(&self, package: &str) -> bool {
        let package = package.trim_end_matches("/...");
        self.projects.iter().any(|p| is_within(&format!("/{package}"), &format!("/{p}")))
    }

    /// True when one of `dirs` (where `git checkout <ref>` ran) holds the
    /// package's source tree: the package's folder or one above it, but
    /// below `$GOPATH/src/<host>` (a repository, not a host's folder).
    fn checked_out(&self, package: &str, dirs: &[String]) -> bool {
        let package = package.trim_end_matches("/...");
        if package.contains(['@', '$']) {
            return false;
        }
        self.roots.iter().any(|root| {
            let source = join_path(&format!("{root}/src"), package);
            dirs.iter().any(|d| is_within(&source, d) && import_path(d, root).is_some_and(|p| p.contains('/')))
        })
    }
}

/// The import path of `dir` under GOPATH `root` (`/go/src/a.com/b` is `a.com/b`).
fn import_path(dir: &str, root: &str) -> Option<String> {
    let rest = dir.strip_prefix(root)?.strip_prefix("/src/")?;
    (!rest.is_empty()).then(|| rest.trim_end_matches('/').to_string())
}

/// The folders where a `git checkout <ref>` or `git reset --hard <ref>`
/// runs after command `at` of `run` (and, with `before`, before it): the
/// rest of the RUN (following its `cd`s) and the other RUNs of the stage
/// (from their WORKDIR).
fn checkouts(doc: &Document, run: &Instruction, at: usize, before: bool) -> Vec<String> {
    let mut dirs = Vec::new();
    let stage = doc.stage_run_of(run);
    let first = if before { stage.start } else { run.index.min(stage.end) };
    let others = doc.instructions[first..stage.end].iter().filter(|i| i.kind == InstructionKind::Run);
    for ins in std::iter::once(run).chain(others.filter(|i| i.index != run.index)) {
        let scope = Scope::at(doc, ins.index);
        let mut dir = workdir_at(doc, ins.stage, ins.index);
        for (j, cmd) in ins.commands().iter().enumerate() {
            let name = cmd.base_name();
            if name == "cd" {
                dir = match (dir, cmd.positional().next()) {
                    (Some(d), Some(arg)) => word_value(arg, &scope).map(|p| join_path(&d, &p)),
                    _ => None,
                };
            } else if name == "git"
                && (ins.index != run.index || j > at || before && j < at)
                && let Some(d) = checkout_dir(cmd, dir.as_deref(), &scope)
            {
                dirs.push(d);
            }
        }
    }
    dirs
}

/// The folder a `git [-C dir] checkout <ref>` or `git reset --hard <ref>`
/// switches, when it names a ref (not files: `checkout -- f`, `checkout .`).
fn checkout_dir(git: &ShellCommand, cwd: Option<&str>, scope: &Scope) -> Option<String> {
    let mut dir = cwd.map(str::to_string);
    let mut args = git.args.iter();
    let sub = loop {
        let arg = args.next()?;
        match arg.text.as_str() {
            "-C" => dir = Some(join_path(dir.as_deref()?, &word_value(args.next()?, scope)?)),
            "-c" | "--git-dir" | "--work-tree" => return None,
            t if t.starts_with('-') => {}
            t => break t,
        }
    };
    let rest: Vec<&str> = args.map(|a| a.text.as_str()).take_while(|t| *t != "--").collect();
    let has_ref = rest.iter().any(|t| !t.starts_with('-') && *t != ".");
    let pins = match sub {
        "checkout" | "switch" => has_ref,
        "reset" => rest.contains(&"--hard") && has_ref,
        _ => false,
    };
    pins.then_some(dir).flatten()
}

/// A shell word's value: the script's own assignments, then ARG/ENV.
fn word_value(arg: &ShellArg, scope: &Scope) -> Option<String> {
    let text = match &arg.local {
        LocalValue::Unknown => return None,
        LocalValue::Text(t) => t.as_str(),
        LocalValue::None => arg.text.as_str(),
    };
    expand_shell_word(text, scope)
}

fn pinned(package: &str) -> bool {
    let first = package.split('/').next().unwrap_or(package);
    let local = package.starts_with(['.', '/']) || package.ends_with(".go") || !first.contains('.');
    if local {
        return true;
    }
    match package.rsplit_once('@') {
        Some((_, version)) => !matches!(version, "" | "latest" | "upgrade" | "patch"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM golang\nRUN go install golang.org/x/tools/gopls@v0.16.2\n",
                "FROM golang\nRUN go install . && go install ./cmd/... && go install /go/app/foobar\n",
                "FROM golang\nRUN go get -d -v ./... && go get && go mod download\n",
                "FROM golang\nRUN go run build.go build && go run . --flag && go run example.com/pkg@v1.2.3 foobar\n",
                "FROM golang\nRUN go install tool && go install std && go install myapp/cmd/server\n",
                "FROM golang\nRUN go build -o /out -ldflags '-s -w' ./cmd/app\n",
                "FROM golang\nRUN go get example.com/old@none && go get -tool example.com/t@v1.0.0\n",
                "FROM golang\nARG V\nRUN go install example.com/tool@${V}\n",
                "FROM golang\nARG V=v1.2.3\nRUN go install example.com/tool@$V\n",
                "FROM golang\nRUN go install -ldflags=-s -o /bin/x example.com/tool@main\n",
                // Fetched, then checked out at a ref in its GOPATH folder.
                "FROM golang:1.10\nRUN go get github.com/example/tool || true\nWORKDIR /go/src/github.com/example/tool\nRUN git checkout v1.2.3 && go install ./cmd/tool\n",
                "FROM golang:1.10\nRUN go get github.com/example/tool && cd /go/src/github.com/example/tool && git checkout v1.2.3\n",
                "FROM ubuntu:12.10\nENV GOPATH /gopath\nARG V=v2\nRUN go get github.com/x/y/cmd/y || true && cd $GOPATH/src/github.com/x/y && git reset --hard \"$V\" && go install ./cmd/y\n",
                "FROM golang:1.10\nRUN go get -d example.com/x/tool && git -C /go/src/example.com/x checkout v1\n",
                // Inside a module: go.mod says which version.
                "FROM golang:1.24\nWORKDIR /app\nRUN --mount=type=bind,source=go.mod,target=/app/go.mod go install tool example.com/gen/cmd/gen\n",
                "FROM golang:1.24\nWORKDIR /app\nCOPY go.mod go.sum ./\nRUN go install example.com/gen/cmd/gen && go run example.com/x/cmd/y\n",
                "FROM ubuntu:14.04\nRUN git clone https://example.com/tools.git /go/src/golang.org/x/tools && (cd /go/src/golang.org/x/tools && git checkout -q $C) && go install -v golang.org/x/tools/cmd/cover\n",
                // The project's own import path.
                "FROM golang:1.15-alpine\nWORKDIR /go/src/github.com/example/app/\nADD . /go/src/github.com/example/app/\nRUN go get github.com/example/app/...\n",
                "FROM golang:1.15\nWORKDIR /go/src/example.com/app\nCOPY . .\nRUN go get -d example.com/app/cmd/server\n",
            ],
            &[
                "FROM golang\nRUN go install ⟦example.com/pkg⟧\n",
                "FROM golang\nRUN go install ⟦golang.org/x/tools/gopls@latest⟧\n",
                "FROM golang\nRUN go get -u ⟦github.com/golang/dep/cmd/dep⟧\n",
                "FROM golang\nRUN go get -tool ⟦example.com/t⟧\n",
                "FROM golang\nRUN go run ⟦example.com/pkg⟧ -f x\n",
                "FROM golang\nRUN go install -v -ldflags '-s -w' ⟦example.com/pkg/...⟧\n",
                "FROM golang\nRUN xx-go install ⟦example.com/pkg@upgrade⟧\n",
                "FROM golang\nARG V=latest\nRUN go install ⟦example.com/tool@${V}⟧\n",
                "FROM golang\nRUN go install \\\n    example.com/a@v1 \\\n    ⟦example.com/b⟧\n",
                "FROM golang\nRUN <<EOF\ngo install ⟦example.com/b⟧\nEOF\n",
                // A checkout elsewhere, before the fetch, of a file, or of a host's folder.
                "FROM golang:1.10\nRUN go get ⟦github.com/example/tool⟧ && cd /go/src/github.com/other/tool && git checkout v1\n",
                // `go get` changes go.mod to the newest version; go.mod elsewhere.
                "FROM golang:1.24\nWORKDIR /app\nCOPY go.mod ./\nRUN go get ⟦example.com/gen⟧\n",
                "FROM golang:1.24\nCOPY go.mod /src/\nRUN go install ⟦example.com/gen/cmd/gen⟧\n",
                "FROM golang:1.10\nWORKDIR /go/src/github.com/example/tool\nRUN git checkout v1 && go get -u ⟦github.com/example/tool⟧\n",
                "FROM golang:1.10\nRUN go get ⟦github.com/example/tool⟧ && cd /go/src/github.com/example/tool && git checkout -- main.go\n",
                "FROM golang:1.10\nRUN go get ⟦github.com/example/tool⟧ && cd /go/src/github.com && git checkout v1\n",
                "FROM golang:1.10\nRUN go get ⟦github.com/example/tool⟧ && cd /go/src/github.com/example/tool && git reset HEAD~1\n",
                // Another project's path, or the context copied outside GOPATH.
                "FROM golang:1.15\nCOPY . /go/src/example.com/app\nRUN go get ⟦example.com/other/...⟧\n",
                "FROM golang:1.15\nCOPY . /src/example.com/app\nRUN go get ⟦example.com/app/...⟧\n",
                "FROM golang\nONBUILD RUN go install ⟦example.com/b⟧\n",
                "FROM golang\nRUN [\"sh\", \"-c\", \"go install ⟦example.com/b⟧\"]\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN go install ⟦github.com/x/tool@latest⟧ ; go version\n",
            ],
            &[],
        );
    }

    #[test]
    fn latest_is_replaced_in_the_hint() {
        let doc = crate::model::Document::parse("FROM golang\nRUN go install example.com/t@latest\n");
        let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(
            found[0].message,
            "`example.com/t@latest` is installed without a version; pin it as `example.com/t@<version>`"
        );
    }
}
