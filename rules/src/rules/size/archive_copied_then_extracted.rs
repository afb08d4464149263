//! ## What it does
//! Checks for a local tar archive that is `COPY`'d into the image and then
//! extracted by a later RUN of the same stage.
//!
//! ## Why is this bad?
//! The COPY commits the archive in one layer and the RUN commits the
//! extracted files in another, so the image carries the content twice;
//! deleting the archive afterwards only hides it. `ADD` unpacks a local tar
//! archive (plain, gzip, bzip2 or xz) straight into the destination in a
//! single layer, with no archive left behind.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! COPY app.tar.gz /tmp/
//! RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! ADD app.tar.gz /opt/
//! ```
//!
//! ## Notes
//! Only tar archives count, because they are all `ADD` unpacks: hadolint
//! also reports plain `.gz`, `.bz2` or `.xz` files, which `ADD` would copy
//! unchanged. Extractions `ADD` cannot reproduce are not reported: tar with
//! `--strip-components`, `--transform`, `--exclude`, `--wildcards`, output
//! to stdout, or a list of members to extract. The archive is matched by
//! file name.

use crate::model::{Instruction, ShellCommand};
use crate::rule::{Context, declare_rule};

declare_rule! {
    /// A tar archive is copied and then extracted: `ADD` does both in one layer
    name: "archive-copied-then-extracted", aliases: ["DL3010"], category: Size, severity: Info,
    kinds: [Copy], check_instruction: check,
}

/// Endings of the tar archives `ADD` unpacks.
const TARBALLS: &[&str] = &[".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz"];

/// Decompressors that, run on a tarball, stream it to tar.
const DECOMPRESSORS: &[&str] = &["gunzip", "zcat", "gzcat", "bunzip2", "bzcat", "unxz", "xzcat"];

/// tar options `ADD` cannot reproduce.
const UNSUPPORTED: &[&str] = &[
    "--strip-components",
    "--strip",
    "--transform",
    "--xform",
    "--exclude",
    "--exclude-from",
    "--wildcards",
    "--to-stdout",
    "--to-command",
    "--files-from",
    "-O",
    "-T",
    "-X",
];

/// tar long options whose value may be the next argument.
const TAR_VALUE_OPTIONS: &[&str] = &["--file", "--directory", "--owner", "--group", "--mode", "--use-compress-program"];

fn check(copy: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    if copy.flag("from").is_some() || copy.args.len() < 2 {
        return;
    }
    let stage = doc.stage_run_of(copy);
    let (sources, dest) = copy.args.split_at(copy.args.len() - 1);
    let dest = dest[0].value();
    for source in sources {
        let value = source.value();
        if source.has_expansion() || value.contains(['*', '?', '[']) {
            continue;
        }
        // `COPY app /tmp/app.tar` renames a single source to an archive name.
        let name = match basename(&dest) {
            Some(d) if sources.len() == 1 && is_tarball(d) => d,
            _ => match basename(&value) {
                Some(s) if is_tarball(s) => s,
                _ => continue,
            },
        };
        let later = &doc.instructions[copy.index + 1..stage.end];
        let extraction =
            later.iter().filter_map(|i| i.script()).flat_map(|s| s.commands.iter()).find(|c| extracts(c, name));
        if let Some(cmd) = extraction {
            ctx.report(
                source.range,
                format!("`{name}` is copied and then extracted by a RUN; `ADD` unpacks it in one layer"),
            )
            .with_related(cmd.range, "extracted here");
            return;
        }
    }
}

/// The last path component, if the path does not end with `/`.
fn basename(path: &str) -> Option<&str> {
    let name = path.rsplit(['/', '\\']).next()?;
    (!name.is_empty()).then_some(name)
}

fn is_tarball(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TARBALLS.iter().any(|ext| lower.len() > ext.len() && lower.ends_with(ext))
}

fn names_archive(arg: &str, name: &str) -> bool {
    basename(arg.strip_prefix("--file=").unwrap_or(arg)) == Some(name)
}

/// `cmd` unpacks the archive called `name` in a way `ADD` can reproduce.
fn extracts(cmd: &ShellCommand, name: &str) -> bool {
    match cmd.base_name() {
        "tar" => tar_extracts(cmd, name),
        n if DECOMPRESSORS.contains(&n) => cmd.positional().any(|a| names_archive(&a.text, name)),
        _ => false,
    }
}

fn tar_extracts(cmd: &ShellCommand, name: &str) -> bool {
    let mut extract = false;
    let mut archive = false;
    let mut pending_values = 0;
    for (i, arg) in cmd.args.iter().enumerate() {
        let t = arg.text.as_str();
        if pending_values > 0 {
            pending_values -= 1;
            archive |= names_archive(t, name);
            continue;
        }
        let option = t.split('=').next().unwrap_or(t);
        if UNSUPPORTED.contains(&option) {
            return false;
        }
        if let Some(long) = t.strip_prefix("--") {
            extract |= matches!(long, "extract" | "get");
            archive |= names_archive(t, name);
            pending_values = usize::from(TAR_VALUE_OPTIONS.contains(&t));
        } else if let Some(cluster) = t.strip_prefix('-').or((i == 0).then_some(t)).filter(|c| is_cluster(c)) {
            // `-xzf file` or the traditional `tar xzf file`.
            if cluster.contains(['O', 'T', 'X']) {
                return false;
            }
            extract |= cluster.contains('x');
            pending_values = cluster.chars().filter(|c| matches!(c, 'f' | 'C' | 'b' | 'H' | 'K' | 'N')).count();
        } else if names_archive(t, name) {
            archive = true;
        } else {
            // Members to extract: ADD unpacks everything.
            return false;
        }
    }
    extract && archive
}

fn is_cluster(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM debian\nCOPY app.tar.gz /tmp/\n",
                "FROM debian\nADD app.tar.gz /opt/\n",
                "FROM debian\nCOPY app.zip /tmp/\nRUN unzip /tmp/app.zip\n",
                "FROM debian\nCOPY data.json.gz /tmp/\nRUN gunzip /tmp/data.json.gz\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz --strip-components=1 -C /opt\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz app/bin\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -tzf /tmp/app.tar.gz\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzOf /tmp/app.tar.gz\n",
                "FROM debian\nCOPY app.tar.gz /tmp/\nFROM debian\nRUN tar -xzf /tmp/app.tar.gz\n",
                "FROM debian AS build\nFROM debian\nCOPY --from=build /app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
                "FROM debian\nCOPY other.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
                "FROM debian\nRUN tar -xzf /tmp/app.tar.gz\nCOPY app.tar.gz /tmp/\n",
            ],
            &[
                "FROM debian\nCOPY ⟦app.tar.gz⟧ /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
                "FROM debian\nCOPY ⟦dist/app.tgz⟧ /tmp/\nRUN cd /opt && tar xzf /tmp/app.tgz\n",
                "FROM debian\nCOPY a.txt ⟦b.tar⟧ /tmp/\nRUN tar --extract --file=/tmp/b.tar\n",
                "FROM debian\nCOPY ⟦bundle⟧ /tmp/bundle.tar.xz\nRUN tar -x -J -f /tmp/bundle.tar.xz -C /srv\n",
                "FROM debian\nCOPY ⟦app.tar.gz⟧ /tmp/\nRUN gunzip -c /tmp/app.tar.gz | tar -x -C /opt\n",
                "FROM debian\nCOPY [\"app.tar.gz\", \"/tmp/\"]\nWORKDIR /opt\nRUN <<EOF\ntar -xf /tmp/app.tar.gz\nEOF\n",
            ],
            &[],
        );
    }
}
