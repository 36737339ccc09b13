//! Health check, CapabilityStatement, unknown endpoints, common headers.

use crate::support::TestApp;

async fn healthz(app: &TestApp) {
    let r = app
        .send(app.client.get(format!("{}/healthz", app.base)))
        .await;
    r.assert_status(200);
    assert_eq!(r.text.trim(), "ok");
    // The portal's home sends a visitor who is not signed in to the sign-in page.
    let r = app.send(app.anon.get(format!("{}/", app.base))).await;
    r.assert_status(200);
    assert!(r.text.contains("action=\"/sign-in\""), "{}", r.text);
}

async fn capability_statement(app: &TestApp) {
    let r = app.get("/metadata").await;
    r.assert_status(200);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/fhir+json"))
    );
    let cs = r.json();
    assert_eq!(cs["resourceType"], "CapabilityStatement");
    assert_eq!(cs["fhirVersion"], "4.0.1");
    assert_eq!(cs["kind"], "instance");
    assert_eq!(cs["implementation"]["url"], app.fhir_base.as_str());
    let resources = cs["rest"][0]["resource"]
        .as_array()
        .expect("rest[0].resource");
    let patient = resources
        .iter()
        .find(|r| r["type"] == "Patient")
        .expect("Patient in the CapabilityStatement");
    let params: Vec<&str> = patient["searchParam"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in [
        "birthdate",
        "family",
        "given",
        "identifier",
        "gender",
        "_id",
        "_lastUpdated",
    ] {
        assert!(
            params.contains(&p),
            "Patient search parameter {p} missing: {params:?}"
        );
    }
    let birthdate = patient["searchParam"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "birthdate")
        .unwrap();
    assert_eq!(birthdate["type"], "date");
    assert!(
        patient["searchRevInclude"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "Observation:patient"),
        "{patient}"
    );
    let practitioner = resources
        .iter()
        .find(|r| r["type"] == "Practitioner")
        .unwrap();
    assert!(
        practitioner["searchParam"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "specialty")
    );
    let interactions: Vec<&str> = cs["rest"][0]["interaction"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    for i in ["transaction", "batch", "history-system"] {
        assert!(interactions.contains(&i), "{interactions:?}");
    }
    // Types that cannot be stored are not listed as resources.
    assert!(
        !resources
            .iter()
            .any(|r| r["type"] == "OperationOutcome" || r["type"] == "Bundle")
    );
}

async fn unknown_paths_and_methods(app: &TestApp) {
    let oo = app
        .get("/Patient/1/too/many/segments")
        .await
        .assert_outcome(404, "/Patient/1/too/many/segments");
    assert_eq!(oo["issue"][0]["code"], "not-found");
    let r = app
        .send(
            app.client
                .patch(app.url("/Patient/1"))
                .header("content-type", "application/json-patch+json")
                .body("[]"),
        )
        .await;
    r.assert_outcome(405, "PATCH");
    let r = app.send(app.client.delete(app.url("/metadata"))).await;
    r.assert_outcome(405, "DELETE");
    // Outside /fhir an unknown address gets the portal's 404 page, in the shell and in the
    // visitor's language (issue 13), not a bare status.
    let r = app
        .send(app.client.get(format!("{}/nothing-here", app.base)))
        .await;
    r.assert_status(404);
    let html = reqwest::Client::new()
        .get(format!("{}/nothing-here/at/all?lang=es", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(html.status(), 404);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/html")
    );
    let body = html.text().await.expect("body");
    assert!(body.contains("lang=\"es\""), "{body}");
    assert!(body.contains("No encontramos la página"), "{body}");
    assert!(
        body.contains("class=\"site-footer\""),
        "the page is in the shell"
    );
}

/// BUG (reported): the FHIR base with a trailing slash (`/fhir/`, as many clients spell their
/// base URL) is not routed: a transaction POSTed there gets a bare 404 with an empty body, not
/// the transaction response and not an OperationOutcome.
async fn base_with_trailing_slash(app: &TestApp) {
    let batch = serde_json::json!({"resourceType": "Bundle", "type": "batch", "entry": []});
    let r = app.post("/", &batch).await;
    let ok = r.status == 200 || (r.status == 404 && r.text.contains("OperationOutcome"));
    assert!(
        ok,
        "POST {}/ answered neither the Bundle response nor an OperationOutcome: {}",
        app.fhir_base,
        r.describe()
    );
}

async fn security_headers(app: &TestApp) {
    for path in ["/metadata", "/Patient/nobody"] {
        let r = app.get(path).await;
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            r.header("x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
}

both!(
    healthz,
    capability_statement,
    unknown_paths_and_methods,
    base_with_trailing_slash,
    security_headers
);
