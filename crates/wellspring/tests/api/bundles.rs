//! Transaction and batch Bundles posted to the FHIR base.

use serde_json::{Value, json};

use crate::support::{TestApp, id_of, outcome_text, patient, version_of};

fn post_entry(full_url: Option<&str>, resource: Value) -> Value {
    let t = resource["resourceType"].as_str().unwrap().to_owned();
    let mut e = json!({"resource": resource, "request": {"method": "POST", "url": t}});
    if let Some(f) = full_url {
        e["fullUrl"] = json!(f);
    }
    e
}

fn bundle(kind: &str, entries: Vec<Value>) -> Value {
    json!({"resourceType": "Bundle", "type": kind, "entry": entries})
}

/// `Type/id` from a response entry's `location` (`Type/id/_history/n`).
fn location_ref(entry: &Value) -> String {
    let loc = entry["response"]["location"]
        .as_str()
        .unwrap_or_else(|| panic!("no location in {entry}"));
    let parts: Vec<&str> = loc.split('/').collect();
    let i = parts
        .iter()
        .position(|p| *p == "_history")
        .unwrap_or(parts.len());
    parts[i - 2..i].join("/")
}

async fn counts(app: &TestApp) -> (i64, i64) {
    (app.count("Patient").await, app.count("Observation").await)
}

async fn transaction_resolves_urn_uuid_references(app: &TestApp) {
    let pat_urn = "urn:uuid:3f1b2c4d-0000-4000-8000-000000000001";
    let obs = json!({"resourceType": "Observation", "status": "final", "code": {"text": "weight"},
                     "subject": {"reference": pat_urn}, "performer": [{"reference": pat_urn}]});
    let b = bundle(
        "transaction",
        vec![
            post_entry(Some(pat_urn), patient("Txn")),
            post_entry(None, obs),
        ],
    );
    let r = app.post("", &b).await;
    r.assert_status(200);
    let resp = r.json();
    assert_eq!(resp["resourceType"], "Bundle");
    assert_eq!(resp["type"], "transaction-response");
    let entries = resp["entry"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    for e in entries {
        assert!(
            e["response"]["status"]
                .as_str()
                .is_some_and(|s| s.starts_with("201")),
            "{e}"
        );
        assert_eq!(e["response"]["etag"], "W/\"1\"");
    }
    let pat_ref = location_ref(&entries[0]);
    let obs_ref = location_ref(&entries[1]);
    assert!(pat_ref.starts_with("Patient/"), "{pat_ref}");
    assert!(obs_ref.starts_with("Observation/"), "{obs_ref}");
    let stored = app.get(&format!("/{obs_ref}")).await;
    stored.assert_status(200);
    let stored = stored.json();
    assert_eq!(
        stored["subject"]["reference"],
        pat_ref.as_str(),
        "the urn:uuid reference was rewritten"
    );
    assert_eq!(stored["performer"][0]["reference"], pat_ref.as_str());
    app.get(&format!("/{pat_ref}")).await.assert_status(200);
    // The rewritten reference is searchable and puts the Observation in the patient's compartment.
    let pid = pat_ref.trim_start_matches("Patient/");
    assert_eq!(
        app.search_ids("Observation", &format!("patient={pid}"))
            .await,
        vec![id_of(&stored)]
    );
    assert_eq!(counts(app).await, (1, 1));
}

async fn transaction_with_an_invalid_entry_stores_nothing(app: &TestApp) {
    app.create(patient("Before")).await;
    let before = counts(app).await;
    // Entry 2 fails validation.
    let b = bundle(
        "transaction",
        vec![
            post_entry(
                Some("urn:uuid:00000000-0000-4000-8000-00000000000a"),
                patient("One"),
            ),
            post_entry(
                None,
                json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-00000000000a"}}),
            ),
            post_entry(None, json!({"resourceType": "Patient", "birthDate": 123})),
        ],
    );
    let oo = app
        .post("", &b)
        .await
        .assert_outcome(400, "Bundle.entry[2]");
    assert!(
        crate::support::outcome_expressions(&oo)
            .iter()
            .any(|e| e.starts_with("Bundle.entry[2]") && e.contains("birthDate")),
        "{oo}"
    );
    assert_eq!(counts(app).await, before);
    // Entry 2 fails only when it runs (the earlier entries were already written in the
    // transaction): still nothing stored.
    let b = bundle(
        "transaction",
        vec![
            post_entry(None, patient("Two")),
            post_entry(None, patient("Three")),
            json!({"resource": {"resourceType": "Patient", "id": "body-id"}, "request": {"method": "PUT", "url": "Patient/url-id"}}),
        ],
    );
    let r = app.post("", &b).await;
    r.assert_outcome(400, "Bundle.entry[2]");
    assert_eq!(counts(app).await, before);
    app.get("/Patient/url-id").await.assert_status(404);
    app.get("/Patient/body-id").await.assert_status(404);
    // Nothing from the failed transactions shows in history either.
    assert_eq!(app.get("/_history").await.json()["total"], 1);
}

async fn transaction_if_match_conflict_stores_nothing(app: &TestApp) {
    let existing = app.create(patient("Guarded")).await;
    let id = id_of(&existing);
    let before = counts(app).await;
    let b = bundle(
        "transaction",
        vec![
            post_entry(None, patient("Newcomer")),
            json!({"resource": {"resourceType": "Patient", "id": id, "name": [{"family": "Overwritten"}]},
                   "request": {"method": "PUT", "url": format!("Patient/{id}"), "ifMatch": "W/\"7\""}}),
        ],
    );
    let oo = app
        .post("", &b)
        .await
        .assert_outcome(412, "Bundle.entry[1]");
    assert!(outcome_text(&oo).contains("version"), "{oo}");
    assert_eq!(counts(app).await, before);
    let cur = app.get(&format!("/Patient/{id}")).await.json();
    assert_eq!(version_of(&cur), "1");
    assert_eq!(cur["name"][0]["family"], "Guarded");
    assert!(
        app.search_ids("Patient", "family=newcomer")
            .await
            .is_empty()
    );
    // With the right version the same transaction goes through.
    let mut b = b;
    b["entry"][1]["request"]["ifMatch"] = json!("W/\"1\"");
    let r = app.post("", &b).await;
    r.assert_status(200);
    assert_eq!(
        version_of(&app.get(&format!("/Patient/{id}")).await.json()),
        "2"
    );
    assert_eq!(app.search_ids("Patient", "family=newcomer").await.len(), 1);
}

async fn transaction_with_all_methods(app: &TestApp) {
    let gone = app.create_id(patient("ToDelete")).await;
    let kept = app.create_id(patient("ToRead")).await;
    let b = bundle(
        "transaction",
        vec![
            json!({"request": {"method": "DELETE", "url": format!("Patient/{gone}")}}),
            json!({"resource": {"resourceType": "Patient", "id": "put-created", "name": [{"family": "Put"}]}, "request": {"method": "PUT", "url": "Patient/put-created"}}),
            json!({"request": {"method": "GET", "url": format!("Patient/{kept}")}}),
            json!({"request": {"method": "GET", "url": "Patient?family=toread"}}),
            json!({"resource": {"resourceType": "Patient", "identifier": [{"system": "http://example.org/mrn", "value": "tx-1"}]},
                   "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=http://example.org/mrn|tx-1"}}),
        ],
    );
    let r = app.post("", &b).await;
    r.assert_status(200);
    let resp = r.json();
    let e = resp["entry"].as_array().unwrap();
    assert!(
        e[0]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("204"),
        "{resp}"
    );
    assert!(
        e[1]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("201"),
        "{resp}"
    );
    assert!(
        e[2]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("200"),
        "{resp}"
    );
    assert_eq!(id_of(&e[2]["resource"]), kept);
    assert!(
        e[3]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("200"),
        "{resp}"
    );
    assert_eq!(e[3]["resource"]["type"], "searchset");
    assert_eq!(
        crate::support::match_ids(&e[3]["resource"]),
        vec![kept.clone()]
    );
    assert!(
        e[4]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("201"),
        "{resp}"
    );
    app.get(&format!("/Patient/{gone}"))
        .await
        .assert_status(410);
    app.get("/Patient/put-created").await.assert_status(200);
    // Running the conditional create again matches instead of creating.
    let b2 = bundle("transaction", vec![b["entry"][4].clone()]);
    let r = app.post("", &b2).await;
    r.assert_status(200);
    assert!(
        r.json()["entry"][0]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("200")
    );
    assert_eq!(
        app.search_ids("Patient", "identifier=http://example.org/mrn%7Ctx-1")
            .await
            .len(),
        1
    );
}

async fn batch_with_good_and_bad_entries(app: &TestApp) {
    let before = counts(app).await;
    let b = bundle(
        "batch",
        vec![
            post_entry(None, patient("BatchGood")),
            post_entry(
                None,
                json!({"resourceType": "Patient", "birthDate": "not-a-date"}),
            ),
            json!({"request": {"method": "GET", "url": "Patient/nobody"}}),
        ],
    );
    let r = app.post("", &b).await;
    r.assert_status(200);
    let resp = r.json();
    assert_eq!(resp["type"], "batch-response");
    let e = resp["entry"].as_array().unwrap();
    assert_eq!(e.len(), 3);
    assert!(
        e[0]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("201"),
        "{resp}"
    );
    assert!(location_ref(&e[0]).starts_with("Patient/"));
    assert!(
        e[1]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("400"),
        "{resp}"
    );
    assert_eq!(
        e[1]["response"]["outcome"]["resourceType"],
        "OperationOutcome"
    );
    assert!(
        outcome_text(&e[1]["response"]["outcome"]).contains("birthDate"),
        "{resp}"
    );
    assert!(
        e[2]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("404"),
        "{resp}"
    );
    assert_eq!(counts(app).await, (before.0 + 1, before.1));
    assert_eq!(app.search_ids("Patient", "family=batchgood").await.len(), 1);
}

async fn unresolvable_urn_uuid_is_refused(app: &TestApp) {
    let before = counts(app).await;
    let b = bundle(
        "transaction",
        vec![
            post_entry(
                Some("urn:uuid:00000000-0000-4000-8000-0000000000aa"),
                patient("Lonely"),
            ),
            post_entry(
                None,
                json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-0000000000bb"}}),
            ),
        ],
    );
    let r = app.post("", &b).await;
    assert!((400..500).contains(&r.status), "{}", r.describe());
    r.assert_outcome(r.status, "urn:uuid:00000000-0000-4000-8000-0000000000bb");
    assert_eq!(counts(app).await, before);
}

async fn malformed_bundles(app: &TestApp) {
    let before = counts(app).await;
    app.post("", &patient("NotABundle"))
        .await
        .assert_outcome(400, "Bundle");
    app.post("", &json!({"resourceType": "Bundle", "type": "collection", "entry": [post_entry(None, patient("C"))]})).await.assert_outcome(400, "Bundle.type");
    app.post("", &json!({"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": patient("NoRequest")}]})).await.assert_outcome(400, "Bundle.entry[0]");
    app.post("", &json!({"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": patient("P"), "request": {"method": "PATCH", "url": "Patient"}}]}))
        .await
        .assert_outcome(400, "PATCH");
    app.post_raw("", "{not json", "application/fhir+json")
        .await
        .assert_outcome(400, "Invalid JSON");
    assert_eq!(counts(app).await, before);
    // An empty transaction is fine and does nothing.
    let r = app
        .post(
            "",
            &json!({"resourceType": "Bundle", "type": "transaction"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["type"], "transaction-response");
}

/// References to entries resolved by a condition: a POST with `ifNoneExist` (resolves to the
/// match, or the new resource) and — BUG (reported) — a conditional PUT (`Type?criteria`), whose
/// `fullUrl` is never mapped, so references to it are refused as unresolvable.
async fn transaction_conditional_entries_are_referenceable(app: &TestApp) {
    let org_urn = "urn:uuid:00000000-0000-4000-8000-0000000000c1";
    let pat_urn = "urn:uuid:00000000-0000-4000-8000-0000000000c2";
    let tx = |family: &str| {
        bundle(
            "transaction",
            vec![
                json!({"fullUrl": org_urn, "resource": {"resourceType": "Organization", "identifier": [{"system": "http://example.org/org", "value": "o-1"}], "name": "Clinic"},
                       "request": {"method": "POST", "url": "Organization", "ifNoneExist": "identifier=http://example.org/org|o-1"}}),
                json!({"fullUrl": pat_urn, "resource": {"resourceType": "Patient", "identifier": [{"system": "http://example.org/mrn", "value": "cp-1"}],
                                                        "name": [{"family": family}], "managingOrganization": {"reference": org_urn}},
                       "request": {"method": "PUT", "url": "Patient?identifier=http://example.org/mrn|cp-1"}}),
                json!({"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "subject": {"reference": pat_urn}},
                       "request": {"method": "POST", "url": "Observation"}}),
            ],
        )
    };
    let r = app.post("", &tx("First")).await;
    assert_eq!(
        r.status,
        200,
        "a reference to a conditional PUT entry's fullUrl was refused: {}",
        r.describe()
    );
    let resp = r.json();
    let org = location_ref(&resp["entry"][0]);
    let pat = location_ref(&resp["entry"][1]);
    let obs = location_ref(&resp["entry"][2]);
    assert_eq!(
        app.get(&format!("/{pat}")).await.json()["managingOrganization"]["reference"],
        org.as_str()
    );
    assert_eq!(
        app.get(&format!("/{obs}")).await.json()["subject"]["reference"],
        pat.as_str()
    );
    // Again: both conditions now match the existing resources; references point at them.
    let r = app.post("", &tx("Second")).await;
    r.assert_status(200);
    let resp = r.json();
    assert_eq!(location_ref(&resp["entry"][0]), org);
    assert_eq!(location_ref(&resp["entry"][1]), pat);
    let obs2 = location_ref(&resp["entry"][2]);
    assert_eq!(
        app.get(&format!("/{obs2}")).await.json()["subject"]["reference"],
        pat.as_str()
    );
    assert_eq!(
        (
            app.count("Organization").await,
            app.count("Patient").await,
            app.count("Observation").await
        ),
        (1, 1, 2)
    );
}

/// A transaction of plain creates and updates is stored as one batch: updates get the next
/// version (a deleted resource comes back at the version after its tombstone), new ids are
/// created, the search index follows, and the same resource twice still works (entry path).
async fn transaction_of_creates_and_updates(app: &TestApp) {
    let a = app.create(patient("Old")).await;
    let a_id = id_of(&a);
    let b_id = app.create_id(patient("Gone")).await;
    app.delete(&format!("/Patient/{b_id}"))
        .await
        .assert_status(204);
    let mut a2 = patient("Renamed");
    a2["id"] = json!(a_id);
    let mut b2 = patient("Back");
    b2["id"] = json!(b_id);
    let mut c = patient("Brand");
    c["id"] = json!("batched-new");
    let obs = json!({"resourceType": "Observation", "status": "final", "code": {"text": "weight"},
                     "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-0000000000b1"}});
    let put = |r: &Value| json!({"resource": r, "request": {"method": "PUT", "url": format!("Patient/{}", r["id"].as_str().unwrap())}});
    let mut c_entry = put(&c);
    c_entry["fullUrl"] = json!("urn:uuid:00000000-0000-4000-8000-0000000000b1");
    let b = bundle(
        "transaction",
        vec![put(&a2), put(&b2), c_entry, post_entry(None, obs)],
    );
    let audited = app.audit_rows().await.len();
    let r = app.post("", &b).await;
    r.assert_status(200);
    // One audit record per resource written, with its compartment.
    let rows = app.audit_rows().await;
    let new: Vec<(String, Option<String>, Option<String>)> = rows[audited..]
        .iter()
        .map(|r| (r.action.clone(), r.res_id.clone(), r.compartment.clone()))
        .collect();
    assert!(
        new.contains(&("update".into(), Some(a_id.clone()), Some(a_id.clone()))),
        "{new:?}"
    );
    assert!(
        new.contains(&("create".into(), Some(b_id.clone()), Some(b_id.clone()))),
        "{new:?}"
    );
    assert!(
        new.contains(&(
            "create".into(),
            Some("batched-new".into()),
            Some("batched-new".into())
        )),
        "{new:?}"
    );
    assert_eq!(new.len(), 4, "{new:?}");
    let resp = r.json();
    let e = resp["entry"].as_array().expect("entries");
    let status = |i: usize| {
        e[i]["response"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(status(0).starts_with("200"), "{resp}");
    assert_eq!(e[0]["response"]["etag"], "W/\"2\"");
    assert!(status(1).starts_with("201"), "{resp}");
    assert_eq!(
        e[1]["response"]["etag"], "W/\"3\"",
        "after version 1 and its tombstone"
    );
    assert!(status(2).starts_with("201"), "{resp}");
    assert_eq!(e[2]["response"]["etag"], "W/\"1\"");
    assert!(status(3).starts_with("201"), "{resp}");
    assert_eq!(location_ref(&e[2]), "Patient/batched-new");
    // The Observation's urn:uuid points at the PUT's id.
    let obs = app.get(&format!("/{}", location_ref(&e[3]))).await.json();
    assert_eq!(obs["subject"]["reference"], "Patient/batched-new");
    assert_eq!(
        version_of(&app.get(&format!("/Patient/{a_id}")).await.json()),
        "2"
    );
    assert_eq!(
        app.search_ids("Patient", "family=Renamed").await,
        vec![a_id.clone()]
    );
    assert!(app.search_ids("Patient", "family=Old").await.is_empty());
    assert_eq!(
        app.search_ids("Patient", "family=Back").await,
        vec![b_id.clone()]
    );
    assert_eq!(
        app.get(&format!("/Patient/{a_id}/_history")).await.json()["total"],
        2
    );
    // The same resource twice in one transaction: both versions are written, in order.
    let mut a3 = patient("Third");
    a3["id"] = json!(a_id);
    let mut a4 = patient("Fourth");
    a4["id"] = json!(a_id);
    let r = app
        .post("", &bundle("transaction", vec![put(&a3), put(&a4)]))
        .await;
    r.assert_status(200);
    let resp = r.json();
    assert_eq!(resp["entry"][0]["response"]["etag"], "W/\"3\"", "{resp}");
    assert_eq!(resp["entry"][1]["response"]["etag"], "W/\"4\"", "{resp}");
    assert_eq!(app.search_ids("Patient", "family=Fourth").await, vec![a_id]);
}

/// `Fhir::put_resources` (the services' batch write): all or nothing, duplicates and invalid
/// resources refused with the resource's index, and a version that moves between preparing and
/// storing fails the store (optimistic check) instead of overwriting.
async fn service_batch_writes(app: &TestApp) {
    let caller = ws_fhir_service::Caller::system();
    let mut one = patient("SvcOne");
    one["id"] = json!("svc-one");
    let mut two = patient("SvcTwo");
    two["id"] = json!("svc-two");
    app.fhir
        .put_resources(&caller, &[one.clone(), two.clone()])
        .await
        .expect("stored");
    assert_eq!(version_of(&app.get("/Patient/svc-one").await.json()), "1");
    let before = counts(app).await;
    // A bad resource anywhere: nothing written, the error names it.
    let mut three = patient("SvcThree");
    three["id"] = json!("svc-three");
    let bad = json!({"resourceType": "Patient", "id": "svc-bad", "birthDate": "not-a-date"});
    let err = app
        .fhir
        .put_resources(&caller, &[three.clone(), bad])
        .await
        .expect_err("invalid");
    assert!(err.to_string().contains("Bundle.entry[1]"), "{err}");
    let dup = app
        .fhir
        .put_resources(&caller, &[three.clone(), three.clone()])
        .await
        .expect_err("duplicate");
    assert!(dup.to_string().contains("appears twice"), "{dup}");
    assert_eq!(counts(app).await, before);
    app.get("/Patient/svc-three").await.assert_status(404);
    // Prepared against version 1; someone else writes version 2 first: the store fails.
    one["name"][0]["family"] = json!("SvcOneAgain");
    let prepared = app
        .fhir
        .prepare_puts(&caller, &[one.clone()])
        .await
        .expect("prepared");
    let mut other = patient("SvcOther");
    other["id"] = json!("svc-one");
    app.put("/Patient/svc-one", &other).await.assert_status(200);
    let conflict = app
        .fhir
        .store_puts(&caller, prepared)
        .await
        .expect_err("moved meanwhile");
    assert_eq!(conflict.status(), 409, "{conflict}");
    assert_eq!(
        app.search_ids("Patient", "family=SvcOther").await,
        vec!["svc-one".to_owned()]
    );
    assert!(
        app.search_ids("Patient", "family=SvcOneAgain")
            .await
            .is_empty()
    );
}

both!(
    transaction_of_creates_and_updates,
    service_batch_writes,
    transaction_conditional_entries_are_referenceable,
    transaction_resolves_urn_uuid_references,
    transaction_with_an_invalid_entry_stores_nothing,
    transaction_if_match_conflict_stores_nothing,
    transaction_with_all_methods,
    batch_with_good_and_bad_entries,
    unresolvable_urn_uuid_is_refused,
    malformed_bundles,
);
