//! The audit trail: who did what to which resource, with what outcome, from where; and the
//! audit table refuses changes on both back ends.

use serde_json::json;
use ws_store::AuditRecord;

use crate::support::{TestApp, patient};

fn with_action<'a>(rows: &'a [AuditRecord], action: &str) -> Vec<&'a AuditRecord> {
    rows.iter().filter(|r| r.action == action).collect()
}

async fn create_leaves_one_create_row(app: &TestApp) {
    let id = app.create_id(patient("Audited")).await;
    let rows = app.audit_rows().await;
    let creates = with_action(&rows, "create");
    assert_eq!(creates.len(), 1, "{rows:#?}");
    let r = creates[0];
    assert_eq!(r.res_type.as_deref(), Some("Patient"));
    assert_eq!(r.res_id.as_deref(), Some(id.as_str()));
    assert_eq!(r.compartment.as_deref(), Some(id.as_str()));
    assert_eq!(r.outcome, "success");
    assert!(
        r.actor.starts_with("app:"),
        "the integration client is the actor: {}",
        r.actor
    );
    assert_eq!(r.source.as_deref(), Some("127.0.0.1"));
    assert!(r.recorded_at > 0);
    // An update and a delete are recorded the same way.
    app.put(
        &format!("/Patient/{id}"),
        &json!({"resourceType": "Patient", "id": id}),
    )
    .await
    .assert_status(200);
    app.delete(&format!("/Patient/{id}"))
        .await
        .assert_status(204);
    let rows = app.audit_rows().await;
    for action in ["update", "delete"] {
        let v = with_action(&rows, action);
        assert_eq!(v.len(), 1, "{action}: {rows:#?}");
        assert_eq!(v[0].res_id.as_deref(), Some(id.as_str()));
        assert_eq!(v[0].outcome, "success");
    }
}

async fn read_leaves_read_row_with_compartment(app: &TestApp) {
    let pid = app.create_id(patient("Reader")).await;
    let oid = app
        .create_id(json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "subject": {"reference": format!("Patient/{pid}")}}))
        .await;
    let before = app.audit_rows().await.len();
    app.get(&format!("/Patient/{pid}")).await.assert_status(200);
    let rows = app.audit_rows().await;
    let new = &rows[before..];
    assert_eq!(new.len(), 1, "{new:#?}");
    let r = &new[0];
    assert_eq!(r.action, "read");
    assert_eq!(r.res_type.as_deref(), Some("Patient"));
    assert_eq!(r.res_id.as_deref(), Some(pid.as_str()));
    assert_eq!(r.compartment.as_deref(), Some(pid.as_str()));
    assert_eq!(r.outcome, "success");
    assert_eq!(r.source.as_deref(), Some("127.0.0.1"));
    // Reading the patient's Observation is recorded in the patient's compartment too.
    app.get(&format!("/Observation/{oid}"))
        .await
        .assert_status(200);
    let rows = app.audit_rows().await;
    let r = rows.last().unwrap();
    assert_eq!(
        (
            r.action.as_str(),
            r.res_id.as_deref(),
            r.compartment.as_deref()
        ),
        ("read", Some(oid.as_str()), Some(pid.as_str()))
    );
    // A search that returns the patient's data records the compartment.
    let before = rows.len();
    app.search("Observation", &format!("patient={pid}")).await;
    let rows = app.audit_rows().await;
    let searches = with_action(&rows[before..], "search");
    assert!(
        searches
            .iter()
            .any(|r| r.compartment.as_deref() == Some(pid.as_str())),
        "{searches:#?}"
    );
    // A failed read is recorded as a failure.
    app.get("/Patient/nobody").await.assert_status(404);
    let rows = app.audit_rows().await;
    let r = rows.last().unwrap();
    assert_eq!(
        (r.action.as_str(), r.res_id.as_deref(), r.outcome.as_str()),
        ("read", Some("nobody"), "failure")
    );
}

async fn failed_create_leaves_one_failure_row(app: &TestApp) {
    app.post_raw("/Patient", "{broken", "application/fhir+json")
        .await
        .assert_status(400);
    let rows = app.audit_rows().await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let r = &rows[0];
    assert_eq!(r.action, "create");
    assert_eq!(r.res_type.as_deref(), Some("Patient"));
    assert_eq!(r.res_id, None);
    assert_eq!(r.outcome, "failure");
    assert!(
        r.actor.starts_with("app:"),
        "the integration client is the actor: {}",
        r.actor
    );
    assert_eq!(r.source.as_deref(), Some("127.0.0.1"));
    assert!(
        r.detail.as_deref().is_some_and(|d| d.contains("JSON")),
        "the reason is kept: {r:?}"
    );
}

async fn rolled_back_transaction_records_only_the_failure(app: &TestApp) {
    let b = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": patient("Rolled"), "request": {"method": "POST", "url": "Patient"}},
        {"resource": {"resourceType": "Patient", "id": "a"}, "request": {"method": "PUT", "url": "Patient/b"}},
    ]});
    app.post("", &b).await.assert_status(400);
    let rows = app.audit_rows().await;
    assert!(
        rows.iter().all(|r| r.outcome != "success"),
        "a rolled-back write left a success record: {rows:#?}"
    );
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].action, "transaction");
    assert_eq!(rows[0].outcome, "failure");
}

async fn audit_log_is_append_only(app: &TestApp) {
    app.create(patient("Immutable")).await;
    app.get("/Patient?_summary=count").await.assert_status(200);
    let before = app.audit_rows().await;
    assert!(before.len() >= 2);
    for sql in [
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET outcome = 'success' WHERE action = 'create'",
    ] {
        let mut tx = app.store.begin().await.expect("begin");
        let res = tx.execute(sql, &[]).await;
        assert!(
            res.is_err(),
            "{sql} was allowed on {:?} (changed {:?} rows)",
            app.backend,
            res.ok()
        );
        drop(tx);
    }
    if app.backend == crate::support::Backend::Postgres {
        let mut tx = app.store.begin().await.expect("begin");
        assert!(
            tx.execute("TRUNCATE audit_log", &[]).await.is_err(),
            "TRUNCATE audit_log was allowed"
        );
        drop(tx);
    }
    let after = app.audit_rows().await;
    assert_eq!(after, before, "the audit log changed");
}

both!(
    create_leaves_one_create_row,
    read_leaves_read_row_with_compartment,
    failed_create_leaves_one_failure_row,
    rolled_back_transaction_records_only_the_failure,
    audit_log_is_append_only,
);
