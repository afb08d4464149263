//! Shell scripts of RUN instructions, parsed once with tree-sitter-bash.
//!
//! A script is the *logical* text Docker hands to the shell (continuations
//! and the comment lines inside them removed, heredoc bodies appended), plus
//! a segment table that maps every byte of it back to the Dockerfile.
//!
//! Commands a shell runs from a `-c` string (`sh -c 'apt-get update'`) are
//! model commands too, listed right after that shell's command, with ranges
//! in the outer script. Only strings whose content is their bytes in the
//! script are parsed: a single-quoted one, or a double-quoted one without
//! `$`, backtick or backslash. Elsewhere the shell would expand or unescape
//! the text first, so an inner offset would no longer point at the
//! Dockerfile byte it came from, and a finding or fix there would land on
//! the wrong text; such strings stay unparsed.
//!
//! This file holds what rules read (scripts, commands, arguments, the
//! segment table); `shell/extract.rs` builds them from the text.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use crate::diagnostic::TextRange;

mod extract;

/// `len` bytes at `logical` in the script come from `source` in the Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub logical: usize,
    pub source: usize,
    pub len: usize,
}

/// One simple command (`apt-get install -y curl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellCommand {
    /// The command name as written (`apt-get`, `/usr/bin/pip3`).
    pub name: String,
    pub name_range: TextRange,
    /// Arguments with quotes removed (expansions kept as written).
    pub args: Vec<ShellArg>,
    /// The whole command, in Dockerfile coordinates.
    pub range: TextRange,
    /// The whole command in the script's own text (what `tree` indexes; for
    /// a command of a `-c` string, the string's content there).
    pub logical: std::ops::Range<usize>,
    /// Leading `VAR=value` assignments.
    pub env: Vec<String>,
    /// Part of a pipeline (`a | b`).
    pub in_pipeline: bool,
    /// Commands that ran this one and were stripped (`sudo`, `env`, `xargs`),
    /// outermost first.
    pub wrappers: Vec<ShellArg>,
    /// Run by a shell from its `-c` string (`sh -c 'apt-get update'`): a new
    /// shell, so the outer script's variables, `cd` and `set` do not reach
    /// it, and [`ShellScript::node_of`] has no node for it (the outer tree
    /// sees only a string).
    pub in_command_string: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellArg {
    pub text: String,
    pub range: TextRange,
    /// What the variables the same script set earlier make of the argument
    /// (`PKGS='gcc make' && apt-get install $PKGS`).
    pub local: LocalValue,
}

impl ShellArg {
    /// An argument that uses no variable of its script.
    pub fn new(text: impl Into<String>, range: TextRange) -> ShellArg {
        ShellArg { text: text.into(), range, local: LocalValue::None }
    }
}

/// An argument seen through the variables its script assigned before it.
/// Only plain assignments count (`A=…`, `export A=…`, and `A=… set -x`,
/// which sh keeps before a special built-in; in the script's main line: not
/// in a subshell, a pipeline, a condition, a loop or a function);
/// any other way of setting the variable (`A=$(…)`, `for A in`, `read A`,
/// `unset A`) makes its value unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LocalValue {
    /// The argument uses no variable the script set before it.
    #[default]
    None,
    /// The argument with those variables replaced by their literal values
    /// (`$PKGS` -> `gcc make`); variables the script did not set (ARG, ENV)
    /// are kept as written.
    Text(String),
    /// A variable the script set to a value known only at run time.
    Unknown,
}

impl ShellCommand {
    /// The name without a directory (`pip3` for `/usr/bin/pip3`).
    pub fn base_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    pub fn has_arg(&self, arg: &str) -> bool {
        self.args.iter().any(|a| a.text == arg)
    }

    /// True when a flag is present, long (`--yes`) or within a cluster of
    /// short flags (`-qy` contains `y`).
    pub fn has_flag(&self, short: Option<char>, long: &[&str]) -> bool {
        self.args.iter().any(|a| {
            let t = a.text.as_str();
            if let Some(name) = t.strip_prefix("--") {
                let name = name.split('=').next().unwrap_or(name);
                long.contains(&name)
            } else if let (Some(c), Some(cluster)) = (short, t.strip_prefix('-')) {
                !cluster.is_empty()
                    && !cluster.starts_with('-')
                    && cluster.chars().all(|x| x.is_ascii_alphanumeric())
                    && cluster.contains(c)
            } else {
                false
            }
        })
    }

    /// Arguments that are not flags.
    pub fn positional(&self) -> impl Iterator<Item = &ShellArg> {
        self.args.iter().filter(|a| !a.text.starts_with('-'))
    }
}

/// Parsed scripts of the last build of a document, for the next (the
/// language server re-builds the model on every edit, and an edit changes
/// at most a few of its RUN scripts). A script is reused when its text and
/// the shape of its segments are the same, wherever it moved in the file.
/// They come from the model the build replaces ([`BuildCache::reclaim`](super::BuildCache::reclaim)).
#[derive(Default)]
pub struct ScriptCache {
    /// False for a document built once.
    keep: bool,
    /// The reclaimed scripts not yet reused, by key (several for a script
    /// repeated in the file).
    previous: HashMap<u64, Vec<ShellScript>>,
    /// Scripts the last build reused instead of parsing.
    reused: usize,
}

/// A script is reused for the same text and the same segments relative to
/// the first one's source.
fn same_script(a: (&str, &[Segment]), b: (&str, &[Segment])) -> bool {
    let base = |segments: &[Segment]| segments.first().map_or(0, |s| s.source);
    let (base_a, base_b) = (base(a.1), base(b.1));
    a.0 == b.0
        && a.1.len() == b.1.len()
        && a.1.iter().zip(b.1).all(|(x, y)| {
            x.logical == y.logical && x.len == y.len && x.source.wrapping_sub(base_a) == y.source.wrapping_sub(base_b)
        })
}

/// The hash of what [`same_script`] compares.
fn script_hash(text: &str, segments: &[Segment]) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = foldhash::fast::FixedState::default().build_hasher();
    text.hash(&mut hasher);
    let base = segments.first().map_or(0, |s| s.source);
    for s in segments {
        (s.logical, s.source.wrapping_sub(base), s.len).hash(&mut hasher);
    }
    hasher.finish()
}

impl ScriptCache {
    /// A cache kept from build to build of one document.
    pub(crate) fn kept() -> ScriptCache {
        ScriptCache { keep: true, ..ScriptCache::default() }
    }

    pub(crate) fn keeps_scripts(&self) -> bool {
        self.keep
    }

    /// The script for `text`, reused (moved to its new place) when the last
    /// build had it.
    pub(crate) fn parse(&mut self, text: String, segments: Vec<Segment>) -> ShellScript {
        if !self.keep || self.previous.is_empty() {
            return ShellScript::parse(text, segments);
        }
        let same = |s: &ShellScript| same_script((&s.text, &s.segments), (&text, &segments));
        let candidates = self.previous.get_mut(&script_hash(&text, &segments));
        match candidates.and_then(|list| list.iter().position(same).map(|i| list.swap_remove(i))) {
            Some(mut script) => {
                let from = script.segments.first().map_or(0, |s| s.source);
                let to = segments.first().map_or(0, |s| s.source);
                script.move_to(from, to);
                self.reused += 1;
                script
            }
            None => ShellScript::parse(text, segments),
        }
    }

    /// A script of the model being replaced, for the next build.
    pub(crate) fn reclaim(&mut self, script: ShellScript) {
        if self.keep {
            self.previous.entry(script_hash(&script.text, &script.segments)).or_default().push(script);
        }
    }

    /// A build starts: no script reused by it yet.
    pub(crate) fn start_build(&mut self) {
        self.reused = 0;
    }

    /// Forget the scripts the build did not use.
    pub(crate) fn finish_build(&mut self) {
        self.previous.clear();
    }

    pub(crate) fn reused(&self) -> usize {
        self.reused
    }
}

/// A parsed shell script.
#[derive(Clone, Debug)]
pub struct ShellScript {
    pub text: String,
    pub segments: Vec<Segment>,
    pub tree: Tree,
    pub commands: Vec<ShellCommand>,
    pub has_errors: bool,
    /// The SHELL in effect (`["/bin/sh", "-c"]` unless a SHELL instruction
    /// changed it in this stage or the stage it builds on).
    pub shell: Arc<[String]>,
    /// The logical offset of a construct nested more than [`MAX_NESTING`](super::MAX_NESTING)
    /// deep: the model then keeps no script for the RUN.
    pub(crate) too_deep: Option<usize>,
    /// The node kinds in `tree`, by kind id: a rule looking for a kind of
    /// node (a pipeline, a `&`) skips the walk of scripts without one.
    kinds: KindSet,
}

/// A set of tree-sitter-bash node kind ids. The grammar has fewer than 512
/// kinds; a larger id makes the set answer "maybe" for every kind.
#[derive(Clone, Debug, Default)]
struct KindSet {
    bits: [u64; 8],
    overflow: bool,
}

impl KindSet {
    fn insert(&mut self, id: u16) {
        match self.bits.get_mut(usize::from(id / 64)) {
            Some(word) => *word |= 1 << (id % 64),
            None => self.overflow = true,
        }
    }

    fn contains(&self, id: u16) -> bool {
        self.bits.get(usize::from(id / 64)).is_some_and(|word| word & (1 << (id % 64)) != 0)
    }
}

/// The ids tree-sitter-bash gives nodes of `kind` (a name can have several:
/// a named and an anonymous node, aliases).
fn kind_ids(kind: &str) -> &'static [u16] {
    static IDS: std::sync::OnceLock<HashMap<String, Vec<u16>>> = std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
        let mut ids: HashMap<String, Vec<u16>> = HashMap::new();
        for id in 0..u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX) {
            if let Some(name) = language.node_kind_for_id(id) {
                ids.entry(name.to_string()).or_default().push(id);
            }
        }
        ids
    });
    ids.get(kind).map_or(&[], Vec::as_slice)
}

impl ShellScript {
    /// Move the script's Dockerfile positions from `from` to `to`.
    fn move_to(&mut self, from: usize, to: usize) {
        let shift = |offset: usize| (offset + to).wrapping_sub(from);
        let range = |r: TextRange| TextRange::new(shift(r.start), shift(r.end));
        let script = self;
        if from == to {
            return;
        }
        for segment in &mut script.segments {
            segment.source = shift(segment.source);
        }
        for command in &mut script.commands {
            command.name_range = range(command.name_range);
            command.range = range(command.range);
            for arg in command.args.iter_mut().chain(command.wrappers.iter_mut()) {
                arg.range = range(arg.range);
            }
        }
    }

    pub(crate) fn with_shell(mut self, shell: Arc<[String]>) -> ShellScript {
        self.shell = shell;
        self
    }

    /// True when the script's tree has a node of `kind` (`"pipeline"`, `"&"`):
    /// a walk looking for one can be skipped when not. The tree of a `-c`
    /// string inside the script is not the script's tree and does not count.
    pub fn has_node_kind(&self, kind: &str) -> bool {
        self.kinds.overflow || kind_ids(kind).iter().any(|&id| self.kinds.contains(id))
    }

    /// The shell program's name without directory (`bash`, `sh`).
    pub fn shell_name(&self) -> &str {
        let program = self.shell.first().map_or("sh", String::as_str);
        program.rsplit(['/', '\\']).next().unwrap_or(program)
    }

    /// The bash `command` node of one of this script's commands, found from
    /// its logical range without walking the tree. None for a command of a
    /// `-c` string: the outer tree has only the string there.
    pub fn node_of(&self, cmd: &ShellCommand) -> Option<tree_sitter::Node<'_>> {
        if cmd.in_command_string {
            return None;
        }
        let mut node = self.tree.root_node().descendant_for_byte_range(cmd.logical.start, cmd.logical.end)?;
        loop {
            if node.kind() == "command" && node.byte_range() == cmd.logical {
                return Some(node);
            }
            node = node.parent()?;
        }
    }

    /// Map a logical offset to the Dockerfile.
    pub fn source_offset(&self, logical: usize) -> usize {
        map_offset(&self.segments, logical)
    }

    /// Map a logical range to the Dockerfile. The end maps to the end of the
    /// last byte, so a range never swallows the continuation after it.
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        map_range(&self.segments, start, end)
    }

    /// Commands with this base name (`apt-get`), in order.
    pub fn commands_named<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a ShellCommand> + 'a {
        self.commands.iter().filter(move |c| names.contains(&c.base_name()))
    }
}

/// Map a logical offset of a script with these segments to the Dockerfile.
pub(crate) fn map_offset(segments: &[Segment], logical: usize) -> usize {
    let i = segments.partition_point(|s| s.logical <= logical).saturating_sub(1);
    match segments.get(i) {
        Some(s) => s.source + (logical - s.logical).min(s.len),
        None => 0,
    }
}

/// Map a logical range to the Dockerfile (see [`ShellScript::source_range`]).
pub(crate) fn map_range(segments: &[Segment], start: usize, end: usize) -> TextRange {
    let s = map_offset(segments, start);
    let e = if end > start { map_offset(segments, end - 1) + 1 } else { s };
    TextRange::new(s, e.max(s))
}

/// Visit `root` and every node below it in document order, without
/// recursion (bash trees can be thousands of levels deep).
pub fn for_each_node<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut cursor = root.walk();
    loop {
        f(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(text: &str) -> ShellScript {
        ShellScript::parse(text.to_string(), vec![Segment { logical: 0, source: 100, len: text.len() }])
    }

    /// What the rules read of one script: text, segments, commands, shell.
    type ScriptView = (String, Vec<Segment>, Vec<ShellCommand>, Arc<[String]>);

    fn scripts_of(doc: &crate::Document) -> Vec<ScriptView> {
        let all = doc.instructions.iter().flat_map(|i| [Some(i), i.onbuild()]).flatten();
        all.filter_map(|i| i.script())
            .map(|s| (s.text.clone(), s.segments.clone(), s.commands.clone(), s.shell.clone()))
            .collect()
    }

    #[test]
    fn node_kinds_are_those_of_the_script_tree() {
        let s = script("a | b & export X=1");
        for kind in ["pipeline", "&", "declaration_command", "variable_assignment", "command"] {
            assert!(s.has_node_kind(kind), "{kind}");
        }
        assert!(!s.has_node_kind("unset_command"));
        assert!(!s.has_node_kind("no such kind"));
        // A `-c` string's tree is its own.
        let s = script("sh -c 'a | b && export X=1'");
        assert!(!s.has_node_kind("pipeline") && !s.has_node_kind("declaration_command"));
        assert!(s.commands.iter().any(|c| c.name == "b" && c.in_command_string));
    }

    /// A document built once with many RUNs parses its scripts in parallel;
    /// the scripts, their shells and the too-deep errors must be those of the
    /// sequential build the language server does.
    #[test]
    fn parallel_script_parsing_matches_the_sequential_build() {
        let deep = format!(
            "RUN {}true{}\n",
            "(".repeat(crate::model::MAX_NESTING + 5),
            ")".repeat(crate::model::MAX_NESTING + 5)
        );
        let mut text = String::from("FROM debian:12 AS base\n");
        for i in 0..1000 {
            text.push_str(&match i % 9 {
                0 => format!("RUN apt-get install -y p{i} \\\n  && rm -rf /var/lib/apt/lists/*\n"),
                1 => format!("RUN <<EOF\nset -e\npip install x{i}\nEOF\n"),
                2 => format!("ONBUILD RUN make t{i}\n"),
                3 => "SHELL [\"pwsh\", \"-Command\"]\nRUN Write-Host hi\n".to_string(),
                4 => "SHELL [\"/bin/bash\", \"-c\"]\n".to_string(),
                5 => format!("RUN [\"sh\", \"-c\", \"echo {i}\"]\n"),
                6 => format!("FROM base AS s{i}\nRUN sh -c 'apt-get install -y q{i}'\n"),
                7 => deep.clone(),
                _ => format!("RUN echo {i} | tee /x{i}\n"),
            });
        }
        let once = crate::Document::parse(&text);
        let kept = crate::Document::build_reusing(
            crate::SyntaxTree::parse(text.as_str()),
            &mut crate::model::BuildCache::new(),
        );
        let scripts = once.instructions.iter().filter(|i| i.script().is_some()).count();
        assert!(scripts > super::super::PARALLEL_SCRIPTS, "{scripts} scripts");
        assert_eq!(scripts_of(&once), scripts_of(&kept));
        let errors =
            |doc: &crate::Document| doc.syntax_errors.iter().map(|e| (e.range, e.message.clone())).collect::<Vec<_>>();
        assert_eq!(errors(&once), errors(&kept));
        assert!(errors(&once).iter().filter(|(_, m)| m.contains("nested too deeply")).count() >= 40);
        let windows = |doc: &crate::Document| doc.instructions.iter().filter(|i| i.windows_script().is_some()).count();
        assert_eq!(windows(&once), windows(&kept));
        assert!(windows(&once) >= 40);
    }

    #[test]
    fn reused_scripts_equal_fresh_ones_after_edits() {
        let sample = "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\nRUN echo a | tee /x\n\
                      RUN <<EOF\nset -e\npip install x\nEOF\nONBUILD RUN make \\\n  install\nSHELL [\"/bin/bash\", \"-c\"]\n\
                      RUN echo $HOME && cd /y\nRUN sh -c 'apt-get install \\\n  x && bash -c \"make\"'\n";
        let inserts = ["x", "\n", " ", "\\\n", "RUN a && b\n", "#", "\"", "é", ""];
        let mut edits = crate::random_edits::RandomEdits::new(0xcafe);
        let mut cache = crate::model::BuildCache::new();
        let mut text = sample.to_string();
        let mut reused = 0;
        for step in 0..300 {
            let (range, insert) = edits.edit(&text, 4, &inserts);
            text.replace_range(range.as_range(), insert);
            let doc = crate::Document::build_reusing(crate::SyntaxTree::parse(text.as_str()), &mut cache);
            assert_eq!(scripts_of(&doc), scripts_of(&crate::Document::parse(&text)), "step {step}: {text:?}");
            reused += cache.reused().1;
            cache.reclaim(std::sync::Arc::new(doc));
            if step % 60 == 59 {
                text = sample.to_string();
            }
        }
        assert!(reused > 600, "{reused} scripts reused");
        // An edit before the scripts moves them; they are not parsed again.
        let first = crate::Document::build_reusing(crate::SyntaxTree::parse(sample), &mut cache);
        let first = std::sync::Arc::new(first);
        cache.reclaim(std::sync::Arc::clone(&first));
        let moved = crate::Document::build_reusing(crate::SyntaxTree::parse(format!("# c\n{sample}")), &mut cache);
        let ids = |doc: &crate::Document| -> Vec<usize> {
            doc.instructions
                .iter()
                .filter_map(|i| i.script())
                .filter_map(|s| s.tree.root_node().child(0))
                .map(|n| n.id())
                .collect()
        };
        assert_eq!(ids(&first).len(), 5);
        assert_eq!(ids(&first), ids(&moved));
        assert_eq!(scripts_of(&moved), scripts_of(&crate::Document::parse(&format!("# c\n{sample}"))));
    }

    #[test]
    fn finds_commands_in_lists_subshells_and_bodies() {
        let s = script(
            "set -e; apt-get update && (cd /x && sudo apt-get install -y 'curl') || true; if true; then pip install a | tee x; fi",
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.base_name()).collect();
        assert_eq!(names, ["set", "apt-get", "cd", "apt-get", "true", "true", "pip", "tee"]);
        let install = &s.commands[3];
        assert_eq!(install.args.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(), ["install", "-y", "curl"]);
        assert!(install.has_flag(Some('y'), &["yes"]));
        assert!(s.commands[6].in_pipeline);
        assert_eq!(s.commands[1].name_range, TextRange::new(108, 115));
    }

    #[test]
    fn wrappers_and_their_option_values_are_skipped() {
        let s = script(
            "sudo -u app pip install flask; xargs -n 1 apt-get install -y < list; env -u X A=1 npm ci; timeout 5 curl x",
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.base_name()).collect();
        assert_eq!(names, ["pip", "apt-get", "npm", "curl"]);
        assert_eq!(s.commands[0].args[0].text, "install");
        assert_eq!(s.commands[0].wrappers.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["sudo"]);
    }

    fn locals(s: &ShellScript, name: &str) -> Vec<LocalValue> {
        s.commands
            .iter()
            .filter(|c| c.base_name() == name)
            .flat_map(|c| c.args.iter().map(|a| a.local.clone()))
            .collect()
    }

    #[test]
    fn arguments_see_literal_assignments_made_before_them() {
        let text = |t: &str| LocalValue::Text(t.to_string());
        let s = script("A='x y'; export B=\"z\" && a $A \"${B}\" $C ${A}-$B '$A'; A=$(date); b $A ${B:-q} $B");
        assert_eq!(locals(&s, "a"), [text("x y"), text("z"), LocalValue::None, text("x y-z"), LocalValue::None]);
        assert_eq!(locals(&s, "b"), [LocalValue::Unknown, LocalValue::Unknown, text("z")]);
        // Conditional, subshell, loop, `read` and prefix assignments are not followed.
        let s = script("(A=1); B=2 c $B; true || D=4; for E in 5; do :; done; F=6; read F; f $A $B $D $E $F");
        assert_eq!(
            locals(&s, "f"),
            [LocalValue::Unknown, LocalValue::None, LocalValue::Unknown, LocalValue::Unknown, LocalValue::Unknown]
        );
        // Before a special built-in, sh keeps the assignment (`A=… set -x`).
        let s = script("A=' x ' set -x && B=y true && g $A $B");
        assert_eq!(locals(&s, "g"), [text(" x "), LocalValue::None]);
    }

    /// The commands of the first RUN of `dockerfile`: base name, the
    /// Dockerfile text at its range, and whether a `-c` string runs it.
    fn run_commands(dockerfile: &str) -> Vec<(String, String, bool)> {
        let doc = crate::Document::parse(dockerfile);
        let script = doc.instructions.iter().find_map(|i| i.script()).expect("a RUN script");
        let commands = script.commands.iter();
        commands
            .map(|c| (c.base_name().to_string(), dockerfile[c.range.as_range()].to_string(), c.in_command_string))
            .collect()
    }

    fn owned(expected: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
        expected.iter().map(|(n, t, i)| (n.to_string(), t.to_string(), *i)).collect()
    }

    #[test]
    fn commands_of_exact_command_strings_follow_their_shell() {
        let dockerfile = "FROM debian\nRUN sh -c 'apt-get update && apt-get install -y curl' && true\n";
        assert_eq!(
            run_commands(dockerfile),
            owned(&[
                ("sh", "sh -c 'apt-get update && apt-get install -y curl'", false),
                ("apt-get", "apt-get update", true),
                ("apt-get", "apt-get install -y curl", true),
                ("true", "true", false),
            ])
        );
        let doc = crate::Document::parse(dockerfile);
        let script = doc.instructions[1].script().unwrap();
        let install = &script.commands[2];
        assert_eq!(&dockerfile[install.name_range.as_range()], "apt-get");
        assert_eq!(
            install.args.iter().map(|a| &dockerfile[a.range.as_range()]).collect::<Vec<_>>(),
            ["install", "-y", "curl"]
        );
        assert_eq!(&script.text[install.logical.clone()], "apt-get install -y curl");
        // The outer tree has no node for it, and must not answer with another.
        assert!(script.node_of(install).is_none());
        assert!(script.node_of(&script.commands[0]).is_some());
    }

    #[test]
    fn command_strings_map_across_continuation_lines() {
        let dockerfile = "FROM debian\nRUN bash -c 'apt-get install \\\n  curl \\\n  git'\n";
        let doc = crate::Document::parse(dockerfile);
        let script = doc.instructions[1].script().unwrap();
        let install = &script.commands[1];
        assert!(install.in_command_string);
        assert_eq!(
            install.args.iter().map(|a| &dockerfile[a.range.as_range()]).collect::<Vec<_>>(),
            ["install", "curl", "git"]
        );
        assert_eq!(&dockerfile[install.range.as_range()], "apt-get install \\\n  curl \\\n  git");
    }

    #[test]
    fn shell_option_clusters_paths_and_wrappers_reach_the_string() {
        let inner = |dockerfile: &str| -> Vec<String> {
            run_commands(dockerfile).into_iter().filter(|c| c.2).map(|c| c.1).collect()
        };
        assert_eq!(inner("FROM a\nRUN sh -ec 'make'\n"), ["make"]);
        assert_eq!(inner("FROM a\nRUN /bin/bash -c 'make'\n"), ["make"]);
        assert_eq!(inner("FROM a\nRUN bash -euxo pipefail -c 'make'\n"), ["make"]);
        assert_eq!(inner("FROM a\nRUN bash -o pipefail -lc 'make | tee x'\n"), ["make", "tee x"]);
        assert_eq!(inner("FROM a\nRUN sudo sh -c \"echo hi > /x\"\n"), ["echo hi"]);
        // Nested strings.
        assert_eq!(
            inner("FROM a\nRUN sh -c \"bash -c 'apt-get update'\"\n"),
            ["bash -c 'apt-get update'", "apt-get update"]
        );
        // Expansions and escapes would shift offsets: not parsed.
        assert!(inner("FROM a\nRUN sh -c \"apt-get install $X\"\n").is_empty());
        assert!(inner("FROM a\nRUN sh -c \"apt-get install \\\"x\\\"\"\n").is_empty());
        assert!(inner("FROM a\nRUN sh -c apt-get\n").is_empty());
        // No `-c`, no string, or `c` not a short option.
        assert!(inner("FROM a\nRUN sh script.sh 'make'\n").is_empty());
        assert!(inner("FROM a\nRUN sh --c 'make'\n").is_empty());
        assert!(inner("FROM a\nRUN python -c 'import x'\n").is_empty());
        assert_eq!(run_commands("FROM a\nRUN sh -c\n"), owned(&[("sh", "sh -c", false)]));
        assert_eq!(run_commands("FROM a\nRUN sh -c '\n").len(), 1);
        assert!(inner("FROM a\nRUN sh -c ''\n").is_empty());
    }

    #[test]
    fn command_strings_have_their_own_variables_and_pipelines() {
        let s = script("A=1 && sh -c 'B=2 && a $A $B | tee' && b $A");
        let a = s.commands.iter().find(|c| c.base_name() == "a").unwrap();
        assert!(a.in_command_string && a.in_pipeline);
        assert_eq!(
            a.args.iter().map(|x| x.local.clone()).collect::<Vec<_>>(),
            [LocalValue::None, LocalValue::Text("2".into())]
        );
        assert_eq!(locals(&s, "b"), [LocalValue::Text("1".into())]);
        // Commands stay in document order, which rules compare by offset.
        let starts: Vec<usize> = s.commands.iter().map(|c| c.logical.start).collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    }

    #[test]
    fn moved_scripts_move_their_command_string_commands() {
        let sample = "FROM a\nRUN sh -c 'apt-get install -y curl'\n";
        let mut cache = crate::model::BuildCache::new();
        let first = crate::Document::build_reusing(crate::SyntaxTree::parse(sample), &mut cache);
        cache.reclaim(std::sync::Arc::new(first));
        let moved = format!("# c\n{sample}");
        let doc = crate::Document::build_reusing(crate::SyntaxTree::parse(moved.as_str()), &mut cache);
        assert_eq!(cache.reused(), (2, 1));
        assert_eq!(scripts_of(&doc), scripts_of(&crate::Document::parse(&moved)));
        let install = &doc.instructions[1].script().unwrap().commands[1];
        assert_eq!(&moved[install.range.as_range()], "apt-get install -y curl");
    }

    #[test]
    fn maps_across_segments() {
        // "ab" from 10..12 and "cd" from 20..22.
        let s = ShellScript::parse(
            "abcd".into(),
            vec![Segment { logical: 0, source: 10, len: 2 }, Segment { logical: 2, source: 20, len: 2 }],
        );
        assert_eq!(s.source_offset(1), 11);
        assert_eq!(s.source_offset(2), 20);
        assert_eq!(s.source_range(0, 4), TextRange::new(10, 22));
        assert_eq!(s.source_range(0, 2), TextRange::new(10, 12));
    }
}
