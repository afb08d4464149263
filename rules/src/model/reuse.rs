//! What one build of a document's model leaves for the next: the language
//! server rebuilds the model on every keystroke, and a keystroke changes one
//! instruction. Reading an instruction from the tree is most of a build, so
//! the model being replaced is handed back ([`BuildCache::reclaim`]) and
//! each of its instructions whose text is unchanged is taken over by the
//! next build and moved to where it now starts; RUN scripts are reused the
//! same way ([`ScriptCache`]). When nothing else holds the old model its
//! parts are moved, not copied, so an edit costs neither a copy of every
//! instruction nor freeing one. The old instructions are met in document
//! order: where the old and new text agree (before and after the changed
//! stretch), a node's text starts where it did, shifted by the edit.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tree_sitter::Node;

use super::{
    Body, Document, Flag, FromParts, HealthcheckParts, Heredoc, ImageSpec, Instruction, JsonForm, MountOption, Pair,
    Part, RunParts, ScriptCache, ShellForm, Word,
};
use crate::diagnostic::TextRange;
use crate::model::word::Expansion;

/// Everything a build reuses from the previous one. [`BuildCache::new`] is
/// for a document rebuilt as it is edited; the default one, for a single
/// build, keeps nothing.
#[derive(Default)]
pub struct BuildCache {
    pub(crate) scripts: ScriptCache,
    /// `None` for a document built once (the command line).
    instructions: Option<InstructionCache>,
}

#[derive(Default)]
struct InstructionCache {
    /// The stamp of the last build with this cache ([`Document::build_stamp`]):
    /// only that model's instructions match `keys`.
    last_build: u64,
    /// The node of each instruction of the last build, by index: its kind
    /// and byte range (`None`: read without the cache).
    keys: Vec<Option<(u16, TextRange)>>,
    /// The model the last build made, handed back when it was replaced.
    reclaimed: Option<Arc<Document>>,
    /// During a build: the reclaimed model's text and escape character.
    old_text: String,
    old_escape: char,
    /// During a build: where the old and the new text differ, and the
    /// reclaimed instructions not yet passed, in order.
    diff: TextDiff,
    previous: Previous,
    /// What is left of the reclaimed model once its instructions are
    /// taken (its stages, scopes, facts, tree): freeing it is the caller's
    /// choice ([`BuildCache::take_leftover`]), off the path of an edit.
    leftover: Option<Document>,
    /// Instructions the last build took over instead of reading.
    reused: usize,
    /// How many instructions the build before the current one had.
    expected: usize,
}

/// The reclaimed instructions a build has not passed yet, with their keys,
/// in the order of the old text. An edit changes one stretch of the text,
/// so the new nodes meet them in the same order: each is looked at once,
/// taken or passed, without a table of all of them.
#[derive(Default)]
struct Previous {
    keys: std::vec::IntoIter<Option<(u16, TextRange)>>,
    instructions: Instructions,
}

#[derive(Default)]
enum Instructions {
    #[default]
    None,
    /// Nothing else held the old model: its instructions are moved.
    Owned(std::vec::IntoIter<Instruction>),
    /// Something still holds it: the taken ones are copied (the index of
    /// the next one to pass).
    Shared(Arc<Document>, usize),
}

impl Previous {
    /// The key of the next instruction not passed yet.
    fn peek(&self) -> Option<Option<(u16, TextRange)>> {
        self.keys.as_slice().first().copied()
    }

    /// Take the next instruction, its scripts detached into `scripts`;
    /// `None` when there is none.
    fn take(&mut self, scripts: &mut ScriptCache) -> Option<Instruction> {
        self.keys.next()?;
        let mut ins = match &mut self.instructions {
            Instructions::None => None,
            Instructions::Owned(instructions) => instructions.next(),
            Instructions::Shared(doc, next) => {
                *next += 1;
                doc.instructions.get(*next - 1).cloned()
            }
        }?;
        detach_all_scripts(&mut ins, scripts);
        Some(ins)
    }

    /// Pass the next instruction (it changed, or went): only its scripts
    /// are kept, for a RUN whose script did not change. Returns false when
    /// there is none.
    fn pass(&mut self, scripts: &mut ScriptCache) -> bool {
        if self.keys.next().is_none() {
            return false;
        }
        match &mut self.instructions {
            Instructions::None => {}
            Instructions::Owned(instructions) => {
                if let Some(mut ins) = instructions.next() {
                    detach_all_scripts(&mut ins, scripts);
                }
            }
            // Held elsewhere: copy the scripts, not the whole instruction.
            Instructions::Shared(doc, next) => {
                *next += 1;
                if let Some(ins) = doc.instructions.get(*next - 1) {
                    for ins in std::iter::once(ins).chain(ins.onbuild()) {
                        if let Some(script) = ins.run_parts().and_then(|run| run.script.as_deref()) {
                            scripts.reclaim(script.clone());
                        }
                    }
                }
            }
        }
        true
    }
}

/// Where two texts differ: the lengths of their longest common prefix and
/// (not overlapping it) suffix.
#[derive(Clone, Copy, Default)]
struct TextDiff {
    prefix: usize,
    suffix: usize,
    old_len: usize,
    new_len: usize,
}

impl TextDiff {
    fn new(old: &str, new: &str) -> TextDiff {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        let prefix = old_bytes.iter().zip(new_bytes).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old_bytes.iter().rev().zip(new_bytes.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
        TextDiff { prefix, suffix, old_len: old.len(), new_len: new.len() }
    }

    /// Where the text at `offset` of the new text was in the old one, when
    /// it was there: before the change, or after it.
    fn old_offset(self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_len - self.suffix {
            Some(offset - self.new_len + self.old_len)
        } else {
            None
        }
    }
}

/// How many reclaimed instructions a node inside the changed stretch is
/// compared with: the next ones not passed.
const LOOKAHEAD: usize = 4;

/// Gives every model a stamp of its own.
static BUILDS: AtomicU64 = AtomicU64::new(1);

impl BuildCache {
    /// A cache kept from build to build of one document.
    pub fn new() -> BuildCache {
        BuildCache { scripts: ScriptCache::kept(), instructions: Some(InstructionCache::default()) }
    }

    /// Hand back the model the last build made, now replaced: the next
    /// build takes over its unchanged instructions and scripts (moved if
    /// `doc` is the only reference left by then, copied otherwise). A model
    /// of another build is dropped (with the next build, not here).
    pub fn reclaim(&mut self, doc: Arc<Document>) {
        if let Some(cache) = &mut self.instructions {
            cache.reclaimed = Some(doc);
        }
    }

    /// The rest of the model the last build took parts from, for the caller
    /// to free where it costs least (dropped with the next build otherwise).
    pub fn take_leftover(&mut self) -> Option<Document> {
        self.instructions.as_mut().and_then(|c| c.leftover.take())
    }

    /// How many instructions and RUN scripts the last build took over from
    /// the reclaimed model instead of reading them.
    pub fn reused(&self) -> (usize, usize) {
        (self.instructions.as_ref().map_or(0, |c| c.reused), self.scripts.reused())
    }

    /// A new model's stamp, for `text`; the reclaimed model's
    /// instructions are lined up to be taken over.
    pub(crate) fn start_build(&mut self, text: &str) -> u64 {
        let stamp = BUILDS.fetch_add(1, Ordering::Relaxed);
        let Some(cache) = &mut self.instructions else { return stamp };
        cache.reused = 0;
        self.scripts.start_build();
        let keys = std::mem::take(&mut cache.keys);
        cache.expected = keys.len();
        let Some(old) = cache.reclaimed.take().filter(|old| old.build_stamp == cache.last_build) else {
            return stamp;
        };
        cache.old_text.clear();
        cache.old_text.push_str(old.syntax.text());
        cache.old_escape = old.escape;
        cache.diff = TextDiff::new(&cache.old_text, text);
        let instructions = match Arc::try_unwrap(old) {
            Ok(mut doc) => {
                let instructions = std::mem::take(&mut doc.instructions);
                cache.leftover = Some(doc);
                Instructions::Owned(instructions.into_iter())
            }
            Err(shared) => Instructions::Shared(shared, 0),
        };
        cache.previous = Previous { keys: keys.into_iter(), instructions };
        stamp
    }

    /// The reading of the top level is over: the scripts of the reclaimed
    /// instructions not taken over go to the script cache (an edit outside
    /// a RUN's script leaves the script as it was).
    pub(crate) fn instructions_read(&mut self) {
        if let Some(cache) = &mut self.instructions {
            while cache.previous.pass(&mut self.scripts) {}
            cache.previous = Previous::default();
        }
    }

    /// Forget what the build did not use.
    pub(crate) fn finish_build(&mut self, stamp: u64) {
        self.scripts.finish_build();
        if let Some(cache) = &mut self.instructions {
            cache.previous = Previous::default();
            cache.old_text.clear();
            cache.last_build = stamp;
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
        let Some(cache) = self.instructions.as_mut() else { return read() };
        // Error recovery can depend on what surrounds the instruction.
        if node.has_error() {
            cache.keys.push(None);
            return read();
        }
        let (kind, range) = (node.kind_id(), TextRange::new(node.start_byte(), node.end_byte()));
        cache.keys.push(Some((kind, range)));
        // Where this node's text was, when outside the changed stretch:
        // pass the reclaimed instructions that started before it (changed
        // ones), keeping their scripts. Inside the stretch (several edits
        // at once, or a text moved) the next one not passed may still match.
        let old_start = cache.diff.old_offset(range.start);
        if let Some(old_start) = old_start {
            while let Some(key) = cache.previous.peek()
                && key.is_none_or(|(_, old)| old.start < old_start)
            {
                cache.previous.pass(&mut self.scripts);
            }
        }
        // An instruction reads the same from the same text under the same
        // escape character: it reads nothing outside its node.
        let same = |(old_kind, old): (u16, TextRange)| {
            old_kind == kind
                && old_start.is_none_or(|start| start == old.start)
                && cache.old_escape == escape
                && cache.old_text.get(old.as_range()) == Some(&text[range.as_range()])
        };
        // Inside the stretch, a few changed instructions may come first.
        let look = if old_start.is_some() { 1 } else { LOOKAHEAD };
        let Some(ahead) = cache.previous.keys.as_slice().iter().take(look).position(|key| key.is_some_and(same)) else {
            return read();
        };
        for _ in 0..ahead {
            cache.previous.pass(&mut self.scripts);
        }
        match cache.previous.take(&mut self.scripts) {
            Some(mut ins) => {
                ins.shift(Shift { from: ins.range.start, to: node.start_byte() });
                cache.reused += 1;
                ins
            }
            None => read(),
        }
    }

    /// How many instructions the last build had (to size the next one's list).
    pub(crate) fn last_instruction_count(&self) -> Option<usize> {
        self.instructions.as_ref().map(|c| c.expected).filter(|&n| n > 0)
    }
}

/// Take the scripts off a reclaimed instruction (and ONBUILD's RUN):
/// scripts are attached per build, under the shell of the moment.
fn detach_all_scripts(ins: &mut Instruction, scripts: &mut ScriptCache) {
    detach_scripts(ins, scripts);
    if let Some(inner) = ins.onbuild_mut() {
        detach_scripts(inner, scripts);
    }
}

/// Take a RUN's scripts off it: the POSIX one into the script cache.
fn detach_scripts(ins: &mut Instruction, scripts: &mut ScriptCache) {
    if let Some(run) = ins.run_parts_mut() {
        if let Some(script) = run.script.take() {
            scripts.reclaim(*script);
        }
        run.windows_script = None;
    }
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
        let (mut moved, mut copied) = (0, 0);
        for step in 0..400 {
            let (range, insert) = edits.edit(&text, 4, &INSERTS);
            text.replace_range(range.as_range(), insert);
            let reused = Arc::new(Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache));
            assert_eq!(instructions_of(&reused), instructions_of(&Document::parse(&text)), "step {step}: {text:?}");
            // Every third model is still held elsewhere when the next build
            // starts: its instructions are copied instead of moved.
            let held = (step % 3 == 0).then(|| Arc::clone(&reused));
            *if held.is_some() { &mut copied } else { &mut moved } += cache.reused().0;
            cache.reclaim(reused);
            if step % 80 == 79 {
                text = sample.to_string();
            }
            let next = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
            assert_eq!(instructions_of(&next), instructions_of(&Document::parse(&text)), "step {step}: {text:?}");
            drop(held);
            cache.reclaim(Arc::new(next));
        }
        assert!(moved > 1000 && copied > 1000, "instructions reused: {moved} moved, {copied} copied");
    }

    /// A model handed back is used only by the next build of the cache that
    /// made it: a model of another build, or of another cache, is ignored.
    #[test]
    fn only_the_last_model_built_is_taken_back() {
        let (a, b) = ("FROM alpine\nRUN echo a\n", "FROM alpine\nRUN echo b\n");
        let mut cache = BuildCache::new();
        let first = Arc::new(Document::build_reusing(SyntaxTree::parse(a), &mut cache));
        let _second = Document::build_reusing(SyntaxTree::parse(b), &mut cache);
        cache.reclaim(first);
        let third = Document::build_reusing(SyntaxTree::parse(a), &mut cache);
        assert_eq!(cache.reused(), (0, 0));
        cache.reclaim(Arc::new(Document::build_reusing(SyntaxTree::parse(a), &mut BuildCache::new())));
        let _fourth = Document::build_reusing(SyntaxTree::parse(a), &mut cache);
        assert_eq!(cache.reused(), (0, 0));
        drop(third);
        let mut cache = BuildCache::new();
        let fifth = Document::build_reusing(SyntaxTree::parse(a), &mut cache);
        cache.reclaim(Arc::new(fifth));
        let _sixth = Document::build_reusing(SyntaxTree::parse(a), &mut cache);
        assert_eq!(cache.reused(), (2, 1));
    }

    /// An instruction that changed outside its script (a flag added to a
    /// RUN) is read again, but its script is taken over, whether the old
    /// model was handed back alone or is still held elsewhere.
    #[test]
    fn a_changed_run_keeps_its_unchanged_script() {
        let (before, after) = ("FROM alpine\nRUN echo hi\n", "FROM alpine\nRUN --network=none echo hi\n");
        for held in [false, true] {
            let mut cache = BuildCache::new();
            let first = Arc::new(Document::build_reusing(SyntaxTree::parse(before), &mut cache));
            let holder = held.then(|| Arc::clone(&first));
            cache.reclaim(first);
            let second = Document::build_reusing(SyntaxTree::parse(after), &mut cache);
            assert_eq!(cache.reused(), (1, 1), "held elsewhere: {held}");
            assert_eq!(instructions_of(&second), instructions_of(&Document::parse(after)));
            drop(holder);
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
        let (mut files, mut instructions, mut reused_instructions) = (0, 0, 0);
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            files += 1;
            let mut cache = BuildCache::new();
            let first = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
            let middle = first.instructions.get(first.instructions.len() / 2).map_or(0, |i| i.keyword_range.end);
            let count = first.instructions.len();
            cache.reclaim(Arc::new(first));
            let edits = [(0, "# moved\n\n"), (middle, " x"), (text.len(), "\nRUN true\n")];
            for (at, insert) in edits {
                let mut edited = text.clone();
                edited.insert_str(at, insert);
                let reused = Document::build_reusing(SyntaxTree::parse(edited.as_str()), &mut cache);
                let fresh = Document::parse(&edited);
                assert_eq!(instructions_of(&reused), instructions_of(&fresh), "{}: insert at {at}", path.display());
                reused_instructions += cache.reused().0;
                cache.reclaim(Arc::new(reused));
            }
            instructions += 3 * count;
        }
        assert!(files > 1000, "{files} corpus files read");
        // Most instructions are taken over (not those an edit or an error touched).
        assert!(reused_instructions * 10 > instructions * 8, "{reused_instructions} of {instructions} reused");
    }
}
