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
//! The fix replaces the instruction with the label, the name in double
//! quotes with `"`, `$` and the escape character escaped (with the file's
//! `# escape=` character, so the label holds the text `MAINTAINER` had).
//! It is safe: the image's author field gives way to the label, which is
//! the intended effect, and no instruction reads either.

use crate::diagnostic::{Edit, Fix};
use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `MAINTAINER` is deprecated; use the `org.opencontainers.image.authors` label
    name: "maintainer-deprecated", aliases: ["DL4000", "MaintainerDeprecated"],
    category: Maintainability, severity: Error, fix: Always,
    kinds: [Maintainer], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(text) = ins.text() else {
        ctx.report(ins.keyword_range, "MAINTAINER is deprecated");
        return;
    };
    let escape = ctx.doc.escape;
    // A continued line is one line to Docker.
    let joined = text.raw.replace(&format!("{escape}\r\n"), "").replace(&format!("{escape}\n"), "");
    let author = joined.trim();
    let mut escaped = String::with_capacity(author.len());
    for c in author.chars() {
        if c == escape || c == '"' || c == '$' {
            escaped.push(escape);
        }
        escaped.push(c);
    }
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
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

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

    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[
                (
                    "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\n",
                    "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"\n",
                ),
                // With `# escape=\``, `\\` is no escape: the label keeps a backslash as it is.
                (
                    "# escape=`\nFROM alpine\nMAINTAINER DOMAIN\\jane \"J\"\n",
                    "# escape=`\nFROM alpine\nLABEL org.opencontainers.image.authors=\"DOMAIN\\jane `\"J`\"\"\n",
                ),
                (
                    "FROM alpine\nMAINTAINER Jane \\\n  Doe\n",
                    "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane   Doe\"\n",
                ),
            ],
        );
    }

    /// The label holds the text MAINTAINER had, as the model reads both.
    #[test]
    fn the_label_keeps_the_text() {
        for (source, author) in [
            ("FROM alpine\nMAINTAINER \"Q\" $x \\y\n", "\"Q\" $x \\y"),
            ("# escape=`\nFROM alpine\nMAINTAINER DOMAIN\\jane \"J\" `$x\n", "DOMAIN\\jane \"J\" `$x"),
        ] {
            let fixed = crate::engine::fix_with_rules(source, &Default::default(), false, &[&super::RULE]).text;
            let doc = crate::model::Document::parse(&fixed);
            let label = doc.instructions.iter().find(|i| i.kind == crate::model::InstructionKind::Label).expect(&fixed);
            let value = label.pairs[0].value.as_ref().expect("a value").value();
            assert_eq!(value, author, "{fixed}");
        }
    }
}
