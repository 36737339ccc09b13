//! Disclosures of a member's record and the accounting of them (HIP-03, 45 CFR 164.528).
//!
//! Staff record each disclosure made outside the portal (a report to public health, an answer
//! to a court order, …) with its date, recipient, purpose and what was disclosed. The member's
//! accounting lists the *accountable* ones of the period asked for (at most the six years before
//! the request): 164.528(a)(1) leaves out disclosures for treatment, payment and operations, to
//! the member, under the member's authorization, to people involved in their care or the
//! directory, for national security, to correctional institutions, as part of a limited data set,
//! and incidental ones. What the portal's own paths disclose (share links, apps, copies to a
//! third party) is under the member's authorization and in their access log instead.

use jiff::civil::Date;

/// Why a disclosure was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    // Accountable (164.512 and others without the member's authorization).
    PublicHealth,
    HealthOversight,
    Judicial,
    LawEnforcement,
    Research,
    AbuseReport,
    Decedent,
    OrganDonation,
    SeriousThreat,
    WorkersComp,
    RequiredByLaw,
    // Not accountable (164.528(a)(1)(i)–(ix)).
    Treatment,
    Payment,
    Operations,
    ToMember,
    Authorized,
    InvolvedOrDirectory,
    NationalSecurity,
    Corrections,
    LimitedDataSet,
    Incidental,
}

impl Purpose {
    pub const ALL: [Purpose; 21] = [
        Purpose::PublicHealth,
        Purpose::HealthOversight,
        Purpose::Judicial,
        Purpose::LawEnforcement,
        Purpose::Research,
        Purpose::AbuseReport,
        Purpose::Decedent,
        Purpose::OrganDonation,
        Purpose::SeriousThreat,
        Purpose::WorkersComp,
        Purpose::RequiredByLaw,
        Purpose::Treatment,
        Purpose::Payment,
        Purpose::Operations,
        Purpose::ToMember,
        Purpose::Authorized,
        Purpose::InvolvedOrDirectory,
        Purpose::NationalSecurity,
        Purpose::Corrections,
        Purpose::LimitedDataSet,
        Purpose::Incidental,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::PublicHealth => "public-health",
            Purpose::HealthOversight => "health-oversight",
            Purpose::Judicial => "judicial",
            Purpose::LawEnforcement => "law-enforcement",
            Purpose::Research => "research",
            Purpose::AbuseReport => "abuse-report",
            Purpose::Decedent => "decedent",
            Purpose::OrganDonation => "organ-donation",
            Purpose::SeriousThreat => "serious-threat",
            Purpose::WorkersComp => "workers-comp",
            Purpose::RequiredByLaw => "required-by-law",
            Purpose::Treatment => "treatment",
            Purpose::Payment => "payment",
            Purpose::Operations => "operations",
            Purpose::ToMember => "to-member",
            Purpose::Authorized => "authorized",
            Purpose::InvolvedOrDirectory => "involved",
            Purpose::NationalSecurity => "national-security",
            Purpose::Corrections => "corrections",
            Purpose::LimitedDataSet => "limited-data-set",
            Purpose::Incidental => "incidental",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Whether the member's accounting lists it (HIP-03).
    pub fn accountable(self) -> bool {
        !matches!(
            self,
            Purpose::Treatment
                | Purpose::Payment
                | Purpose::Operations
                | Purpose::ToMember
                | Purpose::Authorized
                | Purpose::InvolvedOrDirectory
                | Purpose::NationalSecurity
                | Purpose::Corrections
                | Purpose::LimitedDataSet
                | Purpose::Incidental
        )
    }
}

/// One disclosure: what 164.528(b)(2) says an accounting names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub on: Date,
    /// Who received it (and their address, if known).
    pub recipient: String,
    pub purpose: Purpose,
    /// A brief description of what was disclosed.
    pub what: String,
    /// A brief statement of the purpose or the legal basis (a copy of the request may stand in).
    pub basis: String,
}

/// Why a disclosure cannot be recorded as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Dated after today.
    InTheFuture,
    /// More than six years ago: outside what any accounting covers, and past the retention of
    /// the audit trail it belongs with (HIP-07).
    TooOld,
    NoRecipient,
    NoDescription,
    TooLong,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::InTheFuture => "the date of a disclosure cannot be after today",
            Refusal::TooOld => "a disclosure more than six years ago is outside every accounting",
            Refusal::NoRecipient => "say who received the information",
            Refusal::NoDescription => "say briefly what was disclosed",
            Refusal::TooLong => "keep each answer under 1,000 characters",
        }
    }
}

/// Check a disclosure before it is recorded.
pub fn check(d: &Disclosure, today: Date) -> Result<(), Refusal> {
    if d.on > today {
        return Err(Refusal::InTheFuture);
    }
    let (earliest, _) = super::requests::accounting_period(today, None);
    if d.on < earliest {
        return Err(Refusal::TooOld);
    }
    if d.recipient.trim().is_empty() {
        return Err(Refusal::NoRecipient);
    }
    if d.what.trim().is_empty() {
        return Err(Refusal::NoDescription);
    }
    if [&d.recipient, &d.what, &d.basis]
        .iter()
        .any(|s| s.chars().count() > 1000)
    {
        return Err(Refusal::TooLong);
    }
    Ok(())
}

/// The accounting (HIP-03): the accountable disclosures made within `period` (both days
/// included), oldest first, as 164.528(b) lists them.
pub fn accounting(all: &[Disclosure], period: (Date, Date)) -> Vec<&Disclosure> {
    let mut out: Vec<&Disclosure> = all
        .iter()
        .filter(|d| d.purpose.accountable() && d.on >= period.0 && d.on <= period.1)
        .collect();
    out.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.recipient.cmp(&b.recipient)));
    out
}

/// The first day of the period a member asked for, when their words hold a date
/// (`YYYY-MM-DD`), for [`super::requests::accounting_period`].
pub fn asked_from(details: &str) -> Option<Date> {
    details
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .find_map(|w| w.parse::<Date>().ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn d(on: Date, purpose: Purpose) -> Disclosure {
        Disclosure {
            on,
            recipient: format!("{} office", purpose.code()),
            purpose,
            what: "immunization history".into(),
            basis: "state reporting law".into(),
        }
    }

    /// HIP-03: what the accounting leaves out (164.528(a)(1)).
    #[test]
    fn hip_03_what_is_accountable() {
        let table = [
            (Purpose::PublicHealth, true),
            (Purpose::HealthOversight, true),
            (Purpose::Judicial, true),
            (Purpose::LawEnforcement, true),
            (Purpose::Research, true),
            (Purpose::AbuseReport, true),
            (Purpose::Decedent, true),
            (Purpose::OrganDonation, true),
            (Purpose::SeriousThreat, true),
            (Purpose::WorkersComp, true),
            (Purpose::RequiredByLaw, true),
            (Purpose::Treatment, false),
            (Purpose::Payment, false),
            (Purpose::Operations, false),
            (Purpose::ToMember, false),
            (Purpose::Authorized, false),
            (Purpose::InvolvedOrDirectory, false),
            (Purpose::NationalSecurity, false),
            (Purpose::Corrections, false),
            (Purpose::LimitedDataSet, false),
            (Purpose::Incidental, false),
        ];
        assert_eq!(table.len(), Purpose::ALL.len());
        for (p, want) in table {
            assert_eq!(p.accountable(), want, "{p:?}");
            assert_eq!(Purpose::from_code(p.code()), Some(p));
        }
        assert_eq!(Purpose::from_code("gossip"), None);
    }

    /// HIP-03 with EX-H2's dates: a request on 2026-03-02 covers 2020-03-02..2026-03-02; the
    /// list holds the accountable disclosures of that period, oldest first.
    #[test]
    fn hip_03_accounting_of_a_period() {
        let all = [
            d(date(2026, 2, 1), Purpose::Judicial),
            d(date(2020, 3, 1), Purpose::PublicHealth), // a day before the period
            d(date(2020, 3, 2), Purpose::PublicHealth), // its first day
            d(date(2025, 5, 5), Purpose::Treatment),    // not accountable
            d(date(2026, 3, 2), Purpose::LawEnforcement), // the request's own day
            d(date(2026, 3, 3), Purpose::Research),     // after the request
            d(date(2024, 1, 9), Purpose::Authorized),   // the member's authorization
        ];
        let period = super::super::requests::accounting_period(date(2026, 3, 2), None);
        assert_eq!(period, (date(2020, 3, 2), date(2026, 3, 2)));
        let list: Vec<(Date, Purpose)> = accounting(&all, period)
            .iter()
            .map(|d| (d.on, d.purpose))
            .collect();
        assert_eq!(
            list,
            [
                (date(2020, 3, 2), Purpose::PublicHealth),
                (date(2026, 2, 1), Purpose::Judicial),
                (date(2026, 3, 2), Purpose::LawEnforcement),
            ]
        );
        // A shorter period the member asked for.
        let from = asked_from("since 2026-01-01 please");
        assert_eq!(from, Some(date(2026, 1, 1)));
        let period = super::super::requests::accounting_period(date(2026, 3, 2), from);
        assert_eq!(accounting(&all, period).len(), 2);
        assert_eq!(asked_from("the last six years"), None);
    }

    #[test]
    fn hip_03_a_disclosure_is_checked_before_it_is_recorded() {
        let today = date(2026, 12, 5);
        let ok = d(date(2026, 12, 5), Purpose::PublicHealth);
        assert_eq!(check(&ok, today), Ok(()));
        let table = [
            (
                Disclosure {
                    on: date(2026, 12, 6),
                    ..ok.clone()
                },
                Refusal::InTheFuture,
            ),
            (
                Disclosure {
                    on: date(2020, 12, 4),
                    ..ok.clone()
                },
                Refusal::TooOld,
            ),
            (
                Disclosure {
                    recipient: "  ".into(),
                    ..ok.clone()
                },
                Refusal::NoRecipient,
            ),
            (
                Disclosure {
                    what: String::new(),
                    ..ok.clone()
                },
                Refusal::NoDescription,
            ),
            (
                Disclosure {
                    basis: "x".repeat(1001),
                    ..ok.clone()
                },
                Refusal::TooLong,
            ),
        ];
        for (bad, want) in table {
            assert_eq!(check(&bad, today), Err(want), "{bad:?}");
        }
        assert_eq!(
            check(
                &Disclosure {
                    on: date(2020, 12, 5),
                    ..ok
                },
                today
            ),
            Ok(()),
            "six years back to the day is still covered"
        );
    }
}
