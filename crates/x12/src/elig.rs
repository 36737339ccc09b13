//! 270/271 eligibility inquiry and response (005010X279A1).
//!
//! [`parse_270`] reads the HL hierarchy (20 information source → 21 receiver → 22 subscriber →
//! optional 23 dependent) into one [`Inquiry270`] per patient asked about. [`write_271`] answers
//! one inquiry following ELG-02: found and covered → `EB*1`, found but not covered → `EB*6`, not
//! found → `AAA*N**75*C` (subscriber) / `67` (dependent) or the code the caller picks.
//!
//! EQ01 repetitions are split on `^` (the repetition separator we and pyx12 use).

use std::collections::HashMap;
use std::fmt;

use jiff::civil::Date;

use crate::write::SegWriter;
use crate::{Envelope, ErrorKind, Segment, Transaction, X12Error, fmt_d8, parse_d8};

/// An entity named by an NM1 (payer, provider).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entity {
    /// NM101 (`PR` payer, `1P` provider, ...).
    pub entity_code: String,
    /// NM102: `1` person, `2` organization.
    pub entity_type: String,
    /// NM103 last or organization name.
    pub name: String,
    /// NM104 first name (persons).
    pub first_name: String,
    /// NM108 (`PI` payer id, `XX` NPI, ...).
    pub id_qualifier: String,
    /// NM109.
    pub id: String,
}

/// A subscriber or dependent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// NM103.
    pub last_name: String,
    /// NM104.
    pub first_name: String,
    /// NM105.
    pub middle_name: Option<String>,
    /// NM109 when NM108 = `MI`.
    pub member_id: Option<String>,
    /// DMG02.
    pub birth_date: Option<Date>,
    /// DMG03.
    pub gender: Option<char>,
}

/// DTP*291 (plan) date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrRange {
    /// `D8`.
    Date(Date),
    /// `RD8` (inclusive).
    Range(Date, Date),
}

/// One eligibility question: a subscriber (or a dependent of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry270 {
    /// BHT03 of the inquiry (echoed in the 271's BHT03).
    pub reference: String,
    /// TRN02 trace number.
    pub trace: Option<String>,
    /// TRN03 trace assigning entity.
    pub trace_originator: Option<String>,
    /// HL 20 information source (NM1*PR).
    pub source: Entity,
    /// HL 21 receiver (NM1*1P provider, NM109 NPI).
    pub provider: Entity,
    /// HL 22 subscriber.
    pub subscriber: Person,
    /// HL 23 dependent, if the question is about one.
    pub dependent: Option<Person>,
    /// DTP*291 date or range, if sent.
    pub date: Option<DateOrRange>,
    /// EQ01 service type codes (`30` health benefit plan coverage, ...).
    pub service_types: Vec<String>,
    /// Segment ordinal of the patient's HL (22 or 23).
    pub position: usize,
    /// Its position within the transaction.
    pub st_position: usize,
}

/// A primary care provider to report (LS*2120 / NM1*P3 / LE*2120).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pcp {
    /// NM103.
    pub last_name: String,
    /// NM104.
    pub first_name: String,
    /// NM109 with NM108 = `XX`.
    pub npi: Option<String>,
}

/// What the caller found for an inquiry (amounts in cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EligibilityAnswer {
    /// The patient is known.
    Found {
        /// Coverage active on the inquiry date (ELG-01).
        covered: bool,
        /// EB05 plan coverage description.
        plan_name: String,
        /// DTP*346.
        plan_begin: Option<Date>,
        /// DTP*347.
        plan_end: Option<Date>,
        /// Primary care provider.
        pcp: Option<Pcp>,
        /// Copays per service type (`98`, `UC`, `86`, `5`, `4`, `88`, ...), in cents per visit.
        copays: Vec<(String, u64)>,
        /// Calendar-year deductible.
        deductible: Option<u64>,
        /// Deductible remaining.
        deductible_remaining: Option<u64>,
        /// Calendar-year out-of-pocket maximum.
        oop_max: Option<u64>,
        /// Out-of-pocket remaining.
        oop_remaining: Option<u64>,
    },
    /// Not found: AAA03 (`75` subscriber not found, `67` patient not found, `72` invalid member
    /// id, `58` invalid birth date, `73` invalid name, ...).
    NotFound {
        /// AAA03.
        aaa_code: String,
    },
}

fn content(seg: &Segment, el: usize, msg: String) -> X12Error {
    X12Error::at_el(ErrorKind::Content, seg, el, msg)
}

fn entity(s: &Segment) -> Entity {
    Entity {
        entity_code: s.el(1).into(),
        entity_type: s.el(2).into(),
        name: s.el(3).into(),
        first_name: s.el(4).into(),
        id_qualifier: s.el(8).into(),
        id: s.el(9).into(),
    }
}

struct PatientLoop {
    person: Person,
    trace: Option<(String, String)>,
    date: Option<DateOrRange>,
    eq: Vec<String>,
}

fn read_patient(hl: &Segment, segs: &[Segment], nm101: &str) -> Result<PatientLoop, X12Error> {
    let mut p = PatientLoop {
        person: Person::default(),
        trace: None,
        date: None,
        eq: Vec::new(),
    };
    let mut has_nm1 = false;
    for s in segs {
        match s.id.as_str() {
            "TRN" => p.trace = Some((s.el(2).into(), s.el(3).into())),
            "NM1" if s.el(1) == nm101 => {
                has_nm1 = true;
                p.person.last_name = s.el(3).into();
                p.person.first_name = s.el(4).into();
                p.person.middle_name = Some(s.el(5).to_string()).filter(|m| !m.is_empty());
                if s.el(8) == "MI" {
                    p.person.member_id = Some(s.el(9).into());
                }
            }
            "DMG" => {
                if s.el(1) != "D8" {
                    return Err(content(
                        s,
                        1,
                        format!("DMG01: format {:?} is not D8", s.el(1)),
                    ));
                }
                p.person.birth_date =
                    Some(parse_d8(s.el(2)).ok_or_else(|| {
                        content(s, 2, format!("DMG*D8: {} is not a date", s.el(2)))
                    })?);
                p.person.gender = match s.el(3) {
                    "" => None,
                    "M" => Some('M'),
                    "F" => Some('F'),
                    "U" => Some('U'),
                    g => return Err(content(s, 3, format!("DMG03: unknown gender code {g:?}"))),
                };
            }
            "DTP" => {
                let bad = || content(s, 3, format!("DTP*{}: {} is not a date", s.el(1), s.el(3)));
                let d = match s.el(2) {
                    "D8" => DateOrRange::Date(parse_d8(s.el(3)).ok_or_else(bad)?),
                    "RD8" => {
                        let (a, b) = s.el(3).split_once('-').ok_or_else(bad)?;
                        let (a, b) = (parse_d8(a).ok_or_else(bad)?, parse_d8(b).ok_or_else(bad)?);
                        if b < a {
                            return Err(bad());
                        }
                        DateOrRange::Range(a, b)
                    }
                    f => {
                        return Err(content(
                            s,
                            2,
                            format!("DTP*{}: format {f:?} is not D8 or RD8", s.el(1)),
                        ));
                    }
                };
                if s.el(1) == "291" {
                    p.date = Some(d);
                }
            }
            "EQ" => {
                for code in s.el(1).split('^').filter(|c| !c.is_empty()) {
                    p.eq.push(code.to_string());
                }
            }
            _ => {}
        }
    }
    if !has_nm1 {
        return Err(X12Error::at(
            ErrorKind::Content,
            hl,
            format!("NM1*{nm101} missing in the HL at segment {}", hl.position),
        ));
    }
    Ok(p)
}

/// Read a 270 transaction into one inquiry per patient asked about.
pub fn parse_270(tx: &Transaction) -> Result<Vec<Inquiry270>, X12Error> {
    let segs = &tx.segments;
    let Some(st) = segs.first() else {
        return Err(X12Error::new(ErrorKind::Content, "empty transaction"));
    };
    if tx.id != "270" {
        return Err(content(st, 1, format!("not a 270 (ST01 is {})", tx.id)));
    }
    let body = &segs[1..segs.len().saturating_sub(1)];
    let Some(bht) = body.first().filter(|s| s.id == "BHT") else {
        let at = body.first().unwrap_or(st);
        return Err(X12Error::at(ErrorKind::Content, at, "BHT missing after ST"));
    };
    // HL blocks.
    let mut blocks: Vec<(&Segment, &[Segment])> = Vec::new();
    let mut i = 1;
    while i < body.len() {
        let hl = &body[i];
        if hl.id != "HL" {
            return Err(X12Error::at(
                ErrorKind::Content,
                hl,
                format!("expected HL, found {}", hl.id),
            ));
        }
        let start = i + 1;
        i = start;
        while body.get(i).is_some_and(|s| s.id != "HL") {
            i += 1;
        }
        blocks.push((hl, &body[start..i]));
    }
    let mut levels: HashMap<String, (String, usize)> = HashMap::new();
    let mut sources: HashMap<String, Entity> = HashMap::new();
    let mut receivers: HashMap<String, (Entity, String)> = HashMap::new();
    let mut subscribers: HashMap<String, (PatientLoop, String)> = HashMap::new();
    let mut out = Vec::new();
    let reference = bht.el(3).to_string();
    let build = |sub: &PatientLoop,
                 dep: Option<&PatientLoop>,
                 recv: &(Entity, String),
                 src: &Entity,
                 hl: &Segment| {
        let patient = dep.unwrap_or(sub);
        let trace = patient.trace.as_ref().or(sub.trace.as_ref());
        Inquiry270 {
            reference: reference.clone(),
            trace: trace.map(|t| t.0.clone()),
            trace_originator: trace.map(|t| t.1.clone()).filter(|t| !t.is_empty()),
            source: src.clone(),
            provider: recv.0.clone(),
            subscriber: sub.person.clone(),
            dependent: dep.map(|d| d.person.clone()),
            date: patient.date.or(sub.date),
            service_types: if patient.eq.is_empty() {
                sub.eq.clone()
            } else {
                patient.eq.clone()
            },
            position: hl.position,
            st_position: hl.st_position,
        }
    };
    for (hl, segs) in blocks {
        let id = hl.el(1).to_string();
        let parent = hl.el(2).to_string();
        let level = hl.el(3);
        if id.is_empty() || levels.contains_key(&id) {
            return Err(content(
                hl,
                1,
                format!("HL01 {id:?} is missing or not unique"),
            ));
        }
        let parent_level = levels.get(&parent).map(|(l, _)| l.as_str());
        let expected_parent = match level {
            "20" => None,
            "21" => Some("20"),
            "22" => Some("21"),
            "23" => Some("22"),
            l => {
                return Err(content(
                    hl,
                    3,
                    format!("unknown hierarchical level code {l:?}"),
                ));
            }
        };
        if parent_level != expected_parent {
            return Err(content(
                hl,
                2,
                format!(
                    "HL02 {parent:?} is not a level {} HL",
                    expected_parent.unwrap_or("(none)")
                ),
            ));
        }
        levels.insert(id.clone(), (level.to_string(), hl.position));
        match level {
            "20" | "21" => {
                let Some(nm1) = segs.iter().find(|s| s.id == "NM1") else {
                    return Err(X12Error::at(
                        ErrorKind::Content,
                        hl,
                        "NM1 missing in the HL",
                    ));
                };
                if level == "20" {
                    sources.insert(id, entity(nm1));
                } else {
                    receivers.insert(id, (entity(nm1), parent));
                }
            }
            "22" => {
                let p = read_patient(hl, segs, "IL")?;
                if p.eq.is_empty() && hl.el(4) != "1" {
                    return Err(X12Error::at(
                        ErrorKind::Content,
                        hl,
                        "EQ missing for the subscriber",
                    ));
                }
                let recv = receivers.get(&parent);
                let src = recv.and_then(|r| sources.get(&r.1));
                if let (Some(recv), Some(src)) = (recv, src)
                    && !p.eq.is_empty()
                {
                    out.push(build(&p, None, recv, src, hl));
                }
                subscribers.insert(id, (p, parent));
            }
            _ => {
                let p = read_patient(hl, segs, "03")?;
                let sub = subscribers.get(&parent);
                let recv = sub.and_then(|s| receivers.get(&s.1));
                let src = recv.and_then(|r| sources.get(&r.1));
                if let (Some(sub), Some(recv), Some(src)) = (sub, recv, src) {
                    if p.eq.is_empty() && sub.0.eq.is_empty() {
                        return Err(X12Error::at(
                            ErrorKind::Content,
                            hl,
                            "EQ missing for the dependent",
                        ));
                    }
                    out.push(build(&sub.0, Some(&p), recv, src, hl));
                }
            }
        }
    }
    if out.is_empty() {
        return Err(X12Error::at(
            ErrorKind::Content,
            st,
            "no subscriber (HL 22) in the 270",
        ));
    }
    Ok(out)
}

fn money(cents: u64) -> String {
    if cents.is_multiple_of(100) {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

fn nm1_entity(w: &mut SegWriter<'_, String>, e: &Entity, default_code: &str) -> fmt::Result {
    let code = if e.entity_code.is_empty() {
        default_code
    } else {
        &e.entity_code
    };
    let ty = if e.entity_type == "1" { "1" } else { "2" };
    let first = if ty == "1" { e.first_name.as_str() } else { "" };
    w.seg(
        "NM1",
        &[code, ty, &e.name, first, "", "", "", &e.id_qualifier, &e.id],
    )
}

fn nm1_person(w: &mut SegWriter<'_, String>, code: &str, p: &Person) -> fmt::Result {
    let (q, id) = match &p.member_id {
        Some(id) if code == "IL" => ("MI", id.as_str()),
        _ => ("", ""),
    };
    w.seg(
        "NM1",
        &[
            code,
            "1",
            &p.last_name,
            &p.first_name,
            p.middle_name.as_deref().unwrap_or(""),
            "",
            "",
            q,
            id,
        ],
    )
}

fn dmg(w: &mut SegWriter<'_, String>, p: &Person) -> fmt::Result {
    if let Some(b) = p.birth_date {
        let g = p.gender.map(String::from).unwrap_or_default();
        w.seg("DMG", &["D8", &fmt_d8(b), &g])?;
    }
    Ok(())
}

/// Write a 270 interchange with one inquiry per entry (clients and tests).
pub fn write_270(env: &Envelope, inquiries: &[Inquiry270]) -> String {
    let mut out = String::new();
    let _ = (|| -> fmt::Result {
        let mut w = SegWriter::new(&mut out);
        w.open(env, "HS", "005010X279A1")?;
        w.st("270", "0001", "005010X279A1")?;
        let reference = inquiries.first().map_or("0", |q| q.reference.as_str());
        let time = format!("{:02}{:02}", env.time.hour(), env.time.minute());
        w.seg("BHT", &["0022", "13", reference, &fmt_d8(env.date), &time])?;
        let mut hl = 0usize;
        for q in inquiries {
            let (h20, h21, h22) = (hl + 1, hl + 2, hl + 3);
            hl += 3;
            w.seg("HL", &[&h20.to_string(), "", "20", "1"])?;
            nm1_entity(&mut w, &q.source, "PR")?;
            w.seg("HL", &[&h21.to_string(), &h20.to_string(), "21", "1"])?;
            nm1_entity(&mut w, &q.provider, "1P")?;
            let has_dep = q.dependent.is_some();
            w.seg(
                "HL",
                &[
                    &h22.to_string(),
                    &h21.to_string(),
                    "22",
                    if has_dep { "1" } else { "0" },
                ],
            )?;
            let trn = |w: &mut SegWriter<'_, String>| -> fmt::Result {
                if let Some(t) = &q.trace {
                    w.seg(
                        "TRN",
                        &[
                            "1",
                            t,
                            q.trace_originator.as_deref().unwrap_or("9999999999"),
                        ],
                    )?;
                }
                Ok(())
            };
            let tail = |w: &mut SegWriter<'_, String>| -> fmt::Result {
                match q.date {
                    Some(DateOrRange::Date(d)) => w.seg("DTP", &["291", "D8", &fmt_d8(d)])?,
                    Some(DateOrRange::Range(a, b)) => w.seg(
                        "DTP",
                        &["291", "RD8", &format!("{}-{}", fmt_d8(a), fmt_d8(b))],
                    )?,
                    None => {}
                }
                let eq = if q.service_types.is_empty() {
                    "30".to_string()
                } else {
                    q.service_types.join("^")
                };
                w.seg("EQ", &[&eq])
            };
            if !has_dep {
                trn(&mut w)?;
            }
            nm1_person(&mut w, "IL", &q.subscriber)?;
            dmg(&mut w, &q.subscriber)?;
            if let Some(d) = &q.dependent {
                hl += 1;
                w.seg("HL", &[&hl.to_string(), &h22.to_string(), "23", "0"])?;
                trn(&mut w)?;
                nm1_person(&mut w, "03", d)?;
                dmg(&mut w, d)?;
            }
            tail(&mut w)?;
        }
        w.se("0001")?;
        w.close(env, 1)
    })();
    out
}

/// Write the 271 answering `inquiry` as a complete interchange (ISA..IEA, GS*HB, one ST*271),
/// mirroring the inquiry's HL structure and echoing its trace as `TRN*2`.
pub fn write_271(ctx: &Envelope, inquiry: &Inquiry270, answer: &EligibilityAnswer) -> String {
    let mut out = String::new();
    let _ = write_271_into(&mut out, ctx, inquiry, answer);
    out
}

fn write_271_into(
    out: &mut String,
    ctx: &Envelope,
    q: &Inquiry270,
    answer: &EligibilityAnswer,
) -> fmt::Result {
    let mut w = SegWriter::new(out);
    w.open(ctx, "HB", "005010X279A1")?;
    w.st("271", "0001", "005010X279A1")?;
    let time = format!("{:02}{:02}", ctx.time.hour(), ctx.time.minute());
    let reference = if q.reference.is_empty() {
        "0"
    } else {
        q.reference.as_str()
    };
    w.seg("BHT", &["0022", "11", reference, &fmt_d8(ctx.date), &time])?;
    w.seg("HL", &["1", "", "20", "1"])?;
    nm1_entity(&mut w, &q.source, "PR")?;
    w.seg("HL", &["2", "1", "21", "1"])?;
    nm1_entity(&mut w, &q.provider, "1P")?;
    let dep = q.dependent.as_ref();
    w.seg(
        "HL",
        &["3", "2", "22", if dep.is_some() { "1" } else { "0" }],
    )?;
    let trn = |w: &mut SegWriter<'_, String>| -> fmt::Result {
        if let Some(t) = &q.trace {
            w.seg(
                "TRN",
                &[
                    "2",
                    t,
                    q.trace_originator.as_deref().unwrap_or("9999999999"),
                ],
            )?;
        }
        Ok(())
    };
    let patient = match dep {
        None => {
            trn(&mut w)?;
            nm1_person(&mut w, "IL", &q.subscriber)?;
            &q.subscriber
        }
        Some(d) => {
            nm1_person(&mut w, "IL", &q.subscriber)?;
            w.seg("HL", &["4", "3", "23", "0"])?;
            trn(&mut w)?;
            nm1_person(&mut w, "03", d)?;
            d
        }
    };
    match answer {
        EligibilityAnswer::NotFound { aaa_code } => {
            let code = if aaa_code.is_empty() {
                if dep.is_some() { "67" } else { "75" }
            } else {
                aaa_code.as_str()
            };
            w.seg("AAA", &["N", "", code, "C"])?;
            dmg(&mut w, patient)?;
        }
        EligibilityAnswer::Found {
            covered,
            plan_name,
            plan_begin,
            plan_end,
            pcp,
            copays,
            deductible,
            deductible_remaining,
            oop_max,
            oop_remaining,
        } => {
            dmg(&mut w, patient)?;
            let dates = |w: &mut SegWriter<'_, String>| -> fmt::Result {
                if let Some(b) = plan_begin {
                    w.seg("DTP", &["346", "D8", &fmt_d8(*b)])?;
                }
                if let Some(e) = plan_end {
                    w.seg("DTP", &["347", "D8", &fmt_d8(*e)])?;
                }
                Ok(())
            };
            if !covered {
                w.seg("EB", &["6", "IND", "30", "HM", plan_name])?;
                dates(&mut w)?;
                return finish(w, ctx);
            }
            w.seg("EB", &["1", "IND", "30", "HM", plan_name])?;
            dates(&mut w)?;
            if let Some(p) = pcp {
                w.seg("LS", &["2120"])?;
                let (q, id) = p.npi.as_deref().map_or(("", ""), |n| ("XX", n));
                w.seg(
                    "NM1",
                    &["P3", "1", &p.last_name, &p.first_name, "", "", "", q, id],
                )?;
                w.seg("LE", &["2120"])?;
            }
            for (st, cents) in copays {
                w.seg("EB", &["B", "IND", st, "HM", "", "27", &money(*cents)])?;
            }
            let amounts = [
                ("C", "23", deductible),
                ("C", "29", deductible_remaining),
                ("G", "23", oop_max),
                ("G", "29", oop_remaining),
            ];
            for (code, period, amount) in amounts {
                if let Some(a) = amount {
                    w.seg("EB", &[code, "IND", "30", "", "", period, &money(*a)])?;
                }
            }
        }
    }
    finish(w, ctx)
}

fn finish(mut w: SegWriter<'_, String>, ctx: &Envelope) -> fmt::Result {
    w.se("0001")?;
    w.close(ctx, 1)
}
