#![no_main]
//! Incremental re-parse and model reuse after arbitrary edits equal a fresh
//! parse: the first part of the input is the text, the rest the edits.

use arbitrary::{Arbitrary, Unstructured};
use dockside_rules::TextRange;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(text) = <&str>::arbitrary(&mut u) else { return };
    let Ok(raw) = Vec::<(u16, u8, String)>::arbitrary(&mut u) else { return };
    let edits: Vec<(TextRange, String)> = raw
        .into_iter()
        .take(32)
        .map(|(at, len, insert)| (TextRange::new(at as usize, at as usize + len as usize % 16), insert))
        .collect();
    dockside_fuzz::incremental_edits(text, &edits).unwrap();
});
