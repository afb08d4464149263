//! The fuzz targets on stable Rust, as ordinary tests: every corpus file as
//! it is, then a fixed number of seeded mutations of them. The long runs
//! (libFuzzer, and the CLI over 20,000 mutations) are described in
//! docs/reliability.md.

use arbitrary::Unstructured;
use dockside_fuzz::mutate::{Bytes, mutate, tokens};
use dockside_fuzz::{LspRange, all_rules, every_property, fix_loop, incremental_edits, lsp_edits, shared_corpus};
use dockside_rules::{Settings, TextRange};

/// Mutations per `cargo test` run: enough to catch regressions of the
/// known crash classes in seconds; the long campaigns run outside CI.
const MUTATIONS: usize = 1500;

#[test]
fn every_corpus_file_fixes_to_a_fixed_point() {
    let Some(files) = shared_corpus("every_corpus_file_fixes_to_a_fixed_point") else { return };
    assert_eq!(files.len(), 2024, "unexpected corpus size");
    let defaults = Settings::default();
    let everything = all_rules();
    let mut failures = Vec::new();
    let (mut fixed_files, mut max_passes) = (0, 0);
    for (name, text) in &files {
        for (settings, which) in [(&defaults, "default rules"), (&everything, "every rule")] {
            for unsafe_fixes in [false, true] {
                match fix_loop(text, settings, unsafe_fixes) {
                    Ok(stats) => {
                        fixed_files += usize::from(stats.applied > 0);
                        max_passes = max_passes.max(stats.passes);
                    }
                    Err(e) => failures.push(record(&format!("{name}-{which}"), text, &e)),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
    // The fixes really ran: most corpus files have something to fix.
    assert!(fixed_files > 4000, "{fixed_files} fix runs changed a file");
    eprintln!("corpus: {fixed_files} fix runs changed a file; at most {max_passes} passes");
}

#[test]
fn mutated_corpus_files_keep_every_property() {
    let Some(files) = shared_corpus("mutated_corpus_files_keep_every_property") else { return };
    let tokens = tokens();
    let settings = all_rules();
    let mut bytes = Bytes::new(0xd0c5_1de0);
    let mut failures = Vec::new();
    for round in 0..MUTATIONS {
        let (name, original) = &files[bytes.next_u64() as usize % files.len()];
        let data = bytes.take(96);
        let Ok(text) = mutate(original, &mut Unstructured::new(&data), &tokens) else { continue };
        for e in every_property(&text, &settings) {
            failures.push(record(&format!("round-{round}-{name}"), &text, &e));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn incremental_edits_equal_fresh_parses_on_mutated_files() {
    let Some(files) = shared_corpus("incremental_edits_equal_fresh_parses_on_mutated_files") else { return };
    let tokens = tokens();
    let mut bytes = Bytes::new(0xed17);
    let mut failures = Vec::new();
    for round in 0..MUTATIONS / 5 {
        let (name, text) = &files[bytes.next_u64() as usize % files.len()];
        let edits: Vec<(TextRange, String)> = (0..20)
            .map(|_| {
                let at = bytes.next_u64() as usize % (text.len() + 1);
                let len = bytes.next_u64() as usize % 8;
                let token = &tokens[bytes.next_u64() as usize % tokens.len()];
                (TextRange::new(at, at + len), token.clone())
            })
            .collect();
        if let Err(e) = incremental_edits(text, &edits) {
            failures.push(record(&format!("edits-{round}-{name}"), text, &e));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}

/// The language server's edits on mutated corpus files: LSP positions in
/// both column units (past line ends, past the last line, inside
/// characters, reversed), inserting line breaks of every kind, multi-byte
/// text and whole replacements; after each, the server's text is the
/// protocol's and its model a fresh parse's.
#[test]
fn lsp_edits_give_the_protocols_text_and_a_fresh_model() {
    let Some(files) = shared_corpus("lsp_edits_give_the_protocols_text_and_a_fresh_model") else { return };
    let tokens = tokens();
    let mut bytes = Bytes::new(0x15_ed17);
    let mut failures = Vec::new();
    let mut applied = 0;
    for round in 0..MUTATIONS / 5 {
        let (name, text) = &files[bytes.next_u64() as usize % files.len()];
        let lines = text.lines().count() as u64 + 2;
        let position = |bytes: &mut Bytes| ((bytes.next_u64() % lines) as u32, (bytes.next_u64() % 90) as u32);
        let changes: Vec<(Option<LspRange>, String)> = (0..20)
            .map(|_| {
                let new_text = match bytes.next_u64() % 4 {
                    0 => String::new(),
                    _ => tokens[bytes.next_u64() as usize % tokens.len()].clone(),
                };
                if bytes.next_u64().is_multiple_of(50) {
                    return (None, format!("FROM a\r{new_text}\r\nRUN b\n"));
                }
                let start = position(&mut bytes);
                let end = if bytes.next_u64().is_multiple_of(3) { position(&mut bytes) } else { start };
                (Some((start, end)), new_text)
            })
            .collect();
        let utf8 = round % 2 == 0;
        applied += changes.len();
        if let Err(e) = lsp_edits(text, &changes, utf8) {
            failures.push(record(&format!("lsp-edits-{round}-{name}"), text, &e));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
    assert_eq!(applied, MUTATIONS / 5 * 20);
}

/// Keep a failing input in `target/fuzz-failures/` and say where, with the
/// start of the problem (inputs can be large).
fn record(name: &str, text: &str, problem: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    let path = dir.join(name.replace(' ', "-"));
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text));
    let short: String = problem.chars().take(600).collect();
    match saved {
        Ok(()) => format!("{}: {short}", path.display()),
        Err(e) => format!("{name} (not saved: {e}): {short}"),
    }
}

/// Short texts made of line breaks of every kind, escapes and instruction
/// pieces: where fixes meet `\r`, `\r\n` and continuations. No fix may split
/// a line break (the loop reports such an edit as a problem, which fails
/// `fix_loop`).
#[test]
fn line_break_soups_fix_cleanly() {
    const PIECES: &[&str] = &[
        "RUN",
        "RUN ",
        "FROM a",
        "\\",
        "\n",
        "\r\n",
        "\r",
        " ",
        "e",
        "#",
        "apt-get install x",
        "CMD [\"a\"]",
        "`",
        "# escape=`\n",
        "MAINTAINER m",
        "\t",
        "COPY a b c",
        "ARG A",
        "<<EOF\n",
        "EOF\n",
    ];
    let settings = all_rules();
    let mut bytes = Bytes::new(0x0c0d);
    let mut failures = Vec::new();
    for round in 0..3000 {
        let text: String =
            (0..2 + bytes.next_u64() % 10).map(|_| PIECES[bytes.next_u64() as usize % PIECES.len()]).collect();
        for unsafe_fixes in [false, true] {
            if let Err(e) = fix_loop(&text, &settings, unsafe_fixes) {
                failures.push(record(&format!("soup-{round}"), &text, &format!("{text:?}: {e}")));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}
