//! Suppression comments: `# dockside ignore=…`, `# dockside global ignore=…`,
//! hadolint's `# hadolint [global] ignore=…` and BuildKit's `# check=skip=…`.

use crate::diagnostic::{Diagnostic, TextRange};
use crate::registry::RuleMeta;

use super::Document;

/// A parsed ignore comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// The comment's range.
    pub range: TextRange,
    /// Rule names or aliases, as written.
    pub rules: Vec<(String, TextRange)>,
    pub global: bool,
    /// The instruction it applies to (for non-global pragmas).
    pub instruction: Option<TextRange>,
}

#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    pub pragmas: Vec<Pragma>,
    /// Names from `# check=skip=…` (`all` skips every BuildKit check).
    pub check_skip: Vec<String>,
    /// `# check=error=true`: BuildKit checks fail the build.
    pub checks_are_errors: bool,
}

impl Suppressions {
    /// True when the whole file opts out of `rule`.
    pub fn skips_file(&self, rule: &RuleMeta) -> bool {
        let buildkit_names: Vec<&str> =
            rule.aliases.iter().copied().filter(|a| crate::engine::is_buildkit_check_name(a)).collect();
        let skipped_by_check = !buildkit_names.is_empty()
            && self.check_skip.iter().any(|s| s.eq_ignore_ascii_case("all") || rule.answers_to(s));
        skipped_by_check || self.pragmas.iter().any(|p| p.global && p.rules.iter().any(|(n, _)| rule.answers_to(n)))
    }

    /// True when a pragma on the diagnostic's instruction names its rule.
    pub fn suppresses(&self, doc: &Document, d: &Diagnostic) -> bool {
        if self.skips_file(d.rule) {
            return true;
        }
        let Some(instruction) = doc.instruction_at(d.range.start) else { return false };
        self.pragmas.iter().any(|p| {
            !p.global && p.instruction == Some(instruction.range) && p.rules.iter().any(|(n, _)| d.rule.answers_to(n))
        })
    }
}

/// Parse one comment's text (starting with `#`). `None` if it is no pragma.
pub(crate) fn parse_pragma(comment: &str, start: usize) -> Option<Pragma> {
    let body = comment.strip_prefix('#')?;
    let lead = comment.len() - body.trim_start().len();
    let body = body.trim_start();
    let (tool, rest) = body.split_once(char::is_whitespace)?;
    if !tool.eq_ignore_ascii_case("dockside") && !tool.eq_ignore_ascii_case("hadolint") {
        return None;
    }
    let rest_offset = comment.len() - rest.len();
    let trimmed = rest.trim_start();
    let (global, after) = match trimmed.strip_prefix("global") {
        Some(a) if a.starts_with(char::is_whitespace) => (true, a.trim_start()),
        _ => (false, trimmed),
    };
    let after = after.strip_prefix("ignore")?.trim_start().strip_prefix('=')?;
    let list_offset = comment.len() - after.len();
    let _ = (lead, rest_offset);
    let mut rules = Vec::new();
    let mut pos = list_offset;
    let list = after.trim_start();
    pos += after.len() - list.len();
    // Names are separated by commas, with optional blanks around them
    // (`DL3008, DL3015`); the list ends at a blank not next to a comma, so a
    // trailing note is allowed.
    let bytes = list.as_bytes();
    let mut i = 0;
    loop {
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b',' {
            i += 1;
        }
        if i > name_start {
            let name = &list[name_start..i];
            rules.push((name.to_string(), TextRange::new(start + pos + name_start, start + pos + i)));
        }
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() && bytes[j] != b'\n' {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b',' {
            i = j + 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        break;
    }
    if rules.is_empty() {
        return None;
    }
    Some(Pragma { range: TextRange::new(start, start + comment.trim_end().len()), rules, global, instruction: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pragmas() {
        let p = parse_pragma("# hadolint ignore=DL3008,DL3009", 10).unwrap();
        assert!(!p.global);
        assert_eq!(p.rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["DL3008", "DL3009"]);
        assert_eq!(p.rules[1].1, TextRange::new(10 + 25, 10 + 31));
        let p = parse_pragma("#dockside global ignore=untagged-base-image because reasons", 0).unwrap();
        assert!(p.global);
        assert_eq!(p.rules.len(), 1);
        assert!(parse_pragma("# just a comment", 0).is_none());
        let p = parse_pragma("# hadolint ignore=DL3014, DL3015 ,DL3008 because", 0).unwrap();
        assert_eq!(p.rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["DL3014", "DL3015", "DL3008"]);
        assert_eq!(p.rules[1].1, TextRange::new(26, 32));
        assert!(parse_pragma("# hadolint ignore=", 0).is_none());
    }
}
