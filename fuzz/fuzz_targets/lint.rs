#![no_main]
//! Lint any text with every rule on: no rule crashes, every range is valid.

use std::sync::LazyLock;

static SETTINGS: LazyLock<dockside_rules::Settings> = LazyLock::new(dockside_fuzz::all_rules);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockside_fuzz::lint(text, &SETTINGS).unwrap();
    }
});
