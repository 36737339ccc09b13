//! Choosing or changing the personal doctor (SCH-01). The rules run here first so the member
//! gets a precise answer; the write is an update of `Patient.generalPractitioner`, where the
//! write guard checks them again in the writing transaction (a panel that filled up a moment ago
//! refuses there).

use serde_json::{Value, json};
use ws_fhir_service::FhirError;

use super::directory::Doctor;
use super::guard::{panel_of, specialty};
use super::{Result, Right, SchedulingError, SchedulingService, ref_id, version_of};
use crate::rules::pcp::{self, Panel, PcpRefusal};

impl SchedulingService {
    /// The member's personal doctor now, if any.
    pub async fn current_pcp(
        &self,
        caller: &ws_fhir_service::Caller,
        patient: &str,
    ) -> Result<Option<Doctor>> {
        Self::authorize(caller, patient)?;
        let p = self.fhir.read_value(caller, "Patient", patient).await?;
        let Some(r) = p["generalPractitioner"].as_array().and_then(|l| l.first()) else {
            return Ok(None);
        };
        if let Some(id) = ref_id(r, "PractitionerRole") {
            return self.doctor(id).await;
        }
        if let Some(pid) = ref_id(r, "Practitioner") {
            let roles = self
                .shared_search("PractitionerRole", &[("practitioner", pid.to_owned())], 5)
                .await?;
            if let Some(id) = roles.first().and_then(|r| r["id"].as_str()) {
                return self.doctor(id).await;
            }
        }
        Ok(None)
    }

    /// A doctor's panel now.
    pub async fn panel(&self, role: &Value) -> Result<Panel> {
        let size = match super::guard::panel_refs(role) {
            Some(refs) => {
                self.fhir
                    .search_count(
                        &ws_fhir_service::Caller::system(),
                        "Patient",
                        &[("general-practitioner".into(), refs)],
                    )
                    .await?
            }
            None => 0,
        };
        Ok(panel_of(role, size))
    }

    /// Make the doctor of `role_id` the personal doctor of `patient`.
    pub async fn choose_pcp(
        &self,
        caller: &ws_fhir_service::Caller,
        patient: &str,
        role_id: &str,
    ) -> Result<std::result::Result<(), PcpRefusal>> {
        let right = Self::authorize(caller, patient)?;
        if right == Right::TeenParent {
            return Err(SchedulingError::Forbidden(
                "a teen chooses their own personal doctor (or calls member services)".into(),
            ));
        }
        let Some(role) = self.shared("PractitionerRole", role_id).await? else {
            return Err(SchedulingError::NotFound(format!(
                "PractitionerRole/{role_id}"
            )));
        };
        let svc = caller.as_service(patient, "scheduling: choose a personal doctor");
        for _ in 0..3 {
            let mut p = self.fhir.read_value(&svc, "Patient", patient).await?;
            let already = p["generalPractitioner"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| {
                    ref_id(r, "PractitionerRole") == Some(role_id)
                        || r["reference"].as_str() == role["practitioner"]["reference"].as_str()
                });
            if already {
                return Ok(Ok(()));
            }
            let age = p["birthDate"]
                .as_str()
                .and_then(|b| pcp::age_on(b, self.clock().today()))
                .unwrap_or(pcp::UNKNOWN_AGE);
            let panel = self.panel(&role).await?;
            if let Err(r) = pcp::decide(specialty(&role), age, panel, false) {
                return Ok(Err(r));
            }
            p["generalPractitioner"] = json!([{
                "reference": format!("PractitionerRole/{role_id}"),
                "display": role["practitioner"]["display"]
            }]);
            match self
                .fhir
                .update(
                    &svc,
                    "Patient",
                    patient,
                    p.to_string().as_bytes(),
                    Some(&format!("W/\"{}\"", version_of(&p))),
                )
                .await
            {
                Ok(_) => return Ok(Ok(())),
                // The panel filled (or closed) between our check and the write.
                Err(FhirError::Unprocessable(_)) => return Ok(Err(PcpRefusal::PanelFull)),
                Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(SchedulingError::Invalid(
            "the record changed several times at once; try again".into(),
        ))
    }

    /// Open or close a doctor's panel to new members (an administrator; members on it stay).
    pub async fn set_panel(
        &self,
        caller: &ws_fhir_service::Caller,
        role_id: &str,
        closed: bool,
        capacity: Option<i64>,
    ) -> Result<Panel> {
        Self::authorize_desk(caller)?;
        for _ in 0..3 {
            let Some(mut role) = self.shared("PractitionerRole", role_id).await? else {
                return Err(SchedulingError::NotFound(format!(
                    "PractitionerRole/{role_id}"
                )));
            };
            let version = version_of(&role);
            let mut ext: Vec<Value> = role["extension"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| {
                    let u = e["url"].as_str().unwrap_or_default();
                    u != super::guard::EXT_PANEL_CLOSED
                        && (capacity.is_none() || u != super::guard::EXT_PANEL_CAPACITY)
                })
                .collect();
            ext.push(json!({"url": super::guard::EXT_PANEL_CLOSED, "valueBoolean": closed}));
            if let Some(c) = capacity {
                ext.push(
                    json!({"url": super::guard::EXT_PANEL_CAPACITY, "valueInteger": c.max(0)}),
                );
            }
            role["extension"] = json!(ext);
            let panel = self.panel(&role).await?;
            let accepting = panel.accepting();
            if let Some(list) = role["extension"].as_array_mut() {
                list.retain(|e| e["url"].as_str() != Some(super::guard::EXT_ACCEPTING));
                list.push(json!({"url": super::guard::EXT_ACCEPTING, "valueBoolean": accepting}));
            }
            match self
                .fhir
                .update(
                    &Self::desk_caller(caller, "scheduling: open or close a panel"),
                    "PractitionerRole",
                    role_id,
                    role.to_string().as_bytes(),
                    Some(&format!("W/\"{version}\"")),
                )
                .await
            {
                Ok(_) => return Ok(panel),
                Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(SchedulingError::Invalid(
            "the doctor's record changed at the same time; try again".into(),
        ))
    }
}
