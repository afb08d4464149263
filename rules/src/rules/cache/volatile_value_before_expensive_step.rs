//! ## What it does
//! Checks for a value that changes on every build (a build date or time,
//! a git commit, a CI build number: `ARG BUILD_DATE`, `ARG VCS_REF`,
//! `ARG GIT_COMMIT` …), or a LABEL or ENV that uses one, declared before
//! an expensive step of the same stage (a package install, a dependency
//! install, a build) that does not use it.
//!
//! ## Why is this bad?
//! Every RUN sees the build arguments declared before it as environment
//! variables, so a changed argument value is a cache miss for each RUN that
//! follows, and a LABEL or ENV whose text changes is a new layer that
//! invalidates everything after it. When the value differs on every build,
//! nothing below it is ever reused: the installs and the compile run each
//! time. Declared after the expensive steps (just before the LABEL that
//! records it), the value only rebuilds the cheap metadata layers.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! ARG BUILD_DATE
//! LABEL org.opencontainers.image.created=$BUILD_DATE
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ARG BUILD_DATE
//! LABEL org.opencontainers.image.created=$BUILD_DATE
//! ```
//!
//! ## Notes
//! Volatile values are recognised by name: build dates and times, commit
//! hashes and references, and CI build numbers and IDs (`BUILD_DATE`,
//! `BUILD_TIMESTAMP`, `VCS_REF`, `GIT_COMMIT`, `GIT_SHA`, `SOURCE_COMMIT`,
//! `BUILD_NUMBER`, `CI_COMMIT_SHA` …). Version arguments are not: most
//! pin a dependency and change rarely, and neither is an ARG whose default
//! is a real value (`LIBFOO_COMMIT=45cffaa8` pins a dependency's commit;
//! `unknown`, `dev` or an empty default are placeholders for a per-build
//! value). A RUN that uses the value needs it
//! and is not counted; an ARG before the first FROM is only seen by FROM
//! lines and is not reported.

use crate::model::{Instruction, InstructionKind, Pair};
use crate::rule::{Context, declare_rule};

use super::support::{self, OsStep};

declare_rule! {
    /// A per-build value (date, commit) declared before an expensive step rebuilds it every time
    name: "volatile-value-before-expensive-step", category: Cache, severity: Warning,
    kinds: [Arg, Label, Env], check_instruction: check,
}

/// True for a variable name whose value changes on every build.
fn is_volatile(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let words: Vec<&str> = n.split('_').collect();
    let has = |w: &str| words.contains(&w);
    (has("BUILD") || has("BUILT") || has("IMAGE") || has("CREATED"))
        && (has("DATE") || has("TIME") || has("TIMESTAMP") || has("DATETIME") || has("NUMBER") || has("ID"))
        // Only commit words (`GIT_COMMIT`, `COMMIT_SHA`, `CI_COMMIT_SHORT_SHA`), not
        // the pinned commit of a dependency (`LIBFOO_COMMIT`).
        || (has("COMMIT") || has("SHA") && (has("GIT") || has("SOURCE") || has("CI")))
            && words.iter().all(|w| {
                matches!(*w, "GIT" | "SOURCE" | "VCS" | "CI" | "COMMIT" | "SHA" | "HASH" | "ID" | "REF" | "SHORT" | "GITHUB")
            })
        || matches!(
            n.as_str(),
            "VCS_REF"
                | "GIT_REF"
                | "GIT_HASH"
                | "SOURCE_COMMIT"
                | "REVISION"
                | "GIT_REVISION"
                | "BUILDTIME"
                | "BUILD_DATE"
                | "TIMESTAMP"
        )
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(stage) = doc.stage_of(ins) else { return };
    // The volatile variables this instruction introduces.
    let names: Vec<String> = match ins.kind {
        InstructionKind::Arg => ins.pairs.iter().filter(|p| volatile_arg(p)).map(|p| p.key.value()).collect(),
        _ => ins
            .pairs
            .iter()
            .filter_map(|p| p.value.as_ref())
            .flat_map(|v| v.expansions())
            .map(|e| e.name.clone())
            .filter(|n| is_volatile(n))
            .collect(),
    };
    if names.is_empty() {
        return;
    }
    // Reported once per stage, at the first instruction introducing one.
    let earlier = doc.instructions[stage.from + 1..ins.index].iter().any(introduces_volatile);
    if earlier {
        return;
    }
    let Some(step) = doc.instructions[ins.index + 1..stage.end].iter().find(|i| {
        let Some(script) = i.script() else { return false };
        let expensive = script.commands.iter().any(|c| {
            support::dependency_install(c).is_some() || matches!(support::os_step(c), Some((_, OsStep::Install)))
        });
        expensive && !names.iter().any(|n| script.text.contains(n.as_str()))
    }) else {
        return;
    };
    let keyword = ins.kind.keyword();
    let shown = doc.text().get(step.range.as_range()).unwrap_or("RUN").lines().next().unwrap_or("RUN");
    ctx.report(
        ins.range,
        format!(
            "`{keyword}` with `{}` changes on every build and comes before `{}`: that step is never cached; move it below",
            names.join("`, `"),
            shown.trim_end_matches('\\').trim_end()
        ),
    )
    .with_related(step.range, "rebuilt on every build");
}

/// An ARG with a volatile name and no real default: a default that is a
/// real value (`LIB_COMMIT=45cffaa8`) is pinned, not set per build.
fn volatile_arg(pair: &Pair) -> bool {
    let placeholder = pair.value.as_ref().is_none_or(|v| {
        matches!(
            v.value().to_ascii_lowercase().as_str(),
            "" | "unknown" | "dev" | "local" | "none" | "unset" | "undefined" | "0" | "n/a" | "head" | "latest"
        ) || v.has_expansion()
    });
    placeholder && is_volatile(&pair.key.value())
}

fn introduces_volatile(i: &Instruction) -> bool {
    match i.kind {
        InstructionKind::Arg => i.pairs.iter().any(volatile_arg),
        InstructionKind::Label | InstructionKind::Env => {
            i.pairs.iter().filter_map(|p| p.value.as_ref()).any(|v| v.expansions().iter().any(|e| is_volatile(&e.name)))
        }
        _ => false,
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
                "FROM debian\nRUN apt-get install -y curl\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n",
                "ARG BUILD_DATE\nFROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nARG NODE_VERSION=20\nRUN apt-get install -y nodejs=$NODE_VERSION\n",
                "FROM debian\nARG VERSION\nRUN apt-get install -y curl\n",
                "FROM golang\nARG GIT_COMMIT\nRUN go build -ldflags \"-X main.commit=$GIT_COMMIT\" -o /app\n",
                "FROM debian\nARG BUILD_DATE\nRUN echo hi\n",
                "FROM debian\nARG BUILDPLATFORM\nRUN apt-get install -y curl\n",
                "FROM debian\nARG DISTRIBUTED_EMBEDDINGS_COMMIT=45cffaa8\nRUN apt-get install -y curl\n",
                "FROM debian\nARG GIT_COMMIT=45cffaa8\nRUN apt-get install -y curl\n",
            ],
            &[
                "FROM debian\n⟦ARG BUILD_DATE⟧\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\n⟦LABEL org.label-schema.vcs-ref=$VCS_REF⟧\nRUN apt-get install -y curl\n",
                "FROM node\n⟦ARG GIT_SHA⟧\nARG BUILD_DATE\nCOPY package*.json ./\nRUN npm ci\n",
                "FROM python\n⟦ENV BUILD_NUMBER=${CI_BUILD_NUMBER}⟧\nRUN pip install -r requirements.txt\n",
                "FROM debian\n⟦ARG SOURCE_COMMIT=unknown⟧\nRUN apt-get install -y curl\n",
            ],
            &[],
        );
    }
}
