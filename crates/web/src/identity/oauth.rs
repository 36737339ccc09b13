//! The OAuth 2.0 / SMART on FHIR endpoints that machines call: discovery, token,
//! introspection, revocation. (The authorization endpoint, a page a person sees, is in
//! [`super::consent`].)

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use ws_identity::service::OAuthError;

use crate::AppState;
use crate::kit::{field, form};

fn oauth_json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::PRAGMA, "no-cache"),
        ],
        body.to_string(),
    )
        .into_response()
}

pub fn oauth_error(e: &OAuthError) -> Response {
    let status = if e.code == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    oauth_json(
        status,
        json!({"error": e.code, "error_description": e.description}),
    )
}

fn internal() -> Response {
    oauth_json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"error": "server_error", "error_description": "internal error; it has been logged"}),
    )
}

/// Client credentials from HTTP Basic (client_secret_basic) or the form (client_secret_post).
fn client_creds(headers: &HeaderMap, f: &[(String, String)]) -> Option<(String, Option<String>)> {
    if let Some(b) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        && let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b.trim())
        && let Ok(s) = String::from_utf8(raw)
        && let Some((id, secret)) = s.split_once(':')
    {
        let dec = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        return Some((dec(id), Some(dec(secret))));
    }
    field(f, "client_id").map(|id| (id.to_owned(), field(f, "client_secret").map(str::to_owned)))
}

/// The parameters must come as a form (RFC 6749 §4.1.3).
fn need_form(headers: &HeaderMap) -> Result<(), OAuthError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        Ok(())
    } else {
        Err(OAuthError {
            code: "invalid_request",
            description: "send the parameters as application/x-www-form-urlencoded".into(),
            redirectable: false,
        })
    }
}

/// The parameters of a client's form POST and the client's credentials, or the error to send.
struct ClientForm {
    fields: Vec<(String, String)>,
    client_id: String,
    secret: Option<String>,
}

fn client_form(headers: &HeaderMap, body: &[u8]) -> Result<ClientForm, OAuthError> {
    need_form(headers)?;
    let fields = form(body);
    let Some((client_id, secret)) = client_creds(headers, &fields) else {
        return Err(OAuthError {
            code: "invalid_client",
            description: "client_id (and the secret of a confidential client) is required".into(),
            redirectable: false,
        });
    };
    Ok(ClientForm {
        fields,
        client_id,
        secret,
    })
}

/// The JSON answer of a service call, its error, or a logged 500.
fn answer<T: serde::Serialize>(
    what: &str,
    res: Result<Result<T, OAuthError>, ws_identity::IdentityError>,
) -> Response {
    match res {
        Ok(Ok(t)) => oauth_json(StatusCode::OK, serde_json::to_value(&t).unwrap_or_default()),
        Ok(Err(e)) => oauth_error(&e),
        Err(e) => {
            tracing::error!(error = %e, "{what}");
            internal()
        }
    }
}

fn missing(what: &str) -> Response {
    oauth_json(
        StatusCode::BAD_REQUEST,
        json!({"error": "invalid_request", "error_description": format!("{what} required")}),
    )
}

pub async fn token(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let ClientForm {
        fields: f,
        client_id,
        secret,
    } = match client_form(&headers, &body) {
        Ok(c) => c,
        Err(e) => return oauth_error(&e),
    };
    let secret = secret.as_deref();
    let res = match field(&f, "grant_type").unwrap_or("") {
        "authorization_code" => {
            let (Some(code), Some(redirect), Some(verifier)) = (
                field(&f, "code"),
                field(&f, "redirect_uri"),
                field(&f, "code_verifier"),
            ) else {
                return missing("code, redirect_uri and code_verifier are");
            };
            s.identity
                .exchange_code(&client_id, secret, code, redirect, verifier)
                .await
        }
        "refresh_token" => {
            let Some(rt) = field(&f, "refresh_token") else {
                return missing("refresh_token is");
            };
            s.identity.refresh(&client_id, secret, rt).await
        }
        "client_credentials" => s.identity.client_credentials(&client_id, secret).await,
        other => {
            return oauth_json(
                StatusCode::BAD_REQUEST,
                json!({"error": "unsupported_grant_type", "error_description": format!("grant_type {other:?} is not supported")}),
            );
        }
    };
    answer("token endpoint", res)
}

pub async fn introspect(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let c = match client_form(&headers, &body) {
        Ok(c) => c,
        Err(e) => return oauth_error(&e),
    };
    let token = field(&c.fields, "token").unwrap_or("");
    answer(
        "introspection",
        s.identity
            .introspect(&c.client_id, c.secret.as_deref(), token)
            .await,
    )
}

pub async fn revoke(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let c = match client_form(&headers, &body) {
        Ok(c) => c,
        Err(e) => return oauth_error(&e),
    };
    let token = field(&c.fields, "token").unwrap_or("");
    match s
        .identity
        .revoke(&c.client_id, c.secret.as_deref(), token)
        .await
    {
        Ok(Ok(())) => StatusCode::OK.into_response(),
        other => answer("revocation", other),
    }
}

/// The keys that verify id_tokens (RFC 7517).
pub async fn jwks(State(s): State<AppState>) -> Response {
    match s.identity.jwks().await {
        Ok(k) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            k.to_string(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "jwks");
            internal()
        }
    }
}

/// `/fhir/.well-known/smart-configuration` (SMART App Launch 2.x discovery).
pub async fn smart_configuration(State(s): State<AppState>) -> Response {
    let base = s.identity.cfg.base_url.trim_end_matches('/');
    let body = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "introspection_endpoint": format!("{base}/oauth2/introspect"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "management_endpoint": format!("{base}/privacy/apps"),
        "jwks_uri": format!("{base}/oauth2/jwks"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "response_types_supported": ["code"],
        "scopes_supported": ws_identity::service::SUPPORTED_SCOPES,
        "code_challenge_methods_supported": ["S256"],
        "capabilities": [
            "launch-standalone",
            "sso-openid-connect",
            "client-public",
            "client-confidential-symmetric",
            "context-standalone-patient",
            "permission-patient",
            "permission-user",
            "permission-offline",
            "permission-v1",
            "permission-v2"
        ]
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
