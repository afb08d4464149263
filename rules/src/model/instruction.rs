//! Instructions as the model reads them: kinds, flags, pairs, exec and
//! shell forms, heredocs and the image of a `FROM`.

use crate::diagnostic::TextRange;

use super::{Segment, ShellCommand, ShellScript, WindowsScript, Word};

/// Instruction keywords, plus `Unknown` for anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstructionKind {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    Unknown,
}

impl InstructionKind {
    pub const COUNT: usize = 19;
    pub const ALL: [InstructionKind; 19] = [
        Self::From,
        Self::Run,
        Self::Cmd,
        Self::Label,
        Self::Maintainer,
        Self::Expose,
        Self::Env,
        Self::Add,
        Self::Copy,
        Self::Entrypoint,
        Self::Volume,
        Self::User,
        Self::Workdir,
        Self::Arg,
        Self::Onbuild,
        Self::Stopsignal,
        Self::Healthcheck,
        Self::Shell,
        Self::Unknown,
    ];

    /// The keyword in upper case (`FROM`); `Unknown` has none.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::From => "FROM",
            Self::Run => "RUN",
            Self::Cmd => "CMD",
            Self::Label => "LABEL",
            Self::Maintainer => "MAINTAINER",
            Self::Expose => "EXPOSE",
            Self::Env => "ENV",
            Self::Add => "ADD",
            Self::Copy => "COPY",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Volume => "VOLUME",
            Self::User => "USER",
            Self::Workdir => "WORKDIR",
            Self::Arg => "ARG",
            Self::Onbuild => "ONBUILD",
            Self::Stopsignal => "STOPSIGNAL",
            Self::Healthcheck => "HEALTHCHECK",
            Self::Shell => "SHELL",
            Self::Unknown => "",
        }
    }

    pub(super) fn from_node_kind(kind: &str) -> Option<InstructionKind> {
        let name = kind.strip_suffix("_instruction")?;
        Self::ALL
            .into_iter()
            .find(|k| k.keyword().eq_ignore_ascii_case(name))
            .or((name == "unknown").then_some(Self::Unknown))
    }
}

/// `--name[=value]` on FROM, RUN, COPY, ADD, HEALTHCHECK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub range: TextRange,
    pub name: String,
    pub name_range: TextRange,
    pub value: Option<Word>,
    /// For `--mount=…`: the `key[=value]` options.
    pub mount: Vec<MountOption>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountOption {
    pub key: String,
    pub key_range: TextRange,
    pub value: Option<Word>,
}

impl Flag {
    /// A mount option's value (`type`, `target`...).
    pub fn mount_value(&self, key: &str) -> Option<String> {
        self.mount.iter().find(|o| o.key.eq_ignore_ascii_case(key)).and_then(|o| o.value.as_ref()).map(Word::value)
    }
}

/// `key=value` in ENV, LABEL and ARG (ARG's value is its default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub range: TextRange,
    pub key: Word,
    pub value: Option<Word>,
    /// Written as `key value` (ENV/LABEL legacy form) instead of `key=value`.
    pub legacy: bool,
}

/// The exec form of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD and VOLUME.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonForm {
    pub range: TextRange,
    /// Decoded strings, each with the range of its JSON string (quotes included).
    pub items: Vec<(String, TextRange)>,
}

/// Shell-form text of RUN, CMD, ENTRYPOINT (and HEALTHCHECK CMD).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellForm {
    pub range: TextRange,
    /// What Docker passes to the shell: continuations and the comment lines
    /// inside them removed.
    pub text: String,
    pub segments: Vec<Segment>,
}

/// A heredoc attached to RUN, COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// `<<EOF`, `<<-"EOF"` ...
    pub marker_range: TextRange,
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// A quoted delimiter turns off variable expansion in the body.
    pub quoted: bool,
    /// The body lines as written (tabs kept), without the terminator line.
    pub body: String,
    pub body_range: TextRange,
    /// The terminator line, if present.
    pub end_range: Option<TextRange>,
}

/// One instruction, with everything parsed that any instruction may carry.
#[derive(Clone, Debug)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// Index in [`Document::instructions`] (for ONBUILD's inner instruction:
    /// the index of the ONBUILD).
    pub index: usize,
    /// From the keyword to the end of the last argument or heredoc.
    pub range: TextRange,
    pub keyword_range: TextRange,
    /// The keyword as written (`from`, `Run`).
    pub keyword: String,
    pub flags: Vec<Flag>,
    /// Arguments in order: paths (COPY/ADD/VOLUME/WORKDIR), ports, user,
    /// signal, heredoc markers excluded. For the exec form, the decoded strings.
    pub args: Vec<Word>,
    pub pairs: Vec<Pair>,
    pub json: Option<JsonForm>,
    pub shell: Option<ShellForm>,
    /// The RUN script (shell form, heredoc script, or `sh -c` exec form),
    /// parsed with tree-sitter-bash. `None` when the SHELL in effect is not a
    /// POSIX shell.
    pub script: Option<Box<ShellScript>>,
    /// The RUN's commands when the SHELL in effect is PowerShell or cmd
    /// (shell form only), read by [`Instruction::commands`].
    pub windows_script: Option<Box<WindowsScript>>,
    pub heredocs: Vec<Heredoc>,
    /// FROM: the image reference as written.
    pub image: Option<Box<ImageSpec>>,
    /// FROM … AS name.
    pub alias: Option<Box<Word>>,
    /// ONBUILD's instruction; HEALTHCHECK's CMD.
    pub onbuild: Option<Box<Instruction>>,
    pub healthcheck_cmd: Option<Box<Instruction>>,
    pub healthcheck_none: bool,
    /// FROM has the `AS` keyword (with or without a name after it).
    pub has_as_keyword: bool,
    /// FROM: the `AS` keyword as written (its range; the text is in the source).
    pub as_keyword_range: Option<TextRange>,
    /// Blank lines inside the instruction's line continuations, each from
    /// the line's start to just after its newline (BuildKit warns about them).
    pub empty_continuation_lines: Vec<TextRange>,
    /// Free text (MAINTAINER, unknown instructions).
    pub text: Option<Box<Word>>,
    /// The stage this instruction belongs to (`None` before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    /// True when a `--mount=type=cache` is among the flags.
    pub fn has_cache_mount(&self) -> bool {
        self.flags.iter().any(|f| {
            f.name.eq_ignore_ascii_case("mount")
                && f.mount_value("type").is_some_and(|t| t.eq_ignore_ascii_case("cache"))
        })
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The simple commands of a RUN, under a POSIX shell or (split more
    /// simply) under PowerShell or cmd. For rules whose commands mean the
    /// same in every shell (`pip install`, `npm install`, `cd`); anything
    /// POSIX-specific reads [`Instruction::script`].
    pub fn commands(&self) -> &[ShellCommand] {
        match (&self.script, &self.windows_script) {
            (Some(script), _) => &script.commands,
            (None, Some(windows)) => &windows.commands,
            (None, None) => &[],
        }
    }

    /// True when written in exec (JSON) form.
    pub fn is_exec_form(&self) -> bool {
        self.json.is_some()
    }
}

/// The image of a FROM as written, with the grammar's split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSpec {
    pub word: Word,
    pub registry_range: Option<TextRange>,
    pub name_range: TextRange,
    pub tag_range: Option<TextRange>,
    pub digest_range: Option<TextRange>,
}
