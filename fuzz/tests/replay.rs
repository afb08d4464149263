//! Replays saved inputs through every target: `DOCKSIDE_FUZZ_REPLAY=<file or
//! folder> cargo test -p dockside-fuzz --test replay -- --nocapture` (the
//! stable harness saves its failures in `target/fuzz-failures/`). Without the
//! variable it replays the inputs kept in `fuzz/regressions/`, the minimised
//! failures of earlier campaigns, so each stays a regression test.

use std::path::{Path, PathBuf};

use dockside_fuzz::{all_rules, every_property};

fn inputs(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn saved_inputs_keep_every_property() {
    let root = match std::env::var_os("DOCKSIDE_FUZZ_REPLAY") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions"),
    };
    let files = inputs(&root);
    assert!(!files.is_empty(), "no inputs in {}", root.display());
    let settings = all_rules();
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&bytes);
        for e in every_property(&text, &settings) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    eprintln!("replayed {} inputs", files.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}
