//! Caches that must never outlive what they cache (issue 17, "Done means": correctness tests for
//! every cache). A bearer token is resolved once and then served from memory; each change that
//! alters what the token reaches takes effect on the very next request: token revocation, an
//! app disconnected, a Patient record that changes a proxy's rights, midnight of a birthday, and a
//! revocation made by another process on the same database.

use std::time::Duration;

use serde_json::Value;
use ws_identity::{Identity, IdentityConfig, Principal};

use crate::authz::{date_years_ago, person, record, register};
use crate::support::{TestApp, authorize_app_on, client_with_token};

/// Run the SMART authorization steps on `identity` for `account` choosing `patient`; the tokens.
async fn smart_token(
    identity: &Identity,
    fhir_base: &str,
    account: &str,
    scope: &str,
    patient: &str,
) -> (String, ws_identity::service::TokenResponse) {
    let redirect = "http://127.0.0.1:9/callback";
    let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
    let (cid, code) = authorize_app_on(
        identity, fhir_base, account, scope, patient, redirect, verifier,
    )
    .await;
    let t = identity
        .exchange_code(&cid, None, &code, redirect, verifier)
        .await
        .unwrap()
        .unwrap();
    (cid, t)
}

/// Ana (MRN `mrn`, 40) registered, with her record, and recorded as `child`'s parent.
async fn parent_of(
    app: &TestApp,
    mrn: &str,
    child: &str,
) -> (ws_store::identity::AccountRow, crate::authz::Record) {
    let adult = record(app, mrn, "Ana", "Quiroga", &date_years_ago(40, 0)).await;
    register(
        app,
        mrn,
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
            child,
            &ana,
            ws_identity::rules::proxy::Relationship::Parent,
            "birth certificate",
        )
        .await
        .unwrap();
    (ana, adult)
}

async fn status(c: &reqwest::Client, url: &str) -> u16 {
    c.get(url).send().await.unwrap().status().as_u16()
}

/// A parent's app (user/*.read) reads the child's record; every change below is seen by the next
/// request although the token was already resolved and cached.
async fn bearer_cache_follows_every_change(app: &TestApp) {
    let base = app.fhir_base.clone();
    let child = record(app, "MRN-CC1", "Cai", "Quiroga", &date_years_ago(8, 0)).await;
    let (ana, adult) = parent_of(app, "MRN-CA1", &child.patient).await;
    let child_obs = format!("{base}/Observation/{}", child.glucose);
    let own_obs = format!("{base}/Observation/{}", adult.glucose);

    // 1. A Patient write that ends the parent's rights (the child's recorded birth date makes
    //    them an adult): the cached caller is recomputed at once.
    let (_, t) = smart_token(&app.identity, &base, &ana.id, "user/*.read", &adult.patient).await;
    let c = client_with_token(&t.access_token);
    for _ in 0..3 {
        assert_eq!(
            status(&c, &child_obs).await,
            200,
            "the parent's app, cached"
        );
    }
    let mut p: Value = app.get(&format!("/Patient/{}", child.patient)).await.json();
    p["birthDate"] = Value::String(date_years_ago(20, 0));
    app.put(&format!("/Patient/{}", child.patient), &p)
        .await
        .assert_status(200);
    assert_eq!(
        status(&c, &child_obs).await,
        404,
        "an adult's record is not the parent's to read any more"
    );
    assert_eq!(status(&c, &own_obs).await, 200, "her own record still is");
    // Back to a child: the rights return on the next request too.
    p["birthDate"] = Value::String(date_years_ago(8, 0));
    app.put(&format!("/Patient/{}", child.patient), &p)
        .await
        .assert_status(200);
    assert_eq!(status(&c, &child_obs).await, 200);

    // 2. Token revocation (RFC 7009) by the app itself.
    let (cid, t) = smart_token(&app.identity, &base, &ana.id, "user/*.read", &adult.patient).await;
    let c = client_with_token(&t.access_token);
    assert_eq!(status(&c, &own_obs).await, 200);
    assert_eq!(status(&c, &own_obs).await, 200);
    app.identity
        .revoke(&cid, None, &t.access_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status(&c, &own_obs).await, 401, "revoked: the next request");

    // 3. The member disconnects the app in the portal.
    let (_, t) = smart_token(&app.identity, &base, &ana.id, "user/*.read", &adult.patient).await;
    let c = client_with_token(&t.access_token);
    assert_eq!(status(&c, &own_obs).await, 200);
    assert_eq!(status(&c, &own_obs).await, 200);
    for (g, _) in app.identity.connected_apps(&ana.id).await.unwrap() {
        app.identity.disconnect_app(&ana.id, &g.id).await.unwrap();
    }
    assert_eq!(
        status(&c, &own_obs).await,
        401,
        "disconnected: the next request"
    );

    // 4. Another process (a second app server, or `wellspring` on the command line) revokes a
    //    token through its own connection to the same database: this server sees it within its
    //    poll interval.
    let (cid, t) = smart_token(&app.identity, &base, &ana.id, "user/*.read", &adult.patient).await;
    let c = client_with_token(&t.access_token);
    assert_eq!(status(&c, &own_obs).await, 200);
    assert_eq!(status(&c, &own_obs).await, 200);
    let other_store = ws_store::Store::connect(&app.db_url).await.unwrap();
    let other = Identity::new(other_store.clone(), IdentityConfig::default());
    other
        .revoke(&cid, None, &t.access_token)
        .await
        .unwrap()
        .unwrap();
    other_store.close().await;
    tokio::time::sleep(ws_store::CALLERS_POLL + Duration::from_millis(300)).await;
    assert_eq!(
        status(&c, &own_obs).await,
        401,
        "revoked by another process: seen after one poll interval"
    );
}

/// Ages change at midnight: a parent's app loses a child's record on the child's 18th birthday
/// although the token was resolved (and cached) the evening before.
async fn bearer_cache_follows_the_calendar(app: &TestApp) {
    let clock = ws_store::Clock::fixed("2027-03-14T23:58:00Z".parse().unwrap());
    let identity = Identity::new(
        app.store.clone(),
        IdentityConfig {
            fhir_base: app.fhir_base.clone(),
            ..Default::default()
        },
    )
    .with_clock(clock.clone());
    // 18 tomorrow (2027-03-15).
    let child = app
        .create_id(person("MRN-CK1", "Kai", "Quiroga", "2009-03-15"))
        .await;
    let (ana, adult) = parent_of(app, "MRN-CK2", &child).await;
    let (_, t) = smart_token(
        &identity,
        &app.fhir_base,
        &ana.id,
        "user/*.read",
        &adult.patient,
    )
    .await;
    // Whether the token, resolved now (from the cache when it may), reaches the child.
    let reaches_child = async || {
        let c = identity
            .bearer(&t.access_token, None)
            .await
            .unwrap()
            .expect("the token is valid");
        match &c.principal {
            Principal::App { grants, .. } => grants.iter().any(|g| g.patient == child),
            _ => false,
        }
    };
    for _ in 0..2 {
        assert!(
            reaches_child().await,
            "17 years old: the parent's app reaches the child"
        );
    }
    clock.advance(jiff::SignedDuration::from_mins(3));
    assert!(
        !reaches_child().await,
        "midnight of the 18th birthday: not any more, although the token was cached"
    );
    // The token's own expiry is honoured from the cache too.
    clock.advance(jiff::SignedDuration::from_hours(2));
    assert!(
        identity
            .bearer(&t.access_token, None)
            .await
            .unwrap()
            .is_none()
    );
}

both!(
    bearer_cache_follows_every_change,
    bearer_cache_follows_the_calendar
);
