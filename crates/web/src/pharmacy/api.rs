//! `POST /fhir/MedicationRequest/{id}/$refill`: order a refill through the FHIR API (members,
//! proxies, apps with a write scope, pharmacists). 201 with the order (a `MedicationDispense`
//! in progress) — the same order when it was already placed; 422 with an OperationOutcome whose
//! `issue[0].details.coding[0].code` says why not (`too-soon` names the first date in
//! `diagnostics`).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use ws_fhir::{Issue, IssueCode};
use ws_pharmacy::PharmacyError;
use ws_pharmacy::rules::cost::Channel;
use ws_pharmacy::rules::delivery::Hold;
use ws_pharmacy::rules::refill::Answer;
use ws_pharmacy::service::refills::{Fulfilment, RefillOutcome};

use crate::AppState;
use crate::fhir::{Ctx, fhir_error, outcome_response};

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";
/// The code system of the refill answers in `issue.details`.
pub const REFILL_OUTCOME_SYSTEM: &str = "urn:wellspring:refill-outcome";

fn pharmacy_error(e: PharmacyError) -> Response {
    match e {
        PharmacyError::Fhir(e) => fhir_error(&e),
        PharmacyError::NotFound(what) => outcome_response(
            StatusCode::NOT_FOUND,
            &[Issue::error(
                IssueCode::NotFound,
                format!("{what} is not known"),
            )],
        ),
        PharmacyError::Forbidden(why) => outcome_response(
            StatusCode::FORBIDDEN,
            &[Issue::error(IssueCode::Forbidden, why)],
        ),
        PharmacyError::Invalid(why) => outcome_response(
            StatusCode::BAD_REQUEST,
            &[Issue::error(IssueCode::Invalid, why)],
        ),
        PharmacyError::Refused(said) => outcome_response(
            StatusCode::BAD_REQUEST,
            &[Issue::error(IssueCode::Invalid, said.en())],
        ),
    }
}

/// The optional `Parameters` body: `channel` (`pick-up` | `mail`), `pharmacy`
/// (`Location/<id>`).
fn fulfilment(body: &[u8]) -> Result<Fulfilment, String> {
    let mut how = Fulfilment::default();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(how);
    }
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if v["resourceType"] != "Parameters" {
        return Err("the body of $refill is a Parameters resource (or empty)".into());
    }
    for p in v["parameter"].as_array().into_iter().flatten() {
        match p["name"].as_str() {
            Some("channel") => {
                let c = p["valueCode"]
                    .as_str()
                    .or(p["valueString"].as_str())
                    .unwrap_or("");
                how.channel = Channel::parse(c)
                    .ok_or_else(|| format!("channel '{c}': use pick-up or mail"))?;
            }
            Some("pharmacy") => {
                how.pharmacy = p["valueReference"]["reference"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("Location/"))
                    .map(str::to_owned);
            }
            Some(other) => return Err(format!("unknown parameter '{other}'")),
            None => return Err("a parameter without a name".into()),
        }
    }
    Ok(how)
}

/// The 422 answer: the code, the explanation in plain words, the date where one applies.
fn refused(code: &str, text: &str, diagnostics: Option<String>) -> Response {
    outcome_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            Issue::error(IssueCode::BusinessRule, diagnostics.unwrap_or_default()).with_details(
                REFILL_OUTCOME_SYSTEM,
                code,
                text,
            ),
        ],
    )
}

pub(crate) async fn refill(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let how = match fulfilment(&body) {
        Ok(h) => h,
        Err(msg) => {
            return outcome_response(
                StatusCode::BAD_REQUEST,
                &[Issue::error(IssueCode::Invalid, msg)],
            );
        }
    };
    let (_, outcome) = match s.pharmacy.order_refill(ctx.caller(), &id, &how).await {
        Ok(x) => x,
        Err(e) => return pharmacy_error(e),
    };
    match outcome {
        RefillOutcome::Ordered { order, .. } => {
            let oid = order["id"].as_str().unwrap_or_default().to_owned();
            let mut res = (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, FHIR_JSON)],
                order.to_string(),
            )
                .into_response();
            if let Ok(v) =
                HeaderValue::from_str(&format!("{}/MedicationDispense/{oid}", s.fhir.base_url))
            {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        RefillOutcome::Refused { answer, renewal } => {
            let mut text = answer.explain();
            if let Some(r) = &renewal
                && let Some(by) = r.answer_by
            {
                text.push_str(&format!(
                    " A renewal request was sent (answer expected by {by})."
                ));
            }
            let diagnostics = match answer {
                Answer::TooSoon { first } => Some(first.to_string()),
                Answer::Expired { ended } => Some(ended.to_string()),
                _ => None,
            };
            refused(answer.code().unwrap_or("refused"), &text, diagnostics)
        }
        RefillOutcome::Held(Hold::NoMail) => refused(
            "no-mail",
            "This medicine is not sent by mail; choose pick-up at a pharmacy.",
            None,
        ),
        RefillOutcome::Held(Hold::CardNeeded) => refused(
            "card-needed",
            "Mail order needs a payment card on file, even when nothing is charged: the cost \
             share is charged when the order ships. Add one in the portal's Pharmacy section.",
            None,
        ),
    }
}
