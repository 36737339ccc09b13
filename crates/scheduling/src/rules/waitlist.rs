//! The waitlist (SCH-05): a freed slot is offered to the first member waiting for that kind of
//! visit who wanted an earlier time; the offer is held 2 hours (30 minutes if the visit starts
//! within 24 hours) and passes on to the next when its hold ends.

use jiff::{SignedDuration, Timestamp};

/// One member waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: String,
    /// When they joined (first come, first served).
    pub since: Timestamp,
    /// The visit they hold now and want earlier (the freed slot must start before it).
    pub current_start: Option<Timestamp>,
    /// An offer already made and not expired, or refused earlier for this slot.
    pub passed: bool,
}

/// How long an offer of a slot starting at `start`, made at `now`, is held.
pub fn hold(now: Timestamp, start: Timestamp) -> SignedDuration {
    if start.duration_since(now) <= SignedDuration::from_hours(24) {
        SignedDuration::from_mins(30)
    } else {
        SignedDuration::from_hours(2)
    }
}

/// Who is offered a slot starting at `start`: the earliest to join among those who have not
/// passed on it and for whom it is earlier than what they hold.
pub fn next(list: &[Waiting], start: Timestamp) -> Option<&Waiting> {
    list.iter()
        .filter(|w| !w.passed)
        .filter(|w| w.current_start.is_none_or(|c| start < c))
        .min_by_key(|w| (w.since, w.id.clone()))
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn sch_05_hold_two_hours_or_thirty_minutes_within_a_day() {
        let now = ts("2026-12-07T16:00:00Z");
        assert_eq!(
            hold(now, ts("2026-12-09T16:00:00Z")),
            SignedDuration::from_hours(2)
        );
        assert_eq!(
            hold(now, ts("2026-12-08T16:00:01Z")),
            SignedDuration::from_hours(2)
        );
        assert_eq!(
            hold(now, ts("2026-12-08T16:00:00Z")),
            SignedDuration::from_mins(30)
        );
        assert_eq!(
            hold(now, ts("2026-12-07T18:00:00Z")),
            SignedDuration::from_mins(30)
        );
    }

    #[test]
    fn sch_05_first_come_first_served_and_only_earlier() {
        let w = |id: &str, since: &str, current: Option<&str>, passed: bool| Waiting {
            id: id.into(),
            since: ts(since),
            current_start: current.map(ts),
            passed,
        };
        let freed = ts("2026-12-10T17:00:00Z");
        let list = vec![
            w(
                "late",
                "2026-12-03T00:00:00Z",
                Some("2026-12-20T17:00:00Z"),
                false,
            ),
            w(
                "first",
                "2026-12-01T00:00:00Z",
                Some("2026-12-20T17:00:00Z"),
                false,
            ),
            w(
                "earlier-already",
                "2026-11-30T00:00:00Z",
                Some("2026-12-09T17:00:00Z"),
                false,
            ),
            w("passed", "2026-11-29T00:00:00Z", None, true),
        ];
        assert_eq!(next(&list, freed).map(|w| w.id.as_str()), Some("first"));
        // When "first" lets the hold end, it passes on.
        let mut list2 = list.clone();
        list2[1].passed = true;
        assert_eq!(next(&list2, freed).map(|w| w.id.as_str()), Some("late"));
        list2[0].passed = true;
        assert_eq!(next(&list2, freed), None);
    }
}
