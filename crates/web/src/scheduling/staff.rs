//! The staff schedule desk: a practitioner's or department's day, slot by slot, with who is
//! booked; block and reopen time, add an extra (overbooked) slot with a reason, check a member
//! in, record a late cancellation, tell everyone booked at a site that it is closed; and the
//! panels (open or close a doctor's panel, set its capacity). Member services and clinicians.
//! English only, like the other staff desks.

use askama::Template;
use jiff::civil::Date;
use serde_json::Value;
use ws_fhir_service::Caller;
use ws_scheduling::SchedulingService;
use ws_scheduling::rules::slots::zone_of_state;
use ws_scheduling::service::booking::ScheduleInfo;
use ws_scheduling::service::{first_code, ref_id, version_of};

use crate::kit::{Form, Staff, WebError, WebResult, field, staff_page};

struct SlotRow {
    id: String,
    time: String,
    status: String,
    comment: String,
    patient: String,
    appointment: String,
    appointment_status: String,
}

struct ScheduleChoice {
    id: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "scheduling/staff_schedule.html")]
struct SchedulePage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    schedules: Vec<ScheduleChoice>,
    schedule: String,
    title: String,
    location: String,
    day: String,
    prev: String,
    next: String,
    rows: Vec<SlotRow>,
}

struct PanelRow {
    role: String,
    name: String,
    specialty: String,
    size: i64,
    capacity: i64,
    closed: bool,
    accepting: bool,
}

#[derive(Template)]
#[template(path = "scheduling/staff_panels.html")]
struct PanelsPage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    rows: Vec<PanelRow>,
}

fn desk(st: &Staff) -> Result<(), WebError> {
    SchedulingService::authorize_desk(&st.caller).map_err(|_| WebError::Forbidden)
}

async fn render_schedule(
    st: &Staff,
    schedule: Option<String>,
    day: Option<Date>,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    desk(st)?;
    let s = &st.state.scheduling;
    let system = Caller::system();
    let all = st
        .state
        .fhir
        .search_resources(
            &system,
            "Schedule",
            &[("active".into(), "true".into())],
            2_000,
        )
        .await?;
    let mut choices: Vec<ScheduleChoice> = all
        .iter()
        .map(|sc| ScheduleChoice {
            id: sc["id"].as_str().unwrap_or_default().to_owned(),
            label: sc["comment"]
                .as_str()
                .unwrap_or(sc["id"].as_str().unwrap_or_default())
                .to_owned(),
            selected: false,
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    let chosen = schedule
        .filter(|c| choices.iter().any(|x| &x.id == c))
        .or_else(|| choices.first().map(|c| c.id.clone()))
        .unwrap_or_default();
    for c in &mut choices {
        c.selected = c.id == chosen;
    }
    let info: ScheduleInfo = if chosen.is_empty() {
        ScheduleInfo::default()
    } else {
        s.schedule_info(&chosen).await?
    };
    let tz = zone_of_state(&info.state);
    let day = day.unwrap_or_else(|| s.clock().now().to_zoned(tz.clone()).date());
    let mut rows = Vec::new();
    if !chosen.is_empty() {
        let slots = st
            .state
            .fhir
            .search_resources(
                &system,
                "Slot",
                &[
                    ("schedule".into(), format!("Schedule/{chosen}")),
                    (
                        "start".into(),
                        format!("ge{}", day.yesterday().unwrap_or(day)),
                    ),
                    (
                        "start".into(),
                        format!(
                            "lt{}",
                            day.tomorrow().unwrap_or(day).tomorrow().unwrap_or(day)
                        ),
                    ),
                    ("_sort".into(), "start".into()),
                ],
                500,
            )
            .await?;
        let day_slots: Vec<(Value, jiff::Zoned)> = slots
            .into_iter()
            .filter_map(|sl| {
                let start = sl["start"].as_str()?.parse::<jiff::Timestamp>().ok()?;
                let local = start.to_zoned(tz.clone());
                (local.date() == day).then_some((sl, local))
            })
            .collect();
        // Who holds them, in one search (member services and clinicians see appointments).
        let refs: Vec<String> = day_slots
            .iter()
            .filter_map(|(sl, _)| sl["id"].as_str().map(|id| format!("Slot/{id}")))
            .collect();
        let appts = if refs.is_empty() {
            Vec::new()
        } else {
            st.state
                .fhir
                .search_resources(
                    &st.caller,
                    "Appointment",
                    &[("slot".into(), refs.join(","))],
                    1_000,
                )
                .await?
        };
        for (sl, local) in day_slots {
            let id = sl["id"].as_str().unwrap_or_default().to_owned();
            let holder = appts.iter().find(|a| {
                ws_scheduling::service::guard::holds_slot(a["status"].as_str().unwrap_or_default())
                    && a["slot"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| ref_id(r, "Slot") == Some(id.as_str()))
            });
            rows.push(SlotRow {
                id,
                time: local.strftime("%H:%M").to_string(),
                status: sl["status"].as_str().unwrap_or_default().to_owned(),
                comment: sl["comment"].as_str().unwrap_or_default().to_owned(),
                patient: holder
                    .and_then(|a| {
                        a["participant"].as_array()?.iter().find_map(|x| {
                            ref_id(&x["actor"], "Patient")?;
                            x["actor"]["display"].as_str().map(str::to_owned)
                        })
                    })
                    .unwrap_or_default(),
                appointment: holder
                    .and_then(|a| a["id"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
                appointment_status: holder
                    .and_then(|a| a["status"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
    }
    let title = if info.practitioner_name.is_empty() {
        chosen.clone()
    } else {
        info.practitioner_name.clone()
    };
    let has_errors = !errors.is_empty();
    staff_page(
        SchedulePage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            schedules: choices,
            schedule: chosen,
            title,
            location: info.location_name.clone(),
            day: day.to_string(),
            prev: day.yesterday().unwrap_or(day).to_string(),
            next: day.tomorrow().unwrap_or(day).to_string(),
            rows,
        }
        .render(),
        has_errors,
    )
}

pub(super) async fn schedule(st: Staff) -> WebResult {
    let pairs = super::public::query(&st);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let day = get("day").and_then(|d| d.parse().ok());
    render_schedule(&st, get("schedule"), day, None, Vec::new()).await
}

fn back(f: &[(String, String)]) -> (Option<String>, Option<Date>) {
    (
        field(f, "schedule").map(str::to_owned),
        field(f, "day").and_then(|d| d.parse().ok()),
    )
}

async fn answer(
    st: &Staff,
    f: &[(String, String)],
    r: Result<String, (String, String)>,
) -> WebResult {
    let (sched, day) = back(f);
    match r {
        Ok(notice) => render_schedule(st, sched, day, Some(notice), Vec::new()).await,
        Err(e) => render_schedule(st, sched, day, None, vec![e]).await,
    }
}

fn need_reason(f: &[(String, String)]) -> Result<String, (String, String)> {
    field(f, "reason")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(200).collect())
        .ok_or_else(|| {
            (
                "reason".into(),
                "Give a reason: it is kept with the slot.".into(),
            )
        })
}

pub(super) async fn block(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let r = match need_reason(&f) {
        Ok(reason) => {
            let slot = field(&f, "slot").unwrap_or("");
            match st.state.scheduling.block(&st.caller, slot, &reason).await {
                Ok(()) => Ok(format!("Blocked: {reason}.")),
                Err(e) => Err(("slot".into(), e.to_string())),
            }
        }
        Err(e) => Err(e),
    };
    answer(&st, &f, r).await
}

pub(super) async fn unblock(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let slot = field(&f, "slot").unwrap_or("");
    let r = match st.state.scheduling.unblock(&st.caller, slot).await {
        Ok(()) => Ok("Reopened.".to_owned()),
        Err(e) => Err(("slot".into(), e.to_string())),
    };
    answer(&st, &f, r).await
}

pub(super) async fn overbook(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let (sched, day) = back(&f);
    let r = match (need_reason(&f), sched, day, field(&f, "time")) {
        (Err(e), ..) => Err(e),
        (Ok(reason), Some(sched), Some(day), Some(time)) => {
            let info = st.state.scheduling.schedule_info(&sched).await?;
            match time
                .parse::<jiff::civil::Time>()
                .ok()
                .and_then(|t| day.to_datetime(t).to_zoned(zone_of_state(&info.state)).ok())
            {
                None => Err(("time".into(), "Give the time as HH:MM.".into())),
                Some(z) => match st
                    .state
                    .scheduling
                    .overbook(&st.caller, &sched, z.timestamp(), &reason)
                    .await
                {
                    Ok(id) => Ok(format!("Extra slot added ({id}): {reason}.")),
                    Err(e) => Err(("time".into(), e.to_string())),
                },
            }
        }
        _ => Err(("time".into(), "Choose a schedule, a day and a time.".into())),
    };
    answer(&st, &f, r).await
}

/// Set an appointment's status as the desk (check-in: `arrived`; late cancellation).
async fn set_status(st: &Staff, id: &str, status: &str) -> Result<String, (String, String)> {
    let a = st
        .state
        .fhir
        .read_value(&st.caller, "Appointment", id)
        .await
        .map_err(|e| ("appointment".into(), e.to_string()))?;
    let patient = ws_scheduling::service::patient_of(&a)
        .unwrap_or_default()
        .to_owned();
    if status == "cancelled" {
        return match st
            .state
            .scheduling
            .cancel(&st.caller, &patient, id, "cancelled at the desk")
            .await
        {
            Ok(_) => Ok("Cancelled (recorded as late if within two hours; never charged).".into()),
            Err(e) => Err(("appointment".into(), e.to_string())),
        };
    }
    let mut v: Value = a.clone();
    v["status"] = serde_json::json!(status);
    st.state
        .fhir
        .update(
            &st.caller,
            "Appointment",
            id,
            v.to_string().as_bytes(),
            Some(&format!("W/\"{}\"", version_of(&a))),
        )
        .await
        .map_err(|e| ("appointment".into(), e.to_string()))?;
    Ok("Checked in.".into())
}

pub(super) async fn check_in(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let id = field(&f, "appointment").unwrap_or("").to_owned();
    let r = set_status(&st, &id, "arrived").await;
    answer(&st, &f, r).await
}

pub(super) async fn cancel(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let id = field(&f, "appointment").unwrap_or("").to_owned();
    let r = set_status(&st, &id, "cancelled").await;
    answer(&st, &f, r).await
}

pub(super) async fn closure(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let (sched, day) = back(&f);
    let r = match (need_reason(&f), sched, day) {
        (Err(e), ..) => Err(e),
        (Ok(reason), Some(sched), Some(day)) => {
            let info = st.state.scheduling.schedule_info(&sched).await?;
            match info.location {
                Some(loc) => match st
                    .state
                    .scheduling
                    .notify_closure(&st.caller, &loc, day, &reason)
                    .await
                {
                    Ok(n) => Ok(format!(
                        "{} closed on {day}: {n} booked member(s) told by text and e-mail.",
                        info.location_name
                    )),
                    Err(e) => Err(("reason".into(), e.to_string())),
                },
                None => Err(("schedule".into(), "This schedule has no site.".into())),
            }
        }
        _ => Err(("schedule".into(), "Choose a schedule and a day.".into())),
    };
    answer(&st, &f, r).await
}

async fn render_panels(
    st: &Staff,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    desk(st)?;
    let s = &st.state.scheduling;
    let roles = st
        .state
        .fhir
        .search_resources(
            &Caller::system(),
            "PractitionerRole",
            &[
                ("active".into(), "true".into()),
                ("role".into(), "doctor".into()),
            ],
            2_000,
        )
        .await?;
    let mut rows = Vec::new();
    for r in roles {
        let Some(pc) = ws_scheduling::service::guard::specialty(&r) else {
            continue;
        };
        let panel = s.panel(&r).await?;
        rows.push(PanelRow {
            role: r["id"].as_str().unwrap_or_default().to_owned(),
            name: r["practitioner"]["display"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            specialty: first_code(&r["specialty"])
                .map(|_| format!("{pc:?}"))
                .unwrap_or_default(),
            size: panel.size,
            capacity: panel.capacity,
            closed: panel.closed,
            accepting: panel.accepting(),
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let has_errors = !errors.is_empty();
    staff_page(
        PanelsPage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            rows,
        }
        .render(),
        has_errors,
    )
}

pub(super) async fn panels(st: Staff) -> WebResult {
    render_panels(&st, None, Vec::new()).await
}

pub(super) async fn set_panel(st: Staff, Form(f): Form) -> WebResult {
    desk(&st)?;
    let role = field(&f, "role").unwrap_or("");
    let closed = field(&f, "closed") == Some("yes");
    let capacity = match field(&f, "capacity")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) => match c.parse::<i64>() {
            Ok(n) if (0..=10_000).contains(&n) => Some(n),
            _ => {
                return render_panels(
                    &st,
                    None,
                    vec![(
                        "capacity".into(),
                        "Capacity is a whole number from 0 to 10,000.".into(),
                    )],
                )
                .await;
            }
        },
    };
    match st
        .state
        .scheduling
        .set_panel(&st.caller, role, closed, capacity)
        .await
    {
        Ok(p) => {
            render_panels(
                &st,
                Some(format!(
                    "Saved: {} of {} members, {}.",
                    p.size,
                    p.capacity,
                    if p.closed {
                        "closed to new members"
                    } else {
                        "open"
                    }
                )),
                Vec::new(),
            )
            .await
        }
        Err(e) => render_panels(&st, None, vec![("role".into(), e.to_string())]).await,
    }
}
