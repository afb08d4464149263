#![no_main]
//! The fix loop on any text, safe and unsafe, every rule on: it converges,
//! adds no syntax error, and a second run changes nothing.

use std::sync::LazyLock;

static SETTINGS: LazyLock<dockside_rules::Settings> = LazyLock::new(dockside_fuzz::all_rules);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockside_fuzz::fix_loop(text, &SETTINGS, false).unwrap();
        dockside_fuzz::fix_loop(text, &SETTINGS, true).unwrap();
    }
});
