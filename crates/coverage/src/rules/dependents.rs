//! Dependent age limits (DOMAIN §1 ENR-13, EX-E4).
//!
//! Wording: DOMAIN's defaults table says a child is covered "through the day before the 26th
//! birthday"; ENR-13 / EX-E4 say coverage ends "on the 26th birthday" / "off parent's plan on
//! 2026-08-15". Both describe the same instant: the 26th birthday is the first day without
//! coverage, so the last covered day is the day before ([`AgeEnd::DayBeforeBirthday`], the
//! default). With [`AgeEnd::MonthEnd`] coverage runs through the last day of the birthday month.
//!
//! Feb 29 birthdays: in a non-leap year the birthday is Feb 28 (jiff's calendar arithmetic
//! clamps the day: 2000-02-29 + 26 years = 2026-02-28), so the last covered day is Feb 27 by
//! default and Feb 28 with month-end.

use jiff::civil::Date;

use crate::rules::Relationship;
use crate::rules::dates::{add_days, add_years};
use crate::rules::settings::{AgeEnd, Settings};

/// The birthday at the age limit: `birth` + limit years (Feb 29 → Feb 28 in non-leap years).
pub fn limit_birthday(birth: Date, s: &Settings) -> Date {
    add_years(birth, i64::from(s.dependent_age_limit))
}

/// Last day a child is covered on a parent's plan (ENR-13); `None` for the subscriber, spouses
/// and life partners, who have no age limit.
pub fn last_covered_day(birth: Date, rel: Relationship, s: &Settings) -> Option<Date> {
    if !rel.is_child() {
        return None;
    }
    let birthday = limit_birthday(birth, s);
    Some(match s.age_end {
        AgeEnd::DayBeforeBirthday => add_days(birthday, -1),
        AgeEnd::MonthEnd => birthday.last_of_month(),
    })
}

/// Last day of the aged-off child's own special enrollment period (ENR-13 + ENR-03): the SEP
/// counts from the first day without the parent's coverage (EX-E4: 2026-08-15 + 60 =
/// 2026-10-14).
pub fn aged_off_sep_end(birth: Date, s: &Settings) -> Date {
    let birthday = limit_birthday(birth, s);
    let first_uncovered = match s.age_end {
        AgeEnd::DayBeforeBirthday => birthday,
        AgeEnd::MonthEnd => add_days(birthday.last_of_month(), 1),
    };
    s.sep_day_count.last_day(first_uncovered, s.sep_days)
}

/// The last covered day when it falls within `from..=to` (both inclusive), e.g. to list the
/// children ageing off in a month; `None` when it does not, or there is no age limit.
pub fn ages_out_between(
    birth: Date,
    rel: Relationship,
    from: Date,
    to: Date,
    s: &Settings,
) -> Option<Date> {
    last_covered_day(birth, rel, s).filter(|last| from <= *last && *last <= to)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::rules::settings::DayCount;
    use jiff::civil::date;

    fn month_end() -> Settings {
        Settings {
            age_end: AgeEnd::MonthEnd,
            ..Settings::default()
        }
    }

    // ENR-13 / EX-E4 (DOMAIN §1, §11): covered through the day before the 26th birthday, or the
    // birthday month's end; leap-day and 1st-of-month birthdays.
    #[test]
    fn enr_13_dependent_covered_through_day_before_26th_birthday() {
        let d = Settings::default();
        let m = month_end();
        let rows = [
            ("EX-E4", date(2000, 8, 15), &d, date(2026, 8, 14)),
            ("EX-E4 month end", date(2000, 8, 15), &m, date(2026, 8, 31)),
            ("born on the 1st", date(2000, 3, 1), &d, date(2026, 2, 28)),
            (
                "born on the 1st, month end",
                date(2000, 3, 1),
                &m,
                date(2026, 3, 31),
            ),
            ("born Jan 1", date(2001, 1, 1), &d, date(2026, 12, 31)),
            (
                "Feb 29, non-leap 26th",
                date(2000, 2, 29),
                &d,
                date(2026, 2, 27),
            ),
            (
                "Feb 29, non-leap, month end",
                date(2000, 2, 29),
                &m,
                date(2026, 2, 28),
            ),
            (
                "Feb 28 birthday in leap 2028",
                date(2002, 2, 28),
                &d,
                date(2028, 2, 27),
            ),
            (
                "born Mar 1 2002 → day before is Feb 29 2028",
                date(2002, 3, 1),
                &d,
                date(2028, 2, 29),
            ),
            (
                "month end in a leap Feb",
                date(2002, 2, 10),
                &m,
                date(2028, 2, 29),
            ),
            ("Dec 31", date(2000, 12, 31), &d, date(2026, 12, 30)),
        ];
        for (name, birth, s, last) in rows {
            assert_eq!(
                last_covered_day(birth, Relationship::Child, s),
                Some(last),
                "{name}"
            );
        }
    }

    // ENR-13 (DOMAIN §1): the limit applies to every kind of child, not to self/spouse/partner.
    #[test]
    fn enr_13_age_limit_applies_to_children_only() {
        let s = Settings::default();
        let birth = date(2000, 8, 15);
        for rel in Relationship::ALL {
            let got = last_covered_day(birth, rel, &s);
            assert_eq!(got.is_some(), rel.is_child(), "{rel:?}");
        }
    }

    // ENR-13 / EX-E4 (DOMAIN §1, §11): the child's own SEP runs 60 days from the first uncovered
    // day.
    #[test]
    fn enr_13_aged_off_sep_end() {
        let d = Settings::default();
        let m = month_end();
        let co = Settings {
            sep_day_count: DayCount::EventIsDayOne,
            ..Settings::default()
        };
        let rows = [
            ("EX-E4", date(2000, 8, 15), &d, date(2026, 10, 14)),
            (
                "EX-E4, event is day 1",
                date(2000, 8, 15),
                &co,
                date(2026, 10, 13),
            ),
            (
                "month end: from Sep 1",
                date(2000, 8, 15),
                &m,
                date(2026, 10, 31),
            ),
            ("Feb 29 birth", date(2000, 2, 29), &d, date(2026, 4, 29)),
        ];
        for (name, birth, s, end) in rows {
            assert_eq!(aged_off_sep_end(birth, s), end, "{name}");
        }
    }

    // ENR-13 (DOMAIN §1): ageing out inside a range, inclusive at both ends.
    #[test]
    fn enr_13_ages_out_between() {
        let s = Settings::default();
        let b = date(2000, 8, 15);
        let rows = [
            (
                Relationship::Child,
                date(2026, 8, 1),
                date(2026, 8, 31),
                Some(date(2026, 8, 14)),
            ),
            (
                Relationship::Stepchild,
                date(2026, 8, 14),
                date(2026, 8, 14),
                Some(date(2026, 8, 14)),
            ),
            (
                Relationship::Child,
                date(2026, 8, 15),
                date(2026, 9, 30),
                None,
            ),
            (
                Relationship::Child,
                date(2026, 7, 1),
                date(2026, 8, 13),
                None,
            ),
            (
                Relationship::Spouse,
                date(2026, 1, 1),
                date(2026, 12, 31),
                None,
            ),
        ];
        for (rel, from, to, expected) in rows {
            assert_eq!(
                ages_out_between(b, rel, from, to, &s),
                expected,
                "{rel:?} {from}..{to}"
            );
        }
    }
}
