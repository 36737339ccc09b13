//! Care away from home (DOMAIN §10 AWY-01, AWY-02; ENR-23; EX-W1).
//!
//! `visiting` answers for a member of one home region asking for care in another region of the
//! organisation (or, for urgent/emergency care and pharmacy, anywhere).

use crate::rules::Product;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Routine,
    Specialty {
        referred_in_visited_area: bool,
    },
    Urgent,
    Emergency,
    /// A refill at a pharmacy away from home.
    Pharmacy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitDecision {
    Allowed {
        /// A medical record number must be created for the visited region ("Add an area of
        /// care") and linked to the same member before booking (AWY-01, EX-W1).
        needs_area_mrn: bool,
        /// The home plan's copays, deductibles and prior-authorization rules apply.
        home_cost_sharing: bool,
    },
    Refused {
        reason: ws_i18n::said::Said,
        rule: &'static str,
    },
}

/// Whether a visiting member may get this service away from home.
pub fn visiting(p: Product, s: Service) -> VisitDecision {
    let allowed = |needs_area_mrn| VisitDecision::Allowed {
        needs_area_mrn,
        home_cost_sharing: true,
    };
    match s {
        // AWY-01: covered anywhere in the world, no prior approval.
        Service::Emergency | Service::Urgent => allowed(false),
        // AWY-02: refills use the prescribing region's record number, not a new one.
        Service::Pharmacy => allowed(false),
        Service::Routine | Service::Specialty { .. } if p == Product::Medicaid => {
            VisitDecision::Refused {
                reason: ws_i18n::said::Said::new("reason-away-medicaid"),
                rule: "AWY-02",
            }
        }
        Service::Routine => allowed(true),
        Service::Specialty {
            referred_in_visited_area: true,
        } => allowed(true),
        Service::Specialty {
            referred_in_visited_area: false,
        } => VisitDecision::Refused {
            reason: ws_i18n::said::Said::new("reason-away-specialty-referral"),
            rule: "AWY-01",
        },
    }
}

/// Plain-words advice for the portal to show with a decision (AWY-01, AWY-02).
pub fn advice(p: Product, s: Service) -> Vec<String> {
    let mut out = Vec::new();
    match (visiting(p, s), s) {
        (VisitDecision::Allowed { needs_area_mrn, .. }, _) => {
            if needs_area_mrn {
                out.push(
                    "Add the region you are visiting as an area of care: a medical record number \
                     for that region is created and linked to your membership."
                        .to_owned(),
                );
            }
            out.push(
                "Your home plan's copays, deductibles and prior-authorization rules apply."
                    .to_owned(),
            );
        }
        (VisitDecision::Refused { .. }, _) => {}
    }
    match s {
        Service::Emergency => out.push(
            "In an emergency call 911 or go to the nearest hospital; no prior approval is needed."
                .to_owned(),
        ),
        Service::Urgent => {
            out.push("Urgent care is covered anywhere; no prior approval is needed.".to_owned())
        }
        Service::Pharmacy => out.push(
            "Outside the organisation's areas, a local pharmacy can refill a prescription that \
             has refills left, using the record number of the region that wrote it."
                .to_owned(),
        ),
        Service::Routine | Service::Specialty { .. } => {}
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const MRN_HOME: VisitDecision = VisitDecision::Allowed {
        needs_area_mrn: true,
        home_cost_sharing: true,
    };
    const ANYWHERE: VisitDecision = VisitDecision::Allowed {
        needs_area_mrn: false,
        home_cost_sharing: true,
    };

    // AWY-01 / AWY-02 / ENR-23 / EX-W1 (DOMAIN §10, §1, §11): one row per product and service.
    #[test]
    fn awy_01_02_ex_w1_visiting_member_decisions() {
        let referred = Service::Specialty {
            referred_in_visited_area: true,
        };
        let unreferred = Service::Specialty {
            referred_in_visited_area: false,
        };
        let rows = [
            // EX-W1: NorCal member, routine visit in Colorado → new CO MRN, home copay.
            (Product::TraditionalHmo, Service::Routine, Some(MRN_HOME)),
            (Product::DeductibleHmo, Service::Routine, Some(MRN_HOME)),
            (Product::MedicareAdvantage, Service::Routine, Some(MRN_HOME)),
            (Product::TraditionalHmo, referred, Some(MRN_HOME)),
            (Product::TraditionalHmo, unreferred, None),
            (Product::TraditionalHmo, Service::Urgent, Some(ANYWHERE)),
            (Product::TraditionalHmo, Service::Emergency, Some(ANYWHERE)),
            (Product::TraditionalHmo, Service::Pharmacy, Some(ANYWHERE)),
            // EX-W1 / ENR-23: Medi-Cal routine → refused; urgent/emergency → allowed.
            (Product::Medicaid, Service::Routine, None),
            (Product::Medicaid, referred, None),
            (Product::Medicaid, Service::Urgent, Some(ANYWHERE)),
            (Product::Medicaid, Service::Emergency, Some(ANYWHERE)),
        ];
        for (p, s, expected) in rows {
            let got = visiting(p, s);
            match expected {
                Some(e) => assert_eq!(got, e, "{p:?} {s:?}"),
                None => assert!(matches!(got, VisitDecision::Refused { .. }), "{p:?} {s:?}"),
            }
        }
        match visiting(Product::Medicaid, Service::Routine) {
            VisitDecision::Refused { rule, .. } => assert_eq!(rule, "AWY-02"),
            other => panic!("{other:?}"),
        }
        match visiting(Product::TraditionalHmo, unreferred) {
            VisitDecision::Refused { rule, .. } => assert_eq!(rule, "AWY-01"),
            other => panic!("{other:?}"),
        }
        assert!(advice(Product::TraditionalHmo, Service::Routine)[0].contains("area of care"));
    }
}
