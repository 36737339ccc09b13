//! Small calendar helpers shared by the rules. All saturate at jiff's date range instead of
//! panicking (the range, years -9999..=9999, is far outside any coverage date).

use jiff::ToSpan;
use jiff::civil::Date;

/// A month and day without a year, e.g. Nov 1 or Dec 15 (used for yearly windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MonthDay {
    pub month: i8,
    pub day: i8,
}

impl MonthDay {
    pub const fn new(month: i8, day: i8) -> Self {
        MonthDay { month, day }
    }

    /// This month-day in `year`; a day past the month's end is clamped (Feb 29 → Feb 28).
    pub fn in_year(self, year: i16) -> Date {
        ymd(year, self.month, self.day)
    }
}

/// A date from parts, clamping the day to the month's length and the year to jiff's range.
pub fn ymd(year: i16, month: i8, day: i8) -> Date {
    let year = year.clamp(-9999, 9999);
    let month = month.clamp(1, 12);
    let first = Date::new(year, month, 1).unwrap_or(Date::MIN);
    let day = day.clamp(1, first.days_in_month());
    Date::new(year, month, day).unwrap_or(first)
}

pub fn add_days(d: Date, n: i64) -> Date {
    d.saturating_add(n.days())
}

/// Calendar-month arithmetic; the day is clamped to the target month (Jan 31 + 1 month = Feb 28).
pub fn add_months(d: Date, n: i64) -> Date {
    d.saturating_add(n.months())
}

/// Calendar-year arithmetic; Feb 29 + 1 year = Feb 28 (jiff clamps the day).
pub fn add_years(d: Date, n: i64) -> Date {
    d.saturating_add(n.years())
}

pub fn first_of_next_month(d: Date) -> Date {
    add_months(d.first_of_month(), 1)
}

/// The first day of the month that starts on or after `d` (`d` itself when it is a 1st).
pub fn first_of_month_on_or_after(d: Date) -> Date {
    if d.day() == 1 {
        d
    } else {
        first_of_next_month(d)
    }
}

/// Months since year 0, for counting whole calendar months between dates.
pub fn month_index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}
