//! HL7 v2.5.1 ORU^R01 lab results (FMT-04): validate a message and read what it says.
//!
//! The message is split into segments, fields, repetitions and components by `hl7-parser`; this
//! module checks the ORU structure (MSH {PID [PD1] [PV1] {[ORC] OBR {NTE} {OBX {NTE}}}}), the
//! required fields, the value types and codes, and yields an [`OruMessage`] or a [`Refusal`]
//! saying which field is wrong and how (the ACK's MSA-1 code, ERR's HL7 table 0357 code and the
//! location). Nothing here knows the store or the patient; matching is the service's job.

use hl7_parser::Message;
use hl7_parser::message::{Field, Segment, Separators};

/// MSA-1: how a message was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// Application accept: stored.
    Accept,
    /// Application error: well formed, but its content cannot be applied (unknown patient, a
    /// bad value). Resending it unchanged will fail again.
    Error,
    /// Application reject: not a message we take (structure, type, version, MSH fields).
    Reject,
}

impl AckCode {
    pub fn as_str(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// Why a message was not taken: for the ACK (MSA-1, ERR-3 from HL7 table 0357, ERR-2, ERR-8)
/// and for the staff work item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: AckCode,
    /// HL7 table 0357: 100 segment sequence, 101 required field missing, 102 data type,
    /// 103 table value not found, 200 unsupported message type, 201 unsupported event,
    /// 203 unsupported version, 204 unknown key identifier, 207 application internal error.
    pub hl7_error: u16,
    /// Segment name, its position among segments of that name (1-based) and field number.
    pub location: Option<(String, usize, usize)>,
    /// In words, for the sender and for staff.
    pub reason: String,
}

impl Refusal {
    fn new(code: AckCode, hl7_error: u16, reason: impl Into<String>) -> Refusal {
        Refusal {
            code,
            hl7_error,
            location: None,
            reason: reason.into(),
        }
    }

    /// Where: segment, its position among segments of that name, field.
    pub fn at(mut self, segment: &str, n: usize, field: usize) -> Refusal {
        self.location = Some((segment.to_owned(), n, field));
        self
    }

    /// An application error (AE) with a reason: unknown patient, a mismatch.
    pub fn application(hl7_error: u16, reason: impl Into<String>) -> Refusal {
        Refusal::new(AckCode::Error, hl7_error, reason)
    }
}

/// What MSH says about the sender (echoed in the ACK).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub sending_application: String,
    pub sending_facility: String,
    pub receiving_application: String,
    pub receiving_facility: String,
    pub control_id: String,
    pub processing_id: String,
    pub version: String,
}

/// The patient as the sender identifies them (PID-3, PID-5, PID-7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientId {
    pub mrn: String,
    pub family: String,
    pub given: String,
    /// `YYYY-MM-DD`, when PID-7 has a day.
    pub birth_date: Option<String>,
}

/// A coded value: (FHIR system, code, display).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub system: Option<String>,
    pub code: String,
    pub display: Option<String>,
}

/// An OBX-5 value.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultValue {
    /// NM, or SN with a comparator and one number.
    Quantity {
        value: Number,
        comparator: Option<String>,
    },
    /// SN `num1-num2` (a range) or `num1:num2` / `num1/num2` (a ratio).
    Range { low: Number, high: Number },
    Ratio {
        numerator: Number,
        denominator: Number,
    },
    /// ST, TX, FT.
    Text(String),
    /// CE, CWE.
    Coded(Code),
    /// Status X (cannot be obtained): no value.
    Absent,
}

/// A decimal as written (kept as text so "1.50" keeps its precision).
#[derive(Debug, Clone, PartialEq)]
pub struct Number(pub String);

impl Number {
    fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        let body = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let ok = !body.is_empty()
            && (!int.is_empty() || !frac.is_empty())
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| {
            let mut n = t.trim_start_matches('+').to_owned();
            if n.starts_with('.') {
                n.insert(0, '0');
            } else if n.starts_with("-.") {
                n.insert(1, '0');
            }
            if n.ends_with('.') {
                n.pop();
            }
            Number(n)
        })
    }

    /// As a JSON number (integers stay integers; decimals as f64).
    pub fn json(&self) -> serde_json::Value {
        if let Ok(i) = self.0.parse::<i64>() {
            return serde_json::Value::from(i);
        }
        self.0
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

/// The reference range of OBX-7.
#[derive(Debug, Clone, PartialEq)]
pub enum Range {
    Between(Number, Number),
    Below(Number),
    Above(Number),
    Text(String),
}

/// One OBX.
#[derive(Debug, Clone, PartialEq)]
pub struct ObxResult {
    pub set_id: String,
    pub value_type: String,
    pub code: Code,
    pub value: ResultValue,
    /// UCUM code and its display (OBX-6).
    pub unit: Option<(String, String)>,
    pub range: Option<Range>,
    /// OBX-8, e.g. "H", "LL", "A".
    pub flags: Vec<String>,
    /// OBX-11.
    pub status: ResultStatus,
    /// OBX-14, as a FHIR dateTime.
    pub observed: Option<String>,
    /// NTE segments after this OBX.
    pub notes: Vec<String>,
}

/// OBX-11 / OBR-25 result status (HL7 table 0085 / 0123).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultStatus {
    Preliminary,
    Final,
    Corrected,
    CannotObtain,
    /// D (delete) or W (wrong: posted to the wrong patient).
    EnteredInError,
}

impl ResultStatus {
    fn parse(s: &str) -> Option<ResultStatus> {
        Some(match s {
            "F" => ResultStatus::Final,
            "P" | "R" | "S" | "I" | "A" => ResultStatus::Preliminary,
            "C" => ResultStatus::Corrected,
            "X" => ResultStatus::CannotObtain,
            "D" | "W" => ResultStatus::EnteredInError,
            _ => return None,
        })
    }

    /// `Observation.status`.
    pub fn observation(self) -> &'static str {
        match self {
            ResultStatus::Preliminary => "preliminary",
            ResultStatus::Final => "final",
            ResultStatus::Corrected => "corrected",
            ResultStatus::CannotObtain => "cancelled",
            ResultStatus::EnteredInError => "entered-in-error",
        }
    }

    /// `DiagnosticReport.status`.
    pub fn report(self) -> &'static str {
        match self {
            ResultStatus::Preliminary => "preliminary",
            ResultStatus::Final => "final",
            ResultStatus::Corrected => "corrected",
            ResultStatus::CannotObtain => "cancelled",
            ResultStatus::EnteredInError => "entered-in-error",
        }
    }

    /// A result the member is shown as done (released at once, HIP-08).
    pub fn is_released(self) -> bool {
        matches!(self, ResultStatus::Final | ResultStatus::Corrected)
    }
}

/// One OBR with its results.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// OBR-3 (else OBR-2): the lab's number for this order; with the sending facility it
    /// identifies the report across corrections.
    pub filler_order: String,
    pub code: Code,
    /// OBR-7, as a FHIR dateTime.
    pub observed: Option<String>,
    /// OBR-22 (results reported), as a FHIR dateTime.
    pub reported: Option<String>,
    /// OBR-25; `None` when absent (then derived from the results).
    pub status: Option<ResultStatus>,
    /// NTE segments after the OBR (the clinician's or lab's comment on the report).
    pub notes: Vec<String>,
    pub results: Vec<ObxResult>,
}

impl Order {
    /// The report's status: OBR-25, else the least final of its results.
    pub fn report_status(&self) -> ResultStatus {
        if let Some(s) = self.status {
            return s;
        }
        let all = |s: ResultStatus| self.results.iter().all(|r| r.status == s);
        if self.results.is_empty()
            || self
                .results
                .iter()
                .any(|r| r.status == ResultStatus::Preliminary)
        {
            ResultStatus::Preliminary
        } else if all(ResultStatus::EnteredInError) {
            ResultStatus::EnteredInError
        } else if all(ResultStatus::CannotObtain) {
            ResultStatus::CannotObtain
        } else if self
            .results
            .iter()
            .any(|r| r.status == ResultStatus::Corrected)
        {
            ResultStatus::Corrected
        } else {
            ResultStatus::Final
        }
    }
}

/// A validated ORU^R01.
#[derive(Debug, Clone, PartialEq)]
pub struct OruMessage {
    pub header: Header,
    pub patient: PatientId,
    pub orders: Vec<Order>,
}

/// Largest message taken (a lab report is a few kilobytes).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Read what MSH says, as far as it can be read (for the ACK of a message that is refused).
pub fn header_of(text: &str) -> Header {
    match Message::parse(text) {
        Ok(m) => m
            .segment("MSH")
            .map(|s| header(s, &m.separators))
            .unwrap_or_default(),
        Err(_) => Header::default(),
    }
}

fn header(msh: &Segment, sep: &Separators) -> Header {
    let f = |n: usize| field_text(msh, n, sep);
    let c1 = |n: usize| component_text(msh.field(n), 1, sep);
    Header {
        sending_application: c1(3),
        sending_facility: c1(4),
        receiving_application: c1(5),
        receiving_facility: c1(6),
        control_id: f(10),
        processing_id: c1(11),
        version: c1(12),
    }
}

/// The text of a field, escapes decoded (the first repetition, all components as written).
fn field_text(s: &Segment, n: usize, sep: &Separators) -> String {
    s.field(n)
        .map(|f| clean(&f.display(sep).to_string()))
        .unwrap_or_default()
}

/// Trimmed, without control characters other than tab and line feed.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Component `c` of the first repetition of a field, escapes decoded, control characters
/// other than tab and line feed dropped.
fn component_text(f: Option<&Field>, c: usize, sep: &Separators) -> String {
    f.and_then(|f| f.component(c))
        .map(|c| clean(&c.display(sep).to_string()))
        .unwrap_or_default()
}

/// A FHIR `code`: no leading, trailing or doubled spaces, no other whitespace.
fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.split(' ')
            .all(|p| !p.is_empty() && !p.chars().any(char::is_whitespace))
}

/// Segments that may appear and are not read (patient visit details, specimens, timing,
/// software). `Z` segments are site-defined and ignored too.
const IGNORED: &[&str] = &[
    "SFT", "PD1", "NK1", "PV1", "PV2", "TQ1", "TQ2", "CTD", "FT1", "CTI", "SPM",
];

/// Validate and read an ORU^R01 (segments separated by carriage returns).
pub fn parse_oru(text: &str) -> Result<OruMessage, Refusal> {
    let reject = |e: u16, r: String| Refusal::new(AckCode::Reject, e, r);
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(reject(
            207,
            format!(
                "the message is {} bytes; at most {MAX_MESSAGE_BYTES} are taken",
                text.len()
            ),
        ));
    }
    if !text.starts_with("MSH") {
        return Err(reject(
            100,
            "the message does not start with an MSH segment".into(),
        ));
    }
    check_encoding(text)?;
    let m = Message::parse(text.trim_end_matches(['\r', '\n']))
        .map_err(|e| reject(100, format!("the message cannot be read as HL7 v2: {e}")))?;
    let sep = &m.separators;
    let Some(msh) = m.segments.first().filter(|s| s.name == "MSH") else {
        return Err(reject(100, "the first segment is not MSH".into()));
    };
    let h = header(msh, sep);
    for (n, what) in [
        (7, "MSH-7 (date/time of message)"),
        (9, "MSH-9 (message type)"),
        (10, "MSH-10 (message control id)"),
        (11, "MSH-11 (processing id)"),
        (12, "MSH-12 (version id)"),
    ] {
        if msh.field(n).is_none_or(Field::is_empty) {
            return Err(reject(101, format!("{what} is missing")).at("MSH", 1, n));
        }
    }
    let t = msh.field(9);
    let (kind, event) = (component_text(t, 1, sep), component_text(t, 2, sep));
    if kind != "ORU" {
        return Err(reject(
            200,
            format!("message type {kind} is not taken here; send ORU^R01 lab results"),
        )
        .at("MSH", 1, 9));
    }
    if event != "R01" {
        return Err(reject(
            201,
            format!("event {event} is not taken here; send ORU^R01"),
        )
        .at("MSH", 1, 9));
    }
    if !h.version.starts_with("2.") {
        return Err(reject(
            203,
            format!("version {} is not HL7 v2; send 2.5.1", h.version),
        )
        .at("MSH", 1, 12));
    }
    if !matches!(h.processing_id.as_str(), "P" | "T" | "D") {
        return Err(reject(
            103,
            format!(
                "processing id '{}' is not P, T or D (HL7 table 0103)",
                h.processing_id
            ),
        )
        .at("MSH", 1, 11));
    }
    if time(&field_text(msh, 7, sep)).is_none() {
        return Err(reject(102, "MSH-7 is not an HL7 date/time".into()).at("MSH", 1, 7));
    }

    // Structure: MSH, then PID, then {[ORC] OBR {NTE} {OBX {NTE}}}.
    let mut patient: Option<PatientId> = None;
    let mut orders: Vec<Order> = Vec::new();
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    // What an NTE attaches to: the last OBR or the last OBX.
    let mut last_was_obx = false;
    for s in m.segments.iter().skip(1) {
        let n = {
            let c = counts.entry(s.name).or_default();
            *c += 1;
            *c
        };
        let order_err = |what: &str| {
            Err(reject(100, format!("{} segment {n}: {what}", s.name)).at(s.name, n, 0))
        };
        match s.name {
            "MSH" => return order_err("only one MSH per message"),
            "PID" => {
                if patient.is_some() {
                    return order_err("send one patient per message");
                }
                if !orders.is_empty() {
                    return order_err("PID must come before the orders");
                }
                patient = Some(pid(s, sep)?);
            }
            "ORC" => {
                if patient.is_none() {
                    return order_err("ORC before PID");
                }
                last_was_obx = false;
            }
            "OBR" => {
                if patient.is_none() {
                    return order_err("OBR before PID");
                }
                orders.push(obr(s, n, sep)?);
                last_was_obx = false;
            }
            "OBX" => {
                let Some(o) = orders.last_mut() else {
                    return order_err("OBX before any OBR");
                };
                let r = obx(s, n, sep, o.observed.as_deref())?;
                o.results.push(r);
                last_was_obx = true;
            }
            "NTE" => {
                let note = field_text(s, 3, sep);
                match orders.last_mut() {
                    Some(o) if last_was_obx => {
                        if let Some(r) = o.results.last_mut() {
                            r.notes.push(note);
                        }
                    }
                    Some(o) => o.notes.push(note),
                    // NTE after PID: a patient note; not a result, not read.
                    None => {}
                }
            }
            name if name.starts_with('Z') || IGNORED.contains(&name) => {}
            other => {
                return Err(reject(
                    100,
                    format!("segment {other} does not belong in an ORU^R01"),
                )
                .at(other, n, 0));
            }
        }
    }
    let Some(patient) = patient else {
        return Err(reject(100, "the message has no PID segment".into()));
    };
    if orders.is_empty() {
        return Err(reject(100, "the message has no OBR segment".into()));
    }
    for (i, o) in orders.iter().enumerate() {
        if o.results.is_empty() {
            return Err(
                reject(100, format!("OBR segment {} has no OBX results", i + 1)).at(
                    "OBR",
                    i + 1,
                    0,
                ),
            );
        }
    }
    Ok(OruMessage {
        header: h,
        patient,
        orders,
    })
}

/// MSH-1 and MSH-2: one field separator, then four distinct encoding characters (component,
/// repetition, escape, subcomponent), none of them a letter, digit, space or the field
/// separator; MSH-2 may carry a fifth (truncation, v2.7).
fn check_encoding(text: &str) -> Result<(), Refusal> {
    let bad = |why: &str| {
        Err(Refusal::new(
            AckCode::Reject,
            102,
            format!("MSH-2 (encoding characters) {why}"),
        )
        .at("MSH", 1, 2))
    };
    let mut chars = text.chars().skip(3);
    let Some(fs) = chars.next() else {
        return bad("is missing");
    };
    if fs.is_alphanumeric() || fs.is_whitespace() {
        return bad("cannot follow a field separator that is a letter, digit or space");
    }
    let enc: String = chars.take_while(|c| *c != fs).collect();
    if enc.chars().count() < 4 || enc.chars().count() > 5 {
        return bad(&format!(
            "must be four characters (component, repetition, escape, subcomponent), not '{enc}'"
        ));
    }
    let mut seen = vec![fs];
    for c in enc.chars() {
        if c.is_alphanumeric() || c.is_whitespace() || seen.contains(&c) {
            return bad(&format!(
                "'{enc}' repeats a separator or uses a letter, digit or space"
            ));
        }
        seen.push(c);
    }
    Ok(())
}

fn pid(s: &Segment, sep: &Separators) -> Result<PatientId, Refusal> {
    let missing = |f: usize, what: &str| {
        Err(
            Refusal::new(AckCode::Error, 101, format!("PID-{f} ({what}) is missing"))
                .at("PID", 1, f),
        )
    };
    // PID-3 may repeat (MRN, then others); the MRN is the repetition typed MR, else the first.
    let ids = s.field(3);
    let mut mrn = String::new();
    if let Some(f) = ids {
        for r in f.repeats() {
            let id = r
                .component(1)
                .map(|c| c.display(sep).to_string())
                .unwrap_or_default();
            let kind = r.component(5).map(|c| c.raw_value()).unwrap_or_default();
            if mrn.is_empty() || kind == "MR" {
                mrn = id.trim().to_owned();
            }
            if kind == "MR" {
                break;
            }
        }
    }
    if mrn.is_empty() {
        return missing(3, "patient identifier list: the medical record number");
    }
    let family = component_text(s.field(5), 1, sep);
    let given = component_text(s.field(5), 2, sep);
    if family.is_empty() {
        return missing(5, "patient name");
    }
    let birth = field_text(s, 7, sep);
    let birth_date = if birth.is_empty() {
        None
    } else {
        match time(&birth) {
            Some(t) if t.len() >= 10 => Some(t[..10].to_owned()),
            _ => {
                return Err(Refusal::new(
                    AckCode::Error,
                    102,
                    format!("PID-7 (date of birth) '{birth}' is not a date"),
                )
                .at("PID", 1, 7));
            }
        }
    };
    Ok(PatientId {
        mrn,
        family,
        given,
        birth_date,
    })
}

/// A coded element (CE/CWE): `None` when it has no code; a code that is not a valid FHIR
/// code (whitespace inside) is reported by [`bad_code`].
fn code_of(f: Option<&Field>, sep: &Separators) -> Option<Code> {
    let code = component_text(f, 1, sep);
    if code.is_empty() {
        return None;
    }
    let display = Some(component_text(f, 2, sep)).filter(|d| !d.is_empty());
    let system = coding_system(&component_text(f, 3, sep));
    Some(Code {
        system,
        code,
        display,
    })
}

/// HL7 table 0396 coding systems to FHIR system URLs.
fn coding_system(s: &str) -> Option<String> {
    Some(
        match s {
            "LN" => "http://loinc.org",
            "SCT" | "SNM" => "http://snomed.info/sct",
            "UCUM" => "http://unitsofmeasure.org",
            "HL70078" => "http://terminology.hl7.org/CodeSystem/v2-0078",
            "" => return None,
            other => return Some(format!("urn:wellspring:hl7-coding-system:{other}")),
        }
        .to_owned(),
    )
}

fn obr(s: &Segment, n: usize, sep: &Separators) -> Result<Order, Refusal> {
    let filler = Some(component_text(s.field(3), 1, sep))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| component_text(s.field(2), 1, sep));
    if filler.is_empty() {
        return Err(Refusal::new(
            AckCode::Error,
            101,
            format!("OBR segment {n}: OBR-3 (filler order number) is missing"),
        )
        .at("OBR", n, 3));
    }
    let Some(code) = code_of(s.field(4), sep) else {
        return Err(Refusal::new(
            AckCode::Error,
            101,
            format!("OBR segment {n}: OBR-4 (universal service identifier) is missing"),
        )
        .at("OBR", n, 4));
    };
    if !valid_code(&code.code) {
        return Err(Refusal::new(
            AckCode::Error,
            102,
            format!(
                "OBR segment {n}: OBR-4 code '{}' is not a valid code",
                code.code.escape_debug()
            ),
        )
        .at("OBR", n, 4));
    }
    let when = |f: usize| -> Result<Option<String>, Refusal> {
        let t = field_text(s, f, sep);
        if t.is_empty() {
            return Ok(None);
        }
        time(&t).map(Some).ok_or_else(|| {
            Refusal::new(
                AckCode::Error,
                102,
                format!("OBR segment {n}: OBR-{f} '{t}' is not an HL7 date/time"),
            )
            .at("OBR", n, f)
        })
    };
    let st = field_text(s, 25, sep);
    let status = if st.is_empty() {
        None
    } else {
        Some(ResultStatus::parse(&st).ok_or_else(|| {
            Refusal::new(
                AckCode::Error,
                103,
                format!("OBR segment {n}: OBR-25 result status '{st}' is not in HL7 table 0123"),
            )
            .at("OBR", n, 25)
        })?)
    };
    Ok(Order {
        filler_order: filler,
        code,
        observed: when(7)?,
        reported: when(22)?,
        status,
        notes: Vec::new(),
        results: Vec::new(),
    })
}

fn obx(
    s: &Segment,
    n: usize,
    sep: &Separators,
    order_time: Option<&str>,
) -> Result<ObxResult, Refusal> {
    let err = |e: u16, f: usize, why: String| {
        Err(Refusal::new(AckCode::Error, e, format!("OBX segment {n}: {why}")).at("OBX", n, f))
    };
    let value_type = field_text(s, 2, sep);
    let Some(code) = code_of(s.field(3), sep) else {
        return err(101, 3, "OBX-3 (observation identifier) is missing".into());
    };
    if !valid_code(&code.code) {
        return err(
            102,
            3,
            format!(
                "OBX-3 code '{}' is not a valid code",
                code.code.escape_debug()
            ),
        );
    }
    let status_text = field_text(s, 11, sep);
    let Some(status) = ResultStatus::parse(&status_text) else {
        return if status_text.is_empty() {
            err(101, 11, "OBX-11 (result status) is missing".into())
        } else {
            err(
                103,
                11,
                format!("OBX-11 result status '{status_text}' is not in HL7 table 0085"),
            )
        };
    };
    let raw = s.field(5);
    let text = field_text(s, 5, sep);
    let value = if status == ResultStatus::CannotObtain
        || (status == ResultStatus::EnteredInError && text.is_empty())
    {
        ResultValue::Absent
    } else if text.is_empty() {
        return err(101, 5, "OBX-5 (observation value) is empty".into());
    } else {
        match value_type.as_str() {
            "NM" => match Number::parse(&text) {
                Some(v) => ResultValue::Quantity {
                    value: v,
                    comparator: None,
                },
                None => return err(102, 5, format!("OBX-5 '{text}' is not a number (NM)")),
            },
            "ST" | "TX" | "FT" => {
                // Repetitions are lines of text.
                let lines: Vec<String> = raw
                    .map(|f| {
                        f.repeats()
                            .map(|r| {
                                r.display(sep)
                                    .to_string()
                                    .chars()
                                    .filter(|c| !c.is_control() || *c == '\t')
                                    .collect::<String>()
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                ResultValue::Text(lines.join("\n").trim().to_owned())
            }
            "CE" | "CWE" => match code_of(raw, sep) {
                Some(c) if !valid_code(&c.code) => {
                    return err(
                        102,
                        5,
                        format!("OBX-5 code '{}' is not a valid code", c.code.escape_debug()),
                    );
                }
                Some(c) => ResultValue::Coded(c),
                None => return err(101, 5, "OBX-5 has no code (CE/CWE)".into()),
            },
            "SN" => match structured_numeric(raw, sep) {
                Some(v) => v,
                None => {
                    return err(
                        102,
                        5,
                        format!("OBX-5 '{text}' is not a structured numeric (SN)"),
                    );
                }
            },
            "" => return err(101, 2, "OBX-2 (value type) is missing".into()),
            "ED" => {
                return err(
                    102,
                    2,
                    "encapsulated data (ED) results are not taken; send the report as text".into(),
                );
            }
            other => {
                return err(
                    102,
                    2,
                    format!("OBX-2 value type {other} is not taken (NM, ST, TX, FT, CE, CWE, SN)"),
                );
            }
        }
    };
    let unit = {
        let u = s.field(6);
        let code = component_text(u, 1, sep);
        (!code.is_empty()).then(|| {
            let display = Some(component_text(u, 2, sep))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| code.clone());
            (code, display)
        })
    };
    if let Some((code, _)) = &unit
        && !valid_code(code)
    {
        return err(
            102,
            6,
            format!(
                "OBX-6 unit '{}' is not a valid UCUM code",
                code.escape_debug()
            ),
        );
    }
    let range = {
        let r = field_text(s, 7, sep);
        (!r.is_empty()).then(|| reference_range(&r))
    };
    let flags: Vec<String> = s
        .field(8)
        .map(|f| {
            f.repeats()
                .map(|r| r.display(sep).to_string().trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for f in &flags {
        if !ABNORMAL_FLAGS.iter().any(|(c, _)| c == f) {
            return err(
                103,
                8,
                format!("OBX-8 abnormal flag '{f}' is not in HL7 table 0078"),
            );
        }
    }
    let observed = {
        let t = field_text(s, 14, sep);
        if t.is_empty() {
            order_time.map(str::to_owned)
        } else {
            match time(&t) {
                Some(t) => Some(t),
                None => return err(102, 14, format!("OBX-14 '{t}' is not an HL7 date/time")),
            }
        }
    };
    Ok(ObxResult {
        set_id: field_text(s, 1, sep),
        value_type,
        code,
        value,
        unit,
        range,
        flags,
        status,
        observed,
        notes: Vec::new(),
    })
}

/// HL7 table 0078 abnormal flags taken, with their v3 ObservationInterpretation display.
pub const ABNORMAL_FLAGS: &[(&str, &str)] = &[
    ("N", "Normal"),
    ("L", "Low"),
    ("H", "High"),
    ("LL", "Critical low"),
    ("HH", "Critical high"),
    ("A", "Abnormal"),
    ("AA", "Critical abnormal"),
    ("<", "Off scale low"),
    (">", "Off scale high"),
    ("S", "Susceptible"),
    ("R", "Resistant"),
    ("I", "Intermediate"),
    ("POS", "Positive"),
    ("NEG", "Negative"),
];

/// SN: `[comparator]^num1[^separator^num2]`.
fn structured_numeric(f: Option<&Field>, sep: &Separators) -> Option<ResultValue> {
    let c = |i| component_text(f, i, sep);
    let (cmp, n1, s, n2) = (c(1), c(2), c(3), c(4));
    let n1 = Number::parse(&n1)?;
    if s.is_empty() && n2.is_empty() {
        let comparator = match cmp.as_str() {
            "" | "=" => None,
            "<" | ">" | "<=" | ">=" => Some(cmp),
            _ => return None,
        };
        return Some(ResultValue::Quantity {
            value: n1,
            comparator,
        });
    }
    if !cmp.is_empty() && cmp != "=" {
        return None;
    }
    let n2 = Number::parse(&n2)?;
    match s.as_str() {
        "-" => Some(ResultValue::Range { low: n1, high: n2 }),
        ":" | "/" => Some(ResultValue::Ratio {
            numerator: n1,
            denominator: n2,
        }),
        _ => None,
    }
}

/// OBX-7: `low-high`, `<high`, `>low`, or text ("negative").
pub fn reference_range(r: &str) -> Range {
    let r = r.trim();
    if let Some(x) = r.strip_prefix("<=").or_else(|| r.strip_prefix('<'))
        && let Some(n) = Number::parse(x)
    {
        return Range::Below(n);
    }
    if let Some(x) = r.strip_prefix(">=").or_else(|| r.strip_prefix('>'))
        && let Some(n) = Number::parse(x)
    {
        return Range::Above(n);
    }
    // The separator is the first '-' after the first character (a low may be negative).
    if let Some(i) = r.get(1..).and_then(|rest| rest.find('-')).map(|i| i + 1)
        && let (Some(lo), Some(hi)) = (Number::parse(&r[..i]), Number::parse(&r[i + 1..]))
    {
        return Range::Between(lo, hi);
    }
    Range::Text(r.to_owned())
}

/// An HL7 DTM (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]`) as a FHIR date or dateTime; a time
/// without an offset is taken as UTC. `None` when it is not a valid date/time.
pub fn time(s: &str) -> Option<String> {
    let t: hl7_parser::datetime::TimeStamp = s.trim().parse().ok()?;
    let date = match (t.month, t.day) {
        (None, _) => return Some(format!("{:04}", t.year)),
        (Some(m), None) => {
            (1..=12).contains(&m).then_some(())?;
            return Some(format!("{:04}-{m:02}", t.year));
        }
        (Some(m), Some(d)) => {
            jiff::civil::Date::new(i16::try_from(t.year).ok()?, m as i8, d as i8).ok()?
        }
    };
    let Some(h) = t.hour else {
        return Some(date.to_string());
    };
    let (mi, sec) = (t.minute.unwrap_or(0), t.second.unwrap_or(0));
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let offset = match t.offset {
        None => "Z".to_owned(),
        Some(o) if o.hours == 0 && o.minutes == 0 => "Z".to_owned(),
        Some(o) => {
            if o.hours.unsigned_abs() > 14 || o.minutes > 59 {
                return None;
            }
            format!(
                "{}{:02}:{:02}",
                if o.hours < 0 { '-' } else { '+' },
                o.hours.unsigned_abs(),
                o.minutes
            )
        }
    };
    Some(format!("{date}T{h:02}:{mi:02}:{sec:02}{offset}"))
}
