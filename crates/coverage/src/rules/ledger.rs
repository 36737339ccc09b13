//! Coverage history as pure data (DOMAIN §1: ENR-05, ENR-07, ENR-11, ENR-12, ENR-13, EX-E8,
//! EX-E9; ELG-01 "report per member").
//!
//! A history is a list of [`Period`]s, one per member per stretch of coverage on one plan. An
//! [`Op`] never touches the history itself: [`apply`] returns the [`Change`]s to store (inserts
//! and end-date updates), or an error and nothing to store. Rows are never deleted and a start is
//! never moved; ends only go from open (`None`) to a day, except [`Op::Reinstate`], which reopens.
//!
//! Invariants ([`check`]): ids are unique; every period ends on or after its start; no member has
//! two overlapping periods of the same kind; every dependent period lies inside a period of its
//! subscriber on the same plan and group. [`apply`] checks the result before answering.
//!
//! When a subscriber dies and the dependents keep their coverage ([`Op::Death`] with
//! `dependents_keep`), the new subscriber is the first remaining member by: spouse, then life
//! partner, then any other dependent; ties by earliest coverage start, then member id. (The
//! ledger holds no birth dates, so "the eldest spouse or adult dependent" is approximated; pass
//! the family in that order.) The other members keep their recorded relationship.

use jiff::civil::Date;
use ws_i18n::said::Said;

use crate::rules::Relationship;
use crate::rules::dates::add_days;

/// The kind every op in this module records.
pub const MEDICAL: &str = "medical";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    pub id: String,
    pub member: String,
    pub subscriber: String,
    pub relationship: Relationship,
    /// "medical"
    pub kind: String,
    pub plan: String,
    pub group: String,
    pub start: Date,
    /// Inclusive last day; `None` = open.
    pub end: Option<Date>,
}

impl Period {
    pub fn covers(&self, d: Date) -> bool {
        self.start <= d && self.end.is_none_or(|e| d <= e)
    }

    /// Whether this period shares at least one day with `start..=end` (`None` = open).
    pub fn overlaps(&self, start: Date, end: Option<Date>) -> bool {
        let starts_before_other_ends = end.is_none_or(|e| self.start <= e);
        let other_starts_before_self_ends = self.end.is_none_or(|e| start <= e);
        starts_before_other_ends && other_starts_before_self_ends
    }

    fn is_subscriber_row(&self) -> bool {
        self.relationship == Relationship::SelfSubscriber && self.member == self.subscriber
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A new family: the subscriber (always covered, as "self") and `members` (dependents; the
    /// subscriber may be listed again and is then skipped). The subscriber's period gets
    /// `id_hint` when it is not empty and not taken, every other period an id from `new_id`.
    Enroll {
        id_hint: String,
        subscriber: String,
        plan: String,
        group: String,
        effective: Date,
        members: Vec<(String, Relationship)>,
    },
    /// Adds a dependent from `effective` to the end of the subscriber's covering period
    /// (EX-E9: a newborn from the birth date).
    AddDependent {
        subscriber: String,
        member: String,
        relationship: Relationship,
        effective: Date,
    },
    RemoveDependent {
        member: String,
        last_day: Date,
    },
    /// Ends every period of the family covering the day before `effective` on that day and
    /// opens new ones, for the same members, on the new plan. Periods of the family that start
    /// on or after `effective` move to the new plan in place (their start kept): a choice not
    /// yet in effect is replaced by the newer one (ENR-17: the last election made wins), and a
    /// child added from the day of birth moves with the family when the family changes plan
    /// from that day (ENR-05).
    ChangePlan {
        subscriber: String,
        plan: String,
        group: String,
        effective: Date,
    },
    /// Ends every open period of the family on `last_day`.
    Terminate {
        subscriber: String,
        last_day: Date,
    },
    Death {
        member: String,
        last_day: Date,
        dependents_keep: bool,
    },
    /// Reopens the member's latest period (end = None) if nothing overlaps.
    Reinstate {
        member: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Insert(Period),
    Update { before: Period, after: Period },
}

/// A broken invariant, naming the periods involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("two coverage periods share the id {id}")]
    DuplicateId { id: String },
    #[error("coverage period {id} ends before it starts")]
    EndBeforeStart { id: String },
    #[error("{member} has two overlapping {kind} coverage periods ({first} and {second})")]
    Overlap {
        member: String,
        kind: String,
        first: String,
        second: String,
    },
    #[error(
        "dependent coverage period {id} is not inside a coverage period of its subscriber on the same plan"
    )]
    OutsideSubscriber { id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("{member} already has {kind} coverage from {start} that overlaps the new coverage")]
    Overlap {
        member: String,
        kind: String,
        start: Date,
    },
    #[error("{subscriber} has no coverage as a subscriber on {date}")]
    NoSubscriberCoverage { subscriber: String, date: Date },
    #[error("{subscriber} has no ongoing coverage to change")]
    NothingOpen { subscriber: String },
    #[error("{member} has no coverage on {date}")]
    NoCoverage { member: String, date: Date },
    #[error("{member} is the subscriber: end the whole family's coverage instead")]
    IsSubscriber { member: String },
    #[error("a dependent cannot be added with the relationship \"self\"")]
    SelfAsDependent,
    #[error("{member}'s coverage already ends on {end}; correct that end date first")]
    AlreadyEnds { member: String, end: Date },
    #[error(
        "{member} has coverage starting {start}, after {date}; it cannot be ended before it starts"
    )]
    LaterCoverage {
        member: String,
        start: Date,
        date: Date,
    },
    #[error("{member} has no ended coverage to reinstate")]
    NothingToReinstate { member: String },
    #[error("{member} cannot be reinstated while {subscriber}'s coverage on that plan is ended")]
    SubscriberNotOpen { member: String, subscriber: String },
    #[error("the change would leave the coverage history inconsistent: {0}")]
    Invariant(Violation),
}

impl LedgerError {
    /// The error in words for a member: people by `name` (never a record id; "a family member"
    /// when it has none), no rule ids.
    pub fn words(&self, name: &dyn Fn(&str) -> Option<String>) -> Said {
        let person = |s: Said, arg: &'static str, id: &str| match name(id) {
            Some(n) => s.with(arg, n),
            None => s.said(arg, Said::new("someone")),
        };
        match self {
            LedgerError::Overlap { member, start, .. } => {
                person(Said::new("ledger-overlap"), "name", member).date("date", start)
            }
            LedgerError::NoSubscriberCoverage { subscriber, date } => person(
                Said::new("ledger-no-subscriber-coverage"),
                "name",
                subscriber,
            )
            .date("date", date),
            LedgerError::NothingOpen { subscriber } => {
                person(Said::new("ledger-nothing-open"), "name", subscriber)
            }
            LedgerError::NoCoverage { member, date } => {
                person(Said::new("ledger-no-coverage"), "name", member).date("date", date)
            }
            LedgerError::IsSubscriber { member } => {
                person(Said::new("ledger-is-subscriber"), "name", member)
            }
            LedgerError::SelfAsDependent => Said::new("ledger-self-as-dependent"),
            LedgerError::AlreadyEnds { member, end } => {
                person(Said::new("ledger-already-ends"), "name", member).date("date", end)
            }
            LedgerError::LaterCoverage {
                member,
                start,
                date,
            } => person(Said::new("ledger-later-coverage"), "name", member)
                .date("start", start)
                .date("date", date),
            LedgerError::NothingToReinstate { member } => {
                person(Said::new("ledger-nothing-to-reinstate"), "name", member)
            }
            LedgerError::SubscriberNotOpen { member, subscriber } => person(
                person(Said::new("ledger-subscriber-not-open"), "name", member),
                "subscriber",
                subscriber,
            ),
            LedgerError::Invariant(_) => Said::new("ledger-invariant"),
        }
    }
}

/// The changes an op makes to `history`, or an error (and nothing to store).
pub fn apply(
    history: &[Period],
    op: &Op,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Change>, LedgerError> {
    let changes = match op {
        Op::Enroll {
            id_hint,
            subscriber,
            plan,
            group,
            effective,
            members,
        } => enroll(
            history, id_hint, subscriber, plan, group, *effective, members, new_id,
        )?,
        Op::AddDependent {
            subscriber,
            member,
            relationship,
            effective,
        } => add_dependent(
            history,
            subscriber,
            member,
            *relationship,
            *effective,
            new_id,
        )?,
        Op::RemoveDependent { member, last_day } => end_dependent(history, member, *last_day)?,
        Op::ChangePlan {
            subscriber,
            plan,
            group,
            effective,
        } => change_plan(history, subscriber, plan, group, *effective, new_id)?,
        Op::Terminate {
            subscriber,
            last_day,
        } => close_family(history, subscriber, *last_day)?.0,
        Op::Death {
            member,
            last_day,
            dependents_keep,
        } => death(history, member, *last_day, *dependents_keep, new_id)?,
        Op::Reinstate { member } => reinstate(history, member)?,
    };
    let next = apply_changes(history, &changes);
    check(&next).map_err(LedgerError::Invariant)?;
    Ok(changes)
}

/// The history after storing `changes` (updates replace the row with the same id).
pub fn apply_changes(history: &[Period], changes: &[Change]) -> Vec<Period> {
    let mut out = history.to_vec();
    for change in changes {
        match change {
            Change::Insert(p) => out.push(p.clone()),
            Change::Update { before, after } => {
                if let Some(row) = out.iter_mut().find(|p| p.id == before.id) {
                    *row = after.clone();
                }
            }
        }
    }
    out
}

/// Checks the ledger invariants (module docs).
pub fn check(history: &[Period]) -> Result<(), Violation> {
    for (i, p) in history.iter().enumerate() {
        if history[..i].iter().any(|q| q.id == p.id) {
            return Err(Violation::DuplicateId { id: p.id.clone() });
        }
        if p.end.is_some_and(|e| e < p.start) {
            return Err(Violation::EndBeforeStart { id: p.id.clone() });
        }
    }
    for (i, p) in history.iter().enumerate() {
        if let Some(q) = history[..i]
            .iter()
            .find(|q| q.member == p.member && q.kind == p.kind && q.overlaps(p.start, p.end))
        {
            return Err(Violation::Overlap {
                member: p.member.clone(),
                kind: p.kind.clone(),
                first: q.id.clone(),
                second: p.id.clone(),
            });
        }
    }
    for p in history.iter().filter(|p| !p.is_subscriber_row()) {
        let inside = history.iter().any(|s| {
            s.is_subscriber_row()
                && s.member == p.subscriber
                && s.kind == p.kind
                && s.plan == p.plan
                && s.group == p.group
                && s.start <= p.start
                && match (s.end, p.end) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(se), Some(pe)) => pe <= se,
                }
        });
        if !inside {
            return Err(Violation::OutsideSubscriber { id: p.id.clone() });
        }
    }
    Ok(())
}

fn overlap_error(
    history: &[Period],
    member: &str,
    start: Date,
    end: Option<Date>,
) -> Result<(), LedgerError> {
    match history
        .iter()
        .find(|p| p.member == member && p.kind == MEDICAL && p.overlaps(start, end))
    {
        Some(p) => Err(LedgerError::Overlap {
            member: member.to_owned(),
            kind: MEDICAL.to_owned(),
            start: p.start,
        }),
        None => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn enroll(
    history: &[Period],
    id_hint: &str,
    subscriber: &str,
    plan: &str,
    group: &str,
    effective: Date,
    members: &[(String, Relationship)],
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Change>, LedgerError> {
    let mut family: Vec<(String, Relationship)> =
        vec![(subscriber.to_owned(), Relationship::SelfSubscriber)];
    for (m, rel) in members {
        if m == subscriber || family.iter().any(|(f, _)| f == m) {
            continue;
        }
        if *rel == Relationship::SelfSubscriber {
            return Err(LedgerError::SelfAsDependent);
        }
        family.push((m.clone(), *rel));
    }
    let mut changes = Vec::new();
    for (i, (member, relationship)) in family.into_iter().enumerate() {
        overlap_error(history, &member, effective, None)?;
        let hint_free = !id_hint.is_empty() && !history.iter().any(|p| p.id == id_hint);
        let id = if i == 0 && hint_free {
            id_hint.to_owned()
        } else {
            new_id()
        };
        changes.push(Change::Insert(Period {
            id,
            member,
            subscriber: subscriber.to_owned(),
            relationship,
            kind: MEDICAL.to_owned(),
            plan: plan.to_owned(),
            group: group.to_owned(),
            start: effective,
            end: None,
        }));
    }
    Ok(changes)
}

fn add_dependent(
    history: &[Period],
    subscriber: &str,
    member: &str,
    relationship: Relationship,
    effective: Date,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Change>, LedgerError> {
    if relationship == Relationship::SelfSubscriber {
        return Err(LedgerError::SelfAsDependent);
    }
    let Some(sub) = history.iter().find(|p| {
        p.is_subscriber_row() && p.member == subscriber && p.kind == MEDICAL && p.covers(effective)
    }) else {
        return Err(LedgerError::NoSubscriberCoverage {
            subscriber: subscriber.to_owned(),
            date: effective,
        });
    };
    overlap_error(history, member, effective, sub.end)?;
    Ok(vec![Change::Insert(Period {
        id: new_id(),
        member: member.to_owned(),
        subscriber: subscriber.to_owned(),
        relationship,
        kind: MEDICAL.to_owned(),
        plan: sub.plan.clone(),
        group: sub.group.clone(),
        start: effective,
        end: sub.end,
    })])
}

/// Ends a dependent's period covering `last_day` (removal, or a dependent's death).
fn end_dependent(
    history: &[Period],
    member: &str,
    last_day: Date,
) -> Result<Vec<Change>, LedgerError> {
    let Some(p) = history
        .iter()
        .find(|p| p.member == member && p.kind == MEDICAL && p.covers(last_day))
    else {
        return Err(LedgerError::NoCoverage {
            member: member.to_owned(),
            date: last_day,
        });
    };
    if p.is_subscriber_row() {
        return Err(LedgerError::IsSubscriber {
            member: member.to_owned(),
        });
    }
    if let Some(later) = history
        .iter()
        .find(|q| q.member == member && q.kind == MEDICAL && q.start > last_day)
    {
        return Err(LedgerError::LaterCoverage {
            member: member.to_owned(),
            start: later.start,
            date: last_day,
        });
    }
    close_one(p, last_day).map(|c| c.into_iter().collect())
}

/// Closes an open period on `last_day`; nothing to do when it already ends that day.
fn close_one(p: &Period, last_day: Date) -> Result<Option<Change>, LedgerError> {
    match p.end {
        None => Ok(Some(Change::Update {
            before: p.clone(),
            after: Period {
                end: Some(last_day),
                ..p.clone()
            },
        })),
        Some(end) if end == last_day => Ok(None),
        Some(end) => Err(LedgerError::AlreadyEnds {
            member: p.member.clone(),
            end,
        }),
    }
}

/// Ends every period of the family covering `last_day`; returns the changes and the periods that
/// were open (as they were before closing).
fn close_family(
    history: &[Period],
    subscriber: &str,
    last_day: Date,
) -> Result<(Vec<Change>, Vec<Period>), LedgerError> {
    let family: Vec<&Period> = history
        .iter()
        .filter(|p| p.subscriber == subscriber && p.kind == MEDICAL)
        .collect();
    if !family
        .iter()
        .any(|p| p.is_subscriber_row() && p.covers(last_day))
    {
        return Err(LedgerError::NoSubscriberCoverage {
            subscriber: subscriber.to_owned(),
            date: last_day,
        });
    }
    let mut changes = Vec::new();
    let mut closed = Vec::new();
    for p in family {
        if p.start > last_day {
            return Err(LedgerError::LaterCoverage {
                member: p.member.clone(),
                start: p.start,
                date: last_day,
            });
        }
        if p.covers(last_day)
            && let Some(change) = close_one(p, last_day)?
        {
            changes.push(change);
            closed.push(p.clone());
        }
    }
    Ok((changes, closed))
}

/// See [`Op::ChangePlan`].
fn change_plan(
    history: &[Period],
    subscriber: &str,
    plan: &str,
    group: &str,
    effective: Date,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Change>, LedgerError> {
    let last_day = add_days(effective, -1);
    let family: Vec<&Period> = history
        .iter()
        .filter(|p| p.subscriber == subscriber && p.kind == MEDICAL)
        .collect();
    let mut changes = Vec::new();
    for p in family.iter().filter(|p| p.start >= effective) {
        if p.plan != plan || p.group != group {
            changes.push(Change::Update {
                before: (*p).clone(),
                after: Period {
                    plan: plan.to_owned(),
                    group: group.to_owned(),
                    ..(*p).clone()
                },
            });
        }
    }
    let mut continued = Vec::new();
    for p in family
        .iter()
        .filter(|p| p.start < effective && p.covers(last_day))
    {
        if let Some(change) = close_one(p, last_day)? {
            changes.push(change);
            continued.push(*p);
        }
    }
    // The subscriber's coverage must reach the change: covering the day before, or starting on
    // the day itself (a choice not yet in effect).
    let reaches = family
        .iter()
        .any(|p| p.is_subscriber_row() && (p.covers(last_day) || p.start == effective));
    if !reaches {
        return Err(LedgerError::NothingOpen {
            subscriber: subscriber.to_owned(),
        });
    }
    for p in continued {
        changes.push(Change::Insert(Period {
            id: new_id(),
            plan: plan.to_owned(),
            group: group.to_owned(),
            start: effective,
            end: None,
            ..p.clone()
        }));
    }
    Ok(changes)
}

fn death(
    history: &[Period],
    member: &str,
    last_day: Date,
    dependents_keep: bool,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Change>, LedgerError> {
    let Some(p) = history
        .iter()
        .find(|p| p.member == member && p.kind == MEDICAL && p.covers(last_day))
    else {
        return Err(LedgerError::NoCoverage {
            member: member.to_owned(),
            date: last_day,
        });
    };
    if !p.is_subscriber_row() {
        return end_dependent(history, member, last_day);
    }
    let (mut changes, closed) = close_family(history, member, last_day)?;
    if !dependents_keep {
        return Ok(changes);
    }
    let rank = |r: Relationship| match r {
        Relationship::Spouse => 0,
        Relationship::LifePartner => 1,
        _ => 2,
    };
    let mut remaining: Vec<&Period> = closed.iter().filter(|c| c.member != member).collect();
    remaining.sort_by(|a, b| {
        (rank(a.relationship), a.start, &a.member).cmp(&(rank(b.relationship), b.start, &b.member))
    });
    let Some(heir) = remaining.first().map(|p| p.member.clone()) else {
        return Ok(changes);
    };
    let from = add_days(last_day, 1);
    for r in remaining {
        let relationship = if r.member == heir {
            Relationship::SelfSubscriber
        } else {
            r.relationship
        };
        changes.push(Change::Insert(Period {
            id: new_id(),
            subscriber: heir.clone(),
            relationship,
            start: from,
            end: None,
            ..r.clone()
        }));
    }
    Ok(changes)
}

fn reinstate(history: &[Period], member: &str) -> Result<Vec<Change>, LedgerError> {
    let nothing = || LedgerError::NothingToReinstate {
        member: member.to_owned(),
    };
    let latest = history
        .iter()
        .filter(|p| p.member == member && p.kind == MEDICAL)
        .max_by_key(|p| p.start)
        .ok_or_else(nothing)?;
    if latest.end.is_none() {
        return Err(nothing());
    }
    if let Some(other) = history.iter().find(|p| {
        p.member == member
            && p.kind == MEDICAL
            && p.id != latest.id
            && p.overlaps(latest.start, None)
    }) {
        return Err(LedgerError::Overlap {
            member: member.to_owned(),
            kind: MEDICAL.to_owned(),
            start: other.start,
        });
    }
    if !latest.is_subscriber_row() {
        let open_sub = history.iter().any(|s| {
            s.is_subscriber_row()
                && s.member == latest.subscriber
                && s.kind == latest.kind
                && s.plan == latest.plan
                && s.group == latest.group
                && s.start <= latest.start
                && s.end.is_none()
        });
        if !open_sub {
            return Err(LedgerError::SubscriberNotOpen {
                member: member.to_owned(),
                subscriber: latest.subscriber.clone(),
            });
        }
    }
    Ok(vec![Change::Update {
        before: latest.clone(),
        after: Period {
            end: None,
            ..latest.clone()
        },
    }])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
