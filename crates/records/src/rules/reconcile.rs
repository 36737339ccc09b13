//! Records brought in (issue 16 §6): which items of a previous provider's FHIR export a
//! clinician reconciles into the record (medicines, allergies, problems, immunizations), what
//! each looks like once it is ours (its patient references point to our member, its old id and
//! version are dropped, its source named), and when it is the same thing as an item already in
//! the record (so nothing is added twice without a clinician saying so). Pure functions.

use serde_json::{Value, json};

/// The types reconciled item by item; anything else stays in the kept document only.
pub const RECONCILED: [&str; 5] = [
    "AllergyIntolerance",
    "Condition",
    "Immunization",
    "MedicationRequest",
    "MedicationStatement",
];

/// The largest file taken (a FHIR JSON export).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The element naming the patient, by type.
fn patient_field(res_type: &str) -> &'static str {
    match res_type {
        "AllergyIntolerance" | "Immunization" => "patient",
        _ => "subject",
    }
}

/// The element holding the main code, by type.
fn code_field(res_type: &str) -> &'static str {
    match res_type {
        "Immunization" => "vaccineCode",
        "MedicationRequest" | "MedicationStatement" => "medicationCodeableConcept",
        _ => "code",
    }
}

/// Why a file cannot be brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    /// An XML document (C-CDA): not read yet.
    Xml,
    /// Not JSON, or not a FHIR Bundle.
    NotBundle(String),
    /// A Bundle with nothing to reconcile.
    NothingToReconcile,
}

impl FileProblem {
    pub fn key(&self) -> &'static str {
        match self {
            FileProblem::Empty => "rec.bring.empty",
            FileProblem::TooLarge => "rec.bring.too-large",
            FileProblem::Xml => "rec.bring.xml",
            FileProblem::NotBundle(_) => "rec.bring.not-bundle",
            FileProblem::NothingToReconcile => "rec.bring.nothing",
        }
    }
}

/// The items of a file to reconcile, and how many resources it held in all.
pub fn items_of(bytes: &[u8]) -> Result<(Vec<Value>, usize), FileProblem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = bytes.get(start..).unwrap_or_default();
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if head.starts_with(b"<") {
        return Err(FileProblem::Xml);
    }
    let v: Value =
        serde_json::from_slice(head).map_err(|e| FileProblem::NotBundle(e.to_string()))?;
    if v["resourceType"] != "Bundle" {
        return Err(FileProblem::NotBundle(
            "the file is not a FHIR Bundle".into(),
        ));
    }
    let entries = v["entry"].as_array().cloned().unwrap_or_default();
    let total = entries.len();
    let items: Vec<Value> = entries
        .into_iter()
        .map(|e| e["resource"].clone())
        .filter(|r| {
            r["resourceType"]
                .as_str()
                .is_some_and(|t| RECONCILED.contains(&t))
        })
        .collect();
    if items.is_empty() {
        return Err(FileProblem::NothingToReconcile);
    }
    Ok((items, total))
}

/// The codings and text of an item's main concept.
fn concept(res: &Value) -> &Value {
    let t = res["resourceType"].as_str().unwrap_or_default();
    &res[code_field(t)]
}

/// An item in words, for lists: its code's text or first display.
pub fn display(res: &Value) -> String {
    let c = concept(res);
    c["text"]
        .as_str()
        .or_else(|| c["coding"][0]["display"].as_str())
        .or_else(|| c["coding"][0]["code"].as_str())
        .unwrap_or("(no name given)")
        .to_owned()
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Are `a` (brought in) and `b` (in the record) the same thing? Same type, and a coding in
/// common (system and code), or — where neither has a shared coding — the same words.
pub fn same_item(a: &Value, b: &Value) -> bool {
    if a["resourceType"] != b["resourceType"] {
        return false;
    }
    let codings = |v: &Value| -> Vec<(String, String)> {
        concept(v)["coding"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["system"].as_str()?.to_owned(),
                    c["code"].as_str()?.to_owned(),
                ))
            })
            .collect()
    };
    let (ca, cb) = (codings(a), codings(b));
    if ca.iter().any(|x| cb.contains(x)) {
        return true;
    }
    let (da, db) = (norm(&display(a)), norm(&display(b)));
    !da.is_empty() && da == db
}

/// The item as it goes into our record for `patient`: patient reference ours, old id, version
/// and text dropped, other references (to the old provider's practitioners and encounters,
/// which do not exist here) kept only as display, and the source named in `meta.source`.
pub fn to_record(item: &Value, patient: &str, source: &str) -> Value {
    let mut v = item.clone();
    let t = v["resourceType"].as_str().unwrap_or_default().to_owned();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("id");
        obj.remove("text");
        obj.remove("contained");
        obj.insert("meta".into(), json!({"source": source}));
    }
    strip_references(&mut v);
    v[patient_field(&t)] = json!({"reference": format!("Patient/{patient}")});
    v
}

/// Turn every `{reference: …}` into a display-only reference (it points to another system).
fn strip_references(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("reference") {
                let shown = map
                    .get("display")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("{r} (previous provider)"), str::to_owned);
                map.remove("reference");
                map.insert("display".into(), Value::String(shown));
            }
            for (_, x) in map.iter_mut() {
                strip_references(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_references),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn bundle(entries: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({"resourceType": "Bundle", "type": "collection",
            "entry": entries.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()}))
        .unwrap()
    }

    fn allergy(code: Option<(&str, &str)>, text: &str) -> Value {
        let mut c = json!({"text": text});
        if let Some((s, k)) = code {
            c["coding"] = json!([{"system": s, "code": k}]);
        }
        json!({"resourceType": "AllergyIntolerance", "id": "old-1", "meta": {"versionId": "4"},
            "patient": {"reference": "Patient/elsewhere-9"}, "code": c,
            "recorder": {"reference": "Practitioner/77", "display": "Dr. Old"}})
    }

    #[test]
    fn files_are_read_or_refused_with_the_reason() {
        let ok = bundle(vec![
            allergy(None, "Penicillin"),
            json!({"resourceType": "Patient", "id": "elsewhere-9"}),
            json!({"resourceType": "Observation", "status": "final"}),
        ]);
        let (items, total) = items_of(&ok).unwrap();
        assert_eq!((items.len(), total), (1, 3));
        #[rustfmt::skip]
        let rows: Vec<(&[u8], FileProblem)> = vec![
            (b"  \n",                                        FileProblem::Empty),
            (b"<?xml version=\"1.0\"?><ClinicalDocument/>",  FileProblem::Xml),
            (b"\xef\xbb\xbf<ClinicalDocument/>",              FileProblem::Xml),
            (b"{\"resourceType\": \"Patient\"}",             FileProblem::NotBundle("the file is not a FHIR Bundle".into())),
            (b"{\"resourceType\": \"Bundle\", \"entry\": []}", FileProblem::NothingToReconcile),
        ];
        for (bytes, want) in rows {
            assert_eq!(items_of(bytes).unwrap_err(), want);
        }
        assert!(matches!(items_of(b"{nope"), Err(FileProblem::NotBundle(_))));
        let big = vec![b' '; MAX_BYTES + 1];
        assert_eq!(items_of(&big).unwrap_err(), FileProblem::Empty);
        let mut big = b"{".to_vec();
        big.extend(vec![b' '; MAX_BYTES + 1]);
        assert_eq!(items_of(&big).unwrap_err(), FileProblem::TooLarge);
    }

    #[test]
    fn the_same_item_by_code_or_by_words() {
        let snomed = ("http://snomed.info/sct", "91936005");
        #[rustfmt::skip]
        let rows: Vec<(&str, Value, Value, bool)> = vec![
            ("same code",               allergy(Some(snomed), "PCN"),       allergy(Some(snomed), "Penicillin allergy"), true),
            ("same words, no codes",    allergy(None, "Penicillin"),        allergy(None, " penicillin "),               true),
            ("other code, same words",  allergy(Some(("http://snomed.info/sct", "1")), "Penicillin"), allergy(Some(snomed), "Penicillin"), true),
            ("different",               allergy(None, "Penicillin"),        allergy(None, "Peanuts"),                    false),
            ("other type",              allergy(None, "Asthma"),            json!({"resourceType": "Condition", "code": {"text": "Asthma"}}), false),
        ];
        for (name, a, b, want) in rows {
            assert_eq!(same_item(&a, &b), want, "{name}");
        }
    }

    #[test]
    fn an_item_becomes_ours_with_its_source() {
        let ours = to_record(&allergy(None, "Penicillin"), "p1", "Lakeside Clinic export");
        assert_eq!(ours["patient"]["reference"], "Patient/p1");
        assert!(ours.get("id").is_none());
        assert_eq!(ours["meta"], json!({"source": "Lakeside Clinic export"}));
        assert_eq!(
            ours["recorder"],
            json!({"display": "Dr. Old"}),
            "foreign references kept as words"
        );
        let med = json!({"resourceType": "MedicationStatement", "status": "active",
            "subject": {"reference": "Patient/x"}, "medicationCodeableConcept": {"text": "Lisinopril 10 mg"},
            "informationSource": {"reference": "Practitioner/9"}});
        let ours = to_record(&med, "p1", "s");
        assert_eq!(ours["subject"]["reference"], "Patient/p1");
        assert_eq!(
            ours["informationSource"]["display"],
            "Practitioner/9 (previous provider)"
        );
        assert_eq!(display(&med), "Lisinopril 10 mg");
    }
}
