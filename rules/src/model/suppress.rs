//! Pragma comments: `# dockside ignore=…`, `# dockside stage ignore=…`,
//! `# dockside global ignore=…`, hadolint's `# hadolint [stage|global]
//! ignore=…`, BuildKit's `# check=skip=…`, and the shell pragma
//! `# hadolint shell=…` (`# dockside shell=…`).

use crate::diagnostic::{Diagnostic, TextRange};
use crate::rule_meta::RuleMeta;

use super::Document;

/// A parsed ignore comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// The comment's range.
    pub range: TextRange,
    /// Rule names or aliases, as written.
    pub rules: Vec<(String, TextRange)>,
    pub scope: PragmaScope,
    /// The instruction it stands above (for instruction and stage pragmas;
    /// `None` when a blank line separates it from the next one: it covers
    /// nothing).
    pub instruction: Option<TextRange>,
}

/// What an ignore pragma covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PragmaScope {
    /// `ignore=…`: the instruction right below.
    Instruction,
    /// `stage ignore=…`: the instruction below and the rest of its stage
    /// (above a FROM: the whole stage).
    Stage,
    /// `global ignore=…`: the whole file, wherever it stands.
    Global,
}

/// One name in an ignore pragma or `# check=skip=`, as
/// [`Suppressions::suppressors`] reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Suppressor {
    /// The `name`th name of the `pragma`th pragma of [`Suppressions::pragmas`].
    Pragma { pragma: usize, name: usize },
    /// A `# check=skip=` name, lower-cased (`all` for every check).
    CheckSkip(String),
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
    /// True when the whole file opts out of `rule`. With `ignore_pragmas`
    /// false (hadolint's `disable-ignore-pragma`) only BuildKit's
    /// `# check=skip=…` counts.
    pub fn skips_file(&self, rule: &RuleMeta, ignore_pragmas: bool) -> bool {
        let buildkit_names: Vec<&str> =
            rule.aliases.iter().copied().filter(|a| crate::rule_meta::is_buildkit_check_name(a)).collect();
        let skipped_by_check = !buildkit_names.is_empty()
            && self.check_skip.iter().any(|s| s.eq_ignore_ascii_case("all") || rule.answers_to(s));
        skipped_by_check
            || (ignore_pragmas
                && self
                    .pragmas
                    .iter()
                    .any(|p| p.scope == PragmaScope::Global && p.rules.iter().any(|(n, _)| rule.answers_to(n))))
    }

    /// What suppresses `d`: each ignore-pragma name and `# check=skip=`
    /// name that covers it (empty when nothing does). `unused-suppression`
    /// reports the names that never appear here.
    pub fn suppressors(&self, doc: &Document, d: &Diagnostic, ignore_pragmas: bool) -> Vec<Suppressor> {
        let mut out = Vec::new();
        if self.check_skip.is_empty() && (self.pragmas.is_empty() || !ignore_pragmas) {
            return out;
        }
        let rule = d.rule;
        if rule.aliases.iter().any(|a| crate::rule_meta::is_buildkit_check_name(a)) {
            for name in &self.check_skip {
                if name.eq_ignore_ascii_case("all") || rule.answers_to(name) {
                    out.push(Suppressor::CheckSkip(name.to_ascii_lowercase()));
                }
            }
        }
        if !ignore_pragmas {
            return out;
        }
        let instruction = doc.instruction_at(d.range.start);
        for (i, p) in self.pragmas.iter().enumerate() {
            let covers = match p.scope {
                PragmaScope::Global => true,
                PragmaScope::Instruction => instruction.is_some_and(|ins| p.instruction == Some(ins.range)),
                PragmaScope::Stage => instruction.is_some_and(|instruction| {
                    p.instruction.and_then(|r| doc.instruction_at(r.start)).is_some_and(|first| {
                        first.stage.is_some() && first.stage == instruction.stage && first.index <= instruction.index
                    })
                }),
            };
            if covers {
                for (j, (name, _)) in p.rules.iter().enumerate() {
                    if rule.answers_to(name) {
                        out.push(Suppressor::Pragma { pragma: i, name: j });
                    }
                }
            }
        }
        out
    }

    /// True when the file skips the diagnostic's rule or a pragma covering
    /// its instruction names it. With `ignore_pragmas` false (hadolint's
    /// `disable-ignore-pragma`) no ignore pragma counts.
    pub fn suppresses(&self, doc: &Document, d: &Diagnostic, ignore_pragmas: bool) -> bool {
        if self.skips_file(d.rule, ignore_pragmas) {
            return true;
        }
        if !ignore_pragmas {
            return false;
        }
        let Some(instruction) = doc.instruction_at(d.range.start) else { return false };
        self.pragmas.iter().any(|p| {
            let covers = match p.scope {
                PragmaScope::Global => false,
                PragmaScope::Instruction => p.instruction == Some(instruction.range),
                // From the instruction below the pragma to the end of its stage.
                PragmaScope::Stage => p.instruction.and_then(|r| doc.instruction_at(r.start)).is_some_and(|first| {
                    first.stage.is_some() && first.stage == instruction.stage && first.index <= instruction.index
                }),
            };
            covers && p.rules.iter().any(|(n, _)| d.rule.answers_to(n))
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
    let (scope, after) = match ["global", "stage"].map(|w| trimmed.strip_prefix(w)) {
        [Some(a), _] if a.starts_with(char::is_whitespace) => (PragmaScope::Global, a.trim_start()),
        [_, Some(a)] if a.starts_with(char::is_whitespace) => (PragmaScope::Stage, a.trim_start()),
        _ => (PragmaScope::Instruction, trimmed),
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
    Some(Pragma { range: TextRange::new(start, start + comment.trim_end().len()), rules, scope, instruction: None })
}

/// Parse a shell pragma (`# hadolint shell=powershell`, `# dockside
/// shell=bash`): the shell the following RUN instructions run in. `None`
/// if the comment is no shell pragma. Blanks may surround `=`, the name may
/// be quoted, and a note may follow it.
pub(crate) fn parse_shell_pragma(comment: &str) -> Option<String> {
    let body = comment.strip_prefix('#')?.trim_start();
    let (tool, rest) = body.split_once(char::is_whitespace)?;
    if !tool.eq_ignore_ascii_case("dockside") && !tool.eq_ignore_ascii_case("hadolint") {
        return None;
    }
    let value = rest.trim_start().strip_prefix("shell")?.trim_start().strip_prefix('=')?.trim_start();
    let name = value.split(char::is_whitespace).next()?.trim_matches(['"', '\'']);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pragmas() {
        let p = parse_pragma("# hadolint ignore=DL3008,DL3009", 10).unwrap();
        assert_eq!(p.scope, PragmaScope::Instruction);
        assert_eq!(p.rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["DL3008", "DL3009"]);
        assert_eq!(p.rules[1].1, TextRange::new(10 + 25, 10 + 31));
        let p = parse_pragma("#dockside global ignore=untagged-base-image because reasons", 0).unwrap();
        assert_eq!(p.scope, PragmaScope::Global);
        assert_eq!(p.rules.len(), 1);
        assert!(parse_pragma("# just a comment", 0).is_none());
        let p = parse_pragma("# hadolint ignore=DL3014, DL3015 ,DL3008 because", 0).unwrap();
        assert_eq!(p.rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["DL3014", "DL3015", "DL3008"]);
        assert_eq!(p.rules[1].1, TextRange::new(26, 32));
        assert!(parse_pragma("# hadolint ignore=", 0).is_none());
    }

    #[test]
    fn parses_stage_pragmas() {
        let p = parse_pragma("# hadolint stage ignore=DL3008, DL3015", 0).unwrap();
        assert_eq!(p.scope, PragmaScope::Stage);
        assert_eq!(p.rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["DL3008", "DL3015"]);
        assert_eq!(p.rules[0].1, TextRange::new(24, 30));
        let p = parse_pragma("#dockside stage  ignore = apt-get-missing-yes", 0).unwrap();
        assert_eq!(p.scope, PragmaScope::Stage);
        assert_eq!(p.rules[0].0, "apt-get-missing-yes");
        // `stage` must be a word of its own.
        assert!(parse_pragma("# hadolint stageignore=DL3008", 0).is_none());
        assert!(parse_pragma("# hadolint stage=DL3008", 0).is_none());
    }

    #[test]
    fn parses_shell_pragmas() {
        assert_eq!(parse_shell_pragma("# hadolint shell=powershell").as_deref(), Some("powershell"));
        assert_eq!(parse_shell_pragma("#hadolint shell = pwsh").as_deref(), Some("pwsh"));
        assert_eq!(parse_shell_pragma("# dockside shell=\"cmd\" (Windows)").as_deref(), Some("cmd"));
        assert_eq!(parse_shell_pragma("# Hadolint shell=/bin/bash").as_deref(), Some("/bin/bash"));
        assert!(parse_shell_pragma("# hadolint shell=").is_none());
        assert!(parse_shell_pragma("# hadolint ignore=DL3008").is_none());
        assert!(parse_shell_pragma("# the shell=bash").is_none());
        assert!(parse_pragma("# hadolint shell=powershell", 0).is_none());
    }
}
