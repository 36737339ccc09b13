//! 999 Implementation Acknowledgment (005010X231A1).
//!
//! [`ack_999`] writes the acknowledgment of one functional group from an [`AckInput`] the caller
//! fills (usually with [`AckInput::for_group`] and then the errors found by the 834/270 readers,
//! see [`crate::MemberError::to_ack`]). [`ack_999_unparsed`] acknowledges an interchange whose
//! envelope could not be parsed (`AK9*R`) as long as its ISA and GS are readable.
//!
//! Codes (from the 999 TR3):
//! * IK304 segment syntax error: `1` unrecognized segment id, `2` unexpected segment, `3` required
//!   segment missing, `4` loop occurs over maximum times, `5` segment exceeds maximum use, `7`
//!   segment not in proper sequence, `8` segment has data element errors.
//! * IK403 element syntax error: `1` required data element missing, `2` conditional required
//!   element missing, `3` too many data elements, `4` too short, `5` too long, `6` invalid
//!   character, `7` invalid code value, `8` invalid date, `9` invalid time, `10` exclusion
//!   condition violated, `12` too many repetitions, `13` too many components.
//! * IK501 / AK901: `A` accepted, `E` accepted with errors, `P` partially accepted (AK9 only),
//!   `R` rejected.
//! * IK502: `1` transaction set not supported, `2` trailer missing, `3` control number in header
//!   and trailer do not match, `4` number of included segments does not match actual count, `5`
//!   one or more segments in error, `6` missing or invalid transaction set identifier, `7`
//!   missing or invalid control number, `23` control number not unique in the group.
//! * AK905: `1` functional group not supported, `2` version not supported, `3` trailer missing,
//!   `4` group control number in header and trailer do not agree, `5` number of included
//!   transaction sets does not match actual count.

use std::fmt::Write as _;

use crate::envelope::read_isa;
use crate::write::SegWriter;
use crate::{Envelope, ErrorKind, Group, Transaction, X12Error};

/// The envelope of the 999 we write: our ids as sender, the other party's as receiver, new
/// control numbers and the date/time, all supplied by the caller ([`Envelope::reply_to`]
/// builds one from the incoming interchange).
pub type AckContext = Envelope;

/// Acknowledgment code (IK501 / AK901).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// `A`
    Accepted,
    /// `E`
    AcceptedWithErrors,
    /// `P` (AK901 only)
    PartiallyAccepted,
    /// `R`
    Rejected,
}

impl AckCode {
    /// The X12 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Accepted => "A",
            Self::AcceptedWithErrors => "E",
            Self::PartiallyAccepted => "P",
            Self::Rejected => "R",
        }
    }
}

/// One IK4 (data element error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementError {
    /// IK401-1: element position in the segment (1-based).
    pub position: usize,
    /// IK401-2: component position, for composites.
    pub component: Option<usize>,
    /// IK402: data element reference number (e.g. `1109`), when known.
    pub reference_number: Option<String>,
    /// IK403: error code (`1`, `7`, `8`, ...).
    pub code: String,
    /// IK404: a copy of the bad value (omitted for missing elements).
    pub bad_value: Option<String>,
}

/// One IK3 (segment error) with its IK4s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// IK301: segment id.
    pub segment_id: String,
    /// IK302: position within the transaction (ST = 1).
    pub st_position: usize,
    /// IK303: loop id (e.g. `2000`), when known.
    pub loop_id: Option<String>,
    /// IK304: `8` when there are element errors, else `1`/`2`/`3`/...
    pub code: String,
    /// IK4s.
    pub elements: Vec<ElementError>,
}

/// The acknowledgment of one transaction set (AK2 .. IK5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionAck {
    /// AK201 (ST01).
    pub id: String,
    /// AK202 (ST02).
    pub control_number: String,
    /// AK203 (ST03).
    pub implementation: String,
    /// IK501.
    pub status: AckCode,
    /// IK3/IK4s.
    pub segment_errors: Vec<SegmentError>,
    /// IK502..IK506 (when empty and the status is not `A`, `5` is written if there are segment
    /// errors).
    pub syntax_errors: Vec<String>,
}

impl TransactionAck {
    /// An accepted transaction with no errors.
    pub fn accepted(tx: &Transaction) -> Self {
        Self {
            id: tx.id.clone(),
            control_number: tx.control_number.clone(),
            implementation: tx.implementation.clone(),
            status: AckCode::Accepted,
            segment_errors: Vec::new(),
            syntax_errors: Vec::new(),
        }
    }

    /// Add segment errors; the status becomes `E` (if it was `A`).
    pub fn with_errors(mut self, errors: Vec<SegmentError>, rejected: bool) -> Self {
        if rejected {
            self.status = AckCode::Rejected;
        } else if !errors.is_empty() && self.status == AckCode::Accepted {
            self.status = AckCode::AcceptedWithErrors;
        }
        self.segment_errors.extend(errors);
        self
    }
}

/// What to acknowledge: one functional group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckInput {
    /// AK101 (GS01).
    pub functional_id: String,
    /// AK102 (GS06).
    pub group_control_number: String,
    /// AK103 (GS08).
    pub version: String,
    /// AK902: the transaction count the group declared (GE01); `None` = as received.
    pub declared_transactions: Option<usize>,
    /// One per transaction received.
    pub transactions: Vec<TransactionAck>,
    /// AK905..AK909 group-level error codes; any code forces `AK901=R`.
    pub group_errors: Vec<String>,
}

impl AckInput {
    /// Every transaction of `group` accepted; add errors to the entries as found.
    pub fn for_group(group: &Group) -> Self {
        Self {
            functional_id: group.functional_id.clone(),
            group_control_number: group.control_number.clone(),
            version: group.version.clone(),
            declared_transactions: None,
            transactions: group
                .transactions
                .iter()
                .map(TransactionAck::accepted)
                .collect(),
            group_errors: Vec::new(),
        }
    }

    /// AK901 from the transaction statuses.
    pub fn group_status(&self) -> AckCode {
        if !self.group_errors.is_empty() {
            return AckCode::Rejected;
        }
        let accepted = self.accepted_count();
        let any_e = self
            .transactions
            .iter()
            .any(|t| t.status == AckCode::AcceptedWithErrors);
        if self.transactions.is_empty() || accepted == 0 {
            AckCode::Rejected
        } else if accepted < self.transactions.len() {
            AckCode::PartiallyAccepted
        } else if any_e {
            AckCode::AcceptedWithErrors
        } else {
            AckCode::Accepted
        }
    }

    fn accepted_count(&self) -> usize {
        self.transactions
            .iter()
            .filter(|t| t.status != AckCode::Rejected)
            .count()
    }
}

/// Write the 999 for `input` as a complete interchange (ISA..IEA, GS*FA, one ST*999).
pub fn ack_999(ctx: &AckContext, input: &AckInput) -> String {
    let mut out = String::with_capacity(512 + 128 * input.transactions.len());
    // Writing into a String cannot fail.
    let _ = write_999(&mut out, ctx, input);
    out
}

fn write_999(out: &mut String, ctx: &AckContext, input: &AckInput) -> std::fmt::Result {
    let mut w = SegWriter::new(out);
    w.open(ctx, "FA", "005010X231A1")?;
    w.st("999", "0001", "005010X231A1")?;
    w.seg(
        "AK1",
        &[
            &input.functional_id,
            &input.group_control_number,
            &input.version,
        ],
    )?;
    for t in &input.transactions {
        w.seg("AK2", &[&t.id, &t.control_number, &t.implementation])?;
        for s in &t.segment_errors {
            let pos = s.st_position.to_string();
            w.seg(
                "IK3",
                &[
                    &s.segment_id,
                    &pos,
                    s.loop_id.as_deref().unwrap_or(""),
                    &s.code,
                ],
            )?;
            for e in &s.elements {
                let mut p = e.position.to_string();
                if let Some(c) = e.component {
                    let _ = write!(p, ":{c}");
                }
                let bad = e
                    .bad_value
                    .as_deref()
                    .map(crate::write::clean)
                    .unwrap_or_default();
                let parts = [
                    p.as_str(),
                    e.reference_number.as_deref().unwrap_or(""),
                    e.code.as_str(),
                    &bad,
                ];
                let n = parts
                    .iter()
                    .rposition(|x| !x.is_empty())
                    .map_or(0, |i| i + 1);
                w.raw(&format!("IK4*{}", parts[..n].join("*")))?;
            }
        }
        let mut ik5: Vec<&str> = vec![t.status.code()];
        if t.status != AckCode::Accepted {
            if t.syntax_errors.is_empty() {
                if !t.segment_errors.is_empty() {
                    ik5.push("5");
                }
            } else {
                ik5.extend(t.syntax_errors.iter().take(5).map(String::as_str));
            }
        }
        w.seg("IK5", &ik5)?;
    }
    let received = input.transactions.len().to_string();
    let declared = input
        .declared_transactions
        .map_or_else(|| received.clone(), |n| n.to_string());
    let accepted = input.accepted_count().to_string();
    let mut ak9: Vec<&str> = vec![input.group_status().code(), &declared, &received, &accepted];
    ak9.extend(input.group_errors.iter().take(5).map(String::as_str));
    w.seg("AK9", &ak9)?;
    w.se("0001")?;
    w.close(ctx, 1)
}

/// Acknowledge an interchange that [`crate::parse`] rejected (`err`): every transaction seen
/// is reported, the failing one (or the group) rejected with the matching IK502/AK905 code,
/// and `AK9*R`. Returns `err` back when there is no readable ISA and GS to acknowledge.
pub fn ack_999_unparsed(
    ctx: &AckContext,
    input: &[u8],
    err: &X12Error,
) -> Result<String, X12Error> {
    let (seps, _) = read_isa(input).map_err(|_| err.clone())?;
    let text = String::from_utf8_lossy(input);
    let segs: Vec<Vec<&str>> = text
        .split(seps.segment)
        .map(|s| s.trim_matches(|c| c == '\r' || c == '\n'))
        .map(|s| s.split(seps.element).collect())
        .collect();
    let gs = segs
        .iter()
        .find(|s| s.first() == Some(&"GS"))
        .ok_or_else(|| err.clone())?;
    let get = |s: &Vec<&str>, i: usize| s.get(i).copied().unwrap_or("").to_string();
    let limit = err.position.unwrap_or(segs.len()).min(segs.len());
    let mut txs: Vec<TransactionAck> = segs
        .iter()
        .take(limit)
        .filter(|s| s.first() == Some(&"ST"))
        .map(|s| TransactionAck {
            id: get(s, 1),
            control_number: get(s, 2),
            implementation: get(s, 3),
            status: AckCode::Accepted,
            segment_errors: Vec::new(),
            syntax_errors: Vec::new(),
        })
        .collect();
    let mut group_errors = Vec::new();
    let tx_code = match err.kind {
        ErrorKind::TransactionTrailerMissing => Some("2"),
        ErrorKind::TransactionControl => Some("3"),
        ErrorKind::TransactionCount => Some("4"),
        ErrorKind::Content | ErrorKind::Syntax => Some("5"),
        _ => None,
    };
    match (tx_code, txs.last_mut()) {
        (Some(code), Some(last)) => {
            last.status = AckCode::Rejected;
            last.syntax_errors.push(code.into());
        }
        _ => match err.kind {
            ErrorKind::GroupTrailerMissing => group_errors.push("3".to_string()),
            ErrorKind::GroupControl => group_errors.push("4".to_string()),
            ErrorKind::GroupCount => group_errors.push("5".to_string()),
            _ => {}
        },
    }
    // The interchange as a whole is rejected: every transaction in it is.
    for t in &mut txs {
        t.status = AckCode::Rejected;
    }
    let ack = AckInput {
        functional_id: get(gs, 1),
        group_control_number: get(gs, 6),
        version: get(gs, 8),
        declared_transactions: None,
        transactions: txs,
        group_errors,
    };
    Ok(ack_999(ctx, &ack))
}
