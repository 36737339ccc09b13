//! Visit reminders by text and the replies to them (SCH-04, SMS-01, SMS-02), and closure
//! notices. Sending is idempotent: each reminder has a key (visit + lead time) that the texts
//! log takes once, so running the sender twice — or on two servers — sends it once.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use ws_fhir_service::{Caller, FhirError};
use ws_i18n::messages;
use ws_identity::service::texts::Keyword;

use super::booking::{Cancelled, visit_of};
use super::{Result, SchedulingService, version_of};
use crate::rules::booking::{self as rules_booking, Cancel};
use crate::rules::reminders::{self, LEAD_DAYS, Reply};
use crate::rules::slots::zone_of_state;

/// The extension that records a member's confirmation (by text).
pub const EXT_CONFIRMED: &str = "urn:wellspring:fhir:confirmed-by-member";
/// The line named in texts when the location has no phone.
pub const ADVICE_LINE: &str = ws_i18n::messages::MEMBER_SERVICES_LINE;

fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

impl SchedulingService {
    fn reminders_caller() -> Caller {
        let mut c = Caller::system();
        c.actor = "reminders".into();
        c
    }

    /// Send every reminder due now. Returns how many went out.
    pub async fn send_reminders(&self) -> Result<usize> {
        let Some(texts) = &self.texts else {
            return Ok(0);
        };
        let now = self.clock().now();
        let horizon = now
            .checked_add(SignedDuration::from_hours(24 * (LEAD_DAYS[0] + 1)))
            .unwrap_or(now);
        let system = Self::reminders_caller();
        let appts = self
            .fhir
            .search_resources(
                &system,
                "Appointment",
                &[
                    ("status".into(), "booked".into()),
                    ("date".into(), format!("gt{}", super::iso(now))),
                    ("date".into(), format!("le{}", super::iso(horizon))),
                ],
                10_000,
            )
            .await?;
        let mut sent = 0;
        for a in &appts {
            let v = visit_of(a);
            let Some(start) = v.start else { continue };
            let Some(patient) = super::patient_of(a) else {
                continue;
            };
            let loc = match &v.location {
                Some(l) => self.shared("Location", l).await?,
                None => None,
            };
            let state = loc
                .as_ref()
                .and_then(|l| l["address"]["state"].as_str())
                .unwrap_or_default()
                .to_owned();
            let tz = zone_of_state(&state);
            // The most recent lead time that is due (3 days, then 1 day).
            let Some(lead) = LEAD_DAYS
                .iter()
                .rev()
                .copied()
                .find(|d| reminders::due_at(start, *d, &tz).is_some_and(|due| due <= now))
            else {
                continue;
            };
            let numbers: Vec<_> = texts
                .text_numbers(patient)
                .await
                .map_err(|e| super::SchedulingError::Invalid(e.to_string()))?
                .into_iter()
                .filter(|n| n.active())
                .collect();
            let week_ago = micros(now) - 7 * 24 * 3_600 * 1_000_000;
            let earlier: Vec<Timestamp> = texts
                .text_reminders_since(patient, week_ago)
                .await
                .map_err(|e| super::SchedulingError::Invalid(e.to_string()))?
                .into_iter()
                .filter_map(|m| Timestamp::from_microsecond(m).ok())
                .collect();
            if reminders::may_send(now, start, !numbers.is_empty(), &earlier, &tz).is_err() {
                continue;
            }
            let Some(number) = numbers.first() else {
                continue;
            };
            let lang = texts
                .member_lang(patient)
                .await
                .map_err(|e| super::SchedulingError::Invalid(e.to_string()))?;
            let local = start
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string();
            let when = messages::fmt_visit(lang, &local);
            let phone = loc
                .as_ref()
                .and_then(|l| l["telecom"][0]["value"].as_str())
                .unwrap_or(ADVICE_LINE)
                .to_owned();
            let place = if v.mode.is_remote() {
                format!("{} ({})", v.practitioner_name, v.mode.code())
            } else {
                v.location_name.clone()
            };
            let body = reminders::text(lang, &when, &place, &phone);
            let key = format!("reminder:{}:{lead}", v.id);
            if texts
                .text_send(
                    &key,
                    patient,
                    &number.mobile,
                    "reminder",
                    Some(&v.id),
                    &body,
                )
                .await
                .map_err(|e| super::SchedulingError::Invalid(e.to_string()))?
            {
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// An inbound text from `mobile` (the SMS gateway's webhook). Returns what it did.
    pub async fn text_reply(&self, mobile: &str, body: &str) -> Result<&'static str> {
        let Some(texts) = &self.texts else {
            return Ok("texts-off");
        };
        let err = |e: ws_identity::IdentityError| super::SchedulingError::Invalid(e.to_string());
        let outcome = match reminders::parse_reply(body) {
            Reply::Stop => {
                texts
                    .text_keyword(mobile, Keyword::Stop, ADVICE_LINE)
                    .await
                    .map_err(err)?;
                "stopped"
            }
            Reply::Start => {
                texts
                    .text_keyword(mobile, Keyword::Start, ADVICE_LINE)
                    .await
                    .map_err(err)?;
                "started"
            }
            Reply::Help => {
                texts
                    .text_keyword(mobile, Keyword::Help, ADVICE_LINE)
                    .await
                    .map_err(err)?;
                "help"
            }
            Reply::Confirm | Reply::Cancel => {
                match texts.text_last_reminder(mobile).await.map_err(err)? {
                    None => "no-visit",
                    Some((patient, appt)) => {
                        if reminders::parse_reply(body) == Reply::Confirm {
                            self.confirm_by_text(&patient, &appt).await?
                        } else {
                            self.cancel_by_text(&patient, &appt, mobile).await?
                        }
                    }
                }
            }
            Reply::Unknown => "unknown",
        };
        texts
            .text_received(mobile, body, outcome)
            .await
            .map_err(err)?;
        Ok(outcome)
    }

    async fn confirm_by_text(&self, patient: &str, appt: &str) -> Result<&'static str> {
        let svc = Self::reminders_caller().as_service(patient, "scheduling: confirmed by text");
        for _ in 0..3 {
            let mut a = self.fhir.read_value(&svc, "Appointment", appt).await?;
            if a["status"].as_str() != Some("booked") {
                return Ok("not-booked");
            }
            let mut ext = a["extension"].as_array().cloned().unwrap_or_default();
            if ext.iter().any(|e| e["url"].as_str() == Some(EXT_CONFIRMED)) {
                return Ok("confirmed");
            }
            ext.push(
                json!({"url": EXT_CONFIRMED, "valueDateTime": self.clock().now().to_string()}),
            );
            a["extension"] = json!(ext);
            match self
                .fhir
                .update(
                    &svc,
                    "Appointment",
                    appt,
                    a.to_string().as_bytes(),
                    Some(&format!("W/\"{}\"", version_of(&a))),
                )
                .await
            {
                Ok(_) => return Ok("confirmed"),
                Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok("busy")
    }

    async fn cancel_by_text(
        &self,
        patient: &str,
        appt: &str,
        mobile: &str,
    ) -> Result<&'static str> {
        let svc = Self::reminders_caller().as_service(patient, "scheduling: cancelled by text");
        let a = self.fhir.read_value(&svc, "Appointment", appt).await?;
        let start = visit_of(&a).start.unwrap_or_else(|| self.clock().now());
        if rules_booking::cancel(self.clock().now(), start) == Cancel::Late {
            if let Some(texts) = &self.texts {
                let _ = texts
                    .text_send(
                        &format!("late:{appt}"),
                        patient,
                        mobile,
                        "late",
                        Some(appt),
                        &messages::text(
                            texts.member_lang(patient).await.unwrap_or_default(),
                            "visit-late",
                            &[("phone", ADVICE_LINE)],
                        ),
                    )
                    .await;
            }
            return Ok("late");
        }
        Ok(
            match self
                .cancel(&svc, patient, appt, "cancelled by text reply")
                .await?
            {
                Cancelled::Done => {
                    if let Some(texts) = &self.texts {
                        let _ = texts
                            .text_send(
                                &format!("cancelled:{appt}"),
                                patient,
                                mobile,
                                "confirmation",
                                Some(appt),
                                &messages::text(
                                    texts.member_lang(patient).await.unwrap_or_default(),
                                    "visit-cancelled",
                                    &[],
                                ),
                            )
                            .await;
                    }
                    "cancelled"
                }
                Cancelled::Already => "already-cancelled",
                Cancelled::Late => "late",
            },
        )
    }

    /// A facility closes on `day` (weather, an outage): every member booked there that day is
    /// told by text (where opted in) and e-mail, once. Returns how many visits were affected.
    pub async fn notify_closure(
        &self,
        caller: &Caller,
        location: &str,
        day: jiff::civil::Date,
        reason: &str,
    ) -> Result<usize> {
        Self::authorize_desk(caller)?;
        let Some(loc) = self.shared("Location", location).await? else {
            return Err(super::SchedulingError::NotFound(format!(
                "Location/{location}"
            )));
        };
        let name = loc["name"].as_str().unwrap_or("the clinic").to_owned();
        let next = day.tomorrow().unwrap_or(day);
        let appts = self
            .fhir
            .search_resources(
                caller,
                "Appointment",
                &[
                    ("location".into(), format!("Location/{location}")),
                    ("status".into(), "booked".into()),
                    ("date".into(), format!("ge{day}")),
                    ("date".into(), format!("lt{next}")),
                ],
                10_000,
            )
            .await?;
        let day = day.to_string();
        for a in &appts {
            let v = visit_of(a);
            let Some(patient) = super::patient_of(a) else {
                continue;
            };
            let Some(texts) = &self.texts else { continue };
            // The record's language, for the text and the e-mail alike.
            let lang = texts.member_lang(patient).await.unwrap_or_default();
            let on = messages::fmt_date(lang, &day);
            let args = [
                ("name", name.as_str()),
                ("day", &on),
                ("reason", reason),
                ("phone", ADVICE_LINE),
            ];
            let numbers = texts.text_numbers(patient).await.unwrap_or_default();
            if let Some(n) = numbers.iter().find(|n| n.active()) {
                let body = messages::text(lang, "closure", &args);
                let _ = texts
                    .text_send(
                        &format!("closure:{}:{day}", v.id),
                        patient,
                        &n.mobile,
                        "closure",
                        Some(&v.id),
                        &body,
                    )
                    .await;
            }
            let mail = messages::email(lang, "closure", &args);
            let _ = texts.send_notice(&caller.actor, patient, |_| mail).await;
        }
        Ok(appts.len())
    }
}
