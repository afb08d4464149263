//! ## What it does
//! Checks that labels the label schema types as `email` hold an email
//! address (RFC 5322: `jane@example.com`, or `Jane Doe <jane@example.com>`).
//! Without such a schema entry the rule does nothing.
//!
//! ## Why is this bad?
//! Contact labels (`org.opencontainers.image.authors`, `maintainer`) are
//! how someone who finds a broken or vulnerable image reaches its owner.
//! A name, a team handle or an obfuscated address (`jane at example dot
//! com`) cannot be mailed by the tools that route such reports.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! maintainer = "email"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL maintainer="Jane Doe"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL maintainer="jane@example.com"
//! ```
//!
//! ## Notes
//! The `Name <address>` form is an RFC 5322 mailbox and is accepted, also
//! with a trailing `(comment)`; hadolint accepts the bare address only. Values are resolved through ARG
//! and ENV; a value that depends on a variable without a known value is not
//! checked. Empty values are left to `empty-required-label`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// An `email` label of the label schema is not an email address
    name: "label-not-email", aliases: ["DL3058"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Email], is_mailbox, "an email address");
}

/// `addr-spec` or `display name <addr-spec>`, possibly followed by a
/// `(comment)`.
fn is_mailbox(value: &str) -> bool {
    let mut value = value.trim();
    while let Some(inner) = value.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        value = inner[..open].trim_end();
    }
    match value.strip_suffix('>').and_then(|v| v.rsplit_once('<')) {
        Some((name, addr)) => !name.contains(['<', '>']) && is_addr_spec(addr),
        None => is_addr_spec(value),
    }
}

/// RFC 5322 `local-part@domain`: dot-atoms or a quoted local part, and a
/// dot-atom or `[literal]` domain.
fn is_addr_spec(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else { return false };
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        is_quoted_string(&local[1..local.len() - 1])
    } else {
        is_dot_atom(local)
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => !literal.is_empty() && literal.chars().all(|c| c.is_ascii_graphic() && !"[]\\".contains(c)),
        None => is_dot_atom(domain),
    };
    local_ok && domain_ok
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

fn is_dot_atom(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

fn is_quoted_string(inner: &str) -> bool {
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            // A quoted pair (`\"`) needs its second character.
            '\\' if chars.next().is_none() => return false,
            '"' => return false,
            c if c.is_control() => return false,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nmaintainer = \"email\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL maintainer=jane@example.com\n",
                "FROM alpine\nLABEL maintainer=\"Jane Doe <jane.doe+docker@mail.example.com>\"\n",
                "FROM alpine\nLABEL maintainer=\"\\\"jane doe\\\"@example.com\"\n",
                "FROM alpine\nLABEL maintainer=ops@[192.0.2.1]\n",
                "FROM alpine\nLABEL maintainer jane@example.com\n",
                "FROM alpine\nLABEL maintainer=\"Jane Doe <jane@example.com> (@jane)\"\n",
                "FROM alpine\nARG MAIL\nLABEL maintainer=$MAIL\n",
            ],
            &[
                "FROM alpine\nLABEL maintainer=⟦\"Jane Doe\"⟧\n",
                "FROM alpine\nLABEL maintainer=⟦jane@⟧\n",
                "FROM alpine\nLABEL maintainer=⟦jane..doe@example.com⟧\n",
                "FROM alpine\nLABEL maintainer=⟦\"jane @example.com\"⟧\n",
                "FROM alpine\nLABEL maintainer=⟦\"Jane <jane>\"⟧\n",
                "FROM alpine\nLABEL maintainer=⟦example.com.⟧\n",
                "FROM alpine\nLABEL maintainer=⟦\"(jane@example.com)\"⟧\n",
                "FROM alpine\nLABEL maintainer ⟦Jane Doe⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
