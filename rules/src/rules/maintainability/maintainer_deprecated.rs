//! ## What it does
//! Checks for the `MAINTAINER` instruction.
//!
//! ## Why is this bad?
//! `MAINTAINER` is deprecated since Docker 1.13. Its value lands in an image
//! field that tools no longer read; the standard place for the author is the
//! `org.opencontainers.image.authors` label, which registries and scanners
//! display.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! MAINTAINER Jane Doe <jane@example.com>
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
//! ```
//!
//! ## Fix safety
//! The fix replaces the instruction with the label. It is safe: the build
//! does not read the maintainer field.

use crate::diagnostic::{Category, Edit, Fix, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "maintainer-deprecated",
        aliases: &["DL4000", "MaintainerDeprecated"],
        category: Category::Maintainability,
        severity: Severity::Error,
        fix: FixAvailability::Always,
        summary: "`MAINTAINER` is deprecated; use the `org.opencontainers.image.authors` label",
        source: include_str!("maintainer_deprecated.rs"),
        path: "rules/src/rules/maintainability/maintainer_deprecated.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Maintainer],
    in_onbuild: false,
    check_instruction: Some(check),
    check_document: None,
};

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(text) = &ins.text else {
        ctx.report(ins.keyword_range, "MAINTAINER is deprecated");
        return;
    };
    let author = text.raw.trim();
    let escaped = author.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$");
    let keyword = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) { "label" } else { "LABEL" };
    let replacement = format!("{keyword} org.opencontainers.image.authors=\"{escaped}\"");
    ctx.report(ins.keyword_range, "MAINTAINER is deprecated; use the `org.opencontainers.image.authors` label")
        .with_fix(Fix::safe(
            "Replace with `LABEL org.opencontainers.image.authors`",
            vec![Edit::replace(ins.range, replacement)],
        ));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &["FROM alpine\nLABEL org.opencontainers.image.authors=\"x\"\n"],
            &["FROM alpine\n⟦MAINTAINER⟧ Jane\n", "FROM alpine\n⟦maintainer⟧ jane\n"],
            &[
                (
                    "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\nRUN x\n",
                    "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"\nRUN x\n",
                ),
                (
                    "from alpine\nmaintainer \"Q\" $x\n",
                    "from alpine\nlabel org.opencontainers.image.authors=\"\\\"Q\\\" \\$x\"\n",
                ),
            ],
        );
    }
}
