//! Bulk Data: `$export` through HTTP (kick-off, status, manifest, files) and import of NDJSON
//! and Bundle files through the FHIR service.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde_json::{Value, json};
use ws_fhir_service::Caller;
use ws_fhir_service::bulk::ImportReport;

use crate::support::{TestApp, patient, version_of};

const ASYNC: (&str, &str) = ("prefer", "respond-async");

/// Two patients, three observations, one organization.
async fn seed(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let org = app
        .create_id(json!({"resourceType": "Organization", "name": "Shared Clinic"}))
        .await;
    let mut pats = Vec::new();
    for f in ["Exp-A", "Exp-B"] {
        pats.push(
            app.create_id(json!({"resourceType": "Patient", "name": [{"family": f}], "managingOrganization": {"reference": format!("Organization/{org}")}}))
                .await,
        );
    }
    let mut obs = Vec::new();
    for (i, p) in [&pats[0], &pats[0], &pats[1]].iter().enumerate() {
        obs.push(
            app.create_id(json!({"resourceType": "Observation", "status": "final", "code": {"text": format!("o{i}")}, "subject": {"reference": format!("Patient/{p}")}}))
                .await,
        );
    }
    (pats, obs)
}

/// Kick off an export (asserting 202) and wait for its manifest.
async fn export(app: &TestApp, path: &str) -> Value {
    let r = app.get_with(path, &[ASYNC]).await;
    r.assert_status(202);
    let status_url = r
        .header("content-location")
        .expect("Content-Location on the kick-off response");
    assert!(
        status_url.starts_with(&format!("{}/$export-status/", app.fhir_base)),
        "{status_url}"
    );
    let manifest = app.wait_export(&status_url).await;
    assert!(
        manifest["transactionTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{manifest}"
    );
    assert!(
        manifest["request"]
            .as_str()
            .is_some_and(|u| u.contains("$export")),
        "{manifest}"
    );
    assert_eq!(manifest["requiresAccessToken"], true);
    assert!(
        manifest["error"].as_array().is_some_and(Vec::is_empty),
        "{manifest}"
    );
    manifest
}

/// type → (count, url) of a manifest's output.
fn outputs(manifest: &Value) -> BTreeMap<String, (u64, String)> {
    manifest["output"]
        .as_array()
        .expect("output array")
        .iter()
        .map(|o| {
            (
                o["type"].as_str().unwrap().to_owned(),
                (
                    o["count"].as_u64().unwrap(),
                    o["url"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

/// Download an NDJSON file; every line must parse and be of `res_type`. Returns the ids.
async fn download(app: &TestApp, url: &str, res_type: &str) -> Vec<String> {
    let r = app.get(url).await;
    r.assert_status(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/fhir+ndjson")
    );
    let mut ids = Vec::new();
    for (i, line) in r.text.lines().enumerate() {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{url} line {}: not JSON ({e}): {line}", i + 1));
        assert_eq!(v["resourceType"], res_type, "{url} line {}", i + 1);
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    assert!(r.text.ends_with('\n'), "NDJSON ends with a newline");
    ids.sort();
    ids
}

async fn export_requires_respond_async(app: &TestApp) {
    app.get("/$export")
        .await
        .assert_outcome(400, "respond-async");
    app.get("/Patient/$export")
        .await
        .assert_outcome(400, "respond-async");
    app.get_with("/$export?_outputFormat=text/csv", &[ASYNC])
        .await
        .assert_outcome(400, "_outputFormat");
    app.get_with("/$export?_since=whenever", &[ASYNC])
        .await
        .assert_outcome(400, "_since");
    app.get_with("/$export?_type=Nonsense", &[ASYNC])
        .await
        .assert_outcome(400, "Nonsense");
    app.get_with("/$export?_elements=id", &[ASYNC])
        .await
        .assert_outcome(400, "_elements");
    app.get("/$export-status/no-such-job")
        .await
        .assert_status(404);
    app.get("/$export-file/no-such-job/Patient.ndjson")
        .await
        .assert_status(404);
}

async fn system_export_round_trip(app: &TestApp) {
    let (pats, obs) = seed(app).await;
    // A deleted resource is not exported.
    let gone = app.create_id(patient("Deleted")).await;
    app.delete(&format!("/Patient/{gone}"))
        .await
        .assert_status(204);
    let manifest = export(app, "/$export").await;
    let out = outputs(&manifest);
    assert_eq!(
        out.keys().cloned().collect::<Vec<_>>(),
        ["Observation", "Organization", "Patient"],
        "{manifest}"
    );
    assert_eq!(out["Patient"].0, 2);
    assert_eq!(out["Observation"].0, 3);
    assert_eq!(out["Organization"].0, 1);
    let mut want_p = pats.clone();
    want_p.sort();
    let mut want_o = obs.clone();
    want_o.sort();
    assert_eq!(download(app, &out["Patient"].1, "Patient").await, want_p);
    assert_eq!(
        download(app, &out["Observation"].1, "Observation").await,
        want_o
    );
    assert_eq!(
        download(app, &out["Organization"].1, "Organization")
            .await
            .len(),
        1
    );
    // The job can be deleted; then it is gone.
    let status_url = {
        let r = app.get_with("/$export?_type=Patient", &[ASYNC]).await;
        r.assert_status(202);
        r.header("content-location").unwrap()
    };
    let m = app.wait_export(&status_url).await;
    let file_url = outputs(&m)["Patient"].1.clone();
    let r = app.send(app.client.delete(&status_url)).await;
    r.assert_status(202);
    app.get(&status_url).await.assert_status(404);
    app.get(&file_url).await.assert_status(404);
    // Downloads of other names are refused.
    let job = status_url.rsplit('/').next().unwrap().to_owned();
    app.get(&format!("/$export-file/{job}/..%2F..%2Fwellspring.db"))
        .await
        .assert_status(404);
}

async fn export_type_filter(app: &TestApp) {
    let (pats, _) = seed(app).await;
    let manifest = export(app, "/$export?_type=Patient").await;
    let out = outputs(&manifest);
    assert_eq!(
        out.keys().cloned().collect::<Vec<_>>(),
        ["Patient"],
        "{manifest}"
    );
    assert_eq!(out["Patient"].0, 2);
    let mut want = pats.clone();
    want.sort();
    assert_eq!(download(app, &out["Patient"].1, "Patient").await, want);
    let manifest = export(app, "/$export?_type=Observation,Organization").await;
    assert_eq!(
        outputs(&manifest).keys().cloned().collect::<Vec<_>>(),
        ["Observation", "Organization"]
    );
}

async fn patient_export_excludes_shared_resources(app: &TestApp) {
    seed(app).await;
    let manifest = export(app, "/Patient/$export").await;
    let out = outputs(&manifest);
    assert_eq!(
        out.keys().cloned().collect::<Vec<_>>(),
        ["Observation", "Patient"],
        "{manifest}"
    );
    assert_eq!(out["Patient"].0, 2);
    assert_eq!(out["Observation"].0, 3);
    // Asking for a shared type explicitly gives nothing either.
    let manifest = export(app, "/Patient/$export?_type=Organization,Patient").await;
    assert_eq!(
        outputs(&manifest).keys().cloned().collect::<Vec<_>>(),
        ["Patient"],
        "{manifest}"
    );
}

async fn export_since(app: &TestApp) {
    seed(app).await;
    let manifest = export(app, "/$export?_since=2999-01-01T00:00:00Z").await;
    assert!(
        manifest["output"].as_array().unwrap().is_empty(),
        "{manifest}"
    );
    // _since between two writes: only the later one.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let late = app.create(patient("Late")).await;
    let since = late["meta"]["lastUpdated"].as_str().unwrap();
    let manifest = export(
        app,
        &format!("/$export?_since={}", crate::support::enc(since)),
    )
    .await;
    let out = outputs(&manifest);
    assert_eq!(
        out.keys().cloned().collect::<Vec<_>>(),
        ["Patient"],
        "{manifest}"
    );
    assert_eq!(
        download(app, &out["Patient"].1, "Patient").await,
        vec![late["id"].as_str().unwrap().to_owned()]
    );
}

fn write_file(app: &TestApp, name: &str, content: &str) -> PathBuf {
    let dir = app.dir.join("import");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Import files through the FHIR service (as `wellspring import` does). When every file could be
/// read to its end, the progress counter must have reached the files' total size.
async fn import(app: &TestApp, files: &[PathBuf]) -> ImportReport {
    let bytes = Arc::new(AtomicU64::new(0));
    let rep = app
        .fhir
        .import_files(&Caller::system(), files, bytes.clone())
        .await
        .expect("import_files");
    if rep.rejected.iter().all(|r| r.line > 0) {
        let total: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).unwrap().len())
            .sum();
        assert_eq!(
            bytes.load(std::sync::atomic::Ordering::Relaxed),
            total,
            "bytes_read counts the whole input"
        );
    }
    rep
}

async fn import_ndjson_reports_bad_lines(app: &TestApp) {
    let lines = [
        json!({"resourceType": "Patient", "id": "imp-1", "name": [{"family": "Imported"}]}).to_string(),
        r#"{"resourceType": "Patient", "id": "imp-broken", "#.to_owned(),
        String::new(),
        json!({"resourceType": "Patient", "id": "imp-invalid", "birthDate": 123}).to_string(),
        json!({"resourceType": "Observation", "id": "imp-obs-1", "status": "final", "code": {"text": "x"}, "subject": {"reference": "Patient/imp-1"}}).to_string(),
        "   ".to_owned(),
        json!({"resourceType": "Nonsense", "id": "imp-nonsense"}).to_string(),
        json!({"resourceType": "Patient", "name": [{"family": "NoId"}]}).to_string(),
    ];
    let f = write_file(app, "data.ndjson", &(lines.join("\n") + "\n"));
    let rep = import(app, std::slice::from_ref(&f)).await;
    assert_eq!(rep.loaded, 3, "{rep:#?}");
    assert_eq!(rep.by_type.get("Patient"), Some(&2));
    assert_eq!(rep.by_type.get("Observation"), Some(&1));
    let mut rejected: Vec<u64> = rep.rejected.iter().map(|r| r.line).collect();
    rejected.sort_unstable();
    assert_eq!(rejected, [2, 4, 7], "{rep:#?}");
    for r in &rep.rejected {
        assert_eq!(r.file, f.display().to_string());
        assert!(!r.reason.is_empty());
    }
    let reason = |line: u64| {
        rep.rejected
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .reason
            .clone()
    };
    assert!(reason(2).contains("JSON"), "{}", reason(2));
    assert!(reason(4).contains("birthDate"), "{}", reason(4));
    assert!(reason(7).contains("Nonsense"), "{}", reason(7));
    // Stored: the good ones, searchable and indexed; the bad ones not at all.
    let p = app.get("/Patient/imp-1").await;
    p.assert_status(200);
    assert_eq!(version_of(&p.json()), "1");
    app.get("/Observation/imp-obs-1").await.assert_status(200);
    assert_eq!(
        app.search_ids("Observation", "patient=imp-1").await,
        vec!["imp-obs-1".to_owned()]
    );
    assert_eq!(app.search_ids("Patient", "family=noid").await.len(), 1);
    app.get("/Patient/imp-broken").await.assert_status(404);
    app.get("/Patient/imp-invalid").await.assert_status(404);
    assert_eq!(app.count("Patient").await, 2);
    // The import is in the audit log.
    let rows = app.audit_rows().await;
    assert!(
        rows.iter()
            .any(|r| r.action == "import" && r.actor == "system" && r.outcome == "success"),
        "{rows:#?}"
    );
}

async fn import_bundle_files(app: &TestApp) {
    let collection = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "id": "bun-1", "name": [{"family": "Bundled"}]}},
        {"resource": {"resourceType": "Patient", "id": "bun-2", "birthDate": "1970-01-01"}},
        {"resource": {"resourceType": "Patient", "id": "bun-bad", "birthDate": "1970-13-01"}},
        {"request": {"method": "GET", "url": "Patient"}},
    ]});
    let transaction = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": {"resourceType": "Organization", "id": "bun-org", "name": "Org"}, "request": {"method": "PUT", "url": "Organization/bun-org"}},
    ]});
    let f1 = write_file(
        app,
        "collection.json",
        &serde_json::to_string_pretty(&collection).unwrap(),
    );
    let f2 = write_file(
        app,
        "transaction.json",
        &serde_json::to_string_pretty(&transaction).unwrap(),
    );
    let rep = import(app, &[f1, f2]).await;
    assert_eq!(rep.loaded, 3, "{rep:#?}");
    let mut rejected: Vec<u64> = rep.rejected.iter().map(|r| r.line).collect();
    rejected.sort_unstable();
    assert_eq!(
        rejected,
        [2, 3],
        "entries 2 (invalid) and 3 (no resource) are rejected: {rep:#?}"
    );
    assert_eq!(
        app.get("/Patient/bun-1").await.json()["name"][0]["family"],
        "Bundled"
    );
    app.get("/Patient/bun-2").await.assert_status(200);
    app.get("/Organization/bun-org").await.assert_status(200);
    app.get("/Patient/bun-bad").await.assert_status(404);
    // A single resource file (not a Bundle) is imported too.
    let f3 = write_file(
        app,
        "one.json",
        &serde_json::to_string_pretty(&json!({"resourceType": "Patient", "id": "single"})).unwrap(),
    );
    let rep = import(app, &[f3]).await;
    assert_eq!(rep.loaded, 1, "{rep:#?}");
    app.get("/Patient/single").await.assert_status(200);
    // A file that is neither: reported, nothing stored.
    let f4 = write_file(
        app,
        "garbage.json",
        "{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [ oops",
    );
    let rep = import(app, &[f4]).await;
    assert_eq!(rep.loaded, 0);
    assert_eq!(rep.rejected.len(), 1, "{rep:#?}");
}

async fn import_twice_makes_version_2(app: &TestApp) {
    let lines = [
        json!({"resourceType": "Patient", "id": "twice-1", "gender": "female"}).to_string(),
        json!({"resourceType": "Patient", "id": "twice-2", "gender": "male"}).to_string(),
    ];
    let f = write_file(app, "twice.ndjson", &lines.join("\n"));
    let rep = import(app, std::slice::from_ref(&f)).await;
    assert_eq!(rep.loaded, 2);
    let rep = import(app, std::slice::from_ref(&f)).await;
    assert_eq!(rep.loaded, 2, "{rep:#?}");
    assert!(rep.rejected.is_empty(), "{rep:#?}");
    for id in ["twice-1", "twice-2"] {
        let r = app.get(&format!("/Patient/{id}")).await;
        r.assert_status(200);
        assert_eq!(version_of(&r.json()), "2", "{id}");
        assert_eq!(r.header("etag").as_deref(), Some("W/\"2\""));
        assert_eq!(
            app.get(&format!("/Patient/{id}/_history")).await.json()["total"],
            2
        );
    }
    assert_eq!(app.count("Patient").await, 2);
    assert_eq!(
        app.search_ids("Patient", "gender=female").await,
        vec!["twice-1".to_owned()]
    );
    // The same id twice in one file: two versions.
    let dup = [
        json!({"resourceType": "Patient", "id": "dup", "gender": "female"}).to_string(),
        json!({"resourceType": "Patient", "id": "dup", "gender": "male"}).to_string(),
    ];
    let f = write_file(app, "dup.ndjson", &dup.join("\n"));
    let rep = import(app, &[f]).await;
    assert_eq!(rep.loaded, 2, "{rep:#?}");
    let r = app.get("/Patient/dup").await.json();
    assert_eq!(version_of(&r), "2");
    assert_eq!(r["gender"], "male");
    assert_eq!(
        app.search_ids("Patient", "gender=male").await,
        sorted_ids(&["dup", "twice-2"])
    );
}

fn sorted_ids(ids: &[&str]) -> Vec<String> {
    crate::support::sorted(ids)
}

/// BUG (reported): an NDJSON file whose FIRST line is malformed is taken for a (broken) JSON
/// document and rejected whole (one rejection, line 0): its good lines are lost, although a bad
/// line anywhere else is rejected alone.
async fn import_ndjson_with_a_bad_first_line(app: &TestApp) {
    let lines = [
        r#"{"resourceType": "Patient", "id": "first-broken", "#.to_owned(),
        json!({"resourceType": "Patient", "id": "after-1"}).to_string(),
        json!({"resourceType": "Patient", "id": "after-2"}).to_string(),
    ];
    let f = write_file(app, "bad-first.ndjson", &(lines.join("\n") + "\n"));
    let rep = import(app, &[f]).await;
    let rejected: Vec<u64> = rep.rejected.iter().map(|r| r.line).collect();
    assert_eq!((rep.loaded, rejected), (2, vec![1]), "{rep:#?}");
    app.get("/Patient/after-1").await.assert_status(200);
}

/// BUG (reported): `_type=Patient,Patient` writes Patient.ndjson twice and lists it twice in
/// the manifest, so a client downloads and counts it twice.
async fn export_duplicate_types_listed_once(app: &TestApp) {
    seed(app).await;
    let manifest = export(app, "/$export?_type=Patient,Patient").await;
    let types: Vec<&str> = manifest["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["type"].as_str())
        .collect();
    assert_eq!(types, ["Patient"], "{manifest}");
}

/// Issue 12, finding 10: one invalid UTF-8 byte on line 5,001 of a 10,001-line file used to stop
/// the read there (4,000 loaded, the rest dropped, "rejected 1" at line 0). Now that line alone
/// is rejected, with its number and reason, and all 10,000 others load.
async fn import_bad_byte_rejects_one_line(app: &TestApp) {
    let mut bytes = Vec::new();
    for i in 1..=10_001u32 {
        if i == 5_001 {
            bytes.extend_from_slice(b"{\"resourceType\": \"Patient\", \"id\": \"bad\xff\"}\n");
        } else {
            bytes.extend_from_slice(
                json!({"resourceType": "Patient", "id": format!("p{i}")})
                    .to_string()
                    .as_bytes(),
            );
            bytes.push(b'\n');
        }
    }
    let dir = app.dir.join("import");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad-byte.ndjson");
    std::fs::write(&f, &bytes).unwrap();
    let rep = import(app, &[f]).await;
    assert_eq!(rep.loaded, 10_000, "{:?}", rep.rejected);
    assert_eq!(rep.rejected.len(), 1, "{:?}", rep.rejected);
    assert_eq!(rep.rejected[0].line, 5_001);
    assert!(
        rep.rejected[0].reason.contains("UTF-8"),
        "{}",
        rep.rejected[0].reason
    );
    app.get("/Patient/p10001").await.assert_status(200);
    app.get("/Patient/p5000").await.assert_status(200);
}

/// Finding 10, the oversize half: a line longer than the per-resource limit is rejected alone
/// (skipped while reading, never held whole), the lines around it load.
async fn import_oversize_line_rejects_one_line(app: &TestApp) {
    let big = "x".repeat(ws_fhir_service::bulk::MAX_LINE_BYTES + 10);
    let lines = [
        json!({"resourceType": "Patient", "id": "before"}).to_string(),
        json!({"resourceType": "Patient", "id": "huge", "name": [{"text": big}]}).to_string(),
        json!({"resourceType": "Patient", "id": "after"}).to_string(),
    ];
    let f = write_file(app, "oversize.ndjson", &(lines.join("\n") + "\n"));
    let rep = import(app, &[f]).await;
    let rejected: Vec<u64> = rep.rejected.iter().map(|r| r.line).collect();
    assert_eq!((rep.loaded, rejected), (2, vec![2]), "{:?}", rep.rejected);
    assert!(
        rep.rejected[0].reason.contains("longer than"),
        "{}",
        rep.rejected[0].reason
    );
    app.get("/Patient/after").await.assert_status(200);
}

both!(
    import_bad_byte_rejects_one_line,
    import_oversize_line_rejects_one_line,
    import_ndjson_with_a_bad_first_line,
    export_duplicate_types_listed_once,
    export_requires_respond_async,
    system_export_round_trip,
    export_type_filter,
    patient_export_excludes_shared_resources,
    export_since,
    import_ndjson_reports_bad_lines,
    import_bundle_files,
    import_twice_makes_version_2,
);
