//! ## What it does
//! Checks for `ENV` and `LABEL` written in the legacy `key value` form
//! instead of `key=value`.
//!
//! ## Why is this bad?
//! In the legacy form everything after the first blank is the value, so
//! `ENV PATH /app/bin:$PATH GOPATH /go` sets one variable to a surprising
//! string instead of two. Only one pair fits on a line, and the form is
//! deprecated: BuildKit warns about it and the Dockerfile reference says it
//! may be removed.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! ENV APP_HOME /app
//! LABEL maintainer ops@example.com
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! ENV APP_HOME=/app
//! LABEL maintainer=ops@example.com
//! ```
//!
//! ## Fix safety
//! The fix writes `key=value`, quoting the value in double quotes when it
//! holds blanks. It is safe, and offered only when the value has no quotes,
//! escapes or line continuations, whose meaning could change in the new form.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ENV`/`LABEL` in the legacy `key value` form
    name: "legacy-key-value-format", aliases: ["LegacyKeyValueFormat"], category: Maintainability,
    severity: Warning, fix: Sometimes,
    kinds: [Env, Label], in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let kw = ins.kind.keyword();
    for pair in ins.pairs.iter().filter(|p| p.legacy) {
        let Some(value) = &pair.value else { continue };
        // `LABEL a$b=c`: no blank between key and value, so BuildKit reads
        // one word with `=`, the key=value form (key `a$b`, expanded).
        if value.range.start == pair.key.range.end {
            continue;
        }
        let key = pair.key.value();
        let raw = value.raw.trim();
        let doc = ctx.doc;
        let source = doc.text().get(pair.range.as_range()).unwrap_or("");
        let d = ctx.report(pair.range, format!("use `{kw} {key}=<value>` instead of the legacy `{kw} {key} <value>`"));
        let plain = !raw.is_empty()
            && !raw.contains(['"', '\'', '\\', '`', '\n', '\r'])
            && !source.contains(['\n', '\\', '`'])
            && !pair.key.raw.contains(['"', '\'', '\\', '`']);
        if plain {
            let new_value = if raw.contains([' ', '\t']) { format!("\"{raw}\"") } else { raw.to_string() };
            d.with_fix(Fix::safe(
                format!("Write `{key}={new_value}`"),
                vec![Edit::replace(pair.range, format!("{}={new_value}", pair.key.raw))],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                // One word with `=`: the key holds an expansion, not a legacy value.
                "FROM alpine:3.22\nARG b=x\nLABEL a$b=c\nENV k$b=v\n",
                "FROM alpine\nENV A=1 B=2\n",
                "FROM alpine\nLABEL a=b\n",
                "FROM alpine\nENV A=\n",
                "FROM alpine\nARG A=1\n",
            ],
            &[
                "FROM alpine\nENV ⟦A 1⟧\n",
                "FROM alpine\nLABEL ⟦maintainer jane@example.com⟧\n",
                "FROM alpine\nONBUILD ENV ⟦A 1⟧\n",
                "FROM alpine\nENV ⟦A \"x y\"⟧\n",
            ],
            &[
                ("FROM alpine\nENV A /app\n", "FROM alpine\nENV A=/app\n"),
                ("FROM alpine\nENV PATH /a/bin:$PATH\n", "FROM alpine\nENV PATH=/a/bin:$PATH\n"),
                (
                    "FROM alpine\nLABEL description hello   world\n",
                    "FROM alpine\nLABEL description=\"hello   world\"\n",
                ),
                // Quotes could change meaning: reported, not fixed.
                ("FROM alpine\nENV A \"x y\"\n", "FROM alpine\nENV A \"x y\"\n"),
            ],
        );
    }

    /// Safe where the value has nothing whose meaning the new form changes.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                (
                    "FROM alpine\nENV PATH /a/bin:$PATH\nLABEL description hello   world\n",
                    "FROM alpine\nENV PATH=/a/bin:$PATH\nLABEL description=\"hello   world\"\n",
                ),
                ("FROM alpine\nENV A \"x y\"\n", "FROM alpine\nENV A \"x y\"\n"),
            ],
        );
    }
}
