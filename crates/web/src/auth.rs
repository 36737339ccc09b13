//! Who is calling: a bearer token (SMART apps, integrations) or the portal's session cookie;
//! cookies and CSRF tokens.

use std::net::SocketAddr;

use axum::http::{HeaderMap, HeaderValue, header};
use ws_identity::Caller;
use ws_identity::secrets;
use ws_identity::service::SessionInfo;

use crate::AppState;

pub const SESSION_COOKIE: &str = "ws_session";
/// A random value for visitors who are not signed in; their forms' CSRF tokens derive from it.
pub const PRE_COOKIE: &str = "ws_pre";
/// A browser that signed in to an account before (exempt from the per-address throttle for it).
pub const DEVICE_COOKIE: &str = "ws_device";

/// Why a request could not be authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFail {
    /// A bearer token was sent but is not valid (expired, revoked, unknown).
    InvalidToken,
    Internal,
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax (Strict would drop the session on the return
/// from an OAuth redirect), Secure when served over TLS.
pub fn set_cookie(s: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if s.secure_cookies {
        c.push_str("; Secure");
    }
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("ws_invalid=1"))
}

pub fn clear_cookie(s: &AppState, name: &str) -> HeaderValue {
    set_cookie(s, name, "", Some(0))
}

/// The CSRF token for forms of a visitor identified by `secret` (the session token, or the
/// pre-session cookie): an HMAC-like digest nobody can compute without the cookie.
pub fn csrf_for(secret: &str) -> String {
    secrets::token_hash(&format!("csrf:{secret}"))
}

pub fn csrf_ok(secret: Option<&str>, given: &str) -> bool {
    secret.is_some_and(|s| secrets::same(&csrf_for(s), given))
}

/// The client's address (the peer, or what trusted proxies say it is): the audit log's
/// "from where" and the key of the per-address sign-in throttle.
pub fn client_address(s: &AppState, addr: &SocketAddr, headers: &HeaderMap) -> String {
    let xff = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    ws_identity::rules::address::client_address(addr.ip(), xff, &s.trusted_proxies).to_string()
}

/// The portal session behind the request's cookie (fully signed in, or pending two-step).
pub async fn session(s: &AppState, headers: &HeaderMap) -> Result<Option<SessionInfo>, AuthFail> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    s.identity.session(token).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        AuthFail::Internal
    })
}

/// The caller of an API request: bearer token first, then a signed-in portal session, else
/// anonymous. Staff may declare an emergency access with `X-Break-Glass-Patient` and
/// `X-Break-Glass-Reason`; it is flagged in the audit log as the purpose.
pub async fn api_caller(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
) -> Result<Caller, AuthFail> {
    let source = Some(client_address(s, addr, headers));
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let mut caller = if let Some(a) = auth {
        let token = a
            .strip_prefix("Bearer ")
            .or_else(|| a.strip_prefix("bearer "))
            .ok_or(AuthFail::InvalidToken)?;
        s.identity
            .bearer(token.trim(), source)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "token lookup failed");
                AuthFail::Internal
            })?
            .ok_or(AuthFail::InvalidToken)?
    } else {
        match session(s, headers).await? {
            Some(info) if !info.session.pending_two_step => s
                .identity
                .caller_for(
                    &info.account,
                    info.session.acting_for.as_deref(),
                    source,
                    s.identity.clock().now_micros(),
                )
                .await
                .map_err(|_| AuthFail::Internal)?,
            _ => Caller::anonymous(source),
        }
    };
    if let ws_identity::Principal::Staff { break_glass, .. } = &mut caller.principal {
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if let (Some(p), Some(reason)) = (h("x-break-glass-patient"), h("x-break-glass-reason")) {
            *break_glass = Some((p.to_owned(), reason.to_owned()));
            caller.purpose = Some(format!("emergency access (break the glass): {reason}"));
            caller.acting_for = Some(p.to_owned());
        }
    }
    tracing::Span::current().record("actor", caller.actor.as_str());
    Ok(caller)
}
