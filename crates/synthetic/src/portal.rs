//! Who in a household uses the member portal, and who acts for whom (DOMAIN.md §4).
//!
//! Portal accounts and proxy grants are not FHIR resources: [`plan`] only decides them, from the
//! household's own random stream (purpose `"portal"`), so adding it changes nothing the core
//! emits. The loader (`wellspring seed`) writes them through the identity service.
//!
//! The shares are assumptions for a plausible region, not figures from any health system:
//! - an own account: nobody under 13 (COPPA, PRX-07); 35 % of teens 13–17; 70 % of adults
//!   18–64; 50 % of members 65 and over;
//! - a parent link (PRX-02/03) from each parent in the household who has an account to each
//!   child under 18, for 90 % of parent–child pairs (the rest never linked);
//! - a caregiver grant (PRX-05) from a member of 65 or over who has an account to a spouse who
//!   has one, for 25 % of such couples, granted within the last 540 days (a caregiver grant
//!   lasts 18 months).

use crate::household::{Household, Member, Relationship};
use crate::{Day, World};

/// A member's own portal account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub patient_id: String,
    /// Unique in the region and across regions (`…@<region>.members.example`, a reserved
    /// domain: mail to it goes nowhere).
    pub email: String,
    /// E.164.
    pub mobile: Option<String>,
    pub display_name: String,
    pub birth: Day,
    /// When the member registered (on or before the world's "today").
    pub registered_on: Day,
}

/// Which kind of proxy access a grant gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    Parent,
    Caregiver,
}

/// One proxy grant: the holder of `grantee_patient`'s account may act for `subject_patient`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyLink {
    pub subject_patient: String,
    pub grantee_patient: String,
    pub kind: ProxyKind,
    pub granted_on: Day,
}

/// The portal side of one household.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalPlan {
    pub accounts: Vec<PortalAccount>,
    pub links: Vec<ProxyLink>,
}

/// Share (per mille) of members of this age with an own account.
pub fn account_share_per_mille(age: i32) -> u64 {
    match age {
        ..13 => 0,
        13..18 => 350,
        18..65 => 700,
        _ => 500,
    }
}

/// Parent–child pairs (child under 18) that are linked, per mille.
pub const PARENT_LINK_PER_MILLE: u64 = 900;
/// Couples (one 65 or over, both with accounts) with a caregiver grant, per mille.
pub const CAREGIVER_PER_MILLE: u64 = 250;
/// Caregiver grants are made within this many days before "today" (they last 18 months).
pub const CAREGIVER_WITHIN_DAYS: i64 = 540;

/// Decide the household's accounts and proxy links. Deterministic: a function of the world's
/// seed and the household alone.
pub fn plan(world: &World, hh: &Household) -> PortalPlan {
    let mut rng = hh.rng(world.seed, "portal");
    let today = world.as_of;
    let mut out = PortalPlan::default();
    for m in &hh.members {
        let age = m.age_on(today);
        // Drawn for every member, so one member's age never shifts another's draw.
        let draw = rng.below(1000);
        let days_ago = rng.range(0, 3 * 365);
        if draw >= account_share_per_mille(age) {
            continue;
        }
        // Registered at 13 at the earliest, and within the last three years.
        let thirteenth = m.birth.add_years(13);
        let registered_on = today.plus(-(days_ago as i32)).max(thirteenth);
        out.accounts.push(PortalAccount {
            patient_id: m.patient_id.clone(),
            email: account_email(world, m),
            mobile: m.mobile.as_deref().and_then(e164),
            display_name: m.full_name(),
            birth: m.birth,
            registered_on,
        });
    }
    let registered = |id: &str| {
        out.accounts
            .iter()
            .find(|a| a.patient_id == id)
            .map(|a| a.registered_on)
    };
    let has_account = |m: &Member| registered(&m.patient_id).is_some();
    let parents: Vec<&Member> = hh
        .members
        .iter()
        .filter(|m| m.relationship != Relationship::Child && has_account(m))
        .collect();
    let mut links = Vec::new();
    for child in hh
        .members
        .iter()
        .filter(|m| m.relationship == Relationship::Child && (0..18).contains(&m.age_on(today)))
    {
        for parent in &parents {
            let draw = rng.below(1000);
            let back = rng.range(0, i64::from(child.age_on(today)) * 365 + 1);
            if draw >= PARENT_LINK_PER_MILLE {
                continue;
            }
            // Linked some time after the birth (and after the parent registered).
            let on = today
                .plus(-(back as i32))
                .max(child.birth)
                .max(registered(&parent.patient_id).unwrap_or(today));
            links.push(ProxyLink {
                subject_patient: child.patient_id.clone(),
                grantee_patient: parent.patient_id.clone(),
                kind: ProxyKind::Parent,
                granted_on: on,
            });
        }
    }
    // Caregiver grants between spouses: the older member (65+) invites the other.
    if let [first, second, ..] = parents.as_slice() {
        for (subject, grantee) in [(first, second), (second, first)] {
            let draw = rng.below(1000);
            let back = rng.range(0, CAREGIVER_WITHIN_DAYS);
            if subject.age_on(today) < 65 || draw >= CAREGIVER_PER_MILLE {
                continue;
            }
            // After both registered (the member invites from the portal; the invitee accepts).
            let on = [subject, grantee]
                .iter()
                .filter_map(|m| registered(&m.patient_id))
                .fold(today.plus(-(back as i32)), Day::max);
            links.push(ProxyLink {
                subject_patient: subject.patient_id.clone(),
                grantee_patient: grantee.patient_id.clone(),
                kind: ProxyKind::Caregiver,
                granted_on: on,
            });
        }
    }
    out.links = links;
    out
}

/// `given.family.<number>@<region>.members.example`, lower-case ASCII.
fn account_email(world: &World, m: &Member) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    format!(
        "{}.{}.{}@{}.members.example",
        clean(m.given),
        clean(m.family),
        m.number,
        world.region
    )
}

/// A generated phone number ("(555) 010-1234" style) as E.164 (+1 and ten digits).
fn e164(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        10 => Some(format!("+1{digits}")),
        11 if digits.starts_with('1') => Some(format!("+{digits}")),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::SeedConfig;

    fn region(members: u64, seed: u64) -> (World, Vec<(Household, PortalPlan)>) {
        let world = World::new(&SeedConfig::new(members, seed));
        let plans = world
            .households()
            .map(|hh| {
                let p = plan(&world, &hh);
                (hh, p)
            })
            .collect();
        (world, plans)
    }

    #[test]
    fn same_seed_same_accounts_and_links() {
        let (_, a) = region(600, 3);
        let (_, b) = region(600, 3);
        let (_, c) = region(600, 4);
        let plans =
            |r: &[(Household, PortalPlan)]| r.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>();
        assert_eq!(plans(&a), plans(&b));
        assert_ne!(plans(&a), plans(&c));
    }

    #[test]
    fn accounts_and_links_follow_the_proxy_rules() {
        let (world, plans) = region(5_000, 11);
        let today = world.as_of;
        let mut emails = HashSet::new();
        let (mut parent, mut caregiver) = (0, 0);
        for (hh, p) in &plans {
            let by_id: HashMap<&str, &Member> = hh
                .members
                .iter()
                .map(|m| (m.patient_id.as_str(), m))
                .collect();
            for a in &p.accounts {
                let m = by_id[a.patient_id.as_str()];
                assert!(
                    m.age_on(today) >= 13,
                    "PRX-07: no account under 13 ({})",
                    a.patient_id
                );
                assert!(a.registered_on <= today && a.registered_on >= m.birth.add_years(13));
                assert!(
                    emails.insert(a.email.clone()),
                    "duplicate email {}",
                    a.email
                );
                assert!(a.email.ends_with("@north.members.example"));
                if let Some(mobile) = &a.mobile {
                    assert!(mobile.starts_with("+1") && mobile.len() == 12, "{mobile}");
                }
            }
            let account = |id: &str| p.accounts.iter().find(|a| a.patient_id == id);
            for l in &p.links {
                let subject = by_id[l.subject_patient.as_str()];
                let grantee = by_id[l.grantee_patient.as_str()];
                let holder =
                    account(&l.grantee_patient).expect("a grant goes to an account holder");
                assert!(grantee.age_on(today) >= 18, "PRX-01: a proxy is an adult");
                assert!(l.granted_on <= today && l.granted_on >= holder.registered_on);
                match l.kind {
                    ProxyKind::Parent => {
                        parent += 1;
                        assert_eq!(subject.relationship, Relationship::Child);
                        assert_ne!(grantee.relationship, Relationship::Child);
                        assert!(subject.age_on(today) < 18, "a parent link ends at 18");
                        assert!(l.granted_on >= subject.birth);
                    }
                    ProxyKind::Caregiver => {
                        caregiver += 1;
                        assert!(subject.age_on(today) >= 65);
                        assert!(account(&l.subject_patient).is_some(), "the member invites");
                        assert!(l.granted_on >= today.plus(-(CAREGIVER_WITHIN_DAYS as i32)));
                    }
                }
            }
        }
        assert!(parent > 100, "parent links: {parent}");
        assert!(caregiver > 5, "caregiver grants: {caregiver}");
    }

    #[test]
    fn account_shares_within_bounds() {
        let (world, plans) = region(20_000, 5);
        let today = world.as_of;
        // (members, with an account) per band: teens, adults under 65, 65 and over.
        let mut bands = [(0u32, 0u32); 3];
        for (hh, p) in &plans {
            for m in &hh.members {
                let band = match m.age_on(today) {
                    ..13 => continue,
                    13..18 => 0,
                    18..65 => 1,
                    _ => 2,
                };
                bands[band].0 += 1;
                if p.accounts.iter().any(|a| a.patient_id == m.patient_id) {
                    bands[band].1 += 1;
                }
            }
        }
        for ((n, with), expected) in bands.iter().zip([350.0, 700.0, 500.0]) {
            let per_mille = f64::from(*with) * 1000.0 / f64::from(*n);
            assert!(*n > 500, "band too small: {n}");
            assert!(
                (per_mille - expected).abs() < 40.0,
                "{with} of {n} = {per_mille:.0} per mille, expected about {expected}"
            );
        }
    }
}
