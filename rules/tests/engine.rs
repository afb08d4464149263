//! The engine through the public API: suppressions, BuildKit's check
//! directive, severities and positions that cross line continuations.

use dockside_rules::{Document, Settings, Severity, TextRange, check};

fn rules_found(source: &str) -> Vec<String> {
    check(source, &Settings::default()).diagnostics.iter().map(|d| d.rule.name.to_string()).collect()
}

#[test]
fn ignore_pragmas_apply_to_the_next_instruction_only() {
    let source = "# dockside ignore=untagged-base-image\nFROM ubuntu\nFROM debian\n";
    let found = check(source, &Settings::default()).diagnostics;
    let untagged: Vec<_> = found.iter().filter(|d| d.rule.name == "untagged-base-image").collect();
    assert_eq!(untagged.len(), 1, "{found:?}");
    assert_eq!(&source[untagged[0].range.as_range()], "debian");
}

#[test]
fn hadolint_pragmas_and_aliases_work() {
    assert!(!rules_found("# hadolint ignore=DL3006,DL3025\nFROM ubuntu\n").contains(&"untagged-base-image".into()));
    assert!(
        !rules_found("FROM ubuntu:24.04\n# hadolint ignore=DL3014\nRUN apt-get install curl\n")
            .contains(&"apt-get-missing-yes".into())
    );
    // A pragma naming another rule does not hide this one.
    assert!(rules_found("# hadolint ignore=DL3008\nFROM ubuntu\n").contains(&"untagged-base-image".into()));
}

#[test]
fn a_blank_line_detaches_a_pragma() {
    assert!(rules_found("# dockside ignore=DL3006\n\nFROM ubuntu\n").contains(&"untagged-base-image".into()));
}

#[test]
fn global_pragmas_cover_the_file() {
    let source = "FROM ubuntu\nFROM debian\n# hadolint global ignore=DL3006\n";
    assert!(!rules_found(source).contains(&"untagged-base-image".into()));
    let source = "# dockside global ignore=reproducibility-is-not-a-rule,untagged-base-image\nFROM ubuntu\n";
    assert!(!rules_found(source).contains(&"untagged-base-image".into()));
}

#[test]
fn buildkit_check_directive_skips_and_escalates() {
    let shell_form = "FROM alpine:3\nCMD echo hi\n";
    assert!(rules_found(shell_form).contains(&"shell-form-command".into()));
    assert!(
        !rules_found(&format!("# check=skip=JSONArgsRecommended\n{shell_form}")).contains(&"shell-form-command".into())
    );
    assert!(!rules_found(&format!("# check=skip=all\n{shell_form}")).contains(&"shell-form-command".into()));
    // skip only affects rules that are BuildKit checks.
    assert!(rules_found("# check=skip=all\nFROM ubuntu\n").contains(&"untagged-base-image".into()));
    let errors = check(&format!("# check=error=true\n{shell_form}"), &Settings::default()).diagnostics;
    let d = errors.iter().find(|d| d.rule.name == "shell-form-command").unwrap();
    assert_eq!(d.severity, Severity::Error);
    // Not a directive once a comment came first.
    assert!(rules_found(&format!("# hello\n# check=skip=all\n{shell_form}")).contains(&"shell-form-command".into()));
}

#[test]
fn words_split_by_a_continuation_map_to_both_lines() {
    let source = "FROM debian:12\nRUN apt-get ins\\\ntall curl\n";
    let doc = Document::parse(source);
    let script = doc.instructions[1].script().unwrap();
    assert_eq!(script.text, "apt-get install curl");
    let install = &script.commands[0].args[0];
    assert_eq!(install.text, "install");
    assert_eq!(install.range, TextRange::new(source.find("ins").unwrap(), source.find("tall").unwrap() + 4));
    let found = check(source, &Settings::default()).diagnostics;
    let d = found.iter().find(|d| d.rule.name == "apt-get-missing-yes").unwrap();
    assert_eq!(&source[d.range.as_range()], "apt-get ins\\\ntall curl");
}

#[test]
fn heredoc_scripts_keep_their_line_numbers() {
    let source = "FROM debian:12\nRUN <<EOF\nset -e\napt-get install curl\nEOF\n";
    let doc = Document::parse(source);
    let found = check(source, &Settings::default()).diagnostics;
    let d = found.iter().find(|d| d.rule.name == "apt-get-missing-yes").unwrap();
    assert_eq!(doc.line_index.position(source, d.range.start, dockside_rules::ColumnUnit::Char).line, 3);
}

#[test]
fn variables_resolve_through_arg_defaults_and_stages() {
    let source = "ARG REG=registry.example.com:5000\nARG TAG=1.2\nFROM ${REG}/team/app:${TAG} AS base\nENV HOME_DIR=/app\nFROM base\n";
    let doc = Document::parse(source);
    match &doc.stages[0].base {
        dockside_rules::model::Base::Image { reference, resolved, .. } => {
            assert!(resolved);
            assert_eq!(reference.registry.as_deref(), Some("registry.example.com:5000"));
            assert_eq!(reference.path, "team/app");
            assert_eq!(reference.tag.as_deref(), Some("1.2"));
        }
        other => panic!("unexpected base {other:?}"),
    }
    assert_eq!(doc.stages[1].base, dockside_rules::model::Base::Stage(0));
    let scope = dockside_rules::model::Scope::at(&doc, 4);
    assert_eq!(scope.value("HOME_DIR").as_deref(), Some("/app"), "ENV is inherited through FROM <stage>");
    assert_eq!(scope.value("TAG"), None, "global ARGs are not visible in a stage without ARG TAG");
}

#[test]
fn a_buildkit_check_name_can_cover_several_rules() {
    let source = "FROM alpine:3\nCMD [\"a\"]\nCMD [\"b\"]\nENTRYPOINT [\"x\"]\nENTRYPOINT [\"y\"]\n";
    let found = rules_found(source);
    assert!(found.contains(&"multiple-cmd".into()) && found.contains(&"multiple-entrypoint".into()), "{found:?}");
    let skipped = rules_found(&format!("# check=skip=MultipleInstructionsDisallowed\n{source}"));
    assert!(!skipped.contains(&"multiple-cmd".into()) && !skipped.contains(&"multiple-entrypoint".into()));
    let names: Vec<&str> =
        dockside_rules::find_rules("MultipleInstructionsDisallowed").iter().map(|r| r.meta.name).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let mut settings = Settings::default();
    settings.apply_overrides(&["MultipleInstructionsDisallowed".into()], &[], &[]).unwrap();
    let only = check(source, &settings).diagnostics;
    assert!(only.iter().all(|d| names.contains(&d.rule.name)) && only.len() == 2, "{only:?}");
}

#[test]
fn windows_images_run_cmd_not_sh() {
    let doc = Document::parse("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %PATH% | findstr x\n");
    assert!(doc.instructions[1].script().is_none(), "cmd scripts are not parsed as POSIX shell");
    let doc = Document::parse(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"bash\", \"-c\"]\nRUN echo $PATH\n",
    );
    assert!(doc.instructions[2].script().is_some(), "an explicit POSIX SHELL wins");
}

#[test]
fn shell_pragmas_set_the_shell_of_the_runs_below() {
    let shells = |source: &str| -> Vec<Option<String>> {
        let doc = Document::parse(source);
        let runs = doc.instructions.iter().filter(|i| i.keyword.eq_ignore_ascii_case("run"));
        runs.map(|i| i.script().map(|s| s.shell_name().to_string())).collect()
    };
    // In a stage: from the pragma to the end of the stage; SHELL still wins.
    let source = "FROM ubuntu AS a\nRUN x\n# hadolint shell=powershell\nRUN y\n\nRUN z\nFROM a\nRUN w\n\
                  SHELL [\"/bin/bash\", \"-c\"]\nRUN v\nFROM ubuntu\nRUN u\n";
    assert_eq!(shells(source), [Some("sh".into()), None, None, None, Some("bash".into()), Some("sh".into())]);
    // Above every instruction: the shell of every stage (Windows ones too).
    let source =
        "# dockside shell=bash\nFROM ubuntu\nRUN x\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN y\n";
    assert_eq!(shells(source), [Some("bash".into()), Some("bash".into())]);
    // Right above a later FROM it ends with the stage it stands in.
    assert_eq!(shells("FROM ubuntu\n# hadolint shell=cmd\nFROM ubuntu\nRUN x\n"), [Some("sh".into())]);
    // After a global ARG it is no default either, as in hadolint.
    assert_eq!(shells("ARG V=1\n# hadolint shell=cmd\nFROM ubuntu\nRUN x\n"), [Some("sh".into())]);
    // Non-POSIX scripts are not parsed, so shell-command rules skip them.
    let found = rules_found("FROM ubuntu:24.04\n# hadolint shell=pwsh\nRUN apt-get install curl\n");
    assert!(!found.contains(&"apt-get-missing-yes".into()), "{found:?}");
}

#[test]
fn stage_pragmas_cover_the_rest_of_their_stage() {
    let source = "FROM alpine:3 AS a\nMAINTAINER x\n# hadolint stage ignore=DL4000,DL3006\nFROM ubuntu AS b\n\
                  MAINTAINER y\nRUN true\nMAINTAINER z\nFROM ubuntu AS c\nMAINTAINER w\n";
    let found = check(source, &Settings::default()).diagnostics;
    let lines = |rule: &str| -> Vec<usize> {
        found
            .iter()
            .filter(|d| d.rule.name == rule)
            .map(|d| source[..d.range.start].matches('\n').count() + 1)
            .collect()
    };
    assert_eq!(lines("maintainer-deprecated"), [2, 9], "{found:?}");
    assert_eq!(lines("untagged-base-image"), [8], "{found:?}");
    // Mid-stage: from the instruction below to the end of the stage.
    let source =
        "FROM alpine:3\nMAINTAINER x\n# dockside stage ignore=maintainer-deprecated\nMAINTAINER y\nMAINTAINER z\n";
    let found: Vec<_> = check(source, &Settings::default()).diagnostics;
    assert_eq!(found.iter().filter(|d| d.rule.name == "maintainer-deprecated").count(), 1, "{found:?}");
    // A blank line detaches it; above a global ARG it covers no stage.
    assert!(rules_found("# hadolint stage ignore=DL3006\n\nFROM ubuntu\n").contains(&"untagged-base-image".into()));
    assert!(
        rules_found("# hadolint stage ignore=DL3006\nARG V=1\nFROM ubuntu\n").contains(&"untagged-base-image".into())
    );
}

#[test]
fn disable_ignore_pragma_turns_ignore_pragmas_off() {
    let source = "# hadolint global ignore=DL3006\nFROM ubuntu AS a\n# dockside ignore=DL4000\nMAINTAINER x\n\
                  # hadolint stage ignore=DL4000\nFROM alpine:3\nMAINTAINER y\n";
    assert!(!rules_found(source).iter().any(|r| r == "untagged-base-image" || r == "maintainer-deprecated"));
    let mut settings = Settings::default();
    settings.set_ignore_pragmas(false);
    let found: Vec<String> = check(source, &settings).diagnostics.iter().map(|d| d.rule.name.to_string()).collect();
    assert_eq!(found.iter().filter(|r| *r == "maintainer-deprecated").count(), 2, "{found:?}");
    assert!(found.contains(&"untagged-base-image".into()), "{found:?}");
    // BuildKit's directive is no ignore pragma: it still applies.
    let source = "# check=skip=MaintainerDeprecated\nFROM alpine:3\nMAINTAINER y\n";
    assert!(!check(source, &settings).diagnostics.iter().any(|d| d.rule.name == "maintainer-deprecated"));
}

#[test]
fn pair_keys_and_values_are_unquoted_and_complete() {
    let doc = Document::parse(
        "FROM a\nLABEL \"com.example.vendor\"=ACME legacy=1\nLABEL maintainer Jane Doe\nARG EMPTY=\nENV K=\"v w\"\n",
    );
    let label = &doc.instructions[1].pairs;
    assert_eq!(label[0].key.value(), "com.example.vendor");
    assert_eq!(label[0].value.as_ref().unwrap().value(), "ACME");
    let legacy = &doc.instructions[2].pairs[0];
    assert!(legacy.legacy);
    assert_eq!(legacy.key.value(), "maintainer");
    assert_eq!(legacy.value.as_ref().unwrap().value(), "Jane Doe");
    let empty = &doc.instructions[3].pairs[0];
    assert_eq!(empty.value.as_ref().map(|v| v.value()).as_deref(), Some(""), "`ARG EMPTY=` has an empty value");
    assert_eq!(doc.instructions[4].pairs[0].value.as_ref().unwrap().value(), "v w");
}

#[test]
fn a_run_chaining_thousands_of_commands_does_not_overflow_the_stack() {
    // Run on a thread with a small stack: recursion over the bash tree
    // (one level per `&&`) would overflow it.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut source = String::from("FROM debian:12\nRUN true");
            for i in 0..20_000 {
                source.push_str(&format!(" \\\n && echo {i}"));
            }
            source.push('\n');
            let doc = Document::parse(&source);
            assert_eq!(doc.instructions[1].script().unwrap().commands.len(), 20_001);
            check(&source, &Settings::default()).diagnostics.len()
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}
