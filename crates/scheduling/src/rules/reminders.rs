//! Visit reminders by text (SCH-04, SMS-01, SMS-02): to verified, opted-in mobiles only, 3 days
//! and 1 day before the visit, never between 21:00 and 08:00 local, at most one a day and three
//! a week per member, at most 160 characters, naming the provider and how to reach it, always
//! saying how to stop; and what a member's reply means.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use ws_i18n::Lang;
use ws_i18n::messages;

/// Days before the visit a reminder goes out (SCH-04).
pub const LEAD_DAYS: [i64; 2] = [3, 1];
/// Quiet hours, local: nothing from 21:00 until 08:00.
pub const QUIET_FROM: Time = Time::constant(21, 0, 0, 0);
pub const QUIET_UNTIL: Time = Time::constant(8, 0, 0, 0);
/// SMS-01 caps per member.
pub const PER_DAY: usize = 1;
pub const PER_WEEK: usize = 3;
pub const MAX_CHARS: usize = 160;

/// The moment a reminder `lead_days` before `start` is due: the same local time that many days
/// earlier, moved out of quiet hours (before 08:00 → 08:00 that day; from 21:00 → 20:00 that day,
/// so it still arrives the evening before rather than the next morning).
pub fn due_at(start: Timestamp, lead_days: i64, tz: &TimeZone) -> Option<Timestamp> {
    let local = start.to_zoned(tz.clone());
    let earlier = local.checked_sub(lead_days.days()).ok()?;
    let t = earlier.time();
    let moved = if t < QUIET_UNTIL {
        earlier.with().time(QUIET_UNTIL).build().ok()?
    } else if t >= QUIET_FROM {
        earlier
            .with()
            .time(Time::constant(20, 0, 0, 0))
            .build()
            .ok()?
    } else {
        earlier
    };
    Some(moved.timestamp())
}

/// Is `now` within quiet hours in `tz`?
pub fn quiet(now: Timestamp, tz: &TimeZone) -> bool {
    let t = now.to_zoned(tz.clone()).time();
    t >= QUIET_FROM || t < QUIET_UNTIL
}

/// Why a due reminder is not sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// No verified, opted-in mobile (SCH-04), or the member replied STOP (SMS-02).
    NotOptedIn,
    /// Quiet hours: wait until 08:00.
    Quiet,
    /// One text today already (SMS-01).
    DailyCap,
    /// Three texts in the last seven days already (SMS-01).
    WeeklyCap,
    /// The visit has started, or is no longer booked.
    TooLate,
}

/// May a reminder go out at `now`? `sent`: when this member's earlier reminders went out.
pub fn may_send(
    now: Timestamp,
    start: Timestamp,
    opted_in: bool,
    sent: &[Timestamp],
    tz: &TimeZone,
) -> Result<(), Hold> {
    if !opted_in {
        return Err(Hold::NotOptedIn);
    }
    if start <= now {
        return Err(Hold::TooLate);
    }
    if quiet(now, tz) {
        return Err(Hold::Quiet);
    }
    let today = now.to_zoned(tz.clone()).date();
    let same_day = sent
        .iter()
        .filter(|s| s.to_zoned(tz.clone()).date() == today)
        .count();
    if same_day >= PER_DAY {
        return Err(Hold::DailyCap);
    }
    let week = sent
        .iter()
        .filter(|s| now.duration_since(**s) < SignedDuration::from_hours(24 * 7))
        .count();
    if week >= PER_WEEK {
        return Err(Hold::WeeklyCap);
    }
    Ok(())
}

/// The reminder text in `lang` (SMS-01: provider, contact, concise, no marketing, "Reply
/// STOP"), the longest of its shapes that fits in [`MAX_CHARS`]. `when` is the visit's local
/// date and time as the member reads it (`messages::fmt_visit`).
/// Without a `place` the shape that names one is skipped.
pub fn text(lang: Lang, when: &str, place: &str, phone: &str) -> String {
    let shapes = [
        "visit-reminder",
        "visit-reminder-short",
        "visit-reminder-shortest",
    ];
    let from = usize::from(place.trim().is_empty());
    messages::text_within(
        lang,
        &shapes[from..],
        &[("when", when), ("place", place), ("phone", phone)],
        MAX_CHARS,
    )
}

/// What a member's reply means (SCH-04, SMS-02). Carriers' keywords are matched whole, in any
/// case, with surrounding spaces and punctuation ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Confirm,
    Cancel,
    Stop,
    Start,
    Help,
    Unknown,
}

pub fn parse_reply(body: &str) -> Reply {
    let word: String = body
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || c == '¡' || c == '¿')
        .to_uppercase();
    // English, and what Spanish-speaking members answer (the texts say C and X in both).
    match word.as_str() {
        "C" | "CONFIRM" | "YES" | "Y" | "CONFIRMAR" | "SI" | "SÍ" => Reply::Confirm,
        "X" | "CANCEL" | "CANCELAR" => Reply::Cancel,
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "END" | "QUIT" | "ALTO" | "PARAR" => Reply::Stop,
        "START" | "UNSTOP" | "INICIAR" => Reply::Start,
        "HELP" | "INFO" | "AYUDA" => Reply::Help,
        _ => Reply::Unknown,
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules::slots::zone_of_state;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn local(t: Timestamp) -> String {
        t.to_zoned(zone_of_state("WA"))
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn sch_04_due_three_days_and_one_day_before_outside_quiet_hours() {
        let tz = zone_of_state("WA");
        // Visit Thu 2026-12-10 10:00 PST (18:00Z).
        let start = ts("2026-12-10T18:00:00Z");
        let due: Vec<String> = LEAD_DAYS
            .iter()
            .filter_map(|d| due_at(start, *d, &tz))
            .map(local)
            .collect();
        assert_eq!(due, ["2026-12-07 10:00", "2026-12-09 10:00"]);
        // A 7:30 visit: the reminder waits for 08:00 the day before.
        let early = ts("2026-12-10T15:30:00Z");
        assert_eq!(
            due_at(early, 1, &tz).map(local).as_deref(),
            Some("2026-12-09 08:00")
        );
        // A 21:30 visit: 20:00 the evening before, not after quiet hours begin.
        let late = ts("2026-12-11T05:30:00Z");
        assert_eq!(
            due_at(late, 1, &tz).map(local).as_deref(),
            Some("2026-12-09 20:00")
        );
    }

    #[test]
    fn sms_01_caps_quiet_hours_and_opt_in() {
        let tz = zone_of_state("WA");
        let start = ts("2026-12-12T18:00:00Z");
        let now = ts("2026-12-09T18:00:00Z"); // 10:00 local
        assert_eq!(may_send(now, start, true, &[], &tz), Ok(()));
        assert_eq!(may_send(now, start, false, &[], &tz), Err(Hold::NotOptedIn));
        // 22:00 local.
        assert_eq!(
            may_send(ts("2026-12-10T06:00:00Z"), start, true, &[], &tz),
            Err(Hold::Quiet)
        );
        // Already one today (08:30 local).
        assert_eq!(
            may_send(now, start, true, &[ts("2026-12-09T16:30:00Z")], &tz),
            Err(Hold::DailyCap)
        );
        // Yesterday's does not count for today…
        assert_eq!(
            may_send(now, start, true, &[ts("2026-12-08T18:00:00Z")], &tz),
            Ok(())
        );
        // …but three in the last seven days cap the week.
        let three = [
            ts("2026-12-04T18:00:00Z"),
            ts("2026-12-06T18:00:00Z"),
            ts("2026-12-08T18:00:00Z"),
        ];
        assert_eq!(
            may_send(now, start, true, &three, &tz),
            Err(Hold::WeeklyCap)
        );
        assert_eq!(
            may_send(ts("2026-12-12T19:00:00Z"), start, true, &[], &tz),
            Err(Hold::TooLate)
        );
    }

    #[test]
    fn sms_01_text_is_short_and_says_stop() {
        for lang in Lang::ALL {
            for place in [
                "Cedarton Medical Center",
                "A Medical Center Whose Name Goes On And On For A Long While Indeed, Building B",
            ] {
                let when = messages::fmt_visit(lang, "2026-12-09T10:00");
                let t = text(lang, &when, place, "+12065550100");
                assert!(t.chars().count() <= MAX_CHARS, "{t}");
                assert!(t.starts_with("Wellspring Health:"), "{t}");
                assert!(t.contains("STOP") && t.contains(&when), "{t}");
            }
        }
        let t = text(Lang::En, "Wed Dec 9 10:00 AM", "Cedarton", "+12065550100");
        assert_eq!(
            t,
            "Wellspring Health: visit Wed Dec 9 10:00 AM at Cedarton. Reply C to confirm, X to cancel. Call +12065550100. Reply STOP to end texts."
        );
        let t = text(Lang::En, "Wed Dec 9 10:00 AM", " ", "+12065550100");
        assert!(
            t.starts_with("Wellspring Health: visit Wed Dec 9 10:00 AM. Reply"),
            "{t}"
        );
        let t = text(Lang::Es, "mié 9 dic 10:00", "Cedarton", "+12065550100");
        assert!(t.contains("cita el mié 9 dic 10:00 en Cedarton"), "{t}");
    }

    #[test]
    fn sms_02_replies() {
        let table = [
            ("C", Reply::Confirm),
            (" confirm ", Reply::Confirm),
            ("x", Reply::Cancel),
            ("CANCEL.", Reply::Cancel),
            ("Stop", Reply::Stop),
            ("UNSUBSCRIBE", Reply::Stop),
            ("start", Reply::Start),
            ("UNSTOP", Reply::Start),
            ("help", Reply::Help),
            ("Sí", Reply::Confirm),
            ("¡confirmar!", Reply::Confirm),
            ("Cancelar", Reply::Cancel),
            ("alto", Reply::Stop),
            ("ayuda", Reply::Help),
            ("can I come at 3?", Reply::Unknown),
            ("", Reply::Unknown),
        ];
        for (body, want) in table {
            assert_eq!(parse_reply(body), want, "{body:?}");
        }
    }
}
