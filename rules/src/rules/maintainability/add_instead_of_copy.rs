//! ## What it does
//! Checks for `ADD` of local files and directories, which `COPY` does with
//! fewer surprises. `ADD` of URLs, git repositories and local tar archives
//! (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`) is not
//! reported: that is what it is for.
//!
//! ## Why is this bad?
//! `ADD` does more than copy: a local file that is a tar archive (detected
//! by content, not name) is unpacked into the destination, and a source
//! that looks like a URL is downloaded. With `ADD`, a reader cannot tell
//! whether the file lands as is, and renaming a file to something
//! archive-like silently changes the result. `COPY` always copies.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12
//! ADD requirements.txt /app/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12
//! COPY requirements.txt /app/
//! ADD https://example.com/data.tar.gz /data/
//! ```
//!
//! ## Fix safety
//! When every source is a local file or directory (inline heredocs
//! included) and `ADD` has no option that `COPY` lacks (`--checksum`,
//! `--keep-git-dir`, `--unpack`), the fix replaces `ADD` with `COPY`. The
//! one thing `ADD` still does with local sources is unpacking: it
//! recognises a tar archive (plain or compressed) by its content, not its
//! name, and unpacks it where `COPY` copies the file. So the fix is safe
//! only when no source can be a tar archive: a heredoc, a directory (`.`,
//! `src/`), or a file whose extension names another format (`.txt`,
//! `.json`, `.py`, `.conf`, `.jar`, `.zip`... but not `.apk` or `.gem`,
//! which are tar archives). A name without such an extension (`rootfs`,
//! `Gemfile`, `*`), or one that comes from a variable (a build argument can
//! name an archive), makes it unsafe.
//!
//! ## Notes
//! A `.zip` (or `.jar`, `.whl`) is reported like any local file: `ADD`
//! never unpacks zip files. hadolint also accepts `.Z`, `.lz`, `.lzma`,
//! `.tZ`, `.tlz` and `.tpz` as archives, but `ADD` cannot unpack those
//! formats and copies them as they are, so dockside reports them. A plain
//! `.gz`, `.bz2`, `.xz` or `.zst` may be a compressed tar and is accepted.
//! Any `scheme://` URL and `git@host:repo` count as remote (hadolint knows
//! only `http://` and `https://`). Sources are resolved through ARG and
//! ENV; one that depends on a variable without a known value is not
//! classified (hadolint reports it).

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, Scope};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// `ADD` of local files: use `COPY`
    name: "add-instead-of-copy", aliases: ["DL3020"], category: Maintainability, severity: Error,
    fix: Sometimes, fix_safety: Either,
    kinds: [Add], check_instruction: check,
}

/// Extensions of files `ADD` may unpack: tar, possibly compressed with
/// gzip, bzip2, xz or zstd.
const ARCHIVE_EXTENSIONS: &[&str] =
    &[".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".tb2", ".xz", ".txz", ".zst", ".tzst"];

/// Flags `COPY` accepts too.
const COPY_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude", "parents"];

#[derive(PartialEq)]
enum Source {
    Local,
    Archive,
    Remote,
    Unknown,
}

fn classify(path: &str) -> Source {
    let lower = path.to_ascii_lowercase();
    let scheme = lower.split_once("://").is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if scheme || lower.starts_with("git@") {
        Source::Remote
    } else if ARCHIVE_EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        Source::Archive
    } else {
        Source::Local
    }
}

fn check(add: &Instruction, ctx: &mut Context<'_>) {
    let scope = Scope::at(ctx.doc, add.index);
    // (text, class) of every source; heredocs are inline local files.
    let mut sources: Vec<(String, Source)> = Vec::new();
    match &add.json {
        Some(json) => {
            let n = json.items.len().saturating_sub(1);
            sources.extend(json.items[..n].iter().map(|(s, _)| (s.clone(), classify(s))));
        }
        None => {
            let n = add.args.len().saturating_sub(1);
            for word in &add.args[..n] {
                let expanded = word.expand(&|name| scope.value(name));
                let class = if expanded.complete { classify(&expanded.text) } else { Source::Unknown };
                sources.push((expanded.text, class));
            }
            sources.extend(add.heredocs.iter().map(|h| (format!("<<{}", h.delimiter), Source::Local)));
        }
    }
    let Some((local, _)) = sources.iter().find(|(_, class)| *class == Source::Local) else { return };
    let message = format!("`{local}` is a local file: use COPY; ADD is for URLs and archives to unpack");
    let diagnostic = ctx.report(add.keyword_range, message);
    let all_local = sources.iter().all(|(_, class)| *class == Source::Local);
    let copy_flags_only = add.flags.iter().all(|f| COPY_FLAGS.iter().any(|c| f.name.eq_ignore_ascii_case(c)));
    if all_local && copy_flags_only {
        let keyword = if add.keyword.chars().all(|c| c.is_ascii_lowercase()) { "copy" } else { "COPY" };
        let applicability = if never_unpacked(add) { Applicability::Safe } else { Applicability::Unsafe };
        diagnostic.with_fix(Fix::new(
            "Replace `ADD` with `COPY`",
            applicability,
            vec![Edit::replace(add.keyword_range, keyword)],
        ));
    }
}

/// Extensions of formats that are not tar archives: text, source code,
/// configuration, zip-based archives (which `ADD` never unpacks), packages
/// in other container formats, images, fonts and binaries.
const NOT_TAR: &[&str] = &[
    "txt",
    "md",
    "rst",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "config",
    "properties",
    "env",
    "xml",
    "html",
    "htm",
    "css",
    "scss",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "vue",
    "py",
    "rb",
    "php",
    "pl",
    "pm",
    "go",
    "rs",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "gradle",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "swift",
    "lua",
    "r",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "cmd",
    "sql",
    "csv",
    "tsv",
    "lock",
    "sum",
    "mod",
    "service",
    "socket",
    "timer",
    "rules",
    "repo",
    "list",
    "pref",
    "patch",
    "diff",
    "tpl",
    "tmpl",
    "template",
    "j2",
    "tf",
    "hcl",
    "proto",
    "pem",
    "crt",
    "cer",
    "key",
    "pub",
    "csr",
    "asc",
    "gpg",
    "zip",
    "jar",
    "war",
    "ear",
    "whl",
    "nupkg",
    "deb",
    "rpm",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "webp",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "pdf",
    "so",
    "dll",
    "exe",
    "wasm",
    "class",
];

/// True when no source of `add` can be a tar archive that `ADD` unpacks.
fn never_unpacked(add: &Instruction) -> bool {
    let cannot_be_tar = |path: &str| {
        let path = path.strip_prefix("./").unwrap_or(path);
        if path == "." || path.is_empty() || path.ends_with('/') {
            return true;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => NOT_TAR.contains(&ext.to_ascii_lowercase().as_str()),
            _ => false,
        }
    };
    match &add.json {
        Some(json) => {
            let n = json.items.len().saturating_sub(1);
            json.items[..n].iter().all(|(s, _)| !s.contains('$') && cannot_be_tar(s))
        }
        None => {
            let n = add.args.len().saturating_sub(1);
            add.args[..n].iter().all(|w| !w.has_expansion() && cannot_be_tar(&w.value()))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{assert_rule, assert_safe_fixes};

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nADD https://example.com/a.txt /a.txt\n",
                "FROM alpine\nADD rootfs.tar.gz /\n",
                "FROM alpine\nADD app.tgz dist.TAR.XZ /opt/\n",
                "FROM alpine\nADD --checksum=sha256:abc https://example.com/x /x\n",
                "FROM alpine\nADD git@github.com:acme/app.git /src\n",
                "FROM alpine\nADD --keep-git-dir=true https://github.com/acme/app.git#v1 /src\n",
                "FROM alpine\nADD [\"https://example.com/a b\", \"/x\"]\n",
                "FROM alpine\nADD ${SRC} /x\n",
                "FROM alpine\nARG URL=https://example.com/x\nADD $URL /x\n",
                "FROM alpine\nCOPY a /a\n",
                "FROM alpine\nONBUILD ADD . /app\n",
            ],
            &[
                "FROM alpine\n⟦ADD⟧ requirements.txt /app/\n",
                "FROM alpine\n⟦add⟧ . /app\n",
                "FROM alpine\n⟦ADD⟧ app.zip /opt/\n",
                "FROM alpine\n⟦ADD⟧ https://example.com/x notes.md /opt/\n",
                "FROM alpine\n⟦ADD⟧ [\"a b.txt\", \"/x/\"]\n",
                "FROM alpine\n⟦ADD⟧ --chown=app <<EOF /etc/app.conf\nkey=value\nEOF\n",
                "FROM alpine\n⟦ADD⟧ a \\\n  b \\\n  /x/\n",
                "FROM alpine\nARG F=conf.ini\n⟦ADD⟧ $F /etc/\n",
            ],
            &[
                ("FROM alpine\nADD requirements.txt /app/\n", "FROM alpine\nCOPY requirements.txt /app/\n"),
                ("FROM alpine\nadd --chown=app:app . /app\n", "FROM alpine\ncopy --chown=app:app . /app\n"),
                ("FROM alpine\nADD [\"a\", \"b\", \"/x/\"]\n", "FROM alpine\nCOPY [\"a\", \"b\", \"/x/\"]\n"),
                (
                    "FROM alpine\nADD <<EOF /etc/app.conf\nkey=value\nEOF\n",
                    "FROM alpine\nCOPY <<EOF /etc/app.conf\nkey=value\nEOF\n",
                ),
                // Mixed with a URL or an archive: reported, not fixed.
                (
                    "FROM alpine\nADD https://example.com/x notes.md /opt/\n",
                    "FROM alpine\nADD https://example.com/x notes.md /opt/\n",
                ),
                ("FROM alpine\nADD app.tar notes.md /opt/\n", "FROM alpine\nADD app.tar notes.md /opt/\n"),
                ("FROM alpine\nADD --unpack=false a.txt /opt/\n", "FROM alpine\nADD --unpack=false a.txt /opt/\n"),
            ],
        );
    }

    /// Safe only when no source can be a tar archive `ADD` would unpack.
    #[test]
    fn safe_fixes() {
        let kept = |s: &'static str| (s, s);
        assert_safe_fixes(
            &super::RULE,
            &[
                ("FROM alpine\nADD requirements.txt /app/\n", "FROM alpine\nCOPY requirements.txt /app/\n"),
                ("FROM alpine\nADD . /app\n", "FROM alpine\nCOPY . /app\n"),
                (
                    "FROM alpine\nADD src/ conf/*.yml ./run.sh /app/\n",
                    "FROM alpine\nCOPY src/ conf/*.yml ./run.sh /app/\n",
                ),
                ("FROM alpine\nADD [\"app.jar\", \"/app/\"]\n", "FROM alpine\nCOPY [\"app.jar\", \"/app/\"]\n"),
                (
                    "FROM alpine\nADD <<EOF /etc/app.conf\nkey=value\nEOF\n",
                    "FROM alpine\nCOPY <<EOF /etc/app.conf\nkey=value\nEOF\n",
                ),
                // May be a tar archive: ADD unpacks by content.
                kept("FROM alpine\nADD rootfs /\n"),
                kept("FROM alpine\nADD Gemfile Gemfile.lock /app/\n"),
                kept("FROM alpine\nADD * /app/\n"),
                kept("FROM alpine\nADD pkg.apk /tmp/\n"),
                kept("FROM alpine\nARG CONF=app.conf\nADD $CONF /etc/\n"),
            ],
        );
    }
}
