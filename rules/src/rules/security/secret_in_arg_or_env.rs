//! ## What it does
//! Checks for `ARG` and `ENV` names that look like they hold a secret: a
//! list of well-known credential variables (`AWS_SECRET_ACCESS_KEY`,
//! `GITHUB_TOKEN`, `NPM_TOKEN`…) and names containing `api_key`,
//! `client_key`, `password`, `private`, `secret`, `token` or `username`.
//!
//! ## Why is this bad?
//! Neither is a safe place for a secret. `ENV` values are stored in the
//! image configuration, readable by anyone who can pull the image
//! (`docker inspect`). A build argument's value is recorded in the image
//! history and build provenance of every layer whose `RUN` uses it. Pass
//! secrets to the build with a secret mount, which leaves no trace in the
//! image, and to containers at run time.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22
//! ARG NPM_TOKEN
//! RUN npm ci
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22
//! RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
//! ```
//!
//! ## Notes
//! Each suspicious name is reported at its key (hadolint reports the
//! instruction once). dockside leaves out names that hadolint reports but
//! that do not hold a secret:
//! - names ending in `_FILE`, `_PATH` or `_DIR`, which point to where a
//!   secret lives (`POSTGRES_PASSWORD_FILE=/run/secrets/db`), the pattern
//!   recommended instead of the secret itself;
//! - switches that only mention a secret: names starting with `ALLOW_`,
//!   `ENABLE_`, `DISABLE_`, `SKIP_` or `REQUIRE_` (`ALLOW_EMPTY_PASSWORD`);
//! - the account name of the image's own user, `USERNAME` or `USER_NAME`
//!   (`ARG USERNAME=vscode` in dev containers), which names a user and
//!   grants nothing;
//! - `token` as part of `tokenizer`/`tokenise…` (`TOKENIZERS_PARALLELISM`);
//! - an `ENV` set to an empty value (`ENV DB_PASSWORD=""`), which declares
//!   a run-time setting and stores nothing. An `ARG` is reported even
//!   without a default: its value comes with the build.
//!
//! BuildKit's `SecretsUsedInArgOrEnv` check covers the same problem with a
//! different word list; both names select this rule.

use crate::diagnostic::{Category, Severity};
use crate::engine::{Context, Rule};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{FixAvailability, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "secret-in-arg-or-env",
        aliases: &["DL3064", "SecretsUsedInArgOrEnv"],
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "`ARG`/`ENV` name looks like a secret, which the image would keep",
        source: include_str!("secret_in_arg_or_env.rs"),
        path: "rules/src/rules/security/secret_in_arg_or_env.rs",
        enabled_by_default: true,
    },
    kinds: &[InstructionKind::Arg, InstructionKind::Env],
    in_onbuild: true,
    check_instruction: Some(check),
    check_document: None,
};

/// Well-known credential variables, matched whole and ignoring case.
const KNOWN_NAMES: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// Parts of a name that suggest a secret, matched anywhere ignoring case.
const SUSPICIOUS: &[&str] = &["api_key", "client_key", "password", "private", "secret", "token", "username"];

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    for pair in &ins.pairs {
        if pair.key.has_expansion() {
            continue;
        }
        let name = pair.key.value();
        if !looks_secret(&name) {
            continue;
        }
        // `ENV DB_PASSWORD=""` documents a run-time setting and stores nothing.
        // (The model gives a legacy `ENV KEY value` without variables no parts.)
        let empty = pair.value.as_ref().is_none_or(|v| {
            let text = if pair.legacy && v.parts.is_empty() { v.raw.clone() } else { v.value() };
            !v.has_expansion() && text.trim().is_empty()
        });
        if ins.kind == InstructionKind::Env && empty {
            continue;
        }
        let message = if ins.kind == InstructionKind::Arg {
            format!(
                "`{name}` looks like a secret: build arguments are recorded in the image history; use a secret mount (`RUN --mount=type=secret`)"
            )
        } else {
            format!(
                "`{name}` looks like a secret: ENV values are stored in the image; use a secret mount (`RUN --mount=type=secret`) or set it at run time"
            )
        };
        ctx.report(pair.key.range, message);
    }
}

fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if KNOWN_NAMES.contains(&upper.as_str()) {
        return true;
    }
    if is_exempt(&upper) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    SUSPICIOUS.iter().any(|s| {
        lower.match_indices(s).any(|(i, _)| {
            // `TOKENIZERS_PARALLELISM` is about text tokenizers.
            let after = &lower[i + s.len()..];
            !(*s == "token" && (after.starts_with("iz") || after.starts_with("is")))
        })
    })
}

/// Names that mention a secret without holding one (see the Notes).
fn is_exempt(upper: &str) -> bool {
    let words: Vec<&str> = upper.split('_').collect();
    let last = words.last().copied().unwrap_or("");
    let first = words.first().copied().unwrap_or("");
    matches!(last, "FILE" | "PATH" | "DIR")
        || (words.len() > 1 && matches!(first, "ALLOW" | "ENABLE" | "DISABLE" | "SKIP" | "REQUIRE"))
        || matches!(upper, "USERNAME" | "USER_NAME")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nARG VERSION=1\nENV PATH=/x:$PATH\n",
                "FROM alpine\nENV POSTGRES_PASSWORD_FILE=/run/secrets/db\n",
                "FROM alpine\nENV ALLOW_EMPTY_PASSWORD=no\n",
                "FROM alpine\nARG USERNAME=vscode\n",
                "FROM alpine\nENV TOKENIZERS_PARALLELISM=false\n",
                "FROM alpine\nENV SECRETS_DIR=/run/secrets\n",
                "FROM alpine\nENV DB_PASSWORD=\"\" SMTP_TOKEN=\n",
                "FROM alpine\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n",
            ],
            &[
                "FROM node\nARG ⟦NPM_TOKEN⟧\n",
                "FROM node\nENV A=1 ⟦DB_PASSWORD⟧=x\n",
                "FROM node\nENV ⟦github_token⟧ abc\n",
                "FROM node\nARG ⟦STRIPE_DEVICE_NAME⟧\n",
                "FROM node\nARG ⟦MY_API_KEY⟧=1\n",
                "FROM node\nARG ⟦PRIVATE_KEY⟧\n",
                "FROM node\nARG ⟦DB_PASSWORD⟧=\n",
                "FROM node\nENV ⟦DB_PASSWORD⟧=$DB\n",
                "FROM node\nARG ⟦GIT_USERNAME⟧\n",
                "FROM node\nENV ⟦TOKEN_IZ⟧=1 \\\n  X=2\n",
                "ARG ⟦AWS_SECRET_ACCESS_KEY⟧\nFROM node\n",
                "FROM node\nONBUILD ARG ⟦NPM_TOKEN⟧\n",
                "FROM node\nENV ⟦SECRET_FILE_CONTENT⟧=x\n",
            ],
            &[],
        );
    }
}
