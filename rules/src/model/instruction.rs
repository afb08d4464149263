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

/// One instruction: the parts several kinds share, and in [`Instruction::body`]
/// the parts of its own kind.
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
    /// FROM, RUN, COPY, ADD, HEALTHCHECK (the grammar reads them anywhere).
    pub flags: Vec<Flag>,
    /// Arguments in order: paths (COPY/ADD/VOLUME/WORKDIR), ports, user,
    /// signal, heredoc markers excluded. For the exec form, the decoded strings.
    pub args: Vec<Word>,
    /// ENV, LABEL, ARG.
    pub pairs: Vec<Pair>,
    pub json: Option<JsonForm>,
    pub shell: Option<ShellForm>,
    /// RUN, COPY, ADD.
    pub heredocs: Vec<Heredoc>,
    /// Blank lines inside the instruction's line continuations, each from
    /// the line's start to just after its newline (BuildKit warns about them).
    pub empty_continuation_lines: Vec<TextRange>,
    /// The stage this instruction belongs to (`None` before the first FROM).
    pub stage: Option<usize>,
    /// What only this kind of instruction has; its variant follows `kind`
    /// ([`Body::for_kind`]).
    pub body: Body,
}

/// The parts of an instruction that only its kind has. The variant is
/// chosen by the kind alone: `From` for FROM, `Run` for RUN, `Onbuild` for
/// ONBUILD, `Healthcheck` for HEALTHCHECK, `Text` for MAINTAINER and unknown
/// instructions, `Plain` for every other kind.
#[derive(Clone, Debug)]
pub enum Body {
    /// Nothing beyond the shared fields.
    Plain,
    From(Box<FromParts>),
    Run(RunParts),
    /// The instruction ONBUILD registers (`None` when missing, or below
    /// two levels of `ONBUILD ONBUILD`, which is not read).
    Onbuild(Option<Box<Instruction>>),
    Healthcheck(HealthcheckParts),
    /// MAINTAINER's name, an unknown instruction's arguments: free text.
    Text(Option<Box<Word>>),
}

impl Body {
    /// The empty body of an instruction of `kind`.
    pub fn for_kind(kind: InstructionKind) -> Body {
        match kind {
            InstructionKind::From => Body::From(Box::default()),
            InstructionKind::Run => Body::Run(RunParts::default()),
            InstructionKind::Onbuild => Body::Onbuild(None),
            InstructionKind::Healthcheck => Body::Healthcheck(HealthcheckParts::default()),
            InstructionKind::Maintainer | InstructionKind::Unknown => Body::Text(None),
            _ => Body::Plain,
        }
    }
}

/// `FROM [--platform=…] image [AS name]`.
#[derive(Clone, Debug, Default)]
pub struct FromParts {
    /// The image reference as written.
    pub image: Option<ImageSpec>,
    /// The stage name after `AS`.
    pub alias: Option<Word>,
    /// The `AS` keyword as written (its range; the text is in the source),
    /// with or without a name after it.
    pub as_keyword_range: Option<TextRange>,
}

/// A RUN's script, attached once the shell in effect is known (at most one
/// of the two is set).
#[derive(Clone, Debug, Default)]
pub struct RunParts {
    /// The script (shell form, heredoc script, or `sh -c` exec form),
    /// parsed with tree-sitter-bash. `None` when the SHELL in effect is not a
    /// POSIX shell.
    pub script: Option<Box<ShellScript>>,
    /// The commands when the SHELL in effect is PowerShell or cmd (shell
    /// form only), read by [`Instruction::commands`].
    pub windows_script: Option<Box<WindowsScript>>,
}

/// `HEALTHCHECK [flags] CMD …` or `HEALTHCHECK NONE`.
#[derive(Clone, Debug, Default)]
pub struct HealthcheckParts {
    /// The CMD, an instruction of its own.
    pub cmd: Option<Box<Instruction>>,
    /// Written as `HEALTHCHECK NONE`.
    pub none: bool,
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
        match self.run_parts() {
            Some(RunParts { script: Some(script), .. }) => &script.commands,
            Some(RunParts { script: None, windows_script: Some(windows) }) => &windows.commands,
            _ => &[],
        }
    }

    /// True when written in exec (JSON) form.
    pub fn is_exec_form(&self) -> bool {
        self.json.is_some()
    }

    /// A FROM's own parts.
    pub fn from_parts(&self) -> Option<&FromParts> {
        match &self.body {
            Body::From(parts) => Some(parts),
            _ => None,
        }
    }

    /// A FROM's image as written.
    pub fn image(&self) -> Option<&ImageSpec> {
        self.from_parts()?.image.as_ref()
    }

    /// A FROM's stage name (`AS name`).
    pub fn alias(&self) -> Option<&Word> {
        self.from_parts()?.alias.as_ref()
    }

    /// A RUN's scripts.
    pub fn run_parts(&self) -> Option<&RunParts> {
        match &self.body {
            Body::Run(parts) => Some(parts),
            _ => None,
        }
    }

    pub(crate) fn run_parts_mut(&mut self) -> Option<&mut RunParts> {
        match &mut self.body {
            Body::Run(parts) => Some(parts),
            _ => None,
        }
    }

    /// A RUN's script under a POSIX shell ([`RunParts::script`]).
    pub fn script(&self) -> Option<&ShellScript> {
        self.run_parts()?.script.as_deref()
    }

    /// A RUN's commands under PowerShell or cmd ([`RunParts::windows_script`]).
    pub fn windows_script(&self) -> Option<&WindowsScript> {
        self.run_parts()?.windows_script.as_deref()
    }

    /// The instruction an ONBUILD registers.
    pub fn onbuild(&self) -> Option<&Instruction> {
        match &self.body {
            Body::Onbuild(inner) => inner.as_deref(),
            _ => None,
        }
    }

    /// Give the instruction, and those inside it (ONBUILD's, HEALTHCHECK's
    /// CMD, at most three levels), the index `index`.
    pub(crate) fn set_index(&mut self, index: usize) {
        self.index = index;
        let inner = match &mut self.body {
            Body::Onbuild(inner) => inner.as_deref_mut(),
            Body::Healthcheck(healthcheck) => healthcheck.cmd.as_deref_mut(),
            _ => None,
        };
        if let Some(inner) = inner {
            inner.set_index(index);
        }
    }

    pub(crate) fn onbuild_mut(&mut self) -> Option<&mut Instruction> {
        match &mut self.body {
            Body::Onbuild(inner) => inner.as_deref_mut(),
            _ => None,
        }
    }

    /// A HEALTHCHECK's own parts.
    pub fn healthcheck(&self) -> Option<&HealthcheckParts> {
        match &self.body {
            Body::Healthcheck(parts) => Some(parts),
            _ => None,
        }
    }

    /// A HEALTHCHECK's CMD.
    pub fn healthcheck_cmd(&self) -> Option<&Instruction> {
        self.healthcheck()?.cmd.as_deref()
    }

    /// MAINTAINER's or an unknown instruction's free text.
    pub fn text(&self) -> Option<&Word> {
        match &self.body {
            Body::Text(text) => text.as_deref(),
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use std::mem::{discriminant, size_of};

    use super::*;
    use crate::Document;

    /// Instructions are cloned on every rebuild that reuses them
    /// (`model/reuse.rs`): the parts of one kind share one small field.
    /// 392 bytes when every kind's parts were fields of their own.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn instructions_stay_small() {
        assert_eq!(size_of::<Body>(), 24);
        assert_eq!(size_of::<Instruction>(), 336);
    }

    #[test]
    fn the_body_follows_the_kind() {
        let doc = Document::parse(
            "FROM alpine AS base\nFROM base AS\nRUN echo hi\nCMD x\nLABEL a=b\nMAINTAINER me\nEXPOSE 80\nENV A=1\n\
             ADD a /b\nCOPY a /b\nENTRYPOINT x\nVOLUME /v\nUSER u\nWORKDIR /w\nARG B\nONBUILD RUN make\nONBUILD\n\
             STOPSIGNAL 9\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\nSHELL [\"sh\", \"-c\"]\nFOO bar\nMAINTAINER\n",
        );
        let kinds: Vec<InstructionKind> = doc.instructions.iter().map(|i| i.kind).collect();
        for kind in InstructionKind::ALL {
            assert!(kinds.contains(&kind), "{kind:?} is in the sample");
        }
        for ins in &doc.instructions {
            assert_eq!(discriminant(&ins.body), discriminant(&Body::for_kind(ins.kind)), "{ins:?}");
        }
        let [from, bare_as, run, _, _, maintainer, ..] = &doc.instructions[..] else { panic!("23 instructions") };
        assert_eq!(from.image().map(|i| i.word.raw.as_str()), Some("alpine"));
        assert_eq!(from.alias().map(|a| a.raw.as_str()), Some("base"));
        assert!(bare_as.alias().is_none() && bare_as.from_parts().is_some_and(|f| f.as_keyword_range.is_some()));
        assert_eq!(run.script().map(|s| s.text.as_str()), Some("echo hi"));
        assert_eq!(run.commands().len(), 1);
        assert_eq!(maintainer.text().map(|t| t.raw.as_str()), Some("me"));
        let onbuild = doc.instructions[15].onbuild().expect("ONBUILD's instruction");
        assert_eq!((onbuild.kind, onbuild.index, onbuild.stage), (InstructionKind::Run, 15, Some(1)));
        assert_eq!(onbuild.script().map(|s| s.text.as_str()), Some("make"));
        assert!(doc.instructions[16].onbuild().is_none());
        let cmd = doc.instructions[18].healthcheck_cmd().expect("HEALTHCHECK's CMD");
        assert_eq!((cmd.kind, cmd.index), (InstructionKind::Cmd, 18));
        assert!(doc.instructions[19].healthcheck().is_some_and(|h| h.none && h.cmd.is_none()));
        assert_eq!(doc.instructions[21].text().map(|t| t.raw.as_str()), Some("bar"));
        assert!(doc.instructions[22].text().is_none());
        // Nothing of one kind's parts on another.
        assert!(run.image().is_none() && from.script().is_none() && run.onbuild().is_none() && from.text().is_none());
    }
}
