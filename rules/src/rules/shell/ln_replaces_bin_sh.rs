//! ## What it does
//! Checks for `ln` commands that replace `/bin/sh` with a link to another
//! shell (`ln -sf /bin/bash /bin/sh`).
//!
//! ## Why is this bad?
//! `/bin/sh` is not only the shell of `RUN`: every program in the image
//! that calls `system()`, `popen()` or a `#!/bin/sh` script gets the new
//! shell too, at build time and at run time. Package scripts written for
//! the distribution's own `/bin/sh` may then behave differently, and the
//! next package upgrade may silently put the original link back. The
//! `SHELL` instruction changes the shell of the following `RUN`
//! instructions only, and says so in the Dockerfile.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN ln -sf /bin/bash /bin/sh
//! RUN source /etc/profile && make
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! SHELL ["/bin/bash", "-c"]
//! RUN source /etc/profile && make
//! ```
//!
//! ## Notes
//! Only a link whose destination is `/bin/sh` (or `/usr/bin/sh`, the same
//! file where `/bin` links to `/usr/bin`) is reported. hadolint reports any
//! `ln` that mentions `/bin/sh`, also when `/bin/sh` is the link's target
//! (`ln -s /bin/sh /usr/local/bin/sh`), which leaves `/bin/sh` alone.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// Replacing `/bin/sh` with `ln` changes the shell of the whole image; use `SHELL`
    name: "ln-replaces-bin-sh", aliases: ["DL4005"], category: Shell, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for cmd in script.commands_named(&["ln"]) {
        // `-t DIR` / `--target-directory` puts the links into a directory.
        if cmd.has_flag(Some('t'), &["target-directory"]) {
            continue;
        }
        let positional: Vec<_> = cmd.positional().collect();
        let Some(dest) = positional.last().filter(|_| positional.len() >= 2) else { continue };
        if matches!(dest.text.as_str(), "/bin/sh" | "/usr/bin/sh") {
            ctx.report(
                cmd.range,
                format!("`ln` replaces `{}` for the whole image; use `SHELL` to change the shell of `RUN`", dest.text),
            );
        }
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
                "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN make\n",
                "FROM debian\nRUN ln -s /bin/sh /usr/local/bin/sh\n",
                "FROM debian\nRUN ln -sf /usr/bin/python3 /usr/bin/python\n",
                "FROM debian\nRUN ln -s -t /bin/sh /opt/x\n",
                "FROM debian\nRUN echo ln -sf /bin/bash /bin/sh\n",
            ],
            &[
                "FROM debian\nRUN ⟦ln -sf /bin/bash /bin/sh⟧\n",
                "FROM debian\nRUN rm /bin/sh && ⟦ln -s bash /usr/bin/sh⟧\n",
                "FROM debian\nRUN set -e; \\\n    ⟦ln -sf \\\n      /bin/bash /bin/sh⟧\n",
                "FROM debian\nRUN <<EOF\nset -e\n⟦ln -sf /bin/bash /bin/sh⟧\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦ln -sf /bin/bash /bin/sh⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦ln -sf /bin/bash /bin/sh⟧\"]\n",
            ],
            &[],
        );
    }
}
