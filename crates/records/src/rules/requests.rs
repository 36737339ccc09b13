//! The legal clocks of a member's requests about their record (DOMAIN HIP-01, HIP-02, HIP-03):
//! copies (right of access, 45 CFR 164.524), amendments (164.526) and an accounting of
//! disclosures (164.528). Each is due a number of days after it is received; it may be extended
//! once, by at most 30 days, only with a written notice (reasons and the new date) sent within
//! the first period. Pure functions of their dates.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// What the member asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Copies of the record, to the member or to a third party they authorise (HIP-01).
    Copy,
    /// A change to the record (HIP-02).
    Amendment,
    /// An accounting of disclosures (HIP-03).
    Accounting,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::Copy,
        RequestKind::Amendment,
        RequestKind::Accounting,
    ];

    /// The code stored on the request (`Task.code`).
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Copy => "records-copy",
            RequestKind::Amendment => "records-amendment",
            RequestKind::Accounting => "records-accounting",
        }
    }

    pub fn from_code(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Days to act (HIP-01: 30; HIP-02, HIP-03: 60).
    pub fn days(self) -> i64 {
        match self {
            RequestKind::Copy => 30,
            RequestKind::Amendment | RequestKind::Accounting => 60,
        }
    }

    /// The rule that sets the clock.
    pub fn rule(self) -> &'static str {
        match self {
            RequestKind::Copy => "HIP-01",
            RequestKind::Amendment => "HIP-02",
            RequestKind::Accounting => "HIP-03",
        }
    }
}

/// The one extension allowed, in days.
pub const EXTENSION_DAYS: i64 = 30;

/// Staff queues flag a request this many days or fewer before it is due.
pub const NEAR_DAYS: i64 = 5;

/// The date a request received on `received` must be acted on.
pub fn due(kind: RequestKind, received: Date) -> Date {
    add(received, kind.days())
}

fn add(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// Why an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRefused {
    pub reason: String,
    pub rule: &'static str,
}

/// Extend a request received on `received`, with the notice sent on `notice_sent`, to
/// `new_due` (at most 30 days past the first due date). `already_extended`: the one extension
/// has been used. Returns the new due date.
pub fn extend(
    kind: RequestKind,
    received: Date,
    notice_sent: Date,
    new_due: Option<Date>,
    already_extended: bool,
    reasons: &str,
) -> Result<Date, ExtensionRefused> {
    let refuse = |reason: String| {
        Err(ExtensionRefused {
            reason,
            rule: kind.rule(),
        })
    };
    let first = due(kind, received);
    if already_extended {
        return refuse("a request can be extended only once".into());
    }
    if reasons.trim().is_empty() {
        return refuse("an extension needs written reasons for the delay".into());
    }
    if notice_sent > first {
        return refuse(format!(
            "the extension notice must be sent by the first due date, {first}"
        ));
    }
    if notice_sent < received {
        return refuse("the notice cannot be sent before the request was received".into());
    }
    let latest = add(first, EXTENSION_DAYS);
    let new_due = new_due.unwrap_or(latest);
    if new_due > latest {
        return refuse(format!(
            "an extension may add at most {EXTENSION_DAYS} days: the latest date is {latest}"
        ));
    }
    if new_due <= first {
        return refuse(format!("the new date must be after {first}"));
    }
    Ok(new_due)
}

/// Where a request stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockState {
    pub due: Date,
    /// Negative when overdue.
    pub days_left: i64,
    /// Due within [`NEAR_DAYS`] (and not overdue).
    pub near: bool,
    pub overdue: bool,
}

/// The clock of an open request: due on `due` (the first or the extended date).
pub fn clock(due: Date, today: Date) -> ClockState {
    let days_left = today
        .until(due)
        .ok()
        .and_then(|s: Span| s.get_days().into())
        .map_or(0, i64::from);
    ClockState {
        due,
        days_left,
        near: (0..=NEAR_DAYS).contains(&days_left),
        overdue: days_left < 0,
    }
}

/// The period an accounting of disclosures covers (HIP-03): the six years before the request,
/// or a shorter period the member asks for (never earlier than six years back).
pub fn accounting_period(requested: Date, from: Option<Date>) -> (Date, Date) {
    let earliest = requested.checked_sub(6.years()).unwrap_or(requested);
    let from = from.map_or(earliest, |f| f.max(earliest)).min(requested);
    (from, requested)
}

/// Whether an accounting is free (HIP-03: the first in any 12 months): `earlier` are the dates
/// of the member's earlier accounting requests.
pub fn accounting_is_free(requested: Date, earlier: &[Date]) -> bool {
    let year_ago = requested.checked_sub(12.months()).unwrap_or(requested);
    !earlier.iter().any(|d| *d > year_ago && *d <= requested)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn hip_01_02_03_due_dates() {
        // (kind, received, due)
        let table = [
            (RequestKind::Copy, date(2026, 1, 5), date(2026, 2, 4)),
            (RequestKind::Copy, date(2026, 2, 1), date(2026, 3, 3)),
            (RequestKind::Copy, date(2028, 2, 1), date(2028, 3, 2)), // leap year
            (RequestKind::Amendment, date(2026, 1, 5), date(2026, 3, 6)),
            (RequestKind::Amendment, date(2026, 12, 4), date(2027, 2, 2)),
            (RequestKind::Accounting, date(2026, 1, 5), date(2026, 3, 6)),
            (
                RequestKind::Accounting,
                date(2026, 11, 15),
                date(2027, 1, 14),
            ),
        ];
        for (kind, received, want) in table {
            assert_eq!(due(kind, received), want, "{kind:?} received {received}");
        }
    }

    #[test]
    fn hip_01_one_extension_of_at_most_30_days_with_notice_in_the_first_period() {
        let r = date(2026, 1, 5); // due 2026-02-04
        let k = RequestKind::Copy;
        // (notice sent, asked new date, already extended, reasons, expected)
        type Row = (
            Date,
            Option<Date>,
            bool,
            &'static str,
            Result<Date, &'static str>,
        );
        let table: [Row; 7] = [
            (
                date(2026, 1, 20),
                None,
                false,
                "records off site",
                Ok(date(2026, 3, 6)),
            ),
            (
                date(2026, 2, 4),
                Some(date(2026, 2, 20)),
                false,
                "x",
                Ok(date(2026, 2, 20)),
            ),
            (date(2026, 2, 5), None, false, "x", Err("first due date")),
            (date(2026, 1, 20), None, true, "x", Err("only once")),
            (date(2026, 1, 20), None, false, "  ", Err("written reasons")),
            (
                date(2026, 1, 20),
                Some(date(2026, 3, 7)),
                false,
                "x",
                Err("at most 30 days"),
            ),
            (
                date(2026, 1, 20),
                Some(date(2026, 2, 4)),
                false,
                "x",
                Err("must be after"),
            ),
        ];
        for (sent, new, ext, why, want) in table {
            let got = extend(k, r, sent, new, ext, why);
            match (got, want) {
                (Ok(d), Ok(w)) => assert_eq!(d, w),
                (Err(e), Err(w)) => {
                    assert!(e.reason.contains(w), "{} !~ {w}", e.reason);
                    assert_eq!(e.rule, "HIP-01");
                }
                (g, w) => panic!("notice {sent}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn hip_02_03_extensions_add_30_to_60() {
        for k in [RequestKind::Amendment, RequestKind::Accounting] {
            let got = extend(k, date(2026, 1, 5), date(2026, 3, 1), None, false, "volume");
            assert_eq!(got, Ok(date(2026, 4, 5)), "{k:?}");
        }
    }

    #[test]
    fn clocks_flag_near_and_overdue() {
        let due = date(2026, 2, 4);
        let table = [
            (date(2026, 1, 5), 30, false, false),
            (date(2026, 1, 30), 5, true, false),
            (date(2026, 2, 4), 0, true, false),
            (date(2026, 2, 5), -1, false, true),
        ];
        for (today, left, near, overdue) in table {
            let c = clock(due, today);
            assert_eq!(
                (c.days_left, c.near, c.overdue),
                (left, near, overdue),
                "{today}"
            );
        }
    }

    #[test]
    fn hip_03_six_years_back_and_first_in_12_months_free() {
        assert_eq!(
            accounting_period(date(2026, 12, 4), None),
            (date(2020, 12, 4), date(2026, 12, 4))
        );
        assert_eq!(
            accounting_period(date(2026, 12, 4), Some(date(2019, 1, 1))),
            (date(2020, 12, 4), date(2026, 12, 4))
        );
        assert_eq!(
            accounting_period(date(2026, 12, 4), Some(date(2025, 1, 1))),
            (date(2025, 1, 1), date(2026, 12, 4))
        );
        assert!(accounting_is_free(date(2026, 12, 4), &[]));
        assert!(accounting_is_free(date(2026, 12, 4), &[date(2025, 12, 4)]));
        assert!(!accounting_is_free(date(2026, 12, 4), &[date(2026, 3, 1)]));
    }
}
