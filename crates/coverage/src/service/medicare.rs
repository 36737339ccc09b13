//! Medicare facts from the member's record (ENR-15..ENR-20): the birth date, Part A and B
//! entitlement (a Patient extension member services record; an earlier Medicare Advantage
//! coverage proves it too), the Medicare Advantage plan on January 1, the elections already
//! used (recorded on the coverage each one created) and the chosen plan's star rating.

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::rules::Product;
use crate::rules::settings::Settings;
use crate::rules::windows::{Election, ElectionUsed, MedicareFacts, election_used};
use crate::service::family::{CoverageRow, ELECTION_URL, ENTITLEMENT_URL, PlanSummary};

/// The elections recorded on a coverage row.
pub fn elections_of(row: &CoverageRow) -> Vec<ElectionUsed> {
    row.resource["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"] == ELECTION_URL)
        .filter_map(|e| {
            let part = |name: &str| {
                e["extension"]
                    .as_array()?
                    .iter()
                    .find(|x| x["url"] == name)
                    .cloned()
            };
            let election = Election::from_code(part("period")?["valueCode"].as_str()?)?;
            let made_on = part("madeOn")?["valueDate"].as_str()?.parse().ok()?;
            Some(ElectionUsed { election, made_on })
        })
        .collect()
}

/// The extension that records `election`, made on `made_on`.
pub fn election_extension(election: Election, made_on: Date) -> Value {
    json!({
        "url": ELECTION_URL,
        "extension": [
            {"url": "period", "valueCode": election.code()},
            {"url": "madeOn", "valueDate": made_on.to_string()}
        ]
    })
}

/// Add the record of an election to a Coverage resource (kept with any earlier ones).
pub fn stamp_election(coverage: &mut Value, election: Election, made_on: Date) {
    let ext = election_extension(election, made_on);
    match coverage["extension"].as_array_mut() {
        Some(list) => list.push(ext),
        None => coverage["extension"] = json!([ext]),
    }
}

/// Part A and Part B start dates recorded on the Patient.
pub fn entitlement_of(patient: &Value) -> (Option<Date>, Option<Date>) {
    let ext = patient["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["url"] == ENTITLEMENT_URL);
    let part = |name: &str| -> Option<Date> {
        ext?["extension"]
            .as_array()?
            .iter()
            .find(|x| x["url"] == name)?["valueDate"]
            .as_str()?
            .parse()
            .ok()
    };
    (part("partA"), part("partB"))
}

/// The Patient with its Part A and B start dates recorded (replacing earlier ones).
pub fn with_entitlement(patient: &Value, part_a: Date, part_b: Date) -> Value {
    let mut p = patient.clone();
    let mut list: Vec<Value> = p["extension"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["url"] != ENTITLEMENT_URL)
        .collect();
    list.push(json!({
        "url": ENTITLEMENT_URL,
        "extension": [
            {"url": "partA", "valueDate": part_a.to_string()},
            {"url": "partB", "valueDate": part_b.to_string()}
        ]
    }));
    p["extension"] = json!(list);
    p
}

fn is_ma(row: &CoverageRow) -> bool {
    row.status != "entered-in-error"
        && Product::from_code(&row.plan_code) == Some(Product::MedicareAdvantage)
}

/// The Medicare facts of a member for a request on `on`, from their Patient resource and
/// their own coverage rows; `target` is the plan being chosen, if any. `None` without a birth
/// date.
pub fn medicare_facts(
    patient: &Value,
    own_rows: &[CoverageRow],
    target: Option<&PlanSummary>,
    on: Date,
    s: &Settings,
) -> Option<MedicareFacts> {
    let birth_date: Date = patient["birthDate"].as_str()?.parse().ok()?;
    let (a, b) = entitlement_of(patient);
    let recorded = match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    // Medicare Advantage requires Part A and B (ENR-20): a member's MA coverage shows they had
    // both from its start at the latest.
    let from_ma = own_rows.iter().filter(|r| is_ma(r)).map(|r| r.start).min();
    let part_a_b_start = match (recorded, from_ma) {
        (Some(r), Some(m)) => Some(r.min(m)),
        (r, m) => r.or(m),
    };
    let jan1 = Date::new(on.year(), 1, 1).unwrap_or(on);
    let in_ma_on_jan1 = own_rows.iter().any(|r| is_ma(r) && r.covers(jan1));
    let used: Vec<ElectionUsed> = own_rows.iter().flat_map(elections_of).collect();
    Some(MedicareFacts {
        birth_date,
        part_a_b_start,
        in_ma_on_jan1,
        used_ma_oep_this_year: election_used(&used, Election::MaOpenEnrollment, on, s),
        used_five_star_this_window: election_used(&used, Election::FiveStar, on, s),
        target_plan_five_star: target.is_some_and(PlanSummary::five_star),
    })
}

impl crate::service::CoverageService {
    /// The Medicare elections `patient` has used, oldest first (member services' view, and
    /// anyone who may see the member's coverage).
    pub async fn elections(
        &self,
        caller: &ws_fhir_service::Caller,
        patient: &str,
    ) -> crate::service::Result<Vec<ElectionUsed>> {
        Self::authorize_view(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "coverage: Medicare elections");
        let mut out: Vec<ElectionUsed> = self
            .coverages_of(&svc, patient)
            .await?
            .iter()
            .flat_map(elections_of)
            .collect();
        out.sort_by_key(|e| e.made_on);
        Ok(out)
    }
}
