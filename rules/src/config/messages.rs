//! The wording of the errors that config loaders derive from serde's, so
//! that `dockside.toml`, a rule's options and `.hadolint.yaml` say the same
//! thing the same way. Each loader finds the key's path and names the types
//! in its format's words (a TOML "array", a YAML "list"); these helpers only
//! put the pieces together.

use super::backticked;

/// A value of the wrong type: "invalid type for `key`: expected …, found …",
/// with "in" instead of "for" when the value is an item of the list at `key`.
/// `expected` and `found` carry their article ("a string").
pub(super) fn invalid_type(key: &str, item: bool, expected: &str, found: &str) -> String {
    let preposition = if item { "in" } else { "for" };
    format!("invalid type {preposition} `{key}`: expected {expected}, found {found}")
}

/// A key the table or mapping at `parent` (empty at the top level) does not
/// take; `expected` says what it does take ([`expected_keys`]).
pub(super) fn unknown_key(key: &str, parent: &str, expected: &str) -> String {
    // The expected keys are the backticked words of `expected`.
    let keys = expected.split('`').skip(1).step_by(2);
    let hint = crate::spelling::did_you_mean(key, keys).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
    if parent.is_empty() {
        format!("unknown key `{key}`{hint}; {expected}")
    } else {
        format!("unknown key `{key}` in `{parent}`{hint}; {expected}")
    }
}

/// The keys a table or mapping takes, worded as serde words them (so that a
/// loader that only has serde's text says the same): "expected `a`",
/// "expected `a` or `b`", "expected one of `a`, `b`, `c`".
pub(super) fn expected_keys(keys: &[&str]) -> String {
    match keys {
        [] => "there are no fields".to_string(),
        [one] => format!("expected `{one}`"),
        [a, b] => format!("expected `{a}` or `{b}`"),
        _ => format!("expected one of {}", backticked(keys)),
    }
}

/// A `Deserialize` impl through a visitor that says what it expects in the
/// words of the config messages (both loaders use it) (serde's own say "a sequence", "i64").
macro_rules! deserialize_via {
    ($type:ident, $expecting:literal, $deserialize:ident, { $($visit:item)* }) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TypeVisitor;
                impl<'de> Visitor<'de> for TypeVisitor {
                    type Value = $type;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    $($visit)*
                }
                deserializer.$deserialize(TypeVisitor)
            }
        }
    };
}
pub(super) use deserialize_via;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(
            invalid_type("a.b", false, "a boolean", "a string"),
            "invalid type for `a.b`: expected a boolean, found a string"
        );
        assert_eq!(
            invalid_type("a", true, "a string", "a number"),
            "invalid type in `a`: expected a string, found a number"
        );
        assert_eq!(unknown_key("x", "", "expected `y`"), "unknown key `x`; expected `y`");
        assert_eq!(unknown_key("x", "p.q", "expected `y`"), "unknown key `x` in `p.q`; expected `y`");
        assert_eq!(expected_keys(&["a"]), "expected `a`");
        assert_eq!(expected_keys(&["a", "b"]), "expected `a` or `b`");
        assert_eq!(expected_keys(&["a", "b", "c"]), "expected one of `a`, `b`, `c`");
    }

    /// serde's own text for a struct's unknown field, which the TOML loader
    /// passes on, matches [`expected_keys`].
    #[test]
    fn expected_keys_words_them_as_serde_does() {
        use serde::de::Error as _;
        for keys in [&["a"][..], &["a", "b"], &["a", "b", "c"], &[]] {
            let keys: &'static [&'static str] = Box::leak(keys.to_vec().into_boxed_slice());
            let serde = serde::de::value::Error::unknown_field("x", keys).to_string();
            assert_eq!(serde, format!("unknown field `x`, {}", expected_keys(keys)));
        }
    }
}
