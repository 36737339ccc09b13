//! Refill plans (issue 15 §6): per prescription, "remind me when a refill is due" and
//! "refill it automatically" (where the formulary allows, `rules::reminders`). A plan is a
//! `Task` in the member's record (code `refill-plan`, one per prescription, the choices as its
//! inputs) — the prescriber's order is never touched. The daily run ([`PharmacyService::run_refill_plans`])
//! reads every active plan and does what is due: a reminder, the auto-refill notice, the
//! auto-refill order (by mail, through the same exactly-once ordering as the Refill button).
//! Each is recorded on the plan at the version read before it is sent, so a repeated run, or a
//! second server, sends nothing twice; texts go only to numbers the member opted in, e-mails
//! through the outbox; neither names the medicine.

use jiff::civil::Date;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, FhirError, task};

use super::list::Med;
use super::refills::{Fulfilment, RefillOutcome};
use super::{
    Notice, PharmacyError, PharmacyService, Result, TASK_SYSTEM, date_of, item_id, json_body,
    ref_id,
};
use crate::rules::cost::Channel;
use crate::rules::reminders::{self, Done, Due, NoAuto, Plan};

/// `Task.code` of a refill plan.
pub const PLAN_CODE: &str = "refill-plan";
/// What the run did, each by the date of the fill it was for (`valueDate`).
pub const EXT_REMINDED: &str = "urn:wellspring:fhir:refill-reminded-for";
pub const EXT_NOTICED: &str = "urn:wellspring:fhir:auto-refill-noticed-for";
pub const EXT_ORDERED_FOR: &str = "urn:wellspring:fhir:auto-refill-ordered-for";
/// An auto-refill that could not be ordered (no card on file): the member was told.
pub const EXT_HELD: &str = "urn:wellspring:fhir:auto-refill-held-for";

/// One current prescription with its plan.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub med: Med,
    pub plan: Plan,
    /// Whether auto-refill may be chosen, or why not.
    pub auto: std::result::Result<(), NoAuto>,
}

fn plan_of(t: &Value) -> Plan {
    let on = t["status"] == "in-progress";
    let input = |name: &str| {
        task::input(t, name)
            .and_then(|i| i["valueBoolean"].as_bool())
            .unwrap_or(false)
    };
    Plan {
        remind: on && input("remind"),
        auto: on && input("auto"),
    }
}

/// The fill date recorded on a plan under `url`.
fn done_at(t: &Value, url: &str) -> Option<Date> {
    t["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["url"] == url)
        .and_then(|e| date_of(&e["valueDate"]))
}

fn done_of(t: &Value) -> Done {
    Done {
        reminded_for: done_at(t, EXT_REMINDED),
        noticed_for: done_at(t, EXT_NOTICED),
        ordered_for: done_at(t, EXT_ORDERED_FOR),
    }
}

fn set_done(t: &mut Value, url: &str, fill: Date) {
    if !t["extension"].is_array() {
        t["extension"] = json!([]);
    }
    if let Some(list) = t["extension"].as_array_mut() {
        list.retain(|e| e["url"] != url);
        list.push(json!({"url": url, "valueDate": fill.to_string()}));
    }
}

fn is_plan(t: &Value) -> bool {
    task::has_code(t, TASK_SYSTEM, PLAN_CODE)
}

/// The caller of the daily run: the service itself, named in the audit log.
fn run_caller() -> Caller {
    let mut c = Caller::system();
    c.actor = "refill-plans".into();
    c
}

impl PharmacyService {
    /// `patient`'s current prescriptions with their refill plans.
    pub async fn refill_plans(&self, caller: &Caller, patient: &str) -> Result<Vec<PlanRow>> {
        Self::authorize(caller, patient)?;
        let list = self.medications(caller, patient).await?;
        let svc = caller.as_service(patient, "pharmacy: refill plans");
        let code = format!("{TASK_SYSTEM}|{PLAN_CODE}");
        let plans = self
            .search(&svc, "Task", &[("patient", patient), ("code", &code)])
            .await?;
        Ok(list
            .current
            .into_iter()
            .map(|med| {
                let plan = plans
                    .iter()
                    .find(|t| ref_id(&t["focus"], "MedicationRequest") == Some(med.id.as_str()))
                    .map(plan_of)
                    .unwrap_or_default();
                let auto = reminders::auto_allowed(&med.listing);
                PlanRow { med, plan, auto }
            })
            .collect())
    }

    /// Save the member's choices for their current prescriptions (one plan per prescription;
    /// a prescription not listed keeps its plan). Auto-refill where it is not allowed is
    /// refused with the reason.
    pub async fn set_refill_plans(
        &self,
        caller: &Caller,
        patient: &str,
        choices: &[(String, Plan)],
    ) -> Result<usize> {
        let rows = self.refill_plans(caller, patient).await?;
        let svc = caller.as_service(patient, "pharmacy: refill plans");
        // Every choice is checked before anything is saved.
        let mut checked = Vec::with_capacity(choices.len());
        for (id, plan) in choices {
            let Some(row) = rows.iter().find(|r| &r.med.id == id) else {
                return Err(PharmacyError::NotFound(format!("MedicationRequest/{id}")));
            };
            if plan.auto
                && let Err(why) = row.auto
            {
                return Err(PharmacyError::Invalid(format!(
                    "{} cannot refill automatically ({})",
                    row.med.name,
                    why.code()
                )));
            }
            checked.push((id, plan, row));
        }
        let mut changed = 0;
        for (id, plan, row) in checked {
            if row.plan == *plan {
                continue;
            }
            let task_id = item_id("rp", id, 0);
            let input = |name: &str, v: bool| json!({"type": {"text": name}, "valueBoolean": v});
            let status = if plan.remind || plan.auto {
                "in-progress"
            } else {
                "on-hold"
            };
            let fresh = json!({
                "resourceType": "Task",
                "id": task_id,
                "status": status,
                "intent": "plan",
                "code": {"coding": [{"system": TASK_SYSTEM, "code": PLAN_CODE, "display": "Refill reminder or auto-refill"}]},
                "description": row.med.name,
                "focus": {"reference": format!("MedicationRequest/{id}")},
                "for": {"reference": format!("Patient/{patient}")},
                "authoredOn": ws_fhir_service::time::instant(self.clock().now_micros()),
                "input": [input("remind", plan.remind), input("auto", plan.auto)],
            });
            let (mut stored, created) = self.once(&svc, "Task", &task_id, &fresh).await?;
            if !created {
                stored["status"] = fresh["status"].clone();
                stored["input"] = fresh["input"].clone();
                self.fhir
                    .update(&svc, "Task", &task_id, &json_body(&stored), None)
                    .await?;
            }
            changed += 1;
        }
        Ok(changed)
    }

    /// Do what the active refill plans make due today. Returns how many actions were taken.
    pub async fn run_refill_plans(&self) -> Result<usize> {
        let run = run_caller();
        let code = format!("{TASK_SYSTEM}|{PLAN_CODE}");
        let plans = self
            .search(&run, "Task", &[("code", &code), ("status", "in-progress")])
            .await?;
        let today = self.clock().today();
        let mut acted = 0;
        for t in plans.iter().filter(|t| is_plan(t)) {
            match self.run_plan(t, today).await {
                Ok(true) => acted += 1,
                Ok(false) => {}
                // One plan's trouble (a concurrent run got there first, a prescription gone)
                // does not stop the others.
                Err(e) => tracing::info!(error = %e, "refill plan skipped"),
            }
        }
        Ok(acted)
    }

    async fn run_plan(&self, t: &Value, today: Date) -> Result<bool> {
        let (Some(patient), Some(mr_id), Some(task_id)) = (
            ref_id(&t["for"], "Patient"),
            ref_id(&t["focus"], "MedicationRequest"),
            t["id"].as_str(),
        ) else {
            return Ok(false);
        };
        let svc = run_caller().as_service(patient, "pharmacy: refill plan");
        let mr = self
            .fhir
            .read_value(&svc, "MedicationRequest", mr_id)
            .await?;
        let Some(med) = self.facts_today(&svc, &mr, mr_id).await?.2 else {
            return Ok(false);
        };
        let due = reminders::due(
            plan_of(t),
            &med.listing,
            med.answer,
            med.last_fill,
            done_of(t),
            today,
            &self.settings,
        );
        let how = Fulfilment {
            channel: Channel::Mail,
            ..Fulfilment::default()
        };
        let (url, fill, notice) = match due {
            Due::Nothing => return Ok(false),
            Due::Remind { fill, .. } => (EXT_REMINDED, fill, Some(Notice::RefillDue)),
            Due::AutoNotice { fill, on } => (EXT_NOTICED, fill, Some(Notice::AutoRefillSoon(on))),
            // Ordering is exactly once by itself (the order's id follows from the fills), so
            // it comes first; a refill held for want of a card is tried again each run, and
            // the member is told once.
            Due::AutoOrder { fill } => match self.order_refill(&svc, mr_id, &how).await?.1 {
                RefillOutcome::Ordered { .. } => {
                    (EXT_ORDERED_FOR, fill, Some(Notice::AutoRefillOrdered))
                }
                RefillOutcome::Held(_) if done_at(t, EXT_HELD) == Some(fill) => return Ok(false),
                RefillOutcome::Held(_) => (EXT_HELD, fill, Some(Notice::AutoRefillHeld)),
                // No refills or expired: the renewal request went to the prescriber instead.
                RefillOutcome::Refused { .. } => (EXT_ORDERED_FOR, fill, None),
            },
        };
        // Record it at the version read before telling anyone: of two runs, one goes on.
        let mut updated = t.clone();
        set_done(&mut updated, url, fill);
        let version = t["meta"]["versionId"].as_str().unwrap_or("0");
        match self
            .fhir
            .update(
                &svc,
                "Task",
                task_id,
                &json_body(&updated),
                Some(&format!("W/\"{version}\"")),
            )
            .await
        {
            Ok(_) => {}
            Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        if let Some(notice) = notice {
            self.notify("refill-plans", patient, notice).await;
            self.text(patient, &format!("{url}:{task_id}:{fill}"), notice)
                .await;
        }
        Ok(true)
    }

    /// A text to each number the member opted in (once per key).
    async fn text(&self, patient: &str, key: &str, what: Notice) {
        let Some(identity) = &self.notices else {
            return;
        };
        let numbers = match identity.text_numbers(patient).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "refill texts: numbers not read");
                return;
            }
        };
        // SMS-01: one reminder text a day, three a week, visit and refill reminders together.
        let now = self.clock().now();
        let week_ago = now.as_microsecond() - 7 * 24 * 3_600 * 1_000_000;
        let sent: Vec<jiff::Timestamp> =
            match identity.text_reminders_since(patient, week_ago).await {
                Ok(s) => s
                    .into_iter()
                    .filter_map(|m| jiff::Timestamp::from_microsecond(m).ok())
                    .collect(),
                Err(e) => {
                    tracing::warn!(error = %e, "refill texts: earlier texts not read");
                    return;
                }
            };
        if !reminders::may_text(now, &sent) {
            return;
        }
        let lang = match identity.member_lang(patient).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "refill texts: language not read");
                return;
            }
        };
        let body = what.text(lang);
        for n in numbers.iter().filter(|n| n.active()).take(1) {
            let key = format!("{key}:{}", n.mobile);
            if let Err(e) = identity
                .text_send(&key, patient, &n.mobile, "refill", None, &body)
                .await
            {
                tracing::warn!(error = %e, "refill text not queued");
            }
        }
    }
}
