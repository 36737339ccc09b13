//! Digital member ID card availability (DOMAIN §10b SEED-03).

use crate::rules::Product;
use ws_i18n::said::Said;

/// Whether the portal offers the digital member ID card on this product (SEED-03: not on
/// Medicare, Out-of-Area and Flexible Choice point-of-service plans).
pub fn digital_card_offered(p: Product) -> bool {
    reason(p).is_none()
}

/// Why the digital card is not offered, in plain words for the portal; `None` when it is.
pub fn reason(p: Product) -> Option<Said> {
    match p {
        Product::MedicareAdvantage => Some(Said::new("reason-card-medicare")),
        Product::OutOfArea => Some(Said::new("reason-card-out-of-area")),
        Product::FlexibleChoicePos => Some(Said::new("reason-card-pos")),
        Product::TraditionalHmo | Product::DeductibleHmo | Product::Medicaid => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    // SEED-03 (DOMAIN §10b): not on Medicare, Out-of-Area, Flexible Choice POS.
    #[test]
    fn seed_03_digital_card_not_on_medicare_ooa_pos() {
        let rows = [
            (Product::TraditionalHmo, true),
            (Product::DeductibleHmo, true),
            (Product::Medicaid, true),
            (Product::MedicareAdvantage, false),
            (Product::OutOfArea, false),
            (Product::FlexibleChoicePos, false),
        ];
        for (p, offered) in rows {
            assert_eq!(digital_card_offered(p), offered, "{p:?}");
            assert_eq!(reason(p).is_some(), !offered, "{p:?}");
        }
    }
}
