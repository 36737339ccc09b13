//! "Bring in records from a previous provider" (issue 16 §6): the member uploads a FHIR export
//! and follows what becomes of each item; clinicians reconcile the items of their panel on the
//! staff screen `/staff/reconcile` (add — never a silent duplicate —, already recorded, or not
//! added with the reason).

use askama::Template;
use axum::http::StatusCode;
use ws_records::RecordsError;
use ws_records::service::reconcile::{Decision, ItemStatus, OutsideItem};
use ws_records::service::record::RecordSection;

use crate::kit::{Acting, Form, Staff, Upload, WebError, WebResult, field, staff_page};
use crate::portal::Section;
use crate::portal::i18n::{fmt_date, t, tf};
use crate::portal::pages::{Input, page_title, render};
use crate::portal::views::{FieldError, Shell};

struct ItemRow {
    kind: String,
    name: String,
    from: String,
    received: String,
    status: String,
}

#[derive(Template)]
#[template(path = "records/bring_in.html")]
struct BringInPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: &'a [FieldError],
    source: Input,
    rows: Vec<ItemRow>,
}

/// An item's kind in words: the title of the record section that lists its type.
fn kind_words(lang: crate::portal::Lang, res_type: &str) -> String {
    let s = RecordSection::ALL
        .into_iter()
        .find(|s| s.query().0 == res_type)
        .unwrap_or(RecordSection::Medications);
    super::render::section_title(lang, s)
}

async fn view(
    a: &Acting,
    status: StatusCode,
    source: &str,
    errors: &[FieldError],
    notice: Option<String>,
) -> WebResult {
    if super::pages::sections(a).is_empty() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.record",
        });
    }
    let items = a.state.records.brought_in(&a.caller, &a.patient).await?;
    let mut sh = a.shell(Section::MedicalRecord).await;
    if let Some(n) = notice {
        sh.flash(crate::portal::FlashKind::Success, n);
    }
    let lang = sh.lang;
    let rows = items
        .iter()
        .map(|i: &OutsideItem| ItemRow {
            kind: kind_words(lang, &i.res_type),
            name: i.display.clone(),
            from: i.source.clone(),
            received: fmt_date(lang, &i.received),
            status: match i.status {
                ItemStatus::Open => t(lang, "rec.bring.status-open").to_owned(),
                ItemStatus::Added => t(lang, "rec.bring.status-added").to_owned(),
                ItemStatus::AlreadyRecorded => t(lang, "rec.bring.status-already").to_owned(),
                ItemStatus::Dismissed => tf(
                    lang,
                    "rec.bring.status-dismissed",
                    &[("why", i.reason.as_deref().unwrap_or(""))],
                ),
            },
        })
        .collect();
    let page = BringInPage {
        shell: &sh,
        page_title: page_title(&sh, t(lang, "rec.bring.title"), !errors.is_empty()),
        errors,
        source: Input::new(lang, errors, "source", "rec.bring.source", "text")
            .value(source)
            .hint(t(lang, "rec.bring.source-hint")),
        rows,
    };
    Ok(a.html(status, render(&page)))
}

pub(super) async fn page(a: Acting) -> WebResult {
    view(&a, StatusCode::OK, "", &[], None).await
}

pub(super) async fn upload(a: Acting, up: Upload) -> WebResult {
    let source = field(&up.fields, "source").unwrap_or("").trim().to_owned();
    let bytes = up
        .file
        .as_ref()
        .map(|(_, b)| b.as_ref())
        .unwrap_or_default();
    let made = a
        .state
        .records
        .bring_in(&a.caller, &a.patient, bytes, &source)
        .await?;
    match made {
        Ok(b) => {
            let msg = tf(
                a.lang,
                "rec.bring.done",
                &[
                    ("items", &b.items.to_string()),
                    ("total", &b.total.to_string()),
                ],
            );
            view(&a, StatusCode::OK, "", &[], Some(msg)).await
        }
        Err(problem) => {
            let e = FieldError::new("file", a.t(problem.key()));
            view(&a, StatusCode::BAD_REQUEST, &source, &[e], None).await
        }
    }
}

struct QueueRow {
    i: OutsideItem,
    member: String,
    duplicates: Vec<String>,
}

#[derive(Template)]
#[template(path = "records/reconcile.html")]
struct ReconcilePage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    rows: Vec<QueueRow>,
}

async fn render_queue(
    st: &Staff,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    if st.role != Some(ws_identity::StaffRole::Clinician) {
        return Err(WebError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "Only clinicians reconcile records brought in.".into(),
        });
    }
    let queue = st.state.records.reconcile_queue(&st.caller).await?;
    let mut rows = Vec::with_capacity(queue.len());
    for (i, duplicates) in queue {
        let member = match st
            .state
            .fhir
            .read_value(&st.caller, "Patient", &i.patient)
            .await
        {
            Ok(p) => ws_coverage::service::family::display_name(&p),
            Err(_) => i.patient.clone(),
        };
        rows.push(QueueRow {
            i,
            member,
            duplicates,
        });
    }
    let has = !errors.is_empty();
    staff_page(
        ReconcilePage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            rows,
        }
        .render(),
        has,
    )
}

pub(super) async fn queue(st: Staff) -> WebResult {
    render_queue(&st, None, Vec::new()).await
}

pub(super) async fn decide(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let d = match field(&f, "decision") {
        Some("add") => Decision::Add { anyway: false },
        Some("add-anyway") => Decision::Add { anyway: true },
        Some("already") => Decision::AlreadyRecorded,
        Some("dismiss") => Decision::Dismiss {
            reason: field(&f, "reason").unwrap_or("").to_owned(),
        },
        _ => return Err(WebError::BadRequest),
    };
    match st.state.records.reconcile(&st.caller, &id, &d).await {
        Ok(words) => render_queue(&st, Some(format!("{words}.")), Vec::new()).await,
        Err(RecordsError::Invalid(m) | RecordsError::Forbidden(m)) => {
            render_queue(&st, None, vec![(format!("item-{id}"), m)]).await
        }
        Err(e) => Err(e.into()),
    }
}
