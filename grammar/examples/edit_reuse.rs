//! How much of the tree an incremental re-parse rebuilds after a
//! one-character edit, from tree-sitter's own log, and how long it takes.
//!
//! `cargo run --release -p dockside-grammar --example edit_reuse -- FILE [EDITS]`
//!
//! The edits are those of the language-server benchmark (`benches/lsp.rs`):
//! an `x` typed at a pseudo-random place on a line of 8 or more ASCII
//! characters, then deleted again; each is applied to the tree of the text
//! before it, as an editor does. The counts come from a second pass with the
//! logger on (it slows the parser down, so the timed pass runs without it).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tree_sitter::{InputEdit, LogType, Parser, Point, Tree};

#[path = "../../benches/support/edit_points.rs"]
mod edit_points;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: edit_reuse FILE [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().map_or(200, |n| n.parse().expect("EDITS is a number"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let mut parser = Parser::new();
    parser.set_language(&dockside_grammar::LANGUAGE.into()).expect("ABI matches");

    let points = edit_points::edit_points(&text, edits / 2 + 1);
    let steps: Vec<(usize, bool)> =
        points.iter().flat_map(|p| [(p.offset, true), (p.offset, false)]).take(edits).collect();

    // Timed pass, logger off.
    let mut times = Vec::with_capacity(edits);
    let (mut current, mut tree) = (text.clone(), parser.parse(&text, None).expect("parses"));
    for &(at, insert) in &steps {
        let started = Instant::now();
        tree = reparse(&mut parser, &mut current, &tree, at, insert);
        times.push(started.elapsed());
    }

    // Counting pass, logger on.
    let counts: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let sink = Arc::clone(&counts);
    parser.set_logger(Some(Box::new(move |kind, message| {
        if kind != LogType::Parse {
            return;
        }
        let event = message.split([' ', ',']).next().unwrap_or("");
        *sink.lock().expect("not poisoned").entry(event.to_string()).or_default() += 1;
    })));
    let (mut current, mut tree) = (text.clone(), {
        let fresh = parser.parse(&text, None).expect("parses");
        counts.lock().expect("not poisoned").clear();
        fresh
    });
    for &(at, insert) in &steps {
        tree = reparse(&mut parser, &mut current, &tree, at, insert);
    }
    parser.set_logger(None);

    let fresh = Parser::parse(&mut parser, &text, None).expect("parses");
    println!(
        "{path}: {} lines, {} top-level nodes, {} edits",
        text.lines().count(),
        fresh.root_node().named_child_count(),
        steps.len()
    );
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("re-parse: p50 {} p90 {} p99 {}", ms(pick(0.5)), ms(pick(0.9)), ms(pick(0.99)));
    println!("log lines per edit (mean):");
    let counts = counts.lock().expect("not poisoned");
    for (event, n) in counts.iter() {
        println!("  {event:<52} {:>10.1}", *n as f64 / steps.len() as f64);
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Insert `x` at `at`, or delete the character there, and re-parse.
fn reparse(parser: &mut Parser, text: &mut String, old: &Tree, at: usize, insert: bool) -> Tree {
    let mut tree = old.clone();
    let start_position = point_at(text, at);
    let (old_end_byte, new_end_byte) = if insert { (at, at + 1) } else { (at + 1, at) };
    let old_end_position = point_at(text, old_end_byte);
    if insert {
        text.insert(at, 'x');
    } else {
        text.remove(at);
    }
    let new_end_position = point_at(text, new_end_byte);
    tree.edit(&InputEdit {
        start_byte: at,
        old_end_byte,
        new_end_byte,
        start_position,
        old_end_position,
        new_end_position,
    });
    parser.parse(text.as_str(), Some(&tree)).expect("parses")
}

fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    Point { row, column: offset - before.rfind('\n').map_or(0, |i| i + 1) }
}
