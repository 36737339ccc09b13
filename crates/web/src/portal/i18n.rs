//! English and Spanish texts of the member portal.
//!
//! The texts are data, in two Project Fluent files: `crates/web/locales/en/portal.ftl` and
//! `crates/web/locales/es/portal.ftl`. They are compiled into the binary (`include_str!`) and
//! read once, at first use, with `fluent-bundle`; a file that does not parse stops the process
//! there, loudly (and `tests::fluent_files_parse_without_errors` fails before that can ship).
//!
//! Code names a text by a dotted key (`signin.title`, `rt.Patient`, `scope.launch/patient`). Its
//! Fluent message id is the key with `.` and `/` written `-` and `*` written `all`
//! (`signin-title`, `rt-Patient`, `scope-launch-patient`, `rt-all`): see `fluent_id`. A file
//! holds an id only once, so two keys that would share an id cannot both have a text.
//!
//! Texts are plain (no HTML): templates escape them like any other value. Variables are written
//! `{ $name }` in the files and filled in with [`tf`]; [`t`] shows them as `{name}`. Spanish uses
//! "usted", as the member services desk does.
//!
//! To add a text: add a message with its id to both files, in the section where it belongs and
//! with the same variables, then use the dotted key in code (`t(lang, "signin.title")`) or in a
//! template (`shell.t("signin.title")`). The tests check that both files parse and have the same
//! messages with the same variables, and that every literal key in the crate's code and
//! templates has a text.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

/// The portal's languages.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Read a BCP 47 tag (`es`, `es-MX`, `EN-us`); `None` for a language we do not offer.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else {
            None
        }
    }

    /// The member's language: an explicit `?lang=` wins, then the language cookie, then the
    /// browser's `Accept-Language` (highest quality first), then English.
    pub fn negotiate(
        query_lang: Option<&str>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
    ) -> Lang {
        if let Some(l) = query_lang.and_then(Lang::from_tag) {
            return l;
        }
        if let Some(l) = cookie.and_then(Lang::from_tag) {
            return l;
        }
        accept_language.and_then(best_accepted).unwrap_or(Lang::En)
    }

    /// The language code for `<html lang>` and links.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }
}

/// The supported language with the highest `q` in an `Accept-Language` header (ties: first).
fn best_accepted(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let mut q = 1.0_f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        if let Some(l) = Lang::from_tag(tag)
            && best.is_none_or(|(_, bq)| q > bq)
        {
            best = Some((l, q));
        }
    }
    best.map(|(l, _)| l)
}

/// The text for `key`; an unknown key comes back as itself (visible, and caught by the tests).
/// With a literal key the result is `&'static str`. Variables show as `{name}`.
pub fn t(lang: Lang, key: &str) -> &str {
    t_opt(lang, key).unwrap_or(key)
}

/// The text for `key` when it exists.
pub fn t_opt(lang: Lang, key: &str) -> Option<&'static str> {
    texts(lang)
        .plain
        .get(fluent_id(key).as_ref())
        .map(String::as_str)
}

/// The text for `key` with its variables filled in from `args` (`("name", "Ana")` for
/// `{ $name }`); a variable missing from `args` shows as `{name}`, an unknown key as itself.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let texts = texts(lang);
    let Some(pattern) = texts
        .bundle
        .get_message(&fluent_id(key))
        .and_then(|m| m.value())
    else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for name in variables(pattern) {
        fluent_args.set(name, format!("{{{name}}}"));
    }
    for (name, value) in args {
        fluent_args.set(*name, *value);
    }
    // Formatting errors are unknown references and missing variables: the loader ruled out the
    // first, and every variable has a value.
    let mut errors = Vec::new();
    texts
        .bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// The Fluent message id of a dotted key: `.` and `/` become `-`, `*` becomes `all`
/// (`scope.launch/patient` is `scope-launch-patient`, `rt.*` is `rt-all`). An id is its own id.
fn fluent_id(key: &str) -> Cow<'_, str> {
    if key.contains(['.', '/', '*']) {
        Cow::Owned(key.replace(['.', '/'], "-").replace('*', "all"))
    } else {
        Cow::Borrowed(key)
    }
}

/// Every message id (the English file's; the tests check that Spanish has the same), sorted.
#[cfg(test)]
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    texts(Lang::En).plain.keys().map(String::as_str)
}

/// One language's texts.
struct Texts {
    bundle: FluentBundle<FluentResource>,
    /// Every message formatted once, by id, variables shown as `{name}`: what [`t`] returns.
    plain: BTreeMap<String, String>,
}

static EN: LazyLock<Texts> =
    LazyLock::new(|| Texts::load("en", include_str!("../../locales/en/portal.ftl")));
static ES: LazyLock<Texts> =
    LazyLock::new(|| Texts::load("es", include_str!("../../locales/es/portal.ftl")));

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

impl Texts {
    /// Parse a compiled-in file. The files are part of the program, so a broken one is a
    /// defect to stop on, not a state to serve key names from.
    #[allow(clippy::panic)]
    fn load(code: &str, source: &str) -> Texts {
        let file = format!("crates/web/locales/{code}/portal.ftl");
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{file} does not parse: {errors:?}"));
        let ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect();
        let language: LanguageIdentifier = code.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![language]);
        // The texts go into HTML and plain-text e-mails: no Unicode isolation marks.
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            panic!("{file}: {errors:?}");
        }
        let mut plain = BTreeMap::new();
        for id in ids {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                panic!("{file}: {id} has no text");
            };
            let mut args = FluentArgs::new();
            for name in variables(pattern) {
                args.set(name, format!("{{{name}}}"));
            }
            let mut errors = Vec::new();
            let text = bundle
                .format_pattern(pattern, Some(&args), &mut errors)
                .into_owned();
            if !errors.is_empty() {
                panic!("{file}: {id}: {errors:?}");
            }
            plain.insert(id, text);
        }
        Texts { bundle, plain }
    }
}

/// The variables (`{ $name }`) a pattern uses, each once, in order of first use.
fn variables<'s>(pattern: &ast::Pattern<&'s str>) -> Vec<&'s str> {
    fn in_pattern<'s>(p: &ast::Pattern<&'s str>, out: &mut Vec<&'s str>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                in_expression(expression, out);
            }
        }
    }
    fn in_expression<'s>(e: &ast::Expression<&'s str>, out: &mut Vec<&'s str>) {
        match e {
            ast::Expression::Inline(inline) => in_inline(inline, out),
            ast::Expression::Select { selector, variants } => {
                in_inline(selector, out);
                for v in variants {
                    in_pattern(&v.value, out);
                }
            }
        }
    }
    fn in_arguments<'s>(a: &ast::CallArguments<&'s str>, out: &mut Vec<&'s str>) {
        for e in &a.positional {
            in_inline(e, out);
        }
        for n in &a.named {
            in_inline(&n.value, out);
        }
    }
    fn in_inline<'s>(e: &ast::InlineExpression<&'s str>, out: &mut Vec<&'s str>) {
        match e {
            ast::InlineExpression::VariableReference { id } if !out.contains(&id.name) => {
                out.push(id.name);
            }
            ast::InlineExpression::Placeable { expression } => in_expression(expression, out),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                in_arguments(arguments, out);
            }
            ast::InlineExpression::TermReference {
                arguments: Some(arguments),
                ..
            } => in_arguments(arguments, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    in_pattern(pattern, &mut out);
    out
}

/// A problem with a chosen password, by the code the password rule reports.
/// Codes: `too-short`, `too-long`, `breached`, `repetitive`, `context`, `mismatch`.
pub fn password_problem(lang: Lang, code: &str, min_len: usize, max_len: usize) -> String {
    let key = format!("password.{code}");
    if t_opt(lang, &key).is_none() {
        return t(lang, "password.other").to_owned();
    }
    tf(
        lang,
        &key,
        &[("min", &min_len.to_string()), ("max", &max_len.to_string())],
    )
}

/// The password rule in plain words.
pub fn password_rule(lang: Lang, min_len: usize) -> String {
    tf(lang, "password.rule", &[("min", &min_len.to_string())])
}

/// Outcomes of sign-in, registration and password reset that the member is told about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMessage {
    /// Wrong email or password; never says which, nor whether the account exists.
    BadCredentials,
    /// Too many failures on the account: paused for `minutes`; a password reset unlocks it.
    Locked {
        minutes: u32,
    },
    /// Too many tries from this place or device: wait `minutes`.
    Throttled {
        minutes: u32,
    },
    /// Registration details did not match a member record (generic on purpose).
    RegistrationRefused,
    /// The member is under 13: no own account (PRX-07); a parent asks for caregiver access.
    Under13,
    /// Reset requested: the same words whether or not the address is known.
    ResetSent,
    ResetLinkInvalid,
    ResetLinkExpired,
    ResetLinkUsed,
    /// The two-step code (or recovery code) did not work.
    TwoStepWrong,
    /// The account is turned off (100 failures, or by member services): call us.
    Disabled,
    /// This member already has an account: sign in or reset the password.
    AlreadyRegistered,
    /// Another account uses this email address.
    EmailInUse,
}

impl AuthMessage {
    /// Whole minutes to wait, rounded up (at least 1), from a `retry_after_secs`.
    pub fn minutes_from_secs(secs: u64) -> u32 {
        u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX).max(1)
    }
}

/// The text of an [`AuthMessage`].
pub fn auth_message(lang: Lang, msg: &AuthMessage) -> String {
    match msg {
        AuthMessage::BadCredentials => t(lang, "auth.bad-credentials").to_owned(),
        AuthMessage::Locked { minutes } => {
            tf(lang, "auth.locked", &[("minutes", &minutes.to_string())])
        }
        AuthMessage::Throttled { minutes } => {
            tf(lang, "auth.throttled", &[("minutes", &minutes.to_string())])
        }
        AuthMessage::RegistrationRefused => t(lang, "auth.registration-refused").to_owned(),
        AuthMessage::Under13 => t(lang, "auth.under-13").to_owned(),
        AuthMessage::ResetSent => t(lang, "auth.reset-sent").to_owned(),
        AuthMessage::ResetLinkInvalid => t(lang, "auth.reset-invalid").to_owned(),
        AuthMessage::ResetLinkExpired => t(lang, "auth.reset-expired").to_owned(),
        AuthMessage::ResetLinkUsed => t(lang, "auth.reset-used").to_owned(),
        AuthMessage::TwoStepWrong => t(lang, "auth.two-step-wrong").to_owned(),
        AuthMessage::Disabled => t(lang, "auth.disabled").to_owned(),
        AuthMessage::AlreadyRegistered => t(lang, "auth.already-registered").to_owned(),
        AuthMessage::EmailInUse => t(lang, "auth.email-in-use").to_owned(),
    }
}

/// The message for a field problem reported by a service as `(field, code)`: `required`,
/// `invalid-email`, `invalid-mobile`, `invalid-date`, `mismatch`, or a password code (see
/// [`password_problem`]).
pub fn field_problem(
    lang: Lang,
    field: &str,
    code: &str,
    min_password_len: usize,
    max_password_len: usize,
) -> String {
    let key = match code {
        "required" => format!("required.{field}"),
        "invalid-email" | "invalid-mobile" | "invalid-date" => format!("invalid.{}", &code[8..]),
        "too-short" | "too-long" | "breached" | "repetitive" | "context" | "mismatch" => {
            return password_problem(lang, code, min_password_len, max_password_len);
        }
        _ => String::new(),
    };
    match t_opt(lang, &key) {
        Some(s) => s.to_owned(),
        None if code == "required" => t(lang, "required.other").to_owned(),
        None => t(lang, "invalid.other").to_owned(),
    }
}

/// Relationship label (`self`, `child`, `teen`, `caregiver`, `legal`, `parent`, `spouse`);
/// an unknown code is shown as given.
pub fn relationship_label(lang: Lang, code: &str) -> String {
    t_opt(lang, &format!("rel.{code}"))
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_owned())
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];

/// A date (`YYYY-MM-DD`) or local date-time (`YYYY-MM-DDTHH:MM…`) as people read it:
/// "Mar 4, 2025, 2:05 PM" / "4 mar 2025, 14:05". Anything else is shown as given.
pub fn fmt_date(lang: Lang, iso: &str) -> String {
    let num = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return iso.to_owned();
    };
    if !(1..=12).contains(&m) || iso.get(4..5) != Some("-") || iso.get(7..8) != Some("-") {
        return iso.to_owned();
    }
    let mi = (m - 1) as usize;
    let date = match lang {
        Lang::En => format!("{} {d}, {y}", MONTHS_EN.get(mi).unwrap_or(&"")),
        Lang::Es => format!("{d} {} {y}", MONTHS_ES.get(mi).unwrap_or(&"")),
    };
    let time = match (iso.get(10..11), num(11..13), num(14..16)) {
        (Some("T" | " "), Some(h), Some(min)) if h < 24 && min < 60 => Some((h, min)),
        _ => None,
    };
    match (time, lang) {
        (None, _) => date,
        (Some((h, min)), Lang::En) => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{date}, {h12}:{min:02} {ampm}")
        }
        (Some((h, min)), Lang::Es) => format!("{date}, {h:02}:{min:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    /// The two files, as compiled in.
    const FILES: [(&str, &str); 2] = [
        ("en", include_str!("../../locales/en/portal.ftl")),
        ("es", include_str!("../../locales/es/portal.ftl")),
    ];

    #[test]
    fn fluent_files_parse_without_errors() {
        for (code, source) in FILES {
            let parsed = FluentResource::try_new(source.to_owned());
            let errors = parsed.as_ref().err().map(|(_, e)| e.as_slice());
            assert!(errors.is_none(), "{code}: {errors:?}");
            let Ok(resource) = parsed else { continue };
            for entry in resource.entries() {
                // Only messages with a plain value (and comments): `t` has no use for
                // attributes or terms.
                let ok = match entry {
                    ast::Entry::Message(m) => m.value.is_some() && m.attributes.is_empty(),
                    ast::Entry::Comment(_)
                    | ast::Entry::GroupComment(_)
                    | ast::Entry::ResourceComment(_) => true,
                    ast::Entry::Term(_) | ast::Entry::Junk { .. } => false,
                };
                assert!(ok, "{code}: {entry:?}");
            }
            // Duplicate ids are refused when the file joins a bundle.
            let mut bundle = FluentBundle::new_concurrent(vec![]);
            let added = bundle.add_resource(resource);
            assert!(added.is_ok(), "{code}: {:?}", added.err());
        }
        // And the loaders, which stop on any of the above, accept both.
        assert!(texts(Lang::En).plain.len() > 400);
        assert_eq!(texts(Lang::En).plain.len(), texts(Lang::Es).plain.len());
    }

    #[test]
    fn every_message_in_both_languages_not_empty_and_plain() {
        let en: BTreeSet<&str> = texts(Lang::En).plain.keys().map(String::as_str).collect();
        let es: BTreeSet<&str> = texts(Lang::Es).plain.keys().map(String::as_str).collect();
        assert!(
            en.difference(&es).next().is_none(),
            "English only: {:?}",
            en.difference(&es)
        );
        assert!(
            es.difference(&en).next().is_none(),
            "Spanish only: {:?}",
            es.difference(&en)
        );
        assert_eq!(keys().count(), en.len());
        for key in keys() {
            for lang in [Lang::En, Lang::Es] {
                let text = t_opt(lang, key).unwrap_or_default();
                assert!(!text.trim().is_empty(), "{key} {lang:?}: empty");
                assert!(!text.contains('<'), "{key} {lang:?}: texts are plain");
                assert!(
                    !text.contains(['\u{2068}', '\u{2069}']),
                    "{key} {lang:?}: isolation marks"
                );
            }
        }
    }

    /// The variables of a message, sorted.
    fn variables_of(lang: Lang, id: &str) -> Vec<&'static str> {
        let mut v = texts(lang)
            .bundle
            .get_message(id)
            .and_then(|m| m.value())
            .map(variables)
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    #[test]
    fn variables_match_between_languages() {
        let mut with_variables = 0;
        for key in keys() {
            let en = variables_of(Lang::En, key);
            assert_eq!(en, variables_of(Lang::Es, key), "{key}");
            with_variables += usize::from(!en.is_empty());
        }
        assert!(
            with_variables > 20,
            "{with_variables} messages with variables"
        );
        assert_eq!(variables_of(Lang::Es, "areas-added"), ["mrn", "region"]);
    }

    #[test]
    fn unknown_key_comes_back_as_itself() {
        assert_eq!(t(Lang::En, "signin.title"), "Sign in");
        assert_eq!(t(Lang::Es, "signin.title"), "Iniciar sesión");
        assert_eq!(t(Lang::Es, "no.such.key"), "no.such.key");
        assert_eq!(t_opt(Lang::Es, "no.such.key"), None);
        assert_eq!(tf(Lang::Es, "no.such.key", &[]), "no.such.key");
        assert_eq!(
            tf(Lang::Es, "no.such.key", &[("name", "Ana")]),
            "no.such.key"
        );
    }

    #[test]
    fn keys_map_to_fluent_ids() {
        assert_eq!(fluent_id("signin.title"), "signin-title");
        assert_eq!(fluent_id("field.birth_date.hint"), "field-birth_date-hint");
        assert_eq!(fluent_id("scope.launch/patient"), "scope-launch-patient");
        assert_eq!(fluent_id("rt.*"), "rt-all");
        assert_eq!(fluent_id("brand"), "brand");
        assert_eq!(t(Lang::En, "rt.*"), "whole record");
        assert_eq!(t(Lang::Es, "rt.Patient"), t(Lang::Es, "rt-Patient"));
        assert!(t_opt(Lang::Es, "scope.launch/patient").is_some());
    }

    #[test]
    fn variables_are_filled_or_shown() {
        assert_eq!(t(Lang::En, "session.minutes"), "{n} minutes");
        assert_eq!(tf(Lang::En, "session.minutes", &[("n", "2")]), "2 minutes");
        assert_eq!(tf(Lang::Es, "session.minutes", &[("n", "2")]), "2 minutos");
        // A missing variable shows as `{name}`, an extra one is ignored; values go in as
        // given (no number formatting, no isolation marks).
        assert_eq!(
            tf(Lang::En, "session.minutes", &[("x", "2")]),
            "{n} minutes"
        );
        assert_eq!(
            tf(Lang::En, "session.minutes", &[("n", "1000.50")]),
            "1000.50 minutes"
        );
        assert_eq!(
            tf(
                Lang::Es,
                "areas.added",
                &[("region", "Norte"), ("mrn", "{x} <b>")]
            ),
            "Agregado: su número de expediente en Norte es {x} <b>."
        );
    }

    /// Literal keys handed to `t`, `tf` or `t_opt` in `text`.
    ///
    /// A simple scan, not a parser. A call is the function's name followed by `(` and not
    /// preceded by a letter, digit or `_` (so `self.t(`, `i18n::tf(` and the templates'
    /// `shell.t(` count, `get(` does not), then optionally one plain first argument (`lang`,
    /// `self.lang`, `Lang::En`: no quotes, brackets or semicolons), then a string literal: that
    /// literal is the key. Keys built at run time (`&format!("password.{code}")`, a variable)
    /// are no literals and are left to the tests of the code that builds them; a call whose
    /// first argument has brackets (`view.lang()`) is missed.
    fn literal_keys(text: &str) -> Vec<&str> {
        let mut keys = Vec::new();
        for name in ["t(", "tf(", "t_opt("] {
            for (at, _) in text.match_indices(name) {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let mut rest = text[at + name.len()..].trim_start();
                if !rest.starts_with('"') {
                    let Some((first, after)) = rest.split_once(',') else {
                        continue;
                    };
                    if first.contains(['"', '(', ')', '[', ']', '{', '}', ';']) {
                        continue;
                    }
                    rest = after.trim_start();
                }
                if let Some(literal) = rest.strip_prefix('"')
                    && let Some((key, _)) = literal.split_once('"')
                {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The files under `dir` whose names end in `.{ext}`, at any depth.
    fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
        for path in entries.map(|e| e.path()) {
            if path.is_dir() {
                files_under(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_literal_key_in_code_exists() {
        assert_eq!(
            literal_keys(concat!(
                "t(lang, \"a.b\") self.t(\"c\") i18n::tf(\n    lang,\n    \"d\", &[]) ",
                "get(\"x\") t(lang, &format!(\"e.{x}\")) t_opt(view.lang(), \"f\")",
            )),
            ["a.b", "c", "d"]
        );
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files_under(&root.join("src"), "rs", &mut paths);
        files_under(&root.join("templates"), "html", &mut paths);
        let mut checked = 0;
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            // This module's tests name unknown keys on purpose.
            let text = match path.ends_with("portal/i18n.rs") {
                true => text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or_default(),
                false => &text,
            };
            for key in literal_keys(text) {
                checked += 1;
                let known = t_opt(Lang::En, key).is_some() && t_opt(Lang::Es, key).is_some();
                assert!(known, "{}: no text for {key:?}", path.display());
            }
        }
        assert!(checked > 200, "the scan found only {checked} keys");
    }

    #[test]
    fn tags_and_negotiation() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Lang);
        let cases: &[Case] = &[
            (None, None, None, Lang::En),
            (Some("es"), Some("en"), Some("en"), Lang::Es),
            (Some("xx"), Some("es"), None, Lang::Es),
            (None, None, Some("fr-FR, es;q=0.8, en;q=0.5"), Lang::Es),
            (None, None, Some("en;q=0.2, es-419;q=0.9"), Lang::Es),
            (None, None, Some("es;q=0, en"), Lang::En),
            (None, None, Some("de, *;q=0.5"), Lang::En),
            (None, Some("garbage"), Some("es"), Lang::Es),
        ];
        for (q, c, a, want) in cases {
            assert_eq!(Lang::negotiate(*q, *c, *a), *want, "{q:?} {c:?} {a:?}");
        }
    }

    #[test]
    fn messages_fill_their_numbers() {
        let m = auth_message(Lang::En, &AuthMessage::Locked { minutes: 15 });
        assert!(m.contains("15 minutes") && m.contains("reset your password"));
        let m = auth_message(Lang::Es, &AuthMessage::Locked { minutes: 15 });
        assert!(m.contains("15 minutos") && m.contains("restablezca su contraseña"));
        for code in [
            "too-short",
            "too-long",
            "breached",
            "repetitive",
            "context",
            "mismatch",
        ] {
            for lang in [Lang::En, Lang::Es] {
                let p = password_problem(lang, code, 15, 64);
                assert!(!p.is_empty() && !p.contains('{'), "{code}");
            }
        }
        assert!(password_problem(Lang::En, "too-short", 15, 64).contains("15"));
        assert!(password_problem(Lang::En, "too-long", 15, 64).contains("64"));
        assert_eq!(
            password_problem(Lang::En, "whatever", 8, 64),
            t(Lang::En, "password.other")
        );
    }

    #[test]
    fn outcomes_do_not_reveal_accounts() {
        for lang in [Lang::En, Lang::Es] {
            for m in [AuthMessage::BadCredentials, AuthMessage::ResetSent] {
                let s = auth_message(lang, &m).to_lowercase();
                for word in [
                    "no account",
                    "not found",
                    "no existe",
                    "unknown",
                    "desconocid",
                ] {
                    assert!(!s.contains(word), "{m:?} says {word}");
                }
            }
        }
    }

    #[test]
    fn field_problems_from_service_codes() {
        let cases = [
            ("given", "required", "Enter your first name"),
            ("nickname", "required", "Please fill in this answer"),
            (
                "email",
                "invalid-email",
                "Enter an email address like name@example.com",
            ),
            (
                "birth_date",
                "invalid-date",
                "Enter a real date as year-month-day, like 1985-04-27",
            ),
            (
                "mobile",
                "invalid-mobile",
                "Enter a mobile number with its area code, like 510 555 0123",
            ),
            (
                "password",
                "too-short",
                "Your password needs at least 15 characters.",
            ),
            ("x", "odd", "Please check this answer"),
        ];
        for (field, code, want) in cases {
            assert_eq!(
                field_problem(Lang::En, field, code, 15, 64),
                want,
                "{field} {code}"
            );
        }
        assert_eq!(
            field_problem(Lang::Es, "given", "required", 8, 64),
            "Escriba su nombre"
        );
        assert_eq!(AuthMessage::minutes_from_secs(0), 1);
        assert_eq!(AuthMessage::minutes_from_secs(61), 2);
        assert_eq!(AuthMessage::minutes_from_secs(900), 15);
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(fmt_date(Lang::En, "2025-03-04"), "Mar 4, 2025");
        assert_eq!(fmt_date(Lang::Es, "2025-03-04"), "4 mar 2025");
        assert_eq!(
            fmt_date(Lang::En, "2025-03-04T14:05:00-08:00"),
            "Mar 4, 2025, 2:05 PM"
        );
        assert_eq!(
            fmt_date(Lang::En, "2025-03-04T00:30"),
            "Mar 4, 2025, 12:30 AM"
        );
        assert_eq!(fmt_date(Lang::Es, "2025-03-04T14:05"), "4 mar 2025, 14:05");
        assert_eq!(fmt_date(Lang::En, "soon"), "soon");
        assert_eq!(fmt_date(Lang::En, "2025-13-04"), "2025-13-04");
    }
}
