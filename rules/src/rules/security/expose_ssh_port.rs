//! ## What it does
//! Checks for `EXPOSE` of port 22, the SSH port (also in a range such as
//! `20-25`, and through `ARG`/`ENV` values).
//!
//! ## Why is this bad?
//! It announces an SSH server in the container: one more daemon to keep
//! patched, login credentials or keys to put in the image or manage at run
//! time, and a way in that bypasses the container runtime's own access
//! control. `docker exec` (or `kubectl exec`) gives a shell without any of
//! that.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
//! EXPOSE 22
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! EXPOSE 8080
//! ```
//!
//! ## Notes
//! `22/udp` is not reported (SSH runs over TCP). There is no fix: removing
//! `EXPOSE` does not remove the SSH server, and some images (SSH bastions,
//! Git servers) exist to provide one; silence the rule for those. It stays
//! quiet by itself when a `RUN` shows that SSH gives no shell: a user gets
//! `git-shell` as its login shell (`adduser -s /usr/bin/git-shell git`,
//! `usermod --shell`, `chsh -s`), or the sshd configuration gets
//! `ForceCommand` or `internal-sftp`: SSH is then the service (Git
//! hosting, SFTP), and `docker exec` is no replacement.

use crate::model::{Document, DocumentFact, Instruction};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `EXPOSE 22`: an SSH server in the container
    name: "expose-ssh-port", category: Security, severity: Warning,
    kinds: [Expose], in_onbuild: true, reads: Kinds([Run, Shell, Arg, Env]), check_instruction: check,
}

fn check(expose: &Instruction, ctx: &mut Context<'_>) {
    if ctx.doc.fact::<SshIsTheService>().0 {
        return;
    }
    for (word, text) in ctx.doc.expanded_args(expose) {
        if text.split_whitespace().any(includes_ssh) {
            ctx.report(
                word.range,
                "port 22 (SSH) is exposed: an SSH server is one more service and set of keys to secure; use `docker exec` for a shell instead",
            );
        }
    }
}

/// A `RUN` of the file gives a user `git-shell` as its shell, or writes
/// `ForceCommand`/`internal-sftp` (sshd configuration): SSH serves Git or
/// SFTP, not shells. Computed once per document.
struct SshIsTheService(bool);

impl DocumentFact for SshIsTheService {
    fn compute(doc: &Document) -> SshIsTheService {
        let found = doc.instructions.iter().filter_map(|i| i.script()).any(|script| {
            let text = script.text.to_ascii_lowercase();
            let sshd_config = text.contains("forcecommand") || text.contains("internal-sftp");
            let git_shell = script
                .commands_named(&["useradd", "adduser", "usermod", "chsh"])
                .any(|c| c.args.iter().any(|a| a.text.rsplit(['/', '=']).next() == Some("git-shell")));
            sshd_config || git_shell
        });
        SshIsTheService(found)
    }
}

/// `22`, `22/tcp`, or a TCP range that contains 22.
fn includes_ssh(port: &str) -> bool {
    let (numbers, protocol) = port.split_once('/').unwrap_or((port, "tcp"));
    if !protocol.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let (low, high) = numbers.split_once('-').unwrap_or((numbers, numbers));
    match (low.parse::<u32>(), high.parse::<u32>()) {
        (Ok(low), Ok(high)) => low <= 22 && 22 <= high,
        _ => false,
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
                "FROM alpine\nEXPOSE 80 443/tcp 2222\n",
                "FROM alpine\nEXPOSE 22/udp\n",
                "FROM alpine\nEXPOSE $PORT\n",
                "FROM alpine\nEXPOSE 220\n",
                // SSH is the service: Git over SSH, SFTP.
                "FROM alpine:3.20\nRUN apk add --no-cache openssh git \\\n && adduser -D -s /usr/bin/git-shell git\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\", \"-e\"]\n",
                "FROM debian\nRUN useradd --shell=/usr/bin/git-shell git\nEXPOSE 22\n",
                "FROM debian\nRUN printf 'Match User sftp\\n  ForceCommand internal-sftp\\n' >> /etc/ssh/sshd_config\nEXPOSE 22\n",
            ],
            &[
                "FROM alpine\nEXPOSE 80 ⟦22⟧\n",
                "FROM alpine\nEXPOSE ⟦22/tcp⟧\n",
                "FROM alpine\nEXPOSE ⟦20-25⟧\n",
                "FROM alpine\nARG SSH_PORT=22\nEXPOSE ⟦${SSH_PORT}⟧\n",
                "FROM alpine\nONBUILD EXPOSE ⟦22⟧\n",
                "FROM alpine\nRUN apk add git openssh && adduser -D -s /bin/sh git\nEXPOSE ⟦22⟧\n",
            ],
            &[],
        );
    }
}
