//! RUN scripts under PowerShell or cmd (a Windows `SHELL`, or a Windows
//! image without one), split into simple commands by a small, conservative
//! reader. Only the rules whose commands mean the same in every shell
//! (package managers, `cd`) read them, through [`Instruction::commands`];
//! everything POSIX-specific (pipefail, ShellCheck, the bash tree) keeps
//! skipping these RUNs, whose [`Instruction::script`] stays `None`.
//!
//! [`Instruction::commands`]: super::Instruction::commands
//! [`Instruction::script`]: super::Instruction::script

use super::shell::{Segment, ShellArg, ShellCommand, map_range};

/// The non-POSIX shells whose commands dockside reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `powershell` or `pwsh`.
    PowerShell,
    /// Windows' `cmd`.
    Cmd,
}

impl Dialect {
    /// The dialect of a SHELL program (`powershell`, `C:\…\pwsh.exe`, `cmd`).
    pub fn of_program(program: &str) -> Option<Dialect> {
        let base = program.rsplit(['/', '\\']).next().unwrap_or(program).to_ascii_lowercase();
        match base.strip_suffix(".exe").unwrap_or(&base) {
            "powershell" | "pwsh" => Some(Dialect::PowerShell),
            "cmd" => Some(Dialect::Cmd),
            _ => None,
        }
    }
}

/// A RUN's text under PowerShell or cmd and the simple commands in it.
///
/// Commands are split on `;`, `&&`, `||`, `|`, newlines and (cmd) `&`, but
/// never inside quotes, parentheses or braces: a command inside a block
/// (`if (…) { pip install x }`) is part of the block's command and is not
/// seen. Words are split on blanks, with quotes removed (`'…'` and `"…"` in
/// PowerShell, `"…"` in cmd), cmd's `^` and PowerShell's backtick escapes
/// taken literally, and redirections (`> log`, `2>&1`) and PowerShell
/// comments left out.
#[derive(Clone, Debug)]
pub struct WindowsScript {
    pub dialect: Dialect,
    /// The SHELL in effect (`["cmd", "/S", "/C"]` on a Windows image without
    /// a SHELL instruction).
    pub shell: Vec<String>,
    /// The logical text, as for [`super::ShellScript::text`].
    pub text: String,
    pub segments: Vec<Segment>,
    pub commands: Vec<ShellCommand>,
}

impl WindowsScript {
    pub fn parse(dialect: Dialect, shell: Vec<String>, text: String, segments: Vec<Segment>) -> WindowsScript {
        let commands = split_commands(dialect, &text, &segments);
        WindowsScript { dialect, shell, text, segments, commands }
    }
}

/// A word being read: where it starts and its text without quotes.
struct WordBuf {
    start: usize,
    text: String,
}

#[derive(Default)]
struct Reader {
    words: Vec<(usize, usize, String)>,
    word: Option<WordBuf>,
    /// The next word is a redirection's target.
    skip_target: bool,
    /// The current command is piped into the next one.
    piped: bool,
}

impl Reader {
    fn push(&mut self, at: usize, c: char) {
        self.word.get_or_insert_with(|| WordBuf { start: at, text: String::new() }).text.push(c);
    }

    /// Start a word at `at` without adding to it (an opening quote).
    fn open(&mut self, at: usize) {
        self.word.get_or_insert_with(|| WordBuf { start: at, text: String::new() });
    }

    fn end_word(&mut self, end: usize) {
        if let Some(w) = self.word.take() {
            if std::mem::take(&mut self.skip_target) {
                return;
            }
            self.words.push((w.start, end, w.text));
        }
    }
}

fn split_commands(dialect: Dialect, text: &str, segments: &[Segment]) -> Vec<ShellCommand> {
    let ps = dialect == Dialect::PowerShell;
    let escape = if ps { '`' } else { '^' };
    let mut out = Vec::new();
    let mut r = Reader::default();
    let mut in_pipeline = false;
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    let end_command = |r: &mut Reader, out: &mut Vec<ShellCommand>, in_pipeline: &mut bool, at: usize| {
        r.end_word(at);
        r.skip_target = false;
        let words = std::mem::take(&mut r.words);
        let piped = std::mem::take(&mut r.piped);
        if let Some(cmd) = command(dialect, words, segments, *in_pipeline || piped) {
            out.push(cmd);
        }
        *in_pipeline = piped;
    };
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                // PowerShell doubles a quote inside quotes of its kind.
                if ps && chars.peek().is_some_and(|(_, n)| *n == q) {
                    chars.next();
                    r.push(i, q);
                } else {
                    quote = None;
                }
            } else if ps && q == '"' && c == '`' {
                if let Some((j, n)) = chars.next() {
                    r.push(j, n);
                }
            } else {
                r.push(i, c);
            }
            continue;
        }
        match c {
            _ if c == escape => match chars.next() {
                // A line continuation.
                Some((_, '\n')) => {}
                Some((j, n)) => r.push(j, n),
                None => {}
            },
            '"' => {
                r.open(i);
                quote = Some(c);
            }
            '\'' if ps => {
                r.open(i);
                quote = Some(c);
            }
            '(' | '{' => {
                depth += 1;
                r.push(i, c);
            }
            ')' | '}' => {
                depth = depth.saturating_sub(1);
                r.push(i, c);
            }
            // A PowerShell comment runs to the end of the line.
            '#' if ps && r.word.is_none() => {
                while chars.peek().is_some_and(|(_, n)| *n != '\n') {
                    chars.next();
                }
            }
            ' ' | '\t' | '\r' => r.end_word(i),
            _ if depth > 0 => r.push(i, c),
            '\n' | ';' => end_command(&mut r, &mut out, &mut in_pipeline, i),
            '|' => {
                if chars.peek().is_some_and(|(_, n)| *n == '|') {
                    chars.next();
                } else {
                    r.piped = true;
                }
                end_command(&mut r, &mut out, &mut in_pipeline, i);
            }
            '&' => {
                if chars.peek().is_some_and(|(_, n)| *n == '&') {
                    chars.next();
                    end_command(&mut r, &mut out, &mut in_pipeline, i);
                } else if ps && r.words.is_empty() && r.word.is_none() {
                    // PowerShell's call operator: `& pip install x`.
                } else {
                    end_command(&mut r, &mut out, &mut in_pipeline, i);
                }
            }
            '>' | '<' => {
                // `2>` and `*>`: the stream number belongs to the operator.
                if r.word.as_ref().is_some_and(|w| w.text.chars().all(|d| d.is_ascii_digit() || d == '*')) {
                    r.word = None;
                } else {
                    r.end_word(i);
                }
                while chars.peek().is_some_and(|(_, n)| *n == '>') {
                    chars.next();
                }
                // `2>&1`: a stream, not a file.
                if chars.peek().is_some_and(|(_, n)| *n == '&') {
                    chars.next();
                    while chars.peek().is_some_and(|(_, n)| n.is_ascii_digit()) {
                        chars.next();
                    }
                } else {
                    r.skip_target = true;
                }
            }
            _ => r.push(i, c),
        }
    }
    end_command(&mut r, &mut out, &mut in_pipeline, text.len());
    out
}

fn command(
    dialect: Dialect,
    words: Vec<(usize, usize, String)>,
    segments: &[Segment],
    in_pipeline: bool,
) -> Option<ShellCommand> {
    let start = words.first()?.0;
    let end = words.last()?.1;
    let mut words = words.into_iter();
    let (_, name_end, mut name) = words.next()?;
    // cmd's `@` only hides the command's echo.
    if dialect == Dialect::Cmd && name.starts_with('@') {
        name.remove(0);
    }
    Some(ShellCommand {
        name,
        name_range: map_range(segments, start, name_end),
        args: words.map(|(s, e, t)| ShellArg::new(t, map_range(segments, s, e))).collect(),
        range: map_range(segments, start, end),
        logical: start..end,
        env: Vec::new(),
        in_pipeline,
        wrappers: Vec::new(),
        in_command_string: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(dialect: Dialect, text: &str) -> Vec<Vec<String>> {
        let segments = vec![Segment { logical: 0, source: 0, len: text.len() }];
        WindowsScript::parse(dialect, Vec::new(), text.to_string(), segments)
            .commands
            .iter()
            .map(|c| std::iter::once(c.name.clone()).chain(c.args.iter().map(|a| a.text.clone())).collect())
            .collect()
    }

    #[test]
    fn splits_powershell_commands() {
        let cmds = split(
            Dialect::PowerShell,
            "cd libuv ; git pull ; $env:PATH += ';C:\\x' ; pip install 'a b' \"c`\"d\" && npm i -g x 2>&1 > log.txt | Out-Null",
        );
        assert_eq!(
            cmds,
            [
                vec!["cd", "libuv"],
                vec!["git", "pull"],
                vec!["$env:PATH", "+=", ";C:\\x"],
                vec!["pip", "install", "a b", "c\"d"],
                vec!["npm", "i", "-g", "x"],
                vec!["Out-Null"],
            ]
        );
        // Blocks stay whole; the call operator is no command.
        let cmds = split(Dialect::PowerShell, "if (Test-Path x) { cd y; pip install z }\n& pip install q # a#b");
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0][0], "if");
        assert_eq!(cmds[1], ["pip", "install", "q"]);
    }

    #[test]
    fn splits_cmd_commands() {
        let cmds = split(Dialect::Cmd, "@echo a^&b & cd \\app && pip install x >nul 2>&1 || (exit 1) | more");
        assert_eq!(
            cmds,
            [vec!["echo", "a&b"], vec!["cd", "\\app"], vec!["pip", "install", "x"], vec!["(exit", "1)"], vec!["more"]]
        );
    }

    #[test]
    fn maps_words_to_the_dockerfile() {
        let text = "npm install -g yarn";
        let segments = vec![Segment { logical: 0, source: 40, len: text.len() }];
        let script = WindowsScript::parse(Dialect::PowerShell, Vec::new(), text.to_string(), segments);
        let cmd = &script.commands[0];
        assert_eq!((cmd.name_range.start, cmd.name_range.end), (40, 43));
        assert_eq!((cmd.args[2].range.start, cmd.args[2].range.end), (55, 59));
        assert_eq!((cmd.range.start, cmd.range.end), (40, 59));
    }
}
