//! Strict validation of incoming FHIR R4 JSON.
//!
//! [`parse_json`] turns a request body into a JSON object that names a known resource type;
//! [`validate_resource`] then checks it against FHIR R4 and returns every problem found as an
//! [`Issue`] whose `expression` is a FHIRPath-like location (`Patient.name[0].given[1]`).
//!
//! What is checked, per resource (and recursively for every resource embedded in it):
//!
//! 1. **Types and required elements**: the JSON is deserialized into the concrete `fhir` R4
//!    struct selected by `resourceType` (not the internally tagged `Resource` enum, which loses
//!    error positions), with `serde_path_to_error` tracking where a failure happened. Where the
//!    position is still lost inside the model (flattened `value[x]` choice elements, contained
//!    resources), the failing sub-value is re-deserialized on its own to pin the error down.
//! 2. **Unknown elements**: the typed value is serialized back and compared key-by-key with the
//!    input; a key the model dropped is unrecognized (values are never compared). When the typed
//!    value is unavailable (a type error elsewhere) the same check runs against the element
//!    definitions of the specification (`fhir::r4::meta`) instead.
//! 3. **Nulls and empties**: FHIR JSON forbids `null`, `""`, `[]` and `{}` (except `null` as a
//!    placeholder in a primitive array paired with its `_element` array).
//! 4. **Primitive formats**: every `date`, `dateTime`, `instant` and `time` element anywhere (the
//!    element's type comes from the specification's element definitions), `positiveInt > 0`, the
//!    resource `id`, and the `fhir` crate's own [`Validate`] checks (code / id / uri / oid / uuid
//!    formats, required value-set bindings, a few invariants), mapped to JSON locations.
//!
//! Nested resources: `contained` resources are typed by the model; `Bundle.entry.resource`,
//! `Bundle.entry.response.outcome` and `Parameters.parameter.resource` are raw JSON in the model,
//! so they get the full check of their own.
//!
//! Cost: one typed deserialization and one serialization per resource, plus one walk of the
//! input. Nothing is cloned on the success path beyond what the model itself does (it keeps
//! `Bundle.entry.resource` as a `Value`, which is a copy). Measured in release on the test
//! examples: ~35-60 µs for an Observation or a Patient, about a third of it the `fhir` crate's
//! own `Validate`. Compile cost is the other price: dispatching to all 146 structs
//! monomorphizes the whole model's `Deserialize` and `Serialize` here, which dominates this
//! crate's build time (notably in release).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use fhir::r4::meta::{self, ElementMeta};
use fhir::r4::resources;
use fhir::r4::types;
use fhir::r4::validate::{Validate, ValidationIssue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use serde_path_to_error::Segment;

use crate::outcome::{Issue, IssueCode};

/// Maximum accepted request body, bytes.
pub const MAX_RESOURCE_BYTES: usize = 16 * 1024 * 1024;

/// The single list of resource types: generates [`RESOURCE_TYPES`] and the dispatch from a
/// `resourceType` string to the concrete model struct.
macro_rules! resource_types {
    ($($t:ident),* $(,)?) => {
        /// Every FHIR R4 resource type name, sorted.
        pub const RESOURCE_TYPES: &[&str] = &[$(stringify!($t)),*];

        /// Run `visitor` with the concrete model type named `name`.
        fn visit_resource<V: ResourceVisitor>(name: &str, visitor: V) -> Option<V::Output> {
            match name {
                $(stringify!($t) => Some(visitor.visit::<resources::$t>()),)*
                _ => None,
            }
        }
    };
}

resource_types! {
    Account, ActivityDefinition, AdverseEvent, AllergyIntolerance, Appointment,
    AppointmentResponse, AuditEvent, Basic, Binary, BiologicallyDerivedProduct, BodyStructure,
    Bundle, CapabilityStatement, CarePlan, CareTeam, CatalogEntry, ChargeItem,
    ChargeItemDefinition, Claim, ClaimResponse, ClinicalImpression, CodeSystem, Communication,
    CommunicationRequest, CompartmentDefinition, Composition, ConceptMap, Condition, Consent,
    Contract, Coverage, CoverageEligibilityRequest, CoverageEligibilityResponse, DetectedIssue,
    Device, DeviceDefinition, DeviceMetric, DeviceRequest, DeviceUseStatement, DiagnosticReport,
    DocumentManifest, DocumentReference, EffectEvidenceSynthesis, Encounter, Endpoint,
    EnrollmentRequest, EnrollmentResponse, EpisodeOfCare, EventDefinition, Evidence,
    EvidenceVariable, ExampleScenario, ExplanationOfBenefit, FamilyMemberHistory, Flag, Goal,
    GraphDefinition, Group, GuidanceResponse, HealthcareService, ImagingStudy, Immunization,
    ImmunizationEvaluation, ImmunizationRecommendation, ImplementationGuide, InsurancePlan,
    Invoice, Library, Linkage, List, Location, Measure, MeasureReport, Media, Medication,
    MedicationAdministration, MedicationDispense, MedicationKnowledge, MedicationRequest,
    MedicationStatement, MedicinalProduct, MedicinalProductAuthorization,
    MedicinalProductContraindication, MedicinalProductIndication, MedicinalProductIngredient,
    MedicinalProductInteraction, MedicinalProductManufactured, MedicinalProductPackaged,
    MedicinalProductPharmaceutical, MedicinalProductUndesirableEffect, MessageDefinition,
    MessageHeader, MolecularSequence, NamingSystem, NutritionOrder, Observation,
    ObservationDefinition, OperationDefinition, OperationOutcome, Organization,
    OrganizationAffiliation, Parameters, Patient, PaymentNotice, PaymentReconciliation, Person,
    PlanDefinition, Practitioner, PractitionerRole, Procedure, Provenance, Questionnaire,
    QuestionnaireResponse, RelatedPerson, RequestGroup, ResearchDefinition,
    ResearchElementDefinition, ResearchStudy, ResearchSubject, RiskAssessment,
    RiskEvidenceSynthesis, Schedule, SearchParameter, ServiceRequest, Slot, Specimen,
    SpecimenDefinition, StructureDefinition, StructureMap, Subscription, Substance,
    SubstanceNucleicAcid, SubstancePolymer, SubstanceProtein, SubstanceReferenceInformation,
    SubstanceSourceMaterial, SubstanceSpecification, SupplyDelivery, SupplyRequest, Task,
    TerminologyCapabilities, TestReport, TestScript, ValueSet, VerificationResult,
    VisionPrescription,
}

/// Datatypes a `value[x]` choice element can take, by FHIR type code. Used only on the error
/// path, to re-deserialize a choice value whose error position the model's flattening lost.
macro_rules! datatypes {
    ($($code:literal => $t:ty),* $(,)?) => {
        fn visit_datatype<V: DatatypeVisitor>(code: &str, visitor: V) -> Option<V::Output> {
            match code {
                $($code => Some(visitor.visit::<$t>()),)*
                _ => None,
            }
        }
    };
}

datatypes! {
    "base64Binary" => types::Base64Binary, "boolean" => types::Boolean,
    "canonical" => types::Canonical, "code" => types::Code, "date" => types::Date,
    "dateTime" => types::DateTime, "decimal" => types::Decimal, "id" => types::Id,
    "instant" => types::Instant, "integer" => types::Integer, "markdown" => types::Markdown,
    "oid" => types::Oid, "positiveInt" => types::PositiveInt, "string" => types::String,
    "time" => types::Time, "unsignedInt" => types::UnsignedInt, "uri" => types::Uri,
    "url" => types::Url, "uuid" => types::Uuid, "xhtml" => types::Xhtml,
    "Address" => types::Address, "Age" => types::Age, "Annotation" => types::Annotation,
    "Attachment" => types::Attachment, "CodeableConcept" => types::CodeableConcept,
    "Coding" => types::Coding, "ContactDetail" => types::ContactDetail,
    "ContactPoint" => types::ContactPoint, "Contributor" => types::Contributor,
    "Count" => types::Count, "DataRequirement" => types::DataRequirement,
    "Distance" => types::Distance, "Dosage" => types::Dosage, "Duration" => types::Duration,
    "Element" => types::Element, "Expression" => types::Expression,
    "Extension" => types::Extension, "HumanName" => types::HumanName,
    "Identifier" => types::Identifier, "Meta" => types::Meta, "Money" => types::Money,
    "ParameterDefinition" => types::ParameterDefinition, "Period" => types::Period,
    "Quantity" => types::Quantity, "Range" => types::Range, "Ratio" => types::Ratio,
    "Reference" => types::Reference, "RelatedArtifact" => types::RelatedArtifact,
    "SampledData" => types::SampledData, "Signature" => types::Signature,
    "Timing" => types::Timing, "TriggerDefinition" => types::TriggerDefinition,
    "UsageContext" => types::UsageContext,
}

/// A computation generic over a concrete resource struct.
trait ResourceVisitor {
    type Output;
    fn visit<T: DeserializeOwned + Serialize + Validate>(self) -> Self::Output;
}

/// A computation generic over a concrete datatype.
trait DatatypeVisitor {
    type Output;
    fn visit<T: DeserializeOwned>(self) -> Self::Output;
}

/// True if `name` is an R4 resource type.
pub fn is_resource_type(name: &str) -> bool {
    RESOURCE_TYPES.binary_search(&name).is_ok()
}

/// The `'static` spelling of a resource type name.
fn static_type_name(name: &str) -> Option<&'static str> {
    RESOURCE_TYPES
        .binary_search(&name)
        .ok()
        .and_then(|i| RESOURCE_TYPES.get(i).copied())
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parse bytes as a JSON object that is a FHIR resource. Errors: too large, not JSON (with line
/// and column), not an object, missing/non-string `resourceType`, unknown `resourceType`.
/// Parse JSON into a value, refusing an object that names the same key twice (JSON leaves
/// it undefined; RFC 8259 §4 says names SHOULD be unique, and a second `"id"` or
/// `"subject"` that silently wins is a way to smuggle content past a check).
fn strict_json(body: &[u8]) -> Result<Value, serde_json::Error> {
    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    struct Strict;

    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Value;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Strict {
        type Value = Value;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Strict)? {
                out.push(v);
            }
            Ok(Value::Array(out))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some(k) = map.next_key::<String>()? {
                // With serde_json's `arbitrary_precision` (enabled elsewhere in the build) a
                // number arrives as a one-entry map under this private key.
                if out.is_empty() && k == "$serde_json::private::Number" {
                    let n: String = map.next_value()?;
                    return n
                        .parse::<serde_json::Number>()
                        .map(Value::Number)
                        .map_err(A::Error::custom);
                }
                let v = map.next_value_seed(Strict)?;
                if out.contains_key(&k) {
                    return Err(A::Error::custom(format!("duplicate key \"{k}\"")));
                }
                out.insert(k, v);
            }
            Ok(Value::Object(out))
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    let v = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

pub fn parse_json(body: &[u8]) -> Result<Value, Issue> {
    if body.len() > MAX_RESOURCE_BYTES {
        return Err(Issue::error(
            IssueCode::TooLong,
            format!(
                "Resource is {} bytes; the maximum accepted is {MAX_RESOURCE_BYTES} bytes",
                body.len()
            ),
        ));
    }
    // A UTF-8 byte order mark is not JSON, but some clients send one.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let value: Value = strict_json(body).map_err(|e| {
        let full = e.to_string();
        let msg = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        Issue::error(
            IssueCode::Structure,
            format!(
                "Invalid JSON at line {}, column {}: {msg}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Some(obj) = value.as_object() else {
        return Err(Issue::error(
            IssueCode::Structure,
            format!(
                "Expected a JSON object (a FHIR resource), found {}",
                json_kind(&value)
            ),
        ));
    };
    match obj.get("resourceType") {
        Some(Value::String(rt)) if is_resource_type(rt) => Ok(value),
        Some(Value::String(rt)) => Err(unknown_type_issue(rt).at("resourceType")),
        Some(other) => Err(Issue::error(
            IssueCode::Structure,
            format!(
                "'resourceType' must be a string, found {}",
                json_kind(other)
            ),
        )
        .at("resourceType")),
        None => Err(Issue::error(
            IssueCode::Required,
            "Missing 'resourceType': a FHIR resource must name its type",
        )
        .at("resourceType")),
    }
}

fn unknown_type_issue(name: &str) -> Issue {
    let msg = match suggest_type(name) {
        Some(s) => format!("Unknown resource type '{name}' (did you mean '{s}'?)"),
        None => format!("Unknown resource type '{name}'"),
    };
    Issue::error(IssueCode::Invalid, msg)
}

/// The closest resource type name, if it is close enough to be a plausible typo.
fn suggest_type(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let (best, dist) = RESOURCE_TYPES
        .iter()
        .map(|t| (*t, edit_distance(&lower, &t.to_ascii_lowercase())))
        .min_by_key(|(_, d)| *d)?;
    (dist <= 2.max(name.len() / 5)).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// Primitive formats
// ---------------------------------------------------------------------------------------------

/// True if `id` is a valid FHIR id: `[A-Za-z0-9\-\.]{1,64}`.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, naming a real calendar date (year 0001+).
pub fn is_valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(year) = b.get(..4).and_then(digits) else {
        return false;
    };
    if year == 0 {
        return false;
    }
    match b.len() {
        4 => true,
        7 => b[4] == b'-' && digits(&b[5..7]).is_some_and(|m| (1..=12).contains(&m)),
        10 => {
            let (Some(month), Some(day)) = (digits(&b[5..7]), digits(&b[8..10])) else {
                return false;
            };
            b[4] == b'-'
                && b[7] == b'-'
                && (1..=12).contains(&month)
                && day >= 1
                && day <= days_in_month(year, month)
        }
        _ => false,
    }
}

/// A FHIR `dateTime`: one of the [`is_valid_date`] forms, or a full date with a time
/// `Thh:mm:ss(.fff)?` and a timezone (`Z`, `+hh:mm` or `-hh:mm`), which is required when a time
/// is present.
pub fn is_valid_datetime(s: &str) -> bool {
    match s.split_once('T') {
        None => is_valid_date(s),
        Some((date, time)) => date.len() == 10 && is_valid_date(date) && is_time_with_zone(time),
    }
}

/// A FHIR `instant`: a full date, a time with seconds, and a timezone.
pub fn is_valid_instant(s: &str) -> bool {
    s.split_once('T').is_some_and(|(date, time)| {
        date.len() == 10 && is_valid_date(date) && is_time_with_zone(time)
    })
}

/// A FHIR `time`: `hh:mm:ss(.fff)?`.
fn is_valid_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (digits(&b[0..2]), digits(&b[3..5]), digits(&b[6..8]))
    else {
        return false;
    };
    // The specification's regex admits a leap second (60).
    let fraction_ok = match &b[8..] {
        [] => true,
        [b'.', rest @ ..] => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    h <= 23 && m <= 59 && sec <= 60 && fraction_ok
}

/// `hh:mm:ss(.fff)?` followed by `Z` or `+hh:mm` / `-hh:mm` (at most 14:00).
fn is_time_with_zone(s: &str) -> bool {
    let Some(zone_at) = s.find(['Z', '+', '-']) else {
        return false;
    };
    let (time, zone) = s.split_at(zone_at);
    is_valid_time(time) && (zone == "Z" || is_offset(&zone.as_bytes()[1..]))
}

fn is_offset(b: &[u8]) -> bool {
    if b.len() != 5 || b[2] != b':' {
        return false;
    }
    match (digits(&b[0..2]), digits(&b[3..5])) {
        (Some(h), Some(m)) => (h <= 13 && m <= 59) || (h == 14 && m == 0),
        _ => false,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Format problem with a primitive value of FHIR type `code`, if any.
fn primitive_problem(code: &str, v: &Value) -> Option<String> {
    match (code, v) {
        ("date", Value::String(s)) if !is_valid_date(s) => Some(format!("Invalid date '{s}'")),
        ("dateTime", Value::String(s)) if !is_valid_datetime(s) => {
            Some(format!("Invalid dateTime '{s}'"))
        }
        ("instant", Value::String(s)) if !is_valid_instant(s) => {
            Some(format!("Invalid instant '{s}'"))
        }
        ("time", Value::String(s)) if !is_valid_time(s) => Some(format!("Invalid time '{s}'")),
        ("positiveInt", Value::Number(n)) if n.as_u64() == Some(0) => {
            Some("Invalid positiveInt '0': must be greater than zero".to_owned())
        }
        _ => None,
    }
}

/// FHIR type of the date-typed elements named in the brief, for elements whose definition could
/// not be resolved (a fallback: normally types come from the element definitions).
fn fallback_date_type(key: &str) -> Option<&'static str> {
    match key {
        "birthDate" => Some("date"),
        "issued" | "lastUpdated" => Some("instant"),
        "deceasedDateTime" | "effectiveDateTime" | "authoredOn" | "recordedDate"
        | "onsetDateTime" | "abatementDateTime" | "occurrenceDateTime" | "performedDateTime"
        | "date" | "start" | "end" | "sent" | "received" | "whenHandedOver" | "whenPrepared"
        | "created" => Some("dateTime"),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Element definitions: what type does a JSON key have?
// ---------------------------------------------------------------------------------------------

/// The FHIR type of a JSON value, as far as validation needs it.
#[derive(Debug, Clone, Copy)]
enum Node {
    /// A complex value whose elements are looked up as `<ctx>.<key>`: a datatype name
    /// (`Period`) or a backbone element path (`Patient.contact`).
    Complex(&'static str),
    /// A resource. `embedded` resources are raw JSON in the model and need their own check.
    Resource { embedded: bool },
    /// A primitive of the given FHIR type code (`dateTime`, `code`, ...).
    Primitive(&'static str),
}

enum Resolved {
    Element {
        node: Node,
        /// The element definition the key resolved to.
        def: &'static ElementMeta,
    },
    /// The key names no element of this type.
    Unknown,
}

/// The elements of one type (a datatype, a resource, or a backbone element path), indexed once
/// from the specification's element table so that a lookup is a small binary search rather
/// than a search of all ~7,500 element paths.
#[derive(Default)]
struct Children {
    /// Plain elements by JSON name, sorted.
    plain: Vec<(&'static str, &'static ElementMeta)>,
    /// Choice elements by base name (`value` for `value[x]`).
    choices: Vec<(&'static str, &'static ElementMeta)>,
}

static CHILDREN: LazyLock<HashMap<&'static str, Children>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Children> = HashMap::new();
    for def in meta::elements() {
        let Some((parent, name)) = def.path.rsplit_once('.') else {
            continue;
        };
        let children = map.entry(parent).or_default();
        match name.strip_suffix("[x]") {
            Some(base) => children.choices.push((base, def)),
            None => children.plain.push((name, def)),
        }
    }
    for children in map.values_mut() {
        children.plain.sort_unstable_by_key(|(name, _)| *name);
        // Longest base first, should one base ever be a prefix of another.
        children
            .choices
            .sort_unstable_by_key(|(base, _)| std::cmp::Reverse(base.len()));
    }
    map
});

fn children_of(ctx: &str) -> Option<&'static Children> {
    CHILDREN.get(ctx)
}

/// Which element does `key` name inside a value of type `ctx`?
fn resolve(ctx: &str, key: &str) -> Resolved {
    children_of(ctx).map_or(Resolved::Unknown, |c| resolve_in(c, key))
}

fn resolve_in(children: &Children, key: &str) -> Resolved {
    // `_birthDate`: the id/extensions of the primitive `birthDate`.
    if let Some(base) = key.strip_prefix('_') {
        return match resolve_in(children, base) {
            Resolved::Element {
                node: Node::Primitive(_),
                def,
            } => Resolved::Element {
                node: Node::Complex("Element"),
                def,
            },
            _ => Resolved::Unknown,
        };
    }
    if let Ok(i) = children
        .plain
        .binary_search_by(|(name, _)| (*name).cmp(key))
    {
        let def = children.plain[i].1;
        if let Some(target) = def.content_reference {
            return Resolved::Element {
                node: Node::Complex(target.trim_start_matches('#')),
                def,
            };
        }
        return def
            .types
            .first()
            .map_or(Resolved::Unknown, |t| Resolved::Element {
                node: node_for_code(def, t.code),
                def,
            });
    }
    // A choice element: `valueQuantity` is `value[x]` with type `Quantity`.
    for (base, def) in &children.choices {
        if let Some(suffix) = key.strip_prefix(base)
            && suffix.starts_with(|c: char| c.is_ascii_uppercase())
        {
            return def
                .types
                .iter()
                .find(|t| type_suffix_matches(t.code, suffix))
                .map_or(Resolved::Unknown, |t| Resolved::Element {
                    node: node_for_code(def, t.code),
                    def,
                });
        }
    }
    Resolved::Unknown
}

fn node_for_code(def: &'static ElementMeta, code: &'static str) -> Node {
    match code {
        "BackboneElement" | "Element" => Node::Complex(def.path),
        "Resource" => Node::Resource {
            embedded: !def.path.ends_with(".contained"),
        },
        c if c.starts_with(|ch: char| ch.is_ascii_uppercase()) => Node::Complex(c),
        c => Node::Primitive(c),
    }
}

/// `dateTime` is spelled `DateTime` in `effectiveDateTime`.
fn type_suffix_matches(code: &str, suffix: &str) -> bool {
    let mut a = code.chars();
    let mut b = suffix.chars();
    match (a.next(), b.next()) {
        (Some(x), Some(y)) => x.to_ascii_uppercase() == y && a.as_str() == b.as_str(),
        _ => false,
    }
}

/// The element-lookup context of `value` typed `node`.
fn ctx_of(node: Node, value: &Value) -> Option<&'static str> {
    match node {
        Node::Complex(c) => Some(c),
        Node::Resource { .. } => value
            .get("resourceType")
            .and_then(Value::as_str)
            .and_then(static_type_name),
        Node::Primitive(_) => None,
    }
}

/// `value[x]` for `Observation.value[x]`.
fn element_name(def: &ElementMeta) -> &'static str {
    def.path.rsplit('.').next().unwrap_or(def.path)
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const NULL_MSG: &str = "null is not allowed";

/// Strictly validate a resource (a JSON object with a known `resourceType`) against FHIR R4.
/// Returns all issues found (empty = valid); each names the problem in `diagnostics` and where
/// it is in `expression` (`Patient.birthDate`, `Patient.name[0].given[1]`).
pub fn validate_resource(resource: &Value) -> Vec<Issue> {
    let mut issues = Vec::new();
    let name = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .and_then(static_type_name)
        .unwrap_or("Resource");
    check_resource(resource, name, &mut issues);
    issues
}

/// The full check of one resource, whose location is `expr`.
fn check_resource(value: &Value, expr: &str, issues: &mut Vec<Issue>) {
    let Some(obj) = value.as_object() else {
        issues.push(
            Issue::error(
                IssueCode::Structure,
                format!(
                    "A resource must be a JSON object, found {}",
                    json_kind(value)
                ),
            )
            .at(expr),
        );
        return;
    };
    let type_name = match obj.get("resourceType") {
        Some(Value::String(rt)) => match static_type_name(rt) {
            Some(t) => t,
            None => {
                issues.push(unknown_type_issue(rt).at(format!("{expr}.resourceType")));
                return;
            }
        },
        Some(other) => {
            issues.push(
                Issue::error(
                    IssueCode::Structure,
                    format!(
                        "'resourceType' must be a string, found {}",
                        json_kind(other)
                    ),
                )
                .at(format!("{expr}.resourceType")),
            );
            return;
        }
        None => {
            issues.push(
                Issue::error(
                    IssueCode::Required,
                    "Missing required element 'resourceType'",
                )
                .at(format!("{expr}.resourceType")),
            );
            return;
        }
    };

    let checked = visit_resource(type_name, FullCheck { value }).unwrap_or_default();

    // Deserialization (type) errors first: they are the most fundamental.
    let mut found: Vec<Issue> = match &checked.error {
        Some(err) => error_issues(value, Node::Resource { embedded: true }, expr, err),
        None => Vec::new(),
    };

    // Unknown elements, nulls and empties, primitive formats.
    let mut walker = Walker {
        issues: Vec::new(),
        path: expr.to_owned(),
    };
    walker.object(
        obj,
        checked.output.as_ref().and_then(Value::as_object),
        Some(type_name),
        true,
    );
    // Merge, comparing only against the (one or few) deserialization issues: a Bundle's walk
    // can carry thousands of issues from its entries.
    let typing_issues = found.len();
    for w in walker.issues {
        match found[..typing_issues]
            .iter()
            .position(|d| d.expression == w.expression)
        {
            // `"name": {}`: keep "found an object, expected an array".
            Some(pos)
                if found[pos].diagnostics.starts_with("Wrong type")
                    && w.diagnostics != NULL_MSG => {}
            // `"status": null`, `"issue": []`: "null is not allowed" / "Empty array not
            // allowed" say it better than the model.
            Some(pos) => found[pos] = w,
            None => found.push(w),
        }
    }

    if !checked.crate_issues.is_empty() {
        crate_issues(value, expr, checked.crate_issues, &mut found);
    }
    issues.extend(found);
}

/// Deserialize into the concrete struct; if that works, run the model's checks and serialize
/// back for the unknown-element comparison.
struct FullCheck<'a> {
    value: &'a Value,
}

#[derive(Default)]
struct Checked {
    output: Option<Value>,
    crate_issues: Vec<ValidationIssue>,
    error: Option<serde_path_to_error::Error<serde_json::Error>>,
}

impl ResourceVisitor for FullCheck<'_> {
    type Output = Checked;

    fn visit<T: DeserializeOwned + Serialize + Validate>(self) -> Checked {
        match serde_path_to_error::deserialize::<_, T>(self.value) {
            Ok(typed) => Checked {
                // Should serialization ever fail, the unknown-element check falls back to the
                // element definitions rather than rejecting a resource the model accepted.
                output: serde_json::to_value(&typed).ok(),
                crate_issues: typed.validate(),
                error: None,
            },
            Err(e) => Checked {
                output: None,
                crate_issues: Vec::new(),
                error: Some(e),
            },
        }
    }
}

// ----- deserialization errors ----------------------------------------------------------------

/// Re-deserialize a sub-value on its own, to find an error whose position was lost.
struct Refine<'a> {
    value: &'a Value,
    node: Node,
    expr: &'a str,
}

impl Refine<'_> {
    fn run<T: DeserializeOwned>(self) -> Vec<Issue> {
        match serde_path_to_error::deserialize::<_, T>(self.value) {
            Ok(_) => Vec::new(),
            Err(e) => error_issues(self.value, self.node, self.expr, &e),
        }
    }
}

impl ResourceVisitor for Refine<'_> {
    type Output = Vec<Issue>;
    fn visit<T: DeserializeOwned + Serialize + Validate>(self) -> Vec<Issue> {
        self.run::<T>()
    }
}

impl DatatypeVisitor for Refine<'_> {
    type Output = Vec<Issue>;
    fn visit<T: DeserializeOwned>(self) -> Vec<Issue> {
        self.run::<T>()
    }
}

/// Turn a deserialization error for `root` (typed `node`, located at `expr`) into issues.
fn error_issues(
    root: &Value,
    node: Node,
    expr: &str,
    err: &serde_path_to_error::Error<serde_json::Error>,
) -> Vec<Issue> {
    let mut cur = root;
    let mut node = Some(node);
    let mut path = expr.to_owned();
    let mut name: Option<&str> = None;
    let mut lost = false;
    for seg in err.path().iter() {
        match seg {
            Segment::Map { key } if !lost => {
                match cur.as_object().and_then(|o| o.get_key_value(key.as_str())) {
                    Some((k, v)) => {
                        node = match (node, ctx_of_opt(node, cur)) {
                            (Some(_), Some(ctx)) => match resolve(ctx, k) {
                                Resolved::Element { node, .. } => Some(node),
                                Resolved::Unknown => None,
                            },
                            _ => None,
                        };
                        cur = v;
                    }
                    None => lost = true,
                }
                push_key(&mut path, key);
                name = Some(key.as_str());
            }
            Segment::Map { key } => {
                push_key(&mut path, key);
                name = Some(key.as_str());
            }
            Segment::Seq { index } => {
                match cur.as_array().and_then(|a| a.get(*index)) {
                    Some(v) if !lost => cur = v,
                    _ => lost = true,
                }
                let _ = write!(path, "[{index}]");
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }

    if !lost && let Value::Object(obj) = cur {
        // A contained resource: the internally tagged `Resource` enum hides positions.
        if !std::ptr::eq(cur, root)
            && let Some(rt) = obj.get("resourceType")
        {
            let Some(t) = rt.as_str().and_then(static_type_name) else {
                let issue = match rt.as_str() {
                    Some(s) => unknown_type_issue(s),
                    None => Issue::error(
                        IssueCode::Structure,
                        format!("'resourceType' must be a string, found {}", json_kind(rt)),
                    ),
                };
                return vec![issue.at(format!("{path}.resourceType"))];
            };
            let refine = Refine {
                value: cur,
                node: Node::Resource { embedded: false },
                expr: &path,
            };
            let found = visit_resource(t, refine).unwrap_or_default();
            if !found.is_empty() {
                return found;
            }
        }
        // Flattened `value[x]` choice elements are deserialized from a buffer that does not
        // track positions: try each choice element present on its own.
        if let Some(ctx) = ctx_of_opt(node, cur) {
            for (k, v) in obj {
                let Resolved::Element { node: child, def } = resolve(ctx, k) else {
                    continue;
                };
                if !def.path.ends_with("[x]") {
                    continue;
                }
                let mut child_path = path.clone();
                push_key(&mut child_path, k);
                let code = match child {
                    Node::Complex(c) | Node::Primitive(c) => c,
                    Node::Resource { .. } => continue,
                };
                let refine = Refine {
                    value: v,
                    node: child,
                    expr: &child_path,
                };
                let found = visit_datatype(code, refine).unwrap_or_default();
                if !found.is_empty() {
                    return found;
                }
            }
        }
    }

    if !lost && name == Some("resourceType") {
        let issue = match cur.as_str() {
            Some(s) => unknown_type_issue(s),
            None => Issue::error(
                IssueCode::Structure,
                format!("'resourceType' must be a string, found {}", json_kind(cur)),
            ),
        };
        return vec![issue.at(path)];
    }
    let msg = err.inner().to_string();
    if msg.starts_with("choice element present but incomplete")
        && let (Some(ctx), Value::Object(obj)) = (ctx_of_opt(node, cur), cur)
    {
        // `_valueString` without `valueString`: valid FHIR (a value carried only by
        // extensions), but the model cannot represent it for choice elements.
        let lonely = obj.keys().find(|k| {
            k.strip_prefix('_').is_some_and(|base| {
                !obj.contains_key(base)
                    && matches!(resolve(ctx, base),
                        Resolved::Element { def, .. } if def.path.ends_with("[x]"))
            })
        });
        if let Some(k) = lonely {
            let base = &k[1..];
            push_key(&mut path, k);
            return vec![Issue::error(
                IssueCode::NotSupported,
                format!("'{k}' without '{base}' (a choice value carried only by extensions) is not supported"),
            )
            .at(path)];
        }
    }
    let name = name.unwrap_or_else(|| path.rsplit('.').next().unwrap_or(&path));
    vec![serde_issue(&msg, name, cur, path.clone())]
}

fn ctx_of_opt(node: Option<Node>, value: &Value) -> Option<&'static str> {
    node.and_then(|n| ctx_of(n, value))
}

fn serde_issue(msg: &str, name: &str, value: &Value, path: String) -> Issue {
    let name = name.trim_start_matches('_');
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return Issue::error(
            IssueCode::Required,
            format!("Missing required element '{field}'"),
        )
        .at(format!("{path}.{field}"));
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let found = match (found, value) {
            ("map", _) => "an object".to_owned(),
            ("sequence", _) => "an array".to_owned(),
            ("number", Value::Number(n)) => format!("number {n}"),
            (f, _) => f.to_owned(),
        };
        let expected = match expected {
            "a sequence" => "an array".to_owned(),
            "a map" => "an object".to_owned(),
            e => match e.strip_prefix("struct ") {
                Some(t) => format!("an object ({t})"),
                None => e.to_owned(),
            },
        };
        return Issue::error(
            IssueCode::Structure,
            format!("Wrong type for element '{name}': found {found}, expected {expected}"),
        )
        .at(path);
    }
    if msg == "invalid number"
        && let Value::Number(n) = value
    {
        return Issue::error(
            IssueCode::Value,
            format!("Invalid value {n} for element '{name}': not a number of the expected type"),
        )
        .at(path);
    }
    Issue::error(
        IssueCode::Structure,
        format!("Invalid element '{name}': {msg}"),
    )
    .at(path)
}

/// Append `.key` to a FHIRPath-like expression; `_birthDate` is located at `birthDate`.
fn push_key(path: &mut String, key: &str) {
    path.push('.');
    path.push_str(key.strip_prefix('_').unwrap_or(key));
}

// ----- the walk: unknown elements, nulls/empties, primitive formats ---------------------------

struct Walker {
    issues: Vec<Issue>,
    /// The expression of the value being visited.
    path: String,
}

impl Walker {
    fn issue(&mut self, code: IssueCode, msg: impl Into<String>) {
        self.issues
            .push(Issue::error(code, msg).at(self.path.clone()));
    }

    /// `ctx` is the object's element-lookup context (its type), `output` the same object as
    /// the typed model serialized it, when available.
    fn object(
        &mut self,
        obj: &Map<String, Value>,
        output: Option<&Map<String, Value>>,
        ctx: Option<&'static str>,
        resource_root: bool,
    ) {
        let children = ctx.and_then(children_of);
        for (key, value) in obj {
            if resource_root && key == "resourceType" {
                continue;
            }
            let len = self.path.len();
            push_key(&mut self.path, key);

            let resolved = children.map(|c| resolve_in(c, key));
            let by_definitions_unknown = matches!(resolved, Some(Resolved::Unknown));
            let out = output.map(|o| o.get(key));
            let unknown = match out {
                // The model kept it: known.
                Some(Some(_)) => false,
                // The model dropped it. Nulls and empties are dropped too; those are reported
                // as such below, unless the name itself is unknown.
                Some(None) => !is_null_or_empty(value) || by_definitions_unknown,
                None => by_definitions_unknown,
            };
            if unknown {
                let msg = match resolved {
                    Some(Resolved::Element { def, .. }) if def.path.ends_with("[x]") => format!(
                        "Element '{key}' conflicts with another {} choice: only one type may be present",
                        element_name(def)
                    ),
                    _ => format!("Unrecognized element '{key}'"),
                };
                self.issue(IssueCode::Structure, msg);
            } else {
                let node = match resolved {
                    Some(Resolved::Element { node, .. }) => Some(node),
                    _ => None,
                };
                if resource_root
                    && key == "id"
                    && let Value::String(id) = value
                    && !id.is_empty()
                    && !is_valid_id(id)
                {
                    self.issue(
                        IssueCode::Value,
                        format!(
                            "Invalid id '{id}': must be 1-64 characters of A-Z, a-z, 0-9, '-' and '.'"
                        ),
                    );
                }
                self.value(value, out.flatten(), node, key, obj);
            }
            self.path.truncate(len);
        }
    }

    fn value(
        &mut self,
        value: &Value,
        output: Option<&Value>,
        node: Option<Node>,
        key: &str,
        parent: &Map<String, Value>,
    ) {
        match value {
            Value::Null => self.issue(IssueCode::Invalid, NULL_MSG),
            Value::String(s) if s.is_empty() => {
                self.issue(IssueCode::Invalid, "Empty string not allowed");
            }
            Value::Array(items) if items.is_empty() => {
                self.issue(IssueCode::Invalid, "Empty array not allowed");
            }
            Value::Object(o) if o.is_empty() => {
                self.issue(IssueCode::Invalid, "Empty object not allowed");
            }
            Value::Array(items) => {
                let out_items = output.and_then(Value::as_array);
                for (i, item) in items.iter().enumerate() {
                    let len = self.path.len();
                    let _ = write!(self.path, "[{i}]");
                    if item.is_null() {
                        // `"given": [null, "B"], "_given": [{...}, null]` is how FHIR JSON lines
                        // up values with their extensions: a null is fine opposite a value.
                        if !paired_with_value(parent, key, i) {
                            self.issue(IssueCode::Invalid, NULL_MSG);
                        }
                    } else {
                        let out = out_items.and_then(|a| a.get(i));
                        self.value(item, out, node, key, parent);
                    }
                    self.path.truncate(len);
                }
            }
            Value::Object(o) => {
                let out = output.and_then(Value::as_object);
                match node {
                    Some(Node::Resource { embedded: true }) => {
                        // Raw JSON in the model: check it as a resource of its own.
                        let expr = self.path.clone();
                        check_resource(value, &expr, &mut self.issues);
                    }
                    Some(Node::Resource { embedded: false }) => {
                        self.object(o, out, ctx_of_opt(node, value), true);
                    }
                    Some(Node::Complex(c)) => self.object(o, out, Some(c), false),
                    // A type error, reported by deserialization.
                    Some(Node::Primitive(_)) => {}
                    None => self.object(o, out, None, false),
                }
            }
            _ => {
                let code = match node {
                    Some(Node::Primitive(code)) => Some(code),
                    Some(_) => None,
                    None => fallback_date_type(key),
                };
                if let Some(msg) = code.and_then(|c| primitive_problem(c, value)) {
                    self.issue(IssueCode::Value, msg);
                }
            }
        }
    }
}

fn is_null_or_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Is position `i` of the primitive array `key` paired with a non-null entry in its sibling
/// (`given` <-> `_given`)?
fn paired_with_value(parent: &Map<String, Value>, key: &str, i: usize) -> bool {
    let sibling = match key.strip_prefix('_') {
        Some(base) => parent.get(base),
        None => parent.get(&format!("_{key}")),
    };
    sibling
        .and_then(Value::as_array)
        .and_then(|a| a.get(i))
        .is_some_and(|v| !v.is_null())
}

// ----- the model's own checks ------------------------------------------------------------------

/// What kind of problem a model [`ValidationIssue`] reports, read from its message.
enum CrateKind<'m> {
    /// A primitive's format; the value is matched by its Debug form (`"bad  code"`).
    Quoted(&'m str),
    /// A required binding: the code is not in the value set.
    NotInValueSet(&'m str),
    /// uri / canonical / url: non-empty, no surrounding whitespace.
    UriLike(&'static str),
    Oid,
    Uuid,
    /// ele-1: an element with neither value nor children.
    Ele1,
    /// ext-1: an extension with both or neither of value and extensions.
    Ext1,
    Cardinality,
    Other,
}

impl CrateKind<'_> {
    fn classify<'m>(msg: &'m str, last: Option<&str>) -> CrateKind<'m> {
        let quoted = msg
            .find('"')
            .zip(msg.rfind('"'))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| &msg[a..=b]);
        match (last, quoted) {
            (Some("code"), Some(q)) if msg.starts_with("code \"") => CrateKind::NotInValueSet(q),
            (Some("code"), Some(q)) if msg.starts_with("invalid FHIR code") => CrateKind::Quoted(q),
            (Some("id"), Some(q)) if msg.starts_with("invalid FHIR id") => CrateKind::Quoted(q),
            (Some("uri"), _) if msg.starts_with("FHIR uri must") => CrateKind::UriLike("uri"),
            (Some(t @ ("canonical" | "url")), _) if msg.starts_with("must be non-empty") => {
                CrateKind::UriLike(if t == "url" { "url" } else { "canonical" })
            }
            (Some("oid"), _) if msg.starts_with("FHIR oid must") => CrateKind::Oid,
            (Some("uuid"), _) if msg.starts_with("FHIR uuid must") => CrateKind::Uuid,
            _ if msg.starts_with("ele-1") => CrateKind::Ele1,
            _ if msg.starts_with("ext-1") => CrateKind::Ext1,
            _ if msg.starts_with("cardinality") => CrateKind::Cardinality,
            _ => CrateKind::Other,
        }
    }

    /// The issue is about a primitive value, whose type name ends the model's path.
    fn is_primitive(&self) -> bool {
        matches!(
            self,
            CrateKind::Quoted(_)
                | CrateKind::NotInValueSet(_)
                | CrateKind::UriLike(_)
                | CrateKind::Oid
                | CrateKind::Uuid
        )
    }

    /// Does the JSON value at a candidate location show this problem?
    fn matches(&self, v: &Value) -> bool {
        match self {
            CrateKind::Quoted(q) | CrateKind::NotInValueSet(q) => {
                v.as_str().is_some_and(|s| format!("{s:?}") == *q)
            }
            CrateKind::UriLike(_) => v.as_str().is_some_and(|s| s.is_empty() || s.trim() != s),
            CrateKind::Oid => v.as_str().is_some_and(|s| !s.starts_with("urn:oid:")),
            CrateKind::Uuid => v.as_str().is_some_and(|s| !s.starts_with("urn:uuid:")),
            CrateKind::Ele1 => v
                .as_object()
                .is_some_and(|o| o.iter().all(|(k, x)| k == "id" || is_null_or_empty(x))),
            CrateKind::Ext1 => v.as_object().is_some_and(|o| {
                let has_value = o.keys().any(|k| {
                    k.strip_prefix("value")
                        .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                });
                has_value == o.contains_key("extension")
            }),
            CrateKind::Cardinality | CrateKind::Other => true,
        }
    }

    fn code(&self) -> IssueCode {
        match self {
            CrateKind::NotInValueSet(_) => IssueCode::CodeInvalid,
            CrateKind::Cardinality => IssueCode::Required,
            CrateKind::Ele1 | CrateKind::Ext1 | CrateKind::Other => IssueCode::Invariant,
            _ => IssueCode::Value,
        }
    }

    fn message(&self, original: &str, def: Option<&ElementMeta>, name: &str) -> String {
        match self {
            CrateKind::NotInValueSet(q) => {
                let set = def
                    .and_then(|d| d.binding)
                    .and_then(|b| b.value_set)
                    .map(|vs| format!(" {vs}"))
                    .unwrap_or_default();
                format!("Code {q} is not in the required value set{set}")
            }
            CrateKind::Quoted(_) => capitalize(original),
            // Invariant messages start with their key (`ext-1: ...`); keep it as written.
            CrateKind::Ele1 | CrateKind::Ext1 | CrateKind::Other => original.to_owned(),
            CrateKind::UriLike(t) => {
                format!("Invalid {t}: must be non-empty and not surrounded by whitespace")
            }
            CrateKind::Oid => "Invalid oid: must start with 'urn:oid:'".to_owned(),
            CrateKind::Uuid => "Invalid uuid: must start with 'urn:uuid:'".to_owned(),
            CrateKind::Cardinality => {
                format!("Missing required element '{name}': at least one entry is required")
            }
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Map the model's issues (snake_case paths without indices, e.g. `name.given`) to JSON
/// locations in `root`, and add them to `issues` unless something there was already reported.
fn crate_issues(root: &Value, expr: &str, raw: Vec<ValidationIssue>, issues: &mut Vec<Issue>) {
    for vi in raw {
        let mut segs: Vec<&str> = vi.path.split('.').filter(|s| !s.is_empty()).collect();
        let kind = CrateKind::classify(&vi.message, segs.last().copied());
        if kind.is_primitive() {
            // The model names the primitive's type last: `gender.code`, `implicit_rules.uri`.
            segs.pop();
        }
        let mut found = Vec::new();
        let mut path = expr.to_owned();
        locate(
            root,
            None,
            Some(Node::Resource { embedded: false }),
            None,
            &segs,
            &kind,
            &mut path,
            &mut found,
        );
        if found.is_empty() && matches!(kind, CrateKind::Ele1) {
            // Only primitive-extension elements paired with a value (valid), or objects whose
            // content is already reported as empty or unknown.
            continue;
        }
        let name = segs
            .last()
            .map_or(String::new(), |s| json_name(strip_index(s).0).0);
        let locations: Vec<(String, Option<&'static ElementMeta>)> =
            if found.is_empty() || (!kind.is_primitive() && found.len() > 1) {
                // Not pinned down: the path without indices.
                let mut generic = expr.to_owned();
                for s in &segs {
                    let (field, index) = strip_index(s);
                    let (json, _) = json_name(field);
                    generic.push('.');
                    generic.push_str(&json);
                    if let Some(i) = index {
                        let _ = write!(generic, "[{i}]");
                    }
                }
                vec![(generic, None)]
            } else {
                found
            };
        for (location, def) in locations {
            if already_reported(issues, &location, &kind) {
                continue;
            }
            let msg = kind.message(&vi.message, def, &name);
            if issues
                .iter()
                .any(|i| i.expression.as_deref() == Some(&location) && i.diagnostics == msg)
            {
                continue;
            }
            issues.push(Issue::error(kind.code(), msg).at(location));
        }
    }
}

/// Was the problem at `location` already reported by an earlier, more precise check?
fn already_reported(issues: &[Issue], location: &str, kind: &CrateKind<'_>) -> bool {
    issues.iter().any(|i| {
        let Some(e) = i.expression.as_deref() else {
            return false;
        };
        if e == location {
            return true;
        }
        // ele-1 ("no value or children") is implied by an empty/unknown content report below.
        matches!(kind, CrateKind::Ele1) && {
            let stripped = strip_indices(e);
            [e, stripped.as_str()].iter().any(|x| {
                x.strip_prefix(location)
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
            })
        }
    })
}

fn strip_indices(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `contained[0]` -> (`contained`, Some(0)).
fn strip_index(seg: &str) -> (&str, Option<usize>) {
    match seg.split_once('[') {
        Some((field, rest)) => (field, rest.strip_suffix(']').and_then(|i| i.parse().ok())),
        None => (seg, None),
    }
}

/// A Rust field name to its JSON name: `birth_date` -> (`birthDate`, false),
/// `birth_date_ext` -> (`birthDate`, true) meaning `_birthDate`, `r#type` -> `type`.
fn json_name(field: &str) -> (String, bool) {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let (field, ext) = match field.strip_suffix("_ext") {
        Some(f) => (f, true),
        None => (field, false),
    };
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    (out, ext)
}

/// Find the JSON locations under `v` (typed `node`) that the model path `segs` names and that
/// show the problem `kind`.
#[allow(clippy::too_many_arguments)]
fn locate(
    v: &Value,
    paired: Option<&Value>,
    node: Option<Node>,
    def: Option<&'static ElementMeta>,
    segs: &[&str],
    kind: &CrateKind<'_>,
    path: &mut String,
    found: &mut Vec<(String, Option<&'static ElementMeta>)>,
) {
    if let Value::Array(items) = v {
        let paired = paired.and_then(Value::as_array);
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            let _ = write!(path, "[{i}]");
            let pair = paired.and_then(|a| a.get(i));
            locate(item, pair, node, def, segs, kind, path, found);
            path.truncate(len);
        }
        return;
    }
    let Some((seg, rest)) = segs.split_first() else {
        // `_given[1]: {"id": "x"}` opposite a value is a whole element: ele-1 holds.
        let has_value = paired.is_some_and(|p| !p.is_null());
        if kind.matches(v) && !(has_value && matches!(kind, CrateKind::Ele1)) {
            found.push((path.clone(), def));
        }
        return;
    };
    let Value::Object(obj) = v else {
        return;
    };
    let (field, index) = strip_index(seg);
    let (base, ext) = json_name(field);
    let ctx = ctx_of_opt(node, v);
    for (key, child) in obj {
        let plain = match (ext, key.strip_prefix('_')) {
            (true, Some(p)) => p,
            (false, None) => key.as_str(),
            _ => continue,
        };
        let resolved = ctx.map(|c| resolve(c, plain));
        let is_match = plain == base
            || match &resolved {
                Some(Resolved::Element { def, .. }) => {
                    def.path.ends_with("[x]")
                        && element_name(def).strip_suffix("[x]") == Some(base.as_str())
                }
                Some(Resolved::Unknown) => false,
                None => plain
                    .strip_prefix(base.as_str())
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase())),
            };
        if !is_match {
            continue;
        }
        let (child_node, child_def) = match resolved {
            Some(Resolved::Element { def, .. }) if ext => {
                (Some(Node::Complex("Element")), Some(def))
            }
            Some(Resolved::Element { node, def }) => (Some(node), Some(def)),
            _ => (None, None),
        };
        let pair = if ext { obj.get(plain) } else { None };
        let len = path.len();
        push_key(path, key);
        match index {
            Some(i) => {
                if let Some(item) = child.as_array().and_then(|a| a.get(i)) {
                    let _ = write!(path, "[{i}]");
                    let pair = pair.and_then(|p| p.get(i));
                    locate(item, pair, child_node, child_def, rest, kind, path, found);
                }
            }
            None => locate(child, pair, child_node, child_def, rest, kind, path, found),
        }
        path.truncate(len);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Run the full validation and also the definitions-only walk (no typed output), which must
    /// agree that a valid resource has no unknown elements.
    fn assert_valid(resource: &Value) {
        let issues = validate_resource(resource);
        assert!(issues.is_empty(), "expected no issues, got {issues:#?}");
        let rt = resource["resourceType"].as_str().unwrap();
        let mut walker = Walker {
            issues: Vec::new(),
            path: rt.to_owned(),
        };
        walker.object(
            resource.as_object().unwrap(),
            None,
            static_type_name(rt),
            true,
        );
        assert!(
            walker.issues.is_empty(),
            "element definitions disagree with the model: {:#?}",
            walker.issues
        );
    }

    fn expressions(issues: &[Issue]) -> Vec<&str> {
        issues
            .iter()
            .filter_map(|i| i.expression.as_deref())
            .collect()
    }

    /// The single issue at `expr`, or a panic listing what was found.
    fn issue_at<'a>(issues: &'a [Issue], expr: &str) -> &'a Issue {
        let at: Vec<&Issue> = issues
            .iter()
            .filter(|i| i.expression.as_deref() == Some(expr))
            .collect();
        assert_eq!(at.len(), 1, "expected one issue at {expr}, got {issues:#?}");
        at[0]
    }

    pub(super) fn patient() -> Value {
        json!({
            "resourceType": "Patient",
            "id": "example",
            "meta": {"versionId": "1", "lastUpdated": "2024-01-02T03:04:05.678Z"},
            "text": {
                "status": "generated",
                "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Peter James Chalmers</div>"
            },
            "identifier": [{
                "use": "usual",
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                "system": "urn:oid:1.2.36.146.595.217.0.1",
                "value": "12345",
                "period": {"start": "2001-05-06"},
                "assigner": {"display": "Acme Healthcare"}
            }],
            "active": true,
            "name": [
                {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
                {"use": "usual", "given": ["Jim"]},
                {"use": "maiden", "family": "Windsor", "given": ["Peter", "James"],
                 "period": {"end": "2002"}}
            ],
            "telecom": [
                {"use": "home"},
                {"system": "phone", "value": "(03) 5555 6473", "use": "work", "rank": 1},
                {"system": "phone", "value": "(03) 3410 5613", "use": "mobile", "rank": 2}
            ],
            "gender": "male",
            "birthDate": "1974-12-25",
            "_birthDate": {
                "extension": [{
                    "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                    "valueDateTime": "1974-12-25T14:35:45-05:00"
                }]
            },
            "deceasedBoolean": false,
            "address": [{
                "use": "home", "type": "both", "text": "534 Erewhon St PeasantVille, Rainbow, Vic  3999",
                "line": ["534 Erewhon St"], "city": "PleasantVille", "district": "Rainbow",
                "state": "Vic", "postalCode": "3999", "period": {"start": "1974-12-25"}
            }],
            "maritalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "M"}]},
            "multipleBirthInteger": 1,
            "contact": [{
                "relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "N"}]}],
                "name": {
                    "family": "du Marché",
                    "_family": {"extension": [{
                        "url": "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix",
                        "valueString": "VV"
                    }]},
                    "given": ["Bénédicte"]
                },
                "telecom": [{"system": "phone", "value": "+33 (237) 998327"}],
                "gender": "female",
                "period": {"start": "2012"}
            }],
            "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "nl"}]}, "preferred": true}],
            "generalPractitioner": [{"reference": "Practitioner/example"}],
            "managingOrganization": {"reference": "Organization/1"}
        })
    }

    pub(super) fn observation_for_bench() -> Value {
        observation()
    }

    pub(super) fn bundle_for_bench() -> Value {
        bundle()
    }

    fn observation() -> Value {
        json!({
            "resourceType": "Observation",
            "id": "f001",
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "15074-8", "display": "Glucose [Moles/volume] in Blood"}]},
            "subject": {"reference": "Patient/f001", "display": "P. van de Heuvel"},
            "effectivePeriod": {"start": "2013-04-02T09:30:10+01:00"},
            "issued": "2013-04-03T15:30:10+01:00",
            "performer": [{"reference": "Practitioner/f005"}],
            "valueQuantity": {"value": 6.3, "unit": "mmol/l", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
            "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "H"}]}],
            "referenceRange": [{
                "low": {"value": 3.1, "unit": "mmol/l", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
                "high": {"value": 6.2, "unit": "mmol/l", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
                "text": "normal"
            }],
            "component": [
                {
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                    "valueQuantity": {"value": 107, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}
                },
                {
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
                    "valueQuantity": {"value": 60.000, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
                    "interpretation": [{"text": "normal"}]
                }
            ]
        })
    }

    fn condition() -> Value {
        json!({
            "resourceType": "Condition",
            "id": "example",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "encounter-diagnosis"}]}],
            "severity": {"coding": [{"system": "http://snomed.info/sct", "code": "24484000", "display": "Severe"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "39065001"}], "text": "Burnt Ear"},
            "bodySite": [{"coding": [{"system": "http://snomed.info/sct", "code": "49521004"}]}],
            "subject": {"reference": "Patient/example"},
            "encounter": {"reference": "Encounter/f201"},
            "onsetDateTime": "2012-05-24",
            "abatementDateTime": "2012-06-24T10:00:00Z",
            "recordedDate": "2012-05-24T12:00:00+02:00",
            "note": [{"text": "Healing well", "time": "2012-06-01T08:00:00Z"}]
        })
    }

    fn encounter() -> Value {
        json!({
            "resourceType": "Encounter",
            "id": "home",
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH", "display": "home health"},
            "type": [{"text": "Home visit"}],
            "subject": {"reference": "Patient/example"},
            "participant": [{
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "PPRF"}]}],
                "period": {"start": "2015-01-17T16:00:00+10:00", "end": "2015-01-17T16:30:00+10:00"},
                "individual": {"reference": "Practitioner/example"}
            }],
            "period": {"start": "2015-01-17T16:00:00+10:00", "end": "2015-01-17T16:30:00+10:00"},
            "length": {"value": 30, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"},
            "reasonCode": [{"text": "Check-up"}],
            "hospitalization": {"dischargeDisposition": {"text": "home"}},
            "location": [{"location": {"reference": "Location/2"}, "status": "completed",
                          "period": {"start": "2015-01-17T16:00:00+10:00"}}]
        })
    }

    fn medication_request() -> Value {
        json!({
            "resourceType": "MedicationRequest",
            "id": "medrx0302",
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "582620", "display": "Nizatidine 15 MG/ML Oral Solution [Axid]"}]
            },
            "subject": {"reference": "Patient/pat1", "display": "Donald Duck"},
            "authoredOn": "2015-01-15",
            "requester": {"reference": "Practitioner/f007"},
            "reasonCode": [{"text": "Heartburn"}],
            "dosageInstruction": [{
                "sequence": 1,
                "text": "10 mL bid",
                "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d",
                                      "boundsPeriod": {"start": "2015-01-15"}}},
                "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006", "display": "Oral Route"}]},
                "doseAndRate": [{
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/dose-rate-type", "code": "ordered"}]},
                    "doseQuantity": {"value": 10, "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL"}
                }]
            }],
            "dispenseRequest": {
                "validityPeriod": {"start": "2015-01-15", "end": "2016-01-15"},
                "numberOfRepeatsAllowed": 1,
                "quantity": {"value": 480, "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL"},
                "expectedSupplyDuration": {"value": 30, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}
            },
            "substitution": {"allowedBoolean": true}
        })
    }

    fn coverage() -> Value {
        json!({
            "resourceType": "Coverage",
            "id": "9876B1",
            "identifier": [{"system": "http://benefitsinc.com/certificate", "value": "12345"}],
            "status": "active",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EHCPOL"}]},
            "policyHolder": {"reference": "Organization/CBI35"},
            "subscriber": {"reference": "Patient/4"},
            "subscriberId": "AB9876",
            "beneficiary": {"reference": "Patient/4"},
            "dependent": "1",
            "relationship": {"coding": [{"code": "self"}]},
            "period": {"start": "2011-05-23", "end": "2012-05-23"},
            "payor": [{"reference": "Organization/2"}],
            "class": [{
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"}]},
                "value": "CB135",
                "name": "Corporate Baker's Inc. Local #35"
            }],
            "order": 1,
            "costToBeneficiary": [{"type": {"text": "copay"}, "valueMoney": {"value": 20.00, "currency": "USD"}}]
        })
    }

    fn appointment() -> Value {
        json!({
            "resourceType": "Appointment",
            "id": "example",
            "status": "booked",
            "serviceCategory": [{"coding": [{"system": "http://example.org/service-category", "code": "gp"}]}],
            "serviceType": [{"coding": [{"code": "52", "display": "General Discussion"}]}],
            "appointmentType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "FOLLOWUP"}]},
            "priority": 5,
            "description": "Discussion on the results of your recent MRI",
            "start": "2013-12-10T09:00:00Z",
            "end": "2013-12-10T11:00:00Z",
            "minutesDuration": 120,
            "slot": [{"reference": "Slot/example"}],
            "created": "2013-10-10",
            "comment": "Further expand on the results of the MRI",
            "participant": [
                {"actor": {"reference": "Patient/example"}, "required": "required", "status": "accepted"},
                {"type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "ATND"}]}],
                 "actor": {"reference": "Practitioner/example"}, "required": "required", "status": "accepted"}
            ],
            "requestedPeriod": [{"start": "2013-12-10T09:00:00Z", "end": "2013-12-10T11:00:00Z"}]
        })
    }

    fn slot() -> Value {
        json!({
            "resourceType": "Slot",
            "id": "1",
            "serviceCategory": [{"coding": [{"code": "17", "display": "General Practice"}]}],
            "serviceType": [{"coding": [{"code": "57", "display": "Immunization"}]}],
            "appointmentType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "WALKIN"}]},
            "schedule": {"reference": "Schedule/example"},
            "status": "busy",
            "start": "2013-12-25T09:00:00Z",
            "end": "2013-12-25T09:15:00Z",
            "overbooked": false,
            "comment": "Assessments should be performed before requesting appointments in this slot."
        })
    }

    fn schedule() -> Value {
        json!({
            "resourceType": "Schedule",
            "id": "example",
            "identifier": [{"use": "usual", "system": "http://example.org/scheduleid", "value": "45"}],
            "active": true,
            "serviceCategory": [{"coding": [{"code": "17"}]}],
            "serviceType": [{"coding": [{"code": "57"}]}],
            "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": "408480009"}]}],
            "actor": [{"reference": "Location/1", "display": "Burgers University Medical Center"}],
            "planningHorizon": {"start": "2013-12-25T09:15:00Z", "end": "2013-12-25T09:30:00Z"},
            "comment": "The slots attached to this schedule should be specialized to cover immunizations"
        })
    }

    fn communication() -> Value {
        json!({
            "resourceType": "Communication",
            "id": "example",
            "status": "completed",
            "category": [{"coding": [{"system": "http://acme.org/messagetypes", "code": "Alert"}], "text": "Alert"}],
            "medium": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", "code": "WRITTEN"}]}],
            "subject": {"reference": "Patient/example"},
            "encounter": {"reference": "Encounter/example"},
            "sent": "2014-12-12T18:01:10-08:00",
            "received": "2014-12-12T18:01:11-08:00",
            "recipient": [{"reference": "Practitioner/example"}],
            "sender": {"reference": "Device/f001"},
            "payload": [
                {"contentString": "Patient 1 has a very high serum potassium value (7.2 mmol/L on 2014-Dec-12 at 5:55 pm)"},
                {"contentReference": {"display": "Serum Potassium Observation"}}
            ],
            "note": [{"text": "Sent by secure channel"}]
        })
    }

    fn practitioner() -> Value {
        json!({
            "resourceType": "Practitioner",
            "id": "example",
            "identifier": [{"system": "http://www.acme.org/practitioners", "value": "23"}],
            "active": true,
            "name": [{"family": "Careful", "given": ["Adam"], "prefix": ["Dr"]}],
            "telecom": [{"system": "email", "value": "adam.careful@example.org", "use": "work"}],
            "address": [{"use": "home", "line": ["534 Erewhon St"], "city": "PleasantVille", "state": "Vic", "postalCode": "3999"}],
            "gender": "male",
            "birthDate": "1971-11-07",
            "qualification": [{
                "identifier": [{"system": "http://example.org/UniversityIdentifier", "value": "12345"}],
                "code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0360/2.7", "code": "BS"}], "text": "Bachelor of Science"},
                "period": {"start": "1995"},
                "issuer": {"display": "Example University"}
            }],
            "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}]
        })
    }

    fn practitioner_role() -> Value {
        json!({
            "resourceType": "PractitionerRole",
            "id": "example",
            "active": true,
            "period": {"start": "2012-01-01", "end": "2012-03-31"},
            "practitioner": {"reference": "Practitioner/example", "display": "Dr Adam Careful"},
            "organization": {"reference": "Organization/f001"},
            "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0286", "code": "RP"}]}],
            "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": "408443003"}]}],
            "location": [{"reference": "Location/1"}],
            "telecom": [{"system": "phone", "value": "(03) 5555 6473", "use": "work"}],
            "availableTime": [
                {"daysOfWeek": ["mon", "tue", "wed"], "availableStartTime": "09:00:00", "availableEndTime": "16:30:00"},
                {"daysOfWeek": ["thu", "fri"], "availableStartTime": "09:00:00", "availableEndTime": "12:00:00"},
                {"daysOfWeek": ["sat"], "allDay": true}
            ],
            "notAvailable": [{"description": "Adam will be on extended leave during May 2017",
                              "during": {"start": "2017-05-01", "end": "2017-05-20"}}],
            "availabilityExceptions": "Adam is generally unavailable on public holidays"
        })
    }

    fn organization() -> Value {
        json!({
            "resourceType": "Organization",
            "id": "hl7",
            "identifier": [{"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.840.1.113883"}],
            "active": true,
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}],
            "name": "Health Level Seven International",
            "alias": ["HL7 International"],
            "telecom": [{"system": "phone", "value": "(+1) 734-677-7777"}, {"system": "fax", "value": "(+1) 734-677-6622"}],
            "address": [{"line": ["3300 Washtenaw Avenue, Suite 227"], "city": "Ann Arbor", "state": "MI", "postalCode": "48104", "country": "USA"}],
            "partOf": {"reference": "Organization/parent"},
            "contact": [{"purpose": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/contactentity-type", "code": "ADMIN"}]},
                         "name": {"text": "Front desk"}}]
        })
    }

    fn location() -> Value {
        json!({
            "resourceType": "Location",
            "id": "1",
            "status": "active",
            "name": "South Wing, second floor",
            "alias": ["BU MC, SW, F2"],
            "description": "Second floor of the Old South Wing, formerly in use by Psychiatry",
            "mode": "instance",
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "HOSP"}]}],
            "telecom": [{"system": "phone", "value": "2328", "use": "work"}, {"system": "url", "value": "http://sampleorg.com/southwing", "use": "work"}],
            "address": {"use": "work", "line": ["Galapagosweg 91, Building A"], "city": "Den Burg", "postalCode": "9105 PZ", "country": "NLD"},
            "physicalType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/location-physical-type", "code": "wi"}]},
            "position": {"longitude": -83.6945691, "latitude": 42.25475478, "altitude": 0},
            "managingOrganization": {"reference": "Organization/f001"},
            "hoursOfOperation": [{"daysOfWeek": ["mon", "tue"], "allDay": false, "openingTime": "08:00:00", "closingTime": "17:30:00"}],
            "endpoint": [{"reference": "Endpoint/example"}]
        })
    }

    fn allergy_intolerance() -> Value {
        json!({
            "resourceType": "AllergyIntolerance",
            "id": "example",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
            "type": "allergy",
            "category": ["food"],
            "criticality": "high",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "227493005", "display": "Cashew nuts"}]},
            "patient": {"reference": "Patient/example"},
            "onsetDateTime": "2004",
            "recordedDate": "2014-10-09T14:58:00+11:00",
            "recorder": {"reference": "Practitioner/example"},
            "lastOccurrence": "2012-06",
            "note": [{"text": "The criticality is high because of an observed anaphylactic reaction."}],
            "reaction": [{
                "substance": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1160593"}]},
                "manifestation": [{"coding": [{"system": "http://snomed.info/sct", "code": "39579001", "display": "Anaphylactic reaction"}]}],
                "description": "Challenge Protocol. Severe reaction to subcutaneous cashew extract.",
                "onset": "2012-06-12",
                "severity": "severe",
                "exposureRoute": {"coding": [{"system": "http://snomed.info/sct", "code": "34206005"}]}
            }]
        })
    }

    fn immunization() -> Value {
        json!({
            "resourceType": "Immunization",
            "id": "example",
            "status": "completed",
            "vaccineCode": {"coding": [{"system": "urn:oid:1.2.36.1.2001.1005.17", "code": "FLUVAX"}], "text": "Fluvax (Influenza)"},
            "patient": {"reference": "Patient/example"},
            "encounter": {"reference": "Encounter/example"},
            "occurrenceDateTime": "2013-01-10",
            "primarySource": true,
            "location": {"reference": "Location/1"},
            "manufacturer": {"reference": "Organization/hl7"},
            "lotNumber": "AAJN11K",
            "expirationDate": "2015-02-15",
            "site": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActSite", "code": "LA"}]},
            "route": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "code": "IM"}]},
            "doseQuantity": {"value": 5, "system": "http://unitsofmeasure.org", "code": "mg"},
            "performer": [{"function": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0443", "code": "OP"}]},
                           "actor": {"reference": "Practitioner/example"}}],
            "note": [{"text": "Notes on adminstration of vaccine"}],
            "isSubpotent": true,
            "fundingSource": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/immunization-funding-source", "code": "private"}]},
            "protocolApplied": [{"series": "2-dose", "targetDisease": [{"coding": [{"system": "http://snomed.info/sct", "code": "40468003"}]}],
                                 "doseNumberPositiveInt": 1, "seriesDosesPositiveInt": 2}]
        })
    }

    fn procedure() -> Value {
        json!({
            "resourceType": "Procedure",
            "id": "example",
            "status": "completed",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "80146002", "display": "Appendectomy"}]},
            "subject": {"reference": "Patient/example"},
            "performedPeriod": {"start": "2013-03-24T09:30:10+01:00", "end": "2013-03-24T10:30:10+01:00"},
            "recorder": {"reference": "Practitioner/example"},
            "performer": [{"actor": {"reference": "Practitioner/example", "display": "Dr Cecil Surgeon"}}],
            "reasonCode": [{"text": "Generalized abdominal pain 24 hours. Localized in RIF with rebound and guarding"}],
            "bodySite": [{"coding": [{"system": "http://snomed.info/sct", "code": "66754008"}]}],
            "outcome": {"text": "Uneventful"},
            "followUp": [{"text": "ROS 5 days  - 2013-04-10"}],
            "note": [{"text": "Routine Appendectomy. Appendix was inflamed and in retro-caecal position"}]
        })
    }

    fn procedure_performed_datetime() -> Value {
        json!({
            "resourceType": "Procedure",
            "status": "completed",
            "subject": {"reference": "Patient/example"},
            "performedDateTime": "2013-04-05T10:30:10+01:00"
        })
    }

    fn diagnostic_report() -> Value {
        json!({
            "resourceType": "DiagnosticReport",
            "id": "f001",
            "identifier": [{"use": "official", "system": "http://www.bmc.nl/zorgportal/identifiers/reports", "value": "nr1239044"}],
            "basedOn": [{"reference": "ServiceRequest/req"}],
            "status": "final",
            "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "252275004"},
                                     {"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "HM"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
            "subject": {"reference": "Patient/f001"},
            "effectiveDateTime": "2013-04-02T09:30:10+01:00",
            "issued": "2013-05-15T19:32:52+01:00",
            "performer": [{"reference": "Organization/f001"}],
            "result": [{"reference": "Observation/f001"}, {"reference": "Observation/f002"}],
            "conclusion": "Core lab",
            "presentedForm": [{"contentType": "application/pdf", "data": "JVBERi0xLjQ=", "title": "Report"}]
        })
    }

    fn bundle() -> Value {
        json!({
            "resourceType": "Bundle",
            "id": "bundle-transaction",
            "meta": {"lastUpdated": "2014-08-18T01:43:30Z"},
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
                    "resource": {
                        "resourceType": "Patient",
                        "active": true,
                        "name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}],
                        "gender": "male",
                        "birthDate": "1974-12-25"
                    },
                    "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=http:/example.org/fhir/ids|234234"}
                },
                {
                    "fullUrl": "http://example.org/fhir/Observation/123",
                    "resource": observation(),
                    "request": {"method": "PUT", "url": "Observation/123"}
                },
                {"request": {"method": "DELETE", "url": "Patient/234"}}
            ]
        })
    }

    fn searchset_bundle() -> Value {
        json!({
            "resourceType": "Bundle",
            "id": "search",
            "type": "searchset",
            "total": 1,
            "link": [{"relation": "self", "url": "http://example.org/fhir/Patient?name=peter"}],
            "entry": [{
                "fullUrl": "http://example.org/fhir/Patient/example",
                "resource": patient(),
                "search": {"mode": "match", "score": 1}
            }]
        })
    }

    #[test]
    fn valid_examples_have_no_issues() {
        for resource in [
            patient(),
            observation(),
            condition(),
            encounter(),
            medication_request(),
            coverage(),
            appointment(),
            slot(),
            schedule(),
            communication(),
            practitioner(),
            practitioner_role(),
            organization(),
            location(),
            allergy_intolerance(),
            immunization(),
            procedure(),
            procedure_performed_datetime(),
            diagnostic_report(),
            bundle(),
            searchset_bundle(),
        ] {
            assert_valid(&resource);
        }
    }

    #[test]
    fn more_valid_shapes_have_no_issues() {
        let obs = |value: (&str, Value)| {
            let mut o = json!({
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"}
            });
            o[value.0] = value.1;
            o
        };
        for value in [
            (
                "valueCodeableConcept",
                json!({"coding": [{"system": "http://snomed.info/sct", "code": "260385009"}]}),
            ),
            ("valueString", json!("positive")),
            ("valueBoolean", json!(false)),
            ("valueInteger", json!(-3)),
            (
                "valueRange",
                json!({"low": {"value": 1}, "high": {"value": 2}}),
            ),
            (
                "valueRatio",
                json!({"numerator": {"value": 1}, "denominator": {"value": 128}}),
            ),
            (
                "valueSampledData",
                json!({"origin": {"value": 0}, "period": 10, "dimensions": 1, "data": "1 2 3 E"}),
            ),
            ("valueTime", json!("12:30:00")),
            ("valueDateTime", json!("2020-02-29T12:30:00.5-03:00")),
            ("valuePeriod", json!({"start": "2020", "end": "2021-06"})),
            (
                "valueQuantity",
                json!({"value": 1.5e2, "comparator": ">=", "unit": "g"}),
            ),
            ("valueQuantity", json!({"value": 0.000000000000000000001})),
            (
                "dataAbsentReason",
                json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "unknown"}]}),
            ),
        ] {
            assert_valid(&obs(value));
        }

        assert_valid(&json!({
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": "x"},
            "valueString": "high",
            "_valueString": {"extension": [{"url": "http://example.org/e", "valueCode": "c"}]},
            "_status": {"id": "s1"},
            "modifierExtension": [{"url": "http://example.org/m", "valueBoolean": true}],
            "extension": [{
                "url": "http://example.org/complex",
                "extension": [
                    {"url": "a", "valueReference": {"reference": "Patient/1"}},
                    {"url": "b", "valuePeriod": {"start": "2020-01-01"}},
                    {"url": "c", "valueTiming": {"event": ["2020-01-01T10:00:00Z"], "repeat": {"boundsDuration": {"value": 5, "unit": "d"}, "count": 3, "dayOfWeek": ["mon"], "timeOfDay": ["08:00:00"], "when": ["MORN"]}}},
                    {"url": "d", "valueDate": "2020-02"},
                    {"url": "e", "valueInstant": "2020-02-01T00:00:00.000Z"},
                    {"url": "g", "valueUnsignedInt": 0},
                    {"url": "h", "valueAttachment": {"contentType": "text/plain", "data": "aGVsbG8="}},
                    {"url": "i", "valueHumanName": {"family": "X", "given": ["Y"]}},
                    {"url": "j", "valueAddress": {"city": "Z"}},
                    {"url": "k", "valueIdentifier": {"value": "1"}},
                    {"url": "l", "valueMoney": {"value": 1, "currency": "EUR"}},
                    {"url": "m", "valueAge": {"value": 3, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}},
                    {"url": "n", "valueMeta": {"tag": [{"code": "x"}]}},
                    {"url": "o", "valueBase64Binary": "AAAA"},
                    {"url": "p", "valueCanonical": "http://example.org/sd|1.0"},
                    {"url": "q", "valueUuid": "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"},
                    {"url": "r", "valueOid": "urn:oid:1.2.3"},
                    {"url": "s", "valueMarkdown": "**x**"},
                    {"url": "t", "valueDosage": {"text": "x", "doseAndRate": [{"rateRatio": {"numerator": {"value": 1}, "denominator": {"value": 1}}}]}}
                ]
            }]
        }));

        // Decimal precision beyond f64 survives (arbitrary_precision) and is not a difference.
        let precise: Value = serde_json::from_str(
            r#"{"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                "valueQuantity": {"value": 1.234567890123456789012345678901, "unit": "g"},
                "referenceRange": [{"low": {"value": 1E-7}, "high": {"value": 12.50}}]}"#,
        )
        .unwrap();
        assert_valid(&precise);

        assert_valid(&json!({
            "resourceType": "Questionnaire",
            "status": "active",
            "item": [{
                "linkId": "1", "type": "group", "text": "Group",
                "item": [{
                    "linkId": "1.1", "type": "choice", "required": true,
                    "enableWhen": [{"question": "1.0", "operator": "exists", "answerBoolean": true}],
                    "answerOption": [{"valueCoding": {"code": "y"}}, {"valueString": "n", "initialSelected": true}],
                    "item": [{"linkId": "1.1.1", "type": "date", "initial": [{"valueDate": "2020-01-01"}]}]
                }]
            }]
        }));

        assert_valid(&json!({
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "authored": "2020-01-01T10:00:00Z",
            "item": [{"linkId": "1", "answer": [{"valueInteger": 3, "item": [{"linkId": "1.1", "answer": [{"valueDecimal": 2.50}]}]}]}]
        }));

        let mut p = patient();
        p["contained"] = json!([
            {"resourceType": "Organization", "id": "org1", "name": "Acme", "telecom": [{"system": "phone", "value": "1"}]},
            {"resourceType": "Practitioner", "id": "pr1", "name": [{"family": "Who"}]}
        ]);
        p["managingOrganization"] = json!({"reference": "#org1"});
        p["name"][0]["_given"] =
            json!([null, {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}]);
        p["name"][1]["given"] = json!(["Jim", null]);
        p["name"][1]["_given"] =
            json!([null, {"extension": [{"url": "http://example.org/x", "valueBoolean": true}]}]);
        assert_valid(&p);

        assert_valid(&json!({
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [{
                "response": {
                    "status": "201 Created",
                    "location": "Patient/1/_history/1",
                    "etag": "W/\"1\"",
                    "lastModified": "2020-01-01T00:00:00Z",
                    "outcome": {
                        "resourceType": "OperationOutcome",
                        "issue": [{"severity": "information", "code": "informational", "diagnostics": "ok", "expression": ["Patient.id"]}]
                    }
                }
            }]
        }));

        assert_valid(&json!({
            "resourceType": "Parameters",
            "parameter": [
                {"name": "a", "valueString": "x"},
                {"name": "b", "part": [{"name": "c", "valueInteger": 1}]},
                {"name": "d", "resource": patient()}
            ]
        }));

        assert_valid(&json!({
            "resourceType": "Binary",
            "id": "b1",
            "contentType": "application/pdf",
            "data": "JVBERi0xLjQ="
        }));

        assert_valid(&json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2020-01-01",
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "rest": [{"mode": "server", "resource": [{
                "type": "Patient",
                "interaction": [{"code": "read"}, {"code": "create"}],
                "searchParam": [{"name": "name", "type": "string"}]
            }]}]
        }));
    }

    // ----- type errors ---------------------------------------------------------------------

    #[test]
    fn wrong_primitive_type_is_reported_at_its_path() {
        let issues = validate_resource(&json!({"resourceType": "Patient", "birthDate": 123}));
        let i = issue_at(&issues, "Patient.birthDate");
        assert_eq!(i.code, IssueCode::Structure);
        assert!(i.diagnostics.contains("birthDate"), "{i}");
        assert!(i.diagnostics.contains("expected a string"), "{i}");

        let issues = validate_resource(&json!({"resourceType": "Patient", "active": "yes"}));
        let i = issue_at(&issues, "Patient.active");
        assert!(i.diagnostics.contains("expected a boolean"), "{i}");
        assert_eq!(issues.len(), 1, "{issues:#?}");
    }

    #[test]
    fn object_instead_of_array_is_a_type_error_not_just_empty() {
        let issues = validate_resource(&json!({"resourceType": "Patient", "name": {}}));
        assert_eq!(issues.len(), 1, "{issues:#?}");
        assert_eq!(issues[0].expression.as_deref(), Some("Patient.name"));
        assert_eq!(
            issues[0].diagnostics,
            "Wrong type for element 'name': found an object, expected an array"
        );
    }

    #[test]
    fn wrong_type_deep_in_an_array_has_indices() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "name": [{"family": "A"}, {"given": ["Ann", 5]}]
        }));
        let i = issue_at(&issues, "Patient.name[1].given[1]");
        assert_eq!(i.code, IssueCode::Structure);
        assert!(i.diagnostics.contains("found number 5"), "{i}");
    }

    #[test]
    fn missing_required_element() {
        let issues =
            validate_resource(&json!({"resourceType": "Observation", "code": {"text": "x"}}));
        let i = issue_at(&issues, "Observation.status");
        assert_eq!(i.code, IssueCode::Required);
        assert_eq!(i.diagnostics, "Missing required element 'status'");

        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "link": [{"type": "seealso"}]
        }));
        assert_eq!(
            issue_at(&issues, "Patient.link[0].other").code,
            IssueCode::Required
        );
    }

    #[test]
    fn errors_inside_choice_elements_are_located() {
        // The model flattens value[x]; the error position must still come out precisely.
        let mut obs = observation();
        obs["valueQuantity"]["value"] = json!("abc");
        let issues = validate_resource(&obs);
        assert_eq!(
            expressions(&issues),
            ["Observation.valueQuantity.value"],
            "{issues:#?}"
        );

        let mut obs = observation();
        obs["component"][1]["valueQuantity"] = json!(60);
        let issues = validate_resource(&obs);
        let i = issue_at(&issues, "Observation.component[1].valueQuantity");
        assert!(
            i.diagnostics.contains("expected an object (Quantity)"),
            "{i}"
        );

        let mut mr = medication_request();
        mr["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["start"] = json!(true);
        let issues = validate_resource(&mr);
        issue_at(
            &issues,
            "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start",
        );

        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "extension": [{"url": "http://example.org/x", "valueBoolean": "yes"}]
        }));
        issue_at(&issues, "Patient.extension[0].valueBoolean");
    }

    #[test]
    fn errors_inside_nested_resources_are_located() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "contained": [{"resourceType": "Organization", "id": "o1", "name": 5}]
        }));
        issue_at(&issues, "Patient.contained[0].name");

        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "contained": [{"resourceType": "Organisation", "id": "o1"}]
        }));
        let i = issue_at(&issues, "Patient.contained[0].resourceType");
        assert!(i.diagnostics.contains("'Organisation'"), "{i}");

        let mut b = bundle();
        b["entry"][1]["resource"]["status"] = json!(1);
        let issues = validate_resource(&b);
        assert_eq!(
            expressions(&issues),
            ["Bundle.entry[1].resource.status"],
            "{issues:#?}"
        );

        let issues = validate_resource(&json!({
            "resourceType": "Parameters",
            "parameter": [{"name": "p", "resource": {"resourceType": "Patient", "birthDate": "1999-02-29"}}]
        }));
        let i = issue_at(&issues, "Parameters.parameter[0].resource.birthDate");
        assert_eq!(i.code, IssueCode::Value);
    }

    // ----- unknown elements ----------------------------------------------------------------

    #[test]
    fn unknown_elements_top_level_and_nested() {
        let mut p = patient();
        p["foo"] = json!("bar");
        p["name"][0]["foo"] = json!({"x": 1});
        p["contact"][0]["name"]["_family"]["bogus"] = json!(true);
        let issues = validate_resource(&p);
        assert_eq!(
            expressions(&issues),
            [
                "Patient.name[0].foo",
                "Patient.contact[0].name.family.bogus",
                "Patient.foo"
            ],
            "{issues:#?}"
        );
        let i = issue_at(&issues, "Patient.foo");
        assert_eq!(i.code, IssueCode::Structure);
        assert_eq!(i.diagnostics, "Unrecognized element 'foo'");
    }

    #[test]
    fn unknown_elements_in_nested_resources() {
        let mut b = bundle();
        b["entry"][0]["resource"]["nickname"] = json!("Pete");
        b["entry"][1]["resource"]["referenceRange"][0]["lowest"] = json!(1);
        let issues = validate_resource(&b);
        assert_eq!(
            expressions(&issues),
            [
                "Bundle.entry[0].resource.nickname",
                "Bundle.entry[1].resource.referenceRange[0].lowest"
            ],
            "{issues:#?}"
        );

        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "contained": [{"resourceType": "Organization", "id": "o1", "nmae": "Acme"}]
        }));
        assert_eq!(expressions(&issues), ["Patient.contained[0].nmae"]);
    }

    #[test]
    fn resource_type_is_only_allowed_on_resources() {
        let mut p = patient();
        p["name"][0]["resourceType"] = json!("HumanName");
        let issues = validate_resource(&p);
        assert_eq!(expressions(&issues), ["Patient.name[0].resourceType"]);
    }

    #[test]
    fn choice_elements_with_a_wrong_type_or_twice() {
        let mut obs = observation();
        obs["valueFoo"] = json!(1);
        let issues = validate_resource(&obs);
        assert_eq!(expressions(&issues), ["Observation.valueFoo"]);

        let mut obs = observation();
        obs["valueString"] = json!("high");
        let issues = validate_resource(&obs);
        let i = issue_at(&issues, "Observation.valueString");
        assert!(i.diagnostics.contains("only one type"), "{i}");
    }

    #[test]
    fn unknown_elements_are_found_even_when_typing_fails() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "birthDate": 123,
            "hairColour": "red",
            "name": [{"family": "X", "middle": "Y"}]
        }));
        assert_eq!(
            expressions(&issues),
            [
                "Patient.birthDate",
                "Patient.hairColour",
                "Patient.name[0].middle"
            ],
            "{issues:#?}"
        );
    }

    #[test]
    fn primitive_extension_siblings_are_known() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "_birthDate": {"extension": [{"url": "http://example.org/x", "valueString": "y"}]},
            "name": [{"given": ["A", "B"], "_given": [null, {"id": "g2"}]}]
        }));
        assert!(issues.is_empty(), "{issues:#?}");

        // But only for primitives.
        let issues = validate_resource(&json!({"resourceType": "Patient", "_name": {"id": "n"}}));
        assert_eq!(expressions(&issues), ["Patient.name"]);
    }

    // ----- nulls and empties ---------------------------------------------------------------

    #[test]
    fn empty_strings_nulls_and_empty_containers_are_rejected() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "name": [{"family": "", "given": ["A", null]}],
            "telecom": [],
            "gender": null,
            "maritalStatus": {},
            "photo": [{}]
        }));
        let expect = [
            ("Patient.name[0].family", "Empty string not allowed"),
            ("Patient.name[0].given[1]", "null is not allowed"),
            ("Patient.telecom", "Empty array not allowed"),
            ("Patient.gender", "null is not allowed"),
            ("Patient.maritalStatus", "Empty object not allowed"),
            ("Patient.photo[0]", "Empty object not allowed"),
        ];
        for (expr, msg) in expect {
            let i = issue_at(&issues, expr);
            assert_eq!(i.diagnostics, msg);
            assert_eq!(i.code, IssueCode::Invalid);
        }
        assert_eq!(issues.len(), expect.len(), "{issues:#?}");
    }

    #[test]
    fn null_for_a_required_element_says_null() {
        let mut obs = observation();
        obs["status"] = Value::Null;
        let issues = validate_resource(&obs);
        assert_eq!(issues.len(), 1, "{issues:#?}");
        assert_eq!(issues[0].expression.as_deref(), Some("Observation.status"));
        assert_eq!(issues[0].diagnostics, NULL_MSG);
    }

    #[test]
    fn empty_required_array_says_empty() {
        let issues = validate_resource(&json!({"resourceType": "OperationOutcome", "issue": []}));
        assert_eq!(issues.len(), 1, "{issues:#?}");
        assert_eq!(issues[0].diagnostics, "Empty array not allowed");
        assert_eq!(
            issues[0].expression.as_deref(),
            Some("OperationOutcome.issue")
        );
    }

    // ----- primitive formats ---------------------------------------------------------------

    #[test]
    fn bad_dates_are_rejected_everywhere() {
        let cases: [(Value, &str, &str, &str); 10] = [
            (patient(), "/birthDate", "2020-13-45", "Patient.birthDate"),
            (
                patient(),
                "/name/2/period/end",
                "2002-02-29",
                "Patient.name[2].period.end",
            ),
            (
                patient(),
                "/meta/lastUpdated",
                "2024-01-02",
                "Patient.meta.lastUpdated",
            ),
            (
                observation(),
                "/issued",
                "2013-04-03T15:30:10",
                "Observation.issued",
            ),
            (
                observation(),
                "/effectivePeriod/start",
                "2013-04-02T25:30:10Z",
                "Observation.effectivePeriod.start",
            ),
            (
                condition(),
                "/onsetDateTime",
                "2012-5-24",
                "Condition.onsetDateTime",
            ),
            (appointment(), "/start", "2013-12-10", "Appointment.start"),
            (slot(), "/end", "2013-12-25T09:15Z", "Slot.end"),
            (communication(), "/sent", "yesterday", "Communication.sent"),
            (
                practitioner_role(),
                "/availableTime/0/availableStartTime",
                "9:00",
                "PractitionerRole.availableTime[0].availableStartTime",
            ),
        ];
        for (mut resource, pointer, bad, expr) in cases {
            *resource.pointer_mut(pointer).unwrap() = json!(bad);
            let issues = validate_resource(&resource);
            assert_eq!(issues.len(), 1, "{expr}: {issues:#?}");
            let i = issue_at(&issues, expr);
            assert_eq!(i.code, IssueCode::Value);
            assert!(i.diagnostics.contains(&format!("'{bad}'")), "{i}");
        }
        let mut c = condition();
        c["abatementDateTime"] = json!("2020-13-45");
        let issues = validate_resource(&c);
        assert_eq!(issues[0].diagnostics, "Invalid dateTime '2020-13-45'");
    }

    #[test]
    fn positive_int_must_be_positive() {
        let mut imm = immunization();
        imm["protocolApplied"][0]["doseNumberPositiveInt"] = json!(0);
        let issues = validate_resource(&imm);
        assert_eq!(
            expressions(&issues),
            ["Immunization.protocolApplied[0].doseNumberPositiveInt"]
        );
    }

    #[test]
    fn resource_ids_are_checked() {
        for bad in ["bad id!", "a/b", &"x".repeat(65)] {
            let mut p = patient();
            p["id"] = json!(bad);
            let issues = validate_resource(&p);
            assert_eq!(issues.len(), 1, "{issues:#?}");
            let i = issue_at(&issues, "Patient.id");
            assert_eq!(i.code, IssueCode::Value);
            assert!(i.diagnostics.contains(bad), "{i}");
        }
        let mut p = patient();
        p["id"] = json!("A-1.b");
        assert_valid(&p);

        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "contained": [{"resourceType": "Organization", "id": "#o1", "name": "Acme"}]
        }));
        assert_eq!(expressions(&issues), ["Patient.contained[0].id"]);
    }

    // ----- the model's own checks ----------------------------------------------------------

    #[test]
    fn model_checks_are_mapped_to_json_locations() {
        let mut p = patient();
        p["gender"] = json!("robot");
        p["contact"][0]["gender"] = json!("robot");
        p["communication"][0]["language"]["coding"][0]["code"] = json!("en  US");
        p["implicitRules"] = json!(" http://example.org/rules");
        let issues = validate_resource(&p);
        let i = issue_at(&issues, "Patient.gender");
        assert_eq!(i.code, IssueCode::CodeInvalid);
        assert!(i.diagnostics.contains("\"robot\""), "{i}");
        assert!(i.diagnostics.contains("administrative-gender"), "{i}");
        issue_at(&issues, "Patient.contact[0].gender");
        let i = issue_at(&issues, "Patient.communication[0].language.coding[0].code");
        assert!(i.diagnostics.contains("en  US"), "{i}");
        let i = issue_at(&issues, "Patient.implicitRules");
        assert!(i.diagnostics.starts_with("Invalid uri"), "{i}");
        assert_eq!(issues.len(), 4, "{issues:#?}");
    }

    #[test]
    fn model_invariants_are_reported() {
        let issues = validate_resource(&json!({
            "resourceType": "Patient",
            "extension": [
                {"url": "http://example.org/a", "valueString": "ok"},
                {"url": "http://example.org/b"}
            ]
        }));
        let i = issue_at(&issues, "Patient.extension[1]");
        assert_eq!(i.code, IssueCode::Invariant);
        assert!(i.diagnostics.starts_with("ext-1"), "{i}");
        assert_eq!(issues.len(), 1, "{issues:#?}");
    }

    #[test]
    fn model_paths_convert_to_camel_case() {
        assert_eq!(json_name("birth_date"), ("birthDate".to_owned(), false));
        assert_eq!(json_name("birth_date_ext"), ("birthDate".to_owned(), true));
        assert_eq!(json_name("r#type"), ("type".to_owned(), false));
        assert_eq!(strip_index("contained[3]"), ("contained", Some(3)));
        assert_eq!(strip_indices("A.b[0].c[12]"), "A.b.c");
    }

    // ----- parse_json ----------------------------------------------------------------------

    /// Issue 12, finding 11: a key named twice is refused, at any depth, with its name.
    #[test]
    fn parse_json_refuses_duplicate_keys() {
        for body in [
            &br#"{"resourceType": "Patient", "id": "a", "id": "b"}"#[..],
            br#"{"resourceType": "Patient", "name": [{"family": "A", "family": "B"}]}"#,
        ] {
            let e = parse_json(body).unwrap_err();
            assert!(e.to_string().contains("duplicate key"), "{e}");
        }
        let v = parse_json(
            br#"{"resourceType": "Patient", "name": [{"family": "A"}, {"family": "B"}], "n": 1.5}"#,
        )
        .unwrap();
        assert_eq!(v["name"][1]["family"], "B");
        assert_eq!(v["n"], 1.5);
    }

    #[test]
    fn parse_json_accepts_a_resource() {
        let v = parse_json(br#"{"resourceType": "Patient", "id": "1"}"#).unwrap();
        assert_eq!(v["id"], "1");
        let v = parse_json(b"\xEF\xBB\xBF{\"resourceType\": \"Basic\"}").unwrap();
        assert_eq!(v["resourceType"], "Basic");
    }

    #[test]
    fn parse_json_rejects_bad_json_with_position() {
        let e = parse_json(b"{\n  \"resourceType\": \"Patient\",\n  \"id\": }").unwrap_err();
        assert_eq!(e.code, IssueCode::Structure);
        assert!(e.diagnostics.contains("line 3, column 9"), "{e}");
        let e = parse_json(b"").unwrap_err();
        assert!(e.diagnostics.starts_with("Invalid JSON at line 1"), "{e}");
    }

    #[test]
    fn parse_json_rejects_non_objects_and_bad_resource_types() {
        let e = parse_json(b"[{\"resourceType\": \"Patient\"}]").unwrap_err();
        assert_eq!(e.code, IssueCode::Structure);
        assert!(e.diagnostics.contains("found an array"), "{e}");

        let e = parse_json(b"{\"id\": \"1\"}").unwrap_err();
        assert_eq!(e.code, IssueCode::Required);
        assert!(e.diagnostics.contains("resourceType"), "{e}");

        let e = parse_json(b"{\"resourceType\": 7}").unwrap_err();
        assert!(e.diagnostics.contains("must be a string"), "{e}");

        let e = parse_json(b"{\"resourceType\": \"Patinet\"}").unwrap_err();
        assert_eq!(
            e.diagnostics,
            "Unknown resource type 'Patinet' (did you mean 'Patient'?)"
        );
        let e = parse_json(b"{\"resourceType\": \"Zebra\"}").unwrap_err();
        assert_eq!(e.diagnostics, "Unknown resource type 'Zebra'");
    }

    #[test]
    fn parse_json_rejects_oversized_bodies() {
        let body = vec![b' '; MAX_RESOURCE_BYTES + 1];
        assert_eq!(parse_json(&body).unwrap_err().code, IssueCode::TooLong);
    }

    // ----- resource types ------------------------------------------------------------------

    #[test]
    fn resource_types_are_sorted_complete_and_dispatch() {
        assert_eq!(RESOURCE_TYPES.len(), 146);
        assert!(RESOURCE_TYPES.windows(2).all(|w| w[0] < w[1]));
        for t in RESOURCE_TYPES {
            assert!(is_resource_type(t));
            // Every name reaches its struct, and the minimal resource of each type parses.
            let checked = visit_resource(
                t,
                FullCheck {
                    value: &json!({"resourceType": t}),
                },
            );
            assert!(checked.is_some(), "{t} does not dispatch");
            // And the name is a resource in the element definitions.
            assert!(
                meta::element(&format!("{t}.id")).is_some(),
                "{t} has no definitions"
            );
        }
        assert!(!is_resource_type("Patinet"));
        assert!(!is_resource_type("patient"));
        assert!(!is_resource_type(""));
    }

    #[test]
    fn unknown_resource_type_in_validate_resource() {
        let issues = validate_resource(&json!({"resourceType": "Patinet"}));
        assert_eq!(expressions(&issues), ["Resource.resourceType"]);
    }

    // ----- date/time functions -------------------------------------------------------------

    #[test]
    fn date_formats() {
        for ok in [
            "2024",
            "2024-02",
            "2024-02-29",
            "2000-02-29",
            "0001-01-01",
            "1999-12-31",
        ] {
            assert!(is_valid_date(ok), "{ok}");
        }
        for bad in [
            "",
            "0000",
            "24",
            "2024-2",
            "2024-13",
            "2024-00",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-01-00",
            "2024-01-1",
            "2024/01/01",
            "2024-01-01T00:00:00Z",
            "２０２４",
        ] {
            assert!(!is_valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn datetime_formats() {
        for ok in [
            "2024",
            "2024-03",
            "2024-03-01",
            "2024-03-01T10:20:30Z",
            "2024-03-01T10:20:30.123+05:30",
            "2024-03-01T23:59:60-14:00",
            "2024-03-01T00:00:00+14:00",
        ] {
            assert!(is_valid_datetime(ok), "{ok}");
        }
        for bad in [
            "2024-03-01T10:20:30",
            "2024-03-01T10:20Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T10:20:30+5:30",
            "2024-03-01T10:20:30+14:30",
            "2024-03-01T10:20:30.Z",
            "2024-03T10:20:30Z",
            "2024-03-01 10:20:30Z",
            "2024-03-01T10:20:30ZZ",
            "2024-02-30",
        ] {
            assert!(!is_valid_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn instant_and_time_formats() {
        assert!(is_valid_instant("2015-02-07T13:28:17.239+02:00"));
        assert!(is_valid_instant("2017-01-01T00:00:00Z"));
        for bad in [
            "2017-01-01",
            "2017-01-01T00:00:00",
            "2017-01-01T00:00Z",
            "2017",
        ] {
            assert!(!is_valid_instant(bad), "{bad}");
        }
        assert!(is_valid_time("09:00:00"));
        assert!(is_valid_time("23:59:59.5"));
        for bad in [
            "9:00:00",
            "09:00",
            "24:00:00",
            "09:60:00",
            "09:00:00Z",
            "09:00:00.",
        ] {
            assert!(!is_valid_time(bad), "{bad}");
        }
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("a"));
        assert!(is_valid_id(&"A".repeat(64)));
        assert!(is_valid_id("123-abc.DEF"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"A".repeat(65)));
        assert!(!is_valid_id("a_b"));
        assert!(!is_valid_id("é"));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod bench {
    use super::*;
    use std::time::Instant;

    fn per_item(start: Instant, n: u32) -> f64 {
        start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    }

    fn breakdown<T: DeserializeOwned + Serialize + Validate>(r: &Value, n: u32) {
        let rt = r["resourceType"].as_str().unwrap();
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(T::deserialize(std::hint::black_box(r)).unwrap());
        }
        let plain = per_item(start, n);
        let start = Instant::now();
        for _ in 0..n {
            let t: T = serde_path_to_error::deserialize(std::hint::black_box(r)).unwrap();
            std::hint::black_box(t);
        }
        let tracked = per_item(start, n);
        let typed: T = serde_path_to_error::deserialize(r).unwrap();
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(serde_json::to_value(std::hint::black_box(&typed)).unwrap());
        }
        let ser = per_item(start, n);
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(std::hint::black_box(&typed).validate());
        }
        let val = per_item(start, n);
        let out = serde_json::to_value(&typed).unwrap();
        let start = Instant::now();
        for _ in 0..n {
            let mut w = Walker {
                issues: Vec::new(),
                path: rt.to_owned(),
            };
            w.object(
                r.as_object().unwrap(),
                out.as_object(),
                static_type_name(rt),
                true,
            );
            std::hint::black_box(w.issues);
        }
        let walk = per_item(start, n);
        let start = Instant::now();
        for _ in 0..n {
            assert!(std::hint::black_box(validate_resource(r)).is_empty());
        }
        let full = per_item(start, n);
        println!(
            "{rt}: validate_resource {full:.1} us = deserialize (path-tracked) {tracked:.1} \
             [plain would be {plain:.1}] + serialize {ser:.1} + model checks {val:.1} \
             + walk {walk:.1} (+ nested resources)"
        );
    }

    /// `cargo test --release -p wellspring-fhir validate::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "timing, not a test"]
    fn throughput() {
        let n = 20_000;
        breakdown::<resources::Patient>(&super::tests::patient(), n);
        breakdown::<resources::Observation>(&super::tests::observation_for_bench(), n);
        breakdown::<resources::Bundle>(&super::tests::bundle_for_bench(), n);
    }
}
