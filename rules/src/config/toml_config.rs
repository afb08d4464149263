//! `dockside.toml`: dockside's own config format.
//!
//! The text is parsed once into a `DeTable`, which keeps the span of every
//! key and value, and that table is deserialized into [`RawConfig`]: its
//! fields are the keys, so serde itself rejects an unknown key or a value of
//! the wrong type, and [`Cx::serde_error`] words the error in this file's
//! style with the key's path found from the error's span. What types cannot
//! say (rule names, severity names, bounds) is checked afterwards on the
//! spanned values; `[rules.<name>]` is read from the same table into each
//! rule's own options type.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};

use super::messages::deserialize_via;
use super::{ConfigError, LabelType, Settings, backticked, line_col, messages, resolve_selector, severity_names};
use crate::diagnostic::Severity;
use crate::format::{FormatConfig, Indent, OperatorPosition};
use crate::registry::find_rule;
use crate::rule::OptionsValue;

/// A `dockside.toml` as written. The fields are in documentation order,
/// which is the order serde lists them in when a key is unknown.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Strings>,
    extend_select: Option<Strings>,
    ignore: Option<Strings>,
    fail_level: Option<Spanned<String>>,
    trusted_registries: Option<Strings>,
    strict_labels: Option<bool>,
    disable_ignore_pragma: Option<bool>,
    shellcheck: Option<bool>,
    shellcheck_path: Option<String>,
    shellcheck_timeout: Option<Spanned<Seconds>>,
    build_context: Option<String>,
    required_labels: Option<Entries>,
    severity: Option<Entries>,
    /// Read per rule into its own options type by [`Cx::rule_options`].
    rules: Option<IgnoredAny>,
    lint_date: Option<Spanned<DateText>>,
    format: Option<RawFormat>,
}

/// `[format]` as written (docs/formatter.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFormat {
    indent: Option<Spanned<IndentValue>>,
    line_width: Option<Spanned<Integer>>,
    operator_position: Option<Spanned<String>>,
    max_blank_lines: Option<Spanned<Integer>>,
    blank_line_before_from: Option<bool>,
    final_newline: Option<bool>,
}

/// Parse the text of a `dockside.toml`; `path` names it in errors and
/// anchors a relative `shellcheck-path`.
pub fn parse_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let cx = Cx { text, path };
    let doc = DeTable::parse(text).map_err(|e| cx.error(e.span().unwrap_or(0..0), e.message()))?;
    let root = Spanned::new(doc.span(), DeValue::Table(doc.get_ref().clone()));
    let raw = RawConfig::deserialize(ValueDeserializer::from(root)).map_err(|e| cx.serde_error(doc.get_ref(), &e))?;
    cx.settings(raw, &doc)
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

/// Where in the document a byte offset falls: the keys leading to it, the
/// value there (`None` when the offset is in a key) and whether that value
/// is an array item.
struct Place<'a, 'i> {
    keys: Vec<&'a str>,
    value: Option<&'a DeValue<'i>>,
    in_array: bool,
}

impl<'a, 'i> Place<'a, 'i> {
    fn find(table: &'a DeTable<'i>, at: usize) -> Option<Self> {
        for (key, value) in table.iter() {
            let name: &'a str = key.get_ref();
            if key.span().contains(&at) {
                return Some(Place { keys: vec![name], value: None, in_array: false });
            }
            // Inside first: a table's span may start where its first key does.
            let inner = match value.get_ref() {
                DeValue::Table(table) => Place::find(table, at),
                DeValue::Array(items) => items.iter().find(|item| item.span().contains(&at)).map(|item| {
                    match item.get_ref() {
                        DeValue::Table(table) => Place::find(table, at),
                        _ => None,
                    }
                    .unwrap_or(Place {
                        keys: Vec::new(),
                        value: Some(item.get_ref()),
                        in_array: true,
                    })
                }),
                _ => None,
            };
            if let Some(mut place) = inner {
                place.keys.insert(0, name);
                return Some(place);
            }
            if value.span().contains(&at) {
                return Some(Place { keys: vec![name], value: Some(value.get_ref()), in_array: false });
            }
        }
        None
    }
}

/// Serde's name for what a type expects, in TOML's words.
fn toml_words(expected: &str) -> &str {
    if expected.starts_with("struct ") || expected == "a map" {
        "a table"
    } else if expected == "a sequence" {
        "an array"
    } else {
        expected
    }
}

/// The error nearest the start of the file among the checks made, so that
/// the error reported is the first one in the file.
#[derive(Default)]
struct FirstError(Option<ConfigError>);

impl FirstError {
    fn keep<T>(&mut self, result: Result<T, ConfigError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                if self.0.as_ref().is_none_or(|first| (e.line, e.column) < (first.line, first.column)) {
                    self.0 = Some(e);
                }
                None
            }
        }
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
        self.error(value.span(), messages::invalid_type(key, false, expected, type_name(value.get_ref())))
    }

    /// A serde error from reading `doc` into [`RawConfig`], in this file's
    /// style: the key's dotted path, TOML's names for types.
    fn serde_error(&self, doc: &DeTable<'_>, e: &toml::de::Error) -> ConfigError {
        let span = e.span().unwrap_or(0..0);
        let place = Place::find(doc, span.start);
        let keys = place.as_ref().map(|p| p.keys.as_slice()).unwrap_or_default();
        let message = e.message();
        let message = if let Some((field, expected)) = unknown_field(message) {
            // The span is the key's.
            let parent = keys.split_last().map(|(_, parent)| parent.join(".")).unwrap_or_default();
            messages::unknown_key(field, &parent, expected)
        } else if let Some((found, expected)) = invalid_type(message) {
            let found = place.as_ref().and_then(|p| p.value).map_or(found, |value| type_name(value));
            let item = place.as_ref().is_some_and(|p| p.in_array);
            messages::invalid_type(&keys.join("."), item, toml_words(expected), found)
        } else {
            format!("invalid value for `{}`: {message}", keys.join("."))
        };
        self.error(span, message)
    }

    /// Settings from the file's keys, once their types are right.
    fn settings(&self, raw: RawConfig, doc: &Spanned<DeTable<'_>>) -> Result<Settings, ConfigError> {
        let mut settings = Settings::default();
        let mut first = FirstError::default();
        let select = raw.select.and_then(|s| first.keep(self.selectors("select", s, &mut Vec::new())));
        let extend = raw.extend_select.and_then(|s| first.keep(self.selectors("extend-select", s, &mut Vec::new())));
        let ignore = raw.ignore.and_then(|s| first.keep(self.selectors("ignore", s, &mut settings.ignored_extra)));
        if let Some(level) = raw.fail_level.and_then(|level| first.keep(self.fail_level(&level))) {
            settings.fail_level = level;
        }
        if let Some(registries) = raw.trusted_registries {
            settings.trusted_registries = registries.0.into_iter().map(Spanned::into_inner).collect();
        }
        if let Some(strict) = raw.strict_labels {
            settings.strict_labels = strict;
        }
        if let Some(disable) = raw.disable_ignore_pragma {
            settings.ignore_pragmas = !disable;
        }
        if let Some(enabled) = raw.shellcheck {
            settings.shellcheck_enabled = enabled;
        }
        if let Some(program) = raw.shellcheck_path {
            settings.shellcheck_path = Some(shellcheck_path(self.path, &program));
            // The warning for an untrusted file points at the key.
            let key_at = doc.get_ref().get_key_value("shellcheck-path").map_or(0, |(key, _)| key.span().start);
            settings.shellcheck_path_at = Some(line_col(self.text, key_at));
        }
        if let Some(timeout) = raw.shellcheck_timeout.and_then(|t| first.keep(self.timeout("shellcheck-timeout", &t))) {
            settings.shellcheck_timeout = timeout;
        }
        if let Some(dir) = raw.build_context {
            settings.build_context_dir = Some(self.path.parent().unwrap_or(Path::new("")).join(dir));
        }
        if let Some(labels) = raw.required_labels.and_then(|l| first.keep(self.label_schema("required-labels", l))) {
            settings.required_labels = labels;
        }
        if let Some(severities) = raw.severity.and_then(|s| first.keep(self.severities("severity", s))) {
            settings.severities = severities;
        }
        if raw.rules.is_some()
            && let Some(options) = first.keep(self.rule_options(doc))
        {
            settings.rule_options = options;
        }
        if let Some(date) = raw.lint_date.and_then(|date| first.keep(self.lint_date(&date))) {
            settings.lint_date = Some(date);
        }
        if let Some(format) = raw.format {
            settings.format = self.format_section("format", format, &mut first);
        }
        if let Some(e) = first.0 {
            return Err(e);
        }
        settings.apply_selection(select, &extend.unwrap_or_default(), &ignore.unwrap_or_default());
        Ok(settings)
    }

    fn fail_level(&self, level: &Spanned<String>) -> Result<Option<Severity>, ConfigError> {
        let text = level.get_ref();
        if text.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        Severity::parse(text).map(Some).ok_or_else(|| {
            self.error(
                level.span(),
                format!("invalid value `{text}` for `fail-level`; expected one of {}, `none`", severity_names()),
            )
        })
    }

    /// A number of seconds, more than 0 and at most [`super::MAX_SHELLCHECK_TIMEOUT`].
    fn timeout(&self, key: &str, value: &Spanned<Seconds>) -> Result<std::time::Duration, ConfigError> {
        let written = &self.text[value.span()];
        // Seconds are decimal: `0x10` is an integer, but not a number of seconds.
        if ["0x", "0o", "0b"].iter().any(|prefix| written.starts_with(prefix)) {
            return Err(
                self.error(value.span(), messages::invalid_type(key, false, "a number of seconds", "an integer"))
            );
        }
        super::shellcheck_timeout(value.get_ref().0)
            .map_err(|why| self.error(value.span(), format!("invalid value `{written}` for `{key}`: {why}")))
    }

    fn lint_date(&self, value: &Spanned<DateText>) -> Result<crate::base_images::Date, ConfigError> {
        let text = &value.get_ref().0;
        crate::base_images::Date::parse(text).ok_or_else(|| {
            self.error(value.span(), format!("invalid date `{text}` for `lint-date`; expected YYYY-MM-DD"))
        })
    }

    fn table<'v, 'i>(&self, key: &str, value: &'v Spanned<DeValue<'i>>) -> Result<&'v DeTable<'i>, ConfigError> {
        value.get_ref().as_table().ok_or_else(|| self.wrong_type(key, "a table", value))
    }

    /// `select` / `extend-select` / `ignore`: rule names, aliases, categories or `ALL`.
    fn selectors(
        &self,
        key: &str,
        entries: Strings,
        shellcheck_codes: &mut Vec<String>,
    ) -> Result<Vec<&'static str>, ConfigError> {
        let mut names = Vec::new();
        for entry in entries.0 {
            let text = entry.get_ref();
            if super::is_shellcheck_code(text) {
                shellcheck_codes.push(text.trim().to_ascii_uppercase());
                continue;
            }
            let resolved = resolve_selector(text).ok_or_else(|| {
                let hint = crate::registry::did_you_mean_hint(text, true);
                self.error(entry.span(), format!("unknown rule or category `{text}`{hint} in `{key}`"))
            })?;
            names.extend(resolved);
        }
        Ok(names)
    }

    /// A rule name or alias written as a key of `[key]`, resolved to its
    /// canonical name; naming a rule twice (say by name and by alias) is an
    /// error. `seen` maps the names met so far to how they were written.
    fn rule_key(
        &self,
        key: &str,
        written: &str,
        span: Range<usize>,
        seen: &mut BTreeMap<&'static str, String>,
    ) -> Result<&'static str, ConfigError> {
        let rule = find_rule(written).ok_or_else(|| {
            let hint = crate::registry::did_you_mean_hint(written, false);
            self.error(span.clone(), format!("unknown rule `{written}`{hint} in `{key}`"))
        })?;
        if let Some(previous) = seen.insert(rule.meta.name, written.to_string()) {
            return Err(self.error(
                span,
                format!("rule `{}` appears twice in `{key}` (as `{previous}` and `{written}`)", rule.meta.name),
            ));
        }
        Ok(rule.meta.name)
    }

    /// A table keyed by rule name or alias, resolved to canonical names.
    fn rule_keyed<'a, 'i>(
        &self,
        key: &str,
        table: &'a DeTable<'i>,
    ) -> Result<Vec<(&'static str, Entry<'a, 'i>)>, ConfigError> {
        let mut seen = BTreeMap::new();
        let mut out = Vec::new();
        for (rule_key, value) in sorted_entries(table) {
            let name = self.rule_key(key, rule_key.get_ref(), rule_key.span(), &mut seen)?;
            out.push((name, (rule_key, value)));
        }
        Ok(out)
    }

    /// `[severity]`: rule name or alias -> severity.
    fn severities(&self, key: &str, entries: Entries) -> Result<BTreeMap<&'static str, Severity>, ConfigError> {
        let mut seen = BTreeMap::new();
        let mut named = Vec::new();
        for (rule_key, level) in &entries.0 {
            named.push((self.rule_key(key, rule_key.get_ref(), rule_key.span(), &mut seen)?, rule_key, level));
        }
        let mut out = BTreeMap::new();
        for (name, rule_key, level) in named {
            let (written, text) = (rule_key.get_ref(), level.get_ref());
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
    fn label_schema(&self, key: &str, entries: Entries) -> Result<BTreeMap<String, LabelType>, ConfigError> {
        let mut out = BTreeMap::new();
        for (label, kind) in entries.0 {
            let (label, text) = (label.into_inner(), kind.get_ref());
            let label_type = LabelType::parse(text).ok_or_else(|| {
                self.error(
                    kind.span(),
                    format!(
                        "invalid label type `{text}` for `{label}` in `{key}`; expected one of {}",
                        backticked(LabelType::ALL.iter().map(|t| t.as_str()))
                    ),
                )
            })?;
            out.insert(label, label_type);
        }
        Ok(out)
    }

    /// `[format]`: the formatter's options (docs/formatter.md).
    fn format_section(&self, key: &str, raw: RawFormat, first: &mut FirstError) -> FormatConfig {
        let within = |name: &str, value: &Spanned<Integer>, min: i64, max: i64| -> Result<i64, ConfigError> {
            let n = value.get_ref().0;
            if (min..=max).contains(&n) {
                Ok(n)
            } else {
                Err(self.error(value.span(), format!("`{key}.{name}` must be between {min} and {max}")))
            }
        };
        let indent = raw.indent.and_then(|indent| {
            first.keep(match indent.get_ref() {
                IndentValue::Named(name) if name.eq_ignore_ascii_case("tab") => Ok(Indent::Tab),
                IndentValue::Named(name) => Err(self.error(
                    indent.span(),
                    format!("invalid value `{name}` for `{key}.indent`; expected a number of spaces or `\"tab\"`"),
                )),
                IndentValue::Spaces(n) => {
                    within("indent", &Spanned::new(indent.span(), Integer(*n)), 1, 16).map(|n| Indent::Spaces(n as u8))
                }
            })
        });
        let line_width = raw.line_width.and_then(|n| first.keep(within("line-width", &n, 20, 1000)));
        let max_blank_lines = raw.max_blank_lines.and_then(|n| first.keep(within("max-blank-lines", &n, 0, 100)));
        let operator_position = raw.operator_position.and_then(|position| {
            first.keep(match position.get_ref().to_ascii_lowercase().as_str() {
                "start" => Ok(OperatorPosition::Start),
                "end" => Ok(OperatorPosition::End),
                _ => Err(self.error(
                    position.span(),
                    format!(
                        "invalid value `{}` for `{key}.operator-position`; expected `start` or `end`",
                        position.get_ref()
                    ),
                )),
            })
        });
        FormatConfig {
            path: Some(self.path.to_path_buf()),
            indent,
            line_width: line_width.map(|n| n as usize),
            operator_position,
            max_blank_lines: max_blank_lines.map(|n| n as usize),
            blank_line_before_from: raw.blank_line_before_from,
            final_newline: raw.final_newline,
        }
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
        let place = Place::find(options, span.start);
        let mut path = format!("rules.{written}");
        for key in place.iter().flat_map(|p| &p.keys) {
            path.push('.');
            path.push_str(key);
        }
        let message = e.message();
        let message = if let Some((field, expected)) = unknown_field(message) {
            messages::unknown_key(field, &format!("rules.{written}"), expected)
        } else if let Some((found, expected)) = invalid_type(message) {
            let found = place.as_ref().and_then(|p| p.value).map_or(found, |value| type_name(value));
            let item = place.as_ref().is_some_and(|p| p.in_array);
            messages::invalid_type(&path, item, toml_words(expected), found)
        } else {
            format!("invalid `{path}`: {message}")
        };
        self.error(span, message)
    }
}

/// serde's "unknown field `x`, expected …": the field's name and what is expected.
fn unknown_field(message: &str) -> Option<(&str, &str)> {
    let (field, expected) = message.strip_prefix("unknown field `")?.split_once("`, ")?;
    Some((field, expected))
}

/// serde's "invalid type: integer `1`, expected a boolean": what was found
/// (serde's words, for when the document cannot say) and what is expected.
fn invalid_type(message: &str) -> Option<(&str, &str)> {
    message.strip_prefix("invalid type: ")?.split_once(", expected ")
}

/// An array of strings, each with its span.
struct Strings(Vec<Spanned<String>>);

/// A table of strings, each key and value with its span, in file order.
struct Entries(Vec<(Spanned<String>, Spanned<String>)>);

/// A number of seconds, integer or float.
struct Seconds(f64);

/// A date: a TOML date, or a string holding one.
struct DateText(String);

/// An integer; one too large for `i64` is taken as `i64::MAX` (out of any bound).
struct Integer(i64);

/// `indent`: a number of spaces, or a name (`"tab"`).
enum IndentValue {
    Spaces(i64),
    Named(String),
}

deserialize_via!(Strings, "an array of strings", deserialize_seq, {
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Strings(items))
    }
});

deserialize_via!(Entries, "a table", deserialize_map, {
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Entries(entries))
    }
});

deserialize_via!(Seconds, "a number of seconds", deserialize_f64, {
    fn visit_i64<E>(self, n: i64) -> Result<Seconds, E> {
        Ok(Seconds(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Seconds, E> {
        Ok(Seconds(n as f64))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Seconds, E> {
        Ok(Seconds(n))
    }
});

deserialize_via!(DateText, "a date", deserialize_any, {
    fn visit_str<E>(self, text: &str) -> Result<DateText, E> {
        Ok(DateText(text.to_string()))
    }
    /// TOML hands a date over as a map with one private key.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateText, A::Error> {
        let date = toml::value::Datetime::deserialize(MapAccessDeserializer::new(map))?;
        Ok(DateText(date.to_string()))
    }
});

deserialize_via!(Integer, "an integer", deserialize_i64, {
    fn visit_i64<E>(self, n: i64) -> Result<Integer, E> {
        Ok(Integer(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Integer, E> {
        Ok(Integer(i64::try_from(n).unwrap_or(i64::MAX)))
    }
});

deserialize_via!(IndentValue, "a number of spaces or `\"tab\"`", deserialize_any, {
    fn visit_i64<E>(self, n: i64) -> Result<IndentValue, E> {
        Ok(IndentValue::Spaces(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<IndentValue, E> {
        Ok(IndentValue::Spaces(i64::try_from(n).unwrap_or(i64::MAX)))
    }
    fn visit_str<E>(self, name: &str) -> Result<IndentValue, E> {
        Ok(IndentValue::Named(name.to_string()))
    }
});

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
        assert!(
            e.starts_with(
                "3:1: unknown key `selct` (did you mean `select`?); expected one of `select`, `extend-select`"
            ),
            "{e}"
        );
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
            "3:3: unknown rule or category `secrity` (did you mean `security`?) in `extend-select`"
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
            "2:16: invalid type for `rules.unused-stage.named-stages`: expected a boolean, found a string"
        );
        assert_eq!(
            error("[rules]\nunused-stage = { named-stages = 1 }\n"),
            "2:33: invalid type for `rules.unused-stage.named-stages`: expected a boolean, found an integer"
        );
        assert_eq!(
            error("[rules.unused-stage]\nnamed-stage = true\n"),
            "2:1: unknown key `named-stage` in `rules.unused-stage` (did you mean `named-stages`?); expected `named-stages`"
        );
        assert_eq!(
            error("[rules.latest-base-image]\nallow = [\"scratch\"]\n"),
            "2:1: unknown key `allow` in `rules.latest-base-image`; rule `latest-base-image` takes no options"
        );
    }

    #[test]
    fn unknown_rule_in_rules_tables() {
        assert_eq!(error("[rules.not-a-rule]\nx = 1\n"), "1:8: unknown rule `not-a-rule` in `rules`");
        assert_eq!(
            error("[rules.unused-stages]\nnamed-stages = true\n"),
            "1:8: unknown rule `unused-stages` (did you mean `unused-stage`?) in `rules`"
        );
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

    /// Type errors come from serde and name the key by its dotted path,
    /// whether the table was written as a section, inline or with dotted keys.
    #[test]
    fn type_errors_name_the_key_path() {
        assert_eq!(
            error("[format]\nfinal-newline = 1\n"),
            "2:17: invalid type for `format.final-newline`: expected a boolean, found an integer"
        );
        assert_eq!(
            error("format.line-width = \"wide\""),
            "1:21: invalid type for `format.line-width`: expected an integer, found a string"
        );
        assert_eq!(
            error("format = { indent = true }"),
            "1:21: invalid type for `format.indent`: expected a number of spaces or `\"tab\"`, found a boolean"
        );
        assert_eq!(
            error("fail-level = 2024-01-01"),
            "1:14: invalid type for `fail-level`: expected a string, found a datetime"
        );
        assert_eq!(
            error("[required-labels]\nversion = [\"semver\"]"),
            "2:11: invalid type for `required-labels.version`: expected a string, found an array"
        );
        assert_eq!(
            error("shellcheck-timeout = 0x10"),
            "1:22: invalid type for `shellcheck-timeout`: expected a number of seconds, found an integer"
        );
        assert!(
            error("format = { indent = 2, wrap = true }")
                .starts_with("1:24: unknown key `wrap` in `format`; expected one of `indent`, `line-width`,"),
        );
    }

    #[test]
    fn first_value_error_in_file_order() {
        // Both values have the right type; the check of the first one wins.
        assert!(error("fail-level = \"loud\"\nselect = [\"nope\"]\n").starts_with("1:14: invalid value `loud`"));
        assert!(error("select = [\"nope\"]\nfail-level = \"loud\"\n").starts_with("1:11: unknown rule"));
    }

    #[test]
    fn first_error_in_file_order() {
        // `zzz` sorts after `aaa` but comes first in the file.
        let e = error("zzz = 1\naaa = 2\n");
        assert!(e.starts_with("1:1: unknown key `zzz`"), "{e}");
    }
}
