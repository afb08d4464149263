//! What the engine reports: diagnostics, their severities and fixes.
//!
//! Every range is a byte range into the linted text; front-ends turn it into
//! line/column positions with [`crate::LineIndex`].

use std::fmt;
use std::ops::Range;

use crate::registry::RuleMeta;

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

/// How bad a finding is. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Style,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Error, Severity::Warning, Severity::Info, Severity::Style];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "style" => Some(Severity::Style),
            _ => None,
        }
    }

    /// True when `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The closed list of rule categories; every rule is in exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Correctness,
    Security,
    Cache,
    Size,
    BaseImage,
    Reproducibility,
    Shell,
    Maintainability,
    Metadata,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Correctness,
        Category::Security,
        Category::Cache,
        Category::Size,
        Category::BaseImage,
        Category::Reproducibility,
        Category::Shell,
        Category::Maintainability,
        Category::Metadata,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Cache => "cache",
            Category::Size => "size",
            Category::BaseImage => "base-image",
            Category::Reproducibility => "reproducibility",
            Category::Shell => "shell",
            Category::Maintainability => "maintainability",
            Category::Metadata => "metadata",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    pub fn description(self) -> &'static str {
        match self {
            Category::Correctness => "the build fails or does something other than intended",
            Category::Security => "secrets, privileges and untrusted sources",
            Category::Cache => "build-cache invalidation and layer ordering",
            Category::Size => "image bloat",
            Category::BaseImage => "choice of base image",
            Category::Reproducibility => "unpinned versions and moving tags",
            Category::Shell => "shell pitfalls in RUN",
            Category::Maintainability => "style and deprecated forms",
            Category::Metadata => "labels",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
}

/// Put diagnostics in the order every front-end shows them: by range, then
/// rule name (the one place this order is written).
pub fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (a.range.start, a.range.end, a.rule.name).cmp(&(b.range.start, b.range.end, b.rule.name)));
}
