//! ## What it does
//! Checks for a `FROM` whose image, built from the default values of the
//! global `ARG`s, is empty or not a valid image reference, such as
//! `ARG TAG` (no default) followed by `FROM alpine:${TAG}`.
//!
//! ## Why is this bad?
//! A build argument without a default is empty unless `--build-arg` sets
//! it. The Dockerfile then only builds when every caller remembers the
//! argument; a plain `docker build .` fails with an invalid reference
//! (`alpine:`). A default that documents a working value keeps the file
//! buildable as it is. BuildKit warns about it.
//!
//! ## Example
//! ```dockerfile
//! ARG TAG
//! FROM alpine:${TAG}
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG TAG=3.20
//! FROM alpine:${TAG}
//! ```
//!
//! ## Notes
//! Variables no global `ARG` declares are left to `undefined-arg-in-from`,
//! and defaults that themselves depend on unknown values are not judged.

use std::collections::BTreeMap;

use crate::model::{Document, Instruction, InstructionKind, PREDEFINED_ARGS, is_valid_reference};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// The default `ARG` values make a `FROM` image empty or invalid
    name: "invalid-default-arg-in-from", aliases: ["InvalidDefaultArgInFrom"],
    category: Correctness, severity: Warning,
    kinds: [From], check_instruction: check,
}

/// Global ARGs and their default values: `Some("")` without a default,
/// `None` when the default depends on something unknown.
fn defaults(doc: &Document) -> BTreeMap<String, Option<String>> {
    let mut vars: BTreeMap<String, Option<String>> = BTreeMap::new();
    for ins in doc.instructions.iter().take_while(|i| i.kind != InstructionKind::From) {
        if ins.kind != InstructionKind::Arg {
            continue;
        }
        for pair in &ins.pairs {
            let value = match &pair.value {
                None => Some(String::new()),
                Some(v) => {
                    let known = |n: &str| vars.get(n).cloned().flatten();
                    let e = v.expand(&known);
                    let all_known = v.expansions().iter().all(|x| vars.get(&x.name).is_some_and(Option::is_some));
                    (e.complete && all_known).then_some(e.text)
                }
            };
            vars.insert(pair.key.value(), value);
        }
    }
    vars
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let Some(image) = ins.image() else { return };
    let expansions = image.word.expansions();
    if expansions.is_empty() {
        return;
    }
    let vars = defaults(ctx.doc);
    // Only judge words made of global ARGs whose defaults are all known.
    let judged = expansions.iter().all(|e| vars.get(&e.name).is_some_and(Option::is_some));
    if !judged || expansions.iter().any(|e| PREDEFINED_ARGS.contains(&e.name.as_str())) {
        return;
    }
    let expanded = image.word.expand(&|n| vars.get(n).cloned().flatten());
    let text = expanded.text;
    let stage_name = ctx.doc.stages.iter().any(|s| s.name.as_deref() == Some(text.to_ascii_lowercase().as_str()));
    if text == "scratch" || stage_name || is_valid_reference(&text) {
        return;
    }
    let shown = if text.is_empty() { "an empty image name".to_string() } else { format!("`{text}`") };
    ctx.report(
        image.word.range,
        format!("with the default `ARG` values this is {shown}, which is not a valid image; give the ARG a default"),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "ARG TAG=3.20\nFROM alpine:${TAG}\n",
                "ARG IMAGE=alpine\nFROM ${IMAGE}\n",
                "ARG TAG\nFROM alpine:${TAG:-3}\n",
                "ARG REG=ghcr.io/org\nARG V=1\nFROM ${REG}/app:${V}\n",
                "FROM alpine:$UNDECLARED\n",
                "ARG B\nFROM alpine AS base\nFROM ${B:-base}\n",
                "ARG D=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nFROM alpine@${D}\n",
                "ARG X=$OTHER\nFROM alpine:$X\n",
                "ARG REG=localhost:5000\nFROM $REG/app\n",
            ],
            &[
                "ARG TAG\nFROM ⟦alpine:${TAG}⟧\n",
                "ARG IMAGE\nFROM ⟦${IMAGE}⟧\n",
                "ARG IMAGE=Alpine\nFROM ⟦$IMAGE⟧\n",
                "ARG V=\nFROM ⟦node:$V-alpine⟧\n",
            ],
            &[],
        );
    }

    #[test]
    fn references() {
        for ok in ["alpine", "alpine:3", "docker.io/library/alpine:3.20", "a/b/c", "my-app__x.y", "localhost:5000/a"] {
            assert!(super::is_valid_reference(ok), "{ok}");
        }
        for bad in ["", "alpine:", ":3", "Alpine", "a//b", "-a", "a:-b", "a@sha256:xyz", "node:-alpine"] {
            assert!(!super::is_valid_reference(bad), "{bad}");
        }
    }
}
