//! Bad input: every refusal is the right 4xx with an OperationOutcome that says precisely what
//! and where, and nothing is stored.

use serde_json::json;

use crate::support::{Resp, TestApp, outcome_expressions, patient};

/// Counts of the types these tests could accidentally write.
async fn counts(app: &TestApp) -> (i64, i64) {
    (app.count("Patient").await, app.count("Observation").await)
}

/// Assert a validation refusal (400 or 422) whose issues name `expression`.
#[track_caller]
fn assert_invalid_at(r: &Resp, expression: &str, diagnostics_needle: &str) {
    assert!(
        r.status == 400 || r.status == 422,
        "expected 400/422: {}",
        r.describe()
    );
    let oo = r.assert_outcome(r.status, diagnostics_needle);
    let exprs = outcome_expressions(&oo);
    assert!(
        exprs.iter().any(|e| e == expression),
        "no issue at {expression}; expressions {exprs:?}: {}",
        r.describe()
    );
}

async fn malformed_json(app: &TestApp) {
    app.create(patient("Existing")).await;
    let before = counts(app).await;
    let r = app
        .post_raw(
            "/Patient",
            r#"{"resourceType": "Patient", "name": [{"family": "X"}"#,
            "application/fhir+json",
        )
        .await;
    let oo = r.assert_outcome(400, "Invalid JSON");
    assert!(
        crate::support::outcome_text(&oo).contains("line 1"),
        "the position is reported: {oo}"
    );
    let r = app
        .post_raw("/Patient", "not json at all", "application/fhir+json")
        .await;
    r.assert_outcome(400, "Invalid JSON");
    let r = app.post_raw("/Patient", "", "application/fhir+json").await;
    r.assert_outcome(400, "JSON");
    // The same through PUT.
    app.put_with("/Patient/x", &json!(null), &[])
        .await
        .assert_outcome(400, "JSON object");
    assert_eq!(counts(app).await, before);
}

async fn utf8_bom_is_accepted(app: &TestApp) {
    let body = format!("\u{feff}{}", patient("Bom"));
    let r = app
        .post_raw("/Patient", body, "application/fhir+json")
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["name"][0]["family"], "Bom");
    assert_eq!(app.count("Patient").await, 1);
}

async fn json_array_and_non_objects(app: &TestApp) {
    let before = counts(app).await;
    app.post_raw(
        "/Patient",
        r#"[{"resourceType": "Patient"}]"#,
        "application/fhir+json",
    )
    .await
    .assert_outcome(400, "an array");
    app.post_raw("/Patient", "42", "application/json")
        .await
        .assert_outcome(400, "a number");
    app.post_raw(
        "/Patient",
        r#"{"name": [{"family": "NoType"}]}"#,
        "application/fhir+json",
    )
    .await
    .assert_outcome(400, "resourceType");
    app.post_raw(
        "/Patient",
        r#"{"resourceType": 7}"#,
        "application/fhir+json",
    )
    .await
    .assert_outcome(400, "resourceType");
    assert_eq!(counts(app).await, before);
}

async fn unknown_resource_type_in_body(app: &TestApp) {
    let before = counts(app).await;
    let r = app
        .post("/Patient", &json!({"resourceType": "Patiant"}))
        .await;
    let oo = r.assert_outcome(400, "Patiant");
    assert!(
        crate::support::outcome_text(&oo).contains("did you mean 'Patient'"),
        "{oo}"
    );
    assert!(
        outcome_expressions(&oo)
            .iter()
            .any(|e| e.contains("resourceType")),
        "{oo}"
    );
    assert_eq!(counts(app).await, before);
}

async fn body_type_differs_from_url(app: &TestApp) {
    let before = counts(app).await;
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"}}),
        )
        .await;
    let oo = r.assert_outcome(400, "Observation");
    assert!(
        crate::support::outcome_text(&oo).contains("Patient"),
        "{oo}"
    );
    let r = app.put("/Patient/abc", &json!({"resourceType": "Observation", "id": "abc", "status": "final", "code": {"text": "x"}})).await;
    r.assert_outcome(400, "Observation");
    assert_eq!(counts(app).await, before);
    app.get("/Observation/abc").await.assert_status(404);
}

async fn unknown_type_in_url_on_read(app: &TestApp) {
    app.get("/Foo").await.assert_outcome(404, "Foo");
    app.get("/Foo/1").await.assert_outcome(404, "Foo");
    app.get("/Foo/1/_history/1")
        .await
        .assert_outcome(404, "Foo");
    app.delete("/Foo/1").await.assert_outcome(404, "Foo");
    // Lower-case spelling of a real type is not that type.
    app.get("/patient").await.assert_outcome(404, "patient");
}

/// BUG (reported): a write to an unknown resource type in the URL answers 400 ("the resource is
/// a Patient but the URL is for Foo") instead of 404 as reads and deletes do (FHIR: 404 for a
/// resource type the server does not support).
async fn unknown_type_in_url_on_write(app: &TestApp) {
    let before = counts(app).await;
    let r = app.post("/Foo", &patient("Nowhere")).await;
    assert_eq!(r.status, 404, "POST /Foo: {}", r.describe());
    let r = app
        .put("/Foo/1", &json!({"resourceType": "Patient", "id": "1"}))
        .await;
    assert_eq!(r.status, 404, "PUT /Foo/1: {}", r.describe());
    assert_eq!(counts(app).await, before);
}

async fn wrong_data_type(app: &TestApp) {
    let before = counts(app).await;
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "birthDate": 123}),
        )
        .await;
    assert_invalid_at(&r, "Patient.birthDate", "");
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "name": {"family": "NotAnArray"}}),
        )
        .await;
    assert_invalid_at(&r, "Patient.name", "");
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "active": "yes"}),
        )
        .await;
    assert_invalid_at(&r, "Patient.active", "");
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "name": [{"given": ["A", 5]}]}),
        )
        .await;
    assert_invalid_at(&r, "Patient.name[0].given[1]", "");
    assert_eq!(counts(app).await, before);
}

async fn unknown_element(app: &TestApp) {
    let before = counts(app).await;
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "favouriteColour": "blue"}),
        )
        .await;
    assert_invalid_at(&r, "Patient.favouriteColour", "favouriteColour");
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "name": [{"family": "X", "middle": "Y"}]}),
        )
        .await;
    assert_invalid_at(&r, "Patient.name[0].middle", "middle");
    assert_eq!(counts(app).await, before);
}

async fn empty_and_null_values(app: &TestApp) {
    let before = counts(app).await;
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "gender": ""}),
        )
        .await;
    assert_invalid_at(&r, "Patient.gender", "");
    let r = app
        .post("/Patient", &json!({"resourceType": "Patient", "name": []}))
        .await;
    assert_invalid_at(&r, "Patient.name", "");
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "gender": null}),
        )
        .await;
    assert_invalid_at(&r, "Patient.gender", "null");
    assert_eq!(counts(app).await, before);
}

async fn invalid_values(app: &TestApp) {
    let before = counts(app).await;
    for bad in ["1990-13-01", "1990-02-30", "19900101", "yesterday"] {
        let r = app
            .post(
                "/Patient",
                &json!({"resourceType": "Patient", "birthDate": bad}),
            )
            .await;
        assert_invalid_at(&r, "Patient.birthDate", "");
    }
    let r = app
        .post(
            "/Patient",
            &json!({"resourceType": "Patient", "gender": "sometimes"}),
        )
        .await;
    assert_invalid_at(&r, "Patient.gender", "");
    // A required element missing (Observation.status).
    let r = app
        .post(
            "/Observation",
            &json!({"resourceType": "Observation", "code": {"text": "x"}}),
        )
        .await;
    assert_invalid_at(&r, "Observation.status", "");
    assert_eq!(counts(app).await, before);
}

async fn id_mismatch_and_missing_id_on_put(app: &TestApp) {
    let id = app.create_id(patient("Keep")).await;
    let before = counts(app).await;
    let r = app
        .put(
            &format!("/Patient/{id}"),
            &json!({"resourceType": "Patient", "id": "other-id", "name": [{"family": "Changed"}]}),
        )
        .await;
    assert_invalid_at(&r, "Patient.id", "other-id");
    let r = app
        .put(
            &format!("/Patient/{id}"),
            &json!({"resourceType": "Patient", "name": [{"family": "Changed"}]}),
        )
        .await;
    assert_invalid_at(&r, "Patient.id", "id");
    let r = app
        .put("/Patient/brand-new", &json!({"resourceType": "Patient"}))
        .await;
    assert_invalid_at(&r, "Patient.id", "id");
    // An invalid update leaves the resource as it was.
    let r = app
        .put(
            &format!("/Patient/{id}"),
            &json!({"resourceType": "Patient", "id": id, "birthDate": 1}),
        )
        .await;
    assert_invalid_at(&r, "Patient.birthDate", "");
    assert_eq!(counts(app).await, before);
    let cur = app.get(&format!("/Patient/{id}")).await;
    assert_eq!(cur.header("etag").as_deref(), Some("W/\"1\""));
    assert_eq!(cur.json()["name"][0]["family"], "Keep");
    app.get("/Patient/other-id").await.assert_status(404);
    app.get("/Patient/brand-new").await.assert_status(404);
}

async fn oversize_body(app: &TestApp) {
    let before = counts(app).await;
    // 17 MiB of valid JSON: the limit is 16 MiB.
    let filler = "a".repeat(17 * 1024 * 1024);
    let body = format!(r#"{{"resourceType": "Patient", "name": [{{"text": "{filler}"}}]}}"#);
    let r = app
        .post_raw("/Patient", body, "application/fhir+json")
        .await;
    r.assert_outcome(413, "limit");
    assert_eq!(counts(app).await, before);
}

async fn wrong_content_type(app: &TestApp) {
    let id = app.create_id(patient("Typed")).await;
    let before = counts(app).await;
    let body = patient("Text").to_string();
    app.post_raw("/Patient", body.clone(), "text/plain")
        .await
        .assert_outcome(415, "text/plain");
    app.post_raw("/Patient", body.clone(), "application/xml")
        .await
        .assert_outcome(415, "application/xml");
    let r = app
        .send(
            app.client
                .put(app.url(&format!("/Patient/{id}")))
                .header("content-type", "application/fhir+xml")
                .body(json!({"resourceType": "Patient", "id": id}).to_string()),
        )
        .await;
    r.assert_outcome(415, "application/fhir+xml");
    app.post_raw(
        "",
        json!({"resourceType": "Bundle", "type": "batch"}).to_string(),
        "text/plain",
    )
    .await
    .assert_status(415);
    assert_eq!(counts(app).await, before);
    assert_eq!(
        app.get(&format!("/Patient/{id}"))
            .await
            .header("etag")
            .as_deref(),
        Some("W/\"1\"")
    );
    // application/json is accepted as well as application/fhir+json.
    app.post_raw("/Patient", body, "application/json")
        .await
        .assert_status(201);
}

async fn unsupported_formats(app: &TestApp) {
    let id = app.create_id(patient("Format")).await;
    let before = counts(app).await;
    app.get(&format!("/Patient/{id}?_format=xml"))
        .await
        .assert_outcome(406, "xml");
    app.get("/Patient?_format=application/fhir%2Bxml")
        .await
        .assert_outcome(406, "xml");
    app.get("/metadata?_format=xml")
        .await
        .assert_outcome(406, "xml");
    app.post("/Patient?_format=xml", &patient("Xml"))
        .await
        .assert_outcome(406, "xml");
    app.get_with(
        &format!("/Patient/{id}"),
        &[("accept", "application/fhir+xml")],
    )
    .await
    .assert_outcome(406, "application/fhir+xml");
    assert_eq!(counts(app).await, before);
    // JSON spellings are fine; _pretty indents.
    app.get(&format!("/Patient/{id}?_format=json"))
        .await
        .assert_status(200);
    app.get(&format!("/Patient/{id}?_format=application/fhir%2Bjson"))
        .await
        .assert_status(200);
    app.get_with(
        &format!("/Patient/{id}"),
        &[("accept", "application/fhir+json")],
    )
    .await
    .assert_status(200);
    let pretty = app.get(&format!("/Patient/{id}?_pretty=true")).await;
    pretty.assert_status(200);
    assert!(
        pretty.text.contains("\n  \""),
        "_pretty=true is not indented: {}",
        pretty.text
    );
}

both!(
    malformed_json,
    utf8_bom_is_accepted,
    json_array_and_non_objects,
    unknown_resource_type_in_body,
    body_type_differs_from_url,
    unknown_type_in_url_on_read,
    unknown_type_in_url_on_write,
    wrong_data_type,
    unknown_element,
    empty_and_null_values,
    invalid_values,
    id_mismatch_and_missing_id_on_put,
    oversize_body,
    wrong_content_type,
    unsupported_formats,
);
