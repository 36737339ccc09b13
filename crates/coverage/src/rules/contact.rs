//! A member's address and mobile number, checked field by field (SEED-14: members view and
//! correct their personal information). Pure: the portal marks each field with its own problem
//! and keeps what the member typed; the service checks again before it writes.

/// What a member typed into the contact form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub line: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub mobile: String,
}

/// USPS codes of the states, DC and the territories.
const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
];

/// Each field's problem as (field, code), in the form's order. Codes: `required`,
/// `invalid-state`, `invalid-zip`, `invalid-mobile`. An empty mobile is allowed (no change).
pub fn problems(c: &ContactInput) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if c.line.trim().is_empty() {
        out.push(("line", "required"));
    }
    if c.city.trim().is_empty() {
        out.push(("city", "required"));
    }
    let st = c.state.trim().to_ascii_uppercase();
    if st.is_empty() {
        out.push(("state", "required"));
    } else if !STATES.contains(&st.as_str()) {
        out.push(("state", "invalid-state"));
    }
    let z = c.postal_code.trim();
    if z.is_empty() {
        out.push(("postal_code", "required"));
    } else if !zip_ok(z) {
        out.push(("postal_code", "invalid-zip"));
    }
    if !c.mobile.trim().is_empty() && mobile_e164(&c.mobile).is_none() {
        out.push(("mobile", "invalid-mobile"));
    }
    out
}

/// 5 digits, or ZIP+4 (`98101-1234`).
fn zip_ok(z: &str) -> bool {
    let b = z.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    (b.len() == 5 && digits(b))
        || (b.len() == 10 && b[5] == b'-' && digits(&b[..5]) && digits(&b[6..]))
}

/// A mobile number as people write it — `(206) 555-0142`, `206.555.0142`, `+1 206 555 0142`,
/// `+44 7700 900123` — in international form (`+12065550142`); `None` if it is not one.
/// Ten digits without a country code are US numbers.
pub fn mobile_e164(s: &str) -> Option<String> {
    let s = s.trim();
    let plus = s.starts_with('+');
    let mut digits = String::new();
    for c in s.trim_start_matches('+').chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    match (plus, digits.len()) {
        (false, 10) => Some(format!("+1{digits}")),
        (false, 11) if digits.starts_with('1') => Some(format!("+{digits}")),
        (true, 8..=15) => Some(format!("+{digits}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(line: &str, city: &str, state: &str, zip: &str, mobile: &str) -> ContactInput {
        ContactInput {
            line: line.into(),
            city: city.into(),
            state: state.into(),
            postal_code: zip.into(),
            mobile: mobile.into(),
        }
    }

    /// SEED-14: each field is checked on its own, so the form can mark the one that is wrong.
    #[test]
    fn seed_14_contact_fields_checked_one_by_one() {
        type Case = (ContactInput, &'static [(&'static str, &'static str)]);
        let cases: &[Case] = &[
            (input("1 Pine St", "Seattle", "WA", "98101", ""), &[]),
            (
                input("1 Pine St", "Seattle", "wa", "98101-1234", "(206) 555-0142"),
                &[],
            ),
            (
                input("1 Pine St", "Seattle", "WA", "9810", ""),
                &[("postal_code", "invalid-zip")],
            ),
            (
                input("1 Pine St", "Seattle", "WA", "98101-12", ""),
                &[("postal_code", "invalid-zip")],
            ),
            (
                input("1 Pine St", "Seattle", "XX", "98101", ""),
                &[("state", "invalid-state")],
            ),
            (
                input("", "", "", "", "call me"),
                &[
                    ("line", "required"),
                    ("city", "required"),
                    ("state", "required"),
                    ("postal_code", "required"),
                    ("mobile", "invalid-mobile"),
                ],
            ),
        ];
        for (c, want) in cases {
            assert_eq!(problems(c), *want, "{c:?}");
        }
    }

    #[test]
    fn seed_14_mobile_numbers_as_people_write_them() {
        let cases = [
            ("(206) 555-0142", Some("+12065550142")),
            ("206.555.0142", Some("+12065550142")),
            ("1 206 555 0142", Some("+12065550142")),
            ("+1 206 555 0142", Some("+12065550142")),
            ("+44 7700 900123", Some("+447700900123")),
            ("555-0142", None),
            ("+12", None),
            ("206-555-O142", None),
        ];
        for (s, want) in cases {
            assert_eq!(mobile_e164(s).as_deref(), want, "{s}");
        }
    }
}
