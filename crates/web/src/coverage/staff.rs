//! Coverage on the staff desk: member services record a death, add a dependent, correct contact
//! details, enroll and terminate — each through the coverage service, which applies the rules.

use crate::kit::{Form, Staff, WebResult, field};
use crate::staff::{contact_form, member_services, reply};

pub(super) async fn record_death(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, f, patient) = (ms.caller().clone(), ms.f.clone(), ms.patient.clone());
    let date = field(&f, "date_of_death").unwrap_or("");
    let Ok(date) = date.parse::<jiff::civil::Date>() else {
        return reply(
            ms,
            Err("Enter the date of death (YYYY-MM-DD).".to_owned()),
            "date_of_death",
        )
        .await;
    };
    match s
        .coverage
        .record_death(&caller, &patient, date, s.coverage.clock().today())
        .await
    {
        Ok(rep) => {
            let mut notice = format!(
                "Death recorded. Coverage ends {}. {} Appointments cancelled: {}; prescriptions stopped: {}.",
                rep.coverage_last_day
                    .map_or_else(|| "(no active coverage)".to_owned(), |d| d.to_string()),
                rep.dependents,
                rep.appointments_cancelled,
                rep.prescriptions_stopped
            );
            if let Some(d) = rep.dues_refund_from {
                notice.push_str(&format!(" Prepaid dues are refunded from {d}."));
            }
            reply(ms, Ok(notice), "").await
        }
        Err(e) => reply(ms, Err(e.explain_with_rule()), "date_of_death").await,
    }
}

pub(super) async fn add_member(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, f, patient) = (ms.caller().clone(), ms.f.clone(), ms.patient.clone());
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let birth = get("birth_date").parse::<jiff::civil::Date>();
    let event_date = get("event_date").parse::<jiff::civil::Date>();
    let relationship = ws_coverage::rules::Relationship::from_x12(&get("relationship"));
    let (Ok(birth), Ok(event_date), Some(relationship)) = (birth, event_date, relationship) else {
        return reply(
            ms,
            Err("Enter the name, a date of birth, the relationship and the event date.".to_owned()),
            "given",
        )
        .await;
    };
    let event = ws_coverage::service::changes::life_event(&get("event"), event_date)
        .unwrap_or(ws_coverage::rules::windows::LifeEvent::Birth(event_date));
    let d = ws_coverage::service::changes::NewDependent {
        given: get("given"),
        family: get("family"),
        birth_date: birth,
        gender: get("gender"),
        relationship,
        event,
    };
    match s
        .coverage
        .add_dependent(&caller, &patient, d, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Added: covered from {} ({}); new MRN {}.",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.window,
                out.mrn.unwrap_or_default()
            );
            reply(ms, Ok(notice), "").await
        }
        Err(e) => reply(ms, Err(e.explain_with_rule()), "given").await,
    }
}

pub(super) async fn correct_contact(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, f, patient) = (ms.caller().clone(), ms.f.clone(), ms.patient.clone());
    let (address, phone) = contact_form(&f);
    match s
        .coverage
        .update_contact(&caller, &patient, Some(address), phone)
        .await
    {
        Ok(()) => reply(ms, Ok("Contact details corrected.".to_owned()), "").await,
        Err(e) => reply(ms, Err(e.explain_with_rule()), "line").await,
    }
}

pub(super) async fn enroll(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, f, patient) = (ms.caller().clone(), ms.f.clone(), ms.patient.clone());
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let event = match (get("event").as_str(), get("event_date").parse().ok()) {
        ("", _) | (_, None) => None,
        (kind, Some(d)) => ws_coverage::service::changes::life_event(kind, d).or(Some(
            ws_coverage::rules::windows::LifeEvent::EnrollmentError(d),
        )),
    };
    let e = ws_coverage::service::changes::NewEnrollment {
        subscriber: patient.to_owned(),
        members: Vec::new(),
        plan_code: get("plan"),
        group: Some(get("group")).filter(|g| !g.is_empty()),
        event,
        part_a_b_start: get("part_a_b_start").parse().ok(),
    };
    match s
        .coverage
        .enroll(&caller, e, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Enrolled: coverage starts {} ({}; {}).",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.window,
                out.rule
            );
            reply(ms, Ok(notice), "").await
        }
        Err(e) => reply(ms, Err(e.explain_with_rule()), "plan").await,
    }
}

pub(super) async fn terminate(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, patient) = (ms.caller().clone(), ms.patient.clone());
    match s
        .coverage
        .terminate(&caller, &patient, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let notice = format!(
                "Coverage ends {} for the subscriber and everyone covered with them ({}).",
                out.effective.map(|d| d.to_string()).unwrap_or_default(),
                out.rule
            );
            reply(ms, Ok(notice), "").await
        }
        Err(e) => reply(ms, Err(e.explain_with_rule()), "terminate").await,
    }
}

/// Member services change a member's plan at their request (any market, Medicare elections
/// included: the rules decide the window from the member's record, and the election used is
/// recorded); the member gets the notice in their language (English when their record says
/// none).
pub(super) async fn change_plan(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let ms = member_services(st, f, "record life events and corrections")?;
    let (caller, f, patient) = (ms.caller().clone(), ms.f.clone(), ms.patient.clone());
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let event = match (get("event").as_str(), get("event_date").parse().ok()) {
        ("", _) | (_, None) => None,
        (kind, Some(d)) => ws_coverage::service::changes::life_event(kind, d),
    };
    let today = s.coverage.clock().today();
    let review = match s
        .coverage
        .review_plan_change(&caller, &patient, &get("plan"), event, today)
        .await
    {
        Ok(r) => r,
        Err(e) => return reply(ms, Err(e.explain_with_rule()), "change-plan").await,
    };
    let (old, new, members) = (
        review.current.name.clone(),
        review.target.name.clone(),
        review.members.clone(),
    );
    let out = match s.coverage.confirm_plan_change(review).await {
        Ok(o) => o,
        Err(e) => return reply(ms, Err(e.explain_with_rule()), "change-plan").await,
    };
    let effective = out.effective.map(|d| d.to_string()).unwrap_or_default();
    let lang = s
        .coverage
        .member_language(&caller, &patient)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let notice_window = out.window.in_lang(lang);
    let notice = super::pages::plan_change_notice(
        lang,
        &super::pages::PlanChangeFacts {
            old: &old,
            new: &new,
            date: &effective,
            window: &notice_window,
            members: &members,
            phone: &s.coverage.contacts.member_services,
        },
    );
    let sent = match s.coverage.notify(&caller, &patient, &notice).await {
        Ok(Some(to)) => format!("Notice e-mailed to {to}."),
        Ok(None) => "No portal account: send the notice by post.".to_owned(),
        Err(e) => format!("The notice could not be queued ({e}): send it by post."),
    };
    let mut text = format!(
        "Plan changed to {new} from {effective} ({}; {}). {sent}",
        out.window, out.rule
    );
    for n in &out.notes {
        text.push(' ');
        text.push_str(&n.en());
    }
    reply(ms, Ok(text), "").await
}
