//! The short fuzz run of CI (issue 12): every fuzz target's checks (`fuzz/checks.rs`, the same
//! code the libFuzzer targets run) on its whole seed corpus and then on mutated inputs for a few
//! seconds each (`WELLSPRING_FUZZ_SECONDS`, default 3). Not coverage-guided — the long,
//! coverage-guided run is `cargo fuzz` (fuzz/README.md) — but it runs on the stable toolchain
//! inside the test build, so CI pays seconds, not a second instrumented build.

#[path = "../../../../fuzz/checks.rs"]
mod checks;

use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*), so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that change the structure of JSON, X12, query strings and forms.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\u0000",
    b"\\",
    b"~",
    b"*",
    b"^",
    b"&",
    b"=",
    b"%",
    b"%0",
    b"?",
    b"/",
    b"//",
    b"\t",
    b"\n",
    b"null",
    b"-1",
    b"1e999",
    b"99999999999999999999",
    b"\xff",
    b"\xc3",
    b"ISA",
    b"GS",
    b"ST",
    b"_has:",
    b":contains",
    b"_include=",
    b"resourceType",
    b"Bundle",
    b"transaction",
    b"entry",
    b"request",
    b"method",
    b"DELETE",
    b"GET",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                input.splice(i..i, t.iter().copied());
            }
            2 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                input.drain(a..b);
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let piece: Vec<u8> = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, piece);
            }
            4 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let at = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            _ => {
                let i = rng.below(len + 1);
                input.insert(i, (rng.next() & 0xff) as u8);
            }
        }
    }
}

fn run(target: &str, check: fn(&[u8])) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("seed corpus {}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds for {target}");
    let secs: u64 = std::env::var("WELLSPRING_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let try_one = |input: &[u8]| {
        if let Err(e) = std::panic::catch_unwind(|| check(input)) {
            eprintln!(
                "{target}: failing input ({} bytes): {:?}",
                input.len(),
                String::from_utf8_lossy(input)
            );
            std::panic::resume_unwind(e);
        }
    };
    for s in &seeds {
        try_one(s);
    }
    let mut rng = Rng(0x5eed_0000 ^ target.len() as u64 ^ (u64::from(target.as_bytes()[0]) << 32));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut n = 0u64;
    while Instant::now() < deadline {
        let mut input = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &seeds, &mut input);
        try_one(&input);
        n += 1;
    }
    eprintln!(
        "{target}: {} seeds and {n} mutated inputs in {secs} s",
        seeds.len()
    );
    assert!(n > 0, "{target}: no mutated input ran");
}

#[test]
fn fuzz_fhir_json() {
    run("fhir_json", checks::fhir_json);
}

#[test]
fn fuzz_search_params() {
    run("search_params", checks::search_params);
}

#[test]
fn fuzz_x12() {
    run("x12", checks::x12);
}

#[test]
fn fuzz_forms() {
    run("forms", checks::forms);
}

#[test]
fn fuzz_hl7() {
    run("hl7", checks::hl7);
}

#[test]
fn fuzz_bundle() {
    run("bundle", checks::bundle);
}
