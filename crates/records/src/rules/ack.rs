//! The HL7 v2 acknowledgment (ACK^R01) of one message: MSH, MSA (code, the sender's control id,
//! a short text) and, on AE/AR, ERR (location, HL7 table 0357 code, severity, the reason).

use super::oru::{AckCode, Header, Refusal};

/// Escape text for an HL7 field with the standard encoding characters `|^~\&`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\E\\"),
            '|' => out.push_str("\\F\\"),
            '^' => out.push_str("\\S\\"),
            '~' => out.push_str("\\R\\"),
            '&' => out.push_str("\\T\\"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The words of HL7 table 0357 codes used here.
fn error_text(code: u16) -> &'static str {
    match code {
        100 => "Segment sequence error",
        101 => "Required field missing",
        102 => "Data type error",
        103 => "Table value not found",
        200 => "Unsupported message type",
        201 => "Unsupported event code",
        203 => "Unsupported version id",
        204 => "Unknown key identifier",
        _ => "Application internal error",
    }
}

/// The ACK for a message with header `h` (as far as it could be read): `refusal` is `None` for
/// AA. `now` is the HL7 timestamp (`YYYYMMDDHHMMSS+0000`), `control_id` ours.
pub fn ack(h: &Header, refusal: Option<&Refusal>, now: &str, control_id: &str) -> String {
    let code = refusal.map_or(AckCode::Accept, |r| r.code);
    let version = if h.version.is_empty() {
        "2.5.1"
    } else {
        h.version.as_str()
    };
    let processing = if h.processing_id.is_empty() {
        "P"
    } else {
        h.processing_id.as_str()
    };
    let mut out = format!(
        "MSH|^~\\&|{}|{}|{}|{}|{now}||ACK^R01^ACK|{}|{}|{}\r",
        escape(if h.receiving_application.is_empty() {
            "WELLSPRING"
        } else {
            &h.receiving_application
        }),
        escape(if h.receiving_facility.is_empty() {
            "WELLSPRING"
        } else {
            &h.receiving_facility
        }),
        escape(&h.sending_application),
        escape(&h.sending_facility),
        escape(control_id),
        escape(processing),
        escape(version),
    );
    let text = refusal.map_or("accepted".to_owned(), |r| r.reason.clone());
    out.push_str(&format!(
        "MSA|{}|{}|{}\r",
        code.as_str(),
        escape(&h.control_id),
        escape(&truncate(&text, 80))
    ));
    if let Some(r) = refusal {
        let location = r
            .location
            .as_ref()
            .map(|(seg, n, f)| {
                if *f == 0 {
                    format!("{seg}^{n}")
                } else {
                    format!("{seg}^{n}^{f}")
                }
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "ERR||{location}|{}^{}^HL70357|E||||{}\r",
            r.hl7_error,
            error_text(r.hl7_error),
            escape(&r.reason)
        ));
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// An HL7 timestamp in UTC from microseconds since the epoch.
pub fn hl7_now(micros: i64) -> String {
    match jiff::Timestamp::from_microsecond(micros) {
        Ok(t) => t.strftime("%Y%m%d%H%M%S+0000").to_string(),
        Err(_) => "19700101000000+0000".into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::rules::oru::Refusal;

    fn header() -> Header {
        Header {
            sending_application: "LAB".into(),
            sending_facility: "CENTRAL LAB".into(),
            receiving_application: "WS".into(),
            receiving_facility: "NORTH".into(),
            control_id: "MSG0001".into(),
            processing_id: "P".into(),
            version: "2.5.1".into(),
        }
    }

    #[test]
    fn fmt_04_accept_echoes_the_control_id_and_swaps_sender_and_receiver() {
        let a = ack(&header(), None, "20261204120000+0000", "A1");
        let segs: Vec<&str> = a.split('\r').filter(|s| !s.is_empty()).collect();
        assert_eq!(
            segs,
            [
                "MSH|^~\\&|WS|NORTH|LAB|CENTRAL LAB|20261204120000+0000||ACK^R01^ACK|A1|P|2.5.1",
                "MSA|AA|MSG0001|accepted",
            ]
        );
    }

    #[test]
    fn fmt_04_error_carries_err_with_location_code_and_escaped_reason() {
        let r = Refusal::application(204, "no patient has MRN X|1^2");
        let mut r = r;
        r.location = Some(("PID".into(), 1, 3));
        let a = ack(&header(), Some(&r), "20261204120000+0000", "A2");
        assert!(a.contains("MSA|AE|MSG0001|no patient has MRN X\\F\\1\\S\\2\r"));
        assert!(a.contains(
            "ERR||PID^1^3|204^Unknown key identifier^HL70357|E||||no patient has MRN X\\F\\1\\S\\2\r"
        ));
    }

    #[test]
    fn the_ack_of_an_unreadable_message_still_has_defaults() {
        let r = Refusal::application(100, "x");
        let a = ack(&Header::default(), Some(&r), "20261204120000+0000", "A3");
        assert!(a.starts_with("MSH|^~\\&|WELLSPRING|WELLSPRING|||"));
        assert!(a.contains("|P|2.5.1\r"));
        assert!(a.contains("MSA|AE||x\r"));
    }

    #[test]
    fn timestamps_are_utc_with_offset() {
        assert_eq!(hl7_now(0), "19700101000000+0000");
        assert_eq!(hl7_now(1_796_385_600_000_000), "20261204120000+0000");
    }
}
