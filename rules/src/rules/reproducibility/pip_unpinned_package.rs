//! ## What it does
//! Checks for packages in `pip install` without a version specifier
//! (`flask` instead of `flask==3.0.3`), for `pip`, `pip3`, `pip3.12`,
//! `python -m pip` and `pipx install`.
//!
//! ## Why is this bad?
//! pip installs the newest release on PyPI when no version is given. The
//! next build may pull a new major version with breaking changes, and the
//! image stops matching what was tested. A requirements or constraints file
//! (`-r`, `-c`) keeps the versions in one reviewed place instead.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN pip install --no-cache-dir flask
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN pip install --no-cache-dir flask==3.0.3
//! ```
//!
//! ## Notes
//! Any specifier (`==`, `>=`, `~=`, `<`...) counts, as in hadolint; a
//! quoted requirement with spaces (`"b2 == $V"`) is one requirement. pip
//! takes any unique prefix of a long option (`--requirem` is
//! `--requirement`), and so does this rule. Not
//! reported: a command with `-r`/`--requirement`, `-c`/`--constraint` or a
//! local project (`.`, `-e ./app`), whose files decide the versions; local
//! paths and archives (`./dist/app-1.0.whl`); URLs of archives; VCS URLs with
//! a ref (`git+https://github.com/org/repo@v1.2`); and the values of options
//! such as `-i`, `--extra-index-url`, `-e` and `--target`. hadolint takes any
//! `@` in a VCS URL for a ref, so `git+ssh://git@github.com/org/repo` passes
//! there but is reported here; the advice for a VCS URL is a ref
//! (`<url>@<tag-or-commit>`), not a version. Each install command is reported once, with a related location per unpinned package (hadolint
//! reports the RUN once), and a variable is checked through the literal value
//! the same `RUN` gave it earlier (`PKGS='gcc make' && … $PKGS`; `export` and
//! multi-line quoted values too) or else its `ARG`/`ENV` value, and reported
//! at its use (`$PKGS`) with the packages it names; one with no known value (a
//! command substitution, a loop variable, an `ARG` without default) is not
//! reported. `RUN`s under PowerShell or cmd (a Windows `SHELL`, or a Windows
//! image without one) are checked too, as in hadolint: their commands are
//! split on `;`, `&&`, `||`, `|` and (cmd) `&`, and a command inside a block
//! (`if (…) { … }`) is not seen.

use crate::model::{Instruction, ShellArg, ShellCommand};
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `pip install` of a package without a version specifier
    name: "pip-unpinned-package", aliases: ["DL3013"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const PIP: Cli = Cli {
    short: &['b', 'c', 'C', 'e', 'f', 'i', 'r', 't'],
    long: &[
        "abi",
        "build",
        "cache-dir",
        "cert",
        "client-cert",
        "config-settings",
        "constraint",
        "default-timeout",
        "editable",
        "exists-action",
        "extra-index-url",
        "find-links",
        "global-option",
        "group",
        "implementation",
        "index-url",
        "install-option",
        "keyring-provider",
        "log",
        "no-binary",
        "only-binary",
        "platform",
        "prefix",
        "progress-bar",
        "proxy",
        "python",
        "python-version",
        "report",
        "requirement",
        "retries",
        "root",
        "root-user-action",
        "src",
        "target",
        "timeout",
        "trusted-host",
        "upgrade-strategy",
        "use-deprecated",
        "use-feature",
    ],
    single_word: false,
    long_prefixes: Some(crate::rules::pip_cli::long_option),
};

/// `pipx install` takes its packages as pip does (`black==24.10.0`).
const PIPX: Cli = Cli {
    short: &['i'],
    long: &["index-url", "pip-args", "python", "spec", "suffix"],
    single_word: false,
    long_prefixes: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    for cmd in run.commands() {
        let line = if cmd.base_name() == "pipx" {
            PIPX.read(&cmd.args)
        } else {
            let Some(args) = pip_args(cmd) else { continue };
            PIP.read(args)
        };
        let Some(packages) = line.after(&[&["install"]]) else { continue };
        let local_project = packages.iter().any(|p| p.text == "." || p.text == "./")
            || line
                .options
                .iter()
                .any(|o| matches!(o.name, "e" | "editable") && o.value.is_some_and(|v| v.starts_with(['.', '/'])));
        if local_project || line.has(&["r", "requirement", "c", "constraint"]) {
            continue;
        }
        let quoted = |arg: &&ShellArg| {
            let source = ctx.doc.text().get(arg.range.as_range()).unwrap_or("");
            source.len() > 1 && (source.starts_with('"') && source.ends_with('"'))
        };
        // A double-quoted operand is one word for the shell: one
        // requirement, spaces and all (`"b2 == $V"`).
        let (whole, words): (Vec<&ShellArg>, Vec<&ShellArg>) = packages.iter().copied().partition(quoted);
        let mut found = support::unpinned(ctx, run, words, pinned);
        found.extend(support::unpinned_split(ctx, run, whole, pinned, &requirements));
        found.sort_by_key(|u| u.arg.range.start);
        report(ctx, found);
    }
}

/// [`support::report`], with a ref (`<url>@<tag-or-commit>`) as the advice
/// for VCS URLs: `==<version>` is no valid pin for them.
fn report(ctx: &mut Context<'_>, found: Vec<support::Unpinned<'_>>) {
    let vcs: Vec<Option<String>> =
        found.iter().map(|u| if u.from_variable { None } else { vcs_pin(&u.packages[0]) }).collect();
    if vcs.iter().all(Option::is_none) {
        support::report(ctx, found, "==<version>");
        return;
    }
    let [first, .., last] = found.as_slice() else {
        if let (Some(u), Some(Some(pin))) = (found.first(), vcs.first()) {
            ctx.report(u.arg.range, format!("`{}` is installed without a ref; pin it as `{pin}`", u.packages[0]));
        }
        return;
    };
    let names: Vec<String> = found.iter().map(|u| format!("`{}`", u.arg.text)).collect();
    let advice = if vcs.iter().all(Option::is_some) {
        "pin each as `<url>@<tag-or-commit>`"
    } else {
        "pin each as `<package>==<version>`, a VCS URL as `<url>@<tag-or-commit>`"
    };
    let message = format!("{} packages are installed without a version: {}; {advice}", found.len(), names.join(", "));
    let diagnostic = ctx.report(first.arg.range.cover(last.arg.range), message);
    for (u, pin) in found.iter().zip(&vcs) {
        let what = match pin {
            Some(pin) => format!("`{}` has no ref: `{pin}`", u.arg.text),
            None if u.from_variable => {
                let list: Vec<String> = u.packages.iter().map(|p| format!("`{p}`")).collect();
                format!("`{}` installs {} without a version", u.arg.text, list.join(", "))
            }
            None => format!("`{}` has no version", u.arg.text),
        };
        diagnostic.with_related(u.arg.range, what);
    }
}

/// The pinned form of a VCS requirement without a ref
/// (`git+https://host/org/repo#egg=x` → `git+https://host/org/repo@<tag-or-commit>#egg=x`,
/// also after `name @ `); `None` for anything else.
fn vcs_pin(package: &str) -> Option<String> {
    let (name, url) = match package.split_once('@') {
        Some((name, url)) if url.trim_start().contains("://") && !VCS.iter().any(|v| package.starts_with(v)) => {
            (Some(name.trim_end()), url.trim_start())
        }
        _ => (None, package),
    };
    if !VCS.iter().any(|v| url.starts_with(v)) {
        return None;
    }
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, format!("#{fragment}")),
        None => (url, String::new()),
    };
    let pinned = format!("{base}@<tag-or-commit>{fragment}");
    Some(match name {
        Some(name) => format!("{name} @ {pinned}"),
        None => pinned,
    })
}

/// The requirements in the value of one shell word: one requirement when
/// its words after the first continue a specifier (`b2 == 1.0`,
/// `b2 >=1, <2`); else each word (a list written as one word by mistake).
fn requirements(value: &str) -> Vec<&str> {
    const CONTINUES: &[char] = &['=', '<', '>', '~', '!', ',', ';', '[', '@'];
    let words: Vec<&str> = value.split_whitespace().collect();
    let one = words.windows(2).all(|w| w[1].starts_with(CONTINUES) || w[0].ends_with(CONTINUES));
    if one && !words.is_empty() { vec![value.trim()] } else { words }
}

/// pip's arguments: after `pip`/`pip3`/`pip3.12`, or after `-m pip` of a
/// `python`/`python3`/`python3.12`.
fn pip_args(cmd: &ShellCommand) -> Option<&[ShellArg]> {
    let name = cmd.base_name();
    if is_versioned(name, "pip") {
        return Some(&cmd.args);
    }
    if is_versioned(name, "python") {
        let m = cmd.args.iter().position(|a| a.text == "-m")?;
        if cmd.args.get(m + 1).is_some_and(|a| a.text == "pip") {
            return Some(&cmd.args[m + 2..]);
        }
    }
    None
}

/// `pip`, `pip3`, `pip3.12` (not `pipx`, which has its own options, or `pipenv`).
fn is_versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://"];

fn pinned(package: &str) -> bool {
    if VCS.iter().any(|v| package.starts_with(v)) {
        return vcs_has_ref(package);
    }
    // `name @ https://…/name-1.0.tar.gz`: a direct reference.
    if let Some((_, url)) = package.split_once('@')
        && url.trim_start().contains("://")
    {
        let url = url.trim_start();
        return !VCS.iter().any(|v| url.starts_with(v)) || vcs_has_ref(url);
    }
    const SPECIFIERS: &[char] = &['=', '<', '>', '~', '!'];
    // Extras do not change what is installed: `app-1.0.whl[all]`.
    let file = package.split('[').next().unwrap_or(package);
    package.contains(SPECIFIERS)
        || package.contains('/')
        || package.starts_with('.')
        || [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"].iter().any(|s| file.ends_with(s))
}

/// `git+https://host/org/repo@v1.2#egg=x`: an `@` after the host part.
fn vcs_has_ref(url: &str) -> bool {
    let url = url.split('#').next().unwrap_or(url);
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.split_once('/').is_some_and(|(_, path)| path.contains('@'))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM python\nRUN pip install flask==3.0.3 'requests>=2,<3' urllib3~=2.0 six!=1.0\n",
                "FROM python\nRUN pip install -r requirements.txt\n",
                "FROM python\nRUN pip install --requirement=requirements.txt gunicorn\n",
                "FROM python\nRUN pip install -c constraints.txt flask\n",
                "FROM python\nRUN pip install . && pip install -e . && pip install -e ./app flask\n",
                "FROM python\nRUN pip install ./dist/app-1.0-py3-none-any.whl /tmp/pkg.tar.gz app-1.0-py3-none-any.whl[all]\n",
                "FROM python\nRUN pip install git+https://github.com/org/repo@v1.2#egg=repo\n",
                "FROM python\nRUN pip install 'pkg @ https://example.com/pkg-1.0.tar.gz'\n",
                "FROM python\nRUN pip install -i https://pypi.example.com/simple --extra-index-url https://x flask==1\n",
                "FROM python\nRUN pip install --target /opt/lib --no-cache-dir flask==1\n",
                "FROM python\nRUN pip download flask && pip uninstall -y flask && pipx install black==24.10.0\n",
                "FROM python\nRUN pipx install --python \"$(which python)\" \"poetry==1.8.5\"\n",
                "FROM python\nRUN pipx run black --check .\n",
                "FROM python\nRUN pip install -U pip==24.0 --progress-bar off\n",
                // A quoted requirement with spaces is one requirement.
                "FROM python\nARG V=1.0\nRUN pip install \"b2 == $V\" \"requests >=2, <3\"\n",
                "FROM python\nRUN pip install \"b2 == 1.0\"\n",
                // Unique prefixes of long options: `--requirem` is `--requirement`.
                "FROM python\nRUN pip install --requirem requirements.txt\n",
                "FROM python\nRUN pip install --extra-index https://x flask==1\n",
                "FROM python\nRUN pip install $(cat pkgs.txt)\n",
                "FROM python\nRUN pip install\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN pip install flask==3.0 # latest\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN if (Test-Path x) { pip install flask }\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN pip install -r requirements.txt ; npm install\n",
            ],
            &[
                "FROM python\nRUN pip install --no-cache-dir ⟦flask⟧\n",
                "FROM python\nRUN pip install ⟦'flask[async]'⟧ 'uvicorn[standard]==0.30'\n",
                "FROM python\nRUN pip install -e git+https://github.com/org/repo#egg=repo ⟦flask⟧\n",
                "FROM python\nRUN pip3 install --upgrade ⟦pip setuptools⟧\n",
                "FROM python\nRUN python3 -m pip install ⟦flask⟧\n",
                "FROM python\nRUN /opt/venv/bin/pip3.12 install ⟦flask⟧\n",
                "FROM python:3.13-slim\nRUN pipx install ⟦black⟧\n",
                "FROM python\nRUN pip install -i https://pypi.example.com/simple ⟦flask⟧\n",
                "FROM python\nRUN pip install ⟦git+ssh://git@github.com/org/repo.git⟧\n",
                "FROM python\nRUN pip install \\\n    flask==3.0 \\\n    ⟦gunicorn⟧\n",
                "FROM python\nRUN <<EOF\npip install ⟦flask⟧\nEOF\n",
                "FROM python\nONBUILD RUN pip install ⟦flask⟧\n",
                "FROM python\nRUN [\"sh\", \"-c\", \"pip install ⟦flask⟧\"]\n",
                "FROM python\nARG EXTRA=\"flask\"\nRUN pip install ⟦$EXTRA⟧\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nRUN pip install ⟦docker-compose⟧\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN pip install ⟦flask⟧ ; python -V\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2016\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nRUN $d = 'x'; python -m pip install --upgrade ⟦pip⟧ 2>&1 | Out-Null\n",
                "FROM python\nRUN PKGS='flask gunicorn==22' && pip install ⟦\"$PKGS\"⟧\n",
                "FROM python\nARG V=1.0\nRUN pip install \"b2 == $V\" ⟦\"flask\"⟧\n",
                "FROM python\nRUN pip install --no-cache ⟦flask⟧\n",
            ],
            &[],
        );
    }

    /// A VCS URL is pinned with a ref, not `==<version>`.
    #[test]
    fn vcs_urls_get_a_ref_as_advice() {
        let lint = |src: &str| {
            let doc = crate::model::Document::parse(src);
            let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
            assert_eq!(found.len(), 1, "{src}");
            let related: Vec<String> = found[0].related.iter().map(|r| r.message.clone()).collect();
            (found[0].message.clone(), related)
        };
        let (one, _) = lint("FROM python\nRUN pip install git+https://github.com/example/lib\n");
        assert_eq!(
            one,
            "`git+https://github.com/example/lib` is installed without a ref; pin it as \
             `git+https://github.com/example/lib@<tag-or-commit>`"
        );
        let (named, _) = lint("FROM python\nRUN pip install 'lib @ git+https://h/o/lib.git#subdirectory=py'\n");
        assert!(
            named.ends_with("pin it as `lib @ git+https://h/o/lib.git@<tag-or-commit>#subdirectory=py`"),
            "{named}"
        );
        let (list, related) = lint("FROM python\nRUN pip install flask hg+https://h/o/r\n");
        assert!(list.ends_with("pin each as `<package>==<version>`, a VCS URL as `<url>@<tag-or-commit>`"), "{list}");
        assert_eq!(
            related,
            ["`flask` has no version", "`hg+https://h/o/r` has no ref: `hg+https://h/o/r@<tag-or-commit>`"]
        );
        let (plain, _) = lint("FROM python\nRUN pip install flask\n");
        assert!(plain.ends_with("pin it as `flask==<version>`"), "{plain}");
    }
}
