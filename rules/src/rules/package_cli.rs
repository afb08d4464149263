//! The one subcommand reader every package-manager rule uses: options may
//! come before the subcommand (`apt-get -o Acquire::Retries=3 install`,
//! `apt-get -y -q install`, `dnf --setopt x=1 install`), and the value of an
//! option given as a separate word is not the subcommand.

use crate::base_images::PackageManager;
use crate::model::{ShellArg, ShellCommand};

/// apt-get's (and apt's, aptitude's) options that take a separate value.
pub(crate) const APT_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
    "--default-release",
    "-a",
    "--host-architecture",
];

/// apk's global options that take a separate value.
pub(crate) const APK_VALUE_OPTIONS: &[&str] = &["-X", "--repository", "-p", "--root", "--arch", "--cache-dir"];

/// yum's, dnf's and microdnf's global options that take a separate value
/// (`-C` is `--cacheonly`, a switch). One list for both: on Enterprise
/// Linux 8 and later `yum` is dnf, so it takes dnf's options too
/// (`--repo`, `--repoid`, `--forcearch`).
pub(crate) const RPM_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "-R",
    "--randomwait",
    "-x",
    "--exclude",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "--installroot",
    "--releasever",
    "--setopt",
    "--disableplugin",
    "--enableplugin",
    "--forcearch",
    "--downloaddir",
    "--destdir",
];

/// zypper's global options that take a separate value.
pub(crate) const ZYPPER_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-R",
    "--root",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "--userdata",
    "-p",
    "--plus-repo",
    "--plus-content",
    "--installroot",
];

/// The options of `manager` that take a separate value (pacman works by
/// flags and has no subcommand to find).
pub(crate) fn value_options(manager: PackageManager) -> &'static [&'static str] {
    match manager {
        PackageManager::Apt => APT_VALUE_OPTIONS,
        PackageManager::Apk => APK_VALUE_OPTIONS,
        PackageManager::Rpm => RPM_VALUE_OPTIONS,
        PackageManager::Zypper => ZYPPER_VALUE_OPTIONS,
        PackageManager::Pacman => &[],
    }
}

/// The first argument that is neither an option nor the value of one of
/// `value_options` written as a separate word, with its index. `--` ends
/// the options. A cluster of short options whose last letter takes a value
/// (`-yo Opt=1`) takes the next word too.
pub(crate) fn subcommand<'a>(args: &'a [ShellArg], value_options: &[&str]) -> Option<(usize, &'a ShellArg)> {
    let mut skip = false;
    let mut ended = false;
    for (i, arg) in args.iter().enumerate() {
        if std::mem::take(&mut skip) {
            continue;
        }
        let t = arg.text.as_str();
        if !ended && t == "--" {
            ended = true;
            continue;
        }
        if !ended && t.len() > 1 && t.starts_with('-') {
            skip = takes_separate_value(t, value_options);
            continue;
        }
        return Some((i, arg));
    }
    None
}

/// True when option word `t` is one of `value_options` without an inline
/// value, or a short cluster ending in one (`-yo`).
fn takes_separate_value(t: &str, value_options: &[&str]) -> bool {
    if value_options.contains(&t) {
        return true;
    }
    let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-') && c.len() > 1) else { return false };
    cluster.chars().all(|c| c.is_ascii_alphabetic())
        && cluster.chars().last().is_some_and(|last| {
            let mut short = [0u8; 4];
            let last = last.encode_utf8(&mut short);
            value_options.iter().any(|o| o.strip_prefix('-') == Some(last))
        })
}

/// The subcommand of an `apt-get`/`apt`/`aptitude` command.
pub(crate) fn apt_subcommand(cmd: &ShellCommand) -> Option<&ShellArg> {
    subcommand(&cmd.args, APT_VALUE_OPTIONS).map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::TextRange;

    fn sub(words: &[&str], value_options: &[&str]) -> Option<String> {
        let args: Vec<ShellArg> = words.iter().map(|w| ShellArg::new(*w, TextRange::empty(0))).collect();
        subcommand(&args, value_options).map(|(_, a)| a.text.clone())
    }

    #[test]
    fn options_before_the_subcommand_are_skipped() {
        let apt = APT_VALUE_OPTIONS;
        assert_eq!(sub(&["-o", "Acquire::Retries=3", "install", "curl"], apt).as_deref(), Some("install"));
        assert_eq!(sub(&["-y", "-q", "install"], apt).as_deref(), Some("install"));
        assert_eq!(sub(&["-oAcquire::Retries=3", "install"], apt).as_deref(), Some("install"));
        assert_eq!(sub(&["-yo", "Opt=1", "install"], apt).as_deref(), Some("install"));
        assert_eq!(sub(&["--option=Opt=1", "-qq", "update"], apt).as_deref(), Some("update"));
        assert_eq!(sub(&["--target-release", "bookworm", "install"], apt).as_deref(), Some("install"));
        assert_eq!(sub(&["--", "-x"], apt).as_deref(), Some("-x"));
        assert_eq!(sub(&["-y"], apt), None);
    }

    #[test]
    fn each_manager_skips_its_own_value_options() {
        use PackageManager as P;
        assert_eq!(sub(&["-a", "arm64", "install"], value_options(P::Apt)).as_deref(), Some("install"));
        assert_eq!(sub(&["--default-release", "sid", "install"], value_options(P::Apt)).as_deref(), Some("install"));
        // dnf's `-C` is a switch; zypper's takes a directory.
        assert_eq!(sub(&["-C", "install"], value_options(P::Rpm)).as_deref(), Some("install"));
        assert_eq!(sub(&["-C", "/cache", "install"], value_options(P::Zypper)).as_deref(), Some("install"));
        assert_eq!(sub(&["-X", "https://mirror", "add"], value_options(P::Apk)).as_deref(), Some("add"));
    }

    /// yum and dnf read one list: dnf's own options (`--repo`, which yum
    /// takes too where it is dnf) and yum 3's (`--randomwait`) alike.
    #[test]
    fn yum_and_dnf_share_one_list() {
        let rpm = value_options(PackageManager::Rpm);
        for option in ["--repo", "--repoid", "--forcearch", "-x", "--randomwait", "--enableplugin", "--downloaddir"] {
            assert_eq!(sub(&[option, "value", "install"], rpm).as_deref(), Some("install"), "{option}");
        }
        assert_eq!(sub(&["--repo=base", "install"], rpm).as_deref(), Some("install"));
        assert_eq!(sub(&["-y", "--nogpgcheck", "install"], rpm).as_deref(), Some("install"));
    }
}
