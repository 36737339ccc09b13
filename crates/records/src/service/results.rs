//! Results in: one HL7 v2 ORU^R01 message → validated, matched to the patient by MRN (name and
//! birth date must agree), filed as DiagnosticReport + Observations in one transaction, the
//! member told, and the ACK. A message that is refused stores nothing of the results; it
//! becomes a work item (a FHIR `Task` in no patient's compartment) for staff to resolve.

use serde_json::{Value, json};

use crate::rules::ack::{ack, hl7_now};
use crate::rules::oru::{AckCode, OruMessage, PatientId, Refusal, header_of, parse_oru};
use crate::rules::{hold, to_fhir};
use crate::service::RecordsService;
use ws_fhir_service::Caller;
use ws_i18n::messages;
use ws_identity::rules::labels;

/// The system of the work-item codes.
pub const WORK_ITEM_SYSTEM: &str = "urn:wellspring:work-item";
/// A lab message that was not filed.
pub const HL7_REVIEW: &str = "hl7-result-review";
/// MRN identifier systems start with this (`urn:wellspring:mrn:<region>`).
pub const MRN_SYSTEM_PREFIX: &str = "urn:wellspring:mrn:";

/// What became of one message.
#[derive(Debug, Clone)]
pub struct Hl7Outcome {
    /// MSH-10 of the message (empty when it could not be read).
    pub control_id: String,
    pub code: AckCode,
    /// Why it was refused.
    pub reason: Option<String>,
    /// The patient it was filed for.
    pub patient: Option<String>,
    /// Observations and reports written.
    pub stored: usize,
    /// The staff work item made for a refused message (`Task/<id>`).
    pub work_item: Option<String>,
    /// The HL7 acknowledgment, segments separated by carriage returns.
    pub ack: String,
}

/// Segments separated by carriage returns whatever the file used; MLLP framing bytes and
/// surrounding blank lines removed.
pub fn normalise(text: &str) -> String {
    let t = text.trim_matches(|c: char| c == '\u{0b}' || c == '\u{1c}' || c.is_whitespace());
    t.replace("\r\n", "\r").replace('\n', "\r")
}

/// Split a file of messages (each starting `MSH|`, segments separated by CR, LF or CRLF) into
/// messages.
pub fn split_messages(text: &str) -> Vec<String> {
    let t = normalise(text);
    let mut out: Vec<String> = Vec::new();
    for seg in t.split('\r') {
        let seg = seg.trim_matches(|c: char| c == '\u{0b}' || c == '\u{1c}');
        if seg.trim().is_empty() {
            continue;
        }
        if seg.starts_with("MSH") || out.is_empty() {
            out.push(seg.to_owned());
        } else if let Some(last) = out.last_mut() {
            last.push('\r');
            last.push_str(seg);
        }
    }
    out
}

/// Does this look like HL7 v2 (a file's first bytes)?
pub fn looks_like_hl7(head: &[u8]) -> bool {
    let t = head.strip_prefix(b"\x0b").unwrap_or(head);
    let t = t.strip_prefix(b"\xef\xbb\xbf").unwrap_or(t);
    t.starts_with(b"MSH") && t.len() > 3 && !t[3].is_ascii_alphanumeric()
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    norm(a) == norm(b)
}

/// Does the Patient resource agree with PID-5 and PID-7? `Err` says how it differs (for staff;
/// the ACK says only which field).
fn agrees(patient: &Value, pid: &PatientId) -> Result<(), String> {
    let names = patient["name"].as_array().cloned().unwrap_or_default();
    let family_ok = names.iter().any(|n| {
        n["family"]
            .as_str()
            .is_some_and(|f| same_name(f, &pid.family))
    });
    if !family_ok {
        return Err("PID-5 family name does not match the patient with this MRN".into());
    }
    if !pid.given.is_empty() {
        let given_ok = names.iter().any(|n| {
            n["given"].as_array().is_some_and(|g| {
                g.iter()
                    .any(|x| x.as_str().is_some_and(|x| same_name(x, &pid.given)))
            })
        });
        if !given_ok {
            return Err("PID-5 given name does not match the patient with this MRN".into());
        }
    }
    if let Some(b) = &pid.birth_date
        && patient["birthDate"].as_str() != Some(b.as_str())
    {
        return Err("PID-7 date of birth does not match the patient with this MRN".into());
    }
    Ok(())
}

impl RecordsService {
    /// Take one HL7 v2 message from `caller` (a lab interface): file it or refuse it; the
    /// outcome carries the ACK. Never fails: every problem is an AE/AR ACK.
    pub async fn receive_hl7(&self, caller: &Caller, text: &str) -> Hl7Outcome {
        let text = normalise(text);
        let now = self.clock().now_micros();
        let header = header_of(&text);
        let our_id = format!("WS{now}");
        let result = async {
            let msg = parse_oru(&text)?;
            let patient = self.match_patient(caller, &msg).await?;
            let (stored, member_sees) = self.file(caller, &msg, &patient).await?;
            Ok::<_, Refusal>((msg, patient, stored, member_sees))
        }
        .await;
        match result {
            Ok((msg, patient, stored, member_sees)) => {
                if member_sees {
                    self.notify_result(&patient).await;
                }
                Hl7Outcome {
                    control_id: msg.header.control_id.clone(),
                    code: AckCode::Accept,
                    reason: None,
                    patient: Some(patient),
                    stored,
                    work_item: None,
                    ack: ack(&msg.header, None, &hl7_now(now), &our_id),
                }
            }
            Err(refusal) => {
                let work_item = self.work_item(caller, &text, &refusal).await;
                tracing::info!(
                    code = refusal.code.as_str(),
                    hl7_error = refusal.hl7_error,
                    "HL7 message refused"
                );
                Hl7Outcome {
                    control_id: header.control_id.clone(),
                    code: refusal.code,
                    reason: Some(refusal.reason.clone()),
                    patient: None,
                    stored: 0,
                    work_item,
                    ack: ack(&header, Some(&refusal), &hl7_now(now), &our_id),
                }
            }
        }
    }

    /// The patient whose MRN is PID-3, if PID-5 and PID-7 agree: their id and resource.
    async fn match_patient(&self, caller: &Caller, msg: &OruMessage) -> Result<String, Refusal> {
        let pid = &msg.patient;
        let found = self
            .fhir
            .search_resources(
                caller,
                "Patient",
                &[("identifier".into(), pid.mrn.clone())],
                5,
            )
            .await
            .map_err(|e| Refusal::application(207, format!("patient lookup failed: {e}")))?;
        let matches: Vec<&Value> = found
            .iter()
            .filter(|p| {
                p["identifier"].as_array().is_some_and(|ids| {
                    ids.iter().any(|i| {
                        i["system"]
                            .as_str()
                            .is_some_and(|s| s.starts_with(MRN_SYSTEM_PREFIX))
                            && i["value"].as_str() == Some(pid.mrn.as_str())
                    })
                })
            })
            .collect();
        let patient = match matches.as_slice() {
            [] => {
                return Err(
                    Refusal::application(204, format!("no patient has MRN {}", pid.mrn))
                        .at("PID", 1, 3),
                );
            }
            [p] => *p,
            _ => {
                return Err(Refusal::application(
                    204,
                    format!("MRN {} belongs to more than one patient", pid.mrn),
                )
                .at("PID", 1, 3));
            }
        };
        agrees(patient, pid).map_err(|why| {
            let field = if why.starts_with("PID-7") { 7 } else { 5 };
            Refusal::application(204, why).at("PID", 1, field)
        })?;
        let id = patient["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Refusal::application(207, "the matched patient has no id"))?;
        Ok(id)
    }

    /// File the results in one transaction: the number of resources written, and whether the
    /// member now has a released result to see (not one a clinician holds from them, HIP-08).
    async fn file(
        &self,
        caller: &Caller,
        msg: &OruMessage,
        patient: &str,
    ) -> Result<(usize, bool), Refusal> {
        let received = ws_fhir_service::time::instant(self.clock().now_micros());
        let mut bundle = to_fhir::bundle(msg, patient, &received);
        self.keep_holds(caller, &mut bundle).await?;
        let entries = bundle["entry"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let n = entries.len();
        let member_sees = entries.iter().any(|e| {
            let r = &e["resource"];
            r["resourceType"] == "Observation"
                && matches!(r["status"].as_str(), Some("final" | "corrected"))
                && !hold::held_labels(r).contains(&labels::HOLD_ALL)
        });
        self.fhir
            .process_bundle_value(caller, &bundle)
            .await
            .map_err(|e| {
                Refusal::application(207, format!("the results could not be filed: {e}"))
            })?;
        Ok((n, member_sees))
    }

    /// A correction of a report a clinician holds stays held (HIP-08): the hold on the stored
    /// report is put on the new versions of the report and of its results.
    async fn keep_holds(&self, caller: &Caller, bundle: &mut Value) -> Result<(), Refusal> {
        let Some(entries) = bundle["entry"].as_array_mut() else {
            return Ok(());
        };
        let mut holds: Vec<(Vec<String>, hold::Hold)> = Vec::new();
        for e in entries.iter() {
            if e["resource"]["resourceType"] != "DiagnosticReport" {
                continue;
            }
            let Some(ident) = e["request"]["url"]
                .as_str()
                .and_then(|u| u.strip_prefix("DiagnosticReport?identifier="))
            else {
                continue;
            };
            let ident = percent_encoding::percent_decode_str(ident)
                .decode_utf8_lossy()
                .into_owned();
            let stored = self
                .fhir
                .search_resources(
                    caller,
                    "DiagnosticReport",
                    &[("identifier".into(), ident)],
                    2,
                )
                .await
                .map_err(|e| Refusal::application(207, format!("report lookup failed: {e}")))?;
            if let Some(h) = stored.iter().find_map(hold::hold_of) {
                let mut urls: Vec<String> = e["resource"]["result"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["reference"].as_str().map(str::to_owned))
                    .collect();
                urls.extend(e["fullUrl"].as_str().map(str::to_owned));
                holds.push((urls, h));
            }
        }
        for (urls, h) in &holds {
            for e in entries.iter_mut() {
                if e["fullUrl"]
                    .as_str()
                    .is_some_and(|u| urls.iter().any(|x| x == u))
                {
                    hold::place(&mut e["resource"], h);
                }
            }
        }
        Ok(())
    }

    /// Tell the member a result is ready (no result in the message: they sign in to see it),
    /// in the language of their record.
    pub(crate) async fn notify_result(&self, patient: &str) {
        let Some(identity) = &self.notices else {
            return;
        };
        if let Err(e) = identity
            .send_notice("interface:hl7", patient, |lang| {
                messages::email(lang, "result", &[])
            })
            .await
        {
            tracing::warn!(error = %e, "result notice not queued");
        }
    }

    /// Record a refused message for staff: a Task in no patient's compartment (the message is
    /// not attached to anyone's record), with the reason and the message itself.
    async fn work_item(&self, caller: &Caller, text: &str, refusal: &Refusal) -> Option<String> {
        let task = json!({
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "priority": "routine",
            "code": {"coding": [{"system": WORK_ITEM_SYSTEM, "code": HL7_REVIEW, "display": "Lab result message not filed"}]},
            "description": refusal.reason,
            "businessStatus": {"text": refusal.code.as_str()},
            "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
            "input": [{"type": {"text": "HL7 v2 message"}, "valueString": text}],
        });
        let body = serde_json::to_vec(&task).ok()?;
        match self.fhir.create(caller, "Task", &body, None).await {
            Ok(w) => Some(format!("Task/{}", w.id)),
            Err(e) => {
                tracing::warn!(error = %e, "work item not recorded");
                None
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn files_split_into_messages_whatever_the_line_ends() {
        let f = "MSH|^~\\&|A\r\nPID|1\r\nOBR|1\nMSH|^~\\&|B\rPID|2\r\n\r\n";
        let m = split_messages(f);
        assert_eq!(m, ["MSH|^~\\&|A\rPID|1\rOBR|1", "MSH|^~\\&|B\rPID|2"]);
        assert!(looks_like_hl7(b"MSH|^~\\&|"));
        assert!(looks_like_hl7(b"\x0bMSH|^~\\&|"));
        assert!(!looks_like_hl7(b"ISA*00*"));
        assert!(!looks_like_hl7(b"MSHX"));
    }

    #[test]
    fn names_compare_ignoring_case_hyphens_and_spaces_but_not_accents() {
        let p = json!({"name": [{"family": "Núñez-Ortega", "given": ["Ana", "María"]}], "birthDate": "1980-02-03"});
        let pid = |f: &str, g: &str, b: Option<&str>| PatientId {
            mrn: "X".into(),
            family: f.into(),
            given: g.into(),
            birth_date: b.map(str::to_owned),
        };
        assert!(agrees(&p, &pid("NÚÑEZ ORTEGA", "ana", Some("1980-02-03"))).is_ok());
        assert!(agrees(&p, &pid("Nunez", "Ana", None)).is_err());
        assert!(agrees(&p, &pid("Núñez-Ortega", "Maria", None)).is_err());
        assert!(agrees(&p, &pid("Núñez-Ortega", "María", Some("1980-02-04"))).is_err());
    }
}

/// A lab message that was not filed, waiting for staff.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub id: String,
    /// `AE` or `AR`.
    pub code: String,
    pub reason: String,
    /// FHIR instant.
    pub received: String,
    pub message: String,
}

impl RecordsService {
    /// Open lab work items, oldest first (member services' records desk).
    pub async fn work_items(&self, caller: &Caller) -> crate::service::Result<Vec<WorkItem>> {
        Self::authorize_records_staff(caller)?;
        let svc = staff_queue(caller);
        let found = self
            .fhir
            .search_resources(
                &svc,
                "Task",
                &[
                    ("code".into(), format!("{WORK_ITEM_SYSTEM}|{HL7_REVIEW}")),
                    ("status".into(), "requested".into()),
                    ("_sort".into(), "authored-on".into()),
                ],
                500,
            )
            .await?;
        Ok(found
            .iter()
            .filter_map(|t| {
                Some(WorkItem {
                    id: t["id"].as_str()?.to_owned(),
                    code: t["businessStatus"]["text"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                    reason: t["description"].as_str().unwrap_or("").to_owned(),
                    received: t["authoredOn"].as_str().unwrap_or("").to_owned(),
                    message: t["input"][0]["valueString"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                })
            })
            .collect())
    }

    /// Close a work item with what was done (resent by the lab, filed by hand, …).
    pub async fn resolve_work_item(
        &self,
        caller: &Caller,
        id: &str,
        note: &str,
    ) -> crate::service::Result<()> {
        Self::authorize_records_staff(caller)?;
        if note.trim().is_empty() {
            return Err(crate::service::RecordsError::Invalid(
                "say what was done with the message".into(),
            ));
        }
        let svc = staff_queue(caller);
        let r = self.fhir.read(&svc, "Task", id).await?;
        let mut t: Value = r
            .content
            .and_then(|c| serde_json::from_str(&c).ok())
            .ok_or_else(|| crate::service::RecordsError::NotFound(format!("Task/{id}")))?;
        if t["code"]["coding"][0]["code"] != HL7_REVIEW || !r.compartment.is_empty() {
            return Err(crate::service::RecordsError::NotFound(format!("Task/{id}")));
        }
        t["status"] = json!("completed");
        t["note"] = json!([{"text": note.trim(), "time": ws_fhir_service::time::instant(self.clock().now_micros())}]);
        let body = serde_json::to_vec(&t)
            .map_err(|e| crate::service::RecordsError::Invalid(e.to_string()))?;
        self.fhir.update(&svc, "Task", id, &body, None).await?;
        Ok(())
    }
}

/// Staff read queues across members after the service authorized them: as the service,
/// audited under their own name.
pub(crate) fn staff_queue(caller: &Caller) -> Caller {
    Caller {
        acting_for: None,
        purpose: Some("records desk".into()),
        ..caller.as_service("", "")
    }
}
