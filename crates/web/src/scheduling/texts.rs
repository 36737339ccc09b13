//! Text reminders: the member's numbers (added, proven by a code, switched on or off), and the
//! SMS gateway's inbound webhook (`POST /texts/inbound`, form fields `From` and `Body`, the
//! gateway's shared secret in `X-Gateway-Key`), which confirms, cancels, stops and helps.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use ws_identity::service::parse_mobile;

use crate::AppState;
use crate::kit::{Acting, Form, WebResult, field};
use crate::portal::{self as ui, Section};

use super::{offered, render};

async fn view(
    a: &Acting,
    status: StatusCode,
    pending: Option<&str>,
    flash: Option<(ui::FlashKind, String)>,
) -> WebResult {
    let numbers = a.state.identity.text_numbers(&a.patient).await?;
    let mut sh = a.shell(Section::Appointments).await;
    if let Some((k, t)) = flash {
        sh.flash(k, t);
    }
    Ok(a.html(status, render::texts(&sh, &numbers, pending)))
}

pub(super) async fn page(a: Acting) -> WebResult {
    offered(&a)?;
    view(&a, StatusCode::OK, None, None).await
}

fn by(a: &Acting) -> String {
    format!("account:{}", a.me.info.account.id)
}

pub(super) async fn add(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let Some(mobile) = field(&f, "mobile").and_then(parse_mobile) else {
        let msg = a.t("texts.bad-number").to_owned();
        return view(
            &a,
            StatusCode::BAD_REQUEST,
            None,
            Some((ui::FlashKind::Error, msg)),
        )
        .await;
    };
    if field(&f, "consent") != Some("yes") {
        let msg = a.t("texts.need-consent").to_owned();
        return view(
            &a,
            StatusCode::BAD_REQUEST,
            None,
            Some((ui::FlashKind::Error, msg)),
        )
        .await;
    }
    a.state
        .identity
        .speaking(a.lang)
        .text_start(&by(&a), &a.patient, &mobile)
        .await?;
    let msg = ui::i18n::tf(a.lang, "texts.code-sent", &[("mobile", &mobile)]);
    view(
        &a,
        StatusCode::OK,
        Some(&mobile),
        Some((ui::FlashKind::Success, msg)),
    )
    .await
}

pub(super) async fn verify(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let mobile = field(&f, "mobile")
        .and_then(parse_mobile)
        .unwrap_or_default();
    let code = field(&f, "code").unwrap_or("");
    match a
        .state
        .identity
        .text_confirm(&by(&a), &a.patient, &mobile, code)
        .await?
    {
        Ok(()) => {
            let msg = a.t("texts.verified").to_owned();
            view(
                &a,
                StatusCode::OK,
                None,
                Some((ui::FlashKind::Success, msg)),
            )
            .await
        }
        Err(r) => {
            let msg = a.t(r.key()).to_owned();
            view(
                &a,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&mobile),
                Some((ui::FlashKind::Error, msg)),
            )
            .await
        }
    }
}

pub(super) async fn opt(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let mobile = field(&f, "mobile")
        .and_then(parse_mobile)
        .unwrap_or_default();
    let on = field(&f, "on") == Some("yes");
    if field(&f, "remove") == Some("yes") {
        a.state
            .identity
            .text_remove(&by(&a), &a.patient, &mobile)
            .await?;
    } else {
        a.state
            .identity
            .text_opt(&by(&a), &a.patient, &mobile, on)
            .await?;
    }
    let msg = a.t("texts.saved").to_owned();
    view(
        &a,
        StatusCode::OK,
        None,
        Some((ui::FlashKind::Success, msg)),
    )
    .await
}

/// The gateway's webhook. Not a page: a plain answer, and 404 when no key is configured (the
/// endpoint is off) or the key is wrong (the same answer).
pub(super) async fn inbound(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let given = headers
        .get("x-gateway-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = state.scheduling.inbound_key.as_deref().is_some_and(|k| {
        use sha2::Digest as _;
        // Compare digests, so the comparison takes the same time whatever matches.
        sha2::Sha256::digest(k.as_bytes()) == sha2::Sha256::digest(given.as_bytes())
    });
    if !ok {
        return StatusCode::NOT_FOUND.into_response();
    }
    let pairs = ws_fhir_service::query::parse_query_string(&String::from_utf8_lossy(&body));
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let (Some(from), Some(text)) = (get("From").and_then(parse_mobile), get("Body")) else {
        return (
            StatusCode::BAD_REQUEST,
            "From (a US mobile) and Body are required\n",
        )
            .into_response();
    };
    match state.scheduling.text_reply(&from, text).await {
        Ok(outcome) => (StatusCode::OK, format!("{outcome}\n")).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "inbound text");
            (StatusCode::INTERNAL_SERVER_ERROR, "error\n").into_response()
        }
    }
}
