//! The synthetic region loads through the public import path and is explorable over the API.

use serde_json::Value;
use ws_fhir_service::Caller;
use ws_fhir_service::bulk::{ImportItem, ImportReport};
use ws_synthetic::SeedConfig;

use crate::support::TestApp;

both!(generated_region_loads_and_links_up);

/// Generate a small region, load it through `import_batches` (validation, indexing, audit),
/// and check that nothing is rejected and that its records are reachable by search.
async fn generated_region_loads_and_links_up(app: &TestApp) {
    let cfg = SeedConfig::new(25, 11);
    let summary = load_region(app, &cfg).await;
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

both!(seeded_portal_accounts_and_proxy_grants);

/// The seed's portal part: a share of members get accounts (none under 13) without a password,
/// parents can act for their children and some Medicare members for a spouse's record; loading
/// the same plans again changes nothing; a seeded member signs in after a reset link.
async fn seeded_portal_accounts_and_proxy_grants(app: &TestApp) {
    use ws_identity::rules::proxy::Relationship;
    use ws_identity::service::{NewMemberAccount, NewProxyGrant, SignInError};
    use ws_synthetic::portal::{self, ProxyKind};

    let cfg = SeedConfig::new(120, 5);
    load_region(app, &cfg).await;
    let world = ws_synthetic::World::new(&cfg);
    let (mut accounts, mut grants) = (Vec::new(), Vec::new());
    let mut planned = Vec::new();
    for hh in world.households() {
        let plan = portal::plan(&world, &hh);
        for a in &plan.accounts {
            accounts.push(NewMemberAccount {
                patient_id: a.patient_id.clone(),
                email: a.email.clone(),
                mobile: a.mobile.clone(),
                display_name: a.display_name.clone(),
                birth_date: a.birth.iso(),
                state: Some(world.geo.state.to_owned()),
                created_at: i64::from(a.registered_on.0) * 86_400_000_000,
            });
        }
        for l in &plan.links {
            grants.push(NewProxyGrant {
                subject_patient: l.subject_patient.clone(),
                grantee_patient: l.grantee_patient.clone(),
                relationship: match l.kind {
                    ProxyKind::Parent => Relationship::Parent,
                    ProxyKind::Caregiver => Relationship::Caregiver,
                },
                granted_on: l.granted_on.iso(),
            });
        }
        planned.push((hh, plan));
    }
    let first = app
        .identity
        .import_portal("system:seed", &accounts, &grants)
        .await
        .expect("import portal");
    assert_eq!(first.accounts, accounts.len() as u64);
    assert_eq!(first.grants, grants.len() as u64);
    assert!(first.accounts > 40 && first.grants > 10, "{first:?}");
    // Again: nothing new.
    let again = app
        .identity
        .import_portal("system:seed", &accounts, &grants)
        .await
        .expect("import portal again");
    assert_eq!((again.accounts, again.grants), (0, 0));
    assert_eq!(
        (again.existing, again.skipped),
        (accounts.len() as u64, grants.len() as u64)
    );

    // A parent with a linked child under 13 sees the child in the switcher; a grantee of a
    // caregiver grant sees the spouse.
    let today = world.as_of;
    let (hh, plan) = planned
        .iter()
        .find(|(hh, p)| {
            p.links.iter().any(|l| {
                l.kind == ProxyKind::Parent
                    && hh
                        .members
                        .iter()
                        .any(|m| m.patient_id == l.subject_patient && m.age_on(today) < 13)
            })
        })
        .expect("a linked young child");
    let link = plan
        .links
        .iter()
        .find(|l| {
            hh.members
                .iter()
                .any(|m| m.patient_id == l.subject_patient && m.age_on(today) < 13)
        })
        .expect("link");
    let parent = app
        .identity
        .account_by_email(
            &plan
                .accounts
                .iter()
                .find(|a| a.patient_id == link.grantee_patient)
                .expect("parent account")
                .email,
        )
        .await
        .expect("lookup")
        .expect("parent account stored");
    assert_eq!(parent.password_hash, ws_identity::secrets::NO_PASSWORD);
    let people = app.identity.people(&parent).await.expect("people");
    assert!(
        people.iter().any(|p| p.patient_id == link.subject_patient),
        "{people:?}"
    );
    assert!(
        people
            .iter()
            .any(|p| Some(&p.patient_id) == parent.patient_id.as_ref())
    );
    {
        let care = grants
            .iter()
            .find(|g| g.relationship == Relationship::Caregiver)
            .expect("this region has a caregiver grant");
        let mut holder = app.store.reader().await.expect("reader");
        let acct = ws_store::identity::account_by_patient(&mut holder, &care.grantee_patient)
            .await
            .expect("lookup")
            .expect("grantee account");
        drop(holder);
        let people = app.identity.people(&acct).await.expect("people");
        assert!(people.iter().any(|p| p.patient_id == care.subject_patient));
    }
    // Nobody under 13 has an account.
    for (hh, plan) in &planned {
        for m in hh.members.iter().filter(|m| m.age_on(today) < 13) {
            assert!(plan.accounts.iter().all(|a| a.patient_id != m.patient_id));
        }
    }
    let mut c = app.store.reader().await.expect("reader");
    for a in accounts.iter().take(50) {
        let row = ws_store::identity::account_by_patient(&mut c, &a.patient_id)
            .await
            .expect("lookup")
            .expect("stored");
        assert_eq!(row.email, a.email);
        assert!(row.birth_date.as_deref() == Some(a.birth_date.as_str()));
    }
    drop(c);

    // No password signs in to a seeded account (the same refusal as a wrong password) …
    let r = app
        .identity
        .sign_in(&parent.email, "blue heron river lantern", "198.51.100.7")
        .await
        .expect("sign in");
    assert!(
        matches!(r, Err(SignInError::BadCredentials)),
        "{:?}",
        r.as_ref().err()
    );
    // … until the member sets one with a reset link.
    app.identity
        .request_reset(&parent.email, Some("198.51.100.7"))
        .await
        .expect("reset");
    let msgs = app.run_pending_jobs().await;
    let mail = msgs
        .iter()
        .find(|m| m.recipient == parent.email)
        .expect("a reset email");
    let token = mail
        .body
        .split_whitespace()
        .find_map(|w| w.split("token=").nth(1))
        .expect("token")
        .to_owned();
    let pw = "harbor lantern willow seven";
    let reset = app
        .identity
        .reset_password(&token, pw, Some("198.51.100.7"))
        .await
        .expect("reset password");
    assert!(reset.is_ok(), "{reset:?}");
    let r = app
        .identity
        .sign_in(&parent.email, pw, "198.51.100.8")
        .await
        .expect("sign in");
    assert!(r.is_ok(), "{:?}", r.err());

    // Every account and grant was audited.
    let audited = app
        .all_audit_rows()
        .await
        .into_iter()
        .filter(|r| {
            r.actor == "system:seed" && (r.action == "register" || r.action == "proxy-grant")
        })
        .count();
    assert_eq!(audited, accounts.len() + grants.len());
}

/// Generate `cfg` and load it through `import_batches`; nothing may be rejected.
async fn load_region(app: &TestApp, cfg: &SeedConfig) -> ws_synthetic::Summary {
    let mut items = Vec::new();
    let summary = ws_synthetic::generate(cfg, &mut |v: Value| {
        let n = items.len() as u64 + 1;
        items.push(ImportItem::value(n, v));
        Ok::<(), ()>(())
    })
    .expect("generate");
    // Room for every batch: they are all queued before the import starts.
    let (tx, rx) = tokio::sync::mpsc::channel(items.len() / 500 + 1);
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
    summary
}
