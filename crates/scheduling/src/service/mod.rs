//! The scheduling service: the directory, the personal doctor, slots from templates, booking,
//! rescheduling and cancelling, the waitlist and text reminders. Reads and writes go through
//! the FHIR service, so they are authorized and audited there; the slot and panel invariants
//! hold on every write path through [`guard::SchedulingGuard`].

pub mod booking;
pub mod directory;
pub mod guard;
pub mod pcp;
pub mod reminders;
pub mod slots;
pub mod waitlist;

use serde_json::Value;
use ws_fhir_service::{Caller, Clock, Fhir, Principal};
use ws_identity::caller::{Access, StaffRole};

/// The service's errors: the one capability-service error of the FHIR service.
pub use ws_fhir_service::ServiceError as SchedulingError;

pub type Result<T, E = SchedulingError> = std::result::Result<T, E>;

/// The scheduling service. Cheap to clone.
#[derive(Clone)]
pub struct SchedulingService {
    pub fhir: Fhir,
    /// Coverage on the visit date (ELG-01).
    pub coverage: ws_coverage::CoverageService,
    /// Where texts go (the identity outbox: SMS sink); `None` sends none.
    pub texts: Option<ws_identity::Identity>,
    /// Days of slots kept ahead of today.
    pub slot_days: i64,
    /// The shared secret the SMS gateway sends with inbound replies (`None`: the inbound
    /// webhook is off).
    pub inbound_key: Option<String>,
}

/// What a caller may do with a member's visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Every visit type and mode.
    Full,
    /// A parent of a teen: routine in-person visits only (PRX-03 hides video visits and
    /// past/future visit details).
    TeenParent,
    /// Staff and in-process callers: any member, any visit; may overbook and block.
    Desk,
}

impl SchedulingService {
    pub fn new(fhir: Fhir) -> SchedulingService {
        SchedulingService {
            coverage: ws_coverage::CoverageService::new(fhir.clone()),
            fhir,
            texts: None,
            slot_days: 35,
            inbound_key: None,
        }
    }

    /// Accept inbound texts from a gateway that sends `key`.
    pub fn with_inbound_key(mut self, key: impl Into<String>) -> SchedulingService {
        self.inbound_key = Some(key.into()).filter(|k: &String| !k.is_empty());
        self
    }

    /// Send texts through `identity`'s outbox.
    pub fn with_texts(mut self, identity: ws_identity::Identity) -> SchedulingService {
        self.texts = Some(identity);
        self
    }

    pub fn clock(&self) -> &Clock {
        self.fhir.clock()
    }

    /// May `caller` book, move and cancel `patient`'s visits? The member, a teen for
    /// themselves, a parent of a young child, a caregiver or legal representative (full); a
    /// parent of a teen (routine in-person only); member services and clinicians (the desk).
    /// Apps book through `POST /fhir/Appointment` where their scopes allow it. Anyone else gets
    /// the answer for a record that does not exist.
    pub fn authorize(caller: &Caller, patient: &str) -> Result<Right> {
        let grant = |grants: &[ws_identity::caller::Grant]| {
            grants
                .iter()
                .find(|g| g.patient == patient)
                .map(|g| g.access)
        };
        let person = |a: Option<Access>| match a {
            Some(
                Access::Own
                | Access::OwnTeen
                | Access::ProxyFull
                | Access::Legal
                | Access::Caregiver,
            ) => Some(Right::Full),
            Some(Access::ProxyTeen) => Some(Right::TeenParent),
            _ => None,
        };
        let found = match &caller.principal {
            Principal::System | Principal::Integration { .. } => Some(Right::Desk),
            Principal::Staff {
                role: StaffRole::MemberServices | StaffRole::Clinician,
                ..
            } => Some(Right::Desk),
            Principal::Person { grants, .. } => person(grant(grants)),
            _ => None,
        };
        found.ok_or_else(|| SchedulingError::NotFound(format!("Patient/{patient}")))
    }

    /// Staff who work schedules (block, add, overbook, check in).
    pub fn authorize_desk(caller: &Caller) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff {
                role: StaffRole::MemberServices | StaffRole::Clinician,
                ..
            } => Ok(()),
            _ => Err(SchedulingError::Forbidden(
                "schedules are worked by member services and clinicians".into(),
            )),
        }
    }

    /// The caller the desk's changes to shared resources (slots, panels) are made as, once
    /// [`SchedulingService::authorize_desk`] let `caller` in: the service, audited under the
    /// staff member's own name with `purpose`.
    pub(crate) fn desk_caller(caller: &Caller, purpose: &str) -> Caller {
        let mut c = Caller::system();
        c.actor = caller.actor.clone();
        c.purpose = Some(purpose.to_owned());
        c.source = caller.source.clone();
        c
    }

    /// Shared (directory) resources, read as the system: they are public.
    pub(crate) async fn shared(&self, res_type: &str, id: &str) -> Result<Option<Value>> {
        match self.fhir.read_value(&Caller::system(), res_type, id).await {
            Ok(v) => Ok(Some(v)),
            Err(ws_fhir_service::FhirError::NotFound(_) | ws_fhir_service::FhirError::Gone(_)) => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A search over shared resources (public directory data), as the system.
    pub(crate) async fn shared_search(
        &self,
        res_type: &str,
        pairs: &[(&str, String)],
        max: i64,
    ) -> Result<Vec<Value>> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        Ok(self
            .fhir
            .search_resources(&Caller::system(), res_type, &pairs, max)
            .await?)
    }
}

/// A reference's id when it names `res_type` ("Practitioner/1" → "1").
pub fn ref_id<'a>(v: &'a Value, res_type: &str) -> Option<&'a str> {
    v["reference"]
        .as_str()?
        .strip_prefix(res_type)?
        .strip_prefix('/')
}

/// The patient an Appointment is for (its Patient participant).
pub fn patient_of(appointment: &Value) -> Option<&str> {
    appointment["participant"]
        .as_array()?
        .iter()
        .find_map(|x| ref_id(&x["actor"], "Patient"))
}

/// The first coding code of a CodeableConcept list (`serviceType`, `specialty`).
pub fn first_code(v: &Value) -> Option<&str> {
    v.as_array()?
        .iter()
        .flat_map(|c| c["coding"].as_array().into_iter().flatten())
        .find_map(|c| c["code"].as_str())
}

/// The version a read resource is at (`meta.versionId`), for `If-Match`.
pub fn version_of(v: &Value) -> i64 {
    v["meta"]["versionId"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// An instant as FHIR writes it (UTC, whole seconds).
pub fn iso(t: jiff::Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
