//! Reading membership: a member's Coverage rows, their family (everyone covered under the same
//! subscriber), the plan and its benefits.

use std::collections::BTreeMap;

use crate::rules::Relationship;
use crate::rules::ledger::Period;
use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::Caller;

use crate::service::ids::{identifier, region_of_patient};
use crate::service::{CoverageError, CoverageService, Result};

pub const PLAN_CODE_SYSTEM: &str = "urn:wellspring:plan-code";
pub const GROUP_SYSTEM: &str = "urn:wellspring:employer-group";
pub const REGION_SYSTEM: &str = "urn:wellspring:region";
pub const X12_RELATIONSHIP: &str = "urn:wellspring:x12-relationship";
/// Coverage extension: a Medicare election made for this coverage (ENR-15..19): `period` (code:
/// iep, icep, gep, aep, ma-oep, five-star) and `madeOn` (the day the member chose). Recorded so
/// the once-only periods (ENR-18, ENR-19) can be enforced; the write is audited like any other.
pub const ELECTION_URL: &str =
    "http://wellspring.example/fhir/StructureDefinition/medicare-election";
/// Patient extension: Medicare Part A and Part B entitlement dates (`partA`, `partB`, dates).
pub const ENTITLEMENT_URL: &str =
    "http://wellspring.example/fhir/StructureDefinition/medicare-entitlement";
/// InsurancePlan extension: the plan's Medicare star rating for its plan year (ENR-19),
/// `valueDecimal` 1–5.
pub const STAR_RATING_URL: &str =
    "http://wellspring.example/fhir/StructureDefinition/medicare-star-rating";
const COVERAGE_CLASS: &str = "http://terminology.hl7.org/CodeSystem/coverage-class";
const SUBSCRIBER_RELATIONSHIP: &str =
    "http://terminology.hl7.org/CodeSystem/subscriber-relationship";

/// One Coverage resource, read into plain facts.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub id: String,
    pub member: String,
    pub subscriber: String,
    pub relationship: Relationship,
    pub plan_code: String,
    pub plan_name: String,
    pub group: String,
    pub group_name: String,
    pub start: Date,
    /// Inclusive last covered day.
    pub end: Option<Date>,
    pub status: String,
    pub member_id: String,
    pub resource: Value,
}

impl CoverageRow {
    pub fn parse(v: &Value) -> Option<CoverageRow> {
        let id = v["id"].as_str()?.to_owned();
        let member = patient_ref(&v["beneficiary"])?;
        let subscriber = patient_ref(&v["subscriber"]).unwrap_or_else(|| member.clone());
        let codings = v["relationship"]["coding"].as_array();
        let relationship = codings
            .and_then(|c| {
                c.iter()
                    .find(|x| x["system"] == X12_RELATIONSHIP)
                    .and_then(|x| Relationship::from_x12(x["code"].as_str().unwrap_or_default()))
            })
            .or_else(|| {
                let code = codings?
                    .iter()
                    .find(|x| x["system"] == SUBSCRIBER_RELATIONSHIP)?["code"]
                    .as_str()?;
                Some(match code {
                    "self" => Relationship::SelfSubscriber,
                    "spouse" => Relationship::Spouse,
                    "common" => Relationship::LifePartner,
                    "child" => Relationship::Child,
                    _ => Relationship::Ward,
                })
            })
            .unwrap_or(if member == subscriber {
                Relationship::SelfSubscriber
            } else {
                Relationship::Child
            });
        let class = |kind: &str| -> (String, String) {
            v["class"]
                .as_array()
                .and_then(|cs| {
                    cs.iter().find(|c| {
                        c["type"]["coding"]
                            .as_array()
                            .is_some_and(|k| k.iter().any(|x| x["code"] == kind))
                    })
                })
                .map(|c| {
                    (
                        c["value"].as_str().unwrap_or_default().to_owned(),
                        c["name"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .unwrap_or_default()
        };
        let (plan_code, plan_name) = class("plan");
        let (group, group_name) = class("group");
        let start = v["period"]["start"].as_str()?.get(..10)?.parse().ok()?;
        let end = v["period"]["end"]
            .as_str()
            .and_then(|e| e.get(..10)?.parse().ok());
        let member_id = v["identifier"]
            .as_array()
            .and_then(|ids| ids.first())
            .and_then(|i| i["value"].as_str())
            .unwrap_or_default()
            .to_owned();
        Some(CoverageRow {
            id,
            member,
            subscriber,
            relationship,
            plan_code,
            plan_name,
            group,
            group_name,
            start,
            end,
            status: v["status"].as_str().unwrap_or_default().to_owned(),
            member_id,
            resource: v.clone(),
        })
    }

    pub fn covers(&self, on: Date) -> bool {
        self.status != "entered-in-error" && self.start <= on && self.end.is_none_or(|e| on <= e)
    }

    /// The ledger's view of this row.
    pub fn period(&self) -> Period {
        Period {
            id: self.id.clone(),
            member: self.member.clone(),
            subscriber: self.subscriber.clone(),
            relationship: self.relationship,
            kind: "medical".into(),
            plan: self.plan_code.clone(),
            group: self.group.clone(),
            start: self.start,
            end: self.end,
        }
    }
}

/// "Patient/x" → "x".
pub fn patient_ref(r: &Value) -> Option<String> {
    r["reference"]
        .as_str()?
        .strip_prefix("Patient/")
        .map(str::to_owned)
}

/// A family: everyone covered under one subscriber, with their Patient resources.
#[derive(Debug, Clone)]
pub struct Family {
    pub subscriber: String,
    pub rows: Vec<CoverageRow>,
    pub patients: BTreeMap<String, Value>,
}

impl Family {
    /// Rows covering `on`, subscriber first.
    pub fn active_on(&self, on: Date) -> Vec<&CoverageRow> {
        let mut rows: Vec<&CoverageRow> = self.rows.iter().filter(|r| r.covers(on)).collect();
        rows.sort_by_key(|r| {
            (
                r.relationship != Relationship::SelfSubscriber,
                r.member.clone(),
            )
        });
        rows
    }

    pub fn name_of(&self, patient: &str) -> String {
        self.patients
            .get(patient)
            .map_or_else(String::new, display_name)
    }

    pub fn periods(&self) -> Vec<Period> {
        self.rows.iter().map(CoverageRow::period).collect()
    }
}

/// "Given Family" of a Patient.
pub fn display_name(p: &Value) -> String {
    let n = &p["name"][0];
    let given: Vec<&str> = n["given"]
        .as_array()
        .map(|g| g.iter().filter_map(Value::as_str).take(1).collect())
        .unwrap_or_default();
    let mut s = given.join(" ");
    if let Some(f) = n["family"].as_str() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(f);
    }
    if s.is_empty() {
        n["text"].as_str().unwrap_or("(no name)").to_owned()
    } else {
        s
    }
}

/// A plan and what a member pays (from the InsurancePlan resource).
#[derive(Debug, Clone, Default)]
pub struct PlanSummary {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub metal_tier: Option<String>,
    pub year: Option<String>,
    pub deductible: Option<(u64, u64)>,
    pub oop_max: Option<(u64, Option<u64>)>,
    /// (benefit code, display, member cost in words) in plan order.
    pub benefits: Vec<(String, String, String)>,
    /// Extra benefits: (display, cost, limit or note).
    pub extras: Vec<(String, String, String)>,
    /// Medicare star rating for the plan year (ENR-19), when the plan has one.
    pub stars: Option<f64>,
    /// Monthly premium in dollars, when the plan data has one (`generalCost` of type
    /// "premium"); employer and individual premiums depend on the group or the household and
    /// are not plan data.
    pub premium: Option<u64>,
}

impl PlanSummary {
    pub fn from_resource(p: &Value) -> PlanSummary {
        let plan = &p["plan"][0];
        let money = |c: &Value| c["cost"]["value"].as_f64().map(|v| v as u64);
        let general = plan["generalCost"].as_array().cloned().unwrap_or_default();
        let find = |kind: &str, size: i64| {
            general
                .iter()
                .find(|g| {
                    g["type"]["coding"][0]["code"] == kind && g["groupSize"].as_i64() == Some(size)
                })
                .and_then(money)
        };
        let deductible = find("deductible", 1).map(|s| (s, find("deductible", 2).unwrap_or(s)));
        let premium = general
            .iter()
            .find(|g| g["type"]["coding"][0]["code"] == "premium")
            .and_then(money);
        let stars = p["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["url"] == STAR_RATING_URL)
            .and_then(|e| e["valueDecimal"].as_f64());
        let oop_max = find("oop-max", 1).map(|s| (s, find("oop-max", 2)));
        let mut benefits = Vec::new();
        let mut extras = Vec::new();
        let extra_limits: BTreeMap<String, String> = p["coverage"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["benefit"].as_array().cloned().unwrap_or_default())
            .filter_map(|b| {
                let code = b["type"]["coding"][0]["code"].as_str()?.to_owned();
                let limit = b["limit"][0]["value"]
                    .as_object()
                    .map(|l| {
                        let n = l.get("value").and_then(Value::as_u64).unwrap_or(0);
                        let unit = l.get("unit").and_then(Value::as_str).unwrap_or("visit");
                        format!("up to {n} {unit}{} a year", if n == 1 { "" } else { "s" })
                    })
                    .unwrap_or_default();
                let req = b["requirement"].as_str().unwrap_or_default();
                let words = [limit.as_str(), req]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("; ");
                Some((code, words))
            })
            .collect();
        for cat in plan["specificCost"].as_array().into_iter().flatten() {
            let category = cat["category"]["coding"][0]["code"].as_str().unwrap_or("");
            for b in cat["benefit"].as_array().into_iter().flatten() {
                let code = b["type"]["coding"][0]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let display = b["type"]["coding"][0]["display"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let cost = &b["cost"][0];
                let value = cost["value"]["value"].as_f64().unwrap_or(0.0);
                let unit = cost["value"]["unit"].as_str().unwrap_or("USD");
                let words = if unit == "%" {
                    format!("{value}% after deductible")
                } else if value == 0.0 {
                    "$0".to_owned()
                } else {
                    format!("${value:.0}")
                };
                if category == "extra" {
                    let note = extra_limits.get(&code).cloned().unwrap_or_default();
                    extras.push((display, words, note));
                } else {
                    benefits.push((code, display, words));
                }
            }
        }
        let codings = plan["type"]["coding"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        PlanSummary {
            id: p["id"].as_str().unwrap_or_default().to_owned(),
            code: identifier(p, PLAN_CODE_SYSTEM).unwrap_or_default(),
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            kind: plan["type"]["text"]
                .as_str()
                .or_else(|| p["alias"][0].as_str())
                .unwrap_or_default()
                .to_owned(),
            metal_tier: codings
                .iter()
                .find(|c| {
                    c["system"]
                        .as_str()
                        .is_some_and(|s| s.ends_with("/metal-tier"))
                })
                .and_then(|c| c["display"].as_str())
                .map(str::to_owned),
            year: p["period"]["start"]
                .as_str()
                .and_then(|s| s.get(..4))
                .map(str::to_owned),
            deductible,
            oop_max,
            benefits,
            extras,
            stars,
            premium,
        }
    }

    /// Rated 5 stars for its plan year (ENR-19).
    pub fn five_star(&self) -> bool {
        self.stars.is_some_and(|s| s >= 5.0)
    }

    /// The member's cost for a benefit code ("primary-care"), in words.
    pub fn cost_of(&self, code: &str) -> Option<&str> {
        self.benefits
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, _, w)| w.as_str())
    }
}

impl CoverageService {
    /// Coverage rows where `patient` is the beneficiary (service caller: authorize first).
    pub async fn coverages_of(&self, svc: &Caller, patient: &str) -> Result<Vec<CoverageRow>> {
        let list = self
            .fhir
            .search_resources(
                svc,
                "Coverage",
                &[("beneficiary".into(), format!("Patient/{patient}"))],
                1000,
            )
            .await?;
        let mut rows: Vec<CoverageRow> = list.iter().filter_map(CoverageRow::parse).collect();
        rows.sort_by_key(|r| r.start);
        Ok(rows)
    }

    /// The family `patient` is covered in on `on` (or, when not covered then, their latest
    /// coverage's family), read as `caller` after [`CoverageService::authorize_view`].
    pub async fn family(&self, caller: &Caller, patient: &str, on: Date) -> Result<Family> {
        Self::authorize_view(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "coverage: family enrollment");
        let mut fam = self.family_as(&svc, patient, on).await?;
        // The whole family's enrollment is the subscriber's to see (and member services');
        // anyone else sees only the rows of the people whose records they may read.
        if Self::authorize_manage(caller, &fam.subscriber).is_err() {
            let may = |p: &str| Self::authorize_view(caller, p).is_ok();
            fam.rows.retain(|r| may(&r.member));
            fam.patients.retain(|id, _| may(id));
        }
        Ok(fam)
    }

    pub(crate) async fn family_as(&self, svc: &Caller, patient: &str, on: Date) -> Result<Family> {
        let own = self.coverages_of(svc, patient).await?;
        let subscriber = own
            .iter()
            .find(|r| r.covers(on))
            .or_else(|| own.iter().max_by_key(|r| r.start))
            .map_or_else(|| patient.to_owned(), |r| r.subscriber.clone());
        let mut rows = self
            .fhir
            .search_resources(
                svc,
                "Coverage",
                &[("subscriber".into(), format!("Patient/{subscriber}"))],
                1000,
            )
            .await?
            .iter()
            .filter_map(CoverageRow::parse)
            .collect::<Vec<_>>();
        for r in own {
            if !rows.iter().any(|x| x.id == r.id) {
                rows.push(r);
            }
        }
        rows.sort_by_key(|r| (r.start, r.member.clone()));
        let mut patients = BTreeMap::new();
        let mut ids: Vec<String> = rows.iter().map(|r| r.member.clone()).collect();
        ids.push(subscriber.clone());
        ids.push(patient.to_owned());
        ids.sort();
        ids.dedup();
        for id in ids {
            if let Ok(p) = self.read_json(svc, "Patient", &id).await {
                patients.insert(id, p);
            }
        }
        Ok(Family {
            subscriber,
            rows,
            patients,
        })
    }

    /// The InsurancePlan with plan code `code`, preferring the one of `region`.
    pub async fn plan_by_code(
        &self,
        caller: &Caller,
        code: &str,
        region: Option<&str>,
    ) -> Result<Value> {
        let plans = self
            .fhir
            .search_resources(
                caller,
                "InsurancePlan",
                &[("identifier".into(), format!("{PLAN_CODE_SYSTEM}|{code}"))],
                50,
            )
            .await?;
        let pick = plans
            .iter()
            .find(|p| region.is_some_and(|r| identifier(p, REGION_SYSTEM).as_deref() == Some(r)))
            .or_else(|| plans.first())
            .cloned();
        pick.ok_or_else(|| CoverageError::NotFound(format!("no plan with code {code}")))
    }

    /// Every plan on offer in `region` (public data).
    pub async fn plans(&self, caller: &Caller, region: Option<&str>) -> Result<Vec<PlanSummary>> {
        let mut pairs = vec![("status".to_owned(), "active".to_owned())];
        if let Some(r) = region {
            pairs.push(("identifier".into(), format!("{REGION_SYSTEM}|{r}")));
        }
        let plans = self
            .fhir
            .search_resources(caller, "InsurancePlan", &pairs, 200)
            .await?;
        let mut out: Vec<PlanSummary> = plans.iter().map(PlanSummary::from_resource).collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    /// The region of a patient (from their MRN), read as a service caller.
    pub async fn region_of(&self, svc: &Caller, patient: &str) -> Result<Option<String>> {
        let p = self.read_json(svc, "Patient", patient).await?;
        Ok(region_of_patient(&p))
    }
}

/// A new Coverage resource for `row`-like facts, copying payer, type and network from
/// `template` (a Coverage of the same family).
pub fn coverage_resource(
    template: Option<&Value>,
    p: &Period,
    member_id: &str,
    region: &str,
    plan: &PlanSummary,
    group_name: &str,
) -> Value {
    let mut v = template.map(strip_meta).unwrap_or_else(|| {
        json!({
            "resourceType": "Coverage",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HMO", "display": "health maintenance organization policy"}]},
            "payor": [{"reference": format!("Organization/{region}-org-plan")}]
        })
    });
    // The template's narrative describes another member, and its elections were that
    // coverage's own.
    if let Some(o) = v.as_object_mut() {
        o.remove("text");
        if let Some(Value::Array(ext)) = o.get_mut("extension") {
            ext.retain(|e| e["url"] != ELECTION_URL);
            if ext.is_empty() {
                o.remove("extension");
            }
        }
    }
    v["id"] = json!(p.id);
    v["identifier"] = json!([{
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB", "display": "Member Number"}]},
        "system": crate::service::ids::member_id_system(region),
        "value": member_id
    }]);
    v["status"] = json!(if p.end.is_some() {
        "cancelled"
    } else {
        "active"
    });
    v["subscriber"] = json!({"reference": format!("Patient/{}", p.subscriber)});
    v["beneficiary"] = json!({"reference": format!("Patient/{}", p.member)});
    v["dependent"] = json!(member_id.rsplit('-').next().unwrap_or("01"));
    v["relationship"] = json!({"coding": [
        {"system": SUBSCRIBER_RELATIONSHIP, "code": p.relationship.fhir_code()},
        {"system": X12_RELATIONSHIP, "code": p.relationship.x12_code()}
    ]});
    let mut period = json!({"start": p.start.to_string()});
    if let Some(e) = p.end {
        period["end"] = json!(e.to_string());
    }
    v["period"] = period;
    v["class"] = json!([
        {"type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan", "display": "Plan"}]}, "value": plan.code, "name": plan.name},
        {"type": {"coding": [{"system": COVERAGE_CLASS, "code": "group", "display": "Group"}]}, "value": p.group, "name": group_name}
    ]);
    v
}

/// The same Coverage on another plan and group (a choice not yet in effect, replaced: ENR-17),
/// with its period and status kept.
pub fn with_plan(resource: &Value, plan: &PlanSummary, group: &str, group_name: &str) -> Value {
    let mut v = strip_meta(resource);
    v["class"] = json!([
        {"type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan", "display": "Plan"}]}, "value": plan.code, "name": plan.name},
        {"type": {"coding": [{"system": COVERAGE_CLASS, "code": "group", "display": "Group"}]}, "value": group, "name": group_name}
    ]);
    v
}

/// The same Coverage with a new period end (or none) and the matching status.
pub fn with_end(resource: &Value, end: Option<Date>) -> Value {
    let mut v = strip_meta(resource);
    match end {
        Some(e) => {
            v["period"]["end"] = json!(e.to_string());
            v["status"] = json!("cancelled");
        }
        None => {
            if let Some(p) = v["period"].as_object_mut() {
                p.remove("end");
            }
            v["status"] = json!("active");
        }
    }
    v
}

/// A resource without its server-kept `meta`, ready to write back.
pub(crate) fn strip_meta(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("meta");
    }
    v
}
