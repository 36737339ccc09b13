//! "Is my coverage active?" (ELG-01) for any date: the portal page, the API and the X12 271
//! give the same answer, built here.

use crate::rules::eligibility::{PaymentState, PeriodView, Status, status};
use crate::rules::{Market, Product};
use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::Caller;

use crate::service::family::{CoverageRow, PlanSummary, display_name};
use crate::service::ids::{identifier, member_id_system, mrn_system, region_of_patient};
use crate::service::{CoverageService, Result};

/// The answer for one member on one date.
#[derive(Debug, Clone)]
pub struct CoverageStatus {
    pub patient: String,
    pub name: String,
    pub birth_date: Option<String>,
    pub mrn: Option<String>,
    pub member_id: Option<String>,
    pub on: Date,
    pub status: Status,
    /// The coverage that answers (covering `on`, else the nearest one).
    pub coverage: Option<CoverageRow>,
    pub plan: Option<PlanSummary>,
    pub pcp: Option<String>,
    pub region: Option<String>,
    /// The day the answer was made (the service clock's today, UTC).
    pub created: Date,
    /// For an area-of-care record (AWY-01): the home record's region, whose coverage (and plan,
    /// with its cost sharing) is the answer.
    pub home_region: Option<String>,
}

impl CoverageStatus {
    pub fn is_active(&self) -> bool {
        !matches!(self.status, Status::NotActive { .. })
    }

    /// "active", "active-pending-payment" or "not-active".
    pub fn code(&self) -> &'static str {
        match self.status {
            Status::Active => "active",
            Status::ActivePendingPayment => "active-pending-payment",
            Status::NotActive { .. } => "not-active",
        }
    }

    pub fn product(&self) -> Option<Product> {
        self.coverage
            .as_ref()
            .and_then(|c| Product::from_code(&c.plan_code))
    }

    /// The API answer: a FHIR CoverageEligibilityResponse (not stored).
    pub fn to_fhir(&self, request_id: &str) -> Value {
        let mut insurance = json!({"inforce": self.is_active()});
        if let Some(c) = &self.coverage {
            insurance["coverage"] = json!({"reference": format!("Coverage/{}", c.id)});
            let mut period = json!({"start": c.start.to_string()});
            if let Some(e) = c.end {
                period["end"] = json!(e.to_string());
            }
            insurance["benefitPeriod"] = period;
        }
        if let Some(p) = &self.plan {
            let items: Vec<Value> = p
                .benefits
                .iter()
                .map(|(code, display, cost)| {
                    json!({
                        "category": {"coding": [{"system": "urn:wellspring:benefit-type", "code": code, "display": display}]},
                        "network": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/benefit-network", "code": "in"}]},
                        "description": cost
                    })
                })
                .collect();
            insurance["item"] = json!(items);
        }
        let disposition = match &self.status {
            Status::Active => "Coverage is active".to_owned(),
            Status::ActivePendingPayment => {
                "Coverage is active; claims are pending payment of dues (grace period)".to_owned()
            }
            Status::NotActive { reason } => format!("Coverage is not active: {reason}"),
        };
        json!({
            "resourceType": "CoverageEligibilityResponse",
            "id": request_id,
            "status": "active",
            "purpose": ["validation", "benefits"],
            "patient": {"reference": format!("Patient/{}", self.patient), "display": self.name},
            "servicedDate": self.on.to_string(),
            "created": self.created.to_string(),
            "request": {"display": format!("eligibility on {}", self.on)},
            "outcome": "complete",
            "disposition": disposition,
            "insurer": {"display": self.region.as_deref().map_or("Wellspring Health".to_owned(), |r| format!("Wellspring Health ({r})"))},
            "insurance": [insurance]
        })
    }
}

impl CoverageService {
    /// Coverage status of `patient` on `on`, for a caller allowed to see it.
    pub async fn status(&self, caller: &Caller, patient: &str, on: Date) -> Result<CoverageStatus> {
        Self::authorize_view(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "coverage: eligibility check");
        self.status_as(&svc, patient, on).await
    }

    pub(crate) async fn status_as(
        &self,
        svc: &Caller,
        patient: &str,
        on: Date,
    ) -> Result<CoverageStatus> {
        let p = self.read_json(svc, "Patient", patient).await?;
        let mut rows = self.coverages_of(svc, patient).await?;
        let mut home_region = None;
        if rows.is_empty() {
            // An area-of-care record has no coverage of its own: the member is covered by their
            // home plan, whose cost sharing applies away from home (AWY-01). Issue 13: the
            // regional record said "No coverage on record".
            for id in crate::service::areas::linked_ids(&p) {
                let home_rows = self.coverages_of(svc, &id).await?;
                if !home_rows.is_empty() {
                    let home = self.read_json(svc, "Patient", &id).await?;
                    home_region = region_of_patient(&home);
                    rows = home_rows;
                    break;
                }
            }
        }
        let mut st = self
            .status_from(svc, &p, rows, on, home_region.as_deref())
            .await;
        st.home_region = home_region;
        Ok(st)
    }

    pub(crate) async fn status_from(
        &self,
        svc: &Caller,
        p: &Value,
        rows: Vec<CoverageRow>,
        on: Date,
        plan_region: Option<&str>,
    ) -> CoverageStatus {
        let patient = p["id"].as_str().unwrap_or_default().to_owned();
        let region = region_of_patient(p);
        let views: Vec<PeriodView> = rows
            .iter()
            .filter(|r| r.status != "entered-in-error")
            .map(|r| PeriodView {
                start: r.start,
                end: r.end,
                cancelled_retroactively: false,
            })
            .collect();
        let market = rows
            .iter()
            .find_map(|r| Product::from_code(&r.plan_code))
            .map_or(Market::EmployerGroup, Product::market_default);
        let settings = self.rules.for_request(on, None, market);
        // Dues and premium payments are not modelled yet: every member counts as paid up.
        let st = status(
            &views,
            on,
            &PaymentState {
                unpaid_since: None,
                aptc: false,
            },
            settings,
        );
        let chosen = rows
            .iter()
            .find(|r| r.covers(on))
            .or_else(|| {
                rows.iter().min_by_key(|r| {
                    let d = if r.start > on {
                        (r.start - on).get_days()
                    } else {
                        (on - r.end.unwrap_or(on)).get_days()
                    };
                    d.abs()
                })
            })
            .cloned();
        let plan = match &chosen {
            Some(c) => self
                .plan_by_code(svc, &c.plan_code, plan_region.or(region.as_deref()))
                .await
                .ok()
                .map(|v| PlanSummary::from_resource(&v)),
            None => None,
        };
        let pcp = p["generalPractitioner"][0]["display"]
            .as_str()
            .map(str::to_owned);
        CoverageStatus {
            name: display_name(p),
            birth_date: p["birthDate"].as_str().map(str::to_owned),
            mrn: region
                .as_deref()
                .and_then(|r| identifier(p, &mrn_system(r))),
            member_id: region
                .as_deref()
                .and_then(|r| identifier(p, &member_id_system(r))),
            patient,
            on,
            status: st,
            coverage: chosen,
            plan,
            pcp,
            region,
            created: self.clock().today(),
            home_region: None,
        }
    }
}
