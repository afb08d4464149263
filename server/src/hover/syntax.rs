//! Hovers on the parts of an instruction: flags and `--mount` keys and
//! types, stage names used in `--from=`, `from=` and `FROM <stage>`, image
//! references, and check names in `# check=skip=…`.

use dockside_rules::base_images::{EolState, eol_statuses};
use dockside_rules::model::{Base, ImageRef, Instruction, InstructionKind, Scope, Stage, Word};
use dockside_rules::{ColumnUnit, Document, TextRange, find_rules};

use super::keywords::REFERENCE_URL;
use super::{rule_docs, touches};
use crate::reference;

pub fn hover(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    check_skip(doc, offset).or_else(|| directive(doc, offset)).or_else(|| {
        let top = doc.instruction_at(offset)?;
        let nested = [Some(top), top.onbuild(), top.healthcheck_cmd()];
        nested.into_iter().flatten().find_map(|ins| flag(doc, ins, offset).or_else(|| image(doc, ins, offset)))
    })
}

/// Where a flag is described in the Dockerfile reference.
fn flag_anchor(kind: InstructionKind, name: &str) -> String {
    let kw = kind.keyword().to_ascii_lowercase();
    match (kind, name) {
        (InstructionKind::Run, "mount") => "#run---mount".to_string(),
        (InstructionKind::Healthcheck, _) | (InstructionKind::From, _) => format!("#{kw}"),
        _ => format!("#{kw}---{name}"),
    }
}

fn flag(doc: &Document, ins: &Instruction, offset: usize) -> Option<(TextRange, String)> {
    for f in &ins.flags {
        let head = TextRange::new(f.range.start, f.name_range.end);
        if touches(head, offset) {
            let text = match reference::flag(ins.kind, &f.name) {
                Some(d) => {
                    let syntax =
                        if d.value.is_empty() { format!("--{}", d.name) } else { format!("--{}={}", d.name, d.value) };
                    format!(
                        "**`{syntax}`** ({} flag)\n\n{}\n\n[Dockerfile reference]({REFERENCE_URL}{})",
                        ins.kind.keyword(),
                        d.summary,
                        flag_anchor(ins.kind, d.name)
                    )
                }
                None => format!("`--{}` is not a flag of {}", f.name, ins.kind.keyword()),
            };
            return Some((head, text));
        }
        for option in &f.mount {
            if touches(option.key_range, offset) {
                let key = reference::mount_key(&option.key)?;
                let also = if key.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also `{}`)", key.aliases.join("`, `"))
                };
                let text = format!(
                    "**`{}`**{also}: `--mount` option for `type={}`\n\n{}",
                    key.name,
                    key.types.join("|"),
                    key.summary
                );
                return Some((option.key_range, text));
            }
            let Some(value) = option.value.as_ref().filter(|v| touches(v.range, offset)) else { continue };
            if option.key.eq_ignore_ascii_case("type") {
                let name = value.value().to_ascii_lowercase();
                let (_, docs) = reference::MOUNT_TYPES.iter().find(|(t, _)| *t == name)?;
                return Some((value.range, format!("**`type={name}`** mount\n\n{docs}")));
            }
            if option.key.eq_ignore_ascii_case("from") {
                return from_reference(doc, value);
            }
        }
        if f.name.eq_ignore_ascii_case("from")
            && ins.kind == InstructionKind::Copy
            && let Some(value) = f.value.as_ref().filter(|v| touches(v.range, offset))
        {
            return from_reference(doc, value);
        }
    }
    None
}

/// `--from=X` / `from=X`: a stage, else an image.
fn from_reference(doc: &Document, value: &Word) -> Option<(TextRange, String)> {
    let name = value.value();
    if let Some(stage) = doc.stage_named(&name) {
        return Some((value.range, stage_text(doc, stage)));
    }
    let scope = Scope::global(doc);
    let expanded = scope.expand(value);
    Some((value.range, image_text(&ImageRef::parse(&expanded.text), &value.value(), &expanded.text, expanded.complete)))
}

fn stage_text(doc: &Document, stage: &Stage) -> String {
    let from = &doc.instructions[stage.from];
    let first = doc.text()[from.range.as_range()].lines().next().unwrap_or("").trim();
    let line = doc.line_index.position(doc.text(), from.range.start, ColumnUnit::Char).line + 1;
    let name = stage.name.as_deref().map_or(format!("stage {}", stage.index), |n| format!("stage `{n}`"));
    format!("**{name}** (stage {}, line {line})\n\n```dockerfile\n{first}\n```", stage.index)
}

fn image(doc: &Document, ins: &Instruction, offset: usize) -> Option<(TextRange, String)> {
    if let Some(alias) = ins.alias().filter(|a| touches(a.range, offset)) {
        let stage = doc.stage_of(ins)?;
        let users = doc
            .instructions
            .iter()
            .filter(|i| i.stage.is_some_and(|s| s > stage.index))
            .filter(|i| {
                let by_flag = i.flags.iter().any(|f| {
                    f.value.as_ref().is_some_and(|v| {
                        f.mount.is_empty()
                            && f.name.eq_ignore_ascii_case("from")
                            && doc.stage_named(&v.value()).is_some_and(|s| s.index == stage.index)
                    }) || f.mount.iter().any(|m| {
                        m.key.eq_ignore_ascii_case("from")
                            && m.value
                                .as_ref()
                                .is_some_and(|v| doc.stage_named(&v.value()).is_some_and(|s| s.index == stage.index))
                    })
                });
                let by_from = i.kind == InstructionKind::From
                    && doc.stage_of(i).is_some_and(|s| s.base == Base::Stage(stage.index));
                by_flag || by_from
            })
            .count();
        let used = match users {
            0 => "Not used by a later stage.".to_string(),
            1 => "Used by 1 later instruction.".to_string(),
            n => format!("Used by {n} later instructions."),
        };
        return Some((alias.range, format!("{}\n\n{used}", stage_text(doc, stage))));
    }
    let spec = ins.image().filter(|i| touches(i.word.range, offset))?;
    // An expansion inside has a hover of its own.
    if spec.word.expansions().iter().any(|e| e.range.contains(offset)) {
        return None;
    }
    let stage = doc.stage_of(ins)?;
    let text = match &stage.base {
        Base::Stage(parent) => stage_text(doc, &doc.stages[*parent]),
        Base::Image { reference, text, resolved } => image_text(reference, &spec.word.value(), text, *resolved),
        Base::Scratch => "**`scratch`**: the empty image; the stage starts from nothing".to_string(),
        Base::Missing => return None,
    };
    Some((spec.word.range, text))
}

fn image_text(reference: &ImageRef, written: &str, resolved_text: &str, resolved: bool) -> String {
    let hub = reference.is_docker_hub();
    let registry = reference.registry.clone().unwrap_or_else(|| "docker.io".to_string());
    let repository = if hub && !reference.path.contains('/') {
        format!("library/{}", reference.path)
    } else {
        reference.path.clone()
    };
    let mut rows = vec![format!("| registry | `{registry}` |"), format!("| repository | `{repository}` |")];
    match (&reference.tag, &reference.digest) {
        (Some(tag), _) => rows.push(format!("| tag | `{tag}` |")),
        (None, None) => rows.push("| tag | `latest` (none given) |".to_string()),
        (None, Some(_)) => {}
    }
    if let Some(digest) = &reference.digest {
        rows.push(format!("| digest | `{digest}` |"));
    }
    // The lint date of the engine's default settings: today, or
    // `DOCKSIDE_LINT_DATE` (hover has no document settings at hand).
    let today = dockside_rules::Settings::default().lint_date();
    for status in eol_statuses(reference, today) {
        let when = match status.state {
            EolState::Past => format!("**ended {}**", status.eol),
            EolState::Near => format!("**ends {}**, soon", status.eol),
            EolState::Supported => format!("ends {}", status.eol),
        };
        rows.push(format!("| end of life | {} {}: {when} |", status.product, status.version));
    }
    let mut out = format!("**image** `{resolved_text}`\n\n| | |\n|---|---|\n{}", rows.join("\n"));
    if written != resolved_text {
        out.push_str(&format!("\n\nWritten as `{written}`, variables expanded."));
    }
    if !resolved {
        out.push_str("\n\nSome variables have no value known here: the build decides.");
    }
    out
}

/// A parser directive's name (`# syntax`, `# escape`, `# check`).
fn directive(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    let d = doc.directives.iter().find(|d| d.range.start <= offset && offset < d.value_range.start)?;
    let (name, docs) = reference::DIRECTIVES.iter().find(|(n, _)| *n == d.name)?;
    let range = TextRange::new(d.range.start, d.value_range.start);
    Some((
        range,
        format!(
            "**`# {name}=`** parser directive\n\n{docs}\n\n[Dockerfile reference]({REFERENCE_URL}#parser-directives)"
        ),
    ))
}

/// A check name inside `# check=skip=…`.
fn check_skip(doc: &Document, offset: usize) -> Option<(TextRange, String)> {
    let d = doc.directives.iter().find(|d| d.name == "check" && touches(d.value_range, offset))?;
    let at = offset - d.value_range.start;
    let value = &d.value;
    let is_sep = |c: char| matches!(c, ';' | ',' | '=') || c.is_whitespace();
    let start = value[..at.min(value.len())].rfind(is_sep).map_or(0, |i| i + 1);
    let end = value[start..].find(is_sep).map_or(value.len(), |i| start + i);
    let name = &value[start..end];
    // Only names after `skip=`.
    let part_start = value[..start].rfind(';').map_or(0, |i| i + 1);
    if !value[part_start..start].trim_start().to_ascii_lowercase().starts_with("skip") || name.is_empty() {
        return None;
    }
    let range = TextRange::new(d.value_range.start + start, d.value_range.start + end);
    if name.eq_ignore_ascii_case("all") {
        return Some((range, "**all**: skips every BuildKit check".to_string()));
    }
    let rules = find_rules(name);
    let text = if rules.is_empty() {
        format!("`{name}` is no BuildKit check dockside knows")
    } else {
        rules.iter().map(|r| rule_docs(&r.meta)).collect::<Vec<_>>().join("\n\n---\n\n")
    };
    Some((range, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(text: &str, needle: &str, delta: usize) -> Option<String> {
        let doc = Document::parse(text);
        hover(&doc, text.find(needle).unwrap() + delta).map(|(_, t)| t)
    }

    #[test]
    fn flags_mounts_stages_images_checks() {
        let text = "# check=skip=JSONArgsRecommended\nARG PY=3.12\nFROM python:${PY}-slim AS build\n\
                    RUN --mount=type=cache,target=/root/.cache pip install x\n\
                    FROM build\nCOPY --link --from=build /a /b\nCOPY --from=ghcr.io/o/tool:1@sha256:ab /t /t\n";
        assert!(hover_at(text, "--mount", 3).unwrap().contains("`type=cache`"));
        assert!(hover_at(text, "cache,", 1).unwrap().contains("kept between builds"));
        assert!(hover_at(text, "target=", 1).unwrap().contains("inside the container"));
        assert!(hover_at(text, "--link", 2).unwrap().contains("independent layer"));
        let stage = hover_at(text, "=build /a", 2).unwrap();
        assert!(stage.contains("FROM python:${PY}-slim AS build") && stage.contains("line 3"), "{stage}");
        assert!(hover_at(text, "FROM build", 6).unwrap().contains("stage `build`"));
        let image = hover_at(text, "python:", 1).unwrap();
        assert!(image.contains("`library/python`") && image.contains("`3.12-slim`"), "{image}");
        assert!(image.contains("variables expanded"), "{image}");
        let other = hover_at(text, "ghcr.io", 1).unwrap();
        assert!(other.contains("`ghcr.io`") && other.contains("`o/tool`") && other.contains("sha256:ab"), "{other}");
        assert!(hover_at(text, "check", 1).unwrap().contains("build checks"));
        let alias = hover_at(text, "build\n", 1).unwrap();
        assert!(alias.contains("stage `build`") && alias.contains("Used by 2 later instructions"), "{alias}");
        assert!(hover_at(text, "JSONArgs", 2).unwrap().contains("shell-form-command"));
    }
}
