//! ## What it does
//! Checks for `dnf install` and `microdnf install` (and `groupinstall`,
//! `localinstall`, `group install`, `module install`) without `-y` (or
//! `--assumeyes`).
//!
//! ## Why is this bad?
//! dnf asks "Is this ok [y/N]" before it changes anything. A build has no
//! terminal to answer, so dnf reads end-of-file, takes it as "no" and
//! stops with "Operation aborted": the build fails at that step. Newer
//! microdnf releases ask the same question.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y httpd
//! ```
//!
//! ## Fix safety
//! The fix adds `-y` after the subcommand. It is safe: the build could not
//! answer the prompt anyway.
//!
//! ## Notes
//! microdnf on Enterprise Linux 8 assumes yes (only the microdnf of EL 9
//! and later asks), so `microdnf` is not reported on an EL 8 base: `ubi8`
//! images (`ubi8/ubi-minimal`, `redhat/ubi8-minimal`, an `-ubi8` tag) and
//! `centos`, `rockylinux`, `almalinux` and `oraclelinux` 8 (through the
//! stages a stage builds on).

use crate::model::{Base, Document, ImageRef, Instruction};
use crate::rule::{Context, declare_rule};

use super::support;

declare_rule! {
    /// `dnf install` without `-y` stops at the confirmation prompt
    name: "dnf-missing-yes", aliases: ["DL3038"], category: Shell, severity: Warning, fix: Always,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    let subcommands = &["install", "groupinstall", "localinstall"];
    for (cmd, sub) in
        support::rpm_prompts(script, &["dnf", "microdnf", "dnf5"], subcommands, &["group", "groups", "module"])
    {
        if cmd.base_name() == "microdnf" && run.stage.is_some_and(|s| on_el8(ctx.doc, s)) {
            // EL 8's microdnf assumes yes.
            continue;
        }
        ctx.report(
            cmd.range,
            format!("`{} {}` without `-y` aborts at the confirmation prompt", cmd.base_name(), sub.text),
        )
        .with_fix(support::add_yes(sub));
    }
}

/// True when the stage's chain starts at an Enterprise Linux 8 image.
fn on_el8(doc: &Document, stage: usize) -> bool {
    match doc.stage_root(stage).map(|s| &s.base) {
        Some(Base::Image { reference, resolved: true, .. }) => is_el8(reference),
        _ => false,
    }
}

/// `ubi8`, `ubi8/ubi-minimal`, `redhat/ubi8-minimal`, `openjdk:17-ubi8`,
/// `rockylinux:8.9`, `centos:stream8`, `oraclelinux:8-slim`.
fn is_el8(reference: &ImageRef) -> bool {
    let ubi8 = |word: &str| word == "ubi8" || word.starts_with("ubi8-") || word.starts_with("ubi8.");
    let path = reference.path.to_ascii_lowercase();
    let tag = reference.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if path.split('/').any(ubi8) || tag.split(['-', '_']).any(ubi8) {
        return true;
    }
    let release = tag.strip_prefix("stream").unwrap_or(&tag);
    let eight = release.strip_prefix('8').is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()));
    let name = path.rsplit('/').next().unwrap_or("");
    eight && matches!(name, "centos" | "rockylinux" | "almalinux" | "oraclelinux")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM fedora\nRUN dnf install -y httpd\n",
                "FROM fedora\nRUN dnf -y install httpd && dnf clean all\n",
                "FROM fedora\nRUN microdnf --assumeyes install httpd\n",
                "FROM fedora\nRUN dnf makecache\n",
                "FROM fedora\nRUN dnf search install\n",
                "FROM fedora\nRUN dnf module enable nodejs:20\n",
                "FROM fedora\nRUN dnf --setopt=assumeyes=True install httpd\n",
                // EL 8's microdnf assumes yes.
                "FROM redhat/ubi8-minimal:8.8\nRUN microdnf install jq && microdnf clean all\n",
                "FROM registry.access.redhat.com/ubi8/ubi-minimal AS base\nFROM base\nRUN microdnf install jq\n",
                "FROM rockylinux:8.9-minimal\nRUN microdnf install jq\n",
                "FROM quay.io/centos/centos:stream8\nRUN microdnf install jq\n",
                "FROM registry.access.redhat.com/ubi8/openjdk-17:1.18\nRUN microdnf install jq\n",
            ],
            &[
                "FROM fedora\nRUN ⟦dnf install httpd⟧\n",
                "FROM fedora\nRUN ⟦microdnf install httpd⟧ && microdnf clean all\n",
                "FROM fedora\nRUN dnf makecache && \\\n    ⟦dnf localinstall \\\n      /tmp/x.rpm⟧\n",
                "FROM fedora\nRUN ⟦dnf module install nodejs:20⟧\n",
                "FROM fedora\nRUN ⟦dnf --setopt install_weak_deps=False install jq⟧\n",
                "FROM fedora\nRUN <<EOF\nset -e\n⟦dnf groupinstall 'Development Tools'⟧\nEOF\n",
                "FROM fedora\nONBUILD RUN ⟦dnf install httpd⟧\n",
                "FROM fedora\nRUN [\"sh\", \"-c\", \"⟦dnf install httpd⟧\"]\n",
                // Plain dnf asks on EL 8 too; EL 9's microdnf asks.
                "FROM redhat/ubi8-minimal:8.8\nRUN ⟦dnf install jq⟧\n",
                "FROM redhat/ubi9-minimal\nRUN ⟦microdnf install jq⟧\n",
                "FROM rockylinux:9.3\nRUN ⟦microdnf install jq⟧\n",
                "FROM oraclelinux:80\nRUN ⟦microdnf install jq⟧\n",
            ],
            &[
                ("FROM fedora\nRUN dnf install httpd\n", "FROM fedora\nRUN dnf install -y httpd\n"),
                (
                    "FROM fedora\nRUN microdnf install \\\n  httpd\n",
                    "FROM fedora\nRUN microdnf install -y \\\n  httpd\n",
                ),
                ("FROM fedora\nRUN dnf group install x\n", "FROM fedora\nRUN dnf group install -y x\n"),
            ],
        );
    }

    /// Safe: a build cannot answer the prompt.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM fedora\nRUN dnf install httpd\n", "FROM fedora\nRUN dnf install -y httpd\n")],
        );
    }
}
