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
}

struct MemberRow {
    id: String,
    name: String,
    birth: String,
    /// (name, relationship, since, documents)
    grants: Vec<(String, String, String, String)>,
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
            Some(addr.ip().to_string()),
            ws_store::now_micros(),
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
        out.push(MemberRow {
            id: id.to_owned(),
            name: facts.display_name(),
            birth: facts.birth.map(|b| b.to_string()).unwrap_or_default(),
            grants,
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
