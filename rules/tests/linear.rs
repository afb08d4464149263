//! Hostile input costs work linear in its size. Work is counted, not
//! timed: every allocation (count and bytes), on any thread (a large
//! document parses its scripts on all cores), while a file is parsed,
//! modelled and linted by every rule; one measurement runs at a time. For each shape that
//! once made a pass quadratic, a 1 MB file must cost at most 2.5 times a
//! 512 KB one (quadratic work would be 4 times), and at most a fixed
//! multiple of a file of plain RUN lines of the same size.
//!
//! tree-sitter's own C allocations are not counted; the grammar's scanner
//! is covered by the parse-only shapes' model and rule work, and by the
//! benchmark in `docs/benchmarks.md`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use dockside_rules::{Document, Settings, check_document};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
/// Held while a measurement runs: the counters are the whole process's.
static MEASURING: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations and allocated bytes of linting `text` from scratch.
fn work(text: &str) -> (u64, u64) {
    let counters = || (ALLOCATIONS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    let before = counters();
    let doc = Document::parse(text);
    let _ = doc.scopes();
    let found = check_document(&doc, &Settings::default());
    drop((doc, found));
    let after = counters();
    (after.0 - before.0, after.1 - before.1)
}

/// `head`, then `line(i)` for i = 0, 1, … until `size` bytes, then `tail`.
fn fill(size: usize, head: &str, line: impl Fn(usize) -> String, tail: &str) -> String {
    let mut out = head.to_string();
    let mut i = 0;
    while out.len() < size {
        out.push_str(&line(i));
        i += 1;
    }
    out.push_str(tail);
    out
}

/// `open` and `close` repeated to fill `size` around `middle`.
fn nest(size: usize, head: &str, open: &str, middle: &str, close: &str) -> String {
    let depth = size / (open.len() + close.len());
    format!("{head}{}{middle}{}\n", open.repeat(depth), close.repeat(depth))
}

const SIZE: usize = 1 << 20;

fn plain(size: usize) -> String {
    fill(size, "FROM alpine:3.20\n", |i| format!("RUN echo {i} > /tmp/f{i} && rm -rf /tmp/g{i}\n"), "")
}

/// The work of 1 MB of plain RUN lines, linted once for every test.
fn plain_work() -> (u64, u64) {
    static PLAIN: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();
    *PLAIN.get_or_init(|| work(&plain(SIZE)))
}

/// Work at 512 KB and 1 MB grows at most 2.5 times, and 1 MB of `shape`
/// costs at most `times` a plain file of 1 MB.
fn assert_linear(name: &str, shape: impl Fn(usize) -> String, times: u64) {
    // Other tests wait, also with making their inputs.
    let _alone = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let (half, full) = (shape(SIZE / 2), shape(SIZE));
    let (half, full) = (work(&half), work(&full));
    let base = plain_work();
    for (what, h, f, b) in [("allocations", half.0, full.0, base.0), ("bytes", half.1, full.1, base.1)] {
        let growth = f as f64 / h.max(1) as f64;
        assert!(growth <= 2.5, "{name}: {what} grew {growth:.2}x from 512 KB ({h}) to 1 MB ({f})");
        // 5% for the thread pool's own bookkeeping, which varies with how
        // the scripts were split between threads.
        let limit = (times * b) as f64 * 1.05;
        assert!(f as f64 <= limit, "{name}: {what} at 1 MB are {f}, over {times}x a plain file's {b}");
    }
}

#[test]
fn plain_run_lines() {
    assert_linear("plain RUN lines", plain, 1);
}

#[test]
fn files_copied_then_removed() {
    let shape = |size| fill(size, "FROM a\n", |i| format!("COPY a{i}.tgz /b{i}/\nRUN rm -rf /b{i}/a{i}.tgz /b\n"), "");
    assert_linear("COPY then rm", shape, 4);
}

#[test]
fn a_long_label_line_after_an_unterminated_quote() {
    let label = |size| fill(size, "FROM a\nLABEL m \"x \\\nb\n\nLABEL", |_| " k=\"v\"".to_string(), "\n");
    // Every 7 bytes are a pair of two words (key and value), each with its
    // parts: 8 times a plain file, whose RUN lines got cheaper (2026-12-07:
    // 4 times the plain file of before).
    assert_linear("long LABEL line after an unterminated quote", label, 8);
}

#[test]
fn unterminated_quotes_in_run_lines() {
    let runs = |size| fill(size, "FROM a\n", |i| format!("RUN echo \"x{i} && ls\n"), "");
    assert_linear("RUN lines with an unterminated quote", runs, 4);
}

#[test]
fn unbalanced_brackets() {
    let cmd = |size| fill(size, "FROM a\n", |i| format!("CMD [\"a{i}\", \"b\" [ {{ (\n"), "");
    assert_linear("unbalanced brackets", cmd, 4);
}

#[test]
fn unbalanced_parens() {
    let run = |size| fill(size, "FROM a\n", |i| format!("RUN echo $( ( ${{x{i} $(( ( [ `\n"), "");
    assert_linear("unbalanced parens", run, 4);
}

#[test]
fn thousands_of_continuations() {
    let continued =
        |size| fill(size, "FROM a\nRUN echo start \\\n", |i| format!("# c {i}\n  && echo {i} \\\n\n"), "  true\n");
    assert_linear("thousands of continuations", continued, 4);
}

#[test]
fn a_long_line_after_a_continuation() {
    let long = |size| fill(size, "FROM a\nLABEL a=1 \\\n ", |i| format!(" k{i}=\"v\""), "\n");
    assert_linear("a long line after a continuation", long, 4);
}

#[test]
fn one_long_and_chain() {
    // (Not `cd` or `A=…` in the chain: rules that walk up the bash tree from
    // them cost the depth of a long chain each; see docs/benchmarks.md.)
    let chain = |size| fill(size, "FROM a\nRUN true", |i| format!(" && echo {i} | tee /a{i}"), "\n");
    assert_linear("one long && chain", chain, 4);
}

#[test]
fn heredoc_markers_without_terminators() {
    let markers = |size| fill(size, "FROM a\n", |i| format!("RUN <<EOF{i} cat <<E2 <<E3\n"), "");
    assert_linear("heredoc markers", markers, 4);
}

#[test]
fn a_chain_of_stages() {
    let chain = |size| fill(size, "FROM alpine AS s0\n", |i| format!("FROM s{i} AS s{}\nRUN echo {i}\n", i + 1), "");
    assert_linear("a chain of stages", chain, 4);
}

#[test]
fn stages_copying_from_each_other() {
    let copies = |size| {
        fill(size, "FROM alpine AS s0\n", |i| format!("FROM alpine AS s{}\nCOPY --from=s{i} /a /b{i}\n", i + 1), "")
    };
    assert_linear("stages copying from each other", copies, 4);
}

#[test]
fn many_args_and_envs() {
    let vars = |size| fill(size, "FROM a\n", |i| format!("ARG A{i}=${{A{}}}x\nENV E{i}=$A{i}\n", i.max(1) - 1), "");
    assert_linear("many ARG/ENV", vars, 4);
}

#[test]
fn deep_expansions() {
    assert_linear("deep expansions", |size| nest(size, "FROM ", "${a:-", "x", "}"), 4);
}

#[test]
fn deep_command_substitutions() {
    assert_linear("deep command substitutions", |size| nest(size, "FROM a\nRUN echo ", "\"$(echo ", "x", ")\""), 4);
}

// Rules whose fix asks what later layers do with a cache, or that look at
// the RUNs before a command, once cost a walk over the file per command.

#[test]
fn many_pip_installs() {
    let pip = |size| fill(size, "FROM debian:12\n", |i| format!("RUN pip install p{i}==1.0\n"), "");
    assert_linear("many pip installs", pip, 4);
}

#[test]
fn many_package_index_refreshes() {
    let apt = |size| fill(size, "FROM debian:12\n", |i| format!("RUN apt-get update # {i}\n"), "");
    assert_linear("many apt-get updates", apt, 4);
}

#[test]
fn many_apt_installs() {
    let apt = |size| fill(size, "FROM debian:12\n", |i| format!("RUN apt install -y p{i}\n"), "");
    assert_linear("many apt installs", apt, 4);
}

#[test]
fn many_wget_downloads() {
    let wget = |size| fill(size, "FROM debian:12\n", |i| format!("RUN wget https://example.com/f{i}.tar.gz\n"), "");
    assert_linear("many wget downloads", wget, 4);
}

#[test]
fn many_go_builds() {
    let go =
        |size| fill(size, "FROM golang:1.23\nCOPY go.mod go.sum ./\n", |i| format!("RUN go build ./cmd/x{i}\n"), "");
    assert_linear("many go builds", go, 4);
}
