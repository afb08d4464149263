//! ## What it does
//! Checks for `EXPOSE` with an IP address or a host port
//! (`EXPOSE 8080:80`, `EXPOSE 127.0.0.1:8080:80`).
//!
//! ## Why is this bad?
//! `EXPOSE` only documents which container ports the image listens on; it
//! cannot publish them. Host ports and addresses belong to `docker run -p`
//! or a compose file. Docker ignores the host part with a deprecation
//! warning and a future release will reject it, so the line does not do
//! what it seems to. BuildKit warns about it.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 8080:80
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! EXPOSE 80
//! ```

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `EXPOSE` with an IP address or a host port
    name: "expose-invalid-format", aliases: ["ExposeInvalidFormat"], category: Correctness,
    severity: Warning,
    kinds: [Expose], in_onbuild: true, check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    for (word, text) in ctx.doc.expanded_args(ins) {
        for port in text.split_whitespace() {
            let ports = port.split_once('/').map_or(port, |(p, _)| p);
            if ports.contains(':') {
                ctx.report(
                    word.range,
                    format!("`EXPOSE {port}` names a host address or port; EXPOSE takes container ports only"),
                );
            }
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
            &["FROM alpine\nEXPOSE 80 443/tcp 8000-8010\n", "FROM alpine\nEXPOSE $PORTS\n"],
            &[
                "FROM alpine\nEXPOSE 80 ⟦8080:80⟧\n",
                "FROM alpine\nEXPOSE ⟦127.0.0.1:8080:80/tcp⟧\n",
                "FROM alpine\nARG P=1:2\nEXPOSE ⟦$P⟧\n",
            ],
            &[],
        );
    }
}
