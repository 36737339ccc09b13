//! FHIR search syntax: a URL query becomes a checked [`SearchQuery`] plus result controls.

use percent_encoding::percent_decode_str;
use ws_fhir::search_params::{self, ParamType};
use ws_fhir::{Issue, IssueCode, validate};
use ws_store::{Cond, Cursor, DatePrefix, Filter, SearchQuery, SortKey, SortKind, StrMode};

use crate::FhirError;

/// Page size when `_count` is absent, and the most a client may ask for.
pub const DEFAULT_COUNT: i64 = 50;
pub const MAX_COUNT: i64 = 1000;

/// `_include` / `_revinclude` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The resource type holding the reference.
    pub source_type: String,
    /// The reference search parameter (`None` for `*`).
    pub param: Option<String>,
    /// Restrict to this target type (`_include=Observation:subject:Patient`).
    pub target_type: Option<String>,
}

/// A parsed search with its result controls.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSearch {
    pub query: SearchQuery,
    pub includes: Vec<Include>,
    pub revincludes: Vec<Include>,
    pub summary_count: bool,
    pub elements: Option<Vec<String>>,
    /// Parameters ignored under `Prefer: handling=lenient`.
    pub ignored: Vec<String>,
    /// The parameters as understood, to rebuild `self` and `next` links.
    pub echo: Vec<(String, String)>,
}

/// Split and percent-decode `a=1&b=2` (a `+` is a space, as in HTML forms).
pub fn parse_query_string(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_decode_str(&s).decode_utf8_lossy().into_owned()
}

/// Parameters that shape the response rather than select resources.
const RESULT_PARAMS: &[&str] = &[
    "_format",
    "_pretty",
    "_total",
    "_cursor",
    "_count",
    "_sort",
    "_include",
    "_revinclude",
    "_summary",
    "_elements",
];

fn bad_param(name: &str, msg: impl Into<String>) -> FhirError {
    FhirError::BadRequest(vec![
        Issue::error(
            IssueCode::Invalid,
            format!("search parameter '{name}': {}", msg.into()),
        )
        .at(name.to_owned()),
    ])
}

/// Split a parameter value on unescaped commas, unescaping `\,`, `\|`, `\$` and `\\`.
fn split_values(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    if n != ',' && n != '|' && n != '$' && n != '\\' {
                        cur.push('\\');
                    }
                    cur.push(n);
                }
            }
            ',' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Split a token on its first unescaped `|`.
fn split_token(v: &str) -> (Option<&str>, &str) {
    let bytes = v.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'|' => return (v.get(..i), v.get(i + 1..).unwrap_or("")),
            _ => i += 1,
        }
    }
    (None, v)
}

fn parse_date_value(name: &str, raw: &str) -> Result<(DatePrefix, i64, i64), FhirError> {
    let (prefix, rest) = match raw.get(..2) {
        Some(p) if raw.len() > 2 && p.chars().all(|c| c.is_ascii_lowercase()) => {
            let pr = match p {
                "eq" => DatePrefix::Eq,
                "ne" => DatePrefix::Ne,
                "lt" => DatePrefix::Lt,
                "le" => DatePrefix::Le,
                "gt" => DatePrefix::Gt,
                "ge" => DatePrefix::Ge,
                "sa" => DatePrefix::Sa,
                "eb" => DatePrefix::Eb,
                "ap" => {
                    return Err(FhirError::NotSupported(format!(
                        "search parameter '{name}': the 'ap' (approximately) prefix is not supported"
                    )));
                }
                other => return Err(bad_param(name, format!("unknown date prefix '{other}'"))),
            };
            (pr, &raw[2..])
        }
        _ => (DatePrefix::Eq, raw),
    };
    let (lo, hi) = search_params::date_range(rest).ok_or_else(|| {
        bad_param(
            name,
            format!("'{rest}' is not a valid date, dateTime or instant"),
        )
    })?;
    Ok((prefix, lo, hi))
}

/// Build the filter for one `name[:modifier]=value` on `res_type`.
fn param_filter(res_type: &str, key: &str, value: &str) -> Result<Option<Filter>, FhirError> {
    let (name, modifier) = match key.split_once(':') {
        Some((n, m)) => (n, Some(m)),
        None => (key, None),
    };
    if value.is_empty() {
        return Err(bad_param(key, "a value is required"));
    }
    match name {
        "_id" => {
            if let Some(m) = modifier {
                return Err(bad_param(
                    key,
                    format!("modifier ':{m}' is not supported on _id"),
                ));
            }
            let ids = split_values(value);
            if let Some(bad) = ids.iter().find(|i| !validate::is_valid_id(i)) {
                return Err(bad_param(key, format!("'{bad}' is not a valid id")));
            }
            return Ok(Some(Filter::Id(ids)));
        }
        "_lastUpdated" => {
            if let Some(m) = modifier {
                return Err(bad_param(
                    key,
                    format!("modifier ':{m}' is not supported on _lastUpdated"),
                ));
            }
            let alts = split_values(value)
                .iter()
                .map(|v| parse_date_value(key, v))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Some(Filter::LastUpdated(alts)));
        }
        _ => {}
    }
    // A chained parameter: `schedule.actor=Practitioner/1`, `subject:Patient.name=x`.
    if let Some((head, rest)) = key.split_once('.') {
        let (ref_name, ref_type) = match head.split_once(':') {
            Some((n, t)) => (n, Some(t)),
            None => (head, None),
        };
        let def = search_params::lookup(res_type, ref_name)
            .filter(|d| d.kind == ParamType::Reference)
            .ok_or_else(|| {
                bad_param(
                    key,
                    format!("{res_type} has no reference parameter '{ref_name}' to chain from"),
                )
            })?;
        let target = match (ref_type, def.targets) {
            (Some(t), targets)
                if validate::is_resource_type(t)
                    && (targets.is_empty() || targets.contains(&t)) =>
            {
                t
            }
            (Some(t), _) => {
                return Err(bad_param(
                    key,
                    format!("'{t}' is not a target of {res_type}:{ref_name}"),
                ));
            }
            (None, [one]) => *one,
            (None, _) => {
                return Err(bad_param(
                    key,
                    format!(
                        "{res_type}:{ref_name} may refer to several types; name one, as in {ref_name}:Type.{rest}"
                    ),
                ));
            }
        };
        let inner = param_filter(target, rest, value)?
            .ok_or_else(|| bad_param(key, format!("{target} has no search parameter '{rest}'")))?;
        return Ok(Some(Filter::Chain {
            ref_param: def.name.to_owned(),
            target_type: target.to_owned(),
            inner: Box::new(inner),
        }));
    }
    // Practitioner?specialty= is answered through PractitionerRole (R4 keeps specialty there).
    if res_type == "Practitioner" && name == "specialty" {
        let inner = param_filter("PractitionerRole", key, value)?;
        return Ok(inner.map(|inner| Filter::Has {
            source_type: "PractitionerRole".into(),
            ref_param: "practitioner".into(),
            inner: Box::new(inner),
        }));
    }
    let def = if name == search_params::SECURITY_PARAM {
        &search_params::SECURITY_DEF
    } else {
        let Some(def) = search_params::lookup(res_type, name) else {
            return Ok(None);
        };
        def
    };
    let values = split_values(value);
    let mut any_of = Vec::with_capacity(values.len());
    for v in &values {
        if v.is_empty() {
            return Err(bad_param(key, "empty value in a comma-separated list"));
        }
        let cond = match def.kind {
            ParamType::String => {
                let mode = match modifier {
                    None => StrMode::Prefix,
                    Some("exact") => StrMode::Exact,
                    Some("contains") => StrMode::Contains,
                    Some(m) => {
                        return Err(bad_param(
                            key,
                            format!(
                                "modifier ':{m}' is not supported on a string parameter (use :exact or :contains)"
                            ),
                        ));
                    }
                };
                let value = if mode == StrMode::Exact {
                    v.clone()
                } else {
                    search_params::normalize_string(v)
                };
                Cond::Str { mode, value }
            }
            ParamType::Token => {
                if let Some(m) = modifier {
                    return Err(bad_param(
                        key,
                        format!("modifier ':{m}' is not supported on a token parameter"),
                    ));
                }
                let (system, code) = split_token(v);
                let code = if code.is_empty() {
                    None
                } else {
                    Some(code.replace("\\|", "|"))
                };
                if system.is_none() && code.is_none() {
                    return Err(bad_param(
                        key,
                        "a token needs a code, system|code, |code or system|",
                    ));
                }
                Cond::Token {
                    system: system.map(str::to_owned),
                    code,
                }
            }
            ParamType::Reference => {
                let mut target_type = None;
                if let Some(m) = modifier {
                    if !validate::is_resource_type(m) {
                        return Err(bad_param(
                            key,
                            format!("modifier ':{m}' is not a resource type"),
                        ));
                    }
                    target_type = Some(m.to_owned());
                }
                let mut path: Vec<&str> = v.split('/').filter(|s| !s.is_empty()).collect();
                if let Some(pos) = path.iter().position(|s| *s == "_history") {
                    path.truncate(pos);
                }
                let (tt, id) = match path.as_slice() {
                    [id] => (None, (*id).to_owned()),
                    [.., t, id] if validate::is_resource_type(t) => {
                        (Some((*t).to_owned()), (*id).to_owned())
                    }
                    _ => {
                        return Err(bad_param(
                            key,
                            format!("'{v}' is not a reference such as Patient/123 or 123"),
                        ));
                    }
                };
                if let (Some(a), Some(b)) = (&target_type, &tt)
                    && a != b
                {
                    return Err(bad_param(
                        key,
                        format!("the modifier ':{a}' contradicts the value's type {b}"),
                    ));
                }
                if !validate::is_valid_id(&id) {
                    return Err(bad_param(key, format!("'{id}' is not a valid id")));
                }
                let target_type = target_type.or(tt);
                if let Some(t) = &target_type
                    && !def.targets.is_empty()
                    && !def.targets.contains(&t.as_str())
                {
                    return Err(bad_param(
                        key,
                        format!(
                            "{t} is not a target of this parameter (allowed: {})",
                            def.targets.join(", ")
                        ),
                    ));
                }
                Cond::Ref {
                    target_type,
                    target_id: id,
                }
            }
            ParamType::Date => {
                if let Some(m) = modifier {
                    return Err(bad_param(
                        key,
                        format!("modifier ':{m}' is not supported on a date parameter"),
                    ));
                }
                let (prefix, lo, hi) = parse_date_value(key, v)?;
                Cond::Date { prefix, lo, hi }
            }
        };
        any_of.push(cond);
    }
    Ok(Some(Filter::Param {
        param: def.name.to_owned(),
        any_of,
    }))
}

fn parse_include(res_type: &str, key: &str, value: &str, rev: bool) -> Result<Include, FhirError> {
    if value == "*" {
        return Ok(Include {
            source_type: res_type.to_owned(),
            param: None,
            target_type: None,
        });
    }
    let parts: Vec<&str> = value.split(':').collect();
    let (src, param, target) = match parts.as_slice() {
        [s, p] => (*s, *p, None),
        [s, p, t] => (*s, *p, Some(*t)),
        _ => {
            return Err(bad_param(
                key,
                format!("'{value}' should be Type:parameter[:targetType]"),
            ));
        }
    };
    if !rev && src != res_type {
        return Err(bad_param(
            key,
            format!("'{value}' must start with the searched type {res_type}"),
        ));
    }
    if !validate::is_resource_type(src) {
        return Err(bad_param(key, format!("unknown resource type '{src}'")));
    }
    let def = search_params::lookup(src, param)
        .ok_or_else(|| bad_param(key, format!("{src} has no search parameter '{param}'")))?;
    if def.kind != ParamType::Reference {
        return Err(bad_param(
            key,
            format!("{src}:{param} is not a reference parameter"),
        ));
    }
    if let Some(t) = target
        && !validate::is_resource_type(t)
    {
        return Err(bad_param(key, format!("unknown resource type '{t}'")));
    }
    if rev
        && let Some(t) = target
        && t != res_type
    {
        return Err(bad_param(
            key,
            format!("target type {t} is not the searched type {res_type}"),
        ));
    }
    Ok(Include {
        source_type: src.to_owned(),
        param: Some(param.to_owned()),
        target_type: target.map(str::to_owned),
    })
}

fn parse_sort(res_type: &str, value: &str) -> Result<Vec<SortKey>, FhirError> {
    let mut keys = Vec::new();
    for part in value.split(',').filter(|s| !s.is_empty()) {
        let (desc, name) = match part.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, part),
        };
        let kind = match name {
            "_lastUpdated" => SortKind::LastUpdated,
            "_id" => SortKind::Id,
            _ => match search_params::lookup(res_type, name) {
                Some(d) if d.kind == ParamType::Date => SortKind::Date(d.name.to_owned()),
                Some(d) if d.kind == ParamType::String => SortKind::Str(d.name.to_owned()),
                Some(_) => {
                    return Err(bad_param(
                        "_sort",
                        format!(
                            "sorting by '{name}' is not supported (only date and string parameters, _id and _lastUpdated)"
                        ),
                    ));
                }
                None => {
                    return Err(bad_param(
                        "_sort",
                        format!("{res_type} has no search parameter '{name}'"),
                    ));
                }
            },
        };
        keys.push(SortKey { kind, desc });
    }
    if keys.len() > 3 {
        return Err(bad_param("_sort", "at most three sort keys"));
    }
    Ok(keys)
}

/// Parse a search on `res_type` from decoded query pairs.
pub fn parse_search(
    res_type: &str,
    pairs: &[(String, String)],
    lenient: bool,
) -> Result<ParsedSearch, FhirError> {
    crate::ops::check_type(res_type)?;
    let mut q = SearchQuery {
        res_type: res_type.to_owned(),
        filters: Vec::new(),
        sort: Vec::new(),
        count: DEFAULT_COUNT,
        after: None,
        want_total: true,
        free_total: true,
    };
    let mut out = ParsedSearch {
        query: q.clone(),
        includes: Vec::new(),
        revincludes: Vec::new(),
        summary_count: false,
        elements: None,
        ignored: Vec::new(),
        echo: Vec::new(),
    };
    let mut total_none = false;
    let mut total_accurate = false;
    for (k, v) in pairs {
        if k.chars().chain(v.chars()).any(char::is_control) {
            return Err(bad_param(
                k,
                "control characters are not allowed in search parameters",
            ));
        }
        let base = k.split(':').next().unwrap_or(k);
        if RESULT_PARAMS.contains(&base) {
            match base {
                "_count" => {
                    let n: i64 = v
                        .parse()
                        .map_err(|_| bad_param(k, format!("'{v}' is not a whole number")))?;
                    if n < 0 {
                        return Err(bad_param(k, "must not be negative"));
                    }
                    q.count = n.min(MAX_COUNT);
                }
                "_sort" => q.sort = parse_sort(res_type, v)?,
                "_include" => out.includes.push(parse_include(res_type, k, v, false)?),
                "_revinclude" => out.revincludes.push(parse_include(res_type, k, v, true)?),
                "_summary" => match v.as_str() {
                    "count" => out.summary_count = true,
                    "false" => {}
                    other => {
                        return Err(FhirError::NotSupported(format!(
                            "_summary={other} is not supported (count and false are)"
                        )));
                    }
                },
                "_elements" => {
                    out.elements = Some(
                        v.split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    );
                }
                "_total" => match v.as_str() {
                    "none" => total_none = true,
                    "accurate" => total_accurate = true,
                    "estimate" => {}
                    other => {
                        return Err(bad_param(
                            k,
                            format!("'{other}' is not none, estimate or accurate"),
                        ));
                    }
                },
                "_cursor" => {
                    q.after = Some(Cursor::decode(v)?);
                    continue;
                }
                _ => {}
            }
            if base != "_format" && base != "_pretty" {
                out.echo.push((k.clone(), v.clone()));
            }
            continue;
        }
        if let Some(rest) = k.strip_prefix("_has:") {
            let parts: Vec<&str> = rest.splitn(3, ':').collect();
            let [src, refp, inner_key] = parts.as_slice() else {
                return Err(bad_param(
                    k,
                    "_has needs the form _has:Type:reference:parameter",
                ));
            };
            if !validate::is_resource_type(src) {
                return Err(bad_param(k, format!("unknown resource type '{src}'")));
            }
            match search_params::lookup(src, refp) {
                Some(d) if d.kind == ParamType::Reference => {}
                _ => {
                    return Err(bad_param(
                        k,
                        format!("{src} has no reference parameter '{refp}'"),
                    ));
                }
            }
            let inner = param_filter(src, inner_key, v)?.ok_or_else(|| {
                bad_param(k, format!("{src} has no search parameter '{inner_key}'"))
            })?;
            q.filters.push(Filter::Has {
                source_type: (*src).to_owned(),
                ref_param: (*refp).to_owned(),
                inner: Box::new(inner),
            });
            out.echo.push((k.clone(), v.clone()));
            continue;
        }
        match param_filter(res_type, k, v)? {
            Some(f) => {
                q.filters.push(f);
                out.echo.push((k.clone(), v.clone()));
            }
            None if lenient => out.ignored.push(k.clone()),
            None => {
                return Err(FhirError::BadRequest(vec![
                    Issue::error(
                        IssueCode::NotSupported,
                        format!("unknown search parameter '{base}' for {res_type}"),
                    )
                    .at(k.clone()),
                ]));
            }
        }
    }
    if out.summary_count {
        q.count = 0;
        q.want_total = true;
    } else {
        // Counting every match is a second pass over all of them: done when asked for
        // (`_total=accurate`, or `_count=0`: nothing but the total), otherwise the total is
        // given only when the first page holds every match (FHIR makes `Bundle.total`
        // optional; `_total=none` drops even that).
        q.want_total = (total_accurate || (q.count == 0 && !total_none)) && q.after.is_none();
        q.free_total = !total_none && q.after.is_none();
    }
    out.query = q;
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pairs(s: &str) -> Vec<(String, String)> {
        parse_query_string(s)
    }

    #[test]
    fn query_string_decoding() {
        assert_eq!(
            pairs("name=J%C3%B3n+Smith&_count=2"),
            vec![
                ("name".into(), "Jón Smith".into()),
                ("_count".into(), "2".into())
            ]
        );
    }

    #[test]
    fn splits_escaped_commas() {
        assert_eq!(split_values("a,b\\,c"), vec!["a", "b,c"]);
        assert_eq!(split_token("http://x|123"), (Some("http://x"), "123"));
        assert_eq!(split_token("|123"), (Some(""), "123"));
        assert_eq!(split_token("123"), (None, "123"));
    }

    #[test]
    fn unknown_parameter_is_rejected_unless_lenient() {
        let e = parse_search("Patient", &pairs("nmae=x"), false).unwrap_err();
        assert_eq!(e.status(), 400);
        assert!(e.to_string().contains("nmae"));
        let ok = parse_search("Patient", &pairs("nmae=x"), true).unwrap();
        assert_eq!(ok.ignored, vec!["nmae"]);
    }

    #[test]
    fn malformed_values_are_rejected_with_the_parameter_named() {
        for q in [
            "birthdate=2020-13-01",
            "birthdate=xx2020",
            "_count=abc",
            "name:foo=x",
            "gender:text=x",
            "_sort=gender",
            "general-practitioner=a/b/c d",
            "_include=Patient:name",
            "_summary=text",
        ] {
            let e = parse_search("Patient", &pairs(q), false).unwrap_err();
            assert!(e.status() == 400, "{q}");
            let name = q.split(['=', ':']).next().unwrap();
            assert!(e.issues()[0].to_string().contains(name), "{q}: {e}");
        }
    }

    #[test]
    fn builds_filters() {
        let p = parse_search(
            "Observation",
            &pairs("patient=Patient/p1&code=http://loinc.org|2951-2&date=ge2020-01&date=lt2021"),
            false,
        )
        .unwrap();
        assert_eq!(p.query.filters.len(), 4);
        assert!(
            matches!(&p.query.filters[0], Filter::Param { param, any_of } if param == "patient" && matches!(&any_of[0], Cond::Ref { target_type: Some(t), target_id } if t == "Patient" && target_id == "p1"))
        );
        assert!(
            matches!(&p.query.filters[2], Filter::Param { any_of, .. } if matches!(any_of[0], Cond::Date { prefix: DatePrefix::Ge, .. }))
        );
        let p = parse_search("Practitioner", &pairs("specialty=cardiology"), false).unwrap();
        assert!(
            matches!(&p.query.filters[0], Filter::Has { source_type, .. } if source_type == "PractitionerRole")
        );
    }

    /// Robustness: arbitrary query strings built from FHIR search syntax pieces and hostile
    /// characters never panic; they parse or fail with a 4xx.
    #[test]
    fn random_queries_never_panic() {
        let pieces = [
            "name",
            "family:exact",
            "given:contains",
            "birthdate",
            "gender",
            "_id",
            "_lastUpdated",
            "_count",
            "_sort",
            "-birthdate",
            "_include",
            "_revinclude",
            "Patient:general-practitioner",
            "Observation:patient",
            "_has:Observation:patient:code",
            "_summary",
            "_elements",
            "_cursor",
            "_total",
            "identifier",
            "general-practitioner:Practitioner",
            "=",
            "&",
            ",",
            "|",
            "\\",
            ":",
            "%",
            "%00",
            "%ZZ",
            "ge",
            "lt",
            "ap",
            "2020",
            "2020-02-30",
            "2020-01-01T10:00:00Z",
            "T",
            "+",
            "é",
            "\u{1F600}",
            "Patient/1",
            "/",
            "s",
            "i9",
            ".",
            "count",
            "x",
            "",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let n = 1 + (next() % 8) as usize;
            let q: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            match parse_search("Patient", &parse_query_string(&q), next() % 2 == 0) {
                Ok(p) => assert!(p.query.count >= 0 && p.query.count <= MAX_COUNT),
                Err(e) => assert!((400..500).contains(&e.status()), "{q}: {e}"),
            }
        }
    }
}
