//! The plan's drug formulary published for apps, readable without signing in (issue 15 §7):
//! each listed drug as a Da Vinci PDEX US Drug Formulary `FormularyDrug` (R4
//! `MedicationKnowledge`, a shared type the policy lets anyone read). Published when the server
//! starts; a drug whose published form has not changed is not written again (no new version).

use serde_json::Value;
use ws_fhir_service::{Caller, FhirError};

use super::{PharmacyService, Result, json_body};
use crate::rules::formulary::{FORMULARY, drug_resource};

/// The plan identifier the published drugs carry: Wellspring has one open formulary for all
/// its plans.
pub const FORMULARY_PLAN_ID: &str = "wellspring-open-formulary";

/// A resource without the server's bookkeeping (`meta.versionId`, `meta.lastUpdated`), to
/// compare what is stored with what would be written.
fn content(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(meta) = v.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("versionId");
        meta.remove("lastUpdated");
    }
    v
}

impl PharmacyService {
    /// Write the listed drugs as FormularyDrug resources; how many were written (0 when all
    /// were already as published).
    pub async fn publish_formulary(&self) -> Result<usize> {
        let mut caller = Caller::system();
        caller.actor = "formulary".into();
        let mut written = 0;
        for d in FORMULARY {
            let r = drug_resource(d, FORMULARY_PLAN_ID);
            let id = r["id"].as_str().unwrap_or_default().to_owned();
            match self
                .fhir
                .read_value(&caller, "MedicationKnowledge", &id)
                .await
            {
                Ok(stored) if content(&stored) == content(&r) => continue,
                Ok(_) => {}
                Err(FhirError::NotFound(_) | FhirError::Gone(_)) => {}
                Err(e) => return Err(e.into()),
            }
            self.fhir
                .update(&caller, "MedicationKnowledge", &id, &json_body(&r), None)
                .await?;
            written += 1;
        }
        Ok(written)
    }
}
