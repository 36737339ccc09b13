#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Strict envelope parsing: every kind of envelope error, with its exact position and message.

use wellspring_x12::{ErrorKind, parse};

const VALID: &str = include_str!("data/valid_834.x12");

fn err(input: &str) -> String {
    match parse(input.as_bytes()) {
        Ok(_) => panic!("expected an error for:\n{input}"),
        Err(e) => e.to_string(),
    }
}

fn replace(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from} not in the sample");
    VALID.replacen(from, to, 1)
}

#[test]
fn valid_file_parses() {
    let ic = parse(VALID.as_bytes()).unwrap();
    assert_eq!(ic.sender_id, "ACMECORP");
    assert_eq!(ic.receiver_id, "WELLSPRING");
    assert_eq!(ic.control_number, "000000001");
    assert_eq!(ic.usage, 'T');
    assert_eq!(ic.separators.component, ':');
    assert_eq!(ic.groups.len(), 1);
    let g = &ic.groups[0];
    assert_eq!(
        (g.functional_id.as_str(), g.version.as_str()),
        ("BE", "005010X220A1")
    );
    let tx = &g.transactions[0];
    assert_eq!(
        (tx.id.as_str(), tx.control_number.as_str()),
        ("834", "0001")
    );
    assert_eq!(tx.implementation, "005010X220A1");
    assert_eq!(tx.segments.len(), 24);
    let ins = &tx.segments[6];
    assert_eq!(
        (ins.id.as_str(), ins.position, ins.st_position),
        ("INS", 9, 7)
    );
    assert_eq!(ins.el(2), "18");
    assert_eq!(ins.el(99), "");
    assert_eq!(tx.segments.last().unwrap().id, "SE");
}

#[test]
fn without_line_breaks_and_with_crlf() {
    let flat = VALID.replace('\n', "");
    assert_eq!(
        parse(flat.as_bytes()).unwrap().groups[0].transactions[0]
            .segments
            .len(),
        24
    );
    let crlf = VALID.replace('\n', "\r\n");
    assert!(parse(crlf.as_bytes()).is_ok());
}

#[test]
fn other_separators_and_components() {
    let s = VALID.replace('*', "|").replace(":~", ">~");
    let s = s.replace("HD|021||HLT|PLAN01|FAM", "HD|021||HLT|A>B|FAM");
    let ic = parse(s.as_bytes()).unwrap();
    let hd = ic.groups[0].transactions[0]
        .segments
        .iter()
        .find(|s| s.id == "HD")
        .unwrap();
    assert_eq!(hd.components(4), vec!["A", "B"]);
}

#[test]
fn not_x12() {
    assert_eq!(err("hello"), "not an X12 interchange");
    assert_eq!(parse(b"").unwrap_err().kind, ErrorKind::NotX12);
}

#[test]
fn wrong_se_count() {
    assert_eq!(
        err(&replace("SE*24*0001", "SE*25*0001")),
        "segment 26 (SE), element 1: segment count says 25, the transaction has 24"
    );
}

#[test]
fn mismatched_st_se_control() {
    assert_eq!(
        err(&replace("SE*24*0001", "SE*24*0002")),
        "segment 26 (SE), element 2: SE02 0002 does not match ST02 0001"
    );
}

#[test]
fn wrong_ge_count() {
    assert_eq!(
        err(&replace("GE*1*1", "GE*2*1")),
        "segment 27 (GE), element 1: transaction count says 2, the group has 1"
    );
}

#[test]
fn mismatched_gs_ge_control() {
    assert_eq!(
        err(&replace("GE*1*1", "GE*1*7")),
        "segment 27 (GE), element 2: GE02 7 does not match GS06 1"
    );
}

#[test]
fn wrong_iea_count() {
    assert_eq!(
        err(&replace("IEA*1*000000001", "IEA*2*000000001")),
        "segment 28 (IEA), element 1: group count says 2, the interchange has 1"
    );
}

#[test]
fn mismatched_isa13_iea02() {
    assert_eq!(
        err(&replace("IEA*1*000000001", "IEA*1*000000002")),
        "segment 28 (IEA), element 2: IEA02 000000002 does not match ISA13 000000001"
    );
}

#[test]
fn truncated_before_iea() {
    let cut = VALID.replace("IEA*1*000000001~\n", "");
    assert_eq!(
        err(&cut),
        "segment 27 (GE): IEA missing after segment 27 (GE) (truncated file?)"
    );
}

#[test]
fn truncated_before_ge() {
    let cut = &VALID[..VALID.find("GE*1*1").unwrap()];
    assert_eq!(
        err(cut),
        "segment 26 (SE): GE missing for the group 1 (GS at segment 2) after segment 26 (SE)"
    );
}

#[test]
fn truncated_before_se() {
    let cut = &VALID[..VALID.find("SE*24").unwrap()];
    assert_eq!(
        err(cut),
        "segment 25 (DTP): SE missing for the transaction 0001 (ST at segment 3) after segment 25 (DTP)"
    );
    let e = parse(cut.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TransactionTrailerMissing);
}

#[test]
fn truncated_mid_segment() {
    let at = VALID.find("DTP*348*D8*20260101").unwrap() + 6;
    assert_eq!(
        err(&VALID[..at]),
        "segment 19 (DTP): the file ends inside this segment (no segment terminator): truncated file"
    );
}

#[test]
fn truncated_isa() {
    assert_eq!(
        err(&VALID[..50]),
        "segment 1 (ISA): the ISA segment is truncated: 50 of 106 characters"
    );
}

#[test]
fn isa_field_widths() {
    let s = VALID.replacen("ACMECORP       ", "ACMECORP", 1);
    assert_eq!(
        err(&s),
        "segment 1 (ISA): the ISA must have 16 elements of fixed width, found 17"
    );
    let s = VALID.replacen("*0*T*", "*0*X*", 1);
    assert_eq!(err(&s), "segment 1 (ISA), element 15: ISA15 must be P or T");
}

#[test]
fn segments_after_iea() {
    let s = format!("{VALID}GS*BE*X*Y*20260401*1200*2*X*005010X220A1~\n");
    assert_eq!(
        err(&s),
        "segment 29 (GS): segment after the interchange trailer (IEA)"
    );
}

#[test]
fn empty_segment_id() {
    assert_eq!(
        err(&replace("REF*38*POLICY1~", "REF*38*POLICY1~~")),
        "segment 6: empty segment id"
    );
    assert_eq!(
        err(&replace("REF*38*POLICY1~", "REF*38*POLICY1~*X~")),
        "segment 6: empty segment id"
    );
}

#[test]
fn non_printable_and_non_utf8() {
    assert_eq!(
        err(&replace("N3*1 MAIN ST", "N3*1 MAIN\u{7}ST")),
        "segment 15 (N3): non-printable character U+0007"
    );
    let mut bytes = VALID.as_bytes().to_vec();
    let at = VALID.find("1 MAIN ST").unwrap();
    bytes[at] = 0xFF;
    let e = parse(&bytes).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("segment 15: invalid UTF-8 at byte offset {at}")
    );
}

#[test]
fn unexpected_segment_between_transactions() {
    assert_eq!(
        err(&replace("GE*1*1~", "REF*X*Y~\nGE*1*1~")),
        "segment 27 (REF): expected ST or GE after segment 26 (SE)"
    );
}

/// Every prefix and thousands of random byte flips: errors, never a panic.
#[test]
fn malformed_input_never_panics() {
    let bytes = VALID.as_bytes();
    for n in 0..bytes.len() {
        let _ = parse(&bytes[..n]);
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..5000 {
        let mut b = bytes.to_vec();
        let flips = 1 + next() % 4;
        for _ in 0..flips {
            let i = (next() % b.len() as u64) as usize;
            b[i] = (next() % 256) as u8;
        }
        if let Ok(ic) = parse(&b) {
            // Whatever parses must be internally consistent.
            for g in &ic.groups {
                for tx in &g.transactions {
                    assert_eq!(tx.segments.first().map(|s| s.id.as_str()), Some("ST"));
                    assert_eq!(tx.segments.last().map(|s| s.id.as_str()), Some("SE"));
                    let _ = wellspring_x12::parse_834(tx);
                    let _ = wellspring_x12::parse_270(tx);
                }
            }
        }
    }
}
