//! Booking, rescheduling and cancelling visits, the open-slot search and a member's visits.
//!
//! The rules ([`crate::rules::booking`]) decide with facts gathered here; the write itself is an
//! ordinary FHIR create or update of the Appointment, so the write guard takes or frees the slot
//! in the same transaction — a slot taken by someone else a moment ago answers [`Booked::Taken`].

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, FhirError};
use ws_identity::rules::labels::{MINOR_SYSTEM, MINOR_VISIT};

use super::guard::{holds_slot, specialty};
use super::{
    Result, Right, SchedulingError, SchedulingService, first_code, iso, patient_of, ref_id,
    version_of,
};
use crate::rules::booking::{self, BookingFacts, BookingRefusal, Cancel};
use crate::rules::pcp::PrimaryCare;
use crate::rules::slots::zone_of_state;
use crate::rules::visit::{EXT_MODE, Mode, VisitType};

/// Extensions on Appointments: a late cancellation (SCH-03), where the member is for a remote
/// visit (SEED-10), the video link.
pub const EXT_LATE_CANCEL: &str = "urn:wellspring:fhir:late-cancellation";
pub const EXT_MEMBER_STATE: &str = "urn:wellspring:fhir:member-location-state";
pub const EXT_VIDEO_LINK: &str = "urn:wellspring:fhir:video-link";

/// What the member asks for.
#[derive(Debug, Clone)]
pub struct BookRequest {
    pub slot: String,
    pub mode: Mode,
    pub reason: String,
    /// The state the member will be in (video and phone visits).
    pub member_state: Option<String>,
}

/// The answer to a booking or a move.
#[derive(Debug, Clone)]
pub enum Booked {
    /// Booked: the Appointment.
    Booked(Value),
    /// A rule says no (with the reason).
    Refused(BookingRefusal),
    /// Someone else took the slot first.
    Taken,
}

/// The answer to a cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    Done,
    /// Less than two hours before the start: the member calls (staff may record it).
    Late,
    /// It was cancelled already (a second click, or a text reply at the same time).
    Already,
}

/// A slot offered to book, with what the member needs to choose it.
#[derive(Debug, Clone)]
pub struct OpenSlot {
    pub id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub visit: String,
    pub practitioner: Option<String>,
    pub practitioner_name: String,
    pub location_name: String,
    pub state: String,
    pub modes: Vec<Mode>,
}

/// What to search open slots by.
#[derive(Debug, Clone, Default)]
pub struct SlotQuery {
    pub visit: Option<String>,
    pub practitioner: Option<String>,
    pub location: Option<String>,
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
    pub mode: Option<Mode>,
}

/// One of the member's visits.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: String,
    pub status: String,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub visit: String,
    pub mode: Mode,
    pub practitioner: Option<String>,
    pub practitioner_name: String,
    pub location: Option<String>,
    pub location_name: String,
    /// The clinic's state (its time zone); filled by the service.
    pub state: String,
    pub instructions: Option<String>,
    pub video_link: Option<String>,
    pub late: bool,
    pub slot: Option<String>,
    pub version: i64,
}

/// Where a schedule is and who it is for (cached while one search is enriched).
#[derive(Debug, Clone, Default)]
pub struct ScheduleInfo {
    pub practitioner: Option<String>,
    pub practitioner_name: String,
    pub role: Option<Value>,
    pub location: Option<String>,
    pub location_name: String,
    pub state: String,
}

fn instant(v: &Value) -> Option<Timestamp> {
    v.as_str()?.parse().ok()
}

fn modes_of(v: &Value) -> Vec<Mode> {
    v["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"].as_str() == Some(EXT_MODE))
        .filter_map(|e| e["valueCode"].as_str().and_then(Mode::from_code))
        .collect()
}

/// What to do before a visit of this type (shown on the visit and in the confirmation).
pub fn instructions(visit: &str, mode: Mode) -> &'static str {
    match (visit, mode) {
        (_, Mode::Video) => {
            "Join from a quiet, private place 10 minutes early; test your camera and microphone."
        }
        (_, Mode::Phone) => "Keep your phone with you at the visit time; we will call you.",
        ("laboratory", _) => {
            "Bring your member ID card. Some tests need fasting for 8 to 12 hours: check your order."
        }
        ("radiology", _) => "Arrive 15 minutes early; wear clothes without metal.",
        _ => "Arrive 15 minutes early with your member ID card and a list of your medicines.",
    }
}

impl SchedulingService {
    /// Who and where a schedule is for.
    pub async fn schedule_info(&self, schedule_id: &str) -> Result<ScheduleInfo> {
        let mut info = ScheduleInfo::default();
        let Some(s) = self.shared("Schedule", schedule_id).await? else {
            return Ok(info);
        };
        for a in s["actor"].as_array().into_iter().flatten() {
            if let Some(id) = ref_id(a, "PractitionerRole") {
                if let Some(role) = self.shared("PractitionerRole", id).await? {
                    info.practitioner =
                        ref_id(&role["practitioner"], "Practitioner").map(str::to_owned);
                    info.practitioner_name = role["practitioner"]["display"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    info.role = Some(role);
                }
            } else if let Some(id) = ref_id(a, "Practitioner") {
                info.practitioner.get_or_insert_with(|| id.to_owned());
                if info.practitioner_name.is_empty() {
                    info.practitioner_name = a["display"].as_str().unwrap_or_default().to_owned();
                }
            } else if let Some(id) = ref_id(a, "Location") {
                if let Some(loc) = self.shared("Location", id).await? {
                    info.location_name = loc["name"].as_str().unwrap_or_default().to_owned();
                    info.state = loc["address"]["state"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                }
                info.location = Some(id.to_owned());
            } else if ref_id(a, "HealthcareService").is_some() && info.practitioner_name.is_empty()
            {
                info.practitioner_name = a["display"].as_str().unwrap_or_default().to_owned();
            }
        }
        Ok(info)
    }

    /// Free slots matching `q`, soonest first (at most `limit`).
    pub async fn open_slots(&self, q: &SlotQuery, limit: i64) -> Result<Vec<OpenSlot>> {
        let now = self.clock().now();
        let mut pairs: Vec<(&str, String)> =
            vec![("status", "free".into()), ("_sort", "start".into())];
        let from = q.from.map_or_else(|| iso(now), |d| d.to_string());
        pairs.push(("start", format!("ge{from}")));
        if let Some(to) = q.to {
            pairs.push(("start", format!("le{to}")));
        }
        if let Some(v) = &q.visit {
            pairs.push(("service-type", v.clone()));
        }
        if let Some(p) = &q.practitioner {
            pairs.push(("schedule.actor", format!("Practitioner/{p}")));
        }
        if let Some(l) = &q.location {
            pairs.push(("schedule.actor", format!("Location/{l}")));
        }
        let rows = self.shared_search("Slot", &pairs, limit * 2 + 20).await?;
        let mut infos: HashMap<String, ScheduleInfo> = HashMap::new();
        let mut out = Vec::new();
        for s in rows {
            let (Some(start), Some(end)) = (instant(&s["start"]), instant(&s["end"])) else {
                continue;
            };
            if start <= now {
                continue;
            }
            let modes = modes_of(&s);
            if let Some(m) = q.mode
                && !modes.contains(&m)
            {
                continue;
            }
            let sid = ref_id(&s["schedule"], "Schedule")
                .unwrap_or_default()
                .to_owned();
            if !infos.contains_key(&sid) {
                let info = self.schedule_info(&sid).await?;
                infos.insert(sid.clone(), info);
            }
            let info = infos.get(&sid).cloned().unwrap_or_default();
            out.push(OpenSlot {
                id: s["id"].as_str().unwrap_or_default().to_owned(),
                start,
                end,
                visit: first_code(&s["serviceType"]).unwrap_or_default().to_owned(),
                practitioner: info.practitioner,
                practitioner_name: info.practitioner_name,
                location_name: info.location_name,
                state: info.state,
                modes,
            });
            if out.len() as i64 >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The facts the booking rules need for `patient` and this slot.
    #[allow(clippy::too_many_arguments)]
    async fn facts_for(
        &self,
        svc: &Caller,
        patient: &str,
        slot: &Value,
        info: &ScheduleInfo,
        req: &BookRequest,
        right: Right,
        moving: Option<&str>,
    ) -> Result<std::result::Result<(), BookingRefusal>> {
        let now = self.clock().now();
        let start = instant(&slot["start"])
            .ok_or_else(|| SchedulingError::Invalid("the slot has no start".into()))?;
        let code = first_code(&slot["serviceType"])
            .unwrap_or_default()
            .to_owned();
        let visit = VisitType::from_code(&code).ok_or_else(|| {
            SchedulingError::Invalid(format!("'{code}' visits are not booked online"))
        })?;
        let tz = zone_of_state(&info.state);
        let visit_day = start.to_zoned(tz).date();
        let p = self.fhir.read_value(svc, "Patient", patient).await?;
        let age = p["birthDate"]
            .as_str()
            .and_then(|b| crate::rules::pcp::age_on(b, visit_day))
            .unwrap_or(crate::rules::pcp::UNKNOWN_AGE);
        let covered = self
            .coverage
            .status(svc, patient, visit_day)
            .await
            .map_err(|e| SchedulingError::Invalid(e.to_string()))?
            .is_active();
        let referral = if visit.needs_referral() {
            self.fhir
                .search_resources(
                    svc,
                    "ServiceRequest",
                    &[
                        ("subject".into(), format!("Patient/{patient}")),
                        ("status".into(), "active".into()),
                    ],
                    100,
                )
                .await
                .unwrap_or_default()
                .iter()
                .any(|r| r.to_string().contains(&format!("\"{code}\"")))
        } else {
            false
        };
        let upcoming = self
            .fhir
            .search_resources(
                svc,
                "Appointment",
                &[
                    ("patient".into(), format!("Patient/{patient}")),
                    ("date".into(), format!("ge{}", iso(now))),
                ],
                200,
            )
            .await?;
        // A parent of a teen is not told of visits hidden from them (PRX-03): those do not
        // count against the parent's booking.
        let hidden_from_parent = |a: &Value| {
            right == Right::TeenParent
                && ws_identity::rules::labels::policy_labels(a)
                    .iter()
                    .any(|l| l == MINOR_VISIT)
        };
        let holds_same = upcoming.iter().filter(|a| !hidden_from_parent(a)).any(|a| {
            holds_slot(a["status"].as_str().unwrap_or_default())
                && Some(a["id"].as_str().unwrap_or_default()) != moving
                && first_code(&a["serviceType"]) == Some(code.as_str())
                && info.practitioner.as_deref().is_some_and(|pr| {
                    a["participant"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|x| ref_id(&x["actor"], "Practitioner") == Some(pr))
                })
        });
        let primary_care: Option<PrimaryCare> = info.role.as_ref().and_then(specialty);
        let facts = BookingFacts {
            now,
            start,
            visit,
            mode: req.mode,
            age,
            primary_care,
            covered,
            referral,
            member_state: req.member_state.as_deref(),
            clinic_state: &info.state,
            holds_same,
            teen_parent: right == Right::TeenParent,
        };
        Ok(booking::decide(&facts))
    }

    fn appointment_body(
        patient: (&str, &str),
        slot: &Value,
        info: &ScheduleInfo,
        req: &BookRequest,
        created: jiff::civil::Date,
        security: Option<&Value>,
    ) -> Value {
        let code = first_code(&slot["serviceType"]).unwrap_or_default();
        let mut participants = vec![json!({
            "actor": {"reference": format!("Patient/{}", patient.0), "display": patient.1},
            "required": "required",
            "status": "accepted"
        })];
        if let Some(p) = &info.practitioner {
            participants.push(json!({
                "actor": {"reference": format!("Practitioner/{p}"), "display": info.practitioner_name},
                "required": "required",
                "status": "accepted"
            }));
        }
        if let Some(l) = &info.location {
            participants.push(json!({
                "actor": {"reference": format!("Location/{l}"), "display": info.location_name},
                "required": "required",
                "status": "accepted"
            }));
        }
        let mut ext = vec![json!({"url": EXT_MODE, "valueCode": req.mode.code()})];
        if let Some(s) = &req.member_state {
            ext.push(json!({"url": EXT_MEMBER_STATE, "valueCode": s.to_ascii_uppercase()}));
        }
        let slot_id = slot["id"].as_str().unwrap_or_default();
        if req.mode == Mode::Video {
            ext.push(json!({"url": EXT_VIDEO_LINK, "valueUrl": format!("https://video.wellspring.example/visit/{slot_id}")}));
        }
        let mut a = json!({
            "resourceType": "Appointment",
            "extension": ext,
            "status": "booked",
            "serviceType": slot["serviceType"],
            "start": slot["start"],
            "end": slot["end"],
            "created": created.to_string(),
            "slot": [{"reference": format!("Slot/{slot_id}")}],
            "patientInstruction": instructions(code, req.mode),
            "participant": participants
        });
        if !req.reason.trim().is_empty() {
            a["description"] = json!(req.reason.trim());
        }
        if let Some(sec) = security.filter(|s| s.as_array().is_some_and(|a| !a.is_empty())) {
            a["meta"] = json!({"security": sec});
        }
        a
    }

    /// Book `req.slot` for `patient`.
    pub async fn book(&self, caller: &Caller, patient: &str, req: &BookRequest) -> Result<Booked> {
        let right = Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "scheduling: book a visit");
        let Some(slot) = self.shared("Slot", &req.slot).await? else {
            return Err(SchedulingError::NotFound(format!("Slot/{}", req.slot)));
        };
        if slot["status"].as_str() != Some("free")
            && !super::waitlist::held_for(&slot, patient, self.clock().now())
        {
            return Ok(Booked::Taken);
        }
        if !modes_of(&slot).contains(&req.mode) {
            return Err(SchedulingError::Invalid(format!(
                "this time is not offered as a {} visit",
                req.mode.code()
            )));
        }
        let sid = ref_id(&slot["schedule"], "Schedule")
            .unwrap_or_default()
            .to_owned();
        let info = self.schedule_info(&sid).await?;
        if right != Right::Desk
            && let Err(r) = self
                .facts_for(&svc, patient, &slot, &info, req, right, None)
                .await?
        {
            return Ok(Booked::Refused(r));
        }
        let p = self.fhir.read_value(&svc, "Patient", patient).await?;
        let name = display_name(&p);
        let today = self.clock().today();
        // A minor's visit that a parent of a teen does not book is hidden from a parent of a
        // teen (PRX-03); the label stays with the visit when it moves or waits for a time.
        let minor = p["birthDate"]
            .as_str()
            .and_then(|b| crate::rules::pcp::age_on(b, today))
            .is_none_or(|age| age < 18);
        let security = (minor && right != Right::TeenParent).then(|| {
            json!([{"system": MINOR_SYSTEM, "code": MINOR_VISIT, "display": "visit of a minor not booked by a parent of a teen"}])
        });
        let body = Self::appointment_body(
            (patient, &name),
            &slot,
            &info,
            req,
            today,
            security.as_ref(),
        );
        match self
            .fhir
            .create(&svc, "Appointment", body.to_string().as_bytes(), None)
            .await
        {
            Ok(w) => Ok(Booked::Booked(w.value().unwrap_or(Value::Null))),
            Err(FhirError::Conflict(_)) => Ok(Booked::Taken),
            Err(e) => Err(e.into()),
        }
    }

    /// Read one of `patient`'s appointments as `caller` (anyone else's is "not found").
    pub(crate) async fn own_appointment(
        &self,
        caller: &Caller,
        patient: &str,
        id: &str,
    ) -> Result<Value> {
        let a = self.fhir.read_value(caller, "Appointment", id).await?;
        if patient_of(&a) != Some(patient) {
            return Err(SchedulingError::NotFound(format!("Appointment/{id}")));
        }
        Ok(a)
    }

    /// Cancel a visit. Members cancel online until two hours before (SCH-03); the desk may
    /// record a late cancellation. Exactly once: a second cancel (a click, a text reply) finds
    /// it cancelled.
    pub async fn cancel(
        &self,
        caller: &Caller,
        patient: &str,
        id: &str,
        reason: &str,
    ) -> Result<Cancelled> {
        let right = Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "scheduling: cancel a visit");
        for _ in 0..3 {
            let mut a = self.own_appointment(&svc, patient, id).await?;
            if a["status"].as_str() == Some("cancelled") {
                return Ok(Cancelled::Already);
            }
            let start = instant(&a["start"]).unwrap_or_else(|| self.clock().now());
            let late = booking::cancel(self.clock().now(), start) == Cancel::Late;
            if late && right != Right::Desk {
                return Ok(Cancelled::Late);
            }
            a["status"] = json!("cancelled");
            a["cancelationReason"] = json!({"text": if reason.trim().is_empty() { "cancelled by the member" } else { reason.trim() }});
            if late {
                push_ext(
                    &mut a,
                    json!({"url": EXT_LATE_CANCEL, "valueBoolean": true}),
                );
            }
            let version = version_of(&a);
            match self
                .fhir
                .update(
                    &svc,
                    "Appointment",
                    id,
                    a.to_string().as_bytes(),
                    Some(&format!("W/\"{version}\"")),
                )
                .await
            {
                Ok(_) => {
                    if let Some(slot) = a["slot"][0]["reference"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("Slot/"))
                    {
                        self.offer_freed(slot).await?;
                    }
                    return Ok(Cancelled::Done);
                }
                Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Cancelled::Already)
    }

    /// Move a visit to another slot: one update of the same Appointment, so the guard takes the
    /// new slot and frees the old one in one transaction.
    pub async fn reschedule(
        &self,
        caller: &Caller,
        patient: &str,
        id: &str,
        req: &BookRequest,
    ) -> Result<Booked> {
        let right = Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "scheduling: reschedule a visit");
        let old = self.own_appointment(&svc, patient, id).await?;
        if !holds_slot(old["status"].as_str().unwrap_or_default()) {
            return Err(SchedulingError::Invalid("this visit is not booked".into()));
        }
        let old_start = instant(&old["start"]).unwrap_or_else(|| self.clock().now());
        if right != Right::Desk && booking::cancel(self.clock().now(), old_start) == Cancel::Late {
            return Err(SchedulingError::Invalid(
                "it is less than two hours before the visit: please call to change it".into(),
            ));
        }
        let Some(slot) = self.shared("Slot", &req.slot).await? else {
            return Err(SchedulingError::NotFound(format!("Slot/{}", req.slot)));
        };
        if slot["status"].as_str() != Some("free")
            && !super::waitlist::held_for(&slot, patient, self.clock().now())
        {
            return Ok(Booked::Taken);
        }
        let sid = ref_id(&slot["schedule"], "Schedule")
            .unwrap_or_default()
            .to_owned();
        let info = self.schedule_info(&sid).await?;
        if right != Right::Desk
            && let Err(r) = self
                .facts_for(&svc, patient, &slot, &info, req, right, Some(id))
                .await?
        {
            return Ok(Booked::Refused(r));
        }
        let name = old["participant"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| ref_id(&x["actor"], "Patient").is_some())
            .and_then(|x| x["actor"]["display"].as_str())
            .unwrap_or_default()
            .to_owned();
        let created = old["created"]
            .as_str()
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| self.clock().today());
        let mut body = Self::appointment_body(
            (patient, &name),
            &slot,
            &info,
            req,
            created,
            old.pointer("/meta/security"),
        );
        body["id"] = json!(id);
        let old_slot = old["slot"][0]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Slot/"))
            .map(str::to_owned);
        match self
            .fhir
            .update(
                &svc,
                "Appointment",
                id,
                body.to_string().as_bytes(),
                Some(&format!("W/\"{}\"", version_of(&old))),
            )
            .await
        {
            Ok(w) => {
                if let Some(s) = old_slot {
                    self.offer_freed(&s).await?;
                }
                let v = w.value().unwrap_or(Value::Null);
                Ok(Booked::Booked(v))
            }
            Err(FhirError::Conflict(_)) => Ok(Booked::Taken),
            Err(FhirError::PreconditionFailed(_)) => Err(SchedulingError::Invalid(
                "the visit changed at the same time; look at it again".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// `patient`'s visits, soonest first, as `caller` sees them.
    pub async fn visits(&self, caller: &Caller, patient: &str) -> Result<Vec<Visit>> {
        Self::authorize(caller, patient)?;
        let rows = self
            .fhir
            .search_resources(
                caller,
                "Appointment",
                &[
                    ("patient".into(), format!("Patient/{patient}")),
                    ("_sort".into(), "date".into()),
                ],
                500,
            )
            .await?;
        let mut out: Vec<Visit> = rows.iter().map(visit_of).collect();
        self.fill_states(&mut out).await?;
        Ok(out)
    }

    /// Each visit's clinic state (for its local time).
    async fn fill_states(&self, visits: &mut [Visit]) -> Result<()> {
        let mut states: HashMap<String, String> = HashMap::new();
        for v in visits.iter_mut() {
            let Some(l) = v.location.clone() else {
                continue;
            };
            if !states.contains_key(&l) {
                let st = self
                    .shared("Location", &l)
                    .await?
                    .and_then(|x| x["address"]["state"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                states.insert(l.clone(), st);
            }
            v.state = states.get(&l).cloned().unwrap_or_default();
        }
        Ok(())
    }

    /// One visit (for the `.ics` download and the detail page).
    pub async fn visit(&self, caller: &Caller, patient: &str, id: &str) -> Result<Visit> {
        Self::authorize(caller, patient)?;
        let a = self.own_appointment(caller, patient, id).await?;
        let mut v = [visit_of(&a)];
        self.fill_states(&mut v).await?;
        let [v] = v;
        Ok(v)
    }
}

fn push_ext(v: &mut Value, e: Value) {
    if !v["extension"].is_array() {
        v["extension"] = json!([]);
    }
    if let Some(l) = v["extension"].as_array_mut() {
        l.push(e);
    }
}

/// "Given Family" from a Patient.
pub fn display_name(p: &Value) -> String {
    let n = &p["name"][0];
    let given: Vec<&str> = n["given"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    format!(
        "{} {}",
        given.join(" "),
        n["family"].as_str().unwrap_or_default()
    )
    .trim()
    .to_owned()
}

/// An Appointment as the member reads it.
pub fn visit_of(a: &Value) -> Visit {
    let ext = |url: &str| {
        a["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["url"].as_str() == Some(url))
            .cloned()
    };
    let who = |t: &str| {
        a["participant"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| ref_id(&x["actor"], t).is_some())
            .cloned()
    };
    let loc = who("Location");
    Visit {
        id: a["id"].as_str().unwrap_or_default().to_owned(),
        status: a["status"].as_str().unwrap_or_default().to_owned(),
        start: instant(&a["start"]),
        end: instant(&a["end"]),
        visit: first_code(&a["serviceType"]).unwrap_or_default().to_owned(),
        mode: ext(EXT_MODE)
            .and_then(|e| e["valueCode"].as_str().and_then(Mode::from_code))
            .unwrap_or(Mode::InPerson),
        practitioner: who("Practitioner")
            .and_then(|x| ref_id(&x["actor"], "Practitioner").map(str::to_owned)),
        practitioner_name: who("Practitioner")
            .and_then(|x| x["actor"]["display"].as_str().map(str::to_owned))
            .unwrap_or_default(),
        location: loc
            .as_ref()
            .and_then(|x| ref_id(&x["actor"], "Location").map(str::to_owned)),
        location_name: loc
            .and_then(|x| x["actor"]["display"].as_str().map(str::to_owned))
            .unwrap_or_default(),
        state: String::new(),
        instructions: a["patientInstruction"].as_str().map(str::to_owned),
        video_link: ext(EXT_VIDEO_LINK).and_then(|e| e["valueUrl"].as_str().map(str::to_owned)),
        late: ext(EXT_LATE_CANCEL).is_some(),
        slot: a["slot"][0]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Slot/"))
            .map(str::to_owned),
        version: version_of(a),
    }
}
