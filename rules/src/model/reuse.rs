//! What one build of a document's model keeps for the next: the language
//! server rebuilds the model on every keystroke, and a keystroke changes one
//! instruction. Reading an instruction from the tree is most of a build, so
//! an instruction whose text is unchanged is copied from the last build and
//! moved to where it now starts; RUN scripts are reused the same way
//! ([`ScriptCache`]).

use std::collections::HashMap;

use tree_sitter::Node;

use super::{
    Body, Flag, FromParts, HealthcheckParts, Heredoc, ImageSpec, Instruction, JsonForm, MountOption, Pair, Part,
    RunParts, ScriptCache, ShellForm, Word,
};
use crate::diagnostic::TextRange;
use crate::model::word::Expansion;

/// Everything a build reuses from the previous one. [`BuildCache::new`] is
/// for a document rebuilt as it is edited; the default one, for a single
/// build, keeps nothing.
#[derive(Default)]
pub struct BuildCache {
    pub(crate) scripts: ScriptCache,
    /// `None` for a document built once (the command line): keeping a copy
    /// of each instruction would be work for nothing.
    instructions: Option<InstructionCache>,
}

impl BuildCache {
    /// A cache kept from build to build of one document.
    pub fn new() -> BuildCache {
        BuildCache { scripts: ScriptCache::kept(), instructions: Some(InstructionCache::default()) }
    }

    /// Forget what the last build did not use.
    pub(crate) fn finish_build(&mut self) {
        self.scripts.finish_build();
        if let Some(cache) = &mut self.instructions {
            cache.previous = std::mem::take(&mut cache.current);
        }
    }

    /// The instruction `node` reads as, from the last build when it had the
    /// same text; `read` reads it otherwise.
    pub(crate) fn instruction(
        &mut self,
        node: Node<'_>,
        text: &str,
        escape: char,
        read: impl FnOnce() -> Instruction,
    ) -> Instruction {
        // Error recovery can depend on what surrounds the instruction.
        let Some(cache) = self.instructions.as_mut().filter(|_| !node.has_error()) else { return read() };
        let key = InstructionKey { kind: node.kind_id(), escape, text: text[node.byte_range()].to_string() };
        let moved = |cached: &Instruction| {
            let mut ins = cached.clone();
            ins.shift(Shift { from: cached.range.start, to: node.start_byte() });
            ins
        };
        if let Some(cached) = cache.current.get(&key) {
            return moved(cached);
        }
        if let Some(cached) = cache.previous.remove(&key) {
            let ins = moved(&cached);
            cache.current.insert(key, cached);
            return ins;
        }
        let ins = read();
        cache.current.insert(key, ins.clone());
        ins
    }
}

#[derive(Default)]
struct InstructionCache {
    previous: HashMap<InstructionKey, Instruction>,
    current: HashMap<InstructionKey, Instruction>,
}

/// An instruction reads the same from the same text under the same escape
/// character: it reads nothing outside its node.
#[derive(Hash, PartialEq, Eq)]
struct InstructionKey {
    kind: u16,
    escape: char,
    text: String,
}

/// A move of text from offset `from` to offset `to`.
#[derive(Clone, Copy)]
pub(crate) struct Shift {
    pub from: usize,
    pub to: usize,
}

impl Shift {
    fn offset(self, offset: usize) -> usize {
        (offset + self.to).wrapping_sub(self.from)
    }

    fn range(self, range: &mut TextRange) {
        *range = TextRange::new(self.offset(range.start), self.offset(range.end));
    }
}

/// Moving every source range a value holds. Each impl destructures its
/// type, so a field added later fails to compile until it is moved too.
trait Moved {
    fn shift(&mut self, by: Shift);
}

impl Moved for TextRange {
    fn shift(&mut self, by: Shift) {
        by.range(self);
    }
}

impl<T: Moved> Moved for Option<T> {
    fn shift(&mut self, by: Shift) {
        if let Some(value) = self {
            value.shift(by);
        }
    }
}

impl<T: Moved> Moved for Vec<T> {
    fn shift(&mut self, by: Shift) {
        for value in self {
            value.shift(by);
        }
    }
}

impl<T: Moved> Moved for Box<T> {
    fn shift(&mut self, by: Shift) {
        (**self).shift(by);
    }
}

impl Moved for Instruction {
    fn shift(&mut self, by: Shift) {
        let Instruction {
            kind: _,
            index: _,
            range,
            keyword_range,
            keyword: _,
            flags,
            args,
            pairs,
            json,
            shell,
            heredocs,
            empty_continuation_lines,
            stage: _,
            body,
        } = self;
        range.shift(by);
        keyword_range.shift(by);
        flags.shift(by);
        args.shift(by);
        pairs.shift(by);
        json.shift(by);
        shell.shift(by);
        heredocs.shift(by);
        empty_continuation_lines.shift(by);
        body.shift(by);
    }
}

impl Moved for Body {
    fn shift(&mut self, by: Shift) {
        match self {
            Body::Plain => {}
            Body::From(from) => {
                let FromParts { image, alias, as_keyword_range } = &mut **from;
                image.shift(by);
                alias.shift(by);
                as_keyword_range.shift(by);
            }
            Body::Run(RunParts { script, windows_script }) => {
                // Scripts are attached after reading, from their own cache.
                debug_assert!(
                    script.is_none() && windows_script.is_none(),
                    "instructions are cached before their scripts"
                );
            }
            Body::Onbuild(inner) => inner.shift(by),
            Body::Healthcheck(HealthcheckParts { cmd, none: _ }) => cmd.shift(by),
            Body::Text(text) => text.shift(by),
        }
    }
}

impl Moved for Word {
    fn shift(&mut self, by: Shift) {
        let Word { range, raw: _, parts } = self;
        range.shift(by);
        parts.shift(by);
    }
}

impl Moved for Part {
    fn shift(&mut self, by: Shift) {
        match self {
            Part::Literal(_) => {}
            Part::Expansion(expansion) => expansion.shift(by),
            Part::Quoted { double: _, parts } => parts.shift(by),
        }
    }
}

impl Moved for Expansion {
    fn shift(&mut self, by: Shift) {
        let Expansion { range, name: _, name_range, operator: _, argument, too_deep: _ } = self;
        range.shift(by);
        name_range.shift(by);
        argument.shift(by);
    }
}

impl Moved for Flag {
    fn shift(&mut self, by: Shift) {
        let Flag { range, name: _, name_range, value, mount } = self;
        range.shift(by);
        name_range.shift(by);
        value.shift(by);
        mount.shift(by);
    }
}

impl Moved for MountOption {
    fn shift(&mut self, by: Shift) {
        let MountOption { key: _, key_range, value } = self;
        key_range.shift(by);
        value.shift(by);
    }
}

impl Moved for Pair {
    fn shift(&mut self, by: Shift) {
        let Pair { range, key, value, legacy: _ } = self;
        range.shift(by);
        key.shift(by);
        value.shift(by);
    }
}

impl Moved for JsonForm {
    fn shift(&mut self, by: Shift) {
        let JsonForm { range, items } = self;
        range.shift(by);
        for (_, item) in items {
            item.shift(by);
        }
    }
}

impl Moved for ShellForm {
    fn shift(&mut self, by: Shift) {
        let ShellForm { range, text: _, segments } = self;
        range.shift(by);
        for segment in segments {
            segment.source = by.offset(segment.source);
        }
    }
}

impl Moved for Heredoc {
    fn shift(&mut self, by: Shift) {
        let Heredoc { marker_range, delimiter: _, strip_tabs: _, quoted: _, body: _, body_range, end_range } = self;
        marker_range.shift(by);
        body_range.shift(by);
        end_range.shift(by);
    }
}

impl Moved for ImageSpec {
    fn shift(&mut self, by: Shift) {
        let ImageSpec { word, registry_range, name_range, tag_range, digest_range } = self;
        word.shift(by);
        registry_range.shift(by);
        name_range.shift(by);
        tag_range.shift(by);
        digest_range.shift(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random_edits::RandomEdits;
    use crate::{Document, SyntaxTree};

    /// Everything a build reads per instruction, positions included.
    fn instructions_of(doc: &Document) -> String {
        format!("{:?}", doc.instructions)
    }

    const INSERTS: [&str; 11] = ["x", "\n", " ", "\\\n", "RUN a && b\n", "#", "\"", "é", "", "$A", "# escape=`\n"];

    #[test]
    fn reused_instructions_equal_fresh_ones_after_edits() {
        let sample = "# escape=\\\nARG V=1\nFROM python:${V}-slim AS base\nLABEL a=\"b c\" d=e\n\
                      RUN --mount=type=cache,target=/root/.cache pip install x \\\n  && echo \"$HOME\"\n\
                      COPY --from=base --chmod=644 a b /c/\nCOPY <<EOF /x\nhi\nEOF\nONBUILD RUN make\n\
                      HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\nENV A=1 B=\"two words\"\n\
                      CMD [\"python\", \"-m\", \"x\"]\nMAINTAINER me\nFROM base\n\
                      ONBUILD HEALTHCHECK --interval=1s CMD true\nFOO bar\nHEALTHCHECK NONE\nFROM base AS\nRUN <<EOT bash\nset -e\nEOT\n";
        let mut edits = RandomEdits::new(0x5eed);
        let mut cache = BuildCache::new();
        let mut text = sample.to_string();
        for step in 0..400 {
            let (range, insert) = edits.edit(&text, 4, &INSERTS);
            text.replace_range(range.as_range(), insert);
            let reused = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
            assert_eq!(instructions_of(&reused), instructions_of(&Document::parse(&text)), "step {step}: {text:?}");
            if step % 80 == 79 {
                text = sample.to_string();
            }
        }
    }

    /// Every corpus file, edited before, inside and after its middle
    /// instruction: the reused model is the fresh one.
    #[test]
    fn reused_instructions_equal_fresh_ones_on_the_corpus() {
        let Some(corpus) = crate::test_env::shared_corpus("reused_instructions_equal_fresh_ones_on_the_corpus") else {
            return;
        };
        let dir = corpus.join("files");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the shared corpus at {}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            files += 1;
            let mut cache = BuildCache::new();
            let first = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
            let middle = first.instructions.get(first.instructions.len() / 2).map_or(0, |i| i.keyword_range.end);
            let edits = [(0, "# moved\n\n"), (middle, " x"), (text.len(), "\nRUN true\n")];
            for (at, insert) in edits {
                let mut edited = text.clone();
                edited.insert_str(at, insert);
                let reused = Document::build_reusing(SyntaxTree::parse(edited.as_str()), &mut cache);
                let fresh = Document::parse(&edited);
                assert_eq!(instructions_of(&reused), instructions_of(&fresh), "{}: insert at {at}", path.display());
            }
        }
        assert!(files > 1000, "{files} corpus files read");
    }
}
