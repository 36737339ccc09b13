//! The medication list: each prescription with its facts (dose, prescriber, last fill, refills
//! left, expiry) and today's refill answer; what the member reported taking (or not taking).
//! Read with the caller's own rights, so the policy decides what shows.

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::Value;
use ws_fhir_service::Caller;

use super::{
    EXT_CHANNEL, EXT_ORDERED, EXT_STAGE, PharmacyService, Result, TASK_SYSTEM, TRANSFERRED,
    date_of, ref_id,
};
use crate::rules::formulary::{self, Listing};
use crate::rules::refill::{self, Answer, Fill, Pending, Prescription, RefillSettings, RxStatus};

/// An order (a fill asked for and not yet handed over, or handed over).
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub prescription: String,
    pub patient: String,
    pub name: String,
    /// `received`, `verified`, `filled`, `shipped`, `ready`, `delivered`, `picked-up`,
    /// `cancelled`.
    pub stage: String,
    pub channel: String,
    pub ordered: Option<Date>,
    pub status: String,
    pub days_supply: u32,
    pub quantity: Option<f64>,
    pub pharmacy: Option<String>,
}

impl Order {
    pub fn is_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "preparation" | "in-progress" | "on-hold"
        )
    }

    pub fn from_dispense(d: &Value) -> Option<Order> {
        let ext = |url: &str| {
            d["extension"].as_array().and_then(|a| {
                a.iter()
                    .find(|e| e["url"] == url)
                    .and_then(|e| e["valueCode"].as_str().or(e["valueDateTime"].as_str()))
                    .map(str::to_owned)
            })
        };
        let status = d["status"].as_str().unwrap_or("unknown").to_owned();
        Some(Order {
            id: d["id"].as_str()?.to_owned(),
            prescription: ref_id(&d["authorizingPrescription"][0], "MedicationRequest")
                .unwrap_or_default()
                .to_owned(),
            patient: ref_id(&d["subject"], "Patient")
                .unwrap_or_default()
                .to_owned(),
            name: med_name(d),
            stage: ext(EXT_STAGE).unwrap_or_else(|| match status.as_str() {
                "completed" => "picked-up".into(),
                "cancelled" | "declined" | "stopped" => "cancelled".into(),
                _ => "received".into(),
            }),
            channel: ext(EXT_CHANNEL).unwrap_or_else(|| "pick-up".into()),
            ordered: ext(EXT_ORDERED)
                .as_deref()
                .and_then(|s| s.get(..10)?.parse().ok())
                .or_else(|| date_of(&d["whenPrepared"])),
            status,
            days_supply: d["daysSupply"]["value"].as_f64().map_or(0, |v| v as u32),
            quantity: d["quantity"]["value"].as_f64(),
            pharmacy: d["location"]["display"].as_str().map(str::to_owned),
        })
    }
}

/// A renewal request and its answer.
#[derive(Debug, Clone)]
pub struct Renewal {
    pub id: String,
    pub prescription: String,
    pub patient: String,
    pub name: String,
    pub requested: Date,
    pub answer_by: Option<Date>,
    /// `requested`, `completed` (approved), `rejected` (denied or visit needed).
    pub status: String,
    /// `approved`, `denied`, `visit-needed` once answered.
    pub outcome: Option<String>,
    pub message: Option<String>,
    /// The new prescription, when approved.
    pub new_prescription: Option<String>,
}

impl Renewal {
    pub fn is_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "requested" | "received" | "accepted" | "in-progress"
        )
    }

    pub fn from_task(t: &Value) -> Option<Renewal> {
        let renewal = t["code"]["coding"]
            .as_array()?
            .iter()
            .any(|c| c["system"] == TASK_SYSTEM && c["code"] == "renewal");
        if !renewal {
            return None;
        }
        Some(Renewal {
            id: t["id"].as_str()?.to_owned(),
            prescription: ref_id(&t["focus"], "MedicationRequest")?.to_owned(),
            patient: ref_id(&t["for"], "Patient").unwrap_or_default().to_owned(),
            name: t["description"].as_str().unwrap_or_default().to_owned(),
            requested: date_of(&t["authoredOn"])?,
            answer_by: date_of(&t["restriction"]["period"]["end"]),
            status: t["status"].as_str().unwrap_or("requested").to_owned(),
            outcome: t["businessStatus"]["coding"][0]["code"]
                .as_str()
                .map(str::to_owned),
            message: t["statusReason"]["text"].as_str().map(str::to_owned),
            new_prescription: t["output"][0]["valueReference"]["reference"]
                .as_str()
                .and_then(|r| r.strip_prefix("MedicationRequest/"))
                .map(str::to_owned),
        })
    }
}

/// One prescription on the list.
#[derive(Debug, Clone)]
pub struct Med {
    pub id: String,
    pub patient: String,
    pub name: String,
    pub rxnorm: Option<String>,
    pub sig: String,
    pub prescriber: Option<String>,
    pub prescriber_ref: Option<String>,
    pub issued: Date,
    pub expires: Date,
    pub refills_allowed: u32,
    pub refills_left: u32,
    pub last_fill: Option<Fill>,
    pub days_supply: u32,
    pub quantity: Option<f64>,
    pub status: RxStatus,
    pub listing: Listing,
    pub answer: Answer,
    pub order: Option<Order>,
    pub renewal: Option<Renewal>,
    /// The member reported they are not taking it (the day they said so).
    pub not_taking: Option<Date>,
    /// Not replaced by a newer prescription in its chain, and not finished.
    pub current: bool,
}

/// Something the member reported: an outside or over-the-counter medicine, or "not taking".
#[derive(Debug, Clone)]
pub struct Reported {
    pub id: String,
    pub name: String,
    pub dose: String,
    pub since: Option<Date>,
    /// `active` (taking) or `not-taken`.
    pub status: String,
    pub about: Option<String>,
    pub reviewed: bool,
}

/// The whole list.
#[derive(Debug, Clone, Default)]
pub struct MedList {
    pub current: Vec<Med>,
    pub past: Vec<Med>,
    pub reported: Vec<Reported>,
}

pub(crate) fn med_name(r: &Value) -> String {
    let c = &r["medicationCodeableConcept"];
    c["text"]
        .as_str()
        .or(c["coding"][0]["display"].as_str())
        .or(r["medicationReference"]["display"].as_str())
        .unwrap_or("(unnamed medicine)")
        .to_owned()
}

fn rxnorm(r: &Value) -> Option<String> {
    r["medicationCodeableConcept"]["coding"]
        .as_array()?
        .iter()
        .find(|c| c["system"] == formulary::RXNORM)
        .and_then(|c| c["code"].as_str())
        .map(str::to_owned)
}

/// The rule's view of a `MedicationRequest`.
pub fn prescription_of(mr: &Value) -> Option<Prescription> {
    let dr = &mr["dispenseRequest"];
    let status = match mr["status"].as_str().unwrap_or("unknown") {
        "active" => RxStatus::Active,
        "completed" => RxStatus::Completed,
        _ if mr["statusReason"]["coding"][0]["code"] == TRANSFERRED => RxStatus::TransferredOut,
        _ => RxStatus::Stopped,
    };
    Some(Prescription {
        issued: date_of(&mr["authoredOn"]).or_else(|| date_of(&dr["validityPeriod"]["start"]))?,
        valid_until: date_of(&dr["validityPeriod"]["end"]),
        refills_allowed: dr["numberOfRepeatsAllowed"]
            .as_u64()
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        status,
        listing: formulary::listing(rxnorm(mr).as_deref()),
    })
}

/// The days' supply a prescription gives per fill (default 30).
pub fn supply_of(mr: &Value) -> u32 {
    mr["dispenseRequest"]["expectedSupplyDuration"]["value"]
        .as_f64()
        .map_or(30, |v| (v as u32).max(1))
}

/// Completed fills of one prescription.
pub fn fills_of(dispenses: &[&Value], default_days: u32) -> Vec<Fill> {
    dispenses
        .iter()
        .filter(|d| d["status"] == "completed")
        .filter_map(|d| {
            let on = date_of(&d["whenHandedOver"]).or_else(|| date_of(&d["whenPrepared"]))?;
            let days = d["daysSupply"]["value"]
                .as_f64()
                .map_or(default_days, |v| v as u32);
            Some(Fill {
                on,
                days_supply: days,
            })
        })
        .collect()
}

/// Everything about one prescription, from its dispenses and tasks (already limited to it).
pub fn facts(
    mr: &Value,
    dispenses: &[&Value],
    renewals: &[Renewal],
    statements: &[Reported],
    today: Date,
    s: &RefillSettings,
) -> Option<Med> {
    let p = prescription_of(mr)?;
    let id = mr["id"].as_str()?.to_owned();
    let supply = supply_of(mr);
    let fills = fills_of(dispenses, supply);
    let order = dispenses
        .iter()
        .filter_map(|d| Order::from_dispense(d))
        .filter(Order::is_open)
        .max_by_key(|o| o.ordered);
    let renewal = renewals
        .iter()
        .filter(|r| r.prescription == id)
        .max_by_key(|r| (r.requested, r.id.clone()))
        .cloned();
    let pending = match (&order, &renewal) {
        (Some(o), _) => Some(Pending::Order {
            since: o.ordered.unwrap_or(today),
        }),
        (None, Some(r)) if r.is_open() => Some(Pending::Renewal { since: r.requested }),
        _ => None,
    };
    let answer = refill::decide(&p, &fills, pending, today, s);
    let used = u32::try_from(fills.len().saturating_sub(1)).unwrap_or(u32::MAX);
    let refills_left = if fills.is_empty() {
        p.refills_allowed
    } else {
        p.refills_allowed.saturating_sub(used)
    };
    let expires = refill::last_valid_day(&p, s);
    let not_taking = statements
        .iter()
        .filter(|r| r.about.as_deref() == Some(id.as_str()) && r.status == "not-taken")
        .filter_map(|r| r.since)
        .max();
    Some(Med {
        patient: ref_id(&mr["subject"], "Patient")
            .unwrap_or_default()
            .to_owned(),
        name: med_name(mr),
        rxnorm: rxnorm(mr),
        sig: mr["dosageInstruction"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        prescriber: mr["requester"]["display"].as_str().map(str::to_owned),
        prescriber_ref: mr["requester"]["reference"].as_str().map(str::to_owned),
        issued: p.issued,
        expires,
        refills_allowed: p.refills_allowed,
        refills_left,
        last_fill: fills.iter().max_by_key(|f| f.on).copied(),
        days_supply: supply,
        quantity: mr["dispenseRequest"]["quantity"]["value"].as_f64(),
        current: p.status == RxStatus::Active && today <= expires
            || matches!(answer, Answer::InProcess(_)),
        status: p.status,
        listing: p.listing,
        answer,
        order,
        renewal,
        not_taking,
        id,
    })
}

fn reported_of(st: &Value) -> Option<Reported> {
    Some(Reported {
        id: st["id"].as_str()?.to_owned(),
        name: med_name(st),
        dose: st["dosage"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        since: date_of(&st["effectivePeriod"]["start"])
            .or_else(|| date_of(&st["effectiveDateTime"]))
            .or_else(|| date_of(&st["dateAsserted"])),
        status: st["status"].as_str().unwrap_or("active").to_owned(),
        about: st["basedOn"]
            .as_array()
            .and_then(|a| a.iter().find_map(|r| ref_id(r, "MedicationRequest")))
            .map(str::to_owned),
        reviewed: st["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["url"] == super::statements::EXT_REVIEWED),
    })
}

impl PharmacyService {
    /// `patient`'s medication list as `caller` may see it (a parent of a teen sees none:
    /// the search answers empty, PRX-03).
    pub async fn medications(&self, caller: &Caller, patient: &str) -> Result<MedList> {
        let by_patient = [("patient", patient)];
        let requests = self
            .search(caller, "MedicationRequest", &by_patient)
            .await?;
        let dispenses = self
            .search(caller, "MedicationDispense", &by_patient)
            .await?;
        let statements = self
            .search(caller, "MedicationStatement", &by_patient)
            .await?;
        let tasks = self
            .search(
                caller,
                "Task",
                &[
                    ("patient", patient),
                    ("code", &format!("{TASK_SYSTEM}|renewal")),
                ],
            )
            .await?;
        let renewals: Vec<Renewal> = tasks.iter().filter_map(Renewal::from_task).collect();
        let reported: Vec<Reported> = statements.iter().filter_map(reported_of).collect();
        // A prescription renewed by a later one in its chain is past.
        let replaced: Vec<&str> = requests
            .iter()
            .filter_map(|r| ref_id(&r["priorPrescription"], "MedicationRequest"))
            .collect();
        let today = self.clock().today();
        // Each prescription's dispenses, found in one pass.
        let mut by_rx: HashMap<&str, Vec<&Value>> = HashMap::new();
        for d in &dispenses {
            for r in d["authorizingPrescription"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(rx) = ref_id(r, "MedicationRequest") {
                    by_rx.entry(rx).or_default().push(d);
                }
            }
        }
        let mut out = MedList::default();
        for mr in &requests {
            let id = mr["id"].as_str().unwrap_or_default();
            let mine = by_rx.get(id).map_or(&[][..], Vec::as_slice);
            let Some(mut m) = facts(mr, mine, &renewals, &reported, today, &self.settings) else {
                continue;
            };
            if replaced.contains(&id) && !matches!(m.answer, Answer::InProcess(_)) {
                m.current = false;
            }
            if m.current {
                out.current.push(m);
            } else {
                out.past.push(m);
            }
        }
        out.current.sort_by(|a, b| a.name.cmp(&b.name));
        out.past
            .sort_by(|a, b| b.issued.cmp(&a.issued).then(a.name.cmp(&b.name)));
        out.reported = reported;
        Ok(out)
    }
}
