//! The portal's own pages: My Health (home), the sections still to come, the style sheet and
//! the page for an unknown address.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::kit::{Page, SignedIn, WebError, WebResult, redirect};
use crate::portal::{self as ui, Section};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/assets/portal.css", get(css))
        .route("/messages", get(section))
        .route("/billing", get(section))
        .route("/support", get(section))
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

async fn home(me: SignedIn) -> WebResult {
    if me.info.account.kind == "staff" {
        return Ok(redirect("/staff"));
    }
    let sh = me.shell(Section::MyHealth).await;
    Ok(me.html(StatusCode::OK, ui::render_home(&sh)))
}

/// A section still to come: what it will hold, and whom to call meanwhile.
async fn section(me: SignedIn) -> WebResult {
    let path = me.path.split('?').next().unwrap_or("").to_owned();
    let sec = Section::PLACEHOLDERS
        .into_iter()
        .find(|x| x.href() == path)
        .unwrap_or(Section::MyHealth);
    let sh = me.shell(sec).await;
    let c = &me.state.coverage.contacts;
    Ok(me.html(
        StatusCode::OK,
        ui::render_section(&sh, sec, &c.member_services, &c.advice_nurse),
    ))
}

/// Any address nobody serves: the 404 page in the portal's shell and the visitor's language.
pub async fn not_found(_page: Page) -> WebResult {
    Err(WebError::NotFound)
}
