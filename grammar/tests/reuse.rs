//! Incremental parsing reuses whole stages: counted from tree-sitter's log
//! (what the parser did, not how long it took).
//!
//! The nodes of a `repeat` are fragile in tree-sitter (they come from a
//! parse-table entry with two actions) and are never reused whole, so with
//! every instruction at the top level a one-character edit re-pushed each
//! instruction of the file one by one. Each stage is now a node of its own,
//! closed by a token, which an edit elsewhere leaves to be reused at once.

use std::sync::{Arc, Mutex};

use tree_sitter::{InputEdit, LogType, Parser, Point, Tree};

const STAGES: usize = 60;
const RUNS_PER_STAGE: usize = 7;

/// A prelude ARG, then `STAGES` stages of a FROM, comments, blank lines and
/// `RUN_PER_STAGE` RUNs (some continued over two lines).
fn long_dockerfile() -> String {
    let mut text = String::from("# syntax=docker/dockerfile:1\nARG BASE=debian:12\n\n");
    for s in 0..STAGES {
        text.push_str(&format!("# stage {s}\nFROM ${{BASE}} AS s{s}\n"));
        for r in 0..RUNS_PER_STAGE {
            if r % 3 == 0 {
                text.push_str(&format!("RUN apt-get update && \\\n    apt-get install -y pkg{s}x{r}\n"));
            } else {
                text.push_str(&format!("RUN echo stage {s} step {r} > /tmp/f{r}\n"));
            }
        }
        text.push('\n');
    }
    text
}

fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    Point { row: before.matches('\n').count(), column: offset - before.rfind('\n').map_or(0, |i| i + 1) }
}

/// The parse log's lines, by the event that starts them.
#[derive(Default)]
struct Log(Vec<String>);

impl Log {
    fn count(&self, prefix: &str) -> usize {
        self.0.iter().filter(|l| l.starts_with(prefix)).count()
    }

    /// Stages taken whole from the old tree.
    fn whole_stages(&self) -> usize {
        self.0.iter().filter(|l| *l == "reuse_node symbol:_stage").count()
    }
}

fn logging_parser() -> (Parser, Arc<Mutex<Log>>) {
    let mut parser = Parser::new();
    parser.set_language(&dockside_grammar::LANGUAGE.into()).unwrap();
    let log: Arc<Mutex<Log>> = Arc::default();
    let sink = Arc::clone(&log);
    parser.set_logger(Some(Box::new(move |kind, line| {
        if kind == LogType::Parse {
            sink.lock().unwrap().0.push(line.to_string());
        }
    })));
    (parser, log)
}

/// Type `x` at `at` and re-parse with the old tree; the log of that parse.
fn type_x(parser: &mut Parser, log: &Mutex<Log>, text: &str, old: &Tree, at: usize) -> (String, Tree, Log) {
    let mut edited = text.to_string();
    edited.insert(at, 'x');
    let mut tree = old.clone();
    tree.edit(&InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: point_at(text, at),
        old_end_position: point_at(text, at),
        new_end_position: point_at(&edited, at + 1),
    });
    log.lock().unwrap().0.clear();
    let new = parser.parse(&edited, Some(&tree)).unwrap();
    let taken = std::mem::take(&mut *log.lock().unwrap());
    (edited, new, taken)
}

#[test]
fn an_edit_reparses_its_own_stage_and_reuses_the_others_whole() {
    let text = long_dockerfile();
    let (mut parser, log) = logging_parser();
    let tree = parser.parse(&text, None).unwrap();
    let fresh_shifts = std::mem::take(&mut *log.lock().unwrap()).count("shift");
    let instructions = 1 + STAGES * (1 + RUNS_PER_STAGE);
    assert_eq!(tree.root_node().named_child_count(), 1 + instructions + STAGES, "directive, instructions, comments");

    // In the first, a middle and the last stage.
    for stage in [0, STAGES / 2, STAGES - 1] {
        let line = format!("RUN echo stage {stage} step 1 ");
        let at = text.find(&line).unwrap() + "RUN echo st".len();
        let (edited, new, log) = type_x(&mut parser, &log, &text, &tree, at);

        let mut plain = Parser::new();
        plain.set_language(&dockside_grammar::LANGUAGE.into()).unwrap();
        let fresh = plain.parse(&edited, None).unwrap();
        assert_eq!(new.root_node().to_sexp(), fresh.root_node().to_sexp(), "stage {stage}");

        // Every other stage is taken whole from the old tree.
        let whole_stages = log.whole_stages();
        assert!(whole_stages >= STAGES - 2, "stage {stage}: {whole_stages} stages reused whole of {STAGES}");
        // So the parser handles about one node per stage plus the lines of
        // the edited stage, not each instruction of the file (it did: some
        // 480 reused nodes and as many shifts here).
        let reused = log.count("reuse_node");
        let shifts = log.count("shift");
        let bound = STAGES + 4 * (1 + RUNS_PER_STAGE) + 10;
        assert!(reused <= bound, "stage {stage}: {reused} nodes reused one by one (bound {bound})");
        assert!(shifts <= bound, "stage {stage}: {shifts} shifts (bound {bound})");
        assert!(shifts * 10 < fresh_shifts, "stage {stage}: {shifts} shifts, a fresh parse {fresh_shifts}");
        assert!(log.count("lexed_lookahead") < 20, "stage {stage}: {} tokens lexed", log.count("lexed_lookahead"));
    }
}

#[test]
fn a_new_from_splits_a_stage_and_a_lost_one_joins_two() {
    let text = long_dockerfile();
    let (mut parser, log) = logging_parser();
    let mut plain = Parser::new();
    plain.set_language(&dockside_grammar::LANGUAGE.into()).unwrap();
    let froms = |tree: &Tree| {
        let root = tree.root_node();
        root.named_children(&mut root.walk()).filter(|n| n.kind() == "from_instruction").count()
    };
    // `FRO echo …` (an unknown instruction) becomes `FROM echo …`.
    let unknown = text.replace("RUN echo stage 9 step 2", "FRO echo stage 9 step 2");
    // `FROM ${BASE} AS s7` becomes `FROMx ${BASE} AS s7` (an unknown
    // instruction).
    let cases = [
        (unknown.clone(), unknown.find("FRO echo stage 9").unwrap() + 3, 'M', STAGES + 1),
        (text.clone(), text.find("FROM ${BASE} AS s7").unwrap() + 4, 'x', STAGES - 1),
    ];
    for (before, at, typed, stages) in cases {
        let tree = parser.parse(&before, None).unwrap();
        let mut after = before.clone();
        after.insert(at, typed);
        let mut old = tree.clone();
        old.edit(&InputEdit {
            start_byte: at,
            old_end_byte: at,
            new_end_byte: at + 1,
            start_position: point_at(&before, at),
            old_end_position: point_at(&before, at),
            new_end_position: point_at(&after, at + 1),
        });
        log.lock().unwrap().0.clear();
        let incremental = parser.parse(&after, Some(&old)).unwrap();
        let fresh = plain.parse(&after, None).unwrap();
        assert_eq!(incremental.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert_eq!(froms(&fresh), stages);
        // The stages around the edit change; the others are reused whole.
        let whole = log.lock().unwrap().whole_stages();
        assert!(whole >= STAGES - 3, "{whole} stages reused whole");
    }
}
