//! Age in completed years. A birthday on Feb 29 falls on Mar 1 in common years (the person
//! turns a year older when Feb 28 has passed), the usual legal reading used by every age rule
//! here (PRX-02, PRX-03, PRX-05, PRX-07).

use jiff::civil::Date;

/// Completed years of age on `on` for someone born on `birth`. Negative before the birth date
/// (an unborn subject is never old enough for anything).
pub fn age_on(birth: Date, on: Date) -> i16 {
    let years = on.year() - birth.year();
    // Comparing (month, day) handles Feb 29: in a common year Feb 28 < Feb 29 <= Mar 1, so the
    // birthday is reached on Mar 1.
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years - 1
    } else {
        years
    }
}

/// The birthday in `year` (Mar 1 for a Feb 29 birth in a common year); `None` outside the
/// supported date range.
pub fn birthday_in(birth: Date, year: i16) -> Option<Date> {
    match Date::new(year, birth.month(), birth.day()) {
        Ok(d) => Some(d),
        // Only Feb 29 in a common year can fail for a valid birth date inside the year range.
        Err(_) if birth.month() == 2 && birth.day() == 29 => Date::new(year, 3, 1).ok(),
        Err(_) => None,
    }
}

/// The first day on which someone born on `birth` is `years` old; `None` out of range.
pub fn date_turning(birth: Date, years: i16) -> Option<Date> {
    birthday_in(birth, birth.year().checked_add(years)?)
}

/// Whether the person is at least `years` old on `on`.
pub fn is_at_least(birth: Date, years: i16, on: Date) -> bool {
    age_on(birth, on) >= years
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_edge_days() {
        // (birth, on, expected age)
        let rows = [
            (date(2010, 6, 15), date(2023, 6, 14), 12), // day before the birthday
            (date(2010, 6, 15), date(2023, 6, 15), 13), // birthday today
            (date(2010, 6, 15), date(2023, 6, 16), 13),
            (date(2010, 1, 1), date(2022, 12, 31), 12),
            (date(2010, 12, 31), date(2023, 1, 1), 12),
            (date(2008, 2, 29), date(2026, 2, 28), 17), // leap-day birth, common year
            (date(2008, 2, 29), date(2026, 3, 1), 18),  // counts as Mar 1
            (date(2008, 2, 29), date(2028, 2, 28), 19), // leap year: Feb 29 itself
            (date(2008, 2, 29), date(2028, 2, 29), 20),
            (date(2008, 2, 29), date(2008, 2, 29), 0), // born today
            (date(2026, 5, 1), date(2026, 4, 30), -1), // not yet born
        ];
        for (birth, on, want) in rows {
            assert_eq!(age_on(birth, on), want, "born {birth}, on {on}");
        }
    }

    #[test]
    fn date_turning_matches_age_on() {
        let rows = [
            (date(2010, 6, 15), 18, Some(date(2028, 6, 15))),
            (date(2008, 2, 29), 18, Some(date(2026, 3, 1))),
            (date(2008, 2, 29), 20, Some(date(2028, 2, 29))),
            (date(2010, 6, 15), 0, Some(date(2010, 6, 15))),
            (date(9990, 1, 1), 18, None),
        ];
        for (birth, years, want) in rows {
            let got = date_turning(birth, years);
            assert_eq!(got, want, "born {birth} turning {years}");
            if let Some(d) = got {
                assert_eq!(age_on(birth, d), years);
                if let Ok(prev) = d.yesterday() {
                    assert_eq!(age_on(birth, prev), years - 1);
                }
            }
        }
        assert!(is_at_least(date(2008, 2, 29), 18, date(2026, 3, 1)));
        assert!(!is_at_least(date(2008, 2, 29), 18, date(2026, 2, 28)));
    }
}
