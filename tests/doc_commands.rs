//! The shell blocks of the README and the docs, run as written.
//!
//! Every ```` ```sh ```` (or `bash`, `shell`) block in `README.md`,
//! `docs/*.md` and `editors/*/README.md` either runs here or is preceded by
//! `<!-- not run: <reason> -->` on the line above its fence, saying why it
//! cannot run in a test (it downloads, compiles for minutes, needs a nightly
//! toolchain, Neovim or the shared corpus, or is this very test command).
//!
//! What runs: each remaining block, whole, with `sh -eu`, in a fresh
//! project of clean Dockerfiles (`Dockerfile`, `app/`, `svc/`), with the
//! `dockside` cargo built for this test first on `PATH` standing for the
//! installed one: the README's `dockside check .` and `dockside format .`,
//! the formatter's commands, the CI shell gate.
//!
//! What stands in for the install (`cargo install --locked --path .`,
//! minutes of compiling, not run): that binary is the same build from the
//! same checkout, and `cargo metadata --locked --offline` (the host's
//! packages, which the build downloaded) checks what
//! `--locked` adds, that `Cargo.lock` is current, and that the root package
//! has the `dockside` binary `--path .` installs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A shell block of a Markdown file.
struct Block {
    /// `file:line` of the opening fence.
    place: String,
    text: String,
    /// The reason given in a `<!-- not run: … -->` marker.
    not_run: Option<String>,
}

const NOT_RUN: &str = "<!-- not run:";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The documents whose commands users copy.
fn documents() -> Vec<PathBuf> {
    let root = repository();
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "editors"] {
        let mut found: Vec<PathBuf> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .flat_map(|path| if path.is_dir() { vec![path.join("README.md")] } else { vec![path] })
            .filter(|path| path.extension().is_some_and(|e| e == "md") && path.is_file())
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = fs::read_to_string(path).unwrap();
    let name = path.strip_prefix(repository()).unwrap().display().to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        let is_shell = ["```sh", "```bash", "```shell"].iter().any(|f| fence.trim_end() == *f);
        if fence.starts_with("```") && !is_shell {
            // Skip other fenced blocks whole, so their contents never look like fences.
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                i += 1;
            }
            i += 1;
            continue;
        }
        if !is_shell {
            i += 1;
            continue;
        }
        let start = i;
        let mut body = String::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            body.push_str(lines[i]);
            body.push('\n');
            i += 1;
        }
        let not_run = start.checked_sub(1).map(|above| lines[above].trim()).and_then(|above| {
            let reason = above.strip_prefix(NOT_RUN)?.strip_suffix("-->")?.trim();
            Some(reason.to_string())
        });
        blocks.push(Block { place: format!("{name}:{}", start + 1), text: body, not_run });
        i += 1;
    }
    blocks
}

/// A small project the blocks run in: Dockerfiles that are clean under the
/// default rules and already formatted, so every command exits 0.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for path in ["Dockerfile", "app/Dockerfile", "svc/Dockerfile"] {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "FROM alpine:3.19\n").unwrap();
    }
    dir
}

#[test]
fn the_docs_shell_blocks_run() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_dockside"));
    let path = std::env::join_paths(
        std::iter::once(binary.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let all: Vec<Block> = documents().iter().flat_map(|doc| blocks(doc)).collect();
    let mut ran = Vec::new();
    for block in &all {
        if let Some(reason) = &block.not_run {
            assert!(reason.len() > 10, "{}: `not run` needs a reason", block.place);
            continue;
        }
        let dir = project();
        let out = Command::new("sh")
            .arg("-euc")
            .arg(&block.text)
            .current_dir(dir.path())
            .env("PATH", &path)
            // The fixtures' base image is supported on this date.
            .env("DOCKSIDE_LINT_DATE", "2024-06-01")
            // The machine's own dockside config must not change the results.
            .env("XDG_CONFIG_HOME", dir.path().join(".no-user-config"))
            .env_remove("CI")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} failed ({}):\n{}\nstdout:\n{}\nstderr:\n{}",
            block.place,
            out.status,
            block.text,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        ran.push(block);
    }
    // The README's own lint and format commands are among them.
    let readme_lint = ran.iter().find(|b| b.place.starts_with("README.md:") && b.text.contains("dockside check ."));
    assert!(readme_lint.is_some_and(|b| b.text.contains("dockside format .")), "the README's lint block must run");
    assert!(ran.iter().any(|b| b.place.starts_with("docs/formatter.md:")), "the formatter's commands must run");
    assert!(ran.iter().any(|b| b.place.starts_with("docs/ci.md:")), "the CI shell gate must run");
}

/// The install route, `cargo install --locked --path .`, without the minutes
/// of compiling (this test's binary is that build): `--locked` holds and
/// `--path .` finds the `dockside` binary.
#[test]
fn the_readme_install_route_holds() {
    let readme = blocks(&repository().join("README.md"));
    assert!(
        readme.iter().any(|b| b.text.lines().any(|l| l.starts_with("cargo install --locked --path ."))),
        "the README installs from a checkout"
    );
    // Only the host's packages: the others were never downloaded.
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc).arg("-vV").output().unwrap();
    let version = String::from_utf8(version.stdout).unwrap();
    let host = version.lines().find_map(|l| l.strip_prefix("host: ")).expect("rustc names its host");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--locked", "--offline", "--format-version", "1", "--filter-platform", host])
        .current_dir(repository())
        .output()
        .unwrap();
    assert!(out.status.success(), "Cargo.lock is not current: {}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = repository().join("Cargo.toml");
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| Path::new(p["manifest_path"].as_str().unwrap()) == root)
        .expect("the root package");
    let bins: Vec<&str> = package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(bins, ["dockside"]);
}
