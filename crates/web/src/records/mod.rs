//! Results and records in the portal (issue 16): the Medical Record section — test results
//! with their trends, problems, allergies, medications, immunizations, procedures, visits and
//! vitals — for the person chosen in the switcher, read with that person's caller so the
//! policy decides what shows (a parent of a teen: growth charts only).
//!
//! The rules and the service (HL7 v2 in, the record out) are in `crates/records`.

mod bring_in;
mod holds;
mod pages;
mod render;
mod requests;
mod share;
mod staff;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/record", get(pages::overview))
        .route("/record/results/{id}", get(pages::report))
        .route("/record/result/{id}", get(pages::result))
        .route(
            "/record/requests",
            get(requests::requests_page).post(requests::file_request),
        )
        .route("/record/download.json", get(pages::download))
        .route("/record/print", get(pages::print_page))
        .route("/record/print.pdf", get(pages::print_pdf))
        .route(
            "/record/share",
            get(share::share_page).post(share::share_create),
        )
        .route("/record/share/revoke", post(share::share_revoke))
        .route(
            "/record/bring-in",
            get(bring_in::page)
                .post(bring_in::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    ws_records::rules::reconcile::MAX_BYTES + 64 * 1024,
                )),
        )
        .route("/shared/{token}", get(share::shared))
        .route("/record/{section}", get(pages::section))
}

/// Member services' records desk: requests about records with their clocks, and lab messages
/// that were not filed; the clinicians' results screen (holds, HIP-08).
pub fn staff_routes() -> Router<AppState> {
    Router::new()
        .route("/staff/records", get(staff::desk))
        .route("/staff/records/extend", post(staff::extend))
        .route("/staff/records/close", post(staff::close))
        .route("/staff/records/disclosure", post(staff::disclosure))
        .route("/staff/records/work-item", post(staff::resolve))
        .route("/staff/results", get(holds::screen))
        .route("/staff/results/hold", post(holds::place))
        .route("/staff/results/release", post(holds::release))
        .route(
            "/staff/reconcile",
            get(bring_in::queue).post(bring_in::decide),
        )
}

/// The member with this MRN whom the staff member may reach: (id, name). One they may not
/// reach (a clinician's patient of another care team) is not found, like one who does not
/// exist.
async fn patient_by_mrn(
    st: &crate::kit::Staff,
    mrn: &str,
) -> Result<Option<(String, String)>, crate::kit::WebError> {
    let found = st
        .state
        .fhir
        .search_resources(
            &st.caller,
            "Patient",
            &[("identifier".into(), mrn.to_owned())],
            2,
        )
        .await;
    let found = match found {
        Ok(f) => f,
        Err(e) if matches!(e.status(), 403 | 404) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok(found.first().and_then(|p| {
        Some((
            p["id"].as_str()?.to_owned(),
            ws_coverage::service::family::display_name(p),
        ))
    }))
}
