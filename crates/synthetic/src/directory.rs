//! The region's care-delivery side: the organisations, facilities (medical centers, a hospital
//! with an emergency department, medical offices, urgent care, pharmacies, lab and imaging
//! sites), their services and hours, and the practitioners with their roles and schedules.
//! Everything here is a shared resource (no patient compartment), built once per run and sized
//! by the number of members.

use serde_json::{Value, json};

use crate::date::Day;
use crate::names::NameBook;
use crate::rng::{Rng, label};
use crate::terminology::{BCP47, NUCC, ROLE_CODE, SNOMED, WS_CS, WS_SD, cc};

/// What a practitioner does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Specialty {
    FamilyMedicine,
    InternalMedicine,
    Pediatrics,
    Cardiology,
    Dermatology,
    ObGyn,
    Orthopedics,
    Psychiatry,
    Nurse,
    Pharmacist,
}

pub const SPECIALISTS: &[Specialty] = &[
    Specialty::Cardiology,
    Specialty::Dermatology,
    Specialty::ObGyn,
    Specialty::Orthopedics,
    Specialty::Psychiatry,
];

impl Specialty {
    /// (label, SNOMED code, SNOMED display, NUCC code, NUCC display)
    pub fn codes(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ) {
        match self {
            Specialty::FamilyMedicine => (
                "family medicine",
                "419772000",
                "Family practice",
                "207Q00000X",
                "Family Medicine Physician",
            ),
            Specialty::InternalMedicine => (
                "internal medicine",
                "419192003",
                "Internal medicine",
                "207R00000X",
                "Internal Medicine Physician",
            ),
            Specialty::Pediatrics => (
                "pediatrics",
                "394537008",
                "Pediatric specialty",
                "208000000X",
                "Pediatrics Physician",
            ),
            Specialty::Cardiology => (
                "cardiology",
                "394579002",
                "Cardiology",
                "207RC0000X",
                "Cardiovascular Disease Physician",
            ),
            Specialty::Dermatology => (
                "dermatology",
                "394582007",
                "Dermatology",
                "207N00000X",
                "Dermatology Physician",
            ),
            Specialty::ObGyn => (
                "obstetrics and gynecology",
                "394585009",
                "Obstetrics and gynecology",
                "207V00000X",
                "Obstetrics & Gynecology Physician",
            ),
            Specialty::Orthopedics => (
                "orthopedics",
                "394801008",
                "Trauma and orthopedics",
                "207X00000X",
                "Orthopaedic Surgery Physician",
            ),
            Specialty::Psychiatry => (
                "psychiatry",
                "394587001",
                "Psychiatry",
                "2084P0800X",
                "Psychiatry & Neurology, Psychiatry Physician",
            ),
            Specialty::Nurse => (
                "nursing",
                "224535009",
                "Registered nurse",
                "163W00000X",
                "Registered Nurse",
            ),
            Specialty::Pharmacist => (
                "pharmacy",
                "46255001",
                "Pharmacist",
                "183500000X",
                "Pharmacist",
            ),
        }
    }

    pub fn is_physician(self) -> bool {
        !matches!(self, Specialty::Nurse | Specialty::Pharmacist)
    }

    fn service(self) -> Service {
        match self {
            Specialty::FamilyMedicine | Specialty::InternalMedicine | Specialty::Nurse => {
                Service::PrimaryCare
            }
            Specialty::Pediatrics => Service::Pediatrics,
            Specialty::Cardiology => Service::Cardiology,
            Specialty::Dermatology => Service::Dermatology,
            Specialty::ObGyn => Service::ObGyn,
            Specialty::Orthopedics => Service::Orthopedics,
            Specialty::Psychiatry => Service::MentalHealth,
            Specialty::Pharmacist => Service::Pharmacy,
        }
    }

    fn interests(self) -> &'static [&'static str] {
        match self {
            Specialty::FamilyMedicine => &[
                "care for the whole family",
                "preventive care",
                "sports medicine",
                "women's health",
                "chronic disease management",
            ],
            Specialty::InternalMedicine => &[
                "diabetes care",
                "heart health",
                "healthy aging",
                "preventive care",
                "complex chronic conditions",
            ],
            Specialty::Pediatrics => &[
                "newborn care",
                "adolescent health",
                "childhood asthma",
                "developmental milestones",
                "school-age wellness",
            ],
            Specialty::Cardiology => &[
                "high blood pressure",
                "heart rhythm disorders",
                "cardiac prevention",
            ],
            Specialty::Dermatology => &["skin cancer screening", "eczema", "acne"],
            Specialty::ObGyn => &["prenatal care", "menopause", "minimally invasive surgery"],
            Specialty::Orthopedics => &["joint replacement", "sports injuries", "spine care"],
            Specialty::Psychiatry => &[
                "depression and anxiety",
                "adolescent mental health",
                "medication management",
            ],
            Specialty::Nurse => &["patient education", "immunizations", "care coordination"],
            Specialty::Pharmacist => &[
                "medication reviews",
                "anticoagulation",
                "diabetes education",
            ],
        }
    }
}

/// A service line offered at a site, published as a HealthcareService.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    PrimaryCare,
    Pediatrics,
    Cardiology,
    Dermatology,
    ObGyn,
    Orthopedics,
    MentalHealth,
    Lab,
    Radiology,
    Pharmacy,
    MailOrderPharmacy,
    UrgentCare,
    Emergency,
    Inpatient,
}

impl Service {
    /// (code, display, SNOMED specialty if any)
    fn describe(
        self,
    ) -> (
        &'static str,
        &'static str,
        Option<(&'static str, &'static str)>,
    ) {
        match self {
            Service::PrimaryCare => (
                "primary-care",
                "Primary care",
                Some(("419772000", "Family practice")),
            ),
            Service::Pediatrics => (
                "pediatrics",
                "Pediatrics",
                Some(("394537008", "Pediatric specialty")),
            ),
            Service::Cardiology => (
                "cardiology",
                "Cardiology",
                Some(("394579002", "Cardiology")),
            ),
            Service::Dermatology => (
                "dermatology",
                "Dermatology",
                Some(("394582007", "Dermatology")),
            ),
            Service::ObGyn => (
                "obgyn",
                "Obstetrics and gynecology",
                Some(("394585009", "Obstetrics and gynecology")),
            ),
            Service::Orthopedics => (
                "orthopedics",
                "Orthopedics",
                Some(("394801008", "Trauma and orthopedics")),
            ),
            Service::MentalHealth => (
                "mental-health",
                "Mental health and wellness",
                Some(("394587001", "Psychiatry")),
            ),
            Service::Lab => ("laboratory", "Laboratory", None),
            Service::Radiology => (
                "radiology",
                "Radiology and imaging",
                Some(("394914008", "Radiology")),
            ),
            Service::Pharmacy => ("pharmacy", "Pharmacy", None),
            Service::MailOrderPharmacy => ("mail-order-pharmacy", "Mail-order pharmacy", None),
            Service::UrgentCare => ("urgent-care", "Urgent care", None),
            Service::Emergency => (
                "emergency",
                "Emergency department",
                Some(("773568002", "Emergency medicine")),
            ),
            Service::Inpatient => ("inpatient", "Hospital inpatient care", None),
        }
    }
}

/// Kinds of facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    MedicalCenter,
    Hospital,
    MedicalOffice,
    UrgentCare,
    Pharmacy,
    MailOrderPharmacy,
    Lab,
    Imaging,
}

/// One facility: an Organization, a Location (plus an emergency-department Location for a
/// hospital) and its HealthcareServices.
#[derive(Debug, Clone)]
pub struct Site {
    pub kind: SiteKind,
    pub org_id: String,
    pub loc_id: String,
    /// The emergency department's Location (hospitals only).
    pub er_loc_id: Option<String>,
    pub name: String,
    pub town: String,
    pub line: String,
    pub postal_code: String,
    pub phone: String,
    /// Site whose Location contains this one (a pharmacy inside a medical center).
    pub within: Option<usize>,
    pub services: Vec<(Service, String)>,
    /// Latitude and longitude in units of 1e-4 degree.
    position: (i64, i64),
}

impl Site {
    pub fn has(&self, s: Service) -> bool {
        self.services.iter().any(|(k, _)| *k == s)
    }
}

/// One practitioner with their role (and schedule, for those who book visits).
#[derive(Debug, Clone)]
pub struct Clinician {
    pub specialty: Specialty,
    pub practitioner_id: String,
    pub role_id: String,
    pub schedule_id: Option<String>,
    /// "Dr. Ana Lopez" / "Sam Lee, RN".
    pub display: String,
    pub given: &'static str,
    pub family: &'static str,
    pub female: bool,
    pub site: usize,
    pub accepting: bool,
    /// Extra languages (BCP-47 code, display) beyond English.
    pub languages: Vec<(&'static str, &'static str)>,
}

/// The care-delivery directory of a region.
#[derive(Debug, Clone)]
pub struct Directory {
    pub sites: Vec<Site>,
    pub clinicians: Vec<Clinician>,
    /// Clinician indexes per specialty, in the order of [`Specialty`] use.
    pub family_medicine: Vec<usize>,
    pub internal_medicine: Vec<usize>,
    pub pediatrics: Vec<usize>,
    pub specialists: Vec<(Specialty, Vec<usize>)>,
    pub nurses: Vec<usize>,
    pub pharmacists: Vec<usize>,
    /// Sites by role, as indexes into `sites`.
    pub primary_sites: Vec<usize>,
    pub hospitals: Vec<usize>,
    pub urgent_cares: Vec<usize>,
    pub lab_sites: Vec<usize>,
    pub pharmacies: Vec<usize>,
    pub mail_order: usize,
}

/// Geography and naming of a region, derived from its code.
#[derive(Debug, Clone)]
pub struct Geography {
    pub state: &'static str,
    pub zip_prefix: &'static str,
    pub area_codes: &'static [&'static str],
    pub standard_offset: i32,
    pub dst: bool,
    /// Center in 1e-4 degrees.
    pub center: (i64, i64),
    pub towns: Vec<String>,
}

/// State, ZIP prefix, area codes, standard UTC offset, observes DST, center (1e-4 degrees).
type StateRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    i32,
    bool,
    (i64, i64),
);

const STATES: &[StateRow] = &[
    (
        "WA",
        "98",
        &["206", "253", "425", "360"],
        -8,
        true,
        (474_000, -1_222_000),
    ),
    (
        "OR",
        "97",
        &["503", "541", "971"],
        -8,
        true,
        (450_000, -1_228_000),
    ),
    (
        "CA",
        "95",
        &["916", "530", "707", "209"],
        -8,
        true,
        (385_000, -1_214_000),
    ),
    (
        "CO",
        "80",
        &["303", "720", "719"],
        -7,
        true,
        (397_000, -1_049_000),
    ),
    (
        "GA",
        "30",
        &["404", "770", "678"],
        -5,
        true,
        (337_000, -843_000),
    ),
    (
        "MD",
        "20",
        &["301", "240", "410"],
        -5,
        true,
        (390_000, -768_000),
    ),
    (
        "VA",
        "22",
        &["703", "571", "540"],
        -5,
        true,
        (388_000, -773_000),
    ),
    ("HI", "96", &["808"], -10, false, (213_000, -1_578_000)),
];

impl Geography {
    pub fn new(region: &str, seed: u64) -> Geography {
        let pick = match region {
            "north" => 0,
            "south" => 2,
            "east" => 5,
            "west" => 1,
            _ => (label(region) % STATES.len() as u64) as usize,
        };
        let (state, zip_prefix, area_codes, standard_offset, dst, center) =
            STATES[pick.min(STATES.len() - 1)];
        let mut rng = Rng::new(&[seed, label("towns"), label(region)]);
        let mut towns: Vec<String> = Vec::new();
        while towns.len() < 24 {
            let a = rng
                .pick(crate::names::TOWN_FIRST)
                .copied()
                .unwrap_or("Cedar");
            let b = rng
                .pick(crate::names::TOWN_SECOND)
                .copied()
                .unwrap_or("ton");
            let t = format!("{a}{b}");
            if !towns.contains(&t) {
                towns.push(t);
            }
        }
        Geography {
            state,
            zip_prefix,
            area_codes,
            standard_offset,
            dst,
            center,
            towns,
        }
    }

    /// A fictional phone number in E.164 form: the 555-01xx range is reserved for fiction.
    pub fn phone(&self, rng: &mut Rng) -> String {
        let area = rng.pick(self.area_codes).copied().unwrap_or("206");
        format!("+1{area}55501{:02}", rng.below(100))
    }

    pub fn postal_code(&self, town: usize) -> String {
        format!("{}{:03}", self.zip_prefix, 100 + (town as u32 * 37) % 900)
    }
}

/// Sizes of the directory for a member count.
pub fn sizes(members: u64) -> [(SiteKind, usize); 6] {
    let m = members as usize;
    [
        (SiteKind::Hospital, (m / 100_000).max(1)),
        (SiteKind::MedicalCenter, (m / 40_000).max(1)),
        (SiteKind::MedicalOffice, (m / 5_000).max(1)),
        (SiteKind::UrgentCare, (m / 25_000).max(1)),
        (SiteKind::Lab, (m / 15_000).max(1)),
        (SiteKind::Imaging, (m / 30_000).max(1)),
    ]
}

pub struct DirectoryInput<'a> {
    pub region: &'a str,
    pub region_title: &'a str,
    pub seed: u64,
    pub members: u64,
    pub names: &'a NameBook,
    pub geo: &'a Geography,
    pub root_org_id: &'a str,
    pub group_org_id: &'a str,
}

impl Directory {
    pub fn build(input: &DirectoryInput<'_>) -> Directory {
        let mut rng = Rng::new(&[input.seed, label("directory")]);
        let region = input.region;
        let geo = input.geo;
        let mut sites: Vec<Site> = Vec::new();
        let mut street_no = 100;
        let mut new_site = |rng: &mut Rng,
                            sites: &mut Vec<Site>,
                            kind: SiteKind,
                            name: String,
                            town: usize,
                            within: Option<usize>,
                            services: &[Service]| {
            let n = sites.len() + 1;
            street_no += 137;
            let street = rng.pick(&input.names.streets).copied().unwrap_or("Main");
            let kind_word = rng
                .pick(crate::names::STREET_KINDS)
                .copied()
                .unwrap_or("St");
            let (line, postal_code, position) = match within.and_then(|w| sites.get(w)) {
                Some(parent) => (
                    parent.line.clone(),
                    parent.postal_code.clone(),
                    parent.position,
                ),
                None => (
                    format!("{} {street} {kind_word}", street_no % 9000 + 100),
                    geo.postal_code(town),
                    (
                        geo.center.0 + rng.range(-2500, 2500),
                        geo.center.1 + rng.range(-2500, 2500),
                    ),
                ),
            };
            let services = services
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, format!("{region}-hcs-{n:04}-{}", i + 1)))
                .collect();
            sites.push(Site {
                kind,
                org_id: format!("{region}-org-{n:04}"),
                loc_id: format!("{region}-loc-{n:04}"),
                er_loc_id: (kind == SiteKind::Hospital).then(|| format!("{region}-loc-{n:04}-er")),
                name,
                town: geo.towns.get(town).cloned().unwrap_or_default(),
                line,
                postal_code,
                phone: geo.phone(rng),
                within,
                services,
                position,
            });
            sites.len() - 1
        };

        let town_count = geo.towns.len();
        let mut town_i = 0;
        let mut next_town = || {
            town_i += 1;
            (town_i * 7) % town_count
        };
        let [
            (_, n_hosp),
            (_, n_center),
            (_, n_office),
            (_, n_urgent),
            (_, n_lab),
            (_, n_imaging),
        ] = sizes(input.members);
        let mut dir = Directory {
            sites: Vec::new(),
            clinicians: Vec::new(),
            family_medicine: Vec::new(),
            internal_medicine: Vec::new(),
            pediatrics: Vec::new(),
            specialists: SPECIALISTS.iter().map(|s| (*s, Vec::new())).collect(),
            nurses: Vec::new(),
            pharmacists: Vec::new(),
            primary_sites: Vec::new(),
            hospitals: Vec::new(),
            urgent_cares: Vec::new(),
            lab_sites: Vec::new(),
            pharmacies: Vec::new(),
            mail_order: 0,
        };
        let title = input.region_title;
        let town_name = |t: usize| geo.towns.get(t).cloned().unwrap_or_default();
        for _ in 0..n_hosp {
            let t = next_town();
            let h = new_site(
                &mut rng,
                &mut sites,
                SiteKind::Hospital,
                format!("Wellspring {} Hospital", town_name(t)),
                t,
                None,
                &[
                    Service::Emergency,
                    Service::Inpatient,
                    Service::Lab,
                    Service::Radiology,
                ],
            );
            dir.hospitals.push(h);
            dir.lab_sites.push(h);
            let p = new_site(
                &mut rng,
                &mut sites,
                SiteKind::Pharmacy,
                format!("Wellspring {} Hospital Pharmacy", town_name(t)),
                t,
                Some(h),
                &[Service::Pharmacy],
            );
            dir.pharmacies.push(p);
        }
        let specialty_services = [
            Service::PrimaryCare,
            Service::Pediatrics,
            Service::Cardiology,
            Service::Dermatology,
            Service::ObGyn,
            Service::Orthopedics,
            Service::MentalHealth,
            Service::Lab,
            Service::Radiology,
        ];
        let mut centers = Vec::new();
        for _ in 0..n_center {
            let t = next_town();
            let c = new_site(
                &mut rng,
                &mut sites,
                SiteKind::MedicalCenter,
                format!("Wellspring {} Medical Center", town_name(t)),
                t,
                None,
                &specialty_services,
            );
            centers.push(c);
            dir.primary_sites.push(c);
            dir.lab_sites.push(c);
            let p = new_site(
                &mut rng,
                &mut sites,
                SiteKind::Pharmacy,
                format!("Wellspring {} Medical Center Pharmacy", town_name(t)),
                t,
                Some(c),
                &[Service::Pharmacy],
            );
            dir.pharmacies.push(p);
        }
        for i in 0..n_office {
            let t = next_town();
            let with_lab = i % 2 == 0;
            let services: &[Service] = if with_lab {
                &[Service::PrimaryCare, Service::Pediatrics, Service::Lab]
            } else {
                &[Service::PrimaryCare, Service::Pediatrics]
            };
            let o = new_site(
                &mut rng,
                &mut sites,
                SiteKind::MedicalOffice,
                format!("Wellspring {} Medical Offices", town_name(t)),
                t,
                None,
                services,
            );
            dir.primary_sites.push(o);
            if with_lab {
                dir.lab_sites.push(o);
            }
            if i % 3 == 1 {
                let p = new_site(
                    &mut rng,
                    &mut sites,
                    SiteKind::Pharmacy,
                    format!("Wellspring {} Pharmacy", town_name(t)),
                    t,
                    Some(o),
                    &[Service::Pharmacy],
                );
                dir.pharmacies.push(p);
            }
        }
        for _ in 0..n_urgent {
            let t = next_town();
            let u = new_site(
                &mut rng,
                &mut sites,
                SiteKind::UrgentCare,
                format!("Wellspring {} Urgent Care", town_name(t)),
                t,
                None,
                &[Service::UrgentCare],
            );
            dir.urgent_cares.push(u);
        }
        for _ in 0..n_lab {
            let t = next_town();
            let l = new_site(
                &mut rng,
                &mut sites,
                SiteKind::Lab,
                format!("Wellspring {} Laboratory", town_name(t)),
                t,
                None,
                &[Service::Lab],
            );
            dir.lab_sites.push(l);
        }
        for _ in 0..n_imaging {
            let t = next_town();
            new_site(
                &mut rng,
                &mut sites,
                SiteKind::Imaging,
                format!("Wellspring {} Imaging Center", town_name(t)),
                t,
                None,
                &[Service::Radiology],
            );
        }
        let t = next_town();
        dir.mail_order = new_site(
            &mut rng,
            &mut sites,
            SiteKind::MailOrderPharmacy,
            format!("Wellspring Mail-Order Pharmacy {title}"),
            t,
            None,
            &[Service::MailOrderPharmacy],
        );
        dir.sites = sites;

        // Practitioners.
        let m = input.members as usize;
        let pcp_total = (m / 1_700).max(3);
        let n_peds = (pcp_total * 22 / 100).max(1);
        let n_im = (pcp_total * 33 / 100).max(1);
        let n_fm = pcp_total.saturating_sub(n_peds + n_im).max(1);
        let n_spec = (m / 5_000).max(1);
        let n_nurse = dir.primary_sites.len().max(pcp_total / 2);
        let mut plan: Vec<(Specialty, usize)> = vec![
            (Specialty::FamilyMedicine, n_fm),
            (Specialty::InternalMedicine, n_im),
            (Specialty::Pediatrics, n_peds),
        ];
        plan.extend(SPECIALISTS.iter().map(|s| (*s, n_spec)));
        plan.push((Specialty::Nurse, n_nurse));
        plan.push((Specialty::Pharmacist, dir.pharmacies.len() * 2 + 2));

        let mut pcp_rr = 0usize;
        let mut spec_rr = 0usize;
        for (specialty, count) in plan {
            for k in 0..count {
                let site = match specialty {
                    Specialty::FamilyMedicine
                    | Specialty::InternalMedicine
                    | Specialty::Pediatrics
                    | Specialty::Nurse => {
                        pcp_rr += 1;
                        dir.primary_sites
                            .get(pcp_rr % dir.primary_sites.len().max(1))
                            .copied()
                            .unwrap_or(0)
                    }
                    Specialty::Pharmacist => {
                        if k < 2 {
                            dir.mail_order
                        } else {
                            dir.pharmacies
                                .get((k - 2) / 2)
                                .copied()
                                .unwrap_or(dir.mail_order)
                        }
                    }
                    _ => {
                        spec_rr += 1;
                        centers
                            .get(spec_rr % centers.len().max(1))
                            .copied()
                            .unwrap_or(0)
                    }
                };
                let idx = dir.clinicians.len();
                let n = idx + 1;
                let heritage = rng.weighted(&input.names.weights);
                let h = &input.names.heritages[heritage.min(input.names.heritages.len() - 1)];
                let female = rng.chance(if specialty == Specialty::Nurse {
                    0.85
                } else {
                    0.52
                });
                let given = rng
                    .pick(if female { &h.female } else { &h.male })
                    .copied()
                    .unwrap_or("Alex");
                let family = rng.pick(&h.family).copied().unwrap_or("Smith");
                let mut languages = Vec::new();
                if let Some(lang) = h.language
                    && rng.chance(0.6)
                {
                    languages.push(lang);
                }
                if languages.is_empty() && rng.chance(0.12) {
                    languages.push(("es", "Spanish"));
                }
                let display = match specialty {
                    Specialty::Nurse => format!("{given} {family}, RN"),
                    Specialty::Pharmacist => format!("{given} {family}, PharmD"),
                    _ => format!("Dr. {given} {family}"),
                };
                let books = !matches!(specialty, Specialty::Pharmacist);
                dir.clinicians.push(Clinician {
                    specialty,
                    practitioner_id: format!("{region}-prac-{n:04}"),
                    role_id: format!("{region}-role-{n:04}"),
                    schedule_id: books.then(|| format!("{region}-sched-{n:04}")),
                    display,
                    given,
                    family,
                    female,
                    site,
                    accepting: rng.chance(0.8),
                    languages,
                });
                match specialty {
                    Specialty::FamilyMedicine => dir.family_medicine.push(idx),
                    Specialty::InternalMedicine => dir.internal_medicine.push(idx),
                    Specialty::Pediatrics => dir.pediatrics.push(idx),
                    Specialty::Nurse => dir.nurses.push(idx),
                    Specialty::Pharmacist => dir.pharmacists.push(idx),
                    s => {
                        if let Some((_, list)) = dir.specialists.iter_mut().find(|(k, _)| *k == s) {
                            list.push(idx);
                        }
                    }
                }
            }
        }
        dir
    }

    pub fn clinician(&self, i: usize) -> Option<&Clinician> {
        self.clinicians.get(i)
    }

    pub fn site(&self, i: usize) -> Option<&Site> {
        self.sites.get(i)
    }

    pub fn specialists_of(&self, s: Specialty) -> &[usize] {
        self.specialists
            .iter()
            .find(|(k, _)| *k == s)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// A nurse working at `site` (or any nurse).
    pub fn nurse_at(&self, site: usize) -> Option<&Clinician> {
        self.nurses
            .iter()
            .filter_map(|i| self.clinicians.get(*i))
            .find(|c| c.site == site)
            .or_else(|| self.nurses.first().and_then(|i| self.clinicians.get(*i)))
    }

    /// A pharmacist working at `site` (or any pharmacist).
    pub fn pharmacist_at(&self, site: usize) -> Option<&Clinician> {
        self.pharmacists
            .iter()
            .filter_map(|i| self.clinicians.get(*i))
            .find(|c| c.site == site)
            .or_else(|| {
                self.pharmacists
                    .first()
                    .and_then(|i| self.clinicians.get(*i))
            })
    }
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

const WEEKDAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
const ALL_DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn hours(kind: SiteKind) -> Value {
    match kind {
        SiteKind::Hospital => json!([{"daysOfWeek": ALL_DAYS, "allDay": true}]),
        SiteKind::UrgentCare => json!([
            {"daysOfWeek": ALL_DAYS, "openingTime": "08:00:00", "closingTime": "22:00:00"}
        ]),
        SiteKind::MedicalCenter | SiteKind::Pharmacy => json!([
            {"daysOfWeek": WEEKDAYS, "openingTime": "08:00:00", "closingTime": "19:00:00"},
            {"daysOfWeek": ["sat", "sun"], "openingTime": "09:00:00", "closingTime": "17:00:00"}
        ]),
        SiteKind::Lab => json!([
            {"daysOfWeek": WEEKDAYS, "openingTime": "07:00:00", "closingTime": "18:00:00"},
            {"daysOfWeek": ["sat"], "openingTime": "08:00:00", "closingTime": "12:00:00"}
        ]),
        _ => json!([
            {"daysOfWeek": WEEKDAYS, "openingTime": "08:30:00", "closingTime": "17:30:00"}
        ]),
    }
}

fn location_type(kind: SiteKind) -> Value {
    let (code, display, text) = match kind {
        SiteKind::Hospital => ("HOSP", "Hospital", "Hospital"),
        SiteKind::MedicalCenter => ("OF", "Outpatient facility", "Medical center"),
        SiteKind::MedicalOffice => ("FMC", "Family medicine clinic", "Medical offices"),
        SiteKind::UrgentCare => ("OF", "Outpatient facility", "Urgent care center"),
        SiteKind::Pharmacy => ("PHARM", "Pharmacy", "Pharmacy"),
        SiteKind::MailOrderPharmacy => ("PHARM", "Pharmacy", "Mail-order pharmacy"),
        SiteKind::Lab => ("MBL", "medical laboratory", "Laboratory"),
        SiteKind::Imaging => ("HRAD", "radiology unit", "Imaging center"),
    };
    json!([{"coding": [{"system": ROLE_CODE, "code": code, "display": display}], "text": text}])
}

fn org_type(code: &str, display: &str) -> Value {
    json!({"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
        "code": code,
        "display": display
    }]})
}

fn address(site: &Site, state: &str) -> Value {
    json!({
        "use": "work",
        "type": "physical",
        "line": [site.line],
        "city": site.town,
        "state": state,
        "postalCode": site.postal_code,
        "country": "US"
    })
}

fn degrees(v: i64) -> f64 {
    v as f64 / 10_000.0
}

pub struct SharedContext<'a> {
    pub region: &'a str,
    pub region_title: &'a str,
    pub geo: &'a Geography,
    pub root_org_id: &'a str,
    pub group_org_id: &'a str,
    pub hospital_org_id: &'a str,
    pub root_phone: &'a str,
    pub as_of: Day,
    pub seed: u64,
}

/// The organisation itself and its two arms (medical group, hospitals).
pub fn organisations(ctx: &SharedContext<'_>) -> Vec<Value> {
    let title = ctx.region_title;
    let state = ctx.geo.state;
    vec![
        json!({
            "resourceType": "Organization",
            "id": ctx.root_org_id,
            "identifier": [{"system": "urn:wellspring:organization", "value": format!("WS-{}", ctx.region.to_uppercase())}],
            "active": true,
            "type": [org_type("pay", "Payer"), org_type("ins", "Insurance Company"), org_type("prov", "Healthcare Provider")],
            "name": format!("Wellspring Health {title}"),
            "alias": [format!("Wellspring Health Plan {title}")],
            "telecom": [
                {"system": "phone", "value": ctx.root_phone, "use": "work"},
                {"system": "url", "value": "https://wellspring.example/"}
            ],
            "address": [{"use": "work", "type": "both", "line": ["1 Wellspring Plaza"], "city": ctx.geo.towns.first().cloned().unwrap_or_default(), "state": state, "postalCode": ctx.geo.postal_code(0), "country": "US"}]
        }),
        json!({
            "resourceType": "Organization",
            "id": ctx.group_org_id,
            "identifier": [{"system": "urn:wellspring:organization", "value": format!("WS-{}-MG", ctx.region.to_uppercase())}],
            "active": true,
            "type": [org_type("prov", "Healthcare Provider")],
            "name": format!("Wellspring Medical Group {title}"),
            "partOf": {"reference": format!("Organization/{}", ctx.root_org_id)}
        }),
        json!({
            "resourceType": "Organization",
            "id": ctx.hospital_org_id,
            "identifier": [{"system": "urn:wellspring:organization", "value": format!("WS-{}-HOSP", ctx.region.to_uppercase())}],
            "active": true,
            "type": [org_type("prov", "Healthcare Provider")],
            "name": format!("Wellspring Hospitals {title}"),
            "partOf": {"reference": format!("Organization/{}", ctx.root_org_id)}
        }),
    ]
}

/// Organization, Location(s) and HealthcareServices of one site, in that order.
pub fn site_resources(ctx: &SharedContext<'_>, dir: &Directory, site: &Site) -> Vec<Value> {
    let mut out = Vec::with_capacity(3 + site.services.len());
    let parent_org = match site.kind {
        SiteKind::Hospital => ctx.hospital_org_id,
        _ => ctx.group_org_id,
    };
    let org_kind = match site.kind {
        SiteKind::Pharmacy | SiteKind::MailOrderPharmacy => org_type("dept", "Hospital Department"),
        _ => org_type("prov", "Healthcare Provider"),
    };
    out.push(json!({
        "resourceType": "Organization",
        "id": site.org_id,
        "active": true,
        "type": [org_kind],
        "name": site.name,
        "telecom": [{"system": "phone", "value": site.phone, "use": "work"}],
        "address": [address(site, ctx.geo.state)],
        "partOf": {"reference": format!("Organization/{parent_org}")}
    }));
    let mut loc = json!({
        "resourceType": "Location",
        "id": site.loc_id,
        "status": "active",
        "name": site.name,
        "mode": "instance",
        "type": location_type(site.kind),
        "telecom": [{"system": "phone", "value": site.phone, "use": "work"}],
        "address": address(site, ctx.geo.state),
        "physicalType": cc("http://terminology.hl7.org/CodeSystem/location-physical-type", "bu", "Building"),
        "position": {"longitude": degrees(site.position.1), "latitude": degrees(site.position.0)},
        "managingOrganization": {"reference": format!("Organization/{}", site.org_id)},
        "hoursOfOperation": hours(site.kind)
    });
    if let Some(parent) = site.within.and_then(|w| dir.sites.get(w)) {
        loc["physicalType"] = cc(
            "http://terminology.hl7.org/CodeSystem/location-physical-type",
            "wa",
            "Ward",
        );
        loc["partOf"] = json!({"reference": format!("Location/{}", parent.loc_id)});
    }
    if site.kind == SiteKind::MailOrderPharmacy {
        loc["description"] =
            json!("Ships prescriptions to members' homes in the service area; no walk-in pickup.");
    }
    out.push(loc);
    if let Some(er) = &site.er_loc_id {
        out.push(json!({
            "resourceType": "Location",
            "id": er,
            "status": "active",
            "name": format!("{} Emergency Department", site.name),
            "mode": "instance",
            "type": location_type_er(),
            "telecom": [{"system": "phone", "value": site.phone, "use": "work"}],
            "address": address(site, ctx.geo.state),
            "physicalType": cc("http://terminology.hl7.org/CodeSystem/location-physical-type", "wa", "Ward"),
            "managingOrganization": {"reference": format!("Organization/{}", site.org_id)},
            "partOf": {"reference": format!("Location/{}", site.loc_id)},
            "hoursOfOperation": [{"daysOfWeek": ALL_DAYS, "allDay": true}]
        }));
    }
    for (service, id) in &site.services {
        let (code, display, specialty) = service.describe();
        let location = match (service, &site.er_loc_id) {
            (Service::Emergency, Some(er)) => er.as_str(),
            _ => site.loc_id.as_str(),
        };
        let mut hcs = json!({
            "resourceType": "HealthcareService",
            "id": id,
            "active": true,
            "providedBy": {"reference": format!("Organization/{}", site.org_id)},
            "category": [cc(&format!("{WS_CS}/service-category"), code, display)],
            "type": [cc(&format!("{WS_CS}/service-type"), code, display)],
            "location": [{"reference": format!("Location/{location}")}],
            "name": format!("{display} at {}", site.name),
            "telecom": [{"system": "phone", "value": site.phone, "use": "work"}],
            "communication": [cc(BCP47, "en", "English"), cc(BCP47, "es", "Spanish")],
            "appointmentRequired": matches!(service, Service::PrimaryCare | Service::Pediatrics | Service::Cardiology | Service::Dermatology | Service::ObGyn | Service::Orthopedics | Service::MentalHealth | Service::Radiology),
            "availableTime": hours_to_available(site.kind, *service)
        });
        if let Some((sct, sct_display)) = specialty {
            hcs["specialty"] = json!([cc(SNOMED, sct, sct_display)]);
        }
        if *service == Service::Emergency {
            hcs["comment"] = json!("Open 24 hours. In an emergency call 911.");
        }
        out.push(hcs);
    }
    out
}

fn location_type_er() -> Value {
    json!([{"coding": [{"system": ROLE_CODE, "code": "ER", "display": "Emergency room"}], "text": "Emergency department"}])
}

fn hours_to_available(kind: SiteKind, service: Service) -> Value {
    if service == Service::Emergency {
        return json!([{"daysOfWeek": ALL_DAYS, "allDay": true}]);
    }
    let h = hours(kind);
    let mut out = Vec::new();
    if let Some(list) = h.as_array() {
        for e in list {
            let mut a = serde_json::Map::new();
            if let Some(d) = e.get("daysOfWeek") {
                a.insert("daysOfWeek".into(), d.clone());
            }
            if let Some(v) = e.get("allDay") {
                a.insert("allDay".into(), v.clone());
            }
            if let Some(v) = e.get("openingTime") {
                a.insert("availableStartTime".into(), v.clone());
            }
            if let Some(v) = e.get("closingTime") {
                a.insert("availableEndTime".into(), v.clone());
            }
            out.push(Value::Object(a));
        }
    }
    Value::Array(out)
}

/// Practitioner, PractitionerRole and (for those who see patients by appointment) Schedule.
pub fn clinician_resources(
    ctx: &SharedContext<'_>,
    dir: &Directory,
    c: &Clinician,
    index: usize,
) -> Vec<Value> {
    let (specialty_label, sct, sct_display, nucc, nucc_display) = c.specialty.codes();
    let site = dir.sites.get(c.site);
    let site_name = site.map_or("", |s| s.name.as_str());
    let (qual, qual_display, role, role_display) = match c.specialty {
        Specialty::Nurse => ("RN", "Registered Nurse", "nurse", "Nurse"),
        Specialty::Pharmacist => ("PharmD", "Doctor of Pharmacy", "pharmacist", "Pharmacist"),
        _ if index % 9 == 4 => ("DO", "Doctor of Osteopathy", "doctor", "Doctor"),
        _ => ("MD", "Doctor of Medicine", "doctor", "Doctor"),
    };
    let mut rng = Rng::new(&[ctx.seed, label("clinician"), index as u64]);
    let interests = c.specialty.interests();
    let first = rng.below(interests.len() as u64) as usize;
    let second = (first + 1 + rng.below(interests.len().saturating_sub(1).max(1) as u64) as usize)
        % interests.len().max(1);
    let pronoun = if c.female { "She" } else { "He" };
    let mut langs = vec!["English".to_owned()];
    langs.extend(c.languages.iter().map(|(_, d)| (*d).to_owned()));
    let since = 1990 + rng.below(32) as i32;
    let bio = match c.specialty {
        Specialty::Nurse => format!(
            "{} is a registered nurse at {site_name} and has cared for patients since {since}. {pronoun} focuses on {} and {}. Languages: {}.",
            c.display,
            interests.get(first).copied().unwrap_or(""),
            interests.get(second).copied().unwrap_or(""),
            langs.join(", ")
        ),
        Specialty::Pharmacist => format!(
            "{} is a clinical pharmacist at {site_name}, in practice since {since}, with a focus on {} and {}. Languages: {}.",
            c.display,
            interests.get(first).copied().unwrap_or(""),
            interests.get(second).copied().unwrap_or(""),
            langs.join(", ")
        ),
        _ => format!(
            "{} is a board-certified {specialty_label} physician at {site_name}, in practice since {since}. {pronoun} has a special interest in {} and {}, and sees patients in person, by video and by phone. Languages: {}.",
            c.display,
            interests.get(first).copied().unwrap_or(""),
            interests.get(second).copied().unwrap_or(""),
            langs.join(", ")
        ),
    };
    let mut communication = vec![cc(BCP47, "en", "English")];
    communication.extend(c.languages.iter().map(|(code, d)| cc(BCP47, code, d)));
    let prefix: Vec<&str> = if c.specialty.is_physician() {
        vec!["Dr."]
    } else {
        Vec::new()
    };
    let mut name = json!({"use": "official", "family": c.family, "given": [c.given]});
    if !prefix.is_empty() {
        name["prefix"] = json!(prefix);
    }
    name["suffix"] = json!([qual]);
    let practitioner = json!({
        "resourceType": "Practitioner",
        "id": c.practitioner_id,
        "text": {"status": "generated", "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{}</p></div>", xml_escape(&bio))},
        "identifier": [{"system": format!("urn:wellspring:practitioner:{}", ctx.region), "value": format!("P{:06}", index + 1)}],
        "active": true,
        "name": [name],
        "telecom": [{"system": "phone", "value": site.map_or("", |s| s.phone.as_str()), "use": "work"}],
        "gender": if c.female { "female" } else { "male" },
        "qualification": [{
            "code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0360|2.7", "code": qual, "display": qual_display}], "text": qual_display},
            "period": {"start": format!("{since}-07-01")}
        }],
        "communication": communication
    });
    let (available, exceptions) = match (c.specialty, index % 3) {
        (Specialty::Pharmacist, _) => (
            json!([{"daysOfWeek": WEEKDAYS, "availableStartTime": "08:00:00", "availableEndTime": "17:00:00"}]),
            "Works on rotation with the pharmacy team.",
        ),
        (_, 0) => (
            json!([{"daysOfWeek": ["mon", "tue", "wed", "thu"], "availableStartTime": "08:00:00", "availableEndTime": "17:00:00"}]),
            "Video visits on Friday mornings; not available on public holidays.",
        ),
        (_, 1) => (
            json!([
                {"daysOfWeek": ["mon", "wed", "fri"], "availableStartTime": "08:30:00", "availableEndTime": "17:30:00"},
                {"daysOfWeek": ["tue", "thu"], "availableStartTime": "11:00:00", "availableEndTime": "19:30:00"}
            ]),
            "Evening hours on Tuesday and Thursday; not available on public holidays.",
        ),
        _ => (
            json!([
                {"daysOfWeek": WEEKDAYS, "availableStartTime": "09:00:00", "availableEndTime": "17:00:00"},
                {"daysOfWeek": ["sat"], "availableStartTime": "09:00:00", "availableEndTime": "13:00:00"}
            ]),
            "One Saturday morning a month; not available on public holidays.",
        ),
    };
    let service_id = site.and_then(|s| {
        s.services
            .iter()
            .find(|(k, _)| *k == c.specialty.service())
            .or_else(|| s.services.first())
            .map(|(_, id)| id.clone())
    });
    let mut role = json!({
        "resourceType": "PractitionerRole",
        "id": c.role_id,
        "extension": [{
            "url": format!("{WS_SD}/accepting-new-patients"),
            "valueBoolean": c.accepting && c.specialty.is_physician()
        }],
        "active": true,
        "period": {"start": format!("{since}-07-01")},
        "practitioner": {"reference": format!("Practitioner/{}", c.practitioner_id), "display": c.display},
        "organization": {"reference": format!("Organization/{}", site.map_or(ctx.group_org_id, |s| s.org_id.as_str()))},
        "code": [cc("http://terminology.hl7.org/CodeSystem/practitioner-role", role, role_display)],
        "specialty": [{"coding": [
            {"system": SNOMED, "code": sct, "display": sct_display},
            {"system": NUCC, "code": nucc, "display": nucc_display}
        ]}],
        "location": [{"reference": format!("Location/{}", site.map_or("", |s| s.loc_id.as_str())), "display": site_name}],
        "telecom": [{"system": "phone", "value": site.map_or("", |s| s.phone.as_str()), "use": "work"}],
        "availableTime": available,
        "availabilityExceptions": exceptions
    });
    if let Some(id) = service_id {
        role["healthcareService"] = json!([{"reference": format!("HealthcareService/{id}")}]);
    }
    let mut out = vec![practitioner, role];
    if let Some(sched) = &c.schedule_id {
        out.push(json!({
            "resourceType": "Schedule",
            "id": sched,
            "active": true,
            "serviceType": [cc(&format!("{WS_CS}/service-type"), c.specialty.service().describe().0, c.specialty.service().describe().1)],
            "specialty": [cc(SNOMED, sct, sct_display)],
            "actor": [
                {"reference": format!("Practitioner/{}", c.practitioner_id), "display": c.display},
                {"reference": format!("PractitionerRole/{}", c.role_id), "display": c.display},
                {"reference": format!("Location/{}", site.map_or("", |s| s.loc_id.as_str()))}
            ],
            "planningHorizon": {"start": ctx.as_of.iso(), "end": ctx.as_of.plus(90).iso()},
            "comment": format!("Appointments with {} at {site_name}", c.display)
        }));
    }
    out
}

/// Escape text for an XHTML narrative.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

const INDUSTRIES: &[&str] = &[
    "Logistics",
    "Software",
    "Schools",
    "Builders",
    "Foods",
    "Manufacturing",
    "Credit Union",
    "Hospitality",
    "Transit",
    "Engineering",
    "Retail",
    "County Government",
];

/// The name, town (and its index) of employer group `index`, and the generator to go on with.
pub fn employer(
    seed: u64,
    region: &str,
    geo: &Geography,
    index: u64,
) -> (String, String, usize, Rng) {
    let mut rng = Rng::new(&[seed, label("employer"), label(region), index]);
    let town_i = rng.below(geo.towns.len().max(1) as u64) as usize;
    let town = geo.towns.get(town_i).cloned().unwrap_or_default();
    let industry = rng.pick(INDUSTRIES).copied().unwrap_or("Services");
    (format!("{town} {industry}"), town, town_i, rng)
}

/// An employer group that buys coverage for its employees: the Organization an X12 834 names
/// by its group number (REF*38 / REF*1L, `urn:wellspring:employer-group`). Its own open
/// enrollment (ENR-10) lives in coverage settings. The region identifier says which region's
/// plans its 834 files name.
pub fn employer_group(ctx: &SharedContext<'_>, index: u64, number: &str) -> Value {
    let (name, town, town_i, mut rng) = employer(ctx.seed, ctx.region, ctx.geo, index);
    json!({
        "resourceType": "Organization",
        "id": format!("{}-emp-{:05}", ctx.region, index + 10),
        "identifier": [
            {"use": "official", "system": "urn:wellspring:employer-group", "value": number},
            {"use": "secondary", "system": "urn:wellspring:region", "value": ctx.region}
        ],
        "active": true,
        "type": [org_type("bus", "Non-Healthcare Business or Corporation")],
        "name": name,
        "telecom": [{"system": "phone", "value": ctx.geo.phone(&mut rng), "use": "work"}],
        "address": [{"use": "work", "type": "both", "line": [format!("{} Commerce Way", rng.range(10, 990))], "city": town, "state": ctx.geo.state, "postalCode": ctx.geo.postal_code(town_i), "country": "US"}]
    })
}
