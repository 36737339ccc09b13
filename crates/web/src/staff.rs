//! Staff pages: member services looks up a member (through the FHIR service, so the lookup is
//! authorized and audited like any read) and records legal authority or a parent link after
//! checking documents (DOMAIN.md PRX-05).

// Early returns carry a ready page `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use ws_identity::{Caller, Principal, StaffRole};

use crate::AppState;
use crate::auth::{self, SESSION_COOKIE};
use crate::oauth_api::{field, form};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_page))
        .route("/staff/grants", post(record))
        .route("/staff/death", post(record_death))
        .route("/staff/add-member", post(add_member))
        .route("/staff/contact", post(correct_contact))
        .route("/staff/enroll", post(enroll))
        .route("/staff/terminate", post(terminate))
}

struct MemberRow {
    id: String,
    name: String,
    birth: String,
    /// (name, relationship, since, documents)
    grants: Vec<(String, String, String, String)>,
    /// Coverage today, in words.
    coverage: String,
    /// The family's coverage rows in words.
    family: Vec<String>,
    deceased: Option<String>,
    address: (String, String, String, String),
    mobile: String,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    csrf: String,
    staff_name: String,
    role: &'static str,
    mrn: String,
    searched: bool,
    members: Vec<MemberRow>,
    can_record: bool,
    notice: Option<String>,
    errors: Vec<(String, String)>,
}

/// The signed-in staff caller, or the response to send instead.
async fn staff_caller(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
) -> Result<(Caller, String, String), Response> {
    let Some(token) = auth::cookie(headers, SESSION_COOKIE) else {
        return Err(crate::portal_routes::redirect("/sign-in?next=%2Fstaff"));
    };
    let info = match s.identity.session(token).await {
        Ok(Some(i)) if !i.session.pending_two_step => i,
        Ok(_) => return Err(crate::portal_routes::redirect("/sign-in?next=%2Fstaff")),
        Err(_) => return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    };
    if info.account.kind != "staff" {
        return Err((
            StatusCode::FORBIDDEN,
            Html("Staff pages are for staff accounts."),
        )
            .into_response());
    }
    let caller = s
        .identity
        .caller_for(
            &info.account,
            None,
            Some(crate::auth::client_address(s, addr, headers)),
            s.identity.clock().now_micros(),
        )
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    Ok((caller, info.account.display_name.clone(), token.to_owned()))
}

fn role_of(c: &Caller) -> Option<StaffRole> {
    match &c.principal {
        Principal::Staff { role, .. } => Some(*role),
        _ => None,
    }
}

async fn lookup(s: &AppState, caller: &Caller, mrn: &str) -> Result<Vec<MemberRow>, String> {
    let pairs = vec![("identifier".to_owned(), mrn.to_owned())];
    let bundle = s
        .fhir
        .search(caller, "Patient", &pairs, false, None)
        .await
        .map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&bundle).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for e in v["entry"].as_array().cloned().unwrap_or_default() {
        let r = &e["resource"];
        let Some(id) = r["id"].as_str() else { continue };
        let facts = ws_identity::service::PatientFacts::from_json(id, r);
        let grants = s
            .identity
            .grants_on(id)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|g| {
                (
                    g.grantee_name,
                    g.relationship,
                    g.granted_on,
                    g.document.unwrap_or_default(),
                )
            })
            .collect();
        let today = s.coverage.clock().today();
        let coverage = match s.coverage.status(caller, id, today).await {
            Ok(st) => match (&st.coverage, st.is_active()) {
                (Some(c), true) => format!(
                    "Covered today: {} (group {}), since {}",
                    c.plan_name, c.group, c.start
                ),
                (Some(c), false) => format!(
                    "Not covered today; last coverage {} {} to {}",
                    c.plan_name,
                    c.start,
                    c.end.map(|e| e.to_string()).unwrap_or_default()
                ),
                (None, _) => "No coverage on record".to_owned(),
            },
            Err(e) => format!("Coverage not shown: {e}"),
        };
        let family = match s.coverage.family(caller, id, today).await {
            Ok(f) => f
                .rows
                .iter()
                .map(|r| {
                    format!(
                        "{} ({:?}): {} {} to {}",
                        f.name_of(&r.member),
                        r.relationship,
                        r.plan_code,
                        r.start,
                        r.end.map_or_else(|| "open".to_owned(), |e| e.to_string())
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let addr = &r["address"][0];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        out.push(MemberRow {
            id: id.to_owned(),
            name: facts.display_name(),
            birth: facts.birth.map(|b| b.to_string()).unwrap_or_default(),
            grants,
            coverage,
            family,
            deceased: r["deceasedDateTime"].as_str().map(str::to_owned),
            address: (
                text(&addr["line"][0]),
                text(&addr["city"]),
                text(&addr["state"]),
                text(&addr["postalCode"]),
            ),
            mobile: r["telecom"]
                .as_array()
                .and_then(|t| t.iter().find(|x| x["use"] == "mobile"))
                .map(|x| text(&x["value"]))
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

async fn render(
    s: &AppState,
    caller: &Caller,
    name: String,
    token: &str,
    mrn: &str,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> Response {
    let role = role_of(caller);
    let (members, errors) = if mrn.trim().is_empty() {
        (Vec::new(), errors)
    } else {
        match lookup(s, caller, mrn.trim()).await {
            Ok(m) => (m, errors),
            Err(e) => {
                let mut errs = errors;
                errs.push(("mrn".into(), format!("The lookup was refused: {e}")));
                (Vec::new(), errs)
            }
        }
    };
    let page = StaffPage {
        csrf: auth::csrf_for(token),
        staff_name: name,
        role: role.map_or("staff", StaffRole::as_str),
        mrn: mrn.to_owned(),
        searched: !mrn.trim().is_empty(),
        members,
        can_record: role == Some(StaffRole::MemberServices),
        notice,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    match page.render() {
        Ok(h) => (status, Html(h)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "staff page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn staff_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (caller, name, token) = match staff_caller(&s, &addr, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    render(&s, &caller, name, &token, &mrn, None, Vec::new()).await
}

async fn record(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (caller, name, token) = match staff_caller(&s, &addr, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let f = form(&body);
    if !auth::csrf_ok(Some(&token), field(&f, "csrf").unwrap_or("")) {
        return (
            StatusCode::FORBIDDEN,
            Html("This form has expired; go back and try again."),
        )
            .into_response();
    }
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    if role_of(&caller) != Some(StaffRole::MemberServices) {
        return (
            StatusCode::FORBIDDEN,
            Html("Only member services records proxy relationships."),
        )
            .into_response();
    }
    let patient = field(&f, "patient").unwrap_or("");
    let document = field(&f, "document").unwrap_or("").trim().to_owned();
    let relationship = match field(&f, "relationship") {
        Some("legal") => ws_identity::rules::proxy::Relationship::Legal,
        Some("parent") => ws_identity::rules::proxy::Relationship::Parent,
        _ => {
            return render(
                &s,
                &caller,
                name,
                &token,
                &mrn,
                None,
                vec![("relationship".into(), "Choose a relationship.".into())],
            )
            .await;
        }
    };
    let mut errors = Vec::new();
    if document.is_empty() {
        errors.push((
            format!("document-{patient}"),
            "Say which documents you checked.".to_owned(),
        ));
    }
    let grantee = match s
        .identity
        .account_by_email(field(&f, "grantee_email").unwrap_or(""))
        .await
    {
        Ok(Some(a)) => Some(a),
        Ok(None) => {
            errors.push((
                format!("grantee_email-{patient}"),
                "No Wellspring account uses that email address; the person must register first."
                    .to_owned(),
            ));
            None
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    // The patient must be one this staff member may read (policy + audit through the service).
    if s.fhir.read(&caller, "Patient", patient).await.is_err() {
        errors.push((
            "mrn".into(),
            "That member record cannot be found.".to_owned(),
        ));
    }
    let (Some(grantee), true) = (grantee, errors.is_empty()) else {
        return render(&s, &caller, name, &token, &mrn, None, errors).await;
    };
    match s
        .identity
        .record_grant(&caller.actor, patient, &grantee, relationship, &document)
        .await
    {
        Ok(_) => {
            let notice = format!(
                "Recorded: {} may now act for this member.",
                grantee.display_name
            );
            render(&s, &caller, name, &token, &mrn, Some(notice), Vec::new()).await
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The address and mobile of a contact form (portal and staff pages share the fields).
pub(crate) fn contact_form(
    f: &[(String, String)],
) -> (ws_coverage::service::changes::Address, Option<String>) {
    let get = |k: &str| field(f, k).unwrap_or("").trim().to_owned();
    let address = ws_coverage::service::changes::Address {
        lines: vec![get("line")],
        city: get("city"),
        state: get("state").to_ascii_uppercase(),
        postal_code: get("postal_code"),
    };
    (address, Some(get("mobile")).filter(|p| !p.is_empty()))
}

/// The signed-in member-services caller and a checked form, or the response to send.
async fn member_services_form(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<MsForm, Response> {
    let (caller, name, token) = staff_caller(s, addr, headers).await?;
    let f = form(body);
    if !auth::csrf_ok(Some(&token), field(&f, "csrf").unwrap_or("")) {
        return Err((
            StatusCode::FORBIDDEN,
            Html("This form has expired; go back and try again."),
        )
            .into_response());
    }
    if role_of(&caller) != Some(StaffRole::MemberServices) {
        return Err((
            StatusCode::FORBIDDEN,
            Html("Only member services record life events and corrections."),
        )
            .into_response());
    }
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    let patient = field(&f, "patient").unwrap_or("").to_owned();
    Ok(MsForm {
        caller,
        name,
        token,
        f,
        mrn,
        patient,
    })
}

/// A member-services form, checked: who posted it, its fields, and the member it is about.
struct MsForm {
    caller: Caller,
    name: String,
    token: String,
    f: Vec<(String, String)>,
    mrn: String,
    patient: String,
}

/// The staff page after a change: the notice, or the refusal shown at `field`.
async fn reply(s: &AppState, ms: MsForm, res: Result<String, String>, field: &str) -> Response {
    let (notice, errors) = match res {
        Ok(n) => (Some(n), Vec::new()),
        Err(e) => (None, vec![(format!("{field}-{}", ms.patient), e)]),
    };
    render(s, &ms.caller, ms.name, &ms.token, &ms.mrn, notice, errors).await
}

async fn record_death(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ms = match member_services_form(&s, &addr, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (caller, f, patient) = (&ms.caller, &ms.f, ms.patient.as_str());
    let date = field(f, "date_of_death").unwrap_or("");
    let Ok(date) = date.parse::<jiff::civil::Date>() else {
        return reply(
            &s,
            ms,
            Err("Enter the date of death (YYYY-MM-DD).".to_owned()),
            "date_of_death",
        )
        .await;
    };
    match s
        .coverage
        .record_death(caller, patient, date, s.coverage.clock().today())
        .await
    {
        Ok(rep) => {
            let mut notice = format!(
                "Death recorded. Coverage ends {}. {} Appointments cancelled: {}; prescriptions stopped: {}.",
                rep.coverage_last_day
                    .map_or_else(|| "(no active coverage)".to_owned(), |d| d.to_string()),
                rep.dependents,
                rep.appointments_cancelled,
                rep.prescriptions_stopped
            );
            if let Some(d) = rep.dues_refund_from {
                notice.push_str(&format!(" Prepaid dues are refunded from {d}."));
            }
            reply(&s, ms, Ok(notice), "").await
        }
        Err(e) => reply(&s, ms, Err(e.explain()), "date_of_death").await,
    }
}

async fn add_member(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ms = match member_services_form(&s, &addr, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (caller, f, patient) = (&ms.caller, &ms.f, ms.patient.as_str());
    let get = |k: &str| field(f, k).unwrap_or("").trim().to_owned();
    let birth = get("birth_date").parse::<jiff::civil::Date>();
    let event_date = get("event_date").parse::<jiff::civil::Date>();
    let relationship = ws_coverage::rules::Relationship::from_x12(&get("relationship"));
    let (Ok(birth), Ok(event_date), Some(relationship)) = (birth, event_date, relationship) else {
        return reply(
            &s,
            ms,
            Err("Enter the name, a date of birth, the relationship and the event date.".to_owned()),
            "given",
        )
        .await;
    };
    let event = ws_coverage::service::changes::life_event(&get("event"), event_date)
        .unwrap_or(ws_coverage::rules::windows::LifeEvent::Birth(event_date));
    let d = ws_coverage::service::changes::NewDependent {
        given: get("given"),
        family: get("family"),
        birth_date: birth,
        gender: get("gender"),
        relationship,
        event,
    };
    match s
        .coverage
        .add_dependent(caller, patient, d, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Added: covered from {} ({}); new MRN {}.",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.window,
                out.mrn.unwrap_or_default()
            );
            reply(&s, ms, Ok(notice), "").await
        }
        Err(e) => reply(&s, ms, Err(e.explain()), "given").await,
    }
}

async fn correct_contact(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ms = match member_services_form(&s, &addr, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (caller, f, patient) = (&ms.caller, &ms.f, ms.patient.as_str());
    let (address, phone) = contact_form(f);
    match s
        .coverage
        .update_contact(caller, patient, Some(address), phone)
        .await
    {
        Ok(()) => reply(&s, ms, Ok("Contact details corrected.".to_owned()), "").await,
        Err(e) => reply(&s, ms, Err(e.explain()), "line").await,
    }
}

async fn enroll(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ms = match member_services_form(&s, &addr, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (caller, f, patient) = (&ms.caller, &ms.f, ms.patient.as_str());
    let get = |k: &str| field(f, k).unwrap_or("").trim().to_owned();
    let event = match (get("event").as_str(), get("event_date").parse().ok()) {
        ("", _) | (_, None) => None,
        (kind, Some(d)) => ws_coverage::service::changes::life_event(kind, d).or(Some(
            ws_coverage::rules::windows::LifeEvent::EnrollmentError(d),
        )),
    };
    let e = ws_coverage::service::changes::NewEnrollment {
        subscriber: patient.to_owned(),
        members: Vec::new(),
        plan_code: get("plan"),
        group: Some(get("group")).filter(|g| !g.is_empty()),
        event,
        part_a_b_start: get("part_a_b_start").parse().ok(),
    };
    match s
        .coverage
        .enroll(caller, e, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Enrolled: coverage starts {} ({}; {}).",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.window,
                out.rule
            );
            reply(&s, ms, Ok(notice), "").await
        }
        Err(e) => reply(&s, ms, Err(e.explain()), "plan").await,
    }
}

async fn terminate(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ms = match member_services_form(&s, &addr, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (caller, patient) = (&ms.caller, ms.patient.as_str());
    match s
        .coverage
        .terminate(caller, patient, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Coverage ends {} for the subscriber and everyone covered with them ({}).",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.rule
            );
            reply(&s, ms, Ok(notice), "").await
        }
        Err(e) => reply(&s, ms, Err(e.explain()), "terminate").await,
    }
}
