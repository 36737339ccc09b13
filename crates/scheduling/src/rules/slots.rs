//! Weekly templates to slot times: a practitioner's or department's available hours by weekday,
//! cut into visits of the visit type's length, without lunch, blocked time or holidays, in the
//! clinic's own time zone (so 9:00 stays 9:00 across daylight saving).

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// One row of a template: these weekdays, from `start` to `end` (FHIR `availableTime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    pub days: Vec<Weekday>,
    pub start: Time,
    pub end: Time,
}

/// The lunch hour no template books through.
pub const LUNCH: (Time, Time) = (Time::constant(12, 0, 0, 0), Time::constant(13, 0, 0, 0));

/// A weekday from a FHIR `daysOfWeek` code.
pub fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// The time zone of a clinic in `state` (US rules; no time-zone database needed).
pub fn zone_of_state(state: &str) -> TimeZone {
    let rule = match state.to_ascii_uppercase().as_str() {
        "HI" => "HST10",
        "AZ" => "MST7",
        "CO" | "NM" | "UT" | "MT" | "WY" | "ID" => "MST7MDT,M3.2.0,M11.1.0",
        "TX" | "IL" | "MN" | "WI" | "MO" | "IA" | "LA" | "OK" | "KS" | "NE" | "AL" | "MS"
        | "AR" | "TN" => "CST6CDT,M3.2.0,M11.1.0",
        "GA" | "MD" | "VA" | "DC" | "NY" | "NJ" | "PA" | "FL" | "NC" | "SC" | "OH" | "MI"
        | "MA" | "CT" | "DE" => "EST5EDT,M3.2.0,M11.1.0",
        "AK" => "AKST9AKDT,M3.2.0,M11.1.0",
        _ => "PST8PDT,M3.2.0,M11.1.0",
    };
    TimeZone::posix(rule).unwrap_or(TimeZone::UTC)
}

/// A slot: start and end instants.
pub type Span = (Timestamp, Timestamp);

/// The slots of `hours` from `from` up to (not including) `until`, each `minutes` long, in
/// `tz`, skipping lunch, days for which `closed` says so (holidays, closures) and any slot
/// that overlaps a `blocked` span.
pub fn generate(
    hours: &[Hours],
    minutes: i64,
    from: Date,
    until: Date,
    tz: &TimeZone,
    closed: &dyn Fn(Date) -> bool,
    blocked: &[Span],
) -> Vec<Span> {
    let mut out = Vec::new();
    if minutes <= 0 {
        return out;
    }
    let mut day = from;
    while day < until {
        if !closed(day) {
            for h in hours.iter().filter(|h| h.days.contains(&day.weekday())) {
                let mut t = h.start;
                loop {
                    let Ok(end) = t.checked_add(minutes.minutes()) else {
                        break;
                    };
                    if end > h.end || end <= t {
                        break;
                    }
                    if t < LUNCH.1 && end > LUNCH.0 {
                        // Resume after lunch (if the template runs that long).
                        t = LUNCH.1;
                        continue;
                    }
                    {
                        let (Ok(s), Ok(e)) = (
                            day.to_datetime(t).to_zoned(tz.clone()),
                            day.to_datetime(end).to_zoned(tz.clone()),
                        ) else {
                            break;
                        };
                        let span = (s.timestamp(), e.timestamp());
                        if !blocked.iter().any(|b| b.0 < span.1 && span.0 < b.1) {
                            out.push(span);
                        }
                    }
                    t = end;
                }
            }
        }
        let Ok(next) = day.checked_add(1.day()) else {
            break;
        };
        day = next;
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn wa() -> TimeZone {
        zone_of_state("WA")
    }

    fn local(ts: Timestamp) -> String {
        ts.to_zoned(wa())
            .strftime("%a %Y-%m-%d %H:%M %:z")
            .to_string()
    }

    fn mornings() -> Vec<Hours> {
        vec![Hours {
            days: vec![Weekday::Monday, Weekday::Tuesday],
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(13, 30, 0, 0),
        }]
    }

    #[test]
    fn sch_02_template_cuts_visits_and_skips_lunch_weekends_and_holidays() {
        // Mon 2026-12-07 .. Mon 2026-12-14 (exclusive): Monday and Tuesday only.
        let none = |_: Date| false;
        let slots = generate(
            &mornings(),
            30,
            date(2026, 12, 7),
            date(2026, 12, 14),
            &wa(),
            &none,
            &[],
        );
        // 9:00..12:00 = 6 slots, lunch 12–13 skipped, 13:00–13:30 = 1; two days.
        assert_eq!(slots.len(), 14);
        assert_eq!(local(slots[0].0), "Mon 2026-12-07 09:00 -08:00");
        assert_eq!(local(slots[5].0), "Mon 2026-12-07 11:30 -08:00");
        assert_eq!(local(slots[6].0), "Mon 2026-12-07 13:00 -08:00");
        assert_eq!(local(slots[7].0), "Tue 2026-12-08 09:00 -08:00");
        // A holiday (closed) drops its day.
        let holiday = |d: Date| d == date(2026, 12, 8);
        assert_eq!(
            generate(
                &mornings(),
                30,
                date(2026, 12, 7),
                date(2026, 12, 14),
                &wa(),
                &holiday,
                &[]
            )
            .len(),
            7
        );
        // A visit longer than what is left before the end is not offered.
        let s45 = generate(
            &mornings(),
            45,
            date(2026, 12, 7),
            date(2026, 12, 8),
            &wa(),
            &none,
            &[],
        );
        assert_eq!(
            s45.iter().map(|s| local(s.0)).collect::<Vec<_>>(),
            [
                "Mon 2026-12-07 09:00 -08:00",
                "Mon 2026-12-07 09:45 -08:00",
                "Mon 2026-12-07 10:30 -08:00",
                "Mon 2026-12-07 11:15 -08:00"
            ]
        );
    }

    #[test]
    fn sch_02_blocked_time_removes_overlapping_slots() {
        let none = |_: Date| false;
        let block: Span = (
            "2026-12-07T18:15:00Z".parse().expect("ts"), // 10:15 local
            "2026-12-07T19:00:00Z".parse().expect("ts"), // 11:00 local
        );
        let slots = generate(
            &mornings(),
            30,
            date(2026, 12, 7),
            date(2026, 12, 8),
            &wa(),
            &none,
            &[block],
        );
        let times: Vec<String> = slots.iter().map(|s| local(s.0)).collect();
        assert!(
            !times
                .iter()
                .any(|t| t.contains("10:00") || t.contains("10:30"))
        );
        assert!(times.iter().any(|t| t.contains("09:30")));
        assert!(times.iter().any(|t| t.contains("11:00")));
    }

    #[test]
    fn sch_02_local_hours_hold_across_daylight_saving() {
        let none = |_: Date| false;
        // 2027-03-15 is the Monday after DST starts (2027-03-14).
        let slots = generate(
            &mornings(),
            30,
            date(2027, 3, 8),
            date(2027, 3, 16),
            &wa(),
            &none,
            &[],
        );
        let first_after = slots
            .iter()
            .find(|s| local(s.0).starts_with("Mon 2027-03-15"))
            .map(|s| local(s.0));
        assert_eq!(first_after.as_deref(), Some("Mon 2027-03-15 09:00 -07:00"));
        assert_eq!(local(slots[0].0), "Mon 2027-03-08 09:00 -08:00");
        // Hawaii has no daylight saving.
        let hi = zone_of_state("HI");
        let s = generate(
            &mornings(),
            30,
            date(2027, 3, 15),
            date(2027, 3, 16),
            &hi,
            &none,
            &[],
        );
        assert_eq!(s[0].0.to_string(), "2027-03-15T19:00:00Z");
    }
}
