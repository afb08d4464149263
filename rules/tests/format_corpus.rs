//! The formatter over the shared corpus (`../shared/corpus`, 2,024 real
//! Dockerfiles): formatting twice gives the bytes of formatting once, what
//! the build sees is unchanged (judged by `support/buildkit_view.rs`, which
//! shares no code with the formatter), and no file gains a syntax error.
//! Best run with `--release`.

#[path = "support/buildkit_view.rs"]
mod buildkit_view;

use dockside_rules::Document;
use dockside_rules::format::{FormatOptions, Indent, OperatorPosition, format};

/// The corpus, or `None` when the test is skipped (never under `CI=true`).
fn corpus(test: &str) -> Option<Vec<(String, String)>> {
    let files = dockside_rules::test_env::shared_corpus_files(test)?;
    assert_eq!(files.len(), 2024, "unexpected corpus size");
    Some(files)
}

/// The default style and one with every option changed.
fn styles() -> [FormatOptions; 2] {
    let other = FormatOptions {
        indent: Indent::Tab,
        tab_width: 8,
        line_width: 60,
        operator_position: OperatorPosition::End,
        max_blank_lines: 0,
        blank_line_before_from: false,
        final_newline: false,
    };
    [FormatOptions::default(), other]
}

#[test]
fn formatting_is_idempotent_on_the_corpus() {
    let mut failures = Vec::new();
    let mut changed = 0;
    let Some(files) = corpus("formatting_is_idempotent_on_the_corpus") else { return };
    for options in styles() {
        for (name, text) in &files {
            let once = format(text, &options);
            changed += usize::from(once != *text);
            if format(&once, &options) != once {
                failures.push(name);
            }
        }
    }
    assert!(failures.is_empty(), "not idempotent: {failures:?}");
    // The test means something only if the formatter changed files.
    assert!(changed > 2000, "only {changed} files changed");
}

#[test]
fn formatting_keeps_what_the_build_sees_on_the_corpus() {
    let mut failures = Vec::new();
    let Some(files) = corpus("formatting_keeps_what_the_build_sees_on_the_corpus") else { return };
    for options in styles() {
        for (name, text) in &files {
            let formatted = format(text, &options);
            let (before, after) = (buildkit_view::view(text), buildkit_view::view(&formatted));
            if before != after {
                let diff = before
                    .instructions
                    .iter()
                    .zip(&after.instructions)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("{a:?}\n  -> {b:?}"))
                    .unwrap_or_else(|| "directives, comments or instruction count".to_string());
                failures.push(format!("{name}: {diff}"));
                continue;
            }
            let errors = |t: &str| Document::parse(t.strip_prefix('\u{FEFF}').unwrap_or(t)).syntax_errors.len();
            if errors(&formatted) > errors(text) {
                failures.push(format!("{name}: more syntax errors"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} files changed meaning:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}

/// Shell scripts are laid out in most files: the checker above is not
/// comparing files the formatter left alone.
#[test]
fn the_corpus_exercises_the_shell_layout() {
    let mut broken_chains = 0;
    let Some(files) = corpus("the_corpus_exercises_the_shell_layout") else { return };
    for (_, text) in files {
        let formatted = format(&text, &FormatOptions::default());
        broken_chains += formatted.matches("\\\n    && ").count();
    }
    assert!(broken_chains > 5000, "{broken_chains}");
}
