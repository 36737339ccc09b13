//! Registration with the medical record number, e-mail verification, forgotten password.

use axum::http::StatusCode;

use crate::auth::{self, SESSION_COOKIE};
use crate::kit::{Form, Page, WebError, WebResult, field, form, with_cookies};
use crate::portal::{self as ui, AuthMessage, FieldError, Shell};
use ws_identity::TokenProblem;
use ws_identity::service::{RegisterError, RegisterInput, ResetError};

// --- registration and password reset ---------------------------------------------------------

pub(super) async fn register_page(r: Page) -> WebResult {
    let sh = r.signed_out_shell();
    let view = ui::RegisterForm {
        min_password_len: super::MIN_PW,
        ..Default::default()
    };
    Ok(r.html(StatusCode::OK, super::render::render_register(&sh, &view)))
}

pub(super) async fn register(r: Page, Form(f): Form) -> WebResult {
    let r = r.at("/register");
    let s = r.state.clone();
    let g = |k: &str| field(&f, k).unwrap_or("").to_owned();
    let mut view = ui::RegisterForm {
        mrn: g("mrn"),
        birth_date: g("birth_date"),
        given: g("given"),
        family: g("family"),
        email: g("email"),
        mobile: g("mobile"),
        min_password_len: super::MIN_PW,
        ..Default::default()
    };
    let sh = r.signed_out_shell();
    if g("password") != g("password_confirm") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(
                r.lang,
                "password_confirm",
                "mismatch",
                super::MIN_PW,
                super::MAX_PW,
            ),
        ));
        return Ok(r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_register(&sh, &view),
        ));
    }
    let input = RegisterInput {
        mrn: view.mrn.clone(),
        birth_date: view.birth_date.clone(),
        given: view.given.clone(),
        family: view.family.clone(),
        email: view.email.clone(),
        mobile: view.mobile.clone(),
        password: g("password"),
    };
    Ok(
        match s
            .identity
            .speaking(r.lang)
            .register(&input, Some(&r.source))
            .await?
        {
            Ok(_) => {
                let mut sh = Shell::signed_out(r.lang, r.csrf(), "/sign-in".to_owned());
                sh.flash(ui::FlashKind::Success, ui::t(r.lang, "register.done"));
                let v = ui::SignInForm {
                    email: view.email.clone(),
                    next: "/".into(),
                    ..Default::default()
                };
                r.html(StatusCode::OK, super::render::render_sign_in(&sh, &v))
            }
            Err(e) => {
                match e {
                    RegisterError::Invalid(fields) => {
                        for (field_name, code) in fields {
                            view.errors.push(FieldError::new(
                                field_name,
                                ui::i18n::field_problem(
                                    r.lang,
                                    field_name,
                                    code,
                                    super::MIN_PW,
                                    super::MAX_PW,
                                ),
                            ));
                        }
                    }
                    RegisterError::Password(p) => view.errors.push(FieldError::new(
                        "password",
                        ui::i18n::field_problem(
                            r.lang,
                            "password",
                            p.code(),
                            super::MIN_PW,
                            super::MAX_PW,
                        ),
                    )),
                    RegisterError::NoMatch => view.problem = Some(AuthMessage::RegistrationRefused),
                    RegisterError::UnderThirteen => view.problem = Some(AuthMessage::Under13),
                    RegisterError::AlreadyRegistered => {
                        view.problem = Some(AuthMessage::AlreadyRegistered);
                    }
                    RegisterError::EmailInUse => view.problem = Some(AuthMessage::EmailInUse),
                    RegisterError::Throttled { retry_after_secs } => {
                        view.problem = Some(AuthMessage::Throttled {
                            minutes: AuthMessage::minutes_from_secs(retry_after_secs),
                        });
                    }
                }
                r.html(
                    StatusCode::BAD_REQUEST,
                    super::render::render_register(&sh, &view),
                )
            }
        },
    )
}

pub(super) async fn forgot_page(r: Page) -> WebResult {
    let sh = r.signed_out_shell();
    Ok(r.html(
        StatusCode::OK,
        super::render::render_forgot(&sh, &ui::ForgotForm::default()),
    ))
}

pub(super) async fn forgot(r: Page, Form(f): Form) -> WebResult {
    let r = r.at("/password/forgot");
    let s = r.state.clone();
    let email = field(&f, "email").unwrap_or("").trim().to_owned();
    let sh = r.signed_out_shell();
    if email.is_empty() {
        let view = ui::ForgotForm {
            email,
            problem: None,
            errors: vec![FieldError::new(
                "email",
                ui::i18n::field_problem(r.lang, "email", "required", super::MIN_PW, super::MAX_PW),
            )],
        };
        return Ok(r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_forgot(&sh, &view),
        ));
    }
    if let Err(e) = s
        .identity
        .speaking(r.lang)
        .request_reset(&email, Some(&r.source))
        .await
    {
        return Err(WebError::internal(e));
    }
    // The same answer whether or not the address is known.
    Ok(r.html(StatusCode::OK, super::render::render_forgot_sent(&sh)))
}

fn token_problem(p: TokenProblem) -> AuthMessage {
    match p {
        TokenProblem::Unknown => AuthMessage::ResetLinkInvalid,
        TokenProblem::Used => AuthMessage::ResetLinkUsed,
        TokenProblem::Expired => AuthMessage::ResetLinkExpired,
    }
}

/// `GET /verify-email?token=`: the one-time link that proves the account owns its address.
pub(super) async fn verify_email_page(r: Page) -> WebResult {
    let s = r.state.clone();
    let q = r.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let token = field(&f, "token").unwrap_or("").to_owned();
    let sh = Shell::signed_out(r.lang, r.csrf(), "/verify-email".to_owned());
    Ok(
        match s.identity.verify_email(&token, Some(&r.source)).await? {
            Ok(_) => r.html(
                StatusCode::OK,
                super::render::render_verify_email(&sh, true),
            ),
            Err(_) => r.html(
                StatusCode::BAD_REQUEST,
                super::render::render_verify_email(&sh, false),
            ),
        },
    )
}

pub(super) async fn reset_page(r: Page) -> WebResult {
    let s = r.state.clone();
    let q = r.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    let token = field(&f, "token").unwrap_or("").to_owned();
    // The link's token must not leak to other sites through the Referer header.
    let sh = Shell::signed_out(r.lang, r.csrf(), "/password/reset".to_owned());
    Ok(match s.identity.reset_token_state(&token).await? {
        Ok(()) => {
            let view = ui::ResetForm {
                token,
                errors: Vec::new(),
                min_password_len: super::MIN_PW,
            };
            r.html(StatusCode::OK, super::render::render_reset(&sh, &view))
        }
        Err(p) => r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_reset_link_problem(&sh, &token_problem(p)),
        ),
    })
}

pub(super) async fn reset(r: Page, Form(f): Form) -> WebResult {
    let r = r.at("/password/reset");
    let s = r.state.clone();
    let token = field(&f, "token").unwrap_or("").to_owned();
    let pw = field(&f, "password").unwrap_or("");
    let sh = Shell::signed_out(r.lang, r.csrf(), "/password/reset".to_owned());
    let mut view = ui::ResetForm {
        token: token.clone(),
        errors: Vec::new(),
        min_password_len: super::MIN_PW,
    };
    if pw != field(&f, "password_confirm").unwrap_or("") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(
                r.lang,
                "password_confirm",
                "mismatch",
                super::MIN_PW,
                super::MAX_PW,
            ),
        ));
        return Ok(r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_reset(&sh, &view),
        ));
    }
    match s
        .identity
        .speaking(r.lang)
        .reset_password(&token, pw, Some(&r.source))
        .await?
    {
        Ok(acct) => {
            let mut sh = Shell::signed_out(r.lang, r.csrf(), "/sign-in".to_owned());
            sh.flash(ui::FlashKind::Success, ui::t(r.lang, "reset.done"));
            let v = ui::SignInForm {
                email: acct.email,
                next: "/".into(),
                ..Default::default()
            };
            Ok(with_cookies(
                r.html(StatusCode::OK, super::render::render_sign_in(&sh, &v)),
                &[auth::clear_cookie(&s, SESSION_COOKIE)],
            ))
        }
        Err(ResetError::Token(p)) => Ok(r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_reset_link_problem(&sh, &token_problem(p)),
        )),
        Err(ResetError::Password(p)) => {
            view.errors.push(FieldError::new(
                "password",
                ui::i18n::field_problem(r.lang, "password", p.code(), super::MIN_PW, super::MAX_PW),
            ));
            Ok(r.html(
                StatusCode::BAD_REQUEST,
                super::render::render_reset(&sh, &view),
            ))
        }
        Err(ResetError::WrongCurrent) => Err(WebError::internal("unexpected reset error")),
    }
}
