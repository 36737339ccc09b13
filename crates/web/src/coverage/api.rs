//! Coverage over HTTP for systems: "is this member covered on this date?" as a FHIR
//! CoverageEligibilityResponse, X12 270 → 271 for outside providers, and X12 834 employer
//! enrollment files (→ 999 and a report). All take the API caller (bearer token or session).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use ws_coverage::service::CoverageError;
use ws_fhir::{Issue, IssueCode};

use crate::AppState;
use crate::fhir::{caller_or_401, fhir_error, outcome_response};
use crate::kit::{field, form};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/coverage-status", get(coverage_status))
        .route("/x12/270", post(x12_270))
        .route(
            "/x12/834",
            post(x12_834).layer(axum::extract::DefaultBodyLimit::max(MAX_X12_BYTES)),
        )
}

/// Most bytes an X12 upload may carry (a 100,000-member 834 is about 40 MB).
pub const MAX_X12_BYTES: usize = 256 * 1024 * 1024;

fn error(e: &CoverageError) -> Response {
    match e {
        CoverageError::Fhir(f) => fhir_error(f),
        other => {
            let status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let code = match status {
                StatusCode::FORBIDDEN => IssueCode::Forbidden,
                StatusCode::NOT_FOUND => IssueCode::NotFound,
                StatusCode::UNPROCESSABLE_ENTITY => IssueCode::Processing,
                _ => IssueCode::Invalid,
            };
            let text = other.explain();
            outcome_response(status, &[Issue::error(code, text)])
        }
    }
}

async fn coverage_status(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let caller = match caller_or_401(&s, &addr, &headers).await {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let Some(patient) = field(&f, "patient").filter(|p| !p.is_empty()) else {
        return outcome_response(
            StatusCode::BAD_REQUEST,
            &[Issue::error(
                IssueCode::Required,
                "the patient parameter is required",
            )],
        );
    };
    let patient = patient.trim_start_matches("Patient/").to_owned();
    let on = match field(&f, "date") {
        None | Some("") => s.coverage.clock().today(),
        Some(d) => match d.parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                return outcome_response(
                    StatusCode::BAD_REQUEST,
                    &[Issue::error(
                        IssueCode::Value,
                        format!("date '{d}' is not a date (YYYY-MM-DD)"),
                    )],
                );
            }
        },
    };
    match s.coverage.status(&caller, &patient, on).await {
        Ok(st) => {
            let id = format!("elig-{:x}", s.coverage.clock().now_micros());
            let body = st.to_fhir(&id).to_string();
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/fhir+json")],
                body,
            )
                .into_response()
        }
        Err(e) => error(&e),
    }
}

fn x12_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/edi-x12")],
        body,
    )
        .into_response()
}

async fn x12_270(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match caller_or_401(&s, &addr, &headers).await {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    match s.coverage.eligibility_270(&caller, &body).await {
        Ok(x) => x12_response(StatusCode::OK, x),
        Err(e) => error(&e),
    }
}

async fn x12_834(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match caller_or_401(&s, &addr, &headers).await {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    if body.len() > MAX_X12_BYTES {
        return outcome_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &[Issue::error(IssueCode::TooLong, "the file is too large")],
        );
    }
    match s.coverage.import_834(&caller, &body).await {
        Ok(r) => {
            let members: Vec<serde_json::Value> = r
                .members
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "segment": m.segment, "name": m.name, "outcome": m.outcome,
                        "reason": m.reason, "patient": m.patient
                    })
                })
                .collect();
            let body = serde_json::json!({
                "accepted": r.members.iter().filter(|m| m.outcome != "rejected").count(),
                "rejected": r.count("rejected"),
                "unchanged": r.count("unchanged"),
                "members": members,
                "not_in_audit": r.not_in_audit,
                "ack999": r.ack,
            });
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
        Err(e) => error(&e),
    }
}
