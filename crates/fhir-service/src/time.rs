//! Instants as FHIR and HTTP spell them. (The time itself comes from the service's [`Clock`].)
//!
//! [`Clock`]: ws_store::Clock

use jiff::Timestamp;

/// Microseconds since the epoch as a FHIR instant, e.g. `2026-11-26T04:14:12.123456Z`.
pub fn instant(micros: i64) -> String {
    Timestamp::from_microsecond(micros)
        .map(|t| format!("{t:.6}"))
        .unwrap_or_default()
}

/// Microseconds since the epoch as an HTTP date (RFC 9110 IMF-fixdate).
pub fn http_date(micros: i64) -> String {
    Timestamp::from_microsecond(micros)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(instant(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(instant(1_500_000), "1970-01-01T00:00:01.500000Z");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
