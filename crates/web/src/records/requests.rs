//! Requests about the record (HIP-01..03), in the portal: file a request for copies (to the
//! member or to someone they authorise), an amendment or an accounting of disclosures; follow
//! each with its due date and status.

use axum::http::StatusCode;
use ws_records::RecordsError;
use ws_records::rules::requests::RequestKind;
use ws_records::service::requests::RequestInput;

use crate::kit::{Acting, Form, WebError, WebResult, field};
use crate::portal::{self as ui, FieldError, Section};

use super::render;

fn kind_of(s: &str) -> Option<RequestKind> {
    match s {
        "copy" => Some(RequestKind::Copy),
        "amendment" => Some(RequestKind::Amendment),
        "accounting" => Some(RequestKind::Accounting),
        _ => None,
    }
}

/// What was typed, kept when a form comes back with a problem.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub kind: String,
    pub details: String,
    pub recipient: String,
}

async fn view(
    a: &Acting,
    typed: Typed,
    errors: Vec<FieldError>,
    done: Option<String>,
) -> WebResult {
    let list = a.state.records.requests_for(&a.caller, &a.patient).await?;
    // Answered accountings (HIP-03): what each lists.
    let mut accountings = Vec::new();
    for r in &list {
        if r.kind == RequestKind::Accounting && r.status == "completed" {
            accountings.push(a.state.records.accounting(&a.caller, r).await?);
        }
    }
    let mut sh = a.shell(Section::MedicalRecord).await;
    if let Some(d) = done {
        sh.flash(ui::FlashKind::Success, d);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(a.html(
        status,
        render::render_requests(&sh, &list, &accountings, &typed, &errors),
    ))
}

pub(super) async fn requests_page(a: Acting) -> WebResult {
    ws_records::RecordsService::authorize_requests(&a.caller, &a.patient).map_err(|_| {
        WebError::NotForThisPerson {
            key: "notfor.requests",
        }
    })?;
    view(&a, Typed::default(), Vec::new(), None).await
}

pub(super) async fn file_request(a: Acting, Form(f): Form) -> WebResult {
    ws_records::RecordsService::authorize_requests(&a.caller, &a.patient).map_err(|_| {
        WebError::NotForThisPerson {
            key: "notfor.requests",
        }
    })?;
    let typed = Typed {
        kind: field(&f, "kind").unwrap_or("").to_owned(),
        details: field(&f, "details").unwrap_or("").trim().to_owned(),
        recipient: field(&f, "recipient").unwrap_or("").trim().to_owned(),
    };
    let Some(kind) = kind_of(&typed.kind) else {
        return Err(WebError::BadRequest);
    };
    let details_id: &'static str = match kind {
        RequestKind::Copy => "copy-details",
        RequestKind::Amendment => "amendment-details",
        RequestKind::Accounting => "accounting-details",
    };
    if typed.details.is_empty() && kind != RequestKind::Accounting {
        let e = FieldError::new(details_id, a.t(&format!("rec.req.need.{}", typed.kind)));
        return view(&a, typed, vec![e], None).await;
    }
    let input = RequestInput {
        details: typed.details.clone(),
        recipient: Some(typed.recipient.clone()).filter(|r| !r.is_empty()),
    };
    match a
        .state
        .records
        .file_request(&a.caller, &a.patient, kind, &input)
        .await
    {
        Ok(r) => {
            let due = ui::i18n::fmt_date(a.lang, &r.due.to_string());
            let done = ui::i18n::tf(a.lang, "rec.req.filed", &[("due", &due)]);
            view(&a, Typed::default(), Vec::new(), Some(done)).await
        }
        Err(RecordsError::Refused(said)) => {
            let msg = said.in_lang(a.lang);
            view(&a, typed, vec![FieldError::new(details_id, msg)], None).await
        }
        Err(e) => Err(e.into()),
    }
}
