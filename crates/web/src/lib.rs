//! The HTTP edge: the FHIR REST API under `/fhir`, `/healthz`, and (with later work) the
//! member portal and staff pages. Handlers translate HTTP to the FHIR service and back; errors
//! become OperationOutcomes in exactly one place ([`fhir_error`]).

pub mod auth;
mod coverage_api;
mod fhir_api;
mod oauth_api;
pub mod portal;
mod portal_routes;
mod staff;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ws_fhir_service::Fhir;

pub use fhir_api::fhir_error;

/// The web crate's input parsers, for the fuzz targets (`fuzz/`): not an API.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::oauth_api::form;
    pub use crate::portal::views::is_local_path;
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub fhir: Fhir,
    pub identity: ws_identity::Identity,
    /// Coverage and membership (issue 5).
    pub coverage: ws_coverage::CoverageService,
    /// Where the notification outbox is delivered (the file sink).
    pub outbox: ws_identity::service::FileSink,
    /// Mark cookies `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Demo mode: the portal may show demo sign-in hints.
    pub demo: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`WELLSPRING_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ws_identity::rules::address::Trusted>,
    pub version: &'static str,
}

/// Build the whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/fhir/", axum::routing::post(fhir_api::bundle))
        .route(
            "/fhir/.well-known/smart-configuration",
            get(oauth_api::smart_configuration),
        )
        .route("/oauth2/token", axum::routing::post(oauth_api::token))
        .route(
            "/oauth2/introspect",
            axum::routing::post(oauth_api::introspect),
        )
        .route("/oauth2/revoke", axum::routing::post(oauth_api::revoke))
        .route("/oauth2/jwks", get(oauth_api::jwks))
        .nest("/fhir", fhir_api::routes())
        .merge(portal_routes::routes())
        .merge(staff::routes())
        .merge(coverage_api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(
            // Request spans carry the method and the path only: query strings hold search
            // values (names, birth dates, identifiers) and one-time tokens, which never reach
            // the logs at any level (issue 12).
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    tracing::debug_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                    )
                },
            ),
        )
        .with_state(state)
}

async fn healthz(State(s): State<AppState>) -> Response {
    match s.fhir.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unreachable\n").into_response()
        }
    }
}

/// The Content-Security-Policy of every response: pages load their one stylesheet and images
/// from this site and nothing else — no script at all, inline or not, no frames.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(
    State(s): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    // The public URL is https: browsers must never come back over plain http.
    if s.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
