//! Deterministic synthetic population for Wellspring.
//!
//! [`generate`] streams one region as FHIR R4 resources (JSON values): first the shared
//! resources — the organisation, its facilities ([`directory`]), practitioners with their roles
//! and schedules, and the plans ([`coverage`]) — then household by household ([`household`]):
//! each member's Patient, the RelatedPerson links of children, the Coverage history, and the
//! clinical and billing history ([`records`]). Every resource is emitted exactly once and every
//! reference points to a resource of the same run.
//!
//! # Determinism
//! The output is a pure function of [`SeedConfig`]: the same config gives byte-identical
//! `serde_json::to_string` output on any machine. Randomness comes from our own xoshiro256**
//! ([`rng`]), with one independent stream per household, member and purpose; there is no
//! `HashMap` iteration, no clock, no time-zone database, and numbers are built from integers
//! (floating point only through exactly rounded `+ * /`).
//!
//! # Memory
//! The generator holds the shared directory (sized by the member count, a few thousand values
//! for a million members) and one [`Household`] at a time; nothing per member survives a
//! household.
//!
//! # Extending: adding a part
//! Later capabilities (portal accounts, proxy relationships, consents) plug in as a [`Part`]:
//! it is called once after the shared resources and once after each household's own resources,
//! with the [`World`] (directory, plans, geography) and the [`Household`] (members with their
//! patient ids, MRNs, ages, relationships, contact details, coverage). A part emits through the
//! same [`Emitter`], so its resources are counted in the [`Summary`]. It must draw random numbers
//! from its own stream ([`Household::rng`] with its own purpose string) so adding it never
//! changes what the core emits. Run it with [`generate_with`]:
//!
//! ```
//! use ws_synthetic::{Emitter, Household, Part, SeedConfig, World, generate_with};
//!
//! struct Accounts;
//! impl<E> Part<E> for Accounts {
//!     fn household(&mut self, world: &World, hh: &Household, out: &mut Emitter<'_, E>) -> Result<(), E> {
//!         let mut rng = hh.rng(world.seed, "accounts");
//!         for m in hh.members.iter().filter(|m| m.age_on(world.as_of) >= 13) {
//!             if rng.chance(0.6) {
//!                 out.emit(serde_json::json!({
//!                     "resourceType": "Person",
//!                     "id": format!("{}-acct", m.patient_id),
//!                     "link": [{"target": {"reference": format!("Patient/{}", m.patient_id)}}]
//!                 }))?;
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let cfg = SeedConfig::new(20, 1);
//! let mut n = 0;
//! let summary = generate_with(&cfg, &mut [&mut Accounts], &mut |_v| {
//!     n += 1;
//!     Ok::<(), ()>(())
//! })
//! .unwrap_or_default();
//! assert_eq!(summary.resources, n);
//! ```

pub mod coverage;
pub mod date;
pub mod directory;
pub mod household;
pub mod jsonv;
pub mod names;
pub mod portal;
pub mod records;
pub mod rng;
pub mod terminology;

use std::collections::BTreeMap;

use serde_json::Value;

pub use coverage::{Plan, PlanKind};
pub use date::Day;
pub use directory::{Directory, Geography};
pub use household::{Household, Member, Relationship};
use names::NameBook;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    /// Number of members (patients) in the region.
    pub members: u64,
    pub seed: u64,
    /// Short region code ("north"), used in ids, the MRN prefix and organisation names.
    pub region: String,
    /// The "today" of the generated world: nothing happens after it.
    pub as_of: jiff::civil::Date,
}

/// The default "today" of generated worlds.
pub const DEFAULT_AS_OF: (i16, i8, i8) = (2026, 11, 1);

impl SeedConfig {
    /// Region "north", as of [`DEFAULT_AS_OF`].
    pub fn new(members: u64, seed: u64) -> Self {
        let (y, m, d) = DEFAULT_AS_OF;
        SeedConfig {
            members,
            seed,
            region: "north".to_owned(),
            as_of: jiff::civil::Date::new(y, m, d).unwrap_or_default(),
        }
    }
}

/// Counts of what was generated.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub members: u64,
    pub households: u64,
    pub resources: u64,
    pub by_type: BTreeMap<String, u64>,
}

/// Everything shared by the households of a region: configuration, names, geography, the
/// care-delivery directory and the plans.
pub struct World {
    pub seed: u64,
    pub members: u64,
    /// Sanitised region code used in ids.
    pub region: String,
    /// "North".
    pub region_title: String,
    /// Upper-case prefix of MRNs and member ids ("NOR").
    pub mrn_prefix: String,
    /// MRN identifier system, `urn:wellspring:mrn:<region>`.
    pub mrn_system: String,
    pub as_of: Day,
    pub zone: date::Zone,
    pub geo: Geography,
    pub names: NameBook,
    pub directory: Directory,
    pub plans: Vec<Plan>,
    pub root_org_id: String,
    pub group_org_id: String,
    pub hospital_org_id: String,
    pub root_phone: String,
    /// Number of employer groups commercial households are spread over.
    pub employer_groups: u64,
}

impl World {
    pub fn new(cfg: &SeedConfig) -> World {
        let region = sanitize_region(&cfg.region);
        let region_title = title_case(&region);
        let mrn_prefix: String = region
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase();
        let mrn_prefix = if mrn_prefix.is_empty() {
            "WS".to_owned()
        } else {
            mrn_prefix
        };
        let as_of = Day::from_ymd(
            i32::from(cfg.as_of.year()),
            cfg.as_of.month() as u32,
            cfg.as_of.day() as u32,
        );
        let geo = Geography::new(&region, cfg.seed);
        let names = NameBook::new();
        let root_org_id = format!("{region}-org-plan");
        let group_org_id = format!("{region}-org-group");
        let hospital_org_id = format!("{region}-org-hospitals");
        let directory = Directory::build(&directory::DirectoryInput {
            region: &region,
            region_title: &region_title,
            seed: cfg.seed,
            members: cfg.members,
            names: &names,
            geo: &geo,
            root_org_id: &root_org_id,
            group_org_id: &group_org_id,
        });
        let plans = Plan::all(&region, &region_title);
        let mut rng = rng::Rng::new(&[cfg.seed, rng::label("world")]);
        let root_phone = geo.phone(&mut rng);
        World {
            seed: cfg.seed,
            members: cfg.members,
            mrn_system: format!("urn:wellspring:mrn:{region}"),
            region,
            region_title,
            mrn_prefix,
            as_of,
            zone: date::Zone {
                standard: geo.standard_offset,
                dst: geo.dst,
            },
            geo,
            names,
            directory,
            plans,
            root_org_id,
            group_org_id,
            hospital_org_id,
            root_phone,
            employer_groups: (cfg.members / 400).clamp(5, 5_000),
        }
    }

    /// Employer group number `i` (0-based) of the region: unique across regions, because
    /// an 834 names its group by number alone ("NOR00010").
    pub fn group_number(&self, i: u64) -> String {
        format!("{}{:05}", self.mrn_prefix, 10 + i)
    }

    pub fn plan(&self, kind: PlanKind) -> Option<&Plan> {
        self.plans.iter().find(|p| p.kind == kind)
    }

    /// Emit the shared resources (organisations, facilities, clinicians, plans), streaming.
    fn emit_shared<E>(&self, out: &mut Emitter<'_, E>) -> Result<(), E> {
        let ctx = directory::SharedContext {
            region: &self.region,
            region_title: &self.region_title,
            geo: &self.geo,
            root_org_id: &self.root_org_id,
            group_org_id: &self.group_org_id,
            hospital_org_id: &self.hospital_org_id,
            root_phone: &self.root_phone,
            as_of: self.as_of,
            seed: self.seed,
        };
        for r in directory::organisations(&ctx) {
            out.emit(r)?;
        }
        for site in &self.directory.sites {
            for r in directory::site_resources(&ctx, &self.directory, site) {
                out.emit(r)?;
            }
        }
        for (i, c) in self.directory.clinicians.iter().enumerate() {
            for r in directory::clinician_resources(&ctx, &self.directory, c, i) {
                out.emit(r)?;
            }
        }
        for i in 0..self.employer_groups {
            out.emit(directory::employer_group(&ctx, i, &self.group_number(i)))?;
        }
        for plan in &self.plans {
            out.emit(plan.resource(&self.root_org_id, self.as_of.year()))?;
        }
        Ok(())
    }

    /// The households of the region, in order (rebuilt on demand; nothing is emitted).
    pub fn households(&self) -> Households<'_> {
        Households {
            world: self,
            next_index: 0,
            next_number: 0,
        }
    }
}

/// Iterator over the households of a [`World`].
pub struct Households<'a> {
    world: &'a World,
    next_index: u64,
    next_number: u64,
}

impl Iterator for Households<'_> {
    type Item = Household;

    fn next(&mut self) -> Option<Household> {
        let left = self.world.members.saturating_sub(self.next_number);
        if left == 0 {
            return None;
        }
        let hh = household::build(self.world, self.next_index, self.next_number, left);
        self.next_index += 1;
        self.next_number += hh.members.len() as u64;
        Some(hh)
    }
}

fn sanitize_region(region: &str) -> String {
    let s: String = region
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "region".to_owned() } else { s }
}

fn title_case(s: &str) -> String {
    s.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where generated resources go; counts them for the [`Summary`].
pub struct Emitter<'a, E> {
    sink: &'a mut dyn FnMut(Value) -> Result<(), E>,
    counts: Vec<u64>,
    resources: u64,
}

impl<'a, E> Emitter<'a, E> {
    fn new(sink: &'a mut dyn FnMut(Value) -> Result<(), E>) -> Self {
        Emitter {
            sink,
            counts: vec![0; ws_fhir::validate::RESOURCE_TYPES.len() + 1],
            resources: 0,
        }
    }

    /// Emit one resource.
    pub fn emit(&mut self, resource: Value) -> Result<(), E> {
        let slot = resource
            .get("resourceType")
            .and_then(Value::as_str)
            .and_then(|t| ws_fhir::validate::RESOURCE_TYPES.binary_search(&t).ok())
            .unwrap_or(ws_fhir::validate::RESOURCE_TYPES.len());
        if let Some(c) = self.counts.get_mut(slot) {
            *c += 1;
        }
        self.resources += 1;
        (self.sink)(resource)
    }

    /// Resources emitted so far.
    pub fn count(&self) -> u64 {
        self.resources
    }

    fn by_type(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (i, n) in self.counts.iter().enumerate() {
            if *n > 0 {
                let name = ws_fhir::validate::RESOURCE_TYPES
                    .get(i)
                    .copied()
                    .unwrap_or("Unknown");
                out.insert(name.to_owned(), *n);
            }
        }
        out
    }
}

/// A generator of extra resources that plugs into the region (see the crate docs).
pub trait Part<E> {
    /// Called once, after the core shared resources.
    fn shared(&mut self, _world: &World, _out: &mut Emitter<'_, E>) -> Result<(), E> {
        Ok(())
    }

    /// Called once per household, after the core resources of that household.
    fn household(
        &mut self,
        world: &World,
        hh: &Household,
        out: &mut Emitter<'_, E>,
    ) -> Result<(), E>;
}

/// Stream the whole region, shared resources first (organisations, locations, services,
/// practitioners, roles, schedules, plans), then household by household, each resource exactly
/// once, via `emit`. Memory stays flat as `members` grows (shared resources + one household).
pub fn generate<E>(
    cfg: &SeedConfig,
    emit: &mut dyn FnMut(Value) -> Result<(), E>,
) -> Result<Summary, E> {
    generate_with(cfg, &mut [], emit)
}

/// [`generate`] with extra [`Part`]s run after the core shared resources and after each
/// household.
pub fn generate_with<E>(
    cfg: &SeedConfig,
    parts: &mut [&mut dyn Part<E>],
    emit: &mut dyn FnMut(Value) -> Result<(), E>,
) -> Result<Summary, E> {
    let world = World::new(cfg);
    let mut out = Emitter::new(emit);
    world.emit_shared(&mut out)?;
    for p in parts.iter_mut() {
        p.shared(&world, &mut out)?;
    }
    let mut summary = Summary::default();
    for hh in world.households() {
        records::emit_household(&world, &hh, &mut out)?;
        for p in parts.iter_mut() {
            p.household(&world, &hh, &mut out)?;
        }
        summary.households += 1;
        summary.members += hh.members.len() as u64;
    }
    summary.resources = out.count();
    summary.by_type = out.by_type();
    Ok(summary)
}

/// A generated member to show in the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    pub patient_id: String,
    pub mrn: String,
    pub name: String,
    pub birth_date: String,
    pub kind: String,
}

/// A few generated members of different kinds for the demo: an adult with a chronic
/// condition, a parent of a teen and a young child (and those two children), and a Medicare
/// member. Deterministic for the config; re-runs the household logic without emitting.
pub fn demo_members(cfg: &SeedConfig) -> Vec<DemoMember> {
    use terminology::Chronic;
    let world = World::new(cfg);
    let as_of = world.as_of;
    let plan_name = |m: &Member| -> &str {
        m.coverage_on(as_of)
            .and_then(|c| world.plan(c.plan))
            .map_or("no current coverage", |p| p.plan_type)
    };
    let demo = |m: &Member, kind: String| DemoMember {
        patient_id: m.patient_id.clone(),
        mrn: m.mrn.clone(),
        name: m.full_name(),
        birth_date: m.birth.iso(),
        kind,
    };
    let mut chronic_adult: Option<DemoMember> = None;
    let mut family: Option<Vec<DemoMember>> = None;
    let mut medicare: Option<DemoMember> = None;
    let mut any_medicare: Option<DemoMember> = None;
    for hh in world.households().take(20_000) {
        if chronic_adult.is_none()
            && let Some(m) = hh.members.iter().find(|m| {
                let age = m.age_on(as_of);
                (30..65).contains(&age) && m.has(Chronic::Diabetes) && m.has(Chronic::Hypertension)
            })
        {
            chronic_adult = Some(demo(
                m,
                format!(
                    "Adult, {}, with type 2 diabetes and hypertension (on {})",
                    m.age_on(as_of),
                    plan_name(m)
                ),
            ));
        }
        if family.is_none() {
            let teen = hh.members.iter().find(|m| {
                m.relationship == Relationship::Child && (13..18).contains(&m.age_on(as_of))
            });
            let young = hh
                .members
                .iter()
                .find(|m| m.relationship == Relationship::Child && m.age_on(as_of) < 12);
            if let (Some(parent), Some(teen), Some(young)) = (hh.subscriber(), teen, young) {
                family = Some(vec![
                    demo(
                        parent,
                        format!(
                            "Parent, {}, subscriber for a teen and a young child (on {})",
                            parent.age_on(as_of),
                            plan_name(parent)
                        ),
                    ),
                    demo(
                        teen,
                        format!(
                            "Teen, {}, child of {} (limited parent proxy age)",
                            teen.age_on(as_of),
                            parent.full_name()
                        ),
                    ),
                    demo(
                        young,
                        format!(
                            "Child, {}, child of {} (full parent proxy age)",
                            young.age_on(as_of),
                            parent.full_name()
                        ),
                    ),
                ]);
            }
        }
        if medicare.is_none()
            && let Some(m) = hh.members.iter().find(|m| {
                m.coverage_on(as_of)
                    .is_some_and(|c| c.plan == PlanKind::MedicareAdvantage)
                    && m.coverages.len() > 1
            })
        {
            medicare = Some(demo(
                m,
                format!(
                    "Medicare Advantage member, {}, aged in from a commercial plan",
                    m.age_on(as_of)
                ),
            ));
        }
        if any_medicare.is_none()
            && let Some(m) = hh.members.iter().find(|m| {
                m.coverage_on(as_of)
                    .is_some_and(|c| c.plan == PlanKind::MedicareAdvantage)
            })
        {
            any_medicare = Some(demo(
                m,
                format!("Medicare Advantage member, {}", m.age_on(as_of)),
            ));
        }
        if chronic_adult.is_some() && family.is_some() && medicare.is_some() {
            break;
        }
    }
    let mut out = Vec::new();
    out.extend(chronic_adult);
    out.extend(family.into_iter().flatten());
    out.extend(medicare.or(any_medicare));
    out
}
