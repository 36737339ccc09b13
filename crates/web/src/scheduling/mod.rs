//! Getting care in the portal (issue 14): the public directory (find a doctor, a doctor's page,
//! facilities and urgent care open now, Get Care guidance), the personal doctor, booking,
//! rescheduling and cancelling visits with `.ics` calendar files, the waitlist's offers, text
//! reminder settings and the SMS gateway's inbound webhook; the staff schedule desk (blocks,
//! overbooking, check-in, closures) and panel management.
//!
//! The rules and the service are in `crates/scheduling`.

mod pages;
mod public;
mod render;
mod staff;
mod texts;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::kit::{Acting, WebError};

/// The Appointments pages are offered to whoever may book for the person chosen in the switcher
/// (PRX-03 lets a teen's parent in, for routine visits); anyone else is told why, in words.
fn offered(a: &Acting) -> Result<ws_scheduling::service::Right, WebError> {
    a.require_view("Appointment", "notfor.appointments")?;
    ws_scheduling::SchedulingService::authorize(&a.caller, &a.patient).map_err(|_| {
        WebError::NotForThisPerson {
            key: "notfor.appointments",
        }
    })
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/get-care", get(public::get_care))
        .route("/doctors", get(public::doctors))
        .route("/doctors/{role}", get(public::doctor))
        .route("/facilities", get(public::facilities))
        .route("/appointments", get(pages::list))
        .route("/appointments/new", get(pages::new_visit))
        .route("/appointments/book", post(pages::book))
        .route("/appointments/{id}/cancel", post(pages::cancel))
        .route(
            "/appointments/{id}/reschedule",
            get(pages::reschedule_page).post(pages::reschedule),
        )
        .route("/appointments/{id}/calendar.ics", get(pages::calendar))
        .route("/appointments/{id}/waitlist", post(pages::join_waitlist))
        .route("/appointments/offers/accept", post(pages::accept_offer))
        .route(
            "/appointments/pcp",
            get(pages::pcp_page).post(pages::choose_pcp),
        )
        .route("/appointments/texts", get(texts::page).post(texts::add))
        .route("/appointments/texts/verify", post(texts::verify))
        .route("/appointments/texts/opt", post(texts::opt))
        .route("/texts/inbound", post(texts::inbound))
        .route("/staff/schedule", get(staff::schedule))
        .route("/staff/schedule/block", post(staff::block))
        .route("/staff/schedule/unblock", post(staff::unblock))
        .route("/staff/schedule/overbook", post(staff::overbook))
        .route("/staff/schedule/check-in", post(staff::check_in))
        .route("/staff/schedule/cancel", post(staff::cancel))
        .route("/staff/schedule/closure", post(staff::closure))
        .route("/staff/panels", get(staff::panels).post(staff::set_panel))
}
