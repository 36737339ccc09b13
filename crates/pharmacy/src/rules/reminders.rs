//! Refill reminders and auto-refill (issue 15 §6; RX-01, RX-07). A member puts a prescription on
//! a *refill plan*: "remind me when a refill is due" and/or "refill it automatically" (only
//! where the formulary allows: maintenance drugs, never controlled substances, shipped by mail).
//! What is due on a day is a pure function of the plan, the prescription's answer today, its
//! last fill, and what was already done for that fill — so the daily run may repeat, or run on
//! two servers, and each thing happens once per fill.
//!
//! - Reminder: on the first day a refill may be ordered (RX-01: 70 % of the last fill used).
//! - Auto-refill: a text and e-mail [`AUTO_NOTICE_DAYS`] days before it is processed ("a text
//!   reminder before processing", RX-07), then the order on the first day it may be ordered,
//!   by mail (the cost share is charged when it ships).

use jiff::ToSpan;
use jiff::civil::Date;

use super::formulary::Listing;
use super::refill::{Answer, Fill, Pending, RefillSettings, first_refill_day};

/// An auto-refill is announced this many days before it is ordered.
pub const AUTO_NOTICE_DAYS: i64 = 2;
/// SMS-01: reminder texts (visit and refill alike) at most one a day and three a week per
/// member, each at most 160 characters.
pub const TEXTS_PER_DAY: usize = 1;
pub const TEXTS_PER_WEEK: usize = 3;
pub const TEXT_MAX_CHARS: usize = 160;

/// May one more reminder text go to a member who got texts at `sent` (SMS-01)? Within the
/// last 24 hours at most one, within the last 7 days at most three. (The e-mail goes anyway.)
pub fn may_text(now: jiff::Timestamp, sent: &[jiff::Timestamp]) -> bool {
    let within = |hours: i64| {
        sent.iter()
            .filter(|s| now.duration_since(**s) < jiff::SignedDuration::from_hours(hours))
            .count()
    };
    within(24) < TEXTS_PER_DAY && within(24 * 7) < TEXTS_PER_WEEK
}

/// What the member chose for one prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Plan {
    pub remind: bool,
    pub auto: bool,
}

/// What was already done, each by the date of the fill it was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Done {
    pub reminded_for: Option<Date>,
    pub noticed_for: Option<Date>,
    pub ordered_for: Option<Date>,
}

/// What is due today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    /// Tell the member a refill may be ordered (from `first`).
    Remind {
        fill: Date,
        first: Date,
    },
    /// Tell the member the auto-refill will be ordered on `on`.
    AutoNotice {
        fill: Date,
        on: Date,
    },
    /// Order it now (by mail).
    AutoOrder {
        fill: Date,
    },
}

/// Why auto-refill is not offered for a drug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAuto {
    /// Controlled substances are never refilled automatically.
    Controlled,
    /// The formulary does not list it as a maintenance drug that refills itself.
    NotMaintenance,
    /// It does not ship by mail.
    NoMail,
}

impl NoAuto {
    pub fn code(self) -> &'static str {
        match self {
            NoAuto::Controlled => "controlled",
            NoAuto::NotMaintenance => "not-maintenance",
            NoAuto::NoMail => "no-mail",
        }
    }
}

/// May this drug refill itself?
pub fn auto_allowed(l: &Listing) -> Result<(), NoAuto> {
    if l.schedule.is_some() {
        Err(NoAuto::Controlled)
    } else if !l.mail {
        Err(NoAuto::NoMail)
    } else if !l.auto_refill {
        Err(NoAuto::NotMaintenance)
    } else {
        Ok(())
    }
}

/// What is due on `today` for a prescription on `plan`, whose refill answer today is
/// `answer` and whose last fill is `last`.
pub fn due(
    plan: Plan,
    listing: &Listing,
    answer: Answer,
    last: Option<Fill>,
    done: Done,
    today: Date,
    s: &RefillSettings,
) -> Due {
    let Some(last) = last else {
        return Due::Nothing;
    };
    let first = first_refill_day(last, s);
    let auto = plan.auto && auto_allowed(listing).is_ok();
    // Already ordered, or something is under way (an order, a renewal): nothing more.
    if done.ordered_for == Some(last.on)
        || matches!(answer, Answer::InProcess(Pending::Order { .. }))
    {
        return Due::Nothing;
    }
    if auto {
        if today >= first && matches!(answer, Answer::May { .. }) {
            return Due::AutoOrder { fill: last.on };
        }
        let notice_from = first.checked_sub(AUTO_NOTICE_DAYS.days()).unwrap_or(first);
        if today >= notice_from && today < first && done.noticed_for != Some(last.on) {
            return Due::AutoNotice {
                fill: last.on,
                on: first,
            };
        }
        return Due::Nothing;
    }
    if plan.remind
        && today >= first
        && matches!(answer, Answer::May { .. })
        && done.reminded_for != Some(last.on)
    {
        return Due::Remind {
            fill: last.on,
            first,
        };
    }
    Due::Nothing
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::rules::formulary;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// RX-01, RX-07 on fixed dates: a 30-day fill on 2026-11-01 may be refilled from
    /// 2026-11-22 (21 days at 70 %); the auto-refill notice goes on 2026-11-20.
    #[test]
    fn rx_01_rx_07_what_is_due_each_day() {
        let s = RefillSettings::default();
        let lisinopril = formulary::listing(Some("314076"));
        let fill = Fill {
            on: d("2026-11-01"),
            days_supply: 30,
        };
        let may = Answer::May { refills_left: 2 };
        let soon = Answer::TooSoon {
            first: d("2026-11-22"),
        };
        let remind = Plan {
            remind: true,
            auto: false,
        };
        let auto = Plan {
            remind: false,
            auto: true,
        };
        let none = Done::default();
        let reminded = Done {
            reminded_for: Some(d("2026-11-01")),
            ..Done::default()
        };
        let noticed = Done {
            noticed_for: Some(d("2026-11-01")),
            ..Done::default()
        };
        let ordered = Done {
            ordered_for: Some(d("2026-11-01")),
            ..Done::default()
        };
        let in_process = Answer::InProcess(Pending::Order {
            since: d("2026-11-22"),
        });
        let remind_due = Due::Remind {
            fill: d("2026-11-01"),
            first: d("2026-11-22"),
        };
        let notice_due = Due::AutoNotice {
            fill: d("2026-11-01"),
            on: d("2026-11-22"),
        };
        let order_due = Due::AutoOrder {
            fill: d("2026-11-01"),
        };
        #[rustfmt::skip]
        let rows: Vec<(&str, Plan, Answer, Done, &str, Due)> = vec![
            ("remind: too soon",              remind, soon, none,     "2026-11-21", Due::Nothing),
            ("remind: first day",             remind, may,  none,     "2026-11-22", remind_due),
            ("remind: later, not yet sent",   remind, may,  none,     "2026-11-30", Due::Remind { fill: d("2026-11-01"), first: d("2026-11-22") }),
            ("remind: once per fill",         remind, may,  reminded, "2026-11-23", Due::Nothing),
            ("remind: an order is open",      remind, in_process, none, "2026-11-23", Due::Nothing),
            ("remind: no refills left",       remind, Answer::NoRefills, none, "2026-11-23", Due::Nothing),
            ("no plan",                       Plan::default(), may, none, "2026-11-22", Due::Nothing),
            ("auto: three days before",       auto,   soon, none,     "2026-11-19", Due::Nothing),
            ("auto: notice two days before",  auto,   soon, none,     "2026-11-20", notice_due),
            ("auto: notice the day before",   auto,   soon, none,     "2026-11-21", notice_due),
            ("auto: notice once",             auto,   soon, noticed,  "2026-11-21", Due::Nothing),
            ("auto: order on the first day",  auto,   may,  noticed,  "2026-11-22", order_due),
            ("auto: order even unannounced",  auto,   may,  none,     "2026-11-22", order_due),
            ("auto: once per fill",           auto,   may,  ordered,  "2026-11-25", Due::Nothing),
            ("auto: expired, not ordered",    auto,   Answer::Expired { ended: d("2026-11-15") }, noticed, "2026-11-22", Due::Nothing),
        ];
        for (name, plan, answer, done, today, want) in rows {
            assert_eq!(
                due(plan, &lisinopril, answer, Some(fill), done, d(today), &s),
                want,
                "{name}"
            );
        }
        assert_eq!(
            due(remind, &lisinopril, may, None, none, d("2026-11-22"), &s),
            Due::Nothing,
            "never filled: nothing to count from"
        );
        // Auto-refill on a drug that may not refill itself falls back to nothing (the page
        // does not offer it).
        let amoxicillin = formulary::listing(Some("308191"));
        assert_eq!(
            due(
                auto,
                &amoxicillin,
                may,
                Some(fill),
                none,
                d("2026-11-22"),
                &s
            ),
            Due::Nothing
        );
        let both = Plan {
            remind: true,
            auto: true,
        };
        assert_eq!(
            due(
                both,
                &amoxicillin,
                may,
                Some(fill),
                none,
                d("2026-11-22"),
                &s
            ),
            remind_due,
            "a reminder still goes where auto-refill is not allowed"
        );
    }

    #[test]
    fn rx_07_auto_refill_only_for_maintenance_drugs_by_mail() {
        #[rustfmt::skip]
        let rows: &[(&str, Result<(), NoAuto>)] = &[
            ("314076",  Ok(())),                          // lisinopril
            ("308191",  Err(NoAuto::NoMail)),             // amoxicillin: acute, not by mail
            ("1049621", Err(NoAuto::Controlled)),         // oxycodone (II)
            ("308048",  Err(NoAuto::Controlled)),         // alprazolam (IV)
            ("999999",  Err(NoAuto::NotMaintenance)),     // not listed: open formulary
        ];
        for (code, want) in rows {
            assert_eq!(
                auto_allowed(&formulary::listing(Some(code))),
                *want,
                "{code}"
            );
        }
    }

    #[test]
    fn sms_01_one_text_a_day_three_a_week() {
        let now: jiff::Timestamp = "2026-11-22T18:00:00Z".parse().unwrap();
        let ago = |h: i64| {
            now.checked_sub(jiff::SignedDuration::from_hours(h))
                .unwrap()
        };
        #[rustfmt::skip]
        let rows: Vec<(&str, Vec<jiff::Timestamp>, bool)> = vec![
            ("none yet",                 vec![],                          true),
            ("one 23 h ago",             vec![ago(23)],                   false),
            ("one 25 h ago",             vec![ago(25)],                   true),
            ("three this week",          vec![ago(30), ago(60), ago(100)], false),
            ("two this week",            vec![ago(30), ago(100)],          true),
            ("three, one 8 days ago",    vec![ago(30), ago(100), ago(192)], true),
        ];
        for (name, sent, want) in rows {
            assert_eq!(may_text(now, &sent), want, "{name}");
        }
    }
}
