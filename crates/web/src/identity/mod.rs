//! Identity's pages and API: signing in and out, registration and password reset, the person
//! switcher, privacy (sharing, access log, connected apps), account security, and OAuth 2.0 /
//! SMART on FHIR (the consent page people see, the endpoints machines call).
//!
//! The rules and the service are in `crates/identity` (`rules/`, `service/`).

mod account;
mod consent;
pub(crate) mod oauth;
mod privacy;
mod register;
pub(crate) mod render;
mod sign_in;
pub(crate) mod staff;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Password lengths the forms show (the service decides; DOMAIN.md ID-04).
const MIN_PW: usize = 15;
const MIN_PW_TWO_STEP: usize = 8;
const MAX_PW: usize = 256;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/sign-in",
            get(sign_in::sign_in_page).post(sign_in::sign_in),
        )
        .route(
            "/sign-in/two-step",
            get(sign_in::two_step_page).post(sign_in::two_step),
        )
        .route("/sign-out", post(sign_in::sign_out))
        .route("/sign-out-everywhere", post(sign_in::sign_out_everywhere))
        .route("/session/extend", post(sign_in::extend))
        .route("/act-as", post(sign_in::act_as))
        .route(
            "/register",
            get(register::register_page).post(register::register),
        )
        .route(
            "/password/forgot",
            get(register::forgot_page).post(register::forgot),
        )
        .route(
            "/password/reset",
            get(register::reset_page).post(register::reset),
        )
        .route("/verify-email", get(register::verify_email_page))
        .route("/privacy/sharing", get(privacy::sharing_page))
        .route("/privacy/sharing/revoke", post(privacy::sharing_revoke))
        .route("/privacy/sharing/invite", post(privacy::sharing_invite))
        .route("/privacy/access-log", get(privacy::access_log))
        .route("/privacy/apps", get(privacy::apps_page))
        .route("/privacy/apps/disconnect", post(privacy::apps_disconnect))
        .route("/account/security", get(account::security_page))
        .route("/account/two-step/setup", post(account::two_step_setup))
        .route("/account/two-step/disable", post(account::two_step_disable))
        .route("/account/password", post(account::change_password))
        .route(
            "/oauth2/authorize",
            get(consent::authorize_page).post(consent::authorize_decision),
        )
        .route(
            "/fhir/.well-known/smart-configuration",
            get(oauth::smart_configuration),
        )
        .route("/oauth2/token", post(oauth::token))
        .route("/oauth2/introspect", post(oauth::introspect))
        .route("/oauth2/revoke", post(oauth::revoke))
        .route("/oauth2/jwks", get(oauth::jwks))
}
