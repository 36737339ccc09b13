//! The SMART on FHIR authorization page a person sees: which app, which data, whose record.

use axum::http::StatusCode;

use crate::kit::{
    Form, Page, SignedIn, WebError, WebResult, field, form, pct, redirect, relationship_code,
};
use crate::portal::{self as ui, Section};

// --- SMART authorization (consent) ------------------------------------------------------------

pub(super) async fn authorize_page(r: Page) -> WebResult {
    let s = r.state.clone();
    let q = r.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let g = |k: &str| field(&f, k).unwrap_or("");
    let checked = s
        .identity
        .check_authorize(
            g("response_type"),
            g("client_id"),
            g("redirect_uri"),
            g("scope"),
            g("state"),
            g("code_challenge"),
            g("code_challenge_method"),
            g("aud"),
        )
        .await;
    let req_ok = match checked {
        Ok(Ok(a)) => a,
        Ok(Err(e)) if e.redirectable => {
            let sep = if g("redirect_uri").contains('?') {
                '&'
            } else {
                '?'
            };
            return Ok(redirect(&format!(
                "{}{sep}error={}&error_description={}&state={}",
                g("redirect_uri"),
                e.code,
                pct(&e.description),
                pct(g("state"))
            )));
        }
        Ok(Err(e)) => {
            let sh = r.signed_out_shell();
            return Ok(r.html(
                StatusCode::BAD_REQUEST,
                ui::render_error(&sh, 400, &e.description),
            ));
        }
        Err(e) => return Err(WebError::internal(e)),
    };
    let Some(info) = r.signed_in() else {
        return Err(WebError::SignIn {
            next: r.path.clone(),
        });
    };
    let people: Vec<ui::PersonChoice> = s
        .identity
        .people(&info.account)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| ui::PersonChoice {
            patient_id: p.patient_id,
            name: p.name,
            relationship: relationship_code(p.access).to_owned(),
        })
        .collect();
    let sh = r.shell(Section::Privacy).await;
    let view = ui::ConsentView {
        app_name: req_ok.client_name,
        client_id: req_ok.client_id,
        scope: req_ok.scopes.join(" "),
        state: req_ok.state,
        redirect_uri: req_ok.redirect_uri,
        code_challenge: req_ok.code_challenge,
        code_challenge_method: "S256".into(),
        people,
    };
    Ok(r.html(StatusCode::OK, super::render::render_consent(&sh, &view)))
}

pub(super) async fn authorize_decision(
    SignedIn { page: r, info }: SignedIn,
    Form(f): Form,
) -> WebResult {
    let info = &info;
    let r = r.at("/oauth2/authorize");
    let s = r.state.clone();
    let g = |k: &str| field(&f, k).unwrap_or("");
    // Everything is checked again: the form came back from the browser.
    let fhir_base = s.identity.cfg.fhir_base.clone();
    let checked = match s
        .identity
        .check_authorize(
            "code",
            g("client_id"),
            g("redirect_uri"),
            g("scope"),
            g("state"),
            g("code_challenge"),
            g("code_challenge_method"),
            &fhir_base,
        )
        .await?
    {
        Ok(a) => a,
        Err(e) => {
            let sh = r.signed_out_shell();
            return Ok(r.html(
                StatusCode::BAD_REQUEST,
                ui::render_error(&sh, 400, &e.description),
            ));
        }
    };
    if g("decision") != "allow" {
        return Ok(redirect(&ws_identity::Identity::deny_redirect(&checked)));
    }
    let patient = Some(g("patient")).filter(|p| !p.is_empty());
    Ok(
        match s
            .identity
            .approve(&info.account.id, &checked, patient)
            .await?
        {
            Ok(url) => redirect(&url),
            Err(e) => {
                let sh = r.shell(Section::Privacy).await;
                r.html(
                    StatusCode::BAD_REQUEST,
                    ui::render_error(&sh, 400, &e.description),
                )
            }
        },
    )
}
