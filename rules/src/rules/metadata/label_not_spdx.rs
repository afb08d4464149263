//! ## What it does
//! Checks that labels the label schema types as `spdx` hold an SPDX license
//! expression: a license identifier (`MIT`, `Apache-2.0`), optionally with
//! `+`, combined with `AND`, `OR`, `WITH <exception>` and parentheses, or a
//! custom `LicenseRef-…`. Without such a schema entry the rule does nothing.
//!
//! ## Why is this bad?
//! License labels such as `org.opencontainers.image.licenses` feed license
//! compliance scanners, which match SPDX identifiers exactly. Free text
//! (`Apache License 2.0`, `GPLv3`) is not recognised, so the image is
//! treated as unlicensed or flagged for manual review.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.licenses" = "spdx"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licenses="Apache License 2.0"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licenses="Apache-2.0 OR MIT"
//! ```
//!
//! ## Notes
//! hadolint accepts a single identifier only, so it reports valid
//! expressions such as `MIT OR Apache-2.0`, which is what the OCI
//! annotation asks for. dockside knows the identifiers and exceptions of
//! the SPDX license list 3.29, deprecated ones included (matched ignoring
//! case, as SPDX specifies); an identifier added to the list later is
//! reported and can be written as `LicenseRef-…` or the rule suppressed.
//! Values are resolved through ARG and ENV; a value that depends on a
//! variable without a known value is not checked. Empty values are left to
//! `empty-required-label`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// An `spdx` label of the label schema is not an SPDX license expression
    name: "label-not-spdx", aliases: ["DL3054"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Spdx], is_spdx_expression, "an SPDX license expression");
}

/// An SPDX license expression (SPDX spec, annex D), as the `spdx` crate
/// parses it. Identifiers match ignoring case, as SPDX asks; the crate
/// matches them exactly, so each is first spelt as the list spells it.
/// Operators are all upper or all lower case (`OR`, `or`).
fn is_spdx_expression(value: &str) -> bool {
    const MODE: spdx::ParseMode = spdx::ParseMode {
        allow_slash_as_or_operator: false,
        allow_imprecise_license_names: false,
        // `GPL-2.0+`, the deprecated spelling still widely written.
        allow_postfix_plus_on_gpl: true,
        allow_deprecated: true,
        allow_unknown: false,
    };
    spdx::Expression::parse_mode(&in_listed_case(value), MODE).is_ok()
}

/// `value` with each license and exception identifier spelt as the SPDX
/// list spells it (`apache-2.0` → `Apache-2.0`); anything else unchanged.
fn in_listed_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        let len = rest.find(|c: char| c.is_whitespace() || c == '(' || c == ')').unwrap_or(rest.len());
        if len == 0 {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (word, after) = rest.split_at(len);
        let (id, plus) = word.strip_suffix('+').map_or((word, ""), |id| (id, "+"));
        out.push_str(listed_spelling(id).unwrap_or(id));
        out.push_str(plus);
        rest = after;
    }
    out
}

fn listed_spelling(id: &str) -> Option<&'static str> {
    let licenses = spdx::identifiers::LICENSES.iter().map(|l| l.name);
    let exceptions = spdx::identifiers::EXCEPTIONS.iter().map(|e| e.name);
    licenses.chain(exceptions).find(|name| name.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nlicense = \"spdx\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL license=MIT\n",
                "FROM alpine\nLABEL license=apache-2.0\n",
                "FROM alpine\nLABEL license=\"MIT OR Apache-2.0\"\n",
                "FROM alpine\nLABEL license=\"(MIT AND BSD-3-Clause) or GPL-2.0-or-later WITH Classpath-exception-2.0\"\n",
                "FROM alpine\nLABEL license=\"GPL-2.0+\"\n",
                "FROM alpine\nLABEL license=LicenseRef-acme-proprietary\n",
                "FROM alpine\nLABEL license=\"unicode-3.0 AND (mit WITH AdditionRef-acme)\"\n",
                "FROM alpine\nLABEL license=wxWindows\n",
                "FROM alpine\nARG LICENSE\nLABEL license=$LICENSE\n",
            ],
            &[
                "FROM alpine\nLABEL license=⟦\"Apache License 2.0\"⟧\n",
                "FROM alpine\nLABEL license=⟦GPLv3⟧\n",
                "FROM alpine\nLABEL license=⟦\"MIT OR\"⟧\n",
                "FROM alpine\nLABEL license=⟦\"(MIT\"⟧\n",
                "FROM alpine\nLABEL license=⟦\"MIT Or Apache-2.0\"⟧\n",
                "FROM alpine\nLABEL license=⟦\"MIT WITH Apache-2.0\"⟧\n",
                "FROM alpine\nLABEL license=⟦\"MIT, Apache-2.0\"⟧\n",
                "FROM alpine\nLABEL license=⟦GPL-3.0-or-later+⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
