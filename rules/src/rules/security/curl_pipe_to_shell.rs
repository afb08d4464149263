//! ## What it does
//! Checks for `RUN` commands that run a script straight from the network:
//! `curl … | sh`, `wget -O- … | bash`, `curl … | python -`,
//! `sh -c "$(curl …)"`, `bash <(curl …)` and `eval "$(curl …)"`, and in
//! PowerShell `iex ((New-Object Net.WebClient).DownloadString('…'))` or
//! `iwr … | iex`.
//!
//! ## Why is this bad?
//! The build executes whatever the server sends at that moment, as the
//! build user (usually root), with nothing to check it against: a
//! compromised or hijacked download site, a changed script or a truncated
//! transfer all end up in the image unnoticed. Download the script to a
//! file, verify it against a checksum or signature you pinned, then run it.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSL https://example.com/install.sh | sh
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! ARG INSTALL_SHA256=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
//! RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
//!  && echo "$INSTALL_SHA256  /tmp/install.sh" | sha256sum -c - \
//!  && sh /tmp/install.sh && rm /tmp/install.sh
//! ```
//!
//! ## Notes
//! A pipe counts when a stage before it runs `curl` or `wget` and the
//! stage after it is a shell (`sh`, `bash`, `zsh`, `dash`, `ash`, `ksh`)
//! or an interpreter (`python`, `perl`, `ruby`, `node`, `php`) that reads
//! its program from standard input: no script file argument (or `-`, or a
//! shell's `-s`) and no inline program (`-c`, `-e`, `-m`…). So
//! `curl … | python3 -c 'import json,sys; …'`, which only parses the
//! download as data, is not reported. `sudo`, `env` and other wrappers in
//! front of the interpreter are seen through. PowerShell is recognised by
//! its words (`iex`/`Invoke-Expression` with `DownloadString`,
//! `Invoke-WebRequest`, `iwr`, `Invoke-RestMethod` or `irm`) in `RUN`s
//! that PowerShell runs.

use tree_sitter::Node;

use crate::diagnostic::TextRange;
use crate::model::{Instruction, Segment, ShellCommand, ShellScript, for_each_node};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A script downloaded with `curl`/`wget` runs without being verified
    name: "curl-pipe-to-shell", category: Security, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const DOWNLOADERS: &[&str] = &["curl", "wget"];

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    if let Some((range, message)) = powershell_download_executed(run) {
        ctx.report(range, message);
    }
    let Some(script) = run.script() else { return };
    // Every finding needs a downloader among the script's commands; most
    // scripts have none, and the tree walk below is the rule's whole cost.
    if !script.commands.iter().any(|c| DOWNLOADERS.contains(&c.base_name())) {
        return;
    }
    let mut findings: Vec<(TextRange, String)> = Vec::new();
    for_each_node(script.tree.root_node(), |n| {
        let found = match n.kind() {
            "pipeline" => piped(script, n),
            "command" => substituted(script, n),
            _ => None,
        };
        if let Some(f) = found {
            findings.push(f);
        }
    });
    for (range, message) in findings {
        ctx.report(range, message);
    }
}

/// `curl … | sh`: a downloader upstream of an interpreter reading stdin.
fn piped(script: &ShellScript, pipeline: Node<'_>) -> Option<(TextRange, String)> {
    let mut cursor = pipeline.walk();
    let stages: Vec<Node<'_>> =
        pipeline.children(&mut cursor).filter(|c| c.is_named() && c.kind() != "comment").collect();
    for (i, stage) in stages.iter().enumerate().skip(1) {
        let Some(cmd) = command_at(script, *stage) else { continue };
        let Some(kind) = interpreter(cmd) else { continue };
        if !reads_program_from_stdin(cmd, kind) {
            continue;
        }
        let Some(downloader) = stages[..i].iter().find_map(|s| downloader_in(script, *s)) else { continue };
        let range = script.source_range(pipeline.start_byte(), stage.end_byte());
        let message = format!(
            "`{downloader}` output is piped into `{}`: the build runs whatever the server sends, unverified; download the script to a file and check its checksum before running it",
            cmd.base_name()
        );
        return Some((range, message));
    }
    None
}

/// `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(curl …)"`, `. <(curl …)`.
fn substituted(script: &ShellScript, node: Node<'_>) -> Option<(TextRange, String)> {
    let cmd = command_at(script, node)?;
    let name = cmd.base_name();
    let mut cursor = node.walk();
    let args: Vec<Node<'_>> = node
        .children(&mut cursor)
        .filter(|c| c.is_named() && c.start_byte() > cmd_name_start(node) && !c.kind().contains("redirect"))
        .collect();
    let text = |n: &Node<'_>| script.text[n.byte_range()].trim_matches(['"', '\'']).to_string();
    let program: Node<'_> = if matches!(name, "eval" | "source" | ".") {
        args.first().copied()
    } else {
        let kind = interpreter(cmd)?;
        let inline = args.iter().position(|a| is_inline_flag(&text(a), kind));
        match inline {
            Some(i) => args.get(i + 1).copied(),
            None => args.iter().copied().find(|a| !text(a).starts_with('-')),
        }
    }?;
    // The program must be the substitution itself, not text around it.
    let program_text = text(&program);
    let is_substitution = program.kind() == "process_substitution"
        || program_text.starts_with("$(") && program_text.ends_with(')')
        || program_text.starts_with('`') && program_text.ends_with('`');
    if !is_substitution {
        return None;
    }
    let downloader = downloader_in(script, program)?;
    let message = format!(
        "`{name}` runs a script fetched by `{downloader}` without verifying it; download it to a file and check its checksum before running it"
    );
    Some((script.source_range(node.start_byte(), node.end_byte()), message))
}

/// Words that download in PowerShell (cmdlets, their aliases, .NET calls).
const PS_DOWNLOADERS: &[&str] =
    &["downloadstring", "downloadfile", "invoke-webrequest", "iwr", "invoke-restmethod", "irm"];

/// `iex ((New-Object Net.WebClient).DownloadString('https://…'))`,
/// `iwr https://… | iex`: PowerShell's `curl | sh`. PowerShell scripts have
/// no parse tree in the model, so this looks for the words in the RUN's
/// text, in RUNs that PowerShell runs (a non-POSIX `SHELL`, or a
/// `powershell`/`pwsh` command).
fn powershell_download_executed(run: &Instruction) -> Option<(TextRange, String)> {
    let shell = run.shell.as_ref()?;
    let lower = shell.text.to_ascii_lowercase();
    let words = words(&lower);
    let powershell = run.script().is_none() || words.iter().any(|(_, w)| matches!(*w, "powershell" | "pwsh"));
    if !powershell || !words.iter().any(|(_, w)| PS_DOWNLOADERS.contains(w)) {
        return None;
    }
    let (at, word) = words.iter().find(|(_, w)| matches!(*w, "iex" | "invoke-expression"))?;
    let start = source_offset(&shell.segments, *at);
    let range = TextRange::new(start, start + word.len());
    let message = format!(
        "`{}` runs a script downloaded by PowerShell without verifying it; save it to a file and check its hash (`Get-FileHash`) before running it",
        &shell.text[*at..*at + word.len()]
    );
    Some((range, message))
}

/// The words of `text` (letters, digits, `-`, `_`) with their offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let in_word = c.is_ascii_alphanumeric() || c == '-' || c == '_';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Map an offset in a shell form's text to the Dockerfile.
fn source_offset(segments: &[Segment], logical: usize) -> usize {
    let i = segments.partition_point(|s| s.logical <= logical).saturating_sub(1);
    segments.get(i).map_or(0, |s| s.source + (logical - s.logical).min(s.len))
}

fn cmd_name_start(node: Node<'_>) -> usize {
    node.child_by_field_name("name").map_or(node.start_byte(), |n| n.start_byte())
}

fn command_at<'a>(script: &'a ShellScript, node: Node<'_>) -> Option<&'a ShellCommand> {
    if node.kind() != "command" {
        return None;
    }
    // Commands are collected in document order: search by start first.
    let i = script.commands.partition_point(|c| c.logical.start < node.start_byte());
    match script.commands.get(i) {
        Some(c) if c.logical == node.byte_range() => Some(c),
        _ => script.commands.iter().find(|c| c.logical == node.byte_range()),
    }
}

/// The first `curl`/`wget` run anywhere below `node`.
fn downloader_in(script: &ShellScript, node: Node<'_>) -> Option<&'static str> {
    let mut found = None;
    for_each_node(node, |n| {
        if found.is_none()
            && let Some(cmd) = command_at(script, n)
        {
            found = DOWNLOADERS.iter().copied().find(|d| *d == cmd.base_name());
        }
    });
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Interpreter {
    Shell,
    Python,
    /// perl, ruby, node, php: `-e` (or `-r`, `-p`) gives an inline program.
    Other,
}

fn interpreter(cmd: &ShellCommand) -> Option<Interpreter> {
    let name = cmd.base_name();
    Some(match name {
        "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" | "mksh" => Interpreter::Shell,
        "perl" | "ruby" | "node" | "nodejs" | "php" => Interpreter::Other,
        _ if name.starts_with("python") || name.starts_with("pypy") => Interpreter::Python,
        _ => return None,
    })
}

/// True for a flag that makes the next argument (or the flag itself) the
/// program: `-c` for shells and Python, `-m` for Python, `-e`/`-E`/`-r`/`-p`
/// for the others.
fn is_inline_flag(arg: &str, kind: Interpreter) -> bool {
    let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-') && !c.is_empty()) else {
        return matches!(arg, "--eval" | "--print" | "--command");
    };
    if !cluster.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    match kind {
        Interpreter::Shell => cluster.contains('c'),
        Interpreter::Python => cluster.contains('c') || cluster.contains('m'),
        Interpreter::Other => cluster.contains(['e', 'E', 'r', 'p']),
    }
}

/// True when the interpreter takes its program from standard input: no
/// inline program, and no script file (a shell's `-s` or a lone `-` say
/// stdin explicitly).
fn reads_program_from_stdin(cmd: &ShellCommand, kind: Interpreter) -> bool {
    let mut skip_next = false;
    for arg in &cmd.args {
        let t = arg.text.as_str();
        if skip_next {
            skip_next = false;
            continue;
        }
        if t == "-" || t == "--" {
            return true;
        }
        if is_inline_flag(t, kind) {
            return false;
        }
        if kind == Interpreter::Shell && t.starts_with('-') && !t.starts_with("--") && t.contains('s') {
            return true;
        }
        if t.starts_with('-') || t.starts_with('+') {
            // `bash -o pipefail`, `python -W ignore`: the option's value.
            skip_next = matches!(t, "-o" | "+o" | "-O" | "+O" | "-W" | "-X" | "-I" | "-r" | "--rcfile");
            continue;
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN curl -fsSLo /tmp/i.sh https://x/i.sh && sh /tmp/i.sh\n",
                "FROM debian\nRUN curl -fsSL https://x/a.tgz | tar -xz\n",
                "FROM debian\nRUN curl -s https://api/x | python3 -c 'import json,sys; print(json.load(sys.stdin))'\n",
                "FROM debian\nRUN curl -s https://api/x | python3 parse.py\n",
                "FROM debian\nRUN wget -qO- https://x/k.asc | gpg --dearmor > /k.gpg\n",
                "FROM debian\nRUN curl -s https://x | bash /tmp/local.sh\n",
                "FROM debian\nRUN echo 'echo hi' | sh\n",
                "FROM debian\nRUN sh -c \"echo $(curl -s https://x/version)\"\n",
                "FROM debian\nRUN bash -c 'curl -fsSLo /x https://x && sh /x'\n",
                "FROM debian\nRUN curl -s https://x | perl -ne 'print if /v/'\n",
                "FROM debian\nRUN eval \"$(ssh-agent)\"\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"curl -o /x https://x\"]\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Invoke-WebRequest https://x/a.msi -OutFile a.msi; Start-Process msiexec.exe -ArgumentList '/i', 'a.msi' -Wait\n",
                "FROM elixir\nRUN curl -fsSLo x https://x && iex -S mix run x\n",
            ],
            &[
                "FROM debian\nRUN ⟦curl -fsSL https://example.com/install.sh | sh⟧\n",
                "FROM debian\nRUN ⟦wget -O- https://x/i.sh | bash⟧\n",
                "FROM debian\nRUN ⟦wget -qO - https://x/i.sh | sudo -E bash -⟧\n",
                "FROM debian\nRUN ⟦curl -sSL https://x/i.sh | sh -s -- --yes⟧ && echo done\n",
                "FROM debian\nRUN ⟦curl -sSL https://x/get-pip.py | python3 -⟧\n",
                "FROM debian\nRUN ⟦curl -sSL https://x/get-pip.py | python3⟧\n",
                "FROM debian\nRUN ⟦curl -fsSL https://x | bash -o pipefail⟧\n",
                "FROM debian\nRUN ⟦sh -c \"$(curl -fsSL https://x/install.sh)\"⟧\n",
                "FROM debian\nRUN ⟦bash -c \"$(wget -qO- https://x/install.sh)\" -- -y⟧\n",
                "FROM debian\nRUN ⟦bash <(curl -s https://x/install.sh)⟧\n",
                "FROM debian\nRUN ⟦eval \"$(curl -s https://x/env.sh)\"⟧\n",
                "FROM debian\nRUN ⟦. <(curl -s https://x/env.sh)⟧\n",
                "FROM debian\nRUN set -e; \\\n    ⟦curl -fsSL https://x/i.sh \\\n      | bash⟧\n",
                "FROM debian\nRUN <<EOF\n⟦curl -fsSL https://x/i.sh | sh⟧\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦curl -fsSL https://x/i.sh | sh⟧\n",
                "FROM debian\nRUN ⟦curl -fsSL https://x/i.sh | tee /tmp/log | sh⟧\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"curl -fsSL https://x/i.sh | sh\"]\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command ⟦iex⟧ ((new-object net.webclient).DownloadString('https://chocolatey.org/install.ps1'))\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN iwr https://x/i.ps1 -UseBasicParsing | ⟦Invoke-Expression⟧\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"pwsh\", \"-Command\"]\nRUN Set-ExecutionPolicy Bypass; \\\n    ⟦iex⟧ (irm https://x/i.ps1)\n",
            ],
            &[],
        );
    }
}
