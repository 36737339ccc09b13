//! The scheduling invariants on every write path (REST, bundles, services), checked in the
//! write's own transaction by the FHIR service:
//!
//! - An Appointment that holds slots (pending, booked, arrived, checked-in, fulfilled) takes
//!   each slot it newly names: the slot must be `free` and turns `busy` in the same transaction,
//!   written at the version read — so of two bookings of one slot, however concurrent, exactly
//!   one commits (the other gets 409 on SQLite and PostgreSQL alike). An Appointment that stops
//!   holding a slot (cancelled, no-show, entered in error, deleted, moved) frees it.
//! - A change of `Patient.generalPractitioner` passes the PCP rules (SCH-01): a fitting
//!   specialty for the member's age and room on the panel. The doctor's PractitionerRole is
//!   updated in the same transaction (panel size, accepting new patients), which serializes
//!   concurrent choices of one doctor, so a panel is never overfilled.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use ws_fhir_service::guards::{Change, ChangeKind, Companion, Facts, GuardFuture, WriteGuard};
use ws_fhir_service::{Caller, FhirError, Principal};

use crate::rules::pcp::{self, Panel, PrimaryCare, UNKNOWN_AGE, age_on};

/// `PractitionerRole` extensions: the panel's capacity (when not the default), closed to new
/// members by an administrator, its size now, and "accepting new patients" (derived).
pub const EXT_PANEL_CAPACITY: &str = "urn:wellspring:fhir:panel-capacity";
pub const EXT_PANEL_CLOSED: &str = "urn:wellspring:fhir:panel-closed";
pub const EXT_PANEL_SIZE: &str = "urn:wellspring:fhir:panel-size";
pub const EXT_ACCEPTING: &str =
    "http://wellspring.example/fhir/StructureDefinition/accepting-new-patients";

/// Appointment statuses that hold their slots.
pub fn holds_slot(status: &str) -> bool {
    matches!(
        status,
        "pending" | "booked" | "arrived" | "checked-in" | "fulfilled"
    )
}

/// The scheduling write guard.
#[derive(Debug, Clone, Copy, Default)]
pub struct SchedulingGuard;

impl WriteGuard for SchedulingGuard {
    fn watches(&self, res_type: &str) -> bool {
        matches!(res_type, "Appointment" | "Patient" | "Slot")
    }

    fn check<'a>(
        &'a self,
        facts: &'a mut Facts<'_>,
        caller: &'a Caller,
        change: Change<'a>,
    ) -> GuardFuture<'a> {
        Box::pin(async move {
            match change.res_type {
                "Appointment" => appointment(facts, change).await,
                "Patient" => patient(facts, caller, change).await,
                "Slot" => slot(facts, change).await,
                _ => Ok(Vec::new()),
            }
        })
    }
}

fn held_slots(v: Option<&Value>) -> BTreeSet<String> {
    let Some(v) = v else {
        return BTreeSet::new();
    };
    if !holds_slot(v["status"].as_str().unwrap_or_default()) {
        return BTreeSet::new();
    }
    v["slot"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["reference"].as_str())
        .filter_map(|r| r.strip_prefix("Slot/"))
        .map(str::to_owned)
        .collect()
}

fn unprocessable(msg: impl Into<String>) -> FhirError {
    FhirError::Unprocessable(vec![ws_fhir::Issue::error(
        ws_fhir::IssueCode::BusinessRule,
        msg,
    )])
}

async fn appointment(
    facts: &mut Facts<'_>,
    change: Change<'_>,
) -> Result<Vec<Companion>, FhirError> {
    let before = held_slots(change.before);
    let after = held_slots(if change.kind == ChangeKind::Delete {
        None
    } else {
        change.after
    });
    let mut out = Vec::new();
    for id in after.difference(&before) {
        let Some((mut slot, version)) = facts.read("Slot", id).await? else {
            return Err(unprocessable(format!(
                "Slot/{id} does not exist; book one of the free slots"
            )));
        };
        let patient = change.after.and_then(super::patient_of).unwrap_or_default();
        let now = jiff::Timestamp::from_microsecond(facts.now_micros()).unwrap_or_default();
        let held_for_them = super::waitlist::held_for(&slot, patient, now);
        if slot["status"].as_str() != Some("free") && !held_for_them {
            return Err(FhirError::Conflict(format!(
                "Slot/{id} is already booked; choose another time"
            )));
        }
        if held_for_them && let Some(list) = slot["extension"].as_array_mut() {
            list.retain(|e| {
                let u = e["url"].as_str().unwrap_or_default();
                u != super::waitlist::EXT_HOLD_FOR && u != super::waitlist::EXT_HOLD_UNTIL
            });
        }
        if let (Some(a), Some(s)) = (
            change.after.and_then(|a| a["start"].as_str()),
            slot["start"].as_str(),
        ) && !same_instant(a, s)
        {
            return Err(unprocessable(format!(
                "the appointment's start {a} is not the start of Slot/{id} ({s})"
            )));
        }
        slot["status"] = json!("busy");
        out.push(Companion {
            value: slot,
            version,
        });
    }
    for id in before.difference(&after) {
        if let Some((mut slot, version)) = facts.read("Slot", id).await?
            && slot["status"].as_str() == Some("busy")
        {
            slot["status"] = json!("free");
            out.push(Companion {
                value: slot,
                version,
            });
        }
    }
    Ok(out)
}

/// A slot an appointment holds stays busy: only the appointment (cancelled, moved) frees it.
/// A direct write that would free a booked slot — or overwrite it, as a late slot generator
/// would — is refused.
async fn slot(facts: &mut Facts<'_>, change: Change<'_>) -> Result<Vec<Companion>, FhirError> {
    let was_busy = change.before.and_then(|b| b["status"].as_str()) == Some("busy");
    let stays_busy = change.after.and_then(|a| a["status"].as_str()) == Some("busy");
    if !was_busy || stays_busy {
        return Ok(Vec::new());
    }
    let holders = facts
        .search(
            "Appointment",
            &format!(
                "slot=Slot/{}&status=pending,booked,arrived,checked-in,fulfilled",
                change.id
            ),
            1,
        )
        .await?;
    if holders.is_empty() {
        Ok(Vec::new())
    } else {
        Err(FhirError::Conflict(format!(
            "Slot/{} is booked; cancel or move its appointment to free it",
            change.id
        )))
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The first `generalPractitioner` reference ("PractitionerRole/x" or "Practitioner/y").
fn pcp_ref(v: Option<&Value>) -> Option<String> {
    v?["generalPractitioner"]
        .as_array()?
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .find(|r| r.starts_with("PractitionerRole/") || r.starts_with("Practitioner/"))
        .map(str::to_owned)
}

/// The doctor's role: the one referred to, or a practitioner's primary-care role.
async fn role_of(
    facts: &mut Facts<'_>,
    reference: &str,
) -> Result<Option<(Value, i64)>, FhirError> {
    if let Some(id) = reference.strip_prefix("PractitionerRole/") {
        return facts.read("PractitionerRole", id).await;
    }
    let Some(pid) = reference.strip_prefix("Practitioner/") else {
        return Ok(None);
    };
    let roles = facts
        .search("PractitionerRole", &format!("practitioner={pid}"), 20)
        .await?;
    let pick = roles
        .iter()
        .find(|r| specialty(r).is_some())
        .or_else(|| roles.first());
    match pick.and_then(|r| r["id"].as_str()) {
        Some(id) => facts.read("PractitionerRole", id).await,
        None => Ok(None),
    }
}

/// The role's primary-care specialty, if it has one.
pub fn specialty(role: &Value) -> Option<PrimaryCare> {
    role["specialty"]
        .as_array()?
        .iter()
        .flat_map(|s| s["coding"].as_array().into_iter().flatten())
        .filter_map(|c| c["code"].as_str())
        .find_map(PrimaryCare::from_snomed)
}

fn ext<'v>(v: &'v Value, url: &str) -> Option<&'v Value> {
    v["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"].as_str() == Some(url))
}

fn set_ext(v: &mut Value, url: &str, key: &str, value: Value) {
    if !v["extension"].is_array() {
        v["extension"] = json!([]);
    }
    if let Some(list) = v["extension"].as_array_mut() {
        list.retain(|e| e["url"].as_str() != Some(url));
        list.push(json!({"url": url, key: value}));
    }
}

/// The panel a role describes, with `size` members on it now.
pub fn panel_of(role: &Value, size: i64) -> Panel {
    let capacity = ext(role, EXT_PANEL_CAPACITY)
        .and_then(|e| e["valueInteger"].as_i64())
        .or_else(|| specialty(role).map(PrimaryCare::default_capacity))
        .unwrap_or(2_000);
    let closed = ext(role, EXT_PANEL_CLOSED)
        .and_then(|e| e["valueBoolean"].as_bool())
        .unwrap_or(false);
    Panel {
        size,
        capacity,
        closed,
    }
}

/// Members on the panel of `role` now (by role or by its practitioner).
/// The `general-practitioner` search value that finds a role's panel: members who chose the role,
/// or its practitioner (`PractitionerRole/x,Practitioner/y`); `None` for a role naming neither.
pub fn panel_refs(role: &Value) -> Option<String> {
    let refs: Vec<String> = role["id"]
        .as_str()
        .map(|id| format!("PractitionerRole/{id}"))
        .into_iter()
        .chain(
            role["practitioner"]["reference"]
                .as_str()
                .map(str::to_owned),
        )
        .collect();
    (!refs.is_empty()).then(|| refs.join(","))
}

/// Members on the panel of `role` now (by role or by its practitioner).
pub async fn panel_size(facts: &mut Facts<'_>, role: &Value) -> Result<i64, FhirError> {
    match panel_refs(role) {
        Some(refs) => {
            facts
                .count("Patient", &format!("general-practitioner={refs}"))
                .await
        }
        None => Ok(0),
    }
}

/// Write the panel's figures onto the role (the companion update that serializes choices).
fn with_panel(mut role: Value, size: i64) -> Value {
    let panel = panel_of(&role, size);
    set_ext(&mut role, EXT_PANEL_SIZE, "valueInteger", json!(size));
    set_ext(
        &mut role,
        EXT_ACCEPTING,
        "valueBoolean",
        json!(panel.accepting()),
    );
    role
}

async fn patient(
    facts: &mut Facts<'_>,
    caller: &Caller,
    change: Change<'_>,
) -> Result<Vec<Companion>, FhirError> {
    if change.kind == ChangeKind::Delete {
        return Ok(Vec::new());
    }
    let old = pcp_ref(change.before);
    let new = pcp_ref(change.after);
    if old == new {
        return Ok(Vec::new());
    }
    // In-process loaders (the synthetic region, imports run as the system itself) place members
    // on panels as the data says; every other caller goes through the rules.
    let loader = matches!(caller.principal, Principal::System) && caller.acting_for.is_none();
    let unrestricted = matches!(
        caller.principal,
        Principal::System | Principal::Integration { .. }
    );
    let mut out = Vec::new();
    if let Some(new) = &new {
        match role_of(facts, new).await? {
            // One of our primary-care panels: the PCP rules, and the panel's figures follow.
            // A person choosing any other doctor is refused by the rules too (not primary care).
            Some((role, version)) if specialty(&role).is_some() || !unrestricted => {
                let size = panel_size(facts, &role).await?;
                let panel = panel_of(&role, size);
                let today = jiff::Timestamp::from_microsecond(facts.now_micros())
                    .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
                    .unwrap_or(jiff::civil::Date::MIN);
                let age = change
                    .after
                    .and_then(|p| p["birthDate"].as_str())
                    .and_then(|b| age_on(b, today))
                    .unwrap_or(UNKNOWN_AGE);
                if !loader && let Err(r) = pcp::decide(specialty(&role), age, panel, false) {
                    return Err(unprocessable(r.message()));
                }
                out.push(Companion {
                    value: with_panel(role, size + 1),
                    version,
                });
            }
            // An integration recording a doctor who keeps no primary-care panel here (or is not
            // in the directory): recorded as the source system has it.
            _ if unrestricted => {}
            _ => {
                return Err(unprocessable(format!(
                    "{new} is not a doctor in this organisation's directory"
                )));
            }
        }
    }
    if let Some(old) = &old
        && let Some((role, version)) = role_of(facts, old).await?
        && specialty(&role).is_some()
        && out.first().is_none_or(|c| c.value["id"] != role["id"])
    {
        let size = panel_size(facts, &role).await?;
        out.push(Companion {
            value: with_panel(role, (size - 1).max(0)),
            version,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sch_03_statuses_that_hold_a_slot() {
        for s in ["pending", "booked", "arrived", "checked-in", "fulfilled"] {
            assert!(holds_slot(s), "{s}");
        }
        for s in [
            "proposed",
            "cancelled",
            "noshow",
            "entered-in-error",
            "waitlist",
        ] {
            assert!(!holds_slot(s), "{s}");
        }
        let a =
            json!({"status": "booked", "slot": [{"reference": "Slot/a"}, {"reference": "Slot/b"}]});
        assert_eq!(held_slots(Some(&a)).len(), 2);
        let c = json!({"status": "cancelled", "slot": [{"reference": "Slot/a"}]});
        assert!(held_slots(Some(&c)).is_empty());
    }

    #[test]
    fn sch_01_panel_from_role() {
        let role = json!({"specialty": [{"coding": [{"code": "394537008"}]}]});
        assert_eq!(panel_of(&role, 10).capacity, 1_500);
        let mut r2 = role.clone();
        set_ext(&mut r2, EXT_PANEL_CAPACITY, "valueInteger", json!(3));
        set_ext(&mut r2, EXT_PANEL_CLOSED, "valueBoolean", json!(true));
        let p = panel_of(&r2, 1);
        assert_eq!((p.capacity, p.closed), (3, true));
        let w = with_panel(r2, 2);
        assert_eq!(
            ext(&w, EXT_PANEL_SIZE).map(|e| e["valueInteger"].clone()),
            Some(json!(2))
        );
        assert_eq!(
            ext(&w, EXT_ACCEPTING).map(|e| e["valueBoolean"].clone()),
            Some(json!(false))
        );
        assert_eq!(
            age_on("2010-12-05", jiff::civil::date(2026, 12, 4)),
            Some(15)
        );
        assert_eq!(
            age_on("2010-12-05", jiff::civil::date(2026, 12, 5)),
            Some(16)
        );
    }
}
