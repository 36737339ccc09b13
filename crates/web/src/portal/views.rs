//! Plain data the portal handlers fill and the pages render. No I/O, no rules: what to show.
//!
//! Dates are ISO 8601 strings (`2025-03-04`, or a local date-time `2025-03-04T14:05`); the pages
//! format them for the member's language.

use super::i18n::{self, Lang};

/// What every page shares: language, the signed-in person, the CSRF token, a one-time notice.
#[derive(Clone, Debug)]
pub struct Shell {
    pub lang: Lang,
    /// Extra words for the browser tab; empty: the page's own heading is used.
    pub title: String,
    /// Token for the hidden `csrf` field of every POST form.
    pub csrf: String,
    /// `None` on the signed-out pages (sign-in, registration, password reset).
    pub user: Option<UserBar>,
    pub flash: Option<Flash>,
    /// Which navigation entry is marked as the current page.
    pub current: Section,
    /// Path (and query) of this page, for the language switch link. Only local paths are used.
    pub path: String,
}

impl Shell {
    /// A signed-out shell (sign-in, registration, errors before sign-in).
    pub fn signed_out(lang: Lang, csrf: impl Into<String>, path: impl Into<String>) -> Shell {
        Shell {
            lang,
            title: String::new(),
            csrf: csrf.into(),
            user: None,
            flash: None,
            current: Section::None,
            path: path.into(),
        }
    }

    /// Show a message above the page's content.
    pub fn flash(&mut self, kind: FlashKind, text: impl Into<String>) {
        self.flash = Some(Flash {
            kind,
            text: text.into(),
        });
    }

    /// The text for `key` in this page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// `self.path` with `lang=` set to the other language.
    pub fn lang_switch_href(&self) -> String {
        with_query_param(&self.path, "lang", self.lang.other().code())
    }

    /// The main navigation, in order, with the current entry marked.
    pub fn nav(&self) -> Vec<NavItem> {
        Section::MAIN
            .iter()
            .filter(|s| self.offers(s.href()))
            .map(|s| NavItem::new(self, *s, s.href(), s.label_key()))
            .collect()
    }

    /// Whether the page at `href` is offered for the person acted for.
    pub fn offers(&self, href: &str) -> bool {
        self.user.as_ref().is_none_or(|u| !u.hidden.contains(&href))
    }

    /// The account links (privacy pages and security).
    pub fn account_nav(&self) -> Vec<NavItem> {
        let p = Section::Privacy;
        [
            NavItem::new(self, p, "/privacy/sharing", "nav.sharing"),
            NavItem::new(self, p, "/privacy/access-log", "nav.access-log"),
            NavItem::new(self, p, "/privacy/apps", "nav.apps"),
            NavItem::new(self, Section::Account, "/account/security", "nav.security"),
        ]
        .into_iter()
        .filter(|n| self.offers(n.href))
        .collect()
    }

    /// The person being acted for, when it is not the signed-in member.
    pub fn acting_for_other(&self) -> Option<&PersonChoice> {
        self.user
            .as_ref()
            .map(|u| &u.acting_for)
            .filter(|p| p.relationship != "self")
    }

    /// "You are acting for NAME…", when acting for someone else.
    pub fn acting_banner(&self) -> Option<String> {
        self.acting_for_other()
            .map(|p| i18n::tf(self.lang, "actas.banner", &[("name", &p.name)]))
    }

    /// The signed-in member's own entry among the people, if listed.
    pub fn own_person(&self) -> Option<&PersonChoice> {
        self.user
            .as_ref()
            .and_then(|u| u.people.iter().find(|p| p.relationship == "self"))
    }

    /// Some(text of the remaining time) when the session ends within two minutes.
    pub fn session_warning(&self) -> Option<String> {
        let secs = self.user.as_ref()?.session_expires_in_secs;
        if secs > 120 {
            return None;
        }
        Some(match secs {
            ..60 => self.t("session.under-minute").to_owned(),
            60..=119 => self.t("session.one-minute").to_owned(),
            _ => i18n::tf(self.lang, "session.minutes", &[("n", "2")]),
        })
        .map(|time| i18n::tf(self.lang, "session.body", &[("time", &time)]))
    }

    /// `Name (relationship)` for the person switcher.
    pub fn person_label(&self, p: &PersonChoice) -> String {
        format!(
            "{} ({})",
            p.name,
            i18n::relationship_label(self.lang, &p.relationship)
        )
    }

    pub fn is_acting_for(&self, p: &PersonChoice) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.acting_for.patient_id == p.patient_id)
    }

    pub fn flash_class(&self) -> &'static str {
        match self.flash.as_ref().map(|f| f.kind) {
            Some(FlashKind::Success) => "flash flash-success",
            Some(FlashKind::Error) => "flash flash-error",
            _ => "flash flash-info",
        }
    }

    pub fn flash_label(&self) -> &'static str {
        match self.flash.as_ref().map(|f| f.kind) {
            Some(FlashKind::Success) => i18n::t(self.lang, "flash.success"),
            Some(FlashKind::Error) => i18n::t(self.lang, "flash.error"),
            _ => i18n::t(self.lang, "flash.info"),
        }
    }
}

/// Is `path` a path on this site, safe to redirect to? It must start with one `/`, and hold no
/// backslash, whitespace or control character anywhere: browsers drop tabs and newlines from
/// URLs and read `\` as `/`, so `/\t/evil.example/` would become `//evil.example/`.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

/// `path` with one query parameter set (replacing an earlier value). A path that is not local
/// (`https://…`, `//host`, `javascript:`) becomes `/`.
pub(crate) fn with_query_param(path: &str, name: &str, value: &str) -> String {
    let path = if is_local_path(path) { path } else { "/" };
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let base = base.split('#').next().unwrap_or("/");
    let mut parts: Vec<String> = query
        .split('#')
        .next()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    parts.push(format!("{name}={value}"));
    format!("{base}?{}", parts.join("&"))
}

/// One link of the navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl NavItem {
    fn new(shell: &Shell, section: Section, href: &'static str, key: &'static str) -> NavItem {
        let current = if section == Section::Privacy {
            shell.current == section && path_only(&shell.path) == href
        } else {
            shell.current == section && section != Section::None
        };
        NavItem {
            href,
            label: i18n::t(shell.lang, key),
            current,
        }
    }
}

fn path_only(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

/// The signed-in member, shown in the header.
#[derive(Clone, Debug)]
pub struct UserBar {
    pub display_name: String,
    /// Whose record the pages show now.
    pub acting_for: PersonChoice,
    /// Everyone the member can act for, the member included (relationship `self`).
    pub people: Vec<PersonChoice>,
    pub session_expires_in_secs: i64,
    /// Links not offered for the person acted for (a parent acting for a teen does not see
    /// their coverage or who looked at their record: PRX-03). Decided by the policy.
    pub hidden: Vec<&'static str>,
}

/// A person whose record the member can open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonChoice {
    pub patient_id: String,
    pub name: String,
    /// `self`, `child`, `teen`, `caregiver`, `legal`, `parent`, `spouse`.
    pub relationship: String,
}

/// A one-time notice after a redirect ("Your message was sent").
#[derive(Clone, Debug)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Info,
    Success,
    Error,
}

/// The parts of the portal, for the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    MyHealth,
    MedicalRecord,
    Messages,
    Appointments,
    Pharmacy,
    Billing,
    Coverage,
    GetCare,
    Support,
    Privacy,
    Account,
    None,
}

impl Section {
    /// The main navigation, in order.
    pub const MAIN: [Section; 9] = [
        Section::MyHealth,
        Section::MedicalRecord,
        Section::Messages,
        Section::Appointments,
        Section::Pharmacy,
        Section::Billing,
        Section::Coverage,
        Section::GetCare,
        Section::Support,
    ];

    /// The sections still shown as "coming soon" pages.
    pub const PLACEHOLDERS: [Section; 8] = [
        Section::MedicalRecord,
        Section::Messages,
        Section::Appointments,
        Section::Pharmacy,
        Section::Billing,
        Section::Coverage,
        Section::GetCare,
        Section::Support,
    ];

    pub fn href(self) -> &'static str {
        match self {
            Section::MyHealth | Section::None => "/",
            Section::MedicalRecord => "/record",
            Section::Messages => "/messages",
            Section::Appointments => "/appointments",
            Section::Pharmacy => "/pharmacy",
            Section::Billing => "/billing",
            Section::Coverage => "/coverage",
            Section::GetCare => "/get-care",
            Section::Support => "/support",
            Section::Privacy => "/privacy/sharing",
            Section::Account => "/account/security",
        }
    }

    /// Short name used in text keys (`section.<slug>`, `card.<slug>`, `soon.<slug>.*`).
    pub fn slug(self) -> &'static str {
        match self {
            Section::MyHealth | Section::None => "my-health",
            Section::MedicalRecord => "record",
            Section::Messages => "messages",
            Section::Appointments => "appointments",
            Section::Pharmacy => "pharmacy",
            Section::Billing => "billing",
            Section::Coverage => "coverage",
            Section::GetCare => "get-care",
            Section::Support => "support",
            Section::Privacy => "privacy",
            Section::Account => "account",
        }
    }

    /// Key of the section's name in [`i18n::t`].
    pub fn label_key(self) -> &'static str {
        match self {
            Section::MyHealth | Section::None => "section.my-health",
            Section::MedicalRecord => "section.record",
            Section::Messages => "section.messages",
            Section::Appointments => "section.appointments",
            Section::Pharmacy => "section.pharmacy",
            Section::Billing => "section.billing",
            Section::Coverage => "section.coverage",
            Section::GetCare => "section.get-care",
            Section::Support => "section.support",
            Section::Privacy => "section.privacy",
            Section::Account => "section.account",
        }
    }

    /// Key of the one-line description on the home page's card.
    pub fn card_key(self) -> String {
        format!("card.{}", self.slug())
    }
}

/// A problem with one form field (`field` is the input's id/name), or with the whole form when
/// `field` is empty (then it is listed in the error summary without a link).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Sign-in form (`POST /sign-in`).
#[derive(Clone, Debug, Default)]
pub struct SignInForm {
    /// Email as typed, to fill the box again (never the password).
    pub email: String,
    /// Where to go after signing in (a local path); hidden field `next`.
    pub next: String,
    /// Bad credentials, locked, throttled...
    pub problem: Option<i18n::AuthMessage>,
    pub errors: Vec<FieldError>,
}

/// Two-step prompt (`POST /sign-in/two-step`).
#[derive(Clone, Debug, Default)]
pub struct TwoStepForm {
    pub next: String,
    pub problem: Option<i18n::AuthMessage>,
    pub errors: Vec<FieldError>,
}

/// Registration (`POST /register`). Values are as typed; passwords are never sent back.
#[derive(Clone, Debug, Default)]
pub struct RegisterForm {
    pub mrn: String,
    /// `YYYY-MM-DD` as typed.
    pub birth_date: String,
    pub given: String,
    pub family: String,
    pub email: String,
    pub mobile: String,
    /// Registration refused, under 13...
    pub problem: Option<i18n::AuthMessage>,
    pub errors: Vec<FieldError>,
    /// Shortest password allowed (AUT-02: 15 for a password alone).
    pub min_password_len: usize,
}

/// Forgot password (`POST /password/forgot`): one box, `email`, that takes an email address or
/// a mobile number.
#[derive(Clone, Debug, Default)]
pub struct ForgotForm {
    pub email: String,
    pub problem: Option<i18n::AuthMessage>,
    pub errors: Vec<FieldError>,
}

/// Choose a new password (`POST /password/reset`).
#[derive(Clone, Debug, Default)]
pub struct ResetForm {
    pub token: String,
    pub errors: Vec<FieldError>,
    pub min_password_len: usize,
}

/// How much of a record a person with access can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessLevel {
    Full,
    FullExceptSensitive,
    /// A parent's limited view of a teen's record (PRX-03).
    Limited,
}

impl AccessLevel {
    pub fn key(self) -> &'static str {
        match self {
            AccessLevel::Full => "access.full",
            AccessLevel::FullExceptSensitive => "access.full-except-sensitive",
            AccessLevel::Limited => "access.limited",
        }
    }
}

/// One person who can see my record.
#[derive(Clone, Debug)]
pub struct AccessRow {
    /// Sent back as `grant_id` to revoke.
    pub grant_id: String,
    pub name: String,
    pub relationship: String,
    pub access: AccessLevel,
    pub since: String,
    /// `None`: no end date.
    pub expires: Option<String>,
}

/// The invite-a-caregiver form as typed (`POST /privacy/sharing/invite`).
#[derive(Clone, Debug, Default)]
pub struct InviteForm {
    /// Field `email`.
    pub email: String,
    /// Field `full_name`.
    pub full_name: String,
    /// Field `authorize` (checkbox, value `yes`).
    pub authorize: bool,
    pub errors: Vec<FieldError>,
}

/// "Who can see my record". The people I can act for come from `Shell.user.people`.
#[derive(Clone, Debug, Default)]
pub struct SharingView {
    pub access: Vec<AccessRow>,
    pub invite: InviteForm,
    /// The person whose record this is, when not the signed-in member's own (a young child's):
    /// the list is shown, nothing is granted or revoked from here.
    pub subject: Option<String>,
}

/// Who (or what) opened the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    Me,
    /// A caregiver or other person with access.
    Person,
    Staff,
    App,
    System,
}

impl ActorKind {
    pub fn key(self) -> &'static str {
        match self {
            ActorKind::Me => "actor.me",
            ActorKind::Person => "actor.person",
            ActorKind::Staff => "actor.staff",
            ActorKind::App => "actor.app",
            ActorKind::System => "actor.system",
        }
    }
}

/// One line of the access log.
#[derive(Clone, Debug)]
pub struct AccessLogEntry {
    /// Local date-time, `YYYY-MM-DDTHH:MM`.
    pub when: String,
    pub who_kind: ActorKind,
    /// Name of the person, staff member (with role) or app; may be empty for [`ActorKind::Me`].
    pub who: String,
    /// What was done in this one visit, in order: (action, record type) — `read`, `search`,
    /// `create`, `update`, … with a FHIR resource type (`Observation`; `*` for all), each shown
    /// in plain words (an action or type without words is shown as "other").
    pub items: Vec<(String, String)>,
    /// A purpose key (`treatment`, `payment`, `enrollment`, `emergency`, …; see
    /// `identity::privacy::purpose_key`), shown in plain words.
    pub purpose: String,
    /// Place, device or network ("Oakland Medical Center", "phone app", "203.0.113.7").
    pub from_where: String,
    /// The attempt was refused (nothing was shown or changed).
    pub refused: bool,
}

/// "Who looked at my record" (`GET /privacy/access-log?page=&from=&to=`).
#[derive(Clone, Debug, Default)]
pub struct AccessLogView {
    pub entries: Vec<AccessLogEntry>,
    /// 1-based page number.
    pub page: u32,
    pub has_newer: bool,
    pub has_older: bool,
    /// Date filter as typed (`YYYY-MM-DD`), empty when unset.
    pub from: String,
    pub to: String,
    pub errors: Vec<FieldError>,
}

/// One app with access.
#[derive(Clone, Debug)]
pub struct ConnectedApp {
    pub grant_id: String,
    pub name: String,
    /// SMART scopes granted (`patient/Observation.rs`, `offline_access`, …).
    pub scopes: Vec<String>,
    pub granted_on: String,
}

/// "Connected apps".
#[derive(Clone, Debug, Default)]
pub struct AppsView {
    pub apps: Vec<ConnectedApp>,
}

/// The SMART authorization request waiting for the member's answer (`POST /oauth2/authorize`).
/// Every field goes back unchanged as a hidden field of the same name.
#[derive(Clone, Debug, Default)]
pub struct ConsentView {
    pub app_name: String,
    pub client_id: String,
    /// Space-separated scopes as requested.
    pub scope: String,
    pub state: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    /// Whose record the app would get: the people from `Shell.user.people` the member may share.
    /// More than one: the member chooses (radio `patient`); one: sent as a hidden field.
    pub people: Vec<PersonChoice>,
}

/// A new authenticator being set up.
#[derive(Clone, Debug)]
pub struct TwoStepSetup {
    /// Base32 secret, shown in groups of four.
    pub secret: String,
    /// `otpauth://totp/…` URI, shown as text.
    pub otpauth_uri: String,
}

/// "Sign-in and security".
#[derive(Clone, Debug, Default)]
pub struct SecurityView {
    pub two_step_on: bool,
    /// Set up in progress: the secret to enter and a `code` box (`POST /account/two-step/setup`).
    /// `None` while off: a button that starts the setup (the same action without `code`).
    pub setup: Option<TwoStepSetup>,
    /// Shown once, right after two-step is turned on.
    pub recovery_codes: Option<Vec<String>>,
    /// Errors of the setup (`code`) and change-password (`current_password`, `password`,
    /// `password_confirm`) forms.
    pub errors: Vec<FieldError>,
    pub min_password_len: usize,
}

#[cfg(test)]
mod local_path_tests {
    use super::is_local_path;

    /// Issue 12, finding 7: every way of smuggling another host past the check.
    #[test]
    fn only_paths_on_this_site_are_local() {
        for ok in ["/", "/coverage", "/records?x=1#a", "/a/b%2F/c"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "//evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "",
            "/ /evil.example",
            "/\u{0}/evil",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_switch_keeps_the_page_and_drops_foreign_hosts() {
        let cases = [
            ("/privacy/apps", "/privacy/apps?lang=es"),
            (
                "/privacy/access-log?page=2&lang=en",
                "/privacy/access-log?page=2&lang=es",
            ),
            ("https://evil.example/x", "/?lang=es"),
            ("//evil.example/x", "/?lang=es"),
            ("javascript:alert(1)", "/?lang=es"),
            ("", "/?lang=es"),
        ];
        for (path, want) in cases {
            assert_eq!(with_query_param(path, "lang", "es"), want, "{path}");
        }
    }

    #[test]
    fn every_section_has_a_path_and_a_name() {
        for s in Section::MAIN.iter().chain(&Section::PLACEHOLDERS) {
            assert!(s.href().starts_with('/'));
            assert!(i18n::t_opt(Lang::Es, s.label_key()).is_some(), "{s:?}");
        }
    }
}
