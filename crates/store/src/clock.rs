//! The services' clock: the one place Wellspring reads the time of day.
//!
//! Every service (identity, FHIR, coverage) holds a [`Clock`] given at construction and takes
//! "now" and "today" from it, never from the system directly: production runs on
//! [`Clock::system`], tests on [`Clock::fixed`], which they move with [`Clock::set`] and
//! [`Clock::advance`] to see expiries, birthdays and windows happen. Pure rules take their
//! dates as parameters and never see a clock.
//!
//! A clone shares its source: setting or advancing one clone of a fixed clock moves every
//! service that holds a clone of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Where "now" comes from. Cheap to clone; clones share their source.
#[derive(Clone, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: a fixed instant (microseconds since the Unix epoch)
    /// that only moves when told to.
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock (production).
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands at `at` (microsecond precision) until moved (tests).
    pub fn fixed(at: Timestamp) -> Clock {
        Clock {
            fixed: Some(Arc::new(AtomicI64::new(at.as_microsecond()))),
        }
    }

    /// Is this a fixed (test) clock?
    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    /// Move a fixed clock to `at`. No effect on the system clock (which nobody sets).
    pub fn set(&self, at: Timestamp) {
        debug_assert!(self.is_fixed(), "Clock::set on the system clock");
        if let Some(f) = &self.fixed {
            f.store(at.as_microsecond(), Ordering::SeqCst);
        }
    }

    /// Move a fixed clock by `by` (may be negative). No effect on the system clock.
    pub fn advance(&self, by: SignedDuration) {
        debug_assert!(self.is_fixed(), "Clock::advance on the system clock");
        if let Some(f) = &self.fixed {
            let d = i64::try_from(by.as_micros()).unwrap_or(if by.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            });
            // `fetch_update` never fails with a closure that always answers `Some`.
            let _ = f.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |m| {
                Some(m.saturating_add(d))
            });
        }
    }

    /// Microseconds since the Unix epoch (how the store keeps instants).
    pub fn now_micros(&self) -> i64 {
        match &self.fixed {
            Some(f) => f.load(Ordering::SeqCst),
            None => {
                let d = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
            }
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_microsecond(self.now_micros()).unwrap_or(Timestamp::MAX)
    }

    /// Today's date in UTC (the time zone every service counts days in).
    pub fn today(&self) -> Date {
        self.now().to_zoned(TimeZone::UTC).date()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fixed {
            None => f.write_str("Clock::system()"),
            Some(_) => write!(f, "Clock::fixed({})", self.now()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_stands_still_and_moves_when_told() {
        let t: Timestamp = "2026-03-01T23:59:59.5Z".parse().unwrap();
        let c = Clock::fixed(t);
        assert!(c.is_fixed());
        assert_eq!(c.now(), t);
        assert_eq!(c.now_micros(), t.as_microsecond());
        assert_eq!(c.today(), jiff::civil::date(2026, 3, 1));
        // A clone shares the source: advancing one moves the other.
        let other = c.clone();
        other.advance(SignedDuration::from_secs(1));
        assert_eq!(c.today(), jiff::civil::date(2026, 3, 2));
        c.set("2024-02-29T12:00:00Z".parse().unwrap());
        assert_eq!(other.today(), jiff::civil::date(2024, 2, 29));
        other.advance(SignedDuration::from_hours(-24));
        assert_eq!(c.today(), jiff::civil::date(2024, 2, 28));
    }

    #[test]
    fn system_clock_follows_the_system() {
        let c = Clock::system();
        assert!(!c.is_fixed());
        let before = Timestamp::now();
        let now = c.now();
        let after = Timestamp::now();
        // Microsecond precision: `now` may be up to 1 µs before `before`.
        assert!(now >= before - SignedDuration::from_micros(1) && now <= after);
        assert_eq!(format!("{:?}", Clock::default()), "Clock::system()");
    }

    /// CI guard: nothing under `crates/*/src` reads the time of day except this module (the
    /// benchmarks excepted, and tests under `crates/*/tests`, which are not scanned). Services
    /// take it from their [`Clock`]; monotonic `Instant`s (durations, deadlines) are fine.
    #[test]
    fn only_the_clock_module_reads_the_time() {
        use std::path::{Path, PathBuf};

        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        // Spelled in pieces so that this file does not match itself (it is skipped anyway).
        let forbidden =
            ["Timestamp", "Zoned", "SystemTime", "Utc", "Local"].map(|t| format!("{t}::now("));
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut files = Vec::new();
        for e in std::fs::read_dir(crates).unwrap() {
            let src = e.unwrap().path().join("src");
            if src.is_dir() {
                walk(&src, &mut files);
            }
        }
        let allowed = |rel: &Path| {
            rel == Path::new("store/src/clock.rs")
                || rel.starts_with("wellspring/src/bench")
                || rel == Path::new("wellspring/src/bench.rs")
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut found = Vec::new();
        for f in &files {
            let rel = f.strip_prefix(crates).unwrap();
            seen.insert(rel.components().next().unwrap().as_os_str().to_owned());
            if allowed(rel) {
                continue;
            }
            let text = std::fs::read_to_string(f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if forbidden.iter().any(|p| code.contains(p.as_str())) {
                    found.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
                }
            }
        }
        for krate in [
            "identity",
            "coverage",
            "fhir-service",
            "audit",
            "store",
            "web",
        ] {
            assert!(
                seen.contains(std::ffi::OsStr::new(krate)),
                "{krate} not scanned"
            );
        }
        assert!(
            found.is_empty(),
            "read the time from the service's ws_store::Clock (`clock().now()`, `now_micros()`, \
             `today()`), not directly:\n{}",
            found.join("\n")
        );
    }
}
