#![no_main]
//! Parse and model any text: ranges stay inside it. `cargo fuzz run parse --features libfuzzer`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockside_fuzz::parse(text).unwrap();
    }
});
