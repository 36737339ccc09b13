//! `POST /fhir/MedicationRequest/<id>/$refill` through the HTTP API, on both back ends: an order
//! is placed exactly once (a repeat, or twenty at once, answer with the same
//! `MedicationDispense`); every "no" is a 422 whose `issue[0].details.coding[0].code` says why
//! (DOMAIN RX-01 too soon — EX-R1: a 30-day fill may be refilled from day 21 —, RX-04
//! controlled, RX-05 expired, RX-06 / EX-R3 no refills → a renewal request instead, exactly
//! once); and the caller must be the member, a proxy with full access, an app with a write scope,
//! a pharmacist or an integration — anyone else gets the answer for a missing prescription
//! (PRX-03: a parent of a teen does not see the teen's medicines).
//!
//! Fills are `MedicationDispense` resources with `status: completed` written directly with the
//! integration client; every date is relative to the real today in UTC (the server's clock).

use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::authz::{date_years_ago, person, register};
use crate::support::{Resp, TestApp, answer, client_with_token, id_of, match_ids};

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const TASK_SYSTEM: &str = "urn:wellspring:pharmacy-task";
/// Not on any list: covered, not controlled.
const LISINOPRIL: (&str, &str) = ("314076", "lisinopril 10 mg oral tablet");
/// Schedule II (RX-04).
const OXYCODONE: (&str, &str) = ("1049621", "oxycodone 5 mg oral tablet");
/// Not on the formulary.
const NOT_COVERED: (&str, &str) = ("1665685", "a drug the plan does not cover");
/// Needs prior authorization.
const PRIOR_AUTH: (&str, &str) = ("1991306", "a drug that needs prior authorization");

/// Today as the server sees it (its clock, in UTC).
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn days_ago(n: i64) -> Date {
    today().checked_sub(n.days()).unwrap()
}

/// A prescription for `drug`, written on `authored`, with `refills` refills of a 30-day supply.
fn prescription(
    patient: &str,
    drug: (&str, &str),
    refills: u32,
    authored: Date,
    valid_until: Option<Date>,
    status: &str,
) -> Value {
    let mut validity = json!({"start": authored.to_string()});
    if let Some(end) = valid_until {
        validity["end"] = json!(end.to_string());
    }
    json!({"resourceType": "MedicationRequest", "status": status, "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": drug.0, "display": drug.1}],
            "text": drug.1},
        "subject": {"reference": format!("Patient/{patient}")},
        "authoredOn": authored.to_string(),
        "dosageInstruction": [{"text": "Take 1 tablet by mouth daily"}],
        "dispenseRequest": {
            "validityPeriod": validity,
            "numberOfRepeatsAllowed": refills,
            "quantity": {"value": 30, "unit": "tablet"},
            "expectedSupplyDuration": {"value": 30, "unit": "days",
                "system": "http://unitsofmeasure.org", "code": "d"}}})
}

/// A fill handed over on `on` (whoever writes it, the refill rules read it).
fn fill(patient: &str, mr: &str, drug: (&str, &str), on: Date, days: u32) -> Value {
    json!({"resourceType": "MedicationDispense", "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": drug.0, "display": drug.1}],
            "text": drug.1},
        "subject": {"reference": format!("Patient/{patient}")},
        "authorizingPrescription": [{"reference": format!("MedicationRequest/{mr}")}],
        "quantity": {"value": days, "unit": "tablet"},
        "daysSupply": {"value": days, "unit": "days",
            "system": "http://unitsofmeasure.org", "code": "d"},
        "whenHandedOver": on.to_string()})
}

/// Create a prescription and its fills (`(handed over, days' supply)`); its id.
async fn rx_with_fills(app: &TestApp, mr: Value, fills: &[(Date, u32)]) -> String {
    let patient = mr["subject"]["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix("Patient/"))
        .unwrap()
        .to_owned();
    let drug_code = mr["medicationCodeableConcept"]["coding"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let drug_name = mr["medicationCodeableConcept"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.create_id(mr).await;
    for (on, days) in fills {
        app.create_id(fill(&patient, &id, (&drug_code, &drug_name), *on, *days))
            .await;
    }
    id
}

fn refill_url(app: &TestApp, mr: &str) -> String {
    format!("{}/MedicationRequest/{mr}/$refill", app.fhir_base)
}

/// `$refill` as `c`, with an optional `Parameters` body.
async fn refill(app: &TestApp, c: &reqwest::Client, mr: &str, body: Option<&Value>) -> Resp {
    let mut req = c.post(refill_url(app, mr));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/fhir+json")
            .body(b.to_string());
    }
    app.send(req).await
}

fn pick_up() -> Value {
    json!({"resourceType": "Parameters",
        "parameter": [{"name": "channel", "valueCode": "pick-up"}]})
}

/// The dispenses (fills and orders) of a prescription, as the integration sees them.
async fn dispenses(app: &TestApp, mr: &str) -> Vec<String> {
    let b = app
        .search(
            "MedicationDispense",
            &format!("prescription=MedicationRequest/{mr}&_count=1000"),
        )
        .await;
    let ids = match_ids(&b);
    if let Some(total) = b["total"].as_u64() {
        assert_eq!(total as usize, ids.len(), "search total vs entries: {b}");
    }
    ids
}

/// The renewal requests (`Task`, code `renewal`) filed about a prescription.
async fn renewals(app: &TestApp, mr: &str) -> Vec<Value> {
    let b = app
        .search(
            "Task",
            &format!("focus=MedicationRequest/{mr}&code={TASK_SYSTEM}|renewal&_count=1000"),
        )
        .await;
    b["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == "match")
        .map(|e| e["resource"].clone())
        .collect()
}

/// Assert a 201 `MedicationDispense` order for `mr`; returns its id.
#[track_caller]
fn assert_ordered(r: &Resp, app: &TestApp, mr: &str) -> String {
    assert_eq!(r.status, 201, "$refill of {mr}: {}", r.describe());
    let d = r.json();
    assert_eq!(d["resourceType"], "MedicationDispense", "{}", r.describe());
    assert_eq!(d["status"], "in-progress", "{}", r.describe());
    assert_eq!(
        d["authorizingPrescription"][0]["reference"],
        format!("MedicationRequest/{mr}"),
        "{}",
        r.describe()
    );
    let days = d["daysSupply"]["value"].as_f64().unwrap_or(0.0);
    assert!(
        days > 0.0 && days <= 30.0,
        "daysSupply of a 30-day prescription: {}",
        r.describe()
    );
    let id = id_of(&d);
    let loc = r
        .header("location")
        .unwrap_or_else(|| panic!("no Location header: {}", r.describe()));
    assert!(
        loc.starts_with(&app.fhir_base) && loc.contains(&format!("MedicationDispense/{id}")),
        "Location {loc} does not name MedicationDispense/{id}"
    );
    id
}

/// A 422 refusal: (code, details.text, diagnostics).
#[track_caller]
fn refusal(r: &Resp) -> (String, String, Option<String>) {
    assert_eq!(r.status, 422, "expected a refusal: {}", r.describe());
    let oo = r.json();
    assert_eq!(oo["resourceType"], "OperationOutcome", "{}", r.describe());
    let issue = &oo["issue"][0];
    assert!(
        issue["severity"] == "error" || issue["severity"] == "fatal",
        "{}",
        r.describe()
    );
    (
        issue["details"]["coding"][0]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        issue["details"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        issue["diagnostics"].as_str().map(str::to_owned),
    )
}

/// RX-01: an integration orders a refill: 201 with the order (a `MedicationDispense` in
/// progress) and its Location; the same request again answers 201 with the same order, and
/// exactly one dispense was added. With no body at all, the default fulfilment is used.
async fn rx_01_refill_is_ordered_once_and_a_repeat_answers_the_same_order(app: &TestApp) {
    let p = app
        .create_id(person("MRN-R1", "Rosa", "Lind", &date_years_ago(60, 0)))
        .await;
    // Filled 25 days ago with a 30-day supply: refillable since day 21.
    let mr = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    let before = dispenses(app, &mr).await;
    assert_eq!(before.len(), 1, "the one fill: {before:?}");

    let first = refill(app, &app.client, &mr, Some(&pick_up())).await;
    let order = assert_ordered(&first, app, &mr);
    let stored = app.get(&format!("/MedicationDispense/{order}")).await;
    stored.assert_status(200);
    assert_eq!(stored.json()["status"], "in-progress");
    assert_eq!(
        stored.json()["subject"]["reference"],
        format!("Patient/{p}"),
        "the order is in the member's record"
    );

    let again = refill(app, &app.client, &mr, Some(&pick_up())).await;
    let order2 = assert_ordered(&again, app, &mr);
    assert_eq!(order2, order, "the same request twice is one order");
    assert_eq!(again.header("location"), first.header("location"));

    let after = dispenses(app, &mr).await;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "exactly one order was added: before {before:?}, after {after:?}"
    );
    assert!(after.contains(&order), "{after:?} lacks {order}");

    // The body is optional.
    let mr2 = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    let r = refill(app, &app.client, &mr2, None).await;
    let o2 = assert_ordered(&r, app, &mr2);
    assert_ne!(o2, order, "another prescription, another order");
    assert_eq!(dispenses(app, &mr2).await.len(), 2);
}

/// RX-01, exactly once under concurrency: twenty simultaneous `$refill` requests for the same
/// prescription, each on its own connection, all answer 201 with the same order, and exactly
/// one dispense is stored.
async fn rx_01_twenty_simultaneous_refills_make_one_order(app: &TestApp) {
    let p = app
        .create_id(person("MRN-R2", "Remy", "Stone", &date_years_ago(55, 0)))
        .await;
    let mr = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 5, days_ago(90), None, "active"),
        &[(days_ago(28), 30)],
    )
    .await;
    let before = dispenses(app, &mr).await.len();
    const N: usize = 20;
    let barrier = Arc::new(tokio::sync::Barrier::new(N));
    let url = refill_url(app, &mr);
    let body = pick_up().to_string();
    let mut tasks = Vec::with_capacity(N);
    for _ in 0..N {
        let c = app.new_client();
        let (barrier, url, body) = (barrier.clone(), url.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = c
                .post(url)
                .header("content-type", "application/fhir+json")
                .body(body)
                .send()
                .await
                .expect("sending $refill");
            Resp::read(r).await
        }));
    }
    let answers = futures::future::join_all(tasks).await;
    let mut ids = Vec::with_capacity(N);
    let mut wrong = Vec::new();
    for (i, a) in answers.into_iter().enumerate() {
        let r = a.expect("the request task");
        if r.status == 201 {
            ids.push(id_of(&r.json()));
        } else {
            wrong.push(format!("request {i}: {}", r.describe()));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {N} simultaneous $refill did not answer 201:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "all answered with the same order: {ids:?}");
    let after = dispenses(app, &mr).await;
    assert_eq!(
        after.len(),
        before + 1,
        "exactly one dispense was stored for {N} simultaneous requests: {after:?}"
    );
    assert!(after.contains(&ids[0]));
}

/// RX-01 / EX-R1 and RX-05 on their boundaries: a 30-day fill handed over 20 days ago is too
/// soon, first date tomorrow (day 21); handed over 21 days ago it is ordered. A prescription
/// without an end date written exactly a year ago expired yesterday; written a year ago less
/// a day it is valid through today.
async fn ex_r1_rx_05_refills_open_on_the_first_allowed_day(app: &TestApp) {
    let p = app
        .create_id(person("MRN-R3", "Ines", "Moreau", &date_years_ago(45, 0)))
        .await;
    let day_20 = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(20), 30)],
    )
    .await;
    let (code, text, diag) = refusal(&refill(app, &app.client, &day_20, None).await);
    assert_eq!(code, "too-soon", "{text}");
    assert_eq!(
        diag.as_deref(),
        Some(today().checked_add(1.day()).unwrap().to_string().as_str()),
        "EX-R1: filled D with 30 days → first refill date D+21"
    );
    let day_21 = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(21), 30)],
    )
    .await;
    assert_ordered(&refill(app, &app.client, &day_21, None).await, app, &day_21);

    let year_ago = today().checked_sub(1.year()).unwrap();
    let expired = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 5, year_ago, None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    let (code, text, _) = refusal(&refill(app, &app.client, &expired, None).await);
    assert_eq!(
        code, "expired",
        "RX-05: written {year_ago}, valid through authoredOn + 1 year − 1 day: {text}"
    );
    let still_valid = rx_with_fills(
        app,
        prescription(
            &p,
            LISINOPRIL,
            5,
            year_ago.checked_add(1.day()).unwrap(),
            None,
            "active",
        ),
        &[(days_ago(25), 30)],
    )
    .await;
    assert_ordered(
        &refill(app, &app.client, &still_valid, None).await,
        app,
        &still_valid,
    );
}

/// RX-01, RX-04, RX-05, RX-06 / EX-R3: each refusal is a 422 with its code and an explanation
/// in words (too soon: the first date it can be ordered); nothing is ordered. Out of refills or
/// expired files a renewal request (`Task` renewal, focus the prescription, for the patient)
/// exactly once; asking again while it is open answers `in-process`.
async fn rx_04_05_06_ex_r3_refusals_say_why(app: &TestApp) {
    let p = app
        .create_id(person("MRN-R4", "Tomas", "Varga", &date_years_ago(70, 0)))
        .await;
    struct Case {
        name: &'static str,
        mr: Value,
        fills: Vec<(Date, u32)>,
        code: &'static str,
        diagnostics: Option<String>,
        renewal: bool,
    }
    let cases = vec![
        Case {
            name: "RX-01/EX-R1 too soon: 30 days filled 10 days ago",
            mr: prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
            fills: vec![(days_ago(10), 30)],
            code: "too-soon",
            diagnostics: Some(days_ago(10).checked_add(21.days()).unwrap().to_string()),
            renewal: false,
        },
        Case {
            name: "RX-06 no refills: 1 allowed, 2 fills",
            mr: prescription(&p, LISINOPRIL, 1, days_ago(90), None, "active"),
            fills: vec![(days_ago(60), 30), (days_ago(28), 30)],
            code: "no-refills",
            diagnostics: None,
            renewal: true,
        },
        Case {
            name: "RX-05 expired: validityPeriod.end 35 days ago",
            mr: prescription(
                &p,
                LISINOPRIL,
                5,
                days_ago(300),
                Some(days_ago(35)),
                "active",
            ),
            fills: vec![(days_ago(40), 30)],
            code: "expired",
            diagnostics: None,
            renewal: true,
        },
        Case {
            name: "RX-04 controlled: schedule II after one fill",
            mr: prescription(&p, OXYCODONE, 2, days_ago(30), None, "active"),
            fills: vec![(days_ago(25), 30)],
            code: "controlled",
            diagnostics: None,
            renewal: false,
        },
        Case {
            name: "discontinued: stopped by the prescriber",
            mr: prescription(&p, LISINOPRIL, 3, days_ago(60), None, "stopped"),
            fills: vec![(days_ago(25), 30)],
            code: "discontinued",
            diagnostics: None,
            renewal: false,
        },
        Case {
            name: "not covered by the formulary",
            mr: prescription(&p, NOT_COVERED, 3, days_ago(60), None, "active"),
            fills: vec![(days_ago(25), 30)],
            code: "not-covered",
            diagnostics: None,
            renewal: false,
        },
        Case {
            name: "prior authorization needed",
            mr: prescription(&p, PRIOR_AUTH, 3, days_ago(60), None, "active"),
            fills: vec![(days_ago(25), 30)],
            code: "prior-auth",
            diagnostics: None,
            renewal: false,
        },
    ];
    let mut wrong = Vec::new();
    for case in cases {
        let Case {
            name,
            mr,
            fills,
            code,
            diagnostics,
            renewal,
        } = case;
        let id = rx_with_fills(app, mr, &fills).await;
        let before = dispenses(app, &id).await.len();
        let r = refill(app, &app.client, &id, Some(&pick_up())).await;
        if r.status != 422 {
            wrong.push(format!("{name}: expected 422 {code}, got {}", r.describe()));
            continue;
        }
        let (got, text, diag) = refusal(&r);
        if got != code {
            wrong.push(format!(
                "{name}: code {got:?}, expected {code:?}: {}",
                r.text
            ));
        }
        if text.trim().is_empty() {
            wrong.push(format!("{name}: no details.text: {}", r.text));
        }
        if let Some(want) = &diagnostics
            && diag.as_deref() != Some(want.as_str())
        {
            wrong.push(format!(
                "{name}: diagnostics {diag:?}, expected {want:?}: {}",
                r.text
            ));
        }
        let after = dispenses(app, &id).await.len();
        if after != before {
            wrong.push(format!("{name}: {before} dispenses before, {after} after"));
        }
        let tasks = renewals(app, &id).await;
        if !renewal {
            if !tasks.is_empty() {
                wrong.push(format!("{name}: a renewal was filed: {tasks:?}"));
            }
            continue;
        }
        // RX-06 / EX-R3: one renewal request, to be answered by the prescriber.
        if tasks.len() != 1 {
            wrong.push(format!("{name}: {} renewal tasks: {tasks:?}", tasks.len()));
            continue;
        }
        let t = &tasks[0];
        if t["focus"]["reference"] != format!("MedicationRequest/{id}")
            || t["for"]["reference"] != format!("Patient/{p}")
        {
            wrong.push(format!("{name}: renewal task focus/for: {t}"));
        }
        // Asked again (twice) while the renewal is open: in process, still one task, no order.
        for attempt in ["second", "third"] {
            let r = refill(app, &app.client, &id, Some(&pick_up())).await;
            if r.status != 422 {
                wrong.push(format!("{name}, {attempt} ask: {}", r.describe()));
                continue;
            }
            let (got, text, _) = refusal(&r);
            if got != "in-process" || text.trim().is_empty() {
                wrong.push(format!(
                    "{name}, {attempt} ask: expected in-process with a text, got {got:?}: {}",
                    r.text
                ));
            }
            let n = renewals(app, &id).await.len();
            if n != 1 {
                wrong.push(format!("{name}, {attempt} ask: {n} renewal tasks"));
            }
        }
        if dispenses(app, &id).await.len() != before {
            wrong.push(format!("{name}: asking again ordered something"));
        }
    }
    assert!(wrong.is_empty(), "refusals wrong:\n{}", wrong.join("\n"));
}

/// Who may order: anonymous gets 401 and orders nothing; another member and the parent of a
/// teen (PRX-03) get exactly the answer for `MedicationRequest/does-not-exist`; the member
/// (portal session), the parent of a child under 13 and a caregiver order with 201.
async fn refill_privacy_members_proxies_and_strangers(app: &TestApp) {
    // Ana (parent of a child and a teen), Bea, Cy (Bea's caregiver), as in the privacy tests.
    let people = crate::privacy::people(app).await;
    let (ana, bea, cy) = (&people.ana, &people.bea, &people.cy);
    let w = &people.w;
    let (ana_p, bea_p, child_p, teen_p) = (
        w.adult.patient.clone(),
        w.other.patient.clone(),
        w.child.patient.clone(),
        w.teen.patient.clone(),
    );
    let refillable = |p: &str| prescription(p, LISINOPRIL, 3, days_ago(60), None, "active");
    let fills = [(days_ago(25), 30)];
    let ana_mr = rx_with_fills(app, refillable(&ana_p), &fills).await;
    let bea_mr = rx_with_fills(app, refillable(&bea_p), &fills).await;
    let child_mr = rx_with_fills(app, refillable(&child_p), &fills).await;
    let teen_mr = rx_with_fills(app, refillable(&teen_p), &fills).await;

    let before = counts(app, &[&ana_mr, &bea_mr, &child_mr, &teen_mr]).await;
    assert_eq!(before, vec![1, 1, 1, 1]);

    // Anonymous: 401, the same as for a missing id.
    const MISSING: &str = "does-not-exist";
    let anon_hidden = answer(
        app.anon.post(refill_url(app, &ana_mr)),
        &[ana_mr.as_str(), MISSING],
    )
    .await;
    let anon_missing = answer(
        app.anon.post(refill_url(app, MISSING)),
        &[ana_mr.as_str(), MISSING],
    )
    .await;
    assert_eq!(
        anon_hidden.0, 401,
        "anonymous $refill on a member's prescription: {anon_hidden:?}"
    );
    assert_eq!(
        anon_hidden, anon_missing,
        "anonymous: an existing prescription answers as a missing one"
    );

    // Another member, and the parent of a teen (PRX-03): exactly the missing-id answer.
    for (who, c, hidden) in [
        ("Bea → Ana's prescription", &bea, &ana_mr),
        ("Ana → her teen's prescription (PRX-03)", &ana, &teen_mr),
        ("Cy (Bea's caregiver) → Ana's prescription", &cy, &ana_mr),
    ] {
        let h = answer(
            c.post(refill_url(app, hidden)).json(&pick_up()),
            &[hidden.as_str(), MISSING],
        )
        .await;
        let m = answer(
            c.post(refill_url(app, MISSING)).json(&pick_up()),
            &[hidden.as_str(), MISSING],
        )
        .await;
        assert_eq!(h.0, 404, "{who}: {h:?}");
        assert_eq!(h, m, "{who}: differs from the answer for a missing id");
    }
    // The portal's forms, as Bea about Ana's prescription: the renewal and "not taking" answer
    // the not-found page a missing prescription gets; a refill of it is "not on this list".
    let (st, html) = crate::identity::page(bea, &format!("{}/pharmacy", app.base)).await;
    assert_eq!(st, 200, "{html}");
    let csrf = crate::identity::csrf_of(&html);
    for path in ["/pharmacy/renew", "/pharmacy/not-taking"] {
        let url = format!("{}{path}", app.base);
        let hidden =
            crate::identity::post_form(bea, &url, &[("csrf", &csrf), ("rx", &ana_mr)]).await;
        let missing =
            crate::identity::post_form(bea, &url, &[("csrf", &csrf), ("rx", MISSING)]).await;
        assert_eq!(
            (hidden.status().as_u16(), missing.status().as_u16()),
            (404, 404),
            "{path} about another member's prescription"
        );
    }
    let r = crate::identity::post_form(
        bea,
        &format!("{}/pharmacy/refill", app.base),
        &[("csrf", &csrf), ("rx", &ana_mr), ("channel", "pick-up")],
    )
    .await;
    let text = r.text().await.unwrap();
    assert!(
        text.contains("A prescription that is not on this list"),
        "{text}"
    );
    assert!(!text.contains("Ordered."), "nothing ordered: {text}");
    assert!(
        renewals(app, &ana_mr).await.is_empty(),
        "no renewal filed for Ana by Bea"
    );
    assert_eq!(
        counts(app, &[&ana_mr, &bea_mr, &child_mr, &teen_mr]).await,
        before,
        "refused callers ordered nothing"
    );

    // The member herself (portal session), as the parent of a child under 13 (full access),
    // and Bea's caregiver: ordered.
    for (who, c, mr, patient) in [
        ("Ana, her own", &ana, &ana_mr, &ana_p),
        ("Ana, parent of an 8-year-old", &ana, &child_mr, &child_p),
        ("Cy, Bea's caregiver", &cy, &bea_mr, &bea_p),
    ] {
        let r = refill(app, c, mr, Some(&pick_up())).await;
        assert_eq!(r.status, 201, "{who}: {}", r.describe());
        let order = assert_ordered(&r, app, mr);
        let again = refill(app, c, mr, Some(&pick_up())).await;
        assert_eq!(
            again.status,
            201,
            "{who}, asked again: {}",
            again.describe()
        );
        assert_eq!(id_of(&again.json()), order, "{who}: one order");
        let d = app
            .get(&format!("/MedicationDispense/{order}"))
            .await
            .json();
        assert_eq!(
            d["subject"]["reference"],
            format!("Patient/{patient}"),
            "{who}"
        );
    }
    assert_eq!(
        counts(app, &[&ana_mr, &bea_mr, &child_mr, &teen_mr]).await,
        vec![2, 2, 2, 1],
        "one order each for Ana, Bea (by her caregiver) and the child; none for the teen"
    );
    // Bea may order her own too: the answer is the order her caregiver placed.
    let r = refill(app, bea, &bea_mr, None).await;
    assert_eq!(r.status, 201, "Bea, her own: {}", r.describe());
    assert!(dispenses(app, &bea_mr).await.contains(&id_of(&r.json())));
}

/// How many dispenses each prescription has.
/// The pharmacy's refusals of what a member typed (the card on file, a medicine they take)
/// are said in the page's language (issue 13), in English on the API and in the service's
/// error; nothing is saved.
async fn card_and_outside_medicine_refusals_in_the_members_language(app: &TestApp) {
    let people = crate::privacy::people(app).await;
    let bea = &people.bea;
    for (lang, last4_words, name_words) in [
        (
            "en",
            "Give the last four digits of the card",
            "Keep the name under 200 characters",
        ),
        (
            "es",
            "Escriba los últimos cuatro dígitos de la tarjeta",
            "El nombre debe tener menos de 200 caracteres",
        ),
    ] {
        let card = format!("{}/pharmacy/card?lang={lang}", app.base);
        let (st, html) = crate::identity::page(bea, &card).await;
        assert_eq!(st, 200, "{html}");
        let csrf = crate::identity::csrf_of(&html);
        let r = crate::identity::post_form(
            bea,
            &card,
            &[
                ("csrf", &csrf),
                ("brand", "Visa"),
                ("last4", "42"),
                ("expires", "04/2099"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "{lang}: card");
        let text = r.text().await.unwrap();
        assert!(text.contains(last4_words), "{lang}: {text}");
        let add = format!("{}/pharmacy/add?lang={lang}", app.base);
        let long = "x".repeat(201);
        let r = crate::identity::post_form(bea, &add, &[("csrf", &csrf), ("name", &long)]).await;
        assert_eq!(r.status().as_u16(), 400, "{lang}: outside medicine");
        let text = r.text().await.unwrap();
        assert!(text.contains(name_words), "{lang}: {text}");
    }
    // The service's error is the same refusal, said in English where no page says it.
    let svc = ws_pharmacy::PharmacyService::new(app.fhir.clone());
    let member = crate::records::person(&people.w.other.patient, ws_identity::caller::Access::Own);
    let e = svc
        .save_card(&member, &people.w.other.patient, "Visa", "4242", "01/2001")
        .await
        .unwrap_err();
    assert_eq!(e.status(), 400);
    assert_eq!(e.to_string(), "This card has expired");
    let ws_pharmacy::PharmacyError::Refused(said) = e else {
        panic!("not a refusal in words: {e:?}")
    };
    assert_eq!(said.key(), "rx-card-expired");
    assert!(
        svc.card_on_file(&member, &people.w.other.patient)
            .await
            .unwrap()
            .is_none(),
        "nothing saved"
    );
}

async fn counts(app: &TestApp, mrs: &[&str]) -> Vec<usize> {
    let mut out = Vec::with_capacity(mrs.len());
    for mr in mrs {
        out.push(dispenses(app, mr).await.len());
    }
    out
}

/// A SMART app with `scope`, approved by `account` for `patient` (as `TestApp::authorize_app`
/// does), and its access token.
async fn app_token(app: &TestApp, account: &str, scope: &str, patient: &str) -> String {
    let redirect = "http://127.0.0.1:9/callback";
    let verifier = "a-very-long-code-verifier-of-enough-length-0123456789";
    let (cid, code) = app
        .authorize_app(account, scope, patient, redirect, verifier)
        .await;
    app.identity
        .exchange_code(&cid, None, &code, redirect, verifier)
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("token exchange for {scope:?}: {e:?}"))
        .access_token
}

/// Apps: one with read scopes only may not order (refused, nothing ordered); one the member
/// granted `patient/MedicationDispense.c` orders for the patient it was launched for.
async fn smart_app_with_dispense_create_scope_orders_a_refill(app: &TestApp) {
    let p = app
        .create_id(person("MRN-A1", "Ana", "Quiroga", &date_years_ago(40, 0)))
        .await;
    let mr = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    register(
        app,
        "MRN-A1",
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

    // Read-only: the app sees the prescription but may not order.
    let read_only = client_with_token(
        &app_token(
            app,
            &ana.id,
            "launch/patient patient/MedicationRequest.read",
            &p,
        )
        .await,
    );
    app.send(read_only.get(format!("{}/MedicationRequest/{mr}", app.fhir_base)))
        .await
        .assert_status(200);
    let r = refill(app, &read_only, &mr, Some(&pick_up())).await;
    assert!(
        r.status == 403 || r.status == 401,
        "a read-only app ordering a refill: {}",
        r.describe()
    );
    assert_eq!(dispenses(app, &mr).await.len(), 1, "nothing ordered");

    // patient/MedicationDispense.c: ordered.
    let writer = client_with_token(
        &app_token(
            app,
            &ana.id,
            "launch/patient patient/MedicationRequest.read patient/MedicationDispense.c",
            &p,
        )
        .await,
    );
    let r = refill(app, &writer, &mr, Some(&pick_up())).await;
    let order = assert_ordered(&r, app, &mr);
    assert_eq!(dispenses(app, &mr).await.len(), 2);
    let again = refill(app, &writer, &mr, Some(&pick_up())).await;
    assert_eq!(again.status, 201, "{}", again.describe());
    assert_eq!(id_of(&again.json()), order);
}

fn staff(role: ws_identity::caller::StaffRole, panel: Vec<String>) -> ws_fhir_service::Caller {
    ws_fhir_service::Caller {
        actor: "staff:s-1".into(),
        principal: ws_fhir_service::Principal::Staff {
            account: "s-1".into(),
            role,
            practitioner: Some("pr-1".into()),
            panel,
            break_glass: None,
        },
        acting_for: None,
        purpose: None,
        source: Some("test".into()),
    }
}

/// Fulfilment through the service (RX-07, RX-08, SEED-07): mail order needs a card on file
/// (only brand, last four and expiry are taken); the pharmacists' queue moves an order through
/// its stages, a smaller quantity at "filled" is a partial fill whose rest is a new order, and
/// only allowed steps are taken; "not taking" is one report a day with one review task; a
/// renewal denied needs words and the member sees them; the review action takes review tasks
/// only.
async fn fulfilment_card_queue_partial_fill_and_answers(app: &TestApp) {
    use ws_identity::caller::{Access, StaffRole};
    use ws_pharmacy::rules::delivery::Hold;
    use ws_pharmacy::service::refills::{Fulfilment, RefillOutcome};
    use ws_pharmacy::service::renewals::RenewalAnswer;
    let svc = ws_pharmacy::PharmacyService::new(app.fhir.clone());
    let p = app
        .create_id(person("MRN-F1", "Fay", "Holm", &date_years_ago(50, 0)))
        .await;
    let member = crate::records::person(&p, Access::Own);
    let pharmacist = staff(StaffRole::Pharmacist, vec![]);
    let clinician = staff(StaffRole::Clinician, vec![p.clone()]);
    let mr = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    let mail = Fulfilment {
        channel: ws_pharmacy::rules::cost::Channel::Mail,
        ..Fulfilment::default()
    };

    // RX-08: no card on file, no mail order — nothing ordered.
    let (_, o) = svc.order_refill(&member, &mr, &mail).await.unwrap();
    assert!(matches!(o, RefillOutcome::Held(Hold::CardNeeded)), "{o:?}");
    assert_eq!(dispenses(app, &mr).await.len(), 1);
    for (brand, last4, exp) in [
        ("Visa", "42", "04/2099"),
        ("Diners", "4242", "04/2099"),
        ("Visa", "4242", "13/2099"),
        ("Visa", "4242", "01/2001"),
    ] {
        let e = svc.save_card(&member, &p, brand, last4, exp).await;
        assert!(e.is_err(), "{brand} {last4} {exp} accepted");
    }
    let card = svc
        .save_card(&member, &p, "visa", "4242", "4/2099")
        .await
        .unwrap();
    assert_eq!(
        (
            card.brand.as_str(),
            card.last4.as_str(),
            card.expires.as_str()
        ),
        ("Visa", "4242", "04/2099")
    );
    let (_, o) = svc.order_refill(&member, &mr, &mail).await.unwrap();
    let RefillOutcome::Ordered { order, created } = o else {
        panic!("mail order with a card: {o:?}")
    };
    assert!(created);
    let id = id_of(&order);

    // The pharmacists' queue, and only pharmacists reach it.
    assert!(svc.order_queue(&member).await.is_err());
    let queue = svc.order_queue(&pharmacist).await.unwrap();
    let mine = queue
        .iter()
        .find(|o| o.id == id)
        .expect("the order is queued");
    assert_eq!(
        (mine.stage.as_str(), mine.channel.as_str()),
        ("received", "mail")
    );
    assert!(
        svc.advance_order(&pharmacist, &id, "shipped", None)
            .await
            .is_err(),
        "received → shipped skips verifying and filling"
    );
    svc.advance_order(&pharmacist, &id, "verified", None)
        .await
        .unwrap();
    assert!(
        svc.advance_order(&pharmacist, &id, "filled", Some(31.0))
            .await
            .is_err(),
        "more than ordered"
    );
    let filled = svc
        .advance_order(&pharmacist, &id, "filled", Some(10.0))
        .await
        .unwrap();
    assert_eq!(filled.quantity, Some(10.0));
    assert_eq!(filled.days_supply, 10);
    let queue = svc.order_queue(&pharmacist).await.unwrap();
    let rest = queue
        .iter()
        .find(|o| o.prescription == mr && o.id != id)
        .expect("the rest of the partial fill is a new order");
    assert_eq!(
        (rest.stage.as_str(), rest.quantity),
        ("received", Some(20.0))
    );
    let rest_id = rest.id.clone();
    svc.advance_order(&pharmacist, &id, "shipped", None)
        .await
        .unwrap();
    let done = svc
        .advance_order(&pharmacist, &id, "delivered", None)
        .await
        .unwrap();
    assert_eq!(done.status, "completed");
    let stored = app.get(&format!("/MedicationDispense/{id}")).await.json();
    assert!(stored["whenHandedOver"].is_string(), "{stored}");
    // The rest is still open: asking again answers with it, nothing new.
    let before = dispenses(app, &mr).await.len();
    let (_, o) = svc
        .order_refill(&member, &mr, &Fulfilment::default())
        .await
        .unwrap();
    let RefillOutcome::Ordered { order, created } = o else {
        panic!("{o:?}")
    };
    assert!(!created);
    assert_eq!(id_of(&order), rest_id);
    assert_eq!(dispenses(app, &mr).await.len(), before);

    // "Not taking": one report a day, one review task; the prescription is unchanged.
    let a = svc
        .report_not_taking(&member, &mr, "makes me dizzy")
        .await
        .unwrap();
    let b = svc.report_not_taking(&member, &mr, "").await.unwrap();
    assert_eq!(a, b);
    let reviews = svc.review_queue(&clinician).await.unwrap();
    assert_eq!(reviews.iter().filter(|r| r.statement == a).count(), 1);
    assert_eq!(
        app.get(&format!("/MedicationRequest/{mr}")).await.json()["status"],
        "active"
    );
    let list = svc.medications(&member, &p).await.unwrap();
    assert!(
        list.current
            .iter()
            .any(|m| m.id == mr && m.not_taking.is_some())
    );

    // A renewal denied: words are needed, and the member sees them.
    let renewal = svc.request_renewal(&member, &mr, None).await.unwrap();
    let empty = RenewalAnswer::Deny {
        message: " ".into(),
    };
    assert!(
        svc.answer_renewal(&clinician, &renewal.id, &empty)
            .await
            .is_err()
    );
    let deny = RenewalAnswer::Deny {
        message: "Please book a blood pressure check first.".into(),
    };
    svc.answer_renewal(&clinician, &renewal.id, &deny)
        .await
        .unwrap();
    let list = svc.medications(&member, &p).await.unwrap();
    let r = list
        .current
        .iter()
        .chain(&list.past)
        .find(|m| m.id == mr)
        .and_then(|m| m.renewal.clone())
        .expect("the renewal on the list");
    assert_eq!(r.outcome.as_deref(), Some("denied"));
    assert_eq!(
        r.message.as_deref(),
        Some("Please book a blood pressure check first.")
    );
    // "Mark reviewed" takes the review tasks only.
    assert!(svc.mark_reviewed(&clinician, &renewal.id).await.is_err());
    let task = &reviews.iter().find(|r| r.statement == a).unwrap().task;
    svc.mark_reviewed(&clinician, task).await.unwrap();
    assert!(
        svc.mark_reviewed(&clinician, task).await.is_err(),
        "reviewed once"
    );
}

/// Two proxies at once (the issue's "two proxies press Refill together"): both parents of a
/// child send `$refill` for the same prescription at the same moment, several times over;
/// every answer is 201 with one and the same order, and one dispense is stored.
async fn rx_01_two_proxies_at_once_make_one_order(app: &TestApp) {
    let people = crate::privacy::people(app).await;
    let child = people.w.child.patient.clone();
    // Bea is the child's other parent here.
    let bea = ws_store::identity::account_by_email(
        &mut app.store.reader().await.unwrap(),
        "bea@example.org",
    )
    .await
    .unwrap()
    .unwrap();
    app.identity
        .record_grant(
            "staff:test",
            &child,
            &bea,
            ws_identity::rules::proxy::Relationship::Parent,
            "birth certificate",
        )
        .await
        .unwrap();
    let mr = rx_with_fills(
        app,
        prescription(&child, LISINOPRIL, 3, days_ago(60), None, "active"),
        &[(days_ago(25), 30)],
    )
    .await;
    let before = dispenses(app, &mr).await.len();
    let body = pick_up();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            refill(app, &people.ana, &mr, Some(&body)),
            refill(app, &people.bea, &mr, Some(&body)),
        );
        assert_eq!(
            (a.status, b.status),
            (201, 201),
            "{} / {}",
            a.describe(),
            b.describe()
        );
        ids.push(id_of(&a.json()));
        ids.push(id_of(&b.json()));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one order for both parents: {ids:?}");
    assert_eq!(dispenses(app, &mr).await.len(), before + 1);
}

both!(
    rx_01_refill_is_ordered_once_and_a_repeat_answers_the_same_order,
    rx_01_twenty_simultaneous_refills_make_one_order,
    rx_01_two_proxies_at_once_make_one_order,
    ex_r1_rx_05_refills_open_on_the_first_allowed_day,
    rx_04_05_06_ex_r3_refusals_say_why,
    refill_privacy_members_proxies_and_strangers,
    smart_app_with_dispense_create_scope_orders_a_refill,
    fulfilment_card_queue_partial_fill_and_answers,
    card_and_outside_medicine_refusals_in_the_members_language,
);

/// Transfers in (issue 15 §5) through the service, on both back ends: the member asks once
/// however often the form is sent; a parent of a teen and member services cannot; the
/// pharmacists' queue lists it; completing it makes a prescription here with the refills left
/// and the outside fill, so `$refill` answers "too soon" with the date the outside fill gives
/// (RX-01); a schedule II prescription is rejected by the rule with its reason (RX-04); a
/// pharmacist's rejection carries their words; a closed request cannot be completed again.
async fn transfer_in_once_completed_refused_and_rejected(app: &TestApp) {
    use ws_identity::caller::{Access, StaffRole};
    use ws_pharmacy::rules::formulary::Schedule;
    use ws_pharmacy::rules::transfer::{TransferRefusal, check_request};
    use ws_pharmacy::service::transfers::{Completed, Completion, TransferStatus};
    let svc =
        ws_pharmacy::PharmacyService::new(app.fhir.clone()).with_notices(app.identity.clone());
    let p = app
        .create_id(person("MRN-T1", "Tove", "Lund", &date_years_ago(40, 0)))
        .await;
    let member = crate::records::person(&p, Access::Own);
    let teen_parent = crate::records::person(&p, Access::ProxyTeen);
    let pharmacist = staff(StaffRole::Pharmacist, vec![]);
    let ms = staff(StaffRole::MemberServices, vec![]);
    let req = check_request(
        "Lisinopril 10 mg tablet",
        "Corner Drug",
        "(360) 555-0100",
        "48213",
    )
    .unwrap();
    let (first, created) = svc.request_transfer(&member, &p, &req).await.unwrap();
    assert!(created);
    let (again, created) = svc.request_transfer(&member, &p, &req).await.unwrap();
    assert!(!created, "the same request twice is one request");
    assert_eq!(again.id, first.id);
    let refused = svc
        .request_transfer(&teen_parent, &p, &req)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), 404, "PRX-03: as if there were no record");
    assert!(svc.transfer_queue(&ms).await.is_err(), "pharmacists only");

    let queue = svc.transfer_queue(&pharmacist).await.unwrap();
    let mine: Vec<_> = queue.iter().filter(|(t, _)| t.patient == p).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].1, "Tove Lund");
    assert_eq!(mine[0].0.phone_display(), "(360) 555-0100");

    let completion = |schedule: Option<Schedule>, left: u32| Completion {
        drug: "Lisinopril 10 mg tablet".into(),
        rxnorm: Some(LISINOPRIL.0.into()),
        sig: "1 tablet by mouth daily".into(),
        quantity: 30.0,
        days_supply: 30,
        refills_left: left,
        written: days_ago(40),
        prescriber: "Dr. Ines Park".into(),
        last_fill: days_ago(10),
        schedule,
        transferred_before: false,
    };
    let bad = Completion {
        last_fill: days_ago(50),
        ..completion(None, 2)
    };
    let e = svc
        .complete_transfer(&pharmacist, &first.id, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        e.status(),
        400,
        "a fill before the prescription was written: {e}"
    );
    let done = svc
        .complete_transfer(&pharmacist, &first.id, &completion(None, 2))
        .await
        .unwrap();
    let Completed::Moved(mr) = done else {
        panic!("moved: {done:?}")
    };
    let twice = svc
        .complete_transfer(&pharmacist, &first.id, &completion(None, 2))
        .await
        .unwrap_err();
    assert!(twice.to_string().contains("already completed"), "{twice}");
    let list = svc.medications(&member, &p).await.unwrap();
    let m = list
        .current
        .iter()
        .find(|m| m.id == mr)
        .expect("on the list");
    assert_eq!(m.refills_left, 2);
    assert_eq!(m.prescriber.as_deref(), Some("Dr. Ines Park"));
    // RX-01 from the outside fill: 30 days at 70 % → 21 days after it.
    let r = refill(app, &app.client, &mr, Some(&pick_up())).await;
    let (code, _, diag) = refusal(&r);
    assert_eq!(code, "too-soon");
    assert_eq!(
        diag,
        Some(days_ago(10).checked_add(21.days()).unwrap().to_string())
    );
    let mine = svc.transfers_for(&member, &p).await.unwrap();
    assert_eq!(mine[0].status, TransferStatus::Completed);
    assert_eq!(mine[0].prescription.as_deref(), Some(mr.as_str()));

    // A schedule II prescription: the rule rejects it, with its reason.
    let req2 = check_request("Oxycodone 5 mg", "Corner Drug", "3605550100", "48299").unwrap();
    let (second, _) = svc.request_transfer(&member, &p, &req2).await.unwrap();
    let done = svc
        .complete_transfer(&pharmacist, &second.id, &completion(Some(Schedule::II), 0))
        .await
        .unwrap();
    assert_eq!(done, Completed::Refused(TransferRefusal::ScheduleII));
    // A pharmacist's own rejection needs words.
    let req3 = check_request("Metformin 500 mg", "Hilltop Pharmacy", "2065550199", "A-77").unwrap();
    let (third, _) = svc.request_transfer(&member, &p, &req3).await.unwrap();
    assert!(
        svc.reject_transfer(&pharmacist, &third.id, " ")
            .await
            .is_err()
    );
    svc.reject_transfer(
        &pharmacist,
        &third.id,
        "Hilltop has no record of this number",
    )
    .await
    .unwrap();
    let all = svc.transfers_for(&member, &p).await.unwrap();
    let by = |id: &str| all.iter().find(|t| t.id == id).unwrap().clone();
    assert_eq!(by(&second.id).status, TransferStatus::Rejected);
    assert_eq!(by(&second.id).reason_code.as_deref(), Some("schedule-ii"));
    assert_eq!(
        by(&third.id).reason.as_deref(),
        Some("Hilltop has no record of this number")
    );
    assert!(
        svc.transfer_queue(&pharmacist)
            .await
            .unwrap()
            .iter()
            .all(|(t, _)| t.patient != p),
        "nothing left open"
    );
}

both!(transfer_in_once_completed_refused_and_rejected);

/// "E-mail notices" recorded for `patient` whose detail contains `needle`.
async fn notices_with(app: &TestApp, patient: &str, needle: &str) -> usize {
    app.all_audit_rows()
        .await
        .iter()
        .filter(|r| {
            r.action == "notice"
                && r.compartment.as_deref() == Some(patient)
                && r.detail.as_deref().is_some_and(|d| d.contains(needle))
        })
        .count()
}

/// Refill plans (issue 15 §6; RX-01, RX-07) on a fixed clock, both back ends: a reminder on the
/// first day a refill may be ordered, once; an auto-refill announced two days before, held
/// (and told once) while no card is on file, ordered by mail once a card is there, never
/// twice; auto-refill refused for a controlled drug with nothing saved; a parent of a teen
/// cannot set plans.
async fn refill_plans_remind_and_auto_refill_once(app: &TestApp) {
    use ws_identity::caller::Access;
    use ws_pharmacy::rules::reminders::Plan;
    let d = |s: &str| s.parse::<Date>().unwrap();
    let clock = ws_store::Clock::fixed("2026-11-19T15:00:00Z".parse().unwrap());
    let svc = ws_pharmacy::PharmacyService::new(app.fhir.clone().with_clock(clock.clone()))
        .with_notices(app.identity.clone());
    let p = app
        .create_id(person("MRN-P1", "Pia", "Berg", &date_years_ago(55, 0)))
        .await;
    let member = crate::records::person(&p, Access::Own);
    let teen_parent = crate::records::person(&p, Access::ProxyTeen);
    // Filled 2026-11-01 for 30 days: a refill may be ordered from 2026-11-22 (RX-01).
    let auto_rx = rx_with_fills(
        app,
        prescription(&p, LISINOPRIL, 3, d("2026-10-01"), None, "active"),
        &[(d("2026-11-01"), 30)],
    )
    .await;
    const AMLODIPINE: (&str, &str) = ("197361", "amlodipine 5 MG Oral Tablet");
    let remind_rx = rx_with_fills(
        app,
        prescription(&p, AMLODIPINE, 3, d("2026-10-01"), None, "active"),
        &[(d("2026-11-01"), 30)],
    )
    .await;
    let oxy = rx_with_fills(
        app,
        prescription(&p, OXYCODONE, 0, d("2026-11-10"), None, "active"),
        &[(d("2026-11-10"), 10)],
    )
    .await;
    let plan = |remind, auto| Plan { remind, auto };

    // Refused for a controlled drug, and nothing else saved with it.
    let refused = svc
        .set_refill_plans(
            &member,
            &p,
            &[
                (remind_rx.clone(), plan(true, false)),
                (oxy.clone(), plan(false, true)),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status(), 400, "{refused}");
    let rows = svc.refill_plans(&member, &p).await.unwrap();
    assert!(
        rows.iter().all(|r| r.plan == Plan::default()),
        "nothing saved"
    );
    assert!(rows.iter().find(|r| r.med.id == oxy).unwrap().auto.is_err());
    let e = svc
        .set_refill_plans(&teen_parent, &p, &[(auto_rx.clone(), plan(false, true))])
        .await
        .unwrap_err();
    assert_eq!(e.status(), 404, "PRX-03");

    svc.set_refill_plans(
        &member,
        &p,
        &[
            (auto_rx.clone(), plan(false, true)),
            (remind_rx.clone(), plan(true, false)),
        ],
    )
    .await
    .unwrap();
    let rows = svc.refill_plans(&member, &p).await.unwrap();
    let plan_of = |id: &str| rows.iter().find(|r| r.med.id == id).unwrap().plan;
    assert_eq!(plan_of(&auto_rx), plan(false, true));
    assert_eq!(plan_of(&remind_rx), plan(true, false));

    let run_on = |day: &str| {
        clock.set(format!("{day}T15:00:00Z").parse().unwrap());
        svc.run_refill_plans()
    };
    assert_eq!(
        run_on("2026-11-19").await.unwrap(),
        0,
        "three days before: nothing"
    );
    assert_eq!(
        run_on("2026-11-20").await.unwrap(),
        1,
        "the auto-refill notice"
    );
    assert_eq!(run_on("2026-11-21").await.unwrap(), 0, "told once");
    assert_eq!(
        notices_with(app, &p, "automatic refill will be ordered").await,
        1
    );

    // The first day: the reminder, and the auto-refill held for want of a card (told once).
    assert_eq!(run_on("2026-11-22").await.unwrap(), 2);
    assert_eq!(run_on("2026-11-22").await.unwrap(), 0);
    assert_eq!(notices_with(app, &p, "A refill is due").await, 1);
    assert_eq!(notices_with(app, &p, "could not be ordered").await, 1);
    assert_eq!(
        dispenses(app, &auto_rx).await.len(),
        1,
        "not ordered without a card"
    );

    // With a card on file the next run orders it by mail, once.
    svc.save_card(&member, &p, "visa", "4242", "4/2099")
        .await
        .unwrap();
    assert_eq!(run_on("2026-11-23").await.unwrap(), 1);
    assert_eq!(run_on("2026-11-23").await.unwrap(), 0);
    assert_eq!(run_on("2026-11-24").await.unwrap(), 0);
    let all = dispenses(app, &auto_rx).await;
    assert_eq!(all.len(), 2, "one order added: {all:?}");
    let order = app
        .get(&format!(
            "/MedicationDispense/{}",
            all.iter().find(|i| i.starts_with("rf-")).unwrap()
        ))
        .await
        .json();
    assert_eq!(order["status"], "in-progress");
    assert!(order.to_string().contains("\"mail\""), "by mail: {order}");
    assert_eq!(
        notices_with(app, &p, "automatic refill was ordered").await,
        1
    );
    assert_eq!(
        dispenses(app, &remind_rx).await.len(),
        1,
        "a reminder orders nothing"
    );
}

both!(refill_plans_remind_and_auto_refill_once);

/// The formulary (issue 15 §7) is published as PDEX US Drug Formulary `FormularyDrug`
/// resources that anyone may read without signing in; publishing again writes nothing.
async fn formulary_is_published_and_readable_without_signing_in(app: &TestApp) {
    use ws_pharmacy::rules::formulary::FORMULARY;
    let svc = ws_pharmacy::PharmacyService::new(app.fhir.clone());
    assert_eq!(svc.publish_formulary().await.unwrap(), FORMULARY.len());
    assert_eq!(
        svc.publish_formulary().await.unwrap(),
        0,
        "unchanged: no new versions"
    );
    let anon = crate::support::new_client();
    let r = app
        .send(anon.get(format!(
            "{}/MedicationKnowledge?code={RXNORM}|{}",
            app.fhir_base, LISINOPRIL.0
        )))
        .await;
    r.assert_status(200);
    let drug = &r.json()["entry"][0]["resource"];
    assert_eq!(drug["resourceType"], "MedicationKnowledge");
    assert_eq!(drug["meta"]["versionId"], "1");
    let ext = drug["extension"].to_string();
    assert!(
        ext.contains("usdf-DrugTierID-extension") && ext.contains("\"generic\""),
        "{ext}"
    );
    assert!(ext.contains("wellspring-open-formulary"), "{ext}");
    let oxy = app
        .send(anon.get(format!(
            "{}/MedicationKnowledge/formulary-{}",
            app.fhir_base, OXYCODONE.0
        )))
        .await;
    oxy.assert_status(200);
    assert_eq!(
        oxy.json()["regulatory"][0]["schedule"][0]["schedule"]["text"],
        "Schedule II"
    );
    // Writing it stays closed to members and anonymous callers.
    let put = app
        .send(
            anon.put(format!(
                "{}/MedicationKnowledge/formulary-{}",
                app.fhir_base, OXYCODONE.0
            ))
            .header("content-type", "application/fhir+json")
            .body(oxy.json().to_string()),
        )
        .await;
    assert_eq!(put.status, 401);
}

both!(formulary_is_published_and_readable_without_signing_in);
