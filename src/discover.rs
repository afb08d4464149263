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

/// Expand `paths` (files, directories, `-`) into inputs, in argument order.
/// Files named explicitly are linted whatever their name; directories are
/// walked for Dockerfile names, honouring ignore files.
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
                            let is_file = entry.file_type().is_some_and(|t| t.is_file());
                            if is_file && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
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
            Ok(_) => push(Input::File(path.clone()), &mut inputs),
            Err(err) => errors.push(InputError { path: display_path(path), message: io_message(&err) }),
        }
    }
    (inputs, errors)
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
