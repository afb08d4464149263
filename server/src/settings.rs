//! Editor settings (`initializationOptions`, `workspace/configuration`,
//! `workspace/didChangeConfiguration`), layered on top of the config file's
//! settings like command-line flags. The keys are documented in
//! `docs/lsp.md`.

use std::path::PathBuf;

use dockside_rules::config::is_selector;
use dockside_rules::{Settings, Severity};
use serde_json::Value;

/// The `dockside` section of the editor's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorSettings {
    select: Vec<String>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    severity: Vec<(String, Severity)>,
    shellcheck_enabled: Option<bool>,
    /// `Some(None)`: look ShellCheck up on `PATH`.
    shellcheck_path: Option<Option<PathBuf>>,
    /// What could not be used, one line each.
    pub problems: Vec<String>,
}

impl EditorSettings {
    /// Read the settings object, or an object holding it under `dockside`.
    /// Anything unusable is skipped and listed in `problems`.
    pub fn from_json(value: &Value) -> EditorSettings {
        let mut out = EditorSettings::default();
        let value = match value.get("dockside") {
            Some(inner) if inner.is_object() => inner,
            _ => value,
        };
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                out.problems.push(format!("the settings must be an object, not `{value}`"));
            }
            return out;
        };
        for (key, value) in object {
            match key.as_str() {
                "select" => out.select = out.selectors(key, value),
                "extendSelect" => out.extend_select = out.selectors(key, value),
                "ignore" => out.ignore = out.selectors(key, value),
                "severity" => out.read_severities(value),
                "shellcheck" => out.read_shellcheck(value),
                // The whole section of an editor can carry other keys
                // (trace, server path...): not ours to judge.
                _ => {}
            }
        }
        out
    }

    fn selectors(&mut self, key: &str, value: &Value) -> Vec<String> {
        let Some(items) = value.as_array() else {
            if !value.is_null() {
                self.problems.push(format!("`{key}` must be an array of strings"));
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(entry) if is_selector(entry) => out.push(entry.to_string()),
                Some(entry) => {
                    self.problems.push(format!("unknown rule or category `{entry}`{} in `{key}`", hint(entry)))
                }
                None => self.problems.push(format!("`{key}` must be an array of strings, not `{item}`")),
            }
        }
        out
    }

    fn read_severities(&mut self, value: &Value) {
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                self.problems.push("`severity` must be an object of rule -> severity".to_string());
            }
            return;
        };
        for (rule, level) in object {
            // `"off"` turns the rule off, like listing it under `ignore`.
            if level.as_str().is_some_and(|l| l.eq_ignore_ascii_case("off")) {
                match is_selector(rule) {
                    true => self.ignore.push(rule.clone()),
                    false => {
                        self.problems.push(format!("unknown rule or category `{rule}`{} in `severity`", hint(rule)))
                    }
                }
                continue;
            }
            match level.as_str().and_then(Severity::parse) {
                Some(severity) if is_selector(rule) => self.severity.push((rule.clone(), severity)),
                Some(_) => self.problems.push(format!("unknown rule or category `{rule}`{} in `severity`", hint(rule))),
                None => self.problems.push(format!(
                    "invalid severity `{level}` for `{rule}`; expected \"error\", \"warning\", \"info\", \"style\" or \"off\""
                )),
            }
        }
    }

    fn read_shellcheck(&mut self, value: &Value) {
        match value {
            // A bare boolean is taken as `enabled`.
            Value::Bool(enabled) => self.shellcheck_enabled = Some(*enabled),
            Value::Object(object) => {
                match object.get("enabled") {
                    None | Some(Value::Null) => {}
                    Some(Value::Bool(b)) => self.shellcheck_enabled = Some(*b),
                    Some(other) => self.problems.push(format!("`shellcheck.enabled` must be a boolean, not `{other}`")),
                }
                match object.get("path") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(p)) if p.trim().is_empty() => self.shellcheck_path = Some(None),
                    Some(Value::String(p)) => self.shellcheck_path = Some(Some(PathBuf::from(p))),
                    Some(other) => self.problems.push(format!("`shellcheck.path` must be a string, not `{other}`")),
                }
            }
            Value::Null => {}
            other => self.problems.push(format!("`shellcheck` must be an object, not `{other}`")),
        }
    }

    /// True when these settings change nothing.
    pub fn is_empty(&self) -> bool {
        self.select.is_empty()
            && self.extend_select.is_empty()
            && self.ignore.is_empty()
            && self.severity.is_empty()
            && self.shellcheck_enabled.is_none()
            && self.shellcheck_path.is_none()
    }

    /// `file` with these settings on top.
    pub fn apply(&self, file: &Settings) -> Settings {
        let mut settings = file.clone();
        // Every entry was checked when read, so this cannot fail; keep the
        // file's selection if it somehow does.
        if settings.apply_overrides(&self.select, &self.extend_select, &self.ignore).is_err() {
            settings = file.clone();
        }
        for (rule, severity) in &self.severity {
            settings.set_severity(rule, *severity);
        }
        settings.set_shellcheck(self.shellcheck_enabled, self.shellcheck_path.clone());
        settings
    }
}

/// " (did you mean `x`?)" after a misspelt rule or category name.
fn hint(written: &str) -> String {
    dockside_rules::registry::did_you_mean_hint(written, true)
}

#[cfg(test)]
mod tests {
    use dockside_rules::find_rule;
    use serde_json::json;

    use super::*;

    #[test]
    fn settings_layer_on_top_of_the_file() {
        let editor = EditorSettings::from_json(&json!({ "dockside": {
            "extendSelect": ["DL3057"],
            "ignore": ["latest-base-image", "SC2086", "nope", "latest-base-imag"],
            "severity": { "DL3008": "error", "x": "info", "untagged-base-image": "fatal", "DL3020": "off" },
            "shellcheck": { "enabled": false, "path": "" },
            "trace": "verbose"
        }}));
        assert_eq!(editor.problems.len(), 4, "{:?}", editor.problems);
        assert!(
            editor.problems.contains(
                &"unknown rule or category `latest-base-imag` (did you mean `latest-base-image`?) in `ignore`"
                    .to_string()
            ),
            "{:?}",
            editor.problems
        );
        let settings = editor.apply(&Settings::default());
        let meta = |name: &str| &find_rule(name).unwrap().meta;
        assert!(!settings.is_enabled(meta("latest-base-image")));
        assert!(settings.is_enabled(meta("DL3057")));
        assert_eq!(settings.severity_of(meta("DL3008")), Severity::Error);
        assert!(!settings.is_enabled(meta("DL3020")), "\"off\" turns a rule off");
        assert_eq!(settings.ignored_extra(), ["SC2086"]);
        assert!(!settings.shellcheck().enabled);
        assert_eq!(settings.shellcheck().path, None);
        assert!(EditorSettings::from_json(&json!(null)).is_empty());
        assert!(!EditorSettings::from_json(&json!({ "shellcheck": true })).is_empty());
    }
}
