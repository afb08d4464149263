//! Configuration: which rules run, at what severity, with which options.
//! (Minimal version; file loading lands next.)

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::Severity;
use crate::registry::RuleMeta;

/// Resolved settings for linting one file.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub fail_level: Option<Severity>,
    pub trusted_registries: Vec<String>,
    pub required_labels: BTreeMap<String, String>,
    pub strict_labels: bool,
    rule_options: BTreeMap<String, toml::Table>,
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        rule.enabled_by_default
    }
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        rule.severity
    }
    pub fn rule_options(&self, rule_name: &str) -> Option<&toml::Table> {
        self.rule_options.get(rule_name)
    }
}

/// A config file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
    }
}

impl std::error::Error for ConfigError {}
