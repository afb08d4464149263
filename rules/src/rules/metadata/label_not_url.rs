//! ## What it does
//! Checks that labels the label schema types as `url` hold an absolute URL
//! (`scheme:…`, RFC 3986). Without such a schema entry the rule does
//! nothing.
//!
//! ## Why is this bad?
//! Tools turn URL labels such as `org.opencontainers.image.source` into
//! links and use them to find an image's repository or documentation. A
//! bare host name, a relative path or text with spaces cannot be followed,
//! so the link is broken in every registry UI and provenance report.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.source" = "url"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="github.com/acme/app"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="https://github.com/acme/app"
//! ```
//!
//! ## Notes
//! Values are resolved through ARG and ENV; a value that depends on a
//! variable without a known value is not checked (hadolint checks the text
//! as written, so `$SOURCE_URL` is "not a URL" there). Empty values are
//! left to `empty-required-label`. `http`, `https` and `ftp` URLs must name
//! a host.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// A `url` label of the label schema is not an absolute URL
    name: "label-not-url", aliases: ["DL3052"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Url], is_url, "an absolute URL");
}

/// An absolute URI: `scheme:rest`, with only URI characters and valid
/// percent escapes; web and ftp URLs need `//host`.
fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else { return false };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let bytes = rest.as_bytes();
    let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'%' {
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c) {
            i += 1;
        } else {
            return false;
        }
    }
    if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "ftp") {
        let Some(authority) = rest.strip_prefix("//") else { return false };
        let authority = authority.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or(authority);
        let host = if host.starts_with('[') { host } else { host.split(':').next().unwrap_or("") };
        return !host.is_empty();
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\nsource = \"url\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL source=https://github.com/acme/app\n",
                "FROM alpine\nLABEL source=\"https://example.com:8443/a%20b?x=1#top\"\n",
                "FROM alpine\nLABEL source=git+ssh://git@example.com/a.git\n",
                "FROM alpine\nLABEL source=mailto:jane@example.com\n",
                "FROM alpine\nLABEL source=\"http://[::1]:80/\"\n",
                "FROM alpine\nARG URL\nLABEL source=$URL\n",
                "FROM alpine\nLABEL source=\"\"\n",
                "FROM alpine\nLABEL other=nope\n",
            ],
            &[
                "FROM alpine\nLABEL source=⟦github.com/acme/app⟧\n",
                "FROM alpine\nLABEL source=⟦\"https://example.com/a b\"⟧\n",
                "FROM alpine\nLABEL source=⟦https:/example.com⟧\n",
                "FROM alpine\nLABEL source=⟦http://⟧\n",
                "FROM alpine\nLABEL source=⟦\"https://example.com/%zz\"⟧\n",
                "FROM alpine\nARG URL=example.com\nLABEL source=⟦$URL⟧\n",
            ],
            &[],
        );
        assert_rule_with("", &super::RULE, &["FROM alpine\nLABEL source=nope\n"], &[], &[]);
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
