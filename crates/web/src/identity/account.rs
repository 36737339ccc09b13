//! Sign-in and security: two-step verification, password change.

use axum::http::StatusCode;

use crate::kit::{Form, SignedIn, WebError, WebResult, field};
use crate::portal::{self as ui, FieldError, Section};
use ws_identity::service::ResetError;

// --- account security ------------------------------------------------------------------------

/// The security page's view for this account: two-step on or off, and the shortest password
/// it accepts (shorter with two-step on).
fn security_view(info: &ws_identity::service::SessionInfo) -> ui::SecurityView {
    let two_step_on = info.account.totp_secret.is_some();
    ui::SecurityView {
        two_step_on,
        min_password_len: if two_step_on {
            super::MIN_PW_TWO_STEP
        } else {
            super::MIN_PW
        },
        ..Default::default()
    }
}

pub(super) async fn security_page(SignedIn { page: r, info }: SignedIn) -> WebResult {
    let sh = r.shell(Section::Account).await;
    let view = security_view(&info);
    Ok(r.html(StatusCode::OK, super::render::render_security(&sh, &view)))
}

pub(super) async fn two_step_setup(
    SignedIn { page: r, info }: SignedIn,
    Form(f): Form,
) -> WebResult {
    let info = &info;
    let r = r.at("/account/security");
    let s = r.state.clone();
    let mut sh = r.shell(Section::Account).await;
    let mut view = security_view(info);
    let secret = field(&f, "secret").unwrap_or("");
    let code = field(&f, "code").unwrap_or("");
    if secret.is_empty() {
        // Step 1: a new secret to add to the authenticator app.
        let setup = s.identity.begin_two_step(&info.account);
        view.setup = Some(ui::TwoStepSetup {
            secret: setup.secret.0,
            otpauth_uri: setup.otpauth_uri,
        });
        return Ok(r.html(StatusCode::OK, super::render::render_security(&sh, &view)));
    }
    match s
        .identity
        .confirm_two_step(&info.account.id, secret, code)
        .await
    {
        Ok(Some(codes)) => {
            view.two_step_on = true;
            view.min_password_len = super::MIN_PW_TWO_STEP;
            view.recovery_codes = Some(codes.into_iter().map(|c| c.0).collect());
            sh.flash(
                ui::FlashKind::Success,
                ui::t(r.lang, "security.two-step-on"),
            );
            Ok(r.html(StatusCode::OK, super::render::render_security(&sh, &view)))
        }
        Ok(None) => {
            view.setup = Some(ui::TwoStepSetup {
                secret: secret.to_owned(),
                otpauth_uri: ws_identity::secrets::otpauth_uri(secret, &info.account.email),
            });
            view.errors.push(FieldError::new(
                "code",
                ui::t(r.lang, "auth.two-step-wrong"),
            ));
            Ok(r.html(
                StatusCode::BAD_REQUEST,
                super::render::render_security(&sh, &view),
            ))
        }
        Err(e) => Err(WebError::internal(e)),
    }
}

pub(super) async fn two_step_disable(
    SignedIn { page: r, info }: SignedIn,
    Form(f): Form,
) -> WebResult {
    let info = &info;
    let r = r.at("/account/security");
    let s = r.state.clone();
    let ok = match s
        .identity
        .disable_two_step(
            &info.account.id,
            field(&f, "disable_password").unwrap_or(""),
        )
        .await
    {
        Ok(ok) => ok,
        Err(e) => return Err(WebError::internal(e)),
    };
    let mut sh = r.shell(Section::Account).await;
    let mut view = ui::SecurityView {
        two_step_on: !ok,
        min_password_len: super::MIN_PW,
        ..Default::default()
    };
    if ok {
        sh.flash(
            ui::FlashKind::Success,
            ui::t(r.lang, "security.two-step-off"),
        );
    } else {
        view.errors.push(FieldError::new(
            "disable_password",
            ui::t(r.lang, "auth.bad-credentials"),
        ));
    }
    Ok(r.html(
        if ok {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        super::render::render_security(&sh, &view),
    ))
}

pub(super) async fn change_password(
    SignedIn { page: r, info }: SignedIn,
    Form(f): Form,
) -> WebResult {
    let info = &info;
    let r = r.at("/account/security");
    let s = r.state.clone();
    let mut sh = r.shell(Section::Account).await;
    let mut view = security_view(info);
    let min = view.min_password_len;
    let new = field(&f, "password").unwrap_or("");
    if new != field(&f, "password_confirm").unwrap_or("") {
        view.errors.push(FieldError::new(
            "password_confirm",
            ui::i18n::field_problem(r.lang, "password_confirm", "mismatch", min, super::MAX_PW),
        ));
        return Ok(r.html(
            StatusCode::BAD_REQUEST,
            super::render::render_security(&sh, &view),
        ));
    }
    match s
        .identity
        .speaking(r.lang)
        .change_password(
            &info.account.id,
            field(&f, "current_password").unwrap_or(""),
            new,
            &info.session.token_hash,
        )
        .await?
    {
        Ok(()) => {
            sh.flash(
                ui::FlashKind::Success,
                ui::t(r.lang, "security.password-changed"),
            );
            Ok(r.html(StatusCode::OK, super::render::render_security(&sh, &view)))
        }
        Err(ResetError::Password(p)) => {
            view.errors.push(FieldError::new(
                "password",
                ui::i18n::field_problem(r.lang, "password", p.code(), min, super::MAX_PW),
            ));
            Ok(r.html(
                StatusCode::BAD_REQUEST,
                super::render::render_security(&sh, &view),
            ))
        }
        Err(_) => {
            view.errors.push(FieldError::new(
                "current_password",
                ui::t(r.lang, "auth.bad-credentials"),
            ));
            Ok(r.html(
                StatusCode::BAD_REQUEST,
                super::render::render_security(&sh, &view),
            ))
        }
    }
}
