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
//! Git servers) exist to provide one; silence the rule for those.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "expose-ssh-port",
        aliases: &[],
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`EXPOSE 22`: an SSH server in the container",
        source: include_str!("expose_ssh_port.rs"),
        path: "rules/src/rules/security/expose_ssh_port.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Expose],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

fn check(expose: &Instruction, ctx: &mut Context<'_>) {
    for (word, text) in ctx.doc.expanded_args(expose) {
        if text.split_whitespace().any(includes_ssh) {
            ctx.report(
                word.range,
                "port 22 (SSH) is exposed: an SSH server is one more service and set of keys to secure; use `docker exec` for a shell instead",
            );
        }
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
            ],
            &[
                "FROM alpine\nEXPOSE 80 ⟦22⟧\n",
                "FROM alpine\nEXPOSE ⟦22/tcp⟧\n",
                "FROM alpine\nEXPOSE ⟦20-25⟧\n",
                "FROM alpine\nARG SSH_PORT=22\nEXPOSE ⟦${SSH_PORT}⟧\n",
                "FROM alpine\nONBUILD EXPOSE ⟦22⟧\n",
            ],
            &[],
        );
    }
}
