//! "Is my coverage active?" (DOMAIN §1 ELG-01, from ENR-04/05/09/20; EX-E7).
//!
//! Coverage is active on D iff start ≤ D ≤ end (inclusive), the membership was not cancelled
//! retroactively, and D is not in an unpaid grace month beyond month 1. Ask per member.
//!
//! Grace periods: an APTC enrollee (ENR-09) has `aptc_grace_months` (3); month 1 claims are paid,
//! months 2–3 are "active, claims pending payment"; still unpaid after the grace period → the
//! coverage ends retroactively on the last day of month 1 ([`grace_termination`]). Members
//! without APTC (Medicare Advantage, ENR-20) keep full coverage through `ma_nonpayment_grace_months`
//! (2) whole calendar months and are disenrolled on the 1st of the month after.
//!
//! `status` answers for a date from the recorded facts: once a grace termination is recorded
//! (the period's end moved to [`grace_termination`]), the period check itself says "not active".
//! Dates past the whole grace period are "not active" even before that is recorded.

use jiff::civil::Date;

use crate::rules::dates::{add_months, month_index};
use crate::rules::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodView {
    pub start: Date,
    /// Inclusive last day; `None` = open-ended.
    pub end: Option<Date>,
    pub cancelled_retroactively: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaymentState {
    /// 1st of the first unpaid month, if any premium is unpaid.
    pub unpaid_since: Option<Date>,
    /// The member receives advance premium tax credits (ENR-09 grace rules).
    pub aptc: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Active,
    /// Unpaid grace months 2–3 of an APTC enrollee: claims are pended (ELG-01).
    ActivePendingPayment,
    NotActive {
        reason: String,
    },
}

/// Last covered day when premiums stay unpaid through the whole grace period: APTC (ENR-09) →
/// the last day of the first unpaid month (EX-E7: unpaid from April 2026 → 2026-04-30); without
/// APTC (ENR-20) → the last day of the last grace month (disenrolled the 1st of the month after).
pub fn grace_termination(unpaid_since: Date, aptc: bool, s: &Settings) -> Date {
    let first = unpaid_since.first_of_month();
    if aptc {
        first.last_of_month()
    } else {
        add_months(first, (s.ma_nonpayment_grace_months - 1).max(0)).last_of_month()
    }
}

/// Coverage status of one member on `on` (ELG-01).
pub fn status(periods: &[PeriodView], on: Date, pay: &PaymentState, s: &Settings) -> Status {
    let covering: Vec<&PeriodView> = periods
        .iter()
        .filter(|p| p.start <= on && p.end.is_none_or(|end| on <= end))
        .collect();
    if covering.is_empty() {
        let reason = if periods.iter().any(|p| p.start > on) {
            format!("Coverage has not started yet on {on}")
        } else if periods.is_empty() {
            "No coverage on record".to_owned()
        } else {
            format!("Coverage ended before {on}")
        };
        return Status::NotActive { reason };
    }
    if covering.iter().all(|p| p.cancelled_retroactively) {
        return Status::NotActive {
            reason: "The membership was cancelled retroactively".into(),
        };
    }
    let Some(unpaid) = pay.unpaid_since else {
        return Status::Active;
    };
    let unpaid = unpaid.first_of_month();
    if on < unpaid {
        return Status::Active;
    }
    let month = month_index(on) - month_index(unpaid); // 0 = first unpaid month
    let grace = if pay.aptc {
        s.aptc_grace_months
    } else {
        s.ma_nonpayment_grace_months
    };
    if month >= grace {
        return Status::NotActive {
            reason: format!(
                "Terminated for non-payment: premiums unpaid since {unpaid}; coverage ended {}",
                grace_termination(unpaid, pay.aptc, s)
            ),
        };
    }
    if pay.aptc && month >= 1 {
        Status::ActivePendingPayment
    } else {
        Status::Active
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn open(start: Date) -> PeriodView {
        PeriodView {
            start,
            end: None,
            cancelled_retroactively: false,
        }
    }

    const PAID: PaymentState = PaymentState {
        unpaid_since: None,
        aptc: false,
    };

    // ELG-01 (DOMAIN §1): inclusive start and end, retro-cancellation, gaps between periods.
    #[test]
    fn elg_01_active_between_start_and_end_inclusive() {
        let s = Settings::default();
        let closed = PeriodView {
            start: date(2026, 1, 1),
            end: Some(date(2026, 2, 28)),
            cancelled_retroactively: false,
        };
        let later = open(date(2026, 4, 1));
        let cancelled = PeriodView {
            cancelled_retroactively: true,
            ..open(date(2025, 1, 1))
        };
        let rows: [(&str, Vec<PeriodView>, Date, bool); 9] = [
            ("start day", vec![closed], date(2026, 1, 1), true),
            ("end day", vec![closed], date(2026, 2, 28), true),
            ("day after end", vec![closed], date(2026, 3, 1), false),
            ("day before start", vec![closed], date(2025, 12, 31), false),
            ("gap", vec![closed, later], date(2026, 3, 31), false),
            ("second period", vec![closed, later], date(2026, 4, 1), true),
            (
                "leap day",
                vec![open(date(2028, 2, 29))],
                date(2028, 2, 29),
                true,
            ),
            (
                "cancelled retroactively",
                vec![cancelled],
                date(2026, 1, 1),
                false,
            ),
            ("no periods", vec![], date(2026, 1, 1), false),
        ];
        for (name, periods, on, active) in rows {
            let got = status(&periods, on, &PAID, &s);
            assert_eq!(got == Status::Active, active, "{name}: {got:?}");
        }
    }

    // ENR-09 / ELG-01 / EX-E7 (DOMAIN §1, §11): APTC unpaid from April 2026 → April active,
    // May–June pending, afterwards terminated effective 2026-04-30.
    #[test]
    fn enr_09_ex_e7_aptc_grace_months() {
        let s = Settings::default();
        let p = [open(date(2026, 1, 1))];
        let pay = PaymentState {
            unpaid_since: Some(date(2026, 4, 1)),
            aptc: true,
        };
        let rows = [
            (date(2026, 3, 31), "active"),
            (date(2026, 4, 1), "active"),
            (date(2026, 4, 30), "active"),
            (date(2026, 5, 1), "pending"),
            (date(2026, 6, 30), "pending"),
            (date(2026, 7, 1), "not"),
        ];
        for (on, expect) in rows {
            let got = match status(&p, on, &pay, &s) {
                Status::Active => "active",
                Status::ActivePendingPayment => "pending",
                Status::NotActive { .. } => "not",
            };
            assert_eq!(got, expect, "{on}");
        }
        assert_eq!(
            grace_termination(date(2026, 4, 1), true, &s),
            date(2026, 4, 30)
        );
        // Once the termination is recorded, the period check answers for May and June too.
        let ended = [PeriodView {
            end: Some(grace_termination(date(2026, 4, 1), true, &s)),
            ..p[0]
        }];
        assert!(matches!(
            status(&ended, date(2026, 5, 15), &pay, &s),
            Status::NotActive { .. }
        ));
        assert_eq!(status(&ended, date(2026, 4, 30), &pay, &s), Status::Active);
    }

    // ENR-20 (DOMAIN §1): MA members keep coverage through 2 whole grace months (Dec–Jan across the
    // year end, and a leap February), then are disenrolled on the 1st of the month after.
    #[test]
    fn enr_20_ma_grace_two_whole_months() {
        let s = Settings::default();
        let rows = [
            (date(2026, 4, 1), date(2026, 5, 31)),
            (date(2026, 12, 1), date(2027, 1, 31)),
            (date(2028, 1, 1), date(2028, 2, 29)),
        ];
        for (unpaid, last) in rows {
            assert_eq!(grace_termination(unpaid, false, &s), last, "{unpaid}");
            let pay = PaymentState {
                unpaid_since: Some(unpaid),
                aptc: false,
            };
            let p = [open(date(2020, 1, 1))];
            assert_eq!(status(&p, last, &pay, &s), Status::Active, "{last}");
            let after = crate::rules::dates::add_days(last, 1);
            assert!(
                matches!(status(&p, after, &pay, &s), Status::NotActive { .. }),
                "{after}"
            );
        }
    }
}
