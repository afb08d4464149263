//! `.hadolint.yaml`: read hadolint's config so projects can switch without
//! editing it. DL codes map to dockside rules through their aliases.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned, UserMessageFormatter};

use super::{ConfigError, LabelType, Settings, backticked, severity_names};
use crate::diagnostic::Severity;
use crate::registry::find_rule;

/// Every top-level key hadolint understands.
const KEYS: [&str; 12] = [
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "failure-threshold",
    "no-fail",
    "disable-ignore-pragma",
    "format",
    "formats",
    "no-color",
    "verbose",
];

const OVERRIDE_KEYS: [&str; 4] = ["error", "warning", "info", "style"];

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
pub fn parse_hadolint_yaml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let doc: Spanned<Node> = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| position(l.line(), l.column()));
        let message = UserMessageFormatter.format_message(e.without_snippet());
        let message: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        ConfigError::new(path, line, column, format!("invalid YAML: {message}"))
    })?;
    let cx = Cx { path };
    let mut settings = Settings::default();
    let entries = match &doc.value {
        Node::Null => return Ok(settings),
        Node::Map(entries) => entries,
        _ => return Err(cx.error(&doc, format!("expected a mapping of settings, found {}", doc.value.type_name()))),
    };
    let mut extend = Vec::new();
    let mut ignore = Vec::new();
    let mut no_fail = false;
    for (key, value) in entries {
        let name = key.value.to_string();
        if matches!(value.value, Node::Null) {
            if KEYS.contains(&name.as_str()) {
                continue;
            }
            return Err(cx.unknown_key(key, &name, &KEYS, None));
        }
        match name.as_str() {
            "ignored" => {
                for code in cx.strings(&name, value)? {
                    match cx.code(&name, code)? {
                        Code::Rule(rule) => ignore.push(rule),
                        Code::ShellCheck(code) => settings.ignored_extra.push(code),
                        Code::UnknownDl => {}
                    }
                }
            }
            "override" => {
                for (level_key, codes) in cx.mapping(&name, value)? {
                    let level_name = level_key.value.to_string();
                    let level = match Severity::parse(&level_name) {
                        Some(level) if OVERRIDE_KEYS.contains(&level_name.as_str()) => level,
                        _ => return Err(cx.unknown_key(level_key, &level_name, &OVERRIDE_KEYS, Some(&name))),
                    };
                    let list_key = format!("{name}.{level_name}");
                    for code in cx.strings(&list_key, codes)? {
                        match cx.code(&list_key, code)? {
                            Code::Rule(rule) => {
                                settings.severities.insert(rule, level);
                                extend.push(rule);
                            }
                            Code::ShellCheck(code) => {
                                settings.extra_severities.insert(code, level);
                            }
                            Code::UnknownDl => {}
                        }
                    }
                }
            }
            "trustedRegistries" => {
                settings.trusted_registries = match &value.value {
                    Node::Str(registry) => vec![registry.clone()],
                    _ => cx.strings(&name, value)?.into_iter().map(|s| s.value.to_string()).collect(),
                };
            }
            "label-schema" => {
                let mut schema = BTreeMap::new();
                for (label, kind) in cx.mapping(&name, value)? {
                    let label = label.value.to_string();
                    let text = cx.string(&format!("{name}.{label}"), kind)?;
                    let label_type = LabelType::parse(text).ok_or_else(|| {
                        cx.error(
                            kind,
                            format!(
                                "invalid label type `{text}` for `{label}` in `{name}`; expected one of {}",
                                backticked(LabelType::ALL.iter().map(|t| t.as_str()))
                            ),
                        )
                    })?;
                    schema.insert(label, label_type);
                }
                settings.required_labels = schema;
            }
            "strict-labels" => settings.strict_labels = cx.boolean(&name, value)?,
            "failure-threshold" => {
                let text = cx.string(&name, value)?;
                settings.fail_level = match Severity::parse(text) {
                    Some(level) => Some(level),
                    // hadolint counts every reported finding as at or above `ignore`.
                    None if text.eq_ignore_ascii_case("ignore") || text.eq_ignore_ascii_case("none") => {
                        Some(Severity::Style)
                    }
                    None => {
                        return Err(cx.error(
                            value,
                            format!(
                                "invalid value `{text}` for `{name}`; expected one of {}, `ignore`, `none`",
                                severity_names()
                            ),
                        ));
                    }
                };
            }
            "no-fail" => no_fail = cx.boolean(&name, value)?,
            "disable-ignore-pragma" => settings.ignore_pragmas = !cx.boolean(&name, value)?,
            "no-color" | "verbose" => {
                cx.boolean(&name, value)?;
            }
            "format" => {
                cx.string(&name, value)?;
            }
            "formats" => {
                cx.strings(&name, value)?;
            }
            _ => return Err(cx.unknown_key(key, &name, &KEYS, None)),
        }
    }
    if no_fail {
        settings.fail_level = None;
    }
    settings.apply_selection(None, &extend, &ignore);
    Ok(settings)
}

/// A 1-based position; serde-saphyr reports 0 when it has none.
fn position(line: u64, column: u64) -> (usize, usize) {
    let convert = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).max(1);
    if line == 0 { (1, 1) } else { (convert(line), convert(column)) }
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
    path: &'a Path,
}

impl Cx<'_> {
    fn error<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        let (line, column) = position(at.referenced.line(), at.referenced.column());
        ConfigError::new(self.path, line, column, message)
    }

    fn unknown_key(&self, key: &Spanned<Node>, name: &str, expected: &[&str], parent: Option<&str>) -> ConfigError {
        let place = parent.map(|p| format!(" in `{p}`")).unwrap_or_default();
        self.error(key, format!("unknown key `{name}`{place}; expected one of {}", backticked(expected)))
    }

    fn wrong_type(&self, key: &str, expected: &str, value: &Spanned<Node>) -> ConfigError {
        self.error(value, format!("invalid type for `{key}`: expected {expected}, found {}", value.value.type_name()))
    }

    fn string<'v>(&self, key: &str, value: &'v Spanned<Node>) -> Result<&'v str, ConfigError> {
        match &value.value {
            Node::Str(s) => Ok(s),
            _ => Err(self.wrong_type(key, "a string", value)),
        }
    }

    fn boolean(&self, key: &str, value: &Spanned<Node>) -> Result<bool, ConfigError> {
        match value.value {
            Node::Bool(b) => Ok(b),
            _ => Err(self.wrong_type(key, "a boolean", value)),
        }
    }

    fn mapping<'v>(&self, key: &str, value: &'v Spanned<Node>) -> Result<&'v [Entry], ConfigError> {
        match &value.value {
            Node::Map(entries) => Ok(entries),
            Node::Null => Ok(&[]),
            _ => Err(self.wrong_type(key, "a mapping", value)),
        }
    }

    /// A list of strings; a lone string is taken as a one-element list.
    fn strings<'v>(&self, key: &str, value: &'v Spanned<Node>) -> Result<Vec<Spanned<&'v str>>, ConfigError> {
        let items: &[Spanned<Node>] = match &value.value {
            Node::Seq(items) => items,
            Node::Null => &[],
            Node::Str(s) => return Ok(vec![Spanned::new(s.as_str(), value.referenced, value.defined)]),
            _ => return Err(self.wrong_type(key, "a list of strings", value)),
        };
        items
            .iter()
            .map(|item| match &item.value {
                Node::Str(s) => Ok(Spanned::new(s.as_str(), item.referenced, item.defined)),
                other => Err(self
                    .error(item, format!("invalid type in `{key}`: expected a string, found {}", other.type_name()))),
            })
            .collect()
    }

    fn code(&self, key: &str, code: Spanned<&str>) -> Result<Code, ConfigError> {
        let text = code.value.trim();
        if let Some(rule) = find_rule(text) {
            Ok(Code::Rule(rule.meta.name))
        } else if is_code(text, "SC") {
            Ok(Code::ShellCheck(text.to_ascii_uppercase()))
        } else if is_code(text, "DL") {
            Ok(Code::UnknownDl)
        } else {
            Err(self
                .error(&code, format!("unknown rule code `{text}` in `{key}`; expected a `DLxxxx` or `SCxxxx` code")))
        }
    }
}

/// A YAML value with the location of every node.
#[derive(Debug)]
enum Node {
    Null,
    Bool(bool),
    /// A number, kept as written (approximately) for messages.
    Number(String),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<Entry>),
}

/// A mapping entry: key and value.
type Entry = (Spanned<Node>, Spanned<Node>);

impl Node {
    fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// Scalars as written; collections by their type.
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Null => f.write_str("null"),
            Node::Bool(b) => write!(f, "{b}"),
            Node::Number(n) => f.write_str(n),
            Node::Str(s) => f.write_str(s),
            Node::Seq(_) => f.write_str("<list>"),
            Node::Map(_) => f.write_str("<mapping>"),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_i128<E>(self, n: i128) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_u128<E>(self, n: u128) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Node::Number(n.to_string()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::Str(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::Str(s))
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(bytes).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
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
        assert!(e.starts_with("2:1: unknown key `ignore`; expected one of `ignored`, `override`"), "{e}");
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

    #[test]
    fn yaml_syntax_error_has_a_position() {
        let e = error("ignored: [DL3006\n");
        assert!(e.starts_with("1:10: invalid YAML: "), "{e}");
        let e = error("verbose: true\nverbose: false\n");
        assert!(e.starts_with("2:1: invalid YAML: duplicate"), "{e}");
    }
}
