//! The search parameters Wellspring supports, and extraction of their index values.
//!
//! Definitions live in one static table ([`all`]), sorted by resource type then parameter name,
//! so lookups are a binary search. Extraction ([`extract`]) is plain path navigation over the
//! resource's JSON: dotted paths from the resource root, arrays traversed transparently, and a
//! trailing `[x]` selecting the present variant(s) of a choice element. What gets indexed from
//! the value found depends on the parameter type and the value's data type (see [`extract`]).

use std::collections::HashSet;
use std::hash::Hash;

use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::outcome::{Issue, IssueCode};

/// The kinds of search parameter we support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Token,
    Reference,
    Date,
}

impl ParamType {
    /// The FHIR `SearchParamType` code (as used in the CapabilityStatement).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Token => "token",
            ParamType::Reference => "reference",
            ParamType::Date => "date",
        }
    }
}

/// One supported search parameter.
#[derive(Debug)]
pub struct SearchParamDef {
    /// Resource type, e.g. "Patient".
    pub resource: &'static str,
    /// Parameter name, e.g. "birthdate".
    pub name: &'static str,
    pub kind: ParamType,
    /// Paths from the resource root, dotted; arrays are traversed transparently; a path ending in
    /// `[x]` means a choice element (e.g. "effective[x]" matches effectiveDateTime, effectivePeriod, effectiveInstant).
    pub paths: &'static [&'static str],
    /// For references: allowed target types (empty = any). Used e.g. to make Observation.patient only match subject references to Patient.
    pub targets: &'static [&'static str],
    pub description: &'static str,
}

macro_rules! p {
    ($res:literal, $name:literal, $kind:ident, [$($path:literal),* $(,)?], $desc:literal) => {
        p!($res, $name, $kind, [$($path),*], [], $desc)
    };
    ($res:literal, $name:literal, $kind:ident, [$($path:literal),* $(,)?], [$($t:literal),* $(,)?], $desc:literal) => {
        SearchParamDef {
            resource: $res,
            name: $name,
            kind: ParamType::$kind,
            paths: &[$($path),*],
            targets: &[$($t),*],
            description: $desc,
        }
    };
}

/// All definitions, sorted by (resource, name) — `lookup` and `params_for` rely on it.
#[rustfmt::skip]
static DEFS: &[SearchParamDef] = &[
    // Account (the member's card on file for mail order: brand, last four digits, expiry)
    p!("Account", "patient", Reference, ["subject"], ["Patient"], "The entity that caused the expenses"),
    p!("Account", "status", Token, ["status"], "active | inactive | entered-in-error | on-hold | unknown"),
    p!("Account", "subject", Reference, ["subject"], "The entity that caused the expenses"),
    p!("Account", "type", Token, ["type"], "E.g. patient, expense, depreciation"),
    // AllergyIntolerance
    p!("AllergyIntolerance", "category", Token, ["category"], "food | medication | environment | biologic"),
    p!("AllergyIntolerance", "clinical-status", Token, ["clinicalStatus"], "active | inactive | resolved"),
    p!("AllergyIntolerance", "code", Token, ["code", "reaction.substance"], "Code for the allergy or intolerance"),
    p!("AllergyIntolerance", "criticality", Token, ["criticality"], "low | high | unable-to-assess"),
    p!("AllergyIntolerance", "date", Date, ["recordedDate"], "Date first version was recorded"),
    p!("AllergyIntolerance", "identifier", Token, ["identifier"], "External ids for this item"),
    p!("AllergyIntolerance", "patient", Reference, ["patient"], ["Patient"], "Who the sensitivity is for"),
    p!("AllergyIntolerance", "type", Token, ["type"], "allergy | intolerance"),
    // Appointment
    p!("Appointment", "actor", Reference, ["participant.actor"], "Any participant of the appointment"),
    p!("Appointment", "date", Date, ["start"], "Appointment date/time"),
    p!("Appointment", "identifier", Token, ["identifier"], "An identifier of this appointment"),
    p!("Appointment", "location", Reference, ["participant.actor"], ["Location"], "Location participating in the appointment"),
    p!("Appointment", "patient", Reference, ["participant.actor"], ["Patient"], "Patient participating in the appointment"),
    p!("Appointment", "practitioner", Reference, ["participant.actor"], ["Practitioner"], "Practitioner participating in the appointment"),
    p!("Appointment", "service-type", Token, ["serviceType"], "The specific service to be performed"),
    p!("Appointment", "slot", Reference, ["slot"], ["Slot"], "The slots this appointment fills"),
    p!("Appointment", "status", Token, ["status"], "The overall status of the appointment"),
    // Communication
    p!("Communication", "category", Token, ["category"], "Message category"),
    p!("Communication", "identifier", Token, ["identifier"], "Unique identifier"),
    p!("Communication", "patient", Reference, ["subject"], ["Patient"], "Focus of message (Patient)"),
    p!("Communication", "received", Date, ["received"], "When received"),
    p!("Communication", "recipient", Reference, ["recipient"], "Message recipient"),
    p!("Communication", "sender", Reference, ["sender"], "Message sender"),
    p!("Communication", "sent", Date, ["sent"], "When sent"),
    p!("Communication", "status", Token, ["status"], "Communication status"),
    p!("Communication", "subject", Reference, ["subject"], "Focus of message"),
    // Condition
    p!("Condition", "category", Token, ["category"], "The category of the condition"),
    p!("Condition", "clinical-status", Token, ["clinicalStatus"], "The clinical status of the condition"),
    p!("Condition", "code", Token, ["code"], "Code for the condition"),
    p!("Condition", "encounter", Reference, ["encounter"], ["Encounter"], "Encounter created as part of"),
    p!("Condition", "identifier", Token, ["identifier"], "A unique identifier of the condition record"),
    p!("Condition", "onset-date", Date, ["onset[x]"], "Date related onsets (dateTime and Period)"),
    p!("Condition", "patient", Reference, ["subject"], ["Patient"], "Who has the condition (Patient)"),
    p!("Condition", "recorded-date", Date, ["recordedDate"], "Date record was first recorded"),
    p!("Condition", "subject", Reference, ["subject"], "Who has the condition"),
    // Consent
    p!("Consent", "category", Token, ["category"], "Classification of the consent statement"),
    p!("Consent", "identifier", Token, ["identifier"], "Identifier for this record"),
    p!("Consent", "patient", Reference, ["patient"], ["Patient"], "Who the consent applies to"),
    p!("Consent", "status", Token, ["status"], "draft | proposed | active | rejected | inactive | entered-in-error"),
    // Coverage
    p!("Coverage", "beneficiary", Reference, ["beneficiary"], ["Patient"], "Covered party"),
    p!("Coverage", "identifier", Token, ["identifier"], "The primary identifier of the insured and the coverage"),
    p!("Coverage", "patient", Reference, ["beneficiary"], ["Patient"], "Retrieve coverages for a patient"),
    p!("Coverage", "payor", Reference, ["payor"], ["Organization", "Patient", "RelatedPerson"], "The identity of the insurer or party paying"),
    p!("Coverage", "status", Token, ["status"], "The status of the Coverage"),
    p!("Coverage", "subscriber", Reference, ["subscriber"], ["Patient", "RelatedPerson"], "Reference to the subscriber"),
    p!("Coverage", "type", Token, ["type"], "The kind of coverage"),
    // DiagnosticReport
    p!("DiagnosticReport", "category", Token, ["category"], "Which diagnostic discipline/department created the report"),
    p!("DiagnosticReport", "code", Token, ["code"], "The code for the report"),
    p!("DiagnosticReport", "date", Date, ["effective[x]"], "The clinically relevant time of the report"),
    p!("DiagnosticReport", "encounter", Reference, ["encounter"], ["Encounter"], "The Encounter when the order was made"),
    p!("DiagnosticReport", "identifier", Token, ["identifier"], "An identifier for the report"),
    p!("DiagnosticReport", "issued", Date, ["issued"], "When the report was issued"),
    p!("DiagnosticReport", "patient", Reference, ["subject"], ["Patient"], "The subject of the report if a patient"),
    p!("DiagnosticReport", "result", Reference, ["result"], ["Observation"], "Link to an atomic result"),
    p!("DiagnosticReport", "status", Token, ["status"], "The status of the report"),
    p!("DiagnosticReport", "subject", Reference, ["subject"], "The subject of the report"),
    // DocumentReference
    p!("DocumentReference", "date", Date, ["date"], "When this document reference was created"),
    p!("DocumentReference", "identifier", Token, ["masterIdentifier", "identifier"], "Master Version Specific Identifier"),
    p!("DocumentReference", "patient", Reference, ["subject"], ["Patient"], "Who/what is the subject of the document"),
    p!("DocumentReference", "status", Token, ["status"], "current | superseded | entered-in-error"),
    p!("DocumentReference", "subject", Reference, ["subject"], "Who/what is the subject of the document"),
    p!("DocumentReference", "type", Token, ["type"], "Kind of document (LOINC if possible)"),
    // Encounter
    p!("Encounter", "class", Token, ["class"], "Classification of patient encounter"),
    p!("Encounter", "date", Date, ["period"], "A date within the period the Encounter lasted"),
    p!("Encounter", "identifier", Token, ["identifier"], "Identifier(s) by which this encounter is known"),
    p!("Encounter", "participant", Reference, ["participant.individual"], "Persons involved in the encounter"),
    p!("Encounter", "patient", Reference, ["subject"], ["Patient"], "The patient present at the encounter"),
    p!("Encounter", "practitioner", Reference, ["participant.individual"], ["Practitioner"], "Practitioner involved in the encounter"),
    p!("Encounter", "service-provider", Reference, ["serviceProvider"], ["Organization"], "The organization responsible for the encounter"),
    p!("Encounter", "status", Token, ["status"], "planned | arrived | in-progress | finished | ..."),
    p!("Encounter", "subject", Reference, ["subject"], "The patient or group present at the encounter"),
    p!("Encounter", "type", Token, ["type"], "Specific type of encounter"),
    // ExplanationOfBenefit
    p!("ExplanationOfBenefit", "created", Date, ["created"], "The creation date for the EOB"),
    p!("ExplanationOfBenefit", "identifier", Token, ["identifier"], "The business identifier of the EOB"),
    p!("ExplanationOfBenefit", "patient", Reference, ["patient"], ["Patient"], "The reference to the patient"),
    p!("ExplanationOfBenefit", "provider", Reference, ["provider"], "The reference to the provider"),
    p!("ExplanationOfBenefit", "status", Token, ["status"], "Status of the instance"),
    // HealthcareService (the directory's services, PDEX Plan-Net)
    p!("HealthcareService", "active", Token, ["active"], "The Healthcare Service is currently marked as active"),
    p!("HealthcareService", "identifier", Token, ["identifier"], "External identifiers for this item"),
    p!("HealthcareService", "location", Reference, ["location"], ["Location"], "The location of the Healthcare Service"),
    p!("HealthcareService", "name", String, ["name"], "A portion of the Healthcare service name"),
    p!("HealthcareService", "organization", Reference, ["providedBy"], ["Organization"], "The organization that provides this Healthcare Service"),
    p!("HealthcareService", "service-category", Token, ["category"], "Service Category of the Healthcare Service"),
    p!("HealthcareService", "service-type", Token, ["type"], "The type of service provided by this healthcare service"),
    p!("HealthcareService", "specialty", Token, ["specialty"], "The specialty of the service provided by this healthcare service"),
    // Immunization
    p!("Immunization", "date", Date, ["occurrence[x]"], "Vaccination administration date"),
    p!("Immunization", "identifier", Token, ["identifier"], "Business identifier"),
    p!("Immunization", "patient", Reference, ["patient"], ["Patient"], "The patient for the vaccination record"),
    p!("Immunization", "status", Token, ["status"], "Immunization event status"),
    p!("Immunization", "vaccine-code", Token, ["vaccineCode"], "Vaccine product administered"),
    // InsurancePlan
    p!("InsurancePlan", "identifier", Token, ["identifier"], "Any identifier for the plan"),
    p!("InsurancePlan", "name", String, ["name", "alias"], "A portion of the plan's name or alias"),
    p!("InsurancePlan", "owned-by", Reference, ["ownedBy"], ["Organization"], "Product issuer"),
    p!("InsurancePlan", "status", Token, ["status"], "draft | active | retired | unknown"),
    p!("InsurancePlan", "type", Token, ["type"], "The kind of product"),
    // Invoice
    p!("Invoice", "date", Date, ["date"], "Invoice date / posting date"),
    p!("Invoice", "identifier", Token, ["identifier"], "Business identifier for the invoice"),
    p!("Invoice", "issuer", Reference, ["issuer"], ["Organization"], "Issuing organization of the invoice"),
    p!("Invoice", "patient", Reference, ["subject"], ["Patient"], "The patient the invoice is about"),
    p!("Invoice", "status", Token, ["status"], "draft | issued | balanced | cancelled | entered-in-error"),
    p!("Invoice", "subject", Reference, ["subject"], "The subject of the invoice"),
    // Location
    p!("Location", "address-city", String, ["address.city"], "A city specified in the address"),
    p!("Location", "address-postalcode", String, ["address.postalCode"], "A postal code specified in the address"),
    p!("Location", "address-state", String, ["address.state"], "A state specified in the address"),
    p!("Location", "identifier", Token, ["identifier"], "An identifier for the location"),
    p!("Location", "name", String, ["name", "alias"], "A portion of the location's name or alias"),
    p!("Location", "organization", Reference, ["managingOrganization"], ["Organization"], "Organization responsible for the location"),
    p!("Location", "status", Token, ["status"], "active | suspended | inactive"),
    p!("Location", "type", Token, ["type"], "A code for the type of location"),
    // MedicationDispense
    p!("MedicationDispense", "code", Token, ["medication[x]"], "Code of the medication dispensed"),
    p!("MedicationDispense", "identifier", Token, ["identifier"], "Identifier of the dispense"),
    p!("MedicationDispense", "medication", Reference, ["medication[x]"], ["Medication"], "The medication dispensed"),
    p!("MedicationDispense", "patient", Reference, ["subject"], ["Patient"], "The patient the medication is for"),
    p!("MedicationDispense", "prescription", Reference, ["authorizingPrescription"], ["MedicationRequest"], "The authorizing prescription"),
    p!("MedicationDispense", "status", Token, ["status"], "Status of the dispense"),
    p!("MedicationDispense", "subject", Reference, ["subject"], "The subject of the dispense"),
    p!("MedicationDispense", "whenhandedover", Date, ["whenHandedOver"], "When the medication was handed over"),
    // MedicationKnowledge (the plan's formulary, PDEX US Drug Formulary)
    p!("MedicationKnowledge", "code", Token, ["code"], "Code that identifies this medication"),
    p!("MedicationKnowledge", "status", Token, ["status"], "active | inactive | entered-in-error"),
    // MedicationRequest
    p!("MedicationRequest", "authoredon", Date, ["authoredOn"], "When the prescription was written"),
    p!("MedicationRequest", "code", Token, ["medication[x]"], "Code of the medication requested"),
    p!("MedicationRequest", "encounter", Reference, ["encounter"], ["Encounter"], "Encounter during which the request was created"),
    p!("MedicationRequest", "identifier", Token, ["identifier"], "Identifier of the request"),
    p!("MedicationRequest", "intent", Token, ["intent"], "proposal | plan | order | ..."),
    p!("MedicationRequest", "medication", Reference, ["medication[x]"], ["Medication"], "The medication requested"),
    p!("MedicationRequest", "patient", Reference, ["subject"], ["Patient"], "The patient the request is for"),
    p!("MedicationRequest", "requester", Reference, ["requester"], "Who asked for the medication"),
    p!("MedicationRequest", "status", Token, ["status"], "Status of the prescription"),
    p!("MedicationRequest", "subject", Reference, ["subject"], "The subject of the request"),
    // MedicationStatement (what the member reports taking)
    p!("MedicationStatement", "code", Token, ["medication[x]"], "Return statements of this medication code"),
    p!("MedicationStatement", "effective", Date, ["effective[x]"], "Date when patient was taking (or not taking) the medication"),
    p!("MedicationStatement", "patient", Reference, ["subject"], ["Patient"], "Returns statements for a specific patient"),
    p!("MedicationStatement", "status", Token, ["status"], "Return statements that match the given status"),
    p!("MedicationStatement", "subject", Reference, ["subject"], "The identity of a patient, animal or group to list statements for"),
    // Observation
    p!("Observation", "category", Token, ["category"], "The classification of the observation"),
    p!("Observation", "code", Token, ["code"], "The code of the observation"),
    p!("Observation", "date", Date, ["effective[x]"], "Clinically relevant time/time-period"),
    p!("Observation", "encounter", Reference, ["encounter"], ["Encounter"], "Encounter related to the observation"),
    p!("Observation", "identifier", Token, ["identifier"], "The unique id for the observation"),
    p!("Observation", "patient", Reference, ["subject"], ["Patient"], "The subject, if a patient"),
    p!("Observation", "status", Token, ["status"], "The status of the observation"),
    p!("Observation", "subject", Reference, ["subject"], "The subject of the observation"),
    // Organization
    p!("Organization", "active", Token, ["active"], "Whether the organization's record is active"),
    p!("Organization", "address-city", String, ["address.city"], "A city specified in the address"),
    p!("Organization", "identifier", Token, ["identifier"], "Any identifier for the organization"),
    p!("Organization", "name", String, ["name", "alias"], "A portion of the organization's name or alias"),
    p!("Organization", "partof", Reference, ["partOf"], ["Organization"], "The organization this one is part of"),
    p!("Organization", "type", Token, ["type"], "A code for the type of organization"),
    // Patient
    p!("Patient", "active", Token, ["active"], "Whether the patient record is active"),
    p!("Patient", "address", String, ["address"], "Any part of the address"),
    p!("Patient", "address-city", String, ["address.city"], "A city specified in the address"),
    p!("Patient", "address-postalcode", String, ["address.postalCode"], "A postal code specified in the address"),
    p!("Patient", "birthdate", Date, ["birthDate"], "The patient's date of birth"),
    p!("Patient", "family", String, ["name.family"], "A portion of the family name"),
    p!("Patient", "gender", Token, ["gender"], "Gender of the patient"),
    p!("Patient", "general-practitioner", Reference, ["generalPractitioner"], ["Organization", "Practitioner", "PractitionerRole"], "Patient's nominated general practitioner"),
    p!("Patient", "given", String, ["name.given"], "A portion of a given name"),
    p!("Patient", "identifier", Token, ["identifier"], "A patient identifier"),
    p!("Patient", "name", String, ["name"], "A portion of any name part"),
    p!("Patient", "telecom", Token, ["telecom"], "The value in any kind of telecom details"),
    // Person
    p!("Person", "identifier", Token, ["identifier"], "A person identifier"),
    p!("Person", "name", String, ["name"], "A portion of any name part"),
    // Practitioner
    p!("Practitioner", "active", Token, ["active"], "Whether the practitioner record is active"),
    p!("Practitioner", "communication", Token, ["communication"], "One of the languages that the practitioner can communicate with"),
    p!("Practitioner", "family", String, ["name.family"], "A portion of the family name"),
    p!("Practitioner", "gender", Token, ["gender"], "Gender of the practitioner"),
    p!("Practitioner", "given", String, ["name.given"], "A portion of a given name"),
    p!("Practitioner", "identifier", Token, ["identifier"], "A practitioner's identifier"),
    p!("Practitioner", "name", String, ["name"], "A portion of any name part"),
    // PractitionerRole
    p!("PractitionerRole", "active", Token, ["active"], "Whether this role record is active"),
    p!("PractitionerRole", "identifier", Token, ["identifier"], "A practitioner role identifier"),
    p!("PractitionerRole", "location", Reference, ["location"], ["Location"], "Where the role is performed"),
    p!("PractitionerRole", "organization", Reference, ["organization"], ["Organization"], "Organization where the role is available"),
    p!("PractitionerRole", "practitioner", Reference, ["practitioner"], ["Practitioner"], "Practitioner that provides services"),
    p!("PractitionerRole", "role", Token, ["code"], "The practitioner's role"),
    p!("PractitionerRole", "specialty", Token, ["specialty"], "The practitioner's specialty"),
    // Procedure
    p!("Procedure", "code", Token, ["code"], "A code to identify the procedure"),
    p!("Procedure", "date", Date, ["performed[x]"], "When the procedure was performed"),
    p!("Procedure", "encounter", Reference, ["encounter"], ["Encounter"], "Encounter created as part of"),
    p!("Procedure", "identifier", Token, ["identifier"], "A unique identifier for the procedure"),
    p!("Procedure", "patient", Reference, ["subject"], ["Patient"], "Search by subject, a patient"),
    p!("Procedure", "status", Token, ["status"], "Status of the procedure"),
    p!("Procedure", "subject", Reference, ["subject"], "Search by subject"),
    // Provenance
    p!("Provenance", "entity", Reference, ["entity.what"], "Identity of entity"),
    p!("Provenance", "recorded", Date, ["recorded"], "When the activity was recorded / updated"),
    p!("Provenance", "target", Reference, ["target"], "Target Reference(s) (usually version specific)"),
    // RelatedPerson
    p!("RelatedPerson", "identifier", Token, ["identifier"], "A related person identifier"),
    p!("RelatedPerson", "name", String, ["name"], "A portion of any name part"),
    p!("RelatedPerson", "patient", Reference, ["patient"], ["Patient"], "The patient this person is related to"),
    // Schedule
    p!("Schedule", "active", Token, ["active"], "Whether the schedule is in active use"),
    p!("Schedule", "actor", Reference, ["actor"], "The individual, device or location the schedule is for"),
    p!("Schedule", "date", Date, ["planningHorizon"], "Search for schedules with slots in this period"),
    p!("Schedule", "identifier", Token, ["identifier"], "A schedule identifier"),
    p!("Schedule", "service-type", Token, ["serviceType"], "The type of appointments that can be booked"),
    p!("Schedule", "specialty", Token, ["specialty"], "Type of specialty needed"),
    // Slot
    p!("Slot", "identifier", Token, ["identifier"], "A slot identifier"),
    p!("Slot", "schedule", Reference, ["schedule"], ["Schedule"], "The schedule this slot belongs to"),
    p!("Slot", "service-type", Token, ["serviceType"], "The type of appointments that can be booked"),
    p!("Slot", "specialty", Token, ["specialty"], "The specialty of a practitioner that would be required to perform the service requested in this appointment"),
    p!("Slot", "start", Date, ["start"], "Slot start date/time"),
    p!("Slot", "status", Token, ["status"], "busy | free | busy-unavailable | busy-tentative | entered-in-error"),
    // Task (staff work items, members' requests about their record)
    p!("Task", "authored-on", Date, ["authoredOn"], "Search by creation date"),
    p!("Task", "business-status", Token, ["businessStatus"], "Search by business status"),
    p!("Task", "code", Token, ["code"], "Search by task code"),
    p!("Task", "focus", Reference, ["focus"], "Search by task focus"),
    p!("Task", "identifier", Token, ["identifier"], "Search for a task instance by its business identifier"),
    p!("Task", "owner", Reference, ["owner"], "Search by task owner"),
    p!("Task", "patient", Reference, ["for"], ["Patient"], "Search by patient"),
    p!("Task", "status", Token, ["status"], "Search by task status"),
    p!("Task", "subject", Reference, ["for"], "Search by subject"),
];

/// All definitions, for the CapabilityStatement and the query parser.
pub fn all() -> &'static [SearchParamDef] {
    DEFS
}

/// The definitions for one resource type (empty for an unknown type).
pub fn params_for(resource_type: &str) -> impl Iterator<Item = &'static SearchParamDef> + use<> {
    let start = DEFS.partition_point(|d| d.resource < resource_type);
    let end = DEFS.partition_point(|d| d.resource <= resource_type);
    DEFS.get(start..end).unwrap_or_default().iter()
}

/// The index name of `meta.security` labels (extracted for every resource type).
pub const SECURITY_PARAM: &str = "_security";

/// `_security` (a token on `meta.security`), searchable on every type. Searching by a label
/// reveals nothing hidden: the policy's own label filters apply in the same query.
pub static SECURITY_DEF: SearchParamDef = SearchParamDef {
    resource: "Resource",
    name: SECURITY_PARAM,
    kind: ParamType::Token,
    paths: &["meta.security"],
    targets: &[],
    description: "Security labels applied to this resource",
};

/// The definition of `name` on `resource_type`, if supported.
pub fn lookup(resource_type: &str, name: &str) -> Option<&'static SearchParamDef> {
    DEFS.binary_search_by(|d| (d.resource, d.name).cmp(&(resource_type, name)))
        .ok()
        .and_then(|i| DEFS.get(i))
}

// ---------------------------------------------------------------------------------------------
// Extracted index values
// ---------------------------------------------------------------------------------------------

/// A string parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StringIdx {
    pub param: &'static str,
    /// [`normalize_string`] of `exact`.
    pub norm: String,
    /// The value as found in the resource.
    pub exact: String,
}

/// A token parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenIdx {
    pub param: &'static str,
    pub system: Option<String>,
    pub code: String,
}

/// A reference parameter value (always a resolved `Type/id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RefIdx {
    pub param: &'static str,
    pub target_type: String,
    pub target_id: String,
}

/// A date parameter value: inclusive range in microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateIdx {
    pub param: &'static str,
    pub lo: i64,
    pub hi: i64,
}

/// Everything indexed for one resource version.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    pub strings: Vec<StringIdx>,
    pub tokens: Vec<TokenIdx>,
    /// Only relative `Type/id` references (absolute URLs ending in `Type/id` and `_history`
    /// suffixes are reduced to that); contained (`#x`) and `urn:` references are skipped.
    pub references: Vec<RefIdx>,
    pub dates: Vec<DateIdx>,
    /// The id of the Patient whose compartment this resource belongs to (Patient itself -> its own id), if any.
    pub compartment: Option<String>,
}

/// Extract the index values of every supported search parameter of `resource_type` from
/// `resource`, plus the Patient compartment.
///
/// Rules by the data type found at a parameter's path:
/// - string: a JSON string; HumanName (family, given, prefix, suffix, text); Address (line,
///   city, district, state, postalCode, country, text).
/// - token: Identifier (system, value); CodeableConcept (each coding); Coding (system, code);
///   code/string (no system); boolean ("true"/"false"); ContactPoint (no system, value).
///   Entries without a code are skipped.
/// - reference: `Reference.reference` as `Type/id` (see [`Extracted::references`]), filtered by
///   the definition's targets.
/// - date: date/dateTime/instant; Period (open ends are unbounded); Timing (each event).
///
/// Errors only for an unparsable date in a date parameter.
pub fn extract(resource_type: &str, resource: &Value) -> Result<Extracted, Issue> {
    let mut out = Extracted::default();
    let mut hits = Vec::new();
    for def in params_for(resource_type) {
        for path in def.paths {
            hits.clear();
            navigate(resource, resource_type, path, &mut hits);
            for hit in &hits {
                if !choice_fits(def.kind, hit.choice) {
                    continue;
                }
                match def.kind {
                    ParamType::String => extract_strings(def, hit.value, &mut out.strings),
                    ParamType::Token => extract_tokens(def, hit, &mut out.tokens),
                    ParamType::Reference => extract_reference(def, hit.value, &mut out.references),
                    ParamType::Date => extract_dates(def, hit, &mut out.dates)?,
                }
            }
        }
    }
    // Security labels (meta.security) are indexed for every type, so authorization can hide
    // labelled resources at query time (sensitive categories, DOMAIN.md PRX-03/PRX-06).
    if let Some(labels) = resource.pointer("/meta/security").and_then(Value::as_array) {
        for l in labels {
            if let Some(code) = l
                .get("code")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
            {
                out.tokens.push(TokenIdx {
                    param: SECURITY_PARAM,
                    system: l.get("system").and_then(Value::as_str).map(str::to_owned),
                    code: code.to_owned(),
                });
            }
        }
    }
    dedup(&mut out.strings);
    dedup(&mut out.tokens);
    dedup(&mut out.references);
    dedup(&mut out.dates);
    out.compartment = patient_compartment(resource_type, resource);
    Ok(out)
}

/// Remove exact duplicates, keeping the first occurrence.
fn dedup<T: Clone + Eq + Hash>(v: &mut Vec<T>) {
    let mut seen = HashSet::with_capacity(v.len());
    v.retain(|x| seen.insert(x.clone()));
}

/// One value found at a path.
struct Hit<'a> {
    /// FHIR-style location, e.g. `Observation.effectivePeriod.start` or `Patient.name[1].given[0]`.
    path: String,
    value: &'a Value,
    /// The JSON key the value was found under (e.g. "telecom", "effectiveDateTime").
    key: &'a str,
    /// For a choice element, the type suffix of the variant present (e.g. "DateTime").
    choice: Option<&'a str>,
}

/// Collect every value at dotted `path` below `root`, traversing arrays transparently.
fn navigate<'a>(root: &'a Value, root_name: &str, path: &str, out: &mut Vec<Hit<'a>>) {
    let segs: Vec<&str> = path.split('.').collect();
    walk(root, &segs, root_name.to_owned(), "", None, out);
}

fn walk<'a>(
    v: &'a Value,
    segs: &[&str],
    here: String,
    key: &'a str,
    choice: Option<&'a str>,
    out: &mut Vec<Hit<'a>>,
) {
    if let Value::Array(items) = v {
        for (i, item) in items.iter().enumerate() {
            walk(item, segs, format!("{here}[{i}]"), key, choice, out);
        }
        return;
    }
    let Some((seg, rest)) = segs.split_first() else {
        out.push(Hit {
            path: here,
            value: v,
            key,
            choice,
        });
        return;
    };
    let Value::Object(obj) = v else {
        return;
    };
    if let Some(prefix) = seg.strip_suffix("[x]") {
        for (k, child) in obj {
            if let Some(suffix) = k.strip_prefix(prefix)
                && suffix.starts_with(|c: char| c.is_ascii_uppercase())
            {
                walk(child, rest, format!("{here}.{k}"), k, Some(suffix), out);
            }
        }
    } else if let Some((k, child)) = obj.get_key_value(*seg) {
        walk(child, rest, format!("{here}.{k}"), k, None, out);
    }
}

/// Whether a choice variant's type can carry values for a parameter of `kind`.
fn choice_fits(kind: ParamType, choice: Option<&str>) -> bool {
    let Some(t) = choice else {
        return true;
    };
    let ok: &[&str] = match kind {
        ParamType::String => &["String", "Markdown", "HumanName", "Address"],
        ParamType::Token => &["CodeableConcept", "Coding", "Code", "Boolean", "Identifier"],
        ParamType::Reference => &["Reference"],
        ParamType::Date => &["Date", "DateTime", "Instant", "Period", "Timing"],
    };
    ok.contains(&t)
}

// --- string ---

/// HumanName and Address parts, in the order they are indexed.
const STRING_PARTS: &[&str] = &[
    "family",
    "given",
    "prefix",
    "suffix",
    "line",
    "city",
    "district",
    "state",
    "postalCode",
    "country",
    "text",
];

fn extract_strings(def: &'static SearchParamDef, v: &Value, out: &mut Vec<StringIdx>) {
    match v {
        Value::String(s) => push_string(def, s, out),
        Value::Object(obj) => {
            for part in STRING_PARTS {
                match obj.get(*part) {
                    Some(Value::String(s)) => push_string(def, s, out),
                    Some(Value::Array(items)) => {
                        for s in items.iter().filter_map(Value::as_str) {
                            push_string(def, s, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// The longest string value indexed, in characters. Longer values are indexed by their first
/// characters (string search matches on prefixes and words; nobody searches the 10,001st
/// character of a family name), so one oversize element cannot make every index row huge.
pub const MAX_INDEX_STRING: usize = 256;

/// `s` cut to at most [`MAX_INDEX_STRING`] characters.
pub fn index_prefix(s: &str) -> &str {
    match s.char_indices().nth(MAX_INDEX_STRING) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn push_string(def: &'static SearchParamDef, s: &str, out: &mut Vec<StringIdx>) {
    let s = index_prefix(s);
    let norm = normalize_string(s);
    if norm.is_empty() {
        return;
    }
    out.push(StringIdx {
        param: def.name,
        norm,
        exact: s.to_owned(),
    });
}

// --- token ---

/// `ContactPoint.system` codes; an Identifier's system is a URI and never one of these.
const CONTACT_POINT_SYSTEMS: &[&str] = &["phone", "fax", "email", "pager", "url", "sms", "other"];

fn extract_tokens(def: &'static SearchParamDef, hit: &Hit<'_>, out: &mut Vec<TokenIdx>) {
    match hit.value {
        Value::String(s) => push_token(def, None, s, out),
        Value::Bool(b) => push_token(def, None, if *b { "true" } else { "false" }, out),
        Value::Object(obj) => {
            if let Some(codings) = obj.get("coding") {
                // CodeableConcept
                let codings = match codings {
                    Value::Array(a) => a.as_slice(),
                    other => std::slice::from_ref(other),
                };
                for coding in codings.iter().filter_map(Value::as_object) {
                    push_coding(def, coding, out);
                }
            } else if let Some(Value::String(value)) = obj.get("value") {
                let system = str_field(obj, "system");
                let contact_point = hit.key == "telecom"
                    || hit.choice == Some("ContactPoint")
                    || system.is_some_and(|s| CONTACT_POINT_SYSTEMS.contains(&s));
                let system = if contact_point { None } else { system };
                push_token(def, system, value, out);
            } else if obj.contains_key("code") {
                push_coding(def, obj, out);
            }
        }
        _ => {}
    }
}

fn push_coding(def: &'static SearchParamDef, coding: &Map<String, Value>, out: &mut Vec<TokenIdx>) {
    if let Some(code) = str_field(coding, "code") {
        push_token(def, str_field(coding, "system"), code, out);
    }
}

fn push_token(
    def: &'static SearchParamDef,
    system: Option<&str>,
    code: &str,
    out: &mut Vec<TokenIdx>,
) {
    if code.is_empty() {
        return;
    }
    out.push(TokenIdx {
        param: def.name,
        system: system.filter(|s| !s.is_empty()).map(str::to_owned),
        code: code.to_owned(),
    });
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

// --- reference ---

fn extract_reference(def: &'static SearchParamDef, v: &Value, out: &mut Vec<RefIdx>) {
    let Some(reference) = v.get("reference").and_then(Value::as_str) else {
        return;
    };
    let Some((target_type, target_id)) = parse_reference(reference) else {
        return;
    };
    if !def.targets.is_empty() && !def.targets.contains(&target_type) {
        return;
    }
    out.push(RefIdx {
        param: def.name,
        target_type: target_type.to_owned(),
        target_id: target_id.to_owned(),
    });
}

/// `Type/id`, `Type/id/_history/n`, or an absolute URL ending in one of those → (Type, id).
/// Contained (`#x`), `urn:` and conditional (`Type?query`) references give None.
fn parse_reference(reference: &str) -> Option<(&str, &str)> {
    if reference.starts_with('#') || reference.starts_with("urn:") || reference.contains('?') {
        return None;
    }
    let absolute = reference.contains("://");
    let mut segs: Vec<&str> = reference.split('/').collect();
    if segs.len() >= 4 && segs.get(segs.len() - 2) == Some(&"_history") {
        segs.truncate(segs.len() - 2);
    }
    if !absolute && segs.len() != 2 {
        return None;
    }
    let [.., ty, id] = segs.as_slice() else {
        return None;
    };
    let type_ok = ty.starts_with(|c: char| c.is_ascii_uppercase())
        && ty.chars().all(|c| c.is_ascii_alphanumeric());
    let id_ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    (type_ok && id_ok).then_some((*ty, *id))
}

// --- date ---

fn extract_dates(
    def: &'static SearchParamDef,
    hit: &Hit<'_>,
    out: &mut Vec<DateIdx>,
) -> Result<(), Issue> {
    match hit.value {
        Value::String(s) => {
            let (lo, hi) = parse_date_at(def, s, &hit.path)?;
            out.push(DateIdx {
                param: def.name,
                lo,
                hi,
            });
        }
        Value::Object(obj) => {
            let timing = match hit.choice {
                Some("Timing") => true,
                Some("Period") => false,
                _ => obj.contains_key("event"),
            };
            if timing {
                let events = match obj.get("event") {
                    Some(Value::Array(a)) => a.as_slice(),
                    Some(other) => std::slice::from_ref(other),
                    None => &[],
                };
                for (i, e) in events.iter().enumerate() {
                    if let Some(s) = e.as_str() {
                        let (lo, hi) = parse_date_at(def, s, &format!("{}.event[{i}]", hit.path))?;
                        out.push(DateIdx {
                            param: def.name,
                            lo,
                            hi,
                        });
                    }
                }
            } else {
                let start = str_field(obj, "start");
                let end = str_field(obj, "end");
                if start.is_none() && end.is_none() {
                    return Ok(());
                }
                let lo = match start {
                    Some(s) => parse_date_at(def, s, &format!("{}.start", hit.path))?.0,
                    None => i64::MIN,
                };
                let hi = match end {
                    Some(s) => parse_date_at(def, s, &format!("{}.end", hit.path))?.1,
                    None => i64::MAX,
                };
                out.push(DateIdx {
                    param: def.name,
                    lo,
                    hi,
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn parse_date_at(def: &SearchParamDef, s: &str, path: &str) -> Result<(i64, i64), Issue> {
    date_range(s).ok_or_else(|| {
        Issue::error(
            IssueCode::Value,
            format!(
                "Invalid date/time '{s}' for search parameter '{}'",
                def.name
            ),
        )
        .at(path)
    })
}

// --- compartment ---

/// Paths (from the resource root) of references that may point to the Patient whose
/// compartment a resource belongs to, in priority order.
fn compartment_paths(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "Account" => &["subject"],
        "AllergyIntolerance" => &["patient", "recorder", "asserter"],
        "Appointment" => &["participant.actor"],
        "Communication" => &["subject", "sender", "recipient"],
        "Condition" => &["subject", "asserter"],
        "Consent" => &["patient"],
        "Coverage" => &["beneficiary", "subscriber", "policyHolder", "payor"],
        "DiagnosticReport" => &["subject"],
        "DocumentReference" => &["subject", "author"],
        "Encounter" => &["subject"],
        "ExplanationOfBenefit" => &["patient", "payee.party"],
        "Immunization" => &["patient"],
        "Invoice" => &["subject", "recipient"],
        "MedicationDispense" => &["subject", "receiver"],
        "MedicationRequest" => &["subject"],
        "MedicationStatement" => &["subject"],
        "Observation" => &["subject", "performer"],
        "Person" => &["link.target"],
        "Procedure" => &["subject", "performer.actor"],
        "RelatedPerson" => &["patient"],
        "Schedule" => &["actor"],
        "Task" => &["for"],
        _ => &[],
    }
}

/// Whether a resource that matches reference parameter `param` on `target_type/<id>` belongs to
/// patient `<id>`'s compartment: the parameter reads the first path the compartment is taken
/// from, that element holds at most one reference, and the target is a Patient. A search can
/// then walk that one patient's index rows instead of every match's.
pub fn compartment_follows(resource_type: &str, param: &str, target_type: Option<&str>) -> bool {
    // Their first compartment path repeats (0..*): a match on the second reference is in the
    // compartment of the first.
    const REPEATS: &[&str] = &["Account", "Appointment", "Person", "Schedule"];
    let Some(def) = lookup(resource_type, param) else {
        return false;
    };
    let to_patient = match target_type {
        Some(t) => t == "Patient",
        None => def.targets == ["Patient"],
    };
    def.kind == ParamType::Reference
        && to_patient
        && !REPEATS.contains(&resource_type)
        && def.paths.len() == 1
        && def.paths.first() == compartment_paths(resource_type).first()
}

fn patient_compartment(resource_type: &str, resource: &Value) -> Option<String> {
    if resource_type == "Patient" {
        return resource
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    let mut hits = Vec::new();
    for path in compartment_paths(resource_type) {
        hits.clear();
        navigate(resource, resource_type, path, &mut hits);
        for hit in &hits {
            if let Some(reference) = hit.value.get("reference").and_then(Value::as_str)
                && let Some(("Patient", id)) = parse_reference(reference)
            {
                return Some(id.to_owned());
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Normalisation and date parsing
// ---------------------------------------------------------------------------------------------

/// Lower-case, accent-stripped (NFD then drop combining marks), whitespace-collapsed form used for string search.
pub fn normalize_string(s: &str) -> String {
    let lowered = s.to_lowercase();
    let stripped: String = lowered.nfd().filter(|c| !is_combining_mark(*c)).collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// Parse a FHIR date/dateTime/instant (possibly partial: "2020", "2020-05", "2020-05-17", "2020-05-17T10:00:00Z", with fractional seconds and offsets) into an inclusive [lo, hi] range in microseconds UTC. A value without timezone is taken as UTC. "2020" -> [2020-01-01T00:00:00Z, 2020-12-31T23:59:59.999999Z]. Minutes-precision "2020-05-17T10:00Z"/"T10:00+01:00" also accepted (search parameter values use it). Returns None for anything invalid (e.g. month 13, Feb 30).
pub fn date_range(s: &str) -> Option<(i64, i64)> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    if year < 1 {
        return None;
    }
    if c.done() {
        let lo = days_from_civil(year, 1, 1) * MICROS_PER_DAY;
        let hi = days_from_civil(year + 1, 1, 1) * MICROS_PER_DAY - 1;
        return Some((lo, hi));
    }
    c.expect(b'-')?;
    let month = c.digits(2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let month_days = days_in_month(year, month);
    if c.done() {
        let lo = days_from_civil(year, month, 1) * MICROS_PER_DAY;
        return Some((lo, lo + month_days * MICROS_PER_DAY - 1));
    }
    c.expect(b'-')?;
    let day = c.digits(2)?;
    if !(1..=month_days).contains(&day) {
        return None;
    }
    let day_start = days_from_civil(year, month, day) * MICROS_PER_DAY;
    if c.done() {
        return Some((day_start, day_start + MICROS_PER_DAY - 1));
    }
    c.expect(b'T')?;
    let hour = c.digits(2)?;
    c.expect(b':')?;
    let minute = c.digits(2)?;
    if hour > 23 || minute > 59 {
        return None;
    }
    let (second, micros, span) = if c.eat(b':') {
        let second = c.digits(2)?;
        if second > 60 {
            return None;
        }
        // A leap second is folded into the second before it.
        let second = second.min(59);
        if c.eat(b'.') {
            let (micros, n) = c.fraction()?;
            let span = if n >= 6 { 1 } else { 10_i64.pow(6 - n) };
            (second, micros, span)
        } else {
            (second, 0, MICROS_PER_SECOND)
        }
    } else {
        (0, 0, MICROS_PER_MINUTE)
    };
    let offset = match c.peek() {
        None => 0,
        Some(b'Z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.expect(b':')?;
            let om = c.digits(2)?;
            if oh > 14 || om > 59 {
                return None;
            }
            let off = oh * MICROS_PER_HOUR + om * MICROS_PER_MINUTE;
            if sign == b'-' { -off } else { off }
        }
        Some(_) => return None,
    };
    if !c.done() {
        return None;
    }
    let lo = day_start
        + hour * MICROS_PER_HOUR
        + minute * MICROS_PER_MINUTE
        + second * MICROS_PER_SECOND
        + micros
        - offset;
    Some((lo, lo + span - 1))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, ch: u8) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, ch: u8) -> Option<()> {
        self.eat(ch).then_some(())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0_i64;
        for _ in 0..n {
            let d = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + i64::from(d - b'0');
            self.i += 1;
        }
        Some(v)
    }

    /// One or more fraction digits → (microseconds, digits used up to 6).
    fn fraction(&mut self) -> Option<(i64, u32)> {
        let mut micros = 0_i64;
        let mut n = 0_u32;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if n < 6 {
                micros = micros * 10 + i64::from(d - b'0');
                n += 1;
            }
            self.i += 1;
        }
        if n == 0 {
            return None;
        }
        Some((micros * 10_i64.pow(6 - n), n))
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_microsecond()
    }

    fn strings(x: &Extracted, param: &str) -> Vec<String> {
        x.strings
            .iter()
            .filter(|s| s.param == param)
            .map(|s| s.exact.clone())
            .collect()
    }

    fn norms(x: &Extracted, param: &str) -> Vec<String> {
        x.strings
            .iter()
            .filter(|s| s.param == param)
            .map(|s| s.norm.clone())
            .collect()
    }

    fn tokens(x: &Extracted, param: &str) -> Vec<(Option<String>, String)> {
        x.tokens
            .iter()
            .filter(|t| t.param == param)
            .map(|t| (t.system.clone(), t.code.clone()))
            .collect()
    }

    fn refs(x: &Extracted, param: &str) -> Vec<(String, String)> {
        x.references
            .iter()
            .filter(|r| r.param == param)
            .map(|r| (r.target_type.clone(), r.target_id.clone()))
            .collect()
    }

    fn dates(x: &Extracted, param: &str) -> Vec<(i64, i64)> {
        x.dates
            .iter()
            .filter(|d| d.param == param)
            .map(|d| (d.lo, d.hi))
            .collect()
    }

    fn tok(system: Option<&str>, code: &str) -> (Option<String>, String) {
        (system.map(str::to_owned), code.to_owned())
    }

    fn r(t: &str, id: &str) -> (String, String) {
        (t.to_owned(), id.to_owned())
    }

    // --- registry ---

    #[test]
    fn table_is_sorted_unique_and_sane() {
        for w in DEFS.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(
                (a.resource, a.name) < (b.resource, b.name),
                "out of order: {}.{} / {}.{}",
                a.resource,
                a.name,
                b.resource,
                b.name
            );
        }
        for d in DEFS {
            assert!(!d.paths.is_empty(), "{}.{}", d.resource, d.name);
            assert!(!d.description.is_empty());
            assert!(!d.name.starts_with('_'), "{}", d.name);
            if d.kind != ParamType::Reference {
                assert!(d.targets.is_empty(), "{}.{}", d.resource, d.name);
            }
            for p in d.paths {
                assert!(!p.is_empty() && !p.starts_with('.') && !p.ends_with('.'));
            }
        }
    }

    #[test]
    fn lookup_and_params_for() {
        let d = lookup("Patient", "birthdate").unwrap();
        assert_eq!(d.kind, ParamType::Date);
        assert_eq!(d.paths, &["birthDate"]);
        assert_eq!(
            lookup("Observation", "patient").unwrap().targets,
            &["Patient"]
        );
        assert!(lookup("Patient", "_id").is_none());
        assert!(lookup("Patient", "_lastUpdated").is_none());
        assert!(lookup("Patient", "nope").is_none());
        assert!(lookup("Nope", "name").is_none());
        for d in DEFS {
            assert!(std::ptr::eq(lookup(d.resource, d.name).unwrap(), d));
        }
        let names: Vec<_> = params_for("Person").map(|d| d.name).collect();
        assert_eq!(names, ["identifier", "name"]);
        assert!(params_for("Practitioner").all(|d| d.resource == "Practitioner"));
        assert_eq!(params_for("Practitioner").count(), 7);
        assert_eq!(params_for("PractitionerRole").count(), 7);
        assert_eq!(params_for("Nope").count(), 0);
        assert_eq!(params_for("").count(), 0);
        let total: usize = [
            "Account",
            "AllergyIntolerance",
            "Appointment",
            "Communication",
            "Condition",
            "Consent",
            "Coverage",
            "DiagnosticReport",
            "DocumentReference",
            "Encounter",
            "ExplanationOfBenefit",
            "HealthcareService",
            "Immunization",
            "InsurancePlan",
            "Invoice",
            "Location",
            "MedicationDispense",
            "MedicationKnowledge",
            "MedicationRequest",
            "MedicationStatement",
            "Observation",
            "Organization",
            "Patient",
            "Person",
            "Practitioner",
            "PractitionerRole",
            "Procedure",
            "Provenance",
            "RelatedPerson",
            "Schedule",
            "Slot",
            "Task",
        ]
        .iter()
        .map(|t| params_for(t).count())
        .sum();
        assert_eq!(total, all().len());
        assert_eq!(ParamType::Reference.as_str(), "reference");
    }

    // --- normalize_string ---

    /// Issue 12, finding 11: a 10 MB family name is indexed by its first 256 characters.
    #[test]
    fn oversize_strings_are_indexed_by_a_prefix() {
        let big = "é".repeat(5_000_000);
        assert_eq!(index_prefix(&big).chars().count(), MAX_INDEX_STRING);
        assert_eq!(index_prefix("short"), "short");
        let v = serde_json::json!({"resourceType": "Patient", "name": [{"family": big}]});
        let x = extract("Patient", &v).unwrap();
        assert!(!x.strings.is_empty());
        assert!(
            x.strings
                .iter()
                .all(|s| s.exact.chars().count() <= MAX_INDEX_STRING
                    && s.norm.chars().count() <= MAX_INDEX_STRING)
        );
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_string("Ágústa  Ö"), "agusta o");
        assert_eq!(
            normalize_string("  Müller\t-Lüdenscheidt\n "),
            "muller -ludenscheidt"
        );
        assert_eq!(normalize_string("ÉLODIE"), "elodie");
        assert_eq!(normalize_string("Çağrı"), "cagrı");
        assert_eq!(normalize_string("İstanbul"), "istanbul");
        assert_eq!(normalize_string("Ærø"), "ærø");
        assert_eq!(normalize_string("   "), "");
        assert_eq!(normalize_string(""), "");
    }

    // --- date_range ---

    #[test]
    fn date_precisions() {
        assert_eq!(
            date_range("2020"),
            Some((
                ts("2020-01-01T00:00:00Z"),
                ts("2020-12-31T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-02"),
            Some((
                ts("2020-02-01T00:00:00Z"),
                ts("2020-02-29T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2021-02"),
            Some((
                ts("2021-02-01T00:00:00Z"),
                ts("2021-02-28T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-12"),
            Some((
                ts("2020-12-01T00:00:00Z"),
                ts("2020-12-31T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17"),
            Some((
                ts("2020-05-17T00:00:00Z"),
                ts("2020-05-17T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00:00Z"),
            Some((
                ts("2020-05-17T10:00:00Z"),
                ts("2020-05-17T10:00:00.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00Z"),
            Some((
                ts("2020-05-17T10:00:00Z"),
                ts("2020-05-17T10:00:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00:30.5Z"),
            Some((
                ts("2020-05-17T10:00:30.5Z"),
                ts("2020-05-17T10:00:30.599999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00:30.123Z"),
            Some((
                ts("2020-05-17T10:00:30.123Z"),
                ts("2020-05-17T10:00:30.123999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00:30.123456789Z"),
            Some((
                ts("2020-05-17T10:00:30.123456Z"),
                ts("2020-05-17T10:00:30.123456Z")
            ))
        );
        assert_eq!(date_range("1970-01-01T00:00:00Z"), Some((0, 999_999)));
        assert_eq!(date_range("1969-12-31"), Some((-86_400_000_000, -1)));
        assert_eq!(
            date_range("0001"),
            Some((
                ts("0001-01-01T00:00:00Z"),
                ts("0001-12-31T23:59:59.999999Z")
            ))
        );
        assert_eq!(
            // Beyond jiff's Timestamp range, so checked by hand.
            date_range("9999-12-31"),
            Some((253_402_214_400_000_000, 253_402_300_799_999_999))
        );
    }

    #[test]
    fn date_timezones() {
        // No timezone: taken as UTC.
        assert_eq!(
            date_range("2020-05-17T10:00:00"),
            date_range("2020-05-17T10:00:00Z")
        );
        assert_eq!(
            date_range("2020-05-17T10:00:00+02:00").unwrap().0,
            ts("2020-05-17T08:00:00Z")
        );
        assert_eq!(
            date_range("2020-05-17T10:00+01:00"),
            Some((
                ts("2020-05-17T09:00:00Z"),
                ts("2020-05-17T09:00:59.999999Z")
            ))
        );
        assert_eq!(
            date_range("2020-12-31T23:30:00-05:30").unwrap().0,
            ts("2021-01-01T05:00:00Z")
        );
        assert_eq!(
            date_range("2020-01-01T00:15:00.25+14:00"),
            Some((
                ts("2019-12-31T10:15:00.25Z"),
                ts("2019-12-31T10:15:00.259999Z")
            ))
        );
        assert_eq!(
            date_range("2020-05-17T10:00:00-00:00"),
            date_range("2020-05-17T10:00:00Z")
        );
        for s in [
            "2020-05-17T10:00:00Z",
            "2020-05-17T10:00:00.000001+05:45",
            "1999-12-31T23:59:59.999999-11:00",
            "2016-02-29T12:34:56.789+09:30",
        ] {
            assert_eq!(date_range(s).unwrap().0, ts(s), "{s}");
        }
        // Leap second folds into :59.
        assert_eq!(
            date_range("2016-12-31T23:59:60Z"),
            Some((
                ts("2016-12-31T23:59:59Z"),
                ts("2016-12-31T23:59:59.999999Z")
            ))
        );
    }

    #[test]
    fn date_validity() {
        assert!(date_range("2020-02-29").is_some());
        assert!(date_range("2000-02-29").is_some());
        assert!(date_range("2021-02-29").is_none());
        assert!(date_range("1900-02-29").is_none());
        assert!(date_range("2020-02-30").is_none());
        assert!(date_range("2020-04-31").is_none());
        for bad in [
            "",
            "20",
            "202",
            "20201",
            "0000",
            "abcd",
            "2020-13",
            "2020-00",
            "2020-1",
            "2020-01-1",
            "2020-01-00",
            "2020-01-32",
            "2020/01/01",
            "2020-05-17T",
            "2020-05-17T10",
            "2020-05-17T10:0",
            "2020-05-17T24:00Z",
            "2020-05-17T10:60Z",
            "2020-05-17T10:00:61Z",
            "2020-05-17T10:00:00.Z",
            "2020-05-17T10:00:00+15:00",
            "2020-05-17T10:00:00+01",
            "2020-05-17T10:00:00+0100",
            "2020-05-17T10:00:00ZZ",
            "2020-05-17T10:00:00 ",
            " 2020",
            "2020-05-17 10:00:00",
            "2020-05-17t10:00:00z",
            "-2020",
            "２０２０",
        ] {
            assert_eq!(date_range(bad), None, "{bad:?}");
        }
    }

    // --- extraction by data type ---

    #[test]
    fn patient_extraction() {
        let p = json!({
            "resourceType": "Patient",
            "id": "p1",
            "active": true,
            "identifier": [
                {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"},
                {"value": "no-system"},
                {"system": "http://x", "type": {"text": "no value"}}
            ],
            "name": [
                {"use": "official", "family": "Ágústsdóttir", "given": ["Anna", "María"],
                 "prefix": ["Dr."], "suffix": ["PhD"], "text": "Dr. Anna María Ágústsdóttir PhD"},
                {"given": ["Anna"]}
            ],
            "telecom": [
                {"system": "phone", "value": "+354 555 1234", "use": "home"},
                {"system": "email", "value": "anna@example.org"},
                {"system": "phone"}
            ],
            "gender": "female",
            "birthDate": "1980-02-29",
            "address": [{"line": ["Laugavegur 1", "Apt 2"], "city": "Reykjavík", "district": "Miðborg",
                         "state": "Höfuðborgarsvæðið", "postalCode": "101", "country": "IS",
                         "text": "Laugavegur 1, 101 Reykjavík"}],
            "generalPractitioner": [
                {"reference": "Practitioner/pr1"},
                {"reference": "Organization/o1"},
                {"reference": "Patient/p2"}
            ]
        });
        let x = extract("Patient", &p).unwrap();
        assert_eq!(
            tokens(&x, "identifier"),
            [
                tok(Some("urn:oid:1.2.36.146.595.217.0.1"), "12345"),
                tok(None, "no-system")
            ]
        );
        assert_eq!(tokens(&x, "active"), [tok(None, "true")]);
        assert_eq!(tokens(&x, "gender"), [tok(None, "female")]);
        assert_eq!(
            tokens(&x, "telecom"),
            [tok(None, "+354 555 1234"), tok(None, "anna@example.org")]
        );
        assert_eq!(
            strings(&x, "name"),
            [
                "Ágústsdóttir",
                "Anna",
                "María",
                "Dr.",
                "PhD",
                "Dr. Anna María Ágústsdóttir PhD"
            ]
        );
        assert_eq!(norms(&x, "family"), ["agustsdottir"]);
        assert_eq!(strings(&x, "given"), ["Anna", "María"]);
        assert_eq!(norms(&x, "given"), ["anna", "maria"]);
        assert_eq!(strings(&x, "address-city"), ["Reykjavík"]);
        assert_eq!(norms(&x, "address-city"), ["reykjavik"]);
        assert_eq!(strings(&x, "address-postalcode"), ["101"]);
        assert_eq!(
            strings(&x, "address"),
            [
                "Laugavegur 1",
                "Apt 2",
                "Reykjavík",
                "Miðborg",
                "Höfuðborgarsvæðið",
                "101",
                "IS",
                "Laugavegur 1, 101 Reykjavík"
            ]
        );
        assert_eq!(
            dates(&x, "birthdate"),
            [(
                ts("1980-02-29T00:00:00Z"),
                ts("1980-02-29T23:59:59.999999Z")
            )]
        );
        assert_eq!(
            refs(&x, "general-practitioner"),
            [r("Practitioner", "pr1"), r("Organization", "o1")]
        );
        assert_eq!(x.compartment.as_deref(), Some("p1"));
    }

    #[test]
    fn compartment_follows_the_first_single_reference_to_a_patient() {
        for (res, param, target, follows) in [
            ("Observation", "subject", Some("Patient"), true),
            ("Observation", "patient", None, true),
            ("Observation", "subject", None, false), // could be Group/<id>
            ("Observation", "subject", Some("Group"), false),
            ("Observation", "performer", Some("Patient"), false), // second path
            ("Condition", "patient", None, true),
            ("Immunization", "patient", None, true),
            ("Appointment", "patient", None, false), // participant.actor repeats
            ("Schedule", "actor", Some("Patient"), false),
            ("Observation", "code", None, false),
            ("Observation", "nonsense", Some("Patient"), false),
        ] {
            assert_eq!(
                compartment_follows(res, param, target),
                follows,
                "{res}.{param} -> {target:?}"
            );
        }
        // And what it promises holds for what is extracted: subject=Patient/p7 puts the
        // Observation in p7's compartment even when a performer is another patient.
        let o = json!({"resourceType": "Observation", "id": "o1", "status": "final",
            "code": {"text": "x"}, "performer": [{"reference": "Patient/p8"}],
            "subject": {"reference": "Patient/p7"}});
        let x = extract("Observation", &o).unwrap();
        assert_eq!(refs(&x, "subject"), [r("Patient", "p7")]);
        assert_eq!(x.compartment.as_deref(), Some("p7"));
    }

    #[test]
    fn boolean_false_and_organization_alias() {
        let o = json!({
            "resourceType": "Organization", "id": "o1", "active": false,
            "name": "Landspítali", "alias": ["LSH", "National University Hospital"],
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}],
            "partOf": {"reference": "Organization/o0"}
        });
        let x = extract("Organization", &o).unwrap();
        assert_eq!(tokens(&x, "active"), [tok(None, "false")]);
        assert_eq!(
            strings(&x, "name"),
            ["Landspítali", "LSH", "National University Hospital"]
        );
        assert_eq!(
            tokens(&x, "type"),
            [tok(
                Some("http://terminology.hl7.org/CodeSystem/organization-type"),
                "prov"
            )]
        );
        assert_eq!(refs(&x, "partof"), [r("Organization", "o0")]);
        assert_eq!(x.compartment, None);
    }

    #[test]
    fn codeable_concepts_and_codings() {
        let o = json!({
            "resourceType": "Observation", "id": "o1", "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
            "code": {"coding": [
                {"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"},
                {"code": "HR"},
                {"system": "http://example.org", "display": "no code"},
                {"system": "http://example.org", "code": ""}
            ], "text": "Heart rate"},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": "2020-05-17T10:00:00+02:00",
            "valueString": "2020-05-17"
        });
        let x = extract("Observation", &o).unwrap();
        assert_eq!(tokens(&x, "status"), [tok(None, "final")]);
        assert_eq!(
            tokens(&x, "category"),
            [tok(
                Some("http://terminology.hl7.org/CodeSystem/observation-category"),
                "vital-signs"
            )]
        );
        assert_eq!(
            tokens(&x, "code"),
            [tok(Some("http://loinc.org"), "8867-4"), tok(None, "HR")]
        );
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-17T08:00:00Z"),
                ts("2020-05-17T08:00:00.999999Z")
            )]
        );
        assert_eq!(refs(&x, "subject"), [r("Patient", "p1")]);
        assert_eq!(refs(&x, "patient"), [r("Patient", "p1")]);
        assert_eq!(x.compartment.as_deref(), Some("p1"));
        assert!(x.strings.is_empty());
    }

    #[test]
    fn coding_typed_element() {
        let e = json!({
            "resourceType": "Encounter", "id": "e1", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003"}]}],
            "subject": {"reference": "Patient/p1"},
            "participant": [
                {"individual": {"reference": "Practitioner/pr1"}},
                {"individual": {"reference": "RelatedPerson/rp1"}},
                {"type": [{"text": "no individual"}]}
            ],
            "period": {"start": "2020-05-17T10:00:00Z", "end": "2020-05-17T11:00:00Z"},
            "serviceProvider": {"reference": "Organization/o1"}
        });
        let x = extract("Encounter", &e).unwrap();
        assert_eq!(
            tokens(&x, "class"),
            [tok(
                Some("http://terminology.hl7.org/CodeSystem/v3-ActCode"),
                "AMB"
            )]
        );
        assert_eq!(
            tokens(&x, "type"),
            [tok(Some("http://snomed.info/sct"), "185349003")]
        );
        assert_eq!(
            refs(&x, "participant"),
            [r("Practitioner", "pr1"), r("RelatedPerson", "rp1")]
        );
        assert_eq!(refs(&x, "practitioner"), [r("Practitioner", "pr1")]);
        assert_eq!(refs(&x, "service-provider"), [r("Organization", "o1")]);
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-17T10:00:00Z"),
                ts("2020-05-17T11:00:00.999999Z")
            )]
        );
        assert_eq!(x.compartment.as_deref(), Some("p1"));
    }

    #[test]
    fn choice_types_for_dates() {
        let base = json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"}});
        let with = |k: &str, v: Value| {
            let mut o = base.clone();
            o.as_object_mut().unwrap().insert(k.to_owned(), v);
            extract("Observation", &o).unwrap()
        };
        let x = with("effectiveInstant", json!("2020-05-17T10:00:00.123Z"));
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-17T10:00:00.123Z"),
                ts("2020-05-17T10:00:00.123999Z")
            )]
        );
        let x = with(
            "effectivePeriod",
            json!({"start": "2020-05", "end": "2020-06-02"}),
        );
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-01T00:00:00Z"),
                ts("2020-06-02T23:59:59.999999Z")
            )]
        );
        let x = with("effectivePeriod", json!({"start": "2020-05-17"}));
        assert_eq!(dates(&x, "date"), [(ts("2020-05-17T00:00:00Z"), i64::MAX)]);
        let x = with("effectivePeriod", json!({"end": "2020-05-17"}));
        assert_eq!(
            dates(&x, "date"),
            [(i64::MIN, ts("2020-05-17T23:59:59.999999Z"))]
        );
        let x = with("effectivePeriod", json!({}));
        assert!(dates(&x, "date").is_empty());
        let x = with(
            "effectiveTiming",
            json!({"event": ["2020-05-17", "2020-05-18T08:00:00Z"], "repeat": {"frequency": 1}}),
        );
        assert_eq!(
            dates(&x, "date"),
            [
                (
                    ts("2020-05-17T00:00:00Z"),
                    ts("2020-05-17T23:59:59.999999Z")
                ),
                (
                    ts("2020-05-18T08:00:00Z"),
                    ts("2020-05-18T08:00:00.999999Z")
                )
            ]
        );
        // Not a choice variant: "effective" alone, or a lower-case continuation.
        let x = with("effective", json!("2020"));
        assert!(x.dates.is_empty());
        let x = with("effectivedateTime", json!("2020"));
        assert!(x.dates.is_empty());
    }

    #[test]
    fn choice_types_of_other_kinds_are_ignored() {
        let c = json!({
            "resourceType": "Condition", "id": "c1",
            "subject": {"reference": "Patient/p1"},
            "onsetString": "in his childhood",
            "recordedDate": "2020-05-17"
        });
        let x = extract("Condition", &c).unwrap();
        assert!(dates(&x, "onset-date").is_empty());
        assert_eq!(dates(&x, "recorded-date").len(), 1);
        let c = json!({
            "resourceType": "Condition",
            "onsetAge": {"value": 40, "unit": "a"},
            "onsetPeriod": {"start": "2010"}
        });
        let x = extract("Condition", &c).unwrap();
        assert_eq!(
            dates(&x, "onset-date"),
            [(ts("2010-01-01T00:00:00Z"), i64::MAX)]
        );
        assert_eq!(x.compartment, None);
    }

    #[test]
    fn medication_choice_token_and_reference() {
        let m = json!({
            "resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1049502"}]},
            "subject": {"reference": "Patient/p1"},
            "requester": {"reference": "Practitioner/pr1"},
            "authoredOn": "2020-05-17",
            "encounter": {"reference": "Encounter/e1"}
        });
        let x = extract("MedicationRequest", &m).unwrap();
        assert_eq!(
            tokens(&x, "code"),
            [tok(
                Some("http://www.nlm.nih.gov/research/umls/rxnorm"),
                "1049502"
            )]
        );
        assert!(refs(&x, "medication").is_empty());
        assert_eq!(tokens(&x, "intent"), [tok(None, "order")]);
        assert_eq!(refs(&x, "requester"), [r("Practitioner", "pr1")]);
        assert_eq!(refs(&x, "encounter"), [r("Encounter", "e1")]);
        assert_eq!(dates(&x, "authoredon").len(), 1);

        let m = json!({
            "resourceType": "MedicationRequest",
            "medicationReference": {"reference": "Medication/med1"},
            "subject": {"reference": "Group/g1"}
        });
        let x = extract("MedicationRequest", &m).unwrap();
        assert!(tokens(&x, "code").is_empty());
        assert_eq!(refs(&x, "medication"), [r("Medication", "med1")]);
        assert_eq!(refs(&x, "subject"), [r("Group", "g1")]);
        assert!(refs(&x, "patient").is_empty());
        assert_eq!(x.compartment, None);
    }

    #[test]
    fn reference_forms() {
        assert_eq!(parse_reference("Patient/123"), Some(("Patient", "123")));
        assert_eq!(
            parse_reference("Patient/123/_history/4"),
            Some(("Patient", "123"))
        );
        assert_eq!(
            parse_reference("http://example.org/fhir/Patient/a-b.c"),
            Some(("Patient", "a-b.c"))
        );
        assert_eq!(
            parse_reference("https://example.org/fhir/Patient/123/_history/7"),
            Some(("Patient", "123"))
        );
        assert_eq!(parse_reference("#contained1"), None);
        assert_eq!(
            parse_reference("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"),
            None
        );
        assert_eq!(parse_reference("urn:oid:1.2.3"), None);
        assert_eq!(parse_reference("Patient?identifier=x|1"), None);
        assert_eq!(parse_reference("Patient"), None);
        assert_eq!(parse_reference("Patient/"), None);
        assert_eq!(parse_reference("patient/1"), None);
        assert_eq!(parse_reference("Patient/1/extra"), None);
        assert_eq!(parse_reference("a/Patient/1"), None);
        assert_eq!(parse_reference("Patient/has space"), None);
        assert_eq!(
            parse_reference(&format!("Patient/{}", "a".repeat(65))),
            None
        );
        assert_eq!(parse_reference("http://example.org/fhir/"), None);
    }

    #[test]
    fn references_in_extraction() {
        let d = json!({
            "resourceType": "DiagnosticReport", "id": "d1", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
            "subject": {"reference": "http://other.example/fhir/Patient/p9/_history/3"},
            "encounter": {"reference": "Encounter/e1/_history/1"},
            "effectivePeriod": {"start": "2020-05-17T10:00:00Z"},
            "issued": "2020-05-17T12:00:00.000Z",
            "result": [
                {"reference": "Observation/o1"},
                {"reference": "#contained"},
                {"reference": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"},
                {"reference": "Observation/o1"},
                {"reference": "Patient/notanobs"},
                {"identifier": {"value": "logical"}},
                {"display": "display only"}
            ]
        });
        let x = extract("DiagnosticReport", &d).unwrap();
        assert_eq!(refs(&x, "subject"), [r("Patient", "p9")]);
        assert_eq!(refs(&x, "patient"), [r("Patient", "p9")]);
        assert_eq!(refs(&x, "encounter"), [r("Encounter", "e1")]);
        // Duplicate removed, wrong target type filtered, contained/urn skipped.
        assert_eq!(refs(&x, "result"), [r("Observation", "o1")]);
        assert_eq!(dates(&x, "date"), [(ts("2020-05-17T10:00:00Z"), i64::MAX)]);
        assert_eq!(
            dates(&x, "issued"),
            [(
                ts("2020-05-17T12:00:00Z"),
                ts("2020-05-17T12:00:00.000999Z")
            )]
        );
        assert_eq!(x.compartment.as_deref(), Some("p9"));
    }

    #[test]
    fn appointment_targets_and_compartment() {
        let a = json!({
            "resourceType": "Appointment", "id": "a1", "status": "booked",
            "start": "2020-05-17T10:00:00Z", "end": "2020-05-17T10:30:00Z",
            "serviceType": [{"coding": [{"system": "http://example.org/st", "code": "gp"}]}],
            "slot": [{"reference": "Slot/s1"}],
            "participant": [
                {"actor": {"reference": "Practitioner/pr1"}, "status": "accepted"},
                {"actor": {"reference": "Location/l1"}, "status": "accepted"},
                {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
                {"type": [{"text": "interpreter"}], "status": "needs-action"}
            ]
        });
        let x = extract("Appointment", &a).unwrap();
        assert_eq!(
            refs(&x, "actor"),
            [
                r("Practitioner", "pr1"),
                r("Location", "l1"),
                r("Patient", "p1")
            ]
        );
        assert_eq!(refs(&x, "patient"), [r("Patient", "p1")]);
        assert_eq!(refs(&x, "practitioner"), [r("Practitioner", "pr1")]);
        assert_eq!(refs(&x, "location"), [r("Location", "l1")]);
        assert_eq!(refs(&x, "slot"), [r("Slot", "s1")]);
        assert_eq!(
            tokens(&x, "service-type"),
            [tok(Some("http://example.org/st"), "gp")]
        );
        assert_eq!(tokens(&x, "status"), [tok(None, "booked")]);
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-17T10:00:00Z"),
                ts("2020-05-17T10:00:00.999999Z")
            )]
        );
        assert_eq!(x.compartment.as_deref(), Some("p1"));
    }

    #[test]
    fn coverage_compartment_and_targets() {
        let c = json!({
            "resourceType": "Coverage", "id": "c1", "status": "active",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EHCPOL"}]},
            "subscriber": {"reference": "RelatedPerson/rp1"},
            "beneficiary": {"reference": "Patient/p1"},
            "payor": [{"reference": "Organization/ins1"}, {"reference": "Practitioner/x"}]
        });
        let x = extract("Coverage", &c).unwrap();
        assert_eq!(refs(&x, "beneficiary"), [r("Patient", "p1")]);
        assert_eq!(refs(&x, "patient"), [r("Patient", "p1")]);
        assert_eq!(refs(&x, "subscriber"), [r("RelatedPerson", "rp1")]);
        assert_eq!(refs(&x, "payor"), [r("Organization", "ins1")]);
        assert_eq!(x.compartment.as_deref(), Some("p1"));

        // Beneficiary missing: falls back to a Patient subscriber.
        let c = json!({"resourceType": "Coverage", "subscriber": {"reference": "Patient/p2"}});
        assert_eq!(
            extract("Coverage", &c).unwrap().compartment.as_deref(),
            Some("p2")
        );
    }

    #[test]
    fn compartment_other_cases() {
        let p = json!({"resourceType": "Practitioner", "id": "pr1", "name": [{"family": "Jónsson"}],
                       "gender": "male"});
        let x = extract("Practitioner", &p).unwrap();
        assert_eq!(x.compartment, None);
        assert_eq!(strings(&x, "family"), ["Jónsson"]);
        assert_eq!(tokens(&x, "gender"), [tok(None, "male")]);

        // Patient without id (e.g. before the store assigns one).
        let x = extract("Patient", &json!({"resourceType": "Patient"})).unwrap();
        assert_eq!(x, Extracted::default());

        // Observation about a Group: not in any patient compartment via subject; performer may be.
        let o = json!({"resourceType": "Observation", "subject": {"reference": "Group/g1"},
                       "performer": [{"reference": "Practitioner/x"}, {"reference": "Patient/p5"}]});
        assert_eq!(
            extract("Observation", &o).unwrap().compartment.as_deref(),
            Some("p5")
        );

        // Communication: recipient only when subject is absent.
        let c = json!({"resourceType": "Communication", "status": "completed",
                       "recipient": [{"reference": "Practitioner/x"}, {"reference": "Patient/p7"}]});
        assert_eq!(
            extract("Communication", &c).unwrap().compartment.as_deref(),
            Some("p7")
        );
        let c = json!({"resourceType": "Communication", "subject": {"reference": "Patient/p1"},
                       "recipient": [{"reference": "Patient/p7"}]});
        assert_eq!(
            extract("Communication", &c).unwrap().compartment.as_deref(),
            Some("p1")
        );

        // urn:uuid references are resolved by the caller first; unresolved ones are skipped.
        let o = json!({"resourceType": "Observation",
                       "subject": {"reference": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}});
        let x = extract("Observation", &o).unwrap();
        assert_eq!(x.compartment, None);
        assert!(x.references.is_empty());

        // Unknown resource type: nothing indexed.
        let x = extract("Basic", &json!({"subject": {"reference": "Patient/p1"}})).unwrap();
        assert_eq!(x, Extracted::default());
    }

    #[test]
    fn practitioner_role_and_schedule_slot() {
        let pr = json!({
            "resourceType": "PractitionerRole", "active": true,
            "practitioner": {"reference": "Practitioner/pr1"},
            "organization": {"reference": "Organization/o1"},
            "location": [{"reference": "Location/l1"}],
            "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/practitioner-role", "code": "doctor"}]}],
            "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": "394814009"}]}]
        });
        let x = extract("PractitionerRole", &pr).unwrap();
        assert_eq!(refs(&x, "practitioner"), [r("Practitioner", "pr1")]);
        assert_eq!(refs(&x, "organization"), [r("Organization", "o1")]);
        assert_eq!(refs(&x, "location"), [r("Location", "l1")]);
        assert_eq!(
            tokens(&x, "role"),
            [tok(
                Some("http://terminology.hl7.org/CodeSystem/practitioner-role"),
                "doctor"
            )]
        );
        assert_eq!(
            tokens(&x, "specialty"),
            [tok(Some("http://snomed.info/sct"), "394814009")]
        );
        assert_eq!(tokens(&x, "active"), [tok(None, "true")]);

        let s = json!({
            "resourceType": "Schedule", "active": true,
            "actor": [{"reference": "Practitioner/pr1"}, {"reference": "Patient/p3"}],
            "planningHorizon": {"start": "2020-05-01", "end": "2020-05-31"}
        });
        let x = extract("Schedule", &s).unwrap();
        assert_eq!(
            refs(&x, "actor"),
            [r("Practitioner", "pr1"), r("Patient", "p3")]
        );
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-01T00:00:00Z"),
                ts("2020-05-31T23:59:59.999999Z")
            )]
        );
        assert_eq!(x.compartment.as_deref(), Some("p3"));

        let sl = json!({
            "resourceType": "Slot", "status": "free",
            "schedule": {"reference": "Schedule/sch1"},
            "start": "2020-05-17T09:00:00Z", "end": "2020-05-17T09:15:00Z"
        });
        let x = extract("Slot", &sl).unwrap();
        assert_eq!(refs(&x, "schedule"), [r("Schedule", "sch1")]);
        assert_eq!(tokens(&x, "status"), [tok(None, "free")]);
        assert_eq!(dates(&x, "start").len(), 1);
        assert_eq!(x.compartment, None);
    }

    #[test]
    fn location_strings_and_tokens() {
        let l = json!({
            "resourceType": "Location", "status": "active", "name": "  Main   Clinic ",
            "alias": ["MC"],
            "address": {"city": "Akureyri", "postalCode": "600", "state": "NE"},
            "managingOrganization": {"reference": "Organization/o1"},
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "HOSP"}]}]
        });
        let x = extract("Location", &l).unwrap();
        assert_eq!(strings(&x, "name"), ["  Main   Clinic ", "MC"]);
        assert_eq!(norms(&x, "name"), ["main clinic", "mc"]);
        assert_eq!(strings(&x, "address-city"), ["Akureyri"]);
        assert_eq!(strings(&x, "address-postalcode"), ["600"]);
        assert_eq!(strings(&x, "address-state"), ["NE"]);
        assert_eq!(refs(&x, "organization"), [r("Organization", "o1")]);
        assert_eq!(
            tokens(&x, "type"),
            [tok(
                Some("http://terminology.hl7.org/CodeSystem/v3-RoleCode"),
                "HOSP"
            )]
        );
    }

    #[test]
    fn empty_and_blank_values_are_skipped() {
        let p = json!({
            "resourceType": "Patient", "id": "p1",
            "name": [{"family": "   ", "given": ["", "Jón"]}],
            "gender": "",
            "identifier": [{"system": "", "value": "v"}]
        });
        let x = extract("Patient", &p).unwrap();
        assert_eq!(strings(&x, "given"), ["Jón"]);
        assert!(strings(&x, "family").is_empty());
        assert!(tokens(&x, "gender").is_empty());
        assert_eq!(tokens(&x, "identifier"), [tok(None, "v")]);
    }

    #[test]
    fn duplicates_are_removed() {
        let p = json!({
            "resourceType": "Patient", "id": "p1",
            "name": [{"family": "Smith", "given": ["Ann"]}, {"family": "Smith", "given": ["Ann"]}],
            "identifier": [{"system": "s", "value": "1"}, {"system": "s", "value": "1"}]
        });
        let x = extract("Patient", &p).unwrap();
        assert_eq!(strings(&x, "name"), ["Smith", "Ann"]);
        assert_eq!(strings(&x, "family"), ["Smith"]);
        assert_eq!(tokens(&x, "identifier"), [tok(Some("s"), "1")]);
    }

    #[test]
    fn immunization_procedure_allergy_misc() {
        let i = json!({
            "resourceType": "Immunization", "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]},
            "patient": {"reference": "Patient/p1"},
            "occurrenceDateTime": "2021-10-01"
        });
        let x = extract("Immunization", &i).unwrap();
        assert_eq!(
            tokens(&x, "vaccine-code"),
            [tok(Some("http://hl7.org/fhir/sid/cvx"), "140")]
        );
        assert_eq!(dates(&x, "date").len(), 1);
        assert_eq!(x.compartment.as_deref(), Some("p1"));
        // occurrenceString is not a date.
        let i = json!({"resourceType": "Immunization", "occurrenceString": "last spring"});
        assert!(extract("Immunization", &i).unwrap().dates.is_empty());

        let pr = json!({
            "resourceType": "Procedure", "status": "completed",
            "subject": {"reference": "Patient/p1"},
            "performedPeriod": {"start": "2020-01-01T10:00:00Z", "end": "2020-01-01T12:00:00Z"}
        });
        let x = extract("Procedure", &pr).unwrap();
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-01-01T10:00:00Z"),
                ts("2020-01-01T12:00:00.999999Z")
            )]
        );

        let a = json!({
            "resourceType": "AllergyIntolerance",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
            "type": "allergy", "category": ["food", "medication"], "criticality": "high",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "227493005"}]},
            "reaction": [{"substance": {"coding": [{"system": "http://snomed.info/sct", "code": "1000"}]}}],
            "patient": {"reference": "Patient/p1"},
            "recordedDate": "2020-05"
        });
        let x = extract("AllergyIntolerance", &a).unwrap();
        assert_eq!(
            tokens(&x, "category"),
            [tok(None, "food"), tok(None, "medication")]
        );
        assert_eq!(
            tokens(&x, "code"),
            [
                tok(Some("http://snomed.info/sct"), "227493005"),
                tok(Some("http://snomed.info/sct"), "1000")
            ]
        );
        assert_eq!(tokens(&x, "criticality"), [tok(None, "high")]);
        assert_eq!(tokens(&x, "type"), [tok(None, "allergy")]);
        assert_eq!(
            dates(&x, "date"),
            [(
                ts("2020-05-01T00:00:00Z"),
                ts("2020-05-31T23:59:59.999999Z")
            )]
        );
        assert_eq!(x.compartment.as_deref(), Some("p1"));
    }

    #[test]
    fn bad_date_is_an_error_with_path() {
        let p = json!({"resourceType": "Patient", "id": "p1", "birthDate": "2021-02-29"});
        let e = extract("Patient", &p).unwrap_err();
        assert_eq!(e.code, IssueCode::Value);
        assert_eq!(e.expression.as_deref(), Some("Patient.birthDate"));
        assert!(e.diagnostics.contains("2021-02-29"), "{}", e.diagnostics);

        let o = json!({"resourceType": "Observation", "effectivePeriod": {"start": "2020-05-17", "end": "soon"}});
        let e = extract("Observation", &o).unwrap_err();
        assert_eq!(
            e.expression.as_deref(),
            Some("Observation.effectivePeriod.end")
        );

        let o = json!({"resourceType": "Observation", "effectiveTiming": {"event": ["2020-01-01", "2020-13-01"]}});
        let e = extract("Observation", &o).unwrap_err();
        assert_eq!(
            e.expression.as_deref(),
            Some("Observation.effectiveTiming.event[1]")
        );

        let c = json!({"resourceType": "Communication", "payload": [], "sent": "yesterday"});
        let e = extract("Communication", &c).unwrap_err();
        assert_eq!(e.expression.as_deref(), Some("Communication.sent"));

        // Bad dates outside date parameters are not our concern.
        let p = json!({"resourceType": "Patient", "deceasedDateTime": "not a date"});
        assert!(extract("Patient", &p).is_ok());
    }

    #[test]
    fn array_index_in_error_path() {
        let e = json!({"resourceType": "Encounter", "period": {"start": "2020-02-30"}});
        let err = extract("Encounter", &e).unwrap_err();
        assert_eq!(err.expression.as_deref(), Some("Encounter.period.start"));
        let mut hits = Vec::new();
        let p = json!({"name": [{"given": ["a"]}, {"given": ["b", "c"]}]});
        navigate(&p, "Patient", "name.given", &mut hits);
        let paths: Vec<_> = hits.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Patient.name[0].given[0]",
                "Patient.name[1].given[0]",
                "Patient.name[1].given[1]"
            ]
        );
    }

    #[test]
    fn identifier_vs_contact_point() {
        // A ContactPoint-shaped value outside `telecom` is still recognised by its system code.
        let mut out = Vec::new();
        let def = lookup("Patient", "identifier").unwrap();
        let v = json!({"system": "email", "value": "a@b.c"});
        let hit = Hit {
            path: "X".into(),
            value: &v,
            key: "contact",
            choice: None,
        };
        extract_tokens(def, &hit, &mut out);
        assert_eq!(out[0].system, None);
        assert_eq!(out[0].code, "a@b.c");
        let v = json!({"system": "http://hospital.example/mrn", "value": "42"});
        let hit = Hit {
            path: "X".into(),
            value: &v,
            key: "identifier",
            choice: None,
        };
        extract_tokens(def, &hit, &mut out);
        assert_eq!(
            out[1].system.as_deref(),
            Some("http://hospital.example/mrn")
        );
    }
}
