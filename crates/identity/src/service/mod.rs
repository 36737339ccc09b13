//! The identity service: the I/O around the pure rules. Every call is one transaction and
//! writes its own audit record.

mod accounts;
mod bearer_cache;
mod bulk;
mod oauth;
mod oidc;
mod outbox;
mod proxy_grants;
pub mod texts;

use std::sync::Arc;

use jiff::civil::Date;
use serde_json::Value;
use ws_i18n::Lang;
use ws_store::identity::{self as db, AccountRow};
use ws_store::{AuditRecord, Clock, Conn, Store, StoreError};

use crate::caller::{Access, Caller, Grant, Principal, StaffRole};
use crate::rules::{age::age_on, lockout::LockoutPolicy, lockout::ThrottlePolicy, proxy};

pub use accounts::{
    DEVICE_TTL_SECS, INVITE_TTL_SECS, RegisterError, RegisterInput, ResetError, SessionInfo,
    SignInError, SignedIn, TwoStepSetup, parse_mobile,
};
pub use bulk::{NewMemberAccount, NewProxyGrant, PortalImport};
pub use oauth::{AuthRequest, Introspection, OAuthError, SUPPORTED_SCOPES, TokenResponse};
pub use outbox::{FileSink, deliver_pending};
pub use proxy_grants::{PersonChoice, ProxyError, SharingView};

/// Settings of the identity capability (times in seconds).
#[derive(Debug, Clone)]
pub struct IdentityConfig {
    pub lockout: LockoutPolicy,
    pub throttle: ThrottlePolicy,
    /// A session ends after this much inactivity …
    pub session_idle_secs: i64,
    /// … and at the latest this long after sign-in.
    pub session_absolute_secs: i64,
    pub reset_ttl_secs: i64,
    pub code_ttl_secs: i64,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// Public base URL of the portal, for links in messages (e.g. `http://127.0.0.1:8080`).
    pub base_url: String,
    /// The FHIR base URL (the `aud` SMART apps must name).
    pub fhir_base: String,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            lockout: LockoutPolicy::default(),
            throttle: ThrottlePolicy::default(),
            session_idle_secs: 20 * 60,
            session_absolute_secs: 12 * 3600,
            reset_ttl_secs: 30 * 60,
            code_ttl_secs: 60,
            access_ttl_secs: 3600,
            refresh_ttl_secs: 90 * 24 * 3600,
            base_url: "http://127.0.0.1:8080".into(),
            fhir_base: "http://127.0.0.1:8080/fhir".into(),
        }
    }
}

/// The identity service. Cheap to clone.
#[derive(Clone)]
pub struct Identity {
    pub store: Store,
    pub cfg: Arc<IdentityConfig>,
    /// Where "now" comes from (expiries, lockouts, ages, audit times).
    clock: Clock,
    /// Bearer tokens already resolved (see `bearer_cache`).
    bearers: bearer_cache::BearerCache,
    /// The language of the page this call comes from ([`Identity::speaking`]): e-mails and texts
    /// a member's own action causes are written in it.
    speaking: Option<Lang>,
}

/// Errors that are not an expected answer of an operation.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = IdentityError> = std::result::Result<T, E>;

const SEC: i64 = 1_000_000;

/// Today's date (UTC) from a microsecond timestamp.
pub fn date_of(micros: i64) -> Date {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or(Date::MIN)
}

fn ts(micros: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(micros).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn micros(t: jiff::Timestamp) -> i64 {
    t.as_microsecond()
}

/// What the identity service needs to know about a Patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    pub id: String,
    pub given: String,
    pub family: String,
    pub birth: Option<Date>,
    pub state: String,
    pub deceased: bool,
    /// The language the record says the member prefers (`communication`, the preferred one or
    /// the first), when it is one we speak.
    pub lang: Option<Lang>,
}

/// The language a Patient record says the member prefers (`communication`: the preferred one,
/// else the first), when it is one we speak (`es-MX` is Spanish). The one reading of it, for
/// every service that writes to a member.
pub fn record_language(patient: &Value) -> Option<Lang> {
    let list = patient.get("communication")?.as_array()?;
    let pick = list
        .iter()
        .find(|c| c["preferred"] == Value::Bool(true))
        .or_else(|| list.first())?;
    pick["language"]["coding"]
        .as_array()?
        .iter()
        .find_map(|c| c["code"].as_str())
        .and_then(Lang::from_tag)
}

impl PatientFacts {
    pub fn from_json(id: &str, v: &Value) -> PatientFacts {
        let name = v
            .get("name")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|n| n.get("use").and_then(Value::as_str) == Some("official"))
                    .or_else(|| a.first())
            })
            .cloned()
            .unwrap_or(Value::Null);
        let given = name
            .get("given")
            .and_then(Value::as_array)
            .and_then(|g| g.first())
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let family = name
            .get("family")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let birth = v
            .get("birthDate")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Date>().ok());
        let state = v
            .get("address")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|a| a.get("state"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let deceased = v.get("deceasedDateTime").is_some()
            || v.get("deceasedBoolean").and_then(Value::as_bool) == Some(true);
        let lang = record_language(v);
        PatientFacts {
            id: id.to_owned(),
            given,
            family,
            birth,
            state,
            deceased,
            lang,
        }
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.given, self.family).trim().to_owned()
    }
}

impl Identity {
    /// The service on the system clock.
    pub fn new(store: Store, cfg: IdentityConfig) -> Identity {
        Identity {
            store,
            cfg: Arc::new(cfg),
            clock: Clock::system(),
            bearers: bearer_cache::BearerCache::default(),
            speaking: None,
        }
    }

    /// The same service for a call from a page in `lang`: the messages the call sends (a reset
    /// link, an address check, a password notice, an invitation) are written in it. Without
    /// it, messages go in the language of the member's record (`Patient.communication`), else
    /// English.
    #[must_use]
    pub fn speaking(&self, lang: Lang) -> Identity {
        let mut s = self.clone();
        s.speaking = Some(lang);
        s
    }

    /// The language for a message to `patient` caused by this call: the page's, else the
    /// record's, else English.
    pub(crate) async fn lang_for(&self, c: &mut Conn, patient: Option<&str>) -> Result<Lang> {
        if let Some(l) = self.speaking {
            return Ok(l);
        }
        Ok(match patient {
            Some(p) => Self::patient(c, p)
                .await?
                .and_then(|f| f.lang)
                .unwrap_or_default(),
            None => Lang::default(),
        })
    }

    /// The same service on another clock (tests use a fixed one).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Identity {
        self.clock = clock;
        self
    }

    /// The clock the service reads the time from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    async fn patient(c: &mut Conn, id: &str) -> Result<Option<PatientFacts>> {
        let Some(r) = c.read("Patient", id).await? else {
            return Ok(None);
        };
        if r.deleted {
            return Ok(None);
        }
        let v: Value = serde_json::from_str(r.content.as_deref().unwrap_or("{}"))
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        Ok(Some(PatientFacts::from_json(id, &v)))
    }

    /// Facts about a patient (for pages: names of the people one acts for).
    pub async fn patient_facts(&self, id: &str) -> Result<Option<PatientFacts>> {
        let mut c = self.store.reader().await?;
        Self::patient(&mut c, id).await
    }

    /// What an account may reach today. Evaluated on every request, so a revoked grant or a
    /// birthday takes effect at once, without anyone doing anything (PRX-02, PRX-05).
    pub async fn principal_for(&self, acct: &AccountRow, now: i64) -> Result<Principal> {
        let mut c = self.store.reader().await?;
        Self::principal_in(&mut c, acct, now).await
    }

    async fn principal_in(c: &mut Conn, acct: &AccountRow, now: i64) -> Result<Principal> {
        if acct.kind == "staff" {
            let role = acct
                .staff_role
                .as_deref()
                .and_then(StaffRole::parse)
                .ok_or_else(|| {
                    IdentityError::Internal(format!("staff account {} has no role", acct.id))
                })?;
            let panel = match (&role, &acct.practitioner_id) {
                (StaffRole::Clinician, Some(pr)) => {
                    db::ids_referring_to(c, "Patient", "general-practitioner", "Practitioner", pr)
                        .await?
                }
                _ => Vec::new(),
            };
            return Ok(Principal::Staff {
                account: acct.id.clone(),
                role,
                practitioner: acct.practitioner_id.clone(),
                panel,
                break_glass: None,
            });
        }
        let grants = Self::person_grants(c, acct, now)
            .await?
            .into_iter()
            .map(|(g, _)| g)
            .collect();
        Ok(Principal::Person {
            account: acct.id.clone(),
            grants,
        })
    }

    /// The records a (non-staff) account may reach today, its own first; proxy grants come with
    /// the facts of the subject Patient the age rules were evaluated on (own: `None`).
    pub(crate) async fn person_grants(
        c: &mut Conn,
        acct: &AccountRow,
        now: i64,
    ) -> Result<Vec<(Grant, Option<PatientFacts>)>> {
        let today = date_of(now);
        let mut grants: Vec<(Grant, Option<PatientFacts>)> = Vec::new();
        if let Some(pid) = &acct.patient_id {
            let birth = acct
                .birth_date
                .as_deref()
                .and_then(|b| b.parse::<Date>().ok());
            let access = match birth {
                Some(b) if age_on(b, today) < 18 => Access::OwnTeen,
                _ => Access::Own,
            };
            grants.push((
                Grant {
                    patient: pid.clone(),
                    access,
                },
                None,
            ));
        }
        for g in db::grants_held_by(c, &acct.id).await? {
            let Some(rel) = parse_relationship(&g.relationship) else {
                continue;
            };
            let Some(subject) = Self::patient(c, &g.subject_patient).await? else {
                continue;
            };
            let Some(birth) = subject.birth else { continue };
            let granted = g.granted_on.parse::<Date>().ok();
            if let Some(access) = proxy::access_for(rel, birth, &subject.state, granted, today)
                && !grants.iter().any(|(x, _)| x.patient == g.subject_patient)
            {
                grants.push((
                    Grant {
                        patient: g.subject_patient.clone(),
                        access,
                    },
                    Some(subject),
                ));
            }
        }
        Ok(grants)
    }

    /// A caller for an account (portal session): the principal plus the audit identity.
    pub async fn caller_for(
        &self,
        acct: &AccountRow,
        acting_for: Option<&str>,
        source: Option<String>,
        now: i64,
    ) -> Result<Caller> {
        let principal = self.principal_for(acct, now).await?;
        let acting_for = match &principal {
            Principal::Person { grants, .. } => acting_for
                .filter(|p| grants.iter().any(|g| g.patient == *p))
                .map(str::to_owned)
                .or_else(|| grants.first().map(|g| g.patient.clone())),
            _ => acting_for.map(str::to_owned),
        };
        let actor = if acct.kind == "staff" {
            format!("staff:{}", acct.id)
        } else {
            format!("account:{}", acct.id)
        };
        Ok(Caller {
            actor,
            principal,
            acting_for,
            purpose: Some(if acct.kind == "staff" {
                "treatment-operations".into()
            } else {
                "patient-request".into()
            }),
            source,
        })
    }

    pub async fn account(&self, id: &str) -> Result<Option<AccountRow>> {
        let mut c = self.store.reader().await?;
        Ok(db::account_by_id(&mut c, id).await?)
    }

    async fn audit(c: &mut Conn, rec: AuditRecord) -> Result<()> {
        c.append_audit(std::slice::from_ref(&rec)).await?;
        Ok(())
    }

    /// An audit record for identity events, which have no FHIR resource of their own, stamped
    /// with the service's clock.
    pub(crate) fn event(
        &self,
        actor: &str,
        action: &str,
        compartment: Option<&str>,
        outcome: &str,
        detail: Option<String>,
        source: Option<&str>,
    ) -> AuditRecord {
        AuditRecord {
            recorded_at: self.clock.now_micros(),
            actor: actor.to_owned(),
            acting_for: None,
            purpose: Some("identity".into()),
            action: action.to_owned(),
            res_type: None,
            res_id: None,
            compartment: compartment.map(str::to_owned),
            outcome: outcome.to_owned(),
            detail,
            source: source.map(str::to_owned),
        }
    }
}

pub(crate) fn parse_relationship(s: &str) -> Option<proxy::Relationship> {
    Some(match s {
        "parent" => proxy::Relationship::Parent,
        "caregiver" => proxy::Relationship::Caregiver,
        "legal" => proxy::Relationship::Legal,
        "area-of-care" => proxy::Relationship::AreaOfCare,
        _ => return None,
    })
}
