//! ## What it does
//! Checks `ENV`, `ARG` and `LABEL` values, `RUN`, `CMD` and `ENTRYPOINT`
//! command lines and the heredoc files of `COPY`/`ADD` for values that look like real
//! credentials, whatever their variable is called:
//! - tokens with a recognisable format: AWS access key IDs (`AKIA…`),
//!   GitHub (`ghp_…`, `github_pat_…`), GitLab (`glpat-…`), npm (`npm_…`),
//!   Slack (`xoxb-…`), Stripe (`sk_live_…`) and Google API keys (`AIza…`);
//! - private keys (`-----BEGIN … PRIVATE KEY-----`);
//! - passwords in URLs (`https://user:password@host`);
//! - credentials given to a command: an `Authorization:` (or
//!   `PRIVATE-TOKEN:`, `X-API-Key:`) header, npm's `_authToken=`/`_auth=`/
//!   `_password=`, and `--password`/`--token` options with a literal value.
//!
//! ## Why is this bad?
//! Everything written in a Dockerfile ships with the image: `ENV`,
//! `LABEL`, `CMD` and `ENTRYPOINT` values sit in its configuration, build arguments and every
//! `RUN` command line in its history (`docker history`), heredoc files in
//! its layers. Anyone who can pull the image, or read the Dockerfile, has
//! the credential. Pass secrets to the build with a secret mount, which
//! leaves no trace, and to containers at run time.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! RUN wget --header "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0" https://example.com/pkg.tgz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN --mount=type=secret,id=api_token,env=API_TOKEN \
//!     wget --header "Authorization: Bearer $API_TOKEN" https://example.com/pkg.tgz
//! ```
//!
//! ## Notes
//! This rule looks at values; `secret-in-arg-or-env` looks at names and
//! keeps BuildKit's `SecretsUsedInArgOrEnv` semantics. Values that are
//! variables (`$TOKEN`, `${TOKEN}`), empty, or placeholders (`changeme`,
//! `password`, `xxxx`, `<token>`, `…EXAMPLE`, the user name repeated as
//! password, a token made of a few repeated characters) are not reported.
//! Messages show only the first characters of the value.

use crate::diagnostic::TextRange;
use crate::model::{Instruction, InstructionKind};
use crate::rule::{Context, declare_rule};

use super::support::{pair_value, redact};

declare_rule! {
    /// A credential is written in the Dockerfile and would ship with the image
    name: "hardcoded-secret", category: Security, severity: Error,
    kinds: [Env, Arg, Label, Run, Copy, Add, Cmd, Entrypoint], in_onbuild: true,
    check_instruction: check,
}

/// A value that looks like a credential.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Secret {
    pub kind: &'static str,
    pub value: String,
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let mut found: Vec<(TextRange, Secret)> = Vec::new();
    match ins.kind {
        InstructionKind::Env | InstructionKind::Arg | InstructionKind::Label => {
            for pair in &ins.pairs {
                let Some(v) = &pair.value else { continue };
                found.extend(scan(&pair_value(pair)).into_iter().map(|s| (v.range, s)));
            }
        }
        InstructionKind::Run => {
            if let Some(script) = ins.script() {
                for cmd in &script.commands {
                    for env in &cmd.env {
                        found.extend(scan(env).into_iter().map(|s| (cmd.range, s)));
                    }
                    let mut previous: Option<&str> = None;
                    for arg in &cmd.args {
                        let mut secrets = scan(&arg.text);
                        if let Some(flag) = previous
                            && is_secret_option(flag)
                            && is_literal(&arg.text)
                        {
                            secrets.push(Secret { kind: "password", value: arg.text.clone() });
                        }
                        found.extend(secrets.into_iter().map(|s| (arg.range, s)));
                        previous = Some(arg.text.as_str());
                    }
                }
            } else if let Some(json) = &ins.json {
                for (item, range) in &json.items {
                    found.extend(scan(item).into_iter().map(|s| (*range, s)));
                }
            }
        }
        InstructionKind::Cmd | InstructionKind::Entrypoint => {
            if let Some(json) = &ins.json {
                for (item, range) in &json.items {
                    found.extend(scan(item).into_iter().map(|s| (*range, s)));
                }
            } else if let Some(shell) = &ins.shell {
                found.extend(scan(&shell.text).into_iter().map(|s| (shell.range, s)));
            }
        }
        _ => {
            for heredoc in &ins.heredocs {
                found.extend(scan(&heredoc.body).into_iter().map(|s| (heredoc.body_range, s)));
            }
        }
    }
    let where_ = match ins.kind {
        InstructionKind::Env => "ENV values are stored in the image configuration",
        InstructionKind::Arg => "build arguments are recorded in the image history",
        InstructionKind::Label => "labels are stored in the image configuration",
        InstructionKind::Run => "RUN command lines are kept in the image history",
        InstructionKind::Cmd | InstructionKind::Entrypoint => "the command is stored in the image configuration",
        _ => "the file becomes part of the image",
    };
    // A secret inside `$(…)` is also part of the outer command's argument.
    let mut seen: Vec<String> = Vec::new();
    for (range, secret) in found {
        if seen.contains(&secret.value) {
            continue;
        }
        let message = format!(
            "`{}` looks like a {}: {where_}; pass it with a secret mount (`RUN --mount=type=secret`) instead",
            redact(&secret.value),
            secret.kind
        );
        seen.push(secret.value);
        ctx.report(range, message);
    }
}

/// Options whose next argument is a credential (`--password hunter2`).
fn is_secret_option(flag: &str) -> bool {
    matches!(flag, "--password" | "--passwd" | "--token" | "--api-key" | "--access-token" | "--auth-token")
}

/// Every credential-looking value in `text`.
pub(super) fn scan(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    // Single-character checks first (memchr): most arguments have none of
    // the marks a secret needs, and substring searches cost more to set up.
    if text.contains('-')
        && let Some(begin) = text.find("-----BEGIN ")
        && text[begin..].contains("PRIVATE KEY-----")
    {
        out.push(Secret { kind: "private key", value: text[begin..].chars().take(40).collect() });
    }
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        if let Some(kind) = token_kind(word) {
            out.push(Secret { kind, value: word.to_string() });
        }
    }
    if text.contains('@') {
        out.extend(url_passwords(text));
    }
    if text.contains([':', '=']) {
        out.extend(option_values(text));
    }
    out
}

/// Tokens whose format names their issuer.
fn token_kind(word: &str) -> Option<&'static str> {
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    let token = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let (kind, rest) = if let Some(rest) = ["AKIA", "ASIA"].iter().find_map(|p| word.strip_prefix(p)) {
        let ok = rest.len() == 16 && rest.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        (ok.then_some("AWS access key ID"), rest)
    } else if let Some(rest) = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().find_map(|p| word.strip_prefix(p)) {
        ((rest.len() >= 36 && alnum(rest)).then_some("GitHub token"), rest)
    } else if let Some(rest) = word.strip_prefix("github_pat_") {
        ((rest.len() >= 22 && token(rest)).then_some("GitHub token"), rest)
    } else if let Some(rest) = ["glpat-", "glrt-", "gldt-"].iter().find_map(|p| word.strip_prefix(p)) {
        ((rest.len() >= 20 && token(rest)).then_some("GitLab token"), rest)
    } else if let Some(rest) = word.strip_prefix("npm_") {
        ((rest.len() == 36 && alnum(rest)).then_some("npm token"), rest)
    } else if let Some(rest) = ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"].iter().find_map(|p| word.strip_prefix(p)) {
        ((rest.len() >= 20 && token(rest)).then_some("Slack token"), rest)
    } else if let Some(rest) = ["sk_live_", "rk_live_"].iter().find_map(|p| word.strip_prefix(p)) {
        ((rest.len() >= 20 && alnum(rest)).then_some("Stripe key"), rest)
    } else if let Some(rest) = word.strip_prefix("AIza") {
        ((rest.len() == 35 && token(rest)).then_some("Google API key"), rest)
    } else {
        return None;
    };
    kind.filter(|_| !is_placeholder(rest))
}

/// `scheme://user:password@host`.
fn url_passwords(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        from = start;
        let scheme_ok = text[..start - 3].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
        let authority_end =
            text[start..].find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"' || c == '\'');
        let authority = &text[start..start + authority_end.unwrap_or(text.len() - start)];
        let Some((userinfo, host)) = authority.rsplit_once('@') else { continue };
        let Some((user, password)) = userinfo.split_once(':') else { continue };
        if !scheme_ok || host.is_empty() || !is_literal(password) || password == user {
            continue;
        }
        out.push(Secret { kind: "password in a URL", value: format!("{user}:{password}") });
    }
    out
}

/// Credentials given as part of one argument: HTTP headers and npm's
/// `_authToken=` settings, `--password=…`.
fn option_values(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    for header in ["authorization:", "private-token:", "x-api-key:", "x-auth-token:", "x-jfrog-art-api:"] {
        if let Some(i) = lower.find(header) {
            let value = text[i + header.len()..].trim();
            if value.contains(['$', '`']) {
                continue;
            }
            // `Bearer <token>`, `token <token>`, `Basic <base64>`, or the token alone.
            let credential = value.split_whitespace().last().unwrap_or("");
            let credential = credential.trim_matches(['"', '\'']);
            if credential.len() >= 8 && is_literal(credential) {
                out.push(Secret { kind: "credential in an HTTP header", value: credential.to_string() });
            }
        }
    }
    for key in [":_authtoken=", ":_auth=", ":_password=", "--password=", "--token=", "--api-key="] {
        if let Some(i) = lower.find(key) {
            let value = text[i + key.len()..].split_whitespace().next().unwrap_or("").trim_matches(['"', '\'']);
            if is_literal(value) {
                out.push(Secret { kind: "credential", value: value.to_string() });
            }
        }
    }
    out
}

/// True for a value that is written out: not empty, not a variable, not a
/// placeholder.
fn is_literal(value: &str) -> bool {
    !value.is_empty()
        && !value.contains(['$', '{', '}', '<', '>', '%', '*', '`'])
        && !value.starts_with('-')
        && !is_placeholder(value)
}

/// Values people write in place of a secret.
fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "pass",
        "passwd",
        "password",
        "pwd",
        "secret",
        "changeme",
        "change_me",
        "changeit",
        "token",
        "user",
        "username",
        "test",
        "dummy",
        "none",
        "null",
        "foo",
        "bar",
        "...",
    ];
    const PARTS: &[&str] = &["example", "xxxx", "your", "placeholder", "changeme", "redacted", "dummy", "fake"];
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    WORDS.contains(&lower.as_str()) || PARTS.iter().any(|p| lower.contains(p)) || distinct.len() <= 2
}

#[cfg(test)]
mod tests {
    use super::scan;
    use crate::rules::test_support::assert_rule;

    #[test]
    fn finds_formats_and_skips_placeholders() {
        let kinds = |t: &str| scan(t).into_iter().map(|s| s.kind).collect::<Vec<_>>();
        assert_eq!(kinds("AKIA2E0A8F3B244C9986"), ["AWS access key ID"]);
        assert!(kinds("AKIAIOSFODNN7EXAMPLE").is_empty());
        assert_eq!(kinds("x=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"), ["GitHub token"]);
        assert!(kinds("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert_eq!(kinds("glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn"), ["GitLab token"]);
        assert_eq!(kinds("https://bob:s3cr3tP4ss@example.org/x"), ["password in a URL"]);
        assert!(kinds("https://bob:${PASS}@example.org/x").is_empty());
        assert!(kinds("postgres://postgres:postgres@db/app").is_empty());
        assert!(kinds("https://user:changeme@example.org").is_empty());
        assert!(kinds("https://example.org/a:b@c").is_empty());
        assert!(kinds("git@github.com:owner/repo.git").is_empty());
        assert_eq!(kinds("-----BEGIN OPENSSH PRIVATE KEY-----\nabc"), ["private key"]);
        assert!(kinds("-----BEGIN PUBLIC KEY-----").is_empty());
        assert_eq!(kinds("Authorization: Bearer 9f8e7d6c5b4a3928"), ["credential in an HTTP header"]);
        assert!(kinds("Authorization: Bearer $TOKEN").is_empty());
        assert_eq!(kinds("//registry.npmjs.org/:_authToken=npmT0kenValue1"), ["credential"]);
        assert!(kinds("//registry.npmjs.org/:_authToken=${NPM_TOKEN}").is_empty());
        assert!(kinds("PASSWORD_LENGTH=32").is_empty());
    }

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nENV DB_PASSWORD_FILE=/run/secrets/db PASSWORD_LENGTH=32\n",
                "FROM alpine\nARG GITHUB_TOKEN\nRUN git clone https://${GITHUB_TOKEN}@github.com/o/r\n",
                "FROM alpine\nRUN git clone https://oauth2:$TOKEN@gitlab.com/o/r\n",
                "FROM alpine\nENV DATABASE_URL=postgres://app:changeme@db/app\n",
                "FROM alpine\nRUN curl -H \"Authorization: Bearer $(cat /run/secrets/t)\" https://x\n",
                "FROM alpine\nRUN --mount=type=secret,id=t,env=T curl -H \"Authorization: token $T\" https://x\n",
                "FROM alpine\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
                "FROM alpine\nRUN docker login --password-stdin < /run/secrets/p\n",
                "FROM alpine\nRUN mysql --password=\"$MYSQL_ROOT_PASSWORD\" -e 'select 1'\n",
                "FROM alpine\nLABEL org.opencontainers.image.source=https://github.com/o/r\n",
                "FROM alpine\nCMD [\"app\", \"--db=postgres://app:${DB_PASSWORD}@db/app\"]\n",
            ],
            &[
                "FROM alpine\nENV GH=⟦ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5⟧\n",
                "FROM alpine\nARG KEY=⟦AKIA2E0A8F3B244C9986⟧\n",
                "FROM alpine\nENV legacy ⟦glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn⟧\n",
                "FROM alpine\nRUN git clone ⟦https://bob:s3cr3tP4ss@example.org/r.git⟧\n",
                "FROM alpine\nRUN curl -H ⟦\"Authorization: Bearer 9f8e7d6c5b4a3928\"⟧ https://x\n",
                "FROM alpine\nRUN npm config set ⟦//registry.npmjs.org/:_authToken=npmT0kenValue1⟧\n",
                "FROM alpine\nRUN docker login -u bob --password ⟦hunter22⟧ registry\n",
                "FROM alpine\nRUN ⟦PIP_INDEX_URL=https://bob:s3cr3tP4ss@pypi.example.org/simple pip install x⟧\n",
                "FROM alpine\nRUN echo ⟦\"$(echo ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5)\"⟧\n",
                "FROM alpine\nONBUILD ENV T=⟦ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5⟧\n",
                "FROM alpine\nCOPY <<EOF /root/.ssh/id_rsa\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nEOF\n",
                "FROM alpine\nRUN [\"curl\", \"-H\", ⟦\"Authorization: Bearer 9f8e7d6c5b4a3928\"⟧, \"https://x\"]\n",
                "FROM alpine\nCMD [\"app\", ⟦\"--db=postgres://app:s3cr3tP4ss@db/app\"⟧]\n",
                "FROM alpine\nENTRYPOINT ⟦app --token=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5⟧\n",
            ],
            &[],
        );
    }
}
