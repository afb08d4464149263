//! ## What it does
//! Checks that every image the build pulls comes from a trusted registry:
//! base images (`FROM`), `COPY --from=<image>` and
//! `RUN --mount=…,from=<image>`. The trusted registries are configured with
//! `trusted-registries` in `dockside.toml` (`trustedRegistries` in
//! `.hadolint.yaml`); without that list the rule does nothing.
//!
//! ## Why is this bad?
//! An image runs its content with the build's privileges and ships it in
//! the result. Registries outside the organisation's allow-list are not
//! mirrored, scanned or vetted, so a typo-squatted name or a compromised
//! upstream account goes straight into production images. An allow-list in
//! the linter catches the pull before the build does.
//!
//! ## Example
//! ```toml
//! trusted-registries = ["registry.example.com", "*.gcr.io"]
//! ```
//! ```dockerfile
//! FROM quay.io/prometheus/busybox:latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM registry.example.com/mirror/busybox:1.36
//! ```
//!
//! ## Notes
//! An entry `*` trusts everything, `*.example.com` trusts every registry
//! whose name ends in `.example.com`, and `mirror-*` every one starting
//! with `mirror-`. Images without a registry (`ubuntu:24.04`) come from
//! Docker Hub, trusted by `docker.io` or `hub.docker.com`. Stages, `scratch`
//! and images whose registry depends on a variable without a known value
//! are not checked; base images are resolved through global ARGs. A
//! `--from` value is an image only when it has a registry, a path, a tag or
//! a digest (`nginx:1.27`): a bare name that is no stage is usually a named
//! build context (`--build-context templates=…`). hadolint reports those,
//! and `COPY --from=<stage index>`, as untrusted Docker Hub images.

use crate::model::{Base, ImageRef, Instruction, InstructionKind, Scope, Word};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Image pulled from a registry outside `trusted-registries`
    name: "untrusted-registry", aliases: ["DL3026"], category: Security, severity: Error,
    kinds: [From, Copy, Run], check_instruction: check,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    if ctx.settings.trusted_registries().is_empty() {
        return;
    }
    match ins.kind {
        InstructionKind::From => {
            let (Some(stage), Some(spec)) = (ctx.doc.stage_of(ins), ins.image()) else { return };
            if let Base::Image { text, .. } = &stage.base {
                check_reference(ctx, text, spec.word.range);
            }
        }
        InstructionKind::Copy => {
            if let Some(value) = ins.flag("from").and_then(|f| f.value.as_ref()) {
                check_source(ctx, ins, value);
            }
        }
        _ => {
            for mount in ins.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
                let kind = mount.mount_value("type").unwrap_or_else(|| "bind".to_string());
                if !matches!(kind.as_str(), "bind" | "cache") {
                    continue;
                }
                let from = mount.mount.iter().find(|o| o.key.eq_ignore_ascii_case("from"));
                if let Some(value) = from.and_then(|o| o.value.as_ref()) {
                    check_source(ctx, ins, value);
                }
            }
        }
    }
}

/// A `--from` / `from=` value: a stage, or an image to pull.
fn check_source(ctx: &mut Context<'_>, ins: &Instruction, value: &Word) {
    let scope = Scope::at(ctx.doc, ins.index);
    let expanded = scope.expand(value);
    if !expanded.complete || ctx.doc.stage_named(&expanded.text).is_some() {
        return;
    }
    // A bare name (`--from=templates`) that is no stage is usually a named
    // build context (`--build-context templates=…`), or a typo of a stage.
    if !expanded.text.contains(['/', ':', '@']) {
        return;
    }
    check_reference(ctx, &expanded.text, value.range);
}

fn check_reference(ctx: &mut Context<'_>, reference: &str, range: crate::diagnostic::TextRange) {
    let Some(registry) = registry_of(reference) else { return };
    let trusted = ctx.settings.trusted_registries();
    let allowed = match &registry {
        Registry::DockerHub(written) => ["docker.io", "hub.docker.com"]
            .into_iter()
            .chain(written.as_deref())
            .any(|name| trusted.iter().any(|p| matches(p, name))),
        Registry::Named(name) => trusted.iter().any(|p| matches(p, name)),
    };
    if allowed {
        return;
    }
    let what = match &registry {
        Registry::DockerHub(_) => "Docker Hub (`docker.io`)".to_string(),
        Registry::Named(name) => format!("`{name}`"),
    };
    let list: Vec<String> = trusted.iter().map(|t| format!("`{t}`")).collect();
    ctx.report(range, format!("{what} is not a trusted registry (trusted: {})", list.join(", ")));
}

enum Registry {
    /// No registry, or one of Docker Hub's names (as written).
    DockerHub(Option<String>),
    Named(String),
}

/// The registry of an image reference; `None` when a variable without a
/// known value decides it.
fn registry_of(reference: &str) -> Option<Registry> {
    let first = match reference.split_once('/') {
        Some((first, _)) => first,
        // `$IMAGE` may hold a registry; `ubuntu:$TAG` cannot.
        None => reference.split([':', '@']).next().unwrap_or(reference),
    };
    if first.contains('$') || reference.is_empty() {
        return None;
    }
    let image = ImageRef::parse(reference);
    if image.is_scratch() {
        return None;
    }
    Some(match image.registry {
        Some(r) if image.is_docker_hub() => Registry::DockerHub(Some(r)),
        Some(r) => Registry::Named(r),
        None => Registry::DockerHub(None),
    })
}

/// `*` matches everything, `*.x` names ending in `.x`, `x*` names starting
/// with `x`; otherwise names are compared ignoring case.
fn matches(pattern: &str, registry: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let registry = registry.to_ascii_lowercase();
    if pattern == "*" {
        true
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        registry == pattern
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::metadata::support::testing::{assert_docs_hold_with_their_config, assert_rule_with};

    const TRUSTED: &str = "trusted-registries = [\"registry.example.com\", \"*.gcr.io\", \"mirror-*\"]\n";

    #[test]
    fn cases() {
        assert_rule_with(
            TRUSTED,
            &super::RULE,
            &[
                "FROM registry.example.com/base:1\n",
                "FROM eu.gcr.io/p/app:1\n",
                "FROM mirror-eu:5000/app:1\n",
                "FROM scratch\n",
                "FROM registry.example.com/go:1 AS build\nFROM build\nCOPY --from=build /a /a\n",
                "FROM registry.example.com/go:1\nCOPY --from=0 /a /a\n",
                "FROM registry.example.com/go:1\nRUN --mount=type=cache,target=/root/.cache make\n",
                "FROM registry.example.com/go:1 AS build\nFROM registry.example.com/go:1\nRUN --mount=from=build,target=/src make\n",
                "ARG REGISTRY\nFROM ${REGISTRY}/app:1\n",
                "FROM $BASE\n",
                "FROM registry.example.com/go:1\nCOPY --from=$IMG /a /a\n",
                "FROM registry.example.com/go:1\nRUN --mount=type=secret,id=x,from=quay.io/x make\n",
                "FROM registry.example.com/go:1\nONBUILD COPY --from=quay.io/x /a /a\n",
                "FROM registry.example.com/go:1\nCOPY --from=templates /a /a\n",
            ],
            &[
                "FROM ⟦quay.io/prometheus/busybox⟧\n",
                "FROM ⟦ubuntu:24.04⟧\n",
                "FROM ⟦docker.io/library/ubuntu⟧\n",
                "FROM ⟦gcr.io/distroless/static⟧\n",
                "ARG REGISTRY=quay.io\nFROM ⟦${REGISTRY}/app:1⟧\n",
                "FROM ⟦ubuntu:${TAG}⟧\n",
                "FROM registry.example.com/go:1\nCOPY --from=⟦nginx:1.27⟧ /etc/nginx /etc/nginx\n",
                "FROM registry.example.com/go:1\nRUN --mount=type=bind,from=⟦ghcr.io/acme/tools⟧,target=/t make\n",
                "FROM registry.example.com/go:1\nRUN --mount=type=cache,from=⟦alpine:3⟧,target=/t make\n",
                "FROM registry.example.com/go:1\nARG IMG=quay.io/x\nCOPY --from=⟦$IMG⟧ /a /a\n",
            ],
            &[],
        );
        // Docker Hub is trusted by either of its names.
        for config in ["trusted-registries = [\"docker.io\"]", "trusted-registries = [\"hub.docker.com\"]"] {
            assert_rule_with(
                config,
                &super::RULE,
                &["FROM ubuntu:24.04\n", "FROM docker.io/library/ubuntu\n", "FROM index.docker.io/library/ubuntu\n"],
                &["FROM ⟦quay.io/x⟧\n"],
                &[],
            );
        }
        assert_rule_with("trusted-registries = [\"*\"]", &super::RULE, &["FROM quay.io/x\n"], &[], &[]);
        // Without trusted registries the rule is inert.
        assert_rule_with("", &super::RULE, &["FROM quay.io/x\n"], &[], &[]);
    }

    #[test]
    fn message_names_the_registry() {
        let m = crate::rules::metadata::support::testing::messages(TRUSTED, &super::RULE, "FROM quay.io/x\n");
        assert_eq!(
            m,
            ["`quay.io` is not a trusted registry (trusted: `registry.example.com`, `*.gcr.io`, `mirror-*`)"]
        );
    }

    #[test]
    fn docs() {
        assert_docs_hold_with_their_config(&super::RULE);
    }
}
