//! The pharmacy service: the medication list, refill orders (exactly once), renewal requests
//! and their answers, the member's own reports (MedicationStatement), and the pharmacists'
//! queue. Every read and write goes through the FHIR service, so it is authorized for the
//! caller and audited there; writes a member may not make through the FHIR API directly are
//! made as the service, audited under the member's name (`Caller::as_service`).

pub mod formulary;
pub mod list;
pub mod orders;
pub mod plans;
pub mod refills;
pub mod renewals;
pub mod statements;
pub mod transfers;

use serde_json::Value;
use ws_fhir_service::{Caller, Clock, Fhir, FhirError, Principal};
use ws_i18n::Lang;
use ws_i18n::messages::{self, Email};
use ws_identity::caller::{Access, StaffRole};
use ws_identity::rules::policy::scope_allows_refill;

use crate::rules::refill::RefillSettings;

/// The code system of the pharmacy's work items (`Task.code`).
pub const TASK_SYSTEM: &str = "urn:wellspring:pharmacy-task";
/// Extension URLs on the orders (MedicationDispense) the portal and `$refill` create.
pub const EXT_ORDERED: &str = "urn:wellspring:fhir:pharmacy-ordered";
pub const EXT_STAGE: &str = "urn:wellspring:fhir:pharmacy-stage";
pub const EXT_CHANNEL: &str = "urn:wellspring:fhir:pharmacy-channel";
/// A stop reason that says the prescription moved to another pharmacy.
pub const TRANSFERRED: &str = "transferred";

/// The pharmacy service. Cheap to clone.
#[derive(Clone)]
pub struct PharmacyService {
    pub fhir: Fhir,
    /// The member's plan and its pharmacy benefits (cost of a fill).
    pub coverage: ws_coverage::CoverageService,
    pub settings: RefillSettings,
    /// Where "your renewal was answered" notices go (the identity outbox); `None` sends none.
    pub notices: Option<ws_identity::Identity>,
}

/// The service's errors: the one capability-service error of the FHIR service.
pub use ws_fhir_service::ServiceError as PharmacyError;

pub type Result<T, E = PharmacyError> = std::result::Result<T, E>;

/// What a caller may do with a member's medicines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// See the list, order refills, ask for renewals, report what they take.
    Member,
    /// A pharmacist (or an integration): order and work fills for anyone.
    Pharmacy,
}

impl PharmacyService {
    pub fn new(fhir: Fhir) -> PharmacyService {
        PharmacyService {
            coverage: ws_coverage::CoverageService::new(fhir.clone()),
            fhir,
            settings: RefillSettings::default(),
            notices: None,
        }
    }

    /// Send notices to members through `identity`'s outbox.
    pub fn with_notices(mut self, identity: ws_identity::Identity) -> PharmacyService {
        self.notices = Some(identity);
        self
    }

    pub fn clock(&self) -> &Clock {
        self.fhir.clock()
    }

    /// May `caller` act on `patient`'s medicines (order refills, renewals, report)? The member,
    /// a teen for themselves, a parent of a young child, a caregiver or legal representative —
    /// not a parent of a teen (PRX-03 hides the medication list and refills); an app with a
    /// write scope for medication orders; a pharmacist. Anyone else gets the answer for a
    /// record that does not exist (or 403 for an app that lacks the scope, naming it).
    pub fn authorize(caller: &Caller, patient: &str) -> Result<Right> {
        let person_ok = |grants: &[ws_identity::caller::Grant]| {
            grants.iter().any(|g| {
                g.patient == patient
                    && matches!(
                        g.access,
                        Access::Own
                            | Access::OwnTeen
                            | Access::ProxyFull
                            | Access::Legal
                            | Access::Caregiver
                    )
            })
        };
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(Right::Pharmacy),
            Principal::Staff {
                role: StaffRole::Pharmacist,
                ..
            } => Ok(Right::Pharmacy),
            Principal::Person { grants, .. } if person_ok(grants) => Ok(Right::Member),
            Principal::App { grants, scopes, .. } if person_ok(grants) => {
                if scope_allows_refill(scopes) {
                    Ok(Right::Member)
                } else {
                    Err(PharmacyError::Forbidden(
                        "ordering a refill needs the scope patient/MedicationDispense.c".into(),
                    ))
                }
            }
            Principal::Staff { .. } => Err(PharmacyError::Forbidden(
                "refills are ordered by the member or a pharmacist".into(),
            )),
            _ => Err(PharmacyError::NotFound(format!("Patient/{patient}"))),
        }
    }

    /// Pharmacists (and in-process callers) work the pharmacy queue.
    pub fn authorize_pharmacist(caller: &Caller) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff {
                role: StaffRole::Pharmacist,
                ..
            } => Ok(()),
            _ => Err(PharmacyError::Forbidden(
                "the pharmacy queue is worked by pharmacists".into(),
            )),
        }
    }

    /// Clinicians answer renewal requests (for the patients of their panel).
    pub fn authorize_clinician(caller: &Caller) -> Result<()> {
        match &caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Staff {
                role: StaffRole::Clinician,
                ..
            } => Ok(()),
            _ => Err(PharmacyError::Forbidden(
                "renewal requests are answered by clinicians".into(),
            )),
        }
    }

    pub(crate) async fn search(
        &self,
        caller: &Caller,
        ty: &str,
        pairs: &[(&str, &str)],
    ) -> Result<Vec<Value>> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Ok(self.fhir.search_resources(caller, ty, &pairs, 1000).await?)
    }

    /// Prescription `id` as `caller` sees it (a hidden one answers as a missing one), once the
    /// caller may act on its patient's medicines ([`Self::authorize`]): the prescription, its
    /// patient, and the service caller for the writes that follow, audited under the caller's
    /// name with `purpose`.
    pub(crate) async fn prescription_for(
        &self,
        caller: &Caller,
        id: &str,
        purpose: &str,
    ) -> Result<(Value, String, Caller)> {
        let mr = self
            .fhir
            .read_value(caller, "MedicationRequest", id)
            .await?;
        let patient = ref_id(&mr["subject"], "Patient")
            .ok_or_else(|| PharmacyError::NotFound(format!("MedicationRequest/{id}")))?
            .to_owned();
        Self::authorize(caller, &patient)?;
        let svc = caller.as_service(&patient, purpose);
        Ok((mr, patient, svc))
    }

    /// Create `value` under the deterministic `id`, once: the stored resource, and whether
    /// this call created it (`false`: another request made it first, and that one is the
    /// answer).
    pub(crate) async fn once(
        &self,
        caller: &Caller,
        ty: &str,
        id: &str,
        value: &Value,
    ) -> Result<(Value, bool)> {
        match self
            .fhir
            .create_once(caller, ty, id, &json_body(value))
            .await
        {
            Ok(w) => Ok((w.value().unwrap_or_else(|| value.clone()), true)),
            Err(FhirError::Conflict(_)) => Ok((self.fhir.read_value(caller, ty, id).await?, false)),
            Err(e) => Err(e.into()),
        }
    }

    /// Tell the member something changed (no health detail in the message: they sign in to
    /// see it), in the language of their record.
    pub(crate) async fn notify(&self, by: &str, patient: &str, what: Notice) {
        let Some(identity) = &self.notices else {
            return;
        };
        if let Err(e) = identity
            .send_notice(by, patient, |lang| what.email(lang))
            .await
        {
            tracing::warn!(error = %e, "pharmacy notice not queued");
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Notice {
    RenewalAnswered,
    OrderReady,
    TransferAnswered,
    /// A refill may be ordered now (refill plan reminder).
    RefillDue,
    /// An auto-refill will be ordered on this day.
    AutoRefillSoon(jiff::civil::Date),
    AutoRefillOrdered,
    /// An auto-refill could not be ordered (mail order needs a card on file).
    AutoRefillHeld,
}

impl Notice {
    /// The message key (`crates/i18n/locales/*/messages.ftl`).
    fn key(self) -> &'static str {
        match self {
            Notice::RenewalAnswered => "renewal-answered",
            Notice::OrderReady => "order-news",
            Notice::TransferAnswered => "transfer-answered",
            Notice::RefillDue => "refill-due",
            Notice::AutoRefillSoon(_) => "auto-refill-soon",
            Notice::AutoRefillOrdered => "auto-refill-ordered",
            Notice::AutoRefillHeld => "auto-refill-held",
        }
    }

    /// The e-mail: subject and body (no medicine named: the member signs in to see it).
    fn email(self, lang: Lang) -> Email {
        let day = match self {
            Notice::AutoRefillSoon(on) => messages::fmt_date(lang, &on.to_string()),
            _ => String::new(),
        };
        messages::email(lang, self.key(), &[("day", &day)])
    }

    /// The text message (SMS-01: at most 160 characters, names us and how to reach us, says
    /// STOP; no medicine named). Notices without a text of their own say "has news".
    pub(crate) fn text(self, lang: Lang) -> String {
        let key = match self {
            Notice::RefillDue
            | Notice::AutoRefillSoon(_)
            | Notice::AutoRefillOrdered
            | Notice::AutoRefillHeld => self.key(),
            Notice::RenewalAnswered | Notice::OrderReady | Notice::TransferAnswered => {
                "pharmacy-news"
            }
        };
        messages::text(lang, key, &[("phone", PHARMACY_HELP_LINE)])
    }
}

/// The number pharmacy texts give for help.
const PHARMACY_HELP_LINE: &str = ws_i18n::messages::MEMBER_SERVICES_LINE;

/// A resource as the request body the FHIR service takes.
pub(crate) fn json_body(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// The first ten characters of a FHIR date or dateTime as a date.
pub(crate) fn date_of(v: &Value) -> Option<jiff::civil::Date> {
    v.as_str()?.get(..10)?.parse().ok()
}

/// `Type/id` → `id` when the reference is to `ty`.
pub(crate) fn ref_id<'a>(v: &'a Value, ty: &str) -> Option<&'a str> {
    v["reference"].as_str()?.strip_prefix(ty)?.strip_prefix('/')
}

/// A deterministic id for the one item of a kind about `of` on `day` (a second press the same
/// day is the same item).
pub(crate) fn item_id_for_day(prefix: &str, of: &str, day: jiff::civil::Date) -> String {
    let n = i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day());
    item_id(prefix, of, usize::try_from(n).unwrap_or(0))
}

/// A deterministic id for the `n`-th item of a kind about `of` (FHIR ids: ≤ 64 of
/// `[A-Za-z0-9-.]`): two requests that race for the same item compute the same id, and the
/// store lets only one create it.
pub(crate) fn item_id(prefix: &str, of: &str, n: usize) -> String {
    let id = format!("{prefix}-{of}-{n}");
    if id.len() <= 64 {
        return id;
    }
    use sha2::Digest;
    let h = sha2::Sha256::digest(of.as_bytes());
    let hex: String = h.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}-{n}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Notice;
    use crate::rules::reminders::TEXT_MAX_CHARS;
    use ws_i18n::Lang;

    /// SMS-01: every pharmacy text fits one message, names us and a number, and says STOP.
    #[test]
    fn sms_01_texts_are_short_name_us_and_say_stop() {
        let on: jiff::civil::Date = "2026-11-22".parse().unwrap();
        for n in [
            Notice::RefillDue,
            Notice::AutoRefillSoon(on),
            Notice::AutoRefillOrdered,
            Notice::AutoRefillHeld,
            Notice::RenewalAnswered,
            Notice::OrderReady,
            Notice::TransferAnswered,
        ] {
            for lang in Lang::ALL {
                // Every notice has its e-mail in both languages (an unknown key comes back as
                // itself), with its date filled in.
                let e = n.email(lang);
                assert!(
                    !e.subject.starts_with("email.") && !e.body.contains('{'),
                    "{e:?}"
                );
                let t = n.text(lang);
                assert!(
                    t.chars().count() <= TEXT_MAX_CHARS,
                    "{} chars: {t}",
                    t.chars().count()
                );
                assert!(
                    t.starts_with("Wellspring Health:")
                        && t.contains("STOP")
                        && t.contains("1-800"),
                    "{t}"
                );
            }
        }
    }
}
