#![no_main]
//! The language server's incremental edits (LSP positions, both column
//! units) give the protocol's text and a fresh parse's model: the first part
//! of the input is the text, the rest the changes.

use arbitrary::{Arbitrary, Unstructured};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(text) = <&str>::arbitrary(&mut u) else { return };
    let Ok(utf8) = bool::arbitrary(&mut u) else { return };
    let Ok(raw) = Vec::<(Option<(u8, u8, u8, u8)>, String)>::arbitrary(&mut u) else { return };
    let changes: Vec<_> = raw
        .into_iter()
        .take(32)
        .map(|(range, new_text)| {
            let range = range.map(|(l1, c1, l2, c2)| ((u32::from(l1), u32::from(c1)), (u32::from(l2), u32::from(c2))));
            (range, new_text)
        })
        .collect();
    dockside_fuzz::lsp_edits(text, &changes, utf8).unwrap();
});
