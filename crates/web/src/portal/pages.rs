//! Full HTML pages. Each `render_*` takes the [`Shell`] and the page's view and returns a whole
//! document; askama escapes every value, so member-supplied text is never HTML.

use askama::Template;

use super::i18n::{self, AuthMessage, Lang, auth_message, t, tf};
use super::views::{FieldError, Section, Shell};

/// Longest password accepted (AUT-02: at least 64).
pub const MAX_PASSWORD_LEN: usize = 128;

/// One text-like input with its label, hint and error, ready for the `field` macro.
#[derive(Clone, Debug)]
pub struct Input {
    /// Both `id` and `name`.
    pub id: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub css: &'static str,
    pub no_spellcheck: bool,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub error_prefix: &'static str,
}

impl Input {
    pub(crate) fn new(
        lang: Lang,
        errors: &[FieldError],
        id: &'static str,
        label_key: &str,
        kind: &'static str,
    ) -> Input {
        Input {
            id,
            label: t(lang, label_key).to_owned(),
            kind,
            value: String::new(),
            autocomplete: "",
            inputmode: "",
            css: "",
            no_spellcheck: false,
            hint: None,
            error: errors
                .iter()
                .find(|e| e.field == id)
                .map(|e| e.message.clone()),
            error_prefix: t(lang, "errors.field-prefix"),
        }
    }

    pub(crate) fn value(mut self, v: &str) -> Input {
        self.value = v.to_owned();
        self
    }

    pub(crate) fn autocomplete(mut self, a: &'static str) -> Input {
        self.autocomplete = a;
        self
    }

    pub(crate) fn inputmode(mut self, m: &'static str) -> Input {
        self.inputmode = m;
        self
    }

    pub(crate) fn css(mut self, c: &'static str) -> Input {
        self.css = c;
        self
    }

    pub(crate) fn no_spellcheck(mut self) -> Input {
        self.no_spellcheck = true;
        self
    }

    pub(crate) fn hint(mut self, h: impl Into<String>) -> Input {
        self.hint = Some(h.into());
        self
    }

    /// Ids of the hint and error text, for `aria-describedby`.
    pub fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// Browser-tab title: "Error: " when the form failed, then the page, then the brand.
pub(crate) fn page_title(shell: &Shell, heading: &str, failed: bool) -> String {
    let name = if shell.title.is_empty() {
        heading
    } else {
        shell.title.as_str()
    };
    let prefix = if failed {
        format!("{} ", shell.t("errors.title-prefix"))
    } else {
        String::new()
    };
    format!("{prefix}{name} – Wellspring")
}

/// Form-level problem first, then the field errors: what the error summary lists.
pub(crate) fn summary(
    lang: Lang,
    problem: Option<&AuthMessage>,
    errors: &[FieldError],
) -> Vec<FieldError> {
    problem
        .map(|p| FieldError::new("", auth_message(lang, p)))
        .into_iter()
        .chain(errors.iter().cloned())
        .collect()
}

pub(crate) fn render(page: &impl Template) -> String {
    match page.render() {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "portal page failed to render");
            FALLBACK_PAGE.to_owned()
        }
    }
}

const FALLBACK_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Something went wrong – Wellspring</title></head><body><main><h1>Something went wrong</h1>\
<p>Please try again in a few minutes. <span lang=\"es\">Inténtelo de nuevo en unos minutos.</span></p>\
<p><a href=\"/\">Wellspring</a></p></main></body></html>";

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage<'a> {
    pub(crate) shell: &'a Shell,
    pub(crate) page_title: String,
    pub(crate) heading: String,
    pub(crate) paragraphs: Vec<String>,
    pub(crate) status_line: String,
    pub(crate) link_href: &'static str,
    pub(crate) link_text: String,
    /// Error pages use `role="alert"`-free plain text; this only styles the box.
    pub(crate) css: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Home and sections

/// A card on the home page.
#[derive(Clone, Debug)]
pub struct Card {
    pub href: &'static str,
    pub title: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    shell: &'a Shell,
    page_title: String,
    greeting: String,
    cards: Vec<Card>,
}

/// "My Health": greeting and a card for each part of the portal.
pub fn render_home(shell: &Shell) -> String {
    let lang = shell.lang;
    let name = shell
        .user
        .as_ref()
        .map(|u| u.display_name.as_str())
        .unwrap_or("");
    let greeting = if name.is_empty() {
        t(lang, "section.my-health").to_owned()
    } else {
        tf(lang, "home.greeting", &[("name", name)])
    };
    let mut cards: Vec<Card> = Section::PLACEHOLDERS
        .iter()
        .filter(|s| shell.offers(s.href()))
        .map(|s| Card {
            href: s.href(),
            title: t(lang, s.label_key()),
            text: t(lang, &s.card_key()).to_owned(),
        })
        .collect();
    for (href, s) in [
        ("/privacy/sharing", Section::Privacy),
        ("/account/security", Section::Account),
    ] {
        if !shell.offers(href) {
            continue;
        }
        cards.push(Card {
            href,
            title: t(lang, s.label_key()),
            text: t(lang, &s.card_key()).to_owned(),
        });
    }
    render(&HomePage {
        shell,
        page_title: page_title(shell, t(lang, "section.my-health"), false),
        greeting,
        cards,
    })
}

#[derive(Template)]
#[template(path = "section.html")]
struct SectionPage<'a> {
    shell: &'a Shell,
    page_title: String,
    heading: &'static str,
    about: String,
    coming: Vec<String>,
    emergency: bool,
    meanwhile: String,
    nurse: String,
}

/// Texts of the "coming soon" list of a section (`soon.<slug>.1`, `.2`, …).
pub fn coming_soon_keys(section: Section) -> Vec<String> {
    (1..=9)
        .map(|n| format!("soon.{}.{n}", section.slug()))
        .take_while(|k| i18n::t_opt(Lang::En, k).is_some())
        .collect()
}

/// A part of the portal that later work fills: what it is for and what is coming. Get Care
/// always says to call 911 in an emergency (SEED-11).
/// A section still to come. `member_services` and `advice_nurse` are the numbers the page asks
/// the member to call meanwhile.
pub fn render_section(
    shell: &Shell,
    section: Section,
    member_services: &str,
    advice_nurse: &str,
) -> String {
    let lang = shell.lang;
    let heading = t(lang, section.label_key());
    render(&SectionPage {
        shell,
        page_title: page_title(shell, heading, false),
        heading,
        about: t(lang, &format!("soon.{}.about", section.slug())).to_owned(),
        coming: coming_soon_keys(section)
            .iter()
            .map(|k| t(lang, k).to_owned())
            .collect(),
        emergency: section == Section::GetCare,
        meanwhile: tf(lang, "soon.meanwhile", &[("phone", member_services)]),
        nurse: tf(lang, "soon.nurse", &[("phone", advice_nurse)]),
    })
}

// ---------------------------------------------------------------------------------------------
// Errors
/// A generic error page. `message` is shown as given (already in the member's language); empty:
/// a general "please try again". Never put internal detail in it.
pub fn render_error(shell: &Shell, status: u16, message: &str) -> String {
    let lang = shell.lang;
    let heading = t(lang, "error.title");
    let mut paragraphs = Vec::new();
    if !message.is_empty() {
        paragraphs.push(message.to_owned());
    }
    paragraphs.push(t(lang, "error.try-again").to_owned());
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs,
        status_line: tf(lang, "error.status", &[("status", &status.to_string())]),
        link_href: "/",
        link_text: t(lang, "error.home").to_owned(),
        css: "panel",
    })
}

/// A page the person chosen in the switcher cannot have (a parent acting for a teen, say):
/// why, in words, and the way back to their own record — never a bare error code.
pub fn render_not_for_person(shell: &Shell, key: &str, phone: &str) -> String {
    let lang = shell.lang;
    let heading = t(lang, "notfor.title");
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs: vec![tf(lang, key, &[("phone", phone)])],
        status_line: String::new(),
        link_href: "/",
        link_text: t(lang, "error.home").to_owned(),
        css: "panel",
    })
}

/// Page not found (404).
pub fn render_not_found(shell: &Shell) -> String {
    let lang = shell.lang;
    let heading = t(lang, "notfound.title");
    render(&MessagePage {
        shell,
        page_title: page_title(shell, heading, false),
        heading: heading.to_owned(),
        paragraphs: vec![t(lang, "notfound.body").to_owned()],
        status_line: String::new(),
        link_href: "/",
        link_text: t(lang, "error.home").to_owned(),
        css: "panel",
    })
}

#[cfg(test)]
mod tests {
    //! Every page of the portal (the shell's and each capability's), rendered with hostile
    //! member text, in both languages.
    use super::*;
    use crate::identity::render::*;
    use crate::portal::i18n::AuthMessage;
    use crate::portal::views::*;

    const EVIL: &str = "<script>alert(1)</script>";

    fn person(id: &str, name: &str, rel: &str) -> PersonChoice {
        PersonChoice {
            patient_id: id.into(),
            name: name.into(),
            relationship: rel.into(),
        }
    }

    fn signed_in(lang: Lang, current: Section) -> Shell {
        let me = person("p-1", &format!("Ana {EVIL}"), "self");
        Shell {
            lang,
            title: String::new(),
            csrf: "tok\"en<1>".into(),
            user: Some(UserBar {
                display_name: format!("Ana {EVIL}"),
                acting_for: me.clone(),
                people: vec![me, person("p-2", &format!("Leo {EVIL}"), "child")],
                session_expires_in_secs: 1800,
                hidden: Vec::new(),
            }),
            flash: Some(Flash {
                kind: FlashKind::Success,
                text: format!("Saved {EVIL}"),
            }),
            current,
            path: format!("/privacy/sharing?x={EVIL}"),
        }
    }

    fn signed_out(lang: Lang) -> Shell {
        Shell::signed_out(lang, "csrf-token", "/sign-in")
    }

    fn errs(fields: &[&'static str]) -> Vec<FieldError> {
        fields
            .iter()
            .map(|f| FieldError::new(f, format!("Problem with {f} {EVIL}")))
            .collect()
    }

    /// Every page, rendered in `lang`, with member-supplied text containing markup and, where the
    /// page has a form, errors on its fields.
    fn all_pages(lang: Lang) -> Vec<(&'static str, String)> {
        let out = signed_out(lang);
        let sharing = SharingView {
            access: vec![
                AccessRow {
                    grant_id: format!("g-1{EVIL}"),
                    name: format!("Rosa {EVIL}"),
                    relationship: "caregiver".into(),
                    access: AccessLevel::FullExceptSensitive,
                    since: "2024-05-01".into(),
                    expires: Some("2025-11-01".into()),
                },
                AccessRow {
                    grant_id: "g-2".into(),
                    name: "Mateo".into(),
                    relationship: EVIL.into(),
                    access: AccessLevel::Full,
                    since: "2023-01-09".into(),
                    expires: None,
                },
            ],
            invite: InviteForm {
                email: format!("x@example.org{EVIL}"),
                full_name: format!("Rosa {EVIL}"),
                authorize: false,
                errors: errs(&["email", "full_name", "authorize"]),
            },
            subject: None,
        };
        let log = AccessLogView {
            entries: vec![
                AccessLogEntry {
                    when: "2025-03-04T14:05".into(),
                    who_kind: ActorKind::Staff,
                    who: format!("Dr. Kim {EVIL}"),
                    items: vec![
                        ("read".into(), "Observation".into()),
                        ("read".into(), "DiagnosticReport".into()),
                    ],
                    purpose: "treatment".into(),
                    from_where: format!("Oakland {EVIL}"),
                    refused: false,
                },
                AccessLogEntry {
                    when: "2025-03-03T09:00".into(),
                    who_kind: ActorKind::App,
                    who: "Health Diary".into(),
                    items: vec![(EVIL.into(), EVIL.into())],
                    purpose: EVIL.into(),
                    from_where: "app".into(),
                    refused: true,
                },
            ],
            page: 2,
            has_newer: true,
            has_older: true,
            from: format!("2025-01-01{EVIL}"),
            to: String::new(),
            errors: errs(&["from"]),
        };
        let apps = AppsView {
            apps: vec![ConnectedApp {
                grant_id: "g-9".into(),
                name: format!("Health Diary {EVIL}"),
                scopes: vec![
                    "launch/patient".into(),
                    "patient/Observation.rs".into(),
                    EVIL.into(),
                ],
                granted_on: "2025-02-01".into(),
            }],
        };
        let signed = signed_in(lang, Section::Privacy);
        let consent = ConsentView {
            app_name: format!("Health Diary {EVIL}"),
            client_id: format!("c1{EVIL}"),
            scope: format!("openid patient/*.read {EVIL}"),
            state: format!("st{EVIL}"),
            redirect_uri: format!("https://diary.example/cb?{EVIL}"),
            code_challenge: "abc".into(),
            code_challenge_method: "S256".into(),
            people: signed
                .user
                .as_ref()
                .map(|u| u.people.clone())
                .unwrap_or_default(),
        };
        let security = SecurityView {
            two_step_on: false,
            setup: Some(TwoStepSetup {
                secret: "JBSWY3DPEHPK3PXP".into(),
                otpauth_uri: format!("otpauth://totp/Wellspring:ana?secret=JBSW&x={EVIL}"),
            }),
            recovery_codes: Some(vec![EVIL.into(), "abcd-efgh".into()]),
            errors: errs(&["code", "current_password", "password", "password_confirm"]),
            min_password_len: 15,
        };
        vec![
            (
                "sign-in",
                render_sign_in(
                    &out,
                    &SignInForm {
                        email: format!("a@b.c{EVIL}"),
                        next: format!("/record{EVIL}"),
                        problem: Some(AuthMessage::Locked { minutes: 15 }),
                        errors: errs(&["email", "password"]),
                    },
                ),
            ),
            (
                "two-step",
                render_two_step(
                    &out,
                    &TwoStepForm {
                        next: EVIL.into(),
                        problem: Some(AuthMessage::TwoStepWrong),
                        errors: vec![],
                    },
                ),
            ),
            (
                "register",
                render_register(
                    &out,
                    &RegisterForm {
                        mrn: EVIL.into(),
                        birth_date: EVIL.into(),
                        given: EVIL.into(),
                        family: EVIL.into(),
                        email: EVIL.into(),
                        mobile: EVIL.into(),
                        problem: Some(AuthMessage::RegistrationRefused),
                        errors: errs(&[
                            "mrn",
                            "birth_date",
                            "given",
                            "family",
                            "email",
                            "mobile",
                            "password",
                            "password_confirm",
                        ]),
                        min_password_len: 15,
                    },
                ),
            ),
            (
                "forgot",
                render_forgot(
                    &out,
                    &ForgotForm {
                        email: EVIL.into(),
                        problem: None,
                        errors: errs(&["email"]),
                    },
                ),
            ),
            ("forgot-sent", render_forgot_sent(&out)),
            (
                "reset",
                render_reset(
                    &out,
                    &ResetForm {
                        token: EVIL.into(),
                        errors: errs(&["password", "password_confirm"]),
                        min_password_len: 8,
                    },
                ),
            ),
            (
                "reset-problem",
                render_reset_link_problem(&out, &AuthMessage::ResetLinkExpired),
            ),
            ("home", render_home(&signed_in(lang, Section::MyHealth))),
            (
                "section",
                render_section(
                    &signed_in(lang, Section::GetCare),
                    Section::GetCare,
                    "1-800-555-0100",
                    "1-800-555-0111",
                ),
            ),
            ("sharing", render_sharing(&signed, &sharing)),
            ("access-log", render_access_log(&signed, &log)),
            ("apps", render_apps(&signed, &apps)),
            ("consent", render_consent(&signed, &consent)),
            (
                "security",
                render_security(&signed_in(lang, Section::Account), &security),
            ),
            (
                "error",
                render_error(&signed_in(lang, Section::None), 503, EVIL),
            ),
            ("not-found", render_not_found(&out)),
        ]
    }

    /// The opening tags named `name` (`<input …>`), as written.
    fn tags<'h>(html: &'h str, name: &str) -> Vec<&'h str> {
        let open = format!("<{name}");
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i..];
            let next = after.as_bytes().get(open.len()).copied().unwrap_or(b'>');
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            if next.is_ascii_whitespace() || next == b'>' {
                out.push(&after[..end]);
            }
            rest = &after[end.min(after.len())..];
        }
        out
    }

    fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
        let needle = format!("{name}=\"");
        let mut from = 0;
        while let Some(i) = tag[from..].find(&needle) {
            let at = from + i;
            let before = tag[..at].chars().last();
            if before.is_some_and(char::is_whitespace) {
                let v = &tag[at + needle.len()..];
                return v.find('"').map(|e| &v[..e]);
            }
            from = at + needle.len();
        }
        None
    }

    #[test]
    fn pages_carry_the_language_and_their_texts_in_both_languages() {
        for lang in [Lang::En, Lang::Es] {
            let want_lang = format!("<html lang=\"{}\">", lang.code());
            for (name, html) in all_pages(lang) {
                assert!(html.starts_with("<!doctype html>"), "{name}");
                assert!(html.contains(&want_lang), "{name} {lang:?}");
                assert!(html.contains("<main id=\"main\""), "{name}");
                assert!(html.contains("href=\"#main\""), "{name}: skip link");
                assert!(
                    html.contains("<header") && html.contains("<footer"),
                    "{name}"
                );
                assert_eq!(tags(&html, "h1").len(), 1, "{name}: one h1");
                assert!(!html.contains("Wellspring</title>") || html.contains("<title>"));
                let footer = t(lang, "footer.emergency");
                assert!(html.contains(&escaped(footer)), "{name}: {footer}");
            }
        }
        let en = all_pages(Lang::En);
        let es = all_pages(Lang::Es);
        let expect: &[(&str, &str, &str)] = &[
            ("sign-in", "Forgot password?", "¿Olvidó su contraseña?"),
            (
                "sign-in",
                "Try again in 15 minutes",
                "Inténtelo de nuevo en 15 minutos",
            ),
            ("two-step", "recovery code", "código de recuperación"),
            (
                "register",
                "As printed on your member ID card",
                "Tal como aparece en su tarjeta",
            ),
            (
                "register",
                "We could not match those details",
                "No pudimos encontrar",
            ),
            (
                "register",
                "Use at least 15 characters",
                "Use al menos 15 caracteres",
            ),
            (
                "forgot",
                "Email address or mobile number",
                "Correo electrónico o número celular",
            ),
            (
                "forgot-sent",
                "Check your email or phone",
                "Revise su correo o su teléfono",
            ),
            (
                "reset",
                "Use at least 8 characters",
                "Use al menos 8 caracteres",
            ),
            (
                "reset-problem",
                "This link has expired",
                "Este enlace ya venció",
            ),
            ("home", "Hello, Ana", "Hola, Ana"),
            ("section", "call 911", "llame al 911"),
            ("section", "Coming soon", "Próximamente"),
            (
                "sharing",
                "Full record, except sensitive care",
                "Todo el expediente, excepto",
            ),
            (
                "sharing",
                "I authorize this person",
                "Autorizo a esta persona",
            ),
            ("sharing", "Nov 1, 2025", "1 nov 2025"),
            ("sharing", "No end date", "Sin fecha de fin"),
            ("access-log", "See your test results", "Quién consultó"),
            (
                "access-log",
                "Viewed: test results and vital signs",
                "Consultó: resultados",
            ),
            ("access-log", "Older entries", "Registros anteriores"),
            (
                "apps",
                "See your test results and vital signs",
                "Ver sus resultados de pruebas",
            ),
            (
                "consent",
                "This app is not run by Wellspring",
                "Esta aplicación no es de Wellspring",
            ),
            (
                "consent",
                "See your whole health record",
                "Ver todo su expediente médico",
            ),
            ("consent", "diary.example", "diary.example"),
            ("security", "JBSW Y3DP EHPK 3PXP", "JBSW Y3DP EHPK 3PXP"),
            (
                "security",
                "We will not show them again",
                "No los volveremos a mostrar",
            ),
            (
                "security",
                "Sign out everywhere",
                "Cerrar sesión en todas partes",
            ),
            ("error", "Error code: 503", "Código de error: 503"),
            ("not-found", "Page not found", "No encontramos la página"),
        ];
        let find = |pages: &[(&str, String)], name: &str| {
            pages
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, h)| h.clone())
                .unwrap_or_default()
        };
        for (page, en_text, es_text) in expect {
            if *page != "access-log" || !en_text.starts_with("See") {
                assert!(
                    find(&en, page).contains(&escaped(en_text)),
                    "{page}: missing {en_text}"
                );
            }
            assert!(
                find(&es, page).contains(&escaped(es_text)),
                "{page}: missing {es_text}"
            );
        }
    }

    /// How askama writes a plain text into HTML.
    fn escaped(s: &str) -> String {
        s.replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;")
    }

    #[test]
    fn member_text_is_always_escaped() {
        for lang in [Lang::En, Lang::Es] {
            for (name, html) in all_pages(lang) {
                assert!(!html.contains(EVIL), "{name}: raw markup");
                assert!(!html.contains("<script"), "{name}: a script tag");
                assert!(!html.contains("tok\"en<1>"), "{name}: csrf unescaped");
            }
        }
    }

    #[test]
    fn every_control_has_a_label_and_ids_are_unique() {
        for lang in [Lang::En, Lang::Es] {
            for (name, html) in all_pages(lang) {
                let mut ids: Vec<&str> = ["input", "select", "textarea", "p", "div", "h2", "main"]
                    .iter()
                    .flat_map(|t| tags(&html, t))
                    .filter_map(|t| attr(t, "id"))
                    .collect();
                let n = ids.len();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), n, "{name}: duplicate ids");
                for kind in ["input", "select", "textarea"] {
                    for tag in tags(&html, kind) {
                        let ty = attr(tag, "type").unwrap_or("text");
                        if ty == "hidden" || ty == "submit" {
                            continue;
                        }
                        let id = attr(tag, "id").unwrap_or_default();
                        assert!(!id.is_empty(), "{name}: no id on {tag}");
                        assert!(
                            html.contains(&format!("<label for=\"{id}\">")),
                            "{name}: no label for {id}"
                        );
                        if ty != "radio" {
                            assert_eq!(attr(tag, "name"), Some(id), "{name}: id = name");
                        }
                    }
                }
                for b in tags(&html, "button") {
                    assert_eq!(attr(b, "type"), Some("submit"), "{name}: {b}");
                }
            }
        }
    }

    #[test]
    fn errors_are_tied_to_their_fields_and_summarised_with_links() {
        for lang in [Lang::En, Lang::Es] {
            for (name, html) in all_pages(lang) {
                let mut invalid = 0;
                for tag in tags(&html, "input") {
                    if attr(tag, "aria-invalid") != Some("true") {
                        continue;
                    }
                    invalid += 1;
                    let id = attr(tag, "id").unwrap_or_default();
                    let by = attr(tag, "aria-describedby").unwrap_or_default();
                    let err = format!("{id}-error");
                    assert!(
                        by.split(' ').any(|x| x == err),
                        "{name}: {id} not described"
                    );
                    for x in by.split(' ') {
                        assert!(html.contains(&format!("id=\"{x}\"")), "{name}: no #{x}");
                    }
                    assert!(
                        html.contains(&format!("<a href=\"#{id}\">")),
                        "{name}: summary has no link to {id}"
                    );
                }
                let has_summary = html.contains("class=\"error-summary\"");
                assert_eq!(invalid > 0, has_summary, "{name}: summary iff errors");
                if has_summary {
                    assert!(html.contains(&escaped(t(lang, "errors.summary"))), "{name}");
                    let title = tags(&html, "title").len();
                    assert_eq!(title, 1);
                    assert!(html.contains("<title>Error: "), "{name}: title says error");
                }
            }
        }
        // The sign-in outcome is in the summary, unlinked, and never names a field.
        let html = render_sign_in(
            &signed_out(Lang::En),
            &SignInForm {
                problem: Some(AuthMessage::BadCredentials),
                ..SignInForm::default()
            },
        );
        assert!(html.contains("<li>The email address or password is not right."));
        assert!(!html.contains("aria-invalid"));
    }

    #[test]
    fn every_post_form_carries_the_csrf_token() {
        for (name, html) in all_pages(Lang::En) {
            for form in html.split("<form").skip(1) {
                let form = form.split("</form>").next().unwrap_or("");
                if form.trim_start().starts_with("method=\"post\"") {
                    assert!(
                        form.contains("name=\"csrf\" value=\"tok&#34;en&#60;1&#62;\"")
                            || form.contains("name=\"csrf\" value=\"csrf-token\""),
                        "{name}: {form}"
                    );
                }
            }
            for pair in [("<form", "</form>"), ("<ul", "</ul>"), ("<div", "</div>")] {
                let open = tags(&html, &pair.0[1..]).len();
                assert_eq!(open, html.matches(pair.1).count(), "{name}: {pair:?}");
            }
            for pair in [
                ("<section", "</section>"),
                ("<table", "</table>"),
                ("<nav", "</nav>"),
            ] {
                assert_eq!(
                    tags(&html, &pair.0[1..]).len(),
                    html.matches(pair.1).count(),
                    "{name}: {pair:?}"
                );
            }
        }
    }

    #[test]
    fn header_has_person_switcher_menu_and_sign_out() {
        let mut shell = signed_in(Lang::En, Section::MedicalRecord);
        shell.path = "/record".into();
        let html = render_section(
            &shell,
            Section::MedicalRecord,
            "1-800-555-0100",
            "1-800-555-0111",
        );
        assert!(html.contains("action=\"/act-as\""));
        assert!(html.contains("<select id=\"patient\" name=\"patient\">"));
        assert!(html.contains("<option value=\"p-1\" selected>"));
        assert!(html.contains("Acting for:"));
        assert!(html.contains("<details class=\"menu\">"));
        assert!(html.contains("<a href=\"/record\" aria-current=\"page\">Medical Record</a>"));
        assert!(!html.contains("<a href=\"/messages\" aria-current"));
        assert!(html.contains("action=\"/sign-out\""));
        assert!(html.contains("href=\"/privacy/access-log\""));
        assert!(html.contains("href=\"/account/security\""));
        assert!(html.contains("href=\"/record?lang=es\""));
        assert!(html.contains(&escaped(t(Lang::En, "soon.record.1"))));
        // Signed out: no menu, no switcher.
        let html = render_sign_in(&signed_out(Lang::Es), &SignInForm::default());
        assert!(!html.contains("/act-as") && !html.contains("<details"));
        assert!(html.contains("href=\"/sign-in?lang=en\"") && html.contains("English"));
    }

    #[test]
    fn acting_for_someone_else_is_announced_with_a_way_back() {
        let mut shell = signed_in(Lang::Es, Section::MyHealth);
        if let Some(u) = shell.user.as_mut() {
            u.acting_for = person("p-2", "Leo", "child");
        }
        let html = render_home(&shell);
        assert!(html.contains("Está actuando en nombre de Leo."));
        assert!(html.contains("<input type=\"hidden\" name=\"patient\" value=\"p-1\">"));
        assert!(html.contains(&escaped(t(Lang::Es, "actas.back"))));
        let html = render_home(&signed_in(Lang::En, Section::MyHealth));
        assert!(!html.contains("You are acting for"));
    }

    #[test]
    fn session_notice_appears_in_the_last_two_minutes_only() {
        for (secs, shown) in [(1800, false), (121, false), (120, true), (30, true)] {
            let mut shell = signed_in(Lang::En, Section::MyHealth);
            if let Some(u) = shell.user.as_mut() {
                u.session_expires_in_secs = secs;
            }
            let html = render_home(&shell);
            assert_eq!(html.contains("Are you still there?"), shown, "{secs}");
            assert_eq!(html.contains("action=\"/session/extend\""), shown, "{secs}");
            assert!(!html.contains("http-equiv"));
        }
    }

    #[test]
    fn consent_offers_a_choice_of_person_only_when_there_is_one() {
        let shell = signed_in(Lang::En, Section::Privacy);
        let mut view = ConsentView {
            app_name: "Diary".into(),
            redirect_uri: "https://user@diary.example:8443/cb".into(),
            scope: "openid patient/Observation.rs patient/Observation.read".into(),
            people: shell
                .user
                .as_ref()
                .map(|u| u.people.clone())
                .unwrap_or_default(),
            ..ConsentView::default()
        };
        let html = render_consent(&shell, &view);
        assert_eq!(
            tags(&html, "input")
                .iter()
                .filter(|t| t.contains("radio"))
                .count(),
            2
        );
        assert!(html.contains("diary.example:8443"));
        assert_eq!(html.matches("See your test results").count(), 1);
        assert!(html.contains("name=\"decision\" value=\"allow\""));
        assert!(html.contains("name=\"decision\" value=\"deny\""));
        view.people.truncate(1);
        let html = render_consent(&shell, &view);
        assert!(!html.contains("type=\"radio\""));
        assert!(html.contains("<input type=\"hidden\" name=\"patient\" value=\"p-1\">"));
    }

    #[test]
    fn scopes_read_as_plain_words() {
        let cases = [
            (
                "patient/Observation.rs",
                "See your test results and vital signs",
            ),
            (
                "patient/Observation.read",
                "See your test results and vital signs",
            ),
            (
                "user/MedicationRequest.cud",
                "Add or change your prescriptions",
            ),
            (
                "patient/Condition.cruds",
                "See, add and change your health problems",
            ),
            ("patient/*.read", "See your whole health record"),
            (
                "patient/Observation.rs?category=laboratory",
                "See your test results and vital signs",
            ),
            (
                "offline_access",
                "Keep getting updates when you're not using it, until you disconnect it",
            ),
            ("launch/patient", "Know whose record you chose"),
            ("system/Patient.read", "Other access: system/Patient.read"),
            ("patient/Foo.read", "Other access: patient/Foo.read"),
            (
                "patient/Observation.zz",
                "Other access: patient/Observation.zz",
            ),
        ];
        for (scope, want) in cases {
            assert_eq!(scope_text(Lang::En, scope), want, "{scope}");
        }
        assert_eq!(
            scope_text(Lang::Es, "patient/Immunization.rs"),
            "Ver sus vacunas"
        );
    }

    #[test]
    fn small_helpers() {
        assert_eq!(group_secret("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(group_secret("ABCDE"), "ABCD E");
        assert_eq!(redirect_host("https://app.example/cb?x=1"), "app.example");
        assert_eq!(redirect_host("com.example.app:/cb"), "com.example.app:");
        assert_eq!(
            log_href(3, "2025-01-01", ""),
            "/privacy/access-log?page=3&from=2025-01-01"
        );
        assert_eq!(query_value("a b&c"), "a%20b%26c");
    }

    #[test]
    fn every_placeholder_section_reads_as_a_page() {
        for s in Section::PLACEHOLDERS {
            assert!(coming_soon_keys(s).len() >= 3, "{s:?}");
            for lang in [Lang::En, Lang::Es] {
                let html =
                    render_section(&signed_in(lang, s), s, "1-800-555-0100", "1-800-555-0111");
                assert!(html.contains(&escaped(t(lang, "soon.badge"))));
                assert!(html.contains(&escaped(t(lang, &format!("soon.{}.about", s.slug())))));
                assert!(html.contains("911"), "footer or Get Care");
                assert!(
                    html.contains("1-800-555-0100"),
                    "the number to call meanwhile"
                );
                assert!(html.contains("1-800-555-0111"), "the advice nurse");
                assert!(html.contains("id=\"cookies\""), "the cookie notice");
                assert_eq!(
                    html.contains("notice-emergency"),
                    s == Section::GetCare,
                    "{s:?}"
                );
            }
        }
    }

    /// Keys built from enums exist in both languages (literal keys in code and templates are
    /// checked by `i18n::tests::every_literal_key_in_code_exists`).
    #[test]
    fn every_key_built_from_an_enum_exists() {
        let known =
            |k: &str| i18n::t_opt(Lang::En, k).is_some() && i18n::t_opt(Lang::Es, k).is_some();
        for s in Section::MAIN {
            assert!(known(s.label_key()), "{s:?}");
        }
        for s in Section::PLACEHOLDERS
            .iter()
            .chain(&[Section::Privacy, Section::Account])
        {
            assert!(known(s.label_key()) && known(&s.card_key()), "{s:?}");
        }
        for a in [
            AccessLevel::Full,
            AccessLevel::FullExceptSensitive,
            AccessLevel::Limited,
        ] {
            assert!(known(a.key()));
        }
        for a in [
            ActorKind::Me,
            ActorKind::Person,
            ActorKind::Staff,
            ActorKind::App,
            ActorKind::System,
        ] {
            assert!(known(a.key()));
        }
        for m in [
            AuthMessage::BadCredentials,
            AuthMessage::Locked { minutes: 1 },
            AuthMessage::Throttled { minutes: 1 },
            AuthMessage::RegistrationRefused,
            AuthMessage::Under13,
            AuthMessage::ResetSent,
            AuthMessage::ResetLinkInvalid,
            AuthMessage::ResetLinkExpired,
            AuthMessage::ResetLinkUsed,
            AuthMessage::TwoStepWrong,
            AuthMessage::Disabled,
            AuthMessage::AlreadyRegistered,
            AuthMessage::EmailInUse,
        ] {
            for lang in [Lang::En, Lang::Es] {
                let s = auth_message(lang, &m);
                assert!(!s.contains('{') && !s.contains("auth."), "{m:?}");
            }
        }
        for mode in ["read", "write", "readwrite"] {
            assert!(known(&format!("scope.{mode}")) && known(&format!("scope.all.{mode}")));
        }
    }

    #[test]
    fn css_is_self_contained() {
        assert!(crate::portal::PORTAL_CSS.contains(":focus-visible"));
        assert!(!crate::portal::PORTAL_CSS.contains("@import"));
        assert!(!crate::portal::PORTAL_CSS.contains("url("));
    }
}
