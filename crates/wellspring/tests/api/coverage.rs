//! Coverage and membership through HTTP and the membership service (issue 5): coverage status
//! for any date, adding a newborn (ENR-05) and a refusal outside the window, a death (ENR-12),
//! areas of care (AWY-01), X12 834 import (errors of every kind, idempotency, 999) and X12
//! 270 → 271 (ELG-02). Both back ends.

use jiff::civil::{Date, date};
use serde_json::{Value, json};
use ws_coverage::rules::Relationship;
use ws_coverage::rules::windows::LifeEvent;
use ws_coverage::service::changes::NewDependent;
use ws_coverage::service::{CoverageError, CoverageService};
use ws_fhir_service::{Caller, Principal};
use ws_identity::caller::{Access, Grant, StaffRole};

use crate::support::TestApp;

const REGION: &str = "north";

fn person(account: &str, patient: &str, access: Access) -> Caller {
    Caller {
        actor: format!("account:{account}"),
        principal: Principal::Person {
            account: account.into(),
            grants: vec![Grant {
                patient: patient.into(),
                access,
            }],
        },
        acting_for: Some(patient.into()),
        purpose: None,
        source: Some("test".into()),
    }
}

fn member_services() -> Caller {
    Caller {
        actor: "staff:ms-1".into(),
        principal: Principal::Staff {
            account: "ms-1".into(),
            role: StaffRole::MemberServices,
            practitioner: None,
            panel: vec![],
            break_glass: None,
        },
        acting_for: None,
        purpose: None,
        source: Some("test".into()),
    }
}

/// Two regions (north, south), a plan, an employer group, and a subscriber with a spouse,
/// covered since 2024-01-01. Returns (subscriber, spouse) ids.
pub(crate) async fn seed_family(app: &TestApp) -> (String, String) {
    for (region, title) in [("north", "North"), ("south", "South")] {
        app.put(
            &format!("/Organization/{region}-org-plan"),
            &json!({"resourceType": "Organization", "id": format!("{region}-org-plan"),
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "pay"}]}],
                "name": format!("Wellspring Health {title}")}),
        )
        .await
        .assert_status(201);
        for (code, name, copay) in [
            ("THMO-25", "Traditional HMO", 25),
            ("DHMO-1500", "Deductible HMO", 45),
            ("MA-HMO", "Medicare Advantage", 10),
            ("MCD", "Medicaid", 0),
        ] {
            let id = format!("{region}-plan-{}", code.to_lowercase());
            app.put(
                &format!("/InsurancePlan/{id}"),
                &json!({"resourceType": "InsurancePlan", "id": id, "status": "active",
                    "identifier": [{"system": "urn:wellspring:plan-code", "value": code}, {"system": "urn:wellspring:region", "value": region}],
                    "name": format!("Wellspring {name} {title}"),
                    "plan": [{"type": {"text": name}, "specificCost": [{"category": {"coding": [{"code": "medical"}]}, "benefit": [
                        {"type": {"coding": [{"code": "primary-care", "display": "Primary care office visit"}]}, "cost": [{"type": {"coding": [{"code": "copay"}]}, "value": {"value": copay, "unit": "USD"}}]}
                    ]}]}]}),
            )
            .await
            .assert_status(201);
        }
    }
    app.put(
        "/Organization/north-emp-00010",
        &json!({"resourceType": "Organization", "id": "north-emp-00010",
            "identifier": [{"system": "urn:wellspring:employer-group", "value": "NOR00010"}, {"system": "urn:wellspring:region", "value": REGION}],
            "name": "Cedarton Logistics"}),
    )
    .await
    .assert_status(201);
    let patient = |id: &str, mrn: &str, mb: &str, given: &str, birth: &str| {
        json!({"resourceType": "Patient", "id": id,
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": mrn}, {"system": "urn:wellspring:member-id:north", "value": mb}],
            "name": [{"family": "Okafor", "given": [given]}], "gender": "female", "birthDate": birth,
            "address": [{"line": ["1 Main St"], "city": "Cedarton", "state": "WA", "postalCode": "98101"}]})
    };
    app.put(
        "/Patient/sub",
        &patient("sub", "NOR100000017", "NOR0000001-01", "Ada", "1988-05-02"),
    )
    .await
    .assert_status(201);
    app.put(
        "/Patient/spouse",
        &patient(
            "spouse",
            "NOR100000025",
            "NOR0000001-02",
            "Ben",
            "1987-03-09",
        ),
    )
    .await
    .assert_status(201);
    let cov = |id: &str, who: &str, rel: &str, mb: &str| {
        json!({"resourceType": "Coverage", "id": id, "status": "active",
        "identifier": [{"system": "urn:wellspring:member-id:north", "value": mb}],
        "subscriber": {"reference": "Patient/sub"}, "beneficiary": {"reference": format!("Patient/{who}")},
        "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": rel}]},
        "period": {"start": "2024-01-01"},
        "payor": [{"reference": "Organization/north-org-plan"}],
        "class": [
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]}, "value": "THMO-25", "name": "Wellspring Traditional HMO North"},
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"}]}, "value": "NOR00010", "name": "Cedarton Logistics"}
        ]})
    };
    app.put(
        "/Coverage/cov-sub",
        &cov("cov-sub", "sub", "self", "NOR0000001-01"),
    )
    .await
    .assert_status(201);
    app.put(
        "/Coverage/cov-spouse",
        &cov("cov-spouse", "spouse", "spouse", "NOR0000001-02"),
    )
    .await
    .assert_status(201);
    ("sub".into(), "spouse".into())
}

/// ELG-01 through the API: any date, inclusive period, FHIR answer; bad input is a clear 400.
async fn coverage_status_for_any_date(app: &TestApp) {
    seed_family(app).await;
    let r = app
        .get(&format!(
            "{}/api/coverage-status?patient=sub&date=2026-03-01",
            app.base
        ))
        .await;
    r.assert_status(200);
    let v = r.json();
    assert_eq!(v["resourceType"], "CoverageEligibilityResponse");
    assert_eq!(v["insurance"][0]["inforce"], true, "{v}");
    assert_eq!(v["insurance"][0]["benefitPeriod"]["start"], "2024-01-01");
    let before = app
        .get(&format!(
            "{}/api/coverage-status?patient=sub&date=2023-12-31",
            app.base
        ))
        .await
        .json();
    assert_eq!(before["insurance"][0]["inforce"], false, "{before}");
    app.get(&format!(
        "{}/api/coverage-status?patient=sub&date=2026-02-30",
        app.base
    ))
    .await
    .assert_outcome(400, "not a date");
    app.get(&format!("{}/api/coverage-status?date=2026-02-01", app.base))
        .await
        .assert_outcome(400, "patient parameter");
    app.get(&format!("{}/api/coverage-status?patient=nobody", app.base))
        .await
        .assert_status(404);
    // Anonymous callers learn nothing.
    let anon = app
        .anon
        .get(format!("{}/api/coverage-status?patient=sub", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(anon.status().as_u16(), 401 | 403),
        "{}",
        anon.status()
    );
}

/// A child of the Okafor family born on `birth`, added for that birth (ENR-05).
fn newborn(given: &str, gender: &str, birth: Date) -> NewDependent {
    NewDependent {
        given: given.into(),
        family: "Okafor".into(),
        birth_date: birth,
        gender: gender.into(),
        relationship: Relationship::Child,
        event: LifeEvent::Birth(birth),
    }
}

/// ENR-05 / EX-E9: a newborn added by the subscriber is covered from the birth date, gets an
/// MRN of the region, and the change is audited under the member's own name; a request after
/// the window closes is refused with the reason; another member cannot add to this family.
async fn newborn_added_from_birth_date(app: &TestApp) {
    let (sub, spouse) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    // A fixed "today" outside the employer's November open enrollment.
    let today = date(2026, 6, 15);
    let birth = date(2026, 6, 5);
    let me = person("acct-ada", &sub, Access::Own);
    let out = m
        .add_dependent(&me, &sub, newborn("Chidi", "male", birth), today)
        .await
        .expect("newborn added");
    assert_eq!(
        out.effective,
        Some(birth),
        "ENR-05: effective on the birth date"
    );
    let baby = out.patient.clone().unwrap();
    let mrn = out.mrn.clone().unwrap();
    assert!(
        mrn.starts_with("NOR") && ws_coverage::service::ids::mrn_is_valid(&mrn),
        "{mrn}"
    );
    let p = app.get(&format!("/Patient/{baby}")).await.json();
    assert_eq!(p["birthDate"], birth.to_string());
    let covs = app
        .search("Coverage", &format!("beneficiary=Patient/{baby}"))
        .await;
    let c = &covs["entry"][0]["resource"];
    assert_eq!(c["period"]["start"], birth.to_string(), "{c}");
    assert_eq!(c["subscriber"]["reference"], "Patient/sub");
    assert_eq!(c["class"][0]["value"], "THMO-25");
    let st = m.status(&me, &baby, today).await.err();
    assert!(
        st.is_some(),
        "the subscriber's own grant does not reach the baby's record directly"
    );
    // Audited under the member's name.
    app.flush_audit().await;
    let rows = app.all_audit_rows().await;
    assert!(
        rows.iter().any(|r| r.actor == "account:acct-ada"
            && r.res_type.as_deref() == Some("Coverage")
            && r.purpose
                .as_deref()
                .is_some_and(|p| p.contains("add a family member"))),
        "an audit row for the enrollment by the member"
    );
    // Same baby again: refused, nothing written.
    let again = m
        .add_dependent(&me, &sub, newborn("Chidi", "male", birth), today)
        .await;
    assert!(
        matches!(again, Err(CoverageError::Invalid(ref s)) if s.contains("already")),
        "{again:?}"
    );
    // A birth 45 days ago in a group plan: outside the 31-day window (ENR-11); next chance is
    // the employer's open enrollment.
    let old = date(2026, 5, 1);
    let late = m
        .add_dependent(&me, &sub, newborn("Late", "female", old), today)
        .await;
    match late {
        Err(CoverageError::Refused {
            reason,
            rule,
            next_allowed,
        }) => {
            assert!(!reason.en().is_empty());
            assert!(rule.starts_with("ENR-"), "{rule}");
            assert_eq!(next_allowed, Some(date(2026, 11, 1)), "{reason}");
        }
        other => panic!("a refusal, got {other:?}"),
    }
    // The spouse (not the subscriber) cannot add to the family; a stranger cannot either.
    let spouse_caller = person("acct-ben", &spouse, Access::Own);
    let r = m
        .add_dependent(&spouse_caller, &sub, newborn("X", "male", birth), today)
        .await;
    assert!(matches!(r, Err(CoverageError::Forbidden(_))), "{r:?}");
    assert_eq!(app.search_ids("Patient", "family=Okafor").await.len(), 3);
    // The subscriber sees the whole family's enrollment; the spouse only their own row.
    let whole = m.family(&me, &sub, today).await.unwrap();
    assert_eq!(whole.rows.len(), 3);
    let own = m.family(&spouse_caller, &spouse, today).await.unwrap();
    assert_eq!(own.rows.len(), 1, "{:?}", own.rows);
    assert_eq!(own.rows[0].member, spouse);
    assert!(!own.patients.contains_key(&baby));
}

/// Issue 5 part 3 (ENR-12): a group subscriber's death ends their coverage on the date of
/// death, the dependents' coverage is not silently dropped without the continuation offer,
/// future appointments are cancelled, and nothing is deleted.
async fn death_recorded_by_member_services(app: &TestApp) {
    let (sub, _) = seed_family(app).await;
    let today = app.fhir.clock().today();
    let future = today.checked_add(jiff::Span::new().days(20)).unwrap();
    app.put(
        "/Appointment/appt-1",
        &json!({"resourceType": "Appointment", "id": "appt-1", "status": "booked",
            "start": format!("{future}T09:00:00Z"), "end": format!("{future}T09:20:00Z"),
            "participant": [{"actor": {"reference": "Patient/sub"}, "status": "accepted"}]}),
    )
    .await
    .assert_status(201);
    let m = CoverageService::new(app.fhir.clone());
    let died = today.checked_sub(jiff::Span::new().days(2)).unwrap();
    // A member cannot record a death.
    let me = person("acct-ada", &sub, Access::Own);
    assert!(matches!(
        m.record_death(&me, &sub, died, today).await,
        Err(CoverageError::Forbidden(_))
    ));
    let rep = m
        .record_death(&member_services(), &sub, died, today)
        .await
        .expect("death recorded");
    assert_eq!(rep.coverage_last_day, Some(died));
    assert!(rep.dependents.contains("COBRA"), "{}", rep.dependents);
    assert_eq!(rep.appointments_cancelled, 1);
    let p = app.get("/Patient/sub").await.json();
    assert_eq!(p["deceasedDateTime"], died.to_string());
    let c = app.get("/Coverage/cov-sub").await.json();
    assert_eq!(c["period"]["end"], died.to_string());
    assert_eq!(c["period"]["start"], "2024-01-01", "starts never move");
    let a = app.get("/Appointment/appt-1").await.json();
    assert_eq!(a["status"], "cancelled");
    // Recording it twice is refused; the Patient is still there (nothing deleted).
    assert!(matches!(
        m.record_death(&member_services(), &sub, died, today).await,
        Err(CoverageError::Invalid(_))
    ));
    app.get("/Patient/sub").await.assert_status(200);
}

/// AWY-01 / EX-W1: an area of care gives a new MRN of the visited region linked both ways;
/// asking again returns the same one; Medicaid members are refused routine care away.
async fn area_of_care_issues_a_linked_mrn(app: &TestApp) {
    let (sub, _) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let me = person("acct-ada", &sub, Access::Own);
    let today = app.fhir.clock().today();
    let a = m
        .add_area_of_care(&me, &sub, "south", today)
        .await
        .expect("area added");
    assert!(
        a.mrn.starts_with("SOU") && ws_coverage::service::ids::mrn_is_valid(&a.mrn),
        "{}",
        a.mrn
    );
    let visiting = app.get(&format!("/Patient/{}", a.patient)).await.json();
    assert_eq!(visiting["link"][0]["other"]["reference"], "Patient/sub");
    let home = app.get("/Patient/sub").await.json();
    assert_eq!(
        home["link"][0]["other"]["reference"],
        format!("Patient/{}", a.patient)
    );
    let again = m.add_area_of_care(&me, &sub, "south", today).await.unwrap();
    assert_eq!(again, a);
    assert!(matches!(
        m.add_area_of_care(&me, &sub, "north", today).await,
        Err(CoverageError::Invalid(_))
    ));
    assert!(matches!(
        m.add_area_of_care(&me, &sub, "atlantis", today).await,
        Err(CoverageError::NotFound(_))
    ));
    // Medicaid: move the family to the Medicaid plan code, then ask.
    let mut c = app.get("/Coverage/cov-spouse").await.json();
    c["class"][0]["value"] = json!("MCD");
    app.put("/Coverage/cov-spouse", &c).await.assert_status(200);
    let r = m
        .add_area_of_care(
            &person("acct-ben", "spouse", Access::Own),
            "spouse",
            "south",
            today,
        )
        .await;
    assert!(
        matches!(
            r,
            Err(CoverageError::Refused {
                rule: "AWY-02" | "ENR-23",
                ..
            })
        ),
        "{r:?}"
    );
}

fn env() -> ws_x12::Envelope {
    ws_x12::Envelope::new(
        "EMPLOYER",
        "WELLSPRING",
        date(2026, 11, 20),
        jiff::civil::time(10, 30, 0, 0),
        1001,
        1,
    )
}

fn header() -> ws_x12::Header834 {
    ws_x12::Header834 {
        purpose: "00".into(),
        reference: "REF001".into(),
        date: date(2026, 11, 20),
        time: "1030".into(),
        action: "2".into(),
        master_policy: Some("NOR00010".into()),
        file_effective_date: None,
        sponsor: ws_x12::Party {
            name: "Cedarton Logistics".into(),
            id_qualifier: "FI".into(),
            id: "123456789".into(),
        },
        payer: ws_x12::Party {
            name: "Wellspring Health North".into(),
            id_qualifier: "FI".into(),
            id: "999999999".into(),
        },
    }
}

fn enrollee(
    sub_id: &str,
    rel: &str,
    first: &str,
    birth: Date,
    plan: &str,
    group: &str,
) -> ws_x12::Member834 {
    let mut m = ws_x12::Member834::new(sub_id, rel, "Moreno", first, birth, 'F');
    m.group_number = Some(group.into());
    m.address_lines = vec!["12 Pine St".into()];
    m.city = Some("Cedarton".into());
    m.state = Some("WA".into());
    m.zip = Some("98101".into());
    m.coverages.push(ws_x12::Coverage834 {
        maintenance: ws_x12::Maintenance::Addition,
        insurance_line: "HLT".into(),
        plan_code: plan.into(),
        coverage_level: Some("FAM".into()),
        begin: Some(date(2027, 1, 1)),
        end: None,
    });
    m
}

async fn post_x12(app: &TestApp, path: &str, body: &str) -> (u16, String) {
    let r = app
        .client
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/edi-x12")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Issue 5 part 7: an 834 with good and bad members; unknown group and plan reject only that
/// member with the reason and segment; a second import changes nothing; a malformed file
/// changes nothing and says where; the 999 acknowledges with errors.
async fn x12_834_import(app: &TestApp) {
    seed_family(app).await;
    let members = [
        enrollee(
            "E1001",
            "18",
            "Lucia",
            date(1990, 6, 15),
            "THMO-25",
            "NOR00010",
        ),
        enrollee(
            "E1001",
            "19",
            "Mateo",
            date(2020, 2, 29),
            "THMO-25",
            "NOR00010",
        ),
        enrollee(
            "E1002",
            "18",
            "Nina",
            date(1985, 1, 1),
            "THMO-25",
            "NOR99999",
        ),
        enrollee(
            "E1003",
            "18",
            "Omar",
            date(1979, 12, 31),
            "GOLD-X",
            "NOR00010",
        ),
        enrollee(
            "E1004",
            "19",
            "Pia",
            date(2015, 4, 4),
            "THMO-25",
            "NOR00010",
        ),
    ];
    let file = ws_x12::write_834(&env(), &header(), members.iter());
    // A bad date in another copy of member 1 (hand-edited segment).
    let (st, body) = post_x12(app, "/x12/834", &file).await;
    assert_eq!(st, 200, "{body}");
    let rep: Value = serde_json::from_str(&body).unwrap();
    let outcome = |i: usize| rep["members"][i]["outcome"].as_str().unwrap().to_owned();
    let reason = |i: usize| {
        rep["members"][i]["reason"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(outcome(0), "added", "{rep}");
    assert_eq!(outcome(1), "added", "{rep}");
    assert_eq!(outcome(2), "rejected");
    assert!(
        reason(2).contains("unknown employer group NOR99999"),
        "{}",
        reason(2)
    );
    assert_eq!(outcome(3), "rejected");
    assert!(reason(3).contains("unknown plan GOLD-X"), "{}", reason(3));
    assert_eq!(
        outcome(4),
        "rejected",
        "a dependent without a covered subscriber"
    );
    assert!(
        reason(4).contains("no subscriber with REF*0F E1004"),
        "{}",
        reason(4)
    );
    assert!(rep["members"][2]["segment"].as_u64().unwrap() > 0);
    let ack = rep["ack999"].as_str().unwrap();
    assert!(ack.contains("ST*999*"), "{ack}");
    assert!(
        ack.contains("IK5*E") || ack.contains("AK9*E") || ack.contains("AK9*P"),
        "{ack}"
    );
    let lucia = rep["members"][0]["patient"].as_str().unwrap().to_owned();
    let cov = app
        .search("Coverage", &format!("beneficiary=Patient/{lucia}"))
        .await;
    assert_eq!(cov["entry"][0]["resource"]["period"]["start"], "2027-01-01");
    let before_patients = app.count("Patient").await;
    let before_covs = app.count("Coverage").await;
    // Idempotent: the same file again changes nothing.
    let (st, body) = post_x12(app, "/x12/834", &file).await;
    assert_eq!(st, 200, "{body}");
    let rep2: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rep2["members"][0]["outcome"], "unchanged", "{rep2}");
    assert_eq!(rep2["members"][1]["outcome"], "unchanged", "{rep2}");
    assert_eq!(app.count("Patient").await, before_patients);
    assert_eq!(app.count("Coverage").await, before_covs);
    let v = app.get(&format!("/Patient/{lucia}")).await.json();
    assert_eq!(
        v["meta"]["versionId"], "1",
        "no new version on the second import"
    );
    // Malformed: truncated file, wrong SE count, bad date: nothing changes.
    let truncated = &file[..file.len() - 40];
    let (st, body) = post_x12(app, "/x12/834", truncated).await;
    assert_eq!(st, 400, "{body}");
    assert!(body.contains("segment"), "says where: {body}");
    let se_pos = file.find("SE*").unwrap();
    let mut wrong_count = file.clone();
    wrong_count.replace_range(se_pos..se_pos + 3, "SE*9");
    let (st, body) = post_x12(app, "/x12/834", &wrong_count).await;
    assert_eq!(st, 400, "{body}");
    let bad_date = file.replace("DMG*D8*19900615", "DMG*D8*19900631");
    assert_ne!(bad_date, file);
    let (st, body) = post_x12(app, "/x12/834", &bad_date).await;
    assert_eq!(st, 200, "{body}");
    let rep3: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rep3["members"][0]["outcome"], "rejected");
    assert!(
        rep3["members"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("19900631"),
        "{rep3}"
    );
    assert_eq!(app.count("Patient").await, before_patients);
    assert_eq!(app.count("Coverage").await, before_covs);
    // Termination, then the same termination again (unchanged), then reinstatement.
    let mut term = members[0].clone();
    term.maintenance = ws_x12::Maintenance::Termination;
    term.coverages[0].end = Some(date(2027, 3, 31));
    let f2 = ws_x12::write_834(&env(), &header(), [&term]);
    let (_, body) = post_x12(app, "/x12/834", &f2).await;
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["members"][0]["outcome"], "terminated", "{r}");
    let (_, body) = post_x12(app, "/x12/834", &f2).await;
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["members"][0]["outcome"], "unchanged", "{r}");
    let mateo = rep["members"][1]["patient"].as_str().unwrap();
    let c = app
        .search("Coverage", &format!("beneficiary=Patient/{mateo}"))
        .await;
    assert_eq!(
        c["entry"][0]["resource"]["period"]["end"], "2027-03-31",
        "dependents end with the subscriber"
    );
    // Reinstatement reopens the subscriber's ended coverage.
    let mut reinstate = members[0].clone();
    reinstate.maintenance = ws_x12::Maintenance::Reinstatement;
    let f3 = ws_x12::write_834(&env(), &header(), [&reinstate]);
    let (_, body) = post_x12(app, "/x12/834", &f3).await;
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["members"][0]["outcome"], "reinstated", "{r}");
    // A full-file audit (BGN08 4, INS03 030) that names the subscriber but not the dependent
    // of a family covered today: the dependent is reported, not terminated.
    let mut sub2 = enrollee(
        "E2001",
        "18",
        "Rafa",
        date(1980, 7, 7),
        "THMO-25",
        "NOR00010",
    );
    let mut dep2 = enrollee(
        "E2001",
        "19",
        "Sol",
        date(2012, 9, 9),
        "THMO-25",
        "NOR00010",
    );
    for m in [&mut sub2, &mut dep2] {
        m.coverages[0].begin = Some(date(2026, 1, 1));
    }
    let (st, body) = post_x12(
        app,
        "/x12/834",
        &ws_x12::write_834(&env(), &header(), [&sub2, &dep2]),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let mut audit_header = header();
    audit_header.action = "4".into();
    sub2.maintenance = ws_x12::Maintenance::Audit;
    let (st, body) = post_x12(
        app,
        "/x12/834",
        &ws_x12::write_834(&env(), &audit_header, [&sub2]),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["members"][0]["outcome"], "unchanged", "{r}");
    let gaps = r["not_in_audit"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{r}");
    assert!(gaps[0].as_str().unwrap().contains("Sol Moreno"), "{r}");
    // Members only via an integration/staff caller.
    let anon = app
        .anon
        .post(format!("{}/x12/834", app.base))
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert!(matches!(anon.status().as_u16(), 401 | 403));
}

/// ELG-02: 270 → 271: covered (EB*1), unknown member (AAA 75), wrong birth date (AAA 58).
async fn x12_270_eligibility(app: &TestApp) {
    seed_family(app).await;
    let person = |id: &str, birth: Date| ws_x12::Person {
        last_name: "Okafor".into(),
        first_name: "Ada".into(),
        middle_name: None,
        member_id: Some(id.into()),
        birth_date: Some(birth),
        gender: None,
    };
    let entity = |code: &str, name: &str| ws_x12::Entity {
        entity_code: code.into(),
        entity_type: "2".into(),
        name: name.into(),
        first_name: String::new(),
        id_qualifier: "PI".into(),
        id: "12345".into(),
    };
    let inq = |p: ws_x12::Person| ws_x12::Inquiry270 {
        reference: "R1".into(),
        trace: Some("TRACE1".into()),
        trace_originator: Some("9877281234".into()),
        source: entity("PR", "WELLSPRING"),
        provider: ws_x12::Entity {
            entity_code: "1P".into(),
            id_qualifier: "XX".into(),
            id: "1234567893".into(),
            ..entity("1P", "VALLEY CLINIC")
        },
        subscriber: p,
        dependent: None,
        date: Some(ws_x12::DateOrRange::Date(date(2026, 6, 1))),
        service_types: vec!["30".into()],
        position: 0,
        st_position: 0,
    };
    let ok = ws_x12::write_270(&env(), &[inq(person("NOR0000001-01", date(1988, 5, 2)))]);
    let (st, body) = post_x12(app, "/x12/270", &ok).await;
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("ST*271*"), "{body}");
    assert!(body.contains("EB*1*IND*30"), "{body}");
    assert!(body.contains("TRACE1"), "trace echoed: {body}");
    let unknown = ws_x12::write_270(&env(), &[inq(person("NOR9999999-01", date(1988, 5, 2)))]);
    let (_, body) = post_x12(app, "/x12/270", &unknown).await;
    assert!(body.contains("AAA*N**75*C"), "{body}");
    let wrong_dob = ws_x12::write_270(&env(), &[inq(person("NOR0000001-01", date(1988, 5, 3)))]);
    let (_, body) = post_x12(app, "/x12/270", &wrong_dob).await;
    assert!(body.contains("AAA*N**58*C"), "{body}");
    // A 270 sent where an 834 is expected: refused, nothing imported.
    let (st, body) = post_x12(app, "/x12/834", &ok).await;
    assert_eq!(st, 400, "{body}");
    assert!(
        body.contains("no 834 enrollment transaction (found: 270)"),
        "{body}"
    );
    let (st, body) = post_x12(app, "/x12/270", "ISA*garbage").await;
    assert_eq!(st, 400, "{body}");
}

/// Issue 5 part 8: member services look a member up and see the coverage, correct contact
/// details (bad input refused with the reason), add a newborn and record a death, all through
/// the staff pages; other roles cannot.
async fn member_services_pages(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, post_form, sign_in};
    seed_family(app).await;
    const PW: &str = "quiet meadow copper kettle";
    for (email, role) in [
        ("ms@example.org", StaffRole::MemberServices),
        ("rx@example.org", StaffRole::Pharmacist),
    ] {
        let (acct, _) = app
            .identity
            .create_staff(email, "Sam Staff", role, None, "system:test")
            .await
            .unwrap()
            .unwrap();
        app.identity
            .set_password(&acct.id, PW)
            .await
            .unwrap()
            .unwrap();
    }
    let ms = browser();
    sign_in(app, &ms, "ms@example.org", PW, "/staff").await;
    let url = |p: &str| format!("{}{p}", app.base);
    let (st, html) = page(&ms, &url("/staff?mrn=NOR100000017")).await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("Covered today: Wellspring Traditional HMO North"),
        "{html}"
    );
    assert!(html.contains("Ben Okafor"), "the family is listed");
    let csrf = csrf_of(&html);
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let ms = ms.clone();
        let csrf = csrf.clone();
        let u = url(path);
        async move {
            let mut f: Vec<(&str, String)> = vec![
                ("csrf", csrf),
                ("patient", "sub".into()),
                ("mrn", "NOR100000017".into()),
            ];
            f.extend(fields);
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = post_form(&ms, &u, &pairs).await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let contact = |zip: &str| {
        vec![
            ("line", "77 Alder Way".to_owned()),
            ("city", "Cedarton".to_owned()),
            ("state", "wa".to_owned()),
            ("postal_code", zip.to_owned()),
            ("mobile", "+12065550188".to_owned()),
        ]
    };
    let (st, html) = post("/staff/contact", contact("981")).await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("ZIP code is 5 digits"), "{html}");
    assert_eq!(
        app.get("/Patient/sub").await.json()["address"][0]["line"][0],
        "1 Main St"
    );
    let (st, html) = post("/staff/contact", contact("98102")).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Contact details corrected."));
    let p = app.get("/Patient/sub").await.json();
    assert_eq!(p["address"][0]["line"][0], "77 Alder Way");
    assert_eq!(p["address"][0]["state"], "WA");
    let today = app.fhir.clock().today();
    let birth = today
        .checked_sub(jiff::Span::new().days(3))
        .unwrap()
        .to_string();
    let (st, html) = post(
        "/staff/add-member",
        vec![
            ("given", "Zuri".into()),
            ("family", "Okafor".into()),
            ("birth_date", birth.clone()),
            ("gender", "female".into()),
            ("relationship", "19".into()),
            ("event", "birth".into()),
            ("event_date", birth.clone()),
        ],
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains(&format!("Added: covered from {birth}")),
        "{html}"
    );
    // Enrolling someone already covered would overlap: refused with the reason.
    let (st, html) = post(
        "/staff/enroll",
        vec![
            ("plan", "DHMO-1500".into()),
            ("group", "NOR00010".into()),
            ("event", String::new()),
        ],
    )
    .await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("There is a problem"), "{html}");
    let died = today
        .checked_sub(jiff::Span::new().days(1))
        .unwrap()
        .to_string();
    let (st, html) = post("/staff/death", vec![("date_of_death", "yesterday".into())]).await;
    assert_eq!(st, 400, "{html}");
    let (st, html) = post("/staff/death", vec![("date_of_death", died.clone())]).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains(&format!("Coverage ends {died}")), "{html}");
    assert!(html.contains("Deceased"), "{html}");
    // A pharmacist cannot record life events.
    let rx = browser();
    sign_in(app, &rx, "rx@example.org", PW, "/staff").await;
    let (_, html) = page(&rx, &url("/staff?mrn=NOR100000017")).await;
    let r = post_form(
        &rx,
        &url("/staff/death"),
        &[
            ("csrf", &csrf_of(&html)),
            ("patient", "spouse"),
            ("date_of_death", &died),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 403);
}

/// SEED-03: the digital ID card is offered on the HMO plans and refused on Medicare with the
/// reason; the card carries the member's MRN, plan and copays and its QR payload names only
/// region and MRN.
async fn id_card_offered_by_plan(app: &TestApp) {
    let (sub, spouse) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let today = app.fhir.clock().today();
    let card = m
        .id_card(&person("acct-ada", &sub, Access::Own), &sub, today)
        .await
        .expect("a card on the HMO");
    assert_eq!(card.mrn, "NOR100000017");
    assert_eq!(card.plan_name, "Wellspring Traditional HMO North");
    assert_eq!(card.qr_payload, "WSMEMBER:north:MRN:NOR100000017");
    assert!(
        card.copays
            .iter()
            .any(|(k, v)| k == "Primary care" && v == "$25"),
        "{:?}",
        card.copays
    );
    let labels = ws_idcard::CardLabels::english();
    let pdf = ws_idcard::render_pdf(&card, &labels).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let png = ws_idcard::render_png(&card, &labels).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // Move the spouse to Medicare Advantage: no digital card, and the reason says why.
    let mut c = app.get("/Coverage/cov-spouse").await.json();
    c["class"][0]["value"] = json!("MA-HMO");
    app.put("/Coverage/cov-spouse", &c).await.assert_status(200);
    let refused = m
        .id_card(&person("acct-ben", &spouse, Access::Own), &spouse, today)
        .await;
    match refused {
        Err(CoverageError::Refused { reason, rule, .. }) => {
            assert_eq!(rule, "SEED-03");
            assert!(reason.en().contains("Medicare"), "{reason}");
        }
        other => panic!("a SEED-03 refusal, got {other:?}"),
    }
    // Before coverage began: no card either.
    let before = m
        .id_card(
            &person("acct-ada", &sub, Access::Own),
            &sub,
            date(2023, 1, 1),
        )
        .await;
    assert!(
        matches!(before, Err(CoverageError::Refused { rule: "ELG-01", .. })),
        "{before:?}"
    );
}

/// The coverage pages through a portal session: Spanish texts, the card as PDF and PNG, and no
/// page without signing in.
async fn coverage_pages_in_the_portal(app: &TestApp) {
    use crate::identity::{browser, page, sign_in};
    seed_family(app).await;
    const PW: &str = "quiet meadow copper kettle";
    let input = ws_identity::service::RegisterInput {
        mrn: "NOR100000017".into(),
        birth_date: "1988-05-02".into(),
        given: "Ada".into(),
        family: "Okafor".into(),
        email: "ada@example.org".into(),
        mobile: "(206) 555-0142".into(),
        password: PW.into(),
    };
    app.identity
        .register(&input, Some("test"))
        .await
        .unwrap()
        .unwrap();
    let anon = browser();
    let r = anon
        .get(format!("{}/coverage/id-card.pdf", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "signed out: to the sign-in page");
    let c = browser();
    sign_in(app, &c, "ada@example.org", PW, "/coverage").await;
    let (st, html) = page(&c, &format!("{}/coverage?lang=es", app.base)).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Cobertura y beneficios"), "{html}");
    assert!(html.contains("¿Está activa mi cobertura?"));
    assert!(html.contains("Cubierto el"), "{html}");
    // The windows panel too: names and date ranges in Spanish (issue 13).
    assert!(html.contains("Inscripción"), "{html}");
    assert!(
        !html.contains(" to 20"),
        "an English date range on a Spanish page: {html}"
    );
    let (st, html) = page(
        &c,
        &format!("{}/coverage?date=2026-02-30&lang=en", app.base),
    )
    .await;
    assert_eq!(st, 400);
    assert!(html.contains("is not a date"), "{html}");
    // The member updates their own address and phone; bad input is refused and saves nothing.
    let (_, html) = page(&c, &format!("{}/coverage", app.base)).await;
    assert!(html.contains("My address and phone"), "{html}");
    let csrf = crate::identity::csrf_of(&html);
    let contact = |zip: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("line", "5 Birch Road".to_owned()),
            ("city", "Cedarton".to_owned()),
            ("state", "WA".to_owned()),
            ("postal_code", zip.to_owned()),
            ("mobile", "+12065550177".to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let c = c.clone();
        let u = format!("{}/coverage/contact", app.base);
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = crate::identity::post_form(&c, &u, &pairs).await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (st, html) = post(contact("9810")).await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("Enter a ZIP code of 5 digits"), "{html}");
    assert!(
        html.contains("id=\"postal_code-error\"") && html.contains("value=\"9810\""),
        "the problem is at its field and the typed value kept: {html}"
    );
    assert_eq!(
        app.get("/Patient/sub").await.json()["address"][0]["line"][0],
        "1 Main St"
    );
    let (st, html) = post(contact("98103")).await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("Your address and phone were saved."),
        "{html}"
    );
    let p = app.get("/Patient/sub").await.json();
    assert_eq!(p["address"][0]["line"][0], "5 Birch Road");
    assert_eq!(p["telecom"][0]["value"], "+12065550177");
    for (path, ctype, magic) in [
        ("/coverage/id-card.pdf", "application/pdf", &b"%PDF"[..]),
        ("/coverage/id-card.png", "image/png", &b"\x89PNG"[..]),
    ] {
        let r = c.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], ctype);
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert!(r.bytes().await.unwrap().starts_with(magic), "{path}");
    }
}

/// ENR-10/11, SEED-15: a plan change outside the employer's open enrollment is refused with
/// the next allowed date; inside it, the whole family moves on January 1 and the old rows end
/// on December 31 (starts never move).
async fn change_plan_in_the_employer_window(app: &TestApp) {
    let (sub, spouse) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let me = person("acct-ada", &sub, Access::Own);
    match m
        .change_plan(&me, &sub, "DHMO-1500", None, date(2026, 6, 15))
        .await
    {
        Err(CoverageError::Refused { next_allowed, .. }) => {
            assert_eq!(next_allowed, Some(date(2026, 11, 1)));
        }
        other => panic!("a refusal, got {other:?}"),
    }
    let out = m
        .change_plan(&me, &sub, "DHMO-1500", None, date(2026, 11, 15))
        .await
        .expect("changed in open enrollment");
    assert_eq!(out.effective, Some(date(2027, 1, 1)));
    for who in [&sub, &spouse] {
        let rows = coverage_rows(app, who).await;
        assert_eq!(
            rows,
            vec![
                ("2024-01-01".into(), "2026-12-31".into(), "THMO-25".into()),
                ("2027-01-01".into(), String::new(), "DHMO-1500".into()),
            ],
            "{who}"
        );
    }
    // Medicaid is another market: not a plan change the member makes.
    let r = m
        .change_plan(&me, &sub, "MCD", None, date(2026, 11, 15))
        .await;
    assert!(matches!(r, Err(CoverageError::Refused { .. })), "{r:?}");
    // The spouse is not the subscriber.
    let r = m
        .change_plan(
            &person("acct-ben", &spouse, Access::Own),
            &spouse,
            "DHMO-1500",
            None,
            date(2026, 11, 15),
        )
        .await;
    assert!(matches!(r, Err(CoverageError::Forbidden(_))), "{r:?}");
}

/// ENR-13: the age-out run ends a child's coverage the day before the 26th birthday; younger
/// children and the adults are untouched; a member cannot run it.
async fn dependents_age_out(app: &TestApp) {
    let (sub, _) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let add = |id: &str, birth: &str| {
        json!({"resourceType": "Patient", "id": id,
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": format!("NOR-{id}")}],
            "name": [{"family": "Okafor", "given": [id]}], "birthDate": birth})
    };
    app.put("/Patient/kid26", &add("kid26", "2000-08-15"))
        .await
        .assert_status(201);
    app.put("/Patient/kid10", &add("kid10", "2016-03-01"))
        .await
        .assert_status(201);
    for (cid, who) in [("cov-kid26", "kid26"), ("cov-kid10", "kid10")] {
        let mut c = app.get("/Coverage/cov-spouse").await.json();
        c["id"] = json!(cid);
        c["beneficiary"] = json!({"reference": format!("Patient/{who}")});
        c["relationship"] = json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "child"}]});
        if let Some(o) = c.as_object_mut() {
            o.remove("meta");
        }
        app.put(&format!("/Coverage/{cid}"), &c)
            .await
            .assert_status(201);
    }
    assert!(matches!(
        m.age_out(&person("acct-ada", &sub, Access::Own), date(2026, 9, 1))
            .await,
        Err(CoverageError::Forbidden(_))
    ));
    let before = m
        .age_out(&Caller::system(), date(2026, 8, 14))
        .await
        .unwrap();
    assert!(
        before.is_empty(),
        "still covered on the day before the birthday: {before:?}"
    );
    let ended = m
        .age_out(&Caller::system(), date(2026, 8, 15))
        .await
        .unwrap();
    assert_eq!(ended, vec![("kid26 Okafor".to_owned(), date(2026, 8, 14))]);
    assert_eq!(
        app.get("/Coverage/cov-kid26").await.json()["period"]["end"],
        "2026-08-14"
    );
    assert!(app.get("/Coverage/cov-kid10").await.json()["period"]["end"].is_null());
    assert!(
        m.age_out(&Caller::system(), date(2026, 8, 20))
            .await
            .unwrap()
            .is_empty(),
        "done once"
    );
}

/// ENR-15: member services enroll a member turning 65 in Medicare Advantage during the
/// initial enrollment period (effective the 1st of the birthday month when chosen before it);
/// outside every Medicare window the request is refused; enrolling twice overlaps and is refused.
async fn medicare_enrollment_windows(app: &TestApp) {
    seed_family(app).await;
    app.put(
        "/Patient/medi",
        &json!({"resourceType": "Patient", "id": "medi",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": "NOR100000033"}],
            "name": [{"family": "Haddad", "given": ["Rana"]}], "birthDate": "1961-08-10",
            "address": [{"state": "WA"}]}),
    )
    .await
    .assert_status(201);
    let m = CoverageService::new(app.fhir.clone());
    let enrollment = ws_coverage::service::changes::NewEnrollment {
        subscriber: "medi".into(),
        members: vec![],
        plan_code: "MA-HMO".into(),
        group: None,
        event: None,
        part_a_b_start: None,
    };
    // A member cannot enroll themselves through this path.
    assert!(matches!(
        m.enroll(
            &person("acct-rana", "medi", Access::Own),
            enrollment.clone(),
            date(2026, 6, 1)
        )
        .await,
        Err(CoverageError::Forbidden(_))
    ));
    let late = m
        .enroll(&member_services(), enrollment.clone(), date(2026, 12, 20))
        .await;
    assert!(
        matches!(late, Err(CoverageError::Refused { .. })),
        "{late:?}"
    );
    let out = m
        .enroll(&member_services(), enrollment.clone(), date(2026, 6, 1))
        .await
        .expect("enrolled in the IEP");
    assert_eq!(out.effective, Some(date(2026, 8, 1)), "{}", out.window);
    let c = app.search("Coverage", "beneficiary=Patient/medi").await;
    assert_eq!(c["entry"][0]["resource"]["period"]["start"], "2026-08-01");
    assert_eq!(
        c["entry"][0]["resource"]["class"][1]["value"],
        "MA-INDIVIDUAL"
    );
    let twice = m
        .enroll(&member_services(), enrollment, date(2026, 6, 2))
        .await;
    assert!(
        twice.is_err(),
        "no overlapping coverage of the same kind: {twice:?}"
    );
}

/// WS-ENR-03: member services end a family's coverage at the subscriber's request: every open
/// row ends on the last day of the month; the rows stay; a dependent cannot be "terminated" as
/// if a subscriber.
async fn voluntary_termination(app: &TestApp) {
    let (sub, spouse) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    assert!(matches!(
        m.terminate(
            &person("acct-ada", &sub, Access::Own),
            &sub,
            date(2026, 6, 10)
        )
        .await,
        Err(CoverageError::Forbidden(_))
    ));
    assert!(matches!(
        m.terminate(&member_services(), &spouse, date(2026, 6, 10))
            .await,
        Err(CoverageError::Invalid(_))
    ));
    let out = m
        .terminate(&member_services(), &sub, date(2026, 6, 10))
        .await
        .unwrap();
    assert_eq!(out.effective, Some(date(2026, 6, 30)));
    for id in ["cov-sub", "cov-spouse"] {
        let c = app.get(&format!("/Coverage/{id}")).await.json();
        assert_eq!(c["period"]["end"], "2026-06-30", "{id}");
        assert_eq!(c["period"]["start"], "2024-01-01");
        assert_eq!(c["status"], "cancelled");
    }
    assert_eq!(
        app.count("Coverage").await,
        2,
        "nothing added, nothing deleted"
    );
}

/// Issue 13, defect 2 (ENR-05, ENR-11): a parent adds their newborn (covered from the day of
/// birth), then changes the family's plan for that birth. Before, the change failed with a 422
/// naming ENR-13 and record ids ("… has coverage starting …, after …"). Now the whole family —
/// newborn included — is on the new plan from the day of birth, the newborn keeps one row, and
/// refusals read as words with no rule or record ids.
async fn enr_05_change_plan_for_birth_after_adding_the_newborn(app: &TestApp) {
    let (sub, spouse) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let me = person("acct-ada", &sub, Access::Own);
    let today = date(2026, 6, 15);
    let birth = date(2026, 6, 12);
    let out = m
        .add_dependent(&me, &sub, newborn("Chidi", "male", birth), today)
        .await
        .expect("newborn added");
    let baby = out.patient.unwrap();
    let review = m
        .review_plan_change(&me, &sub, "DHMO-1500", Some(LifeEvent::Birth(birth)), today)
        .await
        .expect("the change for the birth is allowed");
    assert_eq!(
        review.allowed.effective, birth,
        "ENR-05: from the birth date"
    );
    let names: Vec<&str> = review.members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Ada Okafor", "Ben Okafor", "Chidi Okafor"]);
    assert_eq!(review.members[0].1, Relationship::SelfSubscriber);
    assert_eq!(
        (review.current.code.as_str(), review.target.code.as_str()),
        ("THMO-25", "DHMO-1500")
    );
    let out = m.confirm_plan_change(review).await.expect("plan changed");
    assert_eq!(out.effective, Some(birth));
    let rows_of = |who: String| async move { coverage_rows(app, &who).await };
    for who in [&sub, &spouse] {
        assert_eq!(
            rows_of(who.clone()).await,
            vec![
                ("2024-01-01".into(), "2026-06-11".into(), "THMO-25".into()),
                ("2026-06-12".into(), String::new(), "DHMO-1500".into()),
            ],
            "{who}"
        );
    }
    assert_eq!(
        rows_of(baby.clone()).await,
        vec![("2026-06-12".into(), String::new(), "DHMO-1500".into())],
        "the newborn moves with the family, start kept"
    );
    // A refusal, in words: no rule id, no record id.
    let late = m
        .change_plan(
            &me,
            &sub,
            "THMO-25",
            Some(LifeEvent::Marriage(date(2026, 1, 5))),
            today,
        )
        .await
        .unwrap_err();
    let words = late.explain();
    assert!(matches!(late, CoverageError::Refused { .. }), "{late:?}");
    for bad in ["ENR-", "WS-", "north-", "Patient/", &baby] {
        assert!(!words.contains(bad), "{bad:?} in {words:?}");
    }
    assert!(
        words.contains("Nov 1, 2026"),
        "the next window, as people read a date: {words}"
    );
}

/// Medicare plans for the tests: MA-HMO rated 4 stars, MA-BASIC 3.5, MA-SELECT and MA-PREMIER 5
/// (the star rating as InsurancePlan data, ENR-19), with monthly premiums.
pub(crate) async fn seed_medicare_plans(app: &TestApp) {
    for (code, name, stars, premium, copay) in [
        ("MA-HMO", "Medicare Advantage", 4.0, 0, 10),
        ("MA-BASIC", "Medicare Advantage Basic", 3.5, 0, 15),
        ("MA-SELECT", "Medicare Advantage Select", 5.0, 39, 5),
        ("MA-PREMIER", "Medicare Advantage Premier", 5.0, 79, 0),
    ] {
        let id = format!("north-plan-{}", code.to_lowercase());
        app.put(
            &format!("/InsurancePlan/{id}"),
            &json!({"resourceType": "InsurancePlan", "id": id, "status": "active",
                "extension": [{"url": ws_coverage::service::family::STAR_RATING_URL, "valueDecimal": stars}],
                "identifier": [{"system": "urn:wellspring:plan-code", "value": code}, {"system": "urn:wellspring:region", "value": REGION}],
                "name": format!("Wellspring {name} North"),
                "plan": [{"type": {"text": name},
                    "generalCost": [{"type": {"coding": [{"code": "premium"}]}, "groupSize": 1, "cost": {"value": premium, "currency": "USD"}}],
                    "specificCost": [{"category": {"coding": [{"code": "medical"}]}, "benefit": [
                    {"type": {"coding": [{"code": "primary-care", "display": "Primary care office visit"}]}, "cost": [{"type": {"coding": [{"code": "copay"}]}, "value": {"value": copay, "unit": "USD"}}]}
                ]}]}]}),
        )
        .await;
    }
}

/// One Coverage row's start, plan and recorded elections ((period, made on) pairs).
type ElectionRow = (String, String, Vec<(String, String)>);

/// The elections recorded on a member's Coverage rows, by start.
async fn elections(app: &TestApp, who: &str) -> Vec<ElectionRow> {
    let b = app
        .search("Coverage", &format!("beneficiary=Patient/{who}"))
        .await;
    let mut out: Vec<ElectionRow> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["resource"];
            let els = r["extension"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| x["url"] == ws_coverage::service::family::ELECTION_URL)
                .map(|x| {
                    let part = |n: &str| {
                        x["extension"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|p| p["url"] == n)
                            .map(|p| {
                                p["valueCode"]
                                    .as_str()
                                    .or(p["valueDate"].as_str())
                                    .unwrap()
                                    .to_owned()
                            })
                            .unwrap()
                    };
                    (part("period"), part("madeOn"))
                })
                .collect();
            (
                r["period"]["start"].as_str().unwrap().to_owned(),
                r["class"][0]["value"].as_str().unwrap().to_owned(),
                els,
            )
        })
        .collect();
    out.sort();
    out
}

/// Issue 13, defect 5 (ENR-15..19): Medicare elections end to end through the service, each
/// built from the member's own data (birth date, Part A and B from their Medicare Advantage
/// coverage, the plan on January 1, the elections recorded on their coverage, the plans' star
/// ratings) and each recorded on the coverage it creates:
/// IEP enrollment (member services); AEP change (the member), a second AEP choice replaces the
/// first (ENR-17); MA OEP change, a second one the same year refused (ENR-18); 5-star change, a
/// second one in the same Dec 8 – Nov 30 window refused, allowed again in the next (ENR-19).
async fn medicare_elections_recorded_once_limits_enforced(app: &TestApp) {
    seed_family(app).await;
    seed_medicare_plans(app).await;
    app.put(
        "/Patient/medi",
        &json!({"resourceType": "Patient", "id": "medi",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": "NOR100000033"}],
            "name": [{"family": "Haddad", "given": ["Rana"]}], "birthDate": "1961-08-10",
            "address": [{"state": "WA"}]}),
    )
    .await
    .assert_status(201);
    let m = CoverageService::new(app.fhir.clone());
    let me = person("acct-rana", "medi", Access::Own);
    // IEP: 65 on 2026-08-10, IEP 2026-05-01 .. 2026-11-30; chosen before the birthday month.
    let iep = m
        .enroll(
            &member_services(),
            ws_coverage::service::changes::NewEnrollment {
                subscriber: "medi".into(),
                members: vec![],
                plan_code: "MA-HMO".into(),
                group: None,
                event: None,
                part_a_b_start: None,
            },
            date(2026, 6, 1),
        )
        .await
        .expect("IEP enrollment");
    assert_eq!(iep.effective, Some(date(2026, 8, 1)));
    // AEP: the member chooses MA-SELECT for January 1, then changes their mind: the last
    // choice counts, and no third coverage row appears.
    let aep = m
        .change_plan(&me, "medi", "MA-SELECT", None, date(2026, 11, 1))
        .await
        .expect("AEP change");
    assert_eq!(
        (aep.effective, aep.rule),
        (Some(date(2027, 1, 1)), "ENR-17")
    );
    let aep2 = m
        .change_plan(&me, "medi", "MA-PREMIER", None, date(2026, 12, 1))
        .await
        .expect("a second AEP choice replaces the first");
    assert_eq!(aep2.effective, Some(date(2027, 1, 1)));
    assert_eq!(
        elections(app, "medi").await,
        vec![
            (
                "2026-08-01".into(),
                "MA-HMO".into(),
                vec![("iep".into(), "2026-06-01".into())]
            ),
            (
                "2027-01-01".into(),
                "MA-PREMIER".into(),
                vec![
                    ("aep".into(), "2026-11-01".into()),
                    ("aep".into(), "2026-12-01".into())
                ]
            ),
        ]
    );
    // MA OEP: in Medicare Advantage on January 1, one change; the second is refused.
    let oep = m
        .change_plan(&me, "medi", "MA-HMO", None, date(2027, 2, 10))
        .await
        .expect("MA OEP change");
    assert_eq!(
        (oep.effective, oep.rule),
        (Some(date(2027, 3, 1)), "ENR-18")
    );
    let again = m
        .change_plan(&me, "medi", "MA-BASIC", None, date(2027, 3, 15))
        .await
        .unwrap_err();
    assert_eq!(again.rule(), Some("ENR-18"), "{again:?}");
    assert!(again.explain().contains("already been used"), "{again:?}");
    assert!(!again.explain().contains("ENR-"));
    // 5-star SEP: once between December 8 and November 30, only into a 5-star plan.
    let basic = m
        .change_plan(&me, "medi", "MA-BASIC", None, date(2027, 6, 1))
        .await
        .unwrap_err();
    assert_eq!(basic.rule(), Some("ENR-17"), "not a 5-star plan: {basic:?}");
    let star = m
        .change_plan(&me, "medi", "MA-SELECT", None, date(2027, 6, 1))
        .await
        .expect("5-star change");
    assert_eq!(
        (star.effective, star.rule),
        (Some(date(2027, 7, 1)), "ENR-19")
    );
    let star2 = m
        .change_plan(&me, "medi", "MA-PREMIER", None, date(2027, 8, 1))
        .await
        .unwrap_err();
    assert_eq!(star2.rule(), Some("ENR-19"), "{star2:?}");
    let next = m
        .change_plan(&me, "medi", "MA-PREMIER", None, date(2027, 12, 10))
        .await
        .expect("the next 5-star window");
    assert_eq!(next.effective, Some(date(2028, 1, 1)));
    let recorded: Vec<(String, String)> = elections(app, "medi")
        .await
        .into_iter()
        .flat_map(|(_, _, e)| e)
        .collect();
    for e in [
        ("ma-oep", "2027-02-10"),
        ("five-star", "2027-06-01"),
        ("five-star", "2027-12-10"),
    ] {
        assert!(
            recorded.contains(&(e.0.to_owned(), e.1.to_owned())),
            "{e:?} in {recorded:?}"
        );
    }
    // Audited under the member's own name, with what was done.
    app.flush_audit().await;
    assert!(app.all_audit_rows().await.iter().any(|r| {
        r.actor == "account:acct-rana"
            && r.res_type.as_deref() == Some("Coverage")
            && r.purpose.as_deref() == Some("enrollment: change plan")
    }));
    // Part A and B given at enrollment are recorded on the Patient (ENR-16).
    app.put(
        "/Patient/medi2",
        &json!({"resourceType": "Patient", "id": "medi2",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": "NOR100000041"}],
            "name": [{"family": "Haddad", "given": ["Sami"]}], "birthDate": "1961-09-20"}),
    )
    .await
    .assert_status(201);
    let icep = m
        .enroll(
            &member_services(),
            ws_coverage::service::changes::NewEnrollment {
                subscriber: "medi2".into(),
                members: vec![],
                plan_code: "MA-HMO".into(),
                group: None,
                event: None,
                part_a_b_start: Some(date(2026, 9, 1)),
            },
            date(2026, 7, 1),
        )
        .await
        .expect("ICEP enrollment");
    assert_eq!(
        (icep.effective, icep.rule),
        (Some(date(2026, 9, 1)), "ENR-16")
    );
    let p = app.get("/Patient/medi2").await.json();
    assert_eq!(
        ws_coverage::service::medicare::entitlement_of(&p),
        (Some(date(2026, 9, 1)), Some(date(2026, 9, 1)))
    );
}

/// Issue 13, defect 4 (AWY-01): the area-of-care record has no coverage of its own; its status
/// is the home coverage's, with the home plan (before: "No coverage on record").
async fn area_of_care_record_shows_home_coverage(app: &TestApp) {
    let (sub, _) = seed_family(app).await;
    let m = CoverageService::new(app.fhir.clone());
    let me = person("acct-ada", &sub, Access::Own);
    let today = app.fhir.clock().today();
    let a = m.add_area_of_care(&me, &sub, "south", today).await.unwrap();
    let there = person("acct-ada", &a.patient, Access::Own);
    let st = m.status(&there, &a.patient, today).await.unwrap();
    assert!(st.is_active(), "{:?}", st.status);
    assert_eq!(st.code(), "active");
    assert_eq!(
        st.plan.as_ref().map(|p| p.name.as_str()),
        Some("Wellspring Traditional HMO North"),
        "home-plan cost sharing"
    );
    assert_eq!(st.home_region.as_deref(), Some("north"));
    assert_eq!(st.mrn.as_deref(), Some(a.mrn.as_str()), "the regional MRN");
    let card = m.id_card(&there, &a.patient, today).await.expect("a card");
    assert_eq!(card.mrn, a.mrn);
}

/// A Medicare Advantage member on MA-HMO since 2024, 67 years old today, whose record says they
/// prefer Spanish, with a portal account (rana@example.org). Returns the Patient id.
async fn seed_medicare_member(app: &TestApp, id: &str, mrn: &str, email: &str) -> String {
    let today = app.fhir.clock().today();
    let birth = date(today.year() - 67, 3, 12).to_string();
    app.put(
        &format!("/Patient/{id}"),
        &json!({"resourceType": "Patient", "id": id,
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": mrn}, {"system": "urn:wellspring:member-id:north", "value": format!("{mrn}-01")}],
            "name": [{"family": "Haddad", "given": ["Rana"]}], "gender": "female", "birthDate": birth,
            "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es-MX"}]}, "preferred": true}],
            "address": [{"line": ["4 Elm St"], "city": "Cedarton", "state": "WA", "postalCode": "98101"}]}),
    )
    .await
    .assert_status(201);
    app.put(
        &format!("/Coverage/cov-{id}"),
        &json!({"resourceType": "Coverage", "id": format!("cov-{id}"), "status": "active",
            "identifier": [{"system": "urn:wellspring:member-id:north", "value": format!("{mrn}-01")}],
            "subscriber": {"reference": format!("Patient/{id}")}, "beneficiary": {"reference": format!("Patient/{id}")},
            "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
            "period": {"start": "2024-01-01"},
            "payor": [{"reference": "Organization/north-org-plan"}],
            "class": [
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]}, "value": "MA-HMO", "name": "Wellspring Medicare Advantage North"},
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"}]}, "value": "MA-INDIVIDUAL", "name": "Individual Medicare Advantage"}
            ]}),
    )
    .await
    .assert_status(201);
    let input = ws_identity::service::RegisterInput {
        mrn: mrn.into(),
        birth_date: birth,
        given: "Rana".into(),
        family: "Haddad".into(),
        email: email.into(),
        mobile: "(206) 555-0142".into(),
        password: "quiet meadow copper kettle".into(),
    };
    app.identity
        .register(&input, Some("test"))
        .await
        .unwrap()
        .unwrap();
    id.to_owned()
}

/// Issue 13, defects 1 and 5 (ENR-15..19, SEED-15) through the portal and the staff desk: a
/// Medicare member aged 67 sees their initial enrollment period closed, compares and chooses
/// Medicare Advantage plans only (star ratings and premiums shown), reviews the change
/// (both plans, who, start date, window) and confirms it: the election is recorded, a notice is
/// e-mailed in Spanish (the language on their record). Member services change another Medicare
/// member's plan on the staff desk: the notice goes out, the desk shows the election used.
async fn medicare_plan_change_in_portal_and_staff_desk(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, post_form, sign_in};
    seed_family(app).await;
    seed_medicare_plans(app).await;
    let rana = seed_medicare_member(app, "rana", "NOR100000058", "rana@example.org").await;
    let c = browser();
    sign_in(
        app,
        &c,
        "rana@example.org",
        "quiet meadow copper kettle",
        "/coverage",
    )
    .await;
    let url = |p: &str| format!("{}{p}", app.base);
    let (st, html) = page(&c, &url("/coverage?lang=en")).await;
    assert_eq!(st, 200, "{html}");
    let iep = html
        .split("<tr>")
        .find(|r| r.contains("Initial enrollment around your 65th birthday"))
        .expect("the IEP row");
    assert!(iep.contains("<td>No</td>"), "IEP closed at 67: {iep}");
    assert!(
        !iep.contains("Within the days after"),
        "the IEP has the member's own dates: {iep}"
    );
    // Compare: Medicare Advantage plans only, with star ratings and premiums.
    let (st, html) = page(&c, &url("/coverage/plans")).await;
    assert_eq!(st, 200, "{html}");
    for want in [
        "Wellspring Medicare Advantage Select North",
        "Wellspring Medicare Advantage Basic North",
        "5 out of 5",
        "$39 a month",
        "class=\"table-wrap\"",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    for not in ["Traditional HMO", "Medicaid", "Deductible HMO"] {
        assert!(!html.contains(not), "{not} offered to a Medicare member");
    }
    assert!(html.contains("value=\"MA-SELECT\""), "offered to change to");
    // Review, then confirm; a 5-star plan is open all year (the AEP or the 5-star period).
    let (st, html) = page(
        &c,
        &url("/coverage/change-plan/review?plan=MA-SELECT&event="),
    )
    .await;
    assert_eq!(st, 200, "{html}");
    for want in [
        "Review your plan change",
        "Wellspring Medicare Advantage North",
        "Wellspring Medicare Advantage Select North",
        "Rana Haddad",
        "Confirm the change",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    for bad in ["ENR-", "cov-rana", "Patient/"] {
        assert!(!html.contains(bad), "{bad} on the review page");
    }
    let expect = html
        .split("name=\"expect\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = post_form(
        &c,
        &url("/coverage/change-plan"),
        &[
            ("csrf", &csrf_of(&html)),
            ("plan", "MA-SELECT"),
            ("event", ""),
            ("event_date", ""),
            ("expect", &expect),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Your plan is changing"), "{html}");
    assert!(
        html.contains("A notice of this change was sent to rana@example.org"),
        "{html}"
    );
    let used = m_elections(app, &rana).await;
    assert_eq!(used.len(), 1, "{used:?}");
    assert!(
        ["aep", "five-star"].contains(&used[0].0.as_str()),
        "{used:?}"
    );
    let sent = app.run_pending_jobs().await;
    let mail = sent
        .iter()
        .find(|m| m.recipient == "rana@example.org" && m.subject.contains("plan"))
        .unwrap_or_else(|| panic!("no notice to the member: {sent:?}"));
    assert_eq!(
        mail.subject, "Su plan de Wellspring va a cambiar",
        "in the language on the member's record: {mail:?}"
    );
    assert!(
        mail.body
            .contains("Wellspring Medicare Advantage Select North"),
        "{}",
        mail.body
    );
    // Staff desk: member services change another Medicare member's plan.
    let other = seed_medicare_member(app, "omar", "NOR100000066", "omar@example.org").await;
    let (acct, _) = app
        .identity
        .create_staff(
            "ms@example.org",
            "Sam Staff",
            StaffRole::MemberServices,
            None,
            "system:test",
        )
        .await
        .unwrap()
        .unwrap();
    app.identity
        .set_password(&acct.id, "quiet meadow copper kettle")
        .await
        .unwrap()
        .unwrap();
    let ms = browser();
    sign_in(
        app,
        &ms,
        "ms@example.org",
        "quiet meadow copper kettle",
        "/staff",
    )
    .await;
    let (_, html) = page(&ms, &url("/staff?mrn=NOR100000066")).await;
    assert!(html.contains("action=\"/staff/change-plan\""), "{html}");
    let r = post_form(
        &ms,
        &url("/staff/change-plan"),
        &[
            ("csrf", &csrf_of(&html)),
            ("patient", &other),
            ("mrn", "NOR100000066"),
            ("plan", "MA-SELECT"),
            ("event", ""),
        ],
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Plan changed to Wellspring Medicare Advantage Select North"),
        "{html}"
    );
    assert!(
        html.contains("Notice e-mailed to omar@example.org"),
        "{html}"
    );
    assert!(html.contains("elections used: "), "{html}");
    let sent = app.run_pending_jobs().await;
    assert!(
        sent.iter()
            .any(|m| m.recipient == "omar@example.org" && m.body.contains("Select North")),
        "{sent:?}"
    );
    app.flush_audit().await;
    assert!(
        app.all_audit_rows()
            .await
            .iter()
            .any(|r| r.action == "notice" && r.compartment.as_deref() == Some("omar")),
        "the notice is in the audit log"
    );
}

/// The (period, made on) of every election recorded for `who`.
async fn m_elections(app: &TestApp, who: &str) -> Vec<(String, String)> {
    elections(app, who)
        .await
        .into_iter()
        .flat_map(|(_, _, e)| e)
        .collect()
}

both!(
    enr_05_change_plan_for_birth_after_adding_the_newborn,
    medicare_plan_change_in_portal_and_staff_desk,
    medicare_elections_recorded_once_limits_enforced,
    area_of_care_record_shows_home_coverage,
    voluntary_termination,
    medicare_enrollment_windows,
    change_plan_in_the_employer_window,
    dependents_age_out,
    coverage_pages_in_the_portal,
    id_card_offered_by_plan,
    member_services_pages,
    coverage_status_for_any_date,
    newborn_added_from_birth_date,
    death_recorded_by_member_services,
    area_of_care_issues_a_linked_mrn,
    x12_834_import,
    x12_270_eligibility,
);

/// A member's Coverage rows as (start, end or "", plan code), sorted.
async fn coverage_rows(app: &TestApp, who: &str) -> Vec<(String, String, String)> {
    let b = app
        .search("Coverage", &format!("beneficiary=Patient/{who}"))
        .await;
    let mut rows: Vec<(String, String, String)> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["resource"];
            (
                r["period"]["start"].as_str().unwrap().to_owned(),
                r["period"]["end"].as_str().unwrap_or("").to_owned(),
                r["class"][0]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}
