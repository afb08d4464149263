//! ## What it does
//! Checks for `ARG` and `ENV` names that look like they hold a secret: a
//! list of well-known credential variables (`AWS_SECRET_ACCESS_KEY`,
//! `GITHUB_TOKEN`, `NPM_TOKEN`…) and names with one of the words `apikey`,
//! `credential(s)`, `passphrase`, `password(s)`, `passwd`, `pword`,
//! `secret(s)` or `token(s)`, or `key` right after `api`, `client`,
//! `private` or `secret` (`MY_API_KEY`, `privateKey`). Words are the parts
//! of the name between `_`, `-` and `.`, and camel-case humps.
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
//! - user names (`POSTGRESQL_USERNAME`, `ARG USERNAME=vscode`), account
//!   ids, e-mail addresses and URLs, which name something and grant
//!   nothing;
//! - a secret word inside a longer word (`TOKENIZERS_PARALLELISM`);
//! - names with the word `public` (`PUBLIC_KEY`, `NEXT_PUBLIC_TOKEN`), as
//!   BuildKit does;
//! - an `ENV` set to an empty value (`ENV DB_PASSWORD=""`), which declares
//!   a run-time setting and stores nothing. An `ARG` is reported even
//!   without a default: its value comes with the build.
//!
//! BuildKit's `SecretsUsedInArgOrEnv` check covers the same problem and
//! matches whole words too, but it also takes `key` and `auth` alone;
//! dockside does not, as those are mostly public key fingerprints and
//! settings (`GPG_KEY`, `RABBITMQ_PGP_KEY_ID`, `AUTH_TYPE`). Both names
//! select this rule; a `# check=skip=SecretsUsedInArgOrEnv` is judged by
//! BuildKit's word list (`unused-suppression`).

use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ARG`/`ENV` name looks like a secret, which the image would keep
    name: "secret-in-arg-or-env", aliases: ["DL3064", "SecretsUsedInArgOrEnv"], category: Security,
    severity: Warning,
    kinds: [Arg, Env], in_onbuild: true, check_instruction: check,
}

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
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "DOCKERHUB_PASSWORD",
    "DOCKER_PASSWORD",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// Words of a name that suggest a secret, matched whole and ignoring case.
const SECRET_WORDS: &[&str] = &[
    "apikey",
    "credential",
    "credentials",
    "passphrase",
    "password",
    "passwords",
    "passwd",
    "pword",
    "secret",
    "secrets",
    "token",
    "tokens",
];

/// Words that make a following `key` a secret one (`API_KEY`, `PRIVATE_KEY`).
const KEY_KINDS: &[&str] = &["api", "client", "private", "secret"];

/// BuildKit's `SecretsUsedInArgOrEnv` words, matched whole between `_`s
/// (names with the word `public` excepted).
const BUILDKIT_WORDS: &[&str] =
    &["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"];

/// True when BuildKit's `SecretsUsedInArgOrEnv` reports an `ARG`/`ENV`
/// named `name`.
pub(crate) fn buildkit_reports(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').collect();
    !words.contains(&"public") && words.iter().any(|w| BUILDKIT_WORDS.contains(w))
}

/// The words of a name: split at `_`, `-`, `.` and where a lower-case
/// letter or digit is followed by an upper-case one, lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.') {
            out.push(std::mem::take(&mut current));
        } else {
            if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        }
        previous = Some(c);
    }
    out.push(current);
    out.retain(|w| !w.is_empty());
    out
}

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
    let words = words(name);
    if words.iter().any(|w| w == "public") {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words.windows(2).any(|p| p[1] == "key" && KEY_KINDS.contains(&p[0].as_str()))
}

/// Names that mention a secret without holding one (see the Notes).
fn is_exempt(upper: &str) -> bool {
    let words: Vec<&str> = upper.split('_').collect();
    let last = words.last().copied().unwrap_or("");
    let first = words.first().copied().unwrap_or("");
    matches!(last, "FILE" | "PATH" | "DIR")
        || (words.len() > 1 && matches!(first, "ALLOW" | "ENABLE" | "DISABLE" | "SKIP" | "REQUIRE"))
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
                // User names, ids and fingerprints grant nothing.
                "FROM bitnami/minideb:bookworm\nENV POSTGRESQL_USERNAME=postgres \\\n    WORDPRESS_USERNAME=user\n",
                "FROM node\nARG GIT_USERNAME\n",
                "FROM node\nARG STRIPE_DEVICE_NAME TRAVIS_OS_NAME DOCKER_EMAIL FACEBOOK_APP_ID\n",
                "FROM node\nENV GPG_KEY=0123ABCD RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA\n",
                "FROM node\nENV AUTH_TYPE=basic NEXT_PUBLIC_API_KEY=pk_1 PUBLIC_KEY=x\n",
                "FROM node\nENV PASSWORDLESS=1 SECRETARY=x\n",
            ],
            &[
                "FROM node\nARG ⟦NPM_TOKEN⟧\n",
                "FROM node\nENV A=1 ⟦DB_PASSWORD⟧=x\n",
                "FROM node\nENV ⟦github_token⟧ abc\n",
                "FROM node\nARG ⟦DB_PASSWD⟧ ⟦dbPassword⟧ ⟦GPG_PASSPHRASE⟧ ⟦GCP_CREDENTIALS⟧ ⟦OPENAI_APIKEY⟧\n",
                "FROM node\nARG ⟦SSH_PRIVATE_KEY⟧ ⟦CLIENT_SECRETS⟧ ⟦app.secret⟧\n",
                "FROM node\nARG ⟦MY_API_KEY⟧=1\n",
                "FROM node\nARG ⟦PRIVATE_KEY⟧\n",
                "FROM node\nARG ⟦DB_PASSWORD⟧=\n",
                "FROM node\nENV ⟦DB_PASSWORD⟧=$DB\n",
                "FROM node\nENV ⟦TOKEN_IZ⟧=1 \\\n  X=2\n",
                "ARG ⟦AWS_SECRET_ACCESS_KEY⟧\nFROM node\n",
                "FROM node\nONBUILD ARG ⟦NPM_TOKEN⟧\n",
                "FROM node\nENV ⟦SECRET_FILE_CONTENT⟧=x\n",
            ],
            &[],
        );
    }
}

#[cfg(test)]
mod buildkit_tests {
    #[test]
    fn buildkit_words() {
        assert!(super::buildkit_reports("RABBITMQ_PGP_KEY_ID"));
        assert!(super::buildkit_reports("gpg_key"));
        assert!(super::buildkit_reports("AUTH"));
        assert!(!super::buildkit_reports("PUBLIC_KEY"));
        assert!(!super::buildkit_reports("POSTGRESQL_USERNAME"));
        assert!(!super::buildkit_reports("KEYS"));
        assert!(!super::buildkit_reports("dbPassword"));
    }
}
