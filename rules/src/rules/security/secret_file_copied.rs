//! ## What it does
//! Checks for `COPY` and `ADD` of files that usually hold credentials into
//! the image: `.env` files, SSH keys (`id_rsa`, `id_ed25519`…, or a whole
//! `.ssh` folder), `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
//! `.pgpass`, `.dockercfg`, `.docker/config.json`, `.aws` credentials,
//! `.kube/config`, `credentials.json` and private keys in PEM files
//! (`key.pem`, `privkey.pem`, `server-key.pem`).
//!
//! ## Why is this bad?
//! A copied file stays in its layer for good: deleting it in a later
//! `RUN` only hides it, and anyone who pulls the image can extract it.
//! Files a build step needs only while it runs (a registry token, a
//! deploy key) should be mounted for that step with
//! `RUN --mount=type=secret` (or `--mount=type=ssh` for SSH keys), which
//! leaves nothing in the image.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! COPY .npmrc package.json package-lock.json ./
//! RUN npm ci
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! COPY package.json package-lock.json ./
//! RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
//! ```
//!
//! ## Notes
//! Only the stages whose layers ship are checked: the final stage and the
//! stages it is built `FROM`. A build stage that copies `.npmrc` to
//! install private packages does not leak it unless its files are copied
//! over, though a secret mount is still the better habit. `COPY --from`
//! is not checked, nor are wildcards (`*.env`), template files
//! (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`…), public
//! keys (`id_rsa.pub`) and PEM certificates (`ca.pem`, `cert.pem`). A
//! `COPY . .` copies such files too when they sit in the build context;
//! the rule cannot see that, so list them in `.dockerignore`.

use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

use super::support::final_chain;

declare_rule! {
    /// A file that usually holds credentials is copied into the image
    name: "secret-file-copied", category: Security, severity: Warning,
    reads: Kinds([Copy, Add]), check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    // A fragment without FROM: its instructions are the image.
    let image: Vec<&[Instruction]> = match doc.stages.is_empty() {
        true => vec![doc.prelude()],
        false => final_chain(doc).iter().map(|s| s.instructions(doc)).collect(),
    };
    for ins in image.into_iter().flatten() {
        let ins = ins.onbuild().unwrap_or(ins);
        check_copy(ins, ctx);
    }
}

fn check_copy(ins: &Instruction, ctx: &mut Context<'_>) {
    if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) || ins.flag("from").is_some() {
        return;
    }
    let Some((_, sources)) = ins.args.split_last() else { return };
    for source in sources {
        let path = source.value();
        let Some(what) = secret_file(&path) else { continue };
        let mount = if what.ssh { "`RUN --mount=type=ssh`" } else { "`RUN --mount=type=secret`" };
        ctx.report(
            source.range,
            format!(
                "`{path}` {}: copied files stay in the image's layers; mount it only for the step that needs it with {mount}",
                what.holds
            ),
        );
    }
}

struct SecretFile {
    holds: &'static str,
    ssh: bool,
}

/// What a source path usually holds, when that is a credential.
fn secret_file(path: &str) -> Option<SecretFile> {
    if path.contains(['*', '?', '[']) || path.contains("://") {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let secret = |holds| Some(SecretFile { holds, ssh: false });
    match name {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return Some(SecretFile { holds: "is an SSH private key", ssh: true });
        }
        ".ssh" => return Some(SecretFile { holds: "holds SSH keys", ssh: true }),
        ".npmrc" => return secret("usually holds registry tokens"),
        ".pypirc" => return secret("holds package index credentials"),
        ".netrc" | ".git-credentials" | ".pgpass" | ".dockercfg" => return secret("holds credentials"),
        ".aws" => return secret("holds cloud credentials"),
        ".env" => return secret("usually holds secrets"),
        _ => {}
    }
    if lower.ends_with(".docker/config.json")
        || lower.ends_with(".aws/credentials")
        || lower.ends_with(".kube/config")
        || name.ends_with("credentials.json")
    {
        return secret("holds credentials");
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        const TEMPLATES: &[&str] =
            &["example", "sample", "template", "tmpl", "tpl", "dist", "default", "defaults", "schema", "test"];
        return if TEMPLATES.contains(&suffix) { None } else { secret("usually holds secrets") };
    }
    if let Some(stem) = name.strip_suffix(".pem")
        && (stem.contains("key") || stem.contains("priv"))
        && !stem.contains("pub")
    {
        return secret("looks like a private key");
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM node\nCOPY package.json ./\n",
                "FROM node\nCOPY .env.example ./\n",
                "FROM node\nCOPY library-scripts/*.env /tmp/\n",
                "FROM node\nCOPY meta.env /usr/local/etc/\n",
                "FROM node\nCOPY id_rsa.pub /root/.ssh/authorized_keys\n",
                "FROM node\nCOPY ./ca.pem /etc/ssl/certs/\n",
                "FROM node\nCOPY jenkins.io-2026.key /war/jenkins-key.pub\n",
                "FROM node AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node\nCOPY --from=build /app /app\n",
                "FROM node AS build\nFROM node\nCOPY --from=build /root/.npmrc /x\n",
            ],
            &[
                "FROM node\nCOPY ⟦.npmrc⟧ package.json ./\n",
                "FROM node\nCOPY ⟦.env⟧ /app/\n",
                "FROM node\nCOPY ⟦./config/.env.production⟧ /app/\n",
                "FROM node\nADD ⟦id_rsa⟧ /root/.ssh/id_rsa\n",
                "FROM node\nCOPY ⟦.ssh/⟧ /root/.ssh/\n",
                "FROM python\nCOPY ⟦.pypirc⟧ /root/\n",
                "FROM python\nCOPY ⟦.git-credentials⟧ /root/\n",
                "FROM python\nCOPY ⟦certs/server-key.pem⟧ /etc/ssl/private/\n",
                "FROM python\nCOPY ⟦.aws/credentials⟧ /root/.aws/credentials\n",
                "FROM python\nCOPY [⟦\".netrc\"⟧, \"/root/\"]\n",
                "FROM node AS base\nCOPY ⟦.npmrc⟧ ./\nFROM base\nRUN npm ci\n",
                "FROM node\nONBUILD COPY ⟦.npmrc⟧ ./\n",
            ],
            &[],
        );
    }
}
