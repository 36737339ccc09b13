//! Coverage's pages, staff screens and API: the portal's Coverage section (status, family,
//! plan changes, dependents, ID card, care away from home), member services' coverage actions,
//! and the coverage-status and X12 270/834 endpoints.
//!
//! The rules and the service are in `crates/coverage` (`rules/`, `service/`).

pub(crate) mod api;
mod pages;
pub(crate) mod render;
mod staff;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/coverage", get(pages::overview))
        .route(
            "/coverage/add-member",
            get(pages::add_member_page).post(pages::add_member),
        )
        .route("/coverage/plans", get(pages::plans_page))
        .route("/coverage/change-plan/review", get(pages::review_change))
        .route("/coverage/change-plan", post(pages::change_plan))
        .route("/coverage/contact", post(pages::update_contact))
        .route("/coverage/id-card", get(pages::id_card_page))
        .route("/coverage/id-card.pdf", get(pages::id_card_pdf))
        .route("/coverage/id-card.png", get(pages::id_card_png))
        .route(
            "/coverage/areas",
            get(pages::areas_page).post(pages::add_area),
        )
        .merge(api::routes())
}

/// Member services' coverage actions on the staff desk.
pub fn staff_routes() -> Router<AppState> {
    Router::new()
        .route("/staff/death", post(staff::record_death))
        .route("/staff/add-member", post(staff::add_member))
        .route("/staff/contact", post(staff::correct_contact))
        .route("/staff/enroll", post(staff::enroll))
        .route("/staff/terminate", post(staff::terminate))
        .route("/staff/change-plan", post(staff::change_plan))
}
