//! The authorization matrix through the FHIR API (DOMAIN.md §4, issue 4 "Done means"): every
//! kind of caller × resource kinds × read/search/write gets exactly what policy allows, and
//! no caller ever reads another member's record through any door (read, search, `_include`,
//! `_revinclude`, history, export).

use serde_json::{Value, json};

use crate::support::{TestApp, client_with_token};

const MRN: &str = "http://wellspring.example/fhir/sid/mrn";
pub(crate) const PW: &str = "quiet meadow copper kettle";

pub(crate) fn date_years_ago(years: i16, days_after: i64) -> String {
    let today = jiff::Zoned::now().date();
    let d = today
        .checked_sub(jiff::Span::new().years(years))
        .unwrap()
        .checked_add(jiff::Span::new().days(days_after))
        .unwrap();
    d.to_string()
}

pub(crate) fn person(mrn: &str, given: &str, family: &str, birth: &str) -> Value {
    json!({"resourceType": "Patient",
        "identifier": [{"system": MRN, "value": mrn}],
        "name": [{"use": "official", "family": family, "given": [given]}],
        "birthDate": birth,
        "address": [{"state": "WA"}]})
}

fn obs(pid: &str, system: &str, code: &str) -> Value {
    json!({"resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": format!("Patient/{pid}")},
        "effectiveDateTime": "2026-01-05"})
}

fn depression(pid: &str) -> Value {
    json!({"resourceType": "Condition",
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9"}]},
        "subject": {"reference": format!("Patient/{pid}")}})
}

fn med(pid: &str) -> Value {
    json!({"resourceType": "MedicationRequest", "status": "active", "intent": "order",
        "medicationCodeableConcept": {"text": "lisinopril 10 mg"},
        "subject": {"reference": format!("Patient/{pid}")}})
}

fn imm(pid: &str) -> Value {
    json!({"resourceType": "Immunization", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]},
        "patient": {"reference": format!("Patient/{pid}")}, "occurrenceDateTime": "2025-10-01"})
}

/// One person's record: the Patient and a few resources of each kind.
pub(crate) struct Record {
    pub(crate) patient: String,
    pub(crate) glucose: String,
    pub(crate) height: String,
    pub(crate) depression: String,
    pub(crate) med: String,
    pub(crate) imm: String,
}

pub(crate) async fn record(
    app: &TestApp,
    mrn: &str,
    given: &str,
    family: &str,
    birth: &str,
) -> Record {
    let patient = app.create_id(person(mrn, given, family, birth)).await;
    Record {
        glucose: app
            .create_id(obs(&patient, "http://loinc.org", "2345-7"))
            .await,
        height: app
            .create_id(obs(&patient, "http://loinc.org", "8302-2"))
            .await,
        depression: app.create_id(depression(&patient)).await,
        med: app.create_id(med(&patient)).await,
        imm: app.create_id(imm(&patient)).await,
        patient,
    }
}

/// A portal session for an account (the FHIR API accepts the session cookie too).
pub(crate) async fn session(app: &TestApp, email: &str) -> reqwest::Client {
    let done = app
        .identity
        .sign_in(email, PW, "127.0.0.1")
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("sign-in of {email}: {e:?}"));
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::COOKIE,
        format!("ws_session={}", done.token.expose())
            .parse()
            .unwrap(),
    );
    reqwest::Client::builder()
        .no_proxy()
        .default_headers(h)
        .build()
        .unwrap()
}

pub(crate) async fn register(
    app: &TestApp,
    mrn: &str,
    given: &str,
    family: &str,
    birth: &str,
    email: &str,
) {
    let input = ws_identity::service::RegisterInput {
        mrn: mrn.into(),
        birth_date: birth.into(),
        given: given.into(),
        family: family.into(),
        email: email.into(),
        mobile: "(206) 555-0142".into(),
        password: PW.into(),
    };
    app.identity
        .register(&input, Some("test"))
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("registering {email}: {e:?}"));
}

async fn status(c: &reqwest::Client, url: &str) -> u16 {
    c.get(url).send().await.unwrap().status().as_u16()
}

async fn search_ids(c: &reqwest::Client, url: &str) -> (u16, Vec<String>) {
    let r = c.get(url).send().await.unwrap();
    let st = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let ids = v["entry"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some(format!(
                        "{}/{}",
                        e["resource"]["resourceType"].as_str()?,
                        e["resource"]["id"].as_str()?
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    (st, ids)
}

pub(crate) struct World {
    pub(crate) adult: Record,
    pub(crate) other: Record,
    pub(crate) child: Record,
    pub(crate) teen: Record,
    pub(crate) practitioner: String,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let adult_birth = date_years_ago(40, 0);
    let adult = record(app, "MRN-A1", "Ana", "Quiroga", &adult_birth).await;
    let other = record(app, "MRN-B1", "Bea", "Olander", &date_years_ago(50, 0)).await;
    let child = record(app, "MRN-C1", "Cai", "Quiroga", &date_years_ago(8, 0)).await;
    let teen = record(app, "MRN-T1", "Teo", "Quiroga", &date_years_ago(15, 0)).await;
    let practitioner = app
        .create_id(json!({"resourceType": "Practitioner", "name": [{"family": "Okafor"}]}))
        .await;
    World {
        adult,
        other,
        child,
        teen,
        practitioner,
    }
}

/// Members, parents, teens, caregivers and apps: each sees exactly its grants.
async fn people_and_apps_see_only_what_policy_allows(app: &TestApp) {
    let w = world(app).await;
    let base = app.fhir_base.clone();
    register(
        app,
        "MRN-A1",
        "Ana",
        "Quiroga",
        &date_years_ago(40, 0),
        "ana@example.org",
    )
    .await;
    register(
        app,
        "MRN-B1",
        "Bea",
        "Olander",
        &date_years_ago(50, 0),
        "bea@example.org",
    )
    .await;
    register(
        app,
        "MRN-T1",
        "Teo",
        "Quiroga",
        &date_years_ago(15, 0),
        "teo@example.org",
    )
    .await;
    // Ana is the parent of the child and the teen (recorded by member services).
    let ana = app
        .identity
        .account(
            &ws_store::identity::account_by_email(
                &mut app.store.reader().await.unwrap(),
                "ana@example.org",
            )
            .await
            .unwrap()
            .unwrap()
            .id,
        )
        .await
        .unwrap()
        .unwrap();
    for kid in [&w.child.patient, &w.teen.patient] {
        app.identity
            .record_grant(
                "staff:test",
                kid,
                &ana,
                ws_identity::rules::proxy::Relationship::Parent,
                "birth certificate",
            )
            .await
            .unwrap();
    }
    // Bea's caregiver, granted in the portal; and a caregiver nobody granted anything.
    let caregiver_birth = date_years_ago(35, 0);
    for (name, email) in [("Cy Ward", "cy@example.org"), ("Di Noel", "di@example.org")] {
        app.identity
            .register_caregiver(
                name,
                &caregiver_birth,
                email,
                "206 555 0199",
                PW,
                "WA",
                None,
            )
            .await
            .unwrap()
            .unwrap();
    }
    let bea = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "bea@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    app.identity
        .invite_caregiver(&bea, "cy@example.org", "Cy Ward")
        .await
        .unwrap()
        .unwrap();
    // The invitation is claimed once Cy proves the address (issue 12, finding 6).
    app.verify_email("cy@example.org").await;

    let ana_c = session(app, "ana@example.org").await;
    let bea_c = session(app, "bea@example.org").await;
    let teo_c = session(app, "teo@example.org").await;
    let cy_c = session(app, "cy@example.org").await;
    let di_c = session(app, "di@example.org").await;
    let anon = app.anon.clone();

    let url = |t: &str, id: &str| format!("{base}/{t}/{id}");
    // (caller, resource, expected status)
    let mut rows: Vec<(&str, &reqwest::Client, String, u16)> = Vec::new();
    let all = |r: &Record| {
        vec![
            ("Patient", r.patient.clone()),
            ("Observation", r.glucose.clone()),
            ("Observation", r.height.clone()),
            ("Condition", r.depression.clone()),
            ("MedicationRequest", r.med.clone()),
            ("Immunization", r.imm.clone()),
        ]
    };
    // Ana: her own record, all of it; her 8-year-old's, all of it (PRX-02); her teen's: only
    // the limited view (PRX-03): demographics, growth chart, immunizations; nothing of Bea's.
    for (t, id) in all(&w.adult) {
        rows.push(("ana own", &ana_c, url(t, &id), 200));
    }
    for (t, id) in all(&w.child) {
        rows.push(("ana child<13", &ana_c, url(t, &id), 200));
    }
    for (t, id, want) in [
        ("Patient", &w.teen.patient, 200),
        ("Observation", &w.teen.height, 200),
        ("Immunization", &w.teen.imm, 200),
        ("Observation", &w.teen.glucose, 404),
        ("Condition", &w.teen.depression, 404),
        ("MedicationRequest", &w.teen.med, 404),
    ] {
        rows.push(("ana teen", &ana_c, url(t, id), want));
    }
    // The teen's own account: the whole own record, confidential care included (PRX-04/06).
    for (t, id) in all(&w.teen) {
        rows.push(("teen own", &teo_c, url(t, &id), 200));
    }
    // Bea's caregiver: everything but the sensitive categories (the depression diagnosis).
    for (t, id) in all(&w.other) {
        let want = if id == w.other.depression { 404 } else { 200 };
        rows.push(("caregiver", &cy_c, url(t, &id), want));
    }
    // Nobody else's record, for anyone.
    for (who, c, rec) in [
        ("ana→bea", &ana_c, &w.other),
        ("bea→ana", &bea_c, &w.adult),
        ("bea→child", &bea_c, &w.child),
        ("teen→parent", &teo_c, &w.adult),
        ("teen→sibling", &teo_c, &w.child),
        ("caregiver→ana", &cy_c, &w.adult),
        ("no-grant caregiver→bea", &di_c, &w.other),
    ] {
        for (t, id) in all(rec) {
            rows.push((who, c, url(t, &id), 404));
        }
    }
    for (t, id) in all(&w.adult) {
        rows.push(("anonymous", &anon, url(t, &id), 401));
    }
    // Shared directory data is public (CMS Provider Directory API).
    for (who, c) in [("anonymous", &anon), ("ana", &ana_c), ("teen", &teo_c)] {
        rows.push((who, c, url("Practitioner", &w.practitioner), 200));
    }
    let mut wrong = Vec::new();
    for (who, c, u, want) in &rows {
        let got = status(c, u).await;
        if got != *want {
            wrong.push(format!("{who}: GET {u} → {got}, expected {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} checks wrong:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );

    // Searches are filtered in the query: counts and pages never include what is hidden.
    let (st, ids) = search_ids(
        &ana_c,
        &format!("{base}/Observation?patient={}", w.teen.patient),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        ids,
        vec![format!("Observation/{}", w.teen.height)],
        "teen proxy sees only growth data"
    );
    let (st, ids) = search_ids(
        &cy_c,
        &format!("{base}/Condition?patient={}", w.other.patient),
    )
    .await;
    assert_eq!(
        (st, ids.len()),
        (200, 0),
        "caregiver search hides the sensitive condition: {ids:?}"
    );
    let r: Value = cy_c
        .get(format!(
            "{base}/Condition?patient={}&_summary=count",
            w.other.patient
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["total"], 0, "counts are filtered too: {r}");
    // A search with no patient named covers only the caller's own grants.
    let (st, ids) = search_ids(&bea_c, &format!("{base}/Observation")).await;
    assert_eq!(st, 200);
    assert!(!ids.is_empty());
    let bea_obs = [
        format!("Observation/{}", w.other.glucose),
        format!("Observation/{}", w.other.height),
    ];
    assert!(ids.iter().all(|i| bea_obs.contains(i)), "{ids:?}");
    // Naming someone else's record is refused, not answered empty-handed from their data.
    let (st, _) = search_ids(
        &bea_c,
        &format!("{base}/Observation?patient={}", w.adult.patient),
    )
    .await;
    assert_eq!(st, 403);
    // _revinclude and _include cannot reach across: Bea's Patient names the practitioner as
    // her doctor; a search of the public directory that asks for the Patients pointing at the
    // practitioner gets none of them (anonymous) or only one's own (Bea).
    let mut bea_p: Value = app
        .get(&format!("/Patient/{}", w.other.patient))
        .await
        .json();
    bea_p["generalPractitioner"] =
        json!([{"reference": format!("Practitioner/{}", w.practitioner)}]);
    app.put(&format!("/Patient/{}", w.other.patient), &bea_p)
        .await
        .assert_status(200);
    let rev = format!(
        "{base}/Practitioner?_id={}&_revinclude=Patient:general-practitioner",
        w.practitioner
    );
    let (st, ids) = search_ids(&anon, &rev).await;
    assert_eq!(st, 200);
    assert_eq!(
        ids,
        vec![format!("Practitioner/{}", w.practitioner)],
        "anonymous: no Patient rides along"
    );
    let (st, ids) = search_ids(&ana_c, &rev).await;
    assert_eq!(
        (st, ids.len()),
        (200, 1),
        "Ana does not see Bea through the directory: {ids:?}"
    );
    let (st, ids) = search_ids(&bea_c, &rev).await;
    assert_eq!(st, 200);
    assert!(
        ids.contains(&format!("Patient/{}", w.other.patient)),
        "Bea sees herself: {ids:?}"
    );
    let (st, ids) = search_ids(
        &teo_c,
        &format!(
            "{base}/Observation?patient={}&_include=Observation:subject",
            w.teen.patient
        ),
    )
    .await;
    assert_eq!(st, 200);
    assert!(ids.contains(&format!("Patient/{}", w.teen.patient)));
    // History: one's own resource yes; someone else's no; system-wide history is not for people.
    assert_eq!(
        status(
            &bea_c,
            &format!("{base}/Observation/{}/_history", w.other.glucose)
        )
        .await,
        200
    );
    assert_eq!(
        status(
            &bea_c,
            &format!("{base}/Observation/{}/_history", w.adult.glucose)
        )
        .await,
        404
    );
    assert_eq!(status(&bea_c, &format!("{base}/_history")).await, 403);
    assert_eq!(status(&anon, &format!("{base}/_history")).await, 401);
    // $everything follows the same rules: the teen's parent gets the limited view only; Bea's
    // caregiver gets no sensitive condition; nobody gets a stranger's record.
    let (st, ids) = search_ids(
        &ana_c,
        &format!("{base}/Patient/{}/$everything", w.teen.patient),
    )
    .await;
    assert_eq!(st, 200);
    let mut want = vec![
        format!("Immunization/{}", w.teen.imm),
        format!("Observation/{}", w.teen.height),
        format!("Patient/{}", w.teen.patient),
    ];
    let mut got = ids.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "teen proxy $everything");
    let (st, ids) = search_ids(
        &cy_c,
        &format!("{base}/Patient/{}/$everything", w.other.patient),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        ids.len(),
        5,
        "all of Bea's record but the depression diagnosis: {ids:?}"
    );
    assert!(!ids.contains(&format!("Condition/{}", w.other.depression)));
    assert_eq!(
        status(
            &bea_c,
            &format!("{base}/Patient/{}/$everything", w.adult.patient)
        )
        .await,
        404
    );
    assert_eq!(
        status(
            &anon,
            &format!("{base}/Patient/{}/$everything", w.adult.patient)
        )
        .await,
        401
    );
    // Bulk export is for back-end integrations only.
    let r = bea_c
        .get(format!("{base}/$export"))
        .header("prefer", "respond-async")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // People and apps do not write through the FHIR API.
    let r = ana_c
        .post(format!("{base}/Observation"))
        .header("content-type", "application/fhir+json")
        .body(obs(&w.adult.patient, "http://loinc.org", "2345-7").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = anon
        .post(format!("{base}/Patient"))
        .header("content-type", "application/fhir+json")
        .body(person("X", "X", "X", "2000-01-01").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // Revoking the caregiver's access takes effect at once.
    let grants = app.identity.sharing(&bea).await.unwrap().on_my_record;
    app.identity
        .revoke_grant(&bea, &grants[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        status(&cy_c, &url("Observation", &w.other.glucose)).await,
        404
    );

    // Every one of those reads landed in the audit log with the real caller.
    let rows = app.audit_rows().await;
    assert!(rows.iter().any(|r| r.actor.starts_with("account:")
        && r.compartment.as_deref() == Some(w.teen.patient.as_str())));
    assert!(
        rows.iter()
            .any(|r| r.actor == "anonymous" && r.outcome == "failure")
    );
}

/// SMART apps: scopes narrow what the member may see; the token reaches only the patient the
/// member chose at consent.
async fn apps_reach_only_the_consented_patient_and_scopes(app: &TestApp) {
    let w = world(app).await;
    let base = app.fhir_base.clone();
    register(
        app,
        "MRN-A1",
        "Ana",
        "Quiroga",
        &date_years_ago(40, 0),
        "ana@example.org",
    )
    .await;
    let ana = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "ana@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    app.identity
        .record_grant(
            "staff:test",
            &w.child.patient,
            &ana,
            ws_identity::rules::proxy::Relationship::Parent,
            "doc",
        )
        .await
        .unwrap();
    let redirect = "http://127.0.0.1:9/callback".to_owned();
    let token_for = |scope: &'static str, patient: String| {
        let redirect = redirect.clone();
        let account = ana.id.clone();
        async move {
            let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
            let (cid, code) = app
                .authorize_app(&account, scope, &patient, &redirect, verifier)
                .await;
            app.identity
                .exchange_code(&cid, None, &code, &redirect, verifier)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // patient/*.read for the child: the child's record, not Ana's own, not anyone else's.
    let t = token_for("launch/patient patient/*.read", w.child.patient.clone()).await;
    assert_eq!(t.patient.as_deref(), Some(w.child.patient.as_str()));
    let c = client_with_token(&t.access_token);
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.child.glucose)).await,
        200
    );
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.adult.glucose)).await,
        404
    );
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.other.glucose)).await,
        404
    );
    let (st, ids) = search_ids(&c, &format!("{base}/Observation")).await;
    assert_eq!(st, 200);
    assert!(
        ids.iter()
            .all(|i| *i == format!("Observation/{}", w.child.glucose)
                || *i == format!("Observation/{}", w.child.height)),
        "{ids:?}"
    );
    // patient/Observation.read: Observations only.
    let t = token_for("patient/Observation.read", w.adult.patient.clone()).await;
    let c = client_with_token(&t.access_token);
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.adult.glucose)).await,
        200
    );
    assert_eq!(
        status(&c, &format!("{base}/Condition/{}", w.adult.depression)).await,
        403
    );
    assert_eq!(
        status(&c, &format!("{base}/MedicationRequest/{}", w.adult.med)).await,
        403
    );
    // user/*.read: every record Ana may reach.
    let t = token_for("user/*.read", w.adult.patient.clone()).await;
    let c = client_with_token(&t.access_token);
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.adult.glucose)).await,
        200
    );
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.child.glucose)).await,
        200
    );
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.other.glucose)).await,
        404
    );
    // Disconnecting the app in the portal stops its tokens at once.
    let apps = app.identity.connected_apps(&ana.id).await.unwrap();
    assert_eq!(apps.len(), 3);
    for (g, _) in &apps {
        assert!(app.identity.disconnect_app(&ana.id, &g.id).await.unwrap());
    }
    assert_eq!(
        status(&c, &format!("{base}/Observation/{}", w.adult.glucose)).await,
        401
    );
}

/// Staff: least access per role; clinicians see their panel; break-the-glass is allowed with a
/// reason and flagged in the audit log.
async fn staff_roles_get_least_access(app: &TestApp) {
    let w = world(app).await;
    let base = app.fhir_base.clone();
    // Ana's primary care physician is the practitioner.
    let mut p: Value = app
        .get(&format!("/Patient/{}", w.adult.patient))
        .await
        .json();
    p["generalPractitioner"] = json!([{"reference": format!("Practitioner/{}", w.practitioner)}]);
    app.put(&format!("/Patient/{}", w.adult.patient), &p)
        .await
        .assert_status(200);
    let mut staff = Vec::new();
    for (email, role, pr) in [
        (
            "doc@example.org",
            ws_identity::StaffRole::Clinician,
            Some(w.practitioner.as_str()),
        ),
        (
            "ms@example.org",
            ws_identity::StaffRole::MemberServices,
            None,
        ),
        ("rx@example.org", ws_identity::StaffRole::Pharmacist, None),
        (
            "admin@example.org",
            ws_identity::StaffRole::Administrator,
            None,
        ),
    ] {
        let (acct, _) = app
            .identity
            .create_staff(email, "Staff Person", role, pr, "system:test")
            .await
            .unwrap()
            .unwrap();
        app.identity
            .set_password(&acct.id, PW)
            .await
            .unwrap()
            .unwrap();
        staff.push(session(app, email).await);
    }
    let [doc, ms, rx, admin] = [&staff[0], &staff[1], &staff[2], &staff[3]];
    let u = |t: &str, id: &str| format!("{base}/{t}/{id}");
    let checks: Vec<(&str, &reqwest::Client, String, u16)> = vec![
        (
            "clinician panel obs",
            doc,
            u("Observation", &w.adult.glucose),
            200,
        ),
        (
            "clinician panel sensitive",
            doc,
            u("Condition", &w.adult.depression),
            200,
        ),
        // Off the panel the record answers as a missing one (issue 12: no existence oracle,
        // staff included); the clinician who needs it declares an emergency access below.
        (
            "clinician off-panel",
            doc,
            u("Observation", &w.other.glucose),
            404,
        ),
        (
            "member services demographics",
            ms,
            u("Patient", &w.other.patient),
            200,
        ),
        (
            "member services clinical",
            ms,
            u("Observation", &w.other.glucose),
            403,
        ),
        (
            "pharmacist meds",
            rx,
            u("MedicationRequest", &w.other.med),
            200,
        ),
        (
            "pharmacist labs",
            rx,
            u("Observation", &w.other.glucose),
            403,
        ),
        (
            "admin patient data",
            admin,
            u("Patient", &w.other.patient),
            403,
        ),
        (
            "admin directory",
            admin,
            u("Practitioner", &w.practitioner),
            200,
        ),
    ];
    let mut wrong = Vec::new();
    for (who, c, url, want) in &checks {
        let got = status(c, url).await;
        if got != *want {
            wrong.push(format!("{who}: GET {url} → {got}, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Break the glass: with a reason, for that patient, flagged in the audit log.
    let r = doc
        .get(u("Observation", &w.other.glucose))
        .header("x-break-glass-patient", &w.other.patient)
        .header(
            "x-break-glass-reason",
            "unconscious in the emergency department",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let rows = app.audit_rows().await;
    let flagged = rows
        .iter()
        .find(|r| {
            r.res_id.as_deref() == Some(w.other.glucose.as_str())
                && r.outcome == "success"
                && r.actor.starts_with("staff:")
        })
        .expect("the emergency read is in the audit log");
    assert!(
        flagged
            .purpose
            .as_deref()
            .is_some_and(|p| p.contains("break the glass") && p.contains("unconscious")),
        "{flagged:?}"
    );
}

both!(
    people_and_apps_see_only_what_policy_allows,
    apps_reach_only_the_consented_patient_and_scopes,
    staff_roles_get_least_access
);

/// PRX-02/03/05, EX-P1, EX-P3: access changes on the day an age boundary is crossed, with no one
/// doing anything — a child turning 13 today is a teen today; one turning 13 tomorrow is not yet;
/// a teen turning 18 today leaves the parent's reach today.
async fn age_boundaries_apply_on_the_day(app: &TestApp) {
    let base = app.fhir_base.clone();
    app.create_id(person("MRN-P1", "Pia", "Sandoval", &date_years_ago(41, 0)))
        .await;
    register(
        app,
        "MRN-P1",
        "Pia",
        "Sandoval",
        &date_years_ago(41, 0),
        "pia@example.org",
    )
    .await;
    let pia = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "pia@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    let mut kids = Vec::new();
    for (mrn, years, days_after, want_glucose, want_patient) in [
        ("MRN-K1", 13, 0, 404, 200), // 13 today: limited teen view
        ("MRN-K2", 13, 1, 200, 200), // 13 tomorrow: still full
        ("MRN-K3", 18, 0, 404, 404), // 18 today: the parent link has ended
        ("MRN-K4", 18, 1, 404, 200), // 18 tomorrow: still a (limited) teen today
    ] {
        let r = record(
            app,
            mrn,
            "Kid",
            "Sandoval",
            &date_years_ago(years, days_after),
        )
        .await;
        app.identity
            .record_grant(
                "staff:test",
                &r.patient,
                &pia,
                ws_identity::rules::proxy::Relationship::Parent,
                "birth certificate",
            )
            .await
            .unwrap();
        kids.push((mrn, r, want_glucose, want_patient));
    }
    let c = session(app, "pia@example.org").await;
    let mut wrong = Vec::new();
    for (mrn, r, want_glucose, want_patient) in &kids {
        let g = status(&c, &format!("{base}/Observation/{}", r.glucose)).await;
        let p = status(&c, &format!("{base}/Patient/{}", r.patient)).await;
        if (g, p) != (*want_glucose, *want_patient) {
            wrong.push(format!(
                "{mrn}: glucose {g} (want {want_glucose}), patient {p} (want {want_patient})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

both!(age_boundaries_apply_on_the_day);

/// "Not one cross-member read", over every resource type the synthetic region generates: two
/// members read every stored resource by id; each gets exactly their own compartment (200), the
/// public directory (200), and nothing else (404).
async fn no_cross_member_read_on_any_generated_type(app: &TestApp) {
    use ws_fhir_service::bulk::{ImportItem, ImportReport};
    let cfg = ws_synthetic::SeedConfig::new(12, 3);
    let mut items = Vec::new();
    ws_synthetic::generate(&cfg, &mut |v: Value| {
        let n = items.len() as u64 + 1;
        items.push(ImportItem::value(n, v));
        Ok::<(), ()>(())
    })
    .unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let feeder = tokio::spawn(async move {
        for chunk in items.chunks(500) {
            let batch: Vec<ImportItem> = chunk
                .iter()
                .map(|i| ImportItem::value(i.line, i.value.clone().unwrap()))
                .collect();
            tx.send(batch).await.unwrap();
        }
    });
    let mut report = ImportReport::default();
    app.fhir
        .import_batches(&ws_fhir_service::Caller::system(), "seed", rx, &mut report)
        .await
        .unwrap();
    feeder.await.unwrap();
    assert!(report.rejected.is_empty());
    // Every current resource, by type.
    let mut all = Vec::new();
    let mut conn = app.store.reader().await.unwrap();
    for t in conn.resource_types().await.unwrap() {
        all.extend(conn.scan(&t, "", None, None, 100_000).await.unwrap());
    }
    drop(conn);
    // Two adults from different households register with what is on their cards.
    let adult_cutoff = date_years_ago(18, 0);
    let mut members = Vec::new();
    for r in all.iter().filter(|r| r.res_type == "Patient") {
        let v: Value = serde_json::from_str(r.content.as_deref().unwrap()).unwrap();
        let birth = v["birthDate"].as_str().unwrap_or("9999").to_owned();
        let f = ws_identity::service::PatientFacts::from_json(&r.id, &v);
        let mrn = v["identifier"][0]["value"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if birth < adult_cutoff && !f.deceased && !mrn.is_empty() {
            let household = v["address"][0]["line"][0].as_str().unwrap_or("").to_owned();
            if members
                .iter()
                .all(|(_, _, _, _, h): &(String, String, String, String, String)| *h != household)
            {
                members.push((
                    r.id.clone(),
                    mrn,
                    f.given.clone(),
                    f.family.clone(),
                    household,
                ));
            }
        }
        if members.len() == 2 {
            break;
        }
    }
    assert_eq!(members.len(), 2, "two adults in different households");
    let mut clients = Vec::new();
    for (i, (pid, mrn, given, family, _)) in members.iter().enumerate() {
        let v: Value = app.get(&format!("/Patient/{pid}")).await.json();
        let email = format!("member{i}@example.org");
        register(
            app,
            mrn,
            given,
            family,
            v["birthDate"].as_str().unwrap(),
            &email,
        )
        .await;
        clients.push((pid.clone(), session(app, &email).await));
    }
    let base = app.fhir_base.clone();
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    let mut wrong = Vec::new();
    let mut shared_seen = std::collections::HashMap::<String, usize>::new();
    for r in &all {
        let shared = r.compartment.is_empty();
        if shared {
            // The directory is large; a few of each type are enough.
            let n = shared_seen.entry(r.res_type.clone()).or_default();
            *n += 1;
            if *n > 3 {
                continue;
            }
        }
        for (pid, c) in &clients {
            let want = if shared {
                if ws_identity::rules::policy::is_shared_type(&r.res_type) {
                    200
                } else {
                    404
                }
            } else if r.compartment == *pid {
                200
            } else {
                404
            };
            let got = status(c, &format!("{base}/{}/{}", r.res_type, r.id)).await;
            if got != want {
                wrong.push(format!(
                    "member {pid}: {}/{} (compartment {:?}) → {got}, expected {want}",
                    r.res_type, r.id, r.compartment
                ));
            }
        }
        *checked.entry(r.res_type.clone()).or_default() += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("cross-member reads checked per type: {checked:?}");
    assert!(checked.len() >= 15, "resource types covered: {checked:?}");
}

both!(no_cross_member_read_on_any_generated_type);
