//! Getting care through the FHIR API, on both back ends (issue 14's interfaces):
//!
//! - `GET /fhir/Slot?schedule.actor=Practitioner/<id>&start=ge<date>&status=free` (and by
//!   `service-type`, `schedule.actor=Location/<id>`), public like the rest of the directory.
//! - `POST /fhir/Appointment` (booked, a `slot`, the patient as participant) → 201 and the slot
//!   turns busy; a taken slot → 409 with an OperationOutcome; `PUT` with `status: cancelled`
//!   frees it — also inside transaction Bundles and bulk imports (the write guard).
//! - SCH-03 under concurrency: 1,000 simultaneous bookings by different members for 50 slots
//!   book exactly 50 visits; no member holds two visits in one slot.
//! - SCH-01: `PUT /fhir/Patient/<id>` changing `generalPractitioner` passes the PCP rules
//!   (full panel → 422 saying so; pediatrics for an adult → 422; members already on a closed
//!   panel stay).

use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::support::{TestApp, id_of, match_ids};

pub const SERVICE_TYPE: &str = "http://wellspring.example/fhir/CodeSystem/service-type";
const SNOMED: &str = "http://snomed.info/sct";

/// The clinic, its family doctor (role with a template Mon–Fri 9–17), the doctor's schedule.
pub struct Clinic {
    pub location: String,
    pub practitioner: String,
    pub role: String,
    pub schedule: String,
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A clinic with one doctor of `specialty` (SNOMED code) and `panel_capacity` (when given).
pub async fn clinic(app: &TestApp, specialty: (&str, &str), panel_capacity: Option<i64>) -> Clinic {
    let location = app
        .create_id(json!({"resourceType": "Location", "status": "active", "name": "Cedar Hill Medical Offices",
            "address": {"line": ["137 Main St"], "city": "Cedar Hill", "state": "WA", "postalCode": "98101"},
            "position": {"latitude": 47.6, "longitude": -122.3},
            "telecom": [{"system": "phone", "value": "+12065550142"}],
            "hoursOfOperation": [{"daysOfWeek": ["mon","tue","wed","thu","fri"], "openingTime": "08:00:00", "closingTime": "18:00:00"}]}))
        .await;
    let practitioner = app
        .create_id(json!({"resourceType": "Practitioner", "active": true, "gender": "female",
            "name": [{"family": "Okafor", "given": ["Ada"], "prefix": ["Dr."], "suffix": ["MD"]}],
            "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": "en", "display": "English"}]},
                              {"coding": [{"system": "urn:ietf:bcp:47", "code": "es", "display": "Spanish"}]}]}))
        .await;
    let mut role = json!({"resourceType": "PractitionerRole", "active": true,
        "practitioner": {"reference": format!("Practitioner/{practitioner}"), "display": "Dr. Ada Okafor"},
        "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/practitioner-role", "code": "doctor"}]}],
        "specialty": [{"coding": [{"system": SNOMED, "code": specialty.0, "display": specialty.1}]}],
        "location": [{"reference": format!("Location/{location}")}],
        "availableTime": [{"daysOfWeek": ["mon","tue","wed","thu","fri"], "availableStartTime": "09:00:00", "availableEndTime": "17:00:00"}]});
    role["extension"] = json!([{"url": "http://wellspring.example/fhir/StructureDefinition/accepting-new-patients", "valueBoolean": true}]);
    if let Some(c) = panel_capacity {
        role["extension"]
            .as_array_mut()
            .unwrap()
            .push(json!({"url": "urn:wellspring:fhir:panel-capacity", "valueInteger": c}));
    }
    let role = app.create_id(role).await;
    let code = if specialty.0 == "394537008" {
        "pediatrics"
    } else {
        "primary-care"
    };
    let schedule = app
        .create_id(json!({"resourceType": "Schedule", "active": true,
            "serviceType": [{"coding": [{"system": SERVICE_TYPE, "code": code}]}],
            "actor": [{"reference": format!("Practitioner/{practitioner}"), "display": "Dr. Ada Okafor"},
                      {"reference": format!("PractitionerRole/{role}")},
                      {"reference": format!("Location/{location}")}]}))
        .await;
    Clinic {
        location,
        practitioner,
        role,
        schedule,
    }
}

/// Free slots of the clinic's schedule from tomorrow on, soonest first.
pub async fn free_slots(app: &TestApp, c: &Clinic, n: usize) -> Vec<Value> {
    let from = today().checked_add(1.day()).unwrap();
    let b = app
        .search(
            "Slot",
            &format!(
                "schedule.actor=Practitioner/{}&start=ge{from}&status=free&_sort=start&_count={n}",
                c.practitioner
            ),
        )
        .await;
    b["entry"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["resource"].clone())
        .collect()
}

fn booking(patient: &str, slot: &Value) -> Value {
    json!({"resourceType": "Appointment", "status": "booked",
        "slot": [{"reference": format!("Slot/{}", id_of(slot))}],
        "start": slot["start"], "end": slot["end"],
        "participant": [{"actor": {"reference": format!("Patient/{patient}")}, "status": "accepted"}]})
}

async fn patients(app: &TestApp, n: usize, birth: &str) -> Vec<String> {
    let list: Vec<Value> = (0..n)
        .map(|i| {
            json!({"resourceType": "Patient", "id": format!("sch-p{i}"),
                "name": [{"family": format!("Member{i}"), "given": ["Test"]}],
                "gender": "female", "birthDate": birth})
        })
        .collect();
    for chunk in list.chunks(500) {
        app.fhir
            .put_resources(&ws_fhir_service::Caller::system(), chunk)
            .await
            .unwrap();
    }
    (0..n).map(|i| format!("sch-p{i}")).collect()
}

async fn slot_status(app: &TestApp, id: &str) -> String {
    app.get(&format!("/Slot/{id}")).await.json()["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Slots come from the template and are found by practitioner, location and service type,
/// anonymously (directory data is public).
async fn slots_are_generated_and_searched(app: &TestApp) {
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    // Two weeks: ten weekdays (minus federal holidays) of 9–17 in 20-minute visits without
    // the lunch hour = 21 a day.
    let from = today();
    let added = app.scheduling.ensure_slots(from, 14).await.unwrap();
    assert!(added >= 21 * 8, "{added} slots");
    // Idempotent: the same window adds nothing.
    assert_eq!(app.scheduling.ensure_slots(from, 14).await.unwrap(), 0);
    let tomorrow = from.checked_add(1.day()).unwrap();
    for q in [
        format!(
            "schedule.actor=Practitioner/{}&start=ge{tomorrow}&status=free",
            c.practitioner
        ),
        format!(
            "schedule.actor=Location/{}&start=ge{tomorrow}&status=free",
            c.location
        ),
        format!("service-type={SERVICE_TYPE}|primary-care&start=ge{tomorrow}&status=free"),
    ] {
        let r = app
            .anon
            .get(app.url(&format!("/Slot?{q}&_count=500")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{q}");
        let b: Value = r.json().await.unwrap();
        let entries = b["entry"].as_array().cloned().unwrap_or_default();
        assert!(entries.len() >= 21 * 7, "{q}: {}", entries.len());
        for e in &entries {
            assert_eq!(e["resource"]["status"], "free");
            assert!(e["resource"]["start"].as_str().unwrap() >= tomorrow.to_string().as_str());
        }
    }
    // Another practitioner's slots are not in the answer.
    let other = app
        .create_id(json!({"resourceType": "Practitioner", "name": [{"family": "Else"}]}))
        .await;
    assert!(
        app.search_ids(
            "Slot",
            &format!("schedule.actor=Practitioner/{other}&status=free")
        )
        .await
        .is_empty()
    );
    // A chain into a patient's record is refused to callers who may not search it there.
    let r = app
        .anon
        .get(app.url("/Appointment?patient.name=Member"))
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 401 | 403), "{}", r.status());
}

/// Booking takes the slot (201, busy); the same slot again is 409 with an OperationOutcome;
/// cancelling frees it and it can be booked again; a transaction Bundle obeys the same rule.
async fn book_take_cancel_free(app: &TestApp) {
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    app.scheduling.ensure_slots(today(), 14).await.unwrap();
    let ps = patients(app, 3, "1980-04-02").await;
    let slots = free_slots(app, &c, 3).await;
    let s0 = &slots[0];
    let r = app.post("/Appointment", &booking(&ps[0], s0)).await;
    r.assert_status(201);
    let appt = r.json();
    assert_eq!(slot_status(app, &id_of(s0)).await, "busy");
    // Taken: 409 and an OperationOutcome that says so; nothing written.
    let before = app.count("Appointment").await;
    let oo = app
        .post("/Appointment", &booking(&ps[1], s0))
        .await
        .assert_outcome(409, "already booked");
    assert_eq!(oo["resourceType"], "OperationOutcome");
    assert_eq!(app.count("Appointment").await, before);
    // A slot that does not exist: 422.
    let mut ghost = booking(&ps[1], s0);
    ghost["slot"] = json!([{"reference": "Slot/no-such-slot"}]);
    app.post("/Appointment", &ghost)
        .await
        .assert_outcome(422, "does not exist");
    // Cancel: PUT with status cancelled frees the slot.
    let mut cancelled = appt.clone();
    cancelled["status"] = json!("cancelled");
    app.put(&format!("/Appointment/{}", id_of(&appt)), &cancelled)
        .await
        .assert_status(200);
    assert_eq!(slot_status(app, &id_of(s0)).await, "free");
    // Cancelling again changes nothing about the slot.
    app.put(&format!("/Appointment/{}", id_of(&appt)), &cancelled)
        .await
        .assert_status(200);
    assert_eq!(slot_status(app, &id_of(s0)).await, "free");
    // Freeing a booked slot by writing the Slot itself is refused: only its appointment frees it.
    let r = app.post("/Appointment", &booking(&ps[2], s0)).await;
    r.assert_status(201);
    let mut slot = app.get(&format!("/Slot/{}", id_of(s0))).await.json();
    slot["status"] = json!("free");
    app.put(&format!("/Slot/{}", id_of(s0)), &slot)
        .await
        .assert_outcome(409, "cancel or move its appointment");
    let mut undo = r.json();
    undo["status"] = json!("cancelled");
    app.put(&format!("/Appointment/{}", id_of(&undo)), &undo)
        .await
        .assert_status(200);
    // Someone else books it now.
    app.post("/Appointment", &booking(&ps[1], s0))
        .await
        .assert_status(201);
    assert_eq!(slot_status(app, &id_of(s0)).await, "busy");
    // Moving a visit (PUT with another slot) takes the new slot and frees the old one at once.
    let r = app.post("/Appointment", &booking(&ps[2], &slots[1])).await;
    r.assert_status(201);
    let mut moved = r.json();
    moved["slot"] = json!([{"reference": format!("Slot/{}", id_of(&slots[2]))}]);
    moved["start"] = slots[2]["start"].clone();
    moved["end"] = slots[2]["end"].clone();
    app.put(&format!("/Appointment/{}", id_of(&moved)), &moved)
        .await
        .assert_status(200);
    assert_eq!(slot_status(app, &id_of(&slots[1])).await, "free");
    assert_eq!(slot_status(app, &id_of(&slots[2])).await, "busy");
    // A transaction Bundle cannot take a busy slot either: the whole Bundle fails.
    let tx = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:1b4f0a52-0d3c-4c44-9a55-4b8f2b0e1a01",
         "resource": {"resourceType": "Patient", "name": [{"family": "Bundled"}]},
         "request": {"method": "POST", "url": "Patient"}},
        {"resource": booking(&ps[0], &slots[2]), "request": {"method": "POST", "url": "Appointment"}}
    ]});
    let r = app.post("/", &tx).await;
    assert_eq!(r.status, 409, "{}", r.describe());
    assert!(app.search_ids("Patient", "family=Bundled").await.is_empty());
    // A booked Appointment imported in bulk takes its slot too; one naming a taken slot is
    // rejected as a bad line, the rest of the file loads.
    let file = app.dir.join("appointments.ndjson");
    let lines = [
        booking(&ps[0], &slots[2]).to_string(),
        booking(&ps[0], &slots[1]).to_string(),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let report = app
        .fhir
        .import_files(
            &ws_fhir_service::Caller::system(),
            &[file],
            std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
        )
        .await
        .unwrap();
    assert_eq!(report.loaded, 1, "{report:?}");
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert!(
        report.rejected[0].reason.contains("already booked"),
        "{report:?}"
    );
    assert_eq!(slot_status(app, &id_of(&slots[1])).await, "busy");
}

/// SCH-03: 1,000 simultaneous bookings by different members for 50 slots book exactly 50.
async fn sch_03_thousand_members_fifty_slots(app: &TestApp) {
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    app.scheduling.ensure_slots(today(), 21).await.unwrap();
    let slots = free_slots(app, &c, 50).await;
    assert_eq!(slots.len(), 50);
    let ps = patients(app, 1_000, "1975-01-01").await;
    let client = app.client.clone();
    let url = app.url("/Appointment");
    let mut tasks = Vec::new();
    for (i, p) in ps.iter().enumerate() {
        let body = booking(p, &slots[i % 50]);
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            (status, v)
        }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for t in tasks {
        let (status, v) = t.await.unwrap();
        match status {
            201 => created += 1,
            409 => {
                assert_eq!(v["resourceType"], "OperationOutcome");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert_eq!((created, conflicts), (50, 950));
    // Every slot is busy and named by exactly one booked Appointment.
    let booked = app.search("Appointment", "status=booked&_count=1000").await;
    let mut per_slot = std::collections::HashMap::new();
    let mut per_member = std::collections::HashSet::new();
    for e in booked["entry"].as_array().unwrap() {
        let a = &e["resource"];
        *per_slot
            .entry(a["slot"][0]["reference"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        per_member.insert(
            a["participant"][0]["actor"]["reference"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(per_slot.len(), 50);
    assert!(per_slot.values().all(|n| *n == 1), "{per_slot:?}");
    assert_eq!(per_member.len(), 50);
    for s in &slots {
        assert_eq!(slot_status(app, &id_of(s)).await, "busy");
    }
}

/// SCH-01 through `PUT /fhir/Patient`: a full panel is 422 saying so; a pediatrician for an
/// adult is 422; re-saving a member already on a closed panel is fine; the role's panel figures
/// follow.
async fn sch_01_pcp_rules_on_patient_update(app: &TestApp) {
    let family = clinic(app, ("419772000", "Family practice"), Some(1)).await;
    let peds = clinic(app, ("394537008", "Pediatric specialty"), None).await;
    let ps = patients(app, 3, "1980-04-02").await;
    let set_pcp = |p: &str, role: &str| {
        let p = p.to_owned();
        let role = role.to_owned();
        async move {
            let mut v = app.get(&format!("/Patient/{p}")).await.json();
            v["generalPractitioner"] = json!([{"reference": format!("PractitionerRole/{role}")}]);
            app.put(&format!("/Patient/{p}"), &v).await
        }
    };
    set_pcp(&ps[0], &family.role).await.assert_status(200);
    let role: Value = app
        .get(&format!("/PractitionerRole/{}", family.role))
        .await
        .json();
    let ext = |url: &str| {
        role["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == url)
            .cloned()
            .unwrap()
    };
    assert_eq!(ext("urn:wellspring:fhir:panel-size")["valueInteger"], 1);
    assert_eq!(
        ext("http://wellspring.example/fhir/StructureDefinition/accepting-new-patients")["valueBoolean"],
        false
    );
    // The panel (capacity 1) is full.
    let oo = set_pcp(&ps[1], &family.role)
        .await
        .assert_outcome(422, "panel is full");
    assert_eq!(oo["issue"][0]["code"], "business-rule");
    // Pediatrics does not take an adult.
    set_pcp(&ps[1], &peds.role)
        .await
        .assert_outcome(422, "does not see members of this age");
    // An integration recording a doctor who keeps no primary-care panel here (an outside
    // record's cardiologist) is recorded as sent; the cardiologist's role gets no panel figures.
    let cardio = clinic(app, ("394579002", "Cardiology"), None).await;
    let mut v = app.get(&format!("/Patient/{}", ps[2])).await.json();
    v["generalPractitioner"] =
        json!([{"reference": format!("Practitioner/{}", cardio.practitioner)}]);
    app.put(&format!("/Patient/{}", ps[2]), &v)
        .await
        .assert_status(200);
    let r: Value = app
        .get(&format!("/PractitionerRole/{}", cardio.role))
        .await
        .json();
    assert!(!r.to_string().contains("panel-size"), "{r}");
    // A member already on the panel saves their record with it unchanged.
    let mut v = app.get(&format!("/Patient/{}", ps[0])).await.json();
    v["telecom"] = json!([{"system": "phone", "value": "+12065550199"}]);
    app.put(&format!("/Patient/{}", ps[0]), &v)
        .await
        .assert_status(200);
    // Leaving frees the place: the next member gets in.
    let mut v = app.get(&format!("/Patient/{}", ps[0])).await.json();
    v.as_object_mut().unwrap().remove("generalPractitioner");
    app.put(&format!("/Patient/{}", ps[0]), &v)
        .await
        .assert_status(200);
    set_pcp(&ps[1], &family.role).await.assert_status(200);
    // Ten members choosing one doctor with room for one at the same time: one gets in.
    let many = patients(app, 10, "1990-01-01").await;
    let big = clinic(app, ("419772000", "Family practice"), Some(1)).await;
    let mut tasks = Vec::new();
    for p in many {
        let (client, base, role) = (app.client.clone(), app.fhir_base.clone(), big.role.clone());
        tasks.push(tokio::spawn(async move {
            let mut v: Value = client
                .get(format!("{base}/Patient/{p}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["generalPractitioner"] = json!([{"reference": format!("PractitionerRole/{role}")}]);
            client
                .put(format!("{base}/Patient/{p}"))
                .json(&v)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let s = t.await.unwrap();
        assert!(matches!(s, 200 | 409 | 422), "{s}");
        ok += usize::from(s == 200);
    }
    assert_eq!(ok, 1);
    let on = match_ids(
        &app.search(
            "Patient",
            &format!("general-practitioner=PractitionerRole/{}", big.role),
        )
        .await,
    );
    assert_eq!(on.len(), 1);
}

/// A proven, opted-in number for `patient` (the code read from the text the outbox sent).
async fn proven_number(app: &TestApp, id: &ws_identity::Identity, patient: &str, mobile: &str) {
    id.text_start("test", patient, mobile).await.unwrap();
    let sent = app.run_pending_jobs().await;
    let body = &sent
        .iter()
        .rev()
        .find(|m| m.recipient == mobile)
        .expect("a code was texted")
        .body;
    let code: String = body
        .split("code: ")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect();
    // A wrong code first: refused, nothing proven.
    assert!(
        id.text_confirm("test", patient, mobile, "000000x")
            .await
            .unwrap()
            .is_err()
    );
    id.text_confirm("test", patient, mobile, &code)
        .await
        .unwrap()
        .unwrap();
}

/// SCH-04, SMS-01, SMS-02 on a fixed clock: reminders 3 days and 1 day before, once each, only
/// to proven opted-in numbers; X cancels (the slot frees once), C confirms, STOP stops with one
/// confirmation, HELP answers; late X says "call us"; the gateway webhook needs its key.
async fn sch_04_reminders_on_a_fixed_clock(app: &TestApp) {
    use ws_store::Clock;
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    // Monday 2026-12-07, 11:30 in Washington (PST, UTC-8).
    let clock = Clock::fixed(at("2026-12-07T19:30:00Z"));
    let id = app.identity.clone().with_clock(clock.clone());
    let s = ws_scheduling::SchedulingService::new(app.fhir.clone().with_clock(clock.clone()))
        .with_texts(id.clone());
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    s.ensure_slots("2026-12-07".parse().unwrap(), 14)
        .await
        .unwrap();
    let ps = patients(app, 4, "1970-06-01").await;
    let mobiles = [
        "+12065550101",
        "+12065550102",
        "+12065550103",
        "+12065550104",
    ];
    // 0: proven and on. 1: added, never proven. 2: proven, then turned off. 3: proven, STOP.
    proven_number(app, &id, &ps[0], mobiles[0]).await;
    id.text_start("test", &ps[1], mobiles[1]).await.unwrap();
    proven_number(app, &id, &ps[2], mobiles[2]).await;
    id.text_opt("test", &ps[2], mobiles[2], false)
        .await
        .unwrap();
    proven_number(app, &id, &ps[3], mobiles[3]).await;
    assert_eq!(s.text_reply(mobiles[3], "STOP").await.unwrap(), "stopped");
    let stop_confirmations: Vec<_> = app
        .run_pending_jobs()
        .await
        .into_iter()
        .filter(|m| m.recipient == mobiles[3])
        .collect();
    assert_eq!(stop_confirmations.len(), 1, "one confirmation of STOP");
    assert!(stop_confirmations[0].body.contains("START"));
    // Thursday 2026-12-10 from 10:00 local: one visit each.
    let thursday = app
        .search(
            "Slot",
            &format!(
                "schedule.actor=Practitioner/{}&start=ge2026-12-10T18:00:00Z&start=lt2026-12-11&status=free&_sort=start&_count=4",
                c.practitioner
            ),
        )
        .await;
    let slots: Vec<Value> = thursday["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect();
    assert_eq!(slots[0]["start"], "2026-12-10T18:00:00Z");
    let mut appts = Vec::new();
    for (p, slot) in ps.iter().zip(&slots) {
        let mut body = booking(p, slot);
        body["participant"]
            .as_array_mut()
            .unwrap()
            .push(json!({"actor": {"reference": format!("Location/{}", c.location), "display": "Cedar Hill Medical Offices"}, "status": "accepted"}));
        let r = app.post("/Appointment", &body).await;
        r.assert_status(201);
        appts.push(r.json());
    }
    // Monday 11:30: the 3-day reminders of all four visits are due; only number 0 gets one.
    assert_eq!(s.send_reminders().await.unwrap(), 1);
    let sms: Vec<_> = app
        .run_pending_jobs()
        .await
        .into_iter()
        .filter(|m| m.channel == "sms")
        .collect();
    assert_eq!(sms.len(), 1, "{sms:?}");
    assert_eq!(sms[0].recipient, mobiles[0]);
    assert!(sms[0].body.contains("Reply STOP"), "{}", sms[0].body);
    assert!(
        sms[0].body.contains("Thu Dec 10 10:00 AM"),
        "{}",
        sms[0].body
    );
    assert!(sms[0].body.chars().count() <= 160, "{}", sms[0].body);
    // Sent once: running again (another server, a restart) sends nothing.
    assert_eq!(s.send_reminders().await.unwrap(), 0);
    // Tuesday: nothing due. Wednesday 11:30: the 1-day reminder.
    clock.set(at("2026-12-08T19:30:00Z"));
    assert_eq!(s.send_reminders().await.unwrap(), 0);
    clock.set(at("2026-12-09T19:30:00Z"));
    assert_eq!(s.send_reminders().await.unwrap(), 1);
    assert_eq!(s.send_reminders().await.unwrap(), 0);
    app.run_pending_jobs().await;
    // C confirms; X cancels and frees the slot, once.
    assert_eq!(s.text_reply(mobiles[0], "c").await.unwrap(), "confirmed");
    let a0 = app
        .get(&format!("/Appointment/{}", id_of(&appts[0])))
        .await
        .json();
    assert!(a0.to_string().contains("confirmed-by-member"));
    assert_eq!(s.text_reply(mobiles[0], " X ").await.unwrap(), "cancelled");
    assert_eq!(
        s.text_reply(mobiles[0], "CANCEL").await.unwrap(),
        "already-cancelled"
    );
    let a0 = app
        .get(&format!("/Appointment/{}", id_of(&appts[0])))
        .await
        .json();
    assert_eq!(a0["status"], "cancelled");
    let slot0 = id_of(&slots[0]);
    assert_eq!(slot_status(app, &slot0).await, "free");
    // Created free, taken, freed — once: version 3 is free and there is no version 4.
    let v3 = app.get(&format!("/Slot/{slot0}/_history/3")).await;
    v3.assert_status(200);
    assert_eq!(v3.json()["status"], "free");
    app.get(&format!("/Slot/{slot0}/_history/4"))
        .await
        .assert_status(404);
    // HELP answers; an unknown reply is kept, nothing changes.
    assert_eq!(s.text_reply(mobiles[0], "help").await.unwrap(), "help");
    assert_eq!(
        s.text_reply(mobiles[0], "can I come at 3?").await.unwrap(),
        "unknown"
    );
    // A reminder to number 3 is never sent after STOP; START turns it back on.
    assert_eq!(s.text_reply(mobiles[3], "START").await.unwrap(), "started");
    // Late: less than two hours before the visit, X says "call us" and cancels nothing.
    let mut late_body = booking(&ps[0], &slots[0]);
    late_body["participant"].as_array_mut().unwrap().push(
        json!({"actor": {"reference": format!("Location/{}", c.location)}, "status": "accepted"}),
    );
    let late = app.post("/Appointment", &late_body).await;
    late.assert_status(201);
    clock.set(at("2026-12-10T17:00:00Z"));
    // The 1-day reminder of the new booking is due (and the daily cap is clear).
    assert_eq!(
        s.send_reminders().await.unwrap(),
        2,
        "numbers 0 and 3 (restarted)"
    );
    assert_eq!(s.text_reply(mobiles[0], "X").await.unwrap(), "late");
    assert_eq!(
        app.get(&format!("/Appointment/{}", id_of(&late.json())))
            .await
            .json()["status"],
        "booked"
    );
    // The gateway webhook: the key is required; with it, replies are handled.
    let url = format!("{}/texts/inbound", app.base);
    let r = app
        .anon
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("From=%2B12065550101&Body=HELP")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .anon
        .post(&url)
        .header("x-gateway-key", "test-gateway-key")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("From=%2B12065550101&Body=HELP")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap().trim(), "help");
    let r = app
        .anon
        .post(&url)
        .header("x-gateway-key", "test-gateway-key")
        .body("Body=HELP")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

/// Another member's visit, through the portal's forms and pages, answers exactly as a missing
/// one (404) and stays as it was: cancel, reschedule, the calendar file, the waitlist.
async fn visits_of_others_answer_as_missing(app: &TestApp) {
    let people = crate::privacy::people(app).await;
    let (ana_p, bea) = (people.w.adult.patient.clone(), &people.bea);
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    app.scheduling.ensure_slots(today(), 14).await.unwrap();
    let slots = free_slots(app, &c, 2).await;
    let r = app.post("/Appointment", &booking(&ana_p, &slots[0])).await;
    r.assert_status(201);
    let ana_appt = id_of(&r.json());
    let (st, html) = crate::identity::page(bea, &format!("{}/appointments", app.base)).await;
    assert_eq!(st, 200, "{html}");
    let csrf = crate::identity::csrf_of(&html);
    for (method, path) in [
        ("POST", "cancel"),
        ("GET", "reschedule"),
        ("GET", "calendar.ics"),
        ("POST", "waitlist"),
    ] {
        let mut answers = Vec::new();
        for id in [ana_appt.as_str(), "does-not-exist"] {
            let url = format!("{}/appointments/{id}/{path}", app.base);
            let status = if method == "GET" {
                bea.get(&url).send().await.unwrap().status().as_u16()
            } else {
                crate::identity::post_form(bea, &url, &[("csrf", &csrf)])
                    .await
                    .status()
                    .as_u16()
            };
            answers.push(status);
        }
        assert_eq!(answers, [404, 404], "{method} {path}");
    }
    let url = format!("{}/appointments/{ana_appt}/reschedule", app.base);
    let r = crate::identity::post_form(
        bea,
        &url,
        &[
            ("csrf", &csrf),
            ("slot", &id_of(&slots[1])),
            ("mode", "in-person"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    let a = app.get(&format!("/Appointment/{ana_appt}")).await.json();
    assert_eq!(a["status"], "booked");
    assert_eq!(
        a["slot"][0]["reference"],
        format!("Slot/{}", id_of(&slots[0]))
    );
    assert!(
        app.search_ids("Appointment", "status=waitlist")
            .await
            .is_empty(),
        "no waitlist entry made for Ana by Bea"
    );
}

/// The staff schedule desk: the day's slots with who holds them, check-in, blocked time with a
/// reason (none: refused), an extra slot; members do not reach it.
async fn staff_schedule_desk(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, post_form, sign_in};
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    app.scheduling.ensure_slots(today(), 14).await.unwrap();
    let ps = patients(app, 1, "1980-04-02").await;
    let slots = free_slots(app, &c, 3).await;
    let mut body = booking(&ps[0], &slots[0]);
    body["participant"][0]["actor"]["display"] = json!("Test Member0");
    let r = app.post("/Appointment", &body).await;
    r.assert_status(201);
    let appt = id_of(&r.json());
    let day = slots[0]["start"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(ws_scheduling::rules::slots::zone_of_state("WA"))
        .date();
    let (acct, _) = app
        .identity
        .create_staff(
            "desk@example.org",
            "Dana Desk",
            ws_identity::StaffRole::MemberServices,
            None,
            "system:test",
        )
        .await
        .unwrap()
        .unwrap();
    let pw = "quiet meadow copper kettle";
    app.identity
        .set_password(&acct.id, pw)
        .await
        .unwrap()
        .unwrap();
    let ms = browser();
    sign_in(app, &ms, "desk@example.org", pw, "/staff").await;
    let url = |p: &str| format!("{}{p}", app.base);
    let desk = url(&format!(
        "/staff/schedule?schedule={}&day={day}",
        c.schedule
    ));
    let (st, html) = page(&ms, &desk).await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("Test Member0"),
        "the booked member is shown: {html}"
    );
    assert!(html.contains(&format!("id=\"check-in-{appt}\"")), "{html}");
    let form = |extra: &[(&'static str, String)]| {
        let mut f = vec![
            ("csrf", csrf_of(&html)),
            ("schedule", c.schedule.clone()),
            ("day", day.to_string()),
        ];
        f.extend(extra.iter().cloned());
        f
    };
    let send = |path: &'static str, f: Vec<(&'static str, String)>| {
        let ms = &ms;
        let u = url(path);
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(ms, &u, &pairs).await
        }
    };
    // Check in.
    let r = send(
        "/staff/schedule/check-in",
        form(&[("appointment", appt.clone())]),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        app.get(&format!("/Appointment/{appt}")).await.json()["status"],
        "arrived"
    );
    // Block a free slot: a reason is required and kept.
    let free = id_of(&slots[1]);
    let r = send("/staff/schedule/block", form(&[("slot", free.clone())])).await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(slot_status(app, &free).await, "free");
    let r = send(
        "/staff/schedule/block",
        form(&[("slot", free.clone()), ("reason", "staff meeting".into())]),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let blocked = app.get(&format!("/Slot/{free}")).await.json();
    assert_eq!(blocked["status"], "busy-unavailable");
    assert_eq!(blocked["comment"], "Blocked: staff meeting");
    // A blocked slot is not booked.
    app.post("/Appointment", &booking(&ps[0], &blocked))
        .await
        .assert_status(409);
    // Overbook: an extra slot at 12:30 local, with its reason.
    let r = send(
        "/staff/schedule/overbook",
        form(&[
            ("time", "12:30".into()),
            ("reason", "urgent follow-up".into()),
        ]),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let extra = app
        .search(
            "Slot",
            &format!("schedule=Schedule/{}&status=free&_count=500", c.schedule),
        )
        .await;
    assert!(
        extra["entry"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["resource"]["overbooked"] == true
                && e["resource"]["comment"] == "Overbook: urgent follow-up"),
        "the extra slot"
    );
    // Panels: closing one keeps its members out of new choices (SCH-01).
    let (st, html) = page(&ms, &url("/staff/panels")).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains(&format!("id=\"panel-{}\"", c.role)), "{html}");
    let r = post_form(
        &ms,
        &url("/staff/panels"),
        &[
            ("csrf", &csrf_of(&html)),
            ("role", &c.role),
            ("closed", "yes"),
            ("capacity", "2000"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let mut p = app.get(&format!("/Patient/{}", ps[0])).await.json();
    p["generalPractitioner"] = json!([{"reference": format!("PractitionerRole/{}", c.role)}]);
    app.put(&format!("/Patient/{}", ps[0]), &p)
        .await
        .assert_outcome(422, "closed to new members");
    // A member does not reach the desk.
    let people = crate::privacy::people(app).await;
    let (st, _) = page(&people.ana, &desk).await;
    assert_eq!(st, 403);
}

both!(
    slots_are_generated_and_searched,
    book_take_cancel_free,
    sch_03_thousand_members_fifty_slots,
    sch_01_pcp_rules_on_patient_update,
    sch_04_reminders_on_a_fixed_clock,
    visits_of_others_answer_as_missing,
    staff_schedule_desk,
);

/// PRX-03 on both back ends: a parent of a teen books routine visits and sees those, but a
/// visit someone else booked for the teen (the teen, the desk) is hidden from the parent like a
/// missing one — in the visit list, the FHIR search and its count — and stays hidden when it
/// moves; the teen sees both.
async fn prx_03_a_teens_visits_are_hidden_from_a_parent_except_their_own_bookings(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_scheduling::rules::visit::Mode;
    use ws_scheduling::service::booking::{BookRequest, Booked};
    crate::coverage::seed_family(app).await;
    let birth = today().checked_sub(15.years()).unwrap().to_string();
    app.put(
        "/Patient/teen15",
        &json!({"resourceType": "Patient", "id": "teen15", "name": [{"family": "Okafor", "given": ["Ama"]}],
            "gender": "female", "birthDate": birth, "address": [{"state": "WA"}]}),
    )
    .await
    .assert_status(201);
    app.put(
        "/Coverage/cov-teen15",
        &json!({"resourceType": "Coverage", "id": "cov-teen15", "status": "active",
            "subscriber": {"reference": "Patient/sub"}, "beneficiary": {"reference": "Patient/teen15"},
            "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "child"}]},
            "period": {"start": "2024-01-01"}, "payor": [{"reference": "Organization/north-org-plan"}],
            "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]}, "value": "THMO-25", "name": "Wellspring Traditional HMO North"}]}),
    )
    .await
    .assert_status(201);
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    app.scheduling.ensure_slots(today(), 14).await.unwrap();
    let slots = free_slots(app, &c, 3).await;
    let req = |slot: &Value| BookRequest {
        slot: id_of(slot),
        mode: Mode::InPerson,
        reason: String::new(),
        member_state: None,
    };
    let teen = crate::records::person("teen15", Access::OwnTeen);
    let parent = crate::records::person("teen15", Access::ProxyTeen);
    let booked = |b: Booked| match b {
        Booked::Booked(a) => id_of(&a),
        other => panic!("not booked: {other:?}"),
    };
    let by_teen = booked(
        app.scheduling
            .book(&teen, "teen15", &req(&slots[0]))
            .await
            .unwrap(),
    );
    let by_parent = booked(
        app.scheduling
            .book(&parent, "teen15", &req(&slots[1]))
            .await
            .unwrap(),
    );
    let ids = |c: ws_fhir_service::Caller| async move {
        let mut v: Vec<String> = app
            .scheduling
            .visits(&c, "teen15")
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.id)
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(parent.clone()).await, vec![by_parent.clone()]);
    assert_eq!(
        ids(teen.clone()).await,
        crate::support::sorted(&[&by_teen, &by_parent])
    );
    let count = app
        .fhir
        .search_count(
            &parent,
            "Appointment",
            &[("patient".into(), "teen15".into())],
        )
        .await
        .unwrap();
    assert_eq!(count, 1);
    let hidden = app
        .fhir
        .read(&parent, "Appointment", &by_teen)
        .await
        .unwrap_err();
    let missing = app
        .fhir
        .read(&parent, "Appointment", "no-such-visit")
        .await
        .unwrap_err();
    assert_eq!(hidden.status(), missing.status());
    // Moved (by the desk: the teen's own move would meet the one-visit-per-doctor rule, the
    // parent's visit being the same kind), still hidden from the parent.
    let moved = app
        .scheduling
        .reschedule(
            &ws_fhir_service::Caller::system(),
            "teen15",
            &by_teen,
            &req(&slots[2]),
        )
        .await
        .unwrap();
    assert!(matches!(moved, Booked::Booked(_)), "{moved:?}");
    assert_eq!(ids(parent).await, vec![by_parent]);
}

both!(prx_03_a_teens_visits_are_hidden_from_a_parent_except_their_own_bookings);

/// Texts in the member's language (issue 13: "everything a member sees is translated"): a member
/// whose record says Spanish gets the code, the reminder and the answers to replies in Spanish,
/// and may answer in Spanish (AYUDA, ALTO); an English member's texts stay English. SMS-01 holds
/// in both (≤ 160 characters, STOP).
async fn sch_04_texts_in_the_members_language(app: &TestApp) {
    use ws_store::Clock;
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    let clock = Clock::fixed(at("2026-12-07T19:30:00Z"));
    let id = app.identity.clone().with_clock(clock.clone());
    let s = ws_scheduling::SchedulingService::new(app.fhir.clone().with_clock(clock.clone()))
        .with_texts(id.clone());
    let c = clinic(app, ("419772000", "Family practice"), None).await;
    s.ensure_slots("2026-12-07".parse().unwrap(), 14)
        .await
        .unwrap();
    let ps = patients(app, 2, "1970-06-01").await;
    // Member 0 prefers Spanish (the second language listed is the preferred one).
    let mut p0 = app.get(&format!("/Patient/{}", ps[0])).await.json();
    p0["communication"] = json!([
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es-MX"}]}, "preferred": true}
    ]);
    app.put(&format!("/Patient/{}", ps[0]), &p0)
        .await
        .assert_status(200);
    let (es, en) = ("+12065550121", "+12065550122");
    id.text_start("test", &ps[0], es).await.unwrap();
    let sent = app.run_pending_jobs().await;
    let code_text = &sent.iter().find(|m| m.recipient == es).unwrap().body;
    assert!(
        code_text.starts_with("Código de Wellspring Health: "),
        "{code_text}"
    );
    let code: String = code_text
        .split("Health: ")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect();
    id.text_confirm("test", &ps[0], es, &code)
        .await
        .unwrap()
        .unwrap();
    proven_number(app, &id, &ps[1], en).await;
    let thursday = app
        .search(
            "Slot",
            &format!(
                "schedule.actor=Practitioner/{}&start=ge2026-12-10T18:00:00Z&start=lt2026-12-11&status=free&_sort=start&_count=2",
                c.practitioner
            ),
        )
        .await;
    let slots: Vec<Value> = thursday["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect();
    for (p, slot) in ps.iter().zip(&slots) {
        let mut body = booking(p, slot);
        if p == &ps[0] {
            body["participant"].as_array_mut().unwrap().push(
                json!({"actor": {"reference": format!("Location/{}", c.location), "display": "Cedar Hill Medical Offices"}, "status": "accepted"}),
            );
        }
        app.post("/Appointment", &body).await.assert_status(201);
    }
    assert_eq!(s.send_reminders().await.unwrap(), 2);
    let sms = app.run_pending_jobs().await;
    let to = |n: &str| sms.iter().find(|m| m.recipient == n).unwrap().body.clone();
    let (t_es, t_en) = (to(es), to(en));
    assert!(
        t_es.contains("cita el jue 10 dic 10:00 en Cedar Hill Medical Offices."),
        "{t_es}"
    );
    assert!(
        t_es.contains("STOP") && t_es.chars().count() <= 160,
        "{t_es}"
    );
    // No place known: the shape without one (never "at .").
    assert!(
        t_en.starts_with("Wellspring Health: visit Thu Dec 10 10:20 AM. Reply C"),
        "{t_en}"
    );
    // Replies in Spanish are understood and answered in Spanish; English stays English.
    assert_eq!(s.text_reply(es, "Ayuda").await.unwrap(), "help");
    assert_eq!(s.text_reply(en, "HELP").await.unwrap(), "help");
    let answers = app.run_pending_jobs().await;
    let help = |n: &str| {
        answers
            .iter()
            .find(|m| m.recipient == n)
            .unwrap()
            .body
            .clone()
    };
    assert!(help(es).contains("Llame al"), "{}", help(es));
    assert!(help(en).contains("Call "), "{}", help(en));
    assert_eq!(s.text_reply(es, "ALTO").await.unwrap(), "stopped");
    let stop = app.run_pending_jobs().await;
    assert!(
        stop.iter()
            .any(|m| m.recipient == es && m.body.contains("no recibirá más mensajes")),
        "{stop:?}"
    );
}

both!(sch_04_texts_in_the_members_language);
