//! "Share with a clinician" (issue 16 §4): the member makes a one-time link to chosen sections
//! of their record for an outside clinician, sees their links with where each stands, and
//! turns one off; the outside clinician opens `/shared/<token>` without signing in and reads
//! the sections (read with the sharer's own rights and audited as the link). An unknown,
//! expired, used or turned-off link answers one "not found" page.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use ws_records::RecordsError;
use ws_records::rules::share::LinkState;
use ws_records::service::record::RecordSection;
use ws_records::service::share::{ShareLink, Shared};

use crate::kit::{Acting, Form, Page, WebError, WebResult, field};
use crate::portal::i18n::{fmt_date, t, tf};
use crate::portal::pages::{Input, page_title, render};
use crate::portal::views::{FieldError, Shell};
use crate::portal::{Lang, Section};

use super::render::{Cell, section_title, table};

struct LinkRow {
    id: String,
    recipient: String,
    sections: String,
    expires: String,
    state: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "records/share.html")]
struct SharePage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: &'a [FieldError],
    /// (slug, title, ticked)
    sections: Vec<(&'static str, String, bool)>,
    recipient: Input,
    /// (days, in words, chosen)
    days: Vec<(i64, String, bool)>,
    links: Vec<LinkRow>,
    /// The address of a link just made (shown once).
    made: Option<String>,
}

fn when(lang: Lang, t_: jiff::Timestamp) -> String {
    let s = t_.to_string();
    fmt_date(lang, s.get(..10).unwrap_or(&s))
}

fn state_words(lang: Lang, s: LinkState) -> String {
    match s {
        LinkState::Waiting => t(lang, "rec.share.state-waiting").to_owned(),
        LinkState::Viewing { .. } => t(lang, "rec.share.state-viewing").to_owned(),
        LinkState::Used => t(lang, "rec.share.state-used").to_owned(),
        LinkState::Expired => t(lang, "rec.share.state-expired").to_owned(),
        LinkState::Revoked => t(lang, "rec.share.state-revoked").to_owned(),
    }
}

/// What the form held, to show again.
#[derive(Default)]
struct Typed {
    chosen: Vec<RecordSection>,
    recipient: String,
    days: i64,
}

impl Typed {
    /// An empty form: a week, nothing chosen.
    fn fresh() -> Typed {
        Typed {
            days: 7,
            ..Typed::default()
        }
    }
}

async fn view(
    a: &Acting,
    status: StatusCode,
    typed: &Typed,
    errors: &[FieldError],
    made: Option<String>,
) -> WebResult {
    let allowed = super::pages::sections(a);
    if allowed.is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let links = a.state.records.shares_for(&a.caller, &a.patient).await?;
    let sh = a.shell(Section::MedicalRecord).await;
    let lang = sh.lang;
    let rows = links
        .iter()
        .map(|l: &ShareLink| LinkRow {
            id: l.id.clone(),
            recipient: l.recipient.clone(),
            sections: l
                .sections
                .iter()
                .map(|s| section_title(lang, *s))
                .collect::<Vec<_>>()
                .join(", "),
            expires: when(lang, l.expires),
            state: state_words(lang, l.state),
            open: l.state.open(),
        })
        .collect();
    let page = SharePage {
        shell: &sh,
        page_title: page_title(&sh, t(lang, "rec.share.title"), !errors.is_empty()),
        errors,
        sections: allowed
            .iter()
            .map(|s| (s.slug(), section_title(lang, *s), typed.chosen.contains(s)))
            .collect(),
        recipient: Input::new(lang, errors, "recipient", "rec.share.recipient", "text")
            .value(&typed.recipient)
            .hint(t(lang, "rec.share.recipient-hint"))
            .autocomplete("off"),
        days: [1_i64, 3, 7, 14]
            .into_iter()
            .map(|d| {
                let words = if d == 1 {
                    t(lang, "rec.share.days-one").to_owned()
                } else {
                    tf(lang, "rec.share.days-n", &[("n", &d.to_string())])
                };
                (d, words, d == typed.days)
            })
            .collect(),
        links: rows,
        made,
    };
    Ok(a.html(status, render(&page)))
}

pub(super) async fn share_page(a: Acting) -> WebResult {
    view(&a, StatusCode::OK, &Typed::fresh(), &[], None).await
}

pub(super) async fn share_create(a: Acting, Form(f): Form) -> WebResult {
    let allowed = super::pages::sections(&a);
    let typed = Typed {
        chosen: f
            .iter()
            .filter(|(k, _)| k == "section")
            .filter_map(|(_, v)| RecordSection::from_slug(v))
            .filter(|s| allowed.contains(s))
            .collect(),
        recipient: field(&f, "recipient").unwrap_or("").trim().to_owned(),
        days: field(&f, "days")
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or(0),
    };
    let made = a
        .state
        .records
        .create_share(
            &a.caller,
            &a.patient,
            &typed.chosen,
            typed.days,
            &typed.recipient,
        )
        .await?;
    match made {
        Ok((token, _)) => {
            let base = a.state.identity.cfg.base_url.trim_end_matches('/');
            let url = format!("{base}/shared/{token}");
            view(&a, StatusCode::OK, &Typed::fresh(), &[], Some(url)).await
        }
        Err(problems) => {
            let errors: Vec<FieldError> = problems
                .iter()
                .map(|p| {
                    let (field, key) = p.field_and_key();
                    FieldError::new(field, a.t(key))
                })
                .collect();
            view(&a, StatusCode::BAD_REQUEST, &typed, &errors, None).await
        }
    }
}

pub(super) async fn share_revoke(a: Acting, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("");
    a.state
        .records
        .revoke_share(&a.caller, &a.patient, id)
        .await?;
    view(&a, StatusCode::OK, &Typed::fresh(), &[], None).await
}

struct SharedPart {
    slug: &'static str,
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

#[derive(Template)]
#[template(path = "records/shared.html")]
struct SharedPage<'a> {
    shell: &'a Shell,
    page_title: String,
    member: String,
    from_line: String,
    parts: Vec<SharedPart>,
}

/// What an outside clinician sees: the shared sections, read-only, nothing to follow.
pub(super) async fn shared(p: Page, Path(token): Path<String>) -> WebResult {
    let res = p
        .state
        .records
        .open_share(&token, Some(p.source.clone()))
        .await;
    let Shared {
        link,
        patient,
        parts,
    } = match res {
        Ok(s) => s,
        Err(RecordsError::NotFound(_)) => {
            return Err(WebError::Refused {
                status: StatusCode::NOT_FOUND,
                message: t(p.lang, "rec.share.gone").to_owned(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let sh = p.shell(Section::MedicalRecord).await;
    let lang = sh.lang;
    let member = patient
        .as_ref()
        .map(|v| {
            let n = &v["name"][0];
            let given: Vec<&str> = n["given"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| g.as_str())
                .collect();
            let name = format!("{} {}", given.join(" "), n["family"].as_str().unwrap_or(""));
            let birth = v["birthDate"]
                .as_str()
                .map(|b| fmt_date(lang, b))
                .unwrap_or_default();
            tf(
                lang,
                "rec.print.member",
                &[("name", name.trim()), ("birth", &birth)],
            )
        })
        .unwrap_or_default();
    let page = SharedPage {
        shell: &sh,
        page_title: page_title(&sh, t(lang, "rec.share.shared-title"), false),
        member,
        from_line: tf(
            lang,
            "rec.share.shared-for",
            &[
                ("recipient", &link.recipient),
                ("expires", &when(lang, link.expires)),
            ],
        ),
        parts: parts
            .iter()
            .map(|(s, rows)| {
                let (headers, rows) = table(lang, *s, rows);
                SharedPart {
                    slug: s.slug(),
                    title: section_title(lang, *s),
                    headers,
                    rows: rows
                        .into_iter()
                        .map(|r| {
                            r.into_iter()
                                .map(|c| Cell {
                                    text: c.text,
                                    href: String::new(),
                                })
                                .collect()
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    let mut r = p.html(StatusCode::OK, render(&page));
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    Ok(r)
}
