//! libFuzzer target: see `checks::x12` (fuzz/checks.rs) for what it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::x12(data));
