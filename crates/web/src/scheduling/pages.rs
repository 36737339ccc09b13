//! The Appointments pages: upcoming and past visits, booking in a few clicks, rescheduling,
//! cancelling, calendar files, waitlist offers, and the personal doctor. Every action goes
//! through the scheduling service with the caller of the person chosen in the switcher; a
//! parent of a teen books routine in-person visits only (PRX-03), and is told so.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use ws_scheduling::rules::visit::Mode;
use ws_scheduling::service::booking::{BookRequest, Booked, Cancelled, SlotQuery};
use ws_scheduling::service::directory::DoctorQuery;

use crate::kit::{Acting, Form, WebError, WebResult, field};
use crate::portal::{self as ui, Section};

use super::public::{q, query};
use super::{offered, render};

async fn view(a: &Acting, status: StatusCode, flash: Option<(ui::FlashKind, String)>) -> WebResult {
    let s = &a.state.scheduling;
    let visits = s.visits(&a.caller, &a.patient).await?;
    let pcp = s.current_pcp(&a.caller, &a.patient).await?;
    let offers = s.offers_for(&a.caller, &a.patient).await?;
    let mut offered_slots = Vec::new();
    for (slot, entry) in offers {
        let sid = slot["schedule"]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Schedule/"))
            .unwrap_or_default()
            .to_owned();
        let info = s.schedule_info(&sid).await?;
        offered_slots.push((slot, entry, info));
    }
    let mut sh = a.shell(Section::Appointments).await;
    if let Some((kind, text)) = flash {
        sh.flash(kind, text);
    }
    let now = s.clock().now();
    Ok(a.html(
        status,
        render::appointments(&sh, &visits, pcp.as_ref(), &offered_slots, now, a.access),
    ))
}

pub(super) async fn list(a: Acting) -> WebResult {
    offered(&a)?;
    view(&a, StatusCode::OK, None).await
}

/// The slot search of the booking and rescheduling pages, from the query.
fn slot_query(pairs: &[(String, String)], default_practitioner: Option<String>) -> SlotQuery {
    SlotQuery {
        visit: Some(q(pairs, "visit").unwrap_or("primary-care").to_owned()),
        practitioner: q(pairs, "practitioner")
            .map(str::to_owned)
            .or(default_practitioner)
            .filter(|p| p != "any"),
        location: q(pairs, "location").map(str::to_owned),
        from: q(pairs, "from").and_then(|d| d.parse().ok()),
        to: None,
        mode: q(pairs, "mode").and_then(Mode::from_code),
    }
}

pub(super) async fn new_visit(a: Acting) -> WebResult {
    offered(&a)?;
    let pairs = query(&a);
    let s = &a.state.scheduling;
    let pcp = s.current_pcp(&a.caller, &a.patient).await?;
    let visit = q(&pairs, "visit").unwrap_or("primary-care").to_owned();
    // Primary care goes to the member's own doctor unless they ask for anyone.
    let default_pr = pcp
        .as_ref()
        .filter(|_| matches!(visit.as_str(), "primary-care" | "pediatrics"))
        .map(|d| d.practitioner_id.clone());
    let sq = slot_query(&pairs, default_pr);
    let slots = s.open_slots(&sq, 30).await?;
    let types = s.visit_types().await?;
    let sh = a.shell(Section::Appointments).await;
    Ok(a.html(
        StatusCode::OK,
        render::book(
            &sh,
            &types,
            &sq,
            &slots,
            pcp.as_ref(),
            None,
            None,
            s.clock().now(),
        ),
    ))
}

fn request(f: &[(String, String)]) -> BookRequest {
    BookRequest {
        slot: field(f, "slot").unwrap_or("").to_owned(),
        mode: field(f, "mode")
            .and_then(Mode::from_code)
            .unwrap_or(Mode::InPerson),
        reason: field(f, "reason").unwrap_or("").chars().take(500).collect(),
        member_state: field(f, "state")
            .filter(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase),
    }
}

/// What a booking or a move answered, as the page shows it.
async fn after_booking(a: &Acting, out: Booked, moved: bool) -> WebResult {
    match out {
        Booked::Booked(appt) => {
            let v = ws_scheduling::service::booking::visit_of(&appt);
            let when = render::when(a.lang, v.start, "");
            let key = if moved { "appt.moved" } else { "appt.booked" };
            let msg = ui::i18n::tf(a.lang, key, &[("when", &when)]);
            view(a, StatusCode::OK, Some((ui::FlashKind::Success, msg))).await
        }
        Booked::Refused(r) => Err(WebError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: a.t(r.key()).to_owned(),
        }),
        Booked::Taken => Err(WebError::Refused {
            status: StatusCode::CONFLICT,
            message: a.t("appt.taken").to_owned(),
        }),
    }
}

pub(super) async fn book(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let req = request(&f);
    if req.slot.is_empty() {
        return Err(WebError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: a.t("appt.pick-time").to_owned(),
        });
    }
    let out = a.state.scheduling.book(&a.caller, &a.patient, &req).await?;
    after_booking(&a, out, false).await
}

pub(super) async fn cancel(a: Acting, Path(id): Path<String>, Form(f): Form) -> WebResult {
    offered(&a)?;
    let reason = field(&f, "reason").unwrap_or("");
    let out = a
        .state
        .scheduling
        .cancel(&a.caller, &a.patient, &id, reason)
        .await?;
    let (status, kind, key) = match out {
        Cancelled::Done => (StatusCode::OK, ui::FlashKind::Success, "appt.cancelled"),
        Cancelled::Already => (
            StatusCode::OK,
            ui::FlashKind::Success,
            "appt.already-cancelled",
        ),
        Cancelled::Late => (StatusCode::CONFLICT, ui::FlashKind::Error, "appt.late"),
    };
    let msg = ui::i18n::tf(
        a.lang,
        key,
        &[("phone", &a.state.coverage.contacts.member_services)],
    );
    view(&a, status, Some((kind, msg))).await
}

pub(super) async fn reschedule_page(a: Acting, Path(id): Path<String>) -> WebResult {
    offered(&a)?;
    let s = &a.state.scheduling;
    let v = s.visit(&a.caller, &a.patient, &id).await?;
    let pairs = query(&a);
    let mut sq = slot_query(&pairs, v.practitioner.clone());
    if q(&pairs, "visit").is_none() {
        sq.visit = Some(v.visit.clone());
    }
    let slots = s.open_slots(&sq, 30).await?;
    let types = s.visit_types().await?;
    let sh = a.shell(Section::Appointments).await;
    Ok(a.html(
        StatusCode::OK,
        render::book(
            &sh,
            &types,
            &sq,
            &slots,
            None,
            Some(&v),
            None,
            s.clock().now(),
        ),
    ))
}

pub(super) async fn reschedule(a: Acting, Path(id): Path<String>, Form(f): Form) -> WebResult {
    offered(&a)?;
    let req = request(&f);
    if req.slot.is_empty() {
        return Err(WebError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: a.t("appt.pick-time").to_owned(),
        });
    }
    let out = a
        .state
        .scheduling
        .reschedule(&a.caller, &a.patient, &id, &req)
        .await?;
    after_booking(&a, out, true).await
}

pub(super) async fn calendar(a: Acting, Path(id): Path<String>) -> WebResult {
    offered(&a)?;
    let v = a.state.scheduling.visit(&a.caller, &a.patient, &id).await?;
    let ics = render::ics(a.lang, &v, &a.state.scheduling.clock().now());
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"visit.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

pub(super) async fn join_waitlist(a: Acting, Path(id): Path<String>) -> WebResult {
    offered(&a)?;
    a.state
        .scheduling
        .join_waitlist(&a.caller, &a.patient, &id)
        .await?;
    view(
        &a,
        StatusCode::OK,
        Some((
            ui::FlashKind::Success,
            a.t("appt.waitlist-joined").to_owned(),
        )),
    )
    .await
}

pub(super) async fn accept_offer(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let entry = field(&f, "entry").unwrap_or("");
    let slot = field(&f, "slot").unwrap_or("");
    let out = a
        .state
        .scheduling
        .accept_offer(&a.caller, &a.patient, entry, slot)
        .await?;
    after_booking(&a, out, true).await
}

/// The member's age today, for the doctors who fit (SCH-01).
async fn age(a: &Acting) -> Result<i64, WebError> {
    let svc = a
        .caller
        .as_service(&a.patient, "scheduling: doctors who fit");
    let p = a.state.fhir.read_value(&svc, "Patient", &a.patient).await?;
    let today = a.state.scheduling.clock().today();
    Ok(p["birthDate"]
        .as_str()
        .and_then(|b| ws_scheduling::rules::pcp::age_on(b, today))
        .unwrap_or(ws_scheduling::rules::pcp::UNKNOWN_AGE))
}

async fn pcp_view(a: &Acting, status: StatusCode, problem: Option<String>) -> WebResult {
    let pairs = query(a);
    let s = &a.state.scheduling;
    let age = age(a).await?;
    let dq = DoctorQuery {
        near: q(&pairs, "near").map(str::to_owned),
        language: q(&pairs, "language").map(str::to_owned),
        gender: q(&pairs, "gender")
            .filter(|g| matches!(*g, "female" | "male"))
            .map(str::to_owned),
        name: q(&pairs, "name").map(str::to_owned),
        accepting: true,
        pcp_for_age: Some(age),
        ..Default::default()
    };
    let doctors = s.doctors(&dq, 40).await?;
    let current = s.current_pcp(&a.caller, &a.patient).await?;
    let mut sh = a.shell(Section::Appointments).await;
    if let Some(p) = problem {
        sh.flash(ui::FlashKind::Error, p);
    }
    Ok(a.html(status, render::pcp(&sh, &dq, &doctors, current.as_ref())))
}

pub(super) async fn pcp_page(a: Acting) -> WebResult {
    offered(&a)?;
    pcp_view(&a, StatusCode::OK, None).await
}

pub(super) async fn choose_pcp(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let role = field(&f, "role").unwrap_or("");
    match a
        .state
        .scheduling
        .choose_pcp(&a.caller, &a.patient, role)
        .await?
    {
        Ok(()) => {
            let name = a
                .state
                .scheduling
                .doctor(role)
                .await?
                .map(|d| d.name)
                .unwrap_or_default();
            let msg = ui::i18n::tf(a.lang, "pcp.chosen", &[("name", &name)]);
            view(&a, StatusCode::OK, Some((ui::FlashKind::Success, msg))).await
        }
        Err(r) => {
            pcp_view(
                &a,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(a.t(r.key()).to_owned()),
            )
            .await
        }
    }
}
