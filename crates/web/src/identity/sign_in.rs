//! Signing in and out: password, two-step code, session extension, the person switcher.

use axum::http::StatusCode;

use crate::auth::{self, DEVICE_COOKIE, PRE_COOKIE, SESSION_COOKIE};
use crate::kit::{Form, Page, WebError, WebResult, field, form, pct, redirect, with_cookies};
use crate::portal::{self as ui, AuthMessage, FieldError, Section};
use axum::http::HeaderMap;
use ws_identity::service::SignInError;

// --- sign-in -------------------------------------------------------------------------------

pub(super) async fn sign_in_page(r: Page) -> WebResult {
    let q = r.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let next = local_next(field(&f, "next"));
    if r.signed_in().is_some() {
        return Ok(redirect(&next));
    }
    let sh = r.signed_out_shell();
    let view = ui::SignInForm {
        next,
        ..Default::default()
    };
    Ok(r.html(StatusCode::OK, super::render::render_sign_in(&sh, &view)))
}

fn sign_in_problem(e: &SignInError) -> AuthMessage {
    match e {
        SignInError::BadCredentials => AuthMessage::BadCredentials,
        SignInError::Locked { retry_after_secs } => AuthMessage::Locked {
            minutes: AuthMessage::minutes_from_secs(*retry_after_secs),
        },
        SignInError::Throttled { retry_after_secs } => AuthMessage::Throttled {
            minutes: AuthMessage::minutes_from_secs(*retry_after_secs),
        },
        SignInError::Disabled => AuthMessage::Disabled,
        SignInError::BadCode => AuthMessage::TwoStepWrong,
    }
}

pub(super) async fn sign_in(r: Page, headers: HeaderMap, Form(f): Form) -> WebResult {
    let r = r.at("/sign-in");
    let s = r.state.clone();
    let email = field(&f, "email").unwrap_or("").to_owned();
    let next = local_next(field(&f, "next"));
    Ok(
        match s
            .identity
            .sign_in_from_device(
                &email,
                field(&f, "password").unwrap_or(""),
                &r.source,
                auth::cookie(&headers, DEVICE_COOKIE),
            )
            .await?
        {
            Ok(done) => {
                // A new session token at every sign-in (no fixation); the pre-session cookie goes.
                let mut cookies = vec![
                    auth::set_cookie(&s, SESSION_COOKIE, done.token.expose(), None),
                    auth::clear_cookie(&s, PRE_COOKIE),
                ];
                // This browser is now known to the account: other people's failures behind the
                // same address do not hold it up (issue 12, finding 8).
                if let Some(d) = &done.device {
                    cookies.push(auth::set_cookie(
                        &s,
                        DEVICE_COOKIE,
                        d.expose(),
                        Some(ws_identity::service::DEVICE_TTL_SECS),
                    ));
                }
                let to = if done.needs_two_step {
                    format!("/sign-in/two-step?next={}", pct(&next))
                } else {
                    next
                };
                with_cookies(redirect(&to), &cookies)
            }
            Err(e) => {
                let sh = r.signed_out_shell();
                let view = ui::SignInForm {
                    email,
                    next,
                    problem: Some(sign_in_problem(&e)),
                    errors: Vec::new(),
                };
                let status = match e {
                    SignInError::Locked { .. } | SignInError::Throttled { .. } => {
                        StatusCode::TOO_MANY_REQUESTS
                    }
                    _ => StatusCode::UNAUTHORIZED,
                };
                r.html(status, super::render::render_sign_in(&sh, &view))
            }
        },
    )
}

pub(super) async fn two_step_page(r: Page) -> WebResult {
    let q = r.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let next = local_next(field(&f, "next"));
    match &r.session {
        Some(info) if info.session.pending_two_step => {}
        Some(_) => return Ok(redirect(&next)),
        None => {
            return Err(WebError::SignIn {
                next: r.path.clone(),
            });
        }
    }
    let sh = r.signed_out_shell();
    let view = ui::TwoStepForm {
        next,
        ..Default::default()
    };
    Ok(r.html(StatusCode::OK, super::render::render_two_step(&sh, &view)))
}

pub(super) async fn two_step(r: Page, headers: HeaderMap, Form(f): Form) -> WebResult {
    let r = r.at("/sign-in/two-step");
    let s = r.state.clone();
    let next = local_next(field(&f, "next"));
    let Some(token) = auth::cookie(&headers, SESSION_COOKIE) else {
        return Err(WebError::SignIn {
            next: r.path.clone(),
        });
    };
    Ok(
        match s
            .identity
            .verify_two_step(token, field(&f, "code").unwrap_or(""), &r.source)
            .await?
        {
            Ok(done) => with_cookies(
                redirect(&next),
                &[auth::set_cookie(
                    &s,
                    SESSION_COOKIE,
                    done.token.expose(),
                    None,
                )],
            ),
            Err(SignInError::BadCredentials) => {
                return Err(WebError::SignIn {
                    next: r.path.clone(),
                });
            }
            Err(e) => {
                let sh = r.signed_out_shell();
                let view = ui::TwoStepForm {
                    next,
                    problem: Some(sign_in_problem(&e)),
                    errors: vec![FieldError::new(
                        "code",
                        ui::t(r.lang, "auth.two-step-wrong"),
                    )],
                };
                r.html(
                    StatusCode::UNAUTHORIZED,
                    super::render::render_two_step(&sh, &view),
                )
            }
        },
    )
}

pub(super) async fn sign_out(r: Page, headers: HeaderMap, _form: Form) -> WebResult {
    let r = r.at("/sign-out");
    let s = r.state.clone();
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE)
        && let Err(e) = s.identity.sign_out(token).await
    {
        return Err(WebError::internal(e));
    }
    Ok(with_cookies(
        redirect("/sign-in"),
        &[auth::clear_cookie(&s, SESSION_COOKIE)],
    ))
}

pub(super) async fn sign_out_everywhere(r: Page, _form: Form) -> WebResult {
    let r = r.at("/sign-out-everywhere");
    let s = r.state.clone();
    let Some(info) = r.signed_in() else {
        return Err(WebError::SignIn {
            next: r.path.clone(),
        });
    };
    if let Err(e) = s.identity.sign_out_everywhere(&info.account.id).await {
        return Err(WebError::internal(e));
    }
    Ok(with_cookies(
        redirect("/sign-in"),
        &[auth::clear_cookie(&s, SESSION_COOKIE)],
    ))
}

pub(super) async fn extend(r: Page, Form(f): Form) -> WebResult {
    let r = r.at("/session/extend");
    if r.signed_in().is_none() {
        return Err(WebError::SignIn {
            next: r.path.clone(),
        });
    }
    // Looking the session up already pushed its idle expiry forward.
    Ok(redirect(&local_next(field(&f, "next"))))
}

pub(super) async fn act_as(r: Page, headers: HeaderMap, Form(f): Form) -> WebResult {
    let r = r.at("/act-as");
    let s = r.state.clone();
    let (Some(_), Some(token)) = (r.signed_in(), auth::cookie(&headers, SESSION_COOKIE)) else {
        return Err(WebError::SignIn {
            next: r.path.clone(),
        });
    };
    Ok(
        match s
            .identity
            .act_as(token, field(&f, "patient").unwrap_or(""))
            .await
        {
            Ok(true) => redirect("/"),
            Ok(false) => {
                let sh = r.shell(Section::MyHealth).await;
                r.html(
                    StatusCode::FORBIDDEN,
                    ui::render_error(&sh, 403, ui::t(r.lang, "error.forbidden")),
                )
            }
            Err(e) => return Err(WebError::internal(e)),
        },
    )
}

fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n) if crate::portal::views::is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}
