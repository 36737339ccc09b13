//! The e-mails and texts every capability sends, in the member's language
//! (`crates/i18n/locales/{en,es}/messages.ftl`).
//!
//! An e-mail `key` has two messages, `email.<key>.subject` and `email.<key>.body`; a text is
//! `text.<key>`. Services pick the language (the page that caused the message, or the
//! member's `Patient.communication` for what is sent later) and name the key; the words are
//! only here. Texts follow SMS-01: they name us, say how to reach us or how to stop, and stay
//! within 160 characters with their variables filled (the tests check with long values).
//!
//! To add a message: add it to both files with the same variables, then call [`email`] or
//! [`text`] with its key. `tests::every_key_used_in_code_exists` finds the keys in the
//! services' code.

/// Member services, the number messages give for help when the caller names no other (the
/// deployment's own number is configured in coverage's `Contacts`, whose default this is).
/// Fictional: 555-01xx is reserved for fiction.
pub const MEMBER_SERVICES_LINE: &str = "1-800-555-0100";

use crate::Lang;

crate::catalogs! {
    /// The messages of one language.
    pub fn catalog {
        en: ("crates/i18n/locales/en/messages.ftl", include_str!("../locales/en/messages.ftl")),
        es: ("crates/i18n/locales/es/messages.ftl", include_str!("../locales/es/messages.ftl")),
    }
}

/// An e-mail's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

/// The e-mail `key` in `lang`, its variables filled from `args`. The body ends with a newline.
pub fn email(lang: Lang, key: &str, args: &[(&str, &str)]) -> Email {
    let c = catalog(lang);
    let mut body = c.tf(&format!("email.{key}.body"), args);
    body.push('\n');
    Email {
        subject: c.tf(&format!("email.{key}.subject"), args),
        body,
    }
}

/// The text message `key` in `lang`, its variables filled from `args`.
pub fn text(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    catalog(lang).tf(&format!("text.{key}"), args)
}

/// The first of `keys` whose text fits in `max` characters (SMS-01), else the last one: a
/// message with shorter forms lists them longest first.
pub fn text_within(lang: Lang, keys: &[&str], args: &[(&str, &str)], max: usize) -> String {
    let mut last = String::new();
    for key in keys {
        last = text(lang, key, args);
        if last.chars().count() <= max {
            break;
        }
    }
    last
}

const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_ES: [&str; 7] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];

/// The short month name (1–12) people read in `lang`.
pub fn month(lang: Lang, m: u32) -> &'static str {
    let i = (m.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::En => MONTHS_EN[i],
        Lang::Es => MONTHS_ES[i],
    }
}

/// A date (`YYYY-MM-DD`) or local date-time (`YYYY-MM-DDTHH:MM…`) as people read it:
/// "Mar 4, 2025, 2:05 PM" / "4 mar 2025, 14:05". Anything else is shown as given.
pub fn fmt_date(lang: Lang, iso: &str) -> String {
    let Some((y, m, d)) = ymd(iso) else {
        return iso.to_owned();
    };
    let date = match lang {
        Lang::En => format!("{} {d}, {y}", month(lang, m)),
        Lang::Es => format!("{d} {} {y}", month(lang, m)),
    };
    match hm(iso) {
        None => date,
        Some(t) => format!("{date}, {}", clock(lang, t)),
    }
}

/// A local date-time (`YYYY-MM-DDTHH:MM…`) in a few characters, with the weekday and without
/// the year, for texts: "Mon Dec 7 2:30 PM" / "lun 7 dic 14:30". Anything else as given.
pub fn fmt_visit(lang: Lang, iso: &str) -> String {
    let (Some((y, m, d)), Some(t)) = (ymd(iso), hm(iso)) else {
        return iso.to_owned();
    };
    let wd = weekday(y, m, d);
    match lang {
        Lang::En => format!(
            "{} {} {d} {}",
            WEEKDAYS_EN[wd],
            month(lang, m),
            clock(lang, t)
        ),
        Lang::Es => format!(
            "{} {d} {} {}",
            WEEKDAYS_ES[wd],
            month(lang, m),
            clock(lang, t)
        ),
    }
}

fn ymd(iso: &str) -> Option<(i32, u32, u32)> {
    let num = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<u32>().ok());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let ok = (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && iso.get(4..5) == Some("-")
        && iso.get(7..8) == Some("-");
    ok.then_some((i32::try_from(y).ok()?, m, d))
}

fn hm(iso: &str) -> Option<(u32, u32)> {
    let num = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<u32>().ok());
    match (iso.get(10..11), num(11..13), num(14..16)) {
        (Some("T" | " "), Some(h), Some(min)) if h < 24 && min < 60 => Some((h, min)),
        _ => None,
    }
}

fn clock(lang: Lang, (h, min): (u32, u32)) -> String {
    match lang {
        Lang::En => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{h12}:{min:02} {ampm}")
        }
        Lang::Es => format!("{h:02}:{min:02}"),
    }
}

/// Day of the week, Monday = 0 (Sakamoto's method, proleptic Gregorian).
fn weekday(y: i32, m: u32, d: u32) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d as i32).rem_euclid(7);
    ((sunday0 + 6) % 7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn both_languages_have_the_same_messages() {
        let problems = crate::Catalog::problems(catalog(Lang::En), catalog(Lang::Es));
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(catalog(Lang::En).ids().count() > 40);
    }

    #[test]
    fn every_email_has_a_subject_and_a_body() {
        for lang in Lang::ALL {
            for id in catalog(lang).ids() {
                let Some(key) = id.strip_prefix("email-") else {
                    assert!(id.starts_with("text-"), "{id}: neither email- nor text-");
                    continue;
                };
                let other = match key.rsplit_once('-') {
                    Some((k, "subject")) => format!("email-{k}-body"),
                    Some((k, "body")) => format!("email-{k}-subject"),
                    _ => String::new(),
                };
                assert!(
                    !other.is_empty(),
                    "{id}: an e-mail message ends in -subject or -body"
                );
                assert!(
                    catalog(lang).t_opt(&other).is_some(),
                    "{id} without {other}"
                );
                if id.ends_with("-subject") {
                    let s = catalog(lang).t_opt(id).unwrap_or_default();
                    assert!(!s.contains('\n') && s.len() < 80, "{id}: one short line");
                }
            }
        }
    }

    /// SMS-01 with long values in every variable: a text of 160 characters or fewer that
    /// names us and tells how to stop.
    #[test]
    fn sms_01_texts_are_short_name_us_and_say_stop() {
        let long = [
            ("when", "Wed Sep 30 12:45 PM"),
            ("place", "Northgate Medical Offices"),
            ("phone", "1-800-555-0100"),
            ("code", "123456"),
            ("name", "Northgate Medical Offices"),
            ("day", "2026-09-30"),
            ("reason", "power outage"),
        ];
        let shapes: [&[&str]; 1] = [&[
            "visit-reminder",
            "visit-reminder-short",
            "visit-reminder-shortest",
        ]];
        for lang in Lang::ALL {
            for id in catalog(lang).ids() {
                let Some(key) = id.strip_prefix("text-") else {
                    continue;
                };
                let t = text(lang, key, &long);
                assert!(t.contains("Wellspring"), "{lang:?} {key}: {t}");
                // The code is a security message and the STOP confirmation ends the texts
                // (SMS-02); every other text says how to stop.
                if key != "code" && key != "stopped" {
                    assert!(t.contains("STOP"), "{lang:?} {key}: {t}");
                }
                let in_shapes = shapes.iter().any(|s| s.contains(&key));
                if !in_shapes {
                    assert!(
                        t.chars().count() <= 160,
                        "{lang:?} {key}: {} chars",
                        t.len()
                    );
                }
            }
            for s in shapes {
                let t = text_within(lang, s, &long, 160);
                assert!(t.chars().count() <= 160, "{lang:?}: {t}");
            }
        }
    }

    #[test]
    fn e_mails_fill_their_variables_and_keep_lines() {
        let e = email(
            Lang::Es,
            "reset",
            &[
                ("name", "Ana"),
                ("minutes", "30"),
                ("link", "https://x/p?t=1"),
            ],
        );
        assert!(e.body.starts_with("Hola, Ana:\n\n"), "{}", e.body);
        assert!(e.body.contains("\n\nhttps://x/p?t=1\n\n"), "{}", e.body);
        assert!(e.body.contains("30 minutos"));
        assert!(e.body.ends_with('\n') && !e.body.contains('{'));
        let en = email(Lang::En, "reset", &[("name", "Ana")]);
        assert_eq!(en.subject, "Reset your Wellspring password");
        assert!(en.body.contains("{link}"), "a missing variable shows");
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(fmt_date(Lang::En, "2025-03-04"), "Mar 4, 2025");
        assert_eq!(fmt_date(Lang::Es, "2025-03-04T14:05"), "4 mar 2025, 14:05");
        assert_eq!(
            fmt_date(Lang::En, "2025-03-04T00:05"),
            "Mar 4, 2025, 12:05 AM"
        );
        assert_eq!(fmt_date(Lang::En, "soon"), "soon");
        assert_eq!(fmt_visit(Lang::En, "2026-12-07T14:30"), "Mon Dec 7 2:30 PM");
        assert_eq!(fmt_visit(Lang::Es, "2026-12-07T14:30"), "lun 7 dic 14:30");
        assert_eq!(
            fmt_visit(Lang::En, "2024-02-29T09:00"),
            "Thu Feb 29 9:00 AM"
        );
        assert_eq!(
            fmt_visit(Lang::Es, "2000-01-01T12:00:00"),
            "sáb 1 ene 12:00"
        );
        assert_eq!(fmt_visit(Lang::En, "2026-12-07"), "2026-12-07");
    }

    /// The literal keys services pass to [`email`] and [`text`] (`messages::email(lang, "reset"`…).
    fn keys_in(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (call, prefix) in [("messages::email(", "email"), ("messages::text(", "text")] {
            for (i, _) in text.match_indices(call) {
                let after = &text[i + call.len()..];
                // `email(lang, "key"` / `email(Lang::Es, "key"` / `text(lang, "key"`
                let Some(comma) = after.find(',') else {
                    continue;
                };
                let rest = after[comma + 1..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                out.push((prefix.to_owned(), rest[..end].to_owned()));
            }
        }
        out
    }

    #[test]
    fn every_key_used_in_code_exists() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for c in ["identity", "pharmacy", "records", "scheduling", "coverage"] {
            crate::rust_files(&crates.join(c).join("src"), &mut files);
        }
        let mut seen = 0;
        for f in files {
            let code = std::fs::read_to_string(&f).unwrap_or_default();
            if !code.contains("ws_i18n") {
                continue;
            }
            for (kind, key) in keys_in(&code) {
                seen += 1;
                let id = if kind == "email" {
                    format!("email.{key}.subject")
                } else {
                    format!("text.{key}")
                };
                for lang in Lang::ALL {
                    assert!(
                        catalog(lang).t_opt(&id).is_some(),
                        "{}: {id} has no {lang:?} text",
                        f.display()
                    );
                }
            }
        }
        assert!(seen >= 15, "{seen} keys found in the services' code");
    }
}
