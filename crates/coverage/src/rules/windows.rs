//! Enrollment windows and effective dates (DOMAIN §1 ENR-01..ENR-22, SEED-15).
//!
//! [`decide`] answers "may this member do this today, and from when does it count?" for every
//! market. Rule ids starting with `WS-` are Wellspring defaults where DOMAIN leaves a choice:
//!
//! * `WS-ENR-01` contact details may be updated any day, effective at once.
//! * `WS-ENR-02` a dependent may be removed any day; coverage ends on the last day of the month
//!   the removal was requested in.
//! * `WS-ENR-03` a subscriber may end coverage voluntarily any day; coverage ends on the last day
//!   of the month of the request. (Medicare Advantage members are told that disenrolling outside
//!   an election period goes through Medicare.)
//! * `WS-ENR-04` Medicare coverage is individual: nobody is added as a dependent.
//! * `WS-ENR-05` moving between markets (commercial, Medicare, Medicaid) is a new enrollment,
//!   which member services arrange, not a plan change.
//! * `WS-LEDGER` a change the coverage history cannot take (an overlap, a period that would end
//!   before it starts); `crate::rules::ledger` says which, in words.
//!
//! Event dates: [`LifeEvent::LossOfCoverage`] carries the last day of the old coverage (45 CFR
//! 155.420 counts "the date of the loss of coverage" as the last day the consumer would have
//! coverage); [`LifeEvent::AgedOff`] carries the first day without the parent's coverage (the
//! 26th birthday by default, ENR-13). Every other event carries the day it happened.

use jiff::civil::Date;
use ws_i18n::said::Said;

use crate::rules::Market;
use crate::rules::dates::{
    add_days, add_months, first_of_month_on_or_after, first_of_next_month, ymd,
};
use crate::rules::settings::{MedicaidEffective, SepEffective, Settings, SettingsTable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Enroll,
    ChangePlan,
    AddDependent,
    AddSpouse,
    RemoveDependent,
    Terminate,
    UpdateContact,
}

/// A life event with the day it happened (see the module docs for loss of coverage / aging
/// off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifeEvent {
    Birth(Date),
    Adoption(Date),
    PlacementForAdoption(Date),
    FosterCare(Date),
    CourtOrder(Date),
    Marriage(Date),
    /// Last day of the old coverage; may be in the future (ENR-03: choose up to 60 days before).
    LossOfCoverage(Date),
    PermanentMove(Date),
    Divorce(Date),
    DeathOfSubscriber(Date),
    /// First day without the parent's coverage.
    AgedOff(Date),
    Citizenship(Date),
    EnrollmentError(Date),
    /// Coverage lost for not paying: NOT a qualifying life event (ENR-07).
    NonPayment(Date),
    /// Coverage dropped voluntarily: NOT a qualifying life event (ENR-07).
    VoluntaryDrop(Date),
}

impl LifeEvent {
    pub fn date(self) -> Date {
        match self {
            LifeEvent::Birth(d)
            | LifeEvent::Adoption(d)
            | LifeEvent::PlacementForAdoption(d)
            | LifeEvent::FosterCare(d)
            | LifeEvent::CourtOrder(d)
            | LifeEvent::Marriage(d)
            | LifeEvent::LossOfCoverage(d)
            | LifeEvent::PermanentMove(d)
            | LifeEvent::Divorce(d)
            | LifeEvent::DeathOfSubscriber(d)
            | LifeEvent::AgedOff(d)
            | LifeEvent::Citizenship(d)
            | LifeEvent::EnrollmentError(d)
            | LifeEvent::NonPayment(d)
            | LifeEvent::VoluntaryDrop(d) => d,
        }
    }

    /// Whether the event opens a special enrollment period (ENR-07).
    pub fn is_qualifying(self) -> bool {
        !matches!(self, LifeEvent::NonPayment(_) | LifeEvent::VoluntaryDrop(_))
    }

    /// Gaining a child: coverage from the event date (ENR-05, ENR-10, ENR-11).
    pub fn is_new_child(self) -> bool {
        matches!(
            self,
            LifeEvent::Birth(_)
                | LifeEvent::Adoption(_)
                | LifeEvent::PlacementForAdoption(_)
                | LifeEvent::FosterCare(_)
                | LifeEvent::CourtOrder(_)
        )
    }

    /// The event in words ("a birth"), to be said in the reader's language.
    pub fn said(self) -> Said {
        Said::new(match self {
            LifeEvent::Birth(_) => "event-birth",
            LifeEvent::Adoption(_) => "event-adoption",
            LifeEvent::PlacementForAdoption(_) => "event-placement",
            LifeEvent::FosterCare(_) => "event-foster",
            LifeEvent::CourtOrder(_) => "event-court-order",
            LifeEvent::Marriage(_) => "event-marriage",
            LifeEvent::LossOfCoverage(_) => "event-loss",
            LifeEvent::PermanentMove(_) => "event-move",
            LifeEvent::Divorce(_) => "event-divorce",
            LifeEvent::DeathOfSubscriber(_) => "event-death",
            LifeEvent::AgedOff(_) => "event-aged-off",
            LifeEvent::Citizenship(_) => "event-citizenship",
            LifeEvent::EnrollmentError(_) => "event-error",
            LifeEvent::NonPayment(_) => "event-non-payment",
            LifeEvent::VoluntaryDrop(_) => "event-voluntary-drop",
        })
    }
}

/// An employer's own open enrollment (SEED-15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupWindow {
    pub start: Date,
    pub end: Date,
    pub effective: Date,
}

/// What the Medicare rules need to know about the member (ENR-15..ENR-19), read from their
/// record: birth date, Part A and B entitlement, the Medicare Advantage plan they were in on
/// January 1, the elections they have already used, and the chosen plan's star rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MedicareFacts {
    pub birth_date: Date,
    /// First day entitled to both Part A and Part B, when known (ENR-16).
    pub part_a_b_start: Option<Date>,
    pub in_ma_on_jan1: bool,
    pub used_ma_oep_this_year: bool,
    pub used_five_star_this_window: bool,
    pub target_plan_five_star: bool,
}

/// A Medicare election period a change was made in. It is recorded with the coverage the change
/// creates, so the "only once" limits (ENR-18, ENR-19) can be checked the next time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Election {
    /// Initial enrollment period around the 65th birthday (ENR-15).
    Initial,
    /// Medicare Advantage initial coverage election period (ENR-16).
    InitialCoverage,
    /// General enrollment period, January 1 – March 31 (ENR-15).
    General,
    /// Annual election period, October 15 – December 7 (ENR-17).
    Annual,
    /// Medicare Advantage open enrollment period, January 1 – March 31, once (ENR-18).
    MaOpenEnrollment,
    /// 5-star special enrollment period, December 8 – November 30, once (ENR-19).
    FiveStar,
}

impl Election {
    pub const ALL: [Election; 6] = [
        Election::Initial,
        Election::InitialCoverage,
        Election::General,
        Election::Annual,
        Election::MaOpenEnrollment,
        Election::FiveStar,
    ];

    /// The code stored with the coverage ("iep", "icep", "gep", "aep", "ma-oep", "five-star").
    pub fn code(self) -> &'static str {
        match self {
            Election::Initial => "iep",
            Election::InitialCoverage => "icep",
            Election::General => "gep",
            Election::Annual => "aep",
            Election::MaOpenEnrollment => "ma-oep",
            Election::FiveStar => "five-star",
        }
    }

    pub fn from_code(code: &str) -> Option<Election> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// Whether the period may be used only once (ENR-18 per year, ENR-19 per window).
    pub fn once(self) -> bool {
        matches!(self, Election::MaOpenEnrollment | Election::FiveStar)
    }
}

/// A Medicare election already made: which period, and the day it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElectionUsed {
    pub election: Election,
    pub made_on: Date,
}

/// Whether `used` holds a use of `election` inside the occurrence of its window that contains
/// `on` (ENR-18: this year's January 1 – March 31; ENR-19: this December 8 – November 30).
pub fn election_used(used: &[ElectionUsed], election: Election, on: Date, s: &Settings) -> bool {
    let window = match election {
        Election::MaOpenEnrollment => s.ma_oep.containing(on),
        Election::FiveStar => s.five_star.containing(on),
        Election::Annual => s.aep.containing(on),
        Election::General => s.gep.containing(on),
        Election::Initial | Election::InitialCoverage => None,
    };
    window.is_some_and(|(start, end)| {
        used.iter()
            .any(|u| u.election == election && start <= u.made_on && u.made_on <= end)
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRequest {
    pub market: Market,
    pub action: Action,
    pub event: Option<LifeEvent>,
    /// "Today": the day the plan is selected / the form is received.
    pub requested_on: Date,
    pub employer: Option<GroupWindow>,
    pub medicare: Option<MedicareFacts>,
    /// Two-letter state, picks state rows of the settings table (e.g. "CO").
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// Coverage (or the change) starts on this day; for a removal or termination, the last
    /// covered day.
    pub effective: Date,
    /// The window in words: "Open enrollment for 2027", "Special enrollment after a birth".
    pub window: Said,
    /// Last day of that window, when it has one.
    pub closes: Option<Date>,
    pub rule: &'static str,
    pub notes: Vec<Said>,
    /// The Medicare election period used, to be recorded with the change (ENR-15..19).
    pub election: Option<Election>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Why, in words each page says in its own language.
    pub reason: Said,
    /// Next date the request would be allowed (next open enrollment, AEP start, …), if known.
    pub next_allowed: Option<Date>,
    pub rule: &'static str,
}

/// One window for the portal's "when can I change my plan" panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowInfo {
    pub name: Said,
    /// Calendar windows have dates; event-driven windows (special enrollment) have none.
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// The effective-date rule in words.
    pub effective: Said,
    /// Calendar window: `on` is inside it (and, with the member's Medicare facts, it is open to
    /// them). Event-driven window: always true (open to anyone with a qualifying event in
    /// time), see `needs_event`.
    pub open: bool,
    pub needs_event: bool,
    /// A once-only Medicare period (ENR-18, ENR-19) the member has already used.
    pub used: bool,
    pub rule: &'static str,
}

/// Decides an enrollment request (DOMAIN §1). Pure: "today" is `req.requested_on`.
pub fn decide(req: &EnrollmentRequest, table: &SettingsTable) -> Result<Allowed, Refused> {
    let on = req.requested_on;
    let s = table.for_request(on, req.state.as_deref(), req.market);
    match req.action {
        Action::UpdateContact => Ok(Allowed {
            effective: on,
            window: Said::new("window-any-time"),
            closes: None,
            rule: "WS-ENR-01",
            notes: vec![Said::new("note-contact-any-day")],
            election: None,
        }),
        Action::RemoveDependent => Ok(Allowed {
            effective: on.last_of_month(),
            window: Said::new("window-any-time"),
            closes: None,
            rule: "WS-ENR-02",
            notes: vec![Said::new("note-dependent-through").date("date", on.last_of_month())],
            election: None,
        }),
        Action::Terminate => {
            let mut notes = vec![Said::new("note-coverage-ends").date("date", on.last_of_month())];
            match req.market {
                Market::Medicare => notes.push(Said::new("note-end-medicare")),
                Market::Medicaid => notes.push(Said::new("note-end-medicaid")),
                Market::EmployerGroup => notes.push(Said::new("note-end-group")),
                Market::Individual => notes.push(Said::new("note-end-individual")),
            }
            Ok(Allowed {
                effective: on.last_of_month(),
                window: Said::new("window-any-time"),
                closes: None,
                rule: "WS-ENR-03",
                notes,
                election: None,
            })
        }
        Action::Enroll | Action::ChangePlan | Action::AddDependent | Action::AddSpouse => {
            match req.market {
                Market::Individual => individual(req, s),
                Market::EmployerGroup => group(req, s),
                Market::Medicare => medicare(req, s),
                Market::Medicaid => Ok(medicaid(on, s)),
            }
        }
    }
}

fn refused(reason: Said, next_allowed: Option<Date>, rule: &'static str) -> Refused {
    Refused {
        reason,
        next_allowed,
        rule,
    }
}

fn not_qualifying(ev: LifeEvent) -> Refused {
    refused(
        Said::new("reason-not-qualifying").said("event", ev.said()),
        None,
        "ENR-07",
    )
}

// ---------------------------------------------------------------- individual market (ENR-01..07)

/// The ACA open-enrollment window containing `on`: (plan year, first day, last day).
fn aca_open_enrollment(on: Date, s: &Settings) -> Option<(i16, Date, Date)> {
    [on.year(), on.year() + 1].into_iter().find_map(|py| {
        let rule = s.open_enrollment(py)?;
        let (start, end) = (rule.start_date(py), rule.end_date(py));
        (start <= on && on <= end).then_some((py, start, end))
    })
}

/// First day of the next ACA open enrollment starting after `on`, with its rule id.
fn next_aca_open_enrollment(on: Date, s: &Settings) -> Option<(Date, &'static str)> {
    (on.year()..=on.year() + 2).find_map(|py| {
        let rule = s.open_enrollment(py)?;
        let start = rule.start_date(py);
        (start > on).then_some((start, rule.rule))
    })
}

/// Regular SEP effective date for a selection on `selected` (ENR-04).
fn regular_effective(selected: Date, s: &Settings) -> Date {
    match s.sep_effective {
        SepEffective::FirstOfNextMonth => first_of_next_month(selected),
        SepEffective::Legacy15th if selected.day() <= 15 => first_of_next_month(selected),
        SepEffective::Legacy15th => add_months(selected.first_of_month(), 2),
    }
}

fn individual(req: &EnrollmentRequest, s: &Settings) -> Result<Allowed, Refused> {
    let on = req.requested_on;
    let mut refusal = None;
    if let Some(ev) = req.event {
        match individual_sep(ev, on, s) {
            Ok(allowed) => return Ok(allowed),
            Err(r) => refusal = Some(r),
        }
    }
    if let Some((py, _, end)) = aca_open_enrollment(on, s)
        && let Some(rule) = s.open_enrollment(py)
    {
        return Ok(Allowed {
            effective: rule.effective_for(py, on),
            window: Said::new("window-open-enrollment").with("year", py),
            closes: Some(end),
            rule: rule.rule,
            notes: Vec::new(),
            election: None,
        });
    }
    let next = next_aca_open_enrollment(on, s);
    let next_date = next.map(|(d, _)| d);
    Err(match refusal {
        Some(mut r) => {
            r.next_allowed = r.next_allowed.or(next_date);
            if let Some(d) = next_date {
                r.reason = Said::new("reason-with-next")
                    .said("reason", r.reason.clone())
                    .date("date", d);
            }
            r
        }
        None => refused(
            Said::new("reason-outside-open").with("days", s.sep_days),
            next_date,
            next.map_or("ENR-01", |(_, rule)| rule),
        ),
    })
}

fn individual_sep(ev: LifeEvent, on: Date, s: &Settings) -> Result<Allowed, Refused> {
    if !ev.is_qualifying() {
        return Err(not_qualifying(ev));
    }
    let event = ev.date();
    let days = if ev.is_new_child() {
        s.newborn_days_individual
    } else {
        s.sep_days
    };
    let closes = s.sep_day_count.last_day(event, days);
    let known_loss = matches!(ev, LifeEvent::LossOfCoverage(_) | LifeEvent::AgedOff(_));
    let opens = if known_loss {
        add_days(event, -s.sep_days_before_loss)
    } else {
        event
    };
    let window = Said::new("window-special").said("event", ev.said());
    if on < opens {
        return Err(refused(
            Said::new("reason-sep-opens")
                .said("event", ev.said())
                .date("date", opens),
            Some(opens),
            "ENR-03",
        ));
    }
    if on > closes {
        return Err(refused(
            Said::new("reason-sep-ended")
                .said("event", ev.said())
                .date("date", closes),
            None,
            "ENR-03",
        ));
    }
    let mut notes = Vec::new();
    let (effective, rule) = match ev {
        _ if ev.is_new_child() => {
            let credit_from = first_of_month_on_or_after(event);
            notes.push(
                Said::new("note-starts-on-event")
                    .said("event", ev.said())
                    .date("date", event),
            );
            notes.push(Said::new("note-credit-from").date("date", credit_from));
            (event, "ENR-05")
        }
        LifeEvent::Marriage(_) => (first_of_next_month(on), "ENR-06"),
        LifeEvent::LossOfCoverage(last_day) if on <= last_day => {
            notes.push(Said::new("note-no-gap").date("date", last_day));
            (first_of_next_month(last_day), "ENR-04")
        }
        LifeEvent::LossOfCoverage(_) => (first_of_next_month(on), "ENR-06"),
        LifeEvent::AgedOff(first_uncovered) if on < first_uncovered => {
            (first_of_month_on_or_after(first_uncovered), "ENR-13")
        }
        LifeEvent::AgedOff(_) => (regular_effective(on, s), "ENR-13"),
        _ => (regular_effective(on, s), "ENR-04"),
    };
    Ok(Allowed {
        effective,
        window,
        closes: Some(closes),
        rule,
        notes,
        election: None,
    })
}

// --------------------------------------------------------------- employer groups (ENR-10, ENR-11)

fn group(req: &EnrollmentRequest, s: &Settings) -> Result<Allowed, Refused> {
    let on = req.requested_on;
    let employer_next = req.employer.map(|w| w.start).filter(|start| *start > on);
    let mut refusal = None;
    if let Some(ev) = req.event {
        match group_sep(ev, on, s) {
            Ok(allowed) => return Ok(allowed),
            Err(r) => refusal = Some(r),
        }
    }
    if let Some(w) = req.employer
        && w.start <= on
        && on <= w.end
    {
        return Ok(Allowed {
            effective: w.effective,
            window: Said::new("window-employer-open"),
            closes: Some(w.end),
            rule: "SEED-15",
            notes: Vec::new(),
            election: None,
        });
    }
    Err(match refusal {
        Some(mut r) => {
            r.next_allowed = r.next_allowed.or(employer_next);
            r
        }
        None => refused(
            Said::new("reason-outside-employer").with("days", s.group_special_enrollment_days),
            employer_next,
            "ENR-11",
        ),
    })
}

fn group_sep(ev: LifeEvent, on: Date, s: &Settings) -> Result<Allowed, Refused> {
    if !ev.is_qualifying() {
        return Err(not_qualifying(ev));
    }
    let event = ev.date();
    let window = Said::new("window-special").said("event", ev.said());
    let (days, rule) = if ev.is_new_child() {
        (s.newborn_days_group, "ENR-11")
    } else if matches!(ev, LifeEvent::Marriage(_)) {
        (s.group_special_enrollment_days, "ENR-11")
    } else if matches!(ev, LifeEvent::LossOfCoverage(_)) {
        (s.group_special_enrollment_days, "ENR-10")
    } else {
        return Err(refused(
            Said::new("reason-employer-no-sep").said("event", ev.said()),
            None,
            "ENR-11",
        ));
    };
    let closes = s.sep_day_count.last_day(event, days);
    if on < event {
        return Err(refused(
            Said::new("reason-employer-sep-opens")
                .said("event", ev.said())
                .date("date", event),
            Some(event),
            rule,
        ));
    }
    if on > closes {
        return Err(refused(
            Said::new("reason-employer-sep-ended")
                .with("days", days)
                .said("event", ev.said())
                .date("date", closes),
            None,
            rule,
        ));
    }
    let mut notes = Vec::new();
    let effective = if ev.is_new_child() {
        if matches!(ev, LifeEvent::Birth(_)) {
            notes.push(
                Said::new("note-newborn-automatic")
                    .with("days", days)
                    .date("date", closes),
            );
        }
        event
    } else {
        first_of_next_month(on)
    };
    Ok(Allowed {
        effective,
        window,
        closes: Some(closes),
        rule,
        notes,
        election: None,
    })
}

// ------------------------------------------------------------------ Medicare (ENR-15..ENR-19)

/// Initial enrollment period around the 65th birthday (ENR-15):
/// (first day, first day of the birthday month, last day). A birthday on the 1st counts as the
/// month before. Feb 29 birthdays turn 65 on Feb 28 in non-leap years (jiff clamps the day).
pub fn initial_enrollment_period(birth: Date, s: &Settings) -> (Date, Date, Date) {
    let birthday = crate::rules::dates::add_years(birth, i64::from(s.medicare_age));
    let counted = if birth.day() == 1 {
        add_days(birthday, -1)
    } else {
        birthday
    };
    let month = counted.first_of_month();
    let start = add_months(month, -s.iep_months_before);
    let end = add_months(month, s.iep_months_after).last_of_month();
    (start, month, end)
}

/// MA initial coverage election period (ENR-16): (first day, last day) for Part A+B entitlement
/// starting `a_b_start`.
pub fn initial_coverage_election_period(
    birth: Date,
    a_b_start: Date,
    s: &Settings,
) -> (Date, Date) {
    let entitled = a_b_start.first_of_month();
    let start = add_months(entitled, -s.icep_months_before);
    let (_, _, iep_end) = initial_enrollment_period(birth, s);
    let end = add_days(entitled, -1).max(iep_end);
    (start, end)
}

fn medicare(req: &EnrollmentRequest, s: &Settings) -> Result<Allowed, Refused> {
    let on = req.requested_on;
    if matches!(req.action, Action::AddDependent | Action::AddSpouse) {
        return Err(refused(
            Said::new("reason-medicare-individual"),
            None,
            "WS-ENR-04",
        ));
    }
    let Some(m) = req.medicare else {
        return Err(refused(
            Said::new("reason-medicare-details"),
            None,
            "ENR-15",
        ));
    };
    let (iep_start, iep_month, iep_end) = initial_enrollment_period(m.birth_date, s);
    // Nobody joins Medicare before they are eligible: without Part A and B, eligibility starts
    // with the initial enrollment period (ENR-15, ENR-20). The general and annual periods do
    // not open earlier (issue 13: the GEP admitted people before their initial period).
    if req.action == Action::Enroll && m.part_a_b_start.is_none() && on < iep_start {
        return Err(refused(
            Said::new("reason-medicare-before-iep").date("date", iep_start),
            Some(iep_start),
            "ENR-15",
        ));
    }
    let mut first_refusal: Option<Refused> = None;
    let mut next_starts: Vec<Date> = vec![s.aep.next_start_after(on)];
    let allowed = |effective, window: &'static str, closes, rule, election| Allowed {
        effective,
        window: Said::new(window),
        closes,
        rule,
        notes: Vec::new(),
        election: Some(election),
    };

    if req.action == Action::Enroll {
        match m.part_a_b_start {
            Some(ab) => {
                let (start, end) = initial_coverage_election_period(m.birth_date, ab, s);
                if start <= on && on <= end {
                    let effective = ab.first_of_month().max(first_of_next_month(on));
                    return Ok(allowed(
                        effective,
                        "window-icep",
                        Some(end),
                        "ENR-16",
                        Election::InitialCoverage,
                    ));
                }
            }
            None => {
                if iep_start <= on && on <= iep_end {
                    let effective = if on < iep_month {
                        iep_month
                    } else {
                        first_of_next_month(on)
                    };
                    return Ok(allowed(
                        effective,
                        "window-iep",
                        Some(iep_end),
                        "ENR-15",
                        Election::Initial,
                    ));
                }
            }
        }
    }

    if let Some((_, end)) = s.aep.containing(on) {
        let mut a = allowed(
            ymd(end.year() + 1, 1, 1),
            "window-aep",
            Some(end),
            "ENR-17",
            Election::Annual,
        );
        a.notes.push(Said::new("note-aep-last-counts"));
        return Ok(a);
    }

    if req.action == Action::ChangePlan
        && let Some((_, end)) = s.ma_oep.containing(on)
    {
        if !m.in_ma_on_jan1 {
            first_refusal.get_or_insert(refused(
                Said::new("reason-ma-oep-not-in-ma"),
                None,
                "ENR-18",
            ));
        } else if m.used_ma_oep_this_year {
            first_refusal.get_or_insert(refused(Said::new("reason-ma-oep-used"), None, "ENR-18"));
        } else {
            let mut a = allowed(
                first_of_next_month(on),
                "window-ma-oep",
                Some(end),
                "ENR-18",
                Election::MaOpenEnrollment,
            );
            a.notes.push(Said::new("note-one-change"));
            return Ok(a);
        }
    }
    if req.action == Action::Enroll
        && s.ma_oep.containing(on).is_some()
        && !m.in_ma_on_jan1
        && m.part_a_b_start.is_some()
    {
        first_refusal.get_or_insert(refused(Said::new("reason-ma-oep-no-join"), None, "ENR-18"));
    }

    // The 5-star SEP only matters when the chosen plan is rated 5 stars; otherwise the general
    // refusal (below) is the clearer answer.
    if m.target_plan_five_star
        && let Some((_, end)) = s.five_star.containing(on)
    {
        if m.used_five_star_this_window {
            first_refusal.get_or_insert(refused(
                Said::new("reason-five-star-used"),
                None,
                "ENR-19",
            ));
        } else {
            let mut a = allowed(
                first_of_next_month(on),
                "window-five-star",
                Some(end),
                "ENR-19",
                Election::FiveStar,
            );
            a.notes.push(Said::new("note-once"));
            return Ok(a);
        }
    }

    // The general enrollment period is for people whose initial period has passed without
    // signing up (ENR-15); before or during the initial period it does not apply.
    if req.action == Action::Enroll && m.part_a_b_start.is_none() && on > iep_end {
        if let Some((_, end)) = s.gep.containing(on) {
            return Ok(allowed(
                first_of_next_month(on),
                "window-gep",
                Some(end),
                "ENR-15",
                Election::General,
            ));
        }
        next_starts.push(s.gep.next_start_after(on));
    }

    let next = next_starts.into_iter().min();
    Err(match first_refusal {
        Some(mut r) => {
            r.next_allowed = next;
            r
        }
        None => refused(Said::new("reason-outside-medicare"), next, "ENR-17"),
    })
}

// ---------------------------------------------------------------------- Medicaid (ENR-22)

/// Medicaid/CHIP take applications any day (ENR-22). Default: coverage from the 1st of the month
/// of application, the 42 CFR 435.915(b) option, so care earlier in that month is covered.
fn medicaid(on: Date, s: &Settings) -> Allowed {
    let (effective, note) = match s.medicaid_effective {
        MedicaidEffective::FirstOfApplicationMonth => {
            (on.first_of_month(), Said::new("note-medicaid-month"))
        }
        MedicaidEffective::ApplicationDate => (on, Said::new("note-medicaid-day")),
    };
    Allowed {
        effective,
        window: Said::new("window-medicaid"),
        closes: None,
        rule: "ENR-22",
        notes: vec![note],
        election: None,
    }
}

// ------------------------------------------------------------------------- portal panel

/// Windows for the portal's "when can I change my plan" panel, as of `on`.
pub fn open_windows(market: Market, on: Date, table: &SettingsTable) -> Vec<WindowInfo> {
    open_windows_for(market, on, table, None)
}

/// [`open_windows`] for one member: with their Medicare facts, the initial enrollment period is
/// their own (dates from their birth date, closed once it has passed), and the once-only
/// periods say whether they are open to them (ENR-15, ENR-18, ENR-19).
pub fn open_windows_for(
    market: Market,
    on: Date,
    table: &SettingsTable,
    medicare: Option<&MedicareFacts>,
) -> Vec<WindowInfo> {
    let s = table.for_date(on, Some(market.scope_key()));
    let calendar = |name: Said, (start, end): (Date, Date), effective: Said, rule| WindowInfo {
        name,
        start: Some(start),
        end: Some(end),
        effective,
        open: start <= on && on <= end,
        needs_event: false,
        used: false,
        rule,
    };
    let event = |name: &'static str, effective: Said, rule| WindowInfo {
        name: Said::new(name),
        start: None,
        end: None,
        effective,
        open: true,
        needs_event: true,
        used: false,
        rule,
    };
    let mut out = Vec::new();
    match market {
        Market::Individual => {
            let py = aca_open_enrollment(on, s).map(|(py, _, _)| py).or_else(|| {
                (on.year()..=on.year() + 2).find(|py| {
                    s.open_enrollment(*py)
                        .is_some_and(|r| r.start_date(*py) > on)
                })
            });
            if let Some(py) = py
                && let Some(rule) = s.open_enrollment(py)
            {
                let jan1_by = rule.jan1_if_selected_by.in_year(py - 1);
                let end = rule.end_date(py);
                let jan1 = ymd(py, 1, 1);
                let effective = if jan1_by >= end {
                    Said::new("effective-on").date("date", jan1)
                } else {
                    Said::new("effective-oe-late")
                        .date("date", jan1)
                        .date("by", jan1_by)
                        .date("later", rule.late_effective.in_year(py))
                };
                out.push(calendar(
                    Said::new("window-open-enrollment").with("year", py),
                    (rule.start_date(py), end),
                    effective,
                    rule.rule,
                ));
            }
            out.push(event(
                "window-special-life-change",
                Said::new("effective-sep").with("days", s.sep_days),
                "ENR-03",
            ));
        }
        Market::EmployerGroup => {
            out.push(event(
                "window-your-employer-open",
                Said::new("effective-employer"),
                "SEED-15",
            ));
            out.push(event(
                "window-special-child",
                Said::new("effective-group-child").with("days", s.newborn_days_group),
                "ENR-11",
            ));
            out.push(event(
                "window-special-marriage-loss",
                Said::new("effective-group-other").with("days", s.group_special_enrollment_days),
                "ENR-10",
            ));
        }
        Market::Medicare => {
            let current_or_next = |w: crate::rules::settings::YearlyWindow| {
                w.containing(on)
                    .unwrap_or_else(|| w.occurrence(w.next_start_after(on).year()))
            };
            let iep_effective = Said::new("effective-iep");
            let iep = medicare.map(|f| initial_enrollment_period(f.birth_date, s));
            match iep {
                // The member's own initial period: open only while it lasts (issue 13: it said
                // "open" for a 67-year-old).
                Some((start, _, end)) => out.push(calendar(
                    Said::new("window-iep-65"),
                    (start, end),
                    iep_effective,
                    "ENR-15",
                )),
                None => out.push(WindowInfo {
                    open: false,
                    ..event("window-iep-65", iep_effective, "ENR-15")
                }),
            }
            out.push(calendar(
                Said::new("window-aep"),
                current_or_next(s.aep),
                Said::new("effective-jan-1"),
                "ENR-17",
            ));
            let mut oep = calendar(
                Said::new("window-ma-oep"),
                current_or_next(s.ma_oep),
                Said::new("effective-ma-oep"),
                "ENR-18",
            );
            if let Some(f) = medicare {
                oep.used = oep.open && f.used_ma_oep_this_year;
                oep.open = oep.open && f.in_ma_on_jan1 && !f.used_ma_oep_this_year;
            }
            out.push(oep);
            let mut gep = calendar(
                Said::new("window-gep"),
                current_or_next(s.gep),
                Said::new("effective-gep"),
                "ENR-15",
            );
            if let (Some(f), Some((_, _, iep_end))) = (medicare, iep) {
                // For people whose initial period passed without Part A and B.
                gep.open = gep.open && f.part_a_b_start.is_none() && on > iep_end;
            }
            out.push(gep);
            let mut star = calendar(
                Said::new("window-five-star"),
                current_or_next(s.five_star),
                Said::new("effective-five-star"),
                "ENR-19",
            );
            if let Some(f) = medicare {
                star.used = star.open && f.used_five_star_this_window;
                star.open = star.open && !f.used_five_star_this_window;
            }
            out.push(star);
        }
        Market::Medicaid => out.push(WindowInfo {
            name: Said::new("window-medicaid"),
            start: None,
            end: None,
            effective: match s.medicaid_effective {
                MedicaidEffective::FirstOfApplicationMonth => Said::new("effective-medicaid-month"),
                MedicaidEffective::ApplicationDate => Said::new("effective-medicaid-day"),
            },
            open: true,
            needs_event: false,
            used: false,
            rule: "ENR-22",
        }),
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
