//! What the member pays for a fill: the plan's pharmacy benefits (generic, preferred brand,
//! mail-order generic) per supply period, with the day-supply limits — one copay covers up to
//! a 30-day supply at a pharmacy (RX-06), up to 90 days by mail (RX-07).

use super::formulary::Tier;

/// One pharmacy benefit's member cost, as the plan states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// A fixed amount in cents per supply period.
    Copay(u64),
    /// A percentage of the drug's price after the deductible (the price is the pharmacy's).
    Coinsurance(u32),
}

/// The plan's pharmacy benefits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrugBenefits {
    pub generic: Cost,
    pub brand: Cost,
    pub mail_generic: Cost,
}

/// How the fill reaches the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Picked up at a pharmacy.
    PickUp,
    Mail,
}

impl Channel {
    /// The most days one fill supplies (RX-06: 30 at a pharmacy; RX-07: 90 by mail).
    pub fn max_days(self) -> u32 {
        match self {
            Channel::PickUp => 30,
            Channel::Mail => 90,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Channel::PickUp => "pick-up",
            Channel::Mail => "mail",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "pick-up" => Some(Channel::PickUp),
            "mail" => Some(Channel::Mail),
            _ => None,
        }
    }
}

/// The member's share of one fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// Days this fill supplies (the prescription's, capped by the channel).
    pub days: u32,
    /// How many copay periods it spans.
    pub periods: u32,
    pub cost: Cost,
}

impl Charge {
    /// The amount in cents, when it is a fixed copay.
    pub fn cents(&self) -> Option<u64> {
        match self.cost {
            Cost::Copay(c) => Some(c * u64::from(self.periods)),
            Cost::Coinsurance(_) => None,
        }
    }
}

/// The member's share of a fill of `days_supply` days of a drug on `tier` by `channel`.
/// A generic by mail uses the mail-order benefit per 90 days; anything else the tier's benefit
/// per 30 days.
pub fn charge(b: &DrugBenefits, tier: Tier, channel: Channel, days_supply: u32) -> Charge {
    let days = days_supply.clamp(1, channel.max_days());
    let (cost, period) = match (tier, channel) {
        (Tier::Generic, Channel::Mail) => (b.mail_generic, 90),
        (Tier::Generic, Channel::PickUp) => (b.generic, 30),
        (Tier::Brand | Tier::NonPreferred, _) => (b.brand, 30),
    };
    Charge {
        days,
        periods: days.div_ceil(period),
        cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: DrugBenefits = DrugBenefits {
        generic: Cost::Copay(1000),
        brand: Cost::Copay(3000),
        mail_generic: Cost::Copay(2000),
    };

    #[test]
    fn rx_06_rx_07_copay_table() {
        // (case, tier, channel, days, periods, cents)
        let rows = [
            (
                "generic 30 at a pharmacy",
                Tier::Generic,
                Channel::PickUp,
                30,
                1,
                1000,
            ),
            (
                "generic 90 at a pharmacy is capped at 30",
                Tier::Generic,
                Channel::PickUp,
                90,
                1,
                1000,
            ),
            (
                "generic 90 by mail",
                Tier::Generic,
                Channel::Mail,
                90,
                1,
                2000,
            ),
            (
                "generic 30 by mail",
                Tier::Generic,
                Channel::Mail,
                30,
                1,
                2000,
            ),
            (
                "brand 90 by mail: three periods",
                Tier::Brand,
                Channel::Mail,
                90,
                3,
                9000,
            ),
            (
                "brand 31 days by mail: two periods",
                Tier::Brand,
                Channel::Mail,
                31,
                2,
                6000,
            ),
            (
                "non-preferred 10 at a pharmacy",
                Tier::NonPreferred,
                Channel::PickUp,
                10,
                1,
                3000,
            ),
            (
                "generic 120 by mail is capped at 90",
                Tier::Generic,
                Channel::Mail,
                120,
                1,
                2000,
            ),
        ];
        for (case, tier, ch, days, periods, cents) in rows {
            let c = charge(&B, tier, ch, days);
            assert_eq!((c.periods, c.cents()), (periods, Some(cents)), "{case}");
            assert!(c.days <= ch.max_days(), "{case}");
        }
    }

    #[test]
    fn coinsurance_has_no_fixed_amount() {
        let b = DrugBenefits {
            generic: Cost::Coinsurance(20),
            ..B
        };
        let c = charge(&b, Tier::Generic, Channel::PickUp, 30);
        assert_eq!(c.cost, Cost::Coinsurance(20));
        assert_eq!(c.cents(), None);
    }
}
