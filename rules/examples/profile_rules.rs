//! Where the time goes on one file: model build (with reused scripts) and
//! each rule, repeated. `cargo run --release -p dockside-rules --example profile_rules -- FILE`
use std::time::Instant;

use dockside_rules::model::{BuildCache, Document};
use dockside_rules::registry::all_rules;
use dockside_rules::syntax::SyntaxTree;
use dockside_rules::{Settings, check_document, check_with_rules};

fn main() {
    let path = std::env::args().nth(1).expect("a Dockerfile");
    let text = std::fs::read_to_string(path).unwrap();
    let reps = 50;
    let settings = Settings::default();
    let mut cache = BuildCache::new();
    let _ = Document::build_reusing(SyntaxTree::parse(text.clone()), &mut cache);
    // `PROFILE_ONLY=model`: only model builds, for a profiler.
    if std::env::var("PROFILE_ONLY").as_deref() == Ok("model") {
        let tree = SyntaxTree::parse(text.clone());
        for _ in 0..reps * 6 {
            drop(Document::build_reusing(tree.clone(), &mut cache));
        }
        return;
    }
    let t = Instant::now();
    for _ in 0..reps {
        let _ = SyntaxTree::parse(text.clone());
    }
    println!("parse (full)       {:8.3} ms", t.elapsed().as_secs_f64() * 1e3 / reps as f64);
    // One character typed in the middle of the file, then deleted.
    let mut tree = SyntaxTree::parse(text.clone());
    let at = text[..text.len() / 2].rfind('\n').map_or(0, |i| i + 1);
    // `PROFILE_ONLY=edit`: only incremental re-parses, for a profiler.
    if std::env::var("PROFILE_ONLY").as_deref() == Ok("edit") {
        for _ in 0..reps * 20 {
            tree.edit(dockside_rules::TextRange::new(at, at), "x");
            tree.edit(dockside_rules::TextRange::new(at, at + 1), "");
        }
        return;
    }
    let t = Instant::now();
    for _ in 0..reps {
        tree.edit(dockside_rules::TextRange::new(at, at), "x");
        tree.edit(dockside_rules::TextRange::new(at, at + 1), "");
    }
    println!("incremental edit   {:8.3} ms", t.elapsed().as_secs_f64() * 1e3 / (2 * reps) as f64);
    let trees: Vec<_> = (0..reps).map(|_| SyntaxTree::parse(text.clone())).collect();
    let t = Instant::now();
    let mut docs: Vec<Document> = trees.into_iter().map(|tree| Document::build_reusing(tree, &mut cache)).collect();
    println!("model (reusing)    {:8.3} ms", t.elapsed().as_secs_f64() * 1e3 / reps as f64);
    let doc = docs.pop().expect("built");
    let t = Instant::now();
    drop(docs);
    println!("model (drop)       {:8.3} ms", t.elapsed().as_secs_f64() * 1e3 / (reps - 1) as f64);
    let fresh: Vec<_> =
        (0..reps).map(|_| Document::build_reusing(SyntaxTree::parse(text.clone()), &mut cache)).collect();
    let t = Instant::now();
    for d in &fresh {
        let _ = d.scopes();
    }
    println!("scopes (first use) {:8.3} ms", t.elapsed().as_secs_f64() * 1e3 / reps as f64);
    // `PROFILE_ONLY=rules`: only the rules, for a profiler.
    if std::env::var("PROFILE_ONLY").as_deref() == Ok("rules") {
        for _ in 0..reps * 6 {
            drop(check_document(&doc, &settings));
        }
        return;
    }
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        n = check_document(&doc, &settings).len();
    }
    println!("all rules          {:8.3} ms  ({n} diagnostics)", t.elapsed().as_secs_f64() * 1e3 / reps as f64);
    let mut rows = Vec::new();
    for rule in all_rules() {
        let t = Instant::now();
        for _ in 0..reps {
            let _ = check_with_rules(&doc, &settings, &[rule]);
        }
        rows.push((t.elapsed().as_secs_f64() * 1e3 / reps as f64, rule.meta.name));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, name) in rows.iter().take(25) {
        println!("  {ms:8.3} ms  {name}");
    }
}
