//! Reading and writing the files the CLI lints and formats.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Reject content that is not a text file before the parser sees it.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes), not linted".to_string());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 (invalid byte at offset {}), not linted", e.utf8_error().valid_up_to()))
}

/// A unified diff with git's `a/` and `b/` prefixes for relative paths.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    // git's `a/` and `b/` prefixes only make sense for relative paths.
    let (a, b) = if Path::new(path).is_absolute() {
        (path.to_string(), path.to_string())
    } else {
        (format!("a/{path}"), format!("b/{path}"))
    };
    let mut diff = similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(&a, &b).to_string();
    if !diff.is_empty() && !diff.ends_with('\n') {
        diff.push('\n');
    }
    diff
}

/// Replace `path` without a window where it is half-written: write a temp
/// file next to it (same file system, so the rename is atomic), give it the
/// original permissions, then rename it over the original.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    // Write through symlinks instead of replacing them with a regular file.
    let target = fs::canonicalize(path)?;
    let dir = target.parent().ok_or_else(|| io::Error::other("file has no parent directory"))?;
    let permissions = fs::metadata(&target)?.permissions();
    // Dropping the temp file on any error below deletes it.
    let mut temp = tempfile::Builder::new().prefix(".dockside-").suffix(".tmp").tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_rejects_binary_and_invalid_utf8() {
        assert!(decode(b"FROM a\0".to_vec()).unwrap_err().contains("NUL"));
        assert!(decode(b"FROM \xff".to_vec()).unwrap_err().contains("offset 5"));
        assert_eq!(decode(b"FROM a".to_vec()).unwrap(), "FROM a");
    }
}
