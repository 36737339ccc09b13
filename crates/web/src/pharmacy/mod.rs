//! Pharmacy in the portal (issue 15): the medication list with refills ordered several at a
//! time (each "no" explained with its date), renewal requests, outside and over-the-counter
//! medicines, "not taking", transfers in from other pharmacies, mail order with a card on file; the `$refill` FHIR operation; the
//! pharmacists' queue and the care team's renewal queue on the staff pages.
//!
//! The rules and the service are in `crates/pharmacy`.

pub(crate) mod api;
mod pages;
mod render;
mod staff;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pharmacy", get(pages::list))
        .route("/pharmacy/refill", post(pages::refill))
        .route("/pharmacy/renew", post(pages::renew))
        .route("/pharmacy/not-taking", post(pages::not_taking))
        .route("/pharmacy/add", get(pages::add_page).post(pages::add))
        .route(
            "/pharmacy/reminders",
            get(pages::plans_page).post(pages::save_plans),
        )
        .route(
            "/pharmacy/transfer",
            get(pages::transfer_page).post(pages::transfer),
        )
        .route(
            "/pharmacy/card",
            get(pages::card_page).post(pages::save_card),
        )
        .route("/staff/pharmacy", get(staff::queue))
        .route("/staff/pharmacy/advance", post(staff::advance))
        .route("/staff/pharmacy/transfer", post(staff::transfer))
        .route("/staff/renewals", get(staff::renewals))
        .route("/staff/renewals/answer", post(staff::answer))
        .route("/staff/renewals/reviewed", post(staff::reviewed))
}
