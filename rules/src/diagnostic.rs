//! What the engine reports: diagnostics and their fixes. With
//! [`crate::rule_meta`] this is the bottom layer of the crate: it imports
//! nothing else from it.
//!
//! Every range is a byte range into the linted text; front-ends turn it into
//! line/column positions with [`crate::LineIndex`].

use std::ops::Range;

use crate::rule_meta::RuleMeta;
pub use crate::rule_meta::{Category, Severity};

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub const fn len(self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn overlaps(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn as_range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for TextRange {
    fn from(r: Range<usize>) -> Self {
        TextRange::new(r.start, r.end)
    }
}

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps the meaning of the Dockerfile; applied by `--fix`.
    Safe,
    /// May change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `range` of the source with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> Edit {
        Edit { range, new_text: new_text.into() }
    }
    pub fn insert(at: usize, new_text: impl Into<String>) -> Edit {
        Edit { range: TextRange::empty(at), new_text: new_text.into() }
    }
    pub fn delete(range: TextRange) -> Edit {
        Edit { range, new_text: String::new() }
    }
}

/// A set of non-overlapping edits that together fix one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative ("Add `-y`").
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by start offset, non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Fix {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix { title: title.into(), applicability, edits }
    }
    /// The smallest range covering every edit.
    pub fn range(&self) -> TextRange {
        let start = self.edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(0);
        TextRange::new(start, end)
    }
}

/// A secondary location that explains a diagnostic ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// One finding of one rule.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    /// The effective severity (after config overrides).
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn rule_name(&self) -> &'static str {
        self.rule.name
    }

    pub fn with_fix(&mut self, fix: Fix) -> &mut Self {
        debug_assert!(self.rule.fix.is_fixable(), "rule {} declares no fix but reported one", self.rule.name);
        self.fix = Some(fix);
        self
    }

    pub fn with_related(&mut self, range: TextRange, message: impl Into<String>) -> &mut Self {
        self.related.push(Related { range, message: message.into() });
        self
    }
}

/// Put diagnostics in the order every front-end shows them: by range, then
/// rule name (the one place this order is written).
pub fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (a.range.start, a.range.end, a.rule.name).cmp(&(b.range.start, b.range.end, b.rule.name)));
}
