//! The build context a Dockerfile is built with: its `.dockerignore` and the
//! few top-level entries context rules care about.
//!
//! Front-ends load it from disk with [`BuildContext::load`] and hand it to the
//! engine through [`crate::Settings::set_build_context`]; rules only read the
//! loaded value. Without one (standard input), the context rules stay silent.
//!
//! Matching follows Docker's `.dockerignore` semantics: one pattern per line,
//! `#` comments, blank lines skipped, a leading `!` re-includes, patterns are
//! cleaned like Go's `filepath.Clean` with a leading `/` dropped, `*` and `?`
//! do not cross `/`, `**` spans any number of directories, `[...]` classes
//! and `\` escapes work as in Go's `filepath.Match`; the last matching
//! pattern wins, and a pattern also matches everything below a directory it
//! matches.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level context entries whose presence context rules ask about.
pub const WATCHED_ENTRIES: [&str; 4] = [".git", "node_modules", ".env", "package.json"];

/// The build context of one Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildContext {
    /// The context directory.
    pub dir: PathBuf,
    /// The ignore file in effect, `None` when there is none.
    pub dockerignore: Option<Dockerignore>,
    /// Which of [`WATCHED_ENTRIES`] exist in the context directory.
    pub present: BTreeSet<String>,
    /// A `.dockerignore` exists in a parent directory (up to the repository
    /// root): the real context may be that directory (`docker build -f
    /// sub/Dockerfile .`), so rules should not assume there is none.
    pub ignore_file_above: bool,
}

impl BuildContext {
    /// The context of the Dockerfile at `dockerfile`: its directory, with
    /// `<Dockerfile name>.dockerignore` next to it preferred over the
    /// context's `.dockerignore` (as BuildKit does).
    pub fn load(dockerfile: &Path) -> BuildContext {
        let absolute = std::path::absolute(dockerfile).unwrap_or_else(|_| dockerfile.to_path_buf());
        let dir = absolute.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut context = BuildContext::load_with_dir(&absolute, &dir);
        if context.dockerignore.is_none() {
            context.ignore_file_above = ignore_file_above(&dir);
        }
        context
    }

    /// The context `dir` for the Dockerfile at `dockerfile`.
    pub fn load_with_dir(dockerfile: &Path, dir: &Path) -> BuildContext {
        let specific = dockerfile.file_name().map(|name| {
            let mut name = name.to_os_string();
            name.push(".dockerignore");
            dockerfile.with_file_name(name)
        });
        let candidates = specific.into_iter().chain(std::iter::once(dir.join(".dockerignore")));
        let dockerignore = candidates
            .filter(|p| p.is_file())
            .find_map(|p| std::fs::read_to_string(&p).ok().map(|text| Dockerignore::parse(&text, Some(p))));
        let present = WATCHED_ENTRIES.iter().filter(|e| dir.join(e).exists()).map(|e| e.to_string()).collect();
        BuildContext { dir: dir.to_path_buf(), dockerignore, present, ignore_file_above: false }
    }

    /// True when the ignore file excludes `path` (relative to the context).
    pub fn is_ignored(&self, path: &str) -> bool {
        self.dockerignore.as_ref().is_some_and(|d| d.matches(path))
    }

    pub fn has_entry(&self, name: &str) -> bool {
        self.present.contains(name)
    }
}

/// Is there a `.dockerignore` in a parent of `dir`, up to the repository
/// root (the first directory holding `.git`)?
fn ignore_file_above(dir: &Path) -> bool {
    if dir.join(".git").exists() {
        return false;
    }
    for parent in dir.ancestors().skip(1) {
        if parent.join(".dockerignore").is_file() {
            return true;
        }
        if parent.join(".git").exists() {
            return false;
        }
    }
    false
}

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerignore {
    pub path: Option<PathBuf>,
    pub patterns: Vec<IgnorePattern>,
}

/// One line of a `.dockerignore`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePattern {
    /// The cleaned pattern (without `!`).
    pub text: String,
    /// `!pattern`: re-include what earlier patterns excluded.
    pub exclusion: bool,
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters except `/`.
    Star,
    /// `?`: one character except `/`.
    Any,
    /// `[...]`: ranges, possibly negated with `^`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// `**` followed by more pattern: zero or more whole directories.
    Dirs,
    /// `**` at the end: anything.
    Rest,
}

impl Dockerignore {
    pub fn parse(text: &str, path: Option<PathBuf>) -> Dockerignore {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let patterns = text.lines().filter_map(IgnorePattern::parse).collect();
        Dockerignore { path, patterns }
    }

    /// Docker's verdict for `path` (relative to the context, `/`-separated):
    /// the last pattern that matches it or one of its parent directories wins.
    pub fn matches(&self, path: &str) -> bool {
        let path = clean(path);
        let parts: Vec<&str> = path.split('/').collect();
        let mut ignored = false;
        for p in &self.patterns {
            // The path itself or any of its parent directories.
            let hit = p.matches_exactly(&path) || (1..parts.len()).any(|n| p.matches_exactly(&parts[..n].join("/")));
            if hit {
                ignored = !p.exclusion;
            }
        }
        ignored
    }
}

impl Dockerignore {
    /// True when a `!` pattern may re-include something below `path`, so
    /// that copying the directory `path` still copies files (`dir` then
    /// `!dir/keep`). Patterns with wildcards count, as they might.
    pub fn may_reinclude_below(&self, path: &str) -> bool {
        let prefix = format!("{}/", clean(path));
        self.patterns
            .iter()
            .filter(|p| p.exclusion)
            .any(|p| p.text.starts_with(&prefix) || p.text.contains(['*', '?', '[']))
    }
}

impl IgnorePattern {
    /// One line; `None` for blank lines and comments.
    pub fn parse(line: &str) -> Option<IgnorePattern> {
        // Only a `#` in the first column starts a comment.
        if line.starts_with('#') {
            return None;
        }
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        let (exclusion, rest) = match line.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        let mut text = clean(rest);
        if text.len() > 1 && text.starts_with('/') {
            text.remove(0);
        }
        let tokens = compile(&text);
        Some(IgnorePattern { text, exclusion, tokens })
    }

    fn matches_exactly(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        let mut failed = BTreeSet::new();
        match_at(&self.tokens, 0, &chars, 0, &mut failed)
    }
}

fn compile(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i >= chars.len() { Token::Rest } else { Token::Dirs });
                continue;
            }
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::Any),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                tokens.push(Token::Char(chars[i]));
            }
            '[' => match compile_class(&chars[i + 1..]) {
                Some((token, used)) => {
                    tokens.push(token);
                    i += used + 1;
                    continue;
                }
                None => tokens.push(Token::Char('[')),
            },
            c => tokens.push(Token::Char(c)),
        }
        i += 1;
    }
    tokens
}

/// A character class after its `[`; the token and the characters used
/// (the closing `]` included). `None` when it is not closed.
fn compile_class(chars: &[char]) -> Option<(Token, usize)> {
    let mut i = 0;
    let negated = chars.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
            let mut hi = chars[i + 1];
            i += 2;
            if hi == '\\' {
                hi = *chars.get(i)?;
                i += 1;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
}

/// Does `tokens[t..]` match `path[p..]` entirely? `failed` memoizes dead ends.
fn match_at(tokens: &[Token], t: usize, path: &[char], p: usize, failed: &mut BTreeSet<(usize, usize)>) -> bool {
    if failed.contains(&(t, p)) {
        return false;
    }
    let result = match tokens.get(t) {
        None => p == path.len(),
        Some(Token::Rest) => true,
        Some(Token::Char(c)) => path.get(p) == Some(c) && match_at(tokens, t + 1, path, p + 1, failed),
        Some(Token::Any) => path.get(p).is_some_and(|c| *c != '/') && match_at(tokens, t + 1, path, p + 1, failed),
        Some(Token::Class { negated, ranges }) => {
            path.get(p).is_some_and(|c| {
                let inside = ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
                *c != '/' && inside != *negated
            }) && match_at(tokens, t + 1, path, p + 1, failed)
        }
        Some(Token::Star) => {
            let mut q = p;
            loop {
                if match_at(tokens, t + 1, path, q, failed) {
                    break true;
                }
                if q >= path.len() || path[q] == '/' {
                    break false;
                }
                q += 1;
            }
        }
        // `(.*/)?`: nothing, or anything up to and including a `/`.
        Some(Token::Dirs) => {
            match_at(tokens, t + 1, path, p, failed)
                || (p..path.len()).any(|q| path[q] == '/' && match_at(tokens, t + 1, path, q + 1, failed))
        }
    };
    if !result {
        failed.insert((t, p));
    }
    result
}

/// A COPY source as a path inside the context: cleaned, without a leading
/// `/` (sources are relative to the context root either way); `.` for the
/// whole context.
pub fn build_context_path(source: &str) -> String {
    let cleaned = clean(source);
    let relative = cleaned.trim_start_matches('/');
    if relative.is_empty() { ".".to_string() } else { relative.to_string() }
}

/// Go's `filepath.Clean` on a `/`-separated path: no empty or `.` segments,
/// `..` resolved where possible; `.` for nothing.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Dockerignore {
        Dockerignore::parse(text, None)
    }

    #[test]
    fn plain_names_match_themselves_and_everything_below() {
        let d = ignore(".git\nnode_modules\n");
        assert!(d.matches(".git"));
        assert!(d.matches(".git/HEAD"));
        assert!(d.matches("node_modules/a/b.js"));
        assert!(!d.matches("src/node_modules"));
        assert!(!d.matches(".gitignore"));
        assert!(!d.matches("src"));
    }

    #[test]
    fn stars_stay_within_a_segment() {
        let d = ignore("*.md\n");
        assert!(d.matches("README.md"));
        assert!(!d.matches("docs/README.md"));
        let d = ignore("*/*.md\n");
        assert!(d.matches("docs/README.md"));
        assert!(!d.matches("a/b/README.md"));
        let d = ignore("file?.txt\n");
        assert!(d.matches("file1.txt"));
        assert!(!d.matches("file10.txt"));
        assert!(!d.matches("file/.txt"));
    }

    #[test]
    fn double_stars_span_directories() {
        let d = ignore("**/*.go\n");
        assert!(d.matches("main.go"));
        assert!(d.matches("a/b/c.go"));
        assert!(!d.matches("a/b/c.rs"));
        let d = ignore("docs/**\n");
        assert!(d.matches("docs/a/b"));
        assert!(d.matches("docs/x"));
        let d = ignore("a/**/b\n");
        assert!(d.matches("a/b"));
        assert!(d.matches("a/x/y/b"));
        assert!(!d.matches("a/xb"));
        let d = ignore("**\n!keep\n");
        assert!(d.matches("anything/at/all"));
        assert!(!d.matches("keep"));
    }

    #[test]
    fn exclusions_and_order() {
        let d = ignore("*\n!src\n!package.json\n");
        assert!(d.matches("README.md"));
        assert!(!d.matches("src"));
        assert!(!d.matches("src/main.rs"));
        assert!(!d.matches("package.json"));
        // The last matching pattern wins.
        let d = ignore("!src\n*\n");
        assert!(d.matches("src"));
        let d = ignore("*.md\n!README.md\n");
        assert!(!d.matches("README.md"));
        assert!(d.matches("CHANGES.md"));
    }

    #[test]
    fn cleaning_comments_and_leading_slash() {
        let d = ignore("\u{FEFF}# a comment\n\n  /build/  \n./dist\n! tmp\n");
        assert_eq!(d.patterns.len(), 3);
        assert_eq!(d.patterns[0].text, "build");
        assert_eq!(d.patterns[1].text, "dist");
        assert!(d.patterns[2].exclusion);
        assert!(d.matches("build/out.o"));
        assert!(d.matches("./dist/app.js"));
        assert!(!d.matches("# a comment"));
    }

    #[test]
    fn classes_and_escapes() {
        let d = ignore("[a-c].txt\n[^x]y\n\\*z\n");
        assert!(d.matches("b.txt"));
        assert!(!d.matches("d.txt"));
        assert!(d.matches("ay"));
        assert!(!d.matches("xy"));
        assert!(d.matches("*z"));
        assert!(!d.matches("az"));
        // An unclosed class is a literal `[`.
        let d = ignore("[abc\n");
        assert!(d.matches("[abc"));
    }

    #[test]
    fn clean_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("."), ".");
        assert_eq!(clean("/"), "/");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("/../x"), "/x");
    }

    #[test]
    fn pathological_patterns_finish() {
        let d = ignore(&"*a".repeat(30));
        assert!(!d.matches(&"a".repeat(29)));
    }

    #[test]
    fn loads_the_dockerfile_specific_ignore_file_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".dockerignore"), "general\n").expect("write");
        std::fs::write(dir.path().join("app.Dockerfile.dockerignore"), "specific\n").expect("write");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        let ctx = BuildContext::load(&dir.path().join("app.Dockerfile"));
        assert!(ctx.is_ignored("specific"));
        assert!(!ctx.is_ignored("general"));
        assert!(ctx.has_entry(".git"));
        assert!(!ctx.has_entry("node_modules"));
        let ctx = BuildContext::load(&dir.path().join("Dockerfile"));
        assert!(ctx.is_ignored("general"));
        let empty = tempfile::tempdir().expect("tempdir");
        assert_eq!(BuildContext::load(&empty.path().join("Dockerfile")).dockerignore, None);
        // A subdirectory of a repository whose root has the ignore file.
        std::fs::create_dir_all(dir.path().join("docker/app")).expect("mkdir");
        let sub = BuildContext::load(&dir.path().join("docker/app/Dockerfile"));
        assert_eq!(sub.dockerignore, None);
        assert!(sub.ignore_file_above);
        assert!(!BuildContext::load(&empty.path().join("Dockerfile")).ignore_file_above);
    }

    #[test]
    fn the_config_names_the_context_relative_to_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("ctx")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("conf")).expect("mkdir");
        std::fs::write(dir.path().join("ctx/.dockerignore"), "secret\n").expect("write");
        let config = dir.path().join("conf/dockside.toml");
        let settings = crate::config::parse_toml("build-context = \"../ctx\"\n", &config).expect("config");
        assert_eq!(settings.build_context_dir(), Some(dir.path().join("conf/../ctx").as_path()));
        let settings = settings.for_dockerfile(&dir.path().join("docker/Dockerfile"));
        assert!(settings.build_context().is_some_and(|c| c.is_ignored("secret/key")));
        assert!(crate::config::parse_toml("build-context = 1\n", &config).is_err());
    }

    #[test]
    fn exceptions_below_a_directory() {
        let d = ignore("docs\n!docs/keep.md\n");
        assert!(d.matches("docs"));
        assert!(d.may_reinclude_below("docs"));
        assert!(d.may_reinclude_below("./docs/"));
        assert!(!d.may_reinclude_below("docs/other.md"));
        assert!(ignore("build\n!**/*.keep\n").may_reinclude_below("build"));
        assert!(!ignore("build\n").may_reinclude_below("build"));
    }
}
