#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! 999 acknowledgments and 270/271 eligibility.

mod common;

use common::{env, fix_counts, out_dir};
use jiff::civil::{date, time};
use wellspring_x12::{
    AckCode, AckInput, DateOrRange, EligibilityAnswer, Entity, Envelope, Inquiry270, Pcp, Person,
    Segment, ack_999, ack_999_unparsed, parse, parse_270, parse_834, write_270, write_271,
};

const VALID: &str = include_str!("data/valid_834.x12");

fn save(name: &str, text: &str) {
    if let Some(dir) = out_dir() {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The segments of the single transaction of `text`, as `ID*el*el` strings.
fn lines(text: &str) -> Vec<String> {
    let ic = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    ic.groups[0].transactions[0]
        .segments
        .iter()
        .map(|s: &Segment| format!("{}*{}", s.id, s.elements.join("*")))
        .collect()
}

fn reply_env(incoming: &wellspring_x12::Interchange) -> Envelope {
    Envelope::reply_to(incoming, date(2026, 4, 2), time(8, 5, 0, 0), 7, 7)
}

#[test]
fn ack_999_accepted() {
    let ic = parse(VALID.as_bytes()).unwrap();
    let ctx = reply_env(&ic);
    assert_eq!(
        (ctx.sender_id.as_str(), ctx.receiver_id.as_str()),
        ("WELLSPRING", "ACMECORP")
    );
    let input = AckInput::for_group(&ic.groups[0]);
    assert_eq!(input.group_status(), AckCode::Accepted);
    let text = ack_999(&ctx, &input);
    save("ack_999_accepted.x12", &text);
    let back = parse(text.as_bytes()).unwrap();
    assert_eq!(back.sender_id, "WELLSPRING");
    assert_eq!(back.receiver_id, "ACMECORP");
    assert_eq!(back.control_number, "000000007");
    assert_eq!(back.groups[0].functional_id, "FA");
    assert_eq!(back.groups[0].version, "005010X231A1");
    assert_eq!(
        lines(&text),
        [
            "ST*999*0001*005010X231A1",
            "AK1*BE*1*005010X220A1",
            "AK2*834*0001*005010X220A1",
            "IK5*A",
            "AK9*A*1*1*1",
            "SE*6*0001",
        ]
    );
}

#[test]
fn ack_999_member_errors() {
    let text = fix_counts(&VALID.replacen("DTP*348*D8*20260410", "DTP*348*D8*20260230", 1));
    let ic = parse(text.as_bytes()).unwrap();
    let tx = &ic.groups[0].transactions[0];
    let enrollment = parse_834(tx).unwrap();
    let errors: Vec<_> = enrollment
        .members
        .iter()
        .filter_map(|m| m.as_ref().err())
        .map(|e| e.to_ack())
        .collect();
    let mut input = AckInput::for_group(&ic.groups[0]);
    input.transactions[0] = input.transactions[0].clone().with_errors(errors, false);
    assert_eq!(input.group_status(), AckCode::AcceptedWithErrors);
    let ack = ack_999(&reply_env(&ic), &input);
    save("ack_999_member_errors.x12", &ack);
    assert_eq!(
        lines(&ack)[2..6],
        [
            "AK2*834*0001*005010X220A1",
            "IK3*DTP*23**8",
            "IK4*3*1251*8*20260230",
            "IK5*E*5",
        ]
    );
    assert_eq!(lines(&ack)[6], "AK9*E*1*1*1");

    // Rejected: unknown code.
    let text = VALID.replacen("DMG*D8*20260410*F", "DMG*D8*20260410*X", 1);
    let ic = parse(text.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap();
    let errors = vec![e.members[1].clone().unwrap_err().to_ack()];
    let mut input = AckInput::for_group(&ic.groups[0]);
    input.transactions[0] = input.transactions[0].clone().with_errors(errors, true);
    let ack = ack_999(&reply_env(&ic), &input);
    save("ack_999_rejected.x12", &ack);
    let l = lines(&ack);
    assert_eq!(
        l[3..7],
        ["IK3*DMG*21**8", "IK4*3*1068*7*X", "IK5*R*5", "AK9*R*1*1*0"]
    );
}

#[test]
fn ack_999_unparsable_interchange() {
    let bad = VALID.replacen("SE*24*0001", "SE*25*0001", 1);
    let err = parse(bad.as_bytes()).unwrap_err();
    let ctx = env();
    let ack = ack_999_unparsed(&ctx, bad.as_bytes(), &err).unwrap();
    save("ack_999_unparsed.x12", &ack);
    let l = lines(&ack);
    assert_eq!(
        l[1..5],
        [
            "AK1*BE*1*005010X220A1",
            "AK2*834*0001*005010X220A1",
            "IK5*R*4",
            "AK9*R*1*1*0"
        ]
    );

    let bad = VALID.replacen("GE*1*1", "GE*1*9", 1);
    let err = parse(bad.as_bytes()).unwrap_err();
    let l = lines(&ack_999_unparsed(&ctx, bad.as_bytes(), &err).unwrap());
    assert_eq!(l[l.len() - 2], "AK9*R*1*1*0*4");

    // No ISA: nothing to acknowledge, the error comes back.
    let err = parse(b"hello").unwrap_err();
    assert_eq!(ack_999_unparsed(&ctx, b"hello", &err).unwrap_err(), err);
}

fn inquiry(dependent: bool) -> Inquiry270 {
    Inquiry270 {
        reference: "REQ123".into(),
        trace: Some("TRACE-1".into()),
        trace_originator: Some("1234567890".into()),
        source: Entity {
            entity_code: "PR".into(),
            entity_type: "2".into(),
            name: "WELLSPRING HEALTH".into(),
            id_qualifier: "PI".into(),
            id: "WS001".into(),
            ..Entity::default()
        },
        provider: Entity {
            entity_code: "1P".into(),
            entity_type: "1".into(),
            name: "WELBY".into(),
            first_name: "MARCUS".into(),
            id_qualifier: "XX".into(),
            id: "1234567893".into(),
        },
        subscriber: Person {
            last_name: "DOE".into(),
            first_name: "JANE".into(),
            member_id: Some("SUB001".into()),
            birth_date: Some(date(1980, 1, 15)),
            gender: Some('F'),
            ..Person::default()
        },
        dependent: dependent.then(|| Person {
            last_name: "DOE".into(),
            first_name: "BABY".into(),
            birth_date: Some(date(2026, 4, 10)),
            ..Person::default()
        }),
        date: Some(DateOrRange::Date(date(2026, 5, 1))),
        service_types: vec!["30".into()],
        position: 0,
        st_position: 0,
    }
}

#[test]
fn parse_270_subscriber_and_dependent() {
    let text = write_270(&env(), &[inquiry(false), inquiry(true)]);
    save("sample_270.x12", &text);
    let ic = parse(text.as_bytes()).unwrap();
    assert_eq!(ic.groups[0].version, "005010X279A1");
    let qs = parse_270(&ic.groups[0].transactions[0]).unwrap();
    assert_eq!(qs.len(), 2);
    let mut q = qs[0].clone();
    assert_eq!((q.position, q.st_position), (9, 7));
    (q.position, q.st_position) = (0, 0);
    assert_eq!(q, inquiry(false));
    let mut d = qs[1].clone();
    (d.position, d.st_position) = (0, 0);
    assert_eq!(d, inquiry(true));
}

#[test]
fn parse_270_errors() {
    let text = write_270(&env(), &[inquiry(false)]);
    let bad = text.replacen("DTP*291*D8*20260501", "DTP*291*D8*20260230", 1);
    let ic = parse(bad.as_bytes()).unwrap();
    let e = parse_270(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "segment 13 (DTP), element 3: DTP*291: 20260230 is not a date"
    );
    let range = text.replacen("DTP*291*D8*20260501", "DTP*291*RD8*20260501-20260531", 1);
    let ic = parse(range.as_bytes()).unwrap();
    let q = &parse_270(&ic.groups[0].transactions[0]).unwrap()[0];
    assert_eq!(
        q.date,
        Some(DateOrRange::Range(date(2026, 5, 1), date(2026, 5, 31)))
    );
    let bad = text.replacen("HL*3*2*22*0", "HL*3*9*22*0", 1);
    let ic = parse(bad.as_bytes()).unwrap();
    let e = parse_270(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "segment 9 (HL), element 2: HL02 \"9\" is not a level 21 HL"
    );
    let bad = fix_counts(&text.replacen("NM1*IL*1*DOE*JANE****MI*SUB001~\n", "", 1));
    let ic = parse(bad.as_bytes()).unwrap();
    let e = parse_270(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "segment 9 (HL): NM1*IL missing in the HL at segment 9"
    );
}

fn found(covered: bool) -> EligibilityAnswer {
    EligibilityAnswer::Found {
        covered,
        plan_name: "WELLSPRING GOLD HMO".into(),
        plan_begin: Some(date(2026, 1, 1)),
        plan_end: (!covered).then(|| date(2026, 3, 31)),
        pcp: covered.then(|| Pcp {
            last_name: "WELBY".into(),
            first_name: "MARCUS".into(),
            npi: Some("1234567893".into()),
        }),
        copays: if covered {
            vec![
                ("98".into(), 2500),
                ("UC".into(), 5000),
                ("86".into(), 25050),
            ]
        } else {
            Vec::new()
        },
        deductible: covered.then_some(150_000),
        deductible_remaining: covered.then_some(75_000),
        oop_max: covered.then_some(600_000),
        oop_remaining: covered.then_some(550_000),
    }
}

#[test]
fn elg_02_found_and_covered() {
    let text = write_271(&env(), &inquiry(false), &found(true));
    save("sample_271_covered.x12", &text);
    let ic = parse(text.as_bytes()).unwrap();
    assert_eq!(ic.groups[0].functional_id, "HB");
    assert_eq!(
        lines(&text),
        [
            "ST*271*0001*005010X279A1",
            "BHT*0022*11*REQ123*20260401*1230",
            "HL*1**20*1",
            "NM1*PR*2*WELLSPRING HEALTH*****PI*WS001",
            "HL*2*1*21*1",
            "NM1*1P*1*WELBY*MARCUS****XX*1234567893",
            "HL*3*2*22*0",
            "TRN*2*TRACE-1*1234567890",
            "NM1*IL*1*DOE*JANE****MI*SUB001",
            "DMG*D8*19800115*F",
            "EB*1*IND*30*HM*WELLSPRING GOLD HMO",
            "DTP*346*D8*20260101",
            "LS*2120",
            "NM1*P3*1*WELBY*MARCUS****XX*1234567893",
            "LE*2120",
            "EB*B*IND*98*HM**27*25",
            "EB*B*IND*UC*HM**27*50",
            "EB*B*IND*86*HM**27*250.50",
            "EB*C*IND*30***23*1500",
            "EB*C*IND*30***29*750",
            "EB*G*IND*30***23*6000",
            "EB*G*IND*30***29*5500",
            "SE*23*0001",
        ]
    );
}

#[test]
fn elg_02_found_not_covered() {
    let text = write_271(&env(), &inquiry(false), &found(false));
    save("sample_271_not_covered.x12", &text);
    let l = lines(&text);
    assert_eq!(
        l[9..13],
        [
            "DMG*D8*19800115*F",
            "EB*6*IND*30*HM*WELLSPRING GOLD HMO",
            "DTP*346*D8*20260101",
            "DTP*347*D8*20260331"
        ]
    );
    assert!(
        !l.iter().any(|s| s.starts_with("AAA")),
        "not covered is not an AAA error"
    );
}

#[test]
fn elg_02_not_found() {
    let text = write_271(
        &env(),
        &inquiry(false),
        &EligibilityAnswer::NotFound {
            aaa_code: String::new(),
        },
    );
    save("sample_271_not_found.x12", &text);
    let l = lines(&text);
    assert_eq!(
        l[8..11],
        [
            "NM1*IL*1*DOE*JANE****MI*SUB001",
            "AAA*N**75*C",
            "DMG*D8*19800115*F"
        ]
    );
    assert!(!l.iter().any(|s| s.starts_with("EB")));

    // A dependent: HL 23 mirrored, TRN at the dependent, default AAA03 67.
    let text = write_271(
        &env(),
        &inquiry(true),
        &EligibilityAnswer::NotFound {
            aaa_code: String::new(),
        },
    );
    save("sample_271_dependent_not_found.x12", &text);
    let l = lines(&text);
    assert_eq!(
        l[6..12],
        [
            "HL*3*2*22*1",
            "NM1*IL*1*DOE*JANE****MI*SUB001",
            "HL*4*3*23*0",
            "TRN*2*TRACE-1*1234567890",
            "NM1*03*1*DOE*BABY",
            "AAA*N**67*C",
        ]
    );
    let text = write_271(
        &env(),
        &inquiry(false),
        &EligibilityAnswer::NotFound {
            aaa_code: "72".into(),
        },
    );
    assert!(lines(&text).contains(&"AAA*N**72*C".to_string()));
}
