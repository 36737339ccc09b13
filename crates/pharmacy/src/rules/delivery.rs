//! Business days and the dates the member is promised: mail-order delivery in 3–5 business days
//! (SEED-07, up to 7 at the outside, RX-07), a renewal answer within 2 working days (RX-06), and
//! the card on file that mail order needs even at $0 (RX-08).

use jiff::civil::Date;

use super::cost::Channel;

pub use ws_fhir_service::calendar::{add_business_days, federal_holidays, is_business_day};

/// When a mail order placed on `ordered` arrives: between the 3rd and the 5th business day
/// (SEED-07), and no later than the 7th (RX-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub earliest: Date,
    pub latest: Date,
    pub at_the_outside: Date,
}

pub fn mail_estimate(ordered: Date) -> Estimate {
    Estimate {
        earliest: add_business_days(ordered, 3),
        latest: add_business_days(ordered, 5),
        at_the_outside: add_business_days(ordered, 7),
    }
}

/// The day by which a renewal request made on `requested` is answered (RX-06: 2 working days).
pub fn renewal_answer_by(requested: Date) -> Date {
    add_business_days(requested, 2)
}

/// Why an order cannot be placed as asked, before any rule about the drug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Mail order needs a card on file, even when nothing is charged (RX-08): the cost share
    /// is charged when the order ships, and some shipments (express) are paid.
    CardNeeded,
    /// This drug does not ship by mail (SEED-07).
    NoMail,
}

/// May an order of a drug (`mail_ok` from the formulary) go by `channel`? Mail needs a card on
/// file whatever the member's share (RX-08).
pub fn check_channel(channel: Channel, mail_ok: bool, card_on_file: bool) -> Option<Hold> {
    match channel {
        Channel::PickUp => None,
        Channel::Mail if !mail_ok => Some(Hold::NoMail),
        Channel::Mail if !card_on_file => Some(Hold::CardNeeded),
        Channel::Mail => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn federal_holidays_2026_observed() {
        let h = federal_holidays(2026);
        for day in [
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            // July 4, 2026 is a Saturday: observed Friday July 3.
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
        ] {
            assert!(h.contains(&d(day)), "{day}");
        }
        assert!(!h.contains(&d("2026-07-04")));
        // January 1, 2028 is a Saturday: observed Friday December 31, 2027.
        assert!(federal_holidays(2027).contains(&d("2027-12-31")));
    }

    #[test]
    fn seed_07_mail_estimate_table() {
        // (case, ordered, earliest, latest, outside)
        let rows = [
            (
                "a Monday",
                "2026-03-02",
                "2026-03-05",
                "2026-03-09",
                "2026-03-11",
            ),
            (
                "a Friday skips the weekend",
                "2026-03-06",
                "2026-03-11",
                "2026-03-13",
                "2026-03-17",
            ),
            (
                "a Saturday",
                "2026-03-07",
                "2026-03-11",
                "2026-03-13",
                "2026-03-17",
            ),
            (
                "Thanksgiving week",
                "2026-11-24",
                "2026-11-30",
                "2026-12-02",
                "2026-12-04",
            ),
            (
                "Christmas and New Year",
                "2026-12-23",
                "2026-12-29",
                "2026-12-31",
                "2027-01-05",
            ),
            (
                "leap year February",
                "2028-02-25",
                "2028-03-01",
                "2028-03-03",
                "2028-03-07",
            ),
        ];
        for (case, ordered, e, l, o) in rows {
            let est = mail_estimate(d(ordered));
            assert_eq!(
                (est.earliest, est.latest, est.at_the_outside),
                (d(e), d(l), d(o)),
                "{case}"
            );
        }
    }

    #[test]
    fn rx_06_renewal_in_two_working_days() {
        assert_eq!(renewal_answer_by(d("2026-03-02")), d("2026-03-04"));
        assert_eq!(renewal_answer_by(d("2026-03-05")), d("2026-03-09"));
        // Friday before Memorial Day.
        assert_eq!(renewal_answer_by(d("2026-05-22")), d("2026-05-27"));
    }

    #[test]
    fn rx_08_card_needed_for_mail_even_at_zero() {
        // Whatever the member's share — $0 included — mail needs a card on file.
        assert_eq!(
            check_channel(Channel::Mail, true, false),
            Some(Hold::CardNeeded)
        );
        assert_eq!(check_channel(Channel::Mail, true, true), None);
        assert_eq!(check_channel(Channel::PickUp, true, false), None);
        assert_eq!(
            check_channel(Channel::Mail, false, true),
            Some(Hold::NoMail)
        );
    }
}
