//! What BuildKit rejects that the grammar accepts: unknown flags, missing
//! arguments, invalid image references, scripts too deep to read. Reported
//! as syntax errors once the `Document` is built.

use crate::diagnostic::TextRange;
use crate::syntax::SyntaxError;

use super::{Document, Instruction, InstructionKind, MAX_NESTING, flags, is_valid_reference};

impl Document {
    /// Instructions whose arguments BuildKit rejects: reported as syntax errors.
    pub(super) fn check_arguments(&mut self) {
        let mut errors = Vec::new();
        // The parser's errors, by start: an instruction with one is judged
        // by it alone (its words may be read differently once it is fixed).
        let mut parse_errors: Vec<TextRange> = self.syntax_errors.iter().map(|e| e.range).collect();
        parse_errors.sort_by_key(|r| (r.start, r.end));
        let has_parse_error = |range: TextRange| {
            let i = parse_errors.partition_point(|e| e.start < range.start);
            parse_errors.get(i).is_some_and(|e| e.start <= range.end)
                || i.checked_sub(1).is_some_and(|j| parse_errors[j].end > range.start)
        };
        for ins in &self.instructions {
            check_instruction_arguments(ins, &mut errors);
            // Through the end of its last line: an error after its words
            // sits beside the instruction, not in it.
            let text = self.syntax.text();
            let line_end =
                text.get(ins.range.end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| ins.range.end + i);
            if !has_parse_error(TextRange::new(ins.range.start, line_end))
                && let Some(error) = self.invalid_literal_image(ins)
            {
                errors.push(error);
            }
            // ONBUILD ONBUILD/FROM/MAINTAINER is a rule of its own (DL3043).
            if let Some(inner) = ins.onbuild() {
                check_instruction_arguments(inner, &mut errors);
            }
        }
        // Errors inside an unknown instruction are already explained by it.
        let unknown: Vec<TextRange> =
            self.instructions.iter().filter(|i| i.kind == InstructionKind::Unknown).map(|i| i.range).collect();
        // In document order and disjoint: the one that could hold an error
        // is the last starting at or before it.
        self.syntax_errors.retain(|e| {
            let i = unknown.partition_point(|u| u.start <= e.range.start);
            i.checked_sub(1).is_none_or(|i| e.range.end > unknown[i].end)
        });
        self.syntax_errors.extend(errors);
        self.syntax_errors.sort_by_key(|e| (e.range.start, e.range.end));
    }
}

impl Document {
    /// A `FROM` image written without variables that is not a valid
    /// reference (`name:sha256:…`, an upper-case repository): BuildKit
    /// fails with "invalid reference format". (Through ARG defaults it is
    /// `invalid-default-arg-in-from`'s.)
    fn invalid_literal_image(&self, ins: &Instruction) -> Option<SyntaxError> {
        let image = ins.image().filter(|_| ins.kind == InstructionKind::From)?;
        if image.word.has_expansion() || image.word.raw.contains(['$', '"', '\'']) {
            return None;
        }
        let text = image.word.value();
        let lower = text.to_ascii_lowercase();
        if text.is_empty()
            || lower == "scratch"
            || self.stages.iter().any(|s| s.name.as_deref() == Some(lower.as_str()))
            || is_valid_reference(&text)
        {
            return None;
        }
        let why = if text.chars().any(|c| c.is_ascii_uppercase()) && is_valid_reference(&lower) {
            "; repository names must be lower-case"
        } else if text.split('/').next_back().is_some_and(|last| last.matches(':').count() > 1) {
            "; a digest goes after `@` (`name@sha256:…`), not `:`"
        } else {
            ""
        };
        let shown: String = if text.chars().count() > 80 {
            text.chars().take(80).chain(std::iter::once('…')).collect()
        } else {
            text.clone()
        };
        Some(SyntaxError { range: image.word.range, message: format!("`{shown}` is not a valid image reference{why}") })
    }
}

fn check_instruction_arguments(ins: &Instruction, errors: &mut Vec<SyntaxError>) {
    use InstructionKind as K;
    let kw = ins.kind.keyword();
    for flag in &ins.flags {
        let Some(known) = flags::flag(ins.kind, &flag.name) else {
            errors.push(SyntaxError { range: flag.range, message: format!("unknown flag `--{}` for {kw}", flag.name) });
            continue;
        };
        if flag.value.is_none() && !known.switch {
            // `--from build` is read as a flag without value and a source.
            let name = &flag.name;
            errors.push(SyntaxError {
                range: flag.range,
                message: format!("`--{name}` needs a value written with `=`: `--{name}=<value>`"),
            });
        }
    }
    let at = ins.keyword_range;
    let mut error = |message: String| errors.push(SyntaxError { range: at, message });
    match ins.kind {
        K::Unknown => error(format!("unknown instruction `{}`", ins.keyword)),
        K::From if ins.image().is_none() => error("FROM requires an image".to_string()),
        K::From if ins.alias().is_none() && ins.from_parts().is_some_and(|f| f.as_keyword_range.is_some()) => {
            errors.push(SyntaxError { range: ins.range, message: "FROM … AS requires a stage name".to_string() })
        }
        K::Copy | K::Add if ins.json.is_none() && ins.args.len() + ins.heredocs.len() < 2 => {
            error(format!("{kw} requires at least one source and a destination"))
        }
        K::Env | K::Label | K::Arg if ins.pairs.is_empty() => error(format!("{kw} requires at least one argument")),
        K::Env if ins.pairs.iter().any(|p| p.legacy && p.value.is_none()) => {
            error("ENV requires a value: use `ENV name=value`".to_string())
        }
        K::Expose | K::User | K::Workdir | K::Stopsignal | K::Volume if ins.args.is_empty() && ins.json.is_none() => {
            error(format!("{kw} requires at least one argument"))
        }
        K::Run if ins.shell.is_none() && ins.json.is_none() && ins.heredocs.is_empty() => {
            error("RUN requires a command".to_string())
        }
        K::Maintainer if ins.text().is_none() => error("MAINTAINER requires a name".to_string()),
        K::Onbuild if ins.onbuild().is_none() => error("ONBUILD requires an instruction".to_string()),
        K::Shell if ins.json.is_none() => {
            error("SHELL requires the JSON form, e.g. `SHELL [\"/bin/sh\", \"-c\"]`".to_string())
        }
        K::Healthcheck if ins.healthcheck().is_some_and(|h| h.cmd.is_none() && !h.none) => {
            error("HEALTHCHECK requires NONE or CMD".to_string())
        }
        _ => {}
    }
}

/// A script too deep to read is not kept, so no rule walks it; it is
/// reported instead.
pub(super) fn drop_too_deep_script(ins: &mut Instruction, errors: &mut Vec<SyntaxError>) {
    let Some(run) = ins.run_parts_mut() else { return };
    if let Some(at) = run.script.as_ref().and_then(|s| s.too_deep.map(|at| s.source_offset(at))) {
        run.script = None;
        errors.push(SyntaxError {
            range: TextRange::empty(at),
            message: format!(
                "shell script nested too deeply (its syntax tree is over {MAX_NESTING} levels deep); not analysed"
            ),
        });
    }
}
