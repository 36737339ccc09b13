use super::*;
use crate::rules::settings::{DayCount, Settings};
use jiff::civil::{Date, date};
use ws_i18n::said::Said;

fn req(market: Market, action: Action, event: Option<LifeEvent>, on: Date) -> EnrollmentRequest {
    EnrollmentRequest {
        market,
        action,
        event,
        requested_on: on,
        employer: None,
        medicare: None,
        state: None,
    }
}

fn ind(event: Option<LifeEvent>, on: Date) -> EnrollmentRequest {
    req(Market::Individual, Action::Enroll, event, on)
}

/// Expected outcome: Ok(effective, rule) or Err(next_allowed, rule).
type Expect = Result<(Date, &'static str), (Option<Date>, &'static str)>;

fn run(rows: &[(&str, EnrollmentRequest, Expect)], table: &SettingsTable) {
    for (name, r, expect) in rows {
        let got = decide(r, table);
        match (expect, &got) {
            (Ok((eff, rule)), Ok(a)) => {
                assert_eq!((a.effective, a.rule), (*eff, *rule), "{name}: {a:?}");
            }
            (Err((next, rule)), Err(rf)) => {
                assert_eq!((rf.next_allowed, rf.rule), (*next, *rule), "{name}: {rf:?}");
                for lang in ws_i18n::Lang::ALL {
                    let said = rf.reason.sentence(lang);
                    assert!(!said.is_empty() && !said.contains('{'), "{name}: {said}");
                }
            }
            _ => panic!("{name}: expected {expect:?}, got {got:?}"),
        }
    }
}

// ENR-01 / EX-E1 (DOMAIN §1, §11): PY2026 open enrollment, both effective dates, first and last
// day of the window, and the refusal the day after it closes.
#[test]
fn enr_01_ex_e1_open_enrollment_py2026() {
    let t = SettingsTable::default_table();
    let rows = [
        (
            "EX-E1 selected Dec 15",
            ind(None, date(2025, 12, 15)),
            Ok((date(2026, 1, 1), "ENR-01")),
        ),
        (
            "EX-E1 selected Dec 16",
            ind(None, date(2025, 12, 16)),
            Ok((date(2026, 2, 1), "ENR-01")),
        ),
        (
            "first day Nov 1",
            ind(None, date(2025, 11, 1)),
            Ok((date(2026, 1, 1), "ENR-01")),
        ),
        (
            "last day Jan 15",
            ind(None, date(2026, 1, 15)),
            Ok((date(2026, 2, 1), "ENR-01")),
        ),
        (
            "EX-E1 Jan 16 refused",
            ind(None, date(2026, 1, 16)),
            Err((Some(date(2026, 11, 1)), "ENR-02")),
        ),
        (
            "day before OE",
            ind(None, date(2025, 10, 31)),
            Err((Some(date(2025, 11, 1)), "ENR-01")),
        ),
    ];
    run(&rows, &t);
    let a = decide(&ind(None, date(2025, 12, 16)), &t).unwrap();
    assert_eq!(a.window.en(), "Open enrollment for 2026");
    assert_eq!(
        a.window.in_lang(ws_i18n::Lang::Es),
        "Inscripción abierta para 2026"
    );
    assert_eq!(a.closes, Some(date(2026, 1, 15)));
    let r = decide(&ind(None, date(2026, 1, 16)), &t).unwrap_err();
    assert_eq!(
        r.reason.en(),
        "Outside open enrollment and no qualifying life event within the last 60 days"
    );
    assert_eq!(
        r.reason.in_lang(ws_i18n::Lang::Es),
        "Fuera de la inscripción abierta y sin un evento de vida que califique en los últimos 60 días"
    );
}

// ENR-02 (DOMAIN §1): from PY2027 open enrollment is Nov 1 – Dec 15 → Jan 1.
#[test]
fn enr_02_open_enrollment_py2027_ends_dec_15() {
    let t = SettingsTable::default_table();
    let rows = [
        (
            "first day",
            ind(None, date(2026, 11, 1)),
            Ok((date(2027, 1, 1), "ENR-02")),
        ),
        (
            "last day",
            ind(None, date(2026, 12, 15)),
            Ok((date(2027, 1, 1), "ENR-02")),
        ),
        (
            "day after",
            ind(None, date(2026, 12, 16)),
            Err((Some(date(2027, 11, 1)), "ENR-02")),
        ),
        (
            "Jan 15 2027 no longer open",
            ind(None, date(2027, 1, 15)),
            Err((Some(date(2027, 11, 1)), "ENR-02")),
        ),
    ];
    run(&rows, &t);
}

// ENR-05 / EX-E2 (DOMAIN §1, §11): newborn effective on the birth date, APTC from the 1st of the
// next month, SEP last day with both day-counting rules.
#[test]
fn enr_05_newborn_effective_on_birth_date() {
    let t = SettingsTable::default_table();
    let born = LifeEvent::Birth(date(2026, 4, 10));
    let add = |on| req(Market::Individual, Action::AddDependent, Some(born), on);
    let rows = [
        (
            "EX-E2 added May 20",
            add(date(2026, 5, 20)),
            Ok((date(2026, 4, 10), "ENR-05")),
        ),
        (
            "birth day itself",
            add(date(2026, 4, 10)),
            Ok((date(2026, 4, 10), "ENR-05")),
        ),
        (
            "EX-E2 last day Jun 9",
            add(date(2026, 6, 9)),
            Ok((date(2026, 4, 10), "ENR-05")),
        ),
        (
            "EX-E2 Jun 10 refused",
            add(date(2026, 6, 10)),
            Err((Some(date(2026, 11, 1)), "ENR-03")),
        ),
        (
            "before the birth",
            add(date(2026, 4, 9)),
            Err((Some(date(2026, 4, 10)), "ENR-03")),
        ),
    ];
    run(&rows, &t);
    let a = decide(&add(date(2026, 5, 20)), &t).unwrap();
    assert_eq!(a.closes, Some(date(2026, 6, 9)));
    assert!(
        a.notes
            .iter()
            .map(Said::en)
            .any(|n| n.contains("Premium tax credit") && n.contains("May 1, 2026"))
    );
    assert_eq!(a.window.en(), "Special enrollment after a birth");

    // Colorado counts the birth day as day 1: last day 2026-06-08.
    let co = Settings {
        sep_day_count: DayCount::EventIsDayOne,
        ..Settings::default()
    };
    let t_co = SettingsTable::default_table().with_row(date(2020, 1, 1), Some("CO"), co);
    let mut r = add(date(2026, 6, 8));
    r.state = Some("CO".into());
    assert_eq!(decide(&r, &t_co).unwrap().closes, Some(date(2026, 6, 8)));
    r.requested_on = date(2026, 6, 9);
    assert_eq!(decide(&r, &t_co).unwrap_err().rule, "ENR-03");
}

// ENR-05 (DOMAIN §1): event on the 1st → APTC the same day; adoption, placement, foster care and
// court orders are effective on their dates; Feb 29 2028 birth.
#[test]
fn enr_05_adoption_placement_court_order_effective_on_event_date() {
    let t = SettingsTable::default_table();
    let rows = [
        (
            "adoption",
            LifeEvent::Adoption(date(2026, 3, 31)),
            date(2026, 4, 20),
        ),
        (
            "placement",
            LifeEvent::PlacementForAdoption(date(2026, 7, 1)),
            date(2026, 7, 2),
        ),
        (
            "foster",
            LifeEvent::FosterCare(date(2026, 1, 31)),
            date(2026, 3, 2),
        ),
        (
            "court order",
            LifeEvent::CourtOrder(date(2026, 9, 15)),
            date(2026, 9, 15),
        ),
        (
            "leap-day birth",
            LifeEvent::Birth(date(2028, 2, 29)),
            date(2028, 4, 29),
        ),
    ];
    for (name, ev, on) in rows {
        let a = decide(
            &req(Market::Individual, Action::AddDependent, Some(ev), on),
            &t,
        )
        .unwrap();
        assert_eq!((a.effective, a.rule), (ev.date(), "ENR-05"), "{name}");
    }
    let a = decide(
        &req(
            Market::Individual,
            Action::AddDependent,
            Some(LifeEvent::PlacementForAdoption(date(2026, 7, 1))),
            date(2026, 7, 2),
        ),
        &t,
    )
    .unwrap();
    assert!(
        a.notes
            .iter()
            .map(Said::en)
            .any(|n| n.contains("start Jul 1, 2026")),
        "{a:?}"
    );
    // Leap-day birth: last day is 2028-04-29 (Feb 29 + 60), refused on the 30th.
    let late = req(
        Market::Individual,
        Action::AddDependent,
        Some(LifeEvent::Birth(date(2028, 2, 29))),
        date(2028, 4, 30),
    );
    assert_eq!(decide(&late, &t).unwrap_err().rule, "ENR-03");
}

// ENR-06 (DOMAIN §1): marriage 5/7 → 6/1 when the plan is chosen in May; month ends.
#[test]
fn enr_06_marriage_first_of_month_after_selection() {
    let t = SettingsTable::default_table();
    let m = |wed, on| {
        req(
            Market::Individual,
            Action::AddSpouse,
            Some(LifeEvent::Marriage(wed)),
            on,
        )
    };
    let rows = [
        (
            "May 7 chosen May 7",
            m(date(2026, 5, 7), date(2026, 5, 7)),
            Ok((date(2026, 6, 1), "ENR-06")),
        ),
        (
            "May 7 chosen May 31",
            m(date(2026, 5, 7), date(2026, 5, 31)),
            Ok((date(2026, 6, 1), "ENR-06")),
        ),
        (
            "May 7 chosen Jun 1",
            m(date(2026, 5, 7), date(2026, 6, 1)),
            Ok((date(2026, 7, 1), "ENR-06")),
        ),
        (
            "last day Jul 6",
            m(date(2026, 5, 7), date(2026, 7, 6)),
            Ok((date(2026, 8, 1), "ENR-06")),
        ),
        (
            "Jul 7 refused",
            m(date(2026, 5, 7), date(2026, 7, 7)),
            Err((Some(date(2026, 11, 1)), "ENR-03")),
        ),
        (
            "Dec 31 wedding",
            m(date(2026, 12, 31), date(2026, 12, 31)),
            Ok((date(2027, 1, 1), "ENR-06")),
        ),
    ];
    run(&rows, &t);
}

// ENR-03 / ENR-04 (DOMAIN §1): loss of coverage chosen before the loss → 1st of the month after
// the loss (no gap); after → 1st of the month after selection; 60 days either side.
#[test]
fn enr_04_loss_of_coverage_selected_before_the_loss() {
    let t = SettingsTable::default_table();
    let loss = LifeEvent::LossOfCoverage(date(2026, 6, 30));
    let rows = [
        (
            "60 days before",
            ind(Some(loss), date(2026, 5, 1)),
            Ok((date(2026, 7, 1), "ENR-04")),
        ),
        (
            "on the last day",
            ind(Some(loss), date(2026, 6, 30)),
            Ok((date(2026, 7, 1), "ENR-04")),
        ),
        (
            "61 days before",
            ind(Some(loss), date(2026, 4, 30)),
            Err((Some(date(2026, 5, 1)), "ENR-03")),
        ),
        (
            "after the loss",
            ind(Some(loss), date(2026, 7, 15)),
            Ok((date(2026, 8, 1), "ENR-06")),
        ),
        (
            "last day after",
            ind(Some(loss), date(2026, 8, 29)),
            Ok((date(2026, 9, 1), "ENR-06")),
        ),
        (
            "61 days after",
            ind(Some(loss), date(2026, 8, 30)),
            Err((Some(date(2026, 11, 1)), "ENR-03")),
        ),
    ];
    run(&rows, &t);
}

// ENR-04 (DOMAIN §1): the legacy 15th-of-month rule as a market setting.
#[test]
fn enr_04_legacy_15th_rule() {
    let legacy = Settings {
        sep_effective: SepEffective::Legacy15th,
        ..Settings::default()
    };
    let t = SettingsTable::default_table().with_row(date(2020, 1, 1), Some("individual"), legacy);
    let mv = Some(LifeEvent::PermanentMove(date(2026, 5, 10)));
    let rows = [
        (
            "selected 1st",
            ind(mv, date(2026, 6, 1)),
            Ok((date(2026, 7, 1), "ENR-04")),
        ),
        (
            "selected 15th",
            ind(mv, date(2026, 5, 15)),
            Ok((date(2026, 6, 1), "ENR-04")),
        ),
        (
            "selected 16th",
            ind(mv, date(2026, 5, 16)),
            Ok((date(2026, 7, 1), "ENR-04")),
        ),
        (
            "selected 31st",
            ind(mv, date(2026, 5, 31)),
            Ok((date(2026, 7, 1), "ENR-04")),
        ),
        (
            "Dec 16 → Feb 1",
            ind(
                Some(LifeEvent::Divorce(date(2026, 12, 1))),
                date(2026, 12, 16),
            ),
            Ok((date(2027, 2, 1), "ENR-04")),
        ),
    ];
    run(&rows, &t);
    // Default (federal) rule: always the 1st of the next month.
    run(
        &[(
            "default 16th",
            ind(mv, date(2026, 5, 16)),
            Ok((date(2026, 6, 1), "ENR-04")),
        )],
        &SettingsTable::default_table(),
    );
}

// ENR-07 (DOMAIN §1): the QLE list opens a SEP; non-payment and voluntary drop do not.
#[test]
fn enr_07_non_payment_and_voluntary_drop_are_not_qles() {
    let t = SettingsTable::default_table();
    let d = date(2026, 3, 10);
    let on = date(2026, 3, 20);
    let rows = [
        (
            "non-payment",
            ind(Some(LifeEvent::NonPayment(d)), on),
            Err((Some(date(2026, 11, 1)), "ENR-07")),
        ),
        (
            "voluntary drop",
            ind(Some(LifeEvent::VoluntaryDrop(d)), on),
            Err((Some(date(2026, 11, 1)), "ENR-07")),
        ),
        (
            "move",
            ind(Some(LifeEvent::PermanentMove(d)), on),
            Ok((date(2026, 4, 1), "ENR-04")),
        ),
        (
            "divorce",
            ind(Some(LifeEvent::Divorce(d)), on),
            Ok((date(2026, 4, 1), "ENR-04")),
        ),
        (
            "death of subscriber",
            ind(Some(LifeEvent::DeathOfSubscriber(d)), on),
            Ok((date(2026, 4, 1), "ENR-04")),
        ),
        (
            "citizenship",
            ind(Some(LifeEvent::Citizenship(d)), on),
            Ok((date(2026, 4, 1), "ENR-04")),
        ),
        (
            "enrollment error",
            ind(Some(LifeEvent::EnrollmentError(d)), on),
            Ok((date(2026, 4, 1), "ENR-04")),
        ),
        // A non-QLE during open enrollment still gets open enrollment.
        (
            "non-payment in OE",
            ind(Some(LifeEvent::NonPayment(d)), date(2026, 11, 2)),
            Ok((date(2027, 1, 1), "ENR-02")),
        ),
    ];
    run(&rows, &t);
    let r = decide(&ind(Some(LifeEvent::NonPayment(d)), on), &t).unwrap_err();
    assert_eq!(
        r.reason.sentence(ws_i18n::Lang::En),
        "Losing coverage for not paying premiums is not a qualifying life event; the next open \
         enrollment starts Nov 1, 2026"
    );
}

// ENR-13 (DOMAIN §1, EX-E4): aging off opens a 60-day SEP; chosen before the birthday → no gap
// beyond the month of the birthday.
#[test]
fn enr_13_aged_off_special_enrollment() {
    let t = SettingsTable::default_table();
    let off = Some(LifeEvent::AgedOff(date(2026, 8, 15)));
    let rows = [
        (
            "before",
            ind(off, date(2026, 8, 1)),
            Ok((date(2026, 9, 1), "ENR-13")),
        ),
        (
            "EX-E4 last day Oct 14",
            ind(off, date(2026, 10, 14)),
            Ok((date(2026, 11, 1), "ENR-13")),
        ),
        (
            "Oct 15 refused",
            ind(off, date(2026, 10, 15)),
            Err((Some(date(2026, 11, 1)), "ENR-03")),
        ),
        (
            "birthday on the 1st",
            ind(
                Some(LifeEvent::AgedOff(date(2026, 9, 1))),
                date(2026, 8, 20),
            ),
            Ok((date(2026, 9, 1), "ENR-13")),
        ),
    ];
    run(&rows, &t);
}

fn grp(
    event: Option<LifeEvent>,
    action: Action,
    on: Date,
    employer: Option<GroupWindow>,
) -> EnrollmentRequest {
    EnrollmentRequest {
        employer,
        ..req(Market::EmployerGroup, action, event, on)
    }
}

// ENR-10 / ENR-11 (DOMAIN §1): group newborn within 31 days from the birth date; spouse within 31
// days → 1st of the month after the request; others wait for the employer's open enrollment.
#[test]
fn enr_11_group_special_enrollment_31_days() {
    let t = SettingsTable::default_table();
    let oe = GroupWindow {
        start: date(2026, 10, 1),
        end: date(2026, 10, 31),
        effective: date(2027, 1, 1),
    };
    let birth = Some(LifeEvent::Birth(date(2026, 4, 10)));
    let wed = Some(LifeEvent::Marriage(date(2026, 1, 31)));
    let rows = [
        (
            "newborn day 0",
            grp(birth, Action::AddDependent, date(2026, 4, 10), Some(oe)),
            Ok((date(2026, 4, 10), "ENR-11")),
        ),
        (
            "newborn last day May 11",
            grp(birth, Action::AddDependent, date(2026, 5, 11), Some(oe)),
            Ok((date(2026, 4, 10), "ENR-11")),
        ),
        (
            "newborn May 12 refused",
            grp(birth, Action::AddDependent, date(2026, 5, 12), Some(oe)),
            Err((Some(date(2026, 10, 1)), "ENR-11")),
        ),
        (
            "adoption placement",
            grp(
                Some(LifeEvent::PlacementForAdoption(date(2026, 2, 28))),
                Action::AddDependent,
                date(2026, 3, 31),
                None,
            ),
            Ok((date(2026, 2, 28), "ENR-11")),
        ),
        (
            "spouse same day",
            grp(wed, Action::AddSpouse, date(2026, 1, 31), None),
            Ok((date(2026, 2, 1), "ENR-11")),
        ),
        (
            "spouse last day Mar 3",
            grp(wed, Action::AddSpouse, date(2026, 3, 3), None),
            Ok((date(2026, 4, 1), "ENR-11")),
        ),
        (
            "spouse Mar 4 refused",
            grp(wed, Action::AddSpouse, date(2026, 3, 4), Some(oe)),
            Err((Some(date(2026, 10, 1)), "ENR-11")),
        ),
        (
            "loss of other coverage",
            grp(
                Some(LifeEvent::LossOfCoverage(date(2026, 6, 30))),
                Action::Enroll,
                date(2026, 7, 31),
                None,
            ),
            Ok((date(2026, 8, 1), "ENR-10")),
        ),
        (
            "move waits for OE",
            grp(
                Some(LifeEvent::PermanentMove(date(2026, 6, 1))),
                Action::ChangePlan,
                date(2026, 6, 2),
                Some(oe),
            ),
            Err((Some(date(2026, 10, 1)), "ENR-11")),
        ),
        (
            "no event waits",
            grp(None, Action::ChangePlan, date(2026, 6, 2), Some(oe)),
            Err((Some(date(2026, 10, 1)), "ENR-11")),
        ),
        (
            "no event, OE unknown",
            grp(None, Action::ChangePlan, date(2026, 6, 2), None),
            Err((None, "ENR-11")),
        ),
        (
            "employer OE first day",
            grp(None, Action::ChangePlan, date(2026, 10, 1), Some(oe)),
            Ok((date(2027, 1, 1), "SEED-15")),
        ),
        (
            "employer OE last day",
            grp(None, Action::Enroll, date(2026, 10, 31), Some(oe)),
            Ok((date(2027, 1, 1), "SEED-15")),
        ),
        (
            "after employer OE",
            grp(None, Action::Enroll, date(2026, 11, 1), Some(oe)),
            Err((None, "ENR-11")),
        ),
        (
            "non-payment",
            grp(
                Some(LifeEvent::NonPayment(date(2026, 6, 1))),
                Action::Enroll,
                date(2026, 6, 2),
                None,
            ),
            Err((None, "ENR-07")),
        ),
    ];
    run(&rows, &t);
    let a = decide(
        &grp(birth, Action::AddDependent, date(2026, 5, 1), None),
        &t,
    )
    .unwrap();
    assert!(
        a.notes
            .iter()
            .map(Said::en)
            .any(|n| n.contains("covered automatically for 31 days")),
        "{a:?}"
    );
    assert_eq!(a.closes, Some(date(2026, 5, 11)));
}

fn mc(action: Action, on: Date, facts: MedicareFacts) -> EnrollmentRequest {
    EnrollmentRequest {
        medicare: Some(facts),
        ..req(Market::Medicare, action, None, on)
    }
}

fn facts(birth: Date) -> MedicareFacts {
    MedicareFacts {
        birth_date: birth,
        part_a_b_start: None,
        in_ma_on_jan1: false,
        used_ma_oep_this_year: false,
        used_five_star_this_window: false,
        target_plan_five_star: false,
    }
}

// ENR-15 (DOMAIN §1): IEP 7 months; before the birthday month → 1st of that month; in/after → 1st
// of the month after; birthday on the 1st counts as the month before; Feb 29 birthdays; GEP.
#[test]
fn enr_15_initial_enrollment_period() {
    let t = SettingsTable::default_table();
    let aug15 = facts(date(1961, 8, 15));
    let jun1 = facts(date(1961, 6, 1));
    let leap = facts(date(1960, 2, 29));
    let rows = [
        (
            "IEP first day",
            mc(Action::Enroll, date(2026, 5, 1), aug15),
            Ok((date(2026, 8, 1), "ENR-15")),
        ),
        (
            "month before birthday month",
            mc(Action::Enroll, date(2026, 7, 31), aug15),
            Ok((date(2026, 8, 1), "ENR-15")),
        ),
        (
            "birthday month",
            mc(Action::Enroll, date(2026, 8, 1), aug15),
            Ok((date(2026, 9, 1), "ENR-15")),
        ),
        (
            "IEP last day",
            mc(Action::Enroll, date(2026, 11, 30), aug15),
            Ok((date(2026, 12, 1), "ENR-15")),
        ),
        (
            "day before IEP: not yet eligible, the IEP opens next",
            mc(Action::Enroll, date(2026, 4, 30), aug15),
            Err((Some(date(2026, 5, 1)), "ENR-15")),
        ),
        (
            "born on the 1st: May is the birthday month",
            mc(Action::Enroll, date(2026, 4, 30), jun1),
            Ok((date(2026, 5, 1), "ENR-15")),
        ),
        (
            "born on the 1st: IEP starts Feb 1",
            mc(Action::Enroll, date(2026, 2, 1), jun1),
            Ok((date(2026, 5, 1), "ENR-15")),
        ),
        (
            "born on the 1st: in May",
            mc(Action::Enroll, date(2026, 5, 1), jun1),
            Ok((date(2026, 6, 1), "ENR-15")),
        ),
        (
            "born on the 1st: IEP ends Aug 31",
            mc(Action::Enroll, date(2026, 8, 31), jun1),
            Ok((date(2026, 9, 1), "ENR-15")),
        ),
        (
            "Feb 29 birthday → Feb 2025",
            mc(Action::Enroll, date(2024, 11, 1), leap),
            Ok((date(2025, 2, 1), "ENR-15")),
        ),
        (
            "Feb 29 birthday, IEP last day",
            mc(Action::Enroll, date(2025, 5, 31), leap),
            Ok((date(2025, 6, 1), "ENR-15")),
        ),
        (
            "GEP first day",
            mc(Action::Enroll, date(2028, 1, 1), leap),
            Ok((date(2028, 2, 1), "ENR-15")),
        ),
        (
            "GEP last day",
            mc(Action::Enroll, date(2028, 3, 31), leap),
            Ok((date(2028, 4, 1), "ENR-15")),
        ),
    ];
    run(&rows, &t);
}

// ENR-15 (issue 13): the general enrollment period (and the annual one) does not admit someone
// before their initial enrollment period: they are not eligible yet, and the refusal names the
// day the initial period opens. After the initial period has passed, the GEP applies.
#[test]
fn enr_15_gep_not_before_the_initial_period() {
    let t = SettingsTable::default_table();
    // 65 on 2030-06-10: IEP 2030-03-01 .. 2030-09-30.
    let young = facts(date(1965, 6, 10));
    let rows = [
        (
            "GEP years before the IEP",
            mc(Action::Enroll, date(2027, 2, 1), young),
            Err((Some(date(2030, 3, 1)), "ENR-15")),
        ),
        (
            "GEP just before the IEP",
            mc(Action::Enroll, date(2030, 2, 28), young),
            Err((Some(date(2030, 3, 1)), "ENR-15")),
        ),
        (
            "AEP before the IEP",
            mc(Action::Enroll, date(2029, 11, 1), young),
            Err((Some(date(2030, 3, 1)), "ENR-15")),
        ),
        (
            "IEP opens",
            mc(Action::Enroll, date(2030, 3, 1), young),
            Ok((date(2030, 6, 1), "ENR-15")),
        ),
        (
            "GEP after the IEP passed",
            mc(Action::Enroll, date(2031, 2, 1), young),
            Ok((date(2031, 3, 1), "ENR-15")),
        ),
    ];
    run(&rows, &t);
    let gep = decide(&mc(Action::Enroll, date(2031, 2, 1), young), &t).unwrap();
    assert_eq!(gep.election, Some(Election::General));
    let iep = decide(&mc(Action::Enroll, date(2030, 3, 1), young), &t).unwrap();
    assert_eq!(iep.election, Some(Election::Initial));
}

// ENR-15 (issue 13): the panel's initial enrollment period is the member's own: at 67 it is
// long closed ("Open now: No"), around the 65th birthday it is open with its dates; without a
// birth date it is not shown as open.
#[test]
fn enr_15_iep_panel_closed_at_67() {
    let t = SettingsTable::default_table();
    let iep = |on: Date, f: Option<&MedicareFacts>| {
        open_windows_for(Market::Medicare, on, &t, f)
            .into_iter()
            .find(|w| w.rule == "ENR-15" && w.name.en().starts_with("Initial"))
            .unwrap()
    };
    // 67 on 2026-06-10.
    let old = facts(date(1959, 6, 10));
    let w = iep(date(2026, 12, 4), Some(&old));
    assert_eq!(
        (w.start, w.end, w.open),
        (Some(date(2024, 3, 1)), Some(date(2024, 9, 30)), false)
    );
    // 65 on 2027-01-20: IEP 2026-10-01 .. 2027-04-30.
    let turning = facts(date(1962, 1, 20));
    let w = iep(date(2026, 12, 4), Some(&turning));
    assert_eq!(
        (w.start, w.end, w.open),
        (Some(date(2026, 10, 1)), Some(date(2027, 4, 30)), true)
    );
    assert!(!iep(date(2026, 12, 4), None).open);
}

// ENR-18, ENR-19 (issue 13): the once-only periods on the panel: the MA open enrollment period
// is open only to members in Medicare Advantage on January 1 who have not used it; a used
// 5-star period says so.
#[test]
fn enr_18_enr_19_panel_once_only_periods() {
    let t = SettingsTable::default_table();
    let base = MedicareFacts {
        part_a_b_start: Some(date(2020, 1, 1)),
        in_ma_on_jan1: true,
        ..facts(date(1954, 3, 3))
    };
    let find = |on: Date, f: &MedicareFacts, rule: &str| {
        open_windows_for(Market::Medicare, on, &t, Some(f))
            .into_iter()
            .find(|w| w.rule == rule)
            .unwrap()
    };
    let w = find(date(2027, 2, 1), &base, "ENR-18");
    assert!(w.open && !w.used);
    let used = MedicareFacts {
        used_ma_oep_this_year: true,
        ..base
    };
    let w = find(date(2027, 2, 1), &used, "ENR-18");
    assert!(!w.open && w.used);
    let original = MedicareFacts {
        in_ma_on_jan1: false,
        ..base
    };
    assert!(!find(date(2027, 2, 1), &original, "ENR-18").open);
    let star_used = MedicareFacts {
        used_five_star_this_window: true,
        ..base
    };
    let w = find(date(2027, 6, 1), &star_used, "ENR-19");
    assert!(!w.open && w.used);
    assert!(find(date(2027, 6, 1), &base, "ENR-19").open);
    // The GEP is not open to someone already in Medicare Advantage.
    assert!(!find(date(2027, 2, 1), &base, "ENR-15").open);
}

// ENR-17/18/19 (issue 13): each Medicare election names its period, so it can be recorded with
// the change and the "once" limits checked next time from what was recorded.
#[test]
fn enr_17_18_19_elections_recorded_and_once_limits() {
    let t = SettingsTable::default_table();
    let s = t.for_date(date(2027, 1, 1), Some("medicare"));
    let in_ma = MedicareFacts {
        part_a_b_start: Some(date(2020, 1, 1)),
        in_ma_on_jan1: true,
        target_plan_five_star: true,
        ..facts(date(1954, 3, 3))
    };
    let e = |on: Date| {
        decide(&mc(Action::ChangePlan, on, in_ma), &t)
            .unwrap()
            .election
    };
    assert_eq!(e(date(2026, 11, 1)), Some(Election::Annual));
    assert_eq!(e(date(2027, 2, 1)), Some(Election::MaOpenEnrollment));
    assert_eq!(e(date(2027, 6, 1)), Some(Election::FiveStar));
    let used = [
        ElectionUsed {
            election: Election::MaOpenEnrollment,
            made_on: date(2027, 2, 1),
        },
        ElectionUsed {
            election: Election::FiveStar,
            made_on: date(2026, 12, 20),
        },
    ];
    // Used this year / this window…
    assert!(election_used(
        &used,
        Election::MaOpenEnrollment,
        date(2027, 3, 31),
        s
    ));
    assert!(election_used(
        &used,
        Election::FiveStar,
        date(2027, 11, 30),
        s
    ));
    // …but not next year / the next window, nor outside the period.
    assert!(!election_used(
        &used,
        Election::MaOpenEnrollment,
        date(2028, 1, 2),
        s
    ));
    assert!(!election_used(
        &used,
        Election::MaOpenEnrollment,
        date(2027, 4, 1),
        s
    ));
    assert!(!election_used(
        &used,
        Election::FiveStar,
        date(2027, 12, 8),
        s
    ));
    for el in Election::ALL {
        assert_eq!(Election::from_code(el.code()), Some(el));
    }
    assert!(Election::FiveStar.once() && !Election::Annual.once());
}

// ENR-16 (DOMAIN §1): ICEP from 3 months before Part A+B; effective the entitlement month or the
// month after the request if later; ends at the later of the month before entitlement or IEP end.
#[test]
fn enr_16_initial_coverage_election_period() {
    let t = SettingsTable::default_table();
    let on_time = MedicareFacts {
        part_a_b_start: Some(date(2026, 8, 1)),
        ..facts(date(1961, 8, 15))
    };
    let delayed = MedicareFacts {
        part_a_b_start: Some(date(2031, 3, 1)),
        ..facts(date(1961, 8, 15))
    };
    let rows = [
        (
            "ICEP first day",
            mc(Action::Enroll, date(2026, 5, 1), on_time),
            Ok((date(2026, 8, 1), "ENR-16")),
        ),
        (
            "after entitlement",
            mc(Action::Enroll, date(2026, 9, 10), on_time),
            Ok((date(2026, 10, 1), "ENR-16")),
        ),
        (
            "ICEP ends with IEP",
            mc(Action::Enroll, date(2026, 11, 30), on_time),
            Ok((date(2026, 12, 1), "ENR-16")),
        ),
        (
            "delayed Part B: first day",
            mc(Action::Enroll, date(2030, 12, 1), delayed),
            Ok((date(2031, 3, 1), "ENR-16")),
        ),
        (
            "delayed Part B: last day",
            mc(Action::Enroll, date(2031, 2, 28), delayed),
            Ok((date(2031, 3, 1), "ENR-16")),
        ),
        (
            "delayed Part B: after",
            mc(Action::Enroll, date(2031, 3, 1), delayed),
            Err((Some(date(2031, 10, 15)), "ENR-18")),
        ),
    ];
    run(&rows, &t);
}

// ENR-17 (DOMAIN §1, SEED-15): AEP Oct 15 – Dec 7 → Jan 1.
#[test]
fn enr_17_annual_election_period() {
    let t = SettingsTable::default_table();
    let f = MedicareFacts {
        part_a_b_start: Some(date(2020, 1, 1)),
        ..facts(date(1954, 3, 3))
    };
    let rows = [
        (
            "first day",
            mc(Action::ChangePlan, date(2026, 10, 15), f),
            Ok((date(2027, 1, 1), "ENR-17")),
        ),
        (
            "last day",
            mc(Action::Enroll, date(2026, 12, 7), f),
            Ok((date(2027, 1, 1), "ENR-17")),
        ),
        (
            "day before",
            mc(Action::ChangePlan, date(2026, 10, 14), f),
            Err((Some(date(2026, 10, 15)), "ENR-17")),
        ),
        (
            "day after",
            mc(Action::ChangePlan, date(2026, 12, 8), f),
            Err((Some(date(2027, 10, 15)), "ENR-17")),
        ),
        (
            "spouse cannot be added",
            mc(Action::AddSpouse, date(2026, 10, 15), f),
            Err((None, "WS-ENR-04")),
        ),
    ];
    run(&rows, &t);
}

// ENR-18 (DOMAIN §1): MA OEP Jan 1 – Mar 31, only if in MA on Jan 1, once, not to join MA.
#[test]
fn enr_18_ma_open_enrollment_once() {
    let t = SettingsTable::default_table();
    let in_ma = MedicareFacts {
        part_a_b_start: Some(date(2020, 1, 1)),
        in_ma_on_jan1: true,
        ..facts(date(1954, 3, 3))
    };
    let used = MedicareFacts {
        used_ma_oep_this_year: true,
        ..in_ma
    };
    let original = MedicareFacts {
        in_ma_on_jan1: false,
        ..in_ma
    };
    let rows = [
        (
            "Jan 1",
            mc(Action::ChangePlan, date(2027, 1, 1), in_ma),
            Ok((date(2027, 2, 1), "ENR-18")),
        ),
        (
            "Mar 31",
            mc(Action::ChangePlan, date(2028, 3, 31), in_ma),
            Ok((date(2028, 4, 1), "ENR-18")),
        ),
        (
            "Feb 29 2028",
            mc(Action::ChangePlan, date(2028, 2, 29), in_ma),
            Ok((date(2028, 3, 1), "ENR-18")),
        ),
        (
            "Apr 1",
            mc(Action::ChangePlan, date(2027, 4, 1), in_ma),
            Err((Some(date(2027, 10, 15)), "ENR-17")),
        ),
        (
            "already used",
            mc(Action::ChangePlan, date(2027, 2, 1), used),
            Err((Some(date(2027, 10, 15)), "ENR-18")),
        ),
        (
            "not in MA on Jan 1",
            mc(Action::ChangePlan, date(2027, 2, 1), original),
            Err((Some(date(2027, 10, 15)), "ENR-18")),
        ),
        (
            "join MA from Original Medicare",
            mc(Action::Enroll, date(2027, 2, 1), original),
            Err((Some(date(2027, 10, 15)), "ENR-18")),
        ),
    ];
    run(&rows, &t);
}

// ENR-19 (DOMAIN §1, SEED-15): 5-star SEP Dec 8 – Nov 30, once, only into a 5-star plan.
#[test]
fn enr_19_five_star_once_into_five_star_plan() {
    let t = SettingsTable::default_table();
    let five = MedicareFacts {
        part_a_b_start: Some(date(2020, 1, 1)),
        target_plan_five_star: true,
        ..facts(date(1954, 3, 3))
    };
    let used = MedicareFacts {
        used_five_star_this_window: true,
        ..five
    };
    let four = MedicareFacts {
        target_plan_five_star: false,
        ..five
    };
    let rows = [
        (
            "Dec 8",
            mc(Action::ChangePlan, date(2026, 12, 8), five),
            Ok((date(2027, 1, 1), "ENR-19")),
        ),
        (
            "Oct 14",
            mc(Action::Enroll, date(2027, 10, 14), five),
            Ok((date(2027, 11, 1), "ENR-19")),
        ),
        // The window's last day, Nov 30, is inside the AEP, which wins (Jan 1).
        (
            "Nov 30 is AEP",
            mc(Action::Enroll, date(2027, 11, 30), five),
            Ok((date(2028, 1, 1), "ENR-17")),
        ),
        (
            "May 31",
            mc(Action::ChangePlan, date(2027, 5, 31), five),
            Ok((date(2027, 6, 1), "ENR-19")),
        ),
        (
            "used once",
            mc(Action::ChangePlan, date(2027, 5, 31), used),
            Err((Some(date(2027, 10, 15)), "ENR-19")),
        ),
        (
            "4-star plan",
            mc(Action::ChangePlan, date(2027, 5, 31), four),
            Err((Some(date(2027, 10, 15)), "ENR-17")),
        ),
        // Dec 1–7 is outside the 5-star window but inside the AEP.
        (
            "Dec 1 is AEP",
            mc(Action::ChangePlan, date(2026, 12, 1), five),
            Ok((date(2027, 1, 1), "ENR-17")),
        ),
    ];
    run(&rows, &t);
}

// ENR-22 (DOMAIN §1): Medicaid applications any day, effective the 1st of the application month.
#[test]
fn enr_22_medicaid_any_day() {
    let t = SettingsTable::default_table();
    let rows = [
        (
            "mid-month",
            req(Market::Medicaid, Action::Enroll, None, date(2026, 7, 17)),
            Ok((date(2026, 7, 1), "ENR-22")),
        ),
        (
            "leap day",
            req(Market::Medicaid, Action::Enroll, None, date(2028, 2, 29)),
            Ok((date(2028, 2, 1), "ENR-22")),
        ),
        (
            "add a child",
            req(
                Market::Medicaid,
                Action::AddDependent,
                None,
                date(2026, 12, 31),
            ),
            Ok((date(2026, 12, 1), "ENR-22")),
        ),
    ];
    run(&rows, &t);
    let day = Settings {
        medicaid_effective: MedicaidEffective::ApplicationDate,
        ..Settings::default()
    };
    let t2 = SettingsTable::default_table().with_row(date(2020, 1, 1), Some("medicaid"), day);
    run(
        &[(
            "setting: application date",
            req(Market::Medicaid, Action::Enroll, None, date(2026, 7, 17)),
            Ok((date(2026, 7, 17), "ENR-22")),
        )],
        &t2,
    );
}

// WS-ENR-01/02/03 (Wellspring defaults, documented in windows.rs): any-day actions.
#[test]
fn ws_enr_any_day_actions() {
    let t = SettingsTable::default_table();
    let mut rows = Vec::new();
    for market in [
        Market::Individual,
        Market::EmployerGroup,
        Market::Medicare,
        Market::Medicaid,
    ] {
        rows.push((
            "contact",
            req(market, Action::UpdateContact, None, date(2026, 2, 14)),
            Ok((date(2026, 2, 14), "WS-ENR-01")),
        ));
        rows.push((
            "remove",
            req(market, Action::RemoveDependent, None, date(2028, 2, 3)),
            Ok((date(2028, 2, 29), "WS-ENR-02")),
        ));
        rows.push((
            "terminate",
            req(market, Action::Terminate, None, date(2026, 12, 31)),
            Ok((date(2026, 12, 31), "WS-ENR-03")),
        ));
    }
    run(&rows, &t);
}

// ENR-01/15/17/18/19/22, SEED-15: the portal panel lists the windows with their dates.
#[test]
fn seed_15_open_windows_panel() {
    let t = SettingsTable::default_table();
    let ind = open_windows(Market::Individual, date(2026, 1, 10), &t);
    assert_eq!(ind[0].name.en(), "Open enrollment for 2026");
    assert_eq!(
        (ind[0].start, ind[0].end, ind[0].open),
        (Some(date(2025, 11, 1)), Some(date(2026, 1, 15)), true)
    );
    let ind = open_windows(Market::Individual, date(2026, 1, 16), &t);
    assert_eq!(ind[0].name.en(), "Open enrollment for 2027");
    assert_eq!(
        (ind[0].start, ind[0].end, ind[0].open),
        (Some(date(2026, 11, 1)), Some(date(2026, 12, 15)), false)
    );
    assert!(ind[1].needs_event);

    let med = open_windows(Market::Medicare, date(2026, 2, 1), &t);
    let find = |name: &str| {
        med.iter()
            .find(|w| w.name.en().contains(name))
            .unwrap()
            .clone()
    };
    let aep = find("annual election");
    assert_eq!(
        (aep.start, aep.end, aep.open),
        (Some(date(2026, 10, 15)), Some(date(2026, 12, 7)), false)
    );
    let oep = find("Advantage open enrollment");
    assert_eq!(
        (oep.start, oep.end, oep.open),
        (Some(date(2026, 1, 1)), Some(date(2026, 3, 31)), true)
    );
    let star = find("5-star");
    assert_eq!(
        (star.start, star.end, star.open),
        (Some(date(2025, 12, 8)), Some(date(2026, 11, 30)), true)
    );

    let mcd = open_windows(Market::Medicaid, date(2026, 2, 1), &t);
    assert!(mcd[0].open && mcd[0].rule == "ENR-22");
    let g = open_windows(Market::EmployerGroup, date(2026, 2, 1), &t);
    assert_eq!(g.len(), 3);
}
