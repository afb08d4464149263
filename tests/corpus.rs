//! The shared corpus (`../shared/corpus`, 2,024 real Dockerfiles): every file
//! parses with no ERROR/MISSING node except the truly invalid ones listed
//! here, and the files hadolint 2.15.1 cannot parse (DL1000) are checked one
//! by one. Linting and fixing every file, and mutations of them, are the
//! fuzz harness's tests (`fuzz/tests/stable.rs`). Best run with `--release`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockside_rules::Document;

/// The corpus folder, or `None` when the test is skipped (see
/// `dockside_rules::test_env`: never under `CI=true`).
fn corpus_dir(test: &str) -> Option<PathBuf> {
    dockside_rules::test_env::shared_corpus(test)
}

fn corpus_files(test: &str) -> Option<Vec<(String, String)>> {
    let files = dockside_rules::test_env::shared_corpus_files(test)?;
    assert_eq!(files.len(), 2024, "unexpected corpus size");
    Some(files)
}

/// Files whose tree has ERROR/MISSING nodes, and why that is right.
const INVALID_TREES: &[(&str, &str)] = &[
    ("0652", "moby parser fixture `escapes`: an unbalanced `\"` in an ADD path"),
    ("0658", "moby parser fixture `escapes`: an unbalanced `\"` in an ADD path"),
    ("1078", "buildkit parser fixture `env`: `'a\\'b'` leaves a single quote open"),
    ("1083", "buildkit parser fixture `escapes`: an unbalanced `\"` in an ADD path"),
    ("1085", "buildkit parser fixture `health`: `HEALTHCHECK CONNECT`, not NONE or CMD"),
    ("1765", "`FROM python:3. #Install …`: FROM takes an image and an optional `AS name`"),
    ("2011", "dockerfilelint example: `ENV a=b value`, a pair followed by a bare word"),
];

/// vscode-dev-containers templates with `${templateOption:…}` placeholders
/// (`:` followed by a letter is no expansion operator; BuildKit rejects it).
const TEMPLATES: &[&str] = &[
    "1651", "1652", "1653", "1659", "1660", "1664", "1665", "1667", "1673", "1674", "1675", "1678", "1693", "1700",
    "1711", "1712", "1725", "1728", "1731", "1732", "1739", "1744",
];

fn number(name: &str) -> &str {
    name.trim_end_matches(".Dockerfile")
}

#[test]
fn every_valid_file_parses_without_error_nodes() {
    let mut unexpected = Vec::new();
    let mut clean_but_listed = Vec::new();
    let Some(files) = corpus_files("every_valid_file_parses_without_error_nodes") else { return };
    for (name, text) in files {
        let doc = Document::parse(&text);
        let tree_has_error = doc.syntax().root().has_error();
        let listed = INVALID_TREES.iter().any(|(n, _)| *n == number(&name)) || TEMPLATES.contains(&number(&name));
        match (tree_has_error, listed) {
            (true, false) => unexpected.push(format!("{name}: {:?}", doc.syntax().syntax_errors().first())),
            (false, true) => clean_but_listed.push(name),
            _ => {}
        }
    }
    assert!(unexpected.is_empty(), "ERROR/MISSING nodes in valid files:\n{}", unexpected.join("\n"));
    assert!(clean_but_listed.is_empty(), "listed as invalid but parse cleanly: {clean_but_listed:?}");
}

/// What dockside says about each file hadolint 2.15.1 fails to parse.
/// `None`: dockside parses it without any syntax error (hadolint is wrong);
/// `Some(reason)`: dockside reports a syntax error, for that reason.
const HADOLINT_DL1000: &[(&str, Option<&str>)] = &[
    ("0207", None), // mongo nanoserver: Windows path ending in `\` under escape=`
    ("0211", None),
    ("0215", None),
    ("0219", None),
    ("0638", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0640", None),
    ("0644", None),
    ("0656", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0676", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0677", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0678", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0679", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0682", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0683", Some("2013 `docker-version` instruction, unknown to Docker today")),
    ("0727", None),
    ("0733", Some("a comment continued on a line without `#` becomes an unknown instruction")),
    ("1054", None),
    ("1063", None),
    ("1067", Some("buildkit negative fixture `env_no_value`: `ENV PATH` without a value")),
    ("1078", Some("unbalanced quote")),
    ("1084", Some("buildkit parser fixture `flags`: `COPY --user=me` fails at build time")),
    ("1085", Some("HEALTHCHECK CONNECT")),
    ("1100", None),
    ("1318", Some("a missing `\\` before `about.tags=…` makes it an unknown instruction")),
    ("1574", None), // awesome-compose: a comment right after a heredoc terminator
    ("1575", None),
    ("1577", None),
    ("1578", None),
    ("1579", None),
    ("1580", None),
    ("1581", None),
    ("1591", None),
    ("1592", None),
    ("1593", None),
    ("1594", None),
    ("1595", None),
    ("1596", None),
    ("1597", None),
    ("1598", None),
    ("1599", None),
    ("1600", None),
    ("1601", None),
    ("1602", None),
    ("1603", None),
    ("1604", None),
    ("1605", None),
    ("1758", Some("`ADD` without arguments")),
    ("2011", Some("ENV pair followed by a bare word")),
    ("2024", None),
];

#[test]
fn files_hadolint_cannot_parse_are_checked_one_by_one() {
    let Some(corpus) = corpus_dir("files_hadolint_cannot_parse_are_checked_one_by_one") else { return };
    let baseline = std::fs::read_to_string(corpus.join("hadolint-baseline.tsv")).unwrap();
    let dl1000: std::collections::BTreeSet<String> = baseline
        .lines()
        .filter(|l| l.split('\t').nth(3) == Some("DL1000"))
        .map(|l| number(l.split('\t').next().unwrap().trim_start_matches("files/")).to_string())
        .collect();
    let listed: std::collections::BTreeSet<String> = HADOLINT_DL1000.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(dl1000, listed, "the DL1000 list must match the baseline");
    let files: BTreeMap<String, String> = corpus_files("files_hadolint_cannot_parse_are_checked_one_by_one")
        .expect("the corpus folder is there")
        .into_iter()
        .map(|(n, t)| (number(&n).to_string(), t))
        .collect();
    let mut wrong = Vec::new();
    for (n, expected) in HADOLINT_DL1000 {
        let doc = Document::parse(&files[*n]);
        let errors: Vec<String> = doc.syntax_errors.iter().map(|e| e.message.clone()).collect();
        match (expected, errors.is_empty()) {
            (None, false) => wrong.push(format!("{n}: expected to parse, got {errors:?}")),
            (Some(reason), true) => wrong.push(format!("{n}: expected a syntax error ({reason}), got none")),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `dockside check --fix --unsafe-fixes` over a copy of the whole corpus,
/// with ShellCheck off and on: no internal error, no syntax error added
/// anywhere, and a second run changes nothing.
#[test]
fn the_cli_fixes_the_whole_corpus_to_a_fixed_point_with_and_without_shellcheck() {
    let Some(files) = corpus_files("the_cli_fixes_the_whole_corpus_to_a_fixed_point_with_and_without_shellcheck")
    else {
        return;
    };
    let mut modes = vec![false];
    if dockside_rules::test_env::shellcheck("the ShellCheck half of the corpus --fix test") {
        modes.push(true);
    }
    for with_shellcheck in modes {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let config = if with_shellcheck { "" } else { "shellcheck = false\n" };
        std::fs::write(dir.path().join("dockside.toml"), config).unwrap();
        let dockside = |args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockside"))
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("the binary runs");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let syntax_errors = || {
            dockside(&["check", "--select", "syntax-error", "--format", "concise", "."])
                .1
                .lines()
                .filter(|l| l.contains("[syntax-error]"))
                .count()
        };
        let errors_before = syntax_errors();
        let (code, stdout, stderr) = dockside(&["check", "--fix", "--unsafe-fixes", "--format", "concise", "."]);
        assert_eq!(code, Some(1), "shellcheck={with_shellcheck}: {stderr}");
        assert!(!stderr.contains("internal error"), "shellcheck={with_shellcheck}: {stderr}");
        let fixed: usize = stdout
            .lines()
            .find_map(|l| l.strip_prefix("Fixed ")?.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no `Fixed N issues` line in:\n{}", &stdout[stdout.len().saturating_sub(500)..]));
        assert!(fixed > 3000, "shellcheck={with_shellcheck}: only {fixed} fixes applied");
        assert_eq!(syntax_errors(), errors_before, "shellcheck={with_shellcheck}: the fixes changed the syntax errors");
        let after: Vec<String> =
            files.iter().map(|(name, _)| std::fs::read_to_string(dir.path().join(name)).unwrap()).collect();
        let (_, again, stderr) = dockside(&["check", "--fix", "--unsafe-fixes", "--format", "concise", "."]);
        assert!(again.contains("Fixed 0 issues"), "shellcheck={with_shellcheck}: a second run fixed more:\n{stderr}");
        for ((name, _), text) in files.iter().zip(&after) {
            assert_eq!(
                &std::fs::read_to_string(dir.path().join(name)).unwrap(),
                text,
                "{name} changed on the second run"
            );
        }
    }
}

/// Rules that may report on overlapping ranges, because they say different
/// things about the same words, and why. Any other pair meeting on the
/// corpus fails the test below: two rules saying one thing at one place
/// (a BuildKit-named and a hadolint-named rule on one instruction, or a
/// second finding about what BuildKit rejects) is noise.
const DIFFERENT_THINGS: &[(&str, &str, &str)] = &[
    ("add-instead-of-copy", "broad-copy-before-install", "ADD for a local copy vs the copy's place before an install"),
    ("apk-add-keeps-cache", "apk-unpinned-package", "cache left in the layer vs unpinned versions"),
    ("apk-add-keeps-cache", "package-manager-mismatch", "the command fails on this base vs its cache"),
    ("apk-unpinned-package", "package-manager-mismatch", "the command fails on this base vs its versions"),
    ("apk-unpinned-package", "toolchain-in-final-stage", "unpinned versions vs a compiler in the shipped image"),
    ("apt-get-installs-recommends", "apt-get-missing-yes", "extra packages vs the prompt that aborts the build"),
    ("apt-get-installs-recommends", "apt-get-unpinned-package", "extra packages vs unpinned versions"),
    ("apt-get-installs-recommends", "signature-check-disabled", "extra packages vs unverified packages"),
    ("apt-get-installs-recommends", "sudo-in-run", "extra packages vs sudo"),
    ("apt-get-installs-recommends", "toolchain-in-final-stage", "extra packages vs a compiler in the shipped image"),
    ("apt-get-missing-yes", "apt-get-unpinned-package", "the prompt vs unpinned versions"),
    ("apt-get-unpinned-package", "toolchain-in-final-stage", "unpinned versions vs a compiler in the shipped image"),
    ("apt-instead-of-apt-get", "apt-lists-not-removed", "apt's unstable CLI vs lists left in the layer"),
    ("apt-instead-of-apt-get", "package-index-update-alone", "apt's unstable CLI vs a stale cached index"),
    ("base-image-end-of-life", "full-size-base-image", "no security fixes vs image size"),
    ("base-image-end-of-life", "missing-user", "the base image vs the user the image runs as"),
    ("base-image-near-end-of-life", "full-size-base-image", "security fixes ending soon vs image size"),
    ("base-image-near-end-of-life", "missing-user", "the base image vs the user the image runs as"),
    ("broad-copy-before-install", "copy-all-without-dockerignore", "cache order vs what the context leaks"),
    ("broad-copy-before-install", "relative-copy-destination", "cache order vs a destination the base decides"),
    ("chown-after-copy", "world-writable-chmod", "files stored twice vs files anyone may change"),
    ("curl-and-wget", "wget-verbose-progress", "two download tools vs a noisy log"),
    ("curl-pipe-to-shell", "pipe-without-pipefail", "unverified code run vs a hidden failure"),
    ("curl-pipe-to-shell", "sudo-in-run", "unverified code run vs sudo"),
    ("dnf-cache-not-cleaned", "dnf-unpinned-package", "cache left in the layer vs unpinned versions"),
    ("full-size-base-image", "latest-base-image", "image size vs a moving tag"),
    ("full-size-base-image", "missing-user", "image size vs the user the image runs as"),
    ("gem-unpinned-package", "package-cache-left-behind", "unpinned versions vs cache left in the layer"),
    ("go-unpinned-package", "package-cache-left-behind", "unpinned versions vs cache left in the layer"),
    ("instruction-before-from", "multiple-cmd", "the missing FROM vs a CMD without effect"),
    ("invalid-label-key", "legacy-key-value-format", "the key's spelling vs the instruction's form"),
    ("latest-base-image", "missing-user", "a moving tag vs the user the image runs as"),
    ("legacy-key-value-format", "trailing-comment", "the legacy form vs a `#` that is no comment"),
    ("missing-cache-mount", "package-cache-left-behind", "downloads again on rebuild vs bytes in the image"),
    ("missing-cache-mount", "yarn-cache-not-cleaned", "downloads again on rebuild vs bytes in the image"),
    ("missing-cache-mount", "sudo-in-run", "downloads again on rebuild vs sudo"),
    ("missing-user", "untagged-base-image", "the user the image runs as vs a missing tag"),
    ("npm-unpinned-package", "package-cache-left-behind", "unpinned versions vs cache left in the layer"),
    ("package-cache-left-behind", "sudo-in-run", "cache left in the layer vs sudo"),
    ("pip-install-keeps-cache", "pip-unpinned-package", "cache left in the layer vs unpinned versions"),
    ("yum-cache-not-cleaned", "yum-unpinned-package", "cache left in the layer vs unpinned versions"),
    ("zypper-cache-not-cleaned", "zypper-unpinned-package", "cache left in the layer vs unpinned versions"),
];

#[test]
fn no_two_rules_report_one_thing_at_one_place() {
    let Some(files) = corpus_files("no_two_rules_report_one_thing_at_one_place") else { return };
    let settings = dockside_rules::config::parse_toml("shellcheck = false\n", std::path::Path::new("dockside.toml"))
        .expect("config loads");
    let mut unexpected: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (name, text) in &files {
        let doc = Document::parse(text);
        let found = dockside_rules::check_document(&doc, &settings);
        for (i, a) in found.iter().enumerate() {
            for b in &found[i + 1..] {
                let same_spot = a.range == b.range || a.range.overlaps(b.range);
                if a.rule.name == b.rule.name || !same_spot {
                    continue;
                }
                let (x, y) = if a.rule.name < b.rule.name { (a, b) } else { (b, a) };
                if DIFFERENT_THINGS.iter().any(|(p, q, _)| *p == x.rule.name && *q == y.rule.name) {
                    continue;
                }
                let line = text[..x.range.start].matches('\n').count() + 1;
                unexpected.entry((x.rule.name.to_string(), y.rule.name.to_string())).or_default().push(format!(
                    "{}:{line}: {} / {}",
                    number(name),
                    x.message,
                    y.message
                ));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "rules reporting at one place (one thing said twice, or add the pair with its reason to DIFFERENT_THINGS):\n{}",
        unexpected
            .iter()
            .map(|((x, y), places)| format!("{x} + {y}: {} (e.g. {})", places.len(), places[0]))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
