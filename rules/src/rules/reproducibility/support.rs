//! Helpers shared by the version-pin rules: read a package manager's command
//! line (options, the values they take, subcommand words and operands) and
//! find the operands that name a package without a version.

use crate::model::{Document, Instruction, InstructionKind, LocalValue, Scope, ShellArg};
use crate::rule::Context;

/// How a tool reads its command line: which options take a value.
pub(super) struct Cli {
    /// Short options that take a value (`-t x` or `-tx`).
    pub short: &'static [char],
    /// Long options, without the dashes, that take a value (`--virtual x`
    /// or `--virtual=x`).
    pub long: &'static [&'static str],
    /// Go's style: every option is a single word after one or two dashes
    /// (`-ldflags x`), never a cluster of short letters.
    pub single_word: bool,
    /// For a tool that accepts a unique prefix of a long option (pip), the
    /// full name a written one stands for.
    pub long_prefixes: Option<fn(&str) -> Option<&'static str>>,
}

/// An option as written, without its dashes (`t`, `virtual`).
#[derive(Debug)]
pub(super) struct Opt<'a> {
    pub name: &'a str,
    pub value: Option<&'a str>,
}

/// A command line split into options and operands.
#[derive(Debug)]
pub(super) struct CommandLine<'a> {
    pub options: Vec<Opt<'a>>,
    /// The words that are neither options nor option values, in order.
    pub operands: Vec<&'a ShellArg>,
    /// How many operands came before a `--` (all of them without one).
    pub before_dashes: usize,
}

impl Cli {
    pub(super) fn read<'a>(&self, args: &'a [ShellArg]) -> CommandLine<'a> {
        let mut line = CommandLine { options: Vec::new(), operands: Vec::new(), before_dashes: usize::MAX };
        let mut words = args.iter();
        while let Some(arg) = words.next() {
            let text = arg.text.as_str();
            if line.before_dashes != usize::MAX || text == "-" || !text.starts_with('-') {
                line.operands.push(arg);
            } else if text == "--" {
                line.before_dashes = line.operands.len();
            } else if self.single_word || text.starts_with("--") {
                let body = text.trim_start_matches('-');
                let (name, inline) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (body, None),
                };
                let name = match self.long_prefixes {
                    Some(full) if text.starts_with("--") => full(name).unwrap_or(name),
                    _ => name,
                };
                let takes_value = inline.is_none() && self.long.contains(&name);
                let value = if takes_value { words.next().map(|w| w.text.as_str()) } else { inline };
                line.options.push(Opt { name, value });
            } else {
                // A cluster of short options; a value-taking one ends it.
                let cluster = &text[1..];
                for (i, c) in cluster.char_indices() {
                    let name = &cluster[i..i + c.len_utf8()];
                    if self.short.contains(&c) {
                        let rest = &cluster[i + c.len_utf8()..];
                        let rest = rest.strip_prefix('=').unwrap_or(rest);
                        let value = if rest.is_empty() { words.next().map(|w| w.text.as_str()) } else { Some(rest) };
                        line.options.push(Opt { name, value });
                        break;
                    }
                    line.options.push(Opt { name, value: None });
                }
            }
        }
        line.before_dashes = line.before_dashes.min(line.operands.len());
        line
    }
}

impl<'a> CommandLine<'a> {
    /// The first option among `names` (short letters and long names alike).
    pub(super) fn option(&self, names: &[&str]) -> Option<&Opt<'a>> {
        self.options.iter().find(|o| names.contains(&o.name))
    }

    pub(super) fn has(&self, names: &[&str]) -> bool {
        self.option(names).is_some()
    }

    /// The operands after the subcommand words, when the command line starts
    /// with one of `subcommands` (`["install"]`, `["module", "install"]`).
    pub(super) fn after(&self, subcommands: &[&[&str]]) -> Option<&[&'a ShellArg]> {
        let leading = &self.operands[..self.before_dashes];
        subcommands.iter().find_map(|words| {
            let matches = leading.len() >= words.len() && leading.iter().zip(words.iter()).all(|(a, w)| a.text == *w);
            matches.then(|| &self.operands[words.len()..])
        })
    }
}

/// An operand that installs packages without a version.
pub(super) struct Unpinned<'a> {
    pub arg: &'a ShellArg,
    /// The unpinned packages: the operand itself, or the words of the
    /// ARG/ENV value it expands to.
    pub packages: Vec<String>,
    /// The operand is (or contains) a variable.
    pub from_variable: bool,
}

impl Unpinned<'_> {
    /// `curl` is installed without a version; pin it as `curl=<version>`.
    pub(super) fn message(&self, pin: &str) -> String {
        if self.from_variable {
            let list: Vec<String> = self.packages.iter().map(|p| format!("`{p}`")).collect();
            let each = if list.len() == 1 { "it" } else { "each" };
            format!(
                "`{}` installs {} without a version; pin {each} as `<package>{pin}`",
                self.arg.text,
                list.join(", ")
            )
        } else {
            let p = &self.packages[0];
            // `pkg@latest` names a moving tag: the hint replaces it.
            let name = match p.rfind('@') {
                Some(i) if i > 0 && pin.starts_with('@') => &p[..i],
                _ => p.as_str(),
            };
            format!("`{p}` is installed without a version; pin it as `{name}{pin}`")
        }
    }
}

/// The operands whose packages `pinned` rejects. An operand with a variable
/// is checked through the literal value the same script assigned it earlier
/// (`PKGS='gcc make' && apk add $PKGS`) or else its ARG/ENV value; when the
/// value is unknown at lint time (a command substitution, a loop variable,
/// an ARG without default), the operand is skipped.
pub(super) fn unpinned<'a>(
    ctx: &Context<'_>,
    ins: &Instruction,
    operands: impl IntoIterator<Item = &'a ShellArg>,
    pinned: impl Fn(&str) -> bool,
) -> Vec<Unpinned<'a>> {
    unpinned_split(ctx, ins, operands, pinned, &|value: &str| value.split_whitespace().collect())
}

/// [`unpinned`], with `split` saying which packages a variable's value
/// names (its words, for every tool but pip).
pub(super) fn unpinned_split<'a>(
    ctx: &Context<'_>,
    ins: &Instruction,
    operands: impl IntoIterator<Item = &'a ShellArg>,
    pinned: impl Fn(&str) -> bool,
    split: &dyn for<'v> Fn(&'v str) -> Vec<&'v str>,
) -> Vec<Unpinned<'a>> {
    let mut scope = None;
    let mut out = Vec::new();
    for arg in operands {
        let text = arg.text.as_str();
        // `:` or `{}` name no package (a typo, an `xargs -I` slot).
        if !text.contains(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        if !text.contains(['$', '`']) {
            if !pinned(text) {
                out.push(Unpinned { arg, packages: vec![text.to_string()], from_variable: false });
            }
            continue;
        }
        // Variables the script set first, then those of ARG/ENV.
        let local = match &arg.local {
            LocalValue::Unknown => continue,
            LocalValue::Text(value) => value.as_str(),
            LocalValue::None => text,
        };
        let value = if local.contains(['$', '`']) {
            let scope = scope.get_or_insert_with(|| Scope::at(ctx.doc, ins.index));
            let Some(value) = expand(local, scope, &|name| declared_elsewhere(ctx.doc, name)) else { continue };
            value
        } else {
            local.to_string()
        };
        let packages: Vec<String> =
            split(&value).into_iter().filter(|p| !p.starts_with('-') && !pinned(p)).map(str::to_string).collect();
        if !packages.is_empty() {
            out.push(Unpinned { arg, packages, from_variable: true });
        }
    }
    out
}

/// Report the unpinned operands of one install command with the rule's
/// version syntax (`=<version>`): one finding per command, spanning its
/// unpinned operands, with a related location per operand.
pub(super) fn report(ctx: &mut Context<'_>, found: Vec<Unpinned<'_>>, pin: &str) {
    let [first, .., last] = found.as_slice() else {
        if let Some(u) = found.first() {
            ctx.report(u.arg.range, u.message(pin));
        }
        return;
    };
    let range = first.arg.range.cover(last.arg.range);
    let names: Vec<String> = found.iter().map(|u| format!("`{}`", u.arg.text)).collect();
    let message = format!(
        "{} packages are installed without a version: {}; pin each as `<package>{pin}`",
        found.len(),
        names.join(", ")
    );
    let diagnostic = ctx.report(range, message);
    for u in &found {
        let what = if u.from_variable {
            let list: Vec<String> = u.packages.iter().map(|p| format!("`{p}`")).collect();
            format!("`{}` installs {} without a version", u.arg.text, list.join(", "))
        } else {
            format!("`{}` has no version", u.arg.text)
        };
        diagnostic.with_related(u.arg.range, what);
    }
}

/// True when an ARG or ENV somewhere in the file declares `name`: where
/// it is out of scope (another stage, a sibling of the one that sets it),
/// it expands to nothing rather than to something the base image may set.
fn declared_elsewhere(doc: &Document, name: &str) -> bool {
    doc.instructions
        .iter()
        .filter(|i| matches!(i.kind, InstructionKind::Arg | InstructionKind::Env))
        .any(|i| i.pairs.iter().any(|p| p.key.value() == name))
}

/// `$NAME` and `${NAME}` replaced by their ARG/ENV values (by nothing when
/// the name is not in scope but `out_of_scope` says the file declares it
/// elsewhere); `None` when one is unknown or the word uses any other
/// expansion.
fn expand(text: &str, scope: &Scope, out_of_scope: &dyn Fn(&str) -> bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['$', '`']) {
        out.push_str(&rest[..i]);
        let after = rest[i..].strip_prefix('$')?;
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}')?;
                (&braced[..end], end + 2)
            }
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return None;
        }
        if !scope.is_defined(name) && out_of_scope(name) {
            rest = &after[len..];
            continue;
        }
        out.push_str(&scope.value(name)?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// The options yum, dnf and microdnf share that take a value.
const RPM_CLI: Cli = Cli {
    short: &['c', 'd', 'e', 'x', 'R'],
    long: &[
        "advisory",
        "bz",
        "color",
        "comment",
        "config",
        "cve",
        "debuglevel",
        "destdir",
        "disableexcludes",
        "disableplugin",
        "disablerepo",
        "downloaddir",
        "enableplugin",
        "enablerepo",
        "errorlevel",
        "exclude",
        "excludepkgs",
        "forcearch",
        "from-repo",
        "installroot",
        "platform-id",
        "randomwait",
        "releasever",
        "repo",
        "repofrompath",
        "repoid",
        "rpmverbosity",
        "sec-severity",
        "setopt",
    ],
    single_word: false,
    long_prefixes: None,
};

/// Report the unpinned packages of `yum`/`dnf`/`microdnf install` (RPM's
/// `name-version`) and `… module install` (a module's `name:stream`).
pub(super) fn check_rpm_installs(run: &Instruction, ctx: &mut Context<'_>, commands: &[&str]) {
    let Some(script) = run.script() else { return };
    for cmd in script.commands_named(commands) {
        let line = RPM_CLI.read(&cmd.args);
        if let Some(modules) = line.after(&[&["module", "install"]]) {
            let found = unpinned(ctx, run, modules.iter().copied(), |m| m.contains([':', '/']));
            report(ctx, found, ":<stream>");
        } else if let Some(packages) = line.after(&[&["install"], &["in"], &["localinstall"]]) {
            let found = unpinned(ctx, run, packages.iter().copied(), rpm_pinned);
            report(ctx, found, "-<version>");
        }
    }
}

/// An RPM package argument with a version, or one that names no package
/// by name: a `.rpm` file or URL, a path or capability (`/usr/bin/python3`,
/// `perl(Foo)`), a group (`@development`).
pub(super) fn rpm_pinned(package: &str) -> bool {
    package.ends_with(".rpm")
        || package.contains(['/', '(', '=', '<', '>'])
        || package.starts_with('@')
        || rpm_has_version(package)
}

/// RPM's `name-version[-release]`: the last `-` part starts with a digit
/// (`tomcat-9.0.1`, `openssl-1:1.1.1k`, `bash-5.1-6.el9`), unlike the `-`
/// inside names (`python3-devel`, `java-17-openjdk`).
pub(super) fn rpm_has_version(package: &str) -> bool {
    package
        .rsplit_once('-')
        .is_some_and(|(name, version)| !name.is_empty() && version.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::TextRange;

    fn args(words: &[&str]) -> Vec<ShellArg> {
        words.iter().map(|w| ShellArg::new(*w, TextRange::empty(0))).collect()
    }

    const APK: Cli =
        Cli { short: &['t', 'X'], long: &["virtual", "repository"], single_word: false, long_prefixes: None };

    #[test]
    fn reads_options_values_and_operands() {
        let a = args(&["--no-cache", "add", "-t", ".deps", "-qX", "http://r", "--virtual=v", "gcc", "--", "-x"]);
        let line = APK.read(&a);
        let operands: Vec<&str> = line.operands.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(operands, ["add", "gcc", "-x"]);
        assert_eq!(line.before_dashes, 2);
        assert_eq!(line.option(&["X"]).and_then(|o| o.value), Some("http://r"));
        assert_eq!(line.option(&["virtual"]).and_then(|o| o.value), Some("v"));
        assert!(line.has(&["q"]) && line.has(&["no-cache"]));
        assert_eq!(line.after(&[&["add"]]).map(<[_]>::len), Some(2));
        assert!(line.after(&[&["del"]]).is_none());
    }

    #[test]
    fn reads_go_style_options() {
        let go = Cli { short: &[], long: &["o", "ldflags"], single_word: true, long_prefixes: None };
        let a = args(&["build", "-ldflags", "-s -w", "-o", "out", "-v", "./cmd"]);
        let operands: Vec<&str> = go.read(&a).operands.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(operands, ["build", "./cmd"]);
    }

    #[test]
    fn rpm_versions() {
        for yes in ["tomcat-9.2", "openssl-1:1.1.1k", "bash-5.1-6.el9", "java-17-openjdk-17.0.1"] {
            assert!(rpm_has_version(yes), "{yes}");
        }
        for no in ["tomcat", "python3-devel", "java-17-openjdk", "-1", "gcc-c++"] {
            assert!(!rpm_has_version(no), "{no}");
        }
    }
}
