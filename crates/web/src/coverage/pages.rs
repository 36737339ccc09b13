//! Coverage in the portal: what the person chosen in the switcher is covered by, their family,
//! plan changes, adding a dependent, the ID card (page, PDF, wallet image), care away from
//! home. Every read and write goes through the coverage service with that person's caller.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use jiff::civil::Date;
use ws_coverage::rules::Relationship;
use ws_coverage::rules::windows::LifeEvent;
use ws_coverage::service::changes::NewDependent;
use ws_coverage::service::family::PlanSummary;
use ws_coverage::service::notices::Notice;
use ws_coverage::{CoverageError, CoverageService};

use crate::kit::{Acting, Form, WebError, WebResult, field, form};
use crate::portal::{self as ui, FieldError, Section};

use super::render;

/// Coverage pages are offered only to whoever may see this person's coverage (a parent acting
/// for a teen may not: PRX-03); anyone else is told why.
fn covered(a: &Acting) -> Result<(), WebError> {
    a.require_view("Coverage", "notfor.coverage")
}

fn money(c: u64) -> String {
    format!("${c}")
}

impl From<CoverageError> for WebError {
    fn from(e: CoverageError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            WebError::internal(e)
        } else if status == StatusCode::NOT_FOUND {
            WebError::NotFound
        } else if let Some(said) = e.explanation() {
            // Said in the page's language when the error page is drawn.
            WebError::RefusedSaid { status, said }
        } else {
            WebError::Refused {
                status,
                message: e.explain(),
            }
        }
    }
}

pub(super) async fn overview(a: Acting) -> WebResult {
    covered(&a)?;
    let q = a.query.clone();
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    overview_page(&a, field(&f, "date"), None, None).await
}

/// Correct the address and mobile. Each field is checked on its own (SEED-14); a form with a
/// problem comes back with what the member typed, each problem at its field and summarised at
/// the top (focus moves there), and nothing is saved.
pub(super) async fn update_contact(a: Acting, Form(f): Form) -> WebResult {
    use ws_coverage::rules::contact::{self, ContactInput};
    covered(&a)?;
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let typed = ContactInput {
        line: get("line"),
        city: get("city"),
        state: get("state"),
        postal_code: get("postal_code"),
        mobile: get("mobile"),
    };
    let problems = contact::problems(&typed);
    if !problems.is_empty() {
        let errors = problems
            .into_iter()
            .map(|(field, code)| {
                FieldError::new(field, a.t(&format!("cov.contact.problem.{code}")))
            })
            .collect();
        let form = render::ContactForm {
            values: typed,
            errors,
        };
        return overview_page(&a, None, None, Some(form)).await;
    }
    let address = ws_coverage::service::changes::Address {
        lines: vec![typed.line.clone()],
        city: typed.city.clone(),
        state: typed.state.to_ascii_uppercase(),
        postal_code: typed.postal_code.clone(),
    };
    let phone = contact::mobile_e164(&typed.mobile);
    match a
        .state
        .coverage
        .update_contact(&a.caller, &a.patient, Some(address), phone)
        .await
    {
        Ok(()) => {
            let saved = a.t("cov.contact.saved").to_owned();
            overview_page(&a, None, Some(saved), None).await
        }
        Err(e) if e.status() < 500 => {
            let form = render::ContactForm {
                values: typed,
                errors: vec![FieldError::new("", e.explain_in(a.lang))],
            };
            overview_page(&a, None, None, Some(form)).await
        }
        Err(e) => Err(WebError::internal(e)),
    }
}

async fn overview_page(
    a: &Acting,
    date: Option<&str>,
    saved: Option<String>,
    typed: Option<render::ContactForm>,
) -> WebResult {
    let today = a.state.coverage.clock().today();
    let mut v = render::CoverageView::default();
    let on = match date.filter(|d| !d.is_empty()) {
        Some(d) => match d.parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                v.date_error = ui::i18n::tf(a.lang, "cov.date-error", &[("value", d)]);
                today
            }
        },
        None => today,
    };
    v.check_date = on.to_string();
    let m = &a.state.coverage;
    let (caller, patient) = (&a.caller, &a.patient);
    let st = match m.status(caller, patient, on).await {
        Ok(st) => st,
        Err(e) => return Err(e.into()),
    };
    v.member_name = st.name.clone();
    v.mrn = st.mrn.clone().unwrap_or_default();
    v.status_code = st.code().to_owned();
    let on_s = on.to_string();
    v.status_words = match &st.status {
        ws_coverage::rules::eligibility::Status::Active => {
            ui::i18n::tf(a.lang, "cov.covered-on", &[("date", &on_s)])
        }
        ws_coverage::rules::eligibility::Status::ActivePendingPayment => {
            ui::i18n::tf(a.lang, "cov.pending", &[("date", &on_s)])
        }
        ws_coverage::rules::eligibility::Status::NotActive { reason } => ui::i18n::tf(
            a.lang,
            "cov.not-covered",
            &[("date", &on_s), ("reason", reason)],
        ),
    };
    let lang = a.lang;
    let period_words = |start: Date, end: Option<Date>| match end {
        Some(e) => ui::i18n::tf(
            lang,
            "cov.range",
            &[("from", &start.to_string()), ("to", &e.to_string())],
        ),
        None => ui::i18n::tf(lang, "cov.since", &[("date", &start.to_string())]),
    };
    let ind_fam = |a: u64, b: u64| {
        ui::i18n::tf(
            lang,
            "cov.ind-fam",
            &[("ind", &money(a)), ("fam", &money(b))],
        )
    };
    if let Some(c) = &st.coverage {
        v.plan_name = c.plan_name.clone();
        v.period = period_words(c.start, c.end);
        v.group = c.group_name.clone();
    }
    v.pcp = st
        .pcp
        .clone()
        .unwrap_or_else(|| ui::t(lang, "cov.none-chosen").to_owned());
    if let Some(p) = &st.plan {
        v.plan_kind = p.kind.clone();
        v.metal_tier = p.metal_tier.clone().unwrap_or_default();
        v.plan_year = p.year.clone().unwrap_or_default();
        v.deductible = p.deductible.map_or_else(
            || ui::t(lang, "cov.none").to_owned(),
            |(a, b)| ind_fam(a, b),
        );
        v.oop_max = p.oop_max.map_or_else(
            || ui::t(lang, "cov.none").to_owned(),
            |(a, b)| match b {
                Some(b) => ind_fam(a, b),
                None => money(a),
            },
        );
        v.benefits = p
            .benefits
            .iter()
            .map(|(_, d, c)| (d.clone(), c.clone()))
            .collect();
        v.extras = p.extras.clone();
    }
    if let Ok(fam) = m.family(caller, patient, on).await {
        for row in fam.rows.iter().filter(|x| x.end.is_none_or(|e| e >= on)) {
            v.family.push(render::FamilyRow {
                name: fam.name_of(&row.member),
                relationship: render::relationship_words(lang, row.relationship),
                plan: row.plan_name.clone(),
                period: period_words(row.start, row.end),
                status: ui::t(
                    lang,
                    if row.covers(on) {
                        "cov.covered"
                    } else {
                        "cov.starts-later"
                    },
                )
                .to_owned(),
            });
        }
        v.can_manage = fam.subscriber == *patient
            && CoverageService::authorize_manage(caller, patient).is_ok();
        if CoverageService::authorize_manage(caller, patient).is_ok()
            && let Some(p) = fam.patients.get(patient)
        {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            let a = &p["address"][0];
            v.contact = Some(typed.clone().unwrap_or_else(|| {
                render::ContactForm {
                    values: ws_coverage::rules::contact::ContactInput {
                        line: text(&a["line"][0]),
                        city: text(&a["city"]),
                        state: text(&a["state"]),
                        postal_code: text(&a["postalCode"]),
                        mobile: p["telecom"]
                            .as_array()
                            .and_then(|t| t.iter().find(|x| x["use"] == "mobile"))
                            .map(|x| text(&x["value"]))
                            .unwrap_or_default(),
                    },
                    errors: Vec::new(),
                }
            }));
        }
    }
    if let Some(region) = &st.home_region {
        v.home_coverage = ui::i18n::tf(
            lang,
            "cov.home-coverage",
            &[("region", &ws_coverage::service::card::title_case(region))],
        );
    }
    // The plans open to this member (their market's, Medicare plans for a Medicare member) and
    // their Medicare facts for the windows panel.
    let options = m.plan_options(caller, patient, today).await.ok();
    if v.can_manage
        && let Some(o) = options.as_ref().filter(|o| o.can_change)
    {
        v.plan_choices = o
            .others
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect();
    }
    let market = st.coverage.as_ref().map_or(
        ws_coverage::rules::Market::EmployerGroup,
        ws_coverage::service::changes::market_of,
    );
    let facts = options.as_ref().and_then(|o| o.medicare);
    for mut w in
        ws_coverage::rules::windows::open_windows_for(market, today, &m.rules, facts.as_ref())
    {
        // The employer's own open enrollment: the group's dates (Wellspring's default when the
        // group has none of its own), the same ones the rules check a request against.
        if market == ws_coverage::rules::Market::EmployerGroup && w.rule == "SEED-15" {
            let g = ws_coverage::service::changes::employer_window(today);
            w.start = Some(g.start);
            w.end = Some(g.end);
            w.effective = ws_i18n::said::Said::new("effective-on").date("date", g.effective);
            w.open = g.start <= today && today <= g.end;
        }
        let dates = match (w.start, w.end) {
            (Some(a), Some(b)) => ui::i18n::tf(
                lang,
                "cov.range",
                &[
                    ("from", &ws_i18n::messages::fmt_date(lang, &a.to_string())),
                    ("to", &ws_i18n::messages::fmt_date(lang, &b.to_string())),
                ],
            ),
            _ if w.needs_event => ui::t(lang, "cov.after-event").to_owned(),
            _ => ui::t(lang, "cov.any-time").to_owned(),
        };
        let open = if w.used {
            ui::t(lang, "cov.used")
        } else if w.open {
            ui::t(lang, "cov.yes")
        } else {
            ui::t(lang, "cov.no")
        };
        v.windows.push((
            w.name.sentence(lang),
            dates,
            w.effective.sentence(lang),
            open.to_owned(),
        ));
    }
    let mut sh = a.shell(Section::Coverage).await;
    if let Some(text) = saved {
        sh.flash(ui::FlashKind::Success, text);
    }
    let status =
        if v.date_error.is_empty() && v.contact.as_ref().is_none_or(|c| c.errors.is_empty()) {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
    Ok(a.html(status, render::render_coverage(&sh, &v)))
}

pub(super) async fn add_member_page(a: Acting) -> WebResult {
    covered(&a)?;
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(
        StatusCode::OK,
        render::render_add_member(&sh, "", ["", "", "", ""]),
    ))
}

pub(super) async fn add_member(a: Acting, Form(f): Form) -> WebResult {
    covered(&a)?;
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let (given, family, birth, event_date) = (
        get("given"),
        get("family"),
        get("birth_date"),
        get("event_date"),
    );
    let values = [
        given.as_str(),
        family.as_str(),
        birth.as_str(),
        event_date.as_str(),
    ];
    let Ok(birth_date) = birth.parse::<Date>() else {
        return add_fail(&a, a.t("add.bad-birth").to_owned(), values).await;
    };
    let Ok(ev_date) = event_date.parse::<Date>() else {
        return add_fail(&a, a.t("add.bad-event-date").to_owned(), values).await;
    };
    let Some(event) = ws_coverage::service::changes::life_event(&get("event"), ev_date) else {
        return add_fail(&a, a.t("add.choose-event").to_owned(), values).await;
    };
    let Some(relationship) = ws_coverage::rules::Relationship::from_x12(&get("relationship"))
    else {
        return add_fail(&a, a.t("add.choose-rel").to_owned(), values).await;
    };
    let d = NewDependent {
        given: given.clone(),
        family: family.clone(),
        birth_date,
        gender: get("gender"),
        relationship,
        event,
    };
    match a
        .state
        .coverage
        .add_dependent(&a.caller, &a.patient, d, a.state.coverage.clock().today())
        .await
    {
        Ok(out) => {
            // A parent adding their own child reaches the child's record from the person
            // switcher at once (issue 13): a parent link, checked by identity against the
            // coverage just written (the child is a dependent on the parent's family coverage;
            // the scope follows the child's age, PRX-02/03). A legal representative acting for
            // the subscriber gets no such link.
            if relationship.is_child()
                && a.me.info.account.patient_id.as_deref() == Some(a.patient.as_str())
                && let Some(child) = &out.patient
            {
                let account = &a.me.info.account;
                match a.state.identity.request_parent_access(account, child).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(why)) => tracing::info!(?why, "no parent link for the child added"),
                    Err(e) => tracing::error!(error = %e, "parent link for the child added"),
                }
            }
            let mut sh = a.shell(Section::Coverage).await;
            let effective = out.effective.map(|d| d.to_string()).unwrap_or_default();
            let mut text = ui::i18n::tf(
                a.lang,
                "add.done",
                &[
                    ("name", &format!("{given} {family}")),
                    ("date", &effective),
                    ("window", &out.window.in_lang(a.lang)),
                    ("mrn", &out.mrn.clone().unwrap_or_default()),
                ],
            );
            for n in &out.notes {
                text.push(' ');
                text.push_str(&n.sentence(a.lang));
            }
            sh.flash(ui::FlashKind::Success, text);
            Ok(a.html(
                StatusCode::OK,
                render::render_add_member(&sh, "", ["", "", "", ""]),
            ))
        }
        Err(e) if e.status() < 500 => add_fail(&a, e.explain_in(a.lang), values).await,
        Err(e) => Err(WebError::internal(e)),
    }
}

async fn add_fail(a: &Acting, msg: String, values: [&str; 4]) -> WebResult {
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render::render_add_member(&sh, &msg, values),
    ))
}

/// The plan, reason and event date of a plan-change form (the review page's query, or the
/// confirmation's body).
fn change_request(f: &[(String, String)]) -> (String, Option<LifeEvent>, String, String) {
    let plan = field(f, "plan").unwrap_or("").trim().to_owned();
    let kind = field(f, "event").unwrap_or("").trim().to_owned();
    let date = field(f, "event_date").unwrap_or("").trim().to_owned();
    let event = match (kind.as_str(), date.parse::<Date>()) {
        ("", _) | (_, Err(_)) => None,
        (k, Ok(d)) => ws_coverage::service::changes::life_event(k, d),
    };
    (plan, event, kind, date)
}

/// A refused plan change, as its own page: why in words, when the next window opens, and what
/// the member can do (issue 13: it said "Something went wrong").
async fn change_refused(a: &Acting, e: CoverageError) -> WebResult {
    let lang = a.lang;
    let status = match &e {
        CoverageError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        CoverageError::Invalid(_) | CoverageError::InvalidEntry(_) => StatusCode::BAD_REQUEST,
        _ => return Err(e.into()),
    };
    // A window refusal says when the next window opens; a request that cannot be made as
    // asked (the plan already chosen, a plan not offered) has no window to wait for.
    let next = match &e {
        CoverageError::Refused {
            next_allowed: Some(d),
            ..
        } => ui::i18n::tf(lang, "refused.next-date", &[("date", &d.to_string())]),
        CoverageError::Refused { .. } => ui::t(lang, "refused.no-next").to_owned(),
        _ => String::new(),
    };
    let why = match &e {
        CoverageError::Refused { reason, .. } => sentence(&reason.sentence(lang)),
        CoverageError::InvalidEntry(said) => sentence(&said.sentence(lang)),
        other => sentence(&other.to_string()),
    };
    let v = render::RefusedView {
        why,
        next,
        call: ui::i18n::tf(
            lang,
            "refused.call",
            &[("phone", &a.state.coverage.contacts.member_services)],
        ),
    };
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(status, render::render_refused(&sh, &v)))
}

/// A reason as a sentence: capital first letter, one full stop.
fn sentence(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

fn members_in_words(lang: ui::Lang, members: &[(String, Relationship)]) -> Vec<(String, String)> {
    members
        .iter()
        .map(|(n, r)| (n.clone(), render::relationship_words(lang, *r)))
        .collect()
}

/// The window a change is allowed by, in words, with the day it closes.
fn window_words(lang: ui::Lang, allowed: &ws_coverage::rules::windows::Allowed) -> String {
    match allowed.closes {
        Some(d) => ui::i18n::tf(
            lang,
            "review.window-closes",
            &[
                ("window", &allowed.window.sentence(lang)),
                ("date", &d.to_string()),
            ],
        ),
        None => allowed.window.sentence(lang),
    }
}

/// GET /coverage/plans: every plan open to this member, side by side (their market's plans:
/// Medicare Advantage plans for a Medicare member, the commercial plans otherwise).
pub(super) async fn plans_page(a: Acting) -> WebResult {
    covered(&a)?;
    let lang = a.lang;
    let today = a.state.coverage.clock().today();
    let o = a
        .state
        .coverage
        .plan_options(&a.caller, &a.patient, today)
        .await?;
    let medicare = o.market == ws_coverage::rules::Market::Medicare;
    let mut columns: Vec<(&PlanSummary, bool)> = Vec::new();
    if let Some(c) = &o.current {
        columns.push((c, true));
    }
    columns.extend(o.others.iter().map(|p| (p, false)));
    let mut v = render::PlansView {
        intro: ui::t(
            lang,
            if medicare {
                "plans.intro-medicare"
            } else {
                "plans.intro"
            },
        )
        .to_owned(),
        five_star_note: medicare,
        ..render::PlansView::default()
    };
    if o.others.is_empty() {
        v.none = ui::i18n::tf(
            lang,
            "plans.none",
            &[("phone", &a.state.coverage.contacts.member_services)],
        );
    } else {
        v.table = Some(render::compare_table(lang, &columns, medicare));
    }
    if o.can_change {
        v.choices = o
            .others
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect();
    }
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(StatusCode::OK, render::render_plans(&sh, &v)))
}

/// The review page of a plan change, or its refusal.
async fn review_view(a: &Acting, f: &[(String, String)], moved: Option<Date>) -> WebResult {
    let lang = a.lang;
    let (plan, event, kind, date) = change_request(f);
    let review = match a
        .state
        .coverage
        .review_plan_change(
            &a.caller,
            &a.patient,
            &plan,
            event,
            a.state.coverage.clock().today(),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return change_refused(a, e).await,
    };
    let medicare = review.market == ws_coverage::rules::Market::Medicare;
    let mut table = render::compare_table(
        lang,
        &[(&review.current, false), (&review.target, false)],
        medicare,
    );
    table.plans = vec![
        (
            ui::i18n::tf(lang, "review.now", &[("plan", &review.current.name)]),
            false,
        ),
        (
            ui::i18n::tf(lang, "review.new", &[("plan", &review.target.name)]),
            false,
        ),
    ];
    let v = render::ReviewView {
        table,
        members: members_in_words(lang, &review.members),
        starts: review.allowed.effective.to_string(),
        window: window_words(lang, &review.allowed),
        notes: review
            .allowed
            .notes
            .iter()
            .map(|n| n.sentence(lang))
            .collect(),
        replaces: review.replaces.as_ref().map_or_else(String::new, |(p, d)| {
            ui::i18n::tf(
                lang,
                "review.replaces",
                &[("plan", p), ("date", &d.to_string())],
            )
        }),
        moved: moved.map_or_else(String::new, |d| {
            ui::i18n::tf(lang, "review.moved", &[("date", &d.to_string())])
        }),
        plan,
        event: kind,
        event_date: date,
        expect: review.allowed.effective.to_string(),
    };
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(StatusCode::OK, render::render_review(&sh, &v)))
}

/// GET /coverage/change-plan/review: the old plan and the new one side by side, who the change
/// affects, the start date and the window the rules give; Confirm or Cancel. Nothing changes.
pub(super) async fn review_change(a: Acting) -> WebResult {
    covered(&a)?;
    let f = form(a.query.as_deref().unwrap_or("").as_bytes());
    review_view(&a, &f, None).await
}

/// POST /coverage/change-plan: the confirmed change. Made as reviewed (a start date that moved
/// since sends the member back to the review), then a notice to the member in their language,
/// and the confirmation page.
pub(super) async fn change_plan(a: Acting, Form(f): Form) -> WebResult {
    covered(&a)?;
    let a = a.at("/coverage");
    let lang = a.lang;
    let (plan, event, _, _) = change_request(&f);
    let today = a.state.coverage.clock().today();
    let svc = &a.state.coverage;
    let review = match svc
        .review_plan_change(&a.caller, &a.patient, &plan, event, today)
        .await
    {
        Ok(r) => r,
        Err(e) => return change_refused(&a, e).await,
    };
    let expected = field(&f, "expect").and_then(|d| d.parse::<Date>().ok());
    if expected != Some(review.allowed.effective) {
        return review_view(&a, &f, Some(review.allowed.effective)).await;
    }
    let (current, target, members) = (
        review.current.name.clone(),
        review.target.name.clone(),
        review.members.clone(),
    );
    let out = match svc.confirm_plan_change(review).await {
        Ok(o) => o,
        Err(e) => return change_refused(&a, e).await,
    };
    let effective = out.effective.map(|d| d.to_string()).unwrap_or_default();
    // The notice, in the member's language when their record says, else the page's.
    let notice_lang = svc
        .member_language(&a.caller, &a.patient)
        .await
        .ok()
        .flatten()
        .unwrap_or(lang);
    let notice_window = out.window.in_lang(notice_lang);
    let notice = plan_change_notice(
        notice_lang,
        &PlanChangeFacts {
            old: &current,
            new: &target,
            date: &effective,
            window: &notice_window,
            members: &members,
            phone: &svc.contacts.member_services,
        },
    );
    let phone = &svc.contacts.member_services;
    let notice_line = match svc.notify(&a.caller, &a.patient, &notice).await {
        Ok(Some(email)) => ui::i18n::tf(lang, "done.notice-sent", &[("email", &email)]),
        Ok(None) => ui::i18n::tf(lang, "done.notice-none", &[("phone", phone)]),
        Err(e) => {
            tracing::error!(error = %e, "plan change notice");
            ui::i18n::tf(lang, "done.notice-failed", &[("phone", phone)])
        }
    };
    let v = render::DoneView {
        lead: ui::i18n::tf(
            lang,
            "done.lead",
            &[("date", &effective), ("plan", &target)],
        ),
        window: ui::i18n::tf(
            lang,
            "done.window",
            &[("window", &out.window.sentence(lang))],
        ),
        members: members_in_words(lang, &members),
        notes: out.notes.iter().map(|n| n.sentence(lang)).collect(),
        notice: notice_line,
    };
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(StatusCode::OK, render::render_done(&sh, &v)))
}

/// What a plan-change notice says.
pub(crate) struct PlanChangeFacts<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub date: &'a str,
    pub window: &'a str,
    pub members: &'a [(String, Relationship)],
    pub phone: &'a str,
}

/// The notice of a plan change, in `lang` (portal and staff desk alike).
pub(crate) fn plan_change_notice(lang: ui::Lang, c: &PlanChangeFacts<'_>) -> Notice {
    let tf = ui::i18n::tf;
    let subscriber = c
        .members
        .iter()
        .find(|(_, r)| *r == Relationship::SelfSubscriber)
        .or(c.members.first())
        .map_or("", |(n, _)| n.as_str());
    let people = c
        .members
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let body = [
        tf(lang, "notice.greeting", &[("name", subscriber)]),
        tf(
            lang,
            "notice.changed",
            &[
                ("old", c.old),
                ("new", c.new),
                ("date", c.date),
                ("window", c.window),
            ],
        ),
        tf(lang, "notice.who", &[("people", &people)]),
        tf(lang, "notice.questions", &[("phone", c.phone)]),
    ]
    .join("\n\n");
    Notice {
        subject: ui::t(lang, "notice.subject").to_owned(),
        body: body + "\n",
    }
}

async fn card_for(a: &Acting) -> Result<ws_idcard::IdCard, WebError> {
    Ok(a.state
        .coverage
        .id_card(&a.caller, &a.patient, a.state.coverage.clock().today())
        .await?)
}

pub(super) async fn id_card_page(a: Acting) -> WebResult {
    covered(&a)?;
    let sh = a.shell(Section::Coverage).await;
    match a
        .state
        .coverage
        .id_card(&a.caller, &a.patient, a.state.coverage.clock().today())
        .await
    {
        Ok(card) => {
            // English until the card's labels are in the Fluent files.
            let labels = render::card_labels(a.lang);
            let qr = ws_idcard::qr_svg(&card.qr_payload, &labels).unwrap_or_default();
            Ok(a.html(
                StatusCode::OK,
                render::render_id_card(&sh, Some(&card), &qr, ""),
            ))
        }
        Err(e) if e.status() < 500 => Ok(a.html(
            StatusCode::OK,
            render::render_id_card(&sh, None, "", &e.explain_in(a.lang)),
        )),
        Err(e) => Err(WebError::internal(e)),
    }
}

async fn card_file(a: Acting, pdf: bool) -> WebResult {
    let card = card_for(&a).await?;
    // English until the card's labels are in the Fluent files.
    let labels = render::card_labels(a.lang);
    let (bytes, ctype) = if pdf {
        (ws_idcard::render_pdf(&card, &labels), "application/pdf")
    } else {
        (ws_idcard::render_png(&card, &labels), "image/png")
    };
    let b = bytes.map_err(WebError::internal)?;
    let mut resp = (StatusCode::OK, b).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

pub(super) async fn id_card_pdf(a: Acting) -> WebResult {
    covered(&a)?;
    card_file(a, true).await
}

pub(super) async fn id_card_png(a: Acting) -> WebResult {
    covered(&a)?;
    card_file(a, false).await
}

async fn areas_view(a: &Acting, message: &str) -> WebResult {
    let (caller, patient) = (&a.caller, &a.patient);
    let s = &a.state;
    let areas = s.coverage.areas_of_care(caller, patient).await?;
    let rows: Vec<(String, String)> = areas
        .iter()
        .map(|x| {
            (
                ws_coverage::service::card::title_case(&x.region),
                x.mrn.clone(),
            )
        })
        .collect();
    let svc = CoverageService::service_caller(caller, patient, "care away from home: regions");
    let home = s
        .coverage
        .status(caller, patient, a.state.coverage.clock().today())
        .await
        .ok()
        .and_then(|st| st.region);
    let choices: Vec<(String, String)> = s
        .coverage
        .regions(&svc)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|g| Some(&g.code) != home.as_ref() && !areas.iter().any(|x| x.region == g.code))
        .map(|g| (g.code, g.title))
        .collect();
    let sh = a.shell(Section::Coverage).await;
    Ok(a.html(
        StatusCode::OK,
        render::render_areas(&sh, message, &rows, &choices),
    ))
}

pub(super) async fn areas_page(a: Acting) -> WebResult {
    covered(&a)?;
    areas_view(&a, "").await
}

pub(super) async fn add_area(a: Acting, Form(f): Form) -> WebResult {
    covered(&a)?;
    let region = field(&f, "region").unwrap_or("").to_owned();
    let area = a
        .state
        .coverage
        .add_area_of_care(
            &a.caller,
            &a.patient,
            &region,
            a.state.coverage.clock().today(),
        )
        .await?;
    // The account reaches its new regional record like its own (switch without signing in
    // again).
    a.state
        .identity
        .record_grant(
            &a.caller.actor,
            &area.patient,
            &a.me.info.account,
            ws_identity::rules::proxy::Relationship::AreaOfCare,
            "area of care added by the member",
        )
        .await?;
    let msg = ui::i18n::tf(
        a.lang,
        "areas.added",
        &[
            (
                "region",
                &ws_coverage::service::card::title_case(&area.region),
            ),
            ("mrn", &area.mrn),
        ],
    );
    areas_view(&a, &msg).await
}
