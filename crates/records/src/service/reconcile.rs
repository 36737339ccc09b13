//! Records brought in (issue 16 §6): a member uploads a previous provider's FHIR export; the
//! file is kept whole as a `DocumentReference` in their record, and each medicine, allergy,
//! problem and immunization in it becomes a reconciliation item (a `Task`) for a clinician of
//! their care team, who adds it to the record (with a `Provenance` naming the document it came
//! from), marks it as already recorded, or dismisses it. An item that matches one already in
//! the record (`rules::reconcile::same_item`) is never added silently: the clinician must say
//! "add anyway". Nothing from the file enters the record without a clinician's decision.

use base64::Engine;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, Principal, task};
use ws_identity::StaffRole;

use super::{RecordsError, RecordsService, Result};
use crate::rules::reconcile::{self, FileProblem, RECONCILED};

/// The code system of records tasks, and the code of a reconciliation item.
pub const TASK_SYSTEM: &str = "urn:wellspring:records-task";
pub const ITEM_CODE: &str = "outside-record-item";

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Open,
    Added,
    AlreadyRecorded,
    Dismissed,
}

/// One item brought in.
#[derive(Debug, Clone)]
pub struct OutsideItem {
    pub id: String,
    pub patient: String,
    pub res_type: String,
    pub display: String,
    pub source: String,
    pub document: String,
    pub received: String,
    pub status: ItemStatus,
    /// The clinician's words when dismissed.
    pub reason: Option<String>,
    pub item: Value,
    /// The resource it became.
    pub added: Option<String>,
}

impl OutsideItem {
    fn from_task(t: &Value) -> Option<OutsideItem> {
        if !task::has_code(t, TASK_SYSTEM, ITEM_CODE) {
            return None;
        }
        let input = |name: &str| task::input_text(t, name).to_owned();
        let item: Value = serde_json::from_str(&input("item")).ok()?;
        let status = match (
            t["status"].as_str()?,
            t["statusReason"]["coding"][0]["code"].as_str(),
        ) {
            ("completed", Some("already-recorded")) => ItemStatus::AlreadyRecorded,
            ("completed", _) => ItemStatus::Added,
            ("rejected" | "cancelled", _) => ItemStatus::Dismissed,
            _ => ItemStatus::Open,
        };
        Some(OutsideItem {
            id: t["id"].as_str()?.to_owned(),
            patient: t["for"]["reference"]
                .as_str()?
                .strip_prefix("Patient/")?
                .to_owned(),
            res_type: item["resourceType"].as_str().unwrap_or_default().to_owned(),
            display: reconcile::display(&item),
            source: input("source"),
            document: t["focus"]["reference"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            received: t["authoredOn"]
                .as_str()
                .and_then(|s| s.get(..10))
                .unwrap_or_default()
                .to_owned(),
            status,
            reason: t["statusReason"]["text"].as_str().map(str::to_owned),
            item,
            added: t["output"][0]["valueReference"]["reference"]
                .as_str()
                .map(str::to_owned),
        })
    }
}

/// What a clinician decides about an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Add it to the record; `anyway`: even though it matches an item already there.
    Add {
        anyway: bool,
    },
    AlreadyRecorded,
    Dismiss {
        reason: String,
    },
}

/// What an upload made.
#[derive(Debug, Clone)]
pub struct BroughtIn {
    pub document: String,
    pub items: usize,
    pub total: usize,
}

/// Who may bring records in for `patient`: the member or their representative.
fn uploader(caller: &Caller, patient: &str) -> Result<()> {
    super::representative(caller, patient).map(|_| ())
}

impl RecordsService {
    /// Keep an uploaded file and make its reconciliation items, in one transaction. A file
    /// that cannot be read comes back as its problem, and nothing is stored.
    pub async fn bring_in(
        &self,
        caller: &Caller,
        patient: &str,
        bytes: &[u8],
        source: &str,
    ) -> Result<std::result::Result<BroughtIn, FileProblem>> {
        uploader(caller, patient)?;
        let (items, total) = match reconcile::items_of(bytes) {
            Ok(x) => x,
            Err(p) => return Ok(Err(p)),
        };
        let source = source.trim();
        let source = if source.is_empty() {
            "a previous provider"
        } else {
            source
        };
        let source: String = source.chars().take(120).collect();
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        let doc = json!({
            "resourceType": "DocumentReference",
            "status": "current",
            "docStatus": "preliminary",
            "type": {"text": "Records from a previous provider"},
            "subject": {"reference": format!("Patient/{patient}")},
            "date": now,
            "description": source,
            "content": [{"attachment": {
                "contentType": "application/fhir+json",
                "data": base64::engine::general_purpose::STANDARD.encode(bytes),
                "size": bytes.len(),
                "title": format!("Records from {source}"),
                "creation": now,
            }}],
        });
        let mut entries = vec![json!({
            "fullUrl": "urn:uuid:brought-in-document",
            "resource": doc,
            "request": {"method": "POST", "url": "DocumentReference"},
        })];
        for item in &items {
            let kind = item["resourceType"].as_str().unwrap_or_default();
            let task = json!({
                "resourceType": "Task",
                "status": "requested",
                "intent": "proposal",
                "code": {"coding": [{"system": TASK_SYSTEM, "code": ITEM_CODE, "display": "Reconcile an item brought in"}]},
                "description": format!("{kind}: {}", reconcile::display(item)),
                "for": {"reference": format!("Patient/{patient}")},
                "focus": {"reference": "urn:uuid:brought-in-document"},
                "authoredOn": now,
                "input": [
                    {"type": {"text": "item"}, "valueString": item.to_string()},
                    {"type": {"text": "source"}, "valueString": source},
                ],
            });
            entries.push(json!({"resource": task, "request": {"method": "POST", "url": "Task"}}));
        }
        let svc = caller.as_service(patient, "record: records brought in");
        let out = self
            .fhir
            .process_bundle_value(
                &svc,
                &json!({"resourceType": "Bundle", "type": "transaction", "entry": entries}),
            )
            .await?;
        let document = out["entry"][0]["response"]["location"]
            .as_str()
            .and_then(|l| l.split("/_history").next())
            .and_then(|l| l.rsplit_once("DocumentReference/"))
            .map(|(_, id)| id.to_owned())
            .unwrap_or_default();
        Ok(Ok(BroughtIn {
            document,
            items: items.len(),
            total,
        }))
    }

    /// The items `patient` brought in, newest first.
    pub async fn brought_in(&self, caller: &Caller, patient: &str) -> Result<Vec<OutsideItem>> {
        uploader(caller, patient)?;
        let svc = caller.as_service(patient, "record: records brought in");
        let mut out = self.items(&svc, Some(patient), false).await?;
        out.sort_by(|a, b| (&b.received, &b.id).cmp(&(&a.received, &a.id)));
        Ok(out)
    }

    async fn items(
        &self,
        caller: &Caller,
        patient: Option<&str>,
        open_only: bool,
    ) -> Result<Vec<OutsideItem>> {
        let mut q = vec![("code".to_owned(), format!("{TASK_SYSTEM}|{ITEM_CODE}"))];
        if let Some(p) = patient {
            q.push(("patient".into(), p.to_owned()));
        }
        if open_only {
            q.push(("status".into(), "requested".into()));
        }
        let found = self.fhir.search_resources(caller, "Task", &q, 1000).await?;
        Ok(found.iter().filter_map(OutsideItem::from_task).collect())
    }

    /// Open items of the clinician's panel, oldest first, each with what it may duplicate.
    pub async fn reconcile_queue(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(OutsideItem, Vec<String>)>> {
        match &caller.principal {
            Principal::Staff {
                role: StaffRole::Clinician,
                ..
            } => {}
            _ => {
                return Err(RecordsError::Forbidden(
                    "items are reconciled by clinicians".into(),
                ));
            }
        }
        let mut items = self.items(caller, None, true).await?;
        items.sort_by(|a, b| (&a.received, &a.id).cmp(&(&b.received, &b.id)));
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            let dups = self
                .duplicates(caller, &i)
                .await?
                .iter()
                .map(reconcile::display)
                .collect();
            out.push((i, dups));
        }
        Ok(out)
    }

    /// Items of the same type in `i.patient`'s record that are the same thing.
    async fn duplicates(&self, caller: &Caller, i: &OutsideItem) -> Result<Vec<Value>> {
        if !RECONCILED.contains(&i.res_type.as_str()) {
            return Ok(Vec::new());
        }
        let existing = self
            .fhir
            .search_resources(
                caller,
                &i.res_type,
                &[("patient".into(), i.patient.clone())],
                1000,
            )
            .await?;
        Ok(existing
            .into_iter()
            .filter(|e| reconcile::same_item(&i.item, e))
            .collect())
    }

    /// A clinician's decision on item `id`.
    pub async fn reconcile(&self, caller: &Caller, id: &str, d: &Decision) -> Result<String> {
        let task = self.fhir.read_value(caller, "Task", id).await?;
        let item = OutsideItem::from_task(&task)
            .ok_or_else(|| RecordsError::NotFound(format!("Task/{id}")))?;
        let practitioner = super::treating_clinician(caller, &item.patient)?;
        if item.status != ItemStatus::Open {
            return Err(RecordsError::Invalid(
                "this item was already reconciled".into(),
            ));
        }
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        let version = task["meta"]["versionId"].as_str().unwrap_or("0").to_owned();
        let mut closed = task.clone();
        closed["lastModified"] = json!(now);
        closed["owner"] = json!({"reference": format!("Practitioner/{practitioner}")});
        let mut entries = Vec::new();
        let words = match d {
            Decision::Add { anyway } => {
                let dups = self.duplicates(caller, &item).await?;
                if !dups.is_empty() && !anyway {
                    return Err(RecordsError::Invalid(format!(
                        "the record already has {}: mark this item as already recorded, or add it anyway",
                        reconcile::display(&dups[0])
                    )));
                }
                let record = reconcile::to_record(&item.item, &item.patient, &item.document);
                entries.push(json!({
                    "fullUrl": "urn:uuid:reconciled",
                    "resource": record,
                    "request": {"method": "POST", "url": item.res_type},
                }));
                entries.push(json!({
                    "resource": {
                        "resourceType": "Provenance",
                        "target": [{"reference": "urn:uuid:reconciled"}],
                        "recorded": now,
                        "activity": {"text": "Reconciled from records brought in by the member"},
                        "agent": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "verifier"}]}, "who": {"reference": format!("Practitioner/{practitioner}")}}],
                        "entity": [{"role": "source", "what": {"reference": item.document}}],
                    },
                    "request": {"method": "POST", "url": "Provenance"},
                }));
                closed["status"] = json!("completed");
                closed["statusReason"] = json!({"coding": [{"system": TASK_SYSTEM, "code": "added"}], "text": "Added to the record"});
                closed["output"] = json!([{"type": {"text": "added"}, "valueReference": {"reference": "urn:uuid:reconciled"}}]);
                format!("{} added to the record", item.display)
            }
            Decision::AlreadyRecorded => {
                closed["status"] = json!("completed");
                closed["statusReason"] = json!({"coding": [{"system": TASK_SYSTEM, "code": "already-recorded"}], "text": "Already in the record"});
                format!("{} marked as already in the record", item.display)
            }
            Decision::Dismiss { reason } => {
                let reason = reason.trim();
                if reason.chars().count() < 5 {
                    return Err(RecordsError::Invalid(
                        "say why this item is not added (the member sees it)".into(),
                    ));
                }
                closed["status"] = json!("rejected");
                closed["statusReason"] = json!({"coding": [{"system": TASK_SYSTEM, "code": "dismissed"}], "text": reason.chars().take(500).collect::<String>()});
                format!("{} not added", item.display)
            }
        };
        entries.push(json!({
            "resource": closed,
            "request": {"method": "PUT", "url": format!("Task/{id}"), "ifMatch": format!("W/\"{version}\"")},
        }));
        self.fhir
            .process_bundle_value(
                caller,
                &json!({"resourceType": "Bundle", "type": "transaction", "entry": entries}),
            )
            .await?;
        Ok(words)
    }
}
