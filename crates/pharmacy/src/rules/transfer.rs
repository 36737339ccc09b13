//! Transfers in: a member asks to move a prescription from an outside pharmacy to ours (issue
//! 15); a pharmacist calls that pharmacy, learns what the prescription says, and completes the
//! transfer or rejects it with the reason. Pure functions: the request's fields, and the
//! decision on what the other pharmacy reported.
//!
//! The rules of a transfer for refills (21 CFR 1306.25 for controlled substances, RX-04, RX-05):
//! - schedule II prescriptions carry no refills (RX-04): nothing to transfer; the member needs
//!   a new prescription from the prescriber;
//! - schedules III–V may be transferred once only (pharmacies sharing one real-time database
//!   aside, which an outside pharmacy does not);
//! - no refills left, or past the day it may last be filled (one year after it was written,
//!   RX-05; six months for schedules III and IV, RX-04): nothing to transfer; a renewal goes to
//!   the prescriber.

use jiff::civil::Date;

use super::formulary::{Listing, Schedule, Tier};
use super::refill::{Prescription, RefillSettings, RxStatus, last_valid_day};

/// The longest text accepted in a request's fields.
pub const MAX_TEXT: usize = 200;

/// A member's request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub drug: String,
    pub pharmacy: String,
    /// Ten digits (a US number; a leading 1 is dropped).
    pub phone: String,
    /// The outside pharmacy's prescription number, as printed on the label.
    pub rx_number: String,
}

/// A field the member must correct: (field name, what is wrong).
pub type FieldError = (&'static str, &'static str);

/// A US phone number as ten digits, whatever the punctuation; `None` if it is not one.
pub fn phone_digits(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let ok_chars = s
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
    let d = match digits.len() {
        11 if digits.starts_with('1') => digits[1..].to_owned(),
        10 => digits,
        _ => return None,
    };
    // NANP: area code and exchange do not start with 0 or 1.
    let b = d.as_bytes();
    (ok_chars && b[0] >= b'2' && b[3] >= b'2').then_some(d)
}

/// Check a member's transfer request; every problem at once, by field.
pub fn check_request(
    drug: &str,
    pharmacy: &str,
    phone: &str,
    rx_number: &str,
) -> Result<TransferRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (drug, pharmacy, rx_number) = (drug.trim(), pharmacy.trim(), rx_number.trim());
    if drug.is_empty() {
        errors.push(("drug", "transfer.need-drug"));
    }
    if pharmacy.is_empty() {
        errors.push(("pharmacy", "transfer.need-pharmacy"));
    }
    if [drug, pharmacy]
        .iter()
        .any(|t| t.chars().count() > MAX_TEXT)
    {
        errors.push(("drug", "transfer.too-long"));
    }
    let digits = phone_digits(phone);
    if digits.is_none() {
        errors.push(("phone", "transfer.bad-phone"));
    }
    let rx_ok = (1..=30).contains(&rx_number.len())
        && rx_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !rx_ok {
        errors.push(("rx_number", "transfer.bad-rx-number"));
    }
    match (errors.is_empty(), digits) {
        (true, Some(phone)) => Ok(TransferRequest {
            drug: drug.to_owned(),
            pharmacy: pharmacy.to_owned(),
            phone,
            rx_number: rx_number.to_ascii_uppercase(),
        }),
        _ => Err(errors),
    }
}

/// What the other pharmacy reported about the prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    /// The day it was written.
    pub written: Date,
    /// Refills left (after the fills already made there).
    pub refills_left: u32,
    pub schedule: Option<Schedule>,
    /// It was transferred between pharmacies before.
    pub transferred_before: bool,
}

/// Why a transfer cannot be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferRefusal {
    /// Schedule II: no refills to transfer; a new prescription is needed.
    ScheduleII,
    /// Schedules III–V move between pharmacies once only.
    AlreadyTransferred,
    /// Nothing left to fill: the prescriber is asked for a renewal.
    NoRefillsLeft,
    /// Past the last day it may be filled (the date).
    Expired(Date),
}

impl TransferRefusal {
    /// The code stored on the request and the text key for the member.
    pub fn code(self) -> &'static str {
        match self {
            TransferRefusal::ScheduleII => "schedule-ii",
            TransferRefusal::AlreadyTransferred => "transferred-once",
            TransferRefusal::NoRefillsLeft => "no-refills",
            TransferRefusal::Expired(_) => "expired",
        }
    }

    /// In plain words (English; the portal shows its own translation by [`Self::code`]).
    pub fn explain(self) -> String {
        match self {
            TransferRefusal::ScheduleII => "A schedule II controlled substance has no refills to \
                 transfer: ask your prescriber for a new prescription."
                .into(),
            TransferRefusal::AlreadyTransferred => "A controlled-substance prescription may move \
                 between pharmacies only once, and this one already has: ask your prescriber \
                 for a new prescription."
                .into(),
            TransferRefusal::NoRefillsLeft => "No refills are left on this prescription: ask \
                 for a renewal from your prescriber."
                .into(),
            TransferRefusal::Expired(d) => format!(
                "This prescription could be filled until {d} and has expired: ask for a \
                 renewal from your prescriber."
            ),
        }
    }
}

/// May a prescription the other pharmacy described be transferred in on `today`?
pub fn decide(r: &Reported, today: Date, s: &RefillSettings) -> Result<(), TransferRefusal> {
    match r.schedule {
        Some(Schedule::II) => return Err(TransferRefusal::ScheduleII),
        Some(_) if r.transferred_before => return Err(TransferRefusal::AlreadyTransferred),
        _ => {}
    }
    if r.refills_left == 0 {
        return Err(TransferRefusal::NoRefillsLeft);
    }
    let p = Prescription {
        issued: r.written,
        valid_until: None,
        refills_allowed: r.refills_left,
        status: RxStatus::Active,
        listing: Listing {
            covered: true,
            prior_auth: false,
            tier: Tier::NonPreferred,
            schedule: r.schedule,
            mail: true,
            auto_refill: false,
        },
    };
    let last = last_valid_day(&p, s);
    if today > last {
        return Err(TransferRefusal::Expired(last));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn phone_numbers_in_any_punctuation() {
        #[rustfmt::skip]
        let rows: &[(&str, Option<&str>)] = &[
            ("(206) 555-0142",    Some("2065550142")),
            ("206.555.0142",      Some("2065550142")),
            ("+1 206 555 0142",   Some("2065550142")),
            ("12065550142",       Some("2065550142")),
            ("2065550142",        Some("2065550142")),
            ("555-0142",          None), // no area code
            ("106 555 0142",      None), // area code cannot start with 1
            ("206 055 0142",      None), // nor the exchange with 0
            ("206-555-014x",      None),
            ("22065550142",       None),
            ("",                  None),
        ];
        for (input, want) in rows {
            assert_eq!(phone_digits(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn a_request_names_the_drug_the_pharmacy_its_phone_and_the_rx_number() {
        let ok = check_request(
            " Lisinopril 10 mg ",
            "Corner Drug",
            "(360) 555-0100",
            "rx-48213",
        )
        .unwrap();
        assert_eq!(
            ok,
            TransferRequest {
                drug: "Lisinopril 10 mg".into(),
                pharmacy: "Corner Drug".into(),
                phone: "3605550100".into(),
                rx_number: "RX-48213".into(),
            }
        );
        let errs = check_request("", " ", "555", "48 213").unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["drug", "pharmacy", "phone", "rx_number"]);
        let long = "x".repeat(MAX_TEXT + 1);
        let errs = check_request(&long, "Corner Drug", "3605550100", "1").unwrap_err();
        assert_eq!(errs, vec![("drug", "transfer.too-long")]);
        let errs = check_request("A", "B", "3605550100", &"9".repeat(31)).unwrap_err();
        assert_eq!(errs, vec![("rx_number", "transfer.bad-rx-number")]);
    }

    /// RX-04, RX-05 and 21 CFR 1306.25 on fixed dates.
    #[test]
    fn rx_04_05_transfer_decisions() {
        let s = RefillSettings::default();
        let today = d("2026-12-05");
        let r = |written: &str, left: u32, schedule: Option<Schedule>, before: bool| Reported {
            written: d(written),
            refills_left: left,
            schedule,
            transferred_before: before,
        };
        use Schedule::*;
        use TransferRefusal as T;
        #[rustfmt::skip]
        let rows: Vec<(&str, Reported, Result<(), TransferRefusal>)> = vec![
            ("RX-05 within the year",            r("2026-01-10", 3, None, false),        Ok(())),
            ("RX-05 last day (written +1y -1d)", r("2025-12-06", 3, None, false),        Ok(())),
            ("RX-05 a day late",                 r("2025-12-05", 3, None, false),        Err(T::Expired(d("2026-12-04")))),
            ("RX-05 leap day written",           r("2024-02-29", 2, None, false),        Err(T::Expired(d("2025-02-27")))),
            ("not controlled, moved before",     r("2026-06-01", 2, None, true),         Ok(())),
            ("no refills left",                  r("2026-11-01", 0, None, false),        Err(T::NoRefillsLeft)),
            ("RX-04 schedule II",                r("2026-11-20", 0, Some(II), false),    Err(T::ScheduleII)),
            ("RX-04 schedule II even if refills", r("2026-11-20", 1, Some(II), false),   Err(T::ScheduleII)),
            ("RX-04 III within six months",      r("2026-06-06", 2, Some(III), false),   Ok(())),
            ("RX-04 III past six months",        r("2026-06-04", 2, Some(III), false),   Err(T::Expired(d("2026-12-03")))),
            ("RX-04 IV transferred once before", r("2026-10-01", 2, Some(IV), true),     Err(T::AlreadyTransferred)),
            ("RX-04 V: a year, once",            r("2026-01-10", 1, Some(V), false),     Ok(())),
            ("RX-04 V moved before",             r("2026-01-10", 1, Some(V), true),      Err(T::AlreadyTransferred)),
        ];
        for (name, rep, want) in rows {
            assert_eq!(decide(&rep, today, &s), want, "{name}");
        }
        for t in [
            T::ScheduleII,
            T::AlreadyTransferred,
            T::NoRefillsLeft,
            T::Expired(today),
        ] {
            assert!(!t.explain().is_empty() && !t.code().is_empty());
        }
    }
}
