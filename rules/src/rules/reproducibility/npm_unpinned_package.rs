//! ## What it does
//! Checks for packages in `npm install <package>` (and its aliases `npm i`,
//! `npm add`) without a version (`typescript` instead of
//! `typescript@5.6.3`).
//!
//! ## Why is this bad?
//! A package named without a version resolves to its `latest` dist-tag,
//! which the publisher moves with every release. Globally installed tools
//! (`npm install -g`) are not covered by the project's lockfile, so nothing
//! else holds them still: the next build may get a new major version.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! RUN npm install -g typescript
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! RUN npm install -g typescript@5.6.3
//! ```
//!
//! ## Notes
//! `npm install` and `npm ci` without packages (they follow
//! `package-lock.json`), local folders and tarballs are not reported; git URLs
//! and GitHub shorthands (`user/repo`) need a `#<ref>`. Unlike hadolint,
//! `@latest` is reported (it names the moving tag, not a version), and the
//! aliases `npm i` and `npm add` are checked too. Values of options such as
//! `--prefix`, `--registry` and `--loglevel` are not packages. Each install command is reported once, with a related location
//! per unpinned package, and a variable is checked through the literal value
//! the same `RUN` gave it earlier (`PKGS='gcc make' && … $PKGS`; `export` and
//! multi-line quoted values too) or else its `ARG`/`ENV` value, and reported
//! at its use (`$PKGS`) with the packages it names; one with no known value (a
//! command substitution, a loop variable, an `ARG` without default) is not
//! reported. `RUN`s under PowerShell or cmd (a Windows `SHELL`, or a Windows
//! image without one) are checked too, as in hadolint: their commands are
//! split on `;`, `&&`, `||`, `|` and (cmd) `&`, and a command inside a block
//! (`if (…) { … }`) is not seen.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `npm install` of a package without a version
    name: "npm-unpinned-package", aliases: ["DL3016"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const NPM: Cli = Cli {
    short: &['w', 'C'],
    long: &[
        "before",
        "ca",
        "cache",
        "cafile",
        "cert",
        "fetch-retries",
        "fetch-retry-maxtimeout",
        "fetch-retry-mintimeout",
        "fetch-timeout",
        "globalconfig",
        "https-proxy",
        "include",
        "install-strategy",
        "key",
        "location",
        "loglevel",
        "logs-dir",
        "maxsockets",
        "noproxy",
        "omit",
        "only",
        "otp",
        "prefix",
        "proxy",
        "registry",
        "save-prefix",
        "scope",
        "script-shell",
        "tag",
        "userconfig",
        "workspace",
    ],
    single_word: false,
    long_prefixes: None,
};

/// `npm install` and the aliases npm documents for it.
const INSTALL: &[&[&str]] = &[
    &["install"],
    &["i"],
    &["add"],
    &["in"],
    &["ins"],
    &["inst"],
    &["insta"],
    &["instal"],
    &["isnt"],
    &["isnta"],
    &["isntal"],
    &["isntall"],
];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    for cmd in run.commands().iter().filter(|c| c.base_name() == "npm") {
        let line = NPM.read(&cmd.args);
        let Some(packages) = line.after(INSTALL) else { continue };
        let found = support::unpinned(ctx, run, packages.iter().copied(), pinned);
        support::report(ctx, found, "@<version>");
    }
}

fn pinned(package: &str) -> bool {
    const GIT: &[&str] = &["git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:"];
    const LOCAL: &[&str] = &["/", "./", "../", "~/", "file:"];
    if GIT.iter().any(|p| package.starts_with(p)) {
        return package.contains('#');
    }
    if LOCAL.iter().any(|p| package.starts_with(p)) || package == "." || package == ".." {
        return true;
    }
    if [".tgz", ".tar.gz", ".tar"].iter().any(|s| package.ends_with(s)) {
        return true;
    }
    if package.starts_with("http://") || package.starts_with("https://") {
        return !package.ends_with(".git") || package.contains('#');
    }
    // `@scope/name@version` or `name@version`; `user/repo` is GitHub's.
    let (scope, rest) = match package.strip_prefix('@') {
        Some(scoped) => ("@", scoped),
        None => ("", package),
    };
    if scope.is_empty() && rest.contains('/') {
        return package.contains('#');
    }
    match rest.split_once('@') {
        Some((_, version)) => !version.is_empty() && version != "latest",
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
                "FROM node\nRUN npm install && npm ci && npm install -g --production\n",
                "FROM node\nRUN npm install -g typescript@5.6.3 @angular/cli@18 'eslint@^9'\n",
                "FROM node\nRUN npm i -g npm@10.9.0 && npm add left-pad@1.3.0\n",
                "FROM node\nRUN npm install git+https://github.com/org/repo.git#v1.0 github:org/repo#abc123 org/repo#v2\n",
                "FROM node\nRUN npm install ./local-pkg ../other /tmp/pkg.tgz https://example.com/pkg-1.0.0.tgz file:vendor/x\n",
                "FROM node\nRUN npm install --prefix /usr/local --loglevel warn --registry https://r.example.com -g x@1\n",
                "FROM node\nRUN npm run build && npm uninstall -g typescript\n",
                "FROM node\nRUN npm install -g $(cat tools.txt)\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN npm install -g yarn@1.22.22 2>&1 | Out-Null\n",
                "FROM stefanscherer/node-windows:10\nRUN npm ci && echo npm install x\n",
            ],
            &[
                "FROM node\nRUN npm install -g ⟦typescript⟧\n",
                "FROM node\nRUN npm install -g ⟦@angular/cli⟧\n",
                "FROM node\nRUN npm i -g ⟦npm@latest⟧\n",
                "FROM node\nRUN npm --loglevel warn install ⟦pm2⟧\n",
                "FROM node\nRUN npm install ⟦git+https://github.com/org/repo.git⟧\n",
                "FROM node\nRUN npm install ⟦org/repo⟧\n",
                "FROM node\nRUN npm install -g \\\n    pm2@5.4.2 \\\n    ⟦nodemon⟧\n",
                "FROM node\nRUN <<EOF\nnpm install -g ⟦pm2⟧\nEOF\n",
                "FROM node\nONBUILD RUN npm install -g ⟦pm2⟧\n",
                "FROM node\nRUN [\"sh\", \"-c\", \"npm install -g ⟦pm2⟧\"]\n",
                "FROM mcr.microsoft.com/dotnet/framework/sdk:4.8\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN npm install -g ⟦yarn⟧\n",
                "FROM stefanscherer/node-windows:10\nRUN npm install -g ⟦nodemon⟧\n",
                "FROM stefanscherer/node-windows:10\nRUN @npm i -g ⟦nodemon⟧ & echo done\n",
            ],
            &[],
        );
    }
}
