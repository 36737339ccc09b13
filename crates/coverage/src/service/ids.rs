//! Medical record numbers and member ids. Each region issues its own MRNs (AWY-01): region
//! prefix, 8 digits and a Luhn check digit, the same shape the synthetic generator uses; the
//! service numbers from 40,000,000 up, so it never meets a generated one.

use serde_json::Value;
use ws_fhir_service::Caller;

use crate::service::{CoverageError, CoverageService, Result};

/// First number the service issues (the generator uses 0.. for its members).
const ISSUED_BASE: u64 = 40_000_000;

/// MRN prefix of a region code: its first three letters, upper-case ("north" → "NOR").
pub fn mrn_prefix(region: &str) -> String {
    let p: String = region
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    if p.is_empty() { "WS".to_owned() } else { p }
}

/// The MRN with `number`: prefix, 8 digits, Luhn check digit.
pub fn mrn(prefix: &str, number: u64) -> String {
    let digits = format!("{:08}", 10_000_000 + number);
    let mut sum = 0;
    for (i, ch) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(ch - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    format!("{prefix}{digits}{}", (10 - sum % 10) % 10)
}

/// Does `value` carry a valid Luhn check digit after its letters?
pub fn mrn_is_valid(value: &str) -> bool {
    let digits: String = value
        .chars()
        .skip_while(char::is_ascii_alphabetic)
        .collect();
    if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let prefix: String = value
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    let Ok(n) = digits[..8].parse::<u64>() else {
        return false;
    };
    n >= 10_000_000 && mrn(&prefix, n - 10_000_000) == value
}

pub fn mrn_system(region: &str) -> String {
    format!("urn:wellspring:mrn:{region}")
}

pub fn member_id_system(region: &str) -> String {
    format!("urn:wellspring:member-id:{region}")
}

/// The value of the identifier of `system` on a resource.
pub fn identifier(resource: &Value, system: &str) -> Option<String> {
    resource["identifier"]
        .as_array()?
        .iter()
        .find(|i| i["system"].as_str() == Some(system))
        .and_then(|i| i["value"].as_str())
        .map(str::to_owned)
}

/// The region of a Patient: from its MRN identifier system.
pub fn region_of_patient(patient: &Value) -> Option<String> {
    patient["identifier"].as_array()?.iter().find_map(|i| {
        i["system"]
            .as_str()?
            .strip_prefix("urn:wellspring:mrn:")
            .map(str::to_owned)
    })
}

/// A region of the system: its code, title and plan organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub title: String,
    pub org_id: String,
    pub phone: Option<String>,
}

impl CoverageService {
    /// Issue the next MRN of `region` (its own counter).
    pub async fn issue_mrn(&self, region: &str) -> Result<String> {
        let (n, _) = self.reserve_mrns(region, 1).await?;
        Ok(mrn(&mrn_prefix(region), n))
    }

    /// Reserve `n` numbers of `region`'s MRN counter; returns the first and last number.
    pub async fn reserve_mrns(&self, region: &str, n: u64) -> Result<(u64, u64)> {
        let n_i = i64::try_from(n).map_err(|_| CoverageError::Invalid("block size".into()))?;
        let last = self
            .fhir
            .advance_counter(&format!("mrn:{region}"), n_i)
            .await?;
        let last = u64::try_from(last).map_err(|_| CoverageError::Invalid("counter".into()))?;
        Ok((ISSUED_BASE + last + 1 - n, ISSUED_BASE + last))
    }

    /// The regions of the system: every payer Organization ("Wellspring Health <Title>").
    pub async fn regions(&self, caller: &Caller) -> Result<Vec<Region>> {
        let orgs = self
            .fhir
            .search_resources(
                caller,
                "Organization",
                &[(
                    "type".into(),
                    "http://terminology.hl7.org/CodeSystem/organization-type|pay".into(),
                )],
                100,
            )
            .await?;
        let mut out: Vec<Region> = orgs
            .iter()
            .filter_map(|o| {
                let id = o["id"].as_str()?;
                let code = id.strip_suffix("-org-plan")?.to_owned();
                let name = o["name"].as_str().unwrap_or_default();
                let title = name
                    .strip_prefix("Wellspring Health ")
                    .unwrap_or(name)
                    .to_owned();
                let phone = o["telecom"].as_array().and_then(|t| {
                    t.iter()
                        .find(|x| x["system"] == "phone")
                        .and_then(|x| x["value"].as_str())
                        .map(str::to_owned)
                });
                Some(Region {
                    code,
                    title,
                    org_id: id.to_owned(),
                    phone,
                })
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn awy_01_mrn_matches_the_generator_and_checks_luhn() {
        for n in [0u64, 1, 42, 999_999, 40_000_001] {
            assert_eq!(mrn("NOR", n), ws_synthetic::household::mrn("NOR", n));
            assert!(mrn_is_valid(&mrn("SOU", n)));
        }
        let good = mrn("NOR", 7);
        let mut bad = good.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == '0' { '1' } else { '0' });
        assert!(!mrn_is_valid(&bad), "{bad}");
        assert!(!mrn_is_valid("NOR123"));
        assert_eq!(mrn_prefix("north"), "NOR");
        assert_eq!(mrn_prefix("2x"), "X");
    }
}
