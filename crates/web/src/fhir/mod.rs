//! FHIR R4 REST: routes, content negotiation, headers, and the one error mapping.

use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use ws_fhir::validate::MAX_RESOURCE_BYTES;
use ws_fhir::{Issue, IssueCode};
use ws_fhir_service::StoredResource;
use ws_fhir_service::query::parse_query_string;
use ws_fhir_service::time::{http_date, instant};
use ws_fhir_service::{Caller, FhirError, Written};

use crate::AppState;

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", post(bundle))
        .route("/metadata", get(metadata))
        .route("/_history", get(history_system))
        .route("/$export", get(export_system))
        .route(
            "/$export-status/{job}",
            get(export_status).delete(export_delete),
        )
        .route("/$export-file/{job}/{file}", get(export_file))
        .route("/Patient/$export", get(export_patient))
        .route("/Patient/{id}/$everything", get(everything))
        .route(
            "/MedicationRequest/{id}/$refill",
            post(crate::pharmacy::api::refill),
        )
        .route(
            "/{rtype}",
            get(search)
                .post(create)
                .put(conditional_update)
                .delete(conditional_delete),
        )
        .route("/{rtype}/_search", post(search_post))
        .route("/{rtype}/_history", get(history_type))
        .route("/{rtype}/{id}", get(read).put(update).delete(delete))
        .route("/{rtype}/{id}/_history", get(history_instance))
        .route("/{rtype}/{id}/_history/{vid}", get(vread))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// The one error of the FHIR layer: a ready OperationOutcome response (boxed: errors are rare
/// and the happy path should not carry 128 bytes). Built by [`fhir_error`] and
/// [`outcome_response`]; handlers return it with `?`.
pub(crate) struct Outcome(Box<Response>);

impl From<Response> for Outcome {
    fn from(r: Response) -> Self {
        Outcome(Box::new(r))
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// The FHIR request context every handler needs — who is calling (a bad token is a 401 with a
/// challenge), `_format`/`Accept` (406 for anything but JSON), `_pretty`, `Prefer` — read once
/// by this extractor before the handler runs.
pub(crate) struct Ctx {
    caller: Caller,
    pretty: bool,
    lenient: bool,
    prefer_return: Option<String>,
}

impl Ctx {
    /// Who is calling.
    pub(crate) fn caller(&self) -> &Caller {
        &self.caller
    }
}

impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = Outcome;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Ctx, Outcome> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        ctx(s, &addr, &parts.headers, parts.uri.query()).await
    }
}

async fn ctx(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Ctx, Outcome> {
    let pairs = query.map(parse_query_string).unwrap_or_default();
    let mut pretty = false;
    for (k, v) in &pairs {
        match k.as_str() {
            "_format" => {
                let ok = matches!(
                    v.as_str(),
                    "json" | "application/json" | "application/fhir+json" | "application/json+fhir"
                );
                if !ok {
                    return Err(Outcome::from(outcome_response(
                        StatusCode::NOT_ACCEPTABLE,
                        &[Issue::error(
                            IssueCode::NotSupported,
                            format!(
                                "_format '{v}' is not supported; this server speaks JSON (json, application/fhir+json)"
                            ),
                        )],
                    )));
                }
            }
            "_pretty" => pretty = v == "true",
            _ => {}
        }
    }
    if let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())
        && !accept.is_empty()
        && !accept.contains("json")
        && !accept.contains("*/*")
        && !accept.contains("application/*")
    {
        return Err(Outcome::from(outcome_response(
            StatusCode::NOT_ACCEPTABLE,
            &[Issue::error(
                IssueCode::NotSupported,
                format!("cannot answer in '{accept}'; this server speaks application/fhir+json"),
            )],
        )));
    }
    let prefer: Vec<String> = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| {
            v.split([',', ';'])
                .map(|s| s.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let caller = caller_or_401(s, addr, headers).await?;
    Ok(Ctx {
        caller,
        pretty,
        lenient: prefer.iter().any(|p| p == "handling=lenient"),
        prefer_return: prefer
            .iter()
            .find_map(|p| p.strip_prefix("return=").map(str::to_owned)),
    })
}

/// The caller, or a 401 OperationOutcome with a `WWW-Authenticate` challenge for a bad token.
pub(crate) async fn caller_or_401(
    s: &AppState,
    addr: &SocketAddr,
    headers: &HeaderMap,
) -> Result<Caller, Outcome> {
    match crate::auth::api_caller(s, addr, headers).await {
        Ok(c) => Ok(c),
        Err(crate::auth::AuthFail::InvalidToken) => {
            let mut r = outcome_response(
                StatusCode::UNAUTHORIZED,
                &[Issue::error(
                    IssueCode::Login,
                    "the access token is not valid (expired, revoked or unknown)",
                )],
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            Err(Outcome::from(r))
        }
        Err(crate::auth::AuthFail::Internal) => Err(Outcome::from(outcome_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &[Issue::error(
                IssueCode::Exception,
                "internal error; it has been logged",
            )],
        ))),
    }
}

pub(crate) fn outcome_response(status: StatusCode, issues: &[Issue]) -> Response {
    let body = ws_fhir::operation_outcome(issues).to_string();
    (status, [(header::CONTENT_TYPE, FHIR_JSON)], body).into_response()
}

/// The one place a service error becomes HTTP.
pub fn fhir_error(e: &FhirError) -> Response {
    if e.status() >= 500 {
        tracing::error!(error = %e, "request failed");
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = outcome_response(status, &e.issues());
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"wellspring\""),
        );
    }
    r
}

fn json_body(ctx: &Ctx, body: String) -> String {
    if ctx.pretty
        && let Ok(v) = serde_json::from_str::<Value>(&body)
        && let Ok(p) = serde_json::to_string_pretty(&v)
    {
        return p;
    }
    body
}

fn ok_json(ctx: &Ctx, status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, FHIR_JSON)],
        json_body(ctx, body),
    )
        .into_response()
}

fn resource_response(ctx: &Ctx, r: StoredResource) -> Response {
    let (version, last_updated) = (r.version, r.last_updated);
    // The stored JSON goes out as stored: no parse, no copy.
    let mut res = ok_json(ctx, StatusCode::OK, r.content.unwrap_or_default());
    set_version_headers(res.headers_mut(), version, last_updated);
    res
}

fn set_version_headers(h: &mut HeaderMap, version: i64, last_updated: i64) {
    if let Ok(v) = HeaderValue::from_str(&format!("W/\"{version}\"")) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(last_updated)) {
        h.insert(header::LAST_MODIFIED, v);
    }
}

fn written_response(state: &AppState, ctx: &Ctx, w: &Written) -> Response {
    let status = StatusCode::from_u16(w.status).unwrap_or(StatusCode::OK);
    let mut res = match (ctx.prefer_return.as_deref(), &w.content) {
        (_, _) if w.status == 204 => StatusCode::NO_CONTENT.into_response(),
        (Some("minimal"), _) | (_, None) => status.into_response(),
        (Some("operationoutcome"), _) => {
            let msg = format!(
                "{} {}/{} (version {})",
                if w.status == 201 {
                    "Created"
                } else {
                    "Updated"
                },
                w.res_type,
                w.id,
                w.version
            );
            outcome_response(status, &[Issue::information(msg)])
        }
        (_, Some(c)) => ok_json(ctx, status, c.clone()),
    };
    set_version_headers(res.headers_mut(), w.version, w.last_updated);
    if w.status != 204
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{}/{}/{}/_history/{}",
            state.fhir.base_url, w.res_type, w.id, w.version
        ))
    {
        res.headers_mut().insert(header::LOCATION, v.clone());
        res.headers_mut().insert(header::CONTENT_LOCATION, v);
    }
    res
}

/// A request header as text. Present but not UTF-8 is an error (never silently ignored: a
/// precondition the server cannot read must not be skipped).
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Outcome> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => std::str::from_utf8(v.as_bytes()).map(Some).map_err(|_| {
            Outcome::from(outcome_response(
                StatusCode::BAD_REQUEST,
                &[Issue::error(
                    IssueCode::Invalid,
                    format!("the {name} header is not valid UTF-8"),
                )],
            ))
        }),
    }
}

/// Read a request body, refusing oversize bodies and non-JSON content types with an OperationOutcome.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Outcome> {
    if let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        && !ct.contains("json")
    {
        return Err(Outcome::from(outcome_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &[Issue::error(
                IssueCode::NotSupported,
                format!("Content-Type '{ct}' is not supported; send application/fhir+json"),
            )],
        )));
    }
    use futures::StreamExt;
    let too_large = || {
        outcome_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &[Issue::error(
                IssueCode::TooLong,
                format!("the body is larger than the limit of {MAX_RESOURCE_BYTES} bytes"),
            )],
        )
    };
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut seen: usize = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            outcome_response(
                StatusCode::BAD_REQUEST,
                &[Issue::error(
                    IssueCode::Structure,
                    "the request body could not be read",
                )],
            )
        })?;
        seen += chunk.len();
        if seen <= MAX_RESOURCE_BYTES {
            buf.extend_from_slice(&chunk);
        } else if seen > 4 * MAX_RESOURCE_BYTES {
            // Stop reading a body this large; the client gets the 413 as the connection closes.
            return Err(Outcome::from(too_large()));
        }
        // Between the limit and 4x the limit the rest is read and dropped, so that an ordinary
        // client finishes sending and reads the 413 instead of a reset connection.
    }
    if seen > MAX_RESOURCE_BYTES {
        return Err(Outcome::from(too_large()));
    }
    Ok(Bytes::from(buf))
}

macro_rules! try_resp {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return r.into_response(),
        }
    };
}

async fn everything(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match s.fhir.everything(&ctx.caller, &id).await {
        Ok(body) => ok_json(&ctx, StatusCode::OK, body),
        Err(e) => fhir_error(&e),
    }
}

async fn metadata(State(s): State<AppState>, ctx: Ctx) -> Response {
    let cs = ws_fhir_service::capability::capability_statement(&s.fhir.base_url, s.version);
    ok_json(&ctx, StatusCode::OK, cs.to_string())
}

async fn read(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((rtype, id)): Path<(String, String)>,
) -> Response {
    match s.fhir.read(&ctx.caller, &rtype, &id).await {
        Ok(r) => {
            let etag = format!("W/\"{}\"", r.version);
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(etag.as_str())
            {
                let mut res = StatusCode::NOT_MODIFIED.into_response();
                set_version_headers(res.headers_mut(), r.version, r.last_updated);
                return res;
            }
            resource_response(&ctx, r)
        }
        Err(e) => fhir_error(&e),
    }
}

async fn vread(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((rtype, id, vid)): Path<(String, String, String)>,
) -> Response {
    match s.fhir.vread(&ctx.caller, &rtype, &id, &vid).await {
        Ok(r) => resource_response(&ctx, r),
        Err(e) => fhir_error(&e),
    }
}

async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(rtype): Path<String>,
    body: Body,
) -> Response {
    let bytes = try_resp!(read_body(&headers, body).await);
    let if_none_exist = try_resp!(header_text(&headers, "if-none-exist"));
    match s
        .fhir
        .create(&ctx.caller, &rtype, &bytes, if_none_exist)
        .await
    {
        Ok(w) => written_response(&s, &ctx, &w),
        Err(e) => fhir_error(&e),
    }
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((rtype, id)): Path<(String, String)>,
    body: Body,
) -> Response {
    let bytes = try_resp!(read_body(&headers, body).await);
    let if_match = try_resp!(header_text(&headers, "if-match"));
    match s
        .fhir
        .update(&ctx.caller, &rtype, &id, &bytes, if_match)
        .await
    {
        Ok(w) => written_response(&s, &ctx, &w),
        Err(e) => fhir_error(&e),
    }
}

async fn conditional_update(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    Path(rtype): Path<String>,
    body: Body,
) -> Response {
    let bytes = try_resp!(read_body(&headers, body).await);
    let criteria = criteria_of(q.as_deref());
    match s
        .fhir
        .conditional_update(&ctx.caller, &rtype, &criteria, &bytes)
        .await
    {
        Ok(w) => written_response(&s, &ctx, &w),
        Err(e) => fhir_error(&e),
    }
}

async fn delete(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((rtype, id)): Path<(String, String)>,
) -> Response {
    let if_match = try_resp!(header_text(&headers, "if-match"));
    match s.fhir.delete(&ctx.caller, &rtype, &id, if_match).await {
        Ok(w) => {
            let mut res = StatusCode::NO_CONTENT.into_response();
            set_version_headers(res.headers_mut(), w.version, w.last_updated);
            res
        }
        Err(e) => fhir_error(&e),
    }
}

async fn conditional_delete(
    State(s): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
    Path(rtype): Path<String>,
) -> Response {
    let criteria = criteria_of(q.as_deref());
    match s
        .fhir
        .conditional_delete(&ctx.caller, &rtype, &criteria)
        .await
    {
        Ok(Some(w)) => {
            let mut res = StatusCode::NO_CONTENT.into_response();
            set_version_headers(res.headers_mut(), w.version, w.last_updated);
            res
        }
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fhir_error(&e),
    }
}

/// The search criteria of a conditional operation (without the response-format parameters).
fn criteria_of(q: Option<&str>) -> String {
    q.map(|q| {
        q.split('&')
            .filter(|p| !p.starts_with("_format=") && !p.starts_with("_pretty="))
            .collect::<Vec<_>>()
            .join("&")
    })
    .unwrap_or_default()
}

async fn run_search(s: &AppState, ctx: &Ctx, rtype: &str, pairs: &[(String, String)]) -> Response {
    match s
        .fhir
        .search(&ctx.caller, rtype, pairs, ctx.lenient, None)
        .await
    {
        Ok(b) => ok_json(ctx, StatusCode::OK, b),
        Err(e) => fhir_error(&e),
    }
}

async fn search(
    State(s): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
    Path(rtype): Path<String>,
) -> Response {
    let pairs = q.as_deref().map(parse_query_string).unwrap_or_default();
    run_search(&s, &ctx, &rtype, &pairs).await
}

async fn search_post(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    Path(rtype): Path<String>,
    body: Body,
) -> Response {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return outcome_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &[Issue::error(
                IssueCode::NotSupported,
                "POST _search takes application/x-www-form-urlencoded parameters",
            )],
        );
    }
    let bytes = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => {
            return outcome_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &[Issue::error(IssueCode::TooLong, "search form too large")],
            );
        }
    };
    let mut pairs = q.as_deref().map(parse_query_string).unwrap_or_default();
    pairs.extend(parse_query_string(&String::from_utf8_lossy(&bytes)));
    run_search(&s, &ctx, &rtype, &pairs).await
}

async fn history_system(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    history_any(s, addr, headers, q, None, None).await
}

async fn history_type(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    Path(rtype): Path<String>,
) -> Response {
    history_any(s, addr, headers, q, Some(rtype), None).await
}

async fn history_instance(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    Path((rtype, id)): Path<(String, String)>,
) -> Response {
    history_any(s, addr, headers, q, Some(rtype), Some(id)).await
}

async fn history_any(
    s: AppState,
    addr: SocketAddr,
    headers: HeaderMap,
    q: Option<String>,
    rtype: Option<String>,
    id: Option<String>,
) -> Response {
    let ctx = try_resp!(ctx(&s, &addr, &headers, q.as_deref()).await);
    let pairs = q.as_deref().map(parse_query_string).unwrap_or_default();
    match s
        .fhir
        .history(&ctx.caller, rtype.as_deref(), id.as_deref(), &pairs)
        .await
    {
        Ok(b) => ok_json(&ctx, StatusCode::OK, b),
        Err(e) => fhir_error(&e),
    }
}

pub(crate) async fn bundle(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = try_resp!(read_body(&headers, body).await);
    match s.fhir.process_bundle(&ctx.caller, &bytes).await {
        Ok(v) => ok_json(&ctx, StatusCode::OK, v.to_string()),
        Err(e) => fhir_error(&e),
    }
}

async fn export_system(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    kickoff(s, addr, headers, q, false).await
}

async fn export_patient(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    kickoff(s, addr, headers, q, true).await
}

async fn kickoff(
    s: AppState,
    addr: SocketAddr,
    headers: HeaderMap,
    q: Option<String>,
    patient_level: bool,
) -> Response {
    let ctx = try_resp!(ctx(&s, &addr, &headers, q.as_deref()).await);
    let bad = |msg: String| {
        outcome_response(
            StatusCode::BAD_REQUEST,
            &[Issue::error(IssueCode::Invalid, msg)],
        )
    };
    let prefer_async = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("respond-async"));
    if !prefer_async {
        return bad("$export needs the header 'Prefer: respond-async'".into());
    }
    let mut types = Vec::new();
    let mut since = None;
    for (k, v) in q.as_deref().map(parse_query_string).unwrap_or_default() {
        match k.as_str() {
            "_type" => types.extend(v.split(',').filter(|t| !t.is_empty()).map(str::to_owned)),
            "_since" => match ws_fhir::search_params::date_range(&v) {
                Some((lo, _)) => since = Some(lo),
                None => return bad(format!("_since '{v}' is not a valid instant")),
            },
            "_outputFormat" => {
                if !matches!(
                    v.as_str(),
                    "application/fhir+ndjson" | "application/ndjson" | "ndjson"
                ) {
                    return bad(format!(
                        "_outputFormat '{v}' is not supported (application/fhir+ndjson is)"
                    ));
                }
            }
            other => {
                return bad(format!(
                    "$export parameter '{other}' is not supported (_type, _since, _outputFormat are)"
                ));
            }
        }
    }
    let url = format!(
        "{}{}{}",
        s.fhir.base_url,
        if patient_level {
            "/Patient/$export"
        } else {
            "/$export"
        },
        q.map(|q| format!("?{q}")).unwrap_or_default()
    );
    match s
        .fhir
        .start_export(&ctx.caller, &url, types, since, patient_level)
        .await
    {
        Ok(id) => {
            let mut res = StatusCode::ACCEPTED.into_response();
            if let Ok(v) =
                HeaderValue::from_str(&format!("{}/$export-status/{id}", s.fhir.base_url))
            {
                res.headers_mut().insert(header::CONTENT_LOCATION, v);
            }
            res
        }
        Err(e) => fhir_error(&e),
    }
}

async fn export_status(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(job): Path<String>,
) -> Response {
    let caller = try_resp!(caller_or_401(&s, &addr, &headers).await);
    if let Err(e) = s.fhir.gate_export(&caller) {
        return fhir_error(&e);
    }
    let j = match s.fhir.export_job(&job).await {
        Ok(j) => j,
        Err(e) => return fhir_error(&e),
    };
    match j.status.as_str() {
        "complete" => {
            let output: Value = j
                .output
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or(Value::Array(vec![]));
            let manifest = serde_json::json!({
                "transactionTime": instant(j.created_at),
                "request": j.request,
                "requiresAccessToken": true,
                "output": output,
                "error": [],
            });
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                manifest.to_string(),
            )
                .into_response()
        }
        "failed" => outcome_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &[Issue::error(
                IssueCode::Exception,
                j.error.unwrap_or_else(|| "export failed".into()),
            )],
        ),
        _ => {
            let mut res = StatusCode::ACCEPTED.into_response();
            res.headers_mut()
                .insert("x-progress", HeaderValue::from_static("in progress"));
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            res
        }
    }
}

async fn export_delete(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(job): Path<String>,
) -> Response {
    let caller = try_resp!(caller_or_401(&s, &addr, &headers).await);
    match s.fhir.delete_export(&caller, &job).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => fhir_error(&e),
    }
}

async fn export_file(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((job, file)): Path<(String, String)>,
) -> Response {
    let caller = try_resp!(caller_or_401(&s, &addr, &headers).await);
    if let Err(e) = s.fhir.gate_export(&caller) {
        return fhir_error(&e);
    }
    let nf = || fhir_error(&FhirError::NotFound(format!("export file {job}/{file}")));
    let Some(rtype) = file.strip_suffix(".ndjson") else {
        return nf();
    };
    if !ws_fhir_service::bundle::valid_id(&job) || !ws_fhir::validate::is_resource_type(rtype) {
        return nf();
    }
    match s.fhir.export_job(&job).await {
        Ok(j) if j.status == "complete" => {}
        _ => return nf(),
    }
    let path = s.fhir.export_dir.join(&job).join(&file);
    let Ok(f) = tokio::fs::File::open(&path).await else {
        return nf();
    };
    s.fhir.audit.record(caller.record(
        s.fhir.clock().now_micros(),
        "export-download",
        Some(rtype),
        None,
        None,
        "success",
        Some(job.clone()),
    ));
    let stream = file_stream(f);
    (
        [(header::CONTENT_TYPE, "application/fhir+ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Stream a file in 64 KiB chunks (constant memory whatever the export's size).
fn file_stream(f: tokio::fs::File) -> impl futures::Stream<Item = std::io::Result<Bytes>> {
    use tokio::io::AsyncReadExt;
    futures::stream::unfold(Some(f), |state| async move {
        let mut f = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    outcome_response(
        StatusCode::NOT_FOUND,
        &[Issue::error(
            IssueCode::NotFound,
            format!("no FHIR endpoint for {method} {}", uri.path()),
        )],
    )
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> Response {
    outcome_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &[Issue::error(
            IssueCode::NotSupported,
            format!("{method} is not allowed on {}", uri.path()),
        )],
    )
}
