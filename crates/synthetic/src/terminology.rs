//! Code systems and the clinical tables the generator draws from: chronic and acute conditions
//! (SNOMED CT + ICD-10-CM) with age/sex prevalence, allergies, medications (RxNorm), lab tests
//! and vital signs (LOINC/UCUM) with reference and physiologically possible ranges, and vaccines
//! (CVX) with the childhood schedule.

use serde_json::Value;

use crate::jv;

pub const SNOMED: &str = "http://snomed.info/sct";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const LOINC: &str = "http://loinc.org";
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
pub const CVX: &str = "http://hl7.org/fhir/sid/cvx";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const CPT: &str = "http://www.ama-assn.org/go/cpt";
pub const NUCC: &str = "http://nucc.org/provider-taxonomy";
pub const BCP47: &str = "urn:ietf:bcp:47";
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
pub const ROLE_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
pub const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";
pub const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const INTERPRETATION: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
pub const ADJUDICATION: &str = "http://terminology.hl7.org/CodeSystem/adjudication";
pub const C4BB_ADJUDICATION: &str = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication";
pub const USD: &str = "USD";
/// Wellspring's own code systems (plan cost-sharing categories, service types, ...).
pub const WS_CS: &str = "http://wellspring.example/fhir/CodeSystem";
pub const WS_SD: &str = "http://wellspring.example/fhir/StructureDefinition";

/// `{"coding": [{system, code, display}]}`.
pub fn cc(system: &str, code: &str, display: &str) -> Value {
    jv!({"coding": [{"system": system, "code": code, "display": display}]})
}

/// A CodeableConcept with a SNOMED and an ICD-10-CM coding, and text.
pub fn cc2(sct: &str, sct_display: &str, icd: &str, icd_display: &str) -> Value {
    jv!({"coding": [
        {"system": SNOMED, "code": sct, "display": sct_display},
        {"system": ICD10, "code": icd, "display": icd_display}
    ], "text": sct_display})
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

/// Long-term conditions the generator tracks per member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chronic {
    Hypertension,
    Diabetes,
    Hyperlipidemia,
    Asthma,
    Depression,
    Anxiety,
    Obesity,
    Hypothyroidism,
    Gerd,
    KneeOsteoarthritis,
    AllergicRhinitis,
    AtopicDermatitis,
    Adhd,
}

pub const ALL_CHRONIC: &[Chronic] = &[
    Chronic::Hypertension,
    Chronic::Diabetes,
    Chronic::Hyperlipidemia,
    Chronic::Asthma,
    Chronic::Depression,
    Chronic::Anxiety,
    Chronic::Obesity,
    Chronic::Hypothyroidism,
    Chronic::Gerd,
    Chronic::KneeOsteoarthritis,
    Chronic::AllergicRhinitis,
    Chronic::AtopicDermatitis,
    Chronic::Adhd,
];

pub struct ConditionCode {
    pub sct: &'static str,
    pub sct_display: &'static str,
    pub icd: &'static str,
    pub icd_display: &'static str,
}

impl ConditionCode {
    pub fn concept(&self) -> Value {
        cc2(self.sct, self.sct_display, self.icd, self.icd_display)
    }
}

impl Chronic {
    pub fn code(self) -> ConditionCode {
        let (sct, sct_display, icd, icd_display) = match self {
            Chronic::Hypertension => (
                "59621000",
                "Essential hypertension",
                "I10",
                "Essential (primary) hypertension",
            ),
            Chronic::Diabetes => (
                "44054006",
                "Diabetes mellitus type 2",
                "E11.9",
                "Type 2 diabetes mellitus without complications",
            ),
            Chronic::Hyperlipidemia => (
                "55822004",
                "Hyperlipidemia",
                "E78.5",
                "Hyperlipidemia, unspecified",
            ),
            Chronic::Asthma => (
                "195967001",
                "Asthma",
                "J45.909",
                "Unspecified asthma, uncomplicated",
            ),
            Chronic::Depression => (
                "35489007",
                "Depressive disorder",
                "F32.A",
                "Depression, unspecified",
            ),
            Chronic::Anxiety => (
                "197480006",
                "Anxiety disorder",
                "F41.9",
                "Anxiety disorder, unspecified",
            ),
            Chronic::Obesity => ("414916001", "Obesity", "E66.9", "Obesity, unspecified"),
            Chronic::Hypothyroidism => (
                "40930008",
                "Hypothyroidism",
                "E03.9",
                "Hypothyroidism, unspecified",
            ),
            Chronic::Gerd => (
                "235595009",
                "Gastroesophageal reflux disease",
                "K21.9",
                "Gastro-esophageal reflux disease without esophagitis",
            ),
            Chronic::KneeOsteoarthritis => (
                "239873007",
                "Osteoarthritis of knee",
                "M17.9",
                "Osteoarthritis of knee, unspecified",
            ),
            Chronic::AllergicRhinitis => (
                "61582004",
                "Allergic rhinitis",
                "J30.9",
                "Allergic rhinitis, unspecified",
            ),
            Chronic::AtopicDermatitis => (
                "24079001",
                "Atopic dermatitis",
                "L20.9",
                "Atopic dermatitis, unspecified",
            ),
            Chronic::Adhd => (
                "406506008",
                "Attention deficit hyperactivity disorder",
                "F90.9",
                "Attention-deficit hyperactivity disorder, unspecified type",
            ),
        };
        ConditionCode {
            sct,
            sct_display,
            icd,
            icd_display,
        }
    }

    /// Diagnosed prevalence, per mille, at `age` for sex (`female`). Figures follow the usual
    /// US national survey estimates (CDC NHIS/NHANES-style, rounded), see the crate README.
    pub fn prevalence_per_mille(self, age: i32, female: bool) -> u32 {
        match self {
            Chronic::Hypertension => match age {
                ..18 => 0,
                18..=34 => 80,
                35..=44 => 170,
                45..=54 => 300,
                55..=64 => 450,
                65..=74 => 580,
                _ => 680,
            },
            Chronic::Diabetes => match age {
                ..18 => 0,
                18..=44 => 40,
                45..=64 => 145,
                _ => 240,
            },
            Chronic::Hyperlipidemia => match age {
                ..20 => 0,
                20..=39 => 60,
                40..=64 => 260,
                _ => 450,
            },
            Chronic::Asthma => match age {
                ..2 => 0,
                2..=17 => 70,
                _ if female => 100,
                _ => 65,
            },
            Chronic::Depression => match age {
                ..12 => 0,
                12..=17 => 100,
                _ if female => 115,
                _ => 65,
            },
            Chronic::Anxiety => match age {
                ..8 => 0,
                8..=17 => 50,
                _ if female => 90,
                _ => 50,
            },
            Chronic::Obesity => match age {
                ..2 => 0,
                2..=17 => 120,
                18..=39 => 280,
                40..=64 => 340,
                _ => 300,
            },
            Chronic::Hypothyroidism => match age {
                ..18 => 0,
                _ if female && age >= 50 => 110,
                _ if female => 50,
                _ if age >= 50 => 35,
                _ => 15,
            },
            Chronic::Gerd => match age {
                ..18 => 0,
                18..=39 => 50,
                _ => 100,
            },
            Chronic::KneeOsteoarthritis => match age {
                ..45 => 0,
                45..=64 => 80,
                _ => 180,
            },
            Chronic::AllergicRhinitis => match age {
                ..3 => 0,
                _ => 80,
            },
            Chronic::AtopicDermatitis => match age {
                ..18 => 90,
                _ => 25,
            },
            Chronic::Adhd => match age {
                ..5 => 0,
                5..=17 if female => 60,
                5..=17 => 130,
                _ => 25,
            },
        }
    }

    /// Youngest age at which the condition is usually first diagnosed (onset dates are drawn
    /// between this age and now).
    pub fn earliest_onset_age(self) -> i32 {
        match self {
            Chronic::Hypertension => 25,
            Chronic::Diabetes => 30,
            Chronic::Hyperlipidemia => 25,
            Chronic::Asthma | Chronic::AtopicDermatitis => 1,
            Chronic::AllergicRhinitis => 3,
            Chronic::Depression => 12,
            Chronic::Anxiety => 8,
            Chronic::Obesity => 2,
            Chronic::Hypothyroidism => 20,
            Chronic::Gerd => 20,
            Chronic::KneeOsteoarthritis => 45,
            Chronic::Adhd => 5,
        }
    }

    /// The long-term medication for the condition, if one is usually prescribed (and which
    /// share of patients take it, per mille).
    pub fn medication(self, variant: u64) -> Option<(&'static Med, u32)> {
        let list: &'static [Med] = match self {
            Chronic::Hypertension => &MEDS_HYPERTENSION,
            Chronic::Diabetes => &MEDS_DIABETES,
            Chronic::Hyperlipidemia => &MEDS_LIPIDS,
            Chronic::Asthma => &MEDS_ASTHMA,
            Chronic::Depression => &MEDS_DEPRESSION,
            Chronic::Hypothyroidism => &MEDS_THYROID,
            _ => return None,
        };
        let share = match self {
            Chronic::Hypertension => 800,
            Chronic::Diabetes => 850,
            Chronic::Hyperlipidemia => 700,
            Chronic::Asthma => 900,
            Chronic::Depression => 600,
            _ => 950,
        };
        list.get((variant % list.len() as u64) as usize)
            .map(|m| (m, share))
    }

    /// Regular follow-up visits a year for a treated patient.
    pub fn visits_per_year(self) -> u32 {
        match self {
            Chronic::Diabetes => 2,
            Chronic::Depression => 2,
            _ => 1,
        }
    }
}

/// Short illnesses seen at problem visits.
pub struct Acute {
    pub code: ConditionCode,
    pub min_age: i32,
    pub max_age: i32,
    pub weight: u32,
    /// Treated with a short antibiotic course (adults and teens).
    pub antibiotic: bool,
    /// Days until resolved.
    pub days: i32,
}

pub const ACUTE: &[Acute] = &[
    Acute {
        code: ConditionCode {
            sct: "54150009",
            sct_display: "Upper respiratory infection",
            icd: "J06.9",
            icd_display: "Acute upper respiratory infection, unspecified",
        },
        min_age: 0,
        max_age: 120,
        weight: 30,
        antibiotic: false,
        days: 10,
    },
    Acute {
        code: ConditionCode {
            sct: "65363002",
            sct_display: "Otitis media",
            icd: "H66.90",
            icd_display: "Otitis media, unspecified, unspecified ear",
        },
        min_age: 0,
        max_age: 12,
        weight: 18,
        antibiotic: true,
        days: 10,
    },
    Acute {
        code: ConditionCode {
            sct: "43878008",
            sct_display: "Streptococcal sore throat",
            icd: "J02.0",
            icd_display: "Streptococcal pharyngitis",
        },
        min_age: 3,
        max_age: 120,
        weight: 8,
        antibiotic: true,
        days: 10,
    },
    Acute {
        code: ConditionCode {
            sct: "10509002",
            sct_display: "Acute bronchitis",
            icd: "J20.9",
            icd_display: "Acute bronchitis, unspecified",
        },
        min_age: 5,
        max_age: 120,
        weight: 10,
        antibiotic: false,
        days: 21,
    },
    Acute {
        code: ConditionCode {
            sct: "68566005",
            sct_display: "Urinary tract infectious disease",
            icd: "N39.0",
            icd_display: "Urinary tract infection, site not specified",
        },
        min_age: 16,
        max_age: 120,
        weight: 8,
        antibiotic: true,
        days: 7,
    },
    Acute {
        code: ConditionCode {
            sct: "44465007",
            sct_display: "Sprain of ankle",
            icd: "S93.409A",
            icd_display: "Sprain of unspecified ligament of unspecified ankle, initial encounter",
        },
        min_age: 6,
        max_age: 80,
        weight: 7,
        antibiotic: false,
        days: 28,
    },
    Acute {
        code: ConditionCode {
            sct: "279039007",
            sct_display: "Low back pain",
            icd: "M54.50",
            icd_display: "Low back pain, unspecified",
        },
        min_age: 18,
        max_age: 120,
        weight: 10,
        antibiotic: false,
        days: 42,
    },
    Acute {
        code: ConditionCode {
            sct: "15805002",
            sct_display: "Acute sinusitis",
            icd: "J01.90",
            icd_display: "Acute sinusitis, unspecified",
        },
        min_age: 12,
        max_age: 120,
        weight: 8,
        antibiotic: true,
        days: 14,
    },
    Acute {
        code: ConditionCode {
            sct: "25374005",
            sct_display: "Gastroenteritis",
            icd: "K52.9",
            icd_display: "Noninfective gastroenteritis and colitis, unspecified",
        },
        min_age: 0,
        max_age: 120,
        weight: 8,
        antibiotic: false,
        days: 5,
    },
    Acute {
        code: ConditionCode {
            sct: "9826008",
            sct_display: "Conjunctivitis",
            icd: "H10.9",
            icd_display: "Unspecified conjunctivitis",
        },
        min_age: 0,
        max_age: 120,
        weight: 5,
        antibiotic: false,
        days: 7,
    },
];

// ---------------------------------------------------------------------------------------------
// Allergies
// ---------------------------------------------------------------------------------------------

pub struct Allergy {
    pub sct: &'static str,
    pub display: &'static str,
    /// `food | medication | environment | biologic`.
    pub category: &'static str,
    pub reaction_sct: &'static str,
    pub reaction_display: &'static str,
    pub weight: u32,
}

pub const ALLERGIES: &[Allergy] = &[
    Allergy {
        sct: "91936005",
        display: "Allergy to penicillin",
        category: "medication",
        reaction_sct: "247472004",
        reaction_display: "Wheal",
        weight: 30,
    },
    Allergy {
        sct: "294505008",
        display: "Allergy to sulfonamides",
        category: "medication",
        reaction_sct: "271807003",
        reaction_display: "Eruption of skin",
        weight: 12,
    },
    Allergy {
        sct: "91935009",
        display: "Allergy to peanuts",
        category: "food",
        reaction_sct: "39579001",
        reaction_display: "Anaphylaxis",
        weight: 8,
    },
    Allergy {
        sct: "91934008",
        display: "Allergy to nut",
        category: "food",
        reaction_sct: "271807003",
        reaction_display: "Eruption of skin",
        weight: 5,
    },
    Allergy {
        sct: "300913006",
        display: "Shellfish allergy",
        category: "food",
        reaction_sct: "247472004",
        reaction_display: "Wheal",
        weight: 8,
    },
    Allergy {
        sct: "91930004",
        display: "Allergy to eggs",
        category: "food",
        reaction_sct: "422587007",
        reaction_display: "Nausea",
        weight: 4,
    },
    Allergy {
        sct: "418689008",
        display: "Allergy to grass pollen",
        category: "environment",
        reaction_sct: "49727002",
        reaction_display: "Cough",
        weight: 15,
    },
    Allergy {
        sct: "232350006",
        display: "House dust mite allergy",
        category: "environment",
        reaction_sct: "267036007",
        reaction_display: "Dyspnea",
        weight: 10,
    },
    Allergy {
        sct: "232347008",
        display: "Dander (animal) allergy",
        category: "environment",
        reaction_sct: "418290006",
        reaction_display: "Itching",
        weight: 8,
    },
    Allergy {
        sct: "424213003",
        display: "Allergy to bee venom",
        category: "environment",
        reaction_sct: "39579001",
        reaction_display: "Anaphylaxis",
        weight: 3,
    },
    Allergy {
        sct: "300916003",
        display: "Latex allergy",
        category: "environment",
        reaction_sct: "247472004",
        reaction_display: "Wheal",
        weight: 3,
    },
];

// ---------------------------------------------------------------------------------------------
// Medications
// ---------------------------------------------------------------------------------------------

pub struct Med {
    pub rxnorm: &'static str,
    pub display: &'static str,
    /// Dosage instruction text.
    pub sig: &'static str,
    /// Units taken a day (for the dose and the quantity dispensed).
    pub per_day: u32,
    /// Dispense unit (UCUM annotation or word).
    pub unit: &'static str,
    /// A count per fill instead of per-day arithmetic (inhalers).
    pub fixed_quantity: Option<u32>,
    pub generic: bool,
    pub as_needed: bool,
}

pub const MEDS_HYPERTENSION: [Med; 3] = [
    Med {
        rxnorm: "314076",
        display: "lisinopril 10 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
    Med {
        rxnorm: "197361",
        display: "amlodipine 5 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
    Med {
        rxnorm: "310798",
        display: "hydrochlorothiazide 25 MG Oral Tablet",
        sig: "Take 1 tablet by mouth every morning.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
];

pub const MEDS_DIABETES: [Med; 1] = [Med {
    rxnorm: "860975",
    display: "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
    sig: "Take 2 tablets by mouth once daily with the evening meal.",
    per_day: 2,
    unit: "tablet",
    fixed_quantity: None,
    generic: true,
    as_needed: false,
}];

pub const MEDS_LIPIDS: [Med; 2] = [
    Med {
        rxnorm: "617310",
        display: "atorvastatin 20 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
    Med {
        rxnorm: "312961",
        display: "simvastatin 20 MG Oral Tablet",
        sig: "Take 1 tablet by mouth every evening.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
];

pub const MEDS_ASTHMA: [Med; 2] = [
    Med {
        rxnorm: "745679",
        display: "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
        sig: "Inhale 2 puffs every 4 to 6 hours as needed for wheezing or shortness of breath.",
        per_day: 0,
        unit: "inhaler",
        fixed_quantity: Some(1),
        generic: true,
        as_needed: true,
    },
    Med {
        rxnorm: "895994",
        display: "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
        sig: "Inhale 2 puffs twice daily. Rinse mouth after use.",
        per_day: 0,
        unit: "inhaler",
        fixed_quantity: Some(1),
        generic: false,
        as_needed: false,
    },
];

pub const MEDS_DEPRESSION: [Med; 2] = [
    Med {
        rxnorm: "312941",
        display: "sertraline 50 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily.",
        per_day: 1,
        unit: "tablet",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
    Med {
        rxnorm: "310385",
        display: "fluoxetine 20 MG Oral Capsule",
        sig: "Take 1 capsule by mouth every morning.",
        per_day: 1,
        unit: "capsule",
        fixed_quantity: None,
        generic: true,
        as_needed: false,
    },
];

pub const MEDS_THYROID: [Med; 1] = [Med {
    rxnorm: "966222",
    display: "levothyroxine sodium 0.075 MG Oral Tablet",
    sig: "Take 1 tablet by mouth every morning on an empty stomach.",
    per_day: 1,
    unit: "tablet",
    fixed_quantity: None,
    generic: true,
    as_needed: false,
}];

/// Short antibiotic course for acute infections (teens and adults).
pub const ANTIBIOTIC: Med = Med {
    rxnorm: "308191",
    display: "amoxicillin 500 MG Oral Capsule",
    sig: "Take 1 capsule by mouth twice daily for 10 days.",
    per_day: 2,
    unit: "capsule",
    fixed_quantity: None,
    generic: true,
    as_needed: false,
};

// ---------------------------------------------------------------------------------------------
// Laboratory tests and vital signs
// ---------------------------------------------------------------------------------------------

/// One lab test: LOINC code, UCUM unit, reference range, the physiologically possible range
/// (anything outside it is a generator bug, checked by the tests), and decimals to report.
#[derive(Debug, Clone, Copy)]
pub struct Lab {
    pub loinc: &'static str,
    pub display: &'static str,
    pub unit: &'static str,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub possible: (f64, f64),
    pub decimals: u32,
}

macro_rules! lab {
    ($name:ident, $loinc:literal, $display:literal, $unit:literal, $low:expr, $high:expr, ($pmin:expr, $pmax:expr), $dec:literal) => {
        pub const $name: Lab = Lab {
            loinc: $loinc,
            display: $display,
            unit: $unit,
            low: $low,
            high: $high,
            possible: ($pmin, $pmax),
            decimals: $dec,
        };
    };
}

lab!(
    GLUCOSE,
    "2345-7",
    "Glucose [Mass/volume] in Serum or Plasma",
    "mg/dL",
    Some(70.0),
    Some(99.0),
    (20.0, 1500.0),
    0
);
lab!(
    SODIUM,
    "2951-2",
    "Sodium [Moles/volume] in Serum or Plasma",
    "mmol/L",
    Some(135.0),
    Some(146.0),
    (100.0, 180.0),
    0
);
lab!(
    POTASSIUM,
    "2823-3",
    "Potassium [Moles/volume] in Serum or Plasma",
    "mmol/L",
    Some(3.5),
    Some(5.3),
    (1.5, 9.0),
    1
);
lab!(
    CREATININE,
    "2160-0",
    "Creatinine [Mass/volume] in Serum or Plasma",
    "mg/dL",
    Some(0.6),
    Some(1.3),
    (0.1, 15.0),
    2
);
lab!(
    CHOLESTEROL,
    "2093-3",
    "Cholesterol [Mass/volume] in Serum or Plasma",
    "mg/dL",
    None,
    Some(199.0),
    (50.0, 600.0),
    0
);
lab!(
    LDL,
    "18262-6",
    "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
    "mg/dL",
    None,
    Some(99.0),
    (10.0, 400.0),
    0
);
lab!(
    HDL,
    "2085-9",
    "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
    "mg/dL",
    Some(40.0),
    None,
    (10.0, 150.0),
    0
);
lab!(
    TRIGLYCERIDES,
    "2571-8",
    "Triglyceride [Mass/volume] in Serum or Plasma",
    "mg/dL",
    None,
    Some(149.0),
    (20.0, 2000.0),
    0
);
lab!(
    HBA1C,
    "4548-4",
    "Hemoglobin A1c/Hemoglobin.total in Blood",
    "%",
    Some(4.0),
    Some(5.6),
    (3.0, 20.0),
    1
);
lab!(
    HEMOGLOBIN,
    "718-7",
    "Hemoglobin [Mass/volume] in Blood",
    "g/dL",
    Some(12.0),
    Some(17.5),
    (3.0, 25.0),
    1
);
lab!(
    WBC,
    "6690-2",
    "Leukocytes [#/volume] in Blood by Automated count",
    "10*3/uL",
    Some(4.0),
    Some(11.0),
    (0.5, 100.0),
    1
);
lab!(
    PLATELETS,
    "777-3",
    "Platelets [#/volume] in Blood by Automated count",
    "10*3/uL",
    Some(150.0),
    Some(400.0),
    (5.0, 1500.0),
    0
);
lab!(
    TSH,
    "3016-3",
    "Thyrotropin [Units/volume] in Serum or Plasma",
    "m[IU]/L",
    Some(0.4),
    Some(4.5),
    (0.01, 100.0),
    2
);

pub const ALL_LABS: &[Lab] = &[
    GLUCOSE,
    SODIUM,
    POTASSIUM,
    CREATININE,
    CHOLESTEROL,
    LDL,
    HDL,
    TRIGLYCERIDES,
    HBA1C,
    HEMOGLOBIN,
    WBC,
    PLATELETS,
    TSH,
];

/// Panels ordered together and reported in one DiagnosticReport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Metabolic,
    Lipid,
    A1c,
    Cbc,
    Thyroid,
}

impl Panel {
    /// LOINC code and display of the report, CPT code and allowed amount (dollars).
    pub fn report(self) -> (&'static str, &'static str, &'static str, u32) {
        match self {
            Panel::Metabolic => ("51990-0", "Basic metabolic panel - Blood", "80048", 32),
            Panel::Lipid => (
                "57698-3",
                "Lipid panel with direct LDL - Serum or Plasma",
                "80061",
                48,
            ),
            Panel::A1c => (
                "4548-4",
                "Hemoglobin A1c/Hemoglobin.total in Blood",
                "83036",
                36,
            ),
            Panel::Cbc => (
                "58410-2",
                "CBC panel - Blood by Automated count",
                "85025",
                28,
            ),
            Panel::Thyroid => (
                "3016-3",
                "Thyrotropin [Units/volume] in Serum or Plasma",
                "84443",
                42,
            ),
        }
    }

    pub fn tests(self) -> &'static [Lab] {
        match self {
            Panel::Metabolic => &[GLUCOSE, SODIUM, POTASSIUM, CREATININE],
            Panel::Lipid => &[CHOLESTEROL, LDL, HDL, TRIGLYCERIDES],
            Panel::A1c => &[HBA1C],
            Panel::Cbc => &[HEMOGLOBIN, WBC, PLATELETS],
            Panel::Thyroid => &[TSH],
        }
    }
}

/// Vital-sign codes (LOINC) with their physiologically possible ranges.
pub const BP_PANEL: (&str, &str) = ("85354-9", "Blood pressure panel with all children optional");
pub const SYSTOLIC: (&str, &str) = ("8480-6", "Systolic blood pressure");
pub const DIASTOLIC: (&str, &str) = ("8462-4", "Diastolic blood pressure");
pub const HEART_RATE: (&str, &str) = ("8867-4", "Heart rate");
pub const BODY_WEIGHT: (&str, &str) = ("29463-7", "Body weight");
pub const BODY_HEIGHT: (&str, &str) = ("8302-2", "Body height");
pub const BMI: (&str, &str) = ("39156-5", "Body mass index (BMI) [Ratio]");

/// Possible ranges of every quantitative code the generator emits (LOINC → (min, max)),
/// used by the plausibility tests.
pub fn possible_range(loinc: &str) -> Option<(f64, f64)> {
    if let Some(l) = ALL_LABS.iter().find(|l| l.loinc == loinc) {
        return Some(l.possible);
    }
    match loinc {
        "8480-6" => Some((50.0, 260.0)),
        "8462-4" => Some((25.0, 160.0)),
        "8867-4" => Some((30.0, 220.0)),
        "29463-7" => Some((1.0, 300.0)),
        "8302-2" => Some((40.0, 230.0)),
        "39156-5" => Some((10.0, 80.0)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Vaccines
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vaccine {
    pub cvx: &'static str,
    pub display: &'static str,
}

pub const HEPB_PED: Vaccine = Vaccine {
    cvx: "08",
    display: "Hep B, adolescent or pediatric",
};
pub const ROTAVIRUS: Vaccine = Vaccine {
    cvx: "116",
    display: "rotavirus, pentavalent",
};
pub const DTAP: Vaccine = Vaccine {
    cvx: "20",
    display: "DTaP",
};
pub const HIB: Vaccine = Vaccine {
    cvx: "49",
    display: "Hib (PRP-OMP)",
};
pub const PCV13: Vaccine = Vaccine {
    cvx: "133",
    display: "Pneumococcal conjugate PCV 13",
};
pub const PCV7: Vaccine = Vaccine {
    cvx: "100",
    display: "pneumococcal conjugate PCV 7",
};
pub const IPV: Vaccine = Vaccine {
    cvx: "10",
    display: "IPV",
};
pub const MMR: Vaccine = Vaccine {
    cvx: "03",
    display: "MMR",
};
pub const VARICELLA: Vaccine = Vaccine {
    cvx: "21",
    display: "varicella",
};
pub const HEPA_PED: Vaccine = Vaccine {
    cvx: "83",
    display: "Hep A, ped/adol, 2 dose",
};
pub const TDAP: Vaccine = Vaccine {
    cvx: "115",
    display: "Tdap",
};
pub const TD: Vaccine = Vaccine {
    cvx: "113",
    display: "Td (adult) preservative free",
};
pub const HPV9: Vaccine = Vaccine {
    cvx: "165",
    display: "HPV9",
};
pub const MENACWY: Vaccine = Vaccine {
    cvx: "136",
    display: "Meningococcal MCV4O",
};
pub const FLU_QUAD: Vaccine = Vaccine {
    cvx: "150",
    display: "Influenza, injectable, quadrivalent, preservative free",
};
pub const FLU_TRI: Vaccine = Vaccine {
    cvx: "140",
    display: "Influenza, seasonal, injectable, preservative free",
};
pub const COVID_PRIMARY: Vaccine = Vaccine {
    cvx: "208",
    display: "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose",
};
pub const COVID_UPDATED: Vaccine = Vaccine {
    cvx: "213",
    display: "SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION",
};
pub const ZOSTER: Vaccine = Vaccine {
    cvx: "187",
    display: "zoster vaccine recombinant",
};
pub const PCV20: Vaccine = Vaccine {
    cvx: "216",
    display: "Pneumococcal conjugate PCV20, polysaccharide CRM197, preservative free",
};

/// Bright Futures well-child visits up to age 3 (age in days), then yearly; each with the
/// vaccines the CDC child schedule gives at that visit. The index of an entry is stable.
pub const WELL_CHILD_EARLY: &[(i32, &[Vaccine])] = &[
    (3, &[HEPB_PED]),
    (30, &[HEPB_PED]),
    (61, &[DTAP, HIB, PCV13, IPV, ROTAVIRUS]),
    (122, &[DTAP, HIB, PCV13, IPV, ROTAVIRUS]),
    (183, &[DTAP, PCV13, IPV, ROTAVIRUS, HEPB_PED]),
    (274, &[]),
    (365, &[MMR, VARICELLA, HEPA_PED, HIB, PCV13]),
    (456, &[DTAP]),
    (548, &[HEPA_PED]),
    (730, &[]),
    (913, &[]),
];

/// Vaccines at the yearly well visit for a given age (3–17).
pub fn well_child_yearly_vaccines(age: i32) -> &'static [Vaccine] {
    match age {
        4 => &[DTAP, IPV, MMR, VARICELLA],
        11 => &[TDAP, HPV9, MENACWY],
        12 => &[HPV9],
        16 => &[MENACWY],
        _ => &[],
    }
}
