//! Who may hold their own portal account (PRX-07 COPPA: nobody under 13; PRX-04: teens 13–17
//! get a teen account with teen limits). Ages are the shipped defaults of DOMAIN.md
//! "Wellspring's defaults".

use jiff::civil::Date;

use super::age::{age_on, date_turning};

/// Minimum age for a self-service account (PRX-07).
pub const OWN_ACCOUNT_AGE: i16 = 13;
/// Age of majority: from the 18th birthday the account is an adult one (PRX-05).
pub const ADULT_AGE: i16 = 18;

/// The kind of own account a person may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// 18 or older.
    Adult,
    /// 13–17: own record including confidential care (PRX-04, PRX-06).
    Teen,
}

/// Why a person may not hold an own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountRefusal {
    /// Under 13: COPPA requires verifiable parental consent, so a parent acts by proxy (PRX-07).
    #[error("under 13")]
    UnderThirteen,
}

impl AccountRefusal {
    /// Stable code for translations and API errors.
    pub fn code(self) -> &'static str {
        match self {
            AccountRefusal::UnderThirteen => "under-13",
        }
    }

    /// Message to show the person (English).
    pub fn message(self) -> &'static str {
        match self {
            AccountRefusal::UnderThirteen => {
                "You must be 13 or older to create your own account. A parent or guardian can \
                 see your record and act for you: ask them to request proxy access (\"Act for a \
                 family member\") from their own account."
            }
        }
    }
}

/// Own-account eligibility on `today` (PRX-07, PRX-04).
pub fn own_account(birth: Date, today: Date) -> Result<AccountKind, AccountRefusal> {
    let age = age_on(birth, today);
    if age < OWN_ACCOUNT_AGE {
        Err(AccountRefusal::UnderThirteen)
    } else if age < ADULT_AGE {
        Ok(AccountKind::Teen)
    } else {
        Ok(AccountKind::Adult)
    }
}

/// The first day the person may create an own account (the 13th birthday).
pub fn own_account_from(birth: Date) -> Option<Date> {
    date_turning(birth, OWN_ACCOUNT_AGE)
}

/// The day a teen account becomes an adult one (the 18th birthday).
pub fn adult_from(birth: Date) -> Option<Date> {
    date_turning(birth, ADULT_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn prx_07_no_account_under_13() {
        use AccountKind::*;
        let rows = [
            (
                date(2014, 3, 10),
                date(2026, 3, 10),
                Err(AccountRefusal::UnderThirteen),
            ), // 12 today
            (
                date(2013, 3, 11),
                date(2026, 3, 10),
                Err(AccountRefusal::UnderThirteen),
            ), // day before 13
            (date(2013, 3, 10), date(2026, 3, 10), Ok(Teen)), // 13th birthday
            (date(2013, 2, 28), date(2026, 3, 10), Ok(Teen)),
            (
                date(2026, 3, 10),
                date(2026, 3, 10),
                Err(AccountRefusal::UnderThirteen),
            ), // newborn
            (
                date(2012, 2, 29),
                date(2025, 2, 28),
                Err(AccountRefusal::UnderThirteen),
            ), // leap: not yet
            (date(2012, 2, 29), date(2025, 3, 1), Ok(Teen)), // leap: Mar 1 in a common year
        ];
        for (birth, today, want) in rows {
            assert_eq!(
                own_account(birth, today),
                want,
                "born {birth}, today {today}"
            );
        }
    }

    #[test]
    fn prx_04_teen_until_18() {
        use AccountKind::*;
        let rows = [
            (date(2008, 7, 1), date(2026, 6, 30), Ok(Teen)), // day before 18
            (date(2008, 7, 1), date(2026, 7, 1), Ok(Adult)), // 18th birthday
            (date(2008, 2, 29), date(2026, 2, 28), Ok(Teen)),
            (date(2008, 2, 29), date(2026, 3, 1), Ok(Adult)),
            (date(1950, 1, 1), date(2026, 3, 10), Ok(Adult)),
        ];
        for (birth, today, want) in rows {
            assert_eq!(
                own_account(birth, today),
                want,
                "born {birth}, today {today}"
            );
        }
    }

    #[test]
    fn ex_p4_self_registration_at_12_rejected_with_proxy_hint() {
        let r = own_account(date(2013, 6, 1), date(2026, 3, 2));
        assert_eq!(r, Err(AccountRefusal::UnderThirteen));
        let msg = AccountRefusal::UnderThirteen.message();
        assert!(msg.contains("13") && msg.contains("proxy"));
        assert_eq!(AccountRefusal::UnderThirteen.code(), "under-13");
        assert_eq!(own_account_from(date(2013, 6, 1)), Some(date(2026, 6, 1)));
        assert_eq!(adult_from(date(2008, 2, 29)), Some(date(2026, 3, 1)));
    }
}
