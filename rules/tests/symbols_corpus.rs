//! Navigation symbols over the shared corpus (`../shared/corpus`, 2,024 real
//! Dockerfiles): building them never panics, every occurrence covers its
//! name in the text, and renaming every symbol to a fresh name gives a
//! Dockerfile whose symbols are the same with the new name.

use std::path::PathBuf;

use dockside_rules::Document;
use dockside_rules::model::{OccurrenceKind, SymbolKind, Symbols};

#[test]
fn symbols_of_the_corpus_cover_their_names_and_rename_consistently() {
    let Some(corpus) =
        dockside_rules::test_env::shared_corpus("symbols_of_the_corpus_cover_their_names_and_rename_consistently")
    else {
        return;
    };
    let dir = corpus.join("files");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let (mut symbols_seen, mut renamed) = (0, 0);
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "Dockerfile")) {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = Document::parse(&text);
        let symbols = Symbols::build(&doc);
        let name = path.display();
        for o in &symbols.occurrences {
            let symbol = &symbols.symbols[o.symbol];
            let written = &text[o.range.as_range()];
            let same = match (symbol.kind, o.kind) {
                (SymbolKind::Variable, _) => written == symbol.name,
                (SymbolKind::Stage, OccurrenceKind::Index) => written.parse::<usize>().is_ok(),
                (SymbolKind::Stage, _) => written.eq_ignore_ascii_case(&symbol.name),
            };
            assert!(same, "{name}: `{written}` at {:?} is not `{}`", o.range, symbol.name);
        }
        // Rename some symbols at their first occurrence (each rename costs a
        // parse); the result has the same number of occurrences under the
        // new name.
        for (id, symbol) in symbols.symbols.iter().enumerate().take(3) {
            symbols_seen += 1;
            let first = symbols.occurrences_of(id).find(|o| o.kind != OccurrenceKind::Index).unwrap();
            let new_name = match symbol.kind {
                SymbolKind::Stage => "renamed-stage",
                SymbolKind::Variable => "RENAMED_VAR",
            };
            let Ok(edits) = symbols.rename(&doc, first.range.start, new_name) else { continue };
            renamed += 1;
            let mut out = text.clone();
            for e in edits.iter().rev() {
                out.replace_range(e.range.as_range(), &e.new_text);
            }
            let after = Document::parse(&out);
            let after_symbols = Symbols::build(&after);
            let count = |s: &Symbols, name: &str| {
                s.occurrences
                    .iter()
                    .filter(|o| o.kind != OccurrenceKind::Index && s.symbols[o.symbol].name.eq_ignore_ascii_case(name))
                    .count()
            };
            assert_eq!(
                count(&after_symbols, new_name),
                symbols.occurrences_of(id).filter(|o| o.kind != OccurrenceKind::Index).count(),
                "{name}: renaming `{}` to {new_name}",
                symbol.name
            );
        }
    }
    eprintln!("{renamed} of {symbols_seen} symbols renamed");
    assert!(symbols_seen > 2_000 && renamed * 10 > symbols_seen * 9, "{renamed} of {symbols_seen} renamed");
}
