//! The incremental lint equals a from-scratch lint: thousands of random
//! edits on corpus files, with the edits that change what a cached unit may
//! depend on (a `FROM`, an `ARG`, an `ENV`, a `--from`, an `# escape=`
//! directive, a heredoc marker, pragmas) and a `.dockerignore` that
//! changes; after each one, the findings (fixes and related ranges
//! included) of [`IncrementalCheck`] and of `check_document` on a fresh
//! parse of the same text must be identical.

use std::path::Path;
use std::sync::Arc;

use super::{IncrementalCheck, check_document};
use crate::config::{BuildContext, Settings};
use crate::diagnostic::Diagnostic;
use crate::model::{BuildCache, InstructionKind};
use crate::random_edits::RandomEdits;
use crate::{Document, SyntaxTree};

/// What is inserted at random places (the empty string deletes).
const INSERTS: &[&str] = &[
    "x",
    "",
    "",
    " ",
    "\n",
    "\\\n",
    "$V",
    "\"",
    "#",
    "-",
    "é",
    "\nFROM alpine:3.19 AS extra\n",
    "\nFROM builder\n",
    "\nFROM scratch AS builder\nCOPY --from=0 / /\n",
    "\nARG V=1\n",
    "\nARG BASE=builder\n",
    "ARG ",
    "\nENV PATH=/opt/bin:$PATH V=2\n",
    "# escape=`\n",
    "# escape=\\\n",
    "# syntax=docker/dockerfile:1\n",
    "<<EOF\n",
    "<<-'EOT' bash\n",
    "\nEOF\n",
    "\nCOPY --from=builder /out /usr/local/bin/\n",
    "\nCOPY --from=${BASE} /a /b\n",
    "\nRUN --mount=from=0,target=/m true\n",
    "\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
    "\nRUN apt-get update && apt-get install curl\n",
    "\nONBUILD COPY --from=builder /x /y\n",
    "\n# dockside ignore=apt-get-missing-yes,pin-apt-package-versions\n",
    "\n# hadolint global ignore=DL3008\n",
    "\n# dockside global ignore=missing-user\n",
    "\nUSER root\n",
    "\nCMD [\"/app\"]\n",
    "\nEXPOSE 22\n",
    "\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\n",
    // Instructions some `reads: Kinds` rules read and others do not.
    "\nUSER app\n",
    "\nWORKDIR /tmp\n",
    "\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
    "\nLABEL org.opencontainers.image.title=x\n",
    "\nHEALTHCHECK NONE\n",
    "\nCOPY app.tar.gz /tmp/\n",
    "\nRUN curl -fsSL https://x/a | sh && wget -q https://x/b && rm -rf /tmp/app.tar.gz\n",
    "\nRUN sudo apt-get install -y gcc\n",
];

/// `.dockerignore` contents the build context switches between.
const DOCKERIGNORES: &[Option<&str>] =
    &[None, Some("*\n!src\n!package.json\n"), Some(".git\nnode_modules\n*.env\n"), Some("\n")];

/// The findings as compared: everything but the rule's whole metadata.
fn shown(found: &[Diagnostic]) -> Vec<String> {
    found
        .iter()
        .map(|d| format!("{} {:?} {:?} {:?} {:?} {:?}", d.rule.name, d.severity, d.range, d.message, d.fix, d.related))
        .collect()
}

/// Settings whose build context is `dir` with the `index`th `.dockerignore`.
fn settings_with_context(dir: &Path, index: usize) -> Arc<Settings> {
    let ignore = dir.join(".dockerignore");
    match DOCKERIGNORES[index % DOCKERIGNORES.len()] {
        Some(text) => std::fs::write(&ignore, text).expect("the .dockerignore is written"),
        None => {
            let _ = std::fs::remove_file(&ignore);
        }
    }
    Arc::new(Settings::default().with_build_context(BuildContext::load(&dir.join("Dockerfile"))))
}

/// An edit that removes a whole instruction of `kind` (a `FROM`, an
/// `ARG`), if the text has one.
fn remove_instruction(text: &str, kind: InstructionKind, edits: &mut RandomEdits) -> Option<std::ops::Range<usize>> {
    let doc = Document::parse(text);
    let of_kind: Vec<_> = doc.instructions.iter().filter(|i| i.kind == kind).collect();
    (!of_kind.is_empty()).then(|| of_kind[edits.below(of_kind.len())].range.as_range())
}

#[test]
fn incremental_lint_equals_a_fresh_lint_after_random_edits_on_the_corpus() {
    let Some(files) = crate::test_env::shared_corpus_files("incremental_lint_equals_a_fresh_lint") else { return };
    // A few dozen files, most of them with several stages (where units
    // and their keys matter), spread over the corpus.
    let multi: Vec<&(String, String)> =
        files.iter().filter(|(_, t)| t.matches("\nFROM ").count() >= 2 && t.len() < 12_000).collect();
    let single: Vec<&(String, String)> = files.iter().filter(|(_, t)| t.len() < 6_000).collect();
    let mut chosen: Vec<&(String, String)> = multi.iter().step_by((multi.len() / 30).max(1)).copied().collect();
    chosen.extend(single.iter().step_by((single.len() / 8).max(1)).copied());
    assert!(chosen.len() >= 30, "{} corpus files chosen", chosen.len());

    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut edits = RandomEdits::new(0x1ce_5eed);
    let (mut compared, mut reused_units, mut reused_rules) = (0, 0, 0);
    let mut context = 0;
    for (name, original) in chosen {
        let mut settings = settings_with_context(dir.path(), context);
        let mut check = IncrementalCheck::default();
        let mut cache = BuildCache::new();
        let mut text = original.clone();
        for step in 0..80 {
            match edits.below(20) {
                0 => {
                    if let Some(range) = remove_instruction(&text, InstructionKind::From, &mut edits) {
                        text.replace_range(range, "");
                    }
                }
                1 => {
                    if let Some(range) = remove_instruction(&text, InstructionKind::Arg, &mut edits) {
                        text.replace_range(range, "");
                    }
                }
                2 => {
                    context += 1;
                    settings = settings_with_context(dir.path(), context);
                }
                _ => {
                    let (range, insert) = edits.edit(&text, 12, INSERTS);
                    text.replace_range(range.as_range(), insert);
                }
            }
            if step % 40 == 39 {
                text = original.clone();
            }
            let model = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
            let incremental = check.check(&model, &settings);
            let fresh = check_document(&Document::parse(&text), &settings);
            assert_eq!(shown(&incremental), shown(&fresh), "{name}, step {step}: {text}");
            // As the server does: the next build takes over this model's parts.
            cache.reclaim(Arc::new(model));
            reused_units += check.kept_units();
            reused_rules += check.kept_rules();
            compared += 1;
        }
    }
    assert!(compared >= 3000, "{compared} edits compared");
    // The cache is used, not bypassed (about half the edits change what
    // every unit reads: a FROM, an ARG, an ENV, the settings).
    assert!(reused_units > compared / 5, "{reused_units} units kept over {compared} edits");
    // The `reads: Kinds` rules' findings too: several per edit.
    assert!(reused_rules > compared, "{reused_rules} rules kept over {compared} edits");
}

/// The same on the benchmark's shape: a long file of many small units,
/// where most of an edit's units come from the cache.
#[test]
fn incremental_lint_equals_a_fresh_lint_on_a_long_file() {
    let Some(files) = crate::test_env::shared_corpus_files("incremental_lint_equals_a_fresh_lint_on_a_long_file")
    else {
        return;
    };
    // Files of several units (no `--from` with an unknown variable, which
    // joins every stage), one after the other.
    let mut long: Vec<&(String, String)> = files
        .iter()
        .filter(|(_, t)| t.matches("\nFROM ").count() >= 4 && super::incremental::units(&Document::parse(t)).len() >= 3)
        .collect();
    long.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    let text_of = |(_, t): &&(String, String)| t.clone();
    let original: String = long.iter().take(8).map(text_of).collect::<Vec<_>>().join("\n");
    let settings = Arc::new(Settings::default());
    let mut check = IncrementalCheck::default();
    let mut cache = BuildCache::new();
    let mut edits = RandomEdits::new(0x10e6);
    let mut text = original.clone();
    let (mut reused, mut reused_rules) = (0, 0);
    for step in 0..150 {
        // Typing, mostly; back to the original now and then, before the
        // damage piles up (a `$V` typed into a `--from` joins every stage).
        let (range, insert) = edits.edit(&text, 6, &["x", "", " ", "\n", "-", "\nRUN apt-get install -y x\n"]);
        text.replace_range(range.as_range(), insert);
        if step % 30 == 29 {
            text = original.clone();
        }
        let model = Document::build_reusing(SyntaxTree::parse(text.as_str()), &mut cache);
        let incremental = check.check(&model, &settings);
        let fresh = check_document(&Document::parse(&text), &settings);
        assert_eq!(shown(&incremental), shown(&fresh), "step {step}: {text}");
        cache.reclaim(Arc::new(model));
        reused += usize::from(check.kept_units() > 0);
        reused_rules += check.kept_rules();
    }
    assert!(reused_rules > 150, "{reused_rules} rules kept over 150 edits");
    // Most edits change one unit's text only (those to a FROM, an ARG or
    // an ENV re-run every unit).
    assert!(reused > 150 / 2, "{reused} of 150 edits took units from the cache");
}

/// What a `Reads::Unit` declaration promises, checked without the cache:
/// text added to the last unit (no `FROM`, no ARG or ENV name, so the
/// document key stays), or another image in its `FROM` (the key holds the
/// stage's name and platform, not its image), changes no finding of such
/// a rule in the other units. A rule whose check reads a fact of the whole file (whether any
/// RUN uses a mount, what the last stage runs, who the final user is)
/// fails here until it declares `reads: Document`; random edits alone
/// rarely put the right fact in another unit than the finding.
#[test]
fn unit_rules_do_not_see_text_added_to_another_unit() {
    use crate::rule::Reads;
    let Some(files) = crate::test_env::shared_corpus_files("unit_rules_do_not_see_text_added_to_another_unit") else {
        return;
    };
    /// Facts a rule could read across units: mounts, installs and
    /// toolchains, users, ports, the program the image starts, SSH.
    const ADDED: &[&str] = &[
        "RUN --mount=type=cache,target=/root/.cache true",
        "RUN --mount=type=secret,id=x true",
        "RUN pip install flask && npm install && go build ./...",
        "RUN apt-get update && apt-get install -y gcc make build-essential",
        "RUN apk add --no-cache openssh-client git && git clone git@github.com:a/b.git",
        "USER root",
        "USER 1000:1000",
        "EXPOSE 22",
        "CMD [\"/app\"]",
        "ENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]",
        "RUN sudo true",
        "HEALTHCHECK CMD true",
        "COPY . .",
    ];
    const PROBE_FROM: &str = "FROM alpine:3.20 AS probe";
    /// Other images for the added stage: Windows, a full-size toolchain, a
    /// `latest` tag, no image, an unknown variable.
    const FROM_INSTEAD: &[&str] = &[
        "FROM debian:12 AS probe",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS probe",
        "FROM python:3.12 AS probe",
        "FROM node:latest AS probe",
        "FROM scratch AS probe",
        "FROM ${UNKNOWN_BASE} AS probe",
        "from golang AS probe",
    ];
    let settings = Settings::default();
    let mut checked = 0;
    // Each file with a stage of its own after it: the file's stages are
    // one or more units, the added stage another, and the additions go to
    // it (so it stays the last stage, which some rules look at).
    for (name, file) in files.iter().filter(|(_, t)| t.len() < 20_000).step_by(4) {
        let text = &format!("{}\n{PROBE_FROM}\nRUN true\n", file.trim_end_matches('\n'));
        let doc = Document::parse(text);
        let units = super::incremental::units(&doc);
        if units.len() < 2 || doc.stages.is_empty() {
            continue;
        }
        // Findings of `Unit` rules that lie in a unit other than the last
        // stage's: their text is the same before and after the addition.
        let last_stage = doc.stages.len() - 1;
        let last_unit = units.iter().find(|u| u.contains(&last_stage)).expect("every stage has a unit");
        let boundary = doc.instructions[doc.stages[last_stage].from].range.start;
        let elsewhere = |found: &[Diagnostic], doc: &Document| -> Vec<String> {
            let spans = super::incremental::stage_spans(doc);
            shown(
                &found
                    .iter()
                    .filter(|d| crate::registry::find_rule(d.rule.name).is_some_and(|r| r.reads == Reads::Unit))
                    .filter(|d| {
                        d.range.end <= boundary
                            && spans
                                .iter()
                                .position(|s| s.start <= d.range.start && d.range.start < s.end.max(s.start + 1))
                                .is_some_and(|stage| !last_unit.contains(&stage))
                    })
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        };
        let before = elsewhere(&check_document(&doc, &settings), &doc);
        // The last stage's `FROM` changed (its name and platform stay: the
        // document key holds them), or lines added to it.
        let from_changed = FROM_INSTEAD.iter().map(|from| text.replace(PROBE_FROM, from));
        let lines_added = ADDED.iter().map(|added| format!("{}\n{added}\n", text.trim_end_matches('\n')));
        for edited in from_changed.chain(lines_added) {
            let added = &edited[boundary..];
            let edited_doc = Document::parse(&edited);
            let after = elsewhere(&check_document(&edited_doc, &settings), &edited_doc);
            assert_eq!(before, after, "{name}: `{added}` as the last stage changed findings in another unit");
        }
        checked += 1;
    }
    assert!(checked > 300, "only {checked} corpus files were checked");
}

/// A rule with a document check says what it reads: `Unit` would promise
/// that it reads one unit, and a document check reads them all.
#[test]
fn document_checks_declare_what_they_read() {
    use crate::rule::Reads;
    for rule in crate::registry::all_rules() {
        if rule.check_document.is_some() {
            assert_ne!(rule.reads, Reads::Unit, "{} has a document check and declares `reads: Unit`", rule.meta.name);
        }
    }
}

/// What a `reads: Kinds(…)` declaration promises, checked without the
/// cache: an instruction of a kind the rule does not read, added to a stage
/// of a corpus file (so that the document key stays: for ARG and ENV, a name
/// the file already declares), leaves its findings as they were, moved.
/// Each addition is one or more kinds; it is tried on the rules that
/// declare none of them. A rule that reads a kind it did not declare fails
/// here (the SHELL additions fail `pipe-without-pipefail` without `Shell`).
#[test]
fn kinds_rules_do_not_see_instructions_of_other_kinds() {
    use super::incremental::{Instructions, Pairing, document_key, entries};
    use super::{by_kind, run_document_checks, run_instructions};
    use crate::rule::{Reads, Rule};
    let Some(files) = crate::test_env::shared_corpus_files("kinds_rules_do_not_see_instructions_of_other_kinds") else {
        return;
    };
    const ADDED: &[&str] = &[
        "RUN curl -fsSL https://x/a.tar.gz -o /tmp/a.tar.gz | tar -xz && rm -rf /tmp/a.tar.gz /app /tmp/*",
        "RUN --mount=type=cache,target=/root/.cache pip install flask && go build ./...",
        "RUN sudo apt-get install -y gcc && wget https://x/y.zip && useradd -s /usr/bin/git-shell git",
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99 && echo go1.10.linux-amd64",
        "COPY . /app/",
        "COPY --from=0 /a.tar.gz /tmp/",
        "COPY id_rsa .env /root/",
        "ADD https://x/y.tar.gz /tmp/",
        "ADD . /",
        "USER root",
        "USER app",
        "WORKDIR /tmp",
        "WORKDIR app",
        "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]",
        "SHELL [\"powershell\", \"-Command\"]",
        "EXPOSE 22",
        "HEALTHCHECK CMD true",
        "HEALTHCHECK NONE",
        "LABEL org.opencontainers.image.title=probe",
        "CMD [\"bash\"]",
        "ENTRYPOINT [\"gosu\", \"app\"]",
        "VOLUME /data",
        "STOPSIGNAL SIGTERM",
        "MAINTAINER someone",
        "ONBUILD RUN sudo rm -rf /tmp/*",
        "ONBUILD COPY . /app",
        "FOO bar",
    ];
    let rules: Vec<(&'static Rule, u32)> =
        crate::registry::all_rules().iter().filter_map(|&r| Some((r, Reads::kinds_read(r)?))).collect();
    assert!(rules.len() >= 10, "{} rules declare `reads: Kinds`", rules.len());
    // The kinds an addition is (an ONBUILD is also its inner instruction's).
    let kinds_of = |added: &str| -> u32 {
        let doc = Document::parse(&format!("FROM x\n{added}\n"));
        entries(&doc).iter().skip(1).fold(0, |bits, e| bits | 1 << e.kind as u32)
    };
    // A label schema, so that `missing-required-label` has something to say.
    let mut settings = Settings::default();
    for key in ["org.opencontainers.image.title", "org.opencontainers.image.version"] {
        settings.required_labels.insert(key.to_string(), crate::settings::LabelType::Text);
    }
    let stage_part = |doc: &Document, rule: &'static Rule| -> Vec<Diagnostic> {
        let stages = &doc.instructions[doc.prelude().len()..];
        let mut found = run_instructions(doc, &settings, &by_kind(std::iter::once(rule)), stages);
        found.extend(run_document_checks(doc, &settings, &[rule]));
        found
    };
    let mut edits = RandomEdits::new(0x6b1d5);
    let mut compared = vec![0usize; rules.len()];
    let mut with_findings = vec![0usize; rules.len()];
    // Each file as it is, and with what makes the rules that rarely fire
    // in the corpus fire: an instruction before the first `FROM`, stages
    // with reserved, duplicate and upper-case names, an unused one, an
    // archive copied and removed in a later layer, `sudo`, both
    // download tools and a pipe, port 22, a secret copied, a root user.
    const SEEDED: &str = "\nFROM alpine:3.20\nFROM alpine AS Seed\nRUN true\nFROM alpine AS scratch\n\
        FROM scratch AS scratch\nCOPY --from=SEED /a /b\nCOPY app.tar.gz /tmp/\nRUN rm /tmp/app.tar.gz\n\
        RUN sudo apt-get install -y curl && curl -fsSL https://x/a | sh && wget -q https://x/b\n\
        EXPOSE 22\nCOPY id_rsa .env /root/\nUSER root\n";
    let chosen = files.iter().filter(|(_, t)| t.len() < 16_000 && t.contains("\nFROM ")).step_by(8);
    let variants = chosen.flat_map(|(name, t)| [(name, t.clone()), (name, format!("LABEL a=b\n{t}{SEEDED}"))]);
    for (name, text) in variants {
        let text = &text;
        let doc = Document::parse(text);
        let in_stages: Vec<_> = doc.instructions[doc.prelude().len()..].iter().collect();
        if in_stages.is_empty() {
            continue;
        }
        let key = document_key(&doc, &[]);
        let before: Vec<Vec<Diagnostic>> = rules.iter().map(|&(r, _)| stage_part(&doc, r)).collect();
        // ARG and ENV with a name the file declares.
        let mut added: Vec<String> = ADDED.iter().map(|a| a.to_string()).collect();
        for ins in doc.instructions.iter().filter(|i| matches!(i.kind, InstructionKind::Arg | InstructionKind::Env)) {
            if let Some(pair) = ins.pairs.first().filter(|p| !p.key.has_expansion()) {
                let name = pair.key.value();
                added.push(format!("ARG {name}=/tmp/a.tar.gz"));
                added.push(format!("ENV {name}=root"));
                break;
            }
        }
        for addition in &added {
            let kinds = kinds_of(addition);
            for _ in 0..2 {
                let after = in_stages[edits.below(in_stages.len())];
                let mut edited = text.clone();
                edited.insert_str(after.range.end, &format!("\n{addition}"));
                let new_doc = Document::parse(&edited);
                if document_key(&new_doc, &[]) != key {
                    continue;
                }
                let (old_entries, new_entries) = (entries(&doc), entries(&new_doc));
                let old = Instructions { text, entries: &old_entries };
                let new = Instructions { text: &edited, entries: &new_entries };
                let prelude_end = super::incremental::stage_spans(&new_doc).first().map_or(edited.len(), |s| s.start);
                for (i, &(rule, read)) in rules.iter().enumerate() {
                    if read & kinds != 0 {
                        continue;
                    }
                    // The addition changed no instruction the rule reads (it
                    // did not land in a heredoc, say), and every offset of
                    // the rule's findings can move: the cache would use them.
                    let Some(pairing) = Pairing::of(&old, &new, read) else { continue };
                    let Some(moved) = pairing.moved(&old, &new, before[i].clone(), prelude_end) else { continue };
                    let fresh = stage_part(&new_doc, rule);
                    assert_eq!(
                        shown(&moved),
                        shown(&fresh),
                        "{}: adding `{addition}` after line {} of {name} changed its findings:\n{edited}",
                        rule.meta.name,
                        text[..after.range.end].matches('\n').count() + 1,
                    );
                    compared[i] += 1;
                    with_findings[i] += usize::from(!fresh.is_empty());
                }
            }
        }
    }
    for (i, (rule, _)) in rules.iter().enumerate() {
        assert!(compared[i] > 500, "{}: only {} edits compared", rule.meta.name, compared[i]);
    }
    let fired: Vec<(&str, usize)> = rules.iter().zip(&with_findings).map(|((r, _), &n)| (r.meta.name, n)).collect();
    eprintln!("edits compared with findings, by rule: {fired:?}");
    for (name, n) in &fired {
        assert!(*n > 0, "{name} had no findings to compare: {fired:?}");
    }
}

/// The document key holds each stage's name and platform, not its image:
/// changing the image of one stage re-runs its unit only, and the result is
/// still a fresh lint's.
#[test]
fn changing_a_stage_image_re_runs_its_unit_only() {
    let text = "FROM alpine:3.19 AS a\nRUN apk add curl\nFROM debian:12 AS b\nRUN apt-get install curl\n\
                FROM alpine:3.19\nCOPY --from=a /x /y\nUSER root\n";
    let settings = Arc::new(Settings::default());
    let mut check = IncrementalCheck::default();
    let mut cache = BuildCache::new();
    check.check(&Document::build_reusing(SyntaxTree::parse(text), &mut cache), &settings);
    for (from, to) in [("debian:12", "ubuntu:24.04"), ("debian:12", "python:3.12"), ("debian:12", "node:latest")] {
        let edited = text.replace(from, to);
        let model = Document::build_reusing(SyntaxTree::parse(edited.as_str()), &mut cache);
        let incremental = check.check(&model, &settings);
        assert_eq!(shown(&incremental), shown(&check_document(&Document::parse(&edited), &settings)), "{edited}");
        assert_eq!((check.kept_units(), check.stages_run()), (1, 1), "{edited}");
        check.check(&Document::build_reusing(SyntaxTree::parse(text), &mut cache), &settings);
    }
}
