//! ## What it does
//! Checks `COPY --from=<name>` where `<name>` is no earlier stage but looks
//! like a misspelt one, or names a stage defined later.
//!
//! ## Why is this bad?
//! BuildKit treats a `--from` value that names no stage as an image and
//! tries to pull it. A typo in a stage name (`--from=biuld`) therefore fails
//! late with a confusing registry error, or silently copies from an
//! unrelated public image of that name.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /app .
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=biuld /app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /app .
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=build /app /app
//! ```
//!
//! ## Notes
//! Values that are clearly image references (with a registry, a path, a tag
//! or a digest, like `nginx:1.27` or `docker.io/library/alpine`) are valid
//! and not reported (hadolint reports them, see hadolint#859). Nor is a
//! name close to no stage name (more than two edits away, one for names of
//! four characters or fewer, like
//! `--from=templates` or `--from=busybox`): BuildKit first looks it up
//! among the named contexts the build passes (`--build-context
//! templates=./dir`), then pulls it as an image, and either may be meant.
//! A stage
//! index (`--from=0`) must point to an earlier stage. A `--from` naming the
//! current stage is reported by `copy-from-current-stage` instead.

use crate::model::{Instruction, Scope};
use crate::rule::{Context, declare_rule};

use super::support::did_you_mean;

declare_rule! {
    /// `COPY --from` names no earlier stage
    name: "copy-from-unknown-stage", aliases: ["DL3022"], category: Correctness, severity: Warning,
    kinds: [Copy], check_instruction: check,
}

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    let Some(value) = copy.flag("from").and_then(|f| f.value.as_ref()) else { return };
    let scope = Scope::at(ctx.doc, copy.index);
    let expanded = scope.expand(value);
    if !expanded.complete {
        return;
    }
    let name = expanded.text.to_ascii_lowercase();
    let current = copy.stage.unwrap_or(0);
    if let Ok(index) = name.parse::<usize>() {
        // The current stage itself is `copy-from-current-stage`.
        if index > current {
            ctx.report(value.range, format!("stage {index} is not an earlier stage"));
        }
        return;
    }
    let earlier = &ctx.doc.stages[..current.min(ctx.doc.stages.len())];
    if earlier.iter().any(|s| s.name.as_deref() == Some(name.as_str())) {
        return;
    }
    if name.contains(['/', ':', '@', '.']) {
        return; // an image reference
    }
    if ctx.doc.stages.get(current).is_some_and(|s| s.name.as_deref() == Some(name.as_str())) {
        return; // `copy-from-current-stage`
    }
    let later = ctx.doc.stages.iter().skip(current).find(|s| s.name.as_deref() == Some(name.as_str()));
    if let Some(stage) = later {
        let range = stage.name_range.unwrap_or(value.range);
        let d = ctx.report(value.range, format!("stage `{name}` is defined after this COPY"));
        d.with_related(range, "defined here");
        return;
    }
    // A name close to no stage is a named build context or an image: only a
    // near miss of a stage name is evidence of a typo.
    if KNOWN_IMAGES.contains(&name.as_str()) {
        return;
    }
    if let Some(suggestion) = did_you_mean(&name, earlier.iter().filter_map(|s| s.name.as_deref())) {
        ctx.report(
            value.range,
            format!(
                "`{}` is not a stage of this Dockerfile (did you mean `{suggestion}`?); \
                 unless the build passes a context of that name, BuildKit will pull it as an image",
                expanded.text
            ),
        );
    }
}

/// Docker Hub images commonly copied from by name (`COPY --from=busybox`):
/// not a typo even when a stage has a similar name.
const KNOWN_IMAGES: &[&str] = &[
    "alpine", "busybox", "debian", "ubuntu", "fedora", "centos", "node", "python", "golang", "rust", "ruby", "php",
    "nginx", "httpd", "docker", "tini", "gosu", "scratch", "postgres", "redis", "mysql", "openjdk", "maven", "gradle",
    "composer", "caddy", "traefik",
];

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM golang AS build\nFROM alpine\nCOPY --from=build /a /a\n",
                "FROM golang AS Build\nFROM alpine\nCOPY --from=build /a /a\n",
                "FROM golang\nFROM alpine\nCOPY --from=0 /a /a\n",
                "FROM alpine\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
                "FROM alpine\nCOPY --from=docker.io/library/busybox /bin/sh /sh\n",
                "ARG SRC=build\nFROM golang AS build\nFROM alpine\nARG SRC\nCOPY --from=${SRC} /a /a\n",
                "FROM alpine\nCOPY --from=$UNKNOWN /a /a\n",
                "FROM alpine AS app\nCOPY --from=app /a /a\n",
                "FROM alpine\nFROM alpine\nCOPY --from=1 /a /a\n",
                // Named build contexts (`--build-context templates=./t`) and images.
                "FROM alpine:3.21\nCOPY --from=templates /redis.yml /etc/redis.yml\n",
                "FROM golang AS build\nFROM alpine\nCOPY --from=binary_dir /a /a\n",
                "FROM alpine:3.21\nCOPY --from=busybox /bin/busybox /bin/busybox\n",
                "FROM alpine AS alpin\nFROM alpine\nCOPY --from=alpine /a /a\n",
                "FROM alpine\nCOPY --from=alpine:3 /a /a\n",
            ],
            &[
                "FROM golang AS build\nFROM alpine\nCOPY --from=⟦biuld⟧ /a /a\n",
                "FROM golang AS builder\nFROM alpine\nCOPY --from=⟦buidler⟧ /a /a\n",
                "FROM alpine\nCOPY --from=⟦1⟧ /a /a\n",
                "FROM alpine\nCOPY --from=⟦2⟧ /a /a\nFROM alpine\nFROM alpine\n",
                "FROM alpine AS a\nCOPY --from=⟦b⟧ /x /x\nFROM alpine AS b\n",
            ],
            &[],
        );
    }

    #[test]
    fn suggests_the_closest_stage() {
        let doc = crate::model::Document::parse("FROM golang AS build\nFROM alpine\nCOPY --from=biuld /a /a\n");
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert!(d[0].message.contains("did you mean `build`"), "{}", d[0].message);
    }
}
