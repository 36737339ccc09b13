//! ASC X12 005010: strict envelope parsing, 834, 270/271 and 999.
//!
//! Pure code: no I/O, no clock, no database. Every function takes bytes or parsed segments and
//! returns values or strings; the caller supplies dates, times and control numbers.
//!
//! * [`parse`] tokenizes an interchange (ISA..IEA) and checks the envelope strictly (counts,
//!   control numbers, truncation), keeping each segment's position in the file and in its
//!   transaction so every error can point at a segment (and element).
//! * [`ack999`]: the 999 implementation acknowledgment (005010X231A1).
//! * [`edi834`]: the 834 benefit enrollment (005010X220A1) reader and a streaming writer.
//! * [`elig`]: the 270 eligibility inquiry reader and the 271 answer writer (005010X279A1).
//!
//! ```
//! use wellspring_x12::{AckInput, Envelope, ack_999, parse, parse_834};
//! # fn main() -> Result<(), wellspring_x12::X12Error> {
//! # let bytes = include_bytes!("../tests/data/valid_834.x12");
//! let interchange = parse(bytes)?; // envelope errors: Err with segment/element position
//! let group = &interchange.groups[0];
//! let mut ack = AckInput::for_group(group);
//! for (tx, tx_ack) in group.transactions.iter().zip(ack.transactions.iter_mut()) {
//!     let enrollment = parse_834(tx)?; // header errors: Err (reject the transaction)
//!     let errors = enrollment.members.iter().filter_map(|m| m.as_ref().err());
//!     *tx_ack = tx_ack.clone().with_errors(errors.map(|e| e.to_ack()).collect(), false);
//! }
//! let when = jiff::civil::date(2026, 4, 2);
//! let reply = Envelope::reply_to(&interchange, when, jiff::civil::time(8, 0, 0, 0), 2, 2);
//! let text = ack_999(&reply, &ack);
//! assert!(text.contains("AK9*A*1*1*1~"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Why the tokenizer is hand-written (not `x12-types`)
//! `x12-types` 0.12 was evaluated: it maps transaction sets onto typed structs of `String`
//! fields via `nom`, but a failed parse does not say which segment or element failed (no
//! segment ordinal or position within the transaction, which the 999 IK3/IK4 and our member
//! errors need), it accepts any code value (relationship, maintenance type, gender, dates are
//! plain strings), and it is a very large crate to compile. X12 tokenizing is a few dozen lines,
//! so the tokenizer and every strict check here are ours.

use std::fmt;

pub mod ack999;
pub mod edi834;
pub mod elig;
mod envelope;
mod write;

pub use ack999::{
    AckCode, AckContext, AckInput, ElementError, SegmentError, TransactionAck, ack_999,
    ack_999_unparsed,
};
pub use edi834::{
    BenefitStatus, Coverage834, Enrollment834, Header834, Maintenance, Member834, MemberError,
    Writer834, parse_834, write_834,
};
pub use elig::{
    DateOrRange, EligibilityAnswer, Entity, Inquiry270, Pcp, Person, parse_270, write_270,
    write_271,
};
pub use envelope::parse;
pub use write::Envelope;

/// A party named by an N1 segment (834 sponsor, payer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// N102.
    pub name: String,
    /// N103 identification code qualifier (`FI` tax id, `94` code assigned by receiver, ...).
    pub id_qualifier: String,
    /// N104.
    pub id: String,
}

/// One segment of an interchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Segment id (`ISA`, `ST`, `INS`, ...).
    pub id: String,
    /// The data elements after the id (`elements[0]` is element 1).
    pub elements: Vec<String>,
    /// 1-based ordinal of the segment in the whole file (ISA = 1).
    pub position: usize,
    /// 1-based position within its ST..SE (ST = 1); 0 for envelope segments (ISA, GS, GE, IEA).
    pub st_position: usize,
    /// The interchange's component separator (ISA16), used by [`Segment::components`].
    pub component_separator: char,
}

impl Segment {
    /// Element `i` (1-based); `""` if absent.
    pub fn el(&self, i: usize) -> &str {
        if i == 0 {
            return "";
        }
        self.elements.get(i - 1).map_or("", String::as_str)
    }

    /// The components of composite element `i` (1-based); empty if the element is absent.
    pub fn components(&self, i: usize) -> Vec<&str> {
        let e = self.el(i);
        if e.is_empty() {
            Vec::new()
        } else {
            e.split(self.component_separator).collect()
        }
    }

    /// Number of elements present (trailing empty elements included as sent).
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// True when the segment has no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }
}

/// A parsed interchange (ISA..IEA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interchange {
    /// ISA05 qualifier of the sender (usually `ZZ`).
    pub sender_qualifier: String,
    /// ISA06, trimmed.
    pub sender_id: String,
    /// ISA07 qualifier of the receiver.
    pub receiver_qualifier: String,
    /// ISA08, trimmed.
    pub receiver_id: String,
    /// ISA09 (YYMMDD).
    pub date: String,
    /// ISA10 (HHMM).
    pub time: String,
    /// ISA13 (9 digits).
    pub control_number: String,
    /// ISA15: `P` production, `T` test.
    pub usage: char,
    /// Separators in use.
    pub separators: Separators,
    /// The functional groups.
    pub groups: Vec<Group>,
}

/// The delimiters an interchange declares in its ISA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// ISA byte 4.
    pub element: char,
    /// ISA11.
    pub repetition: char,
    /// ISA16.
    pub component: char,
    /// The byte after ISA16.
    pub segment: char,
}

/// A functional group (GS..GE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// GS01 (`BE` 834, `HS` 270, `HB` 271, `FA` 999).
    pub functional_id: String,
    /// GS02.
    pub sender: String,
    /// GS03.
    pub receiver: String,
    /// GS04 (CCYYMMDD).
    pub date: String,
    /// GS06.
    pub control_number: String,
    /// GS08 (e.g. `005010X220A1`).
    pub version: String,
    /// Position of the GS segment in the file.
    pub position: usize,
    /// The transaction sets.
    pub transactions: Vec<Transaction>,
}

/// A transaction set (ST..SE, both included in `segments`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// ST01 (`834`, `270`, ...).
    pub id: String,
    /// ST02.
    pub control_number: String,
    /// ST03 (implementation convention reference).
    pub implementation: String,
    /// All segments from ST to SE inclusive.
    pub segments: Vec<Segment>,
}

/// What kind of problem an [`X12Error`] is (used to pick 999 codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Input does not start with `ISA`.
    NotX12,
    /// The ISA header itself is malformed.
    Isa,
    /// Bad bytes, empty or invalid segment ids, unterminated segment.
    Syntax,
    /// Interchange trailer missing or wrong (IEA).
    Interchange,
    /// GE missing.
    GroupTrailerMissing,
    /// GE01 does not match the number of transactions.
    GroupCount,
    /// GS06 != GE02.
    GroupControl,
    /// SE missing.
    TransactionTrailerMissing,
    /// SE01 does not match the number of segments.
    TransactionCount,
    /// ST02 != SE02.
    TransactionControl,
    /// Any error in the content of a transaction (834/270 structure).
    Content,
}

/// A parse or validation error, pointing at the segment (and element) it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct X12Error {
    /// Segment ordinal in the file (1-based), when known.
    pub position: Option<usize>,
    /// Segment id, when known.
    pub segment: Option<String>,
    /// Element position (1-based), when the error is about one element.
    pub element: Option<usize>,
    /// Human-readable message.
    pub message: String,
    /// Category, for mapping to acknowledgment codes.
    pub kind: ErrorKind,
}

impl X12Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            position: None,
            segment: None,
            element: None,
            message: message.into(),
            kind,
        }
    }

    pub(crate) fn at(kind: ErrorKind, seg: &Segment, message: impl Into<String>) -> Self {
        Self {
            position: Some(seg.position),
            segment: Some(seg.id.clone()),
            element: None,
            message: message.into(),
            kind,
        }
    }

    pub(crate) fn at_el(
        kind: ErrorKind,
        seg: &Segment,
        element: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            element: Some(element),
            ..Self::at(kind, seg, message)
        }
    }
}

impl fmt::Display for X12Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut prefix = false;
        if let Some(p) = self.position {
            write!(f, "segment {p}")?;
            prefix = true;
        }
        if let Some(s) = &self.segment {
            if prefix {
                write!(f, " ({s})")?;
            } else {
                write!(f, "{s}")?;
            }
            prefix = true;
        }
        if let Some(e) = self.element {
            if prefix {
                write!(f, ", element {e}")?;
            } else {
                write!(f, "element {e}")?;
            }
            prefix = true;
        }
        if prefix {
            write!(f, ": ")?;
        }
        f.write_str(&self.message)
    }
}

/// Parse a `CCYYMMDD` date strictly (a real calendar date).
pub fn parse_d8(s: &str) -> Option<jiff::civil::Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i16 = s.get(0..4)?.parse().ok()?;
    let m: i8 = s.get(4..6)?.parse().ok()?;
    let d: i8 = s.get(6..8)?.parse().ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}

/// Format a date as `CCYYMMDD`.
pub fn fmt_d8(d: jiff::civil::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn d8_dates() {
        assert!(parse_d8("20240229").is_some());
        assert!(parse_d8("20250229").is_none());
        assert!(parse_d8("20260230").is_none());
        assert!(parse_d8("2026-02-01").is_none());
        assert_eq!(fmt_d8(parse_d8("20260410").unwrap()), "20260410");
    }

    #[test]
    fn error_display() {
        let e = X12Error {
            position: Some(12),
            segment: Some("SE".into()),
            element: Some(1),
            message: "segment count says 14, the transaction has 13".into(),
            kind: ErrorKind::TransactionCount,
        };
        assert_eq!(
            e.to_string(),
            "segment 12 (SE), element 1: segment count says 14, the transaction has 13"
        );
        assert_eq!(X12Error::new(ErrorKind::NotX12, "x").to_string(), "x");
    }
}
