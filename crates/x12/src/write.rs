//! Shared writing helpers: the envelope of interchanges we produce.

use std::fmt::{self, Write};

use jiff::civil::{Date, Time};

use crate::Interchange;

/// Envelope values for an interchange we write. The caller supplies the control numbers and
/// the date/time (there is no clock in this crate).
///
/// Interchanges are written with `*` elements, `^` repetitions, `:` components and `~`
/// segment terminators (each followed by a line break), ISA12 `00501`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// ISA05 (e.g. `ZZ`).
    pub sender_qualifier: String,
    /// ISA06 / GS02 (at most 15 characters).
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08 / GS03.
    pub receiver_id: String,
    /// ISA09 / GS04.
    pub date: Date,
    /// ISA10 / GS05.
    pub time: Time,
    /// ISA13 / IEA02 (at most 999,999,999).
    pub interchange_control_number: u32,
    /// GS06 / GE02.
    pub group_control_number: u32,
    /// ISA15: `P` production or `T` test.
    pub usage: char,
}

impl Envelope {
    /// An envelope from `sender` to `receiver` (qualifiers `ZZ`, production).
    pub fn new(
        sender_id: &str,
        receiver_id: &str,
        date: Date,
        time: Time,
        interchange_control_number: u32,
        group_control_number: u32,
    ) -> Self {
        Self {
            sender_qualifier: "ZZ".into(),
            sender_id: sender_id.into(),
            receiver_qualifier: "ZZ".into(),
            receiver_id: receiver_id.into(),
            date,
            time,
            interchange_control_number,
            group_control_number,
            usage: 'P',
        }
    }

    /// The envelope of a reply to `incoming`: sender and receiver swapped, same usage.
    pub fn reply_to(
        incoming: &Interchange,
        date: Date,
        time: Time,
        interchange_control_number: u32,
        group_control_number: u32,
    ) -> Self {
        Self {
            sender_qualifier: incoming.receiver_qualifier.clone(),
            sender_id: incoming.receiver_id.clone(),
            receiver_qualifier: incoming.sender_qualifier.clone(),
            receiver_id: incoming.sender_id.clone(),
            date,
            time,
            interchange_control_number,
            group_control_number,
            usage: incoming.usage,
        }
    }
}

/// Writes segments, counting those of the current transaction.
pub(crate) struct SegWriter<'a, W: Write> {
    pub(crate) w: &'a mut W,
    /// Segments written since (and including) the last ST.
    pub(crate) count: usize,
}

/// Replace separator and control characters in a value (never emit a broken segment).
pub(crate) fn clean(v: &str) -> std::borrow::Cow<'_, str> {
    if v.bytes()
        .any(|b| matches!(b, b'*' | b'^' | b':' | b'~') || b < 0x20 || b == 0x7f)
    {
        std::borrow::Cow::Owned(
            v.chars()
                .map(|c| {
                    if matches!(c, '*' | '^' | ':' | '~') || c.is_control() {
                        ' '
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

impl<'a, W: Write> SegWriter<'a, W> {
    pub(crate) fn new(w: &'a mut W) -> Self {
        Self { w, count: 0 }
    }

    /// Write one segment; trailing empty elements are dropped. Values are cleaned of separators.
    pub(crate) fn seg(&mut self, id: &str, els: &[&str]) -> fmt::Result {
        let n = els.iter().rposition(|e| !e.is_empty()).map_or(0, |i| i + 1);
        self.w.write_str(id)?;
        for e in &els[..n] {
            self.w.write_char('*')?;
            self.w.write_str(&clean(e))?;
        }
        self.w.write_str("~\n")?;
        self.count += 1;
        Ok(())
    }

    /// Write a segment whose elements are already clean (composites with `:`).
    pub(crate) fn raw(&mut self, text: &str) -> fmt::Result {
        self.w.write_str(text)?;
        self.w.write_str("~\n")?;
        self.count += 1;
        Ok(())
    }

    /// ISA + GS.
    pub(crate) fn open(
        &mut self,
        env: &Envelope,
        functional_id: &str,
        version: &str,
    ) -> fmt::Result {
        let trunc = |s: &str| -> String { clean(s).chars().take(15).collect() };
        let d = env.date;
        let t = env.time;
        writeln!(
            self.w,
            "ISA*00*{:10}*00*{:10}*{:2}*{:<15}*{:2}*{:<15}*{:02}{:02}{:02}*{:02}{:02}*^*00501*{:09}*0*{}*:~",
            "",
            "",
            trunc(&env.sender_qualifier),
            trunc(&env.sender_id),
            trunc(&env.receiver_qualifier),
            trunc(&env.receiver_id),
            d.year().rem_euclid(100),
            d.month(),
            d.day(),
            t.hour(),
            t.minute(),
            env.interchange_control_number % 1_000_000_000,
            if env.usage == 'T' { 'T' } else { 'P' },
        )?;
        let date = crate::fmt_d8(d);
        let time = format!("{:02}{:02}", t.hour(), t.minute());
        let gcn = env.group_control_number.to_string();
        self.seg(
            "GS",
            &[
                functional_id,
                &env.sender_id,
                &env.receiver_id,
                &date,
                &time,
                &gcn,
                "X",
                version,
            ],
        )
    }

    /// ST; resets the segment count.
    pub(crate) fn st(&mut self, id: &str, control: &str, version: &str) -> fmt::Result {
        self.count = 0;
        self.seg("ST", &[id, control, version])
    }

    /// SE with the count of segments from ST.
    pub(crate) fn se(&mut self, control: &str) -> fmt::Result {
        let n = (self.count + 1).to_string();
        self.seg("SE", &[&n, control])
    }

    /// GE + IEA.
    pub(crate) fn close(&mut self, env: &Envelope, transactions: usize) -> fmt::Result {
        let n = transactions.to_string();
        let gcn = env.group_control_number.to_string();
        self.seg("GE", &[&n, &gcn])?;
        let icn = format!("{:09}", env.interchange_control_number % 1_000_000_000);
        self.seg("IEA", &["1", &icn])
    }
}
