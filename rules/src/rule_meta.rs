//! What a rule is, apart from its check: its name, category, default
//! severity, fix availability and documentation. The bottom layer of the
//! crate with [`crate::diagnostic`]: it imports nothing else from it.

use std::fmt;

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

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Some findings have a fix.
    Sometimes,
    /// Every finding has a fix.
    Always,
}

impl FixAvailability {
    pub fn is_fixable(self) -> bool {
        !matches!(self, FixAvailability::None)
    }
}

/// Which applicability a rule's fixes carry: whether `--fix` applies them,
/// or only `--unsafe-fixes` does. Checked against the fixes of the rule's
/// test cases (their snapshots).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixSafety {
    /// Every fix is safe.
    Safe,
    /// Every fix is unsafe: nothing is applied without `--unsafe-fixes`.
    Unsafe,
    /// Safe where the rule can tell the build does not change, else unsafe.
    Either,
}

impl FixSafety {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
            FixSafety::Either => "safe or unsafe",
        }
    }
}

/// Everything about a rule that is not its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case, names the problem (`untagged-base-image`).
    pub name: &'static str,
    /// Other names that select or suppress this rule: hadolint `DLxxxx` codes
    /// and BuildKit check names.
    pub aliases: &'static [&'static str],
    pub category: Category,
    /// The default severity.
    pub severity: Severity,
    pub fix: FixAvailability,
    /// The applicability of its fixes (meaningless without a fix).
    pub fix_safety: FixSafety,
    /// One line, shown in `dockside rules`.
    pub summary: &'static str,
    /// The rule's documentation, Markdown: its file's `//!` comment, which
    /// `build.rs` extracts so that only the docs, not the source, are embedded.
    pub docs: &'static str,
    /// The rule's file, relative to the repository root (`file!()`).
    pub path: &'static str,
    pub enabled_by_default: bool,
}

/// Where every rule's documentation page lives.
pub const DOCS_BASE_URL: &str = "https://github.com/dockside/dockside/blob/main/docs/rules/";

impl RuleMeta {
    /// The fields a `declare_rule!` leaves out: no aliases, no fix, on by default.
    #[doc(hidden)]
    pub const DEFAULTS: RuleMeta = RuleMeta {
        name: "",
        aliases: &[],
        category: Category::Correctness,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        fix_safety: FixSafety::Safe,
        summary: "",
        docs: "",
        path: "",
        enabled_by_default: true,
    };

    /// The rule's documentation, as Markdown (the `docs` field, owned:
    /// front ends append to it).
    pub fn docs(&self) -> String {
        self.docs.to_string()
    }

    /// The Markdown section under `## <heading>`, without the heading.
    pub fn docs_section(&self, heading: &str) -> Option<String> {
        let mut lines = self.docs.lines();
        lines.find(|l| l.trim_start_matches('#').trim() == heading && l.starts_with("## "))?;
        let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
        Some(body.join("\n").trim().to_string())
    }

    /// The fenced code blocks of a docs section whose language is `lang`
    /// (`dockerfile`, or `toml` for the config an example needs).
    pub fn docs_code_blocks(&self, heading: &str, lang: &str) -> Vec<String> {
        let Some(section) = self.docs_section(heading) else { return Vec::new() };
        let mut blocks = Vec::new();
        let mut current: Option<(String, String)> = None;
        for line in section.lines() {
            let trimmed = line.trim_start();
            if let Some(info) = trimmed.strip_prefix("```") {
                match current.take() {
                    Some((block_lang, block)) => {
                        if block_lang == lang {
                            blocks.push(block);
                        }
                    }
                    None => current = Some((info.trim().to_string(), String::new())),
                }
            } else if let Some((_, block)) = current.as_mut() {
                block.push_str(line);
                block.push('\n');
            }
        }
        blocks
    }

    pub fn url(&self) -> String {
        if self.path.is_empty() && self.name.starts_with("SC") {
            // ShellCheck findings link to ShellCheck's own pages.
            return format!("https://www.shellcheck.net/wiki/{}", self.name);
        }
        format!("{DOCS_BASE_URL}{}.md", self.name)
    }

    /// Does `name` (a rule name or alias, any case for aliases) denote this rule?
    pub fn answers_to(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// BuildKit check names are CamelCase words; hadolint codes are `DL`/`SC` + digits.
pub fn is_buildkit_check_name(alias: &str) -> bool {
    alias.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !alias.starts_with("DL") && !alias.starts_with("SC")
}

/// `SC` (any case) followed by digits: a ShellCheck code. Names come from
/// pragmas and config files, so anything may be in them: no byte offset is
/// assumed to fall between characters.
pub fn is_shellcheck_code(name: &str) -> bool {
    match (name.get(..2), name.get(2..)) {
        (Some(prefix), Some(digits)) => {
            prefix.eq_ignore_ascii_case("sc") && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}
