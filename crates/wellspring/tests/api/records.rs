//! Results in over HL7 v2 (issue 16, FMT-04): the MLLP listener on both back ends — accepted,
//! corrected (a new version, history kept), refused (AE/AR, nothing stored, a staff work item),
//! a truncated frame — and `wellspring import FILE.hl7` with its ACK file.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::TestApp;

const MRN: &str = "NOR100000017";

fn msh(control: &str) -> String {
    format!(
        "MSH|^~\\&|LABSYS|CENTRAL LAB|WELLSPRING|NORTH|20261204083000||ORU^R01^ORU_R01|{control}|P|2.5.1"
    )
}

fn oru(control: &str, pid: &str, body: &[&str]) -> String {
    let mut s = vec![msh(control), pid.to_owned()];
    s.extend(body.iter().map(|x| (*x).to_owned()));
    s.join("\r")
}

const PID: &str = "PID|1||NOR100000017^^^NOR^MR||Rivera^Ana||19800203|F";
const OBR: &str = "OBR|1|PL77|F77^CENTRAL LAB|24323-8^Comprehensive metabolic panel^LN|||20261203071500||||||||||||||||||F";

async fn patient(app: &TestApp) -> String {
    app.create_id(json!({
        "resourceType": "Patient",
        "identifier": [{"system": "urn:wellspring:mrn:north", "value": MRN}],
        "name": [{"family": "Rivera", "given": ["Ana"]}],
        "gender": "female",
        "birthDate": "1980-02-03"
    }))
    .await
}

/// An MLLP listener on the app's FHIR service; its address.
async fn listener(app: &TestApp) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let svc = ws_records::RecordsService::new(app.fhir.clone());
    tokio::spawn(ws_records::service::mllp::serve(
        l,
        svc,
        ws_records::service::mllp::Peers::default(),
        std::future::pending(),
    ));
    addr
}

/// Send framed bytes and read one framed reply.
async fn exchange(s: &mut TcpStream, framed: &[u8]) -> String {
    s.write_all(framed).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.ends_with(&[0x1c, 0x0d]) {
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf))
            .await
            .expect("an ACK in time")
            .unwrap();
        assert!(n > 0, "connection closed before the ACK");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got[0], 0x0b);
    String::from_utf8(got[1..got.len() - 2].to_vec()).unwrap()
}

async fn send(s: &mut TcpStream, msg: &str) -> String {
    let mut f = vec![0x0b];
    f.extend_from_slice(msg.as_bytes());
    f.extend_from_slice(&[0x1c, 0x0d]);
    exchange(s, &f).await
}

fn msa(ack: &str) -> (String, String) {
    let line = ack
        .split('\r')
        .find(|s| s.starts_with("MSA|"))
        .unwrap_or_else(|| panic!("no MSA in {ack:?}"));
    let f: Vec<&str> = line.split('|').collect();
    (f[1].to_owned(), f[2].to_owned())
}

async fn observations(app: &TestApp, p: &str) -> i64 {
    app.search("Observation", &format!("patient={p}&_summary=count"))
        .await["total"]
        .as_i64()
        .unwrap()
}

async fn hl7_results_over_mllp(app: &TestApp) {
    let p = patient(app).await;
    let addr = listener(app).await;
    let mut s = TcpStream::connect(&addr).await.unwrap();

    // A final result: AA, filed, searchable by patient, LOINC code, date and status.
    let ack = send(
        &mut s,
        &oru(
            "M1",
            PID,
            &[
                OBR,
                "NTE|1||Fasting specimen.",
                "OBX|1|NM|2951-2^Sodium^LN||147|mmol/L^mmol/L^UCUM|136-145|H|||F|||20261203071500",
                "OBX|2|NM|2823-3^Potassium^LN||4.1|mmol/L|3.5-5.1|N|||F|||20261203071500",
            ],
        ),
    )
    .await;
    assert_eq!(msa(&ack), ("AA".into(), "M1".into()), "{ack}");
    assert!(ack.starts_with("MSH|^~\\&|WELLSPRING|NORTH|LABSYS|CENTRAL LAB|"));
    let b = app
        .search(
            "Observation",
            &format!("patient={p}&code=http://loinc.org|2951-2&date=2026-12-03&status=final"),
        )
        .await;
    assert_eq!(b["total"], 1, "{b}");
    let obs = &b["entry"][0]["resource"];
    assert_eq!(obs["valueQuantity"]["value"], 147);
    assert_eq!(obs["interpretation"][0]["coding"][0]["code"], "H");
    let id = obs["id"].as_str().unwrap().to_owned();
    let dr = app
        .search(
            "DiagnosticReport",
            &format!("patient={p}&code=http://loinc.org|24323-8"),
        )
        .await;
    assert_eq!(dr["total"], 1, "{dr}");
    assert_eq!(
        dr["entry"][0]["resource"]["conclusion"],
        "Fasting specimen."
    );
    assert_eq!(observations(app, &p).await, 2);

    // The correction: the same Observation, a new version; history keeps the first.
    let ack = send(
        &mut s,
        &oru(
            "M2",
            PID,
            &[
                OBR,
                "OBX|1|NM|2951-2^Sodium^LN||141|mmol/L^mmol/L^UCUM|136-145|N|||C|||20261203071500",
            ],
        ),
    )
    .await;
    assert_eq!(msa(&ack).0, "AA", "{ack}");
    let r = app.get(&format!("/Observation/{id}")).await.json();
    assert_eq!(
        (r["status"].as_str(), r["valueQuantity"]["value"].as_i64()),
        (Some("corrected"), Some(141))
    );
    assert_eq!(r["meta"]["versionId"], "2");
    let h = app.get(&format!("/Observation/{id}/_history")).await.json();
    assert_eq!(h["entry"].as_array().map(Vec::len), Some(2), "{h}");
    assert_eq!(observations(app, &p).await, 2);

    // Refused: unknown MRN, a name or birth-date mismatch, a bad value, a malformed message.
    let cases = [
        (
            oru(
                "M3",
                "PID|1||NOR999999999^^^NOR^MR||Rivera^Ana||19800203",
                &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F"],
            ),
            "AE",
            "no patient has MRN",
        ),
        (
            oru(
                "M4",
                "PID|1||NOR100000017^^^NOR^MR||Rivers^Ana||19800203",
                &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F"],
            ),
            "AE",
            "family name",
        ),
        (
            oru(
                "M5",
                "PID|1||NOR100000017^^^NOR^MR||Rivera^Ana||19800204",
                &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F"],
            ),
            "AE",
            "date of birth",
        ),
        (
            oru(
                "M6",
                PID,
                &[
                    OBR,
                    "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F",
                    "OBX|2|NM|2951-2^Sodium^LN||high|mmol/L|||||F",
                ],
            ),
            "AE",
            "not a number",
        ),
        (
            oru(
                "M7",
                PID,
                &["OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F", OBR],
            ),
            "AR",
            "OBX before any OBR",
        ),
        (
            oru(
                "M8",
                PID,
                &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F"],
            )
            .replacen("|P|2.5.1", "|P|", 1),
            "AR",
            "MSH-12",
        ),
    ];
    for (m, code, why) in &cases {
        let ack = send(&mut s, m).await;
        let (c, _) = msa(&ack);
        assert_eq!(&c, code, "{ack}");
        let err = ack
            .split('\r')
            .find(|x| x.starts_with("ERR|"))
            .unwrap_or_else(|| panic!("no ERR in {ack}"));
        assert!(err.contains(why), "{err} !~ {why}");
    }
    assert_eq!(
        observations(app, &p).await,
        2,
        "refused messages store nothing"
    );
    assert_eq!(app.count("DiagnosticReport").await, 1);

    // Each refusal is a work item for staff, in no patient's record, with the message.
    let tasks = app
        .search("Task", "code=urn:wellspring:work-item|hl7-result-review")
        .await;
    assert_eq!(tasks["total"], cases.len(), "{tasks}");
    let t = &tasks["entry"][0]["resource"];
    assert!(t.get("for").is_none());
    assert!(
        t["input"][0]["valueString"]
            .as_str()
            .unwrap()
            .starts_with("MSH|")
    );

    // A frame cut short by the next one: AR for it, the next one filed.
    let mut f = vec![0x0b];
    f.extend_from_slice(b"MSH|^~\\&|LABSYS|CENTRAL LAB|WELLSPRING|NORTH|2026");
    s.write_all(&f).await.unwrap();
    let ack = send(
        &mut s,
        &oru(
            "M9",
            PID,
            &[
                "OBR|1||F78|2345-7^Glucose^LN|||20261203",
                "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F",
            ],
        ),
    )
    .await;
    assert_eq!(msa(&ack).0, "AR", "{ack}");
    assert!(ack.contains("cut short"));
    let mut next = Vec::new();
    let mut buf = [0u8; 4096];
    while !next.ends_with(&[0x1c, 0x0d]) {
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        next.extend_from_slice(&buf[..n]);
    }
    let ack2 = String::from_utf8_lossy(&next).to_string();
    assert_eq!(msa(&ack2), ("AA".into(), "M9".into()), "{ack2}");
    assert_eq!(observations(app, &p).await, 3);

    // A connection closed mid-frame stores nothing.
    let mut s2 = TcpStream::connect(&addr).await.unwrap();
    let whole = oru(
        "M10",
        PID,
        &[
            "OBR|1||F79|718-7^Hemoglobin^LN|||20261203",
            "OBX|1|NM|718-7^Hemoglobin^LN||13.1|g/dL|12.0-15.5|N|||F",
        ],
    );
    let mut f = vec![0x0b];
    f.extend_from_slice(&whole.as_bytes()[..whole.len() - 10]);
    s2.write_all(&f).await.unwrap();
    drop(s2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(observations(app, &p).await, 3);

    // Every write and the work items are in the audit log as the interface.
    app.flush_audit().await;
    let rows = app.audit_rows().await;
    assert!(
        rows.iter()
            .any(|r| r.actor == "interface:hl7" && r.res_type.as_deref() == Some("Observation")),
        "writes audited as the interface"
    );
}

both!(hl7_results_over_mllp);

#[test]
fn import_hl7_file_writes_acks_beside_it() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("ws-hl7-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/r.db", dir.display());
    let exe = env!("CARGO_BIN_EXE_wellspring");
    let patient = json!({"resourceType": "Patient", "id": "p-hl7",
        "identifier": [{"system": "urn:wellspring:mrn:north", "value": MRN}],
        "name": [{"family": "Rivera", "given": ["Ana"]}], "birthDate": "1980-02-03"});
    let nd = dir.join("p.ndjson");
    std::fs::write(&nd, format!("{patient}\n")).unwrap();
    let st = Command::new(exe)
        .args(["import", "--quiet", "--database", &db])
        .arg(&nd)
        .output()
        .unwrap();
    assert!(st.status.success(), "{st:?}");
    // Two messages, LF line ends as a text editor writes them: one good, one unknown MRN.
    let file = dir.join("results.hl7");
    let good = oru(
        "F1",
        PID,
        &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|136-145|N|||F"],
    );
    let bad = oru(
        "F2",
        "PID|1||NOR999999999^^^NOR^MR||Rivera^Ana||19800203",
        &[OBR, "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F"],
    );
    std::fs::write(
        &file,
        format!(
            "{}\n{}\n",
            good.replace('\r', "\n"),
            bad.replace('\r', "\n")
        ),
    )
    .unwrap();
    let out = Command::new(exe)
        .args(["import", "--database", &db])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "some refused: {stdout}");
    assert!(stdout.contains("AA  F1"), "{stdout}");
    assert!(
        stdout.contains("AE  F2") && stdout.contains("no patient has MRN"),
        "{stdout}"
    );
    assert!(stdout.contains("1 accepted, 1 refused"), "{stdout}");
    let acks = std::fs::read_to_string(dir.join("results.hl7.ack")).unwrap();
    assert!(acks.contains("MSA|AA|F1"), "{acks}");
    assert!(acks.contains("MSA|AE|F2"), "{acks}");
    let _ = std::fs::remove_dir_all(&dir);
}

pub(crate) fn person(
    patient: &str,
    access: ws_identity::caller::Access,
) -> ws_fhir_service::Caller {
    ws_fhir_service::Caller {
        actor: "account:a1".into(),
        principal: ws_fhir_service::Principal::Person {
            account: "a1".into(),
            grants: vec![ws_identity::caller::Grant {
                patient: patient.into(),
                access,
            }],
        },
        acting_for: Some(patient.into()),
        purpose: None,
        source: Some("test".into()),
    }
}

/// What a record page reads follows the policy: the member sees their results; a parent of a
/// teen sees none of them (growth charts only, PRX-03); another member gets exactly what a
/// missing record gives.
async fn record_reads_follow_the_policy(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_records::service::record::RecordSection;
    let p = patient(app).await;
    let svc = ws_records::RecordsService::new(app.fhir.clone());
    let iface = ws_records::RecordsService::interface_caller("test");
    let o = svc
        .receive_hl7(
            &iface,
            &oru(
                "P1",
                PID,
                &[
                    OBR,
                    "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|136-145|N|||F|||20261203",
                ],
            ),
        )
        .await;
    assert_eq!(o.code.as_str(), "AA", "{}", o.ack);
    let obs = app.search_ids("Observation", &format!("patient={p}")).await;
    let own = person(&p, Access::Own);
    let reports = svc.section(&own, &p, RecordSection::Results).await.unwrap();
    assert_eq!(reports.len(), 1);
    let (_, results) = svc
        .report(&own, &p, reports[0]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(results.len(), 1);
    let trend = svc.trend(&own, &p, &results[0]).await.unwrap();
    assert_eq!(trend.len(), 1);

    let teen_parent = person(&p, Access::ProxyTeen);
    let hidden = svc.section(&teen_parent, &p, RecordSection::Results).await;
    assert!(
        hidden.as_ref().map_or(true, Vec::is_empty),
        "a parent of a teen sees no lab reports: {hidden:?}"
    );
    let read_hidden = svc
        .resource(&teen_parent, &p, "Observation", &obs[0])
        .await
        .unwrap_err();
    let read_missing = svc
        .resource(&teen_parent, &p, "Observation", "no-such-id")
        .await
        .unwrap_err();
    assert_eq!(read_hidden.status(), read_missing.status());
    assert_eq!(read_hidden.status(), 404);

    let stranger = person("someone-else", Access::Own);
    let theirs = svc
        .resource(&stranger, "someone-else", "Observation", &obs[0])
        .await
        .unwrap_err();
    assert_eq!(theirs.status(), 404);
    let list = svc
        .section(&stranger, &p, RecordSection::Results)
        .await
        .map(|v| v.len());
    let list_missing = svc
        .section(&stranger, "no-such-patient", RecordSection::Results)
        .await
        .map(|v| v.len());
    assert_eq!(
        format!("{list:?}"),
        format!("{list_missing:?}"),
        "another member's results answer as a missing patient's"
    );
}

both!(record_reads_follow_the_policy);

fn member_services() -> ws_fhir_service::Caller {
    ws_fhir_service::Caller {
        actor: "staff:ms-1".into(),
        principal: ws_fhir_service::Principal::Staff {
            account: "ms-1".into(),
            role: ws_identity::caller::StaffRole::MemberServices,
            practitioner: None,
            panel: vec![],
            break_glass: None,
        },
        acting_for: None,
        purpose: None,
        source: Some("test".into()),
    }
}

/// HIP-01..03 through the service: the member files requests, each with its legal due date;
/// member services' queue lists the first due first; one extension with reasons (not after
/// the first due date, not twice); a denial needs its reasons; the member follows the status;
/// only the member (or a legal representative, a parent of a young child) files or sees them.
async fn record_requests_with_their_clocks(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_records::rules::requests::RequestKind;
    use ws_records::service::requests::RequestInput;
    let p = patient(app).await;
    let clock = ws_store::Clock::fixed("2026-01-05T15:00:00Z".parse().unwrap());
    let svc = ws_records::RecordsService::new(app.fhir.clone().with_clock(clock.clone()))
        .with_notices(app.identity.clone());
    let own = person(&p, Access::Own);
    let ask = |d: &str| RequestInput {
        details: d.into(),
        recipient: None,
    };
    let amend = svc
        .file_request(
            &own,
            &p,
            RequestKind::Amendment,
            &ask("My allergy to penicillin is missing."),
        )
        .await
        .unwrap();
    assert_eq!(amend.due.to_string(), "2026-03-06", "HIP-02: 60 days");
    let copy = svc
        .file_request(
            &own,
            &p,
            RequestKind::Copy,
            &RequestInput {
                details: "Lab results of 2025".into(),
                recipient: Some("Dr. Lee, 1 Main St".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(copy.due.to_string(), "2026-02-04", "HIP-01: 30 days");
    assert_eq!(copy.recipient.as_deref(), Some("Dr. Lee, 1 Main St"));
    let acc = svc
        .file_request(&own, &p, RequestKind::Accounting, &ask(""))
        .await
        .unwrap();
    assert_eq!(acc.due.to_string(), "2026-03-06", "HIP-03: 60 days");
    // An amendment must say what to change (in words the portal says in the member's language).
    assert!(matches!(
        svc.file_request(&own, &p, RequestKind::Amendment, &ask("  "))
            .await,
        Err(ws_records::RecordsError::Refused(ref said)) if said.key() == "rec-request-amendment-details"
    ));
    // Nobody else files or reads them: the same answer as for a missing record.
    for (who, access) in [
        ("caregiver", Access::Caregiver),
        ("parent of a teen", Access::ProxyTeen),
    ] {
        let c = person(&p, access);
        let e = svc.requests_for(&c, &p).await.unwrap_err();
        assert_eq!(e.status(), 404, "{who}");
        let e = svc
            .file_request(&c, &p, RequestKind::Copy, &ask("x"))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 404, "{who}");
    }
    assert_eq!(
        svc.requests_for(&person("other", Access::Own), &p)
            .await
            .unwrap_err()
            .status(),
        404
    );
    // Members cannot work the queue.
    assert_eq!(svc.request_queue(&own).await.unwrap_err().status(), 403);

    // The queue: first due first.
    let ms = member_services();
    let q = svc.request_queue(&ms).await.unwrap();
    let order: Vec<RequestKind> = q.iter().map(|r| r.kind).collect();
    assert_eq!(order[0], RequestKind::Copy, "{order:?}");
    assert_eq!(q.len(), 3);

    // Near the deadline it is flagged; an extension needs reasons, is once, within 30 days.
    clock.set("2026-02-01T12:00:00Z".parse().unwrap());
    let q = svc.request_queue(&ms).await.unwrap();
    assert!(q[0].clock.near && !q[0].clock.overdue && q[0].clock.days_left == 3);
    let e = svc
        .extend_request(&ms, &copy.id, " ", None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("written reasons"), "{e}");
    let ext = svc
        .extend_request(&ms, &copy.id, "records are in off-site storage", None)
        .await
        .unwrap();
    assert_eq!(ext.due.to_string(), "2026-03-06");
    assert!(ext.extended);
    // The notice is recorded for the member (this one has no portal account, so no e-mail).
    let rows = app.all_audit_rows().await;
    assert!(
        rows.iter().any(|r| r.action == "notice"
            && r.compartment.as_deref() == Some(p.as_str())
            && r.detail
                .as_deref()
                .is_some_and(|d| d.contains("needs more time"))),
        "a notice about the extension"
    );
    let twice = svc
        .extend_request(&ms, &copy.id, "still off site", None)
        .await
        .unwrap_err();
    assert!(twice.to_string().contains("only once"), "{twice}");
    // The accounting's first period ends 2026-03-06: a notice after that is too late.
    clock.set("2026-03-07T12:00:00Z".parse().unwrap());
    let late = svc
        .extend_request(&ms, &acc.id, "volume", None)
        .await
        .unwrap_err();
    assert!(late.to_string().contains("first due date"), "{late}");
    let q = svc.request_queue(&ms).await.unwrap();
    assert!(q.iter().any(|r| r.id == acc.id && r.clock.overdue));

    // A denial says why; then the member sees it closed, with the reason.
    let e = svc
        .close_request(&ms, &amend.id, false, "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("why"), "{e}");
    svc.close_request(
        &ms,
        &amend.id,
        false,
        "The allergy list is accurate: no reaction to penicillin is on record. You may file a statement of disagreement.",
    )
    .await
    .unwrap();
    let mine = svc.requests_for(&own, &p).await.unwrap();
    let a = mine.iter().find(|r| r.id == amend.id).unwrap();
    assert_eq!(a.status, "rejected");
    assert!(
        a.note
            .as_deref()
            .unwrap()
            .contains("statement of disagreement")
    );
    assert_eq!(svc.request_queue(&ms).await.unwrap().len(), 2);
    // Closed is closed.
    assert!(svc.close_request(&ms, &amend.id, true, "").await.is_err());
}

both!(record_requests_with_their_clocks);

fn clinician(panel: &[&str], break_glass: Option<&str>) -> ws_fhir_service::Caller {
    ws_fhir_service::Caller {
        actor: "staff:doc-1".into(),
        principal: ws_fhir_service::Principal::Staff {
            account: "doc-1".into(),
            role: ws_identity::caller::StaffRole::Clinician,
            practitioner: Some("pr-1".into()),
            panel: panel.iter().map(|p| (*p).to_owned()).collect(),
            break_glass: break_glass.map(|p| (p.to_owned(), "unconscious in the ED".to_owned())),
        },
        acting_for: None,
        purpose: None,
        source: Some("test".into()),
    }
}

/// "A new result" notices recorded for `patient`.
async fn result_notices(app: &TestApp, patient: &str) -> usize {
    app.all_audit_rows()
        .await
        .iter()
        .filter(|r| {
            r.action == "notice"
                && r.compartment.as_deref() == Some(patient)
                && r.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("new test result"))
        })
        .count()
}

/// HIP-08 through the service on both back ends: a treating clinician holds one report with a
/// reason; the member then gets exactly what a missing result gives (list, read, search,
/// count, trend); a lab correction stays held and tells nobody; an interface cannot lift the
/// hold; release tells the member; "representatives only" hides it from a parent, not the
/// member. Member services, a break-the-glass clinician and a clinician of another panel
/// cannot hold.
async fn hip_08_a_clinician_holds_one_result(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_records::rules::hold::Basis;
    use ws_records::service::record::RecordSection;
    let p = patient(app).await;
    let svc = ws_records::RecordsService::new(app.fhir.clone()).with_notices(app.identity.clone());
    let iface = ws_records::RecordsService::interface_caller("test");
    let sodium = |control: &str, value: &str, status: &str| {
        oru(
            control,
            PID,
            &[
                OBR,
                &format!(
                    "OBX|1|NM|2951-2^Sodium^LN||{value}|mmol/L|136-145|N|||{status}|||20261203"
                ),
            ],
        )
    };
    let o = svc.receive_hl7(&iface, &sodium("H1", "140", "F")).await;
    assert_eq!(o.code.as_str(), "AA", "{}", o.ack);
    assert_eq!(result_notices(app, &p).await, 1);
    let dr = app
        .search_ids("DiagnosticReport", &format!("patient={p}"))
        .await;
    let [dr] = dr.as_slice() else {
        panic!("one report: {dr:?}")
    };
    let obs = app.search_ids("Observation", &format!("patient={p}")).await;
    let own = person(&p, Access::Own);
    let parent = person(&p, Access::ProxyFull);
    let doc = clinician(&[&p], None);
    let why = "Malignant biopsy; the member must hear it in person first";

    // Who may not hold it, and a hold without a reason.
    let refusals = [
        (member_services(), "member services"),
        (clinician(&["another"], Some(&p)), "break the glass"),
        (clinician(&["another"], None), "another panel"),
    ];
    for (c, who) in &refusals {
        let e = svc
            .hold_result(c, dr, Basis::LifeOrSafety, why)
            .await
            .unwrap_err();
        assert!(matches!(e.status(), 403 | 404), "{who}: {e}");
    }
    let e = svc
        .hold_result(&doc, dr, Basis::LifeOrSafety, "review")
        .await
        .unwrap_err();
    assert_eq!(e.status(), 400, "{e}");
    assert!(e.to_string().contains("individual determination"), "{e}");

    let h = svc
        .hold_result(&doc, dr, Basis::LifeOrSafety, why)
        .await
        .unwrap();
    assert_eq!(h.clinician, "Practitioner/pr-1");
    let again = svc.hold_result(&doc, dr, Basis::SubstantialHarm, why).await;
    assert!(again.is_err(), "held twice: {again:?}");

    // The member sees nothing, exactly as if it did not exist.
    let sees = |c: ws_fhir_service::Caller| {
        let svc = svc.clone();
        let p = p.clone();
        async move {
            svc.section(&c, &p, RecordSection::Results)
                .await
                .map_or(0, |v| v.len())
        }
    };
    assert_eq!(sees(own.clone()).await, 0);
    for (t, id) in [
        ("DiagnosticReport", dr.as_str()),
        ("Observation", obs[0].as_str()),
    ] {
        let held = svc.resource(&own, &p, t, id).await.unwrap_err();
        let missing = svc.resource(&own, &p, t, "no-such-id").await.unwrap_err();
        assert_eq!((held.status(), missing.status()), (404, 404), "{t}");
    }
    let count = |c: &ws_fhir_service::Caller, t: &'static str| {
        let f = app.fhir.clone();
        let c = c.clone();
        let p = p.clone();
        async move {
            f.search_count(&c, t, &[("patient".into(), p)])
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&own, "Observation").await, 0);
    assert_eq!(count(&own, "DiagnosticReport").await, 0);
    assert_eq!(
        count(&doc, "Observation").await,
        1,
        "staff are never hidden from"
    );
    let held = svc.held_reports(&doc).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].hold.reason, why);
    assert!(
        svc.held_reports(&clinician(&["another"], None))
            .await
            .map_or(true, |v| v.is_empty()),
        "another panel's clinician does not list it"
    );

    // A correction from the lab stays held and tells nobody.
    let o = svc.receive_hl7(&iface, &sodium("H2", "141", "C")).await;
    assert_eq!(o.code.as_str(), "AA", "{}", o.ack);
    assert_eq!(result_notices(app, &p).await, 1);
    assert_eq!(count(&own, "Observation").await, 0);
    let stored = app.get(&format!("/Observation/{}", obs[0])).await.json();
    assert_eq!(stored["valueQuantity"]["value"], 141);
    assert_eq!(stored["meta"]["versionId"], "3", "held, then corrected");
    assert!(ws_records::rules::hold::is_held(&stored));

    // An interface cannot lift it.
    let mut lifted = stored.clone();
    ws_records::rules::hold::lift(&mut lifted);
    let e = app
        .fhir
        .update(
            &iface,
            "Observation",
            &obs[0],
            &serde_json::to_vec(&lifted).unwrap(),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422, "{e}");
    // Nor does a clinician's update that forgot `meta` (the determination still in the body).
    let mut forgot = stored.clone();
    forgot.as_object_mut().unwrap().remove("meta");
    let e = app
        .fhir
        .update(
            &doc,
            "Observation",
            &obs[0],
            &serde_json::to_vec(&forgot).unwrap(),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422, "{e}");
    assert!(
        e.to_string().contains("release it on the results screen"),
        "{e}"
    );
    assert_eq!(count(&own, "Observation").await, 0);

    // Released: the member sees it and is told.
    svc.release_result(&doc, dr).await.unwrap();
    assert_eq!(result_notices(app, &p).await, 2);
    assert_eq!(sees(own.clone()).await, 1);
    assert_eq!(count(&own, "Observation").await, 1);
    let twice = svc.release_result(&doc, dr).await.unwrap_err();
    assert_eq!(twice.status(), 400, "{twice}");

    // Held from representatives only: the member sees it, a parent does not.
    svc.hold_result(&doc, dr, Basis::SubstantialHarm, why)
        .await
        .unwrap();
    assert_eq!(sees(own.clone()).await, 1);
    assert_eq!(count(&own, "Observation").await, 1);
    assert_eq!(sees(parent.clone()).await, 0);
    assert_eq!(count(&parent, "Observation").await, 0);
}

both!(hip_08_a_clinician_holds_one_result);

/// The clinicians' results screen: a clinician finds a member of their panel by MRN, is
/// refused a hold without a reason, holds one, sees it listed, releases it; member services
/// are refused the screen.
async fn hip_08_results_hold_screen(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, post_form, sign_in};
    use crate::support::STAFF_PASSWORD as PW;
    let p = patient(app).await;
    let pr = app
        .create_id(json!({"resourceType": "Practitioner", "name": [{"family": "Osei", "given": ["Kwame"]}]}))
        .await;
    let mut pat = app.get(&format!("/Patient/{p}")).await.json();
    pat["generalPractitioner"] = json!([{"reference": format!("Practitioner/{pr}")}]);
    app.put(&format!("/Patient/{p}"), &pat)
        .await
        .assert_status(200);
    let svc = ws_records::RecordsService::new(app.fhir.clone());
    let iface = ws_records::RecordsService::interface_caller("test");
    let o = svc
        .receive_hl7(
            &iface,
            &oru(
                "S1",
                PID,
                &[
                    OBR,
                    "OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|136-145|N|||F|||20261203",
                ],
            ),
        )
        .await;
    assert_eq!(o.code.as_str(), "AA", "{}", o.ack);
    let dr = app
        .search_ids("DiagnosticReport", &format!("patient={p}"))
        .await[0]
        .clone();
    for (email, role, practitioner) in [
        (
            "doc@example.org",
            ws_identity::StaffRole::Clinician,
            Some(pr.as_str()),
        ),
        (
            "ms@example.org",
            ws_identity::StaffRole::MemberServices,
            None,
        ),
    ] {
        app.staff_account(email, "Staff Person", role, practitioner)
            .await;
    }
    let url = |path: &str| format!("{}{path}", app.base);
    let ms = browser();
    sign_in(app, &ms, "ms@example.org", PW, "/staff").await;
    let (st, html) = page(&ms, &url("/staff/results")).await;
    assert_eq!(st, 403, "{html}");
    assert!(html.contains("Only clinicians"), "{html}");

    let doc = browser();
    sign_in(app, &doc, "doc@example.org", PW, "/staff").await;
    let (st, html) = page(&doc, &url(&format!("/staff/results?mrn={MRN}"))).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Rivera"), "{html}");
    assert!(html.contains("Comprehensive metabolic panel"), "{html}");
    assert!(html.contains("No results are held"), "{html}");
    let csrf = csrf_of(&html);
    let hold = |reason: &'static str| {
        let doc = doc.clone();
        let csrf = csrf.clone();
        let dr = dr.clone();
        let u = url("/staff/results/hold");
        async move {
            let r = post_form(
                &doc,
                &u,
                &[
                    ("csrf", csrf.as_str()),
                    ("id", dr.as_str()),
                    ("mrn", MRN),
                    ("basis", "life-or-safety"),
                    ("reason", reason),
                ],
            )
            .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (st, html) = hold("review").await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("individual determination"), "{html}");
    let (st, html) = hold("Malignant biopsy; tell the member in person").await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Result held from the member"), "{html}");
    assert!(
        html.contains("id=\"held-"),
        "listed among held results: {html}"
    );
    let own = person(&p, ws_identity::caller::Access::Own);
    assert_eq!(
        app.fhir
            .search_count(&own, "DiagnosticReport", &[("patient".into(), p.clone())])
            .await
            .unwrap(),
        0
    );
    let r = post_form(
        &doc,
        &url("/staff/results/release"),
        &[("csrf", csrf.as_str()), ("id", dr.as_str()), ("mrn", MRN)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Result released"));
    assert_eq!(
        app.fhir
            .search_count(&own, "DiagnosticReport", &[("patient".into(), p.clone())])
            .await
            .unwrap(),
        1
    );
    // Member services cannot post a hold either.
    let (_, html) = page(&ms, &url("/staff")).await;
    let r = post_form(
        &ms,
        &url("/staff/results/hold"),
        &[
            ("csrf", csrf_of(&html).as_str()),
            ("id", dr.as_str()),
            ("basis", "life-or-safety"),
            ("reason", "Malignant biopsy; tell the member in person"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 403);
}

both!(hip_08_results_hold_screen);

/// One-time share links (issue 16 §4) on both back ends: the member makes a link to chosen
/// sections; anyone with it reads exactly those sections (what the member could see: a result
/// a clinician holds stays hidden) without signing in, audited as the link; it works for one
/// viewing hour, until it expires, or until the member turns it off, and every dead link
/// answers like an unknown one. A caregiver and a parent of a teen cannot make links.
async fn share_link_once_expiring_and_revocable(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_records::rules::hold::Basis;
    use ws_records::rules::share::LinkState;
    use ws_records::service::record::RecordSection;
    let p = patient(app).await;
    let iface = ws_records::RecordsService::interface_caller("test");
    let svc = ws_records::RecordsService::new(app.fhir.clone());
    for (control, filler, test, loinc, name) in [
        ("SH1", "F91", "Lipid panel", "57698-3", "Cholesterol"),
        ("SH2", "F92", "Biopsy report", "22637-3", "Pathology"),
    ] {
        let obr = format!(
            "OBR|1|P{filler}|{filler}^CENTRAL LAB|{loinc}^{test}^LN|||20261203071500||||||||||||||||||F"
        );
        let o = svc
            .receive_hl7(
                &iface,
                &oru(
                    control,
                    PID,
                    &[
                        &obr,
                        &format!("OBX|1|NM|2093-3^{name}^LN||180|mg/dL|0-199|N|||F|||20261203"),
                    ],
                ),
            )
            .await;
        assert_eq!(o.code.as_str(), "AA", "{}", o.ack);
    }
    app.create(json!({"resourceType": "Condition", "subject": {"reference": format!("Patient/{p}")},
        "code": {"text": "Seasonal allergic rhinitis"}, "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]}}))
        .await;
    let biopsy = app
        .search_ids(
            "DiagnosticReport",
            &format!("patient={p}&code=http://loinc.org|22637-3"),
        )
        .await;
    svc.hold_result(
        &clinician(&[&p], None),
        &biopsy[0],
        Basis::LifeOrSafety,
        "Malignant; the member must hear it in person first",
    )
    .await
    .unwrap();

    let own = person(&p, Access::Own);
    for who in [Access::Caregiver, Access::ProxyTeen] {
        let e = svc
            .create_share(
                &person(&p, who),
                &p,
                &[RecordSection::Results],
                7,
                "Dr. Park",
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), 404, "{who:?}");
    }
    let problems = svc
        .create_share(&own, &p, &[], 30, " ")
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:?}");
    let (token, link) = svc
        .create_share(
            &own,
            &p,
            &[RecordSection::Results],
            7,
            "Dr. Ines Park, Lakeside Clinic",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.state, LinkState::Waiting);
    let stored = app
        .search("Consent", &format!("patient={p}"))
        .await
        .to_string();
    assert!(!stored.contains(&token), "only the token's hash is kept");

    let anon = crate::support::new_client();
    let open = |t: String| {
        let anon = anon.clone();
        let url = format!("{}/shared/{t}", app.base);
        async move {
            let r = anon.get(url).send().await.unwrap();
            let cache = r
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (r.status().as_u16(), cache, r.text().await.unwrap())
        }
    };
    let (st, cache, html) = open(token.clone()).await;
    assert_eq!(st, 200, "{html}");
    assert_eq!(cache, "no-store");
    assert!(html.contains("Lipid panel"), "the shared result: {html}");
    assert!(html.contains("Dr. Ines Park, Lakeside Clinic"));
    assert!(
        !html.contains("Biopsy report"),
        "a held result stays hidden"
    );
    assert!(
        !html.contains("allergic rhinitis"),
        "problems were not shared"
    );
    assert!(!html.contains("/record/result/"), "nothing to follow");
    let (st, _, _) = open(token.clone()).await;
    assert_eq!(st, 200, "reloaded within the viewing hour");
    app.flush_audit().await;
    let rows = app.all_audit_rows().await;
    assert!(
        rows.iter()
            .any(|r| r.actor == format!("share-link:{}", link.id)
                && r.compartment.as_deref() == Some(p.as_str())
                && r.action == "search"),
        "the reads are audited as the link"
    );
    let unknown = "x".repeat(43);
    let (gone_status, _, gone) = open(unknown.clone()).await;
    assert_eq!(gone_status, 404);
    // The page links back to its own address (the language switch): compare without it.
    let gone = gone.replace(&unknown, "TOKEN");

    // Turned off: the same answer as an unknown link.
    let (t2, l2) = svc
        .create_share(&own, &p, &[RecordSection::Results], 1, "Dr. Park")
        .await
        .unwrap()
        .unwrap();
    svc.revoke_share(&own, &p, &l2.id).await.unwrap();
    let (st, _, html) = open(t2.clone()).await;
    assert_eq!((st, html.replace(&t2, "TOKEN")), (404, gone.clone()));

    // The viewing hour and the expiry, on a fixed clock.
    let clock = ws_store::Clock::fixed(jiff::Timestamp::now());
    let timed = ws_records::RecordsService::new(app.fhir.clone().with_clock(clock.clone()));
    let (t3, _) = timed
        .create_share(&own, &p, &[RecordSection::Results], 3, "Dr. Park")
        .await
        .unwrap()
        .unwrap();
    let (t4, _) = timed
        .create_share(&own, &p, &[RecordSection::Results], 3, "Dr. Park")
        .await
        .unwrap()
        .unwrap();
    clock.advance(jiff::SignedDuration::from_hours(24));
    timed.open_share(&t3, None).await.unwrap();
    clock.advance(jiff::SignedDuration::from_mins(59));
    timed.open_share(&t3, None).await.unwrap();
    clock.advance(jiff::SignedDuration::from_mins(1));
    assert_eq!(
        timed.open_share(&t3, None).await.unwrap_err().status(),
        404,
        "used"
    );
    clock.advance(jiff::SignedDuration::from_hours(48));
    assert_eq!(
        timed.open_share(&t4, None).await.unwrap_err().status(),
        404,
        "expired"
    );
    let states: Vec<LinkState> = timed
        .shares_for(&own, &p)
        .await
        .unwrap()
        .iter()
        .map(|l| l.state)
        .collect();
    assert!(
        states.contains(&LinkState::Used) && states.contains(&LinkState::Expired),
        "{states:?}"
    );
    assert!(states.contains(&LinkState::Revoked), "{states:?}");
}

both!(share_link_once_expiring_and_revocable);

/// A `multipart/form-data` body by hand: text fields, then one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----wellspring-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/json\r\n\r\n", file.0)
            .as_bytes(),
    );
    body.extend(file.1);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Records brought in (issue 16 §6) on both back ends: the member uploads a previous
/// provider's FHIR export through the portal (a C-CDA file and a non-Bundle are refused with
/// the reason, nothing stored); the file is kept and each medicine, allergy, problem and
/// immunization waits for a clinician; an item already in the record is not added silently;
/// what is added keeps its source (Provenance); the member follows each item's status. A
/// caregiver cannot upload; another panel's clinician cannot decide.
async fn records_brought_in_are_reconciled_by_a_clinician(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, sign_in};
    use ws_identity::caller::Access;
    use ws_records::service::reconcile::{Decision, ItemStatus};
    const PW: &str = "quiet meadow copper kettle";
    let p = app
        .create_id(json!({"resourceType": "Patient",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": "NOR200000031"}],
            "name": [{"family": "Lund", "given": ["Tove"]}], "birthDate": "1981-04-09",
            "address": [{"state": "WA"}]}))
        .await;
    app.identity
        .register(
            &ws_identity::service::RegisterInput {
                mrn: "NOR200000031".into(),
                birth_date: "1981-04-09".into(),
                given: "Tove".into(),
                family: "Lund".into(),
                email: "tove@example.org".into(),
                mobile: "(206) 555-0123".into(),
                password: PW.into(),
            },
            Some("test"),
        )
        .await
        .unwrap()
        .unwrap();
    app.verify_email("tove@example.org").await;
    // Already in the record: a penicillin allergy.
    app.create(json!({"resourceType": "AllergyIntolerance", "patient": {"reference": format!("Patient/{p}")},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005"}], "text": "Penicillin allergy"}}))
        .await;
    let export = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "old-7"}},
        {"resource": {"resourceType": "AllergyIntolerance", "id": "a1", "patient": {"reference": "Patient/old-7"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005", "display": "Allergy to penicillin"}]}}},
        {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/old-7"},
            "code": {"text": "Hypothyroidism"}, "recorder": {"reference": "Practitioner/12", "display": "Dr. Old"}}},
        {"resource": {"resourceType": "MedicationStatement", "id": "m1", "status": "active", "subject": {"reference": "Patient/old-7"},
            "medicationCodeableConcept": {"text": "Levothyroxine 75 mcg"}}},
        {"resource": {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "Weight"}}},
    ]});

    let c = browser();
    sign_in(app, &c, "tove@example.org", PW, "/record/bring-in").await;
    let (st, html) = page(&c, &format!("{}/record/bring-in", app.base)).await;
    assert_eq!(st, 200, "{html}");
    let csrf = csrf_of(&html);
    let upload = |bytes: Vec<u8>| {
        let c = c.clone();
        let csrf = csrf.clone();
        let url = format!("{}/record/bring-in", app.base);
        async move {
            let (ct, body) = multipart(
                &[("csrf", &csrf), ("source", "Lakeside Clinic")],
                ("export.json", &bytes),
            );
            let r = c
                .post(url)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (st, html) = upload(b"<?xml version=\"1.0\"?><ClinicalDocument/>".to_vec()).await;
    assert_eq!(st, 400);
    assert!(html.contains("C-CDA"), "{html}");
    let (st, _) = upload(br#"{"resourceType": "Patient"}"#.to_vec()).await;
    assert_eq!(st, 400);
    assert_eq!(
        app.search_ids("DocumentReference", &format!("patient={p}"))
            .await
            .len(),
        0,
        "nothing stored"
    );
    let (st, html) = upload(serde_json::to_vec(&export).unwrap()).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("3 of the 5 items"), "{html}");
    let docs = app
        .search_ids("DocumentReference", &format!("patient={p}"))
        .await;
    assert_eq!(docs.len(), 1, "the file is kept");

    let svc = ws_records::RecordsService::new(app.fhir.clone());
    let e = svc
        .bring_in(
            &person(&p, Access::Caregiver),
            &p,
            &serde_json::to_vec(&export).unwrap(),
            "x",
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), 404, "a caregiver cannot upload");
    let mut doc = clinician(&[&p], None);
    if let ws_fhir_service::Principal::Staff { practitioner, .. } = &mut doc.principal {
        *practitioner = Some("pr-9".into());
    }
    let queue = svc.reconcile_queue(&doc).await.unwrap();
    assert_eq!(queue.len(), 3);
    let find = |name: &str| {
        queue
            .iter()
            .find(|(i, _)| i.display.contains(name))
            .unwrap_or_else(|| panic!("{name} in {queue:?}"))
            .clone()
    };
    let (allergy, dups) = find("penicillin");
    assert_eq!(
        dups,
        vec!["Penicillin allergy".to_owned()],
        "the match is shown"
    );
    let (cond, _) = find("Hypothyroidism");
    let (med, _) = find("Levothyroxine");

    let other = clinician(&["someone-else"], None);
    assert!(
        svc.reconcile(&other, &cond.id, &Decision::Add { anyway: false })
            .await
            .is_err()
    );
    let silent = svc
        .reconcile(&doc, &allergy.id, &Decision::Add { anyway: false })
        .await
        .unwrap_err();
    assert!(
        silent
            .to_string()
            .contains("already has Penicillin allergy"),
        "{silent}"
    );
    svc.reconcile(&doc, &allergy.id, &Decision::AlreadyRecorded)
        .await
        .unwrap();
    svc.reconcile(&doc, &cond.id, &Decision::Add { anyway: false })
        .await
        .unwrap();
    assert!(
        svc.reconcile(&doc, &med.id, &Decision::Dismiss { reason: " ".into() })
            .await
            .is_err()
    );
    svc.reconcile(
        &doc,
        &med.id,
        &Decision::Dismiss {
            reason: "Stopped in 2024, per the member".into(),
        },
    )
    .await
    .unwrap();
    assert!(
        svc.reconcile(&doc, &cond.id, &Decision::AlreadyRecorded)
            .await
            .is_err(),
        "decided once"
    );

    let allergies = app
        .search_ids("AllergyIntolerance", &format!("patient={p}"))
        .await;
    assert_eq!(allergies.len(), 1, "no silent duplicate");
    let conds = app.search("Condition", &format!("patient={p}")).await;
    let added = &conds["entry"][0]["resource"];
    assert_eq!(added["code"]["text"], "Hypothyroidism");
    assert_eq!(added["recorder"], json!({"display": "Dr. Old"}));
    assert_eq!(
        added["meta"]["source"],
        format!("DocumentReference/{}", docs[0])
    );
    let prov = app
        .search(
            "Provenance",
            &format!("target=Condition/{}", added["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        prov["entry"][0]["resource"]["entity"][0]["what"]["reference"],
        format!("DocumentReference/{}", docs[0])
    );
    assert_eq!(
        app.search_ids("MedicationStatement", &format!("patient={p}"))
            .await
            .len(),
        0
    );

    let mine = svc.brought_in(&person(&p, Access::Own), &p).await.unwrap();
    let status = |id: &str| mine.iter().find(|i| i.id == id).unwrap().status;
    assert_eq!(status(&allergy.id), ItemStatus::AlreadyRecorded);
    assert_eq!(status(&cond.id), ItemStatus::Added);
    assert_eq!(status(&med.id), ItemStatus::Dismissed);
    let (_, html) = page(&c, &format!("{}/record/bring-in", app.base)).await;
    assert!(
        html.contains("Not added: Stopped in 2024, per the member"),
        "{html}"
    );
}

both!(records_brought_in_are_reconciled_by_a_clinician);

/// HIP-03 end to end: member services record disclosures made outside the portal on the
/// records desk (a wrong MRN, a day older than six years and a missing purpose are refused in
/// words, nothing stored); an open accounting request shows the desk what it will list; once
/// answered, the member reads the accountable disclosures of the period — not those for
/// treatment — in their language; nobody else reads them, and a member cannot record one.
async fn hip_03_disclosures_and_the_accounting(app: &TestApp) {
    use crate::identity::{browser, csrf_of, page, post_form, sign_in};
    use ws_identity::caller::Access;
    use ws_records::rules::disclosures::{Disclosure, Purpose};
    use ws_records::rules::requests::RequestKind;
    use ws_records::service::requests::RequestInput;
    const PW: &str = "quiet meadow copper kettle";
    const MRN_E: &str = "NOR200000047";
    let p = app
        .create_id(json!({"resourceType": "Patient",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": MRN_E}],
            "name": [{"family": "Berg", "given": ["Eva"]}], "birthDate": "1975-08-19",
            "address": [{"state": "WA"}]}))
        .await;
    app.identity
        .register(
            &ws_identity::service::RegisterInput {
                mrn: MRN_E.into(),
                birth_date: "1975-08-19".into(),
                given: "Eva".into(),
                family: "Berg".into(),
                email: "eva@example.org".into(),
                mobile: "(206) 555-0149".into(),
                password: PW.into(),
            },
            Some("test"),
        )
        .await
        .unwrap()
        .unwrap();
    app.verify_email("eva@example.org").await;
    app.staff_account(
        "desk@example.org",
        "Desk Person",
        ws_identity::StaffRole::MemberServices,
        None,
    )
    .await;
    let url = |path: &str| format!("{}{path}", app.base);
    let ms = browser();
    sign_in(app, &ms, "desk@example.org", PW, "/staff").await;
    let (st, html) = page(&ms, &url("/staff/records")).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Record a disclosure"), "{html}");
    let csrf = csrf_of(&html);
    let record = |mrn: &'static str, on: &'static str, purpose: &'static str| {
        let ms = ms.clone();
        let csrf = csrf.clone();
        async move {
            let r = post_form(
                &ms,
                &url("/staff/records/disclosure"),
                &[
                    ("csrf", csrf.as_str()),
                    ("mrn", mrn),
                    ("on", on),
                    ("recipient", "County Health Department, 1 Civic Plaza"),
                    ("purpose", purpose),
                    ("what", "Measles test result"),
                    ("basis", "State notifiable-disease reporting law"),
                ],
            )
            .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (st, html) = record("NOR999999999", "2021-05-01", "public-health").await;
    assert!(
        st >= 400 && html.contains("No member has this record number"),
        "{st}"
    );
    let (st, html) = record(MRN_E, "2019-01-01", "public-health").await;
    assert!(
        st >= 400 && html.contains("outside every accounting"),
        "{st}"
    );
    assert!(
        html.contains("value=\"County Health Department"),
        "what was typed is kept"
    );
    let (st, html) = record(MRN_E, "2021-05-01", "").await;
    assert!(st >= 400 && html.contains("Choose the purpose"), "{st}");
    let (st, html) = record(MRN_E, "2021-05-01", "public-health").await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("Disclosure recorded for Eva Berg; it will be listed"),
        "{html}"
    );
    let (st, html) = record(MRN_E, "2025-06-01", "treatment").await;
    assert_eq!(st, 200);
    assert!(html.contains("not listed in an accounting"), "{html}");
    // Refused ones stored nothing: two disclosures.
    let svc = ws_records::RecordsService::new(app.fhir.clone());
    let desk = member_services();
    let all = svc.disclosures_of(&desk, &p).await.unwrap();
    assert_eq!(
        all.iter().map(|d| d.purpose).collect::<Vec<_>>(),
        [Purpose::PublicHealth, Purpose::Treatment]
    );
    // A member cannot record one; nobody else reads them.
    let own = person(&p, Access::Own);
    let d = all[0].clone();
    assert_eq!(
        svc.record_disclosure(&own, &p, &d)
            .await
            .unwrap_err()
            .status(),
        403
    );
    for who in [person("other", Access::Own), person(&p, Access::Caregiver)] {
        assert_eq!(
            svc.disclosures_of(&who, &p).await.unwrap_err().status(),
            404
        );
    }
    // The member asks for the accounting; the desk sees what it will list, then answers.
    let acc = svc
        .file_request(&own, &p, RequestKind::Accounting, &RequestInput::default())
        .await
        .unwrap();
    let (_, html) = page(&ms, &url("/staff/records")).await;
    assert!(html.contains("Lists 1 disclosure(s) made"), "{html}");
    assert!(
        html.contains("First accounting in 12 months: free."),
        "{html}"
    );
    let r = post_form(
        &ms,
        &url("/staff/records/close"),
        &[
            ("csrf", csrf.as_str()),
            ("id", acc.id.as_str()),
            ("outcome", "done"),
            ("message", "Your accounting is in the portal."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let answered = svc
        .accounting(&own, &svc.requests_for(&own, &p).await.unwrap()[0])
        .await
        .unwrap();
    assert_eq!(answered.period.1, acc.received);
    assert_eq!(answered.list, vec![d.clone()]);
    assert!(answered.free, "the first in 12 months");
    // A second accounting the same year may carry a fee, and the desk is told so.
    let again = svc
        .file_request(&own, &p, RequestKind::Accounting, &RequestInput::default())
        .await
        .unwrap();
    assert!(!svc.accounting(&desk, &again).await.unwrap().free);
    let (_, html) = page(&ms, &url("/staff/records")).await;
    assert!(
        html.contains("Not the first accounting in 12 months"),
        "{html}"
    );
    assert_eq!(
        svc.accounting(&person("other", Access::Own), &again)
            .await
            .unwrap_err()
            .status(),
        404
    );
    let member = browser();
    sign_in(app, &member, "eva@example.org", PW, "/record/requests").await;
    let (st, html) = page(&member, &url("/record/requests")).await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("County Health Department") && html.contains("Public health"),
        "{html}"
    );
    assert!(!html.contains("Treatment"), "not accountable: not listed");
    let (_, html) = page(&member, &url("/record/requests?lang=es")).await;
    assert!(
        html.contains("Salud pública") && html.contains("Divulgaciones del"),
        "{html}"
    );
    // A disclosure that the rule refuses is refused by the service too.
    let future = Disclosure {
        on: "2099-01-01".parse().unwrap(),
        ..d
    };
    let e = svc.record_disclosure(&desk, &p, &future).await.unwrap_err();
    assert_eq!(e.status(), 400);
    assert!(e.to_string().contains("after today"), "{e}");
    assert_eq!(svc.disclosures_of(&desk, &p).await.unwrap().len(), 2);
}

both!(hip_03_disclosures_and_the_accounting);
