//! ## What it does
//! Checks for `chmod` in `RUN` and `--chmod` on `COPY`/`ADD` that make
//! files writable by every user: `777`, `666`, `o+w`, `a+rwx`, `a=rw`…
//!
//! ## Why is this bad?
//! Any process in the container, whatever user it runs as, can then
//! replace the file: a program, a script the entrypoint runs or a
//! configuration file becomes a way for a compromised low-privilege
//! process to take over the one that trusts it. Give the file to the user
//! that needs to write it (`chown`, `COPY --chown`) or to a shared group
//! (`chmod g+w`) instead.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN mkdir /app/data && chmod -R 777 /app/data
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN mkdir /app/data && chown -R app:app /app/data && chmod 755 /app/data
//! ```
//!
//! ## Notes
//! A `chmod` of folders that the same `RUN` removes later (a scratch
//! folder opened to a build tool's own user, as in
//! `tempDir="$(mktemp -d)" && chmod 777 "$tempDir" … && rm -rf "$tempDir"`)
//! is not reported: nothing of it ships.
//! Modes with the sticky bit (`1777`, `3777`, `a+rwxt`), the usual and
//! safe mode of shared temporary folders like `/tmp`, are not reported:
//! there users cannot remove or rename each other's files. `+w` without a
//! `who` follows the umask and does not reach other users either. There
//! is no fix: the right owner and mode depend on who needs to write.

use crate::diagnostic::TextRange;
use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `chmod` makes files writable by every user
    name: "world-writable-chmod", category: Security, severity: Warning,
    kinds: [Run, Copy, Add], in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let mut found: Vec<(TextRange, String)> = Vec::new();
    if ins.kind == InstructionKind::Run {
        let Some(script) = ins.script() else { return };
        for (i, cmd) in script.commands.iter().enumerate() {
            if cmd.base_name() != "chmod" {
                continue;
            }
            // The mode is the first argument that is not an option.
            let Some(mode) = cmd.args.iter().position(|a| !is_option(&a.text)) else { continue };
            let targets: Vec<&str> =
                cmd.args[mode + 1..].iter().map(|a| a.text.as_str()).filter(|t| !is_option(t)).collect();
            let removed_later = !targets.is_empty()
                && targets.iter().all(|t| {
                    script.commands[i + 1..]
                        .iter()
                        .filter(|c| c.base_name() == "rm")
                        .any(|rm| rm.args.iter().any(|a| a.text == *t))
                });
            let mode = &cmd.args[mode];
            if world_writable(&mode.text) && !removed_later {
                found.push((mode.range, format!("`chmod {}`", mode.text)));
            }
        }
    } else if let Some(flag) = ins.flag("chmod")
        && let Some(value) = &flag.value
        && world_writable(&value.value())
    {
        found.push((value.range, format!("`--chmod={}`", value.value())));
    }
    for (range, what) in found {
        ctx.report(
            range,
            format!("{what} lets every user in the container modify these files; give them to the user or group that writes them instead"),
        );
    }
}

/// `-R`, `--recursive`, `-v`… but not a symbolic mode like `-w`.
fn is_option(arg: &str) -> bool {
    arg.starts_with("--")
        || (arg.starts_with('-') && !arg[1..].chars().all(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't')))
}

/// True when a numeric or symbolic mode gives write permission to others
/// without the sticky bit.
fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 4 && mode.chars().all(|c| c.is_digit(8)) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        let others = digits.last().copied().unwrap_or(0);
        let special = if digits.len() == 4 { digits[0] } else { 0 };
        return digits.len() >= 3 && others & 2 != 0 && special & 1 == 0;
    }
    let mut writable = false;
    let mut sticky = false;
    for clause in mode.split(',') {
        let Some(op_at) = clause.find(['+', '=', '-']) else { return false };
        let (who, rest) = clause.split_at(op_at);
        if !who.chars().all(|c| matches!(c, 'u' | 'g' | 'o' | 'a')) {
            return false;
        }
        let adds = rest.starts_with('+') || rest.starts_with('=');
        let perms = &rest[1..];
        if adds && perms.contains('t') {
            sticky = true;
        }
        if adds && perms.contains('w') && (who.contains('o') || who.contains('a')) {
            writable = true;
        }
    }
    writable && !sticky
}

#[cfg(test)]
mod tests {
    use super::world_writable;
    use crate::rules::test_support::assert_rule;

    #[test]
    fn modes() {
        for m in ["777", "0777", "666", "0002", "o+w", "a+rwx", "ugo+rw", "a=rwx", "u+x,o+w"] {
            assert!(world_writable(m), "{m}");
        }
        for m in ["755", "1777", "3777", "0644", "775", "g+w", "+w", "a+rwxt", "o-w", "u+rwx", "a+rX", "/tmp"] {
            assert!(!world_writable(m), "{m}");
        }
    }

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN chmod 1777 /tmp\n",
                "FROM debian\nRUN chmod -R 755 /app\n",
                "FROM debian\nRUN chmod -R g+rwX /app\n",
                "FROM debian\nRUN mkdir -p \"$PGDATA\" && chmod 3777 /var/run/postgresql\n",
                "FROM debian\nCOPY --chmod=755 entry.sh /\n",
                "FROM debian\nRUN echo chmod 777 x\n",
                "FROM debian\nRUN d=\"$(mktemp -d)\" && chmod 777 \"$d\" && make -C \"$d\" && rm -rf \"$d\"\n",
            ],
            &[
                "FROM debian\nRUN chmod ⟦777⟧ /app\n",
                "FROM debian\nRUN chmod -R ⟦0777⟧ /app\n",
                "FROM debian\nRUN mkdir /d && chmod ⟦a+rwx⟧ /d\n",
                "FROM debian\nRUN chmod --recursive ⟦o+w⟧ /d\n",
                "FROM debian\nCOPY --chmod=⟦777⟧ entry.sh /\n",
                "FROM debian\nONBUILD RUN chmod ⟦666⟧ /x\n",
                "FROM debian\nRUN chmod ⟦777⟧ /a /b && rm -rf /a\n",
            ],
            &[],
        );
    }
}
