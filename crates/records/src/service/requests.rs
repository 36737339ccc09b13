//! Requests about the record with their legal clocks (HIP-01 copies, HIP-02 amendments, HIP-03
//! accountings of disclosures): the member files one, follows its status and due date; staff
//! (member services) work the queue, most urgent first, extend once with a notice, and
//! complete or deny. Each request is a FHIR `Task` in the member's compartment; the due date is
//! `Task.restriction.period.end`.

use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, Principal};
use ws_i18n::Lang;
use ws_i18n::messages::{self, Email};
use ws_i18n::said::Said;
use ws_identity::caller::StaffRole;

use crate::rules::requests::{self as clocks, ClockState, RequestKind};
use crate::service::{RecordsError, RecordsService, Result};

/// The system of request codes on `Task.code`.
pub const REQUEST_SYSTEM: &str = "urn:wellspring:records-request";

/// What the member asks.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    /// Copies: what to send (sections, period); amendment: what is wrong and what it should
    /// say; accounting: the period.
    pub details: String,
    /// Copies to a third party: who receives them (name and address), per the member's
    /// signed authorization.
    pub recipient: Option<String>,
}

/// A request as the member and staff see it.
#[derive(Debug, Clone)]
pub struct RecordRequest {
    pub id: String,
    pub patient: String,
    pub kind: RequestKind,
    pub received: Date,
    pub due: Date,
    pub extended: bool,
    /// `requested`, `in-progress`, `completed`, `rejected`.
    pub status: String,
    pub details: String,
    pub recipient: Option<String>,
    /// The extension's reasons, or the outcome's message.
    pub note: Option<String>,
    pub clock: ClockState,
}

impl RecordRequest {
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "requested" | "in-progress")
    }
}

fn date_of(v: &Value) -> Option<Date> {
    v.as_str()?.get(..10)?.parse().ok()
}

pub(crate) fn from_task(t: &Value, today: Date) -> Option<RecordRequest> {
    let coding = t["code"]["coding"]
        .as_array()?
        .iter()
        .find(|c| c["system"] == REQUEST_SYSTEM)?;
    let kind = RequestKind::from_code(coding["code"].as_str()?)?;
    let received = date_of(&t["authoredOn"])?;
    let due = date_of(&t["restriction"]["period"]["end"]).unwrap_or(clocks::due(kind, received));
    let notes: Vec<&str> = t["note"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["text"].as_str())
        .collect();
    Some(RecordRequest {
        id: t["id"].as_str()?.to_owned(),
        patient: t["for"]["reference"]
            .as_str()?
            .strip_prefix("Patient/")?
            .to_owned(),
        kind,
        received,
        due,
        extended: t["businessStatus"]["text"] == "extended",
        status: t["status"].as_str().unwrap_or("requested").to_owned(),
        details: t["description"].as_str().unwrap_or("").to_owned(),
        recipient: t["restriction"]["recipient"][0]["display"]
            .as_str()
            .map(str::to_owned),
        note: notes.last().map(|s| (*s).to_owned()),
        clock: clocks::clock(due, today),
    })
}

impl RecordsService {
    /// May `caller` file and follow requests about `patient`'s record? The member (a teen for
    /// their own record too), a parent with full access to a child's record, a legal
    /// representative. Not a caregiver, a parent of a teen, an app or staff through the portal.
    pub fn authorize_requests(caller: &Caller, patient: &str) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            _ => super::representative(caller, patient).map(|_| ()),
        }
    }

    /// Member services (and in-process callers) work the requests queue.
    pub fn authorize_records_staff(caller: &Caller) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff {
                role: StaffRole::MemberServices,
                ..
            } => Ok(()),
            _ => Err(RecordsError::Forbidden(
                "record requests are worked by member services".into(),
            )),
        }
    }

    /// File a request; it is due by the rule's clock from today.
    pub async fn file_request(
        &self,
        caller: &Caller,
        patient: &str,
        kind: RequestKind,
        input: &RequestInput,
    ) -> Result<RecordRequest> {
        Self::authorize_requests(caller, patient)?;
        let details = input.details.trim();
        if details.is_empty() && kind != RequestKind::Accounting {
            return Err(RecordsError::Refused(Said::new(match kind {
                RequestKind::Amendment => "rec-request-amendment-details",
                _ => "rec-request-copies-details",
            })));
        }
        if details.chars().count() > 4000 {
            return Err(RecordsError::Refused(Said::new("rec-request-too-long")));
        }
        let recipient = input
            .recipient
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let now = self.clock().now_micros();
        let today = self.clock().today();
        let due = clocks::due(kind, today);
        let mut task = json!({
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "code": {"coding": [{"system": REQUEST_SYSTEM, "code": kind.code()}]},
            "for": {"reference": format!("Patient/{patient}")},
            "authoredOn": ws_fhir_service::time::instant(now),
            "restriction": {"period": {"end": due.to_string()}},
        });
        if !details.is_empty() {
            task["description"] = json!(details);
        }
        if let Some(r) = recipient {
            task["restriction"]["recipient"] = json!([{"display": r}]);
        }
        let svc = caller.as_service(patient, &format!("records request: {}", kind.code()));
        let body = serde_json::to_vec(&task).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        let w = self.fhir.create(&svc, "Task", &body, None).await?;
        task["id"] = json!(w.id);
        from_task(&task, today)
            .ok_or_else(|| RecordsError::Invalid("stored request unreadable".into()))
    }

    /// The requests about `patient`'s record, newest first.
    pub async fn requests_for(&self, caller: &Caller, patient: &str) -> Result<Vec<RecordRequest>> {
        Self::authorize_requests(caller, patient)?;
        let svc = caller.as_service(patient, "records requests: list");
        let today = self.clock().today();
        let found = self
            .fhir
            .search_resources(
                &svc,
                "Task",
                &[
                    ("patient".into(), patient.to_owned()),
                    ("_sort".into(), "-authored-on".into()),
                ],
                200,
            )
            .await?;
        Ok(found.iter().filter_map(|t| from_task(t, today)).collect())
    }

    /// The open requests of every member, the first due first.
    pub async fn request_queue(&self, caller: &Caller) -> Result<Vec<RecordRequest>> {
        Self::authorize_records_staff(caller)?;
        let today = self.clock().today();
        let mut out = Vec::new();
        for kind in RequestKind::ALL {
            let found = self
                .fhir
                .search_resources(
                    &crate::service::results::staff_queue(caller),
                    "Task",
                    &[
                        ("code".into(), format!("{REQUEST_SYSTEM}|{}", kind.code())),
                        ("status".into(), "requested,in-progress".into()),
                    ],
                    1000,
                )
                .await?;
            out.extend(found.iter().filter_map(|t| from_task(t, today)));
        }
        out.sort_by_key(|r| (r.due, r.received));
        Ok(out)
    }

    async fn request_task(&self, caller: &Caller, id: &str) -> Result<(Value, RecordRequest)> {
        Self::authorize_records_staff(caller)?;
        let t = self
            .fhir
            .read_value(&crate::service::results::staff_queue(caller), "Task", id)
            .await?;
        let req = from_task(&t, self.clock().today())
            .ok_or_else(|| RecordsError::NotFound(format!("Task/{id}")))?;
        Ok((t, req))
    }

    async fn save_task(
        &self,
        caller: &Caller,
        req: &RecordRequest,
        t: &Value,
        what: &str,
    ) -> Result<()> {
        let svc = caller.as_service(&req.patient, what);
        let body = serde_json::to_vec(t).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        self.fhir.update(&svc, "Task", &req.id, &body, None).await?;
        Ok(())
    }

    /// Extend an open request once (HIP-01..03): reasons in writing, a new date at most 30 days
    /// past the first, notice sent today (before the first due date). The member is told.
    pub async fn extend_request(
        &self,
        caller: &Caller,
        id: &str,
        reasons: &str,
        new_due: Option<Date>,
    ) -> Result<RecordRequest> {
        let (mut t, req) = self.request_task(caller, id).await?;
        if !req.is_open() {
            return Err(RecordsError::Invalid(
                "this request is already closed".into(),
            ));
        }
        let today = self.clock().today();
        let due = clocks::extend(
            req.kind,
            req.received,
            today,
            new_due,
            req.extended,
            reasons,
        )
        .map_err(|e| RecordsError::Invalid(format!("{} ({})", e.reason, e.rule)))?;
        t["restriction"]["period"]["end"] = json!(due.to_string());
        t["businessStatus"] = json!({"text": "extended"});
        t["status"] = json!("in-progress");
        push_note(
            &mut t,
            &format!("Extended to {due}: {}", reasons.trim()),
            today,
        );
        self.save_task(caller, &req, &t, "records request: extended")
            .await?;
        let (reason, due) = (reasons.trim().to_owned(), due.to_string());
        self.notify_request(&req.patient, move |lang| {
            let due = messages::fmt_date(lang, &due);
            messages::email(
                lang,
                "request-extended",
                &[("reason", &reason), ("due", &due)],
            )
        })
        .await;
        from_task(&t, today)
            .ok_or_else(|| RecordsError::Invalid("stored request unreadable".into()))
    }

    /// Close an open request: done (copies sent, record amended, accounting sent) or denied
    /// (an amendment the record's author finds accurate: the member may file a statement of
    /// disagreement, HIP-02). The member is told.
    pub async fn close_request(
        &self,
        caller: &Caller,
        id: &str,
        granted: bool,
        message: &str,
    ) -> Result<RecordRequest> {
        let (mut t, req) = self.request_task(caller, id).await?;
        if !req.is_open() {
            return Err(RecordsError::Invalid(
                "this request is already closed".into(),
            ));
        }
        if !granted && message.trim().is_empty() {
            return Err(RecordsError::Invalid(
                "a denial must say why, in writing".into(),
            ));
        }
        let today = self.clock().today();
        t["status"] = json!(if granted { "completed" } else { "rejected" });
        if !message.trim().is_empty() {
            push_note(&mut t, message.trim(), today);
        }
        self.save_task(caller, &req, &t, "records request: closed")
            .await?;
        let key = if granted {
            "request-done"
        } else {
            "request-denied"
        };
        self.notify_request(&req.patient, |lang| messages::email(lang, key, &[]))
            .await;
        from_task(&t, today)
            .ok_or_else(|| RecordsError::Invalid("stored request unreadable".into()))
    }

    async fn notify_request(&self, patient: &str, compose: impl FnOnce(Lang) -> Email) {
        if let Some(identity) = &self.notices
            && let Err(e) = identity.send_notice("records", patient, compose).await
        {
            tracing::warn!(error = %e, "request notice not queued");
        }
    }
}

fn push_note(t: &mut Value, text: &str, today: Date) {
    let n = json!({"time": format!("{today}T00:00:00Z"), "text": text});
    match t["note"].as_array_mut() {
        Some(a) => a.push(n),
        None => t["note"] = json!([n]),
    }
}
