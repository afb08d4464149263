//! Resolved settings for linting one file: which rules run, at what
//! severity, with which options, plus the build context and ShellCheck's
//! configuration. Rules read them through `Context::settings`.
//!
//! This module only holds the values. Reading them from `dockside.toml` or
//! `.hadolint.yaml`, and resolving rule names and categories in selections
//! (which needs the registry of rules), is [`crate::config`]'s work: it sits
//! above the rules, which sit above this module.

mod build_context;

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::panic::RefUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::base_images::Date;
use crate::format::FormatConfig;
use crate::rule_meta::{RuleMeta, Severity};

pub use build_context::{BuildContext, Dockerignore, IgnorePattern, WATCHED_ENTRIES, build_context_path};

/// The environment variable that fixes the lint date when the config does not.
pub const LINT_DATE_VAR: &str = "DOCKSIDE_LINT_DATE";

/// How long one ShellCheck process may run before it is killed (its script
/// is then reported as given up on): `shellcheck-timeout`. Even a 1 s
/// budget gives up on no script of the 2,024-file corpus (batches of 50,
/// 2 busy cores); 5 s leaves room for slower machines.
pub const DEFAULT_SHELLCHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Resolved settings for linting one file. The fields are the crate's: the
/// config loader (`crate::config`, a layer above) fills them in.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The enabled rules by canonical name; `None` means the default set.
    pub(crate) selection: Option<BTreeSet<&'static str>>,
    pub(crate) severities: BTreeMap<&'static str, Severity>,
    /// Each rule's `[rules.<name>]` options, read into its declared type.
    pub(crate) rule_options: BTreeMap<&'static str, OptionsValue>,
    pub(crate) fail_level: Option<Severity>,
    pub(crate) trusted_registries: Vec<String>,
    pub(crate) required_labels: BTreeMap<String, LabelType>,
    pub(crate) strict_labels: bool,
    /// False under `disable-ignore-pragma`: inline ignore pragmas suppress nothing.
    pub(crate) ignore_pragmas: bool,
    pub(crate) shellcheck_enabled: bool,
    pub(crate) shellcheck_path: Option<PathBuf>,
    /// Where `shellcheck-path` was written (1-based line and column), when it
    /// came from a config file: for the warning if that file is not trusted.
    pub(crate) shellcheck_path_at: Option<(usize, usize)>,
    pub(crate) shellcheck_timeout: Duration,
    pub(crate) ignored_extra: Vec<String>,
    pub(crate) extra_severities: BTreeMap<String, Severity>,
    /// The file's build context (its `.dockerignore`), when the front-end knows it.
    pub(crate) build_context: Option<Arc<BuildContext>>,
    /// `build-context`: the context directory for every Dockerfile under this
    /// config (default: each Dockerfile's own directory).
    pub(crate) build_context_dir: Option<PathBuf>,
    /// The date end-of-life checks compare against; `None` means today.
    pub(crate) lint_date: Option<Date>,
    /// `[format]`: the formatter's options this file sets.
    pub(crate) format: FormatConfig,
}

impl Default for Settings {
    /// Every rule that is on by default, at its default severity; fail on warnings.
    fn default() -> Self {
        Settings {
            selection: None,
            severities: BTreeMap::new(),
            rule_options: BTreeMap::new(),
            fail_level: Some(Severity::Warning),
            trusted_registries: Vec::new(),
            required_labels: BTreeMap::new(),
            strict_labels: false,
            ignore_pragmas: true,
            shellcheck_enabled: true,
            shellcheck_path: None,
            shellcheck_path_at: None,
            shellcheck_timeout: DEFAULT_SHELLCHECK_TIMEOUT,
            ignored_extra: Vec::new(),
            extra_severities: BTreeMap::new(),
            build_context: None,
            build_context_dir: None,
            lint_date: None,
            format: FormatConfig::default(),
        }
    }
}

/// How the ShellCheck pass over `RUN` scripts is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellcheckSettings {
    pub enabled: bool,
    /// An explicit binary; `None` means look `shellcheck` up on `PATH`.
    pub path: Option<PathBuf>,
    /// How long one process may run before it is killed.
    pub timeout: Duration,
}

impl Default for ShellcheckSettings {
    fn default() -> Self {
        ShellcheckSettings { enabled: true, path: None, timeout: DEFAULT_SHELLCHECK_TIMEOUT }
    }
}

/// The format a required label's value must have (hadolint's label schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    /// An absolute URL.
    Url,
    /// A semantic version.
    Semver,
    /// A git commit hash (hadolint's `hash`).
    Hash,
    /// A git commit hash, spelled `githash`; checked like [`LabelType::Hash`].
    GitHash,
    /// An RFC 3339 timestamp.
    Rfc3339,
    /// An SPDX license expression.
    Spdx,
    /// An email address.
    Email,
}

impl LabelType {
    pub const ALL: [LabelType; 8] = [
        LabelType::Text,
        LabelType::Url,
        LabelType::Semver,
        LabelType::Hash,
        LabelType::GitHash,
        LabelType::Rfc3339,
        LabelType::Spdx,
        LabelType::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "url",
            LabelType::Semver => "semver",
            LabelType::Hash => "hash",
            LabelType::GitHash => "githash",
            LabelType::Rfc3339 => "rfc3339",
            LabelType::Spdx => "spdx",
            LabelType::Email => "email",
        }
    }

    /// Parse a schema type name, ignoring ASCII case.
    pub fn parse(s: &str) -> Option<LabelType> {
        LabelType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for LabelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        match &self.selection {
            None => rule.enabled_by_default,
            Some(set) => set.contains(rule.name),
        }
    }

    /// The rule's configured severity, or its default.
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severities.get(rule.name).copied().unwrap_or(rule.severity)
    }

    /// The `[rules.<name>]` options of a rule, by its canonical name, if
    /// the config set them (rules read them typed: `Context::options`).
    pub fn rule_options(&self, rule_name: &str) -> Option<&OptionsValue> {
        self.rule_options.get(rule_name)
    }

    /// The date end-of-life checks compare against: the one set with
    /// [`Settings::set_lint_date`] (or `lint-date` in the config), else the
    /// `DOCKSIDE_LINT_DATE` environment variable (`YYYY-MM-DD`), else today
    /// (UTC, from the system clock).
    pub fn lint_date(&self) -> Date {
        self.lint_date
            .or_else(|| std::env::var(LINT_DATE_VAR).ok().and_then(|v| Date::parse(&v)))
            .unwrap_or_else(Date::today)
    }

    /// The `[format]` section (empty for a hadolint config or none).
    pub fn format_config(&self) -> &FormatConfig {
        &self.format
    }

    /// Fix the lint date (tests; reproducible runs). `None` means today.
    pub fn set_lint_date(&mut self, date: Option<Date>) {
        self.lint_date = date;
    }

    /// The least severe finding that makes the run fail; `None` never fails.
    pub fn fail_level(&self) -> Option<Severity> {
        self.fail_level
    }

    pub fn set_fail_level(&mut self, level: Option<Severity>) {
        self.fail_level = level;
    }

    /// Turn ShellCheck on or off, and choose its binary (`None`: `PATH`).
    pub fn set_shellcheck(&mut self, enabled: Option<bool>, path: Option<Option<PathBuf>>) {
        if let Some(enabled) = enabled {
            self.shellcheck_enabled = enabled;
        }
        if let Some(path) = path {
            self.shellcheck_path = path;
            self.shellcheck_path_at = None;
        }
    }

    /// How long one ShellCheck process may run (`--shellcheck-timeout`).
    pub fn set_shellcheck_timeout(&mut self, timeout: Duration) {
        self.shellcheck_timeout = timeout;
    }

    /// Take the program choices of the user's own config (`shellcheck-path`)
    /// where these settings, from a project config, have none.
    pub fn inherit_programs(&mut self, user: &Settings) {
        if self.shellcheck_path.is_none() {
            self.shellcheck_path = user.shellcheck_path.clone();
            self.shellcheck_path_at = None;
        }
    }

    /// Trusted registries for base images; empty means no restriction.
    pub fn trusted_registries(&self) -> &[String] {
        &self.trusted_registries
    }

    /// The label schema: labels every image must carry, with their formats.
    pub fn required_labels(&self) -> &BTreeMap<String, LabelType> {
        &self.required_labels
    }

    /// Whether labels outside the schema are reported.
    pub fn strict_labels(&self) -> bool {
        self.strict_labels
    }

    /// Whether inline ignore pragmas (`# hadolint ignore=…`, `# dockside
    /// stage ignore=…`, `# … global ignore=…`) are honoured; false under
    /// `disable-ignore-pragma`. BuildKit's `# check=skip=…` always is.
    pub fn ignore_pragmas(&self) -> bool {
        self.ignore_pragmas
    }

    pub fn set_ignore_pragmas(&mut self, honour: bool) {
        self.ignore_pragmas = honour;
    }

    pub fn shellcheck(&self) -> ShellcheckSettings {
        ShellcheckSettings {
            enabled: self.shellcheck_enabled,
            path: self.shellcheck_path.clone(),
            timeout: self.shellcheck_timeout,
        }
    }

    /// Ignored codes that name no dockside rule, such as ShellCheck's
    /// `SCxxxx` codes from a `.hadolint.yaml`; upper case.
    pub fn ignored_extra(&self) -> &[String] {
        &self.ignored_extra
    }

    /// Severity overrides for codes that name no dockside rule (`SCxxxx`).
    pub fn extra_severities(&self) -> &BTreeMap<String, Severity> {
        &self.extra_severities
    }

    /// The build context of the file being linted; `None` when unknown
    /// (standard input), and rules about the context stay silent.
    pub fn build_context(&self) -> Option<&BuildContext> {
        self.build_context.as_deref()
    }

    /// The configured context directory (`build-context`), if any.
    pub fn build_context_dir(&self) -> Option<&Path> {
        self.build_context_dir.as_deref()
    }

    /// These settings with the build context of the Dockerfile at `file`
    /// loaded from disk: the configured `build-context` directory, or the
    /// Dockerfile's own directory.
    pub fn for_dockerfile(&self, file: &Path) -> Settings {
        let context = match &self.build_context_dir {
            Some(dir) => {
                BuildContext::load_with_dir(&std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()), dir)
            }
            None => BuildContext::load(file),
        };
        self.with_build_context(context)
    }

    pub fn set_build_context(&mut self, context: Option<Arc<BuildContext>>) {
        self.build_context = context;
    }

    /// These settings with `context` as the build context.
    pub fn with_build_context(&self, context: BuildContext) -> Settings {
        let mut settings = self.clone();
        settings.build_context = Some(Arc::new(context));
        settings
    }
}

/// The options a rule declares: a `Deserialize` struct (kebab-case keys,
/// unknown keys denied) whose `Default` is what an absent table means.
pub trait RuleOptions: DeserializeOwned + Default + Clone + fmt::Debug + Send + Sync + RefUnwindSafe + 'static {}

impl<T: DeserializeOwned + Default + Clone + fmt::Debug + Send + Sync + RefUnwindSafe + 'static> RuleOptions for T {}

/// Any rule's options, behind [`OptionsValue`].
trait AnyOptions: fmt::Debug {
    fn as_any(&self) -> &dyn Any;
}

impl<T: RuleOptions> AnyOptions for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A rule's options as read from the config, whatever their type (unwind
/// safe, so that `Settings` stays so: front ends lint under `catch_unwind`).
#[derive(Clone)]
pub struct OptionsValue(Arc<dyn AnyOptions + Send + Sync + RefUnwindSafe>);

impl fmt::Debug for OptionsValue {
    /// As the rule's options type prints itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl OptionsValue {
    pub(crate) fn new<T: RuleOptions>(value: T) -> OptionsValue {
        OptionsValue(Arc::new(value))
    }

    pub(crate) fn get<T: RuleOptions>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }
}
