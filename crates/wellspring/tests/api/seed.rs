//! The synthetic region loads through the public import path and is explorable over the API.

use serde_json::Value;
use ws_interop::Caller;
use ws_interop::bulk::{ImportItem, ImportReport};
use ws_synthetic::SeedConfig;

use crate::support::TestApp;

both!(generated_region_loads_and_links_up);

/// Generate a small region, load it through `import_batches` (validation, indexing, audit),
/// and check that nothing is rejected and that its records are reachable by search.
async fn generated_region_loads_and_links_up(app: &TestApp) {
    let cfg = SeedConfig::new(25, 11);
    let mut items = Vec::new();
    let summary = ws_synthetic::generate(&cfg, &mut |v: Value| {
        let n = items.len() as u64 + 1;
        items.push(ImportItem::value(n, v));
        Ok::<(), ()>(())
    })
    .expect("generate");
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    for chunk in items.chunks(500) {
        let batch: Vec<ImportItem> = chunk
            .iter()
            .map(|i| ImportItem::value(i.line, i.value.clone().expect("value")))
            .collect();
        tx.send(batch).await.expect("send");
    }
    drop(tx);
    let mut report = ImportReport::default();
    app.fhir
        .import_batches(&Caller::system(), "seed", rx, &mut report)
        .await
        .expect("import");
    assert!(
        report.rejected.is_empty(),
        "{:#?}",
        report.rejected.iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(report.loaded, summary.resources);
    assert_eq!(app.count("Patient").await, 25);
    assert_eq!(
        app.count("Patient").await as u64,
        summary.by_type.get("Patient").copied().unwrap_or(0)
    );

    // A demo member's record is reachable: observations by patient, coverage by beneficiary.
    let demo = ws_synthetic::demo_members(&cfg);
    let someone = demo.first().expect("a demo member");
    let p = app.get(&format!("/Patient/{}", someone.patient_id)).await;
    p.assert_status(200);
    assert_eq!(p.json()["birthDate"], someone.birth_date.as_str());
    let cov = app
        .search(
            "Coverage",
            &format!("beneficiary=Patient/{}", someone.patient_id),
        )
        .await;
    assert!(cov["total"].as_i64().unwrap_or(0) >= 1, "{cov}");
    // Every Observation belongs to a patient that exists (references resolve through the API).
    let obs = app
        .search("Observation", "_count=50&_include=Observation:patient")
        .await;
    let entries = obs["entry"].as_array().cloned().unwrap_or_default();
    let matched: Vec<&Value> = entries
        .iter()
        .filter(|e| e["search"]["mode"] == "match")
        .collect();
    assert!(!matched.is_empty());
    for e in matched {
        let subject = e["resource"]["subject"]["reference"]
            .as_str()
            .expect("subject");
        let included = entries.iter().any(|x| {
            x["search"]["mode"] == "include"
                && format!(
                    "Patient/{}",
                    x["resource"]["id"].as_str().unwrap_or_default()
                ) == subject
        });
        assert!(included, "{subject} not included");
    }
}
