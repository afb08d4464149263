//! `.hadolint.yaml`: read hadolint's config so projects can switch without
//! editing it. DL codes map to dockside rules through their aliases.
//!
//! The text is deserialized into [`RawHadolint`], whose fields are
//! hadolint's keys (`deny_unknown_fields`), so serde itself rejects an
//! unknown key or a value of the wrong type; [`Cx::serde_error`] words that
//! error as the other loaders do, with the key's path found from the error's
//! location in an [`Outline`] of the document (read only then). Values are
//! read with `deserialize_any`, so YAML's own types decide, as in hadolint:
//! `1` is a number and `"true"` a string, never coerced. What types cannot
//! say (rule codes, thresholds, label types) is checked afterwards on the
//! spanned values.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
use serde_saphyr::{Location, MessageFormatter, Spanned, UserMessageFormatter};

use super::messages::deserialize_via;
use super::{ConfigError, LabelType, Settings, backticked, messages, severity_names};
use crate::diagnostic::Severity;
use crate::registry::find_rule;

/// A `.hadolint.yaml` as written, with hadolint's spelling of each key. The
/// fields are in documentation order, which is the order serde lists them
/// in when a key is unknown.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHadolint {
    ignored: Option<Spanned<Strings>>,
    #[serde(rename = "override")]
    overrides: Option<Mapping<RawOverride>>,
    #[serde(rename = "trustedRegistries")]
    trusted_registries: Option<Spanned<Strings>>,
    #[serde(rename = "label-schema")]
    label_schema: Option<Entries>,
    #[serde(rename = "strict-labels")]
    strict_labels: Option<Boolean>,
    #[serde(rename = "failure-threshold")]
    failure_threshold: Option<Spanned<Text>>,
    #[serde(rename = "no-fail")]
    no_fail: Option<Boolean>,
    #[serde(rename = "disable-ignore-pragma")]
    disable_ignore_pragma: Option<Boolean>,
    /// Accepted with no effect, as are the keys below.
    #[allow(dead_code)]
    format: Option<Text>,
    #[allow(dead_code)]
    formats: Option<Spanned<Strings>>,
    #[serde(rename = "no-color")]
    #[allow(dead_code)]
    no_color: Option<Boolean>,
    #[allow(dead_code)]
    verbose: Option<Boolean>,
}

/// `override`: rule codes by the severity they get.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    error: Option<Spanned<Strings>>,
    warning: Option<Spanned<Strings>>,
    info: Option<Spanned<Strings>>,
    style: Option<Spanned<Strings>>,
}

/// Parse the text of a `.hadolint.yaml`; `path` names it in errors.
///
/// * `ignored` and `override` take hadolint codes. A `DLxxxx` code with no
///   dockside rule is skipped; `SCxxxx` (ShellCheck) codes are kept in
///   [`Settings::ignored_extra`] / [`Settings::extra_severities`].
/// * As in hadolint, an `override` also turns on a rule that is off by default.
/// * `failure-threshold: ignore` / `none` keep hadolint's meaning: any
///   finding fails (fail level `style`). `no-fail: true` never fails.
/// * `disable-ignore-pragma: true` turns inline ignore pragmas off (as
///   `disable-ignore-pragma = true` does in `dockside.toml`).
/// * `format`, `formats`, `no-color` and `verbose` are accepted and have no
///   effect.
/// * A list of strings may be written as a lone string (a list of one).
/// * A key with no value (null) is unset.
pub fn parse_hadolint_yaml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let cx = Cx { text, path };
    let raw: Option<Mapping<RawHadolint>> = serde_saphyr::from_str(text).map_err(|e| cx.serde_error(&e))?;
    match raw {
        None => Ok(Settings::default()),
        Some(Mapping(raw)) => cx.settings(raw),
    }
}

/// A 1-based position; serde-saphyr reports 0 when it has none.
fn position(location: Location) -> (usize, usize) {
    let convert = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).max(1);
    if location.line() == 0 { (1, 1) } else { (convert(location.line()), convert(location.column())) }
}

/// What a hadolint rule code refers to.
enum Code {
    Rule(&'static str),
    /// A ShellCheck code, upper case.
    ShellCheck(String),
    /// A `DLxxxx` code dockside has no rule for.
    UnknownDl,
}

/// `prefix` followed by exactly four digits, ignoring case.
fn is_code(code: &str, prefix: &str) -> bool {
    code.len() == prefix.len() + 4
        && code.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        && code.bytes().skip(prefix.len()).all(|b| b.is_ascii_digit())
}

/// The file being parsed, for positions in errors.
struct Cx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Cx<'_> {
    fn error(&self, at: Location, message: impl Into<String>) -> ConfigError {
        let (line, column) = position(at);
        ConfigError::new(self.path, line, column, message)
    }

    /// A serde-saphyr error in this loader's style: an unknown key or a
    /// wrong type names the key's path (found in the document's
    /// [`Outline`]) and YAML's names for types; anything else (a syntax
    /// error, a duplicate key) is invalid YAML.
    fn serde_error(&self, e: &serde_saphyr::Error) -> ConfigError {
        let e = e.without_snippet();
        let at = e.location().unwrap_or(Location::UNKNOWN);
        let mark = || Outline::read(self.text).and_then(|outline| outline.at(position(at)));
        match e {
            serde_saphyr::Error::SerdeUnknownField { field, expected, .. } => {
                // The location is the key's: the mark is the key itself.
                let parent = mark().map(|m| m.path[..m.path.len().saturating_sub(1)].join(".")).unwrap_or_default();
                self.error(at, messages::unknown_key(field, &parent, &messages::expected_keys(expected)))
            }
            serde_saphyr::Error::SerdeInvalidType { expected, unexpected, .. } => {
                let mark = mark();
                let found = mark.as_ref().map_or_else(|| serde_found(unexpected), |m| m.kind);
                // serde-saphyr places an error in a key's value at the key:
                // point at the value, as for list items.
                let (line, column) = mark.as_ref().and_then(|m| m.value_at).unwrap_or(position(at));
                let message = match mark {
                    Some(m) if m.path.is_empty() => format!("expected a mapping of settings, found {found}"),
                    Some(m) => messages::invalid_type(&m.path.join("."), m.item, expected, found),
                    None => format!("invalid type: expected {expected}, found {found}"),
                };
                ConfigError::new(self.path, line, column, message)
            }
            _ => {
                let message = UserMessageFormatter.format_message(e);
                let message: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
                self.error(at, format!("invalid YAML: {message}"))
            }
        }
    }

    /// Settings from the file's keys, once their types are right. Of the
    /// values that fail a check, the first in the file is reported.
    fn settings(&self, raw: RawHadolint) -> Result<Settings, ConfigError> {
        let mut settings = Settings::default();
        let mut errors = Vec::new();
        let mut extend = Vec::new();
        let mut ignore = Vec::new();
        for code in raw.ignored.iter().flat_map(strings) {
            match self.code("ignored", &code) {
                Ok(Code::Rule(rule)) => ignore.push(rule),
                Ok(Code::ShellCheck(code)) => settings.ignored_extra.push(code),
                Ok(Code::UnknownDl) => {}
                Err(e) => errors.push(e),
            }
        }
        if let Some(Mapping(overrides)) = raw.overrides {
            let mut levels: Vec<(Severity, Spanned<Strings>)> = [
                (Severity::Error, overrides.error),
                (Severity::Warning, overrides.warning),
                (Severity::Info, overrides.info),
                (Severity::Style, overrides.style),
            ]
            .into_iter()
            .filter_map(|(level, codes)| Some((level, codes?)))
            .collect();
            // In file order: a code under two levels gets the later one.
            levels.sort_by_key(|(_, codes)| position(codes.referenced));
            for (level, codes) in &levels {
                let key = format!("override.{}", level.as_str());
                for code in strings(codes) {
                    match self.code(&key, &code) {
                        Ok(Code::Rule(rule)) => {
                            settings.severities.insert(rule, *level);
                            extend.push(rule);
                        }
                        Ok(Code::ShellCheck(code)) => {
                            settings.extra_severities.insert(code, *level);
                        }
                        Ok(Code::UnknownDl) => {}
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        if let Some(registries) = &raw.trusted_registries {
            settings.trusted_registries = strings(registries).into_iter().map(|s| s.value.to_string()).collect();
        }
        if let Some(Entries(entries)) = raw.label_schema {
            let mut schema = BTreeMap::new();
            for (Key(label), kind) in entries {
                let text = &kind.value.0;
                match LabelType::parse(text) {
                    Some(label_type) => {
                        schema.insert(label, label_type);
                    }
                    None => errors.push(self.error(
                        kind.referenced,
                        format!(
                            "invalid label type `{text}` for `{label}` in `label-schema`; expected one of {}",
                            backticked(LabelType::ALL.iter().map(|t| t.as_str()))
                        ),
                    )),
                }
            }
            settings.required_labels = schema;
        }
        if let Some(Boolean(strict)) = raw.strict_labels {
            settings.strict_labels = strict;
        }
        if let Some(threshold) = &raw.failure_threshold {
            let text = threshold.value.0.as_str();
            match Severity::parse(text) {
                Some(level) => settings.fail_level = Some(level),
                // hadolint counts every reported finding as at or above `ignore`.
                None if text.eq_ignore_ascii_case("ignore") || text.eq_ignore_ascii_case("none") => {
                    settings.fail_level = Some(Severity::Style);
                }
                None => errors.push(self.error(
                    threshold.referenced,
                    format!(
                        "invalid value `{text}` for `failure-threshold`; expected one of {}, `ignore`, `none`",
                        severity_names()
                    ),
                )),
            }
        }
        if let Some(Boolean(true)) = raw.no_fail {
            settings.fail_level = None;
        }
        if let Some(Boolean(disable)) = raw.disable_ignore_pragma {
            settings.ignore_pragmas = !disable;
        }
        if let Some(first) = errors.into_iter().min_by_key(|e| (e.line, e.column)) {
            return Err(first);
        }
        settings.apply_selection(None, &extend, &ignore);
        Ok(settings)
    }

    fn code(&self, key: &str, code: &Spanned<&str>) -> Result<Code, ConfigError> {
        let text = code.value.trim();
        if let Some(rule) = find_rule(text) {
            Ok(Code::Rule(rule.meta.name))
        } else if is_code(text, "SC") {
            Ok(Code::ShellCheck(text.to_ascii_uppercase()))
        } else if is_code(text, "DL") {
            Ok(Code::UnknownDl)
        } else {
            Err(self.error(
                code.referenced,
                format!("unknown rule code `{text}` in `{key}`; expected a `DLxxxx` or `SCxxxx` code"),
            ))
        }
    }
}

/// The strings of a list, each where it is written; a lone string where
/// the list is.
fn strings(list: &Spanned<Strings>) -> Vec<Spanned<&str>> {
    match &list.value {
        Strings::List(items) => {
            items.iter().map(|item| Spanned::new(item.value.0.as_str(), item.referenced, item.defined)).collect()
        }
        Strings::One(text) => vec![Spanned::new(text.as_str(), list.referenced, list.defined)],
    }
}

/// What serde-saphyr says it found, in YAML's words, for when the outline
/// cannot say.
fn serde_found(unexpected: &str) -> &'static str {
    let kind = unexpected.split([' ', '`', '"']).next().unwrap_or_default();
    match kind {
        "string" | "char" => "a string",
        "boolean" => "a boolean",
        "integer" | "floating" => "a number",
        "sequence" => "a list",
        "map" => "a mapping",
        "unit" | "null" | "Option" => "null",
        _ => "another type",
    }
}

/// A string scalar; a number or a boolean is not one.
struct Text(String);

/// A boolean scalar.
struct Boolean(bool);

/// A list of strings, or a lone string standing for a list of one.
enum Strings {
    List(Vec<Spanned<Text>>),
    One(String),
}

/// A mapping key as written: a string, or a number or boolean as its text.
struct Key(String);

/// A mapping of strings (`label-schema`), in file order; each value where
/// it is written.
struct Entries(Vec<(Key, Spanned<Text>)>);

/// A mapping read into `T`, a struct; any other YAML value is a type error
/// saying a mapping was expected.
struct Mapping<T>(T);

deserialize_via!(Text, "a string", deserialize_any, {
    fn visit_str<E>(self, text: &str) -> Result<Text, E> {
        Ok(Text(text.to_string()))
    }
    fn visit_string<E>(self, text: String) -> Result<Text, E> {
        Ok(Text(text))
    }
    /// A `!!binary` scalar.
    fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Text, E> {
        Ok(Text(String::from_utf8_lossy(bytes).into_owned()))
    }
});

deserialize_via!(Boolean, "a boolean", deserialize_any, {
    fn visit_bool<E>(self, b: bool) -> Result<Boolean, E> {
        Ok(Boolean(b))
    }
});

deserialize_via!(Strings, "a list of strings", deserialize_any, {
    fn visit_str<E>(self, text: &str) -> Result<Strings, E> {
        Ok(Strings::One(text.to_string()))
    }
    fn visit_string<E>(self, text: String) -> Result<Strings, E> {
        Ok(Strings::One(text))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Strings::List(items))
    }
});

deserialize_via!(Key, "a string", deserialize_any, {
    fn visit_str<E>(self, text: &str) -> Result<Key, E> {
        Ok(Key(text.to_string()))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Key, E> {
        Ok(Key(b.to_string()))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Key, E> {
        Ok(Key(n.to_string()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Key, E> {
        Ok(Key(n.to_string()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Key, E> {
        Ok(Key(n.to_string()))
    }
});

deserialize_via!(Entries, "a mapping", deserialize_any, {
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Entries(entries))
    }
});

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MappingVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for MappingVisitor<T> {
            type Value = Mapping<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Mapping<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Mapping)
            }
        }
        deserializer.deserialize_any(MappingVisitor(std::marker::PhantomData))
    }
}

/// Where each key, value and list item of a YAML document starts, with the
/// path of keys leading to it: what names the key an error points at, as
/// the TOML loader finds it from the error's span.
struct Outline {
    /// In document order.
    marks: Vec<Mark>,
}

struct Mark {
    at: (usize, usize),
    /// The keys leading here; a key's own mark ends with the key.
    path: Vec<String>,
    /// An item of the list at `path`.
    item: bool,
    /// The value's type in YAML's words; a key's is that of its value.
    kind: &'static str,
    /// A key's value.
    value_at: Option<(usize, usize)>,
}

impl Outline {
    /// The outline of `text`, `None` when it cannot be read (a key that is
    /// itself a list or mapping, say).
    fn read(text: &str) -> Option<Outline> {
        let root: Spanned<Shape> = serde_saphyr::from_str(text).ok()?;
        let mut marks = Vec::new();
        Outline::walk(&root, &mut Vec::new(), false, &mut marks);
        Some(Outline { marks })
    }

    fn walk(node: &Spanned<Shape>, path: &mut Vec<String>, item: bool, marks: &mut Vec<Mark>) {
        marks.push(Mark {
            at: position(node.referenced),
            path: path.clone(),
            item,
            kind: node.value.kind(),
            value_at: None,
        });
        match &node.value {
            Shape::Scalar(_) => {}
            Shape::List(items) => {
                for child in items {
                    Outline::walk(child, path, true, marks);
                }
            }
            Shape::Mapping(entries) => {
                for (key, value) in entries {
                    path.push(key.value.0.clone());
                    marks.push(Mark {
                        at: position(key.referenced),
                        path: path.clone(),
                        item: false,
                        kind: value.value.kind(),
                        value_at: Some(position(value.referenced)),
                    });
                    Outline::walk(value, path, false, marks);
                    path.pop();
                }
            }
        }
    }

    /// The last mark at or before `at`: the node an error at `at` is about.
    fn at(self, at: (usize, usize)) -> Option<Mark> {
        self.marks.into_iter().filter(|mark| mark.at <= at).max_by_key(|mark| mark.at)
    }
}

/// A YAML node's shape, for the [`Outline`].
enum Shape {
    Scalar(&'static str),
    List(Vec<Spanned<Shape>>),
    Mapping(Vec<(Spanned<Key>, Spanned<Shape>)>),
}

impl Shape {
    fn kind(&self) -> &'static str {
        match self {
            Shape::Scalar(kind) => kind,
            Shape::List(_) => "a list",
            Shape::Mapping(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Scalar("null"))
            }
            fn visit_none<E>(self) -> Result<Shape, E> {
                Ok(Shape::Scalar("null"))
            }
            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
                Shape::deserialize(deserializer)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Scalar("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Scalar("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Scalar("a number"))
            }
            fn visit_i128<E>(self, _: i128) -> Result<Shape, E> {
                Ok(Shape::Scalar("a number"))
            }
            fn visit_u128<E>(self, _: u128) -> Result<Shape, E> {
                Ok(Shape::Scalar("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Scalar("a number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::Scalar("a string"))
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<Shape, E> {
                Ok(Shape::Scalar("a string"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Shape::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Shape::Mapping(entries))
            }
        }
        deserializer.deserialize_any(ShapeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        parse_hadolint_yaml(text, Path::new(".hadolint.yaml"))
    }

    fn meta(name: &str) -> &'static crate::registry::RuleMeta {
        &find_rule(name).expect("known rule").meta
    }

    fn error(text: &str) -> String {
        let e = parse(text).expect_err("config should be rejected");
        assert_eq!(e.path, Path::new(".hadolint.yaml"));
        format!("{}:{}: {}", e.line, e.column, e.message)
    }

    #[test]
    fn empty_and_comment_only_files_are_the_default() {
        for text in ["", "# nothing here\n", "---\n"] {
            let s = parse(text).unwrap();
            assert!(s.is_enabled(meta("DL3006")));
            assert_eq!(s.fail_level(), Some(Severity::Warning));
        }
    }

    #[test]
    fn full_example() {
        let text = "\
ignored:
  - DL3006
  - SC2086
  - DL3999
override:
  error:
    - DL3007
  info: [SC2046]
  style: [dl3002]
trustedRegistries:
  - docker.io
  - my-company.com:5000
label-schema:
  author: text
  version: semver
  website: url
  commit: hash
strict-labels: true
failure-threshold: error
format: json
no-color: true
verbose: false
disable-ignore-pragma: false
";
        let s = parse(text).unwrap();
        assert!(!s.is_enabled(meta("untagged-base-image")));
        assert!(s.is_enabled(meta("latest-base-image")));
        assert_eq!(s.severity_of(meta("latest-base-image")), Severity::Error);
        assert_eq!(s.severity_of(meta("last-user-root")), Severity::Style);
        assert_eq!(s.ignored_extra(), ["SC2086"]);
        assert_eq!(s.extra_severities().get("SC2046"), Some(&Severity::Info));
        assert_eq!(s.trusted_registries(), ["docker.io", "my-company.com:5000"]);
        assert_eq!(s.required_labels().len(), 4);
        assert_eq!(s.required_labels().get("commit"), Some(&LabelType::Hash));
        assert_eq!(s.required_labels().get("website"), Some(&LabelType::Url));
        assert!(s.strict_labels());
        assert_eq!(s.fail_level(), Some(Severity::Error));
        assert!(s.ignore_pragmas());
    }

    #[test]
    fn disable_ignore_pragma() {
        assert!(!parse("disable-ignore-pragma: true").unwrap().ignore_pragmas());
        assert!(parse("disable-ignore-pragma: false").unwrap().ignore_pragmas());
        assert!(parse("ignored: [DL3008]").unwrap().ignore_pragmas());
    }

    #[test]
    fn trusted_registries_may_be_a_single_string() {
        assert_eq!(parse("trustedRegistries: docker.io").unwrap().trusted_registries(), ["docker.io"]);
    }

    #[test]
    fn failure_threshold_values() {
        assert_eq!(parse("failure-threshold: style").unwrap().fail_level(), Some(Severity::Style));
        assert_eq!(parse("failure-threshold: warning").unwrap().fail_level(), Some(Severity::Warning));
        // hadolint: `ignore`/`none` make every reported finding fail.
        assert_eq!(parse("failure-threshold: ignore").unwrap().fail_level(), Some(Severity::Style));
        assert_eq!(parse("failure-threshold: none").unwrap().fail_level(), Some(Severity::Style));
    }

    #[test]
    fn no_fail_wins() {
        assert_eq!(parse("no-fail: true\nfailure-threshold: error\n").unwrap().fail_level(), None);
        assert_eq!(parse("failure-threshold: error\nno-fail: false\n").unwrap().fail_level(), Some(Severity::Error));
    }

    #[test]
    fn ignore_beats_override() {
        let s = parse("ignored: [DL3007]\noverride:\n  error: [DL3007]\n").unwrap();
        assert!(!s.is_enabled(meta("latest-base-image")));
    }

    #[test]
    fn null_values_are_unset() {
        let s = parse("ignored:\noverride:\nstrict-labels:\n").unwrap();
        assert!(s.is_enabled(meta("DL3006")));
        assert!(!s.strict_labels());
    }

    #[test]
    fn unknown_key() {
        let e = error("ignored: [DL3006]\nignore: [DL3007]\n");
        assert!(
            e.starts_with("2:1: unknown key `ignore` (did you mean `ignored`?); expected one of `ignored`, `override`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_override_level() {
        let e = error("override:\n  fatal: [DL3006]\n");
        assert!(e.starts_with("2:3: unknown key `fatal` in `override`; expected one of `error`"), "{e}");
    }

    #[test]
    fn unknown_code() {
        assert_eq!(
            error("ignored:\n  - DL3006\n  - nonsense\n"),
            "3:5: unknown rule code `nonsense` in `ignored`; expected a `DLxxxx` or `SCxxxx` code"
        );
        assert_eq!(
            error("override:\n  warning: [DL3006, X1]\n"),
            "2:21: unknown rule code `X1` in `override.warning`; expected a `DLxxxx` or `SCxxxx` code"
        );
    }

    #[test]
    fn bad_values() {
        assert_eq!(
            error("failure-threshold: loud"),
            "1:20: invalid value `loud` for `failure-threshold`; expected one of `error`, `warning`, `info`, `style`, `ignore`, `none`"
        );
        assert_eq!(
            error("strict-labels: maybe"),
            "1:16: invalid type for `strict-labels`: expected a boolean, found a string"
        );
        assert_eq!(
            error("ignored: {a: b}"),
            "1:10: invalid type for `ignored`: expected a list of strings, found a mapping"
        );
        assert_eq!(error("ignored: [1]"), "1:11: invalid type in `ignored`: expected a string, found a number");
        let e = error("label-schema:\n  version: number\n");
        assert!(e.starts_with("2:12: invalid label type `number` for `version` in `label-schema`"), "{e}");
        assert_eq!(error("- a\n- b\n"), "1:1: expected a mapping of settings, found a list");
    }

    /// The expected keys come from the types, by way of serde's error.
    #[test]
    fn unknown_top_level_key_lists_the_keys() {
        assert_eq!(
            error("ignored: [DL3006]\n\n  # note\nno-colour: true\n"),
            "4:1: unknown key `no-colour` (did you mean `no-color`?); expected one of `ignored`, `override`, `trustedRegistries`, \
             `label-schema`, `strict-labels`, `failure-threshold`, `no-fail`, `disable-ignore-pragma`, `format`, \
             `formats`, `no-color`, `verbose`"
        );
    }

    #[test]
    fn unknown_key_under_override() {
        assert_eq!(
            error("override:\n  error: [DL3006]\n  warn: [DL3007]\n"),
            "3:3: unknown key `warn` in `override`; expected one of `error`, `warning`, `info`, `style`"
        );
        assert_eq!(
            error("override: {info: [DL3006], fatal: []}"),
            "1:28: unknown key `fatal` in `override`; expected one of `error`, `warning`, `info`, `style`"
        );
    }

    /// A type error points at the value and names its key's path, whether
    /// the value follows its key on the line or starts below it.
    #[test]
    fn wrong_types_point_at_the_value() {
        assert_eq!(error("ignored: 3"), "1:10: invalid type for `ignored`: expected a list of strings, found a number");
        assert_eq!(error("no-fail: \"maybe\""), "1:10: invalid type for `no-fail`: expected a boolean, found a string");
        assert_eq!(
            error("\n\nverbose:   1.5\n"),
            "3:12: invalid type for `verbose`: expected a boolean, found a number"
        );
        assert_eq!(
            error("failure-threshold:\n  - error\n"),
            "2:3: invalid type for `failure-threshold`: expected a string, found a list"
        );
        assert_eq!(error("override: 3"), "1:11: invalid type for `override`: expected a mapping, found a number");
        assert_eq!(
            error("override:\n  error: true\n"),
            "2:10: invalid type for `override.error`: expected a list of strings, found a boolean"
        );
        assert_eq!(
            error("override:\n  info:\n  - DL3006\n  - [DL3007]\n"),
            "4:5: invalid type in `override.info`: expected a string, found a list"
        );
        assert_eq!(
            error("label-schema:\n  version: [semver]\n"),
            "2:12: invalid type for `label-schema.version`: expected a string, found a list"
        );
        assert_eq!(error("ignored: [~]"), "1:11: invalid type in `ignored`: expected a string, found null");
        assert_eq!(error("42\n"), "1:1: expected a mapping of settings, found a number");
    }

    /// YAML's types decide, as in hadolint: a quoted `true` is a string and
    /// a number is not a rule code. YAML 1.1's `yes` is a boolean.
    #[test]
    fn scalars_are_not_coerced() {
        assert_eq!(
            error("strict-labels: \"true\""),
            "1:16: invalid type for `strict-labels`: expected a boolean, found a string"
        );
        assert_eq!(
            error("failure-threshold: 1"),
            "1:20: invalid type for `failure-threshold`: expected a string, found a number"
        );
        assert_eq!(error("ignored: [3006]"), "1:11: invalid type in `ignored`: expected a string, found a number");
        assert!(parse("strict-labels: yes").unwrap().strict_labels());
    }

    #[test]
    fn lone_strings_are_lists_of_one() {
        let s = parse("ignored: DL3006\noverride:\n  error: DL3007\n").unwrap();
        assert!(!s.is_enabled(meta("untagged-base-image")));
        assert_eq!(s.severity_of(meta("latest-base-image")), Severity::Error);
        assert_eq!(
            error("ignored: nonsense"),
            "1:10: unknown rule code `nonsense` in `ignored`; expected a `DLxxxx` or `SCxxxx` code"
        );
    }

    /// A code under two levels of `override` gets the later one in the file.
    #[test]
    fn override_levels_apply_in_file_order() {
        let s = parse("override:\n  style: [DL3006]\n  error: [DL3006]\n").unwrap();
        assert_eq!(s.severity_of(meta("untagged-base-image")), Severity::Error);
        let s = parse("override:\n  error: [DL3006]\n  style: [DL3006]\n").unwrap();
        assert_eq!(s.severity_of(meta("untagged-base-image")), Severity::Style);
    }

    #[test]
    fn first_value_error_in_file_order() {
        assert!(error("failure-threshold: loud\nignored: [nonsense]\n").starts_with("1:20: invalid value `loud`"));
        assert!(error("ignored: [nonsense]\nfailure-threshold: loud\n").starts_with("1:11: unknown rule code"));
    }

    #[test]
    fn yaml_syntax_error_has_a_position() {
        let e = error("ignored: [DL3006\n");
        assert!(e.starts_with("1:10: invalid YAML: "), "{e}");
        let e = error("verbose: true\nverbose: false\n");
        assert!(e.starts_with("2:1: invalid YAML: duplicate"), "{e}");
    }
}
