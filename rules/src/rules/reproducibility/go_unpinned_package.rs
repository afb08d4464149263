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
//! downloaded. `go get pkg@none` removes a dependency and is not reported. For
//! `go run`, only the package is checked, not the program's arguments. The
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

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

use super::support::{self, Cli};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "go-unpinned-package",
        aliases: &["DL3062"],
        category: Category::Reproducibility,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`go install`/`go get`/`go run` of a package without a version",
        source: include_str!("go_unpinned_package.rs"),
        path: "rules/src/rules/reproducibility/go_unpinned_package.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Run],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

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
    for cmd in run.commands().iter().filter(|c| matches!(c.base_name(), "go" | "xx-go")) {
        let line = GO.read(&cmd.args);
        let packages = if let Some(packages) = line.after(&[&["install"], &["get"]]) {
            packages
        } else if let Some(packages) = line.after(&[&["run"]]) {
            // The package, then the program's own arguments.
            &packages[..packages.len().min(1)]
        } else {
            continue;
        };
        let found = support::unpinned(ctx, run, packages.iter().copied(), pinned);
        support::report(ctx, found, "@<version>");
    }
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
