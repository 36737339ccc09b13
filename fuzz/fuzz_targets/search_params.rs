//! libFuzzer target: see `checks::search_params` (fuzz/checks.rs) for what it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::search_params(data));
