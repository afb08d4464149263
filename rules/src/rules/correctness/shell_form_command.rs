//! ## What it does
//! Checks for `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written in shell
//! form (`CMD node server.js`) instead of exec form
//! (`CMD ["node", "server.js"]`).
//!
//! ## Why is this bad?
//! The shell form runs the command as a child of `/bin/sh -c` (or of the
//! stage's `SHELL`, which the message names). The shell
//! becomes PID 1 and does not forward `SIGTERM`, so `docker stop` waits for
//! its timeout and then kills the process without a clean shutdown. A
//! shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.
//! A shell-form `HEALTHCHECK CMD` needs `/bin/sh` in the image: in a
//! distroless or scratch image the check can never pass. (It is reported
//! only there: signals do not matter to a health check, and in an image
//! with a shell the shell form is fine.)
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
//! With shell syntax (variables, quotes, pipes, `&&`, globs...) the fix
//! wraps the command in `["/bin/sh", "-c", "…"]`, which keeps the
//! behaviour but not the signal problem; it is unsafe. Without shell
//! syntax the fix splits the command into the exec form's words
//! (`CMD node server.js` becomes `CMD ["node", "server.js"]`), which is
//! safe only where nothing but the missing shell changes:
//! - the shell is Docker's default `/bin/sh -c`: no `SHELL` in the stage,
//!   the stages it builds on or those built on it (a `bash --login` shell
//!   sets `PATH`, PowerShell has aliases), and not a Windows image, whose
//!   `cmd` has commands of its own;
//! - the command is a program, not a shell builtin or keyword (`exec`,
//!   `cd`, `ulimit`, `echo`...), which has no file to run without a shell;
//! - for `CMD`: no `ENTRYPOINT` can be in effect, because it receives the
//!   `CMD` as arguments, `["/bin/sh", "-c", "node server.js"]` before and
//!   `["node", "server.js"]` after (an entrypoint script that checks its
//!   first argument behaves differently). So: no `ENTRYPOINT` in the stage
//!   or the stages it builds on (nor an ONBUILD one), and a base image
//!   known to have none (`scratch`, or an official image such as `debian`,
//!   `alpine` or `python`; `node` and `nginx` have one);
//! - for `ENTRYPOINT`: no `CMD` in the stage or in the stages built on it
//!   (nor an ONBUILD one). The shell form ignores `CMD`; the exec form
//!   appends it to the command;
//! - the instruction is not an ONBUILD trigger (the image it runs in is
//!   not in this Dockerfile).
//!
//! Otherwise the conversion is unsafe. (That `docker run` arguments reach
//! an exec-form `ENTRYPOINT` is the point of the fix.)
//!
//! ## Notes
//! BuildKit's `JSONArgsRecommended` check covers `CMD` and `ENTRYPOINT`
//! only, and stays silent when the image's shell was changed (a `SHELL`
//! instruction, or a base image that sets one). dockside also reports
//! `HEALTHCHECK CMD` on an image known to have no shell (`scratch`,
//! distroless, Chainguard's `static`, or a stage built on one), and
//! reports `CMD` and `ENTRYPOINT` under another POSIX shell (`bash`), but
//! not under PowerShell or `cmd` (a `SHELL` naming one, or a Windows
//! image): there a multi-statement script needs the shell anyway, and
//! Linux's PID 1 signal handling is not the question.

use crate::base_images::has_no_entrypoint;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Base, Document, Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `CMD`/`ENTRYPOINT` in shell form do not receive stop signals
    name: "shell-form-command", aliases: ["DL3025", "JSONArgsRecommended"], category: Correctness,
    severity: Warning, fix: Always, fix_safety: Either,
    kinds: [Cmd, Entrypoint, Healthcheck], in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let (command, kw, problem) = match ins.kind {
        InstructionKind::Healthcheck => match ins.healthcheck_cmd() {
            Some(cmd) if image_lacks_shell(ctx.doc, ins) => (cmd, "HEALTHCHECK CMD", "which this image does not have"),
            _ => return,
        },
        kind => (ins, kind.keyword(), "which does not forward stop signals"),
    };
    let Some(shell) = &command.shell else { return };
    let text = shell.text.trim();
    if text.is_empty() {
        return;
    }
    // The stage's shell (`SHELL`, inherited, or the image's default).
    let shell_words: Vec<&str> = match ctx.doc.shell_at(ins.index) {
        [] => vec!["/bin/sh", "-c"],
        words => words.iter().map(String::as_str).collect(),
    };
    if ins.kind != InstructionKind::Healthcheck && is_windows_shell(&shell_words) {
        return;
    }
    let shell_text = shell_words.join(" ");
    let message = format!("{kw} in shell form runs under `{shell_text}`, {problem}");
    if text.strip_prefix('[').is_some_and(|rest| rest.trim_start().starts_with(['"', ']'])) {
        // A JSON array the parser could not read as one (a stray escape at
        // the end of the file, a missing quote): wrapping it in another array
        // would hide the mistake, and the result would look the same again.
        ctx.report(shell.range, message);
        return;
    }
    let fix = if text.contains(|c: char| "$`'\"\\|&;<>()*?[]{}~#!=%\n".contains(c)) {
        let mut words = shell_words.clone();
        words.push(text);
        let exec = json_array(&words);
        Fix::unsafe_(format!("Run through `{shell_text}` in exec form: {exec}"), vec![Edit::replace(shell.range, exec)])
    } else {
        // Split as the shell does: on blanks, not on other Unicode spaces.
        let words: Vec<&str> = text.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
        let exec = json_array(&words);
        let applicability =
            if exec_form_keeps_meaning(ctx.doc, ins, words[0]) { Applicability::Safe } else { Applicability::Unsafe };
        Fix::new(format!("Use the exec form: {exec}"), applicability, vec![Edit::replace(shell.range, exec)])
    };
    ctx.report(shell.range, message).with_fix(fix);
}

/// PowerShell or `cmd` (a `SHELL`, or a Windows image's default).
fn is_windows_shell(words: &[&str]) -> bool {
    let Some(program) = words.first() else { return false };
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program).to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    matches!(name, "powershell" | "pwsh" | "cmd")
}

/// True when the image `ins` (a `HEALTHCHECK`) runs in is known to have no
/// `/bin/sh`: its stage chain ends in `scratch`, a distroless image (not a
/// `:debug` tag, which has BusyBox) or Chainguard's `static`, and no stage
/// of the chain copies a shell in or sets `SHELL`. An ONBUILD trigger runs
/// in an image this file does not show.
fn image_lacks_shell(doc: &Document, ins: &Instruction) -> bool {
    if doc.instructions.get(ins.index).is_some_and(|outer| outer.kind == InstructionKind::Onbuild) {
        return false;
    }
    let Some(stage) = ins.stage else { return false };
    let chain = doc.stage_chain(stage);
    let shell_free = match chain.last().map(|s| &s.base) {
        Some(Base::Scratch) => true,
        Some(Base::Image { reference, resolved: true, .. }) => {
            let path = reference.path.to_ascii_lowercase();
            let tag = reference.tag.as_deref().unwrap_or("").to_ascii_lowercase();
            reference.is_scratch()
                || (path.contains("distroless") && !tag.contains("debug"))
                || (path.ends_with("chainguard/static") && !tag.contains("dev"))
        }
        _ => false,
    };
    // A shell copied in (`COPY --from=busybox /bin/busybox /bin/`) or named.
    let adds_shell = chain.iter().any(|s| {
        s.instructions(doc).iter().any(|i| {
            i.kind == InstructionKind::Shell
                || (matches!(i.kind, InstructionKind::Copy | InstructionKind::Add)
                    && i.args.iter().any(|w| {
                        let v = w.value();
                        v.contains("busybox") || v.ends_with("/sh") || v.trim_end_matches('/').ends_with("/bin")
                    }))
        })
    });
    shell_free && !adds_shell
}

/// Shell builtins and keywords: without a shell there is no program by
/// that name, or (`echo`, `kill`, `test`...) one that behaves differently.
const SHELL_WORDS: &[&str] = &[
    "exec", "cd", "ulimit", "umask", "export", "set", "unset", "source", ".", "eval", "trap", "wait", "shift",
    "readonly", "alias", "unalias", "read", "type", "hash", "command", "times", "return", "exit", "break", "continue",
    "getopts", "jobs", "fg", "bg", "local", "declare", "typeset", "let", "time", "if", "then", "else", "elif", "fi",
    "for", "while", "until", "do", "done", "case", "esac", "function", "select", "coproc", ":", "true", "false",
    "echo", "printf", "test", "[", "kill", "pwd",
];

/// True when running `ins` (a `CMD`, `ENTRYPOINT` or `HEALTHCHECK`) in exec
/// form starting with `program` changes nothing but the missing shell.
fn exec_form_keeps_meaning(doc: &Document, ins: &Instruction, program: &str) -> bool {
    let in_onbuild = doc.instructions.get(ins.index).is_some_and(|outer| outer.kind == InstructionKind::Onbuild);
    let Some(stage) = ins.stage.filter(|_| !in_onbuild) else { return false };
    if SHELL_WORDS.contains(&program) {
        return false;
    }
    let chain = doc.stage_chain(stage);
    let root_base = chain.last().map(|s| &s.base);
    let windows = matches!(root_base, Some(Base::Image { reference, .. }) if reference.is_windows());
    let descendants = doc.stage_and_descendants(stage);
    let related =
        |i: &Instruction| i.stage.is_some_and(|s| descendants.contains(&s) || chain.iter().any(|c| c.index == s));
    let shell_set = doc
        .instructions
        .iter()
        .filter(|i| related(i))
        .any(|i| i.kind == InstructionKind::Shell || i.onbuild().is_some_and(|t| t.kind == InstructionKind::Shell));
    if windows || shell_set {
        return false;
    }
    let kind_in = |stages: &[usize], kind: InstructionKind| {
        stages.iter().any(|&s| {
            doc.stages[s]
                .instructions(doc)
                .iter()
                .any(|i| i.kind == kind || i.onbuild().is_some_and(|t| t.kind == kind))
        })
    };
    match ins.kind {
        InstructionKind::Cmd => {
            let image_without_entrypoint = match root_base {
                Some(Base::Scratch) => true,
                Some(Base::Image { reference, resolved: true, .. }) => has_no_entrypoint(reference),
                _ => false,
            };
            image_without_entrypoint
                && !kind_in(&chain.iter().map(|s| s.index).collect::<Vec<_>>(), InstructionKind::Entrypoint)
        }
        InstructionKind::Entrypoint => !kind_in(&descendants, InstructionKind::Cmd),
        _ => true,
    }
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
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

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
                // A health check in an image with a shell, or in an unknown one.
                "FROM node:22-slim\nHEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\n",
                "FROM alpine\nONBUILD HEALTHCHECK CMD pg_isready\n",
                "FROM gcr.io/distroless/base:debug\nHEALTHCHECK CMD wget -q localhost\n",
                "FROM scratch\nCOPY --from=busybox /bin/busybox /bin/busybox\nHEALTHCHECK CMD wget -q localhost\n",
                "ARG BASE\nFROM $BASE\nHEALTHCHECK CMD check\n",
                // PowerShell and cmd: no Linux PID 1, and BuildKit is silent too.
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nCMD Write-Host one ; Write-Host two\n",
                "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD dir\n",
                "FROM debian\nSHELL [\"pwsh\", \"-Command\"]\nENTRYPOINT Start-App\n",
            ],
            &[
                "FROM alpine\nCMD ⟦node server.js⟧\n",
                "FROM alpine\nENTRYPOINT ⟦exec \"$@\"⟧\n",
                "FROM alpine\nONBUILD CMD ⟦make run⟧\n",
                "FROM alpine\nCMD ⟦[ -f x ] && run⟧\n",
                "FROM scratch\nHEALTHCHECK --interval=5s CMD ⟦/app health || exit 1⟧\n",
                "FROM gcr.io/distroless/static-debian12\nHEALTHCHECK CMD ⟦/app health⟧\n",
                "FROM cgr.dev/chainguard/static AS base\nFROM base\nHEALTHCHECK CMD ⟦/app health⟧\n",
                "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nCMD ⟦serve⟧\n",
                "FROM alpine\nCMD ⟦[\"a\"]⟧\\",
            ],
            &[
                ("FROM node:22\nCMD node server.js\n", "FROM node:22\nCMD [\"node\", \"server.js\"]\n"),
                (
                    "FROM alpine\nCMD echo \"$HOME\" | tee x\n",
                    "FROM alpine\nCMD [\"/bin/sh\", \"-c\", \"echo \\\"$HOME\\\" | tee x\"]\n",
                ),
                (
                    "FROM scratch\nHEALTHCHECK --retries=3 CMD /app health -U app\n",
                    "FROM scratch\nHEALTHCHECK --retries=3 CMD [\"/app\", \"health\", \"-U\", \"app\"]\n",
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

    /// Each hazard of the fix (see Fix safety), and where it is safe.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM python:3.12\nCMD gunicorn app:app\n", "FROM python:3.12\nCMD [\"gunicorn\", \"app:app\"]\n"),
                ("FROM scratch\nCOPY app /\nCMD /app serve\n", "FROM scratch\nCOPY app /\nCMD [\"/app\", \"serve\"]\n"),
                (
                    "FROM debian\nENTRYPOINT nginx -g daemon\n",
                    "FROM debian\nENTRYPOINT [\"nginx\", \"-g\", \"daemon\"]\n",
                ),
                (
                    "FROM gcr.io/distroless/static\nHEALTHCHECK CMD /app health\n",
                    "FROM gcr.io/distroless/static\nHEALTHCHECK CMD [\"/app\", \"health\"]\n",
                ),
                // A CMD goes to the ENTRYPOINT: of this file, or of the image (`node` has one).
                kept("FROM debian\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD postgres -c fsync=off\n"),
                kept("FROM debian AS base\nENTRYPOINT [\"/init\"]\nFROM base\nCMD serve\n"),
                kept("FROM debian AS base\nONBUILD ENTRYPOINT [\"/init\"]\nFROM base\nCMD serve\n"),
                kept("FROM node:22\nCMD node server.js\n"),
                kept("ARG BASE\nFROM $BASE\nCMD serve\n"),
                // An exec-form ENTRYPOINT gets the CMD as arguments; the shell form ignored it.
                kept("FROM debian\nCMD [\"--help\"]\nENTRYPOINT app\n"),
                kept("FROM debian AS base\nENTRYPOINT app\nFROM base\nCMD [\"--verbose\"]\n"),
                kept("FROM debian\nENTRYPOINT app\nONBUILD CMD [\"x\"]\n"),
                // Another shell, Windows' cmd, builtins, ONBUILD.
                kept("FROM debian\nSHELL [\"/bin/bash\", \"--login\", \"-c\"]\nCMD serve\n"),
                kept("FROM debian AS base\nCMD serve\nFROM base\nSHELL [\"/bin/bash\", \"-c\"]\n"),
                kept("FROM debian\nCMD exec nginx\n"),
                kept("FROM scratch\nHEALTHCHECK CMD test -f /ready\n"),
                kept("FROM debian\nONBUILD CMD serve\n"),
            ],
        );
    }

    /// The message and the wrapping fix name the stage's shell.
    #[test]
    fn names_the_shell_in_use() {
        let lint = |src: &str| {
            let doc = crate::model::Document::parse(src);
            let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
            assert_eq!(d.len(), 1, "{src}");
            (d[0].message.clone(), d[0].fix.as_ref().map(|f| f.edits[0].new_text.clone()))
        };
        let (message, fix) = lint("FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nCMD a | b\n");
        assert_eq!(
            message,
            "CMD in shell form runs under `/bin/bash -o pipefail -c`, which does not forward stop signals"
        );
        assert_eq!(fix.as_deref(), Some("[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"a | b\"]"));
        // Inherited from the stage it builds on.
        let (message, _) = lint("FROM debian AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD serve\n");
        assert!(message.contains("`/bin/bash -c`"), "{message}");
        let (message, _) = lint("FROM scratch\nHEALTHCHECK CMD /app health\n");
        assert_eq!(message, "HEALTHCHECK CMD in shell form runs under `/bin/sh -c`, which this image does not have");
        let (message, _) = lint("FROM debian\nCMD serve\n");
        assert!(message.contains("`/bin/sh -c`"), "{message}");
    }

    #[test]
    fn splits_only_on_blanks() {
        let fixed = crate::engine::fix_with_rules(
            "FROM scratch\nCMD /app a\u{a0}b\n",
            &Default::default(),
            false,
            &[&super::RULE],
        );
        assert_eq!(fixed.text, "FROM scratch\nCMD [\"/app\", \"a\u{a0}b\"]\n");
    }
}
