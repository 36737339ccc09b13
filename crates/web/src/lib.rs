//! The HTTP edge: the FHIR REST API under `/fhir`, `/healthz`, and (with later work) the
//! member portal and staff pages. Handlers translate HTTP to the FHIR service and back; errors
//! become OperationOutcomes in exactly one place ([`fhir_error`]).

pub mod auth;
mod coverage;
mod fhir;
mod identity;
pub mod kit;
mod pharmacy;
pub mod portal;
mod records;
mod scheduling;
mod staff;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ws_fhir_service::Fhir;

pub use fhir::fhir_error;

/// The web crate's input parsers, for the fuzz targets (`fuzz/`): not an API.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::kit::form;
    pub use crate::portal::views::is_local_path;
}

/// Shared state of every handler: the services behind one pointer, so the per-request clones
/// axum makes of the state (one per extractor) cost one reference count, not one per service
/// (a profile of reads by id showed a tenth of the CPU cloning and dropping the services).
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Services>);

impl From<Services> for AppState {
    fn from(s: Services) -> AppState {
        AppState(std::sync::Arc::new(s))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Services {
    pub fhir: Fhir,
    pub identity: ws_identity::Identity,
    /// Coverage and membership (issue 5).
    pub coverage: ws_coverage::CoverageService,
    /// Results and records (issue 16).
    pub records: ws_records::RecordsService,
    /// Pharmacy (issue 15).
    pub pharmacy: ws_pharmacy::PharmacyService,
    /// Getting care: directory, personal doctor, booking, reminders (issue 14).
    pub scheduling: ws_scheduling::SchedulingService,
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

/// The FHIR service with every capability's write guard (scheduling: slots and panels;
/// records: result holds, HIP-08). Every process that writes health data builds its FHIR
/// service through this, so no path writes without the capabilities' invariants.
pub fn with_capability_guards(fhir: Fhir) -> Fhir {
    fhir.with_guard(std::sync::Arc::new(
        ws_scheduling::service::guard::SchedulingGuard,
    ))
    .with_guard(std::sync::Arc::new(ws_records::service::hold::HoldGuard))
}

/// Build the whole application router.
pub fn router(state: AppState) -> Router {
    // The pages (and the capabilities' small APIs) run inside the frame that renders a
    // `WebError` as a page; the FHIR API, the hot path, has its own error mapping and skips it.
    let pages = Router::new()
        .merge(portal::routes())
        .merge(identity::routes())
        .merge(coverage::routes())
        .merge(records::routes())
        .merge(pharmacy::routes())
        .merge(scheduling::routes())
        .merge(staff::routes())
        .fallback(portal::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::frame,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/fhir/", axum::routing::post(fhir::bundle))
        .nest("/fhir", fhir::routes())
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(
            // Every request gets a span: a request id, the method, the route it matched (the
            // template, not the path: ids in paths stay out) and the actor once known (an
            // account, app or staff id; never a name). Query strings hold search values and
            // one-time tokens and never reach the logs at any level (issue 12).
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    static NEXT_ID: std::sync::atomic::AtomicU64 =
                        std::sync::atomic::AtomicU64::new(1);
                    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("(unrouted)", |m| m.as_str());
                    tracing::info_span!(
                        "request",
                        request_id = id,
                        method = %req.method(),
                        route = %route,
                        actor = tracing::field::Empty,
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
