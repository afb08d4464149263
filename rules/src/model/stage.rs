//! Build stages and what each builds on, with the facts about the chains
//! of stages that rules ask for per instruction.

use std::collections::HashMap;

use crate::diagnostic::TextRange;

use super::image;
use super::{Document, DocumentFact, ImageRef, Instruction, Word};

/// What a stage builds on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM <earlier stage>`.
    Stage(usize),
    /// An image; `resolved` is false when a variable had no known value
    /// or the reference is not a valid one.
    Image {
        reference: ImageRef,
        text: String,
        resolved: bool,
    },
    Scratch,
    /// No image given.
    Missing,
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit compares them.
    pub name: Option<String>,
    pub name_range: Option<TextRange>,
    /// The FROM instruction's index.
    pub from: usize,
    /// Instruction indices `from..end`.
    pub end: usize,
    pub base: Base,
    pub platform: Option<Word>,
}

impl Stage {
    pub fn instructions<'a>(&self, doc: &'a Document) -> &'a [Instruction] {
        &doc.instructions[self.from..self.end]
    }

    /// True when this stage's own base is a Windows image, whose default
    /// shell is `cmd`: its reference names one ([`ImageRef::is_windows`]),
    /// or its `FROM` word as written does, which is all there is to go on
    /// when variables leave it unresolved (`${WINDOWS_BASE_IMAGE}`,
    /// `mcr.microsoft.com/${NanoServerRepo}:${tag}`). A stage built on
    /// another stage is not; ask [`Document::on_windows_image`] for its chain.
    pub fn has_windows_image(&self, doc: &Document) -> bool {
        let Base::Image { reference, .. } = &self.base else { return false };
        reference.is_windows()
            || doc
                .instructions
                .get(self.from)
                .and_then(|i| i.image())
                .is_some_and(|spec| image::names_windows(&spec.word.raw))
    }
}

/// Where each stage's chain starts and whether it reaches the final stage:
/// rules ask for every instruction, and a chain can be as long as the file.
pub(super) struct StageChains {
    pub(super) root: Vec<usize>,
    pub(super) in_final: Vec<bool>,
    /// Whether each stage's chain starts on a Windows image.
    pub(super) windows: Vec<bool>,
}

impl DocumentFact for StageChains {
    fn compute(doc: &Document) -> StageChains {
        let mut root: Vec<usize> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            root.push(match stage.base {
                Base::Stage(parent) if parent < stage.index => root[parent],
                _ => stage.index,
            });
        }
        let mut in_final = vec![false; doc.stages.len()];
        for s in doc.stages.len().checked_sub(1).map(|last| doc.stage_chain(last)).unwrap_or_default() {
            in_final[s.index] = true;
        }
        let windows = root.iter().map(|&r| doc.stages[r].has_windows_image(doc)).collect();
        StageChains { root, in_final, windows }
    }
}

/// The first stage of each name: looked up for every `--from` and
/// `FROM <stage>`, which a search through the stages made quadratic.
pub(super) struct StageNames(pub(super) HashMap<String, usize, foldhash::fast::FixedState>);

impl DocumentFact for StageNames {
    fn compute(doc: &Document) -> StageNames {
        let mut names = HashMap::default();
        for stage in &doc.stages {
            if let Some(name) = &stage.name {
                names.entry(name.clone()).or_insert(stage.index);
            }
        }
        StageNames(names)
    }
}

#[cfg(test)]
mod tests {
    use super::Document;

    #[test]
    fn windows_images_are_known_by_reference_or_by_the_word_as_written() {
        let doc = Document::parse(
            "ARG WINDOWS_BASE_IMAGE\n\
             FROM ${WINDOWS_BASE_IMAGE}\nRUN dir\n\
             FROM mcr.microsoft.com/dotnet/framework/sdk:4.8 AS build\n\
             FROM build\nUSER app\n\
             FROM myorg/app:ltsc2019\n\
             FROM debian:12\nRUN ls\n",
        );
        let windows: Vec<bool> = (0..doc.stages.len()).map(|s| doc.on_windows_image(s)).collect();
        assert_eq!(windows, [true, true, true, false, false]);
        // The stage's default shell follows the same answer.
        assert_eq!(doc.shell_at(2), ["cmd", "/S", "/C"]);
        assert_eq!(doc.shell_at(5), ["cmd", "/S", "/C"]);
        assert_eq!(doc.shell_at(8), ["/bin/sh", "-c"]);
    }
}
