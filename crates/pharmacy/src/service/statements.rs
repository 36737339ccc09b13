//! What the member reports: a medicine from outside or over the counter, or "I am not taking
//! this one". Recorded as the member's own report (`MedicationStatement`, information source
//! the patient or the proxy who said it), never as a change to the prescriber's order, and
//! reviewed by a clinician of the member's care team (a review task on the staff pages).

use serde_json::json;
use ws_fhir_service::Caller;
use ws_i18n::said::Said;

use super::json_body;
use super::list::med_name;
use super::{PharmacyError, PharmacyService, Result, TASK_SYSTEM, item_id_for_day};

/// Set on a statement once a clinician reviewed it (valueDateTime: when).
pub const EXT_REVIEWED: &str = "urn:wellspring:fhir:reviewed";

/// A medicine the member adds to their list.
#[derive(Debug, Clone, Default)]
pub struct OutsideMed {
    pub name: String,
    /// How they take it, in their words.
    pub dose: String,
    /// Over the counter (else prescribed elsewhere).
    pub otc: bool,
    pub since: Option<jiff::civil::Date>,
}

impl PharmacyService {
    /// Add an outside or over-the-counter medicine to `patient`'s list.
    pub async fn add_outside(
        &self,
        caller: &Caller,
        patient: &str,
        m: &OutsideMed,
    ) -> Result<String> {
        Self::authorize(caller, patient)?;
        let name = m.name.trim();
        if name.is_empty() {
            return Err(PharmacyError::Refused(Said::new("rx-outside-name")));
        }
        if name.chars().count() > 200 || m.dose.chars().count() > 500 {
            return Err(PharmacyError::Refused(Said::new("rx-outside-too-long")));
        }
        let today = self.clock().today();
        let category = if m.otc {
            ("patientspecified", "Patient Specified")
        } else {
            ("outpatient", "Outpatient")
        };
        let mut st = json!({
            "resourceType": "MedicationStatement",
            "status": "active",
            "category": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medication-statement-category", "code": category.0, "display": category.1}]},
            "medicationCodeableConcept": {"text": name},
            "subject": {"reference": format!("Patient/{patient}")},
            "effectivePeriod": {"start": m.since.unwrap_or(today).to_string()},
            "dateAsserted": ws_fhir_service::time::instant(self.clock().now_micros()),
            "informationSource": {"reference": format!("Patient/{patient}")},
            "note": [{"text": if m.otc { "Over the counter, reported by the member." } else { "Prescribed outside Wellspring, reported by the member." }}],
        });
        if !m.dose.trim().is_empty() {
            st["dosage"] = json!([{"text": m.dose.trim()}]);
        }
        let svc = caller.as_service(patient, "pharmacy: member-reported medicine");
        let body = json_body(&st);
        let w = self
            .fhir
            .create(&svc, "MedicationStatement", &body, None)
            .await?;
        self.review_task(&svc, patient, &w.id, name).await?;
        Ok(w.id)
    }

    /// The member says they are not taking prescription `id`: a statement about it (the
    /// prescription itself is unchanged), for their care team to review.
    pub async fn report_not_taking(
        &self,
        caller: &Caller,
        id: &str,
        reason: &str,
    ) -> Result<String> {
        let (mr, patient, svc) = self
            .prescription_for(caller, id, "pharmacy: not taking")
            .await?;
        let today = self.clock().today();
        let mut st = json!({
            "resourceType": "MedicationStatement",
            "status": "not-taken",
            "basedOn": [{"reference": format!("MedicationRequest/{id}")}],
            "medicationCodeableConcept": mr["medicationCodeableConcept"].clone(),
            "subject": {"reference": format!("Patient/{patient}")},
            "effectiveDateTime": today.to_string(),
            "dateAsserted": ws_fhir_service::time::instant(self.clock().now_micros()),
            "informationSource": {"reference": format!("Patient/{patient}")},
        });
        if st["medicationCodeableConcept"].is_null() {
            st["medicationCodeableConcept"] = json!({"text": med_name(&mr)});
        }
        let reason = reason.trim();
        if !reason.is_empty() {
            st["note"] = json!([{"text": reason.chars().take(1000).collect::<String>()}]);
        }
        // Exactly once per prescription and day: a second press is the same report.
        let st_id = item_id_for_day("nt", id, today);
        let (_, created) = self.once(&svc, "MedicationStatement", &st_id, &st).await?;
        if created {
            self.review_task(&svc, &patient, &st_id, &med_name(&mr))
                .await?;
        }
        Ok(st_id)
    }

    /// A task for the care team: review what the member reported.
    async fn review_task(
        &self,
        svc: &Caller,
        patient: &str,
        statement: &str,
        name: &str,
    ) -> Result<()> {
        let task = json!({
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "code": {"coding": [{"system": TASK_SYSTEM, "code": "med-review", "display": "Review a medicine the member reported"}]},
            "description": name,
            "focus": {"reference": format!("MedicationStatement/{statement}")},
            "for": {"reference": format!("Patient/{patient}")},
            "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
        });
        let body = json_body(&task);
        self.fhir.create(svc, "Task", &body, None).await?;
        Ok(())
    }
}
