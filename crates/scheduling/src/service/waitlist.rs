//! The waitlist (SCH-05). A member who holds a visit and wants an earlier one joins the list
//! (an Appointment with status `waitlist` naming the visit it would replace). When a slot of
//! that type with that doctor frees up, the first member on the list who would gain from it is
//! offered it: the slot turns `busy-tentative`, held for them until the hold ends (2 hours, or
//! 30 minutes within a day of the visit). They accept (their visit moves into it) or the hold
//! ends and the next member is offered it.

use jiff::Timestamp;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, FhirError};
use ws_i18n::messages;

use super::booking::{BookRequest, Booked, visit_of};
use super::{Result, SchedulingError, SchedulingService, first_code, iso, ref_id, version_of};
use crate::rules::visit::Mode;
use crate::rules::waitlist::{self, Waiting};

/// On a waitlist entry: the visit it would replace; the slots it was offered and let go.
pub const EXT_WAITING_FOR: &str = "urn:wellspring:fhir:waitlist-for";
pub const EXT_PASSED: &str = "urn:wellspring:fhir:waitlist-passed-slot";
/// On a held slot: for whom (a Patient reference) and until when.
pub const EXT_HOLD_FOR: &str = "urn:wellspring:fhir:held-for";
pub const EXT_HOLD_UNTIL: &str = "urn:wellspring:fhir:held-until";

fn ext_values<'a>(v: &'a Value, url: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    v["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |e| e["url"].as_str() == Some(url))
}

/// Is `slot` held for `patient` now?
pub fn held_for(slot: &Value, patient: &str, now: Timestamp) -> bool {
    slot["status"].as_str() == Some("busy-tentative")
        && ext_values(slot, EXT_HOLD_FOR).any(|e| {
            e["valueReference"]["reference"].as_str() == Some(&format!("Patient/{patient}"))
        })
        && ext_values(slot, EXT_HOLD_UNTIL)
            .filter_map(|e| e["valueInstant"].as_str()?.parse::<Timestamp>().ok())
            .any(|until| until > now)
}

impl SchedulingService {
    /// Join the waitlist for an earlier time than visit `appointment`.
    pub async fn join_waitlist(
        &self,
        caller: &Caller,
        patient: &str,
        appointment: &str,
    ) -> Result<String> {
        Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "scheduling: join the waitlist");
        let a = self.own_appointment(&svc, patient, appointment).await?;
        if visit_of(&a).status != "booked" {
            return Err(SchedulingError::NotFound(format!(
                "Appointment/{appointment}"
            )));
        }
        let id = format!("wait-{appointment}");
        let participants: Vec<Value> = a["participant"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|x| ref_id(&x["actor"], "Location").is_none())
            .cloned()
            .collect();
        let mut body = json!({
            "resourceType": "Appointment",
            "id": id,
            "status": "waitlist",
            "extension": [{"url": EXT_WAITING_FOR, "valueReference": {"reference": format!("Appointment/{appointment}")}}],
            "serviceType": a["serviceType"],
            "created": self.clock().today().to_string(),
            "requestedPeriod": [{"start": iso(self.clock().now()), "end": a["start"]}],
            "participant": participants
        });
        // A visit hidden from someone keeps its waiting-list entry hidden from them too.
        if let Some(sec) = a.pointer("/meta/security") {
            body["meta"] = json!({"security": sec});
        }
        match self
            .fhir
            .create_once(&svc, "Appointment", &id, body.to_string().as_bytes())
            .await
        {
            Ok(_) | Err(FhirError::Conflict(_)) => Ok(id),
            Err(e) => Err(e.into()),
        }
    }

    /// Offer a freed slot to the first member waiting who would gain from it. Returns the
    /// patient it is held for, if any.
    pub async fn offer_freed(&self, slot_id: &str) -> Result<Option<String>> {
        let system = Caller::system();
        let now = self.clock().now();
        let Some(slot) = self.shared("Slot", slot_id).await? else {
            return Ok(None);
        };
        if slot["status"].as_str() != Some("free") {
            return Ok(None);
        }
        let Some(start) = slot["start"]
            .as_str()
            .and_then(|s| s.parse::<Timestamp>().ok())
        else {
            return Ok(None);
        };
        if start <= now {
            return Ok(None);
        }
        let code = first_code(&slot["serviceType"])
            .unwrap_or_default()
            .to_owned();
        let sid = ref_id(&slot["schedule"], "Schedule")
            .unwrap_or_default()
            .to_owned();
        let info = self.schedule_info(&sid).await?;
        let mut pairs = vec![
            ("status".to_owned(), "waitlist".to_owned()),
            ("service-type".to_owned(), code),
        ];
        if let Some(p) = &info.practitioner {
            pairs.push(("practitioner".into(), format!("Practitioner/{p}")));
        }
        let entries = self
            .fhir
            .search_resources(&system, "Appointment", &pairs, 1_000)
            .await?;
        let list: Vec<Waiting> = entries
            .iter()
            .map(|e| Waiting {
                id: e["id"].as_str().unwrap_or_default().to_owned(),
                since: e["meta"]["lastUpdated"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .or_else(|| {
                        e["requestedPeriod"][0]["start"]
                            .as_str()
                            .and_then(|s| s.parse().ok())
                    })
                    .unwrap_or(now),
                current_start: e["requestedPeriod"][0]["end"]
                    .as_str()
                    .and_then(|s| s.parse().ok()),
                passed: ext_values(e, EXT_PASSED).any(|x| {
                    x["valueReference"]["reference"].as_str() == Some(&format!("Slot/{slot_id}"))
                }),
            })
            .collect();
        let Some(next) = waitlist::next(&list, start) else {
            return Ok(None);
        };
        let Some(entry) = entries.iter().find(|e| e["id"].as_str() == Some(&next.id)) else {
            return Ok(None);
        };
        let Some(patient) = super::patient_of(entry).map(str::to_owned) else {
            return Ok(None);
        };
        let until = now.checked_add(waitlist::hold(now, start)).unwrap_or(now);
        // Mark the entry as offered this slot (so an expired hold passes on) …
        let mut e2 = entry.clone();
        let mut ext = e2["extension"].as_array().cloned().unwrap_or_default();
        ext.push(
            json!({"url": EXT_PASSED, "valueReference": {"reference": format!("Slot/{slot_id}")}}),
        );
        e2["extension"] = json!(ext);
        self.fhir
            .update(
                &system,
                "Appointment",
                &next.id,
                e2.to_string().as_bytes(),
                Some(&format!("W/\"{}\"", version_of(entry))),
            )
            .await?;
        // … and hold the slot for them, at the version read (a booking in between wins).
        let mut s2 = slot.clone();
        s2["status"] = json!("busy-tentative");
        let mut sx: Vec<Value> = s2["extension"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| {
                let u = e["url"].as_str().unwrap_or_default();
                u != EXT_HOLD_FOR && u != EXT_HOLD_UNTIL
            })
            .collect();
        sx.push(json!({"url": EXT_HOLD_FOR, "valueReference": {"reference": format!("Patient/{patient}")}}));
        sx.push(json!({"url": EXT_HOLD_UNTIL, "valueInstant": iso(until)}));
        s2["extension"] = json!(sx);
        match self
            .fhir
            .update(
                &system,
                "Slot",
                slot_id,
                s2.to_string().as_bytes(),
                Some(&format!("W/\"{}\"", version_of(&slot))),
            )
            .await
        {
            Ok(_) => {}
            Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        if let Some(texts) = &self.texts {
            // In the clinic's time, as the member reads it.
            let zone = crate::rules::slots::zone_of_state(&info.state);
            let local = |t: Timestamp| {
                t.to_zoned(zone.clone())
                    .strftime("%Y-%m-%dT%H:%M")
                    .to_string()
            };
            let (when, held) = (local(start), local(until));
            let doctor = info.practitioner_name.clone();
            let _ = texts
                .send_notice("waitlist", &patient, |lang| {
                    messages::email(
                        lang,
                        "waitlist-offer",
                        &[
                            ("when", &messages::fmt_date(lang, &when)),
                            ("doctor", &doctor),
                            ("until", &messages::fmt_date(lang, &held)),
                        ],
                    )
                })
                .await;
        }
        Ok(Some(patient))
    }

    /// Holds that ended free their slot and offer it to the next member. Returns how many.
    pub async fn expire_holds(&self) -> Result<usize> {
        let now = self.clock().now();
        let held = self
            .shared_search("Slot", &[("status", "busy-tentative".into())], 10_000)
            .await?;
        let mut n = 0;
        for s in held {
            let ended = ext_values(&s, EXT_HOLD_UNTIL)
                .filter_map(|e| e["valueInstant"].as_str()?.parse::<Timestamp>().ok())
                .all(|until| until <= now);
            if !ended {
                continue;
            }
            let id = s["id"].as_str().unwrap_or_default().to_owned();
            let mut s2 = s.clone();
            s2["status"] = json!("free");
            let rest: Vec<Value> = s2["extension"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| {
                    let u = e["url"].as_str().unwrap_or_default();
                    u != EXT_HOLD_FOR && u != EXT_HOLD_UNTIL
                })
                .collect();
            s2["extension"] = json!(rest);
            match self
                .fhir
                .update(
                    &Caller::system(),
                    "Slot",
                    &id,
                    s2.to_string().as_bytes(),
                    Some(&format!("W/\"{}\"", version_of(&s))),
                )
                .await
            {
                Ok(_) => {
                    n += 1;
                    self.offer_freed(&id).await?;
                }
                Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(n)
    }

    /// The slots held for `patient` now, with the waitlist entry each answers.
    pub async fn offers_for(&self, caller: &Caller, patient: &str) -> Result<Vec<(Value, String)>> {
        Self::authorize(caller, patient)?;
        let now = self.clock().now();
        let held = self
            .shared_search("Slot", &[("status", "busy-tentative".into())], 1_000)
            .await?;
        let entries = self
            .fhir
            .search_resources(
                caller,
                "Appointment",
                &[
                    ("patient".into(), format!("Patient/{patient}")),
                    ("status".into(), "waitlist".into()),
                ],
                100,
            )
            .await?;
        let mut out = Vec::new();
        for s in held.into_iter().filter(|s| held_for(s, patient, now)) {
            let slot_ref = format!("Slot/{}", s["id"].as_str().unwrap_or_default());
            if let Some(e) = entries.iter().find(|e| {
                ext_values(e, EXT_PASSED)
                    .any(|x| x["valueReference"]["reference"].as_str() == Some(&slot_ref))
            }) {
                out.push((s, e["id"].as_str().unwrap_or_default().to_owned()));
            }
        }
        Ok(out)
    }

    /// Take an offered slot: the visit the entry waits for moves into it; the entry is done.
    pub async fn accept_offer(
        &self,
        caller: &Caller,
        patient: &str,
        entry: &str,
        slot: &str,
    ) -> Result<Booked> {
        Self::authorize(caller, patient)?;
        let svc = caller.as_service(patient, "scheduling: take a waitlist offer");
        let e = self.own_appointment(&svc, patient, entry).await?;
        let Some(target) = ext_values(&e, EXT_WAITING_FOR)
            .find_map(|x| {
                x["valueReference"]["reference"]
                    .as_str()?
                    .strip_prefix("Appointment/")
            })
            .map(str::to_owned)
        else {
            return Err(SchedulingError::NotFound(format!("Appointment/{entry}")));
        };
        let old = self.fhir.read_value(&svc, "Appointment", &target).await?;
        let mode = visit_of(&old).mode;
        let req = BookRequest {
            slot: slot.to_owned(),
            mode: if mode == Mode::InPerson {
                Mode::InPerson
            } else {
                mode
            },
            reason: old["description"].as_str().unwrap_or_default().to_owned(),
            member_state: None,
        };
        let out = self.reschedule(caller, patient, &target, &req).await?;
        if matches!(out, Booked::Booked(_)) {
            let mut done = e.clone();
            done["status"] = json!("cancelled");
            done["cancelationReason"] =
                json!({"text": "an earlier time was taken from the waitlist"});
            let _ = self
                .fhir
                .update(
                    &svc,
                    "Appointment",
                    entry,
                    done.to_string().as_bytes(),
                    Some(&format!("W/\"{}\"", version_of(&e))),
                )
                .await;
        }
        Ok(out)
    }
}
