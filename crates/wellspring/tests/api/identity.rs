//! Identity through HTTP: registration, sign-in, lockout and unlock by reset, two-step, CSRF,
//! session fixation, open redirects, and the OAuth 2.0 / SMART endpoints' refusals (DOMAIN.md
//! §4 and §6; issue 4 "Done means").

use serde_json::{Value, json};

use crate::support::TestApp;

const MRN: &str = "http://wellspring.example/fhir/sid/mrn";
const PW: &str = "quiet meadow copper kettle";

/// A browser-like client: keeps cookies, never follows redirects (tests read Location).
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token of the form on a page.
pub(crate) fn csrf_of(html: &str) -> String {
    let i = html
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no csrf field in: {}", &html[..html.len().min(600)]))
        + 19;
    html[i..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn page(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub(crate) async fn post_form(
    c: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    c.post(url).form(fields).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ws_session=") && !v.starts_with("ws_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn member(app: &TestApp, mrn: &str, birth: &str) -> String {
    app.create_id(json!({"resourceType": "Patient",
        "identifier": [{"system": MRN, "value": mrn}],
        "name": [{"use": "official", "family": "Lindqvist", "given": ["Maja"]}],
        "birthDate": birth, "address": [{"state": "WA"}]}))
        .await
}

async fn register_via_portal(
    app: &TestApp,
    c: &reqwest::Client,
    mrn: &str,
    birth: &str,
    email: &str,
) -> reqwest::Response {
    let (st, html) = page(c, &format!("{}/register", app.base)).await;
    assert_eq!(st, 200);
    let csrf = csrf_of(&html);
    post_form(
        c,
        &format!("{}/register", app.base),
        &[
            ("csrf", &csrf),
            ("mrn", mrn),
            ("birth_date", birth),
            ("given", "Maja"),
            ("family", "Lindqvist"),
            ("email", email),
            ("mobile", "(206) 555-0177"),
            ("password", PW),
            ("password_confirm", PW),
        ],
    )
    .await
}

pub(crate) async fn sign_in(
    app: &TestApp,
    c: &reqwest::Client,
    email: &str,
    pw: &str,
    next: &str,
) -> reqwest::Response {
    let (_, html) = page(c, &format!("{}/sign-in", app.base)).await;
    let csrf = csrf_of(&html);
    post_form(
        c,
        &format!("{}/sign-in", app.base),
        &[
            ("csrf", &csrf),
            ("email", email),
            ("password", pw),
            ("next", next),
        ],
    )
    .await
}

/// SEED-01, PRX-07: registration matches exactly and never says which field was wrong.
async fn registration_matches_exactly_and_refuses_generically(app: &TestApp) {
    member(app, "MRN-77", "1984-02-29").await;
    let c = browser();
    // Wrong birth date and unknown MRN give the same answer.
    let r1 = register_via_portal(app, &c, "MRN-77", "1984-03-01", "maja@example.org").await;
    let s1 = r1.status().as_u16();
    let t1 = r1.text().await.unwrap();
    let r2 = register_via_portal(app, &c, "MRN-00", "1984-02-29", "maja@example.org").await;
    let t2 = r2.text().await.unwrap();
    assert_eq!(s1, 400);
    let refusal = |t: &str| {
        let i = t
            .find("role=\"alert\"")
            .unwrap_or_else(|| panic!("a refusal message on the page: {t}"));
        let text = t[i..].chars().take(300).collect::<String>();
        assert!(text.contains("match"), "the generic refusal: {text}");
        text
    };
    assert_eq!(
        refusal(&t1),
        refusal(&t2),
        "the refusal must not depend on which field was wrong"
    );
    // A child under 13 cannot register (COPPA), whatever the record says.
    let kid_birth = (jiff::Zoned::now().date() - jiff::Span::new().years(12)).to_string();
    member(app, "MRN-12", &kid_birth).await;
    let r = register_via_portal(app, &c, "MRN-12", &kid_birth, "kid@example.org").await;
    assert_eq!(r.status().as_u16(), 400);
    // The exact match registers; a second registration for the same member is refused.
    let r = register_via_portal(app, &c, "MRN-77", "1984-02-29", "maja@example.org").await;
    assert_eq!(r.status().as_u16(), 200);
    let r = register_via_portal(app, &c, "MRN-77", "1984-02-29", "other@example.org").await;
    assert_eq!(r.status().as_u16(), 400);
    // Nothing about the refused attempts was stored as an account.
    let mut conn = app.store.reader().await.unwrap();
    assert!(
        ws_store::identity::account_by_email(&mut conn, "kid@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        ws_store::identity::account_by_email(&mut conn, "other@example.org")
            .await
            .unwrap()
            .is_none()
    );
}

/// AUT-01/AUT-03: five wrong passwords lock for 15 minutes, the member is told, and a reset
/// link (single use) unlocks; sign-in issues a fresh session (no fixation) and only follows
/// local `next` paths (no open redirect).
async fn lockout_unlock_by_reset_and_session_safety(app: &TestApp) {
    member(app, "MRN-88", "1979-06-01").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-88", "1979-06-01", "maja@example.org").await;
    for i in 1..=4 {
        let r = sign_in(app, &c, "maja@example.org", "wrong password number x", "/").await;
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    // The fifth failure pauses the account, but a wrong password is answered as every wrong
    // password is (issue 12: the pause must not confirm that the account exists) …
    let r = sign_in(app, &c, "maja@example.org", "wrong password number x", "/").await;
    assert_eq!(
        r.status().as_u16(),
        401,
        "the fifth failure answers as a wrong password"
    );
    let r = sign_in(app, &c, "maja@example.org", "wrong password number y", "/").await;
    assert_eq!(r.status().as_u16(), 401, "wrong passwords while paused");
    // … and the member who gives the right password is told it is paused, and for how long.
    let r = sign_in(app, &c, "maja@example.org", PW, "/").await;
    assert_eq!(
        r.status().as_u16(),
        429,
        "even the right password is refused while paused"
    );
    let body = r.text().await.unwrap();
    assert!(
        body.contains("15"),
        "the member is told how long: {}",
        &body[..body.len().min(400)]
    );
    // Forgot password: the same answer for an unknown address; a link for the real one.
    let (_, html) = page(&c, &format!("{}/password/forgot", app.base)).await;
    let csrf = csrf_of(&html);
    let unknown = post_form(
        &c,
        &format!("{}/password/forgot", app.base),
        &[("csrf", &csrf), ("email", "nobody@example.org")],
    )
    .await;
    let unknown_status = unknown.status().as_u16();
    let known = post_form(
        &c,
        &format!("{}/password/forgot", app.base),
        &[("csrf", &csrf), ("email", "maja@example.org")],
    )
    .await;
    assert_eq!((unknown_status, known.status().as_u16()), (200, 200));
    let msgs = app.run_pending_jobs().await;
    let mail = msgs
        .iter()
        .find(|m| {
            m.channel == "email"
                && m.recipient == "maja@example.org"
                && m.body.contains("/password/reset?token=")
        })
        .expect("a reset email");
    assert!(msgs.iter().all(|m| m.recipient != "nobody@example.org"));
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/password/reset?token="))
        .unwrap()
        .to_owned();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert!(
        std::fs::read_dir(app.outbox.dir.join("email"))
            .unwrap()
            .count()
            >= 1,
        "the file sink wrote it"
    );
    let (st, html) = page(&c, &link).await;
    assert_eq!(st, 200);
    let csrf = csrf_of(&html);
    let new_pw = "harbor lantern willow seven";
    let r = post_form(
        &c,
        &format!("{}/password/reset", app.base),
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("password", new_pw),
            ("password_confirm", new_pw),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    // The link works once.
    let (st, _) = page(&c, &link).await;
    assert_eq!(st, 400, "a used reset link is refused");
    // Unlocked: the new password signs in, with a new session id and only a local redirect.
    let before = sign_in(app, &c, "maja@example.org", new_pw, "//evil.example/steal").await;
    assert_eq!(before.status().as_u16(), 303);
    assert_eq!(location(&before), "/", "an off-site next is ignored");
    let s1 = session_cookie(&before).expect("a session cookie");
    let cookie_line = before
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ws_session="))
        .unwrap()
        .to_owned();
    assert!(
        cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Lax"),
        "{cookie_line}"
    );
    // Session fixation: a session id planted in the browser before sign-in is never adopted;
    // sign-in always issues a new one.
    let planted = browser();
    let r = planted
        .get(format!("{}/sign-in", app.base))
        .header("cookie", "ws_session=attacker-chosen-value")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "an unknown session id is not a session"
    );
    let again = sign_in(
        app,
        &planted,
        "maja@example.org",
        new_pw,
        "/privacy/sharing",
    )
    .await;
    assert_eq!(location(&again), "/privacy/sharing");
    let s2 = session_cookie(&again).expect("a session cookie");
    assert_ne!(s1, s2, "every sign-in gets a new session (no fixation)");
    assert_ne!(s2, "ws_session=attacker-chosen-value");
    let (st, html) = page(&c, &format!("{}/", app.base)).await;
    assert_eq!(st, 200);
    assert!(html.contains("Maja"), "the home page greets the member");
    // CSRF: a form post without the token is refused and changes nothing.
    let r = post_form(
        &c,
        &format!("{}/sign-out-everywhere", app.base),
        &[("csrf", "forged")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 403);
    let (st, _) = page(&c, &format!("{}/", app.base)).await;
    assert_eq!(st, 200, "still signed in");
    // Sign out everywhere ends the session.
    let csrf = csrf_of(&page(&c, &format!("{}/account/security", app.base)).await.1);
    let r = post_form(
        &c,
        &format!("{}/sign-out-everywhere", app.base),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let (st, _) = page(&c, &format!("{}/", app.base)).await;
    assert_eq!(st, 303, "signed out: home redirects to sign-in");
    // Audit: the lock, the reset and the sign-ins are recorded.
    let rows = app.all_audit_rows().await;
    assert!(
        rows.iter().any(|r| r.action == "sign-in"
            && r.detail.as_deref() == Some("wrong password; account locked"))
    );
    assert!(
        rows.iter()
            .any(|r| r.action == "password-reset" && r.outcome == "success")
    );
}

/// Two-step verification: a TOTP code or a one-time recovery code; wrong codes refused.
async fn two_step_with_totp_and_recovery_codes(app: &TestApp) {
    member(app, "MRN-99", "1990-01-01").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-99", "1990-01-01", "maja@example.org").await;
    sign_in(app, &c, "maja@example.org", PW, "/").await;
    let acct = {
        let mut conn = app.store.reader().await.unwrap();
        ws_store::identity::account_by_email(&mut conn, "maja@example.org")
            .await
            .unwrap()
            .unwrap()
    };
    let setup = app.identity.begin_two_step(&acct);
    let now = jiff::Timestamp::now().as_second() as u64;
    assert!(
        app.identity
            .confirm_two_step(&acct.id, setup.secret.expose(), "000000")
            .await
            .unwrap()
            .is_none()
            || ws_identity::secrets::totp_code(setup.secret.expose(), now).as_deref()
                == Some("000000")
    );
    let code = ws_identity::secrets::totp_code(setup.secret.expose(), now).unwrap();
    let recovery = app
        .identity
        .confirm_two_step(&acct.id, setup.secret.expose(), &code)
        .await
        .unwrap()
        .expect("recovery codes");
    assert_eq!(recovery.len(), 10);
    // Signing in now stops at the two-step page.
    let c = browser();
    let r = sign_in(app, &c, "maja@example.org", PW, "/").await;
    assert!(
        location(&r).starts_with("/sign-in/two-step"),
        "{}",
        location(&r)
    );
    let (st, _) = page(&c, &format!("{}/", app.base)).await;
    assert_eq!(st, 303, "a pending two-step session reaches nothing");
    let (_, html) = page(&c, &format!("{}/sign-in/two-step", app.base)).await;
    let csrf = csrf_of(&html);
    let r = post_form(
        &c,
        &format!("{}/sign-in/two-step", app.base),
        &[("csrf", &csrf), ("code", "12345"), ("next", "/")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 401);
    let r = post_form(
        &c,
        &format!("{}/sign-in/two-step", app.base),
        &[
            ("csrf", &csrf),
            ("code", recovery[0].expose()),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "a recovery code works once");
    let (st, _) = page(&c, &format!("{}/", app.base)).await;
    assert_eq!(st, 200);
    // The same recovery code does not work twice.
    let c2 = browser();
    sign_in(app, &c2, "maja@example.org", PW, "/").await;
    let (_, html) = page(&c2, &format!("{}/sign-in/two-step", app.base)).await;
    let csrf = csrf_of(&html);
    let r = post_form(
        &c2,
        &format!("{}/sign-in/two-step", app.base),
        &[
            ("csrf", &csrf),
            ("code", recovery[0].expose()),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 401);
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn token_call(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let r = app
        .anon
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(fields))
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// RFC 6749/7636/7662/7009 refusals: unregistered redirect, missing PKCE, wrong verifier,
/// replayed code (revokes the grant), refresh rotation, introspection and revocation.
async fn oauth_refuses_what_it_must(app: &TestApp) {
    let pid = member(app, "MRN-55", "1970-05-05").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-55", "1970-05-05", "maja@example.org").await;
    let redirect = "http://127.0.0.1:9/cb";
    let scopes = [
        "launch/patient".to_owned(),
        "patient/*.read".to_owned(),
        "offline_access".to_owned(),
    ];
    let (cid, _) = app
        .identity
        .register_client(
            "Tracker",
            &[redirect.to_owned()],
            &scopes,
            false,
            false,
            "staff:admin",
        )
        .await
        .unwrap()
        .unwrap();
    let verifier = "verifier-verifier-verifier-verifier-verifier-0001";
    let challenge = ws_identity::secrets::s256(verifier);
    let authorize = |redirect_uri: &str, method: &str| {
        format!(
            "{}/oauth2/authorize?response_type=code&client_id={cid}&redirect_uri={}&scope={}&state=s1&code_challenge={challenge}&code_challenge_method={method}&aud={}",
            app.base,
            percent_encoding::utf8_percent_encode(redirect_uri, percent_encoding::NON_ALPHANUMERIC),
            percent_encoding::utf8_percent_encode(
                "launch/patient patient/*.read offline_access",
                percent_encoding::NON_ALPHANUMERIC
            ),
            percent_encoding::utf8_percent_encode(
                &app.fhir_base,
                percent_encoding::NON_ALPHANUMERIC
            ),
        )
    };
    // An unregistered redirect URI is never redirected to (open-redirect protection).
    let r = c
        .get(authorize("https://evil.example/cb", "S256"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(location(&r).is_empty());
    // No PKCE: the error goes back to the registered redirect URI.
    let r = c.get(authorize(redirect, "plain")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with(redirect) && location(&r).contains("error=invalid_request"));
    // Not signed in: to the sign-in page, then back.
    let r = c.get(authorize(redirect, "S256")).send().await.unwrap();
    assert!(
        location(&r).starts_with("/sign-in?next="),
        "{}",
        location(&r)
    );
    let back = sign_in(
        app,
        &c,
        "maja@example.org",
        PW,
        &authorize(redirect, "S256").replacen(&app.base, "", 1),
    )
    .await;
    assert!(location(&back).starts_with("/oauth2/authorize?"));
    let (st, html) = page(&c, &format!("{}{}", app.base, location(&back))).await;
    assert_eq!(st, 200);
    assert!(html.contains("Tracker"), "the consent page names the app");
    let csrf = csrf_of(&html);
    let decide = |decision: &'static str| {
        let c = c.clone();
        let csrf = csrf.clone();
        let cid = cid.clone();
        let challenge = challenge.clone();
        let pid = pid.clone();
        let url = format!("{}/oauth2/authorize", app.base);
        async move {
            post_form(
                &c,
                &url,
                &[
                    ("csrf", &csrf),
                    ("client_id", &cid),
                    ("redirect_uri", redirect),
                    ("scope", "launch/patient patient/*.read offline_access"),
                    ("state", "s1"),
                    ("code_challenge", &challenge),
                    ("code_challenge_method", "S256"),
                    ("patient", &pid),
                    ("decision", decision),
                ],
            )
            .await
        }
    };
    let denied = decide("deny").await;
    assert!(
        location(&denied).contains("error=access_denied") && location(&denied).contains("state=s1")
    );
    let allowed = decide("allow").await;
    let loc = location(&allowed);
    assert!(
        loc.starts_with(redirect) && loc.contains("state=s1"),
        "{loc}"
    );
    let code = loc
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    // Wrong verifier: refused.
    let (st, v) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &cid),
            ("code", &code),
            ("redirect_uri", redirect),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-00",
            ),
        ],
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (400, Some("invalid_grant")));
    // The code was spent by that attempt; using it again is a replay that revokes the grant.
    let (st, v) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &cid),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (400, Some("invalid_grant")));
    // A fresh authorization, redeemed properly.
    let allowed = decide("allow").await;
    let code = location(&allowed)
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let (st, t) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &cid),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["patient"], pid.as_str());
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"]
        .as_str()
        .expect("offline_access gives a refresh token")
        .to_owned();
    let api = crate::support::client_with_token(&access);
    assert_eq!(
        api.get(format!("{}/Patient/{pid}", app.fhir_base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Introspection by the app itself.
    let (st, i) = token_call(
        app,
        "/oauth2/introspect",
        &[("client_id", &cid), ("token", &access)],
    )
    .await;
    assert_eq!((st, i["active"].as_bool()), (200, Some(true)), "{i}");
    assert_eq!(i["patient"], pid.as_str());
    // Refresh rotates: the new pair works, the old refresh token no longer does.
    let (st, t2) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &cid),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(st, 200, "{t2}");
    let (st, v) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &cid),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (400, Some("invalid_grant")));
    // Revoking the refresh token ends the whole grant, access tokens included.
    let refresh2 = t2["refresh_token"].as_str().unwrap();
    let (st, _) = token_call(
        app,
        "/oauth2/revoke",
        &[("client_id", &cid), ("token", refresh2)],
    )
    .await;
    assert_eq!(st, 200);
    let r = crate::support::client_with_token(t2["access_token"].as_str().unwrap())
        .get(format!("{}/Patient/{pid}", app.fhir_base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().get("www-authenticate").is_some());
    let (_, i) = token_call(
        app,
        "/oauth2/introspect",
        &[("client_id", &cid), ("token", &access)],
    )
    .await;
    assert_eq!(i["active"], false);
    // Discovery names the endpoints.
    let conf: Value = app
        .anon
        .get(format!("{}/.well-known/smart-configuration", app.fhir_base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(conf["token_endpoint"], format!("{}/oauth2/token", app.base));
    assert!(
        conf["code_challenge_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("S256"))
    );
}

both!(
    registration_matches_exactly_and_refuses_generically,
    lockout_unlock_by_reset_and_session_safety,
    two_step_with_totp_and_recovery_codes,
    oauth_refuses_what_it_must
);

/// "Who looked at my record": the member's access-log page lists every access to their record —
/// their own, a caregiver's, an app's — with who, what and why; another member's accesses never
/// show up there.
async fn access_log_page_lists_who_looked(app: &TestApp) {
    let pid = member(app, "MRN-44", "1960-10-10").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-44", "1960-10-10", "maja@example.org").await;
    // An integration reads the record (a back-end feed), then the member signs in.
    app.get(&format!("/Patient/{pid}")).await.assert_status(200);
    sign_in(app, &c, "maja@example.org", PW, "/").await;
    let other = app
        .create_id(json!({"resourceType": "Patient", "name": [{"family": "Stranger"}]}))
        .await;
    app.get(&format!("/Patient/{other}"))
        .await
        .assert_status(200);
    app.flush_audit().await;
    let (st, html) = page(&c, &format!("{}/privacy/access-log", app.base)).await;
    assert_eq!(st, 200);
    assert!(html.contains("<table"), "the log is a table");
    assert!(
        html.contains("sign-in") || html.contains("Sign"),
        "the member's own sign-in is listed"
    );
    assert!(
        html.contains("Viewed"),
        "the integration's read is listed: {html}"
    );
    assert!(
        html.contains("test integration"),
        "apps are named, not numbered: {html}"
    );
    assert!(
        !html.contains(&other),
        "another member's accesses are not shown"
    );
    // And in Spanish.
    let (st, html) = page(&c, &format!("{}/privacy/access-log?lang=es", app.base)).await;
    assert_eq!(st, 200);
    assert!(html.contains("lang=\"es\""));
}

both!(access_log_page_lists_who_looked);

/// Issue 13: the access log reads in plain words and shows one line per visit. Opening the
/// Coverage page reads several resources (several audit rows); the member sees one line for it,
/// with the reason in words, never the services' internal purposes or process names.
async fn access_log_one_line_per_visit_in_plain_words(app: &TestApp) {
    member(app, "MRN-45", "1961-11-11").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-45", "1961-11-11", "ines@example.org").await;
    sign_in(app, &c, "ines@example.org", PW, "/").await;
    app.flush_audit().await;
    let (_, before) = page(&c, &format!("{}/privacy/access-log", app.base)).await;
    let rows_before = before.matches("<tr>").count();
    let audit_before = app.all_audit_rows().await.len();
    page(&c, &format!("{}/coverage", app.base)).await;
    app.flush_audit().await;
    let written = app.all_audit_rows().await.len() - audit_before;
    assert!(
        written >= 2,
        "the coverage page reads more than one resource ({written} audit rows)"
    );
    let (st, html) = page(&c, &format!("{}/privacy/access-log", app.base)).await;
    assert_eq!(st, 200);
    assert_eq!(
        html.matches("<tr>").count(),
        rows_before + 1,
        "one visit, one line: {html}"
    );
    assert!(html.contains("Checking your coverage"), "{html}");
    for internal in ["coverage: ", "system:", "enrollment: ", "membership: "] {
        assert!(
            !html.contains(internal),
            "internal text {internal:?} shown: {html}"
        );
    }
    let (_, es) = page(&c, &format!("{}/privacy/access-log?lang=es", app.base)).await;
    assert!(es.contains("Verificación de su cobertura"), "{es}");
}

both!(access_log_one_line_per_visit_in_plain_words);

/// Member services records legal authority after checking documents (PRX-05); the lookup and the
/// change are audited; other staff roles cannot record.
async fn member_services_records_legal_authority(app: &TestApp) {
    let pid = member(app, "MRN-66", "1940-03-03").await;
    app.identity
        .register_caregiver(
            "Gus Lindqvist",
            "1970-01-01",
            "gus@example.org",
            "206 555 0123",
            PW,
            "WA",
            None,
        )
        .await
        .unwrap()
        .unwrap();
    for (email, role) in [
        ("ms@example.org", ws_identity::StaffRole::MemberServices),
        ("admin@example.org", ws_identity::StaffRole::Administrator),
    ] {
        let (acct, _) = app
            .identity
            .create_staff(email, "Sam Staff", role, None, "system:test")
            .await
            .unwrap()
            .unwrap();
        app.identity
            .set_password(&acct.id, PW)
            .await
            .unwrap()
            .unwrap();
    }
    // The admin may not look members up.
    let admin = browser();
    let r = sign_in(app, &admin, "admin@example.org", PW, "/").await;
    assert_eq!(location(&r), "/");
    let (st, html) = page(&admin, &format!("{}/staff?mrn=MRN-66", app.base)).await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("refused"));
    // Member services finds the member and records the guardian.
    let ms = browser();
    sign_in(app, &ms, "ms@example.org", PW, "/").await;
    let (st, _) = page(&ms, &format!("{}/", app.base)).await;
    assert_eq!(st, 303, "staff land on the staff page");
    let (st, html) = page(&ms, &format!("{}/staff?mrn=MRN-66", app.base)).await;
    assert_eq!(st, 200);
    assert!(html.contains("Maja Lindqvist") && html.contains(&pid));
    let csrf = csrf_of(&html);
    let r = post_form(
        &ms,
        &format!("{}/staff/grants", app.base),
        &[
            ("csrf", &csrf),
            ("patient", &pid),
            ("mrn", "MRN-66"),
            ("grantee_email", "gus@example.org"),
            ("relationship", "legal"),
            ("document", "court order 2026-GU-118"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("court order 2026-GU-118"));
    // The guardian now reaches the record.
    let gus = app
        .identity
        .account_by_email("gus@example.org")
        .await
        .unwrap()
        .unwrap();
    let people = app.identity.people(&gus).await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].access, ws_identity::Access::Legal);
    let rows = app.all_audit_rows().await;
    assert!(rows.iter().any(|r| r.action == "search"
        && r.actor.starts_with("staff:")
        && r.compartment.as_deref() == Some(pid.as_str())));
    assert!(
        rows.iter()
            .any(|r| r.action == "proxy-grant" && r.actor.starts_with("staff:"))
    );
}

both!(member_services_records_legal_authority);

/// AUT-01: guessing across many accounts from one address is throttled (20 failures in 15
/// minutes), and an expired reset link is refused with its own message.
async fn address_throttle_and_expired_reset_link(app: &TestApp) {
    let c = browser();
    for i in 0..20 {
        let r = sign_in(
            app,
            &c,
            &format!("guess{i}@example.org"),
            "not the password at all",
            "/",
        )
        .await;
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    let r = sign_in(
        app,
        &c,
        "guess99@example.org",
        "not the password at all",
        "/",
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        429,
        "the 21st failure from one address is throttled"
    );
    // An expired reset token (issued 31 minutes ago with the 30-minute lifetime).
    member(app, "MRN-33", "1985-07-07").await;
    // Registration from the throttled address is refused too (guessing MRNs is guessing).
    let r = register_via_portal(app, &browser(), "MRN-33", "1985-07-07", "maja@example.org").await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        app.identity
            .account_by_email("maja@example.org")
            .await
            .unwrap()
            .is_none()
    );
    let input = ws_identity::service::RegisterInput {
        mrn: "MRN-33".into(),
        birth_date: "1985-07-07".into(),
        given: "Maja".into(),
        family: "Lindqvist".into(),
        email: "maja@example.org".into(),
        mobile: "206 555 0100".into(),
        password: PW.into(),
    };
    app.identity
        .register(&input, Some("10.1.2.3"))
        .await
        .unwrap()
        .unwrap();
    let acct = app
        .identity
        .account_by_email("maja@example.org")
        .await
        .unwrap()
        .unwrap();
    let token = ws_identity::secrets::random_token();
    let now = app.fhir.clock().now_micros();
    let mut tx = app.store.begin().await.unwrap();
    ws_store::identity::insert_one_time_token(
        &mut tx,
        &ws_identity::secrets::token_hash(token.expose()),
        &acct.id,
        "reset",
        now - 31 * 60 * 1_000_000,
        now - 60 * 1_000_000,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (st, html) = page(
        &browser(),
        &format!("{}/password/reset?token={}", app.base, token.expose()),
    )
    .await;
    assert_eq!(st, 400);
    assert!(html.to_lowercase().contains("expired"), "{html}");
    let (st, _) = page(
        &browser(),
        &format!("{}/password/reset?token=made-up", app.base),
    )
    .await;
    assert_eq!(st, 400);
}

both!(address_throttle_and_expired_reset_link);

/// OpenID Connect (SMART `openid fhirUser`): the token response carries an RS256 id_token that
/// verifies with the published JWKS and names the member and their Patient.
async fn openid_id_token_verifies_with_jwks(app: &TestApp) {
    use base64::Engine as _;
    use rsa::signature::Verifier as _;
    let pid = member(app, "MRN-22", "1975-12-12").await;
    let c = browser();
    register_via_portal(app, &c, "MRN-22", "1975-12-12", "maja@example.org").await;
    let acct = app
        .identity
        .account_by_email("maja@example.org")
        .await
        .unwrap()
        .unwrap();
    let redirect = "http://127.0.0.1:9/cb".to_owned();
    let verifier = "verifier-verifier-verifier-verifier-verifier-0002";
    let (cid, code) = app
        .authorize_app(
            &acct.id,
            "openid fhirUser launch/patient patient/*.read",
            &pid,
            &redirect,
            verifier,
        )
        .await;
    let (st, t) = token_call(
        app,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &cid),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(st, 200, "{t}");
    let jwt = t["id_token"].as_str().expect("an id_token for openid");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header: Value = serde_json::from_slice(&b64.decode(parts[0]).unwrap()).unwrap();
    let claims: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(claims["aud"], cid.as_str());
    assert_eq!(claims["sub"], acct.id.as_str());
    assert_eq!(claims["iss"], app.base.as_str());
    assert_eq!(
        claims["fhirUser"],
        format!("{}/Patient/{pid}", app.fhir_base)
    );
    // Verify the signature with the key the JWKS publishes under the header's kid.
    let conf: Value = app
        .anon
        .get(format!("{}/.well-known/smart-configuration", app.fhir_base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks: Value = app
        .anon
        .get(conf["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the kid is published");
    let n = rsa::BoxedUint::from_be_slice_vartime(&b64.decode(jwk["n"].as_str().unwrap()).unwrap());
    let e = rsa::BoxedUint::from_be_slice_vartime(&b64.decode(jwk["e"].as_str().unwrap()).unwrap());
    let public = rsa::PublicKey::new(n, e).unwrap();
    let verifier_key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(public);
    let sig = rsa::pkcs1v15::Signature::try_from(b64.decode(parts[2]).unwrap().as_slice()).unwrap();
    verifier_key
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .expect("the id_token verifies");
    let mut tampered = claims.clone();
    tampered["sub"] = json!("someone-else");
    let forged = format!("{}.{}", parts[0], b64.encode(tampered.to_string()));
    assert!(
        verifier_key.verify(forged.as_bytes(), &sig).is_err(),
        "a changed claim does not verify"
    );
}

both!(openid_id_token_verifies_with_jwks);

/// E-mails and texts in the member's language (issue 13; the gap issue 12 left): what a member's
/// own action sends is written in the language of the page they used; what is sent later (a
/// notice) in the language their record prefers; English when neither says.
async fn messages_in_the_page_or_record_language(app: &TestApp) {
    let pid = member(app, "MRN-91", "1981-02-03").await;
    let spanish = {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("accept-language", "es-MX,es;q=0.9".parse().unwrap());
        reqwest::Client::builder()
            .no_proxy()
            .cookie_store(true)
            .default_headers(h)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let r = register_via_portal(app, &spanish, "MRN-91", "1981-02-03", "ines@example.org").await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let sent = app.run_pending_jobs().await;
    let verify = sent
        .iter()
        .find(|m| m.recipient == "ines@example.org")
        .expect("an address check");
    assert_eq!(
        verify.subject,
        "Confirme su correo electrónico para Wellspring"
    );
    assert!(
        verify.body.starts_with("Hola, Maja Lindqvist:\n\n")
            && verify.body.contains("/verify-email?token="),
        "{}",
        verify.body
    );
    assert!(!verify.body.contains(['{', '\u{2068}']), "{}", verify.body);
    // Forgot password from a Spanish page: the link and the text in Spanish …
    let forgot = |c: reqwest::Client| async move {
        let (_, html) = page(&c, &format!("{}/password/forgot", app.base)).await;
        let csrf = csrf_of(&html);
        post_form(
            &c,
            &format!("{}/password/forgot", app.base),
            &[("csrf", &csrf), ("email", "ines@example.org")],
        )
        .await
        .status()
        .as_u16()
    };
    assert_eq!(forgot(spanish.clone()).await, 200);
    let sent = app.run_pending_jobs().await;
    let mail = sent.iter().find(|m| m.channel == "email").unwrap();
    assert_eq!(mail.subject, "Restablezca su contraseña de Wellspring");
    assert!(
        mail.body.contains("/password/reset?token="),
        "{}",
        mail.body
    );
    let sms = sent.iter().find(|m| m.channel == "sms").unwrap();
    assert!(
        sms.body.contains("restablecer la contraseña"),
        "{}",
        sms.body
    );
    // … from an English page in English.
    assert_eq!(forgot(browser()).await, 200);
    let sent = app.run_pending_jobs().await;
    let mail = sent.iter().find(|m| m.channel == "email").unwrap();
    assert_eq!(mail.subject, "Reset your Wellspring password");
    // A notice sent later follows the record: English until the record says Spanish.
    let lang_of_notice = || async {
        app.identity
            .send_notice("test", &pid, |lang| ws_coverage::service::notices::Notice {
                subject: format!("{lang:?}"),
                body: String::new(),
            })
            .await
            .unwrap();
        let sent = app.run_pending_jobs().await;
        sent.iter()
            .find(|m| m.recipient == "ines@example.org")
            .map(|m| m.subject.clone())
    };
    assert_eq!(lang_of_notice().await.as_deref(), Some("En"));
    let mut p = app.get(&format!("/Patient/{pid}")).await.json();
    p["communication"] =
        json!([{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es"}]}}]);
    app.put(&format!("/Patient/{pid}"), &p)
        .await
        .assert_status(200);
    assert_eq!(lang_of_notice().await.as_deref(), Some("Es"));
}

both!(messages_in_the_page_or_record_language);
