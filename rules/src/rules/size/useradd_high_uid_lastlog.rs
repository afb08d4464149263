//! ## What it does
//! Checks for `useradd -u <uid>` with a UID of six digits or more and
//! without `-l` (`--no-log-init`).
//!
//! ## Why is this bad?
//! `useradd` reserves the new user's entry in `/var/log/lastlog` and
//! `/var/log/faillog`, which are indexed by UID: the files become sparse
//! files of UID × record size, hundreds of megabytes for a UID like
//! 1000000. Layer tarballs do not keep the holes, so the image grows by the
//! full size. `-l` skips the log entries.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN useradd -u 1000000 app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN useradd -l -u 1000000 app
//! ```
//!
//! ## Fix safety
//! The fix adds `-l` after `useradd`. It is safe: the user is created the
//! same way, only without the login records nobody reads in a container.
//!
//! ## Notes
//! A UID given as `$VAR` is checked with the variable's ARG/ENV value;
//! when the value is unknown nothing is reported (hadolint counts the
//! characters of the variable's name).

use crate::diagnostic::{Edit, Fix};
use crate::model::{Instruction, Scope, ShellCommand};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `useradd` with a high UID and without `-l` writes huge sparse log files
    name: "useradd-high-uid-lastlog", aliases: ["DL3046"], category: Size, severity: Warning,
    fix: Always,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    let mut scope = None;
    for cmd in script.commands_named(&["useradd"]) {
        let Some(uid) = uid_of(cmd) else { continue };
        if cmd.has_flag(Some('l'), &["no-log-init"]) {
            continue;
        }
        let scope = scope.get_or_insert_with(|| Scope::at(ctx.doc, run.index));
        let Some(uid) = resolve(uid, scope) else { continue };
        if uid.len() > 5 && uid.chars().all(|c| c.is_ascii_digit()) {
            ctx.report(cmd.range, format!("`useradd` with UID {uid} and without `-l` writes huge sparse log files"))
                .with_fix(Fix::safe("Add `-l`", vec![Edit::insert(cmd.name_range.end, " -l")]));
        }
    }
}

/// The value of `-u`/`--uid` as written.
fn uid_of(cmd: &ShellCommand) -> Option<&str> {
    let mut args = cmd.args.iter();
    while let Some(arg) = args.next() {
        let t = arg.text.as_str();
        if t == "-u" || t == "--uid" {
            return args.next().map(|a| a.text.as_str());
        }
        if let Some(v) = t.strip_prefix("--uid=") {
            return Some(v);
        }
    }
    None
}

/// A literal, or a whole `$VAR`/`${VAR}` with a known value.
fn resolve(text: &str, scope: &Scope) -> Option<String> {
    let Some(var) = text.strip_prefix('$') else {
        return (!text.contains(['$', '`'])).then(|| text.to_string());
    };
    let name = var.strip_prefix('{').and_then(|v| v.strip_suffix('}')).unwrap_or(var);
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') { scope.value(name) } else { None }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN useradd -l -u 1000000 app\n",
                "FROM debian\nRUN useradd --no-log-init --uid 1000000 app\n",
                "FROM debian\nRUN useradd -lm -u 1000000 app\n",
                "FROM debian\nRUN useradd -u 10001 app\n",
                "FROM debian\nRUN useradd app\n",
                "FROM debian\nRUN useradd -u \"$APP_UID\" app\n",
                "FROM debian\nARG APP_UID=1000\nRUN useradd -u ${APP_UID} app\n",
            ],
            &[
                "FROM debian\nRUN ⟦useradd -u 1000000 app⟧\n",
                "FROM debian\nRUN groupadd -g 123456 app && ⟦useradd --uid=123456 -g app app⟧\n",
                "FROM debian\nARG APP_UID=2000000\nRUN ⟦useradd -u \"${APP_UID}\" app⟧\n",
                "FROM debian\nRUN <<EOF\n⟦useradd -u 1000000 app⟧\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦useradd -u 1000000 app⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦useradd -u 1000000 app⟧\"]\n",
                "FROM debian\nRUN ⟦useradd \\\n    -u 1000000 \\\n    app⟧\n",
            ],
            &[
                ("FROM debian\nRUN useradd -u 1000000 app\n", "FROM debian\nRUN useradd -l -u 1000000 app\n"),
                (
                    "FROM debian\nRUN sudo useradd \\\n  -u 1000000 app\n",
                    "FROM debian\nRUN sudo useradd -l \\\n  -u 1000000 app\n",
                ),
            ],
        );
    }

    /// Safe: nothing in a build reads the login records.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM debian\nRUN useradd -u 1000000 app\n", "FROM debian\nRUN useradd -l -u 1000000 app\n")],
        );
    }
}
