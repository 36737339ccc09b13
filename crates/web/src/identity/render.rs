//! Identity's pages: sign-in, two-step, registration, password reset, e-mail verification,
//! privacy (who can see my record, who looked at it, connected apps), the SMART consent page
//! and account security. Each `render_*` takes the [`Shell`] and the page's view and returns a
//! whole document; askama escapes every value.

use askama::Template;

use crate::portal::i18n::{self, AuthMessage, Lang, auth_message, fmt_date, t, tf};
use crate::portal::pages::{Input, MessagePage, page_title, render, summary};
use crate::portal::views::{
    AccessLogView, AppsView, ConsentView, FieldError, ForgotForm, InviteForm, RegisterForm,
    ResetForm, SecurityView, SharingView, Shell, SignInForm, TwoStepForm,
};

// ---------------------------------------------------------------------------------------------
// Signing in and registering

#[derive(Template)]
#[template(path = "identity/sign_in.html")]
struct SignInPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    email: Input,
    password: Input,
    next: &'a str,
}

/// Sign-in page (`POST /sign-in`: `csrf`, `email`, `password`, `next`).
pub fn render_sign_in(shell: &Shell, form: &SignInForm) -> String {
    let lang = shell.lang;
    let errors = summary(lang, form.problem.as_ref(), &form.errors);
    render(&SignInPage {
        shell,
        page_title: page_title(shell, t(lang, "signin.title"), !errors.is_empty()),
        email: Input::new(lang, &form.errors, "email", "field.email", "email")
            .value(&form.email)
            .autocomplete("username")
            .no_spellcheck(),
        password: Input::new(lang, &form.errors, "password", "field.password", "password")
            .autocomplete("current-password"),
        errors,
        next: &form.next,
    })
}

#[derive(Template)]
#[template(path = "identity/two_step.html")]
struct TwoStepPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    code: Input,
    next: &'a str,
}

/// Two-step prompt (`POST /sign-in/two-step`: `csrf`, `code`, `next`).
pub fn render_two_step(shell: &Shell, form: &TwoStepForm) -> String {
    let lang = shell.lang;
    let errors = summary(lang, form.problem.as_ref(), &form.errors);
    let mut code = Input::new(lang, &form.errors, "code", "field.code", "text")
        .autocomplete("one-time-code")
        .css("input-short")
        .no_spellcheck()
        .hint(t(lang, "twostep.code-hint"));
    if code.error.is_none() && form.problem == Some(AuthMessage::TwoStepWrong) {
        code.error = Some(auth_message(lang, &AuthMessage::TwoStepWrong));
    }
    let errors = if form.problem == Some(AuthMessage::TwoStepWrong) && form.errors.is_empty() {
        vec![FieldError::new(
            "code",
            auth_message(lang, &AuthMessage::TwoStepWrong),
        )]
    } else {
        errors
    };
    render(&TwoStepPage {
        shell,
        page_title: page_title(shell, t(lang, "twostep.title"), !errors.is_empty()),
        errors,
        code,
        next: &form.next,
    })
}

#[derive(Template)]
#[template(path = "identity/register.html")]
struct RegisterPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    mrn: Input,
    birth_date: Input,
    given: Input,
    family: Input,
    email: Input,
    mobile: Input,
    password: Input,
    password_confirm: Input,
}

/// Registration (`POST /register`: `csrf`, `mrn`, `birth_date` (YYYY-MM-DD), `given`, `family`,
/// `email`, `mobile`, `password`, `password_confirm`).
pub fn render_register(shell: &Shell, form: &RegisterForm) -> String {
    let lang = shell.lang;
    let e = &form.errors;
    let errors = summary(lang, form.problem.as_ref(), e);
    render(&RegisterPage {
        shell,
        page_title: page_title(shell, t(lang, "register.title"), !errors.is_empty()),
        errors,
        mrn: Input::new(lang, e, "mrn", "field.mrn", "text")
            .value(&form.mrn)
            .autocomplete("off")
            .css("input-medium")
            .no_spellcheck()
            .hint(t(lang, "field.mrn.hint")),
        birth_date: Input::new(lang, e, "birth_date", "field.birth_date", "date")
            .value(&form.birth_date)
            .autocomplete("bday")
            .css("input-medium")
            .hint(t(lang, "field.birth_date.hint")),
        given: Input::new(lang, e, "given", "field.given", "text")
            .value(&form.given)
            .autocomplete("given-name"),
        family: Input::new(lang, e, "family", "field.family", "text")
            .value(&form.family)
            .autocomplete("family-name"),
        email: Input::new(lang, e, "email", "field.email", "email")
            .value(&form.email)
            .autocomplete("email")
            .no_spellcheck()
            .hint(t(lang, "field.email.hint")),
        mobile: Input::new(lang, e, "mobile", "field.mobile", "tel")
            .value(&form.mobile)
            .autocomplete("tel")
            .css("input-medium")
            .hint(t(lang, "field.mobile.hint")),
        password: Input::new(lang, e, "password", "field.password_new", "password")
            .autocomplete("new-password")
            .hint(i18n::password_rule(lang, form.min_password_len)),
        password_confirm: Input::new(
            lang,
            e,
            "password_confirm",
            "field.password_confirm",
            "password",
        )
        .autocomplete("new-password"),
    })
}

#[derive(Template)]
#[template(path = "identity/forgot.html")]
struct ForgotPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    email: Input,
}

/// Forgot password (`POST /password/forgot`: `csrf`, `email` = email address or mobile number).
pub fn render_forgot(shell: &Shell, form: &ForgotForm) -> String {
    let lang = shell.lang;
    let errors = summary(lang, form.problem.as_ref(), &form.errors);
    render(&ForgotPage {
        shell,
        page_title: page_title(shell, t(lang, "forgot.title"), !errors.is_empty()),
        errors,
        email: Input::new(lang, &form.errors, "email", "field.identifier", "text")
            .value(&form.email)
            .autocomplete("username")
            .no_spellcheck(),
    })
}

/// "Check your email or phone": the same page whether or not the address is known.
pub fn render_forgot_sent(shell: &Shell) -> String {
    let lang = shell.lang;
    let heading = t(lang, "forgot.sent.title");
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs: vec![auth_message(lang, &AuthMessage::ResetSent)],
        status_line: String::new(),
        link_href: "/sign-in",
        link_text: t(lang, "forgot.back").to_owned(),
        css: "panel",
    })
}

#[derive(Template)]
#[template(path = "identity/reset.html")]
struct ResetPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    token: &'a str,
    password: Input,
    password_confirm: Input,
}

/// Choose a new password (`POST /password/reset`: `csrf`, `token`, `password`,
/// `password_confirm`).
pub fn render_reset(shell: &Shell, form: &ResetForm) -> String {
    let lang = shell.lang;
    let e = &form.errors;
    render(&ResetPage {
        shell,
        page_title: page_title(shell, t(lang, "reset.title"), !e.is_empty()),
        errors: e.clone(),
        token: &form.token,
        password: Input::new(lang, e, "password", "field.password_reset", "password")
            .autocomplete("new-password")
            .hint(i18n::password_rule(lang, form.min_password_len)),
        password_confirm: Input::new(
            lang,
            e,
            "password_confirm",
            "field.password_confirm",
            "password",
        )
        .autocomplete("new-password"),
    })
}

/// The reset link was invalid, expired or already used: say so and offer a new one.
pub fn render_reset_link_problem(shell: &Shell, problem: &AuthMessage) -> String {
    let lang = shell.lang;
    let heading = t(lang, "reset.problem.title");
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs: vec![auth_message(lang, problem)],
        status_line: String::new(),
        link_href: "/password/forgot",
        link_text: t(lang, "reset.request-new").to_owned(),
        css: "panel",
    })
}

// ---------------------------------------------------------------------------------------------
// Privacy

/// One row of "who can see my record", ready to show.
#[derive(Clone, Debug)]
pub struct AccessRowView {
    pub grant_id: String,
    pub name: String,
    pub relationship: String,
    pub access: &'static str,
    pub since_iso: String,
    pub since: String,
    pub expires_iso: String,
    pub expires: String,
    pub revoke: String,
}

/// A person I can act for, ready to show.
#[derive(Clone, Debug)]
pub struct PersonView {
    pub name: String,
    pub relationship: String,
}

#[derive(Template)]
#[template(path = "identity/sharing.html")]
struct SharingPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    rows: Vec<AccessRowView>,
    act_for: Vec<PersonView>,
    invite_email: Input,
    full_name: Input,
    invite: &'a InviteForm,
    authorize_error: Option<String>,
    /// Someone else's record (a young child's): its heading, no invite, no revoke.
    heading: String,
    others: bool,
}

/// "Who can see my record" (`POST /privacy/sharing/revoke`: `csrf`, `grant_id`;
/// `POST /privacy/sharing/invite`: `csrf`, `email`, `full_name`, `authorize=yes`).
pub fn render_sharing(shell: &Shell, view: &SharingView) -> String {
    let lang = shell.lang;
    let e = &view.invite.errors;
    let rows = view
        .access
        .iter()
        .map(|r| AccessRowView {
            grant_id: r.grant_id.clone(),
            name: r.name.clone(),
            relationship: i18n::relationship_label(lang, &r.relationship),
            access: t(lang, r.access.key()),
            since_iso: r.since.clone(),
            since: fmt_date(lang, &r.since),
            expires_iso: r.expires.clone().unwrap_or_default(),
            expires: r
                .expires
                .as_deref()
                .map(|d| fmt_date(lang, d))
                .unwrap_or_else(|| t(lang, "sharing.no-end").to_owned()),
            revoke: tf(lang, "sharing.revoke", &[("name", &r.name)]),
        })
        .collect();
    let act_for = shell
        .user
        .iter()
        .flat_map(|u| u.people.iter())
        .filter(|p| p.relationship != "self")
        .map(|p| PersonView {
            name: p.name.clone(),
            relationship: i18n::relationship_label(lang, &p.relationship),
        })
        .collect();
    let heading = match &view.subject {
        Some(name) => tf(lang, "sharing.title-of", &[("name", name)]),
        None => t(lang, "sharing.title").to_owned(),
    };
    render(&SharingPage {
        shell,
        page_title: page_title(shell, &heading, !e.is_empty()),
        heading,
        others: view.subject.is_some(),
        errors: e.clone(),
        rows,
        act_for,
        invite_email: Input::new(lang, e, "email", "field.invite_email", "email")
            .value(&view.invite.email)
            .autocomplete("off")
            .no_spellcheck(),
        full_name: Input::new(lang, e, "full_name", "field.full_name", "text")
            .value(&view.invite.full_name)
            .autocomplete("off"),
        invite: &view.invite,
        authorize_error: e
            .iter()
            .find(|x| x.field == "authorize")
            .map(|x| x.message.clone()),
    })
}

/// One access-log line, ready to show.
#[derive(Clone, Debug)]
pub struct LogRowView {
    pub when_iso: String,
    pub when: String,
    pub who_kind: &'static str,
    pub who: String,
    pub what: String,
    pub why: String,
    pub from_where: String,
}

#[derive(Template)]
#[template(path = "identity/access_log.html")]
struct AccessLogPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    rows: Vec<LogRowView>,
    from: Input,
    to: Input,
    page_label: String,
    newer_href: Option<String>,
    older_href: Option<String>,
}

/// Percent-encode a query value (dates and page numbers; anything else is encoded).
pub(crate) fn query_value(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn log_href(page: u32, from: &str, to: &str) -> String {
    let mut href = format!("/privacy/access-log?page={page}");
    if !from.is_empty() {
        href.push_str(&format!("&from={}", query_value(from)));
    }
    if !to.is_empty() {
        href.push_str(&format!("&to={}", query_value(to)));
    }
    href
}

/// "Who looked at my record" (`GET /privacy/access-log?page=&from=&to=`).
/// A key's text, or `fallback`'s when the code has none: internal names never reach a page.
fn words_or(lang: Lang, prefix: &str, code: &str, fallback: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    i18n::t_opt(lang, &format!("{prefix}.{code}"))
        .unwrap_or_else(|| t(lang, fallback))
        .to_owned()
}

/// "Viewed coverage details and personal details; changed personal details" — one visit's
/// actions in words, the record types of each action together.
fn log_what(lang: Lang, items: &[(String, String)], refused: bool) -> String {
    let mut by_action: Vec<(String, Vec<String>)> = Vec::new();
    for (action, rt) in items {
        let a = words_or(lang, "action", action, "action.other");
        let r = if rt.is_empty() {
            String::new()
        } else {
            words_or(lang, "rt", rt, "rt.other")
        };
        match by_action.iter_mut().find(|(x, _)| *x == a) {
            Some((_, types)) => {
                if !r.is_empty() && !types.contains(&r) {
                    types.push(r);
                }
            }
            None => by_action.push((a, if r.is_empty() { vec![] } else { vec![r] })),
        }
    }
    let and = t(lang, "log.and");
    let parts: Vec<String> = by_action
        .into_iter()
        .map(|(a, types)| match types.len() {
            0 => a,
            1 => format!("{a}: {}", types[0]),
            n => format!("{a}: {} {and} {}", types[..n - 1].join(", "), types[n - 1]),
        })
        .collect();
    let what = parts.join("; ");
    if refused {
        format!("{what} ({})", t(lang, "log.refused"))
    } else {
        what
    }
}

pub fn render_access_log(shell: &Shell, view: &AccessLogView) -> String {
    let lang = shell.lang;
    let e = &view.errors;
    let rows = view
        .entries
        .iter()
        .map(|x| LogRowView {
            when_iso: x.when.clone(),
            when: fmt_date(lang, &x.when),
            who_kind: t(lang, x.who_kind.key()),
            who: x.who.clone(),
            what: log_what(lang, &x.items, x.refused),
            why: words_or(lang, "purpose", &x.purpose, "purpose.other"),
            from_where: x.from_where.clone(),
        })
        .collect();
    let page = view.page.max(1);
    render(&AccessLogPage {
        shell,
        page_title: page_title(shell, t(lang, "log.title"), !e.is_empty()),
        errors: e.clone(),
        rows,
        from: Input::new(lang, e, "from", "field.from", "date")
            .value(&view.from)
            .css("input-medium"),
        to: Input::new(lang, e, "to", "field.to", "date")
            .value(&view.to)
            .css("input-medium"),
        page_label: tf(lang, "log.page", &[("n", &page.to_string())]),
        newer_href: (view.has_newer && page > 1).then(|| log_href(page - 1, &view.from, &view.to)),
        older_href: view
            .has_older
            .then(|| log_href(page + 1, &view.from, &view.to)),
    })
}

/// Plain-language lines for SMART scopes, without repeats.
pub fn scope_texts<'s>(lang: Lang, scopes: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scopes {
        let line = scope_text(lang, s);
        if !s.is_empty() && !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// One SMART scope in plain words ("See your test results and vital signs").
pub fn scope_text(lang: Lang, scope: &str) -> String {
    let scope = scope.trim();
    if let Some(s) = i18n::t_opt(lang, &format!("scope.{scope}")) {
        return s.to_owned();
    }
    if scope == "launch" {
        return t(lang, "scope.launch/patient").to_owned();
    }
    let parsed = scope
        .split_once('/')
        .filter(|(ctx, _)| matches!(*ctx, "patient" | "user"))
        .and_then(|(_, rest)| rest.split('?').next())
        .and_then(|rest| rest.rsplit_once('.'));
    let Some((rtype, perm)) = parsed else {
        return tf(lang, "scope.other", &[("scope", scope)]);
    };
    let (read, write) = match perm {
        "read" => (true, false),
        "write" => (false, true),
        "*" => (true, true),
        p if !p.is_empty() && p.chars().all(|c| "cruds".contains(c)) => {
            (p.contains(['r', 's']), p.contains(['c', 'u', 'd']))
        }
        _ => return tf(lang, "scope.other", &[("scope", scope)]),
    };
    let mode = match (read, write) {
        (true, true) => "readwrite",
        (false, true) => "write",
        _ => "read",
    };
    if rtype == "*" {
        return t(lang, &format!("scope.all.{mode}")).to_owned();
    }
    match i18n::t_opt(lang, &format!("rt.{rtype}")) {
        Some(what) => tf(lang, &format!("scope.{mode}"), &[("what", what)]),
        None => tf(lang, "scope.other", &[("scope", scope)]),
    }
}

/// An app row, ready to show.
#[derive(Clone, Debug)]
pub struct AppView {
    pub grant_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub granted_iso: String,
    pub granted: String,
    pub disconnect: String,
}

#[derive(Template)]
#[template(path = "identity/apps.html")]
struct AppsPage<'a> {
    shell: &'a Shell,
    page_title: String,
    apps: Vec<AppView>,
}

/// "Connected apps" (`POST /privacy/apps/disconnect`: `csrf`, `grant_id`).
pub fn render_apps(shell: &Shell, view: &AppsView) -> String {
    let lang = shell.lang;
    let apps = view
        .apps
        .iter()
        .map(|a| AppView {
            grant_id: a.grant_id.clone(),
            name: a.name.clone(),
            scopes: scope_texts(lang, a.scopes.iter().map(String::as_str)),
            granted_iso: a.granted_on.clone(),
            granted: tf(
                lang,
                "apps.granted",
                &[("date", &fmt_date(lang, &a.granted_on))],
            ),
            disconnect: tf(lang, "apps.disconnect", &[("name", &a.name)]),
        })
        .collect();
    render(&AppsPage {
        shell,
        page_title: page_title(shell, t(lang, "apps.title"), false),
        apps,
    })
}

/// The host an app sends the member back to (`https://app.example:8443/cb` → `app.example:8443`).
pub fn redirect_host(uri: &str) -> &str {
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit('@').next().unwrap_or(authority)
}

/// A person the app could get, with a radio id.
#[derive(Clone, Debug)]
pub struct PersonRadio {
    pub id: String,
    pub patient_id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "identity/consent.html")]
struct ConsentPage<'a> {
    shell: &'a Shell,
    page_title: String,
    heading: String,
    redirect_note: String,
    scopes: Vec<String>,
    radios: Vec<PersonRadio>,
    single_patient: Option<&'a str>,
    v: &'a ConsentView,
}

/// SMART app consent (`POST /oauth2/authorize`: `csrf`, `client_id`, `scope`, `state`,
/// `redirect_uri`, `code_challenge`, `code_challenge_method`, `patient`, `decision=allow|deny`).
pub fn render_consent(shell: &Shell, view: &ConsentView) -> String {
    let lang = shell.lang;
    let heading = tf(lang, "consent.title", &[("app", &view.app_name)]);
    let acting = shell
        .user
        .as_ref()
        .map(|u| u.acting_for.patient_id.as_str());
    let radios: Vec<PersonRadio> = view
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| PersonRadio {
            id: format!("patient-{}", i + 1),
            patient_id: p.patient_id.clone(),
            label: shell.person_label(p),
            checked: Some(p.patient_id.as_str()) == acting || (acting.is_none() && i == 0),
        })
        .collect();
    let single_patient = match view.people.as_slice() {
        [only] => Some(only.patient_id.as_str()),
        _ => None,
    };
    render(&ConsentPage {
        shell,
        page_title: page_title(shell, &heading, false),
        redirect_note: tf(
            lang,
            "consent.redirect",
            &[("host", redirect_host(&view.redirect_uri))],
        ),
        heading,
        scopes: scope_texts(lang, view.scope.split_whitespace()),
        radios: if single_patient.is_some() {
            Vec::new()
        } else {
            radios
        },
        single_patient,
        v: view,
    })
}

// ---------------------------------------------------------------------------------------------
// Account security

#[derive(Template)]
#[template(path = "identity/security.html")]
struct SecurityPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: Vec<FieldError>,
    v: &'a SecurityView,
    secret_groups: String,
    /// The secret itself, carried back in a hidden field so the confirmation can check it.
    secret: String,
    otpauth_uri: String,
    code: Input,
    disable_password: Input,
    current_password: Input,
    password: Input,
    password_confirm: Input,
}

/// The secret in groups of four (`JBSW Y3DP EHPK 3PXP`), easier to type.
pub fn group_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Sign-in and security": two-step status and setup (`POST /account/two-step/setup`: `csrf`
/// and, once the secret is shown, `code`), turning it off (`POST /account/two-step/disable`),
/// recovery codes (shown once), change password (`POST /account/password`:
/// `current_password`, `password`, `password_confirm`), `POST /sign-out-everywhere`.
pub fn render_security(shell: &Shell, view: &SecurityView) -> String {
    let lang = shell.lang;
    let e = &view.errors;
    render(&SecurityPage {
        shell,
        page_title: page_title(shell, t(lang, "security.title"), !e.is_empty()),
        errors: e.clone(),
        secret_groups: view
            .setup
            .as_ref()
            .map(|s| group_secret(&s.secret))
            .unwrap_or_default(),
        secret: view
            .setup
            .as_ref()
            .map(|s| s.secret.clone())
            .unwrap_or_default(),
        otpauth_uri: view
            .setup
            .as_ref()
            .map(|s| s.otpauth_uri.clone())
            .unwrap_or_default(),
        code: Input::new(lang, e, "code", "field.code", "text")
            .autocomplete("one-time-code")
            .inputmode("numeric")
            .css("input-short")
            .no_spellcheck()
            .hint(t(lang, "twostep.setup.code-hint")),
        disable_password: Input::new(
            lang,
            e,
            "disable_password",
            "field.current_password",
            "password",
        )
        .autocomplete("current-password"),
        current_password: Input::new(
            lang,
            e,
            "current_password",
            "field.current_password",
            "password",
        )
        .autocomplete("current-password"),
        password: Input::new(lang, e, "password", "field.password_reset", "password")
            .autocomplete("new-password")
            .hint(i18n::password_rule(lang, view.min_password_len)),
        password_confirm: Input::new(
            lang,
            e,
            "password_confirm",
            "field.password_confirm",
            "password",
        )
        .autocomplete("new-password"),
        v: view,
    })
}

/// The answer to an email-verification link (`GET /verify-email?token=`): confirmed, or why
/// the link does not work (and how to get one that does).
pub fn render_verify_email(shell: &Shell, confirmed: bool) -> String {
    let lang = shell.lang;
    let heading = t(
        lang,
        if confirmed {
            "verify.done.title"
        } else {
            "reset.problem.title"
        },
    );
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs: vec![
            t(
                lang,
                if confirmed {
                    "verify.done.body"
                } else {
                    "verify.problem.body"
                },
            )
            .to_owned(),
        ],
        status_line: String::new(),
        link_href: if confirmed { "/" } else { "/password/forgot" },
        link_text: t(
            lang,
            if confirmed {
                "error.home"
            } else {
                "reset.request-new"
            },
        )
        .to_owned(),
        css: "panel",
    })
}
