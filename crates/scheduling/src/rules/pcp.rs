//! The personal doctor (SCH-01): a member, a parent for a child, or a proxy with scheduling
//! rights chooses or changes it at any time, among doctors whose specialty fits the member's
//! age and whose panel has room. An administrator may close a panel; members already on it stay.

/// Age in whole years on `on` of someone born on `birth` (a FHIR date: `YYYY-MM-DD…`); `None`
/// when it is not a date.
pub fn age_on(birth: &str, on: jiff::civil::Date) -> Option<i64> {
    let b: jiff::civil::Date = birth.get(..10)?.parse().ok()?;
    let mut age = i64::from(on.year() - b.year());
    if (on.month(), on.day()) < (b.month(), b.day()) {
        age -= 1;
    }
    Some(age)
}

/// The age the rules use for a record without a birth date: an adult's.
pub const UNKNOWN_AGE: i64 = 30;

/// The specialties that can be a personal doctor, by SNOMED code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrimaryCare {
    FamilyMedicine,
    InternalMedicine,
    Pediatrics,
}

pub const SNOMED_FAMILY: &str = "419772000";
pub const SNOMED_INTERNAL: &str = "419192003";
pub const SNOMED_PEDIATRICS: &str = "394537008";

impl PrimaryCare {
    /// From a SNOMED specialty code; `None` for a specialty that is not primary care.
    pub fn from_snomed(code: &str) -> Option<PrimaryCare> {
        match code {
            SNOMED_FAMILY => Some(PrimaryCare::FamilyMedicine),
            SNOMED_INTERNAL => Some(PrimaryCare::InternalMedicine),
            SNOMED_PEDIATRICS => Some(PrimaryCare::Pediatrics),
            _ => None,
        }
    }

    pub fn snomed(self) -> &'static str {
        match self {
            PrimaryCare::FamilyMedicine => SNOMED_FAMILY,
            PrimaryCare::InternalMedicine => SNOMED_INTERNAL,
            PrimaryCare::Pediatrics => SNOMED_PEDIATRICS,
        }
    }

    /// Does this specialty see a member of `age` (whole years)? Pediatrics under 18, internal
    /// medicine 18 and over, family medicine every age.
    pub fn sees_age(self, age: i64) -> bool {
        match self {
            PrimaryCare::FamilyMedicine => true,
            PrimaryCare::InternalMedicine => age >= 18,
            PrimaryCare::Pediatrics => age < 18,
        }
    }

    /// The default panel capacity (defaults table: 2,000 adult and family, 1,500 pediatrics).
    pub fn default_capacity(self) -> i64 {
        match self {
            PrimaryCare::Pediatrics => 1_500,
            _ => 2_000,
        }
    }
}

/// A doctor's panel as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panel {
    /// Members who have this doctor as their personal doctor now.
    pub size: i64,
    pub capacity: i64,
    /// Closed by an administrator.
    pub closed: bool,
}

impl Panel {
    /// "Accepting new patients": open and under 95 % of capacity (SCH-01).
    pub fn accepting(&self) -> bool {
        !self.closed && self.size * 100 < self.capacity * 95
    }

    /// Room for one more (a closed panel has none; a full one neither).
    pub fn has_room(&self) -> bool {
        !self.closed && self.size < self.capacity
    }
}

/// Why a doctor cannot become this member's personal doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcpRefusal {
    /// The doctor does not practise primary care.
    NotPrimaryCare,
    /// The specialty does not see this age (pediatrics for adults, internal medicine for children).
    AgeDoesNotFit,
    /// The administrator closed the panel to new members.
    PanelClosed,
    /// The panel is at capacity.
    PanelFull,
}

impl PcpRefusal {
    /// The text key (portal texts) and the English message (API).
    pub fn key(self) -> &'static str {
        match self {
            PcpRefusal::NotPrimaryCare => "scheduling.pcp.not-primary-care",
            PcpRefusal::AgeDoesNotFit => "scheduling.pcp.age",
            PcpRefusal::PanelClosed => "scheduling.pcp.closed",
            PcpRefusal::PanelFull => "scheduling.pcp.full",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PcpRefusal::NotPrimaryCare => {
                "this doctor does not practise primary care and cannot be a personal doctor"
            }
            PcpRefusal::AgeDoesNotFit => {
                "this doctor's specialty does not see members of this age (pediatrics under 18, internal medicine 18 and over, family medicine all ages)"
            }
            PcpRefusal::PanelClosed => "this doctor's panel is closed to new members",
            PcpRefusal::PanelFull => {
                "this doctor's panel is full; choose a doctor who is accepting new patients"
            }
        }
    }
}

/// May a member of `age` choose a doctor of `specialty` whose panel is `panel`? `already_on`:
/// the member is on this panel already (they stay, whatever its size or state).
pub fn decide(
    specialty: Option<PrimaryCare>,
    age: i64,
    panel: Panel,
    already_on: bool,
) -> Result<(), PcpRefusal> {
    if already_on {
        return Ok(());
    }
    let s = specialty.ok_or(PcpRefusal::NotPrimaryCare)?;
    if !s.sees_age(age) {
        return Err(PcpRefusal::AgeDoesNotFit);
    }
    if panel.closed {
        return Err(PcpRefusal::PanelClosed);
    }
    if !panel.has_room() {
        return Err(PcpRefusal::PanelFull);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    const OPEN: Panel = Panel {
        size: 100,
        capacity: 2_000,
        closed: false,
    };

    #[test]
    fn sch_01_specialty_fits_age() {
        use PrimaryCare::*;
        let table = [
            (Pediatrics, 0, Ok(())),
            (Pediatrics, 17, Ok(())),
            (Pediatrics, 18, Err(PcpRefusal::AgeDoesNotFit)),
            (InternalMedicine, 17, Err(PcpRefusal::AgeDoesNotFit)),
            (InternalMedicine, 18, Ok(())),
            (FamilyMedicine, 3, Ok(())),
            (FamilyMedicine, 90, Ok(())),
        ];
        for (s, age, want) in table {
            assert_eq!(decide(Some(s), age, OPEN, false), want, "{s:?} at {age}");
        }
        assert_eq!(
            decide(None, 40, OPEN, false),
            Err(PcpRefusal::NotPrimaryCare)
        );
    }

    #[test]
    fn sch_01_panel_capacity_defaults_and_accepting_under_95_percent() {
        assert_eq!(PrimaryCare::FamilyMedicine.default_capacity(), 2_000);
        assert_eq!(PrimaryCare::InternalMedicine.default_capacity(), 2_000);
        assert_eq!(PrimaryCare::Pediatrics.default_capacity(), 1_500);
        let p = |size, closed| Panel {
            size,
            capacity: 2_000,
            closed,
        };
        // 95 % of 2,000 is 1,900: accepting while under it.
        assert!(p(1_899, false).accepting());
        assert!(!p(1_900, false).accepting());
        // Between 95 % and full: not advertised, but a member may still choose the doctor.
        assert!(p(1_950, false).has_room());
        assert_eq!(
            decide(
                Some(PrimaryCare::FamilyMedicine),
                40,
                p(1_950, false),
                false
            ),
            Ok(())
        );
        assert_eq!(
            decide(
                Some(PrimaryCare::FamilyMedicine),
                40,
                p(2_000, false),
                false
            ),
            Err(PcpRefusal::PanelFull)
        );
        // Pediatrics: 95 % of 1,500 = 1,425.
        let ped = Panel {
            size: 1_425,
            capacity: 1_500,
            closed: false,
        };
        assert!(!ped.accepting());
    }

    #[test]
    fn sch_01_closed_panel_keeps_its_members() {
        let closed = Panel {
            size: 10,
            capacity: 2_000,
            closed: true,
        };
        assert!(!closed.accepting());
        assert_eq!(
            decide(Some(PrimaryCare::FamilyMedicine), 40, closed, false),
            Err(PcpRefusal::PanelClosed)
        );
        // A member already on it stays (re-saving their record is not a new choice).
        assert_eq!(
            decide(Some(PrimaryCare::FamilyMedicine), 40, closed, true),
            Ok(())
        );
        let full = Panel {
            size: 2_000,
            capacity: 2_000,
            closed: false,
        };
        assert_eq!(decide(None, 40, full, true), Ok(()));
    }
}
