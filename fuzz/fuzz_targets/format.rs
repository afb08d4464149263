#![no_main]
//! Format any text: idempotent, no syntax error added, what the build sees unchanged.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockside_fuzz::format(text).unwrap();
    }
});
