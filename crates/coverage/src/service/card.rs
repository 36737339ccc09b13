//! The digital member ID card (issue 5 part 5): the facts come from the member's active
//! coverage; SEED-03 decides whether the card is offered at all.

use crate::rules::card::{digital_card_offered, reason};
use jiff::civil::Date;
use ws_fhir_service::Caller;
use ws_i18n::said::Said;
use ws_idcard::IdCard;

use crate::service::eligibility::CoverageStatus;
use crate::service::{CoverageError, CoverageService, Result};

/// Copays shown on the card, in order: (benefit code, label).
const CARD_COPAYS: &[(&str, &str)] = &[
    ("primary-care", "Primary care"),
    ("specialty", "Specialty care"),
    ("urgent-care", "Urgent care"),
    ("emergency", "Emergency"),
    ("generic-drug", "Generic drugs"),
];

/// What the QR code encodes: the member's region and MRN, nothing else (no name, no birth
/// date), so a scanned card identifies the record without disclosing health data.
pub fn qr_payload(region: &str, mrn: &str) -> String {
    format!("WSMEMBER:{region}:MRN:{mrn}")
}

impl CoverageService {
    /// The card for `patient` on `on`; refused when the member has no active coverage or their
    /// plan does not offer a digital card (SEED-03).
    pub async fn id_card(&self, caller: &Caller, patient: &str, on: Date) -> Result<IdCard> {
        let st = self.status(caller, patient, on).await?;
        card_for(self, &st, on)
    }
}

/// Build the card from a coverage status.
pub fn card_for(m: &CoverageService, st: &CoverageStatus, on: Date) -> Result<IdCard> {
    let no_coverage = || CoverageError::Refused {
        reason: Said::new("reason-card-no-coverage"),
        next_allowed: None,
        rule: "ELG-01",
    };
    let Some(cov) = &st.coverage else {
        return Err(no_coverage());
    };
    if let Some(p) = st.product()
        && !digital_card_offered(p)
    {
        return Err(CoverageError::Refused {
            reason: reason(p).unwrap_or_else(|| Said::new("reason-card-not-offered")),
            next_allowed: None,
            rule: "SEED-03",
        });
    }
    let Some(plan) = &st.plan else {
        return Err(no_coverage());
    };
    if !st.is_active() {
        return Err(CoverageError::Refused {
            reason: Said::new("reason-card-not-active").date("date", on),
            next_allowed: None,
            rule: "ELG-01",
        });
    }
    let region = st.region.clone().unwrap_or_default();
    let mrn = st.mrn.clone().unwrap_or_default();
    let group = if cov.group.is_empty() || cov.group == "MEDICAID" {
        "Individual".to_owned()
    } else {
        cov.group.clone()
    };
    Ok(IdCard {
        organisation: format!("Wellspring Health {}", title_case(&region)),
        member_name: st.name.clone(),
        mrn: mrn.clone(),
        member_id: st
            .member_id
            .clone()
            .unwrap_or_else(|| cov.member_id.clone()),
        plan_name: plan.name.clone(),
        group,
        effective: cov.start.to_string(),
        pcp: st.pcp.clone(),
        copays: CARD_COPAYS
            .iter()
            .filter_map(|(code, label)| {
                plan.cost_of(code)
                    .map(|c| ((*label).to_owned(), c.to_owned()))
            })
            .collect(),
        member_services_phone: m.contacts.member_services.clone(),
        advice_phone: m.contacts.advice_nurse.clone(),
        away_from_home_phone: m.contacts.away_from_home.clone(),
        issued: on.to_string(),
        qr_payload: qr_payload(&region, &mrn),
    })
}

pub fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
