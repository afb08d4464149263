//! Helpers shared by the size rules: package-manager subcommands, cleanup
//! commands, cache mounts, whether a stage's files reach an image, and the
//! edit that appends a cleanup command to a RUN.

use crate::diagnostic::{Applicability, Edit};
use crate::model::{
    Base, Document, DocumentFact, Instruction, InstructionKind, Scope, ShellArg, ShellCommand, ShellScript,
};
use crate::rules::fix_safety::{self, Dependence};
use crate::rules::package_cli;

/// True when `ins` is the instruction wrapped in an `ONBUILD`.
pub(super) fn in_onbuild(doc: &Document, ins: &Instruction) -> bool {
    doc.instructions.get(ins.index).is_some_and(|outer| outer.kind == InstructionKind::Onbuild)
}

/// The first argument that is not a flag, with its index. The values of the
/// flags in `value_flags` are skipped (`-o Opt=1` in `apt-get -o Opt=1 install`).
pub(super) fn subcommand<'a>(cmd: &'a ShellCommand, value_flags: &[&str]) -> Option<(usize, &'a ShellArg)> {
    first_positional(&cmd.args, value_flags)
}

/// [`subcommand`] over a slice of arguments (the shared reader).
pub(super) fn first_positional<'a>(args: &'a [ShellArg], value_flags: &[&str]) -> Option<(usize, &'a ShellArg)> {
    package_cli::subcommand(args, value_flags)
}

/// The subcommand of `cmd` when it is one of `names`.
pub(super) fn subcommand_in<'a>(cmd: &'a ShellCommand, value_flags: &[&str], names: &[&str]) -> Option<&'a ShellArg> {
    subcommand(cmd, value_flags).map(|(_, a)| a).filter(|a| names.contains(&a.text.as_str()))
}

/// yum's, dnf's and microdnf's subcommand, with its index (their options
/// and the values of [`package_cli::RPM_VALUE_OPTIONS`] skipped).
pub(super) fn rpm_subcommand(cmd: &ShellCommand) -> Option<(usize, &ShellArg)> {
    subcommand(cmd, package_cli::RPM_VALUE_OPTIONS)
}

/// `clean all` run by one of `programs` (yum/dnf front ends).
pub(super) fn rpm_cleans_all(cmd: &ShellCommand, programs: &[&str]) -> bool {
    programs.contains(&cmd.base_name())
        && rpm_subcommand(cmd)
            .is_some_and(|(i, sub)| sub.text == "clean" && cmd.args[i + 1..].iter().any(|a| a.text == "all"))
}

/// One of `programs` (yum/dnf front ends) doing anything but `clean` (and
/// `--version`): it reads the metadata cache.
pub(super) fn rpm_reads_cache(cmd: &ShellCommand, programs: &[&str]) -> bool {
    programs.contains(&cmd.base_name()) && rpm_subcommand(cmd).is_some_and(|(_, sub)| sub.text != "clean")
}

/// `path` without trailing `/` and `/*` (`/var/lib/apt/lists/*` is
/// `/var/lib/apt/lists`, `/` is the empty string).
pub(crate) fn trim_path(path: &str) -> &str {
    let mut p = path;
    loop {
        let next = p.strip_suffix("/*").or_else(|| p.strip_suffix('/')).unwrap_or(p);
        if next.len() == p.len() {
            return p;
        }
        p = next;
    }
}

/// True when `dir` is `parent` or lies inside it.
pub(crate) fn is_within(dir: &str, parent: &str) -> bool {
    let (dir, parent) = (trim_path(dir), trim_path(parent));
    dir == parent || dir.strip_prefix(parent).is_some_and(|rest| rest.starts_with('/'))
}

/// True when a command after position `after` in the script deletes one of
/// `dirs` (`rm -rf /var/lib/apt/lists/*`, or `rm -rf /var/lib/apt`), also
/// inside a `sh -c '…'` string.
pub(super) fn removes_later(script: &ShellScript, after: usize, dirs: &[&str]) -> bool {
    let covers = |path: &str| !path.is_empty() && dirs.iter().any(|d| is_within(d, path));
    script.commands[after + 1..].iter().any(|cmd| match cmd.base_name() {
        "rm" => cmd.positional().any(|arg| covers(&arg.text)),
        "sh" | "bash" | "dash" | "ash" | "zsh" => {
            let Some(i) = cmd.args.iter().position(|a| a.text == "-c") else { return false };
            cmd.args.get(i + 1).is_some_and(|inner| {
                let words: Vec<&str> =
                    inner.text.split(|c: char| c.is_whitespace() || "\"';&|()".contains(c)).collect();
                words.iter().position(|w| *w == "rm").is_some_and(|rm| words[rm + 1..].iter().any(|w| covers(w)))
            })
        }
        _ => false,
    })
}

/// True when the RUN mounts a cache or a tmpfs on a directory for which
/// `covers` holds (it is given the target without trailing `/`).
pub(super) fn has_cache_mount(run: &Instruction, covers: impl Fn(&str) -> bool) -> bool {
    run.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")).any(|f| {
        let kind = f.mount_value("type").unwrap_or_default().to_ascii_lowercase();
        let target = ["target", "dst", "destination"].iter().find_map(|k| f.mount_value(k));
        matches!(kind.as_str(), "cache" | "tmpfs") && target.is_some_and(|t| covers(trim_path(&t)))
    })
}

/// True when the RUN mounts a cache or a tmpfs on one of `dirs` or on a
/// directory containing it.
pub(super) fn has_cache_mount_over(run: &Instruction, dirs: &[&str]) -> bool {
    has_cache_mount(run, |target| dirs.iter().any(|d| is_within(d, target)))
}

/// Whether files a RUN leaves in one of `dirs` end up in an image: the RUN
/// is an ONBUILD trigger (it runs in the downstream image), or its stage is
/// the final one, or a later stage builds `FROM` it, or a later
/// `COPY --from` copies one of `dirs` (or a parent) out of it.
pub(super) fn reaches_an_image(doc: &Document, run: &Instruction, dirs: &[&str]) -> bool {
    if in_onbuild(doc, run) {
        return true;
    }
    let Some(stage) = run.stage else { return true };
    if stage + 1 >= doc.stages.len() {
        return true;
    }
    let uses = doc.fact::<StageUses>();
    uses.built_on[stage] || uses.copied[stage].iter().any(|src| dirs.iter().any(|d| is_within(d, src)))
}

/// Whether the *layers* a RUN commits end up in an image, not just its
/// files: the RUN is an ONBUILD trigger, or it has no stage (a fragment),
/// or its stage is the final one or one the final stage builds on
/// (`FROM`, recursively). A `COPY --from` (even of `/`) copies only the
/// stage's finished files, so bytes one layer added and a later layer
/// hid or rewrote are not duplicated there: rules about such bytes ask
/// this, not [`reaches_an_image`].
pub(super) fn layers_reach_an_image(doc: &Document, run: &Instruction) -> bool {
    in_onbuild(doc, run) || run.stage.is_none_or(|stage| doc.in_final_chain(stage))
}

/// How later stages use each stage: built `FROM` it, and the sources of
/// the `COPY --from` after its end that copy out of it.
struct StageUses {
    built_on: Vec<bool>,
    copied: Vec<Vec<String>>,
}

impl DocumentFact for StageUses {
    fn compute(doc: &Document) -> StageUses {
        let mut built_on = vec![false; doc.stages.len()];
        let mut copied = vec![Vec::new(); doc.stages.len()];
        for stage in &doc.stages {
            if let Base::Stage(parent) = stage.base {
                built_on[parent] = true;
            }
        }
        for copy in doc.instructions.iter().filter(|i| i.kind == InstructionKind::Copy) {
            let Some(from) = copy.flag("from").and_then(|f| f.value.as_ref()) else { continue };
            let from = Scope::at(doc, copy.index).expand(from);
            let Some(stage) = doc.stage_named(&from.text).filter(|s| from.complete && copy.index >= s.end) else {
                continue;
            };
            let sources = &copy.args[..copy.args.len().saturating_sub(1)];
            copied[stage.index].extend(sources.iter().map(|src| src.value()));
        }
        StageUses { built_on, copied }
    }
}

/// Where a cleanup command can be appended to a shell-form RUN: right after
/// its last statement, when only blanks, `;` and comments follow. `None` for
/// exec form, heredocs and scripts with syntax errors.
pub(super) fn append_point(run: &Instruction) -> Option<usize> {
    let (end, tail) = last_statement(run)?;
    let rest = tail.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
    let only_comments = rest.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    only_comments.then_some(end)
}

/// The edit appending ` && <command>` to a shell-form RUN (see [`append_point`]).
pub(super) fn append_command(run: &Instruction, command: &str) -> Option<Edit> {
    append_point(run).map(|at| Edit::insert(at, format!(" && {command}")))
}

/// The Dockerfile offset after the last statement of a shell-form RUN
/// without heredocs, and the script text that follows it.
pub(super) fn last_statement(run: &Instruction) -> Option<(usize, &str)> {
    if run.shell.is_none() || !run.heredocs.is_empty() {
        return None;
    }
    let script = run.script()?;
    if script.has_errors {
        return None;
    }
    let root = script.tree.root_node();
    let mut cursor = root.walk();
    let last = root.named_children(&mut cursor).filter(|n| n.kind() != "comment").last()?;
    let end = script.source_range(last.start_byte(), last.end_byte()).end;
    Some((end, &script.text[last.end_byte()..]))
}

/// Whether appending a cleanup (run by `program`) to `run` after `cmd`, the
/// last command that filled the cache `dep` describes, is safe: not when a
/// later step may read the cache (it would fetch again, which fails without
/// the network or credentials this RUN had, and gives a stale-cached build
/// other versions), when the cleanup would not run where `cmd` ran
/// (through `sudo`, in a `-c` string or a subshell, by another name), or
/// when a `--mount` covers the cache.
pub(super) fn cleanup_applicability(
    doc: &Document,
    run: &Instruction,
    script: &ShellScript,
    cmd: &ShellCommand,
    program: &str,
    dep: &Dependence<'_>,
) -> Applicability {
    let hazard = fix_safety::later_dependence(doc, run, None, dep).is_some()
        || fix_safety::appended_command_hazard(script, cmd, Some(program)).is_some()
        || fix_safety::mounts_over(run, dep.dirs);
    if hazard { Applicability::Unsafe } else { Applicability::Safe }
}

/// True when `text` is a value `strtobool` accepts: pip reads any of them in
/// `PIP_NO_CACHE_DIR` as "no cache".
pub(super) fn is_boolean(text: &str) -> bool {
    matches!(
        text.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
        "1" | "0" | "y" | "n" | "yes" | "no" | "t" | "f" | "true" | "false" | "on" | "off"
    )
}

/// The last command for which `is_install` holds when nothing after it
/// cleans up: no command for which `is_clean` holds and no `rm` of one of
/// `cache_dirs`.
pub(super) fn last_uncleaned<'a>(
    script: &'a ShellScript,
    is_install: impl Fn(&ShellCommand) -> bool,
    is_clean: impl Fn(&ShellCommand) -> bool,
    cache_dirs: &[&str],
) -> Option<&'a ShellCommand> {
    let last = script.commands.iter().rposition(is_install)?;
    let cleaned = script.commands[last + 1..].iter().any(is_clean) || removes_later(script, last, cache_dirs);
    (!cleaned).then(|| &script.commands[last])
}
