//! FMT-04: real-shaped ORU^R01 messages, every OBX value type and status, and malformed ones.

use super::oru::*;
use super::to_fhir;
use serde_json::json;

const MSH: &str = "MSH|^~\\&|LABSYS|CENTRAL LAB|WELLSPRING|NORTH|20261204083000-0500||ORU^R01^ORU_R01|MSG00001|P|2.5.1";
const PID: &str = "PID|1||NOR100000017^^^NOR^MR||Rivera^Ana^M||19800203|F";

fn msg(body: &[&str]) -> String {
    let mut s = vec![MSH, PID];
    s.extend_from_slice(body);
    s.join("\r")
}

fn obr(filler: &str) -> String {
    format!(
        "OBR|1|PL{filler}|{filler}^CENTRAL LAB|24323-8^Comprehensive metabolic panel^LN|||20261203071500-0500|||||||||||||||20261204080000-0500|||F"
    )
}

fn one(obx: &str) -> ObxResult {
    let m = parse_oru(&msg(&[&obr("F1"), obx])).unwrap_or_else(|r| panic!("{r:?}"));
    m.orders[0].results[0].clone()
}

#[test]
fn fmt_04_numeric_final_result_with_units_range_and_flag() {
    let r = one(
        "OBX|1|NM|2951-2^Sodium^LN||147|mmol/L^mmol/L^UCUM|136-145|H|||F|||20261203071500-0500",
    );
    assert_eq!(r.code.system.as_deref(), Some("http://loinc.org"));
    assert_eq!(r.code.code, "2951-2");
    assert_eq!(
        r.value,
        ResultValue::Quantity {
            value: Number("147".into()),
            comparator: None
        }
    );
    assert_eq!(r.unit, Some(("mmol/L".into(), "mmol/L".into())));
    assert_eq!(
        r.range,
        Some(Range::Between(Number("136".into()), Number("145".into())))
    );
    assert_eq!(r.flags, ["H"]);
    assert_eq!(r.status, ResultStatus::Final);
    assert_eq!(r.observed.as_deref(), Some("2026-12-03T07:15:00-05:00"));
}

#[test]
fn fmt_04_every_value_type() {
    // (OBX, expected value)
    let table = [
        (
            "OBX|1|NM|2823-3^Potassium^LN||4.10|mmol/L|3.5-5.1|N|||F",
            ResultValue::Quantity {
                value: Number("4.10".into()),
                comparator: None,
            },
        ),
        (
            "OBX|1|ST|5778-6^Color of Urine^LN||Yellow||||||P",
            ResultValue::Text("Yellow".into()),
        ),
        (
            "OBX|1|TX|11502-2^Laboratory report^LN||Specimen slightly hemolyzed.~Repeat advised.||||||F",
            ResultValue::Text("Specimen slightly hemolyzed.\nRepeat advised.".into()),
        ),
        (
            "OBX|1|CE|5778-6^Color of Urine^LN||371244009^Yellow^SCT||||||F",
            ResultValue::Coded(Code {
                system: Some("http://snomed.info/sct".into()),
                code: "371244009".into(),
                display: Some("Yellow".into()),
            }),
        ),
        (
            "OBX|1|CWE|882-1^ABO and Rh group^LN||278149003^Blood group A Rh(D) positive^SCT||||||F",
            ResultValue::Coded(Code {
                system: Some("http://snomed.info/sct".into()),
                code: "278149003".into(),
                display: Some("Blood group A Rh(D) positive".into()),
            }),
        ),
        (
            "OBX|1|SN|33914-3^eGFR^LN||>^90|mL/min/{1.73_m2}|>60|N|||F",
            ResultValue::Quantity {
                value: Number("90".into()),
                comparator: Some(">".into()),
            },
        ),
        (
            "OBX|1|SN|5130-0^Titer^LN||^1^:^128||||||F",
            ResultValue::Ratio {
                numerator: Number("1".into()),
                denominator: Number("128".into()),
            },
        ),
        (
            "OBX|1|SN|2093-3^Cholesterol^LN||^180^-^200|mg/dL|||||F",
            ResultValue::Range {
                low: Number("180".into()),
                high: Number("200".into()),
            },
        ),
        ("OBX|1|NM|2345-7^Glucose^LN||||||||X", ResultValue::Absent),
    ];
    for (obx, want) in table {
        assert_eq!(one(obx).value, want, "{obx}");
    }
}

#[test]
fn fmt_04_statuses_preliminary_final_corrected_and_the_reports() {
    let table = [
        ("P", ResultStatus::Preliminary, "preliminary"),
        ("F", ResultStatus::Final, "final"),
        ("C", ResultStatus::Corrected, "corrected"),
        ("X", ResultStatus::CannotObtain, "cancelled"),
        ("W", ResultStatus::EnteredInError, "entered-in-error"),
    ];
    for (code, status, fhir) in table {
        let r = one(&format!("OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||{code}"));
        assert_eq!(r.status, status);
        assert_eq!(r.status.observation(), fhir);
    }
    // A report without OBR-25 takes the least final of its results.
    let m = parse_oru(&msg(&[
        "OBR|1||F9|24323-8^CMP^LN",
        "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F",
        "OBX|2|NM|2823-3^Potassium^LN||4.0|mmol/L|||||P",
    ]))
    .unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(m.orders[0].report_status(), ResultStatus::Preliminary);
}

#[test]
fn fmt_04_notes_attach_to_the_report_or_the_result() {
    let m = parse_oru(&msg(&[
        &obr("F2"),
        "NTE|1||Fasting specimen.",
        "OBX|1|NM|2345-7^Glucose^LN||131|mg/dL|70-99|H|||F",
        "NTE|1||Please repeat after fasting 8 hours.",
    ]))
    .unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(m.orders[0].notes, ["Fasting specimen."]);
    assert_eq!(
        m.orders[0].results[0].notes,
        ["Please repeat after fasting 8 hours."]
    );
    assert_eq!(m.patient.mrn, "NOR100000017");
    assert_eq!(m.patient.birth_date.as_deref(), Some("1980-02-03"));
    assert_eq!(
        (
            m.header.control_id.as_str(),
            m.header.sending_facility.as_str()
        ),
        ("MSG00001", "CENTRAL LAB")
    );
}

#[test]
fn fmt_04_escapes_are_decoded() {
    let r = one("OBX|1|ST|8251-1^Comment^LN||A \\T\\ B \\F\\ C||||||F");
    assert_eq!(r.value, ResultValue::Text("A & B | C".into()));
}

/// (message, ACK code, HL7 0357 code, words the reason must contain)
fn refused(text: &str) -> Refusal {
    match parse_oru(text) {
        Ok(m) => panic!("accepted: {m:?}"),
        Err(r) => r,
    }
}

#[test]
fn fmt_04_malformed_messages_are_refused_with_the_reason() {
    let obx = "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F";
    let table: Vec<(String, AckCode, u16, &str)> = vec![
        // Segment order.
        (
            msg(&[obx, &obr("F3")]),
            AckCode::Reject,
            100,
            "OBX before any OBR",
        ),
        (
            [MSH, &obr("F3"), PID, obx].join("\r"),
            AckCode::Reject,
            100,
            "OBR before PID",
        ),
        (msg(&[]), AckCode::Reject, 100, "no OBR"),
        (msg(&[&obr("F3")]), AckCode::Reject, 100, "no OBX"),
        (
            [MSH, &obr("F3"), obx].join("\r"),
            AckCode::Reject,
            100,
            "OBR before PID",
        ),
        (
            msg(&[&obr("F3"), obx, PID]),
            AckCode::Reject,
            100,
            "one patient",
        ),
        (
            msg(&[&obr("F3"), "ABC|1", obx]),
            AckCode::Reject,
            100,
            "ABC",
        ),
        (format!("PID|1\r{MSH}"), AckCode::Reject, 100, "MSH"),
        // Missing MSH fields.
        (
            msg(&[&obr("F3"), obx]).replace("|MSG00001|", "||"),
            AckCode::Reject,
            101,
            "MSH-10",
        ),
        (
            msg(&[&obr("F3"), obx]).replace("|ORU^R01^ORU_R01|", "||"),
            AckCode::Reject,
            101,
            "MSH-9",
        ),
        (
            msg(&[&obr("F3"), obx]).replace("|P|2.5.1", "|P|"),
            AckCode::Reject,
            101,
            "MSH-12",
        ),
        (
            msg(&[&obr("F3"), obx]).replace("|20261204083000-0500||", "|||"),
            AckCode::Reject,
            101,
            "MSH-7",
        ),
        // Message type, event, version.
        (
            msg(&[&obr("F3"), obx]).replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01"),
            AckCode::Reject,
            200,
            "ADT",
        ),
        (
            msg(&[&obr("F3"), obx]).replace("ORU^R01^ORU_R01", "ORU^R30"),
            AckCode::Reject,
            201,
            "R30",
        ),
        (
            msg(&[&obr("F3"), obx]).replace("|P|2.5.1", "|P|3.0"),
            AckCode::Reject,
            203,
            "3.0",
        ),
        // Encoding characters.
        (
            msg(&[&obr("F3"), obx]).replacen("^~\\&", "^~", 1),
            AckCode::Reject,
            102,
            "MSH-2",
        ),
        (
            msg(&[&obr("F3"), obx]).replacen("^~\\&", "^^\\&", 1),
            AckCode::Reject,
            102,
            "MSH-2",
        ),
        (
            msg(&[&obr("F3"), obx]).replacen("^~\\&", "ab12", 1),
            AckCode::Reject,
            102,
            "MSH-2",
        ),
        ("hello".into(), AckCode::Reject, 100, "MSH"),
        // Content errors (AE).
        (
            msg(&[&obr("F3"), "OBX|1|NM|2951-2^Sodium^LN||high|mmol/L|||||F"]),
            AckCode::Error,
            102,
            "not a number",
        ),
        (
            msg(&[&obr("F3"), "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||Q"]),
            AckCode::Error,
            103,
            "OBX-11",
        ),
        (
            msg(&[&obr("F3"), "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||"]),
            AckCode::Error,
            101,
            "OBX-11",
        ),
        (
            msg(&[&obr("F3"), "OBX|1|NM|||140|mmol/L|||||F"]),
            AckCode::Error,
            101,
            "OBX-3",
        ),
        (
            msg(&[&obr("F3"), "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L||ZZ|||F"]),
            AckCode::Error,
            103,
            "OBX-8",
        ),
        (
            msg(&[
                &obr("F3"),
                "OBX|1|ED|11502-2^Report^LN||^AP^PDF^Base64^JVBERi0||||||F",
            ]),
            AckCode::Error,
            102,
            "ED",
        ),
        (
            msg(&[&obr("F3"), "OBX|1|SN|33914-3^eGFR^LN||<>^90||||||F"]),
            AckCode::Error,
            102,
            "SN",
        ),
        (
            msg(&["OBR|1|||24323-8^CMP^LN", obx]),
            AckCode::Error,
            101,
            "OBR-3",
        ),
        (
            [MSH, "PID|1||||Rivera^Ana||19800203", &obr("F3"), obx].join("\r"),
            AckCode::Error,
            101,
            "PID-3",
        ),
        (
            [
                MSH,
                "PID|1||NOR1^^^^MR||Rivera^Ana||19801340",
                &obr("F3"),
                obx,
            ]
            .join("\r"),
            AckCode::Error,
            102,
            "PID-7",
        ),
    ];
    for (text, code, hl7, words) in table {
        let r = refused(&text);
        assert_eq!((r.code, r.hl7_error), (code, hl7), "{text:?} → {r:?}");
        assert!(r.reason.contains(words), "{:?} !~ {words}", r.reason);
    }
}

#[test]
fn fmt_04_the_error_location_names_segment_and_field() {
    let r = refused(&msg(&[
        &obr("F3"),
        "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F",
        "OBX|2|NM|2823-3^Potassium^LN||x|mmol/L|||||F",
    ]));
    assert_eq!(r.location, Some(("OBX".into(), 2, 5)));
}

#[test]
fn fmt_04_dates_and_ranges() {
    let table = [
        ("2026", Some("2026")),
        ("202612", Some("2026-12")),
        ("20261204", Some("2026-12-04")),
        ("202612040830", Some("2026-12-04T08:30:00Z")),
        ("20261204083015+0100", Some("2026-12-04T08:30:15+01:00")),
        ("20261304", None),
        ("20260230", None),
        ("tomorrow", None),
    ];
    for (hl7, want) in table {
        assert_eq!(time(hl7).as_deref(), want, "{hl7}");
    }
    assert_eq!(reference_range("<5"), Range::Below(Number("5".into())));
    assert_eq!(reference_range(">=40"), Range::Above(Number("40".into())));
    assert_eq!(
        reference_range("-2-2"),
        Range::Between(Number("-2".into()), Number("2".into()))
    );
    assert_eq!(reference_range("negative"), Range::Text("negative".into()));
}

#[test]
fn fmt_04_to_fhir_conditional_updates_on_the_filler_order_and_code() {
    let m = parse_oru(&msg(&[
        &obr("F4"),
        "NTE|1||Reviewed: mild hyponatremia.",
        "OBX|1|NM|2951-2^Sodium^LN||133|mmol/L^mmol/L^UCUM|136-145|L|||C|||20261203071500-0500",
    ]))
    .unwrap_or_else(|r| panic!("{r:?}"));
    let b = to_fhir::bundle(&m, "p1", "2026-12-04T13:30:00Z");
    let e = b["entry"].as_array().cloned().unwrap_or_default();
    assert_eq!(e.len(), 2);
    let obs = &e[0];
    assert_eq!(
        obs["request"]["url"],
        "Observation?identifier=urn:wellspring:lab-result:central-lab|F4%2F2951-2"
    );
    assert_eq!(obs["resource"]["status"], "corrected");
    assert_eq!(obs["resource"]["subject"]["reference"], "Patient/p1");
    assert_eq!(
        obs["resource"]["valueQuantity"],
        json!({"value": 133, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"})
    );
    assert_eq!(
        obs["resource"]["interpretation"][0]["coding"][0]["code"],
        "L"
    );
    assert_eq!(obs["resource"]["referenceRange"][0]["low"]["value"], 136);
    assert_eq!(obs["resource"]["issued"], "2026-12-04T08:00:00-05:00");
    let dr = &e[1]["resource"];
    assert_eq!(dr["resourceType"], "DiagnosticReport");
    assert_eq!(dr["status"], "final");
    assert_eq!(dr["result"][0]["reference"], obs["fullUrl"]);
    assert_eq!(dr["conclusion"], "Reviewed: mild hyponatremia.");
    assert_eq!(dr["identifier"][0]["value"], "F4");
    // Every resource is valid FHIR R4.
    for x in &e {
        let issues = ws_fhir::validate::validate_resource(&x["resource"]);
        assert!(issues.is_empty(), "{issues:?}: {x}");
    }
}
