//! The words a member reads, in their language: English and Spanish.
//!
//! Words are data, in Project Fluent files read with `fluent-bundle`. Two sets of files use
//! this crate: the portal's pages (`crates/web/locales/{en,es}/portal.ftl`, read by
//! `web::portal::i18n`) and the messages every capability sends — e-mails and texts
//! (`crates/i18n/locales/{en,es}/messages.ftl`, read by [`messages`]). A service below the web
//! layer (identity, pharmacy, records, scheduling) names a message by key and the member's
//! [`Lang`]; it never writes the words in code.
//!
//! Code names a text by a dotted key (`signin.title`, `email.reset.subject`). Its Fluent id is
//! the key with `.` and `/` written `-` and `*` written `all` ([`fluent_id`]). Variables are
//! written `{ $name }` and filled in with [`Catalog::tf`]; [`Catalog::t_opt`] shows them as
//! `{name}`. Texts are plain (no HTML, no Unicode isolation marks): pages escape them, e-mails
//! and texts send them as they are. Spanish uses "usted", as the member services desk does.
//!
//! A file that does not parse stops the process at first use, loudly: the files are compiled
//! in, so a broken one is a defect, not a state to serve key names from. [`Catalog::problems`]
//! is the check every set of files gets in its tests (same messages in both languages, same
//! variables, none empty).

use std::borrow::Cow;
use std::collections::BTreeMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

pub mod messages;
pub mod said;

/// The languages we speak.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

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

    /// The language of a tag, English when we do not offer it (or there is none).
    pub fn from_tag_or_default(tag: Option<&str>) -> Lang {
        tag.and_then(Lang::from_tag).unwrap_or_default()
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

    /// The language code for `<html lang>`, links and `Patient.communication`.
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

/// The Fluent message id of a dotted key: `.` and `/` become `-`, `*` becomes `all`
/// (`scope.launch/patient` is `scope-launch-patient`, `rt.*` is `rt-all`). An id is its own id.
pub fn fluent_id(key: &str) -> Cow<'_, str> {
    if key.contains(['.', '/', '*']) {
        Cow::Owned(key.replace(['.', '/'], "-").replace('*', "all"))
    } else {
        Cow::Borrowed(key)
    }
}

/// `fn name(lang) -> &'static Catalog` over one Fluent file per language, each parsed once on
/// first use. The caller names each file (for the messages a broken file panics with) and
/// includes its text (`include_str!` resolves paths from the calling file), so a new language
/// is one more line here and a compile error in every use until its file is given.
///
/// ```ignore
/// ws_i18n::catalogs! {
///     /// The rules' words in one language.
///     pub fn catalog {
///         en: ("crates/i18n/locales/en/rules.ftl", include_str!("../locales/en/rules.ftl")),
///         es: ("crates/i18n/locales/es/rules.ftl", include_str!("../locales/es/rules.ftl")),
///     }
/// }
/// ```
#[macro_export]
macro_rules! catalogs {
    (
        $(#[$meta:meta])*
        $vis:vis fn $name:ident {
            en: ($en_file:expr, $en_text:expr),
            es: ($es_file:expr, $es_text:expr) $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis fn $name(lang: $crate::Lang) -> &'static $crate::Catalog {
            static EN: ::std::sync::LazyLock<$crate::Catalog> =
                ::std::sync::LazyLock::new(|| $crate::Catalog::load($en_file, "en", $en_text));
            static ES: ::std::sync::LazyLock<$crate::Catalog> =
                ::std::sync::LazyLock::new(|| $crate::Catalog::load($es_file, "es", $es_text));
            match lang {
                $crate::Lang::En => &EN,
                $crate::Lang::Es => &ES,
            }
        }
    };
}

/// One language's texts from one Fluent file.
pub struct Catalog {
    file: String,
    bundle: FluentBundle<FluentResource>,
    /// Every message formatted once, by id, variables shown as `{name}`: what `t_opt` returns.
    plain: BTreeMap<String, String>,
}

impl Catalog {
    /// Parse a compiled-in file (`file` names it in the panic message). Only messages with a
    /// plain value are allowed: no terms, no attributes.
    #[allow(clippy::panic)]
    pub fn load(file: &str, code: &str, source: &str) -> Catalog {
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{file} does not parse: {errors:?}"));
        let mut ids = Vec::new();
        for entry in resource.entries() {
            match entry {
                ast::Entry::Message(m) if m.value.is_some() && m.attributes.is_empty() => {
                    ids.push(m.id.name.to_owned());
                }
                ast::Entry::Comment(_)
                | ast::Entry::GroupComment(_)
                | ast::Entry::ResourceComment(_) => {}
                other => panic!("{file}: only plain messages are allowed: {other:?}"),
            }
        }
        let language: LanguageIdentifier = code.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![language]);
        // The texts go into HTML, plain-text e-mails and texts: no Unicode isolation marks.
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
        Catalog {
            file: file.to_owned(),
            bundle,
            plain,
        }
    }

    /// The text for `key` when it exists; variables show as `{name}`.
    pub fn t_opt(&self, key: &str) -> Option<&str> {
        self.plain.get(fluent_id(key).as_ref()).map(String::as_str)
    }

    /// The text for `key` with its variables filled in from `args` (`("name", "Ana")` for
    /// `{ $name }`); a variable missing from `args` shows as `{name}`, an unknown key comes
    /// back as itself (visible, and caught by the tests).
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        let Some(pattern) = self
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
        // Formatting errors are unknown references and missing variables: the loader ruled out
        // the first, and every variable has a value.
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// Every message id, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.plain.keys().map(String::as_str)
    }

    /// The variables of message `id`, sorted (empty for an unknown id).
    pub fn variables_of(&self, id: &str) -> Vec<&str> {
        let mut v = self
            .bundle
            .get_message(&fluent_id(id))
            .and_then(|m| m.value())
            .map(variables)
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// What is wrong with a pair of translations of one file: a message in one language only,
    /// different variables, an empty text, HTML or isolation marks. Empty when all is well.
    pub fn problems(en: &Catalog, es: &Catalog) -> Vec<String> {
        let mut out = Vec::new();
        for (a, b, which) in [(en, es, "Spanish"), (es, en, "English")] {
            for id in a.ids() {
                if b.t_opt(id).is_none() {
                    out.push(format!("{}: {id} has no {which} text", a.file));
                }
            }
        }
        for id in en.ids() {
            if es.t_opt(id).is_some() && en.variables_of(id) != es.variables_of(id) {
                out.push(format!("{id}: the two languages use different variables"));
            }
            for c in [en, es] {
                let text = c.t_opt(id).unwrap_or_default();
                if text.trim().is_empty() {
                    out.push(format!("{}: {id} is empty", c.file));
                }
                if text.contains('<') {
                    out.push(format!("{}: {id} holds markup", c.file));
                }
                if text.contains(['\u{2068}', '\u{2069}']) {
                    out.push(format!("{}: {id} holds isolation marks", c.file));
                }
            }
        }
        out
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

/// Every `.rs` file under `dir` (for the tests that find the keys code uses).
#[cfg(test)]
pub(crate) fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_negotiation() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag_or_default(Some("fr")), Lang::En);
        assert_eq!(Lang::from_tag_or_default(None), Lang::En);
        assert_eq!(Lang::negotiate(Some("es"), Some("en"), None), Lang::Es);
        assert_eq!(
            Lang::negotiate(None, None, Some("fr, es;q=0.8, en;q=0.5")),
            Lang::Es
        );
        assert_eq!(Lang::negotiate(None, None, Some("es;q=0")), Lang::En);
    }

    #[test]
    fn keys_map_to_fluent_ids() {
        assert_eq!(fluent_id("signin.title"), "signin-title");
        assert_eq!(fluent_id("scope.launch/patient"), "scope-launch-patient");
        assert_eq!(fluent_id("rt.*"), "rt-all");
        assert_eq!(fluent_id("brand"), "brand");
    }

    #[test]
    fn a_catalog_fills_variables_keeps_lines_and_reports_problems() {
        let en = Catalog::load(
            "en.ftl",
            "en",
            "greet = Hello { $name },\n\n    come in.\nbye = Bye\n",
        );
        let es = Catalog::load(
            "es.ftl",
            "es",
            "greet = Hola,\n\n    pase.\nbye =\n    { \"\" }\n",
        );
        assert_eq!(en.tf("greet", &[("name", "Ana")]), "Hello Ana,\n\ncome in.");
        assert_eq!(en.t_opt("greet"), Some("Hello {name},\n\ncome in."));
        assert_eq!(en.tf("no.such", &[]), "no.such");
        let problems = Catalog::problems(&en, &es);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p == "greet: the two languages use different variables"),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p == "es.ftl: bye is empty"),
            "{problems:?}"
        );
    }
}
