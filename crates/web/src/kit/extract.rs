//! Who is asking, as `axum` extractors. A handler names what it needs in its arguments and
//! never repeats the sign-in preamble:
//!
//! - [`Page`]: any portal request — language, CSRF token, the session if there is one, the
//!   client's address. Never refuses.
//! - [`SignedIn`]: a fully signed-in person (two-step done); anyone else is sent to sign in.
//! - [`Acting`]: a signed-in person with the FHIR caller for the record chosen in the person
//!   switcher — every page acts on *that* person, never silently on the account holder.
//! - [`Staff`]: a signed-in staff account with its caller and role.
//! - [`Form`]: a posted form whose CSRF token checked out (the last argument: it reads the body).
//! - [`Upload`]: the same for a `multipart/form-data` form with a file.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use ws_identity::service::SessionInfo;
use ws_identity::{Access, Caller, Principal, StaffRole};

use super::error::{FrameSlot, WebError};
use super::form::{Fields, field, form};
use crate::AppState;
use crate::auth::{self, PRE_COOKIE, SESSION_COOKIE};
use crate::portal::{self as ui, Lang, Section, Shell};

/// What every portal request knows before its handler runs.
#[derive(Clone)]
pub struct Page {
    pub state: AppState,
    pub lang: Lang,
    /// Path and query of this page (the language switch links back to it).
    pub path: String,
    /// The client's address, for the audit log and throttles.
    pub source: String,
    /// The session behind the cookie: fully signed in, or waiting for the two-step code.
    pub session: Option<SessionInfo>,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The session cookie's value (signed in), else the pre-session cookie's.
    csrf_secret: Option<String>,
    slot: Option<FrameSlot>,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Page>() {
            return Ok(p.clone());
        }
        let headers = &parts.headers;
        let query = parts.uri.query();
        let pairs = form(query.unwrap_or("").as_bytes());
        let qlang = field(&pairs, "lang").map(str::to_owned);
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = Lang::negotiate(qlang.as_deref(), auth::cookie(headers, "lang"), accept);
        let slot = parts.extensions.get::<FrameSlot>().cloned();
        let mut set = Vec::new();
        if qlang.is_some() {
            set.push(auth::set_cookie(
                s,
                "lang",
                lang.code(),
                Some(365 * 24 * 3600),
            ));
        }
        let session = auth::session(s, headers).await.ok().flatten();
        let csrf_secret = if session.is_some() {
            auth::cookie(headers, SESSION_COOKIE).map(str::to_owned)
        } else if let Some(p) = auth::cookie(headers, PRE_COOKIE) {
            Some(p.to_owned())
        } else {
            let p = ws_identity::secrets::random_token().0;
            set.push(auth::set_cookie(s, PRE_COOKIE, &p, None));
            Some(p)
        };
        let path = match query {
            Some(q) if !q.is_empty() => format!("{}?{q}", parts.uri.path()),
            _ => parts.uri.path().to_owned(),
        };
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        if let Some(info) = session.as_ref().filter(|i| !i.session.pending_two_step) {
            tracing::Span::current().record("actor", format!("account:{}", info.account.id));
        }
        let page = Page {
            state: s.clone(),
            lang,
            path,
            source: auth::client_address(s, &addr, headers),
            query: query.map(str::to_owned),
            session,
            csrf_secret,
            slot,
        };
        if let Some(slot) = &page.slot {
            slot.fill(&page, set);
        }
        parts.extensions.insert(page.clone());
        Ok(page)
    }
}

impl Page {
    /// The token for the hidden `csrf` field of this page's forms.
    pub fn csrf(&self) -> String {
        self.csrf_secret
            .as_deref()
            .map(auth::csrf_for)
            .unwrap_or_default()
    }

    /// The session, if fully signed in.
    pub fn signed_in(&self) -> Option<&SessionInfo> {
        self.session
            .as_ref()
            .filter(|s| !s.session.pending_two_step)
    }

    /// Show `path` (not the request's) in the language switch: a POST re-renders the page it
    /// came from.
    pub fn at(mut self, path: &str) -> Page {
        self.path = path.to_owned();
        if let Some(slot) = &self.slot {
            slot.set_path(path);
        }
        self
    }

    /// The frame of a page for someone not signed in (sign-in, registration, reset).
    pub fn signed_out_shell(&self) -> Shell {
        Shell::signed_out(self.lang, self.csrf(), self.path.clone())
    }

    /// The frame of a page: the signed-in person's bar and switcher when there is a session.
    pub async fn shell(&self, section: Section) -> Shell {
        let mut sh = self.signed_out_shell();
        sh.current = section;
        if let Some(info) = self.signed_in() {
            sh.user = Some(user_bar(&self.state, info).await);
        }
        sh
    }

    /// The text for `key` in this page's language.
    pub fn t<'k>(&self, key: &'k str) -> &'k str {
        ui::t(self.lang, key)
    }

    /// An HTML page with `status`.
    pub fn html(&self, status: StatusCode, body: String) -> Response {
        (status, Html(body)).into_response()
    }

    /// The person's caller for the record chosen in the switcher.
    pub async fn caller(&self, info: &SessionInfo) -> Result<Caller, WebError> {
        Ok(self
            .state
            .identity
            .caller_for(
                &info.account,
                info.session.acting_for.as_deref(),
                Some(self.source.clone()),
                self.state.identity.clock().now_micros(),
            )
            .await?)
    }
}

pub fn relationship_code(a: Access) -> &'static str {
    match a {
        Access::Own | Access::OwnTeen => "self",
        Access::ProxyFull => "child",
        Access::ProxyTeen => "teen",
        Access::Caregiver => "caregiver",
        Access::Legal => "legal",
    }
}

/// The signed-in person's bar: their name, the people they may act for, who is chosen now.
async fn user_bar(s: &AppState, info: &SessionInfo) -> ui::UserBar {
    let people = s.identity.people(&info.account).await.unwrap_or_default();
    let acting_access = info
        .session
        .acting_for
        .as_deref()
        .and_then(|a| people.iter().find(|p| p.patient_id == a))
        .or_else(|| people.first())
        .map(|p| p.access);
    let people: Vec<ui::PersonChoice> = people
        .into_iter()
        .map(|p| ui::PersonChoice {
            patient_id: p.patient_id,
            name: p.name,
            relationship: relationship_code(p.access).to_owned(),
        })
        .collect();
    let acting = info
        .session
        .acting_for
        .as_deref()
        .and_then(|a| people.iter().find(|p| p.patient_id == a))
        .or_else(|| people.first())
        .cloned()
        .unwrap_or(ui::PersonChoice {
            patient_id: String::new(),
            name: info.account.display_name.clone(),
            relationship: "self".into(),
        });
    ui::UserBar {
        display_name: info.account.display_name.clone(),
        acting_for: acting,
        people,
        session_expires_in_secs: info.expires_in_secs,
        hidden: acting_access.map(hidden_links).unwrap_or_default(),
    }
}

/// The portal links not offered to someone acting with `access`, each because the policy does
/// not show what the page is about (PRX-02, PRX-03): the page itself answers the same way.
pub fn hidden_links(access: Access) -> Vec<&'static str> {
    use ws_identity::rules::policy::{may_see_access_log_as, view};
    let mut out = Vec::new();
    for (href, res_type) in [
        ("/coverage", "Coverage"),
        ("/pharmacy", "MedicationRequest"),
        ("/billing", "Account"),
    ] {
        if view(access, res_type).is_none() {
            out.push(href);
        }
    }
    if !may_see_access_log_as(access) {
        out.push("/privacy/access-log");
    }
    if !matches!(
        access,
        Access::Own | Access::OwnTeen | Access::ProxyFull | Access::Legal
    ) {
        out.push("/privacy/sharing");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PRX-02, PRX-03: a parent acting for a young child is offered everything; acting for a
    /// teen, not the teen's coverage, pharmacy, billing, access log or sharing list.
    #[test]
    fn prx_03_links_offered_per_relationship() {
        let cases: &[(Access, &[&str])] = &[
            (Access::Own, &[]),
            (Access::OwnTeen, &[]),
            (Access::ProxyFull, &[]),
            (Access::Legal, &[]),
            (
                Access::ProxyTeen,
                &[
                    "/coverage",
                    "/pharmacy",
                    "/billing",
                    "/privacy/access-log",
                    "/privacy/sharing",
                ],
            ),
            (
                Access::Caregiver,
                &["/privacy/access-log", "/privacy/sharing"],
            ),
        ];
        for (access, want) in cases {
            assert_eq!(hidden_links(*access), *want, "{access:?}");
        }
    }
}

/// A fully signed-in person; anyone else is sent to sign in and brought back.
#[derive(Clone)]
pub struct SignedIn {
    pub page: Page,
    pub info: SessionInfo,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, WebError> {
        let Ok(page) = Page::from_request_parts(parts, s).await;
        match page.signed_in().cloned() {
            Some(info) => Ok(SignedIn { page, info }),
            None => Err(WebError::SignIn { next: page.path }),
        }
    }
}

impl std::ops::Deref for SignedIn {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.page
    }
}

/// A signed-in person acting for the record chosen in the person switcher, with the caller
/// the FHIR service authorizes. `patient` is that record's id.
pub struct Acting {
    pub me: SignedIn,
    pub caller: Caller,
    pub patient: String,
    /// How the account reaches this record (own, parent of a child or a teen, caregiver…).
    pub access: Access,
}

impl FromRequestParts<AppState> for Acting {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, WebError> {
        let me = SignedIn::from_request_parts(parts, s).await?;
        let caller = me.page.caller(&me.info).await?;
        let grant = match &caller.principal {
            Principal::Person { grants, .. } => caller
                .acting_for
                .as_deref()
                .and_then(|p| grants.iter().find(|g| g.patient == p))
                .or_else(|| grants.first())
                .map(|g| (g.patient.clone(), g.access)),
            _ => None,
        };
        let Some((patient, access)) = grant else {
            return Err(WebError::NoRecord);
        };
        Ok(Acting {
            me,
            caller,
            patient,
            access,
        })
    }
}

impl Acting {
    /// See [`Page::at`].
    pub fn at(mut self, path: &str) -> Acting {
        self.me.page = self.me.page.at(path);
        self
    }

    /// The page is offered only if this person's view of the record includes `res_type`
    /// (DOMAIN.md PRX-02/PRX-03: a parent acting for a teen sees a short list); otherwise the
    /// answer explains why, in words (`key`), instead of a bare refusal.
    pub fn require_view(&self, res_type: &str, key: &'static str) -> Result<(), WebError> {
        match ws_identity::rules::policy::view(self.access, res_type) {
            Some(_) => Ok(()),
            None => Err(WebError::NotForThisPerson { key }),
        }
    }
}

impl std::ops::Deref for Acting {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.me.page
    }
}

/// A signed-in staff member, with the caller the FHIR service authorizes and their role.
pub struct Staff {
    pub page: Page,
    pub info: SessionInfo,
    pub caller: Caller,
    pub role: Option<StaffRole>,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, WebError> {
        let me = SignedIn::from_request_parts(parts, s).await?;
        if me.info.account.kind != "staff" {
            return Err(WebError::StaffOnly);
        }
        let caller = s
            .identity
            .caller_for(
                &me.info.account,
                None,
                Some(me.page.source.clone()),
                s.identity.clock().now_micros(),
            )
            .await?;
        let role = match &caller.principal {
            Principal::Staff { role, .. } => Some(*role),
            _ => None,
        };
        Ok(Staff {
            page: me.page,
            info: me.info,
            caller,
            role,
        })
    }
}

impl std::ops::Deref for Staff {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.page
    }
}

/// A posted form whose CSRF token matches this browser's session (or pre-session) cookie.
/// Anything else is refused before the handler runs.
pub struct Form(pub Fields);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = WebError;

    async fn from_request(req: Request, s: &S) -> Result<Self, WebError> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, s)
            .await
            .map_err(|_| WebError::BadRequest)?;
        let f = form(&body);
        csrf_checked(&headers, &f)?;
        Ok(Form(f))
    }
}

impl Form {
    /// The first value of field `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        field(&self.0, name).unwrap_or("")
    }

    /// The first value of field `name`, if sent.
    pub fn opt(&self, name: &str) -> Option<&str> {
        field(&self.0, name)
    }
}

/// Does the form's `csrf` field match the session (or pre-session) cookie of the request?
fn csrf_checked(headers: &axum::http::HeaderMap, f: &Fields) -> Result<(), WebError> {
    let given = field(f, "csrf").unwrap_or("");
    let ok = [SESSION_COOKIE, PRE_COOKIE]
        .into_iter()
        .any(|c| auth::csrf_ok(auth::cookie(headers, c), given));
    if ok { Ok(()) } else { Err(WebError::Csrf) }
}

/// A posted `multipart/form-data` form (a file upload) whose CSRF token checked out: its text
/// fields, and the file sent, if any (its name and bytes). The route sets the body limit.
pub struct Upload {
    pub fields: Fields,
    pub file: Option<(String, Bytes)>,
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = WebError;

    async fn from_request(req: Request, s: &S) -> Result<Self, WebError> {
        let headers = req.headers().clone();
        let mut parts = axum::extract::Multipart::from_request(req, s)
            .await
            .map_err(|_| WebError::BadRequest)?;
        let mut fields = Vec::new();
        let mut file = None;
        while let Some(part) = parts.next_field().await.map_err(|_| WebError::BadRequest)? {
            let name = part.name().unwrap_or_default().to_owned();
            match part.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = part.bytes().await.map_err(|_| WebError::BadRequest)?;
                    if !bytes.is_empty() || !file_name.is_empty() {
                        file = Some((file_name, bytes));
                    }
                }
                None => {
                    let text = part.text().await.map_err(|_| WebError::BadRequest)?;
                    fields.push((name, text));
                }
            }
        }
        csrf_checked(&headers, &fields)?;
        Ok(Upload { fields, file })
    }
}

/// Add `Set-Cookie` headers to a response.
pub fn with_cookies(mut r: Response, cookies: &[HeaderValue]) -> Response {
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    r
}
