//! Enrollment changes a member or member services make: add a newborn, adopted child or
//! spouse, remove a dependent, change plan, update contact details, record a death. Each is
//! checked against its window (`crate::rules::windows::decide`), applied to the family's
//! coverage history by the pure ledger (`crate::rules::ledger::apply`, which never deletes a
//! row or moves a start), and written in one transaction.

use crate::rules::death::{DependentsAfterDeath, after_death};
use crate::rules::dependents::last_covered_day;
use crate::rules::ledger::{self, Change, Op};
use crate::rules::windows::{
    Action, Allowed, Election, EnrollmentRequest, GroupWindow, LifeEvent, MedicareFacts, decide,
};
use crate::rules::{Market, Product, Relationship};
use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::Caller;
use ws_i18n::said::Said;

use crate::service::family::{
    CoverageRow, Family, PlanSummary, coverage_resource, display_name, strip_meta, with_end,
    with_plan,
};
use crate::service::ids::{identifier, member_id_system, mrn_system, region_of_patient};
use crate::service::medicare::{medicare_facts, stamp_election, with_entitlement};
use crate::service::plans::plan_market;
use crate::service::{CoverageError, CoverageService, Result};

/// What a change did.
#[derive(Debug, Clone, Default)]
pub struct ChangeOutcome {
    pub effective: Option<Date>,
    /// The window that allows the change, in words.
    pub window: Said,
    pub rule: &'static str,
    pub notes: Vec<Said>,
    /// A Patient the change created (a newborn's record).
    pub patient: Option<String>,
    pub mrn: Option<String>,
    /// Coverage ids written.
    pub coverages: Vec<String>,
}

/// A plan change worked out and not yet made: what the member reviews before confirming.
#[derive(Clone)]
pub struct PlanChange {
    /// The plan the family is on today.
    pub current: PlanSummary,
    pub target: PlanSummary,
    pub market: Market,
    /// Everyone whose coverage moves to the new plan, subscriber first: (name, relationship).
    pub members: Vec<(String, Relationship)>,
    /// A choice not yet in effect that this one replaces (ENR-17): (plan name, its start).
    pub replaces: Option<(String, Date)>,
    /// The window, the start date and the notes the rules give.
    pub allowed: Allowed,
    svc: Caller,
    writes: Vec<Value>,
}

impl std::fmt::Debug for PlanChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanChange")
            .field("current", &self.current.code)
            .field("target", &self.target.code)
            .field("members", &self.members)
            .field("allowed", &self.allowed)
            .finish_non_exhaustive()
    }
}

/// A person to add to a family's coverage.
#[derive(Debug, Clone)]
pub struct NewDependent {
    pub given: String,
    pub family: String,
    pub birth_date: Date,
    /// FHIR administrative gender.
    pub gender: String,
    pub relationship: Relationship,
    /// The qualifying event (birth, adoption, placement, marriage, ...).
    pub event: LifeEvent,
}

/// A life event from a form's code word and date (`birth`, `adoption`, `placement`, `foster`,
/// `court`, `marriage`, `loss`, `move`, `citizenship`, `error`).
pub fn life_event(kind: &str, d: Date) -> Option<LifeEvent> {
    Some(match kind {
        "birth" => LifeEvent::Birth(d),
        "adoption" => LifeEvent::Adoption(d),
        "placement" => LifeEvent::PlacementForAdoption(d),
        "foster" => LifeEvent::FosterCare(d),
        "court" => LifeEvent::CourtOrder(d),
        "marriage" => LifeEvent::Marriage(d),
        "loss" => LifeEvent::LossOfCoverage(d),
        "move" => LifeEvent::PermanentMove(d),
        "citizenship" => LifeEvent::Citizenship(d),
        "error" => LifeEvent::EnrollmentError(d),
        _ => return None,
    })
}

/// The market of a coverage row: Medicare and Medicaid by product, employer groups by group.
pub fn market_of(row: &CoverageRow) -> Market {
    match Product::from_code(&row.plan_code) {
        Some(Product::MedicareAdvantage) => Market::Medicare,
        Some(Product::Medicaid) => Market::Medicaid,
        _ if row.group.is_empty() || row.group.eq_ignore_ascii_case("individual") => {
            Market::Individual
        }
        _ => Market::EmployerGroup,
    }
}

/// An employer's own open enrollment (ENR-10, SEED-15): Wellspring's default for a group
/// without its own dates is November 1–30, effective January 1. The next one not yet over.
pub fn employer_window(on: Date) -> GroupWindow {
    let y = on.year();
    let this = GroupWindow {
        start: Date::new(y, 11, 1).unwrap_or(on),
        end: Date::new(y, 11, 30).unwrap_or(on),
        effective: Date::new(y + 1, 1, 1).unwrap_or(on),
    };
    if on <= this.end {
        this
    } else {
        GroupWindow {
            start: Date::new(y + 1, 11, 1).unwrap_or(on),
            end: Date::new(y + 1, 11, 30).unwrap_or(on),
            effective: Date::new(y + 2, 1, 1).unwrap_or(on),
        }
    }
}

fn state_of(p: &Value) -> Option<String> {
    p["address"][0]["state"].as_str().map(str::to_owned)
}

/// New Coverage ids for one change: `<region>-cov-<uuid>-<n>`.
fn coverage_ids(region: &str) -> impl FnMut() -> String + use<> {
    let stem = format!("{region}-cov-{}", uuid::Uuid::new_v4().simple());
    let mut n = 0u32;
    move || {
        n += 1;
        format!("{stem}-{n}")
    }
}

/// A ledger refusal in words, naming people (never record ids): `names` are the Patients
/// involved.
fn ledger_err(
    names: &std::collections::BTreeMap<String, Value>,
) -> impl Fn(ledger::LedgerError) -> CoverageError + '_ {
    move |e| {
        let name = |id: &str| names.get(id).map(display_name);
        CoverageError::Refused {
            reason: e.words(&name),
            next_allowed: None,
            rule: "WS-LEDGER",
        }
    }
}

impl CoverageService {
    fn request(
        &self,
        row: &CoverageRow,
        action: Action,
        event: Option<LifeEvent>,
        today: Date,
        state: Option<String>,
        medicare: Option<MedicareFacts>,
    ) -> EnrollmentRequest {
        let market = market_of(row);
        EnrollmentRequest {
            market,
            action,
            event,
            requested_on: today,
            employer: (market == Market::EmployerGroup).then(|| employer_window(today)),
            medicare,
            state,
        }
    }

    /// The subscriber's row that covers `on` (the family's plan and group).
    fn subscriber_row(family: &Family, on: Date) -> Result<&CoverageRow> {
        family
            .rows
            .iter()
            .filter(|r| r.member == family.subscriber && r.covers(on))
            .max_by_key(|r| r.start)
            .or_else(|| {
                family
                    .rows
                    .iter()
                    .filter(|r| r.member == family.subscriber && r.end.is_none())
                    .max_by_key(|r| r.start)
            })
            .ok_or_else(|| CoverageError::Refused {
                reason: Said::new("reason-no-subscriber-coverage-to-add").date("date", on),
                next_allowed: None,
                rule: "ELG-01",
            })
    }

    /// Resources for the ledger's changes: new Coverage rows copy the family's template; a row
    /// moved to another plan keeps its period. `election` (a Medicare election and the day it
    /// was made) is recorded on every row the change puts on a plan.
    async fn coverage_writes(
        &self,
        svc: &Caller,
        family: &Family,
        changes: &[Change],
        member_ids: &(dyn Fn(&str) -> String + Sync),
        region: &str,
        election: Option<(Election, Date)>,
    ) -> Result<Vec<Value>> {
        let template = family.rows.last().map(|r| &r.resource);
        let group_name = |group: &str| {
            family
                .rows
                .iter()
                .find(|r| r.group == group)
                .map(|r| r.group_name.clone())
                .unwrap_or_else(|| format!("Employer group {group}"))
        };
        let mut out = Vec::new();
        for c in changes {
            match c {
                Change::Insert(p) => {
                    let plan = self.plan_by_code(svc, &p.plan, Some(region)).await?;
                    let plan = PlanSummary::from_resource(&plan);
                    let mut v = coverage_resource(
                        template,
                        p,
                        &member_ids(&p.member),
                        region,
                        &plan,
                        &group_name(&p.group),
                    );
                    if let Some((e, made_on)) = election {
                        stamp_election(&mut v, e, made_on);
                    }
                    out.push(v);
                }
                Change::Update { before, after } => {
                    let Some(row) = family.rows.iter().find(|r| r.id == before.id) else {
                        continue;
                    };
                    let mut v = with_end(&row.resource, after.end);
                    if (&before.plan, &before.group) != (&after.plan, &after.group) {
                        let plan = self.plan_by_code(svc, &after.plan, Some(region)).await?;
                        let plan = PlanSummary::from_resource(&plan);
                        v = with_plan(&v, &plan, &after.group, &group_name(&after.group));
                        if let Some((e, made_on)) = election {
                            stamp_election(&mut v, e, made_on);
                        }
                    }
                    out.push(v);
                }
            }
        }
        Ok(out)
    }

    /// Apply `op` to the family's coverage history with the ledger; the Coverage resources to
    /// write for it.
    async fn ledger_writes(
        &self,
        svc: &Caller,
        family: &Family,
        op: &Op,
        region: &str,
        new_member: Option<(&str, String)>,
        election: Option<(Election, Date)>,
    ) -> Result<Vec<Value>> {
        let mut ids = coverage_ids(region);
        let changes =
            ledger::apply(&family.periods(), op, &mut ids).map_err(ledger_err(&family.patients))?;
        let ids_of = Self::member_id_fn(family, new_member);
        self.coverage_writes(svc, family, &changes, &ids_of, region, election)
            .await
    }

    /// Write a change in one transaction and say what it did.
    /// A change decided by the subscriber's own window (no life event): decide it, apply
    /// `op(effective day)` to the family's coverage history and commit.
    async fn subscriber_change(
        &self,
        svc: &Caller,
        family: &Family,
        action: Action,
        today: Date,
        op: impl FnOnce(Date) -> Op,
    ) -> Result<ChangeOutcome> {
        let sub_row = Self::subscriber_row(family, today)?;
        let sub_patient = family
            .patients
            .get(&family.subscriber)
            .cloned()
            .unwrap_or_default();
        let req = self.request(sub_row, action, None, today, state_of(&sub_patient), None);
        let allowed = decide(&req, &self.rules)?;
        let op = op(allowed.effective);
        let region = region_of_patient(&sub_patient).unwrap_or_default();
        let writes = self
            .ledger_writes(svc, family, &op, &region, None, None)
            .await?;
        self.commit_change(svc, writes, allowed).await
    }

    async fn commit_change(
        &self,
        svc: &Caller,
        writes: Vec<Value>,
        allowed: Allowed,
    ) -> Result<ChangeOutcome> {
        let coverages = writes
            .iter()
            .filter(|w| w["resourceType"] == "Coverage")
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        self.put_all(svc, writes).await?;
        Ok(ChangeOutcome {
            effective: Some(allowed.effective),
            window: allowed.window,
            rule: allowed.rule,
            notes: allowed.notes,
            coverages,
            ..ChangeOutcome::default()
        })
    }

    /// Member ids for a family: existing members keep theirs; a new member gets the
    /// subscriber's base and the next two-digit suffix.
    fn member_id_fn(
        family: &Family,
        new_member: Option<(&str, String)>,
    ) -> impl Fn(&str) -> String + Sync + use<> {
        let known: Vec<(String, String)> = family
            .rows
            .iter()
            .map(|r| (r.member.clone(), r.member_id.clone()))
            .chain(new_member.map(|(p, id)| (p.to_owned(), id)))
            .collect();
        move |p: &str| {
            known
                .iter()
                .rev()
                .find(|(m, _)| m == p)
                .map(|(_, id)| id.clone())
                .unwrap_or_default()
        }
    }

    /// Add a newborn, adopted or foster child, ward, stepchild, spouse or partner to the
    /// subscriber's coverage (ENR-05, ENR-06, ENR-10, ENR-11).
    pub async fn add_dependent(
        &self,
        caller: &Caller,
        subscriber: &str,
        d: NewDependent,
        today: Date,
    ) -> Result<ChangeOutcome> {
        Self::authorize_manage(caller, subscriber)?;
        let given = d.given.trim();
        let family_name = d.family.trim();
        if given.is_empty() || family_name.is_empty() {
            return Err(CoverageError::InvalidEntry(Said::new(
                "entry-dependent-name",
            )));
        }
        if !matches!(d.gender.as_str(), "female" | "male" | "other" | "unknown") {
            return Err(CoverageError::InvalidEntry(Said::new("entry-gender")));
        }
        if d.birth_date > today {
            return Err(CoverageError::InvalidEntry(Said::new("entry-birth-future")));
        }
        if d.relationship == Relationship::SelfSubscriber {
            return Err(CoverageError::InvalidEntry(Said::new(
                "entry-dependent-self",
            )));
        }
        let svc = Self::service_caller(caller, subscriber, "enrollment: add a family member");
        let family = self.family_as(&svc, subscriber, today).await?;
        if family.subscriber != subscriber {
            return Err(CoverageError::Forbidden(
                "only the subscriber's account adds family members to this coverage".into(),
            ));
        }
        let sub_row = Self::subscriber_row(&family, today)?.clone();
        let sub_patient = family
            .patients
            .get(subscriber)
            .cloned()
            .ok_or_else(|| CoverageError::NotFound(format!("Patient/{subscriber}")))?;
        let spouse = matches!(
            d.relationship,
            Relationship::Spouse | Relationship::LifePartner
        );
        let action = if spouse {
            Action::AddSpouse
        } else {
            Action::AddDependent
        };
        let req = self.request(
            &sub_row,
            action,
            Some(d.event),
            today,
            state_of(&sub_patient),
            None,
        );
        let allowed = decide(&req, &self.rules)?;
        let settings = self
            .rules
            .for_request(today, req.state.as_deref(), req.market);
        if let Some(last) = last_covered_day(d.birth_date, d.relationship, settings)
            && last < allowed.effective
        {
            return Err(CoverageError::Refused {
                reason: Said::new("reason-past-age-limit")
                    .with("name", given)
                    .date("date", last),
                next_allowed: None,
                rule: "ENR-13",
            });
        }
        // The same person already covered (name + birth date) is a duplicate request.
        if family.patients.values().any(|p| {
            p["birthDate"].as_str() == Some(&d.birth_date.to_string())
                && display_name(p).eq_ignore_ascii_case(&format!("{given} {family_name}"))
        }) {
            return Err(CoverageError::Invalid(format!(
                "{given} {family_name}, born {}, is already on this family's coverage",
                d.birth_date
            )));
        }
        let region = region_of_patient(&sub_patient)
            .ok_or_else(|| CoverageError::Invalid("the subscriber has no MRN".into()))?;
        let mrn = self.issue_mrn(&region).await?;
        let patient_id = format!("{region}-pat-{}", mrn.to_ascii_lowercase());
        let base = sub_row
            .member_id
            .rsplit_once('-')
            .map_or(sub_row.member_id.as_str(), |(b, _)| b)
            .to_owned();
        let next_suffix = family
            .rows
            .iter()
            .filter_map(|r| r.member_id.rsplit_once('-')?.1.parse::<u32>().ok())
            .max()
            .unwrap_or(1)
            + 1;
        let member_id = format!("{base}-{next_suffix:02}");
        let mut patient = json!({
            "resourceType": "Patient",
            "id": patient_id,
            "identifier": [
                {"use": "usual", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}], "text": "MRN"}, "system": mrn_system(&region), "value": mrn},
                {"use": "secondary", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB", "display": "Member Number"}]}, "system": member_id_system(&region), "value": member_id}
            ],
            "active": true,
            "name": [{"use": "official", "family": family_name, "given": [given]}],
            "gender": d.gender,
            "birthDate": d.birth_date.to_string()
        });
        for k in ["address", "managingOrganization"] {
            if !sub_patient[k].is_null() {
                patient[k] = sub_patient[k].clone();
            }
        }
        if let Some(home) = sub_patient["telecom"].as_array().and_then(|t| {
            t.iter()
                .find(|x| x["use"] == "home" && x["system"] == "phone")
                .cloned()
        }) {
            patient["telecom"] = json!([home]);
        }
        let op = Op::AddDependent {
            subscriber: subscriber.to_owned(),
            member: patient_id.clone(),
            relationship: d.relationship,
            effective: allowed.effective,
        };
        let new_member = Some((patient_id.as_str(), member_id.clone()));
        let mut writes = vec![patient];
        writes.extend(
            self.ledger_writes(&svc, &family, &op, &region, new_member, None)
                .await?,
        );
        let mut out = self.commit_change(&svc, writes, allowed).await?;
        out.patient = Some(patient_id);
        out.mrn = Some(mrn);
        Ok(out)
    }

    /// Work out a change of the family's plan (open enrollment, a special enrollment period,
    /// the employer's own open enrollment, a Medicare election) without making it: the review
    /// the member confirms. A refusal says why in words and when the next window opens.
    pub async fn review_plan_change(
        &self,
        caller: &Caller,
        subscriber: &str,
        plan_code: &str,
        event: Option<LifeEvent>,
        today: Date,
    ) -> Result<PlanChange> {
        Self::authorize_manage(caller, subscriber)?;
        let svc = Self::service_caller(caller, subscriber, "enrollment: change plan");
        let family = self.family_as(&svc, subscriber, today).await?;
        if family.subscriber != subscriber {
            return Err(CoverageError::Forbidden(
                "only the subscriber's account changes this family's plan".into(),
            ));
        }
        let sub_row = Self::subscriber_row(&family, today)?.clone();
        // The plan the subscriber is on (or has chosen, for a choice not yet in effect).
        let latest = family
            .rows
            .iter()
            .filter(|r| r.member == subscriber && r.status != "entered-in-error")
            .max_by_key(|r| r.start)
            .unwrap_or(&sub_row)
            .clone();
        if latest.plan_code == plan_code {
            return Err(CoverageError::Invalid(if latest.start > today {
                format!(
                    "{} from {} is already your choice",
                    latest.plan_name, latest.start
                )
            } else {
                format!("the family is already on {}", latest.plan_name)
            }));
        }
        let sub_patient = family.patients.get(subscriber).cloned().unwrap_or_default();
        let region = region_of_patient(&sub_patient).unwrap_or_default();
        let target = PlanSummary::from_resource(
            &self
                .plan_by_code(&svc, plan_code, Some(&region))
                .await
                .map_err(|_| {
                    CoverageError::Invalid("that plan is not offered in your region".into())
                })?,
        );
        let current = match self
            .plan_by_code(&svc, &sub_row.plan_code, Some(&region))
            .await
        {
            Ok(p) => PlanSummary::from_resource(&p),
            Err(_) => PlanSummary {
                code: sub_row.plan_code.clone(),
                name: sub_row.plan_name.clone(),
                ..PlanSummary::default()
            },
        };
        let market = market_of(&sub_row);
        if plan_market(plan_code, market) != market {
            return Err(CoverageError::Refused {
                reason: Said::new("reason-other-market")
                    .with("plan", &target.name)
                    .said(
                        "market",
                        Said::new(match plan_market(plan_code, market) {
                            Market::Medicare => "market-medicare",
                            Market::Medicaid => "market-medicaid",
                            Market::EmployerGroup => "market-group",
                            Market::Individual => "market-individual",
                        }),
                    ),
                next_allowed: None,
                rule: "WS-ENR-05",
            });
        }
        let settings = self
            .rules
            .for_request(today, state_of(&sub_patient).as_deref(), market);
        let medicare = if market == Market::Medicare {
            let own: Vec<CoverageRow> = family
                .rows
                .iter()
                .filter(|r| r.member == subscriber)
                .cloned()
                .collect();
            medicare_facts(&sub_patient, &own, Some(&target), today, settings)
        } else {
            None
        };
        let req = self.request(
            &sub_row,
            Action::ChangePlan,
            event,
            today,
            state_of(&sub_patient),
            medicare,
        );
        let allowed = decide(&req, &self.rules)?;
        let op = Op::ChangePlan {
            subscriber: subscriber.to_owned(),
            plan: plan_code.to_owned(),
            group: sub_row.group.clone(),
            effective: allowed.effective,
        };
        let mut ids = coverage_ids(&region);
        let changes = ledger::apply(&family.periods(), &op, &mut ids)
            .map_err(ledger_err(&family.patients))?;
        // Everyone the change moves, subscriber first.
        let mut moved: Vec<(String, Relationship)> = Vec::new();
        for c in &changes {
            let p = match c {
                Change::Insert(p) => p,
                Change::Update { before, after } if before.plan != after.plan => after,
                Change::Update { .. } => continue,
            };
            if !moved.iter().any(|(m, _)| *m == p.member) {
                moved.push((p.member.clone(), p.relationship));
            }
        }
        let since = |m: &str| {
            family
                .rows
                .iter()
                .filter(|r| r.member == m)
                .map(|r| r.start)
                .min()
        };
        moved.sort_by_key(|(m, _)| (m != subscriber, since(m), m.clone()));
        let members = moved
            .iter()
            .map(|(m, rel)| (family.name_of(m), *rel))
            .collect();
        let replaces = (latest.start > today).then(|| (latest.plan_name.clone(), latest.start));
        let ids_of = Self::member_id_fn(&family, None);
        let writes = self
            .coverage_writes(
                &svc,
                &family,
                &changes,
                &ids_of,
                &region,
                allowed.election.map(|e| (e, today)),
            )
            .await?;
        Ok(PlanChange {
            current,
            target,
            market,
            members,
            replaces,
            allowed,
            svc,
            writes,
        })
    }

    /// Make a reviewed plan change (one transaction; any elections used are recorded on the new
    /// coverage).
    pub async fn confirm_plan_change(&self, change: PlanChange) -> Result<ChangeOutcome> {
        self.commit_change(&change.svc, change.writes, change.allowed)
            .await
    }

    /// Change the family's plan: [`CoverageService::review_plan_change`], then
    /// [`CoverageService::confirm_plan_change`].
    pub async fn change_plan(
        &self,
        caller: &Caller,
        subscriber: &str,
        plan_code: &str,
        event: Option<LifeEvent>,
        today: Date,
    ) -> Result<ChangeOutcome> {
        let change = self
            .review_plan_change(caller, subscriber, plan_code, event, today)
            .await?;
        self.confirm_plan_change(change).await
    }

    /// Remove a dependent from the subscriber's coverage (any time; effective the end of the
    /// month, Wellspring's default in the rules).
    pub async fn remove_dependent(
        &self,
        caller: &Caller,
        subscriber: &str,
        member: &str,
        today: Date,
    ) -> Result<ChangeOutcome> {
        Self::authorize_manage(caller, subscriber)?;
        let svc = Self::service_caller(caller, subscriber, "enrollment: remove a family member");
        let family = self.family_as(&svc, subscriber, today).await?;
        if family.subscriber != subscriber || member == subscriber {
            return Err(CoverageError::Forbidden(
                "the subscriber removes dependents; the subscriber's own coverage ends through member services".into(),
            ));
        }
        if !family
            .rows
            .iter()
            .any(|r| r.member == member && r.end.is_none_or(|e| e >= today))
        {
            return Err(CoverageError::NotFound(
                "that person has no current coverage in this family".into(),
            ));
        }
        self.subscriber_change(&svc, &family, Action::RemoveDependent, today, |last_day| {
            Op::RemoveDependent {
                member: member.to_owned(),
                last_day,
            }
        })
        .await
    }

    /// Update a member's home address and phone (allowed any time).
    pub async fn update_contact(
        &self,
        caller: &Caller,
        patient: &str,
        address: Option<Address>,
        phone: Option<String>,
    ) -> Result<()> {
        Self::authorize_manage(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "membership: update contact details");
        let mut p = self.read_json(&svc, "Patient", patient).await?;
        if let Some(a) = address {
            a.check()?;
            p["address"] = json!([{"use": "home", "type": "both", "line": a.lines, "city": a.city, "state": a.state, "postalCode": a.postal_code, "country": "US"}]);
        }
        if let Some(ph) = phone {
            let ph = ph.trim().to_owned();
            let digits = ph.trim_start_matches('+');
            if !ph.starts_with('+')
                || digits.len() < 8
                || digits.len() > 15
                || !digits.chars().all(|c| c.is_ascii_digit())
            {
                return Err(CoverageError::InvalidEntry(Said::new("entry-phone")));
            }
            let mut telecom: Vec<Value> = p["telecom"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|t| !(t["system"] == "phone" && t["use"] == "mobile"))
                .collect();
            telecom.push(json!({"system": "phone", "value": ph, "use": "mobile"}));
            p["telecom"] = json!(telecom);
        }
        p = strip_meta(&p);
        self.put_all(&svc, vec![p]).await
    }

    /// Member services record a member's death (issue 5 part 3): the Patient is marked
    /// deceased (nothing is deleted), coverage ends as the rules say (ENR-12, ENR-20/21),
    /// covered family members keep or continue their coverage, future appointments are
    /// cancelled and active prescriptions stopped (so no mail-order refill ships).
    pub async fn record_death(
        &self,
        caller: &Caller,
        patient: &str,
        date_of_death: Date,
        today: Date,
    ) -> Result<DeathReport> {
        Self::authorize_staff(caller)?;
        if date_of_death > today {
            return Err(CoverageError::Invalid(
                "the date of death cannot be in the future".into(),
            ));
        }
        let svc = Self::service_caller(caller, patient, "membership: record a death");
        let mut p = self.read_json(&svc, "Patient", patient).await?;
        if !p["deceasedDateTime"].is_null() || p["deceasedBoolean"] == json!(true) {
            return Err(CoverageError::Invalid(format!(
                "a death is already recorded for {}",
                display_name(&p)
            )));
        }
        let family = self.family_as(&svc, patient, date_of_death).await?;
        let row = family
            .rows
            .iter()
            .filter(|r| r.member == patient && r.covers(date_of_death))
            .max_by_key(|r| r.start)
            .cloned();
        let mut writes = Vec::new();
        let mut report = DeathReport::default();
        if let Some(row) = &row {
            let is_sub = family.subscriber == patient;
            let market = market_of(row);
            let settings = self
                .rules
                .for_request(date_of_death, state_of(&p).as_deref(), market);
            let outcome = after_death(market, is_sub, date_of_death, settings);
            let keep = matches!(outcome.dependents, DependentsAfterDeath::KeepCoverage);
            let op = Op::Death {
                member: patient.to_owned(),
                last_day: outcome.coverage_last_day,
                dependents_keep: keep,
            };
            let region = region_of_patient(&p).unwrap_or_default();
            writes.extend(
                self.ledger_writes(&svc, &family, &op, &region, None, None)
                    .await?,
            );
            report.coverage_last_day = Some(outcome.coverage_last_day);
            report.dues_refund_from = outcome.dues_refund_from;
            report.notes = outcome.notes.clone();
            report.dependents = match outcome.dependents {
                DependentsAfterDeath::None => "No other member's coverage changes.".into(),
                DependentsAfterDeath::Cobra { months, election_days, until } => format!(
                    "Covered family members are offered continuation coverage (COBRA) for up to {months} months (through {until}); they have at least {election_days} days to elect it."
                ),
                DependentsAfterDeath::SpecialEnrollment { window_closes } => format!(
                    "Covered family members lose this coverage and may enroll in a new plan until {window_closes}."
                ),
                DependentsAfterDeath::KeepCoverage => {
                    "Covered family members keep their coverage; the eldest adult becomes the subscriber.".into()
                }
            };
        } else {
            report
                .notes
                .push("No coverage was active on the date of death.".into());
        }
        p["deceasedDateTime"] = json!(date_of_death.to_string());
        p = strip_meta(&p);
        writes.push(p);
        // Future appointments: cancelled.
        let appts = self
            .fhir
            .search_resources(
                &svc,
                "Appointment",
                &[
                    ("patient".into(), format!("Patient/{patient}")),
                    ("status".into(), "proposed,pending,booked".into()),
                ],
                1000,
            )
            .await?;
        for mut a in appts {
            let start = a["start"]
                .as_str()
                .and_then(|s| s.get(..10)?.parse::<Date>().ok());
            if start.is_some_and(|s| s > date_of_death) {
                a["status"] = json!("cancelled");
                a["cancelationReason"] = json!({"text": "Patient deceased"});
                a = strip_meta(&a);
                report.appointments_cancelled += 1;
                writes.push(a);
            }
        }
        // Active prescriptions: stopped, so no refill (mail order or otherwise) is filled.
        let meds = self
            .fhir
            .search_resources(
                &svc,
                "MedicationRequest",
                &[
                    ("patient".into(), format!("Patient/{patient}")),
                    ("status".into(), "active,on-hold,draft".into()),
                ],
                1000,
            )
            .await?;
        for mut m in meds {
            m["status"] = json!("stopped");
            m["statusReason"] = json!({"text": "Patient deceased"});
            m = strip_meta(&m);
            report.prescriptions_stopped += 1;
            writes.push(m);
        }
        self.put_all(&svc, writes).await?;
        Ok(report)
    }
}

/// What recording a death did.
#[derive(Debug, Clone, Default)]
pub struct DeathReport {
    pub coverage_last_day: Option<Date>,
    pub dependents: String,
    pub dues_refund_from: Option<Date>,
    pub appointments_cancelled: usize,
    pub prescriptions_stopped: usize,
    pub notes: Vec<String>,
}

/// A US home address.
#[derive(Debug, Clone)]
pub struct Address {
    pub lines: Vec<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

impl Address {
    fn check(&self) -> Result<()> {
        if self.lines.iter().all(|l| l.trim().is_empty()) || self.city.trim().is_empty() {
            return Err(CoverageError::InvalidEntry(Said::new("entry-street-city")));
        }
        if self.state.len() != 2 || !self.state.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CoverageError::InvalidEntry(Said::new("entry-state")));
        }
        let z = self.postal_code.trim();
        let ok = (z.len() == 5 && z.chars().all(|c| c.is_ascii_digit()))
            || (z.len() == 10
                && z.as_bytes().get(5) == Some(&b'-')
                && z.chars()
                    .enumerate()
                    .all(|(i, c)| i == 5 || c.is_ascii_digit()));
        if !ok {
            return Err(CoverageError::InvalidEntry(Said::new("entry-zip")));
        }
        Ok(())
    }
}

impl CoverageService {
    /// The age-out run (ENR-13): end the coverage of every dependent child past the age limit
    /// on `on` (through the day before the 26th birthday, or month-end as a plan setting).
    /// Returns (member, last covered day). Member services or an in-process job only.
    pub async fn age_out(&self, caller: &Caller, on: Date) -> Result<Vec<(String, Date)>> {
        Self::authorize_staff(caller)?;
        let svc = Caller {
            acting_for: None,
            ..Self::service_caller(caller, "", "enrollment: dependent age-out (ENR-13)")
        };
        let rows: Vec<CoverageRow> = self
            .fhir
            .search_resources(
                &svc,
                "Coverage",
                &[("status".into(), "active".into())],
                1_000_000,
            )
            .await?
            .iter()
            .filter_map(CoverageRow::parse)
            .filter(|r| r.relationship.is_child() && r.end.is_none())
            .collect();
        let mut out = Vec::new();
        for row in rows {
            let Ok(p) = self.read_json(&svc, "Patient", &row.member).await else {
                continue;
            };
            let Some(birth) = p["birthDate"].as_str().and_then(|b| b.parse::<Date>().ok()) else {
                continue;
            };
            let settings = self
                .rules
                .for_request(on, state_of(&p).as_deref(), market_of(&row));
            let Some(last) = last_covered_day(birth, row.relationship, settings) else {
                continue;
            };
            if last < on {
                let last = last.max(row.start);
                self.put_all(&svc, vec![with_end(&row.resource, Some(last))])
                    .await?;
                out.push((display_name(&p), last));
            }
        }
        Ok(out)
    }
}

/// A new enrollment: who, which plan, under which group, and why now.
#[derive(Debug, Clone)]
pub struct NewEnrollment {
    /// The subscriber (already a Patient with an MRN).
    pub subscriber: String,
    /// Family members enrolled with them (Patient ids and relationships).
    pub members: Vec<(String, Relationship)>,
    pub plan_code: String,
    /// Employer group number; `None` for individual, Medicare and Medicaid enrollments.
    pub group: Option<String>,
    pub event: Option<LifeEvent>,
    /// Medicare: first day entitled to Part A and B, if known (ENR-16).
    pub part_a_b_start: Option<Date>,
}

impl CoverageService {
    /// Member services enroll a member (individual, family, employer group, Medicare or
    /// Medicaid) in a plan, in the window the rules give (ENR-01..ENR-22).
    pub async fn enroll(
        &self,
        caller: &Caller,
        e: NewEnrollment,
        today: Date,
    ) -> Result<ChangeOutcome> {
        Self::authorize_staff(caller)?;
        let svc = Self::service_caller(caller, &e.subscriber, "enrollment: new enrollment");
        let sub = self.read_json(&svc, "Patient", &e.subscriber).await?;
        let region = region_of_patient(&sub)
            .ok_or_else(|| CoverageError::Invalid("the member has no MRN".into()))?;
        let plan = self.plan_by_code(&svc, &e.plan_code, Some(&region)).await?;
        let plan = PlanSummary::from_resource(&plan);
        let product = Product::from_code(&plan.code);
        let market = match (product, &e.group) {
            (Some(Product::MedicareAdvantage), _) => Market::Medicare,
            (Some(Product::Medicaid), _) => Market::Medicaid,
            (_, Some(_)) => Market::EmployerGroup,
            (_, None) => Market::Individual,
        };
        if sub["birthDate"]
            .as_str()
            .and_then(|b| b.parse::<Date>().ok())
            .is_none()
        {
            return Err(CoverageError::Invalid(
                "the member has no birth date".into(),
            ));
        }
        // Part A and B start given now is recorded on the member's record (and used at once).
        let mut sub = sub;
        if market == Market::Medicare
            && let Some(ab) = e.part_a_b_start
        {
            sub = with_entitlement(&sub, ab, ab);
        }
        let own = self.coverages_of(&svc, &e.subscriber).await?;
        let settings = self
            .rules
            .for_request(today, state_of(&sub).as_deref(), market);
        let medicare = if market == Market::Medicare {
            let facts = medicare_facts(&sub, &own, Some(&plan), today, settings);
            Some(
                facts
                    .ok_or_else(|| CoverageError::Invalid("the member has no birth date".into()))?,
            )
        } else {
            None
        };
        let req = EnrollmentRequest {
            market,
            action: Action::Enroll,
            event: e.event,
            requested_on: today,
            employer: (market == Market::EmployerGroup).then(|| employer_window(today)),
            medicare,
            state: state_of(&sub),
        };
        let allowed = decide(&req, &self.rules)?;
        let group = e.group.clone().unwrap_or_else(|| match market {
            Market::Medicare => "MA-INDIVIDUAL".into(),
            Market::Medicaid => "MEDICAID".into(),
            _ => "INDIVIDUAL".into(),
        });
        let family = self.family_as(&svc, &e.subscriber, today).await?;
        let mut ids = coverage_ids(&region);
        let mut members = vec![(e.subscriber.clone(), Relationship::SelfSubscriber)];
        members.extend(e.members.iter().cloned());
        let op = Op::Enroll {
            id_hint: String::new(),
            subscriber: e.subscriber.clone(),
            plan: plan.code.clone(),
            group: group.clone(),
            effective: allowed.effective,
            members: members.clone(),
        };
        // Every period of everyone being enrolled, so no one is covered twice.
        let mut history = family.periods();
        for (pid, _) in &members {
            for r in self.coverages_of(&svc, pid).await? {
                if !history.iter().any(|h| h.id == r.id) {
                    history.push(r.period());
                }
            }
        }
        let mut names = family.patients.clone();
        for (pid, _) in &members {
            if !names.contains_key(pid)
                && let Ok(p) = self.read_json(&svc, "Patient", pid).await
            {
                names.insert(pid.clone(), p);
            }
        }
        let changes = ledger::apply(&history, &op, &mut ids).map_err(ledger_err(&names))?;
        // Member ids: the subscriber's MRN-based base, -01 for the subscriber.
        let mut patients = std::collections::BTreeMap::new();
        for (pid, _) in &members {
            patients.insert(pid.clone(), self.read_json(&svc, "Patient", pid).await?);
        }
        let base = identifier(&sub, &member_id_system(&region))
            .and_then(|m| m.rsplit_once('-').map(|(b, _)| b.to_owned()))
            .or_else(|| identifier(&sub, &mrn_system(&region)))
            .unwrap_or_else(|| e.subscriber.clone());
        let known: Vec<(String, String)> = members
            .iter()
            .enumerate()
            .map(|(i, (pid, _))| {
                let own = patients
                    .get(pid)
                    .and_then(|p| identifier(p, &member_id_system(&region)));
                (
                    pid.clone(),
                    own.unwrap_or_else(|| format!("{base}-{:02}", i + 1)),
                )
            })
            .collect();
        let ids_of = move |p: &str| {
            known
                .iter()
                .find(|(m, _)| m == p)
                .map(|(_, id)| id.clone())
                .unwrap_or_default()
        };
        let group_name = match market {
            Market::Medicare => "Individual Medicare Advantage".to_owned(),
            Market::Medicaid => "State Medicaid managed care".to_owned(),
            Market::Individual => "Individual and family".to_owned(),
            Market::EmployerGroup => format!("Employer group {group}"),
        };
        let mut writes = Vec::new();
        for c in &changes {
            if let Change::Insert(p) = c {
                let mut v = coverage_resource(
                    family.rows.last().map(|r| &r.resource),
                    p,
                    &ids_of(&p.member),
                    &region,
                    &plan,
                    &group_name,
                );
                if let Some(election) = allowed.election {
                    stamp_election(&mut v, election, today);
                }
                writes.push(v);
            }
        }
        if market == Market::Medicare && e.part_a_b_start.is_some() {
            writes.push(strip_meta(&sub));
        }
        self.commit_change(&svc, writes, allowed).await
    }
}

impl CoverageService {
    /// End a subscriber's (and their family's) coverage at their request (WS-ENR-03: any day,
    /// effective the end of the month). Member services only; nothing is deleted.
    pub async fn terminate(
        &self,
        caller: &Caller,
        subscriber: &str,
        today: Date,
    ) -> Result<ChangeOutcome> {
        Self::authorize_staff(caller)?;
        let svc = Self::service_caller(caller, subscriber, "enrollment: voluntary termination");
        let family = self.family_as(&svc, subscriber, today).await?;
        if family.subscriber != subscriber {
            return Err(CoverageError::Invalid(
                "this member is a dependent: remove them from the subscriber's coverage instead"
                    .into(),
            ));
        }
        self.subscriber_change(&svc, &family, Action::Terminate, today, |last_day| {
            Op::Terminate {
                subscriber: subscriber.to_owned(),
                last_day,
            }
        })
        .await
    }
}
