//! Helpers for deciding whether a fix is safe: who, later in the build,
//! could depend on what a fix removes or stops writing (a package index, a
//! download cache), and whether a command appended to a RUN runs where the
//! command it cleans up after ran. `docs/fix-safety.md` is the audit that
//! uses them.

use crate::diagnostic::TextRange;
use std::collections::HashMap;
use std::sync::Mutex;

use crate::model::{Document, DocumentFact, Instruction, InstructionKind, Later, ShellCommand, ShellScript};

use super::size::support::is_within;

/// Why a fix may change the build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hazard {
    /// A later step reads the state and nothing renews it first: the fix
    /// changes what that step does (for a package index: it fails). False
    /// when a step only may read it (a script dockside cannot see into, a
    /// build it cannot see).
    pub certain: bool,
    /// The step that depends on it (or the instruction itself, for a build
    /// this Dockerfile does not show).
    pub range: TextRange,
}

/// State that a fix removes or no longer writes, and how to recognise the
/// commands that use it.
pub(crate) struct Dependence<'x> {
    /// Where the state lives. A `COPY --from` or `--mount=from=` of one of
    /// these directories, of something inside one or of a parent reads it.
    pub dirs: &'x [&'x str],
    /// Programs that use the state. In `CMD`, `ENTRYPOINT`, `HEALTHCHECK`
    /// and RUNs that dockside does not split into commands (exec form
    /// without a shell, a heredoc for another interpreter) any of them
    /// counts as a possible reader.
    pub programs: &'x [&'x str],
    /// A command that reads the state.
    pub reads: &'x dyn Fn(&ShellCommand) -> bool,
    /// A command after which the state no longer comes from the fixed
    /// instruction: it fetches it again or removes it.
    pub resets: &'x dyn Fn(&ShellCommand) -> bool,
    /// Names this dependence in the document's memo of walks that found
    /// nothing: one name must always come with the same `programs`, `reads`
    /// and `resets` (`dirs` are part of the key).
    pub memo: &'static str,
}

/// Per dependence and stage, the first instruction from which a walk over
/// what comes later met no reader and no reset.
#[derive(Default)]
struct CleanWalks(Mutex<HashMap<(String, usize), usize>>);

impl DocumentFact for CleanWalks {
    fn compute(_: &Document) -> CleanWalks {
        CleanWalks::default()
    }
}

impl CleanWalks {
    fn starts(&self, key: &(String, usize)) -> Option<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(key).copied()
    }

    fn record(&self, key: (String, usize), from: usize) {
        let mut walks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let start = walks.entry(key).or_insert(from);
        *start = (*start).min(from);
    }
}

/// The first step after `ins` that could depend on the state `dep`
/// describes: later commands of `ins` itself after position `after_command`
/// (a fix that changes one command affects the rest of its RUN; a command
/// appended at the end has no rest), the later instructions of its stage and
/// of the stages built on it, their ONBUILD triggers, `COPY --from` out of
/// them, and, when `ins` is an ONBUILD trigger, the unknown build it runs in.
pub(crate) fn later_dependence(
    doc: &Document,
    ins: &Instruction,
    after_command: Option<usize>,
    dep: &Dependence<'_>,
) -> Option<Hazard> {
    if let Some(k) = after_command {
        for cmd in ins.commands().iter().skip(k + 1) {
            if (dep.resets)(cmd) {
                return None;
            }
            if let Some(hazard) = reader(cmd, dep) {
                return Some(hazard);
            }
        }
    }
    let later = doc.later(ins);
    if later.in_unknown_build {
        // An ONBUILD trigger runs in images built on this one, which this
        // Dockerfile does not show.
        return Some(Hazard { certain: false, range: ins.keyword_range });
    }
    // A walk that met no reader and no reset from some instruction of this
    // stage on has nothing to find from any later one (it walks a part of
    // the same instructions): a file of many installs asks once, not once
    // per install.
    let memo = doc.fact::<CleanWalks>();
    let memo_key = ins.stage.map(|stage| ([dep.memo, &dep.programs.join(" "), &dep.dirs.join(" ")].join("\0"), stage));
    let clean = memo_key.as_ref().is_some_and(|key| memo.starts(key).is_some_and(|from| from <= ins.index));
    // Walk in document order (a stage's instructions come before those of
    // the stages built on it), noting the stages where the state was reset:
    // what comes after a reset on its way no longer sees the fixed state.
    let mut reset_in: Vec<usize> = Vec::new();
    for i in later.instructions().filter(|_| !clean) {
        if !reset_in.is_empty() {
            let chain = i.stage.map(|s| doc.stage_chain(s)).unwrap_or_default();
            if chain.iter().any(|s| reset_in.contains(&s.index)) {
                continue;
            }
        }
        if let Some(hazard) = instruction_reader(i, dep) {
            return Some(hazard);
        }
        if let Some(stage) = i.stage
            && i.commands().iter().any(|c| (dep.resets)(c))
        {
            reset_in.push(stage);
            if ins.stage == Some(stage) {
                // Everything left is in this stage or built on it.
                break;
            }
        }
    }
    if !clean
        && reset_in.is_empty()
        && let Some(key) = memo_key
    {
        memo.record(key, ins.index);
    }
    // Triggers run after the whole stage: a reset anywhere after `ins` in
    // its own stage comes first.
    if !ins.stage.is_some_and(|s| reset_in.contains(&s)) {
        for trigger in &later.triggers {
            if let Some(hazard) = instruction_reader(trigger, dep) {
                return Some(hazard);
            }
        }
    }
    copy_out_reader(&later, dep)
}

/// What a later instruction does with the state.
fn instruction_reader(i: &Instruction, dep: &Dependence<'_>) -> Option<Hazard> {
    match i.kind {
        InstructionKind::Run => {
            let commands = i.commands();
            if commands.is_empty() {
                return unread_run(i, dep);
            }
            for cmd in commands {
                if (dep.resets)(cmd) {
                    return None;
                }
                if let Some(hazard) = reader(cmd, dep) {
                    return Some(hazard);
                }
            }
            None
        }
        InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Healthcheck => {
            let command = i.healthcheck_cmd().unwrap_or(i);
            let words: Vec<&str> = match (&command.json, &command.shell) {
                (Some(json), _) => json.items.iter().map(|(s, _)| s.as_str()).collect(),
                (None, Some(shell)) => shell.text.split([' ', '\t', '\n', ';', '&', '|', '(', ')']).collect(),
                (None, None) => Vec::new(),
            };
            let uses = words.iter().any(|w| dep.programs.contains(&base_name(w)));
            // It runs when the container starts.
            uses.then_some(Hazard { certain: false, range: i.range })
        }
        _ => None,
    }
}

/// A RUN dockside has no commands for: exec form without a shell, a
/// heredoc for another interpreter.
fn unread_run(i: &Instruction, dep: &Dependence<'_>) -> Option<Hazard> {
    let program = i.json.as_ref().and_then(|j| j.items.first()).map(|(p, _)| p.as_str());
    let possible = match program {
        Some(p) => dep.programs.contains(&base_name(p)) || p.ends_with(".sh") || p.starts_with("./"),
        // A heredoc with its own interpreter line: a program we do not read.
        None => !i.heredocs.is_empty(),
    };
    possible.then_some(Hazard { certain: false, range: i.range })
}

/// A command that reads the state, or may (it runs code dockside cannot see).
fn reader(cmd: &ShellCommand, dep: &Dependence<'_>) -> Option<Hazard> {
    if (dep.reads)(cmd) {
        return Some(Hazard { certain: true, range: cmd.range });
    }
    is_opaque(cmd).then_some(Hazard { certain: false, range: cmd.range })
}

/// `COPY --from` or `--mount=from=` of the state (or of a parent, or of a
/// path a variable hides).
fn copy_out_reader(later: &Later<'_>, dep: &Dependence<'_>) -> Option<Hazard> {
    for copy in &later.copies_out {
        for source in &copy.sources {
            let (hit, certain) = match source {
                None => (true, false),
                Some(path) if !path.starts_with('/') => (false, false),
                Some(path) => {
                    let inside = dep.dirs.iter().any(|d| is_within(path, d));
                    let parent = dep.dirs.iter().any(|d| is_within(d, path));
                    (inside || parent, inside)
                }
            };
            if hit {
                return Some(Hazard { certain, range: copy.instruction.range });
            }
        }
    }
    None
}

fn base_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// POSIX shells, which run a script file, standard input or a `-c` string.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// A command that runs code dockside does not read, so it may run anything:
/// a script file (`./setup`, `install.sh`, `bash build.sh`, `curl … | sh`),
/// a `-c` string with expansions in it (literal ones are read: their
/// commands are commands of the script), `source`/`.`, `eval`, `make`, or
/// a helper whose name says it installs (`install_packages`,
/// `docker-php-ext-install`; not `install`, which copies files). Programs
/// of other languages (`python setup.py`) are not counted.
pub(crate) fn is_opaque(cmd: &ShellCommand) -> bool {
    let name = cmd.base_name();
    if SHELLS.contains(&name) {
        let dash_c = cmd
            .args
            .iter()
            .position(|a| a.text.starts_with('-') && !a.text.starts_with("--") && a.text[1..].contains('c'));
        return match dash_c {
            Some(i) => cmd.args.get(i + 1).is_none_or(|s| s.text.contains(['$', '`', '\\'])),
            None => true,
        };
    }
    cmd.name.starts_with("./")
        || cmd.name.starts_with("../")
        || name.ends_with(".sh")
        || name.ends_with(".bash")
        || matches!(name, "source" | "." | "eval" | "make" | "gmake")
        || (name != "install" && name.contains("install"))
}

/// True when a `--mount` of `run` covers one of `dirs` or lies inside one:
/// a command that deletes them would work on the mount (read-only for a
/// bind mount, shared with other builds for a cache).
pub(crate) fn mounts_over(run: &Instruction, dirs: &[&str]) -> bool {
    run.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")).any(|f| {
        let target = ["target", "dst", "destination"].iter().find_map(|k| f.mount_value(k));
        target.is_some_and(|t| dirs.iter().any(|d| is_within(d, &t) || is_within(&t, d)))
    })
}

/// Why a command appended at the end of the RUN may not run where `cmd`
/// ran: `cmd` ran through `sudo` or `chroot` (other privileges, another
/// root), in a `-c` string's own shell (a login shell, another user), or,
/// when the appended command starts with `program`, under another name or
/// path (`/opt/node/bin/npm`: `npm` may not be on `PATH`) or in a subshell
/// (whose `PATH` may differ).
pub(crate) fn appended_command_hazard(
    script: &ShellScript,
    cmd: &ShellCommand,
    program: Option<&str>,
) -> Option<String> {
    if let Some(w) = cmd.wrappers.iter().find(|w| matches!(base_name(&w.text), "sudo" | "chroot" | "doas")) {
        return Some(format!("`{}` runs through `{}`; the appended command would not", cmd.base_name(), w.text));
    }
    if cmd.in_command_string {
        return Some(format!(
            "`{}` runs in the shell of a `-c` string, the appended command in the RUN's",
            cmd.base_name()
        ));
    }
    let program = program?;
    if cmd.name != program {
        return Some(format!("`{}` is run as `{}`; `{program}` may not be on PATH", program, cmd.name));
    }
    let in_subshell = std::iter::successors(script.node_of(cmd), |n| n.parent())
        .any(|n| matches!(n.kind(), "subshell" | "command_substitution" | "process_substitution"));
    in_subshell
        .then(|| format!("`{}` runs in a subshell, whose environment the appended command does not share", cmd.name))
}

/// `rm` of one of `dirs` (or of a parent).
pub(crate) fn removes(cmd: &ShellCommand, dirs: &[&str]) -> bool {
    cmd.base_name() == "rm"
        && cmd.positional().any(|a| {
            let path = a.text.trim_end_matches('*');
            !path.trim_end_matches('/').is_empty() && dirs.iter().any(|d| is_within(d, path))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &ShellCommand) -> bool {
        false
    }

    fn apt_reads(c: &ShellCommand) -> bool {
        c.base_name() == "apt-get" && crate::rules::package_cli::apt_subcommand(c).is_some_and(|a| a.text == "install")
    }

    fn apt_resets(c: &ShellCommand) -> bool {
        (c.base_name() == "apt-get" && crate::rules::package_cli::apt_subcommand(c).is_some_and(|a| a.text == "update"))
            || removes(c, &["/var/lib/apt/lists"])
    }

    const APT: Dependence<'static> = Dependence {
        dirs: &["/var/lib/apt/lists"],
        programs: &["apt-get"],
        reads: &apt_reads,
        resets: &apt_resets,
        memo: "test-apt",
    };

    /// The hazard for the first RUN of `text`: (certain, the text it points at).
    fn hazard(text: &str) -> Option<(bool, String)> {
        let doc = Document::parse(text);
        let run = doc.instructions.iter().find(|i| i.kind == InstructionKind::Run).expect("a RUN");
        later_dependence(&doc, run, None, &APT).map(|h| (h.certain, doc.text()[h.range.as_range()].to_string()))
    }

    #[test]
    fn readers_in_the_stage_and_the_stages_built_on_it() {
        assert_eq!(
            hazard("FROM d\nRUN apt-get update\nRUN apt-get install x\n"),
            Some((true, "apt-get install x".into()))
        );
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN apt-get update && apt-get install x\n"), None);
        assert_eq!(
            hazard("FROM d AS a\nRUN apt-get update\nFROM a\nRUN apt-get install x\n"),
            Some((true, "apt-get install x".into()))
        );
        // Another stage does not see the files.
        assert_eq!(hazard("FROM d AS a\nRUN apt-get update\nFROM d\nRUN apt-get install x\n"), None);
        // An update on the way protects what follows, not a sibling stage.
        assert_eq!(
            hazard("FROM d AS a\nRUN apt-get update\nFROM a AS b\nRUN apt-get update\nFROM a\nRUN apt-get install y\n"),
            Some((true, "apt-get install y".into()))
        );
        assert_eq!(
            hazard("FROM d AS a\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nFROM a\nRUN apt-get install y\n"),
            None
        );
    }

    #[test]
    fn possible_readers() {
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN ./setup\n"), Some((false, "./setup".into())));
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN curl -L x | sh\n"), Some((false, "sh".into())));
        assert_eq!(
            hazard("FROM d\nRUN apt-get update\nRUN sh -c 'apt-get install x'\n"),
            Some((true, "apt-get install x".into()))
        );
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN make\n"), Some((false, "make".into())));
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN python3 setup.py build\n"), None);
        assert_eq!(
            hazard("FROM d\nRUN apt-get update\nRUN [\"apt-get\", \"install\", \"x\"]\n").map(|h| h.0),
            Some(false)
        );
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN [\"./setup\", \"--all\"]\n").map(|h| h.0), Some(false));
        assert_eq!(hazard("FROM d\nRUN apt-get update\nRUN [\"/usr/bin/python3\", \"x.py\"]\n"), None);
        assert_eq!(hazard("FROM d\nRUN apt-get update\nCMD apt-get install -y x && run\n").map(|h| h.0), Some(false));
        assert_eq!(
            hazard("FROM d\nRUN apt-get update\nONBUILD RUN apt-get install x\n"),
            Some((true, "apt-get install x".into()))
        );
        assert_eq!(
            hazard("FROM d AS a\nRUN apt-get update\nFROM d\nCOPY --from=a /var/lib/apt/lists /l\n"),
            Some((true, "COPY --from=a /var/lib/apt/lists /l".into()))
        );
        assert_eq!(hazard("FROM d AS a\nRUN apt-get update\nFROM d\nCOPY --from=a / /\n").map(|h| h.0), Some(false));
        assert_eq!(hazard("FROM d AS a\nRUN apt-get update\nFROM d\nCOPY --from=a /app /app\n"), None);
        let doc = Document::parse("FROM d\nONBUILD RUN apt-get update\n");
        let inner = doc.instructions[1].onbuild().expect("a trigger");
        let dep = Dependence { dirs: &[], programs: &[], reads: &never, resets: &never, memo: "test-never" };
        assert!(later_dependence(&doc, inner, None, &dep).is_some_and(|h| !h.certain));
    }

    #[test]
    fn the_rest_of_the_same_run() {
        let doc = Document::parse("FROM d\nRUN apt-get update && apt-get install x && apt-get update\n");
        let run = &doc.instructions[1];
        assert!(later_dependence(&doc, run, Some(0), &APT).is_some_and(|h| h.certain));
        assert_eq!(later_dependence(&doc, run, Some(1), &APT), None);
    }

    #[test]
    fn opaque_commands() {
        let doc = Document::parse(
            "FROM d\nRUN ./a && sh b.sh && sh -c 'echo' && sh -c \"$X\" && install -m 755 a /b && install_packages c && /x/y.sh && python3 z.py\n",
        );
        let script = doc.instructions[1].script().expect("a script");
        let opaque: Vec<&str> = script.commands.iter().filter(|c| is_opaque(c)).map(|c| c.name.as_str()).collect();
        assert_eq!(opaque, ["./a", "sh", "sh", "install_packages", "/x/y.sh"]);
    }

    #[test]
    fn where_an_appended_command_runs() {
        let doc = Document::parse(
            "FROM d\nRUN sudo apt-get update && (npm ci) && /opt/bin/npm ci && npm ci && bash -c 'npm ci'\n",
        );
        let script = doc.instructions[1].script().expect("a script");
        let hazards: Vec<bool> =
            script.commands.iter().map(|c| appended_command_hazard(script, c, Some("npm")).is_some()).collect();
        // The last two: `bash` itself, and `npm ci` in its `-c` string.
        assert_eq!(hazards, [true, true, true, false, true, true]);
        assert!(appended_command_hazard(script, &script.commands[1], None).is_none());
    }
}
