//! The public pages (no sign-in, CMS Provider Directory): Get Care, find a doctor, a doctor's
//! page and facilities with urgent care open now. Directory data only; nobody's record.

use axum::extract::Path;
use axum::http::StatusCode;
use ws_scheduling::service::directory::DoctorQuery;

use crate::kit::{Page, WebError, WebResult};
use crate::portal::Section;

use super::render;

/// The decoded query of this page.
pub(super) fn query(p: &Page) -> Vec<(String, String)> {
    p.query
        .as_deref()
        .map(ws_fhir_service::query::parse_query_string)
        .unwrap_or_default()
}

pub(super) fn q<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

pub(super) async fn get_care(p: Page) -> WebResult {
    let near = q(&query(&p), "near").map(str::to_owned);
    let sites = p.state.scheduling.facilities(near.as_deref(), true).await?;
    let sh = p.shell(Section::GetCare).await;
    let c = &p.state.coverage.contacts;
    Ok(p.html(
        StatusCode::OK,
        render::get_care(
            &sh,
            &sites,
            near.as_deref(),
            &c.advice_nurse,
            &c.member_services,
        ),
    ))
}

pub(super) async fn doctors(p: Page) -> WebResult {
    let pairs = query(&p);
    let dq = DoctorQuery {
        name: q(&pairs, "name").map(str::to_owned),
        specialty: q(&pairs, "specialty").map(str::to_owned),
        language: q(&pairs, "language").map(str::to_owned),
        gender: q(&pairs, "gender")
            .filter(|g| matches!(*g, "female" | "male"))
            .map(str::to_owned),
        location: q(&pairs, "location").map(str::to_owned),
        near: q(&pairs, "near").map(str::to_owned),
        accepting: q(&pairs, "accepting") == Some("yes"),
        pcp_for_age: None,
    };
    let searched = !pairs.is_empty();
    let found = if searched {
        p.state.scheduling.doctors(&dq, 50).await?
    } else {
        Vec::new()
    };
    let sh = p.shell(Section::GetCare).await;
    Ok(p.html(StatusCode::OK, render::doctors(&sh, &dq, &found, searched)))
}

pub(super) async fn doctor(p: Page, Path(role): Path<String>) -> WebResult {
    let d = p
        .state
        .scheduling
        .doctor(&role)
        .await?
        .ok_or(WebError::NotFound)?;
    let sh = p.shell(Section::GetCare).await;
    let signed_in = p.signed_in().is_some();
    Ok(p.html(StatusCode::OK, render::doctor(&sh, &d, signed_in)))
}

pub(super) async fn facilities(p: Page) -> WebResult {
    let pairs = query(&p);
    let near = q(&pairs, "near").map(str::to_owned);
    let urgent = q(&pairs, "urgent") == Some("yes");
    let sites = p
        .state
        .scheduling
        .facilities(near.as_deref(), urgent)
        .await?;
    let sh = p.shell(Section::GetCare).await;
    Ok(p.html(
        StatusCode::OK,
        render::facilities(&sh, &sites, near.as_deref(), urgent),
    ))
}
