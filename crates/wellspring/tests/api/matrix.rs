//! The generated authorization matrix (issue 12, "Done means"): every route of the router and
//! every interaction of the CapabilityStatement is classified here, and every FHIR interaction ×
//! way in (direct, inside a batch, inside a transaction) × caller kind × resource type the
//! synthetic region emits is checked against the pure policy (`identity::rules::policy`):
//! allowed where it allows, and where it does not, **the same answer as for a missing
//! resource**. A route, interaction or operation added without a row here fails the test.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use ws_identity::rules::labels::LABEL_SYSTEM;
use ws_identity::rules::policy::{self, Action, Decision, Target};
use ws_identity::{Caller, Principal};

use crate::authz::{PW, date_years_ago, register, session};
use crate::support::{TestApp, answer, bundle, client_with_token};

/// How a route is protected, and what an anonymous request to it must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// Open to everyone (sign-in pages, directory, discovery documents, health check).
    Public,
    /// Open, but only does something with a one-time token in the query (400 without).
    OneTimeLink,
    /// A member portal page or form: signed-in members only.
    Portal,
    /// Staff work pages: staff sessions only.
    Staff,
    /// OAuth 2.0 endpoints: client authentication or a token in the body.
    OAuth,
    /// Health data through the FHIR service and the one policy (the resource matrix below).
    Fhir,
    /// Other APIs over health data: bearer token or session, decided by the policy.
    Api,
    /// A gateway's webhook (inbound texts): its shared secret, else the answer for a page that
    /// does not exist.
    Gateway,
}

/// Every route literal in `crates/web/src` (as written in the source: `/fhir` routes are nested,
/// so theirs are relative), with its guard and the method to probe it with.
const ROUTES: &[(&str, Guard, &str)] = &[
    ("/", Guard::Portal, "GET"),
    ("/healthz", Guard::Public, "GET"),
    ("/assets/portal.css", Guard::Public, "GET"),
    ("/sign-in", Guard::Public, "GET"),
    ("/register", Guard::Public, "GET"),
    ("/password/forgot", Guard::Public, "GET"),
    ("/metadata", Guard::Public, "GET"),
    (
        "/fhir/.well-known/smart-configuration",
        Guard::Public,
        "GET",
    ),
    ("/oauth2/jwks", Guard::Public, "GET"),
    ("/password/reset", Guard::OneTimeLink, "GET"),
    ("/verify-email", Guard::OneTimeLink, "GET"),
    ("/sign-in/two-step", Guard::Portal, "GET"),
    ("/sign-out", Guard::Portal, "POST"),
    ("/sign-out-everywhere", Guard::Portal, "POST"),
    ("/session/extend", Guard::Portal, "POST"),
    ("/act-as", Guard::Portal, "POST"),
    ("/account/security", Guard::Portal, "GET"),
    ("/account/password", Guard::Portal, "POST"),
    ("/account/two-step/setup", Guard::Portal, "POST"),
    ("/account/two-step/disable", Guard::Portal, "POST"),
    ("/billing", Guard::Portal, "GET"),
    ("/messages", Guard::Portal, "GET"),
    ("/get-care", Guard::Public, "GET"),
    ("/doctors", Guard::Public, "GET"),
    ("/doctors/{role}", Guard::Public, "GET"),
    ("/facilities", Guard::Public, "GET"),
    ("/appointments", Guard::Portal, "GET"),
    ("/appointments/new", Guard::Portal, "GET"),
    ("/appointments/book", Guard::Portal, "POST"),
    ("/appointments/{id}/cancel", Guard::Portal, "POST"),
    ("/appointments/{id}/reschedule", Guard::Portal, "GET"),
    ("/appointments/{id}/calendar.ics", Guard::Portal, "GET"),
    ("/appointments/{id}/waitlist", Guard::Portal, "POST"),
    ("/appointments/offers/accept", Guard::Portal, "POST"),
    ("/appointments/pcp", Guard::Portal, "GET"),
    ("/appointments/texts", Guard::Portal, "GET"),
    ("/appointments/texts/verify", Guard::Portal, "POST"),
    ("/appointments/texts/opt", Guard::Portal, "POST"),
    ("/texts/inbound", Guard::Gateway, "POST"),
    ("/pharmacy", Guard::Portal, "GET"),
    ("/pharmacy/refill", Guard::Portal, "POST"),
    ("/pharmacy/renew", Guard::Portal, "POST"),
    ("/pharmacy/not-taking", Guard::Portal, "POST"),
    ("/pharmacy/add", Guard::Portal, "GET"),
    ("/pharmacy/transfer", Guard::Portal, "GET"),
    ("/pharmacy/reminders", Guard::Portal, "GET"),
    ("/pharmacy/card", Guard::Portal, "GET"),
    ("/record", Guard::Portal, "GET"),
    ("/record/share", Guard::Portal, "GET"),
    ("/record/share/revoke", Guard::Portal, "POST"),
    ("/record/bring-in", Guard::Portal, "GET"),
    ("/shared/{token}", Guard::Public, "GET"),
    ("/record/{section}", Guard::Portal, "GET"),
    ("/record/results/{id}", Guard::Portal, "GET"),
    ("/record/result/{id}", Guard::Portal, "GET"),
    ("/record/requests", Guard::Portal, "GET"),
    ("/record/download.json", Guard::Portal, "GET"),
    ("/record/print", Guard::Portal, "GET"),
    ("/record/print.pdf", Guard::Portal, "GET"),
    ("/support", Guard::Portal, "GET"),
    ("/privacy/access-log", Guard::Portal, "GET"),
    ("/privacy/apps", Guard::Portal, "GET"),
    ("/privacy/apps/disconnect", Guard::Portal, "POST"),
    ("/privacy/sharing", Guard::Portal, "GET"),
    ("/privacy/sharing/invite", Guard::Portal, "POST"),
    ("/privacy/sharing/revoke", Guard::Portal, "POST"),
    ("/coverage", Guard::Portal, "GET"),
    ("/coverage/areas", Guard::Portal, "GET"),
    ("/coverage/change-plan", Guard::Portal, "POST"),
    ("/coverage/change-plan/review", Guard::Portal, "GET"),
    ("/coverage/plans", Guard::Portal, "GET"),
    ("/coverage/contact", Guard::Portal, "POST"),
    ("/coverage/add-member", Guard::Portal, "GET"),
    ("/coverage/id-card", Guard::Portal, "GET"),
    ("/coverage/id-card.pdf", Guard::Portal, "GET"),
    ("/coverage/id-card.png", Guard::Portal, "GET"),
    ("/staff", Guard::Staff, "GET"),
    ("/staff/add-member", Guard::Staff, "POST"),
    ("/staff/contact", Guard::Staff, "POST"),
    ("/staff/death", Guard::Staff, "POST"),
    ("/staff/enroll", Guard::Staff, "POST"),
    ("/staff/grants", Guard::Staff, "POST"),
    ("/staff/terminate", Guard::Staff, "POST"),
    ("/staff/change-plan", Guard::Staff, "POST"),
    ("/staff/records", Guard::Staff, "GET"),
    ("/staff/records/extend", Guard::Staff, "POST"),
    ("/staff/records/close", Guard::Staff, "POST"),
    ("/staff/records/disclosure", Guard::Staff, "POST"),
    ("/staff/records/work-item", Guard::Staff, "POST"),
    ("/staff/results", Guard::Staff, "GET"),
    ("/staff/reconcile", Guard::Staff, "GET"),
    ("/staff/results/hold", Guard::Staff, "POST"),
    ("/staff/results/release", Guard::Staff, "POST"),
    ("/staff/schedule", Guard::Staff, "GET"),
    ("/staff/schedule/block", Guard::Staff, "POST"),
    ("/staff/schedule/unblock", Guard::Staff, "POST"),
    ("/staff/schedule/overbook", Guard::Staff, "POST"),
    ("/staff/schedule/check-in", Guard::Staff, "POST"),
    ("/staff/schedule/cancel", Guard::Staff, "POST"),
    ("/staff/schedule/closure", Guard::Staff, "POST"),
    ("/staff/panels", Guard::Staff, "GET"),
    ("/staff/pharmacy", Guard::Staff, "GET"),
    ("/staff/pharmacy/advance", Guard::Staff, "POST"),
    ("/staff/pharmacy/transfer", Guard::Staff, "POST"),
    ("/staff/renewals", Guard::Staff, "GET"),
    ("/staff/renewals/answer", Guard::Staff, "POST"),
    ("/staff/renewals/reviewed", Guard::Staff, "POST"),
    ("/oauth2/authorize", Guard::OAuth, "GET"),
    ("/oauth2/token", Guard::OAuth, "POST"),
    ("/oauth2/introspect", Guard::OAuth, "POST"),
    ("/oauth2/revoke", Guard::OAuth, "POST"),
    ("/api/coverage-status", Guard::Api, "GET"),
    ("/x12/270", Guard::Api, "POST"),
    ("/x12/834", Guard::Api, "POST"),
    ("/fhir/", Guard::Fhir, "POST"),
    ("/{rtype}", Guard::Fhir, "GET"),
    ("/{rtype}/{id}", Guard::Fhir, "GET"),
    ("/{rtype}/_search", Guard::Fhir, "POST"),
    ("/{rtype}/_history", Guard::Fhir, "GET"),
    ("/{rtype}/{id}/_history", Guard::Fhir, "GET"),
    ("/{rtype}/{id}/_history/{vid}", Guard::Fhir, "GET"),
    ("/_history", Guard::Fhir, "GET"),
    ("/Patient/{id}/$everything", Guard::Fhir, "GET"),
    ("/MedicationRequest/{id}/$refill", Guard::Fhir, "POST"),
    ("/$export", Guard::Fhir, "GET"),
    ("/Patient/$export", Guard::Fhir, "GET"),
    ("/$export-file/{job}/{file}", Guard::Fhir, "GET"),
    ("/$export-status/{job}", Guard::Fhir, "GET"),
];

/// CapabilityStatement interactions and operations this matrix checks (rows below).
const INTERACTIONS: &[&str] = &[
    "read",
    "vread",
    "update",
    "delete",
    "history-instance",
    "history-type",
    "create",
    "search-type",
    "transaction",
    "batch",
    "history-system",
];
const OPERATIONS: &[&str] = &["export", "everything", "refill"];

/// Every `.route("…"` literal in the web crate's sources.
fn route_literals() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut out = BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) != Some("rs") {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for part in src.split(".route(").skip(1) {
                let t = part.trim_start();
                if let Some(rest) = t.strip_prefix('"')
                    && let Some(end) = rest.find('"')
                {
                    out.insert(rest[..end].to_owned());
                }
            }
        }
    }
    out
}

/// A new route or interaction without a row here fails; so does a row for a route that is gone.
/// Every non-FHIR route is probed anonymously for its guard.
async fn every_route_and_interaction_is_in_the_matrix(app: &TestApp) {
    let in_source = route_literals();
    let in_matrix: BTreeSet<String> = ROUTES.iter().map(|(p, _, _)| (*p).to_owned()).collect();
    let missing: Vec<_> = in_source.difference(&in_matrix).collect();
    let stale: Vec<_> = in_matrix.difference(&in_source).collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the authorization matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for routes that no longer exist: {stale:?}"
    );

    let cap: Value = app.get("/metadata").await.json();
    let rest = &cap["rest"][0];
    let mut interactions = BTreeSet::new();
    let mut operations = BTreeSet::new();
    for r in rest["resource"].as_array().unwrap() {
        for i in r["interaction"].as_array().into_iter().flatten() {
            interactions.insert(i["code"].as_str().unwrap().to_owned());
        }
        for o in r["operation"].as_array().into_iter().flatten() {
            operations.insert(o["name"].as_str().unwrap().to_owned());
        }
    }
    for i in rest["interaction"].as_array().into_iter().flatten() {
        interactions.insert(i["code"].as_str().unwrap().to_owned());
    }
    for o in rest["operation"].as_array().into_iter().flatten() {
        operations.insert(o["name"].as_str().unwrap().to_owned());
    }
    for i in &interactions {
        assert!(
            INTERACTIONS.contains(&i.as_str()),
            "interaction '{i}' is not in the matrix"
        );
    }
    for o in &operations {
        assert!(
            OPERATIONS.contains(&o.as_str()),
            "operation '{o}' is not in the matrix"
        );
    }

    // Anonymous probes of every route that is not the FHIR service.
    let anon = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for (path, guard, method) in ROUTES {
        if *guard == Guard::Fhir {
            continue;
        }
        // Routes nested under /fhir are written relative in the source; query parameters make
        // the request well-formed, so the guard (not input validation) answers.
        let url = match *path {
            "/metadata" => format!("{}/metadata", app.fhir_base),
            "/api/coverage-status" => format!("{}{path}?patient=someone&date=2026-01-01", app.base),
            _ => format!("{}{path}", app.base),
        };
        let req = if *method == "GET" {
            anon.get(&url)
        } else {
            anon.post(&url).body("")
        };
        let r = req.send().await.unwrap();
        let st = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let ok = match guard {
            // A public page naming something (a doctor) answers 404 for a name that is not there.
            Guard::Public => st == 200 || (path.contains('{') && st == 404),
            Guard::OneTimeLink => st == 400,
            // Sent to sign in, or refused (a form without its CSRF token); never served.
            Guard::Portal | Guard::Staff => {
                (st == 303 && loc.starts_with("/sign-in")) || st == 401 || st == 403
            }
            Guard::OAuth => st == 400 || st == 401,
            Guard::Api => st == 401,
            Guard::Gateway => st == 404,
            Guard::Fhir => true,
        };
        if !ok {
            wrong.push(format!(
                "{method} {path} ({guard:?}) anonymously → {st} {loc}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
both!(every_route_and_interaction_is_in_the_matrix);

/// What the policy says a caller gets for reading a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    /// A person or app who may not see it: exactly the answer for a missing resource.
    Hidden,
    /// Refused for the type or the role, whatever the record: this status, for missing ids too.
    Refused(u16),
}

struct Who {
    name: String,
    client: reqwest::Client,
    caller: Caller,
}

/// The labels and codes of a resource, as the policy takes them.
fn facts(v: &Value) -> (Vec<String>, Vec<(String, String)>) {
    let labels = v["meta"]["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["system"] == LABEL_SYSTEM)
        .filter_map(|l| l["code"].as_str().map(str::to_owned))
        .collect();
    let codes = v["code"]["coding"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c["system"].as_str()?.to_owned(),
                c["code"].as_str()?.to_owned(),
            ))
        })
        .collect();
    (labels, codes)
}

fn expect_read(who: &Who, res_type: &str, compartment: &str, content: &Value) -> Expect {
    // Refusals that depend only on the caller and the type come first (and hold for missing
    // ids too); what the record-level decision refuses must look missing.
    if let Some(d) = policy::type_gate(&who.caller.principal, Action::Read, res_type) {
        return Expect::Refused(d.status);
    }
    let (labels, codes) = facts(content);
    let t = Target {
        res_type,
        compartment: Some(compartment).filter(|c| !c.is_empty()),
        labels: &labels,
        codes: &codes,
    };
    match policy::decide(&who.caller.principal, Action::Read, &t) {
        Decision::Allow { .. } => Expect::Allowed,
        Decision::Deny(_) => Expect::Hidden,
    }
}

const MISSING: &str = "00000000-0000-4000-8000-0000000000ff";

/// The interactions every caller tries on one resource (and on a missing id of its type).
fn requests(
    base: &str,
    c: &reqwest::Client,
    t: &str,
    id: &str,
) -> Vec<(&'static str, reqwest::RequestBuilder)> {
    let mut v = vec![
        ("read", c.get(format!("{base}/{t}/{id}"))),
        ("vread", c.get(format!("{base}/{t}/{id}/_history/1"))),
        (
            "history-instance",
            c.get(format!("{base}/{t}/{id}/_history")),
        ),
        ("search GET _id", c.get(format!("{base}/{t}?_id={id}"))),
        (
            "search POST _id",
            c.post(format!("{base}/{t}/_search"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("_id={id}")),
        ),
        (
            "batch read",
            c.post(format!("{base}/"))
                .json(&bundle("batch", "GET", &format!("{t}/{id}"))),
        ),
        (
            "transaction read",
            c.post(format!("{base}/"))
                .json(&bundle("transaction", "GET", &format!("{t}/{id}"))),
        ),
        (
            "batch search",
            c.post(format!("{base}/"))
                .json(&bundle("batch", "GET", &format!("{t}?_id={id}"))),
        ),
    ];
    if t == "Patient" {
        v.push((
            "$everything",
            c.get(format!("{base}/Patient/{id}/$everything")),
        ));
    }
    v
}

/// The writes a caller who may not read a resource tries; each must answer as for a missing one
/// and change nothing.
fn hidden_writes(
    base: &str,
    c: &reqwest::Client,
    t: &str,
    id: &str,
) -> Vec<(&'static str, reqwest::RequestBuilder)> {
    let mut v = vec![
        ("delete", c.delete(format!("{base}/{t}/{id}"))),
        (
            "conditional delete",
            c.delete(format!("{base}/{t}?_id={id}")),
        ),
        (
            "batch delete",
            c.post(format!("{base}/"))
                .json(&bundle("batch", "DELETE", &format!("{t}/{id}"))),
        ),
        (
            "transaction conditional delete",
            c.post(format!("{base}/")).json(&bundle(
                "transaction",
                "DELETE",
                &format!("{t}?_id={id}"),
            )),
        ),
    ];
    if t == "MedicationRequest" {
        v.push((
            "$refill",
            c.post(format!("{base}/MedicationRequest/{id}/$refill")),
        ));
    }
    v
}

/// Did the answer grant the read?
fn granted(kind: &str, st: u16, body: &str) -> bool {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match kind {
        "search GET _id" | "search POST _id" => st == 200 && v["total"] == 1,
        "batch read" => v["entry"][0]["response"]["status"]
            .as_str()
            .is_some_and(|s| s.starts_with("200")),
        "batch search" => v["entry"][0]["resource"]["total"] == 1,
        "transaction read" => st == 200,
        "$everything" => st == 200 && v["total"].as_i64().unwrap_or(0) >= 1,
        _ => st == 200,
    }
}

async fn generated_region_matrix(app: &TestApp) {
    use ws_fhir_service::bulk::{ImportItem, ImportReport};
    // The synthetic region, loaded as `wellspring seed` does.
    let cfg = ws_synthetic::SeedConfig::new(120, 5);
    let mut items = Vec::new();
    ws_synthetic::generate(&cfg, &mut |v: Value| {
        let n = items.len() as u64 + 1;
        items.push(ImportItem::value(n, v));
        Ok::<(), ()>(())
    })
    .unwrap();
    let all: Vec<Value> = items.iter().filter_map(|i| i.value.clone()).collect();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let feeder = tokio::spawn(async move {
        for chunk in items.chunks(500) {
            tx.send(
                chunk
                    .iter()
                    .map(|i| ImportItem::value(i.line, i.value.clone().unwrap()))
                    .collect(),
            )
            .await
            .unwrap();
        }
    });
    let mut report = ImportReport::default();
    app.fhir
        .import_batches(&Caller::system(), "seed", rx, &mut report)
        .await
        .unwrap();
    feeder.await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    // People of the region: two adults of different households, a young child, a teen.
    let today = jiff::Zoned::now().date();
    let age = |b: &str| {
        b.parse::<jiff::civil::Date>()
            .map(|d| ws_identity::rules::age::age_on(d, today))
            .unwrap_or(-1)
    };
    let mut adults: Vec<&Value> = Vec::new();
    let mut child = None;
    let mut teen = None;
    for p in all.iter().filter(|v| {
        v["resourceType"] == "Patient"
            && v["deceasedDateTime"].is_null()
            && v["deceasedBoolean"] != true
    }) {
        let a = age(p["birthDate"].as_str().unwrap_or(""));
        let household = |v: &Value| v["address"][0]["line"][0].clone();
        if (18..80).contains(&a)
            && adults.iter().all(|x| household(x) != household(p))
            && adults.len() < 2
        {
            adults.push(p);
        } else if (0..13).contains(&a) && child.is_none() {
            child = Some(p);
        } else if (13..18).contains(&a) && teen.is_none() {
            teen = Some(p);
        }
    }
    let (Some(child), Some(teen)) = (child, teen) else {
        panic!("the region has a child and a teen")
    };
    assert_eq!(adults.len(), 2);
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let mrn = |v: &Value| v["identifier"][0]["value"].as_str().unwrap().to_owned();
    let given = |v: &Value| v["name"][0]["given"][0].as_str().unwrap().to_owned();
    let family = |v: &Value| v["name"][0]["family"].as_str().unwrap().to_owned();
    for (p, email) in [
        (adults[0], "m1@example.org"),
        (adults[1], "m2@example.org"),
        (teen, "teen@example.org"),
    ] {
        register(
            app,
            &mrn(p),
            &given(p),
            &family(p),
            p["birthDate"].as_str().unwrap(),
            email,
        )
        .await;
    }
    let account = |email: &'static str| async move {
        ws_store::identity::account_by_email(&mut app.store.reader().await.unwrap(), email)
            .await
            .unwrap()
            .unwrap()
    };
    let m1 = account("m1@example.org").await;
    let m2 = account("m2@example.org").await;
    for kid in [id(child), id(teen)] {
        app.identity
            .record_grant(
                "staff:test",
                &kid,
                &m1,
                ws_identity::rules::proxy::Relationship::Parent,
                "birth certificate",
            )
            .await
            .unwrap();
    }
    app.identity
        .register_caregiver(
            "Care Giver",
            &date_years_ago(40, 0),
            "cg@example.org",
            "206 555 0111",
            PW,
            "WA",
            None,
        )
        .await
        .unwrap()
        .unwrap();
    app.identity
        .invite_caregiver(&m2, "cg@example.org", "Care Giver")
        .await
        .unwrap()
        .unwrap();
    app.verify_email("cg@example.org").await;
    // Sensitive care exists for the teen and the second adult (PSY label at write time).
    for p in [id(teen), id(adults[1])] {
        app.create_id(json!({"resourceType": "Condition",
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9"}]},
            "subject": {"reference": format!("Patient/{p}")}}))
            .await;
    }

    // Callers.
    let now = app.fhir.clock().now_micros();
    let mut who: Vec<Who> = Vec::new();
    let person = |email: &'static str, name: &str| {
        let name = name.to_owned();
        async move {
            let acct = account(email).await;
            Who {
                name,
                client: session(app, email).await,
                caller: app
                    .identity
                    .caller_for(&acct, None, None, now)
                    .await
                    .unwrap(),
            }
        }
    };
    who.push(Who {
        name: "anonymous".into(),
        client: app.anon.clone(),
        caller: Caller::anonymous(None),
    });
    who.push(person("m1@example.org", "member, parent of child and teen").await);
    who.push(person("m2@example.org", "member of another family").await);
    who.push(person("teen@example.org", "teen").await);
    who.push(person("cg@example.org", "caregiver").await);
    for (email, role) in [
        ("doc@example.org", ws_identity::StaffRole::Clinician),
        ("ms@example.org", ws_identity::StaffRole::MemberServices),
        ("rx@example.org", ws_identity::StaffRole::Pharmacist),
        ("admin@example.org", ws_identity::StaffRole::Administrator),
    ] {
        let (acct, _) = app
            .identity
            .create_staff(email, "Staff Person", role, None, "system:test")
            .await
            .unwrap()
            .unwrap();
        app.identity
            .set_password(&acct.id, PW)
            .await
            .unwrap()
            .unwrap();
        let acct = account(email).await;
        who.push(Who {
            name: format!("staff {}", role.as_str()),
            client: session(app, email).await,
            caller: app
                .identity
                .caller_for(&acct, None, None, now)
                .await
                .unwrap(),
        });
    }
    let redirect = "http://127.0.0.1:9/callback";
    let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
    for scope in [
        "launch/patient patient/*.rs",
        "launch/patient patient/Observation.rs",
        "user/*.rs",
    ] {
        let (cid, code) = app
            .authorize_app(&m1.id, scope, &id(adults[0]), redirect, verifier)
            .await;
        let t = app
            .identity
            .exchange_code(&cid, None, &code, redirect, verifier)
            .await
            .unwrap()
            .unwrap();
        who.push(Who {
            name: format!("SMART app {scope}"),
            client: client_with_token(&t.access_token),
            caller: app
                .identity
                .bearer(&t.access_token, None)
                .await
                .unwrap()
                .unwrap(),
        });
    }
    who.push(Who {
        name: "integration".into(),
        client: app.client.clone(),
        caller: app
            .identity
            .bearer(&app.token, None)
            .await
            .unwrap()
            .unwrap(),
    });

    // Resources: per type, one in each person's compartment and one shared, as stored.
    let people: Vec<String> = vec![id(adults[0]), id(adults[1]), id(child), id(teen)];
    let mut picked: BTreeMap<(String, String), (String, Value)> = BTreeMap::new();
    let mut types = BTreeSet::new();
    {
        let mut conn = app.store.reader().await.unwrap();
        for t in all
            .iter()
            .filter_map(|v| v["resourceType"].as_str())
            .collect::<BTreeSet<_>>()
        {
            types.insert(t.to_owned());
            for r in conn.scan(t, "", None, None, 100_000).await.unwrap() {
                if r.compartment.is_empty() || people.contains(&r.compartment) {
                    let content: Value =
                        serde_json::from_str(r.content.as_deref().unwrap()).unwrap();
                    picked
                        .entry((t.to_owned(), r.compartment.clone()))
                        .or_insert((r.id.clone(), content));
                }
            }
        }
        // The sensitive conditions made above, whatever else was picked for those people.
        for r in conn
            .scan("Condition", "", None, None, 100_000)
            .await
            .unwrap()
        {
            if r.content.as_deref().is_some_and(|c| c.contains("F32.9")) {
                let content: Value = serde_json::from_str(r.content.as_deref().unwrap()).unwrap();
                picked.insert(
                    ("Condition".into(), format!("{} (sensitive)", r.compartment)),
                    (r.id.clone(), content),
                );
            }
        }
    }
    assert!(
        types.len() >= 15,
        "resource types the region emits: {types:?}"
    );

    let base = app.fhir_base.clone();
    let mut wrong: Vec<String> = Vec::new();
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missing_cache: BTreeMap<(usize, String, &'static str), (u16, String)> = BTreeMap::new();
    for ((t, key), (rid, content)) in &picked {
        let comp = &key.trim_end_matches(" (sensitive)").to_owned();
        for (wi, w) in who.iter().enumerate() {
            let expect = expect_read(w, t, comp, content);
            let ids = [rid.as_str(), MISSING];
            let got_all = requests(&base, &w.client, t, rid);
            for (kind, req) in got_all {
                let got = answer(req, &ids).await;
                let key = (wi, t.clone(), kind);
                if !missing_cache.contains_key(&key) {
                    let m = requests(&base, &w.client, t, MISSING)
                        .into_iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, r)| r)
                        .unwrap();
                    missing_cache.insert(key.clone(), answer(m, &ids).await);
                }
                let missing = &missing_cache[&key];
                *counted.entry(kind).or_default() += 1;
                let ok = match expect {
                    Expect::Allowed => granted(kind, got.0, &got.1),
                    Expect::Hidden => got == *missing,
                    // The type-level status itself, or inside a Bundle the same refusal entry.
                    Expect::Refused(s) => {
                        got == *missing
                            && !granted(kind, got.0, &got.1)
                            && (got.0 == s || got.0 == 200)
                    }
                };
                if !ok {
                    wrong.push(format!(
                        "{} · {kind} {t}/{rid} (compartment {comp:?}): expected {expect:?}, got {} {}; missing answers {} {}",
                        w.name,
                        got.0,
                        &got.1[..got.1.len().min(160)],
                        missing.0,
                        &missing.1[..missing.1.len().min(160)]
                    ));
                }
            }
            if expect != Expect::Allowed && !comp.is_empty() {
                for (kind, req) in hidden_writes(&base, &w.client, t, rid) {
                    let got = answer(req, &ids).await;
                    let m = hidden_writes(&base, &w.client, t, MISSING)
                        .into_iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, r)| r)
                        .unwrap();
                    let missing = answer(m, &ids).await;
                    *counted.entry(kind).or_default() += 1;
                    if got != missing {
                        wrong.push(format!(
                            "{} · {kind} {t}/{rid}: {} {} differs from missing {} {}",
                            w.name,
                            got.0,
                            &got.1[..got.1.len().min(160)],
                            missing.0,
                            &missing.1[..missing.1.len().min(160)]
                        ));
                    }
                }
                // Nothing was changed.
                let still = app.get(&format!("/{t}/{rid}")).await;
                if still.status != 200 {
                    wrong.push(format!("{} deleted {t}/{rid} it may not see", w.name));
                }
            }
        }
    }
    // System-level history and Bulk export: integrations only; everyone else refused by type.
    for w in &who {
        let unrestricted = matches!(w.caller.principal, Principal::Integration { .. });
        for (kind, url) in [
            ("history-system", format!("{base}/_history")),
            ("history-type", format!("{base}/Observation/_history")),
        ] {
            let st = w.client.get(&url).send().await.unwrap().status().as_u16();
            if (st == 200) != unrestricted {
                wrong.push(format!("{} · {kind}: {st}", w.name));
            }
        }
        let st = w
            .client
            .get(format!("{base}/$export"))
            .header("prefer", "respond-async")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if (st == 202) != unrestricted {
            wrong.push(format!("{} · $export: {st}", w.name));
        }
    }
    eprintln!(
        "matrix: {} callers × {} resources; checks by interaction: {counted:?}",
        who.len(),
        picked.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of the matrix's answers are wrong:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
both!(generated_region_matrix);
