//! Notices to members about their coverage (issue 13: a plan change). Coverage has no mail of
//! its own: a notice goes through the identity service's outbox, as the e-mails of sign-in and
//! invitations do ([`ws_identity::Identity::send_notice`]), to the portal account linked to the
//! member's record, and is recorded in the audit log with who caused it. The words are the
//! caller's (the web layer writes them in the member's language, [`CoverageService::member_language`]).

use ws_fhir_service::Caller;

use crate::service::{CoverageError, CoverageService, Result};

/// A notice, in the member's language (written by the web layer from the portal's texts).
pub use ws_i18n::messages::Email as Notice;

impl CoverageService {
    /// The language `patient` prefers ([`ws_identity::service::record_language`]), for a caller
    /// who may manage their membership.
    pub async fn member_language(
        &self,
        caller: &Caller,
        patient: &str,
    ) -> Result<Option<ws_i18n::Lang>> {
        Self::authorize_manage(caller, patient)?;
        let svc = Self::service_caller(caller, patient, "membership: notice language");
        let p = self.read_json(&svc, "Patient", patient).await?;
        Ok(ws_identity::service::record_language(&p))
    }

    /// Send `notice` to `patient` (their portal account's e-mail, through the identity outbox),
    /// recorded in the audit log under the caller's name. Returns the address, `None` when the
    /// member has no portal account or this service has no notice path (tools and tests).
    pub async fn notify(
        &self,
        caller: &Caller,
        patient: &str,
        notice: &Notice,
    ) -> Result<Option<String>> {
        Self::authorize_manage(caller, patient)?;
        let Some(identity) = &self.notices else {
            return Ok(None);
        };
        identity
            .send_notice(&caller.actor, patient, |_| notice.clone())
            .await
            .map_err(|e| CoverageError::Notice(e.to_string()))
    }
}
