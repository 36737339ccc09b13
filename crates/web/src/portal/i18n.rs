//! English and Spanish texts of the member portal.
//!
//! The texts are data, in two Project Fluent files: `crates/web/locales/en/portal.ftl` and
//! `crates/web/locales/es/portal.ftl`, compiled into the binary and read once, at first use,
//! by the shared [`ws_i18n::Catalog`] (which also reads the e-mails and texts every capability
//! sends, `crates/i18n/locales`). A file that does not parse stops the process there, loudly
//! (and `tests::fluent_files_parse_without_errors` fails before that can ship).
//!
//! Code names a text by a dotted key (`signin.title`, `rt.Patient`, `scope.launch/patient`). Its
//! Fluent message id is the key with `.` and `/` written `-` and `*` written `all`
//! (`signin-title`, `rt-Patient`, `scope-launch-patient`, `rt-all`): see
//! [`ws_i18n::fluent_id`]. A file holds an id only once, so two keys that would share an id
//! cannot both have a text.
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

pub use ws_i18n::Lang;
pub use ws_i18n::messages::fmt_date;

/// The text for `key`; an unknown key comes back as itself (visible, and caught by the tests).
/// With a literal key the result is `&'static str`. Variables show as `{name}`.
pub fn t(lang: Lang, key: &str) -> &str {
    t_opt(lang, key).unwrap_or(key)
}

/// The text for `key` when it exists.
pub fn t_opt(lang: Lang, key: &str) -> Option<&'static str> {
    texts(lang).t_opt(key)
}

/// The text for `key` with its variables filled in from `args` (`("name", "Ana")` for
/// `{ $name }`); a variable missing from `args` shows as `{name}`, an unknown key as itself.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    texts(lang).tf(key, args)
}

/// Every message id (the English file's; the tests check that Spanish has the same), sorted.
#[cfg(test)]
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    texts(Lang::En).ids()
}

ws_i18n::catalogs! {
    fn texts {
        en: ("crates/web/locales/en/portal.ftl", include_str!("../../locales/en/portal.ftl")),
        es: ("crates/web/locales/es/portal.ftl", include_str!("../../locales/es/portal.ftl")),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    #[test]
    fn fluent_files_parse_without_errors() {
        // The loaders stop on a file that does not parse, a term or an attribute.
        assert!(keys().count() > 400);
        assert_eq!(texts(Lang::En).ids().count(), texts(Lang::Es).ids().count());
    }

    #[test]
    fn every_message_in_both_languages_not_empty_and_plain() {
        let problems = ws_i18n::Catalog::problems(texts(Lang::En), texts(Lang::Es));
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn variables_match_between_languages() {
        let with_variables = keys()
            .filter(|k| !texts(Lang::En).variables_of(k).is_empty())
            .count();
        assert!(
            with_variables > 20,
            "{with_variables} messages with variables"
        );
        assert_eq!(
            texts(Lang::Es).variables_of("areas-added"),
            ["mrn", "region"]
        );
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
        assert_eq!(
            ws_i18n::fluent_id("field.birth_date.hint"),
            "field-birth_date-hint"
        );
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
