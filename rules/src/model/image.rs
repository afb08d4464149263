//! Image references: `[registry[:port]/]path[:tag][@digest]`.

/// A parsed image reference (from resolved text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `registry.example.com:5000`, when the first component names one.
    pub registry: Option<String>,
    /// `library/ubuntu`, `team/app`, `scratch`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Split a reference. Never fails: odd input gives an odd path.
    pub fn parse(text: &str) -> ImageRef {
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (text, None),
        };
        let (registry, rest) = match rest.split_once('/') {
            Some((first, after)) if first.contains('.') || first.contains(':') || first == "localhost" => {
                (Some(first.to_string()), after)
            }
            _ => (None, rest),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (rest[..last_slash + i].to_string(), Some(rest[last_slash + i + 1..].to_string())),
            None => (rest.to_string(), None),
        };
        ImageRef { registry, path, tag, digest }
    }

    /// The last path component (`ubuntu` for `library/ubuntu`).
    pub fn short_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// True for Docker Hub references (no registry, or `docker.io`).
    pub fn is_docker_hub(&self) -> bool {
        matches!(
            self.registry.as_deref(),
            None | Some("docker.io") | Some("index.docker.io") | Some("registry-1.docker.io")
        )
    }

    /// A Windows base image (Nano Server, Server Core, Windows, .NET
    /// Framework), whose default shell is `cmd`, not `/bin/sh`.
    pub fn is_windows(&self) -> bool {
        let path = self.path.to_ascii_lowercase();
        names_windows(&path)
            || self.tag.as_deref().is_some_and(names_windows)
            || path.contains("dotnet/framework")
            || (self.tag.as_deref().and_then(|t| t.get(..4)).is_some_and(|t| t.eq_ignore_ascii_case("ltsc"))
                && self.registry.as_deref() == Some("mcr.microsoft.com"))
    }

    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.path.eq_ignore_ascii_case("scratch")
    }
}

/// True when `text` mentions a Windows base image by one of the words in
/// their names (`windows`, `nanoserver`, `servercore`), in any case.
pub(super) fn names_windows(text: &str) -> bool {
    // Asked for every stage of every build: no allocation.
    ["windows", "nanoserver", "servercore"]
        .iter()
        .any(|w| text.as_bytes().windows(w.len()).any(|b| b.eq_ignore_ascii_case(w.as_bytes())))
}

/// Docker's reference grammar: `[host[:port]/]path[:tag][@digest]`.
pub fn is_valid_reference(text: &str) -> bool {
    let (rest, digest) = match text.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (text, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else { return false };
        if algo.is_empty() || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
    }
    // A tag follows the last `:` after the last `/`.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !first_ok || tag.len() > 128 || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return false;
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let host = parts.remove(0);
        let (h, port) = host.split_once(':').unwrap_or((host, "1"));
        if h.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    !parts.is_empty() && parts.iter().all(|p| is_path_component(p))
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_path_component(p: &str) -> bool {
    let b = p.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let sep_end = match c {
            b'.' => i + 1,
            b'_' if b.get(i + 1) == Some(&b'_') => i + 2,
            b'_' => i + 1,
            b'-' => i + b[i..].iter().take_while(|c| **c == b'-').count(),
            _ => return false,
        };
        if !b.get(sep_end).is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            return false;
        }
        i = sep_end;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(reg: Option<&str>, path: &str, tag: Option<&str>, digest: Option<&str>) -> ImageRef {
        ImageRef {
            registry: reg.map(str::to_string),
            path: path.to_string(),
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
        }
    }

    #[test]
    fn splits_references() {
        assert_eq!(ImageRef::parse("ubuntu"), r(None, "ubuntu", None, None));
        assert_eq!(ImageRef::parse("ubuntu:24.04"), r(None, "ubuntu", Some("24.04"), None));
        assert_eq!(
            ImageRef::parse("registry.example.com:5000/team/app:1.2.3@sha256:abc"),
            r(Some("registry.example.com:5000"), "team/app", Some("1.2.3"), Some("sha256:abc"))
        );
        assert_eq!(ImageRef::parse("localhost:5000/app"), r(Some("localhost:5000"), "app", None, None));
        assert_eq!(ImageRef::parse("localhost/app:1"), r(Some("localhost"), "app", Some("1"), None));
        assert_eq!(ImageRef::parse("library/ubuntu@sha256:1"), r(None, "library/ubuntu", None, Some("sha256:1")));
        assert!(ImageRef::parse("scratch").is_scratch());
        assert!(ImageRef::parse("mcr.microsoft.com/windows/servercore:ltsc2022").is_windows());
        assert!(ImageRef::parse("mcr.microsoft.com/powershell:lts-nanoserver-1809").is_windows());
        assert!(ImageRef::parse("mcr.microsoft.com/dotnet/framework/sdk:4.8").is_windows());
        assert!(ImageRef::parse("stefanscherer/node-windows:10").is_windows());
        assert!(!ImageRef::parse("mcr.microsoft.com/dotnet/sdk:8.0").is_windows());
        assert!(!ImageRef::parse("debian:12").is_windows());
        assert_eq!(ImageRef::parse("mcr.microsoft.com/windows/servercore:ltsc2022").short_name(), "servercore");
    }
}
