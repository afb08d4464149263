//! What parsing alone costs, under the model: the Dockerfile grammar over
//! the whole file, and tree-sitter-bash over every RUN script, keeping every
//! tree (as the model does), next to a full `Document::parse`.
//!
//!     cargo run --release -p dockside-rules --example parse_floor -- FILE...
//!
//! Prints seconds and the bytes held at the end of each phase (glibc's
//! counters), so the model's own cost can be read as the difference.

use std::time::Instant;

/// Bytes malloc has handed out and not had back: Rust's allocations and
/// tree-sitter's (C) alike.
fn live() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    unsafe { libc::mallinfo2() }.uordblks
}

/// CPU seconds (user and system) this process has used so far.
fn cpu() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// A phase's wall and CPU seconds.
struct Clock(Instant, f64);

impl Clock {
    fn start() -> Clock {
        Clock(Instant::now(), cpu())
    }
    fn read(&self) -> String {
        format!("{:.3} s wall, {:.3} s CPU", self.0.elapsed().as_secs_f64(), cpu() - self.1)
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).expect("readable file")).collect();
    let input: usize = texts.iter().map(String::len).sum();
    let base = live();

    // The Dockerfile grammar alone.
    let t = Clock::start();
    let trees: Vec<_> = texts.iter().map(|t| dockside_rules::SyntaxTree::parse(t.as_str())).collect();
    let dockerfile_s = t.read();
    let dockerfile_bytes = live() - base;

    // The RUN scripts as the model hands them to bash (joined continuations).
    let scripts: Vec<String> = texts
        .iter()
        .map(|t| dockside_rules::Document::parse(t))
        .flat_map(|doc| doc.instructions.iter().filter_map(|i| i.script().map(|s| s.text.clone())).collect::<Vec<_>>())
        .collect();
    let script_bytes: usize = scripts.iter().map(String::len).sum();
    let before = live();
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_bash::LANGUAGE.into()).expect("bash grammar");
    let t = Clock::start();
    let bash: Vec<_> = scripts.iter().map(|s| parser.parse(s, None).expect("no timeout")).collect();
    let bash_s = t.read();
    let bash_bytes = live() - before;
    drop(bash);
    drop(trees);

    // The whole model.
    let before = live();
    let t = Clock::start();
    let docs: Vec<_> = texts.iter().map(|t| dockside_rules::Document::parse(t)).collect();
    let model_s = t.read();
    let model_bytes = live() - before;
    let t = Clock::start();
    drop(docs);
    let drop_s = t.read();

    println!(
        "input: {} files, {:.2} MB; {} RUN scripts, {:.2} MB",
        files.len(),
        mb(input),
        scripts.len(),
        mb(script_bytes)
    );
    println!("dockerfile grammar: {dockerfile_s}, trees hold {:.1} MB", mb(dockerfile_bytes));
    println!("bash grammar:       {bash_s}, trees hold {:.1} MB", mb(bash_bytes));
    println!("Document::parse:    {model_s}, holds {:.1} MB; drop {drop_s}", mb(model_bytes));
}
