//! May a prescription be refilled today? One pure decision with its reason and, where one
//! applies, its date (DOMAIN RX-01, RX-02, RX-04, RX-05, RX-06; EX-R1, EX-R3, EX-R4).
//!
//! The answer reads only facts: the prescription (issue date, validity, refills allowed,
//! status), the fills already handed over (`MedicationDispense` with `status: completed`, by
//! whoever wrote them), what is already in process, and the formulary's listing of the drug.

use jiff::ToSpan;
use jiff::civil::Date;

use super::formulary::{Listing, Schedule};

/// The thresholds, configuration with shipped defaults (DOMAIN "Wellspring's defaults").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefillSettings {
    /// A refill may be ordered once this share (percent) of the last fill's days' supply is
    /// used (RX-01: 70).
    pub share_used_pct: u32,
    /// A non-controlled prescription (and schedule V) is valid this many months after it was
    /// written, unless it says otherwise (RX-05: 12).
    pub expiry_months: i32,
    /// Schedules III and IV: no fill more than this many months after the issue date (RX-04: 6).
    pub controlled_months: i32,
    /// Schedules III and IV: at most this many refills (RX-04: 5).
    pub controlled_refills: u32,
}

impl Default for RefillSettings {
    fn default() -> Self {
        RefillSettings {
            share_used_pct: 70,
            expiry_months: 12,
            controlled_months: 6,
            controlled_refills: 5,
        }
    }
}

/// The prescription's status as the prescriber left it (`MedicationRequest.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxStatus {
    Active,
    /// Every fill it allowed has been made, or its time is over.
    Completed,
    /// Stopped, cancelled, on hold or entered in error: no more fills.
    Stopped,
    /// Moved to another pharmacy.
    TransferredOut,
}

/// A prescription, as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescription {
    /// The day it was written (`authoredOn`, else `validityPeriod.start`).
    pub issued: Date,
    /// The last day it may be filled (`dispenseRequest.validityPeriod.end`), when it says.
    pub valid_until: Option<Date>,
    /// Refills after the first fill (`dispenseRequest.numberOfRepeatsAllowed`).
    pub refills_allowed: u32,
    pub status: RxStatus,
    pub listing: Listing,
}

/// A fill handed over to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    pub on: Date,
    pub days_supply: u32,
}

/// Something already under way for this prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// A fill has been ordered and not yet handed over.
    Order { since: Date },
    /// A renewal request is with the prescriber.
    Renewal { since: Date },
}

/// Why a controlled-substance prescription cannot be refilled (RX-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlledWhy {
    /// Schedule II: every fill needs a new prescription.
    ScheduleII,
    /// Schedules III–IV: the prescription ran out six months after it was written.
    SixMonths { ended: Date },
    /// Schedules III–IV: the five refills the law allows are used.
    FiveRefills,
}

/// The answer, with what the member needs to act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A refill may be ordered today; `refills_left` counts this one.
    May {
        refills_left: u32,
    },
    /// Too soon: not before `first` (RX-01).
    TooSoon {
        first: Date,
    },
    /// No refills left: a renewal goes to the prescriber (RX-06).
    NoRefills,
    /// The prescription expired after `ended` (RX-05): a renewal goes to the prescriber.
    Expired {
        ended: Date,
    },
    Controlled(ControlledWhy),
    /// Already ordered or already asked for.
    InProcess(Pending),
    Discontinued {
        transferred: bool,
    },
    NotCovered,
    PriorAuth,
}

impl Answer {
    /// The code the FHIR API answers with (`issue[0].details.coding[0].code`); `None` when a
    /// refill may be ordered.
    pub fn code(self) -> Option<&'static str> {
        Some(match self {
            Answer::May { .. } => return None,
            Answer::TooSoon { .. } => "too-soon",
            Answer::NoRefills => "no-refills",
            Answer::Expired { .. } => "expired",
            Answer::Controlled(_) => "controlled",
            Answer::InProcess(_) => "in-process",
            Answer::Discontinued { .. } => "discontinued",
            Answer::NotCovered => "not-covered",
            Answer::PriorAuth => "prior-auth",
        })
    }

    /// Whether the answer sends a renewal request to the prescriber instead (RX-06, EX-R3).
    pub fn needs_renewal(self) -> bool {
        matches!(
            self,
            Answer::NoRefills
                | Answer::Expired { .. }
                | Answer::Controlled(ControlledWhy::SixMonths { .. } | ControlledWhy::FiveRefills)
        )
    }

    /// The answer in plain English (the FHIR API's OperationOutcome text; the portal has its
    /// own texts in each language).
    pub fn explain(self) -> String {
        match self {
            Answer::May { refills_left } => format!(
                "A refill can be ordered today; {refills_left} refill{} left including this one.",
                if refills_left == 1 { "" } else { "s" }
            ),
            Answer::TooSoon { first } => format!(
                "It is too soon to refill this prescription: most of the last fill should still be \
                 left. It can be ordered from {first}."
            ),
            Answer::NoRefills => "This prescription has no refills left. A renewal request goes \
                to the prescriber; allow 2 working days for an answer."
                .into(),
            Answer::Expired { ended } => format!(
                "This prescription expired on {ended}: prescriptions are valid for a limited time \
                 even when refills remain. A renewal request goes to the prescriber; allow 2 \
                 working days for an answer."
            ),
            Answer::Controlled(ControlledWhy::ScheduleII) => "This is a schedule II controlled \
                substance: the law allows no refills, so each fill needs a new prescription from \
                the prescriber."
                .into(),
            Answer::Controlled(ControlledWhy::SixMonths { ended }) => format!(
                "This is a controlled substance: the law allows fills for six months after it was \
                 written, and that time ended on {ended}. A new prescription is needed."
            ),
            Answer::Controlled(ControlledWhy::FiveRefills) => "This is a controlled substance: \
                the law allows at most five refills, and they are used. A new prescription is \
                needed."
                .into(),
            Answer::InProcess(Pending::Order { since }) => format!(
                "A refill of this prescription was ordered on {since} and is being prepared."
            ),
            Answer::InProcess(Pending::Renewal { since }) => format!(
                "A renewal of this prescription was requested on {since} and is waiting for the \
                 prescriber's answer."
            ),
            Answer::Discontinued { transferred: true } => "This prescription was transferred to \
                another pharmacy; refills are ordered there."
                .into(),
            Answer::Discontinued { transferred: false } => "This prescription was stopped by the \
                prescriber and cannot be refilled."
                .into(),
            Answer::NotCovered => {
                "This drug is not on the plan's formulary, so a refill cannot be \
                ordered through the plan. Ask the prescriber about a covered alternative."
                    .into()
            }
            Answer::PriorAuth => "The plan needs a prior authorization for this drug before it \
                can be filled. The prescriber's office can request it."
                .into(),
        }
    }
}

/// The first day a refill may be ordered after `last`: once `share_used_pct` of its days'
/// supply is used, rounded up to whole days (RX-01; EX-R1: 30 days at 70 % → 21 days).
pub fn first_refill_day(last: Fill, s: &RefillSettings) -> Date {
    let days = (u64::from(last.days_supply) * u64::from(s.share_used_pct)).div_ceil(100);
    last.on
        .checked_add(i64::try_from(days).unwrap_or(i64::MAX).days())
        .unwrap_or(Date::MAX)
}

/// The last day a prescription may be filled: the date it carries, else `expiry_months` after
/// it was written (RX-05). Controlled III–IV: six months at most (RX-04).
pub fn last_valid_day(p: &Prescription, s: &RefillSettings) -> Date {
    let by_law = |months: i32| {
        p.issued
            .checked_add(months.months())
            .and_then(|d| d.checked_sub(1.day()))
            .unwrap_or(Date::MAX)
    };
    let general = p.valid_until.unwrap_or_else(|| by_law(s.expiry_months));
    match p.listing.schedule {
        Some(Schedule::III | Schedule::IV) => general.min(by_law(s.controlled_months)),
        _ => general,
    }
}

/// May `p` be refilled on `today`, given its completed `fills` and what is `pending`?
pub fn decide(
    p: &Prescription,
    fills: &[Fill],
    pending: Option<Pending>,
    today: Date,
    s: &RefillSettings,
) -> Answer {
    match p.status {
        RxStatus::Stopped => return Answer::Discontinued { transferred: false },
        RxStatus::TransferredOut => return Answer::Discontinued { transferred: true },
        RxStatus::Active | RxStatus::Completed => {}
    }
    if let Some(pending) = pending {
        return Answer::InProcess(pending);
    }
    if !p.listing.covered {
        return Answer::NotCovered;
    }
    if p.listing.prior_auth {
        return Answer::PriorAuth;
    }
    let used = u32::try_from(fills.len().saturating_sub(1)).unwrap_or(u32::MAX);
    let schedule = p.listing.schedule;
    if schedule == Some(Schedule::II) && !fills.is_empty() {
        return Answer::Controlled(ControlledWhy::ScheduleII);
    }
    let ended = last_valid_day(p, s);
    if today > ended {
        return match schedule {
            Some(Schedule::III | Schedule::IV) if p.valid_until.is_none_or(|v| v > ended) => {
                Answer::Controlled(ControlledWhy::SixMonths { ended })
            }
            _ => Answer::Expired { ended },
        };
    }
    if matches!(schedule, Some(Schedule::III | Schedule::IV))
        && !fills.is_empty()
        && used >= s.controlled_refills
        && p.refills_allowed > used
    {
        return Answer::Controlled(ControlledWhy::FiveRefills);
    }
    let Some(last) = fills.iter().max_by_key(|f| f.on).copied() else {
        // The first fill of a prescription never filled.
        return if p.status == RxStatus::Completed {
            Answer::NoRefills
        } else {
            Answer::May {
                refills_left: p.refills_allowed + 1,
            }
        };
    };
    let allowed = match schedule {
        Some(Schedule::III | Schedule::IV) => p.refills_allowed.min(s.controlled_refills),
        _ => p.refills_allowed,
    };
    if used >= allowed || p.status == RxStatus::Completed {
        return Answer::NoRefills;
    }
    let first = first_refill_day(last, s);
    if today < first {
        return Answer::TooSoon { first };
    }
    Answer::May {
        refills_left: allowed - used,
    }
}

/// The early travel refill (RX-02): at the pharmacy counter, before travel, even below the
/// share used — once a calendar year and never for a controlled substance. `used_this_year`:
/// whether the member already had one this calendar year.
pub fn decide_for_travel(
    p: &Prescription,
    fills: &[Fill],
    pending: Option<Pending>,
    today: Date,
    used_this_year: bool,
    s: &RefillSettings,
) -> Answer {
    let answer = decide(p, fills, pending, today, s);
    match answer {
        Answer::TooSoon { .. } if p.listing.schedule.is_some() => {
            // Controlled substances are never refilled early (RX-01, EX-R4).
            answer
        }
        Answer::TooSoon { .. } if !used_this_year => {
            let used = u32::try_from(fills.len().saturating_sub(1)).unwrap_or(u32::MAX);
            Answer::May {
                refills_left: p.refills_allowed.saturating_sub(used),
            }
        }
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules::formulary::Tier;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn listing(schedule: Option<Schedule>) -> Listing {
        Listing {
            covered: true,
            prior_auth: false,
            tier: Tier::Generic,
            schedule,
            mail: true,
            auto_refill: schedule.is_none(),
        }
    }

    fn rx(issued: &str, refills: u32, schedule: Option<Schedule>) -> Prescription {
        Prescription {
            issued: d(issued),
            valid_until: None,
            refills_allowed: refills,
            status: RxStatus::Active,
            listing: listing(schedule),
        }
    }

    fn fill(on: &str, days: u32) -> Fill {
        Fill {
            on: d(on),
            days_supply: days,
        }
    }

    const S: RefillSettings = RefillSettings {
        share_used_pct: 70,
        expiry_months: 12,
        controlled_months: 6,
        controlled_refills: 5,
    };

    /// (case, prescription, fills, today, expected)
    fn table() -> Vec<(&'static str, Prescription, Vec<Fill>, &'static str, Answer)> {
        let too_soon = |s: &str| Answer::TooSoon { first: d(s) };
        vec![
            // RX-01 / EX-R1: 30-day supply filled 2026-03-01 → 21 days must pass.
            (
                "ex_r1 30-day, day 19",
                rx("2026-02-20", 3, None),
                vec![fill("2026-03-01", 30)],
                "2026-03-20",
                too_soon("2026-03-22"),
            ),
            (
                "rx_01 30-day, the day before 70 %",
                rx("2026-02-20", 3, None),
                vec![fill("2026-03-01", 30)],
                "2026-03-21",
                too_soon("2026-03-22"),
            ),
            (
                "rx_01 30-day, exactly 70 %",
                rx("2026-02-20", 3, None),
                vec![fill("2026-03-01", 30)],
                "2026-03-22",
                Answer::May { refills_left: 3 },
            ),
            // 90 days at 70 % = 63 days.
            (
                "rx_01 90-day, day 62",
                rx("2026-01-02", 3, None),
                vec![fill("2026-01-05", 90)],
                "2026-03-08",
                too_soon("2026-03-09"),
            ),
            (
                "rx_01 90-day, day 63",
                rx("2026-01-02", 3, None),
                vec![fill("2026-01-05", 90)],
                "2026-03-09",
                Answer::May { refills_left: 3 },
            ),
            // 10 days at 70 % = 7 days; 7-day supply: 4.9 → 5 days (rounded up).
            (
                "rx_01 7-day supply rounds up",
                rx("2026-05-01", 2, None),
                vec![fill("2026-05-01", 7)],
                "2026-05-05",
                too_soon("2026-05-06"),
            ),
            // Leap day: a 30-day fill on 2028-02-08 → 21 days → 2028-02-29.
            (
                "rx_01 leap day",
                rx("2028-02-01", 5, None),
                vec![fill("2028-02-08", 30)],
                "2028-02-28",
                too_soon("2028-02-29"),
            ),
            (
                "rx_01 leap day reached",
                rx("2028-02-01", 5, None),
                vec![fill("2028-02-08", 30)],
                "2028-02-29",
                Answer::May { refills_left: 5 },
            ),
            // The latest fill counts, not the first.
            (
                "rx_01 the last fill counts",
                rx("2026-01-01", 5, None),
                vec![fill("2026-04-01", 30), fill("2026-01-02", 30)],
                "2026-04-15",
                too_soon("2026-04-22"),
            ),
            // A prescription never filled: its first fill may be ordered.
            (
                "first fill",
                rx("2026-06-01", 2, None),
                vec![],
                "2026-06-01",
                Answer::May { refills_left: 3 },
            ),
            // RX-06: no refills left (3 refills used after the first fill).
            (
                "rx_06 no refills left",
                rx("2026-01-01", 3, None),
                vec![
                    fill("2026-01-02", 30),
                    fill("2026-02-01", 30),
                    fill("2026-03-03", 30),
                    fill("2026-04-02", 30),
                ],
                "2026-05-01",
                Answer::NoRefills,
            ),
            (
                "rx_06 no refills written",
                rx("2026-01-01", 0, None),
                vec![fill("2026-01-02", 10)],
                "2026-02-01",
                Answer::NoRefills,
            ),
            // RX-05 / EX-R3: written 2025-03-01, 11 refills left, asked 2026-03-02 → expired.
            (
                "ex_r3 expired with refills left",
                rx("2025-03-01", 12, None),
                vec![fill("2025-03-01", 30)],
                "2026-03-02",
                Answer::Expired {
                    ended: d("2026-02-28"),
                },
            ),
            // The prescription's own validity period wins over the default year.
            (
                "rx_05 validity period on the order",
                Prescription {
                    valid_until: Some(d("2026-03-01")),
                    ..rx("2025-03-01", 12, None)
                },
                vec![fill("2025-03-01", 30)],
                "2026-03-01",
                Answer::May { refills_left: 12 },
            ),
            (
                "rx_05 validity period ended",
                Prescription {
                    valid_until: Some(d("2026-03-01")),
                    ..rx("2025-03-01", 12, None)
                },
                vec![fill("2025-03-01", 30)],
                "2026-03-02",
                Answer::Expired {
                    ended: d("2026-03-01"),
                },
            ),
            // A leap-day prescription expires at the end of February the next year.
            (
                "rx_05 written on a leap day",
                rx("2028-02-29", 5, None),
                vec![fill("2028-02-29", 30)],
                "2029-03-01",
                Answer::Expired {
                    ended: d("2029-02-27"),
                },
            ),
            // RX-04: schedule II, no refills — the first fill is the prescription itself.
            (
                "rx_04 schedule ii first fill",
                rx("2026-03-01", 0, Some(Schedule::II)),
                vec![],
                "2026-03-01",
                Answer::May { refills_left: 1 },
            ),
            (
                "rx_04 schedule ii refill",
                rx("2026-03-01", 2, Some(Schedule::II)),
                vec![fill("2026-03-01", 30)],
                "2026-04-01",
                Answer::Controlled(ControlledWhy::ScheduleII),
            ),
            // RX-04: schedules III/IV — six months after the issue date.
            (
                "rx_04 schedule iv within six months",
                rx("2026-01-15", 5, Some(Schedule::IV)),
                vec![fill("2026-06-01", 30)],
                "2026-07-14",
                Answer::May { refills_left: 5 },
            ),
            (
                "rx_04 schedule iv after six months",
                rx("2026-01-15", 5, Some(Schedule::IV)),
                vec![fill("2026-06-01", 30)],
                "2026-07-15",
                Answer::Controlled(ControlledWhy::SixMonths {
                    ended: d("2026-07-14"),
                }),
            ),
            (
                "rx_04 schedule iii after six months",
                rx("2026-01-15", 5, Some(Schedule::III)),
                vec![fill("2026-01-15", 30)],
                "2026-08-01",
                Answer::Controlled(ControlledWhy::SixMonths {
                    ended: d("2026-07-14"),
                }),
            ),
            // RX-04: at most five refills, even when more were written.
            (
                "rx_04 schedule iv five refills used",
                rx("2026-01-01", 8, Some(Schedule::IV)),
                vec![
                    fill("2026-01-01", 7),
                    fill("2026-01-08", 7),
                    fill("2026-01-15", 7),
                    fill("2026-01-22", 7),
                    fill("2026-01-29", 7),
                    fill("2026-02-05", 7),
                ],
                "2026-02-20",
                Answer::Controlled(ControlledWhy::FiveRefills),
            ),
            (
                "rx_04 schedule iv too soon like any drug",
                rx("2026-01-01", 5, Some(Schedule::IV)),
                vec![fill("2026-01-01", 30)],
                "2026-01-20",
                too_soon("2026-01-22"),
            ),
            // RX-04: schedule V has no federal refill limit; the general year applies.
            (
                "rx_04 schedule v seven months on",
                rx("2026-01-15", 8, Some(Schedule::V)),
                vec![fill("2026-08-01", 10)],
                "2026-08-20",
                Answer::May { refills_left: 8 },
            ),
            // Discontinued, transferred, in process, formulary.
            (
                "stopped by the prescriber",
                Prescription {
                    status: RxStatus::Stopped,
                    ..rx("2026-01-01", 3, None)
                },
                vec![],
                "2026-02-01",
                Answer::Discontinued { transferred: false },
            ),
            (
                "transferred out",
                Prescription {
                    status: RxStatus::TransferredOut,
                    ..rx("2026-01-01", 3, None)
                },
                vec![],
                "2026-02-01",
                Answer::Discontinued { transferred: true },
            ),
            (
                "completed chain link",
                Prescription {
                    status: RxStatus::Completed,
                    ..rx("2026-01-01", 3, None)
                },
                vec![fill("2026-01-01", 30)],
                "2026-02-01",
                Answer::NoRefills,
            ),
            (
                "not on the formulary",
                Prescription {
                    listing: Listing {
                        covered: false,
                        ..listing(None)
                    },
                    ..rx("2026-01-01", 3, None)
                },
                vec![],
                "2026-01-02",
                Answer::NotCovered,
            ),
            (
                "prior authorization",
                Prescription {
                    listing: Listing {
                        prior_auth: true,
                        ..listing(None)
                    },
                    ..rx("2026-01-01", 3, None)
                },
                vec![],
                "2026-01-02",
                Answer::PriorAuth,
            ),
        ]
    }

    #[test]
    fn rx_01_04_05_06_refill_table() {
        for (case, p, fills, today, want) in table() {
            assert_eq!(decide(&p, &fills, None, d(today), &S), want, "{case}");
        }
    }

    #[test]
    fn rx_06_needs_renewal_for_no_refills_and_expired_only() {
        assert!(Answer::NoRefills.needs_renewal());
        assert!(
            Answer::Expired {
                ended: d("2026-01-01")
            }
            .needs_renewal()
        );
        assert!(Answer::Controlled(ControlledWhy::FiveRefills).needs_renewal());
        assert!(!Answer::Controlled(ControlledWhy::ScheduleII).needs_renewal());
        assert!(
            !Answer::TooSoon {
                first: d("2026-01-01")
            }
            .needs_renewal()
        );
    }

    #[test]
    fn in_process_wins_over_everything_but_a_stop() {
        let p = rx("2026-01-01", 3, None);
        let pending = Pending::Order {
            since: d("2026-01-10"),
        };
        assert_eq!(
            decide(&p, &[], Some(pending), d("2026-01-11"), &S),
            Answer::InProcess(pending)
        );
        let stopped = Prescription {
            status: RxStatus::Stopped,
            ..p
        };
        assert_eq!(
            decide(&stopped, &[], Some(pending), d("2026-01-11"), &S),
            Answer::Discontinued { transferred: false }
        );
    }

    #[test]
    fn codes_are_the_interface_codes() {
        let codes: Vec<_> = table()
            .into_iter()
            .filter_map(|(_, p, f, t, _)| decide(&p, &f, None, d(t), &S).code())
            .collect();
        for c in codes {
            assert!(
                [
                    "too-soon",
                    "no-refills",
                    "expired",
                    "controlled",
                    "in-process",
                    "discontinued",
                    "not-covered",
                    "prior-auth"
                ]
                .contains(&c),
                "{c}"
            );
        }
        assert_eq!(Answer::May { refills_left: 1 }.code(), None);
        let text = Answer::TooSoon {
            first: d("2026-03-22"),
        }
        .explain();
        assert!(text.contains("2026-03-22"), "{text}");
    }

    // EX-R4: lisinopril half used, first travel override this year → allowed; a second in
    // the same year → too soon; oxycodone early → never.
    #[test]
    fn ex_r4_travel_override() {
        let p = rx("2026-01-01", 3, None);
        let fills = [fill("2026-03-01", 30)];
        assert_eq!(
            decide_for_travel(&p, &fills, None, d("2026-03-16"), false, &S),
            Answer::May { refills_left: 3 }
        );
        assert_eq!(
            decide_for_travel(&p, &fills, None, d("2026-03-16"), true, &S),
            Answer::TooSoon {
                first: d("2026-03-22")
            }
        );
        let oxy = rx("2026-03-01", 0, Some(Schedule::IV));
        assert_eq!(
            decide_for_travel(&oxy, &fills, None, d("2026-03-16"), false, &S),
            Answer::NoRefills
        );
        let oxy = rx("2026-03-01", 2, Some(Schedule::IV));
        assert_eq!(
            decide_for_travel(&oxy, &fills, None, d("2026-03-16"), false, &S),
            Answer::TooSoon {
                first: d("2026-03-22")
            }
        );
    }
}
