//! ## What it does
//! Checks for `rm` of files that an earlier instruction created: an archive
//! or directory an earlier COPY or ADD put into the image, a file an
//! earlier RUN downloaded (`curl -o`, `wget`), or a repository it cloned.
//!
//! ## Why is this bad?
//! Each instruction commits its own layer, and a later layer can only hide
//! a file, not take its bytes out of the layer that added it. Deleting a
//! copied archive or a downloaded installer in a later RUN makes it
//! invisible in the container, yet every pull still downloads it. Creating
//! and deleting in the same RUN (or reading the file through a
//! `RUN --mount=type=bind` or `type=cache`) keeps it out of the image.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool.tar.gz
//! RUN tar -xzf /tmp/tool.tar.gz -C /opt
//! RUN rm /tmp/tool.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool.tar.gz \
//!  && tar -xzf /tmp/tool.tar.gz -C /opt \
//!  && rm /tmp/tool.tar.gz
//! ```
//!
//! ## Notes
//! Copied files count when they are archives or packages (`.tar.gz`,
//! `.zip`, `.whl`, `.deb`, `.jar` …) or when `rm -r` removes a copied
//! directory: deleting a small copied config file wastes little. A copied
//! tar archive that the same RUN extracts is left to
//! `archive-copied-then-extracted`. Paths are compared after resolving
//! WORKDIR and ENV/ARG values; relative paths after a `cd` in the same RUN
//! are skipped. Only stages whose layers reach an image are checked: the
//! final stage and the stages it builds on (`FROM`). A stage used only
//! through `COPY --from` (even `COPY --from=build / /`) passes on its
//! finished files, not its layers, so what it removed is not there.

use std::collections::HashMap;

use crate::model::{Document, Instruction, InstructionKind, Scope, ShellCommand, ShellScript, Stage};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support as paths;

use super::support;

declare_rule! {
    /// Deleting files an earlier layer created leaves their bytes in the image
    name: "removed-in-later-layer", category: Size, severity: Warning,
    check_stages: check_stages,
}

/// Archive and package suffixes: copied files worth reporting.
const BULKY: &[&str] = &[
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".tbz",
    ".xz",
    ".txz",
    ".zst",
    ".zip",
    ".7z",
    ".rar",
    ".whl",
    ".egg",
    ".deb",
    ".rpm",
    ".apk",
    ".jar",
    ".war",
    ".ear",
    ".iso",
    ".run",
    ".bin",
    ".msi",
    ".exe",
    ".dmg",
    ".AppImage",
];

/// A file or directory an earlier instruction created.
struct Created<'a> {
    path: String,
    by: &'a Instruction,
    /// Created by COPY/ADD (else: downloaded or cloned by a RUN).
    copied: bool,
}

/// One pass over each stage of a group of related stages (the stages it
/// builds on are in its group, before it): what its instructions created
/// goes into an index as they are read, and each RUN looks its `rm`
/// operands up in the index of its stage and of the stages it builds on
/// (asking every earlier instruction again for each RUN was quadratic in
/// the length of the file).
fn check_stages(stages: &[usize], ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let mut finished: HashMap<usize, CreatedIndex<'_>> = HashMap::with_capacity(stages.len());
    // No stages: the instructions before the first `FROM` (a fragment).
    let runs: Vec<(Option<&Stage>, &[Instruction])> = match stages {
        [] => vec![(None, doc.prelude())],
        _ => stages.iter().map(|&s| (Some(&doc.stages[s]), doc.stages[s].instructions(doc))).collect(),
    };
    for (stage, instructions) in runs {
        let mut own = CreatedIndex::default();
        for ins in instructions {
            match ins.kind {
                InstructionKind::Copy | InstructionKind::Add => own.extend(copied_paths(doc, ins)),
                InstructionKind::Run => {
                    // Nearest first: this stage so far, then the ones it builds on.
                    let created = |target: &str| {
                        own.first_removed_by(target).or_else(|| {
                            let chain = stage.map(|s| doc.stage_chain(s.index)).unwrap_or_default();
                            chain.iter().skip(1).find_map(|s| finished.get(&s.index)?.first_removed_by(target))
                        })
                    };
                    check(ins, ctx, created);
                    own.extend(downloaded_paths(doc, ins));
                }
                _ => {}
            }
        }
        // The prelude is no stage: nothing builds on it.
        if let Some(stage) = stage {
            finished.insert(stage.index, own);
        }
    }
}

/// `created`: the first thing an earlier instruction created that removing
/// a path removes.
fn check<'a>(run: &Instruction, ctx: &mut Context<'_>, created: impl Fn(&str) -> Option<&'a Created<'a>>) {
    let doc = ctx.doc;
    let Some(script) = run.script() else { return };
    // The WORKDIR and the scope only for a RUN that removes something.
    if !script.commands.iter().any(|c| c.base_name() == "rm") {
        return;
    }
    let Some(workdir) = paths::workdir_at(doc, run.stage, run.index) else { return };
    let scope = Scope::at(doc, run.index);
    let extracts = script.commands.iter().any(|c| c.base_name() == "tar");
    let mut cd_before = false;
    for rm in &script.commands {
        cd_before |= rm.base_name() == "cd";
        if rm.base_name() != "rm" {
            continue;
        }
        let recursive = rm.has_flag(Some('r'), &["recursive"]) || rm.has_flag(Some('R'), &[]);
        for target in rm.positional() {
            let Some(target) = resolve(&target.text, &workdir, cd_before, &scope) else { continue };
            let Some(hit) = created(&target) else { continue };
            if hit.copied && !(recursive && !is_file_like(&hit.path) || BULKY.iter().any(|s| hit.path.ends_with(s))) {
                continue;
            }
            if hit.copied && is_tar(&hit.path) && extracts {
                continue;
            }
            if !support::layers_reach_an_image(doc, run) {
                return;
            }
            let what = if hit.copied { hit.by.kind.keyword() } else { "RUN" };
            let shown = if hit.path.contains('*') { target.trim_end_matches("/*") } else { hit.path.as_str() };
            ctx.report(
                rm.range,
                format!(
                    "`{}` was created by an earlier {what}; removing it in a later layer leaves its bytes in the image",
                    shown
                ),
            )
            .with_related(hit.by.range, "created here");
            return;
        }
    }
}

/// An `rm` operand as an absolute path (a trailing `/*` kept as `/*`).
fn resolve(text: &str, workdir: &str, cd_before: bool, scope: &Scope) -> Option<String> {
    if text.starts_with('~') {
        return None;
    }
    let (base, glob) = match text.strip_suffix("/*") {
        Some(dir) => (dir, true),
        None => (text, false),
    };
    let expanded = paths::expand_shell_word(base, scope).or_else(|| {
        // `*.whl` in the last component: keep it, compare as a pattern.
        let (dir, file) = base.rsplit_once('/').unwrap_or(("", base));
        let dir = paths::expand_shell_word(dir, scope)?;
        (file.contains('*') && !file.contains(['$', '`'])).then(|| format!("{dir}/{file}"))
    })?;
    if cd_before && !expanded.starts_with('/') {
        return None;
    }
    let path = paths::join_path(workdir, &expanded);
    if path == "/" {
        return None;
    }
    Some(if glob { format!("{}/*", path.trim_end_matches('/')) } else { path })
}

/// True when removing `target` removes `created`.
fn removes(target: &str, created: &str) -> bool {
    if let Some(dir) = target.strip_suffix("/*") {
        return created.strip_prefix(dir).is_some_and(|r| r.starts_with('/') && r.len() > 1);
    }
    if target.contains('*') {
        let (t_dir, t_file) = target.rsplit_once('/').unwrap_or(("", target));
        let (c_dir, c_file) = created.rsplit_once('/').unwrap_or(("", created));
        return t_dir == c_dir && (t_file == c_file || paths::glob_matches(t_file, c_file));
    }
    paths::is_within(created, target)
}

fn is_file_like(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|f| f.contains('.') && !f.starts_with('.'))
}

fn is_tar(path: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz"].iter().any(|s| path.ends_with(s))
}

/// What one stage's instructions created (and did not remove in the same
/// instruction), in order, indexed by path: a tree of path components,
/// each node holding the first entry at it and the first one below it.
#[derive(Default)]
struct CreatedIndex<'a> {
    created: Vec<Created<'a>>,
    nodes: Vec<PathNode>,
}

#[derive(Default)]
struct PathNode {
    children: HashMap<String, usize>,
    /// The first entry created at exactly this path.
    here: Option<usize>,
    /// The first entry created strictly below it.
    below: Option<usize>,
}

impl<'a> CreatedIndex<'a> {
    fn extend(&mut self, created: Vec<Created<'a>>) {
        for entry in created {
            let order = self.created.len();
            let mut node = self.root();
            for part in components(&entry.path) {
                self.nodes[node].below.get_or_insert(order);
                node = match self.nodes[node].children.get(part) {
                    Some(&child) => child,
                    None => {
                        self.nodes.push(PathNode::default());
                        let child = self.nodes.len() - 1;
                        self.nodes[node].children.insert(part.to_string(), child);
                        child
                    }
                };
            }
            self.nodes[node].here.get_or_insert(order);
            self.created.push(entry);
        }
    }

    fn root(&mut self) -> usize {
        if self.nodes.is_empty() {
            self.nodes.push(PathNode::default());
        }
        0
    }

    fn node(&self, path: &str) -> Option<&PathNode> {
        let mut node = self.nodes.first()?;
        for part in components(path) {
            node = &self.nodes[*node.children.get(part)?];
        }
        Some(node)
    }

    /// The first entry that removing `target` removes (see [`removes`]).
    fn first_removed_by(&self, target: &str) -> Option<&Created<'a>> {
        let first = if let Some(dir) = target.strip_suffix("/*") {
            self.node(dir).and_then(|n| n.below)
        } else if target.contains('*') {
            let (dir, pattern) = target.rsplit_once('/').unwrap_or(("", target));
            let node = self.node(dir)?;
            node.children
                .iter()
                .filter(|(name, _)| *name == pattern || paths::glob_matches(pattern, name))
                .filter_map(|(_, &child)| self.nodes[child].here)
                .min()
        } else if target == "/" {
            self.nodes.first().and_then(|n| n.here.into_iter().chain(n.below).min())
        } else {
            self.node(target).and_then(|n| n.here.into_iter().chain(n.below).min())
        };
        let hit = &self.created[first?];
        debug_assert!(removes(target, &hit.path));
        Some(hit)
    }
}

/// The components of a normalised path (`/a/b` -> `a`, `b`).
fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|p| !p.is_empty())
}

/// The paths a COPY/ADD writes: `dest/<name>` per source for a directory
/// destination, else the destination itself.
fn copied_paths<'a>(doc: &Document, copy: &'a Instruction) -> Vec<Created<'a>> {
    let Some(dest) = paths::copy_destination(doc, copy) else { return Vec::new() };
    let sources = paths::copy_sources(copy);
    let into_dir = copy.args.last().is_some_and(|d| d.value().ends_with('/')) || sources.len() > 1;
    let made = |path: String| Created { path, by: copy, copied: true };
    if !into_dir {
        return vec![made(dest)];
    }
    sources
        .iter()
        .filter(|s| !s.contains("://") && !s.contains('$'))
        .filter_map(|s| s.trim_end_matches('/').rsplit('/').next().map(str::to_string))
        .filter(|name| !name.is_empty() && name != ".")
        .map(|name| made(paths::join_path(&dest, &name)))
        .collect()
}

/// Files an earlier RUN downloaded (`curl -o`, `wget -O`, `wget URL`) or
/// cloned (`git clone`), unless the same RUN removed them.
fn downloaded_paths<'a>(doc: &Document, run: &'a Instruction) -> Vec<Created<'a>> {
    let Some(script) = run.script() else { return Vec::new() };
    if !script.commands.iter().any(|c| download_target(c).is_some()) {
        return Vec::new();
    }
    let Some(workdir) = paths::workdir_at(doc, run.stage, run.index) else { return Vec::new() };
    let scope = Scope::at(doc, run.index);
    let mut out = Vec::new();
    let mut removals: Option<Removals> = None;
    let mut cd_before = false;
    for (i, cmd) in script.commands.iter().enumerate() {
        cd_before |= cmd.base_name() == "cd";
        let Some(file) = download_target(cmd) else { continue };
        let Some(path) = resolve(&file, &workdir, cd_before, &scope) else { continue };
        let removals = removals.get_or_insert_with(|| Removals::of(script, &workdir, &scope));
        if removals.after(i, &path) {
            continue;
        }
        out.push(Created { path, by: run, copied: false });
    }
    out
}

/// The `rm` operands of a script and where its last `cd` is, to ask
/// whether a command after a download removes the file (or a `cd` makes
/// that unknowable) without reading the rest of the script each time.
struct Removals {
    /// The last command that removes each path (`rm x`, `rm -r dir`).
    path: HashMap<String, usize>,
    /// The last command that empties each directory (`rm dir/*`).
    contents: HashMap<String, usize>,
    /// Per directory, the wildcard names removed in it (`rm dir/*.zip`).
    patterns: HashMap<String, Vec<(String, usize)>>,
    last_cd: Option<usize>,
}

impl Removals {
    fn of(script: &ShellScript, workdir: &str, scope: &Scope) -> Removals {
        let mut removals =
            Removals { path: HashMap::new(), contents: HashMap::new(), patterns: HashMap::new(), last_cd: None };
        for (i, cmd) in script.commands.iter().enumerate() {
            match cmd.base_name() {
                "cd" => removals.last_cd = Some(i),
                "rm" => {
                    for target in cmd.positional().filter_map(|t| resolve(&t.text, workdir, false, scope)) {
                        if let Some(dir) = target.strip_suffix("/*") {
                            removals.contents.insert(dir.to_string(), i);
                        } else if target.contains('*') {
                            let (dir, pattern) = target.rsplit_once('/').unwrap_or(("", &target));
                            removals.patterns.entry(dir.to_string()).or_default().push((pattern.to_string(), i));
                        } else {
                            removals.path.insert(target, i);
                        }
                    }
                }
                _ => {}
            }
        }
        removals
    }

    /// True when a command after command `after` removes `path` (see
    /// [`removes`]), or changes directory.
    fn after(&self, after: usize, path: &str) -> bool {
        let later = |i: Option<&usize>| i.is_some_and(|i| *i > after);
        if self.last_cd.is_some_and(|i| i > after) || later(self.path.get("/")) {
            return true;
        }
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        if self.patterns.get(dir).is_some_and(|p| {
            p.iter().any(|(pattern, i)| *i > after && (pattern == file || paths::glob_matches(pattern, file)))
        }) {
            return true;
        }
        // `path` itself and every directory above it.
        let mut at = path;
        loop {
            if later(self.path.get(at)) || at != path && later(self.contents.get(at)) {
                return true;
            }
            match at.rsplit_once('/') {
                Some((parent, _)) => at = parent,
                None => return false,
            }
        }
    }
}

/// Where a download or clone command writes.
fn download_target(cmd: &ShellCommand) -> Option<String> {
    let args = &cmd.args;
    let value_of = |names: &[&str]| {
        args.iter().enumerate().find_map(|(i, a)| {
            let t = a.text.as_str();
            if names.contains(&t) {
                return args.get(i + 1).map(|v| v.text.clone());
            }
            names.iter().find_map(|n| {
                if n.starts_with("--") {
                    t.strip_prefix(&format!("{n}=")).map(str::to_string)
                } else {
                    // A cluster ending in the option: `-fsSLo file`.
                    let letter = n.strip_prefix('-')?;
                    (t.starts_with('-') && !t.starts_with("--") && t.ends_with(letter) && t.len() > 2)
                        .then(|| args.get(i + 1).map(|v| v.text.clone()))
                        .flatten()
                }
            })
        })
    };
    match cmd.base_name() {
        "curl" => value_of(&["-o", "--output"]).filter(|f| f != "-" && f != "/dev/null"),
        "wget" => {
            if let Some(file) = value_of(&["-O", "--output-document"]) {
                return (file != "-" && file != "/dev/null").then_some(file);
            }
            if value_of(&["-P", "--directory-prefix"]).is_some() || cmd.in_pipeline {
                return None;
            }
            let url = cmd.positional().find(|a| a.text.contains("://"))?;
            let name = url.text.split(['?', '#']).next()?.rsplit('/').next()?;
            (!name.is_empty() && name.contains('.') && !name.contains('$')).then(|| name.to_string())
        }
        "git" => {
            let sub = cmd.positional().next()?;
            if sub.text != "clone" {
                return None;
            }
            let operands: Vec<&str> = cmd.positional().skip(1).map(|a| a.text.as_str()).collect();
            let has_value_flag = args.iter().any(|a| matches!(a.text.as_str(), "-b" | "--branch" | "--depth" | "-c"));
            if has_value_flag && operands.len() > 2 || operands.is_empty() {
                return None;
            }
            match operands.as_slice() {
                [url] if !has_value_flag => {
                    url.trim_end_matches('/').rsplit('/').next().map(|n| n.trim_end_matches(".git").to_string())
                }
                [_, dir] if !has_value_flag => Some(dir.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nRUN curl -fsSLo /tmp/t.tgz https://x/t.tgz && tar -xzf /tmp/t.tgz && rm /tmp/t.tgz\n",
                "FROM debian\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n",
                "FROM debian\nRUN rm -rf /var/lib/apt/lists/*\n",
                "FROM debian\nCOPY x.deb /tmp/\nRUN rm -rf /\n",
                "FROM debian\nCOPY x.deb /tmp/\nRUN cd /opt && rm x.deb\n",
                "FROM debian\nRUN git clone https://x/repo.git /src && make -C /src && rm -rf /src\n",
                "FROM debian\nRUN wget -q https://x/a.zip\nRUN rm b.zip\n",
                "FROM debian\nRUN wget -qO ~/a.zip https://x/a.zip\nRUN rm ~/a.zip\n",
                // A build stage.
                "FROM debian AS build\nCOPY x.deb /tmp/\nRUN dpkg -i /tmp/x.deb && rm /tmp/x.deb\nFROM scratch\nCOPY --from=build /bin/x /x\n",
                // Flattened: `COPY --from` copies the finished files, not the layers.
                "FROM alpine AS build\nADD https://x/src.tar.gz /usr/src/x.tar.gz\nRUN rm /usr/src/x.tar.gz\nFROM alpine\nCOPY --from=build / /\n",
                "FROM alpine AS base\nRUN wget -q https://x/a.zip\nFROM base AS merge\nRUN rm a.zip\nFROM scratch\nCOPY --from=merge / /\n",
            ],
            &[
                "FROM debian\nRUN curl -fsSLo /tmp/t.tgz https://x/t.tgz\nRUN tar -xzf /tmp/t.tgz -C /opt\nRUN ⟦rm /tmp/t.tgz⟧\n",
                "FROM debian\nCOPY x.deb /tmp/\nRUN dpkg -i /tmp/x.deb && ⟦rm /tmp/x.deb⟧\n",
                "FROM debian\nWORKDIR /tmp\nCOPY pkgs/*.whl ./\nRUN pip install *.whl && ⟦rm -f /tmp/*.whl⟧\n",
                "FROM debian\nCOPY src/ /build/src/\nRUN make -C /build && ⟦rm -rf /build⟧\n",
                "FROM debian\nRUN git clone https://github.com/x/tool.git\nRUN make -C tool install && ⟦rm -rf tool⟧\n",
                "FROM debian\nWORKDIR /opt\nRUN wget https://x/y/installer.run?dl=1\nRUN sh installer.run && ⟦rm installer.run⟧\n",
                "FROM debian\nENV T=/tmp/x\nRUN wget -O $T/a.zip https://x/a.zip\nRUN ⟦rm -rf ${T}/*⟧\n",
                "FROM debian AS base\nADD https://x/a.jar /opt/a.jar\nFROM base\nRUN ⟦rm /opt/a.jar⟧\n",
                // A stage the final stage builds on ships its layers.
                "FROM debian AS base\nCOPY x.deb /tmp/\nRUN ⟦rm /tmp/x.deb⟧\nFROM base\nCMD [\"x\"]\n",
            ],
            &[],
        );
    }
}
