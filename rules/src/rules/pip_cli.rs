//! pip's command line, shared by the rules that read `pip install`: pip
//! parses options with Python's optparse, which accepts any unique prefix of
//! a long option (`--no-cache` is `--no-cache-dir`, `--extra-index` is
//! `--extra-index-url`).

/// The long options of `pip install` and pip's general options (pip 25),
/// without their dashes.
pub(crate) const LONG_OPTIONS: &[&str] = &[
    // General options.
    "help",
    "debug",
    "isolated",
    "require-virtualenv",
    "python",
    "verbose",
    "version",
    "quiet",
    "log",
    "no-input",
    "keyring-provider",
    "proxy",
    "retries",
    "timeout",
    "exists-action",
    "trusted-host",
    "cert",
    "client-cert",
    "cache-dir",
    "no-cache-dir",
    "disable-pip-version-check",
    "no-color",
    "no-python-version-warning",
    "use-feature",
    "use-deprecated",
    "resume-retries",
    // `pip install`.
    "requirement",
    "constraint",
    "no-deps",
    "pre",
    "editable",
    "dry-run",
    "target",
    "platform",
    "python-version",
    "implementation",
    "abi",
    "user",
    "root",
    "prefix",
    "src",
    "upgrade",
    "upgrade-strategy",
    "force-reinstall",
    "ignore-installed",
    "ignore-requires-python",
    "no-build-isolation",
    "use-pep517",
    "no-use-pep517",
    "check-build-dependencies",
    "break-system-packages",
    "config-settings",
    "global-option",
    "install-option",
    "build",
    "compile",
    "no-compile",
    "no-warn-script-location",
    "no-warn-conflicts",
    "no-binary",
    "only-binary",
    "prefer-binary",
    "require-hashes",
    "progress-bar",
    "root-user-action",
    "report",
    "group",
    "index-url",
    "extra-index-url",
    "no-index",
    "find-links",
    "no-clean",
];

/// The long option `written` (without dashes and `=value`) stands for: itself
/// when pip has it, else the one option it is a unique prefix of; `None`
/// when it is no option of pip's or an ambiguous prefix.
pub(crate) fn long_option(written: &str) -> Option<&'static str> {
    if written.is_empty() {
        return None;
    }
    if let Some(exact) = LONG_OPTIONS.iter().find(|o| **o == written) {
        return Some(exact);
    }
    let mut matches = LONG_OPTIONS.iter().filter(|o| o.starts_with(written));
    let first = matches.next()?;
    matches.next().is_none().then_some(*first)
}

/// True when the argument `arg` is the long option `name`, written in full
/// or as a unique prefix, with or without `=value`.
pub(crate) fn is_long_option(arg: &str, name: &str) -> bool {
    let Some(body) = arg.strip_prefix("--") else { return false };
    let written = body.split_once('=').map_or(body, |(n, _)| n);
    long_option(written) == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_prefixes_stand_for_their_option() {
        assert_eq!(long_option("no-cache"), Some("no-cache-dir"));
        assert_eq!(long_option("no-cache-dir"), Some("no-cache-dir"));
        assert_eq!(long_option("extra-index"), Some("extra-index-url"));
        assert_eq!(long_option("requirem"), Some("requirement"));
        assert_eq!(long_option("requir"), None);
        // Exact names win over longer ones they are a prefix of.
        assert_eq!(long_option("python"), Some("python"));
        assert_eq!(long_option("root"), Some("root"));
        // Ambiguous or unknown.
        assert_eq!(long_option("no-c"), None);
        assert_eq!(long_option("u"), None);
        assert_eq!(long_option("bogus"), None);
        assert!(is_long_option("--no-cache", "no-cache-dir"));
        assert!(is_long_option("--no-cache-d=1", "no-cache-dir"));
        assert!(!is_long_option("--no-co", "no-cache-dir"));
        assert!(!is_long_option("-no-cache", "no-cache-dir"));
    }
}
