//! Member services' records desk: the open requests about records, the first due first, with
//! the ones near or past their legal deadline flagged (HIP-01..03); extend once with reasons,
//! complete or deny; disclosures made outside the portal recorded for the member's accounting
//! (HIP-03), with each open accounting request showing what it will list; and lab messages that
//! were not filed (work items) to resolve.

use askama::Template;
use ws_records::rules::disclosures::{Disclosure, Purpose};
use ws_records::service::requests::RecordRequest;
use ws_records::service::results::WorkItem;

use crate::kit::{Form, Staff, WebResult, field};

struct Row {
    r: RecordRequest,
    member: String,
    /// "overdue", "near" or "".
    urgency: &'static str,
    /// An accounting request: what its answer will list (HIP-03), one line each.
    accounting: Vec<String>,
}

/// A disclosure typed on the desk, kept when it comes back with a problem.
#[derive(Default)]
struct TypedDisclosure {
    mrn: String,
    on: String,
    recipient: String,
    purpose: String,
    what: String,
    basis: String,
}

#[derive(Template)]
#[template(path = "records/staff.html")]
struct DeskPage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    rows: Vec<Row>,
    items: Vec<WorkItem>,
    purposes: Vec<(&'static str, String)>,
    typed: TypedDisclosure,
}

/// A purpose in the staff's words (the portal's English text, the member reads the same).
fn purpose_words(p: Purpose) -> String {
    let key = format!("rec.disc.purpose.{}", p.code());
    crate::portal::i18n::t(crate::portal::Lang::En, &key).to_owned()
}

/// One line of an accounting: day, recipient, purpose, what.
fn accounting_line(d: &Disclosure) -> String {
    format!(
        "{} — {} — {} — {}",
        d.on,
        d.recipient,
        purpose_words(d.purpose),
        d.what
    )
}

impl DeskPage {
    fn kind_words(&self, r: &RecordRequest) -> &'static str {
        match r.kind {
            ws_records::rules::requests::RequestKind::Copy => "Copies (HIP-01)",
            ws_records::rules::requests::RequestKind::Amendment => "Amendment (HIP-02)",
            ws_records::rules::requests::RequestKind::Accounting => {
                "Accounting of disclosures (HIP-03)"
            }
        }
    }
}

async fn render(st: &Staff, notice: Option<String>, errors: Vec<(String, String)>) -> WebResult {
    render_typed(st, notice, errors, TypedDisclosure::default()).await
}

async fn render_typed(
    st: &Staff,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    typed: TypedDisclosure,
) -> WebResult {
    let svc = &st.state.records;
    let queue = svc.request_queue(&st.caller).await?;
    let items = svc.work_items(&st.caller).await?;
    let mut rows = Vec::new();
    for r in queue {
        let member = member_name(st, &r.patient).await;
        let urgency = if r.clock.overdue {
            "overdue"
        } else if r.clock.near {
            "near"
        } else {
            ""
        };
        let accounting = match r.kind {
            ws_records::rules::requests::RequestKind::Accounting => {
                let acc = svc.accounting(&st.caller, &r).await?;
                let (from, to) = acc.period;
                let fee = if acc.free {
                    "First accounting in 12 months: free."
                } else {
                    "Not the first accounting in 12 months: a reasonable, cost-based fee may be charged only if the member is told first and may withdraw or change the request (HIP-03)."
                };
                [
                    fee.to_owned(),
                    format!(
                        "Lists {} disclosure(s) made {from} to {to}:",
                        acc.list.len()
                    ),
                ]
                .into_iter()
                .chain(acc.list.iter().map(accounting_line))
                .collect()
            }
            _ => Vec::new(),
        };
        rows.push(Row {
            r,
            member,
            urgency,
            accounting,
        });
    }
    let page = DeskPage {
        csrf: st.csrf(),
        staff_name: st.info.account.display_name.clone(),
        notice,
        errors,
        rows,
        items,
        purposes: Purpose::ALL
            .iter()
            .map(|p| {
                let listed = if p.accountable() {
                    "listed"
                } else {
                    "not listed"
                };
                (p.code(), format!("{} ({listed})", purpose_words(*p)))
            })
            .collect(),
        typed,
    };
    let has_errors = !page.errors.is_empty();
    crate::kit::staff_page(page.render(), has_errors)
}

/// The member's name and MRN, read as the records desk (audited under the staff member).
async fn member_name(st: &Staff, patient: &str) -> String {
    let svc = st.caller.as_service(patient, "records desk: member name");
    match st.state.fhir.read_value(&svc, "Patient", patient).await {
        Ok(p) => ws_coverage::service::family::display_name(&p),
        Err(_) => patient.to_owned(),
    }
}

pub(super) async fn desk(st: Staff) -> WebResult {
    render(&st, None, Vec::new()).await
}

/// The outcome of a desk action: the notice, or the refusal in words at the request's row.
async fn reply(st: Staff, id: &str, res: ws_records::service::Result<String>) -> WebResult {
    match res {
        Ok(n) => render(&st, Some(n), Vec::new()).await,
        Err(ws_records::RecordsError::Invalid(m)) => {
            render(&st, None, vec![(format!("row-{id}"), m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn extend(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let reasons = field(&f, "reasons").unwrap_or("").to_owned();
    let new_due = match field(&f, "new_due")
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                return reply(
                    st,
                    &id,
                    Err(ws_records::RecordsError::Invalid(format!(
                        "'{d}' is not a date (YYYY-MM-DD)"
                    ))),
                )
                .await;
            }
        },
    };
    let res = st
        .state
        .records
        .extend_request(&st.caller, &id, &reasons, new_due)
        .await
        .map(|r| format!("Extended to {}; the member was sent the reasons.", r.due));
    reply(st, &id, res).await
}

pub(super) async fn close(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let granted = field(&f, "outcome") == Some("done");
    let message = field(&f, "message").unwrap_or("").to_owned();
    let res = st
        .state
        .records
        .close_request(&st.caller, &id, granted, &message)
        .await
        .map(|_| {
            if granted {
                "Closed as done; the member was told.".to_owned()
            } else {
                "Denied in writing; the member was told.".to_owned()
            }
        });
    reply(st, &id, res).await
}

pub(super) async fn resolve(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let note = field(&f, "note").unwrap_or("").to_owned();
    let res = st
        .state
        .records
        .resolve_work_item(&st.caller, &id, &note)
        .await
        .map(|()| "The lab message is marked resolved.".to_owned());
    reply(st, &id, res).await
}

/// Record a disclosure made outside the portal (HIP-03): the member by MRN, the day, the
/// recipient, the purpose, what was disclosed and the basis. Refused in words, what was typed
/// kept.
pub(super) async fn disclosure(st: Staff, Form(f): Form) -> WebResult {
    let typed = TypedDisclosure {
        mrn: field(&f, "mrn").unwrap_or("").trim().to_owned(),
        on: field(&f, "on").unwrap_or("").trim().to_owned(),
        recipient: field(&f, "recipient").unwrap_or("").trim().to_owned(),
        purpose: field(&f, "purpose").unwrap_or("").to_owned(),
        what: field(&f, "what").unwrap_or("").trim().to_owned(),
        basis: field(&f, "basis").unwrap_or("").trim().to_owned(),
    };
    let problem = |field: &str, m: &str| vec![(format!("disclosure-{field}"), m.to_owned())];
    let Some((patient, name)) = super::patient_by_mrn(&st, &typed.mrn).await? else {
        let e = problem("mrn", "No member has this record number.");
        return render_typed(&st, None, e, typed).await;
    };
    let Ok(on) = typed.on.parse() else {
        let e = problem("on", "Enter the day of the disclosure as YYYY-MM-DD.");
        return render_typed(&st, None, e, typed).await;
    };
    let Some(purpose) = Purpose::from_code(&typed.purpose) else {
        let e = problem("purpose", "Choose the purpose of the disclosure.");
        return render_typed(&st, None, e, typed).await;
    };
    let d = Disclosure {
        on,
        recipient: typed.recipient.clone(),
        purpose,
        what: typed.what.clone(),
        basis: typed.basis.clone(),
    };
    match st
        .state
        .records
        .record_disclosure(&st.caller, &patient, &d)
        .await
    {
        Ok(_) => {
            let listed = if purpose.accountable() {
                "it will be listed in their accounting of disclosures"
            } else {
                "its purpose is not listed in an accounting (HIP-03)"
            };
            let n = format!("Disclosure recorded for {name}; {listed}.");
            render(&st, Some(n), Vec::new()).await
        }
        Err(ws_records::RecordsError::Invalid(m)) => {
            render_typed(&st, None, problem("form", &m), typed).await
        }
        Err(e) => Err(e.into()),
    }
}
