//! The Medical Record pages. Every read goes through the records service with the caller of
//! the person chosen in the switcher; what the policy hides answers as if it did not exist.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use ws_records::service::record::RecordSection;

use crate::kit::{Acting, WebError, WebResult};
use crate::portal::Section;

use super::render;

/// A section is offered only if this person's view of the record includes its type.
fn offered(a: &Acting, s: RecordSection) -> Result<(), WebError> {
    a.require_view(s.query().0, "notfor.record")
}

/// The sections this person may open.
pub(super) fn sections(a: &Acting) -> Vec<RecordSection> {
    RecordSection::ALL
        .into_iter()
        .filter(|s| offered(a, *s).is_ok())
        .collect()
}

pub(super) async fn overview(a: Acting) -> WebResult {
    let list = sections(&a);
    if list.is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let recent = if list.contains(&RecordSection::Results) {
        a.state
            .records
            .section(&a.caller, &a.patient, RecordSection::Results)
            .await?
            .into_iter()
            .take(5)
            .collect()
    } else {
        Vec::new()
    };
    let sh = a.shell(Section::MedicalRecord).await;
    let can_request = ws_records::RecordsService::authorize_requests(&a.caller, &a.patient).is_ok();
    Ok(a.html(
        StatusCode::OK,
        render::render_overview(&sh, &list, &recent, can_request),
    ))
}

pub(super) async fn section(a: Acting, Path(slug): Path<String>) -> WebResult {
    let s = RecordSection::from_slug(&slug).ok_or(WebError::NotFound)?;
    offered(&a, s)?;
    let rows = a.state.records.section(&a.caller, &a.patient, s).await?;
    let sh = a.shell(Section::MedicalRecord).await;
    Ok(a.html(StatusCode::OK, render::render_section(&sh, s, &rows)))
}

pub(super) async fn report(a: Acting, Path(id): Path<String>) -> WebResult {
    offered(&a, RecordSection::Results)?;
    let (dr, results) = a.state.records.report(&a.caller, &a.patient, &id).await?;
    let sh = a.shell(Section::MedicalRecord).await;
    Ok(a.html(StatusCode::OK, render::render_report(&sh, &dr, &results)))
}

pub(super) async fn result(a: Acting, Path(id): Path<String>) -> WebResult {
    a.require_view("Observation", "notfor.record")?;
    let obs = a
        .state
        .records
        .resource(&a.caller, &a.patient, "Observation", &id)
        .await?;
    let trend = a.state.records.trend(&a.caller, &a.patient, &obs).await?;
    let sh = a.shell(Section::MedicalRecord).await;
    Ok(a.html(StatusCode::OK, render::render_result(&sh, &obs, &trend)))
}

/// "Take it with you": the whole record this person may see, as a FHIR Bundle (the same
/// policy and audit as `Patient/$everything`).
pub(super) async fn download(a: Acting) -> WebResult {
    if sections(&a).is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let bundle = a.state.fhir.everything(&a.caller, &a.patient).await?;
    let mut r = (StatusCode::OK, bundle).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"health-record.json\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// "Print my record": choose the sections and the period.
pub(super) async fn print_page(a: Acting) -> WebResult {
    let list = sections(&a);
    if list.is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let sh = a.shell(Section::MedicalRecord).await;
    Ok(a.html(StatusCode::OK, render::render_print(&sh, &list)))
}

/// The printed record: the chosen sections (those this person may see) of the chosen period,
/// typeset as PDF. Every section read is a search through the policy, audited.
pub(super) async fn print_pdf(a: Acting) -> WebResult {
    let f = crate::kit::form(a.query.as_deref().unwrap_or("").as_bytes());
    let allowed = sections(&a);
    if allowed.is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let chosen: Vec<RecordSection> = f
        .iter()
        .filter(|(k, _)| k == "section")
        .filter_map(|(_, v)| RecordSection::from_slug(v))
        .filter(|s| allowed.contains(s))
        .collect();
    let chosen = if chosen.is_empty() { allowed } else { chosen };
    let day = |k: &str| {
        crate::kit::field(&f, k)
            .map(str::trim)
            .filter(|d| d.parse::<jiff::civil::Date>().is_ok())
            .map(str::to_owned)
    };
    let (from, to) = (day("from"), day("to"));
    let mut parts = Vec::new();
    for s in chosen {
        let rows = a.state.records.section(&a.caller, &a.patient, s).await?;
        parts.push((s, render::within(s, rows, from.as_deref(), to.as_deref())));
    }
    let patient = a
        .state
        .records
        .resource(&a.caller, &a.patient, "Patient", &a.patient)
        .await
        .ok();
    let today = a.state.records.clock().today().to_string();
    let doc = render::record_doc(
        a.lang,
        patient.as_ref(),
        &parts,
        from.as_deref(),
        to.as_deref(),
        &today,
    );
    let pdf = ws_printout::record_pdf(&doc).map_err(WebError::internal)?;
    let mut r = (StatusCode::OK, pdf).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"health-record.pdf\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
