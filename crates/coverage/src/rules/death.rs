//! After a member's death (DOMAIN §1 ENR-07, ENR-12, ENR-20, ENR-21, ENR-22; EX-E8; SEED-13).
//!
//! Wellspring defaults where DOMAIN leaves a choice:
//! * Individual and employer-group coverage ends on the date of death (the deceased is covered
//!   that day).
//! * Medicare Advantage: disenrollment is effective the 1st of the month after the month of death,
//!   so the last covered day is the last day of that month. ENR-21 is [UNVERIFIED] in DOMAIN
//!   (CMS MA Enrollment & Disenrollment Guidance §50.2 still to confirm).
//! * Medicaid: coverage ends on the last day of the month of death; there are no dues to refund.
//! * Dues already paid for whole calendar months after the last covered day are refunded; the
//!   partial month of death is not prorated.
//! * Employer group, subscriber's death: the dependents' group coverage ends with the
//!   subscriber's, and they are offered COBRA (36 months, election ≥ 60 days, ENR-12 / EX-E8) — the
//!   record is never ended without that offer. Individual market, subscriber's death: the other
//!   family members keep their coverage (the eldest spouse or adult dependent becomes the
//!   subscriber, see `ledger`) and also have a special enrollment period (ENR-07).

use jiff::civil::Date;

use crate::rules::Market;
use crate::rules::dates::{add_months, first_of_next_month};
use crate::rules::settings::Settings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeathOutcome {
    /// Last day the deceased is covered.
    pub coverage_last_day: Date,
    pub dependents: DependentsAfterDeath,
    /// First month of prepaid dues to refund (its 1st), when dues are paid in this market.
    pub dues_refund_from: Option<Date>,
    /// Last day of the surviving family members' special enrollment period (ENR-07), if any.
    pub special_enrollment_closes: Option<Date>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependentsAfterDeath {
    /// Nobody else's coverage changes (the deceased was a dependent, or coverage is individual).
    None,
    /// Continuation coverage for the qualified beneficiaries (ENR-12).
    Cobra {
        months: u32,
        election_days: u32,
        /// Last day of continuation coverage if elected and paid for the full period.
        until: Date,
    },
    /// Dependents lose this coverage and may enroll elsewhere until `window_closes`.
    SpecialEnrollment { window_closes: Date },
    /// The family members stay covered; one of them becomes the subscriber.
    KeepCoverage,
}

pub fn after_death(
    market: Market,
    deceased_is_subscriber: bool,
    date_of_death: Date,
    s: &Settings,
) -> DeathOutcome {
    let mut notes = Vec::new();
    let sep_closes = s.sep_day_count.last_day(date_of_death, s.sep_days);
    let (coverage_last_day, dependents, special_enrollment_closes) = match market {
        Market::Individual => {
            if deceased_is_subscriber {
                notes.push(format!(
                    "Family members stay covered; the eldest spouse or adult dependent becomes \
                     the subscriber. They may also change plans until {sep_closes} (ENR-07)."
                ));
                (
                    date_of_death,
                    DependentsAfterDeath::KeepCoverage,
                    Some(sep_closes),
                )
            } else {
                (date_of_death, DependentsAfterDeath::None, None)
            }
        }
        Market::EmployerGroup => {
            if deceased_is_subscriber {
                // Continuation starts the day after the loss and runs N months: through the
                // same day of the month N months after the last covered day (clamped at month
                // ends: a loss on Feb 29 runs through Feb 28).
                let until = add_months(date_of_death, i64::from(s.cobra_months_death));
                notes.push(format!(
                    "The spouse and children are offered continuation coverage (COBRA) for up to \
                     {} months; they have at least {} days to elect it, and the notice is due \
                     within {} days.",
                    s.cobra_months_death, s.cobra_election_days, s.cobra_notice_days
                ));
                notes.push(
                    "Do not end the dependents' records without the continuation offer (ENR-12)."
                        .to_owned(),
                );
                (
                    date_of_death,
                    DependentsAfterDeath::Cobra {
                        months: s.cobra_months_death,
                        election_days: s.cobra_election_days,
                        until,
                    },
                    Some(sep_closes),
                )
            } else {
                (date_of_death, DependentsAfterDeath::None, None)
            }
        }
        Market::Medicare => {
            notes.push(
                "Medicare Advantage disenrollment for death is effective the 1st of the month after \
                 the death (ENR-21, unverified)."
                    .to_owned(),
            );
            (
                date_of_death.last_of_month(),
                DependentsAfterDeath::None,
                None,
            )
        }
        Market::Medicaid => {
            let dependents = if deceased_is_subscriber {
                notes.push(
                    "Each family member's Medicaid eligibility continues on its own.".to_owned(),
                );
                DependentsAfterDeath::KeepCoverage
            } else {
                DependentsAfterDeath::None
            };
            (date_of_death.last_of_month(), dependents, None)
        }
    };
    let dues_refund_from = match market {
        Market::Medicaid => None,
        _ => Some(first_of_next_month(coverage_last_day)),
    };
    if let Some(from) = dues_refund_from {
        notes.push(format!("Dues paid for {from} onwards are refunded."));
    }
    DeathOutcome {
        coverage_last_day,
        dependents,
        dues_refund_from,
        special_enrollment_closes,
        notes,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // ENR-12 / EX-E8 (DOMAIN §1, §11): group subscriber dies 2026-03-15 → COBRA 36 months,
    // election ≥ 60 days; coverage ends on the date of death; dues refunded from April.
    #[test]
    fn enr_12_ex_e8_group_subscriber_death_cobra_36_months() {
        let s = Settings::default();
        let o = after_death(Market::EmployerGroup, true, date(2026, 3, 15), &s);
        assert_eq!(o.coverage_last_day, date(2026, 3, 15));
        assert_eq!(
            o.dependents,
            DependentsAfterDeath::Cobra {
                months: 36,
                election_days: 60,
                until: date(2029, 3, 15)
            }
        );
        assert_eq!(o.dues_refund_from, Some(date(2026, 4, 1)));
        assert!(o.notes.iter().any(|n| n.contains("36 months")));
    }

    // ENR-07 / ENR-12 / ENR-20 / ENR-21 / ENR-22 (DOMAIN §1): one row per market and role,
    // including a death on the last day of a month, on Feb 29 2028 and on Dec 31.
    #[test]
    fn enr_21_death_outcomes_by_market() {
        let s = Settings::default();
        use DependentsAfterDeath as D;
        let rows = [
            (
                "individual subscriber",
                Market::Individual,
                true,
                date(2026, 5, 20),
                date(2026, 5, 20),
                D::KeepCoverage,
                Some(date(2026, 6, 1)),
                Some(date(2026, 7, 19)),
            ),
            (
                "individual dependent",
                Market::Individual,
                false,
                date(2026, 5, 31),
                date(2026, 5, 31),
                D::None,
                Some(date(2026, 6, 1)),
                None,
            ),
            (
                "group dependent",
                Market::EmployerGroup,
                false,
                date(2026, 12, 31),
                date(2026, 12, 31),
                D::None,
                Some(date(2027, 1, 1)),
                None,
            ),
            (
                "MA, leap day",
                Market::Medicare,
                true,
                date(2028, 2, 29),
                date(2028, 2, 29),
                D::None,
                Some(date(2028, 3, 1)),
                None,
            ),
            (
                "MA, 1st of month",
                Market::Medicare,
                true,
                date(2026, 7, 1),
                date(2026, 7, 31),
                D::None,
                Some(date(2026, 8, 1)),
                None,
            ),
            (
                "Medicaid head of household",
                Market::Medicaid,
                true,
                date(2026, 7, 1),
                date(2026, 7, 31),
                D::KeepCoverage,
                None,
                None,
            ),
            (
                "Medicaid child",
                Market::Medicaid,
                false,
                date(2026, 7, 1),
                date(2026, 7, 31),
                D::None,
                None,
                None,
            ),
        ];
        for (name, market, subscriber, died, last, deps, refund, sep) in rows {
            let o = after_death(market, subscriber, died, &s);
            assert_eq!(o.coverage_last_day, last, "{name}");
            assert_eq!(o.dependents, deps, "{name}");
            assert_eq!(o.dues_refund_from, refund, "{name}");
            assert_eq!(o.special_enrollment_closes, sep, "{name}");
        }
        // Group subscriber death on Feb 29 2028: COBRA through 2031-02-28 (clamped).
        for died in [date(2028, 2, 28), date(2028, 2, 29)] {
            let o = after_death(Market::EmployerGroup, true, died, &s);
            assert!(
                matches!(o.dependents, D::Cobra { until, .. } if until == date(2031, 2, 28)),
                "{died}"
            );
        }
    }
}
