//! Visit types and modes (SCH-02): what a slot is for, how long it lasts, whether a member may
//! book it without a referral, and how far ahead.

/// The code system of visit types (`Slot.serviceType`, `Appointment.serviceType`); the same
/// codes the region's HealthcareServices and Schedules use.
pub const SERVICE_TYPE_SYSTEM: &str = "http://wellspring.example/fhir/CodeSystem/service-type";
/// How the visit happens (`Slot`/`Appointment` extension, valueCode in-person | video | phone).
pub const EXT_MODE: &str = "urn:wellspring:fhir:visit-mode";

/// What the visit is for: the service type code of the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitType {
    PrimaryCare,
    Pediatrics,
    SameDay,
    Lab,
    Radiology,
    /// A specialty a member may book without a referral (SCH-02: OB-GYN, mental health,
    /// dermatology, optometry).
    SelfReferral(&'static str),
    /// A specialty that needs an open referral from a clinician.
    Referral(&'static str),
}

impl VisitType {
    /// From a service-type code; `None` for services that are not booked (pharmacy, emergency).
    pub fn from_code(code: &str) -> Option<VisitType> {
        Some(match code {
            "primary-care" => VisitType::PrimaryCare,
            "pediatrics" => VisitType::Pediatrics,
            "same-day" => VisitType::SameDay,
            "laboratory" => VisitType::Lab,
            "radiology" => VisitType::Radiology,
            "obgyn" => VisitType::SelfReferral("obgyn"),
            "mental-health" => VisitType::SelfReferral("mental-health"),
            "dermatology" => VisitType::SelfReferral("dermatology"),
            "optometry" => VisitType::SelfReferral("optometry"),
            "cardiology" => VisitType::Referral("cardiology"),
            "orthopedics" => VisitType::Referral("orthopedics"),
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            VisitType::PrimaryCare => "primary-care",
            VisitType::Pediatrics => "pediatrics",
            VisitType::SameDay => "same-day",
            VisitType::Lab => "laboratory",
            VisitType::Radiology => "radiology",
            VisitType::SelfReferral(c) | VisitType::Referral(c) => c,
        }
    }

    pub fn is_specialty(self) -> bool {
        matches!(self, VisitType::SelfReferral(_) | VisitType::Referral(_))
    }

    pub fn needs_referral(self) -> bool {
        matches!(self, VisitType::Referral(_))
    }

    /// Minutes a visit of this type takes on a template.
    pub fn minutes(self) -> i64 {
        match self {
            VisitType::Lab => 10,
            VisitType::Radiology | VisitType::SelfReferral(_) | VisitType::Referral(_) => 30,
            _ => 20,
        }
    }

    /// How many days ahead a member may book online (SCH-02: 90, specialty 120).
    pub fn horizon_days(self) -> i64 {
        if self.is_specialty() { 120 } else { 90 }
    }
}

/// How the visit happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    InPerson,
    Video,
    Phone,
}

impl Mode {
    pub fn from_code(code: &str) -> Option<Mode> {
        match code {
            "in-person" => Some(Mode::InPerson),
            "video" => Some(Mode::Video),
            "phone" => Some(Mode::Phone),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Mode::InPerson => "in-person",
            Mode::Video => "video",
            Mode::Phone => "phone",
        }
    }

    /// Video and phone visits follow SEED-10 (not while the member is in another state).
    pub fn is_remote(self) -> bool {
        !matches!(self, Mode::InPerson)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sch_02_codes_round_trip_and_referral_needs() {
        for code in [
            "primary-care",
            "pediatrics",
            "same-day",
            "laboratory",
            "radiology",
            "obgyn",
            "mental-health",
            "dermatology",
            "optometry",
            "cardiology",
            "orthopedics",
        ] {
            let v = VisitType::from_code(code).expect(code);
            assert_eq!(v.code(), code);
        }
        assert!(VisitType::from_code("pharmacy").is_none());
        assert!(VisitType::from_code("emergency").is_none());
        assert!(
            !VisitType::from_code("dermatology")
                .unwrap_or(VisitType::Lab)
                .needs_referral()
        );
        assert!(
            VisitType::from_code("cardiology")
                .unwrap_or(VisitType::Lab)
                .needs_referral()
        );
        assert_eq!(VisitType::PrimaryCare.horizon_days(), 90);
        assert_eq!(VisitType::Referral("cardiology").horizon_days(), 120);
        assert_eq!(VisitType::SelfReferral("obgyn").horizon_days(), 120);
        assert_eq!(VisitType::Lab.minutes(), 10);
        assert!(Mode::Video.is_remote() && Mode::Phone.is_remote() && !Mode::InPerson.is_remote());
    }
}
