//! ## What it does
//! Checks for stages that use both `curl` and `wget` in their `RUN`
//! instructions.
//!
//! ## Why is this bad?
//! Both tools download files; an image rarely needs two of them. Each one
//! the stage installs adds its own binary and libraries to the image and
//! its own security updates to follow, and readers of the Dockerfile must
//! know two sets of options (`curl -fsSL` fails on HTTP errors, `wget`
//! does by default). Pick one and use it throughout the stage.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSLO https://example.com/a.tar.gz
//! RUN wget -q https://example.com/b.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSLO https://example.com/a.tar.gz
//! RUN curl -fsSLO https://example.com/b.tar.gz
//! ```
//!
//! ## Notes
//! dockside reports each stage once, where the second tool first appears,
//! and points to the first use of the other one; hadolint reports every
//! later `RUN` that uses either tool. `ONBUILD RUN` instructions are
//! checked among themselves, as they run in another build. Lookups such as
//! `command -v curl` do not count as uses.

use crate::diagnostic::TextRange;
use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

use super::support::{self, is_lookup};

declare_rule! {
    /// A stage uses both `curl` and `wget`; one download tool is enough
    name: "curl-and-wget", aliases: ["DL4001"], category: Shell, severity: Warning,
    in_onbuild: true, reads: Kinds([Run, Shell]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    for (_, instructions) in doc.stage_runs() {
        let runs: Vec<&Instruction> = instructions.iter().filter(|i| i.kind == InstructionKind::Run).collect();
        let onbuild_runs: Vec<&Instruction> =
            instructions.iter().filter_map(|i| i.onbuild()).filter(|i| i.kind == InstructionKind::Run).collect();
        check_runs(&runs, ctx);
        check_runs(&onbuild_runs, ctx);
    }
}

fn check_runs(runs: &[&Instruction], ctx: &mut Context<'_>) {
    // The first use of curl (0) and of wget (1).
    let mut first: [Option<TextRange>; 2] = [None, None];
    for run in runs {
        let Some(script) = support::script(ctx.doc, run) else { continue };
        for cmd in &script.commands {
            let tool = match cmd.base_name() {
                "curl" => 0,
                "wget" => 1,
                _ => continue,
            };
            if first[tool].is_some() || is_lookup(script, cmd) {
                continue;
            }
            first[tool] = Some(cmd.name_range);
            if let Some(other) = first[1 - tool] {
                let names = ["curl", "wget"];
                ctx.report(
                    cmd.name_range,
                    format!("this stage uses both `{}` and `{}`; use one download tool", names[1 - tool], names[tool]),
                )
                .with_related(other, format!("`{}` is used here", names[1 - tool]));
                return;
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
            &[
                "FROM debian\nRUN curl -fsSLO https://x/a\nRUN curl -fsSLO https://x/b\n",
                "FROM debian\nRUN curl -fsSLO https://x/a\nFROM debian\nRUN wget -q https://x/b\n",
                "FROM debian\nRUN apt-get install -y curl wget\n",
                "FROM debian\nRUN command -v wget || curl -fsSLO https://x/a\n",
                "FROM debian\nRUN curl -fsSLO https://x/a\nONBUILD RUN wget -q https://x/b\n",
                "FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN curl x; wget y\n",
            ],
            &[
                "FROM debian\nRUN curl -fsSLO https://x/a\nRUN ⟦wget⟧ -q https://x/b\n",
                "FROM debian\nRUN wget -q https://x/a && ⟦curl⟧ -fsSLO https://x/b\n",
                "FROM debian\nRUN set -e; \\\n    wget -q https://x/a; \\\n    ⟦curl⟧ \\\n      -fsSLO https://x/b\n",
                "FROM debian\nRUN <<EOF\nset -e\nwget -q https://x/a\n⟦curl⟧ -O https://x/b\nEOF\n",
                "FROM debian\nONBUILD RUN curl -fsSLO https://x/a\nONBUILD RUN ⟦wget⟧ -q https://x/b\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"curl -O x\"]\nRUN [\"sh\", \"-c\", \"⟦wget⟧ -q y\"]\n",
            ],
            &[],
        );
    }

    #[test]
    fn reports_each_stage_once() {
        let src = "FROM debian\nRUN curl a\nRUN wget b\nRUN wget c && curl d\nFROM debian\nRUN wget e\nRUN curl f\n";
        let doc = crate::model::Document::parse(src);
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].related.len(), 1);
    }
}
