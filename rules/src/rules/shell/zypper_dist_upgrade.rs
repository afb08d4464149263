//! ## What it does
//! Checks for `zypper dist-upgrade` (`zypper dup`) in `RUN` instructions.
//!
//! ## Why is this bad?
//! A distribution upgrade replaces the base image's packages, possibly with
//! those of a newer release, inside one of your layers. The image then no
//! longer matches the base it names: the layer duplicates most of the base
//! image's files, and what ends up installed depends on the day of the
//! build. Pick a newer base image instead, or update single packages with
//! `zypper update <package>`.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.5
//! RUN zypper -n dist-upgrade
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper -n install curl
//! ```

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// `zypper dist-upgrade` upgrades the whole distribution inside the image
    name: "zypper-dist-upgrade", aliases: ["DL3035"], category: Shell, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    for (cmd, sub) in support::zypper_commands(script, &["dist-upgrade", "dup"]) {
        ctx.report(
            cmd.range,
            format!("`zypper {}` upgrades the whole distribution in a layer; use a newer base image", sub.text),
        );
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
                "FROM opensuse/leap\nRUN zypper -n install curl\n",
                "FROM opensuse/leap\nRUN zypper -n update openssl\n",
                "FROM opensuse/leap\nRUN zypper -n install dup\n",
                "FROM opensuse/leap\nRUN echo zypper dup\n",
            ],
            &[
                "FROM opensuse/leap\nRUN ⟦zypper -n dist-upgrade⟧\n",
                "FROM opensuse/leap\nRUN zypper ref && \\\n    ⟦zypper --non-interactive \\\n      dup⟧\n",
                "FROM opensuse/leap\nRUN <<EOF\nset -e\n⟦zypper -n dup⟧\nEOF\n",
                "FROM opensuse/leap\nONBUILD RUN ⟦zypper -n dup⟧\n",
                "FROM opensuse/leap\nRUN [\"sh\", \"-c\", \"⟦zypper -n dup⟧\"]\n",
            ],
            &[],
        );
    }
}
