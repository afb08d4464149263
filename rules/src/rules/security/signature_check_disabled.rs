//! ## What it does
//! Checks for package managers told to install packages whose signatures
//! they cannot verify: `apt-get`/`apt` with `--allow-unauthenticated`,
//! `--allow-insecure-repositories`, `--force-yes` or
//! `-o APT::Get::AllowUnauthenticated=true`, an APT source marked
//! `[trusted=yes]`, `apk --allow-untrusted`, `--nogpgcheck` (`yum`,
//! `dnf`, `microdnf`, `tdnf`, `zypper`), `--setopt=gpgcheck=0`, zypper's
//! `--no-gpg-checks`, and `rpm --nosignature`/`--nodigest`.
//!
//! ## Why is this bad?
//! Package signatures are what proves a package comes from the
//! distribution or vendor and was not altered by a mirror, a proxy or
//! anyone in between. With the check off, a tampered package installs
//! like a genuine one, usually as root. Import the repository's signing
//! key instead (`signed-by=`, `rpm --import`, `/etc/apk/keys`).
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --allow-unauthenticated curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y curl
//! ```
//!
//! ## Fix safety
//! When the switch is a flag standing alone (`--allow-unauthenticated`,
//! `--force-yes`, `--allow-untrusted`, `--nogpgcheck`, `--no-gpg-checks`),
//! the fix deletes it. It is unsafe: the installation then fails if a
//! package or repository really is unsigned, and `--force-yes` also
//! allowed downgrades and removing held packages.
//!
//! ## Notes
//! Installing local package files (`apk add --allow-untrusted
//! /tmp/packages/*.apk`, `dnf install --nogpgcheck ./x.rpm`) is not
//! reported: they are packages the build made or fetched itself, which
//! no repository signed, and `apk index --allow-untrusted` only builds an
//! index. Neither is an APT source on the local disk
//! (`deb [trusted=yes] file:/…`).

use crate::model::{Instruction, ShellArg, ShellCommand};
use crate::rule::{Context, declare_rule};

use super::support::{delete_arg_fix, is_local_package};

declare_rule! {
    /// Package signature verification is turned off
    name: "signature-check-disabled", category: Security, severity: Warning, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    for cmd in &script.commands {
        for arg in trusted_sources(cmd) {
            ctx.report(
                arg.range,
                "an APT source marked `[trusted=yes]` is used without checking its signature; give it its key with `signed-by=`",
            );
        }
        let Some((arg, fixable)) = unverified(cmd) else { continue };
        let fix = fixable.then(|| delete_arg_fix(ctx.doc, run, arg, format!("Remove `{}`", arg.text))).flatten();
        let message = format!(
            "`{} {}` installs packages without verifying their signatures; import the repository's signing key instead",
            cmd.base_name(),
            arg.text
        );
        let d = ctx.report(arg.range, message);
        if let Some(fix) = fix {
            d.with_fix(fix);
        }
    }
}

/// `echo "deb [trusted=yes] https://…" > …`: a remote APT source without
/// signature checks.
fn trusted_sources(cmd: &ShellCommand) -> impl Iterator<Item = &ShellArg> {
    cmd.args.iter().filter(|a| {
        let compact: String = a.text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        compact.contains("trusted=yes")
            && compact.starts_with("deb")
            && !["file:", "copy:", "cdrom:"].iter().any(|s| compact.contains(s))
    })
}

/// The argument that turns signature checks off, and whether deleting it
/// alone undoes that.
fn unverified(cmd: &ShellCommand) -> Option<(&ShellArg, bool)> {
    let name = cmd.base_name();
    let args = &cmd.args;
    let lower = |a: &ShellArg| a.text.to_ascii_lowercase();
    let packages_remote = || {
        let packages: Vec<&ShellArg> = cmd.positional().skip(1).collect();
        packages.is_empty() || !packages.iter().all(|p| is_local_package(&p.text))
    };
    match name {
        "apt-get" | "apt" | "aptitude" => {
            for (i, a) in args.iter().enumerate() {
                if matches!(a.text.as_str(), "--allow-unauthenticated" | "--force-yes") {
                    return Some((a, true));
                }
                if a.text == "--allow-insecure-repositories" {
                    return Some((a, false));
                }
                let option = if a.text == "-o" { args.get(i + 1) } else { None };
                let text =
                    option.map_or_else(|| a.text.strip_prefix("-o").unwrap_or("").to_string(), |o| o.text.clone());
                let text = text.to_ascii_lowercase();
                if let Some((key, value)) = text.split_once('=')
                    && matches!(key, "apt::get::allowunauthenticated" | "acquire::allowinsecurerepositories")
                    && matches!(value, "true" | "1" | "yes")
                {
                    return Some((option.unwrap_or(a), false));
                }
            }
            None
        }
        "apk" => {
            let a = args.iter().find(|a| a.text == "--allow-untrusted")?;
            let sub = cmd.positional().next().map(|s| s.text.as_str());
            (matches!(sub, Some("add" | "upgrade" | "fix")) && packages_remote()).then_some((a, true))
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "zypper" => {
            let a = args.iter().find(|a| {
                let l = lower(a);
                l == "--nogpgcheck"
                    || l == "--no-gpg-checks"
                    || l.strip_prefix("--setopt=").and_then(|o| o.split_once('=')).is_some_and(|(k, v)| {
                        (k == "gpgcheck" || k.ends_with(".gpgcheck") || k == "repo_gpgcheck")
                            && matches!(v, "0" | "false" | "no")
                    })
            })?;
            packages_remote().then_some((a, matches!(a.text.as_str(), "--nogpgcheck" | "--no-gpg-checks")))
        }
        "rpm" => {
            let a = args.iter().find(|a| matches!(a.text.as_str(), "--nosignature" | "--nodigest"))?;
            let files: Vec<&ShellArg> = cmd.positional().collect();
            (!files.is_empty() && !files.iter().all(|p| is_local_package(&p.text))).then_some((a, false))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM alpine\nRUN apk index --allow-untrusted -o /tmp/APKINDEX.tar.gz /tmp/*.apk\n",
                "FROM alpine\nRUN apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-x.apk\n",
                "FROM fedora\nRUN dnf install -y --nogpgcheck ./local.rpm\n",
                "FROM debian\nRUN echo \"deb [ trusted=yes ] file://$tempDir ./\" > /etc/apt/sources.list.d/temp.list\n",
                "FROM centos\nRUN rpm -ivh --nosignature /tmp/x.rpm\n",
                "FROM fedora\nRUN dnf --setopt=gpgcheck=1 install -y x\n",
            ],
            &[
                "FROM debian\nRUN apt-get install -y ⟦--allow-unauthenticated⟧ curl\n",
                "FROM debian\nRUN apt-get install -y ⟦--force-yes⟧ curl\n",
                "FROM debian\nRUN apt-get -o ⟦APT::Get::AllowUnauthenticated=true⟧ install -y curl\n",
                "FROM debian\nRUN apt-get update ⟦--allow-insecure-repositories⟧\n",
                "FROM debian\nRUN echo ⟦\"deb [trusted=yes] http://repo.example.com/ stable main\"⟧ > /etc/apt/sources.list\n",
                "FROM alpine\nRUN apk add ⟦--allow-untrusted⟧ curl\n",
                "FROM centos\nRUN yum install -y ⟦--nogpgcheck⟧ epel-release\n",
                "FROM fedora\nRUN dnf ⟦--setopt=gpgcheck=0⟧ install -y x\n",
                "FROM opensuse/leap\nRUN zypper ⟦--no-gpg-checks⟧ install -y x\n",
                "FROM centos\nRUN rpm -ivh ⟦--nosignature⟧ https://x/a.rpm\n",
                "FROM debian\nONBUILD RUN apt-get install -y ⟦--force-yes⟧ curl\n",
            ],
            &[
                (
                    "FROM debian\nRUN apt-get install -y --allow-unauthenticated curl\n",
                    "FROM debian\nRUN apt-get install -y curl\n",
                ),
                ("FROM centos\nRUN yum install -y --nogpgcheck x\n", "FROM centos\nRUN yum install -y x\n"),
            ],
        );
    }

    /// Unsafe: an unsigned package or repository then fails the install.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM debian\nRUN apt-get install -y --allow-unauthenticated curl\n",
                "FROM debian\nRUN apt-get install -y --allow-unauthenticated curl\n",
            )],
        );
    }
}
