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

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "invalid-onbuild-trigger",
        aliases: &["DL3043"],
        category: Category::Correctness,
        severity: Severity::Error,
        fix: FixAvailability::None,
        summary: "`ONBUILD` cannot trigger `ONBUILD`, `FROM` or `MAINTAINER`",
        source: include_str!("invalid_onbuild_trigger.rs"),
        path: "rules/src/rules/correctness/invalid_onbuild_trigger.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Onbuild],
    in_onbuild: false,
    check_instruction: Some(check),
    check_document: None,
};

fn check(onbuild: &Instruction, ctx: &mut Context<'_>) {
    let Some(trigger) = onbuild.onbuild.as_deref() else { return };
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
