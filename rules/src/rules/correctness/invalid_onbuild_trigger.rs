//! ## What it does
//! Checks for `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
//!
//! ## Why is this bad?
//! `ONBUILD` records an instruction to run when another image builds
//! `FROM` this one. Docker refuses three instructions as such triggers:
//! chaining `ONBUILD` (a trigger of a trigger), `FROM` (which would start a
//! new stage in the middle of someone else's) and the deprecated
//! `MAINTAINER`. The build of the Dockerfile itself stops with an error.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! ONBUILD FROM node:22-slim
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! ONBUILD COPY package.json /app/
//! ```

use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ONBUILD` cannot trigger `ONBUILD`, `FROM` or `MAINTAINER`
    name: "invalid-onbuild-trigger", aliases: ["DL3043"], category: Correctness, severity: Error,
    kinds: [Onbuild], check_instruction: check,
}

fn check(onbuild: &Instruction, ctx: &mut Context<'_>) {
    let Some(trigger) = onbuild.onbuild() else { return };
    let message = match trigger.kind {
        InstructionKind::Onbuild => "`ONBUILD` cannot be chained: a trigger cannot register another trigger",
        InstructionKind::From => "`FROM` is not allowed as an `ONBUILD` trigger",
        InstructionKind::Maintainer => "`MAINTAINER` is not allowed as an `ONBUILD` trigger",
        _ => return,
    };
    ctx.report(trigger.keyword_range, message);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nONBUILD RUN make\n",
                "FROM alpine\nONBUILD COPY . /app/\nONBUILD LABEL a=b\n",
                "FROM alpine\nONBUILD CMD [\"onbuild\"]\n",
            ],
            &[
                "FROM alpine\nONBUILD ⟦ONBUILD⟧ RUN make\n",
                "FROM alpine\nONBUILD ⟦FROM⟧ debian\n",
                "FROM alpine\nonbuild ⟦maintainer⟧ me@example.com\n",
                "FROM alpine\nONBUILD \\\n  ⟦FROM⟧ debian\n",
            ],
            &[],
        );
    }
}
