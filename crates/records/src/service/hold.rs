//! Holding a result (HIP-08): a clinician on the patient's care team holds one report and its
//! results with an individual determination, or releases it (the member is told then). The
//! hold is a label the policy reads, so a held result answers the member exactly as a missing
//! one, in the portal, the FHIR API, searches, counts, trends and exports alike.
//!
//! [`HoldGuard`] keeps it so on every write path: only a treating clinician places or lifts a
//! hold; a lab correction of a held report keeps it (the results service carries it over, and
//! a correction that would drop it is refused and the lab resends).

use serde_json::{Value, json};
use ws_fhir_service::guards::{Change, ChangeKind, Companion, Facts, GuardFuture, WriteGuard};
use ws_fhir_service::{Caller, FhirError, Principal};
use ws_identity::StaffRole;
use ws_identity::rules::labels::{HOLD_SYSTEM, HOLDS};

use crate::rules::hold::{self, Basis, Hold, HoldRefusal, Writer};
use crate::service::{RecordsError, RecordsService, Result};

/// The types a hold is placed on.
pub const HELD_TYPES: [&str; 2] = ["DiagnosticReport", "Observation"];

/// The patient id a result is about (`subject: Patient/<id>`).
pub fn subject_of(res: &Value) -> Option<&str> {
    res["subject"]["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix("Patient/"))
}

/// Who `caller` is as a writer of `patient`'s results.
fn writer(caller: &Caller, patient: Option<&str>) -> Writer {
    match &caller.principal {
        Principal::System | Principal::Integration { .. } => Writer::Interface,
        Principal::Staff {
            role: StaffRole::Clinician,
            panel,
            ..
        } if patient.is_some_and(|p| panel.iter().any(|x| x == p)) => Writer::TreatingClinician,
        Principal::Staff { .. } => Writer::OtherStaff,
        Principal::Anonymous | Principal::Person { .. } | Principal::App { .. } => Writer::Person,
    }
}

fn refused(r: &HoldRefusal) -> FhirError {
    FhirError::Unprocessable(vec![ws_fhir::Issue::error(
        ws_fhir::IssueCode::BusinessRule,
        r.message(),
    )])
}

/// The write guard: a hold changes only by a treating clinician's hand (HIP-08).
#[derive(Debug, Clone, Copy, Default)]
pub struct HoldGuard;

impl WriteGuard for HoldGuard {
    fn watches(&self, res_type: &str) -> bool {
        HELD_TYPES.contains(&res_type)
    }

    fn check<'a>(
        &'a self,
        _facts: &'a mut Facts<'_>,
        caller: &'a Caller,
        change: Change<'a>,
    ) -> GuardFuture<'a> {
        Box::pin(async move {
            let before = change.before.map(hold::held_labels).unwrap_or_default();
            let after = match change.kind {
                ChangeKind::Delete => Vec::new(),
                _ => change.after.map(hold::held_labels).unwrap_or_default(),
            };
            let patient = change
                .after
                .and_then(subject_of)
                .or_else(|| change.before.and_then(subject_of));
            let created = change.before.is_none();
            hold::may_change(&before, &after, created, writer(caller, patient))
                .map_err(|r| refused(&r))?;
            let after_value = match change.kind {
                ChangeKind::Delete => None,
                _ => change.after,
            };
            hold::check_whole(change.before, after_value).map_err(|r| refused(&r))?;
            Ok(Vec::<Companion>::new())
        })
    }
}

/// A held report, for the clinicians' screen.
#[derive(Debug, Clone)]
pub struct HeldReport {
    pub report: Value,
    pub patient: String,
    pub hold: Hold,
}

fn service_refusal(r: HoldRefusal) -> RecordsError {
    match r {
        HoldRefusal::NotTreatingClinician => RecordsError::Forbidden(r.message()),
        other => RecordsError::Invalid(other.message()),
    }
}

/// The version of a stored resource, as `If-Match` wants it.
fn etag(res: &Value) -> String {
    format!("W/\"{}\"", res["meta"]["versionId"].as_str().unwrap_or("0"))
}

impl RecordsService {
    /// The practitioner reference of a clinician who treats `patient`, or the hold's refusal.
    fn treating(caller: &Caller, patient: &str) -> Result<String> {
        super::treating_clinician(caller, patient)
            .map(|p| format!("Practitioner/{p}"))
            .map_err(|_| service_refusal(HoldRefusal::NotTreatingClinician))
    }

    /// `patient`'s lab reports, newest first (what the clinician may read).
    pub async fn patient_reports(&self, caller: &Caller, patient: &str) -> Result<Vec<Value>> {
        Ok(self
            .fhir
            .search_resources(
                caller,
                "DiagnosticReport",
                &[
                    ("patient".into(), patient.to_owned()),
                    ("_sort".into(), "-date".into()),
                ],
                50,
            )
            .await?)
    }

    /// The reports held now, among the patients `caller` may read (a clinician: their panel).
    pub async fn held_reports(&self, caller: &Caller) -> Result<Vec<HeldReport>> {
        let any_hold = HOLDS
            .iter()
            .map(|l| format!("{HOLD_SYSTEM}|{l}"))
            .collect::<Vec<_>>()
            .join(",");
        let found = self
            .fhir
            .search_resources(
                caller,
                "DiagnosticReport",
                &[
                    ("_security".into(), any_hold),
                    ("_sort".into(), "-date".into()),
                ],
                200,
            )
            .await?;
        Ok(found
            .into_iter()
            .filter_map(|report| {
                let hold = hold::hold_of(&report)?;
                let patient = subject_of(&report)?.to_owned();
                Some(HeldReport {
                    report,
                    patient,
                    hold,
                })
            })
            .collect())
    }

    /// The report and its results as stored (read by the clinician), with the patient.
    async fn report_and_results(
        &self,
        caller: &Caller,
        report_id: &str,
    ) -> Result<(String, Value, Vec<Value>)> {
        let dr = self
            .fhir
            .read_value(caller, "DiagnosticReport", report_id)
            .await?;
        let patient = subject_of(&dr)
            .ok_or_else(|| RecordsError::Invalid("this report names no patient".into()))?
            .to_owned();
        let mut results = Vec::new();
        for r in dr["result"].as_array().into_iter().flatten() {
            if let Some(id) = r["reference"]
                .as_str()
                .and_then(|s| s.strip_prefix("Observation/"))
            {
                match self.fhir.read_value(caller, "Observation", id).await {
                    Ok(o) => results.push(o),
                    Err(e) if matches!(e.status(), 404 | 410) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok((patient, dr, results))
    }

    /// Write the report and its results in one transaction, each at the version read (a
    /// concurrent change makes the whole hold or release fail, not half of it).
    async fn write_all(&self, caller: &Caller, dr: &Value, results: &[Value]) -> Result<()> {
        let entry = |res: &Value, t: &str| {
            json!({
                "resource": res,
                "request": {
                    "method": "PUT",
                    "url": format!("{t}/{}", res["id"].as_str().unwrap_or_default()),
                    "ifMatch": etag(res),
                }
            })
        };
        let mut entries = vec![entry(dr, "DiagnosticReport")];
        entries.extend(results.iter().map(|o| entry(o, "Observation")));
        let bundle = json!({"resourceType": "Bundle", "type": "transaction", "entry": entries});
        self.fhir.process_bundle_value(caller, &bundle).await?;
        Ok(())
    }

    /// Hold report `report_id` and its results (HIP-08): `caller` must be a clinician on the
    /// patient's care team (not by emergency access), with a reason.
    pub async fn hold_result(
        &self,
        caller: &Caller,
        report_id: &str,
        basis: Basis,
        reason: &str,
    ) -> Result<Hold> {
        let (patient, mut dr, mut results) = self.report_and_results(caller, report_id).await?;
        let clinician = Self::treating(caller, &patient)?;
        hold::check_place(&dr, reason).map_err(service_refusal)?;
        let h = Hold {
            basis,
            reason: reason.trim().to_owned(),
            clinician,
            at: ws_fhir_service::time::instant(self.clock().now_micros()),
        };
        hold::place(&mut dr, &h);
        for o in &mut results {
            hold::place(o, &h);
        }
        self.write_all(caller, &dr, &results).await?;
        tracing::info!(basis = basis.code(), "result held by a clinician");
        Ok(h)
    }

    /// Release a held report and its results; the member is told a result is ready.
    pub async fn release_result(&self, caller: &Caller, report_id: &str) -> Result<()> {
        let (patient, mut dr, mut results) = self.report_and_results(caller, report_id).await?;
        Self::treating(caller, &patient)?;
        if !hold::is_held(&dr) && !results.iter().any(hold::is_held) {
            return Err(service_refusal(HoldRefusal::NotHeld));
        }
        hold::lift(&mut dr);
        for o in &mut results {
            hold::lift(o);
        }
        self.write_all(caller, &dr, &results).await?;
        self.notify_result(&patient).await;
        Ok(())
    }
}
