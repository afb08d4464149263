//! Reading a RUN script: parsing it with tree-sitter-bash and extracting
//! its commands, their arguments (with what the script's own assignments
//! make of them) and the commands of `-c` strings.

use std::cell::RefCell;
use std::sync::Arc;

use tree_sitter::{Node, Parser, Tree};

use super::super::MAX_NESTING;
use super::{KindSet, LocalValue, Segment, ShellArg, ShellCommand, ShellScript, map_range};
use crate::diagnostic::TextRange;

thread_local! {
    static BASH_PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        p.set_language(&tree_sitter_bash::LANGUAGE.into()).expect("tree-sitter-bash ABI matches the runtime");
        p
    });
}

/// Parse a script with tree-sitter-bash, decoding it with [`ScannerSafeUtf8`].
fn parse_bash(text: &str) -> Option<Tree> {
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| &bytes[offset.min(bytes.len())..];
    BASH_PARSER.with(|p| p.borrow_mut().parse_custom_encoding::<ScannerSafeUtf8, _, _>(&mut read, None, None))
}

/// UTF-8 as tree-sitter reads it, except for what tree-sitter-bash's
/// external scanner hands to C's `isdigit` (the character after `{`, for
/// brace ranges): that indexes a table of 256 entries, so a code point far
/// above it reads outside (`RUN echo ${` and U+DD541 crashed the process).
/// Every character above U+00FF is given to the parser as a Latin-1 one of
/// the same kind: whitespace as U+00A0, anything else as U+00B7, which the
/// grammar reads as a word character like most non-ASCII text. Only the
/// parser's view changes: nodes keep the byte ranges of the real text.
struct ScannerSafeUtf8;

impl tree_sitter::Decode for ScannerSafeUtf8 {
    fn decode(bytes: &[u8]) -> (i32, u32) {
        let len = match bytes.first() {
            None => return (-1, 0),
            Some(&b) if b < 0x80 => return (i32::from(b), 1),
            Some(&b) if b >= 0xF0 => 4,
            Some(&b) if b >= 0xE0 => 3,
            Some(&b) if b >= 0xC0 => 2,
            Some(_) => return (-1, 1),
        };
        let Some(c) = bytes.get(..len).and_then(|b| std::str::from_utf8(b).ok()).and_then(|s| s.chars().next()) else {
            return (-1, 1);
        };
        let code = match u32::from(c) {
            small @ 0..=0xFF => small,
            _ if c.is_whitespace() => 0xA0,
            _ => 0xB7,
        };
        (code as i32, len as u32)
    }
}

impl ShellScript {
    pub fn parse(text: String, segments: Vec<Segment>) -> ShellScript {
        let tree = parse_bash(&text).expect("no timeout is set");
        let mut script = ShellScript {
            text,
            segments,
            has_errors: tree.root_node().has_error(),
            tree,
            commands: Vec::new(),
            shell: Arc::from(["/bin/sh".to_string(), "-c".to_string()]),
            too_deep: None,
            kinds: KindSet::default(),
        };
        let mut commands = Vec::new();
        let source = Source { text: &script.text, base: 0, segments: &script.segments, depth: 0 };
        match collect_commands(script.tree.root_node(), &source, &mut commands, &mut script.kinds) {
            Ok(()) => {
                // Kept for the document's life: 200,000 RUNs in a 10 MB file.
                commands.shrink_to_fit();
                script.commands = commands;
            }
            Err(TooDeep(at)) => script.too_deep = Some(at),
        }
        script
    }
}

/// The text a bash tree was parsed from: the script itself, or the content
/// of a `-c` string at `base` in it. Tree offsets plus `base` are logical
/// offsets of the script.
struct Source<'a> {
    text: &'a str,
    base: usize,
    segments: &'a [Segment],
    /// How many `-c` strings this text sits in.
    depth: usize,
}

impl Source<'_> {
    fn logical(&self, node: Node<'_>) -> std::ops::Range<usize> {
        self.base + node.start_byte()..self.base + node.end_byte()
    }

    fn source_range(&self, node: Node<'_>) -> TextRange {
        let logical = self.logical(node);
        map_range(self.segments, logical.start, logical.end)
    }
}

/// Deepest `-c` string parsed (`sh -c "bash -c '…'"` is depth 2).
const MAX_COMMAND_STRING_DEPTH: usize = 4;

fn node_text<'a>(node: Node<'_>, source: &Source<'a>) -> &'a str {
    &source.text[node.byte_range()]
}

/// A construct nested more than [`MAX_NESTING`] deep, at this logical offset.
struct TooDeep(usize);

fn collect_commands(
    root: Node<'_>,
    source: &Source<'_>,
    out: &mut Vec<ShellCommand>,
    kinds: &mut KindSet,
) -> Result<(), TooDeep> {
    // An explicit stack, not recursion: `a && b && …` nests one level per
    // command, and a RUN can chain thousands of them. Those chains (lists
    // and pipelines) do not count as nesting; anything else does, and a
    // script nested deeper than anyone writes is not read.
    let mut stack = vec![(root, false, 0)];
    let mut cursor = root.walk();
    // The script's assignments so far (the walk is in document order).
    let mut assignments: Vec<Assignment> = Vec::new();
    while let Some((node, in_pipeline, depth)) = stack.pop() {
        // Once per node: each `kind()` measures and checks the C string.
        let kind = node.kind();
        let depth = depth + usize::from(!matches!(kind, "list" | "pipeline"));
        if depth > MAX_NESTING {
            return Err(TooDeep(source.base + node.start_byte()));
        }
        let in_pipeline = in_pipeline || kind == "pipeline";
        kinds.insert(node.kind_id());
        record_assignments(node, kind, source, &mut assignments);
        if kind == "command"
            && let Some(cmd) = command_from_node(node, source, in_pipeline, &assignments)
        {
            let string = command_string(node, &cmd, source);
            out.push(cmd);
            if let Some(string) = string {
                collect_string_commands(string, source, out)?;
            }
        }
        let first = stack.len();
        cursor.reset(node);
        if cursor.goto_first_child() {
            loop {
                stack.push((cursor.node(), in_pipeline, depth));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        // Children were pushed in order; pop them in order too.
        stack[first..].reverse();
    }
    Ok(())
}

/// POSIX shells, whose `-c` takes a command string.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "ksh", "zsh"];

/// The string node of a shell command's `-c` argument (`sh -c 'cmd'`,
/// `bash -euxc 'cmd'`), when its content is exactly its bytes in the script.
fn command_string<'t>(node: Node<'t>, cmd: &ShellCommand, source: &Source<'_>) -> Option<Node<'t>> {
    if source.depth >= MAX_COMMAND_STRING_DEPTH || !SHELLS.contains(&cmd.base_name()) {
        return None;
    }
    let arg = command_string_arg(&cmd.args)?;
    let mut cursor = node.walk();
    let string = node.children(&mut cursor).find(|c| c.is_named() && source.source_range(*c) == arg.range)?;
    let raw = node_text(string, source);
    let exact = match string.kind() {
        "raw_string" => true,
        // `$`, backticks and backslashes are expanded or unescaped first.
        "string" => !raw.contains(['$', '`', '\\']),
        _ => false,
    };
    // A string cut short by a syntax error has no closing quote.
    let closed = raw.len() >= 2 && raw.as_bytes()[0] == raw.as_bytes()[raw.len() - 1];
    (exact && closed).then_some(string)
}

/// The command string of a shell's arguments: the first operand after the
/// options, when a cluster of short options before it has `c`.
fn command_string_arg(args: &[ShellArg]) -> Option<&ShellArg> {
    let mut has_c = false;
    let mut i = 0;
    while i < args.len() {
        let text = args[i].text.as_str();
        if text == "--" {
            i += 1;
            break;
        }
        let cluster = match text.strip_prefix(['-', '+']) {
            Some(cluster) if !cluster.is_empty() => cluster,
            _ => break,
        };
        if !text.starts_with("--") {
            has_c |= cluster.contains('c');
            // `-o pipefail`, `-euo pipefail`, bash's `-O extglob`: a value follows.
            i += cluster.matches(['o', 'O']).count();
        }
        i += 1;
    }
    args.get(i).filter(|_| has_c)
}

/// Add the commands of a `-c` string node to `out`, with offsets in the
/// outer script.
fn collect_string_commands(string: Node<'_>, source: &Source<'_>, out: &mut Vec<ShellCommand>) -> Result<(), TooDeep> {
    let content = string.start_byte() + 1..string.end_byte() - 1;
    let text = &source.text[content.clone()];
    let Some(tree) = parse_bash(text) else { return Ok(()) };
    let inner = Source { text, base: source.base + content.start, segments: source.segments, depth: source.depth + 1 };
    // The string's tree is not the script's: its kinds are not the script's.
    collect_commands(tree.root_node(), &inner, out, &mut KindSet::default())
}

/// A variable the script sets: its literal value (`None` when it is only
/// known at run time) from logical offset `from` on.
struct Assignment {
    name: String,
    value: Option<String>,
    from: usize,
}

/// Record what `node` does to the script's variables, if anything.
fn record_assignments(node: Node<'_>, kind: &str, script: &Source<'_>, out: &mut Vec<Assignment>) {
    let mut unknown = |name: Node<'_>, from: usize| {
        out.push(Assignment { name: node_text(name, script).to_string(), value: None, from });
    };
    // Before a POSIX special built-in (`A=1 set -x`), an assignment stays
    // set in sh (dash, ash): a missing `;` that the shell forgives.
    let persists = |parent: Node<'_>| {
        parent.kind() != "command"
            || parent.child_by_field_name("name").is_some_and(|n| {
                matches!(
                    node_text(n, script),
                    "set" | ":" | "export" | "readonly" | "eval" | "shift" | "trap" | "times"
                )
            })
    };
    match kind {
        "variable_assignment" if node.parent().is_some_and(persists) => {
            let Some(name) = node.child_by_field_name("name").filter(|n| n.kind() == "variable_name") else {
                return;
            };
            let value = node.child_by_field_name("value");
            let literal = value.map_or(Some(String::new()), |v| {
                let raw = node_text(v, script);
                let plain = !matches!(v.kind(), "array") && !raw.contains(['$', '`']);
                plain.then(|| unquote(raw))
            });
            let appends = script.text[name.end_byte()..].starts_with("+=");
            let parent = node.parent().filter(|p| p.kind() == "command");
            let unconditional = is_unconditional(parent.unwrap_or(node));
            out.push(Assignment {
                name: node_text(name, script).to_string(),
                value: literal.filter(|_| unconditional && !appends),
                from: parent.unwrap_or(node).end_byte(),
            });
        }
        "for_statement" => {
            if let Some(var) = node.child_by_field_name("variable") {
                unknown(var, var.start_byte());
            }
        }
        "unset_command" => {
            let mut c = node.walk();
            for name in node.children(&mut c).filter(|n| matches!(n.kind(), "word" | "variable_name")) {
                unknown(name, node.start_byte());
            }
        }
        "command" => {
            let name = node.child_by_field_name("name").map(|n| node_text(n, script));
            if matches!(name, Some("read" | "getopts" | "mapfile" | "readarray")) {
                let mut c = node.walk();
                for arg in node.children(&mut c).filter(|n| n.kind() == "word" && n.start_byte() > node.start_byte()) {
                    if !node_text(arg, script).starts_with('-') {
                        unknown(arg, node.start_byte());
                    }
                }
            }
        }
        _ => {}
    }
}

/// True when an assignment runs whenever the script gets there: it sits in
/// the script's main line (`A=1 && b`, `export A=1; b`), not in a subshell,
/// pipeline, condition, loop, function or after `||`.
fn is_unconditional(node: Node<'_>) -> bool {
    let mut current = node.parent();
    while let Some(parent) = current {
        match parent.kind() {
            "program" => return true,
            "declaration_command" | "variable_assignments" | "redirected_statement" => {}
            "list" => {
                let mut c = parent.walk();
                if parent.children(&mut c).any(|n| n.kind() == "||") {
                    return false;
                }
            }
            _ => return false,
        }
        current = parent.parent();
    }
    false
}

/// `text` (an argument without its quotes; `raw` as written) seen through
/// the assignments made before logical offset `at`.
fn local_value(raw: &str, text: &str, assignments: &[Assignment], at: usize) -> LocalValue {
    // `'$A'` and `\$A` are no expansions.
    if !text.contains('$') || assignments.is_empty() || raw.contains(['\'', '\\']) {
        return LocalValue::None;
    }
    let lookup = |name: &str| assignments.iter().rev().find(|a| a.from <= at && a.name == name);
    let mut out = String::new();
    let mut rest = text;
    let mut replaced = false;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len, plain) = match after.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}').unwrap_or(braced.len());
                let inner = &braced[..end];
                let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
                (&inner[..name_len], (end + 2).min(after.len()), name_len == inner.len())
            }
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end, true)
            }
        };
        match lookup(name).filter(|_| !name.is_empty()) {
            Some(Assignment { value: Some(value), .. }) if plain => {
                out.push_str(value);
                replaced = true;
            }
            // `${A:-x}`, `${#A}` of a script variable, or a run-time value.
            Some(_) => return LocalValue::Unknown,
            None => out.push_str(&rest[i..i + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    if replaced { LocalValue::Text(out) } else { LocalValue::None }
}

fn command_from_node(
    node: Node<'_>,
    script: &Source<'_>,
    in_pipeline: bool,
    assignments: &[Assignment],
) -> Option<ShellCommand> {
    let name_node = node.child_by_field_name("name")?;
    let mut env = Vec::new();
    let mut args = Vec::with_capacity(node.named_child_count().saturating_sub(1));
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "variable_assignment" => env.push(node_text(child, script).to_string()),
            "command_name" => {}
            k if k.contains("redirect") || k == "comment" || k == "herestring_redirect" => {}
            _ if child.start_byte() > name_node.start_byte() && child.is_named() => {
                let raw = node_text(child, script);
                let text = unquote(raw);
                let local = local_value(raw, &text, assignments, node.start_byte());
                args.push(ShellArg { text, range: script.source_range(child), local })
            }
            _ => {}
        }
    }
    let name = unquote(node_text(name_node, script));
    // `sudo`, `env` and friends: the real command is the first non-flag word.
    let mut cmd = ShellCommand {
        name,
        name_range: script.source_range(name_node),
        args,
        range: script.source_range(node),
        logical: script.logical(node),
        env,
        in_pipeline,
        wrappers: Vec::new(),
        in_command_string: script.depth > 0,
    };
    while let Some(takes_value) = wrapper_options(cmd.base_name()) {
        // `timeout DURATION CMD`: the first operand is the duration.
        let skip = usize::from(cmd.base_name() == "timeout");
        let Some(i) = wrapped_command_index(&cmd.args, takes_value).map(|i| i + skip).filter(|i| *i < cmd.args.len())
        else {
            break;
        };
        let new_name = cmd.args[i].clone();
        let wrapper = ShellArg::new(
            std::mem::replace(&mut cmd.name, new_name.text),
            std::mem::replace(&mut cmd.name_range, new_name.range),
        );
        cmd.wrappers.push(wrapper);
        cmd.args.drain(..=i);
    }
    Some(cmd)
}

/// Commands that run another command, with their options that take a value
/// (`sudo -u app pip …` runs `pip`, not `app`).
fn wrapper_options(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "sudo" => &["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group", "--host"],
        "env" => &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
        "xargs" => &["-n", "-I", "-i", "-L", "-l", "-P", "-s", "-d", "-E", "-e", "-a", "--max-args", "--max-procs"],
        "nice" => &["-n", "--adjustment"],
        "time" => &["-f", "-o", "--format", "--output"],
        "timeout" => &["-s", "-k", "--signal", "--kill-after"],
        "nohup" | "exec" | "command" | "stdbuf" | "ionice" | "chroot" => &[],
        _ => return None,
    })
}

/// The index of the wrapped command: the first argument that is neither an
/// option, an option's value nor (for `env`) an assignment. `timeout` first
/// takes a duration.
fn wrapped_command_index(args: &[ShellArg], takes_value: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let text = args[i].text.as_str();
        if text == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if takes_value.contains(&text) {
            i += 2;
            continue;
        }
        if text.starts_with('-') || text.contains('=') {
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// Remove shell quoting from a word where it is plain (`"a b"` -> `a b`).
fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '\\') | (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    if quote.is_some() && !matches!(n, '"' | '\\' | '$' | '`') {
                        out.push('\\');
                    }
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}
