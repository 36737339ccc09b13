//! Proxy access ("Act for a family member", DOMAIN.md §4): what a parent, caregiver or legal
//! representative reaches of another person's record, by the subject's age and state of
//! residence (PRX-01: the dependent's state's privacy law applies).

use jiff::{ToSpan, civil::Date};

use super::age::age_on;
use crate::caller::Access;

/// Age of majority: parent proxy ends on the 18th birthday (PRX-05, EX-P3).
pub const MAJORITY: i16 = 18;
/// Minimum age for a self-service account (PRX-07); a caregiver needs one (PRX-01).
pub const OWN_ACCOUNT_AGE: i16 = 13;
/// An adult-to-adult (caregiver) grant lapses after this many months unless renewed (PRX-05).
pub const ADULT_GRANT_MONTHS: i32 = 18;

/// The age from which a parent's proxy is limited to the teen view (PRX-03): 13 by default,
/// 12 in California and Michigan. `state` is a USPS code, any case. (Which age each state uses
/// is still to verify, DOMAIN.md §12.)
pub fn teen_age(state: &str) -> u8 {
    const TWELVE: &[&str] = &["CA", "MI"];
    if TWELVE.iter().any(|s| s.eq_ignore_ascii_case(state.trim())) {
        12
    } else {
        13
    }
}

/// A parent's (or legal guardian's, as parent) access to a child on `on` (PRX-02, PRX-03,
/// PRX-05, EX-P1, EX-P3): full below the state's teen age, the teen view from it through 17,
/// nothing from the 18th birthday (or before birth).
pub fn parent_access(child_birth: Date, state: &str, on: Date) -> Option<Access> {
    let age = age_on(child_birth, on);
    if !(0..MAJORITY).contains(&age) {
        None
    } else if age < i16::from(teen_age(state)) {
        Some(Access::ProxyFull)
    } else {
        Some(Access::ProxyTeen)
    }
}

/// Why someone may not request proxy access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProxyRefusal {
    /// Under 18, and not a Hawaii parent asking for their own child (PRX-01, EX-P4).
    #[error("requester under 18")]
    Under18,
    /// Under 13: cannot hold the own portal account a proxy needs (PRX-01, PRX-07).
    #[error("requester under 13")]
    Under13,
}

impl ProxyRefusal {
    /// Stable code for translations and API errors.
    pub fn code(self) -> &'static str {
        match self {
            ProxyRefusal::Under18 => "proxy-under-18",
            ProxyRefusal::Under13 => "proxy-under-13",
        }
    }

    /// Message to show the requester (English).
    pub fn message(self) -> &'static str {
        match self {
            ProxyRefusal::Under18 => {
                "You must be 18 or older to act for a family member. (In Hawaii, a parent under \
                 18 may act for their own child.)"
            }
            ProxyRefusal::Under13 => {
                "You need your own account to act for a family member, and accounts are for \
                 people 13 and older."
            }
        }
    }
}

/// May this person request proxy access on `on`? (PRX-01, EX-P4) At least 18; in Hawaii a
/// younger parent may act for their own child, provided they can hold an own account (13+).
/// `caregiver_state` is the requester's state of residence.
pub fn caregiver_may_request(
    caregiver_birth: Date,
    caregiver_state: &str,
    for_own_child: bool,
    on: Date,
) -> Result<(), ProxyRefusal> {
    let age = age_on(caregiver_birth, on);
    if age >= MAJORITY {
        return Ok(());
    }
    if !(for_own_child && caregiver_state.trim().eq_ignore_ascii_case("HI")) {
        return Err(ProxyRefusal::Under18);
    }
    if age < OWN_ACCOUNT_AGE {
        return Err(ProxyRefusal::Under13);
    }
    Ok(())
}

/// The first day an adult-to-adult grant no longer applies: 18 months after it was granted
/// (PRX-05). Month ends clamp (Aug 31 + 18 months = Feb 28/29).
pub fn adult_grant_expiry(granted_on: Date) -> Date {
    granted_on
        .checked_add(ADULT_GRANT_MONTHS.months())
        .unwrap_or(Date::MAX)
}

/// Whether an adult-to-adult grant applies on `on`: from `granted_on` up to the day before
/// [`adult_grant_expiry`], unless revoked (PRX-05).
pub fn adult_grant_active(granted_on: Date, revoked: bool, on: Date) -> bool {
    !revoked && granted_on <= on && on < adult_grant_expiry(granted_on)
}

/// How the proxy is related to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    /// Parent or legal guardian of a minor (PRX-02, PRX-03).
    Parent,
    /// Adult-to-adult proxy granted in writing by the subject (PRX-05).
    Caregiver,
    /// Guardianship or health-care power of attorney documents on file (PRX-05): full access
    /// at any age.
    Legal,
    /// The member's own record in another region ("add an area of care", AWY-01): the same
    /// person, so the access of one's own record (a teen's own view under 18).
    AreaOfCare,
}

/// The access a relationship gives on `on` (PRX-02, PRX-03, PRX-05, EX-P1, EX-P3).
/// `grant_date` is the date of the subject's written grant (caregivers) and is ignored for the
/// other relationships; a caregiver without one gets nothing. Revoked grants must not be
/// passed in (see [`adult_grant_active`]).
pub fn access_for(
    relationship: Relationship,
    subject_birth: Date,
    subject_state: &str,
    grant_date: Option<Date>,
    on: Date,
) -> Option<Access> {
    match relationship {
        Relationship::Legal => Some(Access::Legal),
        Relationship::AreaOfCare => Some(if age_on(subject_birth, on) < MAJORITY {
            Access::OwnTeen
        } else {
            Access::Own
        }),
        Relationship::Parent => parent_access(subject_birth, subject_state, on),
        Relationship::Caregiver => {
            let adult = age_on(subject_birth, on) >= MAJORITY;
            let granted = grant_date.is_some_and(|g| adult_grant_active(g, false, on));
            (adult && granted).then_some(Access::Caregiver)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;
    use jiff::civil::date;

    #[test]
    fn prx_03_teen_age_by_state() {
        let rows = [
            ("CA", 12),
            ("MI", 12),
            ("ca", 12),
            (" mi ", 12),
            ("WA", 13),
            ("HI", 13),
            ("", 13),
        ];
        for (state, want) in rows {
            assert_eq!(teen_age(state), want, "{state:?}");
        }
    }

    #[test]
    fn prx_02_prx_03_prx_05_parent_access() {
        // (child birth, state, on, expected)
        let rows = [
            (date(2026, 3, 1), "WA", date(2026, 3, 1), Some(ProxyFull)), // newborn
            (date(2026, 3, 2), "WA", date(2026, 3, 1), None),            // not yet born
            (date(2015, 3, 1), "WA", date(2026, 3, 1), Some(ProxyFull)), // EX-P1: 11 → full
            (date(2013, 3, 2), "WA", date(2026, 3, 1), Some(ProxyFull)), // day before 13
            (date(2013, 3, 1), "WA", date(2026, 3, 1), Some(ProxyTeen)), // 13th birthday
            (date(2014, 3, 2), "CA", date(2026, 3, 1), Some(ProxyFull)), // CA day before 12
            (date(2014, 3, 1), "CA", date(2026, 3, 1), Some(ProxyTeen)), // EX-P1: 12 in CA
            (date(2014, 3, 1), "MI", date(2026, 3, 1), Some(ProxyTeen)),
            (date(2014, 3, 1), "WA", date(2026, 3, 1), Some(ProxyFull)), // 12 in WA
            (date(2008, 3, 2), "WA", date(2026, 3, 1), Some(ProxyTeen)), // day before 18
            (date(2008, 3, 1), "WA", date(2026, 3, 1), None),            // EX-P3: 18th birthday
            (date(2008, 2, 29), "CA", date(2026, 2, 28), Some(ProxyTeen)), // leap: still 17
            (date(2008, 2, 29), "CA", date(2026, 3, 1), None),           // leap: Mar 1
            (date(2012, 2, 29), "CA", date(2024, 2, 28), Some(ProxyFull)), // leap year, day before
            (date(2012, 2, 29), "CA", date(2024, 2, 29), Some(ProxyTeen)),
        ];
        for (birth, state, on, want) in rows {
            assert_eq!(
                parent_access(birth, state, on),
                want,
                "born {birth} {state} on {on}"
            );
        }
    }

    #[test]
    fn prx_01_ex_p4_caregiver_age() {
        use ProxyRefusal::*;
        let on = date(2026, 3, 1);
        // (birth, state, for own child, expected)
        let rows = [
            (date(2008, 3, 1), "WA", false, Ok(())),       // 18 today
            (date(2008, 3, 2), "WA", false, Err(Under18)), // day before 18
            (date(2008, 3, 2), "WA", true, Err(Under18)),  // EX-P4 elsewhere: rejected
            (date(2008, 3, 2), "HI", true, Ok(())),        // EX-P4 Hawaii own baby: allowed
            (date(2008, 3, 2), "hi", true, Ok(())),
            (date(2008, 3, 2), "HI", false, Err(Under18)), // Hawaii, not their child
            (date(2013, 3, 2), "HI", true, Err(Under13)),  // no own account possible
            (date(2013, 3, 1), "HI", true, Ok(())),
            (date(1960, 1, 1), "CA", false, Ok(())),
        ];
        for (birth, state, own, want) in rows {
            assert_eq!(
                caregiver_may_request(birth, state, own, on),
                want,
                "{birth} {state} {own}"
            );
        }
        assert_eq!(Under18.code(), "proxy-under-18");
        assert!(Under18.message().contains("18"));
        assert!(Under13.message().contains("13"));
    }

    #[test]
    fn prx_05_adult_grant_expires_after_18_months() {
        let rows = [
            (date(2026, 1, 15), date(2027, 7, 15)),
            (date(2025, 8, 31), date(2027, 2, 28)), // clamps to month end
            (date(2026, 8, 31), date(2028, 2, 29)), // leap year
            (date(2024, 2, 29), date(2025, 8, 29)),
        ];
        for (granted, want) in rows {
            assert_eq!(adult_grant_expiry(granted), want, "{granted}");
        }
        // (granted, revoked, on, active)
        let g = date(2026, 1, 15);
        let rows = [
            (false, date(2026, 1, 14), false), // before the grant
            (false, date(2026, 1, 15), true),
            (false, date(2027, 7, 14), true),  // last day
            (false, date(2027, 7, 15), false), // expired
            (true, date(2026, 6, 1), false),   // revoked
        ];
        for (revoked, on, want) in rows {
            assert_eq!(
                adult_grant_active(g, revoked, on),
                want,
                "{on} revoked={revoked}"
            );
        }
    }

    #[test]
    fn prx_05_ex_p3_access_for() {
        use Relationship::*;
        let on = date(2026, 3, 1);
        let g = Some(date(2025, 6, 1));
        // (relationship, subject birth, state, grant date, expected)
        let rows = [
            (Parent, date(2015, 3, 1), "WA", None, Some(ProxyFull)),
            (Parent, date(2012, 3, 1), "WA", None, Some(ProxyTeen)),
            (Parent, date(2008, 3, 1), "WA", None, None), // EX-P3: ends at 18
            (Parent, date(2008, 3, 1), "WA", g, None),    // a grant date changes nothing
            (
                Caregiver,
                date(2008, 3, 1),
                "WA",
                g,
                Some(Access::Caregiver),
            ), // adult with written grant
            (Caregiver, date(2008, 3, 1), "WA", None, None), // no written grant
            (Caregiver, date(2008, 3, 2), "WA", g, None), // subject still 17
            (
                Caregiver,
                date(1950, 1, 1),
                "WA",
                Some(date(2024, 9, 1)),
                None,
            ), // expired 2026-03-01
            (
                Caregiver,
                date(1950, 1, 1),
                "WA",
                Some(date(2024, 9, 2)),
                Some(Access::Caregiver),
            ),
            (Legal, date(2008, 3, 1), "WA", None, Some(Access::Legal)), // EX-P3: guardianship/POA
            (Legal, date(2020, 1, 1), "CA", None, Some(Access::Legal)),
            (Legal, date(1940, 1, 1), "CA", None, Some(Access::Legal)),
        ];
        for (rel, birth, state, grant, want) in rows {
            assert_eq!(
                access_for(rel, birth, state, grant, on),
                want,
                "{rel:?} {birth} {grant:?}"
            );
        }
    }
}
