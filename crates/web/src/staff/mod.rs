//! Staff pages: member services looks up a member (through the FHIR service, so the lookup is
//! authorized and audited like any read) and records legal authority or a parent link after
//! checking documents (DOMAIN.md PRX-05).

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::Value;
use ws_identity::{Caller, StaffRole};

use crate::AppState;
use crate::kit::{Fields, Staff, WebError, WebResult, field, form};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_page))
        .route("/staff/grants", post(crate::identity::staff::record))
        .merge(crate::coverage::staff_routes())
        .merge(crate::records::staff_routes())
}

struct MemberRow {
    id: String,
    name: String,
    birth: String,
    /// (name, relationship, since, documents)
    grants: Vec<(String, String, String, String)>,
    /// Coverage today, in words.
    coverage: String,
    /// The family's coverage rows in words.
    family: Vec<String>,
    deceased: Option<String>,
    address: (String, String, String, String),
    mobile: String,
    /// Medicare members: Part A and B and the elections used, in words.
    medicare: String,
}

#[derive(Template)]
#[template(path = "staff/desk.html")]
struct StaffPage {
    csrf: String,
    staff_name: String,
    role: &'static str,
    mrn: String,
    searched: bool,
    members: Vec<MemberRow>,
    can_record: bool,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    /// Every plan on offer (code, name), for the change-plan form.
    plans: Vec<(String, String)>,
}

async fn lookup(s: &AppState, caller: &Caller, mrn: &str) -> Result<Vec<MemberRow>, String> {
    let pairs = vec![("identifier".to_owned(), mrn.to_owned())];
    let bundle = s
        .fhir
        .search(caller, "Patient", &pairs, false, None)
        .await
        .map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&bundle).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for e in v["entry"].as_array().cloned().unwrap_or_default() {
        let r = &e["resource"];
        let Some(id) = r["id"].as_str() else { continue };
        let facts = ws_identity::service::PatientFacts::from_json(id, r);
        let grants = s
            .identity
            .grants_on(id)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|g| {
                (
                    g.grantee_name,
                    g.relationship,
                    g.granted_on,
                    g.document.unwrap_or_default(),
                )
            })
            .collect();
        let today = s.coverage.clock().today();
        let coverage = match s.coverage.status(caller, id, today).await {
            Ok(st) => match (&st.coverage, st.is_active()) {
                (Some(c), true) => format!(
                    "Covered today: {} (group {}), since {}",
                    c.plan_name, c.group, c.start
                ),
                (Some(c), false) => format!(
                    "Not covered today; last coverage {} {} to {}",
                    c.plan_name,
                    c.start,
                    c.end.map(|e| e.to_string()).unwrap_or_default()
                ),
                (None, _) => "No coverage on record".to_owned(),
            },
            Err(e) => format!("Coverage not shown: {e}"),
        };
        let family = match s.coverage.family(caller, id, today).await {
            Ok(f) => f
                .rows
                .iter()
                .map(|r| {
                    format!(
                        "{} ({:?}): {} {} to {}",
                        f.name_of(&r.member),
                        r.relationship,
                        r.plan_code,
                        r.start,
                        r.end.map_or_else(|| "open".to_owned(), |e| e.to_string())
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let medicare = medicare_line(s, caller, id, r).await;
        let addr = &r["address"][0];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        out.push(MemberRow {
            id: id.to_owned(),
            name: facts.display_name(),
            birth: facts.birth.map(|b| b.to_string()).unwrap_or_default(),
            grants,
            coverage,
            family,
            deceased: r["deceasedDateTime"].as_str().map(str::to_owned),
            address: (
                text(&addr["line"][0]),
                text(&addr["city"]),
                text(&addr["state"]),
                text(&addr["postalCode"]),
            ),
            mobile: r["telecom"]
                .as_array()
                .and_then(|t| t.iter().find(|x| x["use"] == "mobile"))
                .map(|x| text(&x["value"]))
                .unwrap_or_default(),
            medicare,
        });
    }
    Ok(out)
}

/// Part A and B and the Medicare elections used, for a member with Medicare facts on record.
async fn medicare_line(s: &AppState, caller: &Caller, id: &str, patient: &Value) -> String {
    let (a, b) = ws_coverage::service::medicare::entitlement_of(patient);
    let used = s.coverage.elections(caller, id).await.unwrap_or_default();
    if a.is_none() && b.is_none() && used.is_empty() {
        return String::new();
    }
    let date =
        |d: Option<jiff::civil::Date>| d.map_or_else(|| "not recorded".into(), |d| d.to_string());
    let elections = if used.is_empty() {
        "none".to_owned()
    } else {
        used.iter()
            .map(|e| format!("{} on {}", e.election.code(), e.made_on))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Medicare: Part A from {}, Part B from {}; elections used: {elections}.",
        date(a),
        date(b)
    )
}

/// The staff desk: the search form, the members found, and what was just done.
pub(crate) async fn render(
    st: &Staff,
    mrn: &str,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    let (s, caller, role) = (&st.state, &st.caller, st.role);
    let (members, errors) = if mrn.trim().is_empty() {
        (Vec::new(), errors)
    } else {
        match lookup(s, caller, mrn.trim()).await {
            Ok(m) => (m, errors),
            Err(e) => {
                let mut errs = errors;
                errs.push(("mrn".into(), format!("The lookup was refused: {e}")));
                (Vec::new(), errs)
            }
        }
    };
    let mut plans: Vec<(String, String)> = Vec::new();
    for p in s.coverage.plans(caller, None).await.unwrap_or_default() {
        if !plans.iter().any(|(c, _)| *c == p.code) {
            plans.push((p.code, p.name));
        }
    }
    let page = StaffPage {
        csrf: st.csrf(),
        staff_name: st.info.account.display_name.clone(),
        role: role.map_or("staff", StaffRole::as_str),
        mrn: mrn.to_owned(),
        searched: !mrn.trim().is_empty(),
        members,
        can_record: role == Some(StaffRole::MemberServices),
        notice,
        errors,
        plans,
    };
    let has_errors = !page.errors.is_empty();
    crate::kit::staff_page(page.render(), has_errors)
}

async fn staff_page(st: Staff) -> WebResult {
    let f = form(st.query.as_deref().unwrap_or("").as_bytes());
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    render(&st, &mrn, None, Vec::new()).await
}

/// The address and mobile of a contact form (portal and staff pages share the fields).
pub(crate) fn contact_form(
    f: &[(String, String)],
) -> (ws_coverage::service::changes::Address, Option<String>) {
    let get = |k: &str| field(f, k).unwrap_or("").trim().to_owned();
    let address = ws_coverage::service::changes::Address {
        lines: vec![get("line")],
        city: get("city"),
        state: get("state").to_ascii_uppercase(),
        postal_code: get("postal_code"),
    };
    (address, Some(get("mobile")).filter(|p| !p.is_empty()))
}

/// A member-services form: only that role records life events and corrections.
pub(crate) fn member_services(st: Staff, f: Fields, what: &str) -> Result<MsForm, WebError> {
    if st.role != Some(StaffRole::MemberServices) {
        return Err(WebError::Refused {
            status: StatusCode::FORBIDDEN,
            message: format!("Only member services {what}."),
        });
    }
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    let patient = field(&f, "patient").unwrap_or("").to_owned();
    Ok(MsForm {
        st,
        f,
        mrn,
        patient,
    })
}

/// A member-services form, checked: who posted it, its fields, and the member it is about.
pub(crate) struct MsForm {
    pub st: Staff,
    pub f: Fields,
    pub mrn: String,
    pub patient: String,
}

impl MsForm {
    pub fn caller(&self) -> &Caller {
        &self.st.caller
    }
}

/// The staff page after a change: the notice, or the refusal shown at `field`.
pub(crate) async fn reply(ms: MsForm, res: Result<String, String>, field: &str) -> WebResult {
    let (notice, errors) = match res {
        Ok(n) => (Some(n), Vec::new()),
        Err(e) => (None, vec![(format!("{field}-{}", ms.patient), e)]),
    };
    render(&ms.st, &ms.mrn, notice, errors).await
}
