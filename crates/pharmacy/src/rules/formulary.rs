//! The plan's drug formulary: for each drug (by RxNorm code) its tier, its controlled-substance
//! schedule, whether it ships by mail and may refill itself, and whether the plan needs a
//! prior authorization or excludes it.
//!
//! Wellspring's formulary is *open*: a drug not listed is covered at the non-preferred brand
//! tier; the list names the drugs with a better tier, a limit, or an exclusion. Published to
//! apps, without signing in, as `MedicationKnowledge` resources in the Da Vinci PDEX US Drug
//! Formulary shape ([`drug_resource`]).

use serde_json::{Value, json};

pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// DEA controlled-substance schedules that reach a pharmacy (RX-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Schedule {
    II,
    III,
    IV,
    V,
}

impl Schedule {
    pub fn label(self) -> &'static str {
        match self {
            Schedule::II => "II",
            Schedule::III => "III",
            Schedule::IV => "IV",
            Schedule::V => "V",
        }
    }
}

/// Cost-sharing tiers (the plan's pharmacy benefits: generic, brand, mail-order generic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Generic,
    /// Preferred brand.
    Brand,
    /// Non-preferred brand: drugs not listed (open formulary).
    NonPreferred,
}

impl Tier {
    pub fn code(self) -> &'static str {
        match self {
            Tier::Generic => "generic",
            Tier::Brand => "preferred-brand",
            Tier::NonPreferred => "non-preferred-brand",
        }
    }
}

/// What the formulary says about one drug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    pub covered: bool,
    pub prior_auth: bool,
    pub tier: Tier,
    pub schedule: Option<Schedule>,
    /// May be sent by mail (SEED-07: some medications are not eligible).
    pub mail: bool,
    /// May refill itself on a schedule (auto-refill): maintenance drugs, never controlled.
    pub auto_refill: bool,
}

/// One listed drug.
#[derive(Debug, Clone, Copy)]
pub struct Drug {
    pub rxnorm: &'static str,
    pub name: &'static str,
    pub listing: Listing,
}

const fn maintenance(rxnorm: &'static str, name: &'static str, tier: Tier) -> Drug {
    Drug {
        rxnorm,
        name,
        listing: Listing {
            covered: true,
            prior_auth: false,
            tier,
            schedule: None,
            mail: true,
            auto_refill: true,
        },
    }
}

const fn controlled(rxnorm: &'static str, name: &'static str, schedule: Schedule) -> Drug {
    Drug {
        rxnorm,
        name,
        listing: Listing {
            covered: true,
            prior_auth: false,
            tier: Tier::Generic,
            schedule: Some(schedule),
            // Schedule II does not ship by mail here; III–V may (with a signature on delivery).
            mail: !matches!(schedule, Schedule::II),
            auto_refill: false,
        },
    }
}

/// The listed drugs. Shipped data, not code: an administrator's formulary replaces it.
pub const FORMULARY: &[Drug] = &[
    maintenance("314076", "lisinopril 10 MG Oral Tablet", Tier::Generic),
    maintenance("197361", "amlodipine 5 MG Oral Tablet", Tier::Generic),
    maintenance(
        "310798",
        "hydrochlorothiazide 25 MG Oral Tablet",
        Tier::Generic,
    ),
    maintenance(
        "860975",
        "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
        Tier::Generic,
    ),
    maintenance("617310", "atorvastatin 20 MG Oral Tablet", Tier::Generic),
    maintenance("312961", "simvastatin 20 MG Oral Tablet", Tier::Generic),
    maintenance(
        "745679",
        "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
        Tier::Generic,
    ),
    maintenance(
        "895994",
        "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
        Tier::Brand,
    ),
    maintenance("312941", "sertraline 50 MG Oral Tablet", Tier::Generic),
    maintenance("310385", "fluoxetine 20 MG Oral Capsule", Tier::Generic),
    maintenance(
        "966222",
        "levothyroxine sodium 0.075 MG Oral Tablet",
        Tier::Generic,
    ),
    // An acute course: covered, but not a refill-by-itself drug.
    Drug {
        rxnorm: "308191",
        name: "amoxicillin 500 MG Oral Capsule",
        listing: Listing {
            covered: true,
            prior_auth: false,
            tier: Tier::Generic,
            schedule: None,
            mail: false,
            auto_refill: false,
        },
    },
    controlled(
        "1049621",
        "oxycodone hydrochloride 5 MG Oral Tablet",
        Schedule::II,
    ),
    controlled("308048", "alprazolam 0.5 MG Oral Tablet", Schedule::IV),
    controlled(
        "835603",
        "tramadol hydrochloride 50 MG Oral Tablet",
        Schedule::IV,
    ),
];

/// Drugs the plan excludes, and drugs that need a prior authorization (by RxNorm code).
pub const EXCLUDED: &[(&str, &str)] = &[(
    "1665685",
    "weight-loss drugs are excluded from the plan's pharmacy benefit",
)];
pub const PRIOR_AUTH: &[&str] = &["1991306"];

/// The listing of `rxnorm` (open formulary: an unlisted drug is covered at the non-preferred
/// brand tier).
pub fn listing(rxnorm: Option<&str>) -> Listing {
    let code = rxnorm.unwrap_or("");
    if let Some(d) = FORMULARY.iter().find(|d| d.rxnorm == code) {
        return d.listing;
    }
    Listing {
        covered: !EXCLUDED.iter().any(|(c, _)| *c == code),
        prior_auth: PRIOR_AUTH.contains(&code),
        tier: Tier::NonPreferred,
        schedule: None,
        mail: true,
        auto_refill: false,
    }
}

const USDF: &str = "http://hl7.org/fhir/us/Davinci-drug-formulary";

/// One listed drug as a PDEX US Drug Formulary `FormularyDrug` (R4 `MedicationKnowledge`).
pub fn drug_resource(d: &Drug, plan_id: &str) -> Value {
    let tier = d.listing.tier.code();
    let ext = vec![
        json!({"url": format!("{USDF}/StructureDefinition/usdf-DrugTierID-extension"),
               "valueCodeableConcept": {"coding": [{"system": format!("{USDF}/CodeSystem/usdf-DrugTierCS"), "code": tier}]}}),
        json!({"url": format!("{USDF}/StructureDefinition/usdf-PlanID-extension"), "valueString": plan_id}),
        json!({"url": format!("{USDF}/StructureDefinition/usdf-PriorAuthorization-extension"), "valueBoolean": d.listing.prior_auth}),
        json!({"url": format!("{USDF}/StructureDefinition/usdf-StepTherapyLimit-extension"), "valueBoolean": false}),
        json!({"url": format!("{USDF}/StructureDefinition/usdf-QuantityLimit-extension"), "valueBoolean": d.listing.schedule.is_some()}),
        json!({"url": format!("{USDF}/StructureDefinition/usdf-MailOrder-extension"), "valueBoolean": d.listing.mail}),
    ];
    let mut r = json!({
        "resourceType": "MedicationKnowledge",
        "id": format!("formulary-{}", d.rxnorm),
        "meta": {"profile": [format!("{USDF}/StructureDefinition/usdf-FormularyDrug")]},
        "extension": ext,
        "code": {"coding": [{"system": RXNORM, "code": d.rxnorm, "display": d.name}], "text": d.name},
        "status": "active",
    });
    if let Some(s) = d.listing.schedule {
        r["regulatory"] = json!([{
            "regulatoryAuthority": {"display": "US Drug Enforcement Administration"},
            "schedule": [{"schedule": {"coding": [{"system": "urn:wellspring:dea-schedule", "code": s.label()}], "text": format!("Schedule {}", s.label())}}]
        }]);
    }
    r
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rx_04_controlled_drugs_carry_their_schedule() {
        assert_eq!(listing(Some("1049621")).schedule, Some(Schedule::II));
        assert!(!listing(Some("1049621")).mail, "schedule II does not ship");
        assert!(!listing(Some("308048")).auto_refill);
        assert_eq!(listing(Some("314076")).schedule, None);
    }

    #[test]
    fn seed_07_some_drugs_do_not_ship() {
        assert!(!listing(Some("308191")).mail);
        assert!(listing(Some("314076")).mail);
    }

    #[test]
    fn open_formulary_unlisted_is_non_preferred_exclusions_are_not_covered() {
        let l = listing(Some("999999"));
        assert!(l.covered);
        assert_eq!(l.tier, Tier::NonPreferred);
        assert!(!listing(Some("1665685")).covered);
        assert!(listing(Some("1991306")).prior_auth);
        assert!(listing(None).covered);
    }

    #[test]
    fn formulary_drug_resource_shape() {
        let r = drug_resource(&FORMULARY[0], "plan-1");
        assert_eq!(r["resourceType"], "MedicationKnowledge");
        assert_eq!(r["code"]["coding"][0]["code"], "314076");
        assert_eq!(
            r["extension"][0]["valueCodeableConcept"]["coding"][0]["code"],
            "generic"
        );
        let ox = FORMULARY.iter().find(|d| d.rxnorm == "1049621").unwrap();
        let r = drug_resource(ox, "plan-1");
        assert_eq!(
            r["regulatory"][0]["schedule"][0]["schedule"]["text"],
            "Schedule II"
        );
    }
}
