//! Turn the PATH arguments into the list of inputs to lint.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// One thing to lint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// An argument that produced nothing to lint, reported as `path: error: message`.
#[derive(Debug)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// The paths a command reads: those given, else standard input when it was
/// named with `--stdin-filename` (naming it without listing `-` still means
/// "read it"), else the current directory.
pub fn paths_or_default(paths: &[PathBuf], stdin_filename: Option<&Path>) -> Vec<PathBuf> {
    match (paths.is_empty(), stdin_filename) {
        (false, _) => paths.to_vec(),
        (true, Some(_)) => vec![PathBuf::from("-")],
        (true, None) => vec![PathBuf::from(".")],
    }
}

/// Expand `paths` (files, directories, `-`) into inputs, in argument order.
/// Files named explicitly are linted whatever their name, but only regular
/// files (a FIFO or device would block the read); directories are walked for
/// Dockerfile names, honouring ignore files.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    // `Dockerfile` and `./Dockerfile` are one file: lint (and fix) it once.
    let mut push = |input: Input, inputs: &mut Vec<Input>| {
        let key = match &input {
            Input::File(path) => Input::File(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())),
            Input::Stdin => Input::Stdin,
        };
        if seen.insert(key) {
            inputs.push(input);
        }
    };

    for path in paths {
        if path.as_os_str() == "-" {
            push(Input::Stdin, &mut inputs);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                for entry in WalkBuilder::new(path)
                    // Dockerfiles often live in hidden dirs (`.devcontainer/`).
                    .hidden(false)
                    .filter_entry(|e| e.file_name() != ".git")
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .build()
                {
                    match entry {
                        Ok(entry) => {
                            if is_dockerfile_name(&entry.file_name().to_string_lossy()) && is_walked_file(&entry) {
                                push(Input::File(entry.into_path()), &mut inputs);
                            }
                        }
                        Err(err) => errors.push(InputError { path: display_path(path), message: err.to_string() }),
                    }
                }
                if inputs.len() == before {
                    errors.push(InputError { path: display_path(path), message: "no Dockerfiles found".into() });
                }
            }
            Ok(meta) if meta.is_file() => push(Input::File(path.clone()), &mut inputs),
            Ok(meta) => errors.push(InputError {
                path: display_path(path),
                message: format!("{}, not linted (use `-` to read standard input)", not_regular(&meta.file_type())),
            }),
            Err(err) => errors.push(InputError { path: display_path(path), message: io_message(&err) }),
        }
    }
    (inputs, errors)
}

/// A regular file found by the walk, or a symlink to one whose own name is a
/// Dockerfile name (`svc/Dockerfile -> ../shared/app.Dockerfile`). Symlinked
/// directories are not entered (no loops), and a link to something that is
/// not named like a Dockerfile (`Dockerfile -> ~/.ssh/id_ed25519`) is not
/// read: its contents would be printed with the findings.
fn is_walked_file(entry: &ignore::DirEntry) -> bool {
    match entry.file_type() {
        Some(t) if t.is_file() => true,
        Some(t) if t.is_symlink() => std::fs::canonicalize(entry.path()).is_ok_and(|target| {
            target.is_file() && target.file_name().is_some_and(|name| is_dockerfile_name(&name.to_string_lossy()))
        }),
        _ => false,
    }
}

/// What kind of non-regular file this is, for the message.
fn not_regular(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "not a regular file"
}

/// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile`
/// and `Containerfile.*`, but not BuildKit's per-Dockerfile ignore files
/// (`Dockerfile.dockerignore`).
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    let prefixed = |base: &str| name == base || name.strip_prefix(base).is_some_and(|rest| rest.starts_with('.'));
    let suffixed = |ext: &str| name.strip_suffix(ext).is_some_and(|stem| !stem.is_empty());
    prefixed("Dockerfile") || prefixed("Containerfile") || suffixed(".Dockerfile") || suffixed(".dockerfile")
}

/// How a path is shown in reports: as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").ok().filter(|p| !p.as_os_str().is_empty()).unwrap_or(path);
    shown.display().to_string()
}

/// An I/O error without Rust's `(os error N)` suffix.
pub fn io_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in
            ["Dockerfile", "Dockerfile.dev", "app.Dockerfile", "app.dockerfile", "Containerfile", "Containerfile.x"]
        {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in
            ["Dockerfiles", "dockerfile.txt", ".Dockerfile", "Dockerfile.dockerignore", "README.md", "Containerfiles"]
        {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn display_strips_dot_slash() {
        assert_eq!(display_path(Path::new("./a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new("a/Dockerfile")), "a/Dockerfile");
    }
}
