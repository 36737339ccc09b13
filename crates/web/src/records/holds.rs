//! The clinicians' results screen (HIP-08): find a patient of the care team by MRN, see their
//! lab reports, hold one with an individual harm determination (basis and reason), and release
//! what is held — the member is told when a held result is released. Other roles are refused:
//! a hold is a licensed clinician's decision.

use askama::Template;
use axum::http::StatusCode;
use serde_json::Value;
use ws_identity::StaffRole;
use ws_records::RecordsError;
use ws_records::rules::hold::{self, Basis, Hold};
use ws_records::service::hold::HeldReport;

use crate::kit::{Form, Staff, WebError, WebResult, field, form, staff_page};

/// One report on the screen.
struct ReportRow {
    id: String,
    date: String,
    test: String,
    status: String,
    results: usize,
    hold: Option<Hold>,
}

impl ReportRow {
    fn of(dr: &Value) -> ReportRow {
        let date = dr["effectiveDateTime"]
            .as_str()
            .or_else(|| dr["issued"].as_str())
            .unwrap_or_default();
        ReportRow {
            id: dr["id"].as_str().unwrap_or_default().to_owned(),
            date: date.get(..10).unwrap_or(date).to_owned(),
            test: super::render::concept(&dr["code"]),
            status: dr["status"].as_str().unwrap_or_default().to_owned(),
            results: dr["result"].as_array().map_or(0, Vec::len),
            hold: hold::hold_of(dr),
        }
    }
}

struct HeldRow {
    member: String,
    row: ReportRow,
}

#[derive(Template)]
#[template(path = "records/holds.html")]
struct HoldsPage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    mrn: String,
    searched: bool,
    member: Option<(String, String)>,
    reports: Vec<ReportRow>,
    held: Vec<HeldRow>,
    bases: Vec<(&'static str, &'static str, &'static str)>,
}

impl HoldsPage {
    fn basis_words(&self, h: &Hold) -> String {
        let name = match h.basis {
            Basis::LifeOrSafety => "Danger to life or physical safety",
            Basis::SubstantialHarm => "Substantial harm (representatives only)",
        };
        format!("{name}: hidden from {}", h.basis.hidden_from())
    }
}

fn only_clinicians(st: &Staff) -> Result<(), WebError> {
    if st.role == Some(StaffRole::Clinician) {
        Ok(())
    } else {
        Err(WebError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "Only clinicians hold or release results (HIP-08).".into(),
        })
    }
}

async fn render(
    st: &Staff,
    mrn: &str,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    only_clinicians(st)?;
    let svc = &st.state.records;
    let mrn = mrn.trim();
    let member = if mrn.is_empty() {
        None
    } else {
        super::patient_by_mrn(st, mrn).await?
    };
    let reports = match &member {
        Some((id, _)) => svc
            .patient_reports(&st.caller, id)
            .await?
            .iter()
            .map(ReportRow::of)
            .collect(),
        None => Vec::new(),
    };
    let mut held = Vec::new();
    for HeldReport {
        report, patient, ..
    } in svc.held_reports(&st.caller).await?
    {
        let member = match st
            .state
            .fhir
            .read_value(&st.caller, "Patient", &patient)
            .await
        {
            Ok(p) => ws_coverage::service::family::display_name(&p),
            Err(_) => patient.clone(),
        };
        held.push(HeldRow {
            member,
            row: ReportRow::of(&report),
        });
    }
    let has = !errors.is_empty();
    staff_page(
        HoldsPage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            mrn: mrn.to_owned(),
            searched: !mrn.is_empty(),
            member,
            reports,
            held,
            bases: vec![
                (
                    Basis::LifeOrSafety.code(),
                    "Danger to the life or physical safety of the member or another person",
                    "Hidden from the member and from everyone acting for them.",
                ),
                (
                    Basis::SubstantialHarm.code(),
                    "Substantial harm, if people acting for the member see it",
                    "Hidden from parents, caregivers and representatives; the member sees it.",
                ),
            ],
        }
        .render(),
        has,
    )
}

pub(super) async fn screen(st: Staff) -> WebResult {
    let f = form(st.query.as_deref().unwrap_or("").as_bytes());
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    render(&st, &mrn, None, Vec::new()).await
}

/// A refusal the clinician can act on stays on the screen, next to the form.
async fn answer(st: Staff, mrn: &str, id: &str, res: Result<String, RecordsError>) -> WebResult {
    match res {
        Ok(notice) => render(&st, mrn, Some(notice), Vec::new()).await,
        Err(RecordsError::Invalid(m) | RecordsError::Forbidden(m)) => {
            render(&st, mrn, None, vec![(format!("hold-{id}"), m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn place(st: Staff, Form(f): Form) -> WebResult {
    only_clinicians(&st)?;
    let id = field(&f, "id").unwrap_or("").to_owned();
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    let Some(basis) = field(&f, "basis").and_then(Basis::from_code) else {
        return render(
            &st,
            &mrn,
            None,
            vec![(format!("hold-{id}"), "choose the basis of the hold".into())],
        )
        .await;
    };
    let reason = field(&f, "reason").unwrap_or("");
    let res = st
        .state
        .records
        .hold_result(&st.caller, &id, basis, reason)
        .await
        .map(|h| {
            format!(
                "Result held from {}. It stays held, corrections included, until a clinician releases it.",
                h.basis.hidden_from()
            )
        });
    answer(st, &mrn, &id, res).await
}

pub(super) async fn release(st: Staff, Form(f): Form) -> WebResult {
    only_clinicians(&st)?;
    let id = field(&f, "id").unwrap_or("").to_owned();
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    let res = st
        .state
        .records
        .release_result(&st.caller, &id)
        .await
        .map(|()| "Result released; the member was told a result is ready.".to_owned());
    answer(st, &mrn, &id, res).await
}
