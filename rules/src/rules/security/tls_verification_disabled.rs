//! ## What it does
//! Checks for downloads and package managers told not to verify TLS
//! certificates: `curl -k`/`--insecure`, `--no-check-certificate` (`wget`,
//! `apk`), `pip --trusted-host`, `npm`/`yarn config set strict-ssl false`,
//! `git config http.sslVerify false` (or `git -c http.sslVerify=false`),
//! `yum`/`dnf --setopt=sslverify=0`, `conda config --set ssl_verify false`,
//! APT's `Acquire::https::Verify-Peer "false"` (as `-o` or written to a
//! configuration file), `insecure` written to `.curlrc`,
//! `check_certificate = off` written to `.wgetrc`,
//! and the variables `NODE_TLS_REJECT_UNAUTHORIZED=0`,
//! `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST` and
//! `NPM_CONFIG_STRICT_SSL=false`, whether set by `ENV`, `ARG` or in a
//! `RUN` command.
//!
//! ## Why is this bad?
//! Without certificate verification, anyone on the network path (a proxy,
//! a compromised router, a DNS hijack) can answer in the server's place,
//! and the build installs what they send. Set in `ENV`, the switch also
//! stays on in every container run from the image. When a server's
//! certificate is not trusted, add its CA certificate to the image's trust
//! store instead.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSLk -o /tmp/tool.tgz https://example.com/tool.tgz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! COPY corp-ca.crt /usr/local/share/ca-certificates/
//! RUN update-ca-certificates \
//!  && curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz
//! ```
//!
//! ## Fix safety
//! When the switch is a flag standing alone (`-k`, `--insecure`,
//! `--no-check-certificate`), the fix deletes it; in a cluster of curl
//! options (`-fsSLk`), it deletes the `k`. It is unsafe: the
//! download then fails if the server's certificate is not trusted by the
//! image, which the Dockerfile must then fix properly.

use crate::model::{Instruction, InstructionKind, ShellArg, ShellCommand, ShellScript};
use crate::rule::{Context, declare_rule};

use super::support::{assignments, declarations, delete_arg_fix, pair_value, replace_arg_fix};

declare_rule! {
    /// TLS certificate verification is turned off
    name: "tls-verification-disabled", category: Security, severity: Warning, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run, Env, Arg], in_onbuild: true, check_instruction: check,
}

const ADVICE: &str =
    "anyone on the network path can answer in the server's place; add the server's CA certificate to the image instead";

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    if ins.kind != InstructionKind::Run {
        for pair in &ins.pairs {
            if pair.key.has_expansion() {
                continue;
            }
            let value = pair_value(pair);
            if let Some(what) = variable_disables(&pair.key.value(), &value) {
                ctx.report(pair.range, format!("{what} turns off TLS certificate verification: {ADVICE}"));
            }
        }
        return;
    }
    let Some(script) = ins.script() else { return };
    for a in declarations(script) {
        if let Some(what) = variable_disables(&a.name, &a.value) {
            ctx.report(a.range, format!("{what} turns off TLS certificate verification: {ADVICE}"));
        }
    }
    for cmd in &script.commands {
        if let Some((arg, what)) = written_setting(script, cmd) {
            ctx.report(arg.range, format!("{what} turns off TLS certificate verification: {ADVICE}"));
        }
        for a in assignments(cmd) {
            if let Some(what) = variable_disables(&a.name, &a.value) {
                ctx.report(a.range, format!("{what} turns off TLS certificate verification: {ADVICE}"));
            }
        }
        let Some((arg, what, removal)) = insecure_option(cmd) else { continue };
        let fix = match removal {
            Removal::Argument => delete_arg_fix(ctx.doc, ins, arg, format!("Remove `{}`", arg.text)),
            Removal::Letter(i) => {
                let mut rest = arg.text.clone();
                rest.remove(i);
                replace_arg_fix(ctx.doc, ins, arg, &rest, format!("Remove `k` from `{}`", arg.text))
            }
            Removal::None => None,
        };
        let d = ctx.report(arg.range, format!("{what} turns off TLS certificate verification: {ADVICE}"));
        if let Some(fix) = fix {
            d.with_fix(fix);
        }
    }
}

fn is_false(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().trim_matches(['"', '\'']), "false" | "0" | "no" | "off")
}

/// What a variable assignment turns off, if anything.
fn variable_disables(name: &str, value: &str) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    let value = value.trim();
    let set = !value.is_empty() && !value.starts_with('$');
    let off = match upper.as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => value == "0",
        "NPM_CONFIG_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL" => is_false(value),
        "GIT_SSL_NO_VERIFY" => set && !is_false(value),
        "PIP_TRUSTED_HOST" => set,
        _ => false,
    };
    off.then(|| format!("`{name}={value}`"))
}

/// `echo insecure >> ~/.curlrc`, `echo 'check_certificate = off' >>
/// ~/.wgetrc`, `echo 'Acquire::https::Verify-Peer "false";' > /etc/apt/…`:
/// a configuration line written by `echo`/`printf`.
fn written_setting<'a>(script: &ShellScript, cmd: &'a ShellCommand) -> Option<(&'a ShellArg, String)> {
    if !matches!(cmd.base_name(), "echo" | "printf") {
        return None;
    }
    // Finding the redirection walks the bash tree (costly in a RUN of
    // thousands of commands): only for arguments that could be a setting.
    let candidate = |a: &ShellArg| {
        let l = a.text.to_ascii_lowercase();
        ["insecure", "-k", "check", "acquire"].iter().any(|w| l.contains(w))
    };
    if !cmd.args.iter().any(candidate) {
        return None;
    }
    let target = redirect_target(script, cmd).unwrap_or_default();
    cmd.args.iter().find_map(|a| {
        let l = a.text.to_ascii_lowercase();
        let compact: String = l.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';')).collect();
        let what = if target.ends_with(".curlrc") && matches!(l.trim(), "insecure" | "-k" | "--insecure") {
            "`insecure` in `.curlrc`"
        } else if target.ends_with(".wgetrc")
            && matches!(compact.as_str(), "check_certificate=off" | "check-certificate=off")
        {
            "`check_certificate = off` in `.wgetrc`"
        } else if compact.starts_with("acquire::https")
            && (compact.contains("verify-peerfalse") || compact.contains("verify-hostfalse"))
        {
            "APT's `Acquire::https::Verify-Peer \"false\"`"
        } else {
            return None;
        };
        Some((a, what.to_string()))
    })
}

/// The file a command's output is written to (`> file`, `>> file`).
fn redirect_target(script: &ShellScript, cmd: &ShellCommand) -> Option<String> {
    let node = script.node_of(cmd)?;
    let parent = node.parent().filter(|p| p.kind() == "redirected_statement")?;
    let mut cursor = parent.walk();
    let redirect = parent.children(&mut cursor).find(|c| c.kind() == "file_redirect")?;
    let destination = redirect.child_by_field_name("destination")?;
    Some(script.text[destination.byte_range()].trim_matches(['"', '\'']).to_string())
}

/// How to undo a switch by editing its argument.
enum Removal {
    /// Delete the argument (`-k`, `--insecure`).
    Argument,
    /// Delete the letter at this byte offset from a cluster (`-fsSLk`).
    Letter(usize),
    None,
}

/// curl's short options that take a value: in a cluster, what follows one
/// of them is its value (`-ok` writes to a file named `k`).
const CURL_VALUE_OPTIONS: &str = "oHduxXAebcCDEFKmPQrTtUwyYz";

/// The offset of `k` in a cluster of curl short options, if it is an option.
fn curl_k(arg: &str) -> Option<usize> {
    let cluster = arg.strip_prefix('-').filter(|c| !c.starts_with('-'))?;
    for (i, c) in cluster.char_indices() {
        if c == 'k' {
            return Some(i + 1);
        }
        if !c.is_ascii_alphanumeric() || CURL_VALUE_OPTIONS.contains(c) {
            return None;
        }
    }
    None
}

/// The argument of `cmd` that turns verification off, a description, and
/// how to undo it.
fn insecure_option(cmd: &ShellCommand) -> Option<(&ShellArg, String, Removal)> {
    let name = cmd.base_name();
    let args = &cmd.args;
    let lower = |a: &ShellArg| a.text.to_ascii_lowercase();
    let next_is_false = |i: usize| args.get(i + 1).is_some_and(|n| is_false(&n.text));
    // Flags any tool spells the same way.
    if let Some(a) = args.iter().find(|a| a.text == "--no-check-certificate") {
        return Some((a, format!("`{name} --no-check-certificate`"), Removal::Argument));
    }
    match name {
        "curl" => {
            let a = args
                .iter()
                .find(|a| a.text == "--insecure" || a.text == "--proxy-insecure" || curl_k(&a.text).is_some())?;
            let removal = match (a.text.as_str(), curl_k(&a.text)) {
                ("-k" | "--insecure" | "--proxy-insecure", _) => Removal::Argument,
                (_, Some(i)) => Removal::Letter(i),
                _ => Removal::None,
            };
            Some((a, format!("`curl {}`", a.text), removal))
        }
        "git" => {
            for (i, a) in args.iter().enumerate() {
                let l = lower(a);
                let key_off = l.starts_with("http.") && l.ends_with(".sslverify") && next_is_false(i);
                let inline_off = l.starts_with("http.")
                    && l.split_once('=').is_some_and(|(k, v)| k.ends_with(".sslverify") && is_false(v));
                if key_off || inline_off {
                    return Some((a, "`git` with `http.sslVerify` off".to_string(), Removal::None));
                }
            }
            None
        }
        "npm" | "yarn" | "pnpm" => {
            for (i, a) in args.iter().enumerate() {
                let l = lower(a);
                let key_off = matches!(l.as_str(), "strict-ssl" | "enablestrictssl") && next_is_false(i);
                let inline_off =
                    l.trim_start_matches('-').split_once('=').is_some_and(|(k, v)| k == "strict-ssl" && is_false(v));
                if key_off || inline_off || l == "--no-strict-ssl" {
                    return Some((a, format!("`{name}` with `strict-ssl` off"), Removal::None));
                }
            }
            None
        }
        "conda" | "mamba" | "micromamba" => {
            let (i, a) = args.iter().enumerate().find(|(_, a)| a.text == "ssl_verify")?;
            next_is_false(i).then(|| (a, format!("`{name}` with `ssl_verify` off"), Removal::None))
        }
        "apt-get" | "apt" => {
            let a = args.iter().enumerate().find_map(|(i, a)| {
                let option = if a.text == "-o" { args.get(i + 1)? } else { a };
                let l = lower(option);
                let setting = l.strip_prefix("-o").unwrap_or(&l).to_string();
                let (key, value) = setting.split_once('=')?;
                (key.starts_with("acquire::https")
                    && (key.ends_with("verify-peer") || key.ends_with("verify-host"))
                    && is_false(value))
                .then_some(option)
            })?;
            Some((a, format!("`{name} -o {}`", a.text.trim_start_matches("-o")), Removal::None))
        }
        "yum" | "dnf" | "microdnf" | "tdnf" => {
            let a = args.iter().find(|a| {
                lower(a)
                    .strip_prefix("--setopt=")
                    .and_then(|o| o.split_once('='))
                    .is_some_and(|(k, v)| (k == "sslverify" || k.ends_with(".sslverify")) && is_false(v))
            })?;
            Some((a, format!("`{name} {}`", a.text), Removal::None))
        }
        _ => {
            let pip = name.starts_with("pip")
                || (name.starts_with("python")
                    && args.windows(2).any(|w| w[0].text == "-m" && w[1].text.starts_with("pip")))
                || name == "uv";
            if !pip {
                return None;
            }
            let a = args.iter().find(|a| {
                let l = lower(a);
                l == "--trusted-host"
                    || l.starts_with("--trusted-host=")
                    || l.starts_with("--allow-insecure-host")
                    || l.ends_with(".trusted-host")
            })?;
            Some((a, format!("`{name} {}`", a.text), Removal::None))
        }
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
                "FROM debian\nRUN curl -fsSL -o /x https://x\n",
                "FROM debian\nRUN wget -k -r https://x\n",
                "FROM debian\nRUN pip install --index-url https://x flask\n",
                "FROM debian\nRUN npm config set strict-ssl true\n",
                "FROM debian\nRUN git config --global http.sslVerify true\n",
                "FROM debian\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1\n",
                "FROM debian\nENV GIT_SSL_NO_VERIFY=false PIP_TRUSTED_HOST=\n",
                "FROM debian\nRUN dnf --setopt=sslverify=1 install -y x\n",
                "FROM debian\nRUN ssh-keygen -t rsa -k\n",
                "FROM debian\nRUN curl -sok https://x\n",
                "FROM debian\nRUN echo insecure > /tmp/notes.txt\n",
                "FROM debian\nRUN echo 'Acquire::https::Verify-Peer \"true\";' > /etc/apt/apt.conf.d/x\n",
                "FROM debian\nENV NODE_TLS_REJECT_UNAUTHORIZED 1\n",
            ],
            &[
                "FROM debian\nRUN curl -fsSL ⟦-k⟧ -o /x https://x\n",
                "FROM debian\nRUN curl ⟦-fsSLk⟧ https://x\n",
                "FROM debian\nRUN curl ⟦--insecure⟧ https://x\n",
                "FROM debian\nRUN wget ⟦--no-check-certificate⟧ https://x\n",
                "FROM alpine\nRUN apk add ⟦--no-check-certificate⟧ curl\n",
                "FROM debian\nRUN pip install ⟦--trusted-host⟧ pypi.org flask\n",
                "FROM debian\nRUN python3 -m pip install ⟦--trusted-host=pypi.org⟧ flask\n",
                "FROM debian\nRUN pip config set ⟦global.trusted-host⟧ pypi.org\n",
                "FROM node\nRUN npm config set ⟦strict-ssl⟧ false\n",
                "FROM node\nRUN yarn config set ⟦strict-ssl⟧ false\n",
                "FROM node\nRUN npm install ⟦--strict-ssl=false⟧\n",
                "FROM debian\nRUN git config --global ⟦http.sslVerify⟧ false\n",
                "FROM debian\nRUN git -c ⟦http.sslVerify=false⟧ clone https://x\n",
                "FROM fedora\nRUN dnf ⟦--setopt=sslverify=false⟧ install -y x\n",
                "FROM debian\nRUN conda config --set ⟦ssl_verify⟧ false\n",
                "FROM node\nENV ⟦NODE_TLS_REJECT_UNAUTHORIZED=0⟧\n",
                "FROM node\nENV ⟦NODE_TLS_REJECT_UNAUTHORIZED 0⟧\n",
                "FROM python\nENV ⟦PYTHONHTTPSVERIFY=0⟧\n",
                "FROM debian\nARG ⟦GIT_SSL_NO_VERIFY=1⟧\n",
                "FROM debian\nENV ⟦PIP_TRUSTED_HOST=pypi.org⟧\n",
                "FROM debian\nRUN ⟦GIT_SSL_NO_VERIFY=true git clone https://x⟧\n",
                "FROM debian\nRUN export ⟦NODE_TLS_REJECT_UNAUTHORIZED=0⟧ && npm ci\n",
                "FROM debian\nRUN ⟦GIT_SSL_NO_VERIFY=1⟧; git clone https://x\n",
                "FROM debian\nRUN echo ⟦insecure⟧ >> ~/.curlrc\n",
                "FROM debian\nRUN echo ⟦'check_certificate = off'⟧ >> /root/.wgetrc\n",
                "FROM debian\nRUN echo ⟦'Acquire::https::Verify-Peer \"false\";'⟧ > /etc/apt/apt.conf.d/99insecure\n",
                "FROM debian\nRUN apt-get -o ⟦Acquire::https::Verify-Peer=false⟧ update\n",
                "FROM debian\nONBUILD RUN curl ⟦-k⟧ https://x\n",
            ],
            &[
                ("FROM debian\nRUN curl -fsSL -k -o /x https://x\n", "FROM debian\nRUN curl -fsSL -o /x https://x\n"),
                ("FROM debian\nRUN wget --no-check-certificate https://x\n", "FROM debian\nRUN wget https://x\n"),
                ("FROM debian\nRUN curl -fsSLk https://x\n", "FROM debian\nRUN curl -fsSL https://x\n"),
                ("FROM debian\nRUN curl -kfsSL https://x\n", "FROM debian\nRUN curl -fsSL https://x\n"),
                (
                    "FROM debian\nRUN [\"curl\", \"-k\", \"https://x\"]\n",
                    "FROM debian\nRUN [\"curl\", \"-k\", \"https://x\"]\n",
                ),
            ],
        );
    }

    /// Unsafe: a certificate the image does not trust then fails the download.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[("FROM debian\nRUN curl -fsSL -k -o /x https://x\n", "FROM debian\nRUN curl -fsSL -k -o /x https://x\n")],
        );
    }
}
