//! Configuration: which rules run, at what severity, with which options.
//!
//! The values themselves are [`Settings`] (in [`crate::settings`], below the
//! rules); this module reads them and resolves the rule names, aliases and
//! categories they mention through the registry. Settings come from one file, found by [`discover`] and read by [`load`]:
//! a `dockside.toml` / `.dockside.toml` ([`parse_toml`]) or, for projects
//! migrating from hadolint, a `.hadolint.yaml` ([`parse_hadolint_yaml`]).
//! Command-line flags are layered on top with [`Settings::apply_overrides`].
//!
//! A config file found in the linted tree belongs to whoever wrote the
//! repository, so it may not choose a program for dockside to run
//! ([`Trust::Project`]: `shellcheck-path` is dropped with a warning). Only
//! the user's own files ([`Trust::User`]: `--config`, and the user config at
//! [`user_config_path`]), command-line flags and editor settings may.
//!
//! Rule selection works in layers. Each layer (the file, then the command
//! line) takes the current set of enabled rules, replaces it with `select`
//! when given, adds `extend-select` and removes `ignore`. An entry is a rule
//! name, an alias (`DL3006`, a BuildKit check name), a category name
//! (`security`) or `ALL`.

mod hadolint;
mod messages;
mod toml_config;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::registry::{all_rules, find_rules};
use crate::rule_meta::{Category, Severity};
// The settings' values live a layer below the rules (`crate::settings`);
// their old paths here stay.
pub use crate::settings::{
    BuildContext, DEFAULT_SHELLCHECK_TIMEOUT, Dockerignore, IgnorePattern, LINT_DATE_VAR, LabelType, Settings,
    ShellcheckSettings, WATCHED_ENTRIES, build_context_path,
};
pub use hadolint::parse_hadolint_yaml;
pub use toml_config::parse_toml;

/// The names [`discover`] looks for, in order of preference.
pub const DOCKSIDE_CONFIG_NAMES: [&str; 2] = ["dockside.toml", ".dockside.toml"];
/// hadolint's config names, used only when no dockside config exists.
pub const HADOLINT_CONFIG_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// The largest `shellcheck-timeout` accepted: a repository's config cannot
/// make an editor wait for ShellCheck longer than this.
pub const MAX_SHELLCHECK_TIMEOUT: Duration = Duration::from_secs(600);

/// A ShellCheck time budget of `seconds` (config key or command-line flag).
pub fn shellcheck_timeout(seconds: f64) -> Result<Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SHELLCHECK_TIMEOUT.as_secs_f64() {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!("expected a number of seconds more than 0 and at most {}", MAX_SHELLCHECK_TIMEOUT.as_secs()))
    }
}

/// The user config's file name, in `$XDG_CONFIG_HOME/dockside/` (by
/// default `~/.config/dockside/`).
pub const USER_CONFIG_NAME: &str = "dockside.toml";

/// The pseudo-path of errors in command-line flags.
const COMMAND_LINE: &str = "<command line>";

impl Settings {
    /// Apply command-line selection flags on top of the file's selection.
    ///
    /// A non-empty `select` replaces the enabled set; then `extend_select` is
    /// added and `ignore` removed. Each entry is a rule name, alias, category
    /// or `ALL`.
    pub fn apply_overrides(
        &mut self,
        select: &[String],
        extend_select: &[String],
        ignore: &[String],
    ) -> Result<(), ConfigError> {
        let resolve_all = |entries: &[String], flag: &str| -> Result<Vec<&'static str>, ConfigError> {
            let mut names = Vec::new();
            for entry in entries.iter().filter(|e| !is_shellcheck_code(e)) {
                let resolved = resolve_selector(entry).ok_or_else(|| {
                    ConfigError::command_line(format!(
                        "unknown rule or category `{entry}`{} in `--{flag}`",
                        crate::registry::did_you_mean_hint(entry, true)
                    ))
                })?;
                names.extend(resolved);
            }
            Ok(names)
        };
        let select = if select.is_empty() { None } else { Some(resolve_all(select, "select")?) };
        let extend = resolve_all(extend_select, "extend-select")?;
        let ignore_names = resolve_all(ignore, "ignore")?;
        self.apply_selection(select, &extend, &ignore_names);
        let codes = ignore.iter().filter(|e| is_shellcheck_code(e)).map(|e| e.trim().to_ascii_uppercase());
        self.ignored_extra.extend(codes);
        Ok(())
    }

    /// Set the severity of the rules an entry names (a rule name, alias,
    /// category or `ALL`; an `SCxxxx` code sets ShellCheck's). False when the
    /// entry names nothing.
    pub fn set_severity(&mut self, entry: &str, severity: Severity) -> bool {
        if is_shellcheck_code(entry) {
            self.extra_severities.insert(entry.trim().to_ascii_uppercase(), severity);
            return true;
        }
        match resolve_selector(entry) {
            Some(names) => {
                self.severities.extend(names.into_iter().map(|name| (name, severity)));
                true
            }
            None => false,
        }
    }

    /// Drop what a config file of `trust` may not set, with one warning each.
    fn restrict_to(&mut self, trust: Trust, path: &Path) -> Vec<ConfigWarning> {
        if trust == Trust::User {
            return Vec::new();
        }
        let Some(program) = self.shellcheck_path.take() else { return Vec::new() };
        let (line, column) = self.shellcheck_path_at.take().unwrap_or((0, 0));
        let message = format!(
            "`shellcheck-path` (`{}`) is ignored: a project's config may not choose a program for dockside to run; \
             set it in your user config ({}), with `--shellcheck-path`, or in your editor's settings",
            program.display(),
            user_config_path()
                .map_or_else(|| format!("~/.config/dockside/{USER_CONFIG_NAME}"), |p| p.display().to_string()),
        );
        vec![ConfigWarning { path: path.to_path_buf(), line, column, message }]
    }

    /// One selection layer: (`select` or the current set) + `extend` - `ignore`.
    fn apply_selection(&mut self, select: Option<Vec<&'static str>>, extend: &[&'static str], ignore: &[&'static str]) {
        if select.is_none() && extend.is_empty() && ignore.is_empty() {
            return;
        }
        let mut set = match select {
            Some(names) => names.into_iter().collect(),
            None => self.enabled_names(),
        };
        set.extend(extend.iter().copied());
        for name in ignore {
            set.remove(name);
        }
        self.selection = Some(set);
    }

    fn enabled_names(&self) -> BTreeSet<&'static str> {
        match &self.selection {
            Some(set) => set.clone(),
            None => all_rules().iter().filter(|r| r.meta.enabled_by_default).map(|r| r.meta.name).collect(),
        }
    }
}

/// True when `entry` may appear in `select` / `extend-select` / `ignore`:
/// `ALL`, a rule name or alias, a category, or a ShellCheck code.
pub fn is_selector(entry: &str) -> bool {
    is_shellcheck_code(entry) || resolve_selector(entry).is_some()
}

/// `SC` followed by digits: a ShellCheck code (blanks around it allowed).
pub(crate) fn is_shellcheck_code(entry: &str) -> bool {
    crate::rule_meta::is_shellcheck_code(entry.trim())
}

/// The rules an entry of `select` / `extend-select` / `ignore` stands for:
/// `ALL`, a rule name or alias, or a category. `None` if it is none of these.
fn resolve_selector(entry: &str) -> Option<Vec<&'static str>> {
    let entry = entry.trim();
    if entry.eq_ignore_ascii_case("all") {
        return Some(all_rules().iter().map(|r| r.meta.name).collect());
    }
    let rules = find_rules(entry);
    if !rules.is_empty() {
        return Some(rules.into_iter().map(|r| r.meta.name).collect());
    }
    let category = Category::parse(entry)?;
    Some(all_rules().iter().filter(|r| r.meta.category == category).map(|r| r.meta.name).collect())
}

/// A config file that cannot be used.
///
/// `line` and `column` are 1-based; both are 0 when the problem has no
/// position (an unreadable file, a command-line flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        ConfigError { path: path.to_path_buf(), line, column, message: message.into() }
    }

    fn command_line(message: impl Into<String>) -> Self {
        ConfigError::new(Path::new(COMMAND_LINE), 0, 0, message)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Something in a config file that was ignored, with its position (1-based;
/// 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: warning: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}:{}: warning: {}", self.path.display(), self.line, self.column, self.message)
        }
    }
}

/// Who a config file comes from, and so what it may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Found by [`discover`] in the tree being linted: written by whoever
    /// wrote the repository, so it may not name a program to run.
    Project,
    /// The user's own: named with `--config`, or the user config.
    User,
}

/// A config file's settings and what in it was ignored.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub settings: Settings,
    pub warnings: Vec<ConfigWarning>,
}

/// The user config: `$XDG_CONFIG_HOME/dockside/dockside.toml`, else
/// `~/.config/dockside/dockside.toml` (on Windows `%APPDATA%\dockside\`),
/// whether or not it exists. `None` when no home directory is known.
pub fn user_config_path() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_CONFIG_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".config")))
        .or_else(|| if cfg!(windows) { absolute("APPDATA") } else { None })?;
    Some(base.join("dockside").join(USER_CONFIG_NAME))
}

/// Read the user config, if there is one: `Ok(None)` when the file does not exist.
pub fn load_user_config() -> Result<Option<Settings>, ConfigError> {
    match user_config_path() {
        Some(path) if path.is_file() => load(&path, Trust::User).map(|loaded| Some(loaded.settings)),
        _ => Ok(None),
    }
}

/// Find the config file for `file` (a Dockerfile, or a directory).
///
/// Walks up from the file's directory; the first directory holding a
/// `dockside.toml` or `.dockside.toml` wins. Only when no ancestor has a
/// dockside config is the nearest `.hadolint.yaml` / `.hadolint.yml` used.
pub fn discover(file: &Path) -> Result<Option<PathBuf>, ConfigError> {
    discover_in(&folder_of(file))
}

/// The folder a config is discovered from for `file`: the file itself when
/// it is a directory, else its parent (absolute).
pub fn folder_of(file: &Path) -> PathBuf {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    if absolute.is_dir() {
        return absolute;
    }
    absolute.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// [`discover`] from the folder `start` (whether or not it exists).
pub fn discover_in(start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let mut hadolint = None;
    for dir in start.ancestors() {
        let found: Vec<PathBuf> =
            DOCKSIDE_CONFIG_NAMES.iter().map(|name| dir.join(name)).filter(|p| p.is_file()).collect();
        match found.as_slice() {
            [] => {}
            [one] => return Ok(Some(one.clone())),
            [first, ..] => {
                return Err(ConfigError::new(
                    first,
                    0,
                    0,
                    format!("both `dockside.toml` and `.dockside.toml` exist in `{}`; keep only one", dir.display()),
                ));
            }
        }
        if hadolint.is_none() {
            hadolint = HADOLINT_CONFIG_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file());
        }
    }
    Ok(hadolint)
}

/// Read and parse a config file; the format follows the file name
/// (`*.toml` is a dockside config, `*.yaml` / `*.yml` a hadolint config).
/// What a file of this `trust` may not set is dropped and listed in the
/// warnings.
pub fn load(path: &Path, trust: Trust) -> Result<Loaded, ConfigError> {
    let mut settings = load_any(path)?;
    let warnings = settings.restrict_to(trust, path);
    Ok(Loaded { settings, warnings })
}

fn load_any(path: &Path) -> Result<Settings, ConfigError> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let parse: fn(&str, &Path) -> Result<Settings, ConfigError> = match extension.as_deref() {
        Some("toml") => parse_toml,
        Some("yaml" | "yml") => parse_hadolint_yaml,
        _ => {
            return Err(ConfigError::new(
                path,
                0,
                0,
                "unsupported config file type; expected a `.toml` (dockside) or `.yaml`/`.yml` (hadolint) file",
            ));
        }
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(path, 0, 0, format!("cannot read config file: {e}")))?;
    parse(&text, path)
}

/// 1-based line and column (in characters) of a byte offset into `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `a`, `b` and `c` as "`a`, `b`, `c`" for messages.
fn backticked(items: impl IntoIterator<Item = impl fmt::Display>) -> String {
    items.into_iter().map(|item| format!("`{item}`")).collect::<Vec<_>>().join(", ")
}

/// "`error`, `warning`, `info`, `style`".
fn severity_names() -> String {
    backticked(Severity::ALL.iter().map(|s| s.as_str()))
}

#[cfg(test)]
mod tests;
