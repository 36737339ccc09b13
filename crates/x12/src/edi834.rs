//! 834 Benefit Enrollment and Maintenance (005010X220A1): reader and streaming writer.
//!
//! [`parse_834`] reads the header (BGN, REF*38, DTP*007/303, N1*P5, N1*IN) strictly — a problem
//! there rejects the transaction — and then each member loop (2000, from one INS to the next) on
//! its own: a member-level problem rejects only that member ([`MemberError`]).
//!
//! Social Security numbers (NM108 = `34`) are never kept: only the fact that one was present.

use std::collections::HashMap;
use std::fmt;

use jiff::civil::Date;

use crate::ack999::{ElementError, SegmentError};
use crate::write::SegWriter;
use crate::{Envelope, ErrorKind, Party, Segment, Transaction, X12Error, fmt_d8, parse_d8};

/// ENR-14 relationship codes (INS02).
pub const RELATIONSHIPS: [&str; 8] = ["18", "01", "19", "09", "10", "15", "17", "53"];

/// INS04 maintenance reason codes of the 005010X220A1 TR3 (FMT-02 and the rest of the list).
pub const REASONS: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "14", "15", "16", "17", "18",
    "20", "21", "22", "25", "26", "27", "28", "29", "31", "32", "33", "37", "38", "39", "40", "41",
    "43", "59", "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AL", "EC", "XN", "XT",
];

/// HD03 insurance line codes.
pub const INSURANCE_LINES: [&str; 22] = [
    "AG", "AH", "AJ", "AK", "DCP", "DEN", "EPO", "FAC", "HE", "HLT", "HMO", "LTC", "LTD", "MM",
    "MOD", "PDG", "POS", "PPO", "PRA", "STD", "UR", "VIS",
];

/// HD05 coverage level codes.
pub const COVERAGE_LEVELS: [&str; 18] = [
    "CHD", "DEP", "E1D", "E2D", "E3D", "E5D", "E6D", "E7D", "E8D", "E9D", "ECH", "EMP", "ESP",
    "FAM", "IND", "SPC", "SPO", "TWO",
];

/// Segments that may appear inside a member loop (2000 and its sub-loops).
const MEMBER_SEGMENTS: [&str; 21] = [
    "INS", "REF", "DTP", "NM1", "PER", "N3", "N4", "DMG", "EC", "ICM", "AMT", "HLH", "LUI", "DSB",
    "HD", "IDC", "LX", "COB", "N1", "LS", "LE",
];

/// INS03 / HD01 maintenance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Maintenance {
    /// `001` change.
    Change,
    /// `002` delete (treated as a termination type).
    Delete,
    /// `021` addition.
    Addition,
    /// `024` cancellation or termination.
    Termination,
    /// `025` reinstatement.
    Reinstatement,
    /// `030` audit or compare.
    Audit,
}

impl Maintenance {
    /// From the X12 code.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "001" => Self::Change,
            "002" => Self::Delete,
            "021" => Self::Addition,
            "024" => Self::Termination,
            "025" => Self::Reinstatement,
            "030" => Self::Audit,
            _ => return None,
        })
    }

    /// The X12 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Change => "001",
            Self::Delete => "002",
            Self::Addition => "021",
            Self::Termination => "024",
            Self::Reinstatement => "025",
            Self::Audit => "030",
        }
    }

    /// `024` and `002` end coverage.
    pub fn is_termination(self) -> bool {
        matches!(self, Self::Termination | Self::Delete)
    }
}

/// INS05 benefit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BenefitStatus {
    /// `A` active.
    Active,
    /// `C` COBRA.
    Cobra,
    /// `S` surviving insured.
    Surviving,
    /// `T` tax equity and fiscal responsibility act (TEFRA).
    Tefra,
}

impl BenefitStatus {
    /// From the X12 code.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "A" => Self::Active,
            "C" => Self::Cobra,
            "S" => Self::Surviving,
            "T" => Self::Tefra,
            _ => return None,
        })
    }

    /// The X12 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "A",
            Self::Cobra => "C",
            Self::Surviving => "S",
            Self::Tefra => "T",
        }
    }
}

/// The 834 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header834 {
    /// BGN01 (`00` original, `15` re-submission, `22` information copy).
    pub purpose: String,
    /// BGN02.
    pub reference: String,
    /// BGN03.
    pub date: Date,
    /// BGN04 (HHMM or HHMMSS).
    pub time: String,
    /// BGN08: `2` change (update), `4` verify, `RX` replace.
    pub action: String,
    /// REF*38 master policy number.
    pub master_policy: Option<String>,
    /// DTP*007 (or 303) file effective date.
    pub file_effective_date: Option<Date>,
    /// N1*P5 plan sponsor.
    pub sponsor: Party,
    /// N1*IN payer.
    pub payer: Party,
}

impl Header834 {
    /// BGN08 `4` (verify) or `RX` (replace): with `030` members this is a full-file audit.
    pub fn is_full_file(&self) -> bool {
        matches!(self.action.as_str(), "4" | "RX")
    }
}

/// Loop 2300 health coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage834 {
    /// HD01.
    pub maintenance: Maintenance,
    /// HD03 (`HLT`, `DEN`, `VIS`, ...).
    pub insurance_line: String,
    /// HD04 plan coverage description (plan code).
    pub plan_code: String,
    /// HD05 coverage level (`EMP`, `FAM`, ...), if sent.
    pub coverage_level: Option<String>,
    /// DTP*348 benefit begin.
    pub begin: Option<Date>,
    /// DTP*349 benefit end.
    pub end: Option<Date>,
}

/// One member (loop 2000 with 2100A and 2300).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member834 {
    /// Segment ordinal of the INS in the file (0 for members built to be written).
    pub position: usize,
    /// Position of the INS within the transaction.
    pub st_position: usize,
    /// INS01 `Y` subscriber / `N` dependent.
    pub subscriber: bool,
    /// INS02 relationship (ENR-14 codes).
    pub relationship: String,
    /// INS03.
    pub maintenance: Maintenance,
    /// INS04 reason code.
    pub reason: Option<String>,
    /// INS05.
    pub benefit_status: BenefitStatus,
    /// INS08 employment status (`FT`, `PT`, `RT`, `TE`, ...).
    pub employment_status: Option<String>,
    /// INS11 = D8, INS12.
    pub death_date: Option<Date>,
    /// REF*0F.
    pub subscriber_id: String,
    /// REF*1L.
    pub group_number: Option<String>,
    /// REF*23 client / member number.
    pub member_number: Option<String>,
    /// Member-level DTPs (`336` employment begin, `356` eligibility begin, `357` eligibility end, ...).
    pub dates: Vec<(String, Date)>,
    /// NM103.
    pub last_name: String,
    /// NM104.
    pub first_name: String,
    /// NM105.
    pub middle_name: Option<String>,
    /// NM107.
    pub suffix: Option<String>,
    /// NM108 = 34 was sent (the SSN itself is never kept).
    pub ssn_present: bool,
    /// NM108/NM109 when NM108 is not `34` (e.g. `ZZ` mutually defined member id).
    pub member_identifier: Option<(String, String)>,
    /// PER*IP numbers: (`TE`/`CP`/`HP`/`WP`/..., number).
    pub phones: Vec<(String, String)>,
    /// PER*IP `EM`.
    pub email: Option<String>,
    /// N301/N302.
    pub address_lines: Vec<String>,
    /// N401.
    pub city: Option<String>,
    /// N402.
    pub state: Option<String>,
    /// N403.
    pub zip: Option<String>,
    /// DMG02.
    pub birth_date: Date,
    /// DMG03 `M`, `F` or `U`.
    pub gender: char,
    /// Loop 2300.
    pub coverages: Vec<Coverage834>,
}

impl Member834 {
    /// A minimal member to write (addition, active, no coverage yet).
    pub fn new(
        subscriber_id: &str,
        relationship: &str,
        last_name: &str,
        first_name: &str,
        birth_date: Date,
        gender: char,
    ) -> Self {
        Self {
            position: 0,
            st_position: 0,
            subscriber: relationship == "18",
            relationship: relationship.into(),
            maintenance: Maintenance::Addition,
            reason: None,
            benefit_status: BenefitStatus::Active,
            employment_status: None,
            death_date: None,
            subscriber_id: subscriber_id.into(),
            group_number: None,
            member_number: None,
            dates: Vec::new(),
            last_name: last_name.into(),
            first_name: first_name.into(),
            middle_name: None,
            suffix: None,
            ssn_present: false,
            member_identifier: None,
            phones: Vec::new(),
            email: None,
            address_lines: Vec::new(),
            city: None,
            state: None,
            zip: None,
            birth_date,
            gender,
            coverages: Vec::new(),
        }
    }
}

/// A member rejected on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberError {
    /// Segment ordinal of the member's INS.
    pub position: usize,
    /// Position of the INS within the transaction.
    pub st_position: usize,
    /// What is wrong, e.g. `DTP*348: 20260230 is not a date`.
    pub message: String,
    /// The segment the problem is in (the INS itself for missing segments).
    pub segment_id: String,
    /// Its ordinal in the file.
    pub segment_position: usize,
    /// Its position within the transaction.
    pub segment_st_position: usize,
    /// The element, if the problem is one element.
    pub element: Option<usize>,
    /// 999 code: IK403 when `element` is set, else IK304.
    pub code: &'static str,
    /// The offending value, if any.
    pub value: Option<String>,
}

impl fmt::Display for MemberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "member at segment {}: {}", self.position, self.message)
    }
}

impl MemberError {
    /// The 999 IK3 (+IK4) for this error.
    pub fn to_ack(&self) -> SegmentError {
        match self.element {
            Some(el) => SegmentError {
                segment_id: self.segment_id.clone(),
                st_position: self.segment_st_position,
                loop_id: None,
                code: "8".into(),
                elements: vec![ElementError {
                    position: el,
                    component: None,
                    reference_number: element_ref(&self.segment_id, el).map(str::to_string),
                    code: self.code.into(),
                    bad_value: self.value.clone(),
                }],
            },
            None => SegmentError {
                segment_id: self.segment_id.clone(),
                st_position: self.segment_st_position,
                loop_id: Some("2000".into()),
                code: self.code.into(),
                elements: Vec::new(),
            },
        }
    }
}

/// X12 data element reference number of the elements we check (IK402).
fn element_ref(segment: &str, element: usize) -> Option<&'static str> {
    Some(match (segment, element) {
        ("INS", 1) => "1073",
        ("INS", 2) => "1069",
        ("INS", 3) | ("HD", 1) => "875",
        ("INS", 4) => "1203",
        ("INS", 5) => "584",
        ("INS", 11) | ("DTP", 2) | ("DMG", 1) => "1250",
        ("INS", 12) | ("DTP", 3) | ("DMG", 2) => "1251",
        ("DMG", 3) => "1068",
        ("HD", 3) => "1205",
        ("HD", 5) => "1207",
        ("NM1", 3) => "1035",
        _ => return None,
    })
}

/// A parsed 834 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment834 {
    /// Header.
    pub header: Header834,
    /// One entry per INS loop, in file order.
    pub members: Vec<Result<Member834, MemberError>>,
}

fn content(seg: &Segment, el: usize, msg: String) -> X12Error {
    X12Error::at_el(ErrorKind::Content, seg, el, msg)
}

fn party(seg: &Segment) -> Party {
    Party {
        name: seg.el(2).to_string(),
        id_qualifier: seg.el(3).to_string(),
        id: seg.el(4).to_string(),
    }
}

/// Read an 834 transaction. Header problems → `Err`; member problems → that member's entry.
pub fn parse_834(tx: &Transaction) -> Result<Enrollment834, X12Error> {
    let segs = &tx.segments;
    let Some(st) = segs.first() else {
        return Err(X12Error::new(ErrorKind::Content, "empty transaction"));
    };
    if tx.id != "834" {
        return Err(content(st, 1, format!("not an 834 (ST01 is {})", tx.id)));
    }
    let body = &segs[1..segs.len().saturating_sub(1)];
    let mut i = 0;
    let Some(bgn) = body.first().filter(|s| s.id == "BGN") else {
        let at = body.first().unwrap_or(st);
        return Err(X12Error::at(ErrorKind::Content, at, "BGN missing after ST"));
    };
    i += 1;
    if !matches!(bgn.el(1), "00" | "15" | "22") {
        return Err(content(
            bgn,
            1,
            format!("unknown purpose code {}", bgn.el(1)),
        ));
    }
    if bgn.el(2).is_empty() {
        return Err(content(bgn, 2, "BGN02 reference is missing".into()));
    }
    let date = parse_d8(bgn.el(3))
        .ok_or_else(|| content(bgn, 3, format!("BGN03: {} is not a date", bgn.el(3))))?;
    if !matches!(bgn.el(8), "2" | "4" | "RX") {
        return Err(content(
            bgn,
            8,
            format!("unknown action code {:?}", bgn.el(8)),
        ));
    }
    let mut header = Header834 {
        purpose: bgn.el(1).into(),
        reference: bgn.el(2).into(),
        date,
        time: bgn.el(4).into(),
        action: bgn.el(8).into(),
        master_policy: None,
        file_effective_date: None,
        sponsor: Party::default(),
        payer: Party::default(),
    };
    let (mut sponsor, mut payer) = (false, false);
    while let Some(s) = body.get(i) {
        match s.id.as_str() {
            "INS" => break,
            "REF" if s.el(1) == "38" => header.master_policy = Some(s.el(2).into()),
            "DTP" => {
                if s.el(2) != "D8" {
                    return Err(content(
                        s,
                        2,
                        format!("DTP*{}: format {} is not D8", s.el(1), s.el(2)),
                    ));
                }
                let d = parse_d8(s.el(3)).ok_or_else(|| {
                    content(s, 3, format!("DTP*{}: {} is not a date", s.el(1), s.el(3)))
                })?;
                if matches!(s.el(1), "007" | "303") {
                    header.file_effective_date = Some(d);
                }
            }
            "N1" => match s.el(1) {
                "P5" => {
                    header.sponsor = party(s);
                    sponsor = true;
                }
                "IN" => {
                    header.payer = party(s);
                    payer = true;
                }
                _ => {}
            },
            "QTY" | "N2" | "N3" | "N4" | "PER" | "ACT" | "REF" => {}
            _ => {
                return Err(X12Error::at(
                    ErrorKind::Content,
                    s,
                    format!("unexpected segment {} in the 834 header", s.id),
                ));
            }
        }
        i += 1;
    }
    if !sponsor || !payer {
        let at = body.get(i).unwrap_or(st);
        let which = if sponsor {
            "N1*IN (payer)"
        } else {
            "N1*P5 (sponsor)"
        };
        return Err(X12Error::at(
            ErrorKind::Content,
            at,
            format!("{which} missing before the members"),
        ));
    }
    let mut members = Vec::new();
    let mut seen: HashMap<(String, String, String, String, Date), usize> = HashMap::new();
    while i < body.len() {
        let start = i;
        i += 1;
        while body.get(i).is_some_and(|s| s.id != "INS") {
            i += 1;
        }
        let mut m = parse_member(&body[start..i]).map_err(|e| *e);
        if let Ok(member) = &m {
            let key = (
                member.subscriber_id.clone(),
                member.relationship.clone(),
                member.first_name.to_uppercase(),
                member.last_name.to_uppercase(),
                member.birth_date,
            );
            if let Some(first) = seen.get(&key) {
                m = Err(MemberError {
                    position: member.position,
                    st_position: member.st_position,
                    message: format!("duplicate of the member at segment {first}"),
                    segment_id: "INS".into(),
                    segment_position: member.position,
                    segment_st_position: member.st_position,
                    element: None,
                    code: "2",
                    value: None,
                });
            } else {
                seen.insert(key, member.position);
            }
        }
        members.push(m);
    }
    Ok(Enrollment834 { header, members })
}

struct Ctx<'a> {
    ins: &'a Segment,
}

impl Ctx<'_> {
    fn err(
        &self,
        seg: &Segment,
        element: Option<usize>,
        code: &'static str,
        msg: String,
    ) -> Box<MemberError> {
        Box::new(MemberError {
            position: self.ins.position,
            st_position: self.ins.st_position,
            message: msg,
            segment_id: seg.id.clone(),
            segment_position: seg.position,
            segment_st_position: seg.st_position,
            element,
            code,
            value: element
                .map(|e| seg.el(e).to_string())
                .filter(|v| !v.is_empty()),
        })
    }

    fn missing(&self, what: &str) -> Box<MemberError> {
        Box::new(MemberError {
            code: "3",
            ..*self.err(self.ins, None, "3", format!("{what} is missing"))
        })
    }

    /// DTPxx*D8*date.
    fn dtp(&self, s: &Segment) -> Result<Date, Box<MemberError>> {
        if s.el(2) != "D8" {
            return Err(self.err(
                s,
                Some(2),
                "7",
                format!("DTP*{}: format {:?} is not D8", s.el(1), s.el(2)),
            ));
        }
        parse_d8(s.el(3)).ok_or_else(|| {
            self.err(
                s,
                Some(3),
                "8",
                format!("DTP*{}: {} is not a date", s.el(1), s.el(3)),
            )
        })
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// One member loop. Errors are boxed inside the parser (they are rare and large); the public
/// API hands them out unboxed.
fn parse_member(segs: &[Segment]) -> Result<Member834, Box<MemberError>> {
    let Some(ins) = segs.first() else {
        return Err(Box::new(MemberError {
            position: 0,
            st_position: 0,
            message: "empty member loop".into(),
            segment_id: String::new(),
            segment_position: 0,
            segment_st_position: 0,
            element: None,
            code: "3",
            value: None,
        }));
    };
    let cx = Ctx { ins };
    let subscriber = match ins.el(1) {
        "Y" => true,
        "N" => false,
        v => return Err(cx.err(ins, Some(1), "7", format!("INS01: {v:?} is not Y or N"))),
    };
    let relationship = ins.el(2);
    if !RELATIONSHIPS.contains(&relationship) {
        return Err(cx.err(
            ins,
            Some(2),
            "7",
            format!("INS02: unknown relationship code {relationship}"),
        ));
    }
    if subscriber && relationship != "18" {
        return Err(cx.err(
            ins,
            Some(2),
            "7",
            format!("INS02: a subscriber (INS01=Y) must have relationship 18, not {relationship}"),
        ));
    }
    let maintenance = Maintenance::from_code(ins.el(3)).ok_or_else(|| {
        cx.err(
            ins,
            Some(3),
            "7",
            format!("INS03: unknown maintenance type code {}", ins.el(3)),
        )
    })?;
    let reason = opt(ins.el(4));
    if let Some(r) = &reason
        && !REASONS.contains(&r.as_str())
    {
        return Err(cx.err(
            ins,
            Some(4),
            "7",
            format!("INS04: unknown maintenance reason code {r}"),
        ));
    }
    let benefit_status = BenefitStatus::from_code(ins.el(5)).ok_or_else(|| {
        cx.err(
            ins,
            Some(5),
            "7",
            format!("INS05: unknown benefit status code {:?}", ins.el(5)),
        )
    })?;
    let death_date = match (ins.el(11), ins.el(12)) {
        ("", "") => None,
        ("D8", d) => Some(
            parse_d8(d)
                .ok_or_else(|| cx.err(ins, Some(12), "8", format!("INS12: {d} is not a date")))?,
        ),
        (q, _) => return Err(cx.err(ins, Some(11), "7", format!("INS11: format {q:?} is not D8"))),
    };
    let mut m = Member834 {
        position: ins.position,
        st_position: ins.st_position,
        subscriber,
        relationship: relationship.into(),
        maintenance,
        reason,
        benefit_status,
        employment_status: opt(ins.el(8)),
        death_date,
        subscriber_id: String::new(),
        group_number: None,
        member_number: None,
        dates: Vec::new(),
        last_name: String::new(),
        first_name: String::new(),
        middle_name: None,
        suffix: None,
        ssn_present: false,
        member_identifier: None,
        phones: Vec::new(),
        email: None,
        address_lines: Vec::new(),
        city: None,
        state: None,
        zip: None,
        birth_date: Date::constant(1900, 1, 1),
        gender: 'U',
        coverages: Vec::new(),
    };
    #[derive(PartialEq)]
    enum Loop {
        Member,
        Name,
        OtherName,
        Coverage,
        CoverageSub,
    }
    let mut lp = Loop::Member;
    let (mut has_ref0f, mut has_nm1, mut has_dmg) = (false, false, false);
    for s in &segs[1..] {
        if !MEMBER_SEGMENTS.contains(&s.id.as_str()) {
            return Err(cx.err(
                s,
                None,
                "2",
                format!("unexpected segment {} in the member loop", s.id),
            ));
        }
        match (s.id.as_str(), &lp) {
            ("REF", Loop::Member) => match s.el(1) {
                "0F" => {
                    m.subscriber_id = s.el(2).into();
                    has_ref0f = true;
                }
                "1L" => m.group_number = opt(s.el(2)),
                "23" => m.member_number = opt(s.el(2)),
                _ => {}
            },
            ("DTP", Loop::Member) => {
                let d = cx.dtp(s)?;
                m.dates.push((s.el(1).to_string(), d));
            }
            ("NM1", _) if s.el(1) == "IL" => {
                if has_nm1 {
                    return Err(cx.err(s, None, "5", "NM1*IL appears twice".into()));
                }
                has_nm1 = true;
                lp = Loop::Name;
                if s.el(3).is_empty() {
                    return Err(cx.err(s, Some(3), "1", "NM103: last name is missing".into()));
                }
                m.last_name = s.el(3).into();
                m.first_name = s.el(4).into();
                m.middle_name = opt(s.el(5));
                m.suffix = opt(s.el(7));
                match (s.el(8), s.el(9)) {
                    ("34", _) => m.ssn_present = true,
                    ("", _) => {}
                    (q, id) => m.member_identifier = Some((q.into(), id.into())),
                }
            }
            ("NM1", Loop::Coverage | Loop::CoverageSub) => lp = Loop::CoverageSub,
            ("NM1", _) => lp = Loop::OtherName,
            ("PER", Loop::Name) => {
                for k in [3, 5, 7] {
                    match (s.el(k), s.el(k + 1)) {
                        ("", _) | (_, "") => {}
                        ("EM", v) => m.email = Some(v.into()),
                        (q, v) => m.phones.push((q.into(), v.into())),
                    }
                }
            }
            ("N3", Loop::Name) => {
                m.address_lines = [s.el(1), s.el(2)].into_iter().filter_map(opt).collect();
            }
            ("N4", Loop::Name) => {
                m.city = opt(s.el(1));
                m.state = opt(s.el(2));
                m.zip = opt(s.el(3));
            }
            ("DMG", Loop::Name) => {
                if s.el(1) != "D8" {
                    return Err(cx.err(
                        s,
                        Some(1),
                        "7",
                        format!("DMG01: format {:?} is not D8", s.el(1)),
                    ));
                }
                m.birth_date = parse_d8(s.el(2)).ok_or_else(|| {
                    cx.err(
                        s,
                        Some(2),
                        "8",
                        format!("DMG*D8: {} is not a date", s.el(2)),
                    )
                })?;
                m.gender = match s.el(3) {
                    "M" => 'M',
                    "F" => 'F',
                    "U" => 'U',
                    g => {
                        return Err(cx.err(
                            s,
                            Some(3),
                            "7",
                            format!("DMG03: unknown gender code {g:?}"),
                        ));
                    }
                };
                has_dmg = true;
            }
            ("HD", _) => {
                lp = Loop::Coverage;
                let maint = Maintenance::from_code(s.el(1)).ok_or_else(|| {
                    cx.err(
                        s,
                        Some(1),
                        "7",
                        format!("HD01: unknown maintenance type code {}", s.el(1)),
                    )
                })?;
                if !INSURANCE_LINES.contains(&s.el(3)) {
                    return Err(cx.err(
                        s,
                        Some(3),
                        "7",
                        format!("HD03: unknown insurance line code {:?}", s.el(3)),
                    ));
                }
                let level = opt(s.el(5));
                if let Some(l) = &level
                    && !COVERAGE_LEVELS.contains(&l.as_str())
                {
                    return Err(cx.err(
                        s,
                        Some(5),
                        "7",
                        format!("HD05: unknown coverage level code {l}"),
                    ));
                }
                m.coverages.push(Coverage834 {
                    maintenance: maint,
                    insurance_line: s.el(3).into(),
                    plan_code: s.el(4).into(),
                    coverage_level: level,
                    begin: None,
                    end: None,
                });
            }
            ("DTP", Loop::Coverage) => {
                let d = cx.dtp(s)?;
                if let Some(c) = m.coverages.last_mut() {
                    match s.el(1) {
                        "348" => c.begin = Some(d),
                        "349" => c.end = Some(d),
                        _ => {}
                    }
                }
            }
            ("INS", _) => return Err(cx.err(s, None, "2", "unexpected INS".into())),
            ("DTP", _) => {
                cx.dtp(s)?;
            }
            _ => {}
        }
    }
    if !has_ref0f {
        return Err(cx.missing("REF*0F (subscriber identifier)"));
    }
    if !has_nm1 {
        return Err(cx.missing("NM1*IL (member name)"));
    }
    if !has_dmg {
        return Err(cx.missing("DMG (member demographics)"));
    }
    Ok(m)
}

/// Streaming 834 writer: [`Writer834::new`] writes ISA, GS*BE, ST*834 and the header,
/// [`Writer834::member`] one member loop, [`Writer834::finish`] SE, GE and IEA.
pub struct Writer834<'a, W: fmt::Write> {
    out: SegWriter<'a, W>,
    env: Envelope,
    buf: String,
}

impl<'a, W: fmt::Write> Writer834<'a, W> {
    /// Start the interchange (one group, one transaction `0001`).
    pub fn new(out: &'a mut W, env: &Envelope, header: &Header834) -> Result<Self, fmt::Error> {
        let mut w = SegWriter::new(out);
        w.open(env, "BE", "005010X220A1")?;
        w.st("834", "0001", "005010X220A1")?;
        let date = fmt_d8(header.date);
        w.seg(
            "BGN",
            &[
                &header.purpose,
                &header.reference,
                &date,
                &header.time,
                "",
                "",
                "",
                &header.action,
            ],
        )?;
        if let Some(p) = &header.master_policy {
            w.seg("REF", &["38", p])?;
        }
        if let Some(d) = header.file_effective_date {
            w.seg("DTP", &["007", "D8", &fmt_d8(d)])?;
        }
        let p = &header.sponsor;
        w.seg("N1", &["P5", &p.name, &p.id_qualifier, &p.id])?;
        let p = &header.payer;
        w.seg("N1", &["IN", &p.name, &p.id_qualifier, &p.id])?;
        Ok(Self {
            out: w,
            env: env.clone(),
            buf: String::with_capacity(16),
        })
    }

    fn date(&mut self, d: Date) -> &str {
        self.buf.clear();
        let _ = fmt::Write::write_fmt(
            &mut self.buf,
            format_args!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
        );
        &self.buf
    }

    /// Write one member loop (INS, REF, DTP, NM1*IL, PER, N3, N4, DMG, HD, DTP*348/349).
    pub fn member(&mut self, m: &Member834) -> fmt::Result {
        let death = m.death_date.map(fmt_d8);
        self.out.seg(
            "INS",
            &[
                if m.subscriber { "Y" } else { "N" },
                &m.relationship,
                m.maintenance.code(),
                m.reason.as_deref().unwrap_or(""),
                m.benefit_status.code(),
                "",
                "",
                m.employment_status.as_deref().unwrap_or(""),
                "",
                "",
                if death.is_some() { "D8" } else { "" },
                death.as_deref().unwrap_or(""),
            ],
        )?;
        self.out.seg("REF", &["0F", &m.subscriber_id])?;
        if let Some(g) = &m.group_number {
            self.out.seg("REF", &["1L", g])?;
        }
        if let Some(n) = &m.member_number {
            self.out.seg("REF", &["23", n])?;
        }
        for (q, d) in &m.dates {
            let d = fmt_d8(*d);
            self.out.seg("DTP", &[q, "D8", &d])?;
        }
        let (q, id) = m
            .member_identifier
            .as_ref()
            .map_or(("", ""), |(q, id)| (q.as_str(), id.as_str()));
        self.out.seg(
            "NM1",
            &[
                "IL",
                "1",
                &m.last_name,
                &m.first_name,
                m.middle_name.as_deref().unwrap_or(""),
                "",
                m.suffix.as_deref().unwrap_or(""),
                q,
                id,
            ],
        )?;
        if !m.phones.is_empty() || m.email.is_some() {
            let mut els: Vec<&str> = vec!["IP", ""];
            for (q, n) in m.phones.iter().take(3) {
                els.push(q);
                els.push(n);
            }
            if let Some(e) = &m.email
                && els.len() < 8
            {
                els.push("EM");
                els.push(e);
            }
            self.out.seg("PER", &els)?;
        }
        if !m.address_lines.is_empty() {
            let l2 = m.address_lines.get(1).map_or("", String::as_str);
            self.out.seg("N3", &[&m.address_lines[0], l2])?;
        }
        if m.city.is_some() || m.state.is_some() || m.zip.is_some() {
            self.out.seg(
                "N4",
                &[
                    m.city.as_deref().unwrap_or(""),
                    m.state.as_deref().unwrap_or(""),
                    m.zip.as_deref().unwrap_or(""),
                ],
            )?;
        }
        let g = m.gender.to_string();
        let bd = self.date(m.birth_date).to_string();
        self.out.seg("DMG", &["D8", &bd, &g])?;
        for c in &m.coverages {
            self.out.seg(
                "HD",
                &[
                    c.maintenance.code(),
                    "",
                    &c.insurance_line,
                    &c.plan_code,
                    c.coverage_level.as_deref().unwrap_or(""),
                ],
            )?;
            if let Some(b) = c.begin {
                let b = fmt_d8(b);
                self.out.seg("DTP", &["348", "D8", &b])?;
            }
            if let Some(e) = c.end {
                let e = fmt_d8(e);
                self.out.seg("DTP", &["349", "D8", &e])?;
            }
        }
        Ok(())
    }

    /// Write SE, GE and IEA.
    pub fn finish(mut self) -> fmt::Result {
        self.out.se("0001")?;
        self.out.close(&self.env, 1)
    }
}

/// Write a whole 834 interchange into a `String`.
pub fn write_834<'m>(
    env: &Envelope,
    header: &Header834,
    members: impl IntoIterator<Item = &'m Member834>,
) -> String {
    let mut out = String::new();
    let r = (|| -> fmt::Result {
        let mut w = Writer834::new(&mut out, env, header)?;
        for m in members {
            w.member(m)?;
        }
        w.finish()
    })();
    // Writing into a String cannot fail.
    debug_assert!(r.is_ok());
    out
}
