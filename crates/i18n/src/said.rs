//! What a rule says — a refusal's reason, a window's name — kept as words to be said, not as
//! a sentence already written in English (issue 13: "everything a member sees is translated",
//! domain error messages included).
//!
//! A pure rule (coverage's enrollment windows, say) returns a [`Said`]: a message key from
//! `crates/i18n/locales/{en,es}/rules.ftl` and its values. Each edge says it in its own
//! language: the portal in the page's, the API and the logs in English ([`Said::en`], also its
//! `Display`). A value may itself be a [`Said`] ("a birth" inside "the special enrollment after
//! a birth"), said in the same language. Dates are given as `YYYY-MM-DD` and shown as people
//! read them in each language ([`crate::messages::fmt_date`]).

use std::fmt;

use crate::Lang;

crate::catalogs! {
    /// The rules' words in one language.
    pub fn catalog {
        en: ("crates/i18n/locales/en/rules.ftl", include_str!("../locales/en/rules.ftl")),
        es: ("crates/i18n/locales/es/rules.ftl", include_str!("../locales/es/rules.ftl")),
    }
}

/// One value of a [`Said`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Shown as it is (a number, a plan's name).
    Plain(String),
    /// A date, `YYYY-MM-DD`, shown in each language's way.
    Date(String),
    /// Words said in the same language.
    Said(Box<Said>),
}

/// Words a rule says: a message of `rules.ftl` and its values. The default says nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Said {
    key: &'static str,
    args: Vec<(&'static str, Value)>,
}

impl Said {
    /// The message `key` (a `rules.ftl` id), with no values yet.
    pub fn new(key: &'static str) -> Said {
        Said {
            key,
            args: Vec::new(),
        }
    }

    /// With `{ $name }` = `value`, shown as it is.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Said {
        self.args.push((name, Value::Plain(value.to_string())));
        self
    }

    /// With `{ $name }` = a date (`YYYY-MM-DD`, as `Display` of a date gives it).
    #[must_use]
    pub fn date(mut self, name: &'static str, value: impl ToString) -> Said {
        self.args.push((name, Value::Date(value.to_string())));
        self
    }

    /// With `{ $name }` = other words, said in the same language.
    #[must_use]
    pub fn said(mut self, name: &'static str, value: Said) -> Said {
        self.args.push((name, Value::Said(Box::new(value))));
        self
    }

    /// The message key.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The words in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        if self.key.is_empty() {
            return String::new();
        }
        let values: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(n, v)| {
                let shown = match v {
                    Value::Plain(s) => s.clone(),
                    Value::Date(d) => crate::messages::fmt_date(lang, d),
                    Value::Said(s) => s.in_lang(lang),
                };
                (*n, shown)
            })
            .collect();
        let args: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        catalog(lang).tf(self.key, &args)
    }

    /// The words in English (the API's and the logs' language).
    pub fn en(&self) -> String {
        self.in_lang(Lang::En)
    }

    /// The words in `lang` as a sentence: first letter capital, no full stop added.
    pub fn sentence(&self, lang: Lang) -> String {
        let s = self.in_lang(lang);
        let mut chars = s.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => s,
        }
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn both_languages_have_the_same_words_and_variables() {
        let problems = crate::Catalog::problems(catalog(Lang::En), catalog(Lang::Es));
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn nested_words_and_dates_are_said_in_the_same_language() {
        let s = Said::new("reason-sep-ended")
            .said("event", Said::new("event-birth"))
            .date("date", "2027-03-04");
        assert_eq!(
            s.en(),
            "The special enrollment period after a birth ended on Mar 4, 2027"
        );
        let es = s.in_lang(Lang::Es);
        assert!(
            es.contains("nacimiento") && es.contains("4 mar 2027"),
            "{es}"
        );
        assert_eq!(s.to_string(), s.en());
        assert!(
            Said::new("event-divorce")
                .sentence(Lang::Es)
                .starts_with('U'),
            "sentence case"
        );
    }

    /// Every `Said::new("…")` key in the rules' code is a message in both files.
    #[test]
    fn every_key_used_in_code_exists() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        crate::rust_files(&crates.join("coverage").join("src"), &mut files);
        let mut seen = 0;
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("Said::new(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                for lang in Lang::ALL {
                    assert!(
                        catalog(lang).t_opt(key).is_some(),
                        "{}: {key} is not in rules.ftl ({lang:?})",
                        p.display()
                    );
                }
                seen += 1;
            }
        }
        assert!(
            seen >= 20,
            "only {seen} keys found: is the scan looking in the right place?"
        );
    }
}
