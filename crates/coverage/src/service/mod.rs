//! The membership service: the "coverage" half of integrated care and coverage (issue 5).
//!
//! It reads and writes FHIR resources (Patient, Coverage, InsurancePlan, Organization) through
//! the FHIR service, so every read and write is authorized and audited there; the decisions
//! (windows, effective dates, ages, eligibility, card availability, care away from home) are the
//! pure rules of `ws_coverage`. Members do not write Coverage through the FHIR API (the policy
//! keeps it read-only for them): this service first checks that the caller may manage the
//! family ([`CoverageService::authorize_manage`]), then writes as a service caller that keeps the
//! caller's audit identity and names the change as the purpose.

pub mod areas;
pub mod card;
pub mod changes;
pub mod eligibility;
pub mod family;
pub mod ids;
pub mod medicare;
pub mod notices;
pub mod plans;
pub mod x12;

use crate::rules::settings::SettingsTable;
use jiff::civil::Date;
use serde_json::Value;
use ws_fhir_service::{Caller, Clock, Fhir, FhirError, Principal};
use ws_identity::caller::{Access, StaffRole};

/// Member services and advice lines printed on the ID card and in the portal.
#[derive(Debug, Clone)]
pub struct Contacts {
    pub member_services: String,
    pub advice_nurse: String,
    pub away_from_home: String,
}

impl Default for Contacts {
    fn default() -> Self {
        // Fictional numbers (555-01xx is reserved for fiction).
        Contacts {
            member_services: ws_i18n::messages::MEMBER_SERVICES_LINE.into(),
            advice_nurse: "1-800-555-0111".into(),
            away_from_home: "1-800-555-0122".into(),
        }
    }
}

/// The membership service. Cheap to clone.
#[derive(Clone)]
pub struct CoverageService {
    pub fhir: Fhir,
    pub rules: std::sync::Arc<SettingsTable>,
    pub contacts: Contacts,
    /// Where notices to members go (the identity outbox); `None` sends none.
    pub notices: Option<ws_identity::Identity>,
}

#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error(transparent)]
    Fhir(#[from] FhirError),
    /// A request outside its window, or against a rule: the reason, the rule id and the next
    /// date it would be allowed.
    #[error("{reason}")]
    Refused {
        /// Why, in words each page says in its own language (English here and in the API).
        reason: ws_i18n::said::Said,
        next_allowed: Option<Date>,
        rule: &'static str,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// What the member typed cannot be taken as it is (a name left out, a date in the future),
    /// in words each page says in its own language (English here and in the API).
    #[error("{0}")]
    InvalidEntry(ws_i18n::said::Said),
    /// A notice could not be queued (the change itself is made).
    #[error("notice not sent: {0}")]
    Notice(String),
}

impl From<crate::rules::windows::Refused> for CoverageError {
    fn from(r: crate::rules::windows::Refused) -> Self {
        CoverageError::Refused {
            reason: r.reason,
            next_allowed: r.next_allowed,
            rule: r.rule,
        }
    }
}

impl From<ws_store::StoreError> for CoverageError {
    fn from(e: ws_store::StoreError) -> Self {
        CoverageError::Fhir(FhirError::from(e))
    }
}

impl CoverageError {
    /// The message for a member, in English: a refusal says its reason and when the change
    /// becomes possible, in words (no rule ids, no record ids).
    pub fn explain(&self) -> String {
        self.explain_in(ws_i18n::Lang::En)
    }

    /// [`CoverageError::explain`] in `lang` (a refusal's reason is said in it; other errors
    /// keep their English words).
    pub fn explain_in(&self, lang: ws_i18n::Lang) -> String {
        match self.explanation() {
            Some(said) => said.sentence(lang),
            None => self.to_string(),
        }
    }

    /// A refusal as words to say in the reader's language: its reason and, when known, the
    /// day the change becomes possible. `None` for other errors.
    pub fn explanation(&self) -> Option<ws_i18n::said::Said> {
        use ws_i18n::said::Said;
        match self {
            CoverageError::Refused {
                reason,
                next_allowed: Some(d),
                ..
            } => Some(
                Said::new("explain-refused-from")
                    .said("reason", reason.clone())
                    .date("date", d),
            ),
            CoverageError::Refused { reason, .. } => {
                Some(Said::new("explain-refused").said("reason", reason.clone()))
            }
            CoverageError::InvalidEntry(said) => Some(said.clone()),
            _ => None,
        }
    }

    pub fn explain_with_rule(&self) -> String {
        match self {
            CoverageError::Refused { rule, .. } => format!("{} ({rule})", self.explain()),
            other => other.explain(),
        }
    }

    /// The rule a refusal is decided by.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            CoverageError::Refused { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// HTTP status for the web layer.
    pub fn status(&self) -> u16 {
        match self {
            CoverageError::Fhir(e) => e.status(),
            CoverageError::Refused { .. } => 422,
            CoverageError::Forbidden(_) => 403,
            CoverageError::NotFound(_) => 404,
            CoverageError::Invalid(_) | CoverageError::InvalidEntry(_) => 400,
            CoverageError::Notice(_) => 500,
        }
    }
}

pub type Result<T, E = CoverageError> = std::result::Result<T, E>;

impl CoverageService {
    pub fn new(fhir: Fhir) -> CoverageService {
        CoverageService {
            fhir,
            rules: std::sync::Arc::new(SettingsTable::default_table()),
            contacts: Contacts::default(),
            notices: None,
        }
    }

    /// The service's clock: the FHIR service's, so "today" here and `meta.lastUpdated` on the
    /// writes it makes come from the same source. Rules take the date as a parameter; the
    /// service and its callers take it from here (`clock().today()`, UTC).
    pub fn clock(&self) -> &Clock {
        self.fhir.clock()
    }

    /// Send notices to members through `identity`'s outbox.
    pub fn with_notices(mut self, identity: ws_identity::Identity) -> CoverageService {
        self.notices = Some(identity);
        self
    }

    /// May `caller` change the membership of `patient` (add a dependent, change plan, update
    /// contact details)? The member themself (an adult's own record or a teen's own record for
    /// contact details only is not enough: a subscriber is an adult), a legal representative,
    /// member services, and in-process/integration callers.
    pub fn authorize_manage(caller: &Caller, patient: &str) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff {
                role: StaffRole::MemberServices,
                ..
            } => Ok(()),
            Principal::Person { grants, .. } => {
                if grants.iter().any(|g| {
                    g.patient == patient && matches!(g.access, Access::Own | Access::Legal)
                }) {
                    Ok(())
                } else {
                    Err(CoverageError::Forbidden(
                        "only the member or their legal representative can change this membership"
                            .into(),
                    ))
                }
            }
            _ => Err(CoverageError::Forbidden(
                "membership changes are made by the member or member services".into(),
            )),
        }
    }

    /// Member services only (deaths, corrections).
    pub fn authorize_staff(caller: &Caller) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            // Nobody signed in: 401 (sign in or send a token), as the FHIR API answers.
            Principal::Anonymous => Err(CoverageError::Fhir(FhirError::Unauthorized(
                "sign in (or use an access token) to reach enrollment and eligibility".into(),
            ))),
            Principal::Staff {
                role: StaffRole::MemberServices,
                ..
            } => Ok(()),
            _ => Err(CoverageError::Forbidden(
                "only member services record this".into(),
            )),
        }
    }

    /// May `caller` see the enrollment facts (who is covered, plan, dates) of `patient`'s
    /// family? Anyone who may read the patient's own Coverage: their own record, a full proxy,
    /// a caregiver, a legal representative, staff who read Coverage.
    pub fn authorize_view(caller: &Caller, patient: &str) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff { role, .. } => match role {
                StaffRole::MemberServices | StaffRole::Pharmacist | StaffRole::Clinician => Ok(()),
                StaffRole::Administrator => Err(CoverageError::Forbidden(
                    "administrators reach no member data".into(),
                )),
            },
            // An app reads coverage only with a scope for Coverage (issue 12: an app granted
            // only `patient/Observation.rs` read coverage status before).
            Principal::App { scopes, .. }
                if !ws_identity::rules::policy::scope_allows(
                    scopes,
                    "Coverage",
                    ws_identity::rules::policy::Action::Read,
                ) =>
            {
                Err(CoverageError::Forbidden(
                    "this app was not granted a scope to read Coverage resources".into(),
                ))
            }
            Principal::Person { grants, .. } | Principal::App { grants, .. } => {
                let ok = grants.iter().any(|g| {
                    g.patient == patient
                        && matches!(
                            g.access,
                            Access::Own
                                | Access::OwnTeen
                                | Access::ProxyFull
                                | Access::Legal
                                | Access::Caregiver
                        )
                });
                if ok {
                    Ok(())
                } else {
                    Err(CoverageError::Forbidden(
                        "your access to this record does not include coverage".into(),
                    ))
                }
            }
            Principal::Anonymous => Err(CoverageError::Fhir(FhirError::Unauthorized(
                "sign in (or use an access token) to see coverage".into(),
            ))),
        }
    }

    /// The caller the service writes (and reads family enrollment facts) as, once the caller
    /// has been authorized: unrestricted in the policy, but audited under the caller's own
    /// name, acting for `patient`, with `purpose` saying what was done.
    pub fn service_caller(caller: &Caller, patient: &str, purpose: &str) -> Caller {
        caller.as_service(patient, purpose)
    }

    /// Read one resource as a service caller (after authorization).
    pub(crate) async fn read_json(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
    ) -> Result<Value> {
        Ok(self.fhir.read_value(caller, res_type, id).await?)
    }

    /// Run a transaction Bundle of PUTs (`(type, id, resource)`) as one unit.
    pub(crate) async fn put_all(&self, caller: &Caller, puts: Vec<Value>) -> Result<()> {
        self.put_slice(caller, &puts).await
    }

    /// [`CoverageService::put_all`] for resources the caller keeps (to retry part of them).
    pub(crate) async fn put_slice(&self, caller: &Caller, puts: &[Value]) -> Result<()> {
        if puts.is_empty() {
            return Ok(());
        }
        self.fhir.put_resources(caller, puts).await?;
        Ok(())
    }
}
