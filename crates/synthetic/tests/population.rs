//! Properties of the generated population: determinism, FHIR validity, referential integrity,
//! clinical and coverage plausibility, distributions, and flat memory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use ws_synthetic::terminology::possible_range;
use ws_synthetic::{SeedConfig, World, demo_members, generate};

/// 128-bit FNV-1a over every serialized line (two 64-bit lanes with different offsets).
#[derive(Clone, Copy)]
struct Fnv128 {
    a: u64,
    b: u64,
}

impl Fnv128 {
    fn new() -> Self {
        Fnv128 {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x6c62_272e_07bb_0142,
        }
    }
    fn write(&mut self, bytes: &[u8]) {
        for &x in bytes {
            self.a = (self.a ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01B3);
            self.b = (self.b ^ u64::from(x.rotate_left(3))).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.a, self.b)
    }
}

fn hash_of(cfg: &SeedConfig) -> (String, u64) {
    let mut h = Fnv128::new();
    let summary = generate(cfg, &mut |v: Value| {
        h.write(serde_json::to_string(&v).unwrap().as_bytes());
        h.write(b"\n");
        Ok::<(), ()>(())
    })
    .unwrap();
    (h.hex(), summary.resources)
}

fn collect(cfg: &SeedConfig) -> Vec<Value> {
    let mut out = Vec::new();
    generate(cfg, &mut |v: Value| {
        out.push(v);
        Ok::<(), ()>(())
    })
    .unwrap();
    out
}

fn rt(v: &Value) -> &str {
    v["resourceType"].as_str().unwrap()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// Every `reference` string anywhere in a value.
fn references<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "reference"
                    && let Value::String(s) = x
                {
                    out.push(s);
                } else {
                    references(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

fn as_of() -> &'static str {
    "2026-11-01"
}

#[test]
fn determinism_same_seed_same_bytes_different_seed_differs() {
    let cfg = SeedConfig::new(300, 42);
    let (a, n) = hash_of(&cfg);
    let (b, m) = hash_of(&cfg);
    assert_eq!(a, b, "same config must give identical output");
    assert_eq!(n, m);
    assert!(n > 300 * 30, "{n} resources for 300 members");
    let (c, _) = hash_of(&SeedConfig::new(300, 43));
    assert_ne!(a, c, "a different seed must give different output");
    let mut other_region = SeedConfig::new(300, 42);
    other_region.region = "south".into();
    assert_ne!(a, hash_of(&other_region).0);
}

#[test]
fn every_resource_is_valid_fhir_and_indexes() {
    let resources = collect(&SeedConfig::new(200, 7));
    let mut problems: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for r in &resources {
        let issues = ws_fhir::validate::validate_resource(r);
        for i in issues {
            let key = format!(
                "{} {}: {}",
                rt(r),
                i.expression.as_deref().unwrap_or(""),
                i.diagnostics
            );
            let e = problems.entry(key).or_insert((0, id(r).to_owned()));
            e.0 += 1;
        }
        let x = ws_fhir::search_params::extract(rt(r), r);
        assert!(x.is_ok(), "{} {}: {:?}", rt(r), id(r), x.err());
        // Patient-scoped resources land in their patient's compartment.
        if matches!(
            rt(r),
            "Condition" | "Observation" | "Encounter" | "Immunization" | "MedicationRequest"
        ) {
            assert!(x.unwrap().compartment.is_some(), "{} {}", rt(r), id(r));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn ids_are_valid_unique_and_every_reference_resolves() {
    let resources = collect(&SeedConfig::new(200, 11));
    let mut known = BTreeSet::new();
    for r in &resources {
        assert!(ws_fhir::validate::is_valid_id(id(r)), "{}", id(r));
        assert!(
            known.insert(format!("{}/{}", rt(r), id(r))),
            "duplicate {}/{}",
            rt(r),
            id(r)
        );
    }
    let mut refs = Vec::new();
    for r in &resources {
        refs.clear();
        references(r, &mut refs);
        for s in &refs {
            assert!(
                known.contains(*s),
                "{} {} -> {s} does not resolve",
                rt(r),
                id(r)
            );
        }
    }
    // Every kind of resource the brief asks for is there.
    let types: BTreeSet<&str> = resources.iter().map(rt).collect();
    for t in [
        "Organization",
        "Location",
        "HealthcareService",
        "Practitioner",
        "PractitionerRole",
        "Schedule",
        "InsurancePlan",
        "Patient",
        "RelatedPerson",
        "Coverage",
        "Condition",
        "AllergyIntolerance",
        "Immunization",
        "Encounter",
        "Observation",
        "DiagnosticReport",
        "MedicationRequest",
        "MedicationDispense",
        "ExplanationOfBenefit",
        "Invoice",
    ] {
        assert!(types.contains(t), "no {t} generated");
    }
}

/// The date part (`YYYY-MM-DD`) of a date or dateTime.
fn day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

#[test]
fn records_are_plausible() {
    let cfg = SeedConfig::new(1_500, 5);
    let world = World::new(&cfg);
    let mut household_of: BTreeMap<String, u64> = BTreeMap::new();
    for hh in world.households() {
        for m in &hh.members {
            household_of.insert(m.patient_id.clone(), hh.index);
        }
    }
    let resources = collect(&cfg);
    let mut birth: BTreeMap<String, String> = BTreeMap::new();
    let mut authored: BTreeMap<String, String> = BTreeMap::new();
    let mut coverages: BTreeMap<String, Vec<(String, Option<String>, String)>> = BTreeMap::new();
    let (mut checked_dates, mut checked_values, mut checked_dispenses) = (0, 0, 0);
    let mut medicare_members = 0;
    for r in &resources {
        let patient = ["subject", "patient", "beneficiary"]
            .iter()
            .find_map(|k| r[*k]["reference"].as_str())
            .and_then(|s| s.strip_prefix("Patient/"))
            .map(str::to_owned);
        match rt(r) {
            "Patient" => {
                birth.insert(
                    id(r).to_owned(),
                    r["birthDate"].as_str().unwrap().to_owned(),
                );
            }
            "MedicationRequest" => {
                authored.insert(
                    id(r).to_owned(),
                    r["authoredOn"].as_str().unwrap().to_owned(),
                );
            }
            "Coverage" => {
                let p = patient.clone().unwrap();
                let start = r["period"]["start"].as_str().unwrap().to_owned();
                let end = r["period"]["end"].as_str().map(str::to_owned);
                let plan = r["class"][0]["value"].as_str().unwrap().to_owned();
                let b = &birth[&p];
                // No pediatric member on Medicare; Medicare members are 65 or older (the
                // coverage starts on the 1st of the month of the 65th birthday at the earliest).
                if plan == "MA-HMO" {
                    medicare_members += 1;
                    let (y, mo, d): (i32, i32, i32) = (
                        b[..4].parse().unwrap(),
                        b[5..7].parse().unwrap(),
                        b[8..10].parse().unwrap(),
                    );
                    // ENR-15: born on the 1st counts as born the month before.
                    let (y65, m65) = if d == 1 {
                        if mo == 1 {
                            (y + 64, 12)
                        } else {
                            (y + 65, mo - 1)
                        }
                    } else {
                        (y + 65, mo)
                    };
                    let earliest = format!("{y65:04}-{m65:02}-01");
                    assert!(start >= earliest, "{p} born {b} on Medicare from {start}");
                    let age_now =
                        as_of()[..4].parse::<i32>().unwrap() - b[..4].parse::<i32>().unwrap();
                    assert!(age_now >= 65, "{p} born {b} on Medicare");
                }
                // The subscriber lives in the same household.
                let sub = r["subscriber"]["reference"]
                    .as_str()
                    .unwrap()
                    .strip_prefix("Patient/")
                    .unwrap();
                assert_eq!(
                    household_of.get(sub),
                    household_of.get(&p),
                    "{} subscriber {sub}",
                    id(r)
                );
                assert!(start.as_str() >= b.as_str(), "coverage before birth");
                assert!(start.as_str() <= as_of());
                coverages.entry(p).or_default().push((start, end, plan));
            }
            _ => {}
        }
        let Some(p) = patient else { continue };
        let Some(b) = birth.get(&p) else {
            panic!("{} {} refers to {p} before the Patient", rt(r), id(r));
        };
        let dates: Vec<&str> = match rt(r) {
            "Encounter" => vec![
                r["period"]["start"].as_str().unwrap(),
                r["period"]["end"].as_str().unwrap(),
            ],
            "Observation" => vec![r["effectiveDateTime"].as_str().unwrap()],
            "DiagnosticReport" => vec![
                r["effectiveDateTime"].as_str().unwrap(),
                r["issued"].as_str().unwrap(),
            ],
            "Condition" => [
                r["onsetDateTime"].as_str(),
                r["recordedDate"].as_str(),
                r["abatementDateTime"].as_str(),
            ]
            .into_iter()
            .flatten()
            .collect(),
            "AllergyIntolerance" => vec![
                r["onsetDateTime"].as_str().unwrap(),
                r["recordedDate"].as_str().unwrap(),
            ],
            "Immunization" => vec![r["occurrenceDateTime"].as_str().unwrap()],
            "MedicationRequest" => vec![r["authoredOn"].as_str().unwrap()],
            "MedicationDispense" => vec![
                r["whenPrepared"].as_str().unwrap(),
                r["whenHandedOver"].as_str().unwrap(),
            ],
            "ExplanationOfBenefit" => vec![r["created"].as_str().unwrap()],
            "Invoice" => vec![r["date"].as_str().unwrap()],
            _ => vec![],
        };
        for d in dates {
            assert!(
                day(d) >= b.as_str(),
                "{} {} dated {d} before birth {b}",
                rt(r),
                id(r)
            );
            assert!(
                day(d) <= as_of(),
                "{} {} dated {d} after as_of",
                rt(r),
                id(r)
            );
            checked_dates += 1;
        }
        if rt(r) == "MedicationDispense" {
            let mr = r["authorizingPrescription"][0]["reference"]
                .as_str()
                .unwrap();
            let written = &authored[mr.strip_prefix("MedicationRequest/").unwrap()];
            // Instants, not just days: prepared after writing, handed over after preparing.
            let instant = |s: &str| ws_fhir::search_params::date_range(s).unwrap().0;
            let prepared = r["whenPrepared"].as_str().unwrap();
            let handed = r["whenHandedOver"].as_str().unwrap();
            assert!(
                instant(prepared) > instant(written) && instant(handed) >= instant(prepared),
                "dispense {} ({prepared}, {handed}) before its prescription ({written})",
                id(r)
            );
            checked_dispenses += 1;
        }
        if rt(r) == "Observation" {
            let mut quantities = vec![(&r["code"], &r["valueQuantity"])];
            if let Some(cs) = r["component"].as_array() {
                quantities.extend(cs.iter().map(|c| (&c["code"], &c["valueQuantity"])));
            }
            for (code, q) in quantities {
                let loinc = code["coding"][0]["code"].as_str().unwrap();
                let Some(value) = q["value"].as_f64() else {
                    continue;
                };
                let (lo, hi) =
                    possible_range(loinc).unwrap_or_else(|| panic!("no range for {loinc}"));
                assert!(
                    (lo..=hi).contains(&value),
                    "{loinc} = {value} outside {lo}..{hi}"
                );
                checked_values += 1;
            }
        }
    }
    // No overlapping coverage periods of one member (all coverage here is medical).
    for (p, mut list) in coverages {
        list.sort();
        for w in list.windows(2) {
            let end = w[0]
                .1
                .as_deref()
                .unwrap_or_else(|| panic!("{p}: open coverage followed by another"));
            assert!(end < w[1].0.as_str(), "{p}: {w:?} overlap");
        }
    }
    assert!(checked_dates > 50_000 && checked_values > 10_000 && checked_dispenses > 1_000);
    assert!(medicare_members > 100);
}

#[test]
fn distributions_have_realistic_shape() {
    let cfg = SeedConfig::new(5_000, 2026);
    let world = World::new(&cfg);
    let as_of = world.as_of;
    let (mut under18, mut adults, mut seniors, mut female, mut teens) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut households = 0u64;
    let mut adult_ids = BTreeSet::new();
    let mut medicare_kids = 0;
    for hh in world.households() {
        households += 1;
        for m in &hh.members {
            let age = m.age_on(as_of);
            match age {
                ..18 => under18 += 1,
                18..=64 => adults += 1,
                _ => seniors += 1,
            }
            if (13..18).contains(&age) {
                teens += 1;
            }
            if age >= 18 {
                adult_ids.insert(m.patient_id.clone());
            }
            if m.female {
                female += 1;
            }
            if age < 18
                && m.coverages
                    .iter()
                    .any(|c| c.plan == ws_synthetic::PlanKind::MedicareAdvantage)
            {
                medicare_kids += 1;
            }
        }
    }
    let n = (under18 + adults + seniors) as f64;
    assert_eq!(n as u64, 5_000);
    assert_eq!(medicare_kids, 0);
    // (what, value, low, high): US-like population and household shape.
    let mean_household = n / households as f64;
    let shares = [
        ("under 18", under18 as f64 / n, 0.18, 0.28),
        ("18-64", adults as f64 / n, 0.55, 0.68),
        ("65+", seniors as f64 / n, 0.12, 0.22),
        ("teens 13-17", teens as f64 / n, 0.04, 0.10),
        ("female", female as f64 / n, 0.47, 0.55),
        ("mean household size", mean_household, 2.3, 2.7),
    ];
    // Condition prevalence from the emitted problem lists.
    let mut with: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let codes = [
        ("hypertension", "59621000"),
        ("diabetes", "44054006"),
        ("asthma", "195967001"),
        ("depression", "35489007"),
    ];
    let mut summary_members = 0;
    let summary = generate(&cfg, &mut |v: Value| {
        if v["resourceType"] == "Condition"
            && v["category"][0]["coding"][0]["code"] == "problem-list-item"
        {
            let code = v["code"]["coding"][0]["code"].as_str().unwrap_or("");
            if let Some((name, _)) = codes.iter().find(|(_, c)| *c == code) {
                let p = v["subject"]["reference"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches("Patient/");
                with.entry(name).or_default().insert(p.to_owned());
            }
        }
        Ok::<(), ()>(())
    })
    .unwrap();
    summary_members += summary.members;
    assert_eq!(summary_members, 5_000);
    assert_eq!(summary.households, households);
    let adult_share = |name: &str| {
        with.get(name)
            .map_or(0, |s| s.iter().filter(|p| adult_ids.contains(*p)).count()) as f64
            / adult_ids.len() as f64
    };
    let all_share = |name: &str| with.get(name).map_or(0, BTreeSet::len) as f64 / n;
    let prevalence = [
        (
            "hypertension (adults)",
            adult_share("hypertension"),
            0.22,
            0.40,
        ),
        ("diabetes (adults)", adult_share("diabetes"), 0.08, 0.16),
        ("asthma (all ages)", all_share("asthma"), 0.055, 0.11),
        ("depression (adults)", adult_share("depression"), 0.06, 0.12),
    ];
    for (what, value, lo, hi) in shares.iter().chain(prevalence.iter()) {
        println!("{what}: {value:.3} (bounds {lo}..{hi})");
        assert!(
            (*lo..=*hi).contains(value),
            "{what} = {value:.3}, expected {lo}..{hi}"
        );
    }
    let per_member = summary.resources as f64 / n;
    println!(
        "resources per member: {per_member:.1}; {:?}",
        summary.by_type
    );
    assert!(
        (50.0..=80.0).contains(&per_member),
        "{per_member} resources per member"
    );
}

#[test]
fn memory_stays_flat_for_a_large_region() {
    // The emit closure keeps nothing; the generator holds only the shared directory and one
    // household (see the crate docs), so this finishes in bounded memory.
    let mut count = 0u64;
    let mut bytes_max = 0usize;
    let summary = generate(&SeedConfig::new(20_000, 99), &mut |v: Value| {
        count += 1;
        // Cheap: a rough size of the value without serializing everything.
        if count.is_multiple_of(997) {
            bytes_max = bytes_max.max(serde_json::to_vec(&v).map_or(0, |b| b.len()));
        }
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(summary.members, 20_000);
    // The only state kept across households is the shared directory, which grows far slower
    // than the membership.
    let world = World::new(&SeedConfig::new(20_000, 99));
    assert!(world.directory.clinicians.len() < 20_000 / 300 + 40);
    assert!(world.directory.sites.len() < 20_000 / 1_000 + 20);
    assert_eq!(summary.resources, count);
    assert!(
        bytes_max < 16 * 1024,
        "a single resource of {bytes_max} bytes"
    );
}

#[test]
fn demo_members_exist_and_are_stable() {
    let cfg = SeedConfig::new(2_000, 3);
    let demo = demo_members(&cfg);
    assert_eq!(demo, demo_members(&cfg));
    assert!(demo.len() >= 5, "{demo:#?}");
    let resources = collect(&cfg);
    let patients: BTreeMap<&str, &Value> = resources
        .iter()
        .filter(|r| rt(r) == "Patient")
        .map(|r| (id(r), r))
        .collect();
    for d in &demo {
        let p = patients
            .get(d.patient_id.as_str())
            .unwrap_or_else(|| panic!("{d:?} not generated"));
        assert_eq!(p["birthDate"], d.birth_date.as_str());
        assert_eq!(p["identifier"][0]["value"], d.mrn.as_str());
        assert_eq!(p["identifier"][0]["system"], "urn:wellspring:mrn:north");
        assert!(!d.kind.is_empty() && !d.name.is_empty());
    }
    let kinds: Vec<&str> = demo.iter().map(|d| d.kind.as_str()).collect();
    for want in ["diabetes", "Parent", "Teen", "Child", "Medicare"] {
        assert!(
            kinds.iter().any(|k| k.contains(want)),
            "no {want} in {kinds:?}"
        );
    }
}

#[test]
fn other_regions_and_dates_work() {
    let mut cfg = SeedConfig::new(120, 1);
    cfg.region = "Mid Atlantic!".into();
    cfg.as_of = jiff::civil::date(2025, 3, 9);
    let resources = collect(&cfg);
    let patient = resources.iter().find(|r| rt(r) == "Patient").unwrap();
    assert!(
        id(patient).starts_with("midatlantic-pat-"),
        "{}",
        id(patient)
    );
    assert_eq!(
        patient["identifier"][0]["system"],
        "urn:wellspring:mrn:midatlantic"
    );
    for r in &resources {
        let issues = ws_fhir::validate::validate_resource(r);
        assert!(issues.is_empty(), "{} {}: {issues:?}", rt(r), id(r));
    }
    // Nothing after the configured day.
    for r in resources.iter().filter(|r| rt(r) == "Encounter") {
        assert!(day(r["period"]["end"].as_str().unwrap()) <= "2025-03-09");
    }
}
