//! Slots from templates: every active Schedule gets its FHIR `Slot`s for the days ahead, cut
//! from its practitioner's (or department's) weekly hours by [`crate::rules::slots`]. Slots have
//! deterministic ids (schedule + start), so generating again adds only what is missing and never
//! touches a booked or blocked slot. Staff block, unblock and overbook slots here too.

use std::collections::HashSet;

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use ws_fhir_service::Caller;
use ws_fhir_service::calendar::federal_holidays;

use super::{Result, SchedulingError, SchedulingService, first_code, iso, ref_id};
use crate::rules::slots::{Hours, generate, weekday, zone_of_state};
use crate::rules::visit::{EXT_MODE, Mode, SERVICE_TYPE_SYSTEM, VisitType};

/// Department schedules (lab, radiology) are made for these services.
const DEPARTMENT_SERVICES: &[&str] = &["laboratory", "radiology"];
/// Why a slot is closed or added, on `Slot.comment`.
pub const BLOCKED_PREFIX: &str = "Blocked: ";
pub const OVERBOOK_PREFIX: &str = "Overbook: ";

/// `availableTime` rows to template hours.
pub fn hours_of(available: &Value) -> Vec<Hours> {
    let parse_t = |v: &Value| v.as_str().and_then(|s| s.parse::<Time>().ok());
    available
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let days = a["daysOfWeek"]
                .as_array()?
                .iter()
                .filter_map(|d| d.as_str().and_then(weekday))
                .collect();
            let (start, end) = if a["allDay"].as_bool() == Some(true) {
                (Time::constant(8, 0, 0, 0), Time::constant(17, 0, 0, 0))
            } else {
                (
                    parse_t(&a["availableStartTime"])?,
                    parse_t(&a["availableEndTime"])?,
                )
            };
            Some(Hours { days, start, end })
        })
        .collect()
}

/// A slot's id: its schedule and its start (UTC minutes).
pub fn slot_id(schedule: &str, start: Timestamp) -> String {
    format!(
        "{schedule}-{}",
        start
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%d%H%M")
    )
}

impl SchedulingService {
    /// Department schedules for the lab and radiology services of every site (made once).
    pub async fn ensure_department_schedules(&self) -> Result<usize> {
        let system = Caller::system();
        let mut made = 0;
        for code in DEPARTMENT_SERVICES {
            let services = self
                .shared_search(
                    "HealthcareService",
                    &[("service-type", format!("{SERVICE_TYPE_SYSTEM}|{code}"))],
                    10_000,
                )
                .await?;
            for hcs in services {
                let Some(hid) = hcs["id"].as_str() else {
                    continue;
                };
                let id = format!("dept-{hid}");
                if self.shared("Schedule", &id).await?.is_some() {
                    continue;
                }
                let mut actors = vec![
                    json!({"reference": format!("HealthcareService/{hid}"), "display": hcs["name"]}),
                ];
                if let Some(loc) = hcs["location"].get(0) {
                    actors.push(loc.clone());
                }
                let schedule = json!({
                    "resourceType": "Schedule",
                    "id": id,
                    "active": true,
                    "serviceType": hcs["type"],
                    "actor": actors,
                    "comment": format!("Appointments for {}", hcs["name"].as_str().unwrap_or(code))
                });
                match self
                    .fhir
                    .create_once(&system, "Schedule", &id, schedule.to_string().as_bytes())
                    .await
                {
                    Ok(_) => made += 1,
                    Err(ws_fhir_service::FhirError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(made)
    }

    /// Make sure every active schedule has its slots for `days` days from `from`. Idempotent:
    /// returns how many slots were added.
    pub async fn ensure_slots(&self, from: Date, days: i64) -> Result<usize> {
        self.ensure_department_schedules().await?;
        let schedules = self
            .shared_search("Schedule", &[("active", "true".into())], 10_000)
            .await?;
        let mut added = 0;
        for s in &schedules {
            added += self.ensure_schedule_slots(s, from, days).await?;
        }
        if added > 0 {
            // Many new rows: give the planner fresh statistics (slot searches depend on them).
            self.fhir.refresh_statistics(&Caller::system()).await?;
        }
        Ok(added)
    }

    /// The template hours, clinic state and visit type of a schedule.
    async fn template_of(
        &self,
        schedule: &Value,
    ) -> Result<Option<(Vec<Hours>, String, VisitType)>> {
        let Some(visit) = first_code(&schedule["serviceType"]).and_then(VisitType::from_code)
        else {
            return Ok(None);
        };
        let actors = schedule["actor"].as_array().cloned().unwrap_or_default();
        let mut hours = Vec::new();
        let mut state = String::new();
        for a in &actors {
            if let Some(id) = ref_id(a, "PractitionerRole")
                && let Some(role) = self.shared("PractitionerRole", id).await?
            {
                hours = hours_of(&role["availableTime"]);
            } else if let Some(id) = ref_id(a, "HealthcareService")
                && let Some(hcs) = self.shared("HealthcareService", id).await?
            {
                hours = hours_of(&hcs["availableTime"]);
            } else if let Some(id) = ref_id(a, "Location")
                && let Some(loc) = self.shared("Location", id).await?
            {
                state = loc["address"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
            }
        }
        Ok(Some((hours, state, visit)))
    }

    async fn ensure_schedule_slots(
        &self,
        schedule: &Value,
        from: Date,
        days: i64,
    ) -> Result<usize> {
        let Some(sid) = schedule["id"].as_str() else {
            return Ok(0);
        };
        let Some((hours, state, visit)) = self.template_of(schedule).await? else {
            return Ok(0);
        };
        let until = from.checked_add(days.days()).unwrap_or(from);
        let tz = zone_of_state(&state);
        let closed = |d: Date| federal_holidays(d.year()).contains(&d);
        let spans = generate(&hours, visit.minutes(), from, until, &tz, &closed, &[]);
        if spans.is_empty() {
            return Ok(0);
        }
        // Which of these slots exist already: looked up by id (the primary key), so the answer
        // is fast however stale the planner's statistics are while slots are being added.
        let candidates: Vec<String> = spans.iter().map(|(st, _)| slot_id(sid, *st)).collect();
        let mut existing: HashSet<String> = HashSet::new();
        for chunk in candidates.chunks(500) {
            let found = self
                .shared_search("Slot", &[("_id", chunk.join(","))], 1_000)
                .await?;
            existing.extend(
                found
                    .iter()
                    .filter_map(|s| s["id"].as_str().map(str::to_owned)),
            );
        }
        let modes: &[Mode] = match visit {
            VisitType::Lab | VisitType::Radiology => &[Mode::InPerson],
            _ => &[Mode::InPerson, Mode::Video, Mode::Phone],
        };
        let mode_ext: Vec<Value> = modes
            .iter()
            .map(|m| json!({"url": EXT_MODE, "valueCode": m.code()}))
            .collect();
        let new: Vec<Value> = spans
            .into_iter()
            .filter(|(s, _)| !existing.contains(&slot_id(sid, *s)))
            .map(|(s, e)| {
                json!({
                    "resourceType": "Slot",
                    "id": slot_id(sid, s),
                    "extension": mode_ext,
                    "serviceType": schedule["serviceType"],
                    "specialty": schedule["specialty"],
                    "schedule": {"reference": format!("Schedule/{sid}")},
                    "status": "free",
                    "start": iso(s),
                    "end": iso(e)
                })
            })
            .map(|mut v| {
                if v["specialty"].is_null()
                    && let Some(o) = v.as_object_mut()
                {
                    o.remove("specialty");
                }
                v
            })
            .collect();
        let n = new.len();
        for chunk in new.chunks(2_000) {
            self.fhir.put_resources(&Caller::system(), chunk).await?;
        }
        Ok(n)
    }

    /// Close a free slot (staff: blocked time, with a reason).
    pub async fn block(&self, caller: &Caller, slot: &str, reason: &str) -> Result<()> {
        Self::authorize_desk(caller)?;
        self.set_slot(
            caller,
            slot,
            "free",
            "busy-unavailable",
            Some(format!("{BLOCKED_PREFIX}{reason}")),
        )
        .await
    }

    /// Reopen a blocked slot.
    pub async fn unblock(&self, caller: &Caller, slot: &str) -> Result<()> {
        Self::authorize_desk(caller)?;
        self.set_slot(caller, slot, "busy-unavailable", "free", None)
            .await
    }

    async fn set_slot(
        &self,
        caller: &Caller,
        slot: &str,
        from: &str,
        to: &str,
        comment: Option<String>,
    ) -> Result<()> {
        let desk = Self::desk_caller(caller, "scheduling: block or reopen a slot");
        let mut v = self.fhir.read_value(&desk, "Slot", slot).await?;
        let version = super::version_of(&v);
        if v["status"].as_str() != Some(from) {
            return Err(SchedulingError::Invalid(format!(
                "Slot/{slot} is {}, not {from}",
                v["status"].as_str().unwrap_or("unknown")
            )));
        }
        v["status"] = json!(to);
        match comment {
            Some(c) => v["comment"] = json!(c),
            None => {
                if let Some(o) = v.as_object_mut() {
                    o.remove("comment");
                }
            }
        }
        self.fhir
            .update(
                &desk,
                "Slot",
                slot,
                v.to_string().as_bytes(),
                Some(&format!("W/\"{version}\"")),
            )
            .await?;
        Ok(())
    }

    /// Add an extra slot on a schedule at `start` (staff: overbook, with a reason). Its id says
    /// it is an extra one, so it never collides with a template slot.
    pub async fn overbook(
        &self,
        caller: &Caller,
        schedule: &str,
        start: Timestamp,
        reason: &str,
    ) -> Result<String> {
        Self::authorize_desk(caller)?;
        let Some(sched) = self.shared("Schedule", schedule).await? else {
            return Err(SchedulingError::NotFound(format!("Schedule/{schedule}")));
        };
        let Some((_, _, visit)) = self.template_of(&sched).await? else {
            return Err(SchedulingError::Invalid(
                "this schedule has no bookable visit type".into(),
            ));
        };
        let end = start
            .checked_add(jiff::SignedDuration::from_mins(visit.minutes()))
            .map_err(|e| SchedulingError::Invalid(e.to_string()))?;
        let base = slot_id(schedule, start);
        for n in 1..100 {
            let id = format!("{base}-x{n}");
            let v = json!({
                "resourceType": "Slot",
                "id": id,
                "extension": [{"url": EXT_MODE, "valueCode": "in-person"}],
                "serviceType": sched["serviceType"],
                "schedule": {"reference": format!("Schedule/{schedule}")},
                "status": "free",
                "overbooked": true,
                "start": iso(start),
                "end": iso(end),
                "comment": format!("{OVERBOOK_PREFIX}{reason}")
            });
            match self
                .fhir
                .create_once(
                    &Self::desk_caller(caller, "scheduling: overbook"),
                    "Slot",
                    &id,
                    v.to_string().as_bytes(),
                )
                .await
            {
                Ok(_) => return Ok(id),
                Err(ws_fhir_service::FhirError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(SchedulingError::Invalid(
            "too many extra slots at this time".into(),
        ))
    }
}
