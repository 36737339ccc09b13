//! The authorization policy: every health-data read, search or write asks [`decide`] (one
//! resource) or [`search_scope`] (a search), given the caller's resolved [`Principal`].
//!
//! The rules, by principal:
//! - **System, Integration**: everything.
//! - **Anonymous**: read and search of the shared directory and plan types
//!   ([`is_shared_type`]; the CMS Provider Directory API is public); anything else is 401.
//! - **Person, App**: read and search only; FHIR API writes are 403 (portal writes go through
//!   capability services). Shared types are readable. Patient data only inside a compartment
//!   they hold a [`Grant`] for, shown by the grant's [`Access`] ([`view`]):
//!   `Own`, `OwnTeen`, `ProxyFull`, `Legal` see everything (a parent of a child under the teen
//!   age sees the child's confidential care too: DOMAIN.md gives full access, PRX-02);
//!   `Caregiver` sees everything but PSY/ETH/SEX-labelled resources (PRX-05);
//!   results a clinician holds (HIP-08, `labels::HOLDS`) are hidden from the patient
//!   (`hold-all`) or only from those acting for them (`hold-representatives`);
//!   `ProxyTeen` sees only [`TEEN_PROXY_TYPES`], Observations only with growth-chart codes,
//!   nothing labelled PSY/ETH/SEX, and no visit they did not book themselves (label
//!   `minor-visit`, PRX-03).
//! - **App** additionally needs a SMART scope for the type and action ([`scope_allows`]);
//!   without one: 403 naming the scope.
//! - **Staff** (HIP-04 minimum necessary): all read shared types; only Administrators write
//!   them, and Administrators reach no patient data. Member services read and write
//!   [`MEMBER_SERVICES_TYPES`], pharmacists read [`PHARMACIST_READ_TYPES`] and write
//!   [`PHARMACIST_WRITE_TYPES`], for any patient. Clinicians read and write every patient type
//!   but [`CLINICIAN_EXCLUDED_TYPES`] for patients of their panel, and for another patient only
//!   with a break-the-glass declaration (patient and a non-empty reason) for that patient,
//!   reported as `Allow { break_glass: true }` for the audit record. Labels never hide anything
//!   from staff.
//! - **Delete** of patient data: System and Integration only (records are corrected, e.g.
//!   `entered-in-error`, not deleted; HIP-02).
//! - A patient-data resource in no compartment (`compartment: None`) is reachable by staff
//!   whose role covers the type, never by a Person or App.

use super::labels::{HOLD_ALL, HOLDS, LOINC, MINOR_VISIT, SENSITIVE};
use crate::caller::{Access, Grant, Principal, StaffRole};

/// What the caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Search,
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn is_write(self) -> bool {
        matches!(self, Action::Create | Action::Update | Action::Delete)
    }
}

/// The resource a decision is about.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub res_type: &'a str,
    /// The patient id whose compartment holds the resource; `None` for shared resources and
    /// resources of no patient.
    pub compartment: Option<&'a str>,
    /// `meta.security` codes (v3-ActCode), e.g. "PSY".
    pub labels: &'a [String],
    /// (system, code) of the resource's main code (Observation growth charts, PRX-03).
    pub codes: &'a [(String, String)],
}

/// A refusal: 401 for anonymous callers (signing in may help), 403 otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub status: u16,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `break_glass`: allowed only by an emergency declaration; audit it as such.
    Allow {
        break_glass: bool,
    },
    Deny(Denial),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }
}

/// How a search of a patient-compartment type must be limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchScope {
    /// No limit from the policy (the search's own parameters still apply).
    Unrestricted,
    /// Only these compartments, each with its filters. Never empty.
    Compartments(Vec<CompartmentRule>),
    Denied(Denial),
}

/// One compartment a search may return resources from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompartmentRule {
    pub patient: String,
    /// Leave out resources carrying any of these `meta.security` codes.
    pub exclude_labels: Vec<&'static str>,
    /// Only resources whose `code` is one of these (system, code); `None` = any code.
    pub only_codes: Option<Vec<(&'static str, &'static str)>>,
    /// Reached only through a break-the-glass declaration (audit it).
    pub break_glass: bool,
}

/// Directory, plan and definition types, not in any patient's record. Group is not shared: its
/// members are patients (bulk export groups).
pub const SHARED_TYPES: &[&str] = &[
    "CapabilityStatement",
    "CodeSystem",
    "CompartmentDefinition",
    "ConceptMap",
    "Endpoint",
    "HealthcareService",
    "ImplementationGuide",
    "InsurancePlan",
    "Location",
    "Medication",
    "MedicationKnowledge",
    "NamingSystem",
    "OperationDefinition",
    "Organization",
    "OrganizationAffiliation",
    "Practitioner",
    "PractitionerRole",
    "Questionnaire",
    "Schedule",
    "SearchParameter",
    "Slot",
    "StructureDefinition",
    "Substance",
    "ValueSet",
];

/// Whether `res_type` is a shared (directory, plan or definition) type.
pub fn is_shared_type(res_type: &str) -> bool {
    SHARED_TYPES.contains(&res_type)
}

/// Growth-chart Observations a teen's parent sees (PRX-03): LOINC body height, body weight,
/// BMI, head circumference, BMI percentile, body height lying.
pub const GROWTH_CHART_CODES: &[(&str, &str)] = &[
    (LOINC, "8302-2"),
    (LOINC, "29463-7"),
    (LOINC, "39156-5"),
    (LOINC, "8287-5"),
    (LOINC, "59576-9"),
    (LOINC, "8306-3"),
];

/// What a parent of a teen sees (PRX-03 "allows": allergies, growth charts, immunizations and
/// reminders, family/history questionnaires, scheduling, messages). Coverage is not listed there
/// and stays hidden.
pub const TEEN_PROXY_TYPES: &[&str] = &[
    "Patient",
    "AllergyIntolerance",
    "Immunization",
    "ImmunizationRecommendation",
    "Appointment",
    "Communication",
    "QuestionnaireResponse",
    "RelatedPerson",
    "Observation",
];

/// Member services: demographics, coverage, proxies, appointments, bills; no clinical data.
/// Communication is excluded (messages carry clinical content; member services answer through
/// the messaging service).
pub const MEMBER_SERVICES_TYPES: &[&str] = &[
    "Account",
    "Appointment",
    "AppointmentResponse",
    "Consent",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "Invoice",
    "Patient",
    "Person",
    "RelatedPerson",
];

/// Pharmacists read medications, allergies, coverage and demographics (not Observations).
pub const PHARMACIST_READ_TYPES: &[&str] = &[
    "AllergyIntolerance",
    "Coverage",
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationRequest",
    "MedicationStatement",
    "Patient",
];

/// Pharmacists record dispenses; they do not edit prescriptions (a renewal goes to the
/// prescriber, EX-R3).
pub const PHARMACIST_WRITE_TYPES: &[&str] = &["MedicationDispense"];

/// Patient types clinicians do not reach: bills and the audit trail.
pub const CLINICIAN_EXCLUDED_TYPES: &[&str] = &[
    "Account",
    "AuditEvent",
    "Invoice",
    "PaymentNotice",
    "PaymentReconciliation",
];

/// What one [`Access`] shows of one patient type; `None` when the type is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub exclude_labels: Vec<&'static str>,
    pub only_codes: Option<Vec<(&'static str, &'static str)>>,
}

/// The view an access gives of a patient-compartment type (PRX-02, PRX-03, PRX-05).
///
/// Results a clinician holds (HIP-08) are hidden like a missing record: `hold-all` from the
/// patient and everyone acting for them, `hold-representatives` from those acting for them.
pub fn view(access: Access, res_type: &str) -> Option<View> {
    let for_others = |mut labels: Vec<&'static str>| {
        labels.extend(HOLDS);
        labels
    };
    match access {
        Access::Own | Access::OwnTeen => Some(View {
            exclude_labels: vec![HOLD_ALL],
            only_codes: None,
        }),
        Access::ProxyFull | Access::Legal => Some(View {
            exclude_labels: for_others(Vec::new()),
            only_codes: None,
        }),
        Access::Caregiver => Some(View {
            exclude_labels: for_others(SENSITIVE.to_vec()),
            only_codes: None,
        }),
        Access::ProxyTeen => TEEN_PROXY_TYPES.contains(&res_type).then(|| View {
            exclude_labels: for_others(SENSITIVE.iter().copied().chain([MINOR_VISIT]).collect()),
            only_codes: (res_type == "Observation").then(|| GROWTH_CHART_CODES.to_vec()),
        }),
    }
}

fn access_name(access: Access) -> &'static str {
    match access {
        Access::Own => "own",
        Access::OwnTeen => "teen",
        Access::ProxyFull => "parent proxy",
        Access::ProxyTeen => "parent-of-teen proxy",
        Access::Caregiver => "caregiver",
        Access::Legal => "legal representative",
    }
}

const ALLOW: Decision = Decision::Allow { break_glass: false };

fn denial(status: u16, reason: impl Into<String>) -> Denial {
    Denial {
        status,
        reason: reason.into(),
    }
}

fn deny(status: u16, reason: impl Into<String>) -> Decision {
    Decision::Deny(denial(status, reason))
}

/// Whether SMART `scopes` give `action` on `res_type` (App principals). Accepted: `patient/` or
/// `user/` context; `*` or the type; v1 `read` or `*` (read and search), or v2 permissions
/// (a subsequence of `cruds`: `r` reads, `s` searches). Write permissions grant nothing here
/// (the API is read-only for apps); scopes with `?` parameters (SMART v2 granular scopes) are
/// not supported and grant nothing; `openid`, `fhirUser`, `launch/patient`, `offline_access`
/// grant no data. `patient/` and `user/` scopes both reach only the App's grants (the service
/// lists exactly the launch patient for `patient/` scopes).
pub fn scope_allows(scopes: &[String], res_type: &str, action: Action) -> bool {
    scopes.iter().any(|s| {
        let Some((context, rest)) = s.split_once('/') else {
            return false;
        };
        let Some((ty, perm)) = rest.split_once('.') else {
            return false;
        };
        if !matches!(context, "patient" | "user") || (ty != "*" && ty != res_type) {
            return false;
        }
        match (perm, action) {
            ("read" | "*", Action::Read | Action::Search) => true,
            (p, Action::Read) => v2_permissions(p).is_some_and(|p| p.contains('r')),
            (p, Action::Search) => v2_permissions(p).is_some_and(|p| p.contains('s')),
            _ => false,
        }
    })
}

/// The one write an app may be granted: ordering a refill (`$refill` creates a
/// MedicationDispense through the pharmacy service and its rules). `patient/MedicationDispense.c`
/// (SMART v2, any permissions that include `c`) or `.write`. Generic FHIR writes stay closed
/// to apps ([`scope_allows`] grants no create or update).
pub fn is_operation_scope(res_type: &str, perm: &str) -> bool {
    res_type == "MedicationDispense"
        && (perm == "write" || v2_permissions(perm).is_some_and(|p| p.contains('c')))
}

/// Whether `scopes` let an app order a refill ([`is_operation_scope`]).
pub fn scope_allows_refill(scopes: &[String]) -> bool {
    scopes.iter().any(|s| {
        let Some((context, rest)) = s.split_once('/') else {
            return false;
        };
        let Some((ty, perm)) = rest.split_once('.') else {
            return false;
        };
        matches!(context, "patient" | "user") && is_operation_scope(ty, perm)
    })
}

/// SMART v2 permissions: non-empty, each of c, r, u, d, s at most once and in that order.
fn v2_permissions(p: &str) -> Option<&str> {
    let mut order = "cruds".chars();
    let ok = !p.is_empty() && p.chars().all(|c| order.any(|o| o == c));
    ok.then_some(p)
}

fn missing_scope(res_type: &str, action: Action) -> Denial {
    let p = if action == Action::Search { "s" } else { "r" };
    denial(
        403,
        format!("missing SMART scope patient/{res_type}.{p} (or user/{res_type}.{p})"),
    )
}

/// The part of the decision that depends only on who asks, what for and the resource type —
/// never on a record. `interop` asks it before loading anything, so a refusal here is the same
/// for an existing and a missing id (no existence oracle); what [`decide`] refuses after it is
/// answered as "not found" for reads. `None`: go on to the record.
pub fn type_gate(p: &Principal, action: Action, res_type: &str) -> Option<Denial> {
    let shared = is_shared_type(res_type);
    match p {
        Principal::System | Principal::Integration { .. } => None,
        Principal::Anonymous => {
            (!shared || action.is_write()).then(|| denial(401, "sign in to reach health data"))
        }
        Principal::Person { .. } | Principal::App { .. } => {
            if let Principal::App { scopes, .. } = p
                && !shared
                && !scope_allows(scopes, res_type, action)
            {
                return Some(denial(
                    403,
                    format!(
                        "this app was not granted a scope to {} {res_type} resources",
                        if action.is_write() { "write" } else { "read" }
                    ),
                ));
            }
            action.is_write().then(|| {
                denial(
                    403,
                    "the FHIR API is read-only for members and apps; use the portal or the app's service",
                )
            })
        }
        Principal::Staff { role, .. } => {
            if shared {
                return (action.is_write() && *role != StaffRole::Administrator)
                    .then(|| denial(403, "only administrators change directory and plan data"));
            }
            let (reads, writes) = staff_types(*role, res_type);
            if action.is_write() && !writes {
                Some(denial(
                    403,
                    format!("the {} role does not write {res_type}", role.as_str()),
                ))
            } else if !reads {
                Some(denial(
                    403,
                    format!("the {} role does not read {res_type}", role.as_str()),
                ))
            } else {
                None
            }
        }
    }
}

/// The decision for one resource (see the module documentation for the rules).
pub fn decide(p: &Principal, action: Action, t: &Target) -> Decision {
    let shared = is_shared_type(t.res_type);
    match p {
        Principal::System | Principal::Integration { .. } => ALLOW,
        Principal::Anonymous => {
            if shared && !action.is_write() {
                ALLOW
            } else {
                deny(401, "sign in to reach health data")
            }
        }
        Principal::Person { grants, .. } => person_decide(grants, None, action, t, shared),
        Principal::App { grants, scopes, .. } => {
            person_decide(grants, Some(scopes), action, t, shared)
        }
        Principal::Staff {
            role,
            panel,
            break_glass,
            ..
        } => staff_decide(*role, panel, break_glass.as_ref(), action, t, shared),
    }
}

fn person_decide(
    grants: &[Grant],
    scopes: Option<&[String]>,
    action: Action,
    t: &Target,
    shared: bool,
) -> Decision {
    if action.is_write() {
        return deny(
            403,
            "the FHIR API is read-only for members and apps; use the portal or the app's service",
        );
    }
    if shared {
        return ALLOW;
    }
    let Some(patient) = t.compartment else {
        return deny(
            403,
            format!("this {} is in no record you may reach", t.res_type),
        );
    };
    let mut first_denial = None;
    for g in grants.iter().filter(|g| g.patient == patient) {
        match grant_decide(g, scopes, action, t) {
            Ok(()) => return ALLOW,
            Err(d) => {
                first_denial.get_or_insert(d);
            }
        }
    }
    Decision::Deny(
        first_denial.unwrap_or_else(|| denial(403, "no access to this patient's record")),
    )
}

fn grant_decide(
    g: &Grant,
    scopes: Option<&[String]>,
    action: Action,
    t: &Target,
) -> Result<(), Denial> {
    if let Some(scopes) = scopes
        && !scope_allows(scopes, t.res_type, action)
    {
        return Err(missing_scope(t.res_type, action));
    }
    let who = access_name(g.access);
    let Some(v) = view(g.access, t.res_type) else {
        return Err(denial(
            403,
            format!("{who} access does not include {}", t.res_type),
        ));
    };
    if let Some(l) = t
        .labels
        .iter()
        .find(|l| v.exclude_labels.contains(&l.as_str()))
    {
        return Err(denial(
            403,
            format!("{who} access does not include {l}-labelled records"),
        ));
    }
    if let Some(only) = &v.only_codes
        && !t
            .codes
            .iter()
            .any(|(s, c)| only.iter().any(|(os, oc)| os == s && oc == c))
    {
        return Err(denial(
            403,
            format!("{who} access includes only growth-chart {}s", t.res_type),
        ));
    }
    Ok(())
}

/// Patient types a staff role reads, and those it writes (Create/Update).
fn staff_types(role: StaffRole, res_type: &str) -> (bool, bool) {
    match role {
        StaffRole::Administrator => (false, false),
        StaffRole::MemberServices => {
            let ok = MEMBER_SERVICES_TYPES.contains(&res_type);
            (ok, ok)
        }
        StaffRole::Pharmacist => (
            PHARMACIST_READ_TYPES.contains(&res_type),
            PHARMACIST_WRITE_TYPES.contains(&res_type),
        ),
        StaffRole::Clinician => {
            let ok = !CLINICIAN_EXCLUDED_TYPES.contains(&res_type);
            (ok, ok)
        }
    }
}

fn staff_decide(
    role: StaffRole,
    panel: &[String],
    break_glass: Option<&(String, String)>,
    action: Action,
    t: &Target,
    shared: bool,
) -> Decision {
    if shared {
        return if !action.is_write() || role == StaffRole::Administrator {
            ALLOW
        } else {
            deny(403, "only administrators change directory and plan data")
        };
    }
    if action == Action::Delete {
        return deny(403, "patient data is corrected, not deleted");
    }
    let (reads, writes) = staff_types(role, t.res_type);
    let ok = if action.is_write() { writes } else { reads };
    if !ok {
        return deny(
            403,
            format!(
                "the {} role does not {} {}",
                role.as_str(),
                if action.is_write() { "write" } else { "read" },
                t.res_type
            ),
        );
    }
    match (role, t.compartment) {
        (StaffRole::Clinician, Some(patient)) => clinician_reach(panel, break_glass, patient)
            .map_or_else(Decision::Deny, |break_glass| Decision::Allow {
                break_glass,
            }),
        _ => ALLOW,
    }
}

/// A clinician reaches a patient of the panel, or another one through break-the-glass for that
/// patient with a reason; `Ok(true)` when only break-the-glass allows it.
fn clinician_reach(
    panel: &[String],
    break_glass: Option<&(String, String)>,
    patient: &str,
) -> Result<bool, Denial> {
    if panel.iter().any(|p| p == patient) {
        return Ok(false);
    }
    match break_glass {
        Some((p, reason)) if p == patient && !reason.trim().is_empty() => Ok(true),
        _ => Err(denial(
            403,
            "this patient is not on your care teams' panel; declare emergency access \
             (break the glass) with a reason",
        )),
    }
}

fn rule(patient: &str, v: View, break_glass: bool) -> CompartmentRule {
    CompartmentRule {
        patient: patient.to_owned(),
        exclude_labels: v.exclude_labels,
        only_codes: v.only_codes,
        break_glass,
    }
}

fn full_view() -> View {
    View {
        exclude_labels: Vec::new(),
        only_codes: None,
    }
}

/// How a search of `res_type` must be limited. `patient_param` is the search's patient
/// (`p1` or `Patient/p1`), if it names one. Shared types: unrestricted for everyone.
/// May `p` read who accessed `patient`'s record ("Who looked at my record")? The member
/// themself (a teen included), a parent with full proxy access and a legal representative;
/// not a parent of a teen, a caregiver, an app or staff through this page.
pub fn may_see_access_log(p: &Principal, patient: &str) -> bool {
    matches!(p, Principal::Person { grants, .. }
        if grants.iter().any(|g| g.patient == patient && may_see_access_log_as(g.access)))
}

/// Whether a person reaching a record with `access` may read who looked at it: the member
/// themself, a legal representative, a parent of a young child (not of a teen, PRX-03).
pub fn may_see_access_log_as(access: Access) -> bool {
    matches!(
        access,
        Access::Own | Access::OwnTeen | Access::Legal | Access::ProxyFull
    )
}

pub fn search_scope(p: &Principal, res_type: &str, patient_param: Option<&str>) -> SearchScope {
    if is_shared_type(res_type) {
        return SearchScope::Unrestricted;
    }
    let patient_param = patient_param.map(|s| s.strip_prefix("Patient/").unwrap_or(s));
    match p {
        Principal::System | Principal::Integration { .. } => SearchScope::Unrestricted,
        Principal::Anonymous => SearchScope::Denied(denial(401, "sign in to reach health data")),
        Principal::Person { grants, .. } => person_scope(grants, None, res_type, patient_param),
        Principal::App { grants, scopes, .. } => {
            person_scope(grants, Some(scopes), res_type, patient_param)
        }
        Principal::Staff {
            role,
            panel,
            break_glass,
            ..
        } => {
            let (reads, _) = staff_types(*role, res_type);
            if !reads {
                return SearchScope::Denied(denial(
                    403,
                    format!("the {} role does not read {res_type}", role.as_str()),
                ));
            }
            if *role != StaffRole::Clinician {
                return SearchScope::Unrestricted;
            }
            let rules = match patient_param {
                Some(patient) => match clinician_reach(panel, break_glass.as_ref(), patient) {
                    Ok(bg) => vec![rule(patient, full_view(), bg)],
                    Err(d) => return SearchScope::Denied(d),
                },
                None => panel.iter().map(|p| rule(p, full_view(), false)).collect(),
            };
            non_empty(rules, denial(403, "no patients on your care teams' panel"))
        }
    }
}

fn person_scope(
    grants: &[Grant],
    scopes: Option<&[String]>,
    res_type: &str,
    patient_param: Option<&str>,
) -> SearchScope {
    if let Some(scopes) = scopes
        && !scope_allows(scopes, res_type, Action::Search)
    {
        return SearchScope::Denied(missing_scope(res_type, Action::Search));
    }
    let mut rules: Vec<CompartmentRule> = Vec::new();
    let mut reached = false;
    for g in grants {
        if patient_param.is_some_and(|p| p != g.patient) {
            continue;
        }
        reached = true;
        if rules.iter().any(|r| r.patient == g.patient) {
            // Two grants for one patient: keep the wider view.
            if let Some(v) = view(g.access, res_type)
                && let Some(r) = rules.iter_mut().find(|r| r.patient == g.patient)
                && wider(&v, r)
            {
                *r = rule(&g.patient, v, false);
            }
            continue;
        }
        if let Some(v) = view(g.access, res_type) {
            rules.push(rule(&g.patient, v, false));
        }
    }
    let reason = if reached || patient_param.is_none() {
        format!("your access does not include {res_type}")
    } else {
        "no access to this patient's record".to_owned()
    };
    non_empty(rules, denial(403, reason))
}

fn wider(v: &View, r: &CompartmentRule) -> bool {
    (v.exclude_labels.len(), v.only_codes.is_some())
        < (r.exclude_labels.len(), r.only_codes.is_some())
}

fn non_empty(rules: Vec<CompartmentRule>, otherwise: Denial) -> SearchScope {
    if rules.is_empty() {
        SearchScope::Denied(otherwise)
    } else {
        SearchScope::Compartments(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(patient: &str, access: Access) -> Grant {
        Grant {
            patient: patient.into(),
            access,
        }
    }

    fn person(grants: Vec<Grant>) -> Principal {
        Principal::Person {
            account: "a1".into(),
            grants,
        }
    }

    fn app(grants: Vec<Grant>, scopes: &[&str]) -> Principal {
        Principal::App {
            client_id: "c1".into(),
            account: "a1".into(),
            grants,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn staff(role: StaffRole, panel: &[&str], break_glass: Option<(&str, &str)>) -> Principal {
        Principal::Staff {
            account: "s1".into(),
            role,
            practitioner: None,
            panel: panel.iter().map(|p| (*p).to_owned()).collect(),
            break_glass: break_glass.map(|(p, r)| (p.to_owned(), r.to_owned())),
        }
    }

    /// HIP-04 / issue 12: the type gate never refuses what the record-level decision would
    /// allow, and refuses with the same status: deciding it before loading changes no answer
    /// except that a missing id now gets it too.
    #[test]
    fn hip_04_type_gate_agrees_with_decide() {
        let types = [
            "Patient",
            "Observation",
            "Condition",
            "MedicationRequest",
            "Immunization",
            "Coverage",
            "Encounter",
            "Practitioner",
            "Organization",
            "Location",
        ];
        let labels: [Vec<String>; 2] = [Vec::new(), vec!["PSY".to_owned()]];
        let actions = [Action::Read, Action::Create, Action::Update, Action::Delete];
        let mut checked = 0;
        for (name, p) in principals() {
            for t in types {
                for a in actions {
                    let Some(gate) = type_gate(&p, a, t) else {
                        continue;
                    };
                    for comp in [None, Some("p1"), Some("p2"), Some("teen")] {
                        for l in &labels {
                            let target = Target {
                                res_type: t,
                                compartment: comp,
                                labels: l,
                                codes: &[],
                            };
                            let d = decide(&p, a, &target);
                            assert!(
                                matches!(&d, Decision::Deny(x) if x.status == gate.status),
                                "{name} {a:?} {t} {comp:?}: the type gate refuses with {} what decide answers {d:?}",
                                gate.status
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    /// The matrix's principals, in column order.
    fn principals() -> Vec<(&'static str, Principal)> {
        use Access::*;
        vec![
            ("system", Principal::System),
            (
                "integration",
                Principal::Integration {
                    client_id: "feed".into(),
                },
            ),
            ("anonymous", Principal::Anonymous),
            ("own", person(vec![grant("p1", Own)])),
            ("teen-proxy", person(vec![grant("p1", ProxyTeen)])),
            ("caregiver", person(vec![grant("p1", Caregiver)])),
            (
                "app-all",
                app(
                    vec![grant("p1", Own)],
                    &["openid", "fhirUser", "patient/*.read"],
                ),
            ),
            (
                "app-obs",
                app(
                    vec![grant("p1", Own)],
                    &["launch/patient", "patient/Observation.rs"],
                ),
            ),
            ("admin", staff(StaffRole::Administrator, &[], None)),
            ("member-svc", staff(StaffRole::MemberServices, &[], None)),
            ("pharmacist", staff(StaffRole::Pharmacist, &[], None)),
            ("clinician", staff(StaffRole::Clinician, &["p1"], None)),
            (
                "clin-glass",
                staff(
                    StaffRole::Clinician,
                    &["p9"],
                    Some(("p1", "unconscious in ED")),
                ),
            ),
        ]
    }

    /// A row's resource: type, labels, main code. `Type#variant` picks a variant.
    fn resource(name: &str) -> (&str, Vec<String>, Vec<(String, String)>) {
        let loinc = |c: &str| vec![(LOINC.to_owned(), c.to_owned())];
        match name {
            "Observation#growth" => ("Observation", vec![], loinc("29463-7")),
            "Observation#lab" => ("Observation", vec![], loinc("2951-2")),
            "Immunization#HPV" => ("Immunization", vec!["SEX".into()], vec![]),
            "Condition#PSY" => ("Condition", vec!["PSY".into()], vec![]),
            "DiagnosticReport#hold-all" => ("DiagnosticReport", vec![HOLD_ALL.into()], vec![]),
            "DiagnosticReport#hold-reps" => (
                "DiagnosticReport",
                vec![super::super::labels::HOLD_REPRESENTATIVES.into()],
                vec![],
            ),
            other => (other, vec![], vec![]),
        }
    }

    fn code(d: &Decision) -> char {
        match d {
            Decision::Allow { break_glass: false } => 'A',
            Decision::Allow { break_glass: true } => 'B',
            Decision::Deny(Denial { status: 401, .. }) => '1',
            Decision::Deny(Denial { status: 403, .. }) => '3',
            Decision::Deny(_) => '?',
        }
    }

    /// Every principal × type × (Read, Search, Create). Cells: A allow, B allow by
    /// break-the-glass, 1 = 401, 3 = 403. Patient types sit in compartment p1 (Group: none).
    #[test]
    fn policy_matrix() {
        #[rustfmt::skip]
        let rows: &[(&str, &str)] = &[
            // type                 sys integ anon own teen care appA appO admin msvc pharm clin glass
            ("Patient",             "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 AAA AA3 AAA BBB"),
            ("Observation#growth",  "AAA AAA 111 AA3 AA3 AA3 AA3 AA3 333 333 333 AAA BBB"),
            ("Observation#lab",     "AAA AAA 111 AA3 333 AA3 AA3 AA3 333 333 333 AAA BBB"),
            ("Condition",           "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 333 AAA BBB"),
            ("Condition#PSY",       "AAA AAA 111 AA3 333 333 AA3 333 333 333 333 AAA BBB"),
            ("MedicationRequest",   "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 AA3 AAA BBB"),
            ("MedicationDispense",  "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 AAA AAA BBB"),
            ("AllergyIntolerance",  "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 333 AA3 AAA BBB"),
            ("Immunization",        "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 333 333 AAA BBB"),
            ("Immunization#HPV",    "AAA AAA 111 AA3 333 333 AA3 333 333 333 333 AAA BBB"),
            ("Appointment",         "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 AAA 333 AAA BBB"),
            ("Communication",       "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 333 333 AAA BBB"),
            ("QuestionnaireResponse","AAA AAA 111 AA3 AA3 AA3 AA3 333 333 333 333 AAA BBB"),
            ("RelatedPerson",       "AAA AAA 111 AA3 AA3 AA3 AA3 333 333 AAA 333 AAA BBB"),
            ("Coverage",            "AAA AAA 111 AA3 333 AA3 AA3 333 333 AAA AA3 AAA BBB"),
            ("Encounter",           "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 333 AAA BBB"),
            ("DiagnosticReport",    "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 333 AAA BBB"),
            ("DiagnosticReport#hold-all", "AAA AAA 111 333 333 333 333 333 333 333 333 AAA BBB"),
            ("DiagnosticReport#hold-reps","AAA AAA 111 AA3 333 333 AA3 333 333 333 333 AAA BBB"),
            ("DocumentReference",   "AAA AAA 111 AA3 333 AA3 AA3 333 333 333 333 AAA BBB"),
            ("Consent",             "AAA AAA 111 AA3 333 AA3 AA3 333 333 AAA 333 AAA BBB"),
            ("Invoice",             "AAA AAA 111 AA3 333 AA3 AA3 333 333 AAA 333 333 333"),
            ("ExplanationOfBenefit","AAA AAA 111 AA3 333 AA3 AA3 333 333 333 333 AAA BBB"),
            ("Group",               "AAA AAA 111 333 333 333 333 333 333 333 333 AAA AAA"),
            ("Practitioner",        "AAA AAA AA1 AA3 AA3 AA3 AA3 AA3 AAA AA3 AA3 AA3 AA3"),
            ("Organization",        "AAA AAA AA1 AA3 AA3 AA3 AA3 AA3 AAA AA3 AA3 AA3 AA3"),
            ("InsurancePlan",       "AAA AAA AA1 AA3 AA3 AA3 AA3 AA3 AAA AA3 AA3 AA3 AA3"),
        ];
        let principals = principals();
        let mut failures = Vec::new();
        for (name, expected) in rows {
            let (res_type, labels, codes) = resource(name);
            let compartment = (!is_shared_type(res_type) && res_type != "Group").then_some("p1");
            let t = Target {
                res_type,
                compartment,
                labels: &labels,
                codes: &codes,
            };
            let cells: Vec<&str> = expected.split_whitespace().collect();
            assert_eq!(cells.len(), principals.len(), "{name}: column count");
            for ((who, p), want) in principals.iter().zip(cells) {
                let got: String = [Action::Read, Action::Search, Action::Create]
                    .iter()
                    .map(|a| code(&decide(p, *a, &t)))
                    .collect();
                if got != want {
                    failures.push(format!("{name} × {who}: want {want}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    const ALL_TYPES: &[&str] = &[
        "Patient",
        "Observation",
        "Condition",
        "MedicationRequest",
        "MedicationDispense",
        "MedicationStatement",
        "AllergyIntolerance",
        "Immunization",
        "ImmunizationRecommendation",
        "Appointment",
        "Communication",
        "QuestionnaireResponse",
        "RelatedPerson",
        "Coverage",
        "Encounter",
        "DiagnosticReport",
        "DocumentReference",
        "Procedure",
        "CarePlan",
        "Consent",
        "Invoice",
        "Account",
        "ExplanationOfBenefit",
        "Claim",
        "Person",
        "AuditEvent",
        "Group",
        "Practitioner",
        "Organization",
        "Location",
        "InsurancePlan",
        "Medication",
        "Slot",
    ];

    /// Every Person/App grant kind, and several grants at once.
    fn grant_holders() -> Vec<Principal> {
        use Access::*;
        let kinds = [Own, OwnTeen, ProxyFull, ProxyTeen, Caregiver, Legal];
        let mut out: Vec<Principal> = kinds
            .iter()
            .map(|a| person(vec![grant("p1", *a)]))
            .collect();
        out.extend(
            kinds
                .iter()
                .map(|a| app(vec![grant("p1", *a)], &["user/*.*", "patient/*.cruds"])),
        );
        out.push(person(
            kinds
                .iter()
                .enumerate()
                .map(|(i, a)| grant(&format!("p{i}"), *a))
                .collect(),
        ));
        out.push(person(vec![]));
        out
    }

    #[test]
    fn prx_no_allow_without_a_grant() {
        let labels: Vec<Vec<String>> = vec![vec![], vec!["PSY".into()]];
        let codes = vec![(LOINC.to_owned(), "29463-7".to_owned())];
        for p in grant_holders() {
            for res_type in ALL_TYPES {
                for l in &labels {
                    for compartment in [Some("stranger"), None] {
                        for action in [
                            Action::Read,
                            Action::Search,
                            Action::Create,
                            Action::Update,
                            Action::Delete,
                        ] {
                            let t = Target {
                                res_type,
                                compartment,
                                labels: l,
                                codes: &codes,
                            };
                            let allowed = decide(&p, action, &t).is_allowed();
                            let ok = is_shared_type(res_type) && !action.is_write();
                            assert_eq!(
                                allowed, ok,
                                "{p:?} {action:?} {res_type} in {compartment:?}"
                            );
                        }
                    }
                }
                for param in [Some("stranger"), Some("Patient/stranger"), None] {
                    match search_scope(&p, res_type, param) {
                        SearchScope::Unrestricted => assert!(is_shared_type(res_type)),
                        SearchScope::Compartments(rules) => {
                            assert!(!rules.is_empty());
                            for r in rules {
                                assert_ne!(r.patient, "stranger");
                                assert!(grant_of(&p).iter().any(|g| g.patient == r.patient));
                            }
                        }
                        SearchScope::Denied(d) => assert_eq!(d.status, 403),
                    }
                }
            }
        }
    }

    fn grant_of(p: &Principal) -> Vec<Grant> {
        match p {
            Principal::Person { grants, .. } | Principal::App { grants, .. } => grants.clone(),
            _ => vec![],
        }
    }

    #[test]
    fn prx_02_full_access_kinds_see_everything() {
        use Access::*;
        let labels = vec!["PSY".to_owned(), "SEX".to_owned(), "ETH".to_owned()];
        for access in [Own, OwnTeen, ProxyFull, Legal] {
            let p = person(vec![grant("p1", access)]);
            for res_type in ALL_TYPES {
                let t = Target {
                    res_type,
                    compartment: Some("p1"),
                    labels: &labels,
                    codes: &[],
                };
                assert!(
                    decide(&p, Action::Read, &t).is_allowed(),
                    "{access:?} {res_type}"
                );
            }
        }
    }

    #[test]
    fn prx_03_teen_proxy_view() {
        let p = person(vec![grant("p1", Access::ProxyTeen)]);
        let growth = |c: &str| vec![(LOINC.to_owned(), c.to_owned())];
        let none: Vec<String> = vec![];
        // (type, labels, codes, allowed)
        type Codes = Vec<(String, String)>;
        let rows: Vec<(&str, Vec<String>, Codes, bool)> = vec![
            ("Observation", none.clone(), growth("8302-2"), true),
            ("Observation", none.clone(), growth("29463-7"), true),
            ("Observation", none.clone(), growth("39156-5"), true),
            ("Observation", none.clone(), growth("8287-5"), true),
            ("Observation", none.clone(), growth("59576-9"), true),
            ("Observation", none.clone(), growth("8306-3"), true),
            ("Observation", none.clone(), growth("44261-6"), false), // PHQ-9
            (
                "Observation",
                none.clone(),
                vec![("http://snomed.info/sct".into(), "8302-2".into())],
                false,
            ),
            ("Observation", none.clone(), vec![], false),
            ("Observation", vec!["PSY".into()], growth("29463-7"), false),
            ("Immunization", none.clone(), vec![], true),
            ("Immunization", vec!["SEX".into()], vec![], false), // HPV at KP WA
            ("ImmunizationRecommendation", none.clone(), vec![], true),
            ("Appointment", vec!["ETH".into()], vec![], false),
            ("Communication", none.clone(), vec![], true),
            ("MedicationRequest", none.clone(), vec![], false),
            ("DiagnosticReport", none.clone(), vec![], false),
            ("Condition", none.clone(), vec![], false),
            ("Coverage", none.clone(), vec![], false),
            ("DocumentReference", none.clone(), vec![], false),
        ];
        for (res_type, labels, codes, want) in rows {
            let t = Target {
                res_type,
                compartment: Some("p1"),
                labels: &labels,
                codes: &codes,
            };
            assert_eq!(
                decide(&p, Action::Read, &t).is_allowed(),
                want,
                "{res_type} {labels:?} {codes:?}"
            );
        }
    }

    #[test]
    fn smart_scopes() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        use Action::*;
        // (scopes, type, action, allowed)
        let rows = [
            (s(&["patient/*.read"]), "Condition", Read, true),
            (s(&["patient/*.read"]), "Condition", Search, true),
            (s(&["patient/*.rs"]), "Condition", Search, true),
            (s(&["patient/*.r"]), "Condition", Search, false),
            (s(&["patient/*.s"]), "Condition", Read, false),
            (s(&["patient/Condition.read"]), "Condition", Read, true),
            (s(&["patient/Condition.read"]), "Observation", Read, false),
            (s(&["user/*.read"]), "Observation", Read, true),
            (s(&["user/Observation.rs"]), "Observation", Search, true),
            (s(&["user/*.*"]), "Observation", Read, true),
            (s(&["patient/*.cruds"]), "Observation", Search, true),
            (s(&["patient/*.cruds"]), "Observation", Create, false), // read-only API
            (s(&["patient/*.write"]), "Observation", Read, false),
            (s(&["patient/*.cu"]), "Observation", Read, false),
            (s(&["patient/*.sr"]), "Observation", Read, false), // wrong order: invalid
            (s(&["patient/*.rr"]), "Observation", Read, false),
            (
                s(&["patient/Observation.rs?category=laboratory"]),
                "Observation",
                Read,
                false,
            ),
            (s(&["system/*.read"]), "Observation", Read, false),
            (
                s(&["openid", "fhirUser", "launch/patient", "offline_access"]),
                "Patient",
                Read,
                false,
            ),
            (s(&[]), "Patient", Read, false),
        ];
        for (scopes, res_type, action, want) in rows {
            assert_eq!(
                scope_allows(&scopes, res_type, action),
                want,
                "{scopes:?} {res_type} {action:?}"
            );
        }
        // The denial names the missing scope.
        let p = app(vec![grant("p1", Access::Own)], &["patient/Observation.rs"]);
        let t = Target {
            res_type: "Condition",
            compartment: Some("p1"),
            labels: &[],
            codes: &[],
        };
        match decide(&p, Action::Read, &t) {
            Decision::Deny(d) => {
                assert_eq!(d.status, 403);
                assert!(d.reason.contains("patient/Condition.r"), "{}", d.reason);
            }
            other => assert_eq!(
                other,
                Decision::Allow { break_glass: false },
                "expected a denial"
            ),
        }
    }

    #[test]
    fn break_glass_needs_matching_patient_and_reason() {
        let t = Target {
            res_type: "Condition",
            compartment: Some("p1"),
            labels: &[],
            codes: &[],
        };
        // (panel, break glass, expected)
        let rows = [
            (vec!["p1"], None, 'A'),
            (vec!["p2"], None, '3'),
            (vec!["p2"], Some(("p1", "cardiac arrest in clinic")), 'B'),
            (vec!["p2"], Some(("p1", "   ")), '3'),
            (vec!["p2"], Some(("p3", "wrong patient")), '3'),
            (vec!["p1"], Some(("p1", "also on panel")), 'A'),
        ];
        for (panel, bg, want) in rows {
            let p = staff(StaffRole::Clinician, &panel, bg);
            assert_eq!(
                code(&decide(&p, Action::Read, &t)),
                want,
                "{panel:?} {bg:?}"
            );
            assert_eq!(
                code(&decide(&p, Action::Update, &t)),
                want,
                "{panel:?} {bg:?}"
            );
            assert_eq!(code(&decide(&p, Action::Delete, &t)), '3');
        }
    }

    #[test]
    fn search_scopes() {
        use Access::*;
        let excl: Vec<&'static str> = SENSITIVE.iter().chain(&HOLDS).copied().collect();
        let teen_excl: Vec<&'static str> = SENSITIVE
            .iter()
            .copied()
            .chain([MINOR_VISIT])
            .chain(HOLDS)
            .collect();
        let own = vec![HOLD_ALL];
        let r = |p: &str,
                 exclude: Vec<&'static str>,
                 only: Option<Vec<(&'static str, &'static str)>>,
                 bg: bool| {
            CompartmentRule {
                patient: p.into(),
                exclude_labels: exclude,
                only_codes: only,
                break_glass: bg,
            }
        };
        let family = person(vec![
            grant("me", Own),
            grant("kid", ProxyTeen),
            grant("mom", Caregiver),
        ]);
        let rows: Vec<(&str, Principal, &str, Option<&str>, SearchScope)> = vec![
            (
                "shared",
                Principal::Anonymous,
                "Practitioner",
                None,
                SearchScope::Unrestricted,
            ),
            (
                "anon",
                Principal::Anonymous,
                "Observation",
                None,
                SearchScope::Denied(denial(401, "sign in to reach health data")),
            ),
            (
                "system",
                Principal::System,
                "Observation",
                None,
                SearchScope::Unrestricted,
            ),
            (
                "family obs",
                family.clone(),
                "Observation",
                None,
                SearchScope::Compartments(vec![
                    r("me", own.clone(), None, false),
                    r(
                        "kid",
                        teen_excl.clone(),
                        Some(GROWTH_CHART_CODES.to_vec()),
                        false,
                    ),
                    r("mom", excl.clone(), None, false),
                ]),
            ),
            (
                "family conditions",
                family.clone(),
                "Condition",
                None,
                SearchScope::Compartments(vec![
                    r("me", own.clone(), None, false),
                    r("mom", excl.clone(), None, false),
                ]),
            ),
            (
                "family kid param",
                family.clone(),
                "Immunization",
                Some("Patient/kid"),
                SearchScope::Compartments(vec![r("kid", teen_excl.clone(), None, false)]),
            ),
            (
                "kid conditions",
                family.clone(),
                "Condition",
                Some("kid"),
                SearchScope::Denied(denial(403, "your access does not include Condition")),
            ),
            (
                "stranger",
                family.clone(),
                "Condition",
                Some("x"),
                SearchScope::Denied(denial(403, "no access to this patient's record")),
            ),
            (
                "app no scope",
                app(vec![grant("me", Own)], &["patient/Observation.rs"]),
                "Condition",
                None,
                SearchScope::Denied(missing_scope("Condition", Action::Search)),
            ),
            (
                "app",
                app(vec![grant("me", Own)], &["patient/*.rs"]),
                "Condition",
                None,
                SearchScope::Compartments(vec![r("me", own.clone(), None, false)]),
            ),
            (
                "clinician panel",
                staff(StaffRole::Clinician, &["p1", "p2"], None),
                "Condition",
                None,
                SearchScope::Compartments(vec![
                    r("p1", vec![], None, false),
                    r("p2", vec![], None, false),
                ]),
            ),
            (
                "clinician glass",
                staff(StaffRole::Clinician, &["p1"], Some(("p7", "ED"))),
                "Condition",
                Some("p7"),
                SearchScope::Compartments(vec![r("p7", vec![], None, true)]),
            ),
            (
                "clinician other",
                staff(StaffRole::Clinician, &["p1"], None),
                "Condition",
                Some("p7"),
                SearchScope::Denied(denial(
                    403,
                    "this patient is not on your care teams' panel; declare emergency access (break the glass) with a reason",
                )),
            ),
            (
                "clinician bills",
                staff(StaffRole::Clinician, &["p1"], None),
                "Invoice",
                None,
                SearchScope::Denied(denial(403, "the clinician role does not read Invoice")),
            ),
            (
                "member services",
                staff(StaffRole::MemberServices, &[], None),
                "Coverage",
                None,
                SearchScope::Unrestricted,
            ),
            (
                "member services clinical",
                staff(StaffRole::MemberServices, &[], None),
                "Condition",
                Some("p1"),
                SearchScope::Denied(denial(
                    403,
                    "the member-services role does not read Condition",
                )),
            ),
            (
                "pharmacist",
                staff(StaffRole::Pharmacist, &[], None),
                "MedicationRequest",
                Some("p1"),
                SearchScope::Unrestricted,
            ),
            (
                "admin",
                staff(StaffRole::Administrator, &[], None),
                "Patient",
                None,
                SearchScope::Denied(denial(403, "the administrator role does not read Patient")),
            ),
        ];
        for (name, p, res_type, param, want) in rows {
            assert_eq!(search_scope(&p, res_type, param), want, "{name}");
        }
        // Two grants for one patient: the wider view wins.
        let both = person(vec![grant("kid", ProxyTeen), grant("kid", Legal)]);
        assert_eq!(
            search_scope(&both, "Observation", None),
            SearchScope::Compartments(vec![r("kid", HOLDS.to_vec(), None, false)])
        );
        let t = Target {
            res_type: "Condition",
            compartment: Some("kid"),
            labels: &[],
            codes: &[],
        };
        assert!(decide(&both, Action::Read, &t).is_allowed());
    }

    /// HIP-08: a clinician's hold hides one result like a missing record — `hold-all` from the
    /// patient and everyone acting for them, `hold-representatives` only from those acting for
    /// them; staff are never hidden from.
    #[test]
    fn hip_08_holds_hide_a_result_by_access() {
        use super::super::labels::HOLD_REPRESENTATIVES;
        use Access::*;
        #[rustfmt::skip]
        let rows: &[(Access, bool, bool)] = &[
            // access      sees hold-all  sees hold-representatives
            (Own,          false,         true),
            (OwnTeen,      false,         true),
            (ProxyFull,    false,         false),
            (Legal,        false,         false),
            (Caregiver,    false,         false),
            (ProxyTeen,    false,         false),
        ];
        for &(access, all, reps) in rows {
            let p = person(vec![grant("p1", access)]);
            for (label, want) in [(HOLD_ALL, all), (HOLD_REPRESENTATIVES, reps)] {
                let labels = vec![label.to_owned()];
                let t = Target {
                    res_type: "Immunization",
                    compartment: Some("p1"),
                    labels: &labels,
                    codes: &[],
                };
                assert_eq!(
                    decide(&p, Action::Read, &t).is_allowed(),
                    want,
                    "{access:?} {label}"
                );
                let hidden = match search_scope(&p, "Immunization", None) {
                    SearchScope::Compartments(rules) => rules[0].exclude_labels.contains(&label),
                    other => unreachable!("{access:?}: {other:?}"),
                };
                assert_eq!(hidden, !want, "{access:?} {label}");
            }
        }
        let clinician = staff(StaffRole::Clinician, &["p1"], None);
        let labels = vec![HOLD_ALL.to_owned()];
        let t = Target {
            res_type: "DiagnosticReport",
            compartment: Some("p1"),
            labels: &labels,
            codes: &[],
        };
        assert!(decide(&clinician, Action::Read, &t).is_allowed());
    }
}
