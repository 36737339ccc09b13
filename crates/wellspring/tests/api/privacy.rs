//! Privacy by construction (issue 12): the paths that used to skip the policy — Bundle entries,
//! conditional operations, `_has`, instance history — now answer every caller who may not see a
//! resource exactly as if it did not exist. Each test below failed before the guarded store
//! (ADR 0005). DOMAIN ids: PRX-02..06 (proxy views), SEC (sensitive categories).

use serde_json::{Value, json};

use crate::authz::{PW, World, date_years_ago, register, session, world};
use crate::support::{TestApp, answer, bundle};

/// The people of the authz world with accounts: Ana (parent of a child and a teen), Bea (no
/// relation to Ana), Cy (Bea's caregiver), Teo (the teen).
pub(crate) struct People {
    pub(crate) w: World,
    pub(crate) ana: reqwest::Client,
    pub(crate) bea: reqwest::Client,
    pub(crate) cy: reqwest::Client,
    pub(crate) anon: reqwest::Client,
}

pub(crate) async fn people(app: &TestApp) -> People {
    let w = world(app).await;
    register(
        app,
        "MRN-A1",
        "Ana",
        "Quiroga",
        &date_years_ago(40, 0),
        "ana@example.org",
    )
    .await;
    register(
        app,
        "MRN-B1",
        "Bea",
        "Olander",
        &date_years_ago(50, 0),
        "bea@example.org",
    )
    .await;
    let account = |email: &'static str| async move {
        ws_store::identity::account_by_email(&mut app.store.reader().await.unwrap(), email)
            .await
            .unwrap()
            .unwrap()
    };
    let ana = account("ana@example.org").await;
    for kid in [&w.child.patient, &w.teen.patient] {
        app.identity
            .record_grant(
                "staff:test",
                kid,
                &ana,
                ws_identity::rules::proxy::Relationship::Parent,
                "birth certificate",
            )
            .await
            .unwrap();
    }
    app.identity
        .register_caregiver(
            "Cy Ward",
            &date_years_ago(35, 0),
            "cy@example.org",
            "206 555 0199",
            PW,
            "WA",
            None,
        )
        .await
        .unwrap()
        .unwrap();
    let bea = account("bea@example.org").await;
    app.identity
        .invite_caregiver(&bea, "cy@example.org", "Cy Ward")
        .await
        .unwrap()
        .unwrap();
    // The invitation is claimed once Cy proves the address (issue 12, finding 6).
    app.verify_email("cy@example.org").await;
    People {
        ana: session(app, "ana@example.org").await,
        bea: session(app, "bea@example.org").await,
        cy: session(app, "cy@example.org").await,
        anon: app.anon.clone(),
        w,
    }
}

/// A made-up id that no resource has.
const MISSING: &str = "00000000-0000-4000-8000-00000000dead";

/// The one response entry of a Bundle answer, scrubbed.
async fn entry_answer(
    c: &reqwest::Client,
    base: &str,
    kind: &str,
    url: &str,
    ids: &[&str],
) -> String {
    let (st, body) = answer(
        c.post(format!("{base}/")).json(&bundle(kind, "GET", url)),
        ids,
    )
    .await;
    let v: Value = serde_json::from_str(&body).unwrap();
    if st == 200 {
        let e = &v["entry"][0];
        format!(
            "{} {}",
            e["response"]["status"],
            e.get("resource").map(Value::to_string).unwrap_or_default()
        )
    } else {
        // A transaction fails as a whole: its status and outcome are the entry's answer.
        format!("{st} {body}")
    }
}

/// Finding 1: GET entries in batch and transaction Bundles go through the policy. For every
/// caller, a hidden resource answers as a missing one and nothing is disclosed.
async fn bundle_get_entries_follow_the_policy(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    // (who, client, hidden url, missing url)
    let cases: Vec<(&str, &reqwest::Client, String, String)> = vec![
        (
            "anonymous",
            &p.anon,
            format!("Patient/{}", w.adult.patient),
            format!("Patient/{MISSING}"),
        ),
        (
            "anonymous",
            &p.anon,
            format!("Condition?patient={}", w.adult.patient),
            format!("Condition?patient={MISSING}"),
        ),
        (
            "other member",
            &p.bea,
            format!("Patient/{}", w.adult.patient),
            format!("Patient/{MISSING}"),
        ),
        (
            "other member",
            &p.bea,
            format!("Condition/{}", w.adult.depression),
            format!("Condition/{MISSING}"),
        ),
        (
            "other member",
            &p.bea,
            format!("Condition/{}/_history/1", w.adult.depression),
            format!("Condition/{MISSING}/_history/1"),
        ),
        (
            "parent of teen",
            &p.ana,
            format!("Condition/{}", w.teen.depression),
            format!("Condition/{MISSING}"),
        ),
        (
            "parent of teen",
            &p.ana,
            format!("MedicationRequest/{}", w.teen.med),
            format!("MedicationRequest/{MISSING}"),
        ),
        (
            "caregiver",
            &p.cy,
            format!("Condition/{}", w.other.depression),
            format!("Condition/{MISSING}"),
        ),
    ];
    for kind in ["batch", "transaction"] {
        for (who, c, hidden, missing) in &cases {
            let hidden_id = hidden.split(['/', '=']).nth(1).unwrap_or_default();
            let h = entry_answer(c, &base, kind, hidden, &[hidden_id, MISSING]).await;
            let m = entry_answer(c, &base, kind, missing, &[hidden_id, MISSING]).await;
            assert_eq!(
                h, m,
                "{who}, {kind} GET {hidden} differs from a missing one"
            );
            assert!(
                !h.starts_with("\"200"),
                "{who}, {kind} GET {hidden} was answered: {h}"
            );
            // And the Bundle answers as the direct interaction does.
            let direct = c
                .get(format!("{base}/{hidden}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            assert!(
                h.contains(&direct.to_string()),
                "{who}: {kind} {hidden} → {h}, direct {direct}"
            );
        }
    }
    // Searches inside a batch answer as the direct search does, filtered in the query with exact
    // counts: the teen's hidden diagnosis and the caregiver's hidden category are not counted.
    for (c, url, want) in [
        (
            &p.ana,
            format!("Condition?patient={}&_summary=count", w.teen.patient),
            None,
        ),
        (
            &p.cy,
            format!("Condition?patient={}&_summary=count", w.other.patient),
            Some(0),
        ),
        (
            &p.ana,
            format!("Condition?patient={}&_summary=count", w.child.patient),
            Some(1),
        ),
        (
            &p.bea,
            format!("Condition?patient={}&_summary=count", w.adult.patient),
            None,
        ),
        (
            &p.anon,
            format!("Condition?patient={}&_summary=count", w.adult.patient),
            None,
        ),
    ] {
        let r: Value = c
            .post(format!("{base}/"))
            .json(&bundle("batch", "GET", &url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let e = &r["entry"][0];
        let batch_status: u16 = e["response"]["status"]
            .as_str()
            .unwrap_or("")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = c.get(format!("{base}/{url}")).send().await.unwrap();
        let direct_status = d.status().as_u16();
        let d: Value = d.json().await.unwrap();
        assert_eq!(
            batch_status, direct_status,
            "{url}: batch {r} vs direct {d}"
        );
        assert_eq!(
            e["resource"]["total"].as_i64(),
            d["total"].as_i64(),
            "{url}"
        );
        match want {
            Some(n) => assert_eq!(d["total"], n, "{url}: {d}"),
            None => assert!(direct_status >= 400, "{url}: answered {d}"),
        }
    }
}
both!(bundle_get_entries_follow_the_policy);

/// Finding 2: conditional create decides on the type before it resolves the criteria and only
/// matches what the caller may read; a match of a hidden resource is never returned.
async fn conditional_create_is_not_a_side_door(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    let body = json!({"resourceType": "Condition",
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9"}]},
        "subject": {"reference": format!("Patient/{}", w.adult.patient)}});
    let matching = format!("patient={}&code=F32.9", w.adult.patient);
    let nothing = format!("patient={}&code=Z00.00", w.adult.patient);
    for (who, c) in [("anonymous", &p.anon), ("other member", &p.bea)] {
        let h = answer(
            c.post(format!("{base}/Condition"))
                .header("If-None-Exist", &matching)
                .json(&body),
            &[],
        )
        .await;
        let m = answer(
            c.post(format!("{base}/Condition"))
                .header("If-None-Exist", &nothing)
                .json(&body),
            &[],
        )
        .await;
        assert_eq!(
            h, m,
            "{who}: conditional create on a hidden match differs from no match"
        );
        assert!(h.0 == 401 || h.0 == 403, "{who}: {h:?}");
        assert!(
            !h.1.contains(&w.adult.depression),
            "{who}: the hidden id leaked"
        );
    }
    // Inside a transaction: the matched id never comes back to a caller who may not see it.
    let tx = json!({"resourceType": "Bundle", "type": "transaction", "entry": [{
        "fullUrl": "urn:uuid:6f0c1c8e-3b0a-4a53-9f57-0d0c6d6b1c11",
        "resource": body,
        "request": {"method": "POST", "url": "Condition", "ifNoneExist": matching}}]});
    let r = p
        .bea
        .post(format!("{base}/"))
        .json(&tx)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert!(
        !text.contains(&w.adult.depression),
        "transaction answered with the hidden id: {text}"
    );
    assert_ne!(st, 200, "{text}");
    // The parent of a teen: the teen's hidden diagnosis is not matched (a new one would be made
    // where the parent may write; here they may not, so both answers are the same refusal).
    let teen_q = format!("patient={}&code=F32.9", w.teen.patient);
    let teen_none = format!("patient={}&code=Z00.00", w.teen.patient);
    let mut teen_body = body.clone();
    teen_body["subject"]["reference"] = json!(format!("Patient/{}", w.teen.patient));
    let h = answer(
        p.ana
            .post(format!("{base}/Condition"))
            .header("If-None-Exist", &teen_q)
            .json(&teen_body),
        &[],
    )
    .await;
    let m = answer(
        p.ana
            .post(format!("{base}/Condition"))
            .header("If-None-Exist", &teen_none)
            .json(&teen_body),
        &[],
    )
    .await;
    assert_eq!(h, m, "parent of teen: a hidden match answers as no match");
    assert!(!h.1.contains(&w.teen.depression));
}
both!(conditional_create_is_not_a_side_door);

/// Finding 3: conditional delete and update are not existence oracles, and delete nothing the
/// caller may not see.
async fn conditional_delete_and_update_are_not_oracles(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    let hit = format!("{base}/Condition?patient={}&code=F32.9", w.adult.patient);
    let miss = format!("{base}/Condition?patient={}&code=Z00.00", w.adult.patient);
    let body = json!({"resourceType": "Condition",
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9"}]},
        "subject": {"reference": format!("Patient/{}", w.adult.patient)}});
    for (who, c) in [
        ("anonymous", &p.anon),
        ("other member", &p.bea),
        ("caregiver of another", &p.cy),
    ] {
        let h = answer(c.delete(&hit), &[]).await;
        let m = answer(c.delete(&miss), &[]).await;
        assert_eq!(h, m, "{who}: conditional delete differs on a hidden match");
        let h = answer(c.put(&hit).json(&body), &[]).await;
        let m = answer(c.put(&miss).json(&body), &[]).await;
        assert_eq!(h, m, "{who}: conditional update differs on a hidden match");
    }
    // The parent of a teen cannot probe (or delete) the teen's hidden diagnosis.
    let teen_hit = format!("{base}/Condition?patient={}&code=F32.9", w.teen.patient);
    let teen_miss = format!("{base}/Condition?patient={}&code=Z00.00", w.teen.patient);
    assert_eq!(
        answer(p.ana.delete(&teen_hit), &[]).await,
        answer(p.ana.delete(&teen_miss), &[]).await
    );
    // Nothing was deleted.
    for id in [&w.adult.depression, &w.teen.depression] {
        app.get(&format!("/Condition/{id}"))
            .await
            .assert_status(200);
    }
}
both!(conditional_delete_and_update_are_not_oracles);

/// Finding 4: `_has` tests only what the caller could read of the source type.
async fn has_is_filtered_by_the_policy(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    app.create_id(json!({"resourceType": "Encounter", "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": format!("Patient/{}", w.adult.patient)},
        "participant": [{"individual": {"reference": format!("Practitioner/{}", w.practitioner)}}]}))
        .await;
    let count = |c: &reqwest::Client, q: String| {
        let c = c.clone();
        let base = base.clone();
        async move {
            let v: Value = c
                .get(format!("{base}/{q}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["total"].as_i64().unwrap_or(-1)
        }
    };
    // Unrestricted (integration) callers see the link, so the data is there.
    assert_eq!(
        count(
            &app.client,
            format!(
                "Practitioner?_has:Encounter:practitioner:patient={}",
                w.adult.patient
            )
        )
        .await,
        1
    );
    // Anonymous and another member learn nothing about who treats Ana.
    for (who, c) in [("anonymous", &p.anon), ("other member", &p.bea)] {
        assert_eq!(
            count(
                c,
                format!(
                    "Practitioner?_has:Encounter:practitioner:patient={}",
                    w.adult.patient
                )
            )
            .await,
            0,
            "{who}"
        );
    }
    // Ana herself may.
    assert_eq!(
        count(
            &p.ana,
            format!(
                "Practitioner?_has:Encounter:practitioner:patient={}",
                w.adult.patient
            )
        )
        .await,
        1
    );
    // The parent of a teen cannot test for the teen's hidden codes (yes/no oracle) …
    for (t, q) in [
        ("Condition", "code=F32.9"),
        ("MedicationRequest", "status=active"),
        ("Observation", "code=2345-7"),
    ] {
        let hidden = count(
            &p.ana,
            format!("Patient?_id={}&_has:{t}:patient:{q}", w.teen.patient),
        )
        .await;
        assert_eq!(hidden, 0, "parent of teen: _has:{t} {q}");
    }
    // … while what the parent may see still answers (growth data, immunizations).
    assert_eq!(
        count(
            &p.ana,
            format!(
                "Patient?_id={}&_has:Observation:patient:code=8302-2",
                w.teen.patient
            )
        )
        .await,
        1
    );
    // A caregiver cannot test for the sensitive category either.
    assert_eq!(
        count(
            &p.cy,
            format!(
                "Patient?_id={}&_has:Condition:patient:code=F32.9",
                w.other.patient
            )
        )
        .await,
        0
    );
}
both!(has_is_filtered_by_the_policy);

/// Finding 5: the history of a hidden resource answers as the history of a missing one.
async fn hidden_history_is_missing(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    for (who, c, hidden) in [
        (
            "parent of teen",
            &p.ana,
            format!("Condition/{}", w.teen.depression),
        ),
        (
            "caregiver",
            &p.cy,
            format!("Condition/{}", w.other.depression),
        ),
        (
            "other member",
            &p.bea,
            format!("Condition/{}", w.adult.depression),
        ),
    ] {
        let id = hidden.split('/').nth(1).unwrap().to_owned();
        let h = answer(c.get(format!("{base}/{hidden}/_history")), &[&id, MISSING]).await;
        let m = answer(
            c.get(format!("{base}/Condition/{MISSING}/_history")),
            &[&id, MISSING],
        )
        .await;
        assert_eq!(
            h, m,
            "{who}: history of a hidden resource differs from a missing one"
        );
        assert_eq!(h.0, 404, "{who}: {h:?}");
    }
    // What the caller may see still has its history.
    let r = p
        .ana
        .get(format!("{base}/Observation/{}/_history", w.teen.height))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], 1);
}
both!(hidden_history_is_missing);

/// Finding 9: a refused attempt on a member's record carries its compartment and shows in
/// "Who looked at my record" as refused, in both languages.
async fn refused_attempts_show_in_the_access_log(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let w = &p.w;
    let st = p
        .bea
        .get(format!("{base}/Condition/{}", w.adult.depression))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st.as_u16(), 404);
    let rows = app.audit_rows().await;
    let refused: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.outcome != "success" && r.compartment.as_deref() == Some(w.adult.patient.as_str())
        })
        .collect();
    assert!(
        refused.iter().any(|r| r.res_id.as_deref() == Some(w.adult.depression.as_str()) && r.action == "read"),
        "no refused read in Ana's compartment: {refused:?}"
    );
    for (lang, word) in [("en", "refused"), ("es", "se le neg")] {
        let html = p
            .ana
            .get(format!("{}/privacy/access-log?lang={lang}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(word),
            "{lang}: the refused attempt is not on the page"
        );
    }
}
both!(refused_attempts_show_in_the_access_log);

/// Finding 11 (part): `/api/coverage-status` follows SMART scopes; app registration takes the
/// loopback host whole; every response carries a Content-Security-Policy with no script.
async fn scopes_loopback_and_headers(app: &TestApp) {
    let p = people(app).await;
    let ana = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "ana@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    let redirect = "http://127.0.0.1:9/callback";
    let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
    let mut statuses = Vec::new();
    for scope in [
        "launch/patient patient/Observation.rs",
        "launch/patient patient/Coverage.rs",
    ] {
        let (cid, code) = app
            .authorize_app(&ana.id, scope, &p.w.adult.patient, redirect, verifier)
            .await;
        let t = app
            .identity
            .exchange_code(&cid, None, &code, redirect, verifier)
            .await
            .unwrap()
            .unwrap();
        let c = crate::support::client_with_token(&t.access_token);
        let st = c
            .get(format!(
                "{}/api/coverage-status?patient={}&date=2026-03-01",
                app.base, p.w.adult.patient
            ))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        statuses.push(st);
    }
    assert_eq!(
        statuses[0], 403,
        "an Observation-only app read coverage status"
    );
    assert_ne!(statuses[1], 403, "an app with a Coverage scope was refused");
    // Loopback means the loopback host, not a prefix of some other host.
    for uri in [
        "http://localhost.evil.example/cb",
        "http://127.0.0.1.evil.example/cb",
    ] {
        let r = app
            .identity
            .register_client(
                "Evil",
                &[uri.to_owned()],
                &["launch/patient".to_owned()],
                false,
                false,
                "staff:admin",
            )
            .await
            .unwrap();
        assert!(r.is_err(), "{uri} was accepted as a loopback redirect");
    }
    // A strict CSP on pages and API answers alike (no inline script can run).
    for url in [
        format!("{}/", app.base),
        format!("{}/sign-in", app.base),
        format!("{}/metadata", app.fhir_base),
    ] {
        let r = p.anon.get(&url).send().await.unwrap();
        let csp = r
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
            "{url}: {csp:?}"
        );
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "HSTS on a plain-http server"
        );
    }
}
both!(scopes_loopback_and_headers);

/// Finding 11 (part): a password change signs out every other session and sends a notice.
async fn password_change_ends_other_sessions(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let url = format!("{base}/Patient/{}", p.w.adult.patient);
    let other = session(app, "ana@example.org").await;
    assert_eq!(other.get(&url).send().await.unwrap().status().as_u16(), 200);
    let me = app
        .identity
        .sign_in("ana@example.org", PW, "127.0.0.1")
        .await
        .unwrap()
        .unwrap();
    let acct = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "ana@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    let keep = ws_identity::secrets::token_hash(me.token.expose());
    app.identity
        .change_password(&acct.id, PW, "a brand new quiet harbour lantern", &keep)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        other.get(&url).send().await.unwrap().status().as_u16(),
        401,
        "the other session still works"
    );
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::COOKIE,
        format!("ws_session={}", me.token.expose()).parse().unwrap(),
    );
    let mine = reqwest::Client::builder()
        .no_proxy()
        .default_headers(h)
        .build()
        .unwrap();
    assert_eq!(
        mine.get(&url).send().await.unwrap().status().as_u16(),
        200,
        "the changing session was ended"
    );
    let sent = app.run_pending_jobs().await;
    assert!(
        sent.iter()
            .any(|m| m.recipient == "ana@example.org" && m.subject.contains("password")),
        "no notice"
    );
}
both!(password_change_ends_other_sessions);

/// Finding 6: an invitation addressed to an email is claimed only by an account that proved it
/// owns the address, and only before it expires; registering with the address is not enough.
async fn invitations_need_a_proven_address(app: &TestApp) {
    let p = people(app).await;
    let base = app.fhir_base.clone();
    let url = format!("{base}/Patient/{}", p.w.other.patient);
    let bea = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "bea@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    app.identity
        .invite_caregiver(&bea, "dee@example.org", "Dee Marsh")
        .await
        .unwrap()
        .unwrap();
    // Someone registers with the invited address (they do not own the mailbox).
    app.identity
        .register_caregiver(
            "Mal Lory",
            &date_years_ago(30, 0),
            "dee@example.org",
            "206 555 0100",
            PW,
            "WA",
            None,
        )
        .await
        .unwrap()
        .unwrap();
    let squatter = session(app, "dee@example.org").await;
    assert_eq!(
        squatter.get(&url).send().await.unwrap().status().as_u16(),
        404,
        "registering claimed the invitation"
    );
    // The owner of the mailbox follows the link: now it is theirs.
    app.verify_email("dee@example.org").await;
    assert_eq!(
        squatter.get(&url).send().await.unwrap().status().as_u16(),
        200
    );
    // An invitation older than its 30 days is not claimed by a later proof.
    app.identity
        .invite_caregiver(&bea, "eve@example.org", "Eve Stone")
        .await
        .unwrap()
        .unwrap();
    {
        let mut c = app.store.begin().await.unwrap();
        let old = app.fhir.clock().now_micros() - 31 * 24 * 3600 * 1_000_000;
        c.execute(
            "UPDATE proxy_grants SET created_at = $1 WHERE grantee_email = $2",
            &[old.into(), "eve@example.org".into()],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
    }
    app.identity
        .register_caregiver(
            "Eve Stone",
            &date_years_ago(30, 0),
            "eve@example.org",
            "206 555 0101",
            PW,
            "WA",
            None,
        )
        .await
        .unwrap()
        .unwrap();
    app.verify_email("eve@example.org").await;
    let eve = session(app, "eve@example.org").await;
    assert_eq!(
        eve.get(&url).send().await.unwrap().status().as_u16(),
        404,
        "an expired invitation was claimed"
    );
    // A used link does not work twice (the page says so in plain words).
    let r = p
        .anon
        .get(format!("{}/verify-email?token=not-a-real-token", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}
both!(invitations_need_a_proven_address);

/// Finding 8: throttles that protect without locking out, and a pause that is told only to
/// whoever proves the password (AUT-01, AUT-03).
async fn throttles_protect_without_locking_out(app: &TestApp) {
    use ws_identity::service::SignInError;
    let _p = people(app).await;
    // 1. "Paused" only for the right password; a wrong one answers as for an unknown address.
    for _ in 0..5 {
        let e = app
            .identity
            .sign_in("bea@example.org", "wrong password here", "198.51.100.1")
            .await
            .unwrap()
            .unwrap_err();
        assert!(matches!(e, SignInError::BadCredentials), "{e:?}");
    }
    let wrong = app
        .identity
        .sign_in("bea@example.org", "still the wrong one", "198.51.100.2")
        .await
        .unwrap()
        .unwrap_err();
    let unknown = app
        .identity
        .sign_in("nobody@example.org", "still the wrong one", "198.51.100.3")
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(wrong, SignInError::BadCredentials),
        "paused account told a wrong password apart: {wrong:?}"
    );
    assert!(matches!(unknown, SignInError::BadCredentials));
    let right = app
        .identity
        .sign_in("bea@example.org", PW, "198.51.100.4")
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(right, SignInError::Locked { .. }), "{right:?}");
    // Through the page: a paused account with a wrong password and an unknown address look the same.
    let page = |email: &'static str| async move {
        let c = reqwest::Client::builder()
            .no_proxy()
            .cookie_store(true)
            .build()
            .unwrap();
        let html = c
            .get(format!("{}/sign-in", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let r = c
            .post(format!("{}/sign-in", app.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", "not the password at all"),
            ])
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        let body = r.text().await.unwrap().replace(email, "<EMAIL>");
        let body: String = body.lines().filter(|l| !l.contains("csrf")).collect();
        (st, body)
    };
    assert_eq!(
        page("bea@example.org").await,
        page("nobody2@example.org").await
    );

    // 2. Behind one address (a NAT): someone else's failures throttle strangers, not a browser
    //    that signed in to its own account before.
    let nat = "203.0.113.50";
    let first = app
        .identity
        .sign_in_from_device("ana@example.org", PW, nat, None)
        .await
        .unwrap()
        .unwrap();
    let device = first
        .device
        .clone()
        .expect("a device token on first sign-in");
    for i in 0..25 {
        let _ = app
            .identity
            .sign_in(&format!("guess{i}@example.org"), "password guess", nat)
            .await
            .unwrap();
    }
    let stranger = app
        .identity
        .sign_in("ana@example.org", PW, nat)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(stranger, SignInError::Throttled { .. }),
        "{stranger:?}"
    );
    let known = app
        .identity
        .sign_in_from_device("ana@example.org", PW, nat, Some(device.expose()))
        .await
        .unwrap();
    assert!(
        known.is_ok(),
        "the member's own browser was locked out by others: {:?}",
        known.err()
    );
    // The device token is for that account only.
    let other = app
        .identity
        .sign_in_from_device("cy@example.org", PW, nat, Some(device.expose()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(other, SignInError::Throttled { .. }));

    // 3. Reset links: at most three an hour to one account; a flooding address gets none.
    app.run_pending_jobs().await;
    for _ in 0..5 {
        app.identity
            .request_reset("cy@example.org", Some("198.51.100.77"))
            .await
            .unwrap();
    }
    let sent = app.run_pending_jobs().await;
    let to_cy = sent
        .iter()
        .filter(|m| m.recipient == "cy@example.org" && m.body.contains("/password/reset?token="))
        .count();
    assert_eq!(to_cy, 3, "reset emails to one account in an hour");
    for _ in 0..30 {
        app.identity
            .request_reset("ana@example.org", Some("198.51.100.88"))
            .await
            .unwrap();
    }
    let sent = app.run_pending_jobs().await;
    assert!(
        sent.len() <= 3 * 2,
        "an address flooded the outbox: {} messages",
        sent.len()
    );

    // 4. Invitations: at most ten a day from one account.
    let bea = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "bea@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    let mut refused = 0;
    for i in 0..12 {
        if let Err(e) = app
            .identity
            .invite_caregiver(&bea, &format!("friend{i}@example.org"), "A Friend")
            .await
            .unwrap()
        {
            assert!(
                matches!(e, ws_identity::service::ProxyError::TooManyInvitations),
                "{e:?}"
            );
            refused += 1;
        }
    }
    // Bea invited Cy already (people()), so the tenth of these is the eleventh of the day.
    assert_eq!(refused, 3);
}
both!(throttles_protect_without_locking_out);

/// Finding 11 (part): replaying a rotated refresh token revokes the grant, so the successor a
/// thief (or the app) obtained stops working too.
async fn refresh_token_reuse_revokes_the_grant(app: &TestApp) {
    let p = people(app).await;
    let ana = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "ana@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    let redirect = "http://127.0.0.1:9/callback";
    let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
    let (cid, code) = app
        .authorize_app(
            &ana.id,
            "launch/patient patient/*.rs offline_access",
            &p.w.adult.patient,
            redirect,
            verifier,
        )
        .await;
    let first = app
        .identity
        .exchange_code(&cid, None, &code, redirect, verifier)
        .await
        .unwrap()
        .unwrap();
    let rt1 = first
        .refresh_token
        .clone()
        .expect("a refresh token with offline_access");
    let second = app
        .identity
        .refresh(&cid, None, &rt1)
        .await
        .unwrap()
        .unwrap();
    let rt2 = second.refresh_token.clone().unwrap();
    let url = format!("{}/Patient/{}", app.fhir_base, p.w.adult.patient);
    let c2 = crate::support::client_with_token(&second.access_token);
    assert_eq!(c2.get(&url).send().await.unwrap().status().as_u16(), 200);
    // The old one comes back: refused, and the whole grant ends.
    let replay = app.identity.refresh(&cid, None, &rt1).await.unwrap();
    assert!(replay.is_err(), "a rotated refresh token worked again");
    assert!(
        app.identity
            .refresh(&cid, None, &rt2)
            .await
            .unwrap()
            .is_err(),
        "the successor survived a replay"
    );
    assert_eq!(
        c2.get(&url).send().await.unwrap().status().as_u16(),
        401,
        "the successor's access token survived"
    );
}
both!(refresh_token_reuse_revokes_the_grant);
