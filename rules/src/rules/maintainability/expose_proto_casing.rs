//! ## What it does
//! Checks for a protocol in `EXPOSE` that is not lower case (`80/TCP`).
//!
//! ## Why is this bad?
//! The protocol of an exposed port is `tcp`, `udp` or `sctp`, in lower
//! case. Docker accepts other spellings, but the image metadata then
//! carries a key like `80/TCP` that tools comparing ports literally do not
//! recognise. BuildKit warns about it.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80/TCP 53/Udp
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80/tcp 53/udp
//! ```
//!
//! ## Fix safety
//! The fix lower-cases the protocol. It is safe: BuildKit lower-cases it
//! itself when it records the port, so the image is the same.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Instruction, Part};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// The protocol of an exposed port is not lower case
    name: "expose-proto-casing", aliases: ["ExposeProtoCasing"], category: Maintainability,
    severity: Style, fix: Sometimes,
    kinds: [Expose], in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    for word in &ins.args {
        let value = word.value();
        let Some((_, proto)) = value.rsplit_once('/') else { continue };
        if proto == proto.to_ascii_lowercase() || proto.contains('$') {
            continue;
        }
        let lower = proto.to_ascii_lowercase();
        // A plain word: the protocol is the end of the source text.
        let plain = matches!(word.parts.as_slice(), [Part::Literal(_)]) && word.raw == value;
        let doc = ctx.doc;
        let source = doc.text().get(word.range.as_range()).unwrap_or("");
        let d = ctx.report(word.range, format!("the protocol `{proto}` in `{value}` should be lower case"));
        if plain && source.ends_with(proto) {
            let range = TextRange::new(word.range.end - proto.len(), word.range.end);
            d.with_fix(Fix::safe(format!("Write `{lower}`"), vec![Edit::replace(range, lower)]));
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
            &["FROM alpine\nEXPOSE 80 443/tcp 53/udp\n", "FROM alpine\nEXPOSE $P/$PROTO\n"],
            &["FROM alpine\nEXPOSE 80 ⟦443/TCP⟧\n", "FROM alpine\nONBUILD EXPOSE ⟦53/Udp⟧\n"],
            &[("FROM alpine\nEXPOSE 80/TCP 53/uDp\n", "FROM alpine\nEXPOSE 80/tcp 53/udp\n")],
        );
    }

    /// Safe: the image records the port as Docker writes it.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(&super::RULE, &[("FROM alpine\nEXPOSE 80/TCP\n", "FROM alpine\nEXPOSE 80/tcp\n")]);
    }
}
