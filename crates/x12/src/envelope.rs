//! Tokenizer and strict envelope checks (ISA/GS/ST/SE/GE/IEA).

use std::iter::Peekable;
use std::vec::IntoIter;

use crate::{ErrorKind, Group, Interchange, Segment, Separators, Transaction, X12Error};

/// Widths of ISA01..ISA16.
const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
const ISA_LEN: usize = 106;

/// Parse an interchange strictly.
///
/// The ISA is read as fixed width (106 characters): the element separator is its 4th byte,
/// the repetition separator ISA11, the component separator ISA16 and the segment terminator the
/// byte after ISA16. Line breaks after each terminator are tolerated. Every envelope count and
/// control number is checked; the first problem is returned with the segment ordinal (ISA = 1),
/// the segment id and, where it applies, the element position.
pub fn parse(input: &[u8]) -> Result<Interchange, X12Error> {
    let (seps, segs) = tokenize(input)?;
    build(seps, segs)
}

/// Read the separators and the ISA; shared with the 999 for unparsable interchanges.
pub(crate) fn read_isa(input: &[u8]) -> Result<(Separators, Segment), X12Error> {
    if !input.starts_with(b"ISA") {
        return Err(X12Error::new(ErrorKind::NotX12, "not an X12 interchange"));
    }
    let isa_err = |msg: String| X12Error {
        position: Some(1),
        segment: Some("ISA".into()),
        element: None,
        message: msg,
        kind: ErrorKind::Isa,
    };
    if input.len() < ISA_LEN {
        return Err(isa_err(format!(
            "the ISA segment is truncated: {} of {ISA_LEN} characters",
            input.len()
        )));
    }
    let head = &input[..ISA_LEN];
    if !head.is_ascii() {
        return Err(isa_err("the ISA segment contains non-ASCII bytes".into()));
    }
    let element = char::from(head[3]);
    let repetition = char::from(head[82]);
    let component = char::from(head[104]);
    let segment = char::from(head[105]);
    let seps = Separators {
        element,
        repetition,
        component,
        segment,
    };
    let text: String = head[..105].iter().map(|&b| char::from(b)).collect();
    let parts: Vec<&str> = text.split(element).collect();
    if parts.len() != 17 {
        return Err(isa_err(format!(
            "the ISA must have 16 elements of fixed width, found {}",
            parts.len().saturating_sub(1)
        )));
    }
    for (i, (p, w)) in parts[1..].iter().zip(ISA_WIDTHS).enumerate() {
        if p.len() != w {
            let mut e = isa_err(format!(
                "ISA{:02} must be {w} characters, found {}",
                i + 1,
                p.len()
            ));
            e.element = Some(i + 1);
            return Err(e);
        }
    }
    for c in [element, component, segment] {
        if c.is_ascii_alphanumeric() || c == ' ' {
            return Err(isa_err(format!("invalid separator {c:?} in the ISA")));
        }
    }
    if element == component || element == segment || component == segment {
        return Err(isa_err("the ISA separators must all differ".into()));
    }
    let seg = Segment {
        id: "ISA".into(),
        elements: parts[1..].iter().map(|s| (*s).to_string()).collect(),
        position: 1,
        st_position: 0,
        component_separator: component,
    };
    if !seg.el(13).bytes().all(|b| b.is_ascii_digit()) {
        return Err(X12Error::at_el(
            ErrorKind::Isa,
            &seg,
            13,
            "ISA13 must be 9 digits",
        ));
    }
    if !matches!(seg.el(15), "P" | "T") {
        return Err(X12Error::at_el(
            ErrorKind::Isa,
            &seg,
            15,
            "ISA15 must be P or T",
        ));
    }
    Ok((seps, seg))
}

/// Split the input into segments (no envelope checks beyond the ISA).
pub(crate) fn tokenize(input: &[u8]) -> Result<(Separators, Vec<Segment>), X12Error> {
    let (seps, isa) = read_isa(input)?;
    let term = seps.segment;
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            let off = e.valid_up_to();
            let pos = input[..off]
                .iter()
                .filter(|&&b| char::from(b) == term)
                .count()
                + 1;
            return Err(X12Error {
                position: Some(pos),
                segment: None,
                element: None,
                message: format!("invalid UTF-8 at byte offset {off}"),
                kind: ErrorKind::Syntax,
            });
        }
    };
    let mut segs = vec![isa];
    let mut rest = &text[ISA_LEN..];
    loop {
        rest = rest.trim_start_matches(|c| (c == '\r' || c == '\n') && c != term);
        if rest.is_empty() {
            break;
        }
        let position = segs.len() + 1;
        let Some(end) = rest.find(term) else {
            if rest.trim().is_empty() {
                break;
            }
            let id: String = rest
                .split(seps.element)
                .next()
                .unwrap_or("")
                .chars()
                .take(3)
                .collect();
            return Err(X12Error {
                position: Some(position),
                segment: (!id.is_empty()).then_some(id),
                element: None,
                message:
                    "the file ends inside this segment (no segment terminator): truncated file"
                        .into(),
                kind: ErrorKind::Syntax,
            });
        };
        let mut content = &rest[..end];
        rest = &rest[end + term.len_utf8()..];
        if term == '\n' {
            content = content.strip_suffix('\r').unwrap_or(content);
        }
        let syntax = |msg: String, id: Option<String>| X12Error {
            position: Some(position),
            segment: id,
            element: None,
            message: msg,
            kind: ErrorKind::Syntax,
        };
        let mut parts = content.split(seps.element);
        let id = parts.next().unwrap_or("");
        if id.is_empty() {
            return Err(syntax("empty segment id".into(), None));
        }
        if !(2..=3).contains(&id.len())
            || !id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(syntax(format!("invalid segment id {id:?}"), None));
        }
        if let Some(c) = content.chars().find(|c| c.is_control()) {
            return Err(syntax(
                format!("non-printable character U+{:04X}", u32::from(c)),
                Some(id.to_string()),
            ));
        }
        segs.push(Segment {
            id: id.to_string(),
            elements: parts.map(str::to_string).collect(),
            position,
            st_position: 0,
            component_separator: seps.component,
        });
    }
    Ok((seps, segs))
}

fn describe(seg: &Segment) -> String {
    format!("segment {} ({})", seg.position, seg.id)
}

fn build(seps: Separators, segs: Vec<Segment>) -> Result<Interchange, X12Error> {
    let mut it = segs.into_iter().peekable();
    let Some(isa) = it.next() else {
        return Err(X12Error::new(ErrorKind::NotX12, "not an X12 interchange"));
    };
    let usage = if isa.el(15) == "T" { 'T' } else { 'P' };
    let mut groups = Vec::new();
    let mut last = isa.clone();
    loop {
        let Some(seg) = it.next() else {
            return Err(X12Error {
                position: Some(last.position),
                segment: Some(last.id.clone()),
                element: None,
                message: format!("IEA missing after {} (truncated file?)", describe(&last)),
                kind: ErrorKind::Interchange,
            });
        };
        match seg.id.as_str() {
            "GS" => {
                let (group, l) = build_group(seg, &mut it)?;
                groups.push(group);
                last = l;
            }
            "IEA" => {
                let n = groups.len();
                if seg.el(1).parse::<usize>().ok() != Some(n) {
                    return Err(X12Error::at_el(
                        ErrorKind::Interchange,
                        &seg,
                        1,
                        format!("group count says {}, the interchange has {n}", seg.el(1)),
                    ));
                }
                if seg.el(2) != isa.el(13) {
                    return Err(X12Error::at_el(
                        ErrorKind::Interchange,
                        &seg,
                        2,
                        format!("IEA02 {} does not match ISA13 {}", seg.el(2), isa.el(13)),
                    ));
                }
                if let Some(extra) = it.next() {
                    return Err(X12Error::at(
                        ErrorKind::Syntax,
                        &extra,
                        "segment after the interchange trailer (IEA)",
                    ));
                }
                return Ok(Interchange {
                    sender_qualifier: isa.el(5).to_string(),
                    sender_id: isa.el(6).trim().to_string(),
                    receiver_qualifier: isa.el(7).to_string(),
                    receiver_id: isa.el(8).trim().to_string(),
                    date: isa.el(9).to_string(),
                    time: isa.el(10).to_string(),
                    control_number: isa.el(13).to_string(),
                    usage,
                    separators: seps,
                    groups,
                });
            }
            _ => {
                return Err(X12Error::at(
                    ErrorKind::Syntax,
                    &seg,
                    format!("expected GS or IEA after {}", describe(&last)),
                ));
            }
        }
    }
}

type Segs = Peekable<IntoIter<Segment>>;

fn build_group(gs: Segment, it: &mut Segs) -> Result<(Group, Segment), X12Error> {
    if gs.el(6).is_empty() {
        return Err(X12Error::at_el(
            ErrorKind::GroupControl,
            &gs,
            6,
            "GS06 is missing",
        ));
    }
    let mut txs: Vec<Transaction> = Vec::new();
    let mut last = gs.clone();
    loop {
        let missing = |last: &Segment| X12Error {
            position: Some(last.position),
            segment: Some(last.id.clone()),
            element: None,
            message: format!(
                "GE missing for the group {} (GS at segment {}) after {}",
                gs.el(6),
                gs.position,
                describe(last)
            ),
            kind: ErrorKind::GroupTrailerMissing,
        };
        let Some(peek) = it.peek() else {
            return Err(missing(&last));
        };
        match peek.id.as_str() {
            "ST" => {
                let Some(st) = it.next() else {
                    return Err(missing(&last));
                };
                let (tx, l) = build_transaction(st, it)?;
                txs.push(tx);
                last = l;
            }
            "GE" => {
                let Some(ge) = it.next() else {
                    return Err(missing(&last));
                };
                let n = txs.len();
                if ge.el(1).parse::<usize>().ok() != Some(n) {
                    return Err(X12Error::at_el(
                        ErrorKind::GroupCount,
                        &ge,
                        1,
                        format!("transaction count says {}, the group has {n}", ge.el(1)),
                    ));
                }
                if ge.el(2) != gs.el(6) {
                    return Err(X12Error::at_el(
                        ErrorKind::GroupControl,
                        &ge,
                        2,
                        format!("GE02 {} does not match GS06 {}", ge.el(2), gs.el(6)),
                    ));
                }
                let group = Group {
                    functional_id: gs.el(1).to_string(),
                    sender: gs.el(2).to_string(),
                    receiver: gs.el(3).to_string(),
                    date: gs.el(4).to_string(),
                    control_number: gs.el(6).to_string(),
                    version: gs.el(8).to_string(),
                    position: gs.position,
                    transactions: txs,
                };
                return Ok((group, ge));
            }
            "GS" | "IEA" | "ISA" => return Err(missing(&last)),
            _ => {
                let seg = it.next().unwrap_or_else(|| last.clone());
                return Err(X12Error::at(
                    ErrorKind::Syntax,
                    &seg,
                    format!("expected ST or GE after {}", describe(&last)),
                ));
            }
        }
    }
}

fn build_transaction(mut st: Segment, it: &mut Segs) -> Result<(Transaction, Segment), X12Error> {
    st.st_position = 1;
    if st.el(1).is_empty() {
        return Err(X12Error::at_el(
            ErrorKind::Content,
            &st,
            1,
            "ST01 is missing",
        ));
    }
    if st.el(2).is_empty() {
        return Err(X12Error::at_el(
            ErrorKind::TransactionControl,
            &st,
            2,
            "ST02 is missing",
        ));
    }
    let st_pos = st.position;
    let control = st.el(2).to_string();
    let mut segments = vec![st];
    loop {
        let missing = |segments: &[Segment]| {
            let l = segments.last();
            X12Error {
                position: l.map(|s| s.position),
                segment: l.map(|s| s.id.clone()),
                element: None,
                message: format!(
                    "SE missing for the transaction {control} (ST at segment {st_pos}) after {}",
                    l.map(describe).unwrap_or_default()
                ),
                kind: ErrorKind::TransactionTrailerMissing,
            }
        };
        match it.peek().map(|s| s.id.as_str()) {
            None | Some("ST" | "GE" | "GS" | "IEA" | "ISA") => return Err(missing(&segments)),
            Some(_) => {}
        }
        let Some(mut seg) = it.next() else {
            return Err(missing(&segments));
        };
        seg.st_position = segments.len() + 1;
        if seg.id == "SE" {
            let n = seg.st_position;
            if seg.el(1).parse::<usize>().ok() != Some(n) {
                return Err(X12Error::at_el(
                    ErrorKind::TransactionCount,
                    &seg,
                    1,
                    format!("segment count says {}, the transaction has {n}", seg.el(1)),
                ));
            }
            if seg.el(2) != control {
                return Err(X12Error::at_el(
                    ErrorKind::TransactionControl,
                    &seg,
                    2,
                    format!("SE02 {} does not match ST02 {control}", seg.el(2)),
                ));
            }
            let se = seg.clone();
            segments.push(seg);
            let first = &segments[0];
            let tx = Transaction {
                id: first.el(1).to_string(),
                control_number: control,
                implementation: first.el(3).to_string(),
                segments,
            };
            return Ok((tx, se));
        }
        segments.push(seg);
    }
}
