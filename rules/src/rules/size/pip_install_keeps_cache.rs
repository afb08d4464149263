//! ## What it does
//! Checks for `pip install` (or `python -m pip install`) without
//! `--no-cache-dir`.
//!
//! ## Why is this bad?
//! pip stores every wheel it downloads or builds in `~/.cache/pip` so the
//! next install can reuse it. In an image build there is no next install:
//! the cache is committed with the RUN's layer and only makes the image
//! larger, often by as much as the installed packages themselves.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN pip install -r requirements.txt
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//!
//! ## Fix safety
//! The fix adds `--no-cache-dir` after `install`. The same packages are
//! installed; pip only writes no cache. The fix is safe when nothing later
//! can read that cache; it is unsafe when:
//! - a later `pip download` or `pip wheel` without `--no-cache-dir` in the
//!   same RUN, in a later RUN of the stage or of a stage built `FROM` it, or
//!   in an ONBUILD trigger runs before the cache is purged: it downloads
//!   (and builds) again what it would have found, which fails without the
//!   network, the credentials or the compilers this RUN had. So may a script
//!   or `make` dockside cannot see into, a `CMD` that runs pip, and a
//!   `COPY --from` of the cache. A later `pip install` is not counted: this
//!   rule gives it `--no-cache-dir` in the same pass, so it would not read
//!   the cache either way (its own later readers make both fixes unsafe);
//! - the RUN is an ONBUILD trigger (what follows it is in another
//!   Dockerfile).
//!
//! ## Notes
//! Not reported when `PIP_NO_CACHE_DIR` is set by an `ENV` or `ARG` in scope,
//! on the command (`PIP_NO_CACHE_DIR=1 pip install …`) or in the script
//! (`export PIP_NO_CACHE_DIR=1`), or when a cache or tmpfs is mounted on
//! the pip cache (`--mount=type=cache,target=/root/.cache/pip`). pip turns
//! the cache off for *any* boolean value of `PIP_NO_CACHE_DIR`, `0` and
//! `false` included, so those are accepted too; hadolint reports them.
//! `pipx` and `pipenv` are not pip. `RUN`s under PowerShell or cmd (a
//! Windows `SHELL`, or a Windows image without one) are checked too, their
//! commands split on `;`, `&&`, `||`, `|` and (cmd) `&`; there any mention
//! of `PIP_NO_CACHE_DIR` in the `RUN` counts as setting it. A `pip install`
//! inside a PowerShell block (`if (…) { … }`) is not seen.
//! Only stages whose files can reach an image are checked: the final
//! stage, stages a later `FROM` builds on, stages a later `COPY --from`
//! copies the cache (`/root/.cache/pip`, `$HOME/.cache/pip`) or a parent
//! out of, and ONBUILD triggers.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, Scope, ShellArg, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::fix_safety::{self, Dependence};
use crate::rules::pip_cli;

use super::support;

declare_rule! {
    /// `pip install` without `--no-cache-dir` leaves pip's cache in the layer
    name: "pip-install-keeps-cache", aliases: ["DL3042"], category: Size, severity: Warning,
    fix: Always, fix_safety: Either,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

/// pip's general options that take a separate value.
const VALUE_FLAGS: &[&str] = &[
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--log",
    "--python",
    "--use-feature",
    "--use-deprecated",
];

const VAR: &str = "PIP_NO_CACHE_DIR";

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let mut exempt = None;
    for (i, cmd) in run.commands().iter().enumerate() {
        let Some(install) = pip_install(cmd) else { continue };
        if !writes_cache(cmd) {
            continue;
        }
        if *exempt.get_or_insert_with(|| run_disables_cache(run, ctx) || !cache_reaches_an_image(run, ctx)) {
            return;
        }
        let dependence = Dependence {
            dirs: &["/root/.cache/pip"],
            programs: &["pip", "pip3"],
            // A later `pip install` is no reader: this rule fixes it too,
            // in the same pass (its own later readers are this one's as
            // well). Counting it until it is fixed would make one more
            // install safe per pass, a chain of passes as long as the file.
            reads: &|c| matches!(pip_subcommand(c), Some("download" | "wheel")) && writes_cache(c),
            resets: &|c| {
                (pip_subcommand(c) == Some("cache")
                    && c.args.iter().any(|a| matches!(a.text.as_str(), "purge" | "remove")))
                    || fix_safety::removes(c, &["/root/.cache/pip"])
            },
            memo: "pip-cache",
        };
        let applicability = match fix_safety::later_dependence(ctx.doc, run, Some(i), &dependence) {
            Some(_) => Applicability::Unsafe,
            None => Applicability::Safe,
        };
        ctx.report(cmd.range, "`pip install` without `--no-cache-dir` keeps pip's cache in the layer").with_fix(
            Fix::new("Add `--no-cache-dir`", applicability, vec![Edit::insert(install.range.end, " --no-cache-dir")]),
        );
    }
}

/// Whether pip's cache (root's, or that of the `HOME` in scope) can reach
/// an image from this RUN's stage.
fn cache_reaches_an_image(run: &Instruction, ctx: &Context<'_>) -> bool {
    let home = Scope::at(ctx.doc, run.index).value("HOME").filter(|h| h.starts_with('/'));
    let home_cache = home.map(|h| format!("{}/.cache/pip", h.trim_end_matches('/')));
    let mut dirs = vec!["/root/.cache/pip"];
    dirs.extend(home_cache.as_deref());
    support::reaches_an_image(ctx.doc, run, &dirs)
}

/// A pip command that uses the cache: no `--no-cache-dir` (or a prefix of
/// it, `--no-cache`), no
/// `PIP_NO_CACHE_DIR=…` before it.
fn writes_cache(cmd: &ShellCommand) -> bool {
    // pip takes any unique prefix of a long option: `--no-cache` too.
    !cmd.args.iter().any(|a| pip_cli::is_long_option(&a.text, "no-cache-dir"))
        && !cmd.env.iter().any(|e| sets_no_cache(e))
}

/// The `install` argument of `pip install`, `pip3.12 install`,
/// `python3 -m pip install`.
fn pip_install(cmd: &ShellCommand) -> Option<&ShellArg> {
    pip_subcommand_arg(cmd).filter(|a| a.text == "install")
}

/// The subcommand of pip (`install`, `download`, `cache`...).
fn pip_subcommand(cmd: &ShellCommand) -> Option<&str> {
    pip_subcommand_arg(cmd).map(|a| a.text.as_str())
}

fn pip_subcommand_arg(cmd: &ShellCommand) -> Option<&ShellArg> {
    let name = cmd.base_name();
    let args = if versioned(name, "pip") {
        &cmd.args[..]
    } else if versioned(name, "python") {
        let m = cmd.args.iter().position(|a| a.text == "-m")?;
        let module = cmd.args.get(m + 1)?;
        if !versioned(&module.text, "pip") {
            return None;
        }
        &cmd.args[m + 2..]
    } else {
        return None;
    };
    support::first_positional(args, VALUE_FLAGS).map(|(_, a)| a)
}

/// `pip`, `pip3`, `pip3.12` for `base` = `pip`.
fn versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `PIP_NO_CACHE_DIR=<boolean>`.
fn sets_no_cache(assignment: &str) -> bool {
    assignment.strip_prefix(VAR).and_then(|r| r.strip_prefix('=')).is_some_and(support::is_boolean)
}

/// The cache is off for the whole RUN: `PIP_NO_CACHE_DIR` from ENV/ARG or
/// exported by the script, or a cache mount on pip's cache. Under
/// PowerShell or cmd any mention of the variable in the RUN counts
/// (`$env:PIP_NO_CACHE_DIR = 1`, `set PIP_NO_CACHE_DIR=1`).
fn run_disables_cache(run: &Instruction, ctx: &Context<'_>) -> bool {
    let scope = Scope::at(ctx.doc, run.index);
    let in_script = match (run.script(), run.windows_script()) {
        (Some(script), _) => script.text.match_indices(VAR).any(|(at, _)| {
            let value = script.text[at..].split(|c: char| c.is_whitespace() || c == ';').next().unwrap_or("");
            sets_no_cache(value)
        }),
        (None, Some(windows)) => windows.text.to_ascii_uppercase().contains(VAR),
        (None, None) => false,
    };
    scope.value(VAR).is_some_and(|v| support::is_boolean(&v))
        || in_script
        || support::has_cache_mount(run, |t| t.contains(".cache/pip") || t.ends_with("/.cache"))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM python\nRUN pip install --no-cache-dir flask\n",
                "FROM python\nRUN pip3 --no-cache-dir install flask\n",
                "FROM python\nRUN python3 -m pip install --no-cache-dir flask\n",
                // pip takes a unique prefix of a long option.
                "FROM python\nRUN pip install --no-cache flask && pip3 install --no-cache-d flask\n",
                "FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
                "FROM python\nENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n",
                "FROM python AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install flask\n",
                "FROM python\nARG PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
                "FROM python\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
                "FROM python\nRUN export PIP_NO_CACHE_DIR=\"yes\" && pip install flask\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
                "FROM python\nRUN pipx install black && pipenv install\n",
                "FROM python\nRUN pip download flask && pip wheel flask\n",
                "FROM python\nRUN python -m pipx install black\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN pip install --no-cache-dir flask; cd x\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"pwsh\", \"-c\"]\nRUN $env:PIP_NO_CACHE_DIR = 1; pip install flask\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN set PIP_NO_CACHE_DIR=1 && pip install flask\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo pip install flask\n",
                // A build stage whose cache never reaches an image.
                "FROM python AS build\nRUN pip install --prefix=/install flask\nFROM python\nCOPY --from=build /install /usr/local\n",
            ],
            &[
                "FROM python\nRUN ⟦pip install flask⟧\n",
                "FROM python AS build\nRUN ⟦pip install flask⟧\nFROM python\nCOPY --from=build /root /root\n",
                "FROM python AS build\nENV HOME=/home/app\nRUN ⟦pip install flask⟧\nFROM python\nCOPY --from=build /home/app /home/app\n",
                "FROM python\nRUN ⟦/usr/local/bin/pip3.12 install -r requirements.txt⟧\n",
                "FROM python\nRUN ⟦python3 -m pip install --upgrade pip⟧\n",
                "FROM python\nRUN ⟦pip --timeout 60 install flask⟧\n",
                // `--no-c` is ambiguous (`--no-color`, `--no-compile`...).
                "FROM python\nRUN ⟦pip install --no-co flask⟧\n",
                "FROM python\nENV PIP_NO_CACHE_DIR=maybe\nRUN ⟦pip install flask⟧\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.npm ⟦pip install flask⟧\n",
                "FROM python\nRUN <<EOF\n⟦pip install flask⟧\nEOF\n",
                "FROM python\nONBUILD RUN ⟦pip install -r requirements.txt⟧\n",
                "FROM python\nRUN [\"sh\", \"-c\", \"⟦pip install flask⟧\"]\n",
                "FROM python:3-windowsservercore\nSHELL [\"powershell\", \"-Command\"]\nRUN ⟦pip install tox==2.1.1 virtualenv==13.1.2⟧\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN cd \\app && ⟦pip install -r requirements.txt⟧ > nul\n",
                "FROM python\nRUN pip install --no-cache-dir a && \\\n    ⟦pip install \\\n      b⟧\n",
            ],
            &[
                ("FROM python\nRUN pip install flask\n", "FROM python\nRUN pip install --no-cache-dir flask\n"),
                (
                    "FROM python\nRUN python -m pip install -U pip && pip3 install \\\n    flask\n",
                    "FROM python\nRUN python -m pip install --no-cache-dir -U pip && pip3 install --no-cache-dir \\\n    flask\n",
                ),
                (
                    "FROM python:3-windowsservercore\nSHELL [\"powershell\"]\nRUN pip install flask ; python -V\n",
                    "FROM python:3-windowsservercore\nSHELL [\"powershell\"]\nRUN pip install --no-cache-dir flask ; python -V\n",
                ),
                (
                    "FROM python\nRUN <<EOF\npip install flask\nEOF\n",
                    "FROM python\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\n",
                ),
            ],
        );
    }

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM python\nRUN pip install flask\n", "FROM python\nRUN pip install --no-cache-dir flask\n"),
                (
                    "FROM python\nRUN pip install flask\nRUN pip install --no-cache-dir gunicorn\nRUN pip list\n",
                    "FROM python\nRUN pip install --no-cache-dir flask\nRUN pip install --no-cache-dir gunicorn\nRUN pip list\n",
                ),
                // Later installs are fixed in the same pass, in this RUN or a later one.
                (
                    "FROM python\nRUN pip install -U pip && pip install flask\n",
                    "FROM python\nRUN pip install --no-cache-dir -U pip && pip install --no-cache-dir flask\n",
                ),
                kept("FROM python\nRUN pip install flask\nRUN PIP_NO_CACHE_DIR=0 true && pip download -d /w flask\n"),
                kept("FROM python\nRUN pip install flask && pip wheel -w /w flask --no-index\n"),
                kept("FROM python AS base\nRUN pip install flask\nFROM base\nRUN ./setup.sh\n"),
                kept("FROM python\nRUN pip install flask\nONBUILD RUN pip download -d /w flask\n"),
                kept("FROM python\nONBUILD RUN pip install -r requirements.txt\n"),
                kept(
                    "FROM python AS build\nRUN pip install flask\nFROM build\nFROM python\nCOPY --from=build /root/.cache/pip /root/.cache/pip\n",
                ),
                (
                    "FROM python\nRUN pip install a\nRUN pip install b\nRUN pip install c\nRUN pip install d\n",
                    "FROM python\nRUN pip install --no-cache-dir a\nRUN pip install --no-cache-dir b\nRUN pip install --no-cache-dir c\nRUN pip install --no-cache-dir d\n",
                ),
            ],
        );
    }
}
