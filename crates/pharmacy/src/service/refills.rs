//! Ordering refills, exactly once. An order is a `MedicationDispense` (`status: in-progress`)
//! whose id is derived from the prescription and the number of fills it already has: pressing
//! Refill twice, or two proxies at once, compute the same id and the store lets one of them
//! create it; the other gets that same order back. A "no" explains itself (the rule's
//! [`Answer`]); out of refills or expired sends a renewal request to the prescriber instead
//! (RX-06), also exactly once.

use serde_json::{Value, json};
use ws_fhir_service::Caller;

use super::list::{Med, Renewal, facts, med_name};
use super::{
    EXT_CHANNEL, EXT_ORDERED, EXT_STAGE, PharmacyError, PharmacyService, Result, TASK_SYSTEM,
    item_id,
};
use crate::rules::cost::Channel;
use crate::rules::delivery::{self, Hold};
use crate::rules::refill::{Answer, Pending};

/// How the member wants the fill.
#[derive(Debug, Clone)]
pub struct Fulfilment {
    pub channel: Channel,
    /// Pick-up: the pharmacy (a `Location` id); `None` = where it was last filled.
    pub pharmacy: Option<String>,
    /// Mail: the address to ship to, as one line (must be on record; SEED-07).
    pub ship_to: Option<String>,
}

impl Default for Fulfilment {
    fn default() -> Self {
        Fulfilment {
            channel: Channel::PickUp,
            pharmacy: None,
            ship_to: None,
        }
    }
}

/// The answer for one prescription.
#[derive(Debug, Clone)]
pub enum RefillOutcome {
    /// Ordered: the order (`MedicationDispense`), and whether this request created it (false:
    /// the same order was already placed — by this member a moment ago, or by another proxy).
    Ordered { order: Value, created: bool },
    /// Not ordered, and why; `renewal`: the renewal request sent instead (RX-06).
    Refused {
        answer: Answer,
        renewal: Option<Renewal>,
    },
    /// The drug may be refilled but not this way (mail needs a card on file; some drugs do not
    /// ship).
    Held(Hold),
}

impl PharmacyService {
    /// Order a refill of prescription `id` (the `$refill` operation and the portal's Refill).
    pub async fn order_refill(
        &self,
        caller: &Caller,
        id: &str,
        how: &Fulfilment,
    ) -> Result<(Med, RefillOutcome)> {
        // The caller must see the prescription: a hidden one answers as a missing one.
        let (mr, patient, svc) = self
            .prescription_for(caller, id, "pharmacy: refill")
            .await?;
        let prescription = format!("MedicationRequest/{id}");
        let today = self.clock().today();
        let (dispenses, renewals, med) = self.facts_today(&svc, &mr, id).await?;
        let med =
            med.ok_or_else(|| PharmacyError::Invalid(format!("{prescription} has no issue date")))?;

        match med.answer {
            Answer::InProcess(Pending::Order { .. }) => {
                // The same request again: the open order is the answer.
                let open = med.order.as_ref().map(|o| o.id.as_str());
                let existing = dispenses
                    .iter()
                    .find(|d| d["id"].as_str() == open)
                    .cloned()
                    .unwrap_or(Value::Null);
                return Ok((
                    med,
                    RefillOutcome::Ordered {
                        order: existing,
                        created: false,
                    },
                ));
            }
            Answer::May { .. } => {}
            answer if answer.needs_renewal() => {
                let renewal = self
                    .file_renewal(&svc, &mr, &patient, &renewals, None)
                    .await?;
                return Ok((
                    med,
                    RefillOutcome::Refused {
                        answer,
                        renewal: Some(renewal),
                    },
                ));
            }
            answer => {
                return Ok((
                    med,
                    RefillOutcome::Refused {
                        answer,
                        renewal: None,
                    },
                ));
            }
        }

        // Mail order: the drug must ship, and a card must be on file (RX-08).
        let days = med.days_supply.min(how.channel.max_days());
        if how.channel == Channel::Mail {
            let card = self.card_on_file(&svc, &patient).await?;
            if let Some(hold) =
                delivery::check_channel(how.channel, med.listing.mail, card.is_some())
            {
                return Ok((med, RefillOutcome::Held(hold)));
            }
        }

        let n = dispenses.len() + 1;
        let order_id = item_id("rf", id, n);
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        let first = med.last_fill.is_none();
        let quantity = med
            .quantity
            .map(|q| q * f64::from(days) / f64::from(med.days_supply.max(1)));
        let mut order = json!({
            "resourceType": "MedicationDispense",
            "id": order_id,
            "extension": [
                {"url": EXT_ORDERED, "valueDateTime": now},
                {"url": EXT_STAGE, "valueCode": "received"},
                {"url": EXT_CHANNEL, "valueCode": how.channel.code()},
            ],
            "status": "in-progress",
            "medicationCodeableConcept": mr["medicationCodeableConcept"].clone(),
            "subject": {"reference": format!("Patient/{patient}")},
            "authorizingPrescription": [{"reference": prescription}],
            "type": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": if first { "FF" } else { "RF" },
                "display": if first { "First Fill" } else { "Refill" },
            }]},
            "daysSupply": {"value": days, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"},
        });
        if order["medicationCodeableConcept"].is_null() {
            order["medicationCodeableConcept"] = json!({"text": med_name(&mr)});
        }
        if let Some(q) = quantity {
            let unit = mr["dispenseRequest"]["quantity"]["unit"].clone();
            order["quantity"] = json!({"value": (q * 100.0).round() / 100.0});
            if unit.is_string() {
                order["quantity"]["unit"] = unit;
            }
        }
        if let Some(sig) = mr["dosageInstruction"][0]["text"].as_str() {
            order["dosageInstruction"] = json!([{"text": sig}]);
        }
        match how.channel {
            Channel::PickUp => {
                let at = match &how.pharmacy {
                    Some(loc) => Some(json!({"reference": format!("Location/{loc}")})),
                    None => dispenses
                        .iter()
                        .filter(|d| d["location"].is_object())
                        .max_by_key(|d| d["whenHandedOver"].as_str().map(str::to_owned))
                        .map(|d| d["location"].clone()),
                };
                if let Some(at) = at {
                    order["location"] = at;
                }
            }
            Channel::Mail => {
                let est = delivery::mail_estimate(today);
                order["note"] = json!([{"text": format!(
                    "Mail order{}; expected {} to {}.",
                    how.ship_to.as_deref().map(|a| format!(" to {a}")).unwrap_or_default(),
                    est.earliest, est.latest
                )}]);
            }
        }
        // Someone who placed this same order a moment ago made it: that one is the answer.
        let (order, created) = self
            .once(&svc, "MedicationDispense", &order_id, &order)
            .await?;
        Ok((med, RefillOutcome::Ordered { order, created }))
    }

    /// Prescription `mr` (id `id`) as the rules see it today, read as `svc`: its dispenses
    /// (fills and orders), its renewal requests, and its facts (`None` without an issue date).
    pub(crate) async fn facts_today(
        &self,
        svc: &Caller,
        mr: &Value,
        id: &str,
    ) -> Result<(Vec<Value>, Vec<Renewal>, Option<Med>)> {
        let prescription = format!("MedicationRequest/{id}");
        let dispenses = self
            .search(
                svc,
                "MedicationDispense",
                &[("prescription", &prescription)],
            )
            .await?;
        let tasks = self
            .search(svc, "Task", &[("focus", &prescription)])
            .await?;
        let renewals: Vec<Renewal> = tasks.iter().filter_map(Renewal::from_task).collect();
        let refs: Vec<&Value> = dispenses.iter().collect();
        let med = facts(
            mr,
            &refs,
            &renewals,
            &[],
            self.clock().today(),
            &self.settings,
        );
        Ok((dispenses, renewals, med))
    }

    /// Order refills of several prescriptions of one patient at once; each answered on its own.
    pub async fn order_refills(
        &self,
        caller: &Caller,
        ids: &[String],
        how: &Fulfilment,
    ) -> Result<Vec<(String, Result<(Med, RefillOutcome)>)>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push((id.clone(), self.order_refill(caller, id, how).await));
        }
        Ok(out)
    }

    /// Send a renewal request for `mr` to its prescriber (the owner of the task), unless one is
    /// open already: exactly once, like orders. `note`: the member's words, if any.
    pub(crate) async fn file_renewal(
        &self,
        svc: &Caller,
        mr: &Value,
        patient: &str,
        existing: &[Renewal],
        note: Option<&str>,
    ) -> Result<Renewal> {
        let id = mr["id"].as_str().unwrap_or_default();
        if let Some(open) = existing
            .iter()
            .find(|r| r.prescription == id && r.is_open())
        {
            return Ok(open.clone());
        }
        let today = self.clock().today();
        let task_id = item_id("rn", id, existing.len() + 1);
        let mut task = json!({
            "resourceType": "Task",
            "id": task_id,
            "status": "requested",
            "intent": "order",
            "priority": "routine",
            "code": {"coding": [{"system": TASK_SYSTEM, "code": "renewal", "display": "Prescription renewal request"}]},
            "description": med_name(mr),
            "focus": {"reference": format!("MedicationRequest/{id}")},
            "for": {"reference": format!("Patient/{patient}")},
            "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
            "restriction": {"period": {"end": delivery::renewal_answer_by(today).to_string()}},
        });
        if mr["requester"].is_object() {
            task["owner"] = mr["requester"].clone();
        }
        if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
            task["note"] = json!([{"text": n.chars().take(1000).collect::<String>()}]);
        }
        let (stored, _) = self.once(svc, "Task", &task_id, &task).await?;
        Renewal::from_task(&stored)
            .ok_or_else(|| PharmacyError::Invalid("stored renewal unreadable".into()))
    }

    /// Ask for a renewal of prescription `id` directly (the portal's "Request renewal").
    pub async fn request_renewal(
        &self,
        caller: &Caller,
        id: &str,
        note: Option<&str>,
    ) -> Result<Renewal> {
        let (mr, patient, svc) = self
            .prescription_for(caller, id, "pharmacy: renewal request")
            .await?;
        let tasks = self
            .search(
                &svc,
                "Task",
                &[("focus", &format!("MedicationRequest/{id}"))],
            )
            .await?;
        let renewals: Vec<Renewal> = tasks.iter().filter_map(Renewal::from_task).collect();
        self.file_renewal(&svc, &mr, &patient, &renewals, note)
            .await
    }
}
