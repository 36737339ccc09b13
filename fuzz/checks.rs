//! What each fuzz target checks, shared by the libFuzzer targets (`fuzz_targets/*.rs`, built by
//! `cargo fuzz`) and the short stable-toolchain run in the test suite
//! (`crates/wellspring/tests/fuzz_smoke.rs`), so both exercise exactly the same code.

use std::sync::OnceLock;

/// FHIR JSON: strict parsing (duplicate keys refused), validation and search-index extraction
/// never panic; indexed strings respect the cap.
pub fn fhir_json(data: &[u8]) {
    let Ok(v) = ws_fhir::validate::parse_json(data) else {
        return;
    };
    let issues = ws_fhir::validate::validate_resource(&v);
    if let Some(rt) = v.get("resourceType").and_then(|t| t.as_str())
        && ws_fhir::validate::is_resource_type(rt)
        && issues.is_empty()
        && let Ok(x) = ws_fhir::search_params::extract(rt, &v)
    {
        for s in &x.strings {
            assert!(s.exact.chars().count() <= ws_fhir::search_params::MAX_INDEX_STRING);
        }
    }
}

const TYPES: &[&str] = &[
    "Patient",
    "Observation",
    "Condition",
    "Coverage",
    "Practitioner",
    "Encounter",
];

/// Search syntax: any query against any type parses or is refused as the client's error.
pub fn search_params(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(q) = std::str::from_utf8(rest) else {
        return;
    };
    let t = TYPES[usize::from(first) % TYPES.len()];
    let pairs = ws_fhir_service::query::parse_query_string(q);
    for lenient in [false, true] {
        if let Err(e) = ws_fhir_service::query::parse_search(t, &pairs, lenient) {
            assert!(e.status() < 500, "a bad query is the client's error: {e}");
        }
    }
}

/// X12: the envelope, 834 and 270 parsers take any bytes.
pub fn x12(data: &[u8]) {
    let Ok(ic) = ws_x12::parse(data) else {
        return;
    };
    for g in &ic.groups {
        for tx in &g.transactions {
            let _ = ws_x12::parse_834(tx);
            let _ = ws_x12::parse_270(tx);
        }
    }
}

/// HL7 v2 (issue 16): MLLP framing of any bytes, then the ORU^R01 rules. A message taken must
/// map to FHIR resources that validate; a refused one gets an ACK that names its code.
pub fn hl7(data: &[u8]) {
    let mut framer = ws_records::service::mllp::Framer::default();
    let _ = framer.push(data);
    let text = ws_records::service::results::normalise(&String::from_utf8_lossy(data));
    match ws_records::rules::oru::parse_oru(&text) {
        Ok(m) => {
            let b = ws_records::rules::to_fhir::bundle(&m, "p1", "2026-01-01T00:00:00Z");
            for e in b["entry"].as_array().into_iter().flatten() {
                let issues = ws_fhir::validate::validate_resource(&e["resource"]);
                assert!(issues.is_empty(), "{issues:?}: {e}");
            }
            let ack = ws_records::rules::ack::ack(&m.header, None, "20260101000000+0000", "X");
            assert!(ack.contains("MSA|AA|"));
        }
        Err(r) => {
            let h = ws_records::rules::oru::header_of(&text);
            let ack = ws_records::rules::ack::ack(&h, Some(&r), "20260101000000+0000", "X");
            assert!(ack.contains(&format!("MSA|{}|", r.code.as_str())));
            // The reason is escaped: it never adds a segment of its own.
            assert_eq!(
                ack.split('\r').filter(|x| !x.is_empty()).count(),
                3,
                "{ack:?}"
            );
        }
    }
}

/// Form inputs: the form parser, the post-sign-in local-path check, redirect-URI registration,
/// mobile numbers, trusted-proxy lists and the client-address rule.
pub fn forms(data: &[u8]) {
    let trusted =
        ws_identity::rules::address::Trusted::parse_list("10.0.0.0/8").unwrap_or_default();
    for (k, v) in &ws_web::fuzzing::form(data) {
        if ws_web::fuzzing::is_local_path(v) {
            // Whatever passes is a path on this site: nothing a browser would turn into a host.
            assert!(v.starts_with('/') && !v.starts_with("//"));
            assert!(
                !v.chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
            );
        }
        let _ = ws_identity::rules::redirect::redirect_uri_ok(v);
        let _ = ws_identity::service::parse_mobile(v);
        let _ = ws_identity::rules::address::Trusted::parse_list(k);
        if let Ok(peer) = "10.0.0.1".parse() {
            let _ = ws_identity::rules::address::client_address(peer, Some(v), &trusted);
        }
    }
}

struct World {
    rt: tokio::runtime::Runtime,
    fhir: ws_fhir_service::Fhir,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = std::env::temp_dir().join(format!("ws-fuzz-bundle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let fhir = rt.block_on(async {
            let store = ws_store::Store::connect(&format!("sqlite://{}/fuzz.db", dir.display()))
                .await
                .expect("store");
            store.migrate().await.expect("migrate");
            let (audit, _task) = ws_audit::Auditor::start(store.clone());
            ws_fhir_service::Fhir::new(
                store,
                audit,
                "http://127.0.0.1/fhir".into(),
                dir.join("exports"),
            )
        });
        World { rt, fhir }
    })
}

/// Bundles end to end (parse, validate, authorize, store) on a real SQLite file: any bytes get
/// a response or a 4xx, never a panic or a 5xx; the first byte picks anonymous or the system.
pub fn bundle(data: &[u8]) {
    let Some((&who, body)) = data.split_first() else {
        return;
    };
    let w = world();
    let caller = if who % 2 == 0 {
        ws_fhir_service::Caller::anonymous(None)
    } else {
        ws_fhir_service::Caller::system()
    };
    if let Err(e) = w.rt.block_on(w.fhir.process_bundle(&caller, body)) {
        assert!(
            e.status() < 500,
            "a bad Bundle is the client's error, not a 5xx: {e}"
        );
    }
}
