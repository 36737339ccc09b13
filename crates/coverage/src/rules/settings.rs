//! Effective-dated configuration for the coverage rules (DOMAIN "Wellspring's defaults" table
//! and §1). No rule in this crate holds a window, age, amount or threshold of its own: they all
//! come from a [`Settings`] picked out of a [`SettingsTable`] by date and scope (a state such as
//! "CO", or a market key such as "individual" — see [`crate::rules::Market::scope_key`]).

use std::sync::LazyLock;

use jiff::civil::Date;

use crate::rules::Market;
pub use crate::rules::dates::MonthDay;
use crate::rules::dates::{add_days, ymd};

/// How the last day of an N-day window is counted (ENR-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Federal text, "60 days from the date of" the event: last day = event + N.
    FromEvent,
    /// Colorado style, the event day is day 1: last day = event + N − 1.
    EventIsDayOne,
}

impl DayCount {
    /// Last day of an N-day window that starts with the event on `event`.
    pub fn last_day(self, event: Date, days: i64) -> Date {
        match self {
            DayCount::FromEvent => add_days(event, days),
            DayCount::EventIsDayOne => add_days(event, days - 1),
        }
    }
}

/// Regular special-enrollment effective date (ENR-04), a per-market setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SepEffective {
    /// Current federal default: 1st of the month after plan selection.
    FirstOfNextMonth,
    /// Stored 45 CFR 155.420(b)(1) text: selected on day 1–15 → 1st of next month; day 16 to the
    /// month's end → 1st of the second following month.
    Legacy15th,
}

/// Where a dependent child's coverage ends at the age limit (ENR-13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeEnd {
    /// Covered through the day before the birthday at the age limit (Wellspring default).
    DayBeforeBirthday,
    /// Covered through the last day of the month of that birthday (a plan setting).
    MonthEnd,
}

/// When Medicaid/CHIP coverage starts for an application (ENR-22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MedicaidEffective {
    /// 1st of the month of application (42 CFR 435.915(b) state option; the default, so a
    /// member who applies mid-month is covered for care earlier that month).
    FirstOfApplicationMonth,
    /// The application date itself.
    ApplicationDate,
}

/// ACA open enrollment for the plan years from `first_plan_year` on (ENR-01, ENR-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpenEnrollmentRule {
    pub first_plan_year: i16,
    /// The DOMAIN rule this window comes from ("ENR-01", "ENR-02").
    pub rule: &'static str,
    /// First day, in the calendar year before the plan year (Nov 1).
    pub start: MonthDay,
    /// Last day (Jan 15 of the plan year through PY2026; Dec 15 of the year before from PY2027).
    pub end: MonthDay,
    /// Whether `end` falls in the plan year itself (true for Jan 15).
    pub end_in_plan_year: bool,
    /// Plans selected on or before this day (in the year before) start Jan 1 of the plan year.
    pub jan1_if_selected_by: MonthDay,
    /// Later selections start on this day of the plan year (Feb 1).
    pub late_effective: MonthDay,
}

impl OpenEnrollmentRule {
    pub fn start_date(&self, plan_year: i16) -> Date {
        self.start.in_year(plan_year - 1)
    }

    pub fn end_date(&self, plan_year: i16) -> Date {
        if self.end_in_plan_year {
            self.end.in_year(plan_year)
        } else {
            self.end.in_year(plan_year - 1)
        }
    }

    /// Effective date for a plan selected on `selected` during this plan year's window.
    pub fn effective_for(&self, plan_year: i16, selected: Date) -> Date {
        if selected <= self.jan1_if_selected_by.in_year(plan_year - 1) {
            ymd(plan_year, 1, 1)
        } else {
            self.late_effective.in_year(plan_year)
        }
    }
}

/// A window repeating every year. When `end` comes before `start` in the calendar the window
/// runs into the next year (the 5-star SEP, Dec 8 – Nov 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct YearlyWindow {
    pub start: MonthDay,
    pub end: MonthDay,
}

impl YearlyWindow {
    fn wraps(&self) -> bool {
        (self.end.month, self.end.day) < (self.start.month, self.start.day)
    }

    /// The occurrence of this window that contains `on`, if any, as (first day, last day).
    pub fn containing(&self, on: Date) -> Option<(Date, Date)> {
        for start_year in [on.year() - 1, on.year()] {
            let (s, e) = self.occurrence(start_year);
            if s <= on && on <= e {
                return Some((s, e));
            }
        }
        None
    }

    /// The occurrence that starts in `start_year`.
    pub fn occurrence(&self, start_year: i16) -> (Date, Date) {
        let start = self.start.in_year(start_year);
        let end_year = if self.wraps() {
            start_year + 1
        } else {
            start_year
        };
        (start, self.end.in_year(end_year))
    }

    /// First day of the first occurrence starting strictly after `on`.
    pub fn next_start_after(&self, on: Date) -> Date {
        let this_year = self.start.in_year(on.year());
        if this_year > on {
            this_year
        } else {
            self.start.in_year(on.year() + 1)
        }
    }
}

/// Every coverage setting (DOMAIN defaults table and §1), for one effective date and scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// ACA open enrollment by plan year (ENR-01, ENR-02); the rule with the greatest
    /// `first_plan_year` ≤ the plan year applies (the earliest rule for older plan years).
    pub aca_open_enrollment: Vec<OpenEnrollmentRule>,
    /// SEP length after the event (ENR-03): 60.
    pub sep_days: i64,
    /// How far before a known loss of coverage a plan may be selected (ENR-03): 60.
    pub sep_days_before_loss: i64,
    pub sep_day_count: DayCount,
    pub sep_effective: SepEffective,
    /// Days to add a newborn/adopted child, individual market (ENR-05): 60.
    pub newborn_days_individual: i64,
    /// Days to add a newborn/adopted child, group market (ENR-11, KP EOC): 31; the newborn is
    /// covered automatically for these days.
    pub newborn_days_group: i64,
    /// Group special enrollment after marriage or loss of other coverage (ENR-10/11): 31.
    pub group_special_enrollment_days: i64,
    /// Dependent child age limit (ENR-13): 26.
    pub dependent_age_limit: i16,
    pub age_end: AgeEnd,
    /// Medicare entitlement age for the IEP (ENR-15): 65.
    pub medicare_age: i16,
    /// IEP months before and after the birthday month (ENR-15): 3 and 3.
    pub iep_months_before: i64,
    pub iep_months_after: i64,
    /// MA ICEP starts this many months before Part A+B entitlement (ENR-16): 3.
    pub icep_months_before: i64,
    /// Medicare annual election period Oct 15 – Dec 7, effective Jan 1 (ENR-17).
    pub aep: YearlyWindow,
    /// MA open enrollment Jan 1 – Mar 31 (ENR-18).
    pub ma_oep: YearlyWindow,
    /// Medicare general enrollment Jan 1 – Mar 31 (ENR-15).
    pub gep: YearlyWindow,
    /// 5-star SEP Dec 8 – Nov 30 (ENR-19).
    pub five_star: YearlyWindow,
    /// MA grace before disenrollment for unpaid premium, whole calendar months (ENR-20): 2.
    pub ma_nonpayment_grace_months: i64,
    /// APTC enrollee grace period, months (ENR-09): 3.
    pub aptc_grace_months: i64,
    /// COBRA months for dependents after the subscriber's death (ENR-12): 36.
    pub cobra_months_death: u32,
    /// COBRA months after job loss (ENR-12): 18.
    pub cobra_months_job_loss: u32,
    /// COBRA election window, at least (ENR-12): 60 days.
    pub cobra_election_days: u32,
    /// Days the plan has to send the COBRA election notice (ENR-12): 44.
    pub cobra_notice_days: u32,
    /// Medicaid/CHIP children's continuous enrollment (ENR-22): 12 months, under age 19, from
    /// 2024-01-01.
    pub medicaid_child_continuous_months: u32,
    pub medicaid_child_age_limit: i16,
    pub medicaid_continuous_from: Date,
    pub medicaid_effective: MedicaidEffective,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            aca_open_enrollment: vec![
                // ENR-01: PY2022–2026, Nov 1 – Jan 15; by Dec 15 → Jan 1, later → Feb 1.
                OpenEnrollmentRule {
                    first_plan_year: 2022,
                    rule: "ENR-01",
                    start: MonthDay::new(11, 1),
                    end: MonthDay::new(1, 15),
                    end_in_plan_year: true,
                    jan1_if_selected_by: MonthDay::new(12, 15),
                    late_effective: MonthDay::new(2, 1),
                },
                // ENR-02: from PY2027, Nov 1 – Dec 15 → Jan 1.
                OpenEnrollmentRule {
                    first_plan_year: 2027,
                    rule: "ENR-02",
                    start: MonthDay::new(11, 1),
                    end: MonthDay::new(12, 15),
                    end_in_plan_year: false,
                    jan1_if_selected_by: MonthDay::new(12, 15),
                    late_effective: MonthDay::new(1, 1),
                },
            ],
            sep_days: 60,
            sep_days_before_loss: 60,
            sep_day_count: DayCount::FromEvent,
            sep_effective: SepEffective::FirstOfNextMonth,
            newborn_days_individual: 60,
            newborn_days_group: 31,
            group_special_enrollment_days: 31,
            dependent_age_limit: 26,
            age_end: AgeEnd::DayBeforeBirthday,
            medicare_age: 65,
            iep_months_before: 3,
            iep_months_after: 3,
            icep_months_before: 3,
            aep: YearlyWindow {
                start: MonthDay::new(10, 15),
                end: MonthDay::new(12, 7),
            },
            ma_oep: YearlyWindow {
                start: MonthDay::new(1, 1),
                end: MonthDay::new(3, 31),
            },
            gep: YearlyWindow {
                start: MonthDay::new(1, 1),
                end: MonthDay::new(3, 31),
            },
            five_star: YearlyWindow {
                start: MonthDay::new(12, 8),
                end: MonthDay::new(11, 30),
            },
            ma_nonpayment_grace_months: 2,
            aptc_grace_months: 3,
            cobra_months_death: 36,
            cobra_months_job_loss: 18,
            cobra_election_days: 60,
            cobra_notice_days: 44,
            medicaid_child_continuous_months: 12,
            medicaid_child_age_limit: 19,
            medicaid_continuous_from: ymd(2024, 1, 1),
            medicaid_effective: MedicaidEffective::FirstOfApplicationMonth,
        }
    }
}

impl Settings {
    /// The ACA open-enrollment rule for a plan year.
    pub fn open_enrollment(&self, plan_year: i16) -> Option<&OpenEnrollmentRule> {
        self.aca_open_enrollment
            .iter()
            .filter(|r| r.first_plan_year <= plan_year)
            .max_by_key(|r| r.first_plan_year)
            .or_else(|| {
                self.aca_open_enrollment
                    .iter()
                    .min_by_key(|r| r.first_plan_year)
            })
    }
}

static DEFAULT_SETTINGS: LazyLock<Settings> = LazyLock::new(Settings::default);

/// Settings rows, each effective from a date, optionally scoped to a market key or a state.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsTable {
    /// (effective from, scope, settings). Scope `None` applies everywhere; `Some("CO")` only
    /// where that state is asked for; `Some("individual")` only for that market.
    pub rows: Vec<(Date, Option<String>, Settings)>,
}

impl Default for SettingsTable {
    fn default() -> Self {
        Self::default_table()
    }
}

impl SettingsTable {
    /// The shipped defaults: one unscoped row effective from 2014-01-01 (the first ACA plan
    /// year).
    pub fn default_table() -> Self {
        SettingsTable {
            rows: vec![(ymd(2014, 1, 1), None, Settings::default())],
        }
    }

    /// Adds a row (builder style).
    pub fn with_row(mut self, from: Date, scope: Option<&str>, settings: Settings) -> Self {
        self.rows.push((from, scope.map(str::to_owned), settings));
        self
    }

    /// The latest row effective on `date` with exactly this scope (a `None` scope asks for the
    /// unscoped rows); a scoped request with no matching row falls back to the unscoped rows;
    /// when nothing is effective yet, the first unscoped row (the default row).
    pub fn for_date(&self, date: Date, scope: Option<&str>) -> &Settings {
        match scope {
            Some(s) => self.scoped(date, s).unwrap_or_else(|| self.unscoped(date)),
            None => self.unscoped(date),
        }
    }

    /// Settings for an enrollment request: a state row first, then a market row, then the
    /// unscoped rows.
    pub fn for_request(&self, date: Date, state: Option<&str>, market: Market) -> &Settings {
        state
            .and_then(|st| self.scoped(date, st))
            .or_else(|| self.scoped(date, market.scope_key()))
            .unwrap_or_else(|| self.unscoped(date))
    }

    fn latest(&self, date: Date, matches: impl Fn(&Option<String>) -> bool) -> Option<&Settings> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, (from, scope, _))| *from <= date && matches(scope))
            // Latest effective date wins; among equal dates, the row added last.
            .max_by_key(|(i, (from, _, _))| (*from, *i))
            .map(|(_, (_, _, s))| s)
    }

    fn scoped(&self, date: Date, scope: &str) -> Option<&Settings> {
        self.latest(date, |s| {
            s.as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case(scope.trim()))
        })
    }

    fn unscoped(&self, date: Date) -> &Settings {
        self.latest(date, Option::is_none)
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|(_, scope, _)| scope.is_none())
                    .map(|(_, _, s)| s)
            })
            .unwrap_or(&DEFAULT_SETTINGS)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // Defaults table (DOMAIN top) + ENR-01/02/03/05/09/10/11/12/13/15..20/22: shipped values.
    #[test]
    fn defaults_table_values() {
        let t = SettingsTable::default_table();
        let s = t.for_date(date(2026, 1, 1), None);
        assert_eq!(s.sep_days, 60);
        assert_eq!(s.sep_day_count, DayCount::FromEvent);
        assert_eq!(s.sep_effective, SepEffective::FirstOfNextMonth);
        assert_eq!(s.newborn_days_individual, 60);
        assert_eq!(s.newborn_days_group, 31);
        assert_eq!(s.group_special_enrollment_days, 31);
        assert_eq!(s.dependent_age_limit, 26);
        assert_eq!(s.age_end, AgeEnd::DayBeforeBirthday);
        assert_eq!(s.ma_nonpayment_grace_months, 2);
        assert_eq!(s.aptc_grace_months, 3);
        assert_eq!(s.cobra_months_death, 36);
        assert_eq!(s.cobra_months_job_loss, 18);
        assert_eq!(s.medicaid_child_continuous_months, 12);
        assert_eq!(s.medicaid_child_age_limit, 19);
    }

    // ENR-01 / ENR-02 (DOMAIN §1): OE dates per plan year, one row per plan year.
    #[test]
    fn enr_01_02_open_enrollment_by_plan_year() {
        let s = Settings::default();
        // (plan year, start, end, selected, effective)
        let table = [
            (
                2022,
                date(2021, 11, 1),
                date(2022, 1, 15),
                date(2021, 12, 15),
                date(2022, 1, 1),
            ),
            (
                2026,
                date(2025, 11, 1),
                date(2026, 1, 15),
                date(2025, 12, 15),
                date(2026, 1, 1),
            ),
            (
                2026,
                date(2025, 11, 1),
                date(2026, 1, 15),
                date(2025, 12, 16),
                date(2026, 2, 1),
            ),
            (
                2026,
                date(2025, 11, 1),
                date(2026, 1, 15),
                date(2026, 1, 15),
                date(2026, 2, 1),
            ),
            (
                2027,
                date(2026, 11, 1),
                date(2026, 12, 15),
                date(2026, 12, 15),
                date(2027, 1, 1),
            ),
            (
                2030,
                date(2029, 11, 1),
                date(2029, 12, 15),
                date(2029, 11, 1),
                date(2030, 1, 1),
            ),
            // Before the first configured plan year the earliest rule applies.
            (
                2019,
                date(2018, 11, 1),
                date(2019, 1, 15),
                date(2018, 12, 20),
                date(2019, 2, 1),
            ),
        ];
        for (py, start, end, selected, effective) in table {
            let r = s.open_enrollment(py).unwrap();
            assert_eq!(r.start_date(py), start, "PY{py}");
            assert_eq!(r.end_date(py), end, "PY{py}");
            assert_eq!(
                r.effective_for(py, selected),
                effective,
                "PY{py} {selected}"
            );
        }
    }

    // ENR-03 (DOMAIN §1): both day-counting rules, incl. a window across Feb 29 2028.
    #[test]
    fn enr_03_day_count_rules() {
        let table = [
            (DayCount::FromEvent, date(2026, 4, 10), date(2026, 6, 9)),
            (DayCount::EventIsDayOne, date(2026, 4, 10), date(2026, 6, 8)),
            (DayCount::FromEvent, date(2028, 1, 31), date(2028, 3, 31)),
            (
                DayCount::EventIsDayOne,
                date(2028, 1, 31),
                date(2028, 3, 30),
            ),
            (DayCount::FromEvent, date(2027, 1, 31), date(2027, 4, 1)),
        ];
        for (count, event, last) in table {
            assert_eq!(count.last_day(event, 60), last, "{count:?} {event}");
        }
    }

    // ENR-17/18/19 (DOMAIN §1): yearly windows, incl. the 5-star window across the new year.
    #[test]
    fn enr_19_yearly_window_wraps_new_year() {
        let s = Settings::default();
        let table = [
            (
                s.five_star,
                date(2026, 12, 8),
                Some((date(2026, 12, 8), date(2027, 11, 30))),
            ),
            (
                s.five_star,
                date(2027, 11, 30),
                Some((date(2026, 12, 8), date(2027, 11, 30))),
            ),
            (s.five_star, date(2026, 12, 7), None),
            (s.five_star, date(2026, 12, 1), None),
            (
                s.aep,
                date(2026, 10, 15),
                Some((date(2026, 10, 15), date(2026, 12, 7))),
            ),
            (
                s.aep,
                date(2026, 12, 7),
                Some((date(2026, 10, 15), date(2026, 12, 7))),
            ),
            (s.aep, date(2026, 12, 8), None),
            (s.aep, date(2026, 10, 14), None),
            (
                s.ma_oep,
                date(2028, 3, 31),
                Some((date(2028, 1, 1), date(2028, 3, 31))),
            ),
            (s.ma_oep, date(2028, 4, 1), None),
        ];
        for (w, on, expected) in table {
            assert_eq!(w.containing(on), expected, "{w:?} {on}");
        }
        assert_eq!(
            s.aep.next_start_after(date(2026, 10, 15)),
            date(2027, 10, 15)
        );
        assert_eq!(
            s.aep.next_start_after(date(2026, 10, 14)),
            date(2026, 10, 15)
        );
    }

    // Defaults table: "configuration with an effective-dated table" — a later row overrides.
    #[test]
    fn later_row_overrides_earlier_row() {
        let later = Settings {
            sep_days: 90,
            ..Settings::default()
        };
        let t = SettingsTable::default_table().with_row(date(2027, 1, 1), None, later);
        let table = [
            (date(2026, 12, 31), 60),
            (date(2027, 1, 1), 90),
            (date(2030, 6, 1), 90),
            // Before every row: the default row.
            (date(2010, 1, 1), 60),
        ];
        for (on, days) in table {
            assert_eq!(t.for_date(on, None).sep_days, days, "{on}");
        }
    }

    // ENR-03 (DOMAIN §1): a Colorado row counting the event as day 1 applies only to "CO".
    #[test]
    fn enr_03_state_row_applies_only_to_that_state() {
        let co = Settings {
            sep_day_count: DayCount::EventIsDayOne,
            ..Settings::default()
        };
        let t = SettingsTable::default_table().with_row(date(2020, 1, 1), Some("CO"), co);
        let on = date(2026, 5, 1);
        let table = [
            (Some("CO"), DayCount::EventIsDayOne),
            (Some("co"), DayCount::EventIsDayOne),
            (Some("CA"), DayCount::FromEvent),
            (None, DayCount::FromEvent),
        ];
        for (scope, count) in table {
            assert_eq!(t.for_date(on, scope).sep_day_count, count, "{scope:?}");
        }
        // Before the CO row is effective, CO gets the unscoped row.
        assert_eq!(
            t.for_date(date(2019, 12, 31), Some("CO")).sep_day_count,
            DayCount::FromEvent
        );
        assert_eq!(
            t.for_request(on, Some("CO"), Market::Individual)
                .sep_day_count,
            DayCount::EventIsDayOne
        );
        assert_eq!(
            t.for_request(on, Some("TX"), Market::Individual)
                .sep_day_count,
            DayCount::FromEvent
        );
    }

    // ENR-04 (DOMAIN §1): the legacy 15th rule as a market-scoped row.
    #[test]
    fn enr_04_market_row_applies_only_to_that_market() {
        let legacy = Settings {
            sep_effective: SepEffective::Legacy15th,
            ..Settings::default()
        };
        let t =
            SettingsTable::default_table().with_row(date(2020, 1, 1), Some("individual"), legacy);
        let on = date(2026, 5, 1);
        assert_eq!(
            t.for_request(on, None, Market::Individual).sep_effective,
            SepEffective::Legacy15th
        );
        assert_eq!(
            t.for_request(on, Some("CA"), Market::Individual)
                .sep_effective,
            SepEffective::Legacy15th
        );
        assert_eq!(
            t.for_request(on, None, Market::EmployerGroup).sep_effective,
            SepEffective::FirstOfNextMonth
        );
        // An empty table still answers with the shipped defaults.
        let empty = SettingsTable { rows: vec![] };
        assert_eq!(empty.for_date(on, None).sep_days, 60);
    }
}
