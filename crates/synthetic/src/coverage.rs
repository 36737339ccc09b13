//! The health-plan side: the four products (Traditional HMO, Deductible HMO, Medicare
//! Advantage — a 4-star and a 5-star plan, with their star ratings and premiums —, Medicaid)
//! as InsurancePlan resources with their cost sharing, a small
//! cost-sharing calculator used to price generated visits, and Coverage periods.

use serde_json::{Value, json};

use crate::date::Day;
use crate::terminology::{UCUM, USD, WS_CS, cc};

/// An extra benefit: (code, display, copay, limit per year (count, unit), note).
type ExtraBenefit = (
    &'static str,
    &'static str,
    u32,
    Option<(u32, &'static str)>,
    &'static str,
);

/// InsurancePlan extension: the Medicare star rating of the plan year (ENR-19).
pub const STAR_RATING_URL: &str =
    "http://wellspring.example/fhir/StructureDefinition/medicare-star-rating";

/// The products a member can be enrolled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanKind {
    TraditionalHmo,
    DeductibleHmo,
    MedicareAdvantage,
    Medicaid,
}

pub const PLAN_KINDS: [PlanKind; 4] = [
    PlanKind::TraditionalHmo,
    PlanKind::DeductibleHmo,
    PlanKind::MedicareAdvantage,
    PlanKind::Medicaid,
];

/// How a benefit is cost-shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Nothing to pay.
    Free,
    /// A fixed copay, deductible waived.
    Copay(u32),
    /// Full allowed amount until the deductible is met, then coinsurance.
    DeductibleThenCoinsurance,
}

/// What a generated service is billed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Benefit {
    Preventive,
    PrimaryCare,
    Specialty,
    Video,
    Phone,
    UrgentCare,
    Emergency,
    Lab,
    Imaging,
    GenericDrug,
    BrandDrug,
    MailOrderGeneric,
}

const BENEFITS: [(Benefit, &str, &str); 12] = [
    (
        Benefit::Preventive,
        "preventive",
        "Preventive care (USPSTF A/B, ACIP vaccines, well-child)",
    ),
    (
        Benefit::PrimaryCare,
        "primary-care",
        "Primary care office visit",
    ),
    (
        Benefit::Specialty,
        "specialty",
        "Specialty care office visit",
    ),
    (Benefit::Video, "video-visit", "Scheduled video visit"),
    (Benefit::Phone, "phone-visit", "Scheduled phone visit"),
    (Benefit::UrgentCare, "urgent-care", "Urgent care visit"),
    (
        Benefit::Emergency,
        "emergency",
        "Emergency department visit",
    ),
    (Benefit::Lab, "lab", "Laboratory tests"),
    (Benefit::Imaging, "imaging", "X-ray and diagnostic imaging"),
    (
        Benefit::GenericDrug,
        "generic-drug",
        "Generic drugs, up to a 30-day supply",
    ),
    (
        Benefit::BrandDrug,
        "brand-drug",
        "Preferred brand drugs, up to a 30-day supply",
    ),
    (
        Benefit::MailOrderGeneric,
        "mail-order-generic",
        "Generic drugs by mail, up to a 90-day supply",
    ),
];

/// One product and its cost sharing (whole dollars).
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: PlanKind,
    pub id: String,
    /// Plan code carried in `Coverage.class` ("THMO-25").
    pub code: &'static str,
    pub name: String,
    pub plan_type: &'static str,
    /// Deductible self-only / family.
    pub deductible: (u32, u32),
    pub coinsurance_pct: u32,
    /// Out-of-pocket maximum self-only / family.
    pub oop_max: (u32, u32),
    /// Source of Payment Typology code and display.
    pub sopt: (&'static str, &'static str),
    pub v3: (&'static str, &'static str),
    /// Medicare star rating for the plan year, in half stars (9 = 4.5 stars; ENR-19).
    pub half_stars: Option<u8>,
    /// Monthly premium in dollars, when it is the same for every member (Medicare Advantage).
    pub premium: Option<u32>,
    rules: [Rule; 12],
}

impl Plan {
    pub fn rule(&self, b: Benefit) -> Rule {
        BENEFITS
            .iter()
            .position(|(k, _, _)| *k == b)
            .and_then(|i| self.rules.get(i).copied())
            .unwrap_or(Rule::Free)
    }

    pub fn all(region: &str, region_title: &str) -> Vec<Plan> {
        use Rule::{Copay, DeductibleThenCoinsurance as Ded, Free};
        vec![
            Plan {
                kind: PlanKind::TraditionalHmo,
                id: format!("{region}-plan-thmo"),
                code: "THMO-25",
                name: format!("Wellspring Traditional HMO {region_title}"),
                plan_type: "Traditional HMO",
                deductible: (0, 0),
                coinsurance_pct: 0,
                oop_max: (3_000, 6_000),
                sopt: ("511", "Commercial Managed Care - HMO"),
                v3: ("HMO", "health maintenance organization policy"),
                // preventive, primary, specialty, video, phone, urgent, emergency, lab,
                // imaging, generic, brand, mail-order generic
                half_stars: None,
                premium: None,
                rules: [
                    Free,
                    Copay(25),
                    Copay(40),
                    Free,
                    Free,
                    Copay(25),
                    Copay(150),
                    Copay(10),
                    Copay(50),
                    Copay(10),
                    Copay(30),
                    Copay(20),
                ],
            },
            Plan {
                kind: PlanKind::DeductibleHmo,
                id: format!("{region}-plan-dhmo"),
                code: "DHMO-1500",
                name: format!("Wellspring Deductible HMO 1500 {region_title}"),
                plan_type: "Deductible HMO",
                deductible: (1_500, 3_000),
                coinsurance_pct: 20,
                oop_max: (6_250, 12_500),
                sopt: ("511", "Commercial Managed Care - HMO"),
                v3: ("HMO", "health maintenance organization policy"),
                half_stars: None,
                premium: None,
                rules: [
                    Free,
                    Copay(45),
                    Copay(65),
                    Free,
                    Free,
                    Copay(65),
                    Ded,
                    Ded,
                    Ded,
                    Copay(15),
                    Copay(50),
                    Copay(30),
                ],
            },
            Plan {
                kind: PlanKind::MedicareAdvantage,
                id: format!("{region}-plan-ma"),
                code: "MA-HMO",
                name: format!("Wellspring Medicare Advantage HMO {region_title}"),
                plan_type: "Medicare Advantage",
                deductible: (0, 0),
                coinsurance_pct: 0,
                oop_max: (3_400, 3_400),
                sopt: ("111", "Medicare HMO"),
                v3: ("HMO", "health maintenance organization policy"),
                half_stars: Some(8),
                premium: Some(0),
                rules: [
                    Free,
                    Copay(10),
                    Copay(20),
                    Free,
                    Free,
                    Copay(20),
                    Copay(90),
                    Free,
                    Copay(10),
                    Copay(5),
                    Copay(40),
                    Copay(10),
                ],
            },
            // A second Medicare Advantage plan, rated 5 stars: members may move into it once
            // between December 8 and November 30 (ENR-19). Households are never generated on
            // it (`World::plan` finds the first plan of a kind).
            Plan {
                kind: PlanKind::MedicareAdvantage,
                id: format!("{region}-plan-ma-select"),
                code: "MA-SELECT",
                name: format!("Wellspring Medicare Advantage Select HMO {region_title}"),
                plan_type: "Medicare Advantage",
                deductible: (0, 0),
                coinsurance_pct: 0,
                oop_max: (2_900, 2_900),
                sopt: ("111", "Medicare HMO"),
                v3: ("HMO", "health maintenance organization policy"),
                half_stars: Some(10),
                premium: Some(39),
                rules: [
                    Free,
                    Copay(0),
                    Copay(15),
                    Free,
                    Free,
                    Copay(15),
                    Copay(90),
                    Free,
                    Copay(5),
                    Copay(0),
                    Copay(35),
                    Copay(0),
                ],
            },
            Plan {
                kind: PlanKind::Medicaid,
                id: format!("{region}-plan-mcd"),
                code: "MCD",
                name: format!("Wellspring Medicaid Managed Care {region_title}"),
                plan_type: "Medicaid",
                deductible: (0, 0),
                coinsurance_pct: 0,
                oop_max: (0, 0),
                sopt: ("211", "Medicaid HMO"),
                v3: ("HMO", "health maintenance organization policy"),
                half_stars: None,
                premium: None,
                rules: [Free; 12],
            },
        ]
    }

    /// Metal tier (ACA actuarial value level) of the commercial products.
    pub fn metal_tier(&self) -> Option<(&'static str, &'static str)> {
        match self.kind {
            PlanKind::TraditionalHmo => Some(("gold", "Gold")),
            PlanKind::DeductibleHmo => Some(("silver", "Silver")),
            PlanKind::MedicareAdvantage | PlanKind::Medicaid => None,
        }
    }

    /// The benefits members ask about beyond medical and pharmacy: (code, display, copay,
    /// limit per year, note). Travel emergency care is covered anywhere (AWY-01, SEED-15).
    fn extra_benefits(&self) -> Vec<ExtraBenefit> {
        let emergency = match self.rule(Benefit::Emergency) {
            Rule::Copay(v) => v,
            _ => 0,
        };
        let mut out = vec![
            (
                "travel-emergency",
                "Emergency and urgent care away from home, worldwide",
                emergency,
                None,
                "Covered anywhere, no prior approval; home-plan cost sharing",
            ),
            (
                "vision-exam",
                "Routine eye exam",
                0,
                Some((1, "exam")),
                "Eyeglasses not covered for adults",
            ),
        ];
        match self.kind {
            PlanKind::TraditionalHmo | PlanKind::DeductibleHmo => {
                out.push((
                    "chiropractic",
                    "Chiropractic care",
                    15,
                    Some((20, "visit")),
                    "Self-referral to a participating chiropractor",
                ));
                out.push((
                    "acupuncture",
                    "Acupuncture",
                    20,
                    Some((20, "visit")),
                    "Needs a referral from a plan physician",
                ));
                out.push((
                    "dental-pediatric",
                    "Pediatric dental (under 19)",
                    0,
                    Some((2, "cleaning")),
                    "Adult dental is an optional rider",
                ));
            }
            PlanKind::MedicareAdvantage => {
                out.push((
                    "dental",
                    "Preventive dental",
                    0,
                    Some((2, "cleaning")),
                    "Comprehensive dental is an optional supplemental benefit",
                ));
                out.push((
                    "chiropractic",
                    "Medicare-covered chiropractic (manual manipulation of the spine)",
                    20,
                    None,
                    "",
                ));
                out.push((
                    "acupuncture",
                    "Acupuncture for chronic low back pain",
                    20,
                    Some((12, "visit")),
                    "Medicare-covered conditions only",
                ));
            }
            PlanKind::Medicaid => {
                out.push((
                    "dental",
                    "Dental (state Medicaid dental program)",
                    0,
                    None,
                    "Through the state's dental plan",
                ));
            }
        }
        out
    }

    /// The InsurancePlan resource for benefit year `year` (the calendar year).
    pub fn resource(&self, owner_org: &str, year: i32) -> Value {
        let money = |v: u32| json!({"value": v, "currency": USD});
        let usd = |v: u32| json!({"value": v, "unit": "USD", "system": "urn:iso:std:iso:4217", "code": "USD"});
        let cost_type =
            |code: &str, display: &str| cc(&format!("{WS_CS}/cost-type"), code, display);
        let in_network = cc(
            "http://terminology.hl7.org/CodeSystem/applicability",
            "in-network",
            "In Network",
        );
        let mut general = Vec::new();
        if self.deductible.0 > 0 {
            general.push(json!({"type": cost_type("deductible", "Deductible"), "groupSize": 1, "cost": money(self.deductible.0), "comment": "Self-only, per calendar year"}));
            general.push(json!({"type": cost_type("deductible", "Deductible"), "groupSize": 2, "cost": money(self.deductible.1), "comment": "Family (embedded), per calendar year"}));
        }
        general.push(json!({"type": cost_type("oop-max", "Out-of-pocket maximum"), "groupSize": 1, "cost": money(self.oop_max.0), "comment": "Self-only, per calendar year"}));
        if let Some(p) = self.premium {
            general.push(json!({"type": cost_type("premium", "Premium"), "groupSize": 1, "cost": money(p), "comment": "Per member, per month"}));
        }
        if self.kind != PlanKind::MedicareAdvantage {
            general.push(json!({"type": cost_type("oop-max", "Out-of-pocket maximum"), "groupSize": 2, "cost": money(self.oop_max.1), "comment": "Family, per calendar year"}));
        }
        let mut medical = Vec::new();
        let mut pharmacy = Vec::new();
        for (i, (benefit, code, display)) in BENEFITS.iter().enumerate() {
            let rule = self.rules.get(i).copied().unwrap_or(Rule::Free);
            let cost = match rule {
                Rule::Free => {
                    json!({"type": cost_type("copay", "Copay"), "applicability": in_network, "value": usd(0)})
                }
                Rule::Copay(v) => {
                    json!({"type": cost_type("copay", "Copay"), "applicability": in_network, "qualifiers": [{"text": "deductible waived"}], "value": usd(v)})
                }
                Rule::DeductibleThenCoinsurance => {
                    json!({"type": cost_type("coinsurance", "Coinsurance"), "applicability": in_network, "qualifiers": [{"text": "after deductible"}], "value": {"value": self.coinsurance_pct, "unit": "%", "system": UCUM, "code": "%"}})
                }
            };
            let entry = json!({"type": cc(&format!("{WS_CS}/benefit-type"), code, display), "cost": [cost]});
            if matches!(
                benefit,
                Benefit::GenericDrug | Benefit::BrandDrug | Benefit::MailOrderGeneric
            ) {
                pharmacy.push(entry);
            } else {
                medical.push(entry);
            }
        }
        let benefit_types = |list: &[Value]| -> Value {
            Value::Array(
                list.iter()
                    .map(|b| json!({"type": b["type"].clone()}))
                    .collect(),
            )
        };
        let extras = self.extra_benefits();
        let extra_types: Vec<Value> = extras
            .iter()
            .map(|(code, display, _, limit, note)| {
                let mut b = json!({"type": cc(&format!("{WS_CS}/benefit-type"), code, display)});
                if let Some((n, unit)) = limit {
                    b["limit"] = json!([{"value": {"value": n, "unit": unit}, "code": {"text": "per benefit year"}}]);
                }
                if !note.is_empty() {
                    b["requirement"] = json!(note);
                }
                b
            })
            .collect();
        let extra_costs: Vec<Value> = extras
            .iter()
            .map(|(code, display, copay, _, _)| {
                json!({"type": cc(&format!("{WS_CS}/benefit-type"), code, display), "cost": [{"type": cost_type("copay", "Copay"), "applicability": in_network, "value": usd(*copay)}]})
            })
            .collect();
        let mut plan_type = vec![
            json!({"system": format!("{WS_CS}/plan-type"), "code": self.code, "display": self.plan_type}),
        ];
        if let Some((code, display)) = self.metal_tier() {
            plan_type.push(
                json!({"system": format!("{WS_CS}/metal-tier"), "code": code, "display": display}),
            );
        }
        let region = owner_org.split('-').next().unwrap_or_default();
        let mut plan = json!({
            "resourceType": "InsurancePlan",
            "id": self.id,
            "identifier": [
                {"use": "official", "system": "urn:wellspring:plan-code", "value": self.code},
                {"use": "secondary", "system": "urn:wellspring:region", "value": region}
            ],
            "status": "active",
            "type": [cc("http://terminology.hl7.org/CodeSystem/insurance-plan-type", "medical", "Medical")],
            "name": self.name,
            "alias": [self.plan_type],
            "period": {"start": format!("{year}-01-01"), "end": format!("{year}-12-31")},
            "ownedBy": {"reference": format!("Organization/{owner_org}")},
            "administeredBy": {"reference": format!("Organization/{owner_org}")},
            "coverage": [
                {"type": cc(&format!("{WS_CS}/coverage-type"), "medical", "Medical"), "benefit": benefit_types(&medical)},
                {"type": cc(&format!("{WS_CS}/coverage-type"), "pharmacy", "Pharmacy"), "benefit": benefit_types(&pharmacy)},
                {"type": cc(&format!("{WS_CS}/coverage-type"), "extra", "Other benefits"), "benefit": extra_types}
            ],
            "plan": [{
                "identifier": [{"system": "urn:wellspring:plan-code", "value": self.code}],
                "type": {"coding": plan_type, "text": self.plan_type},
                "generalCost": general,
                "specificCost": [
                    {"category": cc(&format!("{WS_CS}/coverage-type"), "medical", "Medical"), "benefit": medical},
                    {"category": cc(&format!("{WS_CS}/coverage-type"), "pharmacy", "Pharmacy"), "benefit": pharmacy},
                    {"category": cc(&format!("{WS_CS}/coverage-type"), "extra", "Other benefits"), "benefit": extra_costs}
                ]
            }]
        });
        if let Some(h) = self.half_stars {
            plan["extension"] = json!([{
                "url": STAR_RATING_URL,
                "valueDecimal": f64::from(h) / 2.0
            }]);
        }
        plan
    }
}

/// A member's accumulators for one calendar year (cents).
#[derive(Debug, Clone, Copy, Default)]
pub struct Accumulator {
    pub year: i32,
    pub deductible: u64,
    pub oop: u64,
}

/// The member's part of an allowed amount (cents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub deductible: u64,
    pub copay: u64,
    pub coinsurance: u64,
}

impl Share {
    pub fn total(&self) -> u64 {
        self.deductible + self.copay + self.coinsurance
    }
}

/// Price one service for a member (CST-08 in its simplest form: preventive free, deductible-
/// waived copays, deductible then coinsurance, capped at the self-only out-of-pocket maximum).
pub fn member_share(
    plan: &Plan,
    benefit: Benefit,
    allowed_cents: u64,
    day: Day,
    acc: &mut Accumulator,
) -> Share {
    let year = day.year();
    if acc.year != year {
        *acc = Accumulator {
            year,
            ..Accumulator::default()
        };
    }
    let mut share = match plan.rule(benefit) {
        Rule::Free => Share::default(),
        Rule::Copay(v) => Share {
            copay: (u64::from(v) * 100).min(allowed_cents),
            ..Share::default()
        },
        Rule::DeductibleThenCoinsurance => {
            let ded_left = (u64::from(plan.deductible.0) * 100).saturating_sub(acc.deductible);
            let ded = ded_left.min(allowed_cents);
            let rest = allowed_cents - ded;
            let coins = (rest * u64::from(plan.coinsurance_pct) + 50) / 100;
            Share {
                deductible: ded,
                coinsurance: coins,
                ..Share::default()
            }
        }
    };
    let oop_left = (u64::from(plan.oop_max.0) * 100).saturating_sub(acc.oop);
    if share.total() > oop_left {
        // Reduce coinsurance first, then copay, then deductible.
        let mut excess = share.total() - oop_left;
        for part in [
            &mut share.coinsurance,
            &mut share.copay,
            &mut share.deductible,
        ] {
            let cut = excess.min(*part);
            *part -= cut;
            excess -= cut;
        }
    }
    acc.deductible += share.deductible;
    acc.oop += share.total();
    share
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(kind: PlanKind) -> Plan {
        Plan::all("t", "Test")
            .into_iter()
            .find(|p| p.kind == kind)
            .unwrap_or_else(|| Plan::all("t", "Test").remove(0))
    }

    #[test]
    fn cst_08_member_share_table() {
        let day = Day::from_ymd(2026, 3, 1);
        // (plan, benefit, allowed $, deductible already met $, expected member cents)
        let cases = [
            (PlanKind::DeductibleHmo, Benefit::PrimaryCare, 150, 0, 4_500), // EX-C6 office visit
            (PlanKind::DeductibleHmo, Benefit::Lab, 48, 0, 4_800),          // EX-C6 lab
            (
                PlanKind::DeductibleHmo,
                Benefit::Emergency,
                5_000,
                400,
                110_000 + 78_000,
            ), // EX-C1 shape
            (PlanKind::DeductibleHmo, Benefit::Preventive, 260, 0, 0),
            (PlanKind::TraditionalHmo, Benefit::Specialty, 230, 0, 4_000),
            (
                PlanKind::MedicareAdvantage,
                Benefit::Emergency,
                1_450,
                0,
                9_000,
            ),
            (PlanKind::Medicaid, Benefit::Emergency, 1_450, 0, 0),
            (PlanKind::TraditionalHmo, Benefit::Lab, 5, 0, 500), // copay capped at allowed
        ];
        for (kind, benefit, allowed, met, expect) in cases {
            let mut acc = Accumulator {
                year: 2026,
                deductible: met * 100,
                oop: met * 100,
            };
            let s = member_share(&plan(kind), benefit, allowed * 100, day, &mut acc);
            assert_eq!(s.total(), expect, "{kind:?} {benefit:?}");
        }
    }

    #[test]
    fn cst_03_out_of_pocket_maximum_caps_and_resets() {
        let p = plan(PlanKind::DeductibleHmo);
        let mut acc = Accumulator::default();
        let d = Day::from_ymd(2025, 2, 1);
        let mut total = 0;
        for _ in 0..20 {
            total += member_share(&p, Benefit::Emergency, 500_000, d, &mut acc).total();
        }
        assert_eq!(total, 625_000);
        let next = member_share(&p, Benefit::Lab, 4_800, Day::from_ymd(2026, 1, 2), &mut acc);
        assert_eq!(next.total(), 4_800);
    }
}
