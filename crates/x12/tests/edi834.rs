#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! 834 reading (member-level errors with exact positions), writing and round trips.

mod common;

use common::{env, fix_counts, out_dir};
use jiff::civil::date;
use wellspring_x12::{
    BenefitStatus, Coverage834, Header834, Maintenance, Member834, Party, Writer834, parse,
    parse_834, write_834,
};

const VALID: &str = include_str!("data/valid_834.x12");

fn members(text: &str) -> Vec<Result<Member834, wellspring_x12::MemberError>> {
    let ic = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    parse_834(&ic.groups[0].transactions[0]).unwrap().members
}

/// The second member's error message and INS position.
fn second_err(from: &str, to: &str) -> (String, usize, usize) {
    assert!(VALID.contains(from), "{from}");
    let text = fix_counts(&VALID.replacen(from, to, 1));
    let ms = members(&text);
    assert!(ms[0].is_ok(), "the first member is not affected");
    let e = ms[1].clone().unwrap_err();
    (e.message, e.position, e.segment_position)
}

#[test]
fn valid_file_members() {
    let ic = parse(VALID.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap();
    assert_eq!(e.header.reference, "REF1");
    assert_eq!(e.header.action, "2");
    assert!(!e.header.is_full_file());
    assert_eq!(e.header.master_policy.as_deref(), Some("POLICY1"));
    assert_eq!(e.header.file_effective_date, Some(date(2026, 4, 1)));
    assert_eq!(e.header.sponsor.name, "ACME CORP");
    assert_eq!(e.header.payer.id, "987654321");
    assert_eq!(e.members.len(), 2);
    let sub = e.members[0].as_ref().unwrap();
    assert!(sub.subscriber);
    assert_eq!((sub.position, sub.st_position), (9, 7));
    assert_eq!(sub.relationship, "18");
    assert_eq!(sub.maintenance, Maintenance::Addition);
    assert_eq!(sub.reason.as_deref(), Some("28"));
    assert_eq!(sub.employment_status.as_deref(), Some("FT"));
    assert_eq!(sub.subscriber_id, "SUB001");
    assert_eq!(sub.group_number.as_deref(), Some("GRP01"));
    assert_eq!(sub.dates, vec![("356".to_string(), date(2026, 1, 1))]);
    assert_eq!(
        (sub.last_name.as_str(), sub.first_name.as_str()),
        ("DOE", "JANE")
    );
    assert!(sub.ssn_present, "SSN flagged");
    assert_eq!(sub.member_identifier, None, "the SSN value is not kept");
    assert!(
        !format!("{sub:?}").contains("123456789"),
        "SSN never stored"
    );
    assert_eq!(
        sub.phones,
        vec![("HP".to_string(), "5105551234".to_string())]
    );
    assert_eq!(sub.email.as_deref(), Some("JANE@EXAMPLE.COM"));
    assert_eq!(sub.city.as_deref(), Some("OAKLAND"));
    assert_eq!(sub.birth_date, date(1980, 1, 15));
    assert_eq!(sub.coverages[0].plan_code, "PLAN01");
    assert_eq!(sub.coverages[0].coverage_level.as_deref(), Some("FAM"));
    assert_eq!(sub.coverages[0].begin, Some(date(2026, 1, 1)));
}

/// EX-E9: newborn added to family coverage, benefit begins on the birth date.
#[test]
fn ex_e9_newborn() {
    let ms = members(VALID);
    let baby = ms[1].as_ref().unwrap();
    assert!(!baby.subscriber);
    assert_eq!(baby.relationship, "19");
    assert_eq!(baby.maintenance, Maintenance::Addition);
    assert_eq!(baby.reason.as_deref(), Some("02"));
    assert_eq!(baby.birth_date, date(2026, 4, 10));
    assert_eq!(baby.gender, 'F');
    assert_eq!(baby.coverages[0].begin, Some(baby.birth_date));
    assert_eq!(baby.coverages[0].coverage_level.as_deref(), Some("FAM"));
}

/// EX-E8: subscriber death reported with INS11=D8, INS12=date of death.
#[test]
fn ex_e8_subscriber_death() {
    let text = VALID.replacen(
        "INS*Y*18*021*28*A***FT",
        "INS*Y*18*024*03*A******D8*20260315",
        1,
    );
    let ms = members(&text);
    let sub = ms[0].as_ref().unwrap();
    assert_eq!(sub.maintenance, Maintenance::Termination);
    assert!(sub.maintenance.is_termination());
    assert_eq!(sub.reason.as_deref(), Some("03"));
    assert_eq!(sub.death_date, Some(date(2026, 3, 15)));
    assert_eq!(sub.benefit_status, BenefitStatus::Active);
}

#[test]
fn enr_14_unknown_relationship() {
    assert_eq!(
        second_err("INS*N*19*021*02*A", "INS*N*99*021*02*A"),
        ("INS02: unknown relationship code 99".into(), 20, 20)
    );
}

#[test]
fn unknown_maintenance_type() {
    assert_eq!(
        second_err("INS*N*19*021*02*A", "INS*N*19*777*02*A"),
        ("INS03: unknown maintenance type code 777".into(), 20, 20)
    );
}

#[test]
fn unknown_reason_and_delete_as_termination() {
    assert_eq!(
        second_err("INS*N*19*021*02*A", "INS*N*19*021*ZZ*A"),
        ("INS04: unknown maintenance reason code ZZ".into(), 20, 20)
    );
    let ms = members(&VALID.replacen("INS*N*19*021*02*A", "INS*N*19*002*07*A", 1));
    assert!(ms[1].as_ref().unwrap().maintenance.is_termination());
}

#[test]
fn unknown_gender() {
    assert_eq!(
        second_err("DMG*D8*20260410*F", "DMG*D8*20260410*X"),
        ("DMG03: unknown gender code \"X\"".into(), 20, 23)
    );
}

#[test]
fn bad_dates() {
    assert_eq!(
        second_err("DTP*348*D8*20260410", "DTP*348*D8*20260230"),
        ("DTP*348: 20260230 is not a date".into(), 20, 25)
    );
    assert_eq!(
        second_err("DTP*348*D8*20260410", "DTP*348*D8*2026-02-01"),
        ("DTP*348: 2026-02-01 is not a date".into(), 20, 25)
    );
    assert_eq!(
        second_err("DMG*D8*20260410*F", "DMG*D8*20250229*F"),
        ("DMG*D8: 20250229 is not a date".into(), 20, 23)
    );
    // 2024 is a leap year.
    let ms = members(&VALID.replacen("DMG*D8*20260410*F", "DMG*D8*20240229*F", 1));
    assert_eq!(ms[1].as_ref().unwrap().birth_date, date(2024, 2, 29));
}

#[test]
fn missing_nm1_and_dmg() {
    assert_eq!(
        second_err("NM1*IL*1*DOE*BABY~\n", ""),
        ("NM1*IL (member name) is missing".into(), 20, 20)
    );
    assert_eq!(
        second_err("DMG*D8*20260410*F~\n", ""),
        ("DMG (member demographics) is missing".into(), 20, 20)
    );
    assert_eq!(
        second_err(
            "INS*N*19*021*02*A~\nREF*0F*SUB001~\n",
            "INS*N*19*021*02*A~\n"
        ),
        ("REF*0F (subscriber identifier) is missing".into(), 20, 20)
    );
}

#[test]
fn unknown_segment_in_member_loop() {
    assert_eq!(
        second_err("NM1*IL*1*DOE*BABY~\n", "NM1*IL*1*DOE*BABY~\nXYZ*1~\n"),
        ("unexpected segment XYZ in the member loop".into(), 20, 23)
    );
}

#[test]
fn duplicate_member() {
    let start = VALID.find("INS*N*19").unwrap();
    let end = VALID.find("SE*").unwrap();
    let block = &VALID[start..end];
    let text = fix_counts(&VALID.replacen(block, &format!("{block}{block}"), 1));
    let ms = members(&text);
    assert_eq!(ms.len(), 3);
    assert!(ms[0].is_ok() && ms[1].is_ok());
    let e = ms[2].clone().unwrap_err();
    assert_eq!(e.message, "duplicate of the member at segment 20");
    assert_eq!(e.position, 26);
    assert_eq!(
        e.to_string(),
        "member at segment 26: duplicate of the member at segment 20"
    );
}

#[test]
fn header_errors_reject_the_transaction() {
    let text = fix_counts(&VALID.replacen("BGN*00*REF1*20260401*1200****2~\n", "", 1));
    let ic = parse(text.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(e.to_string(), "segment 4 (REF): BGN missing after ST");
    let text = fix_counts(&VALID.replacen("N1*P5*ACME CORP*FI*123456789~\n", "", 1));
    let ic = parse(text.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "segment 8 (INS): N1*P5 (sponsor) missing before the members"
    );
    let text = VALID.replacen("****2~", "****9~", 1);
    let ic = parse(text.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "segment 4 (BGN), element 8: unknown action code \"9\""
    );
}

pub fn header() -> Header834 {
    Header834 {
        purpose: "00".into(),
        reference: "WS0001".into(),
        date: date(2026, 4, 1),
        time: "1200".into(),
        action: "2".into(),
        master_policy: Some("POLICY1".into()),
        file_effective_date: Some(date(2026, 4, 1)),
        sponsor: Party {
            name: "ACME CORP".into(),
            id_qualifier: "FI".into(),
            id: "123456789".into(),
        },
        payer: Party {
            name: "WELLSPRING HEALTH".into(),
            id_qualifier: "FI".into(),
            id: "987654321".into(),
        },
    }
}

pub fn member(i: usize) -> Member834 {
    let sub = i.is_multiple_of(3);
    let mut m = Member834::new(
        &format!("S{:08}", i / 3 * 3),
        if sub {
            "18"
        } else if i % 3 == 1 {
            "01"
        } else {
            "19"
        },
        &format!("LAST{i}"),
        &format!("FIRST{i}"),
        date(
            1960 + (i % 60) as i16,
            1 + (i % 12) as i8,
            1 + (i % 28) as i8,
        ),
        if i.is_multiple_of(2) { 'F' } else { 'M' },
    );
    m.reason = Some("28".into());
    m.employment_status = sub.then(|| "FT".into());
    m.group_number = Some("GRP01".into());
    m.dates.push(("356".into(), date(2026, 1, 1)));
    m.member_identifier = Some(("ZZ".into(), format!("M{i:09}")));
    m.phones.push(("HP".into(), "5105551234".into()));
    m.email = Some(format!("member{i}@example.com"));
    m.address_lines.push(format!("{i} MAIN ST"));
    m.city = Some("OAKLAND".into());
    m.state = Some("CA".into());
    m.zip = Some("94612".into());
    m.coverages.push(Coverage834 {
        maintenance: Maintenance::Addition,
        insurance_line: "HLT".into(),
        plan_code: "PLAN01".into(),
        coverage_level: Some("FAM".into()),
        begin: Some(date(2026, 1, 1)),
        end: None,
    });
    // Some variety: terminations with an end date, a death (EX-E8), COBRA, dental, member numbers.
    if i % 7 == 3 {
        m.maintenance = Maintenance::Termination;
        m.reason = Some("07".into());
        m.coverages[0].maintenance = Maintenance::Termination;
        m.coverages[0].end = Some(date(2026, 3, 31));
    }
    if i.is_multiple_of(11) && sub {
        m.maintenance = Maintenance::Termination;
        m.reason = Some("03".into());
        m.death_date = Some(date(2026, 3, 15));
        m.coverages[0].maintenance = Maintenance::Termination;
        m.coverages[0].end = Some(date(2026, 3, 31));
    }
    if i % 5 == 4 {
        m.benefit_status = BenefitStatus::Cobra;
        m.member_number = Some(format!("C{i}"));
        m.phones.push(("CP".into(), "5105550000".into()));
        m.coverages.push(Coverage834 {
            maintenance: Maintenance::Addition,
            insurance_line: "DEN".into(),
            plan_code: "DENT01".into(),
            coverage_level: Some("IND".into()),
            begin: Some(date(2026, 2, 1)),
            end: None,
        });
    }
    m
}

#[test]
fn write_then_read_round_trip() {
    let ms: Vec<Member834> = (0..60).map(member).collect();
    let text = write_834(&env(), &header(), &ms);
    if let Some(dir) = out_dir() {
        std::fs::write(dir.join("sample_834.x12"), &text).unwrap();
    }
    let ic = parse(text.as_bytes()).unwrap();
    assert_eq!(ic.groups[0].version, "005010X220A1");
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap();
    assert_eq!(e.header, header());
    assert_eq!(e.members.len(), 60);
    for (got, want) in e.members.iter().zip(&ms) {
        let mut got = got.clone().unwrap();
        got.position = 0;
        got.st_position = 0;
        assert_eq!(&got, want);
    }
}

#[test]
fn writer_cleans_separators() {
    let mut m = member(0);
    m.last_name = "O*BRIEN~".into();
    let text = write_834(&env(), &header(), [&m]);
    let ic = parse(text.as_bytes()).unwrap();
    let e = parse_834(&ic.groups[0].transactions[0]).unwrap();
    assert_eq!(e.members[0].as_ref().unwrap().last_name, "O BRIEN ");
}

#[test]
fn hundred_thousand_members_round_trip() {
    let n = 100_000;
    let mut out = String::with_capacity(n * 400);
    let ms: Vec<Member834> = (0..n).map(member).collect();
    let started = std::time::Instant::now();
    let mut w = Writer834::new(&mut out, &env(), &header()).unwrap();
    for m in &ms {
        w.member(m).unwrap();
    }
    w.finish().unwrap();
    // Informational (debug builds are several times slower than release).
    eprintln!(
        "wrote {n} members ({} bytes) in {:?}",
        out.len(),
        started.elapsed()
    );
    let ic = parse(out.as_bytes()).unwrap();
    let tx = &ic.groups[0].transactions[0];
    assert!(tx.segments.len() > 7 + 11 * n);
    let e = parse_834(tx).unwrap();
    assert_eq!(e.members.len(), n);
    assert_eq!(e.members.iter().filter(|m| m.is_ok()).count(), n);
}
