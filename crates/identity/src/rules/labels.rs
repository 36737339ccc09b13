//! Sensitivity security labels (PRX-03, PRX-06): resources about sexual and reproductive health,
//! mental health or substance use carry an HL7 v3 ActCode label in `meta.security`, and the
//! policy hides labelled resources from teen proxies and caregivers.
//!
//! The code lists hold only codes we are sure of; anything else stays unlabelled unless a
//! clinician or importer labels it. Not covered yet: RxNorm (e.g. buprenorphine, contraceptives,
//! HIV PrEP), LOINC drug screens, and QuestionnaireResponses (they carry no code).

use serde_json::{Map, Value, json};

/// Code system of the labels.
pub const LABEL_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// Substance use (42 CFR Part 2 territory).
pub const ETH: &str = "ETH";
/// Mental health.
pub const PSY: &str = "PSY";
/// Sexual and reproductive health (pregnancy, contraception, STIs, HIV, HPV vaccine).
pub const SEX: &str = "SEX";
/// The labels hidden from teen proxies and caregivers (PRX-03, PRX-05).
pub const SENSITIVE: [&str; 3] = [ETH, PSY, SEX];

/// Code system of result-release holds (HIP-08): a licensed clinician's individual
/// determination that releasing one result now would cause harm. Placed and lifted only by a
/// clinician (the records capability's write guard), never by a rule or an interface.
pub const HOLD_SYSTEM: &str = "urn:wellspring:release-hold";
/// Held from the patient and from everyone acting for them: the only basis on which a result
/// may be held from the patient themself is a danger to life or physical safety (45 CFR
/// 171.201(d)).
pub const HOLD_ALL: &str = "hold-all";
/// Held from people acting for the patient (parents, caregivers, representatives) only: a
/// substantial harm to the patient or another person; the patient sees it.
pub const HOLD_REPRESENTATIVES: &str = "hold-representatives";
/// Both hold labels.
pub const HOLDS: [&str; 2] = [HOLD_ALL, HOLD_REPRESENTATIVES];

/// Code system of Wellspring's confidentiality labels for minors.
pub const MINOR_SYSTEM: &str = "urn:wellspring:minor-confidential";
/// A minor's visit that a parent of a teen did not book: its details are hidden from a parent
/// of a teen (PRX-03 hides "past/future visit details"; the parent still books routine visits
/// and sees those).
pub const MINOR_VISIT: &str = "minor-visit";

/// The code system a policy label is written in (`meta.security`).
pub fn system_of(label: &str) -> &'static str {
    if HOLDS.contains(&label) {
        HOLD_SYSTEM
    } else if label == MINOR_VISIT {
        MINOR_SYSTEM
    } else {
        LABEL_SYSTEM
    }
}

/// The labels the policy reads from `meta.security`: sensitivity labels (v3-ActCode) and
/// release holds ([`HOLD_SYSTEM`]).
pub fn policy_labels(res: &Value) -> Vec<String> {
    res.pointer("/meta/security")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| {
                    let code = l.get("code").and_then(Value::as_str)?;
                    let system = l.get("system").and_then(Value::as_str)?;
                    (system == system_of(code)).then(|| code.to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
pub const SNOMED: &str = "http://snomed.info/sct";
pub const LOINC: &str = "http://loinc.org";
pub const CVX: &str = "http://hl7.org/fhir/sid/cvx";

/// The v3-ActCode display of a label.
pub fn display(label: &str) -> Option<&'static str> {
    Some(match label {
        ETH => "substance abuse information sensitivity",
        PSY => "psychiatry information sensitivity",
        SEX => "sexuality and reproductive health information sensitivity",
        _ => return None,
    })
}

/// SNOMED CT concepts (disorders and findings).
const SNOMED_CODES: &[(&str, &str)] = &[
    ("35489007", PSY),  // Depressive disorder
    ("370143000", PSY), // Major depressive disorder
    ("197480006", PSY), // Anxiety disorder
    ("48694002", PSY),  // Anxiety
    ("13746004", PSY),  // Bipolar disorder
    ("58214004", PSY),  // Schizophrenia
    ("406506008", PSY), // Attention deficit hyperactivity disorder
    ("47505003", PSY),  // Posttraumatic stress disorder
    ("69322001", PSY),  // Psychotic disorder
    ("46206005", PSY),  // Mood disorder
    ("72366004", PSY),  // Eating disorder
    ("56882008", PSY),  // Anorexia nervosa
    ("78004001", PSY),  // Bulimia nervosa
    ("6471006", PSY),   // Suicidal thoughts
    ("7200002", ETH),   // Alcoholism
    ("15167005", ETH),  // Alcohol abuse
    ("75544000", ETH),  // Opioid dependence
    ("5602001", ETH),   // Opioid abuse
    ("66214007", ETH),  // Substance abuse
    ("26416006", ETH),  // Drug abuse
    ("77386006", SEX),  // Pregnant
    ("72892002", SEX),  // Normal pregnancy
    ("13197004", SEX),  // Contraception
    ("105629000", SEX), // Chlamydial infection
    ("15628003", SEX),  // Gonorrhea
    ("76272004", SEX),  // Syphilis
    ("86406008", SEX),  // Human immunodeficiency virus infection
    ("165816005", SEX), // HIV positive
];

/// LOINC tests and instruments.
const LOINC_CODES: &[(&str, &str)] = &[
    ("44249-1", PSY), // PHQ-9 quick depression assessment panel
    ("44261-6", PSY), // PHQ-9 total score
    ("55758-7", PSY), // PHQ-2 total score
    ("69737-5", PSY), // GAD-7 panel
    ("70274-6", PSY), // GAD-7 total score
    ("2106-3", SEX),  // Choriogonadotropin (pregnancy test) [Presence] in Urine
    ("2118-8", SEX),  // Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma
    ("82810-3", SEX), // Pregnancy status
    ("76690-7", SEX), // Sexual orientation
    ("21613-5", SEX), // Chlamydia trachomatis DNA [Presence] by NAA
    ("43304-5", SEX), // Chlamydia trachomatis rRNA [Presence] by NAA
    ("24111-7", SEX), // Neisseria gonorrhoeae DNA [Presence] by NAA
    ("43305-2", SEX), // Neisseria gonorrhoeae rRNA [Presence] by NAA
    ("20507-0", SEX), // Reagin Ab [Presence] in Serum by RPR (syphilis)
    ("56888-1", SEX), // HIV 1+2 Ab + HIV 1 p24 Ag [Presence] by immunoassay
    ("75622-1", SEX), // HIV 1 and 2 tests - Meaningful Use set
    ("20447-9", SEX), // HIV 1 RNA [#/volume] (viral load)
];

/// CVX vaccines: HPV (hidden from teen proxies at KP WA, PRX-03).
const CVX_CODES: &[(&str, &str)] = &[
    ("62", SEX),  // HPV, quadrivalent
    ("118", SEX), // HPV, bivalent
    ("137", SEX), // HPV, unspecified formulation
    ("165", SEX), // HPV9
];

/// ICD-10(-CM) by category: F10–F19 substance use → ETH, other F → PSY; O00–O9A pregnancy,
/// Z30–Z39 (but Z38, the newborn's own birth code), N70–N77, A50–A64 sexually transmitted
/// infections, B20–B24 and Z21 HIV, Z11.3/Z11.4 STI/HIV screening → SEX.
fn icd10_label(code: &str) -> Option<&'static str> {
    let norm: String = code
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let cat = norm.get(..3)?;
    let in_range = |lo: &str, hi: &str| lo <= cat && cat <= hi;
    if in_range("F10", "F19") {
        Some(ETH)
    } else if in_range("F01", "F99") {
        Some(PSY)
    } else if in_range("O00", "O9A")
        || (in_range("Z30", "Z39") && cat != "Z38")
        || in_range("N70", "N77")
        || in_range("A50", "A64")
        || in_range("B20", "B24")
        || cat == "Z21"
        || norm.starts_with("Z113")
        || norm.starts_with("Z114")
    {
        Some(SEX)
    } else {
        None
    }
}

fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The label of one coding, if any.
pub fn label_for(system: &str, code: &str) -> Option<&'static str> {
    let code = code.trim();
    match system {
        ICD10CM | ICD10 => icd10_label(code),
        SNOMED => lookup(SNOMED_CODES, code),
        LOINC => lookup(LOINC_CODES, code),
        CVX => lookup(CVX_CODES, code),
        _ => None,
    }
}

/// Elements holding one CodeableConcept or an array of them.
const CONCEPTS: &[&str] = &[
    "code",
    "vaccineCode",
    "medicationCodeableConcept",
    "valueCodeableConcept",
    "reasonCode",
    "category",
    "type",
];

fn concepts<'a>(v: &'a Value) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
    match v {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(_) => Box::new(std::iter::once(v)),
        _ => Box::new(std::iter::empty()),
    }
}

fn codings(res: &Value) -> impl Iterator<Item = (&str, &str)> {
    let direct = CONCEPTS
        .iter()
        .filter_map(|k| res.get(*k))
        .flat_map(concepts);
    // Claim / ExplanationOfBenefit diagnoses (a member's EOB lists them).
    let diagnoses = res
        .get("diagnosis")
        .into_iter()
        .flat_map(concepts)
        .filter_map(|d| d.get("diagnosisCodeableConcept"));
    direct
        .chain(diagnoses)
        .filter_map(|cc| cc.get("coding").and_then(Value::as_array))
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("system").and_then(Value::as_str)?,
                c.get("code").and_then(Value::as_str)?,
            ))
        })
}

/// The sensitivity labels a resource's codes call for, in the order ETH, PSY, SEX, without
/// duplicates (PRX-03, PRX-06).
pub fn classify(res: &Value) -> Vec<&'static str> {
    let found: Vec<&'static str> = codings(res).filter_map(|(s, c)| label_for(s, c)).collect();
    SENSITIVE
        .into_iter()
        .filter(|l| found.contains(l))
        .collect()
}

/// Whether `meta.security` already holds the v3-ActCode label `code`.
pub fn has_label(res: &Value, code: &str) -> bool {
    res.pointer("/meta/security")
        .and_then(Value::as_array)
        .is_some_and(|sec| {
            sec.iter().any(|c| {
                c.get("system").and_then(Value::as_str) == Some(LABEL_SYSTEM)
                    && c.get("code").and_then(Value::as_str) == Some(code)
            })
        })
}

/// Add the labels [`classify`] calls for and `meta.security` lacks; keeps every existing label
/// (labels are never removed here: a clinician may have labelled by hand). Idempotent. Returns
/// how many were added. A resource that is not an object, or whose `meta`/`meta.security` has
/// the wrong JSON type, is left alone.
pub fn apply(res: &mut Value) -> usize {
    let missing: Vec<&'static str> = classify(res)
        .into_iter()
        .filter(|l| !has_label(res, l))
        .collect();
    if missing.is_empty() {
        return 0;
    }
    let Some(obj) = res.as_object_mut() else {
        return 0;
    };
    let Some(meta) = obj
        .entry("meta")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
    else {
        return 0;
    };
    let Some(security) = meta
        .entry("security")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
    else {
        return 0;
    };
    for label in &missing {
        security.push(json!({
            "system": LABEL_SYSTEM,
            "code": label,
            "display": display(label).unwrap_or_default(),
        }));
    }
    missing.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(system: &str, code: &str) -> Value {
        json!({"coding": [{"system": system, "code": code}]})
    }

    #[test]
    fn prx_06_icd10_categories() {
        let rows = [
            ("F32.A", Some(PSY)),
            ("F329", Some(PSY)),
            ("F90.9", Some(PSY)), // ADHD
            ("F01.50", Some(PSY)),
            ("F10.20", Some(ETH)), // alcohol dependence
            ("F11.20", Some(ETH)),
            ("F17.210", Some(ETH)), // nicotine: in F10–F19 as DOMAIN asks
            ("F19.10", Some(ETH)),
            ("F20.9", Some(PSY)),
            ("O80", Some(SEX)),
            ("O9A.119", Some(SEX)),
            ("Z30.011", Some(SEX)), // contraception
            ("Z34.00", Some(SEX)),  // normal pregnancy supervision
            ("Z38.00", None),       // newborn's own birth: not sensitive
            ("Z39.2", Some(SEX)),
            ("Z21", Some(SEX)),
            ("Z11.3", Some(SEX)),
            ("Z11.4", Some(SEX)),
            ("Z11.59", None),
            ("N76.0", Some(SEX)),
            ("N78", None),
            ("A56.01", Some(SEX)), // chlamydia
            ("A64", Some(SEX)),
            ("A49.9", None),
            ("B20", Some(SEX)),
            ("I10", None),
            ("E11.9", None),
            ("", None),
            ("F", None),
        ];
        for (code, want) in rows {
            assert_eq!(label_for(ICD10CM, code), want, "{code}");
        }
        assert_eq!(label_for(ICD10, "F32.9"), Some(PSY));
        assert_eq!(label_for("http://example.org/local", "F32.9"), None);
    }

    #[test]
    fn prx_03_classify_realistic_resources() {
        let rows: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "depression condition",
                json!({"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
                       "code": {"coding": [
                           {"system": SNOMED, "code": "35489007", "display": "Depressive disorder"},
                           {"system": ICD10CM, "code": "F32.A"}]}}),
                vec![PSY],
            ),
            (
                "opioid dependence in pregnancy",
                json!({"resourceType": "Condition",
                       "code": {"coding": [{"system": ICD10CM, "code": "F11.20"},
                                           {"system": ICD10CM, "code": "O99.320"}]}}),
                vec![ETH, SEX],
            ),
            (
                "PHQ-9 total",
                json!({"resourceType": "Observation", "status": "final",
                       "category": [cc("http://terminology.hl7.org/CodeSystem/observation-category", "survey")],
                       "code": cc(LOINC, "44261-6"), "valueInteger": 12}),
                vec![PSY],
            ),
            (
                "chlamydia NAAT",
                json!({"resourceType": "Observation", "status": "final",
                       "code": cc(LOINC, "21613-5"),
                       "valueCodeableConcept": cc(SNOMED, "260385009")}),
                vec![SEX],
            ),
            (
                "HPV9 immunization",
                json!({"resourceType": "Immunization", "status": "completed",
                       "vaccineCode": cc(CVX, "165"), "occurrenceDateTime": "2025-09-01"}),
                vec![SEX],
            ),
            (
                "hepatitis B immunization",
                json!({"resourceType": "Immunization", "vaccineCode": cc(CVX, "08")}),
                vec![],
            ),
            (
                "visit for contraception (reasonCode)",
                json!({"resourceType": "Encounter", "status": "finished",
                       "type": [cc(SNOMED, "185349003")],
                       "reasonCode": [cc(ICD10CM, "Z30.09")]}),
                vec![SEX],
            ),
            (
                "appointment for anxiety",
                json!({"resourceType": "Appointment", "status": "booked",
                       "reasonCode": [cc(SNOMED, "197480006")]}),
                vec![PSY],
            ),
            (
                "EOB with an alcohol diagnosis",
                json!({"resourceType": "ExplanationOfBenefit",
                       "diagnosis": [{"sequence": 1, "diagnosisCodeableConcept": cc(ICD10CM, "F10.20")}]}),
                vec![ETH],
            ),
            (
                "pregnancy status answer",
                json!({"resourceType": "Observation", "code": cc(LOINC, "82810-3"),
                       "valueCodeableConcept": cc(SNOMED, "77386006")}),
                vec![SEX],
            ),
            (
                "body weight",
                json!({"resourceType": "Observation", "code": cc(LOINC, "29463-7"),
                       "valueQuantity": {"value": 41.2, "unit": "kg"}}),
                vec![],
            ),
            (
                "hypertension",
                json!({"resourceType": "Condition", "code": cc(SNOMED, "59621000")}),
                vec![],
            ),
            (
                "patient",
                json!({"resourceType": "Patient", "name": [{"family": "Lopez"}]}),
                vec![],
            ),
            (
                "odd shapes are ignored",
                json!({"resourceType": "SearchParameter", "code": "patient", "type": "reference",
                       "category": [{"coding": "nope"}, 3]}),
                vec![],
            ),
        ];
        for (name, res, want) in rows {
            assert_eq!(classify(&res), want, "{name}");
        }
    }

    #[test]
    fn prx_03_apply_is_idempotent_and_keeps_labels() {
        let mut res = json!({
            "resourceType": "Condition",
            "meta": {"security": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
                {"system": LABEL_SYSTEM, "code": "ETH"}]},
            "code": {"coding": [{"system": ICD10CM, "code": "F11.20"}, {"system": ICD10CM, "code": "F32.9"}]}
        });
        assert!(has_label(&res, ETH));
        assert!(!has_label(&res, PSY));
        assert_eq!(apply(&mut res), 1);
        assert_eq!(apply(&mut res), 0);
        assert!(has_label(&res, PSY) && has_label(&res, ETH));
        let sec = res
            .pointer("/meta/security")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(sec.len(), 3);
        assert_eq!(sec.first().and_then(|c| c.get("code")), Some(&json!("R")));
        assert_eq!(
            sec.get(2),
            Some(
                &json!({"system": LABEL_SYSTEM, "code": "PSY", "display": "psychiatry information sensitivity"})
            )
        );

        // No meta yet: created.
        let mut imm = json!({"resourceType": "Immunization", "vaccineCode": cc(CVX, "62")});
        assert_eq!(apply(&mut imm), 1);
        assert!(has_label(&imm, SEX));
        // Nothing to add: the resource is unchanged.
        let mut plain = json!({"resourceType": "Observation", "code": cc(LOINC, "8302-2")});
        let before = plain.clone();
        assert_eq!(apply(&mut plain), 0);
        assert_eq!(plain, before);
        // A malformed meta is left alone.
        let mut odd =
            json!({"resourceType": "Condition", "meta": "x", "code": cc(ICD10CM, "F32.9")});
        assert_eq!(apply(&mut odd), 0);
        // A label under another system does not count.
        let other = json!({"meta": {"security": [{"system": "urn:other", "code": "PSY"}]}});
        assert!(!has_label(&other, PSY));
    }
}
