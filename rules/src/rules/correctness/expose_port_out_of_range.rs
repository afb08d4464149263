//! ## What it does
//! Checks `EXPOSE` for a port, or a bound of a port range, above 65535.
//!
//! ## Why is this bad?
//! TCP and UDP port numbers are 16-bit: 65535 is the highest one. Docker
//! rejects the image configuration when the container is created or the
//! port is published, so the typo (usually a digit too many) surfaces late,
//! on the machine that runs the image.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80800
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 8080
//! ```
//!
//! ## Notes
//! Ports written with a variable (`EXPOSE $PORT`) are checked when the
//! variable's value is known from an `ARG` default or an `ENV`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `EXPOSE` of a port above 65535
    name: "expose-port-out-of-range", aliases: ["DL3011"], category: Correctness, severity: Error,
    kinds: [Expose], check_instruction: check,
}

const MAX_PORT: u64 = 65535;

fn check(expose: &Instruction, ctx: &mut Context<'_>) {
    for (word, text) in ctx.doc.expanded_args(expose) {
        // One word may hold several ports after expansion (`ENV PORTS="80 443"`).
        for port in text.split_whitespace() {
            let numbers = port.split_once('/').map_or(port, |(n, _)| n);
            let (low, high) = numbers.split_once('-').unwrap_or((numbers, numbers));
            if let Some(first) = [low, high].into_iter().find(|n| exceeds(n)) {
                ctx.report(word.range, format!("port {first} is out of range: ports go from 0 to {MAX_PORT}"));
            }
        }
    }
}

/// A decimal number above the highest port (other text is not a port number).
fn exceeds(number: &str) -> bool {
    let digits = number.trim_start_matches('0');
    number.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() > 5 || digits.parse::<u64>().is_ok_and(|n| n > MAX_PORT))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nEXPOSE 80 443/tcp 53/udp\n",
                "FROM alpine\nEXPOSE 65535 0\n",
                "FROM alpine\nEXPOSE 8000-8010/tcp\n",
                "FROM alpine\nEXPOSE $PORT\n",
                "FROM alpine\nARG PORT=8080\nEXPOSE ${PORT}/tcp\n",
                "FROM alpine\nONBUILD EXPOSE 80\n",
            ],
            &[
                "FROM alpine\nEXPOSE 80 ⟦65536⟧\n",
                "FROM alpine\nEXPOSE ⟦80800/tcp⟧\n",
                "FROM alpine\nEXPOSE ⟦8000-80100⟧\n",
                "FROM alpine\nEXPOSE ⟦99999-100000/udp⟧\n",
                "FROM alpine\nEXPOSE ⟦123456789012345678901234567890⟧\n",
                "FROM alpine\nARG PORT=80800\nEXPOSE ⟦$PORT⟧\n",
                "FROM alpine\nEXPOSE 80 \\\n  ⟦443000⟧\n",
            ],
            &[],
        );
    }
}
