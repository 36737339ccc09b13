//! The member's record, by section, read with the caller's own authority: the FHIR service's
//! policy decides what this caller sees of this patient (a parent of a teen sees growth
//! charts only, a caregiver no sensitive care), and every search and read is audited there.

use serde_json::Value;
use ws_fhir_service::Caller;

use crate::rules::trend::Point;
use crate::service::{RecordsError, RecordsService, Result};

/// A part of the record with its own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordSection {
    Results,
    Problems,
    Allergies,
    Medications,
    Immunizations,
    Procedures,
    Visits,
    Vitals,
}

impl RecordSection {
    pub const ALL: [RecordSection; 8] = [
        RecordSection::Results,
        RecordSection::Problems,
        RecordSection::Allergies,
        RecordSection::Medications,
        RecordSection::Immunizations,
        RecordSection::Procedures,
        RecordSection::Visits,
        RecordSection::Vitals,
    ];

    /// The address segment (`/record/<slug>`) and text-key part.
    pub fn slug(self) -> &'static str {
        match self {
            RecordSection::Results => "results",
            RecordSection::Problems => "problems",
            RecordSection::Allergies => "allergies",
            RecordSection::Medications => "medications",
            RecordSection::Immunizations => "immunizations",
            RecordSection::Procedures => "procedures",
            RecordSection::Visits => "visits",
            RecordSection::Vitals => "vitals",
        }
    }

    pub fn from_slug(s: &str) -> Option<RecordSection> {
        RecordSection::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// The FHIR type the section lists, and the search that finds it (besides the patient).
    pub fn query(self) -> (&'static str, Vec<(&'static str, &'static str)>) {
        match self {
            RecordSection::Results => ("DiagnosticReport", vec![("_sort", "-date")]),
            RecordSection::Problems => ("Condition", vec![]),
            RecordSection::Allergies => ("AllergyIntolerance", vec![]),
            RecordSection::Medications => ("MedicationRequest", vec![]),
            RecordSection::Immunizations => ("Immunization", vec![("_sort", "-date")]),
            RecordSection::Procedures => ("Procedure", vec![("_sort", "-date")]),
            RecordSection::Visits => ("Encounter", vec![("_sort", "-date")]),
            RecordSection::Vitals => (
                "Observation",
                vec![("category", "vital-signs"), ("_sort", "-date")],
            ),
        }
    }
}

/// Most rows a section page lists.
pub const SECTION_MAX: i64 = 500;

impl RecordsService {
    /// The resources of one section of `patient`'s record that `caller` may see.
    pub async fn section(
        &self,
        caller: &Caller,
        patient: &str,
        section: RecordSection,
    ) -> Result<Vec<Value>> {
        let (ty, extra) = section.query();
        let mut q: Vec<(String, String)> = vec![("patient".into(), patient.to_owned())];
        q.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Ok(self
            .fhir
            .search_resources(caller, ty, &q, SECTION_MAX)
            .await?)
    }

    /// One resource of `patient`'s record, if `caller` may see it and it is theirs (else
    /// not found, exactly as if it did not exist).
    pub async fn resource(
        &self,
        caller: &Caller,
        patient: &str,
        res_type: &str,
        id: &str,
    ) -> Result<Value> {
        let r = self.fhir.read(caller, res_type, id).await?;
        if r.compartment != patient {
            return Err(RecordsError::NotFound(format!("{res_type}/{id}")));
        }
        r.content
            .and_then(|c| serde_json::from_str(&c).ok())
            .ok_or_else(|| RecordsError::NotFound(format!("{res_type}/{id}")))
    }

    /// A report and the results it lists (those the caller may see).
    pub async fn report(
        &self,
        caller: &Caller,
        patient: &str,
        id: &str,
    ) -> Result<(Value, Vec<Value>)> {
        let dr = self
            .resource(caller, patient, "DiagnosticReport", id)
            .await?;
        let mut results = Vec::new();
        for r in dr["result"].as_array().into_iter().flatten() {
            let Some(oid) = r["reference"]
                .as_str()
                .and_then(|s| s.strip_prefix("Observation/"))
            else {
                continue;
            };
            match self.resource(caller, patient, "Observation", oid).await {
                Ok(o) => results.push(o),
                Err(RecordsError::NotFound(_)) => {}
                Err(RecordsError::Fhir(e)) if matches!(e.status(), 403 | 404 | 410) => {}
                Err(e) => return Err(e),
            }
        }
        Ok((dr, results))
    }

    /// Earlier numeric values of the same test as `obs` (same code, this patient), oldest first.
    pub async fn trend(&self, caller: &Caller, patient: &str, obs: &Value) -> Result<Vec<Point>> {
        let Some(coding) = obs["code"]["coding"].as_array().and_then(|c| c.first()) else {
            return Ok(Vec::new());
        };
        let code = match (coding["system"].as_str(), coding["code"].as_str()) {
            (Some(s), Some(c)) => format!("{s}|{c}"),
            (None, Some(c)) => c.to_owned(),
            _ => return Ok(Vec::new()),
        };
        let found = self
            .fhir
            .search_resources(
                caller,
                "Observation",
                &[
                    ("patient".into(), patient.to_owned()),
                    ("code".into(), code),
                    ("_sort".into(), "date".into()),
                ],
                200,
            )
            .await?;
        Ok(found
            .iter()
            .filter(|o| !matches!(o["status"].as_str(), Some("entered-in-error" | "cancelled")))
            .filter_map(|o| {
                let value = o["valueQuantity"]["value"].as_f64()?;
                let date = o["effectiveDateTime"]
                    .as_str()
                    .or_else(|| o["issued"].as_str())?;
                Some(Point {
                    date: date.get(..10).unwrap_or(date).to_owned(),
                    value,
                })
            })
            .collect())
    }
}
