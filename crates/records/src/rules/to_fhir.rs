//! An ORU^R01 as FHIR R4: one `DiagnosticReport` per OBR and one `Observation` per OBX, as the
//! entries of one transaction Bundle. Each resource is written with a conditional update on
//! its business identifier (the sending facility's filler order number, and the test code
//! within it), so a corrected or final result sent again becomes a new version of the same
//! resource (history kept) rather than a second result.

use serde_json::{Map, Value, json};

use super::oru::{ABNORMAL_FLAGS, Code, Number, ObxResult, OruMessage, Range, ResultValue};

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// The identifier system of reports from `facility` (MSH-4, else MSH-3).
pub fn report_system(facility: &str) -> String {
    format!("urn:wellspring:lab-order:{}", slug(facility))
}

/// The identifier system of results from `facility`.
pub fn result_system(facility: &str) -> String {
    format!("urn:wellspring:lab-result:{}", slug(facility))
}

/// A facility name as an identifier-system segment: lower-case letters, digits and '-'.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "unknown".into()
    } else {
        out
    }
}

fn coding(c: &Code) -> Value {
    let mut m = Map::new();
    if let Some(s) = &c.system {
        m.insert("system".into(), json!(s));
    }
    m.insert("code".into(), json!(c.code));
    if let Some(d) = &c.display {
        m.insert("display".into(), json!(d));
    }
    Value::Object(m)
}

fn concept(c: &Code) -> Value {
    let mut v = json!({"coding": [coding(c)]});
    if let Some(d) = &c.display {
        v["text"] = json!(d);
    }
    v
}

fn quantity(n: &Number, unit: Option<&(String, String)>) -> Value {
    let mut q = json!({"value": n.json()});
    if let Some((code, display)) = unit {
        q["unit"] = json!(display);
        q["system"] = json!(UCUM);
        q["code"] = json!(code);
    }
    q
}

/// One transaction entry: a conditional update on `identifier`.
fn entry(full_url: &str, res_type: &str, system: &str, value: &str, resource: Value) -> Value {
    json!({
        "fullUrl": full_url,
        "resource": resource,
        "request": {
            "method": "PUT",
            "url": format!(
                "{res_type}?identifier={}|{}",
                percent(system),
                percent(value)
            )
        }
    })
}

/// Percent-encode what a query value must not carry raw.
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The transaction Bundle for `msg`, whose patient is `Patient/{patient}`. `received` is when
/// the message arrived (FHIR instant), used as `issued` where OBR-22 is absent.
pub fn bundle(msg: &OruMessage, patient: &str, received: &str) -> Value {
    let facility = if msg.header.sending_facility.is_empty() {
        &msg.header.sending_application
    } else {
        &msg.header.sending_facility
    };
    let (rep_sys, res_sys) = (report_system(facility), result_system(facility));
    let subject = json!({"reference": format!("Patient/{patient}")});
    let performer = json!([{"display": facility}]);
    let mut entries = Vec::new();
    for (oi, o) in msg.orders.iter().enumerate() {
        let mut results = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for (ri, r) in o.results.iter().enumerate() {
            let k = seen.entry(r.code.code.clone()).or_default();
            *k += 1;
            let id_value = if *k == 1 {
                format!("{}/{}", o.filler_order, r.code.code)
            } else {
                format!("{}/{}/{}", o.filler_order, r.code.code, k)
            };
            let full = format!("urn:uuid:oru-{oi}-{ri}");
            let mut obs = observation(r, &subject, issued(o.reported.as_deref(), received));
            obs["identifier"] = json!([{"system": res_sys, "value": id_value}]);
            obs["performer"] = performer.clone();
            results.push(json!({"reference": full}));
            entries.push(entry(&full, "Observation", &res_sys, &id_value, obs));
        }
        let status = o.report_status();
        let mut dr = json!({
            "resourceType": "DiagnosticReport",
            "identifier": [{"system": rep_sys, "value": o.filler_order}],
            "status": status.report(),
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB", "display": "Laboratory"}]}],
            "code": concept(&o.code),
            "subject": subject,
            "issued": issued(o.reported.as_deref(), received),
            "performer": performer,
            "result": results,
        });
        if let Some(t) = o.observed.as_deref() {
            dr["effectiveDateTime"] = json!(t);
        }
        let notes: Vec<&str> = o
            .notes
            .iter()
            .map(String::as_str)
            .filter(|n| !n.is_empty())
            .collect();
        if !notes.is_empty() {
            dr["conclusion"] = json!(notes.join("\n"));
        }
        entries.push(entry(
            &format!("urn:uuid:oru-{oi}"),
            "DiagnosticReport",
            &rep_sys,
            &o.filler_order,
            dr,
        ));
    }
    json!({"resourceType": "Bundle", "type": "transaction", "entry": entries})
}

/// `issued` is an instant: OBR-22 when it has a time of day, else when the message arrived.
fn issued<'a>(reported: Option<&'a str>, received: &'a str) -> &'a str {
    reported.filter(|t| t.len() > 10).unwrap_or(received)
}

fn observation(r: &ObxResult, subject: &Value, issued: &str) -> Value {
    let mut o = json!({
        "resourceType": "Observation",
        "status": r.status.observation(),
        "category": [{"coding": [{"system": OBS_CATEGORY, "code": "laboratory", "display": "Laboratory"}]}],
        "code": concept(&r.code),
        "subject": subject,
        "issued": issued,
    });
    if let Some(t) = &r.observed {
        o["effectiveDateTime"] = json!(t);
    }
    match &r.value {
        ResultValue::Quantity { value, comparator } => {
            let mut q = quantity(value, r.unit.as_ref());
            if let Some(c) = comparator {
                q["comparator"] = json!(c);
            }
            o["valueQuantity"] = q;
        }
        ResultValue::Range { low, high } => {
            o["valueRange"] = json!({
                "low": quantity(low, r.unit.as_ref()),
                "high": quantity(high, r.unit.as_ref()),
            });
        }
        ResultValue::Ratio {
            numerator,
            denominator,
        } => {
            o["valueRatio"] = json!({
                "numerator": quantity(numerator, None),
                "denominator": quantity(denominator, None),
            });
        }
        ResultValue::Text(t) => o["valueString"] = json!(t),
        ResultValue::Coded(c) => o["valueCodeableConcept"] = concept(c),
        ResultValue::Absent => {
            o["dataAbsentReason"] = json!({"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                "code": "not-performed",
                "display": "Not Performed"
            }]});
        }
    }
    if !r.flags.is_empty() {
        let codings: Vec<Value> = r
            .flags
            .iter()
            .map(|f| {
                let display = ABNORMAL_FLAGS
                    .iter()
                    .find(|(c, _)| c == f)
                    .map_or(f.as_str(), |(_, d)| d);
                json!({"system": INTERPRETATION, "code": f, "display": display})
            })
            .collect();
        o["interpretation"] = json!([{"coding": codings}]);
    }
    if let Some(range) = &r.range {
        let unit = r.unit.as_ref();
        o["referenceRange"] = json!([match range {
            Range::Between(lo, hi) =>
                json!({"low": quantity(lo, unit), "high": quantity(hi, unit)}),
            Range::Below(hi) => json!({"high": quantity(hi, unit)}),
            Range::Above(lo) => json!({"low": quantity(lo, unit)}),
            Range::Text(t) => json!({"text": t}),
        }]);
    }
    let notes: Vec<Value> = r
        .notes
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| json!({"text": n}))
        .collect();
    if !notes.is_empty() {
        o["note"] = Value::Array(notes);
    }
    o
}
