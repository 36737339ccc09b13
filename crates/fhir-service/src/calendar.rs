//! The calendar every capability shares: US federal holidays as observed, business days.
//! Pharmacy promises delivery in business days; scheduling closes clinics on holidays.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// The US federal holidays of `year`, each on the day it is observed (a Saturday holiday on the
/// Friday before, a Sunday one on the Monday after).
pub fn federal_holidays(year: i16) -> Vec<Date> {
    let fixed = |m: i8, d: i8| {
        let date = Date::new(year, m, d).unwrap_or(Date::MIN);
        match date.weekday() {
            Weekday::Saturday => date.yesterday().unwrap_or(date),
            Weekday::Sunday => date.tomorrow().unwrap_or(date),
            _ => date,
        }
    };
    // The n-th `wd` of month `m` (n = -1: the last).
    let nth = |m: i8, wd: Weekday, n: i8| {
        let first = Date::new(year, m, 1).unwrap_or(Date::MIN);
        if n > 0 {
            first.nth_weekday_of_month(n, wd).unwrap_or(first)
        } else {
            first.last_of_month().nth_weekday(-1, wd).unwrap_or(first)
        }
    };
    let mut days = vec![
        fixed(1, 1),
        nth(1, Weekday::Monday, 3),
        nth(2, Weekday::Monday, 3),
        nth(5, Weekday::Monday, -1),
        fixed(6, 19),
        fixed(7, 4),
        nth(9, Weekday::Monday, 1),
        nth(10, Weekday::Monday, 2),
        fixed(11, 11),
        nth(11, Weekday::Thursday, 4),
        fixed(12, 25),
    ];
    // New Year's Day of the next year observed on this year's December 31.
    let next_new_year = Date::new(year.saturating_add(1), 1, 1).unwrap_or(Date::MAX);
    if next_new_year.weekday() == Weekday::Saturday {
        days.push(next_new_year.yesterday().unwrap_or(next_new_year));
    }
    days
}

/// Monday to Friday and not a federal holiday.
pub fn is_business_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !federal_holidays(d.year()).contains(&d)
}

/// The `n`-th business day after `from` (`from` itself never counts).
pub fn add_business_days(from: Date, n: u32) -> Date {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.checked_add(1.day()).unwrap_or(Date::MAX);
        if d == Date::MAX {
            break;
        }
        if is_business_day(d) {
            left -= 1;
        }
    }
    d
}
