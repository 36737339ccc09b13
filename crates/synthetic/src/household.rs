//! Households: who lives together, their ages, names, address, plan, coverage history and the
//! long-term health profile of each member. A household is a pure function of the seed and its
//! index (plus the running member number), so it can be rebuilt without emitting anything —
//! [`crate::demo_members`] and later generators (portal accounts, proxies, consents) rely on it.

use crate::World;
use crate::coverage::PlanKind;
use crate::date::Day;
use crate::names::HeritageNames;
use crate::rng::{Rng, label};
use crate::terminology::{ALL_CHRONIC, ALLERGIES, Chronic};

/// A member's place in the household's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// The subscriber.
    Subscriber,
    Spouse,
    Child,
}

impl Relationship {
    /// `http://terminology.hl7.org/CodeSystem/subscriber-relationship` code and display.
    pub fn code(self) -> (&'static str, &'static str) {
        match self {
            Relationship::Subscriber => ("self", "Self"),
            Relationship::Spouse => ("spouse", "Spouse"),
            Relationship::Child => ("child", "Child"),
        }
    }
}

/// One enrolment period of a member.
#[derive(Debug, Clone)]
pub struct CoveragePeriod {
    pub id: String,
    pub plan: PlanKind,
    pub start: Day,
    /// Last covered day; `None` while active.
    pub end: Option<Day>,
    pub relationship: Relationship,
    /// Position in `Household::members` of this coverage's subscriber.
    pub subscriber: usize,
}

impl CoveragePeriod {
    pub fn covers(&self, day: Day) -> bool {
        self.start <= day && self.end.is_none_or(|e| day <= e)
    }
}

/// One household member, with everything later parts need to refer to them.
#[derive(Debug, Clone)]
pub struct Member {
    /// Running number of the member in the region (0-based), unique.
    pub number: u64,
    pub patient_id: String,
    pub mrn: String,
    /// Member id printed on the ID card (subscriber's id plus a two-digit suffix).
    pub member_id: String,
    pub given: &'static str,
    pub middle: Option<&'static str>,
    pub family: &'static str,
    pub female: bool,
    pub birth: Day,
    pub relationship: Relationship,
    /// Preferred language (BCP-47 code, display); a second one for bilingual children.
    pub language: (&'static str, &'static str),
    pub other_language: Option<(&'static str, &'static str)>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// Clinician index (into `World::directory.clinicians`) of the primary care physician.
    pub pcp: usize,
    /// Long-term conditions with their onset date, sorted.
    pub chronic: Vec<(Chronic, Day)>,
    /// Indexes into [`ALLERGIES`].
    pub allergies: Vec<usize>,
    /// Coverage history, oldest first, never overlapping.
    pub coverages: Vec<CoveragePeriod>,
    /// Adult body mass index in tenths; for children a weight factor in per mille of median.
    pub bmi_tenths: u32,
    pub height_per_mille: u32,
    /// Declines vaccines (about 2% of children).
    pub declines_vaccines: bool,
}

impl Member {
    pub fn age_on(&self, day: Day) -> i32 {
        self.birth.age_on(day)
    }

    pub fn has(&self, c: Chronic) -> bool {
        self.chronic.iter().any(|(k, _)| *k == c)
    }

    /// "Ana María López".
    pub fn full_name(&self) -> String {
        match self.middle {
            Some(m) => format!("{} {m} {}", self.given, self.family),
            None => format!("{} {}", self.given, self.family),
        }
    }

    /// The coverage in force on `day`.
    pub fn coverage_on(&self, day: Day) -> Option<&CoveragePeriod> {
        self.coverages.iter().find(|c| c.covers(day))
    }

    /// First day of membership.
    pub fn member_since(&self) -> Option<Day> {
        self.coverages.first().map(|c| c.start)
    }
}

#[derive(Debug, Clone)]
pub struct Address {
    pub line: String,
    pub unit: Option<String>,
    pub town: String,
    pub postal_code: String,
}

/// What kind of household this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdKind {
    SingleAdult,
    Couple,
    SingleParent,
    TwoParents,
    SingleSenior,
    SeniorCouple,
    ParentsWithYoungAdults,
}

const KINDS: [(HouseholdKind, u32); 7] = [
    (HouseholdKind::SingleAdult, 150),
    (HouseholdKind::Couple, 150),
    (HouseholdKind::SingleParent, 75),
    (HouseholdKind::TwoParents, 255),
    (HouseholdKind::SingleSenior, 120),
    (HouseholdKind::SeniorCouple, 135),
    (HouseholdKind::ParentsWithYoungAdults, 115),
];

/// A household: the unit the generator emits at once.
#[derive(Debug, Clone)]
pub struct Household {
    pub index: u64,
    pub kind: HouseholdKind,
    pub heritage: usize,
    pub address: Address,
    pub home_phone: String,
    /// Employer group number for commercial coverage.
    pub group: String,
    /// The current product of the subscriber's household (Medicare members each have their
    /// own Medicare Advantage coverage).
    pub plan: PlanKind,
    pub members: Vec<Member>,
    /// Site indexes (into `World::directory.sites`) the household uses.
    pub lab_site: usize,
    pub urgent_site: usize,
    pub hospital_site: usize,
    pub pharmacy_site: usize,
}

impl Household {
    /// A random stream private to this household and `purpose`, so a later generator can draw
    /// numbers without disturbing the core output.
    pub fn rng(&self, seed: u64, purpose: &str) -> Rng {
        Rng::new(&[seed, label(purpose), self.index])
    }

    pub fn subscriber(&self) -> Option<&Member> {
        self.members.first()
    }
}

/// Senior age buckets (65+): weights per 5-year band.
const SENIOR_BANDS: [(i32, i32, u32); 6] = [
    (65, 69, 30),
    (70, 74, 27),
    (75, 79, 20),
    (80, 84, 12),
    (85, 89, 7),
    (90, 97, 4),
];

fn senior_age(rng: &mut Rng) -> i32 {
    let weights: Vec<u32> = SENIOR_BANDS.iter().map(|b| b.2).collect();
    let (lo, hi, _) = SENIOR_BANDS[rng.weighted(&weights).min(SENIOR_BANDS.len() - 1)];
    rng.range(i64::from(lo), i64::from(hi)) as i32
}

struct Draft {
    age: i32,
    female: bool,
    relationship: Relationship,
}

/// Build household `index`, whose first member gets number `first_number`. At most
/// `max_members` members are kept (the last household of a region may be cut short).
pub fn build(world: &World, index: u64, first_number: u64, max_members: u64) -> Household {
    let seed = world.seed;
    let mut rng = Rng::new(&[seed, label("household"), index]);
    let as_of = world.as_of;
    let weights: Vec<u32> = KINDS.iter().map(|k| k.1).collect();
    let kind = KINDS[rng.weighted(&weights).min(KINDS.len() - 1)].0;

    // Who lives here.
    let mut drafts: Vec<Draft> = Vec::new();
    let sub_female = rng.chance(0.52);
    let spouse_female = |rng: &mut Rng| {
        if rng.chance(0.95) {
            !sub_female
        } else {
            sub_female
        }
    };
    let kid_count = |rng: &mut Rng| 1 + rng.weighted(&[35, 40, 17, 6, 2]) as i32;
    match kind {
        HouseholdKind::SingleAdult => {
            let age = if rng.chance(0.1) {
                rng.range(18, 21)
            } else {
                rng.range(22, 64)
            } as i32;
            drafts.push(Draft {
                age,
                female: sub_female,
                relationship: Relationship::Subscriber,
            });
        }
        HouseholdKind::Couple => {
            let age = rng.range(22, 64) as i32;
            drafts.push(Draft {
                age,
                female: sub_female,
                relationship: Relationship::Subscriber,
            });
            drafts.push(Draft {
                age: (age + rng.range(-6, 6) as i32).clamp(20, 64),
                female: spouse_female(&mut rng),
                relationship: Relationship::Spouse,
            });
        }
        HouseholdKind::SingleParent | HouseholdKind::TwoParents => {
            // Children first (ages spread evenly), then parents old enough to have them.
            let kids: Vec<i32> = (0..kid_count(&mut rng))
                .map(|_| rng.range(0, 21) as i32)
                .collect();
            let oldest = kids.iter().copied().max().unwrap_or(0);
            let age = (rng.range(25, 50) as i32)
                .max(oldest + rng.range(20, 38) as i32)
                .min(64);
            drafts.push(Draft {
                age,
                female: if kind == HouseholdKind::SingleParent {
                    rng.chance(0.8)
                } else {
                    sub_female
                },
                relationship: Relationship::Subscriber,
            });
            if kind == HouseholdKind::TwoParents {
                drafts.push(Draft {
                    age: (age + rng.range(-5, 5) as i32).clamp(20, 64),
                    female: spouse_female(&mut rng),
                    relationship: Relationship::Spouse,
                });
            }
            for kid_age in kids {
                drafts.push(Draft {
                    age: kid_age,
                    female: rng.chance(0.49),
                    relationship: Relationship::Child,
                });
            }
        }
        HouseholdKind::ParentsWithYoungAdults => {
            let age = rng.range(44, 64) as i32;
            drafts.push(Draft {
                age,
                female: sub_female,
                relationship: Relationship::Subscriber,
            });
            if rng.chance(0.6) {
                drafts.push(Draft {
                    age: (age + rng.range(-5, 5) as i32).clamp(40, 64),
                    female: spouse_female(&mut rng),
                    relationship: Relationship::Spouse,
                });
            }
            for _ in 0..(1 + rng.weighted(&[60, 30, 10])) {
                drafts.push(Draft {
                    age: rng.range(18, 25) as i32,
                    female: rng.chance(0.49),
                    relationship: Relationship::Child,
                });
            }
        }
        HouseholdKind::SingleSenior => drafts.push(Draft {
            age: senior_age(&mut rng),
            female: rng.chance(0.6),
            relationship: Relationship::Subscriber,
        }),
        HouseholdKind::SeniorCouple => {
            let age = senior_age(&mut rng);
            drafts.push(Draft {
                age,
                female: sub_female,
                relationship: Relationship::Subscriber,
            });
            drafts.push(Draft {
                age: (age + rng.range(-5, 5) as i32).max(65),
                female: spouse_female(&mut rng),
                relationship: Relationship::Spouse,
            });
        }
    }
    // Oldest children first reads naturally; keep the subscriber and spouse in front.
    if drafts.len() > 2 {
        let start = drafts
            .iter()
            .position(|d| d.relationship == Relationship::Child)
            .unwrap_or(drafts.len());
        drafts[start..].sort_by_key(|d| std::cmp::Reverse(d.age));
    }
    drafts.truncate(max_members.min(drafts.len() as u64) as usize);

    let senior = matches!(
        kind,
        HouseholdKind::SingleSenior | HouseholdKind::SeniorCouple
    );
    let medicaid = !senior
        && rng.chance(match kind {
            HouseholdKind::SingleParent => 0.35,
            HouseholdKind::TwoParents => 0.12,
            _ => 0.09,
        });
    let plan = if senior {
        PlanKind::MedicareAdvantage
    } else if medicaid {
        PlanKind::Medicaid
    } else if rng.chance(0.56) {
        PlanKind::TraditionalHmo
    } else {
        PlanKind::DeductibleHmo
    };

    // Names, language and address.
    let book = &world.names;
    let heritage = rng
        .weighted(&book.weights)
        .min(book.heritages.len().saturating_sub(1));
    let h = &book.heritages[heritage];
    let general = &book.heritages[0];
    let family = rng.pick(&h.family).copied().unwrap_or("Smith");
    let lang = match h.language {
        Some(l) if rng.below(1000) < u64::from(h.language_per_mille) => Some(l),
        _ => None,
    };
    let town_i = rng.below(world.geo.towns.len().min(14) as u64) as usize;
    let street = rng.pick(&book.streets).copied().unwrap_or("Main");
    let kind_word = rng
        .pick(crate::names::STREET_KINDS)
        .copied()
        .unwrap_or("St");
    let address = Address {
        line: format!("{} {street} {kind_word}", rng.range(100, 9899)),
        unit: rng.chance(0.25).then(|| {
            format!(
                "Apt {}{}",
                rng.range(1, 30),
                ["A", "B", "C", "D"][rng.below(4) as usize]
            )
        }),
        town: world.geo.towns.get(town_i).cloned().unwrap_or_default(),
        postal_code: world.geo.postal_code(town_i),
    };
    let home_phone = world.geo.phone(&mut rng);
    let group = match plan {
        PlanKind::TraditionalHmo | PlanKind::DeductibleHmo => {
            world.group_number(rng.below(world.employer_groups))
        }
        PlanKind::MedicareAdvantage => "MA-INDIVIDUAL".to_owned(),
        PlanKind::Medicaid => "MEDICAID".to_owned(),
    };

    // Membership start (1st of a month), no earlier than the subscriber's 18th birthday.
    let years_ago = match rng.weighted(&[10, 20, 30, 25, 15]) {
        0 => rng.range(0, 364),
        1 => rng.range(365, 3 * 365),
        2 => rng.range(3 * 365, 8 * 365),
        3 => rng.range(8 * 365, 15 * 365),
        _ => rng.range(15 * 365, 25 * 365),
    } as i32;
    let sub_birth = birth_for_age(&mut rng, as_of, drafts.first().map_or(30, |d| d.age));
    let mut member_since = as_of.plus(-years_ago - 1).month_start_plus(0);
    let adult = sub_birth.add_years(18).month_start_plus(1);
    if member_since < adult {
        member_since = adult;
    }
    if member_since > as_of.plus(-1) {
        member_since = as_of.month_start_plus(0);
    }
    // A past change of product at a January 1st (employer change, Medicaid to commercial, ...).
    let switch = if !senior && rng.chance(0.3) {
        let first = member_since.year() + 1;
        let last = as_of.year();
        (first <= last).then(|| {
            let y = rng.range(i64::from(first), i64::from(last)) as i32;
            let previous = match plan {
                PlanKind::Medicaid => PlanKind::TraditionalHmo,
                PlanKind::TraditionalHmo if rng.chance(0.3) => PlanKind::Medicaid,
                PlanKind::TraditionalHmo => PlanKind::DeductibleHmo,
                _ if rng.chance(0.3) => PlanKind::Medicaid,
                _ => PlanKind::TraditionalHmo,
            };
            (Day::from_ymd(y, 1, 1), previous)
        })
    } else {
        None
    };
    let pre_medicare_plan = if rng.chance(0.55) {
        PlanKind::TraditionalHmo
    } else {
        PlanKind::DeductibleHmo
    };

    let dir = &world.directory;
    let region_upper = &world.mrn_prefix;
    let mut members = Vec::with_capacity(drafts.len());
    for (pos, d) in drafts.iter().enumerate() {
        let number = first_number + pos as u64;
        let mut mrng = Rng::new(&[seed, label("member"), number]);
        let birth = if pos == 0 {
            sub_birth
        } else {
            birth_for_age(&mut mrng, as_of, d.age)
        };
        let age = birth.age_on(as_of);
        let is_child = d.relationship == Relationship::Child;
        let names_from: &HeritageNames = if is_child && heritage != 0 && mrng.chance(0.3) {
            general
        } else {
            h
        };
        let given = mrng
            .pick(if d.female {
                &names_from.female
            } else {
                &names_from.male
            })
            .copied()
            .unwrap_or("Alex");
        let middle = mrng
            .chance(0.35)
            .then(|| {
                mrng.pick(if d.female {
                    &general.female
                } else {
                    &general.male
                })
                .copied()
            })
            .flatten()
            .filter(|m| *m != given);
        let member_family = if d.relationship == Relationship::Spouse && mrng.chance(0.2) {
            mrng.pick(&h.family).copied().unwrap_or(family)
        } else {
            family
        };
        let (language, other_language) = match lang {
            Some(l) if is_child && age < 18 => (("en", "English"), Some(l)),
            Some(l) => (l, mrng.chance(0.5).then_some(("en", "English"))),
            None => (("en", "English"), None),
        };
        let mobile = (age >= 13).then(|| world.geo.phone(&mut mrng));
        let email = (age >= 13 && mrng.chance(0.85)).then(|| {
            format!(
                "{}.{}{}@example.com",
                ascii_lower(given),
                ascii_lower(member_family),
                number % 1000
            )
        });
        // Primary care: pediatrics for children, family or internal medicine for adults.
        let pcp_list = if age < 18 {
            &dir.pediatrics
        } else if age >= 60 && mrng.chance(0.6) || age >= 40 && mrng.chance(0.35) {
            &dir.internal_medicine
        } else {
            &dir.family_medicine
        };
        let pcp = mrng.pick(pcp_list).copied().unwrap_or(0);

        // Long-term conditions (obesity first: it raises diabetes and hypertension risk).
        let mut chronic: Vec<(Chronic, Day)> = Vec::new();
        let obese =
            mrng.below(1000) < u64::from(Chronic::Obesity.prevalence_per_mille(age, d.female));
        for c in ALL_CHRONIC {
            let base = u64::from(c.prevalence_per_mille(age, d.female));
            let p = match c {
                Chronic::Obesity => {
                    if !obese {
                        continue;
                    }
                    1000
                }
                Chronic::Diabetes if obese => base * 18 / 10,
                Chronic::Diabetes => base * 65 / 100,
                Chronic::Hypertension if obese => base * 14 / 10,
                Chronic::Hypertension => base * 83 / 100,
                _ => base,
            };
            if mrng.below(1000) < p {
                let earliest = c.earliest_onset_age().min(age);
                let onset_age = mrng.range(i64::from(earliest), i64::from(age)) as i32;
                let mut onset = birth.add_years(onset_age).plus(mrng.range(0, 300) as i32);
                if onset >= as_of {
                    onset = as_of.plus(-(mrng.range(2, 60) as i32));
                }
                if onset <= birth {
                    onset = birth.plus(30);
                }
                chronic.push((*c, onset));
            }
        }
        let mut allergies = Vec::new();
        if mrng.chance(0.2) {
            let w: Vec<u32> = ALLERGIES.iter().map(|a| a.weight).collect();
            allergies.push(mrng.weighted(&w));
            if mrng.chance(0.15) {
                let second = mrng.weighted(&w);
                if !allergies.contains(&second) {
                    allergies.push(second);
                }
            }
        }
        let bmi_tenths = if age >= 18 {
            if obese {
                mrng.range(300, 420) as u32
            } else {
                mrng.normal(255.0, 28.0).clamp(185.0, 299.0) as u32
            }
        } else if obese {
            mrng.range(1250, 1450) as u32
        } else {
            mrng.normal(1000.0, 90.0).clamp(800.0, 1180.0) as u32
        };
        let height_per_mille = mrng.normal(1000.0, 38.0).clamp(900.0, 1100.0) as u32;

        // Coverage history.
        let earliest = if is_child { birth } else { birth.add_years(18) };
        let joined = if earliest > member_since {
            earliest
        } else {
            member_since
        };
        let mut segments: Vec<(Day, Option<Day>, PlanKind, Relationship, usize)> = Vec::new();
        if senior {
            // Aging in: Medicare Advantage from the 1st of the 65th-birthday month (the month
            // before when born on the 1st, ENR-15); a commercial plan before that.
            let b65 = birth.add_years(65);
            let ma_start = if b65.ymd().2 == 1 {
                b65.month_start_plus(-1)
            } else {
                b65.month_start_plus(0)
            };
            if joined < ma_start {
                segments.push((
                    joined,
                    Some(ma_start.plus(-1)),
                    pre_medicare_plan,
                    Relationship::Subscriber,
                    pos,
                ));
                segments.push((
                    ma_start,
                    None,
                    PlanKind::MedicareAdvantage,
                    Relationship::Subscriber,
                    pos,
                ));
            } else {
                segments.push((
                    joined,
                    None,
                    PlanKind::MedicareAdvantage,
                    Relationship::Subscriber,
                    pos,
                ));
            }
        } else {
            match switch {
                Some((at, previous)) if joined < at => {
                    segments.push((joined, Some(at.plus(-1)), previous, d.relationship, 0));
                    segments.push((at, None, plan, d.relationship, 0));
                }
                _ => segments.push((joined, None, plan, d.relationship, 0)),
            }
        }
        let coverages = segments
            .into_iter()
            .enumerate()
            .map(
                |(k, (start, end, plan, relationship, subscriber))| CoveragePeriod {
                    id: format!("{}-cov-{:06}-{}", world.region, number, k + 1),
                    plan,
                    start,
                    end,
                    relationship,
                    subscriber,
                },
            )
            .collect();

        members.push(Member {
            number,
            patient_id: format!("{}-pat-{number:06}", world.region),
            mrn: mrn(region_upper, number),
            member_id: format!("{region_upper}{:07}-{:02}", index + 1, pos + 1),
            given,
            middle,
            family: member_family,
            female: d.female,
            birth,
            relationship: d.relationship,
            language,
            other_language,
            mobile,
            email,
            pcp,
            chronic,
            allergies,
            coverages,
            bmi_tenths,
            height_per_mille,
            declines_vaccines: age < 18 && mrng.chance(0.02),
        });
    }
    let pick = |list: &[usize], salt: u64| -> usize {
        if list.is_empty() {
            0
        } else {
            list[((index + salt) % list.len() as u64) as usize]
        }
    };
    Household {
        index,
        kind,
        heritage,
        address,
        home_phone,
        group,
        plan,
        members,
        lab_site: pick(&dir.lab_sites, 0),
        urgent_site: pick(&dir.urgent_cares, 1),
        hospital_site: pick(&dir.hospitals, 2),
        pharmacy_site: pick(&dir.pharmacies, 3),
    }
}

/// A birth date giving exactly `age` on `as_of`.
fn birth_for_age(rng: &mut Rng, as_of: Day, age: i32) -> Day {
    // The day after the (age+1)-th birthday-anniversary before as_of, plus 0..364 days.
    let earliest = as_of.add_years(-(age + 1)).plus(1);
    let latest = as_of.add_years(-age);
    let span = (latest.0 - earliest.0).max(0);
    let mut b = earliest.plus(rng.range(0, i64::from(span)) as i32);
    if b >= as_of {
        b = as_of.plus(-1);
    }
    b
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Medical record number: region prefix, 8 digits, and a Luhn check digit.
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
