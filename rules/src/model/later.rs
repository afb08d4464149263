//! What runs after an instruction on top of what it leaves behind: the rest
//! of its stage, the stages built `FROM` it (transitively), the ONBUILD
//! triggers those stages register, and the `COPY --from` / `RUN
//! --mount=from=` that take files out of them. Fixes that remove or change
//! something ask this to find out who could depend on it.

use super::{Base, Document, DocumentFact, Instruction, InstructionKind, Scope, Word};

/// The instructions that see what one instruction leaves behind.
#[derive(Debug)]
pub struct Later<'a> {
    /// The instruction's stage and every stage built on it, in order.
    pub stages: Vec<usize>,
    /// Where [`Later::instructions`] starts: walked when asked, since a
    /// walk that stops early should not pay for the rest of the file.
    doc: &'a Document,
    after: usize,
    /// The instructions wrapped in an `ONBUILD` in those stages (wherever
    /// they stand: a trigger runs at the start of every stage built `FROM`
    /// its stage, and in every image built on the result).
    pub triggers: Vec<&'a Instruction>,
    /// `COPY --from` and `RUN --mount=…,from=` anywhere in the file that
    /// read one of `stages`.
    pub copies_out: Vec<CopyOut<'a>>,
    /// The instruction is itself an ONBUILD trigger: it and everything after
    /// it run in a build this Dockerfile does not show.
    pub in_unknown_build: bool,
}

/// An instruction that takes files out of a stage.
#[derive(Debug)]
pub struct CopyOut<'a> {
    pub instruction: &'a Instruction,
    /// The paths it reads in that stage, `None` where a variable has no
    /// known value.
    pub sources: Vec<Option<String>>,
}

impl<'a> Later<'a> {
    /// The instructions after it in its stage, then every instruction of the
    /// stages built on it, in document order (the order they run in along
    /// any one chain of stages).
    pub fn instructions(&self) -> impl Iterator<Item = &'a Instruction> + '_ {
        let rest = self.doc.instructions.get(self.after..).unwrap_or_default();
        rest.iter().filter(|i| i.stage.is_some_and(|s| self.stages.contains(&s)))
    }
}

/// The only instructions `later` looks at outside the stages it walks:
/// ONBUILDs and instructions with flags (`COPY --from`, `RUN --mount`).
/// Listed once per document, so that asking about every RUN of a long file
/// costs these lists, not the file, each time.
struct CrossStage {
    onbuilds: Vec<usize>,
    flagged: Vec<usize>,
}

impl DocumentFact for CrossStage {
    fn compute(doc: &Document) -> CrossStage {
        let indices =
            |keep: fn(&Instruction) -> bool| doc.instructions.iter().filter(|i| keep(i)).map(|i| i.index).collect();
        CrossStage {
            onbuilds: indices(|i| i.onbuild().is_some()),
            flagged: indices(|i| matches!(i.kind, InstructionKind::Copy | InstructionKind::Run) && !i.flags.is_empty()),
        }
    }
}

impl Document {
    /// Stage `stage` and every stage built `FROM` it, directly or through
    /// other stages, in order.
    pub fn stage_and_descendants(&self, stage: usize) -> Vec<usize> {
        let mut stages = vec![stage];
        for s in self.stages.iter().skip(stage + 1) {
            if let Base::Stage(parent) = s.base
                && stages.contains(&parent)
            {
                stages.push(s.index);
            }
        }
        stages
    }

    /// What runs after `ins` (a top-level instruction or the instruction
    /// inside an ONBUILD) on top of what it leaves behind. Before the first
    /// `FROM` nothing does.
    pub fn later(&self, ins: &Instruction) -> Later<'_> {
        let in_unknown_build = self.instructions.get(ins.index).is_some_and(|outer| {
            outer.kind == InstructionKind::Onbuild && outer.onbuild().is_some_and(|i| std::ptr::eq(i, ins))
        });
        let Some(stage) = ins.stage.filter(|s| *s < self.stages.len()) else {
            return Later {
                stages: Vec::new(),
                doc: self,
                after: self.instructions.len(),
                triggers: Vec::new(),
                copies_out: Vec::new(),
                in_unknown_build,
            };
        };
        let stages = self.stage_and_descendants(stage);
        let in_stages = |i: &Instruction| i.stage.is_some_and(|s| stages.contains(&s));
        let own = &self.stages[stage];
        let cross = self.fact::<CrossStage>();
        let triggers = cross
            .onbuilds
            .iter()
            .map(|&i| &self.instructions[i])
            .filter(|i| i.index >= own.from && in_stages(i))
            .filter_map(|i| i.onbuild())
            .filter(|inner| !std::ptr::eq(*inner, ins))
            .collect();
        let copies_out = cross
            .flagged
            .iter()
            .filter(|&&i| i > own.from)
            .filter_map(|&i| self.copy_out(&self.instructions[i], &stages))
            .collect();
        Later { stages, doc: self, after: ins.index + 1, triggers, copies_out, in_unknown_build }
    }

    /// `i` as a [`CopyOut`] of one of `stages`.
    fn copy_out<'a>(&self, i: &'a Instruction, stages: &[usize]) -> Option<CopyOut<'a>> {
        let reads_from = |word: &Word| {
            let from = Scope::at(self, i.index).expand(word);
            from.complete && self.stage_named(&from.text).is_some_and(|s| stages.contains(&s.index) && s.from < i.index)
        };
        match i.kind {
            InstructionKind::Copy => {
                if !i.flag("from").and_then(|f| f.value.as_ref()).is_some_and(reads_from) {
                    return None;
                }
                let sources = match &i.json {
                    Some(json) => {
                        let n = json.items.len().saturating_sub(1);
                        json.items[..n].iter().map(|(s, _)| (!s.contains('$')).then(|| s.clone())).collect()
                    }
                    None => {
                        let n = i.args.len().saturating_sub(1);
                        i.args[..n].iter().map(|w| self.known_value(i, w)).collect()
                    }
                };
                Some(CopyOut { instruction: i, sources })
            }
            InstructionKind::Run => {
                let sources: Vec<Option<String>> = i
                    .flags
                    .iter()
                    .filter(|f| f.name.eq_ignore_ascii_case("mount"))
                    .filter(|f| {
                        f.mount
                            .iter()
                            .any(|o| o.key.eq_ignore_ascii_case("from") && o.value.as_ref().is_some_and(reads_from))
                    })
                    .map(|f| {
                        let source =
                            f.mount.iter().find(|o| matches!(o.key.to_ascii_lowercase().as_str(), "source" | "src"));
                        match source.and_then(|o| o.value.as_ref()) {
                            Some(word) => self.known_value(i, word),
                            // Without `source` the whole stage is mounted.
                            None => Some("/".to_string()),
                        }
                    })
                    .collect();
                (!sources.is_empty()).then_some(CopyOut { instruction: i, sources })
            }
            _ => None,
        }
    }

    /// A word's value at `ins`, `None` when a variable in it has no known value.
    fn known_value(&self, ins: &Instruction, word: &Word) -> Option<String> {
        if !word.has_expansion() {
            return Some(word.value());
        }
        let expanded = Scope::at(self, ins.index).expand(word);
        expanded.complete.then_some(expanded.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indices<'a>(list: impl Iterator<Item = &'a Instruction>) -> Vec<usize> {
        list.map(|i| i.index).collect()
    }

    #[test]
    fn later_covers_the_stage_its_descendants_and_their_triggers() {
        let doc = Document::parse(
            "FROM debian AS base\n\
             RUN a\n\
             ONBUILD RUN t\n\
             RUN b\n\
             FROM base AS mid\n\
             RUN c\n\
             FROM alpine AS other\n\
             RUN d\n\
             COPY --from=mid /x /y\n\
             RUN --mount=from=base,target=/m e\n\
             FROM mid\n\
             ONBUILD RUN u\n\
             RUN f\n",
        );
        let a = &doc.instructions[1];
        let later = doc.later(a);
        assert_eq!(later.stages, [0, 1, 3]);
        assert_eq!(indices(later.instructions()), [2, 3, 4, 5, 10, 11, 12]);
        let triggers: Vec<String> = later.triggers.iter().map(|t| doc.text()[t.range.as_range()].to_string()).collect();
        assert_eq!(triggers, ["RUN t", "RUN u"]);
        let copies: Vec<(usize, Vec<Option<String>>)> =
            later.copies_out.iter().map(|c| (c.instruction.index, c.sources.clone())).collect();
        assert_eq!(copies, [(8, vec![Some("/x".to_string())]), (9, vec![Some("/".to_string())])]);
        assert!(!later.in_unknown_build);

        // Nothing of stage `other` comes after `d` but its own instructions.
        let d = &doc.instructions[7];
        assert_eq!(indices(doc.later(d).instructions()), [8, 9]);
        assert!(doc.later(d).copies_out.is_empty());
    }

    #[test]
    fn an_onbuild_trigger_runs_in_an_unknown_build() {
        let doc = Document::parse("FROM debian\nONBUILD RUN apt-get update\nRUN x\n");
        let inner = doc.instructions[1].onbuild().expect("ONBUILD's instruction");
        let later = doc.later(inner);
        assert!(later.in_unknown_build);
        assert!(later.triggers.is_empty(), "a trigger does not follow itself");
        assert!(!doc.later(&doc.instructions[2]).in_unknown_build);
        assert_eq!(doc.later(&doc.instructions[2]).triggers.len(), 1);
    }

    #[test]
    fn unknown_copy_sources_and_stage_numbers() {
        let doc = Document::parse("FROM debian\nRUN a\nFROM alpine\nARG SRC\nCOPY --from=0 $SRC /lists /dst/\n");
        let later = doc.later(&doc.instructions[1]);
        assert_eq!(later.copies_out.len(), 1);
        assert_eq!(later.copies_out[0].sources, [None, Some("/lists".to_string())]);
    }
}
