//! Member-portal handlers: sign-in, two-step, registration, password reset, the shell and its
//! sections, the person switcher, privacy pages (sharing, access log, connected apps), account
//! security, and the SMART authorization (consent) page. Handlers talk to the identity service
//! and fill the `portal` views; every POST checks its CSRF token first.

// Early returns carry a ready page `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use ws_identity::TokenProblem;
use ws_identity::service::{RegisterError, RegisterInput, ResetError, SessionInfo, SignInError};
use ws_identity::{Access, Principal};

use crate::AppState;
use crate::auth::{self, DEVICE_COOKIE, PRE_COOKIE, SESSION_COOKIE};
use crate::oauth_api::{field, form};
use crate::portal::{self as ui, AuthMessage, FieldError, Lang, Section, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(coverage_pages::routes())
        .route("/", get(home))
        .route("/assets/portal.css", get(css))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-in/two-step", get(two_step_page).post(two_step))
        .route("/register", get(register_page).post(register))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
        .route("/verify-email", get(verify_email_page))
        .route("/sign-out", post(sign_out))
        .route("/sign-out-everywhere", post(sign_out_everywhere))
        .route("/session/extend", post(extend))
        .route("/act-as", post(act_as))
        .route("/record", get(section))
        .route("/messages", get(section))
        .route("/appointments", get(section))
        .route("/pharmacy", get(section))
        .route("/billing", get(section))
        .route("/get-care", get(section))
        .route("/support", get(section))
        .route("/privacy/sharing", get(sharing_page))
        .route("/privacy/sharing/revoke", post(sharing_revoke))
        .route("/privacy/sharing/invite", post(sharing_invite))
        .route("/privacy/access-log", get(access_log))
        .route("/privacy/apps", get(apps_page))
        .route("/privacy/apps/disconnect", post(apps_disconnect))
        .route("/account/security", get(security_page))
        .route("/account/two-step/setup", post(two_step_setup))
        .route("/account/two-step/disable", post(two_step_disable))
        .route("/account/password", post(change_password))
        .route(
            "/oauth2/authorize",
            get(authorize_page).post(authorize_decision),
        )
}

const MIN_PW: usize = 15;
const MIN_PW_TWO_STEP: usize = 8;
const MAX_PW: usize = 256;

/// What every portal request knows before its handler runs.
struct Req {
    lang: Lang,
    path: String,
    source: String,
    session: Option<SessionInfo>,
    /// The session cookie's value (signed in), else the pre-session cookie's.
    csrf_secret: Option<String>,
    /// Cookies to set on the response (a new pre-session cookie, the language).
    set: Vec<HeaderValue>,
}

impl Req {
    fn csrf(&self) -> String {
        self.csrf_secret
            .as_deref()
            .map(auth::csrf_for)
            .unwrap_or_default()
    }

    fn signed_in(&self) -> Option<&SessionInfo> {
        self.session
            .as_ref()
            .filter(|s| !s.session.pending_two_step)
    }
}

async fn req(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
) -> Req {
    let pairs = form(query.unwrap_or("").as_bytes());
    let qlang = field(&pairs, "lang").map(str::to_owned);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::negotiate(qlang.as_deref(), auth::cookie(headers, "lang"), accept);
    let mut set = Vec::new();
    if qlang.is_some() {
        set.push(auth::set_cookie(
            s,
            "lang",
            lang.code(),
            Some(365 * 24 * 3600),
        ));
    }
    let session = auth::session(s, headers).await.ok().flatten();
    let csrf_secret = if session.is_some() {
        auth::cookie(headers, SESSION_COOKIE).map(str::to_owned)
    } else if let Some(p) = auth::cookie(headers, PRE_COOKIE) {
        Some(p.to_owned())
    } else {
        let p = ws_identity::secrets::random_token().0;
        set.push(auth::set_cookie(s, PRE_COOKIE, &p, None));
        Some(p)
    };
    let path = match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    };
    Req {
        lang,
        path,
        source: auth::client_address(s, addr, headers),
        session,
        csrf_secret,
        set,
    }
}

fn with_cookies(mut r: Response, cookies: &[HeaderValue]) -> Response {
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    r
}

fn html(r: &Req, status: StatusCode, body: String) -> Response {
    with_cookies((status, Html(body)).into_response(), &r.set)
}

pub(crate) fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Only local paths are followed after sign-in (no open redirects).
fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n) if crate::portal::views::is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn relationship_code(a: Access) -> &'static str {
    match a {
        Access::Own | Access::OwnTeen => "self",
        Access::ProxyFull => "child",
        Access::ProxyTeen => "teen",
        Access::Caregiver => "caregiver",
        Access::Legal => "legal",
    }
}

/// The shell of a signed-in page.
async fn shell(s: &AppState, r: &Req, section: Section) -> Shell {
    let mut sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    sh.current = section;
    if let Some(info) = r.signed_in() {
        let people = s.identity.people(&info.account).await.unwrap_or_default();
        let people: Vec<ui::PersonChoice> = people
            .into_iter()
            .map(|p| ui::PersonChoice {
                patient_id: p.patient_id,
                name: p.name,
                relationship: relationship_code(p.access).to_owned(),
            })
            .collect();
        let acting = info
            .session
            .acting_for
            .as_deref()
            .and_then(|a| people.iter().find(|p| p.patient_id == a))
            .or_else(|| people.first())
            .cloned()
            .unwrap_or(ui::PersonChoice {
                patient_id: String::new(),
                name: info.account.display_name.clone(),
                relationship: "self".into(),
            });
        sh.user = Some(ui::UserBar {
            display_name: info.account.display_name.clone(),
            acting_for: acting,
            people,
            session_expires_in_secs: info.expires_in_secs,
        });
    }
    sh
}

fn flash(sh: &mut Shell, kind: ui::FlashKind, text: impl Into<String>) {
    sh.flash = Some(ui::Flash {
        kind,
        text: text.into(),
    });
}

/// Parse a POST form and check its CSRF token. `Err` is the response to send.
fn checked_form(r: &Req, body: &[u8]) -> Result<Vec<(String, String)>, Response> {
    let f = form(body);
    if !auth::csrf_ok(r.csrf_secret.as_deref(), field(&f, "csrf").unwrap_or("")) {
        let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
        let msg = ui::t(r.lang, "error.csrf");
        return Err(html(
            r,
            StatusCode::FORBIDDEN,
            ui::render_error(&sh, 403, msg),
        ));
    }
    Ok(f)
}

/// The fields of a posted form.
type Form = Vec<(String, String)>;

/// A CSRF-checked form from a signed-in member, or the response to send instead.
fn signed_in_form<'a>(r: &'a Req, body: &[u8]) -> Result<(Form, &'a SessionInfo), Response> {
    let f = checked_form(r, body)?;
    let info = r.signed_in().ok_or_else(|| need_sign_in(r))?;
    Ok((f, info))
}

/// The value of a `Result<_, Response>`, or return the ready response.
macro_rules! or_return {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(resp) => return resp,
        }
    };
}

fn need_sign_in(r: &Req) -> Response {
    with_cookies(redirect(&format!("/sign-in?next={}", pct(&r.path))), &r.set)
}

macro_rules! page_req {
    ($s:expr, $addr:expr, $headers:expr, $path:expr, $q:expr) => {
        req(&$s, &$addr, &$headers, $path, $q.as_deref()).await
    };
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        ui::PORTAL_CSS,
    )
        .into_response()
}

async fn home(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/", q);
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    if info.account.kind == "staff" {
        return with_cookies(redirect("/staff"), &r.set);
    }
    let sh = shell(&s, &r, Section::MyHealth).await;
    html(&r, StatusCode::OK, ui::render_home(&sh))
}

async fn section(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let path = uri.path().to_owned();
    let r = req(&s, &addr, &headers, &path, uri.query()).await;
    if r.signed_in().is_none() {
        return need_sign_in(&r);
    }
    let sec = ui::Section::PLACEHOLDERS
        .into_iter()
        .find(|x| x.href() == path)
        .unwrap_or(Section::MyHealth);
    let sh = shell(&s, &r, sec).await;
    html(&r, StatusCode::OK, ui::render_section(&sh, sec))
}

// --- sign-in -------------------------------------------------------------------------------

async fn sign_in_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/sign-in", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let next = local_next(field(&f, "next"));
    if r.signed_in().is_some() {
        return redirect(&next);
    }
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    let view = ui::SignInForm {
        next,
        ..Default::default()
    };
    html(&r, StatusCode::OK, ui::render_sign_in(&sh, &view))
}

fn sign_in_problem(e: &SignInError) -> AuthMessage {
    match e {
        SignInError::BadCredentials => AuthMessage::BadCredentials,
        SignInError::Locked { retry_after_secs } => AuthMessage::Locked {
            minutes: AuthMessage::minutes_from_secs(*retry_after_secs),
        },
        SignInError::Throttled { retry_after_secs } => AuthMessage::Throttled {
            minutes: AuthMessage::minutes_from_secs(*retry_after_secs),
        },
        SignInError::Disabled => AuthMessage::Disabled,
        SignInError::BadCode => AuthMessage::TwoStepWrong,
    }
}

async fn sign_in(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/sign-in", None).await;
    let f = or_return!(checked_form(&r, &body));
    let email = field(&f, "email").unwrap_or("").to_owned();
    let next = local_next(field(&f, "next"));
    match s
        .identity
        .sign_in_from_device(
            &email,
            field(&f, "password").unwrap_or(""),
            &r.source,
            auth::cookie(&headers, DEVICE_COOKIE),
        )
        .await
    {
        Ok(Ok(done)) => {
            // A new session token at every sign-in (no fixation); the pre-session cookie goes.
            let mut cookies = vec![
                auth::set_cookie(&s, SESSION_COOKIE, done.token.expose(), None),
                auth::clear_cookie(&s, PRE_COOKIE),
            ];
            // This browser is now known to the account: other people's failures behind the
            // same address do not hold it up (issue 12, finding 8).
            if let Some(d) = &done.device {
                cookies.push(auth::set_cookie(
                    &s,
                    DEVICE_COOKIE,
                    d.expose(),
                    Some(ws_identity::service::DEVICE_TTL_SECS),
                ));
            }
            let to = if done.needs_two_step {
                format!("/sign-in/two-step?next={}", pct(&next))
            } else {
                next
            };
            with_cookies(redirect(&to), &cookies)
        }
        Ok(Err(e)) => {
            let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
            let view = ui::SignInForm {
                email,
                next,
                problem: Some(sign_in_problem(&e)),
                errors: Vec::new(),
            };
            let status = match e {
                SignInError::Locked { .. } | SignInError::Throttled { .. } => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                _ => StatusCode::UNAUTHORIZED,
            };
            html(&r, status, ui::render_sign_in(&sh, &view))
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

fn internal(r: &Req, detail: &str) -> Response {
    tracing::error!(error = %detail, "portal request failed");
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    html(
        r,
        StatusCode::INTERNAL_SERVER_ERROR,
        ui::render_error(&sh, 500, ui::t(r.lang, "error.internal")),
    )
}

async fn two_step_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/sign-in/two-step", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let next = local_next(field(&f, "next"));
    match &r.session {
        Some(info) if info.session.pending_two_step => {}
        Some(_) => return redirect(&next),
        None => return need_sign_in(&r),
    }
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    let view = ui::TwoStepForm {
        next,
        ..Default::default()
    };
    html(&r, StatusCode::OK, ui::render_two_step(&sh, &view))
}

async fn two_step(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/sign-in/two-step", None).await;
    let f = or_return!(checked_form(&r, &body));
    let next = local_next(field(&f, "next"));
    let Some(token) = auth::cookie(&headers, SESSION_COOKIE) else {
        return need_sign_in(&r);
    };
    match s
        .identity
        .verify_two_step(token, field(&f, "code").unwrap_or(""), &r.source)
        .await
    {
        Ok(Ok(done)) => with_cookies(
            redirect(&next),
            &[auth::set_cookie(
                &s,
                SESSION_COOKIE,
                done.token.expose(),
                None,
            )],
        ),
        Ok(Err(SignInError::BadCredentials)) => need_sign_in(&r),
        Ok(Err(e)) => {
            let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
            let view = ui::TwoStepForm {
                next,
                problem: Some(sign_in_problem(&e)),
                errors: vec![FieldError::new(
                    "code",
                    ui::t(r.lang, "auth.two-step-wrong"),
                )],
            };
            html(
                &r,
                StatusCode::UNAUTHORIZED,
                ui::render_two_step(&sh, &view),
            )
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn sign_out(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/sign-out", None).await;
    if let Err(resp) = checked_form(&r, &body) {
        return resp;
    }
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE)
        && let Err(e) = s.identity.sign_out(token).await
    {
        return internal(&r, &e.to_string());
    }
    with_cookies(
        redirect("/sign-in"),
        &[auth::clear_cookie(&s, SESSION_COOKIE)],
    )
}

async fn sign_out_everywhere(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/sign-out-everywhere", None).await;
    if let Err(resp) = checked_form(&r, &body) {
        return resp;
    }
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    if let Err(e) = s.identity.sign_out_everywhere(&info.account.id).await {
        return internal(&r, &e.to_string());
    }
    with_cookies(
        redirect("/sign-in"),
        &[auth::clear_cookie(&s, SESSION_COOKIE)],
    )
}

async fn extend(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/session/extend", None).await;
    let f = or_return!(checked_form(&r, &body));
    if r.signed_in().is_none() {
        return need_sign_in(&r);
    }
    // Looking the session up already pushed its idle expiry forward.
    redirect(&local_next(field(&f, "next")))
}

async fn act_as(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/act-as", None).await;
    let f = or_return!(checked_form(&r, &body));
    let (Some(_), Some(token)) = (r.signed_in(), auth::cookie(&headers, SESSION_COOKIE)) else {
        return need_sign_in(&r);
    };
    match s
        .identity
        .act_as(token, field(&f, "patient").unwrap_or(""))
        .await
    {
        Ok(true) => redirect("/"),
        Ok(false) => {
            let sh = shell(&s, &r, Section::MyHealth).await;
            html(
                &r,
                StatusCode::FORBIDDEN,
                ui::render_error(&sh, 403, ui::t(r.lang, "error.forbidden")),
            )
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

// --- registration and password reset ---------------------------------------------------------

async fn register_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/register", q);
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    let view = ui::RegisterForm {
        min_password_len: MIN_PW,
        ..Default::default()
    };
    html(&r, StatusCode::OK, ui::render_register(&sh, &view))
}

async fn register(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/register", None).await;
    let f = or_return!(checked_form(&r, &body));
    let g = |k: &str| field(&f, k).unwrap_or("").to_owned();
    let mut view = ui::RegisterForm {
        mrn: g("mrn"),
        birth_date: g("birth_date"),
        given: g("given"),
        family: g("family"),
        email: g("email"),
        mobile: g("mobile"),
        min_password_len: MIN_PW,
        ..Default::default()
    };
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    if g("password") != g("password_confirm") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(r.lang, "password_confirm", "mismatch", MIN_PW, MAX_PW),
        ));
        return html(&r, StatusCode::BAD_REQUEST, ui::render_register(&sh, &view));
    }
    let input = RegisterInput {
        mrn: view.mrn.clone(),
        birth_date: view.birth_date.clone(),
        given: view.given.clone(),
        family: view.family.clone(),
        email: view.email.clone(),
        mobile: view.mobile.clone(),
        password: g("password"),
    };
    match s.identity.register(&input, Some(&r.source)).await {
        Ok(Ok(_)) => {
            let mut sh = Shell::signed_out(r.lang, r.csrf(), "/sign-in".to_owned());
            flash(
                &mut sh,
                ui::FlashKind::Success,
                ui::t(r.lang, "register.done"),
            );
            let v = ui::SignInForm {
                email: view.email.clone(),
                next: "/".into(),
                ..Default::default()
            };
            html(&r, StatusCode::OK, ui::render_sign_in(&sh, &v))
        }
        Ok(Err(e)) => {
            match e {
                RegisterError::Invalid(fields) => {
                    for (field_name, code) in fields {
                        view.errors.push(FieldError::new(
                            field_name,
                            ui::i18n::field_problem(r.lang, field_name, code, MIN_PW, MAX_PW),
                        ));
                    }
                }
                RegisterError::Password(p) => view.errors.push(FieldError::new(
                    "password",
                    ui::i18n::field_problem(r.lang, "password", p.code(), MIN_PW, MAX_PW),
                )),
                RegisterError::NoMatch => view.problem = Some(AuthMessage::RegistrationRefused),
                RegisterError::UnderThirteen => view.problem = Some(AuthMessage::Under13),
                RegisterError::AlreadyRegistered => {
                    view.problem = Some(AuthMessage::AlreadyRegistered);
                }
                RegisterError::EmailInUse => view.problem = Some(AuthMessage::EmailInUse),
                RegisterError::Throttled { retry_after_secs } => {
                    view.problem = Some(AuthMessage::Throttled {
                        minutes: AuthMessage::minutes_from_secs(retry_after_secs),
                    });
                }
            }
            html(&r, StatusCode::BAD_REQUEST, ui::render_register(&sh, &view))
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn forgot_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/password/forgot", q);
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    html(
        &r,
        StatusCode::OK,
        ui::render_forgot(&sh, &ui::ForgotForm::default()),
    )
}

async fn forgot(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/password/forgot", None).await;
    let f = or_return!(checked_form(&r, &body));
    let email = field(&f, "email").unwrap_or("").trim().to_owned();
    let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
    if email.is_empty() {
        let view = ui::ForgotForm {
            email,
            problem: None,
            errors: vec![FieldError::new(
                "email",
                ui::i18n::field_problem(r.lang, "email", "required", MIN_PW, MAX_PW),
            )],
        };
        return html(&r, StatusCode::BAD_REQUEST, ui::render_forgot(&sh, &view));
    }
    if let Err(e) = s.identity.request_reset(&email, Some(&r.source)).await {
        return internal(&r, &e.to_string());
    }
    // The same answer whether or not the address is known.
    html(&r, StatusCode::OK, ui::render_forgot_sent(&sh))
}

fn token_problem(p: TokenProblem) -> AuthMessage {
    match p {
        TokenProblem::Unknown => AuthMessage::ResetLinkInvalid,
        TokenProblem::Used => AuthMessage::ResetLinkUsed,
        TokenProblem::Expired => AuthMessage::ResetLinkExpired,
    }
}

/// `GET /verify-email?token=`: the one-time link that proves the account owns its address.
async fn verify_email_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/verify-email", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let token = field(&f, "token").unwrap_or("").to_owned();
    let sh = Shell::signed_out(r.lang, r.csrf(), "/verify-email".to_owned());
    match s.identity.verify_email(&token, Some(&r.source)).await {
        Ok(Ok(_)) => html(&r, StatusCode::OK, ui::render_verify_email(&sh, true)),
        Ok(Err(_)) => html(
            &r,
            StatusCode::BAD_REQUEST,
            ui::render_verify_email(&sh, false),
        ),
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn reset_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/password/reset", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let token = field(&f, "token").unwrap_or("").to_owned();
    // The link's token must not leak to other sites through the Referer header.
    let sh = Shell::signed_out(r.lang, r.csrf(), "/password/reset".to_owned());
    match s.identity.reset_token_state(&token).await {
        Ok(Ok(())) => {
            let view = ui::ResetForm {
                token,
                errors: Vec::new(),
                min_password_len: MIN_PW,
            };
            html(&r, StatusCode::OK, ui::render_reset(&sh, &view))
        }
        Ok(Err(p)) => html(
            &r,
            StatusCode::BAD_REQUEST,
            ui::render_reset_link_problem(&sh, &token_problem(p)),
        ),
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn reset(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/password/reset", None).await;
    let f = or_return!(checked_form(&r, &body));
    let token = field(&f, "token").unwrap_or("").to_owned();
    let pw = field(&f, "password").unwrap_or("");
    let sh = Shell::signed_out(r.lang, r.csrf(), "/password/reset".to_owned());
    let mut view = ui::ResetForm {
        token: token.clone(),
        errors: Vec::new(),
        min_password_len: MIN_PW,
    };
    if pw != field(&f, "password_confirm").unwrap_or("") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(r.lang, "password_confirm", "mismatch", MIN_PW, MAX_PW),
        ));
        return html(&r, StatusCode::BAD_REQUEST, ui::render_reset(&sh, &view));
    }
    match s.identity.reset_password(&token, pw, Some(&r.source)).await {
        Ok(Ok(acct)) => {
            let mut sh = Shell::signed_out(r.lang, r.csrf(), "/sign-in".to_owned());
            flash(&mut sh, ui::FlashKind::Success, ui::t(r.lang, "reset.done"));
            let v = ui::SignInForm {
                email: acct.email,
                next: "/".into(),
                ..Default::default()
            };
            with_cookies(
                html(&r, StatusCode::OK, ui::render_sign_in(&sh, &v)),
                &[auth::clear_cookie(&s, SESSION_COOKIE)],
            )
        }
        Ok(Err(ResetError::Token(p))) => html(
            &r,
            StatusCode::BAD_REQUEST,
            ui::render_reset_link_problem(&sh, &token_problem(p)),
        ),
        Ok(Err(ResetError::Password(p))) => {
            view.errors.push(FieldError::new(
                "password",
                ui::i18n::field_problem(r.lang, "password", p.code(), MIN_PW, MAX_PW),
            ));
            html(&r, StatusCode::BAD_REQUEST, ui::render_reset(&sh, &view))
        }
        Ok(Err(ResetError::WrongCurrent)) => internal(&r, "unexpected reset error"),
        Err(e) => internal(&r, &e.to_string()),
    }
}

// --- privacy ---------------------------------------------------------------------------------

fn access_level(rel: &str) -> ui::AccessLevel {
    match rel {
        "caregiver" => ui::AccessLevel::FullExceptSensitive,
        "parent" | "legal" => ui::AccessLevel::Full,
        _ => ui::AccessLevel::Limited,
    }
}

async fn sharing_view(s: &AppState, info: &SessionInfo) -> ui::SharingView {
    let view =
        s.identity
            .sharing(&info.account)
            .await
            .unwrap_or(ws_identity::service::SharingView {
                on_my_record: Vec::new(),
                i_act_for: Vec::new(),
            });
    ui::SharingView {
        access: view
            .on_my_record
            .into_iter()
            .map(|g| ui::AccessRow {
                expires: (g.relationship == "caregiver").then(|| {
                    g.granted_on
                        .parse::<jiff::civil::Date>()
                        .map(|d| ws_identity::rules::proxy::adult_grant_expiry(d).to_string())
                        .unwrap_or_default()
                }),
                access: access_level(&g.relationship),
                grant_id: g.id,
                name: g.grantee_name,
                relationship: g.relationship,
                since: g.granted_on,
            })
            .collect(),
        invite: ui::InviteForm::default(),
    }
}

async fn sharing_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/privacy/sharing", q);
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    let sh = shell(&s, &r, Section::Privacy).await;
    let view = sharing_view(&s, info).await;
    html(&r, StatusCode::OK, ui::render_sharing(&sh, &view))
}

async fn sharing_revoke(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/privacy/sharing", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let res = s
        .identity
        .revoke_grant(&info.account, field(&f, "grant_id").unwrap_or(""))
        .await;
    let mut sh = shell(&s, &r, Section::Privacy).await;
    let status = match res {
        Ok(Ok(())) => {
            flash(
                &mut sh,
                ui::FlashKind::Success,
                ui::t(r.lang, "sharing.revoked"),
            );
            StatusCode::OK
        }
        Ok(Err(_)) => {
            flash(
                &mut sh,
                ui::FlashKind::Error,
                ui::t(r.lang, "error.forbidden"),
            );
            StatusCode::FORBIDDEN
        }
        Err(e) => return internal(&r, &e.to_string()),
    };
    let view = sharing_view(&s, info).await;
    html(&r, status, ui::render_sharing(&sh, &view))
}

async fn sharing_invite(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/privacy/sharing", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let email = field(&f, "email").unwrap_or("").to_owned();
    let name = field(&f, "full_name").unwrap_or("").to_owned();
    let authorize = field(&f, "authorize").is_some();
    let mut sh = shell(&s, &r, Section::Privacy).await;
    let mut view = sharing_view(&s, info).await;
    view.invite = ui::InviteForm {
        email: email.clone(),
        full_name: name.clone(),
        authorize,
        errors: Vec::new(),
    };
    if !authorize {
        view.invite.errors.push(FieldError::new(
            "authorize",
            ui::t(r.lang, "sharing.authorize-required"),
        ));
        return html(&r, StatusCode::BAD_REQUEST, ui::render_sharing(&sh, &view));
    }
    match s
        .identity
        .invite_caregiver(&info.account, &email, &name)
        .await
    {
        Ok(Ok(_)) => {
            flash(
                &mut sh,
                ui::FlashKind::Success,
                ui::t(r.lang, "sharing.invited"),
            );
            let view = sharing_view(&s, info).await;
            html(&r, StatusCode::OK, ui::render_sharing(&sh, &view))
        }
        Ok(Err(e)) => {
            use ws_identity::service::ProxyError as P;
            let (field_name, key) = match e {
                P::InvalidEmail | P::SelfInvite => ("email", "sharing.invalid-email"),
                P::CaregiverUnder18 => ("email", "sharing.caregiver-under-18"),
                P::TooManyInvitations => ("email", "sharing.too-many"),
                P::SubjectNotAdult | P::NotAMember => ("email", "sharing.not-allowed"),
                _ => ("email", "error.forbidden"),
            };
            view.invite
                .errors
                .push(FieldError::new(field_name, ui::t(r.lang, key)));
            html(&r, StatusCode::BAD_REQUEST, ui::render_sharing(&sh, &view))
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

fn actor_kind(actor: &str, me: &str) -> (ui::ActorKind, String) {
    if actor == me {
        (ui::ActorKind::Me, String::new())
    } else if let Some(a) = actor.strip_prefix("account:") {
        (ui::ActorKind::Person, a.to_owned())
    } else if let Some(a) = actor.strip_prefix("staff:") {
        (ui::ActorKind::Staff, a.to_owned())
    } else if let Some(a) = actor.strip_prefix("app:") {
        (ui::ActorKind::App, a.to_owned())
    } else {
        (ui::ActorKind::System, actor.to_owned())
    }
}

const LOG_PAGE: i64 = 50;

/// "Who looked at my record": every audit record about the record the member acts for now.
async fn access_log(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/privacy/access-log", q);
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let page: u32 = field(&f, "page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 10_000)
        .unwrap_or(1);
    // The record shown is the one acted for, and only if this account may still reach it.
    let caller = match s
        .identity
        .caller_for(
            &info.account,
            info.session.acting_for.as_deref(),
            Some(r.source.clone()),
            s.identity.clock().now_micros(),
        )
        .await
    {
        Ok(c) => c,
        Err(e) => return internal(&r, &e.to_string()),
    };
    let Some(patient) = caller.acting_for.clone() else {
        let sh = shell(&s, &r, Section::Privacy).await;
        return html(
            &r,
            StatusCode::OK,
            ui::render_access_log(&sh, &ui::AccessLogView::default()),
        );
    };
    let (rows, has_older) = match s.fhir.access_log(&caller, &patient, page, LOG_PAGE).await {
        Ok(x) => x,
        Err(ws_fhir_service::FhirError::Forbidden(_)) => {
            let sh = shell(&s, &r, Section::Privacy).await;
            return html(
                &r,
                StatusCode::FORBIDDEN,
                ui::render_error(&sh, 403, ui::t(r.lang, "error.forbidden")),
            );
        }
        Err(e) => return internal(&r, &e.to_string()),
    };
    let me = format!("account:{}", info.account.id);
    // Names instead of ids: an app by its registered name, a person or staff member by theirs.
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for a in &rows {
        if names.contains_key(&a.actor) || a.actor == me {
            continue;
        }
        let name = if let Some(id) = a.actor.strip_prefix("app:") {
            s.identity.client(id).await.ok().flatten().map(|c| c.name)
        } else if let Some(id) = a
            .actor
            .strip_prefix("account:")
            .or_else(|| a.actor.strip_prefix("staff:"))
        {
            s.identity
                .account(id)
                .await
                .ok()
                .flatten()
                .map(|c| c.display_name)
        } else {
            None
        };
        if let Some(n) = name {
            names.insert(a.actor.clone(), n);
        }
    }
    let entries = rows
        .into_iter()
        .map(|a| {
            let (kind, mut who) = actor_kind(&a.actor, &me);
            if let Some(n) = names.get(&a.actor) {
                who = n.clone();
            }
            ui::AccessLogEntry {
                when: jiff::Timestamp::from_microsecond(a.recorded_at)
                    .map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
                    .unwrap_or_default(),
                who_kind: kind,
                who,
                action: a.action,
                record_type: a.res_type.unwrap_or_default(),
                purpose: a.purpose.unwrap_or_default(),
                from_where: a.source.unwrap_or_default(),
                refused: a.outcome != "success",
            }
        })
        .collect();
    let sh = shell(&s, &r, Section::Privacy).await;
    let view = ui::AccessLogView {
        entries,
        page,
        has_newer: page > 1,
        has_older,
        ..Default::default()
    };
    html(&r, StatusCode::OK, ui::render_access_log(&sh, &view))
}

async fn apps_view(s: &AppState, info: &SessionInfo) -> ui::AppsView {
    let apps = s
        .identity
        .connected_apps(&info.account.id)
        .await
        .unwrap_or_default();
    ui::AppsView {
        apps: apps
            .into_iter()
            .map(|(g, name)| ui::ConnectedApp {
                grant_id: g.id,
                name,
                scopes: g.scope.split_whitespace().map(str::to_owned).collect(),
                granted_on: jiff::Timestamp::from_microsecond(g.created_at)
                    .map(|t| t.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

async fn apps_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/privacy/apps", q);
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    let sh = shell(&s, &r, Section::Privacy).await;
    let view = apps_view(&s, info).await;
    html(&r, StatusCode::OK, ui::render_apps(&sh, &view))
}

async fn apps_disconnect(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/privacy/apps", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let ok = match s
        .identity
        .disconnect_app(&info.account.id, field(&f, "grant_id").unwrap_or(""))
        .await
    {
        Ok(ok) => ok,
        Err(e) => return internal(&r, &e.to_string()),
    };
    let mut sh = shell(&s, &r, Section::Privacy).await;
    if ok {
        flash(
            &mut sh,
            ui::FlashKind::Success,
            ui::t(r.lang, "apps.disconnected"),
        );
    }
    let view = apps_view(&s, info).await;
    html(&r, StatusCode::OK, ui::render_apps(&sh, &view))
}

// --- account security ------------------------------------------------------------------------

async fn security_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/account/security", q);
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    let sh = shell(&s, &r, Section::Account).await;
    let view = ui::SecurityView {
        two_step_on: info.account.totp_secret.is_some(),
        min_password_len: if info.account.totp_secret.is_some() {
            MIN_PW_TWO_STEP
        } else {
            MIN_PW
        },
        ..Default::default()
    };
    html(&r, StatusCode::OK, ui::render_security(&sh, &view))
}

async fn two_step_setup(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/account/security", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let mut sh = shell(&s, &r, Section::Account).await;
    let mut view = ui::SecurityView {
        two_step_on: info.account.totp_secret.is_some(),
        min_password_len: MIN_PW,
        ..Default::default()
    };
    let secret = field(&f, "secret").unwrap_or("");
    let code = field(&f, "code").unwrap_or("");
    if secret.is_empty() {
        // Step 1: a new secret to add to the authenticator app.
        let setup = s.identity.begin_two_step(&info.account);
        view.setup = Some(ui::TwoStepSetup {
            secret: setup.secret.0,
            otpauth_uri: setup.otpauth_uri,
        });
        return html(&r, StatusCode::OK, ui::render_security(&sh, &view));
    }
    match s
        .identity
        .confirm_two_step(&info.account.id, secret, code)
        .await
    {
        Ok(Some(codes)) => {
            view.two_step_on = true;
            view.min_password_len = MIN_PW_TWO_STEP;
            view.recovery_codes = Some(codes.into_iter().map(|c| c.0).collect());
            flash(
                &mut sh,
                ui::FlashKind::Success,
                ui::t(r.lang, "security.two-step-on"),
            );
            html(&r, StatusCode::OK, ui::render_security(&sh, &view))
        }
        Ok(None) => {
            view.setup = Some(ui::TwoStepSetup {
                secret: secret.to_owned(),
                otpauth_uri: ws_identity::secrets::otpauth_uri(secret, &info.account.email),
            });
            view.errors.push(FieldError::new(
                "code",
                ui::t(r.lang, "auth.two-step-wrong"),
            ));
            html(&r, StatusCode::BAD_REQUEST, ui::render_security(&sh, &view))
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn two_step_disable(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/account/security", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let ok = match s
        .identity
        .disable_two_step(
            &info.account.id,
            field(&f, "disable_password").unwrap_or(""),
        )
        .await
    {
        Ok(ok) => ok,
        Err(e) => return internal(&r, &e.to_string()),
    };
    let mut sh = shell(&s, &r, Section::Account).await;
    let mut view = ui::SecurityView {
        two_step_on: !ok,
        min_password_len: MIN_PW,
        ..Default::default()
    };
    if ok {
        flash(
            &mut sh,
            ui::FlashKind::Success,
            ui::t(r.lang, "security.two-step-off"),
        );
    } else {
        view.errors.push(FieldError::new(
            "disable_password",
            ui::t(r.lang, "auth.bad-credentials"),
        ));
    }
    html(
        &r,
        if ok {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        ui::render_security(&sh, &view),
    )
}

async fn change_password(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/account/security", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let min = if info.account.totp_secret.is_some() {
        MIN_PW_TWO_STEP
    } else {
        MIN_PW
    };
    let mut sh = shell(&s, &r, Section::Account).await;
    let mut view = ui::SecurityView {
        two_step_on: info.account.totp_secret.is_some(),
        min_password_len: min,
        ..Default::default()
    };
    let new = field(&f, "password").unwrap_or("");
    if new != field(&f, "password_confirm").unwrap_or("") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(r.lang, "password_confirm", "mismatch", min, MAX_PW),
        ));
        return html(&r, StatusCode::BAD_REQUEST, ui::render_security(&sh, &view));
    }
    match s
        .identity
        .change_password(
            &info.account.id,
            field(&f, "current_password").unwrap_or(""),
            new,
            &info.session.token_hash,
        )
        .await
    {
        Ok(Ok(())) => {
            flash(
                &mut sh,
                ui::FlashKind::Success,
                ui::t(r.lang, "security.password-changed"),
            );
            html(&r, StatusCode::OK, ui::render_security(&sh, &view))
        }
        Ok(Err(ResetError::Password(p))) => {
            view.errors.push(FieldError::new(
                "password",
                ui::i18n::field_problem(r.lang, "password", p.code(), min, MAX_PW),
            ));
            html(&r, StatusCode::BAD_REQUEST, ui::render_security(&sh, &view))
        }
        Ok(Err(_)) => {
            view.errors.push(FieldError::new(
                "current_password",
                ui::t(r.lang, "auth.bad-credentials"),
            ));
            html(&r, StatusCode::BAD_REQUEST, ui::render_security(&sh, &view))
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

// --- SMART authorization (consent) ------------------------------------------------------------

async fn authorize_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/oauth2/authorize", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let g = |k: &str| field(&f, k).unwrap_or("");
    let checked = s
        .identity
        .check_authorize(
            g("response_type"),
            g("client_id"),
            g("redirect_uri"),
            g("scope"),
            g("state"),
            g("code_challenge"),
            g("code_challenge_method"),
            g("aud"),
        )
        .await;
    let req_ok = match checked {
        Ok(Ok(a)) => a,
        Ok(Err(e)) if e.redirectable => {
            let sep = if g("redirect_uri").contains('?') {
                '&'
            } else {
                '?'
            };
            return redirect(&format!(
                "{}{sep}error={}&error_description={}&state={}",
                g("redirect_uri"),
                e.code,
                pct(&e.description),
                pct(g("state"))
            ));
        }
        Ok(Err(e)) => {
            let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
            return html(
                &r,
                StatusCode::BAD_REQUEST,
                ui::render_error(&sh, 400, &e.description),
            );
        }
        Err(e) => return internal(&r, &e.to_string()),
    };
    let Some(info) = r.signed_in() else {
        return need_sign_in(&r);
    };
    let people: Vec<ui::PersonChoice> = s
        .identity
        .people(&info.account)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| ui::PersonChoice {
            patient_id: p.patient_id,
            name: p.name,
            relationship: relationship_code(p.access).to_owned(),
        })
        .collect();
    let sh = shell(&s, &r, Section::Privacy).await;
    let view = ui::ConsentView {
        app_name: req_ok.client_name,
        client_id: req_ok.client_id,
        scope: req_ok.scopes.join(" "),
        state: req_ok.state,
        redirect_uri: req_ok.redirect_uri,
        code_challenge: req_ok.code_challenge,
        code_challenge_method: "S256".into(),
        people,
    };
    html(&r, StatusCode::OK, ui::render_consent(&sh, &view))
}

async fn authorize_decision(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/oauth2/authorize", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let g = |k: &str| field(&f, k).unwrap_or("");
    // Everything is checked again: the form came back from the browser.
    let fhir_base = s.identity.cfg.fhir_base.clone();
    let checked = match s
        .identity
        .check_authorize(
            "code",
            g("client_id"),
            g("redirect_uri"),
            g("scope"),
            g("state"),
            g("code_challenge"),
            g("code_challenge_method"),
            &fhir_base,
        )
        .await
    {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            let sh = Shell::signed_out(r.lang, r.csrf(), r.path.clone());
            return html(
                &r,
                StatusCode::BAD_REQUEST,
                ui::render_error(&sh, 400, &e.description),
            );
        }
        Err(e) => return internal(&r, &e.to_string()),
    };
    if g("decision") != "allow" {
        return redirect(&ws_identity::Identity::deny_redirect(&checked));
    }
    let patient = Some(g("patient")).filter(|p| !p.is_empty());
    match s
        .identity
        .approve(&info.account.id, &checked, patient)
        .await
    {
        Ok(Ok(url)) => redirect(&url),
        Ok(Err(e)) => {
            let sh = shell(&s, &r, Section::Privacy).await;
            html(
                &r,
                StatusCode::BAD_REQUEST,
                ui::render_error(&sh, 400, &e.description),
            )
        }
        Err(e) => internal(&r, &e.to_string()),
    }
}

// Declared last: it uses this file's macros.
#[path = "coverage_pages.rs"]
mod coverage_pages;
