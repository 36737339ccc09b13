//! Calendar arithmetic on plain day numbers (days since 1970-01-01), and FHIR date/dateTime
//! formatting with the region's US time zone (DST by the federal rule), so output does not
//! depend on the machine's time-zone database.

use std::fmt::Write as _;

/// A civil date as a day number (days since 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = m as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// Monday = 0 .. Sunday = 6.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// The same month and day `years` later (29 Feb becomes 28 Feb in common years).
    pub fn add_years(self, years: i32) -> Day {
        let (y, m, d) = self.ymd();
        let y2 = y + years;
        let d = d.min(days_in_month(y2, m));
        Day::from_ymd(y2, m, d)
    }

    /// The first day of this date's month, `months` months later (may be negative).
    pub fn month_start_plus(self, months: i32) -> Day {
        let (y, m, _) = self.ymd();
        let idx = y * 12 + (m as i32 - 1) + months;
        Day::from_ymd(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32, 1)
    }

    /// Whole years of age on `on` for someone born on `self`.
    pub fn age_on(self, on: Day) -> i32 {
        let (by, bm, bd) = self.ymd();
        let (y, m, d) = on.ymd();
        let mut age = y - by;
        if (m, d) < (bm, bd) {
            age -= 1;
        }
        age
    }

    /// Nearest weekday on or after this date (Saturday/Sunday move to Monday).
    pub fn weekday_on_or_after(self) -> Day {
        match self.weekday() {
            5 => self.plus(2),
            6 => self.plus(1),
            _ => self,
        }
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let mut s = String::with_capacity(10);
        self.write_iso(&mut s);
        s
    }

    fn write_iso(self, s: &mut String) {
        let (y, m, d) = self.ymd();
        let _ = write!(s, "{y:04}-{m:02}-{d:02}");
    }
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A region's clock: a US standard offset, with or without daylight saving time.
#[derive(Debug, Clone, Copy)]
pub struct Zone {
    /// Standard-time offset from UTC in hours (e.g. -8 for Pacific).
    pub standard: i32,
    pub dst: bool,
}

impl Zone {
    /// UTC offset in hours on a local date: DST from the second Sunday of March to the first
    /// Sunday of November (the changeover day itself counts as DST from March and standard in
    /// November, which is right for any time after 02:00 local).
    pub fn offset_on(self, day: Day) -> i32 {
        if !self.dst {
            return self.standard;
        }
        let y = day.year();
        let start = nth_sunday(y, 3, 2);
        let end = nth_sunday(y, 11, 1);
        if day >= start && day < end {
            self.standard + 1
        } else {
            self.standard
        }
    }

    /// `YYYY-MM-DDThh:mm:ss±hh:00` for a local wall-clock time given as minutes after midnight
    /// of `day` (values of 1440 or more roll into the following days).
    pub fn datetime(self, day: Day, minutes: u32) -> String {
        let day = day.plus((minutes / 1440) as i32);
        let minutes = minutes % 1440;
        let off = self.offset_on(day);
        let mut s = String::with_capacity(25);
        day.write_iso(&mut s);
        let sign = if off < 0 { '-' } else { '+' };
        let _ = write!(
            s,
            "T{:02}:{:02}:00{sign}{:02}:00",
            minutes / 60,
            minutes % 60,
            off.abs()
        );
        s
    }
}

fn nth_sunday(y: i32, m: u32, n: i32) -> Day {
    let first = Day::from_ymd(y, m, 1);
    let to_sunday = (6 - first.weekday() as i32).rem_euclid(7);
    first.plus(to_sunday + 7 * (n - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        assert_eq!(Day::from_ymd(2000, 3, 1).iso(), "2000-03-01");
        for n in (-50_000..50_000).step_by(37) {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(n));
        }
        assert_eq!(Day::from_ymd(2026, 11, 1).weekday(), 6); // a Sunday
        assert_eq!(Day::from_ymd(2024, 2, 29).add_years(1).iso(), "2025-02-28");
        assert_eq!(
            Day::from_ymd(2024, 2, 29).month_start_plus(-2).iso(),
            "2023-12-01"
        );
        assert_eq!(
            Day::from_ymd(2000, 5, 2).age_on(Day::from_ymd(2026, 5, 1)),
            25
        );
        assert_eq!(
            Day::from_ymd(2000, 5, 2).age_on(Day::from_ymd(2026, 5, 2)),
            26
        );
    }

    #[test]
    fn daylight_saving_follows_the_federal_rule() {
        let pacific = Zone {
            standard: -8,
            dst: true,
        };
        assert_eq!(pacific.offset_on(Day::from_ymd(2026, 3, 7)), -8);
        assert_eq!(pacific.offset_on(Day::from_ymd(2026, 3, 8)), -7);
        assert_eq!(pacific.offset_on(Day::from_ymd(2026, 10, 31)), -7);
        assert_eq!(pacific.offset_on(Day::from_ymd(2026, 11, 1)), -8);
        assert_eq!(
            pacific.datetime(Day::from_ymd(2026, 7, 4), 9 * 60 + 30),
            "2026-07-04T09:30:00-07:00"
        );
        assert_eq!(
            pacific.datetime(Day::from_ymd(2026, 1, 4), 1440 + 5),
            "2026-01-05T00:05:00-08:00"
        );
    }
}
