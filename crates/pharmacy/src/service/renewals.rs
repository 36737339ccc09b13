//! The care team's queue: renewal requests (approve with new refills, deny with a message, or
//! ask for a visit) and medicines members reported (mark reviewed). A clinician sees the
//! requests of the patients of their panel — the FHIR policy limits the search — and writes the
//! new prescription as themselves (audited under their name).

use jiff::ToSpan;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, Principal};

use super::json_body;
use super::list::Renewal;
use super::statements::EXT_REVIEWED;
use super::{Notice, PharmacyError, PharmacyService, Result, TASK_SYSTEM, ref_id};

/// How a clinician answers a renewal request.
#[derive(Debug, Clone)]
pub enum RenewalAnswer {
    /// A new prescription with this many refills, valid a year.
    Approve {
        refills: u32,
    },
    Deny {
        message: String,
    },
    /// The member should be seen first.
    Visit {
        message: String,
    },
}

/// One item of the care team's queue.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub task: String,
    pub patient: String,
    pub patient_name: String,
    pub what: String,
    pub statement: String,
}

impl PharmacyService {
    /// Open renewal requests `caller` (a clinician) may answer, the first due first.
    pub async fn renewal_queue(&self, caller: &Caller) -> Result<Vec<(Renewal, String)>> {
        Self::authorize_clinician(caller)?;
        let tasks = self
            .search(
                caller,
                "Task",
                &[
                    ("code", &format!("{TASK_SYSTEM}|renewal")),
                    ("status", "requested"),
                ],
            )
            .await?;
        let mut out = Vec::new();
        for r in tasks.iter().filter_map(Renewal::from_task) {
            let name = self.patient_name(caller, &r.patient).await;
            out.push((r, name));
        }
        out.sort_by(|a, b| (a.0.answer_by, &a.0.id).cmp(&(b.0.answer_by, &b.0.id)));
        Ok(out)
    }

    /// Medicines members reported, waiting for a clinician's review.
    pub async fn review_queue(&self, caller: &Caller) -> Result<Vec<ReviewItem>> {
        Self::authorize_clinician(caller)?;
        let tasks = self
            .search(
                caller,
                "Task",
                &[
                    ("code", &format!("{TASK_SYSTEM}|med-review")),
                    ("status", "requested"),
                ],
            )
            .await?;
        let mut out = Vec::new();
        for t in &tasks {
            let (Some(task), Some(patient), Some(statement)) = (
                t["id"].as_str(),
                ref_id(&t["for"], "Patient"),
                ref_id(&t["focus"], "MedicationStatement"),
            ) else {
                continue;
            };
            out.push(ReviewItem {
                task: task.to_owned(),
                patient: patient.to_owned(),
                patient_name: self.patient_name(caller, patient).await,
                what: t["description"].as_str().unwrap_or_default().to_owned(),
                statement: statement.to_owned(),
            });
        }
        Ok(out)
    }

    pub(crate) async fn patient_name(&self, caller: &Caller, patient: &str) -> String {
        match self.fhir.read_value(caller, "Patient", patient).await {
            Ok(p) => ws_coverage::service::family::display_name(&p),
            Err(_) => format!("Patient/{patient}"),
        }
    }

    /// Answer renewal request `task`. Approving writes a new prescription (the old one's
    /// medicine, dose and supply; new refills; valid a year from today; `priorPrescription`
    /// the old one) and completes the old one. The member is notified either way.
    pub async fn answer_renewal(
        &self,
        caller: &Caller,
        task: &str,
        answer: &RenewalAnswer,
    ) -> Result<Renewal> {
        Self::authorize_clinician(caller)?;
        let mut t = self.fhir.read_value(caller, "Task", task).await?;
        let r = Renewal::from_task(&t)
            .ok_or_else(|| PharmacyError::NotFound(format!("Task/{task}")))?;
        if !r.is_open() {
            return Err(PharmacyError::Invalid(
                "this renewal request was already answered".into(),
            ));
        }
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        let today = self.clock().today();
        let practitioner = match &caller.principal {
            Principal::Staff {
                practitioner: Some(p),
                ..
            } => Some(p.clone()),
            _ => None,
        };
        match answer {
            RenewalAnswer::Approve { refills } => {
                if *refills > 11 {
                    return Err(PharmacyError::Invalid(
                        "at most 11 refills (a year of monthly fills)".into(),
                    ));
                }
                let old = self
                    .fhir
                    .read_value(caller, "MedicationRequest", &r.prescription)
                    .await?;
                let mut new = json!({
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": old["subject"].clone(),
                    "authoredOn": now,
                    "priorPrescription": {"reference": format!("MedicationRequest/{}", r.prescription)},
                    "dispenseRequest": old["dispenseRequest"].clone(),
                });
                for k in [
                    "category",
                    "medicationCodeableConcept",
                    "medicationReference",
                    "dosageInstruction",
                    "reasonCode",
                    "reasonReference",
                ] {
                    if !old[k].is_null() {
                        new[k] = old[k].clone();
                    }
                }
                if !new["dispenseRequest"].is_object() {
                    new["dispenseRequest"] = json!({});
                }
                new["dispenseRequest"]["numberOfRepeatsAllowed"] = json!(refills);
                new["dispenseRequest"]["validityPeriod"] = json!({
                    "start": today.to_string(),
                    "end": today.checked_add(1.year()).and_then(|d| d.checked_sub(1.day())).unwrap_or(today).to_string(),
                });
                new["requester"] = match &practitioner {
                    Some(p) => json!({"reference": format!("Practitioner/{p}")}),
                    None => old["requester"].clone(),
                };
                let body = json_body(&new);
                let w = self
                    .fhir
                    .create(caller, "MedicationRequest", &body, None)
                    .await?;
                let mut old = old;
                if old["status"] == "active" {
                    old["status"] = json!("completed");
                    let body = json_body(&old);
                    self.fhir
                        .update(caller, "MedicationRequest", &r.prescription, &body, None)
                        .await?;
                }
                t["status"] = json!("completed");
                t["businessStatus"] = json!({"coding": [{"system": TASK_SYSTEM, "code": "approved"}], "text": "approved"});
                t["output"] = json!([{
                    "type": {"text": "new prescription"},
                    "valueReference": {"reference": format!("MedicationRequest/{}", w.id)}
                }]);
            }
            RenewalAnswer::Deny { message } | RenewalAnswer::Visit { message } => {
                let message = message.trim();
                if message.is_empty() {
                    return Err(PharmacyError::Invalid(
                        "tell the member why, in a few words".into(),
                    ));
                }
                let code = if matches!(answer, RenewalAnswer::Deny { .. }) {
                    "denied"
                } else {
                    "visit-needed"
                };
                t["status"] = json!("rejected");
                t["businessStatus"] =
                    json!({"coding": [{"system": TASK_SYSTEM, "code": code}], "text": code});
                t["statusReason"] = json!({"text": message.chars().take(1000).collect::<String>()});
            }
        }
        t["lastModified"] = json!(now);
        if let Some(p) = &practitioner {
            t["owner"] = json!({"reference": format!("Practitioner/{p}")});
        }
        let body = json_body(&t);
        let version = t["meta"]["versionId"]
            .as_str()
            .map(|v| format!("W/\"{v}\""));
        self.fhir
            .update(caller, "Task", task, &body, version.as_deref())
            .await?;
        self.notify(&caller.actor, &r.patient, Notice::RenewalAnswered)
            .await;
        Renewal::from_task(&t).ok_or_else(|| PharmacyError::Invalid("renewal unreadable".into()))
    }

    /// Mark a member-reported medicine reviewed.
    pub async fn mark_reviewed(&self, caller: &Caller, task: &str) -> Result<()> {
        Self::authorize_clinician(caller)?;
        let mut t = self.fhir.read_value(caller, "Task", task).await?;
        let is_review = t["code"]["coding"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["system"] == TASK_SYSTEM && c["code"] == "med-review");
        let statement = ref_id(&t["focus"], "MedicationStatement")
            .filter(|_| is_review && t["status"] == "requested")
            .ok_or_else(|| PharmacyError::NotFound(format!("Task/{task}")))?
            .to_owned();
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        let mut st = self
            .fhir
            .read_value(caller, "MedicationStatement", &statement)
            .await?;
        let mut ext = st["extension"].as_array().cloned().unwrap_or_default();
        ext.push(json!({"url": EXT_REVIEWED, "valueDateTime": now}));
        st["extension"] = Value::Array(ext);
        let body = json_body(&st);
        self.fhir
            .update(caller, "MedicationStatement", &statement, &body, None)
            .await?;
        t["status"] = json!("completed");
        t["lastModified"] = json!(now);
        let body = json_body(&t);
        self.fhir.update(caller, "Task", task, &body, None).await?;
        Ok(())
    }
}
