//! Text messaging for members: proving a mobile number with a code sent to it, opting in and
//! out per number (SCH-04, SMS-01), STOP and START for the whole number at once (SMS-02), and
//! sending through the outbox exactly once per message key, in one transaction with the log
//! the daily and weekly caps are counted from. Security texts (codes) are a separate kind from
//! reminders and never count towards the caps.

use ws_i18n::messages;
use ws_store::identity::enqueue;
use ws_store::texts as db;
pub use ws_store::texts::TextNumber;

use super::{Identity, Result};
use crate::secrets::{six_digits, token_hash};

/// How long a verification code is good for, and how many wrong tries it takes.
const CODE_TTL_MICROS: i64 = 10 * 60 * 1_000_000;
const CODE_TRIES: i64 = 5;

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// No code was sent to this number for this member.
    NoCode,
    Expired,
    Wrong,
    /// Five wrong codes: ask for a new one.
    TooMany,
}

impl CodeRefusal {
    pub fn key(self) -> &'static str {
        match self {
            CodeRefusal::NoCode => "texts.no-code",
            CodeRefusal::Expired => "texts.expired",
            CodeRefusal::Wrong => "texts.wrong",
            CodeRefusal::TooMany => "texts.too-many",
        }
    }
}

/// What an inbound STOP, START or HELP did; other replies are the caller's to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    Help,
}

impl Identity {
    /// Send a code to `mobile` (E.164) to prove it belongs to the member `patient`'s household.
    pub async fn text_start(&self, by: &str, patient: &str, mobile: &str) -> Result<()> {
        let now = self.clock().now_micros();
        let code = six_digits();
        let mut c = self.store.begin().await?;
        db::set_code(
            &mut c,
            mobile,
            patient,
            &token_hash(code.expose()),
            now + CODE_TTL_MICROS,
            now,
        )
        .await?;
        let lang = self.lang_for(&mut c, Some(patient)).await?;
        let text = messages::text(lang, "code", &[("code", code.expose())]);
        enqueue(&mut c, "sms", mobile, "", &text, now).await?;
        Self::audit(
            &mut c,
            self.event(by, "text-number-code", Some(patient), "success", None, None),
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    /// Check the code the member typed; right: the number is proven and opted in.
    pub async fn text_confirm(
        &self,
        by: &str,
        patient: &str,
        mobile: &str,
        code: &str,
    ) -> Result<std::result::Result<(), CodeRefusal>> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        let Some(n) = db::number(&mut c, mobile, patient).await? else {
            return Ok(Err(CodeRefusal::NoCode));
        };
        let answer = match (&n.code_hash, n.code_expires) {
            (None, _) | (_, None) => Err(CodeRefusal::NoCode),
            _ if n.attempts >= CODE_TRIES => Err(CodeRefusal::TooMany),
            (_, Some(e)) if e < now => Err(CodeRefusal::Expired),
            (Some(h), _) if *h == token_hash(code.trim()) => Ok(()),
            _ => Err(CodeRefusal::Wrong),
        };
        match answer {
            Ok(()) => db::set_verified(&mut c, mobile, patient, now).await?,
            Err(CodeRefusal::Wrong) => db::add_attempt(&mut c, mobile, patient).await?,
            Err(_) => {}
        }
        Self::audit(
            &mut c,
            self.event(
                by,
                "text-number-verify",
                Some(patient),
                if answer.is_ok() { "success" } else { "failure" },
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(answer)
    }

    /// The member's numbers.
    pub async fn text_numbers(&self, patient: &str) -> Result<Vec<TextNumber>> {
        let mut c = self.store.reader().await?;
        Ok(db::numbers_of(&mut c, patient).await?)
    }

    /// Reminders to this number on or off.
    pub async fn text_opt(&self, by: &str, patient: &str, mobile: &str, on: bool) -> Result<()> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        db::set_opted_in(&mut c, mobile, patient, on, now).await?;
        Self::audit(
            &mut c,
            self.event(
                by,
                if on { "text-opt-in" } else { "text-opt-out" },
                Some(patient),
                "success",
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    /// Forget a number for this member.
    pub async fn text_remove(&self, by: &str, patient: &str, mobile: &str) -> Result<()> {
        let mut c = self.store.begin().await?;
        db::delete_number(&mut c, mobile, patient).await?;
        Self::audit(
            &mut c,
            self.event(
                by,
                "text-number-remove",
                Some(patient),
                "success",
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    /// Send `body` to `mobile` under `key`, once: `false` when that key went out already.
    /// Logged and queued in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn text_send(
        &self,
        key: &str,
        patient: &str,
        mobile: &str,
        kind: &str,
        appointment: Option<&str>,
        body: &str,
    ) -> Result<bool> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        if !db::log_sent(&mut c, key, patient, mobile, kind, appointment, now).await? {
            return Ok(false);
        }
        enqueue(&mut c, "sms", mobile, "", body, now).await?;
        Self::audit(
            &mut c,
            self.event(
                "texts",
                "text-sent",
                Some(patient),
                "success",
                Some(kind.to_owned()),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(true)
    }

    /// When reminder texts (visit and refill reminders: SMS-01's caps count both) went to
    /// `patient` since `since` (microseconds).
    pub async fn text_reminders_since(&self, patient: &str, since: i64) -> Result<Vec<i64>> {
        let mut c = self.store.reader().await?;
        Ok(db::reminders_since(&mut c, patient, since).await?)
    }

    /// The visit the last reminder to `mobile` was about: (patient, appointment).
    pub async fn text_last_reminder(&self, mobile: &str) -> Result<Option<(String, String)>> {
        let mut c = self.store.reader().await?;
        Ok(db::last_reminder_to(&mut c, mobile).await?)
    }

    /// STOP, START or HELP from `mobile` (SMS-02): STOP suppresses every member's texts to the
    /// number and sends one confirmation; START re-subscribes; HELP answers who we are.
    pub async fn text_keyword(&self, mobile: &str, k: Keyword, phone: &str) -> Result<()> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        // The language of a member who gave this number (a family may share one).
        let first = db::numbers_by_mobile(&mut c, mobile)
            .await?
            .into_iter()
            .next();
        let lang = self
            .lang_for(&mut c, first.as_ref().map(|n| n.patient.as_str()))
            .await?;
        let body = match k {
            Keyword::Stop => {
                db::set_stopped(&mut c, mobile, true, now).await?;
                messages::text(lang, "stopped", &[])
            }
            Keyword::Start => {
                db::set_stopped(&mut c, mobile, false, now).await?;
                messages::text(lang, "started", &[])
            }
            Keyword::Help => messages::text(lang, "help", &[("phone", phone)]),
        };
        enqueue(&mut c, "sms", mobile, "", &body, now).await?;
        c.commit().await?;
        Ok(())
    }

    /// Keep an inbound text and what it did (for staff and for proof of an opt-out).
    pub async fn text_received(&self, mobile: &str, body: &str, outcome: &str) -> Result<()> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        db::insert_inbox(&mut c, mobile, body, now, outcome).await?;
        c.commit().await?;
        Ok(())
    }

    /// Every member whose reminders go to `mobile`.
    pub async fn text_numbers_by_mobile(&self, mobile: &str) -> Result<Vec<TextNumber>> {
        let mut c = self.store.reader().await?;
        Ok(db::numbers_by_mobile(&mut c, mobile).await?)
    }
}
