//! ## What it does
//! Checks for a distribution package manager that the stage's base image
//! does not have: `apt-get` on Alpine, `apk` on Debian or Ubuntu, `yum` or
//! `dnf` on Debian, `zypper` outside openSUSE/SLE, and so on.
//!
//! ## Why is this bad?
//! Each distribution ships one package manager, and an image only has the
//! tools of the distribution it was built from. The RUN fails with
//! `command not found` (exit code 127) as soon as the build reaches it,
//! usually after a base-image switch (`python:3.12` to
//! `python:3.12-alpine`) that left the install commands behind.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-alpine
//! RUN apt-get update && apt-get install -y --no-install-recommends gcc
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-alpine
//! RUN apk add --no-cache gcc
//! ```
//!
//! ## Notes
//! The distribution comes from the image reference alone: a distribution
//! image (`alpine`, `debian`, `ubuntu`, `fedora`, `rockylinux` …), a
//! distribution word in the tag (`-alpine`, `-slim`, `bookworm`, `jammy`,
//! `ubi9`), or the documented default variant of an official image
//! (`python:3.12` and `node:22` are Debian-based, `eclipse-temurin:21` is
//! Ubuntu-based). A stage built `FROM` another stage inherits its
//! distribution. Images the table does not know are never reported.
//! Scripts written for several distributions are left alone: a command
//! inside an `if`, `case` or `||` branch, or in a RUN that also uses the
//! stage's own package manager.

use crate::base_images::PackageManager;
use crate::model::{Base, Instruction, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support;

declare_rule! {
    /// A package manager the base image's distribution does not have
    name: "package-manager-mismatch", category: Correctness, severity: Error,
    kinds: [Run], check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = run.script() else { return };
    let Some(stage) = run.stage else { return };
    let Some(distro) = support::stage_distro(ctx.doc, stage) else { return };
    let own = distro.package_manager();
    let uses_own = script.commands.iter().any(|c| PackageManager::of_command(c.base_name()) == Some(own));
    if uses_own {
        return;
    }
    let image = match ctx.doc.stage_root(stage).map(|s| &s.base) {
        Some(Base::Image { text, .. }) => text.clone(),
        _ => return,
    };
    for cmd in &script.commands {
        let Some(pm) = PackageManager::of_command(cmd.base_name()) else { continue };
        if pm == own || is_conditional(script, cmd) {
            continue;
        }
        ctx.report(
            cmd.range,
            format!(
                "`{}` does not exist on {} (`{image}`); its package manager is `{}`",
                cmd.base_name(),
                distro.name(),
                own.commands()[0]
            ),
        );
        return;
    }
}

/// True when the command runs only on some condition: inside an `if`,
/// `case`, loop, or after `||` (a script written for several distributions).
fn is_conditional(script: &ShellScript, cmd: &ShellCommand) -> bool {
    let Some(node) = script.node_of(cmd) else { return true };
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "if_statement"
            | "elif_clause"
            | "else_clause"
            | "case_statement"
            | "case_item"
            | "while_statement"
            | "for_statement"
            | "function_definition" => return true,
            "list" => {
                let mut cursor = parent.walk();
                if parent.children(&mut cursor).any(|c| c.kind() == "||") {
                    return true;
                }
            }
            _ => {}
        }
        child = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
                "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n",
                "FROM python:3.12-slim\nRUN apt-get update\n",
                "FROM rockylinux:9\nRUN dnf install -y git && microdnf clean all\n",
                "FROM fedora\nRUN yum install -y git\n",
                // Unknown images and flavours.
                "FROM myorg/base:1\nRUN apk add curl\n",
                "FROM openjdk:17\nRUN microdnf install git\n",
                "FROM $BASE\nRUN apk add curl\n",
                // Scripts for several distributions.
                "FROM alpine\nRUN if command -v apt-get; then apt-get install -y curl; else apk add curl; fi\n",
                "FROM debian\nRUN apk add curl || apt-get install -y curl\n",
                "FROM debian\nRUN which apk && apk add curl || true\n",
                "FROM debian\nRUN case \"$ID\" in alpine) apk add curl ;; esac\n",
                "FROM debian\nONBUILD RUN apk add curl\n",
            ],
            &[
                "FROM python:3.12-alpine\nRUN ⟦apt-get install -y gcc⟧\n",
                "FROM node:22\nRUN ⟦apk add --no-cache git⟧\n",
                "FROM ubuntu:24.04\nRUN ⟦yum install -y git⟧\n",
                "FROM debian:12\nRUN set -eux; ⟦dnf install -y git⟧\n",
                "FROM alpine AS base\nFROM base AS build\nRUN ⟦apt-get update⟧\n",
                "ARG TAG=3.12-alpine\nFROM python:${TAG}\nRUN ⟦apt-get update⟧\n",
                "FROM eclipse-temurin:21-jre\nRUN ⟦apk add curl⟧\n",
                "FROM golang:1.22-bookworm\nRUN ⟦zypper install -y git⟧\n",
            ],
            &[],
        );
    }
}
