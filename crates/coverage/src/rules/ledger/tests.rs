use super::*;
use Relationship as R;
use jiff::civil::date;
use proptest::prelude::*;

fn ids() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("p{n}")
    }
}

/// Applies ops in order, panicking on the first error; returns the history.
fn run(ops: &[Op]) -> Vec<Period> {
    let mut next_id = ids();
    let mut h = Vec::new();
    for op in ops {
        let changes = apply(&h, op, &mut next_id).unwrap_or_else(|e| panic!("{op:?}: {e}"));
        h = apply_changes(&h, &changes);
        check(&h).unwrap();
    }
    h
}

fn family() -> Op {
    Op::Enroll {
        id_hint: "fam-1".into(),
        subscriber: "S".into(),
        plan: "THMO".into(),
        group: "G1".into(),
        effective: date(2026, 1, 1),
        members: vec![("P".into(), R::Spouse), ("C".into(), R::Child)],
    }
}

fn rows_of<'a>(h: &'a [Period], member: &str) -> Vec<&'a Period> {
    h.iter().filter(|p| p.member == member).collect()
}

// EX-E9 / ENR-05 (DOMAIN §11, §1): a newborn added from the birth date inside the family period.
#[test]
fn ex_e9_enr_05_add_newborn_from_birth_date() {
    let h = run(&[
        family(),
        Op::AddDependent {
            subscriber: "S".into(),
            member: "B".into(),
            relationship: R::Child,
            effective: date(2026, 4, 10),
        },
    ]);
    let b = rows_of(&h, "B");
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].start, b[0].end, b[0].plan.as_str()),
        (date(2026, 4, 10), None, "THMO")
    );
    assert_eq!(h[0].id, "fam-1");
    // A second add overlaps → refused; an add before the family's start → refused.
    let mut next_id = ids();
    let dup = Op::AddDependent {
        subscriber: "S".into(),
        member: "B".into(),
        relationship: R::Child,
        effective: date(2026, 5, 1),
    };
    assert!(matches!(
        apply(&h, &dup, &mut next_id),
        Err(LedgerError::Overlap { .. })
    ));
    let early = Op::AddDependent {
        subscriber: "S".into(),
        member: "X".into(),
        relationship: R::Child,
        effective: date(2025, 12, 31),
    };
    assert!(matches!(
        apply(&h, &early, &mut next_id),
        Err(LedgerError::NoSubscriberCoverage { .. })
    ));
}

// ENR-13 (DOMAIN §1): a child removed at the age limit keeps the start; the end is set.
#[test]
fn enr_13_remove_dependent_at_age_limit() {
    let h = run(&[
        family(),
        Op::RemoveDependent {
            member: "C".into(),
            last_day: date(2026, 8, 14),
        },
    ]);
    let c = rows_of(&h, "C");
    assert_eq!(
        (c[0].start, c[0].end),
        (date(2026, 1, 1), Some(date(2026, 8, 14)))
    );
    let mut next_id = ids();
    let subscriber = Op::RemoveDependent {
        member: "S".into(),
        last_day: date(2026, 8, 14),
    };
    assert!(matches!(
        apply(&h, &subscriber, &mut next_id),
        Err(LedgerError::IsSubscriber { .. })
    ));
}

// ENR-06 / ENR-04 (DOMAIN §1): a plan change ends the family's periods the day before and opens
// new ones for the same members; a change on the start day is refused.
#[test]
fn enr_04_change_plan_splits_family_periods() {
    let h = run(&[
        family(),
        Op::ChangePlan {
            subscriber: "S".into(),
            plan: "DHMO".into(),
            group: "G1".into(),
            effective: date(2028, 3, 1),
        },
    ]);
    for m in ["S", "P", "C"] {
        let rows = rows_of(&h, m);
        assert_eq!(rows.len(), 2, "{m}");
        assert_eq!(rows[0].end, Some(date(2028, 2, 29)), "{m}");
        assert_eq!(
            (rows[1].start, rows[1].plan.as_str()),
            (date(2028, 3, 1), "DHMO"),
            "{m}"
        );
    }
    // A change before the family's coverage began has nothing to change.
    let mut next_id = ids();
    let too_early = Op::ChangePlan {
        subscriber: "S".into(),
        plan: "X".into(),
        group: "G1".into(),
        effective: date(2025, 6, 1),
    };
    assert!(matches!(
        apply(&h, &too_early, &mut next_id),
        Err(LedgerError::NothingOpen { .. })
    ));
}

// ENR-05 (issue 13): changing plan for a birth right after adding the newborn from the day of
// birth. The whole family moves on that day: the parents' and siblings' periods end the day
// before and continue on the new plan; the newborn's period, which starts that day, moves to
// the new plan with its start kept (before, the change was refused because the newborn's
// period "cannot be ended before it starts").
#[test]
fn enr_05_change_plan_for_birth_after_adding_the_newborn() {
    let birth = date(2026, 4, 10);
    let h = run(&[
        family(),
        Op::AddDependent {
            subscriber: "S".into(),
            member: "B".into(),
            relationship: R::Child,
            effective: birth,
        },
        Op::ChangePlan {
            subscriber: "S".into(),
            plan: "DHMO".into(),
            group: "G1".into(),
            effective: birth,
        },
    ]);
    for m in ["S", "P", "C"] {
        let rows = rows_of(&h, m);
        assert_eq!(rows.len(), 2, "{m}");
        assert_eq!(
            (rows[0].plan.as_str(), rows[0].end),
            ("THMO", Some(date(2026, 4, 9))),
            "{m}"
        );
        assert_eq!(
            (rows[1].plan.as_str(), rows[1].start, rows[1].end),
            ("DHMO", birth, None),
            "{m}"
        );
    }
    let b = rows_of(&h, "B");
    assert_eq!(b.len(), 1, "the newborn keeps one period");
    assert_eq!(
        (b[0].plan.as_str(), b[0].start, b[0].end),
        ("DHMO", birth, None)
    );
}

// ENR-17 (issue 13): the last election made wins. A second change before the first takes effect
// replaces the choice in place (no third period, starts kept).
#[test]
fn enr_17_last_election_replaces_a_choice_not_yet_in_effect() {
    let jan1 = date(2027, 1, 1);
    let change = |plan: &str, effective| Op::ChangePlan {
        subscriber: "S".into(),
        plan: plan.into(),
        group: "G1".into(),
        effective,
    };
    let h = run(&[family(), change("DHMO", jan1), change("MA2", jan1)]);
    for m in ["S", "P", "C"] {
        let rows = rows_of(&h, m);
        assert_eq!(rows.len(), 2, "{m}");
        assert_eq!(rows[0].end, Some(date(2026, 12, 31)), "{m}");
        assert_eq!((rows[1].plan.as_str(), rows[1].start), ("MA2", jan1), "{m}");
    }
}

// Issue 13: ledger refusals shown to members name people, never record ids or rule ids.
#[test]
fn ledger_errors_in_words_name_people_not_ids() {
    let name = |id: &str| match id {
        "north-pat-nor400000012" => Some("Chidi Okafor".to_owned()),
        "sub" => Some("Ada Okafor".to_owned()),
        _ => None,
    };
    let errors = [
        LedgerError::LaterCoverage {
            member: "north-pat-nor400000012".into(),
            start: date(2026, 4, 10),
            date: date(2026, 4, 9),
        },
        LedgerError::Overlap {
            member: "north-pat-nor400000012".into(),
            kind: MEDICAL.into(),
            start: date(2026, 4, 10),
        },
        LedgerError::NothingOpen {
            subscriber: "sub".into(),
        },
        LedgerError::Invariant(Violation::OutsideSubscriber {
            id: "north-cov-0123456789abcdef-1".into(),
        }),
    ];
    for e in errors {
        for lang in ws_i18n::Lang::ALL {
            let w = e.words(&name).sentence(lang);
            assert!(
                !w.contains("north-") && !w.contains("ENR-") && !w.contains("medical coverage"),
                "{w}"
            );
            assert!(
                w.contains("Okafor") || matches!(e, LedgerError::Invariant(_)),
                "{w}"
            );
        }
    }
    // Someone without a name on record is "a family member", in the reader's language.
    let w = LedgerError::NothingOpen {
        subscriber: "unknown".into(),
    }
    .words(&name);
    assert_eq!(
        w.sentence(ws_i18n::Lang::En),
        "A family member has no ongoing coverage to change"
    );
    assert!(
        w.sentence(ws_i18n::Lang::Es)
            .starts_with("Un familiar no tiene")
    );
}

// ENR-12 / EX-E8 (DOMAIN §1, §11): group subscriber's death ends the family's periods on the date
// of death (COBRA is offered outside the ledger); nothing is deleted.
#[test]
fn enr_12_ex_e8_subscriber_death_ends_family_periods() {
    let h = run(&[
        family(),
        Op::Death {
            member: "S".into(),
            last_day: date(2026, 3, 15),
            dependents_keep: false,
        },
    ]);
    assert_eq!(h.len(), 3);
    assert!(h.iter().all(|p| p.end == Some(date(2026, 3, 15))));
}

// ENR-07 (DOMAIN §1): individual-market subscriber's death, dependents keep coverage: the spouse
// becomes the subscriber from the next day.
#[test]
fn enr_07_subscriber_death_spouse_becomes_subscriber() {
    let h = run(&[
        family(),
        Op::Death {
            member: "S".into(),
            last_day: date(2026, 12, 31),
            dependents_keep: true,
        },
    ]);
    let p = rows_of(&h, "P");
    assert_eq!(p[1].start, date(2027, 1, 1));
    assert_eq!(
        (p[1].relationship, p[1].subscriber.as_str()),
        (R::SelfSubscriber, "P")
    );
    let c = rows_of(&h, "C");
    assert_eq!(
        (c[1].relationship, c[1].subscriber.as_str()),
        (R::Child, "P")
    );
    assert_eq!(rows_of(&h, "S").len(), 1);
}

// ELG-01 (DOMAIN §1): a termination recorded in error is reinstated (subscriber, then dependent);
// a dependent cannot be reinstated before the subscriber.
#[test]
fn elg_01_reinstate_reopens_latest_period() {
    let terminated = run(&[
        family(),
        Op::Terminate {
            subscriber: "S".into(),
            last_day: date(2026, 6, 30),
        },
    ]);
    let mut next_id = ids();
    let child_first = Op::Reinstate { member: "C".into() };
    assert!(matches!(
        apply(&terminated, &child_first, &mut next_id),
        Err(LedgerError::SubscriberNotOpen { .. })
    ));
    let h = run(&[
        family(),
        Op::Terminate {
            subscriber: "S".into(),
            last_day: date(2026, 6, 30),
        },
        Op::Reinstate { member: "S".into() },
        Op::Reinstate { member: "C".into() },
    ]);
    assert_eq!(rows_of(&h, "S")[0].end, None);
    assert_eq!(rows_of(&h, "C")[0].end, None);
    assert_eq!(rows_of(&h, "P")[0].end, Some(date(2026, 6, 30)));
    // Error messages are plain words.
    let e = apply(&h, &Op::Reinstate { member: "S".into() }, &mut next_id).unwrap_err();
    assert_eq!(e.to_string(), "S has no ended coverage to reinstate");
}

// ---------------------------------------------------------------- property tests (ledger)

const MEMBERS: [&str; 4] = ["S", "P", "C1", "C2"];

fn member() -> impl Strategy<Value = String> {
    prop::sample::select(MEMBERS.to_vec()).prop_map(str::to_owned)
}

fn day() -> impl Strategy<Value = Date> {
    (0i64..500).prop_map(|n| add_days(date(2026, 1, 1), n))
}

fn relationship() -> impl Strategy<Value = Relationship> {
    prop::sample::select(Relationship::ALL.to_vec())
}

fn op() -> impl Strategy<Value = Op> {
    let plan = prop::sample::select(vec!["A", "B"]).prop_map(str::to_owned);
    prop_oneof![
        (
            member(),
            plan.clone(),
            day(),
            prop::collection::vec((member(), relationship()), 0..4)
        )
            .prop_map(|(subscriber, plan, effective, members)| Op::Enroll {
                id_hint: String::new(),
                subscriber,
                plan,
                group: "G".into(),
                effective,
                members,
            }),
        (member(), member(), relationship(), day()).prop_map(
            |(subscriber, member, relationship, effective)| {
                Op::AddDependent {
                    subscriber,
                    member,
                    relationship,
                    effective,
                }
            }
        ),
        (member(), day()).prop_map(|(member, last_day)| Op::RemoveDependent { member, last_day }),
        (member(), plan, day()).prop_map(|(subscriber, plan, effective)| Op::ChangePlan {
            subscriber,
            plan,
            group: "G".into(),
            effective,
        }),
        (member(), day()).prop_map(|(subscriber, last_day)| Op::Terminate {
            subscriber,
            last_day
        }),
        (member(), day(), any::<bool>()).prop_map(|(member, last_day, dependents_keep)| {
            Op::Death {
                member,
                last_day,
                dependents_keep,
            }
        }),
        member().prop_map(|member| Op::Reinstate { member }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    // Ledger invariants (DOMAIN §1 ELG-01 per-member periods, ENR-12 "never silently drop"):
    // after every successful op (1) no overlaps per member and kind, (2) dependents inside their
    // subscriber's period on the same plan, (3) ends ≥ starts, and no previous row is deleted,
    // no start moves, an end only goes from open to a day (Reinstate: only back to open).
    #[test]
    fn ledger_invariants_hold_after_every_op(ops in prop::collection::vec(op(), 1..25)) {
        let mut next_id = ids();
        let start = Op::Enroll {
            id_hint: "fam".into(),
            subscriber: "S".into(),
            plan: "A".into(),
            group: "G".into(),
            effective: date(2026, 1, 1),
            members: vec![("P".into(), R::Spouse), ("C1".into(), R::Child)],
        };
        let mut history = apply_changes(&[], &apply(&[], &start, &mut next_id).unwrap());
        for op in &ops {
            let Ok(changes) = apply(&history, op, &mut next_id) else { continue };
            for c in &changes {
                match c {
                    Change::Insert(p) => prop_assert!(!history.iter().any(|q| q.id == p.id)),
                    Change::Update { before, .. } => prop_assert!(history.contains(before)),
                }
            }
            let next = apply_changes(&history, &changes);
            prop_assert_eq!(check(&next), Ok(()));
            for prev in &history {
                let now = next.iter().find(|p| p.id == prev.id);
                prop_assert!(now.is_some(), "row {} deleted by {:?}", prev.id, op);
                let now = now.unwrap();
                prop_assert_eq!(now.start, prev.start);
                prop_assert_eq!(&now.member, &prev.member);
                let end_ok = match (prev.end, now.end, op) {
                    (a, b, _) if a == b => true,
                    (None, Some(_), Op::Reinstate { .. }) => false,
                    (None, Some(_), _) => true,
                    (Some(_), None, Op::Reinstate { .. }) => true,
                    _ => false,
                };
                prop_assert!(end_ok, "{:?}: end {:?} → {:?}", op, prev.end, now.end);
            }
            history = next;
        }
    }
}
