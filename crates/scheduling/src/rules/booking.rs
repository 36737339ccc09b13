//! May this member book this slot (SCH-02, SCH-03), and may they still cancel or reschedule it
//! online (the cancellation window)?

use jiff::{SignedDuration, Timestamp};

use super::pcp::PrimaryCare;
use super::visit::{Mode, VisitType};

/// Online cancel or reschedule until this long before the start (defaults table, SCH-03).
pub const CANCEL_WINDOW: SignedDuration = SignedDuration::from_hours(2);

/// What the booking rules need to know.
#[derive(Debug, Clone, Copy)]
pub struct BookingFacts<'a> {
    pub now: Timestamp,
    pub start: Timestamp,
    pub visit: VisitType,
    pub mode: Mode,
    /// The member's age in whole years on the visit date.
    pub age: i64,
    /// The practitioner's primary-care specialty, when they have one (ages they see).
    pub primary_care: Option<PrimaryCare>,
    /// Coverage active on the visit date (ELG-01).
    pub covered: bool,
    /// An open referral for this specialty from a clinician.
    pub referral: bool,
    /// The state the member will be in for a video or phone visit (SEED-10); `None`: not said.
    pub member_state: Option<&'a str>,
    /// The clinic's state.
    pub clinic_state: &'a str,
    /// The member already holds a future visit of this type with this practitioner (SCH-03).
    pub holds_same: bool,
    /// Booked by a parent of a teen (PRX-03: routine in-person visits only).
    pub teen_parent: bool,
}

/// Why a booking is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingRefusal {
    /// The slot has started or is over.
    Past,
    /// Further ahead than members may book online (the horizon in days).
    BeyondHorizon(i64),
    /// No active coverage on the visit date.
    NotCovered,
    /// This specialty needs a referral from a clinician.
    NeedsReferral,
    /// The practitioner does not see members of this age.
    AgeDoesNotFit,
    /// A video or phone visit while the member is in another state (SEED-10).
    OutOfState,
    /// Already holds a future visit of the same type with the same practitioner (SCH-03).
    AlreadyHolds,
    /// A parent of a teen books routine in-person visits only (PRX-03).
    ProxyLimited,
}

impl BookingRefusal {
    pub fn key(self) -> &'static str {
        match self {
            BookingRefusal::Past => "scheduling.refused.past",
            BookingRefusal::BeyondHorizon(_) => "scheduling.refused.horizon",
            BookingRefusal::NotCovered => "scheduling.refused.coverage",
            BookingRefusal::NeedsReferral => "scheduling.refused.referral",
            BookingRefusal::AgeDoesNotFit => "scheduling.refused.age",
            BookingRefusal::OutOfState => "scheduling.refused.state",
            BookingRefusal::AlreadyHolds => "scheduling.refused.already",
            BookingRefusal::ProxyLimited => "scheduling.refused.teen",
        }
    }

    pub fn message(self) -> String {
        match self {
            BookingRefusal::Past => "this visit time has already passed".into(),
            BookingRefusal::BeyondHorizon(d) => {
                format!("visits of this type can be booked online up to {d} days ahead")
            }
            BookingRefusal::NotCovered => {
                "the member has no active coverage on the visit date".into()
            }
            BookingRefusal::NeedsReferral => {
                "this specialty needs a referral from your doctor; book a primary care visit first"
                    .into()
            }
            BookingRefusal::AgeDoesNotFit => {
                "this doctor does not see patients of the member's age".into()
            }
            BookingRefusal::OutOfState => {
                "video and phone visits are not available while you are in another state".into()
            }
            BookingRefusal::AlreadyHolds => {
                "the member already has an upcoming visit of this type with this doctor; reschedule that one instead"
                    .into()
            }
            BookingRefusal::ProxyLimited => {
                "a parent of a teen can book routine in-person visits only; other visits are booked by the teen or by calling us"
                    .into()
            }
        }
    }
}

/// Decide a booking (the slot being free is the database's to decide, not this function's).
pub fn decide(f: &BookingFacts<'_>) -> Result<(), BookingRefusal> {
    if f.start <= f.now {
        return Err(BookingRefusal::Past);
    }
    if f.teen_parent && (f.mode != Mode::InPerson || f.visit.is_specialty()) {
        return Err(BookingRefusal::ProxyLimited);
    }
    let horizon = f.visit.horizon_days();
    if f.start.duration_since(f.now) > SignedDuration::from_hours(24 * (horizon + 1)) {
        return Err(BookingRefusal::BeyondHorizon(horizon));
    }
    if !f.covered {
        return Err(BookingRefusal::NotCovered);
    }
    if f.visit.needs_referral() && !f.referral {
        return Err(BookingRefusal::NeedsReferral);
    }
    if let Some(pc) = f.primary_care
        && !pc.sees_age(f.age)
    {
        return Err(BookingRefusal::AgeDoesNotFit);
    }
    if f.mode.is_remote()
        && let Some(s) = f.member_state
        && !s.eq_ignore_ascii_case(f.clinic_state)
    {
        return Err(BookingRefusal::OutOfState);
    }
    if f.holds_same {
        return Err(BookingRefusal::AlreadyHolds);
    }
    Ok(())
}

/// Cancelling or rescheduling a visit that starts at `start`, at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// Inside the window: the member may do it online.
    Online,
    /// Less than two hours before (or after) the start: a late cancellation — the member calls;
    /// staff record it, never charged to a prepaid member (SCH-03).
    Late,
}

pub fn cancel(now: Timestamp, start: Timestamp) -> Cancel {
    if start.duration_since(now) >= CANCEL_WINDOW {
        Cancel::Online
    } else {
        Cancel::Late
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn base<'a>() -> BookingFacts<'a> {
        BookingFacts {
            now: ts("2026-12-07T16:00:00Z"),
            start: ts("2026-12-09T17:00:00Z"),
            visit: VisitType::PrimaryCare,
            mode: Mode::InPerson,
            age: 40,
            primary_care: Some(PrimaryCare::FamilyMedicine),
            covered: true,
            referral: false,
            member_state: None,
            clinic_state: "WA",
            holds_same: false,
            teen_parent: false,
        }
    }

    #[test]
    fn sch_02_booking_table() {
        type Edit = fn(&mut BookingFacts<'static>);
        let table: &[(&str, Edit, Result<(), BookingRefusal>)] = &[
            ("an ordinary visit", |_| {}, Ok(())),
            (
                "the same day, later on",
                |f| f.start = ts("2026-12-07T18:00:00Z"),
                Ok(()),
            ),
            (
                "already started",
                |f| f.start = ts("2026-12-07T16:00:00Z"),
                Err(BookingRefusal::Past),
            ),
            (
                "90 days ahead is bookable",
                |f| f.start = ts("2027-03-07T17:00:00Z"),
                Ok(()),
            ),
            (
                "92 days ahead is not",
                |f| f.start = ts("2027-03-09T17:00:00Z"),
                Err(BookingRefusal::BeyondHorizon(90)),
            ),
            (
                "specialty: 120 days",
                |f| {
                    f.visit = VisitType::SelfReferral("dermatology");
                    f.primary_care = None;
                    f.start = ts("2027-04-05T17:00:00Z");
                },
                Ok(()),
            ),
            (
                "coverage not active on the date (ELG-01)",
                |f| f.covered = false,
                Err(BookingRefusal::NotCovered),
            ),
            (
                "cardiology without a referral",
                |f| {
                    f.visit = VisitType::Referral("cardiology");
                    f.primary_care = None;
                },
                Err(BookingRefusal::NeedsReferral),
            ),
            (
                "cardiology with one",
                |f| {
                    f.visit = VisitType::Referral("cardiology");
                    f.primary_care = None;
                    f.referral = true;
                },
                Ok(()),
            ),
            (
                "dermatology is self-referral",
                |f| {
                    f.visit = VisitType::SelfReferral("dermatology");
                    f.primary_care = None;
                },
                Ok(()),
            ),
            (
                "a pediatrician and an adult",
                |f| f.primary_care = Some(PrimaryCare::Pediatrics),
                Err(BookingRefusal::AgeDoesNotFit),
            ),
            (
                "internal medicine and a child",
                |f| {
                    f.primary_care = Some(PrimaryCare::InternalMedicine);
                    f.age = 9;
                },
                Err(BookingRefusal::AgeDoesNotFit),
            ),
            (
                "video from another state (SEED-10)",
                |f| {
                    f.mode = Mode::Video;
                    f.member_state = Some("OR");
                },
                Err(BookingRefusal::OutOfState),
            ),
            (
                "phone from the same state",
                |f| {
                    f.mode = Mode::Phone;
                    f.member_state = Some("wa");
                },
                Ok(()),
            ),
            (
                "in person from another state is fine",
                |f| f.member_state = Some("OR"),
                Ok(()),
            ),
            (
                "SCH-03: a second future visit of the same type with the same doctor",
                |f| f.holds_same = true,
                Err(BookingRefusal::AlreadyHolds),
            ),
            (
                "PRX-03: a teen's parent books a routine in-person visit",
                |f| f.teen_parent = true,
                Ok(()),
            ),
            (
                "PRX-03: but not a video visit",
                |f| {
                    f.teen_parent = true;
                    f.mode = Mode::Video;
                },
                Err(BookingRefusal::ProxyLimited),
            ),
            (
                "PRX-03: nor a specialty visit (mental health, OB-GYN)",
                |f| {
                    f.teen_parent = true;
                    f.visit = VisitType::SelfReferral("mental-health");
                    f.primary_care = None;
                },
                Err(BookingRefusal::ProxyLimited),
            ),
        ];
        for (what, edit, want) in table {
            let mut f = base();
            edit(&mut f);
            assert_eq!(decide(&f), *want, "{what}");
        }
    }

    #[test]
    fn sch_03_cancellation_window_is_two_hours() {
        let start = ts("2026-12-09T17:00:00Z");
        assert_eq!(cancel(ts("2026-12-08T17:00:00Z"), start), Cancel::Online);
        assert_eq!(cancel(ts("2026-12-09T15:00:00Z"), start), Cancel::Online);
        assert_eq!(cancel(ts("2026-12-09T15:00:01Z"), start), Cancel::Late);
        assert_eq!(cancel(ts("2026-12-09T18:00:00Z"), start), Cancel::Late);
    }
}
