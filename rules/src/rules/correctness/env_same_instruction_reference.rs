//! ## What it does
//! Checks for an `ENV` that uses a variable it sets itself, in another
//! `key=value` pair: `ENV APP_HOME=/app PATH=$APP_HOME/bin:$PATH`.
//!
//! ## Why is this bad?
//! Docker expands every value of an `ENV` instruction before it sets any of
//! them. `$APP_HOME` above is therefore the value from before the
//! instruction, usually unset, and `PATH` silently becomes `/bin:…` instead
//! of `/app/bin:…`.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! ENV APP_HOME=/app PATH=$APP_HOME/bin:$PATH
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! ENV APP_HOME=/app
//! ENV PATH=$APP_HOME/bin:$PATH
//! ```
//!
//! ## Notes
//! A pair that uses its own variable (`ENV PATH=/opt/bin:$PATH`) is fine,
//! and so is a variable that an earlier `ARG` or `ENV` visible at this point
//! already set (the author may mean the earlier value). Single-quoted and
//! escaped dollars are not expansions and are not reported. dockside
//! reports each reference; hadolint reports the instruction once.

use crate::model::{Instruction, Scope};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ENV` uses a variable it sets itself, before it is set
    name: "env-same-instruction-reference", aliases: ["DL3044"], category: Correctness,
    severity: Error,
    kinds: [Env], check_instruction: check,
}

fn check(env: &Instruction, ctx: &mut Context<'_>) {
    if env.pairs.len() < 2 {
        return;
    }
    let keys: Vec<String> = env.pairs.iter().map(|p| p.key.value()).collect();
    let mut scope = None;
    for (i, pair) in env.pairs.iter().enumerate() {
        let Some(value) = &pair.value else { continue };
        for expansion in value.expansions() {
            let name = expansion.name.as_str();
            let Some(j) = (0..keys.len()).find(|&j| j != i && keys[j] == name) else { continue };
            let scope = scope.get_or_insert_with(|| Scope::at(ctx.doc, env.index));
            if scope.is_defined(name) {
                continue;
            }
            ctx.report(
                expansion.range,
                format!("`{name}` is set by this same ENV, but `${name}` is expanded before it is set"),
            )
            .with_related(env.pairs[j].key.range, format!("`{name}` is set here"));
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
                "FROM alpine\nENV A=1\nENV B=$A\n",
                "FROM alpine\nENV PATH=/opt/bin:$PATH\n",
                "FROM alpine\nENV A=1 PATH=/opt/bin:$PATH\n",
                "FROM alpine\nARG A\nENV A=1 B=$A\n",
                "FROM alpine\nENV A=0\nENV A=1 B=${A}\n",
                "FROM alpine AS base\nENV A=0\nFROM base\nENV A=1 B=$A\n",
                "FROM alpine\nENV A=1 B='$A'\n",
                "FROM alpine\nENV A=1 B=\\$A\n",
                "FROM alpine\nENV A=1 B=$AB\n",
                "FROM alpine\nENV A 1 $A\n",
                "FROM alpine\nONBUILD ENV A=1 B=$A\n",
            ],
            &[
                "FROM alpine\nENV A=1 B=⟦$A⟧\n",
                "FROM alpine\nENV A=1 B=\"x ⟦${A}⟧\"\n",
                "FROM alpine\nENV B=⟦$A⟧ A=1\n",
                "FROM alpine\nENV A=1 B=${X:-⟦$A⟧}\n",
                "FROM alpine\nENV APP=/app \\\n    PATH=⟦$APP⟧/bin:$PATH\n",
                "ARG A=0\nFROM alpine\nENV A=1 B=⟦$A⟧\n",
            ],
            &[],
        );
    }
}
