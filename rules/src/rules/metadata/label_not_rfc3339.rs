//! ## What it does
//! Checks that labels the label schema types as `rfc3339` hold an RFC 3339
//! timestamp (`2024-05-01T12:30:00Z`). Without such a schema entry the rule
//! does nothing.
//!
//! ## Why is this bad?
//! Time labels such as `org.opencontainers.image.created` are compared and
//! sorted by machines. A date without a time zone, a Unix timestamp or a
//! locale format (`05/01/2024`) cannot be parsed by the tools that read the
//! label, or is parsed in the wrong zone.
//!
//! ## Example
//! ```toml
//! [required-labels]
//! "org.opencontainers.image.created" = "rfc3339"
//! ```
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.created="2024-05-01"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
//! ```
//!
//! ## Notes
//! A space instead of `T` is accepted, as RFC 3339 allows and as
//! `date --rfc-3339=seconds` prints it. Values are resolved through ARG and
//! ENV; a value that depends on a variable without a known value (the usual
//! `ARG BUILD_DATE`) is not checked, where hadolint reports the text
//! `$BUILD_DATE`. Empty values are left to `empty-required-label`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};
use crate::settings::LabelType;

use super::support::check_label_format;

declare_rule! {
    /// An `rfc3339` label of the label schema is not an RFC 3339 timestamp
    name: "label-not-rfc3339", aliases: ["DL3053"], category: Metadata, severity: Warning,
    kinds: [Label], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    check_label_format(ins, ctx, &[LabelType::Rfc3339], is_rfc3339, "an RFC 3339 timestamp");
}

/// `YYYY-MM-DD(T|t| )hh:mm:ss[.frac](Z|z|±hh:mm)` with valid ranges.
fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = b.get(from..from + len)?;
        s.iter().all(u8::is_ascii_digit).then(|| s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else { return false };
    if !(at(4, b'-') && at(7, b'-') && matches!(b.get(10), Some(b'T' | b't' | b' '))) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (num(11, 2), num(14, 2), num(17, 2)) else { return false };
    if !(at(13, b':') && at(16, b':')) || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(h), Some(m)) = (num(i + 1, 2), num(i + 4, 2)) else { return false };
            at(i + 3, b':') && h <= 23 && m <= 59 && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const SCHEMA: &str = "[required-labels]\ncreated = \"rfc3339\"\n";

    #[test]
    fn cases() {
        assert_rule_with(
            SCHEMA,
            &super::RULE,
            &[
                "FROM alpine\nLABEL created=2024-05-01T12:30:00Z\n",
                "FROM alpine\nLABEL created=\"2024-02-29T23:59:60.123+05:30\"\n",
                "FROM alpine\nLABEL created=\"2024-05-01 12:30:00-00:00\"\n",
                "FROM alpine\nLABEL created=2024-05-01t12:30:00z\n",
                "FROM alpine\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n",
                "FROM alpine\nLABEL other=yesterday\n",
                "FROM alpine\nLABEL created=2024-05-01T12:30:00Z \\\nother=1\n",
            ],
            &[
                "FROM alpine\nLABEL created=⟦2024-05-01⟧\n",
                "FROM alpine\nLABEL created=⟦2024-05-01T12:30:00⟧\n",
                "FROM alpine\nLABEL created=⟦2023-02-29T12:30:00Z⟧\n",
                "FROM alpine\nLABEL created=⟦2024-13-01T12:30:00Z⟧\n",
                "FROM alpine\nLABEL created=⟦2024-05-01T24:00:00Z⟧\n",
                "FROM alpine\nLABEL created=⟦1714566600⟧\n",
                "FROM alpine\nLABEL created=⟦2024-05-01T12:30:00.Z⟧\n",
                "FROM alpine\nLABEL created=⟦2024-05-01T12:30:00+0530⟧\n",
                "FROM alpine\nARG D=05/01/2024\nLABEL created=⟦${D}⟧\n",
                // An escaped blank is part of the value.
                "FROM alpine\nLABEL created=⟦2024-05-01T12:30:00\\ Z⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
