//! Transfers in (issue 15): a member (or a proxy with the member's pharmacy rights) asks to move
//! a prescription from an outside pharmacy — the request is a `Task` in their record, made
//! once however often the form is sent; pharmacists work the requests: they call the other
//! pharmacy and complete the transfer (a `MedicationRequest` here with the refills left, and
//! the last outside fill as a completed `MedicationDispense`, so the refill rules know when the
//! next one is due) or reject it. What the other pharmacy reports passes the transfer rules
//! (`rules::transfer`): a prescription that may not move is rejected with the rule's reason.
//! The member is told either way and follows the status on the pharmacy page.

use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, Principal, task};

use super::{
    Notice, PharmacyError, PharmacyService, Result, TASK_SYSTEM, date_of, item_id, item_id_for_day,
    json_body, ref_id,
};
use crate::rules::formulary::{RXNORM, Schedule};
use crate::rules::transfer::{self, Reported, TransferRefusal, TransferRequest};

/// `Task.code` of a transfer request.
pub const TRANSFER_CODE: &str = "rx-transfer-in";
/// On the prescription a transfer created: where it came from (pharmacy, phone, their number).
pub const EXT_TRANSFERRED_FROM: &str = "urn:wellspring:fhir:transferred-from";

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    Requested,
    Completed,
    Rejected,
}

impl TransferStatus {
    pub fn code(self) -> &'static str {
        match self {
            TransferStatus::Requested => "requested",
            TransferStatus::Completed => "completed",
            TransferStatus::Rejected => "rejected",
        }
    }
}

/// One transfer request.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: String,
    pub patient: String,
    pub drug: String,
    pub pharmacy: String,
    pub phone: String,
    pub rx_number: String,
    pub requested: Date,
    pub status: TransferStatus,
    /// Why it was rejected: a rule's code (`schedule-ii`, `transferred-once`, `no-refills`,
    /// `expired`) or `other`.
    pub reason_code: Option<String>,
    /// The reason in words (the rule's explanation, or the pharmacist's message).
    pub reason: Option<String>,
    /// The prescription it became.
    pub prescription: Option<String>,
}

impl Transfer {
    pub fn from_task(t: &Value) -> Option<Transfer> {
        if !task::has_code(t, TASK_SYSTEM, TRANSFER_CODE) {
            return None;
        }
        let input = |name: &str| task::input_text(t, name).to_owned();
        let status = match t["status"].as_str()? {
            "completed" => TransferStatus::Completed,
            "rejected" | "cancelled" | "failed" => TransferStatus::Rejected,
            _ => TransferStatus::Requested,
        };
        Some(Transfer {
            id: t["id"].as_str()?.to_owned(),
            patient: ref_id(&t["for"], "Patient")?.to_owned(),
            drug: input("drug"),
            pharmacy: input("pharmacy"),
            phone: input("phone"),
            rx_number: input("rx-number"),
            requested: date_of(&t["authoredOn"])?,
            status,
            reason_code: t["statusReason"]["coding"][0]["code"]
                .as_str()
                .map(str::to_owned),
            reason: t["statusReason"]["text"].as_str().map(str::to_owned),
            prescription: t["output"][0]["valueReference"]["reference"]
                .as_str()
                .and_then(|r| r.strip_prefix("MedicationRequest/"))
                .map(str::to_owned),
        })
    }

    /// The phone number as people write it: (206) 555-0142.
    pub fn phone_display(&self) -> String {
        let p = &self.phone;
        match (p.get(..3), p.get(3..6), p.get(6..)) {
            (Some(a), Some(b), Some(c)) if p.len() == 10 => format!("({a}) {b}-{c}"),
            _ => p.clone(),
        }
    }
}

/// What the pharmacist learned from the other pharmacy.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The medicine as the other pharmacy names it (strength and form).
    pub drug: String,
    pub rxnorm: Option<String>,
    /// The directions on the label.
    pub sig: String,
    pub quantity: f64,
    pub days_supply: u32,
    pub refills_left: u32,
    pub written: Date,
    pub prescriber: String,
    /// The last fill there.
    pub last_fill: Date,
    pub schedule: Option<Schedule>,
    pub transferred_before: bool,
}

/// The outcome of completing a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completed {
    /// Moved: the new prescription's id.
    Moved(String),
    /// The rules refused it; the request was rejected with this reason.
    Refused(TransferRefusal),
}

/// A caller for the pharmacists' queue across members, after they were authorized: as the
/// service, audited under the pharmacist's own name.
fn queue_caller(caller: &Caller) -> Caller {
    Caller {
        actor: caller.actor.clone(),
        principal: Principal::System,
        acting_for: None,
        purpose: Some("pharmacy: transfers in".into()),
        source: caller.source.clone(),
    }
}

impl PharmacyService {
    /// Ask to transfer a prescription in; the same request on the same day is one request.
    /// The request and whether this call made it.
    pub async fn request_transfer(
        &self,
        caller: &Caller,
        patient: &str,
        req: &TransferRequest,
    ) -> Result<(Transfer, bool)> {
        Self::authorize(caller, patient)?;
        let today = self.clock().today();
        let id = item_id_for_day(
            "tx",
            &format!("{patient}-{}-{}", req.phone, req.rx_number),
            today,
        );
        let input = |name: &str, v: &str| json!({"type": {"text": name}, "valueString": v});
        let task = json!({
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "priority": "routine",
            "code": {"coding": [{"system": TASK_SYSTEM, "code": TRANSFER_CODE, "display": "Transfer a prescription in from another pharmacy"}]},
            "description": req.drug,
            "for": {"reference": format!("Patient/{patient}")},
            "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
            "input": [
                input("drug", &req.drug),
                input("pharmacy", &req.pharmacy),
                input("phone", &req.phone),
                input("rx-number", &req.rx_number),
            ],
        });
        let svc = caller.as_service(patient, "pharmacy: transfer request");
        let (stored, created) = self.once(&svc, "Task", &id, &task).await?;
        let t = Transfer::from_task(&stored)
            .ok_or_else(|| PharmacyError::Invalid("the stored request is not a transfer".into()))?;
        Ok((t, created))
    }

    /// `patient`'s transfer requests, newest first.
    pub async fn transfers_for(&self, caller: &Caller, patient: &str) -> Result<Vec<Transfer>> {
        Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "pharmacy: transfer requests");
        let code = format!("{TASK_SYSTEM}|{TRANSFER_CODE}");
        let tasks = self
            .search(&svc, "Task", &[("patient", patient), ("code", &code)])
            .await?;
        let mut out: Vec<Transfer> = tasks.iter().filter_map(Transfer::from_task).collect();
        out.sort_by(|a, b| (b.requested, &b.id).cmp(&(a.requested, &a.id)));
        Ok(out)
    }

    /// Open transfer requests, the oldest first, with the member's name (pharmacists).
    pub async fn transfer_queue(&self, caller: &Caller) -> Result<Vec<(Transfer, String)>> {
        Self::authorize_pharmacist(caller)?;
        let svc = queue_caller(caller);
        let code = format!("{TASK_SYSTEM}|{TRANSFER_CODE}");
        let tasks = self
            .search(&svc, "Task", &[("code", &code), ("status", "requested")])
            .await?;
        let mut out = Vec::new();
        for t in tasks.iter().filter_map(Transfer::from_task) {
            let name = self.patient_name(&svc, &t.patient).await;
            out.push((t, name));
        }
        out.sort_by(|a, b| (a.0.requested, &a.0.id).cmp(&(b.0.requested, &b.0.id)));
        Ok(out)
    }

    /// The open request `id` and its stored Task.
    async fn open_transfer(&self, svc: &Caller, id: &str) -> Result<(Value, Transfer)> {
        let task = self.fhir.read_value(svc, "Task", id).await?;
        let t = Transfer::from_task(&task)
            .ok_or_else(|| PharmacyError::NotFound(format!("Task/{id}")))?;
        if t.status != TransferStatus::Requested {
            return Err(PharmacyError::Invalid(format!(
                "this transfer is already {}",
                t.status.code()
            )));
        }
        Ok((task, t))
    }

    /// Complete transfer `id` with what the other pharmacy reported. A prescription the rules
    /// do not let move is rejected with their reason (the member is told).
    pub async fn complete_transfer(
        &self,
        caller: &Caller,
        id: &str,
        c: &Completion,
    ) -> Result<Completed> {
        Self::authorize_pharmacist(caller)?;
        let q = queue_caller(caller);
        let (mut task, t) = self.open_transfer(&q, id).await?;
        let drug = c.drug.trim();
        if drug.is_empty() || c.prescriber.trim().is_empty() || c.sig.trim().is_empty() {
            return Err(PharmacyError::Invalid(
                "give the medicine, the directions and the prescriber as the other pharmacy reads them"
                    .into(),
            ));
        }
        if !c.quantity.is_finite() || c.quantity <= 0.0 || !(1..=365).contains(&c.days_supply) {
            return Err(PharmacyError::Invalid(
                "give the quantity and the days' supply of one fill".into(),
            ));
        }
        let today = self.clock().today();
        if c.last_fill > today || c.written > today || c.last_fill < c.written {
            return Err(PharmacyError::Invalid(
                "the dates must be in the past, the last fill after the prescription was written"
                    .into(),
            ));
        }
        let reported = Reported {
            written: c.written,
            refills_left: c.refills_left,
            schedule: c.schedule,
            transferred_before: c.transferred_before,
        };
        let svc = caller.as_service(&t.patient, "pharmacy: transfer in");
        if let Err(refusal) = transfer::decide(&reported, today, &self.settings) {
            self.close_transfer(
                &svc,
                &mut task,
                "rejected",
                refusal.code(),
                &refusal.explain(),
                None,
            )
            .await?;
            self.tell(&svc, &t.patient).await;
            return Ok(Completed::Refused(refusal));
        }
        let mut coding = Vec::new();
        if let Some(code) = c.rxnorm.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            coding.push(json!({"system": RXNORM, "code": code}));
        }
        let from = format!(
            "Transferred in from {} ({}), their prescription {}",
            t.pharmacy,
            t.phone_display(),
            t.rx_number
        );
        let mut mr = json!({
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {"text": drug},
            "subject": {"reference": format!("Patient/{}", t.patient)},
            "authoredOn": c.written.to_string(),
            "requester": {"display": c.prescriber.trim()},
            "dosageInstruction": [{"text": c.sig.trim()}],
            "dispenseRequest": {
                "numberOfRepeatsAllowed": c.refills_left,
                "quantity": {"value": c.quantity},
                "expectedSupplyDuration": {"value": c.days_supply, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"},
            },
            "note": [{"text": from}],
            "extension": [{"url": EXT_TRANSFERRED_FROM, "extension": [
                {"url": "pharmacy", "valueString": t.pharmacy},
                {"url": "phone", "valueString": t.phone},
                {"url": "rx-number", "valueString": t.rx_number},
            ]}],
        });
        if !coding.is_empty() {
            mr["medicationCodeableConcept"]["coding"] = json!(coding);
        }
        if let Some(s) = c.schedule {
            mr["note"].as_array_mut().into_iter().for_each(|n| {
                n.push(json!({"text": format!("Controlled substance, schedule {}", s.label())}))
            });
        }
        let mr_id = item_id("txrx", id, 0);
        self.once(&svc, "MedicationRequest", &mr_id, &mr).await?;
        let fill = json!({
            "resourceType": "MedicationDispense",
            "status": "completed",
            "medicationCodeableConcept": mr["medicationCodeableConcept"].clone(),
            "subject": {"reference": format!("Patient/{}", t.patient)},
            "authorizingPrescription": [{"reference": format!("MedicationRequest/{mr_id}")}],
            "quantity": {"value": c.quantity},
            "daysSupply": {"value": c.days_supply, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"},
            "whenHandedOver": c.last_fill.to_string(),
            "note": [{"text": format!("Filled at {} before the transfer", t.pharmacy)}],
        });
        self.once(&svc, "MedicationDispense", &item_id("txfill", id, 0), &fill)
            .await?;
        self.close_transfer(
            &svc,
            &mut task,
            "completed",
            "moved",
            "Transferred",
            Some(&mr_id),
        )
        .await?;
        self.tell(&svc, &t.patient).await;
        Ok(Completed::Moved(mr_id))
    }

    /// Reject transfer `id` with the pharmacist's reason (the member sees it).
    pub async fn reject_transfer(&self, caller: &Caller, id: &str, reason: &str) -> Result<()> {
        Self::authorize_pharmacist(caller)?;
        let reason = reason.trim();
        if reason.chars().count() < 5 {
            return Err(PharmacyError::Invalid(
                "tell the member why the transfer could not be made".into(),
            ));
        }
        let q = queue_caller(caller);
        let (mut task, t) = self.open_transfer(&q, id).await?;
        let svc = caller.as_service(&t.patient, "pharmacy: transfer in");
        let reason: String = reason.chars().take(1000).collect();
        self.close_transfer(&svc, &mut task, "rejected", "other", &reason, None)
            .await?;
        self.tell(&svc, &t.patient).await;
        Ok(())
    }

    /// Close the request at the version read (two pharmacists at once: one wins, the other is
    /// told it changed).
    async fn close_transfer(
        &self,
        svc: &Caller,
        task: &mut Value,
        status: &str,
        code: &str,
        text: &str,
        prescription: Option<&str>,
    ) -> Result<()> {
        let id = task["id"].as_str().unwrap_or_default().to_owned();
        let version = task["meta"]["versionId"].as_str().unwrap_or("0").to_owned();
        task["status"] = json!(status);
        task["statusReason"] =
            json!({"coding": [{"system": TASK_SYSTEM, "code": code}], "text": text});
        task["lastModified"] = json!(ws_fhir_service::time::instant(self.clock().now_micros()));
        if let Some(mr) = prescription {
            task["output"] = json!([{"type": {"text": "prescription"}, "valueReference": {"reference": format!("MedicationRequest/{mr}")}}]);
        }
        self.fhir
            .update(
                svc,
                "Task",
                &id,
                &json_body(task),
                Some(&format!("W/\"{version}\"")),
            )
            .await?;
        Ok(())
    }

    async fn tell(&self, svc: &Caller, patient: &str) {
        self.notify(&svc.actor, patient, Notice::TransferAnswered)
            .await;
    }
}
