//! The one error of the HTML layer. Handlers return `Result<Response, WebError>` and use `?`;
//! [`WebError`] becomes a response in exactly one place ([`frame`]), which renders the page in
//! the member's language inside the portal's shell (or sends them to sign in).

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::extract::Page;
use super::form::pct;
use crate::AppState;
use crate::portal::{self as ui, Lang, Section, Shell};

pub type WebResult = Result<Response, WebError>;

/// Why a page cannot be shown. Each variant is one page (or redirect), the same everywhere.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in: to the sign-in page, then back to `next`.
    SignIn { next: String },
    /// A form without a valid CSRF token (an old tab, or another site posting).
    Csrf,
    /// A request the server cannot read.
    BadRequest,
    /// No such page, or a record this person may not see (the same answer).
    NotFound,
    /// This person may not do this.
    Forbidden,
    /// A page the person chosen in the switcher cannot have, with why (a text key).
    NotForThisPerson { key: &'static str },
    /// The account has no member record linked to it.
    NoRecord,
    /// Staff pages, reached by a member.
    StaffOnly,
    /// A domain refusal, explained in words already in the member's language.
    Refused { status: StatusCode, message: String },
    /// A domain refusal in words the page says in its own language (a rule's [`Said`]).
    ///
    /// [`Said`]: ws_i18n::said::Said
    RefusedSaid {
        status: StatusCode,
        said: ws_i18n::said::Said,
    },
    /// Something broke; the detail goes to the log, never to the page.
    Internal(String),
}

impl WebError {
    pub fn internal(e: impl std::fmt::Display) -> WebError {
        WebError::Internal(e.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Csrf | WebError::Forbidden | WebError::StaffOnly => StatusCode::FORBIDDEN,
            WebError::NotForThisPerson { .. } => StatusCode::FORBIDDEN,
            WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::NotFound | WebError::NoRecord => StatusCode::NOT_FOUND,
            WebError::Refused { status, .. } | WebError::RefusedSaid { status, .. } => *status,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<ws_identity::IdentityError> for WebError {
    fn from(e: ws_identity::IdentityError) -> Self {
        WebError::internal(e)
    }
}

impl From<ws_fhir_service::FhirError> for WebError {
    fn from(e: ws_fhir_service::FhirError) -> Self {
        use ws_fhir_service::FhirError as F;
        match e {
            F::NotFound(_) | F::Gone(_) => WebError::NotFound,
            F::Forbidden(_) | F::Unauthorized(_) => WebError::Forbidden,
            other => WebError::internal(other),
        }
    }
}

/// The capability services' error (records, pharmacy): hidden and missing answer alike; a
/// refusal keeps its status and its words.
impl From<ws_fhir_service::ServiceError> for WebError {
    fn from(e: ws_fhir_service::ServiceError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let ws_fhir_service::ServiceError::Refused(said) = e {
            return WebError::RefusedSaid { status, said };
        }
        match status {
            s if s.is_server_error() => WebError::internal(e),
            StatusCode::NOT_FOUND | StatusCode::GONE | StatusCode::FORBIDDEN => WebError::NotFound,
            status => WebError::Refused {
                status,
                message: e.to_string(),
            },
        }
    }
}

/// The marker a [`WebError`] leaves on its response for [`frame`] to render.
#[derive(Clone, Debug)]
pub struct ErrorPage(Arc<WebError>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignIn { next } = &self {
            return redirect(&format!("/sign-in?next={}", pct(next)));
        }
        if let WebError::Internal(detail) = &self {
            tracing::error!(error = %detail, "request failed");
        }
        let mut res = (self.status(), Html(String::new())).into_response();
        res.extensions_mut().insert(ErrorPage(Arc::new(self)));
        res
    }
}

/// A 303 redirect to a local path.
pub fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A staff desk's page (English, its own frame): 400 when the form it answers had errors.
pub fn staff_page(html: Result<String, askama::Error>, has_errors: bool) -> WebResult {
    let html = html.map_err(WebError::internal)?;
    let status = if has_errors {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(html)).into_response())
}

/// What the [`Page`] extractor learned, shared with [`frame`] for after the handler.
#[derive(Clone, Default)]
pub(crate) struct FrameSlot(Arc<Mutex<Frame>>);

#[derive(Default)]
struct Frame {
    page: Option<Page>,
    cookies: Vec<HeaderValue>,
}

impl FrameSlot {
    pub(crate) fn fill(&self, page: &Page, cookies: Vec<HeaderValue>) {
        if let Ok(mut f) = self.0.lock() {
            f.page = Some(page.clone());
            f.cookies.extend(cookies);
        }
    }

    pub(crate) fn set_path(&self, path: &str) {
        if let Ok(mut f) = self.0.lock()
            && let Some(p) = f.page.as_mut()
        {
            p.path = path.to_owned();
        }
    }

    fn take(&self) -> Frame {
        self.0
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default()
    }
}

/// Middleware around every route: gives the [`Page`] extractor a place to leave what it
/// learned, sets the cookies it asked for (language, pre-session), and renders a
/// [`WebError`] as its page — the one place errors become HTML.
pub async fn frame(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let slot = FrameSlot::default();
    req.extensions_mut().insert(slot.clone());
    let fallback_lang = {
        let h = req.headers();
        let accept = h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Lang::negotiate(None, crate::auth::cookie(h, "lang"), accept)
    };
    let fallback_path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let frame = slot.take();
    if let Some(ErrorPage(err)) = res.extensions_mut().remove::<ErrorPage>() {
        let page = match frame.page {
            Some(p) => p,
            None => {
                // The handler failed before reading the page (a body it could not parse):
                // read it now, from what the request said.
                let sh = Shell::signed_out(fallback_lang, String::new(), fallback_path);
                let body = error_body(&sh, &err, &s.coverage.contacts.member_services);
                let mut r = (res.status(), Html(body)).into_response();
                copy_cookies(&res, &mut r);
                return r;
            }
        };
        let sh = match &*err {
            WebError::Csrf => page.signed_out_shell(),
            _ => page.shell(Section::None).await,
        };
        let body = error_body(&sh, &err, &s.coverage.contacts.member_services);
        let mut r = (res.status(), Html(body)).into_response();
        copy_cookies(&res, &mut r);
        res = r;
    }
    for c in frame.cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

fn copy_cookies(from: &Response, to: &mut Response) {
    for c in from.headers().get_all(header::SET_COOKIE) {
        to.headers_mut().append(header::SET_COOKIE, c.clone());
    }
}

/// The page for an error, in the shell's language.
fn error_body(sh: &Shell, err: &WebError, phone: &str) -> String {
    let lang = sh.lang;
    let status = err.status().as_u16();
    match err {
        WebError::NotFound => ui::render_not_found(sh),
        WebError::Csrf => ui::render_error(sh, status, ui::t(lang, "error.csrf")),
        WebError::BadRequest => ui::render_error(sh, status, ui::t(lang, "error.bad-request")),
        WebError::Forbidden => ui::render_error(sh, status, ui::t(lang, "error.forbidden")),
        WebError::NotForThisPerson { key } => ui::render_not_for_person(sh, key, phone),
        WebError::NoRecord => ui::render_error(sh, status, ui::t(lang, "error.no-record")),
        WebError::StaffOnly => ui::render_error(sh, status, ui::t(lang, "error.staff-only")),
        WebError::Refused { message, .. } => ui::render_error(sh, status, message),
        WebError::RefusedSaid { said, .. } => ui::render_error(sh, status, &said.sentence(lang)),
        WebError::Internal(_) => ui::render_error(sh, status, ui::t(lang, "error.internal")),
        WebError::SignIn { .. } => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use ws_i18n::said::Said;

    /// A rule's refusal reaching the error page is said in the page's language (issue 13:
    /// domain error messages are translated), with its status.
    #[test]
    fn a_refusal_in_words_is_said_in_the_pages_language() {
        let err = WebError::RefusedSaid {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            said: Said::new("explain-refused").said("reason", Said::new("reason-card-medicare")),
        };
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let es = error_body(
            &Shell::signed_out(ui::Lang::Es, "", "/"),
            &err,
            "1-800-555-0100",
        );
        assert!(
            es.contains("no está disponible en los planes de Medicare"),
            "{es}"
        );
        assert!(!es.contains("not available"), "{es}");
        let en = error_body(
            &Shell::signed_out(ui::Lang::En, "", "/"),
            &err,
            "1-800-555-0100",
        );
        assert!(en.contains("not available on Medicare plans"), "{en}");
    }
}
