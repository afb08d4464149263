//! ## What it does
//! Checks for `RUN chown -R` or `chmod -R` on files that an earlier COPY
//! or ADD put into the image.
//!
//! ## Why is this bad?
//! Layers are immutable: changing the owner or mode of a file from a lower
//! layer copies the whole file into the new layer with its new metadata.
//! After `COPY . /app` and `RUN chown -R app /app`, every copied byte is
//! stored twice and the image grows by the size of the copy. `COPY
//! --chown=…` (and `--chmod=…`) set the owner and mode as the files are
//! written, in one layer.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! COPY . /app
//! RUN chown -R node:node /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! COPY --chown=node:node . /app
//! ```
//!
//! ## Fix safety
//! When the RUN is only the `chown -R` (or a `chmod -R` with an octal
//! mode) of exactly the directory the COPY right before it wrote to, the
//! fix moves the owner (or mode) onto the COPY as `--chown=` (`--chmod=`)
//! and removes the RUN. It is unsafe: unlike `chown -R`, `COPY --chown`
//! leaves a destination directory that already existed (one `WORKDIR`
//! created, say) owned by root, and `--chmod` needs BuildKit.
//!
//! ## Notes
//! The paths are compared after resolving WORKDIR and ENV/ARG values; a
//! target that contains the COPY's destination counts (`chown -R app
//! /home/app` after `COPY x /home/app/x`), the root directory does not.
//! Only stages whose layers reach an image are checked: the final stage
//! and the stages it builds on (`FROM`). A stage used only through `COPY
//! --from` (even `COPY --from=build / /`) passes on its finished files,
//! not its layers, so nothing is stored twice there.

use crate::diagnostic::{Edit, Fix, TextRange};
use crate::model::{Document, Instruction, InstructionKind, Scope, ShellCommand};
use crate::rule::{Context, declare_rule};
use crate::rules::cache::support as paths;

use super::support;

declare_rule! {
    /// `RUN chown -R`/`chmod -R` on copied files stores them twice; use `COPY --chown`/`--chmod`
    name: "chown-after-copy", category: Size, severity: Warning, fix: Sometimes, fix_safety: Unsafe,
    kinds: [Run], check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(script) = run.script() else { return };
    let recursive = |c: &&ShellCommand| {
        matches!(c.base_name(), "chown" | "chmod")
            && c.has_flag(Some('R'), &["recursive"])
            && !c.args.iter().any(|a| a.text.starts_with("--reference"))
    };
    // The WORKDIR and the scope only for a RUN that has such a command.
    if !script.commands.iter().any(|c| recursive(&c)) {
        return;
    }
    let Some(workdir) = paths::workdir_at(doc, run.stage, run.index) else { return };
    let scope = Scope::at(doc, run.index);
    for cmd in script.commands.iter().filter(recursive) {
        let mut operands = cmd.positional();
        let Some(setting) = operands.next() else { continue };
        for target in operands {
            let Some(target_path) = paths::expand_shell_word(&target.text, &scope) else { continue };
            let target_path = paths::join_path(&workdir, &target_path);
            if target_path == "/" {
                continue;
            }
            let Some((copy, dest)) = copied_into(doc, run, &target_path) else { continue };
            if !support::layers_reach_an_image(doc, run) {
                return;
            }
            let verb = cmd.base_name();
            let flag = if verb == "chown" { "--chown" } else { "--chmod" };
            let fix = move_fix(doc, run, cmd, copy, &dest, &target_path, &setting.text);
            let keyword = copy.kind.keyword();
            let message = if already_set(doc, run, &target_path, verb, &setting.text) {
                format!(
                    "`{verb} -R` rewrites files an earlier {keyword} already wrote with `{flag}={}`, storing them \
                     twice; the `{verb} -R` is redundant",
                    setting.text
                )
            } else {
                format!(
                    "`{verb} -R` rewrites files an earlier {keyword} wrote, storing them twice; use `{keyword} {flag}=…` instead"
                )
            };
            let diagnostic = ctx.report(cmd.range, message).with_related(copy.range, "the files were copied here");
            if let Some(fix) = fix {
                diagnostic.with_fix(fix);
            }
            return;
        }
    }
}

/// The last COPY/ADD before `run` (in its stage or a stage it builds on)
/// whose destination lies within `target`, with the destination.
fn copied_into<'a>(doc: &'a Document, run: &Instruction, target: &str) -> Option<(&'a Instruction, String)> {
    // Before the first FROM (a fragment): the prelude is the whole chain.
    let chain: Vec<&[Instruction]> = match run.stage {
        Some(stage) => doc.stage_chain(stage).iter().map(|s| s.instructions(doc)).collect(),
        None => vec![doc.prelude()],
    };
    chain.iter().flat_map(|s| s.iter().rev()).filter(|i| i.index < run.index).find_map(|i| {
        if !matches!(i.kind, InstructionKind::Copy | InstructionKind::Add) {
            return None;
        }
        let dest = paths::copy_destination(doc, i)?;
        paths::is_within(&dest, target).then_some((i, dest))
    })
}

/// True when every COPY/ADD before `run` (in its stage or a stage it
/// builds on) whose destination lies within `target` already sets
/// `setting` with `--chown` (for `chown`) or `--chmod` (for `chmod`).
fn already_set(doc: &Document, run: &Instruction, target: &str, verb: &str, setting: &str) -> bool {
    let chain: Vec<&[Instruction]> = match run.stage {
        Some(stage) => doc.stage_chain(stage).iter().map(|s| s.instructions(doc)).collect(),
        None => vec![doc.prelude()],
    };
    let mut covering = chain
        .iter()
        .flat_map(|s| s.iter())
        .filter(|i| i.index < run.index && matches!(i.kind, InstructionKind::Copy | InstructionKind::Add))
        .filter(|i| paths::copy_destination(doc, i).is_some_and(|dest| paths::is_within(&dest, target)))
        .peekable();
    covering.peek().is_some()
        && covering.all(|copy| {
            copy.flag(verb).and_then(|f| f.value.as_ref()).is_some_and(|value| {
                let value = Scope::at(doc, copy.index).expand(value);
                value.complete && value.text == setting
            })
        })
}

/// Move the owner or mode onto the COPY right before the RUN when the RUN
/// is only this command on exactly the COPY's destination.
fn move_fix(
    doc: &Document,
    run: &Instruction,
    cmd: &ShellCommand,
    copy: &Instruction,
    dest: &str,
    target: &str,
    setting: &str,
) -> Option<Fix> {
    let script = run.script()?;
    let verb = cmd.base_name();
    let flag = if verb == "chown" { "chown" } else { "chmod" };
    let octal = setting.len() >= 3 && setting.len() <= 4 && setting.chars().all(|c| ('0'..='7').contains(&c));
    let plain = !setting.is_empty() && setting.chars().all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c));
    let simple_args = cmd.args.len() == 3 && matches!(cmd.args[0].text.as_str(), "-R" | "--recursive");
    if run.index != copy.index + 1
        || doc.instructions.get(run.index)?.kind != InstructionKind::Run
        || script.commands.len() != 1
        || !run.heredocs.is_empty()
        || !run.flags.is_empty()
        || !simple_args
        || dest != target
        || copy.flag(flag).is_some()
        || !copy.heredocs.is_empty()
        || (verb == "chmod" && !octal)
        || !plain
        || !doc.text().get(copy.range.end..run.range.start)?.trim().is_empty()
    {
        return None;
    }
    Some(Fix::unsafe_(
        format!("Use `{} --{flag}={setting}` and drop the RUN", copy.kind.keyword()),
        vec![
            Edit::insert(copy.keyword_range.end, format!(" --{flag}={setting}")),
            Edit::delete(TextRange::new(copy.range.end, run.range.end)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM node\nCOPY --chown=node:node . /app\n",
                "FROM node\nRUN mkdir /data && chown -R node /data\n",
                "FROM node\nCOPY . /app\nRUN chown node /app\n",
                "FROM node\nCOPY . /app\nRUN chown -R node /data\n",
                "FROM node\nCOPY . /application\nRUN chown -R node /app\n",
                "FROM node\nCOPY x /etc/x\nRUN chown -R node /\n",
                "FROM node\nCOPY . /app\nRUN chown -R --reference=/tmp /app\n",
                // A build stage: the copy never reaches an image.
                "FROM node AS build\nCOPY . /app\nRUN chown -R node /app && npm run build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
                "FROM node\nWORKDIR $UNKNOWN\nCOPY . .\nRUN chown -R node .\n",
                // Flattened: `COPY --from` copies the finished files, not the layers.
                "FROM debian AS build\nCOPY app /app\nRUN chown -R nobody /app\nFROM debian\nCOPY --from=build / /\n",
            ],
            &[
                "FROM node\nCOPY . /app\nRUN ⟦chown -R node:node /app⟧\n",
                "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci && ⟦chown -R node .⟧\n",
                "FROM node\nENV HOME=/home/app\nCOPY conf.json $HOME/.config/\nRUN ⟦chown --recursive app:app ${HOME}⟧\n",
                "FROM node AS base\nADD app.tar.gz /srv/\nFROM base\nRUN ⟦chmod -R 755 /srv⟧\n",
                "FROM node\nCOPY --from=build /out /app\nRUN set -x && ⟦chmod -R g+w /app⟧\n",
                // The COPY already sets the owner: still stored twice.
                "FROM nginx\nCOPY --chown=nginx:nginx start.sh /app/start.sh\nRUN ⟦chown -R nginx:nginx /app⟧\n",
            ],
            &[
                (
                    "FROM node\nCOPY . /app\nRUN chown -R node:node /app\nCMD [\"node\"]\n",
                    "FROM node\nCOPY --chown=node:node . /app\nCMD [\"node\"]\n",
                ),
                (
                    "FROM node\nWORKDIR /app\ncopy --from=build /out ./\nRUN chmod -R 0755 /app\n",
                    "FROM node\nWORKDIR /app\ncopy --chmod=0755 --from=build /out ./\n",
                ),
                // No fix: another command in the RUN, a symbolic mode, a parent directory.
                (
                    "FROM node\nCOPY . /app\nRUN chown -R node /app && npm ci\n",
                    "FROM node\nCOPY . /app\nRUN chown -R node /app && npm ci\n",
                ),
                ("FROM node\nCOPY . /app\nRUN chmod -R +x /app\n", "FROM node\nCOPY . /app\nRUN chmod -R +x /app\n"),
                (
                    "FROM node\nCOPY x /app/x\nRUN chown -R node /app\n",
                    "FROM node\nCOPY x /app/x\nRUN chown -R node /app\n",
                ),
            ],
        );
    }

    /// When the COPY already sets the owner, the message says the `chown -R` is redundant.
    #[test]
    fn redundant_after_copy_chown() {
        let lint = |src: &str| {
            let doc = crate::model::Document::parse(src);
            let found = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
            assert_eq!(found.len(), 1, "{src}");
            found[0].message.clone()
        };
        let redundant =
            lint("FROM nginx\nCOPY --chown=nginx:nginx start.sh /app/start.sh\nRUN chown -R nginx:nginx /app\n");
        assert!(redundant.contains("already wrote with `--chown=nginx:nginx`") && redundant.contains("redundant"));
        let mode = lint("FROM nginx\nARG M=755\nCOPY --chmod=$M a /app/a\nRUN chmod -R 755 /app\n");
        assert!(mode.contains("redundant"), "{mode}");
        // Another owner, or one COPY without `--chown`: the advice stays.
        for src in [
            "FROM nginx\nCOPY --chown=root start.sh /app/start.sh\nRUN chown -R nginx /app\n",
            "FROM nginx\nCOPY --chown=nginx a /app/a\nCOPY b /app/b\nRUN chown -R nginx /app\n",
        ] {
            assert!(lint(src).contains("use `COPY --chown=…` instead"), "{src}");
        }
    }

    /// Unsafe: `COPY --chown` leaves an existing destination directory owned by root.
    #[test]
    fn safe_fixes() {
        assert_safe_fixes(
            &super::RULE,
            &[(
                "FROM node\nCOPY . /app\nRUN chown -R node:node /app\nCMD [\"node\"]\n",
                "FROM node\nCOPY . /app\nRUN chown -R node:node /app\nCMD [\"node\"]\n",
            )],
        );
    }
}
