//! The synthetic data set: deterministic (seeded), patient-centred FHIR R4 resources written as
//! NDJSON with constant memory.
//!
//! Nothing is kept in memory while writing: every resource is a pure function of
//! `(seed, type, index)`, ids included, so the load phase can name any resource (a random id to
//! read, a patient to search for) without a list of what was written.
//!
//! Layout of the file: the Organizations, Practitioners and PractitionerRoles first, then each
//! Patient followed by the resources in its compartment (Coverage, Encounter, Condition,
//! MedicationRequest, Observation, Appointment) — patient `p` owns the index range
//! `count * p / patients .. count * (p + 1) / patients` of every clinical type.

use std::io::Write as _;
use std::ops::Range;
use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

/// Bumped whenever the generated content changes, so a stale cached file is regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// splitmix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

/// The splitmix64 finaliser (a bijection on `u64`).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64) as i64
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly normal (Irwin–Hall with 12 uniforms).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let s: f64 = (0..12).map(|_| self.unit()).sum();
        mean + (s - 6.0) * sd
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i.min(items.len().saturating_sub(1))]
    }
}

/// The resource types of the data set, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Organization,
    Practitioner,
    PractitionerRole,
    Patient,
    Coverage,
    Encounter,
    Condition,
    MedicationRequest,
    Observation,
    Appointment,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Organization,
        Kind::Practitioner,
        Kind::PractitionerRole,
        Kind::Patient,
        Kind::Coverage,
        Kind::Encounter,
        Kind::Condition,
        Kind::MedicationRequest,
        Kind::Observation,
        Kind::Appointment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Organization => "Organization",
            Kind::Practitioner => "Practitioner",
            Kind::PractitionerRole => "PractitionerRole",
            Kind::Patient => "Patient",
            Kind::Coverage => "Coverage",
            Kind::Encounter => "Encounter",
            Kind::Condition => "Condition",
            Kind::MedicationRequest => "MedicationRequest",
            Kind::Observation => "Observation",
            Kind::Appointment => "Appointment",
        }
    }

    fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    /// The six clinical/administrative types the brief weighs (≥ 95 % of the data set).
    pub fn is_main(self) -> bool {
        matches!(
            self,
            Kind::Patient
                | Kind::Observation
                | Kind::Condition
                | Kind::MedicationRequest
                | Kind::Encounter
                | Kind::Coverage
        )
    }
}

/// How many resources of each type a data set of `n` holds, and how to name them.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub n: u64,
    pub seed: u64,
    counts: [u64; 10],
}

/// Epoch seconds of a UTC calendar date.
pub fn epoch(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d) * 86_400
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD`
pub fn fmt_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDThh:mm:ssZ`
pub fn fmt_datetime(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

// ----- vocabularies ----------------------------------------------------------------------------

pub const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Kowalski",
    "Müller",
    "Novak",
    "Haddad",
    "Tanaka",
    "Johansson",
    "Ó Briain",
    "Dubois",
    "Rossi",
    "Patel",
    "Kim",
    "Cohen",
    "Schmidt",
    "Fischer",
    "Yilmaz",
    "Ivanova",
    "Mendoza",
    "Castillo",
    "Bianchi",
];
const MALE: &[&str] = &[
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Joshua",
    "Kenji", "Mateo", "Omar", "Chidi", "Lukas", "José",
];
const FEMALE: &[&str] = &[
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Margaret",
    "Sandra",
    "Ashley",
    "Emily",
    "Amara",
    "Sofia",
    "Yuki",
    "Fatima",
    "Ingrid",
    "Zoë",
    "Ana",
];
const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Elm St",
    "Pine Rd",
    "Washington Blvd",
    "Lakeview Dr",
    "Hillcrest Ave",
    "River Rd",
    "Park Pl",
    "Sunset Blvd",
];
/// (city, state, postal code prefix)
const CITIES: &[(&str, &str, &str)] = &[
    ("Springfield", "MA", "011"),
    ("Worcester", "MA", "016"),
    ("Hartford", "CT", "061"),
    ("Providence", "RI", "029"),
    ("Albany", "NY", "122"),
    ("Burlington", "VT", "054"),
    ("Portland", "ME", "041"),
    ("Concord", "NH", "033"),
];

/// LOINC observations: (code, display, text, UCUM unit, normal low, normal high, mean, sd, category).
struct Loinc {
    code: &'static str,
    display: &'static str,
    unit: &'static str,
    low: f64,
    high: f64,
    mean: f64,
    sd: f64,
    vital: bool,
}

const LOINC: &[Loinc] = &[
    Loinc {
        code: "2951-2",
        display: "Sodium [Moles/volume] in Serum or Plasma",
        unit: "mmol/L",
        low: 136.0,
        high: 145.0,
        mean: 140.0,
        sd: 3.0,
        vital: false,
    },
    Loinc {
        code: "2345-7",
        display: "Glucose [Mass/volume] in Serum or Plasma",
        unit: "mg/dL",
        low: 70.0,
        high: 99.0,
        mean: 102.0,
        sd: 22.0,
        vital: false,
    },
    Loinc {
        code: "8480-6",
        display: "Systolic blood pressure",
        unit: "mm[Hg]",
        low: 90.0,
        high: 120.0,
        mean: 124.0,
        sd: 14.0,
        vital: true,
    },
    Loinc {
        code: "718-7",
        display: "Hemoglobin [Mass/volume] in Blood",
        unit: "g/dL",
        low: 12.0,
        high: 17.5,
        mean: 14.2,
        sd: 1.5,
        vital: false,
    },
    Loinc {
        code: "4548-4",
        display: "Hemoglobin A1c/Hemoglobin.total in Blood",
        unit: "%",
        low: 4.0,
        high: 5.6,
        mean: 5.8,
        sd: 0.9,
        vital: false,
    },
    Loinc {
        code: "8462-4",
        display: "Diastolic blood pressure",
        unit: "mm[Hg]",
        low: 60.0,
        high: 80.0,
        mean: 79.0,
        sd: 9.0,
        vital: true,
    },
    Loinc {
        code: "8867-4",
        display: "Heart rate",
        unit: "/min",
        low: 60.0,
        high: 100.0,
        mean: 74.0,
        sd: 11.0,
        vital: true,
    },
    Loinc {
        code: "2160-0",
        display: "Creatinine [Mass/volume] in Serum or Plasma",
        unit: "mg/dL",
        low: 0.6,
        high: 1.3,
        mean: 0.95,
        sd: 0.25,
        vital: false,
    },
];

/// The LOINC codes the search workload asks for (the first five of [`LOINC`]).
pub const SEARCH_LOINC: &[&str] = &["2951-2", "2345-7", "8480-6", "718-7", "4548-4"];

/// (SNOMED CT code, display)
const CONDITIONS: &[(&str, &str)] = &[
    ("44054006", "Diabetes mellitus type 2 (disorder)"),
    (
        "38341003",
        "Hypertensive disorder, systemic arterial (disorder)",
    ),
    ("55822004", "Hyperlipidemia (disorder)"),
    ("195967001", "Asthma (disorder)"),
    ("15777000", "Prediabetes (finding)"),
    ("162864005", "Body mass index 30+ - obesity (finding)"),
    ("40055000", "Chronic sinusitis (disorder)"),
    ("35489007", "Depressive disorder (disorder)"),
    ("197480006", "Anxiety disorder (disorder)"),
    ("13645005", "Chronic obstructive lung disease (disorder)"),
    ("49436004", "Atrial fibrillation (disorder)"),
    ("431855005", "Chronic kidney disease stage 1 (disorder)"),
];

/// (RxNorm code, display)
const MEDICATIONS: &[(&str, &str)] = &[
    ("314076", "lisinopril 10 MG Oral Tablet"),
    ("197361", "amlodipine 5 MG Oral Tablet"),
    ("310798", "Hydrochlorothiazide 25 MG Oral Tablet"),
    (
        "860975",
        "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
    ),
    ("617312", "atorvastatin 10 MG Oral Tablet"),
    ("313782", "Acetaminophen 325 MG Oral Tablet"),
    (
        "745679",
        "200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
    ),
    ("312961", "Simvastatin 20 MG Oral Tablet"),
];

/// (SNOMED CT code, display) of encounter types.
const ENCOUNTER_TYPES: &[(&str, &str)] = &[
    ("185349003", "Encounter for check up (procedure)"),
    ("185345009", "Encounter for symptom (procedure)"),
    ("390906007", "Follow-up encounter (procedure)"),
    ("162673000", "General examination of patient (procedure)"),
];

/// (SNOMED CT code, display) of practitioner specialties.
const SPECIALTIES: &[(&str, &str)] = &[
    ("394814009", "General practice (specialty)"),
    ("419772000", "Family practice (specialty)"),
    ("394579002", "Cardiology (specialty)"),
    ("394583002", "Endocrinology (specialty)"),
    ("394537008", "Pediatric specialty (specialty)"),
    ("394585009", "Obstetrics and gynecology (specialty)"),
    ("394589003", "Nephrology (specialty)"),
    ("418112009", "Pulmonary medicine (specialty)"),
];

const PLANS: &[(&str, &str)] = &[
    ("BRONZE-HMO", "Bronze HMO"),
    ("SILVER-HMO", "Silver HMO"),
    ("GOLD-PPO", "Gold PPO"),
    ("MEDICARE-ADV", "Medicare Advantage"),
];

const SID: &str = "https://wellspring.example.org/fhir/sid";

// ----- the data set ------------------------------------------------------------------------------

impl Dataset {
    /// Counts per type for `n` resources: Patient 8 %, Observation ≈ 53 %, Condition 11.5 %,
    /// MedicationRequest 9.5 %, Encounter 9.5 %, Coverage 5 % (96.5 % together), Practitioner 1 %,
    /// PractitionerRole 1 %, Appointment 1.5 % and a few Organizations.
    pub fn new(n: u64, seed: u64) -> anyhow::Result<Dataset> {
        anyhow::ensure!(n >= 1000, "--resources must be at least 1000");
        anyhow::ensure!(n < (1 << 40), "--resources is too large");
        let mut counts = [0u64; 10];
        let per_mille = |k: u64| n * k / 1000;
        counts[Kind::Organization.index()] = (n / 20_000).clamp(3, 50);
        counts[Kind::Practitioner.index()] = (n / 100).max(2);
        counts[Kind::PractitionerRole.index()] = (n / 100).max(2);
        counts[Kind::Patient.index()] = per_mille(80);
        counts[Kind::Coverage.index()] = per_mille(50);
        counts[Kind::Encounter.index()] = per_mille(95);
        counts[Kind::Condition.index()] = per_mille(115);
        counts[Kind::MedicationRequest.index()] = per_mille(95);
        counts[Kind::Appointment.index()] = per_mille(15);
        let others: u64 = counts.iter().sum();
        counts[Kind::Observation.index()] = n - others;
        Ok(Dataset { n, seed, counts })
    }

    pub fn count(&self, k: Kind) -> u64 {
        self.counts[k.index()]
    }

    /// The id of resource `i` of type `k`: a UUID-shaped name derived from (seed, type, index),
    /// unique because the mixing function is a bijection.
    pub fn id(&self, k: Kind, i: u64) -> String {
        let base =
            self.seed.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ ((k.index() as u64 + 1) << 48) ^ i;
        let a = mix(base);
        let b = mix(a ^ 0x5851_F42D_4C95_7F2D);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    fn rng(&self, k: Kind, i: u64) -> SplitMix64 {
        SplitMix64::new(mix(self.seed ^ mix(((k.index() as u64 + 1) << 48) ^ i)))
    }

    /// The indexes of type `k` (a clinical type) that belong to patient `p`.
    pub fn owned(&self, k: Kind, p: u64) -> Range<u64> {
        let pats = self.count(Kind::Patient).max(1);
        let c = u128::from(self.count(k));
        let lo = (c * u128::from(p) / u128::from(pats)) as u64;
        let hi = (c * (u128::from(p) + 1) / u128::from(pats)) as u64;
        lo..hi
    }

    /// Appointments go to the first 2 % of practitioners (the clinic's schedulable staff), so a
    /// practitioner's month holds a handful of them.
    pub fn scheduled_practitioners(&self) -> u64 {
        (self.count(Kind::Practitioner) / 50).max(1)
    }

    /// Payer organizations are those whose index is a multiple of 5.
    fn payer_org(&self, r: &mut SplitMix64) -> u64 {
        let orgs = self.count(Kind::Organization);
        r.below(orgs.div_ceil(5)) * 5
    }

    fn provider_org(&self, r: &mut SplitMix64) -> u64 {
        let orgs = self.count(Kind::Organization);
        let i = 1 + r.below(orgs - 1);
        if i.is_multiple_of(5) { i - 1 } else { i }
    }

    /// A uniformly random resource of the data set (for reads).
    pub fn random_resource(&self, r: &mut SplitMix64) -> (Kind, u64) {
        let mut x = r.below(self.n);
        for k in Kind::ALL {
            let c = self.count(k);
            if x < c {
                return (k, x);
            }
            x -= c;
        }
        (Kind::Observation, 0)
    }

    fn reference(&self, k: Kind, i: u64) -> String {
        format!("{}/{}", k.name(), self.id(k, i))
    }

    /// Write the whole data set as NDJSON to `path`; returns the bytes written.
    pub fn write_ndjson(&self, path: &Path, bar: &indicatif::ProgressBar) -> anyhow::Result<u64> {
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = Counting {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        };
        let mut done = 0u64;
        for i in 0..self.count(Kind::Organization) {
            emit(&mut out, &self.organization(i))?;
        }
        for i in 0..self.count(Kind::Practitioner) {
            emit(&mut out, &self.practitioner(i))?;
        }
        for i in 0..self.count(Kind::PractitionerRole) {
            emit(&mut out, &self.practitioner_role(i))?;
        }
        done += self.count(Kind::Organization)
            + self.count(Kind::Practitioner)
            + self.count(Kind::PractitionerRole);
        bar.set_position(done);
        for p in 0..self.count(Kind::Patient) {
            let (patient, display) = self.patient(p);
            emit(&mut out, &patient)?;
            done += 1;
            let pat = PatientRef {
                reference: self.reference(Kind::Patient, p),
                display,
            };
            for i in self.owned(Kind::Coverage, p) {
                emit(&mut out, &self.coverage(i, &pat))?;
                done += 1;
            }
            let encounters = self.owned(Kind::Encounter, p);
            for i in encounters.clone() {
                emit(&mut out, &self.encounter(i, &pat))?;
                done += 1;
            }
            for i in self.owned(Kind::Condition, p) {
                emit(&mut out, &self.condition(i, &pat, &encounters))?;
                done += 1;
            }
            for i in self.owned(Kind::MedicationRequest, p) {
                emit(&mut out, &self.medication_request(i, &pat, &encounters))?;
                done += 1;
            }
            for i in self.owned(Kind::Observation, p) {
                emit(&mut out, &self.observation(i, &pat, &encounters))?;
                done += 1;
            }
            for i in self.owned(Kind::Appointment, p) {
                emit(&mut out, &self.appointment(i, &pat))?;
                done += 1;
            }
            if p % 1024 == 0 {
                bar.set_position(done);
            }
        }
        out.flush()?;
        bar.set_position(done);
        anyhow::ensure!(
            done == self.n,
            "generated {done} resources instead of {}",
            self.n
        );
        Ok(out.bytes)
    }

    // ----- resources -------------------------------------------------------------------------------

    fn person_name(r: &mut SplitMix64) -> (bool, &'static str, &'static str, &'static str) {
        let male = r.chance(0.49);
        let given = if male { *r.pick(MALE) } else { *r.pick(FEMALE) };
        let middle = if male { *r.pick(MALE) } else { *r.pick(FEMALE) };
        (male, *r.pick(FAMILY), given, middle)
    }

    fn address(r: &mut SplitMix64) -> Value {
        let (city, state, zip) = *r.pick(CITIES);
        json!({
            "use": "home",
            "line": [format!("{} {}", r.range(1, 9999), r.pick(STREETS))],
            "city": city,
            "state": state,
            "postalCode": format!("{zip}{:02}", r.below(100)),
            "country": "US"
        })
    }

    fn phone(r: &mut SplitMix64) -> String {
        format!("555-{:03}-{:04}", r.range(200, 999), r.below(10_000))
    }

    fn organization(&self, i: u64) -> Value {
        let mut r = self.rng(Kind::Organization, i);
        let payer = i.is_multiple_of(5);
        let (city, _, _) = *r.pick(CITIES);
        let name = if payer {
            format!(
                "{} {} Health Plan",
                city,
                ["Community", "Mutual", "Blue Valley", "Commonwealth"][(i / 5 % 4) as usize]
            )
        } else {
            format!(
                "{} {} {}",
                city,
                ["Family", "Community", "Regional", "Valley"][(i % 4) as usize],
                ["Medical Group", "Health Center", "Clinic"][(i % 3) as usize]
            )
        };
        let (code, display) = if payer {
            ("pay", "Payer")
        } else {
            ("prov", "Healthcare Provider")
        };
        json!({
            "resourceType": "Organization",
            "id": self.id(Kind::Organization, i),
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": format!("1{:09}", mix(i ^ 0x0123) % 1_000_000_000)}],
            "active": true,
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": code, "display": display}]}],
            "name": name,
            "telecom": [{"system": "phone", "value": Self::phone(&mut r), "use": "work"}],
            "address": [Self::address(&mut r)]
        })
    }

    fn practitioner(&self, i: u64) -> Value {
        let mut r = self.rng(Kind::Practitioner, i);
        let (male, family, given, _) = Self::person_name(&mut r);
        json!({
            "resourceType": "Practitioner",
            "id": self.id(Kind::Practitioner, i),
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": format!("{:010}", 1_000_000_000 + mix(i ^ 0xABCD) % 999_999_999)}],
            "active": true,
            "name": [{"use": "official", "family": family, "given": [given], "prefix": ["Dr."]}],
            "telecom": [{"system": "email", "value": format!("{}.{}{}@wellspring.example.org", given.to_lowercase(), family.to_lowercase().replace(' ', ""), i), "use": "work"}],
            "gender": if male { "male" } else { "female" },
            "qualification": [{"code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0360", "code": "MD", "display": "Doctor of Medicine"}], "text": "MD"}}]
        })
    }

    fn practitioner_role(&self, i: u64) -> Value {
        let mut r = self.rng(Kind::PractitionerRole, i);
        let pract = i % self.count(Kind::Practitioner);
        let (code, display) = *r.pick(SPECIALTIES);
        json!({
            "resourceType": "PractitionerRole",
            "id": self.id(Kind::PractitionerRole, i),
            "active": true,
            "practitioner": {"reference": self.reference(Kind::Practitioner, pract)},
            "organization": {"reference": self.reference(Kind::Organization, self.provider_org(&mut r))},
            "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/practitioner-role", "code": "doctor", "display": "Doctor"}]}],
            "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}], "text": display}],
            "telecom": [{"system": "phone", "value": Self::phone(&mut r), "use": "work"}]
        })
    }

    fn patient(&self, p: u64) -> (Value, String) {
        let mut r = self.rng(Kind::Patient, p);
        let (male, family, given, middle) = Self::person_name(&mut r);
        let birth = r.range(epoch(1930, 1, 1), epoch(2024, 1, 1));
        let display = format!("{given} {family}");
        let married = r.chance(0.5);
        let v = json!({
            "resourceType": "Patient",
            "id": self.id(Kind::Patient, p),
            "identifier": [
                {
                    "use": "usual",
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}], "text": "Medical Record Number"},
                    "system": format!("{SID}/mrn"),
                    "value": format!("MRN{:08}", p + 1)
                },
                {
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "SS", "display": "Social Security number"}]},
                    "system": "http://hl7.org/fhir/sid/us-ssn",
                    "value": format!("999-{:02}-{:04}", r.below(100), r.below(10_000))
                }
            ],
            "active": true,
            "name": [{"use": "official", "family": family, "given": [given, middle], "prefix": [if male { "Mr." } else if married { "Mrs." } else { "Ms." }]}],
            "telecom": [
                {"system": "phone", "value": Self::phone(&mut r), "use": "home"},
                {"system": "email", "value": format!("{}.{}.{}@example.com", given.to_lowercase(), family.to_lowercase().replace(' ', ""), p + 1)}
            ],
            "gender": if male { "male" } else { "female" },
            "birthDate": fmt_date(birth),
            "address": [Self::address(&mut r)],
            "maritalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": if married { "M" } else { "S" }, "display": if married { "Married" } else { "Never Married" }}]},
            "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US", "display": "English (United States)"}]}}],
            "generalPractitioner": [{"reference": self.reference(Kind::Practitioner, r.below(self.count(Kind::Practitioner)))}],
            "managingOrganization": {"reference": self.reference(Kind::Organization, self.provider_org(&mut r))}
        });
        (v, display)
    }

    fn coverage(&self, i: u64, pat: &PatientRef) -> Value {
        let mut r = self.rng(Kind::Coverage, i);
        let start_year = r.range(2015, 2026);
        let (plan, plan_name) = *r.pick(PLANS);
        let active = start_year >= 2024 || r.chance(0.3);
        let mut v = json!({
            "resourceType": "Coverage",
            "id": self.id(Kind::Coverage, i),
            "identifier": [{"system": format!("{SID}/member-id"), "value": format!("WSP{:09}", i + 1)}],
            "status": if active { "active" } else { "cancelled" },
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HIP", "display": "health insurance plan policy"}]},
            "subscriberId": format!("WSP{:09}", i + 1),
            "beneficiary": {"reference": pat.reference, "display": pat.display},
            "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self", "display": "Self"}]},
            "period": {"start": format!("{start_year}-01-01")},
            "payor": [{"reference": self.reference(Kind::Organization, self.payer_org(&mut r))}],
            "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan", "display": "Plan"}]}, "value": plan, "name": plan_name}]
        });
        if !active {
            v["period"]["end"] = json!(format!("{}-12-31", start_year + r.range(0, 3)));
        }
        v
    }

    /// The start of encounter `i` (observations and conditions recorded at a visit reuse it).
    fn encounter_start(&self, i: u64) -> i64 {
        let mut r = self.rng(Kind::Encounter, i);
        let day = r.range(epoch(2015, 1, 1), epoch(2026, 1, 1)) / 86_400 * 86_400;
        day + 3600 * r.range(13, 23) + 60 * 15 * r.range(0, 4)
    }

    fn encounter(&self, i: u64, pat: &PatientRef) -> Value {
        let start = self.encounter_start(i);
        let mut r = self.rng(Kind::Encounter, i ^ (1 << 40));
        let end = start + 60 * r.range(15, 90);
        let (code, display) = *r.pick(ENCOUNTER_TYPES);
        let pract = r.below(self.count(Kind::Practitioner));
        json!({
            "resourceType": "Encounter",
            "id": self.id(Kind::Encounter, i),
            "identifier": [{"system": format!("{SID}/encounter"), "value": format!("ENC{:010}", i + 1)}],
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"},
            "type": [{"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}], "text": display}],
            "subject": {"reference": pat.reference, "display": pat.display},
            "participant": [{
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "PPRF", "display": "primary performer"}], "text": "primary performer"}],
                "period": {"start": fmt_datetime(start), "end": fmt_datetime(end)},
                "individual": {"reference": self.reference(Kind::Practitioner, pract)}
            }],
            "period": {"start": fmt_datetime(start), "end": fmt_datetime(end)},
            "serviceProvider": {"reference": self.reference(Kind::Organization, self.provider_org(&mut r))}
        })
    }

    fn condition(&self, i: u64, pat: &PatientRef, encounters: &Range<u64>) -> Value {
        let mut r = self.rng(Kind::Condition, i);
        let (code, display) = *r.pick(CONDITIONS);
        let onset = r.range(epoch(1995, 1, 1), epoch(2026, 1, 1));
        let resolved = r.chance(0.25);
        let mut v = json!({
            "resourceType": "Condition",
            "id": self.id(Kind::Condition, i),
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": if resolved { "resolved" } else { "active" }}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item", "display": "Problem List Item"}]}],
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}], "text": display},
            "subject": {"reference": pat.reference, "display": pat.display},
            "onsetDateTime": fmt_datetime(onset),
            "recordedDate": fmt_datetime(onset + 86_400 * r.range(0, 30))
        });
        if resolved {
            v["abatementDateTime"] = json!(fmt_datetime(onset + 86_400 * r.range(30, 900)));
        }
        if !encounters.is_empty() && r.chance(0.6) {
            let e = encounters.start + r.below(encounters.end - encounters.start);
            v["encounter"] = json!({"reference": self.reference(Kind::Encounter, e)});
        }
        v
    }

    fn medication_request(&self, i: u64, pat: &PatientRef, encounters: &Range<u64>) -> Value {
        let mut r = self.rng(Kind::MedicationRequest, i);
        let (code, display) = *r.pick(MEDICATIONS);
        let (authored, encounter) = if !encounters.is_empty() && r.chance(0.7) {
            let e = encounters.start + r.below(encounters.end - encounters.start);
            (self.encounter_start(e) + 1800, Some(e))
        } else {
            (r.range(epoch(2015, 1, 1), epoch(2026, 1, 1)), None)
        };
        let status = *r.pick(&["active", "active", "completed", "stopped"]);
        let per_day = *r.pick(&[1i64, 1, 2, 3]);
        let mut v = json!({
            "resourceType": "MedicationRequest",
            "id": self.id(Kind::MedicationRequest, i),
            "identifier": [{"system": format!("{SID}/rx"), "value": format!("RX{:010}", i + 1)}],
            "status": status,
            "intent": "order",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code, "display": display}], "text": display},
            "subject": {"reference": pat.reference, "display": pat.display},
            "authoredOn": fmt_datetime(authored),
            "requester": {"reference": self.reference(Kind::Practitioner, r.below(self.count(Kind::Practitioner)))},
            "dosageInstruction": [{
                "sequence": 1,
                "text": format!("Take 1 unit by mouth {per_day} time(s) a day"),
                "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
                "asNeededBoolean": false,
                "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "unit", "system": "http://unitsofmeasure.org", "code": "1"}}]
            }],
            "dispenseRequest": {"numberOfRepeatsAllowed": r.range(0, 6), "quantity": {"value": 30 * per_day, "unit": "unit", "system": "http://unitsofmeasure.org", "code": "1"}}
        });
        if let Some(e) = encounter {
            v["encounter"] = json!({"reference": self.reference(Kind::Encounter, e)});
        }
        v
    }

    fn observation(&self, i: u64, pat: &PatientRef, encounters: &Range<u64>) -> Value {
        let mut r = self.rng(Kind::Observation, i);
        let lab = r.pick(LOINC);
        // Half are taken at a visit (same time as the encounter), half elsewhere (home, outside lab).
        let (effective, encounter) = if !encounters.is_empty() && r.chance(0.5) {
            let e = encounters.start + r.below(encounters.end - encounters.start);
            (self.encounter_start(e) + 60 * r.range(5, 60), Some(e))
        } else {
            (r.range(epoch(2015, 1, 1), epoch(2026, 1, 1)), None)
        };
        let decimals = if lab.high < 10.0 { 100.0 } else { 10.0 };
        let value = (r.normal(lab.mean, lab.sd).max(lab.low * 0.3) * decimals).round() / decimals;
        let flag = if value < lab.low {
            ("L", "Low")
        } else if value > lab.high {
            ("H", "High")
        } else {
            ("N", "Normal")
        };
        let qty = |x: f64| json!({"value": x, "unit": lab.unit, "system": "http://unitsofmeasure.org", "code": lab.unit});
        let (cat, cat_display) = if lab.vital {
            ("vital-signs", "Vital Signs")
        } else {
            ("laboratory", "Laboratory")
        };
        let mut v = json!({
            "resourceType": "Observation",
            "id": self.id(Kind::Observation, i),
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": cat, "display": cat_display}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": lab.code, "display": lab.display}], "text": lab.display},
            "subject": {"reference": pat.reference, "display": pat.display},
            "effectiveDateTime": fmt_datetime(effective),
            "issued": fmt_datetime(effective + 3600 * r.range(1, 30)).replace('Z', ".000Z"),
            "performer": [{"reference": self.reference(Kind::Practitioner, r.below(self.count(Kind::Practitioner)))}],
            "valueQuantity": qty(value),
            "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": flag.0, "display": flag.1}]}],
            "referenceRange": [{"low": qty(lab.low), "high": qty(lab.high)}]
        });
        if let Some(e) = encounter {
            v["encounter"] = json!({"reference": self.reference(Kind::Encounter, e)});
        }
        v
    }

    fn appointment(&self, i: u64, pat: &PatientRef) -> Value {
        let mut r = self.rng(Kind::Appointment, i);
        // Mid-2024 to mid-2025, business hours (UTC 13:00–21:00), 15- or 30-minute slots.
        let day = r.range(epoch(2024, 7, 1), epoch(2025, 7, 1)) / 86_400 * 86_400;
        let start = day + 3600 * r.range(13, 21) + 60 * 15 * r.range(0, 4);
        let minutes = *r.pick(&[15i64, 30, 30]);
        let pract = r.below(self.scheduled_practitioners());
        let (code, display) = *r.pick(ENCOUNTER_TYPES);
        let past = start < epoch(2025, 6, 1);
        let desc = format!("{display} with Dr. {}", self.practitioner_family(pract));
        json!({
            "resourceType": "Appointment",
            "id": self.id(Kind::Appointment, i),
            "status": if past { "fulfilled" } else { "booked" },
            "serviceType": [{"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]}],
            "appointmentType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "ROUTINE", "display": "Routine appointment - default if not valued"}]},
            "description": desc,
            "start": fmt_datetime(start),
            "end": fmt_datetime(start + 60 * minutes),
            "minutesDuration": minutes,
            "participant": [
                {"actor": {"reference": pat.reference, "display": pat.display}, "required": "required", "status": "accepted"},
                {"actor": {"reference": self.reference(Kind::Practitioner, pract)}, "required": "required", "status": "accepted"}
            ]
        })
    }

    fn practitioner_family(&self, i: u64) -> &'static str {
        let mut r = self.rng(Kind::Practitioner, i);
        Self::person_name(&mut r).1
    }
}

fn emit(out: &mut impl std::io::Write, v: &Value) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")?;
    Ok(())
}

struct PatientRef {
    reference: String,
    display: String,
}

struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: std::io::Write> std::io::Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(fmt_date(0), "1970-01-01");
        assert_eq!(
            fmt_datetime(epoch(2024, 2, 29) + 3661),
            "2024-02-29T01:01:01Z"
        );
        assert_eq!(fmt_date(epoch(1930, 12, 31)), "1930-12-31");
    }

    #[test]
    fn counts_add_up_and_main_types_dominate() {
        for n in [1000, 20_000, 1_000_000, 1_234_567] {
            let d = Dataset::new(n, 1).unwrap();
            let total: u64 = Kind::ALL.iter().map(|k| d.count(*k)).sum();
            assert_eq!(total, n);
            let main: u64 = Kind::ALL
                .iter()
                .filter(|k| k.is_main())
                .map(|k| d.count(*k))
                .sum();
            assert!(main * 100 >= n * 95, "{n}: main types {main}");
            // Every clinical resource belongs to exactly one patient.
            for k in [Kind::Observation, Kind::Appointment, Kind::Coverage] {
                let owned: u64 = (0..d.count(Kind::Patient))
                    .map(|p| d.owned(k, p).count() as u64)
                    .sum();
                assert_eq!(owned, d.count(k));
            }
        }
    }

    #[test]
    fn ids_are_unique_and_valid() {
        let d = Dataset::new(20_000, 7).unwrap();
        let mut seen = std::collections::HashSet::new();
        for k in Kind::ALL {
            for i in 0..d.count(k) {
                let id = d.id(k, i);
                assert!(id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
                assert!(seen.insert(id));
            }
        }
    }

    #[test]
    fn generation_is_deterministic_and_valid_json() {
        let dir = std::env::temp_dir().join(format!("wsbench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = Dataset::new(2000, 3).unwrap();
        let bar = indicatif::ProgressBar::hidden();
        let a = dir.join("a.ndjson");
        let b = dir.join("b.ndjson");
        let na = d.write_ndjson(&a, &bar).unwrap();
        let nb = d.write_ndjson(&b, &bar).unwrap();
        assert_eq!(na, nb);
        let ta = std::fs::read_to_string(&a).unwrap();
        assert_eq!(ta, std::fs::read_to_string(&b).unwrap());
        let mut by_type = std::collections::HashMap::new();
        for line in ta.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let t = v["resourceType"].as_str().unwrap().to_owned();
            assert!(v["id"].is_string());
            *by_type.entry(t).or_insert(0u64) += 1;
        }
        for k in Kind::ALL {
            assert_eq!(
                by_type.get(k.name()).copied().unwrap_or(0),
                d.count(k),
                "{}",
                k.name()
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
