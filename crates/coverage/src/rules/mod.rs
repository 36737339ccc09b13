//! Coverage and membership rules (DOMAIN.md §1, §10, SEED-03): pure functions, no I/O.
//!
//! Every rule takes "today" (or the date being asked about) as a parameter and reads every
//! amount, window, age and threshold from an effective-dated [`settings::SettingsTable`].
//! Dates are `jiff::civil::Date`; every period end in this crate is the inclusive last day.

pub mod away;
pub mod card;
pub mod contact;
mod dates;
pub mod death;
pub mod dependents;
pub mod eligibility;
pub mod ledger;
pub mod settings;
pub mod windows;

/// The market a coverage belongs to; decides which enrollment rules apply (DOMAIN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Market {
    /// ACA individual/family market, on or off the exchange (ENR-01..09).
    Individual,
    /// Employer group coverage (ENR-10..12).
    EmployerGroup,
    /// Medicare and Medicare Advantage (ENR-15..21).
    Medicare,
    /// Medicaid / CHIP (ENR-22, ENR-23).
    Medicaid,
}

impl Market {
    /// The scope key used in [`settings::SettingsTable`] rows for this market.
    pub fn scope_key(self) -> &'static str {
        match self {
            Market::Individual => "individual",
            Market::EmployerGroup => "group",
            Market::Medicare => "medicare",
            Market::Medicaid => "medicaid",
        }
    }
}

/// The product lines of the modelled organisation (SEED-03, AWY-01/02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    TraditionalHmo,
    DeductibleHmo,
    MedicareAdvantage,
    Medicaid,
    OutOfArea,
    FlexibleChoicePos,
}

impl Product {
    /// The market a product is usually sold in. HMO, out-of-area and point-of-service plans are
    /// sold to employer groups and individuals alike; the default here is the group market.
    pub fn market_default(self) -> Market {
        match self {
            Product::TraditionalHmo
            | Product::DeductibleHmo
            | Product::OutOfArea
            | Product::FlexibleChoicePos => Market::EmployerGroup,
            Product::MedicareAdvantage => Market::Medicare,
            Product::Medicaid => Market::Medicaid,
        }
    }

    /// Reads a plan code by its prefix: "THMO", "DHMO", "MA", "MCD", "OOA", "FCPOS"
    /// (case-insensitive; e.g. "THMO-NCAL-GOLD" → `TraditionalHmo`).
    pub fn from_code(code: &str) -> Option<Product> {
        let upper = code.trim().to_ascii_uppercase();
        // Longest prefixes first so "MCD" is not read as "MA…" and so on.
        const PREFIXES: [(&str, Product); 6] = [
            ("FCPOS", Product::FlexibleChoicePos),
            ("THMO", Product::TraditionalHmo),
            ("DHMO", Product::DeductibleHmo),
            ("MCD", Product::Medicaid),
            ("OOA", Product::OutOfArea),
            ("MA", Product::MedicareAdvantage),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| upper.starts_with(prefix))
            .map(|(_, product)| *product)
    }
}

/// A member's relationship to the subscriber, with its X12 834 INS02 code (ENR-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// 18
    SelfSubscriber,
    /// 01
    Spouse,
    /// 19
    Child,
    /// 09
    AdoptedChild,
    /// 10
    FosterChild,
    /// 15
    Ward,
    /// 17
    Stepchild,
    /// 53
    LifePartner,
}

impl Relationship {
    pub const ALL: [Relationship; 8] = [
        Relationship::SelfSubscriber,
        Relationship::Spouse,
        Relationship::Child,
        Relationship::AdoptedChild,
        Relationship::FosterChild,
        Relationship::Ward,
        Relationship::Stepchild,
        Relationship::LifePartner,
    ];

    /// X12 834 INS02 individual relationship code (ENR-14).
    pub fn x12_code(self) -> &'static str {
        match self {
            Relationship::SelfSubscriber => "18",
            Relationship::Spouse => "01",
            Relationship::Child => "19",
            Relationship::AdoptedChild => "09",
            Relationship::FosterChild => "10",
            Relationship::Ward => "15",
            Relationship::Stepchild => "17",
            Relationship::LifePartner => "53",
        }
    }

    pub fn from_x12(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL.into_iter().find(|r| r.x12_code() == code)
    }

    /// Code in `http://terminology.hl7.org/CodeSystem/subscriber-relationship`
    /// (child, parent, spouse, common, other, self, injured). Adopted, foster and step children
    /// are "child"; a ward is "other"; a life partner is "common" (common-law spouse / partner).
    pub fn fhir_code(self) -> &'static str {
        match self {
            Relationship::SelfSubscriber => "self",
            Relationship::Spouse => "spouse",
            Relationship::Child
            | Relationship::AdoptedChild
            | Relationship::FosterChild
            | Relationship::Stepchild => "child",
            Relationship::Ward => "other",
            Relationship::LifePartner => "common",
        }
    }

    /// Children (the dependent age limit of ENR-13 applies): child, adopted, foster, ward,
    /// stepchild.
    pub fn is_child(self) -> bool {
        matches!(
            self,
            Relationship::Child
                | Relationship::AdoptedChild
                | Relationship::FosterChild
                | Relationship::Ward
                | Relationship::Stepchild
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    // ENR-14 (DOMAIN §1): the eight 834 relationship codes round-trip.
    #[test]
    fn enr_14_relationship_codes_round_trip() {
        let table = [
            (Relationship::SelfSubscriber, "18", "self", false),
            (Relationship::Spouse, "01", "spouse", false),
            (Relationship::Child, "19", "child", true),
            (Relationship::AdoptedChild, "09", "child", true),
            (Relationship::FosterChild, "10", "child", true),
            (Relationship::Ward, "15", "other", true),
            (Relationship::Stepchild, "17", "child", true),
            (Relationship::LifePartner, "53", "common", false),
        ];
        for (rel, x12, fhir, child) in table {
            assert_eq!(rel.x12_code(), x12);
            assert_eq!(Relationship::from_x12(x12), Some(rel));
            assert_eq!(rel.fhir_code(), fhir);
            assert_eq!(rel.is_child(), child, "{rel:?}");
        }
        assert_eq!(Relationship::from_x12("99"), None);
    }

    // SEED-03 (DOMAIN §10b): product codes by prefix.
    #[test]
    fn seed_03_product_codes_by_prefix() {
        let table = [
            (
                "THMO-NCAL",
                Some(Product::TraditionalHmo),
                Market::EmployerGroup,
            ),
            (
                "DHMO1500",
                Some(Product::DeductibleHmo),
                Market::EmployerGroup,
            ),
            (
                "MA-SENIOR",
                Some(Product::MedicareAdvantage),
                Market::Medicare,
            ),
            ("mcd-medi-cal", Some(Product::Medicaid), Market::Medicaid),
            ("OOA", Some(Product::OutOfArea), Market::EmployerGroup),
            (
                "FCPOS3",
                Some(Product::FlexibleChoicePos),
                Market::EmployerGroup,
            ),
            ("PPO", None, Market::EmployerGroup),
        ];
        for (code, product, market) in table {
            assert_eq!(Product::from_code(code), product, "{code}");
            if let Some(p) = product {
                assert_eq!(p.market_default(), market, "{code}");
            }
        }
    }
}
