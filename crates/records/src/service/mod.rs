//! The records service: results in (HL7 v2), results and the record out (for the portal), and
//! staff work items. Every read and write goes through the FHIR service, so it is authorized
//! for the caller and audited there.

pub mod disclosures;
pub mod hold;
pub mod mllp;
pub mod reconcile;
pub mod record;
pub mod requests;
pub mod results;
pub mod share;

use ws_fhir_service::{Caller, Clock, Fhir};

/// The records service. Cheap to clone.
#[derive(Clone)]
pub struct RecordsService {
    pub fhir: Fhir,
    /// Where "a new result is ready" notices go (the identity outbox); `None` sends none.
    pub notices: Option<ws_identity::Identity>,
}

/// The service's errors: the one capability-service error of the FHIR service.
pub use ws_fhir_service::ServiceError as RecordsError;

pub type Result<T, E = RecordsError> = std::result::Result<T, E>;

impl RecordsService {
    pub fn new(fhir: Fhir) -> RecordsService {
        RecordsService {
            fhir,
            notices: None,
        }
    }

    /// Send notices to members through `identity`'s outbox.
    pub fn with_notices(mut self, identity: ws_identity::Identity) -> RecordsService {
        self.notices = Some(identity);
        self
    }

    /// The FHIR service's clock.
    pub fn clock(&self) -> &Clock {
        self.fhir.clock()
    }

    /// The caller a lab interface acts as: unrestricted (it files results for any patient), named
    /// in the audit log with where the message came from.
    pub fn interface_caller(source: &str) -> Caller {
        Caller {
            actor: "interface:hl7".into(),
            source: Some(source.to_owned()),
            purpose: Some("lab results interface".into()),
            ..Caller::system()
        }
    }
}

/// How a person acts on `patient`'s record for requests, share links and records brought in:
/// the member (a teen for their own record too), a parent with full access to a young child,
/// a legal representative — the people who may also read who looked at the record
/// (`policy::may_see_access_log_as`). Anyone else gets the answer for a record that does not
/// exist.
pub(crate) fn representative(
    caller: &Caller,
    patient: &str,
) -> Result<ws_identity::caller::Access> {
    match &caller.principal {
        ws_fhir_service::Principal::Person { grants, .. } => grants
            .iter()
            .find(|g| {
                g.patient == patient && ws_identity::rules::policy::may_see_access_log_as(g.access)
            })
            .map(|g| g.access)
            .ok_or_else(|| RecordsError::NotFound(format!("Patient/{patient}"))),
        _ => Err(RecordsError::NotFound(format!("Patient/{patient}"))),
    }
}

/// The practitioner id of a clinician who treats `patient`: a clinician account naming its
/// practitioner, with the patient on its care teams' panel — not by an emergency (break-the-
/// glass) declaration, which is no treating relationship. Holds and reconciliation ask this.
pub(crate) fn treating_clinician(caller: &Caller, patient: &str) -> Result<String> {
    match &caller.principal {
        ws_fhir_service::Principal::Staff {
            role: ws_identity::StaffRole::Clinician,
            practitioner: Some(pr),
            panel,
            break_glass: None,
            ..
        } if panel.iter().any(|p| p == patient) => Ok(pr.clone()),
        _ => Err(RecordsError::Forbidden(
            "only a clinician of the member's care team may do this (emergency access does not qualify)"
                .into(),
        )),
    }
}
