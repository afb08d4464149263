//! ## What it does
//! Checks for `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written in shell
//! form (`CMD node server.js`) instead of exec form
//! (`CMD ["node", "server.js"]`).
//!
//! ## Why is this bad?
//! The shell form runs the command as a child of `/bin/sh -c`. The shell
//! becomes PID 1 and does not forward `SIGTERM`, so `docker stop` waits for
//! its timeout and then kills the process without a clean shutdown. A
//! shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.
//! A shell-form `HEALTHCHECK CMD` needs `/bin/sh` in the image: in a
//! distroless or scratch image the check can never pass.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! CMD node server.js
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix safety
//! Without shell syntax (variables, quotes, pipes, `&&`, globs...) the words
//! map one-to-one onto the exec form: the fix is safe. With shell syntax,
//! the fix wraps the command in `["/bin/sh", "-c", "…"]`, which keeps the
//! behaviour but not the signal problem; it is marked unsafe.
//!
//! ## Notes
//! BuildKit's `JSONArgsRecommended` check covers `CMD` and `ENTRYPOINT`
//! only, and stays silent when the image's shell was changed (a `SHELL`
//! instruction, or a base image that sets one). dockside also reports
//! `HEALTHCHECK CMD`, and reports the shell form whatever the `SHELL`.

use crate::diagnostic::{Category, Edit, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "shell-form-command",
        aliases: &["DL3025", "JSONArgsRecommended"],
        category: Category::Correctness,
        severity: Severity::Warning,
        fix: FixAvailability::Always,
        summary: "`CMD`/`ENTRYPOINT` in shell form do not receive stop signals",
        source: include_str!("shell_form_command.rs"),
        path: "rules/src/rules/correctness/shell_form_command.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Cmd, InstructionKind::Entrypoint, InstructionKind::Healthcheck],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let (command, kw, problem) = match ins.kind {
        InstructionKind::Healthcheck => match ins.healthcheck_cmd.as_deref() {
            Some(cmd) => (cmd, "HEALTHCHECK CMD", "which the image must provide"),
            None => return,
        },
        kind => (ins, kind.keyword(), "which does not forward stop signals"),
    };
    let Some(shell) = &command.shell else { return };
    let text = shell.text.trim();
    if text.is_empty() {
        return;
    }
    let diagnostic = ctx.report(shell.range, format!("{kw} in shell form runs under `/bin/sh -c`, {problem}"));
    if text.strip_prefix('[').is_some_and(|rest| rest.trim_start().starts_with(['"', ']'])) {
        // A JSON array the parser could not read as one (a stray escape at
        // the end of the file, a missing quote): wrapping it in another array
        // would hide the mistake, and the result would look the same again.
        return;
    }
    let fix = if text.contains(|c: char| "$`'\"\\|&;<>()*?[]{}~#!=%\n".contains(c)) {
        let exec = json_array(&["/bin/sh", "-c", text]);
        Fix::unsafe_(format!("Run through `/bin/sh -c` in exec form: {exec}"), vec![Edit::replace(shell.range, exec)])
    } else {
        let words: Vec<&str> = text.split_whitespace().collect();
        let exec = json_array(&words);
        Fix::safe(format!("Use the exec form: {exec}"), vec![Edit::replace(shell.range, exec)])
    };
    diagnostic.with_fix(fix);
}

fn json_array(items: &[&str]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        })
        .collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nCMD [\"sh\"]\n",
                "FROM alpine\nENTRYPOINT [\"/init\"]\nCMD []\n",
                "FROM alpine\nRUN echo\n",
                "FROM alpine\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
                "FROM alpine\nHEALTHCHECK NONE\n",
            ],
            &[
                "FROM alpine\nCMD ⟦node server.js⟧\n",
                "FROM alpine\nENTRYPOINT ⟦exec \"$@\"⟧\n",
                "FROM alpine\nONBUILD CMD ⟦make run⟧\n",
                "FROM alpine\nCMD ⟦[ -f x ] && run⟧\n",
                "FROM alpine\nHEALTHCHECK --interval=5s CMD ⟦curl -f http://localhost/ || exit 1⟧\n",
                "FROM alpine\nONBUILD HEALTHCHECK CMD ⟦pg_isready⟧\n",
                "FROM alpine\nCMD ⟦[\"a\"]⟧\\",
            ],
            &[
                ("FROM node:22\nCMD node server.js\n", "FROM node:22\nCMD [\"node\", \"server.js\"]\n"),
                (
                    "FROM alpine\nCMD echo \"$HOME\" | tee x\n",
                    "FROM alpine\nCMD [\"/bin/sh\", \"-c\", \"echo \\\"$HOME\\\" | tee x\"]\n",
                ),
                (
                    "FROM alpine\nHEALTHCHECK --retries=3 CMD pg_isready -U app\n",
                    "FROM alpine\nHEALTHCHECK --retries=3 CMD [\"pg_isready\", \"-U\", \"app\"]\n",
                ),
                (
                    "FROM alpine\nENTRYPOINT nginx \\\n  -g daemon\n",
                    "FROM alpine\nENTRYPOINT [\"nginx\", \"-g\", \"daemon\"]\n",
                ),
                // A JSON array read as shell form (a stray `\` at the end of the
                // file) is reported but not wrapped in another array.
                ("FROM alpine\nCMD [\"a\"]\\", "FROM alpine\nCMD [\"a\"]\\"),
                ("FROM alpine\nCMD [ -f x ] && run\n", "FROM alpine\nCMD [\"/bin/sh\", \"-c\", \"[ -f x ] && run\"]\n"),
            ],
        );
    }
}
