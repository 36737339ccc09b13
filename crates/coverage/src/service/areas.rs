//! Care away from home (issue 5 part 6, AWY-01/02, ENR-23, EX-W1): a member adds an "area of
//! care" — a medical record number issued by another region, on a Patient linked to their
//! home record (`Patient.link` type `seealso`, both ways). The portal then lists it beside the
//! home record (the web layer records the account's access to it).

use crate::rules::Product;
use crate::rules::away::{Service, VisitDecision, visiting};
use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::Caller;

use crate::service::family::{display_name, strip_meta};
use crate::service::ids::{identifier, mrn_system, region_of_patient};
use crate::service::{CoverageError, CoverageService, Result};

/// One of a member's records in another region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaOfCare {
    pub region: String,
    pub patient: String,
    pub mrn: String,
}

pub(crate) fn linked_ids(p: &Value) -> Vec<String> {
    p["link"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["type"] == "seealso")
        .filter_map(|l| {
            l["other"]["reference"]
                .as_str()?
                .strip_prefix("Patient/")
                .map(str::to_owned)
        })
        .collect()
}

impl CoverageService {
    /// The member's records in other regions.
    pub async fn areas_of_care(&self, caller: &Caller, patient: &str) -> Result<Vec<AreaOfCare>> {
        Self::authorize_view(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "care away from home: areas of care");
        let p = self.read_json(&svc, "Patient", patient).await?;
        let mut out = Vec::new();
        for id in linked_ids(&p) {
            let other = self.read_json(&svc, "Patient", &id).await?;
            if let Some(region) = region_of_patient(&other) {
                out.push(AreaOfCare {
                    mrn: identifier(&other, &mrn_system(&region)).unwrap_or_default(),
                    region,
                    patient: id,
                });
            }
        }
        Ok(out)
    }

    /// Add an area of care in `region` for `patient` (their home record). Refused for plans
    /// without routine care away from home (Medicaid, ENR-23 / AWY-02) and without active
    /// coverage; an existing one is returned as is.
    pub async fn add_area_of_care(
        &self,
        caller: &Caller,
        patient: &str,
        region: &str,
        today: Date,
    ) -> Result<AreaOfCare> {
        Self::authorize_manage(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "care away from home: add an area of care");
        let home = self.read_json(&svc, "Patient", patient).await?;
        let home_region = region_of_patient(&home)
            .ok_or_else(|| CoverageError::Invalid("this record has no MRN".into()))?;
        if home_region == region {
            return Err(CoverageError::Invalid(format!(
                "{region} is already your home region"
            )));
        }
        let regions = self.regions(&svc).await?;
        if !regions.iter().any(|r| r.code == region) {
            return Err(CoverageError::NotFound(format!("no region '{region}'")));
        }
        for id in linked_ids(&home) {
            let other = self.read_json(&svc, "Patient", &id).await?;
            if region_of_patient(&other).as_deref() == Some(region) {
                return Ok(AreaOfCare {
                    region: region.to_owned(),
                    mrn: identifier(&other, &mrn_system(region)).unwrap_or_default(),
                    patient: id,
                });
            }
        }
        let st = self.status_as(&svc, patient, today).await?;
        if !st.is_active() {
            return Err(CoverageError::Refused {
                reason: ws_i18n::said::Said::new("reason-area-needs-coverage"),
                next_allowed: None,
                rule: "AWY-01",
            });
        }
        if let Some(product) = st.product().or(Some(Product::TraditionalHmo))
            && let VisitDecision::Refused { reason, rule } = visiting(product, Service::Routine)
        {
            return Err(CoverageError::Refused {
                reason,
                next_allowed: None,
                rule,
            });
        }
        let mrn = self.issue_mrn(region).await?;
        let id = format!("{region}-pat-{}", mrn.to_ascii_lowercase());
        let mut ids = vec![json!({
            "use": "usual",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}], "text": "MRN"},
            "system": mrn_system(region),
            "value": mrn
        })];
        // The member number stays the home plan's: cost sharing follows the home plan.
        if let Some(mb) = home["identifier"].as_array().and_then(|a| {
            a.iter()
                .find(|i| {
                    i["system"]
                        .as_str()
                        .is_some_and(|s| s.starts_with("urn:wellspring:member-id:"))
                })
                .cloned()
        }) {
            ids.push(mb);
        }
        let mut visiting_rec = json!({
            "resourceType": "Patient",
            "id": id,
            "identifier": ids,
            "active": true,
            "link": [{"other": {"reference": format!("Patient/{patient}"), "display": display_name(&home)}, "type": "seealso"}],
            "managingOrganization": {"reference": format!("Organization/{region}-org-plan")}
        });
        for k in [
            "name",
            "telecom",
            "gender",
            "birthDate",
            "address",
            "communication",
        ] {
            if !home[k].is_null() {
                visiting_rec[k] = home[k].clone();
            }
        }
        let mut home2 = home.clone();
        home2 = strip_meta(&home2);
        let mut links = home2["link"].as_array().cloned().unwrap_or_default();
        links.push(json!({"other": {"reference": format!("Patient/{id}")}, "type": "seealso"}));
        home2["link"] = json!(links);
        self.put_all(&svc, vec![visiting_rec, home2]).await?;
        Ok(AreaOfCare {
            region: region.to_owned(),
            patient: id,
            mrn,
        })
    }
}
