#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Shared test helpers.

use std::path::PathBuf;

use jiff::civil::{date, time};
use wellspring_x12::Envelope;

/// Our envelope (we are WELLSPRING, the partner is ACMECORP).
pub fn env() -> Envelope {
    let mut e = Envelope::new(
        "WELLSPRING",
        "ACMECORP",
        date(2026, 4, 1),
        time(12, 30, 0, 0),
        42,
        42,
    );
    e.usage = 'T';
    e
}

/// Recompute SE01 after a test edited the segments of the (single) transaction.
pub fn fix_counts(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let st = lines.iter().position(|l| l.starts_with("ST*")).unwrap();
    let se = lines.iter().position(|l| l.starts_with("SE*")).unwrap();
    let n = se - st + 1;
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i == se {
            let ctl = l.trim_end_matches('~').rsplit('*').next().unwrap();
            out.push_str(&format!("SE*{n}*{ctl}~\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// `X12_OUT_DIR`, created, when set: sample outputs are written there for pyx12.
pub fn out_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("X12_OUT_DIR")?);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}
