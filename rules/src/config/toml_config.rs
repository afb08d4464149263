//! `dockside.toml`: dockside's own config format.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};

use super::{ConfigError, LabelType, Settings, backticked, line_col, resolve_selector, severity_names};
use crate::diagnostic::Severity;
use crate::registry::find_rule;
use crate::rule::OptionsValue;

/// Every top-level key, in documentation order.
const KEYS: [&str; 16] = [
    "select",
    "extend-select",
    "ignore",
    "fail-level",
    "trusted-registries",
    "strict-labels",
    "disable-ignore-pragma",
    "shellcheck",
    "shellcheck-path",
    "shellcheck-timeout",
    "build-context",
    "required-labels",
    "severity",
    "rules",
    "lint-date",
    "format",
];

/// Parse the text of a `dockside.toml`; `path` names it in errors and
/// anchors a relative `shellcheck-path`.
pub fn parse_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let cx = Cx { text, path };
    let doc = DeTable::parse(text).map_err(|e| cx.error(e.span().unwrap_or(0..0), e.message()))?;
    let mut settings = Settings::default();
    let mut select = None;
    let mut extend = Vec::new();
    let mut ignore = Vec::new();
    let mut has_rules_table = false;

    for (key, value) in sorted_entries(doc.get_ref()) {
        let name: &str = key.get_ref();
        match name {
            // ShellCheck codes (`SC2086`) only matter in `ignore`; selecting
            // them is accepted (ShellCheck is switched with `shellcheck`).
            "select" => select = Some(cx.selectors(name, value, &mut Vec::new())?),
            "extend-select" => extend = cx.selectors(name, value, &mut Vec::new())?,
            "ignore" => ignore = cx.selectors(name, value, &mut settings.ignored_extra)?,
            "fail-level" => {
                let level = cx.string(name, value)?;
                settings.fail_level = if level.eq_ignore_ascii_case("none") {
                    None
                } else {
                    Some(Severity::parse(level).ok_or_else(|| {
                        cx.error(
                            value.span(),
                            format!(
                                "invalid value `{level}` for `fail-level`; expected one of {}, `none`",
                                severity_names()
                            ),
                        )
                    })?)
                };
            }
            "trusted-registries" => {
                settings.trusted_registries =
                    cx.strings(name, value)?.into_iter().map(|(s, _)| s.to_string()).collect();
            }
            "strict-labels" => settings.strict_labels = cx.boolean(name, value)?,
            "disable-ignore-pragma" => settings.ignore_pragmas = !cx.boolean(name, value)?,
            "shellcheck" => settings.shellcheck_enabled = cx.boolean(name, value)?,
            "shellcheck-path" => {
                settings.shellcheck_path = Some(shellcheck_path(path, cx.string(name, value)?));
                settings.shellcheck_path_at = Some(line_col(text, key.span().start));
            }
            "shellcheck-timeout" => settings.shellcheck_timeout = cx.timeout(name, value)?,
            "build-context" => {
                let dir = PathBuf::from(cx.string(name, value)?);
                settings.build_context_dir = Some(path.parent().unwrap_or(Path::new("")).join(dir));
            }
            "required-labels" => settings.required_labels = cx.label_schema(name, value)?,
            "severity" => settings.severities = cx.severities(name, value)?,
            "rules" => has_rules_table = true,
            "lint-date" => {
                let text = match value.get_ref() {
                    DeValue::Datetime(d) => d.to_string(),
                    DeValue::String(s) => s.to_string(),
                    _ => return Err(cx.wrong_type(name, "a date", value)),
                };
                let date = crate::base_images::Date::parse(&text).ok_or_else(|| {
                    cx.error(value.span(), format!("invalid date `{text}` for `lint-date`; expected YYYY-MM-DD"))
                })?;
                settings.lint_date = Some(date);
            }
            "format" => settings.format = cx.format_section(name, value, path)?,
            _ => {
                return Err(cx.error(key.span(), format!("unknown key `{name}`; expected one of {}", backticked(KEYS))));
            }
        }
    }
    if has_rules_table {
        settings.rule_options = cx.rule_options(&doc)?;
    }
    settings.apply_selection(select, &extend, &ignore);
    Ok(settings)
}

/// A relative `shellcheck-path` with a directory part is relative to the
/// config file; a bare command name is looked up on `PATH` later.
fn shellcheck_path(config: &Path, value: &str) -> PathBuf {
    let value = PathBuf::from(value);
    if value.is_relative() && value.components().count() > 1 {
        config.parent().unwrap_or(Path::new("")).join(value)
    } else {
        value
    }
}

type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// A table's entries in source order, so the first error reported is the
/// first one in the file.
fn sorted_entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<Entry<'a, 'i>> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// The article-qualified name of a TOML value's type, for messages.
fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The file being parsed, for positions in errors.
struct Cx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Cx<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::new(self.path, line, column, message)
    }

    fn wrong_type(&self, key: &str, expected: &str, value: &Spanned<DeValue<'_>>) -> ConfigError {
        self.error(
            value.span(),
            format!("invalid type for `{key}`: expected {expected}, found {}", type_name(value.get_ref())),
        )
    }

    fn string<'v>(&self, key: &str, value: &'v Spanned<DeValue<'_>>) -> Result<&'v str, ConfigError> {
        value.get_ref().as_str().ok_or_else(|| self.wrong_type(key, "a string", value))
    }

    fn boolean(&self, key: &str, value: &Spanned<DeValue<'_>>) -> Result<bool, ConfigError> {
        value.get_ref().as_bool().ok_or_else(|| self.wrong_type(key, "a boolean", value))
    }

    /// A number of seconds, more than 0 and at most [`super::MAX_SHELLCHECK_TIMEOUT`].
    fn timeout(&self, key: &str, value: &Spanned<DeValue<'_>>) -> Result<std::time::Duration, ConfigError> {
        let text = match value.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str(),
            DeValue::Float(f) => f.as_str(),
            _ => return Err(self.wrong_type(key, "a number of seconds", value)),
        };
        let seconds = text.replace('_', "").parse::<f64>().unwrap_or(f64::NAN);
        super::shellcheck_timeout(seconds)
            .map_err(|why| self.error(value.span(), format!("invalid value `{text}` for `{key}`: {why}")))
    }

    fn table<'v, 'i>(&self, key: &str, value: &'v Spanned<DeValue<'i>>) -> Result<&'v DeTable<'i>, ConfigError> {
        value.get_ref().as_table().ok_or_else(|| self.wrong_type(key, "a table", value))
    }

    /// An array of strings, each with its span.
    fn strings<'v>(
        &self,
        key: &str,
        value: &'v Spanned<DeValue<'_>>,
    ) -> Result<Vec<(&'v str, Range<usize>)>, ConfigError> {
        let array = value.get_ref().as_array().ok_or_else(|| self.wrong_type(key, "an array of strings", value))?;
        array
            .iter()
            .map(|item| match item.get_ref().as_str() {
                Some(s) => Ok((s, item.span())),
                None => Err(self.error(
                    item.span(),
                    format!("invalid type in `{key}`: expected a string, found {}", type_name(item.get_ref())),
                )),
            })
            .collect()
    }

    /// `select` / `extend-select` / `ignore`: rule names, aliases, categories or `ALL`.
    fn selectors(
        &self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        shellcheck_codes: &mut Vec<String>,
    ) -> Result<Vec<&'static str>, ConfigError> {
        let mut names = Vec::new();
        for (entry, span) in self.strings(key, value)? {
            if super::is_shellcheck_code(entry) {
                shellcheck_codes.push(entry.trim().to_ascii_uppercase());
                continue;
            }
            let resolved = resolve_selector(entry)
                .ok_or_else(|| self.error(span, format!("unknown rule or category `{entry}` in `{key}`")))?;
            names.extend(resolved);
        }
        Ok(names)
    }

    /// A table keyed by rule name or alias, resolved to canonical names;
    /// naming a rule twice (say by name and by alias) is an error.
    fn rule_keyed<'a, 'i>(
        &self,
        key: &str,
        table: &'a DeTable<'i>,
    ) -> Result<Vec<(&'static str, Entry<'a, 'i>)>, ConfigError> {
        let mut seen: BTreeMap<&'static str, &str> = BTreeMap::new();
        let mut out = Vec::new();
        for (rule_key, value) in sorted_entries(table) {
            let written: &str = rule_key.get_ref();
            let rule = find_rule(written)
                .ok_or_else(|| self.error(rule_key.span(), format!("unknown rule `{written}` in `{key}`")))?;
            if let Some(previous) = seen.insert(rule.meta.name, written) {
                return Err(self.error(
                    rule_key.span(),
                    format!("rule `{}` appears twice in `{key}` (as `{previous}` and `{written}`)", rule.meta.name),
                ));
            }
            out.push((rule.meta.name, (rule_key, value)));
        }
        Ok(out)
    }

    /// `[severity]`: rule name or alias -> severity.
    fn severities(
        &self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<BTreeMap<&'static str, Severity>, ConfigError> {
        let table = self.table(key, value)?;
        let mut out = BTreeMap::new();
        for (name, (rule_key, level)) in self.rule_keyed(key, table)? {
            let written: &str = rule_key.get_ref();
            let text = self.string(&format!("{key}.{written}"), level)?;
            let severity = Severity::parse(text).ok_or_else(|| {
                self.error(
                    level.span(),
                    format!(
                        "invalid severity `{text}` for `{written}` in `{key}`; expected one of {}",
                        severity_names()
                    ),
                )
            })?;
            out.insert(name, severity);
        }
        Ok(out)
    }

    /// `[required-labels]`: label -> schema type.
    fn label_schema(
        &self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<BTreeMap<String, LabelType>, ConfigError> {
        let table = self.table(key, value)?;
        let mut out = BTreeMap::new();
        for (label, kind) in sorted_entries(table) {
            let label: &str = label.get_ref();
            let text = self.string(&format!("{key}.{label}"), kind)?;
            let label_type = LabelType::parse(text).ok_or_else(|| {
                self.error(
                    kind.span(),
                    format!(
                        "invalid label type `{text}` for `{label}` in `{key}`; expected one of {}",
                        backticked(LabelType::ALL.iter().map(|t| t.as_str()))
                    ),
                )
            })?;
            out.insert(label.to_string(), label_type);
        }
        Ok(out)
    }

    /// `[format]`: the formatter's options (docs/formatter.md).
    fn format_section(
        &self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        path: &Path,
    ) -> Result<crate::format::FormatConfig, ConfigError> {
        use crate::format::{FormatConfig, Indent, OperatorPosition, config::FORMAT_KEYS};
        let table = self.table(key, value)?;
        let mut out = FormatConfig { path: Some(path.to_path_buf()), ..FormatConfig::default() };
        let small = |name: &str, value: &Spanned<DeValue<'_>>, min: i64, max: i64| -> Result<i64, ConfigError> {
            let n = match value.get_ref() {
                DeValue::Integer(i) => i.to_string().parse::<i64>().ok(),
                _ => return Err(self.wrong_type(&format!("{key}.{name}"), "an integer", value)),
            };
            n.filter(|n| (min..=max).contains(n))
                .ok_or_else(|| self.error(value.span(), format!("`{key}.{name}` must be between {min} and {max}")))
        };
        for (option, value) in sorted_entries(table) {
            let name: &str = option.get_ref();
            match name {
                "indent" => {
                    out.indent = Some(match value.get_ref() {
                        DeValue::String(s) if s.eq_ignore_ascii_case("tab") => Indent::Tab,
                        DeValue::String(s) => {
                            return Err(self.error(
                                value.span(),
                                format!(
                                    "invalid value `{s}` for `{key}.indent`; expected a number of spaces or `\"tab\"`"
                                ),
                            ));
                        }
                        _ => Indent::Spaces(small(name, value, 1, 16)? as u8),
                    })
                }
                "line-width" => out.line_width = Some(small(name, value, 20, 1000)? as usize),
                "max-blank-lines" => out.max_blank_lines = Some(small(name, value, 0, 100)? as usize),
                "operator-position" => {
                    let text = self.string(&format!("{key}.{name}"), value)?;
                    out.operator_position = Some(match text.to_ascii_lowercase().as_str() {
                        "start" => OperatorPosition::Start,
                        "end" => OperatorPosition::End,
                        _ => {
                            return Err(self.error(
                                value.span(),
                                format!(
                                    "invalid value `{text}` for `{key}.operator-position`; expected `start` or `end`"
                                ),
                            ));
                        }
                    });
                }
                "blank-line-before-from" => out.blank_line_before_from = Some(self.boolean(name, value)?),
                "final-newline" => out.final_newline = Some(self.boolean(name, value)?),
                _ => {
                    return Err(self.error(
                        option.span(),
                        format!("unknown key `{name}` in `{key}`; expected one of {}", backticked(FORMAT_KEYS)),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// `[rules.<name>]`: each rule's options, read into the type the rule
    /// declares, keyed by canonical rule name.
    fn rule_options(&self, doc: &Spanned<DeTable<'_>>) -> Result<BTreeMap<&'static str, OptionsValue>, ConfigError> {
        let Some(rules_value) = doc.get_ref().get("rules") else {
            return Ok(BTreeMap::new());
        };
        let table = self.table("rules", rules_value)?;
        let mut out = BTreeMap::new();
        for (name, (rule_key, value)) in self.rule_keyed("rules", table)? {
            let written: &str = rule_key.get_ref();
            let options = self.table(&format!("rules.{written}"), value)?;
            let rule = find_rule(name).expect("rule_keyed gives registered names");
            let Some(reader) = rule.options else {
                if let Some((key, _)) = options.iter().next() {
                    let key_name: &str = key.get_ref();
                    return Err(self.error(
                        key.span(),
                        format!("unknown key `{key_name}` in `rules.{written}`; rule `{name}` takes no options"),
                    ));
                }
                continue;
            };
            let read = (reader.read)(ValueDeserializer::from(value.clone()))
                .map_err(|e| self.rule_options_error(written, options, value.span(), &e))?;
            out.insert(name, read);
        }
        Ok(out)
    }

    /// A rule's options that do not fit its type, in this file's error
    /// style: the key's path, and for an unknown key the expected ones.
    fn rule_options_error(
        &self,
        written: &str,
        options: &DeTable<'_>,
        table_span: Range<usize>,
        e: &toml::de::Error,
    ) -> ConfigError {
        let span = e.span().unwrap_or(table_span);
        let key = options
            .iter()
            .find(|(key, value)| key.span().contains(&span.start) || value.span().contains(&span.start))
            .map(|(key, _)| -> &str { key.get_ref() });
        let path = match key {
            Some(key) => format!("rules.{written}.{key}"),
            None => format!("rules.{written}"),
        };
        let message = e.message();
        let message = if let Some((found, expected)) =
            message.strip_prefix("invalid type: ").and_then(|rest| rest.split_once(", expected "))
        {
            format!("invalid type for `{path}`: expected {expected}, found {found}")
        } else if let Some((field, expected)) =
            message.strip_prefix("unknown field ").and_then(|rest| rest.split_once(", "))
        {
            format!("unknown key {field} in `rules.{written}`; {expected}")
        } else {
            format!("invalid `{path}`: {message}")
        };
        self.error(span, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ShellcheckSettings;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        parse_toml(text, Path::new("dockside.toml"))
    }

    fn meta(name: &str) -> &'static crate::registry::RuleMeta {
        &find_rule(name).expect("known rule").meta
    }

    /// The error as `line:col: message`.
    fn error(text: &str) -> String {
        let e = parse(text).expect_err("config should be rejected");
        assert_eq!(e.path, Path::new("dockside.toml"));
        format!("{}:{}: {}", e.line, e.column, e.message)
    }

    #[test]
    fn empty_file_is_the_default() {
        let s = parse("").unwrap();
        assert!(s.is_enabled(meta("untagged-base-image")));
        assert_eq!(s.fail_level(), Some(Severity::Warning));
        assert!(s.shellcheck().enabled);
        assert!(s.ignore_pragmas());
    }

    #[test]
    fn full_example() {
        let text = r#"
select = ["ALL"]
extend-select = ["DL3007"]
ignore = ["DL3014", "correctness"]
fail-level = "info"
trusted-registries = ["docker.io", "ghcr.io"]
strict-labels = true
disable-ignore-pragma = true
shellcheck = false
shellcheck-path = "/usr/bin/shellcheck"

[required-labels]
"org.opencontainers.image.version" = "semver"
maintainer = "email"

[severity]
DL3006 = "error"
latest-base-image = "style"

[rules.unused-stage]
named-stages = true

[rules.DL3002]
"#;
        let s = parse(text).unwrap();
        assert!(s.is_enabled(meta("untagged-base-image")));
        assert!(s.is_enabled(meta("last-user-root")));
        assert!(!s.is_enabled(meta("apt-get-missing-yes")));
        assert!(!s.is_enabled(meta("syntax-error")));
        assert!(!s.is_enabled(meta("copy-from-unknown-stage")));
        assert_eq!(s.fail_level(), Some(Severity::Info));
        assert_eq!(s.trusted_registries(), ["docker.io", "ghcr.io"]);
        assert!(s.strict_labels());
        assert!(!s.ignore_pragmas());
        assert_eq!(
            s.shellcheck(),
            ShellcheckSettings {
                enabled: false,
                path: Some(PathBuf::from("/usr/bin/shellcheck")),
                timeout: crate::config::DEFAULT_SHELLCHECK_TIMEOUT
            }
        );
        assert_eq!(s.required_labels().get("org.opencontainers.image.version"), Some(&LabelType::Semver));
        assert_eq!(s.required_labels().get("maintainer"), Some(&LabelType::Email));
        assert_eq!(s.severity_of(meta("untagged-base-image")), Severity::Error);
        assert_eq!(s.severity_of(meta("latest-base-image")), Severity::Style);
        assert_eq!(s.severity_of(meta("last-user-root")), meta("last-user-root").severity);
        let options = s.rule_options("unused-stage").expect("options read at load time");
        assert_eq!(format!("{options:?}"), "Options { named_stages: true }");
        assert!(s.rule_options("last-user-root").is_none(), "an empty table for a rule without options");
        assert!(s.rule_options("latest-base-image").is_none());
    }

    #[test]
    fn select_replaces_the_default_set() {
        let s = parse(r#"select = ["reproducibility", "DL3002"]"#).unwrap();
        assert!(s.is_enabled(meta("untagged-base-image")));
        assert!(s.is_enabled(meta("latest-base-image")));
        assert!(s.is_enabled(meta("last-user-root")));
        assert!(!s.is_enabled(meta("apt-get-missing-yes")));
        assert!(!s.is_enabled(meta("syntax-error")));
    }

    #[test]
    fn ignore_wins_over_select_in_the_same_file() {
        let s = parse("select = [\"shell-form-command\"]\nignore = [\"JSONArgsRecommended\"]\n").unwrap();
        assert!(!s.is_enabled(meta("shell-form-command")));
    }

    #[test]
    fn ignore_by_category_and_buildkit_name() {
        let s = parse(r#"ignore = ["reproducibility", "MaintainerDeprecated"]"#).unwrap();
        assert!(!s.is_enabled(meta("untagged-base-image")));
        assert!(!s.is_enabled(meta("latest-base-image")));
        assert!(!s.is_enabled(meta("maintainer-deprecated")));
        assert!(s.is_enabled(meta("apt-get-missing-yes")));
    }

    #[test]
    fn fail_level_none() {
        assert_eq!(parse("fail-level = \"none\"").unwrap().fail_level(), None);
        assert_eq!(parse("fail-level = \"Error\"").unwrap().fail_level(), Some(Severity::Error));
    }

    #[test]
    fn shellcheck_timeout_is_seconds_within_bounds() {
        use std::time::Duration;
        assert_eq!(parse("shellcheck-timeout = 2").unwrap().shellcheck().timeout, Duration::from_secs(2));
        assert_eq!(parse("shellcheck-timeout = 0.5").unwrap().shellcheck().timeout, Duration::from_millis(500));
        assert_eq!(
            error("shellcheck-timeout = 0"),
            "1:22: invalid value `0` for `shellcheck-timeout`: expected a number of seconds more than 0 and at most 600"
        );
        assert!(error("shellcheck-timeout = 601").contains("at most 600"));
        assert!(error("shellcheck-timeout = nan").contains("invalid value `nan`"));
        assert_eq!(
            error("shellcheck-timeout = \"5s\""),
            "1:22: invalid type for `shellcheck-timeout`: expected a number of seconds, found a string"
        );
    }

    #[test]
    fn relative_shellcheck_path_is_relative_to_the_config() {
        let s = parse_toml("shellcheck-path = \"tools/shellcheck\"", Path::new("/repo/dockside.toml")).unwrap();
        assert_eq!(s.shellcheck().path, Some(PathBuf::from("/repo/tools/shellcheck")));
        let s = parse_toml("shellcheck-path = \"shellcheck\"", Path::new("/repo/dockside.toml")).unwrap();
        assert_eq!(s.shellcheck().path, Some(PathBuf::from("shellcheck")));
    }

    #[test]
    fn unknown_top_level_key() {
        let e = error("fail-level = \"error\"\n\nselct = [\"ALL\"]\n");
        assert!(e.starts_with("3:1: unknown key `selct`; expected one of `select`, `extend-select`"), "{e}");
    }

    #[test]
    fn unknown_rule_in_ignore() {
        assert_eq!(
            error("select = [\"ALL\"]\nignore = [\"DL3006\", \"DL9999\"]\n"),
            "2:21: unknown rule or category `DL9999` in `ignore`"
        );
    }

    #[test]
    fn unknown_rule_in_select_and_extend_select() {
        assert_eq!(error("select = [\"nope\"]"), "1:11: unknown rule or category `nope` in `select`");
        assert_eq!(
            error("extend-select = [\n  \"ALL\",\n  \"secrity\",\n]"),
            "3:3: unknown rule or category `secrity` in `extend-select`"
        );
    }

    #[test]
    fn bad_severity_value() {
        assert_eq!(
            error("[severity]\nDL3006 = \"fatal\"\n"),
            "2:10: invalid severity `fatal` for `DL3006` in `severity`; expected one of `error`, `warning`, `info`, `style`"
        );
    }

    #[test]
    fn unknown_rule_in_severity() {
        assert_eq!(
            error("[severity]\nDL3006 = \"error\"\nDL9999 = \"error\"\n"),
            "3:1: unknown rule `DL9999` in `severity`"
        );
    }

    #[test]
    fn rule_named_twice_in_severity() {
        let e = error("[severity]\nDL3006 = \"error\"\nuntagged-base-image = \"info\"\n");
        assert!(e.contains("rule `untagged-base-image` appears twice in `severity`"), "{e}");
    }

    #[test]
    fn bad_fail_level() {
        assert_eq!(
            error("fail-level = \"loud\""),
            "1:14: invalid value `loud` for `fail-level`; expected one of `error`, `warning`, `info`, `style`, `none`"
        );
    }

    #[test]
    fn lint_date() {
        use crate::base_images::Date;
        assert_eq!(parse("lint-date = 2025-09-01").unwrap().lint_date(), Date::parse("2025-09-01").unwrap());
        assert_eq!(parse("lint-date = \"2024-02-29\"").unwrap().lint_date(), Date::parse("2024-02-29").unwrap());
        assert!(parse("").unwrap().lint_date() >= Date::parse("2025-01-01").unwrap());
        assert_eq!(error("lint-date = \"soon\""), "1:13: invalid date `soon` for `lint-date`; expected YYYY-MM-DD");
        assert!(error("lint-date = 3").contains("expected a date"));
    }

    #[test]
    fn wrong_types() {
        assert_eq!(
            error("select = \"ALL\""),
            "1:10: invalid type for `select`: expected an array of strings, found a string"
        );
        assert_eq!(error("ignore = [3]"), "1:11: invalid type in `ignore`: expected a string, found an integer");
        assert_eq!(
            error("\nstrict-labels = \"yes\""),
            "2:17: invalid type for `strict-labels`: expected a boolean, found a string"
        );
        assert_eq!(error("severity = 1"), "1:12: invalid type for `severity`: expected a table, found an integer");
        assert_eq!(
            error("[severity]\nDL3006 = 1"),
            "2:10: invalid type for `severity.DL3006`: expected a string, found an integer"
        );
        assert_eq!(
            error("[rules]\nDL3006 = 1"),
            "2:10: invalid type for `rules.DL3006`: expected a table, found an integer"
        );
    }

    #[test]
    fn bad_label_type() {
        let e = error("[required-labels]\nversion = \"number\"");
        assert!(e.starts_with("2:11: invalid label type `number` for `version` in `required-labels`"), "{e}");
    }

    /// A rule's options are read into its declared type when the config
    /// loads: a wrong key or value is an error where it was written.
    #[test]
    fn bad_rule_options() {
        assert_eq!(
            error("[rules.unused-stage]\nnamed-stages = \"yes\"\n"),
            "2:16: invalid type for `rules.unused-stage.named-stages`: expected a boolean, found string \"yes\""
        );
        assert_eq!(
            error("[rules]\nunused-stage = { named-stages = 1 }\n"),
            "2:33: invalid type for `rules.unused-stage.named-stages`: expected a boolean, found integer `1`"
        );
        assert_eq!(
            error("[rules.unused-stage]\nnamed-stage = true\n"),
            "2:1: unknown key `named-stage` in `rules.unused-stage`; expected `named-stages`"
        );
        assert_eq!(
            error("[rules.latest-base-image]\nallow = [\"scratch\"]\n"),
            "2:1: unknown key `allow` in `rules.latest-base-image`; rule `latest-base-image` takes no options"
        );
    }

    #[test]
    fn unknown_rule_in_rules_tables() {
        assert_eq!(error("[rules.not-a-rule]\nx = 1\n"), "1:8: unknown rule `not-a-rule` in `rules`");
    }

    #[test]
    fn toml_syntax_error_has_a_position() {
        let e = error("select = [\"ALL\"\nignore = []\n");
        assert!(e.starts_with("2:1: "), "{e}");
        let e = error("a = 1\na = 2\n");
        assert!(e.starts_with("2:1: duplicate key"), "{e}");
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(error("# é\nselect = [\"é\"]"), "2:11: unknown rule or category `é` in `select`");
    }

    #[test]
    fn format_section() {
        use crate::format::{Indent, OperatorPosition};
        let s = parse("[format]\nindent = \"tab\"\nline-width = 80\noperator-position = \"end\"\nmax-blank-lines = 2\nblank-line-before-from = false\nfinal-newline = false\n").unwrap();
        let f = s.format_config();
        assert_eq!(f.indent, Some(Indent::Tab));
        assert_eq!(f.line_width, Some(80));
        assert_eq!(f.operator_position, Some(OperatorPosition::End));
        assert_eq!(f.max_blank_lines, Some(2));
        assert_eq!(f.blank_line_before_from, Some(false));
        assert_eq!(f.final_newline, Some(false));
        assert_eq!(f.path.as_deref(), Some(Path::new("dockside.toml")));
        assert_eq!(parse("[format]\nindent = 2\n").unwrap().format_config().indent, Some(Indent::Spaces(2)));
        assert_eq!(parse("").unwrap().format_config().indent, None);
        assert_eq!(error("[format]\nindent = 0\n"), "2:10: `format.indent` must be between 1 and 16");
        assert!(error("[format]\nindent = \"two\"\n").starts_with("2:10: invalid value `two` for `format.indent`"));
        assert!(
            error("[format]\nwidth = 3\n")
                .starts_with("2:1: unknown key `width` in `format`; expected one of `indent`")
        );
        assert!(error("[format]\noperator-position = \"left\"\n").contains("expected `start` or `end`"));
        assert!(error("format = 1").contains("expected a table"));
    }

    #[test]
    fn first_error_in_file_order() {
        // `zzz` sorts after `aaa` but comes first in the file.
        let e = error("zzz = 1\naaa = 2\n");
        assert!(e.starts_with("1:1: unknown key `zzz`"), "{e}");
    }
}
