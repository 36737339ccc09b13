//! Medical Record views: FHIR resources in plain words, in the member's language (`rec.*`
//! texts). Values, units and test names are shown as the record holds them.

use askama::Template;
use serde_json::Value;
use ws_records::rules::trend::{self, Point};
use ws_records::service::record::RecordSection;

use crate::portal::Lang;
use crate::portal::i18n::{fmt_date, t, t_opt, tf};
use crate::portal::pages::{page_title, render};
use crate::portal::views::Shell;

/// A table cell: text, and a link when the row opens a page.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: String,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: String::new(),
    }
}

fn link(text: impl Into<String>, href: String) -> Cell {
    Cell {
        text: text.into(),
        href,
    }
}

/// The words of a CodeableConcept: its text, else its first coding's display, else its code.
pub fn concept(v: &Value) -> String {
    if let Some(t) = v["text"].as_str() {
        return t.to_owned();
    }
    let c = &v["coding"][0];
    c["display"]
        .as_str()
        .or_else(|| c["code"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn num(v: &Value) -> String {
    match (v.as_i64(), v.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => format!("{f}"),
        _ => String::new(),
    }
}

fn quantity(q: &Value) -> String {
    let unit = q["unit"]
        .as_str()
        .or_else(|| q["code"].as_str())
        .unwrap_or("");
    let cmp = q["comparator"].as_str().unwrap_or("");
    format!("{cmp}{} {unit}", num(&q["value"]))
        .trim()
        .to_owned()
}

/// An Observation's value in words (components joined: blood pressure "120/80 mm[Hg]").
pub fn value(o: &Value) -> String {
    if o["valueQuantity"].is_object() {
        return quantity(&o["valueQuantity"]);
    }
    if let Some(s) = o["valueString"].as_str() {
        return s.to_owned();
    }
    if o["valueCodeableConcept"].is_object() {
        return concept(&o["valueCodeableConcept"]);
    }
    if o["valueRange"].is_object() {
        return format!(
            "{}–{}",
            num(&o["valueRange"]["low"]["value"]),
            quantity(&o["valueRange"]["high"])
        );
    }
    if o["valueRatio"].is_object() {
        return format!(
            "{}:{}",
            num(&o["valueRatio"]["numerator"]["value"]),
            num(&o["valueRatio"]["denominator"]["value"])
        );
    }
    if let Some(cs) = o["component"].as_array() {
        let vals: Vec<&Value> = cs.iter().map(|c| &c["valueQuantity"]).collect();
        if !vals.is_empty() && vals.iter().all(|q| q.is_object()) {
            let unit = vals[0]["unit"].as_str().unwrap_or("");
            let nums: Vec<String> = vals.iter().map(|q| num(&q["value"])).collect();
            return format!("{} {unit}", nums.join("/")).trim().to_owned();
        }
    }
    String::new()
}

/// The reference range in words.
pub fn range(o: &Value) -> String {
    let r = &o["referenceRange"][0];
    if let Some(t) = r["text"].as_str() {
        return t.to_owned();
    }
    match (r["low"].is_object(), r["high"].is_object()) {
        (true, true) => format!("{}–{}", num(&r["low"]["value"]), quantity(&r["high"])),
        (true, false) => format!("≥ {}", quantity(&r["low"])),
        (false, true) => format!("≤ {}", quantity(&r["high"])),
        _ => String::new(),
    }
}

/// The low and high of the reference range, for the chart.
fn range_bounds(o: &Value) -> (Option<f64>, Option<f64>) {
    let r = &o["referenceRange"][0];
    (r["low"]["value"].as_f64(), r["high"]["value"].as_f64())
}

/// The abnormal flag in words ("High", "Critical low"), empty for normal or none.
pub fn flag(lang: Lang, o: &Value) -> String {
    let code = o["interpretation"][0]["coding"][0]["code"]
        .as_str()
        .unwrap_or("");
    match code {
        "" | "N" => String::new(),
        c => t_opt(lang, &format!("rec.flag.{c}"))
            .map(str::to_owned)
            .unwrap_or_else(|| concept(&o["interpretation"][0])),
    }
}

/// A status code in words.
fn status(lang: Lang, code: &str) -> String {
    t_opt(lang, &format!("rec.status.{code}"))
        .unwrap_or(code)
        .to_owned()
}

fn date(lang: Lang, v: &Value) -> String {
    v.as_str().map(|d| fmt_date(lang, d)).unwrap_or_default()
}

fn first_date<'a>(r: &'a Value, paths: &[&str]) -> &'a Value {
    for p in paths {
        let mut v = r;
        for k in p.split('.') {
            v = &v[k];
        }
        if v.is_string() {
            return v;
        }
    }
    &Value::Null
}

/// Column headings and rows of one section.
pub(super) fn table(lang: Lang, s: RecordSection, rows: &[Value]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let h = |keys: &[&str]| keys.iter().map(|k| t(lang, k).to_owned()).collect();
    let id = |r: &Value| r["id"].as_str().unwrap_or("").to_owned();
    let st = |r: &Value, path: &str| {
        let v = if path == "status" {
            r["status"].as_str().unwrap_or("").to_owned()
        } else {
            r[path]["coding"][0]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        };
        status(lang, &v)
    };
    match s {
        RecordSection::Results => (
            h(&["rec.col.date", "rec.col.test", "rec.col.status"]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(date(lang, first_date(r, &["effectiveDateTime", "issued"]))),
                        link(concept(&r["code"]), format!("/record/results/{}", id(r))),
                        cell(st(r, "status")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Problems => (
            h(&["rec.col.problem", "rec.col.since", "rec.col.status"]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(concept(&r["code"])),
                        cell(date(
                            lang,
                            first_date(r, &["onsetDateTime", "recordedDate"]),
                        )),
                        cell(st(r, "clinicalStatus")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Allergies => (
            h(&["rec.col.allergy", "rec.col.reaction", "rec.col.status"]),
            rows.iter()
                .map(|r| {
                    let reactions: Vec<String> = r["reaction"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|x| x["manifestation"].as_array().cloned().unwrap_or_default())
                        .map(|m| concept(&m))
                        .collect();
                    vec![
                        cell(concept(&r["code"])),
                        cell(reactions.join(", ")),
                        cell(st(r, "clinicalStatus")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Medications => (
            h(&[
                "rec.col.medication",
                "rec.col.instructions",
                "rec.col.prescribed",
                "rec.col.status",
            ]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(concept(&r["medicationCodeableConcept"])),
                        cell(r["dosageInstruction"][0]["text"].as_str().unwrap_or("")),
                        cell(date(lang, &r["authoredOn"])),
                        cell(st(r, "status")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Immunizations => (
            h(&["rec.col.vaccine", "rec.col.date", "rec.col.status"]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(concept(&r["vaccineCode"])),
                        cell(date(lang, &r["occurrenceDateTime"])),
                        cell(st(r, "status")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Procedures => (
            h(&["rec.col.procedure", "rec.col.date", "rec.col.status"]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(concept(&r["code"])),
                        cell(date(
                            lang,
                            first_date(r, &["performedDateTime", "performedPeriod.start"]),
                        )),
                        cell(st(r, "status")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Visits => (
            h(&[
                "rec.col.date",
                "rec.col.visit",
                "rec.col.where",
                "rec.col.status",
            ]),
            rows.iter()
                .map(|r| {
                    let kind = if r["type"][0].is_object() {
                        concept(&r["type"][0])
                    } else {
                        r["class"]["display"].as_str().unwrap_or("").to_owned()
                    };
                    let place = r["serviceProvider"]["display"]
                        .as_str()
                        .or_else(|| r["location"][0]["location"]["display"].as_str())
                        .unwrap_or("");
                    vec![
                        cell(date(lang, &r["period"]["start"])),
                        cell(kind),
                        cell(place),
                        cell(st(r, "status")),
                    ]
                })
                .collect(),
        ),
        RecordSection::Vitals => (
            h(&["rec.col.date", "rec.col.measure", "rec.col.value"]),
            rows.iter()
                .map(|r| {
                    vec![
                        cell(date(lang, &r["effectiveDateTime"])),
                        link(concept(&r["code"]), format!("/record/result/{}", id(r))),
                        cell(value(r)),
                    ]
                })
                .collect(),
        ),
    }
}

#[derive(Template)]
#[template(path = "records/overview.html")]
struct OverviewPage<'a> {
    shell: &'a Shell,
    page_title: String,
    /// (href, title, description)
    sections: Vec<(String, String, String)>,
    recent: Vec<Vec<Cell>>,
    recent_headers: Vec<String>,
}

pub fn render_overview(
    shell: &Shell,
    sections: &[RecordSection],
    recent: &[Value],
    can_request: bool,
) -> String {
    let lang = shell.lang;
    let (recent_headers, recent) = table(lang, RecordSection::Results, recent);
    render(&OverviewPage {
        shell,
        page_title: page_title(shell, t(lang, "section.record"), false),
        sections: sections
            .iter()
            .map(|s| s.slug())
            .chain(can_request.then_some("requests"))
            .map(|slug| {
                (
                    format!("/record/{slug}"),
                    t(lang, &format!("rec.{slug}.title")).to_owned(),
                    t(lang, &format!("rec.{slug}.about")).to_owned(),
                )
            })
            .collect(),
        recent,
        recent_headers,
    })
}

#[derive(Template)]
#[template(path = "records/list.html")]
struct ListPage<'a> {
    shell: &'a Shell,
    page_title: String,
    title: String,
    about: String,
    slug: &'static str,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
    pharmacy_link: bool,
}

/// A section's title in the member's language.
pub(super) fn section_title(lang: Lang, s: RecordSection) -> String {
    t(lang, &format!("rec.{}.title", s.slug())).to_owned()
}

pub fn render_section(shell: &Shell, s: RecordSection, rows: &[Value]) -> String {
    let lang = shell.lang;
    let title = section_title(lang, s);
    let (headers, rows) = table(lang, s, rows);
    render(&ListPage {
        shell,
        page_title: page_title(shell, &title, false),
        about: t(lang, &format!("rec.{}.about", s.slug())).to_owned(),
        title,
        slug: s.slug(),
        headers,
        rows,
        pharmacy_link: s == RecordSection::Medications,
    })
}

/// One result row of a report.
#[derive(Debug, Clone, Default)]
pub struct ResultRow {
    pub href: String,
    pub name: String,
    pub value: String,
    pub range: String,
    pub flag: String,
    pub status: String,
    pub notes: Vec<String>,
}

fn result_row(lang: Lang, o: &Value) -> ResultRow {
    ResultRow {
        href: format!("/record/result/{}", o["id"].as_str().unwrap_or("")),
        name: concept(&o["code"]),
        value: value(o),
        range: range(o),
        flag: flag(lang, o),
        status: status(lang, o["status"].as_str().unwrap_or("")),
        notes: o["note"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["text"].as_str().map(str::to_owned))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "records/report.html")]
struct ReportPage<'a> {
    shell: &'a Shell,
    page_title: String,
    name: String,
    when: String,
    status: String,
    performer: String,
    conclusion: String,
    results: Vec<ResultRow>,
}

pub fn render_report(shell: &Shell, dr: &Value, results: &[Value]) -> String {
    let lang = shell.lang;
    let name = concept(&dr["code"]);
    render(&ReportPage {
        shell,
        page_title: page_title(shell, &name, false),
        when: date(lang, first_date(dr, &["effectiveDateTime", "issued"])),
        status: status(lang, dr["status"].as_str().unwrap_or("")),
        performer: dr["performer"][0]["display"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        conclusion: dr["conclusion"].as_str().unwrap_or("").to_owned(),
        results: results.iter().map(|o| result_row(lang, o)).collect(),
        name,
    })
}

#[derive(Template)]
#[template(path = "records/result.html")]
struct ResultPage<'a> {
    shell: &'a Shell,
    page_title: String,
    row: ResultRow,
    when: String,
    chart: String,
    chart_caption: String,
    /// (date, value) of the trend, newest first, as a table (the chart's text alternative).
    points: Vec<(String, String)>,
}

pub fn render_result(shell: &Shell, o: &Value, points: &[Point]) -> String {
    let lang = shell.lang;
    let row = result_row(lang, o);
    let unit = o["valueQuantity"]["unit"].as_str().unwrap_or("");
    let caption = if points.len() > 1 {
        tf(
            lang,
            "rec.trend.caption",
            &[
                ("test", &row.name),
                ("count", &points.len().to_string()),
                ("from", &fmt_date(lang, &points[0].date)),
                ("to", &fmt_date(lang, &points[points.len() - 1].date)),
            ],
        )
    } else {
        String::new()
    };
    let chart = if points.len() > 1 {
        let label = if unit.is_empty() {
            caption.clone()
        } else {
            format!("{caption} ({unit})")
        };
        trend::svg(points, range_bounds(o), &label)
    } else {
        String::new()
    };
    render(&ResultPage {
        shell,
        page_title: page_title(shell, &row.name, false),
        when: date(lang, first_date(o, &["effectiveDateTime", "issued"])),
        chart,
        chart_caption: caption,
        points: points
            .iter()
            .rev()
            .map(|p| {
                let v = format!("{}", p.value);
                (
                    fmt_date(lang, &p.date),
                    if unit.is_empty() {
                        v
                    } else {
                        format!("{v} {unit}")
                    },
                )
            })
            .collect(),
        row,
    })
}

/// The date a row of a section is filed under (for the period of a printout).
fn row_date(s: RecordSection, r: &Value) -> Option<&str> {
    let paths: &[&str] = match s {
        RecordSection::Results => &["effectiveDateTime", "issued"],
        RecordSection::Problems => &["onsetDateTime", "recordedDate"],
        RecordSection::Allergies => &["recordedDate", "onsetDateTime"],
        RecordSection::Medications => &["authoredOn"],
        RecordSection::Immunizations => &["occurrenceDateTime"],
        RecordSection::Procedures => &["performedDateTime", "performedPeriod.start"],
        RecordSection::Visits => &["period.start"],
        RecordSection::Vitals => &["effectiveDateTime"],
    };
    first_date(r, paths).as_str()
}

/// The rows of `s` dated within `from..=to` (`YYYY-MM-DD`; either open). Undated rows (an
/// allergy with no date) are kept: they are current.
pub fn within(
    s: RecordSection,
    rows: Vec<Value>,
    from: Option<&str>,
    to: Option<&str>,
) -> Vec<Value> {
    rows.into_iter()
        .filter(|r| match row_date(s, r).and_then(|d| d.get(..10)) {
            None => true,
            Some(d) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
        })
        .collect()
}

/// The printout of the chosen sections, in the member's language.
pub fn record_doc(
    lang: Lang,
    patient: Option<&Value>,
    parts: &[(RecordSection, Vec<Value>)],
    from: Option<&str>,
    to: Option<&str>,
    today: &str,
) -> ws_printout::RecordDoc {
    let name = patient
        .map(|p| {
            let n = &p["name"][0];
            let given: Vec<&str> = n["given"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            format!("{} {}", given.join(" "), n["family"].as_str().unwrap_or(""))
                .trim()
                .to_owned()
        })
        .unwrap_or_default();
    let birth = patient
        .and_then(|p| p["birthDate"].as_str())
        .map(|b| fmt_date(lang, b))
        .unwrap_or_default();
    let period = match (from, to) {
        (None, None) => t(lang, "rec.print.all-dates").to_owned(),
        (f, t_) => tf(
            lang,
            "rec.print.period",
            &[
                (
                    "from",
                    &f.map(|d| fmt_date(lang, d)).unwrap_or_else(|| "…".into()),
                ),
                (
                    "to",
                    &t_.map(|d| fmt_date(lang, d)).unwrap_or_else(|| "…".into()),
                ),
            ],
        ),
    };
    ws_printout::RecordDoc {
        lang: lang.code().to_owned(),
        title: t(lang, "rec.print.title").to_owned(),
        issuer: t(lang, "brand").to_owned(),
        member: name.clone(),
        member_line: tf(
            lang,
            "rec.print.member",
            &[("name", &name), ("birth", &birth)],
        ),
        period_line: period,
        generated: tf(
            lang,
            "rec.print.generated",
            &[("date", &fmt_date(lang, today))],
        ),
        page_word: t(lang, "rec.print.page").to_owned(),
        none_word: t(lang, "rec.none").to_owned(),
        note: t(lang, "rec.print.note").to_owned(),
        sections: parts
            .iter()
            .map(|(s, rows)| {
                let (headers, rows) = table(lang, *s, rows);
                ws_printout::Section {
                    title: t(lang, &format!("rec.{}.title", s.slug())).to_owned(),
                    headers,
                    rows: rows
                        .into_iter()
                        .map(|r| r.into_iter().map(|c| c.text).collect())
                        .collect(),
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "records/print.html")]
struct PrintPage<'a> {
    shell: &'a Shell,
    page_title: String,
    /// (slug, title)
    sections: Vec<(&'static str, String)>,
}

pub fn render_print(shell: &Shell, sections: &[RecordSection]) -> String {
    let lang = shell.lang;
    render(&PrintPage {
        shell,
        page_title: page_title(shell, t(lang, "rec.print.title"), false),
        sections: sections
            .iter()
            .map(|s| {
                (
                    s.slug(),
                    t(lang, &format!("rec.{}.title", s.slug())).to_owned(),
                )
            })
            .collect(),
    })
}

/// One request about the record, in words.
#[derive(Debug, Clone)]
/// An answered accounting of disclosures (HIP-03): its period and its lines.
pub struct AccountingView {
    pub title: String,
    /// Date, recipient, purpose, what was disclosed.
    pub rows: Vec<[String; 4]>,
}

pub struct RequestRow {
    pub kind: String,
    pub received: String,
    pub due: String,
    pub status: String,
    pub details: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "records/requests.html")]
struct RequestsPage<'a> {
    shell: &'a Shell,
    page_title: String,
    rows: Vec<RequestRow>,
    accountings: Vec<AccountingView>,
    typed: &'a super::requests::Typed,
    errors: &'a [crate::portal::views::FieldError],
}

impl RequestsPage<'_> {
    /// The problem of a field, if any.
    fn error(&self, id: &str) -> String {
        self.errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }

    /// What was typed in a field of the form of `kind`.
    fn typed(&self, kind: &str, what: &str) -> &str {
        if self.typed.kind != kind {
            return "";
        }
        match what {
            "recipient" => &self.typed.recipient,
            _ => &self.typed.details,
        }
    }
}

pub fn render_requests(
    shell: &Shell,
    list: &[ws_records::service::requests::RecordRequest],
    accountings: &[Accounting],
    typed: &super::requests::Typed,
    errors: &[crate::portal::views::FieldError],
) -> String {
    let lang = shell.lang;
    let accountings = accountings
        .iter()
        .map(|acc| (acc.period, &acc.list))
        .map(|((from, to), list)| AccountingView {
            title: tf(
                lang,
                "rec.req.accounting.list",
                &[
                    ("from", &fmt_date(lang, &from.to_string())),
                    ("to", &fmt_date(lang, &to.to_string())),
                ],
            ),
            rows: list
                .iter()
                .map(|d| {
                    [
                        fmt_date(lang, &d.on.to_string()),
                        d.recipient.clone(),
                        t(lang, &format!("rec.disc.purpose.{}", d.purpose.code())).to_owned(),
                        d.what.clone(),
                    ]
                })
                .collect(),
        })
        .collect();
    let rows = list
        .iter()
        .map(|r| {
            let status = if r.is_open() && r.extended {
                t(lang, "rec.req.status.extended")
            } else {
                t_opt(lang, &format!("rec.req.status.{}", r.status)).unwrap_or(&r.status)
            };
            RequestRow {
                kind: t(lang, &format!("rec.req.kind.{}", r.kind.code())).to_owned(),
                received: fmt_date(lang, &r.received.to_string()),
                due: fmt_date(lang, &r.due.to_string()),
                status: status.to_owned(),
                details: r.details.clone(),
                note: r.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    render(&RequestsPage {
        shell,
        page_title: page_title(shell, t(lang, "rec.req.title"), !errors.is_empty()),
        rows,
        accountings,
        typed,
        errors,
    })
}

pub use ws_records::service::disclosures::Accounting;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_and_ranges_in_words() {
        let o = json!({"valueQuantity": {"value": 147, "unit": "mmol/L"},
            "referenceRange": [{"low": {"value": 136}, "high": {"value": 145, "unit": "mmol/L"}}],
            "interpretation": [{"coding": [{"code": "H"}]}]});
        assert_eq!(value(&o), "147 mmol/L");
        assert_eq!(range(&o), "136–145 mmol/L");
        assert_eq!(flag(Lang::En, &o), "High");
        assert_eq!(flag(Lang::Es, &o), "Alto");
        let bp = json!({"component": [
            {"valueQuantity": {"value": 120, "unit": "mm[Hg]"}},
            {"valueQuantity": {"value": 80, "unit": "mm[Hg]"}}]});
        assert_eq!(value(&bp), "120/80 mm[Hg]");
        let sn = json!({"valueQuantity": {"value": 90, "comparator": ">", "unit": "mL/min"}});
        assert_eq!(value(&sn), ">90 mL/min");
        assert_eq!(status(Lang::Es, "final"), "Final");
        assert_eq!(status(Lang::En, "preliminary"), "Preliminary");
    }
}
