//! Settings defaults, command-line overrides, discovery and loading.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::registry::find_rule;
use crate::rule_meta::RuleMeta;

fn meta(name: &str) -> &'static RuleMeta {
    &find_rule(name).expect("known rule").meta
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn defaults() {
    let s = Settings::default();
    for rule in all_rules() {
        assert_eq!(s.is_enabled(&rule.meta), rule.meta.enabled_by_default, "{}", rule.meta.name);
        assert_eq!(s.severity_of(&rule.meta), rule.meta.severity, "{}", rule.meta.name);
        assert!(s.rule_options(rule.meta.name).is_none());
    }
    assert_eq!(s.fail_level(), Some(Severity::Warning));
    assert!(s.trusted_registries().is_empty());
    assert!(s.required_labels().is_empty());
    assert!(!s.strict_labels());
    assert_eq!(s.shellcheck(), ShellcheckSettings { enabled: true, path: None, timeout: Duration::from_secs(5) });
    assert!(s.ignored_extra().is_empty());
}

#[test]
fn set_fail_level() {
    let mut s = Settings::default();
    s.set_fail_level(None);
    assert_eq!(s.fail_level(), None);
    s.set_fail_level(Some(Severity::Style));
    assert_eq!(s.fail_level(), Some(Severity::Style));
}

#[test]
fn overrides_select_replaces() {
    let mut s = Settings::default();
    s.apply_overrides(&strings(&["DL3006", "security"]), &[], &[]).unwrap();
    assert!(s.is_enabled(meta("untagged-base-image")));
    assert!(s.is_enabled(meta("last-user-root")));
    assert!(!s.is_enabled(meta("latest-base-image")));
    assert!(!s.is_enabled(meta("syntax-error")));
}

#[test]
fn overrides_select_all_and_ignore() {
    let mut s = Settings::default();
    s.apply_overrides(&strings(&["ALL"]), &[], &strings(&["correctness", "apt-get-missing-yes"])).unwrap();
    for rule in all_rules() {
        let expected = rule.meta.category != Category::Correctness && rule.meta.name != "apt-get-missing-yes";
        assert_eq!(s.is_enabled(&rule.meta), expected, "{}", rule.meta.name);
    }
}

#[test]
fn overrides_layer_on_the_file() {
    let mut s = parse_toml("select = [\"reproducibility\"]\n", Path::new("dockside.toml")).unwrap();
    s.apply_overrides(&[], &strings(&["dl3014", "MaintainerDeprecated"]), &strings(&["DL3007"])).unwrap();
    assert!(s.is_enabled(meta("untagged-base-image")));
    assert!(!s.is_enabled(meta("latest-base-image")));
    assert!(s.is_enabled(meta("apt-get-missing-yes")));
    assert!(s.is_enabled(meta("maintainer-deprecated")));
    assert!(!s.is_enabled(meta("last-user-root")));
    // An ignore in the file is undone by a later extend-select.
    let mut s = parse_toml("ignore = [\"DL3002\"]\n", Path::new("dockside.toml")).unwrap();
    assert!(!s.is_enabled(meta("last-user-root")));
    s.apply_overrides(&[], &strings(&["last-user-root"]), &[]).unwrap();
    assert!(s.is_enabled(meta("last-user-root")));
}

#[test]
fn empty_overrides_change_nothing() {
    let mut s = Settings::default();
    s.apply_overrides(&[], &[], &[]).unwrap();
    for rule in all_rules() {
        assert_eq!(s.is_enabled(&rule.meta), rule.meta.enabled_by_default);
    }
}

#[test]
fn unknown_override_is_a_command_line_error() {
    let mut s = Settings::default();
    let e = s.apply_overrides(&[], &[], &strings(&["DL3006", "DL9999"])).unwrap_err();
    assert_eq!(
        e,
        ConfigError {
            path: PathBuf::from("<command line>"),
            line: 0,
            column: 0,
            message: "unknown rule or category `DL9999` in `--ignore`".into(),
        }
    );
    assert_eq!(e.to_string(), "<command line>: unknown rule or category `DL9999` in `--ignore`");
    assert!(s.is_enabled(meta("untagged-base-image")), "a failed override changes nothing");
    let e = s.apply_overrides(&strings(&["bogus"]), &[], &[]).unwrap_err();
    assert_eq!(e.message, "unknown rule or category `bogus` in `--select`");
    // A misspelt name gets the closest one; a hadolint code does not (it is
    // one digit from many others).
    let e = s.apply_overrides(&strings(&["latest-base-imag"]), &[], &[]).unwrap_err();
    assert_eq!(
        e.message,
        "unknown rule or category `latest-base-imag` (did you mean `latest-base-image`?) in `--select`"
    );
}

#[test]
fn error_display() {
    let e = ConfigError::new(Path::new("dir/dockside.toml"), 3, 7, "unknown key `x`");
    assert_eq!(e.to_string(), "dir/dockside.toml:3:7: unknown key `x`");
}

#[test]
fn line_col_counts_from_one() {
    let text = "ab\ncé d\n";
    assert_eq!(line_col(text, 0), (1, 1));
    assert_eq!(line_col(text, 3), (2, 1));
    assert_eq!(line_col(text, 6), (2, 3));
    assert_eq!(line_col(text, 5), (2, 2), "inside a character: its start");
    assert_eq!(line_col(text, 100), (3, 1));
}

#[test]
fn label_types() {
    for t in LabelType::ALL {
        assert_eq!(LabelType::parse(t.as_str()), Some(t));
    }
    assert_eq!(LabelType::parse("SemVer"), Some(LabelType::Semver));
    assert_eq!(LabelType::parse("githash"), Some(LabelType::GitHash));
    assert_eq!(LabelType::parse("number"), None);
}

/// A directory tree: `files` are (relative path, contents).
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn discovered(root: &Path, dockerfile: &str) -> Option<PathBuf> {
    discover(&root.join(dockerfile)).unwrap().map(|p| p.strip_prefix(root).unwrap().to_path_buf())
}

#[test]
fn discovery_nearest_dockside_config_wins() {
    let dir = tree(&[
        ("dockside.toml", ""),
        ("services/api/dockside.toml", ""),
        ("services/api/Dockerfile", ""),
        ("services/web/Dockerfile", ""),
        ("services/web/.hadolint.yaml", ""),
        ("Dockerfile", ""),
    ]);
    let root = dir.path();
    assert_eq!(discovered(root, "services/api/Dockerfile"), Some("services/api/dockside.toml".into()));
    // A dockside config further up beats a nearer hadolint config.
    assert_eq!(discovered(root, "services/web/Dockerfile"), Some("dockside.toml".into()));
    assert_eq!(discovered(root, "Dockerfile"), Some("dockside.toml".into()));
    // The Dockerfile need not exist; a directory works too.
    assert_eq!(discovered(root, "services/api/other.Dockerfile"), Some("services/api/dockside.toml".into()));
    assert_eq!(discover(&root.join("services/api")).unwrap(), Some(root.join("services/api/dockside.toml")));
}

#[test]
fn discovery_hidden_dockside_config() {
    let dir = tree(&[(".dockside.toml", ""), ("app/Dockerfile", "")]);
    assert_eq!(discovered(dir.path(), "app/Dockerfile"), Some(".dockside.toml".into()));
}

#[test]
fn discovery_falls_back_to_the_nearest_hadolint_config() {
    let dir = tree(&[(".hadolint.yaml", ""), ("a/.hadolint.yml", ""), ("a/b/Dockerfile", ""), ("c/Dockerfile", "")]);
    let root = dir.path();
    // Skip the test if some ancestor of the temp dir holds a dockside config.
    if discover(&root.join("c/Dockerfile")).unwrap().is_some_and(|p| !p.starts_with(root)) {
        return;
    }
    assert_eq!(discovered(root, "a/b/Dockerfile"), Some("a/.hadolint.yml".into()));
    assert_eq!(discovered(root, "c/Dockerfile"), Some(".hadolint.yaml".into()));
}

#[test]
fn discovery_finds_nothing() {
    let dir = tree(&[("app/Dockerfile", "")]);
    match discover(&dir.path().join("app/Dockerfile")).unwrap() {
        None => {}
        // Only acceptable if it came from outside the temp dir.
        Some(p) => assert!(!p.starts_with(dir.path()), "{}", p.display()),
    }
}

#[test]
fn discovery_rejects_two_dockside_configs_in_one_dir() {
    let dir = tree(&[("dockside.toml", ""), (".dockside.toml", ""), ("sub/Dockerfile", "")]);
    let e = discover(&dir.path().join("sub/Dockerfile")).unwrap_err();
    assert_eq!(e.path, dir.path().join("dockside.toml"));
    assert!(e.message.contains("both `dockside.toml` and `.dockside.toml`"), "{}", e.message);
}

#[test]
fn load_by_file_name() {
    let dir = tree(&[
        ("dockside.toml", "ignore = [\"DL3006\"]\n"),
        (".hadolint.yml", "ignored: [DL3007]\n"),
        ("bad.toml", "\n\nselct = 1\n"),
        ("config.json", "{}"),
    ]);
    let load = |name: &str| load(&dir.path().join(name), Trust::Project);
    let s = load("dockside.toml").unwrap().settings;
    assert!(!s.is_enabled(meta("untagged-base-image")));
    let s = load(".hadolint.yml").unwrap().settings;
    assert!(!s.is_enabled(meta("latest-base-image")));
    let e = load("bad.toml").unwrap_err();
    assert_eq!((e.path.clone(), e.line, e.column), (dir.path().join("bad.toml"), 3, 1));
    assert!(load("config.json").unwrap_err().message.contains("unsupported config file type"));
    let e = load("missing.toml").unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.message.starts_with("cannot read config file"), "{}", e.message);
}

#[test]
fn a_project_config_may_not_choose_a_program() {
    let dir =
        tree(&[("dockside.toml", "ignore = [\"DL3006\"]\n\n  shellcheck-path = \"./evil.sh\"\nshellcheck = true\n")]);
    let config = dir.path().join("dockside.toml");
    let project = load(&config, Trust::Project).unwrap();
    assert_eq!(project.settings.shellcheck().path, None, "the program is dropped");
    assert!(!project.settings.is_enabled(meta("untagged-base-image")), "the rest of the file applies");
    let [warning] = project.warnings.as_slice() else { panic!("one warning: {:?}", project.warnings) };
    assert_eq!((warning.path.as_path(), warning.line, warning.column), (config.as_path(), 3, 3));
    let shown = warning.to_string();
    assert!(shown.starts_with(&format!("{}:3:3: warning: `shellcheck-path` (`", config.display())), "{shown}");
    assert!(shown.contains("evil.sh") && shown.contains("--shellcheck-path"), "{shown}");

    // The same file named by the user (`--config`) is trusted.
    let user = load(&config, Trust::User).unwrap();
    assert!(user.warnings.is_empty());
    assert_eq!(user.settings.shellcheck().path, Some(dir.path().join("./evil.sh")));

    // A project config takes the user config's program, never its own.
    let mut settings = project.settings.clone();
    settings.inherit_programs(&user.settings);
    assert_eq!(settings.shellcheck().path, Some(dir.path().join("./evil.sh")));
    let mut settings = user.settings.clone();
    settings.inherit_programs(&Settings::default());
    assert_eq!(settings.shellcheck().path, Some(dir.path().join("./evil.sh")), "an own choice is kept");
}

#[test]
fn shellcheck_timeout_bounds() {
    assert_eq!(shellcheck_timeout(1.5), Ok(Duration::from_millis(1500)));
    for bad in [0.0, -1.0, 600.5, f64::NAN, f64::INFINITY] {
        assert!(shellcheck_timeout(bad).is_err(), "{bad}");
    }
}
