//! Delivering the notification outbox. Messages are written in the same transaction as the
//! change that caused them; a sender claims and delivers them. The default sink writes each
//! message to a file (works offline); email and SMS gateways plug in behind [`FileSink`]'s place.

use std::path::PathBuf;

use ws_i18n::Lang;
use ws_i18n::messages::Email;
use ws_store::identity::{self as db, OutboxRow};

use super::{Identity, IdentityError, Result};

/// Writes each message as `<dir>/<channel>/<id>.txt` (recipient, subject, body).
#[derive(Debug, Clone)]
pub struct FileSink {
    pub dir: PathBuf,
}

impl FileSink {
    fn write(&self, m: &OutboxRow) -> std::io::Result<()> {
        let dir = self.dir.join(&m.channel);
        std::fs::create_dir_all(&dir)?;
        let text = format!("To: {}\nSubject: {}\n\n{}", m.recipient, m.subject, m.body);
        let tmp = dir.join(format!("{:010}.tmp", m.id));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, dir.join(format!("{:010}.txt", m.id)))
    }
}

/// Claim and deliver every pending message; returns them (tests read the links from them).
pub async fn deliver_pending(id: &Identity, sink: &FileSink) -> Result<Vec<OutboxRow>> {
    let mut out = Vec::new();
    loop {
        let mut c = id.store.begin().await?;
        let batch = db::claim_outbox(&mut c, 100, id.clock.now_micros()).await?;
        if batch.is_empty() {
            c.rollback().await?;
            break;
        }
        for m in &batch {
            sink.write(m)
                .map_err(|e| IdentityError::Internal(format!("outbox sink: {e}")))?;
        }
        c.commit().await?;
        out.extend(batch);
    }
    Ok(out)
}

impl Identity {
    /// A notice to a member about their record (a plan change, a result, a pharmacy order),
    /// sent by e-mail through the outbox to the portal account linked to `patient`, with an
    /// audit record (action `notice`, by `by`, in the member's compartment) in the same
    /// transaction. `compose` writes the e-mail in the member's language (the record's
    /// `communication`, else the page's, else English). Returns the address it goes to, or
    /// `None` when the member has no portal account (nothing is queued; the audit record says
    /// so).
    pub async fn send_notice(
        &self,
        by: &str,
        patient: &str,
        compose: impl FnOnce(Lang) -> Email,
    ) -> Result<Option<String>> {
        let now = self.clock().now_micros();
        let mut c = self.store.begin().await?;
        let lang = match Self::patient(&mut c, patient).await?.and_then(|f| f.lang) {
            Some(l) => l,
            None => self.lang_for(&mut c, None).await?,
        };
        let mail = compose(lang);
        let to = db::account_by_patient(&mut c, patient)
            .await?
            .filter(|a| !a.disabled)
            .map(|a| a.email);
        if let Some(email) = &to {
            db::enqueue(&mut c, "email", email, &mail.subject, &mail.body, now).await?;
        }
        let detail = match &to {
            Some(_) => format!("e-mail: {}", mail.subject),
            None => format!("no portal account, not sent: {}", mail.subject),
        };
        Self::audit(
            &mut c,
            self.event(by, "notice", Some(patient), "success", Some(detail), None),
        )
        .await?;
        c.commit().await?;
        Ok(to)
    }

    /// The language messages to `patient` are written in when nothing else says (the record's
    /// `communication`, else English): for texts a service composes itself.
    pub async fn member_lang(&self, patient: &str) -> Result<Lang> {
        let mut c = self.store.reader().await?;
        Ok(Self::patient(&mut c, patient)
            .await?
            .and_then(|f| f.lang)
            .unwrap_or_default())
    }
}
