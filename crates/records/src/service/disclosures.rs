//! Disclosures of a member's record that staff record, and the member's accounting of them
//! (HIP-03). Member services (the records desk) record each disclosure made outside the
//! portal as a FHIR `Task` in the member's compartment (code system [`DISCLOSURE_SYSTEM`], the
//! purpose as the code; the day in `executionPeriod.start`, the recipient in
//! `restriction.recipient`, what was disclosed in `description`, the basis in
//! `reasonCode.text`), through the FHIR service, so authorized and audited. When an accounting
//! request is answered, the member reads the accountable ones of its period with the request.

use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::Caller;

use crate::rules::disclosures::{self, Disclosure, Purpose};
use crate::rules::requests::{RequestKind, accounting_is_free, accounting_period};
use crate::service::requests::RecordRequest;
use crate::service::{RecordsError, RecordsService, Result};

/// An accounting of disclosures: its period, the accountable disclosures in it (oldest first),
/// and whether it is free (HIP-03: the first in any 12 months; a later one may carry a
/// reasonable, cost-based fee the member is told of in advance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounting {
    pub period: (Date, Date),
    pub list: Vec<Disclosure>,
    pub free: bool,
}

/// The system of disclosure codes on `Task.code` (the code is the [`Purpose`]).
pub const DISCLOSURE_SYSTEM: &str = "urn:wellspring:records-disclosure";

fn from_task(t: &Value) -> Option<Disclosure> {
    let code = t["code"]["coding"]
        .as_array()?
        .iter()
        .find(|c| c["system"] == DISCLOSURE_SYSTEM)?["code"]
        .as_str()?;
    Some(Disclosure {
        on: t["executionPeriod"]["start"]
            .as_str()?
            .get(..10)?
            .parse()
            .ok()?,
        recipient: t["restriction"]["recipient"][0]["display"]
            .as_str()?
            .to_owned(),
        purpose: Purpose::from_code(code)?,
        what: t["description"].as_str().unwrap_or_default().to_owned(),
        basis: t["reasonCode"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    })
}

impl RecordsService {
    /// Record a disclosure of `patient`'s record (the records desk). Refused with the reason when
    /// the rule refuses it; nothing is stored then.
    pub async fn record_disclosure(
        &self,
        caller: &Caller,
        patient: &str,
        d: &Disclosure,
    ) -> Result<String> {
        Self::authorize_records_staff(caller)?;
        disclosures::check(d, self.clock().today())
            .map_err(|r| RecordsError::Invalid(r.reason().into()))?;
        let svc = caller.as_service(patient, "records: disclosure recorded");
        // The member must exist (a mistyped id records nothing).
        self.fhir.read_value(&svc, "Patient", patient).await?;
        let mut task = json!({
            "resourceType": "Task",
            "status": "completed",
            "intent": "unknown",
            "code": {"coding": [{"system": DISCLOSURE_SYSTEM, "code": d.purpose.code()}]},
            "for": {"reference": format!("Patient/{patient}")},
            "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
            "executionPeriod": {"start": d.on.to_string()},
            "restriction": {"recipient": [{"display": d.recipient.trim()}]},
            "description": d.what.trim(),
            "requester": {"display": caller.actor},
        });
        if !d.basis.trim().is_empty() {
            task["reasonCode"] = json!({"text": d.basis.trim()});
        }
        let body = serde_json::to_vec(&task).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        Ok(self.fhir.create(&svc, "Task", &body, None).await?.id)
    }

    /// Every disclosure recorded for `patient` (accountable or not), oldest first: the records
    /// desk's view, and the member's own (their record).
    pub async fn disclosures_of(&self, caller: &Caller, patient: &str) -> Result<Vec<Disclosure>> {
        if Self::authorize_records_staff(caller).is_err() {
            Self::authorize_requests(caller, patient)?;
        }
        let (_, out) = self
            .patient_tasks(caller, patient, "records: disclosures")
            .await?;
        Ok(out)
    }

    /// The Tasks about `patient` (read as a service acting for the caller) and the disclosures
    /// among them, oldest first.
    async fn patient_tasks(
        &self,
        caller: &Caller,
        patient: &str,
        why: &str,
    ) -> Result<(Vec<Value>, Vec<Disclosure>)> {
        let svc = caller.as_service(patient, why);
        let tasks = self
            .fhir
            .search_resources(
                &svc,
                "Task",
                &[("patient".into(), patient.to_owned())],
                5000,
            )
            .await?;
        let mut out: Vec<Disclosure> = tasks.iter().filter_map(from_task).collect();
        out.sort_by_key(|d| d.on);
        Ok((tasks, out))
    }

    /// The accounting an accounting request answers (HIP-03): its period (six years before the
    /// request, or from the day the member named), the accountable disclosures in it, and
    /// whether it is the first in 12 months.
    pub async fn accounting(&self, caller: &Caller, req: &RecordRequest) -> Result<Accounting> {
        if req.kind != RequestKind::Accounting {
            return Err(RecordsError::Invalid(
                "only an accounting request has an accounting".into(),
            ));
        }
        if Self::authorize_records_staff(caller).is_err() {
            Self::authorize_requests(caller, &req.patient)?;
        }
        let today = self.clock().today();
        let (tasks, all) = self
            .patient_tasks(caller, &req.patient, "records: accounting of disclosures")
            .await?;
        // Earlier accountings: filed before this one (the instant it was filed, then the id).
        let filed = |t: &Value| t["authoredOn"].as_str().unwrap_or_default().to_owned();
        let this = tasks
            .iter()
            .find(|t| t["id"].as_str() == Some(req.id.as_str()))
            .map(filed)
            .unwrap_or_default();
        let earlier: Vec<Date> = tasks
            .iter()
            .filter_map(|t| Some((filed(t), crate::service::requests::from_task(t, today)?)))
            .filter(|(at, r)| {
                r.kind == RequestKind::Accounting
                    && r.id != req.id
                    && (at.as_str(), r.id.as_str()) < (this.as_str(), req.id.as_str())
            })
            .map(|(_, r)| r.received)
            .collect();
        let period = accounting_period(req.received, disclosures::asked_from(&req.details));
        let list = disclosures::accounting(&all, period)
            .into_iter()
            .cloned()
            .collect();
        Ok(Accounting {
            period,
            list,
            free: accounting_is_free(req.received, &earlier),
        })
    }
}
